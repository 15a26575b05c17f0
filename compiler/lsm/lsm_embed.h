/* lsm_embed.h — `compile --embed-lsm` (lsm_embed.c). */
#ifndef STK_LSM_EMBED_H
#define STK_LSM_EMBED_H

#include <stddef.h>

#include "ir/ir.h"

/* The features file to compile profiles for: NULL for the running kernel's
 * (when it runs AppArmor), else Debian's packaged default, else NULL. */
const char *stk_lsm_embed_default_features(void);
/* Fill ir->lsm.embed_cil (selinux block) and embed_aa (generated apparmor
 * profile, compiled by apparmor_parser for the features file, NULL = the
 * default above).  0, or -1 with a message in err. */
int stk_lsm_embed(struct stk_policy_ir *ir, const char *features, char *err, size_t n);

#endif
