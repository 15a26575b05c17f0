/* kfeatures.h — what this kernel offers stockade, probed at run time for
 * `--version` (cheap syscalls that change nothing; a refused probe reads as
 * "not available", never as an error). */
#ifndef STK_KFEATURES_H
#define STK_KFEATURES_H

#include <stdbool.h>
#include <stdio.h>

struct stk_kfeatures {
    char kernel[256];      /* uname system, release and machine, or "unknown" */
    unsigned actions;      /* bit i: stk_kfeatures_action_name(i) is available */
    bool user_notif;       /* seccomp user notification (SECCOMP_GET_NOTIF_SIZES) */
    int landlock_abi;      /* 0: Landlock unavailable */
    char lsms[256];        /* /sys/kernel/security/lsm, or "" */
};

void stk_kfeatures_probe(struct stk_kfeatures *f);
/* Print the features as "name: value" lines. */
void stk_kfeatures_print(FILE *out, const struct stk_kfeatures *f);

#endif
