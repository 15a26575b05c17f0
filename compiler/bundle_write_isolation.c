/* bundle_write_isolation.c — the isolation records of a bundle (enforcer/bundle_format.h). */
#include "bundle_encode.h"

void stk_bundle_write_isolation(struct stk_bwriter *w, const struct stk_policy_ir *ir)
{
    (void)w;
    (void)ir;
}
