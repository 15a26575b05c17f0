/* ast.h — the syntax tree the parser builds, exactly as written (no
 * resolution).  Semantic analysis (sema.c) turns it into IR (ir.h).
 *
 * Policy statements other than `seccomp` are kept generic (a directive: a
 * name, arguments, an optional block) so the grammar stays small and sema
 * can give precise "unknown directive 'usr'; did you mean 'user'?" errors. */
#ifndef STK_AST_H
#define STK_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum stk_word_kind {
    STK_W_NAME,   /* identifier-like: www-data, net_bind_service, cpu.max, x86_64 */
    STK_W_NUMBER, /* numeric literal with optional suffix: 1024, 0x10, 64M, 50% */
    STK_W_STRING, /* "quoted" (text is unescaped) */
    STK_W_PATH,   /* starts with / or ./ or ../ */
    STK_W_GROUP,  /* @group-name (text without the @) */
    STK_W_ASSIGN, /* NAME=VALUE (text = name, value = value) */
};

struct stk_word {
    enum stk_word_kind kind;
    char *text;
    char *value; /* STK_W_ASSIGN only */
    struct stk_loc loc;
};

struct stk_words {
    struct stk_word *v;
    size_t n, cap;
};

enum stk_expr_kind {
    STK_E_OR,
    STK_E_AND,
    STK_E_NOT,
    STK_E_CMP,   /* a op b */
    STK_E_IN,    /* a in (list) */
    STK_E_NOTIN, /* a not in (list) */
    STK_E_BAND,  /* a & b */
    STK_E_BOR,   /* a | b */
    STK_E_NAME,  /* argument or constant name */
    STK_E_NUM,
};

struct stk_expr {
    enum stk_expr_kind kind;
    int op; /* STK_E_CMP: enum stk_cmp_op from ir.h */
    struct stk_expr *a, *b;
    struct stk_expr **list; /* IN/NOTIN */
    size_t nlist;
    char *name;     /* NAME */
    uint64_t num;   /* NUM */
    struct stk_loc loc;
};

enum stk_stmt_kind {
    STK_S_DIRECTIVE, /* name args... [{ block }] */
    STK_S_SECCOMP,   /* seccomp { rules } */
    STK_S_RULE,      /* inside seccomp: ACTION names [if expr] */
    STK_S_DEFAULT,   /* inside seccomp: default ACTION */
};

struct stk_action_ast {
    char *name; /* allow, log, errno, trap, trace, notify, kill-thread, kill-process, kill */
    struct stk_word *param; /* errno NAME|NUMBER, trace NUMBER; NULL otherwise */
    struct stk_loc loc;
};

struct stk_stmt;
struct stk_stmts {
    struct stk_stmt **v;
    size_t n, cap;
};

struct stk_stmt {
    enum stk_stmt_kind kind;
    struct stk_loc loc; /* the statement's first token */
    /* DIRECTIVE */
    char *name;
    struct stk_words args;
    bool has_block;
    struct stk_stmts block; /* DIRECTIVE with block, SECCOMP */
    /* RULE / DEFAULT */
    struct stk_action_ast action;
    struct stk_words syscalls; /* RULE: names and @groups */
    struct stk_expr *cond;     /* RULE: NULL without `if` */
    /* EXPECT (inside a test block; kind STK_S_DIRECTIVE, name "expect"):
     * args[call_word] may be written as a call, NAME(ARG, ...), whose
     * arguments are call_args; `{ a, b }` after the words is a set. */
    bool has_call;
    size_t call_word;
    struct stk_words call_args;
    bool has_set;
    struct stk_words set;
};

/* STK_I_TEST: `test NAME for POLICY { expect ... }` (docs/language.md): name is the
 * test's, extends the policy under test, body the expectations.  Only
 * `check` and `test` look at tests; compiling a policy ignores them. */
enum stk_item_kind { STK_I_INCLUDE, STK_I_GROUP, STK_I_POLICY, STK_I_TEST };

struct stk_item {
    enum stk_item_kind kind;
    struct stk_loc loc;
    char *name;          /* include path, group name (without @), policy name */
    struct stk_loc name_loc;
    char *extends;       /* POLICY: parent name or NULL; TEST: the policy under test */
    struct stk_loc extends_loc;
    struct stk_words members; /* GROUP */
    struct stk_stmts body;    /* POLICY; TEST: the expectations */
};

struct stk_file_ast {
    uint32_t file; /* source index in the diags */
    struct stk_item **items;
    size_t nitems, capitems;
};

/* Parse one registered source into an AST; syntax errors go to ds.
 * Always returns a (possibly partial) AST. */
struct stk_file_ast *stk_parse(struct stk_diags *ds, uint32_t file); /* parse.c */
void stk_file_ast_free(struct stk_file_ast *f);

/* Constructors used by the parser (ast.c). */
struct stk_word stk_word_make(enum stk_word_kind kind, char *text, struct stk_loc loc);
struct stk_expr *stk_expr_new(enum stk_expr_kind kind, struct stk_loc loc);
void stk_expr_free(struct stk_expr *e);
struct stk_stmt *stk_stmt_new(enum stk_stmt_kind kind, struct stk_loc loc);
void stk_stmt_free(struct stk_stmt *s);
void stk_words_push(struct stk_words *w, struct stk_word word);
void stk_words_free(struct stk_words *w);
void stk_stmts_push(struct stk_stmts *s, struct stk_stmt *st);
void stk_stmts_free(struct stk_stmts *s);
struct stk_item *stk_item_new(enum stk_item_kind kind, struct stk_loc loc);
void stk_item_free(struct stk_item *it);

/* Maximum nesting of expressions/blocks the parser accepts. */
#define STK_MAX_NESTING 64
/* Maximum operators (&& || ! & |) in one statement: bounds the depth of
 * expression trees, which every later pass walks recursively. */
#define STK_MAX_OPERATORS 1000

#endif
