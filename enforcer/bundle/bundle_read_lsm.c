/* bundle_read_lsm.c — decode and validate the lsm records (bundle_lsm.h). */
#include <string.h>

#include "bundle/bundle_decode.h"
#include "lsm_level.h"

#define STEP "bundle"

static int read_selinux(struct stk_bcur *c, struct stk_bundle *b)
{
    struct stk_bundle_lsm *l = &b->lsm;
    if (l->selinux.present)
        return stk_errf(c->e, STEP, "duplicate SELINUX record");
    bool optional;
    uint8_t mode;
    uint32_t ncat;
    const char *type, *filetype, *level;
    if (stk_bc_bool(c, &optional, "selinux optional") < 0 || stk_bc_u8(c, &mode, "selinux level mode") < 0 ||
        stk_bc_zero(c, 2, "selinux") < 0 || stk_bc_u32(c, &ncat, "selinux categories") < 0 ||
        stk_bc_str(c, &type, STK_SELINUX_NAME_MAX, true, "selinux type") < 0 ||
        stk_bc_str(c, &filetype, STK_SELINUX_NAME_MAX, true, "selinux file type") < 0 ||
        stk_bc_str(c, &level, STK_LEVEL_MAX_LEN, false, "selinux level") < 0)
        return -1;
    if (mode != STK_SELINUX_LEVEL_AUTO && mode != STK_SELINUX_LEVEL_EXPLICIT)
        return stk_errf(c->e, STEP, "invalid selinux level mode %u", mode);
    if (ncat < 2 || ncat > STK_MCS_MAX_CATEGORIES)
        return stk_errf(c->e, STEP, "invalid selinux category count %u (2 to %u)", ncat, STK_MCS_MAX_CATEGORIES);
    if (!stk_selinux_name_ok(type))
        return stk_errf(c->e, STEP, "invalid selinux type '%s'", type);
    if (!stk_selinux_name_ok(filetype) || strcmp(type, filetype) == 0)
        return stk_errf(c->e, STEP, "invalid selinux file type '%s'", filetype);
    if (mode == STK_SELINUX_LEVEL_AUTO) {
        if (level[0])
            return stk_errf(c->e, STEP, "selinux level given with level mode auto");
        level = NULL;
    } else {
        struct stk_level_err err;
        if (stk_level_check(level, ncat, &err) < 0)
            return stk_errf(c->e, STEP, "invalid selinux level '%s': %s", level, err.msg);
    }
    l->present = true;
    l->selinux.present = true;
    l->selinux.optional = optional;
    l->selinux.level_auto = mode == STK_SELINUX_LEVEL_AUTO;
    l->selinux.categories = ncat;
    l->selinux.type = type;
    l->selinux.filetype = filetype;
    l->selinux.level = level;
    return 0;
}

static int read_apparmor(struct stk_bcur *c, struct stk_bundle *b)
{
    struct stk_bundle_lsm *l = &b->lsm;
    if (l->apparmor.present)
        return stk_errf(c->e, STEP, "duplicate APPARMOR record");
    bool optional, generated;
    const char *name;
    if (stk_bc_bool(c, &optional, "apparmor optional") < 0 || stk_bc_bool(c, &generated, "apparmor generated") < 0 ||
        stk_bc_zero(c, 2, "apparmor") < 0 || stk_bc_str(c, &name, STK_APPARMOR_NAME_MAX, true, "apparmor profile") < 0)
        return -1;
    if (!stk_apparmor_name_ok(name))
        return stk_errf(c->e, STEP, "invalid apparmor profile name '%s'", name);
    l->present = true;
    l->apparmor.present = true;
    l->apparmor.optional = optional;
    l->apparmor.generated = generated;
    l->apparmor.profile = name;
    return 0;
}

int stk_bundle_read_lsm(struct stk_bcur *c, uint16_t type, struct stk_bundle *b)
{
    struct stk_bundle_lsm *l = &b->lsm;
    switch (type) {
    case STK_REC_SELINUX:
        return read_selinux(c, b);
    case STK_REC_APPARMOR:
        return read_apparmor(c, b);
    case STK_REC_APPARMOR_BINARY: {
        uint32_t n;
        if (l->apparmor.binary)
            return stk_errf(c->e, STEP, "duplicate APPARMOR_BINARY record");
        if (stk_bc_u32(c, &n, "apparmor binary") < 0)
            return -1;
        if (n == 0 || n > STK_BUNDLE_MAX_LSM_BLOB)
            return stk_errf(c->e, STEP, "apparmor binary of %u bytes (1 to %u)", n, STK_BUNDLE_MAX_LSM_BLOB);
        if (stk_bc_need(c, n, "apparmor binary") < 0)
            return -1;
        l->apparmor.binary = c->p;
        l->apparmor.binary_len = n;
        c->p += n;
        return 0;
    }
    case STK_REC_SELINUX_CIL:
        if (l->selinux.cil)
            return stk_errf(c->e, STEP, "duplicate SELINUX_CIL record");
        return stk_bc_str(c, &l->selinux.cil, STK_BUNDLE_MAX_LSM_BLOB, true, "selinux CIL module");
    default:
        return stk_errf(c->e, STEP, "unknown record type 0x%04x", type);
    }
}

int stk_bundle_check_lsm(const struct stk_bundle *b, struct stk_err *e)
{
    const struct stk_bundle_lsm *l = &b->lsm;
    if (l->apparmor.binary && !l->apparmor.present)
        return stk_errf(e, STEP, "APPARMOR_BINARY record without an APPARMOR record");
    if (l->apparmor.binary && !l->apparmor.generated)
        return stk_errf(e, STEP, "APPARMOR_BINARY record for a profile the policy does not generate");
    if (l->selinux.cil && !l->selinux.present)
        return stk_errf(e, STEP, "SELINUX_CIL record without a SELINUX record");
    return 0;
}

void stk_bundle_free_lsm(struct stk_bundle *b)
{
    (void)b; /* everything points into the bundle's copy */
}

void stk_bundle_print_lsm(const struct stk_bundle *b, int *step, FILE *out)
{
    const struct stk_bundle_lsm *l = &b->lsm;
    if (l->selinux.present) {
        fprintf(out, "%2d. selinux: exec as type %s at level ", ++*step, l->selinux.type);
        if (l->selinux.level_auto)
            fprintf(out, "auto (a unique pair s0:cX,cY of c0..c%u, reserved under /run/stockade/mcs)",
                    l->selinux.categories - 1);
        else
            fputs(l->selinux.level, out);
        fprintf(out, "; private mounts labelled %s%s%s\n", l->selinux.filetype,
                l->selinux.cil ? "; carries its CIL module" : "",
                l->selinux.optional ? " (optional: skipped with a warning without SELinux)" : "");
    }
    if (l->apparmor.present)
        fprintf(out, "%2d. apparmor: change profile on exec to %s (%s)%s%s\n", ++*step, l->apparmor.profile,
                l->apparmor.generated ? "generated from the policy" : "an existing profile",
                l->apparmor.binary ? "; loads its compiled profile first" : "",
                l->apparmor.optional ? " (optional: skipped with a warning without AppArmor)" : "");
}
