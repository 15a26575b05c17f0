/* sema_seccomp.c — seccomp blocks into the IR's ordered rule list:
 * actions, arch selection, group expansion, per-syscall conditions, the
 * enforcer's built-in rules, and the "rule never applies" lint. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "edit_distance.h"
#include "seccomp/bpf_gen.h"
#include "bundle_format.h"
#include "consts.h"
#include "sema/sema.h"
#include "sema/sema_shadow.h"
#include "util.h"

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

static const char *const action_names[] = {"allow", "log", "errno", "trap", "trace",
                                           "notify", "kill-thread", "kill-process", "kill"};
#define NACTIONS (sizeof action_names / sizeof action_names[0])

/* lint: the policy's own rules (not a test's expectation) say why errno 0 is unusual */
static bool parse_action(struct stk_unit *u, const char *name, struct stk_loc nloc, const struct stk_word *param,
                         struct stk_loc at, bool lint, struct stk_action *out)
{
    struct stk_action a = {0};
    bool needs_param = false;
    if (strcmp(name, "allow") == 0)
        a.kind = STK_ACT_ALLOW;
    else if (strcmp(name, "log") == 0)
        a.kind = STK_ACT_LOG;
    else if (strcmp(name, "trap") == 0)
        a.kind = STK_ACT_TRAP;
    else if (strcmp(name, "notify") == 0)
        a.kind = STK_ACT_NOTIFY;
    else if (strcmp(name, "kill-thread") == 0)
        a.kind = STK_ACT_KILL_THREAD;
    else if (strcmp(name, "kill-process") == 0 || strcmp(name, "kill") == 0)
        a.kind = STK_ACT_KILL_PROCESS;
    else if (strcmp(name, "errno") == 0)
        a.kind = STK_ACT_ERRNO, needs_param = true;
    else if (strcmp(name, "trace") == 0)
        a.kind = STK_ACT_TRACE, needs_param = true;
    else {
        const char *best = stk_closest_name(name, action_names, NACTIONS);
        char *hint = best ? stk_xasprintf("did you mean '%s'?", best)
                          : stk_xstrdup("actions: allow, log, errno NAME, trap, trace N, notify, kill-thread, "
                                        "kill-process");
        stk_diag(u->ds, STK_SEV_ERROR, "unknown-action", nloc, hint, "unknown action '%s'", name);
        free(hint);
        return false;
    }
    if (needs_param && !param) {
        stk_error(u->ds, "bad-arguments", at, "'%s' needs a value, e.g. '%s'", name,
                  a.kind == STK_ACT_ERRNO ? "errno EPERM" : "trace 1");
        return false;
    }
    if (!needs_param && param) {
        stk_error(u->ds, "bad-arguments", param->loc, "'%s' takes no value", name);
        return false;
    }
    if (a.kind == STK_ACT_ERRNO) {
        int e;
        uint64_t v;
        if (param->kind == STK_W_NUMBER) {
            if (!stk_parse_int(param->text, &v) || v > 4095) {
                stk_error(u->ds, "bad-errno", param->loc, "errno value must be 0 to 4095, found '%s'",
                          param->text);
                return false;
            }
            if (v == 0 && lint)
                stk_lint_note(u->ds, "errno-zero", param->loc,
                              "the program believes the call worked: use it only for calls whose effect it "
                              "does not need (e.g. chown in a container)",
                              "'errno 0' answers success (0) without running the call");
            a.data = (uint16_t)v;
        } else if (stk_errno_lookup(param->text, &e)) {
            a.data = (uint16_t)e;
        } else {
            const char *s = stk_errno_suggest(param->text);
            char *hint = s ? stk_xasprintf("did you mean '%s'?", s) : NULL;
            stk_diag(u->ds, STK_SEV_ERROR, "unknown-errno", param->loc, hint, "unknown errno name '%s'",
                     param->text);
            free(hint);
            return false;
        }
    } else if (a.kind == STK_ACT_TRACE) {
        uint64_t v;
        if (param->kind != STK_W_NUMBER || !stk_parse_int(param->text, &v) || v > 0xffff) {
            stk_error(u->ds, "bad-arguments", param->loc, "trace value must be 0 to 65535, found '%s'",
                      param->text);
            return false;
        }
        a.data = (uint16_t)v;
    }
    *out = a;
    return true;
}

static bool action_from_ast(struct stk_unit *u, const struct stk_action_ast *a, struct stk_action *out)
{
    return parse_action(u, a->name, a->loc, a->param, a->loc, true, out);
}

static bool action_from_words(struct stk_unit *u, const struct stk_word *w, size_t n, struct stk_loc at,
                              bool lint, struct stk_action *out)
{
    if (n == 0) {
        stk_error(u->ds, "bad-arguments", at, "expected an action, e.g. 'errno EPERM' or 'kill-process'");
        return false;
    }
    if (n > 2) {
        stk_error(u->ds, "bad-arguments", w[2].loc, "unexpected '%s' after the action", w[2].text);
        return false;
    }
    return parse_action(u, w[0].text, w[0].loc, n == 2 ? &w[1] : NULL, at, lint, out);
}

bool stk_seccomp_action(struct stk_unit *u, const struct stk_word *w, size_t n, struct stk_loc at,
                        struct stk_action *out)
{
    return action_from_words(u, w, n, at, false, out);
}

/* ---- built-in rules ---------------------------------------------------- */

static struct stk_cond *cmp_all_abis(int argno, enum stk_arg_type type, enum stk_cmp_op op, uint64_t value)
{
    struct stk_cond *c = stk_xcalloc(1, sizeof *c);
    c->kind = STK_COND_CMP;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        c->argno[a] = (int8_t)argno;
    c->type = type;
    c->mask = ~0ull;
    c->op = op;
    c->value = value;
    return c;
}

static void push_rule(struct stk_seccomp *sc, struct stk_rule r)
{
    STK_PUSH(sc->rules, sc->nrules, sc->caprules, r);
}

/* ioctl(fd, TIOCSTI | TIOCLINUX, ...) -> EPERM: a confined process sharing the
 * caller's terminal could otherwise push keystrokes into the caller's shell. */
static void add_tiocsti_rule(struct stk_seccomp *sc)
{
    int sc_ioctl = stk_syscall_lookup("ioctl");
    if (sc_ioctl < 0)
        return;
    struct stk_cond *c = stk_xcalloc(1, sizeof *c);
    c->kind = STK_COND_IN;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        c->argno[a] = 1;
    c->type = STK_ARG_UINT; /* the kernel reads the request as unsigned int */
    c->mask = ~0ull;
    c->values = stk_xcalloc(2, sizeof *c->values);
    c->values[0] = TIOCSTI;
    c->values[1] = TIOCLINUX;
    c->nvalues = 2;
    push_rule(sc, (struct stk_rule){{STK_ACT_ERRNO, EPERM}, sc_ioctl, c, {0}});
}

/* keyctl(KEYCTL_SESSION_TO_PARENT) -> EPERM: the command would install its
 * own session keyring as its parent's (the caller's shell, when the enforcer
 * exec'd in place and the command kept the caller's uid) and read the keys
 * the caller adds to it afterwards.  The enforcer gives the command a new
 * session keyring (docs/enforcer.md step 9); this keeps the caller's out of
 * its reach.  The kernel reads the operation as int. */
static void add_keyring_rule(struct stk_seccomp *sc)
{
    int sc_keyctl = stk_syscall_lookup("keyctl");
    if (sc_keyctl < 0)
        return;
    struct stk_cond *c = cmp_all_abis(0, STK_ARG_INT, STK_CMP_EQ, 18 /* KEYCTL_SESSION_TO_PARENT */);
    push_rule(sc, (struct stk_rule){{STK_ACT_ERRNO, EPERM}, sc_keyctl, c, {0}});
}

/* The enforcer's own final exec: execveat(N, "", argv, envp, AT_EMPTY_PATH),
 * N the executable's descriptor, patched into the program by the enforcer.
 * The rule does not allow the call: it notifies (USER_NOTIF, marked with
 * STK_EXEC_HANDOVER_DATA), and only the enforcer's own listener, which lets
 * through its first notification and is gone after the exec (or the --report
 * supervisor), can let a call through.  Any later call matching the rule,
 * whatever its path, fails with ENOSYS (no listener) or gets the policy's
 * answer (--report).  docs/enforcer.md: "The final execve". */
static struct stk_rule exec_rule(void)
{
    struct stk_cond *c = stk_xcalloc(1, sizeof *c);
    c->kind = STK_COND_AND;
    c->a = cmp_all_abis(0, STK_ARG_INT, STK_CMP_EQ, STK_EXEC_FD_PLACEHOLDER);
    c->a->exec_fd = true;
    c->b = cmp_all_abis(4, STK_ARG_INT, STK_CMP_EQ, AT_EMPTY_PATH);
    return (struct stk_rule){{STK_ACT_NOTIFY, STK_EXEC_HANDOVER_DATA}, stk_syscall_lookup("execveat"), c, {0}};
}

/* seccomp(op, flags, ...) with SECCOMP_FILTER_FLAG_NEW_LISTENER -> EBUSY (what
 * the kernel says when a filter of the task already has a listener).  A
 * command's own listener would win every call its filter notifies against the
 * policy's USER_NOTIF returns (the newest filter wins a tie), and answer
 * CONTINUE: the exec hand-over rule, `notify` and `trace` (ENOSYS without a
 * tracer) would no longer deny. */
static struct stk_rule listener_rule(void)
{
    struct stk_cond *c = cmp_all_abis(1, STK_ARG_UINT, STK_CMP_NE, 0);
    c->mask = SECCOMP_FILTER_FLAG_NEW_LISTENER;
    return (struct stk_rule){{STK_ACT_ERRNO, EBUSY}, stk_syscall_lookup("seccomp"), c, {0}};
}

static bool action_lets_run(struct stk_action a)
{
    return a.kind != STK_ACT_ERRNO && a.kind != STK_ACT_TRAP && a.kind != STK_ACT_KILL_THREAD &&
           a.kind != STK_ACT_KILL_PROCESS;
}

/* Can the policy's rules let some call of syscall id run? */
static bool may_run(const struct stk_seccomp *sc, int id)
{
    for (size_t i = 0; i < sc->nrules; i++) {
        const struct stk_rule *r = &sc->rules[i];
        if (r->syscall != id)
            continue;
        if (action_lets_run(r->action))
            return true;
        if (!r->cond || r->cond->kind == STK_COND_TRUE)
            return false;
    }
    return action_lets_run(sc->def);
}

static bool uses_notify_or_trace(const struct stk_seccomp *sc)
{
    bool any = sc->def.kind == STK_ACT_NOTIFY || sc->def.kind == STK_ACT_TRACE || sc->newer.kind == STK_ACT_NOTIFY ||
               sc->newer.kind == STK_ACT_TRACE;
    for (size_t i = 0; i < sc->nrules; i++)
        any |= sc->rules[i].action.kind == STK_ACT_NOTIFY || sc->rules[i].action.kind == STK_ACT_TRACE;
    return any;
}

/* `trace N` is ENOSYS only while nobody traces the caller: a command that
 * may ptrace its own processes answers for them as their tracer. */
static void trace_lint(struct stk_unit *u, const struct stk_seccomp *sc, struct stk_loc block)
{
    int sc_ptrace = stk_syscall_lookup("ptrace");
    if (sc_ptrace < 0 || !may_run(sc, sc_ptrace))
        return;
    struct stk_loc at = block;
    bool any = sc->def.kind == STK_ACT_TRACE || sc->newer.kind == STK_ACT_TRACE;
    for (size_t i = 0; i < sc->nrules && !any; i++)
        if (sc->rules[i].action.kind == STK_ACT_TRACE) {
            any = true;
            at = sc->rules[i].loc;
        }
    if (any)
        stk_diag(u->ds, STK_SEV_WARNING, "trace-bypassable", at,
                 "deny ptrace (e.g. 'errno EPERM ptrace' or 'kill-process @debug'), or use errno instead of trace",
                 "'trace' fails with ENOSYS only while no tracer answers: this policy lets the command ptrace "
                 "its own processes and answer for them");
}

static bool action_kills_or_traps(struct stk_action a)
{
    return a.kind == STK_ACT_TRAP || a.kind == STK_ACT_KILL_THREAD || a.kind == STK_ACT_KILL_PROCESS;
}

/* `kill-process execveat` (or trap) is no tripwire for the exec hand-over's
 * shape: the built-in rule comes first, so execveat(N, ..., AT_EMPTY_PATH)
 * with N the enforcer's descriptor number notifies, and once the enforcer's
 * listener is gone fails with ENOSYS; the process lives on.  Only rules that
 * name execveat (the first one that can decide it) are looked at.  Called
 * before the built-in rules are added. */
static void handover_tripwire_lint(struct stk_unit *u, const struct stk_seccomp *sc, struct stk_loc block)
{
    int id = stk_syscall_lookup("execveat");
    if (id < 0 || !stk_seccomp_restricts(sc, "execveat"))
        return;
    struct stk_loc at = block;
    bool hit = false, decided = false;
    for (size_t i = 0; i < sc->nrules && !hit && !decided; i++) {
        const struct stk_rule *r = &sc->rules[i];
        if (r->syscall != id)
            continue;
        if (action_kills_or_traps(r->action)) {
            hit = true;
            at = r->loc;
        }
        decided = !r->cond || r->cond->kind == STK_COND_TRUE;
    }
    /* a `default kill-process` allowlist is not warned about: its default
     * is a catch-all, not a rule written to catch exec */
    if (hit)
        stk_diag(u->ds, STK_SEV_WARNING, "exec-tripwire-enosys", at,
                 "count on the call failing, not on the process dying; under --report the supervisor answers "
                 "that shape as the policy says",
                 "execveat(N, ..., AT_EMPTY_PATH) with N the enforcer's descriptor for the command (usually 3) "
                 "fails with ENOSYS instead of this action: the exec hand-over rule decides that shape first");
}

/* The built-in rules that depend on the policy's own rules, inserted at `at`
 * (after the other built-in rules, before the policy's). */
static void add_late_builtins(struct stk_seccomp *sc, size_t at)
{
    struct stk_rule add[2];
    size_t n = 0;
    bool handover = stk_syscall_lookup("execveat") >= 0 && stk_seccomp_restricts(sc, "execveat");
    int sc_seccomp = stk_syscall_lookup("seccomp");
    if (sc_seccomp >= 0 && (handover || uses_notify_or_trace(sc)) && may_run(sc, sc_seccomp))
        add[n++] = listener_rule();
    if (handover)
        add[n++] = exec_rule();
    for (size_t i = 0; i < n; i++)
        push_rule(sc, add[i]); /* room */
    memmove(&sc->rules[at + n], &sc->rules[at], (sc->nrules - n - at) * sizeof *sc->rules);
    memcpy(&sc->rules[at], add, n * sizeof *add);
}

/* ---- directives inside seccomp -------------------------------------------- */

static void arch_directive(struct stk_unit *u, struct stk_seccomp *sc, const struct stk_stmt *s)
{
    bool abis[STK_ABI_COUNT] = {0};
    if (s->args.n == 0) {
        stk_error(u->ds, "bad-arguments", s->loc, "'arch' needs 'native' or a list such as 'x86_64, i386'");
        return;
    }
    for (size_t i = 0; i < s->args.n; i++) {
        int a = stk_abi_by_name(s->args.v[i].text);
        if (a < 0) {
            stk_diag(u->ds, STK_SEV_ERROR, "unknown-arch", s->args.v[i].loc,
                     "known: native, x86_64, i386 (x86), x32, aarch64, arm, riscv64", "unknown architecture '%s'",
                     s->args.v[i].text);
            return;
        }
        abis[a] = true;
    }
    memcpy(sc->abis, abis, sizeof abis);
}

/* `quiet NAME, @group, ...`: calls --report counts but does not print one by
 * one when the policy blocks them with an errno or logs them (kills are
 * always printed).  Blocks add to each other's lists. */
static void push_quiet(struct stk_unit *u, struct stk_seccomp *sc, int id, struct stk_loc loc)
{
    for (size_t i = 0; i < sc->nquiet; i++)
        if (sc->quiet[i] == id)
            return;
    if (!stk_sema_count_ok(u, loc, sc->nquiet + 1, STK_SEMA_MAX_QUIET, "quiet syscalls"))
        return;
    STK_PUSH(sc->quiet, sc->nquiet, sc->capquiet, id);
}

static void quiet_directive(struct stk_unit *u, struct stk_seccomp *sc, const struct stk_stmt *s)
{
    if (s->args.n == 0) {
        stk_error(u->ds, "bad-arguments", s->loc, "expected 'quiet SYSCALL, ...' (names or @groups)");
        return;
    }
    for (size_t i = 0; i < s->args.n; i++) {
        const struct stk_word *w = &s->args.v[i];
        if (w->kind == STK_W_GROUP) {
            struct stk_group_sym *g = stk_unit_group(u, w->text);
            if (!g) {
                stk_sema_unknown_group(u, w->text, w->loc);
                continue;
            }
            if (!stk_group_expand(u, g))
                continue;
            for (size_t j = 0; j < g->nmembers; j++)
                push_quiet(u, sc, g->members[j].syscall, w->loc);
            continue;
        }
        int id = stk_syscall_lookup(w->text);
        if (id < 0) {
            stk_sema_unknown_syscall(u, w->text, w->loc);
            continue;
        }
        push_quiet(u, sc, id, w->loc);
    }
}

struct seen {
    bool set_default, set_arch, set_newer, set_tiocsti;
    bool had_default; /* a default statement was written (valid or not): no missing-default cascade */
};

static void seccomp_directive(struct stk_unit *u, struct stk_seccomp *sc, const struct stk_stmt *s,
                              struct seen *seen)
{
    /* Blocks come child first: the first setting met is the one in force. */
    if (strcmp(s->name, "default") == 0) {
        seen->had_default = true;
        struct stk_action a;
        if (action_from_words(u, s->args.v, s->args.n, s->loc, true, &a) && !seen->set_default) {
            sc->def = a;
            seen->set_default = true;
        }
    } else if (strcmp(s->name, "newer_syscalls") == 0) {
        struct stk_action a;
        if (action_from_words(u, s->args.v, s->args.n, s->loc, true, &a) && !seen->set_newer) {
            sc->newer = a;
            seen->set_newer = true;
        }
    } else if (strcmp(s->name, "arch") == 0) {
        if (!seen->set_arch) {
            arch_directive(u, sc, s);
            seen->set_arch = true;
        }
    } else if (strcmp(s->name, "quiet") == 0) {
        quiet_directive(u, sc, s);
    } else if (strcmp(s->name, "tiocsti") == 0) {
        if (s->args.n != 1 || (strcmp(s->args.v[0].text, "allow") != 0 && strcmp(s->args.v[0].text, "block") != 0)) {
            stk_error(u->ds, "bad-arguments", s->loc, "expected 'tiocsti block' or 'tiocsti allow'");
        } else if (!seen->set_tiocsti) {
            sc->block_tiocsti = strcmp(s->args.v[0].text, "block") == 0;
            seen->set_tiocsti = true;
        }
    } else {
        const char *known[] = {"default", "arch", "newer_syscalls", "tiocsti", "quiet", "allow", "log", "errno",
                               "trap", "trace", "notify", "kill-thread", "kill-process", "kill"};
        const char *best = stk_closest_name(s->name, known, sizeof known / sizeof known[0]);
        char *hint = best ? stk_xasprintf("did you mean '%s'?", best)
                          : stk_xstrdup("a seccomp rule starts with an action: allow, errno NAME, kill-process, ...");
        stk_diag(u->ds, STK_SEV_ERROR, "unknown-directive", s->loc, hint, "unknown seccomp statement '%s'",
                 s->name);
        free(hint);
    }
}

/* ---- rules ------------------------------------------------------------------ */

static void rule_stmt(struct stk_unit *u, struct stk_seccomp *sc, const struct stk_stmt *s, size_t level,
                      struct stk_shadow_decided *decided)
{
    struct stk_action act;
    bool ok = action_from_ast(u, &s->action, &act);
    struct stk_shadow_target *t = NULL;
    size_t nt = 0, capt = 0;
    for (size_t i = 0; i < s->syscalls.n; i++) {
        const struct stk_word *w = &s->syscalls.v[i];
        if (w->kind == STK_W_GROUP) {
            struct stk_group_sym *g = stk_unit_group(u, w->text);
            if (!g) {
                stk_sema_unknown_group(u, w->text, w->loc);
                ok = false;
                continue;
            }
            if (!stk_group_expand(u, g)) {
                ok = false;
                continue;
            }
            for (size_t j = 0; j < g->nmembers; j++)
                STK_PUSH(t, nt, capt, ((struct stk_shadow_target){g->members[j].syscall, w->loc, false}));
            continue;
        }
        int id = stk_syscall_lookup(w->text);
        if (id < 0) {
            stk_sema_unknown_syscall(u, w->text, w->loc);
            ok = false;
            continue;
        }
        if (!stk_shadow_on_targets(id, sc->abis)) {
            const char *abi = NULL;
            for (int a = 0; a < STK_ABI_COUNT && !abi; a++)
                if (sc->abis[a])
                    abi = stk_abis[a].name;
            stk_diag(u->ds, STK_SEV_ERROR, "syscall-not-on-arch", w->loc,
                     "name the architectures with 'arch', or use the syscall that replaces it",
                     "syscall '%s' does not exist on %s", w->text, abi ? abi : "the target architecture");
            ok = false;
            continue;
        }
        STK_PUSH(t, nt, capt, ((struct stk_shadow_target){id, w->loc, true}));
    }
    if (!ok) {
        free(t);
        return;
    }
    stk_shadow_lint(u, sc, s, act, t, nt, level, decided);
    struct stk_misfits misfits = {0};
    for (size_t i = 0; i < nt; i++) {
        struct stk_cond *c = NULL;
        if (s->cond) {
            bool restrictive = act.kind != STK_ACT_ALLOW && act.kind != STK_ACT_LOG;
            size_t mark = u->ds->nd;
            c = stk_expr_resolve(u, s->cond, t[i].syscall, sc->abis, restrictive);
            if (nt > 1)
                stk_misfits_take(u, &misfits, mark, t[i].syscall);
            if (!c)
                continue;
        }
        push_rule(sc, (struct stk_rule){act, t[i].syscall, c, s->loc});
        if (!c && !decided[t[i].syscall].by)
            decided[t[i].syscall] = (struct stk_shadow_decided){s, act, level};
    }
    stk_misfits_report(u, &misfits, nt);
    free(t);
}

void stk_seccomp_resolve(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt **blocks,
                         const size_t *levels, size_t nblocks)
{
    struct stk_seccomp *sc = &ir->seccomp;
    sc->present = nblocks > 0;
    sc->block_tiocsti = true;
    sc->newer = (struct stk_action){STK_ACT_ERRNO, ENOSYS};
    enum stk_abi native = stk_native_abi();
    sc->abis[native] = true;
    if (!sc->present) {
        /* No seccomp block: everything is allowed, on every ABI this machine
         * runs, except the terminal-injection ioctls. */
        sc->def = (struct stk_action){STK_ACT_ALLOW, 0};
        sc->newer = sc->def;
        if (native == STK_ABI_X86_64)
            sc->abis[STK_ABI_I386] = sc->abis[STK_ABI_X32] = true;
        if (native == STK_ABI_AARCH64)
            sc->abis[STK_ABI_ARM] = true;
        add_tiocsti_rule(sc);
        add_keyring_rule(sc);
        return;
    }
    struct seen seen = {0};
    for (size_t b = 0; b < nblocks; b++)
        for (size_t i = 0; i < blocks[b]->block.n; i++)
            if (blocks[b]->block.v[i]->kind == STK_S_DIRECTIVE)
                seccomp_directive(u, sc, blocks[b]->block.v[i], &seen);
    if (!seen.had_default)
        stk_diag(u->ds, STK_SEV_ERROR, "missing-default", blocks[nblocks - 1]->loc,
                 "add e.g. 'default errno EPERM' (or 'default kill-process')",
                 "seccomp block has no 'default' action for calls no rule matches");
    if (sc->block_tiocsti)
        add_tiocsti_rule(sc);
    add_keyring_rule(sc);
    size_t builtin = sc->nrules;

    struct stk_shadow_decided *decided = stk_xcalloc(stk_syscall_count, sizeof *decided);
    for (size_t b = 0; b < nblocks; b++)
        for (size_t i = 0; i < blocks[b]->block.n; i++)
            if (blocks[b]->block.v[i]->kind == STK_S_RULE)
                rule_stmt(u, sc, blocks[b]->block.v[i], levels[b], decided);
    free(decided);
    bool none = sc->nrules == builtin;
    handover_tripwire_lint(u, sc, blocks[0]->loc);
    add_late_builtins(sc, builtin);
    trace_lint(u, sc, blocks[0]->loc);

    if (none && sc->def.kind == STK_ACT_ALLOW)
        stk_diag(u->ds, STK_SEV_WARNING, "seccomp-allows-all", blocks[0]->loc,
                 "add rules, or a stricter default such as 'default errno EPERM'",
                 "seccomp block allows every syscall");
    else
        stk_lint_io_uring(u, sc, blocks[0]->loc);
}
