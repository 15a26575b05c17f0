/* test_enforce_plans.c — what enforce()'s one exit releases (enforce.c
 * run_release): the environment and the executable the steps build, freed
 * whether the step succeeded or not, and nothing the caller still owns; and
 * the enforcer's one warning function (err.c stk_warnf).  In process: the
 * ASan build of this program turns a wrong free into a failure. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "steps/steps.h"
#include "testlib.h"

/* The caller's environment: string literals, which a free() would crash on. */
static char *const caller_env[] = {"PATH=/usr/bin:/bin", "HOME=/root", "LANG=C", NULL};

TEST(env_free_releases_only_its_own)
{
    struct stk_bundle_env set[] = {{"HOME", "/home/app"}, {"APP_MODE", "test"}};
    struct stk_bundle b = {0};
    b.env_set = set;
    b.nenv_set = 2;
    struct stk_err e = {0};
    char **envp = NULL;
    CHECK_MSG(stk_env_build(&b, caller_env, &envp, &e) == 0, "%s", e.msg);
    /* the caller's PATH and LANG are borrowed, HOME and APP_MODE are the step's */
    CHECK_STR(stk_env_get(envp, "PATH"), "/usr/bin:/bin");
    CHECK(stk_env_get(envp, "PATH") == caller_env[0] + 5);
    CHECK_STR(stk_env_get(envp, "HOME"), "/home/app");
    CHECK_STR(stk_env_get(envp, "APP_MODE"), "test");
    size_t n = 0;
    while (envp[n])
        n++;
    CHECK_INT(n, 4);
    stk_env_free(envp, caller_env);
    stk_env_free(NULL, caller_env); /* nothing built yet: a no-op */
}

TEST(env_free_after_clear_and_keep)
{
    const char *keep[] = {"LANG"};
    struct stk_bundle_env set[] = {{"TERM", "dumb"}};
    struct stk_bundle b = {0};
    b.env_clear = true;
    b.env_keep = keep;
    b.nenv_keep = 1;
    b.env_set = set;
    b.nenv_set = 1;
    struct stk_err e = {0};
    char **envp = NULL;
    CHECK_MSG(stk_env_build(&b, caller_env, &envp, &e) == 0, "%s", e.msg);
    CHECK(envp[0] == caller_env[2]);
    CHECK_STR(envp[1], "TERM=dumb");
    CHECK(envp[2] == NULL);
    stk_env_free(envp, caller_env);
}

/* The exit after a failed step frees the environment of a caller with a
 * very large one (a shell can hand over a couple of hundred thousand
 * variables) in time linear in it: the step's own strings are the tail of
 * envp, so the caller's are not searched once per entry (which took seconds). */
TEST(env_free_of_a_large_environment_is_quick)
{
    enum { NVARS = 150000 };
    char **big = calloc(NVARS + 1, sizeof *big);
    char *text = malloc((size_t)NVARS * 16);
    CHECK(big != NULL && text != NULL);
    if (!big || !text)
        return;
    for (size_t i = 0; i < NVARS; i++) {
        big[i] = text + i * 16;
        snprintf(big[i], 16, "V%zu=", i);
    }
    struct stk_bundle_env set[] = {{"APP_MODE", "test"}, {"V7", "seven"}};
    struct stk_bundle b = {0};
    b.env_set = set;
    b.nenv_set = 2;
    struct stk_err e = {0};
    char **envp = NULL;
    CHECK_MSG(stk_env_build(&b, big, &envp, &e) == 0, "%s", e.msg);
    CHECK_STR(stk_env_get(envp, "V7"), "seven");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    stk_env_free(envp, big);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK_MSG(secs < 1.0, "stk_env_free took %.2f s for %d variables", secs, NVARS);
    free(text);
    free(big);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    CHECK(close(fd) == 0);
    CHECK(chmod(path, mode) == 0);
}

TEST(exec_free_after_script_chain)
{
    char dir[] = "/tmp/stk-plans-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char outer[64], inner[64], line[128];
    snprintf(outer, sizeof outer, "%s/outer", dir);
    snprintf(inner, sizeof inner, "%s/inner", dir);
    write_file(inner, "#!/bin/sh\necho inner\n", 0755);
    snprintf(line, sizeof line, "#!%s -x\n", inner);
    write_file(outer, line, 0755);
    char *argv[] = {outer, "arg", NULL};
    struct stk_exec x;
    struct stk_err e = {0};
    int r = stk_exec_locate(argv, caller_env, true, &x, &e);
    unlink(outer);
    unlink(inner);
    rmdir(dir);
    CHECK_MSG(r == 0, "%s", e.msg);
    /* outer -> inner (with its argument) -> /bin/sh: each #! adds a vector */
    CHECK_STR(x.path, "/bin/sh");
    CHECK_STR(x.argv[0], "/bin/sh");
    CHECK_STR(x.argv[1], inner);
    CHECK_STR(x.argv[2], "-x");
    CHECK_STR(x.argv[3], outer);
    CHECK_STR(x.argv[4], "arg");
    CHECK(x.argv[5] == NULL);
    /* the path found, then argv + interpreter (+ its argument) per #! */
    CHECK_INT(x.nowned, 1 + 3 + 2);
    int fd = x.fd;
    CHECK(fd >= 0);
    stk_exec_free(&x);
    CHECK_INT(x.fd, -1);
    CHECK_INT(x.nowned, 0);
    CHECK(x.path == NULL && x.argv == NULL);
    errno = 0;
    CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF);
    stk_exec_free(&x); /* twice: nothing left to release */
}

TEST(exec_free_after_failed_locate)
{
    char *argv[] = {"stk-no-such-command-anywhere", NULL};
    struct stk_exec x;
    struct stk_err e = {0};
    CHECK(stk_exec_locate(argv, caller_env, false, &x, &e) < 0);
    CHECK_INT(e.status, STK_EXIT_NOT_FOUND);
    CHECK_INT(x.fd, -1);
    CHECK_INT(x.nowned, 0);
    stk_exec_free(&x);
}

TEST(plan_free_of_nothing)
{
    /* a step that failed or had nothing to plan leaves NULL */
    stk_landlock_plan_free(NULL);
    stk_lsm_plan_free(NULL);
    struct stk_ids ids = {0};
    stk_identity_free(&ids);
    CHECK(ids.groups == NULL);
}

TEST(warnf_has_the_error_shape)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    CHECK(saved >= 0);
    CHECK(dup2(fileno(f), STDERR_FILENO) == STDERR_FILENO);
    errno = EPERM;
    stk_warnf("cgroup", "cannot remove %s: %s", "/sys/fs/cgroup/x", "Device or resource busy");
    int after = errno;
    stk_warnf("usage", "no bundle given");
    fflush(stderr);
    CHECK(dup2(saved, STDERR_FILENO) == STDERR_FILENO);
    close(saved);
    char buf[256] = {0};
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    CHECK_STR(buf, "stockade: cgroup: cannot remove /sys/fs/cgroup/x: Device or resource busy\n"
                   "stockade: usage: no bundle given\n");
    CHECK_INT(after, EPERM); /* errno is left as it was */
}

/* A warning is printed whole, as the fprintf it replaced did: a cgroup path
 * may be PATH_MAX long, and the reason comes after it. */
TEST(warnf_prints_a_long_warning_whole)
{
    static char path[4097];
    memset(path, 'p', sizeof path - 1);
    path[0] = '/';
    FILE *f = tmpfile();
    CHECK(f != NULL);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    CHECK(saved >= 0);
    CHECK(dup2(fileno(f), STDERR_FILENO) == STDERR_FILENO);
    stk_warnf("cgroup", "cannot remove %s: %s", path, "Device or resource busy");
    fflush(stderr);
    CHECK(dup2(saved, STDERR_FILENO) == STDERR_FILENO);
    close(saved);
    static char buf[8192];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    CHECK_INT(n, strlen("stockade: cgroup: cannot remove ") + strlen(path) + strlen(": Device or resource busy\n"));
    const char *tail = ": Device or resource busy\n";
    CHECK(n > strlen(tail) && strcmp(buf + n - strlen(tail), tail) == 0);
}

int main(void)
{
    RUN(env_free_releases_only_its_own);
    RUN(env_free_after_clear_and_keep);
    RUN(env_free_of_a_large_environment_is_quick);
    RUN(exec_free_after_script_chain);
    RUN(exec_free_after_failed_locate);
    RUN(plan_free_of_nothing);
    RUN(warnf_has_the_error_shape);
    RUN(warnf_prints_a_long_warning_whole);
    return test_summary();
}
