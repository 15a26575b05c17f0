/* supervise.c — fork once and stay as the command's supervisor (supervise.h).
 * The parent is deliberately small: it blocks the signals it forwards, reads
 * them from a signalfd, reaps, serves the poll hooks, and exits with the
 * child's status after the clean-up hooks ran; the child itself is reaped
 * last, so that its pid stays its own until then. */
#include "supervise/supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h> /* struct clone_args, CLONE_INTO_CGROUP */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define STEP "supervise"

/* Signals the supervisor passes on to the command.  Signals a terminal sends
 * to the whole foreground process group reach the command directly and are
 * not forwarded again (si_code SI_KERNEL). */
static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGALRM};

void stk_supervise_init(struct stk_supervisor *sv)
{
    memset(sv, 0, sizeof *sv);
    sv->cgroup_fd = -1;
    sv->role = "supervisor";
    sv->child = -1;
}

int stk_supervise_on_attach(struct stk_supervisor *sv, stk_sv_attach_fn *fn, void *arg, struct stk_err *e)
{
    if (sv->nattach == STK_SV_MAX_HOOKS)
        return stk_errf(e, STEP, "too many attach hooks");
    sv->attach[sv->nattach].fn = fn;
    sv->attach[sv->nattach++].arg = arg;
    sv->wanted = true;
    return 0;
}

int stk_supervise_on_cleanup(struct stk_supervisor *sv, stk_sv_cleanup_fn *fn, void *arg, struct stk_err *e)
{
    if (sv->ncleanup == STK_SV_MAX_HOOKS)
        return stk_errf(e, STEP, "too many clean-up hooks");
    sv->cleanup[sv->ncleanup].fn = fn;
    sv->cleanup[sv->ncleanup++].arg = arg;
    sv->wanted = true;
    return 0;
}

static int *child_side[STK_SV_MAX_HOOKS];
static size_t nchild_side;

int stk_supervise_child_side(int *fd, struct stk_err *e)
{
    if (nchild_side == STK_SV_MAX_HOOKS)
        return stk_errf(e, STEP, "too many child-side descriptors");
    child_side[nchild_side++] = fd;
    return 0;
}

int stk_supervise_on_poll(struct stk_supervisor *sv, int fd, stk_sv_poll_fn *fn, void *arg, struct stk_err *e)
{
    if (sv->npoll == STK_SV_MAX_HOOKS)
        return stk_errf(e, STEP, "too many poll hooks");
    sv->poll[sv->npoll].fd = fd;
    sv->poll[sv->npoll].fn = fn;
    sv->poll[sv->npoll++].arg = arg;
    sv->wanted = true;
    return 0;
}

int stk_supervise_exit_status(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return STK_EXIT_FAILURE;
}

static void run_cleanups(struct stk_supervisor *sv)
{
    for (size_t i = sv->ncleanup; i-- > 0;)
        sv->cleanup[i].fn(sv->cleanup[i].arg);
    sv->ncleanup = 0;
}

void stk_supervise_abandon(struct stk_supervisor *sv)
{
    run_cleanups(sv);
    if (sv->cgroup_fd >= 0) {
        close(sv->cgroup_fd);
        sv->cgroup_fd = -1;
    }
}

static pid_t do_clone(const struct stk_supervisor *sv, uint64_t flags, struct stk_err *e)
{
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = flags;
    ca.exit_signal = SIGCHLD;
    if (sv->cgroup_fd >= 0) {
        ca.flags |= CLONE_INTO_CGROUP;
        ca.cgroup = (uint64_t)sv->cgroup_fd;
    }
    long r = syscall(SYS_clone3, &ca, sizeof ca);
    if (r >= 0)
        return (pid_t)r;
    if ((errno == ENOSYS || errno == E2BIG) && sv->cgroup_fd < 0) {
        /* kernels before 5.3: clone(2) with the same namespace flags */
        r = syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0UL, 0UL, 0UL, 0UL);
        if (r >= 0)
            return (pid_t)r;
    }
    int err = errno;
    stk_errnof(e, STEP, err, "clone3(flags 0x%llx%s)", (unsigned long long)flags,
               sv->cgroup_fd >= 0 ? ", into the command's cgroup" : "");
    return -1;
}

/* The parent, once the attach hooks are done (they may need the caller's
 * privileges: the maps of a user namespace, cgroup v1 attach): from now on
 * it reads what the command sends or leaves in /proc, so it must not be a
 * way in.  Non-dumpable: a process of the same uid without CAP_SYS_PTRACE
 * can no longer open its /proc/PID/mem, fd/, environ... (the command's
 * Landlock domain, when it has one, refuses that in any case).  And it keeps
 * only the capabilities its hooks need: CAP_KILL (to signal a command that
 * runs as another uid: forwarding, cgroup clean-up, --report kills) and
 * keep_caps; the clean-up hooks work on files the caller's own uid owns (the
 * cgroup leaf it created, its sVirt reservation), which needs none.  The
 * rest of the lock-down (bounding set, securebits, no_new_privs, a filter
 * refusing exec): supervise_lockdown.c. */
static int drop_privileges(const struct stk_supervisor *sv, struct stk_err *e)
{
    return stk_supervise_lockdown(sv->keep_caps | 1ull << CAP_KILL, sv->role, e);
}

void stk_supervise_release(struct stk_supervisor *sv)
{
    if (sv->child <= 0 || sv->reaped)
        return;
    while (waitpid(sv->child, NULL, 0) < 0 && errno == EINTR)
        ;
    sv->reaped = true;
}

/* The wait status of an exit that waitid reported. */
static int wait_status_of(const siginfo_t *si)
{
    if (si->si_code == CLD_EXITED)
        return (si->si_status & 0xff) << 8;
    return (si->si_status & 0x7f) | (si->si_code == CLD_DUMPED ? 0x80 : 0);
}

/* On SIGCHLD: reap every child that has ended but the command, whose end
 * only sets *status (true).  The command stays a zombie until the
 * supervisor is done (the last reports drained, the clean-ups run): its pid
 * cannot be handed to another process meanwhile, and the Landlock report
 * knows the command's domain by its creator's pid (report_landlock.c).  As
 * the init of a pid namespace, orphans are ours: each is reaped by its own
 * pid once a look without reaping (WNOWAIT) has named it. */
static bool reap(struct stk_supervisor *sv, int *status)
{
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
            if (errno == EINTR)
                continue;
            return false; /* ECHILD */
        }
        pid_t p = si.si_pid;
        if (p == 0)
            return false; /* no child has ended */
        if (si.si_code == CLD_TRAPPED || si.si_code == CLD_STOPPED) {
            /* Only a tracee's stops reach a wait without WSTOPPED: the
             * process made us its tracer (PTRACE_TRACEME).  Taking the stop
             * for an exit would end the supervision early (report,
             * clean-ups) with the command still running; we cannot resume
             * it (no ptrace here): kill it.  The stop is taken off the
             * queue (WSTOPPED alone never reaps an exit). */
            stk_warnf(STEP, "pid %d made the supervisor its tracer (PTRACE_TRACEME); killing it", (int)p);
            kill(p, SIGKILL);
            siginfo_t stop;
            while (waitid(P_PID, (id_t)p, &stop, WSTOPPED | WNOHANG) < 0 && errno == EINTR)
                ;
            continue;
        }
        if (p == sv->child) {
            *status = stk_supervise_exit_status(wait_status_of(&si));
            return true; /* held: reaped by supervise() at the very end */
        }
        while (waitpid(p, NULL, WNOHANG) < 0 && errno == EINTR)
            ;
    }
}

/* The parent's loop; never returns. */
static _Noreturn void supervise(struct stk_supervisor *sv, int sfd)
{
    int status = STK_EXIT_FAILURE;
    bool done = false;
    while (!done) {
        struct pollfd pfd[1 + STK_SV_MAX_HOOKS];
        size_t n = 0;
        pfd[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
        for (size_t i = 0; i < sv->npoll; i++)
            pfd[n++] = (struct pollfd){.fd = sv->poll[i].fd, .events = POLLIN};
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            stk_warnf(STEP, "poll: %s", strerror(errno));
            continue; /* keep reaping: the child is still running */
        }
        /* poll hooks first, so that the last reports come out before the exit */
        size_t nhooks = sv->npoll;
        for (size_t i = nhooks; i-- > 0;) {
            if (!(pfd[1 + i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
                continue;
            if (sv->poll[i].fn(sv->poll[i].fd, sv->poll[i].arg) == 1) {
                memmove(&sv->poll[i], &sv->poll[i + 1], (sv->npoll - i - 1) * sizeof sv->poll[0]);
                sv->npoll--;
            }
        }
        if (!(pfd[0].revents & POLLIN))
            continue;
        struct signalfd_siginfo si;
        ssize_t r = read(sfd, &si, sizeof si);
        if (r != (ssize_t)sizeof si)
            continue;
        if (si.ssi_signo == SIGCHLD) {
            if (reap(sv, &status))
                done = true;
        } else if (si.ssi_code != SI_KERNEL) {
            kill(sv->child, (int)si.ssi_signo);
        }
    }
    /* drain what the poll hooks still have (the last violation reports) */
    for (size_t i = sv->npoll; i-- > 0;) {
        struct pollfd p = {.fd = sv->poll[i].fd, .events = POLLIN};
        while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN))
            if (sv->poll[i].fn(sv->poll[i].fd, sv->poll[i].arg) == 1)
                break;
    }
    run_cleanups(sv);
    stk_supervise_release(sv); /* only now may the command's pid go back to the kernel */
    fflush(NULL);
    _exit(status);
}

int stk_supervise_fork(struct stk_supervisor *sv, uint64_t clone_flags, struct stk_err *e)
{
    sigset_t set, orig;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
        sigaddset(&set, forwarded[i]);
    if (sigprocmask(SIG_BLOCK, &set, &orig) < 0) {
        stk_errnof(e, STEP, errno, "sigprocmask");
        goto fail_cleanup;
    }
    int sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd < 0) {
        stk_errnof(e, STEP, errno, "signalfd");
        goto fail_mask;
    }
    int sync[2];
    if (pipe2(sync, O_CLOEXEC) < 0) {
        stk_errnof(e, STEP, errno, "pipe");
        close(sfd);
        goto fail_mask;
    }
    fflush(NULL); /* no buffered output written twice */
    pid_t parent = getpid();
    pid_t pid = do_clone(sv, clone_flags, e);
    if (pid < 0) {
        close(sync[0]);
        close(sync[1]);
        close(sfd);
        goto fail_mask;
    }
    if (pid == 0) {
        /* child: wait until the parent has attached us (cgroups, ...) */
        close(sfd);
        close(sync[1]);
        for (size_t i = 0; i < sv->npoll; i++)
            close(sv->poll[i].fd); /* the parent's ends */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
            _exit(STK_EXIT_FAILURE);
        char go = 0;
        ssize_t r;
        while ((r = read(sync[0], &go, 1)) < 0 && errno == EINTR)
            ;
        close(sync[0]);
        if (r != 1 || go != 'g')
            _exit(STK_EXIT_FAILURE); /* the parent failed and said why */
        (void)parent;
        /* the parent's business, forgotten before anything can fail: a
         * failing child must never run the parent's clean-ups */
        sv->ncleanup = 0;
        sv->npoll = 0;
        sv->nattach = 0;
        sv->child = -1;
        if (sigprocmask(SIG_SETMASK, &orig, NULL) < 0)
            return stk_errnof(e, STEP, errno, "sigprocmask");
        return 0;
    }
    /* parent */
    sv->child = pid;
    close(sync[0]);
    for (size_t i = 0; i < nchild_side; i++)
        if (*child_side[i] >= 0) {
            close(*child_side[i]);
            *child_side[i] = -1;
        }
    for (size_t i = 0; i <= sv->nattach; i++) {
        int r = i < sv->nattach ? sv->attach[i].fn(pid, sv->attach[i].arg, e) : drop_privileges(sv, e);
        if (r < 0) {
            close(sync[1]);
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            sv->reaped = true;
            run_cleanups(sv);
            stk_err_report(e, stderr);
            fflush(NULL);
            _exit(STK_EXIT_FAILURE);
        }
    }
    ssize_t w;
    while ((w = write(sync[1], "g", 1)) < 0 && errno == EINTR)
        ;
    close(sync[1]);
    (void)w; /* if the child is gone already, SIGCHLD tells the loop */
    supervise(sv, sfd);

fail_mask:
    sigprocmask(SIG_SETMASK, &orig, NULL);
fail_cleanup:
    run_cleanups(sv);
    return -1;
}
