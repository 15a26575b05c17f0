/* run_cache.h — the start-up cache of `stockade run` (docs/performance.md,
 * "The run cache"): compiled bundles keyed by a SHA-256 of everything the
 * compilation depends on, so that a cached `run` costs what `stockade-exec`
 * of the bundle costs.
 *
 * The key: the main file's contents and path as given, --policy, the -I
 * directories, the compiler (its version, the bundle format, the machine's
 * architecture, and the identity of the stockade binary: device, inode, size
 * and modification time, so that a rebuild never uses bundles of another
 * build).  Each entry also lists every include the compilation resolved
 * (the including file, the name, the file found, its SHA-256): an entry is
 * used only if every include still resolves to the same file with the same
 * contents.  Then the bundle is read as any bundle (checksum and every
 * field checked).
 *
 * Where: $STOCKADE_CACHE_DIR/UID when the variable is set (tests), else
 * /var/cache/stockade for root and $XDG_CACHE_HOME/stockade (or
 * ~/.cache/stockade) for anyone else.
 * The directory must be the caller's, mode 0700, reached through
 * directories owned by root or the caller that no one else may write to
 * (unless sticky), without symbolic links; each entry a regular file of the
 * caller's, one link, no group or other permission bits.  Anything else: the
 * cache is not used (said once) and the policy is compiled as without it.
 * Entries are written to a temporary file and renamed into place. */
#ifndef STK_RUN_CACHE_H
#define STK_RUN_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "compile.h"
#include "sha256.h"
#include "util.h"

struct stk_run_cache_dep {
    char *from;    /* the including file as the compiler shows it (NULL: the main file) */
    char *name;    /* as written after `include` */
    char *path;    /* the file found, or the built-in library file's name */
    bool builtin;
    unsigned char hash[STK_SHA256_LEN]; /* of the contents (zero for built-ins: the binary's identity covers them) */
};

struct stk_run_cache {
    bool on;       /* a usable directory and a key */
    int dirfd;
    char *dir;
    unsigned char key[STK_SHA256_LEN];
    char name[2 * STK_SHA256_LEN + 1];
    const struct stk_compile_opts *opts;
    struct stk_run_cache_dep *deps; /* recorded while compiling (the on_source hook) */
    size_t ndeps, capdeps;
    bool no_store; /* the main file the compiler read is not the one the key was made from, or an include could not be fingerprinted */
    unsigned char main_hash[STK_SHA256_LEN];
};

/* Prepare the cache for compiling path with opts (whose on_source hook it
 * sets).  Off (nothing cached, nothing said) when disabled or for the
 * built-in default policy and standard input; off after saying why once on
 * stderr when the directory cannot be trusted. */
void stk_run_cache_begin(struct stk_run_cache *c, const char *path, struct stk_compile_opts *opts, bool disabled);
/* A verified entry's bundle bytes into *bundle (true), else false. */
bool stk_run_cache_get(struct stk_run_cache *c, struct stk_buf *bundle);
/* After a compilation without diagnostics: store its bundle (errors are
 * said once, never fatal). */
void stk_run_cache_put(struct stk_run_cache *c, const struct stk_buf *bundle);
void stk_run_cache_end(struct stk_run_cache *c);

/* ---- the directory and its files (run_cache_dir.c) ---------------------------- */
/* The cache directory, created if missing (0700), opened after the checks
 * above: its descriptor and *dir (malloc'd), or -1 with why (empty: no cache
 * configured, nothing to say). */
int stk_run_cache_open_dir(char **dir, char *why, size_t n);
/* An entry opened for reading: its descriptor; -1 when there is none; -2
 * when it is not to be trusted (why says so). */
int stk_run_cache_open_entry(int dirfd, const char *name, char *why, size_t n);
/* data[0..len) as entry name: a new file of the caller's (0600) renamed into
 * place.  0, or -1 with why. */
int stk_run_cache_write_entry(int dirfd, const char *name, const void *data, size_t len, char *why, size_t n);

#endif
