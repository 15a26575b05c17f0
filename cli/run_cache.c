/* run_cache.c — the run cache's key and entries (run_cache.h).
 *
 * An entry (this machine's byte order: the cache is never shared):
 *   "STKRUNC1", the key (32 bytes), u32 number of includes, each: u8 kind
 *   (1 file, 2 built-in), string from, string name, string path, 32-byte
 *   SHA-256 of the contents; u32 bundle length, the bundle; then the SHA-256
 *   of everything before it.  A string: u32 length, the bytes.
 * Read back only after its hash, its key and every include check out. */
#include "run_cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_format.h"
#include "syscalls.h"
#include "version.h"

#define MAGIC "STKRUNC1"
#define MAX_ENTRY (STK_BUNDLE_MAX_LEN + (4u << 20))
#define MAX_DEPS 4096u

static void say(const char *why)
{
    fprintf(stderr, "stockade: cache: %s; compiling without the cache\n", why);
}

static void hash_str(struct stk_sha256 *s, const char *str)
{
    uint32_t n = str ? (uint32_t)strlen(str) : 0xffffffffu;
    stk_sha256_update(s, &n, sizeof n);
    if (str)
        stk_sha256_update(s, str, n);
}

/* The key: the compiler, the options, the main file. */
static void make_key(struct stk_run_cache *c, const char *path, const unsigned char main_hash[STK_SHA256_LEN])
{
    struct stk_sha256 s;
    stk_sha256_init(&s);
    hash_str(&s, "stockade run cache 1");
    hash_str(&s, STK_VERSION);
    uint32_t fixed[2] = {STK_BUNDLE_VERSION, stk_abis[stk_native_abi()].audit_arch};
    stk_sha256_update(&s, fixed, sizeof fixed);
    struct stat st;
    uint64_t id[5] = {0};
    if (stat("/proc/self/exe", &st) == 0) {
        id[0] = (uint64_t)st.st_dev, id[1] = (uint64_t)st.st_ino, id[2] = (uint64_t)st.st_size;
        id[3] = (uint64_t)st.st_mtim.tv_sec, id[4] = (uint64_t)st.st_mtim.tv_nsec;
    }
    stk_sha256_update(&s, id, sizeof id);
    hash_str(&s, c->opts->policy_name);
    uint64_t ninc = c->opts->ninclude_dirs;
    stk_sha256_update(&s, &ninc, sizeof ninc);
    for (size_t i = 0; i < c->opts->ninclude_dirs; i++)
        hash_str(&s, c->opts->include_dirs[i]);
    hash_str(&s, path);
    stk_sha256_update(&s, main_hash, STK_SHA256_LEN);
    stk_sha256_final(&s, c->key);
    for (size_t i = 0; i < STK_SHA256_LEN; i++)
        snprintf(c->name + 2 * i, 3, "%02x", c->key[i]);
}

static bool hash_file(const char *path, unsigned char out[STK_SHA256_LEN])
{
    char *text = NULL;
    size_t len = 0;
    if (stk_read_file(path, 16u << 20, &text, &len) != 0)
        return false;
    stk_sha256(text, len, out);
    free(text);
    return true;
}

/* The compiler's on_source hook: every file it reads, as it reads it. */
static void on_source(void *ctx, const char *from, const char *name, const char *path, const char *text, size_t len)
{
    struct stk_run_cache *c = ctx;
    if (!from) { /* the main file: the one the key was made from? */
        unsigned char h[STK_SHA256_LEN];
        stk_sha256(text, len, h);
        c->no_store |= memcmp(h, c->main_hash, sizeof h) != 0;
        return;
    }
    struct stk_run_cache_dep d = {stk_xstrdup(from), stk_xstrdup(name), NULL, path == NULL, {0}};
    if (path) {
        d.path = stk_xstrdup(path);
        if (text)
            stk_sha256(text, len, d.hash);
        else if (!hash_file(path, d.hash))
            c->no_store = true; /* cannot fingerprint it: do not store */
    } else {
        const char *b = NULL;
        free(stk_compile_find_include(c->opts, from, name, &b));
        d.path = stk_xstrdup(b ? b : "");
    }
    STK_PUSH(c->deps, c->ndeps, c->capdeps, d);
}

void stk_run_cache_begin(struct stk_run_cache *c, const char *path, struct stk_compile_opts *opts, bool disabled)
{
    memset(c, 0, sizeof *c);
    c->dirfd = -1;
    c->opts = opts;
    if (disabled || !path || strcmp(path, "-") == 0)
        return;
    char why[768];
    c->dirfd = stk_run_cache_open_dir(&c->dir, why, sizeof why);
    if (c->dirfd < 0) {
        if (why[0])
            say(why);
        return;
    }
    char *text = NULL;
    size_t len = 0;
    if (stk_read_file(path, 16u << 20, &text, &len) != 0)
        return; /* the compiler says why */
    stk_sha256(text, len, c->main_hash);
    free(text);
    make_key(c, path, c->main_hash);
    opts->on_source = on_source;
    opts->on_source_ctx = c;
    c->on = true;
}

/* ---- reading an entry ------------------------------------------------------------ */

struct cur {
    const unsigned char *p, *end;
};

static bool take(struct cur *r, void *out, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return false;
    memcpy(out, r->p, n);
    r->p += n;
    return true;
}

static bool take_str(struct cur *r, char **out)
{
    uint32_t n;
    if (!take(r, &n, 4) || n > 65536 || (size_t)(r->end - r->p) < n)
        return false;
    *out = stk_xmalloc((size_t)n + 1);
    memcpy(*out, r->p, n);
    (*out)[n] = '\0';
    r->p += n;
    return memchr(*out, '\0', n) == NULL;
}

/* One include of the entry: does it still resolve to the same file, with the same contents? */
static bool dep_holds(struct stk_run_cache *c, uint8_t kind, const char *from, const char *name, const char *path,
                      const unsigned char hash[STK_SHA256_LEN])
{
    const char *b = NULL;
    char *now = stk_compile_find_include(c->opts, from, name, &b);
    bool ok;
    if (kind == 2) {
        ok = !now && b && strcmp(b, path) == 0;
    } else {
        unsigned char h[STK_SHA256_LEN];
        ok = now && strcmp(now, path) == 0 && hash_file(now, h) && memcmp(h, hash, sizeof h) == 0;
    }
    free(now);
    return ok;
}

static bool parse_entry(struct stk_run_cache *c, const unsigned char *d, size_t len, struct stk_buf *bundle)
{
    if (len < 8 + STK_SHA256_LEN * 2 + 8)
        return false;
    unsigned char h[STK_SHA256_LEN];
    stk_sha256(d, len - STK_SHA256_LEN, h);
    if (memcmp(h, d + len - STK_SHA256_LEN, sizeof h) != 0 || memcmp(d, MAGIC, 8) != 0 ||
        memcmp(d + 8, c->key, STK_SHA256_LEN) != 0)
        return false;
    struct cur r = {d + 8 + STK_SHA256_LEN, d + len - STK_SHA256_LEN};
    uint32_t n;
    if (!take(&r, &n, 4) || n > MAX_DEPS)
        return false;
    bool ok = true;
    for (uint32_t i = 0; ok && i < n; i++) {
        uint8_t kind;
        char *from = NULL, *name = NULL, *path = NULL;
        unsigned char fh[STK_SHA256_LEN];
        ok = take(&r, &kind, 1) && (kind == 1 || kind == 2) && take_str(&r, &from) && take_str(&r, &name) &&
             take_str(&r, &path) && take(&r, fh, sizeof fh) && dep_holds(c, kind, from, name, path, fh);
        free(from);
        free(name);
        free(path);
    }
    uint32_t blen;
    if (!ok || !take(&r, &blen, 4) || blen != (size_t)(r.end - r.p) || blen > STK_BUNDLE_MAX_LEN)
        return false;
    stk_buf_put(bundle, r.p, blen);
    return true;
}

bool stk_run_cache_get(struct stk_run_cache *c, struct stk_buf *bundle)
{
    if (!c->on)
        return false;
    char why[512];
    int fd = stk_run_cache_open_entry(c->dirfd, c->name, why, sizeof why);
    if (fd == -2) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s: %s", c->dir, why);
        say(msg);
    }
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = false;
    if (fstat(fd, &st) == 0 && (uint64_t)st.st_size <= MAX_ENTRY) {
        size_t len = (size_t)st.st_size, off = 0;
        unsigned char *d = stk_xmalloc(len ? len : 1);
        while (off < len) {
            ssize_t got = read(fd, d + off, len - off);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            off += (size_t)got;
        }
        ok = off == len && parse_entry(c, d, len, bundle);
        free(d);
    }
    close(fd);
    return ok;
}

/* ---- writing one ---------------------------------------------------------------------- */

static void put_str(struct stk_buf *b, const char *s)
{
    uint32_t n = (uint32_t)strlen(s);
    stk_buf_put(b, &n, 4);
    stk_buf_put(b, s, n);
}

void stk_run_cache_put(struct stk_run_cache *c, const struct stk_buf *bundle)
{
    if (!c->on || c->no_store || c->ndeps > MAX_DEPS)
        return;
    struct stk_buf e = {0};
    stk_buf_put(&e, MAGIC, 8);
    stk_buf_put(&e, c->key, STK_SHA256_LEN);
    uint32_t n = (uint32_t)c->ndeps;
    stk_buf_put(&e, &n, 4);
    for (size_t i = 0; i < c->ndeps; i++) {
        const struct stk_run_cache_dep *d = &c->deps[i];
        uint8_t kind = d->builtin ? 2 : 1;
        stk_buf_put(&e, &kind, 1);
        put_str(&e, d->from);
        put_str(&e, d->name);
        put_str(&e, d->path);
        stk_buf_put(&e, d->hash, STK_SHA256_LEN);
    }
    uint32_t blen = (uint32_t)bundle->len;
    stk_buf_put(&e, &blen, 4);
    stk_buf_put(&e, bundle->data, bundle->len);
    unsigned char h[STK_SHA256_LEN];
    stk_sha256(e.data, e.len, h);
    stk_buf_put(&e, h, sizeof h);
    char why[512];
    if (stk_run_cache_write_entry(c->dirfd, c->name, e.data, e.len, why, sizeof why) < 0)
        fprintf(stderr, "stockade: cache: %s: %s (the command runs all the same)\n", c->dir, why);
    stk_buf_free(&e);
}

void stk_run_cache_end(struct stk_run_cache *c)
{
    for (size_t i = 0; i < c->ndeps; i++) {
        free(c->deps[i].from);
        free(c->deps[i].name);
        free(c->deps[i].path);
    }
    free(c->deps);
    if (c->dirfd >= 0)
        close(c->dirfd);
    free(c->dir);
    memset(c, 0, sizeof *c);
    c->dirfd = -1;
}
