/* test_supervise.c — the supervising parent (enforcer/supervise/supervise.c) on the real
 * kernel: exit statuses, signal forwarding, attach / clean-up / poll hooks,
 * clone flags, and what happens when the supervisor itself dies.
 *
 * Each scenario runs in a fresh process T (the "enforcer"), which calls
 * stk_supervise_fork: T becomes the supervisor and exits with the command's
 * status; the test observes T from outside through pipes and waitpid. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <pthread.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supervise/supervise.h"
#include "testlib.h"

static int events[2]; /* hooks and children write single-byte events here */

static void ev(char c)
{
    if (write(events[1], &c, 1) != 1)
        _exit(99);
}

/* Read what arrived within ms milliseconds (non-blocking read end). */
static size_t read_events(char *buf, size_t n, int ms)
{
    size_t got = 0;
    struct pollfd p = {.fd = events[0], .events = POLLIN};
    while (got < n - 1 && poll(&p, 1, ms) > 0) {
        ssize_t r = read(events[0], buf + got, n - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        ms = 50;
    }
    buf[got] = '\0';
    return got;
}

static void setup_events(void)
{
    if (pipe2(events, O_CLOEXEC | O_NONBLOCK) < 0)
        T_FAILF("pipe2: %s", strerror(errno));
}

static void close_events(void)
{
    close(events[0]);
    close(events[1]);
}

/* Wait for pid at most 10 s (a supervisor that hangs is a failure, not a hang). */
static int wait_status(pid_t pid)
{
    int ws;
    for (int i = 0; i < 1000; i++) {
        pid_t r = waitpid(pid, &ws, WNOHANG);
        if (r == pid)
            return ws;
        if (r < 0 && errno != EINTR)
            T_FAILF("waitpid: %s", strerror(errno));
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &ws, 0);
    T_FAILF("the supervisor did not exit within 10 s");
}

/* ---- hooks ------------------------------------------------------------------ */

static void cleanup_ev(void *arg)
{
    ev(*(const char *)arg);
}

static int attach_ok(pid_t child, void *arg, struct stk_err *e)
{
    (void)arg;
    (void)e;
    ev(child > 0 ? 'a' : '?');
    return 0;
}

static int attach_fail(pid_t child, void *arg, struct stk_err *e)
{
    (void)child;
    (void)arg;
    return stk_errf(e, "test", "attach refused");
}

static int poll_read(int fd, void *arg)
{
    (void)arg;
    char c;
    ssize_t r = read(fd, &c, 1);
    if (r == 1) {
        ev(c);
        return 0;
    }
    close(fd);
    return 1; /* EOF: stop watching */
}

/* ---- scenarios ---------------------------------------------------------------- */

enum action {
    EXIT3,
    SIGKILL_SELF,
    WAIT_TERM,
    REPORT_PID1,
    POLL_WRITE,
    PAUSE_FOREVER,
    ORPHAN_THEN_EXIT,
    TRACEME_STOP,
    TRACEME_THREAD_STOP,
    TRACEME_THREAD_EXIT
};

/* A thread of the command that makes the supervisor its tracer, then stops
 * (a signal-delivery stop only the tracer could end) or just exits. */
static void *traceme_thread(void *arg)
{
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
        _exit(89);
    if (arg)
        syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGUSR2);
    return NULL;
}

static int poll_pipe[2];

/* The state letter of /proc/PID/stat ('Z' a zombie), '-' when there is no
 * such process; *ppid its parent. */
static char proc_state(pid_t pid, pid_t *ppid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return '-';
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return '-';
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold anything */
    char st = '?';
    int pp = 0;
    if (!p || sscanf(p + 1, " %c %d", &st, &pp) != 2)
        return '?';
    *ppid = pp;
    return st;
}

/* A clean-up hook that says whether the command is still a zombie of this
 * supervisor ('Z'), so that its pid cannot have been handed to another
 * process: 'G' gone, 'R' running or otherwise not a zombie of ours. */
static void cleanup_zombie(void *arg)
{
    const struct stk_supervisor *sv = arg;
    pid_t ppid = 0;
    char st = sv->child > 0 ? proc_state(sv->child, &ppid) : '-';
    ev(st == '-' ? 'G' : st == 'Z' && ppid == getpid() ? 'Z' : 'R');
}

static bool want_zombie_check;

/* In T: set up the supervisor, fork, and in the command child perform act. */
static _Noreturn void scenario(enum action act, bool fail_attach, uint64_t flags)
{
    struct stk_supervisor sv;
    struct stk_err e = {0};
    static const char c1 = 'c', c2 = 'd';
    stk_supervise_init(&sv);
    if (stk_supervise_on_cleanup(&sv, cleanup_ev, (void *)&c1, &e) < 0 ||
        stk_supervise_on_cleanup(&sv, cleanup_ev, (void *)&c2, &e) < 0 ||
        stk_supervise_on_attach(&sv, fail_attach ? attach_fail : attach_ok, NULL, &e) < 0)
        _exit(98);
    if (act == POLL_WRITE && stk_supervise_on_poll(&sv, poll_pipe[0], poll_read, NULL, &e) < 0)
        _exit(98);
    if (want_zombie_check && stk_supervise_on_cleanup(&sv, cleanup_zombie, &sv, &e) < 0)
        _exit(98);
    if (stk_supervise_fork(&sv, flags, &e) < 0) {
        stk_err_report(&e, stderr);
        _exit(97);
    }
    /* the command */
    ev('r');
    switch (act) {
    case EXIT3: _exit(3);
    case SIGKILL_SELF: kill(getpid(), SIGKILL); _exit(96);
    case WAIT_TERM: ev('w'); for (;;) pause();
    case REPORT_PID1: ev(getpid() == 1 ? '1' : 'N'); _exit(0);
    case POLL_WRITE:
        if (write(poll_pipe[1], "x", 1) != 1)
            _exit(95);
        close(poll_pipe[1]);
        _exit(0);
    case PAUSE_FOREVER: for (;;) pause();
    case TRACEME_STOP:
    case TRACEME_THREAD_STOP:
    case TRACEME_THREAD_EXIT:
        /* as a command without the capabilities the supervisor dropped
         * (the kernel lets a process make only a parent that holds all of
         * its capabilities its tracer) */
        if (cap_set_proc(cap_init()) < 0)
            _exit(85);
        if (act != TRACEME_STOP)
            goto thread;
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
            _exit(89);
        raise(SIGSTOP);
        _exit(88); /* only if the supervisor resumed it */
    thread: {
        pthread_t th;
        if (pthread_create(&th, NULL, traceme_thread, act == TRACEME_THREAD_STOP ? (void *)1 : NULL))
            _exit(87);
        pthread_join(th, NULL);
        if (act == TRACEME_THREAD_STOP)
            _exit(86); /* only if the supervisor resumed the thread */
        _exit(5);
    }
    case ORPHAN_THEN_EXIT: {
        /* a grandchild orphaned while the command runs goes to the
         * supervisor (a subreaper here, the init of a pid namespace in
         * real use): it must still be reaped at once, not held */
        int gp[2];
        if (pipe(gp) < 0)
            _exit(93);
        pid_t mid = fork();
        if (mid == 0) {
            pid_t g = fork();
            if (g == 0) {
                char c;
                close(gp[1]);
                (void)!read(gp[0], &c, 1); /* until the middle process is gone */
                _exit(0);
            }
            _exit(g > 0 ? 0 : 92);
        }
        int ws;
        if (mid < 0 || waitpid(mid, &ws, 0) != mid)
            _exit(91);
        /* the grandchild is the supervisor's now; find it: the only other
         * child of the supervisor */
        close(gp[0]);
        pid_t orphan = 0;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getppid(), (int)getppid());
        FILE *f = fopen(path, "r");
        int a = 0, b = 0;
        int k = f ? fscanf(f, "%d %d", &a, &b) : 0;
        if (f)
            fclose(f);
        for (int i = 0; i < k; i++)
            if ((i ? b : a) != getpid())
                orphan = i ? b : a;
        close(gp[1]); /* the orphan exits */
        if (orphan <= 0) {
            ev('?');
            _exit(0);
        }
        pid_t pp = 0;
        char st = 'Z';
        for (int i = 0; i < 500 && (st = proc_state(orphan, &pp)) != '-'; i++)
            nanosleep(&(struct timespec){0, 10000000}, NULL);
        ev(st == '-' ? 'o' : 'O'); /* o: reaped by the supervisor */
        _exit(4);
    }
    }
    _exit(94);
}

static pid_t start(enum action act, bool fail_attach, uint64_t flags)
{
    fflush(NULL);
    pid_t t = fork();
    if (t < 0)
        T_FAILF("fork: %s", strerror(errno));
    if (t == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2); /* the expected error message of attach_fail */
        scenario(act, fail_attach, flags);
    }
    return t;
}

TEST(supervise_exit_status_and_cleanups)
{
    setup_events();
    pid_t t = start(EXIT3, false, 0);
    int ws = wait_status(t);
    char buf[64];
    read_events(buf, sizeof buf, 1000);
    close_events();
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 3, "supervisor wait status 0x%x, expected exit 3", ws);
    /* attach before the command ran; clean-ups after, in reverse order, once each */
    CHECK_STR(buf, "ardc");
}

TEST(supervise_signal_death_is_128_plus_n)
{
    setup_events();
    pid_t t = start(SIGKILL_SELF, false, 0);
    int ws = wait_status(t);
    close_events();
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 128 + SIGKILL, "wait status 0x%x, expected exit 137", ws);
}

TEST(supervise_forwards_sigterm)
{
    setup_events();
    pid_t t = start(WAIT_TERM, false, 0);
    char buf[64];
    size_t n = read_events(buf, sizeof buf, 5000);
    CHECK_MSG(n >= 3 && strchr(buf, 'w'), "command did not start: \"%s\"", buf);
    CHECK(kill(t, SIGTERM) == 0); /* to the supervisor, as kill(1) would */
    int ws = wait_status(t);
    read_events(buf, sizeof buf, 1000);
    close_events();
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 128 + SIGTERM,
              "wait status 0x%x: the supervisor should forward SIGTERM and exit 143", ws);
    CHECK_STR(buf, "dc");
}

TEST(supervise_attach_failure_fails_closed)
{
    setup_events();
    pid_t t = start(EXIT3, true, 0);
    int ws = wait_status(t);
    char buf[64];
    read_events(buf, sizeof buf, 1000);
    close_events();
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 125, "wait status 0x%x, expected 125", ws);
    CHECK_MSG(!strchr(buf, 'r'), "the command ran although attaching failed: \"%s\"", buf);
    CHECK_STR(buf, "dc"); /* clean-ups still ran */
}

TEST(supervise_poll_hook)
{
    setup_events();
    CHECK(pipe2(poll_pipe, O_CLOEXEC) == 0);
    pid_t t = start(POLL_WRITE, false, 0);
    close(poll_pipe[0]);
    close(poll_pipe[1]);
    int ws = wait_status(t);
    char buf[64];
    read_events(buf, sizeof buf, 1000);
    close_events();
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "wait status 0x%x", ws);
    CHECK_MSG(strchr(buf, 'x') != NULL, "poll hook did not see the byte: \"%s\"", buf);
    CHECK_MSG(strchr(buf, 'x') < strchr(buf, 'd'), "poll hook must run before the clean-ups: \"%s\"", buf);
}

TEST(supervise_clone_into_pid_namespace)
{
    if (geteuid() != 0)
        SKIP("needs root for CLONE_NEWPID without a user namespace");
    setup_events();
    pid_t t = start(REPORT_PID1, false, CLONE_NEWPID);
    int ws = wait_status(t);
    char buf[64];
    read_events(buf, sizeof buf, 1000);
    close_events();
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "wait status 0x%x", ws);
    CHECK_MSG(strchr(buf, '1') != NULL, "the child is not pid 1 in its namespace: \"%s\"", buf);
}

TEST(supervise_child_dies_with_supervisor)
{
    /* the orphaned command is reparented to us, so we can reap it */
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    setup_events();
    pid_t t = start(PAUSE_FOREVER, false, 0);
    char buf[64];
    size_t n = read_events(buf, sizeof buf, 5000);
    CHECK_MSG(n >= 2 && strchr(buf, 'r'), "command did not start: \"%s\"", buf);
    CHECK(kill(t, SIGKILL) == 0);
    wait_status(t);
    /* the command must die too (PR_SET_PDEATHSIG): reap it within 5 s */
    int ws = 0;
    pid_t p = 0;
    for (int i = 0; i < 500 && p == 0; i++) {
        p = waitpid(-1, &ws, WNOHANG);
        if (p == 0)
            nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    close_events();
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    CHECK_MSG(p > 0, "the command outlived its supervisor");
    CHECK_MSG(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL, "command wait status 0x%x", ws);
}

/* Run act with the zombie-checking clean-up hook; the supervisor's wait
 * status, and the events in buf. */
static int run_checking_zombie(enum action act, char *buf, size_t n)
{
    setup_events();
    want_zombie_check = true;
    pid_t t = start(act, false, 0);
    want_zombie_check = false;
    int ws = wait_status(t);
    read_events(buf, n, 1000);
    close_events();
    return ws;
}

TEST(supervise_holds_the_command_until_cleanups_ran)
{
    /* the command's pid stays a zombie of the supervisor until the poll
     * hooks were drained and the clean-ups ran: no other process can get
     * it meanwhile (the Landlock report names domains by their creator's pid) */
    char buf[64];
    int ws = run_checking_zombie(EXIT3, buf, sizeof buf);
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 3, "supervisor wait status 0x%x, expected exit 3", ws);
    CHECK_MSG(strcmp(buf, "arZdc") == 0, "events \"%s\": expected \"arZdc\" (Z: the command still a zombie "
              "of the supervisor while the clean-ups run; G: already reaped)", buf);
}

TEST(supervise_holds_a_killed_command_too)
{
    char buf[64];
    int ws = run_checking_zombie(SIGKILL_SELF, buf, sizeof buf);
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 128 + SIGKILL, "wait status 0x%x, expected exit 137", ws);
    CHECK_MSG(strchr(buf, 'Z') != NULL, "events \"%s\": the command was reaped before the clean-ups", buf);
}

TEST(supervise_reaps_orphans_while_the_command_runs)
{
    /* as the init of a pid namespace, orphans are the supervisor's: they
     * are reaped as they exit, only the command is held */
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    setup_events();
    want_zombie_check = true;
    pid_t t = fork();
    if (t == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
            _exit(90);
        scenario(ORPHAN_THEN_EXIT, false, 0);
    }
    want_zombie_check = false;
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    CHECK(t > 0);
    int ws = wait_status(t);
    char buf[64];
    read_events(buf, sizeof buf, 2000);
    close_events();
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 4, "wait status 0x%x, expected exit 4", ws);
    CHECK_MSG(strcmp(buf, "aroZdc") == 0, "events \"%s\": expected \"aroZdc\" (o: the orphan reaped while the "
              "command ran; Z: the command held until the clean-ups)", buf);
}

/* The command (or one of its threads) makes the supervisor its tracer
 * (PTRACE_TRACEME): its stops reach the supervisor's wait although it asks
 * for exits only.  They must not pass for the command's exit (the report and
 * clean-ups done with the command still running) nor hang the supervisor:
 * it kills the command, runs the clean-ups, exits 137. */
static void traceme_case(enum action act, int want)
{
    setup_events();
    pid_t t = start(act, false, 0);
    int ws = wait_status(t);
    char buf[64];
    read_events(buf, sizeof buf, 1000);
    close_events();
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 89)
        SKIP("ptrace(PTRACE_TRACEME) refused here (Yama ptrace_scope 3?)");
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == want, "wait status 0x%x, expected exit %d", ws, want);
    CHECK_MSG(strcmp(buf, "ardc") == 0, "events \"%s\": expected \"ardc\"", buf);
}

TEST(supervise_command_traceme_stop_killed)
{
    traceme_case(TRACEME_STOP, 128 + SIGKILL);
}

TEST(supervise_thread_traceme_stop_killed)
{
    traceme_case(TRACEME_THREAD_STOP, 128 + SIGKILL);
}

TEST(supervise_thread_traceme_exit_reaped)
{
    /* the traced thread's end goes to the supervisor as its tracer: reaped,
     * not taken for the command's exit */
    traceme_case(TRACEME_THREAD_EXIT, 5);
}

TEST(supervise_exit_status_mapping)
{
    CHECK_INT(stk_supervise_exit_status(0), 0);
    CHECK_INT(stk_supervise_exit_status(42 << 8), 42);
    CHECK_INT(stk_supervise_exit_status(SIGSYS), 128 + SIGSYS);
}

int main(void)
{
    RUN(supervise_exit_status_and_cleanups);
    RUN(supervise_signal_death_is_128_plus_n);
    RUN(supervise_forwards_sigterm);
    RUN(supervise_attach_failure_fails_closed);
    RUN(supervise_poll_hook);
    RUN(supervise_clone_into_pid_namespace);
    RUN(supervise_child_dies_with_supervisor);
    RUN(supervise_holds_the_command_until_cleanups_ran);
    RUN(supervise_holds_a_killed_command_too);
    RUN(supervise_reaps_orphans_while_the_command_runs);
    RUN(supervise_command_traceme_stop_killed);
    RUN(supervise_thread_traceme_stop_killed);
    RUN(supervise_thread_traceme_exit_reaped);
    RUN(supervise_exit_status_mapping);
    return test_summary();
}
