/* learn_mem.c — what the recorder reads about a notifying task (learn.h):
 * its memory, through /proc/TID/mem as --report reads it (the supervisor
 * keeps CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH for a command of another uid;
 * process_vm_readv is refused to it: the command holds capabilities the
 * supervisor dropped, and the real-credentials check of that call fails),
 * and the links of /proc/TID for relative paths.  The task waits in its
 * call while this runs; what it reads is only ever recorded, never used to
 * decide anything, so a thread that changes the memory meanwhile can only
 * spoil its own policy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "supervise/learn.h"

ssize_t stk_learn_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        /* page by page: a string may end just before an unmapped page */
        size_t want = 4096 - (size_t)((addr + done) & 4095);
        if (want > len - done)
            want = len - done;
        ssize_t r = pread(fd, (char *)buf + done, want, (off_t)(addr + done));
        if (r <= 0)
            break;
        done += (size_t)r;
        if (len > 64 && memchr((char *)buf + done - (size_t)r, '\0', (size_t)r))
            break; /* a string ended (callers that want structures pass small len) */
    }
    close(fd);
    return done ? (ssize_t)done : -1;
}

bool stk_learn_mem_string(pid_t tid, uint64_t addr, char *buf, size_t len)
{
    if (!addr || len < 2)
        return false;
    ssize_t n = stk_learn_mem_read(tid, addr, buf, len - 1);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return memchr(buf, '\0', (size_t)n) != NULL || (size_t)n < len - 1;
}

/* Lexical normalisation in place: "//" and "/./" dropped, "/x/.." undone. */
static void normalise(char *p)
{
    char out[4096];
    size_t o = 0;
    const char *s = p;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 1 && s[0] == '.') {
            /* nothing */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--; /* the slash */
        } else if (o + 1 + n < sizeof out) {
            out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s += n;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    memcpy(p, out, o + 1);
}

bool stk_learn_mem_abspath(pid_t tid, int dirfd, const char *path, char *out, size_t len)
{
    if (len < 2)
        return false;
    if (path[0] == '/') {
        snprintf(out, len, "%s", path);
    } else {
        char link[64], base[4096];
        if (dirfd == AT_FDCWD)
            snprintf(link, sizeof link, "/proc/%d/cwd", (int)tid);
        else
            snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)tid, dirfd);
        ssize_t n = readlink(link, base, sizeof base - 1);
        if (n <= 0 || base[0] != '/')
            return false;
        base[n] = '\0';
        if (snprintf(out, len, "%s/%s", base, path) >= (int)len)
            return false;
    }
    normalise(out);
    return true;
}
