/* export_systemd_view.c — the namespaces, the filesystem view, Landlock, the
 * cgroup block and the LSM labels of a policy as systemd directives
 * (PrivateNetwork=, ReadOnlyPaths=, TemporaryFileSystem=, SocketBindAllow=,
 * MemoryMax=, SELinuxContext=, ...).  What systemd cannot say goes through
 * stk_sd_lose (export_systemd.c). */
#include <stdio.h>
#include <string.h>

#include "export/export_systemd_int.h"

static struct stk_loc or_policy(const struct stk_sd *x, struct stk_loc loc)
{
    return loc.file ? loc : x->ir->loc;
}

/* A path a unit file takes as it is (no spaces, quotes, colons, specifiers). */
static bool unit_path(const char *s)
{
    if (s[0] != '/')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || strchr("\"'\\:%;", *p))
            return false;
    return true;
}

static void namespaces(struct stk_sd *x)
{
    const struct stk_isolation_ir *iso = &x->ir->iso;
    uint32_t ns = iso->ns;
    if (ns & STK_NS_BIT(STK_NS_PID))
        stk_sd_lose(x, or_policy(x, iso->ns_loc[STK_NS_PID]), "looser",
                    "a pid namespace: systemd gives a service none before version 257 (PrivatePIDs=), and older "
                    "versions ignore that setting");
    if (ns & STK_NS_BIT(STK_NS_MOUNT) || iso->fs)
        stk_buf_puts(x->out, "PrivateMounts=yes\n");
    if (ns & STK_NS_BIT(STK_NS_IPC))
        stk_buf_puts(x->out, "PrivateIPC=yes\n");
    if (ns & STK_NS_BIT(STK_NS_NET))
        stk_buf_puts(x->out, "PrivateNetwork=yes\n");
    if (ns & STK_NS_BIT(STK_NS_UTS))
        stk_buf_puts(x->out, "ProtectHostname=yes\n");
    if (iso->hostname &&
        stk_sd_lose(x, or_policy(x, iso->hostname_loc), "different (the host's name is kept)",
                    "hostname %s: systemd cannot give a service a host name of its own", iso->hostname))
        stk_buf_printf(x->out, "# (hostname %s is not set)\n", iso->hostname);
    if (ns & STK_NS_BIT(STK_NS_USER) &&
        stk_sd_lose(x, or_policy(x, iso->ns_loc[STK_NS_USER]), "looser",
                    "a user namespace%s: PrivateUsers= maps root and the service's user to themselves (root stays "
                    "root inside) and every other id to nobody",
                    iso->uidmap || iso->gidmap ? " with the policy's uidmap/gidmap" : ""))
        stk_buf_puts(x->out, "PrivateUsers=yes\n");
    if (ns & STK_NS_BIT(STK_NS_CGROUP))
        stk_sd_lose(x, or_policy(x, iso->ns_loc[STK_NS_CGROUP]), "looser",
                    "a cgroup namespace: systemd gives a service none before version 257 "
                    "(ProtectControlGroups=private)");
}

static void filesystem(struct stk_sd *x)
{
    const struct stk_isolation_ir *iso = &x->ir->iso;
    if (!iso->fs)
        return;
    /* empty assignments first: the unit's own ReadWritePaths= and the like
     * would open what the policy closes */
    stk_buf_puts(x->out, "ReadWritePaths=\nReadOnlyPaths=\nInaccessiblePaths=\nTemporaryFileSystem=\n"
                         "BindPaths=\nBindReadOnlyPaths=\n");
    if (iso->root &&
        stk_sd_lose(x, or_policy(x, iso->fs_loc), "different",
                    "root %s: RootDirectory= is a chroot, and systemd mounts the other paths of the view in its own "
                    "order",
                    iso->root))
        stk_buf_printf(x->out, "RootDirectory=%s\n", iso->root);
    for (size_t i = 0; i < iso->nfs; i++) {
        const struct stk_fs_entry *e = &iso->fs_entries[i];
        if (!unit_path(e->path) || (e->src && !unit_path(e->src))) {
            stk_sd_lose(x, e->path_loc.file ? e->path_loc : or_policy(x, e->loc), "looser",
                        "path %s: a unit file cannot hold spaces, quotes, ':' or '%%' in a path here", e->path);
            continue;
        }
        switch (e->kind) {
        case STK_FS_BIND:
            stk_buf_printf(x->out, "%s=%s:%s\n", e->readonly ? "BindReadOnlyPaths" : "BindPaths", e->src, e->path);
            break;
        case STK_FS_TMPFS:
            /* the kernel's tmpfs mode is 1777, systemd's default 0755 */
            stk_buf_printf(x->out, "TemporaryFileSystem=%s:mode=%04o,nosuid,nodev", e->path,
                           e->mode_set ? e->mode : 01777u);
            if (e->size)
                stk_buf_printf(x->out, ",size=%llu", (unsigned long long)e->size);
            stk_buf_puts(x->out, "\n");
            break;
        case STK_FS_PROC:
            if (strcmp(e->path, "/proc") != 0) {
                stk_sd_lose(x, or_policy(x, e->loc), "looser", "proc at %s: systemd mounts no procfs elsewhere",
                            e->path);
                break;
            }
            /* the host's /proc stays; its kernel knobs closed (and /sys's too: tighter) */
            stk_buf_puts(x->out, "ProtectKernelTunables=yes\n");
            break;
        case STK_FS_DEV: stk_buf_puts(x->out, "PrivateDevices=yes\n"); break;
        case STK_FS_READONLY: stk_buf_printf(x->out, "ReadOnlyPaths=%s\n", e->path); break;
        case STK_FS_MASK: stk_buf_printf(x->out, "InaccessiblePaths=%s\n", e->path); break;
        case STK_FS_KIND_COUNT: break;
        }
    }
}

void stk_sd_view(struct stk_sd *x)
{
    namespaces(x);
    filesystem(x);
}

/* systemd has no Landlock.  Its port rules handle TCP bind and connect
 * together; SocketBindAllow=/SocketBindDeny= say the bind half (--lossy). */
static void landlock(struct stk_sd *x)
{
    const struct stk_landlock_ir *ll = &x->ir->landlock;
    if (!ll->present)
        return;
    if (ll->handled.fs || ll->handled.scope)
        stk_sd_lose(x, or_policy(x, ll->loc), "looser",
                    "the landlock block's %s: systemd has no Landlock",
                    ll->handled.fs ? "path rules" : "scopes");
    if (!ll->handled.net ||
        !stk_sd_lose(x, or_policy(x, ll->loc), "looser",
                     "the landlock block's port rules: systemd restricts TCP bind (SocketBindAllow=), not connect"))
        return;
    stk_buf_puts(x->out, "SocketBindAllow=\nSocketBindDeny=\n");
    for (size_t i = 0; i < ll->nports; i++)
        if (ll->ports[i].access & STK_LL_NET_BIND_TCP)
            stk_buf_printf(x->out, "SocketBindAllow=tcp:%u\n", ll->ports[i].port);
    stk_buf_puts(x->out, "SocketBindDeny=tcp\n");
}

void stk_sd_cgroup(struct stk_sd *x)
{
    const struct stk_cgroup_ir *cg = &x->ir->cgroup;
    if (!cg->present)
        return;
    /* what is left in the cgroup when the service stops is killed, like the leaf's */
    stk_buf_puts(x->out, "KillMode=control-group\n");
    static const char *const key[STK_CG_NKEYS] = {
        [STK_CG_MEMORY_MAX] = "MemoryMax", [STK_CG_MEMORY_SWAP_MAX] = "MemorySwapMax",
        [STK_CG_PIDS_MAX] = "TasksMax",    [STK_CG_CPU_WEIGHT] = "CPUWeight",
        [STK_CG_IO_WEIGHT] = "IOWeight",
    };
    for (unsigned k = 0; k < STK_CG_NKEYS; k++) {
        const struct stk_cgroup_limit *l = &cg->lim[k];
        if (!l->set)
            continue;
        if (k != STK_CG_CPU_MAX) {
            if (l->value == STK_CG_MAX)
                stk_buf_printf(x->out, "%s=infinity\n", key[k]);
            else
                stk_buf_printf(x->out, "%s=%llu\n", key[k], (unsigned long long)l->value);
            continue;
        }
        uint64_t q = l->value, p = l->value2 ? l->value2 : STK_CG_PERIOD_DEFAULT;
        /* systemd keeps the quota in 1/100 % steps and the period in ms */
        if (p % 1000 != 0 || (q != STK_CG_MAX && (q * 10000) % p != 0)) {
            stk_sd_lose(x, or_policy(x, l->loc), "different (rounded)",
                        "cpu.max %llu %llu: CPUQuota= takes hundredths of a percent and CPUQuotaPeriodSec= "
                        "milliseconds",
                        (unsigned long long)q, (unsigned long long)p);
            continue;
        }
        if (q == STK_CG_MAX)
            stk_buf_puts(x->out, "CPUQuota=\n");
        else if ((q * 100) % p == 0)
            stk_buf_printf(x->out, "CPUQuota=%llu%%\n", (unsigned long long)(q * 100 / p));
        else
            stk_buf_printf(x->out, "CPUQuota=%llu.%02llu%%\n", (unsigned long long)(q * 100 / p),
                           (unsigned long long)(q * 10000 / p % 100));
        stk_buf_printf(x->out, "CPUQuotaPeriodSec=%llums\n", (unsigned long long)(p / 1000));
    }
}

static void lsm(struct stk_sd *x)
{
    const struct stk_lsm_ir *l = &x->ir->lsm;
    const struct stk_selinux_ir *se = &l->selinux;
    if (se->present) {
        const char *level = se->level ? se->level : "s0";
        if (se->level_auto &&
            stk_sd_lose(x, se->loc, "looser",
                        "selinux level auto (a category pair of its own per instance): SELinuxContext= takes one "
                        "fixed level"))
            level = "s0";
        bool tmpfs = false;
        for (size_t i = 0; i < x->ir->iso.nfs; i++)
            tmpfs |= x->ir->iso.fs_entries[i].kind == STK_FS_TMPFS;
        if (se->filetype && tmpfs)
            stk_sd_lose(x, se->loc, "different (the default label)",
                        "selinux filetype %s: TemporaryFileSystem= mounts are not labelled with it", se->filetype);
        stk_buf_printf(x->out,
                       "# load the policy's SELinux module first: stockade compile --emit=selinux-cil POLICY.stk\n"
                       "SELinuxContext=%ssystem_u:system_r:%s:%s\n",
                       se->optional ? "-" : "", se->type, level);
    }
    const struct stk_apparmor_ir *aa = &l->apparmor;
    if (aa->present) {
        if (aa->generate)
            stk_buf_puts(x->out, "# load the profile first: stockade compile --emit=apparmor POLICY.stk | "
                                 "apparmor_parser -r\n");
        stk_buf_printf(x->out, "AppArmorProfile=%s%s\n", aa->optional ? "-" : "", aa->profile);
    }
}

void stk_sd_limits(struct stk_sd *x)
{
    landlock(x);
    stk_sd_cgroup(x);
    lsm(x);
}
