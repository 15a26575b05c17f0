/* test_handover_secret.c — the exec hand-over's secret on the real kernel
 * (docs/enforcer.md, "The final execve through a filter that denies
 * execve").
 *
 * 1. The assumption the design rests on: execveat ignores the upper halves
 *    of dirfd and flags (it takes both as int) and has no sixth argument,
 *    so junk there still execs, while seccomp sees all of it.
 * 2. A compiled policy that denies execveat, its secret drawn and patched by
 *    the enforcer's own code (handover.c), installed: the exec with the
 *    secret runs; the same call with the placeholders, with any one word
 *    wrong, or without a secret gets the policy's errno (EPERM, not ENOSYS).
 * 3. Every run draws a fresh secret. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipeline.h"
#include "seccomp/bpf_gen.h"
#include "steps/steps.h"
#include "testlib.h"

static char *const true_argv[] = {"true", NULL};
static char *const no_env[] = {NULL};

static long execveat6(uint32_t fd, uint32_t hi0, uint32_t flags, uint32_t hi4, uint64_t a5)
{
    return syscall(SYS_execveat, (long)((uint64_t)hi0 << 32 | fd), "", true_argv, no_env,
                   (long)((uint64_t)hi4 << 32 | flags), (long)a5);
}

/* The child's exit status (-1: it did not exit). */
static int child_status(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(kernel_ignores_the_secret_bits)
{
    if (sizeof(long) != 8)
        SKIP("64-bit registers only");
    int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execveat6((uint32_t)fd, 0xdeadbeefu, AT_EMPTY_PATH, 0xfeedf00du, 0x0123456789abcdefull);
        _exit(100 + errno % 100);
    }
    CHECK_INT(child_status(pid), 0); /* /bin/true ran */
    close(fd);
}

TEST(filter_allows_only_the_run_secret)
{
    if (sizeof(long) != 8)
        SKIP("64-bit registers only");
    struct stk_diags ds;
    stk_diags_init(&ds);
    const char *text = "policy p { seccomp { default allow\n errno EPERM execve, execveat } }\n";
    struct stk_policy_ir *ir = stk_compile_text("p.stk", text, strlen(text), NULL, &ds);
    stk_diags_free(&ds);
    CHECK(ir);
    struct stk_bpf_prog prog;
    char err[256];
    CHECK(stk_bpf_generate(ir, &prog, err, sizeof err) == 0);
    CHECK_INT(prog.nfilters, 1);
    CHECK_INT(prog.filters[0].nsecret_insns, STK_SECRET_WORDS * prog.filters[0].nexec_fd_insns);
    int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct stk_err e = {0};
        struct stk_handover h;
        const struct stk_bpf_filter *f = &prog.filters[0];
        if (stk_handover_prepare(&h, &e) < 0 || !h.armed)
            _exit(10);
        for (size_t i = 0; i < f->nexec_fd_insns; i++)
            f->insns[f->exec_fd_insns[i]].k = (uint32_t)fd;
        stk_handover_patch(&h, f, f->insns);
        struct sock_fprog fp = {(unsigned short)f->len, f->insns};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fp) < 0)
            _exit(11);
        uint32_t w[STK_SECRET_WORDS], ph[STK_SECRET_WORDS];
        for (int i = 0; i < STK_SECRET_WORDS; i++)
            ph[i] = STK_SECRET_PLACEHOLDER(i);
        /* the placeholders, the secret with one word changed, no secret */
        if (execveat6((uint32_t)fd, ph[2], AT_EMPTY_PATH, ph[3], (uint64_t)ph[1] << 32 | ph[0]) != -1 ||
            errno != EPERM)
            _exit(12);
        for (int k = 0; k < STK_SECRET_WORDS; k++) {
            memcpy(w, h.w, sizeof w);
            w[k] ^= 0x10000u;
            if (execveat6((uint32_t)fd, w[2], AT_EMPTY_PATH, w[3], (uint64_t)w[1] << 32 | w[0]) != -1 ||
                errno != EPERM)
                _exit(13 + k);
        }
        if (execveat6((uint32_t)fd, 0, AT_EMPTY_PATH, 0, 0) != -1 || errno != EPERM)
            _exit(20);
        /* the secret with another dirfd (an absolute path would be used) */
        int other = dup(fd);
        if (other < 0 ||
            execveat6((uint32_t)other, h.w[2], AT_EMPTY_PATH, h.w[3], (uint64_t)h.w[1] << 32 | h.w[0]) != -1 ||
            errno != EPERM)
            _exit(21);
        if (prctl(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L) != 0)
            _exit(22); /* non-dumpable while it holds the secret */
        /* the enforcer's exec: exactly what exec.c passes */
        struct stk_exec x = {.path = "/bin/true", .fd = fd, .argv = (char **)true_argv, .via_fd = true, .dir = -1};
        stk_exec_run(&x, no_env, &h, &e);
        _exit(30);
    }
    CHECK_INT(child_status(pid), 0);
    close(fd);
    stk_bpf_prog_free(&prog);
    stk_policy_ir_free(ir);
}

TEST(every_run_draws_a_fresh_secret)
{
    struct stk_err e = {0};
    struct stk_handover a, b;
    pid_t pid = fork(); /* prepare makes the caller non-dumpable: not this test process */
    CHECK(pid >= 0);
    if (pid == 0) {
        if (stk_handover_prepare(&a, &e) < 0 || stk_handover_prepare(&b, &e) < 0)
            _exit(1);
        _exit(a.armed && b.armed && memcmp(a.w, b.w, sizeof a.w) != 0 ? 0 : 2);
    }
    CHECK_INT(child_status(pid), 0);
}

int main(void)
{
    RUN(kernel_ignores_the_secret_bits);
    RUN(filter_allows_only_the_run_secret);
    RUN(every_run_draws_a_fresh_secret);
    return test_summary();
}
