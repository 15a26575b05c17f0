/* sema_expr.c — `if` expressions into conditions for one syscall:
 * argument names resolved through the signature table (per ABI), constants
 * folded, comparisons normalised to (arg & mask) OP constant. */
#include <stdlib.h>
#include <string.h>

#include "edit_distance.h"
#include "consts.h"
#include "sema/sema.h"
#include "sigs.h"
#include "util.h"

struct val {
    bool is_const;
    uint64_t c;
    /* argument */
    int8_t argno[STK_ABI_COUNT];
    enum stk_arg_type type;
    uint64_t mask;
    const char *name;
    struct stk_loc loc;
};

struct ctx {
    struct stk_unit *u;
    int syscall;
    const char *scname;
    const bool *abis;
    bool restrictive; /* the rule refuses what it matches (for the flag-equality lint) */
};

static void unknown_name(struct ctx *x, const struct stk_expr *e)
{
    if (stk_diags_file_full(x->u->ds, e->loc)) { /* not recorded: skip the did-you-mean search */
        stk_error(x->u->ds, "unknown-name", e->loc, "unknown name '%s'", e->name);
        return;
    }
    const struct stk_sig *sig = stk_sig_lookup(x->scname);
    struct stk_closest arg;
    stk_closest_init(&arg, e->name);
    for (unsigned i = 0; sig && i < sig->nargs; i++)
        stk_closest_offer(&arg, sig->args[i].name);
    /* a constant when the name is closer to one than to an argument; a long
     * name may be a few more edits away (PROT_EXECUTE -> PROT_EXEC) */
    size_t len = strlen(e->name);
    struct stk_closest cst;
    stk_closest_init_cap(&cst, e->name, len / 4 > STK_CLOSEST_MAX_EDITS ? (unsigned)(len / 4) : STK_CLOSEST_MAX_EDITS);
    for (size_t i = 0; i < stk_const_count && !cst.exact; i++)
        stk_closest_offer(&cst, stk_const_table[i].name);
    const char *best = arg.best;
    if (cst.best && (!best || cst.dist < arg.dist))
        best = cst.best;
    struct stk_buf args = {0};
    if (sig && sig->nargs) {
        for (unsigned i = 0; i < sig->nargs; i++)
            stk_buf_printf(&args, "%s%s", i ? ", " : "", sig->args[i].name);
    }
    char *hint = best ? stk_xasprintf("did you mean '%s'?", best)
                 : args.data ? stk_xasprintf("%s takes: %s (or arg0..arg5)", x->scname, args.data)
                             : NULL;
    stk_diag(x->u->ds, STK_SEV_ERROR, "unknown-name", e->loc, hint,
             "'%s' is neither an argument of %s nor a known constant", e->name, x->scname);
    free(hint);
    stk_buf_free(&args);
}

static bool is_argref(const char *name)
{
    return strncmp(name, "arg", 3) == 0 && name[3] >= '0' && name[3] <= '9';
}

/* regN (N 0..5): the N-th argument register as libseccomp and the OCI
 * runtimes compare it, whatever the signature says: unsigned, 64 bits on the
 * 64-bit ABIs but x32 (written by `stockade import`).  -1 otherwise. */
static int regref(const char *name)
{
    return strncmp(name, "reg", 3) == 0 && name[3] >= '0' && name[3] <= '5' && name[4] == '\0' ? name[3] - '0' : -1;
}

static void check_fits(struct ctx *x, const struct val *arg, uint64_t c, struct stk_loc loc);

/* `mode & 07000` reads as C would not: a leading zero is decimal here
 * (docs/language.md), so the policy compares with 7000, not 0o7000.  Said
 * once per place (the sink drops repeats for the other syscalls of a rule). */
static void leading_zero(struct ctx *x, const struct stk_expr *e)
{
    const char *t = e->name + (e->name[0] == '-');
    if (t[0] != '0' || t[1] < '0' || t[1] > '9')
        return;
    char *hint = stk_xasprintf("write 0o%s for octal, or leave the zero out for decimal", t + 1);
    stk_diag(x->u->ds, STK_SEV_WARNING, "leading-zero", e->loc, hint,
             "'%s' is the decimal number %s: a leading zero does not mean octal", e->name, t + strspn(t, "0_"));
    free(hint);
}

static bool value(struct ctx *x, const struct stk_expr *e, struct val *out)
{
    memset(out, 0, sizeof *out);
    out->loc = e->loc;
    switch (e->kind) {
    case STK_E_NUM:
        out->is_const = true;
        if (!stk_parse_int(e->name, &out->c)) {
            stk_error(x->u->ds, "bad-number", e->loc, "'%s' is not a valid number", e->name);
            return false;
        }
        leading_zero(x, e);
        return true;
    case STK_E_NAME: {
        int reg = regref(e->name);
        if (reg >= 0) {
            for (int a = 0; a < STK_ABI_COUNT; a++)
                out->argno[a] = (int8_t)reg;
            out->type = STK_ARG_SCMP;
            out->mask = ~0ull;
            out->name = e->name;
            return true;
        }
        enum stk_abi native = stk_native_abi();
        enum stk_arg_type type;
        int n = stk_sig_arg(x->scname, native, e->name, &type);
        if (n < 0) {
            for (int a = 0; a < STK_ABI_COUNT && n < 0; a++)
                if (x->abis[a])
                    n = stk_sig_arg(x->scname, (enum stk_abi)a, e->name, &type);
        }
        if (n >= 0) {
            if (is_argref(e->name) && strlen(e->name) != 4) {
                stk_error(x->u->ds, "unknown-name", e->loc, "'%s': arguments are arg0 to arg5", e->name);
                return false;
            }
            for (int a = 0; a < STK_ABI_COUNT; a++) {
                enum stk_arg_type t2;
                int m = stk_sig_arg(x->scname, (enum stk_abi)a, e->name, &t2);
                out->argno[a] = (int8_t)(m >= 0 ? m : n);
            }
            out->type = type;
            out->mask = ~0ull;
            out->name = e->name;
            return true;
        }
        int64_t v;
        if (stk_const_lookup(e->name, &v)) {
            out->is_const = true;
            out->c = (uint64_t)v;
            return true;
        }
        if (is_argref(e->name)) {
            stk_error(x->u->ds, "unknown-name", e->loc, "'%s': arguments are arg0 to arg5", e->name);
            return false;
        }
        unknown_name(x, e);
        return false;
    }
    case STK_E_BAND:
    case STK_E_BOR: {
        struct val a, b;
        bool ok = value(x, e->a, &a);
        ok = value(x, e->b, &b) && ok;
        if (!ok)
            return false;
        if (a.is_const && b.is_const) {
            out->is_const = true;
            out->c = e->kind == STK_E_BAND ? a.c & b.c : a.c | b.c;
            return true;
        }
        if (e->kind == STK_E_BOR) {
            stk_diag(x->u->ds, STK_SEV_ERROR, "unsupported-expression", e->loc,
                     "'|' combines constants, e.g. (flags & (O_WRONLY | O_RDWR)) == 0",
                     "'|' cannot be applied to argument '%s'", a.is_const ? b.name : a.name);
            return false;
        }
        if (!a.is_const && !b.is_const) {
            stk_error(x->u->ds, "unsupported-expression", e->loc,
                      "'&' between two arguments is not supported; mask an argument with a constant");
            return false;
        }
        *out = a.is_const ? b : a;
        /* a mask with bits the kernel never reads (clone's flags are 32 bits) */
        check_fits(x, out, a.is_const ? a.c : b.c, a.is_const ? a.loc : b.loc);
        out->mask &= a.is_const ? a.c : b.c;
        return true;
    }
    default:
        stk_error(x->u->ds, "type-mismatch", e->loc, "expected a value here, found a condition");
        return false;
    }
}

static enum stk_cmp_op flip(enum stk_cmp_op op)
{
    switch (op) {
    case STK_CMP_LT: return STK_CMP_GT;
    case STK_CMP_LE: return STK_CMP_GE;
    case STK_CMP_GT: return STK_CMP_LT;
    case STK_CMP_GE: return STK_CMP_LE;
    default: return op;
    }
}

static struct stk_cond *new_cond(enum stk_cond_kind k)
{
    struct stk_cond *c = stk_xcalloc(1, sizeof *c);
    c->kind = k;
    return c;
}

static void fill_arg(struct stk_cond *c, const struct val *v)
{
    memcpy(c->argno, v->argno, sizeof c->argno);
    c->type = v->type;
    c->mask = v->mask;
}

/* Warn when a constant cannot be what a 32-bit argument holds. */
static void check_fits(struct ctx *x, const struct val *arg, uint64_t c, struct stk_loc loc)
{
    if (arg->type != STK_ARG_INT && arg->type != STK_ARG_UINT)
        return;
    int64_t s = (int64_t)c;
    if (s >= INT32_MIN && s <= (int64_t)UINT32_MAX)
        return;
    stk_diag(x->u->ds, STK_SEV_WARNING, "constant-too-wide", loc,
             "the kernel reads this argument as 32 bits; only the low 32 bits are compared",
             "constant 0x%llx does not fit in 32-bit argument '%s'", (unsigned long long)c, arg->name);
}

/* Lint: an unsigned argument compared so that the result never depends on
 * it (fd > -1 with an unsigned fd: -1 is the largest value, never exceeded). */
static void check_unsigned_cmp(struct ctx *x, const struct val *arg, enum stk_cmp_op op, uint64_t c,
                               struct stk_loc loc)
{
    if (stk_arg_signed(arg->type) || arg->mask != ~(uint64_t)0)
        return;
    bool narrow = arg->type == STK_ARG_INT || arg->type == STK_ARG_UINT;
    uint64_t max = narrow ? UINT32_MAX : UINT64_MAX;
    uint64_t v = c & max;
    int truth = -1;
    if ((op == STK_CMP_LT && v == 0) || (op == STK_CMP_GT && v == max))
        truth = 0;
    else if ((op == STK_CMP_GE && v == 0) || (op == STK_CMP_LE && v == max))
        truth = 1;
    if (truth < 0)
        return;
    char *hint = (int64_t)c < 0 ? stk_xasprintf("'%s' is unsigned: %lld compares as 0x%llx", arg->name,
                                                (long long)(int64_t)c, (unsigned long long)v)
                                : stk_xasprintf("'%s' is unsigned: it is never below 0", arg->name);
    stk_diag(x->u->ds, STK_SEV_WARNING, "constant-condition", loc, hint,
             "comparison is always %s for unsigned argument '%s'", truth ? "true" : "false", arg->name);
    free(hint);
}

/* An expression made of constants only (names that are not arguments are
 * checked later; here a syntactic guess is enough: it only picks the text the
 * flag-equality hint quotes). */
static bool value_is_const_expr(const struct stk_expr *e)
{
    if (!e)
        return false;
    if (e->kind == STK_E_NUM)
        return true;
    if (e->kind == STK_E_NAME)
        return stk_const_lookup(e->name, &(int64_t){0});
    if (e->kind == STK_E_BOR || e->kind == STK_E_BAND)
        return value_is_const_expr(e->a) && value_is_const_expr(e->b);
    return false;
}

static struct stk_cond *constant_result(struct ctx *x, bool truth, struct stk_loc loc)
{
    stk_diag(x->u->ds, STK_SEV_WARNING, "constant-condition", loc, NULL, "condition is always %s",
             truth ? "true" : "false");
    return new_cond(truth ? STK_COND_TRUE : STK_COND_FALSE);
}

static struct stk_cond *cond(struct ctx *x, const struct stk_expr *e, bool neg)
{
    switch (e->kind) {
    case STK_E_OR:
    case STK_E_AND: {
        struct stk_cond *a = cond(x, e->a, neg), *b = cond(x, e->b, neg);
        if (!a || !b) {
            stk_cond_free(a);
            stk_cond_free(b);
            return NULL;
        }
        struct stk_cond *c = new_cond(e->kind == STK_E_OR ? STK_COND_OR : STK_COND_AND);
        c->a = a;
        c->b = b;
        return c;
    }
    case STK_E_NOT: {
        struct stk_cond *a = cond(x, e->a, !neg);
        if (!a)
            return NULL;
        struct stk_cond *c = new_cond(STK_COND_NOT);
        c->a = a;
        return c;
    }
    case STK_E_CMP: {
        struct val a, b;
        bool ok = value(x, e->a, &a);
        ok = value(x, e->b, &b) && ok;
        if (!ok)
            return NULL;
        enum stk_cmp_op op = (enum stk_cmp_op)e->op;
        if (a.is_const && b.is_const)
            return constant_result(x, stk_cmp_holds(op, a.c, b.c), e->loc);
        if (!a.is_const && !b.is_const) {
            stk_error(x->u->ds, "unsupported-expression", e->loc,
                      "cannot compare two arguments; compare an argument with a constant");
            return NULL;
        }
        if (a.is_const) { /* 3 < fd  ->  fd > 3 */
            struct val t = a;
            a = b;
            b = t;
            op = flip(op);
        }
        check_fits(x, &a, b.c, b.loc);
        check_unsigned_cmp(x, &a, op, b.c, e->loc);
        if (op == STK_CMP_EQ || op == STK_CMP_NE) {
            const struct stk_expr *cexpr = e->a;
            if (value_is_const_expr(e->b))
                cexpr = e->b;
            struct stk_flag_cmp fc = {a.argno, a.mask, a.name, op == STK_CMP_EQ, false, x->restrictive, neg,
                                      &b.c, 1, &cexpr, 1, e->loc};
            stk_lint_flag_compare(x->u, x->scname, &fc);
        }
        struct stk_cond *c = new_cond(STK_COND_CMP);
        fill_arg(c, &a);
        c->op = op;
        c->value = b.c;
        return c;
    }
    case STK_E_IN:
    case STK_E_NOTIN: {
        struct val a;
        if (!value(x, e->a, &a))
            return NULL;
        if (a.is_const) {
            stk_error(x->u->ds, "unsupported-expression", e->a->loc,
                      "the left side of 'in' must be an argument");
            return NULL;
        }
        struct stk_cond *c = new_cond(STK_COND_IN);
        fill_arg(c, &a);
        c->values = stk_xcalloc(e->nlist, sizeof *c->values);
        bool ok = true;
        for (size_t i = 0; i < e->nlist; i++) {
            struct val v;
            if (!value(x, e->list[i], &v)) {
                ok = false;
                continue;
            }
            if (!v.is_const) {
                stk_error(x->u->ds, "unsupported-expression", e->list[i]->loc,
                          "the values of 'in (...)' must be constants");
                ok = false;
                continue;
            }
            check_fits(x, &a, v.c, v.loc);
            c->values[c->nvalues++] = v.c;
        }
        if (!ok) {
            stk_cond_free(c);
            return NULL;
        }
        struct stk_flag_cmp fc = {a.argno, a.mask, a.name, e->kind == STK_E_IN, true, x->restrictive, neg,
                                  c->values, c->nvalues, (const struct stk_expr *const *)e->list, e->nlist, e->loc};
        stk_lint_flag_compare(x->u, x->scname, &fc);
        if (e->kind == STK_E_NOTIN) {
            struct stk_cond *n = new_cond(STK_COND_NOT);
            n->a = c;
            return n;
        }
        return c;
    }
    default: {
        /* A value used as a condition: true when non-zero (flags & O_CREAT). */
        struct val v;
        if (!value(x, e, &v))
            return NULL;
        if (v.is_const)
            return constant_result(x, v.c != 0, e->loc);
        struct stk_cond *c = new_cond(STK_COND_CMP);
        fill_arg(c, &v);
        c->op = STK_CMP_NE;
        c->value = 0;
        return c;
    }
    }
}

struct stk_cond *stk_expr_resolve(struct stk_unit *u, const struct stk_expr *e, int syscall,
                                  const bool abis[STK_ABI_COUNT], bool restrictive)
{
    struct ctx x = {u, syscall, stk_syscall_table[syscall].name, abis, restrictive};
    return cond(&x, e, false);
}
