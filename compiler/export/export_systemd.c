/* export_systemd.c — `stockade compile --emit=systemd`: the drop-in's frame,
 * the process attributes (identity, capabilities, rlimits, environment,
 * working directory, umask) and --systemd-wrap.  The seccomp block is
 * export_systemd_seccomp.c's, the namespaces, filesystem, Landlock, cgroup
 * and LSM parts export_systemd_view.c's.  docs/interop.md, "systemd". */
#include "export/export_systemd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "export/export_systemd_int.h"
#include "version.h"

bool stk_sd_lose(struct stk_sd *x, struct stk_loc loc, const char *dir, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    if (loc.file == 0)
        loc = x->ir->loc;
    if (x->o->lossy) {
        stk_diag(x->ds, STK_SEV_WARNING, "lossy-export", loc, NULL, "systemd export: %s; the drop-in is %s here",
                 msg ? msg : "(out of memory)", dir);
    } else {
        stk_diag(x->ds, STK_SEV_ERROR, "not-exportable", loc,
                 "--lossy approximates (each approximation a warning); --systemd-wrap runs the service through "
                 "stockade-exec, which enforces all of the policy",
                 "systemd export: %s", msg ? msg : "(out of memory)");
        x->failed = true;
    }
    free(msg);
    return x->o->lossy;
}

bool stk_sd_keeps_sys_admin(const struct stk_policy_ir *ir)
{
    return ir->caps_mode == STK_CAPS_ALL || (ir->caps_mode == STK_CAPS_KEEP && (ir->caps_keep >> CAP_SYS_ADMIN) & 1);
}

/* A user or group name systemd takes as it is (no quoting in User=). */
static bool plain_id(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-' || *p == '.'))
            return false;
    return true;
}

static void identity(struct stk_sd *x)
{
    const struct stk_policy_ir *ir = x->ir;
    const char *ids[2] = {ir->user, ir->group};
    const char *keys[2] = {"User", "Group"};
    for (int i = 0; i < 2; i++) {
        if (!ids[i])
            continue;
        if (plain_id(ids[i]))
            stk_buf_printf(x->out, "%s=%s\n", keys[i], ids[i]);
        else
            stk_sd_lose(x, ir->loc, "looser", "%s=\"%s\": systemd takes user and group names without quoting or spaces",
                        keys[i], ids[i]);
    }
    if (ir->user &&
        stk_sd_lose(x, ir->loc, "looser",
                    "with User=, systemd also gives the service the user's supplementary groups from the group "
                    "database (initgroups); the policy gives %s",
                    ir->nsupp ? "only the groups it lists" : "none"))
        stk_buf_puts(x->out, "# (User=: the user's supplementary groups of the group database come too)\n");
    if (ir->nsupp) {
        stk_buf_puts(x->out, "SupplementaryGroups=\nSupplementaryGroups=");
        for (size_t i = 0; i < ir->nsupp; i++) {
            if (!plain_id(ir->supp_groups[i]))
                stk_sd_lose(x, ir->loc, "looser", "supplementary group \"%s\": systemd takes names without quoting",
                            ir->supp_groups[i]);
            stk_buf_printf(x->out, "%s%s", i ? " " : "", ir->supp_groups[i]);
        }
        stk_buf_puts(x->out, "\n");
    }
}

static void capabilities(struct stk_sd *x)
{
    const struct stk_policy_ir *ir = x->ir;
    if (ir->no_new_privs)
        stk_buf_puts(x->out, "NoNewPrivileges=yes\n");
    if (ir->caps_mode == STK_CAPS_ALL)
        return; /* nothing changed: the unit's own settings stay */
    /* An empty assignment first: the unit's own lists do not add to ours. */
    stk_buf_puts(x->out, "CapabilityBoundingSet=\nAmbientCapabilities=\n");
    if (ir->caps_mode == STK_CAPS_NONE || ir->caps_keep == 0)
        return;
    struct stk_buf names = {0};
    for (int c = 0; c <= CAP_LAST_CAP && c < 64; c++) {
        if (!((ir->caps_keep >> c) & 1))
            continue;
        char *n = cap_to_name((cap_value_t)c);
        if (!n)
            continue;
        stk_buf_puts(&names, names.len ? " " : "");
        for (char *p = n; *p; p++)
            stk_buf_printf(&names, "%c", *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
        cap_free(n);
    }
    stk_buf_printf(x->out, "CapabilityBoundingSet=%s\n", names.data ? names.data : "");
    /* under another user the kept capabilities survive execve only as ambient ones */
    if (ir->user)
        stk_buf_printf(x->out, "AmbientCapabilities=%s\n", names.data ? names.data : "");
    stk_buf_free(&names);
}

static const struct {
    int res;
    const char *key;
} limit_keys[] = {
    {RLIMIT_CPU, "LimitCPU"},           {RLIMIT_FSIZE, "LimitFSIZE"},     {RLIMIT_DATA, "LimitDATA"},
    {RLIMIT_STACK, "LimitSTACK"},       {RLIMIT_CORE, "LimitCORE"},       {RLIMIT_RSS, "LimitRSS"},
    {RLIMIT_NPROC, "LimitNPROC"},       {RLIMIT_NOFILE, "LimitNOFILE"},   {RLIMIT_MEMLOCK, "LimitMEMLOCK"},
    {RLIMIT_AS, "LimitAS"},             {RLIMIT_LOCKS, "LimitLOCKS"},     {RLIMIT_SIGPENDING, "LimitSIGPENDING"},
    {RLIMIT_MSGQUEUE, "LimitMSGQUEUE"}, {RLIMIT_NICE, "LimitNICE"},       {RLIMIT_RTPRIO, "LimitRTPRIO"},
    {RLIMIT_RTTIME, "LimitRTTIME"},
};

static void limit_value(struct stk_buf *b, uint64_t v)
{
    if (v == (uint64_t)RLIM_INFINITY)
        stk_buf_puts(b, "infinity");
    else
        stk_buf_printf(b, "%llu", (unsigned long long)v);
}

/* Plain numbers: seconds for LimitCPU=, microseconds for LimitRTTIME=, bytes
 * or counts elsewhere, the raw 0..40 value for LimitNICE= -- the units of
 * setrlimit itself. */
static void rlimits(struct stk_sd *x)
{
    for (size_t i = 0; i < sizeof limit_keys / sizeof limit_keys[0]; i++) {
        if (limit_keys[i].res >= STK_RLIMIT_COUNT || !x->ir->rlimits[limit_keys[i].res].set)
            continue;
        const struct stk_rlimit *r = &x->ir->rlimits[limit_keys[i].res];
        stk_buf_printf(x->out, "%s=", limit_keys[i].key);
        limit_value(x->out, r->soft);
        if (r->hard != r->soft) {
            stk_buf_puts(x->out, ":");
            limit_value(x->out, r->hard);
        }
        stk_buf_puts(x->out, "\n");
    }
}

/* The variables systemd itself puts in a service's environment (systemd.exec(5),
 * "Environment variables in spawned processes"); `env { clear }` removes the
 * ones the policy does not keep or set.  A newer systemd may add more. */
static const char *const manager_env[] = {
    "PATH", "LANG", "USER", "LOGNAME", "HOME", "SHELL", "INVOCATION_ID", "JOURNAL_STREAM", "NOTIFY_SOCKET",
    "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "MAINPID", "MANAGERPID", "WATCHDOG_PID", "WATCHDOG_USEC",
    "TERM", "RUNTIME_DIRECTORY", "STATE_DIRECTORY", "CACHE_DIRECTORY", "LOGS_DIRECTORY",
    "CONFIGURATION_DIRECTORY", "CREDENTIALS_DIRECTORY", "SYSTEMD_EXEC_PID", "MONITOR_SERVICE_RESULT",
    "MONITOR_EXIT_CODE", "MONITOR_EXIT_STATUS", "MONITOR_INVOCATION_ID", "MONITOR_UNIT", "PIDFILE",
    "TRIGGER_UNIT", "TRIGGER_PATH", "TRIGGER_TIMER_REALTIME_USEC", "TRIGGER_TIMER_MONOTONIC_USEC",
    "MEMORY_PRESSURE_WATCH", "MEMORY_PRESSURE_WRITE", "FDSTORE", "REMOTE_ADDR", "REMOTE_PORT",
};

static bool env_named(const struct stk_policy_ir *ir, const char *name)
{
    for (size_t i = 0; i < ir->nenv_keep; i++)
        if (strcmp(ir->env_keep[i], name) == 0)
            return true;
    for (size_t i = 0; i < ir->nenv_set; i++)
        if (strcmp(ir->env_set[i].name, name) == 0)
            return true;
    return false;
}

static void environment(struct stk_sd *x)
{
    const struct stk_policy_ir *ir = x->ir;
    for (size_t i = 0; i < ir->nenv_set; i++) {
        /* C-style quoting; % starts a specifier in unit files */
        stk_buf_puts(x->out, "Environment=\"");
        bool bad = false;
        for (int part = 0; part < 2; part++) {
            const char *s = part ? ir->env_set[i].value : ir->env_set[i].name;
            for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p < 0x20 || *p == 0x7f)
                    bad = true;
                else if (*p == '"' || *p == '\\')
                    stk_buf_printf(x->out, "\\%c", *p);
                else if (*p == '%')
                    stk_buf_puts(x->out, "%%");
                else
                    stk_buf_put(x->out, p, 1);
            }
            if (!part)
                stk_buf_puts(x->out, "=");
        }
        stk_buf_puts(x->out, "\"\n");
        if (bad)
            stk_sd_lose(x, ir->loc, "looser", "the value of %s has a control character, which a unit file cannot hold",
                        ir->env_set[i].name);
    }
    if (!ir->env_clear)
        return;
    if (ir->nenv_keep) {
        stk_buf_puts(x->out, "PassEnvironment=");
        for (size_t i = 0; i < ir->nenv_keep; i++)
            stk_buf_printf(x->out, "%s%s", i ? " " : "", ir->env_keep[i]);
        stk_buf_puts(x->out, "\n");
    }
    stk_buf_puts(x->out, "# env { clear }: what systemd itself sets, unless kept or set\nUnsetEnvironment=");
    bool first = true;
    for (size_t i = 0; i < sizeof manager_env / sizeof manager_env[0]; i++)
        if (!env_named(ir, manager_env[i])) {
            stk_buf_printf(x->out, "%s%s", first ? "" : " ", manager_env[i]);
            first = false;
        }
    stk_buf_puts(x->out, "\n");
}

static void process(struct stk_sd *x)
{
    const struct stk_policy_ir *ir = x->ir;
    identity(x);
    capabilities(x);
    rlimits(x);
    environment(x);
    if (ir->workdir)
        stk_buf_printf(x->out, "WorkingDirectory=%s\n", ir->workdir);
    if (ir->umask_set)
        stk_buf_printf(x->out, "UMask=%04o\n", ir->umask);
    /* keep_fds: a service inherits no descriptors but stdio and socket
     * activation's, which it keeps (tighter than or equal to the policy). */
}

/* An argument for ExecStart= that needs no quoting. */
static bool plain_path(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("/._+-@:,=", *p)))
            return false;
    return true;
}

int stk_sd_check_opts(const struct stk_sd_opts *o, char *err, size_t len)
{
    if (!o->wrap) {
        if (o->bundle || o->command || o->exec) {
            snprintf(err, len, "--systemd-bundle, --systemd-command and --systemd-exec go with --systemd-wrap");
            return -1;
        }
        return 0;
    }
    if (!o->command || !*o->command) {
        snprintf(err, len, "--systemd-wrap needs --systemd-command='THE SERVICE'S COMMAND LINE' (its ExecStart=)");
        return -1;
    }
    if (strchr("-@:+!|", o->command[0]) || strpbrk(o->command, "\n\r")) {
        snprintf(err, len,
                 "--systemd-command: give the command line without ExecStart= prefixes (-@:+!|) and on one line");
        return -1;
    }
    if (o->bundle && (o->bundle[0] != '/' || !plain_path(o->bundle))) {
        snprintf(err, len, "--systemd-bundle: an absolute path of letters, digits and /._+-@:,= only");
        return -1;
    }
    if (o->exec && !plain_path(o->exec)) {
        snprintf(err, len, "--systemd-exec: a path of letters, digits and /._+-@:,= only");
        return -1;
    }
    return 0;
}

/* --systemd-wrap: stockade-exec enforces the whole policy; only what bounds
 * the whole service from outside (the cgroup limits) is said to systemd too.
 * Identity, capabilities, seccomp and the filesystem view must not be: they
 * would bind stockade-exec itself, which needs root to set them up. */
static void wrap(struct stk_sd *x)
{
    const struct stk_sd_opts *o = x->o;
    char *bundle = o->bundle ? stk_xstrdup(o->bundle) : stk_xasprintf("/etc/stockade/%s.bundle", x->ir->name);
    if (!plain_path(bundle))
        stk_sd_lose(x, x->ir->loc, "looser",
                    "the default bundle path %s needs quoting: give --systemd-bundle=PATH", bundle);
    stk_buf_printf(x->out,
                   "# The service runs through stockade-exec, which enforces the whole policy.\n"
                   "# Install the bundle first: stockade compile -o %s POLICY.stk\n"
                   "# The unit must not set User=, Group= or sandboxing directives that bind\n"
                   "# stockade-exec (SystemCallFilter=, CapabilityBoundingSet=, NoNewPrivileges=,\n"
                   "# ProtectSystem=, ...): stockade-exec needs root to apply the policy.\n"
                   "ExecStart=\n"
                   "ExecStart=%s %s -- %s\n",
                   bundle, o->exec ? o->exec : "stockade-exec", bundle, o->command);
    free(bundle);
    bool limits = false;
    for (unsigned k = 0; k < STK_CG_NKEYS; k++)
        limits |= x->ir->cgroup.present && x->ir->cgroup.lim[k].set;
    if (limits)
        stk_buf_puts(x->out,
                     "# The policy's cgroup limits: stockade-exec puts the command in a leaf of the nearest\n"
                     "# cgroup that can take the controllers; the unit's own cgroup holds stockade-exec, so\n"
                     "# that leaf is made above it, outside the unit (docs/interop.md, --systemd-wrap).\n"
                     "# The same limits, given to systemd, bound the unit's cgroup.\n");
    stk_sd_cgroup(x);
}

bool stk_export_systemd(const struct stk_policy_ir *ir, const struct stk_sd_opts *o, struct stk_diags *ds,
                        struct stk_buf *out)
{
    struct stk_sd x = {.ir = ir, .o = o, .ds = ds, .out = out};
    const struct stk_source *src = stk_diags_source(ds, ir->loc.file);
    stk_buf_printf(out,
                   "# systemd drop-in generated by stockade %s from policy '%s'%s%s.\n"
                   "# Install as /etc/systemd/system/UNIT.service.d/stockade.conf, then\n"
                   "# systemctl daemon-reload.  docs/interop.md, \"systemd\".\n"
                   "[Service]\n",
                   STK_VERSION, ir->name, src ? " of " : "", src ? src->path : "");
    if (ir->nunenforced)
        stk_sd_lose(&x, ir->unenforced_loc[0], "looser", "'%s' is not enforced by this version of stockade",
                    ir->unenforced[0]);
    if (o->wrap) {
        wrap(&x);
        return !x.failed;
    }
    process(&x);
    stk_sd_seccomp(&x);
    stk_sd_view(&x);
    stk_sd_limits(&x);
    return !x.failed;
}
