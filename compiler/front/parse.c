/* parse.c — drives the flex/bison front end over one source file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/ast.h"
#include "front/lexer_state.h"
#include "parser.h"
#include "util.h"
/* lexer.h must come after parser.h (it needs YYSTYPE). */
#include "lexer.h"

struct stk_file_ast *stk_parse(struct stk_diags *ds, uint32_t file)
{
    const struct stk_source *src = stk_diags_source(ds, file);
    struct stk_file_ast *ast = stk_xcalloc(1, sizeof *ast);
    ast->file = file;
    struct stk_lexer lx = {.ds = ds, .file = file, .line = 1, .col = 1, .ast = ast};
    yyscan_t scanner;
    if (yylex_init_extra(&lx, &scanner) != 0)
        stk_lex_fatal("cannot initialise the lexer");
    lx.scanner = scanner;
    YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
    int r = yyparse(scanner, &lx);
    if (r == 2) {
        struct stk_loc here = {.file = file, .line = lx.line, .col = lx.col, .end_col = lx.col};
        stk_error(ds, "too-complex", here, "policy too complex to parse (parser stack exhausted)");
    }
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    return ast;
}
