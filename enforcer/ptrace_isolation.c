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
 * apply (step 16, after no_new_privs and the policy's own Landlock step,
 * before seccomp, which may deny the Landlock calls). */
#include "steps.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
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

int stk_ptrace_isolation_plan(const struct stk_bundle *b, uint64_t keep, bool landlocked, bool *apply,
                              struct stk_err *e)
{
    (void)e;
    *apply = false;
    if (landlocked || pid_contained(b))
        return 0; /* the policy's own domain, or nothing outside to reach */
    const char *why = NULL;
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, ISO_CREATE_RULESET_VERSION);
    if (abi < 1)
        why = "this kernel has no Landlock";
    else if (abi < 2)
        why = "this kernel's Landlock (ABI 1) would forbid renames across directories";
    else if ((keep >> CAP_SYS_ADMIN) & 1)
        why = "the command keeps cap_sys_admin, and a Landlock domain would refuse it mount(2)";
    else if (!b->no_new_privs && prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L) != 1)
        why = "the policy turns no_new_privs off (Landlock needs it, or cap_sys_admin)";
    if (!why) {
        *apply = true;
        return 0;
    }
    fprintf(stderr,
            "stockade: %s: %s: the command can reach processes of its own uid outside the sandbox in ptrace "
            "mode (/proc/PID/mem); a pid namespace with its own /proc, or a landlock block, keeps it in\n",
            STEP, why);
    return 0;
}

int stk_ptrace_isolation_apply(bool apply, struct stk_err *e)
{
    if (!apply)
        return 0;
    struct iso_ruleset_attr attr = {STK_LL_FS_REFER};
    int rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (rfd < 0)
        return stk_errnof(e, STEP, errno, "landlock_create_ruleset");
    int rc = 0;
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
    if (rc == 0 && syscall(SYS_landlock_restrict_self, rfd, 0) < 0)
        rc = stk_errnof(e, STEP, errno, "landlock_restrict_self");
    close(rfd);
    return rc;
}
