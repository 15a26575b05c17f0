/* exec_spy.c — the enforcer's own exec seen from outside the sandbox
 * (docs/enforcer.md, "The final execve through a filter that denies
 * execve", the exec's window).
 *
 * During an execve the kernel makes the new image dumpable before the ELF
 * loader clears the registers, so while the exec sleeps (reading the
 * executable's pages, which any reader can drop from the page cache) a
 * process of the command's uid outside the sandbox reads all six argument
 * registers of the enforcer's execveat from /proc/PID/syscall.  Nothing in
 * them may let the confined command exec: a hand-over rule that checks
 * argument values, even secret ones, would be passed (that design was tried
 * and reverted: a63ccf7).
 *
 *   exec_spy watch PIDFILE BINARY OUT SECONDS
 *       reads a pid from PIDFILE, then /proc/P/syscall for P from that pid
 *       to pid+63 until one shows an execveat (or execve) by descriptor
 *       carrying bits the kernel ignores (is_handover), and writes that
 *       line to OUT
 *       ("watch: seen" / "watch: nothing").  Every 1024 reads it drops
 *       BINARY's pages from the page cache.
 *   exec_spy use FILE PATH
 *       the confined command: waits up to 3 s for FILE (a line of
 *       /proc/P/syscall), then execveat(its a0, PATH, [PATH, "BYPASSED"],
 *       environ, its a4, its a5) — every register the enforcer's exec had.
 *       Prints "use: errno=E" if refused, "use: nothing seen" if FILE never
 *       came.
 * Exit 99 on bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "NR a0 a1 a2 a3 a4 a5 sp pc": an execveat (322) or, as some kernels show
 * it during the exec, execve's number, by descriptor (AT_EMPTY_PATH), with
 * more in its registers than the kernel reads (upper halves of dirfd and
 * flags, the sixth register): what a hand-over rule on argument values
 * would check */
static int is_handover(const char *line, unsigned long a[6])
{
    unsigned long nr;
    if (sscanf(line, "%lu %lx %lx %lx %lx %lx %lx", &nr, &a[0], &a[1], &a[2], &a[3], &a[4], &a[5]) != 7)
        return 0;
    return (nr == 322 || nr == 59) && (a[4] & 0xffffffffUL) == 0x1000 && (a[0] >> 32 || a[4] >> 32 || a[5]);
}

static int watch(const char *pidfile, const char *binary, const char *out, double seconds)
{
    double end = now() + seconds;
    int pid = 0;
    while (pid <= 0 && now() < end) {
        FILE *f = fopen(pidfile, "r");
        if (f) {
            if (fscanf(f, "%d", &pid) != 1)
                pid = 0;
            fclose(f);
        }
        if (pid <= 0)
            usleep(1000);
    }
    int b = open(binary, O_RDONLY | O_CLOEXEC);
    /* a freshly built binary's pages are dirty, and dirty pages are not
     * dropped: write them back first (fsync works on a read-only descriptor) */
    if (b >= 0)
        (void)fsync(b);
    char path[64], buf[512];
    unsigned long a[6];
    for (long i = 0; pid > 0 && now() < end; i++) {
        if (b >= 0 && (i & 1023) == 0)
            (void)posix_fadvise(b, 0, 0, POSIX_FADV_DONTNEED);
        snprintf(path, sizeof path, "/proc/%d/syscall", pid + (int)(i % 64));
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
            continue;
        buf[n] = 0;
        if (!is_handover(buf, a))
            continue;
        FILE *o = fopen(out, "w");
        if (!o || fputs(buf, o) < 0 || fclose(o) != 0)
            return 1;
        printf("watch: seen\n");
        return 0;
    }
    printf("watch: nothing\n");
    return 0;
}

static int use(const char *file, const char *path)
{
    double end = now() + 3;
    while (now() < end) {
        char buf[512];
        FILE *f = fopen(file, "r");
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        buf[n] = 0;
        unsigned long a[6];
        if (n && is_handover(buf, a)) {
            char *av[] = {(char *)path, "BYPASSED", NULL};
            fflush(stdout);
            syscall(SYS_execveat, a[0], path, av, environ, a[4], a[5]);
            printf("use: errno=%d\n", errno);
            return 0;
        }
        usleep(10000);
    }
    printf("use: nothing seen\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "watch") == 0)
        return watch(argv[2], argv[3], argv[4], atof(argv[5]));
    if (argc == 4 && strcmp(argv[1], "use") == 0)
        return use(argv[2], argv[3]);
    fprintf(stderr, "usage: exec_spy watch PIDFILE BINARY OUT SECONDS | use FILE PATH\n");
    return 99;
}
