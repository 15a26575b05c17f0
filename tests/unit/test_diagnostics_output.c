/* test_diagnostics_output — front end (issue 2): the diagnostics store (disabled warnings,
 * -Werror, one report a finding) and its text and JSON output.
 * (test_diagnostics.c has the syntax, lexical, name and argument diagnostics.) */
#include "frontend_harness.h"

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
            ok = json_object_object_get_ex(o, "severity", &v) && strcmp(json_object_get_string(v), "warning") == 0 &&
                 json_object_object_get_ex(o, "line", &v) && json_object_get_int(v) == 6 &&
                 json_object_object_get_ex(o, "code", &v) && strcmp(json_object_get_string(v), "shadowed-rule") == 0 &&
                 json_object_object_get_ex(o, "hint", &v);
            if (!ok)
                snprintf(why, sizeof why, "second object wrong: %.150s", line);
        } else if (lines == 2) {
            ok = json_object_object_get_ex(o, "severity", &v) && strcmp(json_object_get_string(v), "note") == 0 &&
                 json_object_object_get_ex(o, "line", &v) && json_object_get_int(v) == 5 &&
                 !json_object_object_get_ex(o, "hint", &v);
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
    CHECK_INT(lines, 3); /* error, warning, then the warning's note (at an earlier line) */
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
