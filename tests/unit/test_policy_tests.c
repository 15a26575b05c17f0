/* test_policy_tests.c — test blocks (compiler/sema/sema_test.c) evaluated by
 * cli/test_eval.c: seccomp expectations run the bundle's program (a patched
 * program changes the verdict while the IR does not), unwritten call
 * arguments are 0, 32-bit arguments are cut to their low word, Landlock and
 * capability expectations read the decoded bundle. */
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/test_eval.h"
#include "bundle/bundle_write.h"
#include "seccomp/bpf_gen.h"
#include "testlib.h"

/* One compiled test file: its tests, the first test's policy IR and bundle. */
static struct stk_diags ds;
static struct stk_tests tests;
static struct stk_policy_ir *ir;
static struct stk_bundle *bundle;

static void release(void)
{
    stk_tests_free(&tests);
    stk_policy_ir_free(ir);
    ir = NULL;
    if (bundle)
        stk_bundle_free(bundle);
    bundle = NULL;
    stk_diags_free(&ds);
}

/* Compile text; false (with the diagnostics printed) on any error. */
static bool load(const char *text)
{
    release();
    stk_diags_init(&ds);
    struct stk_unit u = {.ds = &ds};
    bool ok = stk_unit_load_text(&u, "t.stk", text, strlen(text)) && ds.nerrors == 0;
    if (ok)
        stk_tests_resolve(&u, &tests);
    if (ok && ds.nerrors == 0 && tests.n > 0) {
        ir = stk_policy_resolve(&u, stk_unit_policy(&u, tests.v[0].policy));
        struct stk_bpf_prog prog = {0};
        char err[256];
        struct stk_buf out = {0};
        struct stk_err e;
        ok = ir && ds.nerrors == 0 && stk_bpf_generate(ir, &prog, err, sizeof err) == 0;
        if (ok) {
            stk_bundle_write(ir, &prog, &out);
            ok = stk_bundle_read(out.data, out.len, &bundle, &e) == 0;
        }
        stk_bpf_prog_free(&prog);
        stk_buf_free(&out);
    }
    stk_unit_free(&u);
    if (ds.nerrors)
        stk_diags_print(&ds, stderr, STK_DIAG_TEXT, false);
    return ok && ds.nerrors == 0 && tests.n > 0;
}

/* Evaluate expectation k of the first test; actual into buf. */
static bool eval(size_t k, char *buf, size_t len)
{
    struct stk_buf actual = {0};
    bool r = stk_test_eval(&tests.v[0].v[k], ir, bundle, &actual);
    snprintf(buf, len, "%s", actual.data ? actual.data : "");
    stk_buf_free(&actual);
    return r;
}

TEST(seccomp_verdict_comes_from_the_program)
{
    CHECK(load("policy p {\n    seccomp {\n        default errno EPERM\n        allow read\n    }\n}\n"
               "test t for p {\n    expect allow read\n    expect errno EPERM write\n}\n"));
    char buf[256];
    CHECK(eval(0, buf, sizeof buf));
    CHECK_STR(buf, "x86_64: allow");
    CHECK(eval(1, buf, sizeof buf));
    /* Turn every allow of the program into kill-process: the IR still says
     * allow, so only an evaluation of the program itself notices. */
    CHECK(bundle->seccomp.present);
    size_t patched = 0;
    struct stk_bpf_filter *f = &bundle->seccomp.filters[0];
    for (size_t i = 0; i < f->len; i++)
        if (BPF_CLASS(f->insns[i].code) == BPF_RET && f->insns[i].k == SECCOMP_RET_ALLOW) {
            f->insns[i].k = SECCOMP_RET_KILL_PROCESS;
            patched++;
        }
    CHECK(patched > 0);
    CHECK(!eval(0, buf, sizeof buf));
    CHECK_STR(buf, "x86_64: kill-process");
    release();
}

TEST(unwritten_arguments_are_zero)
{
    CHECK(load("policy p {\n    seccomp {\n        default errno EPERM\n"
               "        allow socket if domain == AF_INET && type == 0 && protocol == 0\n"
               "        errno EACCES socket\n    }\n}\n"
               "test t for p {\n    expect allow socket(AF_INET)\n    expect allow socket(domain=AF_INET)\n"
               "    expect errno EACCES socket(AF_INET, SOCK_STREAM)\n    expect errno EACCES socket\n"
               "    expect errno EACCES socket(protocol=1, domain=AF_INET)\n}\n"));
    char buf[256];
    for (size_t k = 0; k < tests.v[0].n; k++)
        CHECK(eval(k, buf, sizeof buf));
    release();
}

TEST(int_arguments_use_the_low_word)
{
    /* socket's domain is an int: -1 and 0xffffffff are the same value */
    CHECK(load("policy p {\n    seccomp {\n        default errno EPERM\n        allow socket if domain == -1\n"
               "    }\n}\n"
               "test t for p {\n    expect allow socket(0xffffffff)\n    expect allow socket(-1)\n"
               "    expect errno EPERM socket(0xfffffffe)\n}\n"));
    char buf[256];
    for (size_t k = 0; k < tests.v[0].n; k++)
        CHECK(eval(k, buf, sizeof buf));
    release();
}

TEST(every_arch_of_the_policy)
{
    CHECK(load("policy p {\n    seccomp {\n        arch x86_64, i386\n        default errno EPERM\n"
               "        allow read\n        errno EACCES open\n    }\n}\n"
               "test t for p {\n    expect allow read\n    expect errno EACCES open\n"
               "    expect kill-process read on x32\n    expect allow read on aarch64\n}\n"));
    char buf[256];
    CHECK(eval(0, buf, sizeof buf));
    CHECK_STR(buf, "x86_64: allow; i386: allow");
    CHECK(eval(1, buf, sizeof buf));
    CHECK_STR(buf, "x86_64: errno EACCES; i386: errno EACCES");
    CHECK(eval(2, buf, sizeof buf));
    CHECK(!eval(3, buf, sizeof buf)); /* an ABI the policy does not let in */
    CHECK_STR(buf, "aarch64: kill-process");
    release();
}

TEST(bundle_expectations)
{
    CHECK(load("policy p {\n    no_new_privs\n    capabilities { keep kill }\n"
               "    landlock {\n        execute /usr\n        read /etc\n        write /tmp\n    }\n}\n"
               "test t for p {\n    expect capabilities { kill }\n    expect no_new_privs\n"
               "    expect landlock read /etc/passwd\n    expect landlock not write /etc\n"
               "    expect landlock write /tmp\n    expect landlock not write /tmpfoo\n"
               "    expect landlock make-reg /tmp/a/b\n    expect capabilities {}\n    expect landlock read /home\n}\n"));
    char buf[256];
    for (size_t k = 0; k < 7; k++) {
        if (!eval(k, buf, sizeof buf))
            T_FAILF("expectation %zu failed: %s", k, buf);
    }
    CHECK(!eval(7, buf, sizeof buf));
    CHECK_STR(buf, "capabilities { kill }");
    CHECK(!eval(8, buf, sizeof buf));
    CHECK_STR(buf, "denied on /home (missing read-file read-dir)");
    /* without a landlock block, Landlock lets everything through */
    CHECK(load("policy p {}\ntest t for p {\n    expect landlock write /etc\n    expect landlock not write /etc\n}\n"));
    CHECK(eval(0, buf, sizeof buf));
    CHECK(!eval(1, buf, sizeof buf));
    release();
}

int main(void)
{
    RUN(seccomp_verdict_comes_from_the_program);
    RUN(unwritten_arguments_are_zero);
    RUN(int_arguments_use_the_low_word);
    RUN(every_arch_of_the_policy);
    RUN(bundle_expectations);
    release();
    return test_summary();
}
