/* sema_isolation.c — namespaces, hostname, uidmap and gidmap: directives into
 * IR (ir_isolation.h); the filesystem block is in sema_filesystem.c.
 *
 * Along an extends chain (ancestors first): `namespaces` adds to what the
 * parents asked for (a child cannot drop a parent's namespace) and an
 * explicit `init` replaces the parent's; `hostname`, `uidmap` and `gidmap`
 * replace the parent's (a map is replaced as a whole). */
#include <stdlib.h>
#include <string.h>

#include "edit_distance.h"
#include "bundle_isolation.h"
#include "sema/sema.h"
#include "sema/sema_isolation.h"
#include "util.h"

static const char *const ns_names[STK_NS_COUNT] = {"pid", "mount", "ipc", "uts", "net", "user", "cgroup"};

static const char *ns_name(enum stk_ns_kind k)
{
    return (unsigned)k < STK_NS_COUNT ? ns_names[k] : "?";
}

static int ns_lookup(const char *name)
{
    for (int k = 0; k < STK_NS_COUNT; k++)
        if (strcmp(ns_names[k], name) == 0)
            return k;
    return -1;
}

/* namespaces NAME[, NAME...], where pid may be followed by `init none|minimal` */
void stk_d_namespaces(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_no_block(u, s) || !stk_sema_want_args(u, s, 1, 64))
        return;
    struct stk_isolation_ir *x = &ir->iso;
    x->present = true;
    uint32_t seen = 0;
    for (size_t i = 0; i < s->args.n; i++) {
        const struct stk_word *w = &s->args.v[i];
        if (strcmp(w->text, "init") == 0 && w->kind == STK_W_NAME) {
            bool after_pid = i > 0 && strcmp(s->args.v[i - 1].text, "pid") == 0;
            if (!after_pid) {
                stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", w->loc, "write: namespaces pid init none",
                         "'init' belongs right after 'pid'");
                if (i + 1 < s->args.n && ns_lookup(s->args.v[i + 1].text) < 0)
                    i++; /* its mode */
                continue;
            }
            if (i + 1 == s->args.n) {
                stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", w->loc,
                         "'init none': the command is pid 1; 'init minimal' (the default): stockade is pid 1 "
                         "and the command pid 2",
                         "'init' needs a mode");
                continue;
            }
            const struct stk_word *m = &s->args.v[++i];
            if (strcmp(m->text, "none") == 0) {
                x->pid_init_none = true;
            } else if (strcmp(m->text, "minimal") == 0) {
                x->pid_init_none = false;
            } else {
                static const char *const modes[] = {"none", "minimal"};
                stk_sema_suggest(u, "bad-arguments", m->loc, "init mode", m->text, modes, 2);
            }
            continue;
        }
        int k = w->kind == STK_W_NAME ? ns_lookup(w->text) : -1;
        if (k < 0) {
            stk_sema_suggest(u, "unknown-namespace", w->loc, "namespace", w->text, ns_names, STK_NS_COUNT);
            continue;
        }
        if (seen & STK_NS_BIT(k)) {
            stk_error(u->ds, "duplicate-entry", w->loc, "namespace '%s' is listed twice", w->text);
            continue;
        }
        seen |= STK_NS_BIT(k);
        x->ns |= STK_NS_BIT(k);
        x->ns_loc[k] = w->loc;
    }
}

void stk_d_hostname(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    if (!stk_sema_want_args(u, s, 1, 1) || !stk_sema_no_block(u, s))
        return;
    const struct stk_word *w = &s->args.v[0];
    ir->iso.present = true;
    if (w->kind == STK_W_ASSIGN || w->kind == STK_W_GROUP || !stk_hostname_ok(w->text)) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", w->loc,
                 "letters, digits and '-' in dot-separated labels; at most 64 characters",
                 "'%s' is not a valid host name", w->text);
        return;
    }
    free(ir->iso.hostname);
    ir->iso.hostname = stk_xstrdup(w->text);
    ir->iso.hostname_loc = s->loc;
}

static bool id_value(struct stk_unit *u, const struct stk_word *w, const char *what, uint64_t min, uint64_t max,
                     uint32_t *out)
{
    uint64_t v;
    if (w->kind != STK_W_NUMBER || w->text[0] == '-' || !stk_parse_int(w->text, &v) || v < min || v > max) {
        stk_error(u->ds, "bad-arguments", w->loc, "expected %s (%llu to %llu), found '%s'", what,
                  (unsigned long long)min, (unsigned long long)max, w->text);
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool ranges_overlap(uint32_t a, uint32_t na, uint32_t b, uint32_t nb)
{
    return (uint64_t)a < (uint64_t)b + nb && (uint64_t)b < (uint64_t)a + na;
}

/* uidmap|gidmap INSIDE OUTSIDE COUNT [INSIDE OUTSIDE COUNT...] — OUTSIDE may be `caller` */
static void d_idmap(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s, bool gid)
{
    if (!stk_sema_no_block(u, s))
        return;
    const char *id = gid ? "gid" : "uid";
    size_t n = s->args.n;
    ir->iso.present = true;
    if (n == 0 || n % 3) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", n ? s->args.v[n - n % 3].loc : s->loc,
                 gid ? "e.g. gidmap 0 caller 1" : "e.g. uidmap 0 caller 1",
                 "'%s' takes INSIDE OUTSIDE COUNT, one or more times", s->name);
        return;
    }
    if (n / 3 > STK_IDMAP_MAX) {
        stk_error(u->ds, "too-many", s->args.v[STK_IDMAP_MAX * 3].loc,
                  "a %s map has at most %d lines", id, STK_IDMAP_MAX);
        return;
    }
    struct stk_idmap_ir *m = stk_xcalloc(n / 3, sizeof *m);
    bool ok = true;
    for (size_t t = 0; t < n / 3; t++) {
        const struct stk_word *wi = &s->args.v[3 * t], *wo = wi + 1, *wc = wi + 2;
        struct stk_idmap_ir *e = &m[t];
        if (!id_value(u, wi, id, 0, 0xfffffffe, &e->inside))
            ok = false;
        if (wo->kind == STK_W_NAME && strcmp(wo->text, "caller") == 0)
            e->outside_caller = true;
        else if (wo->kind == STK_W_NAME) {
            stk_diag(u->ds, STK_SEV_ERROR, "bad-arguments", wo->loc,
                     stk_closest_name(wo->text, (const char *const[]){"caller"}, 1) ? "did you mean 'caller'?" : NULL,
                     "expected a %s or 'caller', found '%s'", id, wo->text);
            ok = false;
        } else if (!id_value(u, wo, id, 0, 0xfffffffe, &e->outside))
            ok = false;
        if (!id_value(u, wc, "a count", 1, 0xffffffff, &e->count)) {
            ok = false;
            continue;
        }
        if (!ok)
            continue;
        if ((uint64_t)e->inside + e->count > 0xffffffffu || (!e->outside_caller &&
                                                             (uint64_t)e->outside + e->count > 0xffffffffu)) {
            stk_error(u->ds, "bad-arguments", wc->loc, "the range goes past %s 4294967294", id);
            ok = false;
            continue;
        }
        for (size_t p = 0; p < t; p++) {
            if (ranges_overlap(m[p].inside, m[p].count, e->inside, e->count)) {
                stk_error(u->ds, "bad-arguments", wi->loc, "%ss %u to %u inside the namespace are already mapped",
                          id, e->inside, (unsigned)((uint64_t)e->inside + e->count - 1));
                ok = false;
                break;
            }
            bool outside_clash = m[p].outside_caller && e->outside_caller
                                     ? true
                                     : !m[p].outside_caller && !e->outside_caller &&
                                           ranges_overlap(m[p].outside, m[p].count, e->outside, e->count);
            if (outside_clash) {
                stk_error(u->ds, "bad-arguments", wo->loc, "%s %s is already mapped by an earlier line", id,
                          e->outside_caller ? "caller" : wo->text);
                ok = false;
                break;
            }
        }
    }
    if (!ok) {
        free(m);
        return;
    }
    struct stk_idmap_ir **dst = gid ? &ir->iso.gidmap : &ir->iso.uidmap;
    free(*dst);
    *dst = m;
    *(gid ? &ir->iso.ngidmap : &ir->iso.nuidmap) = n / 3;
    *(gid ? &ir->iso.gidmap_loc : &ir->iso.uidmap_loc) = s->loc;
}

void stk_d_uidmap(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    d_idmap(u, ir, s, false);
}

void stk_d_gidmap(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    d_idmap(u, ir, s, true);
}

static void needs_ns(struct stk_unit *u, struct stk_loc at, const char *what, enum stk_ns_kind k)
{
    char hint[96];
    snprintf(hint, sizeof hint, "add '%s' to the policy's namespaces", ns_name(k));
    stk_diag(u->ds, STK_SEV_ERROR, "needs-namespace", at, hint, "'%s' needs the %s namespace", what,
             ns_name(k));
}

void stk_isolation_finish(struct stk_unit *u, struct stk_policy_ir *ir)
{
    struct stk_isolation_ir *x = &ir->iso;
    if (!x->present)
        return;
    if (x->fs)
        x->ns |= STK_NS_BIT(STK_NS_MOUNT); /* a filesystem view lives in a mount namespace */
    if (x->hostname && !(x->ns & STK_NS_BIT(STK_NS_UTS)))
        needs_ns(u, x->hostname_loc, "hostname", STK_NS_UTS);
    if (x->uidmap && !(x->ns & STK_NS_BIT(STK_NS_USER)))
        needs_ns(u, x->uidmap_loc, "uidmap", STK_NS_USER);
    if (x->gidmap && !(x->ns & STK_NS_BIT(STK_NS_USER)))
        needs_ns(u, x->gidmap_loc, "gidmap", STK_NS_USER);
    stk_fs_finish(u, ir);
}

void stk_isolation_ir_free(struct stk_isolation_ir *x)
{
    free(x->hostname);
    free(x->uidmap);
    free(x->gidmap);
    free(x->root);
    for (size_t i = 0; i < x->nfs; i++)
        stk_fs_entry_free(&x->fs_entries[i]);
    free(x->fs_entries);
    memset(x, 0, sizeof *x);
}
