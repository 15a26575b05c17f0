/* diag_codes.h — the one table of diagnostic codes: every code the compiler
 * reports (diag.h: stk_diag's code), with a name and descriptions for the
 * formats that describe their rules (SARIF).  tests/integration/diag_codes.sh
 * checks that every code used in compiler/ is in the table. */
#ifndef STK_DIAG_CODES_H
#define STK_DIAG_CODES_H

#include <stddef.h>

#include "diag.h"

struct stk_diag_code {
    const char *code;        /* stable identifier, e.g. "unknown-syscall" */
    const char *name;        /* PascalCase name, e.g. "UnknownSyscall" */
    enum stk_severity level; /* the severity it is reported with (-W error raises warnings) */
    const char *summary;     /* one sentence */
    const char *description; /* the full meaning (docs/language.md, "Diagnostics") */
    const char *help;        /* how to fix it */
};

extern const struct stk_diag_code stk_diag_codes[];
extern const size_t stk_diag_ncodes;

/* Index of code in stk_diag_codes, or -1. */
long stk_diag_code_index(const char *code);

#endif
