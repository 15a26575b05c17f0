/* test_identity_getent.c — enforcer/steps/identity_getent.c against stand-in
 * getent programs (shell scripts in a scratch directory), given through the
 * lookup's program argument: the product always runs /usr/bin/getent
 * (stk_identity_getent_host), and nothing in its environment changes that.
 * What the child gets (argv with `--`, a fixed environment, /dev/null, no
 * other descriptor), what is accepted (one line, the name or id asked for,
 * strict numbers), and every failure: status, signal, too much output, a
 * hang (killed after the time limit), a missing program, refused names. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "steps/steps.h"
#include "testlib.h"

static char dir[64];
static struct stk_err e;
static struct stk_identity_entry ent;

/* A stand-in getent: BODY after a line that records argv, the environment,
 * the open descriptors and what standard input is. */
static const char *prog(const char *name, const char *body)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f)
        T_FAILF("%s: %s", p, strerror(errno));
    fprintf(f,
            "#!/bin/sh\n"
            "printf '%%s|' \"$@\" >%s/argv; env >%s/env; ls /proc/$$/fd >%s/fds; readlink /proc/$$/fd/0 >%s/stdin\n"
            "%s\n",
            dir, dir, dir, dir, body);
    fclose(f);
    chmod(p, 0755);
    return p;
}

static char *slurp(const char *name)
{
    static char buf[4096];
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    buf[0] = '\0';
    FILE *f = fopen(p, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void clear(void)
{
    const char *names[] = {"argv", "env", "fds", "stdin", "pid"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    memset(&e, 0, sizeof e);
    memset(&ent, 0, sizeof ent);
}

static int run(const char *p, int ms, bool group, const char *name, bool by_id, uint32_t id)
{
    clear();
    struct stk_identity_getent g = {p, ms};
    return stk_identity_getent(&g, group, name, by_id, id, &ent, &e);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(getent_found_and_child_setup)
{
    /* a descriptor of ours without O_CLOEXEC must not reach the child; nor our environment */
    int leak = open("/dev/null", O_RDONLY);
    CHECK(leak > 2);
    int moved = dup2(leak, 9);
    CHECK_INT(moved, 9);
    setenv("LD_PRELOAD", "/nonexistent/evil.so", 1);
    setenv("STK_TEST_SECRET", "x", 1);
    const char *p = prog("ok", "echo 'alice:x:4242:4343:Alice:/home/alice:/bin/sh'");
    int r = run(p, 5000, false, "alice", false, 0);
    unsetenv("LD_PRELOAD");
    unsetenv("STK_TEST_SECRET");
    close(leak);
    close(9);
    CHECK_MSG(r == 0, "r=%d: %s", r, e.msg);
    CHECK_STR(ent.name, "alice");
    CHECK_INT(ent.id, 4242);
    CHECK_INT(ent.gid, 4343);
    CHECK_STR(slurp("argv"), "passwd|--|alice|");
    char *env = slurp("env");
    CHECK(env && !strstr(env, "LD_PRELOAD") && !strstr(env, "STK_TEST_SECRET"));
    CHECK_CONTAINS(env, "LC_ALL=C");
    /* 0 1 2, and the shell's own (dash keeps its script at 10 and up); not
     * ours: `leak` (the lowest free number, below 9) and 9 */
    char *fds = slurp("fds");
    CHECK(fds && strstr(fds, "0\n") && strstr(fds, "1\n") && strstr(fds, "2\n"));
    for (char *q = fds; *q;) {
        int fd = atoi(q);
        CHECK_MSG(fd <= 2 || fd >= 10, "the child had descriptor %d: %s", fd, fds);
        q = strchr(q, '\n');
        if (!q)
            break;
        q++;
    }
    CHECK_STR(slurp("stdin"), "/dev/null\n");
}

TEST(getent_group_by_name_and_by_id)
{
    const char *p = prog("grp", "echo 'devs:x:77:alice,bob'");
    int r = run(p, 5000, true, "devs", false, 0);
    CHECK_MSG(r == 0, "%s", e.msg);
    CHECK_INT(ent.id, 77);
    CHECK_STR(slurp("argv"), "group|--|devs|");
    r = run(p, 5000, true, NULL, true, 77);
    CHECK_MSG(r == 0, "%s", e.msg);
    CHECK_STR(ent.name, "devs");
    CHECK_STR(slurp("argv"), "group|--|77|");
    r = run(p, 5000, true, NULL, true, 78);
    CHECK_INT(r, -1);
    CHECK_CONTAINS(e.msg, "another id");
}

TEST(getent_not_found_is_status_2)
{
    int r = run(prog("none", "exit 2"), 5000, false, "nobody-here", false, 0);
    CHECK_INT(r, 1);
}

TEST(getent_other_failures_fail_closed)
{
    int r = run(prog("st1", "exit 1"), 5000, false, "alice", false, 0);
    CHECK_INT(r, -1);
    CHECK_CONTAINS(e.msg, "failed (status 1)");
    CHECK_STR(e.step, "identity");
    CHECK_INT(e.status, 125);
    r = run(prog("sig", "kill -9 $$"), 5000, false, "alice", false, 0);
    CHECK_INT(r, -1);
    CHECK_CONTAINS(e.msg, "killed by signal 9");
    /* status 2 with output is not "not found" */
    r = run(prog("st2out", "echo 'alice:x:1:1::/:/bin/sh'; exit 2"), 5000, false, "alice", false, 0);
    CHECK_INT(r, -1);
}

TEST(getent_output_must_be_the_entry_asked_for)
{
    struct {
        const char *body, *why;
    } cases[] = {
        {"echo 'root:x:0:0:root:/root:/bin/sh'", "another name"},
        {"echo 'alice:x:4242:4242::/:/bin/sh'; echo 'alice:x:0:0::/:/bin/sh'", "more than one line"},
        {"printf 'alice:x:4242:4242::/:/bin/sh'", "not one complete line"},
        {"echo", "not a passwd entry"},
        {"true", "not one complete line"},
        {"echo 'alice:x:4242:4242'", "not a passwd entry"},
        {"echo 'alice:x:4242:4242::/:/bin/sh:extra'", "not a passwd entry"},
        {"echo 'alice:x:-1:0::/:/bin/sh'", "decimal"},
        {"echo 'alice:x:4294967295:0::/:/bin/sh'", "decimal"},
        {"echo 'alice:x:42 :0::/:/bin/sh'", "decimal"},
        {"echo 'alice:x:0x10:0::/:/bin/sh'", "decimal"},
        {"echo 'alice:x:1:abc::/:/bin/sh'", "decimal"},
        {"echo 'alice:x::0::/:/bin/sh'", "decimal"},
        {"printf 'alice:x:1:1::/:/bin/sh\\000\\n'", "more than one line"},
        {"echo 'alicex:x:1:1::/:/bin/sh'", "another name"},
        {"echo 'Alice:x:1:1::/:/bin/sh'", "another name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[16];
        snprintf(name, sizeof name, "bad%zu", i);
        int r = run(prog(name, cases[i].body), 5000, false, "alice", false, 0);
        CHECK_MSG(r == -1, "case %zu (%s): r=%d", i, cases[i].body, r);
        CHECK_MSG(strstr(e.msg, cases[i].why) != NULL, "case %zu: %s", i, e.msg);
        CHECK_INT(e.status, 125);
    }
    /* a group line has exactly four fields */
    int r = run(prog("badgrp", "echo 'devs:x:77'"), 5000, true, "devs", false, 0);
    CHECK_INT(r, -1);
    CHECK_CONTAINS(e.msg, "name:password:gid:members");
}

/* A name is never cut to fit: by id, getent may print a name longer than
 * any the enforcer keeps; cut, it could be another user's (learn writes the
 * caller's name into the policy it learns).  The entry's ids still count
 * (a numeric user's primary group); the name is kept as none. */
TEST(getent_long_name_by_id_not_cut)
{
    char body[STK_BUNDLE_MAX_NAME + 128];
    char name[STK_BUNDLE_MAX_NAME + 40];
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(body, sizeof body, "echo '%s:x:4242:4242::/:/bin/sh'", name);
    int r = run(prog("longid", body), 5000, false, NULL, true, 4242);
    CHECK_MSG(r == 0, "%s", e.msg);
    CHECK_INT(ent.id, 4242); /* the entry (its ids) is the one asked for; its name is none */
    CHECK_MSG(ent.name[0] == '\0', "name \"%.20s...\" (%zu bytes) kept of a %zu-byte name", ent.name,
              strlen(ent.name), strlen(name));
    /* the longest name the enforcer keeps still comes through whole */
    name[STK_BUNDLE_MAX_NAME] = '\0';
    snprintf(body, sizeof body, "echo '%s:x:4242:4242::/:/bin/sh'", name);
    r = run(prog("longid2", body), 5000, false, NULL, true, 4242);
    CHECK_MSG(r == 0, "%s", e.msg);
    CHECK_STR(ent.name, name);
}

/* stk_identity_name: a name that does not fit the caller's buffer is an
 * error, never its first bytes (root: in every /etc/passwd). */
TEST(identity_name_never_cut)
{
    char buf[8];
    memset(&e, 0, sizeof e);
    CHECK_INT(stk_identity_name(false, 0, buf, 5, &e), 0);
    CHECK_STR(buf, "root");
    memset(&e, 0, sizeof e);
    memset(buf, 0, sizeof buf);
    int r = stk_identity_name(false, 0, buf, 4, &e);
    CHECK_MSG(r == -1, "r=%d, name \"%s\" for root in a 4-byte buffer", r, buf);
    CHECK_CONTAINS(e.msg, "too long");
}

TEST(getent_output_is_bounded)
{
    int r = run(prog("big", "head -c 70000 /dev/zero | tr '\\000' a; echo"), 5000, false, "alice", false, 0);
    CHECK_INT(r, -1);
    CHECK_CONTAINS(e.msg, "more than 65536 bytes");
    /* a large group within the bound is fine */
    r = run(prog("biggrp", "printf 'devs:x:77:'; head -c 60000 /dev/zero | tr '\\000' a; echo"), 5000, true, "devs",
            false, 0);
    CHECK_MSG(r == 0, "%s", e.msg);
}

TEST(getent_hung_is_killed_after_the_time_limit)
{
    /* the stand-in records its pid (exec keeps it) and hangs */
    char body[256];
    snprintf(body, sizeof body, "echo $$ >%s/pid; exec sleep 100", dir);
    const char *p = prog("hang", body);
    double t0 = now();
    int r = run(p, 300, false, "alice", false, 0);
    double took = now() - t0;
    CHECK_INT(r, -1);
    CHECK_CONTAINS(e.msg, "no answer within 300 ms");
    CHECK_CONTAINS(e.msg, "killed it");
    CHECK_MSG(took >= 0.25 && took < 5, "took %.2f s", took);
    char *pid = slurp("pid");
    CHECK(pid && atoi(pid) > 0);
    CHECK_MSG(kill(atoi(pid), 0) < 0 && errno == ESRCH, "the hung program %d is still there", atoi(pid));
    /* some output first, then a hang: the same */
    r = run(prog("hang2", "printf 'alice:x:1:'; exec sleep 100"), 300, false, "alice", false, 0);
    CHECK_INT(r, -1);
    CHECK_CONTAINS(e.msg, "no answer within");
}

TEST(getent_exited_while_a_child_keeps_the_pipe)
{
    char body[256];
    snprintf(body, sizeof body, "sleep 100 & echo $! >%s/pid; echo 'alice:x:5:6::/:/bin/sh'; exit 0", dir);
    double t0 = now();
    int r = run(prog("bg", body), 5000, false, "alice", false, 0);
    double took = now() - t0;
    char *pid = slurp("pid");
    if (pid && atoi(pid) > 0)
        kill(atoi(pid), SIGKILL);
    CHECK_MSG(r == 0, "%s", e.msg);
    CHECK_INT(ent.id, 5);
    CHECK_MSG(took < 3, "took %.2f s: waited for the pipe, not the program", took);
}

TEST(getent_missing_program)
{
    char p[128];
    snprintf(p, sizeof p, "%s/no-such-getent", dir);
    int r = run(p, 5000, false, "alice", false, 0);
    CHECK_INT(r, -1);
    CHECK_CONTAINS(e.msg, "no-such-getent, which asks the name services (NSS), cannot run");
    CHECK_CONTAINS(e.msg, "No such file or directory");
    CHECK_CONTAINS(e.msg, "user \"alice\" is not in /etc/passwd");
    /* a directory where the program should be */
    r = run(dir, 5000, true, "devs", false, 0);
    CHECK_INT(r, -1);
    CHECK_CONTAINS(e.msg, "group \"devs\" is not in /etc/group");
}

TEST(getent_refused_names_never_run_it)
{
    const char *p = prog("marker", "echo ran >\"$0.ran\"; exit 2");
    const char *names[] = {"-x", "--help", "+nis", "a:b", "a\nb", "tab\there", "", "del\x7f"};
    const char *why[] = {"'-'", "'-'", "'+'", "':'", "control", "control", "empty", "control"};
    char marker[160];
    snprintf(marker, sizeof marker, "%s.ran", p);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int r = run(p, 5000, i % 2, names[i], false, 0);
        CHECK_MSG(r == -1, "name %zu ran: r=%d", i, r);
        CHECK_MSG(strstr(e.msg, why[i]) && strstr(e.msg, "is not looked up"), "name %zu: %s", i, e.msg);
        CHECK_MSG(access(marker, F_OK) < 0, "name %zu: the program ran", i);
    }
    char longname[STK_BUNDLE_MAX_NAME + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK_INT(run(p, 5000, false, longname, false, 0), -1);
    CHECK_CONTAINS(e.msg, "too long");
    /* a plain name does run it */
    CHECK_INT(run(p, 5000, false, "plain-name_1.x", false, 0), 1);
    CHECK(access(marker, F_OK) == 0);
}

TEST(getent_with_sigchld_ignored)
{
    struct sigaction ign = {.sa_handler = SIG_IGN}, old, now_act;
    sigaction(SIGCHLD, &ign, &old);
    int r = run(prog("ign", "echo 'alice:x:7:8::/:/bin/sh'"), 5000, false, "alice", false, 0);
    sigaction(SIGCHLD, NULL, &now_act);
    sigaction(SIGCHLD, &old, NULL);
    CHECK_MSG(r == 0, "%s", e.msg);
    CHECK_INT(ent.id, 7);
    CHECK(now_act.sa_handler == SIG_IGN); /* restored */
}

TEST(getent_host_program_is_fixed)
{
    CHECK_STR(stk_identity_getent_host.prog, "/usr/bin/getent");
    CHECK_INT(stk_identity_getent_host.timeout_ms, 10000);
    /* the real one, when the host has it: root is in every passwd database */
    if (access("/usr/bin/getent", X_OK) < 0)
        SKIP("/usr/bin/getent is not installed");
    int r = stk_identity_getent(&stk_identity_getent_host, false, NULL, true, 0, &ent, &e);
    CHECK_MSG(r == 0, "%s", e.msg);
    CHECK_STR(ent.name, "root");
    r = stk_identity_getent(&stk_identity_getent_host, false, "stk-no-such-user-here", false, 0, &ent, &e);
    CHECK_INT(r, 1);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/stk-getent-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(getent_found_and_child_setup);
    RUN(getent_group_by_name_and_by_id);
    RUN(getent_not_found_is_status_2);
    RUN(getent_other_failures_fail_closed);
    RUN(getent_output_must_be_the_entry_asked_for);
    RUN(getent_long_name_by_id_not_cut);
    RUN(identity_name_never_cut);
    RUN(getent_output_is_bounded);
    RUN(getent_hung_is_killed_after_the_time_limit);
    RUN(getent_exited_while_a_child_keeps_the_pipe);
    RUN(getent_missing_program);
    RUN(getent_refused_names_never_run_it);
    RUN(getent_with_sigchld_ignored);
    RUN(getent_host_program_is_fixed);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
