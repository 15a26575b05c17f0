/* report_split.h — `--report` for a policy split into stacked seccomp
 * filters (report_split.c; docs/enforcer.md, "Violation reports", "A policy
 * split into stacked filters").
 *
 * The kernel allows one notification listener per filter chain, and a
 * USER_NOTIF return reaches only the listener of the filter that returned
 * it.  So under --report:
 *   - the filters before the last are installed with every return that is
 *     not ALLOW turned into ALLOW (stk_report_split_downgrade): they can no
 *     longer outrank the last filter's USER_NOTIF;
 *   - the last filter's notifying copy (report.h) gets a prefix after the
 *     listener guard that returns USER_NOTIF for every (arch, nr) on which
 *     an earlier filter may return something other than ALLOW, for every
 *     argument value (stk_report_split_prefix);
 *   - the supervisor decides each notification with the ORIGINAL filters
 *     combined as the kernel combines them (stk_report_split_run,
 *     common/bpf_stack.c) and answers as for a single filter; a call the
 *     original stack allows gets CONTINUE and no report line.
 *
 * The prefix is computed before the fork (stk_report_split_prepare), which
 * refuses a policy whose last filter would then exceed the kernel's 4096
 * instructions or whose filters would exceed its 32768 per process. */
#ifndef STK_REPORT_SPLIT_H
#define STK_REPORT_SPLIT_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf_stack.h"
#include "err.h"

struct stk_report;
struct stk_bundle_seccomp;

struct stk_report_split {
    /* the original filters, installation order; the last entry's insns are
     * replaced by the supervisor's patched copy at each evaluation */
    struct stk_bpf_filter *filters;
    size_t nfilters;
    struct sock_filter *prefix; /* the notify prefix (stk_report_split_prefix) */
    size_t prefix_len;
};

/* Pure parts (unit-tested in tests/unit/test_report_split.c). */

/* Every RET K whose action is not ALLOW returns ALLOW instead; -1 with e for
 * a program that returns a computed action (RET A). */
int stk_report_split_downgrade(struct sock_filter *prog, size_t len, struct stk_err *e);

/* The prefix for the filters f[0..n) (n >= 2, installation order): load the
 * arch, and per arch the number; USER_NOTIF for every (arch, nr) on which a
 * filter f[j], j < n-1, is not constantly ALLOW (stk_bpf_cacheable) while the
 * last filter is not constantly something other than ALLOW (then its
 * notifying copy notifies every such call anyway); every other path leaves
 * with A = 0 (as the program finds it) having loaded nothing but arch and nr,
 * so the kernel's action cache is unchanged for those calls.  The numbers
 * tried on each ABI of the syscall table: 0 up to its newest known syscall +
 * 64, and every known one (beyond that, a split policy's filters all decide
 * like the whole program: compiler/seccomp/bpf_split.h).  *out allocated
 * (NULL and 0 when nothing needs a notification); -1 with e. */
int stk_report_split_prefix(const struct stk_bpf_filter *f, size_t n, struct sock_filter **out, size_t *out_len,
                            struct stk_err *e);

/* copy (*copy, *copy_len): a notifying copy (report.h, guard first) of a
 * program of prog_len instructions; the prefix goes in after the guard.
 * *copy is replaced (the old one freed); -1 with e if over 4096. */
int stk_report_split_insert(struct sock_filter **copy, size_t *copy_len, size_t prog_len,
                            const struct sock_filter *prefix, size_t prefix_len, struct stk_err *e);

/* Hooks. */

/* Before the fork (stk_report_prepare): *out NULL for a single filter;
 * otherwise the earlier filters are checked (no computed action, no exec
 * descriptor site), the prefix is computed and the budget checked: -1 with
 * e naming why. */
int stk_report_split_prepare(const struct stk_bundle_seccomp *s, struct stk_report_split **out, struct stk_err *e);
void stk_report_split_free(struct stk_report_split *sp);

/* The enforcer (stk_seccomp_install, --report): progs[0..last) downgraded in
 * place, the prefix inserted into the last filter's notifying copy.  A no-op
 * without a split. */
int stk_report_split_copies(const struct stk_report *r, struct sock_fprog *progs, size_t last,
                            struct sock_filter **copy, size_t *copy_len, struct stk_err *e);

/* The supervisor: what the policy decides for d, prog being its patched copy
 * of the last filter (r->len instructions): that program alone, or all the
 * original filters combined as the kernel does. */
uint32_t stk_report_split_run(const struct stk_report *r, struct sock_filter *prog, const struct seccomp_data *d);

#endif
