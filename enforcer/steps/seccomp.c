/* seccomp.c — PR_SET_NO_NEW_PRIVS and the seccomp filter, the last steps
 * before execve (the filter would otherwise judge the enforcer's own
 * setresuid, capset, chdir, ...). */
#include "steps/steps.h"
#include "supervise/report.h"
#include "supervise/report_split.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int stk_seccomp_nnp_apply(const struct stk_bundle *b, struct stk_err *e)
{
    if (!b->no_new_privs)
        return 0;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
        return stk_errnof(e, "no_new_privs", errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    if (prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L) != 1)
        return stk_errf(e, "no_new_privs", "flag not set after prctl");
    return 0;
}

static int install_error(int err, struct stk_err *e)
{
    if (err == EACCES)
        return stk_errf(e, "seccomp",
                        "installing a filter needs no_new_privs or CAP_SYS_ADMIN, and the policy "
                        "turns no_new_privs off");
    return stk_errnof(e, "seccomp", err, "seccomp(SECCOMP_SET_MODE_FILTER)");
}

static int install_failed(const struct stk_bundle_seccomp *s, size_t i, int err, struct stk_err *e)
{
    if (err == ENOMEM && s->nfilters > 1)
        return stk_errf(e, "seccomp", "seccomp filter %zu of %zu: the kernel counts at most 32768 instructions "
                                      "over all the filters of a process (each filter's length + 4), those it "
                                      "inherited included (%s)", i + 1, s->nfilters, strerror(err));
    if (s->nfilters > 1 && err != EACCES)
        return stk_errf(e, "seccomp", "seccomp filter %zu of %zu: seccomp(SECCOMP_SET_MODE_FILTER): %s", i + 1,
                        s->nfilters, strerror(err));
    return install_error(err, e);
}

int stk_seccomp_install(const struct stk_bundle *b, int exec_fd, struct stk_report *report,
                        struct stk_handover *ho, struct stk_err *e)
{
    const struct stk_bundle_seccomp *s = &b->seccomp;
    ho->armed = false;
    if (!s->present)
        return 0;
    /* The exec hand-over's secret, drawn whenever the program has the rule
     * (even if the command were exec'd by path: the placeholders are never
     * installed). */
    if (s->nsecret_insns && stk_handover_prepare(ho, e) < 0)
        return -1;
    /* Every filter copied and patched before the first is installed: once
     * one is, the enforcer makes no system call but seccomp(2) and the exec
     * (nothing is freed either: free() may trim the heap; the exec releases
     * it).  The hand-over rule: k = the descriptor number (or the
     * placeholder, which no descriptor has, when the command is exec'd by
     * path), and the secret's words. */
    struct sock_fprog *progs = calloc(s->nfilters, sizeof *progs);
    if (!progs)
        return stk_errnof(e, "seccomp", ENOMEM, "copying the program");
    for (size_t f = 0; f < s->nfilters; f++) {
        const struct stk_bpf_filter *src = &s->filters[f];
        struct sock_filter *insns = calloc(src->len, sizeof *insns);
        if (!insns)
            return stk_errnof(e, "seccomp", ENOMEM, "copying the program");
        memcpy(insns, src->insns, src->len * sizeof *insns);
        for (size_t i = 0; i < src->nexec_fd_insns; i++)
            insns[src->exec_fd_insns[i]].k = exec_fd >= 0 ? (uint32_t)exec_fd : STK_BUNDLE_EXEC_FD_PLACEHOLDER;
        if (src->nsecret_insns)
            stk_handover_patch(ho, src, insns);
        progs[f] = (struct sock_fprog){(unsigned short)src->len, insns};
    }
    if (report) {
        /* --report: every action but allow notifies the supervisor, which
         * answers as the policy says (report.c, report_child.c); the guard
         * in front refuses the command listeners of its own.  A split
         * policy: the kernel allows one listener per filter chain, so only
         * the last filter notifies, also for the calls the others decide,
         * which are installed allowing everything (report_split.h). */
        size_t last = s->nfilters - 1;
        struct sock_filter *copy;
        size_t copy_len;
        if (stk_report_notifying_copy(progs[last].filter, progs[last].len, &copy, &copy_len, e) < 0)
            return -1;
        if (stk_report_split_copies(report, progs, last, &copy, &copy_len, e) < 0)
            return -1;
        struct sock_fprog prog = {(unsigned short)copy_len, copy};
        return stk_report_install(report, progs, last, &prog, exec_fd, e);
    }
    /* TSYNC: every thread of the process gets the filters (a no-op with one thread) */
    for (size_t f = 0; f < s->nfilters; f++) {
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &progs[f]);
        if (r > 0)
            return stk_errf(e, "seccomp", "thread %ld could not be synchronized to the filter", r);
        if (r < 0)
            return install_failed(s, f, errno, e);
    }
    return 0;
}
