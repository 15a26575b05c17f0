/* test_bundle_seccomp.c — the SECCOMP record of format 3: several stacked
 * filters.  Round trips of a split policy, the reader's bounds (filter
 * count, per-filter length, the kernel's per-path total, exec descriptor
 * sites only in the last filter), every truncation, and every byte of the
 * record changed (with a fresh checksum): whatever the reader accepts is a
 * set of filters the kernel's checker accepts. */
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>

#include "bpf_interp.h"
#include "bundle/bundle.h"
#include "bundle/bundle_write.h"
#include "lib/bundle_harness.h"
#include "testlib.h"
#include "util.h"

static struct sock_filter allow_prog[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static struct sock_filter site_prog[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, STK_EXEC_FD_PLACEHOLDER, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF | 0x4558),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
};

/* One filter of the payload: u32 n, n instructions, u32 m, m sites. */
static size_t put_filter(unsigned char *p, const struct sock_filter *f, size_t len, const uint32_t *sites,
                         size_t nsites)
{
    size_t n = 0;
    bh_put_le(p + n, len, 4), n += 4;
    for (size_t i = 0; i < len; i++) {
        bh_put_le(p + n, f[i].code, 2);
        p[n + 2] = f[i].jt;
        p[n + 3] = f[i].jf;
        bh_put_le(p + n + 4, f[i].k, 4);
        n += 8;
    }
    bh_put_le(p + n, nsites, 4), n += 4;
    for (size_t i = 0; i < nsites; i++)
        bh_put_le(p + n, sites[i], 4), n += 4;
    return n;
}

static size_t put_head(unsigned char *p, uint32_t flags, uint32_t nfilters)
{
    bh_put_le(p, stk_abis[stk_native_abi()].audit_arch, 4);
    bh_put_le(p + 4, flags, 4);
    bh_put_le(p + 8, nfilters, 4);
    return 12;
}

static unsigned char payload[600000], recs[600100], out[600200];

static int read_payload(size_t pl, struct stk_bundle **b)
{
    size_t n = bh_rec(recs, STK_REC_SECCOMP, payload, pl);
    return bh_read(out, bh_craft(out, STK_BUNDLE_VERSION, recs, n, 1), b);
}

TEST(roundtrip_split_policy)
{
    /* 1,500 values on each of three syscalls: over 4096 instructions, so split */
    struct stk_buf t = {0};
    stk_buf_puts(&t, "policy split { seccomp { default errno EPERM\nerrno EACCES execveat\nallow execve\n");
    static const char *const sc[] = {"ioctl", "fcntl", "prctl"};
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < 1500; i++)
            stk_buf_printf(&t, "%s %s if arg1 == %d\n", i % 2 ? "allow" : "errno 5", sc[s], 0x100 + 3 * i + s);
    stk_buf_puts(&t, "allow read, write, exit_group\n} }\n");
    struct stk_bundle *b = bh_roundtrip(t.data, true);
    stk_buf_free(&t);
    CHECK_MSG(b, "%s", bh_msg);
    CHECK(b->seccomp.present);
    CHECK_MSG(b->seccomp.nfilters >= 2, "%zu filters", b->seccomp.nfilters);
    for (size_t i = 0; i < b->seccomp.nfilters; i++) {
        char err[256];
        CHECK(b->seccomp.filters[i].len <= STK_BUNDLE_MAX_INSNS);
        CHECK_MSG(stk_bpf_validate(b->seccomp.filters[i].insns, b->seccomp.filters[i].len, err, sizeof err) == 0,
                  "%s", err);
    }
    /* the hand-over rule (execveat is denied) is in the last filter */
    CHECK(b->seccomp.nexec_fd_insns > 0);
    CHECK_INT(b->seccomp.filters[b->seccomp.nfilters - 1].nexec_fd_insns, b->seccomp.nexec_fd_insns);
    FILE *m = tmpfile();
    CHECK(m);
    stk_bundle_print(b, NULL, m);
    rewind(m);
    char line[512];
    bool said = false;
    while (fgets(line, sizeof line, m))
        said |= strstr(line, "stacked filters") != NULL;
    fclose(m);
    CHECK_MSG(said, "the dry run does not say the filters are stacked");
    stk_bundle_free(b);
}

TEST(reads_several_filters_in_order)
{
    size_t pl = put_head(payload, STK_SECCOMP_EXEC_RESTRICTED, 3);
    static const uint32_t site[] = {1};
    pl += put_filter(payload + pl, allow_prog, 4, NULL, 0);
    pl += put_filter(payload + pl, allow_prog, 3 + 1, NULL, 0);
    pl += put_filter(payload + pl, site_prog, 4, site, 1);
    struct stk_bundle *b = NULL;
    CHECK_MSG(read_payload(pl, &b) == 0, "%s", bh_msg);
    CHECK_INT(b->seccomp.nfilters, 3);
    CHECK_INT(b->seccomp.nexec_fd_insns, 1);
    CHECK(memcmp(b->seccomp.filters[2].insns, site_prog, sizeof site_prog) == 0);
    CHECK_INT(b->seccomp.filters[2].exec_fd_insns[0], 1);
    stk_bundle_free(b);
}

TEST(rejects_bad_filter_lists)
{
    static const uint32_t site[] = {1};
    /* no filter; more than 64 */
    size_t pl = put_head(payload, 0, 0);
    CHECK(read_payload(pl, NULL) == -1);
    CHECK_CONTAINS(bh_msg, "0 filters");
    pl = put_head(payload, 0, STK_BUNDLE_MAX_FILTERS + 1);
    for (unsigned i = 0; i <= STK_BUNDLE_MAX_FILTERS; i++)
        pl += put_filter(payload + pl, allow_prog, 4, NULL, 0);
    CHECK(read_payload(pl, NULL) == -1);
    CHECK_CONTAINS(bh_msg, "65 filters");
    /* 64 small filters: fine */
    pl = put_head(payload, 0, STK_BUNDLE_MAX_FILTERS);
    for (unsigned i = 0; i < STK_BUNDLE_MAX_FILTERS; i++)
        pl += put_filter(payload + pl, allow_prog, 4, NULL, 0);
    CHECK_MSG(read_payload(pl, NULL) == 0, "%s", bh_msg);
    /* a hand-over site in a filter that is not the last: the kernel gives
     * the chain one listener, which goes with the last filter */
    pl = put_head(payload, STK_SECCOMP_EXEC_RESTRICTED, 2);
    pl += put_filter(payload + pl, site_prog, 4, site, 1);
    pl += put_filter(payload + pl, allow_prog, 4, NULL, 0);
    CHECK(read_payload(pl, NULL) == -1);
    CHECK_CONTAINS(bh_msg, "only the last may");
    /* an empty second filter; a broken second filter */
    pl = put_head(payload, 0, 2);
    pl += put_filter(payload + pl, allow_prog, 4, NULL, 0);
    pl += put_filter(payload + pl, allow_prog, 0, NULL, 0);
    CHECK(read_payload(pl, NULL) == -1);
    CHECK_CONTAINS(bh_msg, "filter 2 has 0 instructions");
    struct sock_filter bad[4];
    memcpy(bad, allow_prog, sizeof bad);
    bad[1].jf = 9;
    pl = put_head(payload, 0, 2);
    pl += put_filter(payload + pl, allow_prog, 4, NULL, 0);
    pl += put_filter(payload + pl, bad, 4, NULL, 0);
    CHECK(read_payload(pl, NULL) == -1);
    CHECK_CONTAINS(bh_msg, "jump out of the program");
    /* the kernel's total: eight full filters count 8 x 4100 = 32800 > 32768 */
    static struct sock_filter full[STK_BUNDLE_MAX_INSNS];
    for (size_t i = 0; i < STK_BUNDLE_MAX_INSNS; i++)
        full[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    pl = put_head(payload, 0, 8);
    for (int i = 0; i < 8; i++)
        pl += put_filter(payload + pl, full, STK_BUNDLE_MAX_INSNS, NULL, 0);
    CHECK(read_payload(pl, NULL) == -1);
    CHECK_CONTAINS(bh_msg, "32800");
    /* ... seven full ones and one of 4087: 7 x 4100 + 4091 = 32791 > 32768; 4064: exactly 32768 */
    pl = put_head(payload, 0, 8);
    for (int i = 0; i < 7; i++)
        pl += put_filter(payload + pl, full, STK_BUNDLE_MAX_INSNS, NULL, 0);
    size_t base = pl;
    pl += put_filter(payload + pl, full, 32768 - 7 * 4100 - 4, NULL, 0);
    CHECK_MSG(read_payload(pl, NULL) == 0, "%s", bh_msg);
    pl = base + put_filter(payload + base, full, 32768 - 7 * 4100 - 3, NULL, 0);
    CHECK(read_payload(pl, NULL) == -1);
    CHECK_CONTAINS(bh_msg, "the kernel allows 32768");
    /* format 2 (one program, no filter count) is refused as a whole: recompile */
    pl = put_head(payload, 0, 1);
    pl += put_filter(payload + pl, allow_prog, 4, NULL, 0);
    size_t n = bh_rec(recs, STK_REC_SECCOMP, payload, pl);
    CHECK(bh_read(out, bh_craft(out, 2, recs, n, 1), NULL) == -1);
    CHECK_CONTAINS(bh_msg, "unsupported bundle format version 2");
}

/* Every prefix is rejected; every byte of the record changed (the checksum
 * made to match): rejected, or read into filters the kernel accepts, with
 * sites only in the last one, each a placeholder comparison. */
TEST(every_byte_of_the_record_checked)
{
    static const uint32_t site[] = {1};
    size_t pl = put_head(payload, STK_SECCOMP_EXEC_RESTRICTED, 3);
    pl += put_filter(payload + pl, allow_prog, 4, NULL, 0);
    pl += put_filter(payload + pl, allow_prog, 4, NULL, 0);
    pl += put_filter(payload + pl, site_prog, 4, site, 1);
    size_t n = bh_rec(recs, STK_REC_SECCOMP, payload, pl);
    size_t len = bh_craft(out, STK_BUNDLE_VERSION, recs, n, 1);
    CHECK_MSG(bh_read(out, len, NULL) == 0, "%s", bh_msg);
    unsigned char *d = malloc(len);
    CHECK(d);
    for (size_t cut = 0; cut < len; cut++)
        CHECK_MSG(bh_read(out, cut, NULL) == -1, "prefix of %zu bytes: %s", cut, bh_msg);
    unsigned long accepted = 0;
    for (size_t i = STK_BUNDLE_HEADER_LEN; i < len; i++) {
        static const unsigned char xs[] = {0x01, 0x02, 0x10, 0x80, 0xff};
        for (size_t x = 0; x < sizeof xs; x++) {
            memcpy(d, out, len);
            d[i] ^= xs[x];
            bh_refresh_crc(d, len);
            struct stk_bundle *b = NULL;
            int r = bh_read(d, len, &b);
            CHECK_MSG(r != -2, "byte %zu ^ 0x%02x: rejected in the wrong shape: %s", i, xs[x], bh_msg);
            if (r != 0)
                continue;
            accepted++;
            for (size_t f = 0; f < b->seccomp.nfilters; f++) {
                const struct stk_bpf_filter *fl = &b->seccomp.filters[f];
                char err[256];
                CHECK_MSG(stk_bpf_validate(fl->insns, fl->len, err, sizeof err) == 0,
                          "byte %zu ^ 0x%02x accepted a filter the kernel refuses: %s", i, xs[x], err);
                CHECK(fl->nexec_fd_insns == 0 || f + 1 == b->seccomp.nfilters);
                for (size_t s = 0; s < fl->nexec_fd_insns; s++)
                    CHECK_U64(fl->insns[fl->exec_fd_insns[s]].k, STK_BUNDLE_EXEC_FD_PLACEHOLDER);
            }
            stk_bundle_free(b);
        }
    }
    /* changes of immediates and returns stay valid programs */
    CHECK(accepted > 0);
    free(d);
}

int main(void)
{
    RUN(roundtrip_split_policy);
    RUN(reads_several_filters_in_order);
    RUN(rejects_bad_filter_lists);
    RUN(every_byte_of_the_record_checked);
    return test_summary();
}
