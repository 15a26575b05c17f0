/* test_isolation_sema — the namespaces, hostname, uidmap, gidmap and
 * filesystem statements: what they put in the IR, the extends semantics,
 * the application order of filesystem entries, and every diagnostic with its
 * code, line, column, message and hint. */
#include "frontend_harness.h"
#include "util.h"

#define NS(k) STK_NS_BIT(STK_NS_##k)

static const struct stk_fs_entry *fs_entry(size_t i)
{
    CHECK_MSG(ir && i < ir->iso.nfs, "no filesystem entry %zu (have %zu)", i, ir ? ir->iso.nfs : 0);
    return &ir->iso.fs_entries[i];
}

/* ==== IR ==================================================================== */

TEST(iso_full_policy_ir)
{
    compile("policy p {\n"
            "    namespaces pid, mount, ipc, uts, net, user, cgroup\n"
            "    hostname sandbox\n"
            "    uidmap 0 1000 1\n"
            "    gidmap 0 caller 1, 1 100000 65536\n"
            "    filesystem {\n"
            "        root /srv/jail\n"
            "        readonly /\n"
            "        bind /var/www /var/www readonly\n"
            "        tmpfs /tmp size 64M mode 1777\n"
            "        proc /proc\n"
            "        dev minimal\n"
            "        mask /proc/kcore, /sys/firmware\n"
            "    }\n"
            "}\n");
    EXPECT_CLEAN();
    const struct stk_isolation_ir *x = &ir->iso;
    CHECK(x->present);
    CHECK_INT(x->ns, 0x7f);
    CHECK(!x->pid_init_none);
    CHECK_STR(x->hostname, "sandbox");
    CHECK_INT(x->nuidmap, 1);
    CHECK_INT(x->uidmap[0].inside, 0);
    CHECK_INT(x->uidmap[0].outside, 1000);
    CHECK_INT(x->uidmap[0].count, 1);
    CHECK(!x->uidmap[0].outside_caller);
    CHECK_INT(x->ngidmap, 2);
    CHECK(x->gidmap[0].outside_caller);
    CHECK_INT(x->gidmap[1].inside, 1);
    CHECK_INT(x->gidmap[1].outside, 100000);
    CHECK_INT(x->gidmap[1].count, 65536);
    CHECK(x->fs);
    CHECK_STR(x->root, "/srv/jail");
    CHECK_INT(x->nfs, 7);
    /* application order: depth first, then mounts, readonly, masks */
    CHECK_INT(fs_entry(0)->kind, STK_FS_READONLY);
    CHECK_STR(fs_entry(0)->path, "/");
    CHECK_INT(fs_entry(1)->kind, STK_FS_TMPFS);
    CHECK_STR(fs_entry(1)->path, "/tmp");
    CHECK_U64(fs_entry(1)->size, 64ull << 20);
    CHECK(fs_entry(1)->mode_set);
    CHECK_INT(fs_entry(1)->mode, 01777);
    CHECK_INT(fs_entry(2)->kind, STK_FS_PROC);
    CHECK_STR(fs_entry(2)->path, "/proc");
    CHECK_INT(fs_entry(3)->kind, STK_FS_DEV);
    CHECK_STR(fs_entry(3)->path, "/dev");
    CHECK_INT(fs_entry(4)->kind, STK_FS_BIND);
    CHECK_STR(fs_entry(4)->src, "/var/www");
    CHECK_STR(fs_entry(4)->path, "/var/www");
    CHECK(fs_entry(4)->readonly);
    CHECK_INT(fs_entry(5)->kind, STK_FS_MASK);
    CHECK_STR(fs_entry(5)->path, "/proc/kcore");
    CHECK_INT(fs_entry(6)->kind, STK_FS_MASK);
    CHECK_STR(fs_entry(6)->path, "/sys/firmware");
    CHECK_INT(ir->nunenforced, 0);
}

TEST(iso_nothing_enforced_is_refused_any_more)
{
    compile("policy p {\n    namespaces pid init none, net\n}\n");
    EXPECT_CLEAN();
    CHECK_INT(ir->nunenforced, 0);
    CHECK_INT(ir->iso.ns, NS(PID) | NS(NET));
    CHECK(ir->iso.pid_init_none);
    CHECK(!ir->iso.fs);
}

TEST(iso_filesystem_implies_mount)
{
    compile("policy p {\n    filesystem { readonly /srv }\n}\n");
    EXPECT_CLEAN();
    CHECK_INT(ir->iso.ns, NS(MOUNT));
    CHECK(ir->iso.root == NULL);
    CHECK_INT(ir->iso.nfs, 1);
}

TEST(iso_bind_forms)
{
    compile("policy p {\n    filesystem {\n        bind /srv/a\n        bind /srv/b readonly\n"
            "        bind \"/srv/with space\" /c\n        root /\n    }\n}\n");
    EXPECT_CLEAN();
    CHECK(ir->iso.root == NULL); /* root / is the host's root */
    CHECK_INT(ir->iso.nfs, 3);
    CHECK_STR(fs_entry(0)->path, "/c"); /* depth 1 first */
    CHECK_STR(fs_entry(0)->src, "/srv/with space");
    CHECK_STR(fs_entry(1)->src, "/srv/a");
    CHECK_STR(fs_entry(1)->path, "/srv/a");
    CHECK(!fs_entry(1)->readonly);
    CHECK_STR(fs_entry(2)->path, "/srv/b");
    CHECK(fs_entry(2)->readonly);
}

TEST(iso_order_parents_first_then_as_written)
{
    compile("policy p {\n    namespaces pid\n    filesystem {\n        mask /a/b/c\n        bind /x /a/b\n        readonly /a\n"
            "        tmpfs /a\n        proc /q\n        readonly /a/b\n    }\n}\n");
    EXPECT_CLEAN();
    CHECK_INT(ir->iso.nfs, 6);
    const char *want[][2] = {{"tmpfs", "/a"}, {"proc", "/q"}, {"readonly", "/a"},
                             {"bind", "/a/b"}, {"readonly", "/a/b"}, {"mask", "/a/b/c"}};
    static const enum stk_fs_kind kinds[] = {STK_FS_TMPFS, STK_FS_PROC, STK_FS_READONLY,
                                            STK_FS_BIND,  STK_FS_READONLY, STK_FS_MASK};
    for (size_t i = 0; i < 6; i++) {
        CHECK_MSG(fs_entry(i)->kind == kinds[i] && strcmp(fs_entry(i)->path, want[i][1]) == 0,
                  "entry %zu is kind %d %s, expected %s %s", i, fs_entry(i)->kind, fs_entry(i)->path, want[i][0],
                  want[i][1]);
    }
}

TEST(iso_tmpfs_options)
{
    compile("policy p {\n    filesystem {\n        tmpfs /a mode 0o700\n        tmpfs /b size 512K\n"
            "        tmpfs /c\n    }\n}\n");
    EXPECT_CLEAN();
    CHECK_INT(fs_entry(0)->mode, 0700);
    CHECK(fs_entry(0)->mode_set);
    CHECK_U64(fs_entry(0)->size, 0);
    CHECK_U64(fs_entry(1)->size, 512 << 10);
    CHECK(!fs_entry(1)->mode_set);
    CHECK(!fs_entry(2)->mode_set);
    CHECK_U64(fs_entry(2)->size, 0);
}

TEST(iso_proc_default_path)
{
    compile("policy p {\n    namespaces pid\n    filesystem { proc }\n}\n");
    EXPECT_CLEAN();
    CHECK_STR(fs_entry(0)->path, "/proc");
}

/* ==== extends ================================================================ */

TEST(iso_extends_child_adds_and_overrides)
{
    compile("policy base {\n"
            "    namespaces pid init none, mount, uts, user\n"
            "    hostname base\n"
            "    uidmap 0 caller 1\n"
            "    filesystem {\n"
            "        root /srv/base\n"
            "        tmpfs /tmp size 1M\n"
            "        mask /etc/shadow\n"
            "        readonly /\n"
            "    }\n"
            "}\n"
            "policy child extends base {\n"
            "    namespaces net, uts\n"
            "    hostname child\n"
            "    uidmap 5 caller 1\n"
            "    filesystem {\n"
            "        root /srv/child\n"
            "        tmpfs /tmp size 2M\n"
            "        bind /data /etc/shadow\n"
            "        proc\n"
            "    }\n"
            "}\n");
    CHECK(ir);
    CHECK_INT(count_code("proc-without-pid-namespace"), 0);
    CHECK_INT(ds.nerrors, 0);
    CHECK_INT(ir->iso.ns, NS(PID) | NS(MOUNT) | NS(NET) | NS(UTS) | NS(USER)); /* union */
    CHECK_INT(ds.nwarnings, 0);
    CHECK(ir->iso.pid_init_none);                                   /* not reset by a child without init */
    CHECK_STR(ir->iso.hostname, "child");
    CHECK_INT(ir->iso.nuidmap, 1);
    CHECK_INT(ir->iso.uidmap[0].inside, 5); /* the child's map replaces the parent's */
    CHECK_STR(ir->iso.root, "/srv/child");
    CHECK_INT(ir->iso.nfs, 4);
    CHECK_INT(fs_entry(0)->kind, STK_FS_READONLY);
    CHECK_INT(fs_entry(1)->kind, STK_FS_TMPFS);
    CHECK_U64(fs_entry(1)->size, 2 << 20); /* replaced */
    CHECK_INT(fs_entry(2)->kind, STK_FS_PROC);
    CHECK_INT(fs_entry(3)->kind, STK_FS_BIND); /* the child's bind replaces the parent's mask */
    CHECK_STR(fs_entry(3)->path, "/etc/shadow");
}

TEST(iso_extends_init_override)
{
    compile("policy base {\n    namespaces pid init none\n}\n"
            "policy child extends base {\n    namespaces pid init minimal\n}\n");
    EXPECT_CLEAN();
    CHECK(!ir->iso.pid_init_none);
}

TEST(iso_extends_child_host_root)
{
    compile("policy base {\n    filesystem { root /srv/jail }\n}\n"
            "policy child extends base {\n    filesystem { root / }\n}\n");
    EXPECT_CLEAN();
    CHECK(ir->iso.root == NULL);
}

/* ==== namespaces diagnostics ================================================= */

TEST(iso_diag_unknown_namespace_hint)
{
    CHECK(!compile("policy p {\n    namespaces pid, mnt\n}\n"));
    EXPECT_ERR("unknown-namespace", 2, 21, "unknown namespace 'mnt'", "did you mean 'mount'?");
    EXPECT_COUNTS(1, 0);
}

TEST(iso_diag_unknown_namespace_no_hint)
{
    CHECK(!compile("policy p {\n    namespaces network\n}\n"));
    EXPECT_ERR("unknown-namespace", 2, 16, "unknown namespace 'network'", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(iso_diag_duplicate_namespace)
{
    CHECK(!compile("policy p {\n    namespaces net, pid, net\n}\n"));
    EXPECT_ERR("duplicate-entry", 2, 26, "namespace 'net' is listed twice", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(iso_diag_namespaces_empty_and_block)
{
    CHECK(!compile("policy p {\n    namespaces\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 5, "'namespaces' needs at least 1 argument", NULL);
    CHECK(!compile("policy p {\n    namespaces { pid }\n}\n"));
    EXPECT_ERR("unexpected-block", 2, 5, "'namespaces' does not take a block", NULL);
}

TEST(iso_diag_init_misplaced)
{
    CHECK(!compile("policy p {\n    namespaces net init none, pid\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 20, "'init' belongs right after 'pid'", "write: namespaces pid init none");
    EXPECT_COUNTS(1, 0);
}

TEST(iso_diag_init_without_mode)
{
    CHECK(!compile("policy p {\n    namespaces pid init\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 20, "'init' needs a mode",
               "'init none': the command is pid 1; 'init minimal' (the default): stockade is pid 1 and the command "
               "pid 2");
}

TEST(iso_diag_init_unknown_mode)
{
    CHECK(!compile("policy p {\n    namespaces pid init nne\n}\n"));
    EXPECT_ERR("bad-arguments", 2, 25, "unknown init mode 'nne'", "did you mean 'none'?");
    EXPECT_COUNTS(1, 0);
}

/* ==== hostname ================================================================ */

TEST(iso_diag_hostname_without_uts)
{
    CHECK(!compile("policy p {\n    namespaces net\n    hostname box\n}\n"));
    EXPECT_ERR("needs-namespace", 3, 5, "'hostname' needs the uts namespace", "add 'uts' to the policy's namespaces");
    EXPECT_COUNTS(1, 0);
}

TEST(iso_diag_hostname_invalid)
{
    static const char *bad[] = {"\"bad name\"", "\"-lead\"", "trail-", "a..b", "\"x_y\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "policy p {\n    namespaces uts\n    hostname %s\n}\n", bad[i]);
        CHECK_MSG(!compile(text), "hostname %s accepted", bad[i]);
        const struct stk_diag *d = find_nth(STK_SEV_ERROR, "bad-arguments", 0);
        CHECK_MSG(d && d->loc.line == 3 && d->loc.col == 14 && strstr(d->message, "is not a valid host name"),
                  "hostname %s:%s", bad[i], dump());
        CHECK_STR(d->hint, "letters, digits and '-' in dot-separated labels; at most 64 characters");
    }
    CHECK(compile("policy p {\n    namespaces uts\n    hostname web-1.example.org\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->iso.hostname, "web-1.example.org");
}

TEST(iso_diag_hostname_too_long)
{
    char text[256];
    snprintf(text, sizeof text, "policy p {\n    namespaces uts\n    hostname %065d\n}\n", 0);
    text[strlen("policy p {\n    namespaces uts\n    hostname ")] = 'a';
    CHECK(!compile(text));
    CHECK_INT(count_code("bad-arguments"), 1);
}

/* ==== uid/gid maps ============================================================ */

TEST(iso_diag_uidmap_without_user)
{
    CHECK(!compile("policy p {\n    namespaces pid\n    uidmap 0 caller 1\n    gidmap 0 caller 1\n}\n"));
    EXPECT_ERR("needs-namespace", 3, 5, "'uidmap' needs the user namespace", "add 'user' to the policy's namespaces");
    EXPECT_NTH(1, STK_SEV_ERROR, "needs-namespace", 4, 5, "'gidmap' needs the user namespace",
               "add 'user' to the policy's namespaces");
    EXPECT_COUNTS(2, 0);
}

TEST(iso_diag_uidmap_arity)
{
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap 0 1000\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 12, "'uidmap' takes INSIDE OUTSIDE COUNT, one or more times",
               "e.g. uidmap 0 caller 1");
    CHECK(!compile("policy p {\n    namespaces user\n    gidmap 0 0 1 5\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 18, "'gidmap' takes INSIDE OUTSIDE COUNT, one or more times",
               "e.g. gidmap 0 caller 1");
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 5, "'uidmap' takes INSIDE OUTSIDE COUNT, one or more times",
               "e.g. uidmap 0 caller 1");
}

TEST(iso_diag_uidmap_values)
{
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap x 1000 1\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 12, "expected uid (0 to 4294967294), found 'x'", NULL);
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap 0 1000 0\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 19, "expected a count (1 to 4294967295), found '0'", NULL);
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap 0 4294967295 1\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 14, "expected uid (0 to 4294967294), found '4294967295'", NULL);
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap 0 -1 1\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 14, "expected uid (0 to 4294967294), found '-1'", NULL);
}

TEST(iso_diag_uidmap_caller_typo)
{
    CHECK(!compile("policy p {\n    namespaces user\n    gidmap 0 caler 1\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 14, "expected a gid or 'caller', found 'caler'", "did you mean 'caller'?");
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap 0 root 1\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 14, "expected a uid or 'caller', found 'root'", NULL);
}

TEST(iso_diag_uidmap_range_overflow)
{
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap 4294967290 0 10\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 25, "the range goes past uid 4294967294", NULL);
}

TEST(iso_diag_uidmap_overlaps)
{
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap 0 1000 10, 5 2000 1\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 23, "uids 5 to 5 inside the namespace are already mapped", NULL);
    CHECK(!compile("policy p {\n    namespaces user\n    uidmap 0 1000 10, 20 1009 1\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 26, "uid 1009 is already mapped by an earlier line", NULL);
    CHECK(!compile("policy p {\n    namespaces user\n    gidmap 0 caller 1, 1 caller 1\n}\n"));
    EXPECT_ERR("bad-arguments", 3, 26, "gid caller is already mapped by an earlier line", NULL);
    EXPECT_COUNTS(1, 0);
}

TEST(iso_diag_uidmap_too_many_lines)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy p {\n    namespaces user\n    uidmap");
    for (int i = 0; i <= STK_IDMAP_MAX; i++)
        stk_buf_printf(&b, "%s %d %d 1", i ? "," : "", i, 1000 + i);
    stk_buf_puts(&b, "\n}\n");
    compile(b.data);
    stk_buf_free(&b);
    CHECK(!ir);
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "bad-arguments", 0);
    CHECK(d);
    CHECK_STR(d->message, "a uid map has at most 340 lines");
    CHECK_INT(d->loc.line, 3);
}

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
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "bad-arguments", 0);
    CHECK(d);
    CHECK_STR(d->message, "more than 512 filesystem entries");
    CHECK_INT(d->loc.line, 3 + STK_FS_MAX_ENTRIES);
    CHECK_INT(d->loc.col, 14);
}

int main(void)
{
    if (harness_setup())
        return 1;
    RUN(iso_full_policy_ir);
    RUN(iso_nothing_enforced_is_refused_any_more);
    RUN(iso_filesystem_implies_mount);
    RUN(iso_bind_forms);
    RUN(iso_order_parents_first_then_as_written);
    RUN(iso_tmpfs_options);
    RUN(iso_proc_default_path);
    RUN(iso_extends_child_adds_and_overrides);
    RUN(iso_extends_init_override);
    RUN(iso_extends_child_host_root);
    RUN(iso_diag_unknown_namespace_hint);
    RUN(iso_diag_unknown_namespace_no_hint);
    RUN(iso_diag_duplicate_namespace);
    RUN(iso_diag_namespaces_empty_and_block);
    RUN(iso_diag_init_misplaced);
    RUN(iso_diag_init_without_mode);
    RUN(iso_diag_init_unknown_mode);
    RUN(iso_diag_hostname_without_uts);
    RUN(iso_diag_hostname_invalid);
    RUN(iso_diag_hostname_too_long);
    RUN(iso_diag_uidmap_without_user);
    RUN(iso_diag_uidmap_arity);
    RUN(iso_diag_uidmap_values);
    RUN(iso_diag_uidmap_caller_typo);
    RUN(iso_diag_uidmap_range_overflow);
    RUN(iso_diag_uidmap_overlaps);
    RUN(iso_diag_uidmap_too_many_lines);
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
