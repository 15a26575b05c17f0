/* emit_selinux_cil.c — a SELinux CIL module for a policy's selinux block
 * (`stockade compile --emit=selinux-cil`).  It is written against the types
 * and attributes of the reference policy (Debian's selinux-policy-default,
 * Fedora's targeted policy share them) and declares:
 *   - the process domain (a `domain`, MCS-constrained: `mcs_constrained_type`,
 *     so the reference policy's MCS constraints keep instances of different
 *     levels apart), allowed in the callers' roles;
 *   - the file type of the instance's private mounts and its files;
 *   - the transition from the callers: setexeccon + execve, under
 *     no_new_privs (process2 nnp_transition), with the domain allowed to use
 *     the descriptors the caller hands over (fd use: stdin/stdout/stderr),
 *     to signal its exit (sigchld) and to run any executable (entrypoint);
 *   - what running a program needs: libraries, the loader, /etc, locales,
 *     /proc/self, the null/zero/random devices, the terminal;
 *   - what the policy implies: the capabilities it keeps, the sockets its
 *     seccomp rules let it create.
 * Load it with `semodule -i FILE.cil`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsm/emit_lsm.h"

static void rule(struct stk_buf *o, const char *src, const char *tgt, const char *cls, const char *perms)
{
    stk_buf_printf(o, "(allow %s %s (%s (%s)))\n", src, tgt, cls, perms);
}

/* The role a caller domain runs in, for the domain's role membership. */
static const char *caller_role(const char *t)
{
    static const struct {
        const char *type, *role;
    } map[] = {{"unconfined_t", "unconfined_r"}, {"sysadm_t", "sysadm_r"}, {"staff_t", "staff_r"},
               {"user_t", "user_r"},             {"secadm_t", "secadm_r"}, {"auditadm_t", "auditadm_r"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].type, t) == 0)
            return map[i].role;
    return NULL;
}

#define FILE_READ "read open getattr ioctl lock map"
#define FILE_MANAGE "create read write open getattr setattr ioctl lock append map rename link unlink"
#define DIR_READ "search getattr read open ioctl lock"
#define DIR_MANAGE "create search getattr setattr read write open ioctl lock add_name remove_name reparent rename rmdir"
#define SOCK_SELF "create read write getattr setattr getopt setopt shutdown bind connect listen accept ioctl append lock"

static void capabilities(struct stk_buf *o, const char *t, uint64_t caps)
{
    struct stk_buf c1 = {0}, c2 = {0};
    char n[64];
    for (int c = 0; c < 64; c++) {
        struct stk_buf *b = c < 32 ? &c1 : &c2;
        if (stk_lsm_facts_cap_name(caps, c, n, sizeof n))
            stk_buf_printf(b, "%s%s", b->len ? " " : "", n);
    }
    if (c1.len) {
        stk_buf_put(&c1, "", 1);
        rule(o, t, "self", "capability", c1.data);
    }
    if (c2.len) {
        stk_buf_put(&c2, "", 1);
        rule(o, t, "self", "capability2", c2.data);
    }
    stk_buf_free(&c1);
    stk_buf_free(&c2);
}

static void network(struct stk_buf *o, const char *t, const struct stk_lsm_facts *f)
{
    unsigned in = f->af_types[AF_INET] | f->af_types[AF_INET6];
    if (f->af_types[AF_UNIX] & (STK_LSM_SOCK_STREAM | STK_LSM_SOCK_SEQPACKET)) {
        rule(o, t, "self", "unix_stream_socket", SOCK_SELF);
        /* connecting to another domain's socket needs its rule; our own instances: */
        rule(o, t, "self", "unix_stream_socket", "connectto");
    }
    if (f->af_types[AF_UNIX] & STK_LSM_SOCK_DGRAM) {
        rule(o, t, "self", "unix_dgram_socket", SOCK_SELF);
        rule(o, t, "self", "unix_dgram_socket", "sendto");
    }
    if (in & STK_LSM_SOCK_STREAM) {
        rule(o, t, "self", "tcp_socket", SOCK_SELF " node_bind name_connect");
        rule(o, t, "port_type", "tcp_socket", "name_bind name_connect");
        rule(o, t, "node_type", "tcp_socket", "node_bind");
    }
    if (in & STK_LSM_SOCK_DGRAM) {
        rule(o, t, "self", "udp_socket", SOCK_SELF " node_bind");
        rule(o, t, "port_type", "udp_socket", "name_bind");
        rule(o, t, "node_type", "udp_socket", "node_bind");
        rule(o, t, "self", "icmp_socket", SOCK_SELF " node_bind"); /* ping sockets */
    }
    if (in & STK_LSM_SOCK_RAW) {
        rule(o, t, "self", "rawip_socket", SOCK_SELF " node_bind");
        rule(o, t, "node_type", "rawip_socket", "node_bind");
    }
    if (in) {
        rule(o, t, "node_type", "node", "recvfrom sendto");
        rule(o, t, "netif_type", "netif", "ingress egress");
    }
    if (f->af_types[AF_NETLINK]) {
        rule(o, t, "self", "netlink_route_socket", SOCK_SELF " nlmsg_read");
        rule(o, t, "self", "netlink_socket", SOCK_SELF);
    }
    if (f->af_types[AF_PACKET])
        rule(o, t, "self", "packet_socket", SOCK_SELF);
    if (f->net_all) {
        rule(o, t, "self", "socket", SOCK_SELF);
        rule(o, t, "self", "key_socket", SOCK_SELF);
    }
}

void stk_emit_selinux_cil(const struct stk_policy_ir *ir, struct stk_buf *o)
{
    const struct stk_selinux_ir *se = &ir->lsm.selinux;
    const char *t = se->type, *ft = se->filetype;
    char *callers = stk_xasprintf("%s_callers", t);
    struct stk_lsm_facts f;
    stk_lsm_facts(ir, &f);

    stk_buf_printf(o,
                   "; SELinux policy module for stockade policy '%s' (stockade compile --emit=selinux-cil).\n"
                   "; Load: semodule -i %s.cil   Remove: semodule -r %s\n"
                   "; The process runs as %s at its instance's level (level %s); its private\n"
                   "; mounts are labelled %s.\n",
                   ir->name, t, t, t, se->level_auto ? "auto: a unique s0:cX,cY" : se->level, ft);

    stk_buf_puts(o, "\n; ---- the process domain\n");
    stk_buf_printf(o, "(type %s)\n", t);
    stk_buf_printf(o, "(roletype system_r %s)\n", t);
    for (size_t i = 0; i < se->ncallers; i++) {
        const char *r = caller_role(se->callers[i]);
        bool dup = false;
        for (size_t j = 0; j < i && r; j++)
            dup = dup || (caller_role(se->callers[j]) && strcmp(caller_role(se->callers[j]), r) == 0);
        if (r && !dup)
            stk_buf_printf(o, "(roletype %s %s)\n", r, t);
    }
    stk_buf_printf(o, "(typeattributeset domain (%s))\n", t);
    stk_buf_printf(o, "(typeattributeset mcs_constrained_type (%s))\n", t);

    stk_buf_puts(o, "\n; ---- the file type of its private mounts (tmpfs) and the files in them\n");
    stk_buf_printf(o, "(type %s)\n(roletype object_r %s)\n", ft, ft);
    stk_buf_printf(o, "(typeattributeset file_type (%s))\n", ft);
    rule(o, ft, "self", "filesystem", "associate");
    rule(o, t, ft, "dir", DIR_MANAGE);
    rule(o, t, ft, "file", FILE_MANAGE " execute execute_no_trans");
    rule(o, t, ft, "lnk_file", "create read write getattr setattr unlink rename link");
    rule(o, t, ft, "sock_file", "create read write getattr setattr unlink rename open");
    rule(o, t, ft, "fifo_file", FILE_MANAGE);
    rule(o, t, ft, "filesystem", "getattr");

    stk_buf_puts(o, "\n; ---- who may start it: setexeccon + execve (under no_new_privs)\n");
    stk_buf_printf(o, "(typeattribute %s)\n(typeattributeset %s (", callers, callers);
    for (size_t i = 0; i < se->ncallers; i++)
        stk_buf_printf(o, "%s%s", i ? " " : "", se->callers[i]);
    stk_buf_puts(o, "))\n");
    rule(o, callers, t, "process", "transition siginh rlimitinh noatsecure sigkill sigstop signal signull getattr");
    rule(o, callers, t, "process2", "nnp_transition nosuid_transition");
    rule(o, callers, t, "dir", "search getattr read open");
    rule(o, callers, t, "file", "read open getattr");
    rule(o, callers, t, "lnk_file", "read getattr");
    rule(o, t, callers, "fd", "use");
    rule(o, t, callers, "process", "sigchld");
    rule(o, t, callers, "fifo_file", "read write getattr ioctl append lock");
    rule(o, t, callers, "unix_stream_socket", "read write getattr ioctl append getopt setopt shutdown");
    stk_buf_puts(o, "; the caller mounts the private tmpfs with context=...\n");
    rule(o, callers, ft, "filesystem", "mount remount unmount getattr relabelfrom relabelto associate");
    rule(o, callers, "tmpfs_t", "filesystem", "relabelfrom");
    rule(o, callers, ft, "dir", DIR_MANAGE " mounton");

    stk_buf_puts(o, "\n; ---- running a program\n");
    for (size_t i = 0; i < se->nentrypoints; i++)
        rule(o, t, se->entrypoints[i], "file", "entrypoint execute execute_no_trans " FILE_READ);
    rule(o, t, "self", "process",
         "fork sigchld sigkill sigstop signull signal getsched setsched getsession getpgid setpgid getcap "
         "getattr setrlimit getrlimit");
    rule(o, t, "self", "fifo_file", "create read write open getattr setattr ioctl append lock");
    rule(o, t, "self", "dir", DIR_READ);
    rule(o, t, "self", "file", FILE_READ " write append");
    rule(o, t, "self", "lnk_file", "read getattr");
    static const char *const dirs[] = {"root_t", "bin_t", "lib_t", "usr_t", "etc_t", "var_t", "var_run_t",
                                       "locale_t", "device_t", "devpts_t", "proc_t", "sysfs_t", "tmp_t", "tmpfs_t",
                                       "home_root_t"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        rule(o, t, dirs[i], "dir", DIR_READ);
        rule(o, t, dirs[i], "lnk_file", "read getattr");
    }
    static const char *const code[] = {"lib_t", "ld_so_t", "textrel_shlib_t", "bin_t"};
    for (size_t i = 0; i < sizeof code / sizeof code[0]; i++)
        rule(o, t, code[i], "file", FILE_READ " execute");
    static const char *const conf[] = {"etc_t", "ld_so_cache_t", "locale_t", "usr_t", "proc_t", "sysfs_t"};
    for (size_t i = 0; i < sizeof conf / sizeof conf[0]; i++)
        rule(o, t, conf[i], "file", FILE_READ);
    static const char *const devs[] = {"null_device_t", "zero_device_t"};
    for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++)
        rule(o, t, devs[i], "chr_file", "read write open getattr ioctl append lock map");
    rule(o, t, "random_device_t", "chr_file", "read open getattr ioctl");
    rule(o, t, "urandom_device_t", "chr_file", "read open getattr ioctl");
    static const char *const ttys[] = {"devtty_t", "user_devpts_t", "user_tty_device_t", "tty_device_t"};
    for (size_t i = 0; i < sizeof ttys / sizeof ttys[0]; i++)
        rule(o, t, ttys[i], "chr_file", "read write getattr ioctl append lock");
    rule(o, t, "ptmx_t", "chr_file", "read write open getattr ioctl");

    stk_buf_puts(o, "\n; ---- capabilities the policy keeps\n");
    capabilities(o, t, f.caps);

    stk_buf_puts(o, "\n; ---- sockets the policy's seccomp rules let it create\n");
    network(o, t, &f);

    free(callers);
    stk_lsm_facts_free(&f);
}
