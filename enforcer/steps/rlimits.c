/* rlimits.c — resource limits, applied while the enforcer still has the
 * caller's privileges (raising a hard limit needs CAP_SYS_RESOURCE). */
#include "steps/steps.h"

#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

#define STEP "rlimits"

static const char *fmt_lim(uint64_t v, char *buf, size_t len)
{
    if (v == (uint64_t)RLIM_INFINITY)
        snprintf(buf, len, "unlimited");
    else
        snprintf(buf, len, "%llu", (unsigned long long)v);
    return buf;
}

int stk_rlimits_apply(const struct stk_bundle *b, struct stk_err *e)
{
    for (unsigned r = 0; r < STK_BUNDLE_RLIMITS; r++) {
        const struct stk_bundle_rlimit *l = &b->rlimits[r];
        if (!l->set)
            continue;
        struct rlimit rl = {(rlim_t)l->soft, (rlim_t)l->hard};
        if (setrlimit((int)r, &rl) < 0) {
            char s[32], h[32];
            return stk_errnof(e, STEP, errno, "%s %s %s", stk_rlimit_name(r), fmt_lim(l->soft, s, sizeof s),
                              fmt_lim(l->hard, h, sizeof h));
        }
    }
    return 0;
}
