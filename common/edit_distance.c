/* edit_distance.c — the distance behind every "did you mean". */
#include "edit_distance.h"

#include <string.h>

unsigned stk_edit_distance(const char *a, const char *b, unsigned cap)
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
