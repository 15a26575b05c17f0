/* sema.c — what every directive handler shares: argument checks, the
 * "unknown NAME" errors with their "did you mean" hint (the closest name by
 * the one rule of common/edit_distance.c), and the bundle's bounds. */
#include <stdlib.h>

#include "edit_distance.h"
#include "sema/sema.h"
#include "syscalls.h"
#include "util.h"

void stk_sema_suggest(struct stk_unit *u, const char *code, struct stk_loc loc, const char *what,
                      const char *name, const char *const *known, size_t nknown)
{
    const char *best = stk_closest_name(name, known, nknown);
    char *hint = best ? stk_xasprintf("did you mean '%s'?", best) : NULL;
    stk_diag(u->ds, STK_SEV_ERROR, code, loc, hint, "unknown %s '%s'", what, name);
    free(hint);
}

bool stk_sema_want_args(struct stk_unit *u, const struct stk_stmt *s, size_t min, size_t max)
{
    if (s->args.n >= min && s->args.n <= max)
        return true;
    if (s->args.n < min)
        stk_error(u->ds, "bad-arguments", s->loc, "'%s' needs %s%zu argument%s", s->name,
                  min == max ? "" : "at least ", min, min == 1 ? "" : "s");
    else
        stk_error(u->ds, "bad-arguments", s->args.v[max].loc, "too many arguments to '%s' (at most %zu)",
                  s->name, max);
    return false;
}

bool stk_sema_want_block(struct stk_unit *u, const struct stk_stmt *s, const char *hint)
{
    if (!stk_sema_want_args(u, s, 0, 0))
        return false;
    if (s->has_block)
        return true;
    stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", s->loc, hint, "'%s' takes a block", s->name);
    return false;
}

bool stk_sema_no_block(struct stk_unit *u, const struct stk_stmt *s)
{
    if (!s->has_block)
        return true;
    stk_error(u->ds, "unexpected-block", s->loc, "'%s' does not take a block", s->name);
    return false;
}

void stk_sema_unknown_syscall(struct stk_unit *u, const char *name, struct stk_loc loc)
{
    const char *s = stk_syscall_suggest(name);
    if (s) {
        char *hint = stk_xasprintf("did you mean '%s'?", s);
        stk_diag(u->ds, STK_SEV_ERROR, "unknown-syscall", loc, hint, "unknown syscall '%s'", name);
        free(hint);
    } else {
        stk_error(u->ds, "unknown-syscall", loc, "unknown syscall '%s'", name);
    }
}

void stk_sema_unknown_group(struct stk_unit *u, const char *name, struct stk_loc loc)
{
    /* The search below is linear in the number of groups: once the file's
     * errors are no longer recorded, skip it (100,000 unknown references to
     * 100,000 groups would otherwise take minutes). */
    if (stk_diags_file_full(u->ds, loc)) {
        stk_error(u->ds, "unknown-group", loc, "unknown group '@%s'", name);
        return;
    }
    struct stk_closest c;
    stk_closest_init(&c, name);
    for (size_t i = 0; i < u->ngroups; i++)
        stk_closest_offer(&c, u->groups[i].item->name);
    const char *best = c.best;
    char *hint = NULL;
    if (best)
        hint = stk_xasprintf("did you mean '@%s'?", best);
    else if (!stk_unit_group(u, "system-service"))
        hint = stk_xstrdup("the standard groups need: include \"groups.stk\"");
    stk_diag(u->ds, STK_SEV_ERROR, "unknown-group", loc, hint, "unknown group '@%s'", name);
    free(hint);
}

bool stk_sema_fits(struct stk_unit *u, const char *code, struct stk_loc loc, const char *what, size_t len,
                   size_t max)
{
    if (len <= max)
        return true;
    stk_diag(u->ds, STK_SEV_ERROR, code, loc, NULL, "%s of %zu bytes: the limit is %zu", what, len, max);
    return false;
}

bool stk_sema_count_ok(struct stk_unit *u, struct stk_loc loc, size_t n, size_t max, const char *what)
{
    if (n < max)
        return true;
    if (n == max)
        stk_error(u->ds, "too-many", loc, "more than %zu %s", max, what);
    return false;
}
