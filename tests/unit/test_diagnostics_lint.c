/* test_diagnostics_lint — diagnostics added for issue 10, asserted exactly as
 * test_diagnostics.c does (code, severity, line, column, message, hint):
 * flag arguments compared with == / in, io_uring next to restricted calls,
 * nesting limits of groups and includes, files that are not regular; trace
 * bypassable by ptrace, execveat kill/trap vs the exec hand-over, no_new_privs
 * off without cap_sys_admin. */
#include <sys/stat.h>

#include "frontend_harness.h"

/* ==== flag-equality ========================================================= */

TEST(diag_leading_zero_is_decimal)
{
    /* `mode & 07000` is 7000, not the setuid/setgid/sticky bits: said once for the rule */
    CHECK(compile_rules("        allow chmod, fchmod if mode & 07000 == 0\n"));
    EXPECT_WARN("leading-zero", 4, 39, "'07000' is the decimal number 7000: a leading zero does not mean octal",
                "write 0o7000 for octal, or leave the zero out for decimal");
    EXPECT_COUNTS(0, 1);
    /* 0, 0o, 0x and plain decimals are quiet */
    CHECK(compile_rules("        allow chmod if mode & 0o7000 == 0 && mode != 0x10 && mode != 0 && mode != 10\n"));
    EXPECT_COUNTS(0, 0);
}

TEST(diag_flag_equality_socket_type)
{
    /* the hint of the Landlock UDP error used to propose exactly this */
    CHECK(compile_rules("        errno EACCES socket if type == SOCK_DGRAM\n"));
    EXPECT_WARN("flag-equality", 4, 37,
                "'type == SOCK_DGRAM' no longer matches when other flags are OR-ed into socket's 'type': "
                "a caller can get around this rule",
                "compare under a mask: 'type & 0xf == SOCK_DGRAM'");
    EXPECT_COUNTS(0, 1);
    /* the masked form is quiet, and so is the hint of the UDP error */
    CHECK(compile_rules("        errno EACCES socket if type & 0xf == SOCK_DGRAM\n"
                        "        errno EACCES socket if domain in (AF_INET, AF_INET6) && type & 0xf == SOCK_DGRAM\n"));
    EXPECT_COUNTS(0, 0);
}

TEST(diag_flag_equality_polarity)
{
    /* allow + != : SOCK_RAW | SOCK_CLOEXEC is allowed */
    CHECK(compile_rules("        allow socket if type != SOCK_RAW\n"));
    EXPECT_WARN("flag-equality", 4, 30,
                "'type != SOCK_RAW' matches SOCK_RAW with other flags OR-ed into socket's 'type': "
                "a caller can get around this rule",
                "compare under a mask: 'type & 0xf != SOCK_RAW'");
    EXPECT_COUNTS(0, 1);
    /* deny under '!' turns it over */
    CHECK(compile_rules("        errno EPERM socket if !(type != SOCK_RAW)\n"));
    EXPECT_WARN("flag-equality", 4, 38,
                "'type != SOCK_RAW' matches SOCK_RAW with other flags OR-ed into socket's 'type': "
                "a caller can get around this rule",
                "compare under a mask: 'type & 0xf != SOCK_RAW'");
    EXPECT_COUNTS(0, 1);
    /* the directions where extra flags only make the rule stricter are quiet:
     * an allow with ==, a refusal with != */
    CHECK(compile_rules("        allow socket if type == SOCK_STREAM\n"
                        "        errno EPERM socket if type != SOCK_STREAM\n"
                        "        allow clone if flags == 0\n"));
    EXPECT_COUNTS(0, 0);
}

TEST(diag_flag_equality_lists_and_positions)
{
    /* the clone rule */
    CHECK(compile_rules("        errno EACCES clone if flags in (0x10000011)\n"));
    EXPECT_WARN("flag-equality", 4, 37,
                "'flags in (...)' no longer matches when other flags are OR-ed into clone's 'flags': "
                "a caller can get around this rule",
                "compare under a mask: 'flags & 0x10000011 == 0x10000011'");
    EXPECT_COUNTS(0, 1);
    /* by position, a list within O_ACCMODE */
    CHECK(compile_rules("        allow openat if arg2 not in (O_WRONLY, O_RDWR)\n"));
    EXPECT_WARN("flag-equality", 4, 30,
                "'arg2 not in (...)' matches a listed value with other flags OR-ed into openat's 'arg2': "
                "a caller can get around this rule",
                "compare under a mask: 'arg2 & O_ACCMODE not in (...)'");
    EXPECT_COUNTS(0, 1);
    CHECK(compile_rules("        errno EPERM mmap if prot == PROT_WRITE | PROT_EXEC\n"));
    EXPECT_WARN("flag-equality", 4, 34,
                "'prot == 0x6' no longer matches when other flags are OR-ed into mmap's 'prot': "
                "a caller can get around this rule",
                "compare under a mask: 'prot & 0x6 == 0x6'");
    EXPECT_COUNTS(0, 1);
    /* not a flag argument: quiet */
    CHECK(compile_rules("        errno EPERM ioctl if request == TIOCSTI\n        allow socket if domain != AF_PACKET\n"));
    EXPECT_COUNTS(0, 0);
}

/* ==== constant-too-wide for masks of arguments the kernel truncates ========== */

TEST(diag_mask_too_wide_for_clone_flags)
{
    /* clone's flags are 32 bits (lower_32_bits() in the kernel): bit 32 is never read */
    CHECK(compile_rules("        errno EPERM clone if flags & 0x100000000\n"));
    EXPECT_WARN("constant-too-wide", 4, 38, "constant 0x100000000 does not fit in 32-bit argument 'flags'",
                "the kernel reads this argument as 32 bits; only the low 32 bits are compared");
    EXPECT_COUNTS(0, 1);
    /* 64-bit arguments take it */
    CHECK(compile_rules("        errno EPERM unshare if flags & 0x100000000\n"));
    EXPECT_COUNTS(0, 0);
}

/* ==== io-uring-bypass ======================================================== */

TEST(diag_io_uring_bypass_default_allow)
{
    /* a denylist that refuses sockets and write-opens but lets io_uring in */
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n"
                  "        errno EPERM socket\n"
                  "        errno EACCES openat if flags & O_ACCMODE != O_RDONLY\n    }\n}\n"));
    EXPECT_WARN("io-uring-bypass", 2, 5,
                "io_uring_setup is allowed, but io_uring can do what the rules restrict: openat, socket",
                "refuse io_uring_setup, io_uring_enter and io_uring_register (@io-uring), as Docker's default "
                "profile does: ring operations never reach the filter");
    EXPECT_COUNTS(0, 1);
    /* refusing io_uring silences it */
    CHECK(compile("include \"groups.stk\"\npolicy p {\n    seccomp {\n        default allow\n"
                  "        errno EPERM @io-uring\n        errno EPERM socket\n    }\n}\n"));
    EXPECT_COUNTS(0, 0);
}

TEST(diag_io_uring_bypass_allowlist)
{
    /* an allowlist that allows io_uring_setup by rule: everything it did not
     * allow is restricted (six names, then a count) */
    CHECK(compile_rules("        allow read, write, close, exit_group\n        allow io_uring_setup, io_uring_enter\n"));
    EXPECT_WARN("io-uring-bypass", 5, 9,
                "io_uring_setup is allowed, but io_uring can do what the rules restrict: open, openat, openat2, "
                "creat, pread64, pwrite64 and 56 more",
                "refuse io_uring_setup, io_uring_enter and io_uring_register (@io-uring), as Docker's default "
                "profile does: ring operations never reach the filter");
    EXPECT_COUNTS(0, 1);
    /* an allowlist without io_uring, or io_uring allowed while nothing it can
     * do is restricted: quiet */
    CHECK(compile_rules("        allow read, write, close, exit_group\n"));
    EXPECT_COUNTS(0, 0);
    /* the shipped groups keep io_uring out */
    CHECK(compile("include \"groups.stk\"\npolicy p {\n    seccomp {\n        default errno EPERM\n"
                  "        allow @system-service, @aio\n    }\n}\n"));
    EXPECT_COUNTS(0, 0);
    const struct stk_rule *r[512];
    size_t n = user_rules(r, 512);
    for (size_t i = 0; i < n; i++)
        CHECK_MSG(strncmp(stk_syscall_table[r[i]->syscall].name, "io_uring", 8) != 0, "%s in @system-service/@aio",
                  stk_syscall_table[r[i]->syscall].name);
}

/* ==== nesting limits and files that are not regular ========================== */

TEST(diag_group_nesting_limit)
{
    static char buf[16384];
    size_t off = (size_t)snprintf(buf, sizeof buf, "policy p { seccomp { default kill\n allow @g0 } }\n");
    for (int i = 0; i < 99; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "group @g%d { @g%d }\n", i, i + 1);
    snprintf(buf + off, sizeof buf - off, "group @g99 { read }\n");
    CHECK(!compile(buf));
    EXPECT_ERR("too-complex", 66, 14, "groups nest more than 64 levels deep here ('@g63' includes '@g64')",
               "flatten the chain of groups");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_include_nesting_limit)
{
    char name[32], text[64];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "chain%d.stk", i);
        snprintf(text, sizeof text, "include \"chain%d.stk\"\n", i + 1);
        write_file(name, text);
    }
    write_file("chain40.stk", "group @x { read }\n");
    CHECK(!check_path(tmp_path("chain0.stk"), NULL));
    EXPECT_ERR("too-complex", 1, 9, "includes nest more than 32 files deep", "flatten the chain of includes");
    EXPECT_COUNTS(1, 0);
}

TEST(diag_io_not_regular)
{
    const char *fifo = tmp_path("fifo.stk");
    CHECK(mkfifo(fifo, 0600) == 0);
    char text[512], msg[600];
    snprintf(text, sizeof text, "include \"%s\"\npolicy p { no_new_privs }\n", fifo);
    const char *main = write_file("incfifo.stk", text);
    CHECK(!check_path(main, NULL)); /* returns: the FIFO is never opened for a blocking read */
    snprintf(msg, sizeof msg, "%s: not a regular file (a FIFO, socket or device is never opened for reading)", fifo);
    EXPECT_ERR("io", 1, 9, msg, "policies and includes are read from regular files only; '-' reads standard input");
    EXPECT_COUNTS(1, 0);
    CHECK(!check_path(fifo, NULL));
    EXPECT_ERR("io", 0, 0, msg, "policies and includes are read from regular files only; '-' reads standard input");
    CHECK(!check_path("/dev/null", NULL));
    EXPECT_ERR("io", 0, 0, "/dev/null: not a regular file (a FIFO, socket or device is never opened for reading)",
               "policies and includes are read from regular files only; '-' reads standard input");
}

/* ==== seccomp: the rules stockade adds, and what they imply =================== */

TEST(diag_trace_bypassable)
{
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n        trace 3 getppid\n    }\n}\n"));
    EXPECT_WARN("trace-bypassable", 4, 9,
                "'trace' fails with ENOSYS only while no tracer answers: this policy lets the command ptrace its "
                "own processes and answer for them",
                "deny ptrace (e.g. 'errno EPERM ptrace' or 'kill-process @debug'), or use errno instead of trace");
    EXPECT_COUNTS(0, 1);
    /* ptrace denied: fine */
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n        errno EPERM ptrace\n"
                  "        trace 3 getppid\n    }\n}\n"));
    EXPECT_CLEAN();
}

TEST(diag_exec_tripwire_enosys)
{
    /* the hand-over shape of execveat fails with ENOSYS, not with the kill */
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n        kill-process execve, execveat\n"
                  "    }\n}\n"));
    EXPECT_WARN("exec-tripwire-enosys", 4, 9,
                "execveat(N, ..., AT_EMPTY_PATH) with N the enforcer's descriptor for the command (usually 3) "
                "fails with ENOSYS instead of this action: the exec hand-over rule decides that shape first",
                "count on the call failing, not on the process dying; under --report the supervisor answers "
                "that shape as the policy says");
    EXPECT_COUNTS(0, 1);
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n        trap execveat\n    }\n}\n"));
    CHECK_INT(count_code("exec-tripwire-enosys"), 1);
    /* errno: the shape fails either way */
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n        errno EPERM execve, execveat\n"
                  "    }\n}\n"));
    EXPECT_CLEAN();
    /* an earlier unconditional rule decides execveat: the kill is never reached */
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n        errno EPERM execveat\n"
                  "        kill-process execve\n    }\n}\n"));
    CHECK_INT(count_code("exec-tripwire-enosys"), 0);
    /* a kill-process default (an allowlist) is not a rule written for exec */
    CHECK(compile("policy p {\n    seccomp {\n        default kill-process\n        allow read, write\n"
                  "    }\n}\n"));
    CHECK_INT(count_code("exec-tripwire-enosys"), 0);
    /* execveat allowed: no hand-over rule, the kill applies to every shape */
    CHECK(compile("policy p {\n    seccomp {\n        default allow\n        kill-process execve\n    }\n}\n"));
    CHECK_INT(count_code("exec-tripwire-enosys"), 0);
}

/* Issue #10, item 12's class: a policy `check` accepts must not fail every
 * run.  Every policy installs a filter (the TIOCSTI rule), which needs
 * no_new_privs or cap_sys_admin. */
TEST(diag_seccomp_needs_nnp)
{
    CHECK(!compile("policy p {\n    no_new_privs off\n}\n"));
    EXPECT_ERR("seccomp-needs-nnp", 2, 5,
               "the seccomp filter every policy installs needs no_new_privs (or cap_sys_admin), which the policy "
               "turns off",
               "remove 'no_new_privs off', or keep cap_sys_admin");
    EXPECT_COUNTS(1, 1);
}

int main(void)
{
    if (harness_setup())
        return 1;
    RUN(diag_leading_zero_is_decimal);
    RUN(diag_flag_equality_socket_type);
    RUN(diag_flag_equality_polarity);
    RUN(diag_flag_equality_lists_and_positions);
    RUN(diag_mask_too_wide_for_clone_flags);
    RUN(diag_io_uring_bypass_default_allow);
    RUN(diag_io_uring_bypass_allowlist);
    RUN(diag_group_nesting_limit);
    RUN(diag_include_nesting_limit);
    RUN(diag_io_not_regular);
    RUN(diag_trace_bypassable);
    RUN(diag_exec_tripwire_enosys);
    RUN(diag_seccomp_needs_nnp);
    return harness_finish();
}
