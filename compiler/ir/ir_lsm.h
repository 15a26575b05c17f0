/* ir_lsm.h — SELinux and AppArmor labels in the compiled policy (part of struct stk_policy_ir).
 * Filled by sema_lsm.c; written to the bundle by bundle_write_lsm.c; turned
 * into a CIL module by emit_selinux_cil.c and an AppArmor profile by
 * emit_apparmor.c. */
#ifndef STK_IR_LSM_H
#define STK_IR_LSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct stk_selinux_ir {
    bool present;          /* the policy has a selinux block */
    bool optional;         /* degrade with a warning when SELinux does not run */
    char *type;            /* process domain, e.g. stockade_web_t */
    char *filetype;        /* file label of private mounts, e.g. stockade_web_file_t */
    bool level_auto;       /* sVirt: a unique s0:cX,cY per running instance */
    char *level;           /* explicit level or range (level_auto false) */
    uint32_t categories;   /* categories the allocator picks from: c0..c<categories-1> */
    char **callers;        /* domains that may start the command (CIL module) */
    size_t ncallers;
    char **entrypoints;    /* file types the command may be executed from (CIL module) */
    size_t nentrypoints;
    struct stk_loc loc;
};

struct stk_apparmor_ir {
    bool present;
    bool optional;
    bool generate;         /* the profile is generated from the policy (false: `apparmor use NAME`) */
    char *profile;
    struct stk_loc loc;
};

struct stk_lsm_ir {
    bool present; /* the policy has any of these statements */
    struct stk_selinux_ir selinux;
    struct stk_apparmor_ir apparmor;
    /* Filled by `compile --embed-lsm` (cmd_compile.c), not by sema: carried
     * in the bundle for hosts without the compiler. */
    char *embed_cil;            /* the CIL module text */
    unsigned char *embed_aa;    /* apparmor_parser's binary profile */
    size_t embed_aa_len;
};

void stk_lsm_ir_free(struct stk_lsm_ir *x);

#endif
