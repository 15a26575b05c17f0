/* enforce.h — apply a decoded bundle to this process and exec the command.
 * The order of the steps and the reasons for it: docs/enforcer.md. */
#ifndef STK_ENFORCE_H
#define STK_ENFORCE_H

#include <stdbool.h>
#include <stdio.h>

#include "bundle/bundle.h"

struct stk_learn;

struct stk_enforce_opts {
    bool dry_run;        /* print the steps (stk_bundle_print) and return 0 */
    bool report;         /* report every blocked or logged syscall (steps.h: report.c) */
    const char *report_path; /* with report: append the reports to this file; NULL = stderr */
    char *const *envp;   /* the caller's environment; NULL = environ */
    struct stk_learn *learn; /* `stockade learn` (with report): record every call, refuse none (supervise/learn.h) */
    FILE *out;           /* dry-run output; NULL = stdout */
};

/* Apply b and exec argv[0] (looked up in PATH like execvp) with argv.
 * Returns only if nothing was executed: 0 after a dry run, otherwise the exit
 * status (125 a step failed, 126 found but not executable, 127 not found)
 * after printing "stockade: STEP: REASON" to stderr. */
int stk_enforce(const struct stk_bundle *b, char *const argv[], const struct stk_enforce_opts *opts);

#endif
