/* test_enforce_fail_closed.c — the enforcer on the real kernel (see test_enforce.c):
 * what it refuses and how (exit 125 naming the step: unknown users, blocks it cannot
 * enforce, bad bundles, privileges a rootless caller lacks), the dry run, and the
 * confinement a rootless caller gets. */
#include "enforce_harness.h"

static void flag_path(char *buf)
{
    strcpy(buf, "/tmp/stk-flag-XXXXXX");
    int fd = mkstemp(buf);
    if (fd >= 0)
        close(fd);
    unlink(buf);
}

TEST(unknown_user_fails_closed)
{
    char flag[32];
    flag_path(flag);
    struct stk_policy_ir ir = {0};
    ir.user = "stk-no-such-user";
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("touch", flag)), 125);
    /* "unknown user" where the host's getent ran and found nothing; a host
     * without /usr/bin/getent (the VM rig's guests) fails closed saying so */
    CHECK_CONTAINS(out, "stockade: identity: ");
    CHECK_CONTAINS(out, "\"stk-no-such-user\"");
    CHECK_MSG(strstr(out, "unknown user \"stk-no-such-user\"") || strstr(out, "/usr/bin/getent"),
              "neither the unknown-user nor the missing-getent refusal");
    CHECK_MSG(access(flag, F_OK) < 0, "the command ran");
    /* control: the same command does create the file */
    ir.user = NULL;
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("touch", flag)), 0);
    CHECK(access(flag, F_OK) == 0);
    unlink(flag);
}

TEST(unenforced_block_fails_closed)
{
    char flag[32];
    flag_path(flag);
    static char *blocks[] = {"namespaces"};
    struct stk_policy_ir ir = {0};
    ir.unenforced = blocks;
    ir.nunenforced = 1;
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("touch", flag)), 125);
    CHECK_CONTAINS(out, "stockade: policy: this build does not enforce the policy's namespaces block");
    CHECK(access(flag, F_OK) < 0);
}

TEST(bad_bundles_fail_closed)
{
    char flag[32];
    flag_path(flag);
    struct stk_policy_ir ir = {0};
    ir.name = "x";
    struct stk_buf b = {0};
    stk_bundle_write(&ir, NULL, &b);
    /* corrupted */
    b.data[b.len - 2] ^= 1;
    write_bundle_bytes(b.data, b.len);
    CHECK_INT(run(AS_CALLER, PROBE("touch", flag)), 125);
    CHECK_CONTAINS(out, "stockade: bundle: corrupted: checksum mismatch");
    b.data[b.len - 2] ^= 1;
    /* truncated */
    write_bundle_bytes(b.data, b.len - 1);
    CHECK_INT(run(AS_CALLER, PROBE("touch", flag)), 125);
    CHECK_CONTAINS(out, "stockade: bundle: truncated");
    /* wrong version */
    b.data[8] = 9;
    write_bundle_bytes(b.data, b.len);
    CHECK_INT(run(AS_CALLER, PROBE("touch", flag)), 125);
    CHECK_CONTAINS(out, "stockade: bundle: unsupported bundle format version 9");
    /* not a bundle; missing */
    write_bundle_bytes("hello", 5);
    CHECK_INT(run(AS_CALLER, PROBE("touch", flag)), 125);
    CHECK_CONTAINS(out, "stockade: bundle:");
    strcpy(bundle_path, "/nonexistent/bundle");
    CHECK_INT(run(AS_CALLER, PROBE("touch", flag)), 125);
    CHECK(access(flag, F_OK) < 0);
    stk_buf_free(&b);
}

TEST(dry_run_prints_and_runs_nothing)
{
    char flag[32];
    flag_path(flag);
    struct stk_policy_ir ir = {0};
    ir.name = "dry";
    ir.user = "nobody";
    write_bundle(&ir, NULL);
    CHECK_INT(run_full(AS_CALLER, false, "--dry-run", PROBE("touch", flag)), 0);
    CHECK_CONTAINS(out, "policy dry (bundle format 3)");
    CHECK_CONTAINS(out, "user nobody");
    CHECK_CONTAINS(out, "touch");
    CHECK(access(flag, F_OK) < 0);
}

TEST(rootless_confinement)
{
    need_root(); /* to become nobody */
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, EPERM);
    ir.rlimits[RLIMIT_CORE] = (struct stk_rlimit){true, 0, 0};
    ir.rlimits[RLIMIT_NOFILE] = (struct stk_rlimit){true, 50, 100};
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_NOBODY, PROBE("status", "rlimit", "core", "rlimit", "nofile", "sys", "63", "exec", "/bin/true")),
              0);
    CHECK_CONTAINS(out, "Uid: 65534 65534 65534 65534");
    CHECK_CONTAINS(out, "NoNewPrivs: 1");
    CHECK_CONTAINS(out, "Seccomp: 2");
    CHECK_CONTAINS(out, "CapPrm: 0000000000000000");
    CHECK_CONTAINS(out, "CapEff: 0000000000000000");
    CHECK_CONTAINS(out, "rlimit core: 0 0");
    CHECK_CONTAINS(out, "rlimit nofile: 50 100");
    CHECK_CONTAINS(out, "sys 63: ret=-1 errno=13");
    CHECK_CONTAINS(out, "exec: errno=1");
}

TEST(rootless_refusals)
{
    need_root();
    struct stk_policy_ir ir = {0};
    ir.no_new_privs = false; /* the bounding set cannot be lowered without CAP_SETPCAP */
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_NOBODY, PROBE("exit", "0")), 125);
    CHECK_CONTAINS(out, "stockade: capabilities: cannot lower the bounding set");
    ir.no_new_privs = true;
    ir.caps_mode = STK_CAPS_KEEP;
    ir.caps_keep = 1ull << CAP_NET_BIND_SERVICE;
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_NOBODY, PROBE("exit", "0")), 125);
    CHECK_CONTAINS(out, "the policy keeps cap_net_bind_service, which the caller does not hold");
    ir.caps_mode = STK_CAPS_NONE;
    ir.user = "root";
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_NOBODY, PROBE("exit", "0")), 125);
    CHECK_CONTAINS(out, "stockade: identity:");
}

TEST(seccomp_without_nnp_needs_privilege)
{
    need_root();
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, 0);
    ir.no_new_privs = false;
    ir.user = "nobody"; /* drops CAP_SYS_ADMIN before the filter is installed */
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_CALLER, PROBE("exit", "0")), 125);
    CHECK_CONTAINS(out, "stockade: seccomp: installing a filter needs no_new_privs or CAP_SYS_ADMIN");
}

TEST(exec_deny_with_cap_sys_resource)
{
    need_root();
    need_x86_64();
    if (!((caller_caps() >> CAP_SYS_RESOURCE) & 1))
        SKIP("the caller lacks cap_sys_resource");
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, EPERM);
    ir.caps_mode = STK_CAPS_KEEP;
    ir.caps_keep = 1ull << CAP_SYS_RESOURCE;
    write_bundle(&ir, &prog);
    /* the hand-over does not depend on descriptor numbers: a command that
     * can raise RLIMIT_NOFILE gets no way around it (it used to be refused) */
    CHECK_INT(run(AS_CALLER, PROBE("status", "execat-scan", "/bin/echo", "exec", "/bin/true")), 0);
    CHECK_CONTAINS(out, "CapEff: 0000000001000000");
    CHECK(!strstr(out, "BYPASSED"));
    CHECK_CONTAINS(out, "execat-scan: all refused");
    CHECK_CONTAINS(out, "exec: errno=1");
}

int main(void)
{
    int s = enforce_harness_setup();
    if (s != 0)
        return s < 0 ? 1 : 0;
    RUN(unknown_user_fails_closed);
    RUN(unenforced_block_fails_closed);
    RUN(bad_bundles_fail_closed);
    RUN(dry_run_prints_and_runs_nothing);
    RUN(rootless_confinement);
    RUN(rootless_refusals);
    RUN(seccomp_without_nnp_needs_privilege);
    RUN(exec_deny_with_cap_sys_resource);
    return test_summary();
}
