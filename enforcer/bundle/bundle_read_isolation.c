/* bundle_read_isolation.c — decode and validate the isolation records
 * (bundle_isolation.h), and print their dry-run lines.  Everything the
 * enforcer's ns.c and mount.c rely on is checked here, before anything is
 * applied: bounds, duplicates, enum ranges, normal-form absolute paths, the
 * namespaces each record needs, and the order of the filesystem entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_decode.h"

#define STEP "bundle"

/* bits of iso.seen */
#define SEEN(t) (1u << ((t) - STK_REC_NAMESPACES))

static const char *const ns_names[] = {"pid", "mount", "ipc", "uts", "net", "user", "cgroup"};

const char *stk_bns_name(uint32_t bit)
{
    for (unsigned i = 0; i < sizeof ns_names / sizeof ns_names[0]; i++)
        if (bit == 1u << i)
            return ns_names[i];
    return "?";
}

const char *stk_bfs_name(enum stk_bundle_fs_kind k)
{
    static const char *const names[STK_BFS_KINDS] = {"bind", "tmpfs", "proc", "dev", "readonly", "mask"};
    return (unsigned)k < STK_BFS_KINDS ? names[k] : "?";
}

/* RFC 1123 host names: dot-separated labels of letters, digits and '-'.
 * Shared with the compiler (sema_isolation.c). */
bool stk_hostname_ok(const char *h)
{
    size_t len = strlen(h), label = 0;
    if (len == 0 || len > STK_BHOSTNAME_MAX)
        return false;
    for (size_t i = 0; i <= len; i++) {
        char c = h[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || h[i - 1] == '-')
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   (c == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
    return true;
}

/* Absolute, normal form: "/" or "/a/b" with no empty, "." or ".." component. */
static bool path_ok(const char *p)
{
    if (p[0] != '/')
        return false;
    if (p[1] == '\0')
        return true;
    for (const char *c = p + 1;;) {
        const char *end = strchr(c, '/');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        if (!end)
            return true;
        c = end + 1;
    }
}

static int read_path(struct stk_bcur *c, const char **s, bool may_be_empty, const char *what)
{
    if (stk_bc_str(c, s, STK_BUNDLE_MAX_PATH, !may_be_empty, what) < 0)
        return -1;
    if ((**s || !may_be_empty) && !path_ok(*s))
        return stk_errf(c->e, STEP, "%s \"%s\" is not an absolute path in normal form", what, *s);
    return 0;
}

static bool overlap(uint32_t a, uint32_t na, uint32_t b, uint32_t nb)
{
    return (uint64_t)a < (uint64_t)b + nb && (uint64_t)b < (uint64_t)a + na;
}

static int read_map(struct stk_bcur *c, struct stk_bundle_idmap **out, size_t *nout, const char *what)
{
    uint32_t n;
    if (stk_bc_u32(c, &n, what) < 0)
        return -1;
    if (n == 0 || n > STK_BIDMAP_MAX)
        return stk_errf(c->e, STEP, "%s has %u lines (1 to %u)", what, n, STK_BIDMAP_MAX);
    if (stk_bc_need(c, (size_t)n * 16, what) < 0)
        return -1;
    struct stk_bundle_idmap *m = calloc(n, sizeof *m);
    if (!m)
        return stk_errnof(c->e, STEP, ENOMEM, "decoding the %s", what);
    *out = m;
    *nout = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t flags;
        stk_bc_u32(c, &m[i].inside, what);
        stk_bc_u32(c, &m[i].outside, what);
        stk_bc_u32(c, &m[i].count, what);
        stk_bc_u32(c, &flags, what);
        if (flags & ~STK_BIDMAP_CALLER)
            return stk_errf(c->e, STEP, "%s line %u has unknown flags 0x%x", what, i + 1, flags);
        m[i].outside_caller = flags & STK_BIDMAP_CALLER;
        if (m[i].outside_caller && m[i].outside)
            return stk_errf(c->e, STEP, "%s line %u maps the caller's id but gives an outside id", what, i + 1);
        if (m[i].count == 0 || (uint64_t)m[i].inside + m[i].count > 0xffffffffu ||
            (!m[i].outside_caller && (uint64_t)m[i].outside + m[i].count > 0xffffffffu))
            return stk_errf(c->e, STEP, "%s line %u: invalid range", what, i + 1);
        for (uint32_t j = 0; j < i; j++) {
            if (overlap(m[j].inside, m[j].count, m[i].inside, m[i].count))
                return stk_errf(c->e, STEP, "%s line %u overlaps line %u inside the namespace", what, i + 1, j + 1);
            if (m[i].outside_caller ? m[j].outside_caller
                                    : !m[j].outside_caller && overlap(m[j].outside, m[j].count, m[i].outside,
                                                                      m[i].count))
                return stk_errf(c->e, STEP, "%s line %u overlaps line %u outside the namespace", what, i + 1,
                                j + 1);
        }
    }
    return 0;
}

static int read_mount(struct stk_bcur *c, struct stk_bundle *b)
{
    struct stk_bundle_isolation *x = &b->iso;
    uint8_t kind, flags;
    uint16_t zero;
    uint32_t mode;
    uint64_t size;
    const char *src, *path;
    if (stk_bc_u8(c, &kind, "mount kind") < 0 || stk_bc_u8(c, &flags, "mount flags") < 0 ||
        stk_bc_u16(c, &zero, "mount entry") < 0 || stk_bc_u32(c, &mode, "mount mode") < 0 ||
        stk_bc_u64(c, &size, "mount size") < 0)
        return -1;
    if (kind >= STK_BFS_KINDS)
        return stk_errf(c->e, STEP, "unknown filesystem entry kind %u", kind);
    const char *kn = stk_bfs_name(kind);
    uint8_t allowed = kind == STK_BFS_BIND    ? STK_BFSF_READONLY
                      : kind == STK_BFS_TMPFS ? STK_BFSF_MODE | STK_BFSF_OWNER
                                              : 0;
    if (flags & ~allowed)
        return stk_errf(c->e, STEP, "%s entry with invalid flags 0x%x", kn, flags);
    if (zero)
        return stk_errf(c->e, STEP, "%s entry: reserved field is not zero", kn);
    if (mode > 07777 || (mode && !(flags & STK_BFSF_MODE)))
        return stk_errf(c->e, STEP, "%s entry: invalid mode 0%o", kn, mode);
    if (size && kind != STK_BFS_TMPFS)
        return stk_errf(c->e, STEP, "%s entry with a size", kn);
    if (read_path(c, &src, kind != STK_BFS_BIND, "mount source") < 0 || read_path(c, &path, false, "mount path") < 0)
        return -1;
    if (kind != STK_BFS_BIND && *src)
        return stk_errf(c->e, STEP, "%s entry with a source", kn);
    const char *owner = "", *group = "";
    if ((flags & STK_BFSF_OWNER) &&
        (stk_bc_str(c, &owner, STK_BUNDLE_MAX_NAME, false, "tmpfs owner") < 0 ||
         stk_bc_str(c, &group, STK_BUNDLE_MAX_NAME, false, "tmpfs group") < 0))
        return -1;
    if ((flags & STK_BFSF_OWNER) && !*owner && !*group)
        return stk_errf(c->e, STEP, "tmpfs entry %s: an owner flag without owner or group", path);
    if (kind == STK_BFS_BIND && strcmp(src, "/") == 0)
        return stk_errf(c->e, STEP, "bind entry with \"/\" as its source");
    if (kind != STK_BFS_READONLY && strcmp(path, "/") == 0)
        return stk_errf(c->e, STEP, "%s entry on \"/\"", kn);
    if (kind == STK_BFS_DEV && strcmp(path, "/dev") != 0)
        return stk_errf(c->e, STEP, "dev entry on \"%s\" (only /dev)", path);
    struct stk_bundle_mount m = {
        .kind = (enum stk_bundle_fs_kind)kind,
        .readonly = flags & STK_BFSF_READONLY,
        .mode_set = flags & STK_BFSF_MODE,
        .mode = mode,
        .size = size,
        .owner = *owner ? owner : NULL,
        .group = *group ? group : NULL,
        .src = kind == STK_BFS_BIND ? src : NULL,
        .path = path,
    };
    return stk_bc_push(&x->mounts, &x->nmounts, sizeof m, STK_BMOUNT_MAX, &m, c->e, "filesystem entries");
}

int stk_bundle_read_isolation(struct stk_bcur *c, uint16_t type, struct stk_bundle *b)
{
    struct stk_bundle_isolation *x = &b->iso;
    if (type > STK_REC_MOUNT)
        return stk_errf(c->e, STEP, "unknown record type 0x%04x", type);
    if (type != STK_REC_MOUNT) {
        if (x->seen & SEEN(type))
            return stk_errf(c->e, STEP, "record type 0x%04x appears twice", type);
        x->seen |= SEEN(type);
    }
    x->present = true;
    switch (type) {
    case STK_REC_NAMESPACES: {
        uint32_t flags;
        if (stk_bc_u32(c, &x->ns, "namespaces") < 0 || stk_bc_u32(c, &flags, "namespaces") < 0)
            return -1;
        if (x->ns == 0 || (x->ns & ~STK_BNS_ALL))
            return stk_errf(c->e, STEP, "invalid namespace set 0x%x", x->ns);
        if (flags & ~STK_BNSF_INIT_NONE)
            return stk_errf(c->e, STEP, "unknown namespace flags 0x%x", flags);
        if ((flags & STK_BNSF_INIT_NONE) && !(x->ns & STK_BNS_PID))
            return stk_errf(c->e, STEP, "\"init none\" without a pid namespace");
        x->init_none = flags & STK_BNSF_INIT_NONE;
        return 0;
    }
    case STK_REC_HOSTNAME:
        if (stk_bc_str(c, &x->hostname, STK_BHOSTNAME_MAX, true, "hostname") < 0)
            return -1;
        if (!stk_hostname_ok(x->hostname))
            return stk_errf(c->e, STEP, "invalid hostname \"%s\"", x->hostname);
        return 0;
    case STK_REC_UIDMAP:
        return read_map(c, &x->uidmap, &x->nuidmap, "uid map");
    case STK_REC_GIDMAP:
        return read_map(c, &x->gidmap, &x->ngidmap, "gid map");
    case STK_REC_FILESYSTEM: {
        const char *root;
        if (read_path(c, &root, true, "filesystem root") < 0)
            return -1;
        x->fs = true;
        x->root = *root && strcmp(root, "/") != 0 ? root : NULL;
        return 0;
    }
    default:
        return read_mount(c, b);
    }
}

/* a is a strict ancestor of b */
static bool under(const char *b, const char *a)
{
    if (strcmp(a, "/") == 0)
        return strcmp(b, "/") != 0;
    size_t n = strlen(a);
    return strncmp(a, b, n) == 0 && b[n] == '/';
}

static int order_group(enum stk_bundle_fs_kind k)
{
    return k == STK_BFS_READONLY ? 1 : k == STK_BFS_MASK ? 2 : 0;
}

int stk_bundle_check_isolation(const struct stk_bundle *b, struct stk_err *e)
{
    const struct stk_bundle_isolation *x = &b->iso;
    if (!x->present)
        return 0;
    if (!(x->seen & SEEN(STK_REC_NAMESPACES)))
        return stk_errf(e, STEP, "isolation records without a namespaces record");
    if (x->hostname && !(x->ns & STK_BNS_UTS))
        return stk_errf(e, STEP, "a hostname without a uts namespace");
    if ((x->uidmap || x->gidmap) && !(x->ns & STK_BNS_USER))
        return stk_errf(e, STEP, "a uid or gid map without a user namespace");
    if (x->fs && !(x->ns & STK_BNS_MOUNT))
        return stk_errf(e, STEP, "a filesystem view without a mount namespace");
    if (x->nmounts && !x->fs)
        return stk_errf(e, STEP, "filesystem entries without a filesystem record");
    for (size_t j = 1; j < x->nmounts; j++) {
        const struct stk_bundle_mount *mj = &x->mounts[j];
        for (size_t i = 0; i < j; i++) {
            const struct stk_bundle_mount *mi = &x->mounts[i];
            if (strcmp(mi->path, mj->path) == 0) {
                int gi = order_group(mi->kind), gj = order_group(mj->kind);
                if ((gi == 1) == (gj == 1))
                    return stk_errf(e, STEP, "two filesystem entries for \"%s\" (%s and %s)", mj->path,
                                    stk_bfs_name(mi->kind), stk_bfs_name(mj->kind));
                if (gi > gj)
                    return stk_errf(e, STEP, "filesystem entries for \"%s\" out of order", mj->path);
            } else if (under(mi->path, mj->path)) {
                return stk_errf(e, STEP, "filesystem entry %zu (%s %s) comes after entry %zu under it (%s)", j + 1,
                                stk_bfs_name(mj->kind), mj->path, i + 1, mi->path);
            }
        }
    }
    return 0;
}

void stk_bundle_free_isolation(struct stk_bundle *b)
{
    free(b->iso.uidmap);
    free(b->iso.gidmap);
    free(b->iso.mounts);
    b->iso.uidmap = b->iso.gidmap = NULL;
    b->iso.mounts = NULL;
}

/* ---- dry run ------------------------------------------------------------------ */

/* A path with control characters shown as \xNN, so a line stays one line. */
static void put_path(const char *p, FILE *out)
{
    for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
        if (*c < 0x20 || *c == 0x7f || *c == '\\')
            fprintf(out, "\\x%02x", *c);
        else
            fputc(*c, out);
    }
}

static void print_map(const char *what, const struct stk_bundle_idmap *m, size_t n, FILE *out)
{
    if (!m) {
        fprintf(out, " %s caller -> caller (1) (a root caller: 0 -> 65534, root squash);", what);
        return;
    }
    fprintf(out, " %s", what);
    for (size_t i = 0; i < n; i++) {
        if (m[i].outside_caller)
            fprintf(out, "%s %u -> caller (%u)", i ? "," : "", m[i].inside, m[i].count);
        else
            fprintf(out, "%s %u -> %u (%u)", i ? "," : "", m[i].inside, m[i].outside, m[i].count);
    }
    fputc(';', out);
}

static void print_mount(const struct stk_bundle_mount *m, FILE *out)
{
    fprintf(out, "    - %s ", stk_bfs_name(m->kind));
    switch (m->kind) {
    case STK_BFS_BIND:
        put_path(m->src, out);
        fputs(" -> ", out);
        put_path(m->path, out);
        fputs(m->readonly ? " (recursive, read-only)\n" : " (recursive)\n", out);
        return;
    case STK_BFS_TMPFS:
        put_path(m->path, out);
        if (m->size)
            fprintf(out, " size %llu", (unsigned long long)m->size);
        if (m->mode_set)
            fprintf(out, " mode %04o", m->mode);
        if (m->owner)
            fprintf(out, " owner %s", m->owner);
        if (m->group)
            fprintf(out, " group %s", m->group);
        fputs(" (nosuid, nodev)\n", out);
        return;
    case STK_BFS_PROC:
        put_path(m->path, out);
        fputs(" (fresh procfs; nosuid, nodev, noexec; kernel knobs read-only, kcore/kmsg/keys/... masked)\n", out);
        return;
    case STK_BFS_DEV:
        fputs("/dev (nodev tmpfs with null zero full random urandom tty bound from the host)\n", out);
        return;
    case STK_BFS_READONLY:
        put_path(m->path, out);
        fputs(" (recursive)\n", out);
        return;
    default:
        put_path(m->path, out);
        fputs(" (/dev/null over a file, an empty read-only tmpfs over a directory)\n", out);
        return;
    }
}

void stk_bundle_print_isolation(const struct stk_bundle *b, int *step, FILE *out)
{
    const struct stk_bundle_isolation *x = &b->iso;
    if (!x->present)
        return;
    fprintf(out, "%2d. namespaces:", ++*step);
    bool first = true;
    for (uint32_t bit = 1; bit <= STK_BNS_CGROUP; bit <<= 1) {
        if (!(x->ns & bit))
            continue;
        fprintf(out, "%s %s", first ? "" : ",", stk_bns_name(bit));
        if (bit == STK_BNS_PID)
            fputs(x->init_none ? " (the command is pid 1)" : " (stockade is pid 1 as a minimal init, the command pid 2)",
                  out);
        first = false;
    }
    fputs(x->ns & STK_BNS_PID ? "; clone3 under a supervisor" : "; unshare in place (clone3 if a supervisor runs)",
          out);
    fputs(x->ns & STK_BNS_CGROUP ? "; cgroup namespace once in the cgroup\n" : "\n", out);
    if (x->ns & STK_BNS_USER) {
        fprintf(out, "%2d. user namespace:", ++*step);
        print_map("uid map", x->uidmap, x->nuidmap, out);
        print_map("gid map", x->gidmap, x->ngidmap, out);
        fputs(" setgroups denied unless the map is written with CAP_SETGID\n", out);
    }
    if (x->hostname)
        fprintf(out, "%2d. hostname: %s\n", ++*step, x->hostname);
    if (x->ns & STK_BNS_NET)
        fprintf(out, "%2d. network: new namespace with only lo, brought up\n", ++*step);
    if (x->fs) {
        fprintf(out, "%2d. filesystem: private propagation; ", ++*step);
        if (x->root) {
            fputs("view rooted at ", out);
            put_path(x->root, out);
            fputs(" (recursive bind)", out);
        } else {
            fputs("the host's / as the mount namespace copied it, changed in place", out);
        }
        fprintf(out, "; %zu entr%s in this order:\n", x->nmounts, x->nmounts == 1 ? "y" : "ies");
        for (size_t i = 0; i < x->nmounts; i++)
            print_mount(&x->mounts[i], out);
        if (x->root)
            fputs("    - pivot_root into the view, old root detached\n", out);
    }
}
