/* sema_cgroup.c — the cgroup block into IR (ir_cgroup.h).
 *
 *   cgroup {
 *       memory.max 256M          # bytes (K, M, G, T: binary multiples) or max
 *       memory.swap.max 0
 *       pids.max 128             # or max
 *       cpu.max 50%              # or "50000 100000" / 50000 100000 (quota period, us), max
 *       cpu.weight 100           # 1 to 10000
 *       io.weight 100            # 1 to 10000
 *   }
 *
 * Names and meanings are cgroup v2's; the enforcer maps them to v1 files
 * where it has to (docs/language.md).  A later cgroup block in the extends
 * chain replaces the earlier one. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"
#include "util.h"

void stk_cgroup_ir_free(struct stk_cgroup_ir *x)
{
    memset(x, 0, sizeof *x);
}

static bool is_max(const struct stk_word *w)
{
    return w->kind == STK_W_NAME && strcmp(w->text, "max") == 0;
}

/* A plain decimal/hex integer word (no sign, no suffix). */
static bool word_uint(const struct stk_word *w, uint64_t *v)
{
    return w->kind == STK_W_NUMBER && w->text[0] != '-' && stk_parse_int(w->text, v);
}

static bool size_value(struct stk_unit *u, const struct stk_stmt *s, unsigned key, struct stk_cgroup_limit *out)
{
    const struct stk_word *w = &s->args.v[0];
    if (is_max(w)) {
        out->value = STK_CG_MAX;
        return true;
    }
    uint64_t v;
    if (w->kind != STK_W_NUMBER || w->text[0] == '-' || !stk_parse_size(w->text, &v)) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-size", w->loc, "e.g. 256M, 1G or max", "'%s' is not a size", w->text);
        return false;
    }
    if (v > STK_CG_MEM_LIMIT) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-size", w->loc, "write max for no limit", "'%s' is too large", w->text);
        return false;
    }
    if (v == 0 && key == STK_CG_MEMORY_MAX) {
        stk_error(u->ds, "bad-size", w->loc, "memory.max 0 leaves the command no memory at all");
        return false;
    }
    out->value = v;
    return true;
}

static bool ranged_value(struct stk_unit *u, const struct stk_stmt *s, uint64_t lo, uint64_t hi, bool max_ok,
                         struct stk_cgroup_limit *out)
{
    const struct stk_word *w = &s->args.v[0];
    if (max_ok && is_max(w)) {
        out->value = STK_CG_MAX;
        return true;
    }
    uint64_t v;
    if (!word_uint(w, &v) || v < lo || v > hi) {
        stk_error(u->ds, "bad-cgroup-value", w->loc, "%s must be %llu to %llu%s, found '%s'", s->name,
                  (unsigned long long)lo, (unsigned long long)hi, max_ok ? " or max" : "", w->text);
        return false;
    }
    out->value = v;
    return true;
}

/* ---- cpu.max ------------------------------------------------------------------ */

static struct stk_loc sub_loc(struct stk_loc at, size_t off, size_t len)
{
    at.col += (uint32_t)off;
    at.end_col = at.col + (uint32_t)(len ? len - 1 : 0);
    return at;
}

/* One part of cpu.max: the quota (a number or max) or the period. */
static bool cpu_part(struct stk_unit *u, const char *text, size_t len, struct stk_loc loc, bool quota, uint64_t *v)
{
    char *t = stk_xstrndup(text, len);
    bool ok = false;
    if (quota && strcmp(t, "max") == 0) {
        *v = STK_CG_MAX;
        ok = true;
    } else if (!isdigit((unsigned char)t[0]) || !stk_parse_int(t, v)) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-cpu-max", loc, "e.g. cpu.max 50%, cpu.max \"50000 100000\" or cpu.max max",
                 "'%s' is not a %s in microseconds", t, quota ? "quota" : "period");
    } else if (quota && (*v < STK_CG_QUOTA_MIN || *v > STK_CG_QUOTA_LIMIT)) {
        stk_error(u->ds, "bad-cpu-max", loc, "quota %s is out of range (%u to %u microseconds, or max)", t,
                  STK_CG_QUOTA_MIN, STK_CG_QUOTA_LIMIT);
    } else if (!quota && (*v < STK_CG_PERIOD_MIN || *v > STK_CG_PERIOD_MAX)) {
        stk_error(u->ds, "bad-cpu-max", loc, "period %s is out of range (%u to %u microseconds)", t,
                  STK_CG_PERIOD_MIN, STK_CG_PERIOD_MAX);
    } else {
        ok = true;
    }
    free(t);
    return ok;
}

static bool cpu_percent(struct stk_unit *u, const struct stk_word *w, struct stk_cgroup_limit *out)
{
    size_t len = strlen(w->text);
    uint64_t pct = 0;
    bool digits = len >= 2;
    for (size_t i = 0; i + 1 < len && digits; i++) {
        digits = isdigit((unsigned char)w->text[i]) != 0;
        if (digits && pct < 1000000)
            pct = pct * 10 + (uint64_t)(w->text[i] - '0');
    }
    if (!digits) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-percent", w->loc, "a whole number of percent of one CPU, e.g. 50% or 200%",
                 "'%s' is not a percentage", w->text);
        return false;
    }
    uint64_t max_pct = STK_CG_QUOTA_LIMIT / (STK_CG_PERIOD_DEFAULT / 100);
    if (pct < 1 || pct > max_pct) {
        stk_error(u->ds, "bad-percent", w->loc, "cpu.max %s is out of range (1%% to %llu%% of one CPU)", w->text,
                  (unsigned long long)max_pct);
        return false;
    }
    out->value = pct * (STK_CG_PERIOD_DEFAULT / 100);
    out->value2 = STK_CG_PERIOD_DEFAULT;
    return true;
}

static bool cpu_max(struct stk_unit *u, const struct stk_stmt *s, struct stk_cgroup_limit *out)
{
    const struct stk_word *w = &s->args.v[0];
    out->value2 = STK_CG_PERIOD_DEFAULT;
    if (s->args.n == 2) {
        const struct stk_word *p = &s->args.v[1];
        return cpu_part(u, w->text, strlen(w->text), w->loc, true, &out->value) &&
               cpu_part(u, p->text, strlen(p->text), p->loc, false, &out->value2);
    }
    if (w->kind == STK_W_NUMBER && w->text[strlen(w->text) - 1] == '%')
        return cpu_percent(u, w, out);
    if (w->kind != STK_W_STRING)
        return cpu_part(u, w->text, strlen(w->text), w->loc, true, &out->value);
    /* "QUOTA [PERIOD]": columns inside the string (one past the opening quote) */
    const char *t = w->text;
    size_t i = 0, start[3], len[3], n = 0;
    while (t[i] && n < 3) {
        while (t[i] == ' ' || t[i] == '\t')
            i++;
        if (!t[i])
            break;
        start[n] = i;
        while (t[i] && t[i] != ' ' && t[i] != '\t')
            i++;
        len[n] = i - start[n];
        n++;
    }
    if (n == 0 || n == 3) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-cpu-max", w->loc, "e.g. cpu.max \"50000 100000\"",
                 "expected \"QUOTA PERIOD\" in microseconds, found \"%s\"", t);
        return false;
    }
    if (!cpu_part(u, t + start[0], len[0], sub_loc(w->loc, 1 + start[0], len[0]), true, &out->value))
        return false;
    return n == 1 || cpu_part(u, t + start[1], len[1], sub_loc(w->loc, 1 + start[1], len[1]), false, &out->value2);
}

/* ---- the block ---------------------------------------------------------------- */

static const struct {
    const char *v1, *key;
} v1_names[] = {
    {"memory.limit_in_bytes", "memory.max"},     {"memory.memsw.limit_in_bytes", "memory.swap.max"},
    {"cpu.cfs_quota_us", "cpu.max"},             {"cpu.cfs_period_us", "cpu.max"},
    {"cpu.shares", "cpu.weight"},                {"blkio.weight", "io.weight"},
};

static void unknown_key(struct stk_unit *u, const struct stk_stmt *k)
{
    for (size_t i = 0; i < sizeof v1_names / sizeof v1_names[0]; i++) {
        if (strcmp(k->name, v1_names[i].v1) == 0) {
            char *hint = stk_xasprintf("write the cgroup v2 name %s; stockade maps it to cgroup v1 itself",
                                       v1_names[i].key);
            stk_diag(u->ds, STK_SEV_ERROR, "unknown-cgroup-key", k->loc, hint, "unknown cgroup key '%s'", k->name);
            free(hint);
            return;
        }
    }
    const char *known[STK_CG_NKEYS];
    for (unsigned i = 0; i < STK_CG_NKEYS; i++)
        known[i] = stk_cg_key_name(i);
    stk_sema_suggest(u, "unknown-cgroup-key", k->loc, "cgroup key", k->name, known, STK_CG_NKEYS);
}

static void limit(struct stk_unit *u, struct stk_cgroup_ir *g, const struct stk_stmt *k)
{
    int key = -1;
    for (unsigned i = 0; i < STK_CG_NKEYS; i++)
        if (strcmp(k->name, stk_cg_key_name(i)) == 0)
            key = (int)i;
    if (key < 0) {
        unknown_key(u, k);
        return;
    }
    if (!stk_sema_want_args(u, k, 1, key == STK_CG_CPU_MAX ? 2 : 1) || !stk_sema_no_block(u, k))
        return;
    if (g->lim[key].set) {
        char *hint = stk_xasprintf("it was first set at line %u; keep one", g->lim[key].loc.line);
        stk_diag(u->ds, STK_SEV_ERROR, "duplicate-key", k->loc, hint, "'%s' is set twice", k->name);
        free(hint);
        return;
    }
    struct stk_cgroup_limit l = {.set = true, .loc = k->loc};
    bool ok = false;
    switch ((enum stk_cg_key)key) {
    case STK_CG_MEMORY_MAX:
    case STK_CG_MEMORY_SWAP_MAX: ok = size_value(u, k, (unsigned)key, &l); break;
    case STK_CG_PIDS_MAX: ok = ranged_value(u, k, 1, STK_CG_PIDS_LIMIT, true, &l); break;
    case STK_CG_CPU_MAX: ok = cpu_max(u, k, &l); break;
    case STK_CG_CPU_WEIGHT:
    case STK_CG_IO_WEIGHT: ok = ranged_value(u, k, STK_CG_WEIGHT_MIN, STK_CG_WEIGHT_MAX, false, &l); break;
    case STK_CG_NKEYS: break;
    }
    if (ok)
        g->lim[key] = l;
}

void stk_d_cgroup(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s)
{
    struct stk_cgroup_ir *g = &ir->cgroup;
    if (!stk_sema_want_block(u, s, "e.g. cgroup { memory.max 256M; pids.max 128 }"))
        return;
    stk_cgroup_ir_free(g); /* a later block (the child's) replaces an earlier one */
    g->present = true;
    g->loc = s->loc;
    for (size_t i = 0; i < s->block.n; i++) {
        const struct stk_stmt *k = s->block.v[i];
        if (k->kind != STK_S_DIRECTIVE) {
            stk_error(u->ds, "unknown-cgroup-key", k->loc, "expected a cgroup limit (memory.max 256M, ...)");
            continue;
        }
        limit(u, g, k);
    }
}

void stk_cgroup_finish(struct stk_unit *u, struct stk_policy_ir *ir)
{
    const struct stk_cgroup_ir *g = &ir->cgroup;
    if (!g->present)
        return;
    const struct stk_cgroup_limit *swap = &g->lim[STK_CG_MEMORY_SWAP_MAX];
    const struct stk_cgroup_limit *mem = &g->lim[STK_CG_MEMORY_MAX];
    if (swap->set && swap->value != STK_CG_MAX && (!mem->set || mem->value == STK_CG_MAX))
        stk_diag(u->ds, STK_SEV_WARNING, "cgroup-v2-only", swap->loc,
                 "cgroup v1 limits memory and swap together (memory.memsw.limit_in_bytes): set memory.max too",
                 "memory.swap.max without memory.max can only be applied on cgroup v2");
}
