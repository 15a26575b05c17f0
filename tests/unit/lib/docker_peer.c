/* docker_peer.c — see docker_peer.h.  Written apart from compiler/import/ on
 * purpose (its own JSON walk, its own reading of the rules): what it does is
 * what moby's profile resolution and runc's libcontainer/seccomp do:
 *   - archMap: the entry of the machine's architecture and its
 *     subArchitectures are added (libseccomp keeps the native one);
 *   - a rule applies when every includes.caps is held, includes.arches lists
 *     the machine, the kernel is at least includes.minKernel, no
 *     excludes.caps is held and excludes.arches does not list the machine;
 *   - a rule whose action (and errno) is the default's is skipped; a name
 *     libseccomp does not know is skipped;
 *   - comparisons go to seccomp_rule_add_array together when each is on its
 *     own argument, else one rule per comparison;
 *   - SCMP_ACT_ERRNO/TRACE without errnoRet: EPERM. */
#include "lib/docker_peer.h"

#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <unistd.h>

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    if (!o || !json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null))
        return NULL;
    return v;
}

static bool action(json_object *act, json_object *ret, uint32_t *out)
{
    const char *s = act ? json_object_get_string(act) : "";
    int e = ret ? json_object_get_int(ret) : 1;
    if (!strcmp(s, "SCMP_ACT_ALLOW")) *out = SCMP_ACT_ALLOW;
    else if (!strcmp(s, "SCMP_ACT_ERRNO")) *out = SCMP_ACT_ERRNO((uint32_t)e);
    else if (!strcmp(s, "SCMP_ACT_TRACE")) *out = SCMP_ACT_TRACE((uint32_t)e);
    else if (!strcmp(s, "SCMP_ACT_KILL") || !strcmp(s, "SCMP_ACT_KILL_THREAD")) *out = SCMP_ACT_KILL_THREAD;
    else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS")) *out = SCMP_ACT_KILL_PROCESS;
    else if (!strcmp(s, "SCMP_ACT_TRAP")) *out = SCMP_ACT_TRAP;
    else if (!strcmp(s, "SCMP_ACT_LOG")) *out = SCMP_ACT_LOG;
    else return false;
    return true;
}

static bool listed(json_object *arr, const char *s)
{
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
        if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), s))
            return true;
    return false;
}

static bool holds(const char *cap, uint64_t caps)
{
    cap_value_t c;
    return cap_from_name(cap, &c) == 0 && c >= 0 && c < 64 && ((caps >> c) & 1);
}

static bool kernel_ge(json_object *v, unsigned kmajor, unsigned kminor)
{
    unsigned a = 0, b = 0;
    sscanf(json_object_get_string(v), "%u.%u", &a, &b);
    return kmajor > a || (kmajor == a && kminor >= b);
}

static bool applies(json_object *rule, uint64_t caps, const char *goarch, unsigned kmajor, unsigned kminor)
{
    json_object *inc = get(rule, "includes"), *exc = get(rule, "excludes"), *v;
    if ((v = get(inc, "caps")))
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (!holds(json_object_get_string(json_object_array_get_idx(v, i)), caps))
                return false;
    if ((v = get(inc, "arches")) && json_object_array_length(v) > 0 && !listed(v, goarch))
        return false;
    if ((v = get(inc, "minKernel")) && !kernel_ge(v, kmajor, kminor))
        return false;
    if ((v = get(exc, "caps")))
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (holds(json_object_get_string(json_object_array_get_idx(v, i)), caps))
                return false;
    if ((v = get(exc, "arches")) && listed(v, goarch))
        return false;
    if ((v = get(exc, "minKernel")) && kernel_ge(v, kmajor, kminor))
        return false;
    return true;
}

static const struct {
    const char *go, *scmp;
} archmap[] = {{"amd64", "SCMP_ARCH_X86_64"}, {"x86", "SCMP_ARCH_X86"}, {"x32", "SCMP_ARCH_X32"},
               {"arm64", "SCMP_ARCH_AARCH64"}, {"arm", "SCMP_ARCH_ARM"}, {"riscv64", "SCMP_ARCH_RISCV64"}};

static int add_arch(scmp_filter_ctx ctx, const char *scmp)
{
    uint32_t a = seccomp_arch_resolve_name(scmp + strlen("SCMP_ARCH_") + 0);
    if (!a) {
        /* libseccomp spells them in lower case: "x86_64", "x32", "aarch64" */
        char low[32];
        size_t i = 0;
        for (const char *c = scmp + strlen("SCMP_ARCH_"); *c && i + 1 < sizeof low; c++)
            low[i++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        low[i] = '\0';
        a = seccomp_arch_resolve_name(low);
    }
    if (!a)
        return -1;
    int rc = seccomp_arch_add(ctx, a);
    return rc == 0 || rc == -EEXIST ? 0 : -1;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, json_object *args)
{
    size_t n = args ? json_object_array_length(args) : 0;
    struct scmp_arg_cmp cmp[64];
    unsigned count[6] = {0};
    bool repeated = false;
    if (n > 64)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_object *a = json_object_array_get_idx(args, i), *two = get(a, "valueTwo");
        const char *op = json_object_get_string(get(a, "op"));
        unsigned idx = (unsigned)json_object_get_int(get(a, "index"));
        static const struct {
            const char *n;
            enum scmp_compare c;
        } ops[] = {{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
                   {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
                   {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
        size_t k = 0;
        while (k < 7 && strcmp(ops[k].n, op ? op : ""))
            k++;
        if (k == 7 || idx > 5)
            return -1;
        cmp[i] = (struct scmp_arg_cmp){idx, ops[k].c, json_object_get_uint64(get(a, "value")),
                                       two ? json_object_get_uint64(two) : 0};
        repeated |= ++count[idx] > 1;
    }
    if (!repeated)
        return seccomp_rule_add_array(ctx, act, nr, (unsigned)n, cmp);
    for (size_t i = 0; i < n; i++)
        if (seccomp_rule_add_array(ctx, act, nr, 1, &cmp[i]) < 0)
            return -1;
    return 0;
}

int stk_docker_peer_build(const char *json, uint64_t caps, const char *goarch, unsigned kmajor, unsigned kminor,
                       struct sock_filter **out, size_t *len, char *err, size_t errlen)
{
    json_object *top = json_tokener_parse(json);
    if (!top) {
        snprintf(err, errlen, "not JSON");
        return -1;
    }
    uint32_t def;
    if (!action(get(top, "defaultAction"), get(top, "defaultErrnoRet"), &def)) {
        snprintf(err, errlen, "bad defaultAction");
        json_object_put(top);
        return -1;
    }
    scmp_filter_ctx ctx = seccomp_init(def);
    int rc = -1;
    json_object *v;
    if ((v = get(top, "architectures")))
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (add_arch(ctx, json_object_get_string(json_object_array_get_idx(v, i))) < 0) {
                snprintf(err, errlen, "architecture %s", json_object_get_string(json_object_array_get_idx(v, i)));
                goto out;
            }
    const char *me = NULL;
    for (size_t i = 0; i < sizeof archmap / sizeof archmap[0]; i++)
        if (!strcmp(archmap[i].go, goarch))
            me = archmap[i].scmp;
    if ((v = get(top, "archMap")) && me) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *e = json_object_array_get_idx(v, i), *subs = get(e, "subArchitectures");
            if (strcmp(json_object_get_string(get(e, "architecture")), me))
                continue;
            if (add_arch(ctx, me) < 0) {
                snprintf(err, errlen, "architecture %s", me);
                goto out;
            }
            for (size_t k = 0; subs && k < json_object_array_length(subs); k++)
                if (add_arch(ctx, json_object_get_string(json_object_array_get_idx(subs, k))) < 0) {
                    snprintf(err, errlen, "architecture %s", json_object_get_string(json_object_array_get_idx(subs, k)));
                    goto out;
                }
        }
    }
    json_object *sys = get(top, "syscalls");
    for (size_t i = 0; sys && i < json_object_array_length(sys); i++) {
        json_object *r = json_object_array_get_idx(sys, i), *names = get(r, "names");
        uint32_t act;
        if (!action(get(r, "action"), get(r, "errnoRet"), &act)) {
            snprintf(err, errlen, "syscalls[%zu]: bad action", i);
            goto out;
        }
        if (act == def || !applies(r, caps, goarch, kmajor, kminor))
            continue;
        for (size_t k = 0; names && k < json_object_array_length(names); k++) {
            int nr = seccomp_syscall_resolve_name(json_object_get_string(json_object_array_get_idx(names, k)));
            if (nr == __NR_SCMP_ERROR)
                continue;
            if (add_rule(ctx, act, nr, get(r, "args")) < 0) {
                snprintf(err, errlen, "syscalls[%zu]: libseccomp refused the rule for %s", i,
                         json_object_get_string(json_object_array_get_idx(names, k)));
                goto out;
            }
        }
    }
    int fd = memfd_create("stockade-docker-peer", MFD_CLOEXEC);
    if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0) {
        snprintf(err, errlen, "export failed");
        if (fd >= 0)
            close(fd);
        goto out;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0) {
        snprintf(err, errlen, "libseccomp exported an unexpected program size");
        close(fd);
        goto out;
    }
    *out = malloc((size_t)size);
    if (!*out || pread(fd, *out, (size_t)size, 0) != size) {
        snprintf(err, errlen, "reading the exported program failed");
        free(*out);
        *out = NULL;
        close(fd);
        goto out;
    }
    close(fd);
    *len = (size_t)size / sizeof(struct sock_filter);
    rc = 0;
out:
    seccomp_release(ctx);
    json_object_put(top);
    return rc;
}
