/* ir_cgroup.h — cgroup limits in the compiled policy (part of struct stk_policy_ir).
 * Filled by sema_cgroup.c, written to the bundle by bundle_write_cgroup.c.
 * Keys and value ranges: common/bundle_cgroup.h. */
#ifndef STK_IR_CGROUP_H
#define STK_IR_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle_cgroup.h"
#include "diag.h"

struct stk_cgroup_limit {
    bool set;
    uint64_t value;  /* STK_CG_MAX for max */
    uint64_t value2; /* cpu.max: the period in microseconds; 0 otherwise */
    struct stk_loc loc;
};

struct stk_cgroup_ir {
    bool present; /* the policy has a cgroup block */
    struct stk_loc loc;
    struct stk_cgroup_limit lim[STK_CG_NKEYS];
};

void stk_cgroup_ir_free(struct stk_cgroup_ir *x);

#endif
