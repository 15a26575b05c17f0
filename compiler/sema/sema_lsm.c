/* sema_lsm.c — SELinux and AppArmor labels: directives into IR (ir_lsm.h).
 *
 *     selinux {
 *         type stockade_web_t          # required: the process domain
 *         level auto                   # default; or an explicit level: s0:c1,c2
 *         filetype stockade_web_file_t # default: the type with _t replaced by _file_t
 *         categories 1024              # auto levels pick from c0..c1023 (default)
 *         caller unconfined_t sysadm_t # domains that may start it (CIL module)
 *         entrypoint exec_type         # file types it may be executed from (CIL module)
 *         optional                     # degrade with a warning without SELinux
 *     }
 *     apparmor stockade-web [optional]
 *     apparmor use NAME [optional]
 *
 * A later block of the extends chain replaces the earlier one as a whole. */
#include <stdlib.h>
#include <string.h>

#include "lsm_level.h"
#include "sema/sema.h"
#include "util.h"

static const char *const default_callers[] = {"unconfined_t", "sysadm_t", "initrc_t"};
#define NDEFAULT_CALLERS (sizeof default_callers / sizeof default_callers[0])

static void selinux_clear(struct stk_selinux_ir *s)
{
    free(s->type);
    free(s->filetype);
    free(s->level);
    for (size_t i = 0; i < s->ncallers; i++)
        free(s->callers[i]);
    free(s->callers);
    for (size_t i = 0; i < s->nentrypoints; i++)
        free(s->entrypoints[i]);
    free(s->entrypoints);
    memset(s, 0, sizeof *s);
}

static bool label_word(struct stk_unit *u, const struct stk_word *w, const char *what)
{
    if ((w->kind == STK_W_NAME || w->kind == STK_W_STRING) && stk_selinux_name_ok(w->text))
        return true;
    stk_diag(u->ds, STK_SEV_ERROR, "bad-label", w->loc,
             "letters, digits and '_', starting with a letter, e.g. stockade_web_t",
             "'%s' is not a valid SELinux %s name", w->text, what);
    return false;
}

/* The location of byte `off` of a level written as words joined by ','. */
static struct stk_loc level_loc(const struct stk_stmt *k, const size_t *starts, size_t off)
{
    size_t i = 0;
    while (i + 1 < k->args.n && starts[i + 1] <= off)
        i++;
    const struct stk_word *w = &k->args.v[i];
    struct stk_loc l = w->loc;
    size_t rel = off - starts[i];
    size_t wl = strlen(w->text);
    if (rel > wl)
        rel = wl;
    l.col += (uint32_t)rel + (w->kind == STK_W_STRING ? 1u : 0u);
    if (l.end_col < l.col)
        l.end_col = l.col;
    return l;
}

/* level auto | level LEVEL (a level with commas arrives as several words). */
static void se_level(struct stk_unit *u, struct stk_selinux_ir *se, const struct stk_stmt *k)
{
    if (!stk_sema_want_args(u, k, 1, 64) || !stk_sema_no_block(u, k))
        return;
    if (k->args.n == 1 && strcmp(k->args.v[0].text, "auto") == 0) {
        se->level_auto = true;
        free(se->level);
        se->level = NULL;
        return;
    }
    size_t starts[64];
    struct stk_buf b = {0};
    for (size_t i = 0; i < k->args.n; i++) {
        const struct stk_word *w = &k->args.v[i];
        if (w->kind != STK_W_NAME && w->kind != STK_W_STRING) {
            stk_diag(u->ds, STK_SEV_ERROR, "bad-level", w->loc, "e.g. level auto, level s0:c1,c2",
                     "expected 'auto' or an SELinux level, found '%s'", w->text);
            stk_buf_free(&b);
            return;
        }
        if (i)
            stk_buf_put(&b, ",", 1);
        starts[i] = b.len;
        stk_buf_put(&b, w->text, strlen(w->text));
    }
    stk_buf_put(&b, "", 1);
    const char *text = (const char *)b.data;
    struct stk_level_err err;
    if (stk_level_check(text, se->categories, &err) < 0) {
        struct stk_loc l = level_loc(k, starts, err.off);
        if (err.len > 1)
            l.end_col = l.col + (uint32_t)err.len - 1;
        stk_diag(u->ds, STK_SEV_ERROR, "bad-level", l, "e.g. level auto, level s0:c1,c2, level s0-s0:c0.c1023",
                 "%s", err.msg);
        stk_buf_free(&b);
        return;
    }
    se->level_auto = false;
    free(se->level);
    se->level = stk_xstrdup(text);
    stk_buf_free(&b);
}

/* The settings of a selinux block, in the order they are resolved:
 * categories first (an explicit level is checked against it). */
enum se_key { SE_TYPE, SE_LEVEL, SE_FILETYPE, SE_CATEGORIES, SE_CALLER, SE_OPTIONAL, SE_ENTRYPOINT, SE_NKEYS };
static const char *const se_keys[SE_NKEYS] = {"type",   "level",    "filetype",  "categories",
                                              "caller", "optional", "entrypoint"};

/* seen[key] = the statement giving that setting; unknown and repeated ones are reported. */
static void se_collect(struct stk_unit *u, const struct stk_stmt *s, const struct stk_stmt *seen[SE_NKEYS])
{
    for (size_t i = 0; i < s->block.n; i++) {
        const struct stk_stmt *k = s->block.v[i];
        size_t key = SE_NKEYS;
        for (size_t j = 0; j < SE_NKEYS && k->kind == STK_S_DIRECTIVE; j++)
            if (strcmp(k->name, se_keys[j]) == 0)
                key = j;
        if (key == SE_NKEYS) {
            if (k->kind == STK_S_DIRECTIVE)
                stk_sema_suggest(u, "unknown-directive", k->loc, "selinux setting", k->name, se_keys, SE_NKEYS);
            else
                stk_error(u->ds, "unknown-directive", k->loc, "expected a selinux setting (%s, ...)", se_keys[0]);
            continue;
        }
        if (seen[key]) {
            stk_error(u->ds, "bad-arguments", k->loc, "'%s' is given twice in the selinux block", k->name);
            continue;
        }
        seen[key] = k;
    }
}

static bool se_args(struct stk_unit *u, const struct stk_stmt *k, size_t min, size_t max)
{
    return k && stk_sema_want_args(u, k, min, max) && stk_sema_no_block(u, k);
}

static void se_categories(struct stk_unit *u, struct stk_selinux_ir *se, const struct stk_stmt *k)
{
    if (!se_args(u, k, 1, 1))
        return;
    uint64_t v;
    const struct stk_word *w = &k->args.v[0];
    if (w->kind == STK_W_NUMBER && w->text[0] != '-' && stk_parse_int(w->text, &v) && v >= 2 &&
        v <= STK_MCS_MAX_CATEGORIES)
        se->categories = (uint32_t)v;
    else
        stk_error(u->ds, "bad-arguments", w->loc, "expected a category count from 2 to %u, found '%s'",
                  STK_MCS_MAX_CATEGORIES, w->text);
}

static void se_filetype(struct stk_unit *u, struct stk_selinux_ir *se, const struct stk_stmt *k)
{
    if (!se_args(u, k, 1, 1) || !label_word(u, &k->args.v[0], "file type"))
        return;
    se->filetype = stk_xstrdup(k->args.v[0].text);
    if (se->type && strcmp(se->type, se->filetype) == 0) {
        stk_error(u->ds, "bad-label", k->args.v[0].loc, "the file type must differ from the process type '%s'",
                  se->type);
        free(se->filetype);
        se->filetype = NULL;
    }
}

/* 'caller' and 'entrypoint': a list of up to 32 types. */
static void se_type_list(struct stk_unit *u, const struct stk_stmt *k, char ***v, size_t *n)
{
    size_t cap = 0;
    for (size_t j = 0; j < k->args.n; j++)
        if (label_word(u, &k->args.v[j], "type"))
            STK_PUSH(*v, *n, cap, stk_xstrdup(k->args.v[j].text));
}

/* The file type derived from the process type: foo_t -> foo_file_t. */
static void se_derive_filetype(struct stk_unit *u, struct stk_selinux_ir *se, const struct stk_stmt *type)
{
    size_t n = strlen(se->type);
    if (n > 2 && strcmp(se->type + n - 2, "_t") == 0)
        n -= 2;
    se->filetype = stk_xasprintf("%.*s_file_t", (int)n, se->type);
    if (!stk_selinux_name_ok(se->filetype))
        stk_error(u->ds, "bad-label", type->args.v[0].loc,
                  "the derived file type '%s' is too long; give 'filetype'", se->filetype);
}

void stk_d_selinux(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!s->has_block) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", s->loc, "selinux { type stockade_web_t; level auto }",
                 "'selinux' takes a block");
        return;
    }
    if (!stk_sema_want_args(u, s, 0, 0))
        return;
    struct stk_selinux_ir *se = &ir->lsm.selinux;
    selinux_clear(se);
    se->present = true;
    se->level_auto = true;
    se->categories = STK_MCS_MAX_CATEGORIES;
    se->loc = s->loc;
    ir->lsm.present = true;
    const struct stk_stmt *seen[SE_NKEYS] = {0};
    se_collect(u, s, seen);
    se_categories(u, se, seen[SE_CATEGORIES]);
    if (se_args(u, seen[SE_TYPE], 1, 1) && label_word(u, &seen[SE_TYPE]->args.v[0], "type"))
        se->type = stk_xstrdup(seen[SE_TYPE]->args.v[0].text);
    if (seen[SE_LEVEL])
        se_level(u, se, seen[SE_LEVEL]);
    se_filetype(u, se, seen[SE_FILETYPE]);
    if (se_args(u, seen[SE_CALLER], 1, 32))
        se_type_list(u, seen[SE_CALLER], &se->callers, &se->ncallers);
    if (se_args(u, seen[SE_ENTRYPOINT], 1, 32)) {
        se_type_list(u, seen[SE_ENTRYPOINT], &se->entrypoints, &se->nentrypoints);
    } else if (!seen[SE_ENTRYPOINT]) {
        size_t cap = 0;
        STK_PUSH(se->entrypoints, se->nentrypoints, cap, stk_xstrdup("exec_type"));
    }
    if (se_args(u, seen[SE_OPTIONAL], 0, 0))
        se->optional = true;
    if (!seen[SE_TYPE])
        stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", s->loc, "e.g. type stockade_web_t",
                 "the selinux block needs 'type' (the process domain)");
    if (se->type && !se->filetype && !seen[SE_FILETYPE])
        se_derive_filetype(u, se, seen[SE_TYPE]);
    if (!seen[SE_CALLER]) {
        size_t cap = 0;
        for (size_t j = 0; j < NDEFAULT_CALLERS; j++)
            STK_PUSH(se->callers, se->ncallers, cap, stk_xstrdup(default_callers[j]));
    }
}

void stk_d_apparmor(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 3) || !stk_sema_no_block(u, s))
        return;
    struct stk_apparmor_ir *aa = &ir->lsm.apparmor;
    free(aa->profile);
    memset(aa, 0, sizeof *aa);
    size_t i = 0;
    bool generate = true;
    if (strcmp(s->args.v[0].text, "use") == 0 && s->args.v[0].kind == STK_W_NAME) {
        if (s->args.n < 2 || strcmp(s->args.v[1].text, "optional") == 0) {
            stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", s->args.v[0].loc, "e.g. apparmor use docker-default",
                     "expected a profile name after 'use'");
            return;
        }
        generate = false;
        i = 1;
    }
    const struct stk_word *w = &s->args.v[i];
    if ((w->kind != STK_W_NAME && w->kind != STK_W_STRING && w->kind != STK_W_PATH) ||
        !stk_apparmor_name_ok(w->text)) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-label", w->loc,
                 "letters, digits and _ - . / + : @, not starting with '-', '.' or '/', e.g. stockade-web",
                 "'%s' is not a valid AppArmor profile name", w->text);
        return;
    }
    bool optional = false;
    for (size_t j = i + 1; j < s->args.n; j++) {
        const struct stk_word *o = &s->args.v[j];
        static const char *const opts[] = {"optional"};
        if (strcmp(o->text, "optional") == 0 && !optional)
            optional = true;
        else if (strcmp(o->text, "optional") == 0)
            stk_error(u->ds, "bad-arguments", o->loc, "'optional' is given twice");
        else
            stk_sema_suggest(u, "bad-arguments", o->loc, "apparmor option", o->text, opts, 1);
    }
    aa->present = true;
    aa->optional = optional;
    aa->generate = generate;
    aa->profile = stk_xstrdup(w->text);
    aa->loc = s->loc;
    ir->lsm.present = true;
}

void stk_lsm_finish(struct stk_unit *u, struct stk_policy_ir *ir)
{
    struct stk_lsm_ir *l = &ir->lsm;
    if (l->selinux.present && l->apparmor.present && !l->selinux.optional && !l->apparmor.optional)
        stk_diag(u->ds, STK_SEV_WARNING, "lsm-both", l->apparmor.loc,
                 "mark one of them optional: selinux { ... optional } or apparmor NAME optional",
                 "a kernel runs SELinux or AppArmor, not both: this policy would be refused everywhere");
}

void stk_lsm_ir_free(struct stk_lsm_ir *x)
{
    selinux_clear(&x->selinux);
    free(x->apparmor.profile);
    free(x->embed_cil);
    free(x->embed_aa);
    memset(x, 0, sizeof *x);
}
