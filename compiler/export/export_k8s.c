/* export_k8s.c — Security Profiles Operator resources (--emit=k8s). */
#include "export/export.h"

bool stk_export_k8s(const struct stk_policy_ir *ir, const struct stk_export_req *req, struct stk_diags *ds,
                    struct stk_buf *out)
{
    (void)req;
    (void)out;
    stk_error(ds, "not-exportable", ir->loc, "k8s: not yet");
    return false;
}
