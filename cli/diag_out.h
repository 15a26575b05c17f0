/* diag_out.h — the diagnostics options every command that compiles a policy
 * takes (--format=text|json|sarif, --sarif-root=DIR), and printing by them. */
#ifndef STK_CLI_DIAG_OUT_H
#define STK_CLI_DIAG_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"

/* getopt_long values of the two options (outside the range of short options) */
#define STK_OPT_FORMAT 0x100
#define STK_OPT_SARIF_ROOT 0x101
#define STK_CLI_DIAG_LOPTS                                                                                          \
    {"format", required_argument, NULL, STK_OPT_FORMAT}, {"sarif-root", required_argument, NULL, STK_OPT_SARIF_ROOT}

/* The usage lines of the two options. */
#define STK_CLI_DIAG_USAGE                                                                                          \
    "  --format=text|json|sarif  diagnostics as compiler-style text (default), one\n"                               \
    "                     JSON object per line, or a SARIF 2.1.0 log (docs/ci.md)\n"                               \
    "  --sarif-root=DIR   SARIF file URIs relative to DIR (default: the working\n"                                 \
    "                     directory)\n"

struct stk_cli_diag_out {
    enum stk_diag_format fmt;
    const char *sarif_root;
};

/* Handle option opt (STK_OPT_FORMAT or STK_OPT_SARIF_ROOT) of command who.
 * Returns 0, or 2 with a message for a bad value. */
int stk_cli_diag_option(struct stk_cli_diag_out *o, int opt, const char *arg, const char *who);

/* Print ds: text on standard error (color: -1 auto, 0 never, 1 always), JSON
 * and SARIF on structured.  Returns 0, or 2 when the SARIF root cannot be resolved. */
int stk_cli_diag_print(const struct stk_diags *ds, const struct stk_cli_diag_out *o, FILE *structured, int color);

#endif
