/* fmt.c — the canonical layout of a policy (docs/language.md, "Style").
 *
 * Rules: four spaces per block level; one statement a line (a `;` becomes a
 * line break); a block holding more than one statement, a nested block or
 * a comment opens and closes on lines of its own, a block with one short
 * statement may stay on its line (`capabilities { keep chown }`); one space
 * between tokens, none before `,` and `)` or after `(` and `!`, none between
 * a call's name and its `(` in a test expectation; a line the author broke
 * after a `,` or inside parentheses stays broken there (the author's grouping
 * of a long list is kept, as gofmt keeps it) and continues four spaces deeper
 * than its statement (list blocks such as a group's members: at the block's
 * level); a line longer than STK_FMT_WIDTH is wrapped after a `,` or before
 * an operator inside parentheses; at most one blank line, none after `{` or
 * before `}`; comments stay where they were (at the end of their line, or on
 * lines of their own at the level of what follows); one newline at the end.
 * Every break the formatter adds is one the lexer ignores or a statement
 * separator the parser accepts there, so the tokens do not change. */
#include <stdlib.h>
#include <string.h>

#include "front/fmt.h"
#include "parser.h"
#include "util.h"

struct blk_info {
    size_t close;   /* index of the matching '}' */
    bool list;      /* a list of names (group members, a test's set), not statements */
    bool expanded;  /* opens and closes on lines of its own */
};

struct blk {
    size_t open;
    uint32_t base;        /* indent of the line the block's statement started on */
    uint32_t saved_stmt;  /* stmt_indent outside the block */
};

struct fmt {
    const struct stk_fmt_toks *t;
    struct blk_info *info; /* per token; meaningful for '{' */
    struct stk_buf out;
    uint32_t col;          /* column after the last byte of the current line */
    bool line_start;       /* nothing on the current line yet */
    bool after_open;       /* the last line ended with an expanded block's '{' */
    uint32_t line_indent, stmt_indent;
    struct blk *stack;
    size_t depth, capstack;
    int paren;
    bool in_test;          /* inside a top-level `test ... { }` item */
    bool in_level;         /* in a `level` statement: an SELinux level is one value (s0:c1,c2) */
};

static bool is_binop(int k)
{
    return k == '|' || k == '&' || k == ANDAND || k == OROR || k == CMP;
}

static bool tok_is(const struct stk_fmt_tok *t, const char *s)
{
    return t->len == strlen(s) && memcmp(t->text, s, t->len) == 0;
}

/* Whether tok follows prev with a space when on the same line. */
static bool space_between(const struct stk_fmt_tok *prev, const struct stk_fmt_tok *tok, const struct fmt *f)
{
    if (prev->kind == ',' && f->in_level)
        return false;
    if (tok->kind == ',' || tok->kind == ')')
        return false;
    if (prev->kind == '(' || prev->kind == '!')
        return false;
    if (prev->kind == '{' && tok->kind == '}')
        return false;
    if (tok->kind == '(' && prev->kind == WORD && f)
        return false;
    return true;
}

/* Width of what must stay on the line with token i: the token, what follows
 * it without a space, and for an operator its right operand's first token. */
static size_t chunk(const struct fmt *f, size_t i)
{
    const struct stk_fmt_tok *v = f->t->v;
    size_t w = v[i].len;
    bool op = is_binop(v[i].kind);
    while (i + 1 < f->t->n && !v[i + 1].comments && !v[i + 1].nl_before &&
           (!space_between(&v[i], &v[i + 1], f) || op)) {
        w += v[i + 1].len + (space_between(&v[i], &v[i + 1], f) ? 1 : 0);
        op = false;
        i++;
    }
    return w;
}

/* Where each block closes, whether it lists names, whether it is expanded. */
static void analyse_blocks(struct fmt *f)
{
    const struct stk_fmt_toks *t = f->t;
    size_t *open = NULL, n = 0, cap = 0;
    bool test_item = false;
    for (size_t i = 0; i < t->n; i++) {
        const struct stk_fmt_tok *k = &t->v[i];
        if (n == 0 && (k->kind == INCLUDE || k->kind == GROUP || k->kind == POLICY || tok_is(k, "test")))
            test_item = tok_is(k, "test");
        if (n > 0 && (k->comments || (k->sep_before && k->kind != '}')))
            f->info[open[n - 1]].expanded = true;
        if (k->kind == '{') {
            if (n > 0)
                f->info[open[n - 1]].expanded = true;
            struct blk_info *b = &f->info[i];
            b->list = (n == 0 && i >= 2 && t->v[i - 1].kind == GROUPREF && t->v[i - 2].kind == GROUP) ||
                      (n > 0 && test_item);
            b->expanded = !b->list && t->v[i + 1].nl_before > 0;
            STK_PUSH(open, n, cap, i);
        } else if (k->kind == '}' && n > 0) {
            struct blk_info *b = &f->info[open[--n]];
            b->close = i;
            if (k->nl_before > 0)
                b->expanded = true;
            if (b->list)
                b->expanded = false;
        }
    }
    free(open);
}

static void end_line(struct fmt *f)
{
    if (!f->line_start)
        stk_buf_put(&f->out, "\n", 1);
    f->line_start = true;
    f->col = 0;
}

static void blank_line(struct fmt *f)
{
    end_line(f);
    if (f->out.len > 0 && !f->after_open && !(f->out.len >= 2 && f->out.data[f->out.len - 2] == '\n'))
        stk_buf_put(&f->out, "\n", 1);
}

static void indent(struct fmt *f, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        stk_buf_put(&f->out, " ", 1);
    f->col = n;
    f->line_indent = n;
    f->line_start = false;
}

static void put(struct fmt *f, const char *s, size_t len)
{
    stk_buf_put(&f->out, s, len);
    f->col += (uint32_t)len;
    f->line_start = false;
}

static uint32_t stmt_level(const struct fmt *f)
{
    return f->depth ? f->stack[f->depth - 1].base + 4 : 0;
}

static const struct blk_info *top_info(const struct fmt *f)
{
    return f->depth ? &f->info[f->stack[f->depth - 1].open] : NULL;
}

enum brk { B_NONE, B_STMT, B_CLOSE, B_AUTHOR };

/* What goes between token i-1 and token i. */
static enum brk break_before(const struct fmt *f, size_t i)
{
    const struct stk_fmt_tok *tok = &f->t->v[i];
    const struct stk_fmt_tok *prev = i ? &f->t->v[i - 1] : NULL;
    const struct blk_info *b = top_info(f);
    if (!prev || tok->kind == 0)
        return B_STMT;
    if (tok->kind == '}')
        return b && b->expanded ? B_CLOSE : tok->nl_before > 0 ? B_AUTHOR : B_NONE;
    if (!b)
        return tok->sep_before || prev->kind == '}' || tok->kind == INCLUDE || tok->kind == GROUP ||
                       tok->kind == POLICY
                   ? B_STMT
                   : B_NONE;
    if (tok->sep_before || (prev->kind == '{' && b->expanded))
        return B_STMT;
    return tok->nl_before > 0 || tok->comments ? B_AUTHOR : B_NONE;
}

/* The indent of a line that starts with token i after a break of kind k. */
static uint32_t indent_for(const struct fmt *f, size_t i, enum brk k)
{
    const struct blk_info *b = top_info(f);
    if (k == B_CLOSE || (f->t->v[i].kind == '}' && f->depth))
        return f->stack[f->depth - 1].base;
    if (k == B_STMT || (b && b->list && f->paren == 0))
        return stmt_level(f);
    return f->stmt_indent + 4;
}

static void comments(struct fmt *f, size_t i, enum brk k)
{
    const struct stk_fmt_tok *tok = &f->t->v[i];
    for (size_t c = 0; c < tok->ncomments; c++) {
        const struct stk_fmt_comment *cm = &tok->comments[c];
        if (cm->nl_before == 0 && !f->line_start) {
            put(f, "  ", 2);
        } else {
            if (cm->nl_before >= 2)
                blank_line(f);
            end_line(f);
            /* before a '}', at the level of the block's contents */
            uint32_t n = tok->kind == '}' && f->depth ? stmt_level(f) : indent_for(f, i, k);
            if (tok->kind == 0)
                n = 0;
            indent(f, n);
        }
        put(f, cm->text, cm->len);
        end_line(f);
        f->after_open = false;
    }
}

static void token(struct fmt *f, size_t i)
{
    const struct stk_fmt_tok *tok = &f->t->v[i];
    const struct stk_fmt_tok *prev = i ? &f->t->v[i - 1] : NULL;
    enum brk k = break_before(f, i);
    comments(f, i, k);
    if (tok->kind == 0)
        return;
    if (k == B_NONE && !f->line_start && prev) {
        bool can_wrap = prev->kind == ',' || (f->paren > 0 && is_binop(tok->kind));
        size_t w = chunk(f, i) + (space_between(prev, tok, f) ? 1 : 0);
        /* only when it helps: the chunk fits on a continuation line */
        if (can_wrap && f->col + w > STK_FMT_WIDTH && indent_for(f, i, B_AUTHOR) + w - 1 <= STK_FMT_WIDTH)
            k = B_AUTHOR;
    }
    if (k != B_NONE || f->line_start) {
        bool blank = tok->nl_before >= 2 && tok->kind != '}';
        if (blank)
            blank_line(f);
        end_line(f);
        indent(f, indent_for(f, i, k));
        if (k == B_STMT || !prev)
            f->stmt_indent = f->line_indent;
    } else if (space_between(prev, tok, f)) {
        put(f, " ", 1);
    }
    if (prev && prev->kind == '{' && !f->info[i - 1].expanded && !f->info[i - 1].list && tok->kind != '}')
        f->stmt_indent = f->line_indent; /* a one-statement block's statement starts mid-line */
    if (f->depth == 0 && k == B_STMT)
        f->in_test = tok_is(tok, "test");
    if (k == B_STMT || (prev && prev->kind == '{'))
        f->in_level = tok_is(tok, "level");
    put(f, tok->text, tok->len);
    f->after_open = false;
    switch (tok->kind) {
    case '(': f->paren++; break;
    case ')':
        if (f->paren > 0)
            f->paren--;
        break;
    case '{': {
        struct blk b = {.open = i, .base = f->stmt_indent, .saved_stmt = f->stmt_indent};
        STK_PUSH(f->stack, f->depth, f->capstack, b);
        f->after_open = f->info[i].expanded;
        break;
    }
    case '}':
        f->paren = 0;
        if (f->depth > 0)
            f->stmt_indent = f->stack[--f->depth].saved_stmt;
        break;
    default: break;
    }
}

char *stk_fmt(struct stk_diags *ds, uint32_t file, size_t *len)
{
    struct stk_fmt_toks t;
    if (!stk_fmt_tokens(ds, file, &t)) {
        stk_fmt_toks_free(&t);
        return NULL;
    }
    struct fmt f = {.t = &t, .line_start = true};
    f.info = stk_xcalloc(t.n + 1, sizeof *f.info);
    analyse_blocks(&f);
    for (size_t i = 0; i <= t.n; i++)
        token(&f, i);
    end_line(&f);
    stk_buf_put(&f.out, "", 1); /* NUL */
    *len = f.out.len - 1;
    free(f.info);
    free(f.stack);
    stk_fmt_toks_free(&t);
    return f.out.data;
}
