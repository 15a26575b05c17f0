/* sema_landlock.c — landlock: directives into IR (ir_landlock.h). */
#include "sema.h"

void stk_d_landlock(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    stk_sema_unenforced(u, ir, s);
}

void stk_landlock_finish(struct stk_unit *u, struct stk_policy_ir *ir)
{
    (void)u;
    (void)ir;
}

void stk_landlock_ir_free(struct stk_landlock_ir *x)
{
    (void)x;
}
