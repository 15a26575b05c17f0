/* bundle_write.c — IR + BPF program -> bundle bytes (docs/bundle.md). */
#include "bundle/bundle_write.h"

#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>

#include "bundle/bw.h"
#include "bundle_cgroup.h"
#include "bundle_format.h"
#include "bundle_isolation.h"
#include "bundle_landlock.h"
#include "syscalls.h"

_Static_assert(STK_BUNDLE_EXEC_FD_PLACEHOLDER == STK_EXEC_FD_PLACEHOLDER,
               "the bundle and the code generator must agree on the exec descriptor placeholder");
_Static_assert(STK_BUNDLE_EXEC_HANDOVER_RET == (SECCOMP_RET_USER_NOTIF | STK_EXEC_HANDOVER_DATA),
               "the bundle and the compiler must agree on the exec hand-over rule's return");
_Static_assert(STK_BUNDLE_MAX_FILTER_PATH == STK_BPF_MAX_PATH_INSNS && STK_BUNDLE_MAX_INSNS == STK_BPF_MAX_INSNS,
               "the bundle and the code generator must agree on the kernel's filter limits");
_Static_assert(STK_RLIMIT_COUNT == STK_BUNDLE_RLIMITS, "rlimit table sizes differ");
/* The record count follows from the per-list bounds sema keeps: at most 32
 * process singletons, an rlimit each, the env lists, the unenforced blocks,
 * 64 isolation singletons and the mounts, landlock's header and rules, the
 * cgroup's, and 256 lsm records. */
_Static_assert(32 + STK_BUNDLE_RLIMITS + 2 * STK_BUNDLE_MAX_ENV + STK_BUNDLE_MAX_UNENFORCED + 64 + STK_BMOUNT_MAX +
                       1 + 2 * STK_BUNDLE_MAX_LANDLOCK_RULES + 1 + STK_CG_NKEYS + 256 <=
                   STK_BUNDLE_MAX_RECORDS,
               "the reader's record limit is below what the per-list limits allow");

static uint64_t get_le(const char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | (unsigned char)p[i];
    return v;
}

static void set_le(struct stk_buf *b, size_t at, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        b->data[at + (size_t)i] = (char)(unsigned char)(v >> (8 * i));
}

int stk_bundle_write_check(const struct stk_buf *bundle, char *err, size_t n)
{
    if (bundle->len > STK_BUNDLE_MAX_LEN) {
        snprintf(err, n,
                 "the bundle would be %zu bytes; the enforcer reads at most %u (4 MiB): shorten the env values "
                 "or the landlock paths",
                 bundle->len, STK_BUNDLE_MAX_LEN);
        return -1;
    }
    uint64_t nrec = bundle->len >= STK_BUNDLE_HEADER_LEN ? get_le(bundle->data + 24, 4) : 0;
    if (nrec > STK_BUNDLE_MAX_RECORDS) {
        snprintf(err, n, "the bundle would have %llu records; the enforcer reads at most %u",
                 (unsigned long long)nrec, STK_BUNDLE_MAX_RECORDS);
        return -1;
    }
    return 0;
}

bool stk_bundle_write_exec_restricted(const struct stk_seccomp *s)
{
    return stk_seccomp_restricts(s, "execve") || stk_seccomp_restricts(s, "execveat");
}


/* `quiet`: the seccomp numbers of the quiet calls on every ABI the filter
 * lets in (STK_REC_REPORT_QUIET), for --report. */
static void write_quiet(struct stk_bwriter *w, const struct stk_policy_ir *ir, const struct stk_bpf_prog *prog)
{
    const struct stk_seccomp *sc = &ir->seccomp;
    if (!prog || !prog->len || !sc->nquiet)
        return;
    uint32_t n = 0;
    for (size_t i = 0; i < sc->nquiet; i++)
        for (int a = 0; a < STK_ABI_COUNT; a++)
            n += sc->abis[a] && stk_syscall_nr(sc->quiet[i], (enum stk_abi)a) >= 0;
    if (!n)
        return;
    stk_bw_begin(w, STK_REC_REPORT_QUIET);
    stk_bw_u32(w, n);
    for (size_t i = 0; i < sc->nquiet; i++)
        for (int a = 0; a < STK_ABI_COUNT; a++) {
            int64_t nr = stk_syscall_nr(sc->quiet[i], (enum stk_abi)a);
            if (!sc->abis[a] || nr < 0)
                continue;
            stk_bw_u32(w, stk_abis[a].audit_arch);
            stk_bw_u32(w, (uint32_t)nr);
        }
    stk_bw_end(w);
}

void stk_bundle_write(const struct stk_policy_ir *ir, const struct stk_bpf_prog *prog, struct stk_buf *out)
{
    size_t start = out->len;
    struct stk_bwriter w = {out, 0, 0};

    stk_buf_put(out, STK_BUNDLE_MAGIC, STK_BUNDLE_MAGIC_LEN);
    stk_bw_u32(&w, STK_BUNDLE_VERSION);
    stk_bw_u32(&w, 0); /* header flags */
    stk_bw_u64(&w, 0); /* total length, set below */
    stk_bw_u32(&w, 0); /* record count, set below */
    stk_bw_u32(&w, 0); /* CRC-32C, set below */

    if (ir->name)
        stk_bw_rec_str(&w, STK_REC_NAME, ir->name);
    stk_bw_rec_bool(&w, STK_REC_NO_NEW_PRIVS, ir->no_new_privs);
    if (ir->user)
        stk_bw_rec_str(&w, STK_REC_USER, ir->user);
    if (ir->group)
        stk_bw_rec_str(&w, STK_REC_GROUP, ir->group);
    if (ir->nsupp) {
        stk_bw_begin(&w, STK_REC_SUPP_GROUPS);
        stk_bw_u32(&w, (uint32_t)ir->nsupp);
        for (size_t i = 0; i < ir->nsupp; i++)
            stk_bw_str(&w, ir->supp_groups[i]);
        stk_bw_end(&w);
    }

    stk_bw_begin(&w, STK_REC_CAPS);
    uint8_t mode = ir->caps_mode == STK_CAPS_ALL ? 1 : ir->caps_mode == STK_CAPS_KEEP ? 2 : 0;
    stk_bw_u8(&w, mode);
    stk_bw_zero(&w, 7);
    stk_bw_u64(&w, mode == 2 ? ir->caps_keep : 0);
    stk_bw_end(&w);

    for (unsigned r = 0; r < STK_RLIMIT_COUNT; r++) {
        if (!ir->rlimits[r].set)
            continue;
        stk_bw_begin(&w, STK_REC_RLIMIT);
        stk_bw_u32(&w, r);
        stk_bw_u32(&w, 0);
        stk_bw_u64(&w, ir->rlimits[r].soft);
        stk_bw_u64(&w, ir->rlimits[r].hard);
        stk_bw_end(&w);
    }

    stk_bw_rec_bool(&w, STK_REC_ENV_CLEAR, ir->env_clear);
    for (size_t i = 0; i < ir->nenv_keep; i++)
        stk_bw_rec_str(&w, STK_REC_ENV_KEEP, ir->env_keep[i]);
    for (size_t i = 0; i < ir->nenv_set; i++) {
        stk_bw_begin(&w, STK_REC_ENV_SET);
        stk_bw_str(&w, ir->env_set[i].name);
        stk_bw_str(&w, ir->env_set[i].value);
        stk_bw_end(&w);
    }
    if (ir->workdir)
        stk_bw_rec_str(&w, STK_REC_WORKDIR, ir->workdir);
    if (ir->umask_set) {
        stk_bw_begin(&w, STK_REC_UMASK);
        stk_bw_u32(&w, ir->umask);
        stk_bw_end(&w);
    }
    if (ir->keep_all_fds || ir->nkeep_fds) {
        stk_bw_begin(&w, STK_REC_KEEP_FDS);
        stk_bw_u8(&w, ir->keep_all_fds);
        stk_bw_zero(&w, 3);
        stk_bw_u32(&w, ir->keep_all_fds ? 0 : (uint32_t)ir->nkeep_fds);
        for (size_t i = 0; !ir->keep_all_fds && i < ir->nkeep_fds; i++)
            stk_bw_u32(&w, (uint32_t)ir->keep_fds[i]);
        stk_bw_end(&w);
    }

    if (prog && prog->nfilters) {
        stk_bw_begin(&w, STK_REC_SECCOMP);
        stk_bw_u32(&w, stk_abis[stk_native_abi()].audit_arch);
        stk_bw_u32(&w, stk_bundle_write_exec_restricted(&ir->seccomp) ? STK_SECCOMP_EXEC_RESTRICTED : 0);
        stk_bw_u32(&w, (uint32_t)prog->nfilters);
        for (size_t f = 0; f < prog->nfilters; f++) {
            const struct stk_bpf_filter *p = &prog->filters[f];
            stk_bw_u32(&w, (uint32_t)p->len);
            for (size_t i = 0; i < p->len; i++) {
                stk_bw_u16(&w, p->insns[i].code);
                stk_bw_u8(&w, p->insns[i].jt);
                stk_bw_u8(&w, p->insns[i].jf);
                stk_bw_u32(&w, p->insns[i].k);
            }
            stk_bw_u32(&w, (uint32_t)p->nexec_fd_insns);
            for (size_t i = 0; i < p->nexec_fd_insns; i++)
                stk_bw_u32(&w, p->exec_fd_insns[i]);
        }
        stk_bw_end(&w);
    }

    stk_bundle_write_isolation(&w, ir);
    stk_bundle_write_landlock(&w, ir);
    stk_bundle_write_cgroup(&w, ir);
    stk_bundle_write_lsm(&w, ir);

    for (size_t i = 0; i < ir->nunenforced; i++)
        stk_bw_rec_str(&w, STK_REC_UNENFORCED, ir->unenforced[i]);
    write_quiet(&w, ir, prog);

    size_t total = out->len - start;
    set_le(out, start + 16, total, 8);
    set_le(out, start + 24, w.nrec, 4);
    uint32_t crc = stk_crc32c(0, out->data + start, total); /* CRC field is still 0 */
    set_le(out, start + STK_BUNDLE_CRC_OFFSET, crc, 4);
}
