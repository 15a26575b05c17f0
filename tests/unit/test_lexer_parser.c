/* test_lexer_parser — front end (issue 2): the lexer (tokens, numbers, strings, continuation) and the parser
 * (statement forms, error recovery). */
#include "frontend_harness.h"

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
    CHECK(!compile("policy p {\n    user ?\n    seccomp {\n        default errno EPERM\n        allow read if fd = 1\n"
                   "        allow write if\n        allow close if fd == 1 1\n    }\n}\npolicy {\n}\npolicy q {\n    umask 1 2\n}\n"));
    /* every error, each once, in file order */
    static const struct {
        const char *code;
        unsigned line, col;
    } want[] = {
        {"lex", 2, 10},    {"syntax", 5, 26}, {"syntax", 6, 23},
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
    EXPECT_ERR("syntax", 1, 1, "expected end of file, include, group, policy, test, end of line or ';', found 'polcy'", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "syntax", 3, 8, "expected string, found end of line",
               CONT_HINT);
    EXPECT_ERR("unknown-directive", 5, 5, "unknown statement 'usr'", "did you mean 'user'?");
}

TEST(parse_unbalanced)
{
    CHECK(!compile("policy p {\n    user a\n"));
    EXPECT_ERR("syntax", 2, 11, "expected name, group, seccomp, end of line, ';' or '}', found end of file",
               "a '{' is not closed: add the missing '}'");
    CHECK(!compile("policy p {\n}\n}\n"));
    EXPECT_ERR("syntax", 3, 1, "expected end of file, include, group, policy, test, end of line or ';', found '}'", NULL);
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

TEST(parse_test_blocks)
{
    /* a test block is not a policy: the policy compiled is still the last one */
    CHECK(compile("policy p {\n    seccomp { default errno EPERM; allow read }\n}\n"
                  "test t for p {\n    expect allow socket(AF_INET, type=SOCK_STREAM) on x86_64; expect no_new_privs\n"
                  "    expect capabilities { chown,\n        kill }\n}\n"
                  "test \"quoted name\" for p { expect allow read }\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->name, "p");
    /* compile ignores what a test says (check and test resolve it) */
    CHECK(compile("policy p {}\ntest t for nosuch { expect frobnicate }\n"));
    EXPECT_CLEAN();
    /* `test` and `for` stay ordinary words everywhere else */
    CHECK(compile("policy test {\n    user test\n    group for\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->name, "test");
    CHECK_STR(ir->user, "test");
    /* a syntax error in a test block is located and the next item still parses */
    CHECK(!compile("test t for p {\n    expect allow socket(\n}\npolicy q {}\n"));
    CHECK(count_code("syntax") >= 1);
    CHECK(!compile("tset t for p { expect allow read }\npolicy q {}\n"));
    expect_nth(__LINE__, 0, STK_SEV_ERROR, "syntax", 1, 1,
               "expected end of file, include, group, policy, test, end of line or ';', found 'tset'", NULL);
    CHECK(!compile("test t fro p { expect allow read }\npolicy q {}\n"));
    expect_nth(__LINE__, 0, STK_SEV_ERROR, "syntax", 1, 8, "expected 'for' after the test's name",
               "test NAME for POLICY { expect ... }");
}

int main(void)
{
    if (harness_setup() != 0)
        return 1;
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
    RUN(parse_test_blocks);
    return harness_finish();
}
