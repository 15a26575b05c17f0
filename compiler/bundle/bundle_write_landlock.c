/* bundle_write_landlock.c — the landlock records of a bundle (common/bundle_landlock.h). */
#include "bundle/bw.h"

#include "bundle_landlock.h"

void stk_bundle_write_landlock(struct stk_bwriter *w, const struct stk_policy_ir *ir)
{
    const struct stk_landlock_ir *l = &ir->landlock;
    if (!l->present || stk_ll_empty(&l->handled))
        return;
    stk_bw_begin(w, STK_REC_LANDLOCK);
    stk_bw_u8(w, l->best_effort ? STK_LL_BEST_EFFORT : STK_LL_REQUIRED);
    stk_bw_zero(w, 7);
    stk_bw_u64(w, l->handled.fs);
    stk_bw_u64(w, l->handled.net);
    stk_bw_u64(w, l->handled.scope);
    stk_bw_end(w);
    for (size_t i = 0; i < l->npaths; i++) {
        stk_bw_begin(w, STK_REC_LANDLOCK_PATH);
        stk_bw_u64(w, l->paths[i].access);
        stk_bw_str(w, l->paths[i].path);
        stk_bw_end(w);
    }
    for (size_t i = 0; i < l->nports; i++) {
        stk_bw_begin(w, STK_REC_LANDLOCK_PORT);
        stk_bw_u64(w, l->ports[i].access);
        stk_bw_u64(w, l->ports[i].port);
        stk_bw_end(w);
    }
}
