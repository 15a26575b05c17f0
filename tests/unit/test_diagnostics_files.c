/* test_diagnostics_files — front end (issue 2): the diagnostics of files, symbols and cycles
 * (include, group, extends, duplicates, io), each asserted by code, severity, line, column,
 * message and hint.  (test_diagnostics.c has the syntax, lexical, name and argument diagnostics.) */
#include "frontend_harness.h"
#include "stk_paths.h"

/* ==== diagnostics: files, symbols, cycles ======================================= */

TEST(diag_include_missing)
{
    const char *a = write_file("inc_missing.stk", "include \"nope.stk\"\npolicy p {\n}\n");
    CHECK(!check_path(a, NULL));
    const struct stk_diag *d = EXPECT_ERR("include-missing", 1, 9, "cannot find included file 'nope.stk'",
                                          "looked next to the including file, in -I directories, in " STK_SITE_POLICY_DIR ", in "
                                          STK_POLICY_DIR " and in the built-in library");
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

int main(void)
{
    if (harness_setup() != 0)
        return 1;
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
    return harness_finish();
}
