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

#define SPO_API "security-profiles-operator.x-k8s.io/v1"

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
    json_object *sys = get(root, "syscalls");
    for (size_t i = 0; sys && i < json_object_array_length(sys); i++) {
        json_object *args = get(json_object_array_get_idx(sys, i), "args");
        for (size_t j = 0; args && j < json_object_array_length(args); j++) {
            json_object *a = json_object_array_get_idx(args, j);
            const char *keys[] = {"value", "valueTwo"};
            for (int q = 0; q < 2; q++)
                if (get(a, keys[q]) && json_object_get_uint64(get(a, keys[q])) > (uint64_t)INT64_MAX) {
                    stk_diag(k->ds, STK_SEV_ERROR, "not-exportable", k->ir->loc,
                             "compare 64-bit arguments below 2^63 only",
                             "k8s: the SeccompProfile needs %s %#llx, above the operator's 64-bit signed numbers",
                             keys[q], (unsigned long long)json_object_get_uint64(get(a, keys[q])));
                    k->ok = false;
                    json_object_put(root);
                    return NULL;
                }
        }
    }
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
