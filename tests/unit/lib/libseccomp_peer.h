/* libseccomp_peer.h — build a policy with libseccomp (cross-check and benchmark peer). */
#ifndef STK_LIBSECCOMP_PEER_H
#define STK_LIBSECCOMP_PEER_H

#include <linux/filter.h>
#include <stddef.h>

#include "ir/ir.h"

/* Build ir's seccomp filter with libseccomp (optimize: 0 = libseccomp's
 * default, 1, or 2 = binary tree).  Returns 0 and a malloc'd program, or -1
 * with the reason when libseccomp cannot express the policy.  Syscalls that
 * libseccomp does not know are left to the default action. */
int stk_libseccomp_build(const struct stk_policy_ir *ir, int optimize, struct sock_filter **out, size_t *len,
                         char *err, size_t errlen);

#endif
