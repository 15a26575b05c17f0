/* test_bpf_interp_kernel.c — the BPF checker held to the real kernel: programs loaded with
 * seccomp(2) in forked children must be accepted or refused exactly as stk_bpf_validate says.
 * test_bpf_interp_kernel_run.c holds the interpreter to the kernel (stk_bpf_run). */
#include "bpf_kernel_harness.h"
#include "bpf_validity_cases.h"

TEST(kernel_validity_cases)
{
    NEED_KERNEL();
    char msg[400];
    for (size_t i = 0; i < LEN(vcases); i++)
        CHECK_MSG(kernel_agrees_validity(vcases[i].prog, vcases[i].len, msg, sizeof msg),
                  "%s: %s", vcases[i].name, msg);
    struct sock_filter one = RET_A;
    CHECK_MSG(kernel_agrees_validity(&one, 0, msg, sizeof msg), "empty: %s", msg);
    struct sock_filter *big = calloc(4097, sizeof *big);
    CHECK(big != NULL);
    for (size_t i = 0; i < 4097; i++)
        big[i] = (struct sock_filter)RET_A;
    bool ok4096 = kernel_agrees_validity(big, 4096, msg, sizeof msg);
    bool ok4097 = ok4096 && kernel_agrees_validity(big, 4097, msg, sizeof msg);
    free(big);
    CHECK_MSG(ok4096 && ok4097, "long programs: %s", msg);
}

static const uint16_t codes_pool[] = {
    BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
    BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
    BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM,
    BPF_LDX | BPF_B | BPF_MSH, BPF_ST, BPF_STX, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
    BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_SUB | BPF_X, BPF_ALU | BPF_MUL | BPF_K,
    BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X, BPF_ALU | BPF_MOD | BPF_K,
    BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_OR | BPF_X, BPF_ALU | BPF_XOR | BPF_K,
    BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_LSH | BPF_X,
    BPF_ALU | BPF_NEG, BPF_ALU | BPF_NEG | BPF_X, BPF_JMP | BPF_JA, BPF_JMP | BPF_JEQ | BPF_K,
    BPF_JMP | BPF_JEQ | BPF_X, BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JGT | BPF_X,
    BPF_JMP | BPF_JSET | BPF_K, BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_RET | BPF_X,
    BPF_MISC | 0x10, BPF_LD | BPF_W | BPF_ABS | 0x100,
};

TEST(kernel_validity_fuzz)
{
    NEED_KERNEL();
    seed_rng();
    const char *ns = getenv("STK_BPF_FUZZ");
    unsigned iters = ns ? (unsigned)strtoul(ns, NULL, 0) : 1500;
    unsigned accepted = 0;
    char msg[400];
    struct sock_filter p[16];
    for (unsigned it = 0; it < iters; it++) {
        size_t len = 1 + rnd_below(LEN(p));
        for (size_t i = 0; i < len; i++) {
            uint16_t code = rnd_below(12) == 0 ? (uint16_t)rnd() : codes_pool[rnd_below(LEN(codes_pool))];
            uint32_t k;
            if (code == BPF_ST || code == BPF_STX || BPF_MODE(code) == BPF_MEM)
                k = rnd_below(8) ? rnd_below(3) : rnd_k();
            else if (code == (BPF_JMP | BPF_JA))
                k = rnd_below(8) ? rnd_below((uint32_t)len + 1) : rnd_k();
            else
                k = rnd_k();
            p[i] = (struct sock_filter){ code, (uint8_t)rnd_below((uint32_t)len + 1),
                                         (uint8_t)rnd_below((uint32_t)len + 1), k };
        }
        if (rnd_below(5))
            p[len - 1] = (struct sock_filter)RET_K((uint32_t)rnd());
        if (!kernel_agrees_validity(p, len, msg, sizeof msg)) {
            FILE *f = stderr;
            fprintf(f, "program (seed iteration %u):\n", it);
            for (size_t i = 0; i < len; i++)
                fprintf(f, "  { 0x%04x, %u, %u, 0x%08x },\n", p[i].code, p[i].jt, p[i].jf,
                        p[i].k);
            CHECK_MSG(0, "iteration %u: %s", it, msg);
        }
        accepted += stk_bpf_validate(p, len, NULL, 0) == 0;
    }
    /* The generator must exercise both outcomes. */
    CHECK_MSG(iters < 100 || (accepted > iters / 20 && accepted < iters - iters / 20),
              "only %u of %u random programs accepted", accepted, iters);
}

int main(void)
{
    RUN(kernel_validity_cases);
    RUN(kernel_validity_fuzz);
    return test_summary();
}
