/* bundle_lsm.h — the lsm part of a decoded bundle (struct stk_bundle.lsm),
 * and its record types (range STK_REC_LSM_FIRST..LAST in bundle_format.h). */
#ifndef STK_BUNDLE_LSM_H
#define STK_BUNDLE_LSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stk_bundle_lsm {
    bool present;
};

#endif
