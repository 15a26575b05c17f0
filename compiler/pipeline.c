/* pipeline.c — source to IR in one call: load (with includes), pick the
 * policy, resolve it.  Used by every command. */
#include "pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "front/embedded.h"
#include "sema/sema.h"
#include "sema/sema_test.h"
#include "util.h"

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

static struct stk_policy_ir *finish(struct stk_unit *u, const struct stk_compile_opts *opts)
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

struct stk_policy_ir *stk_compile_file(const char *path, const struct stk_compile_opts *opts,
                                       struct stk_diags *ds)
{
    struct stk_unit u = {.ds = ds, .opts = opts};
    stk_unit_load_file(&u, path);
    return finish(&u, opts);
}

struct stk_policy_ir *stk_compile_text(const char *name, const char *text, size_t len,
                                       const struct stk_compile_opts *opts, struct stk_diags *ds)
{
    struct stk_unit u = {.ds = ds, .opts = opts};
    stk_unit_load_text(&u, name, text, len);
    return finish(&u, opts);
}

bool stk_check_file(const char *path, const struct stk_compile_opts *opts, struct stk_diags *ds)
{
    size_t before = ds->nerrors;
    struct stk_unit u = {.ds = ds, .opts = opts};
    if (stk_unit_load_file(&u, path)) {
        /* Every group of the main file, even unused ones, and every policy. */
        for (size_t i = 0; i < u.ngroups; i++)
            if (u.groups[i].item->loc.file == u.files[0]->file)
                stk_group_expand(&u, &u.groups[i]);
        bool any = false;
        for (size_t i = 0; i < u.npolicies; i++) {
            if (!u.policies[i].in_main)
                continue;
            any = true;
            stk_policy_ir_free(stk_policy_resolve(&u, &u.policies[i]));
        }
        (void)any; /* a file of only groups is fine to check */
        stk_tests_check(&u); /* test blocks: checked, not run */
    }
    stk_unit_free(&u);
    return ds->nerrors == before;
}

struct stk_policy_ir *stk_compile_default(struct stk_diags *ds)
{
    const struct stk_embedded_file *f = stk_embedded_find("default.stk");
    if (!f) {
        stk_error(ds, "internal", (struct stk_loc){0}, "the built-in default policy is missing from this build");
        return NULL;
    }
    return stk_compile_text("builtin:default.stk", f->data, f->len, NULL, ds);
}
