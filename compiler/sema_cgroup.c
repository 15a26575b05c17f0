/* sema_cgroup.c — cgroup: directives into IR (ir_cgroup.h). */
#include "sema.h"

void stk_d_cgroup(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    stk_sema_unenforced(u, ir, s);
}

void stk_cgroup_finish(struct stk_unit *u, struct stk_policy_ir *ir)
{
    (void)u;
    (void)ir;
}

void stk_cgroup_ir_free(struct stk_cgroup_ir *x)
{
    (void)x;
}
