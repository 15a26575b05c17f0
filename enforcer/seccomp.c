/* seccomp.c — PR_SET_NO_NEW_PRIVS and the seccomp filter, the last steps
 * before execve (the filter would otherwise judge the enforcer's own
 * setresuid, capset, chdir, ...). */
#include "steps.h"
#include "report.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int stk_nnp_apply(const struct stk_bundle *b, struct stk_err *e)
{
    if (!b->no_new_privs)
        return 0;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
        return stk_errnof(e, "no_new_privs", errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    if (prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L) != 1)
        return stk_errf(e, "no_new_privs", "flag not set after prctl");
    return 0;
}

int stk_seccomp_install(const struct stk_bundle *b, int exec_fd, struct stk_report *report, struct stk_err *e)
{
    const struct stk_bundle_seccomp *s = &b->seccomp;
    if (!s->present)
        return 0;
    struct sock_filter *insns = calloc(s->len, sizeof *insns);
    if (!insns)
        return stk_errnof(e, "seccomp", ENOMEM, "copying the program");
    memcpy(insns, s->insns, s->len * sizeof *insns);
    /* the exec descriptor rule: k = the descriptor number (or the placeholder,
     * which no descriptor can have, when the command is exec'd by path) */
    for (size_t i = 0; i < s->nexec_fd_insns; i++)
        insns[s->exec_fd_insns[i]].k = exec_fd >= 0 ? (uint32_t)exec_fd : STK_BUNDLE_EXEC_FD_PLACEHOLDER;
    struct sock_fprog prog = {(unsigned short)s->len, insns};
    if (report) {
        /* --report: every action but allow notifies the supervisor, which
         * answers as the policy says (report.c, report_child.c) */
        if (stk_report_rewrite(insns, s->len, e) < 0) {
            free(insns);
            return -1;
        }
        /* insns is not freed: after the install the enforcer makes no system
         * call but the exec, and free() may trim the heap (brk); the exec
         * releases it */
        return stk_report_install(report, &prog, exec_fd, e);
    }
    /* TSYNC: every thread of the process gets the filter (a no-op with one thread) */
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
    int err = errno;
    free(insns);
    if (r > 0)
        return stk_errf(e, "seccomp", "thread %ld could not be synchronized to the filter", r);
    if (r < 0) {
        if (err == EACCES)
            return stk_errf(e, "seccomp",
                            "installing a filter needs no_new_privs or CAP_SYS_ADMIN, and the policy "
                            "turns no_new_privs off");
        return stk_errnof(e, "seccomp", err, "seccomp(SECCOMP_SET_MODE_FILTER)");
    }
    return 0;
}
