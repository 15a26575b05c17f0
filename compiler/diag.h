/* diag.h — source files and diagnostics.
 * Every message the compiler gives about a policy goes through here, carrying
 * a location; one place (diag.c) renders them as compiler-style text with the
 * source line and a caret, or as JSON lines for CI systems. */
#ifndef STK_DIAG_H
#define STK_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A position in a loaded source file.  file 0 means "no location". */
struct stk_loc {
    uint32_t file;      /* index into the source set, 1-based */
    uint32_t line, col; /* 1-based; col counts bytes */
    uint32_t end_col;   /* last column of the token on the same line (>= col) */
};

enum stk_severity { STK_SEV_NOTE, STK_SEV_WARNING, STK_SEV_ERROR };

struct stk_source {
    char *path;     /* as shown in messages */
    char *realpath; /* for include de-duplication and cycle detection; may be NULL (built-in) */
    char *text;     /* NUL-terminated copy of the contents (may contain NULs inside) */
    size_t len;
    size_t *line_off; /* byte offset of each line start */
    size_t nlines;
};

struct stk_diag {
    enum stk_severity sev;
    const char *code; /* stable identifier, e.g. "unknown-syscall" */
    struct stk_loc loc;
    char *message;
    char *hint; /* may be NULL */
    size_t parent; /* a note: 1 + index of the diagnostic it belongs to (0: none) */
};

#define STK_MAX_ERRORS_PER_FILE 50

struct stk_diags {
    struct stk_source *src; /* src[0] unused so that file index 0 means none */
    size_t nsrc, capsrc;
    struct stk_diag *d;
    size_t nd, capd;
    size_t nerrors, nwarnings;
    size_t *errors_in_file; /* per source, to cap runaway error cascades */
    char **disabled;        /* warning codes turned off with -Wno-CODE */
    size_t ndisabled;
    bool werror;
    size_t last_primary; /* 1 + index of the last error/warning reported (0: it was dropped) */
};

void stk_diags_init(struct stk_diags *ds);
void stk_diags_free(struct stk_diags *ds);

/* Register a source text; takes ownership of text. Returns its file index. */
uint32_t stk_diags_add_source(struct stk_diags *ds, const char *path, const char *realpath, char *text,
                              size_t len);
const struct stk_source *stk_diags_source(const struct stk_diags *ds, uint32_t file);

/* Report a diagnostic. hint may be NULL. Returns true if it was recorded
 * (false once a file has hit STK_MAX_ERRORS_PER_FILE errors, or the warning is disabled). */
bool stk_diag(struct stk_diags *ds, enum stk_severity sev, const char *code, struct stk_loc loc,
              const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* True when an error at loc would no longer be recorded (its file has hit
 * STK_MAX_ERRORS_PER_FILE): callers skip costly "did you mean" searches. */
bool stk_diags_file_full(const struct stk_diags *ds, struct stk_loc loc);

/* Forget the diagnostics reported since there were n (to report them again in
 * another form: one finding for a condition that misfits several calls). */
void stk_diags_truncate(struct stk_diags *ds, size_t n);

#define stk_error(ds, code, loc, ...) stk_diag((ds), STK_SEV_ERROR, (code), (loc), NULL, __VA_ARGS__)
#define stk_warning(ds, code, loc, ...) stk_diag((ds), STK_SEV_WARNING, (code), (loc), NULL, __VA_ARGS__)
/* A note of its own (a lint), attached to no finding. */
#define stk_lint_note(ds, code, loc, hint, ...)                                                                      \
    ((ds)->last_primary = 0, stk_diag((ds), STK_SEV_NOTE, (code), (loc), (hint), __VA_ARGS__))

enum stk_diag_format { STK_DIAG_TEXT, STK_DIAG_JSON, STK_DIAG_SARIF };

/* Render all diagnostics sorted by file then position (then report order), each note right after
 * the finding it belongs to (its parent); a note shared by several findings is shown once.
 * STK_DIAG_SARIF renders with the defaults of stk_diags_print_sarif (diag_sarif.h). */
void stk_diags_print(const struct stk_diags *ds, FILE *out, enum stk_diag_format fmt, bool color);

#endif
