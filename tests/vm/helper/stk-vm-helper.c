/* stk-vm-helper.c — a small static helper for the QEMU guest tests
 * (tests/vm/guest/), for what busybox cannot do.  Every subcommand prints an
 * error naming the failed call and exits non-zero when a call fails.
 *
 *   selinux-exec CONTEXT CMD [ARG...]  write CONTEXT to /proc/self/attr/exec, then execv CMD
 *   apparmor-exec PROFILE CMD [ARG...] write "exec PROFILE" to /proc/self/attr/apparmor/exec
 *                                      (or /proc/self/attr/exec on older kernels), then execv CMD
 *   write-once FILE DEST               copy FILE to DEST in a single write(2), as the kernel's
 *                                      policy interfaces need (/sys/fs/selinux/load,
 *                                      /sys/kernel/security/apparmor/.replace): busybox cat
 *                                      writes in pieces, which they reject
 *   setxattr PATH NAME VALUE           set an extended attribute (security.selinux relabels;
 *                                      the value is written with its terminating NUL)
 *   getxattr PATH NAME                 print the attribute's value (without a trailing NUL)
 *   alloc MIB                          allocate and touch MIB MiB, print "allocated MIB MiB"
 *   forks N SECONDS                    fork N children that sleep SECONDS; print
 *                                      "forked K of N" (K: the forks that succeeded) and
 *                                      "fork errno E" for the first failure; kills and reaps
 *                                      the children before exiting 0
 *
 * Exit status: 0 on success, 1 on a failed call, 2 on bad usage; the *-exec
 * subcommands exit 126 when the exec itself fails (errno printed).
 * Built with -D_GNU_SOURCE by the Makefile (target $(BUILD)/vm/stk-vm-helper). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static int usage(void)
{
    fputs("usage: stk-vm-helper selinux-exec CONTEXT CMD [ARG...]\n"
          "       stk-vm-helper apparmor-exec PROFILE CMD [ARG...]\n"
          "       stk-vm-helper write-once FILE DEST\n"
          "       stk-vm-helper setxattr PATH NAME VALUE\n"
          "       stk-vm-helper getxattr PATH NAME\n"
          "       stk-vm-helper alloc MIB\n"
          "       stk-vm-helper forks N SECONDS\n",
          stderr);
    return 2;
}

/* Parses a non-negative decimal number no larger than max; -1 if invalid. */
static long parse_count(const char *s, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > max)
        return -1;
    return v;
}

/* Writes the whole of text to path (one write: the kernel's attr files take
 * the value in a single call).  Returns 0, or -1 with errno set. */
static int write_attr(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int saved = errno;
    if (close(fd) != 0)
        return -1;
    if (n < 0) {
        errno = saved;
        return -1;
    }
    if ((size_t)n != len) {
        errno = EIO;
        return -1;
    }
    return 0;
}

static int do_exec(char **argv)
{
    execv(argv[0], argv);
    fprintf(stderr, "stk-vm-helper: execv %s: %s\n", argv[0], strerror(errno));
    return 126;
}

static int selinux_exec(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (write_attr("/proc/self/attr/exec", argv[0]) != 0) {
        fprintf(stderr, "stk-vm-helper: write /proc/self/attr/exec \"%s\": %s\n", argv[0],
                strerror(errno));
        return 1;
    }
    return do_exec(argv + 1);
}

static int apparmor_exec(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    char cmd[4096];
    int len = snprintf(cmd, sizeof cmd, "exec %s", argv[0]);
    if (len < 0 || (size_t)len >= sizeof cmd) {
        fprintf(stderr, "stk-vm-helper: profile name too long\n");
        return 2;
    }
    if (write_attr("/proc/self/attr/apparmor/exec", cmd) != 0) {
        int first = errno;
        /* Kernels before 5.8 have only the shared attr files. */
        if (first != ENOENT || write_attr("/proc/self/attr/exec", cmd) != 0) {
            fprintf(stderr, "stk-vm-helper: write \"%s\" to the AppArmor exec attribute: %s\n",
                    cmd, strerror(first == ENOENT ? errno : first));
            return 1;
        }
    }
    return do_exec(argv + 1);
}

static int write_once(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    int in = open(argv[0], O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        fprintf(stderr, "stk-vm-helper: open %s: %s\n", argv[0], strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(in, &st) != 0) {
        fprintf(stderr, "stk-vm-helper: fstat %s: %s\n", argv[0], strerror(errno));
        close(in);
        return 1;
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *buf = malloc(size ? size : 1);
    if (!buf) {
        fprintf(stderr, "stk-vm-helper: malloc %zu: %s\n", size, strerror(errno));
        close(in);
        return 1;
    }
    while (got < size) {
        ssize_t n = read(in, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "stk-vm-helper: read %s: %s\n", argv[0], n < 0 ? strerror(errno) : "short file");
            free(buf);
            close(in);
            return 1;
        }
        got += (size_t)n;
    }
    if (close(in) != 0) {
        fprintf(stderr, "stk-vm-helper: close %s: %s\n", argv[0], strerror(errno));
        free(buf);
        return 1;
    }
    int out = open(argv[1], O_WRONLY | O_CLOEXEC);
    if (out < 0) {
        fprintf(stderr, "stk-vm-helper: open %s: %s\n", argv[1], strerror(errno));
        free(buf);
        return 1;
    }
    ssize_t n = write(out, buf, size);
    int saved = errno;
    free(buf);
    if (n < 0 || (size_t)n != size) {
        fprintf(stderr, "stk-vm-helper: write %zu bytes to %s: %s\n", size, argv[1],
                n < 0 ? strerror(saved) : "short write");
        close(out);
        return 1;
    }
    if (close(out) != 0) {
        fprintf(stderr, "stk-vm-helper: close %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    return 0;
}

static int set_xattr(int argc, char **argv)
{
    if (argc != 3)
        return usage();
    /* SELinux contexts are conventionally stored with their NUL. */
    if (setxattr(argv[0], argv[1], argv[2], strlen(argv[2]) + 1, 0) != 0) {
        fprintf(stderr, "stk-vm-helper: setxattr %s %s=\"%s\": %s\n", argv[0], argv[1], argv[2],
                strerror(errno));
        return 1;
    }
    return 0;
}

static int get_xattr(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    char buf[4096];
    ssize_t n = getxattr(argv[0], argv[1], buf, sizeof buf - 1);
    if (n < 0) {
        fprintf(stderr, "stk-vm-helper: getxattr %s %s: %s\n", argv[0], argv[1], strerror(errno));
        return 1;
    }
    while (n > 0 && buf[n - 1] == '\0')
        n--;
    buf[n] = '\0';
    if (printf("%s\n", buf) < 0 || fflush(stdout) != 0) {
        fprintf(stderr, "stk-vm-helper: write stdout: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

static int alloc(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    long mib = parse_count(argv[0], 1L << 20);
    if (mib < 0)
        return usage();
    size_t size = (size_t)mib << 20;
    char *p = malloc(size ? size : 1);
    if (!p) {
        fprintf(stderr, "stk-vm-helper: malloc %ld MiB: %s\n", mib, strerror(errno));
        return 1;
    }
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        page = 4096;
    for (size_t i = 0; i < size; i += (size_t)page)
        p[i] = 1;
    printf("allocated %ld MiB\n", mib);
    free(p);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int forks(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    long n = parse_count(argv[0], 100000), secs = parse_count(argv[1], 3600);
    if (n < 0 || secs < 0)
        return usage();
    pid_t *kids = calloc((size_t)n + 1, sizeof *kids);
    if (!kids) {
        fprintf(stderr, "stk-vm-helper: calloc: %s\n", strerror(errno));
        return 1;
    }
    long made = 0;
    int first_err = 0;
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            sleep((unsigned)secs);
            _exit(0);
        }
        if (pid < 0) {
            if (!first_err)
                first_err = errno;
            continue;
        }
        kids[made++] = pid;
    }
    printf("forked %ld of %ld\n", made, n);
    if (first_err)
        printf("fork errno %d\n", first_err);
    int rc = fflush(stdout) == 0 ? 0 : 1;
    for (long i = 0; i < made; i++) {
        if (kill(kids[i], SIGKILL) != 0 && errno != ESRCH) {
            fprintf(stderr, "stk-vm-helper: kill %d: %s\n", (int)kids[i], strerror(errno));
            rc = 1;
        }
    }
    for (long i = 0; i < made; i++) {
        while (waitpid(kids[i], NULL, 0) < 0) {
            if (errno != EINTR) {
                fprintf(stderr, "stk-vm-helper: waitpid %d: %s\n", (int)kids[i], strerror(errno));
                rc = 1;
                break;
            }
        }
    }
    free(kids);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    argc -= 2;
    argv += 2;
    if (strcmp(cmd, "selinux-exec") == 0)
        return selinux_exec(argc, argv);
    if (strcmp(cmd, "apparmor-exec") == 0)
        return apparmor_exec(argc, argv);
    if (strcmp(cmd, "write-once") == 0)
        return write_once(argc, argv);
    if (strcmp(cmd, "setxattr") == 0)
        return set_xattr(argc, argv);
    if (strcmp(cmd, "getxattr") == 0)
        return get_xattr(argc, argv);
    if (strcmp(cmd, "alloc") == 0)
        return alloc(argc, argv);
    if (strcmp(cmd, "forks") == 0)
        return forks(argc, argv);
    return usage();
}
