/* bw.h — the bundle writer's primitives (stk_bw_*, bw.c): writing bundle
 * records (common/bundle_format.h), shared by bundle_write.c and the
 * per-part writers (bundle_write_isolation.c, _landlock.c, _cgroup.c, _lsm.c),
 * which are declared here too. */
#ifndef STK_BW_H
#define STK_BW_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"
#include "util.h"

struct stk_bwriter {
    struct stk_buf *out;
    size_t rec_at; /* offset of the open record's header */
    uint32_t nrec;
};

/* Little-endian integers and strings (u32 length, bytes, NUL) into the open record. */
void stk_bw_u8(struct stk_bwriter *w, uint8_t v);
void stk_bw_u16(struct stk_bwriter *w, uint16_t v);
void stk_bw_u32(struct stk_bwriter *w, uint32_t v);
void stk_bw_u64(struct stk_bwriter *w, uint64_t v);
void stk_bw_zero(struct stk_bwriter *w, size_t n);
void stk_bw_str(struct stk_bwriter *w, const char *s);
void stk_bw_bytes(struct stk_bwriter *w, const void *p, size_t n);

/* A record: begin, payload, end (sets the payload length). */
void stk_bw_begin(struct stk_bwriter *w, uint16_t type);
void stk_bw_end(struct stk_bwriter *w);
/* One-value records. */
void stk_bw_rec_str(struct stk_bwriter *w, uint16_t type, const char *s);
void stk_bw_rec_bool(struct stk_bwriter *w, uint16_t type, bool v);

/* Per-part writers: append the part's records (nothing when the policy has none). */
void stk_bundle_write_isolation(struct stk_bwriter *w, const struct stk_policy_ir *ir);
void stk_bundle_write_landlock(struct stk_bwriter *w, const struct stk_policy_ir *ir);
void stk_bundle_write_cgroup(struct stk_bwriter *w, const struct stk_policy_ir *ir);
void stk_bundle_write_lsm(struct stk_bwriter *w, const struct stk_policy_ir *ir);

#endif
