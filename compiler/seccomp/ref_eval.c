/* ref_eval.c — the reference model: decide a seccomp_data straight from the
 * IR, with none of the code generator's machinery (no ranges, no trees, no
 * word splitting).  Tests hold every emitted program to this. */
#include "seccomp/ref_eval.h"

#include <linux/seccomp.h>

#include "seccomp/bpf_layout.h"

static int64_t sign_extend(uint64_t v, unsigned width)
{
    if (width == 64)
        return (int64_t)v;
    return (int64_t)(int32_t)(uint32_t)v;
}

static bool compare(enum stk_cmp_op op, uint64_t a, uint64_t b, bool sgn, unsigned width)
{
    if (sgn) { /* signed order is the unsigned order with the sign bit flipped */
        a = (uint64_t)sign_extend(a, width) ^ (UINT64_C(1) << 63);
        b = (uint64_t)sign_extend(b, width) ^ (UINT64_C(1) << 63);
    }
    return stk_cmp_holds(op, a, b);
}

static bool ref_cond(const struct stk_cond *c, enum stk_abi abi, const __u64 args[6])
{
    switch (c->kind) {
    case STK_COND_TRUE: return true;
    case STK_COND_FALSE: return false;
    case STK_COND_NOT: return !ref_cond(c->a, abi, args);
    case STK_COND_AND: return ref_cond(c->a, abi, args) && ref_cond(c->b, abi, args);
    case STK_COND_OR: return ref_cond(c->a, abi, args) || ref_cond(c->b, abi, args);
    case STK_COND_CMP:
    case STK_COND_IN: {
        unsigned width = stk_arg_width(c->type, abi);
        uint64_t wmask = width == 32 ? 0xffffffffull : ~0ull;
        uint64_t x = args[c->argno[abi]] & c->mask & wmask;
        if (c->kind == STK_COND_IN) {
            for (size_t i = 0; i < c->nvalues; i++)
                if (x == (c->values[i] & wmask))
                    return true;
            return false;
        }
        return compare(c->op, x, c->value & wmask, stk_arg_signed(c->type), width);
    }
    }
    return false;
}

/* Which ABI of the policy a (arch, nr) pair belongs to; -1 if none. */
static int abi_of(const struct stk_seccomp *s, uint32_t arch, uint32_t nr)
{
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (!s->abis[a] || stk_abis[a].audit_arch != arch)
            continue;
        if (a == STK_ABI_X86_64 && nr >= STK_X32_SYSCALL_BIT)
            continue;
        if (a == STK_ABI_X32 && (nr < STK_X32_SYSCALL_BIT || nr >= 0x80000000u))
            continue;
        return a;
    }
    return -1;
}

uint32_t stk_ref_decide(const struct stk_policy_ir *ir, const struct seccomp_data *d)
{
    const struct stk_seccomp *s = &ir->seccomp;
    int abi = abi_of(s, d->arch, (uint32_t)d->nr);
    if (abi < 0)
        return SECCOMP_RET_KILL_PROCESS;
    uint32_t raw = (uint32_t)d->nr - stk_abis[abi].nr_offset;
    int sc = -1;
    for (size_t i = 0; i < stk_syscall_count && sc < 0; i++)
        if (stk_syscall_table[i].nr[abi] != STK_NR_NONE && (uint32_t)stk_syscall_table[i].nr[abi] == raw)
            sc = (int)i;
    if (sc < 0) {
        int32_t max = stk_layout_max_regular((enum stk_abi)abi);
        return stk_action_ret(raw > (uint32_t)max ? s->newer : s->def);
    }
    for (size_t i = 0; i < s->nrules; i++) {
        const struct stk_rule *r = &s->rules[i];
        if (r->syscall == sc && (!r->cond || ref_cond(r->cond, (enum stk_abi)abi, d->args)))
            return stk_action_ret(r->action);
    }
    return stk_action_ret(s->def);
}
