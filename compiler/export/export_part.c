/* export_part.c — what a policy decides for one syscall, as disjoint boxes of
 * the argument space.
 *
 * Formats such as the OCI seccomp JSON have no rule order, no negation and no
 * signed or masked order comparisons: only conjunctions of comparisons, one
 * per argument, each best said as (arg & mask) == value.  So the first-match
 * rules of one syscall are evaluated symbolically over boxes: a box holds
 * every argument to a cube (some bits fixed, the others free).  A rule whose
 * condition is true on the whole box decides it; one that is false on all of
 * it is skipped; one that is true on part of it splits the box on a bit its
 * comparison looks at.  The result is a set of disjoint boxes, each with the
 * action the policy gives every call in it, which any format able to say
 * "these masked values" can state exactly, in any order.
 *
 * Every comparison is first turned into disjoint cubes of the argument's
 * register (the bits the kernel reads: 32 for an int, so junk in the upper
 * half never matters): == is one cube, != and the order comparisons (signed
 * ones with the sign bit flipped) are walked bit by bit from the top. */
#include "export/export.h"

#include <stdlib.h>
#include <string.h>

struct cubes {
    struct stk_xcube *v;
    size_t n, cap;
};

static void add(struct cubes *c, uint64_t mask, uint64_t value)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].mask == mask && c->v[i].value == value)
            return;
    STK_PUSH(c->v, c->n, c->cap, ((struct stk_xcube){mask, value & mask}));
}

/* y = (z & m) ^ s compared with vv (unsigned, w bits): the z that satisfy it. */
static void walk(struct cubes *out, unsigned w, uint64_t m, uint64_t s, uint64_t vv, bool less, bool eq_ok)
{
    uint64_t cm = 0, cv = 0;
    for (unsigned b = w; b-- > 0;) {
        uint64_t bit = UINT64_C(1) << b;
        unsigned vb = (unsigned)(vv >> b) & 1u, sb = (unsigned)(s >> b) & 1u;
        if (m & bit) {
            /* y's bit is z's bit ^ sb: the side below (less) or above vv is decided */
            if (less ? vb == 1u : vb == 0u)
                add(out, cm | bit, cv | ((less ? sb : sb ^ 1u) ? bit : 0));
            cm |= bit;
            cv |= (vb ^ sb) ? bit : 0; /* y's bit equal to vv's: go on */
        } else {
            unsigned yb = sb; /* a bit the mask clears: z's bit is 0 there */
            if (yb != vb) {
                if (less ? yb < vb : yb > vb)
                    add(out, cm, cv);
                return;
            }
        }
    }
    if (eq_ok)
        add(out, cm, cv);
}

/* The cubes of one comparison (CMP or IN) on abi. */
static void atom_cubes(const struct stk_cond *c, enum stk_abi abi, struct cubes *out)
{
    unsigned w = stk_arg_width(c->type, abi);
    uint64_t wm = w == 32 ? 0xffffffffull : ~0ull;
    uint64_t m = c->mask & wm;
    if (c->kind == STK_COND_IN) {
        for (size_t i = 0; i < c->nvalues; i++)
            if (!((c->values[i] & wm) & ~m))
                add(out, m, c->values[i] & wm);
        return;
    }
    uint64_t v = c->value & wm;
    switch (c->op) {
    case STK_CMP_EQ:
        if (!(v & ~m))
            add(out, m, v);
        return;
    case STK_CMP_NE:
        if (v & ~m) {
            add(out, 0, 0);
            return;
        }
        for (unsigned b = w; b-- > 0;) {
            uint64_t bit = UINT64_C(1) << b, hm = 0;
            if (!(m & bit))
                continue;
            for (unsigned k = b + 1; k < w; k++)
                hm |= m & (UINT64_C(1) << k);
            add(out, hm | bit, (v & hm) | (~v & bit));
        }
        return;
    default: break;
    }
    uint64_t s = stk_arg_signed(c->type) ? UINT64_C(1) << (w - 1) : 0;
    bool less = c->op == STK_CMP_LT || c->op == STK_CMP_LE;
    bool eq_ok = c->op == STK_CMP_LE || c->op == STK_CMP_GE;
    walk(out, w, m, s, v ^ s, less, eq_ok);
}

/* ---- three-valued evaluation over a box ---------------------------------------- */

enum tv { TV_FALSE, TV_TRUE, TV_MIXED };

struct split {
    int arg;
    uint64_t bit;
};

static enum tv eval_atom(const struct stk_cond *c, enum stk_abi abi, const struct stk_xbox *r, struct split *sp)
{
    struct cubes cs = {0};
    atom_cubes(c, abi, &cs);
    int a = c->argno[abi];
    const struct stk_xcube *rc = &r->arg[a];
    enum tv res = TV_FALSE;
    for (size_t i = 0; i < cs.n && res != TV_TRUE; i++) {
        const struct stk_xcube *x = &cs.v[i];
        if ((rc->value ^ x->value) & rc->mask & x->mask)
            continue; /* disjoint */
        uint64_t free_bits = x->mask & ~rc->mask;
        if (!free_bits) {
            res = TV_TRUE;
            break;
        }
        res = TV_MIXED;
        sp->arg = a;
        sp->bit = UINT64_C(1) << (63 - __builtin_clzll(free_bits));
    }
    free(cs.v);
    return res;
}

static enum tv eval(const struct stk_cond *c, enum stk_abi abi, const struct stk_xbox *r, struct split *sp)
{
    switch (c->kind) {
    case STK_COND_TRUE: return TV_TRUE;
    case STK_COND_FALSE: return TV_FALSE;
    case STK_COND_NOT: {
        enum tv x = eval(c->a, abi, r, sp);
        return x == TV_MIXED ? x : x == TV_TRUE ? TV_FALSE : TV_TRUE;
    }
    case STK_COND_AND:
    case STK_COND_OR: {
        enum tv stop = c->kind == STK_COND_AND ? TV_FALSE : TV_TRUE;
        struct split sa = *sp;
        enum tv a = eval(c->a, abi, r, &sa);
        if (a == stop)
            return a;
        enum tv b = eval(c->b, abi, r, sp);
        if (b == stop)
            return b;
        if (a == TV_MIXED) {
            *sp = sa;
            return a;
        }
        return b; /* a is the neutral value */
    }
    case STK_COND_CMP:
    case STK_COND_IN: return eval_atom(c, abi, r, sp);
    }
    return TV_FALSE;
}

struct ctx {
    const struct stk_seccomp *s;
    int sc;
    enum stk_abi abi;
    struct stk_action fallback;
    size_t limit;
    const struct stk_action *skip;
    size_t work; /* boxes decided, kept or not */
    struct stk_xpart *out;
};

/* Keep box r with action a (unless it is the action left out). */
static bool keep(struct ctx *x, const struct stk_xbox *r, struct stk_action a, size_t rule)
{
    if (++x->work > 64 * x->limit)
        return false;
    if (x->skip && stk_action_eq(*x->skip, a))
        return true;
    if (x->out->n >= x->limit)
        return false;
    struct stk_xbox b = *r;
    b.action = a;
    b.rule = rule;
    STK_PUSH(x->out->v, x->out->n, x->out->cap, b);
    return true;
}

static bool decide(struct ctx *x, const struct stk_xbox *r)
{
    for (size_t i = 0; i < x->s->nrules; i++) {
        const struct stk_rule *rule = &x->s->rules[i];
        if (rule->syscall != x->sc)
            continue;
        struct split sp = {0, 0};
        enum tv v = rule->cond ? eval(rule->cond, x->abi, r, &sp) : TV_TRUE;
        if (v == TV_FALSE)
            continue;
        if (v == TV_TRUE)
            return keep(x, r, rule->action, i);
        struct stk_xbox lo = *r, hi = *r;
        lo.arg[sp.arg].mask |= sp.bit;
        hi.arg[sp.arg].mask |= sp.bit;
        hi.arg[sp.arg].value |= sp.bit;
        return decide(x, &lo) && decide(x, &hi);
    }
    return keep(x, r, x->fallback, (size_t)-1);
}

/* Two boxes of one action that differ in one bit of one argument's cube are
 * one box without that bit. */
static bool merge_pair(struct stk_xbox *a, const struct stk_xbox *b)
{
    if (!stk_action_eq(a->action, b->action))
        return false;
    int diff = -1;
    for (int k = 0; k < 6; k++) {
        if (a->arg[k].mask == b->arg[k].mask && a->arg[k].value == b->arg[k].value)
            continue;
        if (diff >= 0 || a->arg[k].mask != b->arg[k].mask)
            return false;
        diff = k;
    }
    if (diff < 0)
        return true; /* the same box */
    uint64_t d = a->arg[diff].value ^ b->arg[diff].value;
    if (d & (d - 1))
        return false;
    a->arg[diff].mask &= ~d;
    a->arg[diff].value &= ~d;
    if (b->rule < a->rule)
        a->rule = b->rule;
    return true;
}

static void merge(struct stk_xpart *p)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < p->n; i++)
            for (size_t j = i + 1; j < p->n; j++)
                if (merge_pair(&p->v[i], &p->v[j])) {
                    p->v[j] = p->v[--p->n];
                    j = i;
                    changed = true;
                }
    }
}

bool stk_export_partition(const struct stk_seccomp *s, int sc, enum stk_abi abi, struct stk_action fallback,
                          size_t limit, const struct stk_action *skip, struct stk_xpart *out)
{
    memset(out, 0, sizeof *out);
    struct ctx x = {s, sc, abi, fallback, limit, skip, 0, out};
    struct stk_xbox all;
    memset(&all, 0, sizeof all);
    if (!decide(&x, &all))
        return false;
    merge(out);
    return true;
}

void stk_xpart_free(struct stk_xpart *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}
