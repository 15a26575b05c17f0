/* handover_cost.c — what the exec hand-over (docs/enforcer.md, "The final
 * execve through a filter that denies execve") adds at start-up: fork, then
 * helper thread + filter with a listener + one notification answered
 * CONTINUE + execveat, against fork + plain filter + execveat.  The program
 * exec'd is this one (static) with --nop, which exits at once.  Runs the two
 * in turns, N times each (default 1000), and prints min/p10/median.
 * Usage: build/bench/handover_cost [N]     (built by bench/run.sh) */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static _Atomic int lfd = -1;
static void *helper(void *a)
{
    (void)a;
    int fd;
    while ((fd = atomic_load(&lfd)) == -1)
        sched_yield();
    struct seccomp_notif req;
    memset(&req, 0, sizeof req);
    if (fd < 0 || ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
        _exit(90);
    struct seccomp_notif_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.id = req.id;
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    close(fd);
    return NULL;
}

static double run(int handover, const char *bin)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t p = fork();
    if (p == 0) {
        int efd = open(bin, O_RDONLY | O_CLOEXEC);
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, handover ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {4, f};
        prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
        if (handover) {
            pthread_t t;
            pthread_attr_t at;
            pthread_attr_init(&at);
            pthread_attr_setstacksize(&at, 64 * 1024);
            pthread_create(&t, &at, helper, NULL);
            long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
            atomic_store(&lfd, (int)fd);
        } else {
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
        }
        char *av[] = {(char *)bin, "--nop", NULL}, *ev[] = {NULL};
        syscall(SYS_execveat, efd, "", av, ev, AT_EMPTY_PATH);
        _exit(91);
    }
    int st;
    waitpid(p, &st, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "child status %d\n", st);
        exit(1);
    }
    return (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
}

static int cmp(const void *x, const void *y)
{
    double d = *(const double *)x - *(const double *)y;
    return d < 0 ? -1 : d > 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--nop") == 0)
        return 0;
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0)
        return 1;
    self[sl] = '\0';
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    if (n < 10)
        n = 10;
    double *t[2] = {calloc((size_t)n, sizeof(double)), calloc((size_t)n, sizeof(double))};
    if (!t[0] || !t[1])
        return 1;
    for (int i = 0; i < n; i++)
        for (int h = 0; h < 2; h++)
            t[h][i] = run(h, self);
    for (int h = 0; h < 2; h++) {
        qsort(t[h], (size_t)n, sizeof(double), cmp);
        printf("%-9s min %6.0f us  p10 %6.0f  median %6.0f\n", h ? "hand-over" : "plain", t[h][0], t[h][n / 10],
               t[h][n / 2]);
    }
    return 0;
}
