/* run_cache_dir.c — where the run cache lives and whether to trust it
 * (run_cache.h).  Every directory on the way is opened with O_NOFOLLOW from
 * the root and checked on its descriptor (no symbolic links, owned by root
 * or the caller, not writable by anyone else unless sticky); the cache
 * directory itself is the caller's with mode 0700; entries are regular files
 * of the caller's with one link and no group or other bits. */
#include "run_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT_CACHE_DIR "/var/cache/stockade"

/* The configured directory, malloc'd, or NULL (no cache). */
static char *cache_path(void)
{
    const char *env = getenv("STOCKADE_CACHE_DIR");
    if (env && *env) /* a directory per caller under it (tests: a sticky one, like /tmp) */
        return stk_xasprintf("%s/%u", env, (unsigned)geteuid());
    if (geteuid() == 0)
        return stk_xstrdup(ROOT_CACHE_DIR);
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/')
        return stk_xasprintf("%s/stockade", xdg);
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return stk_xasprintf("%s/.cache/stockade", home);
    return NULL;
}

static bool safe_ancestor(const struct stat *st)
{
    return (st->st_uid == 0 || st->st_uid == geteuid()) && S_ISDIR(st->st_mode) &&
           (!(st->st_mode & (S_IWGRP | S_IWOTH)) || (st->st_mode & S_ISVTX));
}

int stk_run_cache_open_dir(char **dir, char *why, size_t n)
{
    *dir = NULL;
    why[0] = '\0';
    char *path = cache_path();
    if (!path)
        return -1;
    if (path[0] != '/') {
        snprintf(why, n, "%s: not an absolute path", path);
        free(path);
        return -1;
    }
    int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !safe_ancestor(&st)) {
        snprintf(why, n, "/: not a directory only root or the caller may write to");
        goto fail;
    }
    /* walk the components; the missing ones (the cache directory and, for a
     * user's cache, ~/.cache) are created 0700 */
    char *p = path + 1;
    while (*p) {
        char *slash = strchr(p, '/');
        if (slash)
            *slash = '\0';
        bool last = !slash || !slash[1];
        if (*p) {
            int next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (next < 0 && errno == ENOENT && mkdirat(fd, p, 0700) == 0)
                next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (next < 0) {
                int err = errno;
                if (slash)
                    *slash = '/';
                snprintf(why, n, "%s: %s", path,
                         err == ELOOP || err == ENOTDIR ? "a symbolic link or not a directory on the way"
                                                        : strerror(err));
                goto fail;
            }
            close(fd);
            fd = next;
            if (fstat(fd, &st) < 0) {
                snprintf(why, n, "%s: %s", path, strerror(errno));
                goto fail;
            }
            if (last && (st.st_uid != geteuid() || (st.st_mode & 07777) != 0700)) {
                if (slash)
                    *slash = '/';
                snprintf(why, n, "%s is owned by uid %u with mode %04o, not by uid %u with mode 0700", path,
                         (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), (unsigned)geteuid());
                goto fail;
            }
            if (!last && !safe_ancestor(&st)) {
                snprintf(why, n, "%s: a directory on the way (%s) may be written by others", path, p);
                if (slash)
                    *slash = '/';
                goto fail;
            }
        }
        if (!slash)
            break;
        *slash = '/';
        p = slash + 1;
    }
    *dir = path;
    return fd;
fail:
    if (fd >= 0)
        close(fd);
    free(path);
    return -1;
}

int stk_run_cache_open_entry(int dirfd, const char *name, char *why, size_t n)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT)
            return -1;
        snprintf(why, n, "entry %s: %s", name, errno == ELOOP ? "a symbolic link" : strerror(errno));
        return -2;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) ||
        st.st_nlink != 1) {
        snprintf(why, n, "entry %s is not a regular file of uid %u with one link and mode 0600", name,
                 (unsigned)geteuid());
        close(fd);
        return -2;
    }
    return fd;
}

int stk_run_cache_write_entry(int dirfd, const char *name, const void *data, size_t len, char *why, size_t n)
{
    char tmp[96];
    snprintf(tmp, sizeof tmp, ".tmp-%ld-%.16s", (long)getpid(), name);
    unlinkat(dirfd, tmp, 0); /* a leftover of a crashed run of this pid */
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(why, n, "writing an entry: %s", strerror(errno));
        return -1;
    }
    const char *p = data;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, p + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(why, n, "writing an entry: %s", w < 0 ? strerror(errno) : "short write");
            close(fd);
            unlinkat(dirfd, tmp, 0);
            return -1;
        }
        off += (size_t)w;
    }
    if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
        snprintf(why, n, "writing an entry: %s", strerror(errno));
        unlinkat(dirfd, tmp, 0);
        return -1;
    }
    return 0;
}
