/* enforce.c — the enforcer, top to bottom.  Every step either succeeds or
 * stops everything: nothing is executed after a failure (exit 125).  Why each
 * step sits where it does: docs/enforcer.md. */
#include "enforce.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "steps/safe_path.h"
#include "steps/steps.h"
#include "supervise/report.h"

extern char **environ;

static int policy_check(const struct stk_bundle *b, struct stk_err *e)
{
    if (b->nunenforced) {
        char list[512];
        size_t n = 0;
        list[0] = '\0';
        for (size_t i = 0; i < b->nunenforced && n < sizeof list; i++) {
            int w = snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", b->unenforced[i]);
            if (w < 0)
                break;
            n += (size_t)w;
        }
        return stk_errf(e, "policy", "this build does not enforce the policy's %s block%s; refusing to run", list,
                        b->nunenforced > 1 ? "s" : "");
    }
    return 0;
}

/* --report=FILE, opened before the namespaces exist, not through a link the
 * command could have planted: it is who its ids say; in a user namespace
 * its ids on the host are not known yet, so every link counts as its. */
static int report_prepare(const struct stk_bundle *b, bool report, const char *path, const struct stk_ids *ids,
                          uint64_t keep, struct stk_supervisor *sv, struct stk_report **rep, struct stk_err *e)
{
    struct stk_writer w;
    if (stk_safe_writer_of(&w, ids, keep) < 0)
        return stk_errnof(e, "report", errno, "the command's groups");
    if (b->iso.ns & STK_BNS_USER)
        w.privileged = true;
    int r = stk_report_prepare(b, report, path, &w, sv, rep, e);
    stk_safe_writer_free(&w);
    return r;
}

/* Everything the steps build on the way to the exec; run_release gives it
 * all back, whichever step failed. */
struct run {
    uint64_t keep;                     /* capabilities the command ends with */
    uint64_t clone_flags;              /* namespaces the supervisor's clone makes */
    struct stk_ids ids;                /* who the command runs as */
    struct stk_landlock_plan *ll;      /* the policy's Landlock rules, NULL: none */
    struct stk_isolation_plan isolate; /* the domain that keeps it from processes outside (no allocation) */
    struct stk_lsm_plan *lsm;          /* SELinux/AppArmor labels, NULL: none */
    struct stk_report *rep;            /* --report; the supervisor's clean-up hook owns it */
    struct stk_supervisor sv;
    char **envp;
    struct stk_exec x;
    struct stk_handover *ho;
    int xdir;    /* exec_name.c's directory until the exec takes it */
    bool sealed; /* the seccomp step began: no system call but the exec from here on */
};

static void run_init(struct run *r)
{
    memset(r, 0, sizeof *r);
    r->x.fd = r->x.dir = r->xdir = -1;
    stk_supervise_init(&r->sv);
}

static void run_release(struct run *r, char *const *caller_env)
{
    if (r->sealed)
        return; /* free() may trim the heap (brk) under the filter: the exit releases it all */
    stk_exec_free(&r->x);
    if (r->xdir >= 0)
        close(r->xdir);
    stk_env_free(r->envp, caller_env);
    /* before the fork: undo what the prepare steps made (cgroup leaf, sVirt
     * reservation, reporter); in the forked child: only its own descriptor */
    stk_supervise_abandon(&r->sv);
    stk_lsm_plan_free(r->lsm); /* after the hooks, which read it */
    stk_landlock_plan_free(r->ll);
    stk_identity_free(&r->ids);
}

/* The steps, in order; returns only on failure (e filled).  Each line is one
 * step of docs/enforcer.md; any failure goes to the one exit below. */
static int enforce(const struct stk_bundle *b, char *const argv[], char *const *caller_env, bool report,
                   const char *report_path, struct stk_learn *learn, struct stk_err *e)
{
    struct run r;
    run_init(&r);
    bool via_fd = b->seccomp.present && (b->seccomp.flags & STK_SECCOMP_EXEC_RESTRICTED);

    /* 1. plan: capabilities the command ends with; refuse what cannot be enforced */
    if (stk_caps_plan(b, &r.keep, e) < 0 || policy_check(b, e) < 0)
        goto out;
    /* 2. inherited descriptors, before the enforcer opens anything of its own */
    if (stk_fds_close(b, e) < 0)
        goto out;
    /* 3. names -> ids, and the Landlock ABI, while nothing has changed yet;
     *    whether a Landlock domain keeps the command from processes outside */
    if (stk_identity_resolve(b, &r.ids, e) < 0 || stk_landlock_plan(b, &r.ll, e) < 0 ||
        stk_ptrace_isolation_plan(b, r.keep, r.ll != NULL, &r.isolate, e) < 0)
        goto out;
    /* 4. what needs the host's view and privileges: the sVirt level, the
     *    cgroup leaf and its limits, the violation reporter */
    if (stk_lsm_prepare(b, &r.sv, &r.lsm, e) < 0 || stk_cgroup_prepare(b, &r.sv, e) < 0 ||
        report_prepare(b, report, report_path, &r.ids, r.keep, &r.sv, &r.rep, e) < 0)
        goto out;
    if (learn && !r.rep) {
        stk_errf(e, "learn", "learning needs the policy's seccomp filter and its listener");
        goto out;
    }
    if (r.rep)
        r.rep->learn = learn; /* `stockade learn`: the reporter records instead */
    /* 5. namespaces: fork under a supervisor (clone3 with the namespace flags,
     *    into the cgroup) when a step needs one; otherwise stay in place
     *    (stk_ns_enter unshares them) */
    if (stk_ns_plan(b, &r.sv, &r.clone_flags, e) < 0)
        goto out;
    if (!r.sv.wanted)
        r.clone_flags = 0;
    else if (stk_supervise_fork(&r.sv, r.clone_flags, e) < 0)
        goto out;
    if (stk_ns_enter(b, r.clone_flags, e) < 0 || stk_ns_adjust_ids(b, &r.ids, e) < 0)
        goto out;
    /* 6. the filesystem view, while we still hold CAP_SYS_ADMIN */
    if (stk_view_apply(b, stk_lsm_file_context(r.lsm), &r.ids, r.keep, e) < 0)
        goto out;
    /* 7. resource limits */
    if (stk_rlimits_apply(b, e) < 0)
        goto out;
    /* 8. environment and umask */
    if (stk_env_build(b, caller_env, &r.envp, e) < 0)
        goto out;
    stk_env_umask_apply(b);
    if (via_fd && stk_exec_name_needed(argv[0], r.envp)) /* the name an exec by descriptor gets (exec_name.c) */
        r.xdir = stk_exec_name_prepare(&r.ids);
    /* 9. supplementary groups, gid, uid; then a session keyring of the new user */
    if (stk_identity_apply(&r.ids, e) < 0 || stk_keyring_apply(e) < 0)
        goto out;
    /* 10. capability sets: bounding, permitted, effective, inheritable, ambient */
    if (stk_caps_apply(r.keep, b->no_new_privs, e) < 0)
        goto out;
    /* 11. working directory, as the target user, in the new filesystem view */
    if (stk_env_workdir_apply(b, e) < 0)
        goto out;
    /* 12. the executable, looked up and opened as the target user */
    if (stk_exec_locate(argv, r.envp, via_fd, &r.x, e) < 0)
        goto out;
    stk_exec_name_link(&r.x, r.xdir);
    r.xdir = -1;
    /* 13. LSM exec labels (SELinux/AppArmor), taking effect at the exec */
    if (stk_lsm_apply(r.lsm, e) < 0)
        goto out;
    /* 14. no_new_privs */
    if (stk_seccomp_nnp_apply(b, e) < 0)
        goto out;
    /* 15. Landlock: the policy's rules, or the domain that only isolates */
    if (stk_landlock_apply(r.ll, stk_report_logs_landlock(r.rep), e) < 0 || stk_ptrace_isolation_apply(&r.isolate, r.sv.wanted, e) < 0)
        goto out;
    /* 16. seccomp, last (with the reporter's listener under --report; with
     *     the exec hand-over's listener when the policy denies execveat) */
    r.sealed = true;
    if (stk_seccomp_install(b, via_fd ? stk_exec_handover_fd(&r.x) : -1, r.rep, &r.ho, e) < 0)
        goto out;
    /* 17. exec: returns only on failure */
    stk_exec_run(&r.x, r.envp, r.ho, e);
out:
    run_release(&r, caller_env);
    return -1;
}

int stk_enforce(const struct stk_bundle *b, char *const argv[], const struct stk_enforce_opts *opts)
{
    if (opts && opts->dry_run) {
        stk_bundle_print(b, argv, opts->out ? opts->out : stdout);
        return 0;
    }
    struct stk_err e = {0};
    char *const *env = opts && opts->envp ? opts->envp : environ;
    enforce(b, argv, env, opts && opts->report, opts ? opts->report_path : NULL, opts ? opts->learn : NULL, &e);
    stk_err_report(&e, stderr);
    return e.status ? e.status : STK_EXIT_FAILURE;
}
