/* export_systemd.h — `stockade compile --emit=systemd`: a policy as a
 * systemd unit drop-in (.conf).  The directives that say exactly what the
 * policy says are written; what systemd cannot say is refused with
 * `not-exportable` (or approximated with --lossy, each approximation a
 * `lossy-export` warning), or, with --systemd-wrap, the drop-in runs the
 * service through stockade-exec with the compiled bundle.  docs/interop.md,
 * "systemd". */
#ifndef STK_EXPORT_SYSTEMD_H
#define STK_EXPORT_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "ir/ir.h"
#include "util.h"

struct stk_sd_opts {
    bool lossy;          /* approximate instead of refusing (warnings say how) */
    bool wrap;           /* --systemd-wrap: ExecStart= through stockade-exec */
    const char *bundle;  /* where the bundle is installed (NULL: /etc/stockade/NAME.bundle) */
    const char *command; /* the service's own command line (wrap: required) */
    const char *exec;    /* the enforcer to run (NULL: "stockade-exec", found by systemd's search path) */
};

/* Write the drop-in for ir into out.  Refusals and approximations are
 * reported into ds at the rule or setting they concern.  Returns false when
 * something was refused (out is then incomplete). */
bool stk_export_systemd(const struct stk_policy_ir *ir, const struct stk_sd_opts *o, struct stk_diags *ds,
                        struct stk_buf *out);

/* Check the --systemd-* options together: 0, or -1 with a message in err. */
int stk_sd_check_opts(const struct stk_sd_opts *o, char *err, size_t len);

#endif
