/* test_diagnostics_lint — diagnostics added for issue 10, asserted exactly as
 * test_diagnostics.c does (code, severity, line, column, message, hint):
 * flag arguments compared with == / in, io_uring next to restricted calls,
 * nesting limits of groups and includes, files that are not regular. */
#include <sys/stat.h>

#include "frontend_harness.h"

/* ==== flag-equality ========================================================= */

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

int main(void)
{
    if (harness_setup())
        return 1;
    RUN(diag_flag_equality_socket_type);
    RUN(diag_flag_equality_polarity);
    RUN(diag_flag_equality_lists_and_positions);
    return harness_finish();
}
