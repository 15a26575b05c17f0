/* test_report_sockaddr.c — socket addresses as --report shows them
 * (enforcer/supervise/report_sockaddr.c, the argument picked by
 * stk_report_sockaddr_arg in report_fmt.c).  On the real kernel:
 * tests/integration/report_sockaddr.sh. */
#include <arpa/inet.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "supervise/report.h"
#include "testlib.h"

static const char *fmt(const void *sa, size_t n, bool cut)
{
    static char buf[192];
    stk_report_format_sockaddr(buf, sizeof buf, sa, n, cut);
    return buf;
}

TEST(inet)
{
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(8080)};
    inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
    CHECK_STR(fmt(&in, sizeof in, false), "{AF_INET, 127.0.0.1:8080}");
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(443)};
    inet_pton(AF_INET6, "::1", &in6.sin6_addr);
    CHECK_STR(fmt(&in6, sizeof in6, false), "{AF_INET6, [::1]:443}");
    /* shorter than its structure: the kernel refuses it; the report says so */
    CHECK_STR(fmt(&in, 4, false), "{AF_INET, 4 bytes}");
    CHECK_STR(fmt(&in, 1, false), "{}");
}

TEST(unix_paths)
{
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    strcpy(un.sun_path, "/run/redis.sock");
    CHECK_STR(fmt(&un, offsetof(struct sockaddr_un, sun_path) + 16, false), "{AF_UNIX, \"/run/redis.sock\"}");
    /* a name the caller chose stays one quoted string: a newline, a quote */
    strcpy(un.sun_path, "/x\n\"}) -> allowed");
    CHECK_STR(fmt(&un, sizeof un, false), "{AF_UNIX, \"/x\\n\\\"}) -> allowed\"}");
    /* abstract: the bytes after the NUL, all of them */
    memset(un.sun_path, 0, sizeof un.sun_path);
    memcpy(un.sun_path, "\0abs\0x", 6);
    CHECK_STR(fmt(&un, offsetof(struct sockaddr_un, sun_path) + 6, false), "{AF_UNIX, @\"abs\\x00x\"}");
    CHECK_STR(fmt(&un, sizeof(sa_family_t), false), "{AF_UNIX, unnamed}");
    /* the longest name of escapes is cut with its quote closed */
    memset(un.sun_path, 1, sizeof un.sun_path);
    const char *s = fmt(&un, sizeof un, false);
    size_t n = strlen(s);
    CHECK(n < 192);
    CHECK(n > 4 && strcmp(s + n - 5, "\"...}") == 0);
}

TEST(netlink_and_others)
{
    struct sockaddr_nl nl = {.nl_family = AF_NETLINK, .nl_groups = 1};
    CHECK_STR(fmt(&nl, sizeof nl, false), "{AF_NETLINK, pid=0, groups=0x1}");
    sa_family_t f = AF_PACKET;
    CHECK_STR(fmt(&f, sizeof f, false), "{AF_PACKET}");
    f = 250;
    CHECK_STR(fmt(&f, sizeof f, false), "{family=250}");
}

TEST(which_argument)
{
    struct seccomp_data d = {.nr = SYS_connect, .arch = AUDIT_ARCH_X86_64, .args = {3, 0x1000, 16}};
    unsigned li = 0;
    CHECK_INT(stk_report_sockaddr_arg(&d, &li), 1);
    CHECK_INT(li, 2);
    d.nr = SYS_sendto;
    d.args[4] = 0x2000;
    CHECK_INT(stk_report_sockaddr_arg(&d, &li), 4);
    CHECK_INT(li, 5);
    d.nr = SYS_bind;
    d.args[1] = 0; /* NULL: nothing to read */
    CHECK_INT(stk_report_sockaddr_arg(&d, &li), -1);
    d.nr = SYS_accept; /* the kernel writes accept's address */
    d.args[1] = 0x1000;
    CHECK_INT(stk_report_sockaddr_arg(&d, &li), -1);
}

int main(void)
{
    RUN(inet);
    RUN(unix_paths);
    RUN(netlink_and_others);
    RUN(which_argument);
    return test_summary();
}
