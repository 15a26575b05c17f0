/* parser.y — grammar of the stockade policy language (docs/language.md).
 *
 * The grammar keeps policy statements generic (`name args [{ block }]`) and
 * gives structure only where it matters for reading: includes, groups,
 * policies, seccomp rules and their argument expressions.  Semantic checks
 * (what a directive means, names, types) are in compiler/sema*.c.
 *
 * Error recovery: a bad statement is skipped up to the next newline or `;`
 * and parsing goes on, so every error in a file is reported in one run. */

%define api.pure full
%define api.location.type {struct stk_loc}
%define parse.error custom
%locations
%param {void *scanner}
%parse-param {struct stk_lexer *lx}

%code requires {
#include "front/ast.h"
#include "front/lexer_state.h"
}

%code provides {
int yylex(YYSTYPE *yylval, YYLTYPE *yylloc, void *scanner);
}

%code {
#include <stdio.h>
#include <string.h>
#include "ir/ir.h"
#include "util.h"

/* A node's location is its first token's; end_col extends over tokens on the same line. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                   \
    do {                                                                              \
        if (N) {                                                                      \
            (Cur) = YYRHSLOC(Rhs, 1);                                                 \
            if (YYRHSLOC(Rhs, N).line == (Cur).line && YYRHSLOC(Rhs, N).end_col > (Cur).end_col) \
                (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                             \
        } else {                                                                      \
            (Cur) = YYRHSLOC(Rhs, 0);                                                 \
            (Cur).col = (Cur).end_col;                                                \
        }                                                                             \
    } while (0)

#define YYMAXDEPTH 4000

static struct stk_expr *bin(enum stk_expr_kind k, struct stk_expr *a, struct stk_expr *b, struct stk_loc loc)
{
    struct stk_expr *e = stk_expr_new(k, loc);
    e->a = a;
    e->b = b;
    return e;
}

static void yyerror(YYLTYPE *loc, void *scanner, struct stk_lexer *lx, const char *msg)
{
    (void)scanner;
    if (!lx->stop && strcmp(msg, "memory exhausted") != 0) /* stk_parse reports it as too-complex */
        stk_lex_error(lx, *loc, msg, NULL);
}
}

%union {
    char *str;
    int op;
    struct { char *name, *value; } kv;
    struct stk_word word;
    struct stk_words words;
    struct stk_expr *expr;
    struct { struct stk_expr **v; size_t n, cap; } elist;
    struct stk_stmt *stmt;
    struct stk_stmts stmts;
    struct stk_action_ast action;
    struct stk_item *item;
}

%token <str> WORD "name"
%token <str> NUMBER "number"
%token <str> STRING "string"
%token <str> PATH "path"
%token <str> GROUPREF "@group"
%token <str> ACTION "action"
%token <str> ACTION_ARG "action with a value"
%token <kv> ASSIGN "NAME=VALUE"
%token <op> CMP "comparison"
%token INCLUDE "include" GROUP "group" POLICY "policy" EXTENDS "extends" SECCOMP "seccomp"
%token IF "if" IN "in" NOT "not" TEST "test"
%token NEWLINE "end of line" ANDAND "&&" OROR "||"

%type <word> arg sname actarg
%type <words> args namelist gmembers
%type <expr> expr
%type <elist> elist
%type <stmt> stmt sstmt texp tstmt
%type <stmts> stmt_list sstmt_list block sblock tblock tstmt_list
%type <words> cargs
%type <str> tname
%type <action> action
%type <item> item
%type <str> dname

%destructor { free($$); } <str>
%destructor { free($$.name); free($$.value); } <kv>
%destructor { free($$.text); free($$.value); } <word>
%destructor { stk_words_free(&$$); } <words>
%destructor { stk_expr_free($$); } <expr>
%destructor { for (size_t i = 0; i < $$.n; i++) stk_expr_free($$.v[i]); free($$.v); } <elist>
%destructor { stk_stmt_free($$); } <stmt>
%destructor { stk_stmts_free(&$$); } <stmts>
%destructor { free($$.name); if ($$.param) { free($$.param->text); free($$.param); } } <action>
%destructor { stk_item_free($$); } <item>

%left OROR
%left ANDAND
%precedence '!'
%nonassoc CMP IN NOT
%left '|'
%left '&'

%%

file:
      %empty
    | file item            { STK_PUSH(lx->ast->items, lx->ast->nitems, lx->ast->capitems, $2); }
    | file sep
    | file error sep       { yyerrok; }
    ;

sep: NEWLINE | ';' ;

item:
      INCLUDE STRING       { $$ = stk_item_new(STK_I_INCLUDE, @1); $$->name = $2; $$->name_loc = @2; }
    | GROUP GROUPREF '{' gmembers '}' {
            $$ = stk_item_new(STK_I_GROUP, @1); $$->name = $2; $$->name_loc = @2; $$->members = $4;
        }
    | POLICY WORD block    { $$ = stk_item_new(STK_I_POLICY, @1); $$->name = $2; $$->name_loc = @2; $$->body = $3; }
    | POLICY WORD EXTENDS WORD block {
            $$ = stk_item_new(STK_I_POLICY, @1); $$->name = $2; $$->name_loc = @2;
            $$->extends = $4; $$->extends_loc = @4; $$->body = $5;
        }
    | TEST tname WORD WORD tblock {
            /* test NAME for POLICY { expect ... } (`test` is a keyword only here, `for` never) */
            $$ = stk_item_new(STK_I_TEST, @1); $$->name = $2; $$->name_loc = @2;
            $$->extends = $4; $$->extends_loc = @4; $$->body = $5;
            if (strcmp($3, "for") != 0)
                stk_lex_error(lx, @3, "expected 'for' after the test's name", "test NAME for POLICY { expect ... }");
            free($3);
        }
    ;

tname: WORD { $$ = $1; } | STRING { $$ = $1; } ;

/* A test block: one expectation per line, `expect WORDS [NAME(ARGS)] [WORDS] [{ SET }]`. */
tblock:
      '{' tstmt_list '}'        { $$ = $2; }
    | '{' tstmt_list tstmt '}'  { $$ = $2; stk_stmts_push(&$$, $3); }
    | '{' tstmt_list error '}'  { $$ = $2; yyerrok; }
    ;

tstmt_list:
      %empty                    { $$ = (struct stk_stmts){0}; }
    | tstmt_list sep            { $$ = $1; }
    | tstmt_list tstmt sep      { $$ = $1; stk_stmts_push(&$$, $2); }
    | tstmt_list error sep      { $$ = $1; yyerrok; }
    ;

tstmt:
      texp                      { $$ = $1; }
    | texp '{' gmembers '}'     { $$ = $1; $$->has_set = true; $$->set = $3; }
    ;

texp:
      WORD                      { $$ = stk_stmt_new(STK_S_DIRECTIVE, @1); $$->name = $1; }
    | texp arg                  { $$ = $1; stk_words_push(&$$->args, $2); }
    | texp ',' arg              { $$ = $1; stk_words_push(&$$->args, $3); }
    | texp SECCOMP              { $$ = $1; stk_words_push(&$$->args, stk_word_make(STK_W_NAME, stk_xstrdup("seccomp"), @2)); }
    | texp WORD '(' cargs ')'   {
            $$ = $1;
            if ($$->has_call) {
                stk_lex_error(lx, @2, "an expectation names one call", NULL);
                stk_words_free(&$$->call_args);
            }
            $$->has_call = true; $$->call_word = $$->args.n; $$->call_args = $4;
            stk_words_push(&$$->args, stk_word_make(STK_W_NAME, $2, @2));
        }
    ;

cargs:
      %empty                    { $$ = (struct stk_words){0}; }
    | arg                       { $$ = (struct stk_words){0}; stk_words_push(&$$, $1); }
    | cargs ',' arg             { $$ = $1; stk_words_push(&$$, $3); }
    ;

gmembers:
      %empty               { $$ = (struct stk_words){0}; }
    | gmembers sname       { $$ = $1; stk_words_push(&$$, $2); }
    | gmembers ','         { $$ = $1; }
    | gmembers NEWLINE     { $$ = $1; }
    ;

block:
      '{' stmt_list '}'        { $$ = $2; }
    | '{' stmt_list stmt '}'   { $$ = $2; stk_stmts_push(&$$, $3); }
    | '{' stmt_list error '}'  { $$ = $2; yyerrok; }
    ;

stmt_list:
      %empty                   { $$ = (struct stk_stmts){0}; }
    | stmt_list sep            { $$ = $1; }
    | stmt_list stmt sep       { $$ = $1; stk_stmts_push(&$$, $2); }
    | stmt_list error sep      { $$ = $1; yyerrok; }
    ;

stmt:
      SECCOMP sblock           { $$ = stk_stmt_new(STK_S_SECCOMP, @1); $$->has_block = true; $$->block = $2; }
    | dname args               { $$ = stk_stmt_new(STK_S_DIRECTIVE, @1); $$->name = $1; $$->args = $2; }
    | dname args block         {
            $$ = stk_stmt_new(STK_S_DIRECTIVE, @1); $$->name = $1; $$->args = $2;
            $$->has_block = true; $$->block = $3;
        }
    ;

dname: WORD { $$ = $1; } | GROUP { $$ = stk_xstrdup("group"); } ;

args:
      %empty                   { $$ = (struct stk_words){0}; }
    | args arg                 { $$ = $1; stk_words_push(&$$, $2); }
    | args ',' arg             { $$ = $1; stk_words_push(&$$, $3); }
    ;

arg:
      WORD       { $$ = stk_word_make(STK_W_NAME, $1, @1); }
    | ACTION     { $$ = stk_word_make(STK_W_NAME, $1, @1); }
    | ACTION_ARG { $$ = stk_word_make(STK_W_NAME, $1, @1); }
    | NUMBER     { $$ = stk_word_make(STK_W_NUMBER, $1, @1); }
    | STRING     { $$ = stk_word_make(STK_W_STRING, $1, @1); }
    | PATH       { $$ = stk_word_make(STK_W_PATH, $1, @1); }
    | GROUPREF   { $$ = stk_word_make(STK_W_GROUP, $1, @1); }
    | ASSIGN     { $$ = stk_word_make(STK_W_ASSIGN, $1.name, @1); $$.value = $1.value; }
    | IN         { $$ = stk_word_make(STK_W_NAME, stk_xstrdup("in"), @1); }
    | NOT        { $$ = stk_word_make(STK_W_NAME, stk_xstrdup("not"), @1); }
    | GROUP      { $$ = stk_word_make(STK_W_NAME, stk_xstrdup("group"), @1); }
    ;

sblock:
      '{' sstmt_list '}'        { $$ = $2; }
    | '{' sstmt_list sstmt '}'  { $$ = $2; stk_stmts_push(&$$, $3); }
    | '{' sstmt_list error '}'  { $$ = $2; yyerrok; }
    ;

sstmt_list:
      %empty                    { $$ = (struct stk_stmts){0}; }
    | sstmt_list sep            { $$ = $1; }
    | sstmt_list sstmt sep      { $$ = $1; stk_stmts_push(&$$, $2); }
    | sstmt_list error sep      { $$ = $1; yyerrok; }
    ;

sstmt:
      action namelist           { $$ = stk_stmt_new(STK_S_RULE, @1); $$->action = $1; $$->syscalls = $2; }
    | action namelist IF expr   {
            $$ = stk_stmt_new(STK_S_RULE, @1); $$->action = $1; $$->syscalls = $2; $$->cond = $4;
        }
    | WORD args                 { $$ = stk_stmt_new(STK_S_DIRECTIVE, @1); $$->name = $1; $$->args = $2; }
    ;

action:
      ACTION                    { $$ = (struct stk_action_ast){.name = $1, .loc = @1}; }
    | ACTION_ARG actarg         {
            $$ = (struct stk_action_ast){.name = $1, .loc = @$};
            $$.param = stk_xmalloc(sizeof *$$.param);
            *$$.param = $2;
        }
    ;

actarg:
      WORD       { $$ = stk_word_make(STK_W_NAME, $1, @1); }
    | NUMBER     { $$ = stk_word_make(STK_W_NUMBER, $1, @1); }
    ;

namelist:
      sname                     { $$ = (struct stk_words){0}; stk_words_push(&$$, $1); }
    | namelist ',' sname        { $$ = $1; stk_words_push(&$$, $3); }
    ;

sname:
      WORD       { $$ = stk_word_make(STK_W_NAME, $1, @1); }
    | ACTION     { $$ = stk_word_make(STK_W_NAME, $1, @1); }
    | SECCOMP    { $$ = stk_word_make(STK_W_NAME, stk_xstrdup("seccomp"), @1); }
    | GROUPREF   { $$ = stk_word_make(STK_W_GROUP, $1, @1); }
    ;

expr:
      expr OROR expr            { $$ = bin(STK_E_OR, $1, $3, @2); }
    | expr ANDAND expr          { $$ = bin(STK_E_AND, $1, $3, @2); }
    | '!' expr                  { $$ = bin(STK_E_NOT, $2, NULL, @1); }
    | expr CMP expr             { $$ = bin(STK_E_CMP, $1, $3, @2); $$->op = $2; }
    | expr IN '(' elist ')'     { $$ = bin(STK_E_IN, $1, NULL, @2); $$->list = $4.v; $$->nlist = $4.n; }
    | expr NOT IN '(' elist ')' { $$ = bin(STK_E_NOTIN, $1, NULL, @2); $$->list = $5.v; $$->nlist = $5.n; }
    | expr '|' expr             { $$ = bin(STK_E_BOR, $1, $3, @2); }
    | expr '&' expr             { $$ = bin(STK_E_BAND, $1, $3, @2); }
    | '(' expr ')'              { $$ = $2; }
    | WORD                      { $$ = stk_expr_new(STK_E_NAME, @1); $$->name = $1; }
    | NUMBER                    { $$ = stk_expr_new(STK_E_NUM, @1); $$->name = $1; }
    ;

elist:
      expr                      { $$.v = NULL; $$.n = $$.cap = 0; STK_PUSH($$.v, $$.n, $$.cap, $1); }
    | elist ',' expr            { $$ = $1; STK_PUSH($$.v, $$.n, $$.cap, $3); }
    ;

%%

/* "expected X or Y, found Z" — with the offending token's own text. */
static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, struct stk_lexer *lx)
{
    (void)scanner;
    if (lx->stop)
        return 0;
    enum { MAXEXP = 7 };
    yysymbol_kind_t exp[MAXEXP];
    int n = yypcontext_expected_tokens(ctx, exp, MAXEXP);
    yysymbol_kind_t tok = yypcontext_token(ctx);
    struct stk_buf msg = {0};
    if (n > 0) {
        stk_buf_puts(&msg, "expected ");
        for (int i = 0; i < n; i++) {
            if (i)
                stk_buf_puts(&msg, i == n - 1 ? " or " : ", ");
            const char *nm = yysymbol_name(exp[i]);
            size_t l = strlen(nm);
            if (l >= 2 && nm[0] == '"' && nm[l - 1] == '"')
                stk_buf_put(&msg, nm + 1, l - 2); /* "name" -> name */
            else if (exp[i] == YYSYMBOL_YYEOF)
                stk_buf_puts(&msg, "end of file");
            else
                stk_buf_puts(&msg, nm);
        }
        stk_buf_puts(&msg, ", found ");
    } else {
        stk_buf_puts(&msg, "unexpected ");
    }
    if (tok == YYSYMBOL_YYEOF)
        stk_buf_puts(&msg, "end of file");
    else if (tok == YYSYMBOL_NEWLINE)
        stk_buf_puts(&msg, "end of line");
    else if (lx->last_text[0])
        stk_buf_printf(&msg, "'%s'", lx->last_text);
    else
        stk_buf_printf(&msg, "%s", yysymbol_name(tok));
    const char *hint = NULL;
    if (tok == YYSYMBOL_NEWLINE && lx->last == NEWLINE)
        hint = "to continue on the next line, end the line with ',' (a list) or an operator such as '||'";
    if (tok == YYSYMBOL_YYEOF && lx->braces > 0)
        hint = lx->braces == 1 ? "a '{' is not closed: add the missing '}'"
                               : "some '{' are not closed: add the missing '}'";
    stk_lex_error(lx, *yypcontext_location(ctx), msg.data, hint);
    stk_buf_free(&msg);
    if (tok == YYSYMBOL_YYEOF && lx->braces > 0 &&
        (size_t)lx->braces <= sizeof lx->brace_at / sizeof lx->brace_at[0]) {
        /* the innermost block left open: where the missing '}' belongs */
        struct stk_loc at = lx->brace_at[lx->braces - 1];
        stk_diag(lx->ds, STK_SEV_NOTE, "syntax", at, NULL, "this '{' (line %u, column %u) is never closed",
                 at.line, at.col);
    }
    return 0;
}
