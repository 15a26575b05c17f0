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

/* The policy denies execveat: install with a listener that a helper thread
 * (created first, so without the filter) holds for the enforcer's own exec
 * (handover.c).  No TSYNC: the helper must stay outside the filters, and the
 * kernel refuses TSYNC with NEW_LISTENER; the process has no other thread.
 * A split policy's filters go in in order; the last one has the hand-over
 * rule (bpf_split.h) and gets the listener. */
static int install_handover(const struct stk_bundle_seccomp *s, const struct sock_fprog *progs, int exec_fd,
                            struct stk_handover **ho, struct stk_err *e)
{
    /* Until the exec, no process without CAP_SYS_PTRACE may reach the
     * listener through ptrace-mode access (pidfd_getfd, /proc/PID/fd): one
     * that held a copy could answer the hand-over rule for the command.  The
     * exec sets the command's own dumpable state as usual. */
    if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) < 0)
        return stk_errnof(e, "seccomp", errno, "prctl(PR_SET_DUMPABLE, 0)");
    struct stk_handover *h = stk_handover_start(exec_fd, s->audit_arch, e);
    if (!h)
        return -1;
    size_t last = s->nfilters - 1;
    for (size_t i = 0; i < last; i++)
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &progs[i]) < 0) {
            int err = errno;
            stk_handover_cancel(h);
            return install_failed(s, i, err, e);
        }
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &progs[last]);
    if (fd < 0) {
        int err = errno;
        stk_handover_cancel(h); /* no filter: the thread ends, system calls are still ours */
        if (err == EINVAL)
            return stk_errf(e, "seccomp", "the policy denies execveat, and the enforcer's own exec goes through "
                                          "a user-notification listener, which needs Linux 5.5 or later "
                                          "(seccomp(NEW_LISTENER): %s)", strerror(err));
        if (err == EBUSY)
            return stk_errf(e, "seccomp", "the policy denies execveat, and the enforcer's own exec goes through "
                                          "a user-notification listener, but a seccomp filter this process "
                                          "inherited already has one (a container runtime or supervisor that "
                                          "intercepts system calls; the kernel allows one per filter chain): "
                                          "run stockade outside it, or let the policy allow execveat "
                                          "(seccomp(NEW_LISTENER): %s)", strerror(err));
        return install_failed(s, last, err, e);
    }
    /* from here on no system call but the exec */
    stk_handover_arm(h, (int)fd);
    *ho = h;
    return 0;
}

int stk_seccomp_install(const struct stk_bundle *b, int exec_fd, struct stk_report *report,
                        struct stk_handover **ho, struct stk_err *e)
{
    const struct stk_bundle_seccomp *s = &b->seccomp;
    *ho = NULL;
    if (!s->present)
        return 0;
    /* Every filter copied and patched before the first is installed: once
     * one is, the enforcer makes no system call but seccomp(2) and the exec
     * (nothing is freed either: free() may trim the heap; the exec releases
     * it).  The hand-over rule: k = the descriptor number (or the
     * placeholder, which no descriptor has, when the command is exec'd by
     * path). */
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
    if (exec_fd >= 0 && s->nexec_fd_insns)
        return install_handover(s, progs, exec_fd, ho, e);
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
