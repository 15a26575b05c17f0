/* report_audit.c — parsing the audit records of Landlock denials
 * (report_audit.h).  Pure: no system calls; unit-tested.
 *
 * The kernel writes a record as space-separated key=value fields.  A value
 * that came from a task (a path, comm, exe) is quoted only when it has no
 * byte below 0x21, above 0x7e or '"'; otherwise it is written in hex without
 * quotes.  So no value contains a space, and no field a task names can pose
 * as another field: the split below is unambiguous. */
#include "supervise/report_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of key in body[0..n) (the raw token), or NULL. */
static const char *field(const char *body, size_t n, const char *key, size_t *vlen)
{
    size_t kl = strlen(key);
    size_t i = 0;
    while (i < n) {
        while (i < n && body[i] == ' ')
            i++;
        size_t start = i;
        while (i < n && body[i] != ' ')
            i++;
        if (i - start > kl && memcmp(body + start, key, kl) == 0 && body[start + kl] == '=') {
            *vlen = i - start - kl - 1;
            return body + start + kl + 1;
        }
    }
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* A task's string: "quoted" or hex.  out gets the bytes (NUL-terminated, cut
 * to len - 1); false if neither form. */
static bool untrusted(const char *v, size_t vl, char *out, size_t len, size_t *outn)
{
    size_t o = 0;
    if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
        for (size_t i = 1; i + 1 < vl && o + 1 < len; i++)
            out[o++] = v[i];
    } else {
        if (vl == 0 || vl % 2)
            return false;
        for (size_t i = 0; i < vl; i += 2) {
            int hi = hexval(v[i]), lo = hexval(v[i + 1]);
            if (hi < 0 || lo < 0)
                return false;
            if (o + 1 < len)
                out[o++] = (char)(hi << 4 | lo);
        }
    }
    out[o] = '\0';
    *outn = o;
    return true;
}

static bool number(const char *v, size_t vl, int base, unsigned long long *out)
{
    char buf[32];
    if (vl == 0 || vl >= sizeof buf)
        return false;
    memcpy(buf, v, vl);
    buf[vl] = '\0';
    char *end;
    if (buf[0] == '-')
        return false;
    *out = strtoull(buf, &end, base);
    return *end == '\0';
}

static bool snumber(const char *v, size_t vl, long *out)
{
    char buf[32];
    if (vl == 0 || vl >= sizeof buf)
        return false;
    memcpy(buf, v, vl);
    buf[vl] = '\0';
    char *end;
    *out = strtol(buf, &end, 10);
    return *end == '\0';
}

/* Printable ASCII only: what a report line may carry verbatim. */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            *s = '?';
}

/* The object of an access record other than a path: its fields after
 * blockers=, without dev= and ino=, each value printable. */
static void other_object(const char *body, size_t n, struct stk_audit_rec *out)
{
    size_t o = 0, i = 0;
    bool after = false;
    out->object[0] = '\0';
    while (i < n) {
        while (i < n && body[i] == ' ')
            i++;
        size_t start = i;
        while (i < n && body[i] != ' ')
            i++;
        size_t tl = i - start;
        if (tl == 0)
            break;
        if (!after) {
            after = tl > 9 && memcmp(body + start, "blockers=", 9) == 0;
            continue;
        }
        if ((tl > 4 && memcmp(body + start, "dev=", 4) == 0) || (tl > 4 && memcmp(body + start, "ino=", 4) == 0))
            continue;
        if (o + tl + 2 >= sizeof out->object)
            break;
        if (o)
            out->object[o++] = ' ';
        memcpy(out->object + o, body + start, tl);
        o += tl;
        out->object[o] = '\0';
    }
    printable(out->object);
}

static bool parse_access(const char *body, size_t n, struct stk_audit_rec *out)
{
    size_t vl;
    unsigned long long u;
    const char *v = field(body, n, "domain", &vl);
    if (!v || !number(v, vl, 16, &u))
        return false;
    out->domain = u;
    v = field(body, n, "blockers", &vl);
    if (!v || vl == 0 || vl >= sizeof out->blockers)
        return false;
    memcpy(out->blockers, v, vl);
    out->blockers[vl] = '\0';
    printable(out->blockers);
    size_t pn;
    v = field(body, n, "path", &vl);
    if (v && untrusted(v, vl, out->object, sizeof out->object, &pn)) {
        out->object_is_path = true; /* raw bytes: the report quotes them */
        return true;
    }
    other_object(body, n, out);
    return true;
}

static bool parse_domain(const char *body, size_t n, struct stk_audit_rec *out)
{
    size_t vl;
    unsigned long long u;
    const char *v = field(body, n, "domain", &vl);
    if (!v || !number(v, vl, 16, &u))
        return false;
    out->domain = u;
    v = field(body, n, "status", &vl);
    if (!v)
        return false;
    if (vl == 9 && memcmp(v, "allocated", 9) == 0) {
        out->allocated = true;
        v = field(body, n, "pid", &vl);
        return v && snumber(v, vl, &out->pid);
    }
    if (vl == 11 && memcmp(v, "deallocated", 11) == 0) {
        out->deallocated = true;
        v = field(body, n, "denials", &vl);
        if (!v || !number(v, vl, 10, &u))
            return false;
        out->denials = (unsigned long)u;
        return true;
    }
    return false;
}

static bool parse_syscall(const char *body, size_t n, struct stk_audit_rec *out)
{
    size_t vl;
    unsigned long long u;
    const char *v = field(body, n, "arch", &vl);
    if (!v || !number(v, vl, 16, &u) || u > UINT32_MAX)
        return false;
    out->arch = (uint32_t)u;
    v = field(body, n, "syscall", &vl);
    if (!v || !snumber(v, vl, &out->nr))
        return false;
    v = field(body, n, "pid", &vl);
    if (!v || !snumber(v, vl, &out->pid))
        return false;
    v = field(body, n, "exit", &vl);
    out->has_exit = v && snumber(v, vl, &out->exit_value);
    size_t cn;
    v = field(body, n, "comm", &vl);
    if (!v || !untrusted(v, vl, out->comm, sizeof out->comm, &cn))
        snprintf(out->comm, sizeof out->comm, "?");
    printable(out->comm);
    return true;
}

bool stk_audit_parse(int type, const char *text, size_t n, struct stk_audit_rec *out)
{
    memset(out, 0, sizeof *out);
    out->type = type;
    if (type != STK_AUDIT_SYSCALL && type != STK_AUDIT_EOE && type != STK_AUDIT_LANDLOCK_ACCESS &&
        type != STK_AUDIT_LANDLOCK_DOMAIN)
        return false;
    while (n > 0 && (text[n - 1] == '\0' || text[n - 1] == '\n'))
        n--;
    /* "audit(SECONDS.MILLIS:SERIAL): " */
    if (n < 8 || memcmp(text, "audit(", 6) != 0)
        return false;
    const char *colon = NULL, *close = NULL;
    for (size_t i = 6; i < n; i++) {
        if (text[i] == ':' && !colon)
            colon = text + i;
        if (text[i] == ')') {
            close = text + i;
            break;
        }
    }
    unsigned long long serial;
    if (!colon || !close || colon > close || !number(colon + 1, (size_t)(close - colon - 1), 10, &serial))
        return false;
    out->serial = serial;
    const char *body = close + 1;
    if (body < text + n && *body == ':')
        body++;
    size_t bn = (size_t)(text + n - body);
    switch (type) {
    case STK_AUDIT_LANDLOCK_ACCESS:
        return parse_access(body, bn, out);
    case STK_AUDIT_LANDLOCK_DOMAIN:
        return parse_domain(body, bn, out);
    case STK_AUDIT_SYSCALL:
        return parse_syscall(body, bn, out);
    default:
        return true; /* EOE: the serial is all */
    }
}
