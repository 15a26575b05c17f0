/* landlock_rights.c — names and ABI versions of the Landlock rights, and
 * what a kernel of a given ABI keeps of a policy (landlock_rights.h). */
#include "landlock_rights.h"

#include <stdio.h>
#include <string.h>

static const struct {
    uint64_t bit;
    const char *name;
    int abi;
} fs_rights[] = {
    {STK_LL_FS_EXECUTE, "execute-file", 1},  {STK_LL_FS_WRITE_FILE, "write-file", 1},
    {STK_LL_FS_READ_FILE, "read-file", 1},   {STK_LL_FS_READ_DIR, "read-dir", 1},
    {STK_LL_FS_REMOVE_DIR, "remove-dir", 1}, {STK_LL_FS_REMOVE_FILE, "remove-file", 1},
    {STK_LL_FS_MAKE_CHAR, "make-char", 1},   {STK_LL_FS_MAKE_DIR, "make-dir", 1},
    {STK_LL_FS_MAKE_REG, "make-reg", 1},     {STK_LL_FS_MAKE_SOCK, "make-sock", 1},
    {STK_LL_FS_MAKE_FIFO, "make-fifo", 1},   {STK_LL_FS_MAKE_BLOCK, "make-block", 1},
    {STK_LL_FS_MAKE_SYM, "make-sym", 1},     {STK_LL_FS_REFER, "refer", 2},
    {STK_LL_FS_TRUNCATE, "truncate", 3},     {STK_LL_FS_IOCTL_DEV, "ioctl-dev", 5},
};
#define NFS (sizeof fs_rights / sizeof fs_rights[0])

const char *stk_ll_fs_name(uint64_t bit)
{
    for (size_t i = 0; i < NFS; i++)
        if (fs_rights[i].bit == bit)
            return fs_rights[i].name;
    return NULL;
}

int stk_ll_fs_abi(uint64_t bit)
{
    for (size_t i = 0; i < NFS; i++)
        if (fs_rights[i].bit == bit)
            return fs_rights[i].abi;
    return 0;
}

uint64_t stk_ll_fs_by_name(const char *name)
{
    for (size_t i = 0; i < NFS; i++)
        if (strcmp(fs_rights[i].name, name) == 0)
            return fs_rights[i].bit;
    return 0;
}

size_t stk_ll_fs_names(const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < NFS && n < max; i++)
        out[n++] = fs_rights[i].name;
    return n;
}

struct stk_ll_access stk_ll_abi_supports(int abi)
{
    struct stk_ll_access a = {0, 0, 0};
    if (abi < 1)
        return a;
    for (size_t i = 0; i < NFS; i++)
        if (fs_rights[i].abi <= abi)
            a.fs |= fs_rights[i].bit;
    if (abi >= 4)
        a.net = STK_LL_NET_ALL;
    if (abi >= 6)
        a.scope = STK_LL_SCOPE_ALL;
    return a;
}

void stk_ll_compute(const struct stk_ll_access *want, int abi, struct stk_ll_access *keep,
                    struct stk_ll_access *lacking)
{
    struct stk_ll_access s = stk_ll_abi_supports(abi);
    keep->fs = want->fs & s.fs;
    keep->net = want->net & s.net;
    keep->scope = want->scope & s.scope;
    lacking->fs = want->fs & ~s.fs;
    lacking->net = want->net & ~s.net;
    lacking->scope = want->scope & ~s.scope;
    /* ABI 1 already denies every reparenting: losing REFER loses nothing. */
    if (abi == 1)
        lacking->fs &= ~STK_LL_FS_REFER;
}

bool stk_ll_empty(const struct stk_ll_access *a)
{
    return !a->fs && !a->net && !a->scope;
}

const char *stk_ll_describe(const struct stk_ll_access *a, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (n < len) {                                                                             \
            int w_ = snprintf(buf + n, len - n, "%s", n ? ", " : "");                              \
            if (w_ > 0)                                                                            \
                n += (size_t)w_;                                                                   \
        }                                                                                          \
        if (n < len) {                                                                             \
            int w_ = snprintf(buf + n, len - n, __VA_ARGS__);                                      \
            if (w_ > 0)                                                                            \
                n += (size_t)w_;                                                                   \
        }                                                                                          \
    } while (0)
    for (size_t i = 0; i < NFS; i++)
        if (a->fs & fs_rights[i].bit)
            ADD("%s (ABI %d)", fs_rights[i].name, fs_rights[i].abi);
    if (a->net & STK_LL_NET_BIND_TCP)
        ADD("bind tcp (ABI 4)");
    if (a->net & STK_LL_NET_CONNECT_TCP)
        ADD("connect tcp (ABI 4)");
    if (a->scope & STK_LL_SCOPE_SIGNAL)
        ADD("scope signal (ABI 6)");
    if (a->scope & STK_LL_SCOPE_ABSTRACT_UNIX)
        ADD("scope abstract-unix (ABI 6)");
#undef ADD
    return buf;
}

int stk_ll_min_abi(const struct stk_ll_access *a)
{
    int abi = 0;
    for (size_t i = 0; i < NFS; i++)
        if ((a->fs & fs_rights[i].bit) && fs_rights[i].abi > abi)
            abi = fs_rights[i].abi;
    if (a->net && abi < 4)
        abi = 4;
    if (a->scope && abi < 6)
        abi = 6;
    return abi;
}
