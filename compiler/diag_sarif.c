/* diag_sarif.c — diagnostics as a SARIF 2.1.0 log: one run whose tool.driver
 * lists a rule for every code of the table (diag_codes.c), and one result per
 * error or warning (a note that belongs to one becomes a related location of
 * its result; a note on its own is a result of level "note").  Columns are
 * bytes, the same as unicode code points for the ASCII policy text; a region's
 * endColumn is exclusive.  Artifact URIs are relative to a root directory
 * (the working directory unless told), named SRCROOT in originalUriBaseIds.
 * A diagnostic about no file at all (a file named on the command line that
 * cannot be read, a broken build) is no result, which needs a location: it is
 * a tool execution notification of the run's invocation, and the invocation
 * did not succeed when one of them is an error. */
#include "diag_sarif.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "diag_codes.h"
#include "util.h"

#ifndef STK_INFORMATION_URI
#define STK_INFORMATION_URI "man:stockade(1)"
#endif

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

static json_object *jnew(json_object *o)
{
    if (!o) {
        fputs("stockade: out of memory\n", stderr);
        exit(2);
    }
    return o;
}

/* json-c copies bytes as they are: a message quoting a file name or policy
 * text that is not UTF-8 would make the log invalid JSON for its readers. */
static json_object *jstr(const char *s)
{
    char *clean = stk_utf8_clean(s);
    json_object *o = jnew(json_object_new_string(clean));
    free(clean);
    return o;
}

static json_object *jint(int64_t v)
{
    return jnew(json_object_new_int64(v));
}

static void put(json_object *o, const char *key, json_object *v)
{
    if (json_object_object_add(o, key, v) != 0) {
        fputs("stockade: out of memory\n", stderr);
        exit(2);
    }
}

static void push(json_object *a, json_object *v)
{
    if (json_object_array_add(a, v) != 0) {
        fputs("stockade: out of memory\n", stderr);
        exit(2);
    }
}

/* {"text": s} */
static json_object *text_obj(const char *s)
{
    json_object *o = jnew(json_object_new_object());
    put(o, "text", jstr(s));
    return o;
}

static const char *level_name(enum stk_severity s)
{
    return s == STK_SEV_ERROR ? "error" : s == STK_SEV_WARNING ? "warning" : "note";
}

/* Percent-encode a path for a URI reference: unreserved characters and '/'
 * stay as they are. */
static char *uri_encode(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = stk_xcalloc(n * 3 + 1, 1), *p = out;
    for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
        unsigned char c = *s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c)) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = 0;
    return out;
}

struct sarif {
    char root[PATH_MAX]; /* resolved, without a trailing '/' (except "/") */
    const struct stk_diags *ds;
};

/* The artifact location of a source: relative to the root (uriBaseId
 * SRCROOT) when the file is below it, else an absolute file: URI. */
static json_object *artifact_location(const struct sarif *sf, const struct stk_source *s)
{
    json_object *al = jnew(json_object_new_object());
    char buf[PATH_MAX];
    const char *abs = s->realpath;
    if (!abs && s->path[0] != '<')
        abs = realpath(s->path, buf);
    if (!abs) {
        /* a built-in source: its name, relative to nothing on disk */
        char *u = uri_encode(s->path[0] == '<' ? s->path + 1 : s->path);
        size_t l = strlen(u);
        if (l && u[l - 1] == '>')
            u[l - 1] = 0;
        put(al, "uri", jstr(u));
        free(u);
        return al;
    }
    size_t rl = strlen(sf->root);
    const char *rel = NULL;
    if (strcmp(sf->root, "/") == 0)
        rel = abs + 1;
    else if (strncmp(abs, sf->root, rl) == 0 && abs[rl] == '/')
        rel = abs + rl + 1;
    if (rel) {
        char *u = uri_encode(rel);
        put(al, "uri", jstr(u));
        put(al, "uriBaseId", jstr("SRCROOT"));
        free(u);
    } else {
        char *u = uri_encode(abs);
        char *full = stk_xasprintf("file://%s", u);
        put(al, "uri", jstr(full));
        free(full);
        free(u);
    }
    return al;
}

/* A location: file and, when known, the region (endColumn exclusive). */
static json_object *location(const struct sarif *sf, const struct stk_diag *d)
{
    json_object *loc = jnew(json_object_new_object());
    const struct stk_source *s = stk_diags_source(sf->ds, d->loc.file);
    if (!s)
        return loc;
    json_object *phys = jnew(json_object_new_object());
    put(phys, "artifactLocation", artifact_location(sf, s));
    if (d->loc.line > 0) {
        json_object *region = jnew(json_object_new_object());
        uint32_t col = d->loc.col ? d->loc.col : 1;
        uint32_t end = d->loc.end_col >= col ? d->loc.end_col : col;
        put(region, "startLine", jint(d->loc.line));
        put(region, "startColumn", jint(col));
        put(region, "endLine", jint(d->loc.line));
        put(region, "endColumn", jint((int64_t)end + 1));
        put(phys, "region", region);
    }
    put(loc, "physicalLocation", phys);
    return loc;
}

static json_object *rules_array(void)
{
    json_object *rules = jnew(json_object_new_array());
    for (size_t i = 0; i < stk_diag_ncodes; i++) {
        const struct stk_diag_code *c = &stk_diag_codes[i];
        json_object *r = jnew(json_object_new_object());
        put(r, "id", jstr(c->code));
        put(r, "name", jstr(c->name));
        put(r, "shortDescription", text_obj(c->summary));
        put(r, "fullDescription", text_obj(c->description));
        put(r, "help", text_obj(c->help));
        json_object *cfg = jnew(json_object_new_object());
        put(cfg, "level", jstr(level_name(c->level)));
        put(r, "defaultConfiguration", cfg);
        push(rules, r);
    }
    return rules;
}

static json_object *result(const struct sarif *sf, size_t idx)
{
    const struct stk_diags *ds = sf->ds;
    const struct stk_diag *d = &ds->d[idx];
    json_object *res = jnew(json_object_new_object());
    put(res, "ruleId", jstr(d->code));
    long ri = stk_diag_code_index(d->code);
    if (ri >= 0)
        put(res, "ruleIndex", jint(ri));
    put(res, "level", jstr(level_name(d->sev)));
    char *msg = d->hint ? stk_xasprintf("%s\nhint: %s", d->message, d->hint) : stk_xstrdup(d->message);
    put(res, "message", text_obj(msg));
    free(msg);
    json_object *locs = jnew(json_object_new_array());
    push(locs, location(sf, d));
    put(res, "locations", locs);
    json_object *related = NULL;
    int id = 0;
    for (size_t j = idx + 1; j < ds->nd; j++) {
        const struct stk_diag *n = &ds->d[j];
        if (n->sev != STK_SEV_NOTE || n->parent != idx + 1 || !stk_diags_source(ds, n->loc.file))
            continue;
        if (!related)
            related = jnew(json_object_new_array());
        json_object *rl = location(sf, n);
        put(rl, "id", jint(id++));
        put(rl, "message", text_obj(n->message));
        push(related, rl);
    }
    if (related)
        put(res, "relatedLocations", related);
    return res;
}

/* Results in the order of the text output: file, line, column, report order. */
static int cmp_idx(const void *pa, const void *pb, void *arg)
{
    const struct stk_diags *ds = arg;
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    const struct stk_loc *a = &ds->d[ia].loc, *b = &ds->d[ib].loc;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return ia < ib ? -1 : ia > ib;
}

static bool attached(const struct stk_diags *ds, size_t i)
{
    const struct stk_diag *d = &ds->d[i];
    return d->sev == STK_SEV_NOTE && d->parent > 0 && d->parent <= ds->nd;
}

static bool located(const struct stk_diags *ds, size_t i)
{
    return stk_diags_source(ds, ds->d[i].loc.file) != NULL;
}

/* invocations: one, with the notifications about no file */
static json_object *invocations(const struct stk_diags *ds)
{
    json_object *inv = jnew(json_object_new_object());
    json_object *notes = jnew(json_object_new_array());
    bool ok = true;
    for (size_t i = 0; i < ds->nd; i++) {
        const struct stk_diag *d = &ds->d[i];
        if (located(ds, i) || attached(ds, i))
            continue;
        json_object *n = jnew(json_object_new_object());
        put(n, "level", jstr(level_name(d->sev)));
        put(n, "message", text_obj(d->message));
        json_object *desc = jnew(json_object_new_object());
        put(desc, "id", jstr(d->code));
        put(n, "descriptor", desc);
        push(notes, n);
        ok &= d->sev != STK_SEV_ERROR;
    }
    put(inv, "executionSuccessful", jnew(json_object_new_boolean(ok)));
    if (json_object_array_length(notes) > 0)
        put(inv, "toolExecutionNotifications", notes);
    else
        json_object_put(notes);
    json_object *a = jnew(json_object_new_array());
    push(a, inv);
    return a;
}

int stk_diags_print_sarif(const struct stk_diags *ds, FILE *out, const struct stk_sarif_opts *o)
{
    struct sarif sf = {.ds = ds};
    const char *root = o && o->root ? o->root : ".";
    if (!realpath(root, sf.root)) {
        fprintf(stderr, "stockade: SARIF root %s: %s\n", root, strerror(errno));
        return -1;
    }
    json_object *log = jnew(json_object_new_object());
    put(log, "$schema", jstr(SARIF_SCHEMA));
    put(log, "version", jstr("2.1.0"));
    json_object *run = jnew(json_object_new_object());
    json_object *driver = jnew(json_object_new_object());
    put(driver, "name", jstr("stockade"));
    if (o && o->tool_version)
        put(driver, "version", jstr(o->tool_version));
    put(driver, "informationUri", jstr(STK_INFORMATION_URI));
    put(driver, "rules", rules_array());
    json_object *tool = jnew(json_object_new_object());
    put(tool, "driver", driver);
    put(run, "tool", tool);

    json_object *bases = jnew(json_object_new_object());
    json_object *srcroot = jnew(json_object_new_object());
    char *enc = uri_encode(sf.root);
    char *rooturi = stk_xasprintf("file://%s%s", enc, strcmp(sf.root, "/") == 0 ? "" : "/");
    put(srcroot, "uri", jstr(rooturi));
    free(rooturi);
    free(enc);
    put(bases, "SRCROOT", srcroot);
    put(run, "originalUriBaseIds", bases);
    put(run, "columnKind", jstr("unicodeCodePoints"));

    size_t *order = stk_xcalloc(ds->nd ? ds->nd : 1, sizeof *order);
    size_t n = 0;
    for (size_t i = 0; i < ds->nd; i++)
        if (!attached(ds, i) && located(ds, i))
            order[n++] = i;
    qsort_r(order, n, sizeof *order, cmp_idx, (void *)ds);
    json_object *results = jnew(json_object_new_array());
    for (size_t i = 0; i < n; i++)
        push(results, result(&sf, order[i]));
    free(order);
    put(run, "results", results);
    put(run, "invocations", invocations(ds));

    json_object *runs = jnew(json_object_new_array());
    push(runs, run);
    put(log, "runs", runs);
    fprintf(out, "%s\n", json_object_to_json_string_ext(log, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                                 JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(log);
    return 0;
}
