/* landlock.c — Landlock rules (steps.h).
 *
 * plan (step 3, before anything changes): ask the kernel for its Landlock
 * ABI, compute what it can handle of the policy (landlock_rights.c), refuse
 * under `compat required` when it lacks anything, report what is dropped
 * under `best-effort`, and refuse early when the ruleset could not be
 * installed for lack of no_new_privs.
 * apply (after no_new_privs, right before seccomp): build the ruleset, open
 * each rule path (O_PATH, in the command's filesystem view, as the target
 * user), add the rules and restrict the process.  docs/enforcer.md. */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock_rights.h"
#include "steps/safe_path.h"

#define STEP "landlock"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* The kernel's UAPI structures (linux/landlock.h), complete up to ABI 7. */
struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net; /* ABI 4 */
    uint64_t scoped;             /* ABI 6 */
};
struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));
struct ll_net_port_attr {
    uint64_t allowed_access;
    uint64_t port;
};
#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2

struct stk_landlock_plan {
    const struct stk_bundle_landlock *ll;
    int abi;
    struct stk_ll_access keep; /* what the ruleset handles on this kernel */
};

static int landlock_abi(void)
{
    long r = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    return r < 0 ? 0 : (int)r;
}

/* Does the process hold cap in its permitted set now? */
static bool holds_cap(unsigned cap)
{
    FILE *f = fopen("/proc/self/status", "re");
    if (!f)
        return false;
    char line[256];
    unsigned long long prm = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "CapPrm: %llx", &prm) == 1)
            break;
    fclose(f);
    return cap < 64 && ((prm >> cap) & 1);
}

int stk_landlock_plan(const struct stk_bundle *b, struct stk_landlock_plan **out, struct stk_err *e)
{
    *out = NULL;
    const struct stk_bundle_landlock *ll = &b->landlock;
    if (!ll->present)
        return 0;
    bool best_effort = ll->compat == STK_LL_BEST_EFFORT;
    int abi = landlock_abi();
    struct stk_ll_access keep, lacking;
    stk_ll_compute(&ll->handled, abi, &keep, &lacking);
    char what[512];
    if (abi == 0) {
        if (!best_effort)
            return stk_errf(e, STEP,
                            "this kernel has no Landlock (not built in, or not in the lsm= list); the policy "
                            "requires it (compat required): nothing was executed");
        stk_warnf(STEP,
                  "this kernel has no Landlock; the policy's landlock block is not enforced (compat best-effort)");
        return 0;
    }
    if (!stk_ll_empty(&lacking)) {
        stk_ll_describe(&lacking, what, sizeof what);
        if (!best_effort)
            return stk_errf(e, STEP,
                            "the kernel's Landlock ABI is %d and lacks what the policy restricts: %s "
                            "(compat required; `compat best-effort` would run without them)",
                            abi, what);
        stk_warnf(STEP, "the kernel's Landlock ABI is %d; not enforced (compat best-effort): %s", abi, what);
    }
    if (stk_ll_empty(&keep)) {
        stk_warnf(STEP, "nothing of the landlock block is left to enforce on this kernel");
        return 0;
    }
    /* landlock_restrict_self needs no_new_privs or CAP_SYS_ADMIN: a policy
     * that turns no_new_privs off must keep CAP_SYS_ADMIN (checked again by
     * the kernel; said here, before anything changed). */
    if (!b->no_new_privs && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
        bool sys_admin = (b->caps == STK_BCAPS_KEEP && ((b->caps_keep >> CAP_SYS_ADMIN) & 1)) ||
                         (b->caps == STK_BCAPS_ALL && holds_cap(CAP_SYS_ADMIN));
        if (!sys_admin)
            return stk_errf(e, STEP,
                            "Landlock needs no_new_privs or CAP_SYS_ADMIN; the policy turns no_new_privs off "
                            "and does not keep cap_sys_admin");
    }
    struct stk_landlock_plan *p = calloc(1, sizeof *p);
    if (!p)
        return stk_errnof(e, STEP, ENOMEM, "planning");
    p->ll = ll;
    p->abi = abi;
    p->keep = keep;
    *out = p;
    return 0;
}

/* "read", "write,execute"...: the policy's words for a rule's rights. */
static const char *rule_words(uint64_t access, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", access & STK_LL_READ ? "read," : "", access & STK_LL_WRITE ? "write," : "",
             access & STK_LL_FS_EXECUTE ? "execute," : "");
    size_t n = strlen(buf);
    if (n)
        buf[n - 1] = '\0';
    else
        snprintf(buf, len, "rule"); /* finer rights only */
    return buf;
}

/* The rule's path (O_PATH) in the command's view, following no symbolic link
 * the command's user could have planted (safe_path.h): as that user, with
 * its capabilities, so the process's own credentials say who it is.  -1 with
 * errno; a refused link is an error here (e filled, *refused set). */
static int open_rule_path(const struct stk_bundle_ll_path *r, bool *refused, struct stk_err *e)
{
    *refused = false;
    struct stk_writer w;
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0 || stk_safe_writer_self(&w) < 0) {
        int err = errno;
        if (root >= 0)
            close(root);
        *refused = true;
        return stk_errnof(e, STEP, err, "opening rule path %s", r->path);
    }
    char why[640], words[32];
    int fd = stk_safe_open(root, r->path, &w, why, sizeof why);
    int err = errno;
    stk_safe_writer_free(&w);
    close(root);
    if (fd < 0 && why[0]) {
        *refused = true;
        stk_errf(e, STEP, "%s %s: %s", rule_words(r->access, words, sizeof words), r->path, why);
    }
    errno = err;
    return fd;
}

/* Add one path rule; 0 also when the path is skipped. */
static int add_path(int rfd, const struct stk_bundle_ll_path *r, uint64_t handled, struct stk_err *e)
{
    uint64_t access = r->access & handled;
    if (!access)
        return 0;
    bool refused;
    int fd = open_rule_path(r, &refused, e);
    if (fd < 0) {
        int err = errno;
        if (refused)
            return -1;
        if (err == ENOENT || err == ENOTDIR || err == EACCES) {
            /* A rule only grants: without it nothing beneath the path is allowed. */
            stk_warnf(STEP, "%s: %s; its rule is skipped (nothing beneath it is allowed)", r->path, strerror(err));
            return 0;
        }
        return stk_errnof(e, STEP, err, "opening rule path %s", r->path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int err = errno;
        close(fd);
        return stk_errnof(e, STEP, err, "fstat %s", r->path);
    }
    if (!S_ISDIR(st.st_mode))
        access &= STK_LL_FS_FILE_RIGHTS; /* directory rights do not apply to a file */
    int rc = 0;
    if (access) {
        struct ll_path_beneath_attr a = {access, fd};
        if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_PATH_BENEATH, &a, 0) < 0)
            rc = stk_errnof(e, STEP, errno, "adding the rule for %s", r->path);
    }
    close(fd);
    return rc;
}

int stk_landlock_apply(struct stk_landlock_plan *p, bool log, struct stk_err *e)
{
    if (!p)
        return 0;
    const struct stk_bundle_landlock *ll = p->ll;
    struct ll_ruleset_attr attr = {p->keep.fs, p->keep.net, p->keep.scope};
    /* The full structure: older kernels accept it as long as the fields they
     * do not know are zero, which stk_ll_compute made sure of. */
    int rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (rfd < 0)
        return stk_errnof(e, STEP, errno, "landlock_create_ruleset (ABI %d)", p->abi);
    int rc = 0;
    for (size_t i = 0; i < ll->npaths && rc == 0; i++)
        rc = add_path(rfd, &ll->paths[i], p->keep.fs, e);
    for (size_t i = 0; i < ll->nports && rc == 0; i++) {
        uint64_t access = ll->ports[i].access & p->keep.net;
        if (!access)
            continue;
        struct ll_net_port_attr a = {access, ll->ports[i].port};
        if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_NET_PORT, &a, 0) < 0)
            rc = stk_errnof(e, STEP, errno, "adding the rule for tcp port %u", ll->ports[i].port);
    }
    /* LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON: the denials of the command (a
     * new exec) are logged too, for --report (report_landlock.c); and
     * LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF: not those of domains the
     * command makes itself, which the report would take for the policy's */
    unsigned flags = log && p->abi >= STK_LL_ABI_LOG ? (1u << 1 | 1u << 2) : 0;
    if (rc == 0 && syscall(SYS_landlock_restrict_self, rfd, flags) < 0) {
        int err = errno;
        rc = stk_errnof(e, STEP, err, "landlock_restrict_self%s",
                        err == EPERM ? " (needs no_new_privs or CAP_SYS_ADMIN)" : "");
    }
    close(rfd);
    return rc;
}

void stk_landlock_plan_free(struct stk_landlock_plan *p)
{
    free(p);
}
