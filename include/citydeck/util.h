/* Allocation and string helpers. Allocation aborts on out-of-memory so call sites stay clean. */
#ifndef CITYDECK_UTIL_H
#define CITYDECK_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p to hold at least need items of size sz, doubling; updates *cap. */
void *xgrow(void *p, size_t *cap, size_t need, size_t sz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies src into dst (size n), always NUL-terminated; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t n);
bool str_eq(const char *a, const char *b);
bool str_starts_with(const char *s, const char *prefix);

/* A growable byte buffer, always NUL-terminated when len > 0. */
struct buf {
    char *data;
    size_t len;
    size_t cap;
};

void buf_append(struct buf *b, const void *data, size_t n);
void buf_appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vappendf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Hands the data to the caller (never NULL) and resets the buffer. */
char *buf_take(struct buf *b);

/* Appends s percent-encoded (RFC 3986): every byte but the unreserved ones (ALPHA, DIGIT,
 * "-._~") and those in keep (NULL: none) becomes %XX. A query component keeps nothing; a key
 * inside a path may keep the sub-delims a server reads literally. */
void url_encode(struct buf *b, const char *s, const char *keep);
/* Removes every key=... parameter from the query of url, in place, and a '?' or '&' left
 * dangling at the end. */
void url_drop_param(char *url, const char *key);

#endif
