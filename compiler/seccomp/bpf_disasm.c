/* bpf_disasm.c — listing of classic seccomp BPF programs (see bpf_disasm.h). */
#include "seccomp/bpf_disasm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#include "consts.h"
#include "ir/ir.h"
#include "syscalls.h"

/* ---- names ------------------------------------------------------------------ */

struct arch_name {
    uint32_t value;
    const char *name;
};

#define ARCH(x) { AUDIT_ARCH_##x, "AUDIT_ARCH_" #x }
static const struct arch_name arch_names[] = {
    ARCH(X86_64),  ARCH(I386),      ARCH(AARCH64),   ARCH(ARM),        ARCH(ARMEB),
    ARCH(RISCV64), ARCH(RISCV32),   ARCH(PPC),       ARCH(PPC64),      ARCH(PPC64LE),
    ARCH(S390),    ARCH(S390X),     ARCH(MIPS),      ARCH(MIPSEL),     ARCH(MIPS64),
    ARCH(MIPSEL64), ARCH(MIPS64N32), ARCH(MIPSEL64N32), ARCH(PARISC),  ARCH(PARISC64),
    ARCH(SPARC),   ARCH(SPARC64),   ARCH(M68K),      ARCH(ALPHA),      ARCH(SH),
    ARCH(SHEL),    ARCH(CSKY),      ARCH(XTENSA),
#ifdef AUDIT_ARCH_LOONGARCH64
    ARCH(LOONGARCH64),
#endif
#ifdef AUDIT_ARCH_LOONGARCH32
    ARCH(LOONGARCH32),
#endif
};
#undef ARCH

#define N_ARCH (sizeof arch_names / sizeof arch_names[0])
/* Bit N_ARCH of an arch set: any value not in arch_names. */
#define ARCH_OTHER ((uint64_t)1 << N_ARCH)
#define ARCH_ALL ((ARCH_OTHER << 1) - 1)

_Static_assert(N_ARCH < 63, "arch set must fit in 64 bits");

static int arch_index(uint32_t value)
{
    for (size_t i = 0; i < N_ARCH; i++)
        if (arch_names[i].value == value)
            return (int)i;
    return -1;
}

const char *stk_bpf_disasm_arch_name(uint32_t arch)
{
    int i = arch_index(arch);
    return i < 0 ? NULL : arch_names[i].name;
}

const char *stk_bpf_disasm_ret_str(uint32_t ret, char *buf, size_t len)
{
    uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
    unsigned data = ret & SECCOMP_RET_DATA;
    const char *name = NULL;

    if (!buf || len == 0)
        return buf;
    switch (action) {
    case SECCOMP_RET_KILL_PROCESS: name = "KILL_PROCESS"; break;
    case SECCOMP_RET_KILL_THREAD: name = "KILL_THREAD"; break;
    case SECCOMP_RET_TRAP: name = "TRAP"; break;
    case SECCOMP_RET_ERRNO: name = "ERRNO"; break;
    case SECCOMP_RET_USER_NOTIF: name = "USER_NOTIF"; break;
    case SECCOMP_RET_TRACE: name = "TRACE"; break;
    case SECCOMP_RET_LOG: name = "LOG"; break;
    case SECCOMP_RET_ALLOW: name = "ALLOW"; break;
    default: break;
    }
    if (!name)
        snprintf(buf, len, "0x%08x", ret); /* the kernel treats it as KILL_PROCESS */
    else if (action == SECCOMP_RET_ERRNO) {
        const char *e = stk_errno_name((int)data);
        if (e)
            snprintf(buf, len, "ERRNO(%s)", e);
        else
            snprintf(buf, len, "ERRNO(%u)", data);
    } else if (action == SECCOMP_RET_USER_NOTIF && data == STK_EXEC_HANDOVER_DATA)
        snprintf(buf, len, "USER_NOTIF(exec hand-over)");
    else if (data != 0 || action == SECCOMP_RET_TRACE)
        snprintf(buf, len, "%s(%u)", name, data);
    else
        snprintf(buf, len, "%s", name);
    return buf;
}

/* Name of the seccomp_data word at offset k, or NULL. */
static bool data_field(uint32_t k, char *buf, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    const char *first = "hi", *second = "lo";
#else
    const char *first = "lo", *second = "hi";
#endif
    if (k & 3 || k >= sizeof(struct seccomp_data))
        return false;
    if (k == 0)
        snprintf(buf, len, "nr");
    else if (k == 4)
        snprintf(buf, len, "arch");
    else if (k < 16)
        snprintf(buf, len, "ip.%s", k == 8 ? first : second);
    else
        snprintf(buf, len, "args[%u].%s", (k - 16) / 8, (k - 16) % 8 == 0 ? first : second);
    return true;
}

/* ---- dataflow ------------------------------------------------------------------ */

/* What the accumulator holds. */
enum a_src { A_NONE, A_NR, A_ARCH, A_OTHER };

struct state {
    bool reached;
    enum a_src a;
    uint64_t archs; /* possible seccomp_data.arch values (arch_names bits + ARCH_OTHER) */
};

static void merge(struct state *dst, const struct state *src)
{
    if (!src->reached)
        return;
    if (!dst->reached) {
        *dst = *src;
        return;
    }
    if (dst->a != src->a)
        dst->a = A_OTHER;
    dst->archs |= src->archs;
}

static bool cond_holds(uint16_t op, uint32_t a, uint32_t k)
{
    switch (op) {
    case BPF_JEQ: return a == k;
    case BPF_JGE: return a >= k;
    case BPF_JGT: return a > k;
    default: return (a & k) != 0;
    }
}

/* Split the arch set of a conditional jump on arch against k. */
static void split_archs(uint16_t op, uint32_t k, uint64_t in, uint64_t *t, uint64_t *f)
{
    *t = *f = 0;
    for (size_t i = 0; i < N_ARCH; i++) {
        uint64_t bit = (uint64_t)1 << i;
        if (!(in & bit))
            continue;
        if (cond_holds(op, arch_names[i].value, k))
            *t |= bit;
        else
            *f |= bit;
    }
    if (in & ARCH_OTHER) {
        /* An unnamed arch equals k only if k is not a named one. */
        if (op != BPF_JEQ || arch_index(k) < 0)
            *t |= ARCH_OTHER;
        *f |= ARCH_OTHER;
    }
}

static struct state *analyse(const struct sock_filter *prog, size_t len)
{
    struct state *st = calloc(len, sizeof *st);
    if (!st)
        return NULL;
    st[0] = (struct state){ .reached = true, .a = A_NONE, .archs = ARCH_ALL };
    for (size_t pc = 0; pc < len; pc++) {
        struct state s = st[pc];
        const struct sock_filter *f = &prog[pc];
        uint16_t cls = BPF_CLASS(f->code);
        if (!s.reached)
            continue;
        if (cls == BPF_RET)
            continue;
        if (cls == BPF_JMP) {
            if (BPF_OP(f->code) == BPF_JA) {
                if ((uint64_t)pc + 1 + f->k < len)
                    merge(&st[pc + 1 + f->k], &s);
                continue;
            }
            struct state t = s, e = s;
            if (s.a == A_ARCH && BPF_SRC(f->code) == BPF_K)
                split_archs(BPF_OP(f->code), f->k, s.archs, &t.archs, &e.archs);
            t.reached = t.archs != 0;
            e.reached = e.archs != 0;
            if (pc + 1 + f->jt < len)
                merge(&st[pc + 1 + f->jt], &t);
            if (pc + 1 + f->jf < len)
                merge(&st[pc + 1 + f->jf], &e);
            continue;
        }
        switch (cls) {
        case BPF_LD:
            if (f->code == (BPF_LD | BPF_W | BPF_ABS) && f->k == 0)
                s.a = A_NR;
            else if (f->code == (BPF_LD | BPF_W | BPF_ABS) && f->k == 4)
                s.a = A_ARCH;
            else
                s.a = A_OTHER;
            break;
        case BPF_ALU:
            s.a = A_OTHER;
            break;
        case BPF_MISC:
            if (f->code == (BPF_MISC | BPF_TXA))
                s.a = A_OTHER;
            break;
        default: /* LDX, ST, STX leave A alone */
            break;
        }
        if (pc + 1 < len)
            merge(&st[pc + 1], &s);
    }
    return st;
}

/* The single syscall ABI possible under arch set archs for number nr, or -1. */
static int abi_for(uint64_t archs, uint32_t nr)
{
    if (archs == 0 || (archs & ARCH_OTHER) || (archs & (archs - 1)))
        return -1;
    uint32_t value = 0;
    for (size_t i = 0; i < N_ARCH; i++)
        if (archs == ((uint64_t)1 << i))
            value = arch_names[i].value;
    int plain = -1, offset = -1;
    for (int abi = 0; abi < STK_ABI_COUNT; abi++) {
        if (stk_abis[abi].audit_arch != value)
            continue;
        uint32_t off = stk_abis[abi].nr_offset;
        if (off == 0)
            plain = abi;
        else if ((nr & off) == off)
            offset = abi;
    }
    return offset >= 0 ? offset : plain;
}

/* ---- printing ---------------------------------------------------------------- */

static const char *alu_name(uint16_t op)
{
    switch (op) {
    case BPF_ADD: return "add";
    case BPF_SUB: return "sub";
    case BPF_MUL: return "mul";
    case BPF_DIV: return "div";
    case BPF_MOD: return "mod";
    case BPF_AND: return "and";
    case BPF_OR: return "or";
    case BPF_XOR: return "xor";
    case BPF_LSH: return "lsh";
    case BPF_RSH: return "rsh";
    case BPF_NEG: return "neg";
    default: return NULL;
    }
}

static const char *jmp_name(uint16_t op)
{
    switch (op) {
    case BPF_JEQ: return "jeq";
    case BPF_JGE: return "jge";
    case BPF_JGT: return "jgt";
    case BPF_JSET: return "jset";
    default: return NULL;
    }
}

static const char *size_suffix(uint16_t size)
{
    switch (size) {
    case BPF_W: return "";
    case BPF_H: return "h";
    case BPF_B: return "b";
    default: return NULL;
    }
}

/* The instruction text into ins, the annotation (may stay empty) into note. */
static void format_insn(const struct sock_filter *f, size_t pc, const struct state *s, char *ins,
                        size_t inslen, char *note, size_t notelen)
{
    uint16_t code = f->code, cls = BPF_CLASS(code);
    uint32_t k = f->k;
    char field[32];
    bool ok = true;
    note[0] = 0;

    switch (cls) {
    case BPF_LD:
    case BPF_LDX: {
        const char *x = cls == BPF_LDX ? "x" : "";
        const char *sz = size_suffix(BPF_SIZE(code));
        switch (BPF_MODE(code)) {
        case BPF_IMM:
            if (BPF_SIZE(code) != BPF_W)
                ok = false;
            else
                snprintf(ins, inslen, "ld%s #0x%x", x, k);
            break;
        case BPF_LEN:
            if (BPF_SIZE(code) != BPF_W)
                ok = false;
            else
                snprintf(ins, inslen, "ld%s #len", x);
            break;
        case BPF_MEM:
            if (BPF_SIZE(code) != BPF_W)
                ok = false;
            else
                snprintf(ins, inslen, "ld%s M[%u]", x, k);
            break;
        case BPF_ABS:
            if (cls == BPF_LDX || !sz)
                ok = false;
            else if (BPF_SIZE(code) == BPF_W && data_field(k, field, sizeof field))
                snprintf(ins, inslen, "ld %s", field);
            else
                snprintf(ins, inslen, "ld%s [%u]", sz, k);
            break;
        case BPF_IND:
            if (cls == BPF_LDX || !sz)
                ok = false;
            else
                snprintf(ins, inslen, "ld%s [x + %u]", sz, k);
            break;
        case BPF_MSH:
            if (code != (BPF_LDX | BPF_B | BPF_MSH))
                ok = false;
            else
                snprintf(ins, inslen, "ldxb 4*([%u]&0xf)", k);
            break;
        default:
            ok = false;
            break;
        }
        break;
    }
    case BPF_ST:
    case BPF_STX:
        if (code != BPF_ST && code != BPF_STX)
            ok = false;
        else
            snprintf(ins, inslen, "%s M[%u]", cls == BPF_ST ? "st" : "stx", k);
        break;
    case BPF_ALU: {
        const char *name = alu_name(BPF_OP(code));
        if (!name)
            ok = false;
        else if (BPF_OP(code) == BPF_NEG)
            snprintf(ins, inslen, "neg");
        else if (BPF_SRC(code) == BPF_X)
            snprintf(ins, inslen, "%s x", name);
        else if (BPF_OP(code) == BPF_LSH || BPF_OP(code) == BPF_RSH)
            snprintf(ins, inslen, "%s #%u", name, k);
        else
            snprintf(ins, inslen, "%s #0x%x", name, k);
        break;
    }
    case BPF_JMP:
        if (BPF_OP(code) == BPF_JA) {
            snprintf(ins, inslen, "ja %llu", (unsigned long long)pc + 1 + k);
            break;
        }
        {
            const char *name = jmp_name(BPF_OP(code));
            size_t jt = pc + 1 + f->jt, jf = pc + 1 + f->jf;
            if (!name)
                ok = false;
            else if (BPF_SRC(code) == BPF_X)
                snprintf(ins, inslen, "%s x  jt %zu  jf %zu", name, jt, jf);
            else
                snprintf(ins, inslen, "%s #0x%x  jt %zu  jf %zu", name, k, jt, jf);
            if (!ok || BPF_SRC(code) != BPF_K || !s->reached)
                break;
            if (s->a == A_ARCH) {
                const char *an = stk_bpf_disasm_arch_name(k);
                if (an && BPF_OP(code) != BPF_JSET)
                    snprintf(note, notelen, "%s", an);
            } else if (s->a == A_NR) {
                uint16_t op = BPF_OP(code);
                int x86 = arch_index(AUDIT_ARCH_X86_64);
                if (op != BPF_JEQ && k == STK_X32_SYSCALL_BIT && x86 >= 0 &&
                    (s->archs & ((uint64_t)1 << x86))) {
                    snprintf(note, notelen, "__X32_SYSCALL_BIT");
                    break;
                }
                int abi = abi_for(s->archs, k);
                const char *sn = NULL;
                if (abi >= 0 && op != BPF_JSET)
                    sn = stk_syscall_name_by_nr((enum stk_abi)abi, k);
                if (sn)
                    snprintf(note, notelen, "%s%s", op == BPF_JGE ? ">= " : op == BPF_JGT ? "> " : "",
                             sn);
            }
        }
        break;
    case BPF_RET:
        if (code == (BPF_RET | BPF_K)) {
            char r[48];
            snprintf(ins, inslen, "ret %s", stk_bpf_disasm_ret_str(k, r, sizeof r));
        } else if (code == (BPF_RET | BPF_A))
            snprintf(ins, inslen, "ret a");
        else
            ok = false;
        break;
    case BPF_MISC:
        if (code == (BPF_MISC | BPF_TAX))
            snprintf(ins, inslen, "tax");
        else if (code == (BPF_MISC | BPF_TXA))
            snprintf(ins, inslen, "txa");
        else
            ok = false;
        break;
    default:
        ok = false;
        break;
    }
    if (!ok)
        snprintf(ins, inslen, ".insn code=0x%04x jt=%u jf=%u k=0x%x", code, f->jt, f->jf, k);
    if (!s->reached && !note[0])
        snprintf(note, notelen, "unreachable");
}

void stk_bpf_disasm(FILE *out, const struct sock_filter *prog, size_t len)
{
    if (!out || !prog || len == 0)
        return;
    struct state *st = analyse(prog, len);
    /* Without memory for the analysis, print without annotations. */
    struct state none = { .reached = true, .a = A_OTHER, .archs = ARCH_ALL };
    int width = len > 10000 ? 5 : 4;

    for (size_t pc = 0; pc < len; pc++) {
        char ins[96], note[64];
        format_insn(&prog[pc], pc, st ? &st[pc] : &none, ins, sizeof ins, note, sizeof note);
        if (note[0])
            fprintf(out, "%*zu: %-32s ; %s\n", width, pc, ins, note);
        else
            fprintf(out, "%*zu: %s\n", width, pc, ins);
    }
    free(st);
}
