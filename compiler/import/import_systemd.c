/* import_systemd.c — the hardening directives of a systemd unit (or drop-in)
 * as a policy.  Each directive that maps becomes the statement that means
 * the same (docs/interop.md, "Importing", has the table); every other
 * assignment of [Service] is listed in a comment at the top and as a
 * warning.  The syscall filter is written by name: systemd's @groups are
 * resolved with this machine's systemd (import_sdfilter.c), whose version
 * the header names, since the groups change between versions. */
#include <ctype.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "import/import_int.h"
#include "import/import_sd.h"

static const char *const limits[][2] = {
    {"LimitCPU", "cpu"},       {"LimitFSIZE", "fsize"},   {"LimitDATA", "data"},
    {"LimitSTACK", "stack"},   {"LimitCORE", "core"},     {"LimitRSS", "rss"},
    {"LimitNOFILE", "nofile"}, {"LimitAS", "as"},         {"LimitNPROC", "nproc"},
    {"LimitMEMLOCK", "memlock"}, {"LimitLOCKS", "locks"}, {"LimitSIGPENDING", "sigpending"},
    {"LimitMSGQUEUE", "msgqueue"}, {"LimitNICE", "nice"}, {"LimitRTPRIO", "rtprio"},
    {"LimitRTTIME", "rttime"},
};

void stk_sd_warn(struct sd_ctx *x, const struct unit_kv *kv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    if (!s)
        return;
    if (x->warn->len)
        stk_buf_puts(x->warn, "\n");
    if (kv)
        stk_buf_printf(x->warn, "line %u: %s=: %s", kv->line, kv->key, s);
    else
        stk_buf_puts(x->warn, s);
    if (kv)
        stk_buf_printf(&x->notmapped, "#   %s= (line %u): %s\n", kv->key, kv->line, s);
    else
        stk_buf_printf(&x->notmapped, "#   %s\n", s);
    free(s);
}

/* "1024", "4K", "infinity" -> the language's spelling; NULL if not a plain size. */
static char *limit_value(const char *v, bool timed)
{
    if (strcmp(v, "infinity") == 0)
        return stk_xstrdup("unlimited");
    size_t n = strspn(v, "0123456789");
    if (n == 0 || n > 19)
        return NULL;
    if (v[n] == '\0')
        return stk_xstrdup(v);
    if (!timed && strchr("KMGT", v[n]) && v[n + 1] == '\0')
        return stk_xstrdup(v);
    return NULL;
}

static void map_limit(struct sd_ctx *x, struct unit_kv *kv, const char *res)
{
    bool timed = strcmp(res, "cpu") == 0 || strcmp(res, "rttime") == 0;
    char *soft = stk_xstrdup(kv->value), *hard = strchr(soft, ':');
    if (hard)
        *hard++ = '\0';
    char *s = limit_value(soft, timed), *h = hard ? limit_value(hard, timed) : NULL;
    if (!s || (hard && !h) || (strcmp(res, "nice") == 0 && (soft[0] == '+' || soft[0] == '-'))) {
        stk_sd_warn(x, kv, "'%s' is not a plain number%s", kv->value, timed ? " (time units are not mapped)" : "");
    } else {
        stk_buf_printf(&x->proc, "    rlimit %s %s%s%s\n", res, s, h ? " " : "", h ? h : "");
        kv->used = true;
    }
    free(s);
    free(h);
    free(soft);
}

static void map_caps(struct sd_ctx *x, struct unit_kv *kv, uint64_t *set, bool *given)
{
    const char *v = kv->value;
    if (!*v) { /* systemd: the empty string resets the set to empty */
        *set = 0;
        *given = true;
        kv->used = true;
        return;
    }
    bool inv = *v == '~';
    char **w;
    size_t n;
    if (!stk_unit_words(v + inv, &w, &n)) {
        stk_sd_warn(x, kv, "unterminated quote");
        return;
    }
    uint64_t list = 0;
    for (size_t i = 0; i < n; i++) {
        cap_value_t c;
        if (cap_from_name(w[i], &c) == 0 && c >= 0 && c <= CAP_LAST_CAP)
            list |= 1ull << c;
        else
            stk_sd_warn(x, kv, "unknown capability '%s' left out", w[i]);
    }
    stk_unit_words_free(w, n);
    uint64_t all = (CAP_LAST_CAP >= 63) ? ~0ull : ((1ull << (CAP_LAST_CAP + 1)) - 1);
    if (inv)
        *set = (*given ? *set : all) & ~list;
    else
        *set = *given ? (*set | list) : list;
    *given = true;
    kv->used = true;
}

static void write_caps(struct sd_ctx *x, uint64_t keep, bool all)
{
    if (all) {
        stk_buf_puts(&x->proc, "    # root without CapabilityBoundingSet=: every capability, as under systemd\n"
                               "    capabilities all\n");
        return;
    }
    if (!keep) {
        stk_buf_puts(&x->proc, "    capabilities none\n");
        return;
    }
    stk_buf_puts(&x->proc, "    capabilities { keep");
    bool first = true;
    for (int c = 0; c <= CAP_LAST_CAP; c++) {
        if (!((keep >> c) & 1))
            continue;
        char *n = cap_to_name((cap_value_t)c);
        if (!n)
            continue;
        stk_buf_printf(&x->proc, "%s %s", first ? "" : ",", strncmp(n, "cap_", 4) == 0 ? n + 4 : n);
        first = false;
        cap_free(n);
    }
    stk_buf_puts(&x->proc, " }\n");
}

static bool is_root(const char *user)
{
    return !user || strcmp(user, "root") == 0 || strcmp(user, "0") == 0;
}

static void map_simple(struct sd_ctx *x, struct unit_kv *kv, const char *stmt)
{
    const char *v = kv->value;
    if (!*v)
        return;
    if (strcmp(stmt, "workdir") == 0) {
        if (*v == '-')
            v++;
        if (*v != '/') {
            stk_sd_warn(x, kv, "'%s' is not an absolute path", kv->value);
            return;
        }
    }
    if (strcmp(stmt, "umask") == 0) {
        size_t n = strspn(v, "01234567");
        if (n == 0 || v[n] || strtoul(v, NULL, 8) > 0777) {
            stk_sd_warn(x, kv, "'%s' is not an octal mask", v);
            return;
        }
        stk_buf_printf(&x->proc, "    umask %03lo\n", strtoul(v, NULL, 8));
        kv->used = true;
        return;
    }
    char *q = stk_unit_quote(v);
    stk_buf_printf(&x->proc, "    %s %s\n", stmt, q);
    free(q);
    kv->used = true;
}

static void map_env(struct sd_ctx *x, struct unit_kv *kv)
{
    char **w;
    size_t n;
    if (!stk_unit_words(kv->value, &w, &n)) {
        stk_sd_warn(x, kv, "unterminated quote");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char *eq = strchr(w[i], '=');
        if (!eq || eq == w[i]) {
            stk_sd_warn(x, kv, "'%s' is not NAME=VALUE", w[i]);
            continue;
        }
        *eq = '\0';
        char *q = stk_unit_quote(eq + 1);
        stk_buf_printf(&x->env, "%s%s=%s", x->env.len ? " " : "", w[i], *(eq + 1) ? q : "\"\"");
        free(q);
    }
    stk_unit_words_free(w, n);
    kv->used = true;
}

int stk_import_systemd(const char *text, size_t len, const struct stk_import_opts *o,
                       const struct stk_import_sdgroups *groups, struct stk_buf *out, struct stk_buf *warn, char *err,
                       size_t errlen)
{
    struct unit u = {0};
    if (len > 16u << 20) {
        snprintf(err, errlen, "the unit is larger than 16 MiB");
        return -1;
    }
    if (!stk_unit_parse(text, len, &u, err, errlen))
        return -1;
    struct sd_ctx x = {.o = o, .groups = groups, .warn = warn, .errno_action = -1};
    const char *user = NULL;
    uint64_t bound = 0, ambient = 0;
    bool bound_given = false, ambient_given = false;
    int rc = -1;
    for (size_t i = 0; i < u.n; i++) {
        struct unit_kv *kv = &u.kv[i];
        if (strcmp(kv->section, "Service") != 0) {
            kv->used = true; /* [Unit], [Install]: not about the process */
            continue;
        }
        const char *k = kv->key;
        const char *pct = strchr(kv->value, '%');
        if (pct && isalpha((unsigned char)pct[1]))
            stk_sd_warn(&x, kv, "'%s' holds a systemd specifier (%%...), which is not expanded", kv->value);
        if (strcmp(k, "User") == 0) {
            map_simple(&x, kv, "user");
            user = *kv->value ? kv->value : NULL;
        } else if (strcmp(k, "Group") == 0) {
            map_simple(&x, kv, "group");
        } else if (strcmp(k, "WorkingDirectory") == 0) {
            map_simple(&x, kv, "workdir");
        } else if (strcmp(k, "UMask") == 0) {
            map_simple(&x, kv, "umask");
        } else if (strcmp(k, "NoNewPrivileges") == 0) {
            int b = stk_unit_bool(kv->value);
            if (b == 0)
                stk_sd_warn(&x, kv, "stockade sets no_new_privs anyway (its seccomp filter and Landlock need it)");
            else if (b < 0)
                stk_sd_warn(&x, kv, "'%s' is not a boolean", kv->value);
            else
                kv->used = true;
        } else if (strcmp(k, "CapabilityBoundingSet") == 0) {
            map_caps(&x, kv, &bound, &bound_given);
        } else if (strcmp(k, "AmbientCapabilities") == 0) {
            map_caps(&x, kv, &ambient, &ambient_given);
        } else if (strcmp(k, "Environment") == 0) {
            map_env(&x, kv);
        } else if (strncmp(k, "Limit", 5) == 0) {
            size_t li = 0;
            while (li < sizeof limits / sizeof limits[0] && strcmp(limits[li][0], k) != 0)
                li++;
            if (li < sizeof limits / sizeof limits[0])
                map_limit(&x, kv, limits[li][1]);
            else
                stk_sd_warn(&x, kv, "not a resource limit stockade knows");
        } else if (stk_sd_map_isolation(&x, kv) || stk_sd_map_seccomp(&x, kv, err, errlen)) {
            if (x.failed)
                goto out;
        } else if (strcmp(k, "ExecStart") == 0) {
            stk_buf_printf(&x.notmapped, "#   ExecStart= (line %u): run the command under the policy:\n"
                                         "#     stockade run POLICY.stk -- ",
                           kv->line);
            for (const char *c = kv->value; *c; c++)
                stk_buf_put(&x.notmapped, (*c >= 0x20 && *c < 0x7f) ? c : "?", 1);
            stk_buf_puts(&x.notmapped, "\n");
            kv->used = true;
        } else {
            stk_sd_warn(&x, kv, "not mapped");
        }
    }
    /* capabilities: a root service keeps its bounding set, another user its
     * ambient set (within the bounding set) */
    if (is_root(user))
        write_caps(&x, bound, !bound_given);
    else
        write_caps(&x, ambient_given ? (ambient & (bound_given ? bound : ~0ull)) : 0, false);
    if (x.env.len)
        stk_buf_printf(&x.proc, "    env { set %s }\n", x.env.data);
    /* the body first: writing it may add to what is not mapped */
    struct stk_buf body = {0};
    char *name = stk_imp_policy_name(o->source, o->policy_name);
    stk_buf_printf(&body, "\npolicy %s {\n", name);
    free(name);
    if (x.proc.len)
        stk_buf_puts(&body, x.proc.data);
    stk_sd_write_isolation(&x, &body);
    stk_sd_write_seccomp(&x, &body);
    stk_buf_puts(&body, "}\n");
    stk_buf_puts(out, "# Imported by `stockade import systemd` from:\n# ");
    for (const char *c = o->source ? o->source : "(standard input)"; *c; c++)
        stk_buf_put(out, (*c >= 0x20 && *c < 0x7f) ? c : "?", 1);
    stk_buf_puts(out, "\n");
    if (x.used_groups) {
        stk_buf_puts(out, "# systemd's syscall groups resolved to names (they change between versions) with\n# ");
        for (const char *c = groups && groups->version ? groups->version : "this machine's systemd"; *c; c++)
            stk_buf_put(out, (*c >= 0x20 && *c < 0x7f) ? c : "?", 1);
        stk_buf_puts(out, ".\n");
    }
    stk_buf_puts(out, "# stockade sets no_new_privs for every policy (systemd only with NoNewPrivileges=yes or a\n"
                      "# filter under a non-root User=).\n");
    if (x.notmapped.len) {
        stk_buf_puts(out, "#\n# Not mapped, or mapped only in part:\n");
        stk_buf_puts(out, x.notmapped.data);
    }
    stk_buf_put(out, body.data, body.len);
    stk_buf_free(&body);
    if (stk_imp_compiles(out, err, errlen) != 0) {
        out->len = 0;
        goto out;
    }
    rc = 0;
out:
    stk_sd_ctx_free(&x);
    stk_unit_free_kv(&u);
    return rc;
}
