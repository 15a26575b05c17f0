/* sema_shadow.h — the "rule never applies" lint of seccomp blocks
 * (sema_shadow.c), called by sema_seccomp.c for each rule in order. */
#ifndef STK_SEMA_SHADOW_H
#define STK_SEMA_SHADOW_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/ir.h"
#include "sema/sema.h"

/* Per syscall: the first rule of the policy that decides it unconditionally. */
struct stk_shadow_decided {
    const struct stk_stmt *by; /* NULL: not decided yet */
    struct stk_action act;     /* the deciding rule's action */
    size_t level;              /* the policy (extends level) the rule is written in */
};

/* A syscall a rule names, directly or through a group. */
struct stk_shadow_target {
    int syscall;
    struct stk_loc loc;
    bool direct;
};

/* Does syscall sc exist on one of the ABIs? */
bool stk_shadow_on_targets(int sc, const bool abis[STK_ABI_COUNT]);

/* Report rule s (action act, targets t) if earlier rules of the same level
 * already decide its syscalls: shadowed-deny (error) when an earlier rule's
 * action is weaker than act, shadowed-rule (warning) otherwise. */
void stk_shadow_lint(struct stk_unit *u, const struct stk_seccomp *sc, const struct stk_stmt *s,
                     struct stk_action act, const struct stk_shadow_target *t, size_t nt, size_t level,
                     const struct stk_shadow_decided *decided);

#endif
