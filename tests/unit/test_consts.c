/* test_consts.c — the generated constants table and errno names. */
#include "consts.h"

#include "testlib.h"

#include <errno.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <fcntl.h>

static int64_t cval(const char *name)
{
    int64_t v = -12345;
    if (!stk_const_lookup(name, &v))
        return -12345;
    return v;
}

TEST(known_constants)
{
    CHECK_INT(cval("AF_INET"), 2);
    CHECK_INT(cval("AF_INET"), AF_INET);
    CHECK_INT(cval("AF_UNIX"), AF_UNIX);
    CHECK_INT(cval("SOCK_STREAM"), SOCK_STREAM); /* an enum constant in glibc */
    CHECK_INT(cval("PROT_EXEC"), PROT_EXEC);
    CHECK_INT(cval("PROT_WRITE"), PROT_WRITE);
    CHECK_INT(cval("MAP_SHARED"), MAP_SHARED);
    CHECK_INT(cval("O_WRONLY"), O_WRONLY);
    CHECK_INT(cval("O_WRONLY"), 1);
    CHECK_INT(cval("AT_FDCWD"), AT_FDCWD); /* negative */
    CHECK_INT(cval("CLONE_NEWUSER"), CLONE_NEWUSER);
    CHECK_INT(cval("CLONE_NEWUSER"), 0x10000000);
    CHECK_INT(cval("TIOCSTI"), TIOCSTI);
    CHECK_INT(cval("EPERM"), 1);
    CHECK_INT(cval("EPERM"), EPERM);
    CHECK(stk_const_lookup("PTRACE_TRACEME", NULL)); /* enum-only in glibc */
    CHECK(stk_const_lookup("PER_LINUX", NULL));
    CHECK(stk_const_lookup("FUTEX_WAIT", NULL));
    CHECK(stk_const_lookup("SECCOMP_RET_KILL_PROCESS", NULL));
    CHECK(stk_const_lookup("EPOLLIN", NULL));
    CHECK(!stk_const_lookup("NOT_A_CONSTANT_AT_ALL", NULL));
    CHECK(!stk_const_lookup("af_inet", NULL));
    CHECK(!stk_const_lookup("", NULL));
    CHECK(!stk_const_lookup(NULL, NULL));
    /* Pointers are not integer constants. */
    CHECK(!stk_const_lookup("MAP_FAILED", NULL));
    CHECK(!stk_const_lookup("SIG_DFL", NULL));
}

TEST(table_sorted)
{
    CHECK(stk_const_count > 500);
    for (size_t i = 1; i < stk_const_count; i++)
        CHECK_MSG(strcmp(stk_const_table[i - 1].name, stk_const_table[i].name) < 0,
                  "not sorted/unique at %s", stk_const_table[i].name);
    for (size_t i = 0; i < stk_const_count; i++) {
        int64_t v;
        CHECK(stk_const_lookup(stk_const_table[i].name, &v));
        CHECK(v == stk_const_table[i].value);
    }
}

TEST(const_suggest)
{
    CHECK_STR(stk_const_suggest("AF_INTE"), "AF_INET");
    CHECK_STR(stk_const_suggest("af_inet"), "AF_INET");
    CHECK_STR(stk_const_suggest("PROT_EXE"), "PROT_EXEC");
    CHECK(stk_const_suggest("THIS_IS_NOTHING_LIKE_A_CONSTANT") == NULL);
    CHECK(stk_const_suggest("") == NULL);
    CHECK(stk_const_suggest(NULL) == NULL);
}

TEST(errno_names)
{
    int v = 0;
    CHECK(stk_errno_lookup("EPERM", &v));
    CHECK_INT(v, 1);
    CHECK(stk_errno_lookup("E2BIG", &v));
    CHECK_INT(v, E2BIG);
    CHECK(stk_errno_lookup("EXDEV", &v));
    CHECK_INT(v, EXDEV);
    CHECK(stk_errno_lookup("ENOSYS", &v));
    CHECK_INT(v, ENOSYS);
    CHECK(stk_errno_lookup("EWOULDBLOCK", &v));
    CHECK_INT(v, EAGAIN);
    CHECK(stk_errno_lookup("ENOTSUP", &v));
    CHECK_INT(v, ENOTSUP);
    CHECK(stk_errno_lookup("EDEADLOCK", &v));
    CHECK_INT(v, EDEADLOCK);
    /* E-names that are not errno values. */
    CHECK(!stk_errno_lookup("EPOLLIN", &v));
    CHECK(!stk_errno_lookup("EOF", &v));
    CHECK(!stk_errno_lookup("ECHO", &v));
    CHECK(!stk_errno_lookup("EFD_CLOEXEC", &v));
    CHECK(!stk_errno_lookup("AF_INET", &v));
    CHECK(!stk_errno_lookup("eperm", &v));
    CHECK(!stk_errno_lookup("E", &v));
    CHECK(!stk_errno_lookup(NULL, &v));

    CHECK_STR(stk_errno_name(EPERM), "EPERM");
    CHECK_STR(stk_errno_name(EAGAIN), "EAGAIN");
    CHECK_STR(stk_errno_name(EDEADLK), "EDEADLK");
    CHECK_STR(stk_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
    CHECK(stk_errno_name(0) == NULL);
    CHECK(stk_errno_name(-1) == NULL);
    CHECK(stk_errno_name(4096) == NULL);
    CHECK(stk_errno_name(4000) == NULL);
}

TEST(errno_round_trip)
{
    int named = 0;
    for (int e = 1; e <= 4095; e++) {
        const char *name = stk_errno_name(e);
        if (!name)
            continue;
        named++;
        int v = 0;
        CHECK_MSG(stk_errno_lookup(name, &v) && v == e, "%s (%d)", name, e);
        int64_t cv = 0;
        CHECK_MSG(stk_const_lookup(name, &cv) && cv == e, "%s not a constant", name);
    }
    CHECK(named >= 130);
    /* Every errno name maps to a value whose canonical name has that value. */
    for (size_t i = 0; i < stk_const_count; i++) {
        int v = 0;
        if (!stk_errno_lookup(stk_const_table[i].name, &v))
            continue;
        CHECK(v >= 1 && v <= 4095);
        CHECK(v == stk_const_table[i].value);
        const char *canon = stk_errno_name(v);
        CHECK_MSG(canon != NULL, "%s has no canonical name", stk_const_table[i].name);
        int w = 0;
        CHECK(stk_errno_lookup(canon, &w) && w == v);
    }
}

TEST(errno_suggest)
{
    CHECK_STR(stk_errno_suggest("EPRM"), "EPERM");
    CHECK_STR(stk_errno_suggest("eacces"), "EACCES");
    CHECK_STR(stk_errno_suggest("ENOSYSS"), "ENOSYS");
    CHECK(stk_errno_suggest("NOTHING_LIKE_AN_ERRNO") == NULL);
    CHECK(stk_errno_suggest(NULL) == NULL);
}

int main(void)
{
    RUN(known_constants);
    RUN(table_sorted);
    RUN(const_suggest);
    RUN(errno_names);
    RUN(errno_round_trip);
    RUN(errno_suggest);
    return test_summary();
}
