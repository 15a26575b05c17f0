/* export_oci.c — the OCI runtime-spec `linux.seccomp` object (--emit=oci-seccomp).
 *
 * The JSON means what libseccomp 2.5 makes of it when crun 1.8 or runc 1.1
 * load it, and those rules are not stockade's (docs/interop.md):
 *   - there is no rule order: an unconditional rule for a syscall wins over
 *     every conditional one, and overlapping conditional rules with different
 *     actions are decided by libseccomp's own tree, not by the file;
 *   - two comparisons on one argument in one rule become an OR;
 *   - a rule whose action is the default action is refused by the runtime;
 *   - comparisons are 64-bit and unsigned, with no masked not-equal.
 * So each syscall's decision is split into disjoint boxes (export_part.c),
 * the boxes of the default action are left out, and every other box becomes
 * one rule whose comparisons are SCMP_CMP_MASKED_EQ, at most one per
 * argument, its mask never wider than the bits the kernel reads (an int's
 * upper half is never compared).  Disjoint boxes make the order and the
 * runtime's tree irrelevant: the result is exact or the policy is refused. */
#include "export/export.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rules one syscall may need before the export is refused as unreadable. */
#define OCI_MAX_BOXES 256

static const char *scmp_arch(enum stk_abi a)
{
    static const char *const names[STK_ABI_COUNT] = {
        [STK_ABI_X86_64] = "SCMP_ARCH_X86_64", [STK_ABI_I386] = "SCMP_ARCH_X86",
        [STK_ABI_X32] = "SCMP_ARCH_X32",       [STK_ABI_AARCH64] = "SCMP_ARCH_AARCH64",
        [STK_ABI_ARM] = "SCMP_ARCH_ARM",       [STK_ABI_RISCV64] = "SCMP_ARCH_RISCV64",
    };
    return names[a];
}

/* The OCI name of an action; NULL when the format cannot say it. */
static const char *scmp_action(struct stk_action a)
{
    switch (a.kind) {
    case STK_ACT_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
    case STK_ACT_KILL_THREAD: return "SCMP_ACT_KILL_THREAD";
    case STK_ACT_TRAP: return "SCMP_ACT_TRAP";
    case STK_ACT_ERRNO: return "SCMP_ACT_ERRNO";
    case STK_ACT_LOG: return "SCMP_ACT_LOG";
    case STK_ACT_ALLOW: return "SCMP_ACT_ALLOW";
    case STK_ACT_NOTIFY: /* needs a listener the runtime config names */
    case STK_ACT_TRACE: return NULL;
    }
    return NULL;
}

static bool lets_run(struct stk_action a)
{
    return a.kind == STK_ACT_ALLOW || a.kind == STK_ACT_LOG;
}

static void put_action(json_object *o, struct stk_action a)
{
    json_object_object_add(o, "action", json_object_new_string(scmp_action(a)));
    if (a.kind == STK_ACT_ERRNO)
        json_object_object_add(o, "errnoRet", json_object_new_int(a.data));
}

static struct stk_loc rule_loc(const struct stk_policy_ir *ir, size_t rule)
{
    if (rule == (size_t)-1 || !ir->seccomp.rules[rule].loc.file)
        return ir->loc;
    return ir->seccomp.rules[rule].loc;
}

static size_t first_rule(const struct stk_seccomp *s, int sc)
{
    for (size_t i = 0; i < s->nrules; i++)
        if (s->rules[i].syscall == sc)
            return i;
    return (size_t)-1;
}

static bool same_part(const struct stk_xpart *a, const struct stk_xpart *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (memcmp(a->v[i].arg, b->v[i].arg, sizeof a->v[i].arg) != 0 || !stk_action_eq(a->v[i].action, b->v[i].action))
            return false;
    return true;
}

/* Unconditional rules of one action share an entry (names in table order). */
struct plain {
    struct stk_action action;
    json_object *entry, *names;
};

struct oci {
    const struct stk_policy_ir *ir;
    struct stk_diags *ds;
    bool lossy;
    bool dropped[STK_ABI_COUNT]; /* --lossy: ABIs left out of the profile (their calls killed) */
    json_object *syscalls;
    struct plain *plain;
    size_t nplain, capplain;
    bool ok;
};

static void add_plain(struct oci *o, const char *name, struct stk_action a)
{
    for (size_t i = 0; i < o->nplain; i++)
        if (stk_action_eq(o->plain[i].action, a)) {
            json_object_array_add(o->plain[i].names, json_object_new_string(name));
            return;
        }
    struct plain p = {a, json_object_new_object(), json_object_new_array()};
    json_object_array_add(p.names, json_object_new_string(name));
    json_object_object_add(p.entry, "names", p.names);
    put_action(p.entry, a);
    json_object_array_add(o->syscalls, p.entry);
    STK_PUSH(o->plain, o->nplain, o->capplain, p);
}

static void add_box(struct oci *o, const char *name, const struct stk_xbox *b)
{
    json_object *e = json_object_new_object(), *names = json_object_new_array(), *args = json_object_new_array();
    json_object_array_add(names, json_object_new_string(name));
    json_object_object_add(e, "names", names);
    put_action(e, b->action);
    for (int k = 0; k < 6; k++) {
        if (!b->arg[k].mask)
            continue;
        json_object *a = json_object_new_object();
        json_object_object_add(a, "index", json_object_new_int(k));
        json_object_object_add(a, "value", json_object_new_uint64(b->arg[k].mask));
        json_object_object_add(a, "valueTwo", json_object_new_uint64(b->arg[k].value));
        json_object_object_add(a, "op", json_object_new_string("SCMP_CMP_MASKED_EQ"));
        json_object_array_add(args, a);
    }
    json_object_object_add(e, "args", args);
    json_object_array_add(o->syscalls, e);
}

static void add_box_or_plain(struct oci *o, const char *name, const struct stk_xbox *b)
{
    bool plain = true;
    for (int k = 0; k < 6; k++)
        plain &= b->arg[k].mask == 0;
    if (plain)
        add_plain(o, name, b->action);
    else
        add_box(o, name, b);
}

/* How much an action lets a call do: run > log > trace/notify > errno > trap > kill. */
static int openness(struct stk_action a)
{
    static const int rank[] = {[STK_ACT_KILL_PROCESS] = 0, [STK_ACT_KILL_THREAD] = 1, [STK_ACT_TRAP] = 2,
                               [STK_ACT_ERRNO] = 3, [STK_ACT_NOTIFY] = 4, [STK_ACT_TRACE] = 4,
                               [STK_ACT_LOG] = 5, [STK_ACT_ALLOW] = 6};
    return rank[a.kind];
}

/* --lossy, a syscall too intricate to say: the most open of its outcomes for
 * every argument (looser). */
static void loosest(struct oci *o, int sc)
{
    const struct stk_seccomp *s = &o->ir->seccomp;
    struct stk_action best = s->def;
    size_t at = first_rule(s, sc);
    for (size_t i = 0; i < s->nrules; i++)
        if (s->rules[i].syscall == sc && scmp_action(s->rules[i].action) &&
            openness(s->rules[i].action) > openness(best))
            best = s->rules[i].action;
    char act[64];
    stk_diag(o->ds, STK_SEV_WARNING, "lossy-export", rule_loc(o->ir, at), NULL,
             "oci-seccomp: looser: '%s' gets '%s' for every argument: its rules need more than %d OCI rules",
             stk_syscall_table[sc].name, stk_action_str(best, act, sizeof act), OCI_MAX_BOXES);
    if (!stk_action_eq(best, s->def))
        add_plain(o, stk_syscall_table[sc].name, best);
}

/* One syscall: its boxes, the same on every ABI of the policy. */
static void export_syscall(struct oci *o, int sc)
{
    const struct stk_seccomp *s = &o->ir->seccomp;
    const char *name = stk_syscall_table[sc].name;
    struct stk_xpart p = {0}, q;
    int first_abi = -1;
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (!s->abis[a] || stk_syscall_table[sc].nr[a] == STK_NR_NONE)
            continue;
        struct stk_xpart *dst = first_abi < 0 ? &p : &q;
        if (o->dropped[a])
            continue;
        if (!stk_export_partition(s, sc, (enum stk_abi)a, s->def, OCI_MAX_BOXES, &s->def, dst)) {
            stk_xpart_free(dst);
            if (o->lossy) {
                if (first_abi >= 0)
                    stk_xpart_free(&p);
                loosest(o, sc);
                return;
            }
            stk_diag(o->ds, STK_SEV_ERROR, "not-exportable", rule_loc(o->ir, first_rule(s, sc)),
                     "simplify the conditions on this call (fewer comparisons, == and 'in' rather than ranges)",
                     "oci-seccomp: the rules for '%s' need more than %d OCI rules to be said exactly", name,
                     OCI_MAX_BOXES);
            if (first_abi >= 0)
                stk_xpart_free(&p);
            o->ok = false;
            return;
        }
        if (first_abi < 0) {
            first_abi = a;
            continue;
        }
        bool same = same_part(&p, &q);
        stk_xpart_free(&q);
        if (!same && o->lossy) {
            o->dropped[a] = true;
            stk_diag(o->ds, STK_SEV_WARNING, "lossy-export", rule_loc(o->ir, first_rule(s, sc)), NULL,
                     "oci-seccomp: tighter: %s is left out of the profile (its calls are killed): the rules for "
                     "'%s' mean different things there than on %s",
                     stk_abis[a].name, name, stk_abis[first_abi].name);
            continue;
        }
        if (!same) {
            stk_diag(o->ds, STK_SEV_ERROR, "not-exportable", rule_loc(o->ir, first_rule(s, sc)),
                     "export a policy for one architecture ('arch' in the seccomp block)",
                     "oci-seccomp: the rules for '%s' mean different things on %s and %s (argument widths or "
                     "order), and an OCI rule applies to every architecture",
                     name, stk_abis[first_abi].name, stk_abis[a].name);
            stk_xpart_free(&p);
            o->ok = false;
            return;
        }
    }
    for (size_t i = 0; i < p.n; i++) {
        const struct stk_xbox *b = &p.v[i];
        if (stk_action_eq(b->action, s->def))
            continue; /* the default: no rule (the runtime refuses one) */
        if (!scmp_action(b->action) && o->lossy) {
            char act[64];
            stk_diag(o->ds, STK_SEV_WARNING, "lossy-export", rule_loc(o->ir, b->rule), NULL,
                     "oci-seccomp: tighter: '%s' for '%s' becomes errno ENOSYS, what the kernel answers when no "
                     "listener or tracer does (stockade run --report answers it)",
                     stk_action_str(b->action, act, sizeof act), name);
            struct stk_xbox e = *b;
            e.action = (struct stk_action){STK_ACT_ERRNO, ENOSYS};
            if (!stk_action_eq(e.action, s->def))
                add_box_or_plain(o, name, &e);
            continue;
        }
        if (!scmp_action(b->action)) {
            char act[64];
            stk_diag(o->ds, STK_SEV_ERROR, "not-exportable", rule_loc(o->ir, b->rule),
                     "use errno or kill-process instead", "oci-seccomp: '%s' for '%s' has no OCI equivalent without "
                     "a listener or tracer the runtime names",
                     stk_action_str(b->action, act, sizeof act), name);
            o->ok = false;
            continue;
        }
        add_box_or_plain(o, name, b);
    }
    stk_xpart_free(&p);
}

/* Numbers above the newest syscall stockade knows get the policy's
 * `newer_syscalls` action; a runtime gives them the default.  Refused when
 * that lets them run where the policy would not. */
static void check_newer(struct oci *o, bool lossy)
{
    const struct stk_seccomp *s = &o->ir->seccomp;
    if (stk_action_eq(s->newer, s->def) || !lets_run(s->def) || lets_run(s->newer))
        return;
    char act[64];
    stk_action_str(s->newer, act, sizeof act);
    if (!lossy) {
        stk_diag(o->ds, STK_SEV_ERROR, "not-exportable", o->ir->loc,
                 "say 'newer_syscalls allow' in the seccomp block to accept it, or export with --lossy",
                 "oci-seccomp: syscalls newer than stockade knows get '%s' here, but the default action "
                 "(which lets them run) in an OCI profile",
                 act);
        o->ok = false;
    } else {
        stk_diag(o->ds, STK_SEV_WARNING, "lossy-export", o->ir->loc, NULL,
                 "oci-seccomp: looser: syscalls newer than stockade knows get the default action, not '%s'", act);
    }
}

bool stk_export_oci_seccomp(const struct stk_policy_ir *ir, bool lossy, struct stk_diags *ds, struct stk_buf *out)
{
    struct stk_policy_ir *x = stk_export_ir(ir);
    struct oci o = {x, ds, lossy, {false}, json_object_new_array(), NULL, 0, 0, true};
    o.ok = stk_export_runtime_check(x, "oci-seccomp", lossy, ds);
    const struct stk_seccomp *s = &x->seccomp;
    enum stk_abi native = stk_native_abi();
    if (!s->abis[native]) {
        stk_diag(ds, STK_SEV_ERROR, "not-exportable", ir->loc, "add the native architecture to 'arch'",
                 "oci-seccomp: the policy leaves out %s, but a runtime always filters its own architecture "
                 "with the profile",
                 stk_abis[native].name);
        o.ok = false;
    }
    if (!scmp_action(s->def)) {
        stk_diag(ds, STK_SEV_ERROR, "not-exportable", ir->loc, "use errno or kill-process as the default",
                 "oci-seccomp: the default action has no OCI equivalent");
        o.ok = false;
    }
    check_newer(&o, lossy);
    bool *named = stk_xcalloc(stk_syscall_count, sizeof *named);
    for (size_t i = 0; i < s->nrules; i++)
        named[s->rules[i].syscall] = true;
    for (size_t sc = 0; o.ok && sc < stk_syscall_count; sc++)
        if (named[sc])
            export_syscall(&o, (int)sc);
    free(named);
    json_object *root = json_object_new_object();
    if (o.ok) {
        json_object_object_add(root, "defaultAction", json_object_new_string(scmp_action(s->def)));
        if (s->def.kind == STK_ACT_ERRNO)
            json_object_object_add(root, "defaultErrnoRet", json_object_new_int(s->def.data));
        json_object *arches = json_object_new_array();
        for (int a = 0; a < STK_ABI_COUNT; a++)
            if (s->abis[a] && !o.dropped[a])
                json_object_array_add(arches, json_object_new_string(scmp_arch((enum stk_abi)a)));
        json_object_object_add(root, "architectures", arches);
        /* no flags: crun otherwise adds SECCOMP_FILTER_FLAG_SPEC_ALLOW, which
         * turns off the speculative-store-bypass mitigation that installing
         * a filter enables (stockade installs its own without it) */
        json_object_object_add(root, "flags", json_object_new_array());
        json_object_object_add(root, "syscalls", json_object_get(o.syscalls));
        stk_buf_puts(out, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                                   JSON_C_TO_STRING_SPACED |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
        stk_buf_puts(out, "\n");
    }
    json_object_put(root);
    json_object_put(o.syscalls);
    free(o.plain);
    stk_export_ir_free(x);
    return o.ok;
}
