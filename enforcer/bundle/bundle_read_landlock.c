/* bundle_read_landlock.c — decode and validate the landlock records
 * (bundle_landlock.h), and their dry-run line. */
#include "bundle/bundle_decode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define STEP "bundle"

static int read_header(struct stk_bcur *c, struct stk_bundle_landlock *l)
{
    uint8_t compat;
    if (l->present)
        return stk_errf(c->e, STEP, "duplicate record of type 0x%04x", STK_REC_LANDLOCK);
    if (stk_bc_u8(c, &compat, "landlock record") < 0 || stk_bc_zero(c, 7, "landlock record") < 0 ||
        stk_bc_u64(c, &l->handled.fs, "landlock record") < 0 || stk_bc_u64(c, &l->handled.net, "landlock record") < 0 ||
        stk_bc_u64(c, &l->handled.scope, "landlock record") < 0)
        return -1;
    if (compat > STK_LL_BEST_EFFORT)
        return stk_errf(c->e, STEP, "landlock: unknown compat mode %u", compat);
    if (l->handled.fs & ~STK_LL_FS_ALL)
        return stk_errf(c->e, STEP, "landlock: unknown filesystem rights 0x%llx",
                        (unsigned long long)(l->handled.fs & ~STK_LL_FS_ALL));
    if (l->handled.net & ~STK_LL_NET_ALL)
        return stk_errf(c->e, STEP, "landlock: unknown network rights 0x%llx",
                        (unsigned long long)(l->handled.net & ~STK_LL_NET_ALL));
    if (l->handled.scope & ~STK_LL_SCOPE_ALL)
        return stk_errf(c->e, STEP, "landlock: unknown scopes 0x%llx",
                        (unsigned long long)(l->handled.scope & ~STK_LL_SCOPE_ALL));
    if (stk_ll_empty(&l->handled))
        return stk_errf(c->e, STEP, "landlock: the record restricts nothing");
    l->compat = (enum stk_ll_compat)compat;
    l->present = true;
    return 0;
}

static int read_path(struct stk_bcur *c, struct stk_bundle_landlock *l)
{
    struct stk_bundle_ll_path r;
    if (stk_bc_u64(c, &r.access, "landlock path rule") < 0 ||
        stk_bc_str(c, &r.path, STK_BUNDLE_MAX_PATH, true, "landlock path") < 0)
        return -1;
    if (r.access == 0 || (r.access & ~STK_LL_FS_ALL))
        return stk_errf(c->e, STEP, "landlock path rule %s: invalid rights 0x%llx", r.path,
                        (unsigned long long)r.access);
    if (r.path[0] != '/')
        return stk_errf(c->e, STEP, "landlock path rule \"%s\" is not an absolute path", r.path);
    return stk_bc_push(&l->paths, &l->npaths, sizeof r, STK_BUNDLE_MAX_LANDLOCK_RULES, &r, c->e,
                       "landlock path rules");
}

static int read_port(struct stk_bcur *c, struct stk_bundle_landlock *l)
{
    uint64_t access, port;
    if (stk_bc_u64(c, &access, "landlock port rule") < 0 || stk_bc_u64(c, &port, "landlock port rule") < 0)
        return -1;
    if (access == 0 || (access & ~STK_LL_NET_ALL))
        return stk_errf(c->e, STEP, "landlock port rule %llu: invalid rights 0x%llx", (unsigned long long)port,
                        (unsigned long long)access);
    if (port > 65535)
        return stk_errf(c->e, STEP, "landlock port rule: port %llu is out of range", (unsigned long long)port);
    struct stk_bundle_ll_port r = {access, (uint16_t)port};
    return stk_bc_push(&l->ports, &l->nports, sizeof r, STK_BUNDLE_MAX_LANDLOCK_RULES, &r, c->e,
                       "landlock port rules");
}

int stk_bundle_read_landlock(struct stk_bcur *c, uint16_t type, struct stk_bundle *b)
{
    switch (type) {
    case STK_REC_LANDLOCK:
        return read_header(c, &b->landlock);
    case STK_REC_LANDLOCK_PATH:
        return read_path(c, &b->landlock);
    case STK_REC_LANDLOCK_PORT:
        return read_port(c, &b->landlock);
    default:
        return stk_errf(c->e, STEP, "unknown record type 0x%04x", type);
    }
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp((*(const struct stk_bundle_ll_path *const *)a)->path,
                  (*(const struct stk_bundle_ll_path *const *)b)->path);
}

int stk_bundle_check_landlock(const struct stk_bundle *b, struct stk_err *e)
{
    const struct stk_bundle_landlock *l = &b->landlock;
    if (!l->present) {
        if (l->npaths || l->nports)
            return stk_errf(e, STEP, "landlock rules without a landlock record");
        return 0;
    }
    for (size_t i = 0; i < l->npaths; i++)
        if (l->paths[i].access & ~l->handled.fs)
            return stk_errf(e, STEP, "landlock path rule %s allows rights the ruleset does not handle",
                            l->paths[i].path);
    for (size_t i = 0; i < l->nports; i++) {
        if (l->ports[i].access & ~l->handled.net)
            return stk_errf(e, STEP, "landlock port rule %u allows rights the ruleset does not handle",
                            l->ports[i].port);
        for (size_t j = 0; j < i; j++)
            if (l->ports[j].port == l->ports[i].port)
                return stk_errf(e, STEP, "duplicate landlock port rule %u", l->ports[i].port);
    }
    if (l->npaths > 1) {
        const struct stk_bundle_ll_path **v = calloc(l->npaths, sizeof *v);
        if (!v)
            return stk_errnof(e, STEP, ENOMEM, "checking landlock rules");
        for (size_t i = 0; i < l->npaths; i++)
            v[i] = &l->paths[i];
        qsort(v, l->npaths, sizeof *v, cmp_path);
        const char *dup = NULL;
        for (size_t i = 1; i < l->npaths && !dup; i++)
            if (strcmp(v[i - 1]->path, v[i]->path) == 0)
                dup = v[i]->path;
        free(v);
        if (dup)
            return stk_errf(e, STEP, "duplicate landlock path rule %s", dup);
    }
    return 0;
}

void stk_bundle_free_landlock(struct stk_bundle *b)
{
    free(b->landlock.paths);
    free(b->landlock.ports);
    b->landlock.paths = NULL;
    b->landlock.ports = NULL;
}

/* A set of filesystem rights, with the language's group names where the set
 * covers one: "write+read+execute", "read-file+make-reg". */
static void print_fs(FILE *out, uint64_t a)
{
    const char *sep = "";
    uint64_t rest = a;
    if ((rest & STK_LL_WRITE) == STK_LL_WRITE) {
        fprintf(out, "%swrite", sep);
        rest &= ~STK_LL_WRITE;
        sep = "+";
    }
    if ((rest & STK_LL_READ) == STK_LL_READ) {
        fprintf(out, "%sread", sep);
        rest &= ~STK_LL_READ;
        sep = "+";
    }
    if ((a & STK_LL_EXECUTE) == STK_LL_EXECUTE) {
        fprintf(out, "%sexecute", sep);
        rest &= ~STK_LL_EXECUTE;
        sep = "+";
    }
    for (uint64_t bit = 1; bit && bit <= rest; bit <<= 1)
        if (rest & bit) {
            fprintf(out, "%s%s", sep, stk_ll_fs_name(bit));
            sep = "+";
        }
}

void stk_bundle_print_landlock(const struct stk_bundle *b, int *step, FILE *out)
{
    const struct stk_bundle_landlock *l = &b->landlock;
    if (!l->present)
        return;
    fprintf(out, "%2d. landlock (compat %s; needs ABI %d, rights the kernel lacks %s): ", ++*step,
            l->compat == STK_LL_BEST_EFFORT ? "best-effort" : "required", stk_ll_min_abi(&l->handled),
            l->compat == STK_LL_BEST_EFFORT ? "are dropped and reported" : "stop the run");
    if (l->handled.fs) {
        fputs("filesystem handled: ", out);
        if (l->handled.fs == STK_LL_FS_ALL)
            fputs("every right", out);
        else
            print_fs(out, l->handled.fs);
        fputs("; allowed:", out);
        if (!l->npaths)
            fputs(" nothing", out);
        for (size_t i = 0; i < l->npaths; i++) {
            fprintf(out, "%s %s ", i ? "," : "", l->paths[i].path);
            print_fs(out, l->paths[i].access);
        }
        fputs("; ", out);
    }
    if (l->handled.net) {
        fputs("tcp handled; allowed:", out);
        if (!l->nports)
            fputs(" nothing", out);
        for (size_t i = 0; i < l->nports; i++)
            fprintf(out, "%s %s%s%s %u", i ? "," : "", l->ports[i].access & STK_LL_NET_BIND_TCP ? "bind" : "",
                    l->ports[i].access == STK_LL_NET_ALL ? "+" : "",
                    l->ports[i].access & STK_LL_NET_CONNECT_TCP ? "connect" : "", l->ports[i].port);
        fputs("; ", out);
    }
    if (l->handled.scope)
        fprintf(out, "scoped:%s%s; ", l->handled.scope & STK_LL_SCOPE_SIGNAL ? " signal" : "",
                l->handled.scope & STK_LL_SCOPE_ABSTRACT_UNIX ? " abstract-unix" : "");
    fputs("rule paths opened in the command's view (a missing one is skipped with a warning)\n", out);
}
