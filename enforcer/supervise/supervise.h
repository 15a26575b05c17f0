/* supervise.h — the enforcer's optional supervising parent.  Some steps need
 * a process that outlives the command: a pid namespace (someone must create
 * it with clone), cgroup clean-up after the command exits, violation
 * reporting (the seccomp listener), releasing an sVirt level.  Those steps
 * register hooks here; enforce.c then forks once with stk_supervise_fork().
 * The parent forwards signals, reaps, runs the clean-ups and exits with the
 * command's status (128+N if it died of signal N); the command is reaped
 * after the clean-ups (stk_supervise_release).  Without any of those
 * needs the enforcer execs in place and never forks. */
#ifndef STK_SUPERVISE_H
#define STK_SUPERVISE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define STK_SV_MAX_HOOKS 8

/* Parent side, after the fork and before the child goes on (e.g. put the
 * child into a cgroup v1 hierarchy).  A failure kills the child: exit 125. */
typedef int stk_sv_attach_fn(pid_t child, void *arg, struct stk_err *e);
/* Parent side, once the child has exited or was killed (e.g. rmdir the cgroup
 * leaf).  Also run when the fork or an attach hook fails.  Must not fail
 * silently: print "stockade: STEP: REASON" to stderr itself when it fails. */
typedef void stk_sv_cleanup_fn(void *arg);
/* Parent side, when fd is readable (or hung up).  May add further poll hooks.
 * Return 0 to keep watching fd, 1 to stop watching it (the hook closed it). */
typedef int stk_sv_poll_fn(int fd, void *arg);

struct stk_supervisor {
    bool wanted;      /* a step needs the supervising parent */
    int cgroup_fd;    /* >= 0: start the child in this cgroup v2 directory (CLONE_INTO_CGROUP); -1 none */
    const char *role; /* for messages: "supervisor", "init" */
    /* Capabilities the parent keeps once the attach hooks have run, besides
     * CAP_KILL (signals to a command of another uid): the hooks that need
     * more after the fork add theirs (e.g. the reporter: CAP_SYS_PTRACE). */
    uint64_t keep_caps;

    struct { stk_sv_attach_fn *fn; void *arg; } attach[STK_SV_MAX_HOOKS];
    size_t nattach;
    struct { stk_sv_cleanup_fn *fn; void *arg; } cleanup[STK_SV_MAX_HOOKS];
    size_t ncleanup;
    struct { int fd; stk_sv_poll_fn *fn; void *arg; } poll[STK_SV_MAX_HOOKS];
    size_t npoll;

    /* private to supervise.c */
    pid_t child;
    bool reaped; /* the command's zombie is gone (stk_supervise_release) */
};

/* An empty supervisor (nothing wanted, cgroup_fd -1). */
void stk_supervise_init(struct stk_supervisor *sv);
/* Register hooks (and mark the supervisor wanted); -1 with e if full. */
int stk_supervise_on_attach(struct stk_supervisor *sv, stk_sv_attach_fn *fn, void *arg, struct stk_err *e);
int stk_supervise_on_cleanup(struct stk_supervisor *sv, stk_sv_cleanup_fn *fn, void *arg, struct stk_err *e);
int stk_supervise_on_poll(struct stk_supervisor *sv, int fd, stk_sv_poll_fn *fn, void *arg, struct stk_err *e);

/* *fd belongs to the command's side: the parent of every later
 * stk_supervise_fork — the supervisor, and a pid namespace's init that the
 * child forks in turn — closes it right after the fork and sets it to -1;
 * the child keeps it.  (Process-wide; at most STK_SV_MAX_HOOKS.) */
int stk_supervise_child_side(int *fd, struct stk_err *e);

/* Fork (clone3 with clone_flags, e.g. CLONE_NEWUSER | CLONE_NEWPID, plus
 * CLONE_INTO_CGROUP when sv->cgroup_fd >= 0).  Returns 0 in the child, once
 * the parent's attach hooks have succeeded and the parent has made itself
 * non-dumpable and dropped every capability but CAP_KILL and keep_caps; the child has the caller's
 * signal mask and dies with SIGKILL if the parent dies.  The parent never
 * returns: it supervises and exits with the child's status.  Returns -1 with
 * e (in the caller, nothing forked) if the clone fails; the clean-up hooks
 * have then been run. */
int stk_supervise_fork(struct stk_supervisor *sv, uint64_t clone_flags, struct stk_err *e);

/* A step failed before the fork: run the clean-up hooks now (e.g. remove
 * the cgroup leaf already made) and close cgroup_fd.  No-op in the child
 * and when nothing was registered. */
void stk_supervise_abandon(struct stk_supervisor *sv);

/* The command has ended, and its pid is held (a zombie, not reaped) while
 * the poll hooks are drained and the clean-up hooks run, so that no other
 * process can get its pid meanwhile.  A clean-up hook that needs the
 * command's last reference gone (the kernel logs a Landlock domain's end
 * only once its tasks are freed) releases it with this, once it no longer
 * trusts the pid; no-op when already released or there is no command. */
void stk_supervise_release(struct stk_supervisor *sv);

/* Exit status for a wait status: the code, or 128+N for signal N. */
int stk_supervise_exit_status(int wstatus);

/* supervise_lockdown.c: the supervisor (or init) keeps keep_caps (of its
 * permitted set) and nothing else, cannot regain privileges by an execve,
 * cannot execve at all, and is non-dumpable.  role: "supervisor", "init". */
int stk_supervise_lockdown(uint64_t keep_caps, const char *role, struct stk_err *e);

#endif
