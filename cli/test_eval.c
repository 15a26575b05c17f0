/* test_eval.c — does an expectation hold for the compiled policy? */
#include "test_eval.h"

#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "bpf_interp.h"
#include "landlock_rights.h"
#include "sigs.h"
#include "syscalls.h"

/* Run the program on one call from abi; false (with a reason in actual) if
 * an argument does not exist there. */
static bool run_call(const struct stk_expect *x, const struct stk_bundle *b, enum stk_abi abi, uint32_t *ret,
                     struct stk_buf *actual)
{
    const char *sc = stk_syscall_table[x->syscall].name;
    struct seccomp_data d = {0};
    d.nr = (int)stk_syscall_nr(x->syscall, abi);
    d.arch = stk_abis[abi].audit_arch;
    for (size_t i = 0; i < x->nargs; i++) {
        enum stk_arg_type t;
        int reg = stk_sig_arg(sc, abi, x->args[i].argname, &t);
        if (reg < 0) {
            stk_buf_printf(actual, "%s: %s has no argument '%s'", stk_abis[abi].name, sc, x->args[i].argname);
            return false;
        }
        uint64_t v = x->args[i].value;
        if (stk_arg_width(t, abi) == 32)
            v &= 0xffffffffu;
        d.args[reg] = v;
    }
    unsigned executed = 0;
    *ret = b->seccomp.present ? stk_bpf_stack_run(b->seccomp.filters, b->seccomp.nfilters, &d, &executed) : SECCOMP_RET_ALLOW;
    return true;
}

static bool eval_seccomp(const struct stk_expect *x, const struct stk_policy_ir *ir, const struct stk_bundle *b,
                         struct stk_buf *actual)
{
    bool ok = true, any = false;
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (x->abi >= 0 ? a != x->abi : !(ir->seccomp.abis[a] || (!b->seccomp.present && a == (int)stk_native_abi())))
            continue;
        if (stk_syscall_nr(x->syscall, (enum stk_abi)a) < 0)
            continue; /* not on this architecture (`on ARCH` was checked by sema) */
        if (actual->len)
            stk_buf_puts(actual, "; ");
        uint32_t r;
        any = true;
        if (!run_call(x, b, (enum stk_abi)a, &r, actual)) {
            ok = false;
            continue;
        }
        struct stk_action got = stk_action_from_ret(r);
        char buf[64];
        stk_buf_printf(actual, "%s: %s", stk_abis[a].name, stk_action_str(got, buf, sizeof buf));
        if (!stk_action_eq(got, x->action))
            ok = false;
    }
    if (!any) {
        stk_buf_printf(actual, "%s exists on none of the policy's architectures", stk_syscall_table[x->syscall].name);
        return false;
    }
    return ok;
}

static void put_caps(struct stk_buf *out, uint64_t set)
{
    stk_buf_puts(out, "capabilities {");
    const char *sep = " ";
    for (int c = 0; c < 64; c++) {
        if (!(set >> c & 1))
            continue;
        char *n = cap_to_name(c);
        stk_buf_printf(out, "%s%s", sep, n && strncmp(n, "cap_", 4) == 0 ? n + 4 : n ? n : "?");
        cap_free(n);
        sep = ", ";
    }
    stk_buf_puts(out, set ? " }" : "}");
}

static bool eval_landlock(const struct stk_expect *x, const struct stk_bundle *b, struct stk_buf *actual)
{
    const struct stk_bundle_landlock *ll = &b->landlock;
    if (!ll->present) {
        stk_buf_puts(actual, "no Landlock ruleset: permitted");
        return !x->negated;
    }
    uint64_t granted = 0;
    size_t plen = strlen(x->path);
    for (size_t i = 0; i < ll->npaths; i++) {
        const char *p = ll->paths[i].path;
        size_t n = strlen(p);
        while (n > 1 && p[n - 1] == '/')
            n--;
        bool under = (n == 1 && p[0] == '/') ||
                     (strncmp(p, x->path, n) == 0 && (plen == n || x->path[n] == '/'));
        if (under)
            granted |= ll->paths[i].access;
    }
    uint64_t missing = x->access & ll->handled.fs & ~granted;
    if (!missing) {
        stk_buf_printf(actual, "permitted on %s", x->path);
    } else {
        stk_buf_printf(actual, "denied on %s (missing", x->path);
        for (int i = 0; i < 64; i++)
            if (missing >> i & 1)
                stk_buf_printf(actual, " %s", stk_ll_fs_name(1ull << i) ? stk_ll_fs_name(1ull << i) : "?");
        stk_buf_puts(actual, ")");
    }
    return (missing == 0) != x->negated;
}

bool stk_test_eval(const struct stk_expect *x, const struct stk_policy_ir *ir, const struct stk_bundle *b,
                   struct stk_buf *actual)
{
    switch (x->kind) {
    case STK_X_SECCOMP:
        return eval_seccomp(x, ir, b, actual);
    case STK_X_USER:
        stk_buf_printf(actual, "user %s", b->user ? b->user : "unchanged");
        return b->user && strcmp(b->user, x->user) == 0;
    case STK_X_CAPS: {
        if (b->caps == STK_BCAPS_ALL) {
            stk_buf_puts(actual, "capabilities all");
            return false;
        }
        uint64_t have = b->caps == STK_BCAPS_KEEP ? b->caps_keep : 0;
        put_caps(actual, have);
        return have == x->caps;
    }
    case STK_X_NNP:
        stk_buf_puts(actual, b->no_new_privs ? "no_new_privs set" : "no_new_privs not set");
        return b->no_new_privs;
    case STK_X_LANDLOCK:
        return eval_landlock(x, b, actual);
    case STK_X_NAMESPACES: {
        uint32_t ns = b->iso.present ? b->iso.ns : 0;
        static const char *const names[] = {"pid", "mount", "ipc", "uts", "net", "user", "cgroup"};
        stk_buf_puts(actual, "namespaces");
        const char *sep = " ";
        for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
            if (ns >> i & 1) {
                stk_buf_printf(actual, "%s%s", sep, names[i]);
                sep = ", ";
            }
        if (!ns)
            stk_buf_puts(actual, " none");
        return ns == x->ns;
    }
    }
    return false;
}
