/* emit_apparmor.c — an AppArmor profile derived from a policy
 * (`stockade compile --emit=apparmor`): the capabilities it keeps, the
 * sockets its seccomp rules let it create, the files its landlock/filesystem
 * statements let it reach (lsm_facts.c), and fixed denials of the kernel's
 * control files.  Load it with `apparmor_parser -r FILE`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsm/emit_lsm.h"

static void capabilities(struct stk_buf *o, uint64_t caps)
{
    char n[64];
    for (int c = 0; c < 64; c++)
        if (stk_lsm_facts_cap_name(caps, c, n, sizeof n))
            stk_buf_printf(o, "  capability %s,\n", n);
}

static void network(struct stk_buf *o, const struct stk_lsm_facts *f)
{
    if (f->net_all) {
        stk_buf_puts(o, "  network,\n");
        return;
    }
    static const struct {
        unsigned bit;
        const char *name;
    } types[] = {{STK_LSM_SOCK_STREAM, "stream"},
                 {STK_LSM_SOCK_DGRAM, "dgram"},
                 {STK_LSM_SOCK_RAW, "raw"},
                 {STK_LSM_SOCK_SEQPACKET, "seqpacket"}};
    bool any = false;
    for (unsigned af = 1; af < STK_LSM_AF_MAX; af++) {
        const char *name = stk_lsm_facts_af_name(af);
        unsigned tys = f->af_types[af];
        if (!name || !tys)
            continue;
        any = true;
        if (tys == STK_LSM_SOCK_ALL) {
            stk_buf_printf(o, "  network %s,\n", name);
            continue;
        }
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
            if (tys & types[t].bit)
                stk_buf_printf(o, "  network %s %s,\n", name, types[t].name);
    }
    if (f->af_types[AF_UNIX])
        stk_buf_puts(o, "  unix,\n");
    if (!any)
        stk_buf_puts(o, "  # no sockets: the policy's seccomp rules deny socket()\n");
}

/* AppArmor path globbing treats these specially; a policy path containing
 * them is quoted and its specials escaped. */
static void put_path(struct stk_buf *o, const char *p, const char *suffix)
{
    stk_buf_puts(o, "\"");
    for (const char *c = p; *c; c++) {
        if (strchr("*?[]{}^\\\"@", *c))
            stk_buf_put(o, "\\", 1);
        stk_buf_put(o, c, 1);
    }
    stk_buf_printf(o, "%s\"", suffix);
}

static void files(struct stk_buf *o, const struct stk_lsm_facts *f)
{
    if (!f->paths_known) {
        stk_buf_puts(o, "  # the policy restricts no paths (no landlock or filesystem rules): files are not\n"
                        "  # restricted here either, apart from the denials below\n"
                        "  file,\n");
        return;
    }
    for (size_t i = 0; i < f->npaths; i++) {
        const struct stk_lsm_path *p = &f->paths[i];
        char perms[16];
        size_t n = 0;
        if (p->access & STK_LSM_READ)
            perms[n++] = 'r';
        if (p->access & STK_LSM_WRITE) {
            perms[n++] = 'w';
            perms[n++] = 'k';
            perms[n++] = 'l';
        }
        if (p->access & STK_LSM_EXEC) {
            perms[n++] = 'm';
            perms[n++] = 'i';
            perms[n++] = 'x';
        }
        perms[n] = '\0';
        if (!n)
            continue;
        const char *slash = p->path[strlen(p->path) - 1] == '/' ? "" : "/";
        stk_buf_puts(o, "  ");
        if (p->access & STK_LSM_TREE) {
            /* the path may name a file (Landlock rules hold for a file as
             * well): the file itself; a directory: itself, then everything
             * beneath it */
            if (*slash) {
                put_path(o, p->path, "");
                stk_buf_printf(o, " %s,\n  ", perms);
            }
            put_path(o, p->path, slash);
            stk_buf_puts(o, " r,\n  ");
            char *glob = stk_xasprintf("%s**", slash);
            put_path(o, p->path, glob);
            free(glob);
        } else {
            put_path(o, p->path, "");
        }
        stk_buf_printf(o, " %s,\n", perms);
    }
}

int stk_emit_apparmor(const struct stk_policy_ir *ir, const char *name, struct stk_buf *o, char *err, size_t n)
{
    struct stk_lsm_facts f;
    stk_lsm_facts(ir, &f);
    int rc = stk_emit_apparmor_facts(ir, name, &f, o, err, n);
    stk_lsm_facts_free(&f);
    return rc;
}

int stk_emit_apparmor_facts(const struct stk_policy_ir *ir, const char *name, const struct stk_lsm_facts *fp,
                            struct stk_buf *o, char *err, size_t n)
{
    const struct stk_lsm_facts f = *fp;
    /* The kernel names a file by a path of at most PATH_MAX bytes: a rule for
     * a longer one could never match, so no profile is written at all. */
    for (size_t i = 0; f.paths_known && i < f.npaths; i++) {
        size_t len = strlen(f.paths[i].path);
        if (len > STK_LSM_MAX_PATH) {
            snprintf(err, n, "AppArmor profile: path '%.40s...' is %zu bytes long, more than a file path can be (%d)",
                     f.paths[i].path, len, STK_LSM_MAX_PATH);
            return -1;
        }
    }
    stk_buf_printf(o,
                   "# AppArmor profile for stockade policy '%s' (stockade compile --emit=apparmor).\n"
                   "# Load: apparmor_parser -r FILE\n"
                   "abi <abi/3.0>,\n"
                   "include <tunables/global>\n"
                   "\n"
                   "profile %s flags=(attach_disconnected,mediate_deleted) {\n"
                   "  include <abstractions/base>\n"
                   "\n"
                   "  # capabilities the policy keeps\n",
                   ir->name, name);
    capabilities(o, f.caps);
    stk_buf_puts(o, "\n  # sockets the policy's seccomp rules let it create\n");
    network(o, &f);
    stk_buf_puts(o, "\n  # files\n");
    files(o, &f);
    stk_buf_printf(o,
                   "\n"
                   "  # signals among the instance's own processes and from the supervisor\n"
                   "  signal (send, receive) peer=%s,\n"
                   "  signal (receive) peer=unconfined,\n"
                   "\n"
                   "  # never: the kernel's control files, mounts, other processes' memory\n"
                   "  deny @{PROC}/sys/** wl,\n"
                   "  deny @{PROC}/sysrq-trigger rwklx,\n"
                   "  deny @{PROC}/kcore rwklx,\n"
                   "  deny @{PROC}/kmem rwklx,\n"
                   "  deny /sys/kernel/security/** rwklx,\n"
                   "  deny /sys/firmware/** rwklx,\n"
                   "  deny /sys/fs/cgroup/** wl,\n"
                   "  deny mount,\n"
                   "  deny umount,\n"
                   "  deny pivot_root,\n"
                   "  deny ptrace (trace),\n"
                   "}\n",
                   name);
    return 0;
}
