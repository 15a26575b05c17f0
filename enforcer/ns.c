/* ns.c — namespaces, uid/gid maps, hostname, loopback (steps.h). */
#include "steps.h"

int stk_ns_plan(const struct stk_bundle *b, struct stk_supervisor *sv, uint64_t *clone_flags, struct stk_err *e)
{
    (void)b;
    (void)sv;
    (void)e;
    *clone_flags = 0;
    return 0;
}

int stk_ns_enter(const struct stk_bundle *b, uint64_t cloned, struct stk_err *e)
{
    (void)b;
    (void)cloned;
    (void)e;
    return 0;
}
