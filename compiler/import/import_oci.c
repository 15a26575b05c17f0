/* import_oci.c — read an OCI runtime-spec linux.seccomp object or a Docker
 * seccomp profile (JSON, through json-c) and keep the rules that apply to the
 * machine (--arch), the capability set (--caps) and the kernel (--kernel), the
 * way Docker resolves a profile before it hands it to the runtime: archMap
 * picks the architectures, a rule's includes (every cap listed held, the
 * machine's architecture listed, the kernel at least minKernel) must hold and
 * its excludes (any cap listed held, the architecture listed, the kernel at
 * least minKernel) must not.  import_rules.c decides what libseccomp makes of
 * the rules kept. */
#include <errno.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "bpf_interp.h"
#include "compile.h"
#include "import/import_int.h"
#include "seccomp/bpf_gen.h"

#define IMP_MAX_DEPTH 32

struct rd {
    const struct stk_import_opts *o;
    struct imp_profile *p;
    struct stk_buf *warn;
    char *err;
    size_t errlen;
};

static int fail(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct rd *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
    return -1;
}


/* ---- architectures -------------------------------------------------------- */
static const struct {
    const char *scmp;   /* SCMP_ARCH_* */
    const char *docker; /* includes/excludes.arches spelling (Go's) */
    int abi;            /* enum stk_abi, -1: not compiled by stockade */
} arches[] = {
    {"SCMP_ARCH_X86_64", "amd64", STK_ABI_X86_64}, {"SCMP_ARCH_X86", "x86", STK_ABI_I386},
    {"SCMP_ARCH_X32", "x32", STK_ABI_X32},         {"SCMP_ARCH_AARCH64", "arm64", STK_ABI_AARCH64},
    {"SCMP_ARCH_ARM", "arm", STK_ABI_ARM},         {"SCMP_ARCH_RISCV64", "riscv64", STK_ABI_RISCV64},
};
#define NARCHES (sizeof arches / sizeof arches[0])

static int arch_of_abi(enum stk_abi abi)
{
    for (size_t i = 0; i < NARCHES; i++)
        if (arches[i].abi == (int)abi)
            return (int)i;
    return -1;
}

/* Add the SCMP_ARCH_* name to the profile's ABIs (a name stockade does not
 * compile for is noted and left out: its calls cannot come from this machine
 * unless it is that architecture). */
static int add_arch(struct rd *r, json_object *v, const char *where)
{
    if (!json_object_is_type(v, json_type_string))
        return fail(r, "%s: an architecture must be a string (SCMP_ARCH_...)", where);
    const char *s = json_object_get_string(v);
    for (size_t i = 0; i < NARCHES; i++) {
        if (strcmp(arches[i].scmp, s) == 0) {
            r->p->abis[arches[i].abi] = true;
            return 0;
        }
    }
    if (strncmp(s, "SCMP_ARCH_", 10) != 0)
        return fail(r, "%s: unknown architecture '%.60s' (expected SCMP_ARCH_X86_64, ...)", where, s);
    stk_buf_printf(&r->p->notes, "# %.60s: not an architecture stockade compiles for; left out\n", s);
    return 0;
}

static int read_arches(struct rd *r, json_object *top)
{
    json_object *list = NULL, *map = NULL;
    json_object_object_get_ex(top, "architectures", &list);
    json_object_object_get_ex(top, "archMap", &map);
    if (list && !json_object_is_type(list, json_type_null) && json_object_array_length(list) > 0 && map &&
        json_object_is_type(map, json_type_array) && json_object_array_length(map) > 0)
        return fail(r, "both 'architectures' and 'archMap' are given; a profile has one or the other");
    /* the machine's own architecture is always in a libseccomp filter */
    r->p->abis[r->o->abi] = true;
    if (list && !json_object_is_type(list, json_type_null)) {
        if (!json_object_is_type(list, json_type_array))
            return fail(r, "'architectures' must be an array");
        for (size_t i = 0; i < json_object_array_length(list); i++)
            if (add_arch(r, json_object_array_get_idx(list, i), "architectures") < 0)
                return -1;
    }
    if (map && !json_object_is_type(map, json_type_null)) {
        if (!json_object_is_type(map, json_type_array))
            return fail(r, "'archMap' must be an array");
        int me = arch_of_abi(r->o->abi);
        for (size_t i = 0; i < json_object_array_length(map); i++) {
            json_object *e = json_object_array_get_idx(map, i), *a = NULL, *subs = NULL;
            if (!json_object_is_type(e, json_type_object) || !json_object_object_get_ex(e, "architecture", &a) ||
                !json_object_is_type(a, json_type_string))
                return fail(r, "archMap[%zu]: expected {\"architecture\": \"SCMP_ARCH_...\", ...}", i);
            if (me < 0 || strcmp(json_object_get_string(a), arches[me].scmp) != 0)
                continue;
            json_object_object_get_ex(e, "subArchitectures", &subs);
            if (subs && !json_object_is_type(subs, json_type_null)) {
                if (!json_object_is_type(subs, json_type_array))
                    return fail(r, "archMap[%zu]: 'subArchitectures' must be an array", i);
                for (size_t j = 0; j < json_object_array_length(subs); j++)
                    if (add_arch(r, json_object_array_get_idx(subs, j), "archMap") < 0)
                        return -1;
            }
        }
    }
    return 0;
}

/* ---- actions ------------------------------------------------------------------ */
static int read_errno(struct rd *r, json_object *v, const char *where, uint16_t *out)
{
    if (!json_object_is_type(v, json_type_int))
        return fail(r, "%s: errnoRet must be a number", where);
    errno = 0;
    int64_t e = json_object_get_int64(v);
    if (errno || e < 0 || e > 4095)
        return fail(r, "%s: errnoRet %lld is outside 0 to 4095", where, (long long)e);
    *out = (uint16_t)e;
    return 0;
}

static int read_action(struct rd *r, json_object *v, json_object *ret, const char *where, struct stk_action *a)
{
    if (!v || !json_object_is_type(v, json_type_string))
        return fail(r, "%s: 'action' must be a string (SCMP_ACT_...)", where);
    const char *s = json_object_get_string(v);
    static const struct {
        const char *name;
        enum stk_action_kind kind;
    } acts[] = {
        {"SCMP_ACT_KILL", STK_ACT_KILL_THREAD},  {"SCMP_ACT_KILL_THREAD", STK_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_PROCESS", STK_ACT_KILL_PROCESS}, {"SCMP_ACT_TRAP", STK_ACT_TRAP},
        {"SCMP_ACT_ERRNO", STK_ACT_ERRNO},       {"SCMP_ACT_TRACE", STK_ACT_TRACE},
        {"SCMP_ACT_ALLOW", STK_ACT_ALLOW},       {"SCMP_ACT_LOG", STK_ACT_LOG},
        {"SCMP_ACT_NOTIFY", STK_ACT_NOTIFY},
    };
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        if (strcmp(acts[i].name, s) != 0)
            continue;
        a->kind = acts[i].kind;
        a->data = 0;
        if (a->kind == STK_ACT_NOTIFY)
            return fail(r, "%s: SCMP_ACT_NOTIFY hands the call to the runtime's listener (listenerPath); "
                           "stockade has no such agent and cannot import it",
                        where);
        if (a->kind == STK_ACT_ERRNO || a->kind == STK_ACT_TRACE) {
            a->data = 1; /* runc and crun: EPERM when the profile gives none */
            if (ret && !json_object_is_type(ret, json_type_null) && read_errno(r, ret, where, &a->data) < 0)
                return -1;
        } else if (ret && !json_object_is_type(ret, json_type_null)) {
            stk_import_warn(r->warn, "%s: errnoRet ignored with %s", where, s);
        }
        return 0;
    }
    return fail(r, "%s: unknown action '%.60s'", where, s);
}

/* ---- includes / excludes ---------------------------------------------------- */
static bool cap_held(const struct rd *r, const char *name)
{
    cap_value_t c;
    if (cap_from_name(name, &c) != 0 || c < 0 || c > 63)
        return false;
    return (r->o->caps >> c) & 1;
}

/* Does the filter ({caps, arches, minKernel}) hold?  include: all of it
 * (every cap, the machine listed, the kernel new enough); exclude: any of it. */
static int filter_holds(struct rd *r, json_object *f, bool include, const char *where, bool *holds,
                        struct stk_buf *why)
{
    *holds = include;
    if (!f || json_object_is_type(f, json_type_null))
        return 0;
    if (!json_object_is_type(f, json_type_object))
        return fail(r, "%s: must be an object", where);
    bool any = false, all = true;
    json_object_object_foreach(f, key, val) {
        if (json_object_is_type(val, json_type_null))
            continue;
        if (strcmp(key, "caps") == 0 || strcmp(key, "arches") == 0) {
            bool caps = key[0] == 'c';
            if (!json_object_is_type(val, json_type_array))
                return fail(r, "%s.%s must be an array", where, key);
            size_t n = json_object_array_length(val);
            bool hit = false;
            for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(val, i);
                if (!json_object_is_type(e, json_type_string))
                    return fail(r, "%s.%s[%zu] must be a string", where, key, i);
                const char *s = json_object_get_string(e);
                bool in;
                if (caps) {
                    in = cap_held(r, s);
                } else {
                    int me = arch_of_abi(r->o->abi);
                    in = me >= 0 && (strcmp(s, arches[me].docker) == 0 || strcmp(s, stk_abis[r->o->abi].name) == 0 ||
                                     (r->o->abi == STK_ABI_I386 && strcmp(s, "386") == 0));
                }
                stk_buf_printf(why, "%s%.60s", i ? "," : (why->len ? "; " : ""), s);
                if (caps && include && !in) /* includes: every cap; excludes: any */
                    all = false;
                hit |= in;
            }
            if (n == 0)
                continue;
            if (include && !caps && !hit)
                all = false;
            if (!include && hit)
                any = true;
        } else if (strcmp(key, "minKernel") == 0) {
            unsigned ma = 0, mi = 0;
            int used = 0;
            if (!json_object_is_type(val, json_type_string) ||
                sscanf(json_object_get_string(val), "%u.%u%n", &ma, &mi, &used) != 2)
                return fail(r, "%s.minKernel must be a string \"X.Y\"", where);
            bool newer = r->o->kmajor > ma || (r->o->kmajor == ma && r->o->kminor >= mi);
            stk_buf_printf(why, "%skernel >= %u.%u", why->len ? "; " : "", ma, mi);
            if (include && !newer)
                all = false;
            if (!include && newer)
                any = true;
        } else {
            return fail(r, "%s: unknown key '%.40s' (caps, arches, minKernel)", where, key);
        }
    }
    *holds = include ? all : any;
    return 0;
}

/* ---- rules -------------------------------------------------------------------- */
static int read_u64(struct rd *r, json_object *v, const char *where, uint64_t *out)
{
    if (!json_object_is_type(v, json_type_int))
        return fail(r, "%s must be a non-negative integer", where);
    errno = 0;
    int64_t s = json_object_get_int64(v);
    if (s < 0 && errno == 0)
        return fail(r, "%s must be a non-negative integer", where);
    errno = 0;
    uint64_t u = json_object_get_uint64(v);
    if (errno)
        return fail(r, "%s is out of range", where);
    *out = u;
    return 0;
}

static int read_cmp(struct rd *r, json_object *a, const char *where, struct imp_cmp *c)
{
    static const char *const ops[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
                                      "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
    json_object *idx = NULL, *val = NULL, *two = NULL, *op = NULL;
    if (!json_object_is_type(a, json_type_object))
        return fail(r, "%s: an argument comparison must be an object", where);
    json_object_object_get_ex(a, "index", &idx);
    json_object_object_get_ex(a, "value", &val);
    json_object_object_get_ex(a, "valueTwo", &two);
    json_object_object_get_ex(a, "op", &op);
    uint64_t index;
    if (!idx || read_u64(r, idx, "index", &index) < 0 || index > 5)
        return fail(r, "%s: 'index' must be an argument number 0 to 5", where);
    c->index = (unsigned)index;
    if (!op || !json_object_is_type(op, json_type_string))
        return fail(r, "%s: 'op' must be a string (SCMP_CMP_...)", where);
    size_t k = 0;
    while (k < sizeof ops / sizeof ops[0] && strcmp(ops[k], json_object_get_string(op)) != 0)
        k++;
    if (k == sizeof ops / sizeof ops[0])
        return fail(r, "%s: unknown op '%.40s'", where, json_object_get_string(op));
    c->op = (enum imp_op)k;
    c->value = c->value2 = 0;
    if (val && read_u64(r, val, "value", &c->value) < 0)
        return fail(r, "%s: 'value' must be a non-negative 64-bit integer", where);
    if (two && !json_object_is_type(two, json_type_null) && read_u64(r, two, "valueTwo", &c->value2) < 0)
        return fail(r, "%s: 'valueTwo' must be a non-negative 64-bit integer", where);
    return 0;
}

static void rule_free(struct imp_rule *x)
{
    for (size_t i = 0; i < x->nnames; i++)
        free(x->names[i]);
    free(x->names);
    free(x->cmps);
    free(x->origin);
    free(x->comment);
}

static int read_rule(struct rd *r, json_object *e, size_t i)
{
    char where[48];
    snprintf(where, sizeof where, "syscalls[%zu]", i);
    if (!json_object_is_type(e, json_type_object))
        return fail(r, "%s: must be an object", where);
    struct imp_rule x = {.src = i};
    struct stk_buf why = {0};
    json_object *names = NULL, *name = NULL, *act = NULL, *ret = NULL, *args = NULL, *inc = NULL, *exc = NULL,
                *com = NULL;
    json_object_object_get_ex(e, "names", &names);
    json_object_object_get_ex(e, "name", &name);
    json_object_object_get_ex(e, "action", &act);
    json_object_object_get_ex(e, "errnoRet", &ret);
    json_object_object_get_ex(e, "args", &args);
    json_object_object_get_ex(e, "includes", &inc);
    json_object_object_get_ex(e, "excludes", &exc);
    json_object_object_get_ex(e, "comment", &com);
    int rc = -1;
    if (read_action(r, act, ret, where, &x.action) < 0)
        goto out;
    if (names && !json_object_is_type(names, json_type_null)) {
        if (!json_object_is_type(names, json_type_array)) {
            fail(r, "%s: 'names' must be an array of strings", where);
            goto out;
        }
        for (size_t k = 0; k < json_object_array_length(names); k++) {
            json_object *n = json_object_array_get_idx(names, k);
            if (!json_object_is_type(n, json_type_string) || json_object_get_string_len(n) == 0 ||
                json_object_get_string_len(n) >= STK_SYSCALL_NAME_MAX * 4) {
                fail(r, "%s: names[%zu] must be a syscall name", where, k);
                goto out;
            }
            size_t cap = x.nnames;
            STK_PUSH(x.names, x.nnames, cap, stk_xstrdup(json_object_get_string(n)));
        }
    }
    if (name && !json_object_is_type(name, json_type_null)) {
        if (!json_object_is_type(name, json_type_string) || json_object_get_string_len(name) == 0) {
            fail(r, "%s: 'name' must be a syscall name", where);
            goto out;
        }
        size_t cap = x.nnames;
        STK_PUSH(x.names, x.nnames, cap, stk_xstrdup(json_object_get_string(name)));
    }
    if (args && !json_object_is_type(args, json_type_null)) {
        if (!json_object_is_type(args, json_type_array)) {
            fail(r, "%s: 'args' must be an array", where);
            goto out;
        }
        size_t n = json_object_array_length(args);
        if (n > 64) {
            fail(r, "%s: more than 64 argument comparisons", where);
            goto out;
        }
        x.cmps = stk_xcalloc(n ? n : 1, sizeof *x.cmps);
        for (size_t k = 0; k < n; k++) {
            char w2[64];
            snprintf(w2, sizeof w2, "%s.args[%zu]", where, k);
            if (read_cmp(r, json_object_array_get_idx(args, k), w2, &x.cmps[k]) < 0)
                goto out;
            x.ncmps++;
        }
    }
    if (com && json_object_is_type(com, json_type_string) && json_object_get_string_len(com) > 0)
        x.comment = stk_xstrdup(json_object_get_string(com));
    bool in = true, ex = false;
    char w3[64];
    snprintf(w3, sizeof w3, "%s.includes", where);
    struct stk_buf iwhy = {0}, ewhy = {0};
    int frc = filter_holds(r, inc, true, w3, &in, &iwhy);
    snprintf(w3, sizeof w3, "%s.excludes", where);
    if (frc == 0)
        frc = filter_holds(r, exc, false, w3, &ex, &ewhy);
    if (iwhy.len)
        stk_buf_printf(&why, ", includes %s", iwhy.data);
    if (ewhy.len)
        stk_buf_printf(&why, ", excludes %s", ewhy.data);
    stk_buf_free(&iwhy);
    stk_buf_free(&ewhy);
    if (frc < 0)
        goto out;
    x.origin = stk_xasprintf("%s%s", where, why.data ? why.data : "");
    if (!in || ex) {
        stk_buf_printf(&r->p->notes, "# %s (%zu name%s%s%s): does not apply here, left out\n", x.origin, x.nnames,
                       x.nnames == 1 ? "" : "s", x.nnames ? ": " : "", x.nnames ? x.names[0] : "");
        rc = 0;
        goto out;
    }
    if (x.nnames == 0) {
        stk_buf_printf(&r->p->notes, "# %s: names no syscall, left out\n", x.origin);
        rc = 0;
        goto out;
    }
    size_t cap = r->p->nrules;
    STK_PUSH(r->p->rules, r->p->nrules, cap, x);
    memset(&x, 0, sizeof x);
    rc = 0;
out:
    rule_free(&x);
    stk_buf_free(&why);
    return rc;
}

static int read_profile(struct rd *r, json_object *top)
{
    json_object *lin = NULL, *sec = NULL;
    /* a whole OCI config.json: its linux.seccomp */
    if (json_object_object_get_ex(top, "linux", &lin) && json_object_is_type(lin, json_type_object) &&
        json_object_object_get_ex(lin, "seccomp", &sec) && json_object_is_type(sec, json_type_object))
        top = sec;
    json_object *def = NULL, *defret = NULL, *sys = NULL, *flags = NULL, *lp = NULL;
    if (!json_object_object_get_ex(top, "defaultAction", &def))
        return fail(r, "no 'defaultAction': not a seccomp profile (OCI linux.seccomp or Docker's format)");
    json_object_object_get_ex(top, "defaultErrnoRet", &defret);
    if (read_action(r, def, defret, "defaultAction", &r->p->def) < 0)
        return -1;
    if (read_arches(r, top) < 0)
        return -1;
    if (json_object_object_get_ex(top, "flags", &flags) && json_object_is_type(flags, json_type_array) &&
        json_object_array_length(flags) > 0)
        stk_import_warn(r->warn, "'flags' (SECCOMP_FILTER_FLAG_...) are not imported: stockade installs its filter its own way");
    if (json_object_object_get_ex(top, "listenerPath", &lp) && json_object_is_type(lp, json_type_string))
        stk_import_warn(r->warn, "'listenerPath' is not imported (no SCMP_ACT_NOTIFY rule can be)");
    if (json_object_object_get_ex(top, "syscalls", &sys) && !json_object_is_type(sys, json_type_null)) {
        if (!json_object_is_type(sys, json_type_array))
            return fail(r, "'syscalls' must be an array");
        for (size_t i = 0; i < json_object_array_length(sys); i++)
            if (read_rule(r, json_object_array_get_idx(sys, i), i) < 0)
                return -1;
    }
    return 0;
}

int stk_imp_compiles(const struct stk_buf *text, char *err, size_t errlen)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_compile_opts opts = {0};
    struct stk_policy_ir *ir = stk_compile_text("builtin:imported.stk", text->data, text->len, &opts, &ds);
    int rc = 0;
    if (!ir) {
        const char *msg = "it does not compile";
        for (size_t i = 0; i < ds.nd; i++)
            if (ds.d[i].sev == STK_SEV_ERROR) {
                msg = ds.d[i].message;
                break;
            }
        snprintf(err, errlen, "the policy it means cannot be compiled: %s", msg);
        rc = -1;
    } else {
        struct stk_bpf_prog prog = {0};
        char gerr[256];
        if (stk_bpf_generate(ir, &prog, gerr, sizeof gerr) != 0) {
            snprintf(err, errlen, "the policy it means cannot be compiled: %s", gerr);
            rc = -1;
        } else if (prog.len > STK_BPF_MAXINSNS) {
            snprintf(err, errlen,
                     "the policy it means compiles to %zu instructions, over the kernel's limit of %u "
                     "(too many argument conditions)",
                     prog.len, STK_BPF_MAXINSNS);
            rc = -1;
        }
        stk_bpf_prog_free(&prog);
        stk_policy_ir_free(ir);
    }
    stk_diags_free(&ds);
    return rc;
}

void stk_imp_profile_free(struct imp_profile *p)
{
    for (size_t i = 0; i < p->nrules; i++)
        rule_free(&p->rules[i]);
    free(p->rules);
    stk_buf_free(&p->notes);
    memset(p, 0, sizeof *p);
}

int stk_import_oci(const char *json, size_t len, const struct stk_import_opts *o, struct stk_buf *out,
                   struct stk_buf *warn, char *err, size_t errlen)
{
    if (len > 16u << 20) {
        snprintf(err, errlen, "the profile is larger than 16 MiB");
        return -1;
    }
    if (len > 0 && memchr(json, '\0', len)) {
        snprintf(err, errlen, "not JSON: the input holds a NUL byte");
        return -1;
    }
    json_tokener *tok = json_tokener_new_ex(IMP_MAX_DEPTH);
    if (!tok) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *top = json_tokener_parse_ex(tok, json, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t at = json_tokener_get_parse_end(tok);
    if (!top && jerr == json_tokener_continue)
        jerr = json_tokener_error_parse_eof;
    if (top && at < len) {
        size_t k = at;
        while (k < len && (json[k] == ' ' || json[k] == '\n' || json[k] == '\t' || json[k] == '\r'))
            k++;
        if (k < len) {
            json_object_put(top);
            top = NULL;
            snprintf(err, errlen, "not JSON: unexpected text after the object at byte %zu", k);
            json_tokener_free(tok);
            return -1;
        }
    }
    json_tokener_free(tok);
    if (!top) {
        snprintf(err, errlen, "not JSON: %s (near byte %zu)", json_tokener_error_desc(jerr), at);
        return -1;
    }
    if (!json_object_is_type(top, json_type_object)) {
        json_object_put(top);
        snprintf(err, errlen, "not a seccomp profile: the JSON is not an object");
        return -1;
    }
    struct imp_profile p = {0};
    struct rd r = {o, &p, warn, err, errlen};
    int rc = read_profile(&r, top);
    json_object_put(top);
    if (rc == 0) {
        struct imp_plan plan = {0};
        rc = stk_imp_plan(&p, &plan, warn, err, errlen);
        if (rc == 0) {
            stk_imp_write(&p, &plan, o, out);
            rc = stk_imp_compiles(out, err, errlen);
            if (rc != 0)
                out->len = 0;
        }
        stk_imp_plan_free(&plan);
    }
    stk_imp_profile_free(&p);
    return rc;
}
