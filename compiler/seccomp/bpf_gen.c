/* bpf_gen.c — seccomp code generator: IR rules -> classic BPF.
 *
 * Shape of every program:
 *     ld arch; jeq ARCH_1 -> sub_1; jeq ARCH_2 -> sub_2; ...; ret KILL_PROCESS
 *     sub_i:   ld nr; <weighted binary search over number ranges>
 *     leaves:  ret ACTION              (unconditional: shared returns)
 *              <argument conditions>   (first-match, per syscall)
 * On the path to an unconditional allow only `ld nr/arch`, `jeq/jge` against
 * constants, `ja` and `ret` appear, so the kernel's constant-action bitmap
 * can cache every such syscall.
 *
 * Code is emitted backwards (last instruction first): every jump target then
 * already exists, offsets are known at emission, and a target beyond the
 * 8-bit conditional reach gets a `ja` trampoline (or a fresh copy of a ret). */
#include "seccomp/bpf_gen.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/bpf_layout.h"
#include "seccomp/bpf_set.h"
#include "seccomp/bpf_split.h"
#include "util.h"

#define OFF_NR 0u
#define OFF_ARCH 4u
#define OFF_ARG_LO(i) (16u + 8u * (unsigned)(i))
#define OFF_ARG_HI(i) (20u + 8u * (unsigned)(i))

typedef size_t label; /* position counted from the end of the program */

struct ret_slot {
    uint32_t ret;
    label pos;
};

struct gen {
    struct sock_filter *code; /* reversed */
    size_t n, cap;
    struct ret_slot *rets;
    size_t nrets, caprets;
    label *patch; /* exec-fd constants */
    size_t npatch, cappatch;
};

static label emit(struct gen *g, struct sock_filter f)
{
    STK_PUSH(g->code, g->n, g->cap, f);
    return g->n - 1;
}

static bool is_ret(const struct gen *g, label l)
{
    return BPF_CLASS(g->code[l].code) == BPF_RET;
}

/* A label usable as a conditional target from the next instruction emitted:
 * within 255 instructions, else via a trampoline emitted now. */
static label near(struct gen *g, label target)
{
    size_t dist = g->n - target - 1; /* instructions in between, if the jump is emitted next */
    if (dist <= 255)
        return target;
    if (is_ret(g, target)) {
        /* a copy of it already in reach (targets held by a caller go stale) */
        for (size_t i = 0; i < g->nrets; i++)
            if (g->rets[i].ret == g->code[target].k && g->n - g->rets[i].pos - 1 <= 255)
                return g->rets[i].pos;
        /* a fresh ret is as cheap as a jump, and keeps allow paths cacheable */
        label copy = emit(g, g->code[target]);
        for (size_t i = 0; i < g->nrets; i++)
            if (g->rets[i].ret == g->code[target].k)
                g->rets[i].pos = copy;
        return copy;
    }
    return emit(g, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)(g->n - target - 1), 0, 0));
}

static label jump(struct gen *g, uint16_t op, uint32_t k, label t, label f)
{
    if (t == f)
        return t;
    /* A trampoline for one target may push the other out of reach: repeat. */
    for (;;) {
        t = near(g, t);
        f = near(g, f);
        if (g->n - t - 1 <= 255 && g->n - f - 1 <= 255)
            break;
    }
    size_t at = g->n;
    return emit(g, (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k, (uint8_t)(at - t - 1), (uint8_t)(at - f - 1)));
}

static label ret(struct gen *g, uint32_t value)
{
    for (size_t i = 0; i < g->nrets; i++)
        if (g->rets[i].ret == value)
            return g->rets[i].pos;
    label l = emit(g, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, value));
    struct ret_slot s = {value, l};
    STK_PUSH(g->rets, g->nrets, g->caprets, s);
    return l;
}

static label load(struct gen *g, uint32_t off)
{
    return emit(g, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off));
}

static void alu(struct gen *g, uint16_t op, uint32_t k)
{
    emit(g, (struct sock_filter)BPF_STMT(BPF_ALU | op | BPF_K, k));
}

/* ---- argument conditions ----------------------------------------------------- */

/* Compare one 32-bit word already in A: "word OP v" -> t / f. */
static label cmp_word(struct gen *g, enum stk_cmp_op op, uint32_t v, label t, label f)
{
    switch (op) {
    case STK_CMP_EQ: return jump(g, BPF_JEQ, v, t, f);
    case STK_CMP_NE: return jump(g, BPF_JEQ, v, f, t);
    case STK_CMP_GT: return jump(g, BPF_JGT, v, t, f);
    case STK_CMP_GE: return jump(g, BPF_JGE, v, t, f);
    case STK_CMP_LT: return jump(g, BPF_JGE, v, f, t);
    case STK_CMP_LE: return jump(g, BPF_JGT, v, f, t);
    }
    return f;
}

/* Load word `off`, mask it, flip its sign bit when compared signed; the code
 * emitted here runs before whatever was emitted just before the call. */
static label load_word(struct gen *g, uint32_t off, uint32_t mask, bool flip_sign)
{
    if (flip_sign)
        alu(g, BPF_XOR, 0x80000000u);
    if (mask != 0xffffffffu)
        alu(g, BPF_AND, mask);
    return load(g, off);
}

static label gen_cond(struct gen *g, const struct stk_cond *c, enum stk_abi abi, label t, label f);

static label gen_cmp(struct gen *g, const struct stk_cond *c, enum stk_abi abi, label t, label f)
{
    int arg = c->argno[abi];
    unsigned width = stk_arg_width(c->type, abi);
    bool sgn = stk_arg_signed(c->type);
    uint64_t v = c->value, m = c->mask;
    if (width == 32) {
        uint32_t v32 = (uint32_t)v, m32 = (uint32_t)m;
        bool order = c->op != STK_CMP_EQ && c->op != STK_CMP_NE;
        bool flip = sgn && order;
        if (c->exec_fd && c->op == STK_CMP_EQ && m32 == 0xffffffffu) {
            label j = jump(g, BPF_JEQ, v32, t, f);
            STK_PUSH(g->patch, g->npatch, g->cappatch, j);
            return load(g, OFF_ARG_LO(arg));
        }
        /* (x & m) == 0  ->  jset m */
        if (!order && v32 == 0 && m32 != 0xffffffffu) {
            label j = c->op == STK_CMP_EQ ? jump(g, BPF_JSET, m32, f, t) : jump(g, BPF_JSET, m32, t, f);
            if (j == t || j == f)
                return j;
            return load(g, OFF_ARG_LO(arg));
        }
        label j = cmp_word(g, c->op, flip ? v32 ^ 0x80000000u : v32, t, f);
        if (j == t || j == f)
            return j;
        return load_word(g, OFF_ARG_LO(arg), m32, flip);
    }
    uint32_t vh = (uint32_t)(v >> 32), vl = (uint32_t)v;
    uint32_t mh = (uint32_t)(m >> 32), ml = (uint32_t)m;
    switch (c->op) {
    case STK_CMP_NE:
    case STK_CMP_EQ: {
        label yes = c->op == STK_CMP_EQ ? t : f, no = c->op == STK_CMP_EQ ? f : t;
        if ((vh & ~mh) || (vl & ~ml)) /* bits the mask clears can never be equal */
            return no;
        label lo;
        if (vl == 0 && ml != 0xffffffffu) {
            lo = jump(g, BPF_JSET, ml, no, yes);
            if (lo != yes && lo != no)
                lo = load(g, OFF_ARG_LO(arg));
        } else {
            lo = jump(g, BPF_JEQ, vl, yes, no);
            if (lo != yes && lo != no)
                lo = load_word(g, OFF_ARG_LO(arg), ml, false);
        }
        if (mh == 0)
            return lo; /* high word masked away: equal (0 == 0) */
        label hi;
        if (vh == 0 && mh != 0xffffffffu) {
            hi = jump(g, BPF_JSET, mh, no, lo);
            if (hi == lo || hi == no)
                return hi;
            return load(g, OFF_ARG_HI(arg));
        }
        hi = jump(g, BPF_JEQ, vh, lo, no);
        if (hi == lo || hi == no)
            return hi;
        return load_word(g, OFF_ARG_HI(arg), mh, false);
    }
    case STK_CMP_LT:
    case STK_CMP_LE: {
        /* a < v == !(a >= v) */
        struct stk_cond inv = *c;
        inv.op = c->op == STK_CMP_LT ? STK_CMP_GE : STK_CMP_GT;
        return gen_cmp(g, &inv, abi, f, t);
    }
    case STK_CMP_GT:
    case STK_CMP_GE: {
        /* hi > vh -> t; hi < vh -> f; equal -> compare the low words unsigned */
        label lo = jump(g, c->op == STK_CMP_GT ? BPF_JGT : BPF_JGE, vl, t, f);
        if (lo != t && lo != f)
            lo = load_word(g, OFF_ARG_LO(arg), ml, false);
        uint32_t vhx = sgn ? vh ^ 0x80000000u : vh;
        label eq = jump(g, BPF_JEQ, vhx, lo, f);
        label gt = jump(g, BPF_JGT, vhx, t, eq);
        if (gt == t || gt == eq)
            return gt; /* cannot happen with t != f, kept for clarity */
        return load_word(g, OFF_ARG_HI(arg), mh, sgn);
    }
    }
    return f;
}

static label gen_in(struct gen *g, const struct stk_cond *c, enum stk_abi abi, label t, label f)
{
    int arg = c->argno[abi];
    unsigned width = stk_arg_width(c->type, abi);
    uint64_t wmask = width == 32 ? 0xffffffffull : ~0ull;
    uint64_t m = c->mask & wmask;
    /* Values the masked argument can equal, deduplicated. */
    uint64_t *vals = stk_xcalloc(c->nvalues ? c->nvalues : 1, sizeof *vals);
    size_t nv = 0;
    bool same_hi = true;
    for (size_t i = 0; i < c->nvalues; i++) {
        uint64_t v = c->values[i] & wmask;
        if (v & ~m)
            continue;
        bool dup = false;
        for (size_t j = 0; j < nv; j++)
            dup |= vals[j] == v;
        if (dup)
            continue;
        if (nv && (vals[0] >> 32) != (v >> 32))
            same_hi = false;
        vals[nv++] = v;
    }
    label entry = f;
    if (nv == 0) {
        entry = f;
    } else if (width == 32 || same_hi) {
        /* one load of the low word, a chain of jeq; the high word checked once */
        label next = f;
        for (size_t i = nv; i-- > 0;)
            next = jump(g, BPF_JEQ, (uint32_t)vals[i], t, next);
        entry = load_word(g, OFF_ARG_LO(arg), (uint32_t)m, false);
        uint32_t mh = (uint32_t)(m >> 32), vh = (uint32_t)(vals[0] >> 32);
        if (width == 64 && mh != 0) {
            label hi = jump(g, BPF_JEQ, vh, entry, f);
            entry = load_word(g, OFF_ARG_HI(arg), mh, false);
            (void)hi;
        }
    } else {
        /* different high words: an OR of full comparisons */
        label next = f;
        for (size_t i = nv; i-- > 0;) {
            struct stk_cond eq = *c;
            eq.kind = STK_COND_CMP;
            eq.op = STK_CMP_EQ;
            eq.value = vals[i];
            next = gen_cmp(g, &eq, abi, t, next);
        }
        entry = next;
    }
    free(vals);
    return entry;
}

/* ---- value sets (bpf_set.c) ----------------------------------------------------- */

static label set_jump(void *g, uint16_t op, uint32_t k, label t, label f)
{
    return jump(g, op, k, t, f);
}

static label set_load(void *g, uint32_t off, uint32_t mask)
{
    return load_word(g, off, mask, false);
}

static label set_last(void *g)
{
    return ((struct gen *)g)->n - 1;
}

static size_t distinct(uint64_t *v, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n && d < STK_BPF_SET_MIN; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = v[j] == v[i];
        d += !seen;
    }
    return d;
}

/* Rules from..to (inclusive) of one syscall whose conditions are sets on one
 * argument word: one search, each value to the action of its first rule. */
static label gen_set_run(struct gen *g, const struct stk_policy_ir *ir, const struct stk_leaf *leaf, size_t from,
                         size_t to, const struct stk_bpf_set_key *key, label miss)
{
    struct stk_bpf_set_entry *e = NULL;
    size_t ne = 0, cap = 0;
    for (size_t i = from; i <= to; i++) {
        const struct stk_rule *r = &ir->seccomp.rules[leaf->rules[i]];
        uint64_t *v = NULL;
        size_t nv = 0, capv = 0;
        struct stk_bpf_set_key k = *key;
        stk_bpf_set_collect(r->cond, leaf->abi, &k, &v, &nv, &capv);
        label t = ret(g, stk_action_ret(r->action));
        for (size_t j = 0; j < nv; j++) {
            struct stk_bpf_set_entry x = {v[j], t, i};
            STK_PUSH(e, ne, cap, x);
        }
        free(v);
    }
    struct stk_bpf_emit em = {g, set_jump, set_load, set_last};
    label entry = stk_bpf_set_search(&em, key, e, ne, miss);
    free(e);
    return entry;
}

/* One condition that is a set of STK_BPF_SET_MIN values or more: searched. */
static bool gen_set(struct gen *g, const struct stk_cond *c, enum stk_abi abi, label t, label f, label *out)
{
    struct stk_bpf_set_key key = {0};
    uint64_t *v = NULL;
    size_t nv = 0, cap = 0;
    bool ok = stk_bpf_set_collect(c, abi, &key, &v, &nv, &cap) && distinct(v, nv) >= STK_BPF_SET_MIN;
    if (ok) {
        struct stk_bpf_set_entry *e = stk_xcalloc(nv, sizeof *e);
        for (size_t i = 0; i < nv; i++)
            e[i] = (struct stk_bpf_set_entry){v[i], t, 0};
        struct stk_bpf_emit em = {g, set_jump, set_load, set_last};
        *out = stk_bpf_set_search(&em, &key, e, nv, f);
        free(e);
    }
    free(v);
    return ok;
}

static label gen_cond(struct gen *g, const struct stk_cond *c, enum stk_abi abi, label t, label f)
{
    label set;
    if ((c->kind == STK_COND_IN || c->kind == STK_COND_OR) && gen_set(g, c, abi, t, f, &set))
        return set;
    switch (c->kind) {
    case STK_COND_TRUE: return t;
    case STK_COND_FALSE: return f;
    case STK_COND_NOT: return gen_cond(g, c->a, abi, f, t);
    case STK_COND_AND: {
        label b = gen_cond(g, c->b, abi, t, f);
        return gen_cond(g, c->a, abi, b, f);
    }
    case STK_COND_OR: {
        label b = gen_cond(g, c->b, abi, t, f);
        return gen_cond(g, c->a, abi, t, b);
    }
    case STK_COND_CMP: return gen_cmp(g, c, abi, t, f);
    case STK_COND_IN: return gen_in(g, c, abi, t, f);
    }
    return f;
}

/* ---- syscall number search -------------------------------------------------- */

static label gen_leaf(struct gen *g, const struct stk_policy_ir *ir, const struct stk_leaf *leaf)
{
    if (leaf->kind == STK_LEAF_RET)
        return ret(g, leaf->ret);
    /* Conditional rules of one syscall, first match wins, then the fallback. */
    label next = ret(g, leaf->ret);
    for (size_t i = leaf->nrules; i-- > 0;) {
        /* the longest run of set rules on one argument word ending at i */
        struct stk_bpf_set_key key = {0};
        uint64_t *v = NULL;
        size_t nv = 0, cap = 0, from = i + 1;
        while (from > 0 &&
               stk_bpf_set_collect(ir->seccomp.rules[leaf->rules[from - 1]].cond, leaf->abi, &key, &v, &nv, &cap))
            from--;
        bool run = from + 1 < i + 1 && distinct(v, nv) >= STK_BPF_SET_MIN;
        free(v);
        if (run) {
            next = gen_set_run(g, ir, leaf, from, i, &key, next);
            i = from;
            continue;
        }
        const struct stk_rule *r = &ir->seccomp.rules[leaf->rules[i]];
        next = gen_cond(g, r->cond, leaf->abi, ret(g, stk_action_ret(r->action)), next);
    }
    return next;
}

struct tree {
    const struct stk_segments *s;
    label *leaf_label; /* per segment */
    uint32_t *root;    /* n*n split table */
    uint8_t *kind;     /* n*n: 0 leaf, 1 jge split, 2 jeq-hole */
};

static label gen_tree(struct gen *g, struct tree *t, size_t i, size_t j)
{
    size_t n = t->s->n;
    uint8_t k = t->kind[i * n + j];
    if (k == 0)
        return t->leaf_label[i];
    if (k == 2) /* A [x] A: jeq x -> middle, else A */
        return jump(g, BPF_JEQ, t->s->v[i + 1].lo, t->leaf_label[i + 1], t->leaf_label[i]);
    size_t r = t->root[i * n + j];
    label right = gen_tree(g, t, r, j);
    label left = gen_tree(g, t, i, r - 1);
    return jump(g, BPF_JGE, t->s->v[r].lo, right, left);
}

/* Optimal alphabetic tree (weighted by how many syscall numbers a range
 * covers): cost(i,j) = weight(i..j) + min over splits. */
static void plan_tree(struct tree *t)
{
    const struct stk_segments *s = t->s;
    size_t n = s->n;
    uint64_t *cost = stk_xcalloc(n * n, sizeof *cost);
    uint64_t *pre = stk_xcalloc(n + 1, sizeof *pre);
    for (size_t i = 0; i < n; i++)
        pre[i + 1] = pre[i] + s->v[i].weight;
    for (size_t len = 1; len <= n; len++) {
        for (size_t i = 0; i + len <= n; i++) {
            size_t j = i + len - 1;
            if (len == 1) {
                cost[i * n + j] = 0;
                t->kind[i * n + j] = 0;
                continue;
            }
            uint64_t w = pre[j + 1] - pre[i];
            uint64_t best = UINT64_MAX;
            size_t bestr = i + 1;
            for (size_t r = i + 1; r <= j; r++) {
                uint64_t c = cost[i * n + r - 1] + cost[r * n + j];
                if (c < best) {
                    best = c;
                    bestr = r;
                }
            }
            t->kind[i * n + j] = 1;
            t->root[i * n + j] = (uint32_t)bestr;
            best += w;
            if (len == 3 && s->v[i + 1].lo == s->v[i + 1].hi && stk_layout_leaf_eq(&s->v[i].leaf, &s->v[j].leaf) &&
                w < best) {
                best = w;
                t->kind[i * n + j] = 2;
            }
            cost[i * n + j] = best;
        }
    }
    free(cost);
    free(pre);
}

static label gen_subprogram(struct gen *g, const struct stk_policy_ir *ir, const struct stk_segments *s)
{
    struct tree t = {s, NULL, NULL, NULL};
    t.leaf_label = stk_xcalloc(s->n, sizeof *t.leaf_label);
    t.root = stk_xcalloc(s->n * s->n, sizeof *t.root);
    t.kind = stk_xcalloc(s->n * s->n, sizeof *t.kind);
    plan_tree(&t);
    /* Leaves first (they sit at the end), each distinct one once. */
    for (size_t i = s->n; i-- > 0;) {
        t.leaf_label[i] = (label)-1;
        for (size_t j = i + 1; j < s->n; j++)
            if (stk_layout_leaf_eq(&s->v[j].leaf, &s->v[i].leaf) && s->v[i].leaf.kind == STK_LEAF_COND) {
                t.leaf_label[i] = t.leaf_label[j];
                break;
            }
        if (t.leaf_label[i] == (label)-1)
            t.leaf_label[i] = gen_leaf(g, ir, &s->v[i].leaf);
    }
    /* Return leaves are re-resolved at use so that shared rets stay in reach. */
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].leaf.kind == STK_LEAF_RET)
            t.leaf_label[i] = ret(g, s->v[i].leaf.ret);
    label root = gen_tree(g, &t, 0, s->n - 1);
    label entry = load(g, OFF_NR);
    (void)root;
    free(t.leaf_label);
    free(t.root);
    free(t.kind);
    return entry;
}

void stk_bpf_gen_filter(const struct stk_policy_ir *ir, const uint8_t *own, struct stk_bpf_filter *out)
{
    memset(out, 0, sizeof *out);
    struct gen g = {0};
    struct stk_layout lay;
    stk_layout_build_owned(ir, own, &lay);

    label kill = ret(&g, SECCOMP_RET_KILL_PROCESS);
    label *entries = stk_xcalloc(lay.narch ? lay.narch : 1, sizeof *entries);
    for (size_t a = lay.narch; a-- > 0;)
        entries[a] = gen_subprogram(&g, ir, &lay.arch[a].segs);
    label next = near(&g, kill);
    for (size_t a = lay.narch; a-- > 0;)
        next = jump(&g, BPF_JEQ, lay.arch[a].audit_arch, entries[a], next);
    load(&g, OFF_ARCH);
    free(entries);
    stk_layout_free(&lay);

    out->len = g.n;
    out->insns = stk_xcalloc(g.n, sizeof *out->insns);
    for (size_t i = 0; i < g.n; i++)
        out->insns[i] = g.code[g.n - 1 - i];
    out->nexec_fd_insns = g.npatch;
    out->exec_fd_insns = stk_xcalloc(g.npatch ? g.npatch : 1, sizeof *out->exec_fd_insns);
    for (size_t i = 0; i < g.npatch; i++)
        out->exec_fd_insns[i] = (uint32_t)(g.n - 1 - g.patch[i]);
    free(g.code);
    free(g.rets);
    free(g.patch);
}

void stk_bpf_filter_free(struct stk_bpf_filter *f)
{
    free(f->insns);
    free(f->exec_fd_insns);
    memset(f, 0, sizeof *f);
}

int stk_bpf_generate(const struct stk_policy_ir *ir, struct stk_bpf_prog *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct stk_bpf_filter whole;
    stk_bpf_gen_filter(ir, NULL, &whole);
    out->insns = whole.insns;
    out->len = whole.len;
    out->exec_fd_insns = whole.exec_fd_insns;
    out->nexec_fd_insns = whole.nexec_fd_insns;
    if (whole.len <= STK_BPF_MAX_INSNS) {
        /* one filter: the whole program */
        out->filters = stk_xcalloc(1, sizeof *out->filters);
        struct stk_bpf_filter *f = &out->filters[0];
        f->len = whole.len;
        f->insns = stk_xcalloc(whole.len, sizeof *f->insns);
        memcpy(f->insns, whole.insns, whole.len * sizeof *f->insns);
        f->nexec_fd_insns = whole.nexec_fd_insns;
        f->exec_fd_insns = stk_xcalloc(whole.nexec_fd_insns ? whole.nexec_fd_insns : 1, sizeof *f->exec_fd_insns);
        memcpy(f->exec_fd_insns, whole.exec_fd_insns, whole.nexec_fd_insns * sizeof *f->exec_fd_insns);
        out->nfilters = 1;
        return 0;
    }
    if (stk_bpf_split(ir, out, err, errlen) < 0) {
        stk_bpf_prog_free(out);
        return -1;
    }
    return 0;
}

void stk_bpf_prog_free(struct stk_bpf_prog *p)
{
    free(p->insns);
    free(p->exec_fd_insns);
    for (size_t i = 0; i < p->nfilters; i++)
        stk_bpf_filter_free(&p->filters[i]);
    free(p->filters);
    memset(p, 0, sizeof *p);
}
