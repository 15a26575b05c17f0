/* bundle_write_cgroup.c — the cgroup records of a bundle (enforcer/bundle_format.h). */
#include "bundle_encode.h"

void stk_bundle_write_cgroup(struct stk_bwriter *w, const struct stk_policy_ir *ir)
{
    (void)w;
    (void)ir;
}
