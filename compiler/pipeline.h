/* pipeline.h — the compiler pipeline: source -> AST -> IR -> back ends
 * (seccomp program, SELinux CIL module, AppArmor profile, LSM embedding,
 * bundle).  Every command (check, compile, run, sim, explain) goes through
 * stk_pipeline(), so `check` finds everything `compile` would: every stage,
 * back ends included, reports into the one diagnostics sink. */
#ifndef STK_PIPELINE_H
#define STK_PIPELINE_H

#include <stdbool.h>

#include "compile.h"
#include "diag.h"
#include "export/export.h"
#include "ir/ir.h"
#include "seccomp/bpf_gen.h"
#include "util.h"

/* What a command asks of the pipeline.  The stages a policy needs always run
 * (seccomp code generation; the CIL module for a selinux block; the AppArmor
 * profile for a generated one; the bundle); the flags add the optional ones. */
struct stk_pipeline_req {
    const char *path;        /* policy file, "-" = stdin; NULL: the built-in default policy */
    const struct stk_compile_opts *opts;
    bool every_policy;       /* `check`: every group and every policy of the file; no outputs kept */
    bool apparmor_always;    /* a profile even without an apparmor statement (compile --emit=apparmor) */
    bool embed_lsm;          /* compile --embed-lsm: CIL module and compiled profile into the bundle */
    const char *apparmor_features; /* for embed_lsm; NULL = stk_lsm_embed_default_features() */
    enum stk_export_kind export_kind; /* compile --emit=oci-seccomp, oci-bpf, k8s (export/export.h) */
    bool lossy;              /* compile --lossy: approximate what an export cannot say */
};

/* The outputs of one policy (not filled for every_policy). */
struct stk_pipeline_out {
    struct stk_policy_ir *ir;
    struct stk_bpf_prog prog;
    struct stk_buf cil;      /* the CIL module (policies with a selinux block) */
    struct stk_buf apparmor; /* the AppArmor profile (generated profiles, or apparmor_always) */
    struct stk_buf bundle;
    struct stk_buf exported; /* the export asked for with export_kind */
};

/* Run every stage; diagnostics go to ds (back-end failures as errors at the
 * policy's location, codes program-too-large, lsm-emit, lsm-embed,
 * bundle-too-large).  Returns
 * true when there were no errors; out (may be NULL with every_policy) then
 * holds the outputs.  Free out with stk_pipeline_out_free either way. */
bool stk_pipeline(const struct stk_pipeline_req *req, struct stk_diags *ds, struct stk_pipeline_out *out);
void stk_pipeline_out_free(struct stk_pipeline_out *b);

/* stk_pipeline with every_policy (`stockade check`); returns true if no errors. */
bool stk_pipeline_check_file(const char *path, const struct stk_compile_opts *opts, struct stk_diags *ds);

#endif
