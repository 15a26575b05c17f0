/* bundle_landlock.h — the landlock part of a decoded bundle (struct stk_bundle.landlock),
 * and its record types (range STK_REC_LANDLOCK_FIRST..LAST in bundle_format.h). */
#ifndef STK_BUNDLE_LANDLOCK_H
#define STK_BUNDLE_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stk_bundle_landlock {
    bool present;
};

#endif
