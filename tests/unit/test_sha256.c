/* test_sha256.c — the run cache's SHA-256 (cli/sha256.c) against the FIPS
 * 180-4 example values, and fed in pieces of every size from 1 to 130 bytes
 * (the block boundary and the padding's two cases). */
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "testlib.h"

static void hex(const unsigned char *h, char *out)
{
    for (int i = 0; i < STK_SHA256_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

TEST(sha256_known_values)
{
    unsigned char h[STK_SHA256_LEN];
    char x[65];
    stk_sha256("", 0, h);
    hex(h, x);
    CHECK_STR(x, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    stk_sha256("abc", 3, h);
    hex(h, x);
    CHECK_STR(x, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    stk_sha256(two, strlen(two), h);
    hex(h, x);
    CHECK_STR(x, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *m = malloc(1000000);
    CHECK(m);
    memset(m, 'a', 1000000);
    stk_sha256(m, 1000000, h);
    hex(h, x);
    CHECK_STR(x, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(m);
}

TEST(sha256_in_pieces)
{
    unsigned char data[700], one[STK_SHA256_LEN], parts[STK_SHA256_LEN];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 31 + 7);
    for (size_t len = 0; len <= sizeof data; len += 13) {
        stk_sha256(data, len, one);
        for (size_t piece = 1; piece <= 130; piece++) {
            struct stk_sha256 s;
            stk_sha256_init(&s);
            for (size_t off = 0; off < len; off += piece)
                stk_sha256_update(&s, data + off, len - off < piece ? len - off : piece);
            stk_sha256_final(&s, parts);
            CHECK_MSG(memcmp(one, parts, sizeof one) == 0, "%zu bytes in pieces of %zu", len, piece);
        }
    }
    /* lengths around the padding's boundary (55, 56, 63, 64 bytes) */
    unsigned char a[STK_SHA256_LEN], b[STK_SHA256_LEN];
    stk_sha256(data, 55, a);
    stk_sha256(data, 56, b);
    CHECK(memcmp(a, b, sizeof a) != 0);
}

int main(void)
{
    RUN(sha256_known_values);
    RUN(sha256_in_pieces);
    return test_summary();
}
