/* test_report_quiet.c — `quiet` (issue 15: expected denials such as clone3
 * -> ENOSYS printed one line per thread): the statement, its record in the
 * bundle (every ABI the filter lets in), the reader's checks.  What --report
 * does with it: tests/integration/report_quiet.sh. */
#include <linux/audit.h>
#include <string.h>
#include <sys/syscall.h>

#include "bundle_format.h"
#include "lib/bundle_harness.h"
#include "testlib.h"

static bool has_pair(const struct stk_bundle *b, uint32_t arch, uint32_t nr)
{
    for (size_t i = 0; i < b->nquiet; i++)
        if (b->quiet[i].arch == arch && b->quiet[i].nr == nr)
            return true;
    return false;
}

TEST(roundtrip_native)
{
    struct stk_bundle *b = bh_roundtrip("policy q {\n seccomp {\n  default errno EPERM\n  allow read\n"
                                        "  errno ENOSYS clone3\n  quiet clone3, getppid, clone3\n }\n}\n",
                                        true);
    CHECK_MSG(b, "%s", bh_msg);
    CHECK_INT(b->nquiet, 2); /* named twice: once */
    CHECK(has_pair(b, AUDIT_ARCH_X86_64, SYS_clone3));
    CHECK(has_pair(b, AUDIT_ARCH_X86_64, SYS_getppid));
    stk_bundle_free(b);
}

TEST(roundtrip_every_abi)
{
    /* i386's number is its own; x32's carries the x32 bit */
    struct stk_bundle *b = bh_roundtrip("policy q {\n seccomp {\n  arch x86_64, i386, x32\n  default errno EPERM\n"
                                        "  quiet getppid\n }\n}\n",
                                        true);
    CHECK_MSG(b, "%s", bh_msg);
    CHECK_INT(b->nquiet, 3);
    CHECK(has_pair(b, AUDIT_ARCH_X86_64, SYS_getppid));
    CHECK(has_pair(b, AUDIT_ARCH_I386, 64));
    CHECK(has_pair(b, AUDIT_ARCH_X86_64, 0x40000000u | SYS_getppid));
    stk_bundle_free(b);
}

TEST(none_without_quiet)
{
    struct stk_bundle *b = bh_roundtrip("policy q {\n seccomp {\n  default errno EPERM\n }\n}\n", true);
    CHECK_MSG(b, "%s", bh_msg);
    CHECK_INT(b->nquiet, 0);
    stk_bundle_free(b);
}

static int read_quiet_payload(const unsigned char *payload, size_t plen)
{
    static unsigned char recs[1 << 17], d[1 << 17];
    size_t n = bh_rec(recs, STK_REC_REPORT_QUIET, payload, plen);
    size_t len = bh_craft(d, STK_BUNDLE_VERSION, recs, n, 1);
    return bh_read(d, len, NULL);
}

TEST(reader_checks)
{
    unsigned char p[8 * 4 + 4];
    bh_put_le(p, 1, 4);
    bh_put_le(p + 4, AUDIT_ARCH_X86_64, 4);
    bh_put_le(p + 8, 39, 4);
    CHECK_MSG(read_quiet_payload(p, 12) == 0, "%s", bh_msg);
    /* empty, short, long, over the limit: refused as the reader refuses */
    bh_put_le(p, 0, 4);
    CHECK_INT(read_quiet_payload(p, 4), -1);
    bh_put_le(p, 2, 4);
    CHECK_INT(read_quiet_payload(p, 12), -1);
    bh_put_le(p, 1, 4);
    CHECK_INT(read_quiet_payload(p, 16), -1);
    bh_put_le(p, STK_BUNDLE_MAX_QUIET + 1, 4);
    CHECK_INT(read_quiet_payload(p, 12), -1);
    CHECK_CONTAINS(bh_msg, "quiet");
}

int main(void)
{
    RUN(roundtrip_native);
    RUN(roundtrip_every_abi);
    RUN(none_without_quiet);
    RUN(reader_checks);
    return test_summary();
}
