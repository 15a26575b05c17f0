/* test_pipeline.c — stk_pipeline(): every command's one way through the
 * compiler.  Back-end failures land in the diagnostics sink with a code and
 * the policy's location, `check` (every_policy) runs the back ends on every
 * policy of a file, and a single policy's outputs are all there.  The
 * bundle's bounds: a string over one is refused in sema, a bundle over the
 * reader's total size by the writer's check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsm/emit_lsm.h"
#include "pipeline.h"
#include "testlib.h"
#include "util.h"

static char path[64];

/* Write text to a new temporary .stk file (path). */
static const char *write_policy(const char *text)
{
    snprintf(path, sizeof path, "/tmp/stk-pipeline-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n;
    close(fd);
    return ok ? path : NULL;
}

/* 1,200 conditional rules: sema accepts them, the code generator cannot fit them in 4096 instructions. */
static void too_large(struct stk_buf *b, const char *name)
{
    stk_buf_printf(b, "policy %s {\n    seccomp {\n        default errno EPERM\n", name);
    for (int i = 1; i <= 1200; i++)
        stk_buf_printf(b, "        allow read if arg0 == %d && arg1 == %d\n", i, i);
    stk_buf_puts(b, "    }\n}\n");
}

static const struct stk_diag *only_error(const struct stk_diags *ds)
{
    const struct stk_diag *e = NULL;
    for (size_t i = 0; i < ds->nd; i++)
        if (ds->d[i].sev == STK_SEV_ERROR)
            e = e ? NULL : &ds->d[i];
    return ds->nerrors == 1 ? e : NULL;
}

TEST(check_reports_program_too_large)
{
    struct stk_buf b = {0};
    too_large(&b, "big");
    const char *p = write_policy(b.data);
    stk_buf_free(&b);
    CHECK(p);
    struct stk_diags ds;
    stk_diags_init(&ds);
    CHECK(!stk_pipeline_check_file(p, NULL, &ds));
    const struct stk_diag *e = only_error(&ds);
    CHECK(e);
    if (e) {
        CHECK_STR(e->code, "program-too-large");
        CHECK_INT(e->loc.line, 1);
        CHECK_INT(e->loc.col, 8);
        CHECK_CONTAINS(e->message, "the kernel's limit is 4096");
    }
    stk_diags_free(&ds);
    unlink(p);
}

/* A landlock path longer than the bundle holds (4095 bytes): sema refuses it
 * at the path, once; the AppArmor emitter, which would refuse it too, does
 * not run on a policy with errors. */
TEST(check_reports_long_landlock_path_once)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy aa {\n    no_new_privs on\n    landlock {\n        read \"/srv/");
    for (int i = 0; i < 5000; i++)
        stk_buf_puts(&b, "a");
    stk_buf_puts(&b, "\"\n        execute /usr\n    }\n    apparmor stockade-aa\n}\n");
    const char *p = write_policy(b.data);
    stk_buf_free(&b);
    CHECK(p);
    struct stk_diags ds;
    stk_diags_init(&ds);
    CHECK(!stk_pipeline_check_file(p, NULL, &ds));
    const struct stk_diag *e = only_error(&ds);
    CHECK(e);
    if (e) {
        CHECK_STR(e->code, "bad-path");
        CHECK_INT(e->loc.line, 4); /* the path */
        CHECK_INT(e->loc.col, 14);
        CHECK_CONTAINS(e->message, "landlock path of 5005 bytes: the limit is 4095");
    }
    stk_diags_free(&ds);
    unlink(p);
}

/* The emitter's own refusal of a path no file can have (a policy no longer
 * reaches it: sema refuses such paths first). */
TEST(apparmor_emitter_refuses_long_path)
{
    const char *p = write_policy("policy aa {\n    landlock {\n        read /srv\n        execute /usr\n    }\n"
                                 "    apparmor stockade-aa\n}\n");
    CHECK(p);
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_pipeline_req req = {.path = p};
    struct stk_pipeline_out out;
    CHECK(stk_pipeline(&req, &ds, &out));
    CHECK(out.ir && out.ir->landlock.npaths == 2);
    if (out.ir && out.ir->landlock.npaths == 2) {
        char *long_path = stk_xmalloc(5006);
        memset(long_path, 'a', 5005);
        long_path[0] = '/';
        long_path[5005] = '\0';
        free(out.ir->landlock.paths[0].path);
        out.ir->landlock.paths[0].path = long_path;
        struct stk_buf prof = {0};
        char err[256] = "";
        CHECK_INT(stk_emit_apparmor(out.ir, "stockade-aa", &prof, err, sizeof err), -1);
        CHECK_CONTAINS(err, "is 5005 bytes long, more than a file path can be (4095)");
        stk_buf_free(&prof);
    }
    stk_pipeline_out_free(&out);
    stk_diags_free(&ds);
    unlink(p);
}

/* Every string and list within its bound, the bundle as a whole above the
 * reader's 4 MiB: the bundle writer's check, at the policy. */
TEST(check_reports_bundle_too_large)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy big {\n    env {\n");
    for (int v = 0; v < 33; v++) {
        stk_buf_printf(&b, "        set V%d=", v);
        for (int i = 0; i < 131071; i++)
            stk_buf_puts(&b, "x");
        stk_buf_puts(&b, "\n");
    }
    stk_buf_puts(&b, "    }\n}\n");
    const char *p = write_policy(b.data);
    stk_buf_free(&b);
    CHECK(p);
    struct stk_diags ds;
    stk_diags_init(&ds);
    CHECK(!stk_pipeline_check_file(p, NULL, &ds));
    const struct stk_diag *e = only_error(&ds);
    CHECK(e);
    if (e) {
        CHECK_STR(e->code, "bundle-too-large");
        CHECK_INT(e->loc.line, 1);
        CHECK_INT(e->loc.col, 8);
        CHECK_CONTAINS(e->message, "the enforcer reads at most 4194304 (4 MiB)");
    }
    stk_diags_free(&ds);
    /* compile: no bundle */
    stk_diags_init(&ds);
    struct stk_pipeline_req req = {.path = p};
    struct stk_pipeline_out out;
    CHECK(!stk_pipeline(&req, &ds, &out));
    CHECK_INT(out.bundle.len, 0);
    CHECK_INT(ds.nerrors, 1);
    stk_pipeline_out_free(&out);
    stk_diags_free(&ds);
    unlink(p);
}

/* check looks at every policy of the file, not only the last one compile picks by default */
TEST(check_runs_back_ends_on_every_policy)
{
    struct stk_buf b = {0};
    too_large(&b, "first");
    stk_buf_puts(&b, "policy second {\n}\n");
    const char *p = write_policy(b.data);
    stk_buf_free(&b);
    CHECK(p);
    struct stk_diags ds;
    stk_diags_init(&ds);
    CHECK(!stk_pipeline_check_file(p, NULL, &ds));
    CHECK_INT(ds.nerrors, 1);
    stk_diags_free(&ds);
    /* the last policy alone goes through */
    stk_diags_init(&ds);
    struct stk_pipeline_req req = {.path = p};
    struct stk_pipeline_out out;
    CHECK(stk_pipeline(&req, &ds, &out));
    CHECK(out.ir && strcmp(out.ir->name, "second") == 0);
    stk_pipeline_out_free(&out);
    stk_diags_free(&ds);
    unlink(p);
}

TEST(single_policy_outputs)
{
    const char *p = write_policy("policy web {\n    no_new_privs on\n    selinux {\n        type stockade_web_t\n"
                                 "        optional\n    }\n    apparmor stockade-web optional\n}\n");
    CHECK(p);
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_pipeline_req req = {.path = p};
    struct stk_pipeline_out out;
    bool ok = stk_pipeline(&req, &ds, &out);
    if (!ok)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    CHECK(ok);
    CHECK(out.prog.len > 0);
    CHECK(out.bundle.len > 0);
    CHECK(out.cil.data && strstr(out.cil.data, "(type stockade_web_t)"));
    CHECK(out.apparmor.data && strstr(out.apparmor.data, "profile stockade-web "));
    stk_pipeline_out_free(&out);
    stk_diags_free(&ds);
    unlink(p);
}

int main(void)
{
    RUN(check_reports_program_too_large);
    RUN(check_reports_long_landlock_path_once);
    RUN(apparmor_emitter_refuses_long_path);
    RUN(check_reports_bundle_too_large);
    RUN(check_runs_back_ends_on_every_policy);
    RUN(single_policy_outputs);
    return test_summary();
}
