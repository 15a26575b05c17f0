/* lsm.c — SELinux and AppArmor labels (steps.h): which LSM runs, what is
 * optional, the sVirt reservation's release, the exec labels. */
#include <errno.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>
#include <sys/statfs.h>

#include "steps/lsm.h"
#include "steps/steps.h"

#define PROC_SUPER_MAGIC_ 0x9fa0 /* linux/magic.h */

/* Supervisor clean-up: give the sVirt pair back once the command is gone. */
static void release_level(void *arg)
{
    struct stk_lsm_plan *p = arg;
    struct stk_err e = {0};
    if (stk_mcs_release(&p->mcs, &e) < 0)
        stk_err_report(&e, stderr);
}

/* Whether the kernel runs SELinux.  libselinux's is_selinux_enabled() also
 * wants /etc/selinux/config, a userspace file an enforcer must not depend
 * on: a kernel with selinuxfs at /sys/fs/selinux runs SELinux whatever /etc
 * holds (and then libselinux is pointed at it). */
#define STK_SELINUX_MAGIC 0xf97cff8cu
static bool selinux_running(void)
{
    if (is_selinux_enabled() > 0)
        return true;
    struct statfs sf;
    if (statfs("/sys/fs/selinux", &sf) == 0 && (uint32_t)sf.f_type == STK_SELINUX_MAGIC) {
        set_selinuxmnt("/sys/fs/selinux");
        return security_getenforce() >= 0;
    }
    return false;
}

static void warn_optional(const char *lsm, const char *what)
{
    stk_warnf(lsm, "%s is not running on this kernel; the policy marks it optional, so the command runs without the %s",
              lsm[0] == 's' ? "SELinux" : "AppArmor", what);
}

/* A failed plan: the MCS level it holds given back, and p freed unless the
 * supervisor's clean-up hook holds it.  -1. */
static int drop_plan(struct stk_lsm_plan *p, bool hooked)
{
    struct stk_err ignored = {0};
    stk_mcs_release(&p->mcs, &ignored);
    if (!hooked)
        free(p);
    return -1;
}

int stk_lsm_prepare(const struct stk_bundle *b, struct stk_supervisor *sv, struct stk_lsm_plan **out,
                    struct stk_err *e)
{
    *out = NULL;
    if (!b->lsm.present)
        return 0;
    struct stk_lsm_plan *p = calloc(1, sizeof *p);
    if (!p)
        return stk_errnof(e, "lsm", ENOMEM, "planning the LSM labels");
    bool hooked = false; /* the supervisor's clean-up hook holds p */
    if (b->lsm.selinux.present) {
        if (!selinux_running()) {
            if (!b->lsm.selinux.optional) {
                free(p);
                return stk_errf(e, "selinux",
                                "the policy labels the command with SELinux type %s, but SELinux is not running "
                                "on this kernel; refusing to run (mark it `optional` to run unlabelled)",
                                b->lsm.selinux.type);
            }
            warn_optional("selinux", "SELinux label");
        } else if (stk_selinux_prepare(b, p, e) < 0) {
            return drop_plan(p, false);
        } else if (p->mcs.held) {
            if (stk_supervise_on_cleanup(sv, release_level, p, e) < 0)
                return drop_plan(p, false);
            hooked = true;
        }
    }
    if (b->lsm.apparmor.present) {
        if (aa_is_enabled() <= 0) {
            if (!b->lsm.apparmor.optional) {
                drop_plan(p, hooked); /* the clean-up hook then finds nothing held */
                return stk_errf(e, "apparmor",
                                "the policy confines the command with AppArmor profile %s, but AppArmor is not "
                                "running on this kernel; refusing to run (mark it `optional` to run unconfined)",
                                b->lsm.apparmor.profile);
            }
            warn_optional("apparmor", "AppArmor profile");
        } else if (stk_apparmor_prepare(b, p, e) < 0) {
            return drop_plan(p, hooked);
        }
    }
    *out = p;
    return 0;
}

/* libselinux and libapparmor set the exec label by writing
 * /proc/thread-self/attr/... and read it back from there.  In a view whose
 * /proc is not a procfs (a `root` jail without `proc /proc`, whose /proc the
 * command's user may own and may have filled in an earlier run) those would
 * be ordinary files: the write and the read-back would agree and no label
 * would apply.  So the attribute directory must be on a procfs. */
static int proc_attr_is_procfs(struct stk_err *e)
{
    struct statfs sf;
    /* /proc itself (libapparmor writes /proc/TID/attr/...; a plain /proc
     * could hold a thread-self link to a procfs elsewhere and planted TID
     * directories), and the attribute directory libselinux uses */
    if (statfs("/proc", &sf) < 0)
        return stk_errnof(e, "lsm", errno, "/proc (the exec label is set there; add `proc /proc` to the view)");
    if (sf.f_type != PROC_SUPER_MAGIC_)
        return stk_errf(e, "lsm",
                        "/proc in the command's view is not a procfs: the exec label cannot be set "
                        "reliably; add `proc /proc` to the filesystem block");
    if (statfs("/proc/thread-self/attr", &sf) < 0)
        return stk_errnof(e, "lsm", errno,
                          "/proc/thread-self/attr (the exec label is set there; add `proc /proc` to the view)");
    if (sf.f_type != PROC_SUPER_MAGIC_)
        return stk_errf(e, "lsm",
                        "/proc in the command's view is not a procfs: the exec label cannot be set "
                        "reliably; add `proc /proc` to the filesystem block");
    return 0;
}

int stk_lsm_apply(struct stk_lsm_plan *p, struct stk_err *e)
{
    if (!p)
        return 0;
    if ((p->selinux || p->apparmor) && proc_attr_is_procfs(e) < 0)
        return -1;
    if (p->selinux && stk_selinux_apply(p, e) < 0)
        return -1;
    if (p->apparmor && stk_apparmor_apply(p, e) < 0)
        return -1;
    return 0;
}

void stk_lsm_plan_free(struct stk_lsm_plan *p)
{
    free(p); /* the sVirt reservation is the supervisor's clean-up hook's */
}

const char *stk_lsm_file_context(const struct stk_lsm_plan *p)
{
    return p && p->selinux && p->file_ctx[0] ? p->file_ctx : NULL;
}

int stk_lsm_mount_context(const struct stk_lsm_plan *p, char *buf, size_t n)
{
    if (n == 0)
        return -1;
    buf[0] = '\0';
    if (!p || !p->selinux)
        return 0;
    int w = snprintf(buf, n, "context=\"%s\"", p->file_ctx);
    if (w < 0 || (size_t)w >= n) {
        buf[0] = '\0';
        return -1;
    }
    return 0;
}
