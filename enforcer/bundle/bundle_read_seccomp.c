/* bundle_read_seccomp.c — the SECCOMP record: stacked filters (docs/bundle.md).
 * Each filter is checked like the kernel's seccomp checker; the filters
 * together must fit the kernel's per-path limit; the exec descriptor sites
 * (the hand-over rule, which needs the only listener of the chain) are in
 * the last filter only. */
#include "bundle/bundle.h"
#include "bundle/bundle_decode.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#define STEP "bundle"

/* ---- BPF program check (the rules of the kernel's seccomp checker) ---------- */
static int check_bpf(const struct sock_filter *f, size_t len, struct stk_err *e)
{
    if (len == 0 || len > STK_BUNDLE_MAX_INSNS)
        return stk_errf(e, STEP, "seccomp program has %zu instructions (1 to %u allowed)", len,
                        STK_BUNDLE_MAX_INSNS);
    for (size_t i = 0; i < len; i++) {
        uint16_t code = f[i].code;
        uint32_t k = f[i].k;
        size_t left = len - i - 1; /* instructions after this one */
        switch (code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (k >= sizeof(struct seccomp_data) || (k & 3))
                return stk_errf(e, STEP, "seccomp instruction %zu: load outside seccomp_data (offset %u)", i, k);
            break;
        case BPF_LD | BPF_W | BPF_LEN:
        case BPF_LDX | BPF_W | BPF_LEN:
        case BPF_LD | BPF_IMM:
        case BPF_LDX | BPF_IMM:
        case BPF_MISC | BPF_TAX:
        case BPF_MISC | BPF_TXA:
        case BPF_RET | BPF_K:
        case BPF_RET | BPF_A:
        case BPF_ALU | BPF_ADD | BPF_K: case BPF_ALU | BPF_ADD | BPF_X:
        case BPF_ALU | BPF_SUB | BPF_K: case BPF_ALU | BPF_SUB | BPF_X:
        case BPF_ALU | BPF_MUL | BPF_K: case BPF_ALU | BPF_MUL | BPF_X:
        case BPF_ALU | BPF_DIV | BPF_X:
        case BPF_ALU | BPF_AND | BPF_K: case BPF_ALU | BPF_AND | BPF_X:
        case BPF_ALU | BPF_OR | BPF_K: case BPF_ALU | BPF_OR | BPF_X:
        case BPF_ALU | BPF_XOR | BPF_K: case BPF_ALU | BPF_XOR | BPF_X:
        case BPF_ALU | BPF_LSH | BPF_X:
        case BPF_ALU | BPF_RSH | BPF_X:
        case BPF_ALU | BPF_NEG:
            break;
        case BPF_ALU | BPF_DIV | BPF_K:
            if (k == 0)
                return stk_errf(e, STEP, "seccomp instruction %zu: division by zero", i);
            break;
        case BPF_ALU | BPF_LSH | BPF_K:
        case BPF_ALU | BPF_RSH | BPF_K:
            if (k >= 32)
                return stk_errf(e, STEP, "seccomp instruction %zu: shift by %u", i, k);
            break;
        case BPF_LD | BPF_MEM:
        case BPF_LDX | BPF_MEM:
        case BPF_ST:
        case BPF_STX:
            if (k >= BPF_MEMWORDS)
                return stk_errf(e, STEP, "seccomp instruction %zu: scratch memory index %u", i, k);
            break;
        case BPF_JMP | BPF_JA:
            if (k >= left)
                return stk_errf(e, STEP, "seccomp instruction %zu: jump out of the program", i);
            break;
        case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
        case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
        case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
        case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
            if (f[i].jt >= left || f[i].jf >= left)
                return stk_errf(e, STEP, "seccomp instruction %zu: jump out of the program", i);
            break;
        default:
            return stk_errf(e, STEP, "seccomp instruction %zu: opcode 0x%04x is not allowed in seccomp filters",
                            i, code);
        }
    }
    if (BPF_CLASS(f[len - 1].code) != BPF_RET)
        return stk_errf(e, STEP, "seccomp program does not end with a return");
    return 0;
}

static int read_filter(struct stk_bcur *c, size_t idx, struct stk_bpf_filter *f)
{
    uint32_t n;
    if (stk_bc_u32(c, &n, "seccomp record") < 0)
        return -1;
    if (n == 0 || n > STK_BUNDLE_MAX_INSNS)
        return stk_errf(c->e, STEP, "seccomp filter %zu has %u instructions (1 to %u allowed)", idx + 1, n,
                        STK_BUNDLE_MAX_INSNS);
    if (stk_bc_need(c, (size_t)n * 8, "seccomp program") < 0)
        return -1;
    f->insns = calloc(n, sizeof *f->insns);
    if (!f->insns)
        return stk_errnof(c->e, STEP, ENOMEM, "decoding the seccomp program");
    f->len = n;
    for (uint32_t i = 0; i < n; i++) {
        f->insns[i].code = (uint16_t)stk_bc_le(c->p, 2);
        f->insns[i].jt = c->p[2];
        f->insns[i].jf = c->p[3];
        f->insns[i].k = (uint32_t)stk_bc_le(c->p + 4, 4);
        c->p += 8;
    }
    if (check_bpf(f->insns, f->len, c->e) < 0)
        return -1;
    uint32_t np;
    if (stk_bc_u32(c, &np, "seccomp record") < 0)
        return -1;
    if (np > n)
        return stk_errf(c->e, STEP, "seccomp record lists %u exec descriptor sites for %u instructions", np, n);
    if (np) {
        if (stk_bc_need(c, (size_t)np * 4, "seccomp exec descriptor sites") < 0)
            return -1;
        f->exec_fd_insns = calloc(np, sizeof *f->exec_fd_insns);
        if (!f->exec_fd_insns)
            return stk_errnof(c->e, STEP, ENOMEM, "decoding the seccomp program");
    }
    f->nexec_fd_insns = np;
    for (uint32_t i = 0; i < np; i++) {
        uint32_t at = (uint32_t)stk_bc_le(c->p, 4);
        c->p += 4;
        if (at >= n)
            return stk_errf(c->e, STEP, "exec descriptor site %u is outside the program", at);
        const struct sock_filter *x = &f->insns[at];
        if (BPF_CLASS(x->code) != BPF_JMP || BPF_SRC(x->code) != BPF_K || BPF_OP(x->code) == BPF_JA ||
            x->k != STK_BUNDLE_EXEC_FD_PLACEHOLDER)
            return stk_errf(c->e, STEP, "exec descriptor site %u is not a comparison with the placeholder", at);
        f->exec_fd_insns[i] = at;
    }
    return 0;
}

int stk_bundle_read_seccomp(struct stk_bcur *c, struct stk_bundle *b)
{
    struct stk_bundle_seccomp *s = &b->seccomp;
    uint32_t nf;
    if (stk_bc_u32(c, &s->audit_arch, "seccomp record") < 0 || stk_bc_u32(c, &s->flags, "seccomp record") < 0 ||
        stk_bc_u32(c, &nf, "seccomp record") < 0)
        return -1;
    if (s->audit_arch != stk_native_audit_arch())
        return stk_errf(c->e, STEP, "seccomp program was compiled for architecture 0x%08x, this machine is 0x%08x",
                        s->audit_arch, stk_native_audit_arch());
    if (s->flags & ~STK_SECCOMP_FLAGS_KNOWN)
        return stk_errf(c->e, STEP, "seccomp record has unknown flags 0x%x", s->flags);
    if (nf == 0 || nf > STK_BUNDLE_MAX_FILTERS)
        return stk_errf(c->e, STEP, "seccomp record has %u filters (1 to %u allowed)", nf, STK_BUNDLE_MAX_FILTERS);
    s->filters = calloc(nf, sizeof *s->filters);
    if (!s->filters)
        return stk_errnof(c->e, STEP, ENOMEM, "decoding the seccomp program");
    s->nfilters = nf;
    size_t path = 0;
    for (uint32_t i = 0; i < nf; i++) {
        if (read_filter(c, i, &s->filters[i]) < 0)
            return -1;
        path += s->filters[i].len + STK_BPF_PATH_OVERHEAD;
        s->nexec_fd_insns += s->filters[i].nexec_fd_insns;
        if (s->filters[i].nexec_fd_insns && i + 1 < nf)
            return stk_errf(c->e, STEP, "seccomp filter %u of %u has exec descriptor sites: only the last may",
                            i + 1, nf);
    }
    if (path > STK_BUNDLE_MAX_FILTER_PATH)
        return stk_errf(c->e, STEP, "seccomp filters count %zu instructions (each length + 4); the kernel allows %u",
                        path, STK_BUNDLE_MAX_FILTER_PATH);
    /* flag set without a site: the policy lets execveat through itself (only
     * execve is restricted); the enforcer's execveat needs no hand-over */
    if (s->nexec_fd_insns && !(s->flags & STK_SECCOMP_EXEC_RESTRICTED))
        return stk_errf(c->e, STEP, "the seccomp program has an exec hand-over rule but the policy does not "
                                    "restrict exec");
    s->present = true;
    return 0;
}

void stk_bundle_free_seccomp(struct stk_bundle *b)
{
    for (size_t i = 0; i < b->seccomp.nfilters; i++) {
        free(b->seccomp.filters[i].insns);
        free(b->seccomp.filters[i].exec_fd_insns);
    }
    free(b->seccomp.filters);
}
