/* fmt_tok.c — the token stream `stockade fmt` lays out: the real lexer's
 * tokens with their text sliced verbatim from the source, and the comments
 * and line breaks of the gaps between them.  The lexer is not changed: a gap
 * between two tokens can only hold blanks, line breaks, `;` and comments
 * (a `#` inside a string or a path is part of its token), so the comments are
 * found by scanning the gaps. */
#include <stdlib.h>
#include <string.h>

#include "front/ast.h"
#include "front/fmt.h"
#include "front/lexer_state.h"
#include "parser.h"
#include "util.h"
/* lexer.h must come after parser.h (it needs YYSTYPE). */
#include "lexer.h"

static void free_value(int kind, YYSTYPE *v)
{
    switch (kind) {
    case WORD:
    case NUMBER:
    case STRING:
    case PATH:
    case GROUPREF:
    case ACTION:
    case ACTION_ARG: free(v->str); break;
    case ASSIGN:
        free(v->kv.name);
        free(v->kv.value);
        break;
    default: break;
    }
}

/* Scan src[from, to): line breaks and comments before token *t. */
static void scan_gap(const char *src, size_t from, size_t to, struct stk_fmt_tok *t)
{
    size_t capc = 0;
    uint32_t nl = 0;
    for (size_t i = from; i < to; i++) {
        if (src[i] == '\n') {
            nl++;
        } else if (src[i] == '#') {
            size_t e = i;
            while (e < to && src[e] != '\n')
                e++;
            size_t len = e - i;
            while (len > 1 && (src[i + len - 1] == ' ' || src[i + len - 1] == '\t' || src[i + len - 1] == '\r'))
                len--;
            struct stk_fmt_comment c = {.text = src + i, .len = len, .nl_before = nl};
            STK_PUSH(t->comments, t->ncomments, capc, c);
            nl = 0;
            i = e - 1;
        }
    }
    t->nl_before = nl;
}

static size_t offset_of(const struct stk_source *s, struct stk_loc l)
{
    if (l.line == 0 || l.line > s->nlines)
        return s->len;
    return s->line_off[l.line - 1] + l.col - 1;
}

bool stk_fmt_tokens(struct stk_diags *ds, uint32_t file, struct stk_fmt_toks *out)
{
    *out = (struct stk_fmt_toks){0};
    size_t errors = ds->nerrors;
    stk_file_ast_free(stk_parse(ds, file));
    if (ds->nerrors != errors)
        return false;

    const struct stk_source *src = stk_diags_source(ds, file);
    struct stk_lexer lx = {.ds = ds, .file = file, .line = 1, .col = 1};
    yyscan_t scanner;
    if (yylex_init_extra(&lx, &scanner) != 0)
        stk_lex_fatal("cannot initialise the lexer");
    lx.scanner = scanner;
    YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
    size_t cap = 0, prev_end = 0;
    bool sep = false;
    for (;;) {
        YYSTYPE v;
        struct stk_loc loc = {0};
        memset(&v, 0, sizeof v);
        int kind = yylex(&v, &loc, scanner);
        free_value(kind, &v);
        if (kind == NEWLINE || kind == ';') {
            sep = true;
            continue;
        }
        struct stk_fmt_tok t = {.kind = kind, .sep_before = sep};
        size_t start = kind == 0 ? src->len : offset_of(src, loc);
        if (kind != 0) {
            t.text = src->text + start;
            t.len = loc.end_col - loc.col + 1;
        }
        scan_gap(src->text, prev_end, start, &t);
        STK_PUSH(out->v, out->n, cap, t);
        if (kind == 0)
            break;
        prev_end = start + t.len;
        sep = false;
    }
    out->n--; /* the sentinel is v[n] */
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    return ds->nerrors == errors;
}

void stk_fmt_toks_free(struct stk_fmt_toks *t)
{
    if (t->v)
        for (size_t i = 0; i <= t->n; i++)
            free(t->v[i].comments);
    free(t->v);
    *t = (struct stk_fmt_toks){0};
}
