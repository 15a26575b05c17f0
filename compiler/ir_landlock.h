/* ir_landlock.h — Landlock rules in the compiled policy (part of struct stk_policy_ir).
 * Filled by sema_landlock.c, written to the bundle by bundle_write_landlock.c. */
#ifndef STK_IR_LANDLOCK_H
#define STK_IR_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stk_landlock_ir {
    bool present; /* the policy has any of these statements */
};

void stk_landlock_ir_free(struct stk_landlock_ir *x);

#endif
