/* test_bpf_gen.c — the seccomp code generator held to the reference model.
 *
 * For each test policy: the program passes the kernel's checks (our
 * validator), and for every syscall number 0..max+16 on every ABI, x32
 * numbers, foreign architecture values, and argument vectors built from the
 * policy's constants (±1, 0, all-ones, high-word variants), the interpreter
 * running the BPF returns exactly what the reference evaluator decides from
 * the IR.  Plus: libseccomp cross-check, trampolines, the size limit,
 * cacheability of unconditional allows. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/bpf_gen.h"
#include "bpf_interp.h"
#include "seccomp/bpf_layout.h"
#include "front/embedded.h"
#include "lib/libseccomp_peer.h"
#include <seccomp.h>
#include "pipeline.h"
#include "seccomp/ref_eval.h"
#include "testlib.h"
#include "util.h"

static struct stk_policy_ir *compile(const char *text)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("test.stk", text, strlen(text), NULL, &ds);
    if (!ir)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    return ir;
}

static struct stk_policy_ir *compile_file(const char *path)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_file(path, NULL, &ds);
    if (!ir)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    return ir;
}

/* deterministic PRNG */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void add_val(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
    STK_PUSH(*v, *n, *cap, x);
}

static void collect(const struct stk_cond *c, uint64_t **v, size_t *n, size_t *cap)
{
    if (!c)
        return;
    collect(c->a, v, n, cap);
    collect(c->b, v, n, cap);
    uint64_t base[64];
    size_t nb = 0;
    if (c->kind == STK_COND_CMP) {
        base[nb++] = c->value;
        base[nb++] = c->mask;
    }
    for (size_t i = 0; i < c->nvalues && nb < 60; i++)
        base[nb++] = c->values[i];
    for (size_t i = 0; i < nb; i++) {
        uint64_t x = base[i];
        uint64_t vars[] = {x, x - 1, x + 1, x | 0xffffffff00000000ull, x & 0xffffffffull, x << 32,
                           (x << 32) | x, ~x, x ^ 0x80000000ull, x | 0x100000000ull};
        for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++)
            add_val(v, n, cap, vars[k]);
    }
}

struct stats {
    unsigned long checks;
};

static void check_one(const struct stk_policy_ir *ir, const struct stk_bpf_prog *p, const struct seccomp_data *d,
                      struct stats *st)
{
    unsigned ex = 0;
    uint32_t got = stk_bpf_run(p->insns, p->len, d, &ex);
    uint32_t want = stk_ref_decide(ir, d);
    st->checks++;
    CHECK_MSG(got == want,
              "policy %s: arch 0x%x nr %d args {%llx %llx %llx %llx %llx %llx}: BPF says 0x%08x, reference 0x%08x",
              ir->name, d->arch, d->nr, (unsigned long long)d->args[0], (unsigned long long)d->args[1],
              (unsigned long long)d->args[2], (unsigned long long)d->args[3], (unsigned long long)d->args[4],
              (unsigned long long)d->args[5], got, want);
}

/* The whole property for one policy. */
static void property(struct stk_policy_ir *ir)
{
    struct stk_bpf_prog p;
    char err[256];
    CHECK_MSG(stk_bpf_generate(ir, &p, err, sizeof err) == 0, "generate: %s", err);
    CHECK_MSG(stk_bpf_validate(p.insns, p.len, err, sizeof err) == 0, "kernel checks: %s", err);
    for (size_t i = 0; i < p.nexec_fd_insns; i++)
        CHECK_U64(p.insns[p.exec_fd_insns[i]].k, STK_EXEC_FD_PLACEHOLDER);
    struct stats st = {0};
    const uint32_t foreign[] = {0, 0xdeadbeef, AUDIT_ARCH_PPC64LE, AUDIT_ARCH_S390X, AUDIT_ARCH_X86_64 ^ 1};
    for (size_t f = 0; f < sizeof foreign / sizeof foreign[0]; f++) {
        struct seccomp_data d = {.nr = 0, .arch = foreign[f]};
        check_one(ir, &p, &d, &st);
        d.nr = 59;
        check_one(ir, &p, &d, &st);
    }
    /* conditional syscalls: argument candidates */
    uint64_t **cand = stk_xcalloc(stk_syscall_count, sizeof *cand);
    size_t *ncand = stk_xcalloc(stk_syscall_count, sizeof *ncand);
    size_t *capc = stk_xcalloc(stk_syscall_count, sizeof *capc);
    for (size_t i = 0; i < ir->seccomp.nrules; i++) {
        const struct stk_rule *r = &ir->seccomp.rules[i];
        if (!r->cond)
            continue;
        if (ncand[r->syscall] == 0) {
            const uint64_t std[] = {0, 1, ~0ull, 0xffffffffull, 0x80000000ull, 0x7fffffffull,
                                    0xffffffff00000000ull, 0x8000000000000000ull};
            for (size_t k = 0; k < sizeof std / sizeof std[0]; k++)
                add_val(&cand[r->syscall], &ncand[r->syscall], &capc[r->syscall], std[k]);
        }
        collect(r->cond, &cand[r->syscall], &ncand[r->syscall], &capc[r->syscall]);
    }
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        uint32_t arch = stk_abis[a].audit_arch;
        int32_t max = stk_layout_max_regular((enum stk_abi)a);
        for (int64_t raw = 0; raw <= (int64_t)max + 16; raw++) {
            struct seccomp_data d = {.nr = (int)((uint32_t)raw + stk_abis[a].nr_offset), .arch = arch};
            check_one(ir, &p, &d, &st);
            const char *name = stk_syscall_name_by_nr((enum stk_abi)a, (uint32_t)d.nr);
            int sc = name ? stk_syscall_lookup(name) : -1;
            if (sc < 0 || ncand[sc] == 0)
                continue;
            /* every candidate in every argument position, others zero ... */
            for (int pos = 0; pos < 6; pos++) {
                for (size_t k = 0; k < ncand[sc]; k++) {
                    memset(d.args, 0, sizeof d.args);
                    d.args[pos] = cand[sc][k];
                    check_one(ir, &p, &d, &st);
                }
            }
            /* ... and random combinations of candidates */
            for (int n = 0; n < 3000; n++) {
                for (int pos = 0; pos < 6; pos++)
                    d.args[pos] = cand[sc][rnd() % ncand[sc]];
                check_one(ir, &p, &d, &st);
            }
        }
    }
    /* the edges of the number space */
    const uint32_t edges[] = {0x3fffffff, 0x40000000, 0x40000001, 0x4000003b, 0x400001ff, 0x40000200,
                              0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};
    for (int a = 0; a < STK_ABI_COUNT; a++)
        for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
            struct seccomp_data d = {.nr = (int)edges[e], .arch = stk_abis[a].audit_arch};
            check_one(ir, &p, &d, &st);
        }
    for (size_t i = 0; i < stk_syscall_count; i++)
        free(cand[i]);
    free(cand);
    free(ncand);
    free(capc);
    CHECK(st.checks > 1000);
    printf("  %s: %lu decisions compared, %zu instructions\n", ir->name, st.checks, p.len);
    stk_bpf_prog_free(&p);
}

static const char *const policies[] = {
    /* 24-syscall allowlist, kill default */
    "policy small { seccomp { default kill-process\n"
    " allow read, write, close, fstat, mmap, mprotect, munmap, brk, rt_sigaction, rt_sigprocmask,\n"
    " rt_sigreturn, ioctl, pread64, pwrite64, readv, writev, access, pipe, select, sched_yield,\n"
    " mremap, msync, exit, exit_group } }\n",
    /* argument filters of every shape */
    "policy args { seccomp { default errno EPERM\n"
    " allow socket if domain in (AF_UNIX, AF_INET, AF_INET6) && type != SOCK_RAW\n"
    " errno EAFNOSUPPORT socket\n"
    " allow mmap, mprotect if (prot & PROT_EXEC) == 0\n"
    " allow openat if flags & O_WRONLY || (flags & O_RDWR) == 0\n"
    " allow kill if pid > 0 && sig <= 15\n"
    " allow lseek if offset >= -5 && offset < 0x100000000\n"
    " allow read if fd < 3 || fd > 1000\n"
    " allow write if !(fd >= 10 && fd <= 20)\n"
    " allow fcntl if cmd not in (F_SETFL, F_SETOWN)\n"
    " allow prctl if option == PR_SET_NAME || option == PR_GET_NAME\n"
    " allow ioctl if (request & 0xff00) == 0x5400 && request != TIOCSTI\n"
    " allow clone if (flags & CLONE_NEWUSER) == 0 && (flags & 0xffffffff00000000) == 0\n"
    " allow setsockopt if level == SOL_SOCKET && optname in (SO_REUSEADDR, SO_KEEPALIVE)\n"
    " trace 7 ptrace if request == 0\n"
    " log getpid\n"
    " allow mremap if flags & 0x8000000000000000\n"
    " allow pread64 if offset <= -1\n"
    " allow pwrite64 if count > 0xffffffff\n"
    " allow exit, exit_group, close, brk } }\n",
    /* default-allow denylist */
    "include \"groups.stk\"\npolicy deny { seccomp { default allow\n"
    " kill-process @mount, @module, @reboot, @swap, @raw-io\n errno EPERM ptrace, personality } }\n",
    /* multi-ABI */
    "include \"groups.stk\"\npolicy multi { seccomp { default errno EPERM\n arch x86_64, i386, x32, aarch64, arm, riscv64\n"
    " allow @system-service\n allow socket if domain == AF_INET\n allow clone if (flags & CLONE_NEWNS) == 0 } }\n",
    /* x32 only */
    "policy x32only { seccomp { default errno EPERM\n arch x32\n allow read, write, exit_group } }\n",
    /* i386 only, 32-bit argument widths */
    "policy i386only { seccomp { default kill\n arch i386\n allow read if fd == 0xffffffff\n allow mmap2 if prot < 4\n"
    " allow _llseek, exit } }\n",
    /* newer_syscalls and unusual actions */
    "policy newer { seccomp { default trap\n newer_syscalls allow\n tiocsti allow\n allow read\n notify write\n"
    " kill-thread getpid\n errno 4095 getppid } }\n",
    /* no seccomp block: allow all but TIOCSTI */
    "policy none { no_new_privs }\n",
    /* the exec hand-over and listener built-ins next to the policy's own seccomp rules */
    "policy handover { seccomp { default errno EPERM\n arch x86_64, i386\n allow seccomp if operation == 1\n"
    " allow execveat if dirfd == 3\n allow read, write, exit_group } }\n",
    /* only execve denied: no hand-over rule; seccomp never allowed: no listener rule */
    "policy execve_only { seccomp { default allow\n errno EPERM execve\n kill-process seccomp } }\n",
};

TEST(property_inline_policies)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++) {
        struct stk_policy_ir *ir = compile(policies[i]);
        CHECK_MSG(ir, "policy %zu did not compile", i);
        property(ir);
        stk_policy_ir_free(ir);
    }
}

TEST(property_shipped_policies)
{
    const char *files[] = {"policies/examples/web.stk", "policies/examples/deny-exec.stk",
                           "policies/examples/denylist.stk", "policies/examples/minimal.stk"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct stk_policy_ir *ir = compile_file(files[i]);
        CHECK_MSG(ir, "%s did not compile", files[i]);
        property(ir);
        stk_policy_ir_free(ir);
    }
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *def = stk_compile_default(&ds);
    stk_diags_free(&ds);
    CHECK(def);
    property(def);
    stk_policy_ir_free(def);
}

/* Enough conditional code that jumps exceed 255 instructions: trampolines. */
TEST(far_jumps_use_trampolines)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy big { seccomp { default errno EPERM\n");
    const char *scs[] = {"read", "write", "openat", "close", "lseek", "pread64", "pwrite64", "dup", "dup3",
                         "fcntl", "flock", "fsync", "ftruncate", "getdents64", "fchmod", "fchown"};
    for (size_t i = 0; i < sizeof scs / sizeof scs[0]; i++) {
        stk_buf_printf(&b, "allow %s if arg0 in (", scs[i]);
        for (int k = 0; k < 40; k++)
            stk_buf_printf(&b, "%s%d", k ? ", " : "", k * 7 + (int)i);
        stk_buf_puts(&b, ") && arg1 != 0x1234567890\n");
    }
    stk_buf_puts(&b, "allow exit_group, getpid, brk } }\n");
    struct stk_policy_ir *ir = compile(b.data);
    stk_buf_free(&b);
    CHECK(ir);
    struct stk_bpf_prog p;
    char err[256];
    CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == 0);
    CHECK_MSG(p.len > 600, "program only %zu instructions", p.len);
    size_t ja = 0;
    for (size_t i = 0; i < p.len; i++)
        if (p.insns[i].code == (BPF_JMP | BPF_JA))
            ja++;
    CHECK_MSG(ja > 0, "no trampolines in a %zu-instruction program", p.len);
    stk_bpf_prog_free(&p);
    property(ir);
    stk_policy_ir_free(ir);
}

TEST(too_large_is_refused)
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
    char err[256] = "";
    CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "too large");
    CHECK_CONTAINS(err, "4096");
    stk_policy_ir_free(ir);
}

/* Every unconditional allow must be cacheable by the kernel; x32 numbers are
 * never allowed by a native-only policy. */
TEST(unconditional_allows_are_cacheable)
{
    struct stk_policy_ir *ir = compile_file("policies/examples/web.stk");
    CHECK(ir);
    struct stk_bpf_prog p;
    char err[256];
    CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == 0);
    size_t allow = 0, cached = 0;
    for (int32_t nr = 0; nr <= stk_layout_max_regular(STK_ABI_X86_64); nr++) {
        bool uncond = true;
        uint32_t r0 = 0;
        for (int k = 0; k < 4; k++) {
            struct seccomp_data d = {.nr = nr, .arch = AUDIT_ARCH_X86_64};
            for (int i = 0; i < 6; i++)
                d.args[i] = k == 0 ? 0 : rnd();
            uint32_t r = stk_bpf_run(p.insns, p.len, &d, NULL);
            if (k == 0)
                r0 = r;
            else if (r != r0)
                uncond = false;
        }
        /* an allow that does not depend on the arguments */
        const char *name = stk_syscall_name_by_nr(STK_ABI_X86_64, (uint32_t)nr);
        if (!name || r0 != SECCOMP_RET_ALLOW || !uncond)
            continue;
        int sc = stk_syscall_lookup(name);
        bool has_cond = false;
        for (size_t i = 0; i < ir->seccomp.nrules; i++)
            if (ir->seccomp.rules[i].syscall == sc && ir->seccomp.rules[i].cond)
                has_cond = true;
        if (has_cond)
            continue;
        allow++;
        if (stk_bpf_cacheable(p.insns, p.len, AUDIT_ARCH_X86_64, (uint32_t)nr))
            cached++;
        else
            CHECK_MSG(0, "%s is an unconditional allow but not cacheable", name);
    }
    CHECK(allow > 200);
    CHECK_INT(cached, allow);
    for (uint32_t nr = 0x40000000; nr < 0x40000000 + 600; nr++) {
        struct seccomp_data d = {.nr = (int)nr, .arch = AUDIT_ARCH_X86_64};
        CHECK_U64(stk_bpf_run(p.insns, p.len, &d, NULL), SECCOMP_RET_KILL_PROCESS);
    }
    stk_bpf_prog_free(&p);
    stk_policy_ir_free(ir);
}

/* Unknown numbers: ENOSYS above the newest known syscall, the default below. */
TEST(newer_syscalls_get_enosys)
{
    struct stk_policy_ir *ir = compile("policy p { seccomp { default errno EPERM\n allow read } }\n");
    CHECK(ir);
    struct stk_bpf_prog p;
    char err[256];
    CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == 0);
    int32_t max = stk_layout_max_regular(STK_ABI_X86_64);
    CHECK(max >= 462); /* mseal and later are known */
    struct seccomp_data d = {.nr = max + 1, .arch = AUDIT_ARCH_X86_64};
    CHECK_U64(stk_bpf_run(p.insns, p.len, &d, NULL), SECCOMP_RET_ERRNO | 38);
    d.nr = 335 + 100; /* a known syscall: default */
    d.nr = stk_syscall_lookup("mseal") >= 0 ? (int)stk_syscall_nr(stk_syscall_lookup("mseal"), STK_ABI_X86_64) : 0;
    CHECK_U64(stk_bpf_run(p.insns, p.len, &d, NULL), SECCOMP_RET_ERRNO | 1);
    stk_bpf_prog_free(&p);
    stk_policy_ir_free(ir);
}

/* Independent cross-check: libseccomp builds the same policies; on every
 * number libseccomp knows (zero-extended small arguments), both agree. */
TEST(libseccomp_cross_check)
{
    const char *texts[] = {
        policies[0],
        "include \"groups.stk\"\npolicy deny { seccomp { default allow\n kill-process @mount, @module, @reboot\n"
        " errno EPERM ptrace } }\n",
        "include \"groups.stk\"\npolicy svc { seccomp { default errno EPERM\n allow @system-service } }\n",
        "policy c { seccomp { default errno EPERM\n allow socket if domain in (1, 2, 10)\n"
        " allow read if fd < 100\n allow mmap if (prot & 4) == 4\n allow write if fd == 1 && count > 3\n"
        " allow exit_group } }\n",
        "include \"groups.stk\"\npolicy multi { seccomp { default errno EPERM\n arch x86_64, i386, x32\n"
        " allow @basic-io, @default } }\n",
    };
    size_t compared = 0;
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        struct stk_policy_ir *ir = compile(texts[t]);
        CHECK(ir);
        /* the built-in rules (TIOCSTI, exec) are ours alone */
        struct stk_policy_ir copy = *ir;
        size_t skip = 0;
        while (skip < copy.seccomp.nrules && copy.seccomp.rules[skip].loc.file == 0)
            skip++;
        copy.seccomp.rules += skip;
        copy.seccomp.nrules -= skip;
        struct stk_bpf_prog p;
        char err[256];
        CHECK(stk_bpf_generate(&copy, &p, err, sizeof err) == 0);
        for (int opt = 0; opt <= 2; opt++) {
            struct sock_filter *lp = NULL;
            size_t llen = 0;
            CHECK_MSG(stk_libseccomp_build(&copy, opt, &lp, &llen, err, sizeof err) == 0, "libseccomp: %s", err);
            for (int a = 0; a < STK_ABI_COUNT; a++) {
                if (!copy.seccomp.abis[a])
                    continue;
                for (int32_t raw = 0; raw <= stk_layout_max_regular((enum stk_abi)a); raw++) {
                    uint32_t nr = (uint32_t)raw + stk_abis[a].nr_offset;
                    const char *name = stk_syscall_name_by_nr((enum stk_abi)a, nr);
                    if (!name || seccomp_syscall_resolve_name_arch((uint32_t)stk_abis[a].libseccomp_arch, name) < 0)
                        continue; /* libseccomp does not know it */
                    for (int k = 0; k < 40; k++) {
                        struct seccomp_data d = {.nr = (int)nr, .arch = stk_abis[a].audit_arch};
                        for (int i = 0; i < 6; i++)
                            d.args[i] = k == 0 ? 0 : rnd() % 200;
                        uint32_t ours = stk_bpf_run(p.insns, p.len, &d, NULL);
                        uint32_t theirs = stk_bpf_run(lp, llen, &d, NULL);
                        CHECK_MSG(ours == theirs, "%s opt %d: %s (nr %u arch %s) args %llu %llu: ours 0x%x, libseccomp 0x%x",
                                  copy.name, opt, name, nr, stk_abis[a].name, (unsigned long long)d.args[0],
                                  (unsigned long long)d.args[1], ours, theirs);
                        compared++;
                    }
                }
            }
            free(lp);
        }
        stk_bpf_prog_free(&p);
        stk_policy_ir_free(ir);
    }
    CHECK(compared > 10000);
}

static const struct stk_rule *find_rule(const struct stk_policy_ir *ir, const char *name, enum stk_action_kind k,
                                        uint16_t data)
{
    int id = stk_syscall_lookup(name);
    for (size_t i = 0; i < ir->seccomp.nrules; i++) {
        const struct stk_rule *r = &ir->seccomp.rules[i];
        if (r->syscall == id && r->action.kind == k && r->action.data == data && r->loc.file == 0)
            return r;
    }
    return NULL;
}

static uint32_t decide(const struct stk_bpf_prog *p, const char *name, uint64_t a0, uint64_t a1, uint64_t a4)
{
    struct seccomp_data d = {.nr = (int)stk_syscall_nr(stk_syscall_lookup(name), STK_ABI_X86_64),
                             .arch = AUDIT_ARCH_X86_64,
                             .args = {a0, a1, 0, 0, a4, 0}};
    return stk_bpf_run(p->insns, p->len, &d, NULL);
}

/* Issue #10 items 2, 7, 12: the hand-over rule notifies (never allows), and
 * appears only when the policy denies execveat; new listeners are refused
 * when the policy has a hand-over, notify or trace, unless it never lets
 * seccomp(2) run anyway. */
TEST(builtin_handover_and_listener_rules)
{
    if (stk_native_abi() != STK_ABI_X86_64)
        SKIP("x86_64 syscall numbers");
    struct {
        const char *text;
        bool handover, listener;
    } cases[] = {
        {"policy a { seccomp { default allow\n errno EPERM execve, execveat } }\n", true, true},
        {"policy b { seccomp { default allow\n errno EPERM execve } }\n", false, false},
        {"policy c { seccomp { default allow\n notify getppid } }\n", false, true},
        {"policy d { seccomp { default allow\n trace 3 getppid } }\n", false, true},
        {"policy e { seccomp { default allow\n errno EACCES uname } }\n", false, false},
        {"policy f { seccomp { default errno EPERM\n allow read } }\n", true, false},
        {"policy g { seccomp { default errno EPERM\n allow seccomp if operation == 1 } }\n", true, true},
        {"policy h { seccomp { default allow\n errno EPERM execveat\n kill-process seccomp } }\n", true, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct stk_policy_ir *ir = compile(cases[i].text);
        CHECK(ir);
        if (!ir)
            continue;
        const struct stk_rule *ho = find_rule(ir, "execveat", STK_ACT_NOTIFY, STK_EXEC_HANDOVER_DATA);
        const struct stk_rule *li = find_rule(ir, "seccomp", STK_ACT_ERRNO, EBUSY);
        CHECK_MSG(!!ho == cases[i].handover, "%s: hand-over rule %s", ir->name, ho ? "present" : "absent");
        CHECK_MSG(!!li == cases[i].listener, "%s: listener rule %s", ir->name, li ? "present" : "absent");
        struct stk_bpf_prog p;
        char err[256];
        CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == 0);
        CHECK_INT(p.nexec_fd_insns, cases[i].handover ? 1 : 0);
        uint32_t ph = STK_EXEC_FD_PLACEHOLDER;
        if (cases[i].handover) {
            /* the rule's match returns USER_NOTIF with the marker, never ALLOW;
             * anything else gets the policy's action */
            CHECK_U64(decide(&p, "execveat", ph, 0, AT_EMPTY_PATH), SECCOMP_RET_USER_NOTIF | STK_EXEC_HANDOVER_DATA);
            CHECK_U64(decide(&p, "execveat", ph, 0, AT_EMPTY_PATH), 0x7fc04558u); /* the bundle's value */
            CHECK(decide(&p, "execveat", ph, 0, 0) != SECCOMP_RET_ALLOW);
            CHECK(decide(&p, "execveat", 3, 0, AT_EMPTY_PATH) != SECCOMP_RET_ALLOW);
        } else if (!stk_seccomp_restricts(&ir->seccomp, "execveat")) {
            CHECK_U64(decide(&p, "execveat", ph, 0, AT_EMPTY_PATH), SECCOMP_RET_ALLOW);
        }
        uint32_t l = decide(&p, "seccomp", SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, 0);
        uint32_t l2 = decide(&p, "seccomp", SECCOMP_SET_MODE_FILTER,
                             SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC | 0xffffffff00000000ull, 0);
        if (cases[i].listener) {
            CHECK_U64(l, SECCOMP_RET_ERRNO | EBUSY);
            CHECK_U64(l2, SECCOMP_RET_ERRNO | EBUSY);
        } else {
            CHECK(l != SECCOMP_RET_ALLOW || !cases[i].handover); /* never a way to a listener of its own */
        }
        /* without the listener flag, seccomp(2) gets the policy's own answer */
        struct stk_policy_ir copy = *ir;
        CHECK_U64(decide(&p, "seccomp", SECCOMP_SET_MODE_FILTER, 0, 0),
                  stk_ref_decide(&copy, &(struct seccomp_data){
                                            .nr = (int)stk_syscall_nr(stk_syscall_lookup("seccomp"), STK_ABI_X86_64),
                                            .arch = AUDIT_ARCH_X86_64,
                                            .args = {SECCOMP_SET_MODE_FILTER, 0, 0, 0, 0, 0}}));
        property(ir);
        stk_bpf_prog_free(&p);
        stk_policy_ir_free(ir);
    }
}

/* Deny rules on arguments the kernel truncates to 32 bits hold whatever the
 * caller puts in the high word (issue 10, item 8): `errno EPERM clone if flags
 * in (0x10000011)` was walked around with bit 32 set.  The program and the
 * reference model must both refuse, and the refusal is the policy's errno. */
TEST(high_word_junk_cannot_bypass_deny_rules)
{
    struct stk_policy_ir *ir =
        compile("policy junk { seccomp { default allow\n"
                " errno 11 clone if flags in (0x10000011)\n"
                " errno 12 ioctl if request == 0x5401\n"
                " errno 13 readv if fd == 7\n"
                " errno 14 fcntl if cmd == F_SETFL && arg == 0x400\n"
                " errno 15 ptrace if pid == 1\n"
                " errno 16 mmap if fd == 9\n"
                " errno 17 writev if iovcnt == 3 } }\n");
    CHECK(ir);
    if (!ir)
        return;
    struct stk_bpf_prog p;
    char err[256];
    CHECK(stk_bpf_generate(ir, &p, err, sizeof err) == 0);
    static const struct {
        const char *sc;
        int arg;
        uint64_t v, other;
        int err;
    } t[] = {
        {"clone", 0, 0x10000011, 0, 11}, {"ioctl", 1, 0x5401, 0, 12}, {"readv", 0, 7, 0, 13},
        {"fcntl", 2, 0x400, 1, 14},      {"ptrace", 1, 1, 0, 15},     {"mmap", 4, 9, 0, 16},
        {"writev", 2, 3, 0, 17},
    };
    static const uint64_t junk[] = {0, 1ull << 32, 0xffffffff00000000ull, 0x8000000000000000ull, 0xdead00000000ull};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int sc = stk_syscall_lookup(t[i].sc);
        CHECK(sc >= 0);
        if (sc < 0)
            continue;
        for (size_t j = 0; j < sizeof junk / sizeof junk[0]; j++) {
            struct seccomp_data d = {.nr = stk_syscall_table[sc].nr[STK_ABI_X86_64],
                                     .arch = stk_abis[STK_ABI_X86_64].audit_arch};
            if (t[i].other) /* fcntl: cmd F_SETFL (4) in argument 1 */
                d.args[1] = 4;
            d.args[t[i].arg] = t[i].v | junk[j];
            uint32_t want = SECCOMP_RET_ERRNO | (uint32_t)t[i].err;
            uint32_t got = stk_bpf_run(p.insns, p.len, &d, NULL);
            CHECK_MSG(got == want, "%s arg%d = 0x%llx: BPF says 0x%x, want 0x%x", t[i].sc, t[i].arg,
                      (unsigned long long)d.args[t[i].arg], got, want);
            CHECK_MSG(stk_ref_decide(ir, &d) == want, "%s arg%d = 0x%llx: reference disagrees", t[i].sc,
                      t[i].arg, (unsigned long long)d.args[t[i].arg]);
        }
    }
    property(ir);
    stk_bpf_prog_free(&p);
    stk_policy_ir_free(ir);
}

int main(void)
{
    RUN(property_inline_policies);
    RUN(property_shipped_policies);
    RUN(far_jumps_use_trampolines);
    RUN(too_large_is_refused);
    RUN(unconditional_allows_are_cacheable);
    RUN(newer_syscalls_get_enosys);
    RUN(libseccomp_cross_check);
    RUN(builtin_handover_and_listener_rules);
    RUN(high_word_junk_cannot_bypass_deny_rules);
    return test_summary();
}
