/* sema_isolation.c — namespaces, hostname, uidmap and filesystem: directives into IR (ir_isolation.h). */
#include "sema.h"

void stk_d_namespaces(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    stk_sema_unenforced(u, ir, s);
}

void stk_d_hostname(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    stk_sema_unenforced(u, ir, s);
}

void stk_d_uidmap(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    stk_sema_unenforced(u, ir, s);
}

void stk_d_filesystem(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    stk_sema_unenforced(u, ir, s);
}

void stk_isolation_finish(struct stk_unit *u, struct stk_policy_ir *ir)
{
    (void)u;
    (void)ir;
}

void stk_isolation_ir_free(struct stk_isolation_ir *x)
{
    (void)x;
}
