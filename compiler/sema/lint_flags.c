/* lint_flags.c — lint: a flag-carrying argument compared with `==`/`in`
 * (or `!=`/`not in`) where a caller can OR other flags in to get around the
 * rule.  `errno EACCES socket if type == SOCK_DGRAM` does not match
 * SOCK_DGRAM | SOCK_CLOEXEC; `allow socket if type != SOCK_RAW` matches
 * SOCK_RAW | SOCK_NONBLOCK.  The fix is a masked comparison, which the
 * warning's hint spells out (docs/language.md, "Flag arguments"). */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"
#include "sigs.h"
#include "util.h"

/* Arguments whose value is a set of flags the kernel combines freely.  mask
 * is the part that holds the value a rule usually means (socket types: the
 * low 4 bits, SOCK_TYPE_MASK in the kernel; open flags: O_ACCMODE), or NULL
 * when every bit is a flag of its own. */
static const struct flag_arg {
    const char *syscall, *arg, *mask;
    uint64_t maskval;
} flag_args[] = {
    {"socket", "type", "0xf", 0xf},
    {"socketpair", "type", "0xf", 0xf},
    {"open", "flags", "O_ACCMODE", 3},
    {"openat", "flags", "O_ACCMODE", 3},
    {"open_by_handle_at", "flags", "O_ACCMODE", 3},
    {"mq_open", "oflag", "O_ACCMODE", 3},
    {"clone", "flags", NULL, 0},
    {"unshare", "flags", NULL, 0},
    {"mmap", "prot", NULL, 0},
    {"mmap", "flags", NULL, 0},
    {"mmap2", "prot", NULL, 0},
    {"mmap2", "flags", NULL, 0},
    {"mprotect", "prot", NULL, 0},
    {"pkey_mprotect", "prot", NULL, 0},
    {"mremap", "flags", NULL, 0},
    {"mount", "mountflags", NULL, 0},
    {"umount2", "flags", NULL, 0},
    {"accept4", "flags", NULL, 0},
    {"pipe2", "flags", NULL, 0},
    {"dup3", "flags", NULL, 0},
    {"eventfd2", "flags", NULL, 0},
    {"epoll_create1", "flags", NULL, 0},
    {"inotify_init1", "flags", NULL, 0},
    {"signalfd4", "flags", NULL, 0},
    {"timerfd_create", "flags", NULL, 0},
    {"memfd_create", "flags", NULL, 0},
    {"execveat", "flags", NULL, 0},
    {"linkat", "flags", NULL, 0},
    {"renameat2", "flags", NULL, 0},
    {"statx", "flags", NULL, 0},
    {"sendto", "flags", NULL, 0},
    {"recvfrom", "flags", NULL, 0},
    {"sendmsg", "flags", NULL, 0},
    {"recvmsg", "flags", NULL, 0},
    {"sendmmsg", "flags", NULL, 0},
    {"recvmmsg", "flags", NULL, 0},
    {"send", "flags", NULL, 0},
    {"recv", "flags", NULL, 0},
};

static const struct flag_arg *find_flag_arg(const char *scname, const int8_t argno[STK_ABI_COUNT])
{
    enum stk_abi native = stk_native_abi();
    for (size_t i = 0; i < sizeof flag_args / sizeof flag_args[0]; i++) {
        if (strcmp(flag_args[i].syscall, scname) != 0)
            continue;
        /* by position, so `arg1` is recognised as socket's type too */
        int n = stk_sig_arg(scname, native, flag_args[i].arg, NULL);
        if (n >= 0 && n == argno[native])
            return &flag_args[i];
        for (int a = 0; n < 0 && a < STK_ABI_COUNT; a++) {
            n = stk_sig_arg(scname, (enum stk_abi)a, flag_args[i].arg, NULL);
            if (n >= 0 && n == argno[a])
                return &flag_args[i];
        }
    }
    return NULL;
}

/* The text of a constant as written, when it is one name or number. */
static char *const_text(const struct stk_expr *e, uint64_t v)
{
    if (e && (e->kind == STK_E_NAME || e->kind == STK_E_NUM) && e->name)
        return stk_xstrdup(e->name);
    return stk_xasprintf("0x%llx", (unsigned long long)v);
}

void stk_lint_flag_compare(struct stk_unit *u, const char *scname, const struct stk_flag_cmp *c)
{
    if (c->mask != ~(uint64_t)0)
        return; /* already masked */
    const struct flag_arg *fa = find_flag_arg(scname, c->argno);
    if (!fa)
        return;
    /* The constant that matters: the first non-zero one (0 means "no flags"). */
    size_t k = 0;
    while (k < c->nvalues && c->values[k] == 0)
        k++;
    if (k == c->nvalues)
        return;
    /* Can a caller get around the rule by OR-ing in more flags?  Extra bits
     * make `==`/`in` false and `!=`/`not in` true.  The caller wants the
     * rule not to match when it refuses, to match when it allows; a `!`
     * around the comparison turns that over. */
    bool want_false = c->restrictive != c->negated;
    if (c->eqlike != want_false)
        return;
    uint64_t v = c->values[k];
    bool list = c->list;
    bool in_mask = fa->mask != NULL;
    for (size_t i = 0; i < c->nvalues; i++)
        in_mask = in_mask && (c->values[i] & ~fa->maskval) == 0;
    char *val = const_text(k < c->nexprs ? c->exprs[k] : NULL, v);
    const char *op = list ? (c->eqlike ? "in" : "not in") : (c->eqlike ? "==" : "!=");
    const char *rhs = list ? "(...)" : val;
    char *fix;
    if (in_mask)
        fix = stk_xasprintf("%s & %s %s %s", c->argname, fa->mask, op, rhs);
    else if (!list || c->nvalues == 1)
        fix = stk_xasprintf("%s & %s %s %s", c->argname, val, c->eqlike ? "==" : "!=", val);
    else
        fix = stk_xasprintf("%s & %s %s %s, one comparison per value", c->argname, val, c->eqlike ? "==" : "!=", val);
    char *hint = stk_xasprintf("compare under a mask: '%s'", fix);
    if (c->eqlike)
        stk_diag(u->ds, STK_SEV_WARNING, "flag-equality", c->loc, hint,
                 "'%s %s %s' no longer matches when other flags are OR-ed into %s's '%s': a caller can get "
                 "around this rule",
                 c->argname, op, rhs, scname, c->argname);
    else
        stk_diag(u->ds, STK_SEV_WARNING, "flag-equality", c->loc, hint,
                 "'%s %s %s' matches %s with other flags OR-ed into %s's '%s': a caller can get around this rule",
                 c->argname, op, rhs, list ? "a listed value" : val, scname, c->argname);
    free(hint);
    free(fix);
    free(val);
}
