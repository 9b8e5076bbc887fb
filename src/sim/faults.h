/* Fault injection for reliability tests: what goes wrong with which request, decided from
 * the --fault specs, and the body rewrites (malformed JSON, wrong types, invalid UTF-8,
 * terminal escapes, oversized bodies). Knows nothing about HTTP plumbing: server.c asks for
 * a plan once per request and carries out the delivery faults (latency, slow body, reset,
 * truncation) on the wire.
 *
 * Spec syntax: KIND[:ARG[:ARG2]][@PATHPREFIX][%PROB]
 *   latency:MS | latency:MIN-MAX    wait before the response headers
 *   slow:BPS                        body at BPS bytes per second (K, M suffixes)
 *   status:CODE[:RETRY_AFTER]       answer CODE (400-599), with Retry-After seconds
 *   reset[:BYTES]                   TCP reset before the response, or after BYTES of body
 *   truncate[:BYTES]                close after BYTES of body (default half) although
 *                                   Content-Length announced all of it
 *   malformed                       a body that is not JSON (three variants, in turn)
 *   wrongtypes                      every JSON scalar of the body changes type
 *   oversize:SIZE                   the body padded with JSON whitespace to SIZE (K, M, G)
 *   badutf8                         invalid UTF-8 sequences inside text strings
 *   hostile                         ESC/CSI/OSC/C1/bidi/zero-width inside text strings
 *   etag-churn                      a new ETag on every response, body unchanged
 *   html                            200 with an HTML page instead of the JSON
 * PATHPREFIX limits the fault to paths starting with it; PROB (0 < PROB <= 1) is the share
 * of those requests that get it. Draws are deterministic: the k-th request matching fault i
 * (counting from 1 in the order the server takes them) gets it iff
 * hash(seed, i, k) / 2^64 < PROB. */
#ifndef CITYDECK_SIM_FAULTS_H
#define CITYDECK_SIM_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAULTS_MAX 32
#define FAULTS_MAX_OVERSIZE ((uint64_t)1 << 30)

enum fault_kind {
    FAULT_LATENCY,
    FAULT_SLOW,
    FAULT_STATUS,
    FAULT_RESET,
    FAULT_TRUNCATE,
    FAULT_MALFORMED,
    FAULT_WRONGTYPES,
    FAULT_OVERSIZE,
    FAULT_BADUTF8,
    FAULT_HOSTILE,
    FAULT_ETAG_CHURN,
    FAULT_HTML,
    FAULT_KINDS
};

struct faults;

/* Everything that goes wrong with one request; all zero/false = nothing. */
struct fault_plan {
    long latency_ms;         /* > 0: wait this long before answering */
    long slow_bps;           /* > 0: body bytes per second */
    int status;              /* != 0: answer this status instead */
    long retry_after;        /* >= 0: Retry-After seconds with status; -1 none */
    bool reset;              /* reset the connection ... */
    uint64_t reset_after;    /* ... after this many body bytes (0 = before the response) */
    bool truncate;           /* close the connection early ... */
    uint64_t truncate_after; /* ... after this many body bytes (UINT64_MAX = half) */
    uint64_t oversize;       /* > 0: pad the body to this many bytes */
    bool malformed, wrongtypes, badutf8, hostile, etag_churn, html;
    uint64_t serial;  /* per-server request number, makes churned ETags differ */
    unsigned variant; /* which malformed variant (the fault's match count) */
};

struct faults *faults_new(uint64_t seed);
void faults_free(struct faults *f);
/* Parses one spec and adds it; returns 0, or -1 with a message in err. */
int faults_add(struct faults *f, const char *spec, char *err, size_t errsz);
size_t faults_count(const struct faults *f);
/* Describes fault i as "KIND ARG @PREFIX %PROB" for the startup log. */
void faults_describe(const struct faults *f, size_t i, char *out, size_t n);

/* Decides what happens to a request for path. Counts matches, so call it exactly once per
 * request, and under one lock: the order of the calls is the order of the draws. */
void faults_plan(struct faults *f, const char *path, struct fault_plan *plan);

/* Applies the body faults of plan (status, html, malformed, wrongtypes, badutf8, hostile) to
 * a NUL-terminated body of *len bytes. Returns the new body (body itself, or a new
 * allocation after freeing body); may change *status, *len and *content_type. JSON rewrites
 * leave bodies that do not parse as JSON unchanged. */
char *faults_rewrite(const struct fault_plan *plan, char *body, size_t *len, int *status,
                     const char **content_type);

/* Where the oversize padding goes: after the opening bracket of a JSON array or object
 * (whitespace there keeps the document valid and must be read through), else at the end. */
size_t faults_pad_offset(const char *body, size_t len);

/* Parses "20M", "512K", "1000" (bytes, powers of 1024); returns -1 when invalid. */
int faults_parse_size(const char *s, uint64_t *out);

#endif
