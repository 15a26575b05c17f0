/* fmt.h — `stockade fmt`: the canonical layout of a policy file.
 *
 * The formatter works on the real lexer's token stream (grammar/lexer.l),
 * each token's text sliced verbatim from the source, plus the comments and
 * line breaks found in the gaps between tokens (docs/architecture.md says
 * why not an AST printer).  It only changes blanks, line breaks and `;`
 * separators, so the tokens the parser sees are the same before and after. */
#ifndef STK_FMT_H
#define STK_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define STK_FMT_WIDTH 100 /* lines are wrapped (after ',' or inside parentheses) beyond this */

/* A comment in the gap before a token (or at the end of the file). */
struct stk_fmt_comment {
    const char *text; /* from '#', trailing blanks removed; points into the source */
    size_t len;
    uint32_t nl_before; /* line breaks between the previous token or comment and this one */
};

struct stk_fmt_tok {
    int kind;             /* the lexer's token kind (parser.h); ';' is kept, NEWLINE tokens are not */
    const char *text;     /* verbatim, into the source */
    size_t len;
    bool sep_before;      /* a NEWLINE token or ';' (a statement separator) came before it */
    uint32_t nl_before;   /* line breaks between the last comment (or the previous token) and it */
    struct stk_fmt_comment *comments; /* in the gap before the token */
    size_t ncomments;
};

struct stk_fmt_toks {
    struct stk_fmt_tok *v; /* v[n] is an end-of-file sentinel (kind 0) holding the last comments */
    size_t n;
};

/* The tokens and comments of source file `file` of ds.  False (and the
 * parser's diagnostics in ds) when the file does not parse. */
bool stk_fmt_tokens(struct stk_diags *ds, uint32_t file, struct stk_fmt_toks *out);
void stk_fmt_toks_free(struct stk_fmt_toks *t);

/* The formatted text of source file `file` of ds (NUL-terminated, *len set),
 * or NULL when it does not parse (diagnostics in ds). */
char *stk_fmt(struct stk_diags *ds, uint32_t file, size_t *len);

#endif
