/* bundle_harness.c — bundles made by hand and by the compiler, read back
 * (bundle_harness.h). */
#include "lib/bundle_harness.h"

#include <stdio.h>
#include <string.h>

#include "bundle/bundle_write.h"
#include "bundle_format.h"
#include "diag.h"
#include "pipeline.h"
#include "seccomp/bpf_gen.h"

char bh_msg[1024];

void bh_put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

size_t bh_put_str(unsigned char *p, const char *s)
{
    size_t n = strlen(s);
    bh_put_le(p, n, 4);
    memcpy(p + 4, s, n + 1);
    return 4 + n + 1;
}

size_t bh_rec(unsigned char *out, uint16_t type, const void *payload, size_t plen)
{
    bh_put_le(out, type, 2);
    bh_put_le(out + 2, 0, 2);
    bh_put_le(out + 4, plen, 4);
    if (plen)
        memcpy(out + STK_BUNDLE_REC_HEADER_LEN, payload, plen);
    return STK_BUNDLE_REC_HEADER_LEN + plen;
}

void bh_refresh_crc(unsigned char *d, size_t len)
{
    bh_put_le(d + STK_BUNDLE_CRC_OFFSET, 0, 4);
    bh_put_le(d + STK_BUNDLE_CRC_OFFSET, stk_crc32c(0, d, len), 4);
}

void bh_seal(unsigned char *d, size_t len, uint32_t version, uint32_t nrec)
{
    memcpy(d, STK_BUNDLE_MAGIC, STK_BUNDLE_MAGIC_LEN);
    bh_put_le(d + 8, version, 4);
    bh_put_le(d + 12, 0, 4);
    bh_put_le(d + 16, len, 8);
    bh_put_le(d + 24, nrec, 4);
    bh_refresh_crc(d, len);
}

size_t bh_craft(unsigned char *out, uint32_t version, const unsigned char *recs, size_t rlen, uint32_t nrec)
{
    if (rlen)
        memcpy(out + STK_BUNDLE_HEADER_LEN, recs, rlen);
    bh_seal(out, STK_BUNDLE_HEADER_LEN + rlen, version, nrec);
    return STK_BUNDLE_HEADER_LEN + rlen;
}

int bh_read(const void *d, size_t len, struct stk_bundle **out)
{
    struct stk_bundle *b = NULL;
    struct stk_err e = {0};
    int r = stk_bundle_read(d, len, &b, &e);
    snprintf(bh_msg, sizeof bh_msg, "%s: %s", e.step, e.msg);
    if (r == 0) {
        if (out)
            *out = b;
        else
            stk_bundle_free(b);
        return 0;
    }
    if (out)
        *out = NULL;
    bool shaped = b == NULL && e.status == 125 && strcmp(e.step, "bundle") == 0;
    stk_bundle_free(b);
    return shaped ? -1 : -2;
}

struct stk_bundle *bh_roundtrip(const char *text, bool with_bpf)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("t.stk", text, strlen(text), NULL, &ds);
    size_t nerr = ds.nerrors;
    stk_diags_free(&ds);
    if (!ir || nerr) {
        snprintf(bh_msg, sizeof bh_msg, "the policy does not compile (%zu errors)", nerr);
        stk_policy_ir_free(ir);
        return NULL;
    }
    struct stk_bpf_prog prog = {0};
    struct stk_buf buf = {0};
    struct stk_bundle *b = NULL;
    char err[256];
    if (with_bpf && stk_bpf_generate(ir, &prog, err, sizeof err) < 0)
        snprintf(bh_msg, sizeof bh_msg, "the generator fails: %s", err);
    else {
        stk_bundle_write(ir, with_bpf ? &prog : NULL, &buf);
        if (bh_read(buf.data, buf.len, &b) < 0)
            b = NULL;
    }
    stk_bpf_prog_free(&prog);
    stk_buf_free(&buf);
    stk_policy_ir_free(ir);
    return b;
}
