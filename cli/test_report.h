/* test_report.h — the results of `stockade test` and their formats: text
 * (one line per expectation), JSON lines, JUnit XML. */
#ifndef STK_TEST_REPORT_H
#define STK_TEST_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"

struct stk_test_result {
    char *file, *test, *policy, *text, *actual;
    unsigned line, col;
    bool pass;
};

struct stk_test_report {
    struct stk_test_result *v;
    size_t n, cap, nfailed;
};

void stk_test_report_add(struct stk_test_report *r, const char *file, struct stk_loc loc, const char *test,
                         const char *policy, const char *text, bool pass, const char *actual);
/* FILE:LINE:COL: PASS|FAIL test NAME (policy P): EXPECTATION -- ACTUAL */
void stk_test_report_text(const struct stk_test_report *r, FILE *out);
/* {"file":..,"line":..,"column":..,"test":..,"policy":..,"expect":..,"result":"pass"|"fail","actual":..} */
void stk_test_report_json(const struct stk_test_report *r, FILE *out);
/* One <testsuite> per file, one <testcase> per expectation; 0, or -1 after a message. */
int stk_test_report_junit(const struct stk_test_report *r, const char *path);
void stk_test_report_free(struct stk_test_report *r);

#endif
