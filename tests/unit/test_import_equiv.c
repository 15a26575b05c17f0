/* test_import_equiv.c — `stockade import` of seccomp profiles proven against
 * libseccomp: Docker's default profile (tests/data/import/) with Docker's
 * default capabilities and with CAP_SYS_ADMIN added, and small profiles
 * that pin each libseccomp/runc rule the importer relies on
 * (import_equiv_harness.h runs both programs over every number × argument
 * vectors from the profile's constants). */
#include <linux/capability.h>

#include "import_equiv_harness.h"
#include "util.h"

static char *docker_profile(void)
{
    char *text = NULL;
    size_t len = 0;
    if (stk_read_file("tests/data/import/docker-default-seccomp.json", 1u << 24, &text, &len) != 0)
        return NULL;
    return text;
}

static uint64_t docker_caps(void)
{
    uint64_t caps = 0;
    char err[128];
    CHECK(stk_import_parse_caps("docker-default", &caps, err, sizeof err));
    return caps;
}

static void report(const char *what, const struct equiv_stats *st)
{
    fprintf(stderr, "%s: %zu program pairs run; %zu documented differences; %zu numbers only stockade's table knows; %zu foreign-arch checks\n",
            what, st->runs, st->documented, st->only_ours, st->badarch);
}

TEST(docker_default_equiv)
{
    char *json = docker_profile();
    CHECK_MSG(json != NULL, "tests/data/import/docker-default-seccomp.json is missing");
    struct equiv_stats st = {0};
    equiv_check(json, STK_ABI_X86_64, docker_caps(), 6, 1, &st);
    /* x86_64, i386 and x32 (the profile's archMap) were all compared */
    CHECK_CONTAINS(st.policy, "arch x86_64, i386, x32");
    CHECK(st.runs > 3 * 1024 * 50);
    report("docker default", &st);
    free(json);
}

TEST(docker_sys_admin_equiv)
{
    char *json = docker_profile();
    CHECK_MSG(json != NULL, "tests/data/import/docker-default-seccomp.json is missing");
    struct equiv_stats st = {0};
    equiv_check(json, STK_ABI_X86_64, docker_caps() | (1ull << CAP_SYS_ADMIN), 6, 1, &st);
    report("docker default + CAP_SYS_ADMIN", &st);
    free(json);
}

/* An old kernel leaves the minKernel 4.8 rule (ptrace) out. */
TEST(docker_old_kernel_equiv)
{
    char *json = docker_profile();
    CHECK_MSG(json != NULL, "tests/data/import/docker-default-seccomp.json is missing");
    struct equiv_stats st = {0};
    equiv_check(json, STK_ABI_X86_64, docker_caps(), 4, 4, &st);
    free(json);
}

/* The rules libseccomp (as runc and crun drive it) applies, one small
 * profile each, every one compared over all numbers and vectors. */
static void small(const char *json)
{
    struct equiv_stats st = {0};
    equiv_check(json, STK_ABI_X86_64, 0, 6, 1, &st);
}

TEST(unconditional_wins_whatever_the_order)
{
    small("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
          "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
          "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\"},"
          "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
          "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}");
}

TEST(same_argument_ored_other_arguments_anded)
{
    /* mmap: two comparisons on arg2 (ORed) and, in another rule, arg0 and arg3 (ANDed);
     * socket: arg0 twice and arg1 once: every comparison ORed (runc, crun) */
    small("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":13,\"syscalls\":["
          "{\"names\":[\"mmap\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
          "{\"index\":2,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":2,\"value\":3,\"op\":\"SCMP_CMP_EQ\"}]},"
          "{\"names\":[\"mmap\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
          "{\"index\":0,\"value\":4096,\"op\":\"SCMP_CMP_GE\"},{\"index\":3,\"value\":34,\"op\":\"SCMP_CMP_EQ\"}]},"
          "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
          "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":10,\"op\":\"SCMP_CMP_EQ\"},"
          "{\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]}]}");
}

TEST(every_operator_on_64_bits)
{
    /* socket's domain is an int, mmap's length a size_t: libseccomp
     * compares both on the whole register; junk in the upper half counts */
    small("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
          "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":97,\"args\":[{\"index\":0,\"value\":16,\"op\":\"SCMP_CMP_GT\"}]},"
          "{\"names\":[\"bind\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":3,\"op\":\"SCMP_CMP_LE\"}]},"
          "{\"names\":[\"connect\"],\"action\":\"SCMP_ACT_KILL_PROCESS\",\"args\":[{\"index\":0,\"value\":3,\"op\":\"SCMP_CMP_LT\"}]},"
          "{\"names\":[\"listen\"],\"action\":\"SCMP_ACT_TRAP\",\"args\":[{\"index\":1,\"value\":128,\"op\":\"SCMP_CMP_GE\"}]},"
          "{\"names\":[\"mmap\"],\"action\":\"SCMP_ACT_LOG\",\"args\":[{\"index\":1,\"value\":1048576,\"op\":\"SCMP_CMP_NE\"}]},"
          "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":7,\"args\":[{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]},"
          "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_KILL\"},"
          "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":18446744069414584320,\"valueTwo\":4294967296,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
          "{\"names\":[\"unshare\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":268435456,\"valueTwo\":268435456,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}");
}

TEST(default_action_rules_and_unknown_names_change_nothing)
{
    small("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
          "{\"names\":[\"read\",\"write\",\"no_such_call\"],\"action\":\"SCMP_ACT_ALLOW\"},"
          "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ERRNO\"},"
          "{\"names\":[\"open\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
}

TEST(oci_architectures_list)
{
    small("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
          "\"syscalls\":[{\"names\":[\"read\",\"write\",\"exit_group\",\"socketcall\",\"_llseek\"],\"action\":\"SCMP_ACT_ALLOW\"},"
          "{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":21505,\"op\":\"SCMP_CMP_EQ\"}]}]}");
}

/* libseccomp takes x32 for a 32-bit ABI: a size_t compared on x86_64 on 64
 * bits is compared on 32 on x32 */
TEST(x32_compares_32_bits)
{
    small("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X32\"],"
          "\"syscalls\":[{\"names\":[\"mmap\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":1,\"value\":65536,\"op\":\"SCMP_CMP_GT\"}]},"
          "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":2,\"value\":4096,\"op\":\"SCMP_CMP_LE\"}]}]}");
}

/* regN in the language: the whole register, unsigned; reg6 is no register */
TEST(regn_in_policies)
{
    static const char text[] = "policy p { seccomp { default allow\n arch x86_64, x32\n"
                               " errno EPERM socket if reg0 < 38\n } }\n";
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_compile_opts opts = {0};
    struct stk_policy_ir *ir = stk_compile_text("builtin:t.stk", text, sizeof text - 1, &opts, &ds);
    CHECK(ir != NULL);
    struct stk_bpf_prog prog = {0};
    char err[128];
    CHECK(stk_bpf_generate(ir, &prog, err, sizeof err) == 0);
    int sc = stk_syscall_lookup("socket");
    struct seccomp_data d = {.nr = stk_syscall_table[sc].nr[STK_ABI_X86_64], .arch = stk_abis[STK_ABI_X86_64].audit_arch};
    d.args[0] = 2;
    CHECK_U64(stk_bpf_run(prog.insns, prog.len, &d, NULL), SECCOMP_RET_ERRNO | 1);
    d.args[0] = 0x100000002ull; /* x86_64: 64 bits, not < 38 */
    CHECK_U64(stk_bpf_run(prog.insns, prog.len, &d, NULL), SECCOMP_RET_ALLOW);
    d.nr = (int)(stk_syscall_table[sc].nr[STK_ABI_X32] + STK_X32_SYSCALL_BIT); /* x32: 32 bits */
    CHECK_U64(stk_bpf_run(prog.insns, prog.len, &d, NULL), SECCOMP_RET_ERRNO | 1);
    stk_bpf_prog_free(&prog);
    stk_policy_ir_free(ir);
    stk_diags_free(&ds);
    static const char bad[] = "policy p { seccomp { default allow\n errno EPERM socket if reg6 < 38\n } }\n";
    stk_diags_init(&ds);
    ir = stk_compile_text("builtin:t.stk", bad, sizeof bad - 1, &opts, &ds);
    CHECK(ir == NULL && ds.nerrors == 1);
    CHECK_STR(ds.d[0].code, "unknown-name");
    stk_diags_free(&ds);
}

int main(void)
{
    RUN(docker_default_equiv);
    RUN(docker_sys_admin_equiv);
    RUN(docker_old_kernel_equiv);
    RUN(unconditional_wins_whatever_the_order);
    RUN(same_argument_ored_other_arguments_anded);
    RUN(every_operator_on_64_bits);
    RUN(default_action_rules_and_unknown_names_change_nothing);
    RUN(oci_architectures_list);
    RUN(x32_compares_32_bits);
    RUN(regn_in_policies);
    return test_summary();
}
