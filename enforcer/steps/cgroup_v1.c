/* cgroup_v1.c — the command's leaves on per-controller hierarchies
 * (cgroup_int.h).  One leaf stockade/<name> below our own cgroup in each
 * hierarchy the limits need (v1 has no rule against processes in inner
 * cgroups, so the leaf nests under the caller and stays within its limits),
 * plus the freezer hierarchy when mounted, for the clean-up.  The child is
 * written into every leaf's cgroup.procs by the supervisor (an attach hook)
 * before it goes on to exec.
 *
 * The v2 names map to v1 files (docs/language.md has the table):
 *   memory.max       memory.limit_in_bytes
 *   memory.swap.max  memory.memsw.limit_in_bytes = memory.max + memory.swap.max
 *                    (needs memory.max; without swap accounting only when the
 *                    machine has no swap at all)
 *   pids.max         pids.max
 *   cpu.max          cpu.cfs_period_us, cpu.cfs_quota_us (-1 for max)
 *   cpu.weight       cpu.shares = weight * 1024 / 100 (100 -> 1024), 2..262144
 *   io.weight        blkio.weight = weight * 5, 10..1000 (CFQ), else
 *                    blkio.bfq.weight 1..1000 (BFQ), else fail closed */
#include "steps/cgroup_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int put(const struct cg_leaf *l, const char *file, unsigned long long v, struct stk_err *e)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", v);
    return cg_write(l->dir, file, buf, e);
}

static const struct cg_leaf *leaf_for(const struct cg_run *r, unsigned ctrl)
{
    for (size_t i = 0; i < r->nleaf; i++)
        if (r->leaf[i].ctrls & ctrl)
            return &r->leaf[i];
    return NULL;
}

static int memory_limits(const struct cg_leaf *l, const struct stk_bundle_cgroup *g, struct stk_err *e)
{
    const struct stk_bundle_cg_limit *mem = &g->lim[STK_CG_MEMORY_MAX], *swap = &g->lim[STK_CG_MEMORY_SWAP_MAX];
    bool mem_limited = mem->set && mem->value != STK_CG_MAX;
    if (mem_limited && put(l, "memory.limit_in_bytes", mem->value, e) < 0)
        return -1;
    if (!swap->set || swap->value == STK_CG_MAX)
        return 0;
    if (!mem_limited)
        return stk_errf(e, CG_STEP,
                        "memory.swap.max without memory.max cannot be applied on cgroup v1 (it limits memory "
                        "and swap together); nothing was executed");
    if (cg_exists(l->dir, "memory.memsw.limit_in_bytes"))
        return put(l, "memory.memsw.limit_in_bytes", mem->value + swap->value, e);
    if (cg_swap_total_kb() != 0)
        return stk_errf(e, CG_STEP,
                        "memory.swap.max cannot be applied: %s has no memory.memsw.limit_in_bytes (swap "
                        "accounting is off: boot with swapaccount=1) and the machine has swap; nothing was "
                        "executed",
                        l->dir);
    stk_warnf(CG_STEP, "no swap accounting, but no swap either: memory.swap.max %llu holds",
              (unsigned long long)swap->value);
    return 0;
}

static int write_limits(const struct cg_run *r, const struct stk_bundle_cgroup *g, struct stk_err *e)
{
    const struct stk_bundle_cg_limit *lim = g->lim;
    const struct cg_leaf *l;
    if ((l = leaf_for(r, CG_MEMORY)) && memory_limits(l, g, e) < 0)
        return -1;
    if ((l = leaf_for(r, CG_PIDS)) && lim[STK_CG_PIDS_MAX].set) {
        int rc = lim[STK_CG_PIDS_MAX].value == STK_CG_MAX ? cg_write(l->dir, "pids.max", "max", e)
                                                          : put(l, "pids.max", lim[STK_CG_PIDS_MAX].value, e);
        if (rc < 0)
            return -1;
    }
    if ((l = leaf_for(r, CG_CPU))) {
        if (lim[STK_CG_CPU_MAX].set) {
            if (put(l, "cpu.cfs_period_us", lim[STK_CG_CPU_MAX].value2, e) < 0)
                return -1;
            int rc = lim[STK_CG_CPU_MAX].value == STK_CG_MAX ? cg_write(l->dir, "cpu.cfs_quota_us", "-1", e)
                                                             : put(l, "cpu.cfs_quota_us", lim[STK_CG_CPU_MAX].value, e);
            if (rc < 0)
                return -1;
        }
        if (lim[STK_CG_CPU_WEIGHT].set &&
            put(l, "cpu.shares", clamp(lim[STK_CG_CPU_WEIGHT].value * 1024 / 100, 2, 262144), e) < 0)
            return -1;
    }
    if ((l = leaf_for(r, CG_IO)) && lim[STK_CG_IO_WEIGHT].set) {
        uint64_t w = lim[STK_CG_IO_WEIGHT].value;
        if (cg_exists(l->dir, "blkio.weight"))
            return put(l, "blkio.weight", clamp(w * 5, 10, 1000), e);
        if (cg_exists(l->dir, "blkio.bfq.weight"))
            return put(l, "blkio.bfq.weight", clamp(w, 1, 1000), e);
        return stk_errf(e, CG_STEP,
                        "io.weight cannot be applied: %s has neither blkio.weight nor blkio.bfq.weight (no "
                        "CFQ or BFQ I/O scheduler); nothing was executed",
                        l->dir);
    }
    return 0;
}

/* The supervisor, after the fork: the child joins every leaf. */
static int attach(pid_t child, void *arg, struct stk_err *e)
{
    const struct cg_run *r = arg;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", (long)child);
    for (size_t i = 0; i < r->nleaf; i++)
        if (cg_write(r->leaf[i].dir, "cgroup.procs", buf, e) < 0)
            return -1;
    return 0;
}

/* Make the leaf `name` in every hierarchy; 1 if the name is taken somewhere. */
static int make_leaves(const struct cg_mount *ms, size_t nm, unsigned want, const char *name, struct cg_run *r,
                       struct stk_err *e)
{
    unsigned done = 0;
    for (size_t i = 0; i < nm && r->nleaf < CG_NCTRL; i++) {
        const struct cg_mount *m = &ms[i];
        if (m->v2 || !(m->ctrls & want & ~done))
            continue;
        char own[PATH_MAX];
        if (cg_own_dir(m, own, sizeof own, e) < 0)
            return -1;
        struct cg_leaf *l = &r->leaf[r->nleaf];
        memset(l, 0, sizeof *l);
        l->ctrls = m->ctrls;
        int perm = 0;
        int rc = cg_make_leaf(own, name, l, &perm, e);
        if (l->made)
            r->nleaf++;
        if (rc != 0)
            return rc == 2 ? -1 : rc;
        if (m->ctrls & CG_FREEZER)
            r->freezer = (int)(r->nleaf - 1);
        done |= m->ctrls;
    }
    return 0;
}

int cg_prepare_v1(const struct stk_bundle *b, const struct cg_mount *ms, size_t nm, unsigned needed,
                  struct cg_run *r, struct stk_supervisor *sv, struct stk_err *e)
{
    unsigned have = 0;
    for (size_t i = 0; i < nm; i++)
        if (!ms[i].v2)
            have |= ms[i].ctrls;
    unsigned want = needed | (have & CG_FREEZER);
    for (unsigned attempt = 0;; attempt++) {
        if (attempt == 100)
            return stk_errf(e, CG_STEP, "100 leaf names are taken under the cgroup v1 hierarchies");
        char name[128];
        cg_leaf_name(b, attempt, name, sizeof name);
        int rc = make_leaves(ms, nm, want, name, r, e);
        if (rc == 0)
            break;
        cg_teardown(r); /* what this attempt made */
        r->nleaf = 0;
        r->freezer = -1;
        if (rc < 0)
            return -1;
    }
    if (write_limits(r, &b->cgroup, e) < 0)
        return -1;
    return stk_supervise_on_attach(sv, attach, r, e);
}
