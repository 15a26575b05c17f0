/* cgroup_events.c — after the command has exited, say which cgroup limit
 * acted on it: the kernel kills a process of a cgroup over memory.max
 * (SIGKILL: exit 137, and nothing else tells the operator why) and refuses
 * forks over pids.max (EAGAIN, which a program seldom explains).  Read from
 * the leaf's counters before the clean-up removes it: cgroup v2
 * memory.events (oom_kill) and pids.events (max); cgroup v1
 * memory.oom_control (oom_kill, Linux 4.13 and later; else the limit's
 * failcnt) and pids.events (max).  Called by the supervisor's clean-up
 * (cgroup.c), only when the policy's cgroup block was applied. */
#include "steps/cgroup_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of the line "KEY N" of dir/file; -1 if there is none. */
static long long counter(const char *dir, const char *file, const char *key)
{
    char buf[1024];
    if (cg_read(dir, file, buf, sizeof buf) < 0)
        return -1;
    size_t kl = strlen(key);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
            return strtoll(line + kl + 1, NULL, 10);
    }
    return -1;
}

/* dir/file's first line, for the message ("max" or a number); "?" if unreadable. */
static const char *limit(const char *dir, const char *file, char *buf, size_t len)
{
    if (cg_read(dir, file, buf, len) < 0)
        snprintf(buf, len, "?");
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

static void memory_events(const struct cg_leaf *l)
{
    char lim[64];
    if (l->v2) {
        long long n = counter(l->dir, "memory.events", "oom_kill");
        if (n > 0)
            stk_warnf(CG_STEP, "the command's cgroup reached memory.max (%s bytes): the kernel's OOM killer "
                      "killed %lld process%s (SIGKILL)", limit(l->dir, "memory.max", lim, sizeof lim), n,
                      n == 1 ? "" : "es");
        return;
    }
    long long n = counter(l->dir, "memory.oom_control", "oom_kill");
    if (n > 0) {
        stk_warnf(CG_STEP, "the command's cgroup reached memory.max (%s bytes): the kernel's OOM killer "
                  "killed %lld process%s (SIGKILL)", limit(l->dir, "memory.limit_in_bytes", lim, sizeof lim), n,
                  n == 1 ? "" : "es");
        return;
    }
    if (n == 0)
        return; /* the kernel counts kills, and there were none */
    /* an older kernel without the oom_kill counter: the limit's hits */
    long long hits = -1;
    char buf[32];
    if (cg_read(l->dir, "memory.failcnt", buf, sizeof buf) == 0)
        hits = strtoll(buf, NULL, 10);
    if (hits > 0)
        stk_warnf(CG_STEP, "the command's cgroup reached memory.max (%s bytes) %lld time%s (the kernel reclaims "
                  "memory then, or kills a process with SIGKILL)",
                  limit(l->dir, "memory.limit_in_bytes", lim, sizeof lim), hits, hits == 1 ? "" : "s");
}

static void pids_events(const struct cg_leaf *l)
{
    long long n = counter(l->dir, "pids.events", "max");
    char lim[64];
    if (n > 0)
        stk_warnf(CG_STEP, "pids.max (%s) refused %lld fork%s in the command's cgroup (EAGAIN)",
                  limit(l->dir, "pids.max", lim, sizeof lim), n, n == 1 ? "" : "s");
}

void cg_report_events(const struct cg_run *r)
{
    for (size_t i = 0; i < r->nleaf; i++) {
        const struct cg_leaf *l = &r->leaf[i];
        if (!l->made)
            continue;
        if (l->v2 || (l->ctrls & CG_MEMORY))
            memory_events(l);
        if (l->v2 || (l->ctrls & CG_PIDS))
            pids_events(l);
    }
}
