/* unit.c — the compilation unit (struct stk_unit): reading policy sources
 * (the main file, its includes relative to the including file, then -I
 * directories, then the installed library directories, then the built-in
 * library) and the symbol tables of the groups and policies they define. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edit_distance.h"
#include "front/embedded.h"
#include "stk_paths.h"
#include "sema/sema.h"
#include "util.h"

/* Policies are small; anything larger is refused rather than slowly parsed. */
#define STK_MAX_POLICY_BYTES (16u << 20)

static bool load_source(struct stk_unit *u, uint32_t file);

static uint32_t register_text(struct stk_unit *u, const char *path, const char *real, const char *text,
                              size_t len)
{
    char *copy = stk_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    return stk_diags_add_source(u->ds, path, real, copy, len);
}

static int read_stdin(char **out, size_t *len)
{
    struct stk_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        if (b.len + n > STK_MAX_POLICY_BYTES) {
            stk_buf_free(&b);
            return EFBIG;
        }
        stk_buf_put(&b, chunk, n);
    }
    if (ferror(stdin)) {
        stk_buf_free(&b);
        return EIO;
    }
    if (!b.data)
        stk_buf_put(&b, "", 0);
    *out = b.data;
    *len = b.len;
    return 0;
}

static void io_error(struct stk_unit *u, struct stk_loc at, const char *path, int err)
{
    if (err == EFBIG)
        stk_error(u->ds, "io", at, "%s: file too large (limit %u MiB)", path, STK_MAX_POLICY_BYTES >> 20);
    else if (err == STK_ENOTREG)
        stk_diag(u->ds, STK_SEV_ERROR, "io", at,
                 "policies and includes are read from regular files only; '-' reads standard input",
                 "%s: not a regular file (a FIFO, socket or device is never opened for reading)", path);
    else
        stk_error(u->ds, "io", at, "%s: %s", path, strerror(err));
}

/* Returns the new source index, 0 on error (reported at `at`). */
static uint32_t read_source(struct stk_unit *u, const char *path, struct stk_loc at)
{
    char *text = NULL;
    size_t len = 0;
    int err;
    char *real = NULL;
    if (strcmp(path, "-") == 0) {
        err = read_stdin(&text, &len);
        path = "<stdin>";
    } else {
        err = stk_read_file(path, STK_MAX_POLICY_BYTES, &text, &len);
        if (!err)
            real = realpath(path, NULL);
    }
    if (err) {
        io_error(u, at, path, err);
        return 0;
    }
    uint32_t f = stk_diags_add_source(u->ds, path, real, text, len);
    free(real);
    return f;
}

static bool on_stack(struct stk_unit *u, const char *real)
{
    for (size_t i = 0; i < u->nstack; i++) {
        const struct stk_source *s = stk_diags_source(u->ds, u->stack[i]);
        if (s->realpath && strcmp(s->realpath, real) == 0)
            return true;
    }
    return false;
}

static bool already_loaded(struct stk_unit *u, const char *real)
{
    for (size_t i = 0; i < u->nfiles; i++) {
        const struct stk_source *s = stk_diags_source(u->ds, u->files[i]->file);
        if (s->realpath && strcmp(s->realpath, real) == 0)
            return true;
    }
    return false;
}

/* Find an include: returns a malloc'd path to read, or sets *builtin. */
static char *find_include(const struct stk_compile_opts *opts, const char *from, const char *name,
                          const struct stk_embedded_file **builtin)
{
    *builtin = NULL;
    if (name[0] == '/')
        return access(name, F_OK) == 0 ? stk_xstrdup(name) : NULL;
    if (from && strncmp(from, "builtin:", 8) != 0 && strcmp(from, "<stdin>") != 0) {
        char *tmp = stk_xstrdup(from);
        char *cand = stk_xasprintf("%s/%s", dirname(tmp), name);
        free(tmp);
        if (access(cand, F_OK) == 0)
            return cand;
        free(cand);
    }
    for (size_t i = 0; opts && i < opts->ninclude_dirs; i++) {
        char *cand = stk_xasprintf("%s/%s", opts->include_dirs[i], name);
        if (access(cand, F_OK) == 0)
            return cand;
        free(cand);
    }
    /* The library directories chosen at build time (make PREFIX=...,
     * generated into stk_paths.h): the site's, then the shipped one. */
    static const char *const libdirs[] = {STK_SITE_POLICY_DIR, STK_POLICY_DIR};
    for (size_t i = 0; i < sizeof libdirs / sizeof libdirs[0]; i++) {
        char *cand = stk_xasprintf("%s/%s", libdirs[i], name);
        if (access(cand, F_OK) == 0)
            return cand;
        free(cand);
    }
    *builtin = stk_embedded_find(name);
    return NULL;
}

char *stk_compile_find_include(const struct stk_compile_opts *opts, const char *from, const char *name,
                               const char **builtin)
{
    const struct stk_embedded_file *b;
    char *path = find_include(opts, from, name, &b);
    *builtin = b ? b->name : NULL;
    return path;
}

static void tell_source(struct stk_unit *u, const char *from, const char *name, const char *path, uint32_t f)
{
    if (!u->opts || !u->opts->on_source)
        return;
    const struct stk_source *s = f ? stk_diags_source(u->ds, f) : NULL;
    u->opts->on_source(u->opts->on_source_ctx, from, name, path, s ? s->text : NULL, s ? s->len : 0);
}

/* "did you mean": the closest name among the files in one search directory
 * (dir/prefix, prefix being the directory part of the name searched). */
struct near {
    struct stk_closest c;
    char *best; /* owned copy of c.best */
};

static void near_offer(struct near *n, const char *cand)
{
    const char *before = n->c.best;
    stk_closest_offer(&n->c, cand);
    if (n->c.best != before) {
        free(n->best);
        n->best = stk_xstrdup(cand);
        n->c.best = n->best;
    }
}

static void near_dir(struct near *n, const char *dir, const char *prefix)
{
    char *path = stk_xasprintf("%s/%s", dir, prefix);
    DIR *d = opendir(path);
    free(path);
    if (!d)
        return;
    size_t seen = 0;
    struct dirent *e;
    while ((e = readdir(d)) && seen++ < 4096) /* a huge directory: give up the hint, not the time */
        if (e->d_name[0] != '.')
            near_offer(n, e->d_name);
    closedir(d);
}

/* The file an include most likely meant, as it would be written, or NULL. */
static char *include_suggest(struct stk_unit *u, const char *from, const char *name)
{
    const char *slash = strrchr(name, '/');
    char *prefix = slash ? stk_xstrndup(name, (size_t)(slash - name)) : stk_xstrdup("");
    const char *base = slash ? slash + 1 : name;
    struct near n = {.best = NULL};
    stk_closest_init(&n.c, base);
    if (name[0] == '/') {
        near_dir(&n, "", prefix[0] ? prefix : "/");
    } else {
        if (from && strncmp(from, "builtin:", 8) != 0 && strcmp(from, "<stdin>") != 0) {
            char *tmp = stk_xstrdup(from);
            near_dir(&n, dirname(tmp), prefix);
            free(tmp);
        }
        for (size_t i = 0; u->opts && i < u->opts->ninclude_dirs; i++)
            near_dir(&n, u->opts->include_dirs[i], prefix);
        near_dir(&n, STK_SITE_POLICY_DIR, prefix);
        near_dir(&n, STK_POLICY_DIR, prefix);
        for (size_t i = 0; !slash && i < stk_embedded_count; i++)
            near_offer(&n, stk_embedded_files[i].name);
    }
    char *out = n.best ? stk_xasprintf("%s%s%s", prefix, slash ? "/" : "", n.best) : NULL;
    free(n.best);
    free(prefix);
    return out;
}

/* Includes nest at most this deep (each level is a recursion of load_source). */
#define STK_MAX_INCLUDE_DEPTH 32

static void do_include(struct stk_unit *u, const struct stk_source *from, const struct stk_item *it)
{
    const struct stk_embedded_file *builtin;
    if (it->name[0] == '\0') {
        stk_error(u->ds, "include-missing", it->name_loc, "empty include path");
        return;
    }
    if (u->nstack >= STK_MAX_INCLUDE_DEPTH) {
        stk_diag(u->ds, STK_SEV_ERROR, "too-complex", it->name_loc, "flatten the chain of includes",
                 "includes nest more than %d files deep", STK_MAX_INCLUDE_DEPTH);
        return;
    }
    char *path = find_include(u->opts, from->path, it->name, &builtin);
    char *real = NULL;
    if (path)
        real = realpath(path, NULL);
    else if (builtin)
        real = stk_xasprintf("builtin:%s", builtin->name);
    if (!real) {
        char *best = include_suggest(u, from->path, it->name);
        char *hint = best ? stk_xasprintf("did you mean '%s'?", best)
                          : stk_xstrdup("looked next to the including file, in -I directories, in "
                                        STK_SITE_POLICY_DIR ", in " STK_POLICY_DIR " and in the built-in library");
        stk_diag(u->ds, STK_SEV_ERROR, "include-missing", it->name_loc, hint, "cannot find included file '%s'",
                 it->name);
        free(hint);
        free(best);
        free(path);
        return;
    }
    if (on_stack(u, real)) {
        stk_error(u->ds, "include-cycle", it->name_loc, "include cycle: '%s' includes itself", it->name);
    } else if (already_loaded(u, real)) {
        tell_source(u, from->path, it->name, builtin ? NULL : path, 0); /* the same file again: no text */
    } else {
        uint32_t f;
        /* adding a source may move the sources (and *from) */
        char *from_path = stk_xstrdup(from->path);
        if (builtin)
            f = register_text(u, real, real, builtin->data, builtin->len);
        else
            f = read_source(u, path, it->name_loc);
        if (f)
            tell_source(u, from_path, it->name, builtin ? NULL : path, f);
        free(from_path);
        if (f) {
            /* read_source took realpath(path); make sure it is the one we checked */
            load_source(u, f);
        }
    }
    free(real);
    free(path);
}

/* ---- symbol index: constant-time lookups, so huge files stay linear ---- */

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

typedef const char *(*name_of_fn)(const struct stk_unit *u, uint32_t i);

static const char *group_name(const struct stk_unit *u, uint32_t i)
{
    return u->groups[i].item->name;
}

static const char *policy_name(const struct stk_unit *u, uint32_t i)
{
    return u->policies[i].item->name;
}

static int64_t index_find(const struct stk_unit *u, const struct stk_symindex *x, name_of_fn name_of,
                          const char *name)
{
    if (x->cap == 0)
        return -1;
    for (size_t h = name_hash(name) & (x->cap - 1);; h = (h + 1) & (x->cap - 1)) {
        if (x->slot[h] == 0)
            return -1;
        if (strcmp(name_of(u, x->slot[h] - 1), name) == 0)
            return x->slot[h] - 1;
    }
}

static void index_put(struct stk_symindex *x, const char *name, uint32_t pos)
{
    size_t h = name_hash(name) & (x->cap - 1);
    while (x->slot[h] != 0)
        h = (h + 1) & (x->cap - 1);
    x->slot[h] = pos + 1;
}

static void index_add(const struct stk_unit *u, struct stk_symindex *x, name_of_fn name_of, uint32_t pos)
{
    if ((x->n + 1) * 2 > x->cap) {
        size_t ncap = x->cap ? x->cap * 2 : 64;
        struct stk_symindex nx = {stk_xcalloc(ncap, sizeof *nx.slot), ncap, x->n};
        for (size_t i = 0; i < x->cap; i++)
            if (x->slot[i])
                index_put(&nx, name_of(u, x->slot[i] - 1), x->slot[i] - 1);
        free(x->slot);
        *x = nx;
    }
    index_put(x, name_of(u, pos), pos);
    x->n++;
}

static void define_symbols(struct stk_unit *u, struct stk_file_ast *ast, bool main_file)
{
    for (size_t i = 0; i < ast->nitems; i++) {
        const struct stk_item *it = ast->items[i];
        if (it->kind == STK_I_GROUP) {
            struct stk_group_sym *prev = stk_unit_group(u, it->name);
            if (prev) {
                stk_error(u->ds, "duplicate-group", it->name_loc, "group '@%s' is already defined", it->name);
                stk_diag(u->ds, STK_SEV_NOTE, "duplicate-group", prev->item->name_loc, NULL,
                         "previous definition of '@%s' is here", it->name);
                continue;
            }
            struct stk_group_sym g = {.item = it};
            STK_PUSH(u->groups, u->ngroups, u->capgroups, g);
            index_add(u, &u->group_index, group_name, (uint32_t)(u->ngroups - 1));
        } else if (it->kind == STK_I_POLICY) {
            struct stk_policy_sym *prev = stk_unit_policy(u, it->name);
            if (prev) {
                stk_error(u->ds, "duplicate-policy", it->name_loc, "policy '%s' is already defined", it->name);
                stk_diag(u->ds, STK_SEV_NOTE, "duplicate-policy", prev->item->name_loc, NULL,
                         "previous definition of '%s' is here", it->name);
                continue;
            }
            struct stk_policy_sym p = {.item = it, .in_main = main_file};
            STK_PUSH(u->policies, u->npolicies, u->cappolicies, p);
            index_add(u, &u->policy_index, policy_name, (uint32_t)(u->npolicies - 1));
        }
    }
}

static bool load_source(struct stk_unit *u, uint32_t file)
{
    struct stk_file_ast *ast = stk_parse(u->ds, file);
    bool main_file = u->nfiles == 0;
    STK_PUSH(u->files, u->nfiles, u->capfiles, ast);
    STK_PUSH(u->stack, u->nstack, u->capstack, file);
    /* Includes first, so the included definitions come before this file's.
     * (The source is looked up for each: an include adds sources, which may
     * move them.) */
    for (size_t i = 0; i < ast->nitems; i++)
        if (ast->items[i]->kind == STK_I_INCLUDE)
            do_include(u, stk_diags_source(u->ds, file), ast->items[i]);
    u->nstack--;
    define_symbols(u, ast, main_file);
    return true;
}

bool stk_unit_load_file(struct stk_unit *u, const char *path)
{
    struct stk_loc none = {0};
    uint32_t f = read_source(u, path, none);
    if (!f)
        return false;
    tell_source(u, NULL, path, path, f);
    return load_source(u, f);
}

bool stk_unit_load_text(struct stk_unit *u, const char *name, const char *text, size_t len)
{
    uint32_t f = register_text(u, name, NULL, text, len);
    return load_source(u, f);
}

void stk_unit_free(struct stk_unit *u)
{
    for (size_t i = 0; i < u->nfiles; i++)
        stk_file_ast_free(u->files[i]);
    free(u->files);
    free(u->stack);
    for (size_t i = 0; i < u->ngroups; i++)
        free(u->groups[i].members);
    free(u->groups);
    free(u->policies);
    free(u->group_index.slot);
    free(u->policy_index.slot);
    memset(u, 0, sizeof *u);
}

struct stk_group_sym *stk_unit_group(struct stk_unit *u, const char *name)
{
    int64_t i = index_find(u, &u->group_index, group_name, name);
    return i < 0 ? NULL : &u->groups[i];
}

struct stk_policy_sym *stk_unit_policy(struct stk_unit *u, const char *name)
{
    int64_t i = index_find(u, &u->policy_index, policy_name, name);
    return i < 0 ? NULL : &u->policies[i];
}
