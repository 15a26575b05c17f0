/* view.c — the command's filesystem view (steps.h; docs/enforcer.md "Filesystem").
 *
 * In the command's mount namespace: make every mount private; open the
 * bind sources and the host devices the view needs (in the host's view,
 * before anything changes); clone the root (the host's / or the policy's
 * `root`) recursively as a detached tree and stack it on top of /; close the
 * kernel knobs of the /proc it has (view_proc.c); apply the entries in the
 * bundle's order, each resolved inside the new tree
 * (openat2 RESOLVE_IN_ROOT, so symlinks and ".." cannot leave it); then
 * pivot_root into it and detach the old root.  Every bind is cloned from
 * the host's view before the first entry changes anything, so it is exactly
 * as writable as its source was on the host (an earlier `readonly /` does
 * not reach it), and every procfs the view gets has its kernel knobs closed
 * right after it is attached (and any other procfs of the view, found in
 * its mountinfo, once all entries are applied).  Device nodes work only
 * where the policy put them: the jail's tree and writable binds are
 * nodev,nosuid (a bind of a device node or of a devtmpfs excepted), and the
 * bound nodes are read-only mounts.  Everything goes through
 * descriptors with the new mount API (Linux 5.12+: open_tree, move_mount,
 * fsopen/fsmount, mount_setattr), so no path of the host is ever resolved
 * after the view began to change.  Mount points are created only inside a
 * tmpfs the policy itself mounted, never on a file system of the host. */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "steps/view.h"
#include "steps/safe_path.h"

#define STEP "mount"

static void describe_entry(const struct stk_bundle_mount *m, char *buf, size_t len)
{
    if (!m)
        snprintf(buf, len, "building the view");
    else if (m->kind == STK_BFS_BIND)
        snprintf(buf, len, "bind %s %s%s", m->src, m->path, m->readonly ? " readonly" : "");
    else if (m->kind == STK_BFS_DEV)
        snprintf(buf, len, "dev minimal");
    else
        snprintf(buf, len, "%s %s", stk_bfs_name(m->kind), m->path);
}

int stk_view_err(struct stk_view *v, int err, const struct stk_bundle_mount *m, const char *fmt, ...)
{
    char what[STK_BUNDLE_MAX_PATH * 2 + 32], msg[256];
    describe_entry(m, what, sizeof what);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (err)
        return stk_errnof(v->e, STEP, err, "%s: %s", what, msg);
    return stk_errf(v->e, STEP, "%s: %s", what, msg);
}

int stk_view_resolve(struct stk_view *v, const char *path)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, v->root, path, &how, sizeof how);
}

/* fd lies in one of the policy's own tmpfs mounts */
static bool in_own_tmpfs(const struct stk_view *v, int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return false;
    for (size_t i = 0; i < v->nours; i++)
        if (v->ours[i] == st.st_dev)
            return true;
    return false;
}

int stk_view_remember(struct stk_view *v, int mnt, const struct stk_bundle_mount *m)
{
    struct stat st;
    if (fstat(mnt, &st) < 0)
        return stk_view_err(v, errno, m, "fstat");
    if (v->nours == sizeof v->ours / sizeof v->ours[0])
        return 0; /* only costs the ability to create mount points in it */
    v->ours[v->nours++] = st.st_dev;
    return 0;
}

/* The destination of m, created (a directory, or an empty file when !dir)
 * with its missing parents when they lie inside a tmpfs the policy mounted. */
int stk_view_target(struct stk_view *v, const struct stk_bundle_mount *m, bool dir)
{
    int fd = stk_view_resolve(v, m->path);
    if (fd >= 0 || errno != ENOENT)
        return fd >= 0 ? fd : stk_view_err(v, errno, m, "%s", m->path);
    /* walk down: the longest existing prefix, then create the rest */
    char prefix[STK_BUNDLE_MAX_PATH + 1];
    size_t len = strlen(m->path);
    int cur = fcntl(v->root, F_DUPFD_CLOEXEC, 0);
    if (cur < 0)
        return stk_view_err(v, errno, m, "dup");
    for (size_t at = 1; at <= len;) {
        size_t end = at;
        while (end < len && m->path[end] != '/')
            end++;
        memcpy(prefix, m->path, end);
        prefix[end] = '\0';
        int next = stk_view_resolve(v, prefix);
        if (next < 0 && errno == ENOENT) {
            const char *name = prefix + at;
            if (!in_own_tmpfs(v, cur)) {
                close(cur);
                return stk_view_err(v, 0, m, "%s does not exist in the view (mount points are created only inside "
                                             "the policy's own tmpfs mounts)", prefix);
            }
            int r;
            if (end == len && !dir) {
                r = openat(cur, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (r >= 0)
                    close(r);
            } else {
                r = mkdirat(cur, name, 0755);
            }
            if (r < 0) {
                int err = errno;
                close(cur);
                return stk_view_err(v, err, m, "creating %s", prefix);
            }
            next = stk_view_resolve(v, prefix);
        }
        if (next < 0) {
            int err = errno;
            close(cur);
            return stk_view_err(v, err, m, "%s", prefix);
        }
        close(cur);
        cur = next;
        at = end + 1;
    }
    return cur;
}

static bool is_dir(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_node(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
}

/* the root directory of a procfs (its inode is always 1), not something in it */
static int is_proc_root(int fd)
{
    struct stat st;
    int proc = stk_view_is_proc(fd);
    if (proc <= 0)
        return proc;
    if (fstat(fd, &st) < 0)
        return -1;
    return S_ISDIR(st.st_mode) && st.st_ino == 1;
}

int stk_view_attach(struct stk_view *v, int mnt, int target, const struct stk_bundle_mount *m)
{
    if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return stk_view_err(v, errno, m, "move_mount");
    return 0;
}

/* A new tmpfs or procfs, detached; -1 on error. */
int stk_view_newfs(struct stk_view *v, const char *type, const char *size, const char *mode, unsigned attrs,
                   const struct stk_bundle_mount *m)
{
    int fs = fsopen(type, FSOPEN_CLOEXEC);
    if (fs < 0)
        return stk_view_err(v, errno, m, "fsopen(%s)", type);
    int mnt = -1;
    if (size && fsconfig(fs, FSCONFIG_SET_STRING, "size", size, 0) < 0)
        stk_view_err(v, errno, m, "size %s", size);
    else if (mode && fsconfig(fs, FSCONFIG_SET_STRING, "mode", mode, 0) < 0)
        stk_view_err(v, errno, m, "mode %s", mode);
    else if (v->file_context && strcmp(type, "tmpfs") == 0 &&
             fsconfig(fs, FSCONFIG_SET_STRING, "context", v->file_context, 0) < 0)
        stk_view_err(v, errno, m, "SELinux label %s", v->file_context);
    else if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
        int err = errno;
        stk_view_err(v, err, m, "creating the %s%s", type,
                     strcmp(type, "proc") == 0 && err == EPERM
                         ? " (in a user namespace a procfs needs a pid namespace and a fully visible /proc)"
                         : "");
    } else if ((mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs)) < 0)
        stk_view_err(v, errno, m, "fsmount(%s)", type);
    close(fs);
    return mnt;
}

static int do_bind(struct stk_view *v, size_t i, const struct stk_bundle_mount *m)
{
    bool dir = is_dir(v->src[i]);
    int target = stk_view_target(v, m, dir);
    if (target < 0)
        return -1;
    int r = -1, tree = v->tree[i];
    if (is_dir(target) != dir) {
        stk_view_err(v, 0, m, dir ? "%s is not a directory" : "%s is a directory", m->path);
        goto out;
    }
    /* A procfs of the host: its root gets its knobs closed like a fresh
     * one; anything below its root (/proc/sys, /proc/1, ...) is read-only. */
    int proc = stk_view_is_proc(tree), proc_root = proc < 0 ? -1 : is_proc_root(tree);
    if (proc < 0 || proc_root < 0) {
        stk_view_err(v, errno, m, "fstatfs(%s)", m->src);
        goto out;
    }
    if ((m->readonly || (proc && !proc_root)) && stk_view_set_readonly(v, tree, true, m) < 0)
        goto out;
    /* A writable bind: no device node or setuid file the command can make
     * there works (a command keeping CAP_MKNOD could otherwise create
     * /dev/kmsg's node in it), unless the source is a device node or lies
     * on a devtmpfs (`bind /dev /dev`, `bind /dev/kvm /dev/kvm`). */
    if (!m->readonly && !v->keepdev[i] &&
        stk_view_setattr(v, tree, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID, true, "nodev,nosuid", m) < 0)
        goto out;
    /* a device node is used through a read-only mount as well; only its
     * inode (the host's node: mode, owner, times) needs the writable one */
    if (!dir && is_node(v->src[i]) && stk_view_setattr(v, tree, STK_VIEW_NODE_ATTRS, false, "read-only", m) < 0)
        goto out;
    if (stk_view_attach(v, tree, target, m) < 0 || (proc_root && stk_view_harden_proc(v, tree, m) < 0))
        goto out;
    r = 0;
out:
    close(target);
    return r;
}

/* A new file system of type on m's directory, finished by done (on the new
 * mount) before anything else can depend on it. */
static int mount_new(struct stk_view *v, const struct stk_bundle_mount *m, const char *type, const char *size,
                     const char *mode, unsigned attrs,
                     int (*done)(struct stk_view *, int, const struct stk_bundle_mount *))
{
    int target = stk_view_target(v, m, true);
    if (target < 0)
        return -1;
    int r = -1, mnt = -1;
    if (!is_dir(target))
        stk_view_err(v, ENOTDIR, m, "%s", m->path);
    else if ((mnt = stk_view_newfs(v, type, size, mode, attrs, m)) >= 0 && stk_view_attach(v, mnt, target, m) == 0)
        r = done(v, mnt, m);
    if (mnt >= 0)
        close(mnt);
    close(target);
    return r;
}

static int do_tmpfs(struct stk_view *v, const struct stk_bundle_mount *m)
{
    char size[24], mode[16];
    snprintf(size, sizeof size, "%llu", (unsigned long long)m->size);
    snprintf(mode, sizeof mode, "%o", m->mode);
    return mount_new(v, m, "tmpfs", m->size ? size : NULL, m->mode_set ? mode : NULL,
                     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, stk_view_tmpfs_done);
}

static int do_proc(struct stk_view *v, const struct stk_bundle_mount *m)
{
    return mount_new(v, m, "proc", NULL, NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                     stk_view_harden_proc);
}

static int do_readonly(struct stk_view *v, const struct stk_bundle_mount *m)
{
    int fd = stk_view_resolve(v, m->path);
    if (fd < 0)
        return stk_view_err(v, errno, m, "%s", m->path);
    struct statx sx;
    int r = -1, mnt = -1;
    if (statx(fd, "", AT_EMPTY_PATH, 0, &sx) < 0) {
        stk_view_err(v, errno, m, "statx");
        goto out;
    }
    if ((sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
        r = stk_view_set_readonly(v, fd, true, m);
        goto out;
    }
    /* not a mount point: bind it onto itself first, then make that read-only */
    mnt = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (mnt < 0) {
        stk_view_err(v, errno, m, "open_tree");
        goto out;
    }
    if (stk_view_set_readonly(v, mnt, true, m) == 0)
        r = stk_view_attach(v, mnt, fd, m);
out:
    if (mnt >= 0)
        close(mnt);
    close(fd);
    return r;
}

int stk_view_mask_fd(struct stk_view *v, int fd, const struct stk_bundle_mount *m)
{
    int r = -1, mnt;
    if (is_dir(fd)) {
        mnt = stk_view_newfs(v, "tmpfs", "4k", "0", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                                        MOUNT_ATTR_NOEXEC, m);
    } else {
        /* read-only: the host's /dev/null is still written through it,
         * but chmod, chown and utimes get EROFS instead of changing the
         * host's node */
        mnt = open_tree(v->devnull, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (mnt < 0)
            stk_view_err(v, errno, m, "open_tree(/dev/null)");
        else if (stk_view_setattr(v, mnt, STK_VIEW_NODE_ATTRS, false, "/dev/null read-only", m) < 0) {
            close(mnt);
            mnt = -1;
        }
    }
    if (mnt >= 0) {
        r = stk_view_attach(v, mnt, fd, m);
        close(mnt);
    }
    return r;
}

static int do_mask(struct stk_view *v, const struct stk_bundle_mount *m)
{
    int fd = stk_view_resolve(v, m->path);
    if (fd < 0)
        return errno == ENOENT ? 0 : stk_view_err(v, errno, m, "%s", m->path); /* nothing to hide */
    int r = stk_view_mask_fd(v, fd, m);
    close(fd);
    return r;
}

static int pivot(struct stk_view *v)
{
    if (fchdir(v->root) < 0)
        return stk_view_err(v, errno, NULL, "fchdir(new root)");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return stk_view_err(v, errno, NULL, "pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
        return stk_view_err(v, errno, NULL, "detaching the old root");
    if (chdir("/") < 0)
        return stk_view_err(v, errno, NULL, "chdir(/)");
    /* the caller's working directory if the view has it, else / (workdir may change it) */
    if (v->cwd[0] && chdir(v->cwd) < 0 && chdir("/") < 0)
        return stk_view_err(v, errno, NULL, "chdir(/)");
    return 0;
}

/* A path of the host the policy names (the root, a bind source), opened
 * without following a symbolic link the command could have planted
 * (safe_path.h); -1 with the error reported. */
static int open_host_path(struct stk_view *v, int hostroot, const char *path, const struct stk_bundle_mount *m)
{
    char why[640];
    int fd = stk_safe_open(hostroot, path, v->writer, why, sizeof why);
    if (fd >= 0 || !why[0]) {
        if (fd < 0)
            return m ? stk_view_err(v, errno, m, "%s", path) : stk_errnof(v->e, STEP, errno, "root %s", path);
        return fd;
    }
    return m ? stk_view_err(v, 0, m, "%s", why) : stk_errf(v->e, STEP, "root %s: %s", path, why);
}

static int open_sources(struct stk_view *v, int hostroot, const struct stk_mount_table *t);

/* Descriptors of what the view takes from the host, opened before anything
 * changes: the root, the bind sources, the devices, /dev/null and the
 * namespace's mountinfo. */
static int open_host_paths(struct stk_view *v, int hostroot)
{
    const struct stk_bundle_isolation *x = v->x;
    if (!x->root) {
        v->rootfd = fcntl(hostroot, F_DUPFD_CLOEXEC, 0);
        if (v->rootfd < 0)
            return stk_errnof(v->e, STEP, errno, "dup");
    } else {
        if ((v->rootfd = open_host_path(v, hostroot, x->root, NULL)) < 0)
            return -1;
        struct stat st;
        if (fstat(v->rootfd, &st) < 0)
            return stk_errnof(v->e, STEP, errno, "root %s", x->root);
        if (!S_ISDIR(st.st_mode))
            return stk_errnof(v->e, STEP, ENOTDIR, "root %s", x->root);
    }
    if ((v->mountinfo = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
        return stk_errnof(v->e, STEP, errno, "/proc/self/mountinfo (the host's /proc)");
    struct stk_mount_table t = {0};
    bool writable_bind = false;
    for (size_t i = 0; i < x->nmounts; i++)
        writable_bind |= x->mounts[i].kind == STK_BFS_BIND && !x->mounts[i].readonly;
    if (writable_bind && stk_view_read_mounts(v, &t) < 0)
        return -1;
    int r = open_sources(v, hostroot, &t);
    stk_view_free_mounts(&t);
    if (r < 0)
        return -1;
    /* /dev/null covers masked files: the policy's, and a procfs's (the
     * view's /proc, a fresh one, a bind of one) */
    if ((v->devnull = open("/dev/null", O_PATH | O_CLOEXEC)) < 0)
        return stk_errnof(v->e, STEP, errno, "/dev/null (for the masks)");
    struct stat st;
    if (fstat(v->devnull, &st) < 0 || !S_ISCHR(st.st_mode))
        return stk_errf(v->e, STEP, "the host's /dev/null is not a character device (for the masks)");
    return 0;
}

/* the bind sources (t: the host's mounts, to tell a devtmpfs) and the devices */
static int open_sources(struct stk_view *v, int hostroot, const struct stk_mount_table *t)
{
    const struct stk_bundle_isolation *x = v->x;
    for (size_t i = 0; i < x->nmounts; i++) {
        const struct stk_bundle_mount *m = &x->mounts[i];
        if (m->kind == STK_BFS_BIND) {
            if ((v->src[i] = open_host_path(v, hostroot, m->src, m)) < 0)
                return -1;
            if (!m->readonly) {
                int dev = stk_view_is_dev_source(v, v->src[i], t, m);
                if (dev < 0)
                    return -1;
                v->keepdev[i] = dev;
            }
            /* cloned now, while no entry has changed a flag of the host's mounts */
            v->tree[i] = open_tree(v->src[i], "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
            if (v->tree[i] < 0)
                return stk_view_err(v, errno, m, "open_tree(%s)", m->src);
        } else if (m->kind == STK_BFS_DEV && stk_view_open_devices(v, m) < 0) {
            return -1;
        }
    }
    return 0;
}

static int open_host(struct stk_view *v)
{
    int hostroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (hostroot < 0)
        return stk_errnof(v->e, STEP, errno, "root /");
    int r = open_host_paths(v, hostroot);
    close(hostroot);
    return r;
}

static int apply_entries(struct stk_view *v);

static int build(struct stk_view *v)
{
    const struct stk_bundle_isolation *x = v->x;
    if (!getcwd(v->cwd, sizeof v->cwd))
        v->cwd[0] = '\0'; /* gone or too long: the command starts in / */
    if (open_host(v) < 0 || stk_view_resolve_owners(v) < 0)
        return -1;
    if (!x->root) {
        /* The host's root: the namespace's own copy of the host's mounts
         * is the view; it is changed in place, with nothing to pivot away
         * from (a second copy to pivot into would only be detached again,
         * at the cost of an RCU grace period). */
        v->root = fcntl(v->rootfd, F_DUPFD_CLOEXEC, 0);
        if (v->root < 0)
            return stk_errnof(v->e, STEP, errno, "dup");
        if (stk_view_harden_inherited_proc(v) < 0 || apply_entries(v) < 0 || stk_view_harden_all_proc(v, -1) < 0)
            return -1;
        /* The working directory still points at what was there before: a
         * directory since masked or mounted over would stay reachable as
         * ".".  Look it up again in the finished view. */
        if ((!v->cwd[0] || chdir(v->cwd) < 0) && chdir("/") < 0)
            return stk_view_err(v, errno, NULL, "chdir(/)");
        return 0;
    }
    v->root = open_tree(v->rootfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (v->root < 0)
        return stk_errnof(v->e, STEP, errno, "open_tree(%s)%s", x->root,
                          errno == ENOSYS ? " (needs Linux 5.12 or later)" : "");
    /* The jail's own mounts: no device node or setuid file in it works,
     * whoever put it there; devices come from `dev minimal` or a bind of a
     * device node, which are mounts of their own (docs/enforcer.md) */
    if (stk_view_setattr(v, v->root, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID, true, "nodev,nosuid", NULL) < 0)
        return -1;
    int jail = stk_view_mount_id(v, v->root, NULL);
    if (jail < 0)
        return -1;
    /* stacked on the host's /: attached to our namespace (pivot_root needs
     * that) yet never seen by a lookup that starts at our root */
    if (move_mount(v->root, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return stk_errnof(v->e, STEP, errno, "attaching the new root");
    /* every procfs of the jail's tree, wherever the jail or a bind put it */
    if (stk_view_harden_inherited_proc(v) < 0 || apply_entries(v) < 0 || stk_view_harden_all_proc(v, jail) < 0)
        return -1;
    return pivot(v);
}

static int apply_entries(struct stk_view *v)
{
    const struct stk_bundle_isolation *x = v->x;
    for (size_t i = 0; i < x->nmounts; i++) {
        const struct stk_bundle_mount *m = &x->mounts[i];
        int r;
        switch (m->kind) {
        case STK_BFS_BIND: r = do_bind(v, i, m); break;
        case STK_BFS_TMPFS: r = do_tmpfs(v, m); break;
        case STK_BFS_PROC: r = do_proc(v, m); break;
        case STK_BFS_DEV: r = stk_view_dev(v, m); break;
        case STK_BFS_READONLY: r = do_readonly(v, m); break;
        default: r = do_mask(v, m); break;
        }
        if (r < 0)
            return -1;
    }
    return 0;
}

int stk_view_apply(const struct stk_bundle *b, const char *file_context, const struct stk_ids *ids, uint64_t keep,
                    struct stk_err *e)
{
    const struct stk_bundle_isolation *x = &b->iso;
    if (!(x->ns & STK_BNS_MOUNT))
        return 0;
    /* nothing mounted here reaches the host's namespace, nor the other way round */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return stk_errnof(e, STEP, errno, "making / private");
    if (!x->fs)
        return 0;
    struct stk_view *v = calloc(1, sizeof *v);
    int *src = calloc(x->nmounts ? x->nmounts : 1, sizeof *src);
    int *tree = calloc(x->nmounts ? x->nmounts : 1, sizeof *tree);
    bool *keepdev = calloc(x->nmounts ? x->nmounts : 1, sizeof *keepdev);
    if (!v || !src || !tree || !keepdev) {
        free(v);
        free(src);
        free(tree);
        free(keepdev);
        return stk_errnof(e, STEP, ENOMEM, "building the view");
    }
    v->x = x;
    v->e = e;
    v->file_context = file_context;
    v->src = src;
    v->tree = tree;
    v->keepdev = keepdev;
    struct stk_writer writer;
    if (stk_safe_writer_of(&writer, ids, keep) < 0) {
        int err = errno;
        free(v);
        free(src);
        free(tree);
        free(keepdev);
        return stk_errnof(e, STEP, err, "the command's groups");
    }
    v->writer = &writer;
    v->root = v->rootfd = v->devnull = v->mountinfo = -1;
    for (size_t i = 0; i < x->nmounts; i++)
        v->src[i] = v->tree[i] = -1;
    for (size_t i = 0; i < STK_VIEW_NDEV; i++)
        v->dev[i] = -1;
    int r = build(v);
    for (size_t i = 0; i < x->nmounts; i++) {
        if (v->src[i] >= 0)
            close(v->src[i]);
        if (v->tree[i] >= 0)
            close(v->tree[i]);
    }
    for (size_t i = 0; i < STK_VIEW_NDEV; i++)
        if (v->dev[i] >= 0)
            close(v->dev[i]);
    if (v->root >= 0)
        close(v->root);
    if (v->rootfd >= 0)
        close(v->rootfd);
    if (v->devnull >= 0)
        close(v->devnull);
    if (v->mountinfo >= 0)
        close(v->mountinfo);
    stk_safe_writer_free(&writer);
    free(v->owner);
    free(src);
    free(tree);
    free(keepdev);
    free(v);
    return r;
}
