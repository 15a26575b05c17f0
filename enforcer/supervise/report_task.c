/* report_task.c — the --report supervisor's side of one notified call that
 * concerns the calling task (report_task.h): read its name and signal state
 * from /proc, its string arguments from its memory, answer the
 * notification, signal or kill it.  The decision itself is report.c's. */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "supervise/report_task.h"
#include "supervise/task_mem.h"

#define STEP "report"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD_ O_EXCL /* Linux 6.9: a pidfd for one thread */
#else
#define PIDFD_THREAD_ PIDFD_THREAD
#endif

/* ---- what the supervisor knows about the caller --------------------------------- */

static uint64_t hex64(const char *s)
{
    return strtoull(s, NULL, 16);
}

void task_read(pid_t tid, struct task *t)
{
    memset(t, 0, sizeof *t);
    t->tgid = tid;
    snprintf(t->name, sizeof t->name, "?");
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    bool have_name = false, have_tgid = false;
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *v = strchr(line, ':');
        if (!v)
            continue;
        *v++ = '\0';
        while (*v == ' ' || *v == '\t')
            v++;
        if (strcmp(line, "Name") == 0) {
            size_t i = 0;
            for (; v[i] && i + 1 < sizeof t->name; i++)
                t->name[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
            t->name[i] = '\0';
            have_name = true;
        } else if (strcmp(line, "Tgid") == 0) {
            t->tgid = (pid_t)strtol(v, NULL, 10);
            have_tgid = true;
        } else if (strcmp(line, "SigBlk") == 0) {
            t->blocked = hex64(v);
        } else if (strcmp(line, "SigIgn") == 0) {
            t->ignored = hex64(v);
        } else if (strcmp(line, "SigCgt") == 0) {
            t->caught = hex64(v);
        }
    }
    t->ok = have_name && have_tgid && t->tgid > 0;
}

bool task_sigsys_in(uint64_t set)
{
    return (set >> (SIGSYS - 1)) & 1;
}

bool task_id_valid(const struct stk_report *r, uint64_t id)
{
    return ioctl(r->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* Kill the process of the notifying thread with sig (pidfd: the process the
 * still-pending notification belongs to, not a recycled pid). */
static void kill_process(const struct stk_report *r, const struct task *t, uint64_t id, int sig)
{
    long pfd = syscall(SYS_pidfd_open, t->tgid, 0);
    if (pfd >= 0) {
        if (task_id_valid(r, id) && syscall(SYS_pidfd_send_signal, (int)pfd, sig, NULL, 0) < 0)
            stk_warnf(STEP, "signalling pid %d: %s", (int)t->tgid, strerror(errno));
        close((int)pfd);
    } else if (task_id_valid(r, id) && kill(t->tgid, sig) < 0) {
        stk_warnf(STEP, "signalling pid %d: %s", (int)t->tgid, strerror(errno));
    }
}

/* Answer: the call fails with err (> 0), or returns val (err 0), or runs (cont). */
void task_respond_val(const struct stk_report *r, uint64_t id, int err, int64_t val, bool cont)
{
    struct seccomp_notif_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.id = id;
    resp.error = cont ? 0 : -err;
    resp.val = cont || err ? 0 : val;
    resp.flags = cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
    while (ioctl(r->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) {
        if (errno == EINTR)
            continue;
        if (errno != ENOENT) /* ENOENT: the caller is gone (killed) */
            stk_warnf(STEP, "answering a notification: %s", strerror(errno));
        return;
    }
}

void task_respond(const struct stk_report *r, uint64_t id, int err, bool cont)
{
    task_respond_val(r, id, err, 0, cont);
}

void task_trap_signal(const struct task *t, pid_t tid)
{
    if (syscall(SYS_tgkill, t->tgid, tid, SIGSYS) < 0)
        stk_warnf(STEP, "signalling tid %d: %s", (int)tid, strerror(errno));
}

/* A trapped call whose SIGSYS is not handled: SIGSYS, like the kernel's
 * trap (exit status 128+31), when SIGSYS is at its default action; SIGKILL
 * when the process ignores or blocks SIGSYS, or the supervisor could not
 * tell.  Whatever happens to the signal, the call itself never runs.  (The
 * kill actions do not come here: task_kill_first.) */
void task_kill_call(const struct stk_report *r, const struct task *t, uint64_t id, bool alive, char *result,
                    size_t len)
{
    bool sys = t->ok && !task_sigsys_in(t->caught) && !task_sigsys_in(t->ignored) && !task_sigsys_in(t->blocked);
    if (alive)
        kill_process(r, t, id, sys ? SIGSYS : SIGKILL);
    task_respond(r, id, ENOSYS, false);
    snprintf(result, len, "killed by %s", sys ? "SIGSYS" : "SIGKILL");
}

/* The C strings among the call's arguments, read from the caller's memory
 * (for the report only: the decision never depends on memory, which the
 * caller's other threads could change).  Unreadable ones stay numbers. */
void task_read_strings(pid_t tid, const struct seccomp_data *d, char strs[6][2 * STR_MAX], const char *ptrs[6])
{
    unsigned mask = stk_report_string_args(d), len_i = 0;
    int sa = stk_report_sockaddr_arg(d, &len_i);
    for (int i = 0; i < 6; i++)
        ptrs[i] = NULL;
    if (!mask && sa < 0)
        return;
    int fd = stk_task_mem_open(tid);
    if (fd < 0)
        return;
    for (int i = 0; i < 6; i++) {
        if (!(mask & (1u << i)))
            continue;
        char raw[STR_MAX + 2];
        bool complete;
        ssize_t len = stk_task_mem_string(fd, d->args[i], raw, sizeof raw, &complete);
        if (len < 0)
            continue;
        stk_report_quote(strs[i], sizeof strs[i], raw, (size_t)len, STR_MAX, !complete);
        ptrs[i] = strs[i];
    }
    if (sa >= 0) {
        /* the socket address, as many bytes as the call says (the kernel
         * takes at most a sockaddr_storage) */
        int32_t alen = (int32_t)(uint32_t)d->args[len_i];
        unsigned char raw[sizeof(struct sockaddr_storage)];
        size_t want = alen < 0 || (size_t)alen > sizeof raw ? sizeof raw : (size_t)alen;
        if (want == 0 || stk_task_mem_read(fd, d->args[sa], raw, want) == 0) {
            stk_report_format_sockaddr(strs[sa], sizeof strs[sa], raw, want, alen < 0 || (size_t)alen > sizeof raw);
            ptrs[sa] = strs[sa];
        }
    }
    close(fd);
}

/* ---- one notification ---------------------------------------------------------------- */

/* PIDFD_GET_INFO (Linux 6.13; linux/pidfd.h, which Debian 12 lacks): the
 * first version of the structure, of which only the thread group is used. */
struct pidfd_info_v0 {
    uint64_t mask, cgroupid;
    uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid, spare0;
};
#define PIDFD_GET_INFO_ _IOWR(0xFF, 11, struct pidfd_info_v0)
#define PIDFD_INFO_PID_ 1ull

/* kill-process, kill-thread: SIGKILL to the process of the notifying thread
 * tid, first, before anything is read about it (*tgid: its thread group,
 * when the kernel says, for the report).  SIGSYS could be caught: its
 * disposition is read from /proc and another thread (or a process sharing
 * the signal handlers) can install a handler between that read and the
 * delivery.  SIGKILL to one thread ends the whole thread group.  A pidfd
 * pins the task: the notification is checked to be pending after the pidfd
 * was opened, so a pid reused meanwhile is never signalled.  false: the
 * caller was gone. */
bool task_kill_first(const struct stk_report *r, pid_t tid, uint64_t id, pid_t *tgid)
{
    *tgid = 0;
    long pfd = syscall(SYS_pidfd_open, tid, PIDFD_THREAD_);
    if (pfd >= 0) {
        /* which process the thread belongs to, for the report (a thread
         * other than the leader is gone as soon as it is killed) */
        struct pidfd_info_v0 info;
        memset(&info, 0, sizeof info);
        info.mask = PIDFD_INFO_PID_;
        if (ioctl((int)pfd, PIDFD_GET_INFO_, &info) == 0 && (info.mask & PIDFD_INFO_PID_))
            *tgid = (pid_t)info.tgid;
    } else if (errno == EINVAL) {
        /* kernels before 6.9 (no thread pidfds): the thread group's leader */
        struct task t;
        task_read(tid, &t);
        *tgid = t.tgid;
        pfd = syscall(SYS_pidfd_open, t.tgid, 0);
    }
    if (pfd < 0)
        return false; /* ESRCH: gone (a pidfd cannot be had for a live task otherwise) */
    bool alive = task_id_valid(r, id);
    if (alive && syscall(SYS_pidfd_send_signal, (int)pfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
        stk_warnf(STEP, "killing tid %d: %s", (int)tid, strerror(errno));
    close((int)pfd);
    return alive;
}

