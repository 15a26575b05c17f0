/* test_isolation_fs_sema — the filesystem statements of the isolation block: every diagnostic
 * with its code, line, column, message and hint, and the lint findings about /proc and host
 * devices.  (test_isolation_sema.c has the IR, extends, namespaces, hostname and uid/gid maps.) */
#include "frontend_harness.h"
#include "util.h"

#define NS(k) STK_NS_BIT(STK_NS_##k)

/* ==== filesystem diagnostics ================================================== */

TEST(iso_diag_fs_relative_paths)
{
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs tmp\n        bind ./a /b\n        mask ../x\n"
                   "        root srv\n    }\n}\n"));
    EXPECT_ERR("bad-path", 3, 15, "'tmp' is not an absolute path", "paths in a filesystem block start with '/'");
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-path", 4, 14, "'./a' is not an absolute path",
               "paths in a filesystem block start with '/'");
    EXPECT_NTH(2, STK_SEV_ERROR, "bad-path", 5, 14, "'../x' is not an absolute path",
               "paths in a filesystem block start with '/'");
    EXPECT_NTH(3, STK_SEV_ERROR, "bad-path", 6, 14, "'srv' is not an absolute path",
               "paths in a filesystem block start with '/'");
    EXPECT_COUNTS(4, 0);
}

TEST(iso_diag_fs_bind_relative_destination)
{
    CHECK(!compile("policy p {\n    filesystem {\n        bind /srv/a web\n    }\n}\n"));
    EXPECT_ERR("bad-path", 3, 21, "'web' is not an absolute path", "paths in a filesystem block start with '/'");
    EXPECT_COUNTS(1, 0);
}

TEST(iso_diag_fs_dot_components)
{
    CHECK(!compile("policy p {\n    filesystem {\n        readonly /a/../etc\n        mask /a/./b\n    }\n}\n"));
    EXPECT_ERR("bad-path", 3, 18, "'/a/../etc' has a '.' or '..' component",
               "write the path without '.' and '..' components");
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-path", 4, 14, "'/a/./b' has a '.' or '..' component",
               "write the path without '.' and '..' components");
}

TEST(iso_diag_fs_not_normal_form)
{
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /tmp/\n        readonly //usr//lib\n    }\n}\n"));
    EXPECT_ERR("bad-path", 3, 15, "'/tmp/' is not in normal form", "write '/tmp'");
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-path", 4, 18, "'//usr//lib' is not in normal form", "write '/usr/lib'");
}

TEST(iso_diag_fs_root_not_allowed)
{
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /\n        mask /\n        bind /srv /\n"
                   "    }\n}\n"));
    EXPECT_ERR("bad-path", 3, 15, "'tmpfs' cannot be applied to '/'", "'root PATH' chooses the root of the view");
    EXPECT_NTH(1, STK_SEV_ERROR, "bad-path", 4, 14, "'mask' cannot be applied to '/'",
               "'root PATH' chooses the root of the view");
    EXPECT_NTH(2, STK_SEV_ERROR, "bad-path", 5, 19, "'bind' cannot be applied to '/'",
               "'root PATH' chooses the root of the view");
}

TEST(iso_diag_fs_path_too_long)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy p {\n    filesystem { mask /");
    for (int i = 0; i < 4100; i++)
        stk_buf_put(&b, "a", 1);
    stk_buf_puts(&b, " }\n}\n");
    compile(b.data);
    stk_buf_free(&b);
    CHECK(!ir);
    EXPECT_ERR("bad-path", 2, 23, "path longer than 4095 bytes", NULL);
}

TEST(iso_diag_fs_unknown_statement)
{
    CHECK(!compile("policy p {\n    filesystem {\n        tmpf /tmp\n        overlay /srv\n    }\n}\n"));
    EXPECT_ERR("unknown-directive", 3, 9, "unknown filesystem statement 'tmpf'", "did you mean 'tmpfs'?");
    EXPECT_NTH(1, STK_SEV_ERROR, "unknown-directive", 4, 9, "unknown filesystem statement 'overlay'", NULL);
    EXPECT_COUNTS(2, 0);
}

TEST(iso_diag_fs_block_required)
{
    CHECK(!compile("policy p {\n    filesystem\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 5, "'filesystem' takes a block: filesystem { readonly /; tmpfs /tmp }", NULL);
    CHECK(!compile("policy p {\n    filesystem /srv { readonly / }\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 16, "too many arguments to 'filesystem' (at most 0)", NULL);
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /tmp { x }\n    }\n}\n"));
    EXPECT_ERR("unexpected-block", 3, 9, "'tmpfs' does not take a block", NULL);
}

TEST(iso_diag_fs_duplicates)
{
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /tmp\n        bind /x /tmp\n        readonly /tmp\n"
                   "        readonly /tmp\n        mask /tmp\n        root /a\n        root /b\n    }\n}\n"));
    EXPECT_ERR("duplicate-entry", 4, 17, "'/tmp' already has a mount or mask entry on line 3 of this block", NULL);
    EXPECT_NTH(1, STK_SEV_ERROR, "duplicate-entry", 6, 18,
               "'/tmp' already has a readonly entry on line 5 of this block", NULL);
    EXPECT_NTH(2, STK_SEV_ERROR, "duplicate-entry", 7, 14,
               "'/tmp' already has a mount or mask entry on line 3 of this block", NULL);
    EXPECT_NTH(3, STK_SEV_ERROR, "duplicate-entry", 9, 9, "a second 'root' in this block (the first is on line 8)",
               NULL);
    EXPECT_COUNTS(4, 0);
}

TEST(iso_diag_fs_tmpfs_options)
{
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /a sise 1M\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 18, "unknown tmpfs option 'sise'", "did you mean 'size'?");
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /a size\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 18, "'size' needs a value", "e.g. size 64M");
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /a size lots\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 23, "'lots' is not a valid size", "e.g. 64M, 512K or 1G");
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /a size 0\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 23, "'0' is not a valid size", "e.g. 64M, 512K or 1G");
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /a mode 1789\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 23, "'1789' is not an octal mode (0 to 7777)", NULL);
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /a mode 17777\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 23, "'17777' is not an octal mode (0 to 7777)", NULL);
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /a mode 700 mode 755\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 27, "'mode' is given twice", NULL);
    CHECK(!compile("policy p {\n    filesystem {\n        tmpfs /a mode\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 18, "'mode' needs a value", "e.g. mode 1777");
}

TEST(iso_diag_fs_bind_option)
{
    CHECK(!compile("policy p {\n    filesystem {\n        bind /a /b readonyl\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 20, "unknown bind option 'readonyl'", "did you mean 'readonly'?");
    CHECK(!compile("policy p {\n    filesystem {\n        bind /a rdonly\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 17, "unknown bind option 'rdonly'", "did you mean 'readonly'?");
    CHECK(!compile("policy p {\n    filesystem {\n        bind\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 9, "'bind' needs at least 1 argument", NULL);
}

TEST(iso_diag_fs_dev_mode)
{
    CHECK(!compile("policy p {\n    filesystem {\n        dev minmal\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 13, "unknown dev mode 'minmal'", "did you mean 'minimal'?");
    CHECK(!compile("policy p {\n    filesystem {\n        dev\n    }\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 9, "'dev' needs 1 argument", NULL);
}

TEST(iso_lint_proc_without_pid_namespace)
{
    CHECK(compile("policy p {\n    namespaces net\n    filesystem {\n        proc /proc\n    }\n}\n"));
    EXPECT_WARN("proc-without-pid-namespace", 4, 9,
                "a fresh procfs at '/proc' without a pid namespace shows every process of the host",
                "add 'pid' to the policy's namespaces");
    EXPECT_COUNTS(0, 1);
    CHECK(compile("policy p {\n    namespaces pid\n    filesystem {\n        proc /proc\n    }\n}\n"));
    EXPECT_CLEAN();
}

TEST(iso_lint_host_devices)
{
    /* issue #10 review: `readonly /` on the host's root leaves /dev/kmsg,
     * loop and disk devices writable to a root command */
    CHECK(compile("policy p {\n    namespaces pid\n    filesystem {\n        readonly /\n        proc /proc\n"
                  "        tmpfs /tmp\n    }\n}\n"));
    EXPECT_WARN("host-devices", 4, 18,
                "the host's device nodes stay reachable: 'readonly /' does not stop writes to a device",
                "add 'dev minimal'");
    EXPECT_COUNTS(0, 1);
    /* anything of the policy's own at /dev, or a jail, silences it */
    static const char *const quiet[] = {"dev minimal", "mask /dev", "tmpfs /dev", "bind /srv/dev /dev readonly",
                                        "root /srv/jail"};
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        char src[256];
        snprintf(src, sizeof src, "policy p {\n    filesystem {\n        readonly /\n        %s\n    }\n}\n",
                 quiet[i]);
        CHECK(compile(src));
        EXPECT_CLEAN();
    }
    /* without `readonly /` the view claims nothing about writes: no warning */
    CHECK(compile("policy p {\n    filesystem {\n        tmpfs /tmp\n    }\n}\n"));
    EXPECT_CLEAN();
    /* the check runs on the whole chain: a child that adds dev minimal silences it */
    CHECK(compile("policy base {\n    filesystem { readonly / }\n}\n"
                  "policy child extends base {\n    filesystem { dev minimal }\n}\n"));
    CHECK_INT(count_code("host-devices"), 0);
}

TEST(iso_lint_proc_pid_from_child)
{
    /* the check runs on the whole chain: a child that adds pid silences it */
    compile("policy base {\n    filesystem { proc }\n}\npolicy child extends base {\n    namespaces pid\n}\n");
    CHECK(ir);
    CHECK_INT(ir->iso.ns, NS(PID) | NS(MOUNT));
}

TEST(iso_diag_fs_too_many_entries)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy p {\n    filesystem {\n");
    for (int i = 0; i <= STK_FS_MAX_ENTRIES; i++)
        stk_buf_printf(&b, "        mask /m%d\n", i);
    stk_buf_puts(&b, "    }\n}\n");
    compile(b.data);
    stk_buf_free(&b);
    CHECK(!ir);
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "too-many", 0);
    CHECK(d);
    CHECK_STR(d->message, "more than 512 filesystem entries");
    CHECK_INT(d->loc.line, 3 + STK_FS_MAX_ENTRIES);
    CHECK_INT(d->loc.col, 14);
}

int main(void)
{
    if (harness_setup())
        return 1;
    RUN(iso_diag_fs_relative_paths);
    RUN(iso_diag_fs_bind_relative_destination);
    RUN(iso_diag_fs_dot_components);
    RUN(iso_diag_fs_not_normal_form);
    RUN(iso_diag_fs_root_not_allowed);
    RUN(iso_diag_fs_path_too_long);
    RUN(iso_diag_fs_unknown_statement);
    RUN(iso_diag_fs_block_required);
    RUN(iso_diag_fs_duplicates);
    RUN(iso_diag_fs_tmpfs_options);
    RUN(iso_diag_fs_bind_option);
    RUN(iso_diag_fs_dev_mode);
    RUN(iso_lint_proc_without_pid_namespace);
    RUN(iso_lint_host_devices);
    RUN(iso_lint_proc_pid_from_child);
    RUN(iso_diag_fs_too_many_entries);
    return harness_finish();
}
