/* kfeatures.c — the run-time kernel features `stockade --version` and
 * `stockade-exec --version` report. */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kfeatures.h"

#ifndef SECCOMP_GET_ACTION_AVAIL
#define SECCOMP_GET_ACTION_AVAIL 2
#endif
#ifndef SECCOMP_GET_NOTIF_SIZES
#define SECCOMP_GET_NOTIF_SIZES 3
#endif
#define LL_CREATE_RULESET_VERSION (1u << 0)

static const struct {
    const char *name;
    unsigned action;
} actions[] = {
    {"kill-process", SECCOMP_RET_KILL_PROCESS}, {"kill-thread", SECCOMP_RET_KILL_THREAD},
    {"trap", SECCOMP_RET_TRAP},                 {"errno", SECCOMP_RET_ERRNO},
    {"notify", SECCOMP_RET_USER_NOTIF},         {"trace", SECCOMP_RET_TRACE},
    {"log", SECCOMP_RET_LOG},                   {"allow", SECCOMP_RET_ALLOW},
};
#define NACTIONS (sizeof actions / sizeof actions[0])

void stk_kfeatures_probe(struct stk_kfeatures *f)
{
    memset(f, 0, sizeof *f);
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(f->kernel, sizeof f->kernel, "%s %s %s", u.sysname, u.release, u.machine);
    else
        snprintf(f->kernel, sizeof f->kernel, "unknown");
    for (unsigned i = 0; i < NACTIONS; i++) {
        unsigned a = actions[i].action;
        if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &a) == 0)
            f->actions |= 1u << i;
    }
    struct seccomp_notif_sizes sz;
    f->user_notif = syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0;
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    f->landlock_abi = abi > 0 ? (int)abi : 0;
    int fd = open("/sys/kernel/security/lsm", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd >= 0) {
        ssize_t n = read(fd, f->lsms, sizeof f->lsms - 1);
        f->lsms[n > 0 ? n : 0] = '\0';
        close(fd);
    }
}

void stk_kfeatures_print(FILE *out, const struct stk_kfeatures *f)
{
    fprintf(out, "kernel: %s\n", f->kernel);
    fputs("seccomp actions:", out);
    if (!f->actions)
        fputs(" none (seccomp unavailable)", out);
    for (unsigned i = 0; i < NACTIONS; i++)
        if (f->actions & (1u << i))
            fprintf(out, " %s", actions[i].name);
    fputc('\n', out);
    fprintf(out, "seccomp user notification: %s\n", f->user_notif ? "yes" : "no");
    if (f->landlock_abi)
        fprintf(out, "landlock: ABI %d\n", f->landlock_abi);
    else
        fputs("landlock: unavailable\n", out);
    fprintf(out, "lsm: %s\n", f->lsms[0] ? f->lsms : "unknown");
}
