/* test_bpf_disasm.c — the seccomp BPF listing: mnemonics, absolute jump
 * targets, field names, arch/syscall annotations, decoded return values. */
#include "seccomp/bpf_disasm.h"
#include "testlib.h"

#include <errno.h>
#include <stdbool.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LD_ABS(k) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (k))
#define RET_K(k) BPF_STMT(BPF_RET | BPF_K, (k))
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))

#define MAX_LINES 64

struct listing {
    char *text;
    size_t size;
    char *line[MAX_LINES];
    size_t nlines;
};

static void disasm(const struct sock_filter *p, size_t n, struct listing *l)
{
    memset(l, 0, sizeof *l);
    FILE *f = open_memstream(&l->text, &l->size);
    if (!f)
        return;
    stk_bpf_disasm(f, p, n);
    if (fclose(f) != 0) {
        free(l->text);
        l->text = NULL;
        return;
    }
    for (char *s = l->text; s && *s && l->nlines < MAX_LINES;) {
        char *nl = strchr(s, '\n');
        l->line[l->nlines++] = s;
        if (!nl)
            break;
        *nl = 0;
        s = nl + 1;
    }
}

/* Line i, or "" when absent (so that CHECK_STR reports it). */
static const char *line(const struct listing *l, size_t i)
{
    return i < l->nlines ? l->line[i] : "";
}

/* The text after "; " on line i, or "" without annotation. */
static const char *note(const struct listing *l, size_t i)
{
    const char *s = strstr(line(l, i), " ; ");
    return s ? s + 3 : "";
}

TEST(disasm_arch_dispatch)
{
    struct sock_filter p[] = {
        LD_ABS(4),                          /* 0 */
        JEQ(AUDIT_ARCH_X86_64, 0, 3),       /* 1 */
        LD_ABS(0),                          /* 2 */
        JEQ(59, 5, 0),                      /* 3 -> 9 */
        JEQ(0x40000000u | 520u, 4, 3),      /* 4 -> 9, 8 */
        JEQ(AUDIT_ARCH_I386, 0, 4),         /* 5 -> 6, 10 */
        LD_ABS(0),                          /* 6 */
        JEQ(11, 1, 0),                      /* 7 -> 9, 8 */
        JEQ(59, 0, 0),                      /* 8: both arches possible */
        RET_K(SECCOMP_RET_ERRNO | EPERM),   /* 9 */
        RET_K(SECCOMP_RET_KILL_PROCESS),    /* 10 */
    };
    struct listing l;
    disasm(p, LEN(p), &l);
    CHECK(l.text != NULL);
    CHECK_INT(l.nlines, LEN(p));
    CHECK_STR(line(&l, 0), "   0: ld arch");
    CHECK_STR(line(&l, 1), "   1: jeq #0xc000003e  jt 2  jf 5      ; AUDIT_ARCH_X86_64");
    CHECK_STR(line(&l, 2), "   2: ld nr");
    CHECK_STR(line(&l, 3), "   3: jeq #0x3b  jt 9  jf 4            ; execve");
    CHECK_STR(note(&l, 4), "execve"); /* x32 execve (520 | x32 bit) */
    CHECK_CONTAINS(line(&l, 4), "jeq #0x40000208  jt 9  jf 8");
    CHECK_STR(note(&l, 5), "AUDIT_ARCH_I386");
    CHECK_CONTAINS(line(&l, 5), "jt 6  jf 10");
    CHECK_STR(note(&l, 7), "execve"); /* i386 execve is 11 */
    CHECK_STR(line(&l, 8), "   8: jeq #0x3b  jt 9  jf 9");
    CHECK_STR(line(&l, 9), "   9: ret ERRNO(EPERM)");
    CHECK_STR(line(&l, 10), "  10: ret KILL_PROCESS");
    free(l.text);
}

TEST(disasm_no_arch_check_no_names)
{
    /* Without an arch check any ABI is possible: numbers stay unnamed.  An
     * arch check that fails for x86_64 rules x86_64 out on its false edge. */
    struct sock_filter p[] = {
        LD_ABS(0),                       /* 0 */
        JEQ(59, 0, 1),                   /* 1 */
        RET_K(SECCOMP_RET_ALLOW),        /* 2 */
        LD_ABS(4),                       /* 3 */
        JEQ(AUDIT_ARCH_X86_64, 3, 0),    /* 4 -> 8, 5 */
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 2), /* 5: on arch */
        LD_ABS(0),                       /* 6 */
        JEQ(59, 0, 0),                   /* 7: unknown arch (not x86_64) */
        RET_K(SECCOMP_RET_ALLOW),        /* 8 */
    };
    struct listing l;
    disasm(p, LEN(p), &l);
    CHECK(l.text != NULL);
    CHECK_STR(line(&l, 1), "   1: jeq #0x3b  jt 2  jf 3");
    CHECK_STR(note(&l, 5), "");
    CHECK_STR(line(&l, 7), "   7: jeq #0x3b  jt 8  jf 8");
    free(l.text);
}

TEST(disasm_x32_bit)
{
    struct sock_filter p[] = {
        LD_ABS(4),
        JEQ(AUDIT_ARCH_X86_64, 0, 3),
        LD_ABS(0),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 1, 0),
        RET_K(SECCOMP_RET_ALLOW),
        RET_K(SECCOMP_RET_KILL_THREAD),
    };
    struct listing l;
    disasm(p, LEN(p), &l);
    CHECK(l.text != NULL);
    CHECK_STR(note(&l, 3), "__X32_SYSCALL_BIT");
    CHECK_CONTAINS(line(&l, 3), "jge #0x40000000  jt 5  jf 4");
    CHECK_STR(line(&l, 5), "   5: ret KILL_THREAD");
    free(l.text);
}

TEST(disasm_returns)
{
    struct sock_filter p[] = {
        RET_K(SECCOMP_RET_ALLOW),
        RET_K(SECCOMP_RET_LOG),
        RET_K(SECCOMP_RET_TRACE | 5),
        RET_K(SECCOMP_RET_TRACE),
        RET_K(SECCOMP_RET_USER_NOTIF),
        RET_K(SECCOMP_RET_TRAP),
        RET_K(SECCOMP_RET_TRAP | 7),
        RET_K(SECCOMP_RET_ERRNO | ENOSYS),
        RET_K(SECCOMP_RET_ERRNO | 4000),
        RET_K(SECCOMP_RET_KILL_THREAD),
        RET_K(SECCOMP_RET_KILL_PROCESS),
        RET_K(0x12340000),
        BPF_STMT(BPF_RET | BPF_A, 0),
    };
    static const char *want[] = {
        "ret ALLOW",       "ret LOG",   "ret TRACE(5)",      "ret TRACE(0)",     "ret USER_NOTIF",
        "ret TRAP",        "ret TRAP(7)", "ret ERRNO(ENOSYS)", "ret ERRNO(4000)", "ret KILL_THREAD",
        "ret KILL_PROCESS", "ret 0x12340000", "ret a",
    };
    struct listing l;
    disasm(p, LEN(p), &l);
    CHECK(l.text != NULL);
    for (size_t i = 0; i < LEN(want); i++) {
        char exp[64];
        snprintf(exp, sizeof exp, "%4zu: %s", i, want[i]);
        if (i == 0)
            CHECK_STR(line(&l, i), exp);
        else /* everything after the first ret is dead code */
            CHECK_MSG(strncmp(line(&l, i), exp, strlen(exp)) == 0 &&
                          strcmp(note(&l, i), "unreachable") == 0,
                      "line %zu: \"%s\", expected \"%s ... ; unreachable\"", i, line(&l, i), exp);
    }
    free(l.text);
    char buf[32];
    CHECK_STR(stk_bpf_disasm_ret_str(SECCOMP_RET_ERRNO | EPERM, buf, sizeof buf), "ERRNO(EPERM)");
    CHECK_STR(stk_bpf_disasm_ret_str(SECCOMP_RET_KILL_PROCESS | 3, buf, sizeof buf), "KILL_PROCESS(3)");
    CHECK_STR(stk_bpf_disasm_arch_name(AUDIT_ARCH_AARCH64), "AUDIT_ARCH_AARCH64");
    CHECK(stk_bpf_disasm_arch_name(0x1234) == NULL);
}

TEST(disasm_mnemonics)
{
    struct sock_filter p[] = {
        LD_ABS(24),                                        /* 0 */
        LD_ABS(28),                                        /* 1 */
        LD_ABS(8),                                         /* 2 */
        LD_ABS(12),                                        /* 3 */
        LD_ABS(60),                                        /* 4 */
        LD_ABS(2),                                         /* 5 */
        LD_ABS(64),                                        /* 6 */
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 4),             /* 7 */
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),             /* 8 */
        BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),             /* 9 */
        BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),            /* 10 */
        BPF_STMT(BPF_LD | BPF_IMM, 0x10),                  /* 11 */
        BPF_STMT(BPF_LDX | BPF_IMM, 0xffffffff),           /* 12 */
        BPF_STMT(BPF_ST, 1),                               /* 13 */
        BPF_STMT(BPF_STX, 2),                              /* 14 */
        BPF_STMT(BPF_LD | BPF_MEM, 1),                     /* 15 */
        BPF_STMT(BPF_LDX | BPF_MEM, 2),                    /* 16 */
        BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 5),            /* 17 */
        BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 3),            /* 18 */
        BPF_STMT(BPF_ALU | BPF_NEG, 0),                    /* 19 */
        BPF_STMT(BPF_ALU | BPF_AND | BPF_X, 0),            /* 20 */
        BPF_STMT(BPF_ALU | BPF_MOD | BPF_X, 0),            /* 21 */
        BPF_STMT(BPF_MISC | BPF_TAX, 0),                   /* 22 */
        BPF_STMT(BPF_MISC | BPF_TXA, 0),                   /* 23 */
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),           /* 24 */
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 2, 0),     /* 25 */
        BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),               /* 26 */
        BPF_STMT(0xffff, 0x42),                            /* 27 */
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 9, 200, 0),    /* 28: out of range */
        RET_K(SECCOMP_RET_ALLOW),                          /* 29 */
    };
    static const char *want[] = {
        "ld args[1].lo", "ld args[1].hi", "ld ip.lo",     "ld ip.hi",      "ld args[5].hi",
        "ld [2]",        "ld [64]",       "ldb [4]",      "ldh [x + 2]",   "ld #len",
        "ldx #len",      "ld #0x10",      "ldx #0xffffffff", "st M[1]",    "stx M[2]",
        "ld M[1]",       "ldx M[2]",      "add #0x5",     "lsh #3",        "neg",
        "and x",         "mod x",         "tax",          "txa",           "ldxb 4*([14]&0xf)",
        "jset x  jt 28  jf 26", "ja 28",  ".insn code=0xffff jt=0 jf=0 k=0x42",
        "jgt #0x9  jt 229  jf 29", "ret ALLOW",
    };
    CHECK_INT(LEN(want), LEN(p));
    struct listing l;
    disasm(p, LEN(p), &l);
    CHECK(l.text != NULL);
    CHECK_INT(l.nlines, LEN(p));
    for (size_t i = 0; i < LEN(want); i++) {
        char exp[80];
        snprintf(exp, sizeof exp, "%4zu: %s", i, want[i]);
        CHECK_MSG(strncmp(line(&l, i), exp, strlen(exp)) == 0, "line %zu: \"%s\", expected \"%s\"",
                  i, line(&l, i), exp);
    }
    CHECK_STR(note(&l, 27), "unreachable");
    free(l.text);
}

TEST(disasm_degenerate)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    CHECK(f != NULL);
    stk_bpf_disasm(f, NULL, 0);
    struct sock_filter one = RET_K(SECCOMP_RET_ALLOW);
    stk_bpf_disasm(f, &one, 0);
    stk_bpf_disasm(NULL, &one, 1);
    int rc = fclose(f);
    CHECK_INT(rc, 0);
    CHECK_INT(size, 0);
    free(text);
}

TEST(disasm_random_garbage)
{
    /* Any bytes at all: one line per instruction, no crash. */
    uint64_t x = 0x9e3779b97f4a7c15ull;
    struct sock_filter p[40];
    for (unsigned it = 0; it < 3000; it++) {
        size_t len = 1 + it % LEN(p);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            uint16_t code = (uint16_t)((x & 1) ? (x >> 8) & 0xff : (x >> 8) & 0xffff);
            p[i] = (struct sock_filter){ code, (uint8_t)(x >> 24), (uint8_t)(x >> 32),
                                         (x & 2) ? (uint32_t)(x >> 32) : (uint32_t)((x >> 40) % 70) };
            if (x & 4) {
                p[i].jt = (uint8_t)((x >> 44) & 3);
                p[i].jf = (uint8_t)((x >> 46) & 3);
            }
        }
        struct listing l;
        disasm(p, len, &l);
        CHECK(l.text != NULL);
        size_t lines = l.nlines;
        free(l.text);
        CHECK_INT(lines, len);
    }
}

int main(void)
{
    RUN(disasm_arch_dispatch);
    RUN(disasm_no_arch_check_no_names);
    RUN(disasm_x32_bit);
    RUN(disasm_returns);
    RUN(disasm_mnemonics);
    RUN(disasm_degenerate);
    RUN(disasm_random_garbage);
    return test_summary();
}
