/* diff_sarif.c — `stockade diff --format=sarif`: the changes of a diff as
 * the results of one SARIF 2.1.0 run, written by the same writer as the
 * diagnostics of check (compiler/diag_sarif.c) so that the rules come from
 * the one table (compiler/diag_codes.c: diff-loosened, diff-tightened,
 * diff-changed).  A loosening is a warning, a tightening or other change a
 * note.  Each result points into the NEW input: a seccomp change at the
 * first rule of the new policy naming its syscall (first match wins, so that
 * rule is where the decision of the syscall starts), every other change at
 * the policy's name; a bundle has no lines, its results name the file. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "diag_sarif.h"
#include "diff.h"
#include "ir/ir.h"
#include "syscalls.h"
#include "util.h"

static const char *const diff_codes[] = {
    [STK_DIFF_TIGHTENED] = "diff-tightened",
    [STK_DIFF_CHANGED] = "diff-changed",
    [STK_DIFF_LOOSENED] = "diff-loosened",
};

/* The syscall an item of section seccomp names: "x86_64 socket(domain=...)"
 * -> "socket" (NULL for the items about no one syscall). */
static char *item_syscall(const struct stk_diff_item *it)
{
    if (strcmp(it->section, "seccomp") != 0)
        return NULL;
    const char *sp = strchr(it->what, ' ');
    if (!sp)
        return NULL;
    size_t n = strcspn(sp + 1, "( ");
    if (n == 0 || sp[1 + n] == ' ')
        return NULL; /* "... syscall numbers without a name", "architectures ..." */
    char *name = stk_xcalloc(n + 1, 1);
    memcpy(name, sp + 1, n);
    return name;
}

/* Where a change is shown: the first rule for its syscall, else the policy. */
static struct stk_loc item_loc(const struct stk_diff_item *it, const struct stk_policy_ir *ir,
                               struct stk_loc fallback)
{
    if (!ir)
        return fallback;
    char *name = item_syscall(it);
    struct stk_loc at = ir->loc.file ? ir->loc : fallback;
    if (!name)
        return at;
    int id = stk_syscall_lookup(name);
    free(name);
    for (size_t i = 0; id >= 0 && i < ir->seccomp.nrules; i++) {
        const struct stk_rule *r = &ir->seccomp.rules[i];
        if (r->syscall == id && r->loc.file && r->loc.line)
            return r->loc;
    }
    return at;
}

int stk_diff_print_sarif(const struct stk_diff *d, const struct stk_diags *src, const struct stk_policy_ir *ir,
                         const char *new_path, const char *old_path, FILE *out, const struct stk_sarif_opts *o)
{
    /* a sink of our own with the new input's sources under the same indexes */
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_loc fallback = {0};
    if (src && ir) {
        for (uint32_t i = 1; i < src->nsrc; i++) {
            const struct stk_source *s = &src->src[i];
            char *text = stk_xcalloc(s->len + 1, 1);
            memcpy(text, s->text, s->len);
            stk_diags_add_source(&ds, s->path, s->realpath, text, s->len);
        }
    } else {
        /* a bundle: the file, without a region */
        fallback.file = stk_diags_add_source(&ds, new_path, NULL, stk_xstrdup(""), 0);
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct stk_diff_item *it = &d->v[i];
        enum stk_severity sev = it->dir == STK_DIFF_LOOSENED ? STK_SEV_WARNING : STK_SEV_NOTE;
        ds.last_primary = 0; /* a note of its own, not one of the finding before */
        stk_diag(&ds, sev, diff_codes[it->dir], item_loc(it, ir, fallback), NULL, "%s (%s): %s: %s -> %s (from %s)",
                 stk_diff_dir_name(it->dir), it->section, it->what, it->before, it->after, old_path);
    }
    int rc = stk_diags_print_sarif(&ds, out, o);
    stk_diags_free(&ds);
    return rc;
}
