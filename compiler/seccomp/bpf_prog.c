/* bpf_prog.c — a compiled policy as a whole (bpf_gen.h): one filter when the
 * program fits the kernel's limit, else the stacked filters of bpf_split.c;
 * freeing; the copy of a program whose hand-over secret never matches. */
#include "seccomp/bpf_gen.h"

#include <stdlib.h>
#include <string.h>

#include "seccomp/bpf_split.h"
#include "util.h"

struct sock_filter *stk_bpf_without_secret(const struct sock_filter *insns, size_t len, const uint32_t *sites,
                                           size_t nsites)
{
    struct sock_filter *c = stk_xcalloc(len ? len : 1, sizeof *c);
    if (len)
        memcpy(c, insns, len * sizeof *c);
    /* word 3's xor, then `or x`, then the block's jeq */
    for (size_t i = STK_SECRET_WORDS - 1; i < nsites; i += STK_SECRET_WORDS)
        c[sites[i] + 2].jt = c[sites[i] + 2].jf;
    return c;
}

void stk_bpf_filter_free(struct stk_bpf_filter *f)
{
    free(f->insns);
    free(f->exec_fd_insns);
    free(f->secret_insns);
    memset(f, 0, sizeof *f);
}

int stk_bpf_generate(const struct stk_policy_ir *ir, struct stk_bpf_prog *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct stk_bpf_filter whole;
    stk_bpf_gen_filter(ir, NULL, &whole);
    out->insns = whole.insns;
    out->len = whole.len;
    out->exec_fd_insns = whole.exec_fd_insns;
    out->nexec_fd_insns = whole.nexec_fd_insns;
    out->secret_insns = whole.secret_insns;
    out->nsecret_insns = whole.nsecret_insns;
    if (whole.len <= STK_BPF_MAX_INSNS) {
        /* one filter: the whole program */
        out->filters = stk_xcalloc(1, sizeof *out->filters);
        struct stk_bpf_filter *f = &out->filters[0];
        f->len = whole.len;
        f->insns = stk_xcalloc(whole.len, sizeof *f->insns);
        memcpy(f->insns, whole.insns, whole.len * sizeof *f->insns);
        f->nexec_fd_insns = whole.nexec_fd_insns;
        f->exec_fd_insns = stk_xcalloc(whole.nexec_fd_insns ? whole.nexec_fd_insns : 1, sizeof *f->exec_fd_insns);
        memcpy(f->exec_fd_insns, whole.exec_fd_insns, whole.nexec_fd_insns * sizeof *f->exec_fd_insns);
        f->nsecret_insns = whole.nsecret_insns;
        f->secret_insns = stk_xcalloc(whole.nsecret_insns ? whole.nsecret_insns : 1, sizeof *f->secret_insns);
        memcpy(f->secret_insns, whole.secret_insns, whole.nsecret_insns * sizeof *f->secret_insns);
        out->nfilters = 1;
        return 0;
    }
    if (stk_bpf_split(ir, out, err, errlen) < 0) {
        stk_bpf_prog_free(out);
        return -1;
    }
    return 0;
}

void stk_bpf_prog_free(struct stk_bpf_prog *p)
{
    free(p->insns);
    free(p->exec_fd_insns);
    free(p->secret_insns);
    for (size_t i = 0; i < p->nfilters; i++)
        stk_bpf_filter_free(&p->filters[i]);
    free(p->filters);
    memset(p, 0, sizeof *p);
}

/* The shape of a secret block starting at i (bpf_gen.c, gen_secret), the
 * constants whatever they are. */
static bool secret_block_at(const struct sock_filter *p, size_t len, size_t i)
{
    static const uint16_t shape[15] = {
        BPF_LD | BPF_W | BPF_ABS, BPF_ALU | BPF_XOR | BPF_K, BPF_MISC | BPF_TAX,
        BPF_LD | BPF_W | BPF_ABS, BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_OR | BPF_X, BPF_MISC | BPF_TAX,
        BPF_LD | BPF_W | BPF_ABS, BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_OR | BPF_X, BPF_MISC | BPF_TAX,
        BPF_LD | BPF_W | BPF_ABS, BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_OR | BPF_X, BPF_JMP | BPF_JEQ | BPF_K};
    if (len < 15 || i > len - 15)
        return false;
    for (size_t k = 0; k < 15; k++)
        if (p[i + k].code != shape[k])
            return false;
    return p[i].k == 16 + 8 * 5 && p[i + 3].k == 20 + 8 * 5 && p[i + 7].k == 20 && p[i + 11].k == 20 + 8 * 4 &&
           p[i + 14].k == 0;
}

struct sock_filter *stk_bpf_secret_skipped(const struct sock_filter *insns, size_t len)
{
    struct sock_filter *c = stk_xcalloc(len ? len : 1, sizeof *c);
    if (len)
        memcpy(c, insns, len * sizeof *c);
    for (size_t i = 0; i < len; i++)
        if (secret_block_at(c, len, i)) {
            size_t to = i + 15 + c[i + 14].jf; /* the block's false branch */
            c[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)(to - i - 1), 0, 0);
            i += 14;
        }
    return c;
}
