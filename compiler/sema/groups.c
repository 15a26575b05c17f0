/* groups.c — expanding `group @name { ... }` definitions into syscalls,
 * with cycle detection. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"
#include "syscalls.h"
#include "util.h"

static void add_member(struct stk_group_sym *g, int sc, struct stk_loc loc)
{
    for (size_t i = 0; i < g->nmembers; i++)
        if (g->members[i].syscall == sc)
            return;
    struct stk_group_member m = {sc, loc};
    STK_PUSH(g->members, g->nmembers, g->capmembers, m);
}

/* Groups may contain groups; this bounds the recursion below (a 200,000-deep
 * chain of groups used to exhaust the stack). */
#define STK_MAX_GROUP_DEPTH 64

static bool expand(struct stk_unit *u, struct stk_group_sym *g, unsigned depth)
{
    if (g->state == 2)
        return true;
    if (g->state == 1) {
        stk_error(u->ds, "group-cycle", g->item->name_loc, "group '@%s' contains itself", g->item->name);
        return false;
    }
    g->state = 1;
    bool ok = true;
    const struct stk_words *w = &g->item->members;
    for (size_t i = 0; i < w->n; i++) {
        const struct stk_word *m = &w->v[i];
        if (m->kind == STK_W_GROUP) {
            struct stk_group_sym *sub = stk_unit_group(u, m->text);
            if (!sub) {
                stk_sema_unknown_group(u, m->text, m->loc);
                ok = false;
                continue;
            }
            if (sub->state == 1) {
                stk_error(u->ds, "group-cycle", m->loc, "group '@%s' includes '@%s', which includes it back",
                          g->item->name, m->text);
                ok = false;
                continue;
            }
            if (depth + 1 >= STK_MAX_GROUP_DEPTH && sub->state == 0) {
                /* Reported once per unit: a long chain would repeat it for every link. */
                if (!u->group_depth_reported)
                    stk_diag(u->ds, STK_SEV_ERROR, "too-complex", m->loc, "flatten the chain of groups",
                             "groups nest more than %d levels deep here ('@%s' includes '@%s')",
                             STK_MAX_GROUP_DEPTH, g->item->name, m->text);
                u->group_depth_reported = true;
                ok = false;
                continue;
            }
            if (!expand(u, sub, depth + 1)) {
                ok = false;
                continue;
            }
            for (size_t j = 0; j < sub->nmembers; j++)
                add_member(g, sub->members[j].syscall, sub->members[j].loc);
        } else {
            int sc = stk_syscall_lookup(m->text);
            if (sc < 0) {
                stk_sema_unknown_syscall(u, m->text, m->loc);
                ok = false;
                continue;
            }
            add_member(g, sc, m->loc);
        }
    }
    g->state = 2;
    return ok;
}

bool stk_group_expand(struct stk_unit *u, struct stk_group_sym *g)
{
    return expand(u, g, 0);
}
