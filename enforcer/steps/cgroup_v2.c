/* cgroup_v2.c — the command's leaf on the unified hierarchy (cgroup_int.h).
 *
 * Where: cgroup v2 lets a cgroup hand controllers to its children only when
 * it has no processes of its own (the root excepted), so the leaf goes under
 * `stockade/` in the nearest cgroup, from our own up to the hierarchy's root,
 * that (a) has the controllers the limits need available, (b) has them
 * enabled for its children or lets us enable them (writing its
 * cgroup.subtree_control fails with EBUSY while it holds processes, EACCES
 * when it is not ours), and (c) lets us create a directory.  For root on a
 * plain host that is the root cgroup or the caller's slice; rootless, it is a
 * subtree systemd delegated to the user.  The child is cloned straight into
 * the leaf (clone3 CLONE_INTO_CGROUP): it never runs outside it. */
#include "steps/cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned parse_ctrls(const char *text)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", text);
    unsigned m = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
        for (unsigned i = 0; i < CG_NCTRL; i++)
            if (strcmp(t, cg_ctrl_name(1u << i, 0)) == 0)
                m |= 1u << i;
    return m;
}

/* "+memory +pids" for the controllers in mask. */
static void enable_list(unsigned mask, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < CG_NCTRL && n < len; i++)
        if (mask & (1u << i)) {
            int w = snprintf(buf + n, len - n, "%s+%s", n ? " " : "", cg_ctrl_name(1u << i, 0));
            if (w > 0)
                n += (size_t)w;
        }
}

/* Make sure dir hands the controllers in needed to its children. */
static int enable(const char *dir, unsigned needed, struct stk_err *e)
{
    char buf[512];
    if (cg_read(dir, "cgroup.subtree_control", buf, sizeof buf) < 0)
        return stk_errnof(e, CG_STEP, errno, "reading %s/cgroup.subtree_control", dir);
    unsigned missing = needed & ~parse_ctrls(buf);
    if (!missing)
        return 0;
    enable_list(missing, buf, sizeof buf);
    return cg_write(dir, "cgroup.subtree_control", buf, e);
}

static void fmt_value(uint64_t v, char *buf, size_t len)
{
    if (v == STK_CG_MAX)
        snprintf(buf, len, "max");
    else
        snprintf(buf, len, "%llu", (unsigned long long)v);
}

static int write_limits(const char *dir, const struct stk_bundle_cgroup *g, struct stk_err *e)
{
    char v[64];
    const struct stk_bundle_cg_limit *l = g->lim;
    if (l[STK_CG_MEMORY_MAX].set) {
        fmt_value(l[STK_CG_MEMORY_MAX].value, v, sizeof v);
        if (cg_write(dir, "memory.max", v, e) < 0)
            return -1;
    }
    if (l[STK_CG_MEMORY_SWAP_MAX].set) {
        fmt_value(l[STK_CG_MEMORY_SWAP_MAX].value, v, sizeof v);
        if (cg_exists(dir, "memory.swap.max")) {
            if (cg_write(dir, "memory.swap.max", v, e) < 0)
                return -1;
        } else if (l[STK_CG_MEMORY_SWAP_MAX].value != STK_CG_MAX) {
            if (cg_swap_total_kb() != 0)
                return stk_errf(e, CG_STEP,
                                "memory.swap.max cannot be applied: %s has no memory.swap.max (no swap "
                                "accounting in this kernel) and the machine has swap; nothing was executed",
                                dir);
            stk_warnf(CG_STEP, "no swap accounting, but no swap either: memory.swap.max %s holds", v);
        }
    }
    if (l[STK_CG_PIDS_MAX].set) {
        fmt_value(l[STK_CG_PIDS_MAX].value, v, sizeof v);
        if (cg_write(dir, "pids.max", v, e) < 0)
            return -1;
    }
    if (l[STK_CG_CPU_MAX].set) {
        char q[32];
        fmt_value(l[STK_CG_CPU_MAX].value, q, sizeof q);
        snprintf(v, sizeof v, "%s %llu", q, (unsigned long long)l[STK_CG_CPU_MAX].value2);
        if (cg_write(dir, "cpu.max", v, e) < 0)
            return -1;
    }
    if (l[STK_CG_CPU_WEIGHT].set) {
        snprintf(v, sizeof v, "%llu", (unsigned long long)l[STK_CG_CPU_WEIGHT].value);
        if (cg_write(dir, "cpu.weight", v, e) < 0)
            return -1;
    }
    if (l[STK_CG_IO_WEIGHT].set) {
        uint64_t w = l[STK_CG_IO_WEIGHT].value;
        if (cg_exists(dir, "io.weight")) {
            snprintf(v, sizeof v, "default %llu", (unsigned long long)w);
            if (cg_write(dir, "io.weight", v, e) < 0)
                return -1;
        } else if (cg_exists(dir, "io.bfq.weight")) {
            /* BFQ's weights go from 1 to 1000 (default 100, like io.weight) */
            snprintf(v, sizeof v, "default %llu", (unsigned long long)(w > 1000 ? 1000 : w));
            if (cg_write(dir, "io.bfq.weight", v, e) < 0)
                return -1;
        } else {
            return stk_errf(e, CG_STEP,
                            "io.weight cannot be applied: %s has neither io.weight nor io.bfq.weight (no io.cost "
                            "or BFQ scheduler); nothing was executed",
                            dir);
        }
    }
    return 0;
}

/* Try dir as the place for stockade/<leaf>: 0 made, 1 not usable here (why
 * in *why, errno in *err), -1 a real error. */
static int try_here(const struct stk_bundle *b, const char *dir, unsigned needed, struct cg_leaf *l,
                    const char **why, int *err, struct stk_err *e)
{
    char buf[512];
    if (needed) {
        if (cg_read(dir, "cgroup.controllers", buf, sizeof buf) < 0 || (needed & ~parse_ctrls(buf))) {
            *why = "the controllers are not available there";
            *err = 0;
            return 1;
        }
        struct stk_err tmp = {0};
        if (enable(dir, needed, &tmp) < 0) {
            *err = errno;
            *why = "cannot enable the controllers for its children";
            return 1;
        }
    }
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        char name[128];
        cg_leaf_name(b, attempt, name, sizeof name);
        memset(l, 0, sizeof *l);
        l->v2 = true;
        int perm = 0;
        int rc = cg_make_leaf(dir, name, l, &perm, e);
        if (rc == 1)
            continue;
        if (rc == 2) {
            *why = "cannot create directories there";
            *err = perm;
            return 1;
        }
        return rc;
    }
    return stk_errf(e, CG_STEP, "100 leaf names under %s/" CG_PARENT " are taken", dir);
}

int cg_prepare_v2(const struct stk_bundle *b, const struct cg_mount *m, unsigned needed, struct cg_run *r,
                  struct stk_supervisor *sv, struct stk_err *e)
{
    char own[PATH_MAX], d[PATH_MAX];
    if (cg_own_dir(m, own, sizeof own, e) < 0)
        return -1;
    snprintf(d, sizeof d, "%s", own);
    struct cg_leaf *l = &r->leaf[0];
    const char *why = NULL;
    int err = 0;
    size_t rootlen = strlen(m->dir);
    for (;;) {
        bool is_root = strlen(d) <= rootlen;
        int rc = try_here(b, d, needed, l, &why, &err, e);
        if (rc < 0)
            return -1;
        if (rc == 0)
            break;
        if (is_root) {
            char list[128];
            return stk_errf(e, CG_STEP,
                            "no cgroup from ours (%s) up to the root of the cgroup v2 hierarchy can hold the "
                            "command's leaf%s%s as uid %u (last: %s%s%s); cgroup limits need root or a cgroup "
                            "subtree delegated to this user (e.g. systemd-run --user --scope -p Delegate=yes); "
                            "nothing was executed",
                            own, needed ? " with the controllers " : "",
                            needed ? cg_ctrl_list(needed, 0, list, sizeof list) : "", (unsigned)geteuid(), why,
                            err ? ": " : "", err ? strerror(err) : "");
        }
        char *slash = strrchr(d, '/');
        if (!slash || (size_t)(slash - d) < rootlen)
            d[rootlen] = '\0';
        else
            *slash = '\0';
    }
    r->nleaf = 1;
    if (needed && enable(l->parent, needed, e) < 0)
        return -1;
    if (write_limits(l->dir, &b->cgroup, e) < 0)
        return -1;
    int fd = open(l->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return stk_errnof(e, CG_STEP, errno, "opening %s", l->dir);
    sv->cgroup_fd = fd;
    sv->wanted = true;
    return 0;
}
