/* handover_cost.c — what the exec hand-over (docs/enforcer.md, "The final
 * execve through a filter that denies execve") adds at start-up.  Three ways
 * to exec through a filter, each after a fork:
 *   plain      filter that allows execveat (TSYNC) + execveat
 *   listener   the old hand-over (bundle format 3): helper thread + filter
 *              with a listener + one notification answered CONTINUE
 *   secret     the hand-over of issue #16: 128 bits from getrandom, the
 *              constant-time secret block in the filter (TSYNC), execveat
 *              with the secret in the register bits it ignores
 * The program exec'd is this one (static) with --nop, which exits at once.
 * Runs the three in turns, N times each (default 1000), and prints
 * min/p10/median.
 * Usage: build/bench/handover_cost [N]     (built by bench/run.sh) */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
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

enum mode { PLAIN, LISTENER, SECRET, NMODES };
static const char *const mode_names[NMODES] = {"plain", "listener", "secret"};

#define ARG_LO(n) (offsetof(struct seccomp_data, args[n]))
#define ARG_HI(n) (offsetof(struct seccomp_data, args[n]) + 4)

static double run(enum mode m, const char *bin)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t p = fork();
    if (p == 0) {
        int efd = open(bin, O_RDONLY | O_CLOEXEC);
        char *av[] = {(char *)bin, "--nop", NULL}, *ev[] = {NULL};
        prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
        if (m == SECRET) {
            uint32_t w[4];
            if (getrandom(w, sizeof w, 0) != (ssize_t)sizeof w)
                _exit(92);
            struct sock_filter f[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 0, 20),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)efd, 0, 17),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(4)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AT_EMPTY_PATH, 0, 15),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(5)),
                BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, w[0]),
                BPF_STMT(BPF_MISC | BPF_TAX, 0),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_HI(5)),
                BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, w[1]),
                BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),
                BPF_STMT(BPF_MISC | BPF_TAX, 0),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_HI(0)),
                BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, w[2]),
                BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),
                BPF_STMT(BPF_MISC | BPF_TAX, 0),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_HI(4)),
                BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, w[3]),
                BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            };
            struct sock_fprog prog = {sizeof f / sizeof f[0], f};
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
            syscall(SYS_execveat, (long)((uint64_t)w[2] << 32 | (uint32_t)efd), "", av, ev,
                    (long)((uint64_t)w[3] << 32 | AT_EMPTY_PATH), (long)((uint64_t)w[1] << 32 | w[0]));
            _exit(91);
        }
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, m == LISTENER ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {4, f};
        if (m == LISTENER) {
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
        syscall(SYS_execveat, efd, "", av, ev, AT_EMPTY_PATH);
        _exit(91);
    }
    int st;
    waitpid(p, &st, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "%s: child status %d\n", mode_names[m], st);
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
    double *t[NMODES];
    for (int h = 0; h < NMODES; h++)
        if (!(t[h] = calloc((size_t)n, sizeof(double))))
            return 1;
    for (int i = 0; i < n; i++)
        for (int h = 0; h < NMODES; h++)
            t[h][i] = run((enum mode)h, self);
    for (int h = 0; h < NMODES; h++) {
        qsort(t[h], (size_t)n, sizeof(double), cmp);
        printf("%-9s min %6.0f us  p10 %6.0f  median %6.0f\n", mode_names[h], t[h][0], t[h][n / 10], t[h][n / 2]);
    }
    printf("secret - plain: median %+.0f us; listener - plain: median %+.0f us\n", t[SECRET][n / 2] - t[PLAIN][n / 2],
           t[LISTENER][n / 2] - t[PLAIN][n / 2]);
    return 0;
}
