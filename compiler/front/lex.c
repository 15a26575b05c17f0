/* lex.c — the helpers the lexer (grammar/lexer.l) and the parser call:
 * positions, strings and escapes, bad bytes, nesting limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/lexer_state.h"
#include "util.h"

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
    if (lx->braces >= 0 && (size_t)lx->braces < sizeof lx->brace_at / sizeof lx->brace_at[0])
        lx->brace_at[lx->braces] = loc;
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
