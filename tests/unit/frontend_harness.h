/* frontend_harness.h — shared harness of the front-end tests (issue 2):
 * test_diagnostics.c, test_lexer_parser.c, test_resolve_ir.c.  Everything goes
 * through the public entry points (pipeline.h) and the diagnostics store
 * (diag.h), as `stockade check` uses them.  Include once per test program. */
#ifndef STK_FRONTEND_HARNESS_H
#define STK_FRONTEND_HARNESS_H
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/ast.h"
#include "consts.h"
#include "diag.h"
#include "ir/ir.h"
#include "pipeline.h"
#include "syscalls.h"

#include "testlib.h"

/* ---- harness ------------------------------------------------------------- */

/* One compilation at a time; the previous one is freed when the next starts
 * (and at exit), so a failed CHECK that longjmps out of a test leaks nothing. */
static struct stk_diags ds;
static bool ds_live;
static struct stk_policy_ir *ir;
static char tmpdir[64];

static inline void reset(void)
{
    stk_policy_ir_free(ir);
    ir = NULL;
    if (ds_live)
        stk_diags_free(&ds);
    stk_diags_init(&ds);
    ds_live = true;
}

static inline struct stk_policy_ir *compile_len(const char *text, size_t len, const struct stk_compile_opts *o)
{
    reset();
    ir = stk_compile_text("t.stk", text, len, o, &ds);
    return ir;
}

static inline struct stk_policy_ir *compile(const char *text)
{
    return compile_len(text, strlen(text), NULL);
}

static inline const char *sev_str(enum stk_severity s)
{
    return s == STK_SEV_ERROR ? "error" : s == STK_SEV_WARNING ? "warning" : "note";
}

/* All diagnostics, for failure messages. */
static inline const char *dump(void)
{
    static char buf[1400];
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < ds.nd && n + 1 < sizeof buf; i++) {
        const struct stk_diag *d = &ds.d[i];
        int r = snprintf(buf + n, sizeof buf - n, "\n    [%s %s %u:%u:%u '%s' hint='%s']", sev_str(d->sev),
                         d->code, d->loc.file, d->loc.line, d->loc.col, d->message, d->hint ? d->hint : "");
        if (r < 0)
            break;
        n += (size_t)r;
    }
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    if (ds.nd == 0)
        snprintf(buf, sizeof buf, " (no diagnostics)");
    return buf;
}

/* The nth (0-based) diagnostic with this code and severity, or NULL. */
static inline const struct stk_diag *find_nth(enum stk_severity sev, const char *code, size_t nth)
{
    for (size_t i = 0; i < ds.nd; i++)
        if (ds.d[i].sev == sev && strcmp(ds.d[i].code, code) == 0 && nth-- == 0)
            return &ds.d[i];
    return NULL;
}

static inline size_t count_code(const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < ds.nd; i++)
        if (strcmp(ds.d[i].code, code) == 0)
            n++;
    return n;
}

/* Path of the source a diagnostic points into ("" for none). */
static inline const char *diag_path(const struct stk_diag *d)
{
    const struct stk_source *s = stk_diags_source(&ds, d->loc.file);
    return s ? s->path : "";
}

/* Assert the nth diagnostic with (sev, code): its line, column, exact message and
 * exact hint (NULL = must have none).  Returns it for further checks. */
static inline const struct stk_diag *expect_nth(int at, size_t nth, enum stk_severity sev, const char *code,
                                         unsigned line, unsigned col, const char *msg, const char *hint)
{
    const struct stk_diag *d = find_nth(sev, code, nth);
    if (!d)
        T_FAILF("(test line %d) no %s #%zu with code %s; got:%s", at, sev_str(sev), nth, code, dump());
    if (d->loc.line != line || d->loc.col != col)
        T_FAILF("(test line %d) %s at %u:%u, expected %u:%u; got:%s", at, code, d->loc.line, d->loc.col,
                line, col, dump());
    if (strcmp(d->message, msg) != 0)
        T_FAILF("(test line %d) %s message \"%s\", expected \"%s\"", at, code, d->message, msg);
    if ((hint == NULL) != (d->hint == NULL) || (hint && strcmp(hint, d->hint) != 0))
        T_FAILF("(test line %d) %s hint \"%s\", expected \"%s\"", at, code, d->hint ? d->hint : "(none)",
                hint ? hint : "(none)");
    return d;
}

/* The syntax error hint for a statement cut short by the end of its line. */
#define CONT_HINT "to continue on the next line, end the line with ',' (a list) or an operator such as '||'"

/* The diagnostic with (sev, code) at line:col, whatever its rank. */
static inline const struct stk_diag *expect_at(int at, enum stk_severity sev, const char *code, unsigned line, unsigned col,
                                        const char *msg, const char *hint)
{
    for (size_t i = 0, nth = 0; i < ds.nd; i++) {
        const struct stk_diag *d = &ds.d[i];
        if (d->sev != sev || strcmp(d->code, code) != 0)
            continue;
        if (d->loc.line == line && d->loc.col == col)
            return expect_nth(at, nth, sev, code, line, col, msg, hint);
        nth++;
    }
    T_FAILF("(test line %d) no %s %s at %u:%u; got:%s", at, sev_str(sev), code, line, col, dump());
}

#define EXPECT_AT(sev, code, line, col, msg, hint) expect_at(__LINE__, (sev), (code), (line), (col), (msg), (hint))
#define EXPECT(sev, code, line, col, msg, hint) expect_nth(__LINE__, 0, (sev), (code), (line), (col), (msg), (hint))
#define EXPECT_NTH(nth, sev, code, line, col, msg, hint)                                           \
    expect_nth(__LINE__, (nth), (sev), (code), (line), (col), (msg), (hint))
#define EXPECT_ERR(code, line, col, msg, hint) EXPECT(STK_SEV_ERROR, code, line, col, msg, hint)
#define EXPECT_WARN(code, line, col, msg, hint) EXPECT(STK_SEV_WARNING, code, line, col, msg, hint)

/* Exactly this many errors and warnings (no cascades, nothing missed). */
#define EXPECT_COUNTS(nerr, nwarn)                                                                 \
    do {                                                                                           \
        if (ds.nerrors != (size_t)(nerr) || ds.nwarnings != (size_t)(nwarn))                       \
            T_FAILF("%zu errors, %zu warnings; expected %d, %d; got:%s", ds.nerrors, ds.nwarnings,  \
                    (int)(nerr), (int)(nwarn), dump());                                            \
    } while (0)

#define EXPECT_CLEAN()                                                                             \
    do {                                                                                           \
        if (ds.nd != 0 || !ir)                                                                     \
            T_FAILF("expected a clean compile; ir=%p, got:%s", (void *)ir, dump());                \
    } while (0)

/* A policy whose seccomp block holds `rules` (after a default). */
static inline struct stk_policy_ir *compile_rules(const char *rules)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "policy p {\n    seccomp {\n        default errno EPERM\n%s    }\n}\n", rules);
    return compile(buf);
}

/* The rules the policy wrote (the built-in ones carry no location). */
static inline size_t user_rules(const struct stk_rule **out, size_t max)
{
    size_t n = 0;
    if (!ir)
        return 0;
    for (size_t i = 0; i < ir->seccomp.nrules; i++)
        if (ir->seccomp.rules[i].loc.line != 0 && n < max)
            out[n++] = &ir->seccomp.rules[i];
    return n;
}

static inline int sc(const char *name)
{
    int id = stk_syscall_lookup(name);
    CHECK_MSG(id >= 0, "syscall %s unknown to the table", name);
    return id;
}

/* Files for include tests, in a fresh directory per process. */
static inline const char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static inline const char *write_file(const char *name, const char *text)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "w");
    CHECK_MSG(f != NULL, "cannot create %s: %s", p, strerror(errno));
    fputs(text, f);
    CHECK(fclose(f) == 0);
    return p;
}

static inline bool check_path(const char *path, const struct stk_compile_opts *o)
{
    reset();
    return stk_pipeline_check_file(path, o, &ds);
}

static inline bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}


/* Per-program setup and teardown (temporary directory, the diagnostics store). */
static inline int harness_setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/stk-frontend-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("FAIL setup: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    stk_diags_init(&ds);
    ds_live = true;
    return 0;
}

static inline int harness_finish(void)
{
    stk_policy_ir_free(ir);
    stk_diags_free(&ds);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", tmpdir);
    return test_summary();
}

#endif
