/* compile.c — the front end in one call: load a policy file (with its
 * includes), pick the policy, resolve it to IR.  The pipeline (pipeline.c)
 * starts with these; tests and benchmarks use them alone. */
#include "compile.h"

#include "front/embedded.h"
#include "sema/sema.h"

/* The policy a command works on: the one named, or the last one defined in
 * the main file itself (not in an include). */
static struct stk_policy_sym *select_policy(struct stk_unit *u, const struct stk_compile_opts *opts)
{
    if (opts && opts->policy_name) {
        struct stk_policy_sym *p = stk_unit_policy(u, opts->policy_name);
        if (!p) {
            struct stk_loc none = {.file = u->files[0]->file};
            stk_error(u->ds, "unknown-policy", none, "no policy named '%s'", opts->policy_name);
        }
        return p;
    }
    struct stk_policy_sym *last = NULL;
    for (size_t i = 0; i < u->npolicies; i++)
        if (u->policies[i].in_main)
            last = &u->policies[i];
    if (!last) {
        struct stk_loc none = {.file = u->files[0]->file};
        stk_error(u->ds, "no-policy", none, "no policy is defined in this file");
    }
    return last;
}

struct stk_policy_ir *stk_compile_unit(struct stk_unit *u, const struct stk_compile_opts *opts)
{
    struct stk_policy_ir *ir = NULL;
    if (u->nfiles > 0) {
        struct stk_policy_sym *p = select_policy(u, opts);
        if (p)
            ir = stk_policy_resolve(u, p);
    }
    if (u->ds->nerrors > 0) {
        stk_policy_ir_free(ir);
        ir = NULL;
    }
    stk_unit_free(u);
    return ir;
}

bool stk_compile_load(struct stk_unit *u, const char *path)
{
    if (path)
        return stk_unit_load_file(u, path);
    const struct stk_embedded_file *f = stk_embedded_find("default.stk");
    if (!f) {
        stk_error(u->ds, "internal", (struct stk_loc){0}, "the built-in default policy is missing from this build");
        return false;
    }
    return stk_unit_load_text(u, "builtin:default.stk", f->data, f->len);
}


struct stk_policy_ir *stk_compile_file(const char *path, const struct stk_compile_opts *opts,
                                       struct stk_diags *ds)
{
    struct stk_unit u = {.ds = ds, .opts = opts};
    stk_unit_load_file(&u, path);
    return stk_compile_unit(&u, opts);
}

struct stk_policy_ir *stk_compile_text(const char *name, const char *text, size_t len,
                                       const struct stk_compile_opts *opts, struct stk_diags *ds)
{
    struct stk_unit u = {.ds = ds, .opts = opts};
    stk_unit_load_text(&u, name, text, len);
    return stk_compile_unit(&u, opts);
}

struct stk_policy_ir *stk_compile_default(struct stk_diags *ds)
{
    struct stk_unit u = {.ds = ds};
    stk_compile_load(&u, NULL);
    return stk_compile_unit(&u, NULL);
}
