/* cgroup.c — cgroup limits, v2 first, v1 fallback (steps.h): finding the
 * hierarchies (/proc/self/mountinfo, /proc/self/cgroup), files, and the
 * step.  The leaf, its `stockade` parent and the clean-up the supervisor
 * runs when the command has exited: cgroup_leaf.c.  The v2 and v1
 * specifics: cgroup_v2.c, cgroup_v1.c.
 * docs/enforcer.md, "cgroups". */
#include "steps/cgroup_int.h"

#include <ctype.h>
#include <linux/capability.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const ctrl_names[CG_NCTRL][2] = {
    {"memory", "memory"}, {"pids", "pids"}, {"cpu", "cpu"}, {"io", "blkio"}, {"freezer", "freezer"},
};

const char *cg_ctrl_name(unsigned bit, int v1)
{
    for (unsigned i = 0; i < CG_NCTRL; i++)
        if (bit == 1u << i)
            return ctrl_names[i][v1 ? 1 : 0];
    return "?";
}

const char *cg_ctrl_list(unsigned mask, int v1, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < CG_NCTRL && n < len; i++)
        if (mask & (1u << i)) {
            int w = snprintf(buf + n, len - n, "%s%s", n ? ", " : "", ctrl_names[i][v1 ? 1 : 0]);
            if (w > 0)
                n += (size_t)w;
        }
    return buf;
}

/* The controllers a bundle's limits need. */
static unsigned cg_needed(const struct stk_bundle_cgroup *g)
{
    unsigned m = 0;
    if (g->lim[STK_CG_MEMORY_MAX].set || g->lim[STK_CG_MEMORY_SWAP_MAX].set)
        m |= CG_MEMORY;
    if (g->lim[STK_CG_PIDS_MAX].set)
        m |= CG_PIDS;
    if (g->lim[STK_CG_CPU_MAX].set || g->lim[STK_CG_CPU_WEIGHT].set)
        m |= CG_CPU;
    if (g->lim[STK_CG_IO_WEIGHT].set)
        m |= CG_IO;
    return m;
}

/* ---- /proc/self/mountinfo ---------------------------------------------------------- */

/* Copy a mountinfo field, undoing the \ooo escapes. */
static void unescape(const char *s, size_t n, char *out, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < len; i++) {
        if (s[i] == '\\' && i + 3 < n && isdigit((unsigned char)s[i + 1]) &&
            isdigit((unsigned char)s[i + 2]) && isdigit((unsigned char)s[i + 3])) {
            out[j++] = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
            i += 3;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
}

static unsigned v1_ctrls(const char *superopts)
{
    unsigned m = 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", superopts);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        for (unsigned i = 0; i < CG_NCTRL; i++)
            if (strcmp(t, ctrl_names[i][1]) == 0)
                m |= 1u << i;
    return m;
}

/* Every cgroup mount from /proc/self/mountinfo; -1 with e on failure. */
static int cg_mounts(struct cg_mount **out, size_t *n, struct stk_err *e)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return stk_errnof(e, CG_STEP, errno, "/proc/self/mountinfo");
    char *line = NULL;
    size_t cap = 0;
    size_t have = 0;
    int rc = 0;
    while (getline(&line, &cap, f) > 0) {
        /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
        char *field[6];
        size_t nf = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, " \n", &save); t && nf < 5; t = strtok_r(NULL, " \n", &save))
            field[nf++] = t;
        if (nf < 5)
            continue;
        char *t;
        while ((t = strtok_r(NULL, " \n", &save)) && strcmp(t, "-") != 0)
            ;
        char *fstype = t ? strtok_r(NULL, " \n", &save) : NULL;
        char *source = fstype ? strtok_r(NULL, " \n", &save) : NULL;
        char *superopts = source ? strtok_r(NULL, " \n", &save) : NULL;
        if (!superopts)
            continue;
        bool v2 = strcmp(fstype, "cgroup2") == 0;
        if (!v2 && strcmp(fstype, "cgroup") != 0)
            continue;
        if (*n == have) {
            size_t nc = have ? have * 2 : 8;
            struct cg_mount *q = realloc(*out, nc * sizeof *q);
            if (!q) {
                rc = stk_errnof(e, CG_STEP, ENOMEM, "reading the cgroup mounts");
                break;
            }
            *out = q;
            have = nc;
        }
        struct cg_mount *m = &(*out)[(*n)++];
        memset(m, 0, sizeof *m);
        unescape(field[3], strlen(field[3]), m->root, sizeof m->root);
        unescape(field[4], strlen(field[4]), m->dir, sizeof m->dir);
        m->v2 = v2;
        m->ctrls = v2 ? 0 : v1_ctrls(superopts);
    }
    free(line);
    fclose(f);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* Our cgroup path in the hierarchy m (from /proc/self/cgroup). */
static int own_path(const struct cg_mount *m, char *out, size_t len, struct stk_err *e)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f)
        return stk_errnof(e, CG_STEP, errno, "/proc/self/cgroup");
    char *line = NULL;
    size_t cap = 0;
    bool found = false;
    while (!found && getline(&line, &cap, f) > 0) {
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        char *path = c2 + 1;
        path[strcspn(path, "\n")] = '\0';
        const char *ctrls = c1 + 1;
        if (m->v2) {
            found = strncmp(line, "0:", 2) == 0 && *ctrls == '\0';
        } else {
            unsigned have = v1_ctrls(ctrls);
            found = have && have == m->ctrls;
        }
        if (found)
            snprintf(out, len, "%s", path);
    }
    free(line);
    fclose(f);
    if (!found)
        return stk_errf(e, CG_STEP, "/proc/self/cgroup has no entry for the hierarchy mounted at %s", m->dir);
    return 0;
}

int cg_own_dir(const struct cg_mount *m, char *out, size_t len, struct stk_err *e)
{
    char path[PATH_MAX];
    if (own_path(m, path, sizeof path, e) < 0)
        return -1;
    size_t rl = strlen(m->root);
    const char *rest = path;
    if (strcmp(m->root, "/") != 0) {
        if (strncmp(path, m->root, rl) != 0 || (path[rl] != '/' && path[rl] != '\0'))
            return stk_errf(e, CG_STEP, "our cgroup %s is outside the part of the hierarchy mounted at %s (%s)",
                            path, m->dir, m->root);
        rest = path + rl;
    }
    if (strcmp(rest, "/") == 0)
        rest = "";
    int w = snprintf(out, len, "%s%s", m->dir, rest);
    if (w < 0 || (size_t)w >= len)
        return stk_errf(e, CG_STEP, "cgroup path too long: %s%s", m->dir, rest);
    return 0;
}

/* ---- files ------------------------------------------------------------------------------ */

int cg_write(const char *dir, const char *file, const char *val, struct stk_err *e)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    int fd = open(p, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        stk_errnof(e, CG_STEP, err, "cannot open %s to write \"%s\"", p, val);
        errno = err;
        return -1;
    }
    size_t n = strlen(val);
    ssize_t w = write(fd, val, n);
    int err = w < 0 ? errno : EIO;
    close(fd);
    if (w != (ssize_t)n) {
        stk_errnof(e, CG_STEP, err, "writing \"%s\" to %s", val, p);
        errno = err; /* for callers that try elsewhere on EBUSY/EACCES */
        return -1;
    }
    return 0;
}

int cg_read(const char *dir, const char *file, char *buf, size_t len)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return -1;
        }
        n += (size_t)r;
    }
    buf[n] = '\0';
    close(fd);
    return 0;
}

bool cg_exists(const char *dir, const char *file)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    return access(p, F_OK) == 0;
}

long long cg_swap_total_kb(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    if (!f)
        return -1;
    char line[256];
    long long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "SwapTotal: %lld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

int cg_not_delegated(struct stk_err *e, const char *where, int err)
{
    return stk_errnof(e, CG_STEP, err,
                      "cannot create the command's cgroup in %s as uid %u; cgroup limits need root or a cgroup "
                      "subtree delegated to this user (cgroup v2, e.g. systemd-run --user --scope -p "
                      "Delegate=yes); nothing was executed",
                      where, (unsigned)geteuid());
}

/* ---- the step ---------------------------------------------------------------------------------- */

static void cleanup_hook(void *arg)
{
    cg_report_events(arg);
    cg_teardown(arg);
}

int stk_cgroup_prepare(const struct stk_bundle *b, struct stk_supervisor *sv, struct stk_err *e)
{
    if (!b->cgroup.present)
        return 0;
    unsigned needed = cg_needed(&b->cgroup);
    struct cg_mount *ms;
    size_t nm;
    if (cg_mounts(&ms, &nm, e) < 0)
        return -1;
    const struct cg_mount *v2 = NULL;
    unsigned v1have = 0;
    for (size_t i = 0; i < nm; i++) {
        if (ms[i].v2 && !v2)
            v2 = &ms[i];
        else if (!ms[i].v2)
            v1have |= ms[i].ctrls;
    }
    /* v2 if it has every controller the limits need (or none are needed) */
    unsigned v2have = 0;
    if (v2) {
        char buf[512];
        if (cg_read(v2->dir, "cgroup.controllers", buf, sizeof buf) == 0) {
            char *save = NULL;
            for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
                for (unsigned i = 0; i < CG_NCTRL; i++)
                    if (strcmp(t, ctrl_names[i][0]) == 0)
                        v2have |= 1u << i;
        }
    }
    struct cg_run *r = calloc(1, sizeof *r);
    if (!r) {
        free(ms);
        return stk_errnof(e, CG_STEP, ENOMEM, "preparing");
    }
    r->freezer = -1;
    int rc;
    char l2[128], l1[128], need[128];
    if (v2 && (needed & ~v2have) == 0) {
        rc = cg_prepare_v2(b, v2, needed, r, sv, e);
    } else if (needed && (needed & ~v1have) == 0) {
        rc = cg_prepare_v1(b, ms, nm, needed, r, sv, e);
    } else if (!needed && (v1have & CG_FREEZER)) {
        rc = cg_prepare_v1(b, ms, nm, needed, r, sv, e);
    } else {
        rc = stk_errf(e, CG_STEP,
                      "no cgroup hierarchy has the controllers the limits need (%s): cgroup v2%s%s has [%s], "
                      "cgroup v1 has [%s]; nothing was executed",
                      cg_ctrl_list(needed, 0, need, sizeof need), v2 ? " at " : " is not mounted",
                      v2 ? v2->dir : "", cg_ctrl_list(v2have & ~CG_FREEZER, 0, l2, sizeof l2),
                      cg_ctrl_list(v1have, 1, l1, sizeof l1));
    }
    free(ms);
    if (rc == 0 && cg_teardown_needs_dac_override(r))
        sv->keep_caps |= 1ull << CAP_DAC_OVERRIDE;
    if (rc == 0)
        rc = stk_supervise_on_cleanup(sv, cleanup_hook, r, e);
    if (rc < 0) {
        cg_teardown(r);
        if (sv->cgroup_fd >= 0) {
            close(sv->cgroup_fd);
            sv->cgroup_fd = -1;
        }
        free(r);
        return -1;
    }
    return 0;
}
