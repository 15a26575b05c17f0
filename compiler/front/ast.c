/* ast.c — constructors and destructors of the syntax tree (front/ast.h). */
#include <stdlib.h>

#include "front/ast.h"
#include "util.h"

struct stk_word stk_word_make(enum stk_word_kind kind, char *text, struct stk_loc loc)
{
    return (struct stk_word){.kind = kind, .text = text, .loc = loc};
}

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
