/* bpf_gen.h — the seccomp code generator: IR rules -> classic BPF.
 * The program checks seccomp_data.arch first (unknown ABIs: kill-process),
 * then searches syscall-number ranges with a weighted binary tree, and runs
 * per-syscall argument conditions in first-match order. */
#ifndef STK_BPF_GEN_H
#define STK_BPF_GEN_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

#define STK_BPF_MAX_INSNS 4096

struct stk_bpf_prog {
    struct sock_filter *insns;
    size_t len;
    /* Instructions whose k is the enforcer's exec descriptor number, patched by
     * the enforcer at run time (see docs/enforcer.md, "the final execve"). */
    uint32_t *exec_fd_insns;
    size_t nexec_fd_insns;
};

/* Placeholder value for the exec descriptor in the IR and in unpatched programs. */
#define STK_EXEC_FD_PLACEHOLDER 0x7ffffffeu

/* Compile the policy's seccomp section.  Returns 0, or -1 with a message in err
 * (e.g. "program too large: 5123 instructions, the kernel's limit is 4096"). */
int stk_bpf_generate(const struct stk_policy_ir *ir, struct stk_bpf_prog *out, char *err, size_t errlen);
void stk_bpf_prog_free(struct stk_bpf_prog *p);

#endif
