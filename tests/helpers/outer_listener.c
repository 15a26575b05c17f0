/* outer_listener.c — a parent that intercepts system calls, as a container
 * runtime does: it installs a seccomp filter with a user-notification
 * listener (for sethostname, which the test never calls) and runs its
 * arguments under it (tests/integration/listeners.sh).
 *
 *   outer_listener CMD [ARG...]
 *
 * Exits with CMD's status (128+N for signal N); 98 when the filter cannot be
 * installed, 97 when CMD cannot be started. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 99;
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sethostname, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog p = {sizeof f / sizeof f[0], f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0) {
        perror("outer_listener: no_new_privs");
        return 98;
    }
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &p);
    if (fd < 0) {
        perror("outer_listener: seccomp");
        return 98;
    }
    pid_t c = fork();
    if (c < 0)
        return 97;
    if (c == 0) {
        close((int)fd);
        execv(argv[1], argv + 1);
        _exit(97);
    }
    int st = 0;
    while (waitpid(c, &st, 0) < 0)
        if (errno != EINTR)
            return 97;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
