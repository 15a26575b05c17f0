/* steps.h — the enforcer's steps, one file per kernel subsystem.  Each returns
 * 0, or -1 with e filled; enforce.c calls them in order (docs/enforcer.md). */
#ifndef STK_STEPS_H
#define STK_STEPS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bundle/bundle.h"
#include "err.h"
#include "supervise/supervise.h"

/* identity.c */
struct stk_ids {
    bool set_uid, set_gid, set_groups;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    size_t ngroups;
};
/* Looked up in /etc/passwd and /etc/group, then (for what they lack) through
 * the host's getent (identity_getent.c).  stk_identity_name: the name of a
 * uid or gid (`stockade learn`); 0 found, 1 none, -1 with e filled (a name
 * longer than cap - 1 bytes is an error, never cut to another name). */
int stk_identity_name(bool group, uint32_t id, char *name, size_t cap, struct stk_err *e);
int stk_identity_resolve(const struct stk_bundle *b, struct stk_ids *ids, struct stk_err *e);
int stk_identity_apply(const struct stk_ids *ids, struct stk_err *e);
void stk_identity_free(struct stk_ids *ids);
/* the ids a tmpfs is given (`tmpfs PATH owner U group G`; NULL: not given);
 * what names the entry in the messages */
int stk_identity_owner(const char *user, const char *group, uid_t *uid, gid_t *gid, const char *what,
                       struct stk_err *e);

/* identity_getent.c: one passwd or group entry from the program prog (the
 * host's: stk_identity_getent_host; tests give another), killed after
 * timeout_ms.  By name, or by id (by_id).  0 found (ent filled), 1 no such
 * entry, -1 any other outcome (e filled: the enforcer fails closed). */
struct stk_identity_getent {
    const char *prog;
    int timeout_ms;
};
extern const struct stk_identity_getent stk_identity_getent_host;
struct stk_identity_entry {
    char name[STK_BUNDLE_MAX_NAME + 1];
    uint32_t id, gid; /* gid: a user's primary group */
};
int stk_identity_getent(const struct stk_identity_getent *g, bool group, const char *name, bool by_id,
                        uint32_t id, struct stk_identity_entry *ent, struct stk_err *e);

/* keyring.c: replace the caller's session keyring (which the command would
 * otherwise still possess after the uid change) with a new empty one owned
 * by the command's user; after stk_identity_apply. */
int stk_keyring_apply(struct stk_err *e);

/* caps.c: keep is the set the command ends with; computed before the identity changes. */
int stk_caps_plan(const struct stk_bundle *b, uint64_t *keep, struct stk_err *e);
/* The capabilities the caller holds (its permitted set), as a mask. */
int stk_caps_held(uint64_t *prm, struct stk_err *e);
int stk_caps_apply(uint64_t keep, bool no_new_privs, struct stk_err *e);

/* rlimits.c */
int stk_rlimits_apply(const struct stk_bundle *b, struct stk_err *e);

/* env.c: envp holds caller's strings and its own; free releases its own only. */
int stk_env_build(const struct stk_bundle *b, char *const *caller, char ***envp, struct stk_err *e);
void stk_env_free(char **envp, char *const *caller);
const char *stk_env_get(char *const *envp, const char *name);
void stk_env_umask_apply(const struct stk_bundle *b);
int stk_env_workdir_apply(const struct stk_bundle *b, struct stk_err *e);

/* fds.c */
int stk_fds_close(const struct stk_bundle *b, struct stk_err *e);

/* exec.c */
#define STK_EXEC_MAX_INTERP 4 /* #! interpreters followed, at most */
#define STK_EXEC_MAX_OWNED 16 /* the path, and argv + interpreter + its argument per #! */
struct stk_exec {
    char *path;   /* the file executed: the command, or the interpreter of a script */
    int fd;       /* open on path, O_CLOEXEC */
    char **argv;  /* argv passed (rewritten for a #! script when exec'ing by descriptor) */
    bool via_fd;  /* execveat(fd, "", AT_EMPTY_PATH): the policy restricts execve or execveat */
    const char *name; /* the last component of the command's path as located (a script's, not its interpreter's) */
    int dir;      /* exec_name.c: a private directory holding name -> /proc/self/fd/fd, or -1 */
    void *owned[STK_EXEC_MAX_OWNED]; /* what stk_exec_free releases */
    size_t nowned;
};
struct stk_handover;
/* x is zeroed first (fd -1); stk_exec_free releases it whether or not this succeeded. */
int stk_exec_locate(char *const argv[], char *const envp[], bool via_fd, struct stk_exec *x, struct stk_err *e);
void stk_exec_free(struct stk_exec *x);
/* exec_name.c: a private directory for the command's name (before the
 * identity changes; -1 when it cannot be made), then the link in it (as the
 * command's user, after stk_exec_locate; dir is x's or closed), and the
 * descriptor the exec goes through (the hand-over's dirfd) */
bool stk_exec_name_needed(const char *cmd, char *const envp[]);
int stk_exec_name_prepare(const struct stk_ids *ids);
void stk_exec_name_link(struct stk_exec *x, int dir);
int stk_exec_handover_fd(const struct stk_exec *x);
/* returns only on failure; ho: the exec hand-over in progress (NULL: none) */
int stk_exec_run(struct stk_exec *x, char *const envp[], struct stk_handover *ho, struct stk_err *e);

/* seccomp.c: report is the violation reporter set up by stk_report_prepare
 * (NULL: none); with one, the filter is installed with a user-notification
 * listener that goes to the supervisor.  Without one, when the program has
 * the exec hand-over rule, the filter is installed with a listener that a
 * helper thread holds for the enforcer's own exec (handover.c): *ho. */
struct stk_report;
int stk_seccomp_nnp_apply(const struct stk_bundle *b, struct stk_err *e);
int stk_seccomp_install(const struct stk_bundle *b, int exec_fd, struct stk_report *report,
                        struct stk_handover **ho, struct stk_err *e);

/* handover.c: the enforcer's own exec through the hand-over rule (the rule
 * notifies; a helper thread without the filter lets the enforcer's first
 * notification through and closes the listener).  start: before the install
 * (creates the thread); arm: right after it, with the listener (no system
 * call); failed: after a failed exec, the helper's error if the hand-over
 * itself failed (0 otherwise). */
struct stk_handover *stk_handover_start(int exec_fd, uint32_t arch, struct stk_err *e);
void stk_handover_arm(struct stk_handover *h, int listener);
/* A hand-over thread (this one's and --report's, report_child.c): a small
 * stack (it answers or sends one message), detached or not.  0 or an errno. */
int stk_handover_thread(pthread_t *t, void *(*fn)(void *), void *arg, bool detached);
void stk_handover_cancel(struct stk_handover *h);
int stk_handover_failed(struct stk_handover *h);

/* report.c: `--report`: every syscall the policy blocks or logs is reported
 * by name with the action taken, by the supervisor (docs/enforcer.md).
 * prepare runs in the enforcer before the fork, opens path (NULL: reports go
 * to stderr; not through a link w, the command, could have planted:
 * safe_path.h) and registers the supervisor's hooks; *out is NULL when not
 * reporting (or the policy has no seccomp filter). */
struct stk_writer;
int stk_report_prepare(const struct stk_bundle *b, bool report, const char *path, const struct stk_writer *w,
                       struct stk_supervisor *sv, struct stk_report **out, struct stk_err *e);
/* Does the reporter read Landlock's denials from the audit log (then the
 * enforcer's domain must log them: stk_landlock_apply)?  false for NULL. */
bool stk_report_logs_landlock(const struct stk_report *r);

/* ---- isolation --------------------------------------------------------------
 * ns.c: namespaces, uid/gid maps, hostname.  plan (before the fork) chooses
 * the clone flags and asks for the supervisor where a pid namespace needs it;
 * enter (in the process that goes on to exec; no-op for the flags the clone
 * already applied) unshares what is left, writes the uid/gid maps, becomes
 * or starts the pid namespace's init, sets the hostname and brings up lo. */
int stk_ns_plan(const struct stk_bundle *b, struct stk_supervisor *sv, uint64_t *clone_flags, struct stk_err *e);
int stk_ns_enter(const struct stk_bundle *b, uint64_t cloned, struct stk_err *e);
/* After stk_ns_enter, in a user namespace: the policy's ids must be mapped;
 * where setgroups is denied (a map the caller wrote for itself) an empty
 * supplementary list is left as the kernel keeps it, a non-empty one is an error. */
int stk_ns_adjust_ids(const struct stk_bundle *b, struct stk_ids *ids, struct stk_err *e);
/* view.c: the filesystem view (private propagation, binds, tmpfs, proc, dev,
 * read-only remounts, masks, pivot_root). */
/* file_context: the SELinux label for the tmpfs mounts the view makes
 * (stk_lsm_file_context), NULL without one.  ids and keep: who the command
 * will be (the identity and capability steps come later), so that the host
 * paths the policy names are not resolved through links it could have
 * planted (safe_path.h). */
int stk_view_apply(const struct stk_bundle *b, const char *file_context, const struct stk_ids *ids, uint64_t keep,
                    struct stk_err *e);
/* landlock.c: plan before anything changes (ABI detection, best-effort
 * drops reported on stderr); apply after no_new_privs, before seccomp. */
struct stk_landlock_plan;
int stk_landlock_plan(const struct stk_bundle *b, struct stk_landlock_plan **out, struct stk_err *e);
/* log: have the kernel log the command's denials to the audit subsystem
 * (--report; Landlock ABI STK_LL_ABI_LOG and later, ignored before). */
#define STK_LL_ABI_LOG 7
int stk_landlock_apply(struct stk_landlock_plan *p, bool log, struct stk_err *e);
void stk_landlock_plan_free(struct stk_landlock_plan *p);
/* ptrace_isolation.c: keep the command from ptrace-mode access (/proc/PID/mem,
 * ptrace, process_vm_*) to processes outside its sandbox with a Landlock
 * domain that restricts nothing else, when the policy's own landlock block
 * does not make one (landlocked) and no pid namespace hides the outside.
 * plan with the other plans (keep: the command's capabilities), warns on
 * stderr when it cannot; apply right after stk_landlock_apply. */
struct stk_isolation_plan {
    bool refer;            /* the domain that only isolates (no landlock block of the policy's) */
    bool refer_if_other_proc; /* pid namespace with its own /proc: only if the view shows another procfs */
    bool can_scope_signal; /* Landlock ABI 6: signals to processes outside can be refused too */
};
int stk_ptrace_isolation_plan(const struct stk_bundle *b, uint64_t keep, bool landlocked,
                              struct stk_isolation_plan *plan, struct stk_err *e);
/* supervised: the command has a supervisor (or an init) outside its domain,
 * which it must not be able to signal (SIGKILL would skip the clean-ups and,
 * under --report, close the listener): LANDLOCK_SCOPE_SIGNAL when it can. */
int stk_ptrace_isolation_apply(const struct stk_isolation_plan *plan, bool supervised, struct stk_err *e);
/* cgroup.c: create the leaf and write the limits (v2, else v1) before the
 * fork; registers the supervisor's attach (v1) and clean-up (rmdir) hooks or
 * sets sv->cgroup_fd (v2, CLONE_INTO_CGROUP). */
int stk_cgroup_prepare(const struct stk_bundle *b, struct stk_supervisor *sv, struct stk_err *e);

/* ---- LSM labels ---------------------------------------------------------------
 * lsm.c: prepare (before the fork: check the LSM runs, allocate the sVirt
 * level and register its release) and apply (setexeccon / aa_change_onexec,
 * right before no_new_privs and seccomp). */
struct stk_lsm_plan;
int stk_lsm_prepare(const struct stk_bundle *b, struct stk_supervisor *sv, struct stk_lsm_plan **out,
                    struct stk_err *e);
int stk_lsm_apply(struct stk_lsm_plan *p, struct stk_err *e);
/* After stk_supervise_abandon (its release hook reads p) or in the forked
 * child (the supervisor keeps the reservation): frees p only. */
void stk_lsm_plan_free(struct stk_lsm_plan *p);
/* The mount option that labels the instance's private mounts (tmpfs) with the
 * policy's file type at the instance's level, e.g.
 * `context="system_u:object_r:stockade_web_file_t:s0:c4,c87"` (quoted: the
 * level has commas); "" without an SELinux label (p NULL, no selinux block,
 * or SELinux optional and not running).  0, or -1 if n is too small.
 * view.c appends it (after a ',') to the options of every tmpfs it mounts. */
int stk_lsm_mount_context(const struct stk_lsm_plan *p, char *buf, size_t n);
/* The file label of the instance (user:object_r:filetype:level), NULL without SELinux. */
const char *stk_lsm_file_context(const struct stk_lsm_plan *p);

#endif
