/* ir_isolation.h — namespaces, hostname, uid/gid maps and the filesystem view in the compiled policy (part of struct stk_policy_ir).
 * Filled by sema_isolation.c and sema_filesystem.c, written to the bundle by bundle_write_isolation.c.
 * The namespace bits and the filesystem entry kinds have the values the bundle uses (common/bundle_isolation.h). */
#ifndef STK_IR_ISOLATION_H
#define STK_IR_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum stk_ns_kind {
    STK_NS_PID,
    STK_NS_MOUNT,
    STK_NS_IPC,
    STK_NS_UTS,
    STK_NS_NET,
    STK_NS_USER,
    STK_NS_CGROUP,
    STK_NS_COUNT
};
#define STK_NS_BIT(k) (1u << (k))

/* Name as policies write it ("pid", "mount", ...). */

/* One line of a uid or gid map: `count` ids from `inside` map to `outside`
 * onwards (the caller's own id when outside_caller, known only at run time). */
struct stk_idmap_ir {
    uint32_t inside, outside, count;
    bool outside_caller;
};

#define STK_IDMAP_MAX 340 /* the kernel's limit on lines in uid_map/gid_map */

enum stk_fs_kind {
    STK_FS_BIND,     /* src -> path, recursive bind (readonly: made read-only recursively) */
    STK_FS_TMPFS,    /* a fresh tmpfs at path (size, mode, owner, group) */
    STK_FS_PROC,     /* a fresh procfs at path */
    STK_FS_DEV,      /* a minimal /dev at path (always /dev) */
    STK_FS_READONLY, /* what is at path is made read-only, recursively */
    STK_FS_MASK,     /* path is hidden: /dev/null over a file, an empty read-only tmpfs over a directory */
    STK_FS_KIND_COUNT
};

struct stk_fs_entry {
    enum stk_fs_kind kind;
    char *src;        /* BIND: host path */
    char *path;       /* destination in the command's view */
    bool readonly;    /* BIND */
    uint64_t size;    /* TMPFS: bytes, 0 = the kernel's default */
    bool mode_set;    /* TMPFS */
    uint32_t mode;    /* TMPFS: <= 07777 */
    char *owner;      /* TMPFS: the user (name or number) its root belongs to, NULL unchanged */
    char *group;      /* TMPFS: its group, NULL: the owner's primary group (or unchanged without owner) */
    struct stk_loc loc;      /* the entry's first word */
    struct stk_loc path_loc; /* the destination as written */
};

#define STK_FS_MAX_ENTRIES 512

struct stk_isolation_ir {
    bool present;      /* the policy has any of these statements */
    uint32_t ns;       /* STK_NS_BIT(k) for each namespace (mount is implied by filesystem) */
    bool pid_init_none; /* `namespaces pid init none`: the command itself is pid 1 */
    struct stk_loc ns_loc[STK_NS_COUNT]; /* where each namespace was asked for (file 0: implied) */

    char *hostname;
    struct stk_loc hostname_loc;

    struct stk_idmap_ir *uidmap, *gidmap; /* NULL: the caller's id maps to itself */
    size_t nuidmap, ngidmap;
    struct stk_loc uidmap_loc, gidmap_loc;

    bool fs;           /* a filesystem block (implies the mount namespace) */
    struct stk_loc fs_loc;
    char *root;        /* NULL = the host's root */
    /* After stk_isolation_finish: in the order the enforcer applies them
     * (parents before what is mounted under them; see sema_filesystem.c). */
    struct stk_fs_entry *fs_entries;
    size_t nfs, capfs;
};

void stk_isolation_ir_free(struct stk_isolation_ir *x);

#endif
