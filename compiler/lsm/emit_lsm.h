/* emit_lsm.h — LSM policy generators: a SELinux CIL module
 * (emit_selinux_cil.c) and an AppArmor profile (emit_apparmor.c) derived from
 * a compiled policy, and the facts both read (lsm_facts.c): the
 * capabilities it keeps, the sockets its seccomp rules let it create, the
 * files its landlock/filesystem statements let it reach. */
#ifndef STK_EMIT_LSM_H
#define STK_EMIT_LSM_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"
#include "util.h"

/* Address families the generators know (AppArmor names; SELinux classes in
 * emit_selinux_cil.c). */
#define STK_LSM_AF_MAX 46

/* Socket types, as bits of stk_lsm_facts.af_types[family]. */
#define STK_LSM_SOCK_STREAM 0x1u
#define STK_LSM_SOCK_DGRAM 0x2u
#define STK_LSM_SOCK_RAW 0x4u
#define STK_LSM_SOCK_SEQPACKET 0x8u
#define STK_LSM_SOCK_ALL 0xfu

/* File access of a path rule. */
#define STK_LSM_READ 0x1u   /* read files, list directories */
#define STK_LSM_WRITE 0x2u  /* write, create, remove, rename */
#define STK_LSM_EXEC 0x4u   /* execute (map executable) */
#define STK_LSM_TREE 0x8u   /* a directory: the rule covers everything beneath it */

struct stk_lsm_path {
    char *path; /* absolute */
    unsigned access;
};

struct stk_lsm_facts {
    uint64_t caps;           /* capabilities the command keeps (bit n = capability n) */
    bool net_all;            /* socket() is not restricted by the policy */
    unsigned af_types[STK_LSM_AF_MAX]; /* socket types socket() may create, per family */
    bool paths_known;        /* the policy restricts the filesystem (landlock/filesystem) */
    struct stk_lsm_path *paths;
    size_t npaths, cappaths;
};

/* What the policy implies.  Free with stk_lsm_facts_free. */
void stk_lsm_facts(const struct stk_policy_ir *ir, struct stk_lsm_facts *f);
void stk_lsm_facts_free(struct stk_lsm_facts *f);
/* Add a path rule (merging the access of an existing one). */
void stk_lsm_facts_add_path(struct stk_lsm_facts *f, const char *path, unsigned access);
/* When caps keeps capability c (0 to 63), its short name ("net_admin") in buf
 * and true; false for one not kept or unknown to libcap. */
bool stk_lsm_facts_cap_name(uint64_t caps, int c, char *buf, size_t n);
/* AppArmor's name for an address family, or NULL. */
const char *stk_lsm_facts_af_name(unsigned af);

/* The CIL module for the policy's selinux block (appended to out). */
void stk_emit_selinux_cil(const struct stk_policy_ir *ir, struct stk_buf *out);
/* Longest path a profile rule may name: the kernel's PATH_MAX less the NUL. */
#define STK_LSM_MAX_PATH 4095

/* The AppArmor profile text (appended to out), named name.  0, or -1 with a
 * message in err when the policy cannot be written as a profile (a path
 * longer than STK_LSM_MAX_PATH); out then holds nothing useful. */
int stk_emit_apparmor(const struct stk_policy_ir *ir, const char *name, struct stk_buf *out, char *err, size_t n);
/* The same from given facts (tests: file rules before landlock exists). */
int stk_emit_apparmor_facts(const struct stk_policy_ir *ir, const char *name, const struct stk_lsm_facts *f,
                            struct stk_buf *out, char *err, size_t n);

#endif
