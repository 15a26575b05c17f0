/* bpf_interp.h — a checker, an interpreter and a cache predictor for classic
 * seccomp BPF programs (struct sock_filter[] run over struct seccomp_data).
 *
 * These are the reference semantics the code generator is proven against, so
 * they follow the kernel exactly (net/core/filter.c and kernel/seccomp.c as of
 * Linux 6.18):
 *
 *   stk_bpf_validate   bpf_check_basics_ok + bpf_check_classic (including
 *                      check_load_and_stores) + seccomp_check_filter: the
 *                      program is accepted iff seccomp(SECCOMP_SET_MODE_FILTER)
 *                      would not fail with EINVAL.
 *   stk_bpf_run        the classic program as the kernel runs it after the
 *                      conversion to eBPF (A and X start at 0, 32-bit unsigned
 *                      arithmetic, division by X == 0 ends the program with 0,
 *                      shifts by X use the low 5 bits of X).
 *   stk_bpf_cacheable  seccomp_is_const_allow: whether the kernel's
 *                      per-architecture action cache (Linux >= 5.11) marks the
 *                      syscall "always allowed" so that the filter is skipped.
 */
#ifndef STK_BPF_INTERP_H
#define STK_BPF_INTERP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

/* BPF_MAXINSNS: the longest program the kernel accepts. */
#define STK_BPF_MAXINSNS 4096u
/* BPF_MEMWORDS: scratch memory cells M[0..15]. */
#define STK_BPF_MEMWORDS 16u
/* Size of struct seccomp_data (what `ld len` loads). */
#define STK_SECCOMP_DATA_SIZE ((uint32_t)sizeof(struct seccomp_data))

/* Check prog[0..len) the way the kernel checks a seccomp filter.  Returns 0 if
 * the kernel would accept it.  Otherwise returns -1 and, when err is not NULL,
 * writes a message naming the offending instruction index and the reason into
 * err (always NUL-terminated when errlen > 0).  The first error reported is the
 * first one the kernel would hit: whole-program classic checks per instruction,
 * then "last instruction is a return", then uninitialised M[] reads, then the
 * seccomp opcode whitelist.
 *
 * Not checked (the kernel fails with ENOMEM, not EINVAL): the total length of
 * all filters attached to a task, counted as sum(len + 4) over the filters,
 * must not exceed 32768 (MAX_INSNS_PER_PATH). */
int stk_bpf_validate(const struct sock_filter *prog, size_t len, char *err, size_t errlen);

/* Run prog over d and return what the filter returns (the SECCOMP_RET_* value).
 * *executed (if executed is not NULL) receives the number of instructions
 * executed, the final RET (or the DIV by X == 0 that ends the program)
 * included.  d NULL reads as all zeroes.  Meant for programs stk_bpf_validate accepts; on anything else it
 * does not crash or loop but stops and returns 0 at the first instruction the
 * kernel would have refused. */
uint32_t stk_bpf_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
                     unsigned *executed);

/* Would the kernel's action cache mark syscall nr on architecture arch as
 * "always allowed" for this filter?  Emulates seccomp_is_const_allow(): walk
 * the program with only nr and arch known; loads of nr/arch, JA, JEQ/JGE/JGT/
 * JSET with K and ALU AND with K are followed, RET K ends the walk (cacheable
 * iff K == SECCOMP_RET_ALLOW), every other instruction (any other load,
 * including args and instruction_pointer, any X operand, RET A, ...) makes the
 * syscall not cacheable.  prog should be valid; a walk that leaves the program
 * answers false.
 *
 * Rules the caller must add (they are not properties of the program):
 *   - the kernel only builds the cache for the native arch and, where it
 *     exists, the compat arch (on x86_64: AUDIT_ARCH_X86_64 for nr 0..
 *     NR_syscalls-1 and AUDIT_ARCH_I386 for 0..IA32_NR_syscalls-1); x32
 *     numbers (nr with 0x40000000 set) are outside the bitmap and never
 *     cached;
 *   - with stacked filters a syscall is cached only if every filter allows it
 *     constantly;
 *   - recent kernels (6.18 included; seccomp_uprobe_exception) treat
 *     uretprobe (335) and uprobe (336) on the native x86_64 arch as constantly
 *     allowed whatever the filter says: the filter never sees them. */
bool stk_bpf_cacheable(const struct sock_filter *prog, size_t len, uint32_t arch, uint32_t nr);

#endif
