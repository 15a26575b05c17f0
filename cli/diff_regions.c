/* diff_regions.c — seccomp regions of a diff as readable items:
 * "x86_64 socket(domain=AF_NETLINK)", "errno EAFNOSUPPORT", "allow".
 * Arguments are named with the signature table, single values with the
 * constant table where the argument has a known family of constants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consts.h"
#include "diff.h"
#include "ir/ir.h"
#include "seccomp/bpf_gen.h"
#include "sigs.h"
#include "syscalls.h"
#include "util.h"

int stk_diff_action_rank(uint32_t ret)
{
    return (int)stk_action_from_ret(ret).kind;
}

static bool in_set(const struct stk_diff_region *r, int w, uint32_t v)
{
    if (!r->set[w])
        return true;
    uint32_t c = stk_diff_cell_of(r->cells[w], v);
    return r->set[w][c / 8] >> (c % 8) & 1;
}

static const char *const_prefix(const char *sc, const char *arg)
{
    if (strcmp(arg, "domain") == 0 || strcmp(arg, "family") == 0)
        return "AF_";
    if (strcmp(sc, "socket") == 0 && strcmp(arg, "type") == 0)
        return "SOCK_";
    if (strcmp(arg, "prot") == 0)
        return "PROT_";
    if (strncmp(sc, "prctl", 5) == 0 && strcmp(arg, "option") == 0)
        return "PR_";
    if (strncmp(sc, "clone", 5) == 0 && strcmp(arg, "flags") == 0)
        return "CLONE_";
    if (strcmp(sc, "execveat") == 0 && strcmp(arg, "flags") == 0)
        return "AT_";
    size_t n = strlen(arg);
    if (n >= 2 && strcmp(arg + n - 2, "fd") == 0)
        return "FD"; /* the enforcer's exec descriptor */
    return NULL;
}

static void put_value(struct stk_buf *b, uint32_t v, bool sgn, const char *prefix)
{
    if (prefix && strcmp(prefix, "FD") == 0) {
        if (v == STK_EXEC_FD_PLACEHOLDER) {
            stk_buf_puts(b, "EXEC_FD");
            return;
        }
        prefix = NULL;
    }
    if (prefix) {
        size_t pl = strlen(prefix);
        for (size_t i = 0; i < stk_const_count; i++)
            if (strncmp(stk_const_table[i].name, prefix, pl) == 0 && stk_const_table[i].value == (int64_t)v) {
                stk_buf_puts(b, stk_const_table[i].name);
                return;
            }
    }
    if (sgn && (int32_t)v < 0)
        stk_buf_printf(b, "%d", (int32_t)v);
    else if (v < 4096)
        stk_buf_printf(b, "%u", v);
    else
        stk_buf_printf(b, "0x%x", v);
}

/* "name=V", "name in {A, B..C}", "name&0xM in {..}" for one word's cell set. */
static void put_word(struct stk_buf *b, const struct stk_diff_cells *c, const uint8_t *set, const char *name,
                     bool sgn, const char *prefix)
{
    size_t ncells = c->nstart * c->npat;
    if (c->approx) {
        /* approximate cells: which masked equality holds */
        stk_buf_printf(b, "%s ~ {", name);
        for (size_t i = 0, n = 0; i < ncells; i++) {
            if (!(set[i / 8] >> (i % 8) & 1))
                continue;
            size_t k = i % c->npat, iv = i / c->npat;
            stk_buf_puts(b, n++ ? "; " : "");
            if (k < c->nkeys)
                stk_buf_printf(b, "&0x%x=0x%x", c->keys[k].m, c->keys[k].v);
            else
                stk_buf_puts(b, "other");
            if (c->nstart > 1)
                stk_buf_printf(b, " in 0x%x..0x%x", c->start[iv],
                               iv + 1 < c->nstart ? c->start[iv + 1] - 1 : 0xffffffffu);
        }
        stk_buf_puts(b, "}");
        return;
    }
    if (c->npat > 1) {
        /* bit patterns: list the patterns per interval (or the missing ones) */
        stk_buf_printf(b, "%s&0x%x", name, c->mask);
        bool first = true;
        for (size_t iv = 0; iv < c->nstart; iv++) {
            size_t in = 0;
            for (uint32_t p = 0; p < c->npat; p++)
                in += set[(iv * c->npat + p) / 8] >> ((iv * c->npat + p) % 8) & 1;
            if (!in)
                continue;
            bool neg = in * 2 > c->npat;
            stk_buf_puts(b, first ? (neg ? " not in {" : " in {") : (neg ? "; not in {" : "; in {"));
            first = false;
            bool f2 = true;
            for (uint32_t p = 0; p < c->npat; p++) {
                bool has = set[(iv * c->npat + p) / 8] >> ((iv * c->npat + p) % 8) & 1;
                if (has == neg)
                    continue;
                uint32_t v = 0, bit = 1;
                for (uint32_t m = c->mask; m; m &= m - 1, bit <<= 1)
                    if (p & bit)
                        v |= m & -m;
                stk_buf_puts(b, f2 ? "" : ", ");
                put_value(b, v, false, v && !(v & (v - 1)) ? prefix : NULL);
                f2 = false;
            }
            stk_buf_puts(b, "}");
            if (c->nstart > 1) {
                uint32_t lo = c->start[iv], hi = iv + 1 < c->nstart ? c->start[iv + 1] - 1 : 0xffffffffu;
                stk_buf_printf(b, " where %s in 0x%x..0x%x", name, lo, hi);
            }
        }
        return;
    }
    /* intervals: merge adjacent cells */
    struct ivl { uint32_t lo, hi; } iv[8];
    size_t niv = 0, more = 0;
    for (size_t i = 0; i < c->nstart; i++) {
        if (!(set[i / 8] >> (i % 8) & 1))
            continue;
        uint32_t lo = c->start[i], hi = i + 1 < c->nstart ? c->start[i + 1] - 1 : 0xffffffffu;
        if (niv && iv[niv - 1].hi + 1 == lo && iv[niv - 1].hi != 0xffffffffu)
            iv[niv - 1].hi = hi;
        else if (niv < 8)
            iv[niv++] = (struct ivl){lo, hi};
        else
            more++;
    }
    bool single = niv == 1 && iv[0].lo == iv[0].hi && !more;
    stk_buf_printf(b, single ? "%s=" : "%s in {", name);
    for (size_t i = 0; i < niv; i++) {
        if (i)
            stk_buf_puts(b, ", ");
        put_value(b, iv[i].lo, sgn, iv[i].lo == iv[i].hi ? prefix : NULL);
        if (iv[i].hi != iv[i].lo) {
            stk_buf_puts(b, "..");
            put_value(b, iv[i].hi, sgn, NULL);
        }
    }
    if (more)
        stk_buf_printf(b, ", ... (%zu more)", more);
    if (!single)
        stk_buf_puts(b, "}");
}

static void put_args(struct stk_buf *b, const struct stk_diff_region *r,
                     const char *sc, enum stk_abi abi)
{
    const struct stk_sig *sig = sc ? stk_sig_lookup(sc) : NULL;
    bool any = false;
    for (int w = 2; w < STK_DIFF_WORDS; w++) {
        if (!r->set[w])
            continue;
        char name[48];
        bool sgn = false;
        const char *prefix = NULL;
        if (w < 4) {
            snprintf(name, sizeof name, "instruction_pointer.%s", w == 2 ? "lo" : "hi");
        } else {
            int ai = (w - 4) / 2;
            bool hi = (w - 4) % 2;
            const char *an = NULL;
            enum stk_arg_type ty = STK_ARG_ULONG;
            for (int j = 0; sig && j < sig->nargs; j++) {
                enum stk_arg_type t;
                if (stk_sig_arg(sc, abi, sig->args[j].name, &t) == ai) {
                    an = sig->args[j].name;
                    ty = t;
                }
            }
            char anbuf[8];
            if (!an) {
                snprintf(anbuf, sizeof anbuf, "arg%d", ai);
                an = anbuf;
            }
            bool w64 = stk_arg_width(ty, abi) == 64;
            snprintf(name, sizeof name, "%s%s", an, w64 ? (hi ? ".hi" : ".lo") : (hi ? ".hi" : ""));
            sgn = !hi && !w64 && stk_arg_signed(ty);
            prefix = sc && !hi ? const_prefix(sc, an) : NULL;
        }
        stk_buf_puts(b, any ? ", " : "(");
        any = true;
        put_word(b, r->cells[w], r->set[w], name, sgn, prefix);
    }
    if (any)
        stk_buf_puts(b, ")");
}

static void add_item(struct stk_diff *out, const struct stk_diff_region *r, const char *what)
{
    char b1[64], b2[64];
    int ro = stk_diff_action_rank(r->old_ret), rn = stk_diff_action_rank(r->new_ret);
    enum stk_diff_dir dir = rn > ro ? STK_DIFF_LOOSENED : rn < ro ? STK_DIFF_TIGHTENED : STK_DIFF_CHANGED;
    stk_diff_add(out, dir, "seccomp", what, stk_action_str(stk_action_from_ret(r->old_ret), b1, sizeof b1),
                 stk_action_str(stk_action_from_ret(r->new_ret), b2, sizeof b2));
}

static void region_items(const struct stk_diff_region *r, struct stk_diff *out)
{
    bool other_arch = !r->set[1];
    if (r->set[1]) {
        /* cells of the arch word holding no ABI stockade knows */
        const struct stk_diff_cells *c = r->cells[1];
        for (size_t i = 0; i < c->nstart * c->npat && !other_arch; i++) {
            if (!(r->set[1][i / 8] >> (i % 8) & 1))
                continue;
            bool known = false;
            for (int a = 0; a < STK_ABI_COUNT; a++)
                if (stk_diff_cell_of(c, stk_abis[a].audit_arch) == i) {
                    uint32_t lo = c->start[i / c->npat];
                    uint32_t hi = i / c->npat + 1 < c->nstart ? c->start[i / c->npat + 1] - 1 : 0xffffffffu;
                    known = lo == hi || c->npat > 1; /* a cell holding only that value */
                }
            other_arch = !known;
        }
    }
    if (other_arch) {
        struct stk_buf b = {0};
        stk_buf_puts(&b, "architectures stockade does not compile for");
        add_item(out, r, b.data);
        stk_buf_free(&b);
    }
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        enum stk_abi abi = (enum stk_abi)a;
        if (!in_set(r, 1, stk_abis[a].audit_arch))
            continue;
        for (size_t id = 0; id < stk_syscall_count; id++) {
            int64_t nr = stk_syscall_nr((int)id, abi);
            if (nr < 0 || !in_set(r, 0, (uint32_t)nr))
                continue;
            struct stk_buf b = {0};
            stk_buf_printf(&b, "%s %s", stk_abis[a].name, stk_syscall_table[id].name);
            put_args(&b, r, stk_syscall_table[id].name, abi);
            add_item(out, r, b.data);
            stk_buf_free(&b);
        }
        /* numbers without a name: represented by the one after the largest */
        uint32_t unk = (uint32_t)stk_syscall_max_nr(abi) + 1 + stk_abis[a].nr_offset;
        if (in_set(r, 0, unk) && (abi != STK_ABI_X86_64 || (unk & 0x40000000u) == 0)) {
            struct stk_buf b = {0};
            stk_buf_printf(&b, "%s syscall numbers without a name (from %u on)", stk_abis[a].name, unk);
            put_args(&b, r, NULL, abi);
            add_item(out, r, b.data);
            stk_buf_free(&b);
        }
    }
}

static int cmp_item(const void *a, const void *b)
{
    const struct stk_diff_item *x = a, *y = b;
    int c = strcmp(x->what, y->what);
    return c ? c : strcmp(x->before, y->before);
}

void stk_diff_seccomp_items(const struct stk_diff_seccomp *s, struct stk_diff *out)
{
    size_t first = out->n;
    for (size_t i = 0; i < s->nreg; i++)
        region_items(&s->reg[i], out);
    /* regions come out in merge order: sort for a stable report */
    if (out->n > first)
        qsort(out->v + first, out->n - first, sizeof *out->v, cmp_item);
    if (s->approximate)
        out->approximate = true;
}
