/* identity_getent.c — a user or group that /etc/passwd and /etc/group lack
 * (LDAP, sssd, systemd's dynamic users, extrausers, ...), asked of the host's
 * NSS through its own `getent` program, run as a child.
 *
 * Both programs are static: a static glibc cannot load the host's NSS
 * modules safely (they are linked against the shared glibc), so the one
 * program on the host that is linked the host's way does the lookup.  The
 * child gets argv only (no shell), a fixed two-variable environment (never
 * the caller's: LD_PRELOAD and the like stay out), /dev/null for standard
 * input and error, a pipe for its output and no other descriptor; its
 * signal mask is emptied and every signal set to its default action.  It
 * runs as the caller, before anything is changed (identity.c, step 3).
 *
 * What it prints is read up to STK_GETENT_MAX_OUT bytes within the time
 * limit (then it is killed); it must be exactly one passwd or group line
 * whose name field (or id field, for a lookup by id) is the one asked for,
 * with decimal ids.  getent's status 2 means "no such entry"; anything
 * else that is not one good line is an error, and the enforcer fails
 * closed naming the step: never a guessed id. */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STEP "identity"
#define STK_GETENT_MAX_OUT (64u * 1024u) /* a group with many members fits */

const struct stk_identity_getent stk_identity_getent_host = {"/usr/bin/getent", 10000};

static const char *const getent_env[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", NULL};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A key getent is given: refused when it could be read as something else
 * (an option, NIS compat syntax) or could not be one field of one line. */
static const char *bad_key(const char *key)
{
    if (!key[0])
        return "an empty name";
    if (key[0] == '-')
        return "a name starting with '-'";
    if (key[0] == '+')
        return "a name starting with '+'";
    if (strlen(key) > STK_BUNDLE_MAX_NAME)
        return "a name too long";
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if (*p == ':')
            return "a name with ':'";
        if (*p < 0x20 || *p == 0x7f)
            return "a name with a control character";
    }
    return NULL;
}

/* Decimal, no sign, below (uint32_t)-1: the same rule as the files. */
static bool strict_id(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v >= UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* Parse getent's output: one line, 7 fields (passwd) or 4 (group).
 * Returns NULL, or why it is refused. */
static const char *parse_line(char *out, size_t len, bool group, const char *name, bool by_id, uint32_t id,
                              struct stk_identity_entry *ent)
{
    if (!len || out[len - 1] != '\n')
        return "output that is not one complete line";
    out[len - 1] = '\0';
    if (memchr(out, '\n', len - 1) || memchr(out, '\0', len - 1))
        return "more than one line";
    char *f[8];
    size_t n = 0;
    for (char *p = out;;) {
        if (n == 8)
            return "a line with too many fields";
        f[n++] = p;
        char *c = strchr(p, ':');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    if (n != (group ? 4u : 7u))
        return group ? "a line that is not name:password:gid:members" : "a line that is not a passwd entry";
    uint32_t v, g = 0;
    if (!strict_id(f[2], &v) || (!group && !strict_id(f[3], &g)))
        return "an id that is not a decimal number below 4294967295";
    if (by_id ? v != id : strcmp(f[0], name) != 0)
        return by_id ? "an entry with another id" : "an entry for another name";
    /* a name too long to keep is kept as none, never cut (it could be another's) */
    snprintf(ent->name, sizeof ent->name, "%s", strlen(f[0]) < sizeof ent->name ? f[0] : "");
    ent->id = v;
    ent->gid = g;
    return NULL;
}

/* Start PROG DB -- KEY with its output on a pipe; *rfd the read end. */
static int spawn(const char *prog, const char *db, const char *key, pid_t *pid, int *rfd)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return errno;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    int r = posix_spawn_file_actions_init(&fa);
    if (r) {
        close(p[0]);
        close(p[1]);
        return r;
    }
    r = posix_spawnattr_init(&at);
    if (!r)
        r = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (!r)
        r = posix_spawnattr_setsigmask(&at, &none);
    if (!r)
        r = posix_spawnattr_setsigdefault(&at, &all);
    if (!r)
        r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (!r)
        r = posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    if (!r)
        r = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (!r)
        r = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    char *const argv[] = {(char *)prog, (char *)db, (char *)"--", (char *)key, NULL};
    if (!r)
        r = posix_spawn(pid, prog, &fa, &at, argv, (char *const *)getent_env);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (r) {
        close(p[0]);
        return r;
    }
    *rfd = p[0];
    return 0;
}

/* Read the child's output until it exits or the time is up (then kill
 * it).  Returns 0 with its wait status, or -1 with e filled. */
static int collect(const struct stk_identity_getent *g, pid_t pid, int fd, char *buf, size_t *len, int *status,
                   const char *what, struct stk_err *e)
{
    long long deadline = now_ms() + g->timeout_ms;
    bool eof = false, too_long = false;
    long nap_ns = 100000;
    *len = 0;
    for (;;) {
        long long left = deadline - now_ms();
        if (!eof && left > 0) {
            struct pollfd pf = {.fd = fd, .events = POLLIN};
            int n = poll(&pf, 1, left > 20 ? 20 : (int)left);
            if (n < 0 && errno != EINTR) {
                int err = errno;
                kill(pid, SIGKILL);
                waitpid(pid, status, 0);
                return stk_errnof(e, STEP, err, "%s: reading %s's output", what, g->prog);
            }
            if (n > 0) {
                ssize_t k = read(fd, buf + *len, STK_GETENT_MAX_OUT + 1 - *len);
                if (k < 0 && errno != EINTR && errno != EAGAIN) {
                    int err = errno;
                    kill(pid, SIGKILL);
                    waitpid(pid, status, 0);
                    return stk_errnof(e, STEP, err, "%s: reading %s's output", what, g->prog);
                }
                if (k == 0)
                    eof = true;
                if (k > 0)
                    *len += (size_t)k;
                if (*len > STK_GETENT_MAX_OUT) {
                    too_long = true;
                    break;
                }
                continue;
            }
        }
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return stk_errnof(e, STEP, errno, "%s: waiting for %s", what, g->prog);
        if (now_ms() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, status, 0);
            return stk_errf(e, STEP, "%s: %s gave no answer within %d %s (a name service not responding?); killed it",
                            what, g->prog, g->timeout_ms % 1000 ? g->timeout_ms : g->timeout_ms / 1000,
                            g->timeout_ms % 1000 ? "ms" : "s");
        }
        if (eof) {
            /* its output closed: it is exiting; wait for that a little
             * longer each time (0.1 ms, doubling up to 10 ms) */
            struct timespec ts = {0, nap_ns};
            nanosleep(&ts, NULL);
            if (nap_ns < 10000000)
                nap_ns *= 2;
        }
    }
    if (too_long) {
        kill(pid, SIGKILL);
        waitpid(pid, status, 0);
        return stk_errf(e, STEP, "%s: %s printed more than %u bytes; refused", what, g->prog, STK_GETENT_MAX_OUT);
    }
    /* exited: what it wrote before exiting is in the pipe (unless a child
     * of its own keeps the pipe open: then take only what is there) */
    if (!eof && fcntl(fd, F_SETFL, O_NONBLOCK) == 0) {
        ssize_t k;
        while ((k = read(fd, buf + *len, STK_GETENT_MAX_OUT + 1 - *len)) > 0) {
            *len += (size_t)k;
            if (*len > STK_GETENT_MAX_OUT)
                return stk_errf(e, STEP, "%s: %s printed more than %u bytes; refused", what, g->prog,
                                STK_GETENT_MAX_OUT);
        }
    }
    return 0;
}

static int lookup(const struct stk_identity_getent *g, bool group, const char *db, const char *name, bool by_id,
                  uint32_t id, struct stk_identity_entry *ent, const char *what, struct stk_err *e)
{
    pid_t pid = 0;
    int fd = -1;
    int r = spawn(g->prog, db, name, &pid, &fd);
    if (r)
        return stk_errnof(e, STEP, r, "%s is not in %s; %s, which asks the name services (NSS), cannot run", what,
                          group ? "/etc/group" : "/etc/passwd", g->prog);
    char *buf = malloc(STK_GETENT_MAX_OUT + 1);
    if (!buf) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(fd);
        return stk_errnof(e, STEP, ENOMEM, "%s", what);
    }
    size_t len;
    int st = 0;
    r = collect(g, pid, fd, buf, &len, &st, what, e);
    close(fd);
    if (r == 0) {
        if (WIFEXITED(st) && WEXITSTATUS(st) == 2 && len == 0) {
            r = 1; /* no such entry */
        } else if (WIFSIGNALED(st)) {
            r = stk_errf(e, STEP, "%s: %s was killed by signal %d", what, g->prog, WTERMSIG(st));
        } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            r = stk_errf(e, STEP, "%s: %s %s %s failed (status %d)", what, g->prog, db, name,
                         WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        } else {
            const char *why = parse_line(buf, len, group, name, by_id, id, ent);
            if (why)
                r = stk_errf(e, STEP, "%s: %s printed %s; refused", what, g->prog, why);
        }
    }
    free(buf);
    return r;
}

int stk_identity_getent(const struct stk_identity_getent *g, bool group, const char *name, bool by_id,
                        uint32_t id, struct stk_identity_entry *ent, struct stk_err *e)
{
    const char *db = group ? "group" : "passwd";
    char key[16], what[STK_BUNDLE_MAX_NAME + 64];
    if (by_id) {
        snprintf(key, sizeof key, "%u", (unsigned)id);
        name = key;
        snprintf(what, sizeof what, "%s %u", group ? "gid" : "uid", (unsigned)id);
    } else {
        snprintf(what, sizeof what, "%s \"%.*s\"", group ? "group" : "user", (int)STK_BUNDLE_MAX_NAME, name);
        const char *why = bad_key(name);
        if (why)
            return stk_errf(e, STEP, "%s is not in %s, and %s is not looked up in the name services", what,
                            group ? "/etc/group" : "/etc/passwd", why);
    }
    /* a caller's ignored SIGCHLD (kept across its exec of us) would reap
     * the child before we can read its status: the default while it runs */
    struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
    if (sigaction(SIGCHLD, &dfl, &old) < 0)
        return stk_errnof(e, STEP, errno, "%s: sigaction(SIGCHLD)", what);
    int r = lookup(g, group, db, name, by_id, id, ent, what, e);
    if (sigaction(SIGCHLD, &old, NULL) < 0 && r >= 0)
        r = stk_errnof(e, STEP, errno, "%s: sigaction(SIGCHLD)", what);
    return r;
}
