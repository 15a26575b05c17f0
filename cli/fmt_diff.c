/* fmt_diff.c — a unified diff of two texts, line by line, for
 * `stockade fmt --check`.  A longest-common-subsequence table over the lines
 * (policy files are small); beyond STK_DIFF_MAX_CELLS cells the whole file
 * is shown as one replaced hunk. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_diff.h"
#include "util.h"

#define STK_DIFF_MAX_CELLS (16u << 20)
#define CONTEXT 3

struct lines {
    const char **p;
    size_t *len;
    size_t n, capp, capl;
};

static void split(const char *t, size_t len, struct lines *l)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(t + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - t) + 1 : len;
        STK_PUSH(l->p, l->n, l->capp, t + i);
        l->n--;
        STK_PUSH(l->len, l->n, l->capl, e - i);
        i = e;
    }
}

static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

/* ops: 0 keep, 1 delete (from a), 2 insert (from b) */
static size_t script(const struct lines *a, const struct lines *b, unsigned char **ops)
{
    size_t n = a->n, m = b->n, nops = 0;
    *ops = stk_xmalloc(n + m + 1);
    if ((n + 1) * (m + 1) > STK_DIFF_MAX_CELLS) {
        for (size_t i = 0; i < n; i++)
            (*ops)[nops++] = 1;
        for (size_t j = 0; j < m; j++)
            (*ops)[nops++] = 2;
        return nops;
    }
    uint32_t *L = stk_xcalloc((n + 1) * (m + 1), sizeof *L); /* L[i][j]: LCS of a[i..], b[j..] */
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            L[i * (m + 1) + j] = same(a, i, b, j) ? L[(i + 1) * (m + 1) + j + 1] + 1
                                 : L[(i + 1) * (m + 1) + j] >= L[i * (m + 1) + j + 1] ? L[(i + 1) * (m + 1) + j]
                                                                                       : L[i * (m + 1) + j + 1];
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && same(a, i, b, j)) {
            (*ops)[nops++] = 0;
            i++, j++;
        } else if (j < m && (i == n || L[i * (m + 1) + j + 1] >= L[(i + 1) * (m + 1) + j])) {
            (*ops)[nops++] = 2;
            j++;
        } else {
            (*ops)[nops++] = 1;
            i++;
        }
    }
    free(L);
    return nops;
}

static void line(FILE *out, char mark, const struct lines *l, size_t i)
{
    fputc(mark, out);
    fwrite(l->p[i], 1, l->len[i], out);
    if (l->len[i] == 0 || l->p[i][l->len[i] - 1] != '\n')
        fputs("\n\\ No newline at end of file\n", out);
}

bool stk_fmt_diff(FILE *out, const char *name, const char *a, size_t alen, const char *b, size_t blen)
{
    struct lines la = {0}, lb = {0};
    split(a, alen, &la);
    split(b, blen, &lb);
    unsigned char *ops;
    size_t nops = script(&la, &lb, &ops);
    bool differ = false;
    for (size_t k = 0; k < nops; k++)
        differ |= ops[k] != 0;
    if (differ)
        fprintf(out, "--- %s\n+++ %s (formatted)\n", name, name);
    size_t k = 0, ai = 0, bi = 0;
    while (differ && k < nops) {
        if (ops[k] == 0) {
            k++, ai++, bi++;
            continue;
        }
        /* a hunk: from CONTEXT lines before this change to CONTEXT after the last change within 2*CONTEXT */
        size_t back = 0;
        while (back < CONTEXT && back < k && ops[k - back - 1] == 0)
            back++;
        size_t start = k - back, end = k;
        size_t keep = 0;
        for (size_t e = k; e < nops; e++) {
            if (ops[e] == 0) {
                if (++keep > 2 * CONTEXT)
                    break;
            } else {
                keep = 0;
                end = e + 1;
            }
        }
        size_t after = 0;
        while (after < CONTEXT && end + after < nops && ops[end + after] == 0)
            after++;
        end += after;
        size_t a0 = ai - back, b0 = bi - back, na = 0, nb = 0;
        for (size_t e = start; e < end; e++) {
            na += ops[e] != 2;
            nb += ops[e] != 1;
        }
        fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", na ? a0 + 1 : a0, na, nb ? b0 + 1 : b0, nb);
        size_t x = a0, y = b0;
        for (size_t e = start; e < end; e++) {
            if (ops[e] == 0) {
                line(out, ' ', &la, x++);
                y++;
            } else if (ops[e] == 1) {
                line(out, '-', &la, x++);
            } else {
                line(out, '+', &lb, y++);
            }
        }
        ai = x, bi = y, k = end;
    }
    free(ops);
    free(la.p);
    free(la.len);
    free(lb.p);
    free(lb.len);
    return differ;
}
