/* test_bpf_set.c — value sets compiled to a balanced search (issue #16).
 *
 * `in (...)`, `not in (...)` and runs of first-match rules comparing one
 * argument to constants are searched, not chained.  For each shape (large
 * sets, adjacent and overlapping values, masks, mixed actions, 64-bit values
 * that differ only in the high word, negative int values, i386 next to
 * x86_64) the interpreter running the program must decide exactly as the
 * reference evaluator over every set value, its neighbours and high-word
 * variants; the path for one call must stay short; and a large-set program
 * loaded into the real kernel must decide real syscalls as the reference. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf_interp.h"
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
    struct stk_policy_ir *ir = stk_compile_text("set.stk", text, strlen(text), NULL, &ds);
    if (!ir)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    return ir;
}

static uint64_t rng_state = 0x6a09e667f3bcc909ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

struct vals {
    uint64_t *v;
    size_t n, cap;
};

static void push(struct vals *s, uint64_t x)
{
    STK_PUSH(s->v, s->n, s->cap, x);
}

/* every constant of a condition, its neighbours and high-word variants */
static void collect(const struct stk_cond *c, struct vals *s)
{
    if (!c)
        return;
    collect(c->a, s);
    collect(c->b, s);
    size_t n = c->kind == STK_COND_IN ? c->nvalues : c->kind == STK_COND_CMP ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = c->kind == STK_COND_IN ? c->values[i] : c->value;
        uint64_t var[] = {x,       x - 1,        x + 1, x | 0xffffffff00000000ull, x & 0xffffffffull, x ^ (1ull << 32),
                          x << 32, (x << 32) | x, ~x,    x ^ 0x8000000000000000ull};
        for (size_t k = 0; k < sizeof var / sizeof var[0]; k++)
            push(s, var[k]);
    }
}

struct result {
    unsigned long checks;
    unsigned max_path; /* longest path over the candidates of the conditional syscalls */
};

/* The program against the reference on every candidate in every argument
 * position of every conditional syscall, on every ABI of the policy. */
static struct result property(const struct stk_policy_ir *ir)
{
    struct result res = {0, 0};
    struct stk_bpf_prog p;
    char err[256];
    CHECK_MSG(stk_bpf_generate(ir, &p, err, sizeof err) == 0, "generate: %s", err);
    if (!p.insns)
        return res;
    CHECK_MSG(stk_bpf_validate(p.insns, p.len, err, sizeof err) == 0, "kernel checks: %s", err);
    struct vals cand = {0};
    const uint64_t std[] = {0, 1, ~0ull, 0xffffffffull, 0x80000000ull, 0x7fffffffull, 0xffffffff00000000ull,
                            0x8000000000000000ull, 0x100000000ull};
    for (size_t k = 0; k < sizeof std / sizeof std[0]; k++)
        push(&cand, std[k]);
    for (size_t i = 0; i < ir->seccomp.nrules; i++)
        collect(ir->seccomp.rules[i].cond, &cand);
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (!ir->seccomp.abis[a])
            continue;
        for (size_t i = 0; i < ir->seccomp.nrules; i++) {
            const struct stk_rule *r = &ir->seccomp.rules[i];
            if (!r->cond || r->loc.file == 0 || stk_syscall_table[r->syscall].nr[a] == STK_NR_NONE)
                continue;
            if (i > 0 && ir->seccomp.rules[i - 1].syscall == r->syscall && ir->seccomp.rules[i - 1].loc.file)
                continue; /* once per syscall */
            struct seccomp_data d = {.nr = (int)((uint32_t)stk_syscall_table[r->syscall].nr[a] + stk_abis[a].nr_offset),
                                     .arch = stk_abis[a].audit_arch};
            for (int round = 0; round < 2; round++) {
                for (int pos = 0; pos < 6; pos++) {
                    for (size_t k = 0; k < cand.n; k++) {
                        for (int q = 0; q < 6; q++)
                            d.args[q] = round ? cand.v[rnd() % cand.n] : 0;
                        d.args[pos] = cand.v[k];
                        unsigned ex = 0;
                        uint32_t got = stk_bpf_run(p.insns, p.len, &d, &ex);
                        uint32_t want = stk_ref_decide(ir, &d);
                        res.checks++;
                        if (ex > res.max_path)
                            res.max_path = ex;
                        CHECK_MSG(got == want, "%s: %s nr %d arg%d = 0x%llx: BPF 0x%08x, reference 0x%08x", ir->name,
                                  stk_abis[a].name, d.nr, pos, (unsigned long long)d.args[pos], got, want);
                    }
                }
            }
        }
    }
    free(cand.v);
    printf("  %s: %lu decisions compared, %zu instructions, longest path %u\n", ir->name, res.checks, p.len,
           res.max_path);
    stk_bpf_prog_free(&p);
    return res;
}

/* "v0, v1, ..." of n values: base + i*step (step 0: random 32-bit values) */
static void list(struct stk_buf *b, size_t n, uint64_t base, uint64_t step)
{
    for (size_t i = 0; i < n; i++)
        stk_buf_printf(b, "%s0x%llx", i ? ", " : "",
                       (unsigned long long)(step ? base + i * step : base + (rnd() & 0xffffffffull)));
}

static struct stk_policy_ir *set_policy(const char *head, const char *cond_before, size_t n, uint64_t base,
                                        uint64_t step, const char *tail)
{
    struct stk_buf b = {0};
    stk_buf_printf(&b, "policy set { seccomp { default errno EPERM\n%s%s", head, cond_before);
    list(&b, n, base, step);
    stk_buf_printf(&b, ")\n%s\n allow exit_group } }\n", tail);
    struct stk_policy_ir *ir = compile(b.data);
    stk_buf_free(&b);
    return ir;
}

/* Issue #16: the 300-value `in` set executes at most 30 instructions for any
 * value (a linear chain ran ~312). */
TEST(in_set_300_path_is_logarithmic)
{
    struct stk_policy_ir *ir = set_policy("", " allow ioctl if request in (", 300, 0x5400, 3, "");
    CHECK(ir);
    if (!ir)
        return;
    struct result r = property(ir);
    CHECK_MSG(r.max_path <= 30, "a 300-value set runs %u instructions for one call", r.max_path);
    stk_policy_ir_free(ir);
}

TEST(large_sets)
{
    static const struct {
        const char *cond;
        size_t n;
        uint64_t base, step;
        unsigned max_path;
    } t[] = {
        {" allow ioctl if request in (", 1000, 0, 0, 40},             /* random 32-bit values */
        {" allow ioctl if request in (", 1000, 0x10, 1, 20},          /* one interval */
        {" allow mmap if addr in (", 1000, 0x7f0000000000ull, 0x1000, 40},
        {" allow ioctl if arg in (", 300, 5, 0x100000000ull, 40},    /* only the high words differ */
        {" allow ioctl if request not in (", 300, 0x8000, 7, 30},
        {" allow getpriority if who in (", 300, (uint64_t)-150, 1, 30}, /* negative ints, adjacent */
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct stk_policy_ir *ir = set_policy("", t[i].cond, t[i].n, t[i].base, t[i].step, "");
        CHECK_MSG(ir, "case %zu", i);
        if (!ir)
            continue;
        struct result r = property(ir);
        CHECK_MSG(r.max_path <= t[i].max_path, "case %zu: %u instructions on one path", i, r.max_path);
        stk_policy_ir_free(ir);
    }
}

static const char *const shapes[] = {
    /* overlapping and adjacent values, duplicates, across two sets */
    "policy overlap { seccomp { default errno EPERM\n"
    " allow ioctl if request in (1, 2, 3, 4, 5, 6, 10, 11, 12, 5, 4, 0xffffffff, 0xfffffffe, 0)\n"
    " errno 9 ioctl if request in (3, 4, 5, 20, 21, 22, 23, 40)\n allow exit_group } }\n",
    /* masked sets, 32 and 64 bits, values outside the mask */
    "policy masked { seccomp { default errno EPERM\n"
    " allow ioctl if (request & 0xff00) in (0x5400, 0x5500, 0x8900, 0x4000, 0x12345)\n"
    " allow mmap if (flags & 0xff000000ff) in (0x0100000001, 0x02, 0x0300000000, 0x04, 0x0500000005, 0x100)\n"
    " allow prctl if (arg2 & 0xffffffff00000000) in (0x100000000, 0x200000000, 0x300000000, 0x400000000, 7)\n"
    " allow exit_group } }\n",
    /* not in, int and 64-bit */
    "policy notin { seccomp { default allow\n"
    " errno 5 fcntl if cmd not in (0, 1, 2, 3, 4, 1030, 1031)\n"
    " errno 6 lseek if offset not in (-1, -2, 0, 0x100000000, 0x1ffffffff, 0x7fffffffffffffff, 0x8000000000000000)\n"
    " } }\n",
    /* mixed actions across rules on one syscall: a run, broken by another argument, then another run */
    "policy mixed { seccomp { default kill-process\n"
    " allow ioctl if request == 0x5401\n errno 1 ioctl if request == 0x5402\n trap ioctl if request == 0x5401\n"
    " errno 2 ioctl if request in (0x5403, 0x5404, 0x5405, 0x5402)\n allow ioctl if request == 0x5406\n"
    " log ioctl if request == 0x5407 || request == 0x5408\n"
    " errno 3 ioctl if fd == 7\n"
    " allow ioctl if request == 0x5409\n errno 4 ioctl if request == 0x540a\n errno 5 ioctl if request == 0x540b\n"
    " errno 6 ioctl if request in (0x5409, 0x540c)\n"
    " errno 7 ioctl if (request & 0xff) == 0x10\n errno 8 ioctl if (request & 0xff) == 0x11\n"
    " errno 9 ioctl if (request & 0xff) in (0x12, 0x13, 0x10)\n"
    " allow kill if pid == -1\n errno 10 kill if pid == -2\n errno 11 kill if pid in (-3, 1, 2, -1)\n"
    " allow exit_group } }\n",
    /* rules whose action is the fallback's, shadowing later rules */
    "policy fallback { seccomp { default errno EPERM\n"
    " errno EPERM ioctl if request == 1\n errno EPERM ioctl if request in (7, 8)\n"
    " allow ioctl if request in (1, 2, 3, 4, 5, 7)\n errno EPERM ioctl if request in (2, 9, 10, 11)\n"
    " allow ioctl if request in (9, 12, 13, 14)\n"
    " allow exit_group } }\n",
    /* 64-bit values that differ only in the upper half, in a run with mixed actions */
    "policy upper { seccomp { default errno EPERM\n"
    " allow lseek if offset == 0x100000005\n errno 1 lseek if offset == 0x200000005\n"
    " errno 2 lseek if offset == 5\n errno 3 lseek if offset in (0xffffffff00000005, -5, 0x7fffffff00000005)\n"
    " allow lseek if offset == 0x300000005 } }\n",
    /* the same sets on i386 (every argument 32 bits) and x86_64 */
    "policy twoarch { seccomp { default errno EPERM\n arch x86_64, i386\n"
    " allow ioctl if request in (0x5401, 0x5402, 0x5403, 0x5404, 0x5410, 0x5411)\n"
    " allow mmap2, mmap if addr in (0x1000, 0x2000, 0x3000, 0x100001000, 0x200002000)\n"
    " errno 3 getpriority if who in (-1, -2, -3, 0, 1, 2)\n allow getpriority\n"
    " allow lseek if offset in (-1, 0x100000000, 5, 6, 7)\n allow exit_group } }\n",
};

TEST(set_shapes)
{
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        struct stk_policy_ir *ir = compile(shapes[i]);
        CHECK_MSG(ir, "shape %zu did not compile", i);
        if (!ir)
            continue;
        struct result r = property(ir);
        CHECK(r.checks > 1000);
        stk_policy_ir_free(ir);
    }
}

/* A run of 1,000 first-match rules on one argument, mixed actions, values
 * repeated across rules (the first rule wins): a search, not a chain. */
TEST(rule_run_1000_mixed_actions)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy run { seccomp { default errno EPERM\n arch x86_64, i386\n");
    for (int i = 0; i < 1000; i++) {
        unsigned v = (unsigned)(rnd() % 1500) * 4;
        if (i % 3 == 0)
            stk_buf_printf(&b, "allow ioctl if request == %u\n", v);
        else if (i % 3 == 1)
            stk_buf_printf(&b, "errno %d ioctl if request == %u\n", 1 + i % 7, v);
        else
            stk_buf_printf(&b, "log ioctl if request in (%u, %u)\n", v, v + 1);
    }
    stk_buf_puts(&b, "allow exit_group } }\n");
    struct stk_policy_ir *ir = compile(b.data);
    stk_buf_free(&b);
    CHECK(ir);
    if (!ir)
        return;
    struct result r = property(ir);
    CHECK_MSG(r.max_path <= 40, "a 1000-rule run executes %u instructions for one call", r.max_path);
    stk_policy_ir_free(ir);
}

/* Unconditional allows stay cacheable next to large sets. */
TEST(unconditional_allows_stay_cacheable)
{
    struct stk_policy_ir *ir = set_policy(" allow read, write, close, getpid\n", " allow ioctl if request in (", 500,
                                          0x1000, 5, " allow brk");
    CHECK(ir);
    if (!ir)
        return;
    struct stk_bpf_prog p;
    char err[256];
    CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == 0);
    const char *names[] = {"read", "write", "close", "getpid", "brk", "exit_group"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint32_t nr = stk_syscall_nr(stk_syscall_lookup(names[i]), STK_ABI_X86_64);
        CHECK_MSG(stk_bpf_cacheable(p.insns, p.len, AUDIT_ARCH_X86_64, nr), "%s not cacheable", names[i]);
    }
    uint32_t ioctl_nr = stk_syscall_nr(stk_syscall_lookup("ioctl"), STK_ABI_X86_64);
    CHECK(!stk_bpf_cacheable(p.insns, p.len, AUDIT_ARCH_X86_64, ioctl_nr));
    stk_bpf_prog_free(&p);
    stk_policy_ir_free(ir);
}

/* ---- the real kernel ---------------------------------------------------------------- */

#define KSET 600
static long kvals[KSET]; /* getpriority `who` values in the set (negative ones included) */

static int kernel_child(void)
{
    for (int i = 0; i < KSET; i += 7) {
        errno = 0;
        if (syscall(SYS_getpriority, PRIO_PROCESS, kvals[i]) != -1 || errno != 77)
            return 1;
    }
    /* not in the set: the kernel answers (ESRCH for no such process) */
    errno = 0;
    if (syscall(SYS_getpriority, PRIO_PROCESS, 999999L) == -1 && errno == 77)
        return 2;
    if (syscall(SYS_getpriority, PRIO_PROCESS, 0L) == -1) /* ourselves: allowed */
        return 3;
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0)
        return 4;
    /* 64-bit offsets that differ only in the high word */
    errno = 0;
    if (syscall(SYS_lseek, fd, 0x200000010L, SEEK_SET) != -1 || errno != 78)
        return 5;
    if (syscall(SYS_lseek, fd, 0x10L, SEEK_SET) < 0) /* /dev/null: 0 */
        return 6;
    if (syscall(SYS_lseek, fd, 0x400000010L, SEEK_SET) < 0)
        return 7;
    return 0;
}

TEST(kernel_loads_a_large_set)
{
    if (stk_native_abi() != STK_ABI_X86_64)
        SKIP("x86_64 syscall numbers");
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy k { seccomp { default allow\n errno 77 getpriority if who in (");
    for (int i = 0; i < KSET; i++) {
        kvals[i] = i % 2 ? 100000 + i * 3 : -1 - i;
        stk_buf_printf(&b, "%s%ld", i ? ", " : "", kvals[i]);
    }
    stk_buf_puts(&b, ")\n errno 78 lseek if offset in (");
    for (int i = 0; i < 300; i++)
        stk_buf_printf(&b, "%s0x%llx", i ? ", " : "", (unsigned long long)((uint64_t)(i % 4) << 32 | (uint64_t)i * 8));
    stk_buf_puts(&b, ") } }\n");
    struct stk_policy_ir *ir = compile(b.data);
    stk_buf_free(&b);
    CHECK(ir);
    if (!ir)
        return;
    /* the reference says the same for what the child calls */
    struct seccomp_data d = {.nr = SYS_getpriority, .arch = AUDIT_ARCH_X86_64, .args = {PRIO_PROCESS, 0}};
    d.args[1] = (uint64_t)kvals[7];
    CHECK_U64(stk_ref_decide(ir, &d), SECCOMP_RET_ERRNO | 77);
    d.args[1] = 999999;
    CHECK_U64(stk_ref_decide(ir, &d), SECCOMP_RET_ALLOW);
    d = (struct seccomp_data){.nr = SYS_lseek, .arch = AUDIT_ARCH_X86_64, .args = {3, 0x200000010ull, SEEK_SET}};
    CHECK_U64(stk_ref_decide(ir, &d), SECCOMP_RET_ERRNO | 78);
    d.args[1] = 0x10;
    CHECK_U64(stk_ref_decide(ir, &d), SECCOMP_RET_ALLOW);
    d.args[1] = 0x400000010ull;
    CHECK_U64(stk_ref_decide(ir, &d), SECCOMP_RET_ALLOW);
    property(ir);

    struct stk_bpf_prog p;
    char err[256];
    CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == 0);
    struct sock_fprog fp = {.len = (unsigned short)p.len, .filter = p.insns};
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            _exit(100);
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0)
            _exit(101);
        _exit(kernel_child());
    }
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status 0x%x: check %d failed", st,
              WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    stk_bpf_prog_free(&p);
    stk_policy_ir_free(ir);
}

int main(void)
{
    RUN(in_set_300_path_is_logarithmic);
    RUN(large_sets);
    RUN(set_shapes);
    RUN(rule_run_1000_mixed_actions);
    RUN(unconditional_allows_stay_cacheable);
    RUN(kernel_loads_a_large_set);
    return test_summary();
}
