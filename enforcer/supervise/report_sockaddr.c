/* report_sockaddr.c — a socket address as --report shows it (report.h): the
 * address that bind, connect and sendto hand the kernel, read from the
 * caller's memory.  Pure; unit-tested (test_report). */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "supervise/report.h"

void stk_report_format_sockaddr(char *buf, size_t len, const unsigned char *raw, size_t n, bool cut)
{
    if (!len)
        return;
    buf[0] = '\0';
    if (n < sizeof(sa_family_t)) {
        snprintf(buf, len, "{}");
        return;
    }
    sa_family_t fam;
    memcpy(&fam, raw, sizeof fam);
    const char *fname = stk_report_family_name(fam);
    char fbuf[32];
    if (!fname) {
        snprintf(fbuf, sizeof fbuf, "family=%u", (unsigned)fam);
        fname = fbuf;
    }
    char addr[INET6_ADDRSTRLEN + 16], q[200];
    /* the quoted name must fit with "{AF_UNIX, @" and "}" around it:
     * stk_report_quote closes what it cuts, snprintf would not */
    size_t qlen = len > 16 ? len - 14 : 1;
    if (qlen > sizeof q)
        qlen = sizeof q;
    switch (fam) {
    case AF_UNIX: {
        const char *path = (const char *)raw + sizeof(sa_family_t);
        size_t pn = n - sizeof(sa_family_t);
        if (pn == 0) {
            snprintf(buf, len, "{AF_UNIX, unnamed}");
        } else if (path[0] == '\0') {
            /* abstract: every byte of the name counts, NULs included */
            stk_report_quote(q, qlen, path + 1, pn - 1, 108, cut);
            snprintf(buf, len, "{AF_UNIX, @%s}", q);
        } else {
            const char *end = memchr(path, '\0', pn);
            stk_report_quote(q, qlen, path, end ? (size_t)(end - path) : pn, 108, cut && !end);
            snprintf(buf, len, "{AF_UNIX, %s}", q);
        }
        return;
    }
    case AF_INET:
        if (n >= sizeof(struct sockaddr_in)) {
            struct sockaddr_in in;
            memcpy(&in, raw, sizeof in);
            if (inet_ntop(AF_INET, &in.sin_addr, addr, sizeof addr)) {
                snprintf(buf, len, "{AF_INET, %s:%u}", addr, (unsigned)ntohs(in.sin_port));
                return;
            }
        }
        break;
    case AF_INET6:
        if (n >= sizeof(struct sockaddr_in6)) {
            struct sockaddr_in6 in6;
            memcpy(&in6, raw, sizeof in6);
            if (inet_ntop(AF_INET6, &in6.sin6_addr, addr, sizeof addr)) {
                snprintf(buf, len, "{AF_INET6, [%s]:%u}", addr, (unsigned)ntohs(in6.sin6_port));
                return;
            }
        }
        break;
    case AF_NETLINK:
        if (n >= sizeof(struct sockaddr_nl)) {
            struct sockaddr_nl nl;
            memcpy(&nl, raw, sizeof nl);
            snprintf(buf, len, "{AF_NETLINK, pid=%u, groups=0x%x}", (unsigned)nl.nl_pid, (unsigned)nl.nl_groups);
            return;
        }
        break;
    default:
        snprintf(buf, len, "{%s}", fname);
        return;
    }
    /* shorter than its family's structure: the kernel refuses it (EINVAL) */
    snprintf(buf, len, "{%s, %zu bytes}", fname, n);
}
