/* ir_isolation.h — namespaces, hostname, uid/gid maps and the filesystem view in the compiled policy (part of struct stk_policy_ir).
 * Filled by sema_isolation.c, written to the bundle by bundle_write_isolation.c. */
#ifndef STK_IR_ISOLATION_H
#define STK_IR_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stk_isolation_ir {
    bool present; /* the policy has any of these statements */
};

void stk_isolation_ir_free(struct stk_isolation_ir *x);

#endif
