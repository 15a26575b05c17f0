/* score.h — the exposure score of a compiled policy (`stockade score`):
 * 0.0 (locked down) to 10.0 (unconfined), the sum of weighted checks.
 * Each check has a weight (its share of the 10 points, docs/score.md) and an
 * exposure from 0 (nothing left open) to 1 (nothing restricted).  Syscall
 * checks are decided from the compiled seccomp program, run through the BPF
 * interpreter (common/bpf_interp.c), not from the IR. */
#ifndef STK_SCORE_H
#define STK_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/ir.h"
#include "seccomp/bpf_gen.h"

enum stk_score_id {
    STK_SCORE_IDENTITY,
    STK_SCORE_CAPABILITIES,
    STK_SCORE_NO_NEW_PRIVS,
    STK_SCORE_SYSCALLS,
    STK_SCORE_ARGUMENTS,
    STK_SCORE_NAMESPACES,
    STK_SCORE_FILESYSTEM,
    STK_SCORE_LANDLOCK,
    STK_SCORE_CGROUP,
    STK_SCORE_LSM,
    STK_SCORE_NCHECKS
};

struct stk_score_check {
    const char *name;  /* "identity", "capabilities", ... */
    double weight;     /* points of the 10 this check is worth */
    double exposure;   /* 0..1 */
    char detail[512];  /* what the policy leaves open (or "nothing") */
    char hint[512];    /* what would lower the score; empty when exposure is 0 */
};

struct stk_score {
    struct stk_score_check checks[STK_SCORE_NCHECKS];
    double total; /* sum of weight * exposure, rounded to one decimal */
};

/* Score a compiled policy; prog is its seccomp program (stk_bpf_generate). */
void stk_score_policy(const struct stk_policy_ir *ir, const struct stk_bpf_prog *prog, struct stk_score *out);

/* The checks on reachable syscalls and their arguments (score_syscalls.c):
 * fill out->checks[STK_SCORE_SYSCALLS] and [STK_SCORE_ARGUMENTS].  net_raw:
 * the process keeps CAP_NET_RAW (raw and packet sockets count only then). */
void stk_score_syscalls(const struct stk_bpf_prog *prog, bool net_raw, struct stk_score *out);

/* Would the program return allow (or log) for the call `name` on any ABI, for
 * some argument values?  fixed[i] (nfixed[i] values) pins argument i to one of
 * those values; the free arguments are probed with zero, all ones and the
 * constants the program compares against.  Exported for the tests. */
bool stk_score_reachable(const struct stk_bpf_prog *prog, const char *name, const uint64_t *const fixed[6],
                         const size_t nfixed[6]);

/* Append to buf (size len) ", " (when not empty) and s; truncates safely. */
void stk_score_append(char *buf, size_t len, const char *s);

#endif
