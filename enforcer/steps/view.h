/* view.h — what view.c and view_dev.c share while building the
 * command's filesystem view.  Internal to the enforcer. */
#ifndef STK_VIEW_H
#define STK_VIEW_H

#include <stdarg.h>
#include <stdbool.h>
#include <sys/types.h>

#include "bundle/bundle.h"
#include "err.h"

struct stk_writer;

#define STK_VIEW_NDEV 6 /* null zero full random urandom tty */
/* a bound device node (dev minimal, the /dev/null of masks): still read and
 * written, but its inode (mode, owner, times: the host's node) unchangeable */
#define STK_VIEW_NODE_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)

struct stk_view {
    const struct stk_bundle_isolation *x;
    struct stk_err *e;
    int rootfd;              /* the host's / or the policy's root (O_PATH) */
    int root;                /* the view: a detached recursive copy of rootfd, then stacked on / */
    int *src;                /* per entry: a bind's source (O_PATH), -1 otherwise */
    int *tree;               /* per entry: a bind's detached clone of the source, taken from the host's view
                              * before any entry is applied (its mounts as writable as on the host), or -1 */
    bool *keepdev;           /* per entry: a writable bind keeps working device nodes (its source is a device
                              * node or on a devtmpfs); every other writable bind is nodev,nosuid */
    int devnull;             /* the host's /dev/null, for masks of files */
    int mountinfo;           /* /proc/self/mountinfo of the namespace, opened while the view is the host's */
    int proc_done[64];       /* mount ids of the procfs roots already hardened (stk_view_harden_proc) */
    size_t nproc_done;
    int dev[STK_VIEW_NDEV];  /* the host's device nodes, for dev minimal */
    dev_t ours[64];          /* st_dev of the tmpfs mounts the policy made: mount points may be created there */
    size_t nours;
    const char *file_context; /* SELinux label for the tmpfs mounts (lsm.c), NULL without */
    char cwd[4096];          /* the caller's working directory, restored inside the view if it exists there */
    const struct stk_writer *writer; /* the command, for the host paths the policy names (safe_path.h) */
    struct stk_view_owner {
        bool set;
        uid_t uid;
        gid_t gid;
    } *owner;                /* per entry: a tmpfs's owner (view_tmpfs.c), NULL when no entry has one */
};

/* "stockade: mount: ENTRY: MESSAGE[: strerror(err)]"; m NULL: "building the view".  Returns -1. */
int stk_view_err(struct stk_view *v, int err, const struct stk_bundle_mount *m, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* path inside the view (O_PATH), or -1 with errno */
int stk_view_resolve(struct stk_view *v, const char *path);
int stk_view_remember(struct stk_view *v, int mnt, const struct stk_bundle_mount *m);
/* m's destination, created inside the policy's own tmpfs when missing; -1 on error */
int stk_view_target(struct stk_view *v, const struct stk_bundle_mount *m, bool dir);
int stk_view_attach(struct stk_view *v, int mnt, int target, const struct stk_bundle_mount *m);
int stk_view_set_readonly(struct stk_view *v, int mnt, bool recursive, const struct stk_bundle_mount *m);
/* a new detached tmpfs/procfs mount (size, mode: NULL for the default) */
int stk_view_newfs(struct stk_view *v, const char *type, const char *size, const char *mode, unsigned attrs,
                   const struct stk_bundle_mount *m);

/* cover fd: /dev/null over a file, an empty read-only tmpfs over a directory */
int stk_view_mask_fd(struct stk_view *v, int fd, const struct stk_bundle_mount *m);

/* view_proc.c: close a procfs's kernel knobs (proc is its root, attached in the view) */
/* 1: fd lies on a procfs, 0: it does not, -1: fstatfs failed (errno) */
int stk_view_is_proc(int fd);
int stk_view_harden_proc(struct stk_view *v, int proc, const struct stk_bundle_mount *m);
int stk_view_harden_inherited_proc(struct stk_view *v);

/* view_info.c: the namespace's mounts, from v->mountinfo (paths relative
 * to the root the process had when it was opened: the host's) */
struct stk_mount_line {
    int id, parent;
    const char *root;   /* the mount's root inside its file system */
    const char *point;  /* where it is mounted */
    const char *fstype;
    bool readonly;
};
struct stk_mount_table {
    char *buf;
    struct stk_mount_line *v;
    size_t n;
};
int stk_view_read_mounts(struct stk_view *v, struct stk_mount_table *t);
void stk_view_free_mounts(struct stk_mount_table *t);
/* fd's mount id (STATX_MNT_ID); -1 with the error reported */
int stk_view_mount_id(struct stk_view *v, int fd, const struct stk_bundle_mount *m);
/* the mount of fd is a devtmpfs, or fd is a device node: 1, 0, or -1 with the error reported */
int stk_view_is_dev_source(struct stk_view *v, int fd, const struct stk_mount_table *t,
                           const struct stk_bundle_mount *m);
/* mount_setattr(set) on a detached tree (recursive) or one mount */
int stk_view_setattr(struct stk_view *v, int mnt, unsigned set, bool recursive, const char *what,
                     const struct stk_bundle_mount *m);

/* view_proc.c: after the entries: every procfs in the view, wherever it
 * came from (under_id: only mounts beneath that mount id, -1 for all) */
int stk_view_harden_all_proc(struct stk_view *v, int under_id);

/* view_tmpfs.c: the owners of the tmpfs entries, looked up while the view is the host's;
 * the done step of a tmpfs (its owner set, then remembered as ours) */
int stk_view_resolve_owners(struct stk_view *v);
int stk_view_tmpfs_done(struct stk_view *v, int mnt, const struct stk_bundle_mount *m);

/* view_dev.c: open the host's device nodes (before the view changes), then build /dev */
int stk_view_open_devices(struct stk_view *v, const struct stk_bundle_mount *m);
int stk_view_dev(struct stk_view *v, const struct stk_bundle_mount *m);

#endif
