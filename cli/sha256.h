/* sha256.h — SHA-256 (FIPS 180-4), for the run cache's keys and file
 * fingerprints (run_cache.c). */
#ifndef STK_SHA256_H
#define STK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define STK_SHA256_LEN 32

struct stk_sha256 {
    uint32_t h[8];
    uint64_t total;         /* bytes hashed so far */
    unsigned char buf[64];
    size_t nbuf;
};

void stk_sha256_init(struct stk_sha256 *s);
void stk_sha256_update(struct stk_sha256 *s, const void *data, size_t len);
void stk_sha256_final(struct stk_sha256 *s, unsigned char out[STK_SHA256_LEN]);
/* One call: out = SHA-256(data[0..len)). */
void stk_sha256(const void *data, size_t len, unsigned char out[STK_SHA256_LEN]);

#endif
