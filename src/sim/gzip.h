/* Content-Encoding: gzip for the simulator's responses (zlib), as production hubs behind
 * nginx or a CDN answer clients that ask for it. */
#ifndef CITYDECK_SIM_GZIP_H
#define CITYDECK_SIM_GZIP_H

#include <stdbool.h>
#include <stddef.h>

/* Bodies shorter than this go out as they are: the gzip framing would outweigh the gain. */
#define GZIP_MIN_BYTES 256

/* Whether an Accept-Encoding header value (NULL = absent) accepts gzip: "gzip" or "x-gzip"
 * or "*" with a q-value above 0, where an explicit gzip entry overrides "*" (RFC 9110
 * §12.5.3). */
bool gzip_accepted(const char *accept_encoding);

/* Compresses len bytes into one gzip member. The header carries no name and mtime 0, so the
 * same input gives the same bytes on every run. Returns a malloc'ed buffer and sets *out_len,
 * or NULL when zlib fails. */
char *gzip_compress(const char *data, size_t len, size_t *out_len);

#endif
