/* import_sdmap.c — systemd's namespace, file-system and resource-control
 * directives as the policy's namespaces, filesystem and cgroup blocks:
 *
 *   PrivateNetwork=yes        namespaces net
 *   PrivateTmp=yes            tmpfs /tmp, tmpfs /var/tmp (empty, private; systemd keeps
 *                             /var/tmp across restarts of the unit, stockade does not)
 *   PrivateDevices=yes        dev minimal
 *   ProtectSystem=yes|full|strict   readonly /usr, /boot (+ /etc) | readonly /, with
 *                             /dev bound back writable (API file systems)
 *   ProtectHome=yes|read-only|tmpfs mask | readonly | tmpfs of /home, /root (+ /run/user)
 *   ReadOnlyPaths=, ReadWritePaths=, InaccessiblePaths=, TemporaryFileSystem=,
 *   BindPaths=, BindReadOnlyPaths=    readonly, bind P P, mask, tmpfs, bind
 *   MemoryMax=, TasksMax=, CPUQuota=  memory.max, pids.max, cpu.max */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_sd.h"

/* Add an entry unless one for the same path and class is there (the
 * language refuses two mounts, two masks or two readonly for one path). */
static void fs_add(struct sd_ctx *x, const struct unit_kv *kv, int kind, const char *path, const char *dest,
                   const char *opts, bool ro)
{
    const char *target = dest ? dest : path;
    bool is_ro = kind == SD_FS_READONLY;
    for (size_t i = 0; i < x->nfs; i++) {
        const char *t = x->fs[i].dest ? x->fs[i].dest : x->fs[i].path;
        if (strcmp(t, target) == 0 && (x->fs[i].kind == SD_FS_READONLY) == is_ro) {
            if (kv && !(x->fs[i].kind == kind && kind != SD_FS_BIND))
                stk_sd_warn(x, kv, "%s already has an entry; this one is left out", target);
            return;
        }
    }
    struct sd_fs f = {kind, stk_xstrdup(path), dest ? stk_xstrdup(dest) : NULL, opts ? stk_xstrdup(opts) : NULL, ro};
    STK_PUSH(x->fs, x->nfs, x->capfs, f);
}

static bool normal_path(const char *p)
{
    if (p[0] != '/' || strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../"))
        return false;
    size_t n = strlen(p);
    if (n > 1 && p[n - 1] == '/')
        return false;
    if ((n >= 2 && strcmp(p + n - 2, "/.") == 0) || (n >= 3 && strcmp(p + n - 3, "/..") == 0))
        return false;
    return n < 4096;
}

/* ReadOnlyPaths= and the other path lists: "-" (missing is fine) and "+"
 * (relative to RootDirectory=) prefixes; BindPaths= SRC[:DEST[:OPTS]]. */
static void path_list(struct sd_ctx *x, struct unit_kv *kv, int kind, bool ro)
{
    char **w;
    size_t n;
    if (!stk_unit_words(kv->value, &w, &n)) {
        stk_sd_warn(x, kv, "unterminated quote");
        return;
    }
    kv->used = true;
    for (size_t i = 0; i < n; i++) {
        char *p = w[i];
        bool optional = false;
        while (*p == '-' || *p == '+') {
            if (*p == '+') {
                stk_sd_warn(x, kv, "'%s': paths relative to RootDirectory= are not mapped", w[i]);
                goto next;
            }
            optional = true;
            p++;
        }
        char *dest = NULL, *opts = NULL;
        if (kind == SD_FS_BIND || kind == SD_FS_TMPFS) {
            char *c = strchr(p, ':');
            if (c) {
                *c++ = '\0';
                if (kind == SD_FS_TMPFS) {
                    opts = c;
                } else {
                    dest = c;
                    char *c2 = strchr(c, ':');
                    if (c2) {
                        *c2++ = '\0';
                        opts = c2;
                    }
                }
            }
        }
        if (!normal_path(p) || (dest && !normal_path(dest))) {
            stk_sd_warn(x, kv, "'%s' is not an absolute path in normal form; left out", w[i]);
            continue;
        }
        if (kind == SD_FS_BIND && opts && strcmp(opts, "rbind") != 0 && strcmp(opts, "norbind") != 0)
            stk_sd_warn(x, kv, "bind options '%s' are not mapped", opts);
        if (kind == SD_FS_BIND && optional)
            stk_sd_warn(x, kv, "'-%s': stockade refuses to run when a bind source is missing", p);
        if (kind == SD_FS_READONLY && optional)
            stk_sd_warn(x, kv, "'-%s': a missing path is not skipped for readonly", p);
        fs_add(x, kv, kind, p, dest && strcmp(dest, p) != 0 ? dest : NULL, kind == SD_FS_TMPFS ? opts : NULL, ro);
    next:;
    }
    stk_unit_words_free(w, n);
}

static void cg_size(struct sd_ctx *x, struct unit_kv *kv, const char *key)
{
    const char *v = kv->value;
    size_t n = strspn(v, "0123456789");
    if (strcmp(v, "infinity") == 0) {
        stk_buf_printf(&x->cgroup, "        %s max\n", key);
    } else if (n > 0 && n < 19 && (v[n] == '\0' || (strchr("KMGT", v[n]) && v[n + 1] == '\0')) &&
               !(v[0] == '0' && n == 1 && strcmp(key, "memory.max") == 0)) {
        stk_buf_printf(&x->cgroup, "        %s %s\n", key, v);
    } else {
        stk_sd_warn(x, kv, "'%s' is not mapped (a percentage or unit stockade does not take)", v);
        return;
    }
    kv->used = true;
}

bool stk_sd_map_isolation(struct sd_ctx *x, struct unit_kv *kv)
{
    const char *k = kv->key, *v = kv->value;
    int b = stk_unit_bool(v);
    if (strcmp(k, "PrivateNetwork") == 0 || strcmp(k, "PrivateTmp") == 0 || strcmp(k, "PrivateDevices") == 0) {
        if (b < 0) {
            stk_sd_warn(x, kv, "'%s' is not a boolean", v);
            return true;
        }
        bool *f = k[7] == 'N' ? &x->private_network : k[7] == 'T' ? &x->private_tmp : &x->private_devices;
        *f = b;
        kv->used = true;
        if (b && k[7] == 'D')
            stk_sd_warn(x, kv, "mapped to dev minimal; systemd also drops CAP_MKNOD and CAP_SYS_RAWIO and "
                               "refuses @raw-io: not added");
        return true;
    }
    if (strcmp(k, "ProtectSystem") == 0) {
        if (b >= 0)
            x->protect_system = b;
        else if (strcmp(v, "full") == 0)
            x->protect_system = 2;
        else if (strcmp(v, "strict") == 0)
            x->protect_system = 3;
        else {
            stk_sd_warn(x, kv, "'%s' is not yes, no, full or strict", v);
            return true;
        }
        kv->used = true;
        return true;
    }
    if (strcmp(k, "ProtectHome") == 0) {
        if (b >= 0)
            x->protect_home = b;
        else if (strcmp(v, "read-only") == 0)
            x->protect_home = 2;
        else if (strcmp(v, "tmpfs") == 0)
            x->protect_home = 3;
        else {
            stk_sd_warn(x, kv, "'%s' is not yes, no, read-only or tmpfs", v);
            return true;
        }
        kv->used = true;
        return true;
    }
    if (strcmp(k, "ReadOnlyPaths") == 0)
        path_list(x, kv, SD_FS_READONLY, true);
    else if (strcmp(k, "ReadWritePaths") == 0)
        path_list(x, kv, SD_FS_BIND, false);
    else if (strcmp(k, "InaccessiblePaths") == 0)
        path_list(x, kv, SD_FS_MASK, false);
    else if (strcmp(k, "TemporaryFileSystem") == 0)
        path_list(x, kv, SD_FS_TMPFS, false);
    else if (strcmp(k, "BindPaths") == 0)
        path_list(x, kv, SD_FS_BIND, false);
    else if (strcmp(k, "BindReadOnlyPaths") == 0)
        path_list(x, kv, SD_FS_BIND, true);
    else if (strcmp(k, "MemoryMax") == 0)
        cg_size(x, kv, "memory.max");
    else if (strcmp(k, "TasksMax") == 0)
        cg_size(x, kv, "pids.max");
    else if (strcmp(k, "CPUQuota") == 0) {
        size_t n = strspn(v, "0123456789");
        if (n > 0 && n < 8 && v[n] == '%' && v[n + 1] == '\0' && atoi(v) >= 1) {
            stk_buf_printf(&x->cgroup, "        cpu.max %s\n", v);
            kv->used = true;
        } else {
            stk_sd_warn(x, kv, "'%s' is not a whole percentage", v);
        }
    } else
        return false;
    return true;
}

static void fs_line(struct stk_buf *out, const char *stmt, const char *path, const char *rest)
{
    char *q = stk_unit_quote(path);
    stk_buf_printf(out, "        %s %s%s\n", stmt, q, rest ? rest : "");
    free(q);
}

void stk_sd_write_isolation(struct sd_ctx *x, struct stk_buf *out)
{
    /* systemd's own entries first, then the unit's lists */
    static const char *const home[] = {"/home", "/root", "/run/user"};
    static const char *const tmp[] = {"/tmp", "/var/tmp"};
    struct sd_fs *mine = x->fs;
    size_t nmine = x->nfs;
    x->fs = NULL;
    x->nfs = x->capfs = 0;
    if (x->protect_system == 3) {
        fs_add(x, NULL, SD_FS_READONLY, "/", NULL, NULL, true);
        fs_add(x, NULL, SD_FS_BIND, "/dev", NULL, NULL, false);
    } else if (x->protect_system >= 1) {
        fs_add(x, NULL, SD_FS_READONLY, "/usr", NULL, NULL, true);
        fs_add(x, NULL, SD_FS_READONLY, "/boot", NULL, NULL, true);
        if (x->protect_system == 2)
            fs_add(x, NULL, SD_FS_READONLY, "/etc", NULL, NULL, true);
    }
    for (size_t i = 0; i < 3 && x->protect_home; i++) {
        if (x->protect_home == 2 && i == 2)
            continue; /* readonly of a path that may be missing */
        fs_add(x, NULL, x->protect_home == 1 ? SD_FS_MASK : x->protect_home == 2 ? SD_FS_READONLY : SD_FS_TMPFS,
               home[i], NULL, NULL, x->protect_home == 2);
    }
    for (size_t i = 0; i < 2 && x->private_tmp; i++)
        fs_add(x, NULL, SD_FS_TMPFS, tmp[i], NULL, NULL, false);
    for (size_t i = 0; i < nmine; i++) {
        fs_add(x, NULL, mine[i].kind, mine[i].path, mine[i].dest, mine[i].opts, mine[i].readonly);
        free(mine[i].path);
        free(mine[i].dest);
        free(mine[i].opts);
    }
    free(mine);
    bool anyro = false;
    for (size_t i = 0; i < x->nfs; i++)
        anyro |= x->fs[i].kind == SD_FS_READONLY;
    if (x->private_network)
        stk_buf_puts(out, "    namespaces net\n");
    if (x->nfs || x->private_devices) {
        stk_buf_puts(out, "    filesystem {\n");
        if (x->private_devices)
            stk_buf_puts(out, "        dev minimal\n");
        for (size_t i = 0; i < x->nfs; i++) {
            struct sd_fs *f = &x->fs[i];
            if (x->private_devices && f->kind != SD_FS_READONLY && strcmp(f->dest ? f->dest : f->path, "/dev") == 0)
                continue; /* dev minimal is the /dev mount */
            if (f->kind == SD_FS_READONLY) {
                fs_line(out, "readonly", f->path, NULL);
            } else if (f->kind == SD_FS_MASK) {
                fs_line(out, "mask", f->path, NULL);
            } else if (f->kind == SD_FS_TMPFS) {
                struct stk_buf rest = {0};
                const char *m = f->opts ? strstr(f->opts, "mode=") : NULL;
                const char *s = f->opts ? strstr(f->opts, "size=") : NULL;
                size_t mn = m ? strspn(m + 5, "01234567") : 0, sn = s ? strspn(s + 5, "0123456789") : 0;
                if (s && sn && s[5 + sn] && strchr("KMGkmg", s[5 + sn]))
                    sn++;
                if (mn && mn <= 4)
                    stk_buf_printf(&rest, " mode %.*s", (int)mn, m + 5);
                if (sn && sn < 19)
                    stk_buf_printf(&rest, " size %.*s", (int)sn, s + 5);
                if ((m && !(mn && mn <= 4)) || (s && !(sn && sn < 19)))
                    stk_sd_warn(x, NULL, "TemporaryFileSystem=%s: options '%s' mapped only in part", f->path, f->opts);
                fs_line(out, "tmpfs", f->path, rest.data);
                stk_buf_free(&rest);
            } else if (!f->readonly && !f->dest && !anyro) {
                continue; /* ReadWritePaths= with nothing read-only: writable already */
            } else {
                char *d = f->dest ? stk_unit_quote(f->dest) : NULL;
                char *rest = stk_xasprintf("%s%s%s", d ? " " : "", d ? d : "", f->readonly ? " readonly" : "");
                fs_line(out, "bind", f->path, rest);
                free(rest);
                free(d);
            }
        }
        stk_buf_puts(out, "    }\n");
    }
    if (x->cgroup.len)
        stk_buf_printf(out, "    cgroup {\n%s    }\n", x->cgroup.data);
}
