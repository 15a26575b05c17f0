/* safe_path.c — resolve a path the policy names one component at a time and
 * follow a symbolic link only if the command's user cannot have written it
 * (safe_path.h; docs/enforcer.md, "Paths the policy names").
 *
 * The walk holds the directory resolved so far open (and its link-free path
 * relative to the root descriptor) and opens each next name in it with
 * O_PATH | O_NOFOLLOW: a link comes back as itself, never followed by the
 * kernel, and what was checked cannot change under us.  ".." is applied to
 * the link-free path, reopened from the root with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_SYMLINKS), so it cannot climb above the root, and a directory
 * someone turned into a link meanwhile makes that lookup fail (ELOOP)
 * instead of being followed. */
#include "steps/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "steps/steps.h"

#define MAX_LINKS 40 /* as the kernel's own limit */

bool stk_safe_writer_caps_privileged(uint64_t caps)
{
    static const unsigned any[] = {CAP_CHOWN,      CAP_DAC_OVERRIDE, CAP_FOWNER,     CAP_SETUID,
                                   CAP_SETGID,     CAP_SYS_ADMIN,    CAP_SYS_MODULE, CAP_SYS_RAWIO,
                                   CAP_SYS_PTRACE, CAP_MKNOD};
    for (size_t i = 0; i < sizeof any / sizeof any[0]; i++)
        if ((caps >> any[i]) & 1)
            return true;
    return false;
}

/* The process's supplementary groups, allocated. */
static int own_groups(gid_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int c = getgroups(0, NULL);
    if (c < 0)
        return -1;
    if (c == 0)
        return 0;
    gid_t *g = calloc((size_t)c, sizeof *g);
    if (!g)
        return -1;
    c = getgroups(c, g);
    if (c < 0) {
        int err = errno;
        free(g);
        errno = err;
        return -1;
    }
    *out = g;
    *n = (size_t)c;
    return 0;
}

int stk_safe_writer_of(struct stk_writer *w, const struct stk_ids *ids, uint64_t keep)
{
    memset(w, 0, sizeof *w);
    w->uid = ids->set_uid ? ids->uid : geteuid();
    w->gid = ids->set_gid ? ids->gid : getegid();
    w->privileged = stk_safe_writer_caps_privileged(keep);
    if (!ids->set_groups)
        return own_groups(&w->groups, &w->ngroups);
    if (ids->ngroups) {
        w->groups = calloc(ids->ngroups, sizeof *w->groups);
        if (!w->groups)
            return -1;
        memcpy(w->groups, ids->groups, ids->ngroups * sizeof *w->groups);
        w->ngroups = ids->ngroups;
    }
    return 0;
}

int stk_safe_writer_self(struct stk_writer *w)
{
    memset(w, 0, sizeof *w);
    w->uid = geteuid();
    w->gid = getegid();
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capget, &h, d) < 0)
        return -1;
    w->privileged = stk_safe_writer_caps_privileged((uint64_t)d[0].effective | (uint64_t)d[1].effective << 32);
    return own_groups(&w->groups, &w->ngroups);
}

void stk_safe_writer_free(struct stk_writer *w)
{
    free(w->groups);
    w->groups = NULL;
    w->ngroups = 0;
}

static bool in_groups(const struct stk_writer *w, gid_t g)
{
    if (g == w->gid)
        return true;
    for (size_t i = 0; i < w->ngroups; i++)
        if (w->groups[i] == g)
            return true;
    return false;
}

/* Does the directory carry an access ACL (whose named entries may grant
 * writing; the group bits are then their mask)?  Unknown counts as yes. */
static bool has_acl(int dirfd)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return true;
    ssize_t r = fgetxattr(fd, "system.posix_acl_access", NULL, 0);
    int err = errno;
    close(fd);
    return !(r < 0 && (err == ENODATA || err == EOPNOTSUPP));
}

static bool dir_writable(int dirfd, const struct stat *d, const struct stk_writer *w)
{
    if (w->privileged || d->st_uid == w->uid) /* an owner can always chmod it */
        return true;
    if (d->st_mode & S_IWOTH)
        return true;
    if (d->st_mode & S_IWGRP)
        return in_groups(w, d->st_gid) || has_acl(dirfd);
    return false;
}

static bool merged_usr(const char *name, size_t n, const char *target)
{
    static const char *const dirs[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};
    const char *t = target[0] == '/' ? target + 1 : target;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (strlen(dirs[i]) == n && memcmp(dirs[i], name, n) == 0)
            return strncmp(t, "usr/", 4) == 0 && strcmp(t + 4, dirs[i]) == 0;
    return false;
}

/* /dev/stdin, stdout, stderr and /dev/fd: links into /proc/self/fd. */
static bool dev_std(const char *dir, const char *name, size_t n, const char *target)
{
    static const char *const links[][2] = {{"stdin", "/proc/self/fd/0"},
                                           {"stdout", "/proc/self/fd/1"},
                                           {"stderr", "/proc/self/fd/2"},
                                           {"fd", "/proc/self/fd"}};
    if (strcmp(dir, "/dev") != 0)
        return false;
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (strlen(links[i][0]) == n && memcmp(links[i][0], name, n) == 0)
            return strcmp(target, links[i][1]) == 0;
    return false;
}

/* procfs and sysfs make their links themselves: nobody can plant one there. */
static bool kernel_made(int dirfd)
{
    struct statfs f;
    return fstatfs(dirfd, &f) == 0 && (f.f_type == PROC_SUPER_MAGIC || f.f_type == SYSFS_MAGIC);
}

/* suspect()'s answer for a link someone other than w may have planted */
static const char sticky_other[] = "sticky";

/* NULL if w cannot have written the link, else why it could have (or
 * sticky_other: a third user could have).  dir: the link-free path of the
 * directory the link is in ("" for the root). */
static const char *suspect(const struct stk_writer *w, int dirfd, const struct stat *lst, const char *dir,
                           const char *name, size_t n, const char *target)
{
    if (!w || (!dir[0] && merged_usr(name, n, target)) || dev_std(dir, name, n, target) || kernel_made(dirfd))
        return NULL;
    if (lst->st_uid == w->uid)
        return "it owns the link";
    struct stat d;
    if (fstat(dirfd, &d) < 0)
        return "its directory cannot be examined";
    /* the kernel's protected_symlinks rule, whatever fs.protected_symlinks
     * says: in a sticky directory others may write (/tmp), a link is
     * followed only if it belongs to the directory's owner or to whoever
     * follows it; any other user could have planted it */
    if ((d.st_mode & S_ISVTX) && (d.st_mode & (S_IWGRP | S_IWOTH)) && lst->st_uid != d.st_uid &&
        lst->st_uid != geteuid())
        return sticky_other;
    if (!dir_writable(dirfd, &d, w))
        return NULL;
    /* sticky: only the owner of the link or of the directory may replace it */
    if ((d.st_mode & S_ISVTX) && !w->privileged && d.st_uid != w->uid)
        return NULL;
    return w->privileged ? "its capabilities let it write anywhere" : "it can write the directory the link is in";
}

/* Why a link was refused, in why (if not NULL). */
static void refusal(char *why, size_t whylen, const char *dir, const char *name, size_t n, const char *target,
                    const struct stat *lst, const struct stk_writer *w, const char *reason)
{
    if (!why)
        return;
    if (reason == sticky_other)
        snprintf(why, whylen, "%s/%.*s is a symbolic link (to %s) owned by uid %u in a sticky directory others may "
                              "write: another user could have planted it (only links of the directory's owner or "
                              "of uid %u are followed there)",
                 dir, (int)n, name, target, (unsigned)lst->st_uid, (unsigned)geteuid());
    else
        snprintf(why, whylen, "%s/%.*s is a symbolic link (to %s) that uid %u could have planted (%s)", dir, (int)n,
                 name, target, (unsigned)w->uid, reason);
}

/* O_PATH, not following a trailing link, nothing followed on the way. */
static int open_in(int rootfd, const char *rel)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, rootfd, rel[0] ? rel : "/", &how, sizeof how);
}

struct walk {
    char done[PATH_MAX]; /* resolved, link-free, "" or "/a/b" */
    char todo[PATH_MAX]; /* what is left */
    char target[PATH_MAX];
    char tmp[PATH_MAX];
};

/* The walk; on a refused link fills why and sets errno to EPERM. */
static int walk(struct walk *k, int rootfd, const char *path, const struct stk_writer *w, char *why, size_t whylen)
{
    size_t dlen = 0, plen = strlen(path);
    if (plen >= sizeof k->todo) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(k->todo, path, plen + 1);
    k->done[0] = '\0';
    int dirfd = open_in(rootfd, ""), links = 0, err = 0;
    if (dirfd < 0)
        return -1;
    const char *p = k->todo;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);
        if (n == 1 && p[0] == '.') {
            p = end;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (dlen > 0 && k->done[dlen - 1] != '/')
                dlen--;
            if (dlen > 0)
                dlen--;
            k->done[dlen] = '\0';
            int up = open_in(rootfd, k->done);
            if (up < 0) {
                err = errno;
                break;
            }
            close(dirfd);
            dirfd = up;
            p = end;
            continue;
        }
        if (dlen + 1 + n >= sizeof k->done) {
            err = ENAMETOOLONG;
            break;
        }
        k->done[dlen] = '/';
        memcpy(k->done + dlen + 1, p, n);
        k->done[dlen + 1 + n] = '\0';
        /* one name, relative to the directory held open: nothing to follow */
        int fd = openat(dirfd, k->done + dlen + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
            err = errno;
            if (fd >= 0)
                close(fd);
            break;
        }
        if (!S_ISLNK(st.st_mode)) {
            close(dirfd);
            dirfd = fd;
            dlen += 1 + n;
            p = end;
            continue;
        }
        ssize_t tl = readlinkat(fd, "", k->target, sizeof k->target - 1);
        err = tl < 0 ? errno : 0;
        close(fd);
        if (tl < 0)
            break;
        k->target[tl] = '\0';
        k->done[dlen] = '\0';
        const char *reason = suspect(w, dirfd, &st, k->done, p, n, k->target);
        if (!reason && !*end && kernel_made(dirfd)) {
            /* the last component, a procfs link: maybe a magic one (a
             * pipe's, a socket's), which only the kernel can follow */
            char name[NAME_MAX + 1];
            memcpy(name, p, n < NAME_MAX ? n : NAME_MAX);
            name[n < NAME_MAX ? n : NAME_MAX] = '\0';
            int last = openat(dirfd, name, O_PATH | O_CLOEXEC);
            err = last < 0 ? errno : 0;
            close(dirfd);
            if (last < 0) {
                errno = err;
                return -1;
            }
            if (k->target[0] == '/') /* where it led (/proc/self/cwd) */
                memcpy(k->done, k->target, (size_t)tl + 1);
            return last;
        }
        if (reason) {
            refusal(why, whylen, k->done, p, n, k->target, &st, w, reason);
            err = EPERM;
            break;
        }
        if (++links > MAX_LINKS || (size_t)tl + strlen(end) >= sizeof k->tmp) {
            err = links > MAX_LINKS ? ELOOP : ENAMETOOLONG;
            break;
        }
        /* the rest of the path now starts with the link's target */
        snprintf(k->tmp, sizeof k->tmp, "%s%s", k->target, end);
        memcpy(k->todo, k->tmp, strlen(k->tmp) + 1);
        p = k->todo;
        if (k->target[0] == '/' && dlen > 0) {
            dlen = 0;
            k->done[0] = '\0';
            int top = open_in(rootfd, "");
            if (top < 0) {
                err = errno;
                break;
            }
            close(dirfd);
            dirfd = top;
        }
    }
    if (err) {
        close(dirfd);
        errno = err;
        return -1;
    }
    return dirfd;
}

int stk_safe_open(int rootfd, const char *path, const struct stk_writer *w, char *why, size_t whylen)
{
    if (why && whylen)
        why[0] = '\0';
    struct walk *k = malloc(sizeof *k);
    if (!k) {
        errno = ENOMEM;
        return -1;
    }
    int fd = walk(k, rootfd, path, w, why, whylen);
    int err = errno;
    if (fd < 0 && err == EPERM && why && why[0]) {
        /* say where the path leads, for a policy that meant it */
        int real = walk(k, rootfd, path, NULL, NULL, 0);
        if (real >= 0) {
            size_t l = strlen(why);
            snprintf(why + l, whylen - l, "; the path leads to %s: name that instead if it is meant", k->done[0] ? k->done : "/");
            close(real);
        }
    }
    free(k);
    errno = err;
    return fd;
}

/* What stk_safe_create opened: a regular file with one name, a character
 * device where nobody could have made one in place of the file, or
 * anything the caller's own descriptors lead to (/proc/self/fd/N).  0, or
 * -1 with why filled. */
static int fit_for_output(int fd, bool via_proc, const char *dir, const char *base, const struct stk_writer *w,
                          char *why, size_t whylen)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        snprintf(why, whylen, "fstat: %s", strerror(errno));
        return -1;
    }
    if (via_proc)
        return 0;
    if (S_ISREG(st.st_mode)) {
        if (st.st_nlink <= 1)
            return 0;
        snprintf(why, whylen, "%s/%s has %ju names (hard links): one of them may be a file it must not touch", dir,
                 base, (uintmax_t)st.st_nlink);
        return -1;
    }
    /* a device node takes CAP_MKNOD on the host: a writer without
     * privileges cannot have made one; /dev is the system's own */
    if (S_ISCHR(st.st_mode) && (!w || !w->privileged || strcmp(dir, "/dev") == 0 || strncmp(dir, "/dev/", 5) == 0))
        return 0;
    snprintf(why, whylen, "%s/%s is %s, not a regular file%s", dir, base,
             S_ISFIFO(st.st_mode)  ? "a FIFO"
             : S_ISCHR(st.st_mode) ? "a character device outside /dev that the command could have made"
             : S_ISBLK(st.st_mode) ? "a block device"
             : S_ISDIR(st.st_mode) ? "a directory"
                                   : "not a regular file",
             S_ISCHR(st.st_mode) ? "" : " or terminal (a pipe: give it as /dev/stderr or /proc/self/fd/N)");
    return -1;
}

int stk_safe_create(const char *path, int flags, mode_t mode, const struct stk_writer *w, char *why, size_t whylen)
{
    char nowhy[8];
    if (!why || !whylen) {
        why = nowhy;
        whylen = sizeof nowhy;
    }
    why[0] = '\0';
    struct walk *k = malloc(sizeof *k);
    char *abs = malloc(PATH_MAX);
    int root = -1, dfd = -1, fd = -1, err = 0, links = 0;
    bool via_proc = false;
    if (!k || !abs) {
        err = ENOMEM;
        goto out;
    }
    /* relative: from the working directory (made absolute: ".." must work) */
    if (path[0] == '/') {
        if (strlen(path) >= PATH_MAX) {
            err = ENAMETOOLONG;
            goto out;
        }
        strcpy(abs, path);
    } else if ((errno = 0, !getcwd(abs, PATH_MAX)) || strlen(abs) + 1 + strlen(path) >= PATH_MAX) {
        err = errno ? errno : ENAMETOOLONG;
        goto out;
    } else {
        strcat(strcat(abs, "/"), path);
    }
    if ((root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        err = errno;
        goto out;
    }
    const char *base;
    for (;;) {
        char *slash = strrchr(abs, '/');
        base = slash + 1;
        if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
            err = EISDIR;
            goto out;
        }
        *slash = '\0';
        dfd = walk(k, root, abs[0] ? abs : "/", w, why, whylen);
        if (dfd < 0) {
            err = errno;
            goto out;
        }
        /* on procfs (/proc/self/fd/N, which /dev/stderr leads to) the
         * kernel follows the last link: a magic one, to the caller's own
         * descriptor; elsewhere it follows none (O_NOFOLLOW).  O_NONBLOCK:
         * a FIFO without a reader must not block us (cleared below). */
        via_proc = kernel_made(dfd);
        struct stat lst;
        bool is_link = !via_proc && fstatat(dfd, base, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode);
        fd = is_link ? -1 : openat(dfd, base, flags | O_CREAT | O_NONBLOCK | (via_proc ? 0 : O_NOFOLLOW), mode);
        if (fd >= 0)
            break;
        if (!is_link && (errno != ELOOP || via_proc)) {
            err = errno;
            struct stat st;
            if (err == ENXIO && fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
                snprintf(why, whylen, "%s/%s is a %s, not a regular file or terminal", k->done, base,
                         S_ISFIFO(st.st_mode) ? "FIFO" : "socket");
                err = EPERM;
            }
            goto out;
        }
        /* the last component is a link: judged like the others, and its
         * target resolved by the same walk (the whole chain, never the
         * kernel) */
        ssize_t tl = -1;
        if ((!is_link && (fstatat(dfd, base, &lst, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(lst.st_mode))) ||
            (tl = readlinkat(dfd, base, k->target, sizeof k->target - 1)) < 0) {
            err = tl < 0 && errno ? errno : ELOOP;
            goto out;
        }
        k->target[tl] = '\0';
        const char *reason = suspect(w, dfd, &lst, k->done, base, strlen(base), k->target);
        if (reason) {
            refusal(why, whylen, k->done, base, strlen(base), k->target, &lst, w, reason);
            err = EPERM;
            goto out;
        }
        if (++links > MAX_LINKS) {
            err = ELOOP;
            goto out;
        }
        /* absolute: from the root; relative: from the link's directory */
        int l = k->target[0] == '/' ? snprintf(k->tmp, sizeof k->tmp, "%s", k->target)
                                    : snprintf(k->tmp, sizeof k->tmp, "%s/%s", k->done, k->target);
        if (l < 0 || (size_t)l >= sizeof k->tmp) {
            err = ENAMETOOLONG;
            goto out;
        }
        memcpy(abs, k->tmp, (size_t)l + 1);
        close(dfd);
        dfd = -1;
    }
    if (fit_for_output(fd, via_proc, k->done, base, w, why, whylen) < 0) {
        err = EPERM;
        goto out;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || ((flags & O_NONBLOCK) == 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)) {
        err = errno;
        goto out;
    }
out:
    if (err && fd >= 0) {
        close(fd);
        fd = -1;
    }
    if (dfd >= 0)
        close(dfd);
    if (root >= 0)
        close(root);
    free(abs);
    free(k);
    errno = err;
    return fd;
}
