/* mcs.c — sVirt category pairs: allocate, reserve, release, recover (lsm.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "steps/lsm.h"

#define STEP "selinux"

int stk_mcs_start_time(pid_t pid, unsigned long long *start)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* comm may hold spaces and ')': the fields start after the last ')'. */
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p++;
    /* fields 3.. follow; starttime is field 22 */
    for (int field = 3; field < 22; field++) {
        p = strchr(p + 1, ' ');
        if (!p)
            return -1;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p + 1, &end, 10);
    if (errno || end == p + 1)
        return -1;
    *start = v;
    return 0;
}

int stk_mcs_default_dir(char *buf, size_t n, struct stk_err *e)
{
    int w;
    if (geteuid() == 0) {
        w = snprintf(buf, n, "%s", STK_MCS_DIR);
    } else {
        const char *x = getenv("XDG_RUNTIME_DIR");
        if (x && x[0] == '/')
            w = snprintf(buf, n, "%s/stockade/mcs", x);
        else
            w = snprintf(buf, n, "/run/user/%lu/stockade/mcs", (unsigned long)geteuid());
    }
    if (w < 0 || (size_t)w >= n)
        return stk_errf(e, STEP, "the sVirt state directory path is too long");
    return 0;
}

int stk_mcs_dir_ready(const char *dir, struct stk_err *e)
{
    char path[256];
    size_t len = strlen(dir);
    if (dir[0] != '/' || len >= sizeof path)
        return stk_errf(e, STEP, "invalid sVirt state directory '%s'", dir);
    memcpy(path, dir, len + 1);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, c ? 0755 : 0700) < 0 && errno != EEXIST)
            return stk_errnof(e, STEP, errno, "creating the sVirt state directory %s", path);
        *p = c;
        if (!c)
            break;
    }
    struct stat st;
    if (lstat(dir, &st) < 0)
        return stk_errnof(e, STEP, errno, "%s", dir);
    if (!S_ISDIR(st.st_mode))
        return stk_errf(e, STEP, "the sVirt state directory %s is not a directory", dir);
    if (st.st_uid != geteuid())
        return stk_errf(e, STEP, "the sVirt state directory %s belongs to uid %lu, not to us (uid %lu)", dir,
                        (unsigned long)st.st_uid, (unsigned long)geteuid());
    if (st.st_mode & 022)
        return stk_errf(e, STEP, "the sVirt state directory %s is writable by group or others (mode %04o)", dir,
                        (unsigned)(st.st_mode & 07777));
    return 0;
}

/* Lock DIR/lock exclusively; returns the directory fd and *lockfd. */
static int lock_dir(const char *dir, int *lockfd, struct stk_err *e)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0)
        return stk_errnof(e, STEP, errno, "opening %s", dir);
    int lfd = openat(dfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lfd < 0) {
        stk_errnof(e, STEP, errno, "opening %s/lock", dir);
        close(dfd);
        return -1;
    }
    while (flock(lfd, LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        stk_errnof(e, STEP, errno, "locking %s/lock", dir);
        close(lfd);
        close(dfd);
        return -1;
    }
    *lockfd = lfd;
    return dfd;
}

static void unlock_dir(int dfd, int lfd)
{
    close(lfd); /* drops the flock */
    close(dfd);
}

/* "cA.cB" -> a, b; false for other names. */
static bool parse_name(const char *n, uint32_t *a, uint32_t *b)
{
    unsigned x, y;
    int used = 0;
    if (sscanf(n, "c%u.c%u%n", &x, &y, &used) != 2 || n[used] != '\0' || x >= y)
        return false;
    char check[32];
    snprintf(check, sizeof check, "c%u.c%u", x, y);
    if (strcmp(check, n) != 0)
        return false;
    *a = x;
    *b = y;
    return true;
}

/* The owner recorded in a reservation; -1 when unreadable or malformed. */
static int read_owner(int dfd, const char *name, pid_t *pid, unsigned long long *start)
{
    int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    long p;
    unsigned long long s;
    int used = 0;
    if (sscanf(buf, "%ld %llu\n%n", &p, &s, &used) != 2 || used != n || p <= 0)
        return -1;
    *pid = (pid_t)p;
    *start = s;
    return 0;
}

static bool owner_alive(pid_t pid, unsigned long long start)
{
    unsigned long long now;
    return stk_mcs_start_time(pid, &now) == 0 && now == start;
}

static size_t pair_index(uint32_t a, uint32_t b, uint32_t ncat)
{
    return (size_t)a * ncat + b;
}

/* Mark in used (ncat x ncat) the pairs whose reservation in dir (dfd, locked)
 * has a live owner; remove the others (their owner is gone, or the file was
 * never completed), counting them in *reclaimed. */
static int scan_reservations(int dfd, const char *dir, uint32_t ncat, unsigned char *used, unsigned *reclaimed,
                             struct stk_err *e)
{
    int sfd = dup(dfd);
    DIR *d = sfd >= 0 ? fdopendir(sfd) : NULL;
    if (!d) {
        stk_errnof(e, STEP, errno, "reading %s", dir);
        if (sfd >= 0)
            close(sfd);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        uint32_t a, b;
        if (!parse_name(de->d_name, &a, &b))
            continue;
        pid_t pid;
        unsigned long long st;
        if (read_owner(dfd, de->d_name, &pid, &st) == 0 && owner_alive(pid, st)) {
            if (b < ncat)
                used[pair_index(a, b, ncat)] = 1;
        } else if (unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT) {
            rc = stk_errnof(e, STEP, errno, "removing the stale reservation %s/%s", dir, de->d_name);
        } else {
            (*reclaimed)++;
        }
    }
    closedir(d);
    return rc;
}

static int random_u32(uint32_t *v, size_t n, struct stk_err *e)
{
    if (getrandom(v, n * sizeof *v, 0) != (ssize_t)(n * sizeof *v))
        return stk_errnof(e, STEP, errno, "getrandom");
    return 0;
}

/* A pair a < b < ncat that used does not hold: a few random draws, then
 * (crowded) every pair from a random start.  1 found, 0 none free, -1 with e. */
static int pick_pair(const unsigned char *used, uint32_t ncat, uint32_t *a, uint32_t *b, struct stk_err *e)
{
    for (int tries = 0; tries < 64; tries++) {
        uint32_t rnd[2];
        if (random_u32(rnd, 2, e) < 0)
            return -1;
        uint32_t x = rnd[0] % ncat, y = rnd[1] % ncat;
        if (x == y)
            continue;
        *a = x < y ? x : y;
        *b = x < y ? y : x;
        if (!used[pair_index(*a, *b, ncat)])
            return 1;
    }
    uint32_t rnd;
    if (random_u32(&rnd, 1, e) < 0)
        return -1;
    for (uint32_t i = 0; i < ncat; i++) {
        *a = (rnd + i) % ncat;
        for (*b = *a + 1; *b < ncat; (*b)++)
            if (!used[pair_index(*a, *b, ncat)])
                return 1;
    }
    return 0;
}

/* Create the reservation file of pair (a, b) in dir (dfd, locked), holding
 * "PID STARTTIME\n" of its owner; nothing is left behind on failure. */
static int write_reservation(int dfd, const char *dir, uint32_t a, uint32_t b, pid_t self,
                             unsigned long long start, struct stk_err *e)
{
    char name[32], content[64];
    snprintf(name, sizeof name, "c%u.c%u", a, b);
    int n = snprintf(content, sizeof content, "%ld %llu\n", (long)self, start);
    int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return stk_errnof(e, STEP, errno, "reserving %s/%s", dir, name);
    bool written = write(fd, content, (size_t)n) == n;
    int err = errno;
    if (close(fd) < 0 && written) {
        written = false;
        err = errno;
    }
    if (written)
        return 0;
    unlinkat(dfd, name, 0);
    return stk_errnof(e, STEP, err, "writing %s/%s", dir, name);
}

int stk_mcs_alloc(const char *dir, uint32_t ncat, struct stk_mcs_res *r, struct stk_err *e)
{
    memset(r, 0, sizeof *r);
    if (ncat < 2 || ncat > 1024)
        return stk_errf(e, STEP, "invalid category count %u", ncat);
    if (strlen(dir) >= sizeof r->dir)
        return stk_errf(e, STEP, "sVirt state directory path too long");
    if (stk_mcs_dir_ready(dir, e) < 0)
        return -1;
    pid_t self = getpid();
    unsigned long long start;
    if (stk_mcs_start_time(self, &start) < 0)
        return stk_errf(e, STEP, "cannot read our own start time from /proc/%ld/stat (is /proc mounted?)",
                        (long)self);
    unsigned char *used = calloc((size_t)ncat * ncat, 1);
    if (!used)
        return stk_errnof(e, STEP, ENOMEM, "allocating the sVirt pair map");
    int lfd, dfd = lock_dir(dir, &lfd, e);
    if (dfd < 0) {
        free(used);
        return -1;
    }
    uint32_t a = 0, b = 0;
    int rc = scan_reservations(dfd, dir, ncat, used, &r->reclaimed, e);
    if (rc == 0)
        rc = pick_pair(used, ncat, &a, &b, e);
    if (rc == 0)
        rc = stk_errf(e, STEP, "every sVirt category pair below c%u is in use (%s)", ncat, dir);
    if (rc > 0)
        rc = write_reservation(dfd, dir, a, b, self, start, e);
    if (rc == 0) {
        r->held = true;
        r->c1 = a;
        r->c2 = b;
        r->owner = self;
        r->start = start;
        memcpy(r->dir, dir, strlen(dir) + 1);
    }
    unlock_dir(dfd, lfd);
    free(used);
    return rc;
}

int stk_mcs_release(struct stk_mcs_res *r, struct stk_err *e)
{
    if (!r->held)
        return 0;
    int lfd, dfd = lock_dir(r->dir, &lfd, e);
    if (dfd < 0)
        return -1;
    char name[32];
    snprintf(name, sizeof name, "c%u.c%u", r->c1, r->c2);
    pid_t pid;
    unsigned long long st;
    int rc = 0;
    if (read_owner(dfd, name, &pid, &st) < 0)
        rc = stk_errf(e, STEP, "the reservation %s/%s is gone or damaged", r->dir, name);
    else if (pid != r->owner || st != r->start)
        rc = stk_errf(e, STEP, "the reservation %s/%s now belongs to pid %ld; left alone", r->dir, name, (long)pid);
    else if (unlinkat(dfd, name, 0) < 0)
        rc = stk_errnof(e, STEP, errno, "removing %s/%s", r->dir, name);
    unlock_dir(dfd, lfd);
    r->held = false;
    return rc;
}
