/* score_checks.c — the exposure checks read from the compiled policy (IR):
 * identity, capabilities, no_new_privs, namespaces, filesystem view,
 * Landlock, cgroup limits and LSM labels; and the total.  The syscall checks
 * are in score_syscalls.c.  Weights and their reasons: docs/score.md. */
#include <stdio.h>
#include <string.h>

#include "bundle_isolation.h"
#include "score.h"

/* Points of the 10 each check is worth (they add up to 10). */
static const struct {
    const char *name;
    double weight;
} check_defs[STK_SCORE_NCHECKS] = {
    [STK_SCORE_IDENTITY] = {"identity", 1.0},       [STK_SCORE_CAPABILITIES] = {"capabilities", 1.5},
    [STK_SCORE_NO_NEW_PRIVS] = {"no_new_privs", 0.5}, [STK_SCORE_SYSCALLS] = {"syscalls", 2.5},
    [STK_SCORE_ARGUMENTS] = {"arguments", 1.0},     [STK_SCORE_NAMESPACES] = {"namespaces", 1.0},
    [STK_SCORE_FILESYSTEM] = {"filesystem", 1.0},   [STK_SCORE_LANDLOCK] = {"landlock", 0.5},
    [STK_SCORE_CGROUP] = {"cgroup", 0.5},           [STK_SCORE_LSM] = {"lsm", 0.5},
};

static bool is_root(const char *id)
{
    return !id || strcmp(id, "root") == 0 || strcmp(id, "0") == 0;
}

static void identity(const struct stk_policy_ir *ir, struct stk_score_check *c)
{
    if (!is_root(ir->user)) {
        c->exposure = is_root(ir->group) && ir->group ? 0.2 : 0.0;
        snprintf(c->detail, sizeof c->detail, "runs as user %s%s%s", ir->user, ir->group ? ", group " : "",
                 ir->group ? ir->group : "");
        if (c->exposure > 0)
            snprintf(c->hint, sizeof c->hint, "group NAME (not root)");
        return;
    }
    if (!ir->user && (ir->iso.ns & STK_NS_BIT(STK_NS_USER))) {
        c->exposure = 0.4;
        snprintf(c->detail, sizeof c->detail, "the caller's identity, in a user namespace (root squashed to nobody)");
    } else {
        c->exposure = 1.0;
        snprintf(c->detail, sizeof c->detail, "%s", ir->user ? "runs as root" : "runs as the caller (root for a system service)");
    }
    snprintf(c->hint, sizeof c->hint, "user NAME and group NAME");
}

/* How much each capability opens, as a share of the whole check; others 0.05. */
static const struct {
    const char *name;
    double w;
} cap_defs[] = {
    {"chown", 0.2},          {"dac_override", 0.5},   {"dac_read_search", 0.4}, {"fowner", 0.3},
    {"fsetid", 0.1},         {"kill", 0.15},          {"setgid", 0.3},          {"setuid", 0.4},
    {"setpcap", 0.2},        {"linux_immutable", 0.1}, {"net_bind_service", 0.05}, {"net_broadcast", 0.05},
    {"net_admin", 0.4},      {"net_raw", 0.15},       {"ipc_lock", 0.05},       {"ipc_owner", 0.1},
    {"sys_module", 1.0},     {"sys_rawio", 0.8},      {"sys_chroot", 0.1},      {"sys_ptrace", 0.6},
    {"sys_pacct", 0.05},     {"sys_admin", 1.0},      {"sys_boot", 0.5},        {"sys_nice", 0.05},
    {"sys_resource", 0.15},  {"sys_time", 0.2},       {"sys_tty_config", 0.05}, {"mknod", 0.15},
    {"lease", 0.05},         {"audit_write", 0.05},   {"audit_control", 0.2},   {"setfcap", 0.4},
    {"mac_override", 0.5},   {"mac_admin", 0.5},      {"syslog", 0.1},          {"wake_alarm", 0.05},
    {"block_suspend", 0.05}, {"audit_read", 0.1},     {"perfmon", 0.3},         {"bpf", 0.6},
    {"checkpoint_restore", 0.2},
};
#define NCAPS (sizeof cap_defs / sizeof cap_defs[0])

static void capabilities(const struct stk_policy_ir *ir, struct stk_score_check *c)
{
    if (ir->caps_mode == STK_CAPS_NONE) {
        c->exposure = 0;
        snprintf(c->detail, sizeof c->detail, "none");
        return;
    }
    if (ir->caps_mode == STK_CAPS_ALL) {
        c->exposure = 1.0;
        snprintf(c->detail, sizeof c->detail, "all capabilities kept");
        snprintf(c->hint, sizeof c->hint, "capabilities none, or keep only what the service needs");
        return;
    }
    double e = 0;
    for (unsigned n = 0; n < 64; n++) {
        if (!((ir->caps_keep >> n) & 1))
            continue;
        const char *name = n < NCAPS ? cap_defs[n].name : "unknown";
        e += n < NCAPS ? cap_defs[n].w : 0.05;
        stk_score_append(c->detail, sizeof c->detail, name);
    }
    if (!c->detail[0])
        snprintf(c->detail, sizeof c->detail, "none");
    c->exposure = e > 1.0 ? 1.0 : e;
    if (e > 0)
        snprintf(c->hint, sizeof c->hint, "keep fewer capabilities (capabilities none if the service needs none)");
}

static void nnp(const struct stk_policy_ir *ir, struct stk_score_check *c)
{
    c->exposure = ir->no_new_privs ? 0 : 1.0;
    snprintf(c->detail, sizeof c->detail, "%s",
             ir->no_new_privs ? "set: setuid programs and file capabilities cannot raise privileges"
                              : "off: executing a setuid program or one with file capabilities gains privileges");
    if (!ir->no_new_privs)
        snprintf(c->hint, sizeof c->hint, "no_new_privs (drop `no_new_privs off`)");
}

static void namespaces(const struct stk_policy_ir *ir, struct stk_score_check *c)
{
    static const double w[STK_NS_COUNT] = {[STK_NS_PID] = 0.2, [STK_NS_MOUNT] = 0.15, [STK_NS_IPC] = 0.1,
                                            [STK_NS_UTS] = 0.05, [STK_NS_NET] = 0.35, [STK_NS_USER] = 0.1,
                                            [STK_NS_CGROUP] = 0.05};
    uint32_t ns = ir->iso.ns;
    if (ir->iso.fs)
        ns |= STK_NS_BIT(STK_NS_MOUNT);
    c->exposure = 0;
    char own[256] = "";
    for (int k = 0; k < STK_NS_COUNT; k++) {
        if (ns & STK_NS_BIT(k)) {
            stk_score_append(own, sizeof own, stk_bns_name(STK_NS_BIT(k)));
        } else {
            c->exposure += w[k];
            stk_score_append(c->hint, sizeof c->hint, stk_bns_name(STK_NS_BIT(k)));
        }
    }
    if (own[0])
        snprintf(c->detail, sizeof c->detail, "own %s", own);
    else
        snprintf(c->detail, sizeof c->detail, "shares every namespace with the host");
    if (c->hint[0]) {
        char h[sizeof c->hint];
        snprintf(h, sizeof h, "namespaces %.480s", c->hint);
        memcpy(c->hint, h, sizeof h);
    }
    if (c->exposure < 1e-9)
        c->exposure = 0;
}

static void filesystem(const struct stk_policy_ir *ir, struct stk_score_check *c)
{
    if (!ir->iso.fs) {
        c->exposure = 1.0;
        snprintf(c->detail, sizeof c->detail, "the host's filesystem, writable wherever file permissions allow");
        snprintf(c->hint, sizeof c->hint, "filesystem { readonly /; tmpfs /tmp; ... }");
        return;
    }
    bool ro_root = false;
    size_t writable = 0;
    char list[256] = "";
    for (size_t i = 0; i < ir->iso.nfs; i++) {
        const struct stk_fs_entry *e = &ir->iso.fs_entries[i];
        if (strcmp(e->path, "/") == 0 && (e->kind == STK_FS_READONLY || (e->kind == STK_FS_BIND && e->readonly)))
            ro_root = true;
        if (e->kind == STK_FS_BIND && !e->readonly) {
            writable++;
            stk_score_append(list, sizeof list, e->path);
        }
    }
    if (!ro_root) {
        c->exposure = 0.8;
        snprintf(c->detail, sizeof c->detail, "own mount namespace, but / stays writable");
        snprintf(c->hint, sizeof c->hint, "readonly / in the filesystem block");
        return;
    }
    double e = 0.1 + 0.15 * (double)writable;
    c->exposure = e > 0.7 ? 0.7 : e;
    snprintf(c->detail, sizeof c->detail, "/ read-only; writable host paths: %s", writable ? list : "none");
    snprintf(c->hint, sizeof c->hint, "%s", writable ? "bind host paths readonly, or use a tmpfs"
                                                     : "a private root (root PATH) holding only what the service needs");
}

static void landlock(const struct stk_policy_ir *ir, struct stk_score_check *c)
{
    const struct stk_landlock_ir *l = &ir->landlock;
    if (!l->present) {
        c->exposure = 1.0;
        snprintf(c->detail, sizeof c->detail, "no Landlock ruleset");
        snprintf(c->hint, sizeof c->hint, "landlock { read ...; write ...; execute ... }");
        return;
    }
    double e = 0;
    if ((l->handled.fs & STK_LL_WRITE) != STK_LL_WRITE) {
        e += 0.4;
        stk_score_append(c->detail, sizeof c->detail, "writes not restricted");
        stk_score_append(c->hint, sizeof c->hint, "write PATH rules");
    }
    if (!(l->handled.fs & STK_LL_FS_EXECUTE)) {
        e += 0.1;
        stk_score_append(c->detail, sizeof c->detail, "execution not restricted");
        stk_score_append(c->hint, sizeof c->hint, "execute PATH rules");
    }
    if ((l->handled.net & STK_LL_NET_ALL) != STK_LL_NET_ALL) {
        e += 0.2;
        stk_score_append(c->detail, sizeof c->detail, "TCP bind/connect not restricted");
        stk_score_append(c->hint, sizeof c->hint, "bind tcp / connect tcp rules");
    }
    if ((l->handled.scope & STK_LL_SCOPE_ALL) != STK_LL_SCOPE_ALL) {
        e += 0.1;
        stk_score_append(c->detail, sizeof c->detail, "signal/abstract-unix scope open");
        stk_score_append(c->hint, sizeof c->hint, "scope signal, abstract-unix");
    }
    if (l->best_effort) {
        e += 0.1;
        stk_score_append(c->detail, sizeof c->detail, "best-effort on older kernels");
        stk_score_append(c->hint, sizeof c->hint, "compat required (if every host has a recent kernel)");
    }
    c->exposure = e > 1.0 ? 1.0 : e;
    if (!c->detail[0])
        snprintf(c->detail, sizeof c->detail, "files, execution, TCP and scopes restricted");
}

static void cgroup(const struct stk_policy_ir *ir, struct stk_score_check *c)
{
    static const struct {
        int key;
        double w;
    } want[] = {{STK_CG_MEMORY_MAX, 0.4}, {STK_CG_PIDS_MAX, 0.4}, {STK_CG_CPU_MAX, 0.2}};
    c->exposure = 0;
    char set[256] = "";
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct stk_cgroup_limit *lim = &ir->cgroup.lim[want[i].key];
        const char *name = stk_cg_key_name((unsigned)want[i].key);
        if (ir->cgroup.present && lim->set && lim->value != STK_CG_MAX) {
            stk_score_append(set, sizeof set, name);
        } else {
            c->exposure += want[i].w;
            stk_score_append(c->hint, sizeof c->hint, name);
        }
    }
    snprintf(c->detail, sizeof c->detail, "%s%s", set[0] ? "limits: " : "no memory, pids or cpu limit", set);
    if (c->hint[0]) {
        char h[sizeof c->hint];
        snprintf(h, sizeof h, "cgroup { %.480s }", c->hint);
        memcpy(c->hint, h, sizeof h);
    }
}

static void lsm(const struct stk_policy_ir *ir, struct stk_score_check *c)
{
    const struct stk_lsm_ir *l = &ir->lsm;
    bool se = l->selinux.present, aa = l->apparmor.present;
    if (!se && !aa) {
        c->exposure = 1.0;
        snprintf(c->detail, sizeof c->detail, "no SELinux domain or AppArmor profile");
        snprintf(c->hint, sizeof c->hint, "a selinux or apparmor block");
        return;
    }
    bool required = (se && !l->selinux.optional) || (aa && !l->apparmor.optional);
    c->exposure = required ? 0 : 0.3;
    snprintf(c->detail, sizeof c->detail, "%s%s%s%s", se ? "SELinux domain " : "", se && l->selinux.type ? l->selinux.type : "",
             se && aa ? ", " : "", aa ? "AppArmor profile" : "");
    if (!required)
        snprintf(c->hint, sizeof c->hint, "make the label required (drop optional)");
}

void stk_score_policy(const struct stk_policy_ir *ir, const struct stk_bpf_prog *prog, struct stk_score *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < STK_SCORE_NCHECKS; i++) {
        out->checks[i].name = check_defs[i].name;
        out->checks[i].weight = check_defs[i].weight;
    }
    identity(ir, &out->checks[STK_SCORE_IDENTITY]);
    capabilities(ir, &out->checks[STK_SCORE_CAPABILITIES]);
    nnp(ir, &out->checks[STK_SCORE_NO_NEW_PRIVS]);
    bool net_raw = ir->caps_mode == STK_CAPS_ALL || (ir->caps_mode == STK_CAPS_KEEP && ((ir->caps_keep >> 13) & 1));
    stk_score_syscalls(prog, net_raw, out);
    namespaces(ir, &out->checks[STK_SCORE_NAMESPACES]);
    filesystem(ir, &out->checks[STK_SCORE_FILESYSTEM]);
    landlock(ir, &out->checks[STK_SCORE_LANDLOCK]);
    cgroup(ir, &out->checks[STK_SCORE_CGROUP]);
    lsm(ir, &out->checks[STK_SCORE_LSM]);
    double sum = 0;
    for (int i = 0; i < STK_SCORE_NCHECKS; i++) {
        /* to 1/1000, so that sums of shares such as 0.35 + 0.2 + ... are exact */
        out->checks[i].exposure = (double)(long)(out->checks[i].exposure * 1000.0 + 0.5) / 1000.0;
        if (out->checks[i].exposure <= 0)
            out->checks[i].hint[0] = '\0';
        sum += out->checks[i].weight * out->checks[i].exposure;
    }
    out->total = (double)(long)(sum * 10.0 + 0.5) / 10.0;
    if (out->total > 10.0)
        out->total = 10.0;
}
