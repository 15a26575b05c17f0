/* bundle_write.c — IR + BPF program -> bundle bytes (docs/bundle.md). */
#include "bundle_write.h"

#include <string.h>

#include "bundle_format.h"
#include "syscalls.h"

_Static_assert(STK_BUNDLE_EXEC_FD_PLACEHOLDER == STK_EXEC_FD_PLACEHOLDER,
               "the bundle and the code generator must agree on the exec descriptor placeholder");
_Static_assert(STK_RLIMIT_COUNT == STK_BUNDLE_RLIMITS, "rlimit table sizes differ");

static void put_u8(struct stk_buf *b, uint8_t v)
{
    stk_buf_put(b, &v, 1);
}

static void put_le(struct stk_buf *b, uint64_t v, int n)
{
    unsigned char x[8];
    for (int i = 0; i < n; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    stk_buf_put(b, x, (size_t)n);
}

static void put_u16(struct stk_buf *b, uint16_t v) { put_le(b, v, 2); }
static void put_u32(struct stk_buf *b, uint32_t v) { put_le(b, v, 4); }
static void put_u64(struct stk_buf *b, uint64_t v) { put_le(b, v, 8); }

static void put_str(struct stk_buf *b, const char *s)
{
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n);
    stk_buf_put(b, s, n + 1); /* with its NUL */
}

static void set_le(struct stk_buf *b, size_t at, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        b->data[at + (size_t)i] = (char)(unsigned char)(v >> (8 * i));
}

struct writer {
    struct stk_buf *out;
    size_t rec_at;  /* offset of the open record's header */
    uint32_t nrec;
};

static void rec_begin(struct writer *w, uint16_t type)
{
    w->rec_at = w->out->len;
    put_u16(w->out, type);
    put_u16(w->out, 0);
    put_u32(w->out, 0); /* payload length, set by rec_end */
}

static void rec_end(struct writer *w)
{
    size_t plen = w->out->len - w->rec_at - STK_BUNDLE_REC_HEADER_LEN;
    set_le(w->out, w->rec_at + 4, plen, 4);
    w->nrec++;
}

static void rec_str(struct writer *w, uint16_t type, const char *s)
{
    rec_begin(w, type);
    put_str(w->out, s);
    rec_end(w);
}

static void rec_bool(struct writer *w, uint16_t type, bool v)
{
    rec_begin(w, type);
    put_u8(w->out, v);
    rec_end(w);
}

static bool syscall_restricted(const struct stk_seccomp *s, const char *name)
{
    int id = stk_syscall_lookup(name);
    if (id < 0)
        return s->def.kind != STK_ACT_ALLOW;
    for (size_t i = 0; i < s->nrules; i++) {
        const struct stk_rule *r = &s->rules[i];
        if (r->syscall != id)
            continue;
        if (r->action.kind != STK_ACT_ALLOW)
            return true;
        if (!r->cond || r->cond->kind == STK_COND_TRUE)
            return false; /* first unconditional rule decides; later rules are unreachable */
    }
    return s->def.kind != STK_ACT_ALLOW;
}

bool stk_bundle_exec_restricted(const struct stk_seccomp *s)
{
    return syscall_restricted(s, "execve") || syscall_restricted(s, "execveat");
}

void stk_bundle_write(const struct stk_policy_ir *ir, const struct stk_bpf_prog *prog, struct stk_buf *out)
{
    size_t start = out->len;
    struct writer w = {out, 0, 0};

    stk_buf_put(out, STK_BUNDLE_MAGIC, STK_BUNDLE_MAGIC_LEN);
    put_u32(out, STK_BUNDLE_VERSION);
    put_u32(out, 0); /* header flags */
    put_u64(out, 0); /* total length, set below */
    put_u32(out, 0); /* record count, set below */
    put_u32(out, 0); /* CRC-32C, set below */

    if (ir->name)
        rec_str(&w, STK_REC_NAME, ir->name);
    rec_bool(&w, STK_REC_NO_NEW_PRIVS, ir->no_new_privs);
    if (ir->user)
        rec_str(&w, STK_REC_USER, ir->user);
    if (ir->group)
        rec_str(&w, STK_REC_GROUP, ir->group);
    if (ir->nsupp) {
        rec_begin(&w, STK_REC_SUPP_GROUPS);
        put_u32(out, (uint32_t)ir->nsupp);
        for (size_t i = 0; i < ir->nsupp; i++)
            put_str(out, ir->supp_groups[i]);
        rec_end(&w);
    }

    rec_begin(&w, STK_REC_CAPS);
    uint8_t mode = ir->caps_mode == STK_CAPS_ALL ? 1 : ir->caps_mode == STK_CAPS_KEEP ? 2 : 0;
    put_u8(out, mode);
    put_le(out, 0, 7);
    put_u64(out, mode == 2 ? ir->caps_keep : 0);
    rec_end(&w);

    for (unsigned r = 0; r < STK_RLIMIT_COUNT; r++) {
        if (!ir->rlimits[r].set)
            continue;
        rec_begin(&w, STK_REC_RLIMIT);
        put_u32(out, r);
        put_u32(out, 0);
        put_u64(out, ir->rlimits[r].soft);
        put_u64(out, ir->rlimits[r].hard);
        rec_end(&w);
    }

    rec_bool(&w, STK_REC_ENV_CLEAR, ir->env_clear);
    for (size_t i = 0; i < ir->nenv_keep; i++)
        rec_str(&w, STK_REC_ENV_KEEP, ir->env_keep[i]);
    for (size_t i = 0; i < ir->nenv_set; i++) {
        rec_begin(&w, STK_REC_ENV_SET);
        put_str(out, ir->env_set[i].name);
        put_str(out, ir->env_set[i].value);
        rec_end(&w);
    }
    if (ir->workdir)
        rec_str(&w, STK_REC_WORKDIR, ir->workdir);
    if (ir->umask_set) {
        rec_begin(&w, STK_REC_UMASK);
        put_u32(out, ir->umask);
        rec_end(&w);
    }
    if (ir->keep_all_fds || ir->nkeep_fds) {
        rec_begin(&w, STK_REC_KEEP_FDS);
        put_u8(out, ir->keep_all_fds);
        put_le(out, 0, 3);
        put_u32(out, ir->keep_all_fds ? 0 : (uint32_t)ir->nkeep_fds);
        for (size_t i = 0; !ir->keep_all_fds && i < ir->nkeep_fds; i++)
            put_u32(out, (uint32_t)ir->keep_fds[i]);
        rec_end(&w);
    }

    if (prog && prog->len) {
        rec_begin(&w, STK_REC_SECCOMP);
        put_u32(out, stk_abis[stk_native_abi()].audit_arch);
        put_u32(out, stk_bundle_exec_restricted(&ir->seccomp) ? STK_SECCOMP_EXEC_RESTRICTED : 0);
        put_u32(out, (uint32_t)prog->len);
        for (size_t i = 0; i < prog->len; i++) {
            put_u16(out, prog->insns[i].code);
            put_u8(out, prog->insns[i].jt);
            put_u8(out, prog->insns[i].jf);
            put_u32(out, prog->insns[i].k);
        }
        put_u32(out, (uint32_t)prog->nexec_fd_insns);
        for (size_t i = 0; i < prog->nexec_fd_insns; i++)
            put_u32(out, prog->exec_fd_insns[i]);
        rec_end(&w);
    }

    for (size_t i = 0; i < ir->nunenforced; i++)
        rec_str(&w, STK_REC_UNENFORCED, ir->unenforced[i]);

    size_t total = out->len - start;
    set_le(out, start + 16, total, 8);
    set_le(out, start + 24, w.nrec, 4);
    uint32_t crc = stk_crc32c(0, out->data + start, total); /* CRC field is still 0 */
    set_le(out, start + STK_BUNDLE_CRC_OFFSET, crc, 4);
}
