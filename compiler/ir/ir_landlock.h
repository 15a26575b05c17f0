/* ir_landlock.h — Landlock rules in the compiled policy (part of struct stk_policy_ir).
 * Filled by sema_landlock.c, written to the bundle by bundle_write_landlock.c.
 * Rights are the kernel's bits (common/landlock_rights.h). */
#ifndef STK_IR_LANDLOCK_H
#define STK_IR_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "landlock_rights.h"

struct stk_landlock_path {
    char *path;        /* absolute, as written (trailing slashes removed) */
    uint64_t access;   /* STK_LL_FS_*: the union of every statement naming it */
    struct stk_loc loc; /* first mention */
};

struct stk_landlock_port {
    uint16_t port;
    uint64_t access; /* STK_LL_NET_* */
    struct stk_loc loc;
};

struct stk_landlock_ir {
    bool present;       /* the policy has a landlock block */
    struct stk_loc loc; /* of the block */
    bool best_effort;   /* compat best-effort (default: required) */
    struct stk_ll_access handled; /* what the ruleset restricts */
    struct stk_landlock_path *paths;
    size_t npaths, cappaths;
    struct stk_landlock_port *ports;
    size_t nports, capports;
};

void stk_landlock_ir_free(struct stk_landlock_ir *x);

#endif
