/* lsm.h — the enforcer's LSM step, inside: the plan stk_lsm_prepare builds
 * (steps.h), the sVirt category allocator (mcs.c) and the two back ends
 * (selinux.c, apparmor.c).  docs/enforcer.md explains the order. */
#ifndef STK_LSM_H
#define STK_LSM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bundle/bundle.h"
#include "err.h"

/* ---- mcs.c: sVirt category pairs --------------------------------------------
 * A reservation is a file "cA.cB" in the state directory holding
 * "PID STARTTIME\n" of its owner (the supervising enforcer), created under an
 * exclusive flock of DIR/lock.  Reservations whose owner is gone (no such
 * pid, or a different start time: the pid was reused) are removed by the
 * next allocation. */
#define STK_MCS_DIR "/run/stockade/mcs"

struct stk_mcs_res {
    bool held;
    uint32_t c1, c2;  /* c1 < c2 */
    char dir[256];
    pid_t owner;
    unsigned long long start;
    unsigned reclaimed; /* stale reservations removed by this allocation */
};

/* The state directory for this caller: STK_MCS_DIR for root; otherwise
 * $XDG_RUNTIME_DIR/stockade/mcs (or /run/user/UID/stockade/mcs). */
int stk_mcs_default_dir(char *buf, size_t n, struct stk_err *e);
/* Create dir (0700, parents 0755) if needed and check it: a directory owned by
 * the caller's euid, not writable by group or others. */
int stk_mcs_dir_ready(const char *dir, struct stk_err *e);
/* Reserve an unused pair c1 < c2 < ncat for the calling process. */
int stk_mcs_alloc(const char *dir, uint32_t ncat, struct stk_mcs_res *r, struct stk_err *e);
/* Release it (only if it is still ours). */
int stk_mcs_release(struct stk_mcs_res *r, struct stk_err *e);
/* Start time of a process (field 22 of /proc/PID/stat); -1 if there is none. */
int stk_mcs_start_time(pid_t pid, unsigned long long *start);

/* ---- the plan ------------------------------------------------------------------ */
struct stk_lsm_plan {
    bool selinux;           /* set an exec context */
    char exec_ctx[1024];    /* user:role:type:level for setexeccon */
    char file_ctx[1024];    /* user:object_r:filetype:level for private mounts */
    struct stk_mcs_res mcs; /* held with level auto */

    bool apparmor;          /* change (or stack) the profile on exec */
    bool aa_stack;          /* already confined: aa_stack_onexec */
    char profile[260];
};

/* selinux.c */
int stk_selinux_prepare(const struct stk_bundle *b, struct stk_lsm_plan *p, struct stk_err *e);
int stk_selinux_apply(const struct stk_lsm_plan *p, struct stk_err *e);
/* apparmor.c */
int stk_apparmor_prepare(const struct stk_bundle *b, struct stk_lsm_plan *p, struct stk_err *e);
int stk_apparmor_apply(const struct stk_lsm_plan *p, struct stk_err *e);

#endif
