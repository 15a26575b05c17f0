/* bpf_set.c — value sets on one argument compiled to a balanced search.
 *
 * The set becomes sorted intervals of one word (adjacent values with the same
 * target merged), searched with `jge` splits down to chains of at most
 * LEAF_CHAIN single values.  A 64-bit argument is searched in two stages: the
 * high word picks the group of values sharing it, then the low word of that
 * group is searched.  Code is emitted backwards like the rest of bpf_gen.c:
 * targets first, then what jumps to them. */
#include "seccomp/bpf_set.h"

#include <linux/filter.h>
#include <stdlib.h>

#include "util.h"

#define OFF_ARG_LO(i) (16u + 8u * (unsigned)(i))
#define OFF_ARG_HI(i) (20u + 8u * (unsigned)(i))
#define LEAF_CHAIN 3u

/* ---- collecting values --------------------------------------------------------- */

static struct stk_bpf_set_key key_of(const struct stk_cond *c, enum stk_abi abi)
{
    struct stk_bpf_set_key k;
    k.arg = c->argno[abi];
    k.width = stk_arg_width(c->type, abi);
    k.mask = c->mask & (k.width == 32 ? 0xffffffffull : ~0ull);
    return k;
}

static bool settable(const struct stk_cond *c, enum stk_abi abi, struct stk_bpf_set_key *key)
{
    if (c->kind == STK_COND_OR)
        return settable(c->a, abi, key) && settable(c->b, abi, key);
    if (c->kind != STK_COND_IN && !(c->kind == STK_COND_CMP && c->op == STK_CMP_EQ && !c->exec_fd))
        return false;
    struct stk_bpf_set_key k = key_of(c, abi);
    if (key->width == 0) {
        *key = k;
        return true;
    }
    return k.arg == key->arg && k.width == key->width && k.mask == key->mask;
}

static void add_values(const struct stk_cond *c, const struct stk_bpf_set_key *key, uint64_t **v, size_t *n,
                       size_t *cap)
{
    if (c->kind == STK_COND_OR) {
        add_values(c->a, key, v, n, cap);
        add_values(c->b, key, v, n, cap);
        return;
    }
    uint64_t wmask = key->width == 32 ? 0xffffffffull : ~0ull;
    size_t count = c->kind == STK_COND_IN ? c->nvalues : 1;
    for (size_t i = 0; i < count; i++) {
        uint64_t x = (c->kind == STK_COND_IN ? c->values[i] : c->value) & wmask;
        if (x & ~key->mask)
            continue; /* bits the mask clears: never equal */
        STK_PUSH(*v, *n, *cap, x);
    }
}

bool stk_bpf_set_collect(const struct stk_cond *c, enum stk_abi abi, struct stk_bpf_set_key *key, uint64_t **v,
                         size_t *n, size_t *cap)
{
    struct stk_bpf_set_key k = *key;
    if (!c || !settable(c, abi, &k))
        return false;
    *key = k;
    add_values(c, key, v, n, cap);
    return true;
}

/* ---- the search ------------------------------------------------------------------ */

struct ival {
    uint32_t lo, hi; /* inclusive */
    stk_bpf_label t;
};

/* A (the word) is known to lie in [lo_known, hi_known]; find it in iv[i..j). */
static stk_bpf_label search(const struct stk_bpf_emit *e, const struct ival *iv, size_t i, size_t j,
                            uint32_t lo_known, uint32_t hi_known, stk_bpf_label miss)
{
    size_t n = j - i;
    if (n == 0)
        return miss;
    if (n == 1) {
        const struct ival *x = &iv[i];
        bool lo_ok = x->lo <= lo_known, hi_ok = x->hi >= hi_known;
        if (lo_ok && hi_ok)
            return x->t;
        if (x->lo == x->hi)
            return e->jump(e->g, BPF_JEQ, x->lo, x->t, miss);
        stk_bpf_label in = x->t;
        if (!hi_ok)
            in = e->jump(e->g, BPF_JGT, x->hi, miss, x->t);
        if (!lo_ok)
            in = e->jump(e->g, BPF_JGE, x->lo, in, miss);
        return in;
    }
    bool singles = n <= LEAF_CHAIN;
    for (size_t k = i; k < j && singles; k++)
        singles = iv[k].lo == iv[k].hi;
    if (singles) {
        stk_bpf_label next = miss;
        for (size_t k = j; k-- > i;)
            next = e->jump(e->g, BPF_JEQ, iv[k].lo, iv[k].t, next);
        return next;
    }
    size_t m = i + n / 2;
    stk_bpf_label right = search(e, iv, m, j, iv[m].lo, hi_known, miss);
    stk_bpf_label left = search(e, iv, i, m, lo_known, iv[m].lo - 1, miss);
    return e->jump(e->g, BPF_JGE, iv[m].lo, right, left);
}

static void push_ival(struct ival **iv, size_t *n, size_t *cap, uint32_t w, stk_bpf_label t)
{
    if (*n && (*iv)[*n - 1].t == t && (*iv)[*n - 1].hi != UINT32_MAX && (*iv)[*n - 1].hi + 1 == w) {
        (*iv)[*n - 1].hi = w;
        return;
    }
    struct ival x = {w, w, t};
    STK_PUSH(*iv, *n, *cap, x);
}

static int cmp_entry(const void *pa, const void *pb)
{
    const struct stk_bpf_set_entry *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

stk_bpf_label stk_bpf_set_search(const struct stk_bpf_emit *e, const struct stk_bpf_set_key *key,
                                 struct stk_bpf_set_entry *entries, size_t n, stk_bpf_label miss)
{
    uint64_t wmask = key->width == 32 ? 0xffffffffull : ~0ull;
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        entries[i].value &= wmask;
        if (!(entries[i].value & ~key->mask))
            entries[nv++] = entries[i];
    }
    if (nv == 0)
        return miss;
    qsort(entries, nv, sizeof *entries, cmp_entry);
    size_t u = 0; /* first match wins: keep the lowest order of each value */
    for (size_t i = 0; i < nv; i++)
        if (u == 0 || entries[u - 1].value != entries[i].value)
            entries[u++] = entries[i];
    nv = 0; /* a value whose first target is the miss label itself needs no test */
    for (size_t i = 0; i < u; i++)
        if (entries[i].target != miss)
            entries[nv++] = entries[i];
    if (nv == 0)
        return miss;

    uint32_t ml = (uint32_t)key->mask, mh = (uint32_t)(key->mask >> 32);
    bool two_words = key->width == 64 && mh != 0;
    struct ival *outer = NULL, *inner = NULL;
    size_t nouter = 0, capouter = 0, ninner = 0, capinner = 0;
    /* groups of equal high words, last first (emitted backwards) */
    for (size_t end = nv; end > 0;) {
        uint32_t hw = (uint32_t)(entries[end - 1].value >> 32);
        size_t start = end;
        while (start > 0 && (uint32_t)(entries[start - 1].value >> 32) == hw)
            start--;
        ninner = 0;
        for (size_t i = start; i < end; i++)
            push_ival(&inner, &ninner, &capinner, (uint32_t)entries[i].value, entries[i].target);
        stk_bpf_label group = search(e, inner, 0, ninner, 0, UINT32_MAX, miss);
        if (group == e->last(e->g)) /* else the word decides nothing: no load */
            group = e->load(e->g, OFF_ARG_LO(key->arg), ml);
        struct ival x = {hw, hw, group};
        STK_PUSH(outer, nouter, capouter, x);
        end = start;
    }
    stk_bpf_label entry = outer[0].t;
    if (two_words) {
        for (size_t a = 0, b = nouter - 1; a < b; a++, b--) { /* ascending order */
            struct ival tmp = outer[a];
            outer[a] = outer[b];
            outer[b] = tmp;
        }
        entry = search(e, outer, 0, nouter, 0, UINT32_MAX, miss);
        if (entry == e->last(e->g))
            entry = e->load(e->g, OFF_ARG_HI(key->arg), mh);
    }
    free(outer);
    free(inner);
    return entry;
}
