/* import_rules.c — what libseccomp makes of the rules an OCI/Docker profile
 * keeps, per syscall (the semantics runc and crun get from it, measured with
 * libseccomp 2.5 and pinned by tests/unit/test_import_equiv.c):
 *
 *   - rules are not ordered: an unconditional rule for a syscall wins over
 *     every conditional rule for it, wherever they stand;
 *   - conditional rules with one action are ORed, each one the AND of its
 *     comparisons, except that runc and crun make every comparison a rule
 *     of its own (ORed) when two of them are on the same argument;
 *   - a rule whose action is the default one changes nothing (runc skips it,
 *     libseccomp refuses it);
 *   - a name libseccomp does not know is dropped.
 *
 * What cannot be said as one first-match rule per syscall is refused:
 * unconditional rules with different actions (libseccomp keeps whichever it
 * added first, crun and runc disagree on the order), conditional rules with
 * different actions (libseccomp's outcome then depends on its argument tree,
 * not on anything the profile says). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_int.h"

void stk_import_warn(struct stk_buf *warn, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    if (!s)
        return;
    if (warn->len)
        stk_buf_puts(warn, "\n");
    stk_buf_puts(warn, s);
    free(s);
}

static bool exists_here(const struct imp_profile *p, int sc)
{
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (p->abis[a] && stk_syscall_table[sc].nr[a] != STK_NR_NONE)
            return true;
    return false;
}

static void add_name(char ***list, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], name) == 0)
            return;
    size_t cap = *n;
    STK_PUSH(*list, *n, cap, stk_xstrdup(name));
}

/* Per syscall while the rules are read. */
struct acc {
    size_t uncond; /* first unconditional rule + 1, 0 if none */
    size_t cond;   /* first conditional rule + 1 */
    const struct imp_rule **conds;
    size_t nconds;
};

static void add_cond(struct acc *a, const struct imp_rule *r)
{
    for (size_t i = 0; i < a->nconds; i++)
        if (a->conds[i] == r)
            return;
    size_t cap = a->nconds;
    STK_PUSH(a->conds, a->nconds, cap, r);
}

int stk_imp_plan(const struct imp_profile *p, struct imp_plan *plan, struct stk_buf *warn, char *err, size_t errlen)
{
    struct acc *acc = stk_xcalloc(stk_syscall_count, sizeof *acc);
    size_t *order = stk_xcalloc(stk_syscall_count, sizeof *order), norder = 0;
    char abuf[64], bbuf[64];
    int rc = -1;
    for (size_t i = 0; i < p->nrules; i++) {
        const struct imp_rule *r = &p->rules[i];
        if (stk_action_eq(r->action, p->def)) {
            stk_buf_printf(&plan->notes, "# %s (%s%s): the default action already; changes nothing\n", r->origin,
                           r->names[0], r->nnames > 1 ? ", ..." : "");
            continue;
        }
        for (size_t k = 0; k < r->nnames; k++) {
            int sc = stk_syscall_lookup(r->names[k]);
            if (sc < 0) {
                add_name(&plan->unknown, &plan->nunknown, r->names[k]);
                continue;
            }
            if (!exists_here(p, sc)) {
                add_name(&plan->elsewhere, &plan->nelsewhere, r->names[k]);
                continue;
            }
            struct acc *a = &acc[sc];
            if (!a->uncond && !a->cond)
                order[norder++] = (size_t)sc;
            if (r->ncmps == 0) {
                if (a->uncond && !stk_action_eq(p->rules[a->uncond - 1].action, r->action)) {
                    snprintf(err, errlen,
                             "%s and %s give %s two actions (%s, %s) without conditions; libseccomp keeps the one "
                             "added first and the runtimes add them in different orders: not imported",
                             p->rules[a->uncond - 1].origin, r->origin, r->names[k],
                             stk_action_str(p->rules[a->uncond - 1].action, abuf, sizeof abuf),
                             stk_action_str(r->action, bbuf, sizeof bbuf));
                    goto out;
                }
                if (!a->uncond)
                    a->uncond = i + 1;
            } else {
                if (a->cond && !stk_action_eq(p->rules[a->cond - 1].action, r->action)) {
                    snprintf(err, errlen,
                             "%s and %s give %s different actions (%s, %s) under conditions; libseccomp decides "
                             "where they overlap by the shape of its argument tree, not by the profile: not imported",
                             p->rules[a->cond - 1].origin, r->origin, r->names[k],
                             stk_action_str(p->rules[a->cond - 1].action, abuf, sizeof abuf),
                             stk_action_str(r->action, bbuf, sizeof bbuf));
                    goto out;
                }
                if (!a->cond)
                    a->cond = i + 1;
                add_cond(a, r);
            }
        }
    }
    plan->d = stk_xcalloc(norder ? norder : 1, sizeof *plan->d);
    for (size_t j = 0; j < norder; j++) {
        struct acc *a = &acc[order[j]];
        struct imp_decision *d = &plan->d[plan->n++];
        d->syscall = (int)order[j];
        if (a->uncond) {
            d->first = a->uncond - 1;
            d->action = p->rules[d->first].action;
            if (a->nconds) {
                stk_buf_printf(&plan->notes, "# %s: %s (unconditional) wins over %s (conditional)\n",
                               stk_syscall_table[d->syscall].name, p->rules[d->first].origin,
                               a->conds[0]->origin);
                if (!stk_action_eq(a->conds[0]->action, d->action))
                    stk_import_warn(warn, "%s: the conditional rule of %s never applies: %s decides it unconditionally",
                          stk_syscall_table[d->syscall].name, a->conds[0]->origin, p->rules[d->first].origin);
            }
            free(a->conds);
        } else {
            d->first = a->cond - 1;
            d->action = p->rules[d->first].action;
            d->conds = a->conds;
            d->nconds = a->nconds;
        }
        a->conds = NULL;
    }
    /* the rules every stockade policy gets (docs/language.md section 9) */
    struct stk_action eperm = {STK_ACT_ERRNO, 1}, keyctl = p->def;
    bool trace = p->def.kind == STK_ACT_TRACE;
    for (size_t j = 0; j < plan->n; j++) {
        if (strcmp(stk_syscall_table[plan->d[j].syscall].name, "keyctl") == 0)
            keyctl = plan->d[j].nconds ? (struct stk_action){STK_ACT_ALLOW, 0} : plan->d[j].action;
        trace |= plan->d[j].action.kind == STK_ACT_TRACE;
    }
    if (!stk_action_eq(keyctl, eperm))
        stk_import_warn(warn, "keyctl(KEYCTL_SESSION_TO_PARENT) fails with EPERM under every stockade policy; the profile "
                    "decides it otherwise");
    if (trace)
        stk_import_warn(warn, "with trace rules stockade refuses seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER) with EBUSY "
                    "(docs/language.md, rules the compiler adds)");
    rc = 0;
out:
    for (size_t i = 0; i < stk_syscall_count; i++)
        free(acc[i].conds);
    free(acc);
    free(order);
    return rc;
}

void stk_imp_plan_free(struct imp_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++)
        free(plan->d[i].conds);
    free(plan->d);
    for (size_t i = 0; i < plan->nunknown; i++)
        free(plan->unknown[i]);
    free(plan->unknown);
    for (size_t i = 0; i < plan->nelsewhere; i++)
        free(plan->elsewhere[i]);
    free(plan->elsewhere);
    stk_buf_free(&plan->notes);
    memset(plan, 0, sizeof *plan);
}
