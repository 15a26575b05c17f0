/* cmd_test.c — `stockade test`: run the test blocks of policy files.
 * Each tested policy is compiled to its bundle; seccomp expectations run the
 * bundle's BPF program, the others read the bundle back (cli/test_eval.c).
 * Exit 0: every expectation holds; 1: one failed; 2: errors or usage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline.h"
#include "cli.h"
#include "commands.h"
#include "diag_out.h"
#include "test_eval.h"
#include "test_report.h"

static const char test_usage[] =
    "usage: stockade test [OPTIONS] FILE...\n"
    "\n"
    "Run the test blocks (`test NAME for POLICY { expect ... }`) of policy files.\n"
    "Each tested policy is compiled as `stockade compile` would; seccomp\n"
    "expectations run the compiled BPF program on the call (for every\n"
    "architecture the policy filters, or the one named by `on ARCH`), the others\n"
    "are checked against the compiled bundle.  One line per expectation: PASS or\n"
    "FAIL, its location, and what the policy actually does.\n"
    "\n"
    "options:\n"
    "  --format=text|json|sarif  text (default); json: one JSON object per\n"
    "                       expectation per line, after the diagnostics as `check`\n"
    "                       prints them; sarif: a SARIF 2.1.0 log of the diagnostics\n"
    "                       and of each failed expectation (rule test-failed)\n"
    "  --sarif-root=DIR     SARIF file URIs relative to DIR (default: the working\n"
    "                       directory)\n"
    "  --junit=FILE         also write a JUnit XML report to FILE\n"
    "  -I DIR               also look for included files in DIR\n"
    "  --color=auto|always|never  (diagnostics)\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 every expectation holds, 1 an expectation failed,\n"
    "2 errors in a policy or a test (as `stockade check` reports them), usage or I/O\n";

/* The compiled form of one tested policy. */
struct tested {
    struct stk_policy_ir *ir;
    struct stk_bundle *b;
};

/* Compile the policy exactly as `stockade compile` does (stk_pipeline, every
 * stage and its diagnostics) and read its bundle back with the enforcer's reader. */
static bool compile_policy(const char *path, const struct stk_compile_opts *base, const char *name,
                           struct tested *t, struct stk_diags *ds)
{
    struct stk_compile_opts o = *base;
    o.policy_name = name;
    struct stk_pipeline_req req = {.path = path, .opts = &o};
    struct stk_pipeline_out out = {0};
    bool ok = stk_pipeline(&req, ds, &out);
    if (ok) {
        struct stk_err e;
        t->ir = out.ir;
        out.ir = NULL;
        if (stk_bundle_read(out.bundle.data, out.bundle.len, &t->b, &e) != 0) {
            fprintf(stderr, "stockade test: %s: policy %s: the bundle does not read back: %s\n", path, name, e.msg);
            ok = false;
        }
    }
    stk_pipeline_out_free(&out);
    return ok;
}

/* Run one file's tests into rep; false if the file or its tests have errors. */
static bool run_file(const char *path, const struct stk_compile_opts *opts, struct stk_diags *ds,
                     struct stk_test_report *rep, bool fail_diags)
{
    size_t before = ds->nerrors;
    struct stk_unit u = {.ds = ds, .opts = opts};
    struct stk_tests tests = {0};
    bool loaded = stk_unit_load_file(&u, path);
    if (loaded)
        stk_tests_resolve(&u, &tests); /* after syntax errors too: report every error, as check does */
    bool ok = loaded && ds->nerrors == before;
    if (ok && tests.n == 0 && ds->nerrors == before) {
        struct stk_loc none = {.file = u.files[0]->file};
        stk_warning(ds, "no-tests", none, "no test blocks in this file");
    }
    /* Each tested policy once (unique names; tests point at their entry). */
    struct tested *compiled = stk_xcalloc(tests.n ? tests.n : 1, sizeof *compiled);
    size_t *which = stk_xcalloc(tests.n ? tests.n : 1, sizeof *which);
    size_t ncompiled = 0;
    for (size_t i = 0; ok && ds->nerrors == before && i < tests.n; i++) {
        size_t j = 0;
        while (j < i && strcmp(tests.v[j].policy, tests.v[i].policy) != 0)
            j++;
        if (j < i) {
            which[i] = which[j];
            continue;
        }
        which[i] = ncompiled++;
        if (!compile_policy(path, opts, tests.v[i].policy, &compiled[which[i]], ds))
            ok = false;
    }
    ok = ok && ds->nerrors == before;
    for (size_t i = 0; ok && i < tests.n; i++) {
        const struct tested *c = &compiled[which[i]];
        for (size_t k = 0; k < tests.v[i].n; k++) {
            const struct stk_expect *x = &tests.v[i].v[k];
            struct stk_buf actual = {0};
            bool pass = stk_test_eval(x, c->ir, c->b, &actual);
            const struct stk_source *src = stk_diags_source(ds, x->loc.file);
            stk_test_report_add(rep, src ? src->path : path, x->loc, tests.v[i].name, tests.v[i].policy, x->text,
                                pass, actual.data ? actual.data : "");
            if (!pass && fail_diags) /* SARIF: a failed expectation is a located result */
                stk_error(ds, "test-failed", x->loc, "test %s (policy %s): %s -- actual: %s", tests.v[i].name,
                          tests.v[i].policy, x->text, actual.data ? actual.data : "");
            stk_buf_free(&actual);
        }
    }
    free(which);
    for (size_t i = 0; i < tests.n; i++) {
        stk_policy_ir_free(compiled[i].ir);
        if (compiled[i].b)
            stk_bundle_free(compiled[i].b);
    }
    free(compiled);
    stk_tests_free(&tests);
    stk_unit_free(&u);
    return ok;
}

int stk_cmd_test(int argc, char **argv)
{
    struct stk_cli_diag_out dout = {.fmt = STK_DIAG_TEXT};
    const char *junit = NULL;
    int color = -1;
    const char **incs = NULL;
    size_t ninc = 0, capinc = 0;
    static const struct option lopts[] = {
        STK_CLI_DIAG_LOPTS, {"junit", required_argument, NULL, 'j'},
        {"color", required_argument, NULL, 'c'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, rc = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "I:h", lopts, NULL)) != -1) {
        switch (c) {
        case STK_OPT_FORMAT:
        case STK_OPT_SARIF_ROOT: rc = stk_cli_diag_option(&dout, c, optarg, "test"); break;
        case 'j': junit = optarg; break;
        case 'c':
            color = stk_cli_color(optarg);
            if (color < -1) {
                fprintf(stderr, "stockade test: --color takes auto, always or never\n");
                rc = 2;
            }
            break;
        case 'I': STK_PUSH(incs, ninc, capinc, optarg); break;
        case 'h':
            fputs(test_usage, stdout);
            rc = -1;
            break;
        default: rc = 2; break;
        }
    }
    if (rc == 0 && optind >= argc) {
        fprintf(stderr, "stockade test: no files given\n%s", test_usage);
        rc = 2;
    }
    if (rc) {
        free(incs);
        return rc < 0 ? 0 : rc;
    }
    struct stk_compile_opts opts = {.include_dirs = incs, .ninclude_dirs = ninc};
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_test_report rep = {0};
    bool ok = true;
    for (int i = optind; i < argc; i++)
        ok = run_file(argv[i], &opts, &ds, &rep, dout.fmt == STK_DIAG_SARIF) && ok;
    int prc = stk_cli_diag_print(&ds, &dout, stdout, color);
    if (dout.fmt == STK_DIAG_JSON) {
        stk_test_report_json(&rep, stdout);
    } else {
        if (dout.fmt == STK_DIAG_TEXT)
            stk_test_report_text(&rep, stdout);
        fprintf(stderr, "%zu passed, %zu failed%s\n", rep.n - rep.nfailed, rep.nfailed,
                ok ? "" : "; errors in the policies or tests (nothing was run for those files)");
    }
    if (junit && stk_test_report_junit(&rep, junit) != 0)
        ok = false;
    rc = !ok || prc ? 2 : rep.nfailed ? 1 : 0;
    stk_test_report_free(&rep);
    stk_diags_free(&ds);
    free(incs);
    return rc;
}
