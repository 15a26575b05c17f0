/* report_decode.h — symbolic names for the arguments of a reported call
 * (--report): enum-like values (PR_, TIOC and FIO, F_, SOCK_ names), flag sets
 * (O_*, PROT_*, MAP_*, CLONE_*), modes in octal.  Pure; no allocation. */
#ifndef STK_SUPERVISE_REPORT_DECODE_H
#define STK_SUPERVISE_REPORT_DECODE_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sigs.h"

/* Writes argument i of syscall name (signature sig, value v already cut to
 * the bits the kernel reads) into buf when it has a decoding; false (buf
 * empty) when the caller's generic format applies, and also when the decoding
 * does not fit in len (cut short it would hide flags or show a smaller
 * number than the call's). */
bool stk_report_decode_arg(char *buf, size_t len, const char *name, const struct stk_sig *sig, unsigned i,
                           uint64_t v);

/* True when argument i is not read by the kernel for this call and is left
 * out (open/openat/creat's mode without O_CREAT or O_TMPFILE). */
bool stk_report_decode_omit(const char *name, const struct stk_sig *sig, unsigned i, const struct seccomp_data *d);

#endif
