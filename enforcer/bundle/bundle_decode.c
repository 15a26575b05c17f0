/* bundle_decode.c — reading bundle record payloads (bundle_decode.h).  Every
 * read is bounds-checked; errors name what was being read and the offset. */
#include "bundle/bundle_decode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define STEP "bundle"


static size_t bc_off(const struct stk_bcur *c)
{
    return (size_t)(c->p - c->base);
}

int stk_bc_need(struct stk_bcur *c, size_t n, const char *what)
{
    if ((size_t)(c->end - c->p) < n)
        return stk_errf(c->e, STEP, "truncated %s at offset %zu", what, bc_off(c));
    return 0;
}

uint64_t stk_bc_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

int stk_bc_u8(struct stk_bcur *c, uint8_t *v, const char *what)
{
    if (stk_bc_need(c, 1, what) < 0)
        return -1;
    *v = c->p[0];
    c->p += 1;
    return 0;
}

int stk_bc_u16(struct stk_bcur *c, uint16_t *v, const char *what)
{
    if (stk_bc_need(c, 2, what) < 0)
        return -1;
    *v = (uint16_t)stk_bc_le(c->p, 2);
    c->p += 2;
    return 0;
}

int stk_bc_u32(struct stk_bcur *c, uint32_t *v, const char *what)
{
    if (stk_bc_need(c, 4, what) < 0)
        return -1;
    *v = (uint32_t)stk_bc_le(c->p, 4);
    c->p += 4;
    return 0;
}

int stk_bc_u64(struct stk_bcur *c, uint64_t *v, const char *what)
{
    if (stk_bc_need(c, 8, what) < 0)
        return -1;
    *v = stk_bc_le(c->p, 8);
    c->p += 8;
    return 0;
}

int stk_bc_bool(struct stk_bcur *c, bool *v, const char *what)
{
    uint8_t b;
    if (stk_bc_u8(c, &b, what) < 0)
        return -1;
    if (b > 1)
        return stk_errf(c->e, STEP, "%s: invalid boolean %u at offset %zu", what, b, bc_off(c) - 1);
    *v = b;
    return 0;
}

int stk_bc_zero(struct stk_bcur *c, size_t n, const char *what)
{
    if (stk_bc_need(c, n, what) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (c->p[i])
            return stk_errf(c->e, STEP, "%s: reserved byte is not zero at offset %zu", what, bc_off(c) + i);
    c->p += n;
    return 0;
}

/* u32 length, bytes without NUL, NUL.  Returns a pointer into the bundle copy. */
int stk_bc_str(struct stk_bcur *c, const char **s, size_t max, bool nonempty, const char *what)
{
    uint32_t n;
    size_t at = bc_off(c);
    if (stk_bc_u32(c, &n, what) < 0)
        return -1;
    if (n > max)
        return stk_errf(c->e, STEP, "%s: string of %u bytes at offset %zu exceeds the limit of %zu", what, n,
                        at, max);
    if (nonempty && n == 0)
        return stk_errf(c->e, STEP, "%s: empty string at offset %zu", what, at);
    if (stk_bc_need(c, (size_t)n + 1, what) < 0)
        return -1;
    if (memchr(c->p, '\0', n))
        return stk_errf(c->e, STEP, "%s: string contains a NUL byte at offset %zu", what, at);
    if (c->p[n] != '\0')
        return stk_errf(c->e, STEP, "%s: string is not NUL-terminated at offset %zu", what, at);
    *s = (const char *)c->p;
    c->p += (size_t)n + 1;
    return 0;
}

int stk_bc_push(void *arrp, size_t *n, size_t esz, size_t max, const void *val, struct stk_err *e,
                const char *what)
{
    void **arr = arrp;
    if (*n >= max)
        return stk_errf(e, STEP, "too many %s (limit %zu)", what, max);
    /* grow by powers of two */
    if ((*n & (*n - 1)) == 0) {
        size_t cap = *n ? *n * 2 : 4;
        void *q = realloc(*arr, cap * esz);
        if (!q)
            return stk_errnof(e, STEP, ENOMEM, "decoding %s", what);
        *arr = q;
    }
    memcpy((char *)*arr + *n * esz, val, esz);
    (*n)++;
    return 0;
}

