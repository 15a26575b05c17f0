/* sema_shadow.c — the "rule never applies" lint of seccomp blocks: a rule
 * (or a syscall it names) that an earlier unconditional rule of the same
 * policy decides first.  A weaker earlier rule is a contradiction, an error
 * (shadowed-deny); an equal or stricter one makes the rule redundant, a
 * warning (shadowed-rule). */
#include "sema/sema_shadow.h"

#include <stdlib.h>

#include "util.h"

bool stk_shadow_on_targets(int sc, const bool abis[STK_ABI_COUNT])
{
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (abis[a] && stk_syscall_table[sc].nr[a] != STK_NR_NONE)
            return true;
    return false;
}

static const char *action_word(enum stk_action_kind k)
{
    switch (k) {
    case STK_ACT_KILL_PROCESS: return "kill-process";
    case STK_ACT_KILL_THREAD: return "kill-thread";
    case STK_ACT_TRAP: return "trap";
    case STK_ACT_ERRNO: return "errno";
    case STK_ACT_NOTIFY: return "notify";
    case STK_ACT_TRACE: return "trace";
    case STK_ACT_LOG: return "log";
    case STK_ACT_ALLOW: break;
    }
    return "allow";
}

/* The earlier rule decides with a weaker action than the later one: the
 * policy says two contradicting things and the stricter one loses.  The
 * order is that of enum stk_action_kind (ir.h): kill-process, kill-thread,
 * trap, errno, notify, trace, log, allow (docs/language.md "Shadowed rules"). */
static bool weaker(struct stk_action earlier, struct stk_action later)
{
    return earlier.kind > later.kind;
}

static bool shadowed_by(const struct stk_shadow_decided *d, int syscall, size_t level, const bool abis[STK_ABI_COUNT])
{
    return stk_shadow_on_targets(syscall, abis) && d[syscall].by && d[syscall].level == level;
}

static void shadow_deny(struct stk_unit *u, struct stk_loc at, struct stk_action act,
                        int syscall, const struct stk_shadow_decided *d, bool whole)
{
    const char *name = stk_syscall_table[syscall].name;
    char *hint = stk_xasprintf("the first matching rule wins; move the stricter rule above line %u, or take '%s' "
                               "out of the rule at line %u",
                               d->by->loc.line, name, d->by->loc.line);
    bool shown;
    if (whole)
        shown = stk_diag(u->ds, STK_SEV_ERROR, "shadowed-deny", at, hint,
                         "this '%s' rule never applies: the earlier rule at line %u decides '%s' with the weaker "
                         "action '%s'",
                         action_word(act.kind), d->by->loc.line, name, action_word(d->act.kind));
    else
        shown = stk_diag(u->ds, STK_SEV_ERROR, "shadowed-deny", at, hint,
                         "'%s' never reaches this '%s' rule: the earlier rule at line %u decides it with the weaker "
                         "action '%s'",
                         name, action_word(act.kind), d->by->loc.line, action_word(d->act.kind));
    free(hint);
    if (shown)
        stk_diag(u->ds, STK_SEV_NOTE, "shadowed-deny", d->by->loc, NULL, "the weaker rule is here");
}

/* Shadowing: a syscall already decided unconditionally by an earlier rule of
 * the same policy never reaches this one.  (A child's rule deciding a syscall
 * ahead of its parent's is the point of `extends`: not reported.)  When the
 * earlier rule is the weaker one it is an error (shadowed-deny), otherwise a
 * warning (shadowed-rule: the rule is redundant, nothing is loosened).  A group
 * member decided earlier is no finding when the rule also applies to other
 * calls: allowing one call of a group before denying the group is the usual
 * way to make an exception. */
void stk_shadow_lint(struct stk_unit *u, const struct stk_seccomp *sc, const struct stk_stmt *s,
                        struct stk_action act, const struct stk_shadow_target *t, size_t nt, size_t level,
                        const struct stk_shadow_decided *decided)
{
    size_t nshadow = 0, nvisible = 0;
    const struct stk_stmt *first_by = NULL;
    int first_weaker = -1;
    bool elsewhere = false; /* a group member that exists on other ABIs only */
    for (size_t i = 0; i < nt; i++) {
        if (!stk_shadow_on_targets(t[i].syscall, sc->abis)) {
            elsewhere = true;
            continue;
        }
        nvisible++;
        if (!shadowed_by(decided, t[i].syscall, level, sc->abis))
            continue;
        nshadow++;
        if (!first_by)
            first_by = decided[t[i].syscall].by;
        if (first_weaker < 0 && weaker(decided[t[i].syscall].act, act))
            first_weaker = t[i].syscall;
    }
    /* A group that, as written, also holds calls of other ABIs is the
     * exception pattern even when its only members here are decided: the
     * same policy compiled for another ABI has no finding, so this one has
     * none for the group's members either (names written directly still
     * get theirs below). */
    if (nvisible > 0 && nshadow == nvisible && !elsewhere) {
        /* the whole rule never applies: one finding for the rule */
        if (first_weaker >= 0) {
            shadow_deny(u, s->loc, act, first_weaker, &decided[first_weaker], true);
            return;
        }
        stk_diag(u->ds, STK_SEV_WARNING, "shadowed-rule", s->loc,
                 "the first matching rule wins; move this rule above the earlier one",
                 "this rule never applies: %s decided by the earlier rule at line %u",
                 nvisible == 1 ? "its syscall is" : "all its syscalls are", first_by->loc.line);
        stk_diag(u->ds, STK_SEV_NOTE, "shadowed-rule", first_by->loc, NULL, "the earlier rule is here");
        return;
    }
    /* some syscalls shadowed: one finding for each one named directly */
    for (size_t i = 0; nshadow > 0 && i < nt; i++) {
        const struct stk_shadow_decided *d = &decided[t[i].syscall];
        if (!t[i].direct || !shadowed_by(decided, t[i].syscall, level, sc->abis))
            continue;
        if (weaker(d->act, act)) {
            shadow_deny(u, t[i].loc, act, t[i].syscall, d, false);
            continue;
        }
        stk_diag(u->ds, STK_SEV_WARNING, "shadowed-rule", t[i].loc,
                 "the first matching rule wins; move this rule above the earlier one",
                 "'%s' never reaches this rule: an earlier rule at line %u decides it",
                 stk_syscall_table[t[i].syscall].name, d->by->loc.line);
    }
}

