/* report.c — `--report`: violation reporting through the supervisor (steps.h). */
#include "steps.h"

int stk_report_prepare(const struct stk_bundle *b, bool report, struct stk_supervisor *sv, struct stk_report **out,
                       struct stk_err *e)
{
    (void)b;
    (void)sv;
    *out = NULL;
    if (report)
        return stk_errf(e, "report", "--report is not implemented yet");
    return 0;
}
