/* import_unit.h — a systemd unit file read into its assignments
 * (import_unit.c), for import_systemd.c and import_sdfilter.c. */
#ifndef STK_IMPORT_UNIT_H
#define STK_IMPORT_UNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "import/import.h"

struct unit_kv {
    char *section; /* "Service" */
    char *key;
    char *value;   /* continuation lines joined, surrounding blanks removed */
    unsigned line;
    bool used;     /* mapped (else listed as not mapped) */
};

struct unit {
    struct unit_kv *kv;
    size_t n;
};

/* false with err on a line that is not a section, an assignment, a comment
 * or blank (or on a NUL byte). */
bool stk_unit_parse(const char *text, size_t len, struct unit *u, char *err, size_t errlen);
void stk_unit_free_kv(struct unit *u);

/* systemd's word splitting: blanks separate, "..." and '...' quote, \ escapes.
 * false on an unterminated quote. */
bool stk_unit_words(const char *value, char ***words, size_t *n);
void stk_unit_words_free(char **words, size_t n);

/* yes/no/true/false/on/off/1/0: 1, 0, or -1 when it is none of them. */
int stk_unit_bool(const char *value);

/* The policy-language spelling of a word: as is when it is a plain name,
 * path or number, else a quoted string with \\ \" \n \t escapes. */
char *stk_unit_quote(const char *s);

/* systemd's resolved groups and a SystemCallFilter= (import_sdfilter.c). */
struct sd_filter {
    bool present, allow; /* allow list (else deny list) */
    /* per syscall (index in stk_syscall_table): listed, and a deny entry's errno (-1: the unit's action, -2: kill) */
    bool *listed;
    int *err;
    char **unknown; /* names neither systemd's groups nor stockade's table resolve */
    size_t nunknown;
};
/* Apply one SystemCallFilter= assignment; false with err (unknown @group, no groups). */
bool stk_sd_filter_add(struct sd_filter *f, const char *value, const struct stk_import_sdgroups *g, char *err,
                       size_t errlen);
void stk_sd_filter_free(struct sd_filter *f);

#endif
