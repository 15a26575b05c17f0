/* oci_peer.c — an OCI seccomp JSON through libseccomp, as a runtime loads it
 * (crun 1.8's and runc 1.1's reading of the runtime spec). */
#include "lib/oci_peer.h"

#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int action(const char *name, json_object *ret, uint32_t *out)
{
    int e = ret ? json_object_get_int(ret) : 1; /* EPERM when absent */
    static const struct {
        const char *name;
        uint32_t act;
    } tab[] = {{"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS}, {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
               {"SCMP_ACT_KILL", SCMP_ACT_KILL},                 {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
               {"SCMP_ACT_LOG", SCMP_ACT_LOG},                   {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW}};
    if (strcmp(name, "SCMP_ACT_ERRNO") == 0) {
        *out = SCMP_ACT_ERRNO((uint32_t)e);
        return 0;
    }
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
        if (strcmp(tab[i].name, name) == 0) {
            *out = tab[i].act;
            return 0;
        }
    return -1;
}

static int op(const char *name, enum scmp_compare *out)
{
    static const struct {
        const char *name;
        enum scmp_compare op;
    } tab[] = {{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
               {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
               {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
        if (strcmp(tab[i].name, name) == 0) {
            *out = tab[i].op;
            return 0;
        }
    return -1;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int export_prog(scmp_filter_ctx ctx, struct sock_filter **out, size_t *len, char *err, size_t errlen)
{
    int fd = memfd_create("stockade-oci-peer", MFD_CLOEXEC);
    if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0) {
        snprintf(err, errlen, "seccomp_export_bpf failed");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        snprintf(err, errlen, "empty program");
        return -1;
    }
    *out = malloc((size_t)size);
    if (!*out || read(fd, *out, (size_t)size) != size) {
        free(*out);
        *out = NULL;
        close(fd);
        snprintf(err, errlen, "reading the program failed");
        return -1;
    }
    close(fd);
    *len = (size_t)size / sizeof(struct sock_filter);
    return 0;
}

int stk_oci_peer_build(const char *json, struct sock_filter **out, size_t *len, char *err, size_t errlen)
{
    json_object *root = json_tokener_parse(json);
    uint32_t def;
    json_object *da = root ? get(root, "defaultAction") : NULL;
    if (!da || action(json_object_get_string(da), get(root, "defaultErrnoRet"), &def) < 0) {
        snprintf(err, errlen, "no usable defaultAction");
        json_object_put(root);
        return -1;
    }
    scmp_filter_ctx ctx = seccomp_init(def);
    int rc = -1;
    json_object *arches = get(root, "architectures");
    for (size_t i = 0; arches && i < json_object_array_length(arches); i++) {
        const char *a = json_object_get_string(json_object_array_get_idx(arches, i));
        uint32_t arch = seccomp_arch_resolve_name(strncmp(a, "SCMP_ARCH_", 10) == 0 ? a + 10 : a);
        if (!arch) {
            /* libseccomp spells them in lower case */
            char low[32];
            size_t k = 0;
            for (const char *p = a + 10; *p && k + 1 < sizeof low; p++)
                low[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            low[k] = 0;
            arch = seccomp_arch_resolve_name(low);
        }
        int r = arch ? seccomp_arch_add(ctx, arch) : -EINVAL;
        if (r < 0 && r != -EEXIST) {
            snprintf(err, errlen, "architecture %s refused", a);
            goto out;
        }
    }
    json_object *sys = get(root, "syscalls");
    for (size_t i = 0; sys && i < json_object_array_length(sys); i++) {
        json_object *e = json_object_array_get_idx(sys, i), *names = get(e, "names"), *args = get(e, "args");
        uint32_t act;
        if (!get(e, "action") || action(json_object_get_string(get(e, "action")), get(e, "errnoRet"), &act) < 0) {
            snprintf(err, errlen, "entry %zu: bad action", i);
            goto out;
        }
        struct scmp_arg_cmp cmp[6];
        size_t n = args ? json_object_array_length(args) : 0;
        if (n > 6) {
            snprintf(err, errlen, "entry %zu: more than 6 arguments", i);
            goto out;
        }
        for (size_t k = 0; k < n; k++) {
            json_object *a = json_object_array_get_idx(args, k);
            enum scmp_compare o;
            if (op(json_object_get_string(get(a, "op")), &o) < 0) {
                snprintf(err, errlen, "entry %zu: bad op", i);
                goto out;
            }
            cmp[k] = (struct scmp_arg_cmp){(unsigned)json_object_get_int(get(a, "index")), o,
                                           json_object_get_uint64(get(a, "value")),
                                           get(a, "valueTwo") ? json_object_get_uint64(get(a, "valueTwo")) : 0};
        }
        for (size_t k = 0; names && k < json_object_array_length(names); k++) {
            const char *name = json_object_get_string(json_object_array_get_idx(names, k));
            int nr = seccomp_syscall_resolve_name(name);
            if (nr == __NR_SCMP_ERROR)
                continue; /* dropped silently (crun without run.oci.seccomp_fail_unknown_syscall) */
            int r = seccomp_rule_add_array(ctx, act, nr, (unsigned)n, cmp);
            if (r < 0) {
                snprintf(err, errlen, "entry %zu: libseccomp refused the rule for %s: %s", i, name, strerror(-r));
                goto out;
            }
        }
    }
    rc = export_prog(ctx, out, len, err, errlen);
out:
    seccomp_release(ctx);
    json_object_put(root);
    return rc;
}
