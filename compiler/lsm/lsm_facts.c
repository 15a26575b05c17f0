/* lsm_facts.c — what a compiled policy implies for the LSM generators
 * (emit_lsm.h): kept capabilities, the sockets seccomp lets it create, and
 * the files the landlock/filesystem statements let it reach. */
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/socket.h>

#include "lsm/emit_lsm.h"
#include "seccomp/ref_eval.h"

/* AppArmor's family names (apparmor.d(5) "network" rules), by AF_ number. */
static const char *const af_names[STK_LSM_AF_MAX] = {
    [AF_UNIX] = "unix",         [AF_INET] = "inet",         [AF_AX25] = "ax25",
    [AF_IPX] = "ipx",           [AF_APPLETALK] = "appletalk", [AF_NETROM] = "netrom",
    [AF_BRIDGE] = "bridge",     [AF_ATMPVC] = "atmpvc",     [AF_X25] = "x25",
    [AF_INET6] = "inet6",       [AF_ROSE] = "rose",         [AF_NETBEUI] = "netbeui",
    [AF_SECURITY] = "security", [AF_KEY] = "key",           [AF_NETLINK] = "netlink",
    [AF_PACKET] = "packet",     [AF_ASH] = "ash",           [AF_ECONET] = "econet",
    [AF_ATMSVC] = "atmsvc",     [AF_RDS] = "rds",           [AF_SNA] = "sna",
    [AF_IRDA] = "irda",         [AF_PPPOX] = "pppox",       [AF_WANPIPE] = "wanpipe",
    [AF_LLC] = "llc",           [AF_IB] = "ib",             [AF_MPLS] = "mpls",
    [AF_CAN] = "can",           [AF_TIPC] = "tipc",         [AF_BLUETOOTH] = "bluetooth",
    [AF_IUCV] = "iucv",         [AF_RXRPC] = "rxrpc",       [AF_ISDN] = "isdn",
    [AF_PHONET] = "phonet",     [AF_IEEE802154] = "ieee802154", [AF_CAIF] = "caif",
    [AF_ALG] = "alg",           [AF_NFC] = "nfc",           [AF_VSOCK] = "vsock",
    [AF_KCM] = "kcm",           [AF_QIPCRTR] = "qipcrtr",   [AF_SMC] = "smc",
    [AF_XDP] = "xdp",
};

const char *stk_lsm_facts_af_name(unsigned af)
{
    return af < STK_LSM_AF_MAX ? af_names[af] : NULL;
}

bool stk_lsm_facts_cap_name(uint64_t caps, int c, char *buf, size_t n)
{
    if (c < 0 || c > CAP_LAST_CAP || c >= 64 || !((caps >> c) & 1))
        return false;
    char *name = cap_to_name((cap_value_t)c);
    if (!name)
        return false;
    snprintf(buf, n, "%s", strncmp(name, "cap_", 4) == 0 ? name + 4 : name);
    cap_free(name);
    return true;
}

void stk_lsm_facts_add_path(struct stk_lsm_facts *f, const char *path, unsigned access)
{
    for (size_t i = 0; i < f->npaths; i++) {
        if (strcmp(f->paths[i].path, path) == 0) {
            f->paths[i].access |= access;
            return;
        }
    }
    struct stk_lsm_path p = {stk_xstrdup(path), access};
    STK_PUSH(f->paths, f->npaths, f->cappaths, p);
}

/* Whether seccomp lets the command call socket(family, type, 0) (allow or
 * log, with or without SOCK_CLOEXEC/SOCK_NONBLOCK). */
static bool socket_allowed(const struct stk_policy_ir *ir, int sc, unsigned family, unsigned type)
{
    enum stk_abi abi = stk_native_abi();
    int64_t nr = stk_syscall_nr(sc, abi);
    if (nr < 0)
        return false;
    static const unsigned flags[] = {0, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_CLOEXEC | SOCK_NONBLOCK};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        struct seccomp_data d = {.nr = (int)nr, .arch = stk_abis[abi].audit_arch};
        d.args[0] = family;
        d.args[1] = type | flags[i];
        uint32_t ret = stk_ref_decide(ir, &d) & SECCOMP_RET_ACTION_FULL;
        if (ret == SECCOMP_RET_ALLOW || ret == SECCOMP_RET_LOG)
            return true;
    }
    return false;
}

static void network_facts(const struct stk_policy_ir *ir, struct stk_lsm_facts *f)
{
    int sc = stk_syscall_lookup("socket");
    if (sc < 0)
        return;
    static const struct {
        unsigned type, bit;
    } types[] = {{SOCK_STREAM, STK_LSM_SOCK_STREAM},
                 {SOCK_DGRAM, STK_LSM_SOCK_DGRAM},
                 {SOCK_RAW, STK_LSM_SOCK_RAW},
                 {SOCK_SEQPACKET, STK_LSM_SOCK_SEQPACKET}};
    bool all = true;
    for (unsigned af = 1; af < STK_LSM_AF_MAX; af++) {
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
            if (socket_allowed(ir, sc, af, types[t].type))
                f->af_types[af] |= types[t].bit;
        if (af_names[af] && f->af_types[af] != STK_LSM_SOCK_ALL)
            all = false;
    }
    f->net_all = all;
}

/* ---- file rules ------------------------------------------------------------------
 * From the landlock block: when it restricts the filesystem, each of its path
 * rules becomes a rule of the profile for the path and everything beneath it
 * (STK_LSM_READ for read-file/read-dir, STK_LSM_WRITE for the modifying
 * rights, STK_LSM_EXEC for execute), and nothing else is allowed.  While the
 * policy restricts no paths, the generated profile allows every file (`file,`)
 * apart from its fixed kernel-interface denials. */
static void path_facts(const struct stk_policy_ir *ir, struct stk_lsm_facts *f)
{
    const struct stk_landlock_ir *ll = &ir->landlock;
    if (!ll->present || !ll->handled.fs)
        return; /* Landlock leaves files alone: so does the profile */
    f->paths_known = true;
    const uint64_t read = STK_LL_FS_READ_FILE | STK_LL_FS_READ_DIR;
    const uint64_t write = STK_LL_FS_ALL & ~(read | STK_LL_FS_EXECUTE);
    for (size_t i = 0; i < ll->npaths; i++) {
        const struct stk_landlock_path *lp = &ll->paths[i];
        unsigned access = STK_LSM_TREE; /* Landlock rules hold beneath their path */
        if (lp->access & read)
            access |= STK_LSM_READ;
        if (lp->access & write)
            access |= STK_LSM_WRITE;
        if (lp->access & STK_LL_FS_EXECUTE)
            access |= STK_LSM_EXEC;
        stk_lsm_facts_add_path(f, lp->path, access);
    }
}

void stk_lsm_facts(const struct stk_policy_ir *ir, struct stk_lsm_facts *f)
{
    memset(f, 0, sizeof *f);
    switch (ir->caps_mode) {
    case STK_CAPS_NONE: f->caps = 0; break;
    case STK_CAPS_ALL:
        f->caps = CAP_LAST_CAP >= 63 ? ~0ull : (1ull << (CAP_LAST_CAP + 1)) - 1;
        break;
    case STK_CAPS_KEEP: f->caps = ir->caps_keep; break;
    }
    network_facts(ir, f);
    path_facts(ir, f);
}

void stk_lsm_facts_free(struct stk_lsm_facts *f)
{
    for (size_t i = 0; i < f->npaths; i++)
        free(f->paths[i].path);
    free(f->paths);
    memset(f, 0, sizeof *f);
}
