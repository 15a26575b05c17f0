/* syscalls.h — the syscall ABIs stockade compiles for, and the name/number
 * table.  The table is generated at build time from common/data/syscalls.csv
 * (the project's own, newer than Debian's libseccomp) merged with libseccomp's
 * knowledge: the newest source wins (see common/tools/gen_syscalls.c). */
#ifndef STK_SYSCALLS_H
#define STK_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One entry per syscall ABI.  x32 shares AUDIT_ARCH_X86_64 with x86_64 and
 * is told apart by __X32_SYSCALL_BIT in the number. */
enum stk_abi {
    STK_ABI_X86_64,
    STK_ABI_I386,
    STK_ABI_X32,
    STK_ABI_AARCH64,
    STK_ABI_ARM,
    STK_ABI_RISCV64,
    STK_ABI_COUNT
};

#define STK_X32_SYSCALL_BIT 0x40000000u

struct stk_abi_info {
    const char *name;     /* as written in policies: x86_64, i386, x32, aarch64, arm, riscv64 */
    const char *alias;    /* x86 for i386, NULL otherwise */
    uint32_t audit_arch;  /* AUDIT_ARCH_* value seen in seccomp_data.arch */
    uint32_t nr_offset;   /* added to table numbers (STK_X32_SYSCALL_BIT for x32) */
    bool is_64bit;        /* 64-bit registers: pointer/long arguments are 64 bits wide */
    int libseccomp_arch;  /* SCMP_ARCH_* */
};

extern const struct stk_abi_info stk_abis[STK_ABI_COUNT];

/* The ABI of the machine stockade was built for. */
enum stk_abi stk_native_abi(void);
/* Look an ABI up by policy name ("x86_64", "i386"/"x86", "native" -> native). -1 if unknown. */
int stk_abi_by_name(const char *name);

#define STK_NR_NONE (-1)

/* Names are stored in the table itself, not pointed to: a table of pointers
 * would need a relocation per entry when the position-independent binary
 * starts (every page of it written once: measurable on every `stockade run`,
 * docs/performance.md).  The generator refuses longer names. */
#define STK_SYSCALL_NAME_MAX 32

struct stk_syscall {
    char name[STK_SYSCALL_NAME_MAX];
    int32_t nr[STK_ABI_COUNT]; /* table number (without nr_offset), STK_NR_NONE if absent */
};

/* Generated: sorted by name. */
extern const struct stk_syscall stk_syscall_table[];
extern const size_t stk_syscall_count;

/* Index of name in stk_syscall_table, or -1. */
int stk_syscall_lookup(const char *name);
/* The number seen by seccomp for syscall index id on abi (nr_offset applied), or -1 if absent. */
int64_t stk_syscall_nr(int id, enum stk_abi abi);
/* Name of the syscall with seccomp-visible number nr on abi, or NULL. */
const char *stk_syscall_name_by_nr(enum stk_abi abi, uint32_t nr);
/* The largest table number the compiler knows on abi (without nr_offset). */
int32_t stk_syscall_max_nr(enum stk_abi abi);
/* Closest known name (for "did you mean"), or NULL. */
const char *stk_syscall_suggest(const char *name);

#endif
