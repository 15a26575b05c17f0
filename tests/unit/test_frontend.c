/* test_frontend.c — the policy language front end (issue 2): lexer, parser,
 * name resolution, the IR it produces, and every diagnostic the compiler can
 * give, each asserted by code, severity, file, line, column, message and hint.
 * Everything goes through the public entry points (pipeline.h) and the
 * diagnostics store (diag.h), as `stockade check` uses them. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ast.h"
#include "consts.h"
#include "diag.h"
#include "ir.h"
#include "pipeline.h"
#include "syscalls.h"

#include "testlib.h"

/* ---- harness ------------------------------------------------------------- */

/* One compilation at a time; the previous one is freed when the next starts
 * (and at exit), so a failed CHECK that longjmps out of a test leaks nothing. */
static struct stk_diags ds;
static bool ds_live;
static struct stk_policy_ir *ir;
static char tmpdir[64];

static void reset(void)
{
    stk_policy_ir_free(ir);
    ir = NULL;
    if (ds_live)
        stk_diags_free(&ds);
    stk_diags_init(&ds);
    ds_live = true;
}

static struct stk_policy_ir *compile_len(const char *text, size_t len, const struct stk_compile_opts *o)
{
    reset();
    ir = stk_compile_text("t.stk", text, len, o, &ds);
    return ir;
}

static struct stk_policy_ir *compile(const char *text)
{
    return compile_len(text, strlen(text), NULL);
}

static const char *sev_str(enum stk_severity s)
{
    return s == STK_SEV_ERROR ? "error" : s == STK_SEV_WARNING ? "warning" : "note";
}

/* All diagnostics, for failure messages. */
static const char *dump(void)
{
    static char buf[1400];
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < ds.nd && n + 1 < sizeof buf; i++) {
        const struct stk_diag *d = &ds.d[i];
        int r = snprintf(buf + n, sizeof buf - n, "\n    [%s %s %u:%u:%u '%s' hint='%s']", sev_str(d->sev),
                         d->code, d->loc.file, d->loc.line, d->loc.col, d->message, d->hint ? d->hint : "");
        if (r < 0)
            break;
        n += (size_t)r;
    }
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    if (ds.nd == 0)
        snprintf(buf, sizeof buf, " (no diagnostics)");
    return buf;
}

/* The nth (0-based) diagnostic with this code and severity, or NULL. */
static const struct stk_diag *find_nth(enum stk_severity sev, const char *code, size_t nth)
{
    for (size_t i = 0; i < ds.nd; i++)
        if (ds.d[i].sev == sev && strcmp(ds.d[i].code, code) == 0 && nth-- == 0)
            return &ds.d[i];
    return NULL;
}

static size_t count_code(const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < ds.nd; i++)
        if (strcmp(ds.d[i].code, code) == 0)
            n++;
    return n;
}

/* Path of the source a diagnostic points into ("" for none). */
static const char *diag_path(const struct stk_diag *d)
{
    const struct stk_source *s = stk_diags_source(&ds, d->loc.file);
    return s ? s->path : "";
}

/* Assert the nth diagnostic with (sev, code): its line, column, exact message and
 * exact hint (NULL = must have none).  Returns it for further checks. */
static const struct stk_diag *expect_nth(int at, size_t nth, enum stk_severity sev, const char *code,
                                         unsigned line, unsigned col, const char *msg, const char *hint)
{
    const struct stk_diag *d = find_nth(sev, code, nth);
    if (!d)
        T_FAILF("(test line %d) no %s #%zu with code %s; got:%s", at, sev_str(sev), nth, code, dump());
    if (d->loc.line != line || d->loc.col != col)
        T_FAILF("(test line %d) %s at %u:%u, expected %u:%u; got:%s", at, code, d->loc.line, d->loc.col,
                line, col, dump());
    if (strcmp(d->message, msg) != 0)
        T_FAILF("(test line %d) %s message \"%s\", expected \"%s\"", at, code, d->message, msg);
    if ((hint == NULL) != (d->hint == NULL) || (hint && strcmp(hint, d->hint) != 0))
        T_FAILF("(test line %d) %s hint \"%s\", expected \"%s\"", at, code, d->hint ? d->hint : "(none)",
                hint ? hint : "(none)");
    return d;
}

/* The syntax error hint for a statement cut short by the end of its line. */
#define CONT_HINT "to continue on the next line, end the line with ',' (a list) or put a condition in parentheses"

/* The diagnostic with (sev, code) at line:col, whatever its rank. */
static const struct stk_diag *expect_at(int at, enum stk_severity sev, const char *code, unsigned line, unsigned col,
                                        const char *msg, const char *hint)
{
    for (size_t i = 0, nth = 0; i < ds.nd; i++) {
        const struct stk_diag *d = &ds.d[i];
        if (d->sev != sev || strcmp(d->code, code) != 0)
            continue;
        if (d->loc.line == line && d->loc.col == col)
            return expect_nth(at, nth, sev, code, line, col, msg, hint);
        nth++;
    }
    T_FAILF("(test line %d) no %s %s at %u:%u; got:%s", at, sev_str(sev), code, line, col, dump());
}

#define EXPECT_AT(sev, code, line, col, msg, hint) expect_at(__LINE__, (sev), (code), (line), (col), (msg), (hint))
#define EXPECT(sev, code, line, col, msg, hint) expect_nth(__LINE__, 0, (sev), (code), (line), (col), (msg), (hint))
#define EXPECT_NTH(nth, sev, code, line, col, msg, hint)                                           \
    expect_nth(__LINE__, (nth), (sev), (code), (line), (col), (msg), (hint))
#define EXPECT_ERR(code, line, col, msg, hint) EXPECT(STK_SEV_ERROR, code, line, col, msg, hint)
#define EXPECT_WARN(code, line, col, msg, hint) EXPECT(STK_SEV_WARNING, code, line, col, msg, hint)

/* Exactly this many errors and warnings (no cascades, nothing missed). */
#define EXPECT_COUNTS(nerr, nwarn)                                                                 \
    do {                                                                                           \
        if (ds.nerrors != (size_t)(nerr) || ds.nwarnings != (size_t)(nwarn))                       \
            T_FAILF("%zu errors, %zu warnings; expected %d, %d; got:%s", ds.nerrors, ds.nwarnings,  \
                    (int)(nerr), (int)(nwarn), dump());                                            \
    } while (0)

#define EXPECT_CLEAN()                                                                             \
    do {                                                                                           \
        if (ds.nd != 0 || !ir)                                                                     \
            T_FAILF("expected a clean compile; ir=%p, got:%s", (void *)ir, dump());                \
    } while (0)

/* A policy whose seccomp block holds `rules` (after a default). */
static struct stk_policy_ir *compile_rules(const char *rules)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "policy p {\n    seccomp {\n        default errno EPERM\n%s    }\n}\n", rules);
    return compile(buf);
}

/* The rules the policy wrote (the built-in ones carry no location). */
static size_t user_rules(const struct stk_rule **out, size_t max)
{
    size_t n = 0;
    if (!ir)
        return 0;
    for (size_t i = 0; i < ir->seccomp.nrules; i++)
        if (ir->seccomp.rules[i].loc.line != 0 && n < max)
            out[n++] = &ir->seccomp.rules[i];
    return n;
}

static int sc(const char *name)
{
    int id = stk_syscall_lookup(name);
    CHECK_MSG(id >= 0, "syscall %s unknown to the table", name);
    return id;
}

/* Files for include tests, in a fresh directory per process. */
static const char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static const char *write_file(const char *name, const char *text)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "w");
    CHECK_MSG(f != NULL, "cannot create %s: %s", p, strerror(errno));
    fputs(text, f);
    CHECK(fclose(f) == 0);
    return p;
}

static bool check_path(const char *path, const struct stk_compile_opts *o)
{
    reset();
    return stk_check_file(path, o, &ds);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* ==== diagnostics: syntax and lexical ===================================== */

TEST(diag_syntax_expected_name)
{
    CHECK(!compile("policy {\n}\n"));
    EXPECT_ERR("syntax", 1, 8, "expected name, found '{'", NULL);
    CHECK_INT(ds.d[0].loc.file, 1);
    CHECK_STR(diag_path(&ds.d[0]), "t.stk");
    CHECK_INT(count_code("syntax"), 1);
}

TEST(diag_syntax_end_of_line_hint)
{
    CHECK(!compile_rules("        allow read if\n"));
    EXPECT_ERR("syntax", 4, 22, "expected name, number, '!' or '(', found end of line",
               CONT_HINT);
    EXPECT_COUNTS(1, 0);
}

TEST(diag_syntax_found_token_text)
{
    CHECK(!compile_rules("        allow close (\n"));
    EXPECT_ERR("syntax", 4, 21, "expected end of line, ';' or '}', found '('", NULL);
}

TEST(diag_syntax_leading_comma)
{
    /* Only a trailing ',' continues a line. */
    CHECK(!compile_rules("        allow read\n        , write\n"));
    EXPECT_ERR("syntax", 5, 9,
               "expected name, action, action with a value, end of line, ';' or '}', found ','", NULL);
}

TEST(diag_lex_unexpected_character)
{
    CHECK(!compile("policy p {\n    user a$b\n}\n"));
    EXPECT_ERR("lex", 2, 11, "unexpected character '$'", NULL);
    CHECK_INT(count_code("syntax"), 0);
}

TEST(diag_lex_invalid_byte)
{
    CHECK(!compile("policy p {\n    user caf\xc3\xa9\n}\n"));
    EXPECT_ERR("lex", 2, 13, "invalid byte 0xc3 in policy text", "policy files are ASCII outside of quoted strings");
    EXPECT_NTH(1, STK_SEV_ERROR, "lex", 2, 14, "invalid byte 0xa9 in policy text",
               "policy files are ASCII outside of quoted strings");
}

TEST(diag_lex_nul_in_name)
{
    static const char text[] = "policy p {\n    seccomp {\n        default errno EPERM\n        allow re\0ad\n    }\n}\n";
    CHECK(!compile_len(text, sizeof text - 1, NULL));
    EXPECT_ERR("lex", 4, 17, "invalid NUL byte in policy text", NULL);
    /* the NUL separates two words; the caret line shows it as '?' */
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(f);
    stk_diags_print(&ds, f, STK_DIAG_TEXT, false);
    fclose(f);
    bool shown = strstr(out, "        allow re?ad\n") != NULL && strlen(out) == len;
    free(out);
    CHECK(shown);
}

TEST(diag_lex_unknown_escape)
{
    CHECK(!compile("policy p {\n    user \"a\\qb\"\n}\n"));
    EXPECT_ERR("lex", 2, 12, "unknown escape sequence '\\q'", "use \\\\, \\\", \\n or \\t");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_lex_unterminated_string)
{
    CHECK(!compile("policy p {\n    user \"www\n}\n"));
    EXPECT_ERR("lex", 2, 10, "unterminated string", "add the closing '\"'");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_lex_nesting_limit)
{
    /* 2 braces are open; the paren that makes 65 levels is reported, once. */
    char text[512];
    int n = snprintf(text, sizeof text, "policy p {\n    seccomp {\n        default allow\n        allow read if ");
    for (int i = 0; i < 100; i++)
        text[n++] = '(';
    snprintf(text + n, sizeof text - (size_t)n, "fd == 1\n    }\n}\n");
    CHECK(!compile(text));
    unsigned first_paren = 23;
    EXPECT_ERR("lex", 4, first_paren + (STK_MAX_NESTING - 2), "nesting deeper than 64 levels",
               "simplify the expression; the rest of this file is not checked");
    CHECK_INT(count_code("lex"), 1);
    CHECK_INT(count_code("syntax"), 0);
}

TEST(diag_too_complex)
{
    /* `!` does not nest tokens; the operator limit stops it before any stack
     * (the parser's or a later pass's recursion) can grow, with one error. */
    size_t n = 10000;
    char *text = malloc(n + 256);
    CHECK(text);
    int k = snprintf(text, 256, "policy p {\n    seccomp {\n        default allow\n        allow read if ");
    memset(text + k, '!', n);
    strcpy(text + k + n, "fd == 1\n    }\n}\n");
    compile(text);
    free(text);
    CHECK(!ir);
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "lex", 0);
    CHECK_MSG(d, "no operator-limit error:%s", dump());
    CHECK_STR(d->message, "expression has more than 1000 operators");
    CHECK_INT(d->loc.line, 4);
    CHECK_INT(d->loc.col, 23 + 1000); /* the 1001st '!' */
    CHECK_STR(d->hint, "split the rule; the rest of this file is not checked");
    for (size_t i = 0; i < ds.nd; i++)
        CHECK_MSG(strcmp(ds.d[i].message, "memory exhausted") != 0, "bison's own message leaked:%s", dump());
}

TEST(diag_too_many_errors)
{
    /* 60 bad statements: 50 errors, then one note, then silence. */
    char text[2048];
    int n = snprintf(text, sizeof text, "policy p {\n");
    for (int i = 0; i < 60; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "    usr x\n");
    snprintf(text + n, sizeof text - (size_t)n, "}\n");
    CHECK(!compile(text));
    CHECK_INT(ds.nerrors, STK_MAX_ERRORS_PER_FILE);
    CHECK_INT(count_code("unknown-directive"), STK_MAX_ERRORS_PER_FILE);
    EXPECT(STK_SEV_NOTE, "too-many-errors", 51, 5, "too many errors (50), stopping here", NULL);
    CHECK_STR(ds.d[ds.nd - 1].code, "too-many-errors");
}

TEST(diag_too_many_errors_lexer_stops)
{
    /* The lexer stops at the cap instead of scanning on (1,000 bad bytes). */
    char text[2048];
    int n = snprintf(text, sizeof text, "policy p {\n    user ");
    for (int i = 0; i < 1000; i++)
        text[n++] = '$';
    snprintf(text + n, sizeof text - (size_t)n, "\n}\n");
    CHECK(!compile(text));
    CHECK_INT(ds.nerrors, STK_MAX_ERRORS_PER_FILE);
    EXPECT_NTH(49, STK_SEV_ERROR, "lex", 2, 59, "unexpected character '$'", NULL);
    EXPECT(STK_SEV_NOTE, "too-many-errors", 2, 59, "too many errors (50), stopping here", NULL);
}

/* ==== diagnostics: names ==================================================== */

TEST(diag_unknown_syscall_hint)
{
    CHECK(!compile_rules("        allow wirte\n"));
    EXPECT_ERR("unknown-syscall", 4, 15, "unknown syscall 'wirte'", "did you mean 'write'?");
    CHECK_INT(ds.d[0].loc.end_col, 19);
    EXPECT_COUNTS(1, 0);
}

TEST(diag_unknown_syscall_no_hint)
{
    CHECK(!compile_rules("        allow zzzzzzzzzzzz\n"));
    EXPECT_ERR("unknown-syscall", 4, 15, "unknown syscall 'zzzzzzzzzzzz'", NULL);
}

TEST(diag_unknown_syscall_in_group)
{
    CHECK(!compile("group @io { read, wirte }\npolicy p {\n    seccomp {\n        default errno EPERM\n"
                   "        allow @io\n    }\n}\n"));
    EXPECT_ERR("unknown-syscall", 1, 19, "unknown syscall 'wirte'", "did you mean 'write'?");
}

TEST(diag_syscall_case_sensitive)
{
    CHECK(!compile_rules("        allow READ\n"));
    EXPECT_ERR("unknown-syscall", 4, 15, "unknown syscall 'READ'", "did you mean 'read'?");
}

TEST(diag_unknown_group)
{
    CHECK(!compile("group @abc { read }\npolicy p {\n    seccomp {\n        default errno EPERM\n"
                   "        allow @abd\n    }\n}\n"));
    EXPECT_ERR("unknown-group", 5, 15, "unknown group '@abd'", "did you mean '@abc'?");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_unknown_group_needs_include)
{
    CHECK(!compile_rules("        allow @system-service\n"));
    EXPECT_ERR("unknown-group", 4, 15, "unknown group '@system-service'",
               "the standard groups need: include \"groups.stk\"");
}

TEST(diag_unknown_group_in_group)
{
    CHECK(!compile("group @a { @nope }\npolicy p {\n    seccomp {\n        default errno EPERM\n"
                   "        allow @a\n    }\n}\n"));
    EXPECT_ERR("unknown-group", 1, 12, "unknown group '@nope'", "the standard groups need: include \"groups.stk\"");
}

TEST(diag_unknown_action)
{
    CHECK(!compile("policy p {\n    seccomp {\n        default frob\n    }\n}\n"));
    EXPECT_ERR("unknown-action", 3, 17, "unknown action 'frob'",
               "actions: allow, log, errno NAME, trap, trace N, notify, kill-thread, kill-process");
}

TEST(diag_unknown_action_hint_closest)
{
    /* "alow" is 1 edit from allow and 2 from log: the closest is suggested. */
    CHECK(!compile("policy p {\n    seccomp {\n        default alow\n    }\n}\n"));
    EXPECT_ERR("unknown-action", 3, 17, "unknown action 'alow'", "did you mean 'allow'?");
    CHECK(!compile("policy p {\n    seccomp {\n        default errno EPERM\n        newer_syscalls kil-process\n    }\n}\n"));
    EXPECT_ERR("unknown-action", 4, 24, "unknown action 'kil-process'", "did you mean 'kill-process'?");
}

TEST(diag_unknown_errno)
{
    CHECK(!compile_rules("        errno EPRM read\n"));
    EXPECT_ERR("unknown-errno", 4, 15, "unknown errno name 'EPRM'", "did you mean 'EPERM'?");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_bad_errno)
{
    CHECK(!compile_rules("        errno 0 read\n        errno 4096 write\n"));
    EXPECT_ERR("bad-errno", 4, 15, "errno value must be 1 to 4095, found '0'", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-errno", 5, 15, "errno value must be 1 to 4095, found '4096'", NULL);
    EXPECT_COUNTS(2, 0);
    CHECK(compile_rules("        errno 4095 read\n        errno 1 write\n"));
}

TEST(diag_unknown_capability)
{
    CHECK(!compile("policy p {\n    capabilities { keep net_bind_servic }\n}\n"));
    EXPECT_ERR("unknown-capability", 2, 25, "unknown capability 'net_bind_servic'", "did you mean 'net_bind_service'?");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_unknown_capability_prefixed)
{
    CHECK(!compile("policy p {\n    capabilities { keep CAP_SYS_ADMN }\n}\n"));
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "unknown-capability", 0);
    CHECK_MSG(d, "no unknown-capability:%s", dump());
    CHECK_INT(d->loc.line, 2);
    CHECK_INT(d->loc.col, 25);
    CHECK_STR(d->hint, "did you mean 'sys_admin'?");
    CHECK_CONTAINS(d->message, "unknown capability '");
}

TEST(diag_unknown_rlimit)
{
    CHECK(!compile("policy p {\n    rlimit nofle 10\n}\n"));
    EXPECT_ERR("unknown-rlimit", 2, 12, "unknown resource limit 'nofle'", "did you mean 'nofile'?");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_unknown_directive_policy)
{
    CHECK(!compile("policy p {\n    usr www-data\n}\n"));
    EXPECT_ERR("unknown-directive", 2, 5, "unknown statement 'usr'", "did you mean 'user'?");
    CHECK(!compile("policy p {\n    frobnicate\n}\n"));
    EXPECT_ERR("unknown-directive", 2, 5, "unknown statement 'frobnicate'", NULL);
}

TEST(diag_unknown_directive_seccomp)
{
    CHECK(!compile_rules("        frobnicate read\n        defualt allow\n"));
    EXPECT_ERR("unknown-directive", 4, 9, "unknown seccomp statement 'frobnicate'",
               "a seccomp rule starts with an action: allow, errno NAME, kill-process, ...");
    EXPECT_NTH(1, STK_SEV_ERROR, "unknown-directive", 5, 9, "unknown seccomp statement 'defualt'",
               "did you mean 'default'?");
}

TEST(diag_unknown_directive_env_caps)
{
    CHECK(!compile("policy p {\n    env { clar }\n    capabilities { drop x }\n}\n"));
    EXPECT_ERR("unknown-directive", 2, 11, "unknown env statement 'clar'", "did you mean 'clear'?");
    EXPECT_NTH(1, STK_SEV_ERROR, "unknown-directive", 3, 20, "expected 'keep CAPABILITY, ...' in capabilities", NULL);
}

TEST(diag_unknown_policy_extends)
{
    CHECK(!compile("policy base {\n}\npolicy web extends bsae {\n}\n"));
    EXPECT_ERR("unknown-policy", 3, 20, "unknown policy 'bsae'", "did you mean 'base'?");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_unknown_policy_selected)
{
    struct stk_compile_opts o = {.policy_name = "nope"};
    static const char text[] = "policy p {\n}\n";
    CHECK(!compile_len(text, sizeof text - 1, &o));
    const struct stk_diag *d = EXPECT_ERR("unknown-policy", 0, 0, "no policy named 'nope'", NULL);
    CHECK_INT(d->loc.file, 1);
}

TEST(diag_unknown_name_argument)
{
    CHECK(!compile_rules("        allow write if fdd == 1\n"));
    EXPECT_ERR("unknown-name", 4, 24, "'fdd' is neither an argument of write nor a known constant",
               "did you mean 'fd'?");
}

TEST(diag_unknown_name_lists_arguments)
{
    CHECK(!compile_rules("        allow dup if fd == 1\n"));
    EXPECT_ERR("unknown-name", 4, 22, "'fd' is neither an argument of dup nor a known constant",
               "dup takes: oldfd (or arg0..arg5)");
}

TEST(diag_unknown_name_constant)
{
    CHECK(!compile_rules("        allow socket if domain == AF_INTE\n"));
    EXPECT_ERR("unknown-name", 4, 35, "'AF_INTE' is neither an argument of socket nor a known constant",
               "did you mean 'AF_INET'?");
    CHECK(!compile_rules("        allow getpid if qqqqqqqq == 1\n"));
    EXPECT_ERR("unknown-name", 4, 25, "'qqqqqqqq' is neither an argument of getpid nor a known constant", NULL);
}

TEST(diag_unknown_name_argindex)
{
    CHECK(!compile_rules("        allow close if arg6 == 1\n        allow dup if arg12 == 1\n"));
    EXPECT_ERR("unknown-name", 4, 24, "'arg6': arguments are arg0 to arg5", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "unknown-name", 5, 22, "'arg12': arguments are arg0 to arg5", NULL);
    EXPECT_COUNTS(2, 0);
}

TEST(diag_unknown_arch)
{
    CHECK(!compile_rules("        arch x86_64, sparc\n"));
    EXPECT_ERR("unknown-arch", 4, 22, "unknown architecture 'sparc'",
               "known: native, x86_64, i386 (x86), x32, aarch64, arm, riscv64");
}

TEST(diag_syscall_not_on_arch)
{
    CHECK(!compile_rules("        arch aarch64\n        allow open\n"));
    EXPECT_ERR("syscall-not-on-arch", 5, 15, "syscall 'open' does not exist on aarch64",
               "name the architectures with 'arch', or use the syscall that replaces it");
    EXPECT_COUNTS(1, 0);
    /* the same name is fine where it exists */
    CHECK(compile_rules("        arch x86_64, aarch64\n        allow open\n"));
}

/* ==== diagnostics: arguments and values ======================================= */

TEST(diag_bad_arguments_counts)
{
    CHECK(!compile("policy p {\n    user a b\n    rlimit nofile\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 12, "too many arguments to 'user' (at most 1)", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-arguments", 3, 5, "'rlimit' needs at least 2 arguments", NULL);
    CHECK(!compile("policy p {\n    user\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 5, "'user' needs 1 argument", NULL);
}

TEST(diag_bad_arguments_values)
{
    CHECK(!compile("policy p {\n    rlimit nofile x\n    rlimit nproc 10 5\n    umask 999\n    workdir ./rel\n"
                   "    keep_fds 1\n    env\n    user @x\n    no_new_privs maybe\n    capabilities some\n"
                   "    user 4294967295\n    env { set A }\n    env { keep 1A }\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 19, "'x' is not a valid limit", "e.g. 1024, 64M, 2G or unlimited");
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-arguments", 3, 18, "soft limit 10 is above the hard limit 5", NULL);
    EXPECT_NTH(2, STK_SEV_ERROR, "bad-arguments", 4, 11, "'999' is not an octal umask (000 to 777)", NULL);
    EXPECT_NTH(3, STK_SEV_ERROR, "bad-arguments", 5, 13, "workdir must be an absolute path, found './rel'", NULL);
    EXPECT_NTH(4, STK_SEV_ERROR, "bad-arguments", 6, 14, "expected a descriptor number >= 3 or 'all', found '1'", NULL);
    EXPECT_NTH(5, STK_SEV_ERROR, "bad-arguments", 7, 5, "'env' takes a block: env { clear; keep PATH; set A=b }", NULL);
    EXPECT_NTH(6, STK_SEV_ERROR, "bad-arguments", 8, 10, "expected a user or group name or number", NULL);
    EXPECT_NTH(7, STK_SEV_ERROR, "bad-arguments", 9, 18, "expected 'on' or 'off', found 'maybe'", NULL);
    EXPECT_NTH(8, STK_SEV_ERROR, "bad-arguments", 10, 18,
               "expected 'none', 'all' or a block { keep ... }, found 'some'", NULL);
    EXPECT_NTH(9, STK_SEV_ERROR, "bad-arguments", 11, 10, "'4294967295' is not a valid user or group id", NULL);
    EXPECT_NTH(10, STK_SEV_ERROR, "bad-arguments", 12, 15, "expected NAME=VALUE, found 'A'", NULL);
    EXPECT_NTH(11, STK_SEV_ERROR, "bad-arguments", 13, 16, "'1A' is not a variable name", NULL);
    EXPECT_COUNTS(12, 0);
}

TEST(diag_bad_arguments_actions)
{
    CHECK(!compile("policy p {\n    seccomp {\n        default errno\n        default allow x\n"
                   "        default errno EPERM x\n        default\n        trace 70000 read\n"
                   "        tiocsti maybe\n        arch\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 9, "'errno' needs a value, e.g. 'errno EPERM'", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-arguments", 4, 23, "'allow' takes no value", NULL);
    EXPECT_NTH(2, STK_SEV_ERROR, "bad-arguments", 5, 29, "unexpected 'x' after the action", NULL);
    EXPECT_NTH(3, STK_SEV_ERROR, "bad-arguments", 6, 9, "expected an action, e.g. 'errno EPERM' or 'kill-process'", NULL);
    EXPECT_NTH(4, STK_SEV_ERROR, "bad-arguments", 8, 9, "expected 'tiocsti block' or 'tiocsti allow'", NULL);
    EXPECT_NTH(5, STK_SEV_ERROR, "bad-arguments", 9, 9, "'arch' needs 'native' or a list such as 'x86_64, i386'", NULL);
    /* rules are resolved after the block's settings */
    EXPECT_NTH(6, STK_SEV_ERROR, "bad-arguments", 7, 15, "trace value must be 0 to 65535, found '70000'", NULL);
}

TEST(diag_unexpected_block)
{
    CHECK(!compile("policy p {\n    user x { }\n}\n"));
    EXPECT_ERR("unexpected-block", 2, 5, "'user' does not take a block", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(diag_bad_number)
{
    CHECK(!compile_rules("        allow read if fd == 0x\n        allow write if fd == 99999999999999999999999\n"
                         "        allow close if fd == 12abc\n        allow dup if oldfd == 0b102\n"));
    EXPECT_ERR("bad-number", 4, 29, "'0x' is not a valid number", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-number", 5, 30, "'99999999999999999999999' is not a valid number", NULL);
    EXPECT_NTH(2, STK_SEV_ERROR, "bad-number", 6, 30, "'12abc' is not a valid number", NULL);
    EXPECT_NTH(3, STK_SEV_ERROR, "bad-number", 7, 31, "'0b102' is not a valid number", NULL);
    EXPECT_COUNTS(4, 0);
}

/* ==== diagnostics: files, symbols, cycles ======================================= */

TEST(diag_include_missing)
{
    const char *a = write_file("inc_missing.stk", "include \"nope.stk\"\npolicy p {\n}\n");
    CHECK(!check_path(a, NULL));
    const struct stk_diag *d = EXPECT_ERR("include-missing", 1, 9, "cannot find included file 'nope.stk'",
                                          "looked next to the including file, in -I directories and in the built-in library");
    CHECK_STR(diag_path(d), a);
    CHECK_INT(d->loc.end_col, 18);
    EXPECT_COUNTS(1, 0);
}

TEST(diag_include_empty)
{
    CHECK(!compile("include \"\"\npolicy p {\n}\n"));
    EXPECT_ERR("include-missing", 1, 9, "empty include path", NULL);
}

TEST(diag_include_cycle)
{
    const char *a = write_file("cyc_a.stk", "include \"cyc_b.stk\"\npolicy a {\n}\n");
    write_file("cyc_b.stk", "# b\ninclude \"cyc_a.stk\"\ngroup @g { read }\n");
    CHECK(!check_path(a, NULL));
    const struct stk_diag *d = EXPECT_ERR("include-cycle", 2, 9, "include cycle: 'cyc_a.stk' includes itself", NULL);
    CHECK_MSG(ends_with(diag_path(d), "/cyc_b.stk"), "reported in %s", diag_path(d));
    EXPECT_COUNTS(1, 0);
}

TEST(diag_include_self)
{
    const char *a = write_file("self.stk", "include \"self.stk\"\npolicy s {\n}\n");
    CHECK(!check_path(a, NULL));
    const struct stk_diag *d = EXPECT_ERR("include-cycle", 1, 9, "include cycle: 'self.stk' includes itself", NULL);
    CHECK_STR(diag_path(d), a);
}

TEST(diag_group_cycle)
{
    CHECK(!compile("group @a { read, @b }\ngroup @b { @a }\npolicy p {\n    seccomp {\n        default errno EPERM\n"
                   "        allow @a\n    }\n}\n"));
    EXPECT_ERR("group-cycle", 2, 12, "group '@b' includes '@a', which includes it back", NULL);
    CHECK_INT(count_code("group-cycle"), 1);
}

TEST(diag_group_self)
{
    CHECK(!compile("group @a { @a }\npolicy p {\n    seccomp {\n        default errno EPERM\n        allow @a\n    }\n}\n"));
    EXPECT_ERR("group-cycle", 1, 12, "group '@a' includes '@a', which includes it back", NULL);
}

TEST(diag_extends_cycle)
{
    CHECK(!compile("policy a extends b {\n}\npolicy b extends a {\n}\n"));
    EXPECT_ERR("extends-cycle", 1, 18, "policy 'b' extends itself through 'a'", NULL);
    EXPECT_COUNTS(1, 0);
    CHECK(!compile("policy p extends p {\n}\n"));
    EXPECT_ERR("extends-cycle", 1, 18, "policy 'p' extends itself through 'p'", NULL);
}

TEST(diag_extends_too_long)
{
    char text[8192];
    int n = 0;
    for (int i = 0; i < 65; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "policy p%d extends p%d {\n}\n", i, i + 1);
    n += snprintf(text + n, sizeof text - (size_t)n, "policy p65 {\n}\npolicy z extends p0 {\n}\n");
    CHECK(!compile(text));
    /* z, p0..p62 fill the 64 places; p63 (line 127) is one too many */
    EXPECT_ERR("extends-cycle", 127, 1, "extends chain is longer than 64 policies", NULL);
}

TEST(diag_duplicate_group)
{
    CHECK(!compile("group @a { read }\ngroup @a { write }\npolicy p {\n}\n"));
    EXPECT_ERR("duplicate-group", 2, 7, "group '@a' is already defined", NULL);
    EXPECT(STK_SEV_NOTE, "duplicate-group", 1, 7, "previous definition of '@a' is here", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(diag_duplicate_group_across_include)
{
    const char *g = write_file("dupg_lib.stk", "group @x { read }\n");
    const char *m = write_file("dupg_main.stk", "include \"dupg_lib.stk\"\ngroup @x { write }\npolicy p {\n}\n");
    CHECK(!check_path(m, NULL));
    const struct stk_diag *e = EXPECT_ERR("duplicate-group", 2, 7, "group '@x' is already defined", NULL);
    CHECK_STR(diag_path(e), m);
    const struct stk_diag *n = EXPECT(STK_SEV_NOTE, "duplicate-group", 1, 7, "previous definition of '@x' is here", NULL);
    CHECK_MSG(ends_with(diag_path(n), "/dupg_lib.stk") && ends_with(g, "/dupg_lib.stk"), "note in %s", diag_path(n));
}

TEST(diag_duplicate_policy)
{
    CHECK(!compile("policy p {\n}\n\npolicy p {\n}\n"));
    EXPECT_ERR("duplicate-policy", 4, 8, "policy 'p' is already defined", NULL);
    EXPECT(STK_SEV_NOTE, "duplicate-policy", 1, 8, "previous definition of 'p' is here", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(diag_no_policy)
{
    CHECK(!compile("group @a { read }\n"));
    const struct stk_diag *d = EXPECT_ERR("no-policy", 0, 0, "no policy is defined in this file", NULL);
    CHECK_INT(d->loc.file, 1);
    CHECK(!compile(""));
    EXPECT_ERR("no-policy", 0, 0, "no policy is defined in this file", NULL);
    CHECK(!compile("# just a comment\n\n   # another\n"));
    EXPECT_ERR("no-policy", 0, 0, "no policy is defined in this file", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(diag_io_missing_file)
{
    const char *p = tmp_path("does-not-exist.stk");
    CHECK(!check_path(p, NULL));
    char msg[512];
    snprintf(msg, sizeof msg, "%s: No such file or directory", p);
    const struct stk_diag *d = EXPECT_ERR("io", 0, 0, msg, NULL);
    CHECK_INT(d->loc.file, 0);
    reset();
    CHECK(stk_compile_file(p, NULL, &ds) == NULL);
    EXPECT_ERR("io", 0, 0, msg, NULL);
}

TEST(diag_io_directory)
{
    CHECK(!check_path(tmpdir, NULL));
    char msg[512];
    snprintf(msg, sizeof msg, "%s: Is a directory", tmpdir);
    EXPECT_ERR("io", 0, 0, msg, NULL);
}

TEST(diag_io_file_too_large)
{
    const char *p = tmp_path("huge.stk");
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    /* sparse: 100 MB of NULs without writing them */
    int r = ftruncate(fd, 100 << 20);
    close(fd);
    CHECK(r == 0);
    bool ok = check_path(p, NULL);
    unlink(p);
    CHECK(!ok);
    char msg[512];
    snprintf(msg, sizeof msg, "%s: file too large (limit 16 MiB)", p);
    EXPECT_ERR("io", 0, 0, msg, NULL);
    EXPECT_COUNTS(1, 0);
}

/* ==== diagnostics: lint findings (warnings) ====================================== */

TEST(diag_missing_default)
{
    CHECK(!compile("policy p {\n    seccomp {\n        allow read\n    }\n}\n"));
    EXPECT_ERR("missing-default", 2, 5, "seccomp block has no 'default' action for calls no rule matches",
               "add e.g. 'default errno EPERM' (or 'default kill-process')");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_shadowed_rule_whole)
{
    CHECK(compile_rules("        allow read\n        errno EACCES read\n"));
    EXPECT_WARN("shadowed-rule", 5, 9, "this rule never applies: its syscall is decided by the earlier rule at line 4",
                "the first matching rule wins; move this rule above the earlier one");
    EXPECT(STK_SEV_NOTE, "shadowed-rule", 4, 9, "the earlier rule is here", NULL);
    EXPECT_COUNTS(0, 1);
}

TEST(diag_shadowed_rule_all)
{
    CHECK(compile_rules("        allow read, write\n        errno EACCES write, read\n"));
    EXPECT_AT(STK_SEV_WARNING, "shadowed-rule", 5, 9,
                "this rule never applies: all its syscalls are decided by the earlier rule at line 4",
                "the first matching rule wins; move this rule above the earlier one");
}

TEST(diag_shadowed_rule_partial)
{
    CHECK(compile_rules("        allow read\n        errno EACCES read, write\n"));
    EXPECT_WARN("shadowed-rule", 5, 22, "'read' never reaches this rule: an earlier rule at line 4 decides it",
                "the first matching rule wins; move this rule above the earlier one");
    EXPECT_COUNTS(0, 1);
}

TEST(diag_shadowed_rule_not_for_conditions)
{
    /* an earlier conditional rule does not decide the syscall; a later conditional rule is never "shadowed"
     * by an earlier conditional one */
    CHECK(compile_rules("        allow read if fd == 0\n        errno EACCES read\n"));
    EXPECT_CLEAN();
    /* but an unconditional rule does shadow a later conditional one */
    CHECK(compile_rules("        allow read\n        errno EACCES read if fd == 1\n"));
    EXPECT_WARN("shadowed-rule", 5, 9, "this rule never applies: its syscall is decided by the earlier rule at line 4",
                "the first matching rule wins; move this rule above the earlier one");
}

TEST(diag_seccomp_allows_all)
{
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n    }\n}\n"));
    EXPECT_WARN("seccomp-allows-all", 2, 5, "seccomp block allows every syscall",
                "add rules, or a stricter default such as 'default errno EPERM'");
    EXPECT_COUNTS(0, 1);
    /* with a rule it is a denylist: fine */
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n        kill-process mount\n    }\n}\n"));
    EXPECT_CLEAN();
}

TEST(diag_no_new_privs_off)
{
    CHECK(compile("policy p {\n    no_new_privs off\n}\n"));
    EXPECT_WARN("no-new-privs-off", 2, 5, "no_new_privs is turned off",
                "without no_new_privs, setuid binaries run by the service regain privileges");
    EXPECT_COUNTS(0, 1);
    CHECK(!ir->no_new_privs);
}

TEST(diag_capabilities_all)
{
    CHECK(compile("policy p {\n    capabilities all\n}\n"));
    EXPECT_WARN("capabilities-all", 2, 5, "'capabilities all' keeps every capability",
                "list what the service needs: capabilities { keep net_bind_service }");
    CHECK_INT(ir->caps_mode, STK_CAPS_ALL);
}

TEST(diag_constant_too_wide)
{
    CHECK(compile_rules("        allow read if fd == 0x100000000\n"));
    EXPECT_WARN("constant-too-wide", 4, 29, "constant 0x100000000 does not fit in 32-bit argument 'fd'",
                "the kernel reads this argument as 32 bits; only the low 32 bits are compared");
    EXPECT_COUNTS(0, 1);
    /* 64-bit arguments take it; -1 fits a 32-bit int */
    CHECK(compile_rules("        allow lseek if offset == 0x100000000\n        allow read if fd == -1\n"));
    EXPECT_CLEAN();
}

TEST(diag_constant_condition)
{
    CHECK(compile_rules("        allow write if 1 == 1\n        allow read if AF_UNIX > 5\n"));
    EXPECT_WARN("constant-condition", 4, 26, "condition is always true", NULL);
    EXPECT_NTH(1, STK_SEV_WARNING, "constant-condition", 5, 31, "condition is always false", NULL);
    EXPECT_COUNTS(0, 2);
}

TEST(diag_unsupported_expression)
{
    CHECK(!compile_rules("        allow read if (fd | 1) == 3\n        allow write if (fd & count) == 3\n"
                         "        allow close if 3 in (fd)\n        allow dup2 if oldfd in (newfd)\n"
                         "        allow dup3 if oldfd == newfd\n"));
    EXPECT_ERR("unsupported-expression", 4, 27, "'|' cannot be applied to argument 'fd'",
               "'|' combines constants, e.g. (flags & (O_WRONLY | O_RDWR)) == 0");
    EXPECT_NTH(1, STK_SEV_ERROR, "unsupported-expression", 5, 28,
               "'&' between two arguments is not supported; mask an argument with a constant", NULL);
    EXPECT_NTH(2, STK_SEV_ERROR, "unsupported-expression", 6, 24, "the left side of 'in' must be an argument", NULL);
    EXPECT_NTH(3, STK_SEV_ERROR, "unsupported-expression", 7, 33, "the values of 'in (...)' must be constants", NULL);
    EXPECT_NTH(4, STK_SEV_ERROR, "unsupported-expression", 8, 29,
               "cannot compare two arguments; compare an argument with a constant", NULL);
    EXPECT_COUNTS(5, 0);
}

TEST(diag_type_mismatch)
{
    CHECK(!compile_rules("        allow read if fd == (count == 1)\n"));
    EXPECT_ERR("type-mismatch", 4, 36, "expected a value here, found a condition", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(diag_not_enforced)
{
    CHECK(compile("policy p {\n    namespaces { user }\n    landlock\n}\n"));
    EXPECT_WARN("not-enforced", 2, 5, "'namespaces' is not enforced by this version of stockade",
                "`stockade run` refuses policies with statements it cannot enforce");
    EXPECT_NTH(1, STK_SEV_WARNING, "not-enforced", 3, 5, "'landlock' is not enforced by this version of stockade",
               "`stockade run` refuses policies with statements it cannot enforce");
    CHECK_INT(ir->nunenforced, 2);
    CHECK_STR(ir->unenforced[0], "namespaces");
    CHECK_STR(ir->unenforced[1], "landlock");
    CHECK_INT(ir->unenforced_loc[1].line, 3);
}

/* ==== the diagnostics store and its output ========================================= */

TEST(diags_disabled_warning)
{
    reset();
    ds.disabled = calloc(1, sizeof *ds.disabled);
    CHECK(ds.disabled);
    ds.disabled[0] = strdup("shadowed-rule");
    ds.ndisabled = 1;
    static const char text[] =
        "policy p {\n    seccomp {\n        default errno EPERM\n        allow read\n        allow read\n    }\n}\n";
    ir = stk_compile_text("t.stk", text, sizeof text - 1, NULL, &ds);
    CHECK(ir);
    CHECK_INT(ds.nwarnings, 0);
    CHECK_INT(count_code("shadowed-rule"), 1); /* only the note, attached to nothing shown */
    CHECK_INT(ds.d[0].sev, STK_SEV_NOTE);
}

TEST(diags_werror)
{
    reset();
    ds.werror = true;
    static const char text[] = "policy p {\n    no_new_privs off\n}\n";
    ir = stk_compile_text("t.stk", text, sizeof text - 1, NULL, &ds);
    CHECK(ir == NULL);
    EXPECT_ERR("no-new-privs-off", 2, 5, "no_new_privs is turned off",
               "without no_new_privs, setuid binaries run by the service regain privileges");
}

TEST(diags_same_finding_once)
{
    /* a parent resolved for two children reports its problems once */
    CHECK(!compile("policy base {\n    usr x\n}\npolicy a extends base {\n}\npolicy b extends base {\n}\n"));
    CHECK_INT(count_code("unknown-directive"), 1);
}

static char *render(enum stk_diag_format fmt)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(f);
    stk_diags_print(&ds, f, fmt, false);
    fclose(f);
    return out;
}

TEST(diags_text_format)
{
    CHECK(!compile_rules("        allow wirte\n"));
    char *out = render(STK_DIAG_TEXT);
    static const char want[] = "t.stk:4:15: error: unknown syscall 'wirte' [unknown-syscall]\n"
                               "            allow wirte\n"
                               "                  ^~~~~\n"
                               "    hint: did you mean 'write'?\n";
    int same = strcmp(out, want) == 0;
    if (!same) {
        char copy[512];
        snprintf(copy, sizeof copy, "%s", out);
        free(out);
        T_FAILF("rendered:\n%s\nexpected:\n%s", copy, want);
    }
    free(out);
}

TEST(diags_text_caret_with_tab)
{
    CHECK(!compile("policy p {\n\tseccomp {\n\t\tdefault errno EPERM\n\t\tallow wirte\n\t}\n}\n"));
    EXPECT_ERR("unknown-syscall", 4, 9, "unknown syscall 'wirte'", "did you mean 'write'?");
    char *out = render(STK_DIAG_TEXT);
    /* tabs are kept in the caret line so that the caret lines up */
    bool ok = strstr(out, "    \t\tallow wirte\n    \t\t      ^~~~~\n") != NULL;
    free(out);
    CHECK(ok);
}

TEST(diags_text_sorted_by_position)
{
    CHECK(!compile("policy p {\n    seccomp {\n        allow wirte\n    }\n    usr x\n}\n"));
    char *out = render(STK_DIAG_TEXT);
    char *a = strstr(out, "t.stk:2:5: error:"), *b = strstr(out, "t.stk:3:15: error:"), *c = strstr(out, "t.stk:5:5: error:");
    bool ok = a && b && c && a < b && b < c;
    free(out);
    CHECK_MSG(ok, "not in position order:%s", dump());
}

TEST(diags_json_format)
{
    CHECK(!compile_rules("        allow wirte\n        errno EPERM read\n        errno EPERM read\n"));
    char *out = render(STK_DIAG_JSON);
    char *save = NULL;
    int lines = 0;
    bool ok = true;
    char why[256] = "";
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_object *o = json_tokener_parse(line);
        json_object *v;
        if (!o || !json_object_is_type(o, json_type_object)) {
            snprintf(why, sizeof why, "not a JSON object: %.100s", line);
            ok = false;
        } else if (lines == 0) {
            ok = json_object_object_get_ex(o, "file", &v) && strcmp(json_object_get_string(v), "t.stk") == 0 &&
                 json_object_object_get_ex(o, "line", &v) && json_object_get_int(v) == 4 &&
                 json_object_object_get_ex(o, "column", &v) && json_object_get_int(v) == 15 &&
                 json_object_object_get_ex(o, "severity", &v) && strcmp(json_object_get_string(v), "error") == 0 &&
                 json_object_object_get_ex(o, "code", &v) && strcmp(json_object_get_string(v), "unknown-syscall") == 0 &&
                 json_object_object_get_ex(o, "message", &v) &&
                 strcmp(json_object_get_string(v), "unknown syscall 'wirte'") == 0 &&
                 json_object_object_get_ex(o, "hint", &v) && strcmp(json_object_get_string(v), "did you mean 'write'?") == 0;
            if (!ok)
                snprintf(why, sizeof why, "first object wrong: %.150s", line);
        } else if (lines == 1) {
            ok = json_object_object_get_ex(o, "severity", &v) && strcmp(json_object_get_string(v), "note") == 0 &&
                 json_object_object_get_ex(o, "line", &v) && json_object_get_int(v) == 5 &&
                 !json_object_object_get_ex(o, "hint", &v);
            if (!ok)
                snprintf(why, sizeof why, "second object wrong: %.150s", line);
        } else if (lines == 2) {
            ok = json_object_object_get_ex(o, "severity", &v) && strcmp(json_object_get_string(v), "warning") == 0 &&
                 json_object_object_get_ex(o, "line", &v) && json_object_get_int(v) == 6 &&
                 json_object_object_get_ex(o, "code", &v) && strcmp(json_object_get_string(v), "shadowed-rule") == 0 &&
                 json_object_object_get_ex(o, "hint", &v);
            if (!ok)
                snprintf(why, sizeof why, "third object wrong: %.150s", line);
        }
        json_object_put(o);
        lines++;
        if (!ok)
            break;
    }
    free(out);
    CHECK_MSG(ok, "%s", why);
    CHECK_INT(lines, 3); /* error, note, warning: in position order */
}

TEST(diags_json_escapes)
{
    /* a message quoting odd text is still valid JSON */
    CHECK(!compile("policy p {\n    user \"a\\qb\"\n    usr \"x\n}\n"));
    char *out = render(STK_DIAG_JSON);
    char *save = NULL;
    int n = 0, bad = 0;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
        json_object *o = json_tokener_parse(line);
        if (!o)
            bad++;
        json_object_put(o);
    }
    free(out);
    CHECK(n >= 2);
    CHECK_INT(bad, 0);
}

/* ==== lexer ====================================================================== */

TEST(lex_numbers)
{
    CHECK(compile("policy p {\n    rlimit nofile 0x10 0x20\n    rlimit nproc 0b101 0o17\n    rlimit core 0\n"
                  "    rlimit as 64M\n    rlimit stack 8K unlimited\n    rlimit fsize 1_000 2G\n}\n"));
    EXPECT_CLEAN();
    CHECK(ir->rlimits[RLIMIT_NOFILE].set);
    CHECK_U64(ir->rlimits[RLIMIT_NOFILE].soft, 16);
    CHECK_U64(ir->rlimits[RLIMIT_NOFILE].hard, 32);
    CHECK_U64(ir->rlimits[RLIMIT_NPROC].soft, 5);
    CHECK_U64(ir->rlimits[RLIMIT_NPROC].hard, 15);
    CHECK(ir->rlimits[RLIMIT_CORE].set);
    CHECK_U64(ir->rlimits[RLIMIT_CORE].soft, 0);
    CHECK_U64(ir->rlimits[RLIMIT_CORE].hard, 0);
    CHECK_U64(ir->rlimits[RLIMIT_AS].soft, 64ull << 20);
    CHECK_U64(ir->rlimits[RLIMIT_STACK].soft, 8ull << 10);
    CHECK_U64(ir->rlimits[RLIMIT_STACK].hard, RLIM_INFINITY);
    CHECK_U64(ir->rlimits[RLIMIT_FSIZE].soft, 1000);
    CHECK_U64(ir->rlimits[RLIMIT_FSIZE].hard, 2ull << 30);
    CHECK(!ir->rlimits[RLIMIT_CPU].set);
}

TEST(lex_numbers_in_expressions)
{
    CHECK(compile_rules("        allow read if fd == 0x1f\n        allow write if fd == 0o17\n"
                        "        allow close if fd == 0b1010\n        allow lseek if offset == -1\n"
                        "        allow dup if oldfd == 42\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 5);
    CHECK_U64(r[0]->cond->value, 0x1f);
    CHECK_U64(r[1]->cond->value, 017);
    CHECK_U64(r[2]->cond->value, 10);
    CHECK_U64(r[3]->cond->value, UINT64_MAX);
    CHECK_U64(r[4]->cond->value, 42);
}

TEST(lex_negative_limit_rejected)
{
    CHECK(!compile("policy p {\n    rlimit nofile -1\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 19, "'-1' is not a valid limit", "e.g. 1024, 64M, 2G or unlimited");
}

TEST(lex_strings_with_escapes)
{
    CHECK(compile("policy p {\n    user \"a\\\"b\\\\c\"\n    env { set MSG=\"x y\\n\\tz\" EMPTY=\"\" }\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->user, "a\"b\\c");
    CHECK_INT(ir->nenv_set, 2);
    CHECK_STR(ir->env_set[0].name, "MSG");
    CHECK_STR(ir->env_set[0].value, "x y\n\tz");
    CHECK_STR(ir->env_set[1].name, "EMPTY");
    CHECK_STR(ir->env_set[1].value, "");
}

TEST(lex_name_value_and_paths)
{
    CHECK(compile("policy p {\n    env { clear; keep PATH, LANG; set HOME=/srv PATH=/usr/bin:/bin X_1=a.b-c }\n"
                  "    workdir /srv/www-data/site.v2\n    user www-data\n    group 33\n}\n"));
    EXPECT_CLEAN();
    CHECK(ir->env_clear);
    CHECK_INT(ir->nenv_keep, 2);
    CHECK_STR(ir->env_keep[0], "PATH");
    CHECK_STR(ir->env_keep[1], "LANG");
    CHECK_INT(ir->nenv_set, 3);
    CHECK_STR(ir->env_set[0].name, "HOME");
    CHECK_STR(ir->env_set[0].value, "/srv");
    CHECK_STR(ir->env_set[1].value, "/usr/bin:/bin");
    CHECK_STR(ir->env_set[2].name, "X_1");
    CHECK_STR(ir->env_set[2].value, "a.b-c");
    CHECK_STR(ir->workdir, "/srv/www-data/site.v2");
    CHECK_STR(ir->user, "www-data");
    CHECK_STR(ir->group, "33");
}

TEST(lex_group_names)
{
    CHECK(compile("group @my-io_2.x { read }\npolicy p {\n    seccomp {\n        default errno EPERM\n"
                  "        allow @my-io_2.x\n    }\n}\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 1);
    CHECK_INT(r[0]->syscall, sc("read"));
}

TEST(lex_comments)
{
    CHECK(compile("# leading comment\npolicy p {   # after a brace\n    user nobody # after a statement\n"
                  "    # a line of its own\n    seccomp {\n        default errno EPERM # here too\n"
                  "        allow read, # inside a continued list\n              write\n    }\n}\n# trailing"));
    EXPECT_CLEAN();
    CHECK_STR(ir->user, "nobody");
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 2);
    CHECK_INT(r[1]->syscall, sc("write"));
}

TEST(lex_hash_inside_string_is_not_comment)
{
    CHECK(compile("policy p {\n    env { set A=\"x # y\" }\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->env_set[0].value, "x # y");
}

TEST(lex_semicolons)
{
    CHECK(compile("policy p { user a; group b; umask 027; seccomp { default errno EPERM; allow read; allow write } }"));
    EXPECT_CLEAN();
    CHECK_STR(ir->user, "a");
    CHECK_STR(ir->group, "b");
    CHECK(ir->umask_set);
    CHECK_INT(ir->umask, 027);
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 2);
    CHECK_INT(r[0]->syscall, sc("read"));
    CHECK_INT(r[1]->syscall, sc("write"));
}

TEST(lex_continuation_after_comma)
{
    CHECK(compile_rules("        allow read,\n              write,\n\n              close\n        allow getpid\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 4);
    CHECK_INT(r[0]->syscall, sc("read"));
    CHECK_INT(r[1]->syscall, sc("write"));
    CHECK_INT(r[2]->syscall, sc("close"));
    CHECK_INT(r[3]->syscall, sc("getpid"));
    /* the rule's location is its first token's */
    CHECK_INT(r[2]->loc.line, 4);
    CHECK_INT(r[3]->loc.line, 8);
}

TEST(lex_no_continuation_without_comma)
{
    /* a newline ends the rule: `write` on its own line is a statement of its own */
    CHECK(!compile_rules("        allow read\n              write\n"));
    EXPECT_ERR("unknown-directive", 5, 15, "unknown seccomp statement 'write'",
               "a seccomp rule starts with an action: allow, errno NAME, kill-process, ...");
}

TEST(lex_newlines_inside_parentheses)
{
    CHECK(compile_rules("        allow socket if domain in (AF_UNIX,\n                                  AF_INET\n"
                        "                                  )\n        allow read if (fd ==\n 0 ||\n fd == 3)\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 2);
    CHECK_INT(r[0]->cond->kind, STK_COND_IN);
    CHECK_INT(r[0]->cond->nvalues, 2);
    CHECK_INT(r[1]->cond->kind, STK_COND_OR);
    CHECK_INT(r[1]->loc.line, 7);
}

TEST(lex_locations_columns)
{
    /* col counts bytes from 1; tabs count as one */
    CHECK(!compile("policy p {\n\tseccomp {\n\t\tdefault errno EPERM\n\t\tallow read,   wirte\n\t}\n}\n"));
    const struct stk_diag *d = EXPECT_ERR("unknown-syscall", 4, 17, "unknown syscall 'wirte'", "did you mean 'write'?");
    CHECK_INT(d->loc.end_col, 21);
    /* a CRLF file gives the same positions */
    CHECK(!compile("policy p {\r\n    seccomp {\r\n        default errno EPERM\r\n        allow wirte\r\n    }\r\n}\r\n"));
    EXPECT_ERR("unknown-syscall", 4, 15, "unknown syscall 'wirte'", "did you mean 'write'?");
    EXPECT_COUNTS(1, 0);
}

TEST(lex_no_trailing_newline)
{
    CHECK(compile("policy p {\n    user a\n}"));
    EXPECT_CLEAN();
    CHECK(compile("policy p { user a }"));
    EXPECT_CLEAN();
    CHECK_STR(ir->user, "a");
}

/* ==== parser ======================================================================= */

TEST(parse_recovery_reports_all_in_order)
{
    CHECK(!compile("policy p {\n    user ?\n    seccomp {\n        default errno EPERM\n        allow read if fd ==\n"
                   "        allow write if\n        allow close if fd == 1 1\n    }\n}\npolicy {\n}\npolicy q {\n    umask 1 2\n}\n"));
    /* every error, each once, in file order */
    static const struct {
        const char *code;
        unsigned line, col;
    } want[] = {
        {"lex", 2, 10},    {"syntax", 5, 28}, {"syntax", 6, 23},
        {"syntax", 7, 32}, {"syntax", 10, 8}, {"bad-arguments", 13, 13},
    };
    size_t nwant = sizeof want / sizeof want[0];
    CHECK_MSG(ds.nerrors == nwant, "%zu errors:%s", ds.nerrors, dump());
    size_t k = 0;
    for (size_t i = 0; i < ds.nd; i++) {
        if (ds.d[i].sev != STK_SEV_ERROR)
            continue;
        CHECK_MSG(strcmp(ds.d[i].code, want[k].code) == 0 && ds.d[i].loc.line == want[k].line &&
                      ds.d[i].loc.col == want[k].col,
                  "error %zu is %s %u:%u, expected %s %u:%u:%s", k, ds.d[i].code, ds.d[i].loc.line, ds.d[i].loc.col,
                  want[k].code, want[k].line, want[k].col, dump());
        k++;
    }
    EXPECT_NTH(2, STK_SEV_ERROR, "syntax", 7, 32, "expected end of line, ';' or '}', found '1'", NULL);
}

TEST(parse_recovery_keeps_later_policies)
{
    /* a syntax error in one policy does not hide semantic errors in the next */
    CHECK(!compile("policy a {\n    user (\n}\npolicy b {\n    seccomp {\n        default errno EPERM\n"
                   "        allow wirte\n    }\n}\n"));
    EXPECT_ERR("syntax", 2, 10, "expected end of line, ';' or '}', found '('", NULL);
    EXPECT_ERR("unknown-syscall", 7, 15, "unknown syscall 'wirte'", "did you mean 'write'?");
    EXPECT_COUNTS(2, 0);
}

TEST(parse_recovery_top_level)
{
    CHECK(!compile("polcy p {\n}\ninclude\npolicy q {\n    usr x\n}\n"));
    EXPECT_ERR("syntax", 1, 1, "expected end of file, include, group, policy, end of line or ';', found 'polcy'", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "syntax", 3, 8, "expected string, found end of line",
               CONT_HINT);
    EXPECT_ERR("unknown-directive", 5, 5, "unknown statement 'usr'", "did you mean 'user'?");
}

TEST(parse_unbalanced)
{
    CHECK(!compile("policy p {\n    user a\n"));
    EXPECT_ERR("syntax", 2, 11, "expected name, group, seccomp, end of line, ';' or '}', found end of file", NULL);
    CHECK(!compile("policy p {\n}\n}\n"));
    EXPECT_ERR("syntax", 3, 1, "expected end of file, include, group, policy, end of line or ';', found '}'", NULL);
}

TEST(parse_keywords_as_syscalls)
{
    /* kill: action keyword and syscall; seccomp: block keyword and syscall */
    CHECK(compile_rules("        kill kill\n        allow seccomp\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 2);
    CHECK_INT(r[0]->syscall, sc("kill"));
    CHECK_INT(r[0]->action.kind, STK_ACT_KILL_PROCESS);
    CHECK_INT(r[1]->syscall, sc("seccomp"));
    CHECK_INT(r[1]->action.kind, STK_ACT_ALLOW);
    /* and in any position of a list, with a condition */
    CHECK(compile_rules("        allow getpid, kill, seccomp if arg0 == 1\n"));
    EXPECT_CLEAN();
    CHECK_INT(user_rules(r, 8), 3);
    CHECK_INT(r[0]->syscall, sc("getpid"));
    CHECK_INT(r[1]->syscall, sc("kill"));
    CHECK_INT(r[2]->syscall, sc("seccomp"));
    CHECK(r[2]->cond != NULL);
}

TEST(parse_group_directive_name)
{
    /* `group` at the start of a policy statement is the directive, not a group definition */
    CHECK(compile("policy p {\n    group www-data\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->group, "www-data");
}

TEST(parse_empty_blocks)
{
    CHECK(compile("policy p {\n}\npolicy q {}\ngroup @e { }\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->name, "q");
    CHECK(!ir->seccomp.present);
    CHECK_INT(ir->seccomp.def.kind, STK_ACT_ALLOW);
}

/* ==== name resolution ================================================================ */

TEST(resolve_extends_rules_child_first)
{
    CHECK(compile("policy base {\n    user a\n    umask 022\n    seccomp {\n        default errno EPERM\n"
                  "        allow read\n        allow write\n    }\n}\n"
                  "policy web extends base {\n    user b\n    seccomp {\n        errno EACCES read\n"
                  "        allow getpid\n    }\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->name, "web");
    CHECK_STR(ir->user, "b");       /* child overrides */
    CHECK(ir->umask_set);           /* parent's setting inherited */
    CHECK_INT(ir->umask, 022);
    CHECK_INT(ir->seccomp.def.kind, STK_ACT_ERRNO);
    CHECK_INT(ir->seccomp.def.data, EPERM);
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 4);
    CHECK_INT(r[0]->syscall, sc("read"));
    CHECK_INT(r[0]->action.kind, STK_ACT_ERRNO);
    CHECK_INT(r[0]->action.data, EACCES);
    CHECK_INT(r[0]->loc.line, 13);
    CHECK_INT(r[1]->syscall, sc("getpid"));
    CHECK_INT(r[2]->syscall, sc("read"));
    CHECK_INT(r[2]->action.kind, STK_ACT_ALLOW);
    CHECK_INT(r[2]->loc.line, 6);
    CHECK_INT(r[3]->syscall, sc("write"));
}

TEST(resolve_extends_child_default_wins)
{
    CHECK(compile("policy base {\n    no_new_privs off\n    seccomp {\n        default errno EPERM\n        allow read\n    }\n}\n"
                  "policy child extends base {\n    no_new_privs\n    seccomp {\n        default kill-process\n"
                  "        arch x86_64, i386\n    }\n}\n"));
    CHECK_INT(ir->seccomp.def.kind, STK_ACT_KILL_PROCESS);
    CHECK(ir->no_new_privs);
    CHECK(ir->seccomp.abis[STK_ABI_X86_64]);
    CHECK(ir->seccomp.abis[STK_ABI_I386]);
    CHECK(!ir->seccomp.abis[STK_ABI_AARCH64]);
    CHECK_INT(count_code("shadowed-rule"), 0);
}

TEST(resolve_extends_grandparent)
{
    CHECK(compile("policy a {\n    workdir /a\n    seccomp {\n        default errno EPERM\n        allow read\n    }\n}\n"
                  "policy b extends a {\n    seccomp {\n        allow write\n    }\n}\n"
                  "policy c extends b {\n    seccomp {\n        allow close\n    }\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->workdir, "/a");
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 3);
    CHECK_INT(r[0]->syscall, sc("close"));
    CHECK_INT(r[1]->syscall, sc("write"));
    CHECK_INT(r[2]->syscall, sc("read"));
}

TEST(resolve_child_rule_ahead_of_parent_not_shadowed)
{
    /* the child deciding a syscall ahead of its parent is the point of extends */
    CHECK(compile("policy base {\n    seccomp {\n        default errno EPERM\n        allow ptrace\n    }\n}\n"
                  "policy c extends base {\n    seccomp {\n        kill-process ptrace\n    }\n}\n"));
    EXPECT_CLEAN();
}

TEST(resolve_select_policy)
{
    static const char text[] = "policy first {\n    user a\n}\npolicy second {\n    user b\n}\n";
    CHECK(compile_len(text, sizeof text - 1, NULL));
    CHECK_STR(ir->name, "second"); /* the last one of the file */
    struct stk_compile_opts o = {.policy_name = "first"};
    CHECK(compile_len(text, sizeof text - 1, &o));
    CHECK_STR(ir->name, "first");
    CHECK_STR(ir->user, "a");
    CHECK_INT(ir->loc.line, 1);
    CHECK_INT(ir->loc.col, 8);
}

TEST(resolve_groups_nested)
{
    CHECK(compile("group @a { read\n    write }\ngroup @b { @a, close, read }\npolicy p {\n    seccomp {\n"
                  "        default errno EPERM\n        allow @b\n        errno EACCES getpid\n    }\n}\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 4); /* read once: a group is a set */
    CHECK_INT(r[0]->syscall, sc("read"));
    CHECK_INT(r[1]->syscall, sc("write"));
    CHECK_INT(r[2]->syscall, sc("close"));
    CHECK_INT(r[3]->syscall, sc("getpid"));
    CHECK_INT(r[0]->loc.line, 7);
}

TEST(resolve_group_defined_after_use)
{
    CHECK(compile("policy p {\n    seccomp {\n        default errno EPERM\n        allow @late\n    }\n}\ngroup @late { read }\n"));
    EXPECT_CLEAN();
}

TEST(resolve_capability_spellings)
{
    CHECK(compile("policy p {\n    capabilities { keep net_bind_service, CAP_SETUID, cap_net_raw\n"
                  "                    keep Cap_Chown }\n}\n"));
    EXPECT_CLEAN();
    CHECK_INT(ir->caps_mode, STK_CAPS_KEEP);
    CHECK_U64(ir->caps_keep,
              (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_SETUID) | (1ull << CAP_NET_RAW) | (1ull << CAP_CHOWN));
    CHECK(compile("policy p {\n    capabilities none\n}\n"));
    CHECK_INT(ir->caps_mode, STK_CAPS_NONE);
    CHECK(compile("policy p {\n    capabilities { }\n}\n"));
    CHECK_INT(ir->caps_mode, STK_CAPS_KEEP);
    CHECK_U64(ir->caps_keep, 0);
}

TEST(resolve_defaults)
{
    CHECK(compile("policy p {\n}\n"));
    EXPECT_CLEAN();
    CHECK(ir->no_new_privs); /* on unless turned off */
    CHECK_INT(ir->caps_mode, STK_CAPS_NONE);
    CHECK(ir->user == NULL);
    CHECK(!ir->umask_set);
}

TEST(resolve_include_relative_and_builtin)
{
    /* sub/main.stk includes "lib.stk" next to it (not in the cwd) and the built-in groups.stk */
    char sub[160];
    snprintf(sub, sizeof sub, "%s/sub", tmpdir);
    CHECK(mkdir(sub, 0755) == 0 || errno == EEXIST);
    write_file("sub/lib.stk", "group @mine { read }\n");
    const char *m = write_file("sub/main.stk", "include \"lib.stk\"\ninclude \"groups.stk\"\npolicy p {\n"
                                               "    seccomp {\n        default errno EPERM\n        allow @mine, @system-service\n    }\n}\n");
    reset();
    ir = stk_compile_file(m, NULL, &ds);
    EXPECT_CLEAN();
    CHECK(ir->seccomp.nrules > 50);
    CHECK(check_path(m, NULL));
}

TEST(resolve_include_dir_option)
{
    char dir[160];
    snprintf(dir, sizeof dir, "%s/incdir", tmpdir);
    CHECK(mkdir(dir, 0755) == 0 || errno == EEXIST);
    write_file("incdir/extra.stk", "group @extra { getpid }\npolicy lib {\n}\n");
    const char *m = write_file("uses_incdir.stk", "include \"extra.stk\"\npolicy p extends lib {\n    seccomp {\n"
                                                  "        default errno EPERM\n        allow @extra\n    }\n}\n");
    CHECK(!check_path(m, NULL));
    EXPECT_ERR("include-missing", 1, 9, "cannot find included file 'extra.stk'",
               "looked next to the including file, in -I directories and in the built-in library");
    const char *dirs[] = {dir};
    struct stk_compile_opts o = {.include_dirs = dirs, .ninclude_dirs = 1};
    CHECK(check_path(m, &o));
    reset();
    ir = stk_compile_file(m, &o, &ds);
    EXPECT_CLEAN();
    CHECK_STR(ir->name, "p"); /* policies of includes are never selected by default */
}

TEST(resolve_include_once)
{
    /* a file included twice (diamond) defines its groups once: no duplicate-group */
    write_file("dia_base.stk", "group @base { read }\n");
    write_file("dia_l.stk", "include \"dia_base.stk\"\n");
    write_file("dia_r.stk", "include \"dia_base.stk\"\n");
    const char *m = write_file("dia_main.stk", "include \"dia_l.stk\"\ninclude \"dia_r.stk\"\npolicy p {\n}\n");
    CHECK(check_path(m, NULL));
    CHECK_INT(ds.nd, 0);
}

TEST(check_file_groups_only_and_empty)
{
    CHECK(check_path(write_file("groups_only.stk", "group @g { read, write }\n"), NULL));
    CHECK_INT(ds.nd, 0);
    CHECK(check_path(write_file("empty.stk", ""), NULL));
    CHECK_INT(ds.nd, 0);
    CHECK(check_path(write_file("comments.stk", "# nothing\n# here\n"), NULL));
    CHECK_INT(ds.nd, 0);
}

TEST(check_file_unused_group_and_every_policy)
{
    const char *p = write_file("every.stk", "group @unused { wirte }\npolicy a {\n    usr x\n}\npolicy b {\n    umask 8\n}\n");
    CHECK(!check_path(p, NULL));
    EXPECT_ERR("unknown-syscall", 1, 17, "unknown syscall 'wirte'", "did you mean 'write'?");
    EXPECT_ERR("unknown-directive", 3, 5, "unknown statement 'usr'", "did you mean 'user'?");
    EXPECT_ERR("bad-arguments", 6, 11, "'8' is not an octal umask (000 to 777)", NULL);
    EXPECT_COUNTS(3, 0);
}

TEST(check_file_accumulates)
{
    /* check of several files into one store keeps counting */
    reset();
    CHECK(!stk_check_file(write_file("acc1.stk", "policy a {\n    usr x\n}\n"), NULL, &ds));
    CHECK(stk_check_file(write_file("acc2.stk", "policy b {\n}\n"), NULL, &ds));
    CHECK(!stk_check_file(write_file("acc3.stk", "policy c {\n    usr x\n}\n"), NULL, &ds));
    CHECK_INT(ds.nerrors, 2);
    CHECK(ds.d[0].loc.file != ds.d[1].loc.file);
}

TEST(check_shipped_policies)
{
    static const char *const files[] = {"policies/groups.stk", "policies/default.stk", "policies/examples/web.stk",
                                        "policies/examples/minimal.stk", "policies/examples/denylist.stk",
                                        "policies/examples/deny-exec.stk"};
    if (access(files[0], R_OK) != 0)
        SKIP("run from the repository root to check the shipped policies");
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (access(files[i], R_OK) != 0)
            continue;
        CHECK_MSG(check_path(files[i], NULL) && ds.nwarnings == 0, "%s:%s", files[i], dump());
    }
}

TEST(compile_default_policy)
{
    reset();
    ir = stk_compile_default(&ds);
    EXPECT_CLEAN();
    CHECK(ir->seccomp.present);
}

/* ==== IR ================================================================================ */

TEST(ir_rule_order_and_actions)
{
    CHECK(compile_rules("        errno EACCES ptrace\n        allow read\n        log write\n        trap close\n"
                        "        trace 7 getpid\n        notify getppid\n        kill-thread gettid\n"
                        "        kill-process mount\n        kill umount2\n        errno 13 dup\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[16];
    CHECK_INT(user_rules(r, 16), 10);
    static const char *const names[] = {"ptrace", "read", "write", "close", "getpid", "getppid", "gettid",
                                        "mount", "umount2", "dup"};
    static const enum stk_action_kind kinds[] = {STK_ACT_ERRNO, STK_ACT_ALLOW, STK_ACT_LOG, STK_ACT_TRAP,
                                                 STK_ACT_TRACE, STK_ACT_NOTIFY, STK_ACT_KILL_THREAD,
                                                 STK_ACT_KILL_PROCESS, STK_ACT_KILL_PROCESS, STK_ACT_ERRNO};
    for (int i = 0; i < 10; i++) {
        CHECK_MSG(r[i]->syscall == sc(names[i]), "rule %d is not %s", i, names[i]);
        CHECK_MSG(r[i]->action.kind == kinds[i], "rule %d (%s): action %d", i, names[i], (int)r[i]->action.kind);
        CHECK_INT(r[i]->loc.line, 4 + i);
        CHECK_INT(r[i]->loc.col, 9);
        CHECK(r[i]->cond == NULL);
    }
    CHECK_INT(r[0]->action.data, EACCES);
    CHECK_INT(r[4]->action.data, 7);
    CHECK_INT(r[9]->action.data, 13);
    /* the built-in rules come before the policy's */
    CHECK(ir->seccomp.rules[0].loc.line == 0);
    CHECK(ir->seccomp.block_tiocsti);
}

TEST(ir_cond_mask_cmp)
{
    CHECK(compile_rules("        allow mmap, mprotect if (prot & PROT_EXEC) == 0\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 2);
    enum stk_abi na = stk_native_abi();
    for (int i = 0; i < 2; i++) {
        const struct stk_cond *c = r[i]->cond;
        CHECK(c);
        CHECK_INT(c->kind, STK_COND_CMP);
        CHECK_U64(c->mask, PROT_EXEC);
        CHECK_INT(c->op, STK_CMP_EQ);
        CHECK_U64(c->value, 0);
        CHECK_INT(c->argno[na], 2);
    }
    CHECK_INT(r[0]->syscall, sc("mmap"));
    CHECK_INT(r[1]->syscall, sc("mprotect"));
}

TEST(ir_cond_const_on_left_flipped)
{
    CHECK(compile_rules("        allow dup if 3 < oldfd\n        allow read if 10 >= fd\n        allow write if 1 == fd\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 3);
    CHECK_INT(r[0]->cond->kind, STK_COND_CMP);
    CHECK_INT(r[0]->cond->op, STK_CMP_GT);
    CHECK_U64(r[0]->cond->value, 3);
    CHECK_INT(r[0]->cond->argno[stk_native_abi()], 0);
    CHECK_INT(r[1]->cond->op, STK_CMP_LE);
    CHECK_U64(r[1]->cond->value, 10);
    CHECK_INT(r[2]->cond->op, STK_CMP_EQ);
    CHECK_U64(r[2]->cond->value, 1);
}

TEST(ir_cond_all_operators)
{
    CHECK(compile_rules("        allow read if fd == 1\n        allow read if fd != 1\n        allow read if fd < 1\n"
                        "        allow read if fd <= 1\n        allow read if fd > 1\n        allow read if fd >= 1\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 6);
    static const enum stk_cmp_op ops[] = {STK_CMP_EQ, STK_CMP_NE, STK_CMP_LT, STK_CMP_LE, STK_CMP_GT, STK_CMP_GE};
    for (int i = 0; i < 6; i++)
        CHECK_MSG(r[i]->cond->op == ops[i], "rule %d op %d", i, (int)r[i]->cond->op);
}

TEST(ir_cond_in_and_not_in)
{
    CHECK(compile_rules("        allow socket if domain in (AF_UNIX, AF_INET, AF_INET6)\n"
                        "        errno EAFNOSUPPORT socket if domain not in (AF_UNIX, 2)\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 2);
    const struct stk_cond *c = r[0]->cond;
    CHECK_INT(c->kind, STK_COND_IN);
    CHECK_INT(c->argno[stk_native_abi()], 0);
    CHECK_U64(c->mask, ~0ull);
    CHECK_INT(c->nvalues, 3);
    CHECK_U64(c->values[0], AF_UNIX);
    CHECK_U64(c->values[1], AF_INET);
    CHECK_U64(c->values[2], AF_INET6);
    c = r[1]->cond;
    CHECK_INT(c->kind, STK_COND_NOT);
    CHECK(c->a);
    CHECK_INT(c->a->kind, STK_COND_IN);
    CHECK_INT(c->a->nvalues, 2);
    CHECK_U64(c->a->values[1], 2);
    CHECK_INT(r[1]->action.data, EAFNOSUPPORT);
}

TEST(ir_cond_logic_precedence)
{
    /* && binds tighter than ||; ! applies to its operand */
    CHECK(compile_rules("        allow read if fd == 0 || fd == 1 && count < 10\n        allow write if !(fd == 2) && fd > 0\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 2);
    const struct stk_cond *c = r[0]->cond;
    CHECK_INT(c->kind, STK_COND_OR);
    CHECK_INT(c->a->kind, STK_COND_CMP);
    CHECK_U64(c->a->value, 0);
    CHECK_INT(c->b->kind, STK_COND_AND);
    CHECK_U64(c->b->a->value, 1);
    CHECK_INT(c->b->b->op, STK_CMP_LT);
    CHECK_INT(c->b->b->argno[stk_native_abi()], 2);
    c = r[1]->cond;
    CHECK_INT(c->kind, STK_COND_AND);
    CHECK_INT(c->a->kind, STK_COND_NOT);
    CHECK_INT(c->a->a->kind, STK_COND_CMP);
    CHECK_U64(c->a->a->value, 2);
    CHECK_INT(c->b->op, STK_CMP_GT);
}

TEST(ir_cond_constant_folding_and_truthiness)
{
    CHECK(compile_rules("        allow open if (flags & (O_WRONLY | O_RDWR)) == 0\n        errno EPERM openat if flags & O_CREAT\n"
                        "        allow close if arg0 == 5\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 3);
    CHECK_INT(r[0]->cond->kind, STK_COND_CMP);
    CHECK_U64(r[0]->cond->mask, O_WRONLY | O_RDWR);
    CHECK_U64(r[0]->cond->value, 0);
    CHECK_INT(r[1]->cond->kind, STK_COND_CMP);
    CHECK_INT(r[1]->cond->op, STK_CMP_NE);
    CHECK_U64(r[1]->cond->mask, O_CREAT);
    CHECK_U64(r[1]->cond->value, 0);
    CHECK_INT(r[1]->cond->argno[stk_native_abi()], 2);
    CHECK_INT(r[2]->cond->argno[stk_native_abi()], 0);
    CHECK_U64(r[2]->cond->value, 5);
}

TEST(ir_cond_argument_types)
{
    CHECK(compile_rules("        allow read if fd == 0\n        allow lseek if offset == 0\n"
                        "        allow ioctl if request == 1\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 3);
    /* read's fd is an unsigned int in the kernel: compared on 32 bits */
    CHECK_MSG(r[0]->cond->type == STK_ARG_INT || r[0]->cond->type == STK_ARG_UINT, "type %d", (int)r[0]->cond->type);
    CHECK(r[1]->cond->type == STK_ARG_LONG || r[1]->cond->type == STK_ARG_ULONG);
    CHECK_INT(r[2]->cond->argno[stk_native_abi()], 1);
}

TEST(ir_no_seccomp_block)
{
    CHECK(compile("policy p {\n    user nobody\n}\n"));
    EXPECT_CLEAN();
    CHECK(!ir->seccomp.present);
    CHECK_INT(ir->seccomp.def.kind, STK_ACT_ALLOW);
    const struct stk_rule *r[2];
    CHECK_INT(user_rules(r, 2), 0);
}

TEST(ir_seccomp_settings)
{
    CHECK(compile("policy p {\n    seccomp {\n        default errno EPERM\n        newer_syscalls kill-process\n"
                  "        tiocsti allow\n        arch native\n    }\n}\n"));
    EXPECT_CLEAN();
    CHECK(ir->seccomp.present);
    CHECK_INT(ir->seccomp.newer.kind, STK_ACT_KILL_PROCESS);
    CHECK(!ir->seccomp.block_tiocsti);
    int n = 0;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        n += ir->seccomp.abis[a];
    CHECK_INT(n, 1);
    CHECK(ir->seccomp.abis[stk_native_abi()]);
}

/* ==== main =================================================================================== */

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/stk-frontend-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("FAIL setup: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    stk_diags_init(&ds);
    ds_live = true;

    RUN(diag_syntax_expected_name);
    RUN(diag_syntax_end_of_line_hint);
    RUN(diag_syntax_found_token_text);
    RUN(diag_syntax_leading_comma);
    RUN(diag_lex_unexpected_character);
    RUN(diag_lex_invalid_byte);
    RUN(diag_lex_nul_in_name);
    RUN(diag_lex_unknown_escape);
    RUN(diag_lex_unterminated_string);
    RUN(diag_lex_nesting_limit);
    RUN(diag_too_complex);
    RUN(diag_too_many_errors);
    RUN(diag_too_many_errors_lexer_stops);
    RUN(diag_unknown_syscall_hint);
    RUN(diag_unknown_syscall_no_hint);
    RUN(diag_unknown_syscall_in_group);
    RUN(diag_syscall_case_sensitive);
    RUN(diag_unknown_group);
    RUN(diag_unknown_group_needs_include);
    RUN(diag_unknown_group_in_group);
    RUN(diag_unknown_action);
    RUN(diag_unknown_action_hint_closest);
    RUN(diag_unknown_errno);
    RUN(diag_bad_errno);
    RUN(diag_unknown_capability);
    RUN(diag_unknown_capability_prefixed);
    RUN(diag_unknown_rlimit);
    RUN(diag_unknown_directive_policy);
    RUN(diag_unknown_directive_seccomp);
    RUN(diag_unknown_directive_env_caps);
    RUN(diag_unknown_policy_extends);
    RUN(diag_unknown_policy_selected);
    RUN(diag_unknown_name_argument);
    RUN(diag_unknown_name_lists_arguments);
    RUN(diag_unknown_name_constant);
    RUN(diag_unknown_name_argindex);
    RUN(diag_unknown_arch);
    RUN(diag_syscall_not_on_arch);
    RUN(diag_bad_arguments_counts);
    RUN(diag_bad_arguments_values);
    RUN(diag_bad_arguments_actions);
    RUN(diag_unexpected_block);
    RUN(diag_bad_number);
    RUN(diag_include_missing);
    RUN(diag_include_empty);
    RUN(diag_include_cycle);
    RUN(diag_include_self);
    RUN(diag_group_cycle);
    RUN(diag_group_self);
    RUN(diag_extends_cycle);
    RUN(diag_extends_too_long);
    RUN(diag_duplicate_group);
    RUN(diag_duplicate_group_across_include);
    RUN(diag_duplicate_policy);
    RUN(diag_no_policy);
    RUN(diag_io_missing_file);
    RUN(diag_io_directory);
    RUN(diag_io_file_too_large);
    RUN(diag_missing_default);
    RUN(diag_shadowed_rule_whole);
    RUN(diag_shadowed_rule_all);
    RUN(diag_shadowed_rule_partial);
    RUN(diag_shadowed_rule_not_for_conditions);
    RUN(diag_seccomp_allows_all);
    RUN(diag_no_new_privs_off);
    RUN(diag_capabilities_all);
    RUN(diag_constant_too_wide);
    RUN(diag_constant_condition);
    RUN(diag_unsupported_expression);
    RUN(diag_type_mismatch);
    RUN(diag_not_enforced);
    RUN(diags_disabled_warning);
    RUN(diags_werror);
    RUN(diags_same_finding_once);
    RUN(diags_text_format);
    RUN(diags_text_caret_with_tab);
    RUN(diags_text_sorted_by_position);
    RUN(diags_json_format);
    RUN(diags_json_escapes);
    RUN(lex_numbers);
    RUN(lex_numbers_in_expressions);
    RUN(lex_negative_limit_rejected);
    RUN(lex_strings_with_escapes);
    RUN(lex_name_value_and_paths);
    RUN(lex_group_names);
    RUN(lex_comments);
    RUN(lex_hash_inside_string_is_not_comment);
    RUN(lex_semicolons);
    RUN(lex_continuation_after_comma);
    RUN(lex_no_continuation_without_comma);
    RUN(lex_newlines_inside_parentheses);
    RUN(lex_locations_columns);
    RUN(lex_no_trailing_newline);
    RUN(parse_recovery_reports_all_in_order);
    RUN(parse_recovery_keeps_later_policies);
    RUN(parse_recovery_top_level);
    RUN(parse_unbalanced);
    RUN(parse_keywords_as_syscalls);
    RUN(parse_group_directive_name);
    RUN(parse_empty_blocks);
    RUN(resolve_extends_rules_child_first);
    RUN(resolve_extends_child_default_wins);
    RUN(resolve_extends_grandparent);
    RUN(resolve_child_rule_ahead_of_parent_not_shadowed);
    RUN(resolve_select_policy);
    RUN(resolve_groups_nested);
    RUN(resolve_group_defined_after_use);
    RUN(resolve_capability_spellings);
    RUN(resolve_defaults);
    RUN(resolve_include_relative_and_builtin);
    RUN(resolve_include_dir_option);
    RUN(resolve_include_once);
    RUN(check_file_groups_only_and_empty);
    RUN(check_file_unused_group_and_every_policy);
    RUN(check_file_accumulates);
    RUN(check_shipped_policies);
    RUN(compile_default_policy);
    RUN(ir_rule_order_and_actions);
    RUN(ir_cond_mask_cmp);
    RUN(ir_cond_const_on_left_flipped);
    RUN(ir_cond_all_operators);
    RUN(ir_cond_in_and_not_in);
    RUN(ir_cond_logic_precedence);
    RUN(ir_cond_constant_folding_and_truthiness);
    RUN(ir_cond_argument_types);
    RUN(ir_no_seccomp_block);
    RUN(ir_seccomp_settings);

    stk_policy_ir_free(ir);
    stk_diags_free(&ds);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", tmpdir);
    return test_summary();
}
