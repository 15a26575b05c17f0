/* test_lsm_sema.c — the selinux and apparmor statements: IR, every
 * diagnostic with its exact column, the shared level parser, and the
 * generators' output for the facts the policy implies. */
#include "lsm/emit_lsm.h"
#include "frontend_harness.h"
#include "lsm_level.h"

static char *emit(bool cil);

#define SE(body) "policy p {\n    selinux {\n" body "    }\n}\n"

#define BAD_LEVEL_HINT "e.g. level auto, level s0:c1,c2, level s0-s0:c0.c1023"
#define TYPE_HINT "letters, digits and '_', starting with a letter, e.g. stockade_web_t"

TEST(lsm_selinux_defaults)
{
    CHECK(compile(SE("        type stockade_web_t\n")));
    EXPECT_CLEAN();
    const struct stk_selinux_ir *s = &ir->lsm.selinux;
    CHECK(ir->lsm.present && s->present && !s->optional);
    CHECK_STR(s->type, "stockade_web_t");
    CHECK_STR(s->filetype, "stockade_web_file_t");
    CHECK(s->level_auto && s->level == NULL);
    CHECK_INT(s->categories, 1024);
    CHECK_INT(s->ncallers, 3);
    CHECK_STR(s->callers[0], "unconfined_t");
    CHECK(!ir->lsm.apparmor.present);
    CHECK_INT(ir->nunenforced, 0);
}

TEST(lsm_selinux_all_settings)
{
    CHECK(compile(SE("        type web_t\n        level s0:c1,c2\n        filetype webdata_t\n"
                     "        categories 256\n        caller sysadm_t init_t\n        optional\n")));
    EXPECT_CLEAN();
    const struct stk_selinux_ir *s = &ir->lsm.selinux;
    CHECK_STR(s->type, "web_t");
    CHECK_STR(s->filetype, "webdata_t");
    CHECK(!s->level_auto);
    CHECK_STR(s->level, "s0:c1,c2");
    CHECK_INT(s->categories, 256);
    CHECK_INT(s->ncallers, 2);
    CHECK_STR(s->callers[1], "init_t");
    CHECK(s->optional);
    CHECK_INT(s->nentrypoints, 1);
    CHECK_STR(s->entrypoints[0], "exec_type");
    CHECK(compile(SE("        type web_t\n        entrypoint bin_t root_t\n")));
    EXPECT_CLEAN();
    CHECK_INT(ir->lsm.selinux.nentrypoints, 2);
    CHECK_STR(ir->lsm.selinux.entrypoints[1], "root_t");
    char *c = emit(true);
    CHECK_CONTAINS(c, "(allow web_t root_t (file (entrypoint ");
    CHECK(!strstr(c, "exec_type"));
    free(c);
}

TEST(lsm_selinux_level_forms)
{
    CHECK(compile(SE("        type a_t\n        level \"s0-s0:c0.c1023\"\n")));
    EXPECT_CLEAN();
    CHECK_STR(ir->lsm.selinux.level, "s0-s0:c0.c1023");
    CHECK(compile(SE("        type a_t\n        level s0:c1,c3.c5,c9\n")));
    EXPECT_CLEAN();
    CHECK_STR(ir->lsm.selinux.level, "s0:c1,c3.c5,c9");
    CHECK(compile(SE("        type a_t\n        level s0\n")));
    EXPECT_CLEAN();
    CHECK_STR(ir->lsm.selinux.level, "s0");
}

TEST(lsm_diag_bad_type)
{
    CHECK(!compile(SE("        type stockade-web_t\n")));
    EXPECT_ERR("bad-label", 3, 14, "'stockade-web_t' is not a valid SELinux type name", TYPE_HINT);
    EXPECT_COUNTS(1, 0);
    CHECK(!compile(SE("        type a_t\n        filetype 9x_t\n")));
    /* 9x_t lexes as a number word */
    EXPECT_ERR("bad-label", 4, 18, "'9x_t' is not a valid SELinux file type name", TYPE_HINT);
    CHECK(!compile(SE("        type a_t\n        caller unconfined_t self\n")));
    EXPECT_ERR("bad-label", 4, 29, "'self' is not a valid SELinux type name", TYPE_HINT);
}

TEST(lsm_diag_malformed_level)
{
    CHECK(!compile(SE("        type a_t\n        level s0:c1,x2\n")));
    EXPECT_ERR("bad-level", 4, 21, "expected a category like 'c5' at 'x2'", BAD_LEVEL_HINT);
    EXPECT_COUNTS(1, 0);
    CHECK(!compile(SE("        type a_t\n        level t0\n")));
    EXPECT_ERR("bad-level", 4, 15, "expected a sensitivity like 's0' at 't0'", BAD_LEVEL_HINT);
    CHECK(!compile(SE("        type a_t\n        level s0:c1;c2\n")));
    /* `;` ends the statement: "s0:c1" is a level and "c2" an unknown setting */
    EXPECT_ERR("unknown-directive", 4, 21, "unknown selinux setting 'c2'", NULL);
    EXPECT_COUNTS(1, 0);
    CHECK(!compile(SE("        type a_t\n        level s0:c01\n")));
    EXPECT_ERR("bad-level", 4, 18, "expected a category like 'c5' at 'c01'", BAD_LEVEL_HINT);
    CHECK(!compile(SE("        type a_t\n        level s99\n")));
    EXPECT_ERR("bad-level", 4, 15, "sensitivity s99 is out of range (s0 to s15)", BAD_LEVEL_HINT);
}

TEST(lsm_diag_category_out_of_range)
{
    CHECK(!compile(SE("        type a_t\n        level s0:c1,c1024\n")));
    EXPECT_ERR("bad-level", 4, 21, "category c1024 is out of range (c0 to c1023)", BAD_LEVEL_HINT);
    CHECK(!compile(SE("        type a_t\n        categories 16\n        level s0:c1.c20\n")));
    EXPECT_ERR("bad-level", 5, 21, "category c20 is out of range (c0 to c15)", BAD_LEVEL_HINT);
    CHECK(!compile(SE("        type a_t\n        categories 1\n")));
    EXPECT_ERR("bad-arguments", 4, 20, "expected a category count from 2 to 1024, found '1'", NULL);
    CHECK(!compile(SE("        type a_t\n        categories 2048\n")));
    EXPECT_ERR("bad-arguments", 4, 20, "expected a category count from 2 to 1024, found '2048'", NULL);
}

TEST(lsm_diag_category_order)
{
    CHECK(!compile(SE("        type a_t\n        level s0:c5,c3\n")));
    EXPECT_ERR("bad-level", 4, 21, "categories must be in increasing order: c3 comes after c5", BAD_LEVEL_HINT);
    CHECK(!compile(SE("        type a_t\n        level s0:c5,c5\n")));
    EXPECT_ERR("bad-level", 4, 21, "categories must be in increasing order: c5 comes after c5", BAD_LEVEL_HINT);
    CHECK(!compile(SE("        type a_t\n        level s0:c5.c2\n")));
    EXPECT_ERR("bad-level", 4, 18, "category range c5.c2 must go from a lower to a higher category", BAD_LEVEL_HINT);
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "bad-level", 0);
    CHECK_INT(d->loc.end_col, 22); /* the caret covers "c5.c2" */
    /* the high level of a range must dominate the low one (quoted: one column for the quote) */
    CHECK(!compile(SE("        type a_t\n        level \"s0:c1-s0:c2\"\n")));
    EXPECT_ERR("bad-level", 4, 22, "the high level 's0:c2' does not dominate the low level", BAD_LEVEL_HINT);
}

TEST(lsm_diag_unknown_key)
{
    CHECK(!compile(SE("        type a_t\n        levle auto\n")));
    EXPECT_ERR("unknown-directive", 4, 9, "unknown selinux setting 'levle'", "did you mean 'level'?");
    CHECK(!compile(SE("        typ a_t\n")));
    EXPECT_ERR("unknown-directive", 3, 9, "unknown selinux setting 'typ'", "did you mean 'type'?");
    EXPECT_AT(STK_SEV_ERROR, "bad-arguments", 2, 5, "the selinux block needs 'type' (the process domain)",
              "e.g. type stockade_web_t");
    CHECK(!compile(SE("        type a_t\n        optinal\n")));
    EXPECT_ERR("unknown-directive", 4, 9, "unknown selinux setting 'optinal'", "did you mean 'optional'?");
}

TEST(lsm_diag_block_shape)
{
    CHECK(!compile("policy p {\n    selinux stockade_web_t\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 5, "'selinux' takes a block", "selinux { type stockade_web_t; level auto }");
    CHECK(!compile(SE("        type a_t\n        type b_t\n")));
    EXPECT_ERR("bad-arguments", 4, 9, "'type' is given twice in the selinux block", NULL);
    CHECK(!compile(SE("        type a_t\n        filetype a_t\n")));
    EXPECT_ERR("bad-label", 4, 18, "the file type must differ from the process type 'a_t'", NULL);
    CHECK(!compile(SE("        type a_t\n        optional yes\n")));
    EXPECT_ERR("bad-arguments", 4, 18, "too many arguments to 'optional' (at most 0)", NULL);
    CHECK(!compile(SE("        type a_t\n        level\n")));
    EXPECT_ERR("bad-arguments", 4, 9, "'level' needs at least 1 argument", NULL);
}

TEST(lsm_apparmor_forms)
{
    CHECK(compile("policy p {\n    apparmor stockade-web\n}\n"));
    EXPECT_CLEAN();
    CHECK(ir->lsm.apparmor.present && ir->lsm.apparmor.generate && !ir->lsm.apparmor.optional);
    CHECK_STR(ir->lsm.apparmor.profile, "stockade-web");
    CHECK(compile("policy p {\n    apparmor use docker-default optional\n}\n"));
    EXPECT_CLEAN();
    CHECK(!ir->lsm.apparmor.generate && ir->lsm.apparmor.optional);
    CHECK_STR(ir->lsm.apparmor.profile, "docker-default");
    CHECK(compile("policy p {\n    apparmor /usr/bin/web\n}\n"));
    EXPECT_CLEAN();
}

TEST(lsm_diag_apparmor)
{
    CHECK(!compile("policy p {\n    apparmor \"bad name\"\n}\n"));
    EXPECT_ERR("bad-label", 2, 14, "'bad name' is not a valid AppArmor profile name",
               "letters, digits and _ - . / + : @, not starting with '-', '.' or '/', e.g. stockade-web");
    CHECK(!compile("policy p {\n    apparmor unconfined\n}\n"));
    EXPECT_ERR("bad-label", 2, 14, "'unconfined' is not a valid AppArmor profile name",
               "letters, digits and _ - . / + : @, not starting with '-', '.' or '/', e.g. stockade-web");
    CHECK(!compile("policy p {\n    apparmor web optinal\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 18, "unknown apparmor option 'optinal'", "did you mean 'optional'?");
    CHECK(!compile("policy p {\n    apparmor use\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 14, "expected a profile name after 'use'", "e.g. apparmor use docker-default");
    CHECK(!compile("policy p {\n    apparmor use optional\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 14, "expected a profile name after 'use'", "e.g. apparmor use docker-default");
    CHECK(!compile("policy p {\n    apparmor web { optional }\n}\n"));
    EXPECT_ERR("unexpected-block", 2, 5, "'apparmor' does not take a block", NULL);
    CHECK(!compile("policy p {\n    apparmor\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 5, "'apparmor' needs at least 1 argument", NULL);
}

TEST(lsm_warn_both)
{
    CHECK(compile("policy p {\n    selinux { type a_t }\n    apparmor web\n}\n"));
    EXPECT_WARN("lsm-both", 3, 5, "a kernel runs SELinux or AppArmor, not both: this policy would be refused everywhere",
                "mark one of them optional: selinux { ... optional } or apparmor NAME optional");
    EXPECT_COUNTS(0, 1);
    CHECK(compile("policy p {\n    selinux { type a_t; optional }\n    apparmor web\n}\n"));
    EXPECT_CLEAN();
}

TEST(lsm_extends_replaces)
{
    CHECK(compile("policy base {\n    selinux { type a_t; level s0:c1,c2; optional }\n    apparmor use x optional\n}\n"
                  "policy p extends base {\n    selinux { type b_t }\n    apparmor web\n}\n"));
    const struct stk_selinux_ir *s = &ir->lsm.selinux;
    CHECK_STR(s->type, "b_t");
    CHECK(s->level_auto && !s->optional && s->level == NULL);
    CHECK(ir->lsm.apparmor.generate && !ir->lsm.apparmor.optional);
    CHECK_STR(ir->lsm.apparmor.profile, "web");
    CHECK(compile("policy base {\n    selinux { type a_t }\n}\npolicy p extends base {\n    no_new_privs\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->lsm.selinux.type, "a_t");
}

/* ---- the level parser the compiler and the enforcer share ---------------------- */

static int lv(const char *t, uint32_t ncat, size_t *off)
{
    struct stk_level_err e;
    int rc = stk_level_check(t, ncat, &e);
    if (off)
        *off = rc < 0 ? e.off : (size_t)-1;
    return rc;
}

TEST(lsm_level_parser)
{
    size_t off;
    CHECK(lv("s0", 1024, NULL) == 0);
    CHECK(lv("s0:c0", 1024, NULL) == 0);
    CHECK(lv("s0:c0.c1023", 1024, NULL) == 0);
    CHECK(lv("s0-s0:c0.c1023", 1024, NULL) == 0);
    CHECK(lv("s0:c3-s1:c1.c4", 1024, NULL) == 0);
    CHECK(lv("s15", 1024, NULL) == 0);
    CHECK(lv("", 1024, &off) < 0);
    CHECK(lv("s16", 1024, &off) < 0 && off == 0);
    CHECK(lv("s0:", 1024, &off) < 0 && off == 3);
    CHECK(lv("s0:c1,", 1024, &off) < 0 && off == 6);
    CHECK(lv("s0:c1.", 1024, &off) < 0 && off == 6);
    CHECK(lv("s0:c1 ", 1024, &off) < 0 && off == 5);
    CHECK(lv("s0:c1-", 1024, &off) < 0 && off == 6);
    CHECK(lv("s0:c1-s0:c1-s0", 1024, &off) < 0 && off == 11);
    CHECK(lv("s0:c99999999999", 1024, &off) < 0 && off == 3);
    CHECK(lv("s1-s0", 1024, &off) < 0 && off == 3);
    CHECK(lv("s0:c1,c2", 2, &off) < 0 && off == 6);
    CHECK(lv("s0:c1,c2", 0, &off) < 0);
    char buf[32];
    CHECK(stk_level_pair(buf, sizeof buf, 4, 87) == 0);
    CHECK_STR(buf, "s0:c4,c87");
    CHECK(stk_level_pair(buf, 6, 4, 87) < 0);
    CHECK(stk_selinux_name_ok("stockade_web_t") && !stk_selinux_name_ok("_x") && !stk_selinux_name_ok("a-b") &&
          !stk_selinux_name_ok(""));
    CHECK(stk_apparmor_name_ok("stockade-web") && stk_apparmor_name_ok("/usr/bin/x") &&
          !stk_apparmor_name_ok("a//b") && !stk_apparmor_name_ok("-x") && !stk_apparmor_name_ok("a b") &&
          !stk_apparmor_name_ok("x/"));
}

/* ---- what the generators derive ------------------------------------------------- */

static char *emit(bool cil)
{
    struct stk_buf b = {0};
    if (cil)
        stk_emit_selinux_cil(ir, &b);
    else
        stk_emit_apparmor(ir, "t-prof", &b, NULL, 0);
    stk_buf_put(&b, "", 1);
    return b.data;
}

TEST(lsm_emit_caps_and_network)
{
    CHECK(compile("policy p {\n    capabilities { keep net_bind_service, syslog }\n"
                  "    selinux { type a_t; caller sysadm_t staff_t }\n"
                  "    seccomp {\n        default errno EPERM\n"
                  "        allow socket if domain == AF_INET6 && type == SOCK_STREAM\n"
                  "        allow read, write, exit_group\n    }\n}\n"));
    EXPECT_CLEAN();
    char *c = emit(true);
    CHECK_CONTAINS(c, "(allow a_t self (capability (net_bind_service)))");
    CHECK_CONTAINS(c, "(allow a_t self (capability2 (syslog)))");
    CHECK_CONTAINS(c, "(typeattributeset a_t_callers (sysadm_t staff_t))");
    CHECK_CONTAINS(c, "(roletype staff_r a_t)");
    CHECK_CONTAINS(c, "(allow a_t a_t_callers (fd (use)))");
    CHECK_CONTAINS(c, "(allow a_t_callers a_t (process2 (nnp_transition nosuid_transition)))");
    CHECK_CONTAINS(c, "(typeattributeset mcs_constrained_type (a_t))");
    CHECK_CONTAINS(c, "(allow a_t self (tcp_socket (");
    CHECK(!strstr(c, "udp_socket") && !strstr(c, "unix_stream_socket (create"));
    free(c);
    char *a = emit(false);
    CHECK_CONTAINS(a, "profile t-prof flags=(attach_disconnected,mediate_deleted) {");
    CHECK_CONTAINS(a, "  capability net_bind_service,\n  capability syslog,\n");
    CHECK_CONTAINS(a, "  network inet6 stream,\n");
    CHECK(!strstr(a, "network inet,") && !strstr(a, "  network,") && !strstr(a, "  unix,"));
    CHECK_CONTAINS(a, "  file,\n");
    free(a);
}

TEST(lsm_emit_no_seccomp_block_means_all_network)
{
    CHECK(compile("policy p {\n    capabilities none\n}\n"));
    char *a = emit(false);
    CHECK_CONTAINS(a, "  network,\n");
    CHECK(!strstr(a, "capability "));
    free(a);
}

TEST(lsm_emit_file_rules_from_facts)
{
    CHECK(compile("policy p {\n    apparmor x\n}\n"));
    struct stk_lsm_facts f;
    stk_lsm_facts(ir, &f);
    f.paths_known = true;
    stk_lsm_facts_add_path(&f, "/usr", STK_LSM_READ | STK_LSM_EXEC | STK_LSM_TREE);
    stk_lsm_facts_add_path(&f, "/srv/www/", STK_LSM_READ | STK_LSM_TREE);
    stk_lsm_facts_add_path(&f, "/var/log/web.log", STK_LSM_WRITE);
    stk_lsm_facts_add_path(&f, "/var/log/web.log", STK_LSM_READ); /* merged */
    stk_lsm_facts_add_path(&f, "/odd/{x}*", STK_LSM_READ);
    struct stk_buf b = {0};
    stk_emit_apparmor_facts(ir, "x", &f, &b, NULL, 0);
    stk_buf_put(&b, "", 1);
    stk_lsm_facts_free(&f);
    CHECK_CONTAINS(b.data, "  \"/usr\" rmix,\n  \"/usr/\" r,\n  \"/usr/**\" rmix,\n");
    CHECK_CONTAINS(b.data, "  \"/srv/www/\" r,\n  \"/srv/www/**\" r,\n");
    CHECK_CONTAINS(b.data, "  \"/var/log/web.log\" rwkl,\n");
    CHECK_CONTAINS(b.data, "  \"/odd/\\{x\\}\\*\" r,\n");
    CHECK(!strstr(b.data, "  file,"));
    /* the real parser accepts it */
    const char *prof = write_file("x.aa", b.data);
    free(b.data);
    if (access("/usr/sbin/apparmor_parser", X_OK) != 0 || access("/usr/share/apparmor-features/features", R_OK) != 0)
        SKIP("apparmor_parser or its features file is not installed");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/sbin/apparmor_parser -Q -K -M /usr/share/apparmor-features/features %s", prof);
    CHECK_INT(system(cmd), 0);
}

int main(void)
{
    if (harness_setup())
        return 1;
    RUN(lsm_selinux_defaults);
    RUN(lsm_selinux_all_settings);
    RUN(lsm_selinux_level_forms);
    RUN(lsm_diag_bad_type);
    RUN(lsm_diag_malformed_level);
    RUN(lsm_diag_category_out_of_range);
    RUN(lsm_diag_category_order);
    RUN(lsm_diag_unknown_key);
    RUN(lsm_diag_block_shape);
    RUN(lsm_apparmor_forms);
    RUN(lsm_diag_apparmor);
    RUN(lsm_warn_both);
    RUN(lsm_extends_replaces);
    RUN(lsm_level_parser);
    RUN(lsm_emit_caps_and_network);
    RUN(lsm_emit_no_seccomp_block_means_all_network);
    RUN(lsm_emit_file_rules_from_facts);
    return harness_finish();
}
