/* caps.c — capability sets with libcap.  After this step the process holds
 * exactly the policy's capabilities in its bounding, permitted, effective and
 * inheritable sets, and (for a non-root uid) in its ambient set, so that they
 * survive the execve of an ordinary binary. */
#include "steps/steps.h"

#include <errno.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#define STEP "capabilities"

static unsigned ncaps(void)
{
    cap_value_t n = cap_max_bits(); /* number of capabilities this kernel knows */
    return n > 0 && n <= 64 ? (unsigned)n : 41;
}

static bool cap_known(unsigned cap)
{
    return cap < ncaps();
}

static const char *cap_name(unsigned c, char *buf, size_t len)
{
    char *s = cap_to_name((cap_value_t)c);
    snprintf(buf, len, "%s", s ? s : "?");
    cap_free(s);
    return buf;
}

static int get_set(cap_t caps, cap_flag_t flag, uint64_t *mask, struct stk_err *e)
{
    *mask = 0;
    for (unsigned c = 0; c < ncaps(); c++) {
        cap_flag_value_t v;
        if (cap_get_flag(caps, (cap_value_t)c, flag, &v) < 0)
            return stk_errnof(e, STEP, errno, "cap_get_flag");
        if (v == CAP_SET)
            *mask |= 1ull << c;
    }
    return 0;
}

static int read_proc(uint64_t *prm, uint64_t *eff, uint64_t *inh, struct stk_err *e)
{
    cap_t caps = cap_get_proc();
    if (!caps)
        return stk_errnof(e, STEP, errno, "cap_get_proc");
    int r = 0;
    if (get_set(caps, CAP_PERMITTED, prm, e) < 0 || (eff && get_set(caps, CAP_EFFECTIVE, eff, e) < 0) ||
        (inh && get_set(caps, CAP_INHERITABLE, inh, e) < 0))
        r = -1;
    cap_free(caps);
    return r;
}

/* Set permitted = prm, effective = eff, inheritable = inh. */
static int set_proc(uint64_t prm, uint64_t eff, uint64_t inh, struct stk_err *e)
{
    cap_t caps = cap_init();
    if (!caps)
        return stk_errnof(e, STEP, errno, "cap_init");
    for (unsigned c = 0; c < ncaps(); c++) {
        cap_value_t v = (cap_value_t)c;
        if (((prm >> c) & 1 && cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET) < 0) ||
            ((eff >> c) & 1 && cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0) ||
            ((inh >> c) & 1 && cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET) < 0)) {
            int err = errno;
            cap_free(caps);
            return stk_errnof(e, STEP, err, "cap_set_flag");
        }
    }
    int r = cap_set_proc(caps);
    int err = errno;
    cap_free(caps);
    if (r < 0)
        return stk_errnof(e, STEP, err, "cap_set_proc");
    return 0;
}

int stk_caps_held(uint64_t *prm, struct stk_err *e)
{
    return read_proc(prm, NULL, NULL, e);
}

int stk_caps_plan(const struct stk_bundle *b, uint64_t *keep, struct stk_err *e)
{
    uint64_t prm;
    if (read_proc(&prm, NULL, NULL, e) < 0)
        return -1;
    switch (b->caps) {
    case STK_BCAPS_NONE:
        *keep = 0;
        break;
    case STK_BCAPS_ALL:
        *keep = prm; /* everything the caller holds */
        break;
    case STK_BCAPS_KEEP:
        for (unsigned c = 0; c < 64; c++) {
            if (!((b->caps_keep >> c) & 1))
                continue;
            char n[64];
            if (!cap_known(c))
                return stk_errf(e, STEP, "capability %u is not known to this kernel", c);
            if (!((prm >> c) & 1))
                return stk_errf(e, STEP, "the policy keeps %s, which the caller does not hold",
                                cap_name(c, n, sizeof n));
        }
        *keep = b->caps_keep;
        break;
    }
    return 0;
}

int stk_caps_apply(uint64_t keep, bool no_new_privs, struct stk_err *e)
{
    uint64_t prm, eff, inh;
    if (read_proc(&prm, &eff, &inh, e) < 0)
        return -1;

    /* 1. bounding set: needs CAP_SETPCAP in the effective set.  After a uid
     * change the effective set is empty; raise it to the permitted set (kept
     * with PR_SET_KEEPCAPS) for the duration of this step.  With CAP_SETPCAP
     * every capability not kept is dropped (a no-op for one already out of
     * the set), without reading the set first: one prctl per capability
     * fewer at every start (docs/performance.md).  Without it, the set is
     * read to tell whether anything would have to be dropped. */
    unsigned n = ncaps();
    uint64_t drop = 0;
    bool setpcap = (prm >> CAP_SETPCAP) & 1;
    for (unsigned c = 0; c < n; c++) {
        if ((keep >> c) & 1)
            continue;
        int in = setpcap ? 1 : cap_get_bound((cap_value_t)c);
        if (in < 0)
            return stk_errnof(e, STEP, errno, "cap_get_bound(%u)", c);
        if (in)
            drop |= 1ull << c;
    }
    if (drop) {
        if (setpcap) {
            if (eff != prm && set_proc(prm, prm, inh, e) < 0)
                return -1;
            for (unsigned c = 0; c < n; c++) {
                if (!((drop >> c) & 1))
                    continue;
                if (cap_drop_bound((cap_value_t)c) < 0) {
                    char n[64];
                    return stk_errnof(e, STEP, errno, "dropping %s from the bounding set",
                                      cap_name(c, n, sizeof n));
                }
            }
        } else if (!no_new_privs) {
            return stk_errf(e, STEP,
                            "cannot lower the bounding set without CAP_SETPCAP; with no_new_privs on "
                            "it would not matter, but the policy turns no_new_privs off");
        }
        /* else: unprivileged caller with no_new_privs: no execve can ever add a
         * capability, so the bounding set has nothing left to bound. */
    }

    /* 2. permitted, effective, inheritable = keep */
    if (set_proc(keep, keep, keep, e) < 0)
        return -1;

    /* 3. ambient: for a non-root uid, the only way capabilities survive execve
     * of a binary without file capabilities.  Root gets them from its
     * bounding set at execve (and never needs ambient). */
    /* (directly: libcap's cap_reset_ambient first probes every capability
     * with PR_CAP_AMBIENT_IS_SET, one prctl each) */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) < 0)
        return stk_errnof(e, STEP, errno, "clearing the ambient set");
    if (geteuid() != 0) {
        for (unsigned c = 0; c < ncaps(); c++) {
            if (!((keep >> c) & 1))
                continue;
            if (cap_set_ambient((cap_value_t)c, CAP_SET) < 0) {
                char n[64];
                return stk_errnof(e, STEP, errno, "raising %s in the ambient set", cap_name(c, n, sizeof n));
            }
        }
    }

    /* 4. verify */
    if (read_proc(&prm, &eff, &inh, e) < 0)
        return -1;
    if (prm != keep || eff != keep || inh != keep)
        return stk_errf(e, STEP, "capability sets are not what the policy says after cap_set_proc");
    return 0;
}
