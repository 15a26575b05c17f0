/* consts.h — symbolic constants usable in policy expressions (AF_*, O_*,
 * PROT_*, MAP_*, CLONE_*, SOCK_*, errno names, ...), and errno names for
 * seccomp actions.  The table is generated at build time from the system
 * headers by common/tools/gen_consts.sh; nothing here is typed in by hand. */
#ifndef STK_CONSTS_H
#define STK_CONSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Names stored in place, not pointed to (no relocations at start-up: see
 * STK_SYSCALL_NAME_MAX in syscalls.h); gen_consts.sh refuses longer ones. */
#define STK_CONST_NAME_MAX 48

struct stk_const {
    char name[STK_CONST_NAME_MAX];
    int64_t value;
};

/* Generated: sorted by name (strcmp), no duplicates. */
extern const struct stk_const stk_const_table[];
extern const size_t stk_const_count;

/* Find a constant by exact name.  Returns true and sets *value if known. */
bool stk_const_lookup(const char *name, int64_t *value);
/* Closest known constant name, or NULL. */
const char *stk_const_suggest(const char *name);

/* The first name (in strcmp order) starting with prefix, not starting with
 * any of the NULL-terminated skip (may be NULL), whose value is value; NULL
 * if none.  For printing enum-like values (--report). */
const char *stk_const_name_by_value(const char *prefix, const char *const *skip, int64_t value);

/* errno names only (E2BIG ... EXDEV), for `errno NAME` actions. */
bool stk_errno_lookup(const char *name, int *value);
/* Name for an errno value, or NULL. */
const char *stk_errno_name(int value);
const char *stk_errno_suggest(const char *name);

#endif
