/* lsm_level.h — SELinux MLS/MCS levels ("s0", "s0:c1,c2", "s0:c0.c9",
 * "s0-s0:c0.c1023"): one parser shared by the compiler (diagnostics with
 * exact columns) and the enforcer (bundle validation), so both accept
 * exactly the same texts. */
#ifndef STK_LSM_LEVEL_H
#define STK_LSM_LEVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STK_MCS_MAX_CATEGORIES 1024u /* c0..c1023: the category count of Debian/Fedora MCS policies */
#define STK_MCS_MAX_SENSITIVITY 15u  /* s0..s15 */
#define STK_LEVEL_MAX_LEN 4096u
#define STK_SELINUX_NAME_MAX 128u  /* stk_selinux_name_ok; the bundle's SELinux types */
#define STK_APPARMOR_NAME_MAX 256u /* stk_apparmor_name_ok; the bundle's AppArmor profile */

struct stk_level_err {
    size_t off;   /* byte offset in the text where the problem starts */
    size_t len;   /* length of the offending part (>= 1 unless at the end) */
    char msg[160];
};

/* Parse and check a level or range against a policy of ncat categories
 * (c0..c<ncat-1>): syntax, categories in range and strictly increasing,
 * c1 < c2 in `c1.c2`, the high level dominating the low one.  Returns 0, or
 * -1 with *err filled. */
int stk_level_check(const char *text, uint32_t ncat, struct stk_level_err *err);

/* "s0:cA,cB" for the sVirt pair a < b. */
int stk_level_pair(char *buf, size_t n, uint32_t a, uint32_t b);

/* A name that may be an SELinux type/role/user identifier: a letter, then
 * letters, digits and '_', at most STK_SELINUX_NAME_MAX bytes. */
bool stk_selinux_name_ok(const char *s);
/* An AppArmor profile name stockade accepts: letters, digits, '_', '-', '.',
 * '/' (not first), '+', ':' and '@'; at most STK_APPARMOR_NAME_MAX bytes; not
 * "unconfined". */
bool stk_apparmor_name_ok(const char *s);

#endif
