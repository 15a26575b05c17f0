/* bundle_cgroup.h — the cgroup part of a decoded bundle (struct stk_bundle.cgroup),
 * and its record types (range STK_REC_CGROUP_FIRST..LAST in bundle_format.h). */
#ifndef STK_BUNDLE_CGROUP_H
#define STK_BUNDLE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stk_bundle_cgroup {
    bool present;
};

#endif
