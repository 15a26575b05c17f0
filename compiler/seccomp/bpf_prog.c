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
