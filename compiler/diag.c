/* diag.c — the one place diagnostics are stored and rendered. */
#include "diag.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag_sarif.h"
#include "util.h"

void stk_diags_init(struct stk_diags *ds)
{
    memset(ds, 0, sizeof *ds);
    /* index 0 is "no file" */
    stk_grow((void **)&ds->src, &ds->capsrc, 1, sizeof *ds->src);
    memset(&ds->src[0], 0, sizeof ds->src[0]);
    ds->nsrc = 1;
}

void stk_diags_free(struct stk_diags *ds)
{
    for (size_t i = 0; i < ds->nsrc; i++) {
        free(ds->src[i].path);
        free(ds->src[i].realpath);
        free(ds->src[i].text);
        free(ds->src[i].line_off);
    }
    free(ds->src);
    for (size_t i = 0; i < ds->nd; i++) {
        free(ds->d[i].message);
        free(ds->d[i].hint);
    }
    free(ds->d);
    free(ds->errors_in_file);
    for (size_t i = 0; i < ds->ndisabled; i++)
        free(ds->disabled[i]);
    free(ds->disabled);
    memset(ds, 0, sizeof *ds);
}

uint32_t stk_diags_add_source(struct stk_diags *ds, const char *path, const char *realpath, char *text,
                              size_t len)
{
    stk_grow((void **)&ds->src, &ds->capsrc, ds->nsrc + 1, sizeof *ds->src);
    struct stk_source *s = &ds->src[ds->nsrc];
    memset(s, 0, sizeof *s);
    s->path = stk_xstrdup(path);
    s->realpath = realpath ? stk_xstrdup(realpath) : NULL;
    s->text = text;
    s->len = len;
    size_t cap = 0;
    STK_PUSH(s->line_off, s->nlines, cap, 0);
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            STK_PUSH(s->line_off, s->nlines, cap, i + 1);
    ds->errors_in_file = stk_xreallocarray(ds->errors_in_file, ds->nsrc + 1, sizeof(size_t));
    ds->errors_in_file[ds->nsrc] = 0;
    return (uint32_t)ds->nsrc++;
}

const struct stk_source *stk_diags_source(const struct stk_diags *ds, uint32_t file)
{
    return file > 0 && file < ds->nsrc ? &ds->src[file] : NULL;
}

static bool disabled(const struct stk_diags *ds, const char *code)
{
    for (size_t i = 0; i < ds->ndisabled; i++)
        if (strcmp(ds->disabled[i], code) == 0)
            return true;
    return false;
}

bool stk_diags_file_full(const struct stk_diags *ds, struct stk_loc loc)
{
    return loc.file > 0 && loc.file < ds->nsrc && ds->errors_in_file[loc.file] >= STK_MAX_ERRORS_PER_FILE;
}

bool stk_diag(struct stk_diags *ds, enum stk_severity sev, const char *code, struct stk_loc loc,
              const char *hint, const char *fmt, ...)
{
    if (sev == STK_SEV_WARNING && disabled(ds, code)) {
        ds->last_primary = 0;
        return false;
    }
    if (sev == STK_SEV_WARNING && ds->werror)
        sev = STK_SEV_ERROR;
    if (sev == STK_SEV_ERROR && loc.file > 0 && loc.file < ds->nsrc) {
        size_t *n = &ds->errors_in_file[loc.file];
        if (*n >= STK_MAX_ERRORS_PER_FILE) {
            ds->last_primary = 0;
            return false;
        }
        if (++*n == STK_MAX_ERRORS_PER_FILE) {
            /* record this one and a note that we stop here */
            va_list ap;
            va_start(ap, fmt);
            char *msg = NULL;
            if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
            va_end(ap);
            stk_grow((void **)&ds->d, &ds->capd, ds->nd + 2, sizeof *ds->d);
            ds->d[ds->nd++] = (struct stk_diag){sev, code, loc, msg ? msg : stk_xstrdup(fmt),
                                                hint ? stk_xstrdup(hint) : NULL, 0};
            ds->last_primary = ds->nd;
            ds->d[ds->nd++] = (struct stk_diag){STK_SEV_NOTE, "too-many-errors", loc,
                                                stk_xasprintf("too many errors (%d), stopping here",
                                                              STK_MAX_ERRORS_PER_FILE),
                                                NULL, 0};
            ds->nerrors++;
            return false;
        }
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int r = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (r < 0) {
        fputs("stockade: out of memory\n", stderr);
        exit(2);
    }
    /* The same finding at the same place is reported once (a parent policy
     * is resolved again for each policy that extends it); a note once per
     * finding it belongs to. */
    size_t parent = sev == STK_SEV_NOTE ? ds->last_primary : 0;
    for (size_t i = ds->nd; i-- > 0;) {
        const struct stk_diag *o = &ds->d[i];
        if (o->loc.file == loc.file && o->loc.line == loc.line && o->loc.col == loc.col && o->sev == sev &&
            o->parent == parent && strcmp(o->message, msg) == 0) {
            free(msg);
            if (sev != STK_SEV_NOTE)
                ds->last_primary = i + 1;
            return true;
        }
    }
    stk_grow((void **)&ds->d, &ds->capd, ds->nd + 1, sizeof *ds->d);
    ds->d[ds->nd++] = (struct stk_diag){sev, code, loc, msg, hint ? stk_xstrdup(hint) : NULL, parent};
    if (sev != STK_SEV_NOTE)
        ds->last_primary = ds->nd;
    if (sev == STK_SEV_ERROR)
        ds->nerrors++;
    else if (sev == STK_SEV_WARNING)
        ds->nwarnings++;
    return true;
}

void stk_diags_truncate(struct stk_diags *ds, size_t n)
{
    while (ds->nd > n) {
        struct stk_diag *d = &ds->d[--ds->nd];
        if (d->sev == STK_SEV_ERROR) {
            ds->nerrors--;
            if (d->loc.file > 0 && d->loc.file < ds->nsrc && ds->errors_in_file[d->loc.file] > 0)
                ds->errors_in_file[d->loc.file]--;
        } else if (d->sev == STK_SEV_WARNING) {
            ds->nwarnings--;
        }
        free(d->message);
        free(d->hint);
    }
    if (ds->last_primary > n)
        ds->last_primary = 0;
}

static const char *sev_name(enum stk_severity s)
{
    return s == STK_SEV_ERROR ? "error" : s == STK_SEV_WARNING ? "warning" : "note";
}

/* A diagnostic in print order: a note follows the finding it belongs to
 * (its parent), whatever its own position; everything else is ordered by
 * file, line, column, then report order. */
struct diag_slot {
    const struct stk_diag *d;
    const struct stk_diag *key; /* the finding that places it: itself, or a note's parent */
};

static int cmp_slot(const void *pa, const void *pb)
{
    const struct diag_slot *sa = pa, *sb = pb;
    const struct stk_diag *a = sa->key, *b = sb->key;
    if (a != b) {
        if (a->loc.file != b->loc.file)
            return a->loc.file < b->loc.file ? -1 : 1;
        if (a->loc.line != b->loc.line)
            return a->loc.line < b->loc.line ? -1 : 1;
        if (a->loc.col != b->loc.col)
            return a->loc.col < b->loc.col ? -1 : 1;
        return a < b ? -1 : 1;
    }
    /* the finding itself, then its notes in report order */
    if ((sa->d == a) != (sb->d == b))
        return sa->d == a ? -1 : 1;
    return sa->d < sb->d ? -1 : sa->d > sb->d;
}

/* Was the note order[i] already shown (same place, same text)?  A note shared
 * by several findings (one earlier rule shadowing several later ones) follows
 * the first of them only. */
static bool note_shown(const struct diag_slot *order, size_t i)
{
    const struct stk_diag *b = order[i].d;
    for (size_t j = i; j-- > 0;) {
        const struct stk_diag *a = order[j].d;
        if (a->sev == STK_SEV_NOTE && a->loc.file == b->loc.file && a->loc.line == b->loc.line &&
            a->loc.col == b->loc.col && strcmp(a->message, b->message) == 0)
            return true;
    }
    return false;
}

static void print_source_line(FILE *out, const struct stk_source *s, struct stk_loc loc, bool color)
{
    if (!s || loc.line == 0 || loc.line > s->nlines)
        return;
    size_t start = s->line_off[loc.line - 1];
    size_t end = start;
    while (end < s->len && s->text[end] != '\n')
        end++;
    if (end > start && s->text[end - 1] == '\r')
        end--;
    /* Show the line with unprintable bytes as '?', tabs kept so the caret lines up. */
    fputs("    ", out);
    size_t shown = end - start > 400 ? 400 : end - start;
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s->text[start + i];
        fputc(c == '\t' || (c >= 0x20 && c < 0x7f) ? c : '?', out);
    }
    fputc('\n', out);
    fputs("    ", out);
    size_t col = loc.col ? loc.col - 1 : 0;
    for (size_t i = 0; i < col && i < shown; i++)
        fputc(s->text[start + i] == '\t' ? '\t' : ' ', out);
    if (color)
        fputs("\033[1;32m", out);
    fputc('^', out);
    for (uint32_t c = loc.col + 1; c <= loc.end_col && c - 1 < shown; c++)
        fputc('~', out);
    if (color)
        fputs("\033[0m", out);
    fputc('\n', out);
}

void stk_diags_print(const struct stk_diags *ds, FILE *out, enum stk_diag_format fmt, bool color)
{
    if (fmt == STK_DIAG_SARIF) {
        stk_diags_print_sarif(ds, out, NULL);
        return;
    }
    struct diag_slot *order = stk_xcalloc(ds->nd ? ds->nd : 1, sizeof *order);
    for (size_t i = 0; i < ds->nd; i++) {
        const struct stk_diag *d = &ds->d[i];
        bool linked = d->sev == STK_SEV_NOTE && d->parent > 0 && d->parent <= ds->nd &&
                      ds->d[d->parent - 1].sev != STK_SEV_NOTE;
        order[i] = (struct diag_slot){d, linked ? &ds->d[d->parent - 1] : d};
    }
    qsort(order, ds->nd, sizeof *order, cmp_slot);
    for (size_t i = 0; i < ds->nd; i++) {
        const struct stk_diag *d = order[i].d;
        if (d->sev == STK_SEV_NOTE && note_shown(order, i))
            continue;
        const struct stk_source *s = stk_diags_source(ds, d->loc.file);
        if (fmt == STK_DIAG_JSON) {
            json_object *o = json_object_new_object();
            if (!o) {
                fputs("stockade: out of memory\n", stderr);
                exit(2);
            }
            json_object_object_add(o, "file", s ? json_object_new_string(s->path) : NULL);
            json_object_object_add(o, "line", json_object_new_int64(d->loc.line));
            json_object_object_add(o, "column", json_object_new_int64(d->loc.col));
            json_object_object_add(o, "end_column", json_object_new_int64(d->loc.end_col));
            json_object_object_add(o, "severity", json_object_new_string(sev_name(d->sev)));
            json_object_object_add(o, "code", json_object_new_string(d->code));
            json_object_object_add(o, "message", json_object_new_string(d->message));
            if (d->hint)
                json_object_object_add(o, "hint", json_object_new_string(d->hint));
            fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
            json_object_put(o);
            continue;
        }
        const char *sc = d->sev == STK_SEV_ERROR ? "\033[1;31m" : d->sev == STK_SEV_WARNING ? "\033[1;35m"
                                                                                          : "\033[1;36m";
        if (color)
            fputs("\033[1m", out);
        if (s && d->loc.line)
            fprintf(out, "%s:%u:%u: ", s->path, d->loc.line, d->loc.col);
        else if (s)
            fprintf(out, "%s: ", s->path);
        else
            fputs("stockade: ", out);
        if (color)
            fprintf(out, "%s%s:\033[0m\033[1m %s\033[0m [%s]\n", sc, sev_name(d->sev), d->message, d->code);
        else
            fprintf(out, "%s: %s [%s]\n", sev_name(d->sev), d->message, d->code);
        print_source_line(out, s, d->loc, color);
        if (d->hint)
            fprintf(out, "    %shint:%s %s\n", color ? "\033[1;36m" : "", color ? "\033[0m" : "", d->hint);
    }
    free(order);
}
