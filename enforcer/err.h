/* err.h — the enforcer's single error type.  Every step fills one struct
 * stk_err and returns -1; one place (stk_err_report) prints it as
 * "stockade: STEP: REASON" and the caller exits with err->status.  Warnings
 * have the same shape and one function too (stk_warnf). */
#ifndef STK_ERR_H
#define STK_ERR_H

#include <stdio.h>

/* Exit statuses of the enforcer itself (the command's own status otherwise). */
#define STK_EXIT_FAILURE 125     /* an enforcement step failed: nothing was executed */
#define STK_EXIT_NOT_EXECUTABLE 126
#define STK_EXIT_NOT_FOUND 127

struct stk_err {
    int status;      /* exit status to use: 125, 126 or 127 */
    char step[32];   /* "bundle", "identity", "seccomp", ... */
    char msg[768];
};

/* Record an error (status 125) and return -1. */
int stk_errf(struct stk_err *e, const char *step, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, appending ": " and strerror(errnum). */
int stk_errnof(struct stk_err *e, const char *step, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Print "stockade: STEP: REASON\n" to out. */
void stk_err_report(const struct stk_err *e, FILE *out);
/* Print "stockade: STEP: MESSAGE\n" to stderr, the same shape as an error,
 * for what does not stop the enforcer: a warning (the command runs without
 * something the policy marks optional or best-effort), a clean-up that
 * failed, a usage mistake.  errno is left as it was. */
void stk_warnf(const char *step, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
