/* bpf_paths.c — how long a path through the seccomp filter is, stockade
 * versus libseccomp, for the same policies.  Not a test: it measures and
 * prints, it asserts nothing (exit status 0 unless something could not be
 * built at all, or stockade and libseccomp disagree on a decision).
 *
 * For each reference policy:
 *   - stockade's program for the policy as `stockade` installs it (with the
 *     built-in rules: ioctl TIOCSTI/TIOCLINUX refused, the final-exec rule),
 *   - stockade's and libseccomp's (optimize 0 = libseccomp's default, 1, 2)
 *     programs for the same rule list with those built-in rules removed
 *     (libseccomp has no equivalent; leaving them in would charge us for work
 *     the peer does not do),
 * and for each program:
 *   insns   program length (instructions),
 *   mean    mean number of instructions the kernel executes for x86_64
 *           syscall numbers 0 .. max+16 (max = highest regular x86_64 number
 *           stockade knows), all arguments zero, final RET included,
 *   max     the longest of those paths,
 *   cached  how many x86_64 numbers 0..max the kernel's action cache
 *           (Linux >= 5.11) marks "always allow", so that the filter is not
 *           run at all for them; out of `uncond`, the numbers the policy
 *           allows whatever the arguments.
 *
 * Then value sets (issue #16): `allow ioctl if request in (N values)` and the
 * same N values as N rules `allow ioctl if request == V`, N = 10, 100, 1000:
 * mean and longest path over every value and every value + 1 (a miss).
 *
 * Then large policies (issue #16): 1,000, 5,000 and 10,000 rules `allow SC if
 * ARG == V` over five syscalls (a fifth of the values each, default errno
 * EPERM): stockade's stacked filters (how many, how long, the path through
 * all of them, as the kernel runs them) against libseccomp optimize 2's one
 * program (which the kernel refuses past 4096 instructions), over every
 * value and every value + 1; the decisions of both are compared.
 *
 * Usage: bpf_paths [POLICY_DIR]   (default bench/policies) */
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/bpf_gen.h"
#include "bpf_interp.h"
#include "bpf_stack.h"
#include "seccomp/bpf_layout.h"
#include "lib/libseccomp_peer.h"
#include "pipeline.h"
#include "seccomp/ref_eval.h"

struct ref_policy {
    const char *id;
    const char *file; /* under the policy directory; NULL = the built-in default policy */
    const char *what;
};

static const struct ref_policy refs[] = {
    {"(a)", "allow24.stk", "24-syscall allowlist, default kill-process"},
    {"(b)", "args.stk", "argument filters (11 conditional + 45 plain)"},
    {"(c)", "denylist.stk", "default-allow denylist"},
    {"(d)", "allow165.stk", "165-syscall allowlist (@system-service order)"},
    {"(d')", "allow165-spread.stk", "165-syscall allowlist, numbers spread out"},
    {"(e)", NULL, "built-in default policy (stk_compile_default)"},
    {"(f)", "system-service.stk", "allow @system-service"},
};
#define NREFS (sizeof refs / sizeof refs[0])

struct metrics {
    bool ok;
    char why[300];
    size_t len;
    double mean;
    unsigned max;
    unsigned cached;
    bool closed;        /* x32 numbers and foreign arches: kill-process */
    char closed_how[80];
};

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char *ret_name(uint32_t r, char *buf, size_t n)
{
    switch (r & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_KILL_PROCESS: return "kill-process";
    case SECCOMP_RET_KILL_THREAD: return "kill-thread";
    case SECCOMP_RET_TRAP: return "trap";
    case SECCOMP_RET_ERRNO: snprintf(buf, n, "errno %u", r & SECCOMP_RET_DATA); return buf;
    case SECCOMP_RET_USER_NOTIF: return "notify";
    case SECCOMP_RET_TRACE: return "trace";
    case SECCOMP_RET_LOG: return "log";
    case SECCOMP_RET_ALLOW: return "allow";
    }
    snprintf(buf, n, "0x%08x", r);
    return buf;
}

static void measure(const struct sock_filter *prog, size_t len, int32_t max, struct metrics *m)
{
    m->ok = true;
    m->len = len;
    unsigned long total = 0;
    unsigned worst = 0, count = 0;
    for (int32_t nr = 0; nr <= max + 16; nr++) {
        struct seccomp_data d = {.nr = nr, .arch = AUDIT_ARCH_X86_64};
        unsigned ex = 0;
        stk_bpf_run(prog, len, &d, &ex);
        total += ex;
        if (ex > worst)
            worst = ex;
        count++;
    }
    m->mean = (double)total / count;
    m->max = worst;
    m->cached = 0;
    for (int32_t nr = 0; nr <= max; nr++)
        if (stk_bpf_cacheable(prog, len, AUDIT_ARCH_X86_64, (uint32_t)nr))
            m->cached++;
    /* x32 numbers (the x86_64 arch value with bit 30 set in nr) and foreign
     * architecture values: what does the program do? */
    uint32_t first = 0;
    bool same = true, have = false;
    for (uint32_t nr = STK_X32_SYSCALL_BIT; nr <= STK_X32_SYSCALL_BIT + 600; nr++) {
        struct seccomp_data d = {.nr = (int)nr, .arch = AUDIT_ARCH_X86_64};
        uint32_t r = stk_bpf_run(prog, len, &d, NULL);
        if (!have)
            first = r, have = true;
        else if (r != first)
            same = false;
    }
    const uint32_t foreign[] = {AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, AUDIT_ARCH_RISCV64, 0,
                                0xdeadbeef};
    for (size_t f = 0; f < sizeof foreign / sizeof foreign[0]; f++)
        for (int nr = 0; nr < 500; nr += 7) {
            struct seccomp_data d = {.nr = nr, .arch = foreign[f]};
            if (stk_bpf_run(prog, len, &d, NULL) != first)
                same = false;
        }
    char b[32];
    m->closed = same && first == SECCOMP_RET_KILL_PROCESS;
    snprintf(m->closed_how, sizeof m->closed_how, "%s", same ? ret_name(first, b, sizeof b) : "mixed");
}

/* Numbers the policy allows whatever the arguments (the most the cache could
 * hold), read from the rule list: the first unconditional rule for the
 * syscall allows it and no conditional rule before it does anything else. */
static bool uncond_allow(const struct stk_policy_ir *ir, int32_t nr)
{
    const char *name = stk_syscall_name_by_nr(STK_ABI_X86_64, (uint32_t)nr);
    if (!name) {
        struct seccomp_data d = {.nr = nr, .arch = AUDIT_ARCH_X86_64};
        return stk_ref_decide(ir, &d) == SECCOMP_RET_ALLOW;
    }
    int sc = stk_syscall_lookup(name);
    for (size_t i = 0; i < ir->seccomp.nrules; i++) {
        const struct stk_rule *r = &ir->seccomp.rules[i];
        if (r->syscall != sc)
            continue;
        if (r->action.kind != STK_ACT_ALLOW)
            return false;
        if (!r->cond)
            return true;
    }
    return ir->seccomp.def.kind == STK_ACT_ALLOW;
}

static unsigned count_uncond_allows(const struct stk_policy_ir *ir, int32_t max)
{
    unsigned n = 0;
    for (int32_t nr = 0; nr <= max; nr++)
        n += uncond_allow(ir, nr);
    return n;
}

/* Do ours and theirs decide the same for every number libseccomp knows? */
static unsigned compare(const char *id, int opt, const struct stk_bpf_prog *ours, const struct sock_filter *lp,
                        size_t llen, int32_t max)
{
    unsigned bad = 0;
    for (int32_t nr = 0; nr <= max; nr++) {
        const char *name = stk_syscall_name_by_nr(STK_ABI_X86_64, (uint32_t)nr);
        if (!name || seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name) < 0)
            continue; /* libseccomp 2.5.4 does not know it: it gets libseccomp's default */
        for (int k = 0; k < 64; k++) {
            struct seccomp_data d = {.nr = nr, .arch = AUDIT_ARCH_X86_64};
            for (int i = 0; i < 6; i++)
                d.args[i] = k == 0 ? 0 : k < 40 ? rnd() % 16 : rnd() % 0x10000;
            uint32_t a = stk_bpf_run(ours->insns, ours->len, &d, NULL);
            uint32_t b = stk_bpf_run(lp, llen, &d, NULL);
            if (a != b) {
                if (bad < 5) {
                    char b1[32], b2[32];
                    printf("  DISAGREE %s opt%d: %s (nr %d) args {%llu %llu %llu %llu %llu %llu}: "
                           "stockade %s, libseccomp %s\n",
                           id, opt, name, nr, (unsigned long long)d.args[0], (unsigned long long)d.args[1],
                           (unsigned long long)d.args[2], (unsigned long long)d.args[3],
                           (unsigned long long)d.args[4], (unsigned long long)d.args[5],
                           ret_name(a, b1, sizeof b1), ret_name(b, b2, sizeof b2));
                }
                bad++;
            }
        }
    }
    return bad;
}

static struct stk_policy_ir *load(const char *dir, const struct ref_policy *r)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir;
    if (!r->file) {
        ir = stk_compile_default(&ds);
    } else {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, r->file);
        ir = stk_compile_file(path, NULL, &ds);
    }
    if (!ir)
        stk_diags_print(&ds, stderr, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    return ir;
}

static void row(const char *id, const char *who, const struct metrics *m, unsigned uncond, double opt2_mean)
{
    if (!m->ok) {
        printf("%-5s %-22s %6s %7s %5s %11s %9s  %s\n", id, who, "n/a", "n/a", "n/a", "n/a", "n/a", m->why);
        return;
    }
    char ratio[16] = "-";
    if (opt2_mean > 0)
        snprintf(ratio, sizeof ratio, "%.2fx", m->mean / opt2_mean);
    char cached[24];
    snprintf(cached, sizeof cached, "%u/%u", m->cached, uncond);
    printf("%-5s %-22s %6zu %7.2f %5u %11s %9s  %s\n", id, who, m->len, m->mean, m->max, cached, ratio,
           m->closed ? "closed" : m->closed_how);
}

/* Mean and longest path of prog for ioctl with request = each value, value + 1. */
static void set_paths(const struct sock_filter *prog, size_t len, const uint32_t *v, size_t n, double *mean,
                      unsigned *max)
{
    unsigned long total = 0;
    *max = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        struct seccomp_data d = {.nr = 16 /* ioctl */, .arch = AUDIT_ARCH_X86_64};
        d.args[1] = v[i / 2] + (i % 2);
        unsigned ex = 0;
        stk_bpf_run(prog, len, &d, &ex);
        total += ex;
        if (ex > *max)
            *max = ex;
    }
    *mean = (double)total / (double)(2 * n);
}

static int value_sets(void)
{
    printf("\nvalue sets: ioctl request, every value and every value + 1, x86_64\n");
    printf("%-6s %-22s %6s %7s %5s %9s %9s %9s\n", "values", "shape", "insns", "mean", "max", "lsc insns",
           "lsc mean", "mean/opt2");
    static const size_t sizes[] = {10, 100, 1000};
    int rc = 0;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        uint32_t *v = calloc(n, sizeof *v);
        char *text = malloc(64 + n * 48);
        if (!v || !text) {
            free(v);
            free(text);
            return 1;
        }
        for (size_t i = 0; i < n; i++)
            v[i] = 0x40000 + (uint32_t)((i * 2654435761u) % 0x100000u) * 2u; /* even, spread, distinct */
        for (int shape = 0; shape < 2; shape++) {
            size_t at = (size_t)sprintf(text, "policy v { seccomp { default errno EPERM\n%s",
                                        shape ? "" : "allow ioctl if request in (");
            for (size_t i = 0; i < n; i++)
                at += (size_t)(shape ? sprintf(text + at, "allow ioctl if request == %u\n", v[i])
                                     : sprintf(text + at, "%s%u", i ? ", " : "", v[i]));
            sprintf(text + at, "%s} }\n", shape ? "" : ")\n");
            struct stk_diags ds;
            stk_diags_init(&ds);
            struct stk_policy_ir *ir = stk_compile_text("set.stk", text, strlen(text), NULL, &ds);
            stk_diags_free(&ds);
            if (!ir) {
                printf("%-6zu does not compile\n", n);
                rc = 1;
                continue;
            }
            struct stk_policy_ir copy = *ir;
            size_t skip = 0;
            while (skip < copy.seccomp.nrules && copy.seccomp.rules[skip].loc.file == 0)
                skip++;
            copy.seccomp.rules += skip;
            copy.seccomp.nrules -= skip;
            struct stk_bpf_prog ours;
            char err[256];
            if (stk_bpf_generate(&copy, &ours, err, sizeof err) != 0) {
                printf("%-6zu stockade: %s\n", n, err);
                rc = 1;
                stk_policy_ir_free(ir);
                continue;
            }
            double m = 0, lm = 0;
            unsigned mx = 0, lmx = 0;
            set_paths(ours.insns, ours.len, v, n, &m, &mx);
            struct sock_filter *lp = NULL;
            size_t llen = 0;
            char lins[16] = "n/a", lmean[16] = "n/a", ratio[16] = "n/a";
            if (stk_libseccomp_build(&copy, 2, &lp, &llen, err, sizeof err) == 0) {
                set_paths(lp, llen, v, n, &lm, &lmx);
                snprintf(lins, sizeof lins, "%zu", llen);
                snprintf(lmean, sizeof lmean, "%.2f", lm);
                snprintf(ratio, sizeof ratio, "%.3fx", m / lm);
                free(lp);
            }
            printf("%-6zu %-22s %6zu %7.2f %5u %9s %9s %9s\n", n, shape ? "N rules `== V`" : "`in (N values)`",
                   ours.len, m, mx, lins, lmean, ratio);
            stk_bpf_prog_free(&ours);
            stk_policy_ir_free(ir);
        }
        free(v);
        free(text);
    }
    return rc;
}

static const struct {
    const char *sc;
    int nr, arg;
} large_sc[5] = {{"ioctl", 16, 1}, {"fcntl", 72, 1}, {"setsockopt", 54, 2}, {"getsockopt", 55, 2}, {"fchown", 93, 1}};

static int large_policies(void)
{
    printf("\nlarge policies: N rules `allow SC if ARG == V` on 5 syscalls (N/5 values each), every value and\n"
           "value + 1; stockade's stacked filters (the path through all of them) vs libseccomp optimize 2\n");
    printf("%-6s %8s %9s %7s %5s %10s %9s %5s %9s\n", "rules", "filters", "insns", "mean", "max", "lsc insns",
           "lsc mean", "max", "mean/opt2");
    static const size_t sizes[] = {1000, 5000, 10000};
    int rc = 0;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si], per = n / 5;
        struct stk_buf t = {0};
        stk_buf_puts(&t, "policy large { seccomp { default errno EPERM\n");
        for (size_t s = 0; s < 5; s++)
            for (size_t i = 0; i < per; i++)
                stk_buf_printf(&t, "allow %s if arg%d == %zu\n", large_sc[s].sc, large_sc[s].arg,
                               0x10000 + i * 6 + s);
        stk_buf_puts(&t, "} }\n");
        struct stk_diags ds;
        stk_diags_init(&ds);
        struct stk_policy_ir *ir = stk_compile_text("large.stk", t.data, t.len, NULL, &ds);
        stk_diags_free(&ds);
        stk_buf_free(&t);
        struct stk_bpf_prog ours;
        char err[512];
        if (!ir || stk_bpf_generate(ir, &ours, err, sizeof err) != 0) {
            printf("%-6zu stockade: %s\n", n, ir ? err : "does not compile");
            rc = 1;
            if (ir)
                stk_policy_ir_free(ir);
            continue;
        }
        /* libseccomp gets the rule list without the built-in rules (as above) */
        struct stk_policy_ir copy = *ir;
        size_t skip = 0;
        while (skip < copy.seccomp.nrules && copy.seccomp.rules[skip].loc.file == 0)
            skip++;
        copy.seccomp.rules += skip;
        copy.seccomp.nrules -= skip;
        struct sock_filter *lp = NULL;
        size_t llen = 0;
        bool have_lsc = stk_libseccomp_build(&copy, 2, &lp, &llen, err, sizeof err) == 0;
        if (!have_lsc)
            printf("       libseccomp: %s\n", err);
        unsigned long total = 0, ltotal = 0, count = 0;
        unsigned mx = 0, lmx = 0, differ = 0;
        for (size_t s = 0; s < 5; s++)
            for (size_t i = 0; i < 2 * per; i++) {
                struct seccomp_data d = {.nr = large_sc[s].nr, .arch = AUDIT_ARCH_X86_64};
                d.args[large_sc[s].arg] = 0x10000 + (i / 2) * 6 + s + (i % 2);
                unsigned ex = 0, lex = 0;
                uint32_t r = stk_bpf_stack_run(ours.filters, ours.nfilters, &d, &ex);
                total += ex, count++;
                mx = ex > mx ? ex : mx;
                if (have_lsc) {
                    differ += stk_bpf_run(lp, llen, &d, &lex) != r;
                    ltotal += lex;
                    lmx = lex > lmx ? lex : lmx;
                }
            }
        size_t insns = 0;
        for (size_t f = 0; f < ours.nfilters; f++)
            insns += ours.filters[f].len;
        double m = (double)total / (double)count, lm = have_lsc ? (double)ltotal / (double)count : 0;
        char lins[32] = "n/a", lmean[16] = "n/a", lmax[16] = "n/a", ratio[16] = "n/a";
        if (have_lsc) {
            snprintf(lins, sizeof lins, "%zu%s", llen, llen > 4096 ? "*" : "");
            snprintf(lmean, sizeof lmean, "%.2f", lm);
            snprintf(lmax, sizeof lmax, "%u", lmx);
            snprintf(ratio, sizeof ratio, "%.3fx", m / lm);
        }
        printf("%-6zu %8zu %9zu %7.2f %5u %10s %9s %5s %9s\n", n, ours.nfilters, insns, m, mx, lins, lmean, lmax,
               ratio);
        if (differ) {
            printf("       %u decisions differ between stockade and libseccomp\n", differ);
            rc = 1;
        }
        free(lp);
        stk_bpf_prog_free(&ours);
        stk_policy_ir_free(ir);
    }
    printf("  * over 4096 instructions: the kernel refuses libseccomp's program (one filter)\n");
    return rc;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "bench/policies";
    int32_t max = stk_layout_max_regular(STK_ABI_X86_64);
    printf("bpf_paths: instructions executed per syscall, stockade vs libseccomp\n");
    const struct scmp_version *v = seccomp_version();
    printf("libseccomp %u.%u.%u; x86_64 numbers 0..%d (max regular %d, +16 unknown above), arguments zero\n\n",
           v->major, v->minor, v->micro, max + 16, max);
    printf("%-5s %-22s %6s %7s %5s %11s %9s  %s\n", "", "compiler", "insns", "mean", "max", "cached/unc",
           "mean/opt2", "x32+foreign");
    printf("%-5s %-22s %6s %7s %5s %11s %9s  %s\n", "", "--------", "-----", "----", "---", "----------",
           "---------", "-----------");

    struct {
        double ours, ours_full, opt2;
        bool have_opt2;
    } sum[NREFS];
    unsigned disagreements = 0;
    int rc = 0;
    for (size_t i = 0; i < NREFS; i++) {
        const struct ref_policy *r = &refs[i];
        struct stk_policy_ir *ir = load(dir, r);
        if (!ir) {
            printf("%-5s %s: does not compile\n", r->id, r->file);
            rc = 1;
            continue;
        }
        printf("%-5s %s — %s\n", r->id, r->file ? r->file : "(built in)", r->what);
        struct stk_policy_ir copy = *ir;
        size_t skip = 0;
        while (skip < copy.seccomp.nrules && copy.seccomp.rules[skip].loc.file == 0)
            skip++;
        copy.seccomp.rules += skip;
        copy.seccomp.nrules -= skip;
        unsigned uncond_full = count_uncond_allows(ir, max);
        unsigned uncond = count_uncond_allows(&copy, max);

        char err[256];
        struct stk_bpf_prog full, ours;
        struct metrics mfull = {0}, mours = {0}, mlib[3] = {{0}};
        if (stk_bpf_generate(ir, &full, err, sizeof err) != 0 || stk_bpf_generate(&copy, &ours, err, sizeof err) != 0) {
            printf("      stockade failed: %s\n", err);
            rc = 1;
            stk_policy_ir_free(ir);
            continue;
        }
        measure(full.insns, full.len, max, &mfull);
        measure(ours.insns, ours.len, max, &mours);
        for (int opt = 0; opt <= 2; opt++) {
            struct sock_filter *lp = NULL;
            size_t llen = 0;
            if (stk_libseccomp_build(&copy, opt, &lp, &llen, err, sizeof err) != 0) {
                mlib[opt].ok = false;
                snprintf(mlib[opt].why, sizeof mlib[opt].why, "libseccomp refuses: %s", err);
                continue;
            }
            measure(lp, llen, max, &mlib[opt]);
            disagreements += compare(r->id, opt, &ours, lp, llen, max);
            free(lp);
        }
        double o2 = mlib[2].ok ? mlib[2].mean : 0;
        row("", "stockade (as installed)", &mfull, uncond_full, o2);
        row("", "stockade", &mours, uncond, o2);
        static const char *const names[] = {"libseccomp opt0", "libseccomp opt1", "libseccomp opt2"};
        for (int opt = 0; opt <= 2; opt++)
            row("", names[opt], &mlib[opt], uncond, o2);
        sum[i].ours = mours.mean;
        sum[i].ours_full = mfull.mean;
        sum[i].opt2 = o2;
        sum[i].have_opt2 = mlib[2].ok;
        stk_bpf_prog_free(&full);
        stk_bpf_prog_free(&ours);
        stk_policy_ir_free(ir);
    }

    printf("\nsummary: mean executed instructions, x86_64 numbers 0..%d, zero arguments\n", max + 16);
    printf("%-5s %-48s %9s %9s %9s %9s\n", "", "policy", "stockade", "+builtin", "lsc opt2", "ratio");
    for (size_t i = 0; i < NREFS; i++) {
        char ratio[16] = "n/a", o2[16] = "n/a";
        if (sum[i].have_opt2) {
            snprintf(ratio, sizeof ratio, "%.2fx", sum[i].ours / sum[i].opt2);
            snprintf(o2, sizeof o2, "%.2f", sum[i].opt2);
        }
        printf("%-5s %-48s %9.2f %9.2f %9s %9s%s\n", refs[i].id, refs[i].what, sum[i].ours, sum[i].ours_full, o2,
               ratio, i == 3 ? "   (target <= 0.60x)" : "");
    }
    printf("\nnotes:\n"
           "  stockade       = the same rule list as libseccomp gets: built-in rules (ioctl TIOCSTI/TIOCLINUX,\n"
           "                   final exec) removed; `as installed` keeps them (what `stockade run` loads).\n"
           "  cached/unc     = numbers the kernel caches as always-allowed / numbers allowed whatever the\n"
           "                   arguments in stockade's rule list (x86_64, 0..%d).  libseccomp 2.5.4 does not\n"
           "                   know some newer syscalls and leaves them to the default action, so its\n"
           "                   count can differ from `unc` (above it for a default-allow policy).\n"
           "  x32+foreign    = result for x32 numbers (nr | 0x40000000) and for i386, aarch64, arm, riscv64\n"
           "                   and bogus arch values: `closed` = kill-process for all of them.  libseccomp\n"
           "                   closes them with its bad-arch action (set to kill-process by the peer).\n"
           "  decisions      = stockade and libseccomp compared on every number libseccomp knows, 64\n"
           "                   argument vectors each: %u disagreement(s).\n",
           max, disagreements);
    if (disagreements)
        rc = 1;
    if (value_sets() != 0)
        rc = 1;
    if (large_policies() != 0)
        rc = 1;
    return rc;
}
