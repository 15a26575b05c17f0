/* test_bpf_split.c — policies past 4096 instructions as stacked filters
 * (compiler/seccomp/bpf_split.c), held to the reference model.
 *
 * For each large policy: every filter passes the kernel's checks and fits
 * 4096 instructions, the filters fit the kernel's 32768 per path, the
 * exec-descriptor sites are in the last filter only; and for every syscall
 * number on every ABI of the policy, foreign architectures, the edges of the
 * number space and argument vectors built from the policy's constants, the
 * filters combined with the kernel's rule (common/bpf_stack.c) return exactly
 * what the reference evaluator decides and what the unsplit program returns.
 * Every call the unsplit program lets the kernel cache is cached by every
 * filter.  Then the kernel itself: the combination rule on hand-made
 * filters, and the 10,000-rule policy loaded and called. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf_interp.h"
#include "bpf_stack.h"
#include "pipeline.h"
#include "seccomp/bpf_gen.h"
#include "seccomp/bpf_layout.h"
#include "seccomp/ref_eval.h"
#include "testlib.h"
#include "util.h"

static struct stk_policy_ir *compile(const char *text)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("split.stk", text, strlen(text), NULL, &ds);
    if (!ir)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    return ir;
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* 2,000 distinct values on each of five syscalls, 10,000 rules; actions cycle
 * through `acts` (NULL: the kernel test's errno-only set). */
static struct stk_policy_ir *ten_thousand(const char *const *acts, size_t nacts, const char *def, uint64_t *vals)
{
    static const char *const sc[5][2] = {
        {"ioctl", "request"}, {"fcntl", "cmd"}, {"setsockopt", "optname"}, {"getsockopt", "optname"},
        {"fchown", "owner"}};
    struct stk_buf b = {0};
    stk_buf_printf(&b, "policy tenk { seccomp { default %s\n", def);
    for (size_t s = 0; s < 5; s++)
        for (size_t i = 0; i < 2000; i++) {
            /* distinct, spread, below 2^31 (the arguments are ints) */
            uint64_t v = 0x1000 + ((i * 2654435761u + s * 7919u) % 0x3fffffffu);
            for (size_t j = 0; j < i && vals; j++)
                if (vals[s * 2000 + j] == v)
                    v += 0x40000000u; /* still distinct, still an int */
            if (vals)
                vals[s * 2000 + i] = v;
            stk_buf_printf(&b, "%s %s if %s == %llu\n", acts[(i + s) % nacts], sc[s][0], sc[s][1],
                           (unsigned long long)v);
        }
    stk_buf_puts(&b, "} }\n");
    struct stk_policy_ir *ir = compile(b.data);
    stk_buf_free(&b);
    return ir;
}

/* ---- the property ------------------------------------------------------------------------- */

struct cands {
    uint64_t *v;
    size_t n, cap;
};

static void collect(const struct stk_cond *c, struct cands *k)
{
    if (!c)
        return;
    collect(c->a, k);
    collect(c->b, k);
    uint64_t base[72];
    size_t nb = 0;
    if (c->kind == STK_COND_CMP)
        base[nb++] = c->value;
    for (size_t i = 0; i < c->nvalues && nb < 64; i++)
        base[nb++] = c->values[i];
    for (size_t i = 0; i < nb; i++) {
        uint64_t x = base[i];
        uint64_t vars[] = {x, x - 1, x + 1, x | 0xffffffff00000000ull, x | 0x100000000ull};
        for (size_t j = 0; j < sizeof vars / sizeof vars[0]; j++)
            STK_PUSH(k->v, k->n, k->cap, vars[j]);
    }
}

static unsigned long checks;

static void check_one(const struct stk_policy_ir *ir, const struct stk_bpf_prog *p, const struct seccomp_data *d)
{
    uint32_t stacked = stk_bpf_stack_run(p->filters, p->nfilters, d, NULL);
    uint32_t whole = stk_bpf_run(p->insns, p->len, d, NULL);
    uint32_t want = stk_ref_decide(ir, d);
    checks++;
    CHECK_MSG(stacked == want && whole == want,
              "policy %s: arch 0x%x nr 0x%x args {%llx %llx %llx}: %zu stacked filters say 0x%08x, the unsplit "
              "program 0x%08x, the reference 0x%08x",
              ir->name, d->arch, (unsigned)d->nr, (unsigned long long)d->args[0], (unsigned long long)d->args[1],
              (unsigned long long)d->args[2], p->nfilters, stacked, whole, want);
}

static void property(struct stk_policy_ir *ir, size_t min_filters)
{
    struct stk_bpf_prog p;
    char err[512];
    CHECK_MSG(stk_bpf_generate(ir, &p, err, sizeof err) == 0, "generate: %s", err);
    CHECK_MSG(p.nfilters >= min_filters, "%zu filters for %zu instructions", p.nfilters, p.len);
    CHECK(p.len > STK_BPF_MAX_INSNS);
    for (size_t f = 0; f < p.nfilters; f++) {
        CHECK_MSG(p.filters[f].len <= STK_BPF_MAX_INSNS, "filter %zu: %zu instructions", f, p.filters[f].len);
        CHECK_MSG(stk_bpf_validate(p.filters[f].insns, p.filters[f].len, err, sizeof err) == 0,
                  "filter %zu fails the kernel's checks: %s", f, err);
        CHECK_MSG(f + 1 == p.nfilters || p.filters[f].nexec_fd_insns == 0, "exec sites in filter %zu", f);
        for (size_t i = 0; i < p.filters[f].nexec_fd_insns; i++)
            CHECK_U64(p.filters[f].insns[p.filters[f].exec_fd_insns[i]].k, STK_EXEC_FD_PLACEHOLDER);
    }
    CHECK(stk_bpf_stack_path_len(p.filters, p.nfilters) <= STK_BPF_MAX_PATH_INSNS);
    CHECK_INT(p.filters[p.nfilters - 1].nexec_fd_insns, p.nexec_fd_insns);

    struct cands *cand = stk_xcalloc(stk_syscall_count, sizeof *cand);
    for (size_t i = 0; i < ir->seccomp.nrules; i++)
        collect(ir->seccomp.rules[i].cond, &cand[ir->seccomp.rules[i].syscall]);
    const uint32_t foreign[] = {0, 0xdeadbeef, AUDIT_ARCH_PPC64LE, AUDIT_ARCH_AARCH64};
    for (size_t f = 0; f < sizeof foreign / sizeof foreign[0]; f++)
        for (int nr = 0; nr < 64; nr += 7) {
            struct seccomp_data d = {.nr = nr, .arch = foreign[f]};
            check_one(ir, &p, &d);
        }
    unsigned long uncached = 0;
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        uint32_t arch = stk_abis[a].audit_arch;
        int32_t max = stk_layout_max_regular((enum stk_abi)a);
        for (int64_t raw = 0; raw <= (int64_t)max + 16; raw++) {
            struct seccomp_data d = {.nr = (int)((uint32_t)raw + stk_abis[a].nr_offset), .arch = arch};
            check_one(ir, &p, &d);
            /* whatever the unsplit program lets the kernel cache, the stack does too */
            if (stk_bpf_cacheable(p.insns, p.len, arch, (uint32_t)d.nr) &&
                !stk_bpf_stack_cacheable(p.filters, p.nfilters, arch, (uint32_t)d.nr))
                uncached++;
            const char *name = stk_syscall_name_by_nr((enum stk_abi)a, (uint32_t)d.nr);
            int sc = name ? stk_syscall_lookup(name) : -1;
            if (sc < 0 || cand[sc].n == 0)
                continue;
            for (int pos = 0; pos < 6; pos++)
                for (size_t k = 0; k < cand[sc].n; k += pos < 3 ? 1 : 17) {
                    memset(d.args, 0, sizeof d.args);
                    d.args[pos] = cand[sc].v[k];
                    check_one(ir, &p, &d);
                }
            for (int n = 0; n < 500; n++) {
                for (int pos = 0; pos < 6; pos++)
                    d.args[pos] = rnd() % 3 == 0 ? rnd() : cand[sc].v[rnd() % cand[sc].n];
                check_one(ir, &p, &d);
            }
        }
    }
    CHECK_MSG(uncached == 0, "%lu calls cached by the unsplit program are not cached by every filter", uncached);
    const uint32_t edges[] = {0x3fffffff, 0x40000000, 0x40000001, 0x4000003b, 0x400001ff, 0x7fffffff,
                              0x80000000, 0xffffffff};
    for (int a = 0; a < STK_ABI_COUNT; a++)
        for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
            struct seccomp_data d = {.nr = (int)edges[e], .arch = stk_abis[a].audit_arch};
            check_one(ir, &p, &d);
        }
    for (size_t i = 0; i < stk_syscall_count; i++)
        free(cand[i].v);
    free(cand);
    printf("  %s: %lu decisions compared, %zu instructions as %zu filters\n", ir->name, checks, p.len, p.nfilters);
    stk_bpf_prog_free(&p);
}

TEST(split_ten_thousand_rules_mixed_actions)
{
    static const char *const acts[] = {"allow", "errno EACCES", "kill-process", "allow", "errno 77", "trap",
                                       "log",   "kill-thread",  "errno EPERM"};
    struct stk_policy_ir *ir = ten_thousand(acts, sizeof acts / sizeof acts[0], "errno EPERM", NULL);
    CHECK(ir);
    property(ir, 3);
    stk_policy_ir_free(ir);
}

/* Many syscalls with argument conditions that are not value sets, on three
 * ABIs, the exec hand-over rule (execveat denied), conditions on seccomp
 * itself, 64-bit values that differ only in the upper half, and
 * unconditional rules of every action. */
TEST(split_many_conditional_syscalls)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy many { seccomp { default kill-process\narch x86_64, i386, x32\n"
                     "errno EPERM execveat\nallow execve\nerrno 41 seccomp if operation == 1 && flags != 0\n"
                     "allow read, write, exit, exit_group, brk, getpid\nerrno 12 getppid\nlog uname\n");
    static const char *const names[] = {"openat", "mmap", "mprotect", "kill", "tgkill", "socket", "connect",
                                        "bind", "sendto", "recvfrom", "lseek", "pread64", "pwrite64", "dup3",
                                        "fchmodat", "fchownat", "prlimit64", "getrandom", "madvise", "mremap",
                                        "clone", "unshare", "setns", "prctl", "ioctl", "fcntl", "futex",
                                        "epoll_ctl", "timerfd_settime", "linkat", "renameat", "mknodat"};
    for (size_t s = 0; s < sizeof names / sizeof names[0]; s++)
        for (int i = 0; i < 16; i++)
            stk_buf_printf(&b, "%s %s if arg0 == %d && arg1 > 0x%x00000005 && arg2 != %d\n",
                           i % 3 == 0 ? "allow" : i % 3 == 1 ? "errno 90" : "trap", names[s], i + (int)s,
                           i + 1, i * 3);
    stk_buf_puts(&b, "} }\n");
    struct stk_policy_ir *ir = compile(b.data);
    stk_buf_free(&b);
    CHECK(ir);
    property(ir, 2);
    stk_policy_ir_free(ir);
}

/* A default-allow policy: a filter's "allow what I do not own" is the
 * default itself; denials of many values keep their precedence. */
TEST(split_default_allow_denylist)
{
    static const char *const acts[] = {"errno EPERM", "kill-process", "errno 5", "allow"};
    struct stk_policy_ir *ir = ten_thousand(acts, 4, "allow", NULL);
    CHECK(ir);
    property(ir, 3);
    stk_policy_ir_free(ir);
}

/* One syscall's conditions alone over 4096 instructions, and filters over
 * the kernel's per-path total: refused, with the reason. */
TEST(split_refuses_what_cannot_fit)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy huge { seccomp { default errno EPERM\n");
    for (int i = 0; i < 700; i++)
        stk_buf_printf(&b, "allow read if arg0 == %d && arg1 == %d && arg2 == 0x%x00000000\n", i, i, i + 1);
    stk_buf_puts(&b, "} }\n");
    struct stk_policy_ir *ir = compile(b.data);
    stk_buf_free(&b);
    CHECK(ir);
    struct stk_bpf_prog p;
    char err[512] = "";
    CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "seccomp program too large");
    CHECK_CONTAINS(err, "the argument conditions of read (x86_64) alone need");
    stk_policy_ir_free(ir);

    /* fourteen syscalls of 2,000 values: about 3,000 instructions each, 42,000 in all */
    static const char *const sc[] = {"ioctl", "fcntl", "setsockopt", "getsockopt", "flock", "prctl", "lseek",
                                     "dup2", "read", "write", "close", "fchmod", "fchown", "ftruncate"};
    stk_buf_puts(&b, "policy over { seccomp { default errno EPERM\n");
    for (size_t s = 0; s < sizeof sc / sizeof sc[0]; s++)
        for (int i = 0; i < 2000; i++)
            stk_buf_printf(&b, "%s %s if arg1 == %d\n", i % 2 ? "allow" : "errno 9", sc[s], 0x100 + i * 5);
    stk_buf_puts(&b, "} }\n");
    ir = compile(b.data);
    stk_buf_free(&b);
    CHECK(ir);
    CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "32768");
    CHECK_CONTAINS(err, "(each filter's length + 4)");
    stk_policy_ir_free(ir);
}

/* ---- the kernel ------------------------------------------------------------------------------- */

/* Install filters in a child, make calls; returns the child's status.
 * results (shared) gets each call's errno (0: it succeeded). */
static int kernel_calls(const struct stk_bpf_filter *f, size_t nf, const long (*calls)[4], size_t ncalls,
                        int *results)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            _exit(100);
        for (size_t i = 0; i < nf; i++) {
            struct sock_fprog fp = {(unsigned short)f[i].len, f[i].insns};
            if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0)
                _exit(101);
        }
        for (size_t i = 0; i < ncalls; i++) {
            errno = 0;
            long r = syscall(calls[i][0], calls[i][1], calls[i][2], calls[i][3], 0L, 0L);
            results[i] = r < 0 ? errno : 0;
        }
        _exit(0);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

static struct sock_filter errno_for_getppid[2][4];

static struct stk_bpf_filter ret_filter(int slot, uint32_t ret)
{
    struct sock_filter *p = errno_for_getppid[slot];
    p[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
    p[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1);
    p[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret);
    p[3] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    return (struct stk_bpf_filter){p, 4, NULL, 0};
}

/* The combination rule the proof relies on, checked against the kernel:
 * equal precedence -> the filter installed last; otherwise the most
 * restrictive, in either order. */
TEST(kernel_combines_stacked_filters_as_modelled)
{
    static const uint32_t pairs[][2] = {
        {SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 2},
        {SECCOMP_RET_ERRNO | 3, SECCOMP_RET_ALLOW},
        {SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | 4},
        {SECCOMP_RET_LOG, SECCOMP_RET_ERRNO | 5},
        {SECCOMP_RET_ERRNO | 6, SECCOMP_RET_LOG},
    };
    int *res = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(res != MAP_FAILED);
    static const long call[1][4] = {{SYS_getppid, 0, 0, 0}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct stk_bpf_filter f[2] = {ret_filter(0, pairs[i][0]), ret_filter(1, pairs[i][1])};
        struct seccomp_data d = {.nr = SYS_getppid, .arch = stk_abis[stk_native_abi()].audit_arch};
        uint32_t model = stk_bpf_stack_run(f, 2, &d, NULL);
        int want = (model & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO ? (int)(model & SECCOMP_RET_DATA) : 0;
        res[0] = -1;
        int st = kernel_calls(f, 2, call, 1, res);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "pair %zu: child status 0x%x", i, st);
        CHECK_MSG(res[0] == want, "pair %zu (0x%08x then 0x%08x): the kernel's errno %d, the model's %d", i,
                  pairs[i][0], pairs[i][1], res[0], want);
    }
    munmap(res, 4096);
}

/* The 10,000-rule policy on the real kernel: the filters load (each within
 * 4096, together within 32768) and every call returns what the reference
 * evaluator decides.  Each call passes fd -1, so the ones the policy lets
 * through fail harmlessly with EBADF; the rules' actions are errno values
 * the kernel never returns for these calls. */
TEST(kernel_ten_thousand_rules)
{
    static const char *const acts[] = {"allow", "errno 70", "errno 71", "errno 72", "errno 73"};
    uint64_t *vals = stk_xcalloc(10000, sizeof *vals);
    struct stk_policy_ir *ir = ten_thousand(acts, 5, "allow", vals);
    CHECK(ir);
    struct stk_bpf_prog p;
    char err[512];
    CHECK_MSG(stk_bpf_generate(ir, &p, err, sizeof err) == 0, "generate: %s", err);
    CHECK(p.nfilters >= 3);
    static const long nrs[5] = {SYS_ioctl, SYS_fcntl, SYS_setsockopt, SYS_getsockopt, SYS_fchown};
    static const int argpos[5] = {1, 1, 2, 2, 1};
    size_t n = 0, cap = 3 * 10000;
    long (*calls)[4] = stk_xcalloc(cap, sizeof *calls);
    for (size_t s = 0; s < 5; s++)
        for (size_t i = 0; i < 2000; i++)
            for (int delta = -1; delta <= 1; delta++) {
                long c[4] = {nrs[s], -1, 0, 0};
                c[argpos[s] + 1] = (long)(vals[s * 2000 + i] + (uint64_t)(int64_t)delta);
                memcpy(calls[n++], c, sizeof c);
            }
    int *res = mmap(NULL, n * sizeof *res, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(res != MAP_FAILED);
    int st = kernel_calls(p.filters, p.nfilters, (const long (*)[4])calls, n, res);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status 0x%x (101: the kernel refused a filter)", st);
    size_t denied = 0;
    for (size_t i = 0; i < n; i++) {
        struct seccomp_data d = {.nr = (int)calls[i][0], .arch = stk_abis[stk_native_abi()].audit_arch};
        for (int k = 0; k < 3; k++)
            d.args[k] = (uint64_t)calls[i][k + 1];
        uint32_t want = stk_ref_decide(ir, &d);
        int werr = (want & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO ? (int)(want & SECCOMP_RET_DATA) : EBADF;
        denied += werr != EBADF;
        CHECK_MSG(res[i] == werr, "call %zu (nr %ld, 0x%lx): the kernel's errno %d, the reference's %d", i,
                  calls[i][0], calls[i][argpos[i / 6000] + 1], res[i], werr);
    }
    CHECK(denied > 5000);
    printf("  %zu calls on the kernel through %zu filters (%zu instructions), %zu denied\n", n, p.nfilters, p.len,
           denied);
    munmap(res, n * sizeof *res);
    free(calls);
    free(vals);
    stk_bpf_prog_free(&p);
    stk_policy_ir_free(ir);
}

int main(void)
{
    RUN(split_ten_thousand_rules_mixed_actions);
    RUN(split_many_conditional_syscalls);
    RUN(split_default_allow_denylist);
    RUN(split_refuses_what_cannot_fit);
    RUN(kernel_combines_stacked_filters_as_modelled);
    RUN(kernel_ten_thousand_rules);
    return test_summary();
}
