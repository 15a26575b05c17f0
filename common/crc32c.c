/* crc32c.c — CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78),
 * byte-wise with a 256-entry table built on first use. */
#include "bundle_format.h"

#include <stdbool.h>

static uint32_t table[256];
static bool table_ready;

static void build_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
    table_ready = true;
}

uint32_t stk_crc32c(uint32_t crc, const void *p, size_t n)
{
    if (!table_ready)
        build_table();
    const unsigned char *b = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ b[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}
