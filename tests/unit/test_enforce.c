/* test_enforce.c — the enforcer on the real kernel: bundles written with
 * stk_bundle_write are run through build/stockade-exec around
 * build/tests/helpers/probe, which reports from inside the confined process.
 * The seccomp programs are written by hand (enforce_harness.h, x86_64), so
 * these tests do not depend on the code generator.  Identity, capabilities,
 * seccomp, the exec hand-over, rlimits, descriptors, environment and exit
 * codes; test_enforce_fail_closed.c has the refusals, the dry run and rootless
 * use. */
#include "enforce_harness.h"

/* ---- tests ---------------------------------------------------------------------- */
TEST(caps_keep_exact_as_root)
{
    need_root();
    uint64_t want = (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_CHOWN);
    if ((caller_caps() & want) != want)
        SKIP("the caller lacks cap_net_bind_service or cap_chown");
    struct stk_policy_ir ir = {0};
    ir.caps_mode = STK_CAPS_KEEP;
    ir.caps_keep = want;
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("status")), 0);
    CHECK_CONTAINS(out, "CapPrm: 0000000000000401");
    CHECK_CONTAINS(out, "CapEff: 0000000000000401");
    CHECK_CONTAINS(out, "CapBnd: 0000000000000401");
    CHECK_CONTAINS(out, "CapInh: 0000000000000401");
    CHECK_CONTAINS(out, "CapAmb: 0000000000000000");
    CHECK_CONTAINS(out, "Uid: 0 0 0 0");
}

TEST(caps_keep_exact_as_nobody)
{
    need_root();
    struct stk_policy_ir ir = {0};
    ir.user = "nobody";
    ir.caps_mode = STK_CAPS_KEEP;
    ir.caps_keep = 1ull << CAP_NET_BIND_SERVICE;
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("status")), 0);
    CHECK_CONTAINS(out, "Uid: 65534 65534 65534 65534");
    CHECK_CONTAINS(out, "CapPrm: 0000000000000400");
    CHECK_CONTAINS(out, "CapEff: 0000000000000400");
    CHECK_CONTAINS(out, "CapBnd: 0000000000000400");
    CHECK_CONTAINS(out, "CapInh: 0000000000000400");
    CHECK_CONTAINS(out, "CapAmb: 0000000000000400");
}

TEST(drop_to_nobody)
{
    need_root();
    struct stk_policy_ir ir = {0};
    ir.user = "nobody";
    ir.no_new_privs = true;
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("status", "setuid0")), 0);
    CHECK_CONTAINS(out, "Uid: 65534 65534 65534 65534");
    CHECK_CONTAINS(out, "Gid: 65534 65534 65534 65534");
    CHECK_CONTAINS(out, "Groups:\n");
    CHECK_CONTAINS(out, "CapPrm: 0000000000000000");
    CHECK_CONTAINS(out, "CapEff: 0000000000000000");
    CHECK_CONTAINS(out, "CapBnd: 0000000000000000");
    CHECK_CONTAINS(out, "CapAmb: 0000000000000000");
    CHECK_CONTAINS(out, "NoNewPrivs: 1");
    CHECK_CONTAINS(out, "setuid0: ret=-1 errno=1");
}

TEST(numeric_ids_and_supplementary_groups)
{
    need_root();
    static char *supp[] = {"4242", "4343"};
    struct stk_policy_ir ir = {0};
    ir.user = "12345";
    ir.group = "54321";
    ir.supp_groups = supp;
    ir.nsupp = 2;
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("status")), 0);
    CHECK_CONTAINS(out, "Uid: 12345 12345 12345 12345");
    CHECK_CONTAINS(out, "Gid: 54321 54321 54321 54321");
    CHECK_CONTAINS(out, "Groups: 4242 4343");
}

TEST(nnp_and_seccomp_mode)
{
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, 0);
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_CALLER, PROBE("status")), 0);
    CHECK_CONTAINS(out, "NoNewPrivs: 1");
    CHECK_CONTAINS(out, "Seccomp: 2");
}

TEST(denied_syscall_gets_policy_errno)
{
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, 0);
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_CALLER, PROBE("sys", "63", "sys", "39")), 0);
    CHECK_CONTAINS(out, "sys 63: ret=-1 errno=13"); /* uname: EACCES */
    CHECK_CONTAINS(out, "sys 39: ret="); /* getpid: allowed */
    CHECK(!strstr(out, "sys 39: ret=-1"));
}

TEST(kill_action_sigsys)
{
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, 0);
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_CALLER, PROBE("sys", "39", "sys", "139", "sys", "39")), 128 + SIGSYS);
    CHECK_CONTAINS(out, "sys 39: ret=");
    CHECK(!strstr(out, "sys 139:")); /* sysfs never returned */
}

TEST(children_inherit_filter)
{
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, 0);
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_CALLER, PROBE("fork-sys", "63", "fork-sys", "139")), 0);
    CHECK_CONTAINS(out, "child sys 63: ret=-1 errno=13");
    CHECK_CONTAINS(out, "child status: signal 31");
}

static long nofile_hard(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    return (long)rl.rlim_max;
}

TEST(exec_denied_but_command_starts)
{
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, EPERM);
    write_bundle(&ir, &prog);
    long hard = nofile_hard();
    CHECK_INT(run(AS_CALLER, PROBE("status", "rlimit", "nofile", "fork-sys", "39", "execat-scan", "/bin/echo",
                                   "exec", "/bin/true")),
              0);
    CHECK_CONTAINS(out, "Seccomp: 2"); /* the command started under the filter */
    char want[128];
    snprintf(want, sizeof want, " %ld\n", hard);
    CHECK_CONTAINS(out, want); /* RLIMIT_NOFILE is left alone */
    /* the hand-over rule lets nothing through after the exec, whatever the
     * descriptor number: execveat(N, "/bin/echo", ..., AT_EMPTY_PATH) */
    CHECK(!strstr(out, "BYPASSED"));
    CHECK_CONTAINS(out, "execat-scan: all refused");
    CHECK_CONTAINS(out, "exec: errno=1"); /* its own execve is denied: EPERM */
}

TEST(exec_denied_with_policy_nofile)
{
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, EPERM);
    ir.rlimits[RLIMIT_NOFILE] = (struct stk_rlimit){true, 64, 200};
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_CALLER, PROBE("rlimit", "nofile", "dup", "63", "dup", "64", "execat-scan", "/bin/echo", "exec",
                                   "/bin/true")),
              0);
    CHECK_CONTAINS(out, "rlimit nofile: 64 200"); /* exactly the policy's */
    CHECK_CONTAINS(out, "dup 63: ret=63 errno=0");
    CHECK_CONTAINS(out, "dup 64: ret=-1 errno=9"); /* above the soft limit */
    CHECK(!strstr(out, "BYPASSED"));
    CHECK_CONTAINS(out, "exec: errno=1");
}

TEST(exec_denied_script)
{
    need_x86_64();
    char script[] = "/tmp/stk-script-XXXXXX";
    int fd = mkstemp(script);
    CHECK(fd >= 0);
    const char *text = "#!/bin/sh -e\necho \"script ran: $0 $1\"\nexec /bin/true\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    CHECK(fchmod(fd, 0755) == 0);
    close(fd);
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, EPERM);
    write_bundle(&ir, &prog);
    int st = run(AS_CALLER, (char *const[]){script, "arg1", NULL});
    unlink(script);
    char want[128];
    snprintf(want, sizeof want, "script ran: %s arg1", script);
    CHECK_CONTAINS(out, want);
    CHECK_CONTAINS(out, "Operation not permitted"); /* the script's own exec was denied */
    CHECK(st != 0);
}

TEST(rlimits_applied)
{
    struct stk_policy_ir ir = {0};
    ir.rlimits[RLIMIT_NOFILE] = (struct stk_rlimit){true, 100, 200};
    ir.rlimits[RLIMIT_CORE] = (struct stk_rlimit){true, 0, 0};
    ir.rlimits[RLIMIT_NPROC] = (struct stk_rlimit){true, 500, 1000};
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("rlimit", "nofile", "rlimit", "core", "rlimit", "nproc")), 0);
    CHECK_CONTAINS(out, "rlimit nofile: 100 200");
    CHECK_CONTAINS(out, "rlimit core: 0 0");
    CHECK_CONTAINS(out, "rlimit nproc: 500 1000");
}

TEST(rlimit_raise_refused)
{
    struct stk_policy_ir ir = {0};
    ir.rlimits[RLIMIT_NOFILE] = (struct stk_rlimit){true, 100, (uint64_t)nofile_hard() * 4};
    char flag[] = "/tmp/stk-flag-XXXXXX";
    int fd = mkstemp(flag);
    CHECK(fd >= 0);
    close(fd);
    unlink(flag);
    write_bundle(&ir, NULL);
    int st = run(AS_NOBODY, PROBE("touch", flag));
    CHECK_INT(st, 125);
    CHECK_CONTAINS(out, "stockade: rlimits: nofile 100");
    CHECK(access(flag, F_OK) < 0); /* the command did not run */
}

TEST(fds_closed_and_kept)
{
    struct stk_policy_ir ir = {0};
    write_bundle(&ir, NULL);
    CHECK_INT(run_full(AS_CALLER, true, NULL, PROBE("fds")), 0);
    CHECK_CONTAINS(out, "fds: 0 1 2\n");
    static int keep[] = {9};
    ir.keep_fds = keep;
    ir.nkeep_fds = 1;
    write_bundle(&ir, NULL);
    CHECK_INT(run_full(AS_CALLER, true, NULL, PROBE("fds")), 0);
    CHECK_CONTAINS(out, "fds: 0 1 2 9\n");
    ir.nkeep_fds = 0;
    ir.keep_all_fds = true;
    write_bundle(&ir, NULL);
    CHECK_INT(run_full(AS_CALLER, true, NULL, PROBE("fds")), 0);
    CHECK_CONTAINS(out, " 5 ");
    CHECK_CONTAINS(out, " 9");
}

TEST(fds_closed_with_exec_descriptor)
{
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, EPERM);
    write_bundle(&ir, &prog);
    CHECK_INT(run_full(AS_CALLER, true, NULL, PROBE("fds")), 0);
    CHECK_CONTAINS(out, "fds: 0 1 2\n"); /* neither inherited nor the enforcer's own */
}

TEST(env_workdir_umask)
{
    static char *keep[] = {"STK_KEEP_ME", "STK_ABSENT"};
    static struct stk_env_set set[] = {{"STK_SET", "a=b c"}, {"STK_KEEP_ME", "overridden"}, {"STK_NEW", ""}};
    struct stk_policy_ir ir = {0};
    ir.env_clear = true;
    ir.env_keep = keep;
    ir.nenv_keep = 2;
    ir.env_set = set;
    ir.nenv_set = 1;
    ir.workdir = "/tmp";
    ir.umask_set = true;
    ir.umask = 027;
    write_bundle(&ir, NULL);
    setenv("STK_KEEP_ME", "kept", 1);
    setenv("STK_DROP_ME", "dropped", 1);
    CHECK_INT(run(AS_CALLER, PROBE("env", "cwd", "umask")), 0);
    CHECK_CONTAINS(out, "env: STK_KEEP_ME=kept\nenv: STK_SET=a=b c\ncwd: /tmp\numask: 0027\n");
    CHECK(!strstr(out, "STK_DROP_ME"));
    CHECK(!strstr(out, "PATH="));
    /* without clear: inherited, and set overrides */
    ir.env_clear = false;
    ir.nenv_set = 3;
    ir.workdir = NULL;
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("env")), 0);
    CHECK_CONTAINS(out, "env: STK_DROP_ME=dropped");
    CHECK_CONTAINS(out, "env: STK_KEEP_ME=overridden");
    CHECK_CONTAINS(out, "env: STK_NEW=\n");
    CHECK(!strstr(out, "STK_KEEP_ME=kept"));
    unsetenv("STK_KEEP_ME");
    unsetenv("STK_DROP_ME");
}

TEST(path_lookup_uses_command_env)
{
    static struct stk_env_set set[] = {{"PATH", helpers_dir}};
    struct stk_policy_ir ir = {0};
    ir.env_clear = true;
    ir.env_set = set;
    ir.nenv_set = 1;
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, (char *const[]){"probe", "exit", "3", NULL}), 3);
}

TEST(exit_codes)
{
    struct stk_policy_ir ir = {0};
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("exit", "7")), 7);
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, PROBE("kill", "15")), 128 + SIGTERM);
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, ((char *const[]){"/nonexistent/cmd", NULL})), 127);
    CHECK_CONTAINS(out, "stockade: exec: /nonexistent/cmd: No such file or directory");
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, ((char *const[]){"stk-no-such-command-anywhere", NULL})), 127);
    CHECK_CONTAINS(out, "command not found");
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, ((char *const[]){"/etc/passwd", NULL})), 126);
    CHECK_CONTAINS(out, "Permission denied");
    write_bundle(&ir, NULL);
    CHECK_INT(run(AS_CALLER, ((char *const[]){"/tmp", NULL})), 126);
}

TEST(exit_codes_through_exec_descriptor)
{
    need_x86_64();
    struct stk_policy_ir ir = {0};
    struct stk_bpf_prog prog;
    seccomp_ir(&ir, &prog, EPERM);
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_CALLER, PROBE("exit", "42")), 42);
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_CALLER, ((char *const[]){"/nonexistent/cmd", NULL})), 127);
    write_bundle(&ir, &prog);
    CHECK_INT(run(AS_CALLER, ((char *const[]){"/etc/passwd", NULL})), 126);
}

int main(void)
{
    int s = enforce_harness_setup();
    if (s != 0)
        return s < 0 ? 1 : 0;
    RUN(caps_keep_exact_as_root);
    RUN(caps_keep_exact_as_nobody);
    RUN(drop_to_nobody);
    RUN(numeric_ids_and_supplementary_groups);
    RUN(nnp_and_seccomp_mode);
    RUN(denied_syscall_gets_policy_errno);
    RUN(kill_action_sigsys);
    RUN(children_inherit_filter);
    RUN(exec_denied_but_command_starts);
    RUN(exec_denied_with_policy_nofile);
    RUN(exec_denied_script);
    RUN(rlimits_applied);
    RUN(rlimit_raise_refused);
    RUN(fds_closed_and_kept);
    RUN(fds_closed_with_exec_descriptor);
    RUN(env_workdir_umask);
    RUN(path_lookup_uses_command_env);
    RUN(exit_codes);
    RUN(exit_codes_through_exec_descriptor);
    return test_summary();
}
