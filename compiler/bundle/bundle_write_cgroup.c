/* bundle_write_cgroup.c — the cgroup records of a bundle (common/bundle_cgroup.h). */
#include "bundle/bw.h"

void stk_bundle_write_cgroup(struct stk_bwriter *w, const struct stk_policy_ir *ir)
{
    const struct stk_cgroup_ir *g = &ir->cgroup;
    if (!g->present)
        return;
    stk_bw_begin(w, STK_REC_CGROUP);
    stk_bw_u32(w, 0);
    stk_bw_end(w);
    for (unsigned k = 0; k < STK_CG_NKEYS; k++) {
        if (!g->lim[k].set)
            continue;
        stk_bw_begin(w, STK_REC_CGROUP_LIMIT);
        stk_bw_u32(w, k);
        stk_bw_u32(w, 0);
        stk_bw_u64(w, g->lim[k].value);
        stk_bw_u64(w, k == STK_CG_CPU_MAX ? g->lim[k].value2 : 0);
        stk_bw_end(w);
    }
}
