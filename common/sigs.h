/* sigs.h — syscall signatures: the documented name, width and signedness of
 * each argument, so policies can say `domain` instead of `arg0` and the code
 * generator compares exactly the bits the kernel reads.
 * Data: common/data/syscall-args.txt, compiled in at build time. */
#ifndef STK_SIGS_H
#define STK_SIGS_H

#include <stdbool.h>
#include <stdint.h>

#include "syscalls.h"

enum stk_arg_type {
    STK_ARG_INT,   /* 32-bit signed: compared on the low word only */
    STK_ARG_UINT,  /* 32-bit unsigned: compared on the low word only */
    STK_ARG_LONG,  /* register-sized signed (64 bits on 64-bit ABIs) */
    STK_ARG_ULONG, /* register-sized unsigned: size_t, pointers, unsigned long, u64 */
    STK_ARG_SCMP,  /* a policy's regN: the register as libseccomp compares it, unsigned,
                    * 64 bits on x86_64, aarch64, riscv64, 32 on i386, arm and x32 */
};

/* Names are stored in place, not pointed to (no relocations at start-up:
 * see STK_SYSCALL_NAME_MAX); the generator refuses longer ones.  An unused
 * argument slot has an empty name. */
#define STK_ARG_NAME_MAX 20

struct stk_arg_sig {
    char name[STK_ARG_NAME_MAX];
    enum stk_arg_type type;
};

struct stk_sig {
    char syscall[STK_SYSCALL_NAME_MAX];
    uint8_t nargs;
    struct stk_arg_sig args[6];
};

/* Signature of a syscall by name, or NULL if the table has none (then only
 * arg0..arg5 may be used, each treated as an unsigned register-sized value). */
const struct stk_sig *stk_sig_lookup(const char *syscall);
/* The signature of syscall as seen on abi: the override for abi if there is
 * one, else the base signature; NULL if the table has none. */
const struct stk_sig *stk_sig_lookup_abi(const char *syscall, enum stk_abi abi);

/* Resolve an argument reference ("fd", "arg2") for syscall on abi.
 * Returns the argument index 0..5 and sets *type, or -1 if unknown.
 * Per-ABI argument order differences (clone's tls/child_tid) are applied here. */
int stk_sig_arg(const char *syscall, enum stk_abi abi, const char *argname, enum stk_arg_type *type);

/* Width in bits of an argument of this type on abi (32 or 64). */
unsigned stk_arg_width(enum stk_arg_type type, enum stk_abi abi);
bool stk_arg_signed(enum stk_arg_type type);

#endif
