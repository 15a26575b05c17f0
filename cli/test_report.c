/* test_report.c — report `stockade test` results as text, JSON lines, JUnit XML. */
#include "test_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

void stk_test_report_add(struct stk_test_report *r, const char *file, struct stk_loc loc, const char *test,
                         const char *policy, const char *text, bool pass, const char *actual)
{
    struct stk_test_result x = {
        .file = stk_xstrdup(file), .test = stk_xstrdup(test), .policy = stk_xstrdup(policy),
        .text = stk_xstrdup(text), .actual = stk_xstrdup(actual), .line = loc.line, .col = loc.col, .pass = pass,
    };
    STK_PUSH(r->v, r->n, r->cap, x);
    if (!pass)
        r->nfailed++;
}

void stk_test_report_text(const struct stk_test_report *r, FILE *out)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct stk_test_result *x = &r->v[i];
        fprintf(out, "%s:%u:%u: %s test %s (policy %s): %s -- %s\n", x->file, x->line, x->col,
                x->pass ? "PASS" : "FAIL", x->test, x->policy, x->text, x->actual);
    }
}

void stk_test_report_json(const struct stk_test_report *r, FILE *out)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct stk_test_result *x = &r->v[i];
        fputs("{\"file\":", out);
        stk_cli_json_str(out, x->file);
        fprintf(out, ",\"line\":%u,\"column\":%u,\"test\":", x->line, x->col);
        stk_cli_json_str(out, x->test);
        fputs(",\"policy\":", out);
        stk_cli_json_str(out, x->policy);
        fputs(",\"expect\":", out);
        stk_cli_json_str(out, x->text);
        fprintf(out, ",\"result\":\"%s\",\"actual\":", x->pass ? "pass" : "fail");
        stk_cli_json_str(out, x->actual);
        fputs("}\n", out);
    }
}

static void xml_str(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default: {
            size_t n = stk_utf8_len(p, true);
            if ((*p < 0x20 && *p != '\t' && *p != '\n') || n == 0) {
                fputc('?', out); /* not representable in XML 1.0, or not UTF-8 */
            } else {
                fwrite(p, 1, n, out);
                p += n - 1;
            }
        }
        }
    }
}

int stk_test_report_junit(const struct stk_test_report *r, const char *path)
{
    FILE *out = fopen(path, "w");
    if (!out) {
        fprintf(stderr, "stockade test: --junit: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"stockade test\" tests=\"%zu\" "
                 "failures=\"%zu\">\n", r->n, r->nfailed);
    for (size_t i = 0; i < r->n;) {
        size_t j = i, fails = 0;
        while (j < r->n && strcmp(r->v[j].file, r->v[i].file) == 0)
            fails += !r->v[j++].pass;
        fputs("  <testsuite name=\"", out);
        xml_str(out, r->v[i].file);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", j - i, fails);
        for (; i < j; i++) {
            const struct stk_test_result *x = &r->v[i];
            fputs("    <testcase classname=\"", out);
            xml_str(out, x->test);
            fprintf(out, "\" name=\"%u: ", x->line);
            xml_str(out, x->text);
            fputs("\" file=\"", out);
            xml_str(out, x->file);
            fprintf(out, "\" line=\"%u\"", x->line);
            if (x->pass) {
                fputs("/>\n", out);
                continue;
            }
            fputs(">\n      <failure message=\"", out);
            xml_str(out, x->actual);
            fputs("\" type=\"expectation\">", out);
            xml_str(out, x->file);
            fprintf(out, ":%u:%u: ", x->line, x->col);
            xml_str(out, x->text);
            fputs(" -- ", out);
            xml_str(out, x->actual);
            fputs("</failure>\n    </testcase>\n", out);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    if (fclose(out) != 0) {
        fprintf(stderr, "stockade test: --junit: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

void stk_test_report_free(struct stk_test_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].file);
        free(r->v[i].test);
        free(r->v[i].policy);
        free(r->v[i].text);
        free(r->v[i].actual);
    }
    free(r->v);
    *r = (struct stk_test_report){0};
}
