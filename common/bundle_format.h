/* bundle_format.h — the on-disk bundle format (docs/bundle.md), shared by the
 * writer (compiler/bundle/bundle_write.c) and the reader (enforcer/bundle/bundle_read.c).
 *
 * All integers little-endian.  Layout:
 *   header (32 bytes)
 *     0  magic "STKBNDL\n"
 *     8  u32 format version (STK_BUNDLE_VERSION)
 *    12  u32 header flags (0)
 *    16  u64 total length of the bundle in bytes, header included
 *    24  u32 number of records
 *    28  u32 CRC-32C of the whole bundle, computed with this field as 0
 *   records, back to back:
 *     u16 type, u16 flags (0), u32 payload length, payload
 * Strings in payloads: u32 length, the bytes (no NUL among them), one NUL. */
#ifndef STK_BUNDLE_FORMAT_H
#define STK_BUNDLE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define STK_BUNDLE_MAGIC "STKBNDL\n"
#define STK_BUNDLE_MAGIC_LEN 8
#define STK_BUNDLE_VERSION 3u
#define STK_BUNDLE_HEADER_LEN 32u
#define STK_BUNDLE_REC_HEADER_LEN 8u
#define STK_BUNDLE_CRC_OFFSET 28u

/* Bounds the reader enforces.  The compiler never writes past them: sema
 * refuses each string and list that would exceed one at its statement
 * (compiler/sema/sema.h: stk_sema_fits, stk_sema_count_ok), the writer a
 * bundle over STK_BUNDLE_MAX_LEN (stk_bundle_write_check); the per-list
 * bounds keep the record count below STK_BUNDLE_MAX_RECORDS (a static
 * assertion in bundle_write.c).  docs/language.md, "Limits". */
#define STK_BUNDLE_MAX_LEN (4u << 20)       /* whole bundle */
#define STK_BUNDLE_MAX_RECORDS 20000u
#define STK_BUNDLE_MAX_NAME 256u            /* policy, user, group, env names, block names */
#define STK_BUNDLE_MAX_PATH 4095u           /* workdir, landlock and filesystem paths */
#define STK_BUNDLE_MAX_VALUE 131071u        /* env values (the kernel's MAX_ARG_STRLEN - 1) */
#define STK_BUNDLE_MAX_GROUPS 65536u        /* NGROUPS_MAX */
#define STK_BUNDLE_MAX_ENV 4096u            /* env keep + env set entries, each */
#define STK_BUNDLE_MAX_FDS 4096u
#define STK_BUNDLE_MAX_UNENFORCED 64u
#define STK_BUNDLE_MAX_INSNS 4096u          /* BPF_MAXINSNS, per filter */
#define STK_BUNDLE_MAX_FILTERS 64u          /* seccomp filters in one bundle */
#define STK_BUNDLE_MAX_FILTER_PATH 32768u  /* sum of (filter length + 4): the kernel's MAX_INSNS_PER_PATH */
#define STK_BUNDLE_MAX_QUIET 8192u          /* (arch, nr) pairs of the quiet calls */
#define STK_SEMA_MAX_QUIET 1024u            /* syscalls a policy marks quiet (x the ABIs: under the above) */
#define STK_BUNDLE_RLIMITS 16u              /* RLIMIT_* values 0..15 */

enum stk_bundle_rec {
    /* process attributes (version 1) */
    STK_REC_NAME = 0x0001,         /* str: policy name */
    STK_REC_NO_NEW_PRIVS = 0x0002, /* u8 0|1 */
    STK_REC_USER = 0x0003,         /* str: name or decimal uid */
    STK_REC_GROUP = 0x0004,        /* str: name or decimal gid */
    STK_REC_SUPP_GROUPS = 0x0005,  /* u32 n, n x str */
    STK_REC_CAPS = 0x0006,         /* u8 mode (0 none, 1 all, 2 keep), u8[7] 0, u64 keep mask */
    STK_REC_RLIMIT = 0x0007,       /* u32 resource, u32 0, u64 soft, u64 hard */
    STK_REC_ENV_CLEAR = 0x0008,    /* u8 0|1 */
    STK_REC_ENV_KEEP = 0x0009,     /* str name */
    STK_REC_ENV_SET = 0x000a,      /* str name, str value */
    STK_REC_WORKDIR = 0x000b,      /* str absolute or relative path */
    STK_REC_UMASK = 0x000c,        /* u32 mode <= 0777 */
    STK_REC_KEEP_FDS = 0x000d,     /* u8 all, u8[3] 0, u32 n, n x u32 fd */
    /* seccomp (version 1) */
    STK_REC_SECCOMP = 0x0010,      /* u32 audit arch, u32 flags, u32 nfilters, then per filter (in the
                                    * order of installation): u32 ninsns, ninsns x insn, u32 npatch,
                                    * npatch x u32 instruction index (version 3) */
    STK_REC_UNENFORCED = 0x0011,   /* str: a policy block this enforcer does not enforce */
    STK_REC_REPORT_QUIET = 0x0012, /* u32 n, n x (u32 audit arch, u32 nr): calls --report does not print
                                    * one by one when they are blocked with an errno or logged (`quiet`) */
    /* Ranges of the later parts, each decoded by its own reader
     * (bundle_read_*.c); the record types are listed in the part's header
     * (bundle_isolation.h, bundle_landlock.h, bundle_cgroup.h, bundle_lsm.h).
     * Readers that predate a part reject its records as unknown. */
    STK_REC_ISOLATION_FIRST = 0x0100, /* namespaces, hostname, uid/gid maps, mounts */
    STK_REC_ISOLATION_LAST = 0x013f,
    STK_REC_LANDLOCK_FIRST = 0x0140,
    STK_REC_LANDLOCK_LAST = 0x015f,
    STK_REC_CGROUP_FIRST = 0x0160,
    STK_REC_CGROUP_LAST = 0x017f,
    STK_REC_LSM_FIRST = 0x0200, /* selinux, apparmor */
    STK_REC_LSM_LAST = 0x02ff,
};

/* The exec descriptor number as written in unpatched programs (equal to the
 * compiler's STK_EXEC_FD_PLACEHOLDER; above fs.nr_open's maximum, so no
 * descriptor has it -- but a call with an absolute path can still pass it as
 * dirfd: the hand-over rule is safe because of how its return is answered,
 * not because of the number, docs/enforcer.md). */
#define STK_BUNDLE_EXEC_FD_PLACEHOLDER 0x7ffffffeu

/* What the exec hand-over rule returns: SECCOMP_RET_USER_NOTIF with this data
 * (the kernel ignores USER_NOTIF's data; the enforcer's listener and the
 * --report supervisor recognize the rule by it). */
#define STK_BUNDLE_EXEC_HANDOVER_RET 0x7fc04558u

/* STK_REC_SECCOMP flags */
#define STK_SECCOMP_EXEC_RESTRICTED 0x1u /* the policy does not unconditionally allow execve and execveat:
                                          * the enforcer execs by descriptor (execveat), through the
                                          * hand-over rule when the program has one (execveat restricted) */
#define STK_SECCOMP_FLAGS_KNOWN 0x1u

/* CRC-32C (Castagnoli, reflected, as in iSCSI/ext4): crc = stk_crc32c(0, p, n)
 * to start; pass the previous value to continue over more bytes. */
uint32_t stk_crc32c(uint32_t crc, const void *p, size_t n);

#endif
