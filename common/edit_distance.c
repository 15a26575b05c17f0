/* edit_distance.c — the distance and the closest-name rule behind every "did you mean". */
#include "edit_distance.h"

#include <string.h>
#include <strings.h>

/* Levenshtein distance, capped: returns cap+1 when larger (and for names
 * longer than 64 bytes). */
static unsigned edit_distance(const char *a, const char *b, unsigned cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return cap + 1;
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    unsigned prev[65], cur[65];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (unsigned)i;
        unsigned rowmin = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            unsigned v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            cur[j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        if (rowmin > cap)
            return cap + 1;
        memcpy(prev, cur, sizeof(unsigned) * (lb + 1));
    }
    return prev[lb] > cap ? cap + 1 : prev[lb];
}

void stk_closest_init_cap(struct stk_closest *c, const char *name, unsigned cap)
{
    *c = (struct stk_closest){name, NULL, cap + 1, false, cap};
}

void stk_closest_init(struct stk_closest *c, const char *name)
{
    stk_closest_init_cap(c, name, STK_CLOSEST_MAX_EDITS);
}

void stk_closest_offer(struct stk_closest *c, const char *candidate)
{
    if (c->exact || !c->name || !candidate)
        return;
    if (strcasecmp(c->name, candidate) == 0) {
        *c = (struct stk_closest){c->name, candidate, 0, true, c->cap};
        return;
    }
    unsigned d = edit_distance(c->name, candidate, c->cap);
    if (d < c->dist) {
        c->dist = d;
        c->best = candidate;
    }
}

const char *stk_closest_name(const char *name, const char *const *known, size_t n)
{
    struct stk_closest c;
    stk_closest_init(&c, name);
    for (size_t i = 0; i < n; i++)
        stk_closest_offer(&c, known[i]);
    return c.best;
}
