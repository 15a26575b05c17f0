/* report_audit.h — reading the kernel's audit records of Landlock denials
 * (report_audit.c: pure, unit-tested) and reporting them under --report
 * (report_landlock.c).
 *
 * From Linux 6.15 (Landlock ABI 7) a domain created with
 * LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON has the denials of the programs it
 * executes logged to the audit subsystem: an AUDIT_LANDLOCK_ACCESS record
 * (what was denied, to which object), once per domain an
 * AUDIT_LANDLOCK_DOMAIN record (who created the domain; at the end, how many
 * denials it had) and, when the task has an audit context, the
 * AUDIT_SYSCALL record of the call.  Records of one event share a serial. */
#ifndef STK_REPORT_AUDIT_H
#define STK_REPORT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STK_AUDIT_SYSCALL 1300
#define STK_AUDIT_EOE 1320
#define STK_AUDIT_LANDLOCK_ACCESS 1423
#define STK_AUDIT_LANDLOCK_DOMAIN 1424

/* One record, as far as the report needs it. */
struct stk_audit_rec {
    int type;
    uint64_t serial;
    /* AUDIT_LANDLOCK_ACCESS, AUDIT_LANDLOCK_DOMAIN */
    uint64_t domain;
    char blockers[96];   /* "fs.read_file", "net.bind_tcp", ... */
    char object[300];    /* the object, decoded: a path, or "127.0.0.1 port 80"-like key=value text */
    bool object_is_path;
    bool allocated;      /* DOMAIN: status=allocated (pid is the domain's creator) */
    bool deallocated;    /* DOMAIN: status=deallocated (denials is the domain's total) */
    unsigned long denials;
    /* AUDIT_SYSCALL; DOMAIN allocated: the creator */
    long pid;
    uint32_t arch;
    long nr;
    long exit_value;     /* the call's result: -errno */
    bool has_exit;
    char comm[64];       /* decoded, printable (other bytes as '?') */
};

/* Parse the text of one audit message of the given netlink type ("audit(
 * 1796542520.985:272620): domain=1b0f72e0b blockers=..."); n bytes, not
 * necessarily NUL-terminated.  false: not a record the report reads (another
 * type, or malformed: never trusted halfway). */
bool stk_audit_parse(int type, const char *text, size_t n, struct stk_audit_rec *out);

#endif
