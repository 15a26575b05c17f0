/* util.h — small helpers shared by the compiler: checked allocation, growable
 * arrays and strings.  Allocation failure in the compiler is reported and ends
 * the process (exit 2); the enforcer never uses these helpers. */
#ifndef STK_UTIL_H
#define STK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *stk_xmalloc(size_t n);
void *stk_xcalloc(size_t count, size_t size);
void *stk_xreallocarray(void *p, size_t count, size_t size);
char *stk_xstrdup(const char *s);
char *stk_xstrndup(const char *s, size_t n);
char *stk_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (element size esz) so that it holds at least need elements. */
void stk_grow(void **arr, size_t *cap, size_t need, size_t esz);
#define STK_PUSH(arr, n, cap, val)                                                                 \
    do {                                                                                       \
        stk_grow((void **)&(arr), &(cap), (n) + 1, sizeof(*(arr)));                          \
        (arr)[(n)++] = (val);                                                                  \
    } while (0)

/* Growable byte string. */
struct stk_buf {
    char *data;
    size_t len, cap;
};
void stk_buf_put(struct stk_buf *b, const void *p, size_t n);
void stk_buf_puts(struct stk_buf *b, const char *s);
void stk_buf_printf(struct stk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void stk_buf_free(struct stk_buf *b);

/* Read a whole regular file into memory (NUL-terminated, *len excludes the
 * NUL).  Returns 0 or an errno value: EFBIG when it exceeds max bytes, EISDIR
 * for a directory, STK_ENOTREG for anything else that is not a regular file
 * (FIFO, socket, device): it is opened non-blocking and never read. */
#define STK_ENOTREG (-1)
int stk_read_file(const char *path, size_t max, char **out, size_t *len);

/* Parse a number literal: decimal, 0x, 0o, 0b, optional leading '-', '_'
 * between digits.  Returns false if malformed or out of range. */
bool stk_parse_int(const char *text, uint64_t *out);
/* 1024, 64K, 1M, 2G, 1T (binary multiples); false if malformed or too large. */
bool stk_parse_size(const char *text, uint64_t *out);

/* Length of the well-formed UTF-8 sequence at p (1-4), or 0 if the bytes
 * there are not one (overlong forms, surrogates, above U+10FFFF; with xml
 * also U+FFFE and U+FFFF, which XML 1.0 does not allow).  Policy texts and
 * file names are bytes; reports (JSON, SARIF, JUnit) must stay UTF-8. */
size_t stk_utf8_len(const unsigned char *p, bool xml);
/* A copy of s with every byte that is not part of well-formed UTF-8
 * replaced by '?'. */
char *stk_utf8_clean(const char *s);

#endif
