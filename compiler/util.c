/* util.c — checked allocation, growable buffers, file reading. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(void)
{
    fputs("stockade: out of memory\n", stderr);
    exit(2);
}

void *stk_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *stk_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

void *stk_xreallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        oom();
    return xrealloc(p, count * size);
}

char *stk_xstrdup(const char *s)
{
    return stk_xstrndup(s, strlen(s));
}

char *stk_xstrndup(const char *s, size_t n)
{
    char *p = stk_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* vasprintf or die; *len gets the length. */
static char *xvasprintf(size_t *len, const char *fmt, va_list ap)
{
    char *s = NULL;
    int r = vasprintf(&s, fmt, ap);
    if (r < 0)
        oom();
    *len = (size_t)r;
    return s;
}

char *stk_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t len;
    char *s = xvasprintf(&len, fmt, ap);
    va_end(ap);
    return s;
}

void stk_grow(void **arr, size_t *cap, size_t need, size_t esz)
{
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            oom();
        ncap *= 2;
    }
    *arr = stk_xreallocarray(*arr, ncap, esz);
    *cap = ncap;
}

void stk_buf_put(struct stk_buf *b, const void *p, size_t n)
{
    stk_grow((void **)&b->data, &b->cap, b->len + n + 1, 1);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void stk_buf_puts(struct stk_buf *b, const char *s)
{
    stk_buf_put(b, s, strlen(s));
}

void stk_buf_printf(struct stk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t len;
    char *s = xvasprintf(&len, fmt, ap);
    va_end(ap);
    stk_buf_put(b, s, len);
    free(s);
}

void stk_buf_free(struct stk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int stk_read_file(const char *path, size_t max, char **out, size_t *len)
{
    /* Only regular files are read.  Checked before opening (opening a FIFO
     * blocks until a writer comes, opening some devices has side effects) and
     * again on the descriptor, opened non-blocking, in case the path changed
     * in between. */
    struct stat st;
    if (stat(path, &st) < 0)
        return errno;
    if (!S_ISREG(st.st_mode))
        return S_ISDIR(st.st_mode) ? EISDIR : STK_ENOTREG;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return errno;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return e;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return S_ISDIR(st.st_mode) ? EISDIR : STK_ENOTREG;
    }
    struct stk_buf b = {0};
    char chunk[65536];
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            stk_buf_free(&b);
            return e;
        }
        if (r == 0)
            break;
        if (b.len + (size_t)r > max) {
            close(fd);
            stk_buf_free(&b);
            return EFBIG;
        }
        stk_buf_put(&b, chunk, (size_t)r);
    }
    close(fd);
    if (!b.data)
        stk_buf_put(&b, "", 0);
    *out = b.data;
    *len = b.len;
    return 0;
}

/* 1024, 64K, 1M, 2G, 1T (binary multiples) */
bool stk_parse_size(const char *text, uint64_t *out)
{
    size_t len = strlen(text);
    uint64_t mul = 1;
    if (len > 1 && strchr("KkMmGgTt", text[len - 1])) {
        char c = (char)toupper((unsigned char)text[len - 1]);
        mul = c == 'K' ? 1ull << 10 : c == 'M' ? 1ull << 20 : c == 'G' ? 1ull << 30 : 1ull << 40;
        len--;
    }
    char *num = stk_xstrndup(text, len);
    uint64_t v;
    bool ok = num[0] != '-' && stk_parse_int(num, &v);
    free(num);
    if (!ok || (mul > 1 && v > UINT64_MAX / mul))
        return false;
    *out = v * mul;
    return true;
}

bool stk_parse_int(const char *text, uint64_t *out)
{
    bool neg = false;
    if (*text == '-') {
        neg = true;
        text++;
    }
    int base = 10;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        base = 16, text += 2;
    else if (text[0] == '0' && (text[1] == 'o' || text[1] == 'O'))
        base = 8, text += 2;
    else if (text[0] == '0' && (text[1] == 'b' || text[1] == 'B'))
        base = 2, text += 2;
    if (!*text)
        return false;
    uint64_t v = 0;
    for (const char *p = text; *p; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else if (*p == '_')
            continue;
        else
            return false;
        if (d >= base)
            return false;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        v = (uint64_t)0 - v;
    }
    *out = v;
    return true;
}

size_t stk_utf8_len(const unsigned char *p, bool xml)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
    uint32_t cp = n == 2 ? p[0] & 0x1fu : n == 3 ? p[0] & 0x0fu : p[0] & 0x07u;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    if (n == 0 || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff) || (xml && (cp == 0xfffe || cp == 0xffff)))
        return 0;
    return n;
}

char *stk_utf8_clean(const char *s)
{
    char *out = stk_xstrdup(s);
    for (unsigned char *p = (unsigned char *)out; *p;) {
        size_t n = stk_utf8_len(p, false);
        if (n == 0)
            *p++ = '?';
        else
            p += n;
    }
    return out;
}
