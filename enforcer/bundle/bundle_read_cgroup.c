/* bundle_read_cgroup.c — decode and validate the cgroup records
 * (bundle_cgroup.h), and their dry-run line. */
#include "bundle/bundle_decode.h"

#include <string.h>

#define STEP "bundle"

const char *stk_cg_key_name(unsigned key)
{
    static const char *const names[STK_CG_NKEYS] = {
        "memory.max", "memory.swap.max", "pids.max", "cpu.max", "cpu.weight", "io.weight",
    };
    return key < STK_CG_NKEYS ? names[key] : NULL;
}

/* The range rules of bundle_cgroup.h; NULL if fine, else what is wrong. */
static const char *limit_problem(unsigned key, uint64_t v, uint64_t v2)
{
    if (key != STK_CG_CPU_MAX && v2 != 0)
        return "a second value is given";
    switch (key) {
    case STK_CG_MEMORY_MAX:
        return v == STK_CG_MAX || (v >= 1 && v <= STK_CG_MEM_LIMIT) ? NULL : "out of range";
    case STK_CG_MEMORY_SWAP_MAX:
        return v == STK_CG_MAX || v <= STK_CG_MEM_LIMIT ? NULL : "out of range";
    case STK_CG_PIDS_MAX:
        return v == STK_CG_MAX || (v >= 1 && v <= STK_CG_PIDS_LIMIT) ? NULL : "out of range";
    case STK_CG_CPU_MAX:
        if (v != STK_CG_MAX && (v < STK_CG_QUOTA_MIN || v > STK_CG_QUOTA_LIMIT))
            return "quota out of range";
        return v2 >= STK_CG_PERIOD_MIN && v2 <= STK_CG_PERIOD_MAX ? NULL : "period out of range";
    case STK_CG_CPU_WEIGHT:
    case STK_CG_IO_WEIGHT:
        return v >= STK_CG_WEIGHT_MIN && v <= STK_CG_WEIGHT_MAX ? NULL : "out of range";
    default:
        return "unknown key";
    }
}

int stk_bundle_read_cgroup(struct stk_bcur *c, uint16_t type, struct stk_bundle *b)
{
    struct stk_bundle_cgroup *g = &b->cgroup;
    switch (type) {
    case STK_REC_CGROUP:
        if (g->present)
            return stk_errf(c->e, STEP, "duplicate record of type 0x%04x", type);
        if (stk_bc_zero(c, 4, "cgroup record") < 0)
            return -1;
        g->present = true;
        return 0;
    case STK_REC_CGROUP_LIMIT: {
        uint32_t key;
        uint64_t v, v2;
        if (stk_bc_u32(c, &key, "cgroup limit") < 0 || stk_bc_zero(c, 4, "cgroup limit") < 0 ||
            stk_bc_u64(c, &v, "cgroup limit") < 0 || stk_bc_u64(c, &v2, "cgroup limit") < 0)
            return -1;
        if (key >= STK_CG_NKEYS)
            return stk_errf(c->e, STEP, "unknown cgroup limit %u", key);
        if (g->lim[key].set)
            return stk_errf(c->e, STEP, "duplicate cgroup limit %s", stk_cg_key_name(key));
        const char *why = limit_problem(key, v, v2);
        if (why)
            return stk_errf(c->e, STEP, "cgroup limit %s %llu %llu: %s", stk_cg_key_name(key),
                            (unsigned long long)v, (unsigned long long)v2, why);
        g->lim[key] = (struct stk_bundle_cg_limit){true, v, v2};
        return 0;
    }
    default:
        return stk_errf(c->e, STEP, "unknown record type 0x%04x", type);
    }
}

int stk_bundle_check_cgroup(const struct stk_bundle *b, struct stk_err *e)
{
    if (b->cgroup.present)
        return 0;
    for (unsigned k = 0; k < STK_CG_NKEYS; k++)
        if (b->cgroup.lim[k].set)
            return stk_errf(e, STEP, "cgroup limit %s without a cgroup record", stk_cg_key_name(k));
    return 0;
}

void stk_bundle_free_cgroup(struct stk_bundle *b)
{
    (void)b;
}

static void print_value(FILE *out, unsigned key, const struct stk_bundle_cg_limit *l)
{
    if (key == STK_CG_CPU_MAX) {
        if (l->value == STK_CG_MAX)
            fprintf(out, "max %llu", (unsigned long long)l->value2);
        else
            fprintf(out, "%llu %llu", (unsigned long long)l->value, (unsigned long long)l->value2);
    } else if (l->value == STK_CG_MAX) {
        fputs("max", out);
    } else {
        fprintf(out, "%llu", (unsigned long long)l->value);
    }
}

void stk_bundle_print_cgroup(const struct stk_bundle *b, int *step, FILE *out)
{
    const struct stk_bundle_cgroup *g = &b->cgroup;
    if (!g->present)
        return;
    fprintf(out, "%2d. cgroup: a new leaf stockade/%s-PID (cgroup v2 if its controllers are there, else v1):",
            ++*step, b->name ? b->name : "run");
    bool any = false;
    for (unsigned k = 0; k < STK_CG_NKEYS; k++) {
        if (!g->lim[k].set)
            continue;
        fprintf(out, "%s %s ", any ? "," : "", stk_cg_key_name(k));
        print_value(out, k, &g->lim[k]);
        any = true;
    }
    if (!any)
        fputs(" no limits", out);
    fputs("; the command starts in it; whatever is left in it is killed and the leaf removed when the command "
          "exits\n",
          out);
}
