/* sema_misfit.c — one finding for a condition that does not fit several of
 * the calls its rule names.  `allow @basic-io if fd < 3` is resolved once per
 * call of the group; a name that is no argument of nine of them would give
 * nine near-identical errors.  The errors each call's resolution reports are
 * taken back and grouped by (code, place): a group of one is reported as it
 * was, a larger one once, naming the calls it concerns. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"
#include "syscalls.h"
#include "util.h"

struct misfit {
    const char *code;
    struct stk_loc loc;
    char *message, *hint; /* the first call's */
    int *calls;
    size_t ncalls, capcalls;
};

void stk_misfits_take(struct stk_unit *u, struct stk_misfits *m, size_t mark, int syscall)
{
    struct stk_diags *ds = u->ds;
    if (ds->nd <= mark)
        return;
    for (size_t i = mark; i < ds->nd; i++)
        if (ds->d[i].sev != STK_SEV_ERROR || ds->d[i].parent || stk_diags_file_full(ds, ds->d[i].loc))
            return; /* notes, warnings or a full file: left as they are */
    for (size_t i = mark; i < ds->nd; i++) {
        const struct stk_diag *d = &ds->d[i];
        struct misfit *f = NULL;
        for (size_t k = 0; k < m->n && !f; k++) {
            struct misfit *o = &((struct misfit *)m->v)[k];
            if (strcmp(o->code, d->code) == 0 && o->loc.file == d->loc.file && o->loc.line == d->loc.line &&
                o->loc.col == d->loc.col)
                f = o;
        }
        if (!f) {
            stk_grow(&m->v, &m->cap, m->n + 1, sizeof(struct misfit));
            f = &((struct misfit *)m->v)[m->n++];
            *f = (struct misfit){d->code, d->loc, stk_xstrdup(d->message), d->hint ? stk_xstrdup(d->hint) : NULL,
                                 NULL, 0, 0};
        }
        if (!f->ncalls || f->calls[f->ncalls - 1] != syscall)
            STK_PUSH(f->calls, f->ncalls, f->capcalls, syscall);
    }
    stk_diags_truncate(ds, mark);
}

/* The text the diagnostic points at (the name in the condition). */
static char *loc_text(const struct stk_diags *ds, struct stk_loc loc)
{
    const struct stk_source *s = stk_diags_source(ds, loc.file);
    if (!s || loc.line == 0 || loc.line > s->nlines || loc.end_col < loc.col)
        return NULL;
    size_t at = s->line_off[loc.line - 1] + loc.col - 1, len = loc.end_col - loc.col + 1;
    return at + len <= s->len ? stk_xstrndup(s->text + at, len) : NULL;
}

void stk_misfits_report(struct stk_unit *u, struct stk_misfits *m, size_t ncalls)
{
    for (size_t k = 0; k < m->n; k++) {
        struct misfit *f = &((struct misfit *)m->v)[k];
        if (f->ncalls == 1) {
            stk_diag(u->ds, STK_SEV_ERROR, f->code, f->loc, f->hint, "%s", f->message);
        } else {
            struct stk_buf list = {0};
            for (size_t i = 0; i < f->ncalls; i++)
                stk_buf_printf(&list, "%s%s", i ? ", " : "", stk_syscall_table[f->calls[i]].name);
            char *name = strcmp(f->code, "unknown-name") == 0 ? loc_text(u->ds, f->loc) : NULL;
            if (name && f->ncalls == ncalls)
                stk_diag(u->ds, STK_SEV_ERROR, f->code, f->loc, f->hint,
                         "'%s' is not an argument of any of the rule's calls (%s)", name, list.data);
            else if (name)
                stk_diag(u->ds, STK_SEV_ERROR, f->code, f->loc,
                         "a condition must fit every call of its rule: give these calls a rule of their own, "
                         "or name the argument by position (arg0..arg5)",
                         "'%s' is not an argument of %zu of the rule's %zu calls: %s", name, f->ncalls, ncalls,
                         list.data);
            else
                stk_diag(u->ds, STK_SEV_ERROR, f->code, f->loc, f->hint, "%s (and likewise for %zu of the rule's "
                         "%zu calls: %s)", f->message, f->ncalls, ncalls, list.data);
            free(name);
            stk_buf_free(&list);
        }
        free(f->message);
        free(f->hint);
        free(f->calls);
    }
    free(m->v);
    *m = (struct stk_misfits){0};
}
