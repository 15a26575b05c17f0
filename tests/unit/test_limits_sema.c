/* test_limits_sema — the landlock and cgroup blocks (issue 5): the IR they
 * produce, and every diagnostic, asserted by code, line, column, message and
 * hint. */
#include "frontend_harness.h"

#include "landlock_rights.h"

/* policy p { landlock { LINES } }: the first line of LINES is line 3, column 9. */
static struct stk_policy_ir *ll(const char *lines)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "policy p {\n    landlock {\n%s    }\n}\n", lines);
    return compile(buf);
}

static struct stk_policy_ir *cg(const char *lines)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "policy p {\n    cgroup {\n%s    }\n}\n", lines);
    return compile(buf);
}

static const struct stk_landlock_path *ll_path(const char *p)
{
    for (size_t i = 0; ir && i < ir->landlock.npaths; i++)
        if (strcmp(ir->landlock.paths[i].path, p) == 0)
            return &ir->landlock.paths[i];
    T_FAILF("no landlock rule for %s", p);
}

#define EXEC_LINE "        execute /usr\n"

/* ==== landlock: IR ========================================================== */

TEST(ll_full_block_ir)
{
    CHECK(ll("        read /usr, /etc\n"
             "        write /tmp\n"
             "        execute /usr/bin\n"
             "        bind tcp 8080\n"
             "        connect tcp 5432, 8080\n"
             "        scope signal, abstract-unix\n"
             "        compat best-effort\n"));
    EXPECT_CLEAN();
    const struct stk_landlock_ir *l = &ir->landlock;
    CHECK(l->present);
    CHECK(l->best_effort);
    CHECK_U64(l->handled.fs, STK_LL_FS_ALL);
    CHECK_U64(l->handled.net, STK_LL_NET_BIND_TCP | STK_LL_NET_CONNECT_TCP);
    CHECK_U64(l->handled.scope, STK_LL_SCOPE_SIGNAL | STK_LL_SCOPE_ABSTRACT_UNIX);
    CHECK_INT(l->npaths, 4);
    CHECK_U64(ll_path("/usr")->access, STK_LL_FS_READ_FILE | STK_LL_FS_READ_DIR);
    CHECK_U64(ll_path("/etc")->access, STK_LL_READ);
    CHECK_U64(ll_path("/usr/bin")->access, STK_LL_FS_EXECUTE | STK_LL_FS_READ_FILE);
    uint64_t w = ll_path("/tmp")->access;
    CHECK_U64(w, STK_LL_WRITE);
    /* write: every modifying right, refer (ABI 2), truncate (ABI 3) and ioctl-dev (ABI 5) included */
    CHECK(w & STK_LL_FS_REFER);
    CHECK(w & STK_LL_FS_TRUNCATE);
    CHECK(w & STK_LL_FS_IOCTL_DEV);
    CHECK(w & STK_LL_FS_MAKE_REG);
    CHECK(w & STK_LL_FS_REMOVE_DIR);
    CHECK(!(w & (STK_LL_FS_READ_FILE | STK_LL_FS_EXECUTE)));
    CHECK_INT(l->nports, 2);
    CHECK_INT(l->ports[0].port, 8080);
    CHECK_U64(l->ports[0].access, STK_LL_NET_BIND_TCP | STK_LL_NET_CONNECT_TCP);
    CHECK_INT(l->ports[1].port, 5432);
    CHECK_U64(l->ports[1].access, STK_LL_NET_CONNECT_TCP);
}

TEST(ll_default_compat_is_required)
{
    CHECK(ll(EXEC_LINE));
    EXPECT_CLEAN();
    CHECK(!ir->landlock.best_effort);
    CHECK_INT(ir->landlock.handled.net, 0);
    CHECK_INT(ir->landlock.handled.scope, 0);
}

TEST(ll_fine_grained_rights)
{
    CHECK(ll(EXEC_LINE "        make-reg /srv/in\n        read-file /srv/in\n        execute-file /opt/x\n"
             "        ioctl-dev /dev/tty\n"));
    EXPECT_CLEAN();
    CHECK_U64(ll_path("/srv/in")->access, STK_LL_FS_MAKE_REG | STK_LL_FS_READ_FILE);
    CHECK_U64(ll_path("/opt/x")->access, STK_LL_FS_EXECUTE);
    CHECK_U64(ll_path("/dev/tty")->access, STK_LL_FS_IOCTL_DEV);
}

TEST(ll_paths_normalized_and_quoted)
{
    CHECK(ll(EXEC_LINE "        read /usr//lib/, \"/opt/my app\", /\n"));
    EXPECT_CLEAN();
    CHECK(ll_path("/usr/lib"));
    CHECK(ll_path("/opt/my app"));
    CHECK(ll_path("/"));
}

TEST(ll_restrict_without_rules)
{
    CHECK(ll("        restrict net\n"));
    EXPECT_CLEAN();
    CHECK_U64(ir->landlock.handled.net, STK_LL_NET_ALL);
    CHECK_INT(ir->landlock.handled.fs, 0);
    CHECK(ll("        restrict fs, net\n" EXEC_LINE));
    EXPECT_CLEAN();
    CHECK_U64(ir->landlock.handled.fs, STK_LL_FS_ALL);
}

TEST(ll_extends_replaces_block)
{
    CHECK(compile("policy base {\n    landlock {\n        read /usr\n        execute /usr\n    }\n}\n"
                  "policy child extends base {\n    landlock {\n        write /tmp\n        execute /bin\n    }\n}\n"));
    EXPECT_CLEAN();
    CHECK_INT(ir->landlock.npaths, 2);
    CHECK(ll_path("/tmp"));
    CHECK(ll_path("/bin"));
}

TEST(ll_inherited_from_parent)
{
    CHECK(compile("policy base {\n    landlock {\n        execute /usr\n    }\n}\npolicy child extends base {\n}\n"));
    EXPECT_CLEAN();
    CHECK(ir->landlock.present);
    CHECK(ll_path("/usr"));
}

/* ==== landlock: diagnostics ================================================= */

TEST(ll_diag_unknown_right)
{
    CHECK(!ll("        raed /usr\n" EXEC_LINE));
    EXPECT_ERR("unknown-landlock-right", 3, 9, "unknown landlock right 'raed'", "did you mean 'read'?");
    EXPECT_COUNTS(1, 0);
}

TEST(ll_diag_unknown_fine_right)
{
    CHECK(!ll("        make_reg /tmp\n" EXEC_LINE));
    EXPECT_ERR("unknown-landlock-right", 3, 9, "unknown landlock right 'make_reg'", "did you mean 'make-reg'?");
    CHECK(!ll("        chown /tmp\n" EXEC_LINE));
    EXPECT_ERR("unknown-landlock-right", 3, 9, "unknown landlock right 'chown'", NULL);
}

TEST(ll_diag_relative_path)
{
    CHECK(!ll("        read usr, ./etc\n" EXEC_LINE));
    EXPECT_NTH(0, STK_SEV_ERROR, "relative-path", 3, 14, "landlock paths must be absolute, found 'usr'",
               "write the full path, e.g. /usr/lib");
    EXPECT_NTH(1, STK_SEV_ERROR, "relative-path", 3, 19, "landlock paths must be absolute, found './etc'",
               "write the full path, e.g. /usr/lib");
    EXPECT_COUNTS(2, 0);
}

TEST(ll_diag_dot_components)
{
    CHECK(!ll("        read /usr/../etc\n" EXEC_LINE));
    EXPECT_ERR("bad-path", 3, 14, "'/usr/../etc' has a '.' or '..' component", "write the path it stands for");
}

TEST(ll_diag_path_needs_argument)
{
    CHECK(!ll("        write\n" EXEC_LINE));
    EXPECT_ERR("bad-arguments", 3, 9, "'write' needs at least 1 argument", NULL);
}

TEST(ll_diag_port_out_of_range)
{
    CHECK(!ll("        bind tcp 8080, 70000\n"));
    EXPECT_ERR("bad-port", 3, 24, "port 70000 is out of range (0 to 65535)", NULL);
    EXPECT_COUNTS(1, 0);
    CHECK_INT(ir ? 1 : 0, 0);
}

TEST(ll_diag_port_not_a_number)
{
    CHECK(!ll("        connect tcp http, -1\n"));
    EXPECT_NTH(0, STK_SEV_ERROR, "bad-port", 3, 21, "'http' is not a port number", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-port", 3, 27, "'-1' is not a port number", NULL);
}

TEST(ll_diag_protocol)
{
    CHECK(!ll("        bind udp 53\n"));
    EXPECT_ERR("unsupported-protocol", 3, 14, "Landlock restricts TCP ports only, not udp",
               "deny the sockets with seccomp instead, e.g. errno EACCES socket if domain in (AF_INET, AF_INET6) && "
               "type & 0xf == SOCK_DGRAM (the mask: SOCK_CLOEXEC and SOCK_NONBLOCK may be OR-ed in)");
    CHECK(!ll("        connect tpc 80\n"));
    EXPECT_ERR("unknown-protocol", 3, 17, "unknown protocol 'tpc'", "did you mean 'tcp'?");
    CHECK(!ll("        bind 80\n"));
    EXPECT_ERR("bad-arguments", 3, 14, "expected a protocol before the ports: 'bind tcp 80'", NULL);
    CHECK(!ll("        bind tcp\n"));
    EXPECT_ERR("bad-arguments", 3, 9, "'bind tcp' needs at least one port", NULL);
}

TEST(ll_diag_scope)
{
    CHECK(!ll("        scope signal, signals, abstract_unix\n"));
    EXPECT_NTH(0, STK_SEV_ERROR, "unknown-scope", 3, 23, "unknown landlock scope 'signals'", "did you mean 'signal'?");
    EXPECT_NTH(1, STK_SEV_ERROR, "unknown-scope", 3, 32, "unknown landlock scope 'abstract_unix'",
               "did you mean 'abstract-unix'?");
    EXPECT_COUNTS(2, 0);
}

TEST(ll_diag_compat)
{
    CHECK(!ll(EXEC_LINE "        compat best_effort\n"));
    EXPECT_ERR("bad-arguments", 4, 16, "unknown compat mode 'best_effort'", "did you mean 'best-effort'?");
    CHECK(!ll(EXEC_LINE "        compat\n"));
    EXPECT_ERR("bad-arguments", 4, 9, "'compat' needs 1 argument", NULL);
}

TEST(ll_diag_restrict)
{
    CHECK(!ll("        restrict nett\n"));
    EXPECT_ERR("bad-arguments", 3, 18, "unknown landlock category 'nett'", "did you mean 'net'?");
}

TEST(ll_diag_rule_takes_no_block)
{
    CHECK(!ll("        read /usr { x }\n" EXEC_LINE));
    EXPECT_ERR("unexpected-block", 3, 9, "'read' does not take a block", NULL);
}

TEST(ll_diag_needs_block)
{
    CHECK(!compile("policy p {\n    landlock\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 5, "'landlock' takes a block", "e.g. landlock { read /usr; write /tmp }");
    CHECK(!compile("policy p {\n    landlock strict { }\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 14, "too many arguments to 'landlock' (at most 0)", NULL);
}

TEST(ll_warn_nothing_executable)
{
    CHECK(ll("        read /usr\n        write /tmp\n"));
    EXPECT_WARN("landlock-no-execute", 2, 5,
                "the landlock block lets nothing be executed: not even the command can start",
                "allow the command, its dynamic loader and libraries, e.g. execute /usr/bin, /usr/lib");
    EXPECT_COUNTS(0, 1);
    /* only network rules: the filesystem is not restricted, nothing to warn about */
    CHECK(ll("        connect tcp 443\n"));
    EXPECT_CLEAN();
}

TEST(ll_warn_empty_block)
{
    CHECK(ll("        compat required\n"));
    EXPECT_WARN("landlock-empty", 2, 5, "the landlock block restricts nothing",
                "add rules (read /usr, connect tcp 443, scope signal) or remove the block");
    EXPECT_COUNTS(0, 1);
    CHECK(!ir->landlock.present);
}

TEST(ll_warn_duplicate_rule)
{
    CHECK(ll(EXEC_LINE "        read /etc\n        read-file /etc/\n        bind tcp 80, 80\n"));
    EXPECT_NTH(0, STK_SEV_WARNING, "duplicate-rule", 5, 19, "'/etc' already has the rights of 'read-file' (given at line 4)",
               NULL);
    EXPECT_NTH(1, STK_SEV_WARNING, "duplicate-rule", 6, 22, "tcp port 80 is already allowed 'bind' (line 6)", NULL);
    EXPECT_COUNTS(0, 2);
    CHECK_INT(ir->landlock.nports, 1);
}

TEST(ll_needs_no_new_privs)
{
    CHECK(!compile("policy p {\n    no_new_privs off\n    landlock {\n" EXEC_LINE "    }\n}\n"));
    EXPECT_ERR("landlock-needs-nnp", 3, 5, "Landlock needs no_new_privs (or cap_sys_admin), which the policy turns off",
               "remove 'no_new_privs off', or keep cap_sys_admin");
    CHECK(compile("policy p {\n    no_new_privs off\n    capabilities { keep sys_admin }\n    landlock {\n" EXEC_LINE
                  "    }\n}\n"));
    CHECK_INT(count_code("landlock-needs-nnp"), 0);
}

/* ==== cgroup: IR ================================================================ */

TEST(cg_full_block_ir)
{
    CHECK(cg("        memory.max 256M\n        memory.swap.max 0\n        pids.max 128\n        cpu.max 50%\n"
             "        cpu.weight 100\n        io.weight 200\n"));
    EXPECT_CLEAN();
    const struct stk_cgroup_ir *g = &ir->cgroup;
    CHECK(g->present);
    CHECK_U64(g->lim[STK_CG_MEMORY_MAX].value, 256ull << 20);
    CHECK(g->lim[STK_CG_MEMORY_SWAP_MAX].set);
    CHECK_U64(g->lim[STK_CG_MEMORY_SWAP_MAX].value, 0);
    CHECK_U64(g->lim[STK_CG_PIDS_MAX].value, 128);
    CHECK_U64(g->lim[STK_CG_CPU_MAX].value, 50000);
    CHECK_U64(g->lim[STK_CG_CPU_MAX].value2, 100000);
    CHECK_U64(g->lim[STK_CG_CPU_WEIGHT].value, 100);
    CHECK_U64(g->lim[STK_CG_IO_WEIGHT].value, 200);
    CHECK_INT(g->lim[STK_CG_PIDS_MAX].loc.line, 5);
}

TEST(cg_max_and_cpu_forms)
{
    CHECK(cg("        memory.max max\n        pids.max max\n        cpu.max \"20000 50000\"\n"));
    EXPECT_CLEAN();
    CHECK_U64(ir->cgroup.lim[STK_CG_MEMORY_MAX].value, STK_CG_MAX);
    CHECK_U64(ir->cgroup.lim[STK_CG_PIDS_MAX].value, STK_CG_MAX);
    CHECK_U64(ir->cgroup.lim[STK_CG_CPU_MAX].value, 20000);
    CHECK_U64(ir->cgroup.lim[STK_CG_CPU_MAX].value2, 50000);
    CHECK(cg("        cpu.max max 200000\n"));
    EXPECT_CLEAN();
    CHECK_U64(ir->cgroup.lim[STK_CG_CPU_MAX].value, STK_CG_MAX);
    CHECK_U64(ir->cgroup.lim[STK_CG_CPU_MAX].value2, 200000);
    CHECK(cg("        cpu.max 250%\n"));
    CHECK_U64(ir->cgroup.lim[STK_CG_CPU_MAX].value, 250000);
    CHECK(cg("        cpu.max \"  30000 \"\n"));
    EXPECT_CLEAN();
    CHECK_U64(ir->cgroup.lim[STK_CG_CPU_MAX].value, 30000);
    CHECK_U64(ir->cgroup.lim[STK_CG_CPU_MAX].value2, 100000);
    CHECK(cg("        cpu.max 40000\n"));
    CHECK_U64(ir->cgroup.lim[STK_CG_CPU_MAX].value, 40000);
}

TEST(cg_empty_block)
{
    CHECK(cg(""));
    EXPECT_CLEAN();
    CHECK(ir->cgroup.present);
    for (unsigned k = 0; k < STK_CG_NKEYS; k++)
        CHECK(!ir->cgroup.lim[k].set);
}

TEST(cg_extends_replaces_block)
{
    CHECK(compile("policy base {\n    cgroup {\n        memory.max 1G\n    }\n}\n"
                  "policy child extends base {\n    cgroup {\n        pids.max 10\n    }\n}\n"));
    EXPECT_CLEAN();
    CHECK(!ir->cgroup.lim[STK_CG_MEMORY_MAX].set);
    CHECK_U64(ir->cgroup.lim[STK_CG_PIDS_MAX].value, 10);
}

/* ==== cgroup: diagnostics ========================================================= */

TEST(cg_diag_unknown_key)
{
    CHECK(!cg("        memory.mx 1G\n"));
    EXPECT_ERR("unknown-cgroup-key", 3, 9, "unknown cgroup key 'memory.mx'", "did you mean 'memory.max'?");
    CHECK(!cg("        blkio.throttle 1\n"));
    EXPECT_ERR("unknown-cgroup-key", 3, 9, "unknown cgroup key 'blkio.throttle'", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(cg_diag_v1_name)
{
    CHECK(!cg("        memory.limit_in_bytes 1G\n"));
    EXPECT_ERR("unknown-cgroup-key", 3, 9, "unknown cgroup key 'memory.limit_in_bytes'",
               "write the cgroup v2 name memory.max; stockade maps it to cgroup v1 itself");
    CHECK(!cg("        cpu.shares 1024\n"));
    EXPECT_ERR("unknown-cgroup-key", 3, 9, "unknown cgroup key 'cpu.shares'",
               "write the cgroup v2 name cpu.weight; stockade maps it to cgroup v1 itself");
}

TEST(cg_diag_bad_size)
{
    CHECK(!cg("        memory.max 64Q\n"));
    EXPECT_ERR("bad-size", 3, 20, "'64Q' is not a size", "e.g. 256M, 1G or max");
    CHECK(!cg("        memory.swap.max 50%\n"));
    EXPECT_ERR("bad-size", 3, 25, "'50%' is not a size", "e.g. 256M, 1G or max");
    CHECK(!cg("        memory.max -1\n"));
    EXPECT_ERR("bad-size", 3, 20, "'-1' is not a size", "e.g. 256M, 1G or max");
    CHECK(!cg("        memory.max unlimited\n"));
    EXPECT_ERR("bad-size", 3, 20, "'unlimited' is not a size", "e.g. 256M, 1G or max");
    CHECK(!cg("        memory.max 9000000T\n"));
    EXPECT_ERR("bad-size", 3, 20, "'9000000T' is too large", "write max for no limit");
    CHECK(!cg("        memory.max 0\n"));
    EXPECT_ERR("bad-size", 3, 20, "memory.max 0 leaves the command no memory at all", NULL);
    CHECK(cg("        memory.swap.max 0\n        memory.max 1G\n"));
    EXPECT_CLEAN();
}

TEST(cg_diag_bad_percent)
{
    CHECK(!cg("        cpu.max 0%\n"));
    EXPECT_ERR("bad-percent", 3, 17, "cpu.max 0% is out of range (1% to 1024000% of one CPU)", NULL);
    CHECK(!cg("        cpu.max 5x%\n"));
    EXPECT_ERR("bad-percent", 3, 17, "'5x%' is not a percentage",
               "a whole number of percent of one CPU, e.g. 50% or 200%");
    CHECK(!cg("        cpu.max 2000000%\n"));
    EXPECT_ERR("bad-percent", 3, 17, "cpu.max 2000000% is out of range (1% to 1024000% of one CPU)", NULL);
}

TEST(cg_diag_cpu_max_forms)
{
    /* the column of the offending number inside the quoted string */
    CHECK(!cg("        cpu.max \"50000 2000000\"\n"));
    EXPECT_ERR("bad-cpu-max", 3, 24, "period 2000000 is out of range (1000 to 1000000 microseconds)", NULL);
    CHECK(!cg("        cpu.max \"500 100000\"\n"));
    EXPECT_ERR("bad-cpu-max", 3, 18, "quota 500 is out of range (1000 to 1024000000 microseconds, or max)", NULL);
    CHECK(!cg("        cpu.max \"half 100000\"\n"));
    EXPECT_ERR("bad-cpu-max", 3, 18, "'half' is not a quota in microseconds",
               "e.g. cpu.max 50%, cpu.max \"50000 100000\" or cpu.max max");
    CHECK(!cg("        cpu.max \"1 2 3\"\n"));
    EXPECT_ERR("bad-cpu-max", 3, 17, "expected \"QUOTA PERIOD\" in microseconds, found \"1 2 3\"",
               "e.g. cpu.max \"50000 100000\"");
    CHECK(!cg("        cpu.max \"\"\n"));
    EXPECT_ERR("bad-cpu-max", 3, 17, "expected \"QUOTA PERIOD\" in microseconds, found \"\"",
               "e.g. cpu.max \"50000 100000\"");
    CHECK(!cg("        cpu.max 50000 max\n"));
    EXPECT_ERR("bad-cpu-max", 3, 23, "'max' is not a period in microseconds",
               "e.g. cpu.max 50%, cpu.max \"50000 100000\" or cpu.max max");
    CHECK(!cg("        cpu.max 50000 100000 3\n"));
    EXPECT_ERR("bad-arguments", 3, 30, "too many arguments to 'cpu.max' (at most 2)", NULL);
}

TEST(cg_diag_duplicate_key)
{
    CHECK(!cg("        memory.max 1G\n        pids.max 10\n        memory.max 2G\n"));
    EXPECT_ERR("duplicate-key", 5, 9, "'memory.max' is set twice", "it was first set at line 3; keep one");
    EXPECT_COUNTS(1, 0);
}

TEST(cg_diag_ranges)
{
    CHECK(!cg("        pids.max 0\n"));
    EXPECT_ERR("bad-cgroup-value", 3, 18, "pids.max must be 1 to 4194304 or max, found '0'", NULL);
    CHECK(!cg("        pids.max lots\n"));
    EXPECT_ERR("bad-cgroup-value", 3, 18, "pids.max must be 1 to 4194304 or max, found 'lots'", NULL);
    CHECK(!cg("        cpu.weight 0\n"));
    EXPECT_ERR("bad-cgroup-value", 3, 20, "cpu.weight must be 1 to 10000, found '0'", NULL);
    CHECK(!cg("        io.weight 10001\n"));
    EXPECT_ERR("bad-cgroup-value", 3, 19, "io.weight must be 1 to 10000, found '10001'", NULL);
    CHECK(!cg("        io.weight max\n"));
    EXPECT_ERR("bad-cgroup-value", 3, 19, "io.weight must be 1 to 10000, found 'max'", NULL);
}

TEST(cg_diag_arguments_and_blocks)
{
    CHECK(!cg("        pids.max\n"));
    EXPECT_ERR("bad-arguments", 3, 9, "'pids.max' needs 1 argument", NULL);
    CHECK(!cg("        memory.max 1G 2G\n"));
    EXPECT_ERR("bad-arguments", 3, 23, "too many arguments to 'memory.max' (at most 1)", NULL);
    CHECK(!compile("policy p {\n    cgroup\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 5, "'cgroup' takes a block", "e.g. cgroup { memory.max 256M; pids.max 128 }");
    CHECK(!compile("policy p {\n    cgroup web { }\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 12, "too many arguments to 'cgroup' (at most 0)", NULL);
}

TEST(cg_warn_swap_without_memory)
{
    CHECK(cg("        memory.swap.max 0\n"));
    EXPECT_WARN("cgroup-v2-only", 3, 9, "memory.swap.max without memory.max can only be applied on cgroup v2",
                "cgroup v1 limits memory and swap together (memory.memsw.limit_in_bytes): set memory.max too");
    EXPECT_COUNTS(0, 1);
}

int main(void)
{
    if (harness_setup())
        return 1;
    RUN(ll_full_block_ir);
    RUN(ll_default_compat_is_required);
    RUN(ll_fine_grained_rights);
    RUN(ll_paths_normalized_and_quoted);
    RUN(ll_restrict_without_rules);
    RUN(ll_extends_replaces_block);
    RUN(ll_inherited_from_parent);
    RUN(ll_diag_unknown_right);
    RUN(ll_diag_unknown_fine_right);
    RUN(ll_diag_relative_path);
    RUN(ll_diag_dot_components);
    RUN(ll_diag_path_needs_argument);
    RUN(ll_diag_port_out_of_range);
    RUN(ll_diag_port_not_a_number);
    RUN(ll_diag_protocol);
    RUN(ll_diag_scope);
    RUN(ll_diag_compat);
    RUN(ll_diag_restrict);
    RUN(ll_diag_rule_takes_no_block);
    RUN(ll_diag_needs_block);
    RUN(ll_warn_nothing_executable);
    RUN(ll_warn_empty_block);
    RUN(ll_warn_duplicate_rule);
    RUN(ll_needs_no_new_privs);
    RUN(cg_full_block_ir);
    RUN(cg_max_and_cpu_forms);
    RUN(cg_empty_block);
    RUN(cg_extends_replaces_block);
    RUN(cg_diag_unknown_key);
    RUN(cg_diag_v1_name);
    RUN(cg_diag_bad_size);
    RUN(cg_diag_bad_percent);
    RUN(cg_diag_cpu_max_forms);
    RUN(cg_diag_duplicate_key);
    RUN(cg_diag_ranges);
    RUN(cg_diag_arguments_and_blocks);
    RUN(cg_warn_swap_without_memory);
    return harness_finish();
}
