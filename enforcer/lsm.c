/* lsm.c — SELinux and AppArmor labels (steps.h). */
#include "steps.h"

int stk_lsm_prepare(const struct stk_bundle *b, struct stk_supervisor *sv, struct stk_lsm_plan **out,
                    struct stk_err *e)
{
    (void)b;
    (void)sv;
    (void)e;
    *out = NULL;
    return 0;
}

int stk_lsm_apply(struct stk_lsm_plan *p, struct stk_err *e)
{
    (void)p;
    (void)e;
    return 0;
}
