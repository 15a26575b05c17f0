/* import_sdfilter.c — systemd's syscall groups (the output of
 * `systemd-analyze syscall-filter`, so the machine's own systemd version
 * defines them) and SystemCallFilter= resolved against them into names.
 *
 * SystemCallFilter= semantics (systemd.exec(5)): the first non-empty
 * assignment decides allow list or deny list (~); later assignments of the
 * same kind add, of the other kind remove; an empty one resets; a deny entry
 * may carry :ERRNO (or :kill); in an allow list @default is implied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consts.h"
#include "import/import_unit.h"

bool stk_import_sdgroups_parse(const char *text, struct stk_import_sdgroups *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0, mcap = 0;
    char *copy = stk_xstrdup(text), *save = NULL;
    struct stk_import_sdgroup *cur = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '@') {
            char *end = line + strcspn(line, " \t\r");
            *end = '\0';
            struct stk_import_sdgroup g = {stk_xstrdup(line), NULL, 0};
            STK_PUSH(out->g, out->n, cap, g);
            cur = &out->g[out->n - 1];
            mcap = 0;
            continue;
        }
        if (line[0] != ' ' && line[0] != '\t') {
            cur = NULL; /* "# Unlisted system calls ...": not a group */
            continue;
        }
        char *w = line + strspn(line, " \t");
        w[strcspn(w, " \t\r")] = '\0';
        if (!cur || !*w || *w == '#')
            continue;
        STK_PUSH(cur->members, cur->nmembers, mcap, stk_xstrdup(w));
    }
    free(copy);
    return out->n > 0;
}

void stk_import_sdgroups_free(struct stk_import_sdgroups *g)
{
    for (size_t i = 0; i < g->n; i++) {
        for (size_t k = 0; k < g->g[i].nmembers; k++)
            free(g->g[i].members[k]);
        free(g->g[i].members);
        free(g->g[i].name);
    }
    free(g->g);
    free(g->version);
    memset(g, 0, sizeof *g);
}

static void add_unknown(struct sd_filter *f, const char *name)
{
    for (size_t i = 0; i < f->nunknown; i++)
        if (strcmp(f->unknown[i], name) == 0)
            return;
    size_t cap = f->nunknown;
    STK_PUSH(f->unknown, f->nunknown, cap, stk_xstrdup(name));
}

/* Set (on) or clear every syscall name resolves to; depth bounds nesting. */
static bool apply(struct sd_filter *f, const char *name, bool on, int err_value, const struct stk_import_sdgroups *g,
                  unsigned depth, char *err, size_t errlen)
{
    if (name[0] != '@') {
        int sc = stk_syscall_lookup(name);
        if (sc < 0) {
            add_unknown(f, name);
            return true;
        }
        f->listed[sc] = on;
        f->err[sc] = on ? err_value : -1;
        return true;
    }
    if (!g) {
        snprintf(err, errlen,
                 "SystemCallFilter= names %.60s, and systemd's groups are unknown here (systemd-analyze did not "
                 "run): install systemd or pass --syscall-groups FILE",
                 name);
        return false;
    }
    if (depth > 16) {
        snprintf(err, errlen, "systemd's group %.60s nests too deep", name);
        return false;
    }
    for (size_t i = 0; i < g->n; i++) {
        if (strcmp(g->g[i].name, name) != 0)
            continue;
        for (size_t k = 0; k < g->g[i].nmembers; k++)
            if (!apply(f, g->g[i].members[k], on, err_value, g, depth + 1, err, errlen))
                return false;
        return true;
    }
    snprintf(err, errlen, "SystemCallFilter=: %.60s is not a group of this machine's systemd", name);
    return false;
}

bool stk_sd_filter_add(struct sd_filter *f, const char *value, const struct stk_import_sdgroups *g, char *err,
                       size_t errlen)
{
    if (!f->listed) {
        f->listed = stk_xcalloc(stk_syscall_count, sizeof *f->listed);
        f->err = stk_xcalloc(stk_syscall_count, sizeof *f->err);
    }
    const char *v = value;
    while (*v == ' ' || *v == '\t')
        v++;
    if (!*v) { /* reset */
        f->present = false;
        memset(f->listed, 0, stk_syscall_count * sizeof *f->listed);
        return true;
    }
    bool deny = *v == '~';
    if (deny)
        v++;
    if (!f->present) {
        f->present = true;
        f->allow = !deny;
        for (size_t i = 0; i < stk_syscall_count; i++)
            f->err[i] = -1;
        if (f->allow && !apply(f, "@default", true, -1, g, 0, err, errlen))
            return false;
    }
    bool on = deny != f->allow; /* same kind as the list: add; other kind: remove */
    char **words;
    size_t n;
    if (!stk_unit_words(v, &words, &n)) {
        snprintf(err, errlen, "SystemCallFilter=: unterminated quote");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        char *colon = strchr(words[i], ':');
        int e = -1;
        if (colon) {
            *colon = '\0';
            const char *ev = colon + 1;
            char *end;
            long num = strtol(ev, &end, 10);
            int named;
            if (strcmp(ev, "kill") == 0)
                e = -2;
            else if (*ev && !*end && num >= 0 && num <= 4095)
                e = (int)num;
            else if (stk_errno_lookup(ev, &named))
                e = named;
            else {
                snprintf(err, errlen, "SystemCallFilter=: '%.40s' is not an errno", ev);
                ok = false;
                break;
            }
            if (f->allow && on) {
                snprintf(err, errlen, "SystemCallFilter=: :%.40s is only for deny lists (~)", ev);
                ok = false;
                break;
            }
        }
        ok = apply(f, words[i], on, e, g, 0, err, errlen);
    }
    stk_unit_words_free(words, n);
    return ok;
}

void stk_sd_filter_free(struct sd_filter *f)
{
    free(f->listed);
    free(f->err);
    for (size_t i = 0; i < f->nunknown; i++)
        free(f->unknown[i]);
    free(f->unknown);
    memset(f, 0, sizeof *f);
}
