/* sema_test.c — resolve test blocks into expectations (sema_test.h).
 *
 * An expectation is `expect WORDS`, one per line:
 *   expect ACTION SYSCALL[(ARG, ...)] [on ARCH]   the seccomp filter's decision
 *   expect user NAME                              the identity switched to
 *   expect capabilities { NAME, ... }             exactly the capabilities kept
 *   expect no_new_privs                           no_new_privs is set
 *   expect landlock [not] RIGHT PATH              Landlock lets (not) RIGHT on PATH
 *   expect namespaces NAME, ...                   exactly these namespaces are new
 * Call arguments are positional (in the syscall signature's order) or named
 * (domain=AF_NETLINK); an argument not given is 0. */
#include "sema/sema_test.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "consts.h"
#include "landlock_rights.h"
#include "sigs.h"
#include "syscalls.h"
#include "util.h"

static const char *const ns_names[] = {"pid", "mount", "ipc", "uts", "net", "user", "cgroup"};
#define NNS (sizeof ns_names / sizeof ns_names[0])

static const char *const action_names[] = {"allow", "log", "trap", "notify", "kill-thread",
                                           "kill-process", "kill", "errno", "trace"};
#define NACTIONS (sizeof action_names / sizeof action_names[0])

static const char *const kinds[] = {"user", "capabilities", "no_new_privs", "landlock", "namespaces",
                                    "allow", "errno", "kill-process", "kill-thread", "log", "trap", "notify", "trace"};

static bool is_action(const char *s)
{
    for (size_t i = 0; i < NACTIONS; i++)
        if (strcmp(s, action_names[i]) == 0)
            return true;
    return false;
}

/* The source line of loc, trimmed, for reports. */
static char *line_text(struct stk_unit *u, struct stk_loc loc)
{
    const struct stk_source *src = stk_diags_source(u->ds, loc.file);
    if (!src || loc.line == 0 || loc.line > src->nlines)
        return stk_xstrdup("expect");
    const char *p = src->text + src->line_off[loc.line - 1] + (loc.col > 0 ? loc.col - 1 : 0);
    const char *e = p;
    while (e < src->text + src->len && *e != '\n' && *e != '#' && *e != ';')
        e++;
    while (e > p && isspace((unsigned char)e[-1]))
        e--;
    return stk_xstrndup(p, (size_t)(e - p));
}

static bool arg_value(struct stk_unit *u, const struct stk_word *w, const char *text, uint64_t *out)
{
    int64_t c;
    if (stk_parse_int(text, out))
        return true;
    if (stk_const_lookup(text, &c)) {
        *out = (uint64_t)c;
        return true;
    }
    const char *s = stk_const_suggest(text);
    char *hint = s ? stk_xasprintf("did you mean '%s'?", s) : NULL;
    stk_diag(u->ds, STK_SEV_ERROR, "bad-call-argument", w->loc, hint ? hint : "give a number or a known constant",
             "'%s' is not a number or a known constant", text);
    free(hint);
    return false;
}

static bool seccomp_expect(struct stk_unit *u, const struct stk_stmt *s, struct stk_expect *x)
{
    const struct stk_words *a = &s->args;
    size_t nact = strcmp(a->v[0].text, "errno") == 0 || strcmp(a->v[0].text, "trace") == 0 ? 2 : 1;
    if (a->n <= nact) {
        stk_error(u->ds, "bad-expectation", s->loc, "expected a syscall after the action");
        return false;
    }
    if (!stk_seccomp_action(u, a->v, nact, a->v[0].loc, &x->action))
        return false;
    const struct stk_word *sw = &a->v[nact];
    x->syscall = stk_syscall_lookup(sw->text);
    if (x->syscall < 0) {
        stk_sema_unknown_syscall(u, sw->text, sw->loc);
        return false;
    }
    x->abi = -1;
    size_t i = nact + 1;
    if (i < a->n && strcmp(a->v[i].text, "on") == 0) {
        if (i + 1 >= a->n) {
            stk_error(u->ds, "bad-expectation", a->v[i].loc, "expected an architecture after 'on'");
            return false;
        }
        const struct stk_word *aw = &a->v[i + 1];
        x->abi = stk_abi_by_name(aw->text);
        if (x->abi < 0) {
            const char *known[STK_ABI_COUNT];
            for (int k = 0; k < STK_ABI_COUNT; k++)
                known[k] = stk_abis[k].name;
            stk_sema_suggest(u, "unknown-arch", aw->loc, "architecture", aw->text, known, STK_ABI_COUNT);
            return false;
        }
        if (stk_syscall_nr(x->syscall, (enum stk_abi)x->abi) < 0) {
            stk_error(u->ds, "unknown-syscall", sw->loc, "syscall '%s' does not exist on %s", sw->text,
                      stk_abis[x->abi].name);
            return false;
        }
        i += 2;
    }
    if (i < a->n) {
        stk_error(u->ds, "bad-expectation", a->v[i].loc, "unexpected '%s' after the syscall", a->v[i].text);
        return false;
    }
    if (!s->has_call)
        return true;
    if (s->call_word != nact) {
        stk_error(u->ds, "bad-expectation", a->v[s->call_word].loc,
                  "the call's arguments go right after the syscall: expect ACTION SYSCALL(ARGS) [on ARCH]");
        return false;
    }
    const struct stk_sig *sig = stk_sig_lookup(sw->text);
    size_t maxargs = sig ? sig->nargs : 6;
    bool ok = true;
    for (size_t k = 0; k < s->call_args.n; k++) {
        const struct stk_word *w = &s->call_args.v[k];
        struct stk_expect_arg ea = {0};
        const char *vtext = w->text;
        if (w->kind == STK_W_ASSIGN) {
            enum stk_arg_type t;
            if (stk_sig_arg(sw->text, STK_ABI_X86_64, w->text, &t) < 0 &&
                stk_sig_arg(sw->text, stk_native_abi(), w->text, &t) < 0) {
                const char *known[6];
                size_t nk = 0;
                for (size_t j = 0; sig && j < sig->nargs; j++)
                    known[nk++] = sig->args[j].name;
                char *what = stk_xasprintf("%s argument", sw->text);
                stk_sema_suggest(u, "bad-call-argument", w->loc, what, w->text, known, nk);
                free(what);
                ok = false;
                continue;
            }
            snprintf(ea.argname, sizeof ea.argname, "%s", w->text);
            vtext = w->value;
        } else if (w->kind == STK_W_NAME || w->kind == STK_W_NUMBER) {
            if (k >= maxargs) {
                stk_error(u->ds, "bad-call-argument", w->loc, "%s takes %zu argument%s", sw->text, maxargs,
                          maxargs == 1 ? "" : "s");
                ok = false;
                continue;
            }
            if (sig)
                snprintf(ea.argname, sizeof ea.argname, "%s", sig->args[k].name);
            else
                snprintf(ea.argname, sizeof ea.argname, "arg%zu", k);
        } else {
            stk_error(u->ds, "bad-call-argument", w->loc, "expected a number, a constant or NAME=VALUE");
            ok = false;
            continue;
        }
        for (size_t j = 0; j < x->nargs; j++)
            if (strcmp(x->args[j].argname, ea.argname) == 0) {
                stk_error(u->ds, "bad-call-argument", w->loc, "argument '%s' is given twice", ea.argname);
                ok = false;
            }
        if (!arg_value(u, w, vtext, &ea.value) || !ok || x->nargs >= 6) {
            ok = false;
            continue;
        }
        x->args[x->nargs++] = ea;
    }
    return ok;
}

static bool caps_expect(struct stk_unit *u, const struct stk_stmt *s, struct stk_expect *x)
{
    if (!s->has_set || s->args.n) {
        stk_error(u->ds, "bad-expectation", s->loc, "expected a set: expect capabilities { NAME, ... }");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < s->set.n; i++) {
        const struct stk_word *w = &s->set.v[i];
        char *name = stk_xasprintf("%s%s", strncasecmp(w->text, "cap_", 4) == 0 ? "" : "cap_", w->text);
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        cap_value_t c;
        if (w->kind != STK_W_NAME || cap_from_name(name, &c) != 0 || c < 0 || c > 63) {
            const char *known[64];
            char *names[64];
            size_t nk = 0;
            for (int k = 0; k <= CAP_LAST_CAP && k < 64; k++) {
                names[nk] = cap_to_name(k);
                known[nk] = names[nk] && strncmp(names[nk], "cap_", 4) == 0 ? names[nk] + 4 : "";
                nk++;
            }
            stk_sema_suggest(u, "unknown-capability", w->loc, "capability", w->text, known, nk);
            for (size_t k = 0; k < nk; k++)
                cap_free(names[k]);
            ok = false;
        } else {
            x->caps |= 1ull << c;
        }
        free(name);
    }
    return ok;
}

static bool landlock_expect(struct stk_unit *u, const struct stk_stmt *s, struct stk_expect *x)
{
    const struct stk_words *a = &s->args;
    size_t i = 0;
    if (i < a->n && strcmp(a->v[i].text, "not") == 0) {
        x->negated = true;
        i++;
    }
    if (a->n - i != 2) {
        stk_error(u->ds, "bad-expectation", s->loc, "expected: expect landlock [not] RIGHT PATH");
        return false;
    }
    const struct stk_word *rw = &a->v[i], *pw = &a->v[i + 1];
    const char *rt = rw->text;
    x->access = strcmp(rt, "read") == 0      ? STK_LL_READ
                : strcmp(rt, "write") == 0   ? STK_LL_WRITE
                : strcmp(rt, "execute") == 0 ? STK_LL_EXECUTE
                                             : stk_ll_fs_by_name(rt);
    if (!x->access) {
        const char *known[40] = {"read", "write", "execute"};
        size_t nk = 3 + stk_ll_fs_names(known + 3, 37);
        stk_sema_suggest(u, "unknown-landlock-right", rw->loc, "Landlock right", rt, known, nk);
        return false;
    }
    if (pw->kind != STK_W_PATH || pw->text[0] != '/') {
        stk_error(u->ds, "bad-expectation", pw->loc, "expected an absolute path, found '%s'", pw->text);
        return false;
    }
    x->path = stk_xstrdup(pw->text);
    return true;
}

static bool ns_expect(struct stk_unit *u, const struct stk_stmt *s, struct stk_expect *x)
{
    bool ok = true;
    for (size_t i = 0; i < s->args.n; i++) {
        const struct stk_word *w = &s->args.v[i];
        size_t k = 0;
        while (k < NNS && strcmp(ns_names[k], w->text) != 0)
            k++;
        if (k == NNS) {
            stk_sema_suggest(u, "unknown-namespace", w->loc, "namespace", w->text, ns_names, NNS);
            ok = false;
        } else {
            x->ns |= 1u << k;
        }
    }
    return ok;
}

static bool resolve_expect(struct stk_unit *u, const struct stk_stmt *s, struct stk_expect *x)
{
    if (strcmp(s->name, "expect") != 0) {
        stk_diag(u->ds, STK_SEV_ERROR, "bad-expectation", s->loc, "write: expect WHAT ...",
                 "a test block holds only 'expect' lines, found '%s'", s->name);
        return false;
    }
    if (s->args.n == 0) {
        stk_error(u->ds, "bad-expectation", s->loc, "expected what to expect after 'expect'");
        return false;
    }
    const struct stk_word *k = &s->args.v[0];
    if (s->has_call && !is_action(k->text)) {
        stk_error(u->ds, "bad-expectation", k->loc, "a call is expected after an action, e.g. expect allow %s(...)",
                  s->args.v[s->call_word].text);
        return false;
    }
    if (s->has_set && strcmp(k->text, "capabilities") != 0) {
        stk_error(u->ds, "bad-expectation", k->loc, "only 'expect capabilities' takes a { set }");
        return false;
    }
    if (is_action(k->text)) {
        x->kind = STK_X_SECCOMP;
        return seccomp_expect(u, s, x);
    }
    struct stk_stmt rest = *s; /* the words after the kind */
    rest.args.v = s->args.v + 1;
    rest.args.n = s->args.n - 1;
    if (strcmp(k->text, "user") == 0) {
        x->kind = STK_X_USER;
        if (rest.args.n != 1) {
            stk_error(u->ds, "bad-expectation", k->loc, "expected one user name or number: expect user NAME");
            return false;
        }
        x->user = stk_xstrdup(rest.args.v[0].text);
        return true;
    }
    if (strcmp(k->text, "capabilities") == 0) {
        x->kind = STK_X_CAPS;
        return caps_expect(u, &rest, x);
    }
    if (strcmp(k->text, "no_new_privs") == 0) {
        x->kind = STK_X_NNP;
        if (rest.args.n) {
            stk_error(u->ds, "bad-expectation", rest.args.v[0].loc, "no_new_privs takes no arguments");
            return false;
        }
        return true;
    }
    if (strcmp(k->text, "landlock") == 0) {
        x->kind = STK_X_LANDLOCK;
        return landlock_expect(u, &rest, x);
    }
    if (strcmp(k->text, "namespaces") == 0) {
        x->kind = STK_X_NAMESPACES;
        return ns_expect(u, &rest, x);
    }
    stk_sema_suggest(u, "bad-expectation", k->loc, "expectation", k->text, kinds, sizeof kinds / sizeof kinds[0]);
    return false;
}

static void free_expect(struct stk_expect *x)
{
    free(x->text);
    free(x->user);
    free(x->path);
}

void stk_tests_resolve(struct stk_unit *u, struct stk_tests *out)
{
    *out = (struct stk_tests){0};
    if (u->nfiles == 0)
        return;
    const struct stk_file_ast *f = u->files[0];
    for (size_t i = 0; i < f->nitems; i++) {
        const struct stk_item *it = f->items[i];
        if (it->kind != STK_I_TEST)
            continue;
        for (size_t j = 0; j < out->n; j++)
            if (strcmp(out->v[j].name, it->name) == 0)
                stk_error(u->ds, "duplicate-test", it->name_loc, "test '%s' is already defined", it->name);
        if (!stk_unit_policy(u, it->extends)) {
            const char **known = stk_xcalloc(u->npolicies + 1, sizeof *known);
            for (size_t k = 0; k < u->npolicies; k++)
                known[k] = u->policies[k].item->name;
            stk_sema_suggest(u, "unknown-policy", it->extends_loc, "policy", it->extends, known, u->npolicies);
            free(known);
        }
        struct stk_test t = {.name = stk_xstrdup(it->name), .policy = stk_xstrdup(it->extends), .loc = it->loc};
        if (it->body.n == 0)
            stk_warning(u->ds, "empty-test", it->name_loc, "test '%s' has no expectations", it->name);
        for (size_t k = 0; k < it->body.n; k++) {
            const struct stk_stmt *s = it->body.v[k];
            struct stk_expect x = {.loc = s->loc, .syscall = -1, .abi = -1};
            if (resolve_expect(u, s, &x)) {
                x.text = line_text(u, s->loc);
                STK_PUSH(t.v, t.n, t.cap, x);
            } else {
                free_expect(&x);
            }
        }
        STK_PUSH(out->v, out->n, out->cap, t);
    }
}

void stk_tests_check(struct stk_unit *u)
{
    struct stk_tests t;
    stk_tests_resolve(u, &t);
    stk_tests_free(&t);
}

void stk_tests_free(struct stk_tests *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (size_t k = 0; k < t->v[i].n; k++)
            free_expect(&t->v[i].v[k]);
        free(t->v[i].v);
        free(t->v[i].name);
        free(t->v[i].policy);
    }
    free(t->v);
    *t = (struct stk_tests){0};
}
