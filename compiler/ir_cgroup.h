/* ir_cgroup.h — cgroup limits in the compiled policy (part of struct stk_policy_ir).
 * Filled by sema_cgroup.c, written to the bundle by bundle_write_cgroup.c. */
#ifndef STK_IR_CGROUP_H
#define STK_IR_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stk_cgroup_ir {
    bool present; /* the policy has any of these statements */
};

void stk_cgroup_ir_free(struct stk_cgroup_ir *x);

#endif
