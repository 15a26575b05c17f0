/* test_enforce.c — the enforcer on the real kernel: bundles written with
 * stk_bundle_write are run through build/stockade-exec around
 * build/tests/helpers/probe, which reports from inside the confined process.
 * The seccomp programs are written by hand here (x86_64), so these tests do
 * not depend on the code generator. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "bundle/bundle_write.h"
#include "testlib.h"

static char exec_bin[4096], probe_bin[4096], helpers_dir[4096];

/* ---- a hand-written filter ------------------------------------------------- */
struct filter_spec {
    int deny_exec;  /* errno for execve/execveat (0: allow them) */
    long errno_nr;  /* syscall answered with errno_val */
    int errno_val;
    long kill_nr;   /* syscall that kills the process */
};

static struct sock_filter insns[16];
static uint32_t sites[1];

static struct stk_bpf_prog make_filter(const struct filter_spec *s)
{
#if defined(__x86_64__)
    uint32_t deny = s->deny_exec ? SECCOMP_RET_ERRNO | (uint32_t)s->deny_exec : SECCOMP_RET_ALLOW;
    /* the exec hand-over rule (only when exec is denied, as the compiler does) */
    uint8_t handover_jt = s->deny_exec ? 7 : 3;
    struct sock_filter f[] = {
        /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 12),
        /* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execveat, 0, 4),
        /* 4 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        /* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, STK_EXEC_FD_PLACEHOLDER, 0, 6),
        /* 6 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[4])),
        /* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AT_EMPTY_PATH, handover_jt, 4),
        /* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 3, 0),
        /* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)s->errno_nr, 3, 0),
        /* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)s->kill_nr, 3, 0),
        /* 11 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* 12 */ BPF_STMT(BPF_RET | BPF_K, deny),
        /* 13 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (uint32_t)s->errno_val),
        /* 14 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        /* 15 */ BPF_STMT(BPF_RET | BPF_K, STK_BUNDLE_EXEC_HANDOVER_RET),
    };
    memcpy(insns, f, sizeof f);
    sites[0] = 5;
    return (struct stk_bpf_prog){insns, sizeof f / sizeof f[0], sites, s->deny_exec ? 1 : 0};
#else
    (void)s;
    return (struct stk_bpf_prog){0};
#endif
}

static struct stk_rule exec_rule;

/* A policy with a filter: errno EACCES for uname, kill for sysfs (unused by /bin/sh). */
static void seccomp_ir(struct stk_policy_ir *ir, struct stk_bpf_prog *prog, int deny_exec)
{
    struct filter_spec s = {deny_exec, __NR_uname, EACCES, __NR_sysfs};
    *prog = make_filter(&s);
    ir->no_new_privs = true;
    ir->seccomp.present = true;
    ir->seccomp.def = (struct stk_action){STK_ACT_ALLOW, 0};
    if (deny_exec) {
        exec_rule = (struct stk_rule){.action = {STK_ACT_ERRNO, (uint16_t)deny_exec},
                                      .syscall = stk_syscall_lookup("execve")};
        ir->seccomp.rules = &exec_rule;
        ir->seccomp.nrules = 1;
    }
}

/* ---- running stockade-exec ----------------------------------------------------- */
static char bundle_path[64];

static void write_bundle_bytes(const void *data, size_t len)
{
    snprintf(bundle_path, sizeof bundle_path, "/tmp/stk-test-XXXXXX");
    int fd = mkstemp(bundle_path);
    CHECK(fd >= 0);
    CHECK(fchmod(fd, 0644) == 0);
    CHECK(write(fd, data, len) == (ssize_t)len);
    close(fd);
}

static void write_bundle(const struct stk_policy_ir *ir, const struct stk_bpf_prog *prog)
{
    struct stk_buf b = {0};
    stk_bundle_write(ir, prog, &b);
    write_bundle_bytes(b.data, b.len);
    stk_buf_free(&b);
}

#define OUT_SIZE 65536
static char *out; /* output of the last run (heap: its size is unknown to format checks) */

enum { AS_CALLER, AS_NOBODY };

/* Run stockade-exec [opt] BUNDLE -- cmd...; output (stdout+stderr) in out; returns
 * the exit status as a shell reports it (128+N for signal N).  extra_fds: open
 * descriptors 5 and 9 in the child first. */
static int run_full(int who, bool extra_fds, const char *opt, char *const cmd[])
{
    int p[2];
    CHECK(pipe2(p, O_CLOEXEC) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        if (extra_fds) {
            dup2(0, 5);
            dup2(0, 9);
        }
        if (who == AS_NOBODY &&
            (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0))
            _exit(90);
        char *argv[64];
        int n = 0;
        argv[n++] = exec_bin;
        if (opt)
            argv[n++] = (char *)opt;
        argv[n++] = bundle_path;
        argv[n++] = "--";
        for (int i = 0; cmd[i] && n < 62; i++)
            argv[n++] = cmd[i];
        argv[n] = NULL;
        execv(exec_bin, argv);
        _exit(91);
    }
    close(p[1]);
    size_t len = 0;
    for (;;) {
        ssize_t r = read(p[0], out + len, OUT_SIZE - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    out[len] = '\0';
    close(p[0]);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    unlink(bundle_path);
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static int run(int who, char *const cmd[])
{
    return run_full(who, false, NULL, cmd);
}

#define PROBE(...) ((char *const[]){probe_bin, __VA_ARGS__, NULL})

static void need_root(void)
{
    if (geteuid() != 0)
        SKIP("needs root");
}

static void need_x86_64(void)
{
#if !defined(__x86_64__)
    SKIP("the hand-written test filter is x86_64 only");
#endif
}

static uint64_t caller_caps(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    unsigned long long v = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "CapPrm: %llx", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

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
    CHECK_CONTAINS(out, "stockade: identity: unknown user \"stk-no-such-user\"");
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
    CHECK_CONTAINS(out, "policy dry (bundle format 2)");
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
    out = calloc(1, OUT_SIZE);
    if (!out)
        return 1;
    const char *build = getenv("STK_BUILD");
    if (!build)
        build = "build";
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/stockade-exec", build);
    if (!realpath(tmp, exec_bin)) {
        printf("SKIP enforcer: %s not built\n", tmp);
        return 0;
    }
    snprintf(tmp, sizeof tmp, "%s/tests/helpers/probe", build);
    if (!realpath(tmp, probe_bin)) {
        printf("FAIL enforcer: %s not built\n", tmp);
        return 1;
    }
    snprintf(tmp, sizeof tmp, "%s/tests/helpers", build);
    if (!realpath(tmp, helpers_dir))
        return 1;
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
