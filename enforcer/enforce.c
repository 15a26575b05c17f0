/* enforce.c — the enforcer, top to bottom.  Every step either succeeds or
 * stops everything: nothing is executed after a failure (exit 125).  Why each
 * step sits where it does: docs/enforcer.md. */
#include "enforce.h"

#include <linux/capability.h>
#include <stdlib.h>
#include <unistd.h>

#include "steps.h"

extern char **environ;

static int policy_check(const struct stk_bundle *b, uint64_t keep, bool via_fd, struct stk_err *e)
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
    /* CAP_SYS_RESOURCE could raise RLIMIT_NOFILE again and put a descriptor
     * at the exec descriptor's number: the exec restriction would not hold. */
    if (via_fd && (keep >> CAP_SYS_RESOURCE) & 1)
        return stk_errf(e, "policy",
                        "the policy denies execve but keeps cap_sys_resource, which would let the command "
                        "get around that; drop one of them");
    return 0;
}

static int enforce(const struct stk_bundle *b, char *const argv[], char *const *caller_env, struct stk_err *e)
{
    struct stk_ids ids;
    uint64_t keep = 0;
    char **envp = NULL;
    struct stk_exec x;
    bool via_fd = b->seccomp.present && (b->seccomp.flags & STK_SECCOMP_EXEC_RESTRICTED);

    /* 1. plan: capabilities the command ends with; refuse what cannot be enforced */
    if (stk_caps_plan(b, &keep, e) < 0 || policy_check(b, keep, via_fd, e) < 0)
        return -1;
    /* 2. names -> ids, while nothing has changed yet */
    if (stk_identity_resolve(b, &ids, e) < 0)
        goto fail;
    /* 3. resource limits, with the caller's privileges */
    if (stk_rlimits_apply(b, via_fd, e) < 0)
        goto fail;
    /* 4. environment and umask */
    if (stk_env_build(b, caller_env, &envp, e) < 0)
        goto fail;
    stk_umask_apply(b);
    /* 5. inherited descriptors */
    if (stk_fds_close(b, e) < 0)
        goto fail;
    /* 6. supplementary groups, gid, uid */
    if (stk_identity_apply(&ids, e) < 0)
        goto fail;
    stk_ids_free(&ids);
    /* 7. capability sets: bounding, permitted, effective, inheritable, ambient */
    if (stk_caps_apply(keep, b->no_new_privs, e) < 0)
        return -1;
    /* 8. working directory, as the target user */
    if (stk_workdir_apply(b, e) < 0)
        return -1;
    /* 9. the executable, looked up and opened as the target user */
    if (stk_exec_locate(argv, envp, via_fd, &x, e) < 0)
        return -1;
    /* 10. the exec descriptor (only when the policy restricts execve) */
    if (via_fd && stk_exec_place_fd(&x, b, e) < 0)
        return -1;
    /* 11. no_new_privs */
    if (stk_nnp_apply(b, e) < 0)
        return -1;
    /* 12. seccomp, last */
    if (stk_seccomp_install(b, via_fd ? x.fd : -1, e) < 0)
        return -1;
    /* 13. exec */
    return stk_exec_run(&x, envp, e);
fail:
    stk_ids_free(&ids);
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
    enforce(b, argv, env, &e);
    stk_err_report(&e, stderr);
    return e.status ? e.status : STK_EXIT_FAILURE;
}
