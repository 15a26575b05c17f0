/* view_info.c — what the view needs to know about the mount namespace's
 * mounts, read from /proc/self/mountinfo (opened once, while the namespace
 * is still the host's copy; read again whenever asked): the file system
 * type behind a bind's source (a devtmpfs keeps its device nodes usable),
 * and every procfs of the finished view (view_proc.c hardens them all).
 * Also the mount attribute helpers the entries share. */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "steps/view.h"

#define MOUNTINFO_MAX (64u << 20) /* far beyond any real namespace */

int stk_view_setattr(struct stk_view *v, int mnt, unsigned set, bool recursive, const char *what,
                     const struct stk_bundle_mount *m)
{
    struct mount_attr a;
    memset(&a, 0, sizeof a);
    a.attr_set = set;
    if (mount_setattr(mnt, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
        return stk_view_err(v, errno, m, "mount_setattr(%s)", what);
    return 0;
}

int stk_view_set_readonly(struct stk_view *v, int mnt, bool recursive, const struct stk_bundle_mount *m)
{
    return stk_view_setattr(v, mnt, MOUNT_ATTR_RDONLY, recursive, "read-only", m);
}

int stk_view_mount_id(struct stk_view *v, int fd, const struct stk_bundle_mount *m)
{
    struct statx sx;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
        return stk_view_err(v, errno, m, "statx(mount id)");
    if (!(sx.stx_mask & STATX_MNT_ID) || sx.stx_mnt_id > INT32_MAX)
        return stk_view_err(v, 0, m, "statx: no mount id (needs Linux 5.8 or later)");
    return (int)sx.stx_mnt_id;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo: undone in place */
static void unescape(char *s)
{
    char *out = s;
    for (char *in = s; *in;) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' &&
            in[3] <= '7') {
            *out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
            in += 4;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
}

/* the next space-separated field of *p, terminated in place; NULL at the end of the line */
static char *field(char **p)
{
    char *s = *p;
    if (!s || !*s)
        return NULL;
    char *sp = strchr(s, ' ');
    if (sp) {
        *sp = '\0';
        *p = sp + 1;
    } else {
        *p = NULL;
    }
    return s;
}

static bool has_option(const char *opts, const char *name)
{
    size_t n = strlen(name);
    for (const char *o = opts; o && *o;) {
        const char *end = strchr(o, ',');
        size_t len = end ? (size_t)(end - o) : strlen(o);
        if (len == n && memcmp(o, name, n) == 0)
            return true;
        o = end ? end + 1 : NULL;
    }
    return false;
}

/* one line: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER" */
static int parse_line(char *line, struct stk_mount_line *l)
{
    char *p = line, *id = field(&p), *parent = field(&p), *devno = field(&p), *root = field(&p),
         *point = field(&p), *opts = field(&p);
    if (!id || !parent || !devno || !root || !point || !opts)
        return -1;
    char *f;
    while ((f = field(&p)) && strcmp(f, "-") != 0)
        ;
    char *fstype = f ? field(&p) : NULL;
    if (!fstype)
        return -1;
    char *end;
    errno = 0;
    long a = strtol(id, &end, 10);
    if (errno || *end || a < 0 || a > INT32_MAX)
        return -1;
    long b = strtol(parent, &end, 10);
    if (errno || *end || b < 0 || b > INT32_MAX)
        return -1;
    unescape(root);
    unescape(point);
    unescape(fstype);
    *l = (struct stk_mount_line){(int)a, (int)b, root, point, fstype, has_option(opts, "ro")};
    return 0;
}

void stk_view_free_mounts(struct stk_mount_table *t)
{
    free(t->buf);
    free(t->v);
    memset(t, 0, sizeof *t);
}

int stk_view_read_mounts(struct stk_view *v, struct stk_mount_table *t)
{
    memset(t, 0, sizeof *t);
    size_t cap = 16384, len = 0;
    if (lseek(v->mountinfo, 0, SEEK_SET) < 0)
        return stk_view_err(v, errno, NULL, "rewinding /proc/self/mountinfo");
    for (;;) {
        if (len + 1 >= cap || !t->buf) {
            if (t->buf)
                cap *= 2;
            char *nb = cap <= MOUNTINFO_MAX ? realloc(t->buf, cap) : NULL;
            if (!nb) {
                stk_view_free_mounts(t);
                return stk_view_err(v, ENOMEM, NULL, "reading /proc/self/mountinfo");
            }
            t->buf = nb;
        }
        ssize_t r = read(v->mountinfo, t->buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int err = errno;
            stk_view_free_mounts(t);
            return stk_view_err(v, err, NULL, "reading /proc/self/mountinfo");
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    t->buf[len] = '\0';
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += t->buf[i] == '\n';
    t->v = calloc(lines + 1, sizeof *t->v);
    if (!t->v) {
        stk_view_free_mounts(t);
        return stk_view_err(v, ENOMEM, NULL, "reading /proc/self/mountinfo");
    }
    for (char *line = t->buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (t->n == lines + 1 || parse_line(line, &t->v[t->n]) < 0) {
            stk_view_free_mounts(t);
            return stk_view_err(v, 0, NULL, "/proc/self/mountinfo: a line it cannot parse");
        }
        t->n++;
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

/* the file system type of mount id in t, NULL when it is not listed */
static const char *fstype_of(const struct stk_mount_table *t, int id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].id == id)
            return t->v[i].fstype;
    return NULL;
}

int stk_view_is_dev_source(struct stk_view *v, int fd, const struct stk_mount_table *t,
                           const struct stk_bundle_mount *m)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return stk_view_err(v, errno, m, "fstat(%s)", m->src);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        return 1;
    int id = stk_view_mount_id(v, fd, m);
    if (id < 0)
        return -1;
    const char *type = fstype_of(t, id);
    return type && strcmp(type, "devtmpfs") == 0;
}
