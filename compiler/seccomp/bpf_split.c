/* bpf_split.c — stacked filters for policies past 4096 instructions (bpf_split.h). */
#include "seccomp/bpf_split.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/bpf_layout.h"
#include "util.h"

/* Cap on the number of filters (the kernel's path limit allows more, but a
 * policy that needs this many is a mistake). */
#define MAX_BINS 64

struct unit {
    size_t id;   /* abi * stk_syscall_count + syscall */
    size_t cost; /* instructions it adds to a filter, estimated */
    size_t bin;
};

static size_t nids(void)
{
    return (size_t)STK_ABI_COUNT * stk_syscall_count;
}

static size_t gen_len(const struct stk_policy_ir *ir, const uint8_t *own)
{
    struct stk_bpf_filter f;
    stk_bpf_gen_filter(ir, own, &f);
    size_t n = f.len;
    stk_bpf_filter_free(&f);
    return n;
}

/* The conditional (abi, syscall) pairs of the whole layout, each once. */
static struct unit *cond_units(const struct stk_policy_ir *ir, size_t *n)
{
    struct stk_layout lay;
    stk_layout_build(ir, &lay);
    uint8_t *seen = stk_xcalloc(nids(), 1);
    struct unit *u = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t a = 0; a < lay.narch; a++)
        for (size_t i = 0; i < lay.arch[a].segs.n; i++) {
            const struct stk_leaf *l = &lay.arch[a].segs.v[i].leaf;
            if (l->kind != STK_LEAF_COND)
                continue;
            size_t id = (size_t)l->abi * stk_syscall_count + (size_t)l->syscall;
            if (seen[id]++)
                continue;
            struct unit x = {id, 0, 0};
            STK_PUSH(u, *n, cap, x);
        }
    free(seen);
    stk_layout_free(&lay);
    return u;
}

static bool pinned(size_t id)
{
    const char *name = stk_syscall_table[id % stk_syscall_count].name;
    return strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0 || strcmp(name, "seccomp") == 0;
}

static int cmp_cost(const void *a, const void *b)
{
    const struct unit *x = a, *y = b;
    return x->cost < y->cost ? 1 : x->cost > y->cost ? -1 : (x->id > y->id) - (x->id < y->id);
}

/* The ownership map of bin k. */
static void bin_own(const struct unit *u, size_t nu, size_t k, uint8_t *own)
{
    memset(own, k == 0, nids()); /* bin 0: every syscall without conditions */
    for (size_t i = 0; i < nu; i++)
        own[u[i].id] = u[i].bin == k;
}

/* Room the last filter keeps free for --report (enforcer/supervise): the
 * listener guard (at most 16 instructions) and the prefix that notifies the
 * syscalls the earlier filters own (per ABI 4, per syscall at most 3 — an
 * upper bound with every conditional unit counted).  Without it the packing
 * fills the last filter to within a few instructions of 4096 and --report
 * refuses the policy.  Only kept when it fits: a last filter that needs the
 * room for its own rules gets the whole 4096 (and --report says why it
 * cannot notify). */
static size_t report_reserve(const struct stk_policy_ir *ir, size_t nu)
{
    size_t nabi = 0;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        nabi += ir->seccomp.abis[a];
    return 16 + 2 + 4 * nabi + 3 * nu;
}

static int too_large(const struct stk_bpf_prog *out, char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen,
             "seccomp program too large: %zu instructions, the kernel's limit is %d per filter and %u for all the "
             "filters of a process; %s: use groups of unconditional rules or fewer argument conditions",
             out->len, STK_BPF_MAX_INSNS, STK_BPF_MAX_PATH_INSNS, why);
    return -1;
}

int stk_bpf_split(const struct stk_policy_ir *ir, struct stk_bpf_prog *out, char *err, size_t errlen)
{
    size_t nu;
    struct unit *u = cond_units(ir, &nu);
    uint8_t *own = stk_xcalloc(nids(), 1);
    size_t empty = gen_len(ir, own); /* a filter owning nothing: arch check, gaps, allows */
    char why[200];
    int rc = -1;
    /* each unit's cost: a filter owning it alone, less the empty one */
    for (size_t i = 0; i < nu; i++) {
        memset(own, 0, nids());
        own[u[i].id] = 1;
        size_t len = gen_len(ir, own);
        u[i].cost = len > empty ? len - empty : 1;
        if (len > STK_BPF_MAX_INSNS) {
            size_t sc = u[i].id % stk_syscall_count, abi = u[i].id / stk_syscall_count;
            snprintf(why, sizeof why, "the argument conditions of %s (%s) alone need %zu",
                     stk_syscall_table[sc].name, stk_abis[abi].name, len);
            too_large(out, err, errlen, why);
            goto done;
        }
    }
    qsort(u, nu, sizeof *u, cmp_cost);
    /* first fit, largest first; bin 0 holds the unconditional syscalls and the pinned units */
    size_t load[MAX_BINS] = {0}, nbins = 1, limit[MAX_BINS];
    for (size_t i = 0; i < nu; i++)
        u[i].bin = pinned(u[i].id) ? 0 : SIZE_MAX;
    bin_own(u, nu, 0, own);
    load[0] = gen_len(ir, own);
    size_t reserve = report_reserve(ir, nu);
    for (size_t k = 0; k < MAX_BINS; k++)
        limit[k] = STK_BPF_MAX_INSNS;
    if (reserve < STK_BPF_MAX_INSNS && load[0] <= STK_BPF_MAX_INSNS - reserve)
        limit[0] = STK_BPF_MAX_INSNS - reserve;
    for (size_t k = 1; k < MAX_BINS; k++)
        load[k] = empty;
    for (;;) {
        for (size_t i = 0; i < nu; i++) {
            if (u[i].bin != SIZE_MAX)
                continue;
            size_t k = 0;
            while (k < MAX_BINS && load[k] + u[i].cost > limit[k])
                k++;
            if (k == MAX_BINS) {
                snprintf(why, sizeof why, "it would need more than %d filters", MAX_BINS);
                too_large(out, err, errlen, why);
                goto done;
            }
            u[i].bin = k;
            load[k] += u[i].cost;
            if (k + 1 > nbins)
                nbins = k + 1;
        }
        /* the estimates are close, not exact (shared returns, trampolines):
         * a bin over the limit gives up its largest unit and is measured */
        bool moved = false;
        for (size_t k = 0; k < nbins; k++) {
            bin_own(u, nu, k, own);
            load[k] = gen_len(ir, own);
            if (load[k] <= limit[k])
                continue;
            for (size_t i = 0; i < nu && !moved; i++)
                if (u[i].bin == k && !pinned(u[i].id)) {
                    u[i].bin = SIZE_MAX;
                    load[k] = limit[k] + 1; /* full until measured again */
                    moved = true;
                }
            if (!moved) {
                snprintf(why, sizeof why, "the unconditional rules with execve, execveat and seccomp need %zu",
                         load[k]);
                too_large(out, err, errlen, why);
                goto done;
            }
            break;
        }
        if (!moved)
            break;
    }
    /* install order: bin 0 last */
    out->filters = stk_xcalloc(nbins, sizeof *out->filters);
    out->nfilters = nbins;
    for (size_t k = 0; k < nbins; k++) {
        bin_own(u, nu, k, own);
        stk_bpf_gen_filter(ir, own, &out->filters[nbins - 1 - k]);
    }
    size_t path = stk_bpf_stack_path_len(out->filters, out->nfilters);
    if (path > STK_BPF_MAX_PATH_INSNS) {
        snprintf(why, sizeof why, "%zu filters would count %zu (each filter's length + 4)", nbins, path);
        too_large(out, err, errlen, why);
        goto done;
    }
    for (size_t k = 0; k + 1 < nbins; k++)
        if (out->filters[k].nexec_fd_insns) { /* cannot happen: the hand-over rule is execveat's */
            snprintf(why, sizeof why, "the exec hand-over rule would not be in the last filter");
            too_large(out, err, errlen, why);
            goto done;
        }
    rc = 0;
done:
    free(u);
    free(own);
    return rc;
}
