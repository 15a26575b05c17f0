/* cgroup_int.h — shared by cgroup.c (finding hierarchies, files, clean-up),
 * cgroup_v2.c and cgroup_v1.c.  Internal to the enforcer's cgroup step. */
#ifndef STK_CGROUP_INT_H
#define STK_CGROUP_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "steps/steps.h"

#define CG_STEP "cgroup"
#define CG_PARENT "stockade" /* every leaf lives in a directory of this name */
/* An empty cgroup that marks a parent stockade created (and may remove when
 * it is empty): a parent made by someone else (say, an administrator who set
 * limits for every run on it) has none and stays.  Leaf names never start
 * with a dot. */
#define CG_MARK ".stockade-made"

/* Controllers, as bits. */
enum {
    CG_MEMORY = 1u << 0,
    CG_PIDS = 1u << 1,
    CG_CPU = 1u << 2,
    CG_IO = 1u << 3,      /* v2 "io", v1 "blkio" */
    CG_FREEZER = 1u << 4, /* v1 only: used for the clean-up */
    CG_NCTRL = 5,
};
/* The controller's name on cgroup v2 (v1 = 0) or v1 (v1 = 1). */
const char *cg_ctrl_name(unsigned bit, int v1);
/* "memory, pids" */
const char *cg_ctrl_list(unsigned mask, int v1, char *buf, size_t len);

/* A cgroup hierarchy mounted in this mount namespace. */
struct cg_mount {
    char dir[PATH_MAX];   /* mount point */
    char root[PATH_MAX];  /* the cgroup the mount shows at its root (usually "/") */
    bool v2;
    unsigned ctrls;       /* v1: CG_* controllers of the hierarchy */
};
/* Our own cgroup in that hierarchy, as a directory: mount point + our path
 * below the mount's root.  -1 with e if /proc/self/cgroup has no entry or
 * our cgroup lies outside what the mount shows. */
int cg_own_dir(const struct cg_mount *m, char *out, size_t len, struct stk_err *e);

/* One leaf (in one hierarchy) with its `stockade` parent. */
struct cg_leaf {
    char parent[PATH_MAX];
    char dir[PATH_MAX];
    int pfd;             /* the parent, open with a shared flock while the run lasts; -1 none */
    bool made;           /* the leaf exists (ours) */
    bool v2;
    unsigned ctrls;      /* v1: the hierarchy's controllers */
};

/* State shared with the supervisor's hooks. */
struct cg_run {
    struct cg_leaf leaf[CG_NCTRL];
    size_t nleaf;
    int freezer; /* v1: index of the freezer leaf, -1 none */
};

/* After the command has exited: on stderr, which limit acted on it (the OOM
 * killer at memory.max, forks refused at pids.max), from the leaves'
 * counters (cgroup_events.c). */
void cg_report_events(const struct cg_run *r);

/* "stockade/<policy>-<pid>[-n]": the leaf name for attempt n (0 first). */
void cg_leaf_name(const struct stk_bundle *b, unsigned attempt, char *out, size_t len);
/* mkdir base/stockade (EEXIST is fine; when we make it, also its CG_MARK),
 * hold a shared flock on it, and mkdir base/stockade/name.  Returns 0; 1 if
 * the leaf name exists already (try another); 2 if we may not create
 * directories there (*perm: the errno, e filled); -1 with e.  l->pfd is -1
 * unless 0 is returned. */
int cg_make_leaf(const char *base, const char *name, struct cg_leaf *l, int *perm, struct stk_err *e);

/* Files: write val to dir/file (errors name both; errno kept on failure);
 * read dir/file into buf (-1 with errno). */
int cg_write(const char *dir, const char *file, const char *val, struct stk_err *e);
int cg_read(const char *dir, const char *file, char *buf, size_t len);
bool cg_exists(const char *dir, const char *file);
/* SwapTotal of /proc/meminfo in kB; -1 if unknown. */
long long cg_swap_total_kb(void);

/* Kill everything in the leaves and remove them; remove a parent that has
 * CG_MARK and nothing else once no other run holds its flock.  Messages go
 * to stderr (run in the supervisor).  Safe to call twice. */
void cg_teardown(struct cg_run *r);
/* Does cg_teardown need CAP_DAC_OVERRIDE to remove a parent (its directory
 * is not writable by our uid by its mode: a hierarchy's root is 0555)? */
bool cg_teardown_needs_dac_override(const struct cg_run *r);

/* The two back ends.  prepare_v2 returns 0, or -1 with e. */
int cg_prepare_v2(const struct stk_bundle *b, const struct cg_mount *m, unsigned needed, struct cg_run *r,
                  struct stk_supervisor *sv, struct stk_err *e);
int cg_prepare_v1(const struct stk_bundle *b, const struct cg_mount *ms, size_t nm, unsigned needed,
                  struct cg_run *r, struct stk_supervisor *sv, struct stk_err *e);

/* The message for a cgroup we may not create (rootless without delegation). */
int cg_not_delegated(struct stk_err *e, const char *where, int err);

#endif
