/* diff_seccomp.c — exact comparison of two classic seccomp programs.
 *
 * 1. A forward pass over each program finds, for every conditional jump, which
 *    word of seccomp_data the accumulator holds and how it was transformed
 *    ((word & m) ^ s: the generator masks arguments and flips the sign bit of
 *    signed ones).  Every comparison contributes interval boundaries (JEQ,
 *    JGT, JGE on a whole word, also under a sign flip) or mask bits (JSET, any
 *    comparison of a masked word) to the word's partition into cells.  Within
 *    a cell every comparison of both programs has one outcome, so both
 *    programs decide the same for every value of the cell.
 * 2. Both programs are walked on partial inputs: when a program reads a word
 *    not fixed yet, the walk branches over the word's non-empty cells.  Words
 *    that neither program reads on a path stay free.  Each finished path is a
 *    box of cells; its decisions are taken with stk_bpf_run (the reference
 *    interpreter) on the box's representative and cross-checked.
 * 3. Boxes where the decisions differ are merged (two boxes with the same
 *    decisions that differ in one word become one) into regions.
 * A word whose masks together have more than MAX_MASK_BITS bits is split into
 * intervals times "which masked equality holds" (keys): cells may then hold
 * inputs decided differently, and the result is flagged approximate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_interp.h"
#include "diff.h"
#include "seccomp/bpf_gen.h"
#include "util.h"

#define MAX_MASK_BITS 10u
#define MAX_LEAVES (1u << 20)
#define MAX_CELLS (1u << 20)

struct astate {
    int8_t w; /* word index, -1: A holds no word (a constant) */
    uint32_t m, s;
};

struct pred {
    uint16_t op;
    uint32_t m, s, k;
};

struct word_preds {
    uint32_t *b; /* boundaries */
    size_t nb, capb;
    uint32_t mask;
    struct stk_diff_key *keys; /* masked equalities, for approximate cells */
    size_t nkeys, capkeys;
};

static void add_key(struct word_preds *wp, uint32_t m, uint32_t v)
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

static void add_bound(struct word_preds *wp, uint32_t v)
{
    STK_PUSH(wp->b, wp->nb, wp->capb, v);
}

static void add_pred(struct word_preds *wp, const struct pred *p)
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
static int scan(const struct sock_filter *p, size_t len, const int64_t *fixed, const uint32_t *val, int want,
                struct word_preds *wp, char *err, size_t errlen)
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

static uint32_t pext32(uint32_t v, uint32_t m)
{
    uint32_t r = 0, bit = 1;
    for (; m; m &= m - 1, bit <<= 1)
        if (v & m & -m)
            r |= bit;
    return r;
}

static uint32_t pdep32(uint32_t v, uint32_t m)
{
    uint32_t r = 0, bit = 1;
    for (; m; m &= m - 1, bit <<= 1)
        if (v & bit)
            r |= m & -m;
    return r;
}

uint32_t stk_diff_cell_of(const struct stk_diff_cells *c, uint32_t v)
{
    size_t lo = 0, hi = c->nstart; /* last start <= v */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (c->start[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    if (c->approx) {
        size_t k = 0;
        while (k < c->nkeys && (v & c->keys[k].m) != c->keys[k].v)
            k++;
        return (uint32_t)(lo * c->npat + k);
    }
    return (uint32_t)lo * c->npat + pext32(v, c->mask);
}

/* Smallest value in [lo, hi] whose mask bits are p; false if none. */
static bool cell_rep(uint32_t lo, uint32_t hi, uint32_t mask, uint32_t p, uint32_t *out)
{
    uint32_t fr = ~mask;
    uint64_t nfree = (uint64_t)1 << __builtin_popcount(fr);
    uint64_t a = 0, b = nfree; /* first t in [a, b) with p | pdep(t, fr) >= lo */
    while (a < b) {
        uint64_t mid = (a + b) / 2;
        if ((p | pdep32((uint32_t)mid, fr)) >= lo)
            b = mid;
        else
            a = mid + 1;
    }
    if (a == nfree)
        return false;
    uint32_t y = p | pdep32((uint32_t)a, fr);
    if (y > hi)
        return false;
    *out = y;
    return true;
}

static void build_cells(struct word_preds *wp, struct stk_diff_cells *c, bool *approx)
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

struct walk {
    const struct sock_filter *p[2];
    size_t len[2];
    struct stk_diff_seccomp *out;
    const struct stk_diff_cells *tab[STK_DIFF_WORDS];
    int64_t cell[STK_DIFF_WORDS]; /* -1: free */
    uint32_t val[STK_DIFF_WORDS];
    char *err;
    size_t errlen;
};

/* Run program k on the fixed words.  Returns 1 and *ret when it ends, 0 and
 * *need when it reads a free word. */
static int trace(const struct walk *w, int k, uint32_t *ret, int *need)
{
    const struct sock_filter *p = w->p[k];
    size_t len = w->len[k];
    if (len == 0) {
        *ret = SECCOMP_RET_ALLOW;
        return 1;
    }
    uint32_t a = 0;
    for (size_t pc = 0; pc < len;) {
        const struct sock_filter *f = &p[pc];
        if (BPF_CLASS(f->code) == BPF_RET) {
            *ret = f->k;
            return 1;
        }
        if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
            int wd = (int)(f->k / 4);
            if (w->cell[wd] < 0) {
                *need = wd;
                return 0;
            }
            a = w->val[wd];
        } else if (f->code == (BPF_ALU | BPF_AND | BPF_K)) {
            a &= f->k;
        } else if (f->code == (BPF_ALU | BPF_XOR | BPF_K)) {
            a ^= f->k;
        } else {
            bool t;
            switch (BPF_OP(f->code)) {
            case BPF_JA: pc += 1 + f->k; continue;
            case BPF_JEQ: t = a == f->k; break;
            case BPF_JGT: t = a > f->k; break;
            case BPF_JGE: t = a >= f->k; break;
            default: t = (a & f->k) != 0; break;
            }
            pc += 1 + (t ? f->jt : f->jf);
            continue;
        }
        pc++;
    }
    *ret = 0;
    return 1;
}

static void bit_set(uint8_t *s, uint32_t i) { s[i / 8] |= (uint8_t)(1u << (i % 8)); }
static bool bit_get(const uint8_t *s, uint32_t i) { return s[i / 8] >> (i % 8) & 1; }
static size_t set_bytes(const struct stk_diff_cells *c) { return (c->nstart * c->npat + 7) / 8; }

static bool cells_eq(const struct stk_diff_cells *a, const struct stk_diff_cells *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->nstart != b->nstart || a->mask != b->mask || a->nkeys != b->nkeys)
        return false;
    if (a->nkeys && memcmp(a->keys, b->keys, a->nkeys * sizeof *a->keys) != 0)
        return false;
    return memcmp(a->start, b->start, a->nstart * sizeof *a->start) == 0;
}

static int leaf(struct walk *w, uint32_t r0, uint32_t r1)
{
    struct seccomp_data d;
    memcpy(&d, w->val, sizeof d);
    uint32_t c0 = w->len[0] ? stk_bpf_run(w->p[0], w->len[0], &d, NULL) : SECCOMP_RET_ALLOW;
    uint32_t c1 = w->len[1] ? stk_bpf_run(w->p[1], w->len[1], &d, NULL) : SECCOMP_RET_ALLOW;
    if (++w->out->cells_run > MAX_LEAVES) {
        snprintf(w->err, w->errlen, "the programs split their inputs into more than %u cells: too many to compare",
                 MAX_LEAVES);
        return -1;
    }
    if (c0 != r0 || c1 != r1) {
        snprintf(w->err, w->errlen, "internal error: the walk and the interpreter disagree");
        return -1;
    }
    if (r0 == r1)
        return 0;
    struct stk_diff_region rg = {.old_ret = r0, .new_ret = r1};
    for (int i = 0; i < STK_DIFF_WORDS; i++) {
        if (w->cell[i] < 0)
            continue;
        rg.cells[i] = w->tab[i];
        rg.set[i] = stk_xcalloc(1, set_bytes(w->tab[i]));
        bit_set(rg.set[i], (uint32_t)w->cell[i]);
    }
    STK_PUSH(w->out->reg, w->out->nreg, w->out->capreg, rg);
    return 0;
}

/* A value of interval [lo, hi] in approximate class k (see stk_diff_cell_of). */
static bool approx_rep(const struct stk_diff_cells *c, uint32_t lo, uint32_t hi, uint32_t k, uint32_t *out)
{
    uint32_t base = (uint32_t)(stk_diff_cell_of(c, lo) / c->npat) * c->npat;
    uint32_t cand[4] = {lo, hi, lo + 1, hi - 1};
    if (k < c->nkeys && !cell_rep(lo, hi, c->keys[k].m, c->keys[k].v, &cand[0]))
        return false;
    for (int i = 0; i < 4; i++)
        if (cand[i] >= lo && cand[i] <= hi && stk_diff_cell_of(c, cand[i]) == base + k) {
            *out = cand[i];
            return true;
        }
    return false;
}

/* The partition of word `need` given the words fixed so far. */
static int make_cells(struct walk *w, int need, struct stk_diff_cells **out)
{
    struct word_preds wp = {0};
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++)
        rc = scan(w->p[k], w->len[k], w->cell, w->val, need, &wp, w->err, w->errlen);
    struct stk_diff_cells *c = stk_xcalloc(1, sizeof *c);
    build_cells(&wp, c, &w->out->approximate);
    free(wp.b);
    free(wp.keys);
    STK_PUSH(w->out->tabs, w->out->ntabs, w->out->captabs, c);
    *out = c;
    return rc;
}

static int explore(struct walk *w)
{
    uint32_t r[2];
    int need = -1;
    for (int k = 0; k < 2; k++)
        if (!trace(w, k, &r[k], &need))
            break;
    if (need < 0)
        return leaf(w, r[0], r[1]);
    struct stk_diff_cells *c = NULL;
    if (make_cells(w, need, &c) < 0)
        return -1;
    w->tab[need] = c;
    for (size_t iv = 0; iv < c->nstart; iv++) {
        uint32_t lo = c->start[iv], hi = iv + 1 < c->nstart ? c->start[iv + 1] - 1 : 0xffffffffu;
        for (uint32_t pi = 0; pi < c->npat; pi++) {
            uint32_t v;
            if (!(c->approx ? approx_rep(c, lo, hi, pi, &v) : cell_rep(lo, hi, c->mask, pdep32(pi, c->mask), &v)))
                continue;
            w->cell[need] = (int64_t)iv * c->npat + pi;
            w->val[need] = v;
            int rc = explore(w);
            if (rc)
                return rc;
        }
    }
    w->cell[need] = -1;
    w->val[need] = 0;
    w->tab[need] = NULL;
    return 0;
}

static bool set_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    if (!a || !b)
        return a == b;
    return memcmp(a, b, n) == 0;
}

/* Merge regions with the same decisions that differ in exactly one word. */
static void merge(struct stk_diff_seccomp *s)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < s->nreg; i++) {
            for (size_t j = i + 1; j < s->nreg; j++) {
                struct stk_diff_region *a = &s->reg[i], *b = &s->reg[j];
                if (a->old_ret != b->old_ret || a->new_ret != b->new_ret)
                    continue;
                int diff = -1, ndiff = 0;
                bool ok = true;
                for (int k = 0; k < STK_DIFF_WORDS && ok && ndiff < 2; k++) {
                    if (!cells_eq(a->cells[k], b->cells[k]))
                        ok = !a->set[k] || !b->set[k] ? (ndiff++, diff = k, true) : false;
                    else if (!set_eq(a->set[k], b->set[k], a->set[k] ? set_bytes(a->cells[k]) : 0)) {
                        diff = k;
                        ndiff++;
                    }
                }
                if (!ok || ndiff != 1)
                    continue;
                if (!a->set[diff] || !b->set[diff]) {
                    free(a->set[diff]);
                    a->set[diff] = NULL;
                    a->cells[diff] = NULL;
                } else {
                    for (size_t x = 0; x < set_bytes(a->cells[diff]); x++)
                        a->set[diff][x] |= b->set[diff][x];
                }
                for (int k = 0; k < STK_DIFF_WORDS; k++)
                    free(b->set[k]);
                s->reg[j] = s->reg[--s->nreg];
                j--;
                changed = true;
            }
        }
    }
}

int stk_diff_seccomp_run(const struct sock_filter *a0, size_t alen, const struct sock_filter *b0, size_t blen,
                         struct stk_diff_seccomp *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    /* the exec hand-over's secret blocks never match for the command (their
     * words are drawn at run time): jumped over, both programs alike */
    struct sock_filter *a = stk_bpf_secret_skipped(a0, alen), *b = stk_bpf_secret_skipped(b0, blen);
    struct walk w = {{a, b}, {alen, blen}, out, {NULL}, {0}, {0}, err, errlen};
    for (int i = 0; i < STK_DIFF_WORDS; i++)
        w.cell[i] = -1;
    /* refuse what the walk cannot follow before walking: a program may end
     * without ever reading a word (and so without a scan on the way) */
    struct word_preds none = {0};
    int rc = scan(a, alen, w.cell, w.val, -1, &none, err, errlen);
    if (rc == 0)
        rc = scan(b, blen, w.cell, w.val, -1, &none, err, errlen);
    free(none.b);
    free(none.keys);
    if (rc == 0)
        rc = explore(&w);
    if (rc == 0)
        merge(out);
    free(a);
    free(b);
    return rc;
}

bool stk_diff_region_contains(const struct stk_diff_region *r, const struct seccomp_data *d)
{
    uint32_t v[STK_DIFF_WORDS];
    memcpy(v, d, sizeof v);
    for (int i = 0; i < STK_DIFF_WORDS; i++)
        if (r->set[i] && !bit_get(r->set[i], stk_diff_cell_of(r->cells[i], v[i])))
            return false;
    return true;
}

void stk_diff_seccomp_free(struct stk_diff_seccomp *s)
{
    for (size_t i = 0; i < s->nreg; i++)
        for (int k = 0; k < STK_DIFF_WORDS; k++)
            free(s->reg[i].set[k]);
    free(s->reg);
    for (size_t i = 0; i < s->ntabs; i++) {
        free(s->tabs[i]->start);
        free(s->tabs[i]->keys);
        free(s->tabs[i]);
    }
    free(s->tabs);
    memset(s, 0, sizeof *s);
}
