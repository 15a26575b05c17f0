/* mount.c — the command's filesystem view (steps.h). */
#include "steps.h"

int stk_mount_apply(const struct stk_bundle *b, struct stk_err *e)
{
    (void)b;
    (void)e;
    return 0;
}
