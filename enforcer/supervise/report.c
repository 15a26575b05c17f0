/* report.c — `--report` (steps.h, report.h): every call the policy blocks or
 * logs is reported by name with the action taken, by the supervisor.
 *
 * Before the fork, stk_report_prepare opens the report file, creates the
 * socket the listener will arrive on and registers the supervisor's hooks.
 * The enforcer installs a copy of the program in which every action other
 * than allow becomes "notify the listener" (report_child.c).  For each
 * notification the supervisor runs the policy's OWN program (the same
 * interpreter the compiler is tested with, bpf_interp.c) on the call's
 * seccomp_data, does what the kernel would have done, as far as a supervisor
 * can, and writes one line:
 *
 *   stockade: report: pid 1234 (curl): socket(domain=16, type=3, protocol=0) -> errno EAFNOSUPPORT (blocked)
 *
 * and, when the command has exited, a summary (counts per call and outcome).
 * The differences from enforcement without --report: docs/enforcer.md. */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpf_interp.h"
#include "supervise/learn.h"
#include "supervise/report.h"
#include "supervise/report_split.h"
#include "supervise/report_task.h"
#include "steps/safe_path.h"
#include "syscalls.h"

#define STEP "report"


/* The command has exited: the summary, and with it the count of dropped
 * lines, waits longer for a slow reader (report_out.c). */
#define SUMMARY_WAIT_MS 2000

/* ---- counting --------------------------------------------------------------------- */

static void count(struct stk_report *r, uint32_t arch, uint32_t nr, const char *action)
{
    r->total++;
    for (size_t i = 0; i < r->nkinds; i++) {
        struct stk_report_count *k = &r->kinds[i];
        if (k->arch == arch && k->nr == nr && strcmp(k->action, action) == 0) {
            k->n++;
            return;
        }
    }
    if (r->nkinds == STK_REPORT_MAX_KINDS) {
        r->other++;
        return;
    }
    struct stk_report_count *k = &r->kinds[r->nkinds++];
    k->arch = arch;
    k->nr = nr;
    snprintf(k->action, sizeof k->action, "%s", action);
    k->n = 1;
}

void stk_report_emit(struct stk_report *r, const char *line)
{
    stk_report_out(r, line);
}

void stk_report_tally(struct stk_report *r, uint32_t arch, uint32_t nr, const char *kind)
{
    count(r, arch, nr, kind);
}

bool stk_report_logs_landlock(const struct stk_report *r)
{
    return r && r->landlock_logged;
}

/* Is the call one the policy marks `quiet`?  (A handful of numbers: a
 * linear search.) */
static bool is_quiet(const struct stk_report *r, const struct seccomp_data *d)
{
    for (size_t i = 0; i < r->nquiet; i++)
        if (r->quiet[i].arch == d->arch && r->quiet[i].nr == (uint32_t)d->nr)
            return true;
    return false;
}

/* ---- one notification ---------------------------------------------------------------- */

static void handle(struct stk_report *r)
{
    struct seccomp_notif req;
    memset(&req, 0, sizeof req);
    if (ioctl(r->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
        if (errno != ENOENT && errno != EINTR) /* ENOENT: the caller died meanwhile */
            stk_warnf(STEP, "receiving a notification: %s", strerror(errno));
        return;
    }
    if (r->learn && r->handed_over) { /* learning: the fast path (learn.c) */
        stk_learn_handle(r->learn, r->listener, &req);
        return;
    }
    /* what the policy says: its own program on the very same data (registers:
     * the caller cannot change them while it waits) */
    uint32_t ret = stk_report_split_run(r, r->prog, &req.data);
    if (ret == STK_BUNDLE_EXEC_HANDOVER_RET) {
        /* the exec hand-over rule (docs/enforcer.md): the first call it
         * matches, from the enforcer's thread (its pid came with the
         * listener, as the kernel's SCM_CREDENTIALS: not r->child, which is
         * the init when there is a pid namespace), is the enforcer's own exec of
         * the command; it runs and is not reported.  Every later one is the
         * command's: it gets what the policy says without the rule. */
        if (!r->handed_over && r->enforcer > 0 && (pid_t)req.pid == r->enforcer) {
            struct seccomp_notif_resp resp = {.id = req.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
            int rc;
            while ((rc = ioctl(r->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp)) < 0 && errno == EINTR)
                ;
            /* ENOENT: a signal interrupted the enforcer's wait (kernels
             * before 5.19); its exec is restarted and notifies again */
            r->handed_over = rc == 0 || errno != ENOENT;
            return;
        }
        ret = stk_report_split_run(r, r->prog_off, &req.data);
    }
    if (r->learn) {
        stk_learn_handle(r->learn, r->listener, &req);
        return;
    }
    if (r->split && (ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW) {
        /* a split policy's prefix asked; the filters allow this call */
        task_respond(r, req.id, 0, true);
        return;
    }
    struct stk_decision d;
    stk_report_decide(ret, &d);

    struct task t;
    char strs[6][2 * STR_MAX];
    const char *ptrs[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    bool killed = false, alive;
    if (d.verdict == STK_V_KILL) {
        /* Kill at once (task_kill_first: SIGKILL cannot be caught, so nothing the
         * caller's other threads do meanwhile matters).  Before it, only the
         * kernel's /proc/TID/status is read for the report's name (checked
         * to be about the waiting task); the caller's memory is not read at
         * all, neither before (it could stall the read, userfaultfd) nor
         * after (it is gone, and a thread's number may be reused): a killed
         * call's strings are shown as addresses. */
        task_read((pid_t)req.pid, &t);
        bool valid = task_id_valid(r, req.id);
        pid_t tgid = 0;
        killed = task_kill_first(r, (pid_t)req.pid, req.id, &tgid);
        task_respond(r, req.id, ENOSYS, false); /* in case: the call never runs */
        alive = killed;
        if (!valid || !t.ok)
            t.ok = false;
        else if (tgid > 0 && t.tgid != tgid)
            t.ok = false; /* not the task the pidfd was for */
    } else {
        task_read((pid_t)req.pid, &t);
        task_read_strings((pid_t)req.pid, &req.data, strs, ptrs);
        /* /proc/PID was read about the notifying task only if it still waits */
        alive = task_id_valid(r, req.id);
        if (!alive)
            for (int i = 0; i < 6; i++)
                ptrs[i] = NULL;
    }
    if (!alive || !t.ok) {
        t.ok = false;
        snprintf(t.name, sizeof t.name, "?");
    }

    /* The line is written before the call is answered (a kill excepted:
     * it comes first): while the caller waits, so a report line about a
     * call lands before the caller's next output, never inside output the
     * caller writes in pieces without a reported call in between (text,
     * then its newline: unbuffered stdio's puts).  Same pipe, one stream. */
    char result[64], ebuf[16];
    const char *why = d.action;
    bool answer = false; /* errno d.err, or continue, or the trap's value */
    int64_t trap_val = 0;
    switch (d.verdict) {
    case STK_V_ERRNO:
        answer = true;
        snprintf(result, sizeof result, "errno %s", stk_report_errno_name(d.err, ebuf, sizeof ebuf));
        if (d.err == 0) /* errno 0: the call returns 0 without running */
            snprintf(result, sizeof result, "returns 0, not run");
        if (strcmp(d.action, "errno") == 0)
            why = d.err == 0 ? "errno 0" : "blocked";
        break;
    case STK_V_CONTINUE:
        answer = true;
        snprintf(result, sizeof result, "allowed");
        if (strcmp(d.action, "log") == 0)
            why = "logged";
        break;
    case STK_V_TRAP:
        if (t.ok && task_sigsys_in(t.caught) && !task_sigsys_in(t.blocked)) {
            /* The program handles SIGSYS: the call returns what the kernel's
             * trap leaves in the return register, and the thread gets
             * SIGSYS (answered below, after the line). */
            answer = true;
            trap_val = stk_report_trap_value(&req.data);
            snprintf(result, sizeof result, "SIGSYS, returns %lld", (long long)trap_val);
            break;
        }
        /* SIGSYS not handled: the kernel's trap ends the process; so do we.
         * (A trap may be caught by design: a handler installed meanwhile
         * only does what a handler installed earlier would have done.) */
        task_kill_call(r, &t, req.id, alive, result, sizeof result);
        break;
    case STK_V_KILL:
        snprintf(result, sizeof result, "killed by SIGKILL");
        break;
    }
    if (!alive)
        snprintf(result, sizeof result, "not answered: the caller is gone");

    char kind[sizeof result + 32];
    bool quiet = (d.verdict == STK_V_ERRNO || d.verdict == STK_V_CONTINUE) && is_quiet(r, &req.data);
    snprintf(kind, sizeof kind, "%s (%s%s)", result, why, quiet ? ", quiet" : "");
    count(r, req.data.arch, (uint32_t)req.data.nr, kind);
    if (!quiet) { /* `quiet`: counted in the summary, not printed */
        char call[1024], line[1400];
        stk_report_format_call(call, sizeof call, &req.data, ptrs);
        char who[48];
        if (t.ok && t.tgid != (pid_t)req.pid)
            snprintf(who, sizeof who, "pid %d tid %d", (int)t.tgid, (int)req.pid);
        else
            snprintf(who, sizeof who, "pid %d", (int)req.pid);
        snprintf(line, sizeof line, "stockade: report: %s (%s): %s -> %s (%s)\n", who, t.name, call, result, why);
        stk_report_out(r, line);
    }
    if (!answer)
        return;
    if (d.verdict == STK_V_ERRNO)
        task_respond(r, req.id, d.err, false);
    else if (d.verdict == STK_V_CONTINUE)
        task_respond(r, req.id, 0, true);
    else {
        /* a handled trap: when a received call waits killably, the signal
         * is sent first and stays pending until the answer, so the handler
         * runs right at the call's return, as with the kernel's trap;
         * otherwise it would interrupt the wait and the call would be
         * restarted, so it follows the answer */
        if (r->killable && alive)
            task_trap_signal(&t, (pid_t)req.pid);
        task_respond_val(r, req.id, 0, trap_val, false);
        if (!r->killable && alive)
            task_trap_signal(&t, (pid_t)req.pid);
    }
}

/* ---- supervisor hooks --------------------------------------------------------------- */

static int on_listener(int fd, void *arg)
{
    struct stk_report *r = arg;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return 0;
    if (p.revents & POLLIN) {
        handle(r); /* one at a time: the loop comes back while there are more */
        return 0;
    }
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) {
        /* no task uses the filter any more */
        close(fd);
        r->listener = -1;
        return 1;
    }
    return 0;
}

static void give_up(struct stk_report *r, const char *why, int err)
{
    stk_warnf(STEP, "%s%s%s; stopping the command", why, err ? ": " : "", err ? strerror(err) : "");
    if (r->child > 0)
        kill(r->child, SIGKILL);
}

static int on_socket(int fd, void *arg)
{
    struct stk_report *r = arg;
    struct stk_report_msg m;
    struct iovec iov = {&m, sizeof m};
    union {
        char buf[CMSG_SPACE(4 * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } cm;
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf, .msg_controllen = sizeof cm.buf};
    ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    int got[4], ngot = 0;
    pid_t sender = 0;
    for (struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
            c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
            /* the enforcer process, in our pid namespace (the kernel's word) */
            struct ucred uc;
            memcpy(&uc, CMSG_DATA(c), sizeof uc);
            sender = uc.pid;
            continue;
        }
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k && ngot < 4; i++)
            memcpy(&got[ngot++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
    close(fd);
    r->sock[0] = -1;
    if (n == 0) /* the enforcer stopped before installing the filter, and says why itself */
        return 1;
    if (n < 0) {
        give_up(r, "receiving the listener", errno);
        return 1;
    }
    if (n != (ssize_t)sizeof m || m.magic != STK_REPORT_MAGIC || ngot != 1 || (mh.msg_flags & MSG_CTRUNC)) {
        for (int i = 0; i < ngot; i++)
            close(got[i]);
        give_up(r, "the listener did not arrive intact", 0);
        return 1;
    }
    r->listener = got[0];
    if (r->learn)
        stk_learn_listener(r->listener);
    r->enforcer = sender; /* 0 if absent: then no exec is handed over (the enforcer fails closed) */
    r->killable = m.flags & STK_REPORT_KILLABLE;
    for (size_t i = 0; i < r->nexec_fd_insns; i++) {
        r->prog[r->exec_fd_insns[i]].k = m.exec_fd >= 0 ? (uint32_t)m.exec_fd : STK_BUNDLE_EXEC_FD_PLACEHOLDER;
        /* prog_off: the comparison goes to its false branch whatever the value */
        r->prog_off[r->exec_fd_insns[i]].jt = r->prog_off[r->exec_fd_insns[i]].jf;
    }
    struct stk_err e = {0};
    if (stk_supervise_on_poll(r->sv, r->listener, on_listener, r, &e) < 0) {
        stk_err_report(&e, stderr);
        close(r->listener);
        r->listener = -1;
        give_up(r, "cannot watch the listener", 0);
        return 1;
    }
    r->started = true;
    return 1;
}

static int on_attach(pid_t child, void *arg, struct stk_err *e)
{
    struct stk_report *r = arg;
    r->child = child;
    /* the enforcer's end, sock[1], is closed by supervise.c (child side) */
    /* a report nobody reads any more (`| head`) must not kill the supervisor,
     * and with it the command: the write fails with EPIPE instead */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        return stk_errnof(e, STEP, errno, "ignoring SIGPIPE");
    /* nor stop it: the command shares the terminal's session, and can make
     * its own process group the foreground one and set TOSTOP; a write by a
     * background process group is then answered SIGTTOU, which would stop
     * the supervisor for good (and with it every call it has to answer).
     * Ignored, the kernel lets the write through (tty_check_change). */
    if (signal(SIGTTOU, SIG_IGN) == SIG_ERR)
        return stk_errnof(e, STEP, errno, "ignoring SIGTTOU");
    return 0;
}

/* Milliseconds from now to end (CLOCK_MONOTONIC), at least 0. */
static int ms_left(const struct timespec *end)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (end->tv_sec - now.tv_sec) * 1000LL + (end->tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms > SUMMARY_WAIT_MS ? SUMMARY_WAIT_MS : (int)ms;
}

static void summary(struct stk_report *r)
{
    char line[512];
    r->stalled = false; /* the summary gets its own, longer, wait: SUMMARY_WAIT_MS in all */
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += SUMMARY_WAIT_MS / 1000;
    if (r->total == 0) {
        stk_report_out_wait(r,
                      r->landlock_incomplete ? "stockade: report: summary: no call reported (Landlock denials may "
                                               "be missing: see above)\n"
                                             : "stockade: report: summary: no call was blocked or logged\n",
                      SUMMARY_WAIT_MS);
        return;
    }
    snprintf(line, sizeof line, "stockade: report: summary: %lu call%s reported\n", r->total,
             r->total == 1 ? "" : "s");
    stk_report_out_wait(r, line, ms_left(&end));
    for (size_t i = 0; i < r->nkinds; i++) {
        const struct stk_report_count *k = &r->kinds[i];
        const char *abi, *name = stk_report_syscall_name(k->arch, k->nr, &abi);
        char nbuf[48];
        if (!name) {
            snprintf(nbuf, sizeof nbuf, "syscall#%d", (int)k->nr);
            name = nbuf;
        }
        snprintf(line, sizeof line, "stockade: report: %8lu  %s%s%s -> %s\n", k->n, abi ? abi : "", abi ? ":" : "",
                 name, k->action);
        stk_report_out_wait(r, line, ms_left(&end));
    }
    if (r->other) {
        snprintf(line, sizeof line, "stockade: report: %8lu  other calls\n", r->other);
        stk_report_out_wait(r, line, ms_left(&end));
    }
    if (r->dropped) {
        r->stalled = false; /* one more try, for this line */
        snprintf(line, sizeof line, "stockade: report: %8lu  report lines dropped: the output was blocked\n",
                 r->dropped);
        stk_report_out(r, line);
    }
}

static void on_cleanup(void *arg)
{
    struct stk_report *r = arg;
    if (r->learn) {
        if (r->started)
            stk_learn_finish(r->learn); /* the policy writer; no summary */
    } else if (r->started)
        summary(r);
    if (r->listener >= 0)
        close(r->listener);
    for (int i = 0; i < 2; i++)
        if (r->sock[i] >= 0)
            close(r->sock[i]);
    if (r->own_out)
        close(r->out_fd);
    free(r->prog);
    free(r->prog_off);
    stk_report_split_free(r->split);
    free(r);
}

/* ---- before the fork ----------------------------------------------------------------- */

int stk_report_prepare(const struct stk_bundle *b, bool report, const char *path, const struct stk_writer *w,
                       struct stk_supervisor *sv, struct stk_report **out, struct stk_err *e)
{
    *out = NULL;
    if (!report)
        return 0;
    const struct stk_bundle_seccomp *s = &b->seccomp;
    if (!s->present) {
        stk_warnf(STEP, "the policy has no seccomp filter: there is nothing to report");
        return 0;
    }
    /* A split policy: the last filter notifies (the kernel allows one
     * listener per filter chain), also for the calls the others decide
     * (report_split.h). */
    const struct stk_bpf_filter *f = &s->filters[s->nfilters - 1];
    for (size_t i = 0; i < f->len; i++)
        if (f->insns[i].code == (BPF_RET | BPF_A))
            return stk_errf(e, STEP, "seccomp instruction %zu returns a computed action; --report cannot rewrite "
                                     "this program", i);
    struct stk_report *r = calloc(1, sizeof *r);
    if (!r)
        return stk_errnof(e, STEP, ENOMEM, "allocating the reporter");
    r->sv = sv;
    r->sock[0] = r->sock[1] = -1;
    r->listener = -1;
    r->out_fd = STDERR_FILENO;
    r->len = f->len;
    r->exec_fd_insns = f->exec_fd_insns;
    r->nexec_fd_insns = f->nexec_fd_insns;
    r->quiet = b->quiet; /* the bundle outlives the supervisor's work */
    r->nquiet = b->nquiet;
    r->prog = calloc(f->len, sizeof *r->prog);
    r->prog_off = calloc(f->len, sizeof *r->prog_off);
    if (!r->prog || !r->prog_off) {
        free(r->prog);
        free(r->prog_off);
        free(r);
        return stk_errnof(e, STEP, ENOMEM, "copying the program");
    }
    memcpy(r->prog, f->insns, f->len * sizeof *r->prog);
    memcpy(r->prog_off, f->insns, f->len * sizeof *r->prog_off);
    if (path) {
        /* as the caller, in the caller's view, before anything changes; not
         * through a link the command could have planted (safe_path.h) */
        char why[640];
        r->out_fd = stk_safe_create(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600, w, why, sizeof why);
        if (r->out_fd < 0) {
            int err = errno;
            free(r->prog);
            free(r->prog_off);
            free(r);
            if (why[0])
                return stk_errf(e, STEP, "opening %s: %s", path, why);
            return stk_errnof(e, STEP, err, "opening %s", path);
        }
        r->own_out = true;
    }
    stk_report_out_private(r);
    /* the table by number that names the calls, built now rather than at
     * the first report in the supervisor */
    (void)stk_syscall_name_by_nr(stk_native_abi(), 0);
    if (stk_report_split_prepare(s, &r->split, e) < 0) {
        on_cleanup(r);
        return -1;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->sock) < 0) {
        int err = errno;
        on_cleanup(r);
        return stk_errnof(e, STEP, err, "socketpair");
    }
    /* the kernel attaches the sender's pid (translated into our pid
     * namespace) to the listener's message: the exec hand-over's caller */
    int one = 1;
    if (setsockopt(r->sock[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) {
        int err = errno;
        on_cleanup(r);
        return stk_errnof(e, STEP, err, "setsockopt(SO_PASSCRED)");
    }
    if (stk_supervise_on_cleanup(sv, on_cleanup, r, e) < 0) {
        on_cleanup(r);
        return -1;
    }
    /* Landlock's denials, from the audit log: its clean-up runs before ours
     * (the reverse order), so its last lines come before the summary */
    if (stk_report_ll_prepare(r, b, e) < 0)
        return -1; /* the clean-up hook owns r */
    /* the enforcer's end: closed by the supervisor and, in a pid namespace,
     * by the init, which would otherwise hold it for the whole run */
    if (stk_supervise_child_side(&r->sock[1], e) < 0)
        return -1; /* the clean-up hook owns r */
    /* The supervisor reads the strings of a command that may run as another
     * uid (or make itself non-dumpable) through /proc/TID/mem, a file of
     * mode 0600 owned by the command's uid: it keeps CAP_DAC_READ_SEARCH (to
     * open it for reading) and CAP_SYS_PTRACE (the access check) when the
     * caller has them; supervise.c drops the rest. */
    sv->keep_caps |= 1ull << CAP_SYS_PTRACE | 1ull << CAP_DAC_READ_SEARCH;
    /* from here on the clean-up hook owns r (run by the supervisor, or when the fork fails) */
    if (stk_supervise_on_attach(sv, on_attach, r, e) < 0 || stk_supervise_on_poll(sv, r->sock[0], on_socket, r, e) < 0)
        return -1;
    *out = r;
    return 0;
}
