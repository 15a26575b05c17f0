/* sema_policy.c — resolving a policy (and its `extends` chain) into IR:
 * process attributes (identity, capabilities, rlimits, env, ...), with
 * the seccomp blocks handed to sema_seccomp.c. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "bundle_format.h"
#include "edit_distance.h"
#include "sema/sema.h"
#include "util.h"

/* ---- directives ---------------------------------------------------------- */

/* Every policy installs a seccomp filter (the built-in TIOCSTI rule at
 * least, language.md §9), which the kernel accepts only under no_new_privs
 * or with CAP_SYS_ADMIN: `no_new_privs off` without cap_sys_admin would
 * make every run stop at the seccomp step.  (A landlock block says so
 * already, at the block.) */
static void nnp_finish(struct stk_unit *u, const struct stk_policy_ir *ir)
{
    if (ir->no_new_privs || ir->landlock.present)
        return;
    bool sys_admin = ir->caps_mode == STK_CAPS_ALL ||
                     (ir->caps_mode == STK_CAPS_KEEP && (ir->caps_keep >> 21) & 1); /* CAP_SYS_ADMIN */
    if (!sys_admin)
        stk_diag(u->ds, STK_SEV_ERROR, "seccomp-needs-nnp", ir->nnp_off_loc,
                 "remove 'no_new_privs off', or keep cap_sys_admin",
                 "the seccomp filter every policy installs needs no_new_privs (or cap_sys_admin), which the "
                 "policy turns off");
}

static void d_no_new_privs(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 0, 1) || !stk_sema_no_block(u, s))
        return;
    if (s->args.n == 0 || strcmp(s->args.v[0].text, "on") == 0) {
        ir->no_new_privs = true;
    } else if (strcmp(s->args.v[0].text, "off") == 0) {
        ir->no_new_privs = false;
        ir->nnp_off_loc = s->loc;
        stk_diag(u->ds, STK_SEV_WARNING, "no-new-privs-off", s->loc,
                 "without no_new_privs, setuid binaries run by the service regain privileges",
                 "no_new_privs is turned off");
    } else {
        stk_error(u->ds, "bad-arguments", s->args.v[0].loc, "expected 'on' or 'off', found '%s'",
                  s->args.v[0].text);
    }
}

/* A user or group name or number; what: "user name", ... for the messages. */
static bool valid_id_word(struct stk_unit *u, const struct stk_word *w, const char *what)
{
    if (w->kind != STK_W_NAME && w->kind != STK_W_NUMBER && w->kind != STK_W_STRING) {
        stk_error(u->ds, "bad-arguments", w->loc, "expected a user or group name or number");
        return false;
    }
    if (w->kind == STK_W_NUMBER) {
        uint64_t v;
        if (!stk_parse_int(w->text, &v) || v >= 0xffffffffu || w->text[0] == '-') {
            stk_error(u->ds, "bad-arguments", w->loc, "'%s' is not a valid user or group id", w->text);
            return false;
        }
    }
    if (!w->text[0]) {
        /* written as "" (an unterminated string also arrives empty: the lexer has reported it) */
        if (w->loc.end_col == w->loc.col + 1)
            stk_error(u->ds, "bad-arguments", w->loc, "an empty %s", what);
        return false;
    }
    return stk_sema_fits(u, "too-long", w->loc, what, strlen(w->text), STK_BUNDLE_MAX_NAME);
}

static void d_user(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 1) || !stk_sema_no_block(u, s) || !valid_id_word(u, &s->args.v[0], "user name"))
        return;
    free(ir->user);
    ir->user = stk_xstrdup(s->args.v[0].text);
}

static void d_group(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 1) || !stk_sema_no_block(u, s) || !valid_id_word(u, &s->args.v[0], "group name"))
        return;
    free(ir->group);
    ir->group = stk_xstrdup(s->args.v[0].text);
}

static void d_supplementary_groups(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_no_block(u, s))
        return;
    for (size_t i = 0; i < ir->nsupp; i++)
        free(ir->supp_groups[i]);
    free(ir->supp_groups);
    ir->supp_groups = NULL;
    ir->nsupp = 0;
    size_t cap = 0;
    for (size_t i = 0; i < s->args.n; i++) {
        if (!valid_id_word(u, &s->args.v[i], "supplementary group name"))
            continue;
        stk_sema_count_ok(u, s->args.v[i].loc, ir->nsupp, STK_BUNDLE_MAX_GROUPS, "supplementary groups");
        STK_PUSH(ir->supp_groups, ir->nsupp, cap, stk_xstrdup(s->args.v[i].text));
    }
}

/* Capability by name: net_bind_service, CAP_NET_BIND_SERVICE, cap_net_bind_service. */
static int cap_by_name(const char *name)
{
    char *low = stk_xstrdup(name);
    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    const char *base = strncmp(low, "cap_", 4) == 0 ? low + 4 : low;
    int found = -1;
    for (int c = 0; c <= CAP_LAST_CAP; c++) {
        char *n = cap_to_name((cap_value_t)c);
        if (!n)
            continue;
        if (strcmp(n + (strncmp(n, "cap_", 4) == 0 ? 4 : 0), base) == 0)
            found = c;
        cap_free(n);
        if (found >= 0)
            break;
    }
    free(low);
    return found;
}

static void unknown_cap(struct stk_unit *u, const struct stk_word *w)
{
    const char *known[CAP_LAST_CAP + 1];
    char *names[CAP_LAST_CAP + 1];
    size_t n = 0;
    for (int c = 0; c <= CAP_LAST_CAP; c++) {
        names[c] = cap_to_name((cap_value_t)c);
        if (names[c])
            known[n++] = names[c] + (strncmp(names[c], "cap_", 4) == 0 ? 4 : 0);
    }
    /* match case-insensitively, without the cap_ prefix; report the name as written */
    char *low = stk_xstrdup(w->text);
    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    const char *base = strncmp(low, "cap_", 4) == 0 ? low + 4 : low;
    const char *best = stk_closest_name(base, known, n);
    char *hint = best ? stk_xasprintf("did you mean '%s'?", best) : NULL;
    stk_diag(u->ds, STK_SEV_ERROR, "unknown-capability", w->loc, hint, "unknown capability '%s'", w->text);
    free(hint);
    free(low);
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        if (names[c])
            cap_free(names[c]);
}

static void d_capabilities(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!s->has_block) {
        if (!stk_sema_want_args(u, s, 1, 1))
            return;
        const char *a = s->args.v[0].text;
        if (strcmp(a, "none") == 0) {
            ir->caps_mode = STK_CAPS_NONE;
        } else if (strcmp(a, "all") == 0) {
            ir->caps_mode = STK_CAPS_ALL;
            stk_diag(u->ds, STK_SEV_WARNING, "capabilities-all", s->loc,
                     "list what the service needs: capabilities { keep net_bind_service }",
                     "'capabilities all' keeps every capability");
        } else {
            stk_error(u->ds, "bad-arguments", s->args.v[0].loc,
                      "expected 'none', 'all' or a block { keep ... }, found '%s'", a);
        }
        return;
    }
    if (!stk_sema_want_args(u, s, 0, 0))
        return;
    ir->caps_mode = STK_CAPS_KEEP;
    ir->caps_keep = 0;
    for (size_t i = 0; i < s->block.n; i++) {
        const struct stk_stmt *k = s->block.v[i];
        if (k->kind != STK_S_DIRECTIVE || strcmp(k->name, "keep") != 0) {
            stk_error(u->ds, "unknown-directive", k->loc, "expected 'keep CAPABILITY, ...' in capabilities");
            continue;
        }
        for (size_t j = 0; j < k->args.n; j++) {
            int c = cap_by_name(k->args.v[j].text);
            if (c < 0)
                unknown_cap(u, &k->args.v[j]);
            else
                ir->caps_keep |= 1ull << c;
        }
    }
}

static const struct {
    const char *name;
    int res;
} rlimit_names[] = {
    {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},       {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},     {"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},     {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},   {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};
#define NRLIMIT_NAMES (sizeof rlimit_names / sizeof rlimit_names[0])

static bool rlimit_value(struct stk_unit *u, const struct stk_word *w, uint64_t *v)
{
    if (strcmp(w->text, "unlimited") == 0 || strcmp(w->text, "infinity") == 0) {
        *v = RLIM_INFINITY;
        return true;
    }
    if (w->kind != STK_W_NUMBER || !stk_parse_size(w->text, v) || *v == RLIM_INFINITY) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", w->loc, "e.g. 1024, 64M, 2G or unlimited",
                 "'%s' is not a valid limit", w->text);
        return false;
    }
    return true;
}

static void d_rlimit(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 2, 3) || !stk_sema_no_block(u, s))
        return;
    const struct stk_word *nw = &s->args.v[0];
    int res = -1;
    for (size_t i = 0; i < NRLIMIT_NAMES; i++)
        if (strcmp(rlimit_names[i].name, nw->text) == 0)
            res = rlimit_names[i].res;
    if (res < 0) {
        const char *known[NRLIMIT_NAMES];
        for (size_t i = 0; i < NRLIMIT_NAMES; i++)
            known[i] = rlimit_names[i].name;
        stk_sema_suggest(u, "unknown-rlimit", nw->loc, "resource limit", nw->text, known, NRLIMIT_NAMES);
        return;
    }
    uint64_t soft, hard;
    if (!rlimit_value(u, &s->args.v[1], &soft))
        return;
    hard = soft;
    if (s->args.n == 3 && !rlimit_value(u, &s->args.v[2], &hard))
        return;
    if (soft > hard) {
        stk_error(u->ds, "bad-arguments", s->args.v[1].loc, "soft limit %s is above the hard limit %s",
                  s->args.v[1].text, s->args.v[2].text);
        return;
    }
    ir->rlimits[res] = (struct stk_rlimit){true, soft, hard};
}

static bool env_name_ok(const char *n)
{
    if (!*n || isdigit((unsigned char)*n))
        return false;
    for (const char *p = n; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

static void d_env(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 0, 0))
        return;
    if (!s->has_block) {
        stk_error(u->ds, "bad-arguments", s->loc, "'env' takes a block: env { clear; keep PATH; set A=b }");
        return;
    }
    ir->env_clear = false;
    for (size_t i = 0; i < ir->nenv_keep; i++)
        free(ir->env_keep[i]);
    for (size_t i = 0; i < ir->nenv_set; i++) {
        free(ir->env_set[i].name);
        free(ir->env_set[i].value);
    }
    free(ir->env_keep);
    free(ir->env_set);
    ir->env_keep = NULL;
    ir->env_set = NULL;
    ir->nenv_keep = ir->nenv_set = 0;
    size_t capk = 0, caps = 0;
    for (size_t i = 0; i < s->block.n; i++) {
        const struct stk_stmt *e = s->block.v[i];
        if (e->kind != STK_S_DIRECTIVE) {
            stk_error(u->ds, "unknown-directive", e->loc, "expected clear, keep or set in env");
            continue;
        }
        if (strcmp(e->name, "clear") == 0) {
            if (stk_sema_want_args(u, e, 0, 0))
                ir->env_clear = true;
        } else if (strcmp(e->name, "keep") == 0) {
            for (size_t j = 0; j < e->args.n; j++) {
                const struct stk_word *w = &e->args.v[j];
                if (!env_name_ok(w->text)) {
                    stk_error(u->ds, "bad-arguments", w->loc, "'%s' is not a variable name", w->text);
                    continue;
                }
                if (!stk_sema_fits(u, "too-long", w->loc, "variable name", strlen(w->text), STK_BUNDLE_MAX_NAME))
                    continue;
                stk_sema_count_ok(u, w->loc, ir->nenv_keep, STK_BUNDLE_MAX_ENV, "env keep entries");
                STK_PUSH(ir->env_keep, ir->nenv_keep, capk, stk_xstrdup(w->text));
            }
        } else if (strcmp(e->name, "set") == 0) {
            for (size_t j = 0; j < e->args.n; j++) {
                const struct stk_word *w = &e->args.v[j];
                if (w->kind != STK_W_ASSIGN) {
                    stk_error(u->ds, "bad-arguments", w->loc, "expected NAME=VALUE, found '%s'", w->text);
                    continue;
                }
                if (!stk_sema_fits(u, "too-long", w->loc, "variable name", strlen(w->text), STK_BUNDLE_MAX_NAME) ||
                    !stk_sema_fits(u, "too-long", w->loc, "env value", strlen(w->value), STK_BUNDLE_MAX_VALUE))
                    continue;
                stk_sema_count_ok(u, w->loc, ir->nenv_set, STK_BUNDLE_MAX_ENV, "env set entries");
                struct stk_env_set es = {stk_xstrdup(w->text), stk_xstrdup(w->value)};
                STK_PUSH(ir->env_set, ir->nenv_set, caps, es);
            }
        } else {
            const char *known[] = {"clear", "keep", "set"};
            stk_sema_suggest(u, "unknown-directive", e->loc, "env statement", e->name, known, 3);
        }
    }
}

static void d_workdir(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 1) || !stk_sema_no_block(u, s))
        return;
    const struct stk_word *w = &s->args.v[0];
    if (w->text[0] != '/') {
        stk_error(u->ds, "bad-arguments", w->loc, "workdir must be an absolute path, found '%s'", w->text);
        return;
    }
    if (!stk_sema_fits(u, "bad-path", w->loc, "workdir path", strlen(w->text), STK_BUNDLE_MAX_PATH))
        return;
    free(ir->workdir);
    ir->workdir = stk_xstrdup(w->text);
}

static void d_umask(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 1) || !stk_sema_no_block(u, s))
        return;
    const char *t = s->args.v[0].text;
    char *end;
    errno = 0;
    unsigned long v = strtoul(t, &end, 8);
    if (s->args.v[0].kind != STK_W_NUMBER || *end || errno || v > 0777 || t[0] == '-') {
        stk_error(u->ds, "bad-arguments", s->args.v[0].loc, "'%s' is not an octal umask (000 to 777)", t);
        return;
    }
    ir->umask_set = true;
    ir->umask = (uint32_t)v;
}

static void d_keep_fds(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 64) || !stk_sema_no_block(u, s))
        return;
    free(ir->keep_fds);
    ir->keep_fds = NULL;
    ir->nkeep_fds = 0;
    ir->keep_all_fds = false;
    size_t cap = 0;
    for (size_t i = 0; i < s->args.n; i++) {
        const struct stk_word *w = &s->args.v[i];
        uint64_t v;
        if (strcmp(w->text, "all") == 0) {
            ir->keep_all_fds = true;
        } else if (w->kind == STK_W_NUMBER && stk_parse_int(w->text, &v) && w->text[0] != '-' && v >= 3 &&
                   v < INT_MAX) {
            int fd = (int)v;
            STK_PUSH(ir->keep_fds, ir->nkeep_fds, cap, fd);
        } else {
            stk_error(u->ds, "bad-arguments", w->loc, "expected a descriptor number >= 3 or 'all', found '%s'",
                      w->text);
        }
    }
}

static const struct {
    const char *name;
    void (*fn)(struct stk_unit *, struct stk_policy_ir *, const struct stk_stmt *);
} directives[] = {
    {"no_new_privs", d_no_new_privs},
    {"user", d_user},
    {"group", d_group},
    {"supplementary_groups", d_supplementary_groups},
    {"capabilities", d_capabilities},
    {"rlimit", d_rlimit},
    {"env", d_env},
    {"workdir", d_workdir},
    {"umask", d_umask},
    {"keep_fds", d_keep_fds},
    /* isolation (sema_isolation.c, sema_landlock.c, sema_cgroup.c) */
    {"namespaces", stk_d_namespaces},
    {"hostname", stk_d_hostname},
    {"uidmap", stk_d_uidmap},
    {"gidmap", stk_d_gidmap},
    {"filesystem", stk_d_filesystem},
    {"landlock", stk_d_landlock},
    {"cgroup", stk_d_cgroup},
    /* LSM labels (sema_lsm.c) */
    {"selinux", stk_d_selinux},
    {"apparmor", stk_d_apparmor},
};
#define NDIRECTIVES (sizeof directives / sizeof directives[0])

static void apply_directive(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    for (size_t i = 0; i < NDIRECTIVES; i++) {
        if (strcmp(directives[i].name, s->name) == 0) {
            directives[i].fn(u, ir, s);
            return;
        }
    }
    const char *known[NDIRECTIVES + 1];
    for (size_t i = 0; i < NDIRECTIVES; i++)
        known[i] = directives[i].name;
    known[NDIRECTIVES] = "seccomp";
    stk_sema_suggest(u, "unknown-directive", s->loc, "statement", s->name, known, NDIRECTIVES + 1);
}

/* ---- the policy ------------------------------------------------------------ */

struct stk_policy_ir *stk_policy_resolve(struct stk_unit *u, struct stk_policy_sym *p)
{
    /* The chain, child first. */
    const struct stk_item *chain[64];
    size_t n = 0;
    const struct stk_item *it = p->item;
    bool ok = true;
    while (it) {
        for (size_t i = 0; i < n; i++) {
            if (chain[i] == it) {
                stk_error(u->ds, "extends-cycle", chain[n - 1]->extends_loc,
                          "policy '%s' extends itself through '%s'", p->item->name, chain[n - 1]->name);
                ok = false;
                it = NULL;
                break;
            }
        }
        if (!it)
            break;
        if (n == sizeof chain / sizeof chain[0]) {
            stk_error(u->ds, "extends-cycle", it->loc, "extends chain is longer than 64 policies");
            ok = false;
            break;
        }
        chain[n++] = it;
        if (!it->extends)
            break;
        struct stk_policy_sym *parent = stk_unit_policy(u, it->extends);
        if (!parent) {
            const char *known[256];
            size_t nk = 0;
            for (size_t i = 0; i < u->npolicies && nk < 256; i++)
                known[nk++] = u->policies[i].item->name;
            stk_sema_suggest(u, "unknown-policy", it->extends_loc, "policy", it->extends, known, nk);
            ok = false;
            break;
        }
        it = parent->item;
    }

    struct stk_policy_ir *ir = stk_xcalloc(1, sizeof *ir);
    ir->name = stk_xstrdup(p->item->name);
    ir->loc = p->item->name_loc;
    stk_sema_fits(u, "too-long", ir->loc, "policy name", strlen(ir->name), STK_BUNDLE_MAX_NAME);
    ir->no_new_privs = true;
    ir->caps_mode = STK_CAPS_NONE;

    /* Ancestors first, so the child's settings override. */
    for (size_t i = n; i-- > 0;)
        for (size_t j = 0; j < chain[i]->body.n; j++)
            if (chain[i]->body.v[j]->kind == STK_S_DIRECTIVE)
                apply_directive(u, ir, chain[i]->body.v[j]);
    /* Seccomp blocks: the child's first (first match wins, so its rules take
     * precedence); level tells which policy of the chain a block belongs to. */
    const struct stk_stmt *blocks[256];
    size_t levels[256], nblocks = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < chain[i]->body.n && nblocks < 256; j++)
            if (chain[i]->body.v[j]->kind == STK_S_SECCOMP) {
                blocks[nblocks] = chain[i]->body.v[j];
                levels[nblocks++] = i;
            }
    stk_seccomp_resolve(u, ir, blocks, levels, nblocks);
    /* Checks across directives, once the whole chain is applied. */
    stk_isolation_finish(u, ir);
    stk_landlock_finish(u, ir);
    stk_cgroup_finish(u, ir);
    stk_lsm_finish(u, ir);
    nnp_finish(u, ir);
    (void)ok;
    return ir;
}
