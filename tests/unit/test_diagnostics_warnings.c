/* test_diagnostics_warnings — front end (issue 2): the lint findings (warnings) and the
 * expression diagnostics, each asserted by code, severity, line, column, message and hint.
 * (test_diagnostics.c has the syntax, lexical, name and argument diagnostics.) */
#include "frontend_harness.h"

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

int main(void)
{
    if (harness_setup() != 0)
        return 1;
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
    return harness_finish();
}
