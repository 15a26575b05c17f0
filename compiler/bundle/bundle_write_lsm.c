/* bundle_write_lsm.c — the lsm records of a bundle (common/bundle_lsm.h). */
#include "bundle/bw.h"
#include "bundle_format.h"
#include "bundle_lsm.h"

#include <string.h>

void stk_bundle_write_lsm(struct stk_bwriter *w, const struct stk_policy_ir *ir)
{
    const struct stk_lsm_ir *l = &ir->lsm;
    if (l->selinux.present) {
        const struct stk_selinux_ir *s = &l->selinux;
        stk_bw_begin(w, STK_REC_SELINUX);
        stk_bw_u8(w, s->optional);
        stk_bw_u8(w, s->level_auto ? STK_SELINUX_LEVEL_AUTO : STK_SELINUX_LEVEL_EXPLICIT);
        stk_bw_u16(w, 0);
        stk_bw_u32(w, s->categories);
        stk_bw_str(w, s->type);
        stk_bw_str(w, s->filetype);
        stk_bw_str(w, s->level_auto ? "" : s->level);
        stk_bw_end(w);
        if (l->embed_cil)
            stk_bw_rec_str(w, STK_REC_SELINUX_CIL, l->embed_cil);
    }
    if (l->apparmor.present) {
        stk_bw_begin(w, STK_REC_APPARMOR);
        stk_bw_u8(w, l->apparmor.optional);
        stk_bw_u8(w, l->apparmor.generate);
        stk_bw_u16(w, 0);
        stk_bw_str(w, l->apparmor.profile);
        stk_bw_end(w);
        if (l->embed_aa && l->embed_aa_len) {
            stk_bw_begin(w, STK_REC_APPARMOR_BINARY);
            stk_bw_u32(w, (uint32_t)l->embed_aa_len);
            stk_bw_bytes(w, l->embed_aa, l->embed_aa_len);
            stk_bw_end(w);
        }
    }
}
