/* ref_eval.h — reference evaluation of a policy for one seccomp_data,
 * directly from the IR: the model the generated BPF is tested against. */
#ifndef STK_REF_EVAL_H
#define STK_REF_EVAL_H

#include <linux/seccomp.h>
#include <stdint.h>

#include "ir/ir.h"

/* SECCOMP_RET_* the policy means for this call. */
uint32_t stk_ref_decide(const struct stk_policy_ir *ir, const struct seccomp_data *d);

#endif
