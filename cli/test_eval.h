/* test_eval.h — evaluate one resolved expectation (compiler/sema/sema_test.h)
 * against what the policy compiled to: seccomp expectations through the
 * bundle's BPF program (common/bpf_interp.c), the rest against the decoded
 * bundle (enforcer/bundle/bundle.h), i.e. what stockade-exec applies. */
#ifndef STK_TEST_EVAL_H
#define STK_TEST_EVAL_H

#include <stdbool.h>

#include "bundle/bundle.h"
#include "ir/ir.h"
#include "sema/sema_test.h"
#include "util.h"

/* True if x holds.  actual gets what the policy does ("x86_64: allow; i386:
 * kill-process"), for the report.  ir gives the architectures the policy
 * filters; b is its bundle read back by the enforcer's reader. */
bool stk_test_eval(const struct stk_expect *x, const struct stk_policy_ir *ir, const struct stk_bundle *b,
                   struct stk_buf *actual);

#endif
