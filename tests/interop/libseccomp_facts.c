/* libseccomp_facts.c — prints how libseccomp itself builds the rules an OCI
 * runtime hands it (crun and runc both compile linux.seccomp through
 * libseccomp); tests/interop/semantics.sh compares every line with the
 * semantics stockade's OCI export relies on.  Built by that script with
 * `pkg-config libseccomp`.  Each line is "NAME: VALUE":
 *   rule_eq_default_allow   seccomp_rule_add's result for an ALLOW rule when the default is ALLOW
 *   rule_eq_default_errno   ... an ERRNO(1) rule when the default is ERRNO(1)
 *   unknown_name            seccomp_syscall_resolve_name("no_such_call") is __NR_SCMP_ERROR: yes|no
 *   uncond_after_cond A     errno of getpgid(A) under [cond pid==5 -> 11, uncond -> 12] (filter loaded in a child)
 *   uncond_before_cond A    the same rules added in the other order
 *   same_arg_pair_add       seccomp_rule_add's result for one rule with pid==5 and pid==6 (the
 *                           runtimes split such a rule into one rule per comparison: an OR)
 *   eq_64 A                 errno of getpgid(A) under pid==5 -> 15 (A with junk in the upper half)
 *   masked_eq_32 A          errno of getpgid(A) under pid&0xffffffff==5 -> 16
 * An errno of 0 means the call succeeded. */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SET_ORDER_CU, SET_ORDER_UC, SET_PAIR, SET_EQ64, SET_MASKED };

/* a comparison of argument 0 (SCMP_A0 leaves datum_b to the initializer) */
static struct scmp_arg_cmp a0(enum scmp_compare op, uint64_t a, uint64_t b)
{
    struct scmp_arg_cmp c = {.arg = 0, .op = op, .datum_a = a, .datum_b = b};
    return c;
}

static int add_rules(scmp_filter_ctx c, int set)
{
    int nr = SCMP_SYS(getpgid), rc = 0;
    switch (set) {
    case SET_ORDER_CU:
        rc = seccomp_rule_add(c, SCMP_ACT_ERRNO(11), nr, 1, a0(SCMP_CMP_EQ, 5, 0));
        if (rc == 0)
            rc = seccomp_rule_add(c, SCMP_ACT_ERRNO(12), nr, 0);
        break;
    case SET_ORDER_UC:
        rc = seccomp_rule_add(c, SCMP_ACT_ERRNO(12), nr, 0);
        if (rc == 0)
            rc = seccomp_rule_add(c, SCMP_ACT_ERRNO(11), nr, 1, a0(SCMP_CMP_EQ, 5, 0));
        break;
    case SET_PAIR:
        rc = seccomp_rule_add(c, SCMP_ACT_ERRNO(13), nr, 2, a0(SCMP_CMP_EQ, 5, 0), a0(SCMP_CMP_EQ, 6, 0));
        break;
    case SET_EQ64:
        rc = seccomp_rule_add(c, SCMP_ACT_ERRNO(15), nr, 1, a0(SCMP_CMP_EQ, 5, 0));
        break;
    default:
        rc = seccomp_rule_add(c, SCMP_ACT_ERRNO(16), nr, 1, a0(SCMP_CMP_MASKED_EQ, 0xffffffffu, 5));
        break;
    }
    return rc;
}

/* the errno of getpgid(arg) in a child that loaded the rules of SET, or a
 * negative libseccomp result when the rules were refused */
static int run(int set, uint64_t arg)
{
    pid_t p = fork();
    if (p < 0)
        return -1000;
    if (p == 0) {
        scmp_filter_ctx c = seccomp_init(SCMP_ACT_ALLOW);
        if (!c)
            _exit(200);
        int rc = add_rules(c, set);
        if (rc < 0)
            _exit(201);
        if (seccomp_load(c) < 0)
            _exit(202);
        long r = syscall(SYS_getpgid, arg);
        _exit(r < 0 ? errno : 0);
    }
    int st;
    if (waitpid(p, &st, 0) != p || !WIFEXITED(st))
        return -1001;
    return WEXITSTATUS(st) >= 200 ? -WEXITSTATUS(st) : WEXITSTATUS(st);
}

static int rule_eq_default(uint32_t act)
{
    scmp_filter_ctx c = seccomp_init(act);
    if (!c)
        return -1000;
    int rc = seccomp_rule_add(c, act, SCMP_SYS(getsid), 0);
    seccomp_release(c);
    return rc;
}

int main(void)
{
    static const uint64_t args[] = {0, 5, 6, 7, 0x100000005ull};
    static const struct {
        const char *name;
        int set;
    } sets[] = {{"uncond_after_cond", SET_ORDER_CU}, {"uncond_before_cond", SET_ORDER_UC},
                {"eq_64", SET_EQ64}, {"masked_eq_32", SET_MASKED}};
    printf("rule_eq_default_allow: %d\n", rule_eq_default(SCMP_ACT_ALLOW));
    printf("rule_eq_default_errno: %d\n", rule_eq_default(SCMP_ACT_ERRNO(1)));
    scmp_filter_ctx c = seccomp_init(SCMP_ACT_ALLOW);
    if (!c)
        return 1;
    printf("same_arg_pair_add: %d\n", add_rules(c, SET_PAIR));
    seccomp_release(c);
    printf("unknown_name: %s\n", seccomp_syscall_resolve_name("no_such_call") == __NR_SCMP_ERROR ? "yes" : "no");
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++)
        for (size_t a = 0; a < sizeof args / sizeof args[0]; a++)
            printf("%s %#llx: %d\n", sets[s].name, (unsigned long long)args[a], run(sets[s].set, args[a]));
    return 0;
}
