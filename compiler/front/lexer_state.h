/* lexer_state.h — the state the lexer (grammar/lexer.l) and parser
 * (grammar/parser.y) share, and the helpers they call (lex.c). */
#ifndef STK_LEXER_STATE_H
#define STK_LEXER_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "front/ast.h"
#include "diag.h"

struct stk_lexer {
    struct stk_diags *ds;
    uint32_t file;
    uint32_t line, col; /* position of the next byte */
    int last;           /* last token returned (0 at start) */
    int paren, braces;  /* open ( and { */
    struct stk_loc brace_at[STK_MAX_NESTING + 2]; /* where each open { is (braces deep) */
    int operators;      /* operators in the current statement (bounds expression depth) */
    int eof_sent;
    char last_text[48]; /* text of the last token, for "found 'x'" in syntax errors */
    bool stop;          /* a fatal condition was reported: stop quietly */
    struct stk_file_ast *ast;
    void *scanner;
};

void stk_lex_advance(struct stk_lexer *lx, struct stk_loc *loc, const char *text, int len);
void stk_lex_error(struct stk_lexer *lx, struct stk_loc loc, const char *msg, const char *hint);
void stk_lex_assign(struct stk_lexer *lx, struct stk_loc loc, const char *text, size_t len, char **name,
                    char **value);
char *stk_lex_unquote(struct stk_lexer *lx, const char *text, size_t len, struct stk_loc loc);
/* Return true when the lexer must stop (nesting limit, too many errors). */
bool stk_lex_open(struct stk_lexer *lx, struct stk_loc loc);
bool stk_lex_open_block(struct stk_lexer *lx, struct stk_loc loc);
/* Count an operator; true when the statement has too many (reported). */
bool stk_lex_operator(struct stk_lexer *lx, struct stk_loc loc);
bool stk_lex_bad_char(struct stk_lexer *lx, struct stk_loc loc, unsigned char c);
_Noreturn void stk_lex_fatal(const char *msg);


#endif
