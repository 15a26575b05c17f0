/* export_systemd_seccomp.c — the seccomp block as SystemCallFilter= (names,
 * never systemd's @groups, which change between versions),
 * SystemCallErrorNumber=, SystemCallArchitectures= and, for the one argument
 * condition systemd can say, RestrictAddressFamilies=.
 *
 * systemd's model: the first SystemCallFilter= line decides the mode.  An
 * allow-list answers every other call with SystemCallErrorNumber= (or kills),
 * all alike, and systemd adds its @default set to it; a deny-list (~) lets
 * every unnamed call run and gives each named one kill or its own errno.
 * A policy's per-call answers (first matching rule, else the default) must
 * fit one of the two; what does not is refused, named at its rule. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consts.h"
#include "export/export_systemd_int.h"

/* systemd's @default set (systemd-analyze syscall-filter @default, systemd
 * 252.38): SystemCallFilter= allows these in every allow-list.  A newer
 * systemd may add names; tests/integration/export_systemd.sh compares this
 * list with the installed systemd's. */
static const char *const sd_always[] = {
    "arch_prctl", "brk", "cacheflush", "clock_getres", "clock_getres_time64", "clock_gettime",
    "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "execve", "exit", "exit_group", "futex",
    "futex_time64", "futex_waitv", "get_robust_list", "get_thread_area", "getegid", "getegid32", "geteuid",
    "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getpgid", "getpgrp", "getpid", "getppid",
    "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "getsid", "gettid",
    "gettimeofday", "getuid", "getuid32", "membarrier", "mmap", "mmap2", "mprotect", "munmap", "nanosleep",
    "pause", "prlimit64", "restart_syscall", "riscv_flush_icache", "riscv_hwprobe", "rseq", "rt_sigreturn",
    "sched_getaffinity", "sched_yield", "set_robust_list", "set_thread_area", "set_tid_address", "set_tls",
    "sigreturn", "time", "ugetrlimit", "uretprobe",
};

static bool always_allowed(const char *name)
{
    for (size_t i = 0; i < sizeof sd_always / sizeof sd_always[0]; i++)
        if (strcmp(sd_always[i], name) == 0)
            return true;
    return false;
}

/* What systemd can answer: allow, an errno, or kill (the process). */
enum sd_kind { SD_ALLOW, SD_ERRNO, SD_KILL };
struct sd_act {
    enum sd_kind kind;
    int err;
    const char *dir; /* non-NULL: an approximation, "looser"/"tighter" */
};

static struct sd_act sd_act(struct stk_action a)
{
    switch (a.kind) {
    case STK_ACT_ALLOW: return (struct sd_act){SD_ALLOW, 0, NULL};
    case STK_ACT_ERRNO: return (struct sd_act){SD_ERRNO, a.data, NULL};
    case STK_ACT_KILL_PROCESS: return (struct sd_act){SD_KILL, 0, NULL};
    case STK_ACT_LOG: return (struct sd_act){SD_ALLOW, 0, "looser"};
    case STK_ACT_KILL_THREAD:
    case STK_ACT_TRAP: return (struct sd_act){SD_KILL, 0, "tighter"};
    case STK_ACT_NOTIFY:
    case STK_ACT_TRACE: break;
    }
    return (struct sd_act){SD_ERRNO, ENOSYS, "tighter"}; /* no listener, no tracer: ENOSYS */
}

static bool sd_eq(struct sd_act a, struct sd_act b)
{
    return a.kind == b.kind && (a.kind != SD_ERRNO || a.err == b.err);
}

static void errno_word(struct stk_buf *b, int e)
{
    const char *n = stk_errno_name(e);
    if (n)
        stk_buf_puts(b, n);
    else
        stk_buf_printf(b, "%d", e);
}

/* The per-call answer of the policy. */
struct verdict {
    bool exists;          /* on an ABI the filter lets in */
    struct stk_action act; /* the first unconditional rule's, else the default */
    long by;              /* that rule's index, -1: the default */
    long cond;            /* a conditional rule before it with another answer, -1: none */
};

enum problem { P_COND, P_ACTION, P_ALWAYS, P_APPROX, P_EXEC, P_NKINDS };

struct scan {
    struct stk_sd *x;
    const struct stk_seccomp *sc;
    struct verdict *v;         /* per syscall index */
    struct stk_buf *prob;      /* [(rule + 1) * P_NKINDS + kind]: the names concerned */
    bool families;             /* RestrictAddressFamilies= from the socket rule */
    bool namespaces;           /* RestrictNamespaces=yes from the clone rule */
    const struct stk_rule *family_rule;
};

/* One statement expands to a rule per call: the problems of its rules are
 * reported together, at the statement's first rule. */
static long statement_of(const struct stk_seccomp *sc, long r)
{
    if (r < 0)
        return r;
    const struct stk_rule *ru = &sc->rules[r];
    while (r > 0) {
        const struct stk_rule *p = &sc->rules[r - 1];
        if (p->loc.file != ru->loc.file || p->loc.line != ru->loc.line || p->loc.col != ru->loc.col ||
            !stk_action_eq(p->action, ru->action) || !p->cond != !ru->cond)
            break;
        r--;
    }
    return r;
}

static void note(struct scan *s, long rule, enum problem k, const char *name)
{
    rule = statement_of(s->sc, rule);
    struct stk_buf *b = &s->prob[(size_t)(rule + 1) * P_NKINDS + k];
    stk_buf_printf(b, "%s%s", b->len ? ", " : "", name);
}

static bool builtin(const struct stk_rule *r)
{
    return r->loc.file == 0;
}

static void verdicts(struct scan *s)
{
    const struct stk_seccomp *sc = s->sc;
    for (size_t id = 0; id < stk_syscall_count; id++) {
        struct verdict *v = &s->v[id];
        for (int a = 0; a < STK_ABI_COUNT; a++)
            if (sc->abis[a] && stk_syscall_table[id].nr[a] != STK_NR_NONE)
                v->exists = true;
        v->act = sc->def;
        v->by = v->cond = -1;
        for (size_t r = 0; r < sc->nrules; r++) {
            const struct stk_rule *ru = &sc->rules[r];
            if ((size_t)ru->syscall != id || builtin(ru))
                continue;
            if (!ru->cond) {
                v->act = ru->action;
                v->by = (long)r;
                break;
            }
        }
        /* a conditional rule matters only when its answer differs */
        size_t end = v->by < 0 ? sc->nrules : (size_t)v->by;
        for (size_t r = 0; r < end && v->cond < 0; r++) {
            const struct stk_rule *ru = &sc->rules[r];
            if ((size_t)ru->syscall == id && !builtin(ru) && ru->cond && !stk_action_eq(ru->action, v->act))
                v->cond = (long)r;
        }
    }
}

/* The one conditional rule for id ahead of its unconditional answer, or NULL. */
static const struct stk_rule *only_conditional(const struct scan *s, int id)
{
    const struct verdict *v = &s->v[id];
    const struct stk_rule *only = NULL;
    size_t end = v->by < 0 ? s->sc->nrules : (size_t)v->by;
    for (size_t r = 0; r < end; r++) {
        const struct stk_rule *ru = &s->sc->rules[r];
        if (ru->syscall != id || builtin(ru) || !ru->cond)
            continue;
        if (only)
            return NULL;
        only = ru;
    }
    return only;
}

/* `allow socket if domain in (AF_...)` followed by EAFNOSUPPORT for the rest
 * is RestrictAddressFamilies= exactly (systemd answers EAFNOSUPPORT, and its
 * allow-list compares the whole 64-bit argument with ranges, so junk in the
 * upper half is refused too).  Not on i386, where systemd ignores the
 * setting (socketcall). */
static void socket_families(struct scan *s)
{
    int id = stk_syscall_lookup("socket");
    if (id < 0 || s->v[id].cond < 0)
        return;
    struct verdict *v = &s->v[id];
    if (v->act.kind != STK_ACT_ERRNO || v->act.data != EAFNOSUPPORT || s->sc->abis[STK_ABI_I386] ||
        s->sc->abis[STK_ABI_ARM])
        return;
    const struct stk_rule *only = only_conditional(s, id);
    const struct stk_cond *c = only ? only->cond : NULL;
    if (!c || only->action.kind != STK_ACT_ALLOW || c->kind != STK_COND_IN || c->exec_fd ||
        (c->mask & 0xffffffffu) != 0xffffffffu)
        return;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (s->sc->abis[a] && c->argno[a] != 0)
            return;
    for (size_t i = 0; i < c->nvalues; i++)
        if (c->values[i] == 0 || c->values[i] > 255)
            return;
    s->families = true;
    s->family_rule = only;
    v->act = only->action;
    v->cond = -1;
}

/* `allow clone if (flags & (CLONE_NEWNS | ... | CLONE_NEWCGROUP)) == 0`, the
 * rest EPERM, with unshare and setns not allowed, is RestrictNamespaces=yes:
 * systemd answers EPERM to clone and unshare with any of the seven flags
 * (the flag masked on the whole register) and to every setns.  A systemd
 * that also knows CLONE_NEWTIME refuses it too: tighter. */
static void clone_namespaces(struct scan *s)
{
    const uint64_t ns = 0x00020000u | 0x04000000u | 0x08000000u | 0x10000000u | 0x20000000u | 0x40000000u |
                        0x02000000u; /* NEWNS UTS IPC USER PID NET CGROUP */
    int id = stk_syscall_lookup("clone"), un = stk_syscall_lookup("unshare"), sn = stk_syscall_lookup("setns");
    if (id < 0 || un < 0 || sn < 0 || s->v[id].cond < 0)
        return;
    struct verdict *v = &s->v[id];
    if (v->act.kind != STK_ACT_ERRNO || v->act.data != EPERM)
        return;
    const int other[2] = {un, sn};
    for (int i = 0; i < 2; i++)
        if (s->v[other[i]].cond >= 0 || s->v[other[i]].act.kind == STK_ACT_ALLOW ||
            s->v[other[i]].act.kind == STK_ACT_LOG)
            return;
    const struct stk_rule *only = only_conditional(s, id);
    const struct stk_cond *c = only ? only->cond : NULL;
    if (!c || only->action.kind != STK_ACT_ALLOW || c->kind != STK_COND_CMP || c->exec_fd || c->op != STK_CMP_EQ ||
        c->value != 0 || c->mask != ns)
        return;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (s->sc->abis[a] && c->argno[a] != 0)
            return;
    s->namespaces = true;
    v->act = only->action;
    v->cond = -1;
}

static void families_out(struct scan *s)
{
    static const char *const skip[] = {"AF_FILE", "AF_LOCAL", NULL};
    const struct stk_cond *c = s->family_rule->cond;
    stk_buf_puts(s->x->out, "RestrictAddressFamilies=\nRestrictAddressFamilies=");
    for (size_t i = 0; i < c->nvalues; i++) {
        const char *n = stk_const_name_by_value("AF_", skip, (int64_t)c->values[i]);
        if (n)
            stk_buf_printf(s->x->out, "%s%s", i ? " " : "", n);
        else
            stk_sd_lose(s->x, s->family_rule->loc, "tighter", "address family %llu has no AF_ name",
                        (unsigned long long)c->values[i]);
    }
    stk_buf_puts(s->x->out, "\n");
}

static const char *rule_str(const struct stk_seccomp *sc, long r, char *buf, size_t len)
{
    char act[64];
    if (r < 0) {
        snprintf(buf, len, "the default (%s)", stk_action_str(sc->def, act, sizeof act));
        return buf;
    }
    const struct stk_rule *ru = &sc->rules[r];
    bool several = (size_t)r + 1 < sc->nrules && statement_of(sc, r + 1) == r;
    snprintf(buf, len, "'%s %s%s'", stk_action_str(ru->action, act, sizeof act),
             several ? "..." : stk_syscall_table[ru->syscall].name, ru->cond ? " if ..." : "");
    return buf;
}

static void report(struct scan *s, struct sd_act def)
{
    const struct stk_seccomp *sc = s->sc;
    for (long r = -1; r < (long)sc->nrules; r++) {
        struct stk_loc loc = r < 0 ? s->x->ir->loc : sc->rules[r].loc;
        char what[160], dbuf[64];
        rule_str(sc, r, what, sizeof what);
        for (int k = 0; k < P_NKINDS; k++) {
            const struct stk_buf *b = &s->prob[(size_t)(r + 1) * P_NKINDS + (size_t)k];
            if (!b->len)
                continue;
            const char *dir = "looser";
            switch ((enum problem)k) {
            case P_COND:
                stk_sd_lose(s->x, loc, sc->rules[r].action.kind == STK_ACT_ALLOW ? "tighter" : "looser",
                            "%s has an argument condition (for %s): SystemCallFilter= matches calls by name only, "
                            "so the call would get %s whatever its arguments",
                            what, b->data, "the answer of the next unconditional rule");
                break;
            case P_ACTION: {
                struct sd_act e = sd_act(r < 0 ? sc->def : sc->rules[r].action);
                if (def.kind == SD_KILL && e.kind != SD_KILL)
                    dir = "tighter";
                else if (def.kind == SD_ERRNO && e.kind == SD_ERRNO)
                    dir = "different (another errno)";
                stk_sd_lose(s->x, loc, dir,
                            "%s answers %s differently from the default (%s): a systemd allow-list answers every call "
                            "it does not allow alike (SystemCallErrorNumber=)",
                            what, b->data, stk_action_str(sc->def, dbuf, sizeof dbuf));
                break;
            }
            case P_ALWAYS:
                stk_sd_lose(s->x, loc, "looser",
                            "%s denies %s, which systemd allows in every allow-list (its @default set)", what,
                            b->data);
                break;
            case P_APPROX:
                dir = sd_act(r < 0 ? sc->def : sc->rules[r].action).dir;
                stk_sd_lose(s->x, loc, dir,
                            "%s (for %s): systemd's filter answers only allow, an errno or kill (the process)", what,
                            b->data);
                break;
            case P_EXEC:
                stk_sd_lose(s->x, loc, "looser",
                            "%s denies %s: systemd must let the service's own exec through and cannot allow it once "
                            "only, as stockade-exec does",
                            what, b->data);
                break;
            case P_NKINDS: break;
            }
        }
    }
}

static void names_out(struct stk_buf *o, const char *prefix, const char *const *names, const char *const *suffix,
                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i % 8 == 0)
            stk_buf_printf(o, "%sSystemCallFilter=%s", i ? "\n" : "", prefix);
        stk_buf_printf(o, "%s%s%s", i % 8 ? " " : "", names[i], suffix ? suffix[i] : "");
    }
    if (n)
        stk_buf_puts(o, "\n");
}

static void architectures(struct stk_sd *x, const struct stk_seccomp *sc)
{
    static const char *const sd_arch[STK_ABI_COUNT] = {
        [STK_ABI_X86_64] = "x86-64", [STK_ABI_I386] = "x86",     [STK_ABI_X32] = "x32",
        [STK_ABI_AARCH64] = "arm64", [STK_ABI_ARM] = "arm",      [STK_ABI_RISCV64] = "riscv64",
    };
    enum stk_abi native = stk_native_abi();
    bool only_native = true;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (sc->abis[a] != (a == (int)native))
            only_native = false;
    /* a call of another ABI: stockade kills the process, systemd (libseccomp's
     * bad-arch default) the calling thread; neither runs the call */
    if (only_native) {
        stk_buf_puts(x->out, "SystemCallArchitectures=native\n");
        return;
    }
    if (sc->abis[STK_ABI_X32] && !sc->abis[STK_ABI_X86_64])
        stk_sd_lose(x, x->ir->loc, "looser", "arch x32 without x86_64: systemd's x32 includes the x86-64 calls");
    stk_buf_puts(x->out, "SystemCallArchitectures=");
    bool first = true;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (sc->abis[a]) {
            stk_buf_printf(x->out, "%s%s", first ? "" : " ", sd_arch[a]);
            first = false;
        }
    stk_buf_puts(x->out, "\n");
}

/* The built-in rules (docs/language.md §9) under systemd. */
static void builtins(struct scan *s)
{
    struct stk_sd *x = s->x;
    int io = stk_syscall_lookup("ioctl");
    bool ioctl_runs = io >= 0 && s->v[io].exists && (s->v[io].act.kind == STK_ACT_ALLOW || s->v[io].cond >= 0);
    if (s->sc->block_tiocsti && ioctl_runs) {
        if (stk_sd_keeps_sys_admin(x->ir))
            stk_sd_lose(x, x->ir->loc, "looser",
                        "the built-in refusal of ioctl(TIOCSTI/TIOCLINUX): SystemCallFilter= cannot look at ioctl's "
                        "request, and with CAP_SYS_ADMIN a service may inject input into any terminal");
        else
            stk_buf_puts(x->out, "# ioctl(TIOCSTI/TIOCLINUX) is not filtered: a service has no controlling\n"
                                 "# terminal, and another session's needs CAP_SYS_ADMIN, which is not kept.\n");
    }
    /* keyctl(KEYCTL_SESSION_TO_PARENT): the parent is the service manager,
     * and the service has a keyring of its own. */
    stk_buf_puts(x->out, "KeyringMode=private\n");
}

void stk_sd_seccomp(struct stk_sd *x)
{
    const struct stk_seccomp *sc = &x->ir->seccomp;
    struct scan s = {.x = x, .sc = sc};
    s.v = stk_xcalloc(stk_syscall_count, sizeof *s.v);
    s.prob = stk_xcalloc((sc->nrules + 1) * P_NKINDS, sizeof *s.prob);
    verdicts(&s);
    socket_families(&s);
    clone_namespaces(&s);
    builtins(&s);
    if (!sc->present)
        goto out; /* everything runs, on every ABI of the machine */
    architectures(x, sc);
    struct sd_act def = sd_act(sc->def);
    if (def.dir)
        note(&s, -1, P_APPROX, "the calls no rule names");
    bool allow_list = def.kind != SD_ALLOW;
    if (allow_list && def.kind == SD_ERRNO && def.err == 0)
        stk_sd_lose(x, x->ir->loc, "tighter", "the default errno 0: SystemCallErrorNumber= takes 1 to 4095");
    if (!allow_list && sc->newer.kind != STK_ACT_ALLOW) {
        char a[64];
        stk_sd_lose(x, x->ir->loc, "looser",
                    "calls newer than stockade's syscall table get %s; a systemd deny-list lets every call it does "
                    "not name run",
                    stk_action_str(sc->newer, a, sizeof a));
    }
    const char **names = stk_xcalloc(stk_syscall_count + 1, sizeof *names);
    const char **suffix = stk_xcalloc(stk_syscall_count + 1, sizeof *suffix);
    char (*errs)[24] = stk_xcalloc(stk_syscall_count + 1, sizeof *errs);
    size_t n = 0;
    for (size_t id = 0; id < stk_syscall_count; id++) {
        const struct verdict *v = &s.v[id];
        const char *name = stk_syscall_table[id].name;
        if (!v->exists)
            continue;
        if (v->cond >= 0) /* --lossy: the answer without the condition */
            note(&s, v->cond, P_COND, name);
        struct sd_act e = sd_act(v->act);
        /* in an allow-list a denial other than the default is P_ACTION's */
        if (e.dir && v->by >= 0 && (!allow_list || e.kind == SD_ALLOW || sd_eq(e, def)))
            note(&s, v->by, P_APPROX, name);
        if (allow_list) {
            if (e.kind == SD_ALLOW)
                names[n++] = name;
            else if (always_allowed(name))
                note(&s, v->by, strcmp(name, "execve") == 0 ? P_EXEC : P_ALWAYS, name);
            else if (!sd_eq(e, def) && v->by >= 0)
                note(&s, v->by, P_ACTION, name);
        } else if (e.kind != SD_ALLOW) {
            if (strcmp(name, "execve") == 0) {
                note(&s, v->by, P_EXEC, name);
                continue;
            }
            struct stk_buf w = {0};
            if (e.kind == SD_KILL)
                stk_buf_puts(&w, ":kill");
            else {
                stk_buf_puts(&w, ":");
                errno_word(&w, e.err);
            }
            snprintf(errs[n], sizeof errs[n], "%s", w.data);
            stk_buf_free(&w);
            suffix[n] = errs[n];
            names[n++] = name;
        }
    }
    report(&s, def);
    if (allow_list && sc->newer.kind != STK_ACT_ALLOW && !stk_action_eq(sc->newer, sc->def))
        stk_buf_puts(x->out, "# Calls newer than stockade's table get SystemCallErrorNumber= here, not the\n"
                             "# policy's newer_syscalls answer: denied either way.\n");
    /* an empty assignment first: the unit's own lines do not merge with ours */
    stk_buf_puts(x->out, "SystemCallFilter=\n");
    if (allow_list) {
        if (n == 0)
            names[n++] = "exit_group"; /* systemd allows it anyway; an empty list would mean no filter */
        names_out(x->out, "", names, NULL, n);
        stk_buf_puts(x->out, "SystemCallErrorNumber=");
        if (def.kind == SD_KILL)
            stk_buf_puts(x->out, "kill");
        else
            errno_word(x->out, def.err ? def.err : EPERM);
        stk_buf_puts(x->out, "\n");
    } else {
        names_out(x->out, "~", names, suffix, n);
    }
    free(names);
    free(suffix);
    free(errs);
out:
    if (s.families)
        families_out(&s);
    if (s.namespaces)
        stk_buf_puts(x->out, "RestrictNamespaces=yes\n");
    for (size_t i = 0; i < (sc->nrules + 1) * P_NKINDS; i++)
        stk_buf_free(&s.prob[i]);
    free(s.prob);
    free(s.v);
}
