/* bw.c — the bundle writer's record primitives, stk_bw_* (bw.h). */
#include "bundle/bw.h"

#include <string.h>

#include "bundle_format.h"

static void put_le(struct stk_buf *b, uint64_t v, int n)
{
    unsigned char x[8];
    for (int i = 0; i < n; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    stk_buf_put(b, x, (size_t)n);
}

void stk_bw_u8(struct stk_bwriter *w, uint8_t v) { stk_buf_put(w->out, &v, 1); }
void stk_bw_u16(struct stk_bwriter *w, uint16_t v) { put_le(w->out, v, 2); }
void stk_bw_u32(struct stk_bwriter *w, uint32_t v) { put_le(w->out, v, 4); }
void stk_bw_u64(struct stk_bwriter *w, uint64_t v) { put_le(w->out, v, 8); }

void stk_bw_zero(struct stk_bwriter *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        stk_bw_u8(w, 0);
}

void stk_bw_bytes(struct stk_bwriter *w, const void *p, size_t n)
{
    stk_buf_put(w->out, p, n);
}

void stk_bw_str(struct stk_bwriter *w, const char *s)
{
    size_t n = strlen(s);
    stk_bw_u32(w, (uint32_t)n);
    stk_buf_put(w->out, s, n + 1); /* with its NUL */
}

void stk_bw_begin(struct stk_bwriter *w, uint16_t type)
{
    w->rec_at = w->out->len;
    stk_bw_u16(w, type);
    stk_bw_u16(w, 0);
    stk_bw_u32(w, 0); /* payload length, set by stk_bw_end */
}

void stk_bw_end(struct stk_bwriter *w)
{
    size_t plen = w->out->len - w->rec_at - STK_BUNDLE_REC_HEADER_LEN;
    for (int i = 0; i < 4; i++)
        w->out->data[w->rec_at + 4 + (size_t)i] = (char)(unsigned char)(plen >> (8 * i));
    w->nrec++;
}

void stk_bw_rec_str(struct stk_bwriter *w, uint16_t type, const char *s)
{
    stk_bw_begin(w, type);
    stk_bw_str(w, s);
    stk_bw_end(w);
}

void stk_bw_rec_bool(struct stk_bwriter *w, uint16_t type, bool v)
{
    stk_bw_begin(w, type);
    stk_bw_u8(w, v);
    stk_bw_end(w);
}
