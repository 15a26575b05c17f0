/* handover.c — the secret of the enforcer's own exec when the policy denies
 * execveat (docs/enforcer.md, "The final execve through a filter that denies
 * execve").
 *
 * The compiler puts first in every execveat leaf the hand-over rule
 * `allow execveat if dirfd == N && flags == AT_EMPTY_PATH && SECRET`, where
 * SECRET compares four 32-bit words the kernel ignores for execveat (the
 * upper halves of dirfd and flags, which it truncates to int, and the whole
 * sixth argument, which execveat does not have) with placeholders.  Here the
 * enforcer draws the words for this run (128 bits from getrandom) and
 * patches them into its copy of the last filter before the first filter is
 * installed; exec.c passes them in those registers.  The words live only in
 * this process's memory (non-dumpable from here on, replaced by the exec)
 * and in the kernel's copy of the filter, which a process in seccomp mode
 * cannot read back. */
#include "steps/steps.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>

#define STEP "seccomp"

int stk_handover_prepare(struct stk_handover *h, struct stk_err *e)
{
    memset(h, 0, sizeof *h);
    /* no ptrace-mode access (process_vm_readv, /proc/PID/mem) to the secret
     * until the exec; the exec sets the command's own dumpable state */
    if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) < 0)
        return stk_errnof(e, STEP, errno, "prctl(PR_SET_DUMPABLE, 0)");
    ssize_t n;
    while ((n = getrandom(h->w, sizeof h->w, 0)) < 0 && errno == EINTR)
        ;
    if (n != (ssize_t)sizeof h->w)
        return stk_errnof(e, STEP, n < 0 ? errno : EIO, "drawing the exec hand-over's secret (getrandom)");
    h->armed = true;
    return 0;
}

void stk_handover_patch(const struct stk_handover *h, const struct stk_bpf_filter *f, struct sock_filter *insns)
{
    for (size_t i = 0; i < f->nsecret_insns; i++)
        insns[f->secret_insns[i]].k = h->w[i % STK_BUNDLE_SECRET_WORDS];
}
