/* bpf_split.h — a policy too large for one seccomp filter as stacked filters.
 *
 * The unit of the split is one syscall of one ABI whose rules have argument
 * conditions (a COND leaf of the layout; its subprogram does not depend on
 * anything else).  Every filter checks the architecture exactly like the
 * whole program and decides the numbers no syscall has exactly like it (so
 * every filter gives the same answer there); a syscall the filter does not
 * own is allowed.  Each syscall is owned by exactly one filter, so the
 * kernel's combination of the filters' answers (the most restrictive wins,
 * common/bpf_stack.h) is the owner's answer, which is the whole program's.
 * Unconditional allows stay reachable through number and arch loads only in
 * every filter: the kernel's action cache keeps them.
 *
 * The first bin owns every syscall without conditions, execve, execveat and
 * seccomp; it is installed last (filters[nfilters-1]): the enforcer's own
 * seccomp(2) calls that install the others are judged only by filters that
 * allow them, and the exec hand-over rule (with the listener) is in the
 * last filter installed. */
#ifndef STK_BPF_SPLIT_H
#define STK_BPF_SPLIT_H

#include <stddef.h>

#include "seccomp/bpf_gen.h"

/* out holds the whole program (insns, len); fill out->filters.  Returns 0, or
 * -1 with a message in err when the policy cannot be split to fit. */
int stk_bpf_split(const struct stk_policy_ir *ir, struct stk_bpf_prog *out, char *err, size_t errlen);

#endif
