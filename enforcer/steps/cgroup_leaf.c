/* cgroup_leaf.c — a run's leaf and the `stockade` parent it lives in
 * (cgroup_int.h): making them (with the mark and the shared flock), sweeping
 * the empty leaves of runs whose supervisor was killed, and the clean-up the
 * supervisor runs when the command has exited: kill everything in the
 * leaves, remove them, remove the parent when the last run leaves it.
 * docs/enforcer.md, "cgroups". */
#include "steps/cgroup_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the leaf --------------------------------------------------------------------------------- */

/* A pid that may own a leaf named "POLICY-PID" or "POLICY-PID-ATTEMPT" is
 * alive (a policy name may itself end in "-N": both readings are tried). */
static bool owner_alive(const char *name)
{
    long cand[2];
    size_t n = 0;
    const char *end = name + strlen(name);
    for (int k = 0; k < 2; k++) {
        const char *dash = end;
        while (dash > name && dash[-1] != '-')
            dash--;
        if (dash == name || dash == end)
            break;
        char *stop;
        errno = 0;
        long v = strtol(dash, &stop, 10);
        if (stop != end || errno || v <= 0 || !isdigit((unsigned char)*dash))
            break;
        cand[n++] = v;
        end = dash - 1;
    }
    if (n == 0)
        return true; /* not a name we make: never touched */
    for (size_t i = 0; i < n; i++)
        if (kill((pid_t)cand[i], 0) == 0 || errno != ESRCH)
            return true;
    return false;
}

/* Remove the empty leaves of runs whose supervisor died without cleaning up
 * (SIGKILL): owner gone, directory older than CG_STALE_SECONDS (a live run
 * in another pid namespace fills its leaf within milliseconds of making
 * it), no process inside (rmdir refuses a populated cgroup).  Leaves that
 * still hold processes are left alone: those commands are still running. */
#define CG_STALE_SECONDS 10
static void sweep_stale(int pfd, const char *parent, const char *ours)
{
    int dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return;
    }
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.' || strcmp(de->d_name, ours) == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || now - st.st_mtime < CG_STALE_SECONDS ||
            owner_alive(de->d_name))
            continue;
        if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) == 0)
            stk_warnf(CG_STEP, "removed %s/%s, left behind by a run whose supervisor was killed", parent, de->d_name);
    }
    closedir(d);
}

void cg_leaf_name(const struct stk_bundle *b, unsigned attempt, char *out, size_t len)
{
    char pol[65];
    const char *name = b->name ? b->name : "run";
    size_t n = 0;
    for (; name[n] && n < sizeof pol - 1; n++) {
        char c = name[n];
        pol[n] = (isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.') ? c : '_';
    }
    pol[n] = '\0';
    if (pol[0] == '.')
        pol[0] = '_';
    if (attempt)
        snprintf(out, len, "%s-%ld-%u", pol, (long)getpid(), attempt);
    else
        snprintf(out, len, "%s-%ld", pol, (long)getpid());
}

int cg_make_leaf(const char *base, const char *name, struct cg_leaf *l, int *perm, struct stk_err *e)
{
    l->pfd = -1;
    int wp = snprintf(l->parent, sizeof l->parent, "%s/" CG_PARENT, base);
    int wl = snprintf(l->dir, sizeof l->dir, "%s/%s", l->parent, name);
    if (wp < 0 || wl < 0 || (size_t)wp >= sizeof l->parent || (size_t)wl >= sizeof l->dir)
        return stk_errf(e, CG_STEP, "cgroup path too long under %s", base);
    /* A run that ends may remove the parent at any moment until we hold its
     * flock and our leaf is in it: then retry from the start. */
    for (int tries = 0; tries < 20; tries++) {
        const char *at = l->parent, *in = base;
        int err = 0;
        if (mkdir(l->parent, 0755) == 0) {
            char mark[PATH_MAX + 32];
            snprintf(mark, sizeof mark, "%s/" CG_MARK, l->parent);
            if (mkdir(mark, 0755) < 0 && errno != EEXIST)
                stk_warnf(CG_STEP, "mkdir %s: %s (the parent will be left behind)", mark, strerror(errno));
        } else if (errno != EEXIST) {
            err = errno;
        }
        if (!err) {
            l->pfd = open(l->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (l->pfd < 0) {
                if (errno == ENOENT)
                    continue;
                err = errno;
            } else {
                while (flock(l->pfd, LOCK_SH) < 0 && errno == EINTR)
                    ;
            }
        }
        if (!err) {
            if (mkdir(l->dir, 0755) == 0) {
                l->made = true;
                sweep_stale(l->pfd, l->parent, name);
                return 0;
            }
            err = errno;
            close(l->pfd);
            l->pfd = -1;
            if (err == EEXIST)
                return 1;
            if (err == ENOENT)
                continue;
            at = l->dir;
            in = l->parent;
        }
        if (err == EACCES || err == EPERM || err == EROFS) {
            *perm = err;
            cg_not_delegated(e, in, err);
            return 2;
        }
        return stk_errnof(e, CG_STEP, err, "mkdir %s", at);
    }
    return stk_errf(e, CG_STEP, "%s keeps disappearing while the leaf is created", l->parent);
}

/* ---- clean-up ------------------------------------------------------------------------------ */

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* SIGKILL every process listed in dir/cgroup.procs; the number found. */
static int kill_procs(const char *dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/cgroup.procs", dir);
    FILE *f = fopen(p, "re");
    if (!f)
        return 0;
    int n = 0;
    long pid;
    while (fscanf(f, "%ld", &pid) == 1) {
        if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
            n++;
    }
    fclose(f);
    return n;
}

static bool freeze(const struct cg_leaf *l, const char *state)
{
    struct stk_err e;
    if (cg_write(l->dir, "freezer.state", state, &e) < 0)
        return false;
    for (int i = 0; i < 200; i++) {
        char buf[32];
        if (cg_read(l->dir, "freezer.state", buf, sizeof buf) == 0 && strncmp(buf, state, strlen(state)) == 0)
            return true;
        nap_ms(5);
    }
    return false;
}

static void kill_all(struct cg_run *r)
{
    /* cgroup v2: cgroup.kill (5.14) kills the whole leaf at once, new forks included */
    for (size_t i = 0; i < r->nleaf; i++) {
        struct cg_leaf *l = &r->leaf[i];
        if (l->made && l->v2 && cg_exists(l->dir, "cgroup.kill")) {
            struct stk_err e;
            if (cg_write(l->dir, "cgroup.kill", "1", &e) < 0)
                stk_warnf(CG_STEP, "%s", e.msg);
        }
    }
    /* otherwise (and v1): freeze so that nothing forks meanwhile, kill what
     * is listed, thaw so that the killed die; until nothing is left */
    const struct cg_leaf *fz = r->freezer >= 0 && r->leaf[r->freezer].made ? &r->leaf[r->freezer] : NULL;
    for (int round = 0; round < 400; round++) {
        bool frozen = fz && freeze(fz, "FROZEN");
        int found = 0;
        for (size_t i = 0; i < r->nleaf; i++)
            if (r->leaf[i].made)
                found += kill_procs(r->leaf[i].dir);
        if (frozen)
            freeze(fz, "THAWED");
        if (!found)
            return;
        nap_ms(5);
    }
    stk_warnf(CG_STEP, "processes are still left in the command's cgroup after 400 rounds of SIGKILL");
}

/* Does the parent hold any cgroup but the mark? */
static bool parent_in_use(const char *parent)
{
    DIR *d = opendir(parent);
    if (!d)
        return true;
    bool used = false;
    struct dirent *de;
    while (!used && (de = readdir(d)))
        used = de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
               strcmp(de->d_name, CG_MARK) != 0;
    closedir(d);
    return used;
}

/* Remove the parent if stockade made it (CG_MARK), no other run holds it
 * (our shared flock becomes exclusive) and it holds nothing else. */
static void remove_parent(struct cg_leaf *l)
{
    if (flock(l->pfd, LOCK_EX | LOCK_NB) < 0)
        return; /* another run uses it: the last one out removes it */
    char mark[PATH_MAX + 32];
    snprintf(mark, sizeof mark, "%s/" CG_MARK, l->parent);
    if (access(mark, F_OK) < 0 || parent_in_use(l->parent))
        return;
    if (rmdir(mark) < 0 && errno != ENOENT) {
        stk_warnf(CG_STEP, "cannot remove %s: %s", mark, strerror(errno));
        return;
    }
    if (rmdir(l->parent) < 0 && errno != ENOENT) {
        int err = errno;
        /* the mark again, so that a later run still knows the parent is ours */
        if (mkdir(mark, 0755) < 0 && errno != EEXIST)
            stk_warnf(CG_STEP, "cannot restore %s: %s", mark, strerror(errno));
        stk_warnf(CG_STEP, "cannot remove %s: %s", l->parent, strerror(err));
    }
}

void cg_teardown(struct cg_run *r)
{
    kill_all(r);
    for (size_t i = 0; i < r->nleaf; i++) {
        struct cg_leaf *l = &r->leaf[i];
        if (l->made) {
            /* exiting processes leave the cgroup a moment after the signal */
            int err = 0;
            for (int t = 0; t < 1000; t++) {
                if (rmdir(l->dir) == 0 || errno == ENOENT) {
                    err = 0;
                    break;
                }
                err = errno;
                if (err != EBUSY)
                    break;
                if (t % 50 == 49)
                    kill_procs(l->dir);
                nap_ms(5);
            }
            if (err)
                stk_warnf(CG_STEP, "cannot remove %s: %s", l->dir, strerror(err));
            else
                l->made = false;
        }
        if (l->pfd >= 0) {
            if (!l->made)
                remove_parent(l);
            close(l->pfd);
            l->pfd = -1;
        }
    }
}

/* The supervisor keeps only the capabilities its clean-up needs
 * (supervise_lockdown.c).  Removing the `stockade` parent writes the
 * directory that holds it, which is often a hierarchy's root, mode 0555
 * (dr-xr-xr-x): root created the parent there through CAP_DAC_OVERRIDE and
 * needs it again to remove it.  Kept only when the mode bits alone would not
 * let our uid write such a directory. */
bool cg_teardown_needs_dac_override(const struct cg_run *r)
{
    for (size_t i = 0; i < r->nleaf; i++) {
        char up[PATH_MAX];
        snprintf(up, sizeof up, "%s", r->leaf[i].parent);
        char *slash = strrchr(up, '/');
        if (!slash || slash == up)
            continue;
        *slash = '\0';
        struct stat st;
        if (stat(up, &st) < 0)
            return true; /* cannot tell: keep what removing may need */
        bool w = (st.st_uid == geteuid() && (st.st_mode & S_IWUSR)) ||
                 (st.st_gid == getegid() && (st.st_mode & S_IWGRP)) || (st.st_mode & S_IWOTH);
        if (!w)
            return true;
    }
    return false;
}

