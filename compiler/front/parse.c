/* parse.c — drives the flex/bison front end over one source file, and the
 * lexer helpers it calls (positions, strings, bad bytes, nesting limits). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/ast.h"
#include "front/lexer_state.h"
#include "parser.h"
#include "util.h"
/* lexer.h must come after parser.h (it needs YYSTYPE). */
#include "lexer.h"

void stk_lex_advance(struct stk_lexer *lx, struct stk_loc *loc, const char *text, int len)
{
    loc->file = lx->file;
    loc->line = lx->line;
    loc->col = lx->col;
    loc->end_col = lx->col + (len > 0 ? (uint32_t)len - 1 : 0);
    for (int i = 0; i < len; i++) {
        if (text[i] == '\n') {
            lx->line++;
            lx->col = 1;
        } else {
            lx->col++;
        }
    }
    if (len > 0 && text[0] != ' ' && text[0] != '\t' && text[0] != '\r' && text[0] != '#' && text[0] != '\n') {
        size_t n = (size_t)len < sizeof lx->last_text - 4 ? (size_t)len : sizeof lx->last_text - 4;
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            lx->last_text[j++] = (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?';
        if ((size_t)len > n) {
            memcpy(lx->last_text + j, "...", 3);
            j += 3;
        }
        lx->last_text[j] = '\0';
        if (loc->end_col < loc->col)
            loc->end_col = loc->col;
    }
    /* A token that spans lines (strings cannot) ends on its first line. */
    if (memchr(text, '\n', (size_t)len) && len > 1)
        loc->end_col = loc->col;
}

void stk_lex_error(struct stk_lexer *lx, struct stk_loc loc, const char *msg, const char *hint)
{
    if (lx->stop)
        return;
    const char *code = strncmp(msg, "expected", 8) == 0 ||
                               (strncmp(msg, "unexpected", 10) == 0 && strncmp(msg, "unexpected character", 20) != 0)
                           ? "syntax"
                           : "lex";
    if (!stk_diag(lx->ds, STK_SEV_ERROR, code, loc, hint, "%s", msg))
        lx->stop = true;
}

static char *unescape(struct stk_lexer *lx, const char *text, size_t len, struct stk_loc loc)
{
    char *out = stk_xmalloc(len + 1);
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '\\' || i + 1 >= len) {
            out[j++] = text[i];
            continue;
        }
        char c = text[++i];
        switch (c) {
        case 'n': out[j++] = '\n'; break;
        case 't': out[j++] = '\t'; break;
        case '\\': out[j++] = '\\'; break;
        case '"': out[j++] = '"'; break;
        default: {
            struct stk_loc l = loc;
            l.col = loc.col + (uint32_t)i;
            l.end_col = l.col;
            char msg[64];
            snprintf(msg, sizeof msg, "unknown escape sequence '\\%c'", c >= 0x20 && c < 0x7f ? c : '?');
            stk_lex_error(lx, l, msg, "use \\\\, \\\", \\n or \\t");
            out[j++] = c;
        }
        }
    }
    out[j] = '\0';
    return out;
}

char *stk_lex_unquote(struct stk_lexer *lx, const char *text, size_t len, struct stk_loc loc)
{
    return unescape(lx, text, len, loc);
}

void stk_lex_assign(struct stk_lexer *lx, struct stk_loc loc, const char *text, size_t len, char **name,
                    char **value)
{
    const char *eq = memchr(text, '=', len);
    size_t nlen = (size_t)(eq - text);
    *name = stk_xstrndup(text, nlen);
    const char *v = eq + 1;
    size_t vlen = len - nlen - 1;
    if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
        *value = unescape(lx, v + 1, vlen - 2, loc);
    else
        *value = stk_xstrndup(v, vlen);
}

static bool too_deep(struct stk_lexer *lx, struct stk_loc loc)
{
    if (lx->paren + lx->braces <= STK_MAX_NESTING)
        return false;
    char msg[96];
    snprintf(msg, sizeof msg, "nesting deeper than %d levels", STK_MAX_NESTING);
    stk_lex_error(lx, loc, msg, "simplify the expression; the rest of this file is not checked");
    lx->stop = true;
    return true;
}

bool stk_lex_open(struct stk_lexer *lx, struct stk_loc loc)
{
    lx->paren++;
    return too_deep(lx, loc);
}

bool stk_lex_open_block(struct stk_lexer *lx, struct stk_loc loc)
{
    lx->braces++;
    return too_deep(lx, loc);
}

bool stk_lex_operator(struct stk_lexer *lx, struct stk_loc loc)
{
    if (++lx->operators <= STK_MAX_OPERATORS)
        return false;
    char msg[96];
    snprintf(msg, sizeof msg, "expression has more than %d operators", STK_MAX_OPERATORS);
    stk_lex_error(lx, loc, msg, "split the rule; the rest of this file is not checked");
    lx->stop = true;
    return true;
}

bool stk_lex_bad_char(struct stk_lexer *lx, struct stk_loc loc, unsigned char c)
{
    char msg[80];
    if (c == 0)
        snprintf(msg, sizeof msg, "invalid NUL byte in policy text");
    else if (c >= 0x20 && c < 0x7f)
        snprintf(msg, sizeof msg, "unexpected character '%c'", c);
    else
        snprintf(msg, sizeof msg, "invalid byte 0x%02x in policy text", c);
    stk_lex_error(lx, loc, msg, c >= 0x80 ? "policy files are ASCII outside of quoted strings" : NULL);
    return lx->stop;
}

_Noreturn void stk_lex_fatal(const char *msg)
{
    fprintf(stderr, "stockade: lexer: %s\n", msg);
    exit(2);
}

struct stk_word stk_word_make(enum stk_word_kind kind, char *text, struct stk_loc loc)
{
    return (struct stk_word){.kind = kind, .text = text, .loc = loc};
}

/* ---- AST constructors -------------------------------------------------- */

struct stk_expr *stk_expr_new(enum stk_expr_kind kind, struct stk_loc loc)
{
    struct stk_expr *e = stk_xcalloc(1, sizeof *e);
    e->kind = kind;
    e->loc = loc;
    return e;
}

void stk_expr_free(struct stk_expr *e)
{
    if (!e)
        return;
    stk_expr_free(e->a);
    stk_expr_free(e->b);
    for (size_t i = 0; i < e->nlist; i++)
        stk_expr_free(e->list[i]);
    free(e->list);
    free(e->name);
    free(e);
}

struct stk_stmt *stk_stmt_new(enum stk_stmt_kind kind, struct stk_loc loc)
{
    struct stk_stmt *s = stk_xcalloc(1, sizeof *s);
    s->kind = kind;
    s->loc = loc;
    return s;
}

void stk_stmt_free(struct stk_stmt *s)
{
    if (!s)
        return;
    free(s->name);
    stk_words_free(&s->args);
    stk_stmts_free(&s->block);
    free(s->action.name);
    if (s->action.param) {
        free(s->action.param->text);
        free(s->action.param->value);
        free(s->action.param);
    }
    stk_words_free(&s->syscalls);
    stk_expr_free(s->cond);
    stk_words_free(&s->call_args);
    stk_words_free(&s->set);
    free(s);
}

void stk_words_push(struct stk_words *w, struct stk_word word)
{
    STK_PUSH(w->v, w->n, w->cap, word);
}

void stk_words_free(struct stk_words *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->v[i].text);
        free(w->v[i].value);
    }
    free(w->v);
    w->v = NULL;
    w->n = w->cap = 0;
}

void stk_stmts_push(struct stk_stmts *s, struct stk_stmt *st)
{
    STK_PUSH(s->v, s->n, s->cap, st);
}

void stk_stmts_free(struct stk_stmts *s)
{
    for (size_t i = 0; i < s->n; i++)
        stk_stmt_free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

struct stk_item *stk_item_new(enum stk_item_kind kind, struct stk_loc loc)
{
    struct stk_item *it = stk_xcalloc(1, sizeof *it);
    it->kind = kind;
    it->loc = loc;
    return it;
}

void stk_item_free(struct stk_item *it)
{
    if (!it)
        return;
    free(it->name);
    free(it->extends);
    stk_words_free(&it->members);
    stk_stmts_free(&it->body);
    free(it);
}

void stk_file_ast_free(struct stk_file_ast *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nitems; i++)
        stk_item_free(f->items[i]);
    free(f->items);
    free(f);
}

/* ---- driver ------------------------------------------------------------- */

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
