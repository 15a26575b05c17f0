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
    /* Told of every file the policy's text comes from, as it is loaded (the
     * run cache, cli/run_cache.c): from = the including file's path as
     * shown (NULL: the main file), name = as written after `include` (the
     * main file: its path), path = what was read (NULL: a built-in library
     * file), and the text (NULL: a file already loaded, included again).
     * NULL: nobody is told. */
    void (*on_source)(void *ctx, const char *from, const char *name, const char *path, const char *text,
                      size_t len);
    void *on_source_ctx;
};

/* Where `include "name"` in the file from (NULL: none) resolves with opts:
 * a malloc'd path to read, or NULL with *builtin set to the built-in library
 * file's name (NULL: nowhere). */
char *stk_compile_find_include(const struct stk_compile_opts *opts, const char *from, const char *name,
                               const char **builtin);

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
