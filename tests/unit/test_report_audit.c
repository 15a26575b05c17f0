/* test_report_audit.c — parsing the kernel's audit records of Landlock
 * denials (enforcer/supervise/report_audit.c), as --report reads them.  The
 * records below are the kernel's own text, as read on Linux 6.18; the whole
 * path through the kernel: tests/integration/report.sh (landlock_*). */
#include <string.h>

#include "supervise/report_audit.h"
#include "testlib.h"

static bool parse(int type, const char *s, struct stk_audit_rec *r)
{
    return stk_audit_parse(type, s, strlen(s), r);
}

TEST(access_path)
{
    struct stk_audit_rec r;
    CHECK(parse(STK_AUDIT_LANDLOCK_ACCESS,
                "audit(1796542520.985:272622): domain=1b0f72e0b blockers=fs.read_file path=\"/etc/hostname\" "
                "dev=\"vda\" ino=733",
                &r));
    CHECK_U64(r.serial, 272622);
    CHECK_U64(r.domain, 0x1b0f72e0bull);
    CHECK_STR(r.blockers, "fs.read_file");
    CHECK(r.object_is_path);
    CHECK_STR(r.object, "/etc/hostname");
}

TEST(access_hex_path)
{
    /* a path with a space or a quote is written in hex: decoded to its bytes */
    struct stk_audit_rec r;
    CHECK(parse(STK_AUDIT_LANDLOCK_ACCESS,
                "audit(1.2:7): domain=a blockers=fs.write_file path=2F746D702F61206222 dev=\"vda\" ino=1", &r));
    CHECK(r.object_is_path);
    CHECK_STR(r.object, "/tmp/a b\"");
    /* a path that poses as fields cannot: only the kernel's own spaces split */
    CHECK(parse(STK_AUDIT_LANDLOCK_ACCESS,
                "audit(1.2:8): domain=b blockers=fs.execute path=2F6120646F6D61696E3D63 dev=\"vda\" ino=1", &r));
    CHECK_U64(r.domain, 0xb);
    CHECK_STR(r.object, "/a domain=c");
}

TEST(access_net_and_scope)
{
    struct stk_audit_rec r;
    CHECK(parse(STK_AUDIT_LANDLOCK_ACCESS, "audit(1.2:9): domain=c blockers=net.connect_tcp daddr=127.0.0.1 dest=80",
                &r));
    CHECK(!r.object_is_path);
    CHECK_STR(r.blockers, "net.connect_tcp");
    CHECK_STR(r.object, "daddr=127.0.0.1 dest=80");
    CHECK(parse(STK_AUDIT_LANDLOCK_ACCESS, "audit(1.2:10): domain=c blockers=scope.signal opid=1 ocomm=\"systemd\"",
                &r));
    CHECK_STR(r.object, "opid=1 ocomm=\"systemd\"");
}

TEST(domain_records)
{
    struct stk_audit_rec r;
    CHECK(parse(STK_AUDIT_LANDLOCK_DOMAIN,
                "audit(1796542520.985:272620): domain=1b0f72e0b status=allocated mode=enforcing pid=28935 uid=0 "
                "exe=\"/tmp/ll/ll\" comm=\"ll\"",
                &r));
    CHECK(r.allocated);
    CHECK(!r.deallocated);
    CHECK_INT(r.pid, 28935);
    CHECK(parse(STK_AUDIT_LANDLOCK_DOMAIN, "audit(1796542521.025:272623): domain=1b0f72e0b status=deallocated denials=3",
                &r));
    CHECK(r.deallocated);
    CHECK_INT(r.denials, 3);
    /* the comm field of a creator named "x pid=1" is hex: no second pid */
    CHECK(parse(STK_AUDIT_LANDLOCK_DOMAIN,
                "audit(1.1:1): domain=1 status=allocated mode=enforcing pid=77 uid=0 exe=\"/x\" comm=7820706964nosuch",
                &r));
    CHECK_INT(r.pid, 77);
}

TEST(syscall_record)
{
    struct stk_audit_rec r;
    CHECK(parse(STK_AUDIT_SYSCALL,
                "audit(1796542520.985:272622): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c "
                "a1=7fff7f460a97 a2=0 a3=0 items=0 ppid=28859 pid=28935 auid=4294967295 uid=0 gid=0 euid=0 "
                "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"cat\" exe=\"/usr/bin/cat\" "
                "key=(null)",
                &r));
    CHECK_U64(r.arch, 0xc000003eu);
    CHECK_INT(r.nr, 257);
    CHECK(r.has_exit);
    CHECK_INT(r.exit_value, -13);
    CHECK_INT(r.pid, 28935);
    CHECK_STR(r.comm, "cat");
    /* a comm with control bytes arrives in hex and leaves printable */
    CHECK(parse(STK_AUDIT_SYSCALL, "audit(1.1:2): arch=c000003e syscall=2 exit=-13 pid=5 comm=611B5B326A", &r));
    CHECK_STR(r.comm, "a?[2j");
}

TEST(malformed_refused)
{
    struct stk_audit_rec r;
    CHECK(!parse(STK_AUDIT_LANDLOCK_ACCESS, "", &r));
    CHECK(!parse(STK_AUDIT_LANDLOCK_ACCESS, "audit(1.2:x): domain=1 blockers=fs.read_file", &r));
    CHECK(!parse(STK_AUDIT_LANDLOCK_ACCESS, "audit(1.2:3): blockers=fs.read_file path=\"/x\"", &r));
    CHECK(!parse(STK_AUDIT_LANDLOCK_ACCESS, "audit(1.2:3): domain=zz blockers=fs.read_file", &r));
    CHECK(!parse(STK_AUDIT_LANDLOCK_DOMAIN, "audit(1.2:3): domain=1 status=allocated", &r));
    CHECK(!parse(STK_AUDIT_LANDLOCK_DOMAIN, "audit(1.2:3): domain=1 status=deallocated denials=-1", &r));
    CHECK(!parse(STK_AUDIT_SYSCALL, "audit(1.2:3): syscall=1 pid=2", &r));
    CHECK(!parse(1100, "audit(1.2:3): domain=1 blockers=fs.read_file", &r)); /* a user message */
    /* not NUL-terminated: only n bytes are read */
    const char s[] = "audit(1.2:3): domain=1 blockers=fs.read_file path=\"/etc/passwd\"";
    CHECK(stk_audit_parse(STK_AUDIT_LANDLOCK_ACCESS, s, strlen(s) - 8, &r));
    CHECK(!r.object_is_path); /* the cut token "path=\"/etc/" is neither quoted nor hex */
}

int main(void)
{
    RUN(access_path);
    RUN(access_hex_path);
    RUN(access_net_and_scope);
    RUN(domain_records);
    RUN(syscall_record);
    RUN(malformed_refused);
    return test_summary();
}
