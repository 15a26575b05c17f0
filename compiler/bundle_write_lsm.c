/* bundle_write_lsm.c — the lsm records of a bundle (enforcer/bundle_format.h). */
#include "bundle_encode.h"

void stk_bundle_write_lsm(struct stk_bwriter *w, const struct stk_policy_ir *ir)
{
    (void)w;
    (void)ir;
}
