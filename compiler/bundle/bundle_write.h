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

/* True if the policy does not unconditionally allow both execve and execveat
 * (then the enforcer must exec the command through its exec descriptor). */
bool stk_bundle_write_exec_restricted(const struct stk_seccomp *s);

#endif
