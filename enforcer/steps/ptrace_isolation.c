/* ptrace_isolation.c — keep the command from processes outside its sandbox
 * in ptrace mode (steps.h, docs/enforcer.md "Ptrace isolation").
 *
 * Without it a command confined by seccomp alone could open /proc/PID/mem of
 * any process of its own uid (the caller's shell, a sibling, the --report
 * supervisor) and write code into it: ptrace(2) and process_vm_writev(2) may
 * be denied by the filter, open(2) and pwrite(2) rarely are.
 *
 * Landlock refuses every ptrace-mode access (ptrace, /proc/PID/mem, environ,
 * fd/, process_vm_*, pidfd_getfd, kcmp, ...) from inside a domain to a task
 * outside it, whatever the uid and the capabilities.  A policy with a
 * landlock block already puts the command in a domain.  For the others this
 * step creates a domain that restricts nothing else in practice: it handles
 * one filesystem right, LANDLOCK_ACCESS_FS_REFER (moving or linking a file to
 * another directory), and grants it beneath the command's root.  REFER is
 * the right every fs domain handles anyway (the kernel refuses reparenting
 * unless it is granted), which is why it needs ABI 2: on ABI 1 any domain
 * forbids renames across directories.
 *
 * plan (step 3, before anything changes): decide, and warn on stderr when
 * the command cannot be isolated and no pid namespace hides the outside.
 * apply (step 15, after no_new_privs and the policy's own Landlock step,
 * before seccomp, which may deny the Landlock calls). */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock_rights.h"

#define STEP "ptrace isolation"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#define ISO_CREATE_RULESET_VERSION (1u << 0)
#define ISO_RULE_PATH_BENEATH 1

/* The first field of the kernel's struct landlock_ruleset_attr (ABI 1 size:
 * the kernel takes a shorter structure and zero-fills the rest). */
struct iso_ruleset_attr {
    uint64_t handled_access_fs;
};
/* ABI 6: with the scopes (a kernel takes the longer structure only when it
 * knows its fields; used only there). */
struct iso_ruleset_attr6 {
    uint64_t handled_access_fs, handled_access_net, scoped;
};
struct iso_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

/* A pid namespace with its own /proc: processes outside are not visible
 * (no /proc/PID, no pid for pidfd_open or kill). */
static bool pid_contained(const struct stk_bundle *b)
{
    const struct stk_bundle_isolation *x = &b->iso;
    if (!x->present || !(x->ns & STK_BNS_PID))
        return false;
    for (size_t i = 0; i < x->nmounts; i++)
        if (x->mounts[i].kind == STK_BFS_PROC && strcmp(x->mounts[i].path, "/proc") == 0)
            return true;
    return false;
}

int stk_ptrace_isolation_plan(const struct stk_bundle *b, uint64_t keep, bool landlocked,
                              struct stk_isolation_plan *plan, struct stk_err *e)
{
    (void)e;
    memset(plan, 0, sizeof *plan);
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, ISO_CREATE_RULESET_VERSION);
    bool sys_admin = (keep >> CAP_SYS_ADMIN) & 1;
    bool nnp = b->no_new_privs || prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L) == 1;
    /* signals to the supervisor (taken only when there is one: apply) */
    plan->can_scope_signal = abi >= 6 && !sys_admin && nnp &&
                             !(b->landlock.present && (b->landlock.handled.scope & STK_LL_SCOPE_SIGNAL));
    if (landlocked)
        return 0; /* the policy's own domain isolates the same way */
    const char *why = NULL;
    if (abi < 1)
        why = "this kernel has no Landlock";
    else if (abi < 2)
        why = "this kernel's Landlock (ABI 1) would forbid renames across directories";
    else if (sys_admin)
        why = "the command keeps cap_sys_admin, and a Landlock domain would refuse it mount(2)";
    else if (!nnp)
        why = "the policy turns no_new_privs off (Landlock needs it, or cap_sys_admin)";
    if (!why) {
        /* With a pid namespace and its own /proc the outside is hidden, and
         * the command may well mount in namespaces of its own (nested
         * sandboxes, which a filesystem domain refuses): the domain then
         * waits for apply, which makes it only when the view shows another
         * procfs (a bind of the host's /proc, or of a tree holding one). */
        if (pid_contained(b))
            plan->refer_if_other_proc = true;
        else
            plan->refer = true;
        return 0;
    }
    if (pid_contained(b))
        return 0; /* nothing outside to reach, unless the policy binds it in */
    stk_warnf(STEP,
              "%s: the command can reach processes of its own uid outside the sandbox in ptrace mode "
              "(/proc/PID/mem); a pid namespace with its own /proc, or a landlock block, keeps it in",
              why);
    return 0;
}

/* Does the view (this process's mount namespace, seen from its root) hold a
 * procfs, or part of one, anywhere but at or beneath /proc?  1 yes, 0 no,
 * -1 with e. */
static int other_procfs(struct stk_err *e)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return stk_errnof(e, STEP, errno, "/proc/self/mountinfo");
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    while (!found && getline(&line, &cap, f) > 0) {
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER */
        char mp[4096];
        const char *sep = strstr(line, " - ");
        if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
            continue;
        char fstype[64];
        /* beneath /proc: the procfs hardening's own read-only binds */
        if (sscanf(sep + 3, "%63s", fstype) == 1 && strcmp(fstype, "proc") == 0 && strcmp(mp, "/proc") != 0 &&
            strncmp(mp, "/proc/", 6) != 0)
            found = 1;
    }
    free(line);
    fclose(f);
    return found;
}

int stk_ptrace_isolation_apply(const struct stk_isolation_plan *plan_in, bool supervised, struct stk_err *e)
{
    struct stk_isolation_plan p = *plan_in;
    const struct stk_isolation_plan *plan = &p;
    if (p.refer_if_other_proc) {
        int o = other_procfs(e);
        if (o < 0)
            return -1;
        p.refer = o == 1;
    }
    bool scope = supervised && plan->can_scope_signal;
    if (!plan->refer && !scope)
        return 0;
    struct iso_ruleset_attr attr = {STK_LL_FS_REFER};
    struct iso_ruleset_attr6 attr6 = {plan->refer ? STK_LL_FS_REFER : 0, 0, STK_LL_SCOPE_SIGNAL};
    int rfd = scope ? (int)syscall(SYS_landlock_create_ruleset, &attr6, sizeof attr6, 0)
                    : (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (rfd < 0)
        return stk_errnof(e, STEP, errno, "landlock_create_ruleset");
    int rc = 0;
    if (plan->refer) {
        /* the command's root, after the filesystem view was built */
        int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0) {
            rc = stk_errnof(e, STEP, errno, "opening /");
        } else {
            struct iso_path_beneath_attr rule = {STK_LL_FS_REFER, root};
            if (syscall(SYS_landlock_add_rule, rfd, ISO_RULE_PATH_BENEATH, &rule, 0) < 0)
                rc = stk_errnof(e, STEP, errno, "landlock_add_rule(/)");
            close(root);
        }
    }
    if (rc == 0 && syscall(SYS_landlock_restrict_self, rfd, 0) < 0)
        rc = stk_errnof(e, STEP, errno, "landlock_restrict_self");
    close(rfd);
    return rc;
}
