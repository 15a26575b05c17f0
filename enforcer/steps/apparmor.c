/* apparmor.c — AppArmor profile on exec (lsm.h, libapparmor). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "steps/lsm.h"

#define STEP "apparmor"

/* 1 loaded, 0 not loaded, -1 cannot tell (securityfs not readable). */
static int profile_loaded(const char *name)
{
    char *mnt = NULL;
    if (aa_find_mountpoint(&mnt) < 0 || !mnt)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/profiles", mnt);
    free(mnt);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char line[1024];
    size_t n = strlen(name);
    int found = 0;
    /* lines: "NAME (MODE)" */
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, n) == 0 && strncmp(line + n, " (", 2) == 0)
            found = 1;
    if (ferror(f))
        found = -1;
    fclose(f);
    return found;
}

static int load_binary(const struct stk_bundle *b, struct stk_err *e)
{
    aa_kernel_interface *kif = NULL;
    if (aa_kernel_interface_new(&kif, NULL, NULL) < 0)
        return stk_errnof(e, STEP, errno, "cannot open AppArmor's kernel interface to load profile %s",
                          b->lsm.apparmor.profile);
    int rc = aa_kernel_interface_replace_policy(kif, (const char *)b->lsm.apparmor.binary, b->lsm.apparmor.binary_len);
    int err = errno;
    aa_kernel_interface_unref(kif);
    if (rc < 0)
        return stk_errnof(e, STEP, err, "loading the bundle's profile %s (needs CAP_MAC_ADMIN)",
                          b->lsm.apparmor.profile);
    return 0;
}

int stk_apparmor_prepare(const struct stk_bundle *b, struct stk_lsm_plan *p, struct stk_err *e)
{
    const char *name = b->lsm.apparmor.profile;
    if (b->lsm.apparmor.binary && load_binary(b, e) < 0)
        return -1;
    int loaded = profile_loaded(name);
    if (loaded == 0)
        return stk_errf(e, STEP,
                        "profile %s is not loaded: load it with apparmor_parser -r (stockade compile "
                        "--emit=apparmor writes it), or compile the bundle with --embed-lsm",
                        name);
    char *label = NULL, *mode = NULL;
    if (aa_getcon(&label, &mode) < 0)
        return stk_errnof(e, STEP, errno, "aa_getcon");
    /* aa_getcon returns one allocation: label and mode point into it */
    bool confined = strcmp(label, "unconfined") != 0;
    free(label);
    int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (nnp < 0)
        return stk_errnof(e, STEP, errno, "prctl(PR_GET_NO_NEW_PRIVS)");
    /* Under no_new_privs a confined task may only narrow its confinement:
     * stack the profile on top of the current one. */
    p->aa_stack = confined && (nnp == 1 || b->no_new_privs);
    if (strlen(name) >= sizeof p->profile)
        return stk_errf(e, STEP, "profile name too long");
    memcpy(p->profile, name, strlen(name) + 1);
    p->apparmor = true;
    return 0;
}

int stk_apparmor_apply(const struct stk_lsm_plan *p, struct stk_err *e)
{
    if (p->aa_stack ? aa_stack_onexec(p->profile) < 0 : aa_change_onexec(p->profile) < 0)
        return stk_errnof(e, STEP, errno, "%s %s", p->aa_stack ? "aa_stack_onexec" : "aa_change_onexec",
                          p->profile);
    return 0;
}
