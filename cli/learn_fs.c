/* learn_fs.c — the process part and the landlock block of a learned policy
 * (learn.h): who it ran as, the capabilities its calls needed (inferred,
 * each with how), and the files and ports it used.
 *
 * Paths are collapsed to rules a reader can check: everything beneath the
 * system trees (/usr, /etc, /opt; /lib, /bin and /sbin are links into /usr
 * on a merged-/usr system) is one rule per tree; /proc and /sys one rule
 * each; a device one rule per node; any other file gives its directory;
 * three or more sibling directories give their parent, but never a
 * top-level directory (/tmp, /var, /home) nor /.  Writing is never
 * widened to / : a rule for / is written only when a name directly in /
 * was created. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "learn_write.h"
#include "syscalls.h"

void stk_learn_put_path(struct stk_buf *out, const char *path)
{
    bool plain = path[0] == '/';
    for (const char *p = path; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                strchr("/._+-", *p);
    if (plain) {
        stk_buf_puts(out, path);
        return;
    }
    stk_buf_puts(out, "\"");
    for (const char *p = path; *p; p++) {
        if (*p == '"' || *p == '\\')
            stk_buf_puts(out, "\\");
        stk_buf_put(out, p, 1);
    }
    stk_buf_puts(out, "\"");
}

/* ---- identity and capabilities ------------------------------------------------------ */

static bool seen_any(const struct stk_learn *l, const char *const *names, const char **which)
{
    for (; *names; names++) {
        int id = stk_syscall_lookup(*names);
        int64_t nr = id < 0 ? -1 : stk_syscall_nr(id, stk_native_abi());
        if (nr >= 0 && nr < STK_LEARN_NR_MAX && l->counts[nr]) {
            *which = *names;
            return true;
        }
    }
    return false;
}

void stk_learn_identity(const struct stk_learn_doc *doc, struct stk_buf *out)
{
    const struct stk_learn *l = &doc->obs;
    stk_buf_printf(out, "    # it ran as uid %u, gid %u\n    user %s\n    group %s\n    no_new_privs\n",
                   (unsigned)l->uid, (unsigned)l->gid, doc->user, doc->group);
    if (l->uid != 0) {
        stk_buf_puts(out, "    # it ran without capabilities (not as root)\n    capabilities none\n");
        return;
    }
    struct stk_buf caps = {0}, why = {0};
    const char *w;
    uint64_t low = 0;
    for (size_t i = 0; i < l->bind_ports.n; i++)
        if (l->bind_ports.v[i] && l->bind_ports.v[i] < 1024)
            low = l->bind_ports.v[i];
    if (low) {
        stk_buf_puts(&caps, "net_bind_service");
        stk_buf_printf(&why, "    #   net_bind_service: a bind to port %llu (below 1024)\n", (unsigned long long)low);
    }
    bool raw = false;
    for (size_t i = 0; i < l->sockets.n; i++) {
        uint64_t d = l->sockets.v[i] >> 32, t = l->sockets.v[i] & 0xf;
        raw |= ((d == 2 || d == 10) && t == 3) || d == 17; /* AF_INET/6 SOCK_RAW, AF_PACKET */
    }
    if (raw) {
        stk_buf_printf(&caps, "%snet_raw", caps.len ? ", " : "");
        stk_buf_puts(&why, "    #   net_raw: a raw or packet socket was created\n");
    }
    static const struct {
        const char *cap;
        const char *calls[8];
    } by_call[] = {
        {"setuid", {"setuid", "setresuid", "setreuid", "setfsuid", NULL}},
        {"setgid", {"setgid", "setresgid", "setregid", "setfsgid", "setgroups", NULL}},
        {"chown", {"chown", "fchown", "lchown", "fchownat", NULL}},
        {"sys_chroot", {"chroot", NULL}},
        {"mknod", {"mknod", "mknodat", NULL}},
    };
    for (size_t i = 0; i < sizeof by_call / sizeof by_call[0]; i++) {
        if (!seen_any(l, by_call[i].calls, &w))
            continue;
        stk_buf_printf(&caps, "%s%s", caps.len ? ", " : "", by_call[i].cap);
        stk_buf_printf(&why, "    #   %s: %s was called (whether it needed the capability was not checked)\n",
                       by_call[i].cap, w);
    }
    if (!caps.len) {
        stk_buf_puts(out, "    # it ran as root; no call seen needed a capability (inferred: review)\n"
                          "    capabilities none\n");
        return;
    }
    stk_buf_printf(out, "    # it ran as root; capabilities inferred from the calls seen (review):\n%s"
                        "    capabilities { keep %s }\n", why.data, caps.data);
    stk_buf_free(&caps);
    stk_buf_free(&why);
}

/* ---- landlock --------------------------------------------------------------------------- */

struct rule {
    char *path;
    unsigned rights; /* 1 read, 2 write, 4 execute */
};

static const char *const trees[] = {"usr", "etc", "opt", "lib", "lib32", "lib64", "libx32", "bin", "sbin", NULL};

/* "/usr" for a path beneath a system tree (through /lib -> usr/lib), else NULL. */
static char *tree_of(const char *path)
{
    const char *s = path + 1, *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    for (size_t i = 0; trees[i]; i++) {
        if (strlen(trees[i]) != n || strncmp(s, trees[i], n) != 0)
            continue;
        char top[32], real[PATH_MAX];
        snprintf(top, sizeof top, "/%s", trees[i]);
        if (!realpath(top, real))
            return stk_xstrdup(top);
        char *t = strchr(real + 1, '/');
        if (t)
            *t = '\0';
        return stk_xstrdup(real);
    }
    return NULL;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return stk_xstrdup("/");
    return stk_xstrndup(path, (size_t)(slash - path));
}

static bool under(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    if (strcmp(dir, "/") == 0)
        return true;
    return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

static void add(struct rule **rs, size_t *n, size_t *cap, char *path, unsigned rights)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*rs)[i].path, path) == 0) {
            (*rs)[i].rights |= rights;
            free(path);
            return;
        }
    STK_PUSH(*rs, *n, *cap, ((struct rule){path, rights}));
}

/* One observed path to its rules. */
static void collapse(struct rule **rs, size_t *n, size_t *cap, const char *p, unsigned r)
{
    unsigned ll = (r & (STK_LEARN_READ | STK_LEARN_READDIR) ? 1 : 0) |
                  (r & (STK_LEARN_WRITE | STK_LEARN_MAKE) ? 2 : 0) | (r & STK_LEARN_EXEC ? 4 : 0);
    if (!ll)
        return;
    if (under(p, "/proc") || under(p, "/sys")) {
        add(rs, n, cap, stk_xstrndup(p, 4 + (p[1] == 'p')), ll);
        return;
    }
    if (under(p, "/dev")) {
        if (under(p, "/dev/pts") || under(p, "/dev/shm") || under(p, "/dev/mqueue"))
            add(rs, n, cap, stk_xstrndup(p, strchr(p + 5, '/') ? (size_t)(strchr(p + 5, '/') - p) : strlen(p)), ll);
        else
            add(rs, n, cap, stk_xstrdup(p), ll);
        return;
    }
    char *t = tree_of(p);
    if (t && !(ll & 2)) {
        add(rs, n, cap, t, ll);
        return;
    }
    free(t);
    if (r & STK_LEARN_READ)
        add(rs, n, cap, dir_of(p), 1); /* a file: its directory */
    if (r & STK_LEARN_READDIR)
        add(rs, n, cap, stk_xstrdup(p), 1);
    if (r & STK_LEARN_EXEC)
        add(rs, n, cap, stk_xstrdup(p), 4); /* the program itself */
    if (r & STK_LEARN_MAKE)
        add(rs, n, cap, dir_of(p), 2);
    else if (r & STK_LEARN_WRITE) /* an existing file: its directory, or itself beside / */
        add(rs, n, cap, strrchr(p, '/') == p ? stk_xstrdup(p) : dir_of(p), 2);
}

static int depth(const char *p)
{
    int d = 0;
    for (; *p; p++)
        d += *p == '/';
    return strcmp(p, "/") == 0 ? 0 : d;
}

/* Three or more sibling rules become their parent's (not a top-level one). */
static void siblings(struct rule **rs, size_t *n, size_t *cap)
{
    for (size_t i = 0; i < *n; i++) {
        char *parent = dir_of((*rs)[i].path);
        if (depth(parent) < 2) {
            free(parent);
            continue;
        }
        size_t count = 0;
        unsigned rights = 0;
        for (size_t j = 0; j < *n; j++) {
            char *pj = dir_of((*rs)[j].path);
            if (strcmp(pj, parent) == 0) {
                count++;
                rights |= (*rs)[j].rights;
            }
            free(pj);
        }
        if (count >= 3)
            add(rs, n, cap, parent, rights);
        else
            free(parent);
    }
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct rule *)a)->path, ((const struct rule *)b)->path);
}

void stk_learn_landlock(const struct stk_learn_doc *doc, struct stk_buf *out)
{
    const struct stk_learn *l = &doc->obs;
    struct rule *rs = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < l->paths.cap; i++)
        if (l->paths.key[i])
            collapse(&rs, &n, &cap, l->paths.key[i], l->paths.rights[i]);
    siblings(&rs, &n, &cap);
    qsort(rs, n, sizeof *rs, by_path); /* a stable order: learned files diff well */
    static const char *const stmt[] = {"read", "write", "execute"};
    stk_buf_printf(out, "\n    # files: %zu paths seen, collapsed to directories (docs/learn.md)\n", l->paths.n);
    if (l->paths.dropped)
        stk_buf_printf(out, "    # INCOMPLETE: %lu more distinct paths were not recorded (the recorder keeps %u paths,\n"
                            "    # %u MiB of names): files the command used are missing from these rules.\n",
                       l->paths.dropped, STK_LEARN_PATHS_MAX, STK_LEARN_PATHS_BYTES >> 20);
    stk_buf_puts(out, "    landlock {\n");
    for (unsigned bit = 0; bit < 3; bit++) {
        struct stk_buf line = {0};
        for (size_t i = 0; i < n; i++) {
            if (!(rs[i].rights & (1u << bit)))
                continue;
            bool covered = false; /* beneath another rule with this right */
            for (size_t j = 0; j < n && !covered; j++)
                covered = j != i && (rs[j].rights & (1u << bit)) && under(rs[i].path, rs[j].path) &&
                          strcmp(rs[i].path, rs[j].path) != 0;
            if (covered)
                continue;
            stk_buf_puts(&line, line.len ? ", " : "");
            stk_learn_put_path(&line, rs[i].path);
        }
        if (line.len)
            stk_buf_printf(out, "        %s %s\n", stmt[bit], line.data);
        stk_buf_free(&line);
    }
    /* Landlock's IOCTL_DEV is not part of read: a device the command opened
     * and then asked something (isatty's TCGETS on /dev/urandom) needs it;
     * which descriptor an ioctl used is not recorded, so every device gets
     * it once any ioctl was seen (the seccomp rule limits the requests) */
    if (l->ioctls.n) {
        struct stk_buf line = {0};
        for (size_t i = 0; i < n; i++)
            if (under(rs[i].path, "/dev") && strcmp(rs[i].path, "/dev") != 0 && !(rs[i].rights & 2)) { /* write has it */
                stk_buf_puts(&line, line.len ? ", " : "");
                stk_learn_put_path(&line, rs[i].path);
            }
        if (line.len)
            stk_buf_printf(out, "        # device ioctls (the seccomp rule above limits the requests)\n"
                                "        ioctl-dev %s\n", line.data);
        stk_buf_free(&line);
    }
    bool inet = false;
    for (size_t i = 0; i < l->sockets.n; i++)
        inet |= (l->sockets.v[i] >> 32) == 2 || (l->sockets.v[i] >> 32) == 10;
    if (l->bind_ports.n || l->connect_ports.n) {
        stk_buf_puts(out, "        # TCP ports (UDP ones are listed too: Landlock restricts TCP only)\n");
        for (int b = 0; b < 2; b++) {
            const struct stk_learn_set *s = b ? &l->connect_ports : &l->bind_ports;
            if (!s->n)
                continue;
            stk_buf_printf(out, "        %s tcp ", b ? "connect" : "bind");
            uint64_t *v = stk_xcalloc(s->n, sizeof *v);
            memcpy(v, s->v, s->n * sizeof *v);
            qsort(v, s->n, sizeof *v, by_value);
            for (size_t i = 0; i < s->n; i++)
                stk_buf_printf(out, "%s%llu", i ? ", " : "", (unsigned long long)v[i]);
            free(v);
            stk_buf_puts(out, "\n");
        }
    } else {
        stk_buf_printf(out, "        # no TCP bind or connect was seen%s\n        restrict net\n",
                       inet ? "" : " (no IPv4/IPv6 socket at all)");
    }
    stk_buf_puts(out, "        # what this kernel's Landlock lacks is dropped, not refused\n"
                      "        compat best-effort\n    }\n");
    for (size_t i = 0; i < n; i++)
        free(rs[i].path);
    free(rs);
}
