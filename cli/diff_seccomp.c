/* diff_seccomp.c — exact comparison of two stacks of classic seccomp
 * programs (one program each for a policy that fits one filter, several for
 * a split one; none: allow everything).  What is compared is each stack's
 * combined decision, the kernel's rule of common/bpf_stack.c.
 *
 * 1. A forward pass over every program of both stacks (diff_scan.c) cuts the
 *    word a program reads next into cells: within a cell every comparison of
 *    every program has one outcome, so every program decides the same for
 *    every value of the cell.
 * 2. The stacks are walked on partial inputs: when any program of either
 *    stack reads a word not fixed yet, the walk branches over the word's
 *    non-empty cells.  Words that no program reads on a path stay free.  Each
 *    finished path is a box of cells; its decisions are taken with
 *    stk_bpf_stack_run (the reference interpreter and the kernel's
 *    combination rule) on the box's representative, and each program's
 *    return is cross-checked against the walk's.
 * 3. Boxes where the decisions differ are merged (two boxes with the same
 *    decisions that differ in one word become one) into regions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_interp.h"
#include "diff.h"
#include "util.h"

#define MAX_LEAVES (1u << 20)

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

struct walk {
    const struct stk_bpf_filter *f[2];
    size_t n[2];
    uint32_t *ret[2]; /* each program's return on the current box */
    struct stk_diff_seccomp *out;
    const struct stk_diff_cells *tab[STK_DIFF_WORDS];
    int64_t cell[STK_DIFF_WORDS]; /* -1: free */
    uint32_t val[STK_DIFF_WORDS];
    char *err;
    size_t errlen;
};

/* Run program p on the fixed words.  Returns 1 and *ret when it ends, 0 and
 * *need when it reads a free word. */
static int trace(const struct walk *w, const struct stk_bpf_filter *p, uint32_t *ret, int *need)
{
    uint32_t a = 0;
    for (size_t pc = 0; pc < p->len;) {
        const struct sock_filter *f = &p->insns[pc];
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

static const char *const side_name[2] = {"old", "new"};

static int too_many(struct walk *w)
{
    if (w->n[0] > 1 || w->n[1] > 1)
        snprintf(w->err, w->errlen,
                 "the stacked seccomp filters (%zu old, %zu new) split their inputs into more than %u cells: too "
                 "many to compare",
                 w->n[0], w->n[1], MAX_LEAVES);
    else
        snprintf(w->err, w->errlen, "the programs split their inputs into more than %u cells: too many to compare",
                 MAX_LEAVES);
    return -1;
}

/* A finished box: every program of both stacks returned (w->ret). */
static int leaf(struct walk *w)
{
    struct seccomp_data d;
    memcpy(&d, w->val, sizeof d);
    if (++w->out->cells_run > MAX_LEAVES)
        return too_many(w);
    uint32_t r[2];
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < w->n[k]; i++)
            if (stk_bpf_run(w->f[k][i].insns, w->f[k][i].len, &d, NULL) != w->ret[k][i]) {
                snprintf(w->err, w->errlen,
                         "internal error: the walk and the interpreter disagree (%s filter %zu of %zu)",
                         side_name[k], i + 1, w->n[k]);
                return -1;
            }
        r[k] = stk_bpf_stack_run(w->f[k], w->n[k], &d, NULL);
    }
    if (r[0] == r[1])
        return 0;
    struct stk_diff_region rg = {.old_ret = r[0], .new_ret = r[1]};
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

/* Scan every program of both stacks for word want (-1: only refuse what the
 * walk cannot follow).  A failure names the filter when a stack has several. */
static int scan_all(struct walk *w, int want, struct stk_diff_preds *wp)
{
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < w->n[k]; i++) {
            if (stk_diff_scan(w->f[k][i].insns, w->f[k][i].len, w->cell, w->val, want, wp, w->err, w->errlen) == 0)
                continue;
            if (w->n[k] > 1) {
                char why[256];
                snprintf(why, sizeof why, "%s", w->err);
                snprintf(w->err, w->errlen, "%s policy, stacked filter %zu of %zu: %s", side_name[k], i + 1,
                         w->n[k], why);
            }
            return -1;
        }
    return 0;
}

/* The partition of word `need` given the words fixed so far. */
static int make_cells(struct walk *w, int need, struct stk_diff_cells **out)
{
    struct stk_diff_preds wp = {0};
    int rc = scan_all(w, need, &wp);
    struct stk_diff_cells *c = stk_xcalloc(1, sizeof *c);
    stk_diff_scan_cells(&wp, c, &w->out->approximate);
    stk_diff_scan_free(&wp);
    STK_PUSH(w->out->tabs, w->out->ntabs, w->out->captabs, c);
    *out = c;
    return rc;
}

static int explore(struct walk *w)
{
    int need = -1;
    for (int k = 0; k < 2 && need < 0; k++)
        for (size_t i = 0; i < w->n[k] && need < 0; i++)
            if (!trace(w, &w->f[k][i], &w->ret[k][i], &need))
                break;
    if (need < 0)
        return leaf(w);
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

int stk_diff_seccomp_run_stacks(const struct stk_bpf_filter *a, size_t na, const struct stk_bpf_filter *b,
                                size_t nb, struct stk_diff_seccomp *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct walk w = {.f = {a, b}, .n = {na, nb}, .out = out, .err = err, .errlen = errlen};
    for (int i = 0; i < STK_DIFF_WORDS; i++)
        w.cell[i] = -1;
    for (int k = 0; k < 2; k++)
        w.ret[k] = stk_xcalloc(w.n[k] ? w.n[k] : 1, sizeof *w.ret[k]);
    /* refuse what the walk cannot follow before walking: a program may end
     * without ever reading a word (and so without a scan on the way) */
    struct stk_diff_preds none = {0};
    int rc = scan_all(&w, -1, &none);
    stk_diff_scan_free(&none);
    if (rc == 0)
        rc = explore(&w);
    if (rc == 0)
        merge(out);
    free(w.ret[0]);
    free(w.ret[1]);
    return rc;
}

int stk_diff_seccomp_run(const struct sock_filter *a, size_t alen, const struct sock_filter *b, size_t blen,
                         struct stk_diff_seccomp *out, char *err, size_t errlen)
{
    /* an empty program is no filter: a stack of none */
    struct stk_bpf_filter fa = {.insns = (struct sock_filter *)a, .len = alen};
    struct stk_bpf_filter fb = {.insns = (struct sock_filter *)b, .len = blen};
    return stk_diff_seccomp_run_stacks(&fa, alen > 0, &fb, blen > 0, out, err, errlen);
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
