/* bpf_validity_cases.h — hand-written programs the kernel must accept or refuse:
 * checked against stk_bpf_validate (test_bpf_interp.c) and against the real
 * kernel (test_bpf_interp_kernel.c). */
#ifndef STK_BPF_VALIDITY_CASES_H
#define STK_BPF_VALIDITY_CASES_H

#include "bpf_test_util.h"

struct vcase {
    const char *name;
    const struct sock_filter *prog;
    size_t len;
    bool valid;
    const char *msg; /* substring of the error, for invalid programs */
};

#define VC(name, valid, msg, ...)                                                                  \
    { name, (const struct sock_filter[]){ __VA_ARGS__ },                                           \
      sizeof((const struct sock_filter[]){ __VA_ARGS__ }) / sizeof(struct sock_filter), valid, msg }

static const struct vcase vcases[] = {
    VC("ret allow", true, NULL, RET_K(SECCOMP_RET_ALLOW)),
    VC("ret a", true, NULL, RET_A),
    VC("every seccomp opcode", true, NULL,
       LD_ABS(OFF_NR), LD_ABS(60), BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
       BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), LD_IMM(1), LDX_IMM(1),
       BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_MUL | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_AND | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 31), BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 31), BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_NEG, 0), BPF_STMT(BPF_MISC | BPF_TAX, 0),
       BPF_STMT(BPF_MISC | BPF_TXA, 0), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_STX, 15),
       BPF_STMT(BPF_LD | BPF_MEM, 0), BPF_STMT(BPF_LDX | BPF_MEM, 15),
       BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0), BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 0), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 0), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 0), RET_K(SECCOMP_RET_ALLOW), RET_A),
    VC("jumps to the last instruction", true, NULL, BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0), RET_A),
    VC("store on both branches then load", true, NULL, LD_ABS(OFF_NR),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2), BPF_STMT(BPF_ST, 2),
       BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0), BPF_STMT(BPF_ST, 2), BPF_STMT(BPF_LD | BPF_MEM, 2),
       RET_A),
    VC("store before a branch then load", true, NULL, BPF_STMT(BPF_ST, 5),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 0), LD_IMM(4), BPF_STMT(BPF_LDX | BPF_MEM, 5),
       RET_A),
    VC("dead load after ret, state from the store before it", true, NULL, BPF_STMT(BPF_ST, 0),
       RET_A, BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A),

    VC("ja out of range", false, "instruction 0: ja +1", BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
       RET_A),
    VC("ja huge", false, "instruction 1: ja", LD_IMM(0), BPF_JUMP(BPF_JMP | BPF_JA, 0xffffffff, 0, 0),
       RET_A),
    VC("jt out of range", false, "instruction 0: jt +2",
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0), LD_IMM(0), RET_A),
    VC("jf out of range", false, "instruction 1: jf +1", LD_IMM(0),
       BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), RET_A),
    VC("last is not ret", false, "instruction 1: the last instruction must be a ret", RET_A,
       LD_IMM(0)),
    VC("last is a jump", false, "instruction 1: jt +0", RET_A, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0)),
    VC("misaligned ld", false, "instruction 0: ld [2] is not 4-byte aligned", LD_ABS(2), RET_A),
    VC("ld past seccomp_data", false, "instruction 0: ld [64] is outside", LD_ABS(64), RET_A),
    VC("ld ancillary", false, "is outside", LD_ABS(0xfffff000), RET_A),
    VC("ld ancillary unknown", false, "instruction 0", LD_ABS(0xfffff0f0), RET_A),
    VC("ldb abs", false, "instruction 0: ldb [k] (opcode 0x0030) is not allowed",
       BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET_A),
    VC("ldh abs", false, "ldh [k]", BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), RET_A),
    VC("ld ind", false, "ld [x + k]", BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), RET_A),
    VC("ldx msh", false, "instruction 1: ldxb 4*([k]&0xf)", LD_IMM(0),
       BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), RET_A),
    VC("mod k", false, "mod #k", BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), RET_A),
    VC("mod x", false, "mod x", BPF_STMT(BPF_ALU | BPF_MOD | BPF_X, 0), RET_A),
    VC("neg x", false, "unknown opcode 0x008c", BPF_STMT(BPF_ALU | BPF_NEG | BPF_X, 0), RET_A),
    VC("ret x", false, "unknown opcode 0x000e", BPF_STMT(BPF_RET | BPF_X, 0), RET_A),
    VC("ld h imm", false, "unknown opcode", BPF_STMT(BPF_LD | BPF_H | BPF_IMM, 0), RET_A),
    VC("ldx abs", false, "unknown opcode", BPF_STMT(BPF_LDX | BPF_W | BPF_ABS, 0), RET_A),
    VC("jmp ja with x", false, "unknown opcode", BPF_STMT(BPF_JMP | BPF_JA | BPF_X, 0), RET_A),
    VC("garbage opcode", false, "unknown opcode 0xffff", BPF_STMT(0xffff, 0), RET_A),
    VC("div by constant zero", false, "instruction 0: division by constant zero",
       BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET_A),
    VC("mod by constant zero", false, "division by constant zero",
       BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 0), RET_A),
    VC("lsh 32", false, "shift by constant 32", BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), RET_A),
    VC("rsh 33", false, "shift by constant 33", BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 33), RET_A),
    VC("st M[16]", false, "M[16] out of range", BPF_STMT(BPF_ST, 16), RET_A),
    VC("ldx M[16]", false, "M[16] out of range", BPF_STMT(BPF_LDX | BPF_MEM, 16), RET_A),
    VC("load before store", false, "instruction 0: M[0] may be read",
       BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A),
    VC("load of the other cell", false, "instruction 1: M[1]", BPF_STMT(BPF_ST, 0),
       BPF_STMT(BPF_LDX | BPF_MEM, 1), RET_A),
    VC("store on one branch only", false, "instruction 3: M[2]", LD_ABS(OFF_NR),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), BPF_STMT(BPF_ST, 2),
       BPF_STMT(BPF_LD | BPF_MEM, 2), RET_A),
    /* The kernel's linear pass lets the state after a ret reach the next
     * instruction: M[0] is written on the only path to 5, yet rejected. */
    VC("state flows through ret", false, "instruction 5: M[0]",
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2), BPF_STMT(BPF_ST, 0),
       BPF_JUMP(BPF_JMP | BPF_JA, 2, 0, 0), LD_IMM(0), RET_A, BPF_STMT(BPF_LD | BPF_MEM, 0),
       RET_A),
    /* Classic checks come first: the jump error at 2 wins over the opcode at 0. */
    VC("kernel order", false, "instruction 2: jt", BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET_A,
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0), RET_A),
};

#endif
