/* pipeline.c — every stage a policy goes through, in one place: the front
 * end (compile.c: load with includes, pick the policy, resolve it to IR),
 * then the back ends (seccomp program, CIL module, AppArmor profile, LSM
 * embedding, bundle).  Used by every command; all of them report into one
 * diagnostics sink. */
#include "pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_write.h"
#include "lsm/emit_lsm.h"
#include "lsm/lsm_embed.h"
#include "sema/sema.h"
#include "sema/sema_test.h"
#include "util.h"

/* The AppArmor profile's name, or NULL when the policy has none to generate. */
static const char *apparmor_name(const struct stk_policy_ir *ir, bool always, char **owned)
{
    const struct stk_apparmor_ir *aa = &ir->lsm.apparmor;
    *owned = NULL;
    if (aa->present)
        return aa->generate ? aa->profile : NULL;
    if (!always)
        return NULL;
    *owned = stk_xasprintf("stockade-%s", ir->name);
    return *owned;
}

/* The back ends, for one resolved policy.  A stage whose input failed is
 * skipped; the others still run, so that one pass reports every problem. */
static bool back_ends(struct stk_policy_ir *ir, const struct stk_pipeline_req *req, struct stk_diags *ds,
                      struct stk_pipeline_out *b)
{
    size_t before = ds->nerrors;
    char err[512];
    const struct stk_loc at = ir->loc;
    /* Always a filter: without a seccomp block it still refuses the
     * terminal-injection ioctls (TIOCSTI/TIOCLINUX). */
    bool have_prog = stk_bpf_generate(ir, &b->prog, err, sizeof err) == 0;
    if (!have_prog)
        stk_error(ds, "program-too-large", at, "%s", err);
    if (ir->lsm.selinux.present)
        stk_emit_selinux_cil(ir, &b->cil);
    char *owned;
    const char *aa = apparmor_name(ir, req->apparmor_always, &owned);
    if (aa && stk_emit_apparmor(ir, aa, &b->apparmor, err, sizeof err) != 0)
        stk_error(ds, "lsm-emit", ir->lsm.apparmor.present ? ir->lsm.apparmor.loc : at, "%s", err);
    free(owned);
    if (ds->nerrors > before)
        return false;
    struct stk_export_req ex = {req->export_kind, req->lossy, &b->cil, &b->apparmor};
    if (!stk_export(ir, &ex, ds, &b->exported))
        return false;
    if (req->embed_lsm &&
        stk_lsm_embed(ir, req->apparmor_features ? req->apparmor_features : stk_lsm_embed_default_features(), err,
                      sizeof err) < 0) {
        stk_error(ds, "lsm-embed", at, "--embed-lsm: %s", err);
        return false;
    }
    stk_bundle_write(ir, &b->prog, &b->bundle);
    if (stk_bundle_write_check(&b->bundle, err, sizeof err) < 0) {
        stk_error(ds, "bundle-too-large", at, "%s", err);
        stk_buf_free(&b->bundle);
        return false;
    }
    return true;
}

/* `check`: every group of the main file, even unused ones, and every policy
 * defined in it, through every stage. */
static void every_policy(struct stk_unit *u, const struct stk_pipeline_req *req, struct stk_diags *ds)
{
    for (size_t i = 0; i < u->ngroups; i++)
        if (u->groups[i].item->loc.file == u->files[0]->file)
            stk_group_expand(u, &u->groups[i]);
    for (size_t i = 0; i < u->npolicies; i++) {
        if (!u->policies[i].in_main)
            continue;
        size_t before = ds->nerrors;
        struct stk_policy_ir *ir = stk_policy_resolve(u, &u->policies[i]);
        struct stk_pipeline_out b = {0};
        if (ir && ds->nerrors == before)
            back_ends(ir, req, ds, &b);
        stk_pipeline_out_free(&b);
        stk_policy_ir_free(ir);
    }
    /* a file of only groups is fine to check */
    stk_tests_check(u); /* test blocks: checked, not run */
}

bool stk_pipeline(const struct stk_pipeline_req *req, struct stk_diags *ds, struct stk_pipeline_out *out)
{
    size_t before = ds->nerrors;
    struct stk_unit u = {.ds = ds, .opts = req->opts};
    if (req->every_policy) {
        if (stk_compile_load(&u, req->path))
            every_policy(&u, req, ds);
        stk_unit_free(&u);
        return ds->nerrors == before;
    }
    memset(out, 0, sizeof *out);
    stk_compile_load(&u, req->path);
    out->ir = stk_compile_unit(&u, req->opts);
    if (!out->ir)
        return false;
    return back_ends(out->ir, req, ds, out);
}

void stk_pipeline_out_free(struct stk_pipeline_out *b)
{
    stk_policy_ir_free(b->ir);
    stk_bpf_prog_free(&b->prog);
    stk_buf_free(&b->cil);
    stk_buf_free(&b->apparmor);
    stk_buf_free(&b->bundle);
    stk_buf_free(&b->exported);
    memset(b, 0, sizeof *b);
}

bool stk_pipeline_check_file(const char *path, const struct stk_compile_opts *opts, struct stk_diags *ds)
{
    struct stk_pipeline_req req = {.path = path, .opts = opts, .every_policy = true};
    return stk_pipeline(&req, ds, NULL);
}
