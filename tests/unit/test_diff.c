/* test_diff — `stockade diff` (cli/diff_*.c): the seccomp comparison agrees
 * with brute-force evaluation of both compiled programs on random policy
 * pairs (property test), and hand-written pairs name the exact change. */
#include <stdio.h>
#include <string.h>

#include "bpf_interp.h"
#include "bundle/bundle.h"
#include "lib/bundle_harness.h"
#include "bundle/bundle_write.h"
#include "diff.h"
#include "pipeline.h"
#include "syscalls.h"
#include "testlib.h"
#include "util.h"

/* ---- helpers ---------------------------------------------------------------- */

static struct stk_policy_ir *compile(const char *text)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("test.stk", text, strlen(text), NULL, &ds);
    stk_diags_free(&ds);
    return ir;
}

static bool program(const char *text, struct stk_bpf_prog *p)
{
    struct stk_policy_ir *ir = compile(text);
    if (!ir)
        return false;
    char err[256];
    int rc = stk_bpf_generate(ir, p, err, sizeof err);
    stk_policy_ir_free(ir);
    return rc == 0;
}

/* policy text -> bundle through the compiler, the writer and the reader */
static struct stk_bundle *bundle(const char *text) { return bh_roundtrip(text, true); }

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }

/* ---- random policies ------------------------------------------------------- */

struct rsys {
    const char *name;
    const char *args[2];
};
static const struct rsys rsyscalls[] = {
    {"socket", {"domain", "type"}}, {"mmap", {"prot", "length"}}, {"lseek", {"offset", "whence"}},
    {"clone", {"flags", "flags"}},  {"kill", {"pid", "sig"}},     {"personality", {"persona", "persona"}},
    {"read", {"fd", "count"}},
};
#define NRSYS (sizeof rsyscalls / sizeof rsyscalls[0])

static const char *const rvalues[] = {"0",          "1",          "2",          "3",          "16",
                                      "-1",         "-5",         "0x7fffffff", "0x80000000", "0xffffffff",
                                      "0x100000000", "0x10000000", "0x20000",    "AF_NETLINK", "-0x100000000"};
#define NRVAL (sizeof rvalues / sizeof rvalues[0])
/* together 9 bits: within the exact limit (10) */
static const char *const rmasks[] = {"0x1", "0x6", "0x10000000", "0x30020000", "0x30", "0x80000001"};
static const char *const ractions[] = {"allow", "errno EPERM", "errno EACCES", "kill-process", "log", "trap"};
static const char *const rops[] = {"==", "!=", "<", "<=", ">", ">="};

static void rand_cond(struct stk_buf *b, const struct rsys *s, int depth)
{
    const char *arg = s->args[rn(2)];
    switch (depth > 1 ? rn(3) : rn(6)) {
    case 0: stk_buf_printf(b, "%s %s %s", arg, rops[rn(6)], rvalues[rn(NRVAL)]); break;
    case 1:
        stk_buf_printf(b, "(%s & %s) %s %s", arg, rmasks[rn(6)], rn(2) ? "==" : "!=",
                       rn(2) ? "0" : rmasks[rn(6)]);
        break;
    case 2: stk_buf_printf(b, "%s %sin (%s, %s)", arg, rn(2) ? "not " : "", rvalues[rn(NRVAL)], rvalues[rn(NRVAL)]); break;
    case 3:
    case 4:
        stk_buf_puts(b, "(");
        rand_cond(b, s, depth + 1);
        stk_buf_puts(b, rn(2) ? ") && (" : ") || (");
        rand_cond(b, s, depth + 1);
        stk_buf_puts(b, ")");
        break;
    default:
        stk_buf_puts(b, "!(");
        rand_cond(b, s, depth + 1);
        stk_buf_puts(b, ")");
    }
}

static char *rand_policy(bool i386)
{
    struct stk_buf b = {0};
    stk_buf_printf(&b, "policy p {\n  seccomp {\n    default %s\n", ractions[rn(6)]);
    if (i386)
        stk_buf_puts(&b, "    arch x86_64, i386\n");
    unsigned n = 1 + rn(5);
    for (unsigned i = 0; i < n; i++) {
        const struct rsys *s = &rsyscalls[rn(NRSYS)];
        stk_buf_printf(&b, "    %s %s", ractions[rn(6)], s->name);
        if (rn(4)) {
            stk_buf_puts(&b, " if ");
            rand_cond(&b, s, 0);
        }
        stk_buf_puts(&b, "\n");
    }
    stk_buf_puts(&b, "  }\n}\n");
    return b.data;
}

/* An argument value near the policies' constants, masks, or random. */
static uint64_t rand_arg(void)
{
    static const uint64_t pool[] = {0, 1, 2, 3, 16, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x10000000,
                                    0x20000, 0x30020000, 0x30, 0x6, 0x80000001, ~0ull, ~4ull, ~0xffffffffull};
    uint64_t v = pool[rn(sizeof pool / sizeof pool[0])];
    switch (rn(6)) {
    case 0: return v + 1;
    case 1: return v - 1;
    case 2: return rnd();
    case 3: return v | (rnd() & pool[rn(sizeof pool / sizeof pool[0])]);
    case 4: return (v & 0xffffffffull) | (rn(2) ? 0xffffffff00000000ull : 0);
    default: return v;
    }
}

/* Every input where the programs differ lies in a region with those
 * decisions; no region holds an input where they agree. */
static void check_pair(const struct stk_bpf_prog *a, const struct stk_bpf_prog *b, const char *pa, const char *pb)
{
    struct stk_diff_seccomp s;
    char err[256];
    CHECK_MSG(stk_diff_seccomp_run(a->insns, a->len, b->insns, b->len, &s, err, sizeof err) == 0, "diff: %s", err);
    static const uint32_t arches[] = {0xc000003e /* x86_64 */, 0x40000003 /* i386 */, 0x12345678};
    for (int t = 0; t < 400; t++) {
        struct seccomp_data d = {0};
        d.arch = arches[rn(3)];
        enum stk_abi abi = d.arch == 0x40000003 ? STK_ABI_I386 : STK_ABI_X86_64;
        int id = stk_syscall_lookup(rsyscalls[rn(NRSYS)].name);
        int64_t nr = stk_syscall_nr(id, abi);
        d.nr = rn(8) == 0 ? (int)rnd() : (int)(nr < 0 ? 1 : nr);
        d.instruction_pointer = rn(2) ? 0 : rnd();
        for (int i = 0; i < 6; i++)
            d.args[i] = rand_arg();
        uint32_t ra = stk_bpf_run(a->insns, a->len, &d, NULL), rb = stk_bpf_run(b->insns, b->len, &d, NULL);
        bool found = false;
        for (size_t r = 0; r < s.nreg; r++) {
            if (!stk_diff_region_contains(&s.reg[r], &d))
                continue;
            CHECK_MSG(ra != rb, "a region holds an input both programs decide alike (0x%x)\nOLD:\n%sNEW:\n%s", ra,
                      pa, pb);
            CHECK_MSG(s.reg[r].old_ret == ra && s.reg[r].new_ret == rb,
                      "region 0x%x -> 0x%x holds an input decided 0x%x -> 0x%x\nOLD:\n%sNEW:\n%s", s.reg[r].old_ret,
                      s.reg[r].new_ret, ra, rb, pa, pb);
            found = true;
        }
        CHECK_MSG(found || ra == rb,
                  "no region for nr %d arch 0x%x args 0x%llx 0x%llx (0x%x -> 0x%x)\nOLD:\n%sNEW:\n%s", d.nr, d.arch,
                  (unsigned long long)d.args[0], (unsigned long long)d.args[1], ra, rb, pa, pb);
    }
    CHECK(!s.approximate);
    stk_diff_seccomp_free(&s);
}

TEST(diff_property_random_pairs)
{
    int done = 0;
    for (int i = 0; i < 150; i++) {
        bool multi = rn(3) == 0;
        char *pa = rand_policy(multi), *pb = rn(4) ? rand_policy(multi) : stk_xstrdup(pa);
        struct stk_bpf_prog a, b;
        bool oka = program(pa, &a), okb = oka && program(pb, &b);
        if (okb) {
            check_pair(&a, &b, pa, pb);
            done++;
            stk_bpf_prog_free(&b);
        }
        if (oka)
            stk_bpf_prog_free(&a);
        free(pa);
        free(pb);
    }
    CHECK_MSG(done >= 100, "only %d random pairs compiled", done);
}

/* Identical programs: nothing reported. */
TEST(diff_same_policy_empty)
{
    struct stk_bpf_prog a;
    CHECK(program("policy p { seccomp { default errno EPERM\n allow read\n"
                  " allow socket if domain in (AF_INET, AF_INET6) } }",
                  &a));
    struct stk_diff_seccomp s;
    char err[256];
    CHECK(stk_diff_seccomp_run(a.insns, a.len, a.insns, a.len, &s, err, sizeof err) == 0);
    CHECK_INT(s.nreg, 0);
    stk_diff_seccomp_free(&s);
    stk_bpf_prog_free(&a);
}

/* ---- hand-written pairs -------------------------------------------------------- */

/* The diff of two policies as "DIR SECTION: WHAT: BEFORE -> AFTER" lines. */
static char *diff_text(const char *a, const char *b)
{
    struct stk_bundle *x = bundle(a), *y = bundle(b);
    if (!x || !y)
        return NULL;
    struct stk_diff d = {0};
    char err[256];
    struct stk_buf out = {0};
    if (stk_diff_compare(x, y, &d, err, sizeof err) == 0) {
        for (size_t i = 0; i < d.n; i++)
            stk_buf_printf(&out, "%s %s: %s: %s -> %s\n", stk_diff_dir_name(d.v[i].dir), d.v[i].section,
                           d.v[i].what, d.v[i].before, d.v[i].after);
        stk_buf_puts(&out, "");
    }
    stk_diff_free(&d);
    stk_bundle_free(x);
    stk_bundle_free(y);
    return out.data;
}

static char expect[512];
static const char *native(void) { return stk_abis[stk_native_abi()].name; }

TEST(diff_names_allow_added)
{
    char *t = diff_text("policy p { seccomp { default errno EPERM\n allow read } }",
                        "policy p { seccomp { default errno EPERM\n allow read, openat } }");
    snprintf(expect, sizeof expect, "loosened seccomp: %s openat: errno EPERM -> allow\n", native());
    CHECK_STR(t, expect);
    free(t);
}

TEST(diff_names_condition_widened)
{
    char *t = diff_text("policy p { seccomp { default errno EAFNOSUPPORT\n allow socket if domain == AF_INET } }",
                        "policy p { seccomp { default errno EAFNOSUPPORT\n"
                        " allow socket if domain in (AF_INET, AF_NETLINK) } }");
    snprintf(expect, sizeof expect, "loosened seccomp: %s socket(domain=AF_NETLINK): errno EAFNOSUPPORT -> allow\n",
             native());
    CHECK_STR(t, expect);
    free(t);
    /* and the reverse is a tightening */
    t = diff_text("policy p { seccomp { default errno EAFNOSUPPORT\n allow socket if domain in (AF_INET, AF_NETLINK) } }",
                  "policy p { seccomp { default errno EAFNOSUPPORT\n allow socket if domain == AF_INET } }");
    snprintf(expect, sizeof expect, "tightened seccomp: %s socket(domain=AF_NETLINK): allow -> errno EAFNOSUPPORT\n",
             native());
    CHECK_STR(t, expect);
    free(t);
}

TEST(diff_names_range_and_64bit_arg)
{
    /* lseek's offset is a signed 64-bit argument: both words are named */
    char *t = diff_text("policy p { seccomp { default allow\n errno EINVAL lseek if offset < 0 } }",
                        "policy p { seccomp { default allow } }");
    CHECK_CONTAINS(t, "lseek(offset.hi in {0x80000000..0xffffffff}): errno EINVAL -> allow");
    CHECK_CONTAINS(t, "loosened seccomp");
    free(t);
}

TEST(diff_names_errno_changed)
{
    char *t = diff_text("policy p { seccomp { default allow\n errno EPERM ptrace } }",
                        "policy p { seccomp { default allow\n errno EACCES ptrace } }");
    snprintf(expect, sizeof expect, "changed seccomp: %s ptrace: errno EPERM -> errno EACCES\n", native());
    CHECK_STR(t, expect);
    free(t);
}

TEST(diff_names_capability_added)
{
    char *t = diff_text("policy p { capabilities { keep net_bind_service } }",
                        "policy p { capabilities { keep net_bind_service, net_admin } }");
    CHECK_STR(t, "loosened capabilities: capability cap_net_admin: dropped -> kept\n");
    free(t);
}

TEST(diff_names_landlock_path_added)
{
    char *t = diff_text("policy p { landlock { read /usr } }", "policy p { landlock { read /usr\n write /tmp } }");
    CHECK_CONTAINS(t, "loosened landlock: path /tmp: none -> ");
    CHECK(strstr(t, "/usr") == NULL);
    free(t);
}

TEST(diff_names_identity_and_nnp)
{
    char *t = diff_text("policy p { no_new_privs\n user nobody }",
                        "policy p { no_new_privs off\n capabilities { keep sys_admin } }");
    CHECK_CONTAINS(t, "loosened identity: user: nobody -> (the caller's)\n");
    CHECK_CONTAINS(t, "loosened no_new_privs: no_new_privs: yes -> no\n");
    CHECK_CONTAINS(t, "loosened capabilities: capability cap_sys_admin: dropped -> kept\n");
    free(t);
}

TEST(diff_clone_mask_named)
{
    char *t = diff_text("policy p { seccomp { default errno EPERM\n"
                        " allow clone if (flags & (CLONE_NEWUSER | CLONE_NEWNET)) == 0 } }",
                        "policy p { seccomp { default errno EPERM\n allow clone if (flags & CLONE_NEWNET) == 0 } }");
    CHECK_CONTAINS(t, "clone(flags&0x50000000 in {CLONE_NEWUSER}): errno EPERM -> allow\n");
    free(t);
}

TEST(diff_names_limits_and_namespaces)
{
    char *t = diff_text("policy p { rlimit nofile 1024 4096\n namespaces pid, net\n cgroup { memory.max 256M } }",
                        "policy p { rlimit nofile 1024 8192\n namespaces pid\n cgroup { memory.max 128M } }");
    CHECK_CONTAINS(t, "loosened rlimits: rlimit nofile (soft/hard): 1024/4096 -> 1024/8192\n");
    CHECK_CONTAINS(t, "loosened namespaces: namespace net: new -> shared\n");
    CHECK_CONTAINS(t, "tightened cgroup: cgroup memory.max: 268435456 -> 134217728\n");
    CHECK(strstr(t, "namespace pid") == NULL);
    free(t);
    /* the same policy twice: nothing */
    t = diff_text("policy p { rlimit nofile 1024 4096\n namespaces pid, net }",
                  "policy p { rlimit nofile 1024 4096\n namespaces pid, net }");
    CHECK_STR(t, "");
    free(t);
}

/* A mask wider than the exact limit: flagged approximate, and the changed
 * masked equality is still found. */
TEST(diff_wide_mask_approximate)
{
    struct stk_bpf_prog a, b;
    CHECK(program("policy p { seccomp { default errno EPERM\n allow ioctl if (request & 0xffff) == 0x5401 } }", &a));
    CHECK(program("policy p { seccomp { default errno EPERM\n allow ioctl if (request & 0xffff) == 0x5402 } }", &b));
    struct stk_diff_seccomp s;
    char err[256];
    CHECK(stk_diff_seccomp_run(a.insns, a.len, b.insns, b.len, &s, err, sizeof err) == 0);
    CHECK(s.approximate);
    struct seccomp_data d = {.arch = stk_abis[stk_native_abi()].audit_arch};
    d.nr = (int)stk_syscall_nr(stk_syscall_lookup("ioctl"), stk_native_abi());
    d.args[1] = 0x70005402;
    bool found = false;
    for (size_t r = 0; r < s.nreg; r++)
        found |= stk_diff_region_contains(&s.reg[r], &d) && s.reg[r].new_ret == SECCOMP_RET_ALLOW;
    CHECK(found);
    stk_diff_seccomp_free(&s);
    stk_bpf_prog_free(&a);
    stk_bpf_prog_free(&b);
}

/* A program outside the generator's shape is refused, naming the instruction,
 * even when it reads no word of seccomp_data. */
TEST(diff_refuses_unsupported_program)
{
    struct sock_filter len_ret[] = {BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_RET | BPF_A, 0)};
    struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    struct stk_diff_seccomp s;
    char err[256] = "";
    CHECK(stk_diff_seccomp_run(allow, 1, len_ret, 2, &s, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "instruction 0: opcode");
    stk_diff_seccomp_free(&s);
    /* no program on either side: both allow everything */
    CHECK(stk_diff_seccomp_run(NULL, 0, allow, 1, &s, err, sizeof err) == 0);
    CHECK_INT(s.nreg, 0);
    stk_diff_seccomp_free(&s);
}

int main(void)
{
    RUN(diff_property_random_pairs);
    RUN(diff_same_policy_empty);
    RUN(diff_names_allow_added);
    RUN(diff_names_condition_widened);
    RUN(diff_names_range_and_64bit_arg);
    RUN(diff_names_errno_changed);
    RUN(diff_names_capability_added);
    RUN(diff_names_landlock_path_added);
    RUN(diff_names_identity_and_nnp);
    RUN(diff_clone_mask_named);
    RUN(diff_names_limits_and_namespaces);
    RUN(diff_wide_mask_approximate);
    RUN(diff_refuses_unsupported_program);
    return test_summary();
}
