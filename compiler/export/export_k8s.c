/* export_k8s.c — Security Profiles Operator resources (--emit=k8s, k8s-json).
 *
 * The documents, in order: a SeccompProfile (the OCI export, exact or
 * refused), a RawSelinuxProfile carrying the policy's CIL module, an
 * AppArmorProfile (the operator's abstract form) and last the container
 * securityContext that uses them (seccompProfile, appArmorProfile,
 * seLinuxOptions, capabilities, allowPrivilegeEscalation, runAsUser and
 * runAsGroup).  The operator's resources are cluster-scoped (its CRDs, v1).
 * What a pod cannot say -- rlimits, Landlock, namespaces and filesystem
 * views, cgroup limits, environment, umask -- is refused at the policy, or
 * with --lossy left out with a warning (looser). */
#include "export/export.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_yaml.h"
#include "lsm/emit_lsm.h"
#include "syscalls.h"

#define SPO_API "security-profiles-operator.x-k8s.io/v1"
#define BIT63 (1ULL << 63)

struct k8s {
    const struct stk_policy_ir *ir;
    bool lossy;
    struct stk_diags *ds;
    bool ok;
};

/* Something the format cannot carry: refused, or with --lossy a warning. */
static void lost(struct k8s *k, struct stk_loc at, const char *dir, const char *what)
{
    if (!at.file)
        at = k->ir->loc;
    if (!k->lossy) {
        stk_diag(k->ds, STK_SEV_ERROR, "not-exportable", at,
                 "export with --lossy to leave it out (docs/interop.md, Kubernetes)", "k8s: %s", what);
        k->ok = false;
    } else {
        stk_diag(k->ds, STK_SEV_WARNING, "lossy-export", at, NULL, "k8s: %s: %s", dir, what);
    }
}

/* A resource name (RFC 1123 subdomain): lower case, '_' as '-'. */
static char *k8s_name(const char *policy)
{
    char *n = stk_xasprintf("stockade-%s", policy);
    for (char *p = n; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
            *p = '-';
    }
    return n;
}

static json_object *resource(const char *kind, const char *name, json_object *spec)
{
    json_object *o = json_object_new_object(), *meta = json_object_new_object();
    json_object_object_add(o, "apiVersion", json_object_new_string(SPO_API));
    json_object_object_add(o, "kind", json_object_new_string(kind));
    json_object_object_add(meta, "name", json_object_new_string(name));
    json_object_object_add(o, "metadata", meta);
    json_object_object_add(o, "spec", spec);
    return o;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* Where the rules of syscall name were written (the policy when none is). */
static struct stk_loc rule_loc(const struct stk_policy_ir *ir, const char *name)
{
    int sc = stk_syscall_lookup(name);
    for (size_t i = 0; sc >= 0 && i < ir->seccomp.nrules; i++)
        if (ir->seccomp.rules[i].syscall == sc && ir->seccomp.rules[i].cond)
            return ir->seccomp.rules[i].loc;
    return ir->loc;
}

/* One comparison (arg & mask) == datum of the OCI JSON in the operator's
 * int64 numbers.  Exact when the same set has such a form: a full mask is
 * SCMP_CMP_EQ, the top bit alone (64-bit ABIs only) is LE or GT 2^63-1.
 * Otherwise, with lossy, bit 63 is left out of the mask: a wider set (*drop
 * when nothing is left to compare).  0: exact, 1: widened, -1: refused. */
static int int64_arg(json_object *a, bool lossy, bool wide_abis, bool *drop)
{
    uint64_t m = json_object_get_uint64(get(a, "value"));
    uint64_t d = get(a, "valueTwo") ? json_object_get_uint64(get(a, "valueTwo")) : 0;
    if (m <= (uint64_t)INT64_MAX && d <= (uint64_t)INT64_MAX)
        return 0;
    const char *op = NULL;
    uint64_t v = 0;
    if (m == UINT64_MAX && d <= (uint64_t)INT64_MAX)
        op = "SCMP_CMP_EQ", v = d;
    else if (m == BIT63 && wide_abis)
        op = d ? "SCMP_CMP_GT" : "SCMP_CMP_LE", v = (uint64_t)INT64_MAX;
    if (op) {
        json_object_object_add(a, "op", json_object_new_string(op));
        json_object_object_add(a, "value", json_object_new_uint64(v));
        json_object_object_del(a, "valueTwo");
        return 0;
    }
    if (!lossy)
        return -1;
    *drop = (m & ~BIT63) == 0;
    json_object_object_add(a, "value", json_object_new_uint64(m & ~BIT63));
    json_object_object_add(a, "valueTwo", json_object_new_uint64(d & ~BIT63));
    return 1;
}

struct k8s_cube {
    uint64_t m[6], d[6]; /* (arg i & m[i]) == d[i]; no comparison: mask 0 */
};

static struct k8s_cube rule_cube(json_object *e)
{
    struct k8s_cube c = {0};
    json_object *args = get(e, "args");
    for (size_t j = 0; args && j < json_object_array_length(args); j++) {
        json_object *a = json_object_array_get_idx(args, j);
        int i = json_object_get_int(get(a, "index"));
        if (i >= 0 && i < 6) {
            c.m[i] = json_object_get_uint64(get(a, "value"));
            c.d[i] = get(a, "valueTwo") ? json_object_get_uint64(get(a, "valueTwo")) : 0;
        }
    }
    return c;
}

/* True when the union of set[0..n) holds all of c (false also when the
 * budget of splits runs out: then the caller approximates). */
static bool cube_covered(struct k8s_cube c, const struct k8s_cube *set, size_t n, int *budget)
{
    if (--*budget < 0)
        return false;
    const struct k8s_cube *cut = NULL;
    for (size_t i = 0; i < n; i++) {
        bool meets = true, holds = true;
        for (int a = 0; a < 6; a++) {
            meets &= ((c.d[a] ^ set[i].d[a]) & c.m[a] & set[i].m[a]) == 0;
            holds &= (set[i].m[a] & ~c.m[a]) == 0;
        }
        if (meets && holds)
            return true;
        if (meets && !cut)
            cut = &set[i];
    }
    if (!cut)
        return false;
    int a = 0;
    while (!(cut->m[a] & ~c.m[a]))
        a++;
    uint64_t bit = cut->m[a] & ~c.m[a];
    bit &= -bit;
    struct k8s_cube lo = c, hi = c;
    lo.m[a] |= bit, hi.m[a] |= bit, hi.d[a] |= bit;
    return cube_covered(lo, set, n, budget) && cube_covered(hi, set, n, budget);
}

/* True when rule n of sys with argument idx changed to the cube (cm, cd)
 * (and the arguments in wid already compared without bit 63) is given the
 * same action by the rules for the syscall: leaving bit 63 out of that
 * argument then adds no value the export did not already give that action
 * (the rules are disjoint boxes, all MASKED_EQ). */
static bool covered(json_object *sys, size_t n, const bool wid[6], int idx, uint64_t cm, uint64_t cd)
{
    json_object *e = json_object_array_get_idx(sys, n);
    size_t len = json_object_array_length(sys), k = 0;
    struct k8s_cube c = rule_cube(e), *set = stk_xcalloc(len ? len : 1, sizeof *set);
    for (int a = 0; a < 6; a++)
        if (wid[a])
            c.m[a] &= ~BIT63, c.d[a] &= ~BIT63;
    c.m[idx] = cm, c.d[idx] = cd;
    for (size_t i = 0; i < len; i++) {
        json_object *o = json_object_array_get_idx(sys, i);
        if (json_object_equal(get(o, "names"), get(e, "names")) &&
            json_object_equal(get(o, "action"), get(e, "action")) &&
            json_object_equal(get(o, "errnoRet"), get(e, "errnoRet")))
            set[k++] = rule_cube(o);
    }
    int budget = 1 << 14;
    bool ok = cube_covered(c, set, k, &budget);
    free(set);
    return ok;
}

/* The SeccompProfile spec from the OCI JSON: the operator's v1 has no
 * defaultErrnoRet (a default errno is EPERM) and 64-bit signed numbers. */
static json_object *seccomp_spec(struct k8s *k, const char *oci)
{
    json_object *root = json_tokener_parse(oci);
    if (!root)
        return NULL;
    json_object *ret = get(root, "defaultErrnoRet");
    if (ret && json_object_get_int(ret) != 1) {
        /* not approximated: another errno than the policy's changes what callers see */
        stk_diag(k->ds, STK_SEV_ERROR, "not-exportable", k->ir->loc, "use 'default errno EPERM'",
                 "k8s: the operator's SeccompProfile has no default errno: its default action fails calls with "
                 "EPERM, the policy's with errno %d",
                 json_object_get_int(ret));
        k->ok = false;
    }
    bool wide_abis = true; /* no 32-bit ABI, whose arguments have no bit 63 */
    json_object *arch = get(root, "architectures");
    for (size_t i = 0; arch && i < json_object_array_length(arch); i++) {
        const char *n = json_object_get_string(json_object_array_get_idx(arch, i));
        wide_abis &= strcmp(n, "SCMP_ARCH_X86") && strcmp(n, "SCMP_ARCH_ARM");
    }
    json_object *sys = get(root, "syscalls"), *orig_root = json_tokener_parse(oci), *orig = get(orig_root, "syscalls");
    const char *said = NULL;
    for (size_t i = 0; sys && i < json_object_array_length(sys); i++) {
        json_object *e = json_object_array_get_idx(sys, i), *args = get(e, "args");
        const char *name = json_object_get_string(json_object_array_get_idx(get(e, "names"), 0));
        const char *action = json_object_get_string(get(e, "action"));
        bool wid[6] = {false};
        for (size_t j = 0; args && j < json_object_array_length(args); j++) {
            json_object *a = json_object_array_get_idx(args, j);
            bool drop = false;
            uint64_t m = json_object_get_uint64(get(a, "value"));
            uint64_t d = get(a, "valueTwo") ? json_object_get_uint64(get(a, "valueTwo")) : 0;
            int idx = json_object_get_int(get(a, "index"));
            bool exact = (m & BIT63) && idx >= 0 && idx < 6 && covered(orig, i, wid, idx, m, d ^ BIT63);
            int r = int64_arg(a, k->lossy || exact, wide_abis, &drop);
            if (r > 0 && idx >= 0 && idx < 6)
                wid[idx] = true;
            r = exact && r > 0 ? 0 : r;
            if (r < 0) {
                stk_diag(k->ds, STK_SEV_ERROR, "not-exportable", rule_loc(k->ir, name),
                         "export with --lossy to compare without bit 63, or compare 64-bit arguments below 2^63",
                         "k8s: '%s' needs the mask %#llx and value %#llx, above the operator's 64-bit signed "
                         "numbers",
                         name, (unsigned long long)json_object_get_uint64(get(a, "value")),
                         (unsigned long long)json_object_get_uint64(get(a, "valueTwo")));
                k->ok = false;
                json_object_put(orig_root);
                json_object_put(root);
                return NULL;
            }
            if (r > 0 && (!said || strcmp(said, name))) {
                bool allow = !strcmp(action, "SCMP_ACT_ALLOW") || !strcmp(action, "SCMP_ACT_LOG");
                stk_diag(k->ds, STK_SEV_WARNING, "lossy-export", rule_loc(k->ir, name), NULL,
                         "k8s: %s: '%s' compares argument %d without its bit 63 (the operator's numbers are "
                         "signed 64-bit): more values get %s",
                         allow ? "looser" : "tighter", name, json_object_get_int(get(a, "index")), action);
                said = name;
            }
            if (drop)
                json_object_array_del_idx(args, j--, 1);
        }
    }
    json_object_put(orig_root);
    json_object *spec = json_object_new_object();
    const char *keep[] = {"defaultAction", "architectures", "syscalls"};
    for (int i = 0; i < 3; i++)
        if (get(root, keep[i]))
            json_object_object_add(spec, keep[i], json_object_get(get(root, keep[i])));
    json_object_put(root);
    return spec;
}

static json_object *strings(void)
{
    return json_object_new_array();
}

/* The operator's abstract AppArmor profile from the facts the generated
 * profile is made of. */
static json_object *apparmor_spec(const struct stk_policy_ir *ir)
{
    struct stk_lsm_facts f;
    stk_lsm_facts(ir, &f);
    json_object *abs = json_object_new_object(), *caps = strings();
    char n[64];
    for (int c = 0; c < 64; c++)
        if (stk_lsm_facts_cap_name(f.caps, c, n, sizeof n))
            json_object_array_add(caps, json_object_new_string(n));
    json_object *cap = json_object_new_object();
    json_object_object_add(cap, "allowedCapabilities", caps);
    json_object_object_add(abs, "capability", cap);
    json_object *net = json_object_new_object(), *proto = json_object_new_object();
    bool tcp = f.net_all, udp = f.net_all, raw = f.net_all;
    for (unsigned af = 1; af < STK_LSM_AF_MAX; af++) {
        raw |= (f.af_types[af] & STK_LSM_SOCK_RAW) != 0;
        if (af == 2 || af == 10) { /* AF_INET, AF_INET6 */
            tcp |= (f.af_types[af] & STK_LSM_SOCK_STREAM) != 0;
            udp |= (f.af_types[af] & STK_LSM_SOCK_DGRAM) != 0;
        }
    }
    json_object_object_add(proto, "allowTcp", json_object_new_boolean(tcp));
    json_object_object_add(proto, "allowUdp", json_object_new_boolean(udp));
    json_object_object_add(net, "allowRaw", json_object_new_boolean(raw));
    json_object_object_add(net, "allowedProtocols", proto);
    json_object_object_add(abs, "network", net);
    if (f.paths_known) {
        json_object *ro = strings(), *rw = strings(), *wo = strings(), *ex = strings();
        for (size_t i = 0; i < f.npaths; i++) {
            const struct stk_lsm_path *p = &f.paths[i];
            char *path = (p->access & STK_LSM_TREE) ? stk_xasprintf("%s%s**", p->path,
                                                                    p->path[strlen(p->path) - 1] == '/' ? "" : "/")
                                                    : stk_xstrdup(p->path);
            unsigned rwbits = p->access & (STK_LSM_READ | STK_LSM_WRITE);
            if (rwbits == STK_LSM_READ)
                json_object_array_add(ro, json_object_new_string(path));
            else if (rwbits == STK_LSM_WRITE)
                json_object_array_add(wo, json_object_new_string(path));
            else if (rwbits)
                json_object_array_add(rw, json_object_new_string(path));
            if (p->access & STK_LSM_EXEC)
                json_object_array_add(ex, json_object_new_string(path));
            free(path);
        }
        json_object *fs = json_object_new_object(), *exe = json_object_new_object();
        json_object_object_add(fs, "readOnlyPaths", ro);
        json_object_object_add(fs, "readWritePaths", rw);
        json_object_object_add(fs, "writeOnlyPaths", wo);
        json_object_object_add(exe, "allowedExecutables", ex);
        json_object_object_add(abs, "filesystem", fs);
        json_object_object_add(abs, "executable", exe);
    }
    stk_lsm_facts_free(&f);
    json_object *spec = json_object_new_object();
    json_object_object_add(spec, "abstract", abs);
    return spec;
}

/* A numeric id for runAsUser/runAsGroup; -1 for a name (a pod needs numbers). */
static long long numeric_id(const char *s)
{
    char *end;
    if (!s || !*s || !isdigit((unsigned char)*s))
        return -1;
    long long v = strtoll(s, &end, 10);
    return *end || v < 0 || v > 2147483647 ? -1 : v;
}

static void identity(struct k8s *k, json_object *sc)
{
    const struct stk_policy_ir *ir = k->ir;
    const char *which[] = {"runAsUser", "runAsGroup"};
    const char *val[] = {ir->user, ir->group};
    for (int i = 0; i < 2; i++) {
        if (!val[i])
            continue;
        long long id = numeric_id(val[i]);
        if (id >= 0) {
            json_object_object_add(sc, which[i], json_object_new_int64(id));
            continue;
        }
        char *m = stk_xasprintf("'%s' is a name; a pod's %s needs the number the image gives it", val[i], which[i]);
        lost(k, ir->loc, "looser: the container runs as its image's user", m);
        free(m);
    }
    if (ir->nsupp)
        lost(k, ir->loc, "looser", "supplementary groups are not carried (supplementalGroups is pod-wide)");
    json_object *caps = json_object_new_object(), *drop = json_object_new_array(), *add = json_object_new_array();
    if (ir->caps_mode != STK_CAPS_ALL)
        json_object_array_add(drop, json_object_new_string("ALL"));
    else
        json_object_array_add(add, json_object_new_string("ALL"));
    char n[64];
    for (int c = 0; ir->caps_mode == STK_CAPS_KEEP && c < 64; c++)
        if (stk_lsm_facts_cap_name(ir->caps_keep, c, n, sizeof n)) {
            for (char *p = n; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            json_object_array_add(add, json_object_new_string(n));
        }
    if (json_object_array_length(add))
        json_object_object_add(caps, "add", add);
    else
        json_object_put(add);
    if (json_object_array_length(drop))
        json_object_object_add(caps, "drop", drop);
    else
        json_object_put(drop);
    json_object_object_add(sc, "capabilities", caps);
    json_object_object_add(sc, "allowPrivilegeEscalation", json_object_new_boolean(!ir->no_new_privs));
}

/* What a pod's securityContext has no words for. */
static void not_carried(struct k8s *k)
{
    const struct stk_policy_ir *ir = k->ir;
    bool rl = false;
    for (int i = 0; i < STK_RLIMIT_COUNT; i++)
        rl |= ir->rlimits[i].set;
    struct {
        bool set;
        const char *what;
    } items[] = {
        {rl, "rlimits are not carried (a pod has no per-container rlimits)"},
        {ir->landlock.present, "the landlock block is not carried"},
        {ir->iso.present, "namespaces and the filesystem view are not carried (the runtime makes its own)"},
        {ir->cgroup.present, "the cgroup limits are not carried (set the container's resources)"},
        {ir->env_clear || ir->nenv_keep || ir->nenv_set, "the environment rules are not carried"},
        {ir->workdir != NULL, "workdir is not carried (set the container's workingDir)"},
        {ir->umask_set, "umask is not carried"},
        {ir->keep_all_fds || ir->nkeep_fds, "inherited descriptors are not carried"},
    };
    for (size_t i = 0; i < sizeof items / sizeof *items; i++)
        if (items[i].set)
            lost(k, ir->loc, "looser", items[i].what);
}

bool stk_export_k8s(const struct stk_policy_ir *ir, const struct stk_export_req *req, struct stk_diags *ds,
                    struct stk_buf *out)
{
    struct k8s k = {ir, req->lossy, ds, true};
    struct stk_buf oci = {0};
    k.ok = stk_export_oci_seccomp(ir, req->lossy, ds, &oci);
    char *name = k8s_name(ir->name);
    json_object *docs = json_object_new_array(), *sc = json_object_new_object();
    json_object *spec = k.ok ? seccomp_spec(&k, oci.data) : NULL;
    stk_buf_free(&oci);
    if (spec) {
        json_object_array_add(docs, resource("SeccompProfile", name, spec));
        json_object *sp = json_object_new_object();
        json_object_object_add(sp, "type", json_object_new_string("Localhost"));
        char *path = stk_xasprintf("operator/%s.json", name);
        json_object_object_add(sp, "localhostProfile", json_object_new_string(path));
        free(path);
        json_object_object_add(sc, "seccompProfile", sp);
    }
    const struct stk_selinux_ir *se = &ir->lsm.selinux;
    if (se->present) {
        json_object *ss = json_object_new_object(), *opt = json_object_new_object();
        json_object_object_add(ss, "policy", json_object_new_string_len(req->cil->data ? req->cil->data : "",
                                                                        (int)req->cil->len));
        json_object_array_add(docs, resource("RawSelinuxProfile", name, ss));
        json_object_object_add(opt, "type", json_object_new_string(se->type));
        if (!se->level_auto && se->level)
            json_object_object_add(opt, "level", json_object_new_string(se->level));
        json_object_object_add(sc, "seLinuxOptions", opt);
        if (se->ncallers || se->nentrypoints)
            lost(&k, se->loc, "looser", "the callers and entrypoints of the selinux block are not carried: the "
                                        "container runtime starts the container in the type");
    }
    const struct stk_apparmor_ir *aa = &ir->lsm.apparmor;
    if (aa->present) {
        const char *profile = aa->profile;
        if (aa->generate) {
            lost(&k, aa->loc, "looser",
                 "the operator's AppArmorProfile has only an abstract form (capabilities, executables, paths, "
                 "tcp/udp/raw): the generated profile's per-family and unix sockets, signal peers and fixed "
                 "denials are lost");
            json_object_array_add(docs, resource("AppArmorProfile", name, apparmor_spec(ir)));
            profile = name;
        }
        json_object *ap = json_object_new_object();
        json_object_object_add(ap, "type", json_object_new_string("Localhost"));
        json_object_object_add(ap, "localhostProfile", json_object_new_string(profile));
        json_object_object_add(sc, "appArmorProfile", ap);
    }
    identity(&k, sc);
    not_carried(&k);
    json_object *snippet = json_object_new_object();
    json_object_object_add(snippet, "securityContext", sc);
    json_object_array_add(docs, snippet);
    if (k.ok && req->kind == STK_EXPORT_K8S_JSON) {
        stk_buf_puts(out, json_object_to_json_string_ext(docs, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
        stk_buf_puts(out, "\n");
    } else if (k.ok && !stk_export_yaml(docs, out)) {
        stk_error(ds, "not-exportable", ir->loc, "k8s: the YAML emitter failed");
        k.ok = false;
    }
    json_object_put(docs);
    free(name);
    return k.ok;
}
