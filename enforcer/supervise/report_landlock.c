/* report_landlock.c — `--report` names what Landlock refused (report.h).
 *
 * A Landlock denial never reaches the seccomp listener: the call runs and
 * fails with EACCES.  From Linux 6.15 (Landlock ABI 7) the kernel logs the
 * denials of a domain created with LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON to
 * the audit subsystem; under --report the enforcer creates its domain so
 * (steps/landlock.c), and the supervisor reads the records from the audit
 * multicast group (which needs CAP_AUDIT_READ: root), keeps those of the
 * domains our enforcer created (the AUDIT_LANDLOCK_DOMAIN record names the
 * creating pid), and writes one line per denial:
 *
 *   stockade: report: pid 28935 (cat): openat -> errno EACCES (landlock: fs.read_file "/etc/hostname")
 *
 * Where that cannot be done (an unprivileged caller, an older kernel, audit
 * off) the report says once that Landlock denials are not reported.  The
 * socket is bound before the fork, while the caller's capabilities are still
 * ours; the command never holds it (O_CLOEXEC, and the child closes every
 * poll descriptor right after the fork).  Records are kernel-made: a task can
 * neither write nor forge them (user messages have other types). */
#include "steps/steps.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "supervise/report.h"
#include "supervise/report_audit.h"

#define STEP "report"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif

#ifndef NETLINK_AUDIT
#define NETLINK_AUDIT 9
#endif
#define AUDIT_NLGRP_READLOG 1
#define AUDIT_GET 1000

#define LL_MAX_DOMAINS 16
#define LL_MAX_EVENTS 32
#define LL_DRAIN_MS 1000 /* at the end: at most this long for the last records */
#define LL_QUIET_MS 60   /* ... or this long without any record when no domain is known */

struct ll_event {
    bool used, access, sys;
    unsigned age;
    uint64_t serial;
    struct stk_audit_rec acc, call;
};

struct stk_report_ll {
    struct stk_report *r;
    int fd;
    uint64_t domain[LL_MAX_DOMAINS];
    bool gone[LL_MAX_DOMAINS];
    unsigned long kernel_denials[LL_MAX_DOMAINS];
    size_t ndomains;
    bool closed; /* the command's pid was released: no domain becomes ours any more */
    unsigned long reported;
    unsigned long overflows; /* ENOBUFS: the kernel dropped records for this socket */
    unsigned age;
    struct ll_event ev[LL_MAX_EVENTS];
};

static int ours(const struct stk_report_ll *l, uint64_t domain)
{
    for (size_t i = 0; i < l->ndomains; i++)
        if (l->domain[i] == domain)
            return (int)i;
    return -1;
}

static void report_denial(struct stk_report_ll *l, const struct ll_event *ev)
{
    char obj[700], ebuf[16], who[96], call[64], line[1100], kind[160];
    if (ev->acc.object_is_path)
        stk_report_quote(obj, sizeof obj, ev->acc.object, strlen(ev->acc.object), 256, false);
    else
        snprintf(obj, sizeof obj, "%s", ev->acc.object);
    int err = EACCES;
    uint32_t arch = 0, nr = UINT32_MAX;
    if (ev->sys) {
        const char *abi = NULL, *name = NULL;
        if (ev->call.nr >= 0 && ev->call.nr <= (long)UINT32_MAX) {
            arch = ev->call.arch;
            nr = (uint32_t)ev->call.nr;
            name = stk_report_syscall_name(arch, nr, &abi);
        }
        if (name)
            snprintf(call, sizeof call, "%s%s%s", abi ? abi : "", abi ? ":" : "", name);
        else
            snprintf(call, sizeof call, "syscall#%ld", ev->call.nr);
        if (ev->call.has_exit && ev->call.exit_value < 0 && ev->call.exit_value >= -4095)
            err = (int)-ev->call.exit_value;
        snprintf(who, sizeof who, "pid %ld (%s)", ev->call.pid, ev->call.comm);
    } else {
        snprintf(call, sizeof call, "a call");
        snprintf(who, sizeof who, "pid ? (?)");
    }
    const char *ename = stk_report_errno_name(err, ebuf, sizeof ebuf);
    snprintf(line, sizeof line, "stockade: report: %s: %s -> errno %s (landlock: %s%s%s)\n", who, call, ename,
             ev->acc.blockers, obj[0] ? " " : "", obj);
    stk_report_emit(l->r, line);
    snprintf(kind, sizeof kind, "errno %s (landlock %s)", ename, ev->acc.blockers);
    stk_report_tally(l->r, arch, nr, kind);
    l->reported++;
}

static void flush(struct stk_report_ll *l, struct ll_event *ev)
{
    if (ev->used && ev->access && ours(l, ev->acc.domain) >= 0)
        report_denial(l, ev);
    ev->used = false;
}

static struct ll_event *event_for(struct stk_report_ll *l, uint64_t serial)
{
    struct ll_event *free_ev = NULL, *oldest = NULL;
    for (size_t i = 0; i < LL_MAX_EVENTS; i++) {
        struct ll_event *ev = &l->ev[i];
        if (ev->used && ev->serial == serial)
            return ev;
        if (!ev->used && !free_ev)
            free_ev = ev;
        if (ev->used && (!oldest || ev->age < oldest->age))
            oldest = ev;
    }
    if (!free_ev) { /* a record without an end: its event is complete by now */
        flush(l, oldest);
        free_ev = oldest;
    }
    memset(free_ev, 0, sizeof *free_ev);
    free_ev->used = true;
    free_ev->serial = serial;
    free_ev->age = ++l->age;
    return free_ev;
}

static void record(struct stk_report_ll *l, int type, const char *text, size_t n)
{
    struct stk_audit_rec rec;
    if (!stk_audit_parse(type, text, n, &rec))
        return;
    if (type == STK_AUDIT_LANDLOCK_DOMAIN) {
        /* the creator is the enforcer: the forked child, or the process
         * that sent the listener (in a pid namespace, the init's child) */
        const struct stk_report *r = l->r;
        if (rec.allocated && rec.pid > 0 && !l->closed && ((pid_t)rec.pid == r->child || (pid_t)rec.pid == r->enforcer) &&
            ours(l, rec.domain) < 0 && l->ndomains < LL_MAX_DOMAINS)
            l->domain[l->ndomains++] = rec.domain;
        int d = ours(l, rec.domain);
        if (rec.deallocated && d >= 0) {
            l->gone[d] = true;
            l->kernel_denials[d] = rec.denials;
        }
        return;
    }
    if (type != STK_AUDIT_LANDLOCK_ACCESS && type != STK_AUDIT_SYSCALL && type != STK_AUDIT_EOE)
        return;
    /* only events that carry a Landlock denial are kept */
    struct ll_event *ev = NULL;
    for (size_t i = 0; i < LL_MAX_EVENTS && !ev; i++)
        if (l->ev[i].used && l->ev[i].serial == rec.serial)
            ev = &l->ev[i];
    if (type == STK_AUDIT_LANDLOCK_ACCESS) {
        ev = event_for(l, rec.serial);
        ev->access = true;
        ev->acc = rec;
    } else if (ev && type == STK_AUDIT_SYSCALL) {
        ev->sys = true;
        ev->call = rec;
    } else if (ev) {
        flush(l, ev); /* EOE */
    }
}

/* Read what is queued; 1 if anything was read. */
static int drain(struct stk_report_ll *l)
{
    union {
        char buf[8192];
        struct nlmsghdr align;
    } u;
    int got = 0;
    for (;;) {
        ssize_t n = recv(l->fd, u.buf, sizeof u.buf, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == ENOBUFS) {
            /* records were lost: maybe a domain's first record, which makes
             * the domain ours; then no end count could tell (on_cleanup) */
            l->overflows++;
            continue;
        }
        if (n <= 0)
            return got; /* EAGAIN */
        got = 1;
        size_t off = 0, len = (size_t)n;
        while (len - off >= NLMSG_HDRLEN) {
            struct nlmsghdr h;
            memcpy(&h, u.buf + off, sizeof h);
            if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - off)
                break;
            record(l, h.nlmsg_type, u.buf + off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN);
            off += NLMSG_ALIGN(h.nlmsg_len);
            if (off > len)
                break;
        }
    }
}

static int on_audit(int fd, void *arg)
{
    (void)fd;
    drain(arg);
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static bool all_gone(const struct stk_report_ll *l)
{
    for (size_t i = 0; i < l->ndomains; i++)
        if (!l->gone[i])
            return false;
    return l->ndomains > 0;
}

/* The command has ended, and the supervisor still holds its pid (a zombie:
 * supervise.c), so a domain record naming that pid as its creator is ours.
 * First read, with the pid held, what the kernel logged before the end:
 * until no record came for LL_QUIET_MS (kauditd delivers them a little
 * later), at most LL_DRAIN_MS.  Then no new domain is taken for ours, and
 * the pid is released: the kernel logs each domain's end (with its count of
 * denials) only once its last task is freed; wait a little for those. */
static void on_cleanup(void *arg)
{
    struct stk_report_ll *l = arg;
    if (l->r->started) {
        long start = now_ms(), last = start;
        while (now_ms() - start < LL_DRAIN_MS && now_ms() - last < LL_QUIET_MS) {
            struct pollfd p = {.fd = l->fd, .events = POLLIN};
            if (poll(&p, 1, 20) > 0 && drain(l))
                last = now_ms();
        }
        l->closed = true;
        stk_supervise_release(l->r->sv);
        start = now_ms();
        while (l->ndomains > 0 && !all_gone(l) && now_ms() - start < LL_DRAIN_MS) {
            struct pollfd p = {.fd = l->fd, .events = POLLIN};
            if (poll(&p, 1, 20) > 0)
                drain(l);
        }
        for (size_t i = 0; i < LL_MAX_EVENTS; i++)
            flush(l, &l->ev[i]);
        unsigned long kernel = 0;
        for (size_t i = 0; i < l->ndomains; i++)
            kernel += l->kernel_denials[i];
        if (all_gone(l) && kernel > l->reported) {
            char line[200];
            snprintf(line, sizeof line,
                     "stockade: report: %lu Landlock denial%s not reported: the kernel's audit records were "
                     "lost or rate-limited\n",
                     kernel - l->reported, kernel - l->reported == 1 ? "" : "s");
            stk_report_emit(l->r, line);
        } else if (l->overflows && !(all_gone(l) && kernel == l->reported)) {
            /* the records that were dropped may be the only ones of the
             * command's domain: nothing else would say it had denials */
            l->r->landlock_incomplete = true;
            stk_report_emit(l->r, "stockade: report: Landlock denials may be missing: the kernel's audit records "
                                  "came faster than the reporter read them (its socket overflowed)\n");
        }
    }
    close(l->fd);
    free(l);
}

/* Is the kernel's audit on?  1 yes, 0 off, -1 unknown. */
static int audit_enabled(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0)
        return -1;
    struct {
        struct nlmsghdr h;
        char pad[16];
    } req = {.h = {.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = AUDIT_GET, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1}};
    int ans = -1;
    struct timeval tv = {0, 200000};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 && send(fd, &req, req.h.nlmsg_len, 0) >= 0) {
        union {
            char buf[512];
            struct nlmsghdr align;
        } u;
        ssize_t n = recv(fd, u.buf, sizeof u.buf, 0);
        /* struct audit_status starts with mask, enabled (u32 each) */
        if (n >= (ssize_t)(NLMSG_HDRLEN + 8) && u.align.nlmsg_type == AUDIT_GET) {
            uint32_t en;
            memcpy(&en, (char *)NLMSG_DATA(&u.align) + 4, sizeof en);
            ans = en != 0;
        }
    }
    close(fd);
    return ans;
}

int stk_report_ll_prepare(struct stk_report *r, const struct stk_bundle *b, struct stk_err *e)
{
    if (!b->landlock.present)
        return 0;
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1u /* LANDLOCK_CREATE_RULESET_VERSION */);
    char why[160] = "";
    int fd = -1;
    if (abi >= 0 && abi < STK_LL_ABI_LOG)
        snprintf(why, sizeof why, "the kernel's Landlock (ABI %ld) cannot log them (ABI %d, Linux 6.15)", abi,
                 STK_LL_ABI_LOG);
    else if (abi >= 0 && audit_enabled() == 0)
        snprintf(why, sizeof why, "the kernel's audit is off");
    else if (abi >= 0) {
        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1)};
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
            int err = errno;
            snprintf(why, sizeof why, "reading them from the kernel's audit log needs CAP_AUDIT_READ%s",
                     err == EPERM ? " (run as root)" : "");
            if (fd >= 0)
                close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        if (why[0])
            stk_warnf(STEP, "Landlock denials are not reported: %s", why);
        return 0;
    }
    /* the kernel's queue of records must not overflow while the command runs */
    int sz = 1 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) < 0) /* past net.core.rmem_max: CAP_NET_ADMIN */
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    struct stk_report_ll *l = calloc(1, sizeof *l);
    if (!l) {
        close(fd);
        return stk_errnof(e, STEP, ENOMEM, "allocating the Landlock reporter");
    }
    l->r = r;
    l->fd = fd;
    if (stk_supervise_on_cleanup(r->sv, on_cleanup, l, e) < 0) {
        close(fd);
        free(l);
        return -1;
    }
    r->landlock_logged = true;
    return stk_supervise_on_poll(r->sv, fd, on_audit, l, e); /* the clean-up hook owns l */
}
