/* bpf_gen.h — the seccomp code generator: IR rules -> classic BPF.
 * The program checks seccomp_data.arch first (unknown ABIs: kill-process),
 * then searches syscall-number ranges with a weighted binary tree, and runs
 * per-syscall argument conditions in first-match order. */
#ifndef STK_BPF_GEN_H
#define STK_BPF_GEN_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf_stack.h"
#include "ir/ir.h"

#define STK_BPF_MAX_INSNS 4096

/* A compiled policy.  insns..nexec_fd_insns: the whole program as one (what
 * the policy decides; longer than STK_BPF_MAX_INSNS when it was split).
 * filters: what is installed, in order (filters[0] first); one filter equal
 * to the whole program when it fits, else the stacked split of bpf_split.c,
 * deciding every call exactly as the whole program. */
struct stk_bpf_prog {
    struct sock_filter *insns;
    size_t len;
    /* Instructions whose k is the enforcer's exec descriptor number, patched by
     * the enforcer at run time (see docs/enforcer.md, "the final execve"). */
    uint32_t *exec_fd_insns;
    size_t nexec_fd_insns;
    struct stk_bpf_filter *filters;
    size_t nfilters;
};

/* Placeholder value for the exec descriptor in the IR and in unpatched programs. */
#define STK_EXEC_FD_PLACEHOLDER 0x7ffffffeu

/* Compile the policy's seccomp section.  Returns 0, or -1 with a message in err
 * (a policy that does not fit the kernel's limits even split into stacked
 * filters: one syscall's conditions alone over 4096 instructions, or the
 * filters over the kernel's 32768 per path). */
int stk_bpf_generate(const struct stk_policy_ir *ir, struct stk_bpf_prog *out, char *err, size_t errlen);
void stk_bpf_prog_free(struct stk_bpf_prog *p);

/* The program of one filter: own as for stk_layout_build_owned (NULL: the
 * whole policy); no length limit. */
void stk_bpf_gen_filter(const struct stk_policy_ir *ir, const uint8_t *own, struct stk_bpf_filter *out);
void stk_bpf_filter_free(struct stk_bpf_filter *f);

#endif
