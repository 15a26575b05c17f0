/* export.h — back ends that carry a policy to where services already run:
 * the OCI runtime-spec seccomp JSON (export_oci.c), stockade's own program
 * as crun's run.oci.seccomp_bpf_data annotation (export_runtime.c), and the
 * Security Profiles Operator resources for Kubernetes (export_k8s.c).
 *
 * An export must mean exactly what the policy means under the rules the
 * target really applies (docs/interop.md); what it cannot say is refused
 * with a `not-exportable` error at the rule, or with --lossy approximated
 * with a `lossy-export` warning that says tighter or looser. */
#ifndef STK_EXPORT_H
#define STK_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "ir/ir.h"
#include "util.h"

enum stk_export_kind { STK_EXPORT_NONE, STK_EXPORT_OCI_SECCOMP, STK_EXPORT_OCI_BPF, STK_EXPORT_K8S, STK_EXPORT_K8S_JSON };

/* --emit=oci-seccomp, oci-bpf, k8s, k8s-json; STK_EXPORT_NONE for any other name. */
enum stk_export_kind stk_export_kind_by_name(const char *name);

struct stk_export_req {
    enum stk_export_kind kind;
    bool lossy;                 /* approximate what cannot be exact (warnings say how) */
    const struct stk_buf *cil;  /* the CIL module (k8s), may be empty */
    const struct stk_buf *apparmor; /* the AppArmor profile (k8s), may be empty */
};

/* Run the export req->kind for ir into out.  Refusals and approximations go to
 * ds; returns false when the policy cannot be exported (an error was reported). */
bool stk_export(const struct stk_policy_ir *ir, const struct stk_export_req *req, struct stk_diags *ds,
                struct stk_buf *out);

/* ---- the decision of one syscall as disjoint boxes (export_part.c) ---------- */

/* (arg & mask) == value; mask 0: any value */
struct stk_xcube {
    uint64_t mask, value;
};

/* One region of the argument space: every argument in its cube. */
struct stk_xbox {
    struct stk_xcube arg[6];
    struct stk_action action;
    size_t rule; /* index of the rule that decides it; (size_t)-1: the fallback */
};

struct stk_xpart {
    struct stk_xbox *v;
    size_t n, cap;
};

/* Split the decision of syscall sc on abi (its rules in s, first match wins,
 * then fallback) into disjoint boxes, at most limit of them, leaving out the
 * boxes whose action is *skip (skip may be NULL).  Boxes that lie side by
 * side with one action are merged.  Returns false when more than limit boxes
 * (or 64 times as many left out) would be needed. */
bool stk_export_partition(const struct stk_seccomp *s, int sc, enum stk_abi abi, struct stk_action fallback,
                          size_t limit, const struct stk_action *skip, struct stk_xpart *out);
void stk_xpart_free(struct stk_xpart *p);

/* ---- runtimes (export_runtime.c) ------------------------------------------ */

/* A shallow copy of ir whose seccomp rules leave out stockade's exec
 * hand-over rule (it exists for the enforcer's own final execveat; a
 * runtime does its own exec).  Free with stk_export_ir_free. */
struct stk_policy_ir *stk_export_ir(const struct stk_policy_ir *ir);
void stk_export_ir_free(struct stk_policy_ir *copy);

/* The calls a runtime makes after it installed the filter (crun 1.8: close
 * and execve; without no_new_privs also the identity and capability calls):
 * report each one the policy does not let run for every argument.  True when
 * all are let through (or lossy: warned). */
bool stk_export_runtime_check(const struct stk_policy_ir *ir, const char *format, bool lossy, struct stk_diags *ds);

/* The first action the policy's fallback gives syscall sc (its unconditional
 * rule, else the default). */
struct stk_action stk_export_fallback(const struct stk_seccomp *s, int sc, size_t *rule);

bool stk_export_oci_seccomp(const struct stk_policy_ir *ir, bool lossy, struct stk_diags *ds, struct stk_buf *out);
bool stk_export_oci_bpf(const struct stk_policy_ir *ir, bool lossy, struct stk_diags *ds, struct stk_buf *out);
bool stk_export_k8s(const struct stk_policy_ir *ir, const struct stk_export_req *req, struct stk_diags *ds,
                    struct stk_buf *out);

#endif
