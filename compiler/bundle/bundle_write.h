/* bundle_write.h — serialize a compiled policy (IR + seccomp program) into the
 * bundle format that build/stockade-exec and `stockade run` read
 * (common/bundle_format.h, docs/bundle.md). */
#ifndef STK_BUNDLE_WRITE_H
#define STK_BUNDLE_WRITE_H

#include "seccomp/bpf_gen.h"
#include "ir/ir.h"
#include "util.h"

/* Append the bundle for ir to out.  prog is the program stk_bpf_generate made
 * for ir (NULL or empty when the policy has no seccomp block).  The IR must be
 * one the front end accepted: strings NUL-free and within the bundle limits
 * (the reader rejects anything else). */
void stk_bundle_write(const struct stk_policy_ir *ir, const struct stk_bpf_prog *prog, struct stk_buf *out);

/* The bundle bounds a policy could exceed only as a whole (sema checks every
 * single string and list, sema.h: stk_sema_fits): 0 if bundle (what
 * stk_bundle_write appended to an empty buffer) is within the reader's total
 * length and record count (common/bundle_format.h), else -1 and why in err. */
int stk_bundle_write_check(const struct stk_buf *bundle, char *err, size_t n);

/* True if the policy does not unconditionally allow both execve and execveat
 * (then the enforcer must exec the command through its exec descriptor). */
bool stk_bundle_write_exec_restricted(const struct stk_seccomp *s);

#endif
