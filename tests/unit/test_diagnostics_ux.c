/* test_diagnostics_ux — issue 15, "Operator experience found wanting": the
 * check diagnostics and language edges a new user met.  An unclosed '{'
 * points at the brace; a note follows the finding it belongs to; a missing
 * include and a misspelt constant get a "did you mean"; a condition that
 * misfits several calls of a group is one error; a relative path is
 * underlined whole; a condition continues after a binary operator; `errno 0`
 * is accepted with a lint note and means SECCOMP_RET_ERRNO|0 end to end. */
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "bpf_interp.h"
#include "seccomp/bpf_gen.h"
#include "seccomp/ref_eval.h"
#include "supervise/report.h"
#include "frontend_harness.h"
#include "util.h"

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

/* ==== 1. an unclosed '{' ================================================================ */

TEST(unclosed_brace_points_at_the_brace)
{
    CHECK(!compile("policy p {\n    seccomp {\n        default errno EPERM\n        allow read\n"));
    const struct stk_diag *e = find_nth(STK_SEV_ERROR, "syntax", 0);
    CHECK_MSG(e && strstr(e->message, "found end of file"), "got:%s", dump());
    CHECK_STR(e->hint, "some '{' are not closed: add the missing '}'");
    const struct stk_diag *n =
        EXPECT(STK_SEV_NOTE, "syntax", 2, 13, "this '{' (line 2, column 13) is never closed", NULL);
    CHECK_INT(n->parent, (size_t)(e - ds.d) + 1);
    CHECK_INT(count_code("syntax"), 2); /* the error and its note; no cascade */
    /* one block: the one brace */
    CHECK(!compile("\npolicy p {\n    user nobody\n"));
    EXPECT(STK_SEV_NOTE, "syntax", 2, 10, "this '{' (line 2, column 10) is never closed", NULL);
    CHECK_STR(find_nth(STK_SEV_ERROR, "syntax", 0)->hint, "a '{' is not closed: add the missing '}'");
    /* the note is printed after its error */
    char *out = render(STK_DIAG_TEXT);
    const char *err = strstr(out, "error:"), *note = strstr(out, "note: this '{'");
    bool after = err && note && note > err;
    free(out);
    CHECK(after);
}

/* ==== 2. notes follow their finding ===================================================== */

TEST(note_printed_after_its_warning)
{
    /* the note points at line 4, the warning at line 5: the note still comes second */
    CHECK(compile_rules("        allow read\n        allow read\n"));
    const struct stk_diag *w = find_nth(STK_SEV_WARNING, "shadowed-rule", 0);
    const struct stk_diag *n = find_nth(STK_SEV_NOTE, "shadowed-rule", 0);
    CHECK(w && n && n->loc.line < w->loc.line);
    char *out = render(STK_DIAG_TEXT);
    const char *pw = strstr(out, "t.stk:5:9: warning:"), *pn = strstr(out, "t.stk:4:9: note:");
    bool ok = pw && pn && pw < pn;
    if (!ok)
        printf("    text:\n%s", out);
    free(out);
    CHECK(ok);
    out = render(STK_DIAG_JSON);
    pw = strstr(out, "\"severity\":\"warning\"");
    pn = strstr(out, "\"severity\":\"note\"");
    ok = pw && pn && pw < pn;
    if (!ok)
        printf("    json:\n%s", out);
    free(out);
    CHECK(ok);
}

TEST(notes_keep_position_order_otherwise)
{
    /* findings at different places still come by position, each with its notes */
    CHECK(compile_rules("        allow read\n        allow write\n        allow read\n        allow write\n"));
    char *out = render(STK_DIAG_TEXT);
    const char *w6 = strstr(out, "t.stk:6:9: warning:"), *n4 = strstr(out, "t.stk:4:9: note:");
    const char *w7 = strstr(out, "t.stk:7:9: warning:"), *n5 = strstr(out, "t.stk:5:9: note:");
    bool ok = w6 && n4 && w7 && n5 && w6 < n4 && n4 < w7 && w7 < n5;
    if (!ok)
        printf("    text:\n%s", out);
    free(out);
    CHECK(ok);
}

/* ==== 3. include did-you-mean =========================================================== */

TEST(include_did_you_mean)
{
    /* a built-in name */
    CHECK(!compile("include \"group.stk\"\n"));
    EXPECT_ERR("include-missing", 1, 9, "cannot find included file 'group.stk'", "did you mean 'groups.stk'?");
    /* a file next to the including one */
    write_file("services-base.stk", "group @x { read }\n");
    const char *main_path = write_file("main.stk", "include \"service-base.stk\"\n");
    CHECK(!check_path(main_path, NULL));
    EXPECT_ERR("include-missing", 1, 9, "cannot find included file 'service-base.stk'",
               "did you mean 'services-base.stk'?");
}

/* ==== 4. a misspelt constant ============================================================ */

TEST(constant_did_you_mean)
{
    CHECK(!compile_rules("        allow mmap if prot & PROT_EXECUTE\n"));
    EXPECT_ERR("unknown-name", 4, 30, "'PROT_EXECUTE' is neither an argument of mmap nor a known constant",
               "did you mean 'PROT_EXEC'?");
    /* an argument still wins when it is as close */
    CHECK(!compile_rules("        allow openat if flag & O_RDONLY\n"));
    EXPECT_ERR("unknown-name", 4, 25, "'flag' is neither an argument of openat nor a known constant",
               "did you mean 'flags'?");
}

/* ==== 5. one error for a condition misfitting a group =================================== */

TEST(group_condition_misfit_once)
{
    CHECK(!compile("include \"groups.stk\"\npolicy p {\n    seccomp {\n        default errno EPERM\n"
                   "        allow @basic-io if fd < 3\n    }\n}\n"));
    CHECK_INT(count_code("unknown-name"), 1);
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "unknown-name", 0);
    CHECK(d && d->loc.line == 5 && d->loc.col == 28);
    CHECK_MSG(strncmp(d->message, "'fd' is not an argument of ", 27) == 0 && strstr(d->message, "dup2") &&
                  strstr(d->message, "close_range") && strstr(d->message, "splice"),
              "message: %s", d->message);
    CHECK_STR(d->hint, "a condition must fit every call of its rule: give these calls a rule of their own, or "
                       "name the argument by position (arg0..arg5)");
    EXPECT_COUNTS(1, 0);
    /* misfitting every call: the first call's hint */
    CHECK(!compile_rules("        allow read, write if cont < 3\n"));
    EXPECT_ERR("unknown-name", 4, 30, "'cont' is not an argument of any of the rule's calls (read, write)",
               "did you mean 'count'?");
    EXPECT_COUNTS(1, 0);
    /* one call misfitting: the usual message */
    CHECK(!compile_rules("        allow mmap, close if prot == 1\n"));
    EXPECT_ERR("unknown-name", 4, 30, "'prot' is neither an argument of close nor a known constant",
               "close takes: fd (or arg0..arg5)");
    EXPECT_COUNTS(1, 0);
}

/* ==== 6. a relative path underlined whole =============================================== */

TEST(relative_path_caret_covers_the_path)
{
    CHECK(!compile("policy p {\n    landlock {\n        read usr/lib\n        execute /usr\n    }\n}\n"));
    const struct stk_diag *d = EXPECT_ERR("relative-path", 3, 14, "landlock paths must be absolute, found 'usr/lib'",
                                          "write the full path, e.g. /usr/lib");
    CHECK_INT(d->loc.end_col, 20);
    EXPECT_COUNTS(1, 0);
}

/* ==== 7. a condition continued after an operator ======================================== */

TEST(condition_continues_after_operator)
{
    CHECK(compile_rules("        allow read if fd == 0 ||\n            fd == 1\n"
                        "        allow write if fd >= 1 &&\n            fd <= 2\n"
                        "        allow close if fd >\n            2\n"));
    const struct stk_rule *r[8];
    size_t n = user_rules(r, 8);
    CHECK_INT(n, 3);
    CHECK(r[0]->cond && r[0]->cond->kind == STK_COND_OR);
    CHECK(r[1]->cond && r[1]->cond->kind == STK_COND_AND);
    CHECK(r[2]->cond != NULL);
    /* a statement still ends at a line's end otherwise */
    CHECK(!compile_rules("        allow read if fd == 0\n            || fd == 1\n"));
}

/* ==== 8. errno 0 ======================================================================== */

TEST(errno_zero_accepted_with_a_note)
{
    CHECK(compile_rules("        errno 0 chown\n"));
    const struct stk_diag *n = EXPECT(STK_SEV_NOTE, "errno-zero", 4, 15,
                                      "'errno 0' answers success (0) without running the call",
                                      "the program believes the call worked: use it only for calls whose effect it "
                                      "does not need (e.g. chown in a container)");
    CHECK_INT(n->parent, 0);
    EXPECT_COUNTS(0, 0);
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 1);
    CHECK_INT(r[0]->action.kind, STK_ACT_ERRNO);
    CHECK_INT(r[0]->action.data, 0);
    char buf[64];
    CHECK_STR(stk_action_str(r[0]->action, buf, sizeof buf), "errno 0");
    /* as a default too; an expectation in a test is no rule: no note */
    CHECK(compile("policy p {\n    seccomp {\n        default errno 0\n    }\n}\n"
                  "test t for p {\n    expect errno 0 chown\n}\n"));
    CHECK_INT(count_code("errno-zero"), 1);
    CHECK_INT(ir->seccomp.def.kind, STK_ACT_ERRNO);
    CHECK_INT(ir->seccomp.def.data, 0);
}

TEST(errno_zero_in_the_filter)
{
    CHECK(compile_rules("        errno 0 chown\n        allow read\n"));
    struct stk_bpf_prog p;
    char err[256];
    CHECK_MSG(stk_bpf_generate(ir, &p, err, sizeof err) == 0, "generate: %s", err);
    struct seccomp_data d = {.nr = (int)stk_syscall_nr(stk_syscall_lookup("chown"), STK_ABI_X86_64),
                             .arch = AUDIT_ARCH_X86_64};
    uint32_t got = stk_bpf_run(p.insns, p.len, &d, NULL);
    stk_bpf_prog_free(&p);
    CHECK_U64(got, SECCOMP_RET_ERRNO | 0u);
    CHECK_U64(stk_ref_decide(ir, &d), SECCOMP_RET_ERRNO | 0u);
    /* --report answers it as the kernel does: 0, and no error */
    struct stk_decision dec;
    stk_report_decide(SECCOMP_RET_ERRNO | 0u, &dec);
    CHECK_INT(dec.verdict, STK_V_ERRNO);
    CHECK_INT(dec.err, 0);
}

int main(void)
{
    if (harness_setup() != 0)
        return 1;
    RUN(unclosed_brace_points_at_the_brace);
    RUN(note_printed_after_its_warning);
    RUN(notes_keep_position_order_otherwise);
    RUN(include_did_you_mean);
    RUN(constant_did_you_mean);
    RUN(group_condition_misfit_once);
    RUN(relative_path_caret_covers_the_path);
    RUN(condition_continues_after_operator);
    RUN(errno_zero_accepted_with_a_note);
    RUN(errno_zero_in_the_filter);
    return harness_finish();
}
