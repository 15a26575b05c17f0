/* learn_mem.c — where the recorder's relative paths lead (learn.h): the
 * links of /proc/TID (its working directory, the dirfd it named), and the
 * lexical normalisation of the absolute path.  The path itself comes from
 * the task's memory through task_mem.c, as --report reads its strings.  The
 * task waits in its call while this runs; what is read is only ever
 * recorded, never used to decide anything, so a thread that changes the
 * memory or its directory meanwhile can only spoil its own policy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "supervise/learn.h"

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
