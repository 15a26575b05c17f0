/* bundle_landlock.h — the landlock part of a decoded bundle (struct stk_bundle.landlock),
 * and its record types (range STK_REC_LANDLOCK_FIRST..LAST in bundle_format.h).
 *
 * Records (docs/bundle.md, "Landlock"):
 *   0x0140 LANDLOCK       u8 compat (0 required, 1 best-effort), 7 zero bytes,
 *                         u64 handled fs rights, u64 handled net rights, u64 scopes
 *                         (bits of landlock_rights.h; at least one non-zero)       once
 *   0x0141 LANDLOCK_PATH  u64 rights (non-zero, within the handled fs rights),
 *                         string: absolute path (<= 4095 bytes, unique)           4096
 *   0x0142 LANDLOCK_PORT  u64 rights (bind tcp 1, connect tcp 2; within the
 *                         handled net rights), u64 port (<= 65535, unique)        4096
 * PATH and PORT records need the LANDLOCK record. */
#ifndef STK_BUNDLE_LANDLOCK_H
#define STK_BUNDLE_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "landlock_rights.h"

enum {
    STK_REC_LANDLOCK = 0x0140,
    STK_REC_LANDLOCK_PATH = 0x0141,
    STK_REC_LANDLOCK_PORT = 0x0142,
};

#define STK_BUNDLE_MAX_LANDLOCK_RULES 4096u /* path rules, and port rules, each */

enum stk_ll_compat { STK_LL_REQUIRED = 0, STK_LL_BEST_EFFORT = 1 };

struct stk_bundle_ll_path {
    uint64_t access; /* STK_LL_FS_* */
    const char *path;
};

struct stk_bundle_ll_port {
    uint64_t access; /* STK_LL_NET_* */
    uint16_t port;
};

struct stk_bundle_landlock {
    bool present;
    enum stk_ll_compat compat;
    struct stk_ll_access handled; /* fs, net, scope */
    struct stk_bundle_ll_path *paths;
    size_t npaths;
    struct stk_bundle_ll_port *ports;
    size_t nports;
};

#endif
