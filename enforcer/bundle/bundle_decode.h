/* bundle_decode.h — bounds-checked reading of bundle payloads, shared by
 * bundle_read.c and the per-part readers (bundle_read_isolation.c,
 * _landlock.c, _cgroup.c, _lsm.c).  Every function returns 0, or -1 with
 * the cursor's error filled (step "bundle"); `what` names the field. */
#ifndef STK_BUNDLE_DECODE_H
#define STK_BUNDLE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bundle/bundle.h"
#include "err.h"

struct stk_bcur {
    const unsigned char *p, *end; /* the unread part of one record's payload */
    const unsigned char *base;    /* start of the bundle, for offsets in messages */
    struct stk_err *e;
};

int stk_bc_need(struct stk_bcur *c, size_t n, const char *what);
uint64_t stk_bc_le(const unsigned char *p, int n);
int stk_bc_u8(struct stk_bcur *c, uint8_t *v, const char *what);
int stk_bc_u16(struct stk_bcur *c, uint16_t *v, const char *what);
int stk_bc_u32(struct stk_bcur *c, uint32_t *v, const char *what);
int stk_bc_u64(struct stk_bcur *c, uint64_t *v, const char *what);
int stk_bc_bool(struct stk_bcur *c, bool *v, const char *what); /* u8 0 or 1 */
int stk_bc_zero(struct stk_bcur *c, size_t n, const char *what); /* n reserved zero bytes */
/* u32 length, bytes with no NUL, NUL; *s points into the bundle's copy. */
int stk_bc_str(struct stk_bcur *c, const char **s, size_t max, bool nonempty, const char *what);
/* Append val (esz bytes) to a growing array, at most max elements. */
int stk_bc_push(void *arrp, size_t *n, size_t esz, size_t max, const void *val, struct stk_err *e,
                const char *what);

/* Per-part readers.  read: decode one record of the part's type range into
 * b (the cursor covers exactly the payload; the caller checks nothing is
 * left).  check: cross-record validation once every record is read.  free:
 * release what read allocated.  print: the part's dry-run lines. */
int stk_bundle_read_seccomp(struct stk_bcur *c, struct stk_bundle *b);
void stk_bundle_free_seccomp(struct stk_bundle *b);
int stk_bundle_read_isolation(struct stk_bcur *c, uint16_t type, struct stk_bundle *b);
int stk_bundle_check_isolation(const struct stk_bundle *b, struct stk_err *e);
void stk_bundle_free_isolation(struct stk_bundle *b);
int stk_bundle_read_landlock(struct stk_bcur *c, uint16_t type, struct stk_bundle *b);
int stk_bundle_check_landlock(const struct stk_bundle *b, struct stk_err *e);
void stk_bundle_free_landlock(struct stk_bundle *b);
int stk_bundle_read_cgroup(struct stk_bcur *c, uint16_t type, struct stk_bundle *b);
int stk_bundle_check_cgroup(const struct stk_bundle *b, struct stk_err *e);
void stk_bundle_free_cgroup(struct stk_bundle *b);
int stk_bundle_read_lsm(struct stk_bcur *c, uint16_t type, struct stk_bundle *b);
int stk_bundle_check_lsm(const struct stk_bundle *b, struct stk_err *e);
void stk_bundle_free_lsm(struct stk_bundle *b);

#endif
