/* libseccomp_peer.c — the same policy built with libseccomp's own filter
 * builder, where libseccomp can express it.  Used as an independent
 * cross-check of our code generator (tests) and as the peer in benchmarks.
 *
 * libseccomp has no rule order and no boolean expressions, so only this
 * subset is accepted: per syscall, either one unconditional outcome, or
 * conditional rules that all share one action and fall back to the default
 * action, each condition a comparison, an `in` list, or an AND of
 * comparisons on different arguments. */
#include "lib/libseccomp_peer.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

static uint32_t scmp_action(struct stk_action a)
{
    switch (a.kind) {
    case STK_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
    case STK_ACT_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
    case STK_ACT_TRAP: return SCMP_ACT_TRAP;
    case STK_ACT_ERRNO: return SCMP_ACT_ERRNO(a.data);
    case STK_ACT_NOTIFY: return SCMP_ACT_NOTIFY;
    case STK_ACT_TRACE: return SCMP_ACT_TRACE(a.data);
    case STK_ACT_LOG: return SCMP_ACT_LOG;
    case STK_ACT_ALLOW: return SCMP_ACT_ALLOW;
    }
    return SCMP_ACT_KILL_PROCESS;
}

static bool cmp_op(enum stk_cmp_op op, enum scmp_compare *out)
{
    switch (op) {
    case STK_CMP_EQ: *out = SCMP_CMP_EQ; return true;
    case STK_CMP_NE: *out = SCMP_CMP_NE; return true;
    case STK_CMP_LT: *out = SCMP_CMP_LT; return true;
    case STK_CMP_LE: *out = SCMP_CMP_LE; return true;
    case STK_CMP_GT: *out = SCMP_CMP_GT; return true;
    case STK_CMP_GE: *out = SCMP_CMP_GE; return true;
    }
    return false;
}

/* One comparison; false if libseccomp cannot say it the way we mean it. */
static bool one_cmp(const struct stk_cond *c, enum stk_abi abi, struct scmp_arg_cmp *out)
{
    if (c->kind != STK_COND_CMP)
        return false;
    /* libseccomp compares unsigned 64-bit values: signed arguments only for
     * (in)equality with small non-negative constants */
    if (stk_arg_signed(c->type) && (c->op != STK_CMP_EQ && c->op != STK_CMP_NE))
        return false;
    if (stk_arg_signed(c->type) && c->value >= 0x80000000ull)
        return false;
    uint64_t full = stk_arg_width(c->type, abi) == 32 ? 0xffffffffull : ~0ull;
    unsigned arg = (unsigned)c->argno[abi];
    if ((c->mask & full) != full) {
        if (c->op != STK_CMP_EQ)
            return false;
        *out = (struct scmp_arg_cmp){arg, SCMP_CMP_MASKED_EQ, c->mask & full, c->value & full};
        return true;
    }
    enum scmp_compare op;
    if (!cmp_op(c->op, &op))
        return false;
    *out = (struct scmp_arg_cmp){arg, op, c->value & full, 0};
    return true;
}

static int add_cond(scmp_filter_ctx ctx, uint32_t act, int nr, const struct stk_cond *c, enum stk_abi abi)
{
    struct scmp_arg_cmp cmps[6];
    unsigned n = 0;
    if (c->kind == STK_COND_IN) {
        if (c->mask != ~0ull)
            return -EINVAL;
        for (size_t i = 0; i < c->nvalues; i++)
            if (stk_arg_signed(c->type) && c->values[i] >= 0x80000000ull)
                return -EINVAL;
        uint64_t full = stk_arg_width(c->type, abi) == 32 ? 0xffffffffull : ~0ull;
        for (size_t i = 0; i < c->nvalues; i++) {
            struct scmp_arg_cmp one = {(unsigned)c->argno[abi], SCMP_CMP_EQ, c->values[i] & full, 0};
            int r = seccomp_rule_add_exact_array(ctx, act, nr, 1, &one);
            if (r < 0)
                return r;
        }
        return 0;
    }
    const struct stk_cond *stack[8];
    size_t sp = 0;
    stack[sp++] = c;
    while (sp > 0) {
        const struct stk_cond *x = stack[--sp];
        if (x->kind == STK_COND_AND) {
            if (sp + 2 > 8)
                return -EINVAL;
            stack[sp++] = x->b;
            stack[sp++] = x->a;
            continue;
        }
        if (n == 6 || !one_cmp(x, abi, &cmps[n]))
            return -EINVAL;
        for (unsigned i = 0; i < n; i++)
            if (cmps[i].arg == cmps[n].arg)
                return -EINVAL;
        n++;
    }
    return seccomp_rule_add_exact_array(ctx, act, nr, n, cmps);
}

int stk_libseccomp_build(const struct stk_policy_ir *ir, int optimize, struct sock_filter **out, size_t *len,
                         char *err, size_t errlen)
{
    const struct stk_seccomp *s = &ir->seccomp;
    uint32_t def = scmp_action(s->def);
    scmp_filter_ctx ctx = seccomp_init(def);
    if (!ctx) {
        snprintf(err, errlen, "seccomp_init failed");
        return -1;
    }
    int rc = -1;
    bool *done = stk_xcalloc(stk_syscall_count, sizeof *done);
    enum stk_abi native = stk_native_abi();
    /* libseccomp adds x32 only when asked; ABIs not named get kill-process, like ours. */
    if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0 ||
        (optimize > 0 && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t)optimize) < 0)) {
        snprintf(err, errlen, "libseccomp attributes rejected");
        goto out;
    }
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (s->abis[a] && a != (int)native && seccomp_arch_add(ctx, (uint32_t)stk_abis[a].libseccomp_arch) < 0) {
            snprintf(err, errlen, "libseccomp cannot add architecture %s", stk_abis[a].name);
            goto out;
        }
    }
    if (!s->abis[native] && seccomp_arch_remove(ctx, (uint32_t)stk_abis[native].libseccomp_arch) < 0) {
        snprintf(err, errlen, "libseccomp cannot remove the native architecture");
        goto out;
    }
    for (size_t i = 0; i < s->nrules; i++) {
        const struct stk_rule *r = &s->rules[i];
        if (done[r->syscall])
            continue;
        const char *name = stk_syscall_table[r->syscall].name;
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) {
            done[r->syscall] = true; /* libseccomp does not know it: left to the default */
            continue;
        }
        if (!r->cond) {
            done[r->syscall] = true;
            uint32_t act = scmp_action(r->action);
            if (act != def && seccomp_rule_add(ctx, act, nr, 0) < 0) {
                snprintf(err, errlen, "libseccomp rejected the rule for %s", name);
                goto out;
            }
            continue;
        }
        /* Conditional: all of this syscall's conditional rules must share one
         * action and fall back to the default. */
        for (size_t j = i + 1; j < s->nrules; j++) {
            const struct stk_rule *o = &s->rules[j];
            if (o->syscall != r->syscall)
                continue;
            if (o->cond ? !stk_action_eq(o->action, r->action) : !stk_action_eq(o->action, s->def)) {
                snprintf(err, errlen, "%s: rules that libseccomp cannot order", name);
                goto out;
            }
            if (!o->cond)
                break;
        }
        done[r->syscall] = true;
        uint32_t act = scmp_action(r->action);
        for (size_t j = i; j < s->nrules; j++) {
            const struct stk_rule *o = &s->rules[j];
            if (o->syscall != r->syscall)
                continue;
            if (!o->cond)
                break;
            if (act == def)
                continue;
            if (add_cond(ctx, act, nr, o->cond, native) < 0) {
                snprintf(err, errlen, "%s: a condition libseccomp cannot express", name);
                goto out;
            }
        }
    }
    int fd = memfd_create("stockade-libseccomp", MFD_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "memfd_create: %s", strerror(errno));
        goto out;
    }
    if (seccomp_export_bpf(ctx, fd) < 0) {
        snprintf(err, errlen, "seccomp_export_bpf failed");
        close(fd);
        goto out;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "libseccomp exported an unexpected program size");
        close(fd);
        goto out;
    }
    *out = stk_xmalloc((size_t)size);
    size_t got = 0;
    while (got < (size_t)size) {
        ssize_t n = read(fd, (char *)*out + got, (size_t)size - got);
        if (n <= 0) {
            snprintf(err, errlen, "reading libseccomp's program: %s", n < 0 ? strerror(errno) : "short");
            free(*out);
            *out = NULL;
            close(fd);
            goto out;
        }
        got += (size_t)n;
    }
    close(fd);
    *len = (size_t)size / sizeof(struct sock_filter);
    rc = 0;
out:
    free(done);
    seccomp_release(ctx);
    return rc;
}
