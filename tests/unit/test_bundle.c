/* test_bundle.c — bundle writer/reader: round trips, the exec-restriction
 * flag, the printer, and every way the reader rejects a bundle. */
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "bundle/bundle_write.h"
#include "lib/bundle_harness.h"
#include "testlib.h"

/* ---- helpers --------------------------------------------------------------- */
static struct sock_filter test_insns[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, STK_EXEC_FD_PLACEHOLDER, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
};
static uint32_t test_sites[] = {1};

static struct stk_bpf_filter test_filter = {test_insns, sizeof test_insns / sizeof test_insns[0], test_sites, 1};
static struct stk_bpf_prog test_prog(void)
{
    return (struct stk_bpf_prog){test_insns, test_filter.len, test_sites, 1, &test_filter, 1};
}

static struct stk_rule deny_execve;

static void full_ir(struct stk_policy_ir *ir)
{
    static char *supp[] = {"adm", "42"};
    static char *keep[] = {"PATH", "LANG"};
    static struct stk_env_set set[] = {{"HOME", "/srv"}, {"EMPTY", ""}};
    static int kfds[] = {7, 3, 7};
    static char *unenf[] = {"landlock"};
    memset(ir, 0, sizeof *ir);
    ir->name = "web";
    ir->no_new_privs = true;
    ir->user = "nobody";
    ir->group = "nogroup";
    ir->supp_groups = supp;
    ir->nsupp = 2;
    ir->caps_mode = STK_CAPS_KEEP;
    ir->caps_keep = (1ull << 10) | (1ull << 7);
    ir->rlimits[RLIMIT_NOFILE] = (struct stk_rlimit){true, 1024, 4096};
    ir->rlimits[RLIMIT_CORE] = (struct stk_rlimit){true, 0, 0};
    ir->rlimits[RLIMIT_AS] = (struct stk_rlimit){true, ~0ull, ~0ull};
    ir->env_clear = true;
    ir->env_keep = keep;
    ir->nenv_keep = 2;
    ir->env_set = set;
    ir->nenv_set = 2;
    ir->workdir = "/srv";
    ir->umask_set = true;
    ir->umask = 027;
    ir->keep_fds = kfds;
    ir->nkeep_fds = 3;
    ir->seccomp.present = true;
    ir->seccomp.def = (struct stk_action){STK_ACT_ALLOW, 0};
    deny_execve = (struct stk_rule){.action = {STK_ACT_ERRNO, 1}, .syscall = stk_syscall_lookup("execve")};
    ir->seccomp.rules = &deny_execve;
    ir->seccomp.nrules = 1;
    ir->unenforced = unenf;
    ir->nunenforced = 1;
}

static struct stk_buf write_full(void)
{
    struct stk_policy_ir ir;
    full_ir(&ir);
    struct stk_bpf_prog p = test_prog();
    struct stk_buf b = {0};
    stk_bundle_write(&ir, &p, &b);
    return b;
}

static bool rejects(const unsigned char *d, size_t len)
{
    return bh_read(d, len, NULL) == -1;
}

static bool rejects_record(uint16_t type, const void *payload, size_t plen)
{
    unsigned char recs[512], out[600];
    size_t n = bh_rec(recs, type, payload, plen);
    size_t len = bh_craft(out, STK_BUNDLE_VERSION, recs, n, 1);
    return rejects(out, len);
}

static bool accepts_record(uint16_t type, const void *payload, size_t plen)
{
    unsigned char recs[512], out[600];
    size_t n = bh_rec(recs, type, payload, plen);
    size_t len = bh_craft(out, STK_BUNDLE_VERSION, recs, n, 1);
    return bh_read(out, len, NULL) == 0;
}

/* ---- tests ---------------------------------------------------------------- */
TEST(crc32c_check_value)
{
    CHECK_U64(stk_crc32c(0, "123456789", 9), 0xE3069283u); /* the standard CRC-32C check value */
    CHECK_U64(stk_crc32c(stk_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
    CHECK_U64(stk_crc32c(0, "", 0), 0);
}

TEST(roundtrip_full)
{
    struct stk_buf buf = write_full();
    struct stk_bundle *b;
    struct stk_err e = {0};
    CHECK_MSG(stk_bundle_read(buf.data, buf.len, &b, &e) == 0, "%s", e.msg);
    CHECK_INT(b->version, STK_BUNDLE_VERSION);
    CHECK_STR(b->name, "web");
    CHECK(b->no_new_privs);
    CHECK_STR(b->user, "nobody");
    CHECK_STR(b->group, "nogroup");
    CHECK(b->supp_set);
    CHECK_INT(b->nsupp, 2);
    CHECK_STR(b->supp_groups[0], "adm");
    CHECK_STR(b->supp_groups[1], "42");
    CHECK_INT(b->caps, STK_BCAPS_KEEP);
    CHECK_U64(b->caps_keep, (1ull << 10) | (1ull << 7));
    CHECK(b->rlimits[RLIMIT_NOFILE].set);
    CHECK_U64(b->rlimits[RLIMIT_NOFILE].soft, 1024);
    CHECK_U64(b->rlimits[RLIMIT_NOFILE].hard, 4096);
    CHECK(b->rlimits[RLIMIT_CORE].set);
    CHECK_U64(b->rlimits[RLIMIT_CORE].hard, 0);
    CHECK_U64(b->rlimits[RLIMIT_AS].soft, ~0ull);
    CHECK(!b->rlimits[RLIMIT_NPROC].set);
    CHECK(b->env_clear);
    CHECK_INT(b->nenv_keep, 2);
    CHECK_STR(b->env_keep[1], "LANG");
    CHECK_INT(b->nenv_set, 2);
    CHECK_STR(b->env_set[0].name, "HOME");
    CHECK_STR(b->env_set[0].value, "/srv");
    CHECK_STR(b->env_set[1].value, "");
    CHECK_STR(b->workdir, "/srv");
    CHECK(b->umask_set);
    CHECK_INT(b->umask, 027);
    CHECK(!b->keep_all_fds);
    CHECK_INT(b->nkeep_fds, 2); /* sorted, duplicates removed */
    CHECK_INT(b->keep_fds[0], 3);
    CHECK_INT(b->keep_fds[1], 7);
    CHECK(b->seccomp.present);
    CHECK(b->seccomp.flags & STK_SECCOMP_EXEC_RESTRICTED);
    CHECK_INT(b->seccomp.nfilters, 1);
    CHECK_INT(b->seccomp.filters[0].len, 4);
    CHECK(memcmp(b->seccomp.filters[0].insns, test_insns, sizeof test_insns) == 0);
    CHECK_INT(b->seccomp.nexec_fd_insns, 1);
    CHECK_INT(b->seccomp.filters[0].exec_fd_insns[0], 1);
    CHECK_INT(b->nunenforced, 1);
    CHECK_STR(b->unenforced[0], "landlock");
    stk_bundle_free(b);
    stk_buf_free(&buf);
}

TEST(roundtrip_minimal)
{
    struct stk_policy_ir ir;
    memset(&ir, 0, sizeof ir);
    struct stk_buf buf = {0};
    stk_bundle_write(&ir, NULL, &buf);
    struct stk_bundle *b;
    struct stk_err e = {0};
    CHECK_MSG(stk_bundle_read(buf.data, buf.len, &b, &e) == 0, "%s", e.msg);
    CHECK(b->name == NULL && b->user == NULL && b->group == NULL && !b->supp_set);
    CHECK(!b->no_new_privs);
    CHECK_INT(b->caps, STK_BCAPS_NONE);
    CHECK(!b->env_clear && !b->workdir && !b->umask_set && !b->keep_all_fds && !b->nkeep_fds);
    CHECK(!b->seccomp.present);
    for (unsigned r = 0; r < STK_BUNDLE_RLIMITS; r++)
        CHECK(!b->rlimits[r].set);
    stk_bundle_free(b);
    stk_buf_free(&buf);
}

TEST(roundtrip_keep_all_fds_and_caps_all)
{
    struct stk_policy_ir ir;
    memset(&ir, 0, sizeof ir);
    ir.keep_all_fds = true;
    ir.caps_mode = STK_CAPS_ALL;
    ir.caps_keep = 123; /* ignored outside "keep" */
    struct stk_buf buf = {0};
    stk_bundle_write(&ir, NULL, &buf);
    struct stk_bundle *b;
    struct stk_err e = {0};
    CHECK_MSG(stk_bundle_read(buf.data, buf.len, &b, &e) == 0, "%s", e.msg);
    CHECK(b->keep_all_fds);
    CHECK_INT(b->caps, STK_BCAPS_ALL);
    CHECK_U64(b->caps_keep, 0);
    stk_bundle_free(b);
    stk_buf_free(&buf);
}

TEST(exec_restricted_flag)
{
    int ev = stk_syscall_lookup("execve"), eva = stk_syscall_lookup("execveat");
    CHECK(ev >= 0 && eva >= 0);
    struct stk_seccomp s = {.present = true, .def = {STK_ACT_ALLOW, 0}};
    CHECK(!stk_bundle_write_exec_restricted(&s));
    s.def = (struct stk_action){STK_ACT_ERRNO, 1};
    CHECK(stk_bundle_write_exec_restricted(&s));
    struct stk_rule rules[3] = {
        {.action = {STK_ACT_ALLOW, 0}, .syscall = ev},
        {.action = {STK_ACT_ALLOW, 0}, .syscall = eva},
        {.action = {STK_ACT_KILL_PROCESS, 0}, .syscall = ev}, /* unreachable */
    };
    s.rules = rules;
    s.nrules = 1;
    CHECK(stk_bundle_write_exec_restricted(&s)); /* execveat still falls to the default */
    s.nrules = 3;
    CHECK(!stk_bundle_write_exec_restricted(&s));
    struct stk_cond cond = {.kind = STK_COND_CMP};
    rules[0].cond = &cond; /* a conditional allow does not allow execve unconditionally */
    CHECK(stk_bundle_write_exec_restricted(&s));
    s.def = (struct stk_action){STK_ACT_ALLOW, 0};
    rules[0].cond = NULL;
    rules[0].action = (struct stk_action){STK_ACT_LOG, 0};
    CHECK(stk_bundle_write_exec_restricted(&s));
}

TEST(printer_shows_every_step)
{
    struct stk_buf buf = write_full();
    struct stk_bundle *b;
    struct stk_err e = {0};
    CHECK(stk_bundle_read(buf.data, buf.len, &b, &e) == 0);
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    CHECK(f);
    char *argv[] = {"nginx", "-g", "daemon off;", NULL};
    stk_bundle_print(b, argv, f);
    fclose(f);
    CHECK_CONTAINS(text, "policy web (bundle format 3)");
    CHECK_CONTAINS(text, "REFUSE to run: not enforced by this build: landlock");
    CHECK_CONTAINS(text, "user nobody group nogroup supplementary groups adm 42");
    CHECK_CONTAINS(text, "nofile 1024 4096");
    CHECK_CONTAINS(text, "as unlimited unlimited");
    CHECK_CONTAINS(text, "clear; keep PATH LANG; set HOME=/srv; set EMPTY=; umask 0027");
    CHECK_CONTAINS(text, "close inherited descriptors above 2 except 3 7");
    CHECK_CONTAINS(text, "keep exactly cap_setuid, cap_net_bind_service");
    CHECK_CONTAINS(text, "workdir: /srv");
    CHECK_CONTAINS(text, "executable: nginx -g daemon off; (looked up in PATH)");
    CHECK_CONTAINS(text, "exec descriptor: yes");
    CHECK_CONTAINS(text, "no_new_privs: on");
    CHECK_CONTAINS(text, "filter of 4 instructions");
    CHECK_CONTAINS(text, "execveat(descriptor");
    free(text);
    stk_bundle_free(b);
    stk_buf_free(&buf);
}

TEST(reject_every_truncation)
{
    struct stk_buf buf = write_full();
    for (size_t n = 0; n < buf.len; n++)
        CHECK_MSG(rejects((unsigned char *)buf.data, n), "prefix of %zu bytes accepted", n);
    CHECK(rejects((unsigned char *)buf.data, 10));
    CHECK_CONTAINS(bh_msg, "truncated");
    /* a consistent header claiming the shorter length: still rejected (CRC or record bounds) */
    unsigned char *d = malloc(buf.len);
    CHECK(d);
    for (size_t n = STK_BUNDLE_HEADER_LEN; n < buf.len; n++) {
        memcpy(d, buf.data, n);
        bh_put_le(d + 16, n, 8);
        bh_refresh_crc(d, n);
        CHECK_MSG(rejects(d, n), "re-sealed prefix of %zu bytes accepted", n);
    }
    free(d);
    stk_buf_free(&buf);
}

TEST(reject_every_corrupted_byte)
{
    struct stk_buf buf = write_full();
    unsigned char *d = malloc(buf.len);
    CHECK(d);
    for (size_t i = 0; i < buf.len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(d, buf.data, buf.len);
            d[i] ^= (unsigned char)(1u << bit);
            CHECK_MSG(rejects(d, buf.len), "flipping bit %d of byte %zu accepted", bit, i);
        }
    }
    memcpy(d, buf.data, buf.len);
    d[buf.len - 3] ^= 0x40;
    CHECK(rejects(d, buf.len));
    CHECK_CONTAINS(bh_msg, "checksum mismatch");
    free(d);
    stk_buf_free(&buf);
}

TEST(reject_header_problems)
{
    struct stk_buf buf = write_full();
    unsigned char *d = malloc(buf.len + 8);
    CHECK(d);
    memcpy(d, buf.data, buf.len);
    d[0] = 'X';
    bh_refresh_crc(d, buf.len);
    CHECK(rejects(d, buf.len));
    CHECK_CONTAINS(bh_msg, "bad magic");

    memcpy(d, buf.data, buf.len);
    bh_put_le(d + 8, 1, 4); /* version 1: the exec rule allowed instead of notifying */
    bh_refresh_crc(d, buf.len);
    CHECK(rejects(d, buf.len));
    CHECK_CONTAINS(bh_msg, "unsupported bundle format version 1");

    memcpy(d, buf.data, buf.len);
    bh_put_le(d + 12, 1, 4);
    bh_refresh_crc(d, buf.len);
    CHECK(rejects(d, buf.len));
    CHECK_CONTAINS(bh_msg, "header flags");

    memcpy(d, buf.data, buf.len);
    bh_put_le(d + 16, STK_BUNDLE_MAX_LEN + 1ull, 8);
    bh_refresh_crc(d, buf.len);
    CHECK(rejects(d, buf.len));
    CHECK_CONTAINS(bh_msg, "oversized");

    memcpy(d, buf.data, buf.len);
    memset(d + buf.len, 0, 8);
    CHECK(rejects(d, buf.len + 8));
    CHECK_CONTAINS(bh_msg, "trailing data");

    memcpy(d, buf.data, buf.len);
    bh_put_le(d + 24, 1000, 4); /* more records than present */
    bh_refresh_crc(d, buf.len);
    CHECK(rejects(d, buf.len));
    CHECK_CONTAINS(bh_msg, "truncated record header");

    memcpy(d, buf.data, buf.len);
    bh_put_le(d + 24, 2, 4); /* fewer records than present */
    bh_refresh_crc(d, buf.len);
    CHECK(rejects(d, buf.len));
    CHECK_CONTAINS(bh_msg, "after the last record");

    memcpy(d, buf.data, buf.len);
    bh_put_le(d + 24, STK_BUNDLE_MAX_RECORDS + 1, 4);
    bh_refresh_crc(d, buf.len);
    CHECK(rejects(d, buf.len));
    CHECK_CONTAINS(bh_msg, "too many records");
    free(d);
    stk_buf_free(&buf);
}

TEST(reject_bad_records)
{
    unsigned char p[256];
    /* unknown and reserved types */
    CHECK(rejects_record(0x7777, "", 0));
    CHECK_CONTAINS(bh_msg, "unknown record type 0x7777");
    CHECK(rejects_record(0x0180, "", 0)); /* between the cgroup and LSM ranges */
    CHECK_CONTAINS(bh_msg, "unknown record type 0x0180");
    /* booleans */
    CHECK(accepts_record(STK_REC_NO_NEW_PRIVS, "\x01", 1));
    CHECK(rejects_record(STK_REC_NO_NEW_PRIVS, "\x02", 1));
    CHECK_CONTAINS(bh_msg, "invalid boolean");
    CHECK(rejects_record(STK_REC_NO_NEW_PRIVS, "\x01\x00", 2));
    CHECK_CONTAINS(bh_msg, "trailing bytes");
    CHECK(rejects_record(STK_REC_NO_NEW_PRIVS, "", 0));
    CHECK_CONTAINS(bh_msg, "truncated");
    /* strings */
    CHECK(accepts_record(STK_REC_USER, "\x03\0\0\0abc\0", 8));
    CHECK(rejects_record(STK_REC_USER, "\x03\0\0\0a\0c\0", 8));
    CHECK_CONTAINS(bh_msg, "NUL byte");
    CHECK(rejects_record(STK_REC_USER, "\x03\0\0\0abcd", 8));
    CHECK_CONTAINS(bh_msg, "not NUL-terminated");
    CHECK(rejects_record(STK_REC_USER, "\0\0\0\0\0", 5));
    CHECK_CONTAINS(bh_msg, "empty string");
    CHECK(rejects_record(STK_REC_USER, "\x09\0\0\0abc\0", 8));
    CHECK_CONTAINS(bh_msg, "truncated");
    CHECK(rejects_record(STK_REC_USER, "\xff\xff\xff\x7f", 4));
    CHECK_CONTAINS(bh_msg, "exceeds the limit");
    CHECK(rejects_record(STK_REC_ENV_KEEP, "\x03\0\0\0A=B\0", 8));
    CHECK_CONTAINS(bh_msg, "invalid environment variable name");
    /* caps */
    memset(p, 0, 16);
    p[0] = 3;
    CHECK(rejects_record(STK_REC_CAPS, p, 16));
    CHECK_CONTAINS(bh_msg, "unknown capabilities mode");
    p[0] = 0;
    p[8] = 1;
    CHECK(rejects_record(STK_REC_CAPS, p, 16));
    CHECK_CONTAINS(bh_msg, "capability mask given");
    p[8] = 0;
    p[3] = 1;
    CHECK(rejects_record(STK_REC_CAPS, p, 16));
    CHECK_CONTAINS(bh_msg, "reserved byte");
    /* rlimits */
    memset(p, 0, 24);
    bh_put_le(p, 16, 4);
    CHECK(rejects_record(STK_REC_RLIMIT, p, 24));
    CHECK_CONTAINS(bh_msg, "unknown resource limit 16");
    bh_put_le(p, RLIMIT_NOFILE, 4);
    bh_put_le(p + 8, 10, 8);
    bh_put_le(p + 16, 5, 8);
    CHECK(rejects_record(STK_REC_RLIMIT, p, 24));
    CHECK_CONTAINS(bh_msg, "soft limit 10 exceeds hard limit 5");
    /* umask */
    bh_put_le(p, 01000, 4);
    CHECK(rejects_record(STK_REC_UMASK, p, 4));
    CHECK_CONTAINS(bh_msg, "umask");
    /* keep_fds */
    memset(p, 0, 16);
    p[0] = 1;
    bh_put_le(p + 4, 1, 4);
    bh_put_le(p + 8, 3, 4);
    CHECK(rejects_record(STK_REC_KEEP_FDS, p, 12));
    CHECK_CONTAINS(bh_msg, "together with \"all\"");
    p[0] = 0;
    bh_put_le(p + 8, 0x80000000u, 4);
    CHECK(rejects_record(STK_REC_KEEP_FDS, p, 12));
    CHECK_CONTAINS(bh_msg, "invalid descriptor");
    bh_put_le(p + 4, STK_BUNDLE_MAX_FDS + 1, 4);
    CHECK(rejects_record(STK_REC_KEEP_FDS, p, 12));
    CHECK_CONTAINS(bh_msg, "too many kept descriptors");
    /* supplementary groups count beyond the limit */
    bh_put_le(p, STK_BUNDLE_MAX_GROUPS + 1, 4);
    CHECK(rejects_record(STK_REC_SUPP_GROUPS, p, 4));
    CHECK_CONTAINS(bh_msg, "too many supplementary groups");
    bh_put_le(p, 5, 4); /* count larger than the data */
    CHECK(rejects_record(STK_REC_SUPP_GROUPS, p, 4));
    CHECK_CONTAINS(bh_msg, "truncated");
}

TEST(reject_duplicates)
{
    unsigned char recs[64], out[128];
    size_t n = bh_rec(recs, STK_REC_USER, "\x01\0\0\0a\0", 6);
    n += bh_rec(recs + n, STK_REC_USER, "\x01\0\0\0b\0", 6);
    CHECK(rejects(out, bh_craft(out, STK_BUNDLE_VERSION, recs, n, 2)));
    CHECK_CONTAINS(bh_msg, "duplicate record");
    unsigned char rl[24] = {0};
    rl[0] = RLIMIT_CORE;
    n = bh_rec(recs, STK_REC_RLIMIT, rl, 24);
    n += bh_rec(recs + n, STK_REC_RLIMIT, rl, 24);
    CHECK(rejects(out, bh_craft(out, STK_BUNDLE_VERSION, recs, n, 2)));
    CHECK_CONTAINS(bh_msg, "duplicate rlimit core");
    /* repeatable records */
    n = bh_rec(recs, STK_REC_ENV_KEEP, "\x01\0\0\0A\0", 6);
    n += bh_rec(recs + n, STK_REC_ENV_KEEP, "\x01\0\0\0B\0", 6);
    CHECK(!rejects(out, bh_craft(out, STK_BUNDLE_VERSION, recs, n, 2)));
}

/* A SECCOMP record payload around the given program and sites. */
static size_t seccomp_payload(unsigned char *p, uint32_t arch, uint32_t flags, const struct sock_filter *f,
                              size_t len, const uint32_t *sites, size_t nsites)
{
    size_t n = 0;
    bh_put_le(p + n, arch, 4), n += 4;
    bh_put_le(p + n, flags, 4), n += 4;
    bh_put_le(p + n, 1, 4), n += 4; /* one filter (test_bundle_seccomp.c: several) */
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

static bool seccomp_rejected(uint32_t arch, uint32_t flags, const struct sock_filter *f, size_t len,
                             const uint32_t *sites, size_t nsites)
{
    static unsigned char p[40000], recs[40100], out[40200];
    size_t pl = seccomp_payload(p, arch, flags, f, len, sites, nsites);
    size_t n = bh_rec(recs, STK_REC_SECCOMP, p, pl);
    return rejects(out, bh_craft(out, STK_BUNDLE_VERSION, recs, n, 1));
}

TEST(reject_bad_seccomp)
{
    uint32_t arch = stk_abis[stk_native_abi()].audit_arch;
    size_t len = sizeof test_insns / sizeof test_insns[0];
    CHECK(!seccomp_rejected(arch, STK_SECCOMP_EXEC_RESTRICTED, test_insns, len, test_sites, 1));
    CHECK(seccomp_rejected(arch ^ 1, 0, test_insns, len, test_sites, 1));
    CHECK_CONTAINS(bh_msg, "compiled for architecture");
    CHECK(seccomp_rejected(arch, 0x80, test_insns, len, test_sites, 1));
    CHECK_CONTAINS(bh_msg, "unknown flags");
    /* exec restricted without a hand-over rule: only execve is denied, the
     * enforcer's execveat needs none */
    CHECK(!seccomp_rejected(arch, STK_SECCOMP_EXEC_RESTRICTED, test_insns, len, NULL, 0));
    /* a hand-over rule although exec is not restricted */
    CHECK(seccomp_rejected(arch, 0, test_insns, len, test_sites, 1));
    CHECK_CONTAINS(bh_msg, "does not restrict exec");
    uint32_t bad_site[] = {0};
    CHECK(seccomp_rejected(arch, 0, test_insns, len, bad_site, 1));
    CHECK_CONTAINS(bh_msg, "not a comparison with the placeholder");
    uint32_t far_site[] = {9};
    CHECK(seccomp_rejected(arch, 0, test_insns, len, far_site, 1));
    CHECK_CONTAINS(bh_msg, "outside the program");
    CHECK(seccomp_rejected(arch, 0, test_insns, 0, NULL, 0));
    CHECK_CONTAINS(bh_msg, "0 instructions");

    struct sock_filter f[4];
    memcpy(f, test_insns, sizeof f);
    f[1].jf = 5; /* jump past the end */
    CHECK(seccomp_rejected(arch, 0, f, 4, NULL, 0));
    CHECK_CONTAINS(bh_msg, "jump out of the program");
    memcpy(f, test_insns, sizeof f);
    f[3] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0); /* no final return */
    CHECK(seccomp_rejected(arch, 0, f, 4, NULL, 0));
    CHECK_CONTAINS(bh_msg, "does not end with a return");
    memcpy(f, test_insns, sizeof f);
    f[0].k = 64; /* beyond seccomp_data */
    CHECK(seccomp_rejected(arch, 0, f, 4, NULL, 0));
    CHECK_CONTAINS(bh_msg, "load outside seccomp_data");
    memcpy(f, test_insns, sizeof f);
    f[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0); /* byte loads: not for seccomp */
    CHECK(seccomp_rejected(arch, 0, f, 4, NULL, 0));
    CHECK_CONTAINS(bh_msg, "not allowed in seccomp filters");
    memcpy(f, test_insns, sizeof f);
    f[0] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0);
    CHECK(seccomp_rejected(arch, 0, f, 4, NULL, 0));
    CHECK_CONTAINS(bh_msg, "division by zero");

    static struct sock_filter big[STK_BUNDLE_MAX_INSNS + 1];
    for (size_t i = 0; i < STK_BUNDLE_MAX_INSNS + 1; i++)
        big[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    CHECK(!seccomp_rejected(arch, 0, big, STK_BUNDLE_MAX_INSNS, NULL, 0));
    CHECK(seccomp_rejected(arch, 0, big, STK_BUNDLE_MAX_INSNS + 1, NULL, 0));
    CHECK_CONTAINS(bh_msg, "4097 instructions");

    /* two seccomp records */
    static unsigned char p[200], recs[500], out[600];
    size_t pl = seccomp_payload(p, arch, 0, test_insns, len, NULL, 0);
    size_t n = bh_rec(recs, STK_REC_SECCOMP, p, pl);
    n += bh_rec(recs + n, STK_REC_SECCOMP, p, pl);
    CHECK(rejects(out, bh_craft(out, STK_BUNDLE_VERSION, recs, n, 2)));
    CHECK_CONTAINS(bh_msg, "duplicate record");
}

TEST(load_file_errors)
{
    struct stk_bundle *b;
    struct stk_err e = {0};
    CHECK(stk_bundle_load("/nonexistent/x.bundle", &b, &e) < 0);
    CHECK_INT(e.status, 125);
    CHECK_CONTAINS(e.msg, "No such file");
    CHECK(stk_bundle_load("/", &b, &e) < 0);
    CHECK_CONTAINS(e.msg, "not a regular file");
    char path[] = "/tmp/stk-test-bundle-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    struct stk_buf buf = write_full();
    CHECK(write(fd, buf.data, buf.len) == (ssize_t)buf.len);
    CHECK(stk_bundle_load(path, &b, &e) == 0);
    CHECK_STR(b->name, "web");
    stk_bundle_free(b);
    /* oversized file */
    CHECK(ftruncate(fd, STK_BUNDLE_MAX_LEN + 10) == 0);
    CHECK(stk_bundle_load(path, &b, &e) < 0);
    CHECK_CONTAINS(e.msg, "oversized");
    close(fd);
    unlink(path);
    stk_buf_free(&buf);
}

int main(void)
{
    RUN(crc32c_check_value);
    RUN(roundtrip_full);
    RUN(roundtrip_minimal);
    RUN(roundtrip_keep_all_fds_and_caps_all);
    RUN(exec_restricted_flag);
    RUN(printer_shows_every_step);
    RUN(reject_every_truncation);
    RUN(reject_every_corrupted_byte);
    RUN(reject_header_problems);
    RUN(reject_bad_records);
    RUN(reject_duplicates);
    RUN(reject_bad_seccomp);
    RUN(load_file_errors);
    return test_summary();
}
