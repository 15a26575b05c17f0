/* bundle_isolation.h — the isolation part of a decoded bundle (struct stk_bundle.iso),
 * and its record types (range STK_REC_ISOLATION_FIRST..LAST in bundle_format.h).
 *
 * Records (payload layouts; strings as in bundle_format.h; docs/bundle.md):
 *   0x0100 NAMESPACES  u32 namespaces (STK_BNS_* bits, not 0), u32 flags (STK_BNSF_*)          once
 *   0x0101 HOSTNAME    str (1..64 bytes: letters, digits, '-', '.')                            once
 *   0x0102 UIDMAP      u32 n (1..340), n x {u32 inside, u32 outside, u32 count, u32 flags}   once
 *   0x0103 GIDMAP      the same for gids                                                        once
 *                      flags bit 0: outside is the caller's id (then outside is 0)
 *   0x0104 FILESYSTEM  str root ("" = the host's root, else an absolute path)                 once
 *   0x0105 MOUNT       u8 kind (STK_BFS_*), u8 flags (STK_BFSF_*), u16 0, u32 mode, u64 size,
 *                      str src (BIND only, else ""), str path,                                 512
 *                      with STK_BFSF_OWNER (TMPFS only): str owner, str group (names or decimal
 *                      ids, <= 256 bytes, "" = unchanged / the owner's primary group; not both "")
 * Paths are absolute and in normal form (no empty, '.' or '..' component, no
 * trailing '/').  MOUNT records come in the order they are applied: no entry
 * lies under the path of an entry that comes after it. */
#ifndef STK_BUNDLE_ISOLATION_H
#define STK_BUNDLE_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    STK_REC_NAMESPACES = 0x0100,
    STK_REC_HOSTNAME = 0x0101,
    STK_REC_UIDMAP = 0x0102,
    STK_REC_GIDMAP = 0x0103,
    STK_REC_FILESYSTEM = 0x0104,
    STK_REC_MOUNT = 0x0105,
};

/* namespaces (the same bits as the compiler's enum stk_ns_kind) */
#define STK_BNS_PID 0x01u
#define STK_BNS_MOUNT 0x02u
#define STK_BNS_IPC 0x04u
#define STK_BNS_UTS 0x08u
#define STK_BNS_NET 0x10u
#define STK_BNS_USER 0x20u
#define STK_BNS_CGROUP 0x40u
#define STK_BNS_ALL 0x7fu
#define STK_BNSF_INIT_NONE 0x1u /* with PID: the command itself is pid 1 (no minimal init) */

#define STK_BIDMAP_MAX 340u
#define STK_BIDMAP_CALLER 0x1u

#define STK_BMOUNT_MAX 512u
#define STK_BHOSTNAME_MAX 64u

/* A valid host name (RFC 1123 labels, at most STK_BHOSTNAME_MAX bytes);
 * the compiler checks policies with the same function. */
bool stk_hostname_ok(const char *h);

enum stk_bundle_fs_kind {
    STK_BFS_BIND = 0,
    STK_BFS_TMPFS = 1,
    STK_BFS_PROC = 2,
    STK_BFS_DEV = 3,      /* path is /dev */
    STK_BFS_READONLY = 4, /* the only kind that may name "/" */
    STK_BFS_MASK = 5,
    STK_BFS_KINDS = 6,
};
#define STK_BFSF_READONLY 0x1u /* BIND */
#define STK_BFSF_MODE 0x2u     /* TMPFS: mode is set (else 0) */
#define STK_BFSF_OWNER 0x4u    /* TMPFS: owner and group strings follow the path */

struct stk_bundle_idmap {
    uint32_t inside, outside, count;
    bool outside_caller;
};

struct stk_bundle_mount {
    enum stk_bundle_fs_kind kind;
    bool readonly;   /* BIND */
    bool mode_set;   /* TMPFS */
    uint32_t mode;   /* TMPFS, <= 07777 */
    uint64_t size;   /* TMPFS, bytes; 0 = the kernel's default */
    const char *owner; /* TMPFS: user name or decimal uid its root is given to; NULL: unchanged */
    const char *group; /* TMPFS: group name or gid; NULL: the owner's primary group (unchanged without owner) */
    const char *src; /* BIND: the host path; NULL otherwise */
    const char *path;
};

struct stk_bundle_isolation {
    bool present;       /* any isolation record */
    uint32_t ns;        /* STK_BNS_* */
    bool init_none;     /* STK_BNSF_INIT_NONE */
    const char *hostname;
    struct stk_bundle_idmap *uidmap, *gidmap; /* NULL: the caller's id maps to itself */
    size_t nuidmap, ngidmap;
    bool fs;            /* FILESYSTEM: build the view (mount namespace) */
    const char *root;   /* NULL = the host's root */
    struct stk_bundle_mount *mounts;
    size_t nmounts;
    uint32_t seen;      /* reader's bookkeeping: singleton records met */
};

/* Name of a namespace bit ("pid", ...), of a filesystem kind ("bind", ...). */
const char *stk_bns_name(uint32_t bit);
const char *stk_bfs_name(enum stk_bundle_fs_kind k);

#endif
