/* bundle_harness.h — what the bundle tests share: little-endian fields,
 * records and headers laid out by hand (with a valid CRC), reading a bundle
 * back with a check that a rejection has the reader's shape, and the round
 * trip policy text -> compiler -> bundle bytes -> reader.
 * These functions never fail a test themselves (testlib.h's state is per
 * test program): they return a status and leave the reason in bh_msg. */
#ifndef STK_BUNDLE_HARNESS_H
#define STK_BUNDLE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/bundle.h"

/* The reason of the last bh_read/bh_roundtrip result ("step: message"). */
extern char bh_msg[1024];

/* Store v in n bytes at p, least significant byte first. */
void bh_put_le(unsigned char *p, uint64_t v, int n);
/* A string field at p (u32 length, the bytes, a NUL); returns its size. */
size_t bh_put_str(unsigned char *p, const char *s);
/* One record at out: type, reserved 0, payload length, payload; returns its size. */
size_t bh_rec(unsigned char *out, uint16_t type, const void *payload, size_t plen);
/* Fill the header of the len-byte bundle at d (magic, version, flags 0,
 * length, record count) and its CRC. */
void bh_seal(unsigned char *d, size_t len, uint32_t version, uint32_t nrec);
/* Recompute the CRC of the len-byte bundle at d (after editing a field). */
void bh_refresh_crc(unsigned char *d, size_t len);
/* A bundle at out: a header and the rlen bytes of records recs, sealed;
 * returns its length. */
size_t bh_craft(unsigned char *out, uint32_t version, const unsigned char *recs, size_t rlen, uint32_t nrec);

/* Read the bundle d: 0 accepted (the bundle in *out if out, else freed),
 * -1 rejected as the reader must reject (no bundle, status 125, step
 * "bundle"), -2 rejected in any other shape.  bh_msg says why. */
int bh_read(const void *d, size_t len, struct stk_bundle **out);

/* Compile the policy text, write its bundle (with its seccomp program when
 * with_bpf) and read it back; NULL with the reason in bh_msg when the policy
 * has an error, the generator fails or the reader rejects the bundle. */
struct stk_bundle *bh_roundtrip(const char *text, bool with_bpf);

#endif
