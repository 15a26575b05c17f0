/* util.c — checked allocation, growable buffers, file reading. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
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

void *stk_xrealloc(void *p, size_t n)
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
    return stk_xrealloc(p, count * size);
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

char *stk_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        oom();
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
    char *s = NULL;
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        oom();
    stk_buf_put(b, s, (size_t)r);
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
