/* fuzz_bundle.c — libFuzzer target for the bundle reader.  Most inputs would
 * stop at the checksum, so every other input gets a correct CRC-32C (and the
 * header's length field set to its size) before it is read: the record
 * decoder and the BPF checks see the fuzzer's bytes too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct stk_bundle *b = NULL;
    struct stk_err e = {0};
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (size >= STK_BUNDLE_HEADER_LEN && (data[0] & 1) == 0) {
        memcpy(copy, STK_BUNDLE_MAGIC, STK_BUNDLE_MAGIC_LEN);
        for (int i = 0; i < 8; i++)
            copy[16 + i] = (uint8_t)((uint64_t)size >> (8 * i));
        memset(copy + STK_BUNDLE_CRC_OFFSET, 0, 4);
        uint32_t crc = stk_crc32c(0, copy, size);
        for (int i = 0; i < 4; i++)
            copy[STK_BUNDLE_CRC_OFFSET + i] = (uint8_t)(crc >> (8 * i));
    }
    if (stk_bundle_read(copy, size, &b, &e) == 0) {
        FILE *out = fopen("/dev/null", "w");
        if (out) {
            char *argv[] = {"cmd", NULL};
            stk_bundle_print(b, argv, out);
            fclose(out);
        }
        stk_bundle_free(b);
    } else if (e.status != STK_EXIT_FAILURE || strcmp(e.step, "bundle") != 0 || !e.msg[0]) {
        abort(); /* every rejection is a 125 "bundle" error with a message */
    }
    free(copy);
    return 0;
}
