/* import_write.c — the resolved profile (import_rules.c) as policy text: one
 * block per profile rule, in the profile's order, each with a comment naming
 * the rule and why it applies; inside a block the built-in groups
 * (groups.stk) that the rule covers completely, then the remaining names;
 * conditional rules as `if` conditions that compare what libseccomp compares.
 *
 * Every syscall is decided by exactly one statement, so the order of the
 * statements does not matter and first-match means what libseccomp means. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "import/import_int.h"
#include "sema/sema.h"
#include "sigs.h"

#define WRAP 96

/* ---- the built-in groups ------------------------------------------------------ */
struct grp {
    const char *name;
    int *members; /* syscalls that exist on the profile's ABIs */
    size_t n;
};

static size_t load_groups(const struct imp_profile *p, struct grp **out, struct stk_unit *u)
{
    static const char text[] = "include \"groups.stk\"\n";
    stk_unit_load_text(u, "builtin:import.stk", text, sizeof text - 1);
    struct grp *g = stk_xcalloc(u->ngroups ? u->ngroups : 1, sizeof *g);
    size_t n = 0;
    for (size_t i = 0; i < u->ngroups; i++) {
        struct stk_group_sym *s = &u->groups[i];
        if (!stk_group_expand(u, s))
            continue;
        struct grp x = {s->item->name, stk_xcalloc(s->nmembers ? s->nmembers : 1, sizeof(int)), 0};
        for (size_t k = 0; k < s->nmembers; k++) {
            int sc = s->members[k].syscall;
            for (int a = 0; a < STK_ABI_COUNT; a++) {
                if (p->abis[a] && stk_syscall_table[sc].nr[a] != STK_NR_NONE) {
                    x.members[x.n++] = sc;
                    break;
                }
            }
        }
        g[n++] = x;
    }
    *out = g;
    return n;
}

/* ---- text helpers ---------------------------------------------------------------- */
struct line {
    struct stk_buf *out;
    size_t col;
    bool first;
};

static void list_start(struct line *l, const char *head)
{
    stk_buf_printf(l->out, "        %s ", head);
    l->col = 9 + strlen(head);
    l->first = true;
}

static void list_item(struct line *l, const char *item)
{
    size_t w = strlen(item);
    if (!l->first) {
        if (l->col + 2 + w > WRAP) {
            stk_buf_puts(l->out, ",\n            ");
            l->col = 12;
        } else {
            stk_buf_puts(l->out, ", ");
            l->col += 2;
        }
    }
    stk_buf_puts(l->out, item);
    l->col += w;
    l->first = false;
}

static void comment_text(struct stk_buf *out, const char *indent, const char *s)
{
    /* one comment line per line of s, control bytes and non-ASCII replaced */
    stk_buf_printf(out, "%s# ", indent);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '\n')
            stk_buf_printf(out, "\n%s# ", indent);
        else
            stk_buf_put(out, (*c >= 0x20 && *c < 0x7f) ? (const char *)c : "?", 1);
    }
    stk_buf_puts(out, "\n");
}

static void num(struct stk_buf *b, uint64_t v)
{
    if (v < 4096)
        stk_buf_printf(b, "%llu", (unsigned long long)v);
    else
        stk_buf_printf(b, "0x%llx", (unsigned long long)v);
}

/* The operand for argument index of syscall sc: its name where that means
 * exactly what libseccomp compares, else regN (the whole register). */
static void operand(struct stk_buf *b, const struct imp_profile *p, int sc, const struct imp_cmp *c)
{
    const char *scname = stk_syscall_table[sc].name;
    const struct stk_sig *sig = stk_sig_lookup(scname);
    bool masked32 = c->op == IMP_MASKED_EQ && c->value <= 0xffffffffull && c->value2 <= 0xffffffffull;
    if (sig && c->index < sig->nargs && sig->args[c->index].name[0]) {
        const char *an = sig->args[c->index].name;
        bool ok = true;
        for (int a = 0; a < STK_ABI_COUNT && ok; a++) {
            if (!p->abis[a] || stk_syscall_table[sc].nr[a] == STK_NR_NONE)
                continue;
            enum stk_arg_type t;
            if (stk_sig_arg(scname, (enum stk_abi)a, an, &t) != (int)c->index)
                ok = false;
            else if (!masked32 && (t != STK_ARG_ULONG || a == STK_ABI_X32))
                ok = false; /* libseccomp compares 32 bits on x32 */
        }
        if (ok) {
            stk_buf_puts(b, an);
            return;
        }
    }
    stk_buf_printf(b, "reg%u", c->index);
}

static void one_cmp(struct stk_buf *b, const struct imp_profile *p, int sc, const struct imp_cmp *c)
{
    static const char *const ops[] = {"!=", "<", "<=", "==", ">=", ">"};
    if (c->op == IMP_MASKED_EQ) {
        stk_buf_puts(b, "(");
        operand(b, p, sc, c);
        stk_buf_puts(b, " & ");
        stk_buf_printf(b, "0x%llx", (unsigned long long)c->value);
        stk_buf_puts(b, ") == ");
        num(b, c->value2);
        return;
    }
    operand(b, p, sc, c);
    stk_buf_printf(b, " %s ", ops[c->op]);
    num(b, c->value);
}

/* One rule's condition.  runc and crun hand libseccomp a rule's comparisons
 * as one rule (ANDed) when each is on a different argument, and as one rule
 * per comparison (ORed) as soon as two are on the same argument. */
static void rule_cond(struct stk_buf *b, const struct imp_profile *p, int sc, const struct imp_rule *r, bool nested)
{
    bool seen[6] = {0}, repeated = false;
    for (size_t i = 0; i < r->ncmps; i++) {
        repeated |= seen[r->cmps[i].index];
        seen[r->cmps[i].index] = true;
    }
    bool paren = nested && r->ncmps > 1;
    if (paren)
        stk_buf_puts(b, "(");
    for (size_t i = 0; i < r->ncmps; i++) {
        if (i)
            stk_buf_puts(b, repeated ? " || " : " && ");
        one_cmp(b, p, sc, &r->cmps[i]);
    }
    if (paren)
        stk_buf_puts(b, ")");
}

/* The whole condition of a decision; several EQs on one operand as `in`. */
static char *decision_cond(const struct imp_profile *p, const struct imp_decision *d)
{
    struct stk_buf b = {0};
    bool all_eq = d->nconds > 1;
    for (size_t i = 0; i < d->nconds && all_eq; i++)
        all_eq = d->conds[i]->ncmps == 1 && d->conds[i]->cmps[0].op == IMP_EQ &&
                 d->conds[i]->cmps[0].index == d->conds[0]->cmps[0].index;
    if (all_eq) {
        operand(&b, p, d->syscall, &d->conds[0]->cmps[0]);
        stk_buf_puts(&b, " in (");
        for (size_t i = 0; i < d->nconds; i++) {
            if (i)
                stk_buf_puts(&b, ", ");
            num(&b, d->conds[i]->cmps[0].value);
        }
        stk_buf_puts(&b, ")");
        return b.data;
    }
    for (size_t i = 0; i < d->nconds; i++) {
        if (i)
            stk_buf_puts(&b, " || ");
        rule_cond(&b, p, d->syscall, d->conds[i], d->nconds > 1);
    }
    return b.data;
}

/* ---- the policy ---------------------------------------------------------------------- */
char *stk_imp_policy_name(const char *source, const char *given)
{
    if (given)
        return stk_xstrdup(given);
    const char *base = source ? strrchr(source, '/') : NULL;
    base = base ? base + 1 : (source ? source : "");
    struct stk_buf b = {0};
    for (const char *c = base; *c && b.len < 64; c++) {
        if (*c == '.' && (strcmp(c, ".json") == 0 || strcmp(c, ".service") == 0 || strcmp(c, ".conf") == 0))
            break;
        char ch = (char)tolower((unsigned char)*c);
        if (isalnum((unsigned char)ch) || ch == '-' || ch == '_')
            stk_buf_put(&b, &ch, 1);
        else if (b.len && b.data[b.len - 1] != '-')
            stk_buf_put(&b, "-", 1);
    }
    if (!b.len || !isalpha((unsigned char)b.data[0])) {
        char *s = stk_xasprintf("imported%s%s", b.len ? "-" : "", b.len ? b.data : "");
        stk_buf_free(&b);
        return s;
    }
    return b.data;
}

static void write_caps(struct stk_buf *out, uint64_t caps)
{
    stk_buf_puts(out, "    # the capability set the profile was resolved for (--caps)\n");
    if (!caps) {
        stk_buf_puts(out, "    capabilities none\n");
        return;
    }
    struct line l = {out, 0, true};
    stk_buf_puts(out, "    capabilities { keep ");
    l.col = 24;
    for (int c = 0; c < 64; c++) {
        if (!((caps >> c) & 1))
            continue;
        char *n = cap_to_name((cap_value_t)c);
        if (!n)
            continue;
        const char *s = strncmp(n, "cap_", 4) == 0 ? n + 4 : n;
        if (!l.first && l.col + 2 + strlen(s) > WRAP) {
            stk_buf_puts(out, ",\n        ");
            l.col = 8;
            l.first = true;
        }
        if (!l.first) {
            stk_buf_puts(out, ", ");
            l.col += 2;
        }
        stk_buf_puts(out, s);
        l.col += strlen(s);
        l.first = false;
        cap_free(n);
    }
    stk_buf_puts(out, " }\n");
}

static void write_block(struct stk_buf *out, const struct imp_profile *p, struct imp_plan *plan, size_t ri,
                        struct grp *g, size_t ng)
{
    const struct imp_rule *r = &p->rules[ri];
    char abuf[64];
    const char *act = stk_action_str(r->action, abuf, sizeof abuf);
    bool any = false;
    for (size_t i = 0; i < plan->n && !any; i++)
        any = plan->d[i].first == ri;
    if (!any)
        return;
    stk_buf_puts(out, "\n");
    comment_text(out, "        ", r->origin);
    if (r->comment)
        comment_text(out, "        ", r->comment);
    /* unconditional: groups first, largest first, each wholly this rule's */
    struct line l = {out, 0, true};
    bool open = false;
    for (;;) {
        size_t best = ng, bestn = 1;
        for (size_t k = 0; k < ng; k++) {
            if (g[k].n <= bestn)
                continue;
            bool ok = true;
            for (size_t m = 0; m < g[k].n && ok; m++) {
                ok = false;
                for (size_t i = 0; i < plan->n; i++) {
                    struct imp_decision *d = &plan->d[i];
                    if (d->syscall == g[k].members[m]) {
                        ok = d->first == ri && !d->nconds && !d->emitted;
                        break;
                    }
                }
            }
            if (ok) {
                best = k;
                bestn = g[k].n;
            }
        }
        if (best == ng)
            break;
        if (!open)
            list_start(&l, act);
        open = true;
        char *gn = stk_xasprintf("@%s", g[best].name);
        list_item(&l, gn);
        free(gn);
        for (size_t m = 0; m < g[best].n; m++)
            for (size_t i = 0; i < plan->n; i++)
                if (plan->d[i].syscall == g[best].members[m])
                    plan->d[i].emitted = true;
    }
    for (size_t i = 0; i < plan->n; i++) {
        struct imp_decision *d = &plan->d[i];
        if (d->first != ri || d->nconds || d->emitted)
            continue;
        if (!open)
            list_start(&l, act);
        open = true;
        list_item(&l, stk_syscall_table[d->syscall].name);
        d->emitted = true;
    }
    if (open)
        stk_buf_puts(out, "\n");
    /* conditional: one statement per condition, the syscalls that share it together */
    for (size_t i = 0; i < plan->n; i++) {
        struct imp_decision *d = &plan->d[i];
        if (d->first != ri || !d->nconds || d->emitted)
            continue;
        char *cond = decision_cond(p, d);
        stk_buf_printf(out, "        %s %s", act, stk_syscall_table[d->syscall].name);
        d->emitted = true;
        for (size_t k = i + 1; k < plan->n; k++) {
            struct imp_decision *e = &plan->d[k];
            if (e->first != ri || !e->nconds || e->emitted)
                continue;
            char *c2 = decision_cond(p, e);
            if (strcmp(c2, cond) == 0) {
                stk_buf_printf(out, ", %s", stk_syscall_table[e->syscall].name);
                e->emitted = true;
            }
            free(c2);
        }
        stk_buf_printf(out, " if %s\n", cond);
        free(cond);
        if (d->nconds > 1) {
            struct stk_buf also = {0};
            stk_buf_puts(&also, "ORed with");
            for (size_t k = 0; k < d->nconds; k++)
                if (d->conds[k] != r)
                    stk_buf_printf(&also, " %s%s", d->conds[k]->origin, k + 1 < d->nconds ? "," : "");
            comment_text(out, "        ", also.data);
            stk_buf_free(&also);
        }
    }
}

static void name_list(struct stk_buf *out, const char *head, char **names, size_t n)
{
    if (!n)
        return;
    stk_buf_printf(out, "# %s:\n#   ", head);
    size_t col = 4;
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(names[i]);
        if (i && col + w + 2 > WRAP) {
            stk_buf_puts(out, ",\n#   ");
            col = 4;
        } else if (i) {
            stk_buf_puts(out, ", ");
            col += 2;
        }
        for (const char *c = names[i]; *c; c++)
            stk_buf_put(out, (isalnum((unsigned char)*c) || *c == '_') ? c : "?", 1);
        col += w;
    }
    stk_buf_puts(out, "\n");
}

void stk_imp_write(const struct imp_profile *p, struct imp_plan *plan, const struct stk_import_opts *o,
                   struct stk_buf *out)
{
    char abuf[64];
    char *name = stk_imp_policy_name(o->source, o->policy_name);
    stk_buf_puts(out, "# Imported by `stockade import` from a seccomp profile (OCI linux.seccomp / Docker format):\n");
    comment_text(out, "", o->source ? o->source : "(standard input)");
    stk_buf_printf(out, "# Resolved for the %s architecture, the capabilities below (--caps) and kernel %u.%u (%s).\n",
                   stk_abis[o->abi].name, o->kmajor, o->kminor, o->kernel_from ? o->kernel_from : "--kernel");
    stk_buf_puts(out,
                 "# The filter means what libseccomp builds from the profile: comparisons on the whole\n"
                 "# register (regN, or an argument whose type is the whole register), an unconditional\n"
                 "# rule for a syscall winning over conditional ones, every other call the default.\n");
    if (p->notes.len || plan->notes.len)
        stk_buf_puts(out, "#\n# Rules of the profile that change nothing here:\n");
    if (p->notes.len)
        stk_buf_puts(out, p->notes.data);
    if (plan->notes.len)
        stk_buf_puts(out, plan->notes.data);
    name_list(out, "Not in stockade's syscall table (runtimes built on libseccomp drop unknown names too)",
              plan->unknown, plan->nunknown);
    name_list(out, "Not on the architectures this policy filters", plan->elsewhere, plan->nelsewhere);
    stk_buf_printf(out, "\ninclude \"groups.stk\"\n\npolicy %s {\n", name);
    write_caps(out, o->caps);
    stk_buf_puts(out, "    seccomp {\n");
    stk_buf_printf(out, "        default %s\n", stk_action_str(p->def, abuf, sizeof abuf));
    stk_buf_puts(out, "        arch ");
    bool first = true;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (p->abis[a]) {
            stk_buf_printf(out, "%s%s", first ? "" : ", ", stk_abis[a].name);
            first = false;
        }
    stk_buf_puts(out, "\n");
    stk_buf_printf(out, "        # libseccomp gives numbers it does not know the default action too\n"
                        "        newer_syscalls %s\n",
                   abuf);
    stk_buf_puts(out, "        # the profile alone decides ioctl (remove this line to refuse TIOCSTI and\n"
                      "        # TIOCLINUX as stockade does by default)\n"
                      "        tiocsti allow\n");
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_unit u = {.ds = &ds};
    struct grp *g = NULL;
    size_t ng = load_groups(p, &g, &u);
    for (size_t i = 0; i < p->nrules; i++)
        write_block(out, p, plan, i, g, ng);
    for (size_t k = 0; k < ng; k++)
        free(g[k].members);
    free(g);
    stk_unit_free(&u);
    stk_diags_free(&ds);
    stk_buf_puts(out, "    }\n}\n");
    free(name);
}
