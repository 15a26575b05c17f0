/* bundle_isolation.h — the isolation part of a decoded bundle (struct stk_bundle.iso),
 * and its record types (range STK_REC_ISOLATION_FIRST..LAST in bundle_format.h). */
#ifndef STK_BUNDLE_ISOLATION_H
#define STK_BUNDLE_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stk_bundle_isolation {
    bool present;
};

#endif
