/* diff_scan.c — the forward pass of the seccomp comparison (diff.h): which
 * word of seccomp_data each conditional jump of a program compares, and how
 * it was transformed ((word & m) ^ s: the generator masks arguments and flips
 * the sign bit of signed ones).  Every comparison contributes interval
 * boundaries (JEQ, JGT, JGE on a whole word, also under a sign flip) or mask
 * bits (JSET, any comparison of a masked word) to the word's partition into
 * cells; words fixed on the current path prune the branches not taken.
 * A word whose masks together have more than MAX_MASK_BITS bits is split into
 * intervals times "which masked equality holds" (keys): cells may then hold
 * inputs decided differently, and the result is flagged approximate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "util.h"

#define MAX_MASK_BITS 10u
#define MAX_CELLS (1u << 20)

struct astate {
    int8_t w; /* word index, -1: A holds no word (a constant) */
    uint32_t m, s;
};

struct pred {
    uint16_t op;
    uint32_t m, s, k;
};

static void add_key(struct stk_diff_preds *wp, uint32_t m, uint32_t v)
{
    for (size_t i = 0; i < wp->nkeys; i++)
        if (wp->keys[i].m == m && wp->keys[i].v == v)
            return;
    struct stk_diff_key k = {m, v & m};
    STK_PUSH(wp->keys, wp->nkeys, wp->capkeys, k);
}

static int unsupported(char *err, size_t errlen, size_t i, const char *why)
{
    snprintf(err, errlen, "instruction %zu: %s (only programs made of word loads, AND/XOR with constants, "
                          "jumps with constants and constant returns can be compared)",
             i, why);
    return -1;
}

static void add_bound(struct stk_diff_preds *wp, uint32_t v)
{
    STK_PUSH(wp->b, wp->nb, wp->capb, v);
}

static void add_pred(struct stk_diff_preds *wp, const struct pred *p)
{
    uint16_t op = p->op;
    if (op == BPF_JA)
        return;
    if (op == BPF_JSET) {
        wp->mask |= p->m & p->k;
        add_key(wp, p->m & p->k, p->s & p->k);
        return;
    }
    if (p->m != 0xffffffffu) {
        wp->mask |= p->m;
        if (op == BPF_JEQ)
            add_key(wp, p->m, p->k ^ p->s);
        return;
    }
    uint32_t b[2];
    size_t nb = 0;
    if (op == BPF_JEQ) {
        b[nb++] = p->k;
        if (p->k != 0xffffffffu)
            b[nb++] = p->k + 1;
    } else if (op == BPF_JGT) {
        if (p->k != 0xffffffffu)
            b[nb++] = p->k + 1;
    } else {
        b[nb++] = p->k;
    }
    if (p->s == 0) {
        for (size_t i = 0; i < nb; i++)
            add_bound(wp, b[i]);
    } else if (p->s == 0x80000000u) {
        for (size_t i = 0; i < nb; i++)
            add_bound(wp, b[i] ^ p->s);
        add_bound(wp, 0x80000000u);
    } else {
        wp->mask = 0xffffffffu; /* any other flip: bit level */
    }
}

static bool state_has(const struct astate *v, size_t n, struct astate s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].w == s.w && v[i].m == s.m && v[i].s == s.s)
            return true;
    return false;
}

/* Forward pass: the states A may be in at each instruction. */
int stk_diff_scan(const struct sock_filter *p, size_t len, const int64_t *fixed, const uint32_t *val, int want,
                struct stk_diff_preds *wp, char *err, size_t errlen)
{
    struct astate **st = stk_xcalloc(len ? len : 1, sizeof *st);
    size_t *nst = stk_xcalloc(len ? len : 1, sizeof *nst), *cst = stk_xcalloc(len ? len : 1, sizeof *cst);
    int rc = 0;
    if (len) {
        struct astate z = {-1, 0, 0};
        STK_PUSH(st[0], nst[0], cst[0], z);
    }
    for (size_t i = 0; i < len && rc == 0; i++) {
        const struct sock_filter *f = &p[i];
        uint16_t cls = BPF_CLASS(f->code);
        for (size_t j = 0; j < nst[i] && rc == 0; j++) {
            struct astate a = st[i][j];
            size_t nexts[2] = {i + 1, i + 1};
            size_t nn = 1;
            if (cls == BPF_RET) {
                if (BPF_RVAL(f->code) != BPF_K)
                    rc = unsupported(err, errlen, i, "return of A");
                nn = 0;
            } else if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
                if (f->k % 4 || f->k >= 4 * STK_DIFF_WORDS)
                    rc = unsupported(err, errlen, i, "unaligned load");
                a = (struct astate){(int8_t)(f->k / 4), 0xffffffffu, 0};
            } else if (f->code == (BPF_ALU | BPF_AND | BPF_K)) {
                a.m &= f->k;
                a.s &= f->k;
            } else if (f->code == (BPF_ALU | BPF_XOR | BPF_K)) {
                a.s ^= f->k;
            } else if (cls == BPF_JMP && BPF_SRC(f->code) == BPF_K) {
                uint16_t op = BPF_OP(f->code);
                if (op == BPF_JA) {
                    nexts[0] = i + 1 + f->k;
                } else {
                    if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET) {
                        rc = unsupported(err, errlen, i, "jump opcode");
                        break;
                    }
                    nexts[0] = i + 1 + f->jt;
                    nexts[1] = i + 1 + f->jf;
                    nn = 2;
                    if (a.w >= 0 && fixed[a.w] >= 0) {
                        /* a word fixed on this path: only the branch taken */
                        uint32_t x = (val[a.w] & a.m) ^ a.s;
                        bool t = op == BPF_JEQ ? x == f->k : op == BPF_JGT ? x > f->k
                                 : op == BPF_JGE ? x >= f->k : (x & f->k) != 0;
                        nexts[0] = t ? nexts[0] : nexts[1];
                        nn = 1;
                    } else if (a.w == want) {
                        struct pred pr = {op, a.m, a.s, f->k};
                        add_pred(wp, &pr);
                    }
                }
            } else {
                rc = unsupported(err, errlen, i, "opcode");
                break;
            }
            for (size_t t = 0; t < nn && rc == 0; t++) {
                size_t n = nexts[t];
                if (n >= len) {
                    rc = unsupported(err, errlen, i, "jump out of the program");
                } else if (!state_has(st[n], nst[n], a)) {
                    STK_PUSH(st[n], nst[n], cst[n], a);
                }
            }
        }
    }
    for (size_t i = 0; i < len; i++)
        free(st[i]);
    free(st);
    free(nst);
    free(cst);
    return rc;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

void stk_diff_scan_cells(struct stk_diff_preds *wp, struct stk_diff_cells *c, bool *approx)
{
    add_bound(wp, 0);
    qsort(wp->b, wp->nb, sizeof *wp->b, cmp_u32);
    size_t n = 0;
    for (size_t i = 0; i < wp->nb; i++)
        if (n == 0 || wp->b[i] != wp->b[n - 1])
            wp->b[n++] = wp->b[i];
    c->start = wp->b;
    c->nstart = n;
    wp->b = NULL;
    c->mask = wp->mask;
    if ((unsigned)__builtin_popcount(c->mask) > MAX_MASK_BITS ||
        ((uint64_t)n << __builtin_popcount(c->mask)) > MAX_CELLS) {
        c->mask = 0;
        *approx = true;
        c->approx = true;
        c->keys = wp->keys;
        c->nkeys = wp->nkeys;
        wp->keys = NULL;
        c->npat = (uint32_t)c->nkeys + 1;
        return;
    }
    c->npat = 1u << __builtin_popcount(c->mask);
}

void stk_diff_scan_free(struct stk_diff_preds *wp)
{
    free(wp->b);
    free(wp->keys);
    memset(wp, 0, sizeof *wp);
}
