/* test_diagnostics — front end (issue 2): the syntax, lexical, name and argument diagnostics, each
 * asserted by code, severity, line, column, message and hint.  The others are in
 * test_diagnostics_files.c (files, symbols, cycles), test_diagnostics_warnings.c (lint findings),
 * test_diagnostics_output.c (the diagnostics store and its output), test_diagnostics_lint.c and
 * test_diagnostics_shadow.c. */
#include "edit_distance.h"
#include "frontend_harness.h"

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

TEST(diag_closest_name_one_rule)
{
    /* Every "did you mean" follows the syscall rule: a name that differs only
     * in case is suggested, however many letters that is (5 edits here). */
    CHECK(!compile("policy p {\n    seccomp {\n        default ALLOW\n    }\n}\n"));
    EXPECT_ERR("unknown-action", 3, 17, "unknown action 'ALLOW'", "did you mean 'allow'?");
    CHECK(!compile("policy p {\n    USER www-data\n}\n"));
    EXPECT_ERR("unknown-directive", 2, 5, "unknown statement 'USER'", "did you mean 'user'?");
    CHECK(!compile("group @abc { read }\npolicy p {\n    seccomp {\n        default errno EPERM\n"
                   "        allow @ABC\n    }\n}\n"));
    EXPECT_ERR("unknown-group", 5, 15, "unknown group '@ABC'", "did you mean '@abc'?");
    /* ties go to the first candidate within 2 edits; 3 edits are too many */
    static const char *const known[] = {"abcd", "abce", "xyz"};
    CHECK_STR(stk_closest_name("abcf", known, 3), "abcd");
    CHECK_STR(stk_closest_name("ABCE", known, 3), "abce");
    CHECK(stk_closest_name("qqq", known, 3) == NULL);
}

TEST(diag_unknown_errno)
{
    CHECK(!compile_rules("        errno EPRM read\n"));
    EXPECT_ERR("unknown-errno", 4, 15, "unknown errno name 'EPRM'", "did you mean 'EPERM'?");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_bad_errno)
{
    CHECK(!compile_rules("        errno -1 read\n        errno 4096 write\n"));
    EXPECT_ERR("bad-errno", 4, 15, "errno value must be 0 to 4095, found '-1'", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-errno", 5, 15, "errno value must be 0 to 4095, found '4096'", NULL);
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
    CHECK_STR(d->message, "unknown capability 'CAP_SYS_ADMN'"); /* as written, not lower-cased */
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

int main(void)
{
    if (harness_setup() != 0)
        return 1;
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
    RUN(diag_closest_name_one_rule);
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
    return harness_finish();
}
