/* export_systemd_int.h — shared by the files of the systemd exporter
 * (export_systemd.c: the drop-in and process attributes;
 * export_systemd_seccomp.c: SystemCallFilter= and friends;
 * export_systemd_view.c: namespaces, filesystem, Landlock, cgroup, LSMs). */
#ifndef STK_EXPORT_SYSTEMD_INT_H
#define STK_EXPORT_SYSTEMD_INT_H

#include <stdbool.h>

#include "export/export_systemd.h"

struct stk_sd {
    const struct stk_policy_ir *ir;
    const struct stk_sd_opts *o;
    struct stk_diags *ds;
    struct stk_buf *out;
    bool failed; /* something was refused */
};

/* What systemd cannot say: an error `not-exportable` at loc (the policy's
 * name when loc has no file), or with --lossy a `lossy-export` warning saying
 * the drop-in is `dir` ("looser", "tighter") than the policy there.  Returns
 * true when the caller should write its approximation (--lossy). */
bool stk_sd_lose(struct stk_sd *x, struct stk_loc loc, const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* True when the policy keeps CAP_SYS_ADMIN (capabilities all, or keep sys_admin). */
bool stk_sd_keeps_sys_admin(const struct stk_policy_ir *ir);

void stk_sd_seccomp(struct stk_sd *x);
void stk_sd_view(struct stk_sd *x);   /* namespaces, hostname, id maps, filesystem */
void stk_sd_limits(struct stk_sd *x); /* landlock ports, cgroup, selinux, apparmor */
/* The cgroup block alone (also kept by --systemd-wrap). */
void stk_sd_cgroup(struct stk_sd *x);

#endif
