/* test_export_systemd.c — `compile --emit=systemd` (export_systemd*.c): the
 * directives each setting becomes, and the refusals (not-exportable, at the
 * rule) or approximations (--lossy: lossy-export, tighter or looser) where
 * systemd's semantics differ: one answer for an allow-list, systemd's
 * always-allowed calls, exec, deny-list errnos, socket families and clone
 * flags, namespaces, cgroup granularity, quoting, --systemd-wrap.  Run
 * under ASan too (make check). */
#include "export/export_systemd.h"
#include "frontend_harness.h"

static struct stk_buf out;
static bool ok;

/* Compile text and export it; out holds the drop-in, ok the result. */
static void export_opts(const char *text, struct stk_sd_opts o)
{
    stk_buf_free(&out);
    compile(text);
    if (!ir)
        T_FAILF("does not compile:%s", dump());
    ok = stk_export_systemd(ir, &o, &ds, &out);
    stk_buf_puts(&out, ""); /* NUL-terminated even when empty */
}

static void export(const char *text)
{
    export_opts(text, (struct stk_sd_opts){0});
}

/* out has this line, whole */
static bool has_line(const char *line)
{
    size_t n = strlen(line);
    for (const char *p = out.data; p && (p = strstr(p, line)); p += n)
        if ((p == out.data || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

#define CHECK_LINE(l) CHECK_MSG(has_line(l), "no line '%s' in:\n%s%s", (l), out.data, dump())
#define CHECK_NO_LINE(l) CHECK_MSG(!has_line(l), "line '%s' in:\n%s", (l), out.data)

/* The always-allowed calls of a systemd allow-list (stockade's @default and execve), allowed, so
 * that the rest is what is checked. */
#define BASE "allow @default, execve\n"
#define INC "include \"groups.stk\"\n"

TEST(allow_list_names_and_errno)
{
    export(INC "policy p {\n seccomp {\n  default errno EACCES\n  " BASE "  allow read, write\n }\n}\n");
    CHECK_MSG(ok && ds.nerrors == 0, "refused:%s", dump());
    CHECK_LINE("SystemCallFilter=");
    CHECK_LINE("SystemCallErrorNumber=EACCES");
    CHECK_LINE("SystemCallArchitectures=native");
    CHECK_LINE("NoNewPrivileges=yes");
    CHECK_LINE("CapabilityBoundingSet=");
    CHECK(strstr(out.data, " read ") || strstr(out.data, " read\n"));
    CHECK(!strstr(out.data, " openat"));
    CHECK(!strstr(out.data, "@"));
}

TEST(allow_list_answers_alike)
{
    export(INC "policy p {\n seccomp {\n  default errno EPERM\n  " BASE "  errno EACCES ptrace\n  allow read\n }\n}\n");
    CHECK(!ok);
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "not-exportable", 0);
    CHECK_MSG(d, "no refusal:%s", dump());
    CHECK_INT(d->loc.line, 6);
    CHECK_INT(d->loc.col, 3);
    CHECK_CONTAINS(d->message, "'errno EACCES ptrace' answers ptrace differently from the default (errno EPERM)");
    CHECK_INT(count_code("not-exportable"), 1);
    /* --lossy: a warning saying which way, and the drop-in */
    export_opts(INC "policy p {\n seccomp {\n  default errno EPERM\n  " BASE "  kill-process ptrace\n }\n}\n",
                (struct stk_sd_opts){.lossy = true});
    CHECK(ok);
    d = find_nth(STK_SEV_WARNING, "lossy-export", 0);
    CHECK_MSG(d, "no warning:%s", dump());
    CHECK_CONTAINS(d->message, "the drop-in is looser here");
    CHECK_INT(ds.nerrors, 0);
    CHECK_LINE("SystemCallErrorNumber=EPERM");
}

TEST(always_allowed_and_exec)
{
    export(INC "policy p {\n seccomp {\n  default kill-process\n  allow read\n }\n}\n");
    CHECK(!ok);
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "not-exportable", 0);
    CHECK(d);
    CHECK_CONTAINS(d->message, "which systemd allows in every allow-list");
    CHECK_CONTAINS(d->message, "getpid");
    bool exec = false;
    for (size_t i = 0; i < ds.nd; i++)
        exec |= strstr(ds.d[i].message, "denies execve: systemd must let the service's own exec through") != NULL;
    CHECK_MSG(exec, "no exec refusal:%s", dump());
    /* a deny-list denying execve: systemd could not start the service */
    export(INC "policy p {\n seccomp {\n  default allow\n  newer_syscalls allow\n  errno EPERM execve\n }\n}\n");
    CHECK(!ok);
    d = find_nth(STK_SEV_ERROR, "not-exportable", 0);
    CHECK(d);
    CHECK_INT(d->loc.line, 6);
    CHECK_CONTAINS(d->message, "denies execve");
}

TEST(deny_list_per_call)
{
    export(INC "policy p {\n seccomp {\n  default allow\n  newer_syscalls allow\n  kill-process mount, reboot\n"
           "  errno EACCES ptrace\n  errno 0 uname\n }\n}\n");
    CHECK_MSG(ok && ds.nerrors == 0, "refused:%s", dump());
    CHECK_LINE("SystemCallFilter=~mount:kill ptrace:EACCES reboot:kill uname:0");
    CHECK(!strstr(out.data, "SystemCallErrorNumber"));
    /* without newer_syscalls allow, the newer calls would run */
    export(INC "policy p {\n seccomp {\n  default allow\n  kill-process mount\n }\n}\n");
    CHECK(!ok);
    CHECK_CONTAINS(find_nth(STK_SEV_ERROR, "not-exportable", 0)->message, "calls newer than stockade's syscall table");
}

TEST(socket_families)
{
    const char *p = INC "policy p {\n seccomp {\n  default errno EPERM\n  " BASE
                    "  allow socket if domain in (AF_UNIX, AF_INET, AF_NETLINK)\n  errno EAFNOSUPPORT socket\n"
                    " }\n}\n";
    export(p);
    CHECK_MSG(ok && ds.nerrors == 0, "refused:%s", dump());
    CHECK_LINE("RestrictAddressFamilies=AF_UNIX AF_INET AF_NETLINK");
    CHECK(strstr(out.data, " socket"));
    /* the deny-list form compares all 64 bits: refused */
    export(INC "policy p {\n seccomp {\n  default errno EPERM\n  " BASE
           "  allow socket if domain not in (AF_PACKET)\n  errno EAFNOSUPPORT socket\n }\n}\n");
    CHECK(!ok);
    CHECK_INT(find_nth(STK_SEV_ERROR, "not-exportable", 0)->loc.line, 6);
    CHECK_NO_LINE("RestrictAddressFamilies=");
    /* systemd ignores RestrictAddressFamilies= on i386 */
    export(INC "policy p {\n seccomp {\n  arch x86_64, i386\n  default errno EPERM\n  " BASE
           "  allow socket if domain in (AF_UNIX)\n  errno EAFNOSUPPORT socket\n }\n}\n");
    CHECK(!ok);
    CHECK_CONTAINS(find_nth(STK_SEV_ERROR, "not-exportable", 0)->message, "argument condition");
}

TEST(clone_namespaces)
{
    const char *cl = "  allow clone if (flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER"
                     " | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)) == 0\n";
    char buf[4096];
    snprintf(buf, sizeof buf, INC "policy p {\n seccomp {\n  default errno EPERM\n  %s%s }\n}\n", BASE, cl);
    export(buf);
    CHECK_MSG(ok && ds.nerrors == 0, "refused:%s", dump());
    CHECK_LINE("RestrictNamespaces=yes");
    /* unshare allowed: systemd would refuse it with namespace flags, the policy does not */
    snprintf(buf, sizeof buf, INC "policy p {\n seccomp {\n  default errno EPERM\n  %s  allow unshare\n%s }\n}\n", BASE,
             cl);
    export(buf);
    CHECK(!ok);
    CHECK_NO_LINE("RestrictNamespaces=yes");
}

TEST(process_settings)
{
    export("policy p {\n capabilities { keep net_bind_service, chown }\n supplementary_groups audio, 44\n"
           " rlimit nofile 1024 4096\n rlimit core 0\n rlimit as unlimited\n"
           " env { clear; keep PATH; set GREETING=\"say \\\"100%\\\"\" }\n workdir /srv\n umask 027\n}\n");
    CHECK_MSG(ok && ds.nerrors == 0, "refused:%s", dump());
    CHECK_LINE("CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE");
    CHECK_NO_LINE("AmbientCapabilities=CAP_CHOWN CAP_NET_BIND_SERVICE"); /* no User=: root keeps them */
    CHECK_LINE("SupplementaryGroups=audio 44");
    CHECK_LINE("LimitNOFILE=1024:4096");
    CHECK_LINE("LimitCORE=0");
    CHECK_LINE("LimitAS=infinity");
    CHECK_LINE("Environment=\"GREETING=say \\\"100%%\\\"\"");
    CHECK_LINE("PassEnvironment=PATH");
    CHECK(strstr(out.data, "UnsetEnvironment=LANG USER"));
    CHECK_LINE("WorkingDirectory=/srv");
    CHECK_LINE("UMask=0027");
    CHECK(!strstr(out.data, "SystemCallFilter")); /* no seccomp block */
    /* User=: systemd adds the group database's supplementary groups */
    export("policy p {\n user nobody\n capabilities { keep net_bind_service }\n}\n");
    CHECK(!ok);
    CHECK_CONTAINS(find_nth(STK_SEV_ERROR, "not-exportable", 0)->message, "supplementary groups");
    export_opts("policy p {\n user nobody\n capabilities { keep net_bind_service }\n}\n",
                (struct stk_sd_opts){.lossy = true});
    CHECK(ok);
    CHECK_LINE("User=nobody");
    CHECK_LINE("AmbientCapabilities=CAP_NET_BIND_SERVICE");
}

TEST(view_and_cgroup)
{
    export("policy p {\n namespaces net, ipc, uts\n filesystem {\n  readonly /\n  tmpfs /tmp size 8M\n"
           "  bind /srv/a /srv/b readonly\n  mask /proc/kcore\n  dev minimal\n }\n"
           " cgroup {\n  memory.max 64M\n  pids.max 32\n  cpu.max \"25000 50000\"\n  io.weight 50\n }\n}\n");
    CHECK_MSG(ok && ds.nerrors == 0, "refused:%s", dump());
    CHECK_LINE("PrivateNetwork=yes");
    CHECK_LINE("PrivateIPC=yes");
    CHECK_LINE("ProtectHostname=yes");
    CHECK_LINE("PrivateMounts=yes");
    CHECK_LINE("ReadWritePaths=");
    CHECK_LINE("ReadOnlyPaths=/");
    CHECK_LINE("TemporaryFileSystem=/tmp:mode=1777,nosuid,nodev,size=8388608");
    CHECK_LINE("BindReadOnlyPaths=/srv/a:/srv/b");
    CHECK_LINE("InaccessiblePaths=/proc/kcore");
    CHECK_LINE("PrivateDevices=yes");
    CHECK_LINE("MemoryMax=67108864");
    CHECK_LINE("TasksMax=32");
    CHECK_LINE("CPUQuota=50%");
    CHECK_LINE("CPUQuotaPeriodSec=50ms");
    CHECK_LINE("IOWeight=50");
    /* a quota systemd cannot hold in 1/100 % */
    export("policy p {\n cgroup {\n  cpu.max \"1001 300000\"\n }\n}\n");
    CHECK(!ok);
    CHECK_INT(find_nth(STK_SEV_ERROR, "not-exportable", 0)->loc.line, 3);
    export("policy p {\n namespaces pid, mount\n}\n");
    CHECK(!ok);
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "not-exportable", 0);
    CHECK_INT(d->loc.line, 2);
    CHECK_INT(d->loc.col, 13);
    CHECK_CONTAINS(d->message, "a pid namespace");
}

TEST(wrap)
{
    export_opts("policy web {\n namespaces pid\n cgroup {\n  pids.max 10\n }\n}\n",
                (struct stk_sd_opts){.wrap = true, .command = "/usr/bin/x -a \"b c\""});
    CHECK_MSG(ok && ds.nerrors == 0, "refused:%s", dump());
    CHECK_LINE("ExecStart=");
    CHECK_LINE("ExecStart=stockade-exec /etc/stockade/web.bundle -- /usr/bin/x -a \"b c\"");
    CHECK_LINE("TasksMax=10");
    CHECK(!strstr(out.data, "PrivatePIDs"));
    CHECK_NO_LINE("NoNewPrivileges=yes");
    char err[160];
    CHECK(stk_sd_check_opts(&(struct stk_sd_opts){.wrap = true}, err, sizeof err) < 0);
    CHECK_CONTAINS(err, "--systemd-command");
    CHECK(stk_sd_check_opts(&(struct stk_sd_opts){.wrap = true, .command = "+/bin/x"}, err, sizeof err) < 0);
    CHECK(stk_sd_check_opts(&(struct stk_sd_opts){.wrap = true, .command = "/bin/x", .bundle = "rel/b"}, err,
                            sizeof err) < 0);
    CHECK(stk_sd_check_opts(&(struct stk_sd_opts){.bundle = "/b"}, err, sizeof err) < 0);
    CHECK(stk_sd_check_opts(&(struct stk_sd_opts){.wrap = true, .command = "/bin/x", .bundle = "/etc/b.bundle",
                                                  .exec = "/usr/local/bin/stockade-exec"},
                            err, sizeof err) == 0);
}

/* Through the pipeline (compile --emit=systemd): each shipped policy is
 * refused at a located rule, exports with --lossy (warnings only), and with
 * --systemd-wrap. */
TEST(shipped_policies_through_the_pipeline)
{
    static const char *const files[] = {"policies/default.stk",          "policies/examples/web.stk",
                                        "policies/examples/minimal.stk", "policies/examples/denylist.stk",
                                        "policies/examples/deny-exec.stk", "policies/examples/sandbox.stk",
                                        "policies/examples/batch-worker.stk"};
    if (access(files[0], R_OK) != 0)
        SKIP("run from the repository root to export the shipped policies");
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        for (int mode = 0; mode < 3; mode++) {
            struct stk_sd_opts o = {.lossy = mode == 1, .wrap = mode == 2, .command = "/bin/true"};
            struct stk_pipeline_req req = {.path = files[i], .systemd = &o};
            struct stk_pipeline_out po;
            reset();
            bool done = stk_pipeline(&req, &ds, &po);
            const struct stk_diag *e = find_nth(STK_SEV_ERROR, "not-exportable", 0);
            if (mode == 0)
                CHECK_MSG(!done && e && e->loc.file && e->loc.line, "%s refused:%s", files[i], dump());
            else
                CHECK_MSG(done && ds.nerrors == 0 && po.systemd.len > 0 &&
                              (mode == 2 || find_nth(STK_SEV_WARNING, "lossy-export", 0)),
                          "%s mode %d:%s", files[i], mode, dump());
            stk_pipeline_out_free(&po);
        }
    }
}

int main(void)
{
    if (harness_setup())
        return 1;
    RUN(allow_list_names_and_errno);
    RUN(allow_list_answers_alike);
    RUN(always_allowed_and_exec);
    RUN(deny_list_per_call);
    RUN(socket_families);
    RUN(clone_namespaces);
    RUN(process_settings);
    RUN(view_and_cgroup);
    RUN(wrap);
    RUN(shipped_policies_through_the_pipeline);
    stk_buf_free(&out);
    return harness_finish();
}
