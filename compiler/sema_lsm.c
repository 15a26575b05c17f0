/* sema_lsm.c — SELinux and AppArmor labels: directives into IR (ir_lsm.h). */
#include "sema.h"

void stk_d_selinux(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    stk_sema_unenforced(u, ir, s);
}

void stk_d_apparmor(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    stk_sema_unenforced(u, ir, s);
}

void stk_lsm_finish(struct stk_unit *u, struct stk_policy_ir *ir)
{
    (void)u;
    (void)ir;
}

void stk_lsm_ir_free(struct stk_lsm_ir *x)
{
    (void)x;
}
