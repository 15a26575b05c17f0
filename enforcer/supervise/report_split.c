/* report_split.c — `--report` for a policy split into stacked seccomp
 * filters (report_split.h): the earlier filters downgraded, the notify
 * prefix of the last one, and the supervisor's evaluation of the original
 * stack. */
#include "supervise/report_split.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_interp.h"
#include "steps/steps.h"
#include "supervise/report.h"
#include "syscalls.h"

#define STEP "report"

/* the longest run of number comparisons that jump to one shared return
 * (a conditional jump reaches at most 255 instructions ahead) */
#define CHUNK 250u

int stk_report_split_downgrade(struct sock_filter *prog, size_t len, struct stk_err *e)
{
    for (size_t i = 0; i < len; i++) {
        if (prog[i].code == (BPF_RET | BPF_A))
            return stk_errf(e, STEP, "seccomp instruction %zu returns a computed action; --report cannot rewrite "
                                     "this program", i);
        if (prog[i].code == (BPF_RET | BPF_K))
            prog[i].k = SECCOMP_RET_ALLOW;
    }
    return 0;
}

struct pair {
    uint32_t arch, nr;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->arch != y->arch)
        return x->arch < y->arch ? -1 : 1;
    return (x->nr > y->nr) - (x->nr < y->nr);
}

/* Does (arch, nr) need the prefix's notification?  inv: the last filter
 * with ALLOW and the other returns swapped, so that "cacheable" reads
 * "constantly not ALLOW". */
static bool needs(const struct stk_bpf_filter *f, size_t n, const struct sock_filter *inv, uint32_t arch,
                  uint32_t nr)
{
    bool early = false;
    for (size_t j = 0; j + 1 < n && !early; j++)
        early = !stk_bpf_cacheable(f[j].insns, f[j].len, arch, nr);
    return early && !stk_bpf_cacheable(inv, f[n - 1].len, arch, nr);
}

/* The (arch, nr) pairs that need a notification, sorted, each once. */
static int collect(const struct stk_bpf_filter *f, size_t n, struct pair **out, size_t *nout, struct stk_err *e)
{
    const struct stk_bpf_filter *last = &f[n - 1];
    struct sock_filter *inv = calloc(last->len ? last->len : 1, sizeof *inv);
    if (!inv)
        return stk_errnof(e, STEP, ENOMEM, "the notify prefix");
    memcpy(inv, last->insns, last->len * sizeof *inv);
    for (size_t i = 0; i < last->len; i++)
        if (inv[i].code == (BPF_RET | BPF_K))
            inv[i].k = (inv[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW ? SECCOMP_RET_KILL_PROCESS
                                                                                 : SECCOMP_RET_ALLOW;
    struct pair *v = NULL;
    size_t nv = 0, cap = 0;
    int rc = 0;
    for (int a = 0; a < STK_ABI_COUNT && rc == 0; a++) {
        uint32_t arch = stk_abis[a].audit_arch, off = stk_abis[a].nr_offset;
        int32_t max = stk_syscall_max_nr((enum stk_abi)a);
        uint32_t upto = max < 0 ? 64 : (uint32_t)max + 64;
        if (upto > 4096)
            upto = 4096; /* numbers far out (arm's private calls) come from the table below */
        size_t ntab = stk_syscall_count;
        for (size_t k = 0; k < upto + ntab; k++) {
            uint32_t nr;
            if (k < upto)
                nr = (uint32_t)k | off;
            else {
                int64_t t = stk_syscall_nr((int)(k - upto), (enum stk_abi)a);
                if (t < 0 || (t & ~(int64_t)off) < (int64_t)upto)
                    continue; /* absent, or tried already */
                nr = (uint32_t)t;
            }
            if (!needs(f, n, inv, arch, nr))
                continue;
            if (nv == cap) {
                cap = cap ? 2 * cap : 64;
                struct pair *g = realloc(v, cap * sizeof *v);
                if (!g) {
                    rc = stk_errnof(e, STEP, ENOMEM, "the notify prefix");
                    break;
                }
                v = g;
            }
            v[nv++] = (struct pair){arch, nr};
        }
    }
    free(inv);
    if (rc < 0) {
        free(v);
        return -1;
    }
    qsort(v, nv, sizeof *v, cmp_pair);
    size_t w = 0;
    for (size_t i = 0; i < nv; i++)
        if (w == 0 || cmp_pair(&v[w - 1], &v[i]) != 0)
            v[w++] = v[i];
    *out = v;
    *nout = w;
    return 0;
}

/* ld arch; per arch: jeq arch (else: ja to the next arch or END), ld nr,
 * chunks of [jeq nr -> their ret]..., ja over the ret, ret USER_NOTIF; ja
 * END.  END: A &= 0. */
static size_t prefix_size(const struct pair *v, size_t n)
{
    size_t len = 2; /* ld arch, END */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].arch == v[i].arch)
            j++;
        size_t m = j - i;
        len += 4 + m + 2 * ((m + CHUNK - 1) / CHUNK);
        i = j;
    }
    return len;
}

static void emit_prefix(const struct pair *v, size_t n, struct sock_filter *out, size_t len)
{
    size_t pc = 0, end = len - 1;
    out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].arch == v[i].arch)
            j++;
        out[pc++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, v[i].arch, 1, 0);
        size_t to_next = pc++;
        out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
        for (size_t c = i; c < j; c += CHUNK) {
            size_t m = j - c < CHUNK ? j - c : CHUNK;
            for (size_t k = 0; k < m; k++) /* a match: past the rest and the ja, to the ret */
                out[pc++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, v[c + k].nr, (uint8_t)(m - k), 0);
            out[pc++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 1);
            out[pc++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
        }
        out[pc] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(end - pc - 1));
        pc++;
        out[to_next] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(pc - to_next - 1));
        i = j;
    }
    out[pc++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0);
}

int stk_report_split_prefix(const struct stk_bpf_filter *f, size_t n, struct sock_filter **out, size_t *out_len,
                            struct stk_err *e)
{
    *out = NULL;
    *out_len = 0;
    if (n < 2)
        return 0;
    struct pair *v = NULL;
    size_t nv = 0;
    if (collect(f, n, &v, &nv, e) < 0)
        return -1;
    if (nv == 0) {
        free(v);
        return 0;
    }
    size_t len = prefix_size(v, nv);
    struct sock_filter *p = calloc(len, sizeof *p);
    if (!p) {
        free(v);
        return stk_errnof(e, STEP, ENOMEM, "the notify prefix");
    }
    emit_prefix(v, nv, p, len);
    free(v);
    *out = p;
    *out_len = len;
    return 0;
}

int stk_report_split_insert(struct sock_filter **copy, size_t *copy_len, size_t prog_len,
                            const struct sock_filter *prefix, size_t prefix_len, struct stk_err *e)
{
    if (!prefix_len)
        return 0;
    size_t g = *copy_len - prog_len, len = *copy_len + prefix_len;
    if (len > STK_BPF_MAXINSNS)
        return stk_errf(e, STEP, "the last seccomp filter with --report's notifications would have %zu instructions, "
                                 "over the kernel's %u", len, STK_BPF_MAXINSNS);
    struct sock_filter *c = calloc(len, sizeof *c);
    if (!c)
        return stk_errnof(e, STEP, ENOMEM, "copying the program");
    memcpy(c, *copy, g * sizeof *c);
    memcpy(c + g, prefix, prefix_len * sizeof *c);
    memcpy(c + g + prefix_len, *copy + g, prog_len * sizeof *c);
    free(*copy);
    *copy = c;
    *copy_len = len;
    return 0;
}

void stk_report_split_free(struct stk_report_split *sp)
{
    if (!sp)
        return;
    free(sp->filters);
    free(sp->prefix);
    free(sp);
}

int stk_report_split_prepare(const struct stk_bundle_seccomp *s, struct stk_report_split **out, struct stk_err *e)
{
    *out = NULL;
    if (s->nfilters < 2)
        return 0;
    size_t n = s->nfilters, last = n - 1;
    for (size_t j = 0; j < last; j++) {
        for (size_t i = 0; i < s->filters[j].len; i++)
            if (s->filters[j].insns[i].code == (BPF_RET | BPF_A))
                return stk_errf(e, STEP, "seccomp filter %zu of %zu, instruction %zu returns a computed action; "
                                         "--report cannot rewrite this program", j + 1, n, i);
        if (s->filters[j].nexec_fd_insns)
            return stk_errf(e, STEP, "seccomp filter %zu of %zu has exec descriptor sites, which only the last "
                                     "filter may have", j + 1, n);
    }
    struct stk_report_split *sp = calloc(1, sizeof *sp);
    if (!sp || !(sp->filters = calloc(n, sizeof *sp->filters))) {
        free(sp);
        return stk_errnof(e, STEP, ENOMEM, "the split filters");
    }
    memcpy(sp->filters, s->filters, n * sizeof *sp->filters); /* the bundle outlives the supervisor's work */
    sp->nfilters = n;
    if (stk_report_split_prefix(s->filters, n, &sp->prefix, &sp->prefix_len, e) < 0) {
        stk_report_split_free(sp);
        return -1;
    }
    /* the budget, before anything runs: the notifying copy (guard first) and the prefix */
    struct sock_filter *copy;
    size_t copy_len;
    if (stk_report_notifying_copy(s->filters[last].insns, s->filters[last].len, &copy, &copy_len, e) < 0) {
        stk_report_split_free(sp);
        return -1;
    }
    free(copy);
    size_t len = copy_len + sp->prefix_len, path = len + STK_BPF_PATH_OVERHEAD;
    for (size_t j = 0; j < last; j++)
        path += s->filters[j].len + STK_BPF_PATH_OVERHEAD;
    const char *why = NULL;
    char limit[160];
    if (len > STK_BPF_MAXINSNS) {
        snprintf(limit, sizeof limit, "the last filter would have %zu instructions, over the kernel's %u per filter",
                 len, STK_BPF_MAXINSNS);
        why = limit;
    } else if (path > STK_BPF_MAX_PATH_INSNS) {
        snprintf(limit, sizeof limit, "the filters would count %zu instructions (each one's length + 4), over the "
                 "kernel's %u per process", path, STK_BPF_MAX_PATH_INSNS);
        why = limit;
    }
    if (why) {
        size_t prefix_len = sp->prefix_len;
        stk_report_split_free(sp);
        return stk_errf(e, STEP, "the policy is split into %zu stacked seccomp filters; --report needs the last one "
                                 "to notify the calls the other %zu decide by argument conditions (%zu more "
                                 "instructions) and its listener guard (%zu): %s; run without --report, or with "
                                 "fewer argument conditions", n, last, prefix_len,
                        copy_len - s->filters[last].len, why);
    }
    *out = sp;
    return 0;
}

int stk_report_split_copies(const struct stk_report *r, struct sock_fprog *progs, size_t last,
                            struct sock_filter **copy, size_t *copy_len, struct stk_err *e)
{
    const struct stk_report_split *sp = r->split;
    if (!sp)
        return 0;
    for (size_t j = 0; j < last; j++)
        if (stk_report_split_downgrade(progs[j].filter, progs[j].len, e) < 0)
            return -1;
    return stk_report_split_insert(copy, copy_len, progs[last].len, sp->prefix, sp->prefix_len, e);
}

uint32_t stk_report_split_run(const struct stk_report *r, struct sock_filter *prog, const struct seccomp_data *d)
{
    struct stk_report_split *sp = r->split;
    if (!sp)
        return stk_bpf_run(prog, r->len, d, NULL);
    sp->filters[sp->nfilters - 1].insns = prog;
    sp->filters[sp->nfilters - 1].len = r->len;
    return stk_bpf_stack_run(sp->filters, sp->nfilters, d, NULL);
}
