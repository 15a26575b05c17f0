/* test_isolation_sema — the namespaces, hostname, uidmap and gidmap statements: what they put
 * in the IR, the extends semantics, the application order of filesystem entries, and every
 * diagnostic with its code, line, column, message and hint.  The filesystem diagnostics are in
 * test_isolation_fs_sema.c. */
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
    const struct stk_diag *d = find_nth(STK_SEV_ERROR, "too-many", 0);
    CHECK(d);
    CHECK_STR(d->message, "a uid map has at most 340 lines");
    CHECK_INT(d->loc.line, 3);
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
    return harness_finish();
}
