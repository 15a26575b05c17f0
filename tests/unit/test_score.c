/* test_score.c — the exposure score (cli/score_*.c): every dangerous group is
 * found in the compiled program, conditional allows are found by the probes
 * and harmless conditions are not counted, log counts as allow, other ABIs
 * are probed, and the IR checks move the way docs/score.md says. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "pipeline.h"
#include "score.h"
#include "testlib.h"

/* Compile text and score it; false (with the diagnostics printed) on errors. */
static bool score_text(const char *text, struct stk_score *out)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("score.stk", text, strlen(text), NULL, &ds);
    if (!ir)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    if (!ir)
        return false;
    struct stk_bpf_prog prog;
    char err[256];
    if (stk_bpf_generate(ir, &prog, err, sizeof err) != 0) {
        printf("# %s\n", err);
        stk_policy_ir_free(ir);
        return false;
    }
    stk_score_policy(ir, &prog, out);
    stk_bpf_prog_free(&prog);
    stk_policy_ir_free(ir);
    return true;
}

static bool score_seccomp(const char *rules, struct stk_score *out)
{
    char text[2048];
    snprintf(text, sizeof text, "policy p {\n    seccomp {\n        default kill-process\n%s\n        allow read\n    }\n}\n",
             rules);
    return score_text(text, out);
}

/* Allowing one call of a group opens exactly that group. */
TEST(score_each_group_found)
{
    static const struct {
        const char *call, *label;
    } cases[] = {
        {"mount", "mount"},
        {"fsopen", "mount"},
        {"ptrace", "ptrace"},
        {"process_vm_writev", "ptrace"},
        {"bpf", "bpf"},
        {"perf_event_open", "perf_event_open"},
        {"kexec_load", "kexec/reboot"},
        {"finit_module", "module loading"},
        {"keyctl", "keyctl"},
        {"io_uring_setup", "io_uring"},
        {"userfaultfd", "userfaultfd"},
        {"unshare", "unshare with namespace flags"},
        {"setns", "setns"},
        {"iopl", "raw I/O and swap"},
        {"open_by_handle_at", "open_by_handle_at"},
        {"clock_settime", "clock setting"},
    };
    struct stk_score base;
    CHECK(score_seccomp("", &base));
    CHECK(base.checks[STK_SCORE_SYSCALLS].exposure == 0);
    CHECK_STR(base.checks[STK_SCORE_SYSCALLS].detail, "none reachable with allow");
    CHECK_STR(base.checks[STK_SCORE_SYSCALLS].hint, "");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rule[128];
        snprintf(rule, sizeof rule, "        allow %s", cases[i].call);
        struct stk_score s;
        CHECK(score_seccomp(rule, &s));
        const struct stk_score_check *c = &s.checks[STK_SCORE_SYSCALLS];
        CHECK_MSG(c->exposure > 0 && strcmp(c->detail, cases[i].label) == 0, "allow %s: exposure %.2f, detail '%s'",
                  cases[i].call, c->exposure, c->detail);
        CHECK_MSG(c->hint[0] != '\0', "allow %s: no hint", cases[i].call);
        CHECK_MSG(s.total > base.total, "allow %s: total %.1f not above %.1f", cases[i].call, s.total, base.total);
    }
}

/* Conditions: the probes find an allow behind a comparison, and do not
 * count one that excludes the dangerous values. */
TEST(score_conditions_probed)
{
    struct stk_score s;
    CHECK(score_seccomp("        allow mount if mountflags == 0x1000", &s));
    CHECK_STR(s.checks[STK_SCORE_SYSCALLS].detail, "mount");
    CHECK(score_seccomp("        allow mount if mountflags > 0xfffffff0", &s));
    CHECK_STR(s.checks[STK_SCORE_SYSCALLS].detail, "mount");
    CHECK(score_seccomp("        allow unshare if flags == CLONE_NEWUSER", &s));
    CHECK_STR(s.checks[STK_SCORE_SYSCALLS].detail, "unshare with namespace flags");
    CHECK(score_seccomp("        allow unshare if flags == CLONE_FILES", &s));
    CHECK(s.checks[STK_SCORE_SYSCALLS].exposure == 0);
    CHECK(score_seccomp("        allow unshare if (flags & CLONE_NEWNET) == 0", &s));
    CHECK_STR(s.checks[STK_SCORE_SYSCALLS].detail, "unshare with namespace flags"); /* CLONE_NEWUSER passes */
    CHECK(score_seccomp("        allow socket if domain == AF_NETLINK && type == SOCK_DGRAM", &s));
    CHECK_STR(s.checks[STK_SCORE_ARGUMENTS].detail, "socket(AF_NETLINK)");
    CHECK(score_seccomp("        allow socket if domain == AF_INET && type == SOCK_STREAM", &s));
    CHECK(s.checks[STK_SCORE_ARGUMENTS].exposure == 0);
    CHECK(score_seccomp("        log mount", &s));
    CHECK_STR(s.checks[STK_SCORE_SYSCALLS].detail, "mount");
    CHECK(score_seccomp("        errno EPERM mount if mountflags == 1\n        trap mount", &s));
    CHECK(s.checks[STK_SCORE_SYSCALLS].exposure == 0);
}

/* Two pinned arguments at once (raw sockets: family and type). */
TEST(score_two_pinned_arguments)
{
    struct stk_score s;
    const char *keep = "policy p {\n    capabilities { keep net_raw }\n    seccomp {\n        default kill-process\n"
                       "        allow socket if domain == AF_INET6 && type == SOCK_RAW\n    }\n}\n";
    CHECK(score_text(keep, &s));
    CHECK_STR(s.checks[STK_SCORE_ARGUMENTS].detail, "raw IP sockets");
    const char *dgram = "policy p {\n    capabilities { keep net_raw }\n    seccomp {\n        default kill-process\n"
                        "        allow socket if domain == AF_INET6 && type == SOCK_DGRAM\n    }\n}\n";
    CHECK(score_text(dgram, &s));
    CHECK(s.checks[STK_SCORE_ARGUMENTS].exposure == 0);
    /* the same filter without CAP_NET_RAW: the kernel refuses raw sockets */
    CHECK(score_seccomp("        allow socket if domain == AF_INET6 && type == SOCK_RAW", &s));
    CHECK(s.checks[STK_SCORE_ARGUMENTS].exposure == 0);
    CHECK_CONTAINS(s.checks[STK_SCORE_ARGUMENTS].detail, "refuses without CAP_NET_RAW");
}

/* Calls through another ABI are probed: i386's socketcall hides socket()'s
 * arguments, and a group allowed only for i386 is still reachable. */
TEST(score_other_abis)
{
    struct stk_score s;
    CHECK(score_seccomp("        arch native, i386\n        allow socketcall", &s));
    CHECK_CONTAINS(s.checks[STK_SCORE_ARGUMENTS].detail, "socket(AF_NETLINK)");
    CHECK(score_seccomp("        arch native, i386\n        allow socketcall if call == 3", &s));
    CHECK(s.checks[STK_SCORE_ARGUMENTS].exposure == 0);
    CHECK(score_seccomp("        arch i386\n        allow mount", &s));
    CHECK_STR(s.checks[STK_SCORE_SYSCALLS].detail, "mount");
    CHECK(score_seccomp("        allow clone3", &s));
    CHECK_STR(s.checks[STK_SCORE_ARGUMENTS].detail, "clone with namespace flags");
}

/* The IR checks, against docs/score.md. */
TEST(score_ir_checks)
{
    struct stk_score s;
    CHECK(score_text("policy p {\n    capabilities all\n    no_new_privs off\n    seccomp {\n        default allow\n"
                     "        tiocsti allow\n    }\n}\n",
                     &s));
    CHECK(s.total == 10.0);
    for (int i = 0; i < STK_SCORE_NCHECKS; i++)
        CHECK_MSG(s.checks[i].exposure == 1.0 || i == STK_SCORE_ARGUMENTS, "%s: %.2f", s.checks[i].name,
                  s.checks[i].exposure);
    double w = 0;
    for (int i = 0; i < STK_SCORE_NCHECKS; i++)
        w += s.checks[i].weight;
    CHECK(w > 9.999 && w < 10.001);

    CHECK(score_text("policy p {\n    user nobody\n    group root\n}\n", &s));
    CHECK(s.checks[STK_SCORE_IDENTITY].exposure > 0 && s.checks[STK_SCORE_IDENTITY].exposure < 1);
    CHECK(score_text("policy p {\n    user 0\n}\n", &s));
    CHECK(s.checks[STK_SCORE_IDENTITY].exposure == 1.0);
    CHECK(score_text("policy p {\n    capabilities { keep sys_admin, sys_module }\n}\n", &s));
    CHECK(s.checks[STK_SCORE_CAPABILITIES].exposure == 1.0);
    CHECK_STR(s.checks[STK_SCORE_CAPABILITIES].detail, "sys_module, sys_admin");
    CHECK(score_text("policy p {\n    namespaces net\n}\n", &s));
    CHECK(s.checks[STK_SCORE_NAMESPACES].exposure > 0.64 && s.checks[STK_SCORE_NAMESPACES].exposure < 0.66);
    CHECK(score_text("policy p {\n    cgroup { memory.max 1G; pids.max max }\n}\n", &s));
    CHECK(s.checks[STK_SCORE_CGROUP].exposure > 0.59 && s.checks[STK_SCORE_CGROUP].exposure < 0.61);
    CHECK_CONTAINS(s.checks[STK_SCORE_CGROUP].hint, "pids.max");
    CHECK(score_text("policy p {\n    apparmor use docker-default optional\n}\n", &s));
    CHECK(s.checks[STK_SCORE_LSM].exposure > 0 && s.checks[STK_SCORE_LSM].exposure < 1);
}

int main(void)
{
    RUN(score_each_group_found);
    RUN(score_conditions_probed);
    RUN(score_two_pinned_arguments);
    RUN(score_other_abis);
    RUN(score_ir_checks);
    return test_summary();
}
