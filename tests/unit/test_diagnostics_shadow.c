/* test_diagnostics_shadow — issue 12: a stricter rule that an earlier, weaker
 * rule shadows is an error (shadowed-deny) with file/line/column, message,
 * hint and a note at the weaker rule; the harmless cases stay shadowed-rule
 * warnings.  Also the note-to-finding link the SARIF output uses, the table
 * of diagnostic codes, and the SARIF rendering (region columns, related
 * locations, rule indexes, relative URIs). */
#include <limits.h>

#include "diag_codes.h"
#include "diag_sarif.h"
#include "frontend_harness.h"
#include "util.h"

#define DENY_HINT(n, sc)                                                                                            \
    "the first matching rule wins; move the stricter rule above line " #n ", or take '" sc "' out of the rule at "    \
    "line " #n

/* ==== shadowed-deny ========================================================= */

TEST(shadow_deny_whole_rule)
{
    CHECK(!compile_rules("        allow read\n        errno EACCES read\n"));
    const struct stk_diag *d =
        EXPECT_ERR("shadowed-deny", 5, 9,
                   "this 'errno' rule never applies: the earlier rule at line 4 decides 'read' with the weaker "
                   "action 'allow'",
                   DENY_HINT(4, "read"));
    CHECK_INT(d->loc.end_col, 20); /* "errno EACCES" */
    CHECK_STR(diag_path(d), "t.stk");
    const struct stk_diag *n = EXPECT(STK_SEV_NOTE, "shadowed-deny", 4, 9, "the weaker rule is here", NULL);
    CHECK_INT(n->parent, (size_t)(d - ds.d) + 1);
    CHECK_INT(count_code("shadowed-rule"), 0);
    EXPECT_COUNTS(1, 0);
}

TEST(shadow_deny_group_then_syscall)
{
    /* the example: a group allowed, then one of its calls denied */
    static const char text[] = "policy p {\n"
                               "    seccomp {\n"
                               "        default errno EPERM\n"
                               "        allow @fs\n"
                               "        errno EACCES openat\n"
                               "    }\n"
                               "}\n"
                               "group @fs { read, openat }\n";
    CHECK(!compile(text));
    EXPECT_ERR("shadowed-deny", 5, 9,
               "this 'errno' rule never applies: the earlier rule at line 4 decides 'openat' with the weaker action "
               "'allow'",
               DENY_HINT(4, "openat"));
    EXPECT(STK_SEV_NOTE, "shadowed-deny", 4, 9, "the weaker rule is here", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(shadow_deny_partial_names_the_syscall)
{
    CHECK(!compile_rules("        allow read\n        kill-process write, read\n"));
    EXPECT_ERR("shadowed-deny", 5, 29,
               "'read' never reaches this 'kill-process' rule: the earlier rule at line 4 decides it with the weaker "
               "action 'allow'",
               DENY_HINT(4, "read"));
    EXPECT(STK_SEV_NOTE, "shadowed-deny", 4, 9, "the weaker rule is here", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(shadow_deny_every_stricter_action)
{
    /* kill, trap and log after an allow; errno after log; kill-process after errno */
    static const char *const later[] = {"kill-process", "kill-thread", "trap", "errno EPERM", "notify", "trace 1",
                                        "log"};
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        char rules[128];
        snprintf(rules, sizeof rules, "        allow mount\n        %s mount\n", later[i]);
        CHECK_MSG(!compile_rules(rules), "%s after allow compiled", later[i]);
        CHECK_MSG(find_nth(STK_SEV_ERROR, "shadowed-deny", 0) != NULL, "%s after allow:%s", later[i], dump());
        CHECK_INT(find_nth(STK_SEV_ERROR, "shadowed-deny", 0)->loc.line, 5);
    }
    CHECK(!compile_rules("        log mount\n        errno EPERM mount\n"));
    EXPECT_ERR("shadowed-deny", 5, 9,
               "this 'errno' rule never applies: the earlier rule at line 4 decides 'mount' with the weaker action "
               "'log'",
               DENY_HINT(4, "mount"));
    CHECK(!compile_rules("        errno EPERM mount\n        kill-process mount\n"));
    CHECK_INT(count_code("shadowed-deny"), 2); /* the error and its note */
}

TEST(shadow_deny_conditional_later_rule)
{
    /* an unconditional allow decides socket: the conditional deny after it never applies */
    CHECK(!compile_rules("        allow socket\n        errno EAFNOSUPPORT socket if domain == AF_NETLINK\n"));
    EXPECT_ERR("shadowed-deny", 5, 9,
               "this 'errno' rule never applies: the earlier rule at line 4 decides 'socket' with the weaker action "
               "'allow'",
               DENY_HINT(4, "socket"));
}

TEST(shadow_harmless_stays_warning)
{
    /* as strict or stricter first: the later rule is redundant, nothing is loosened */
    static const char *const cases[] = {
        "        errno EPERM mount\n        allow mount\n",
        "        kill-process mount\n        errno EPERM mount\n",
        "        errno EPERM mount\n        errno EACCES mount\n",
        "        allow read\n        allow read\n",
        "        trap mount\n        log mount\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_MSG(compile_rules(cases[i]), "case %zu refused:%s", i, dump());
        CHECK_INT(count_code("shadowed-deny"), 0);
        EXPECT_AT(STK_SEV_WARNING, "shadowed-rule", 5, 9,
                  "this rule never applies: its syscall is decided by the earlier rule at line 4",
                  "the first matching rule wins; move this rule above the earlier one");
        EXPECT_COUNTS(0, 1);
    }
}

TEST(shadow_group_exception_is_no_finding)
{
    /* allow one call of a group, then deny the group: the usual exception, not a contradiction */
    static const char text[] = "policy p {\n"
                               "    seccomp {\n"
                               "        default allow\n"
                               "        allow mount\n"
                               "        kill-process @adm\n"
                               "    }\n"
                               "}\n"
                               "group @adm { mount, umount2 }\n";
    CHECK(compile(text));
    EXPECT_CLEAN();
}

TEST(shadow_group_exception_other_abi_members)
{
    /* review of issue 12: the exception stays an exception when the group's
     * other members do not exist on the ABI compiled for (open is not an
     * aarch64 call): the same text has no finding with arch x86_64 */
    static const char text[] = "policy p {\n"
                               "    seccomp {\n"
                               "        default allow\n"
                               "        arch aarch64\n"
                               "        allow openat\n"
                               "        errno EACCES @opens\n"
                               "    }\n"
                               "}\n"
                               "group @opens { open, openat }\n";
    CHECK_MSG(compile(text), "refused:%s", dump());
    CHECK_INT(count_code("shadowed-deny"), 0);
    CHECK_INT(count_code("shadowed-rule"), 0);
    /* a name written directly is still a contradiction */
    static const char direct[] = "policy p {\n"
                                 "    seccomp {\n"
                                 "        default allow\n"
                                 "        arch aarch64\n"
                                 "        allow openat\n"
                                 "        errno EACCES @opens, openat\n"
                                 "    }\n"
                                 "}\n"
                                 "group @opens { open, openat }\n";
    CHECK(!compile(direct));
    CHECK_INT(count_code("shadowed-deny"), 2); /* the error and its note */
}

TEST(shadow_deny_not_across_extends)
{
    /* a child's rule ahead of its parent's is the point of extends */
    CHECK(compile("policy base {\n    seccomp {\n        default errno EPERM\n        errno EACCES read\n    }\n}\n"
                  "policy child extends base {\n    seccomp {\n        allow read\n    }\n}\n"));
    CHECK_INT(count_code("shadowed-deny"), 0);
}

TEST(shadow_deny_not_disabled_by_W)
{
    reset();
    ds.disabled = calloc(2, sizeof *ds.disabled);
    CHECK(ds.disabled);
    ds.disabled[0] = strdup("shadowed-rule");
    ds.disabled[1] = strdup("shadowed-deny");
    ds.ndisabled = 2;
    static const char text[] =
        "policy p {\n    seccomp {\n        default errno EPERM\n        allow read\n        errno EPERM read\n"
        "    }\n}\n";
    CHECK(!stk_compile_text("t.stk", text, sizeof text - 1, NULL, &ds));
    CHECK_INT(ds.nerrors, 1);
}

/* ==== notes, codes, SARIF ===================================================== */

TEST(note_shared_by_two_findings)
{
    /* one weak rule shadows two stricter ones: each error has its note; text shows the note once */
    CHECK(!compile_rules("        allow read, write\n        errno EPERM read\n        kill-process write\n"));
    const struct stk_diag *e1 = find_nth(STK_SEV_ERROR, "shadowed-deny", 0);
    const struct stk_diag *e2 = find_nth(STK_SEV_ERROR, "shadowed-deny", 1);
    const struct stk_diag *n1 = find_nth(STK_SEV_NOTE, "shadowed-deny", 0);
    const struct stk_diag *n2 = find_nth(STK_SEV_NOTE, "shadowed-deny", 1);
    CHECK(e1 && e2 && n1 && n2);
    CHECK_INT(n1->parent, (size_t)(e1 - ds.d) + 1);
    CHECK_INT(n2->parent, (size_t)(e2 - ds.d) + 1);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(f);
    stk_diags_print(&ds, f, STK_DIAG_TEXT, false);
    fclose(f);
    const char *p = strstr(out, "t.stk:4:9: note: the weaker rule is here");
    bool once = p && !strstr(p + 1, "t.stk:4:9: note: the weaker rule is here");
    free(out);
    CHECK(once);
}

TEST(codes_table_sorted_and_named)
{
    CHECK(stk_diag_ncodes > 60);
    for (size_t i = 0; i < stk_diag_ncodes; i++) {
        const struct stk_diag_code *c = &stk_diag_codes[i];
        if (i > 0)
            CHECK_MSG(strcmp(stk_diag_codes[i - 1].code, c->code) < 0, "table not sorted at %s", c->code);
        CHECK_INT(stk_diag_code_index(c->code), (long)i);
        CHECK_MSG(strcmp(c->name, c->code) != 0 && c->name[0] >= 'A' && c->name[0] <= 'Z', "name of %s", c->code);
        CHECK_MSG(c->summary[0] && c->description[0] && c->help[0], "texts of %s", c->code);
    }
    CHECK_INT(stk_diag_code_index("no-such-code"), -1);
    CHECK_INT(stk_diag_codes[stk_diag_code_index("shadowed-deny")].level, STK_SEV_ERROR);
    CHECK_INT(stk_diag_codes[stk_diag_code_index("shadowed-rule")].level, STK_SEV_WARNING);
}

static json_object *sarif_of_ds(const char *root)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(f);
    struct stk_sarif_opts o = {.root = root, .tool_version = "9.9"};
    int r = stk_diags_print_sarif(&ds, f, &o);
    fclose(f);
    json_object *j = r == 0 ? json_tokener_parse(out) : NULL;
    free(out);
    CHECK(j);
    return j;
}

static json_object *path_get(json_object *o, const char *const *keys)
{
    for (; o && *keys; keys++) {
        json_object *v = NULL;
        if (json_object_is_type(o, json_type_array))
            v = json_object_array_get_idx(o, (size_t)atoi(*keys));
        else if (!json_object_object_get_ex(o, *keys, &v))
            v = NULL;
        o = v;
    }
    return o;
}
#define GET(o, ...) path_get((o), (const char *const[]){__VA_ARGS__, NULL})

TEST(sarif_result_region_and_related)
{
    /* a real file in a directory, so that its URI is relative to the root */
    static const char text[] =
        "policy p {\n    seccomp {\n        default errno EPERM\n        allow read\n        errno EACCES read\n"
        "    }\n}\n";
    const char *path = tmp_path("sub dir.stk");
    FILE *f = fopen(path, "w");
    CHECK(f);
    fputs(text, f);
    fclose(f);
    reset();
    CHECK(!stk_compile_file(path, &(struct stk_compile_opts){0}, &ds));
    json_object *j = sarif_of_ds(tmpdir);
    CHECK_STR(json_object_get_string(GET(j, "version")), "2.1.0");
    CHECK_INT(json_object_array_length(GET(j, "runs")), 1);
    json_object *res = GET(j, "runs", "0", "results");
    CHECK_INT(json_object_array_length(res), 1); /* the note is no result of its own */
    json_object *r = json_object_array_get_idx(res, 0);
    CHECK_STR(json_object_get_string(GET(r, "ruleId")), "shadowed-deny");
    long ri = json_object_get_int(GET(r, "ruleIndex"));
    CHECK_STR(json_object_get_string(GET(j, "runs", "0", "tool", "driver", "rules", "0", "id")), "bad-arguments");
    char idx[16];
    snprintf(idx, sizeof idx, "%ld", ri);
    CHECK_STR(json_object_get_string(GET(j, "runs", "0", "tool", "driver", "rules", idx, "id")), "shadowed-deny");
    CHECK_STR(json_object_get_string(GET(j, "runs", "0", "tool", "driver", "rules", idx, "name")), "ShadowedDeny");
    CHECK_STR(json_object_get_string(GET(j, "runs", "0", "tool", "driver", "version")), "9.9");
    CHECK_STR(json_object_get_string(GET(r, "level")), "error");
    json_object *al = GET(r, "locations", "0", "physicalLocation", "artifactLocation");
    CHECK_STR(json_object_get_string(GET(al, "uri")), "sub%20dir.stk");
    CHECK_STR(json_object_get_string(GET(al, "uriBaseId")), "SRCROOT");
    json_object *reg = GET(r, "locations", "0", "physicalLocation", "region");
    CHECK_INT(json_object_get_int(GET(reg, "startLine")), 5);
    CHECK_INT(json_object_get_int(GET(reg, "startColumn")), 9);
    CHECK_INT(json_object_get_int(GET(reg, "endLine")), 5);
    CHECK_INT(json_object_get_int(GET(reg, "endColumn")), 21); /* "errno EACCES" is columns 9..20; exclusive end */
    json_object *rel = GET(r, "relatedLocations", "0");
    CHECK_STR(json_object_get_string(GET(rel, "message", "text")), "the weaker rule is here");
    CHECK_INT(json_object_get_int(GET(rel, "physicalLocation", "region", "startLine")), 4);
    CHECK_INT(json_object_get_int(GET(rel, "physicalLocation", "region", "endColumn")), 14); /* "allow" */
    char real[PATH_MAX];
    CHECK(realpath(tmpdir, real));
    char *want = stk_xasprintf("file://%s/", real);
    bool same = strcmp(json_object_get_string(GET(j, "runs", "0", "originalUriBaseIds", "SRCROOT", "uri")), want) == 0;
    free(want);
    CHECK(same);
    json_object_put(j);
    /* outside the root: an absolute file: URI */
    j = sarif_of_ds("/proc/self");
    al = GET(j, "runs", "0", "results", "0", "locations", "0", "physicalLocation", "artifactLocation");
    CHECK(strncmp(json_object_get_string(GET(al, "uri")), "file:///", 8) == 0);
    CHECK(GET(al, "uriBaseId") == NULL);
    json_object_put(j);
}

TEST(sarif_standalone_note_and_no_location)
{
    /* a warning turned off leaves its note alone: a result of level note */
    reset();
    ds.disabled = calloc(1, sizeof *ds.disabled);
    CHECK(ds.disabled);
    ds.disabled[0] = strdup("shadowed-rule");
    ds.ndisabled = 1;
    static const char text[] =
        "policy p {\n    seccomp {\n        default errno EPERM\n        allow read\n        allow read\n    }\n}\n";
    ir = stk_compile_text("t.stk", text, sizeof text - 1, NULL, &ds);
    CHECK(ir);
    json_object *j = sarif_of_ds(NULL);
    CHECK_INT(json_object_array_length(GET(j, "runs", "0", "results")), 1);
    CHECK_STR(json_object_get_string(GET(j, "runs", "0", "results", "0", "level")), "note");
    CHECK(json_object_get_boolean(GET(j, "runs", "0", "invocations", "0", "executionSuccessful")));
    json_object_put(j);
    /* a diagnostic about no file is no result (a result needs a location) but a notification */
    reset();
    stk_error(&ds, "internal", (struct stk_loc){0}, "nothing");
    j = sarif_of_ds(NULL);
    CHECK_INT(json_object_array_length(GET(j, "runs", "0", "results")), 0);
    json_object *inv = GET(j, "runs", "0", "invocations", "0");
    CHECK(!json_object_get_boolean(GET(inv, "executionSuccessful")));
    CHECK_STR(json_object_get_string(GET(inv, "toolExecutionNotifications", "0", "descriptor", "id")), "internal");
    CHECK_STR(json_object_get_string(GET(inv, "toolExecutionNotifications", "0", "level")), "error");
    CHECK_STR(json_object_get_string(GET(inv, "toolExecutionNotifications", "0", "message", "text")), "nothing");
    json_object_put(j);
}

int main(void)
{
    if (harness_setup())
        return 1;
    RUN(shadow_deny_whole_rule);
    RUN(shadow_deny_group_then_syscall);
    RUN(shadow_deny_partial_names_the_syscall);
    RUN(shadow_deny_every_stricter_action);
    RUN(shadow_deny_conditional_later_rule);
    RUN(shadow_harmless_stays_warning);
    RUN(shadow_group_exception_is_no_finding);
    RUN(shadow_group_exception_other_abi_members);
    RUN(shadow_deny_not_across_extends);
    RUN(shadow_deny_not_disabled_by_W);
    RUN(note_shared_by_two_findings);
    RUN(codes_table_sorted_and_named);
    RUN(sarif_result_region_and_related);
    RUN(sarif_standalone_note_and_no_location);
    return harness_finish();
}
