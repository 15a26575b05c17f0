/* export_runtime.c — what every runtime route shares, and the crun
 * annotation route (--emit=oci-bpf).
 *
 * A runtime (crun 1.8, runc 1.1) installs the container's filter itself and
 * then makes its own last calls under it: measured here with strace, crun
 * closes its sync descriptor and calls execve(2) for the container's command;
 * without no_new_privs it installs the filter earlier and also sets the
 * identity and capabilities (prctl, setresgid, setresuid, capset) and resets
 * signal handlers.  stockade's own exec hand-over rule (the enforcer's final
 * execveat by descriptor, docs/enforcer.md) does not exist there, so an export
 * drops it, and a policy that does not let those calls run is refused: the
 * container could never start. */
#include "export/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/bpf_gen.h"

struct stk_policy_ir *stk_export_ir(const struct stk_policy_ir *ir)
{
    struct stk_policy_ir *c = stk_xmalloc(sizeof *c);
    *c = *ir;
    const struct stk_seccomp *s = &ir->seccomp;
    c->seccomp.rules = stk_xcalloc(s->nrules + 16, sizeof *c->seccomp.rules);
    c->seccomp.nrules = 0;
    c->seccomp.caprules = s->nrules + 16;
    for (size_t i = 0; i < s->nrules; i++) {
        const struct stk_rule *r = &s->rules[i];
        if (r->action.kind == STK_ACT_NOTIFY && r->action.data == STK_EXEC_HANDOVER_DATA)
            continue;
        c->seccomp.rules[c->seccomp.nrules++] = *r;
    }
    return c;
}

void stk_export_ir_free(struct stk_policy_ir *copy)
{
    if (!copy)
        return;
    free(copy->seccomp.rules);
    free(copy);
}

struct stk_action stk_export_fallback(const struct stk_seccomp *s, int sc, size_t *rule)
{
    for (size_t i = 0; i < s->nrules; i++)
        if (s->rules[i].syscall == sc && !s->rules[i].cond) {
            *rule = i;
            return s->rules[i].action;
        }
    *rule = (size_t)-1;
    return s->def;
}

static bool lets_run(struct stk_action a)
{
    return a.kind == STK_ACT_ALLOW || a.kind == STK_ACT_LOG;
}

/* The calls the runtime makes under the filter. */
static const char *const after_always[] = {"close", "execve"};
static const char *const after_no_nnp[] = {"prctl", "setresgid", "setresuid", "capset", "rt_sigprocmask",
                                           "rt_sigaction"};

static bool check_call(struct stk_policy_ir *ir, const char *name, const char *format, bool lossy,
                       struct stk_diags *ds)
{
    int sc = stk_syscall_lookup(name);
    if (sc < 0)
        return true;
    struct stk_seccomp *s = &ir->seccomp;
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (!s->abis[a] || stk_syscall_table[sc].nr[a] == STK_NR_NONE)
            continue;
        struct stk_xpart p;
        bool ok = stk_export_partition(s, sc, (enum stk_abi)a, s->def, 4096, NULL, &p);
        const struct stk_xbox *bad = NULL;
        for (size_t i = 0; ok && i < p.n && !bad; i++)
            if (!lets_run(p.v[i].action))
                bad = &p.v[i];
        if (!ok || bad) {
            char act[64];
            struct stk_loc at = ir->loc;
            const char *by = "the default action";
            if (bad && bad->rule != (size_t)-1) {
                at = s->rules[bad->rule].loc.file ? s->rules[bad->rule].loc : ir->loc;
                by = s->rules[bad->rule].loc.file ? "this rule" : "a built-in rule";
            }
            stk_action_str(bad ? bad->action : s->def, act, sizeof act);
            if (!lossy) {
                stk_diag(ds, STK_SEV_ERROR, "not-exportable", at,
                         "a runtime needs the call to start the container; export with --lossy to let it through",
                         "%s: '%s' is not always let run (%s by %s): the runtime calls it after installing the "
                         "filter, so the container could not start (stockade's exec hand-over does not exist "
                         "in a runtime)",
                         format, name, act, by);
                free(p.v);
                return false;
            }
            stk_diag(ds, STK_SEV_WARNING, "lossy-export", at, NULL,
                     "%s: looser: '%s' is allowed for every argument (the policy says %s by %s) so that the "
                     "runtime can start the container",
                     format, name, act, by);
            struct stk_rule allow = {{STK_ACT_ALLOW, 0}, sc, NULL, at};
            memmove(&s->rules[1], &s->rules[0], s->nrules * sizeof *s->rules);
            s->rules[0] = allow;
            s->nrules++;
            free(p.v);
            return true;
        }
        free(p.v);
    }
    return true;
}

bool stk_export_runtime_check(const struct stk_policy_ir *ir, const char *format, bool lossy, struct stk_diags *ds)
{
    /* the caller passes an stk_export_ir copy: rules may be added (room for 16) */
    struct stk_policy_ir *m = (struct stk_policy_ir *)ir;
    bool ok = true;
    for (size_t i = 0; i < sizeof after_always / sizeof *after_always; i++)
        ok &= check_call(m, after_always[i], format, lossy, ds);
    if (!ir->no_new_privs)
        for (size_t i = 0; i < sizeof after_no_nnp / sizeof *after_no_nnp; i++)
            ok &= check_call(m, after_no_nnp[i], format, lossy, ds);
    return ok;
}

static void base64(struct stk_buf *out, const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {tab[(v >> 18) & 63], tab[(v >> 12) & 63], i + 1 < n ? tab[(v >> 6) & 63] : '=',
                     i + 2 < n ? tab[v & 63] : '='};
        stk_buf_put(out, q, 4);
    }
}

/* crun's run.oci.seccomp_bpf_data: base64 of the sock_filter array, the
 * program stockade itself would install (without the hand-over rule). */
bool stk_export_oci_bpf(const struct stk_policy_ir *ir, bool lossy, struct stk_diags *ds, struct stk_buf *out)
{
    struct stk_policy_ir *x = stk_export_ir(ir);
    bool ok = stk_export_runtime_check(x, "oci-bpf", lossy, ds);
    struct stk_bpf_prog prog;
    char err[256];
    if (ok && stk_bpf_generate(x, &prog, err, sizeof err) != 0) {
        stk_error(ds, "program-too-large", ir->loc, "%s", err);
        ok = false;
    } else if (ok) {
        base64(out, (const unsigned char *)prog.insns, prog.len * sizeof *prog.insns);
        stk_buf_puts(out, "\n");
        stk_bpf_prog_free(&prog);
    }
    stk_export_ir_free(x);
    return ok;
}

enum stk_export_kind stk_export_kind_by_name(const char *name)
{
    static const char *const names[] = {[STK_EXPORT_OCI_SECCOMP] = "oci-seccomp", [STK_EXPORT_OCI_BPF] = "oci-bpf",
                                        [STK_EXPORT_K8S] = "k8s", [STK_EXPORT_K8S_JSON] = "k8s-json"};
    for (size_t i = 1; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return (enum stk_export_kind)i;
    return STK_EXPORT_NONE;
}

bool stk_export(const struct stk_policy_ir *ir, const struct stk_export_req *req, struct stk_diags *ds,
                struct stk_buf *out)
{
    switch (req->kind) {
    case STK_EXPORT_NONE: return true;
    case STK_EXPORT_OCI_SECCOMP: return stk_export_oci_seccomp(ir, req->lossy, ds, out);
    case STK_EXPORT_OCI_BPF: return stk_export_oci_bpf(ir, req->lossy, ds, out);
    case STK_EXPORT_K8S:
    case STK_EXPORT_K8S_JSON: return stk_export_k8s(ir, req, ds, out);
    }
    return false;
}
