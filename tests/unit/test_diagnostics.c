/* test_diagnostics — front end (issue 2): every diagnostic the compiler can give, each asserted by code,
 * severity, file, line, column, message and hint, and the diagnostics store and its output. */
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

TEST(diag_missing_default_no_cascade)
{
    /* an invalid default is reported once, not also as a missing default */
    CHECK(!compile("policy p {\n    seccomp {\n        default errno EFOO\n        allow read\n    }\n}\n"));
    CHECK_INT(count_code("missing-default"), 0);
    EXPECT_COUNTS(1, 0);
}

TEST(diag_shadowed_rule_whole)
{
    CHECK(compile_rules("        errno EACCES read\n        allow read\n")); /* the stricter rule first: harmless */
    EXPECT_WARN("shadowed-rule", 5, 9, "this rule never applies: its syscall is decided by the earlier rule at line 4",
                "the first matching rule wins; move this rule above the earlier one");
    EXPECT(STK_SEV_NOTE, "shadowed-rule", 4, 9, "the earlier rule is here", NULL);
    EXPECT_COUNTS(0, 1);
}

TEST(diag_shadowed_rule_all)
{
    CHECK(compile_rules("        errno EACCES read, write\n        allow write, read\n"));
    EXPECT_AT(STK_SEV_WARNING, "shadowed-rule", 5, 9,
                "this rule never applies: all its syscalls are decided by the earlier rule at line 4",
                "the first matching rule wins; move this rule above the earlier one");
    EXPECT_COUNTS(0, 1); /* one warning for the rule, none per syscall */
}

TEST(diag_shadowed_rule_partial)
{
    CHECK(compile_rules("        errno EACCES read\n        allow write, read\n"));
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
    CHECK(compile_rules("        errno EACCES read\n        allow read if fd == 1\n"));
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
    CHECK(compile("policy p {\n    no_new_privs off\n    capabilities { keep sys_admin }\n}\n"));
    EXPECT_WARN("no-new-privs-off", 2, 5, "no_new_privs is turned off",
                "without no_new_privs, setuid binaries run by the service regain privileges");
    CHECK_INT(count_code("seccomp-needs-nnp"), 0);
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

TEST(diag_unsigned_comparison)
{
    /* read's fd is unsigned int: -1 is 0xffffffff, never exceeded; nothing is below 0 */
    CHECK(compile_rules("        allow read if fd > -1\n        allow write if fd >= 0\n"
                        "        allow lseek if offset < 0\n        allow close if fd > 2\n"));
    EXPECT_WARN("constant-condition", 4, 26, "comparison is always false for unsigned argument 'fd'",
                "'fd' is unsigned: -1 compares as 0xffffffff");
    EXPECT_NTH(1, STK_SEV_WARNING, "constant-condition", 5, 27, "comparison is always true for unsigned argument 'fd'",
               "'fd' is unsigned: it is never below 0");
    EXPECT_COUNTS(0, 2); /* lseek's offset is signed; fd > 2 is a real test */
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
    RUN(diag_missing_default_no_cascade);
    RUN(diag_shadowed_rule_whole);
    RUN(diag_shadowed_rule_all);
    RUN(diag_shadowed_rule_partial);
    RUN(diag_shadowed_rule_not_for_conditions);
    RUN(diag_seccomp_allows_all);
    RUN(diag_no_new_privs_off);
    RUN(diag_capabilities_all);
    RUN(diag_constant_too_wide);
    RUN(diag_constant_condition);
    RUN(diag_unsigned_comparison);
    RUN(diag_unsupported_expression);
    RUN(diag_type_mismatch);
    RUN(diags_disabled_warning);
    RUN(diags_werror);
    RUN(diags_same_finding_once);
    RUN(diags_text_format);
    RUN(diags_text_caret_with_tab);
    RUN(diags_text_sorted_by_position);
    RUN(diags_json_format);
    RUN(diags_json_escapes);
    return harness_finish();
}
