/* learn_set.c — the recorder's sets (learn.h): numbers in insertion order,
 * and paths with rights in a hash table (a service opens thousands of files,
 * most of them many times: the lookup must not grow with them), bounded in
 * paths and bytes (past the bounds, new paths are only counted). */
#include <stdlib.h>
#include <string.h>

#include "supervise/learn.h"

bool stk_learn_set_has(const struct stk_learn_set *s, uint64_t v)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == v)
            return true;
    return false;
}

bool stk_learn_set_add(struct stk_learn_set *s, uint64_t v)
{
    if (stk_learn_set_has(s, v))
        return true;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        uint64_t *nv = realloc(s->v, cap * sizeof *nv);
        if (!nv)
            return false;
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n++] = v;
    return true;
}

void stk_learn_set_free(struct stk_learn_set *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool grow(struct stk_learn_paths *p)
{
    size_t cap = p->cap ? 2 * p->cap : 256;
    char **key = calloc(cap, sizeof *key);
    unsigned *rights = calloc(cap, sizeof *rights);
    if (!key || !rights) {
        free(key);
        free(rights);
        return false;
    }
    for (size_t i = 0; i < p->cap; i++) {
        if (!p->key[i])
            continue;
        size_t j = hash(p->key[i]) & (cap - 1);
        while (key[j])
            j = (j + 1) & (cap - 1);
        key[j] = p->key[i];
        rights[j] = p->rights[i];
    }
    free(p->key);
    free(p->rights);
    p->key = key;
    p->rights = rights;
    p->cap = cap;
    return true;
}

bool stk_learn_paths_add(struct stk_learn_paths *p, const char *path, unsigned rights)
{
    /* no growth once full: the table holds 2 * STK_LEARN_PATHS_MAX slots by then */
    if (p->n < STK_LEARN_PATHS_MAX && 2 * (p->n + 1) > p->cap && !grow(p))
        return false;
    size_t j = hash(path) & (p->cap - 1);
    while (p->key[j]) {
        if (strcmp(p->key[j], path) == 0) {
            p->rights[j] |= rights;
            return true;
        }
        j = (j + 1) & (p->cap - 1);
    }
    size_t len = strlen(path) + 1;
    if (p->n >= STK_LEARN_PATHS_MAX || len > STK_LEARN_PATHS_BYTES - p->bytes) {
        p->dropped++;
        return true;
    }
    p->key[j] = strdup(path);
    if (!p->key[j])
        return false;
    p->rights[j] = rights;
    p->n++;
    p->bytes += len;
    return true;
}

void stk_learn_paths_free(struct stk_learn_paths *p)
{
    for (size_t i = 0; i < p->cap; i++)
        free(p->key[i]);
    free(p->key);
    free(p->rights);
    memset(p, 0, sizeof *p);
}
