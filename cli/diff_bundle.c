/* diff_bundle.c — the non-seccomp parts of two bundles compared: identity,
 * no_new_privs, capabilities, rlimits, environment and descriptors,
 * namespaces and the filesystem view, Landlock, cgroup limits, LSM labels.
 * Each change gets a direction: loosened (the command may do more),
 * tightened (less), changed (neither is simply larger). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "bundle/bundle.h"
#include "diff.h"
#include "util.h"

const char *stk_diff_dir_name(enum stk_diff_dir d)
{
    return d == STK_DIFF_LOOSENED ? "loosened" : d == STK_DIFF_TIGHTENED ? "tightened" : "changed";
}

void stk_diff_add(struct stk_diff *d, enum stk_diff_dir dir, const char *section, const char *what,
                  const char *before, const char *after)
{
    struct stk_diff_item it = {dir, stk_xstrdup(section), stk_xstrdup(what), stk_xstrdup(before),
                               stk_xstrdup(after)};
    STK_PUSH(d->v, d->n, d->cap, it);
}

void stk_diff_free(struct stk_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].section);
        free(d->v[i].what);
        free(d->v[i].before);
        free(d->v[i].after);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

static const char *str_or(const char *s, const char *dflt) { return s ? s : dflt; }

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* NULL -> set: tightened (a switch is added); set -> NULL: loosened. */
static void cmp_opt_str(struct stk_diff *out, const char *sec, const char *what, const char *a, const char *b,
                        const char *unset)
{
    if (str_eq(a, b))
        return;
    enum stk_diff_dir d = !a ? STK_DIFF_TIGHTENED : !b ? STK_DIFF_LOOSENED : STK_DIFF_CHANGED;
    stk_diff_add(out, d, sec, what, str_or(a, unset), str_or(b, unset));
}

static bool is_root_id(const char *s)
{
    return s && (strcmp(s, "root") == 0 || strcmp(s, "0") == 0);
}

/* Another user or group is a change, except that becoming root (by name or
 * id 0) gains every file and privilege root holds: loosened. */
static void cmp_ident(struct stk_diff *out, const char *what, const char *a, const char *b, const char *unset)
{
    if (a && b && !str_eq(a, b) && is_root_id(a) != is_root_id(b)) {
        stk_diff_add(out, is_root_id(b) ? STK_DIFF_LOOSENED : STK_DIFF_TIGHTENED, "identity", what, a, b);
        return;
    }
    cmp_opt_str(out, "identity", what, a, b, unset);
}

static void cmp_flag(struct stk_diff *out, const char *sec, const char *what, bool a, bool b, bool strict_when)
{
    if (a == b)
        return;
    stk_diff_add(out, b == strict_when ? STK_DIFF_TIGHTENED : STK_DIFF_LOOSENED, sec, what, a ? "yes" : "no",
                 b ? "yes" : "no");
}

static uint64_t caps_of(const struct stk_bundle *b)
{
    switch (b->caps) {
    case STK_BCAPS_NONE: return 0;
    case STK_BCAPS_KEEP: return b->caps_keep;
    default: return ~(uint64_t)0;
    }
}

static void diff_identity(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *out)
{
    cmp_ident(out, "user", a->user, b->user, "(the caller's)");
    cmp_ident(out, "group", a->group, b->group, "(the user's primary group)");
    bool same = a->supp_set == b->supp_set && a->nsupp == b->nsupp;
    for (size_t i = 0; same && i < a->nsupp; i++)
        same = str_eq(a->supp_groups[i], b->supp_groups[i]);
    if (!same) {
        struct stk_buf x = {0}, y = {0};
        for (size_t i = 0; i < a->nsupp; i++)
            stk_buf_printf(&x, "%s%s", i ? ", " : "", a->supp_groups[i]);
        for (size_t i = 0; i < b->nsupp; i++)
            stk_buf_printf(&y, "%s%s", i ? ", " : "", b->supp_groups[i]);
        /* A group the old list did not have gives its files: loosened. */
        bool gained = false, lost = false;
        for (int pass = 0; a->supp_set && b->supp_set && pass < 2; pass++) {
            const struct stk_bundle *p = pass ? a : b, *q = pass ? b : a;
            for (size_t i = 0; i < p->nsupp; i++) {
                bool had = false;
                for (size_t j = 0; j < q->nsupp; j++)
                    had |= str_eq(q->supp_groups[j], p->supp_groups[i]);
                if (!had)
                    *(pass ? &lost : &gained) = true;
            }
        }
        stk_diff_add(out, gained ? STK_DIFF_LOOSENED : lost ? STK_DIFF_TIGHTENED : STK_DIFF_CHANGED, "identity",
                     "supplementary groups",
                     a->supp_set ? (x.data ? x.data : "none") : "(unchanged)",
                     b->supp_set ? (y.data ? y.data : "none") : "(unchanged)");
        stk_buf_free(&x);
        stk_buf_free(&y);
    }
    cmp_flag(out, "no_new_privs", "no_new_privs", a->no_new_privs, b->no_new_privs, true);
    uint64_t ca = caps_of(a), cb = caps_of(b);
    for (unsigned c = 0; c <= CAP_LAST_CAP; c++) {
        bool ia = ca >> c & 1, ib = cb >> c & 1;
        if (ia == ib)
            continue;
        char *n = cap_to_name((cap_value_t)c);
        char what[80];
        snprintf(what, sizeof what, "capability %s", n ? n : "?");
        cap_free(n);
        stk_diff_add(out, ib ? STK_DIFF_LOOSENED : STK_DIFF_TIGHTENED, "capabilities", what, ia ? "kept" : "dropped",
                     ib ? "kept" : "dropped");
    }
}

static void fmt_lim(char *buf, size_t n, uint64_t v)
{
    if (v == ~(uint64_t)0)
        snprintf(buf, n, "unlimited");
    else
        snprintf(buf, n, "%llu", (unsigned long long)v);
}

static void diff_rlimits(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *out)
{
    for (unsigned r = 0; r < STK_BUNDLE_RLIMITS; r++) {
        const struct stk_bundle_rlimit *x = &a->rlimits[r], *y = &b->rlimits[r];
        if (x->set == y->set && (!x->set || (x->soft == y->soft && x->hard == y->hard)))
            continue;
        uint64_t xs = x->set ? x->soft : ~(uint64_t)0, xh = x->set ? x->hard : ~(uint64_t)0;
        uint64_t ys = y->set ? y->soft : ~(uint64_t)0, yh = y->set ? y->hard : ~(uint64_t)0;
        enum stk_diff_dir d = (ys > xs || yh > xh) && !(ys < xs || yh < xh) ? STK_DIFF_LOOSENED
                              : (ys < xs || yh < xh) && !(ys > xs || yh > xh) ? STK_DIFF_TIGHTENED
                              : !y->set ? STK_DIFF_LOOSENED
                                        : STK_DIFF_CHANGED;
        char s1[24], h1[24], s2[24], h2[24], before[64], after[64], what[40];
        fmt_lim(s1, sizeof s1, xs);
        fmt_lim(h1, sizeof h1, xh);
        fmt_lim(s2, sizeof s2, ys);
        fmt_lim(h2, sizeof h2, yh);
        snprintf(before, sizeof before, x->set ? "%s/%s" : "(inherited)", s1, h1);
        snprintf(after, sizeof after, y->set ? "%s/%s" : "(inherited)", s2, h2);
        const char *nm = stk_rlimit_name(r);
        snprintf(what, sizeof what, "rlimit %s (soft/hard)", nm ? nm : "?");
        stk_diff_add(out, d, "rlimits", what, before, after);
    }
}

static void diff_env(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *out)
{
    cmp_flag(out, "environment", "environment cleared", a->env_clear, b->env_clear, true);
    for (int pass = 0; pass < 2; pass++) {
        const struct stk_bundle *p = pass ? b : a, *q = pass ? a : b;
        for (size_t i = 0; i < p->nenv_set; i++) {
            const char *qv = NULL;
            for (size_t j = 0; j < q->nenv_set; j++)
                if (strcmp(q->env_set[j].name, p->env_set[i].name) == 0)
                    qv = q->env_set[j].value;
            if (pass && qv)
                continue; /* reported in the first pass */
            if (qv && strcmp(qv, p->env_set[i].value) == 0)
                continue;
            char what[300];
            snprintf(what, sizeof what, "environment %s", p->env_set[i].name);
            stk_diff_add(out, STK_DIFF_CHANGED, "environment", what, pass ? "(unset)" : p->env_set[i].value,
                         pass ? p->env_set[i].value : str_or(qv, "(unset)"));
        }
    }
    cmp_opt_str(out, "environment", "working directory", a->workdir, b->workdir, "(unchanged)");
    if (a->umask_set != b->umask_set || a->umask != b->umask) {
        char x[16], y[16];
        snprintf(x, sizeof x, a->umask_set ? "%04o" : "(unchanged)", a->umask);
        snprintf(y, sizeof y, b->umask_set ? "%04o" : "(unchanged)", b->umask);
        stk_diff_add(out, STK_DIFF_CHANGED, "environment", "umask", x, y);
    }
    cmp_flag(out, "descriptors", "all descriptors kept", a->keep_all_fds, b->keep_all_fds, false);
    for (int pass = 0; pass < 2; pass++) {
        const struct stk_bundle *p = pass ? b : a, *q = pass ? a : b;
        for (size_t i = 0; i < p->nkeep_fds; i++) {
            bool found = false;
            for (size_t j = 0; j < q->nkeep_fds; j++)
                found |= q->keep_fds[j] == p->keep_fds[i];
            if (found)
                continue;
            char what[40];
            snprintf(what, sizeof what, "descriptor %d", p->keep_fds[i]);
            stk_diff_add(out, pass ? STK_DIFF_LOOSENED : STK_DIFF_TIGHTENED, "descriptors", what,
                         pass ? "closed" : "kept", pass ? "kept" : "closed");
        }
    }
}

static char *mount_str(const struct stk_bundle_mount *m)
{
    switch (m->kind) {
    case STK_BFS_BIND:
        return stk_xasprintf("bind %s -> %s%s", m->src ? m->src : "?", m->path, m->readonly ? " (read-only)" : "");
    case STK_BFS_TMPFS:
        return stk_xasprintf("tmpfs %s mode %04o size %llu%s%s%s%s", m->path, m->mode_set ? m->mode : 0,
                             (unsigned long long)m->size, m->owner ? " owner " : "", m->owner ? m->owner : "",
                             m->group ? " group " : "", m->group ? m->group : "");
    default: return stk_xasprintf("%s %s", stk_bfs_name(m->kind), m->path);
    }
}

/* Adding a writable bind mount gives access; adding a mask or a read-only
 * remount takes it away.  A tmpfs, proc or `dev minimal` covers what the
 * view had at its path: removed with nothing of its kind left there (other
 * holds the other side's mounts) it uncovers it (the host's /dev with its
 * disks, the host's /tmp): loosened; added, it hides it: tightened.  A
 * read-only bind both hides DEST and shows SRC: a change. */
static enum stk_diff_dir mount_dir(const struct stk_bundle_mount *m, bool added,
                                   const struct stk_bundle_isolation *other)
{
    bool gives = m->kind == STK_BFS_BIND && !m->readonly;
    bool takes = m->kind == STK_BFS_MASK || m->kind == STK_BFS_READONLY;
    if (gives)
        return added ? STK_DIFF_LOOSENED : STK_DIFF_TIGHTENED;
    if (takes)
        return added ? STK_DIFF_TIGHTENED : STK_DIFF_LOOSENED;
    if (m->kind == STK_BFS_BIND)
        return STK_DIFF_CHANGED;
    for (size_t j = 0; j < other->nmounts; j++)
        if (other->mounts[j].kind == m->kind && strcmp(other->mounts[j].path, m->path) == 0)
            return STK_DIFF_CHANGED; /* still covered: another size or mode */
    return added ? STK_DIFF_TIGHTENED : STK_DIFF_LOOSENED;
}

static bool idmap_eq(const struct stk_bundle_idmap *a, const struct stk_bundle_idmap *b)
{
    return a->inside == b->inside && a->outside == b->outside && a->count == b->count &&
           a->outside_caller == b->outside_caller;
}

static void diff_isolation(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *out)
{
    const struct stk_bundle_isolation *x = &a->iso, *y = &b->iso;
    for (uint32_t bit = 1; bit & STK_BNS_ALL; bit <<= 1) {
        if ((x->ns & bit) == (y->ns & bit))
            continue;
        char what[40];
        snprintf(what, sizeof what, "namespace %s", stk_bns_name(bit));
        bool on = y->ns & bit;
        stk_diff_add(out, on ? STK_DIFF_TIGHTENED : STK_DIFF_LOOSENED, "namespaces", what, on ? "shared" : "new",
                     on ? "new" : "shared");
    }
    cmp_flag(out, "namespaces", "command is pid 1 (no init)", x->init_none, y->init_none, false);
    if (!str_eq(x->hostname, y->hostname))
        stk_diff_add(out, STK_DIFF_CHANGED, "namespaces", "hostname", str_or(x->hostname, "(unchanged)"),
                     str_or(y->hostname, "(unchanged)"));
    bool maps = x->nuidmap == y->nuidmap && x->ngidmap == y->ngidmap;
    for (size_t i = 0; maps && i < x->nuidmap; i++)
        maps = idmap_eq(&x->uidmap[i], &y->uidmap[i]);
    for (size_t i = 0; maps && i < x->ngidmap; i++)
        maps = idmap_eq(&x->gidmap[i], &y->gidmap[i]);
    if (!maps)
        stk_diff_add(out, STK_DIFF_CHANGED, "namespaces", "uid/gid maps", "(old maps)", "(new maps)");
    cmp_flag(out, "filesystem", "private filesystem view", x->fs, y->fs, true);
    if (!str_eq(x->root, y->root))
        stk_diff_add(out, STK_DIFF_CHANGED, "filesystem", "root", str_or(x->root, "/"), str_or(y->root, "/"));
    for (int pass = 0; pass < 2; pass++) {
        const struct stk_bundle_isolation *p = pass ? y : x, *q = pass ? x : y;
        for (size_t i = 0; i < p->nmounts; i++) {
            char *s = mount_str(&p->mounts[i]);
            bool found = false;
            for (size_t j = 0; j < q->nmounts && !found; j++) {
                char *t = mount_str(&q->mounts[j]);
                found = strcmp(s, t) == 0;
                free(t);
            }
            if (!found)
                stk_diff_add(out, mount_dir(&p->mounts[i], pass, q), "filesystem", s, pass ? "absent" : "present",
                             pass ? "present" : "absent");
            free(s);
        }
    }
}

static void ll_rights(uint64_t fs, char *buf, size_t n)
{
    buf[0] = 0;
    size_t off = 0;
    for (unsigned i = 0; i < 64 && off < n; i++) {
        if (!(fs >> i & 1))
            continue;
        const char *nm = stk_ll_fs_name((uint64_t)1 << i);
        int k = snprintf(buf + off, n - off, "%s%s", off ? ", " : "", nm ? nm : "?");
        if (k < 0)
            break;
        off += (size_t)k;
    }
    if (!buf[0])
        snprintf(buf, n, "none");
}

static void diff_landlock(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *out)
{
    const struct stk_bundle_landlock *x = &a->landlock, *y = &b->landlock;
    cmp_flag(out, "landlock", "landlock ruleset", x->present, y->present, true);
    if (!x->present || !y->present)
        return;
    char r1[512], r2[512];
    if (x->handled.fs != y->handled.fs || x->handled.net != y->handled.net || x->handled.scope != y->handled.scope) {
        /* A right no longer handled is no longer restricted anywhere: any
         * removed right loosens, even if others were added. */
        bool fewer = (x->handled.fs & ~y->handled.fs) != 0 || (x->handled.net & ~y->handled.net) != 0 ||
                     (x->handled.scope & ~y->handled.scope) != 0;
        ll_rights(x->handled.fs, r1, sizeof r1);
        ll_rights(y->handled.fs, r2, sizeof r2);
        stk_diff_add(out, fewer ? STK_DIFF_LOOSENED : STK_DIFF_CHANGED, "landlock", "handled rights", r1, r2);
    }
    if (x->compat != y->compat)
        stk_diff_add(out, y->compat == STK_LL_BEST_EFFORT ? STK_DIFF_LOOSENED : STK_DIFF_TIGHTENED, "landlock",
                     "compatibility", x->compat ? "best-effort" : "required", y->compat ? "best-effort" : "required");
    for (int pass = 0; pass < 2; pass++) {
        const struct stk_bundle_landlock *p = pass ? y : x, *q = pass ? x : y;
        for (size_t i = 0; i < p->npaths; i++) {
            uint64_t qa = 0, pa = 0;
            for (size_t j = 0; j < q->npaths; j++)
                if (strcmp(q->paths[j].path, p->paths[i].path) == 0)
                    qa |= q->paths[j].access;
            for (size_t j = 0; j < p->npaths; j++)
                if (strcmp(p->paths[j].path, p->paths[i].path) == 0) {
                    if (j < i)
                        goto next; /* first occurrence reports the path */
                    pa |= p->paths[j].access;
                }
            if (pass && qa)
                goto next; /* the path is in both: reported in the first pass */
            if (pa != qa) {
                uint64_t olda = pass ? qa : pa, newa = pass ? pa : qa;
                ll_rights(olda, r1, sizeof r1);
                ll_rights(newa, r2, sizeof r2);
                char *what = stk_xasprintf("path %s", p->paths[i].path);
                /* Any right added loosens, even if others were taken away. */
                enum stk_diff_dir d = (newa & ~olda) ? STK_DIFF_LOOSENED : STK_DIFF_TIGHTENED;
                stk_diff_add(out, d, "landlock", what, r1, r2);
                free(what);
            }
        next:;
        }
        for (size_t i = 0; i < p->nports; i++) {
            uint64_t qa = 0;
            for (size_t j = 0; j < q->nports; j++)
                if (q->ports[j].port == p->ports[i].port)
                    qa |= q->ports[j].access;
            if (qa == p->ports[i].access || (pass && qa))
                continue;
            char what[40], o[40], n[40];
            snprintf(what, sizeof what, "port %u", p->ports[i].port);
            snprintf(o, sizeof o, "0x%llx", (unsigned long long)(pass ? qa : p->ports[i].access));
            snprintf(n, sizeof n, "0x%llx", (unsigned long long)(pass ? p->ports[i].access : qa));
            bool more = pass ? true : (qa & ~p->ports[i].access) != 0;
            stk_diff_add(out, more ? STK_DIFF_LOOSENED : STK_DIFF_TIGHTENED, "landlock", what, o, n);
        }
    }
}

static void diff_cgroup_lsm(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *out)
{
    for (unsigned k = 0; k < STK_CG_NKEYS; k++) {
        const struct stk_bundle_cg_limit *x = &a->cgroup.lim[k], *y = &b->cgroup.lim[k];
        if (x->set == y->set && (!x->set || (x->value == y->value && x->value2 == y->value2)))
            continue;
        uint64_t xv = x->set ? x->value : STK_CG_MAX, yv = y->set ? y->value : STK_CG_MAX;
        bool weight = k == STK_CG_CPU_WEIGHT || k == STK_CG_IO_WEIGHT;
        enum stk_diff_dir d = weight || xv == yv ? STK_DIFF_CHANGED : yv > xv ? STK_DIFF_LOOSENED : STK_DIFF_TIGHTENED;
        char o[48], n[48], what[48];
        fmt_lim(o, sizeof o, xv);
        fmt_lim(n, sizeof n, yv);
        snprintf(what, sizeof what, "cgroup %s", stk_cg_key_name(k));
        stk_diff_add(out, d, "cgroup", what, x->set ? o : "(not set)", y->set ? n : "(not set)");
    }
    const struct stk_bundle_lsm *x = &a->lsm, *y = &b->lsm;
    cmp_flag(out, "lsm", "selinux label", x->selinux.present, y->selinux.present, true);
    if (x->selinux.present && y->selinux.present) {
        cmp_opt_str(out, "lsm", "selinux type", x->selinux.type, y->selinux.type, "(none)");
        cmp_opt_str(out, "lsm", "selinux level", x->selinux.level, y->selinux.level, "(auto)");
        cmp_flag(out, "lsm", "selinux optional", x->selinux.optional, y->selinux.optional, false);
        if (!str_eq(x->selinux.cil, y->selinux.cil))
            stk_diff_add(out, STK_DIFF_CHANGED, "lsm", "selinux module", x->selinux.cil ? "embedded" : "none",
                         y->selinux.cil ? "embedded (changed)" : "none");
    }
    cmp_flag(out, "lsm", "apparmor profile", x->apparmor.present, y->apparmor.present, true);
    if (x->apparmor.present && y->apparmor.present) {
        cmp_opt_str(out, "lsm", "apparmor profile name", x->apparmor.profile, y->apparmor.profile, "(none)");
        cmp_flag(out, "lsm", "apparmor optional", x->apparmor.optional, y->apparmor.optional, false);
        if (x->apparmor.binary_len != y->apparmor.binary_len ||
            (x->apparmor.binary_len && x->apparmor.binary && y->apparmor.binary && memcmp(x->apparmor.binary, y->apparmor.binary, x->apparmor.binary_len) != 0))
            stk_diff_add(out, STK_DIFF_CHANGED, "lsm", "apparmor compiled profile", "(old)", "(new)");
    }
}

void stk_diff_bundles(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *out)
{
    diff_identity(a, b, out);
    diff_rlimits(a, b, out);
    diff_env(a, b, out);
    diff_isolation(a, b, out);
    diff_landlock(a, b, out);
    diff_cgroup_lsm(a, b, out);
}
