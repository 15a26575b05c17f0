/* test_pipeline.c — stk_pipeline(): every command's one way through the
 * compiler.  Back-end failures land in the diagnostics sink with a code and
 * the policy's location, `check` (every_policy) runs the back ends on every
 * policy of a file, and a single policy's outputs are all there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

TEST(check_reports_apparmor_emitter_failure)
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
        CHECK_STR(e->code, "lsm-emit");
        CHECK_INT(e->loc.line, 7); /* the apparmor statement */
        CHECK_CONTAINS(e->message, "5005 bytes");
    }
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
    RUN(check_reports_apparmor_emitter_failure);
    RUN(check_runs_back_ends_on_every_policy);
    RUN(single_policy_outputs);
    return test_summary();
}
