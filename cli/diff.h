/* diff.h — `stockade diff`: what changed between two compiled policies.
 *
 * diff_seccomp.c  exact symbolic comparison of two stacks of seccomp
 *                 programs (a policy split into stacked filters has several):
 *                 the 32-bit words of seccomp_data are split into cells at
 *                 every constant the programs compare them with (bit patterns
 *                 for masked words), both stacks run on one representative of
 *                 each reachable cell (combined as the kernel combines stacked
 *                 filters, bpf_stack.h), and cells where the decisions differ
 *                 are merged into regions.
 * diff_scan.c     its forward pass: the cells of the word read next.
 * diff_regions.c  regions -> readable items (ABI, syscall, argument names).
 * diff_bundle.c   the rest of the bundle: identity, capabilities, ...
 * diff_sarif.c    the changes as a SARIF log (--format=sarif).
 * cmd_diff.c      the command: inputs, --format, --fail-on. */
#ifndef STK_DIFF_H
#define STK_DIFF_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf_stack.h"

/* Direction of a change, ordered: "loosened" is what --fail-on gates. */
enum stk_diff_dir { STK_DIFF_TIGHTENED, STK_DIFF_CHANGED, STK_DIFF_LOOSENED };
const char *stk_diff_dir_name(enum stk_diff_dir d);

struct stk_diff_item {
    enum stk_diff_dir dir;
    char *section; /* "seccomp", "capabilities", "landlock", ... */
    char *what;    /* "x86_64 socket(domain=AF_NETLINK)", "capability net_admin" */
    char *before, *after;
};

struct stk_diff {
    struct stk_diff_item *v;
    size_t n, cap;
    bool approximate; /* some masked word had too many bits: regions sampled */
};
void stk_diff_add(struct stk_diff *d, enum stk_diff_dir dir, const char *section, const char *what,
                  const char *before, const char *after);
void stk_diff_free(struct stk_diff *d);

/* ---- seccomp ---------------------------------------------------------------
 * Words of seccomp_data by offset / 4: 0 nr, 1 arch, 2-3 instruction_pointer,
 * 4 + 2*i and 5 + 2*i argument i (low and high word on little-endian). */
#define STK_DIFF_WORDS 16

/* One word's partition into cells: intervals [start[i], start[i+1]) times the
 * values of the bits in mask (cell = interval * npat + pext(value, mask)). */
struct stk_diff_cells {
    uint32_t *start; /* sorted, start[0] == 0 */
    size_t nstart;
    uint32_t mask;
    uint32_t npat;
    /* Approximate partition (the masks have too many bits together): a cell
     * is an interval times the first key with (value & m) == v that matches
     * (or none: class nkeys); npat == nkeys + 1, mask == 0. */
    bool approx;
    struct stk_diff_key {
        uint32_t m, v;
    } *keys;
    size_t nkeys;
};

/* A region: the inputs whose every word lies in a cell of set[w] (NULL: any
 * value), on which the old program returns old_ret and the new one new_ret.
 * Cells are cut per path (the comparisons reachable once the words read
 * before are fixed): cells[w] is the partition set[w] refers to. */
struct stk_diff_region {
    uint32_t old_ret, new_ret;
    const struct stk_diff_cells *cells[STK_DIFF_WORDS];
    uint8_t *set[STK_DIFF_WORDS]; /* bitsets over the word's cells */
};

/* The forward pass (diff_scan.c): boundaries, mask bits and masked
 * equalities that the comparisons of a program make on one word. */
struct stk_diff_preds {
    uint32_t *b; /* boundaries */
    size_t nb, capb;
    uint32_t mask;
    struct stk_diff_key *keys; /* masked equalities, for approximate cells */
    size_t nkeys, capkeys;
};
/* Add to wp what program p compares word want with (-1: none), following
 * only the branches taken where the word of a jump is fixed (fixed[w] >= 0:
 * its value is val[w]).  Returns 0, or -1 with err set for an instruction the
 * comparison cannot follow (see stk_diff_seccomp_run). */
int stk_diff_scan(const struct sock_filter *p, size_t len, const int64_t *fixed, const uint32_t *val, int want,
                  struct stk_diff_preds *wp, char *err, size_t errlen);
/* The partition wp makes (takes wp's boundaries, or its keys when it must be
 * approximate: then *approx is set). */
void stk_diff_scan_cells(struct stk_diff_preds *wp, struct stk_diff_cells *c, bool *approx);
void stk_diff_scan_free(struct stk_diff_preds *wp);

struct stk_diff_seccomp {
    struct stk_diff_cells **tabs; /* every partition made, owned here */
    size_t ntabs, captabs;
    struct stk_diff_region *reg;
    size_t nreg, capreg;
    size_t cells_run; /* leaves evaluated (both programs) */
    bool approximate;
};

/* Compare two stacks of filters, a[0..na) and b[0..nb) each installed in
 * that order (na or nb 0: no filter, allow everything): the regions where
 * the combined decisions (stk_bpf_stack_run) differ.  Returns 0, or -1 with
 * err set: an instruction outside what the analysis supports (only loads of
 * seccomp_data words, AND/XOR with constants, jumps with constants and
 * constant returns; the filter is named when a stack has several), or more
 * than 2^20 boxes to evaluate (too big to compare). */
int stk_diff_seccomp_run_stacks(const struct stk_bpf_filter *a, size_t na, const struct stk_bpf_filter *b,
                                size_t nb, struct stk_diff_seccomp *out, char *err, size_t errlen);
/* The same for one program per side (either may be empty: no filter). */
int stk_diff_seccomp_run(const struct sock_filter *a, size_t alen, const struct sock_filter *b, size_t blen,
                         struct stk_diff_seccomp *out, char *err, size_t errlen);
void stk_diff_seccomp_free(struct stk_diff_seccomp *s);
uint32_t stk_diff_cell_of(const struct stk_diff_cells *c, uint32_t v);
bool stk_diff_region_contains(const struct stk_diff_region *r, const struct seccomp_data *d);
/* Readable items from the regions (diff_regions.c). */
void stk_diff_seccomp_items(const struct stk_diff_seccomp *s, struct stk_diff *out);
/* The order used for loosened/tightened: kill-process < kill-thread < trap <
 * errno < user-notif < trace < log < allow. */
int stk_diff_action_rank(uint32_t ret);

/* ---- the rest of the bundle (diff_bundle.c) ---- */
struct stk_bundle;
void stk_diff_bundles(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *out);
/* Everything (seccomp included) that differs from a to b (cmd_diff.c).
 * Returns 0, or -1 with err set. */
int stk_diff_compare(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *d, char *err,
                     size_t errlen);

/* ---- --format=sarif (diff_sarif.c) ----
 * One SARIF run with a result per change: diff-loosened (warning),
 * diff-tightened and diff-changed (notes), located in the NEW input: src and
 * ir are its pipeline's diagnostics sink (for the sources) and IR, or both
 * NULL for a bundle.  Returns 0, or -1 when the SARIF root cannot be resolved. */
struct stk_diags;
struct stk_policy_ir;
struct stk_sarif_opts;
int stk_diff_print_sarif(const struct stk_diff *d, const struct stk_diags *src, const struct stk_policy_ir *ir,
                         const char *new_path, const char *old_path, FILE *out, const struct stk_sarif_opts *o);

#endif
