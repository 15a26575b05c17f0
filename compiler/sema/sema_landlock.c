/* sema_landlock.c — the landlock block into IR (ir_landlock.h).
 *
 *   landlock {
 *       read /usr, /etc          # rights beneath these paths (read, write, execute,
 *       write /tmp               #   or one kernel right: read-file, make-reg, ...)
 *       execute /usr/bin
 *       bind tcp 8080            # TCP ports (ABI 4)
 *       connect tcp 5432
 *       scope signal, abstract-unix   # ABI 6
 *       restrict fs, net         # handle a category even without a rule for it
 *       compat best-effort       # or required (the default)
 *   }
 *
 * What is handled (denied unless a rule allows it): every filesystem right
 * once the block has a path rule (or `restrict fs`), bind and connect once it
 * has a port rule (or `restrict net`), the listed scopes.  A later landlock
 * block in the extends chain replaces the earlier one.  docs/language.md. */
#include <string.h>
#include <stdlib.h>

#include "bundle_format.h"
#include "bundle_landlock.h"
#include "sema/sema.h"
#include "util.h"

enum ll_kind { LL_PATHS, LL_PORTS, LL_SCOPE, LL_COMPAT, LL_RESTRICT };

static const struct {
    const char *name;
    enum ll_kind kind;
    uint64_t rights; /* LL_PATHS: STK_LL_FS_*; LL_PORTS: STK_LL_NET_* */
} groups[] = {
    {"read", LL_PATHS, STK_LL_READ},
    {"write", LL_PATHS, STK_LL_WRITE},
    {"execute", LL_PATHS, STK_LL_EXECUTE},
    {"bind", LL_PORTS, STK_LL_NET_BIND_TCP},
    {"connect", LL_PORTS, STK_LL_NET_CONNECT_TCP},
    {"scope", LL_SCOPE, 0},
    {"compat", LL_COMPAT, 0},
    {"restrict", LL_RESTRICT, 0},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

void stk_landlock_ir_free(struct stk_landlock_ir *x)
{
    for (size_t i = 0; i < x->npaths; i++)
        free(x->paths[i].path);
    free(x->paths);
    free(x->ports);
    memset(x, 0, sizeof *x);
}

/* The statement's kind and rights; false if unknown. */
static bool lookup(const char *name, enum ll_kind *kind, uint64_t *rights)
{
    for (size_t i = 0; i < NGROUPS; i++)
        if (strcmp(groups[i].name, name) == 0) {
            *kind = groups[i].kind;
            *rights = groups[i].rights;
            return true;
        }
    uint64_t bit = stk_ll_fs_by_name(name);
    if (!bit)
        return false;
    *kind = LL_PATHS;
    *rights = bit;
    return true;
}

static void unknown_right(struct stk_unit *u, const struct stk_stmt *s)
{
    const char *known[NGROUPS + 32];
    size_t n = 0;
    for (size_t i = 0; i < NGROUPS; i++)
        known[n++] = groups[i].name;
    n += stk_ll_fs_names(known + n, 32);
    stk_sema_suggest(u, "unknown-landlock-right", s->loc, "landlock right", s->name, known, n);
}

/* "/usr//lib/" -> "/usr/lib"; NULL (and an error) for a relative path or one
 * with "." or ".." components. */
static char *normalize_path(struct stk_unit *u, const struct stk_word *w)
{
    if ((w->kind != STK_W_PATH && w->kind != STK_W_STRING) || w->text[0] != '/') {
        stk_diag(u->ds, STK_SEV_ERROR, "relative-path", w->loc, "write the full path, e.g. /usr/lib",
                 "landlock paths must be absolute, found '%s'", w->text);
        return NULL;
    }
    char *out = stk_xmalloc(strlen(w->text) + 1);
    size_t n = 0;
    for (const char *p = w->text; *p;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
            stk_diag(u->ds, STK_SEV_ERROR, "bad-path", w->loc, "write the path it stands for",
                     "'%s' has a '.' or '..' component", w->text);
            free(out);
            return NULL;
        }
        out[n++] = '/';
        memcpy(out + n, p, len);
        n += len;
        p += len;
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    if (!stk_sema_fits(u, "bad-path", w->loc, "landlock path", n, STK_BUNDLE_MAX_PATH)) {
        free(out);
        return NULL;
    }
    return out;
}

static void add_path(struct stk_unit *u, struct stk_landlock_ir *l, char *path, uint64_t rights,
                     const struct stk_word *w, const char *stmt)
{
    for (size_t i = 0; i < l->npaths; i++) {
        struct stk_landlock_path *p = &l->paths[i];
        if (strcmp(p->path, path) != 0)
            continue;
        if ((p->access & rights) == rights)
            stk_diag(u->ds, STK_SEV_WARNING, "duplicate-rule", w->loc, NULL,
                     "'%s' already has the rights of '%s' (given at line %u)", path, stmt, p->loc.line);
        p->access |= rights;
        free(path);
        return;
    }
    stk_sema_count_ok(u, w->loc, l->npaths, STK_BUNDLE_MAX_LANDLOCK_RULES, "landlock path rules");
    struct stk_landlock_path p = {path, rights, w->loc};
    STK_PUSH(l->paths, l->npaths, l->cappaths, p);
}

static void d_paths(struct stk_unit *u, struct stk_landlock_ir *l, const struct stk_stmt *s, uint64_t rights)
{
    if (!stk_sema_want_args(u, s, 1, SIZE_MAX) || !stk_sema_no_block(u, s))
        return;
    for (size_t i = 0; i < s->args.n; i++) {
        char *p = normalize_path(u, &s->args.v[i]);
        if (p)
            add_path(u, l, p, rights, &s->args.v[i], s->name);
    }
    l->handled.fs = STK_LL_FS_ALL;
}

static void d_ports(struct stk_unit *u, struct stk_landlock_ir *l, const struct stk_stmt *s, uint64_t rights)
{
    if (!stk_sema_want_args(u, s, 1, SIZE_MAX) || !stk_sema_no_block(u, s))
        return;
    const struct stk_word *proto = &s->args.v[0];
    if (proto->kind == STK_W_NUMBER) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", proto->loc, NULL,
                 "expected a protocol before the ports: '%s tcp %s'", s->name, proto->text);
        return;
    }
    if (strcmp(proto->text, "tcp") != 0) {
        if (!strcmp(proto->text, "udp") || !strcmp(proto->text, "sctp") || !strcmp(proto->text, "udplite")) {
            stk_diag(u->ds, STK_SEV_ERROR, "unsupported-protocol", proto->loc,
                     "deny the sockets with seccomp instead, e.g. errno EACCES socket if domain in (AF_INET, AF_INET6) && "
                     "type & 0xf == SOCK_DGRAM (the mask: SOCK_CLOEXEC and SOCK_NONBLOCK may be OR-ed in)",
                     "Landlock restricts TCP ports only, not %s", proto->text);
        } else {
            const char *known[] = {"tcp"};
            stk_sema_suggest(u, "unknown-protocol", proto->loc, "protocol", proto->text, known, 1);
        }
        return;
    }
    if (s->args.n < 2) {
        stk_error(u->ds, "bad-arguments", s->loc, "'%s tcp' needs at least one port", s->name);
        return;
    }
    for (size_t i = 1; i < s->args.n; i++) {
        const struct stk_word *w = &s->args.v[i];
        uint64_t v;
        if (w->kind != STK_W_NUMBER || w->text[0] == '-' || !stk_parse_int(w->text, &v)) {
            stk_error(u->ds, "bad-port", w->loc, "'%s' is not a port number", w->text);
            continue;
        }
        if (v > 65535) {
            stk_error(u->ds, "bad-port", w->loc, "port %s is out of range (0 to 65535)", w->text);
            continue;
        }
        bool found = false;
        for (size_t j = 0; j < l->nports && !found; j++) {
            struct stk_landlock_port *p = &l->ports[j];
            if (p->port != v)
                continue;
            found = true;
            if (p->access & rights)
                stk_diag(u->ds, STK_SEV_WARNING, "duplicate-rule", w->loc, NULL,
                         "tcp port %u is already allowed '%s' (line %u)", p->port, s->name, p->loc.line);
            p->access |= rights;
        }
        if (!found) {
            stk_sema_count_ok(u, w->loc, l->nports, STK_BUNDLE_MAX_LANDLOCK_RULES, "landlock port rules");
            struct stk_landlock_port p = {(uint16_t)v, rights, w->loc};
            STK_PUSH(l->ports, l->nports, l->capports, p);
        }
    }
    l->handled.net = STK_LL_NET_ALL;
}

static void d_scope(struct stk_unit *u, struct stk_landlock_ir *l, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, SIZE_MAX) || !stk_sema_no_block(u, s))
        return;
    static const char *const known[] = {"signal", "abstract-unix"};
    for (size_t i = 0; i < s->args.n; i++) {
        const struct stk_word *w = &s->args.v[i];
        if (strcmp(w->text, "signal") == 0)
            l->handled.scope |= STK_LL_SCOPE_SIGNAL;
        else if (strcmp(w->text, "abstract-unix") == 0)
            l->handled.scope |= STK_LL_SCOPE_ABSTRACT_UNIX;
        else
            stk_sema_suggest(u, "unknown-scope", w->loc, "landlock scope", w->text, known, 2);
    }
}

static void d_compat(struct stk_unit *u, struct stk_landlock_ir *l, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 1) || !stk_sema_no_block(u, s))
        return;
    const struct stk_word *w = &s->args.v[0];
    static const char *const known[] = {"best-effort", "required"};
    if (strcmp(w->text, "best-effort") == 0)
        l->best_effort = true;
    else if (strcmp(w->text, "required") == 0)
        l->best_effort = false;
    else
        stk_sema_suggest(u, "bad-arguments", w->loc, "compat mode", w->text, known, 2);
}

static void d_restrict(struct stk_unit *u, struct stk_landlock_ir *l, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 2) || !stk_sema_no_block(u, s))
        return;
    static const char *const known[] = {"fs", "net"};
    for (size_t i = 0; i < s->args.n; i++) {
        const struct stk_word *w = &s->args.v[i];
        if (strcmp(w->text, "fs") == 0)
            l->handled.fs = STK_LL_FS_ALL;
        else if (strcmp(w->text, "net") == 0)
            l->handled.net = STK_LL_NET_ALL;
        else
            stk_sema_suggest(u, "bad-arguments", w->loc, "landlock category", w->text, known, 2);
    }
}

void stk_d_landlock(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    struct stk_landlock_ir *l = &ir->landlock;
    if (!stk_sema_want_block(u, s, "e.g. landlock { read /usr; write /tmp }"))
        return;
    stk_landlock_ir_free(l); /* a later block (the child's) replaces an earlier one */
    l->present = true;
    l->loc = s->loc;
    for (size_t i = 0; i < s->block.n; i++) {
        const struct stk_stmt *k = s->block.v[i];
        enum ll_kind kind;
        uint64_t rights;
        if (k->kind != STK_S_DIRECTIVE) {
            stk_error(u->ds, "unknown-landlock-right", k->loc, "expected a landlock rule (read PATH, bind tcp PORT, ...)");
            continue;
        }
        if (!lookup(k->name, &kind, &rights)) {
            unknown_right(u, k);
            continue;
        }
        switch (kind) {
        case LL_PATHS: d_paths(u, l, k, rights); break;
        case LL_PORTS: d_ports(u, l, k, rights); break;
        case LL_SCOPE: d_scope(u, l, k); break;
        case LL_COMPAT: d_compat(u, l, k); break;
        case LL_RESTRICT: d_restrict(u, l, k); break;
        }
    }
}

void stk_landlock_finish(struct stk_unit *u, struct stk_policy_ir *ir)
{
    struct stk_landlock_ir *l = &ir->landlock;
    if (!l->present)
        return;
    if (stk_ll_empty(&l->handled)) {
        stk_diag(u->ds, STK_SEV_WARNING, "landlock-empty", l->loc,
                 "add rules (read /usr, connect tcp 443, scope signal) or remove the block",
                 "the landlock block restricts nothing");
        stk_landlock_ir_free(l);
        return;
    }
    if (l->handled.fs) {
        bool exec = false;
        for (size_t i = 0; i < l->npaths; i++)
            exec |= (l->paths[i].access & STK_LL_FS_EXECUTE) != 0;
        if (!exec)
            stk_diag(u->ds, STK_SEV_WARNING, "landlock-no-execute", l->loc,
                     "allow the command, its dynamic loader and libraries, e.g. execute /usr/bin, /usr/lib",
                     "the landlock block lets nothing be executed: not even the command can start");
    }
    if (!ir->no_new_privs) {
        bool sys_admin = ir->caps_mode == STK_CAPS_ALL ||
                         (ir->caps_mode == STK_CAPS_KEEP && (ir->caps_keep >> 21) & 1); /* CAP_SYS_ADMIN */
        if (!sys_admin)
            stk_diag(u->ds, STK_SEV_ERROR, "landlock-needs-nnp", l->loc,
                     "remove 'no_new_privs off', or keep cap_sys_admin",
                     "Landlock needs no_new_privs (or cap_sys_admin), which the policy turns off");
    }
}
