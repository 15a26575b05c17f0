/* lsm_level.c — SELinux level syntax and identifiers (lsm_level.h). */
#include "lsm_level.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(struct stk_level_err *err, size_t off, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct stk_level_err *err, size_t off, size_t len, const char *fmt, ...)
{
    err->off = off;
    err->len = len;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* Decimal digits at p (no sign, no leading zeros except "0"); *end after them. */
static bool number(const char *p, const char **end, uint32_t *v)
{
    if (*p < '0' || *p > '9')
        return false;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return false;
    uint64_t x = 0;
    while (*p >= '0' && *p <= '9') {
        x = x * 10 + (uint64_t)(*p - '0');
        if (x > 0xffffffffu)
            return false;
        p++;
    }
    *end = p;
    *v = (uint32_t)x;
    return true;
}

struct level {
    uint32_t sens;
    unsigned char cats[STK_MCS_MAX_CATEGORIES / 8];
};

/* One level at text+*pos, up to '-' or the end. */
static int parse_level(const char *text, size_t *pos, uint32_t ncat, struct level *lv, struct stk_level_err *err)
{
    const char *p = text + *pos, *e;
    memset(lv, 0, sizeof *lv);
    if (*p != 's')
        return fail(err, (size_t)(p - text), 1, "expected a sensitivity like 's0' at '%.16s'", *p ? p : "(end)");
    if (!number(p + 1, &e, &lv->sens))
        return fail(err, (size_t)(p - text), 1, "expected a sensitivity number after 's'");
    if (lv->sens > STK_MCS_MAX_SENSITIVITY)
        return fail(err, (size_t)(p - text), (size_t)(e - p), "sensitivity s%u is out of range (s0 to s%u)", lv->sens,
                    STK_MCS_MAX_SENSITIVITY);
    p = e;
    if (*p != ':') {
        *pos = (size_t)(p - text);
        return 0;
    }
    p++;
    long last = -1; /* highest category so far */
    for (;;) {
        const char *start = p;
        uint32_t a, b;
        if (*p != 'c' || !number(p + 1, &e, &a))
            return fail(err, (size_t)(p - text), *p ? 1 : 0, "expected a category like 'c5' at '%.16s'",
                        *p ? p : "(end)");
        if (a >= ncat)
            return fail(err, (size_t)(p - text), (size_t)(e - p), "category c%u is out of range (c0 to c%u)", a,
                        ncat - 1);
        b = a;
        p = e;
        if (*p == '.') {
            const char *q = p + 1;
            if (*q != 'c' || !number(q + 1, &e, &b))
                return fail(err, (size_t)(q - text), *q ? 1 : 0, "expected a category after '.' at '%.16s'",
                            *q ? q : "(end)");
            if (b >= ncat)
                return fail(err, (size_t)(q - text), (size_t)(e - q), "category c%u is out of range (c0 to c%u)", b,
                            ncat - 1);
            if (b <= a)
                return fail(err, (size_t)(start - text), (size_t)(e - start),
                            "category range c%u.c%u must go from a lower to a higher category", a, b);
            p = e;
        }
        if ((long)a <= last)
            return fail(err, (size_t)(start - text), (size_t)(p - start),
                        "categories must be in increasing order: c%u comes after c%ld", a, last);
        for (uint32_t c = a; c <= b; c++)
            lv->cats[c / 8] |= (unsigned char)(1u << (c % 8));
        last = (long)b;
        if (*p != ',')
            break;
        p++;
    }
    *pos = (size_t)(p - text);
    return 0;
}

int stk_level_check(const char *text, uint32_t ncat, struct stk_level_err *err)
{
    if (ncat < 1 || ncat > STK_MCS_MAX_CATEGORIES)
        return fail(err, 0, 0, "category count %u is out of range (1 to %u)", ncat, STK_MCS_MAX_CATEGORIES);
    size_t len = strlen(text);
    if (len == 0)
        return fail(err, 0, 0, "empty level");
    if (len > STK_LEVEL_MAX_LEN)
        return fail(err, 0, len, "level is longer than %u bytes", STK_LEVEL_MAX_LEN);
    struct level lo, hi;
    size_t pos = 0;
    if (parse_level(text, &pos, ncat, &lo, err) < 0)
        return -1;
    if (text[pos] == '\0')
        return 0;
    if (text[pos] != '-')
        return fail(err, pos, 1, "unexpected '%c' in level (expected ',', '.', '-' or the end)", text[pos]);
    size_t hstart = ++pos;
    if (parse_level(text, &pos, ncat, &hi, err) < 0)
        return -1;
    if (text[pos] != '\0')
        return fail(err, pos, 1, "unexpected '%c' after the high level", text[pos]);
    bool dom = hi.sens >= lo.sens;
    for (size_t i = 0; dom && i < sizeof lo.cats; i++)
        if (lo.cats[i] & ~hi.cats[i])
            dom = false;
    if (!dom)
        return fail(err, hstart, len - hstart, "the high level '%s' does not dominate the low level", text + hstart);
    return 0;
}

int stk_level_pair(char *buf, size_t n, uint32_t a, uint32_t b)
{
    int w = snprintf(buf, n, "s0:c%u,c%u", a, b);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

bool stk_selinux_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > STK_SELINUX_NAME_MAX || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return strcmp(s, "self") != 0;
}

bool stk_apparmor_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > STK_APPARMOR_NAME_MAX || strcmp(s, "unconfined") == 0 || strstr(s, "//") || s[0] == '-' || s[0] == '.' ||
        s[n - 1] == '/')
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("_-./+:@", *p)))
            return false;
    return true;
}
