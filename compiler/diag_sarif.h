/* diag_sarif.h — diagnostics as a SARIF 2.1.0 log (one run), for code-scanning
 * tools (GitHub code scanning and others).  docs/ci.md describes the output. */
#ifndef STK_DIAG_SARIF_H
#define STK_DIAG_SARIF_H

#include <stdio.h>

struct stk_diags;

struct stk_sarif_opts {
    const char *root;         /* URIs are relative to this directory (NULL: the working directory) */
    const char *tool_version; /* tool.driver.version (NULL: none) */
};

/* Write the log to out.  Returns 0, or -1 (with a message on stderr) when the
 * root directory cannot be resolved. */
int stk_diags_print_sarif(const struct stk_diags *ds, FILE *out, const struct stk_sarif_opts *o);

#endif
