/* cmd_fmt.c — `stockade fmt`: print, check or rewrite policy files in the
 * canonical layout (compiler/front/fmt.c).
 * Exit 0: done (with --check: every file is formatted); 1: --check found a
 * file that is not; 2: usage, I/O error or a file that does not parse. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "diag.h"
#include "fmt_diff.h"
#include "front/fmt.h"
#include "util.h"

#define MAX_POLICY_BYTES (16u << 20)

static const char fmt_usage[] =
    "usage: stockade fmt [--check | -w] FILE|DIR...\n"
    "\n"
    "Lay out policy files the canonical way: four spaces per block level, one\n"
    "statement a line, one space between tokens, long lists wrapped, at most\n"
    "one blank line; comments stay where they were.  Only blanks, line breaks\n"
    "and ';' change: the compiled policy is the same.  A directory stands for\n"
    "every *.stk file under it (recursively, hidden entries skipped); - reads\n"
    "standard input.  A file that does not parse is refused and left alone.\n"
    "\n"
    "options:\n"
    "  (none)       print the formatted text on standard output\n"
    "  --check      print a unified diff for each file that is not formatted\n"
    "               (for CI and pre-commit hooks); change nothing\n"
    "  -w, --write  rewrite files that are not formatted, in place (atomically,\n"
    "               keeping their mode and, where permitted, owner)\n"
    "  --color=auto|always|never  of the diagnostics\n"
    "  -h, --help   show this help\n"
    "\n"
    "exit status: 0 done (--check: all formatted), 1 --check found files that\n"
    "are not formatted, 2 usage or I/O error or a file that does not parse\n";

enum mode { PRINT, CHECK, WRITE };

struct run {
    enum mode mode;
    int color;
    int rc;
};

static void worse(struct run *r, int rc)
{
    if (rc > r->rc)
        r->rc = rc;
}

/* Give the new file the old one's owner where this user may (root; or the
 * group, for a group it belongs to).  Best effort: where it may not, the file
 * becomes this user's, as with any editor that rewrites by renaming. */
static void keep_owner(int fd, const struct stat *st)
{
    if (st->st_uid == geteuid() && st->st_gid == getegid())
        return;
    if (fchown(fd, st->st_uid, st->st_gid) == 0)
        return;
    if (fchown(fd, (uid_t)-1, st->st_gid) != 0)
        return;
}

/* Write text to a new file next to path, fsync it and rename it over path,
 * with path's mode (and owner when permitted).  path itself is never
 * truncated: on error it is intact. */
static int write_atomic(const char *path, const char *text, size_t len)
{
    char *real = realpath(path, NULL); /* rewrite a symlink's target, keep the link */
    if (!real)
        return errno;
    struct stat st;
    if (stat(real, &st) != 0) {
        int e = errno;
        free(real);
        return e;
    }
    char *dcopy = stk_xstrdup(real), *bcopy = stk_xstrdup(real);
    char *tmp = stk_xasprintf("%s/.%s.fmt-XXXXXX", dirname(dcopy), basename(bcopy));
    free(dcopy);
    free(bcopy);
    int err = 0;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        err = errno;
        goto out;
    }
    for (size_t off = 0; off < len && !err;) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno != EINTR)
            err = errno;
        else if (w > 0)
            off += (size_t)w;
    }
    if (!err)
        keep_owner(fd, &st);
    if (!err && fchmod(fd, st.st_mode & 07777) != 0)
        err = errno;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, real) != 0)
        err = errno;
    if (err)
        unlink(tmp);
out:
    free(tmp);
    free(real);
    return err;
}

static void fmt_one(struct run *r, const char *path)
{
    bool is_stdin = strcmp(path, "-") == 0;
    char *text = NULL;
    size_t len = 0;
    int err = 0;
    if (is_stdin) {
        struct stk_buf b = {0};
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0 && b.len <= MAX_POLICY_BYTES)
            stk_buf_put(&b, chunk, n);
        if (ferror(stdin))
            err = EIO;
        else if (b.len > MAX_POLICY_BYTES)
            err = EFBIG;
        stk_buf_put(&b, "", 1);
        text = b.data;
        len = b.len - 1;
    } else {
        err = stk_read_file(path, MAX_POLICY_BYTES, &text, &len);
    }
    if (err) {
        fprintf(stderr, "stockade fmt: %s: %s\n", path,
                err == STK_ENOTREG ? "not a regular file" : strerror(err));
        free(text);
        worse(r, 2);
        return;
    }
    struct stk_diags ds;
    stk_diags_init(&ds);
    const char *name = is_stdin ? "<stdin>" : path;
    uint32_t file = stk_diags_add_source(&ds, name, NULL, text, len);
    const struct stk_source *src = stk_diags_source(&ds, file);
    size_t flen = 0;
    char *out = stk_fmt(&ds, file, &flen);
    if (!out) {
        stk_diags_print(&ds, stderr, STK_DIAG_TEXT, r->color < 0 ? stk_cli_want_color(2) : r->color == 1);
        fprintf(stderr, "stockade fmt: %s: not formatted: it does not parse\n", name);
        worse(r, 2);
    } else if (r->mode == PRINT) {
        fwrite(out, 1, flen, stdout);
    } else if (r->mode == CHECK) {
        if (stk_fmt_diff(stdout, name, src->text, src->len, out, flen))
            worse(r, 1);
    } else if (flen != src->len || memcmp(out, src->text, flen) != 0) {
        int e = write_atomic(path, out, flen);
        if (e) {
            fprintf(stderr, "stockade fmt: cannot rewrite %s: %s (left as it was)\n", path, strerror(e));
            worse(r, 2);
        }
    }
    free(out);
    stk_diags_free(&ds);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.stk under dir, in name order. */
static void fmt_dir(struct run *r, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "stockade fmt: %s: %s\n", dir, strerror(errno));
        worse(r, 2);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            STK_PUSH(names, n, cap, stk_xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name));
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        size_t l = strlen(names[i]);
        if (lstat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (depth < 32)
                fmt_dir(r, names[i], depth + 1);
        } else if (l > 4 && strcmp(names[i] + l - 4, ".stk") == 0) {
            fmt_one(r, names[i]);
        }
        free(names[i]);
    }
    free(names);
}

int stk_cmd_fmt(int argc, char **argv)
{
    struct run r = {PRINT, -1, 0};
    static const struct option lopts[] = {
        {"check", no_argument, NULL, 'c'},       {"write", no_argument, NULL, 'w'},
        {"color", required_argument, NULL, 'C'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    bool check = false, write = false;
    optind = 1;
    while ((c = getopt_long(argc, argv, "wh", lopts, NULL)) != -1) {
        switch (c) {
        case 'c': check = true; break;
        case 'w': write = true; break;
        case 'C':
            r.color = stk_cli_color(optarg);
            if (r.color < -1) {
                fprintf(stderr, "stockade fmt: --color takes auto, always or never\n");
                return 2;
            }
            break;
        case 'h': fputs(fmt_usage, stdout); return 0;
        default: fputs(fmt_usage, stderr); return 2;
        }
    }
    if (check && write) {
        fprintf(stderr, "stockade fmt: --check and -w cannot be used together\n");
        return 2;
    }
    if (optind >= argc) {
        fputs(fmt_usage, stderr);
        return 2;
    }
    r.mode = check ? CHECK : write ? WRITE : PRINT;
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (strcmp(argv[i], "-") == 0) {
            if (r.mode == WRITE) {
                fprintf(stderr, "stockade fmt: -w cannot rewrite standard input\n");
                worse(&r, 2);
                continue;
            }
            fmt_one(&r, argv[i]);
        } else if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            fmt_dir(&r, argv[i], 0);
        } else {
            fmt_one(&r, argv[i]);
        }
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "stockade fmt: cannot write the output: %s\n", strerror(errno));
        worse(&r, 2);
    }
    return r.rc;
}
