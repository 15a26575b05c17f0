/* compile.h — the front end in one call (compile.c): source -> IR. */
#ifndef STK_COMPILE_H
#define STK_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "ir/ir.h"

struct stk_compile_opts {
    const char *policy_name;  /* which policy of the file; NULL = the last one defined in it */
    const char **include_dirs; /* searched after the including file's directory, before the built-in library */
    size_t ninclude_dirs;
};

struct stk_unit;
/* Load path ("-" = stdin; NULL = the built-in default policy) into u. */
bool stk_compile_load(struct stk_unit *u, const char *path);
/* The selected policy's IR (opts->policy_name, else the last one of the main
 * file), or NULL if u's sink holds errors (loading included).  Frees u. */
struct stk_policy_ir *stk_compile_unit(struct stk_unit *u, const struct stk_compile_opts *opts);

/* Parse, resolve and lint a policy file (path "-" = stdin), or text, or the
 * built-in default policy (policies/default.stk, embedded at build time).
 * Returns the selected policy's IR, or NULL if there were errors.  The front
 * end only: commands go through stk_pipeline() (pipeline.h). */
struct stk_policy_ir *stk_compile_file(const char *path, const struct stk_compile_opts *opts,
                                       struct stk_diags *ds);
struct stk_policy_ir *stk_compile_text(const char *name, const char *text, size_t len,
                                       const struct stk_compile_opts *opts, struct stk_diags *ds);
struct stk_policy_ir *stk_compile_default(struct stk_diags *ds);

#endif
