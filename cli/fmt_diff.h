/* fmt_diff.h — a unified diff for `stockade fmt --check`. */
#ifndef STK_FMT_DIFF_H
#define STK_FMT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Print a unified diff (3 lines of context) from a to b, labelled name;
 * nothing when they are equal.  True when they differ. */
bool stk_fmt_diff(FILE *out, const char *name, const char *a, size_t alen, const char *b, size_t blen);

#endif
