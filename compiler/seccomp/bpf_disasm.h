/* bpf_disasm.h — human-readable listing of a classic seccomp BPF program.
 *
 * One line per instruction, in the style of libpcap / bpf_dbg, with absolute
 * jump targets and seccomp-aware annotations after a ';':
 *
 *    0: ld arch
 *    1: jeq #0xc000003e  jt 2  jf 5       ; AUDIT_ARCH_X86_64
 *    2: ld nr
 *    3: jeq #0x3b  jt 4  jf 5             ; execve
 *    4: ret ERRNO(EPERM)
 *    5: ret ALLOW
 *
 * Loads of struct seccomp_data are shown by field (nr, arch, ip.lo, ip.hi,
 * args[N].lo, args[N].hi; lo/hi follow the host byte order), constants
 * compared with arch are named (AUDIT_ARCH_*), constants compared with nr are
 * named after the syscall when a forward dataflow over the program shows that
 * exactly one architecture is possible at that point (the x86_64 numbers with
 * the x32 bit are looked up in the x32 table), and return values are decoded
 * (ALLOW, ERRNO(EPERM), KILL_PROCESS, TRACE(5), ...).  Programs need not be
 * valid: unknown opcodes and out-of-range targets are printed as they are. */
#ifndef STK_BPF_DISASM_H
#define STK_BPF_DISASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/filter.h>

void stk_bpf_disasm(FILE *out, const struct sock_filter *prog, size_t len);

/* A SECCOMP_RET_* value as text ("ALLOW", "ERRNO(EPERM)", "TRACE(5)",
 * "KILL_PROCESS", "0x12340000" for unknown actions) into buf; returns buf. */
const char *stk_bpf_disasm_ret_str(uint32_t ret, char *buf, size_t len);

/* AUDIT_ARCH_* name for an arch value ("AUDIT_ARCH_X86_64"), or NULL. */
const char *stk_bpf_disasm_arch_name(uint32_t arch);

#endif
