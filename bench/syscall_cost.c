/* syscall_cost.c — what a seccomp filter costs per system call, stockade's
 * program versus libseccomp's for the same policy, measured in the kernel.
 *
 * The call is getppid() (syscall(SYS_getppid, 0): the kernel does almost
 * nothing for it, so the filter's share is as visible as it gets).  Two
 * policies, both `default errno EPERM` + `allow @system-service`:
 *   (i)  getppid is an unconditional allow: on Linux >= 5.11 the kernel's
 *        action cache marks it "always allowed" and skips the filter;
 *   (ii) `allow getppid if arg0 == 0` comes first (then `errno EPERM
 *        getppid`): the filter runs on every call and checks the argument,
 *        which is true.
 * Variants, run in forked children that install the filter with
 * prctl(PR_SET_NO_NEW_PRIVS) + seccomp(SECCOMP_SET_MODE_FILTER):
 *   none, stockade (i), libseccomp (i), stockade (ii), libseccomp (ii),
 *   libseccomp optimize 2 (binary tree, its fastest paths).  stockade's program
 *   is the one `stockade run` installs (built-in rules included); libseccomp
 *   gets the rule list without them.
 * Runs are interleaved (A B C D E A B C D E ...) and each variant's median
 * over the rounds is reported.
 *
 * Usage: syscall_cost [CALLS_PER_RUN [ROUNDS]]   (default 1000000, 7) */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "seccomp/bpf_gen.h"
#include "bpf_interp.h"
#include "lib/libseccomp_peer.h"
#include "pipeline.h"

static const char cached_text[] =
    "include \"groups.stk\"\n"
    "policy cached { seccomp { default errno EPERM\n"
    "    allow @system-service } }\n";
static const char checked_text[] =
    "include \"groups.stk\"\n"
    "policy checked { seccomp { default errno EPERM\n"
    "    allow getppid if arg0 == 0\n"
    "    errno EPERM getppid\n"
    "    allow @system-service } }\n";

struct variant {
    const char *name;
    struct sock_filter *prog; /* NULL: no filter */
    size_t len;
    bool checked; /* (ii): getppid(1) must fail with EPERM */
    double ns[64];
};

static struct stk_policy_ir *compile(const char *name, const char *text)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text(name, text, strlen(text), NULL, &ds);
    if (!ir)
        stk_diags_print(&ds, stderr, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    if (!ir)
        exit(2);
    return ir;
}

static void build(const char *name, const char *text, struct variant *ours, struct variant *lsc)
{
    struct stk_policy_ir *ir = compile(name, text);
    struct stk_bpf_prog p;
    char err[256];
    if (stk_bpf_generate(ir, &p, err, sizeof err) != 0) {
        fprintf(stderr, "syscall_cost: stockade: %s\n", err);
        exit(2);
    }
    ours->prog = p.insns; /* kept until exit */
    ours->len = p.len;
    free(p.exec_fd_insns);
    struct stk_policy_ir copy = *ir;
    size_t skip = 0;
    while (skip < copy.seccomp.nrules && copy.seccomp.rules[skip].loc.file == 0)
        skip++;
    copy.seccomp.rules += skip;
    copy.seccomp.nrules -= skip;
    if (stk_libseccomp_build(&copy, 2, &lsc->prog, &lsc->len, err, sizeof err) != 0) {
        fprintf(stderr, "syscall_cost: libseccomp: %s\n", err);
        exit(2);
    }
    stk_policy_ir_free(ir);
}

/* One run in a child: returns ns per call, or a negative value on failure. */
static double run_one(const struct variant *v, long calls, pid_t parent, int cpu)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fds[0]);
        if (cpu >= 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            sched_setaffinity(0, sizeof set, &set);
        }
        double res = -2;
        if (v->prog) {
            struct sock_fprog fp = {.len = (unsigned short)v->len, .filter = v->prog};
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
                syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0) {
                res = -3;
                goto report;
            }
        }
        if (syscall(SYS_getppid, 0) != parent) {
            res = -4;
            goto report;
        }
        if (v->checked && !(syscall(SYS_getppid, 1) == -1 && errno == EPERM)) {
            res = -5;
            goto report;
        }
        for (long i = 0; i < calls / 50; i++) /* warm up */
            syscall(SYS_getppid, 0);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < calls; i++)
            syscall(SYS_getppid, 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        res = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)calls;
    report:
        if (write(fds[1], &res, sizeof res) != (ssize_t)sizeof res)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    double res = -1;
    if (read(fds[0], &res, sizeof res) != (ssize_t)sizeof res)
        res = -1;
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    return res;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    double s[64];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmpd);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 1000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 7;
    if (calls < 1000 || rounds < 1 || rounds > 64) {
        fprintf(stderr, "usage: syscall_cost [CALLS_PER_RUN>=1000 [ROUNDS 1..64]]\n");
        return 2;
    }
    struct variant v[5] = {
        {.name = "no filter"},
        {.name = "stockade   (i) cached allow"},
        {.name = "libseccomp (i) cached allow"},
        {.name = "stockade   (ii) arg0 == 0", .checked = true},
        {.name = "libseccomp (ii) arg0 == 0", .checked = true},
    };
    build("cached.stk", cached_text, &v[1], &v[2]);
    build("checked.stk", checked_text, &v[3], &v[4]);
    const int nv = 5;
    uint32_t getppid_nr = SYS_getppid;

    printf("syscall_cost: ns per syscall(SYS_getppid, 0), %ld calls per run, %d interleaved rounds\n", calls,
           rounds);
    printf("policy: default errno EPERM + allow @system-service; (ii) puts `allow getppid if arg0 == 0` first.\n");
    printf("libseccomp builds with optimize 2 (binary tree).  Cache prediction for getppid (stk_bpf_cacheable):\n");
    for (int i = 1; i < nv; i++) {
        struct seccomp_data d = {.nr = (int)getppid_nr, .arch = AUDIT_ARCH_X86_64};
        unsigned ex = 0;
        stk_bpf_run(v[i].prog, v[i].len, &d, &ex);
        printf("  %-28s %4zu insns, getppid: %s, %u instructions when the filter runs\n", v[i].name, v[i].len,
               stk_bpf_cacheable(v[i].prog, v[i].len, AUDIT_ARCH_X86_64, getppid_nr) ? "cached" : "filter runs",
               ex);
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int cpu = ncpu > 1 ? 1 : -1;
    pid_t self = getpid();
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < nv; i++) {
            double ns = run_one(&v[i], calls, self, cpu);
            if (ns < 0) {
                static const char *const why[] = {"", "fork/pipe failed", "child failed",
                                                  "installing the filter failed",
                                                  "getppid(0) did not return the parent's pid",
                                                  "getppid(1) was not refused with EPERM"};
                int k = (int)-ns;
                fprintf(stderr, "syscall_cost: %s: %s\n", v[i].name, k >= 1 && k <= 5 ? why[k] : "failed");
                return 1;
            }
            v[i].ns[r] = ns;
        }
    double med[5], lo[5], hi[5];
    for (int i = 0; i < nv; i++) {
        med[i] = median(v[i].ns, rounds);
        lo[i] = hi[i] = v[i].ns[0];
        for (int r = 1; r < rounds; r++) {
            if (v[i].ns[r] < lo[i])
                lo[i] = v[i].ns[r];
            if (v[i].ns[r] > hi[i])
                hi[i] = v[i].ns[r];
        }
    }
    printf("\n%-30s %10s %17s %10s %10s %12s\n", "variant", "ns/call", "min..max", "vs none", "+ns", "vs libsecc.");
    for (int i = 0; i < nv; i++) {
        char range[32], vs[16] = "-", plus[16] = "-", peer[16] = "-";
        snprintf(range, sizeof range, "%.0f..%.0f", lo[i], hi[i]);
        if (i > 0) {
            snprintf(vs, sizeof vs, "%.3fx", med[i] / med[0]);
            snprintf(plus, sizeof plus, "%+.0f", med[i] - med[0]);
        }
        if (i == 1 || i == 3)
            snprintf(peer, sizeof peer, "%.3fx", med[i] / med[i + 1]);
        printf("%-30s %10.1f %17s %10s %10s %12s\n", v[i].name, med[i], range, vs, plus, peer);
    }
    double oi = med[1] - med[0], li = med[2] - med[0], oii = med[3] - med[0], lii = med[4] - med[0];
    printf("\nfilter overhead (median - no filter): (i) stockade %+.0f ns, libseccomp %+.0f ns; "
           "(ii) stockade %+.0f ns, libseccomp %+.0f ns\n",
           oi, li, oii, lii);
    return 0;
}
