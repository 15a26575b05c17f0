/* ir_lsm.h — SELinux and AppArmor labels in the compiled policy (part of struct stk_policy_ir).
 * Filled by sema_lsm.c, written to the bundle by bundle_write_lsm.c. */
#ifndef STK_IR_LSM_H
#define STK_IR_LSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stk_lsm_ir {
    bool present; /* the policy has any of these statements */
};

void stk_lsm_ir_free(struct stk_lsm_ir *x);

#endif
