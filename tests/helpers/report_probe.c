/* report_probe.c — run under `--report` by tests/integration/report.sh.
 * Actions (each prints one "key: value" line on stdout):
 *   thread-sys NR     syscall NR from a second thread: "thread sys NR: ret=R errno=E tid=T"
 *   trap-sys NR       with a SIGSYS handler installed: "trap sys NR: ret=R errno=E sigsys=N sync=S code=C"
 *                     (S: the handler had run when the call returned; C: its si_code)
 *   sys NR            syscall NR: "sys NR: ret=R errno=E"
 *   sysa NR A0 A1     syscall NR with arguments A0, A1 (then 0): "sysa NR A1: ret=R errno=E"
 *   sys-loop N NR     syscall NR N times: "sys-loop NR: N calls, last errno=E"
 *   fork-sys NR       syscall NR in a child: "fork sys NR: pid=P ret=R errno=E", then "fork status: S"
 *   block-sigsys      block SIGSYS in this thread: "block-sigsys: ok"
 *   fdlinks           every open descriptor and what it is: "fd N: TARGET"
 *   pid               "pid: P"
 *   comm NAME         set the thread's name (prctl PR_SET_NAME; bytes as given): "comm: ok"
 *   mkdir PATH        mkdir(PATH, 0700): "mkdir: ret=R errno=E" (a string argument the report quotes)
 * Unknown actions exit 99. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t sigsys_count, sigsys_code;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    sigsys_count++;
    sigsys_code = si->si_code;
}

struct targ {
    long nr, ret;
    int err;
    pid_t tid;
};

static void *thread_main(void *p)
{
    struct targ *t = p;
    t->tid = (pid_t)syscall(SYS_gettid);
    errno = 0;
    t->ret = syscall(t->nr, 0, 0, 0, 0, 0, 0);
    t->err = t->ret < 0 ? errno : 0;
    return NULL;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "thread-sys") && i + 1 < argc) {
            struct targ t = {.nr = strtol(argv[++i], NULL, 0)};
            pthread_t th;
            if (pthread_create(&th, NULL, thread_main, &t) != 0 || pthread_join(th, NULL) != 0) {
                printf("thread-sys: cannot start a thread\n");
                continue;
            }
            printf("thread sys %ld: ret=%ld errno=%d tid=%d\n", t.nr, t.ret, t.err, (int)t.tid);
        } else if (!strcmp(a, "trap-sys") && i + 1 < argc) {
            long nr = strtol(argv[++i], NULL, 0);
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_sigaction = on_sigsys;
            sa.sa_flags = SA_SIGINFO;
            sigaction(SIGSYS, &sa, NULL);
            errno = 0;
            long r = syscall(nr, 0, 0, 0, 0, 0, 0);
            int err = r < 0 ? errno : 0;
            int sync = sigsys_count; /* the handler ran at the call's return */
            /* the supervisor's SIGSYS may arrive just after the call returns */
            for (int k = 0; k < 200 && !sigsys_count; k++)
                usleep(5000);
            printf("trap sys %ld: ret=%ld errno=%d sigsys=%d sync=%d code=%d\n", nr, r, err, (int)sigsys_count, sync,
                   (int)sigsys_code);
        } else if (!strcmp(a, "sys") && i + 1 < argc) {
            long nr = strtol(argv[++i], NULL, 0);
            errno = 0;
            long r = syscall(nr, 0, 0, 0, 0, 0, 0);
            printf("sys %ld: ret=%ld errno=%d\n", nr, r, r < 0 ? errno : 0);
        } else if (!strcmp(a, "sysa") && i + 3 < argc) {
            long nr = strtol(argv[i + 1], NULL, 0), a0 = strtol(argv[i + 2], NULL, 0);
            long a1 = strtol(argv[i + 3], NULL, 0);
            i += 3;
            errno = 0;
            long r = syscall(nr, a0, a1, 0, 0, 0, 0);
            printf("sysa %ld %ld: ret=%ld errno=%d\n", nr, a1, r, r < 0 ? errno : 0);
        } else if (!strcmp(a, "sys-loop") && i + 2 < argc) {
            long n = strtol(argv[++i], NULL, 0), nr = strtol(argv[++i], NULL, 0), k;
            int err = 0;
            for (k = 0; k < n; k++) {
                errno = 0;
                if (syscall(nr, 0, 0, 0, 0, 0, 0) < 0)
                    err = errno;
            }
            printf("sys-loop %ld: %ld calls, last errno=%d\n", nr, k, err);
        } else if (!strcmp(a, "fork-sys") && i + 1 < argc) {
            long nr = strtol(argv[++i], NULL, 0);
            pid_t p = fork();
            if (p == 0) {
                errno = 0;
                long r = syscall(nr, 0, 0, 0, 0, 0, 0);
                printf("fork sys %ld: pid=%d ret=%ld errno=%d\n", nr, (int)getpid(), r, r < 0 ? errno : 0);
                _exit(0);
            }
            int st = 0;
            if (p < 0 || waitpid(p, &st, 0) < 0)
                printf("fork-sys: %s\n", strerror(errno));
            else
                printf("fork status: %d\n", st);
        } else if (!strcmp(a, "block-sigsys")) {
            sigset_t s;
            sigemptyset(&s);
            sigaddset(&s, SIGSYS);
            printf("block-sigsys: %s\n", sigprocmask(SIG_BLOCK, &s, NULL) == 0 ? "ok" : strerror(errno));
        } else if (!strcmp(a, "fdlinks")) {
            DIR *d = opendir("/proc/self/fd");
            if (!d) {
                printf("fdlinks: error %d\n", errno);
                continue;
            }
            struct dirent *de;
            while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
                    continue;
                char path[300], target[256];
                snprintf(path, sizeof path, "/proc/self/fd/%s", de->d_name);
                ssize_t n = readlink(path, target, sizeof target - 1);
                target[n < 0 ? 0 : n] = '\0';
                printf("fd %s: %s\n", de->d_name, target);
            }
            closedir(d);
        } else if (!strcmp(a, "pid")) {
            printf("pid: %d\n", (int)getpid());
        } else if (!strcmp(a, "comm") && i + 1 < argc) {
            if (prctl(PR_SET_NAME, argv[++i], 0, 0, 0) != 0) {
                printf("comm: errno=%d\n", errno);
                return 1;
            }
            printf("comm: ok\n");
        } else if (!strcmp(a, "mkdir") && i + 1 < argc) {
            errno = 0;
            int r = mkdir(argv[++i], 0700);
            printf("mkdir: ret=%d errno=%d\n", r, r < 0 ? errno : 0);
        } else {
            fprintf(stderr, "report_probe: unknown action %s\n", a);
            return 99;
        }
    }
    return 0;
}
