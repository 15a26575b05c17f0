/* test_report_split.c — `--report` on a policy split into stacked filters
 * (enforcer/supervise/report_split.c), against the kernel's combination rule
 * (common/bpf_stack.c).
 *
 * For split policies with every action: the stack --report installs (the
 * earlier filters downgraded to ALLOW, the last one's notifying copy with
 * the listener guard and the notify prefix) passes the kernel's checks and
 * budget; for every number on every ABI, foreign architectures, number
 * edges and argument vectors from the policy's constants and at random:
 *   - the supervisor's decision (stk_report_split_run) is the original
 *     stack's;
 *   - wherever the original stack does not allow, the installed stack
 *     notifies (only the listener guard answers seccomp(NEW_LISTENER)
 *     itself), and where it allows, the installed stack allows or notifies;
 *   - every call the original stack lets the kernel cache stays cached.
 * And the same stack without the prefix lets calls the policy denies run:
 * the prefix is what the property rests on. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_interp.h"
#include "bpf_stack.h"
#include "bundle/bundle.h"
#include "pipeline.h"
#include "seccomp/bpf_gen.h"
#include "supervise/report.h"
#include "supervise/report_split.h"
#include "syscalls.h"
#include "testlib.h"
#include "util.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char *const scs[4] = {"ioctl", "fcntl", "setsockopt", "prctl"};

/* 1,500 values on each of four syscalls, actions cycling through acts */
static const char *arch_line = "x86_64, i386, x32";
static struct stk_policy_ir *policy(const char *def, const char *const *acts, size_t nacts, uint64_t *vals)
{
    struct stk_buf b = {0};
    stk_buf_printf(&b, "policy rs { seccomp { default %s\narch %s\nerrno EACCES execveat\n"
                       "allow read, write, exit_group, getpid\nlog uname\nkill-process mount\n", def, arch_line);
    for (size_t s = 0; s < 4; s++)
        for (size_t i = 0; i < 1500; i++) {
            uint64_t v = 0x1000 + i * 3 + s * 7;
            vals[s * 1500 + i] = v;
            stk_buf_printf(&b, "%s %s if arg1 == %llu\n", acts[(i + s) % nacts], scs[s], (unsigned long long)v);
        }
    stk_buf_puts(&b, "} }\n");
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("rs.stk", b.data, b.len, NULL, &ds);
    if (!ir)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    stk_buf_free(&b);
    return ir;
}

struct stacks {
    struct stk_bpf_prog p;        /* the original filters */
    struct stk_bpf_filter *inst;  /* as --report installs them */
    struct stk_report *r;         /* the supervisor's view */
    struct sock_filter *last;     /* its copy of the last filter */
    unsigned long checked, notified, missed;
};

static void build(struct stk_policy_ir *ir, struct stacks *k, bool with_prefix)
{
    char err[512];
    memset(k, 0, sizeof *k);
    CHECK_MSG(stk_bpf_generate(ir, &k->p, err, sizeof err) == 0, "generate: %s", err);
    size_t n = k->p.nfilters, last = n - 1;
    CHECK_MSG(n >= 2, "%zu filters", n);
    struct stk_bundle_seccomp s = {.present = true, .filters = k->p.filters, .nfilters = n};
    struct stk_err e = {0};
    struct stk_report_split *sp = NULL;
    CHECK_MSG(stk_report_split_prepare(&s, &sp, &e) == 0, "prepare: %s", e.msg);
    CHECK(sp && sp->prefix_len > 0);
    k->r = stk_xcalloc(1, sizeof *k->r);
    k->r->split = sp;
    k->r->len = k->p.filters[last].len;
    k->last = stk_xcalloc(k->r->len, sizeof *k->last);
    memcpy(k->last, k->p.filters[last].insns, k->r->len * sizeof *k->last);
    /* the installed stack, as stk_seccomp_install makes it */
    k->inst = stk_xcalloc(n, sizeof *k->inst);
    struct sock_fprog *progs = stk_xcalloc(n, sizeof *progs);
    for (size_t f = 0; f < n; f++) {
        progs[f].len = (unsigned short)k->p.filters[f].len;
        progs[f].filter = stk_xcalloc(progs[f].len, sizeof *progs[f].filter);
        memcpy(progs[f].filter, k->p.filters[f].insns, progs[f].len * sizeof *progs[f].filter);
    }
    struct sock_filter *copy;
    size_t copy_len;
    CHECK_INT(stk_report_notifying_copy(progs[last].filter, progs[last].len, &copy, &copy_len, &e), 0);
    if (!with_prefix)
        sp->prefix_len = 0; /* the stack without the prefix: only to show it matters */
    CHECK_MSG(stk_report_split_copies(k->r, progs, last, &copy, &copy_len, &e) == 0, "copies: %s", e.msg);
    for (size_t f = 0; f < last; f++) {
        k->inst[f] = (struct stk_bpf_filter){progs[f].filter, progs[f].len, NULL, 0};
        for (size_t i = 0; i < progs[f].len; i++)
            if (progs[f].filter[i].code == (BPF_RET | BPF_K))
                CHECK_U64(progs[f].filter[i].k, SECCOMP_RET_ALLOW);
    }
    free(progs[last].filter);
    free(progs);
    k->inst[last] = (struct stk_bpf_filter){copy, copy_len, NULL, 0};
    for (size_t f = 0; f < n; f++) {
        CHECK_MSG(k->inst[f].len <= STK_BPF_MAXINSNS, "installed filter %zu: %zu instructions", f, k->inst[f].len);
        CHECK_MSG(stk_bpf_validate(k->inst[f].insns, k->inst[f].len, err, sizeof err) == 0,
                  "installed filter %zu fails the kernel's checks: %s", f, err);
    }
    CHECK(stk_bpf_stack_path_len(k->inst, n) <= STK_BPF_MAX_PATH_INSNS);
}

static void release(struct stacks *k)
{
    for (size_t f = 0; f < k->p.nfilters; f++)
        free(k->inst[f].insns);
    free(k->inst);
    free(k->last);
    stk_report_split_free(k->r->split);
    free(k->r);
    stk_bpf_prog_free(&k->p);
}

static bool is_guarded(const struct seccomp_data *d)
{
    const char *abi, *name = stk_report_syscall_name(d->arch, (uint32_t)d->nr, &abi);
    return name && strcmp(name, "seccomp") == 0 && (d->args[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER);
}

static void check_one(struct stacks *k, const struct seccomp_data *d, bool strict)
{
    size_t n = k->p.nfilters;
    uint32_t orig = stk_bpf_stack_run(k->p.filters, n, d, NULL);
    uint32_t inst = stk_bpf_stack_run(k->inst, n, d, NULL);
    uint32_t act = inst & SECCOMP_RET_ACTION_FULL;
    k->checked++;
    if (act == SECCOMP_RET_USER_NOTIF)
        k->notified++;
    bool denied = (orig & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW;
    /* the listener guard answers seccomp(NEW_LISTENER) itself on the ABIs the kernel runs */
    bool ok = inst == (SECCOMP_RET_ERRNO | EBUSY) ? is_guarded(d)
              : denied                            ? act == SECCOMP_RET_USER_NOTIF
                                                  : act == SECCOMP_RET_USER_NOTIF || act == SECCOMP_RET_ALLOW;
    if (!ok)
        k->missed++;
    if (!strict)
        return;
    CHECK_MSG(ok, "arch 0x%x nr 0x%x args {%llx %llx}: the original stack says 0x%08x, the installed one 0x%08x",
              d->arch, (unsigned)d->nr, (unsigned long long)d->args[0], (unsigned long long)d->args[1], orig, inst);
    uint32_t sup = stk_report_split_run(k->r, k->last, d);
    CHECK_MSG(sup == orig, "arch 0x%x nr 0x%x args {%llx %llx}: the supervisor decides 0x%08x, the stack 0x%08x",
              d->arch, (unsigned)d->nr, (unsigned long long)d->args[0], (unsigned long long)d->args[1], sup, orig);
}

static void sweep(struct stacks *k, const uint64_t *vals, bool strict)
{
    size_t n = k->p.nfilters;
    const uint32_t foreign[] = {0, 0xdeadbeef, AUDIT_ARCH_AARCH64};
    for (size_t f = 0; f < sizeof foreign / sizeof foreign[0]; f++)
        for (int nr = 0; nr < 80; nr += 3) {
            struct seccomp_data d = {.nr = nr, .arch = foreign[f]};
            check_one(k, &d, strict);
        }
    unsigned long uncached = 0;
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        uint32_t arch = stk_abis[a].audit_arch;
        int32_t max = stk_syscall_max_nr((enum stk_abi)a);
        int64_t upto = max > 1024 ? 1024 : max + 16; /* arm's private numbers: from the table below */
        for (int64_t raw = 0; raw <= upto + (int64_t)stk_syscall_count; raw++) {
            int64_t t = raw <= upto ? raw : stk_syscall_nr((int)(raw - upto - 1), (enum stk_abi)a);
            if (raw > upto && (t < 0 || (t & ~(int64_t)stk_abis[a].nr_offset) <= upto))
                continue;
            struct seccomp_data d = {.nr = (int)((uint32_t)t | stk_abis[a].nr_offset), .arch = arch};
            check_one(k, &d, strict);
            if (stk_bpf_stack_cacheable(k->p.filters, n, arch, (uint32_t)d.nr) &&
                !stk_bpf_stack_cacheable(k->inst, n, arch, (uint32_t)d.nr))
                uncached++;
            for (int t = 0; t < 40; t++) {
                for (int i = 0; i < 6; i++)
                    d.args[i] = rnd() % 4 == 0 ? rnd() : vals[rnd() % 6000] + (rnd() % 3) - 1;
                check_one(k, &d, strict);
            }
        }
    }
    if (strict)
        CHECK_MSG(uncached == 0, "%lu calls the original stack lets the kernel cache are not cached under --report",
                  uncached);
    /* numbers past the prefix's enumeration (no kernel runs them; nothing
     * the policy decides by arguments may be let through there either),
     * with and without the x32 bit, with the policy's values */
    for (int a = 0; a < STK_ABI_COUNT; a++)
        for (int t = 0; t < 3000; t++) {
            uint32_t nr = 4096 + (uint32_t)(rnd() % (0x40000000u - 4096));
            struct seccomp_data d = {.nr = (int)(nr | (t & 1 ? 0x40000000u : 0)), .arch = stk_abis[a].audit_arch};
            d.args[1] = vals[rnd() % 6000];
            check_one(k, &d, strict);
        }
    const uint32_t edges[] = {0x3fffffff, 0x40000000, 0x400001ff, 0x7fffffff, 0x80000000, 0xffffffff};
    for (int a = 0; a < STK_ABI_COUNT; a++)
        for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
            struct seccomp_data d = {.nr = (int)edges[e], .arch = stk_abis[a].audit_arch};
            check_one(k, &d, strict);
        }
    /* every value of every set, on the native numbers of the four syscalls */
    for (size_t s = 0; s < 4; s++) {
        int id = stk_syscall_lookup(scs[s]);
        for (int a = 0; a < STK_ABI_COUNT; a++) {
            int64_t nr = stk_syscall_nr(id, (enum stk_abi)a);
            if (nr < 0)
                continue;
            for (size_t i = 0; i < 6000; i++) {
                struct seccomp_data d = {.nr = (int)nr, .arch = stk_abis[a].audit_arch};
                d.args[1] = vals[i];
                check_one(k, &d, strict);
            }
        }
    }
}

static void property(const char *def, const char *const *acts, size_t nacts)
{
    uint64_t *vals = stk_xcalloc(6000, sizeof *vals);
    struct stk_policy_ir *ir = policy(def, acts, nacts, vals);
    CHECK(ir);
    struct stacks k;
    build(ir, &k, true);
    sweep(&k, vals, true);
    CHECK(k.notified > 0);
    printf("  default %s: %zu filters, prefix %zu instructions; %lu inputs, %lu notified\n", def, k.p.nfilters,
           k.r->split->prefix_len, k.checked, k.notified);
    release(&k);
    /* without the prefix the downgraded filters let denied calls run */
    build(ir, &k, false);
    sweep(&k, vals, false);
    CHECK_MSG(k.missed > 0, "the stack without the prefix notified every denied call: the check is blind");
    release(&k);
    stk_policy_ir_free(ir);
    free(vals);
}

TEST(split_report_mixed_actions)
{
    static const char *const acts[] = {"allow", "errno EACCES", "kill-process", "allow", "errno 77", "trap",
                                       "log", "kill-thread", "errno EPERM"};
    property("errno EPERM", acts, sizeof acts / sizeof acts[0]);
}

TEST(split_report_default_allow)
{
    static const char *const acts[] = {"errno EPERM", "kill-process", "allow", "log"};
    property("allow", acts, sizeof acts / sizeof acts[0]);
}

/* Hundreds of syscalls decided by argument in the earlier filters: the
 * prefix's comparisons for one ABI run past one conditional jump's reach
 * and are chunked (report_split.c, CHUNK). */
TEST(split_report_many_syscalls)
{
    uint64_t *vals = stk_xcalloc(6000, sizeof *vals);
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy many { seccomp { default errno EPERM\narch x86_64\n");
    size_t nv = 0, nsc = 0;
    for (size_t i = 0; i < stk_syscall_count; i++) {
        const char *n = stk_syscall_table[i].name;
        if (stk_syscall_table[i].nr[STK_ABI_X86_64] < 0 || strcmp(n, "execve") == 0 || strcmp(n, "execveat") == 0 ||
            strcmp(n, "seccomp") == 0 || strcmp(n, "exit_group") == 0 || strcmp(n, "exit") == 0)
            continue;
        nsc++;
        for (int k = 0; k < 16; k++) {
            uint64_t v = 0x5000 + i * 32 + (uint64_t)k;
            if (nv < 6000)
                vals[nv++] = v;
            stk_buf_printf(&b, "%s %s if arg0 == %llu\n", k % 2 ? "allow" : "errno EACCES", n, (unsigned long long)v);
        }
    }
    stk_buf_puts(&b, "allow exit_group, exit\n} }\n");
    for (size_t i = nv; i < 6000; i++)
        vals[i] = vals[i % nv];
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("many.stk", b.data, b.len, NULL, &ds);
    if (!ir)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    stk_buf_free(&b);
    CHECK(ir);
    struct stacks k;
    build(ir, &k, true);
    CHECK_MSG(k.r->split->prefix_len > 2 + 4 + 250 + 2, "prefix %zu instructions: want more than one chunk",
              k.r->split->prefix_len);
    sweep(&k, vals, true);
    printf("  %zu syscalls by argument: %zu filters, prefix %zu instructions; %lu inputs, %lu notified\n", nsc,
           k.p.nfilters, k.r->split->prefix_len, k.checked, k.notified);
    release(&k);
    stk_policy_ir_free(ir);
    free(vals);
}

/* The downgrade: every return allows; a computed return is refused. */
TEST(split_report_downgrade)
{
    struct sock_filter p[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 5),
    };
    struct stk_err e = {0};
    CHECK_INT(stk_report_split_downgrade(p, 4, &e), 0);
    CHECK_U64(p[2].k, SECCOMP_RET_ALLOW);
    CHECK_U64(p[3].k, SECCOMP_RET_ALLOW);
    CHECK_U64(p[1].k, 1);
    struct sock_filter q[] = {BPF_STMT(BPF_RET | BPF_A, 0)};
    CHECK_INT(stk_report_split_downgrade(q, 1, &e), -1);
    CHECK_CONTAINS(e.msg, "computed action");
}

int main(void)
{
    RUN(split_report_downgrade);
    RUN(split_report_many_syscalls);
    RUN(split_report_mixed_actions);
    RUN(split_report_default_allow);
    arch_line = "x86_64";
    RUN(split_report_mixed_actions);
    RUN(split_report_default_allow);
    arch_line = "i386";
    RUN(split_report_default_allow);
    return test_summary();
}
