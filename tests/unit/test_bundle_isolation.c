/* test_bundle_isolation.c — the isolation records: policies compiled and
 * written, read back and printed (dry run); and every malformed record the
 * reader must reject before anything is applied. */
#include <stddef.h>

#include "bundle/bundle.h"
#include "bundle/bundle_write.h"
#include "diag.h"
#include "lib/bundle_harness.h"
#include "pipeline.h"
#include "testlib.h"

/* ---- helpers --------------------------------------------------------------- */

static struct stk_bundle *read_policy(const char *text)
{
    struct stk_bundle *b = bh_roundtrip(text, false);
    CHECK_MSG(b != NULL, "%s", bh_msg);
    return b;
}

static char *print_of(const struct stk_bundle *b)
{
    static char text[8192];
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(f);
    char *argv[] = {"/bin/true", NULL};
    stk_bundle_print(b, argv, f);
    fclose(f);
    snprintf(text, sizeof text, "%s", out);
    free(out);
    return text;
}

/* Raw records appended to a bundle under construction. */
struct raw {
    unsigned char d[65536];
    size_t len;
    uint32_t nrec;
    size_t rec_at;
};

static void raw_init(struct raw *r)
{
    memset(r, 0, sizeof *r);
    r->len = STK_BUNDLE_HEADER_LEN;
}

static void r_bytes(struct raw *r, const void *p, size_t n)
{
    CHECK(r->len + n <= sizeof r->d);
    memcpy(r->d + r->len, p, n);
    r->len += n;
}

static void r_le(struct raw *r, uint64_t v, int n)
{
    unsigned char b[8];
    bh_put_le(b, v, n);
    r_bytes(r, b, (size_t)n);
}

static void r_str(struct raw *r, const char *s)
{
    r_le(r, strlen(s), 4);
    r_bytes(r, s, strlen(s) + 1);
}

static void r_begin(struct raw *r, uint16_t type)
{
    r->rec_at = r->len;
    r_le(r, type, 2);
    r_le(r, 0, 2);
    r_le(r, 0, 4);
}

static void r_end(struct raw *r)
{
    bh_put_le(r->d + r->rec_at + 4, r->len - r->rec_at - STK_BUNDLE_REC_HEADER_LEN, 4);
    r->nrec++;
}

/* the last record grew after r_end: its length again */
static void r_end_again(struct raw *r)
{
    bh_put_le(r->d + r->rec_at + 4, r->len - r->rec_at - STK_BUNDLE_REC_HEADER_LEN, 4);
}

static void r_ns(struct raw *r, uint32_t ns, uint32_t flags)
{
    r_begin(r, STK_REC_NAMESPACES);
    r_le(r, ns, 4);
    r_le(r, flags, 4);
    r_end(r);
}

static void r_fs(struct raw *r, const char *root)
{
    r_begin(r, STK_REC_FILESYSTEM);
    r_str(r, root);
    r_end(r);
}

static void r_mount(struct raw *r, uint8_t kind, uint8_t flags, uint16_t zero, uint32_t mode, uint64_t size,
                    const char *src, const char *path)
{
    r_begin(r, STK_REC_MOUNT);
    r_le(r, kind, 1);
    r_le(r, flags, 1);
    r_le(r, zero, 2);
    r_le(r, mode, 4);
    r_le(r, size, 8);
    r_str(r, src);
    r_str(r, path);
    r_end(r);
}

/* a map record that says n lines and holds the first `have` of lines */
static void r_map_n(struct raw *r, uint16_t type, uint32_t n, const uint32_t (*lines)[4], uint32_t have)
{
    r_begin(r, type);
    r_le(r, n, 4);
    for (uint32_t i = 0; i < have; i++)
        for (int k = 0; k < 4; k++)
            r_le(r, lines[i][k], 4);
    r_end(r);
}

static void r_map(struct raw *r, uint16_t type, uint32_t n, const uint32_t (*lines)[4])
{
    r_map_n(r, type, n, lines, lines ? n : 0);
}

/* Finish the header (length, count, CRC) and read. */
static int raw_read(struct raw *r, struct stk_bundle **out)
{
    bh_seal(r->d, r->len, STK_BUNDLE_VERSION, r->nrec);
    int rc = bh_read(r->d, r->len, out);
    CHECK_MSG(rc != -2, "bad rejection: %s", bh_msg);
    return rc;
}

#define REJECTS(r, needle)                                                                         \
    do {                                                                                           \
        struct stk_bundle *rj_b;                                                                   \
        CHECK_MSG(raw_read((r), &rj_b) < 0, "accepted, expected a rejection containing \"%s\"", (needle)); \
        CHECK_CONTAINS(bh_msg, (needle));                                                        \
    } while (0)

#define ACCEPTS(r)                                                                                 \
    do {                                                                                           \
        struct stk_bundle *ac_b;                                                                   \
        CHECK_MSG(raw_read((r), &ac_b) == 0, "rejected: %s", bh_msg);                            \
        stk_bundle_free(ac_b);                                                                     \
    } while (0)

/* ---- round trips ---------------------------------------------------------- */

TEST(roundtrip_isolation)
{
    struct stk_bundle *b = read_policy("policy p {\n"
                                       "    namespaces pid init none, mount, ipc, uts, net, user, cgroup\n"
                                       "    hostname sandbox\n"
                                       "    uidmap 0 caller 1, 1 100000 1000\n"
                                       "    filesystem {\n"
                                       "        root /srv/jail\n"
                                       "        readonly /\n"
                                       "        bind /var/www /var/www readonly\n"
                                       "        tmpfs /tmp size 64M mode 1777\n"
                                       "        proc /proc\n"
                                       "        dev minimal\n"
                                       "        mask /proc/kcore, /sys/firmware\n"
                                       "    }\n"
                                       "}\n");
    const struct stk_bundle_isolation *x = &b->iso;
    CHECK(x->present);
    CHECK_INT(x->ns, STK_BNS_ALL);
    CHECK(x->init_none);
    CHECK_STR(x->hostname, "sandbox");
    CHECK_INT(x->nuidmap, 2);
    CHECK(x->uidmap[0].outside_caller);
    CHECK_INT(x->uidmap[0].outside, 0);
    CHECK_INT(x->uidmap[1].inside, 1);
    CHECK_INT(x->uidmap[1].outside, 100000);
    CHECK_INT(x->uidmap[1].count, 1000);
    CHECK(x->gidmap == NULL);
    CHECK(x->fs);
    CHECK_STR(x->root, "/srv/jail");
    CHECK_INT(x->nmounts, 7);
    CHECK_INT(x->mounts[0].kind, STK_BFS_READONLY);
    CHECK_STR(x->mounts[0].path, "/");
    CHECK_INT(x->mounts[1].kind, STK_BFS_TMPFS);
    CHECK_U64(x->mounts[1].size, 64ull << 20);
    CHECK(x->mounts[1].mode_set);
    CHECK_INT(x->mounts[1].mode, 01777);
    CHECK(x->mounts[1].src == NULL);
    CHECK_INT(x->mounts[4].kind, STK_BFS_BIND);
    CHECK_STR(x->mounts[4].src, "/var/www");
    CHECK(x->mounts[4].readonly);
    CHECK_INT(x->mounts[6].kind, STK_BFS_MASK);
    CHECK_STR(x->mounts[6].path, "/sys/firmware");

    const char *out = print_of(b);
    CHECK_CONTAINS(out, " 4. namespaces: pid (the command is pid 1), mount, ipc, uts, net, user, cgroup; clone3 "
                        "under a supervisor; cgroup namespace once in the cgroup\n");
    CHECK_CONTAINS(out, " 5. user namespace: uid map 0 -> caller (1), 1 -> 100000 (1000); gid map caller -> caller (1) (a root caller: 0 -> 65534, root squash);");
    CHECK_CONTAINS(out, " 6. hostname: sandbox\n");
    CHECK_CONTAINS(out, " 7. network: new namespace with only lo, brought up\n");
    CHECK_CONTAINS(out, " 8. filesystem: private propagation; view rooted at /srv/jail (recursive bind); 7 entries in "
                        "this order:\n    - readonly / (recursive)\n    - tmpfs /tmp size 67108864 mode 1777");
    CHECK_CONTAINS(out, "    - bind /var/www -> /var/www (recursive, read-only)\n");
    CHECK_CONTAINS(out, "    - mask /sys/firmware (");
    CHECK_CONTAINS(out, "    - pivot_root into the view, old root detached\n 9. rlimits");
    stk_bundle_free(b);
}

TEST(roundtrip_no_isolation_prints_nothing)
{
    struct stk_bundle *b = read_policy("policy p {\n    umask 022\n}\n");
    CHECK(!b->iso.present);
    const char *out = print_of(b);
    CHECK(strstr(out, "namespaces") == NULL && strstr(out, "filesystem") == NULL);
    stk_bundle_free(b);
}

TEST(roundtrip_minimal_init_and_host_root)
{
    struct stk_bundle *b = read_policy("policy p {\n    namespaces pid\n    filesystem { proc }\n}\n");
    CHECK_INT(b->iso.ns, STK_BNS_PID | STK_BNS_MOUNT);
    CHECK(!b->iso.init_none);
    CHECK(b->iso.root == NULL);
    const char *out = print_of(b);
    CHECK_CONTAINS(out, "namespaces: pid (stockade is pid 1 as a minimal init, the command pid 2), mount;");
    CHECK_CONTAINS(out, "the host's / as the mount namespace copied it, changed in place; 1 entry in this order:\n"
                        "    - proc /proc");
    CHECK(strstr(out, "pivot_root") == NULL);
    stk_bundle_free(b);
}

TEST(reader_accepts_hand_made)
{
    struct raw r;
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT | STK_BNS_USER, 0);
    const uint32_t lines[][4] = {{0, 0, 1, STK_BIDMAP_CALLER}, {1, 1000, 10, 0}};
    r_map(&r, STK_REC_GIDMAP, 2, lines);
    r_fs(&r, "");
    r_mount(&r, STK_BFS_TMPFS, STK_BFSF_MODE, 0, 0700, 4096, "", "/a");
    r_mount(&r, STK_BFS_READONLY, 0, 0, 0, 0, "", "/a");
    r_mount(&r, STK_BFS_BIND, STK_BFSF_READONLY, 0, 0, 0, "/x", "/a/b");
    r_mount(&r, STK_BFS_MASK, 0, 0, 0, 0, "", "/b");
    ACCEPTS(&r);
}

/* ---- rejections ------------------------------------------------------------ */

TEST(reject_namespaces_record)
{
    struct raw r;
    raw_init(&r);
    r_ns(&r, 0, 0);
    REJECTS(&r, "invalid namespace set 0x0");
    raw_init(&r);
    r_ns(&r, 0x80, 0);
    REJECTS(&r, "invalid namespace set 0x80");
    raw_init(&r);
    r_ns(&r, STK_BNS_PID, 2);
    REJECTS(&r, "unknown namespace flags 0x2");
    raw_init(&r);
    r_ns(&r, STK_BNS_NET, STK_BNSF_INIT_NONE);
    REJECTS(&r, "\"init none\" without a pid namespace");
    raw_init(&r);
    r_ns(&r, STK_BNS_NET, 0);
    r_ns(&r, STK_BNS_NET, 0);
    REJECTS(&r, "record type 0x0100 appears twice");
    raw_init(&r);
    r_begin(&r, STK_REC_NAMESPACES);
    r_le(&r, STK_BNS_NET, 4);
    r_end(&r);
    REJECTS(&r, "truncated namespaces");
}

TEST(reject_unknown_isolation_types)
{
    struct raw r;
    raw_init(&r);
    r_begin(&r, 0x0106);
    r_end(&r);
    REJECTS(&r, "unknown record type 0x0106");
    raw_init(&r);
    r_begin(&r, STK_REC_ISOLATION_LAST);
    r_end(&r);
    REJECTS(&r, "unknown record type 0x013f");
}

TEST(reject_hostname)
{
    struct raw r;
    static const char *bad[] = {"", "-x", "a..b", "x_y", "a b", "0123456789012345678901234567890123456789012345678901234567890123456789"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        raw_init(&r);
        r_ns(&r, STK_BNS_UTS, 0);
        r_begin(&r, STK_REC_HOSTNAME);
        r_str(&r, bad[i]);
        r_end(&r);
        struct stk_bundle *b;
        CHECK_MSG(raw_read(&r, &b) < 0, "hostname \"%s\" accepted", bad[i]);
    }
    raw_init(&r);
    r_ns(&r, STK_BNS_NET, 0);
    r_begin(&r, STK_REC_HOSTNAME);
    r_str(&r, "box");
    r_end(&r);
    REJECTS(&r, "a hostname without a uts namespace");
    raw_init(&r);
    r_begin(&r, STK_REC_HOSTNAME);
    r_str(&r, "box");
    r_end(&r);
    REJECTS(&r, "isolation records without a namespaces record");
}

TEST(reject_idmaps)
{
    struct raw r;
    raw_init(&r);
    r_ns(&r, STK_BNS_USER, 0);
    r_map(&r, STK_REC_UIDMAP, 0, NULL);
    REJECTS(&r, "uid map has 0 lines");
    raw_init(&r);
    r_ns(&r, STK_BNS_USER, 0);
    r_map(&r, STK_REC_UIDMAP, 341, NULL);
    REJECTS(&r, "uid map has 341 lines");
    raw_init(&r);
    r_ns(&r, STK_BNS_USER, 0);
    r_map_n(&r, STK_REC_UIDMAP, 2, (const uint32_t[][4]){{0, 0, 1, 0}}, 1);
    REJECTS(&r, "truncated uid map");
    static const struct {
        uint32_t lines[2][4];
        uint32_t n;
        const char *msg;
    } cases[] = {
        {{{0, 1000, 0, 0}}, 1, "uid map line 1: invalid range"},
        {{{4294967290u, 0, 10, 0}}, 1, "uid map line 1: invalid range"},
        {{{0, 4294967290u, 10, 0}}, 1, "uid map line 1: invalid range"},
        {{{0, 1000, 1, 2}}, 1, "uid map line 1 has unknown flags 0x2"},
        {{{0, 1000, 1, STK_BIDMAP_CALLER}}, 1, "uid map line 1 maps the caller's id but gives an outside id"},
        {{{0, 1000, 10, 0}, {9, 2000, 1, 0}}, 2, "uid map line 2 overlaps line 1 inside the namespace"},
        {{{0, 1000, 10, 0}, {10, 1009, 1, 0}}, 2, "uid map line 2 overlaps line 1 outside the namespace"},
        {{{0, 0, 1, STK_BIDMAP_CALLER}, {1, 0, 1, STK_BIDMAP_CALLER}}, 2,
         "uid map line 2 overlaps line 1 outside the namespace"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        raw_init(&r);
        r_ns(&r, STK_BNS_USER, 0);
        r_map(&r, STK_REC_UIDMAP, cases[i].n, cases[i].lines);
        REJECTS(&r, cases[i].msg);
    }
    raw_init(&r);
    r_ns(&r, STK_BNS_NET, 0);
    r_map(&r, STK_REC_GIDMAP, 1, (const uint32_t[][4]){{0, 0, 1, STK_BIDMAP_CALLER}});
    REJECTS(&r, "a uid or gid map without a user namespace");
    raw_init(&r);
    r_ns(&r, STK_BNS_USER, 0);
    r_map(&r, STK_REC_GIDMAP, 1, (const uint32_t[][4]){{0, 0, 1, STK_BIDMAP_CALLER}});
    r_map(&r, STK_REC_GIDMAP, 1, (const uint32_t[][4]){{0, 0, 1, STK_BIDMAP_CALLER}});
    REJECTS(&r, "record type 0x0103 appears twice");
}

TEST(reject_filesystem_record)
{
    struct raw r;
    static const char *bad[] = {"srv/jail", "/srv/../etc", "/srv/", "//srv", "/srv/./x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        raw_init(&r);
        r_ns(&r, STK_BNS_MOUNT, 0);
        r_fs(&r, bad[i]);
        REJECTS(&r, "is not an absolute path in normal form");
    }
    raw_init(&r);
    r_ns(&r, STK_BNS_NET, 0);
    r_fs(&r, "");
    REJECTS(&r, "a filesystem view without a mount namespace");
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT, 0);
    r_fs(&r, "");
    r_fs(&r, "/x");
    REJECTS(&r, "record type 0x0104 appears twice");
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT, 0);
    r_mount(&r, STK_BFS_TMPFS, 0, 0, 0, 0, "", "/tmp");
    REJECTS(&r, "filesystem entries without a filesystem record");
}

/* one MOUNT record after namespaces(mount) and filesystem("") */
static void one_mount(struct raw *r, uint8_t kind, uint8_t flags, uint16_t zero, uint32_t mode, uint64_t size,
                      const char *src, const char *path)
{
    raw_init(r);
    r_ns(r, STK_BNS_MOUNT, 0);
    r_fs(r, "");
    r_mount(r, kind, flags, zero, mode, size, src, path);
}

TEST(reject_mount_fields)
{
    struct raw r;
    one_mount(&r, 6, 0, 0, 0, 0, "", "/x");
    REJECTS(&r, "unknown filesystem entry kind 6");
    one_mount(&r, STK_BFS_TMPFS, STK_BFSF_READONLY, 0, 0, 0, "", "/x");
    REJECTS(&r, "tmpfs entry with invalid flags 0x1");
    one_mount(&r, STK_BFS_BIND, STK_BFSF_MODE, 0, 0, 0, "/a", "/x");
    REJECTS(&r, "bind entry with invalid flags 0x2");
    one_mount(&r, STK_BFS_MASK, 4, 0, 0, 0, "", "/x");
    REJECTS(&r, "mask entry with invalid flags 0x4");
    one_mount(&r, STK_BFS_TMPFS, 0, 1, 0, 0, "", "/x");
    REJECTS(&r, "tmpfs entry: reserved field is not zero");
    one_mount(&r, STK_BFS_TMPFS, STK_BFSF_MODE, 0, 010000, 0, "", "/x");
    REJECTS(&r, "tmpfs entry: invalid mode 010000");
    one_mount(&r, STK_BFS_TMPFS, 0, 0, 0700, 0, "", "/x");
    REJECTS(&r, "tmpfs entry: invalid mode 0700");
    one_mount(&r, STK_BFS_PROC, 0, 0, 0, 4096, "", "/proc");
    REJECTS(&r, "proc entry with a size");
    one_mount(&r, STK_BFS_BIND, 0, 0, 0, 0, "", "/x");
    REJECTS(&r, "mount source: empty string");
    one_mount(&r, STK_BFS_BIND, 0, 0, 0, 0, "relative", "/x");
    REJECTS(&r, "mount source \"relative\" is not an absolute path in normal form");
    one_mount(&r, STK_BFS_BIND, 0, 0, 0, 0, "/", "/x");
    REJECTS(&r, "bind entry with \"/\" as its source");
    one_mount(&r, STK_BFS_TMPFS, 0, 0, 0, 0, "/src", "/x");
    REJECTS(&r, "tmpfs entry with a source");
    one_mount(&r, STK_BFS_TMPFS, 0, 0, 0, 0, "", "/");
    REJECTS(&r, "tmpfs entry on \"/\"");
    one_mount(&r, STK_BFS_MASK, 0, 0, 0, 0, "", "/");
    REJECTS(&r, "mask entry on \"/\"");
    one_mount(&r, STK_BFS_DEV, 0, 0, 0, 0, "", "/mnt/dev");
    REJECTS(&r, "dev entry on \"/mnt/dev\" (only /dev)");
    one_mount(&r, STK_BFS_MASK, 0, 0, 0, 0, "", "/a//b");
    REJECTS(&r, "mount path \"/a//b\" is not an absolute path in normal form");
    one_mount(&r, STK_BFS_MASK, 0, 0, 0, 0, "", "");
    REJECTS(&r, "mount path");
    one_mount(&r, STK_BFS_READONLY, 0, 0, 0, 0, "", "/");
    ACCEPTS(&r);
}

TEST(reject_mount_order_and_duplicates)
{
    struct raw r;
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT, 0);
    r_fs(&r, "");
    r_mount(&r, STK_BFS_MASK, 0, 0, 0, 0, "", "/a/b");
    r_mount(&r, STK_BFS_TMPFS, 0, 0, 0, 0, "", "/a");
    REJECTS(&r, "filesystem entry 2 (tmpfs /a) comes after entry 1 under it (/a/b)");
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT, 0);
    r_fs(&r, "");
    r_mount(&r, STK_BFS_MASK, 0, 0, 0, 0, "", "/a");
    r_mount(&r, STK_BFS_READONLY, 0, 0, 0, 0, "", "/");
    REJECTS(&r, "filesystem entry 2 (readonly /) comes after entry 1 under it (/a)");
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT, 0);
    r_fs(&r, "");
    r_mount(&r, STK_BFS_TMPFS, 0, 0, 0, 0, "", "/a");
    r_mount(&r, STK_BFS_MASK, 0, 0, 0, 0, "", "/a");
    REJECTS(&r, "two filesystem entries for \"/a\" (tmpfs and mask)");
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT, 0);
    r_fs(&r, "");
    r_mount(&r, STK_BFS_READONLY, 0, 0, 0, 0, "", "/a");
    r_mount(&r, STK_BFS_READONLY, 0, 0, 0, 0, "", "/a");
    REJECTS(&r, "two filesystem entries for \"/a\" (readonly and readonly)");
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT, 0);
    r_fs(&r, "");
    r_mount(&r, STK_BFS_READONLY, 0, 0, 0, 0, "", "/a");
    r_mount(&r, STK_BFS_TMPFS, 0, 0, 0, 0, "", "/a");
    REJECTS(&r, "filesystem entries for \"/a\" out of order");
    /* siblings and prefixes that are not parents are fine in any order */
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT, 0);
    r_fs(&r, "");
    r_mount(&r, STK_BFS_MASK, 0, 0, 0, 0, "", "/ab/c");
    r_mount(&r, STK_BFS_TMPFS, 0, 0, 0, 0, "", "/a");
    r_mount(&r, STK_BFS_TMPFS, 0, 0, 0, 0, "", "/b");
    ACCEPTS(&r);
}

TEST(reject_too_many_mounts)
{
    struct raw r;
    raw_init(&r);
    r_ns(&r, STK_BNS_MOUNT, 0);
    r_fs(&r, "");
    for (unsigned i = 0; i <= STK_BMOUNT_MAX; i++) {
        char p[16];
        snprintf(p, sizeof p, "/%u", i);
        r_mount(&r, STK_BFS_MASK, 0, 0, 0, 0, "", p);
    }
    REJECTS(&r, "filesystem entries");
}

TEST(every_truncation_of_an_isolation_bundle_is_rejected)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    const char *text = "policy p {\n    namespaces pid, user, uts\n    hostname h\n    uidmap 0 caller 1\n"
                       "    filesystem { tmpfs /tmp size 1M mode 700; bind /a /b readonly; mask /c }\n}\n";
    struct stk_policy_ir *ir = stk_compile_text("t.stk", text, strlen(text), NULL, &ds);
    CHECK(ir);
    struct stk_buf buf = {0};
    stk_bundle_write(ir, NULL, &buf);
    stk_policy_ir_free(ir);
    stk_diags_free(&ds);
    unsigned char *d = (unsigned char *)buf.data;
    size_t n = 0;
    /* cut inside every record payload: fix up the length and CRC so the record decoders see it */
    for (size_t cut = STK_BUNDLE_HEADER_LEN + 1; cut < buf.len; cut++) {
        unsigned char *c = malloc(cut);
        CHECK(c);
        memcpy(c, d, cut);
        bh_put_le(c + 16, cut, 8);
        bh_refresh_crc(c, cut);
        struct stk_bundle *b = NULL;
        struct stk_err e = {0};
        int r = stk_bundle_read(c, cut, &b, &e);
        free(c);
        stk_bundle_free(b);
        CHECK_MSG(r < 0 && e.status == 125, "a bundle cut at %zu of %zu bytes was accepted", cut, buf.len);
        n++;
    }
    stk_buf_free(&buf);
    CHECK(n > 100);
}

/* a tmpfs /x MOUNT record with flags, then the owner and group strings */
static void owner_mount(struct raw *r, uint8_t flags, const char *owner, const char *group)
{
    one_mount(r, STK_BFS_TMPFS, flags, 0, 0, 0, "", "/x");
    r_str(r, owner);
    r_str(r, group);
    r_end_again(r);
}

/* `tmpfs PATH owner U group G`: flag bit 2 and two strings after the path */
TEST(tmpfs_owner)
{
    struct stk_bundle *b = read_policy("policy p {\n"
                                       "    namespaces mount\n"
                                       "    filesystem {\n"
                                       "        tmpfs /run/a owner redis mode 0700\n"
                                       "        tmpfs /run/b owner 999 group 998\n"
                                       "        tmpfs /run/c group adm\n"
                                       "        tmpfs /run/d\n"
                                       "    }\n"
                                       "}\n");
    const struct stk_bundle_isolation *x = &b->iso;
    CHECK_INT(x->nmounts, 4);
    CHECK_STR(x->mounts[0].owner, "redis");
    CHECK(x->mounts[0].group == NULL);
    CHECK_STR(x->mounts[1].owner, "999");
    CHECK_STR(x->mounts[1].group, "998");
    CHECK(x->mounts[2].owner == NULL);
    CHECK_STR(x->mounts[2].group, "adm");
    CHECK(x->mounts[3].owner == NULL && x->mounts[3].group == NULL);
    CHECK_CONTAINS(print_of(b), "/run/a mode 0700 owner redis (nosuid, nodev)");
    stk_bundle_free(b);

    struct raw r;
    owner_mount(&r, STK_BFSF_OWNER, "redis", "");
    ACCEPTS(&r);
    one_mount(&r, STK_BFS_TMPFS, STK_BFSF_OWNER, 0, 0, 0, "", "/x"); /* the flag without its strings */
    REJECTS(&r, "tmpfs owner");
    owner_mount(&r, 0, "redis", ""); /* strings without the flag: bytes left over */
    REJECTS(&r, "");
    owner_mount(&r, STK_BFSF_OWNER, "", "");
    REJECTS(&r, "an owner flag without owner or group");
    one_mount(&r, STK_BFS_BIND, STK_BFSF_OWNER, 0, 0, 0, "/a", "/x"); /* only a tmpfs has an owner */
    REJECTS(&r, "bind entry with invalid flags 0x4");
}

int main(void)
{
    RUN(roundtrip_isolation);
    RUN(roundtrip_no_isolation_prints_nothing);
    RUN(roundtrip_minimal_init_and_host_root);
    RUN(reader_accepts_hand_made);
    RUN(reject_namespaces_record);
    RUN(reject_unknown_isolation_types);
    RUN(reject_hostname);
    RUN(reject_idmaps);
    RUN(reject_filesystem_record);
    RUN(reject_mount_fields);
    RUN(reject_mount_order_and_duplicates);
    RUN(reject_too_many_mounts);
    RUN(tmpfs_owner);
    RUN(every_truncation_of_an_isolation_bundle_is_rejected);
    return test_summary();
}
