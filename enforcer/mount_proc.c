/* mount_proc.c — the kernel knobs of every procfs in the view are closed
 * (docs/enforcer.md "Filesystem", "procfs").
 *
 * A procfs shows the whole kernel's settings, not only the command's pid
 * namespace: /proc/sys/kernel/core_pattern, /proc/sysrq-trigger, ... are
 * guarded by nothing but their owner (the host's root) and mode.  A command
 * whose uid is the host's 0 — with no user namespace, or one that maps root
 * to root — could set them, and a core_pattern pipe runs a helper on the
 * host as root outside every namespace.  So each procfs the view mounts
 * (and the host's /proc a host-root view inherits, and a bind of a procfs)
 * gets, right after it is attached and before anything else is applied:
 *   - the directories and files that set kernel-wide state bound onto
 *     themselves read-only (the command's own /proc/PID stays writable);
 *   - the files that read kernel memory, other users' keys or kernel-wide
 *     timing information covered by /dev/null, directories of hardware
 *     details by an empty read-only tmpfs.
 * Entries the running kernel does not have are skipped.  Every lookup stays
 * beneath the procfs (RESOLVE_BENEATH, no symlinks); an entry something is
 * already mounted on (a host's /proc hardened by a container runtime) gets
 * the treatment on top of that mount. */
#include "steps.h"

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

#include "mount_view.h"

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

bool stk_view_is_proc(int fd)
{
    struct statfs sf;
    return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
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
 * procfs mounted there): hardened like a fresh one, in this namespace only. */
int stk_view_harden_inherited_proc(struct stk_view *v)
{
    int fd = stk_view_resolve(v, "/proc");
    if (fd < 0)
        return 0; /* no /proc: nothing to close */
    struct statx sx;
    int r = 0;
    if (stk_view_is_proc(fd) && statx(fd, "", AT_EMPTY_PATH, 0, &sx) == 0 &&
        (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
        r = stk_view_harden_proc(v, fd, NULL);
    close(fd);
    return r;
}
