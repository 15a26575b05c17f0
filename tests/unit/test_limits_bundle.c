/* test_limits_bundle — the landlock and cgroup records (issue 5): round trips
 * from policies through the writer and the reader, the dry-run lines, every
 * way the reader rejects a malformed record, and the Landlock ABI
 * computation (what a kernel of ABI 0..7 keeps of a policy, and what it
 * lacks), with injected ABI numbers. */
#include <stdio.h>
#include <string.h>

#include "bundle/bundle.h"
#include "bundle/bundle_write.h"
#include "landlock_rights.h"
#include "lib/bundle_harness.h"
#include "testlib.h"

/* ---- helpers ---------------------------------------------------------------- */

/* Records under construction. */
static unsigned char recs[8192];
static size_t rlen;
static uint32_t nrec;

static void start(void)
{
    rlen = 0;
    nrec = 0;
}

/* A record's header now, its payload at the pointer returned, its length at end(). */
static unsigned char *begin(uint16_t type)
{
    bh_rec(recs + rlen, type, NULL, 0);
    nrec++;
    return recs + rlen + STK_BUNDLE_REC_HEADER_LEN;
}

static void end(size_t plen)
{
    bh_put_le(recs + rlen + 4, plen, 4);
    rlen += STK_BUNDLE_REC_HEADER_LEN + plen;
}

static void ll_header(uint8_t compat, uint64_t fs, uint64_t net, uint64_t scope)
{
    unsigned char *p = begin(STK_REC_LANDLOCK);
    memset(p, 0, 32);
    p[0] = compat;
    bh_put_le(p + 8, fs, 8);
    bh_put_le(p + 16, net, 8);
    bh_put_le(p + 24, scope, 8);
    end(32);
}

static void ll_path(uint64_t access, const char *path)
{
    unsigned char *p = begin(STK_REC_LANDLOCK_PATH);
    size_t n = strlen(path);
    bh_put_le(p, access, 8);
    bh_put_le(p + 8, n, 4);
    memcpy(p + 12, path, n + 1);
    end(12 + n + 1);
}

static void ll_port(uint64_t access, uint64_t port)
{
    unsigned char *p = begin(STK_REC_LANDLOCK_PORT);
    bh_put_le(p, access, 8);
    bh_put_le(p + 8, port, 8);
    end(16);
}

static void cg_header(uint32_t flags)
{
    unsigned char *p = begin(STK_REC_CGROUP);
    bh_put_le(p, flags, 4);
    end(4);
}

static void cg_limit(uint32_t key, uint64_t v, uint64_t v2)
{
    unsigned char *p = begin(STK_REC_CGROUP_LIMIT);
    bh_put_le(p, key, 4);
    bh_put_le(p + 4, 0, 4);
    bh_put_le(p + 8, v, 8);
    bh_put_le(p + 16, v2, 8);
    end(24);
}

static unsigned char bundle[9000];

/* Read the records built so far: 0 accepted (b kept in *out if given), -1 rejected. */
static int read_recs(struct stk_bundle **out)
{
    size_t len = bh_craft(bundle, STK_BUNDLE_VERSION, recs, rlen, nrec);
    int r = bh_read(bundle, len, out);
    CHECK_MSG(r != -2, "bad rejection: %s", bh_msg);
    return r;
}

#define REJECTS(needle)                                                                            \
    do {                                                                                           \
        CHECK_MSG(read_recs(NULL) < 0, "accepted, expected a rejection containing \"%s\"", needle); \
        CHECK_CONTAINS(bh_msg, needle);                                                          \
    } while (0)
#define ACCEPTS() CHECK_MSG(read_recs(NULL) == 0, "rejected: %s", bh_msg)

/* Compile a policy text and read its bundle back. */
static struct stk_bundle *roundtrip(const char *text)
{
    struct stk_bundle *b = bh_roundtrip(text, false);
    CHECK_MSG(b != NULL, "%s", bh_msg);
    return b;
}

static char *print_dry(const struct stk_bundle *b)
{
    static char text[8192];
    FILE *f = fmemopen(text, sizeof text, "w");
    CHECK(f);
    stk_bundle_print(b, NULL, f);
    fclose(f);
    return text;
}

/* ---- round trips ------------------------------------------------------------------- */

TEST(roundtrip_landlock)
{
    struct stk_bundle *b = roundtrip("policy p {\n    landlock {\n        read /usr, /etc\n        execute /usr/bin\n"
                                     "        write /tmp\n        bind tcp 8080\n        connect tcp 5432\n"
                                     "        scope signal\n        compat best-effort\n    }\n}\n");
    const struct stk_bundle_landlock *l = &b->landlock;
    bool ok = l->present && l->compat == STK_LL_BEST_EFFORT && l->handled.fs == STK_LL_FS_ALL &&
              l->handled.net == STK_LL_NET_ALL && l->handled.scope == STK_LL_SCOPE_SIGNAL && l->npaths == 4 &&
              l->nports == 2 && strcmp(l->paths[0].path, "/usr") == 0 && l->paths[0].access == STK_LL_READ &&
              l->paths[3].access == STK_LL_WRITE && l->ports[0].port == 8080 &&
              l->ports[0].access == STK_LL_NET_BIND_TCP && l->ports[1].access == STK_LL_NET_CONNECT_TCP;
    char *text = print_dry(b);
    stk_bundle_free(b);
    CHECK(ok);
    CHECK_CONTAINS(text, ". landlock (compat best-effort; needs ABI 6, rights the kernel lacks are dropped and "
                         "reported): filesystem handled: every right; allowed: /usr read, /etc read, /usr/bin "
                         "execute, /tmp write; tcp handled; allowed: bind 8080, connect 5432; scoped: signal;");
    /* Landlock comes after no_new_privs and before seccomp */
    CHECK(strstr(text, "no_new_privs") < strstr(text, "landlock ("));
    CHECK(strstr(text, "landlock (") < strstr(text, "seccomp:"));
}

TEST(roundtrip_cgroup)
{
    struct stk_bundle *b = roundtrip("policy web {\n    cgroup {\n        memory.max 256M\n        memory.swap.max 0\n"
                                     "        pids.max 128\n        cpu.max 50%\n        cpu.weight 100\n"
                                     "        io.weight 300\n    }\n}\n");
    const struct stk_bundle_cgroup *g = &b->cgroup;
    bool ok = g->present && g->lim[STK_CG_MEMORY_MAX].value == 256ull << 20 && g->lim[STK_CG_MEMORY_SWAP_MAX].set &&
              g->lim[STK_CG_MEMORY_SWAP_MAX].value == 0 && g->lim[STK_CG_PIDS_MAX].value == 128 &&
              g->lim[STK_CG_CPU_MAX].value == 50000 && g->lim[STK_CG_CPU_MAX].value2 == 100000 &&
              g->lim[STK_CG_CPU_WEIGHT].value == 100 && g->lim[STK_CG_IO_WEIGHT].value == 300;
    char *text = print_dry(b);
    stk_bundle_free(b);
    CHECK(ok);
    CHECK_CONTAINS(text, ". cgroup: a new leaf stockade/web-PID (cgroup v2 if its controllers are there, else v1): "
                         "memory.max 268435456, memory.swap.max 0, pids.max 128, cpu.max 50000 100000, cpu.weight "
                         "100, io.weight 300; the command starts in it");
}

TEST(roundtrip_absent_parts)
{
    struct stk_bundle *b = roundtrip("policy p {\n}\n");
    bool absent = !b->landlock.present && !b->cgroup.present && b->nunenforced == 0;
    char *text = print_dry(b);
    stk_bundle_free(b);
    CHECK(absent);
    CHECK(strstr(text, "landlock") == NULL);
    CHECK(strstr(text, "cgroup") == NULL);
}

TEST(roundtrip_cgroup_max_values)
{
    struct stk_bundle *b = roundtrip("policy p {\n    cgroup {\n        memory.max max\n        cpu.max max\n    }\n}\n");
    bool ok = b->cgroup.lim[STK_CG_MEMORY_MAX].value == STK_CG_MAX && b->cgroup.lim[STK_CG_CPU_MAX].value == STK_CG_MAX &&
              b->cgroup.lim[STK_CG_CPU_MAX].value2 == STK_CG_PERIOD_DEFAULT;
    char *text = print_dry(b);
    stk_bundle_free(b);
    CHECK(ok);
    CHECK_CONTAINS(text, "memory.max max, cpu.max max 100000;");
}

/* ---- the reader: landlock ------------------------------------------------------------- */

TEST(landlock_records_accepted)
{
    start();
    ll_header(0, STK_LL_FS_ALL, STK_LL_NET_ALL, STK_LL_SCOPE_ALL);
    ll_path(STK_LL_READ, "/usr");
    ll_path(STK_LL_WRITE, "/tmp");
    ll_port(STK_LL_NET_BIND_TCP, 0);
    ll_port(STK_LL_NET_ALL, 65535);
    ACCEPTS();
    start();
    ll_header(1, 0, 0, STK_LL_SCOPE_SIGNAL); /* scopes only */
    ACCEPTS();
}

TEST(landlock_header_rejected)
{
    start();
    ll_header(2, STK_LL_FS_ALL, 0, 0);
    REJECTS("landlock: unknown compat mode 2");
    start();
    ll_header(0, STK_LL_FS_ALL | (1ull << 16), 0, 0);
    REJECTS("landlock: unknown filesystem rights 0x10000");
    start();
    ll_header(0, 0, 4, 0);
    REJECTS("landlock: unknown network rights 0x4");
    start();
    ll_header(0, 0, 0, 4);
    REJECTS("landlock: unknown scopes 0x4");
    start();
    ll_header(0, 0, 0, 0);
    REJECTS("landlock: the record restricts nothing");
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    REJECTS("duplicate record of type 0x0140");
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    recs[8 + 3] = 1; /* a reserved byte */
    REJECTS("landlock record: reserved byte is not zero");
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    bh_put_le(recs + 4, 31, 4); /* one byte short */
    rlen--;
    REJECTS("truncated landlock record");
}

TEST(landlock_paths_rejected)
{
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    ll_path(0, "/usr");
    REJECTS("landlock path rule /usr: invalid rights 0x0");
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    ll_path(1ull << 20, "/usr");
    REJECTS("invalid rights 0x100000");
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    ll_path(STK_LL_READ, "usr/lib");
    REJECTS("landlock path rule \"usr/lib\" is not an absolute path");
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    ll_path(STK_LL_READ, "");
    REJECTS("landlock path: empty string");
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    ll_path(STK_LL_READ, "/usr");
    ll_path(STK_LL_WRITE, "/tmp");
    ll_path(STK_LL_EXECUTE, "/usr");
    REJECTS("duplicate landlock path rule /usr");
    start();
    ll_header(0, STK_LL_READ, 0, 0);
    ll_path(STK_LL_WRITE, "/tmp");
    REJECTS("landlock path rule /tmp allows rights the ruleset does not handle");
    start();
    ll_path(STK_LL_READ, "/usr");
    REJECTS("landlock rules without a landlock record");
    /* a NUL inside the path */
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    ll_path(STK_LL_READ, "/usr/x");
    recs[rlen - 3] = '\0';
    REJECTS("landlock path: string contains a NUL byte");
    /* over the path length limit */
    static char longp[STK_BUNDLE_MAX_PATH + 2];
    memset(longp, 'a', sizeof longp - 1);
    longp[0] = '/';
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    ll_path(STK_LL_READ, longp);
    REJECTS("exceeds the limit of 4095");
}

TEST(landlock_ports_rejected)
{
    start();
    ll_header(0, 0, STK_LL_NET_ALL, 0);
    ll_port(STK_LL_NET_BIND_TCP, 65536);
    REJECTS("landlock port rule: port 65536 is out of range");
    start();
    ll_header(0, 0, STK_LL_NET_ALL, 0);
    ll_port(0, 80);
    REJECTS("landlock port rule 80: invalid rights 0x0");
    start();
    ll_header(0, 0, STK_LL_NET_ALL, 0);
    ll_port(8, 80);
    REJECTS("landlock port rule 80: invalid rights 0x8");
    start();
    ll_header(0, 0, STK_LL_NET_ALL, 0);
    ll_port(STK_LL_NET_BIND_TCP, 80);
    ll_port(STK_LL_NET_CONNECT_TCP, 80);
    REJECTS("duplicate landlock port rule 80");
    start();
    ll_header(0, STK_LL_FS_ALL, 0, 0);
    ll_port(STK_LL_NET_BIND_TCP, 80);
    REJECTS("landlock port rule 80 allows rights the ruleset does not handle");
    start();
    ll_port(STK_LL_NET_BIND_TCP, 80);
    REJECTS("landlock rules without a landlock record");
    start();
    begin(0x0143);
    end(0);
    REJECTS("unknown record type 0x0143");
}

/* ---- the reader: cgroup ---------------------------------------------------------------- */

TEST(cgroup_records_accepted)
{
    start();
    cg_header(0);
    cg_limit(STK_CG_MEMORY_MAX, 1, 0);
    cg_limit(STK_CG_MEMORY_SWAP_MAX, 0, 0);
    cg_limit(STK_CG_PIDS_MAX, STK_CG_PIDS_LIMIT, 0);
    cg_limit(STK_CG_CPU_MAX, STK_CG_MAX, STK_CG_PERIOD_MAX);
    cg_limit(STK_CG_CPU_WEIGHT, 1, 0);
    cg_limit(STK_CG_IO_WEIGHT, 10000, 0);
    ACCEPTS();
    start();
    cg_header(0); /* a leaf without limits */
    ACCEPTS();
}

TEST(cgroup_records_rejected)
{
    start();
    cg_header(1);
    REJECTS("cgroup record: reserved byte is not zero");
    start();
    cg_header(0);
    cg_header(0);
    REJECTS("duplicate record of type 0x0160");
    start();
    cg_limit(STK_CG_PIDS_MAX, 10, 0);
    REJECTS("cgroup limit pids.max without a cgroup record");
    start();
    cg_header(0);
    cg_limit(STK_CG_NKEYS, 1, 0);
    REJECTS("unknown cgroup limit 6");
    start();
    cg_header(0);
    cg_limit(STK_CG_PIDS_MAX, 10, 0);
    cg_limit(STK_CG_PIDS_MAX, 20, 0);
    REJECTS("duplicate cgroup limit pids.max");
    start();
    begin(0x0162);
    end(0);
    REJECTS("unknown record type 0x0162");
    start();
    cg_header(0);
    unsigned char *p = begin(STK_REC_CGROUP_LIMIT);
    memset(p, 0, 24);
    p[5] = 1; /* reserved */
    end(24);
    REJECTS("cgroup limit: reserved byte is not zero");
}

TEST(cgroup_ranges_rejected)
{
    static const struct {
        unsigned key;
        uint64_t v, v2;
        const char *why;
    } bad[] = {
        {STK_CG_MEMORY_MAX, 0, 0, "memory.max 0 0: out of range"},
        {STK_CG_MEMORY_MAX, STK_CG_MEM_LIMIT + 1, 0, "out of range"},
        {STK_CG_MEMORY_MAX, 1, 5, "a second value is given"},
        {STK_CG_MEMORY_SWAP_MAX, STK_CG_MEM_LIMIT + 1, 0, "memory.swap.max"},
        {STK_CG_PIDS_MAX, 0, 0, "pids.max 0 0: out of range"},
        {STK_CG_PIDS_MAX, STK_CG_PIDS_LIMIT + 1, 0, "out of range"},
        {STK_CG_CPU_MAX, 999, 100000, "quota out of range"},
        {STK_CG_CPU_MAX, STK_CG_QUOTA_LIMIT + 1, 100000, "quota out of range"},
        {STK_CG_CPU_MAX, 50000, 0, "period out of range"},
        {STK_CG_CPU_MAX, STK_CG_MAX, STK_CG_PERIOD_MAX + 1, "period out of range"},
        {STK_CG_CPU_WEIGHT, 0, 0, "cpu.weight 0 0: out of range"},
        {STK_CG_CPU_WEIGHT, STK_CG_MAX, 0, "out of range"},
        {STK_CG_IO_WEIGHT, 10001, 0, "io.weight 10001 0: out of range"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        start();
        cg_header(0);
        cg_limit(bad[i].key, bad[i].v, bad[i].v2);
        CHECK_MSG(read_recs(NULL) < 0, "case %zu accepted", i);
        CHECK_CONTAINS(bh_msg, bad[i].why);
    }
}

/* Every truncation of a valid landlock + cgroup bundle is rejected. */
TEST(truncations_rejected)
{
    start();
    ll_header(0, STK_LL_FS_ALL, STK_LL_NET_ALL, 0);
    ll_path(STK_LL_READ, "/usr");
    ll_port(STK_LL_NET_BIND_TCP, 80);
    cg_header(0);
    cg_limit(STK_CG_PIDS_MAX, 5, 0);
    size_t full = rlen;
    for (size_t cut = 1; cut < full; cut++) {
        size_t len = bh_craft(bundle, STK_BUNDLE_VERSION, recs, full - cut, nrec);
        CHECK_MSG(bh_read(bundle, len, NULL) < 0, "accepted with %zu bytes cut", cut);
    }
}

/* ---- Landlock: what each ABI keeps ------------------------------------------------------- */

TEST(abi_supports)
{
    CHECK(stk_ll_empty(&(struct stk_ll_access){stk_ll_abi_supports(0).fs, stk_ll_abi_supports(0).net,
                                                 stk_ll_abi_supports(0).scope}));
    CHECK_U64(stk_ll_abi_supports(1).fs, (1ull << 13) - 1);
    CHECK_U64(stk_ll_abi_supports(2).fs, (1ull << 14) - 1);
    CHECK_U64(stk_ll_abi_supports(3).fs, (1ull << 15) - 1);
    CHECK_U64(stk_ll_abi_supports(4).fs, (1ull << 15) - 1);
    CHECK_U64(stk_ll_abi_supports(3).net, 0);
    CHECK_U64(stk_ll_abi_supports(4).net, STK_LL_NET_ALL);
    CHECK_U64(stk_ll_abi_supports(5).fs, STK_LL_FS_ALL);
    CHECK_U64(stk_ll_abi_supports(5).scope, 0);
    CHECK_U64(stk_ll_abi_supports(6).scope, STK_LL_SCOPE_ALL);
    struct stk_ll_access a7 = stk_ll_abi_supports(7), a99 = stk_ll_abi_supports(99);
    CHECK(a7.fs == STK_LL_FS_ALL && a7.net == STK_LL_NET_ALL && a7.scope == STK_LL_SCOPE_ALL);
    CHECK(a99.fs == a7.fs && a99.net == a7.net && a99.scope == a7.scope);
}

TEST(abi_compute_drops)
{
    struct stk_ll_access want = {STK_LL_FS_ALL, STK_LL_NET_ALL, STK_LL_SCOPE_ALL}, keep, lack;
    char buf[512];
    /* Debian 12's kernel (6.1): ABI 2 */
    stk_ll_compute(&want, 2, &keep, &lack);
    CHECK_U64(keep.fs, (1ull << 14) - 1);
    CHECK_U64(keep.net, 0);
    CHECK_U64(keep.scope, 0);
    CHECK_U64(lack.fs, STK_LL_FS_TRUNCATE | STK_LL_FS_IOCTL_DEV);
    CHECK_U64(lack.net, STK_LL_NET_ALL);
    CHECK_U64(lack.scope, STK_LL_SCOPE_ALL);
    CHECK_STR(stk_ll_describe(&lack, buf, sizeof buf),
              "truncate (ABI 3), ioctl-dev (ABI 5), bind tcp (ABI 4), connect tcp (ABI 4), scope signal (ABI 6), "
              "scope abstract-unix (ABI 6)");
    /* ABI 1: refer is not handled, and that loses nothing (ABI 1 refuses reparenting anyway) */
    stk_ll_compute(&want, 1, &keep, &lack);
    CHECK(!(keep.fs & STK_LL_FS_REFER));
    CHECK(!(lack.fs & STK_LL_FS_REFER));
    CHECK_U64(lack.fs, STK_LL_FS_TRUNCATE | STK_LL_FS_IOCTL_DEV);
    /* ABI 4: the network, no ioctl-dev, no scopes */
    stk_ll_compute(&want, 4, &keep, &lack);
    CHECK_U64(keep.net, STK_LL_NET_ALL);
    CHECK_U64(lack.fs, STK_LL_FS_IOCTL_DEV);
    CHECK_U64(lack.scope, STK_LL_SCOPE_ALL);
    /* ABI 6 and 7: everything */
    for (int abi = 6; abi <= 7; abi++) {
        stk_ll_compute(&want, abi, &keep, &lack);
        CHECK(stk_ll_empty(&lack));
        CHECK(keep.fs == want.fs && keep.net == want.net && keep.scope == want.scope);
    }
    /* no Landlock: nothing kept, everything lacking */
    stk_ll_compute(&want, 0, &keep, &lack);
    CHECK(stk_ll_empty(&keep));
    CHECK(lack.fs == want.fs && lack.net == want.net && lack.scope == want.scope);
    /* a policy within ABI 2 loses nothing on ABI 2 */
    struct stk_ll_access small = {STK_LL_READ | STK_LL_EXECUTE | STK_LL_FS_MAKE_REG, 0, 0};
    stk_ll_compute(&small, 2, &keep, &lack);
    CHECK(stk_ll_empty(&lack));
    CHECK_U64(keep.fs, small.fs);
}

TEST(abi_minimum)
{
    CHECK_INT(stk_ll_min_abi(&(struct stk_ll_access){STK_LL_READ, 0, 0}), 1);
    CHECK_INT(stk_ll_min_abi(&(struct stk_ll_access){STK_LL_WRITE & ~STK_LL_FS_IOCTL_DEV & ~STK_LL_FS_TRUNCATE, 0, 0}), 2);
    CHECK_INT(stk_ll_min_abi(&(struct stk_ll_access){STK_LL_FS_TRUNCATE, 0, 0}), 3);
    CHECK_INT(stk_ll_min_abi(&(struct stk_ll_access){0, STK_LL_NET_BIND_TCP, 0}), 4);
    CHECK_INT(stk_ll_min_abi(&(struct stk_ll_access){STK_LL_FS_ALL, 0, 0}), 5);
    CHECK_INT(stk_ll_min_abi(&(struct stk_ll_access){0, 0, STK_LL_SCOPE_SIGNAL}), 6);
}

TEST(rights_names)
{
    CHECK_STR(stk_ll_fs_name(STK_LL_FS_MAKE_REG), "make-reg");
    CHECK_U64(stk_ll_fs_by_name("ioctl-dev"), STK_LL_FS_IOCTL_DEV);
    CHECK_U64(stk_ll_fs_by_name("execute-file"), STK_LL_FS_EXECUTE);
    CHECK_U64(stk_ll_fs_by_name("read"), 0);
    CHECK_INT(stk_ll_fs_abi(STK_LL_FS_REFER), 2);
    CHECK(stk_ll_fs_name(1ull << 16) == NULL);
    const char *names[32];
    CHECK_INT(stk_ll_fs_names(names, 32), 16);
}

int main(void)
{
    RUN(roundtrip_landlock);
    RUN(roundtrip_cgroup);
    RUN(roundtrip_absent_parts);
    RUN(roundtrip_cgroup_max_values);
    RUN(landlock_records_accepted);
    RUN(landlock_header_rejected);
    RUN(landlock_paths_rejected);
    RUN(landlock_ports_rejected);
    RUN(cgroup_records_accepted);
    RUN(cgroup_records_rejected);
    RUN(cgroup_ranges_rejected);
    RUN(truncations_rejected);
    RUN(abi_supports);
    RUN(abi_compute_drops);
    RUN(abi_minimum);
    RUN(rights_names);
    return test_summary();
}
