/* bundle_read_isolation.c — decode and validate the isolation records (bundle_isolation.h). */
#include "bundle_decode.h"

int stk_bundle_read_isolation(struct stk_bcur *c, uint16_t type, struct stk_bundle *b)
{
    (void)b;
    return stk_errf(c->e, "bundle", "unknown record type 0x%04x", type);
}

int stk_bundle_check_isolation(const struct stk_bundle *b, struct stk_err *e)
{
    (void)b;
    (void)e;
    return 0;
}

void stk_bundle_free_isolation(struct stk_bundle *b)
{
    (void)b;
}

void stk_bundle_print_isolation(const struct stk_bundle *b, int *step, FILE *out)
{
    (void)b;
    (void)step;
    (void)out;
}
