/* landlock.c — Landlock rules (steps.h). */
#include "steps.h"

int stk_landlock_plan(const struct stk_bundle *b, struct stk_landlock_plan **out, struct stk_err *e)
{
    (void)b;
    (void)e;
    *out = NULL;
    return 0;
}

int stk_landlock_apply(struct stk_landlock_plan *p, struct stk_err *e)
{
    (void)p;
    (void)e;
    return 0;
}
