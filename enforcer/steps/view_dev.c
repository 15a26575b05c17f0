/* view_dev.c — `dev minimal`: a small tmpfs on /dev holding the device
 * nodes null, zero, full, random, urandom and tty bound from the host (mknod
 * is refused in a user namespace, and a bind keeps working in one) and the
 * usual symlinks fd, stdin, stdout, stderr into /proc/self/fd.  The binds are
 * read-only: the nodes are the host's own inodes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "steps/view.h"

static const char *const devices[STK_VIEW_NDEV] = {"null", "zero", "full", "random", "urandom", "tty"};

static const struct {
    const char *name, *target;
} links[] = {
    {"fd", "/proc/self/fd"},
    {"stdin", "/proc/self/fd/0"},
    {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"},
};

int stk_view_open_devices(struct stk_view *v, const struct stk_bundle_mount *m)
{
    for (size_t i = 0; i < STK_VIEW_NDEV; i++) {
        char path[32];
        snprintf(path, sizeof path, "/dev/%s", devices[i]);
        v->dev[i] = open(path, O_PATH | O_CLOEXEC);
        struct stat st;
        if (v->dev[i] < 0)
            return stk_view_err(v, errno, m, "the host's %s", path);
        if (fstat(v->dev[i], &st) < 0 || !S_ISCHR(st.st_mode))
            return stk_view_err(v, 0, m, "the host's %s is not a character device", path);
    }
    return 0;
}

int stk_view_dev(struct stk_view *v, const struct stk_bundle_mount *m)
{
    int target = stk_view_target(v, m, true);
    if (target < 0)
        return -1;
    int r = -1;
    int mnt = stk_view_newfs(v, "tmpfs", "64k", "755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, m);
    if (mnt < 0 || stk_view_attach(v, mnt, target, m) < 0 || stk_view_remember(v, mnt, m) < 0)
        goto out;
    for (size_t i = 0; i < STK_VIEW_NDEV; i++) {
        int f = openat(mnt, devices[i], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (f < 0) {
            stk_view_err(v, errno, m, "creating /dev/%s", devices[i]);
            goto out;
        }
        close(f);
        int node = open_tree(v->dev[i], "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (node < 0) {
            stk_view_err(v, errno, m, "open_tree(/dev/%s)", devices[i]);
            goto out;
        }
        /* read-only: chmod /dev/null inside would change the host's node */
        if (stk_view_setattr(v, node, STK_VIEW_NODE_ATTRS, false, "device node read-only", m) < 0) {
            close(node);
            goto out;
        }
        int rc = move_mount(node, "", mnt, devices[i], MOVE_MOUNT_F_EMPTY_PATH);
        int err = errno;
        close(node);
        if (rc < 0) {
            stk_view_err(v, err, m, "binding /dev/%s", devices[i]);
            goto out;
        }
    }
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        if (symlinkat(links[i].target, mnt, links[i].name) < 0) {
            stk_view_err(v, errno, m, "symlink /dev/%s", links[i].name);
            goto out;
        }
    }
    r = 0;
out:
    if (mnt >= 0)
        close(mnt);
    close(target);
    return r;
}
