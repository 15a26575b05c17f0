/* fuzz_report.c — libFuzzer target for what --report reads that a confined
 * command can shape: the kernel's audit records of Landlock denials (paths,
 * comm: report_audit.c) and the socket addresses of bind/connect/sendto
 * (report_sockaddr.c).  The first byte picks the record type; every result
 * must be NUL-terminated and within its buffer (ASan checks the rest). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supervise/report.h"
#include "supervise/report_audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const int types[] = {STK_AUDIT_SYSCALL, STK_AUDIT_EOE, STK_AUDIT_LANDLOCK_ACCESS, STK_AUDIT_LANDLOCK_DOMAIN};
    int type = types[data[0] & 3];
    /* an exact-size copy, not NUL-terminated: the parser must read only n bytes */
    char *text = malloc(size - 1 ? size - 1 : 1);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    struct stk_audit_rec r;
    if (stk_audit_parse(type, text, size - 1, &r)) {
        if (memchr(r.blockers, '\0', sizeof r.blockers) == NULL || memchr(r.object, '\0', sizeof r.object) == NULL ||
            memchr(r.comm, '\0', sizeof r.comm) == NULL)
            abort();
    }
    free(text);
    char buf[192];
    stk_report_format_sockaddr(buf, sizeof buf, data + 1, size - 1, (data[0] & 4) != 0);
    if (memchr(buf, '\0', sizeof buf) == NULL)
        abort();
    return 0;
}
