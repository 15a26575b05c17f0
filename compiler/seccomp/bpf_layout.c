/* bpf_layout.c — the decision for every syscall number, as ranges.
 *
 * Per architecture value (AUDIT_ARCH_*), the 32-bit number space is split
 * between the ABIs that share it (x86_64 below __X32_SYSCALL_BIT, x32 from
 * it up to 0x7fffffff); everything outside the policy's ABIs is
 * kill-process.  Within an ABI: known syscalls get their rules' outcome,
 * unassigned numbers up to the newest known syscall the default action, and
 * numbers above it the `newer_syscalls` action (errno ENOSYS by default). */
#include "seccomp/bpf_layout.h"

#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ARM's private syscalls live at 0x0f0000 and up; they are not "newest". */
#define STK_PRIVATE_NR_BASE 0x0f0000

int32_t stk_layout_max_regular(enum stk_abi abi)
{
    int32_t max = -1;
    for (size_t i = 0; i < stk_syscall_count; i++) {
        int32_t nr = stk_syscall_table[i].nr[abi];
        if (nr != STK_NR_NONE && nr < STK_PRIVATE_NR_BASE && nr > max)
            max = nr;
    }
    return max;
}

bool stk_layout_leaf_eq(const struct stk_leaf *a, const struct stk_leaf *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == STK_LEAF_RET)
        return a->ret == b->ret;
    return a->abi == b->abi && a->syscall == b->syscall;
}

struct builder {
    const struct stk_policy_ir *ir;
    size_t **by_syscall; /* rule indices per syscall id */
    size_t *nby;
    struct stk_segments *segs;
    const uint8_t *own; /* NULL: every syscall */
    uint64_t win_lo, win_hi; /* numbers that weigh by count */
};

static bool cond_const(const struct stk_cond *c, bool *value)
{
    if (!c) {
        *value = true;
        return true;
    }
    if (c->kind == STK_COND_TRUE || c->kind == STK_COND_FALSE) {
        *value = c->kind == STK_COND_TRUE;
        return true;
    }
    return false;
}

static struct stk_leaf leaf_for(struct builder *b, int sc, enum stk_abi abi)
{
    const struct stk_seccomp *s = &b->ir->seccomp;
    struct stk_leaf leaf = {.kind = STK_LEAF_RET, .ret = stk_action_ret(s->def), .abi = abi, .syscall = sc};
    if (b->own && !b->own[(size_t)abi * stk_syscall_count + (size_t)sc]) {
        leaf.ret = SECCOMP_RET_ALLOW; /* another filter of the stack decides it */
        return leaf;
    }
    size_t *conds = NULL, nconds = 0, cap = 0;
    for (size_t i = 0; i < b->nby[sc]; i++) {
        const struct stk_rule *r = &s->rules[b->by_syscall[sc][i]];
        bool v;
        if (cond_const(r->cond, &v)) {
            if (!v)
                continue;
            leaf.ret = stk_action_ret(r->action);
            break;
        }
        STK_PUSH(conds, nconds, cap, b->by_syscall[sc][i]);
    }
    /* Trailing conditions that end in the fallback anyway change nothing. */
    while (nconds > 0 && stk_action_ret(s->rules[conds[nconds - 1]].action) == leaf.ret)
        nconds--;
    if (nconds == 0) {
        free(conds);
        return leaf;
    }
    leaf.kind = STK_LEAF_COND;
    leaf.rules = conds;
    leaf.nrules = nconds;
    return leaf;
}

static uint64_t weight(struct builder *b, uint32_t lo, uint32_t hi)
{
    uint64_t l = lo > b->win_lo ? lo : b->win_lo;
    uint64_t h = hi < b->win_hi ? hi : b->win_hi;
    return h >= l ? h - l + 1 : 1;
}

static void push(struct builder *b, uint32_t lo, uint32_t hi, struct stk_leaf leaf)
{
    struct stk_segments *s = b->segs;
    if (s->n > 0 && stk_layout_leaf_eq(&s->v[s->n - 1].leaf, &leaf) && s->v[s->n - 1].hi + 1 == lo) {
        s->v[s->n - 1].hi = hi;
        s->v[s->n - 1].weight += weight(b, lo, hi);
        free(leaf.rules);
        return;
    }
    struct stk_segment seg = {lo, hi, weight(b, lo, hi), leaf};
    STK_PUSH(s->v, s->n, s->cap, seg);
}

static struct stk_leaf ret_leaf(uint32_t ret)
{
    return (struct stk_leaf){.kind = STK_LEAF_RET, .ret = ret};
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Fill [base, end] for one ABI. */
static void fill_abi(struct builder *b, enum stk_abi abi, uint32_t base, uint32_t end)
{
    const struct stk_seccomp *s = &b->ir->seccomp;
    uint32_t def = stk_action_ret(s->def), newer = stk_action_ret(s->newer);
    uint32_t max_regular = (uint32_t)stk_layout_max_regular(abi);
    /* known numbers, sorted, paired with their syscall id */
    uint32_t *keys = stk_xcalloc(stk_syscall_count, 2 * sizeof *keys);
    size_t nk = 0;
    for (size_t i = 0; i < stk_syscall_count; i++) {
        int32_t nr = stk_syscall_table[i].nr[abi];
        if (nr == STK_NR_NONE)
            continue;
        keys[2 * nk] = (uint32_t)nr;
        keys[2 * nk + 1] = (uint32_t)i;
        nk++;
    }
    qsort(keys, nk, 2 * sizeof *keys, cmp_u32);
    uint64_t cur = 0; /* next raw number to cover */
    uint64_t last = (uint64_t)end - base;
    for (size_t k = 0; k <= nk; k++) {
        uint64_t nr = k < nk ? keys[2 * k] : last + 1;
        if (nr > last + 1)
            nr = last + 1;
        if (nr > cur) {
            /* the gap [cur, nr-1]: default up to the newest regular number, newer above */
            uint64_t split = (uint64_t)max_regular + 1;
            if (cur < split) {
                uint64_t h = nr - 1 < split - 1 ? nr - 1 : split - 1;
                push(b, base + (uint32_t)cur, base + (uint32_t)h, ret_leaf(def));
                cur = h + 1;
            }
            if (cur < nr) {
                push(b, base + (uint32_t)cur, base + (uint32_t)(nr - 1), ret_leaf(newer));
                cur = nr;
            }
        }
        if (k == nk || nr > last)
            break;
        push(b, base + (uint32_t)nr, base + (uint32_t)nr, leaf_for(b, (int)keys[2 * k + 1], abi));
        cur = nr + 1;
    }
    free(keys);
}

void stk_layout_build(const struct stk_policy_ir *ir, struct stk_layout *out)
{
    stk_layout_build_owned(ir, NULL, out);
}

void stk_layout_build_owned(const struct stk_policy_ir *ir, const uint8_t *own, struct stk_layout *out)
{
    memset(out, 0, sizeof *out);
    const struct stk_seccomp *s = &ir->seccomp;
    struct builder b = {.ir = ir, .own = own};
    b.by_syscall = stk_xcalloc(stk_syscall_count, sizeof *b.by_syscall);
    b.nby = stk_xcalloc(stk_syscall_count, sizeof *b.nby);
    size_t *caps = stk_xcalloc(stk_syscall_count, sizeof *caps);
    for (size_t i = 0; i < s->nrules; i++) {
        int sc = s->rules[i].syscall;
        STK_PUSH(b.by_syscall[sc], b.nby[sc], caps[sc], i);
    }
    free(caps);
    uint32_t kill = SECCOMP_RET_KILL_PROCESS;

    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (!s->abis[a] || a == STK_ABI_X32)
            continue;
        struct stk_arch_layout *al = &out->arch[out->narch++];
        al->audit_arch = stk_abis[a].audit_arch;
        b.segs = &al->segs;
        b.win_lo = 0;
        b.win_hi = (uint64_t)stk_layout_max_regular((enum stk_abi)a) + 16;
        if (a == STK_ABI_X86_64) {
            fill_abi(&b, STK_ABI_X86_64, 0, STK_X32_SYSCALL_BIT - 1);
            b.win_hi = 0; /* x32 numbers weigh 1 each range */
            b.win_lo = 1;
            if (s->abis[STK_ABI_X32])
                fill_abi(&b, STK_ABI_X32, STK_X32_SYSCALL_BIT, 0x7fffffffu);
            else
                push(&b, STK_X32_SYSCALL_BIT, 0x7fffffffu, ret_leaf(kill));
            push(&b, 0x80000000u, 0xffffffffu, ret_leaf(kill));
        } else {
            fill_abi(&b, (enum stk_abi)a, 0, 0xffffffffu);
        }
    }
    /* x32 without x86_64: the x86_64 architecture value, only x32 numbers let in */
    if (s->abis[STK_ABI_X32] && !s->abis[STK_ABI_X86_64]) {
        struct stk_arch_layout *al = &out->arch[out->narch++];
        al->audit_arch = stk_abis[STK_ABI_X32].audit_arch;
        b.segs = &al->segs;
        b.win_lo = STK_X32_SYSCALL_BIT;
        b.win_hi = STK_X32_SYSCALL_BIT + (uint64_t)stk_layout_max_regular(STK_ABI_X32) + 16;
        push(&b, 0, STK_X32_SYSCALL_BIT - 1, ret_leaf(kill));
        fill_abi(&b, STK_ABI_X32, STK_X32_SYSCALL_BIT, 0x7fffffffu);
        push(&b, 0x80000000u, 0xffffffffu, ret_leaf(kill));
    }
    for (size_t i = 0; i < stk_syscall_count; i++)
        free(b.by_syscall[i]);
    free(b.by_syscall);
    free(b.nby);
}

void stk_layout_free(struct stk_layout *l)
{
    for (size_t a = 0; a < l->narch; a++) {
        for (size_t i = 0; i < l->arch[a].segs.n; i++)
            free(l->arch[a].segs.v[i].leaf.rules);
        free(l->arch[a].segs.v);
    }
    memset(l, 0, sizeof *l);
}
