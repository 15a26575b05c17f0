/* enforce_harness.h — what the tests of the enforcer on the real kernel share
 * (test_enforce.c, test_enforce_fail_closed.c): a hand-written x86_64 seccomp filter, a
 * bundle written with stk_bundle_write, and stockade-exec run around
 * build/tests/helpers/probe as the caller or as nobody, its output in out. */
#ifndef STK_ENFORCE_HARNESS_H
#define STK_ENFORCE_HARNESS_H

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
static struct stk_bpf_filter one_filter;

static inline struct stk_bpf_prog make_filter(const struct filter_spec *s)
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
    one_filter = (struct stk_bpf_filter){insns, sizeof f / sizeof f[0], sites, s->deny_exec ? 1 : 0};
    return (struct stk_bpf_prog){insns, sizeof f / sizeof f[0], sites, s->deny_exec ? 1 : 0, &one_filter, 1};
#else
    (void)s;
    return (struct stk_bpf_prog){0};
#endif
}

static struct stk_rule exec_rule;

/* A policy with a filter: errno EACCES for uname, kill for sysfs (unused by /bin/sh). */
static inline void seccomp_ir(struct stk_policy_ir *ir, struct stk_bpf_prog *prog, int deny_exec)
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

static inline void write_bundle_bytes(const void *data, size_t len)
{
    snprintf(bundle_path, sizeof bundle_path, "/tmp/stk-test-XXXXXX");
    int fd = mkstemp(bundle_path);
    CHECK(fd >= 0);
    CHECK(fchmod(fd, 0644) == 0);
    CHECK(write(fd, data, len) == (ssize_t)len);
    close(fd);
}

static inline void write_bundle(const struct stk_policy_ir *ir, const struct stk_bpf_prog *prog)
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
static inline int run_full(int who, bool extra_fds, const char *opt, char *const cmd[])
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

static inline int run(int who, char *const cmd[])
{
    return run_full(who, false, NULL, cmd);
}

#define PROBE(...) ((char *const[]){probe_bin, __VA_ARGS__, NULL})

static inline void need_root(void)
{
    if (geteuid() != 0)
        SKIP("needs root");
}

static inline void need_x86_64(void)
{
#if !defined(__x86_64__)
    SKIP("the hand-written test filter is x86_64 only");
#endif
}

static inline uint64_t caller_caps(void)
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

/* Per-program setup: out, and the paths of stockade-exec, the probe and the helpers
 * directory.  0: ready; 1: stockade-exec is not built (a SKIP line is printed, the
 * program exits 0); -1: setup failed (the program exits 1). */
static inline int enforce_harness_setup(void)
{
    out = calloc(1, OUT_SIZE);
    if (!out)
        return -1;
    const char *build = getenv("STK_BUILD");
    if (!build)
        build = "build";
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/stockade-exec", build);
    if (!realpath(tmp, exec_bin)) {
        printf("SKIP enforcer: %s not built\n", tmp);
        return 1;
    }
    snprintf(tmp, sizeof tmp, "%s/tests/helpers/probe", build);
    if (!realpath(tmp, probe_bin)) {
        printf("FAIL enforcer: %s not built\n", tmp);
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s/tests/helpers", build);
    if (!realpath(tmp, helpers_dir))
        return -1;
    return 0;
}

#endif
