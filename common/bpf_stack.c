/* bpf_stack.c — stacked seccomp filters combined as the kernel does (bpf_stack.h). */
#include "bpf_stack.h"

#include "bpf_interp.h"

/* ACTION_ONLY in kernel/seccomp.c: the action bits as a signed number. */
static int32_t action_only(uint32_t ret)
{
    return (int32_t)(ret & SECCOMP_RET_ACTION_FULL);
}

uint32_t stk_bpf_stack_run(const struct stk_bpf_filter *f, size_t n, const struct seccomp_data *d,
                           unsigned *executed)
{
    uint32_t ret = SECCOMP_RET_ALLOW;
    unsigned total = 0;
    for (size_t i = n; i-- > 0;) { /* the newest filter first */
        unsigned ex = 0;
        uint32_t cur = stk_bpf_run(f[i].insns, f[i].len, d, &ex);
        total += ex;
        if (action_only(cur) < action_only(ret))
            ret = cur;
    }
    if (executed)
        *executed = total;
    return ret;
}

bool stk_bpf_stack_cacheable(const struct stk_bpf_filter *f, size_t n, uint32_t arch, uint32_t nr)
{
    for (size_t i = 0; i < n; i++)
        if (!stk_bpf_cacheable(f[i].insns, f[i].len, arch, nr))
            return false;
    return true;
}

size_t stk_bpf_stack_path_len(const struct stk_bpf_filter *f, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += f[i].len + STK_BPF_PATH_OVERHEAD;
    return total;
}
