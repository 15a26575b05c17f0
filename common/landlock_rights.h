/* landlock_rights.h — Landlock access rights as the kernel numbers them, their
 * names in the policy language, the ABI version that introduced each, and the
 * pure "what does this kernel keep" computation.  Shared by the compiler
 * (sema_landlock.c), the bundle reader and the enforcer (landlock.c).
 *
 * The values are the kernel's UAPI (linux/landlock.h).  They are defined here
 * because Debian 12's headers stop at ABI 2 while the enforcer must know the
 * rights of every ABI up to 7 to hand a newer kernel all of them. */
#ifndef STK_LANDLOCK_RIGHTS_H
#define STK_LANDLOCK_RIGHTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Filesystem rights (handled_access_fs, path-beneath rules). */
#define STK_LL_FS_EXECUTE (1ull << 0)      /* ABI 1 */
#define STK_LL_FS_WRITE_FILE (1ull << 1)   /* ABI 1 */
#define STK_LL_FS_READ_FILE (1ull << 2)    /* ABI 1 */
#define STK_LL_FS_READ_DIR (1ull << 3)     /* ABI 1 */
#define STK_LL_FS_REMOVE_DIR (1ull << 4)   /* ABI 1 */
#define STK_LL_FS_REMOVE_FILE (1ull << 5)  /* ABI 1 */
#define STK_LL_FS_MAKE_CHAR (1ull << 6)    /* ABI 1 */
#define STK_LL_FS_MAKE_DIR (1ull << 7)     /* ABI 1 */
#define STK_LL_FS_MAKE_REG (1ull << 8)     /* ABI 1 */
#define STK_LL_FS_MAKE_SOCK (1ull << 9)    /* ABI 1 */
#define STK_LL_FS_MAKE_FIFO (1ull << 10)   /* ABI 1 */
#define STK_LL_FS_MAKE_BLOCK (1ull << 11)  /* ABI 1 */
#define STK_LL_FS_MAKE_SYM (1ull << 12)    /* ABI 1 */
#define STK_LL_FS_REFER (1ull << 13)       /* ABI 2 */
#define STK_LL_FS_TRUNCATE (1ull << 14)    /* ABI 3 */
#define STK_LL_FS_IOCTL_DEV (1ull << 15)   /* ABI 5 */
#define STK_LL_FS_ALL ((1ull << 16) - 1)
/* Rights that may be granted on a file that is not a directory (the
 * kernel refuses the others in a rule on a non-directory). */
#define STK_LL_FS_FILE_RIGHTS                                                                  \
    (STK_LL_FS_EXECUTE | STK_LL_FS_WRITE_FILE | STK_LL_FS_READ_FILE | STK_LL_FS_TRUNCATE |    \
     STK_LL_FS_IOCTL_DEV)

/* Network rights (handled_access_net, net-port rules), ABI 4. */
#define STK_LL_NET_BIND_TCP (1ull << 0)
#define STK_LL_NET_CONNECT_TCP (1ull << 1)
#define STK_LL_NET_ALL (STK_LL_NET_BIND_TCP | STK_LL_NET_CONNECT_TCP)

/* Scopes (scoped), ABI 6. */
#define STK_LL_SCOPE_ABSTRACT_UNIX (1ull << 0)
#define STK_LL_SCOPE_SIGNAL (1ull << 1)
#define STK_LL_SCOPE_ALL (STK_LL_SCOPE_ABSTRACT_UNIX | STK_LL_SCOPE_SIGNAL)

/* The newest ABI whose rights this build knows. */
#define STK_LL_ABI_KNOWN 7

/* The language's groups of filesystem rights (docs/language.md has the table). */
#define STK_LL_READ (STK_LL_FS_READ_FILE | STK_LL_FS_READ_DIR)
#define STK_LL_WRITE                                                                           \
    (STK_LL_FS_WRITE_FILE | STK_LL_FS_TRUNCATE | STK_LL_FS_REMOVE_DIR | STK_LL_FS_REMOVE_FILE | \
     STK_LL_FS_MAKE_CHAR | STK_LL_FS_MAKE_DIR | STK_LL_FS_MAKE_REG | STK_LL_FS_MAKE_SOCK |     \
     STK_LL_FS_MAKE_FIFO | STK_LL_FS_MAKE_BLOCK | STK_LL_FS_MAKE_SYM | STK_LL_FS_REFER |       \
     STK_LL_FS_IOCTL_DEV)
#define STK_LL_EXECUTE (STK_LL_FS_EXECUTE | STK_LL_FS_READ_FILE)

/* A set of rights of each kind. */
struct stk_ll_access {
    uint64_t fs, net, scope;
};

/* Name of one filesystem right in the language ("read-file", "make-reg"),
 * NULL for an unknown bit; and the ABI that introduced it (0 unknown). */
const char *stk_ll_fs_name(uint64_t bit);
int stk_ll_fs_abi(uint64_t bit);
/* A filesystem right by name, 0 if none. */
uint64_t stk_ll_fs_by_name(const char *name);
/* Every filesystem right name, in bit order (for did-you-mean). */
size_t stk_ll_fs_names(const char **out, size_t max);

/* The rights a kernel with Landlock ABI `abi` can handle (0: no Landlock). */
struct stk_ll_access stk_ll_abi_supports(int abi);
/* Split what a policy handles into what the kernel keeps and what it lacks.
 * REFER on ABI 1 is dropped silently (not in *lacking*): ABI 1 kernels
 * refuse every cross-directory link and rename anyway, which is stricter. */
void stk_ll_compute(const struct stk_ll_access *want, int abi, struct stk_ll_access *keep,
                    struct stk_ll_access *lacking);
bool stk_ll_empty(const struct stk_ll_access *a);
/* "truncate (ABI 3), bind tcp (ABI 4), scope signal (ABI 6)" into buf. */
const char *stk_ll_describe(const struct stk_ll_access *a, char *buf, size_t len);
/* The lowest ABI that supports every right in a (0 if a is empty). */
int stk_ll_min_abi(const struct stk_ll_access *a);

#endif
