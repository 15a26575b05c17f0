/* sema_filesystem.c — the `filesystem { ... }` block into IR (ir_isolation.h).
 *
 *   root PATH                      the view's root (default: the host's root)
 *   bind SRC [DEST] [readonly]     recursive bind of a host path
 *   tmpfs PATH [size N] [mode M] [owner U] [group G]   a fresh tmpfs (its root owned by U:G)
 *   proc [PATH]                    a fresh procfs (default /proc)
 *   dev minimal                    /dev with null zero full random urandom tty
 *   readonly PATH, ...             make what is there read-only, recursively
 *   mask PATH, ...                 hide a file or directory
 *
 * Along an extends chain a child's block adds to its parents'; an entry for
 * the same path replaces the parent's (mounts and masks share one key per
 * path, `readonly` has its own), and a child's `root` replaces the parent's.
 * Within one block two entries for the same path are an error.
 *
 * Application order (stk_fs_finish): by the depth of the path, so that what
 * is mounted under a path comes after what is mounted on it; at the same
 * depth mounts first, then readonly, then masks; otherwise as written. */
#include <stdlib.h>
#include <string.h>

#include "bundle_format.h"
#include "edit_distance.h"
#include "sema/sema.h"
#include "sema/sema_isolation.h"
#include "util.h"

void stk_fs_entry_free(struct stk_fs_entry *e)
{
    free(e->src);
    free(e->path);
    free(e->owner);
    free(e->group);
}

/* mounts and masks share a key per path; readonly entries have their own */
static int key_group(enum stk_fs_kind k)
{
    return k == STK_FS_READONLY ? 1 : 0;
}

/* Where the entry is applied among entries of the same depth. */
static int order_group(enum stk_fs_kind k)
{
    return k == STK_FS_READONLY ? 1 : k == STK_FS_MASK ? 2 : 0;
}

static const char *kind_word(enum stk_fs_kind k)
{
    static const char *const w[STK_FS_KIND_COUNT] = {"bind", "tmpfs", "proc", "dev", "readonly", "mask"};
    return (unsigned)k < STK_FS_KIND_COUNT ? w[k] : "?";
}

/* An absolute path in normal form: no empty, '.' or '..' component, no trailing '/'. */
static bool fs_path(struct stk_unit *u, const struct stk_word *w, bool allow_root, const char *entry)
{
    const char *p = w->text;
    if ((w->kind != STK_W_PATH && w->kind != STK_W_STRING && w->kind != STK_W_NAME && w->kind != STK_W_NUMBER) ||
        p[0] != '/') {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-path", w->loc, "paths in a filesystem block start with '/'",
                 "'%s' is not an absolute path", p);
        return false;
    }
    size_t len = strlen(p);
    if (len > STK_BUNDLE_MAX_PATH) {
        stk_error(u->ds, "bad-path", w->loc, "path longer than %u bytes", STK_BUNDLE_MAX_PATH);
        return false;
    }
    if (len == 1) {
        if (allow_root)
            return true;
        stk_diag(u->ds, STK_SEV_ERROR, "bad-path", w->loc, "'root PATH' chooses the root of the view",
                 "'%s' cannot be applied to '/'", entry);
        return false;
    }
    bool dots = false, messy = p[len - 1] == '/';
    for (const char *c = p + 1; *c;) {
        const char *end = strchr(c, '/');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (n == 0 && end)
            messy = true;
        if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            dots = true;
        c += n + (end ? 1 : 0);
    }
    if (dots) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-path", w->loc, "write the path without '.' and '..' components",
                 "'%s' has a '.' or '..' component", p);
        return false;
    }
    if (messy) {
        struct stk_buf b = {0};
        for (const char *c = p; *c; c++)
            if (!(*c == '/' && (c[1] == '/' || c[1] == '\0')))
                stk_buf_put(&b, c, 1);
        stk_buf_put(&b, "", 1);
        char *hint = stk_xasprintf("write '%s'", b.data[0] ? b.data : "/");
        stk_diag(u->ds, STK_SEV_ERROR, "bad-path", w->loc, hint, "'%s' is not in normal form", p);
        free(hint);
        stk_buf_free(&b);
        return false;
    }
    return true;
}

struct fs_block {
    struct stk_fs_entry *v;
    size_t n, cap;
};

/* Add an entry parsed from the block; a second one for the same key is an error. */
static void add_entry(struct stk_unit *u, struct fs_block *b, struct stk_fs_entry e)
{
    for (size_t i = 0; i < b->n; i++) {
        if (key_group(b->v[i].kind) == key_group(e.kind) && strcmp(b->v[i].path, e.path) == 0) {
            stk_error(u->ds, "duplicate-entry", e.path_loc, "'%s' already has %s entry on line %u of this block",
                      e.path, key_group(e.kind) ? "a readonly" : "a mount or mask", b->v[i].loc.line);
            stk_fs_entry_free(&e);
            return;
        }
    }
    STK_PUSH(b->v, b->n, b->cap, e);
}

static struct stk_fs_entry new_entry(enum stk_fs_kind k, const struct stk_stmt *s, const struct stk_word *path)
{
    struct stk_fs_entry e;
    memset(&e, 0, sizeof e);
    e.kind = k;
    e.loc = s->loc;
    e.path_loc = path ? path->loc : s->loc;
    return e;
}

static const char *const bind_opts[] = {"readonly"};

static void e_bind(struct stk_unit *u, struct fs_block *b, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 3))
        return;
    const struct stk_word *src = &s->args.v[0], *dst = src, *opt = NULL;
    if (s->args.n >= 2) {
        const struct stk_word *w = &s->args.v[1];
        /* `bind SRC readonly`: the same path in the view */
        if (s->args.n == 2 && w->kind == STK_W_NAME && stk_closest_name(w->text, bind_opts, 1))
            opt = w;
        else
            dst = w;
    }
    if (s->args.n == 3)
        opt = &s->args.v[2];
    bool ok = fs_path(u, src, false, "bind");
    if (dst != src && !fs_path(u, dst, false, "bind"))
        ok = false;
    if (opt && strcmp(opt->text, "readonly") != 0) {
        stk_sema_suggest(u, "bad-arguments", opt->loc, "bind option", opt->text, bind_opts, 1);
        ok = false;
    }
    if (!ok)
        return;
    struct stk_fs_entry e = new_entry(STK_FS_BIND, s, dst);
    e.src = stk_xstrdup(src->text);
    e.path = stk_xstrdup(dst->text);
    e.readonly = opt != NULL;
    add_entry(u, b, e);
}

static bool tmpfs_mode(struct stk_unit *u, const struct stk_word *w, uint32_t *mode)
{
    const char *t = w->text;
    if (t[0] == '0' && (t[1] == 'o' || t[1] == 'O'))
        t += 2;
    char *end;
    unsigned long v = strtoul(t, &end, 8);
    if (w->kind != STK_W_NUMBER || !*t || *end || v > 07777 || w->text[0] == '-') {
        stk_error(u->ds, "bad-arguments", w->loc, "'%s' is not an octal mode (0 to 7777)", w->text);
        return false;
    }
    *mode = (uint32_t)v;
    return true;
}

/* `owner U` / `group G`: a name (resolved by the enforcer) or a number */
static bool tmpfs_id(struct stk_unit *u, const struct stk_word *w, bool user, char **out)
{
    uint64_t v;
    if ((w->kind != STK_W_NAME && w->kind != STK_W_NUMBER && w->kind != STK_W_STRING) || !w->text[0] ||
        (w->kind == STK_W_NUMBER && (!stk_parse_int(w->text, &v) || v >= 0xffffffffu || w->text[0] == '-'))) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", w->loc, user ? "e.g. owner redis" : "e.g. group 999",
                 "'%s' is not a %s name or number", w->text, user ? "user" : "group");
        return false;
    }
    if (!stk_sema_fits(u, "too-long", w->loc, user ? "user name" : "group name", strlen(w->text),
                       STK_BUNDLE_MAX_NAME))
        return false;
    *out = stk_xstrdup(w->text);
    return true;
}

static void e_tmpfs(struct stk_unit *u, struct fs_block *b, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 9))
        return;
    const struct stk_word *pw = &s->args.v[0];
    if (!fs_path(u, pw, false, "tmpfs"))
        return;
    struct stk_fs_entry e = new_entry(STK_FS_TMPFS, s, pw);
    bool ok = true, have_size = false;
    for (size_t i = 1; i < s->args.n; i++) {
        const struct stk_word *o = &s->args.v[i];
        static const char *const opts[] = {"size", "mode", "owner", "group"};
        int which = -1;
        for (int k = 0; k < 4; k++)
            if (strcmp(o->text, opts[k]) == 0)
                which = k;
        if (which < 0) {
            stk_sema_suggest(u, "bad-arguments", o->loc, "tmpfs option", o->text, opts, 4);
            ok = false;
            break;
        }
        if ((which == 0 && have_size) || (which == 1 && e.mode_set) || (which == 2 && e.owner) ||
            (which == 3 && e.group)) {
            stk_error(u->ds, "bad-arguments", o->loc, "'%s' is given twice", o->text);
            ok = false;
            break;
        }
        if (i + 1 == s->args.n) {
            static const char *const eg[] = {"e.g. size 64M", "e.g. mode 1777", "e.g. owner redis",
                                             "e.g. group redis"};
            stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", o->loc, eg[which], "'%s' needs a value", o->text);
            ok = false;
            break;
        }
        const struct stk_word *v = &s->args.v[++i];
        if (which == 0) {
            have_size = true;
            if (v->kind != STK_W_NUMBER || !stk_parse_size(v->text, &e.size) || e.size == 0) {
                stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", v->loc, "e.g. 64M, 512K or 1G",
                         "'%s' is not a valid size", v->text);
                ok = false;
                break;
            }
        } else if (which == 1) {
            if (!tmpfs_mode(u, v, &e.mode)) {
                ok = false;
                break;
            }
            e.mode_set = true;
        } else if (!tmpfs_id(u, v, which == 2, which == 2 ? &e.owner : &e.group)) {
            ok = false;
            break;
        }
    }
    if (!ok) {
        stk_fs_entry_free(&e);
        return;
    }
    e.path = stk_xstrdup(pw->text);
    add_entry(u, b, e);
}

static void e_proc(struct stk_unit *u, struct fs_block *b, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 0, 1))
        return;
    const struct stk_word *pw = s->args.n ? &s->args.v[0] : NULL;
    if (pw && !fs_path(u, pw, false, "proc"))
        return;
    struct stk_fs_entry e = new_entry(STK_FS_PROC, s, pw);
    e.path = stk_xstrdup(pw ? pw->text : "/proc");
    add_entry(u, b, e);
}

static void e_dev(struct stk_unit *u, struct fs_block *b, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 1))
        return;
    const struct stk_word *w = &s->args.v[0];
    if (strcmp(w->text, "minimal") != 0) {
        static const char *const modes[] = {"minimal"};
        stk_sema_suggest(u, "bad-arguments", w->loc, "dev mode", w->text, modes, 1);
        return;
    }
    struct stk_fs_entry e = new_entry(STK_FS_DEV, s, NULL);
    e.path = stk_xstrdup("/dev");
    add_entry(u, b, e);
}

/* readonly PATH, ... / mask PATH, ... */
static void e_paths(struct stk_unit *u, struct fs_block *b, const struct stk_stmt *s, enum stk_fs_kind k)
{
    if (!stk_sema_want_args(u, s, 1, STK_FS_MAX_ENTRIES))
        return;
    for (size_t i = 0; i < s->args.n; i++) {
        const struct stk_word *w = &s->args.v[i];
        if (!fs_path(u, w, k == STK_FS_READONLY, kind_word(k)))
            continue;
        struct stk_fs_entry e = new_entry(k, s, w);
        e.loc = w->loc;
        e.path = stk_xstrdup(w->text);
        add_entry(u, b, e);
    }
}

void stk_d_filesystem(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 0, 0))
        return;
    if (!s->has_block) {
        stk_error(u->ds, "bad-arguments", s->loc, "'filesystem' takes a block: filesystem { readonly /; tmpfs /tmp }");
        return;
    }
    struct stk_isolation_ir *x = &ir->iso;
    x->present = true;
    x->fs = true;
    x->fs_loc = s->loc;
    struct fs_block b = {0};
    const struct stk_stmt *root = NULL;
    for (size_t i = 0; i < s->block.n; i++) {
        const struct stk_stmt *e = s->block.v[i];
        if (e->kind != STK_S_DIRECTIVE) {
            stk_error(u->ds, "unknown-directive", e->loc,
                      "expected root, bind, tmpfs, proc, dev, readonly or mask in filesystem");
            continue;
        }
        if (!stk_sema_no_block(u, e))
            continue;
        if (strcmp(e->name, "root") == 0) {
            if (!stk_sema_want_args(u, e, 1, 1) || !fs_path(u, &e->args.v[0], true, "root"))
                continue;
            if (root) {
                stk_error(u->ds, "duplicate-entry", e->loc, "a second 'root' in this block (the first is on line %u)",
                          root->loc.line);
                continue;
            }
            root = e;
        } else if (strcmp(e->name, "bind") == 0) {
            e_bind(u, &b, e);
        } else if (strcmp(e->name, "tmpfs") == 0) {
            e_tmpfs(u, &b, e);
        } else if (strcmp(e->name, "proc") == 0) {
            e_proc(u, &b, e);
        } else if (strcmp(e->name, "dev") == 0) {
            e_dev(u, &b, e);
        } else if (strcmp(e->name, "readonly") == 0) {
            e_paths(u, &b, e, STK_FS_READONLY);
        } else if (strcmp(e->name, "mask") == 0) {
            e_paths(u, &b, e, STK_FS_MASK);
        } else {
            static const char *const known[] = {"root", "bind", "tmpfs", "proc", "dev", "readonly", "mask"};
            stk_sema_suggest(u, "unknown-directive", e->loc, "filesystem statement", e->name, known, 7);
        }
    }
    /* merge: the block's root and entries replace what earlier blocks (the parents') had for the same key */
    if (root) {
        free(x->root);
        const char *r = root->args.v[0].text;
        x->root = strcmp(r, "/") == 0 ? NULL : stk_xstrdup(r);
    }
    for (size_t i = 0; i < b.n; i++) {
        size_t k = 0;
        for (size_t j = 0; j < x->nfs; j++) {
            if (key_group(x->fs_entries[j].kind) == key_group(b.v[i].kind) &&
                strcmp(x->fs_entries[j].path, b.v[i].path) == 0)
                stk_fs_entry_free(&x->fs_entries[j]);
            else
                x->fs_entries[k++] = x->fs_entries[j];
        }
        x->nfs = k;
        if (x->nfs == STK_FS_MAX_ENTRIES) {
            stk_error(u->ds, "too-many", b.v[i].path_loc, "more than %d filesystem entries",
                      STK_FS_MAX_ENTRIES);
            for (size_t j = i; j < b.n; j++)
                stk_fs_entry_free(&b.v[j]);
            break;
        }
        STK_PUSH(x->fs_entries, x->nfs, x->capfs, b.v[i]);
    }
    free(b.v);
}

static size_t depth(const char *path)
{
    size_t d = 0;
    for (const char *p = path; *p; p++)
        d += *p == '/';
    return strcmp(path, "/") == 0 ? 0 : d;
}

static bool before(const struct stk_fs_entry *a, const struct stk_fs_entry *b)
{
    size_t da = depth(a->path), db = depth(b->path);
    if (da != db)
        return da < db;
    return order_group(a->kind) < order_group(b->kind);
}

void stk_fs_finish(struct stk_unit *u, struct stk_policy_ir *ir)
{
    struct stk_isolation_ir *x = &ir->iso;
    /* stable insertion sort into the application order */
    for (size_t i = 1; i < x->nfs; i++) {
        struct stk_fs_entry e = x->fs_entries[i];
        size_t j = i;
        for (; j > 0 && before(&e, &x->fs_entries[j - 1]); j--)
            x->fs_entries[j] = x->fs_entries[j - 1];
        x->fs_entries[j] = e;
    }
    /* A view on the host's root keeps the host's /dev unless an entry
     * replaces it: device I/O ignores read-only mounts, so `readonly /`
     * leaves /dev/kmsg, loop and disk devices writable to a root command.
     * Said only with `readonly /`, the policy that looks as if it closed
     * them: without it the whole host is writable anyway. */
    const struct stk_fs_entry *ro_root = NULL;
    bool own_dev = false;
    for (size_t i = 0; i < x->nfs; i++) {
        const struct stk_fs_entry *e = &x->fs_entries[i];
        if (e->kind == STK_FS_READONLY && strcmp(e->path, "/") == 0)
            ro_root = e;
        else if (e->kind != STK_FS_READONLY && strcmp(e->path, "/dev") == 0)
            own_dev = true;
    }
    if (x->fs && !x->root && ro_root && !own_dev)
        stk_diag(u->ds, STK_SEV_WARNING, "host-devices", ro_root->loc, "add 'dev minimal'",
                 "the host's device nodes stay reachable: 'readonly /' does not stop writes to a device");
    for (size_t i = 0; i < x->nfs; i++) {
        const struct stk_fs_entry *e = &x->fs_entries[i];
        if (e->kind == STK_FS_PROC && !(x->ns & STK_NS_BIT(STK_NS_PID)))
            stk_diag(u->ds, STK_SEV_WARNING, "proc-without-pid-namespace", e->loc,
                     "add 'pid' to the policy's namespaces",
                     "a fresh procfs at '%s' without a pid namespace shows every process of the host", e->path);
    }
}
