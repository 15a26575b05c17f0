/* import_unit.c — reading a systemd unit file (or drop-in): sections,
 * assignments, continuation lines, comments; systemd's word splitting and
 * booleans; quoting words for the policy language. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_unit.h"

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

bool stk_unit_parse(const char *text, size_t len, struct unit *u, char *err, size_t errlen)
{
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "not a unit file: it holds a NUL byte");
        return false;
    }
    char *copy = stk_xstrndup(text, len), *section = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    bool ok = true;
    char *p = copy;
    struct stk_buf joined = {0};
    while (ok && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        char *line = trim(p);
        lineno++;
        unsigned start = lineno;
        p = nl ? nl + 1 : p + strlen(p);
        if (!*line || *line == '#' || *line == ';')
            continue;
        if (*line == '[') {
            char *end = strchr(line, ']');
            if (!end || end[1] != '\0' || end == line + 1) {
                snprintf(err, errlen, "line %u: a section header is [Name]", start);
                ok = false;
                break;
            }
            *end = '\0';
            free(section);
            section = stk_xstrdup(line + 1);
            continue;
        }
        /* continuation: a line ending in '\' goes on (comments between are skipped) */
        joined.len = 0;
        stk_buf_puts(&joined, line);
        while (joined.len && joined.data[joined.len - 1] == '\\' && *p) {
            joined.data[--joined.len] = ' ';
            joined.len++;
            nl = strchr(p, '\n');
            if (nl)
                *nl = '\0';
            char *next = trim(p);
            lineno++;
            p = nl ? nl + 1 : p + strlen(p);
            if (*next == '#' || *next == ';')
                continue;
            stk_buf_puts(&joined, next);
        }
        if (joined.len && joined.data[joined.len - 1] == '\\')
            joined.len--;
        stk_buf_put(&joined, "", 1);
        char *eq = strchr(joined.data, '=');
        if (!eq || eq == joined.data) {
            snprintf(err, errlen, "line %u: expected Key=Value, [Section] or a comment", start);
            ok = false;
            break;
        }
        if (!section) {
            snprintf(err, errlen, "line %u: an assignment before any [Section]", start);
            ok = false;
            break;
        }
        *eq = '\0';
        struct unit_kv kv = {stk_xstrdup(section), stk_xstrdup(trim(joined.data)), stk_xstrdup(trim(eq + 1)), start,
                             false};
        STK_PUSH(u->kv, u->n, cap, kv);
    }
    stk_buf_free(&joined);
    free(section);
    free(copy);
    return ok;
}

void stk_unit_free_kv(struct unit *u)
{
    for (size_t i = 0; i < u->n; i++) {
        free(u->kv[i].section);
        free(u->kv[i].key);
        free(u->kv[i].value);
    }
    free(u->kv);
    memset(u, 0, sizeof *u);
}

bool stk_unit_words(const char *value, char ***words, size_t *n)
{
    *words = NULL;
    *n = 0;
    size_t cap = 0;
    const char *s = value;
    struct stk_buf w = {0};
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        w.len = 0;
        char quote = 0;
        for (; *s; s++) {
            if (quote) {
                if (*s == quote) {
                    quote = 0;
                    continue;
                }
            } else if (*s == '"' || *s == '\'') {
                quote = *s;
                continue;
            } else if (*s == ' ' || *s == '\t') {
                break;
            }
            if (*s == '\\' && s[1]) {
                s++;
                char c = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
                stk_buf_put(&w, &c, 1);
                continue;
            }
            stk_buf_put(&w, s, 1);
        }
        if (quote) {
            stk_buf_free(&w);
            stk_unit_words_free(*words, *n);
            *words = NULL;
            *n = 0;
            return false;
        }
        stk_buf_put(&w, "", 1);
        STK_PUSH(*words, *n, cap, stk_xstrdup(w.data));
    }
    stk_buf_free(&w);
    return true;
}

void stk_unit_words_free(char **words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(words[i]);
    free(words);
}

int stk_unit_bool(const char *v)
{
    static const char *const yes[] = {"yes", "true", "on", "1", "y", "t"};
    static const char *const no[] = {"no", "false", "off", "0", "n", "f"};
    for (size_t i = 0; i < 6; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

char *stk_unit_quote(const char *s)
{
    bool plain = *s != '\0';
    for (const char *c = s; *c && plain; c++)
        plain = isalnum((unsigned char)*c) || strchr("_.:-/", *c);
    if (plain && (isalpha((unsigned char)*s) || *s == '_' || *s == '/' || isdigit((unsigned char)*s)))
        return stk_xstrdup(s);
    struct stk_buf b = {0};
    stk_buf_put(&b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '\\' || *c == '"')
            stk_buf_printf(&b, "\\%c", *c);
        else if (*c == '\n')
            stk_buf_puts(&b, "\\n");
        else if (*c == '\t')
            stk_buf_puts(&b, "\\t");
        else if (*c < 0x20 || *c == 0x7f)
            stk_buf_put(&b, "?", 1);
        else
            stk_buf_put(&b, (const char *)c, 1);
    }
    stk_buf_put(&b, "\"", 1);
    stk_buf_put(&b, "", 1);
    return b.data;
}
