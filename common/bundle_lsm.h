/* bundle_lsm.h — the lsm part of a decoded bundle (struct stk_bundle.lsm),
 * and its record types (range STK_REC_LSM_FIRST..LAST in bundle_format.h).
 *
 * Records (all at most once; docs/bundle.md):
 *   0x0200 SELINUX   u8 optional (0|1), u8 level mode (1 auto, 2 explicit),
 *                    u16 0, u32 categories (2..1024), str type, str file
 *                    type (both SELinux identifiers, differ), str level
 *                    (explicit: a valid level for that category count;
 *                    auto: empty)
 *   0x0201 APPARMOR  u8 optional (0|1), u8 generated (1: the profile was
 *                    generated from the policy; 0: `apparmor use`), u16 0,
 *                    str profile name
 *   0x0202 APPARMOR_BINARY  u32 n (1..STK_BUNDLE_MAX_LSM_BLOB), n bytes:
 *                    apparmor_parser's compiled profile; needs APPARMOR
 *   0x0203 SELINUX_CIL      str (1..STK_BUNDLE_MAX_LSM_BLOB bytes): the
 *                    generated CIL module, for the administrator to load;
 *                    needs SELINUX */
#ifndef STK_BUNDLE_LSM_H
#define STK_BUNDLE_LSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STK_REC_SELINUX 0x0200
#define STK_REC_APPARMOR 0x0201
#define STK_REC_APPARMOR_BINARY 0x0202
#define STK_REC_SELINUX_CIL 0x0203

#define STK_SELINUX_LEVEL_AUTO 1
#define STK_SELINUX_LEVEL_EXPLICIT 2

#define STK_BUNDLE_MAX_LSM_BLOB (1u << 20)

struct stk_bundle_lsm {
    bool present;
    struct {
        bool present, optional, level_auto;
        uint32_t categories;
        const char *type, *filetype, *level; /* level NULL with level_auto */
        const char *cil;                     /* SELINUX_CIL, or NULL */
    } selinux;
    struct {
        bool present, optional, generated;
        const char *profile;
        const unsigned char *binary; /* APPARMOR_BINARY (points into the bundle), or NULL */
        size_t binary_len;
    } apparmor;
};

#endif
