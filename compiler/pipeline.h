/* pipeline.h — the compiler pipeline in one call each: source -> IR -> outputs.
 * Commands (check, compile, run, sim, explain) are thin layers over these. */
#ifndef STK_PIPELINE_H
#define STK_PIPELINE_H

#include <stdbool.h>

#include "seccomp/bpf_gen.h"
#include "diag.h"
#include "ir/ir.h"

struct stk_compile_opts {
    const char *policy_name;  /* which policy of the file; NULL = the last one defined in it */
    const char **include_dirs; /* searched after the including file's directory, before the built-in library */
    size_t ninclude_dirs;
};

/* Parse, resolve and lint a policy file (path "-" = stdin).  Diagnostics go to ds.
 * Returns the selected policy's IR, or NULL if there were errors. */
struct stk_policy_ir *stk_compile_file(const char *path, const struct stk_compile_opts *opts,
                                       struct stk_diags *ds);
/* Same for a policy given as text (used for the built-in default policy and tests). */
struct stk_policy_ir *stk_compile_text(const char *name, const char *text, size_t len,
                                       const struct stk_compile_opts *opts, struct stk_diags *ds);
/* Check every policy of a file (for `stockade check`); returns true if no errors. */
bool stk_check_file(const char *path, const struct stk_compile_opts *opts, struct stk_diags *ds);

/* The built-in default policy (policies/default.stk, embedded at build time). */
struct stk_policy_ir *stk_compile_default(struct stk_diags *ds);

#endif
