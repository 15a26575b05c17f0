/* test_resolve_ir — front end (issue 2): name resolution (includes, groups, extends, capabilities) and the IR
 * the front end produces (rule order, normalised conditions). */
#include "frontend_harness.h"
#include "stk_paths.h"

/* ==== name resolution ================================================================ */

TEST(resolve_extends_rules_child_first)
{
    CHECK(compile("policy base {\n    user a\n    umask 022\n    seccomp {\n        default errno EPERM\n"
                  "        allow read\n        allow write\n    }\n}\n"
                  "policy web extends base {\n    user b\n    seccomp {\n        errno EACCES read\n"
                  "        allow getpid\n    }\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->name, "web");
    CHECK_STR(ir->user, "b");       /* child overrides */
    CHECK(ir->umask_set);           /* parent's setting inherited */
    CHECK_INT(ir->umask, 022);
    CHECK_INT(ir->seccomp.def.kind, STK_ACT_ERRNO);
    CHECK_INT(ir->seccomp.def.data, EPERM);
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 4);
    CHECK_INT(r[0]->syscall, sc("read"));
    CHECK_INT(r[0]->action.kind, STK_ACT_ERRNO);
    CHECK_INT(r[0]->action.data, EACCES);
    CHECK_INT(r[0]->loc.line, 13);
    CHECK_INT(r[1]->syscall, sc("getpid"));
    CHECK_INT(r[2]->syscall, sc("read"));
    CHECK_INT(r[2]->action.kind, STK_ACT_ALLOW);
    CHECK_INT(r[2]->loc.line, 6);
    CHECK_INT(r[3]->syscall, sc("write"));
}

TEST(resolve_extends_child_default_wins)
{
    CHECK(compile("policy base {\n    no_new_privs off\n    seccomp {\n        default errno EPERM\n        allow read\n    }\n}\n"
                  "policy child extends base {\n    no_new_privs\n    seccomp {\n        default kill-process\n"
                  "        arch x86_64, i386\n    }\n}\n"));
    CHECK_INT(ir->seccomp.def.kind, STK_ACT_KILL_PROCESS);
    CHECK(ir->no_new_privs);
    CHECK(ir->seccomp.abis[STK_ABI_X86_64]);
    CHECK(ir->seccomp.abis[STK_ABI_I386]);
    CHECK(!ir->seccomp.abis[STK_ABI_AARCH64]);
    CHECK_INT(count_code("shadowed-rule"), 0);
}

TEST(resolve_extends_grandparent)
{
    CHECK(compile("policy a {\n    workdir /a\n    seccomp {\n        default errno EPERM\n        allow read\n    }\n}\n"
                  "policy b extends a {\n    seccomp {\n        allow write\n    }\n}\n"
                  "policy c extends b {\n    seccomp {\n        allow close\n    }\n}\n"));
    EXPECT_CLEAN();
    CHECK_STR(ir->workdir, "/a");
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 3);
    CHECK_INT(r[0]->syscall, sc("close"));
    CHECK_INT(r[1]->syscall, sc("write"));
    CHECK_INT(r[2]->syscall, sc("read"));
}

TEST(resolve_child_rule_ahead_of_parent_not_shadowed)
{
    /* the child deciding a syscall ahead of its parent is the point of extends */
    CHECK(compile("policy base {\n    seccomp {\n        default errno EPERM\n        allow ptrace\n    }\n}\n"
                  "policy c extends base {\n    seccomp {\n        kill-process ptrace\n    }\n}\n"));
    EXPECT_CLEAN();
}

TEST(resolve_select_policy)
{
    static const char text[] = "policy first {\n    user a\n}\npolicy second {\n    user b\n}\n";
    CHECK(compile_len(text, sizeof text - 1, NULL));
    CHECK_STR(ir->name, "second"); /* the last one of the file */
    struct stk_compile_opts o = {.policy_name = "first"};
    CHECK(compile_len(text, sizeof text - 1, &o));
    CHECK_STR(ir->name, "first");
    CHECK_STR(ir->user, "a");
    CHECK_INT(ir->loc.line, 1);
    CHECK_INT(ir->loc.col, 8);
}

TEST(resolve_groups_nested)
{
    CHECK(compile("group @a { read\n    write }\ngroup @b { @a, close, read }\npolicy p {\n    seccomp {\n"
                  "        default errno EPERM\n        allow @b\n        errno EACCES getpid\n    }\n}\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 4); /* read once: a group is a set */
    CHECK_INT(r[0]->syscall, sc("read"));
    CHECK_INT(r[1]->syscall, sc("write"));
    CHECK_INT(r[2]->syscall, sc("close"));
    CHECK_INT(r[3]->syscall, sc("getpid"));
    CHECK_INT(r[0]->loc.line, 7);
}

TEST(resolve_group_defined_after_use)
{
    CHECK(compile("policy p {\n    seccomp {\n        default errno EPERM\n        allow @late\n    }\n}\ngroup @late { read }\n"));
    EXPECT_CLEAN();
}

TEST(resolve_capability_spellings)
{
    CHECK(compile("policy p {\n    capabilities { keep net_bind_service, CAP_SETUID, cap_net_raw\n"
                  "                    keep Cap_Chown }\n}\n"));
    EXPECT_CLEAN();
    CHECK_INT(ir->caps_mode, STK_CAPS_KEEP);
    CHECK_U64(ir->caps_keep,
              (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_SETUID) | (1ull << CAP_NET_RAW) | (1ull << CAP_CHOWN));
    CHECK(compile("policy p {\n    capabilities none\n}\n"));
    CHECK_INT(ir->caps_mode, STK_CAPS_NONE);
    CHECK(compile("policy p {\n    capabilities { }\n}\n"));
    CHECK_INT(ir->caps_mode, STK_CAPS_KEEP);
    CHECK_U64(ir->caps_keep, 0);
}

TEST(resolve_defaults)
{
    CHECK(compile("policy p {\n}\n"));
    EXPECT_CLEAN();
    CHECK(ir->no_new_privs); /* on unless turned off */
    CHECK_INT(ir->caps_mode, STK_CAPS_NONE);
    CHECK(ir->user == NULL);
    CHECK(!ir->umask_set);
}

TEST(resolve_include_relative_and_builtin)
{
    /* sub/main.stk includes "lib.stk" next to it (not in the cwd) and the built-in groups.stk */
    char sub[160];
    snprintf(sub, sizeof sub, "%s/sub", tmpdir);
    CHECK(mkdir(sub, 0755) == 0 || errno == EEXIST);
    write_file("sub/lib.stk", "group @mine { read }\n");
    const char *m = write_file("sub/main.stk", "include \"lib.stk\"\ninclude \"groups.stk\"\npolicy p {\n"
                                               "    seccomp {\n        default errno EPERM\n        allow @mine, @system-service\n    }\n}\n");
    reset();
    ir = stk_compile_file(m, NULL, &ds);
    EXPECT_CLEAN();
    CHECK(ir->seccomp.nrules > 50);
    CHECK(check_path(m, NULL));
}

TEST(resolve_include_dir_option)
{
    char dir[160];
    snprintf(dir, sizeof dir, "%s/incdir", tmpdir);
    CHECK(mkdir(dir, 0755) == 0 || errno == EEXIST);
    write_file("incdir/extra.stk", "group @extra { getpid }\npolicy lib {\n}\n");
    const char *m = write_file("uses_incdir.stk", "include \"extra.stk\"\npolicy p extends lib {\n    seccomp {\n"
                                                  "        default errno EPERM\n        allow @extra\n    }\n}\n");
    CHECK(!check_path(m, NULL));
    EXPECT_ERR("include-missing", 1, 9, "cannot find included file 'extra.stk'",
               "looked next to the including file, in -I directories, in " STK_SITE_POLICY_DIR ", in "
               STK_POLICY_DIR " and in the built-in library");
    const char *dirs[] = {dir};
    struct stk_compile_opts o = {.include_dirs = dirs, .ninclude_dirs = 1};
    CHECK(check_path(m, &o));
    reset();
    ir = stk_compile_file(m, &o, &ds);
    EXPECT_CLEAN();
    CHECK_STR(ir->name, "p"); /* policies of includes are never selected by default */
}

TEST(resolve_include_once)
{
    /* a file included twice (diamond) defines its groups once: no duplicate-group */
    write_file("dia_base.stk", "group @base { read }\n");
    write_file("dia_l.stk", "include \"dia_base.stk\"\n");
    write_file("dia_r.stk", "include \"dia_base.stk\"\n");
    const char *m = write_file("dia_main.stk", "include \"dia_l.stk\"\ninclude \"dia_r.stk\"\npolicy p {\n}\n");
    CHECK(check_path(m, NULL));
    CHECK_INT(ds.nd, 0);
}

TEST(check_file_groups_only_and_empty)
{
    CHECK(check_path(write_file("groups_only.stk", "group @g { read, write }\n"), NULL));
    CHECK_INT(ds.nd, 0);
    CHECK(check_path(write_file("empty.stk", ""), NULL));
    CHECK_INT(ds.nd, 0);
    CHECK(check_path(write_file("comments.stk", "# nothing\n# here\n"), NULL));
    CHECK_INT(ds.nd, 0);
}

TEST(check_file_unused_group_and_every_policy)
{
    const char *p = write_file("every.stk", "group @unused { wirte }\npolicy a {\n    usr x\n}\npolicy b {\n    umask 8\n}\n");
    CHECK(!check_path(p, NULL));
    EXPECT_ERR("unknown-syscall", 1, 17, "unknown syscall 'wirte'", "did you mean 'write'?");
    EXPECT_ERR("unknown-directive", 3, 5, "unknown statement 'usr'", "did you mean 'user'?");
    EXPECT_ERR("bad-arguments", 6, 11, "'8' is not an octal umask (000 to 777)", NULL);
    EXPECT_COUNTS(3, 0);
}

TEST(check_file_accumulates)
{
    /* check of several files into one store keeps counting */
    reset();
    CHECK(!stk_pipeline_check_file(write_file("acc1.stk", "policy a {\n    usr x\n}\n"), NULL, &ds));
    CHECK(stk_pipeline_check_file(write_file("acc2.stk", "policy b {\n}\n"), NULL, &ds));
    CHECK(!stk_pipeline_check_file(write_file("acc3.stk", "policy c {\n    usr x\n}\n"), NULL, &ds));
    CHECK_INT(ds.nerrors, 2);
    CHECK(ds.d[0].loc.file != ds.d[1].loc.file);
}

TEST(check_shipped_policies)
{
    static const char *const files[] = {"policies/groups.stk", "policies/default.stk", "policies/examples/web.stk",
                                        "policies/examples/minimal.stk", "policies/examples/denylist.stk",
                                        "policies/examples/deny-exec.stk"};
    if (access(files[0], R_OK) != 0)
        SKIP("run from the repository root to check the shipped policies");
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (access(files[i], R_OK) != 0)
            continue;
        CHECK_MSG(check_path(files[i], NULL) && ds.nwarnings == 0, "%s:%s", files[i], dump());
    }
}

TEST(compile_default_policy)
{
    reset();
    ir = stk_compile_default(&ds);
    EXPECT_CLEAN();
    CHECK(ir->seccomp.present);
}

/* ==== IR ================================================================================ */

TEST(ir_rule_order_and_actions)
{
    CHECK(compile_rules("        errno EACCES ptrace\n        allow read\n        log write\n        trap close\n"
                        "        trace 7 getpid\n        notify getppid\n        kill-thread gettid\n"
                        "        kill-process mount\n        kill umount2\n        errno 13 dup\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[16];
    CHECK_INT(user_rules(r, 16), 10);
    static const char *const names[] = {"ptrace", "read", "write", "close", "getpid", "getppid", "gettid",
                                        "mount", "umount2", "dup"};
    static const enum stk_action_kind kinds[] = {STK_ACT_ERRNO, STK_ACT_ALLOW, STK_ACT_LOG, STK_ACT_TRAP,
                                                 STK_ACT_TRACE, STK_ACT_NOTIFY, STK_ACT_KILL_THREAD,
                                                 STK_ACT_KILL_PROCESS, STK_ACT_KILL_PROCESS, STK_ACT_ERRNO};
    for (int i = 0; i < 10; i++) {
        CHECK_MSG(r[i]->syscall == sc(names[i]), "rule %d is not %s", i, names[i]);
        CHECK_MSG(r[i]->action.kind == kinds[i], "rule %d (%s): action %d", i, names[i], (int)r[i]->action.kind);
        CHECK_INT(r[i]->loc.line, 4 + i);
        CHECK_INT(r[i]->loc.col, 9);
        CHECK(r[i]->cond == NULL);
    }
    CHECK_INT(r[0]->action.data, EACCES);
    CHECK_INT(r[4]->action.data, 7);
    CHECK_INT(r[9]->action.data, 13);
    /* the built-in rules come before the policy's */
    CHECK(ir->seccomp.rules[0].loc.line == 0);
    CHECK(ir->seccomp.block_tiocsti);
}

TEST(ir_cond_mask_cmp)
{
    CHECK(compile_rules("        allow mmap, mprotect if (prot & PROT_EXEC) == 0\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 2);
    enum stk_abi na = stk_native_abi();
    for (int i = 0; i < 2; i++) {
        const struct stk_cond *c = r[i]->cond;
        CHECK(c);
        CHECK_INT(c->kind, STK_COND_CMP);
        CHECK_U64(c->mask, PROT_EXEC);
        CHECK_INT(c->op, STK_CMP_EQ);
        CHECK_U64(c->value, 0);
        CHECK_INT(c->argno[na], 2);
    }
    CHECK_INT(r[0]->syscall, sc("mmap"));
    CHECK_INT(r[1]->syscall, sc("mprotect"));
}

TEST(ir_cond_const_on_left_flipped)
{
    CHECK(compile_rules("        allow dup if 3 < oldfd\n        allow read if 10 >= fd\n        allow write if 1 == fd\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 3);
    CHECK_INT(r[0]->cond->kind, STK_COND_CMP);
    CHECK_INT(r[0]->cond->op, STK_CMP_GT);
    CHECK_U64(r[0]->cond->value, 3);
    CHECK_INT(r[0]->cond->argno[stk_native_abi()], 0);
    CHECK_INT(r[1]->cond->op, STK_CMP_LE);
    CHECK_U64(r[1]->cond->value, 10);
    CHECK_INT(r[2]->cond->op, STK_CMP_EQ);
    CHECK_U64(r[2]->cond->value, 1);
}

TEST(ir_cond_all_operators)
{
    CHECK(compile_rules("        allow read if fd == 1\n        allow read if fd != 1\n        allow read if fd < 1\n"
                        "        allow read if fd <= 1\n        allow read if fd > 1\n        allow read if fd >= 1\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[8];
    CHECK_INT(user_rules(r, 8), 6);
    static const enum stk_cmp_op ops[] = {STK_CMP_EQ, STK_CMP_NE, STK_CMP_LT, STK_CMP_LE, STK_CMP_GT, STK_CMP_GE};
    for (int i = 0; i < 6; i++)
        CHECK_MSG(r[i]->cond->op == ops[i], "rule %d op %d", i, (int)r[i]->cond->op);
}

TEST(ir_cond_in_and_not_in)
{
    CHECK(compile_rules("        allow socket if domain in (AF_UNIX, AF_INET, AF_INET6)\n"
                        "        errno EAFNOSUPPORT socket if domain not in (AF_UNIX, 2)\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 2);
    const struct stk_cond *c = r[0]->cond;
    CHECK_INT(c->kind, STK_COND_IN);
    CHECK_INT(c->argno[stk_native_abi()], 0);
    CHECK_U64(c->mask, ~0ull);
    CHECK_INT(c->nvalues, 3);
    CHECK_U64(c->values[0], AF_UNIX);
    CHECK_U64(c->values[1], AF_INET);
    CHECK_U64(c->values[2], AF_INET6);
    c = r[1]->cond;
    CHECK_INT(c->kind, STK_COND_NOT);
    CHECK(c->a);
    CHECK_INT(c->a->kind, STK_COND_IN);
    CHECK_INT(c->a->nvalues, 2);
    CHECK_U64(c->a->values[1], 2);
    CHECK_INT(r[1]->action.data, EAFNOSUPPORT);
}

TEST(ir_cond_logic_precedence)
{
    /* && binds tighter than ||; ! applies to its operand */
    CHECK(compile_rules("        allow read if fd == 0 || fd == 1 && count < 10\n        allow write if !(fd == 2) && fd > 0\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 2);
    const struct stk_cond *c = r[0]->cond;
    CHECK_INT(c->kind, STK_COND_OR);
    CHECK_INT(c->a->kind, STK_COND_CMP);
    CHECK_U64(c->a->value, 0);
    CHECK_INT(c->b->kind, STK_COND_AND);
    CHECK_U64(c->b->a->value, 1);
    CHECK_INT(c->b->b->op, STK_CMP_LT);
    CHECK_INT(c->b->b->argno[stk_native_abi()], 2);
    c = r[1]->cond;
    CHECK_INT(c->kind, STK_COND_AND);
    CHECK_INT(c->a->kind, STK_COND_NOT);
    CHECK_INT(c->a->a->kind, STK_COND_CMP);
    CHECK_U64(c->a->a->value, 2);
    CHECK_INT(c->b->op, STK_CMP_GT);
}

TEST(ir_cond_constant_folding_and_truthiness)
{
    CHECK(compile_rules("        allow open if (flags & (O_WRONLY | O_RDWR)) == 0\n        errno EPERM openat if flags & O_CREAT\n"
                        "        allow close if arg0 == 5\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 3);
    CHECK_INT(r[0]->cond->kind, STK_COND_CMP);
    CHECK_U64(r[0]->cond->mask, O_WRONLY | O_RDWR);
    CHECK_U64(r[0]->cond->value, 0);
    CHECK_INT(r[1]->cond->kind, STK_COND_CMP);
    CHECK_INT(r[1]->cond->op, STK_CMP_NE);
    CHECK_U64(r[1]->cond->mask, O_CREAT);
    CHECK_U64(r[1]->cond->value, 0);
    CHECK_INT(r[1]->cond->argno[stk_native_abi()], 2);
    CHECK_INT(r[2]->cond->argno[stk_native_abi()], 0);
    CHECK_U64(r[2]->cond->value, 5);
}

TEST(ir_cond_argument_types)
{
    CHECK(compile_rules("        allow read if fd == 0\n        allow lseek if offset == 0\n"
                        "        allow ioctl if request == 1\n"));
    EXPECT_CLEAN();
    const struct stk_rule *r[4];
    CHECK_INT(user_rules(r, 4), 3);
    /* read's fd is an unsigned int in the kernel: compared on 32 bits */
    CHECK_MSG(r[0]->cond->type == STK_ARG_INT || r[0]->cond->type == STK_ARG_UINT, "type %d", (int)r[0]->cond->type);
    CHECK(r[1]->cond->type == STK_ARG_LONG || r[1]->cond->type == STK_ARG_ULONG);
    CHECK_INT(r[2]->cond->argno[stk_native_abi()], 1);
}

TEST(ir_no_seccomp_block)
{
    CHECK(compile("policy p {\n    user nobody\n}\n"));
    EXPECT_CLEAN();
    CHECK(!ir->seccomp.present);
    CHECK_INT(ir->seccomp.def.kind, STK_ACT_ALLOW);
    const struct stk_rule *r[2];
    CHECK_INT(user_rules(r, 2), 0);
}

TEST(ir_seccomp_settings)
{
    CHECK(compile("policy p {\n    seccomp {\n        default errno EPERM\n        newer_syscalls kill-process\n"
                  "        tiocsti allow\n        arch native\n    }\n}\n"));
    EXPECT_CLEAN();
    CHECK(ir->seccomp.present);
    CHECK_INT(ir->seccomp.newer.kind, STK_ACT_KILL_PROCESS);
    CHECK(!ir->seccomp.block_tiocsti);
    int n = 0;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        n += ir->seccomp.abis[a];
    CHECK_INT(n, 1);
    CHECK(ir->seccomp.abis[stk_native_abi()]);
}

int main(void)
{
    if (harness_setup() != 0)
        return 1;
    RUN(resolve_extends_rules_child_first);
    RUN(resolve_extends_child_default_wins);
    RUN(resolve_extends_grandparent);
    RUN(resolve_child_rule_ahead_of_parent_not_shadowed);
    RUN(resolve_select_policy);
    RUN(resolve_groups_nested);
    RUN(resolve_group_defined_after_use);
    RUN(resolve_capability_spellings);
    RUN(resolve_defaults);
    RUN(resolve_include_relative_and_builtin);
    RUN(resolve_include_dir_option);
    RUN(resolve_include_once);
    RUN(check_file_groups_only_and_empty);
    RUN(check_file_unused_group_and_every_policy);
    RUN(check_file_accumulates);
    RUN(check_shipped_policies);
    RUN(compile_default_policy);
    RUN(ir_rule_order_and_actions);
    RUN(ir_cond_mask_cmp);
    RUN(ir_cond_const_on_left_flipped);
    RUN(ir_cond_all_operators);
    RUN(ir_cond_in_and_not_in);
    RUN(ir_cond_logic_precedence);
    RUN(ir_cond_constant_folding_and_truthiness);
    RUN(ir_cond_argument_types);
    RUN(ir_no_seccomp_block);
    RUN(ir_seccomp_settings);
    return harness_finish();
}
