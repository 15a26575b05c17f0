/* test_bpf_kernel.c — the install path: every program we emit is loaded into
 * the real kernel (seccomp(SECCOMP_SET_MODE_FILTER) in a forked child) and
 * real syscalls then return what the policy says: errno values, SIGSYS for
 * kill actions, success for allowed calls. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp/bpf_gen.h"
#include "seccomp/bpf_layout.h"
#include "pipeline.h"
#include "testlib.h"
#include "util.h"

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

static struct stk_policy_ir *compile(const char *text)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("kernel.stk", text, strlen(text), NULL, &ds);
    if (!ir)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    return ir;
}

/* Run fn in a child confined by the policy; returns the wait status.
 * fn returns 0 when every check held, else the number of the failed check. */
static int run_confined(struct stk_policy_ir *ir, int (*fn)(void))
{
    struct stk_bpf_prog p;
    char err[256];
    if (stk_bpf_generate(ir, &p, err, sizeof err) != 0)
        return -1;
    struct sock_fprog fp = {.len = (unsigned short)p.len, .filter = p.insns};
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            _exit(100);
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0)
            _exit(101);
        _exit(fn());
    }
    stk_bpf_prog_free(&p);
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

#define EXPECT_ERR(call, e, n)                                                                     \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        if (r_ != -1 || errno != (e))                                                              \
            return (n);                                                                            \
    } while (0)
#define EXPECT_OK(call, n)                                                                         \
    do {                                                                                           \
        if ((long)(call) < 0)                                                                      \
            return (n);                                                                            \
    } while (0)

static void expect_exit0(int st)
{
    CHECK_MSG(st != 100 << 8 && st != 101 << 8, "could not install the filter (status 0x%x)", st);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status 0x%x (exit %d, signal %d): check %d failed", st,
              WIFEXITED(st) ? WEXITSTATUS(st) : -1, WIFSIGNALED(st) ? WTERMSIG(st) : 0,
              WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static int errno_actions(void)
{
    EXPECT_ERR(syscall(SYS_getppid), EACCES, 1);
    EXPECT_ERR(syscall(SYS_getpriority, 2, 12345), 77, 2);
    errno = 0;
    long r = syscall(SYS_getpriority, 0, 0); /* not matched: allowed */
    if (r < 0 && errno == 77)
        return 3;
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0)
        return 4;
    EXPECT_ERR(lseek(fd, -5, SEEK_SET), 55, 5);            /* signed 64-bit: offset < 0 */
    EXPECT_ERR(syscall(SYS_lseek, fd, 0x100000000L, SEEK_SET), 56, 6); /* 64-bit: > 0xffffffff */
    EXPECT_OK(lseek(fd, 5, SEEK_SET), 7);
    /* int argument: only the low 32 bits are compared, the high half is ignored */
    EXPECT_ERR(syscall(SYS_close, 0xffffffff000003e8L), 57, 8);
    EXPECT_ERR(syscall(SYS_close, 1000L), 57, 9);
    /* TIOCSTI is refused by the built-in rule, before the kernel could say ENOTTY */
    char c = 'x';
    EXPECT_ERR(ioctl(fd, TIOCSTI, &c), EPERM, 10);
    errno = 0;
    if (ioctl(fd, TCGETS, &c) != -1 || errno != ENOTTY) /* other ioctls reach the kernel */
        return 11;
    /* a number above the newest syscall the compiler knows: ENOSYS */
    EXPECT_ERR(syscall(stk_layout_max_regular(STK_ABI_X86_64) + 1), ENOSYS, 12);
    return 0;
}

TEST(kernel_errno_values_and_allowed_calls)
{
    struct stk_policy_ir *ir = compile("policy k { seccomp { default allow\n errno EACCES getppid\n"
                                       " errno 77 getpriority if which == 2 && who == 12345\n"
                                       " errno 55 lseek if offset < 0\n errno 56 lseek if offset > 0xffffffff\n"
                                       " errno 57 close if fd == 1000 } }\n");
    CHECK(ir);
    expect_exit0(run_confined(ir, errno_actions));
    stk_policy_ir_free(ir);
}

static int call_uname(void)
{
    struct utsname u;
    uname(&u);
    return 0; /* not reached: kill-process */
}

static int call_x32(void)
{
    syscall(0x40000000 | SYS_getpid);
    return 0;
}

TEST(kernel_kill_is_sigsys)
{
    struct stk_policy_ir *ir = compile("policy k { seccomp { default allow\n kill-process uname } }\n");
    CHECK(ir);
    int st = run_confined(ir, call_uname);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "status 0x%x", st);
    /* x32 numbers are never let through by a native-only policy, even a denylist */
    st = run_confined(ir, call_x32);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "x32 call: status 0x%x", st);
    stk_policy_ir_free(ir);
}

static int default_policy_checks(void)
{
    EXPECT_OK(syscall(SYS_getpid), 1);
    EXPECT_ERR(unshare(CLONE_NEWUSER), EPERM, 2);
    EXPECT_ERR(syscall(SYS_clone3, NULL, 0), ENOSYS, 3);
    EXPECT_ERR(syscall(SYS_personality, 0xdead), EPERM, 4);
    EXPECT_OK(syscall(SYS_personality, 0xffffffff), 5);
    EXPECT_ERR(syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL), EPERM, 6);
    return 0;
}

TEST(kernel_default_policy)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_default(&ds);
    stk_diags_free(&ds);
    CHECK(ir);
    expect_exit0(run_confined(ir, default_policy_checks));
    stk_policy_ir_free(ir);
}

static int nothing(void)
{
    return 0;
}

/* The kernel accepts every shipped policy's program and a trampoline-heavy one. */
TEST(kernel_accepts_every_program)
{
    const char *files[] = {"policies/examples/web.stk", "policies/examples/deny-exec.stk",
                           "policies/examples/denylist.stk", "policies/examples/minimal.stk"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct stk_diags ds;
        stk_diags_init(&ds);
        struct stk_policy_ir *ir = stk_compile_file(files[i], NULL, &ds);
        stk_diags_free(&ds);
        CHECK_MSG(ir, "%s", files[i]);
        int st = run_confined(ir, nothing);
        CHECK_MSG(st != 101 << 8, "%s: the kernel refused the program", files[i]);
        stk_policy_ir_free(ir);
    }
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy big { seccomp { default allow\n");
    const char *scs[] = {"read", "openat", "lseek", "pread64", "pwrite64", "dup", "fcntl", "flock", "fsync",
                         "ftruncate", "getdents64", "fchmod", "fchown", "readv", "writev", "sendto"};
    for (size_t i = 0; i < sizeof scs / sizeof scs[0]; i++) {
        stk_buf_printf(&b, "errno 99 %s if arg0 in (", scs[i]);
        for (int k = 0; k < 40; k++)
            stk_buf_printf(&b, "%s%d", k ? ", " : "", 1000 + k * 7 + (int)i);
        stk_buf_puts(&b, ") && arg1 != 0x1234567890\n");
    }
    stk_buf_puts(&b, "} }\n");
    struct stk_policy_ir *ir = compile(b.data);
    stk_buf_free(&b);
    CHECK(ir);
    int st = run_confined(ir, nothing);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "trampoline program: status 0x%x", st);
    stk_policy_ir_free(ir);
}

/* The kernel reads clone's flags, ioctl's request and readv's fd as 32 bits:
 * junk in the high word must not walk around a deny rule (issue 10, item 8). */
static int high_word_junk(void)
{
    errno = 0;
    long r = syscall(SYS_clone, (1ul << 32) | 0x10000011ul, 0ul, 0ul, 0ul, 0ul);
    if (r == 0)
        _exit(0); /* the bypass worked: this is the new child */
    if (r > 0) {
        waitpid((pid_t)r, NULL, 0);
        return 1;
    }
    if (errno != EPERM)
        return 2;
    EXPECT_ERR(syscall(SYS_clone, 0x10000011ul, 0ul, 0ul, 0ul, 0ul), EPERM, 3);
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0)
        return 4;
    char c = 'x';
    /* the built-in TIOCSTI rule, and a policy rule on another request */
    EXPECT_ERR(syscall(SYS_ioctl, fd, (1ul << 32) | (unsigned long)TIOCSTI, &c), EPERM, 5);
    EXPECT_ERR(syscall(SYS_ioctl, fd, 0xffffffff00000000ul | (unsigned long)TIOCLINUX, &c), EPERM, 6);
    EXPECT_ERR(syscall(SYS_ioctl, fd, (1ul << 40) | (unsigned long)TCGETS, &c), 61, 7);
    EXPECT_ERR(syscall(SYS_ioctl, fd, (unsigned long)TCGETS, &c), 61, 8);
    char buf[4];
    struct iovec iov = {buf, sizeof buf};
    EXPECT_ERR(syscall(SYS_readv, (1ul << 32) | 1000ul, &iov, 1ul), 62, 9);
    EXPECT_OK(syscall(SYS_readv, fd, &iov, 1ul), 10); /* /dev/null: 0 bytes, allowed */
    /* the masked socket-type rule (issue 10, item 13) holds with SOCK_CLOEXEC OR-ed in */
    EXPECT_ERR(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), 63, 11);
    EXPECT_ERR(socket(AF_INET, SOCK_DGRAM, 0), 63, 12);
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return 13;
    close(s);
    return 0;
}

TEST(kernel_high_word_junk_is_ignored)
{
    struct stk_policy_ir *ir = compile("policy k { seccomp { default allow\n"
                                       " errno EPERM clone if flags in (0x10000011)\n"
                                       " errno 61 ioctl if request == TCGETS\n"
                                       " errno 62 readv if fd == 1000\n"
                                       " errno 63 socket if type & 0xf == SOCK_DGRAM } }\n");
    CHECK(ir);
    if (!ir)
        return;
    expect_exit0(run_confined(ir, high_word_junk));
    stk_policy_ir_free(ir);
}

int main(void)
{
    RUN(kernel_errno_values_and_allowed_calls);
    RUN(kernel_kill_is_sigsys);
    RUN(kernel_default_policy);
    RUN(kernel_accepts_every_program);
    RUN(kernel_high_word_junk_is_ignored);
    return test_summary();
}
