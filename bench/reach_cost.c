/* reach_cost.c — what two of the enforcer's default steps cost at start-up,
 * measured inside fresh processes so that machine load between runs does not
 * enter the figure (docs/performance.md): the ptrace isolation domain
 * (enforcer/steps/ptrace_isolation.c: landlock_create_ruleset, open("/"),
 * landlock_add_rule, landlock_restrict_self) and the new session keyring
 * (enforcer/steps/keyring.c: keyctl(KEYCTL_JOIN_SESSION_KEYRING)).  Each child
 * sets no_new_privs, times the calls and reports the nanoseconds through a
 * pipe.  Prints the median, p25 and p75 in microseconds.
 *
 * Usage: reach_cost [RUNS]   (default 2000) */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long domain(void)
{
    uint64_t handled = 1ull << 13; /* LANDLOCK_ACCESS_FS_REFER */
    struct __attribute__((packed)) {
        uint64_t allowed;
        int32_t fd;
    } rule;
    long long t0 = now_ns();
    int rfd = (int)syscall(444, &handled, sizeof handled, 0);
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    rule.allowed = handled;
    rule.fd = root;
    if (rfd < 0 || root < 0 || syscall(445, rfd, 1, &rule, 0) < 0 || syscall(446, rfd, 0) < 0)
        return -1;
    close(root);
    close(rfd);
    return now_ns() - t0;
}

static long long keyring(void)
{
    long long t0 = now_ns();
    if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL, 0L, 0L, 0L) < 0)
        return -1;
    return now_ns() - t0;
}

static int cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static int measure(const char *name, long long (*fn)(void), int runs)
{
    long long *v = calloc((size_t)runs, sizeof *v);
    if (!v)
        return -1;
    for (int i = 0; i < runs; i++) {
        int p[2];
        if (pipe(p) < 0)
            return -1;
        pid_t c = fork();
        if (c < 0)
            return -1;
        if (c == 0) {
            long long t = prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0 ? -1 : fn();
            _exit(write(p[1], &t, sizeof t) == sizeof t ? 0 : 1);
        }
        close(p[1]);
        long long t = -1;
        if (read(p[0], &t, sizeof t) != sizeof t)
            t = -1;
        close(p[0]);
        waitpid(c, NULL, 0);
        if (t < 0) {
            fprintf(stderr, "%s: failed in the child\n", name);
            return -1;
        }
        v[i] = t;
    }
    qsort(v, (size_t)runs, sizeof *v, cmp);
    printf("%-18s median %6.1f us  p25 %6.1f  p75 %6.1f\n", name, v[runs / 2] / 1e3, v[runs / 4] / 1e3,
           v[runs * 3 / 4] / 1e3);
    free(v);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 2000;
    if (runs < 4)
        runs = 4;
    if (measure("isolation domain", domain, runs) < 0 || measure("session keyring", keyring, runs) < 0)
        return 1;
    return 0;
}
