/* exec_name.c — the name a command exec'd by descriptor gets (/proc/PID/comm).
 *
 * A plain exec names the process after the last component of the path as
 * given (`redis-server`).  execveat(fd, "", AT_EMPTY_PATH) names it after the
 * file's own directory entry on Linux 6.14 and later (a symbolic link's
 * target: redis-server runs as `redis-check-rdb` on Debian, and `pgrep -x
 * redis-server` finds nothing), after the descriptor's number before.
 *
 * To get the plain exec's name and still execute exactly the file that was
 * opened and checked (exec.c), the enforcer makes a private directory: a
 * small tmpfs, detached (mounted nowhere), held only by a close-on-exec
 * descriptor D of this process, mode 0700 and owned by the command's user.
 * In it, as that user, a symbolic link NAME -> /proc/self/fd/N (N the open
 * file).  The exec is execveat(D, NAME, ..., AT_EMPTY_PATH): the kernel names
 * the process after the last component of the path it was given, and the
 * magic link /proc/self/fd/N resolves to the open file itself, never to
 * whatever a path names by then.  Nothing else can change the link: the
 * directory is reachable only through D (and /proc/PID/fd/D, which a changed
 * user cannot open: the change made the enforcer non-dumpable; without a
 * change, the caller's own processes could, as they could trace the enforcer).  The exec
 * hand-over's rule and its helper match dirfd D instead of N.
 *
 * Made only when the names would differ (a symbolic link, a #! script, or a
 * kernel before 6.14), as the enforcer sees the command before its user
 * changes: a tmpfs costs a little at the exec.  Best effort, checked before
 * it is relied on: without the privilege to
 * make a tmpfs (an unprivileged caller without a user namespace), or when
 * the link does not lead to the open file (no /proc in the view), the
 * command is exec'd by its descriptor as before, under the kernel's name. */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static int fsopen_(const char *fs, unsigned flags)
{
    return (int)syscall(SYS_fsopen, fs, flags);
}

static int fsconfig_(int fd, unsigned cmd, const char *key, const char *value, int aux)
{
    return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static int fsmount_(int fd, unsigned flags, unsigned attrs)
{
    return (int)syscall(SYS_fsmount, fd, flags, attrs);
}

/* the kernel names an exec by descriptor after the file's entry (6.14 and later) */
static bool kernel_names_by_entry(void)
{
    struct utsname u;
    if (uname(&u) < 0)
        return false;
    /* "MAJOR.MINOR..." read by hand: sscanf's first call in a process costs
     * more than the rest of this check (docs/performance.md) */
    const char *p = u.release;
    unsigned v[2] = {0, 0};
    for (int i = 0; i < 2; i++, p++) {
        if (*p < '0' || *p > '9')
            return false;
        for (; *p >= '0' && *p <= '9' && v[i] < 100000; p++)
            v[i] = v[i] * 10 + (unsigned)(*p - '0');
        if (i == 0 && *p != '.')
            return false;
    }
    return v[0] > 6 || (v[0] == 6 && v[1] >= 14);
}

/* what a lookup of cmd finds is a symbolic link or a #! script (as far as
 * the enforcer can tell now).  This runs before the identity changes, with
 * the caller's privileges, on a path the command's user may control: only a
 * regular file is opened, never through a symbolic link (one swapped in
 * after the lstat), and it must be the file the lstat saw.  Opening anything
 * else as root has effects (a FIFO's writer released, a device armed). */
static bool looks_renamed(const char *path)
{
    struct stat st, fst;
    if (lstat(path, &st) < 0)
        return false;
    if (S_ISLNK(st.st_mode))
        return true;
    if (!S_ISREG(st.st_mode))
        return false; /* never opened: a device node could act on an open */
    /* O_PATH first: opening it does nothing to the file, whatever it is by
     * now (a FIFO or a device swapped in after the lstat); only the regular
     * file seen above is then opened for reading, through the descriptor */
    int pfd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
    if (pfd < 0)
        return false;
    bool got = fstat(pfd, &fst) == 0;
    if (!got || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino || !S_ISREG(fst.st_mode)) {
        bool link = got && S_ISLNK(fst.st_mode); /* a symbolic link by now */
        close(pfd);
        return link;
    }
    char head[2], self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", pfd);
    int fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    close(pfd);
    if (fd < 0)
        return false;
    bool script = read(fd, head, 2) == 2 && head[0] == '#' && head[1] == '!';
    close(fd);
    return script;
}

bool stk_exec_name_needed(const char *cmd, char *const envp[])
{
    if (!cmd || !*cmd)
        return false;
    if (!kernel_names_by_entry())
        return true;
    if (strchr(cmd, '/'))
        return looks_renamed(cmd);
    const char *pathvar = stk_env_get(envp, "PATH");
    if (!pathvar)
        pathvar = "/bin:/usr/bin";
    for (const char *p = pathvar;;) {
        const char *colon = strchr(p, ':');
        size_t ld = colon ? (size_t)(colon - p) : strlen(p);
        char full[4096];
        struct stat st;
        if (snprintf(full, sizeof full, "%.*s/%s", (int)ld, ld ? p : ".", cmd) < (int)sizeof full &&
            lstat(full, &st) == 0)
            return looks_renamed(full);
        if (!colon)
            return false;
        p = colon + 1;
    }
}

int stk_exec_name_prepare(const struct stk_ids *ids)
{
    int fs = fsopen_("tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -1;
    int dir = -1;
    if (fsconfig_(fs, FSCONFIG_SET_STRING, "size", "4k", 0) == 0 &&
        fsconfig_(fs, FSCONFIG_SET_STRING, "nr_inodes", "4", 0) == 0 &&
        fsconfig_(fs, FSCONFIG_SET_STRING, "mode", "700", 0) == 0 &&
        fsconfig_(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        dir = fsmount_(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    close(fs);
    if (dir < 0)
        return -1;
    uid_t uid = ids->set_uid ? ids->uid : geteuid();
    gid_t gid = ids->set_gid ? ids->gid : getegid();
    if (fchownat(dir, "", uid, gid, AT_EMPTY_PATH) < 0) {
        close(dir);
        return -1;
    }
    return dir;
}

void stk_exec_name_link(struct stk_exec *x, int dir)
{
    if (dir < 0)
        return;
    char target[64];
    struct stat want, got;
    snprintf(target, sizeof target, "/proc/self/fd/%d", x->fd);
    bool ok = x->fd >= 0 && x->name && *x->name && !strchr(x->name, '/') && fstat(x->fd, &want) == 0 &&
              symlinkat(target, dir, x->name) == 0;
    /* the link leads to the open file, as the exec will follow it */
    if (ok && (fstatat(dir, x->name, &got, 0) < 0 || got.st_dev != want.st_dev || got.st_ino != want.st_ino))
        ok = false;
    if (!ok) {
        close(dir);
        return;
    }
    x->dir = dir;
}

int stk_exec_handover_fd(const struct stk_exec *x)
{
    return x->dir >= 0 ? x->dir : x->fd;
}
