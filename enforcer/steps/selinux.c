/* selinux.c — SELinux exec context and sVirt level (lsm.h, libselinux). */
#include <errno.h>
#include <selinux/context.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steps/lsm.h"
#include "lsm_level.h"

#define STEP "selinux"

/* user:role:type:level from the current context with type, role (NULL:
 * keep) and level replaced. */
static int compose(const char *cur, const char *role, const char *type, const char *level, char *out, size_t n,
                   struct stk_err *e)
{
    context_t c = context_new(cur);
    if (!c)
        return stk_errnof(e, STEP, errno, "cannot parse our own context '%s'", cur);
    int rc = 0;
    if ((role && context_role_set(c, role)) || context_type_set(c, type) || context_range_set(c, level)) {
        rc = stk_errnof(e, STEP, errno, "cannot build a context from '%s'", cur);
    } else {
        const char *s = context_str(c);
        if (!s || strlen(s) >= n)
            rc = stk_errf(e, STEP, "context from '%s' too long", cur);
        else
            memcpy(out, s, strlen(s) + 1);
    }
    context_free(c);
    return rc;
}

int stk_selinux_prepare(const struct stk_bundle *b, struct stk_lsm_plan *p, struct stk_err *e)
{
    const char *lvl = b->lsm.selinux.level;
    char pair[64];
    if (b->lsm.selinux.level_auto) {
        char dir[256];
        if (stk_mcs_default_dir(dir, sizeof dir, e) < 0 || stk_mcs_alloc(dir, b->lsm.selinux.categories, &p->mcs, e) < 0)
            return -1;
        if (stk_level_pair(pair, sizeof pair, p->mcs.c1, p->mcs.c2) < 0)
            return stk_errf(e, STEP, "level too long");
        lvl = pair;
    }
    char *cur = NULL;
    if (getcon(&cur) < 0 || !cur)
        return stk_errnof(e, STEP, errno, "getcon");
    int rc = compose(cur, NULL, b->lsm.selinux.type, lvl, p->exec_ctx, sizeof p->exec_ctx, e);
    if (rc == 0)
        rc = compose(cur, "object_r", b->lsm.selinux.filetype, lvl, p->file_ctx, sizeof p->file_ctx, e);
    if (rc == 0 && security_check_context(p->exec_ctx) < 0)
        rc = stk_errf(e, STEP,
                      "the loaded policy does not accept the context %s (from ours, %s): load the policy's module "
                      "(stockade compile --emit=selinux-cil) and check the caller's role may enter type %s",
                      p->exec_ctx, cur, b->lsm.selinux.type);
    if (rc == 0 && security_check_context(p->file_ctx) < 0)
        rc = stk_errf(e, STEP, "the loaded policy does not accept the file context %s: load the policy's module",
                      p->file_ctx);
    /* The kernel's spelling (e.g. c1,c2,c3 -> c1.c3), to compare what reads back. */
    char *canon = NULL;
    if (rc == 0 && security_canonicalize_context(p->exec_ctx, &canon) == 0 && canon) {
        if (strlen(canon) < sizeof p->exec_ctx)
            memcpy(p->exec_ctx, canon, strlen(canon) + 1);
        freecon(canon);
    }
    freecon(cur);
    if (rc < 0)
        return -1;
    p->selinux = true;
    return 0;
}

int stk_selinux_apply(const struct stk_lsm_plan *p, struct stk_err *e)
{
    /* Checked again right before use: the policy may have been reloaded since. */
    if (security_check_context(p->exec_ctx) < 0)
        return stk_errf(e, STEP, "the loaded policy no longer accepts %s", p->exec_ctx);
    if (setexeccon(p->exec_ctx) < 0)
        return stk_errnof(e, STEP, errno, "setexeccon %s", p->exec_ctx);
    char *got = NULL;
    if (getexeccon(&got) < 0 || !got || strcmp(got, p->exec_ctx) != 0) {
        int rc = stk_errf(e, STEP, "the exec context reads back as '%s', not %s", got ? got : "(none)", p->exec_ctx);
        freecon(got);
        return rc;
    }
    freecon(got);
    return 0;
}
