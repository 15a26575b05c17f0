/* view_proc.c — the kernel knobs of every procfs in the view are closed
 * (docs/enforcer.md "Filesystem", "procfs").
 *
 * A procfs shows the whole kernel's settings, not only the command's pid
 * namespace: /proc/sys/kernel/core_pattern, /proc/sysrq-trigger, ... are
 * guarded by nothing but their owner (the host's root) and mode.  A command
 * whose uid is the host's 0 — with no user namespace, or one that maps root
 * to root — could set them, and a core_pattern pipe runs a helper on the
 * host as root outside every namespace.  So each procfs the view mounts
 * (and the /proc the view inherits from the host or the jail, and a bind of
 * a procfs) gets, right after it is attached and before anything else is
 * applied:
 *   - the directories and files that set kernel-wide state bound onto
 *     themselves read-only (the command's own /proc/PID stays writable);
 *   - the files that read kernel memory, other users' keys or kernel-wide
 *     timing information covered by /dev/null, directories of hardware
 *     details by an empty read-only tmpfs.
 * Entries the running kernel does not have are skipped.  Every lookup stays
 * beneath the procfs (RESOLVE_BENEATH, no symlinks); an entry something is
 * already mounted on (a host's /proc hardened by a container runtime) gets
 * the treatment on top of that mount.
 *
 * Those are the procfs mounts the view knows of.  Any other one — a procfs
 * the host or the jail has mounted somewhere else, one inside a bind's
 * source — is found afterwards (stk_view_harden_all_proc): once every entry
 * is applied, the namespace's mountinfo is walked, and every procfs mount
 * of the view whose root is the procfs root gets the same treatment, every
 * other procfs mount (a bind of /proc/sys, of /proc/1) is made read-only.
 * A procfs that no lookup reaches (covered by another mount or a mask) is
 * left alone: only unmounting the cover, with CAP_SYS_ADMIN over the
 * namespace, would show it, and that capability can mount a fresh procfs
 * anyway.  Every error fails the run: a /proc that cannot be looked up or
 * examined is not taken for "no procfs". */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "steps/view.h"

/* kernel-wide settings: read-only */
static const char *const proc_readonly[] = {
    "sys",    /* sysctl: core_pattern, modprobe, drop_caches, ... */
    "sysrq-trigger",
    "irq",    /* interrupt affinity */
    "bus",    /* PCI configuration space */
    "fs",     /* nfsd and friends */
    "driver", /* rtc and other drivers' files */
    "mtrr",   /* memory type ranges */
};

/* kernel memory, keys, timing side channels, hardware: hidden */
static const char *const proc_masked[] = {
    "kcore",         "kmsg",        "kpagecount", "kpageflags",  "kpagecgroup", "keys",  "key-users",
    "timer_list",    "timer_stats", "sched_debug", "latency_stats", "acpi",     "scsi",  "asound",
};

int stk_view_is_proc(int fd)
{
    struct statfs sf;
    if (fstatfs(fd, &sf) < 0)
        return -1;
    return sf.f_type == PROC_SUPER_MAGIC;
}

/* name directly beneath the procfs root; -1 with errno */
static int beneath(int proc, const char *name)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, proc, name, &how, sizeof how);
}

static int readonly_onto_itself(struct stk_view *v, int fd, const char *name, const struct stk_bundle_mount *m)
{
    int mnt = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (mnt < 0)
        return stk_view_err(v, errno, m, "procfs: open_tree(%s)", name);
    int r = -1;
    if (stk_view_set_readonly(v, mnt, true, m) == 0)
        r = stk_view_attach(v, mnt, fd, m);
    close(mnt);
    return r;
}

int stk_view_harden_proc(struct stk_view *v, int proc, const struct stk_bundle_mount *m)
{
    if (v->devnull < 0)
        return stk_view_err(v, 0, m, "procfs: internal error: /dev/null was not opened for the masks");
    int id = stk_view_mount_id(v, proc, m);
    if (id < 0)
        return -1;
    /* remembered for the final walk (stk_view_harden_all_proc), which
     * would otherwise stack a second set of masks on it */
    if (v->nproc_done < sizeof v->proc_done / sizeof v->proc_done[0])
        v->proc_done[v->nproc_done++] = id;
    for (int pass = 0; pass < 2; pass++) {
        const char *const *names = pass == 0 ? proc_readonly : proc_masked;
        size_t n = pass == 0 ? sizeof proc_readonly / sizeof proc_readonly[0] : sizeof proc_masked / sizeof proc_masked[0];
        for (size_t i = 0; i < n; i++) {
            int fd = beneath(proc, names[i]);
            if (fd < 0) {
                if (errno == ENOENT)
                    continue; /* this kernel has none */
                return stk_view_err(v, errno, m, "procfs: %s", names[i]);
            }
            int r = pass == 0 ? readonly_onto_itself(v, fd, names[i], m) : stk_view_mask_fd(v, fd, m);
            close(fd);
            if (r < 0)
                return -1;
        }
    }
    return 0;
}

/* The host's /proc that a view on the host's root inherits (when it is a
 * procfs mounted there): hardened like a fresh one, in this namespace only.
 * Only a missing /proc is nothing to do; any other error fails the run. */
int stk_view_harden_inherited_proc(struct stk_view *v)
{
    int fd = stk_view_resolve(v, "/proc");
    if (fd < 0)
        return errno == ENOENT ? 0 : stk_view_err(v, errno, NULL, "/proc");
    struct statx sx;
    int r = 0, proc = stk_view_is_proc(fd);
    if (proc < 0)
        r = stk_view_err(v, errno, NULL, "fstatfs(/proc)");
    else if (statx(fd, "", AT_EMPTY_PATH, 0, &sx) < 0)
        r = stk_view_err(v, errno, NULL, "statx(/proc)");
    else if (proc && !(sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
        r = stk_view_err(v, 0, NULL, "statx(/proc): the kernel does not say whether it is a mount root");
    else if (proc && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
        r = stk_view_harden_proc(v, fd, NULL);
    close(fd);
    return r;
}

static bool done(const struct stk_view *v, int id)
{
    for (size_t i = 0; i < v->nproc_done; i++)
        if (v->proc_done[i] == id)
            return true;
    return false;
}

/* id lies beneath the mount under (or is it) */
static bool beneath_mount(const struct stk_mount_table *t, int id, int under)
{
    for (size_t hops = 0; hops <= t->n; hops++) {
        if (id == under)
            return true;
        size_t i = 0;
        while (i < t->n && t->v[i].id != id)
            i++;
        if (i == t->n || t->v[i].parent == id)
            return false;
        id = t->v[i].parent;
    }
    return false;
}

/* one procfs mount of the view: its root hardened, anything else read-only */
static int harden_listed(struct stk_view *v, const struct stk_mount_line *l)
{
    bool root = strcmp(l->root, "/") == 0;
    if ((root && done(v, l->id)) || (!root && l->readonly))
        return 0;
    int fd = stk_view_resolve(v, l->point);
    if (fd < 0 && errno == ENOENT)
        return 0; /* under a mask or another mount: no lookup reaches it (see below) */
    if (fd < 0)
        return stk_view_err(v, errno, NULL, "procfs at %s", l->point);
    int r = stk_view_mount_id(v, fd, NULL);
    /* another mount covers it (the top one at that path is what a lookup
     * reaches): only unmounting the cover, which takes CAP_SYS_ADMIN over
     * the namespace, would show it (docs/enforcer.md, residual risks) */
    if (r >= 0 && r == l->id) {
        struct stat st;
        if (fstat(fd, &st) < 0)
            r = stk_view_err(v, errno, NULL, "procfs at %s", l->point);
        else if (root && S_ISDIR(st.st_mode))
            r = stk_view_harden_proc(v, fd, NULL);
        else
            r = stk_view_setattr(v, fd, MOUNT_ATTR_RDONLY, false, "read-only", NULL);
    } else if (r >= 0) {
        r = 0;
    }
    close(fd);
    return r < 0 ? -1 : 0;
}

int stk_view_harden_all_proc(struct stk_view *v, int under_id)
{
    struct stk_mount_table t;
    if (stk_view_read_mounts(v, &t) < 0)
        return -1;
    int r = 0;
    for (size_t i = 0; i < t.n && r == 0; i++) {
        if (strcmp(t.v[i].fstype, "proc") != 0 || (under_id >= 0 && !beneath_mount(&t, t.v[i].id, under_id)))
            continue;
        r = harden_listed(v, &t.v[i]);
    }
    stk_view_free_mounts(&t);
    return r;
}
