/* ns.c — namespaces, uid/gid maps, hostname, loopback, and the pid
 * namespace's minimal init (steps.h; docs/enforcer.md "Namespaces").
 *
 * stk_ns_plan (before the fork) picks the clone flags: every namespace
 * except cgroup, which is entered later from inside the command's cgroup.
 * A pid namespace needs the supervisor (only a child enters a new pid
 * namespace); so does a user namespace whose maps the process inside cannot
 * write for itself (anything but "my own id -> one id"), since only a
 * process outside with CAP_SETUID/CAP_SETGID may write those: the supervisor
 * writes them from an attach hook before it releases the child.  When the
 * supervisor runs, one clone3 creates all the namespaces; otherwise
 * stk_ns_enter unshares them in place with one unshare(2).
 *
 * Without uidmap/gidmap the caller's id maps to itself, except for root: a
 * root caller's 0 becomes STK_NS_SQUASH_ID (65534, nobody/nogroup) outside,
 * and the command switches to it (setresuid(0) inside) with no
 * supplementary groups.  Host uid 0 in a user namespace is still the owner
 * of every root-owned file, sysctl and socket of the host (docs/enforcer.md
 * "Root in a user namespace"). */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STEP "namespaces"
#define STK_NS_SQUASH_ID 65534u /* nobody, nogroup; the kernel's overflow id */

/* One enforcer run per process: the plan lives here between plan and enter. */
static struct ns_plan {
    uint64_t flags;       /* CLONE_NEW* wanted, cgroup excluded */
    bool parent_writes;   /* the supervisor writes the maps (attach hook) */
    bool deny_setgroups;  /* /proc/PID/setgroups gets "deny" before the gid map */
    struct stk_bundle_idmap uid_self, gid_self; /* the default maps */
    const struct stk_bundle_idmap *uids, *gids; /* the maps in effect (with the caller's ids) */
    size_t nuids, ngids;
    uid_t caller_uid;
    gid_t caller_gid;
    bool squash_uid, squash_gid; /* a root caller's default map: 0 -> STK_NS_SQUASH_ID */
    /* last: the map texts (24 KB), written only when a user namespace is
     * made (map_text) and read only then, so not cleared at every start
     * (PLAN_RESET): clearing them touched six fresh pages, a page fault
     * each, in every run */
    char uid_map[STK_BIDMAP_MAX * 36];
    char gid_map[STK_BIDMAP_MAX * 36];
} plan;
#define PLAN_RESET offsetof(struct ns_plan, uid_map)

static const struct {
    uint32_t bit;
    uint64_t clone;
} ns_flags[] = {
    {STK_BNS_USER, CLONE_NEWUSER}, {STK_BNS_PID, CLONE_NEWPID}, {STK_BNS_MOUNT, CLONE_NEWNS},
    {STK_BNS_IPC, CLONE_NEWIPC},   {STK_BNS_UTS, CLONE_NEWUTS}, {STK_BNS_NET, CLONE_NEWNET},
};

/* "user, pid, mount" for a set of CLONE_NEW* flags */
static const char *flag_names(uint64_t flags, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++)
        if ((flags & ns_flags[i].clone) && n < len)
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", stk_bns_name(ns_flags[i].bit));
    return buf;
}

static bool has_cap(unsigned cap)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capget, &h, d) < 0)
        return false;
    return (d[cap / 32].effective >> (cap % 32)) & 1;
}

/* The map's text with the caller's id filled in; -1 if a range overflows. */
static int map_text(const struct stk_bundle_idmap *m, size_t n, uint32_t caller, char *buf, size_t len,
                    const char *what, struct stk_err *e)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t outside = m[i].outside_caller ? caller : m[i].outside;
        if ((uint64_t)outside + m[i].count > 0xffffffffu)
            return stk_errf(e, STEP, "%s line %zu: the caller's id %u + %u runs past 4294967294", what, i + 1, caller,
                            m[i].count);
        int w = snprintf(buf + at, len - at, "%u %u %u\n", m[i].inside, outside, m[i].count);
        if (w < 0 || (size_t)w >= len - at)
            return stk_errf(e, STEP, "%s too long", what);
        at += (size_t)w;
    }
    return 0;
}

/* A map the process inside may write itself: its own id, once. */
static bool self_map(const struct stk_bundle_idmap *m, size_t n, uint32_t caller)
{
    return n == 1 && m[0].count == 1 && (m[0].outside_caller || m[0].outside == caller);
}

static int write_file(int dirfd, const char *name, const char *text, const char *who, struct stk_err *e)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return stk_errnof(e, STEP, errno, "opening %s/%s", who, name);
    size_t len = strlen(text);
    ssize_t w = write(fd, text, len);
    int err = errno;
    close(fd);
    if (w != (ssize_t)len)
        return stk_errnof(e, STEP, w < 0 ? err : EIO, "writing \"%.*s\" to %s/%s", (int)strcspn(text, "\n"), text,
                          who, name);
    return 0;
}

/* setgroups, uid_map, gid_map of /proc/PID (or /proc/self) */
static int write_maps(const char *proc, struct stk_err *e)
{
    int dir = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return stk_errnof(e, STEP, errno, "%s", proc);
    int r = 0;
    if ((plan.deny_setgroups && write_file(dir, "setgroups", "deny", proc, e) < 0) ||
        write_file(dir, "uid_map", plan.uid_map, proc, e) < 0 || write_file(dir, "gid_map", plan.gid_map, proc, e) < 0)
        r = -1;
    close(dir);
    return r;
}

/* attach hook: the supervisor writes the child's maps from outside */
static int write_child_maps(pid_t child, void *arg, struct stk_err *e)
{
    (void)arg;
    char proc[32];
    snprintf(proc, sizeof proc, "/proc/%d", (int)child);
    return write_maps(proc, e);
}

int stk_ns_plan(const struct stk_bundle *b, struct stk_supervisor *sv, uint64_t *clone_flags, struct stk_err *e)
{
    const struct stk_bundle_isolation *x = &b->iso;
    *clone_flags = 0;
    memset(&plan, 0, PLAN_RESET);
    if (!x->present)
        return 0;
    for (size_t i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++)
        if (x->ns & ns_flags[i].bit)
            plan.flags |= ns_flags[i].clone;
    if (x->ns & STK_BNS_PID)
        sv->wanted = true; /* only a child enters a new pid namespace */
    if (x->ns & STK_BNS_USER) {
        plan.caller_uid = geteuid();
        plan.caller_gid = getegid();
        plan.uid_self = (struct stk_bundle_idmap){plan.caller_uid, 0, 1, true};
        plan.gid_self = (struct stk_bundle_idmap){plan.caller_gid, 0, 1, true};
        /* root is not kept as the host's root by default: root squash */
        bool can_setuid = has_cap(CAP_SETUID), can_setgid = has_cap(CAP_SETGID);
        plan.squash_uid = !x->uidmap && plan.caller_uid == 0;
        /* gid 0 alone (an unprivileged uid whose group is root) is squashed
         * only along with the uid or by a caller that may write such a map
         * (CAP_SETGID); otherwise the own-gid map 0 -> 0 is what it may
         * write, and gid 0 is no privilege without uid 0 or capabilities */
        plan.squash_gid = !x->gidmap && plan.caller_gid == 0 && (plan.squash_uid || can_setgid);
        if (plan.squash_uid)
            plan.uid_self = (struct stk_bundle_idmap){0, STK_NS_SQUASH_ID, 1, false};
        if (plan.squash_gid)
            plan.gid_self = (struct stk_bundle_idmap){0, STK_NS_SQUASH_ID, 1, false};
        plan.uids = x->uidmap ? x->uidmap : &plan.uid_self;
        plan.nuids = x->uidmap ? x->nuidmap : 1;
        plan.gids = x->gidmap ? x->gidmap : &plan.gid_self;
        plan.ngids = x->gidmap ? x->ngidmap : 1;
        if (map_text(plan.uids, plan.nuids, plan.caller_uid, plan.uid_map, sizeof plan.uid_map, "uid map", e) < 0 ||
            map_text(plan.gids, plan.ngids, plan.caller_gid, plan.gid_map, sizeof plan.gid_map, "gid map", e) < 0)
            return -1;
        bool uid_self = self_map(plan.uids, plan.nuids, plan.caller_uid);
        bool gid_self = self_map(plan.gids, plan.ngids, plan.caller_gid);
        if (!uid_self && !can_setuid)
            return stk_errf(e, STEP,
                            "the uid map maps more than the caller's own uid %u, which needs CAP_SETUID; "
                            "without it, map one id to the caller (uidmap N caller 1)",
                            (unsigned)plan.caller_uid);
        if (!gid_self && !can_setgid)
            return stk_errf(e, STEP,
                            "the gid map maps more than the caller's own gid %u, which needs CAP_SETGID; "
                            "without it, map one id to the caller (gidmap N caller 1)",
                            (unsigned)plan.caller_gid);
        /* Inside, only "own id" maps can be written, and only with setgroups
         * denied.  A caller with CAP_SETGID writes them from outside instead,
         * so that the policy's groups can still be set. */
        if (!uid_self || !gid_self || (can_setgid && (b->user || b->supp_set)))
            sv->wanted = true;
        plan.deny_setgroups = !(sv->wanted && can_setgid);
        if (sv->wanted) {
            plan.parent_writes = true;
            if (stk_supervise_on_attach(sv, write_child_maps, NULL, e) < 0)
                return -1;
        }
    }
    *clone_flags = plan.flags;
    return 0;
}

static int lo_up(struct stk_err *e)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return stk_errnof(e, STEP, errno, "net: socket");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    int r = 0;
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        r = stk_errnof(e, STEP, errno, "net: reading the flags of lo");
    } else {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
            r = stk_errnof(e, STEP, errno, "net: bringing up lo");
    }
    close(s);
    return r;
}

/* attach hook of the pid namespace's init (runs in the init, pid 1): it must
 * not keep the host's working directory (the pivot_root moves a root or cwd
 * that is the old root, nothing else), and the command must not reach its
 * descriptors or memory through /proc/1 */
static int init_settle(pid_t child, void *arg, struct stk_err *e)
{
    (void)child;
    (void)arg;
    if (chdir("/") < 0)
        return stk_errnof(e, "init", errno, "chdir(/)");
    if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) < 0)
        return stk_errnof(e, "init", errno, "prctl(PR_SET_DUMPABLE)");
    return 0;
}

/* Root squash, right after the maps exist: the process leaves the host's
 * uid 0 (unmapped inside, and unable to own files the view creates) for the
 * namespace's 0, which is STK_NS_SQUASH_ID outside; the capabilities it has
 * in the namespace stay.  Everything after — the view, the init, the
 * command — runs as that. */
static int squash(struct stk_err *e)
{
    if (plan.squash_gid && setresgid(0, 0, 0) < 0)
        return stk_errnof(e, STEP, errno, "root squash: setresgid(0)");
    if (setgroups(0, NULL) < 0)
        return stk_errnof(e, STEP, errno, "root squash: dropping the host's supplementary groups");
    if (plan.squash_uid && setresuid(0, 0, 0) < 0)
        return stk_errnof(e, STEP, errno, "root squash: setresuid(0)");
    return 0;
}

int stk_ns_enter(const struct stk_bundle *b, uint64_t cloned, struct stk_err *e)
{
    const struct stk_bundle_isolation *x = &b->iso;
    if (!x->present)
        return 0;
    char names[96];
    uint64_t rest = plan.flags & ~cloned;
    if (rest & CLONE_NEWPID)
        return stk_errf(e, STEP, "internal error: a pid namespace is entered only through the supervisor's clone");
    if (rest && unshare((int)rest) < 0) {
        int err = errno;
        bool hint = err == EPERM && !(x->ns & STK_BNS_USER) && geteuid() != 0;
        return stk_errnof(e, STEP, err, "unshare(%s)%s", flag_names(rest, names, sizeof names),
                          hint ? " (an unprivileged caller needs 'user' among the policy's namespaces)" : "");
    }
    if ((rest & CLONE_NEWUSER) && write_maps("/proc/self", e) < 0)
        return -1;
    if ((plan.squash_uid || plan.squash_gid) && squash(e) < 0)
        return -1;
    /* entered from inside the cgroup the supervisor put us in, so that it becomes the namespace's root */
    if ((x->ns & STK_BNS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0)
        return stk_errnof(e, STEP, errno, "unshare(cgroup)");
    if (x->hostname && sethostname(x->hostname, strlen(x->hostname)) < 0)
        return stk_errnof(e, STEP, errno, "sethostname(%s)", x->hostname);
    if ((x->ns & STK_BNS_NET) && lo_up(e) < 0)
        return -1;
    if ((x->ns & STK_BNS_PID) && !x->init_none) {
        /* we are pid 1: stay as the minimal init (reap, forward signals,
         * exit with the command's status) and go on as pid 2 */
        struct stk_supervisor init;
        stk_supervise_init(&init);
        init.role = "init";
        if (stk_supervise_on_attach(&init, init_settle, NULL, e) < 0 || stk_supervise_fork(&init, 0, e) < 0)
            return -1;
    }
    return 0;
}

static bool mapped(const struct stk_bundle_idmap *m, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (id >= m[i].inside && (uint64_t)id < (uint64_t)m[i].inside + m[i].count)
            return true;
    return false;
}

/* the caller's id appears inside (some line maps it) */
static bool caller_mapped(const struct stk_bundle_idmap *m, size_t n, uint32_t caller)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t outside = m[i].outside_caller ? caller : m[i].outside;
        if (caller >= outside && (uint64_t)caller < (uint64_t)outside + m[i].count)
            return true;
    }
    return false;
}

int stk_ns_adjust_ids(const struct stk_bundle *b, struct stk_ids *ids, struct stk_err *e)
{
    if (!(b->iso.ns & STK_BNS_USER))
        return 0;
    /* root squash: until it changes ids inside, the process is still the
     * host's uid 0 (unmapped inside); become the mapped 0, drop host root's groups */
    if (plan.squash_uid && !ids->set_uid) {
        ids->set_uid = true;
        ids->uid = 0;
    }
    if (plan.squash_gid && !ids->set_gid) {
        ids->set_gid = true;
        ids->gid = 0;
    }
    if ((plan.squash_uid || plan.squash_gid) && !ids->set_groups) {
        ids->set_groups = true;
        ids->ngroups = 0;
    }
    /* an unmapped id is the overflow id inside, owns nothing and cannot create files: a policy mistake */
    if (!ids->set_uid && !caller_mapped(plan.uids, plan.nuids, plan.caller_uid))
        return stk_errf(e, STEP,
                        "the caller's uid %u is not mapped in the user namespace; map it (uidmap N caller 1) or "
                        "give a mapped user",
                        (unsigned)plan.caller_uid);
    if (!ids->set_gid && !caller_mapped(plan.gids, plan.ngids, plan.caller_gid))
        return stk_errf(e, STEP,
                        "the caller's gid %u is not mapped in the user namespace; map it (gidmap N caller 1) or "
                        "give a mapped group",
                        (unsigned)plan.caller_gid);
    if (ids->set_uid && !mapped(plan.uids, plan.nuids, (uint32_t)ids->uid))
        return stk_errf(e, STEP, "uid %u is not mapped in the user namespace (see uidmap)", (unsigned)ids->uid);
    if (ids->set_gid && !mapped(plan.gids, plan.ngids, (uint32_t)ids->gid))
        return stk_errf(e, STEP, "gid %u is not mapped in the user namespace (see gidmap)", (unsigned)ids->gid);
    for (size_t i = 0; ids->set_groups && i < ids->ngroups; i++)
        if (!mapped(plan.gids, plan.ngids, (uint32_t)ids->groups[i]))
            return stk_errf(e, STEP, "supplementary gid %u is not mapped in the user namespace (see gidmap)",
                            (unsigned)ids->groups[i]);
    if (plan.deny_setgroups && ids->set_groups) {
        if (ids->ngroups)
            return stk_errf(e, STEP,
                            "supplementary groups cannot be set: setgroups is denied in a user namespace "
                            "whose gid map the caller (without CAP_SETGID) wrote for itself");
        /* the kernel keeps the caller's supplementary groups (shown as the
         * overflow gid inside) and forbids dropping them: docs/enforcer.md */
        ids->set_groups = false;
    }
    return 0;
}
