/* listener_probe.c — a left-over process outlives the `--report` supervisor
 * and tries to answer the policy's denied calls itself
 * (tests/integration/report_listener.sh).
 *
 *   listener_probe OUT NR exit|kill|nowait
 *
 * Makes syscall NR (first argument: a 4 KiB buffer), then forks.  The parent exits at once ("exit") or first
 * sends SIGKILL to its own parent, the supervisor ("kill").  The child waits
 * (up to 10 s) until the supervisor is gone or a zombie (its descriptors, the
 * listener among them, are closed by then), installs a filter of its own that
 * sends NR to a listener (SECCOMP_FILTER_FLAG_NEW_LISTENER), answers every
 * notification with CONTINUE from a second thread, and makes syscall NR
 * again.  "nowait": the parent exits and the child does not wait (a run
 * without a supervisor).  Lines written to OUT:
 *   "before: ret=R errno=E"
 *   "supervisor: gone" | "supervisor: still there"
 *   "listener: fd=F errno=E"
 *   "after: ret=R errno=E"      (only when the listener was installed)
 *   "done"
 * The policy's denial holds when "after" is missing or fails. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *answer(void *arg)
{
    int fd = *(int *)arg;
    for (;;) {
        struct seccomp_notif req;
        memset(&req, 0, sizeof req);
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
            if (errno == EINTR || errno == ENOENT)
                continue;
            return NULL;
        }
        struct seccomp_notif_resp resp = {.id = req.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
        ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
}

/* 1: pid is gone or a zombie */
static int gone(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 1;
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 99;
    FILE *o = fopen(argv[1], "w");
    if (!o)
        return 98;
    setvbuf(o, NULL, _IONBF, 0);
    long nr = strtol(argv[2], NULL, 0);
    errno = 0;
    static char buf[4096];
    long r = syscall(nr, (long)buf, 0L, 0L);
    fprintf(o, "before: ret=%ld errno=%d\n", r, r < 0 ? errno : 0);
    pid_t sv = getppid();
    pid_t c = fork();
    if (c < 0)
        return 97;
    if (c > 0) {
        if (!strcmp(argv[3], "kill"))
            kill(sv, SIGKILL);
        return 0;
    }
    int i;
    for (i = 0; strcmp(argv[3], "nowait") && i < 1000 && !gone(sv); i++)
        usleep(10000);
    fprintf(o, "supervisor: %s\n", i < 1000 ? "gone" : "still there");
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog p = {sizeof f / sizeof f[0], f};
    static int fd;
    fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &p);
    fprintf(o, "listener: fd=%d errno=%d\n", fd, fd < 0 ? errno : 0);
    if (fd >= 0) {
        pthread_t t;
        if (pthread_create(&t, NULL, answer, &fd) == 0) {
            usleep(20000);
            errno = 0;
            r = syscall(nr, (long)buf, 0L, 0L);
            fprintf(o, "after: ret=%ld errno=%d\n", r, r < 0 ? errno : 0);
        }
    }
    fprintf(o, "done\n");
    _exit(0);
}
