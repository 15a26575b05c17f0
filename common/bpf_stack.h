/* bpf_stack.h — several seccomp filters stacked on one task, as the kernel
 * combines them (kernel/seccomp.c, seccomp_run_filters): every filter runs,
 * the newest first; the result is the return whose action is the most
 * restrictive (the action compared as a signed 32-bit number: KILL_PROCESS <
 * KILL_THREAD < TRAP < ERRNO < USER_NOTIF < TRACE < LOG < ALLOW), and among
 * equally restrictive returns the one of the filter found first, i.e. the
 * newest one (its data, e.g. the errno, is what the call gets).
 *
 * Used by the compiler's split of large policies (compiler/seccomp/
 * bpf_split.c), the enforcer's reader and report supervisor, and the tools
 * that evaluate a bundle (sim, explain, test). */
#ifndef STK_BPF_STACK_H
#define STK_BPF_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

/* MAX_INSNS_PER_PATH: the kernel refuses (ENOMEM) a filter that would make
 * the sum over the task's filters of (length + 4) exceed this. */
#define STK_BPF_MAX_PATH_INSNS 32768u
#define STK_BPF_PATH_OVERHEAD 4u

/* One filter of a stack: its program and the instructions whose k is the
 * exec descriptor (patched at run time; docs/enforcer.md). */
struct stk_bpf_filter {
    struct sock_filter *insns;
    size_t len;
    uint32_t *exec_fd_insns;
    size_t nexec_fd_insns;
};

/* The result of filters f[0..n) installed in that order (f[0] first, so run
 * last) for d; *executed (may be NULL) gets the instructions run in all of
 * them.  n == 0 allows. */
uint32_t stk_bpf_stack_run(const struct stk_bpf_filter *f, size_t n, const struct seccomp_data *d,
                           unsigned *executed);

/* Whether the kernel's action cache marks (arch, nr) always-allowed: only if
 * every filter allows it constantly (stk_bpf_cacheable for each). */
bool stk_bpf_stack_cacheable(const struct stk_bpf_filter *f, size_t n, uint32_t arch, uint32_t nr);

/* sum over the filters of (len + 4), what the kernel counts against
 * STK_BPF_MAX_PATH_INSNS. */
size_t stk_bpf_stack_path_len(const struct stk_bpf_filter *f, size_t n);

#endif
