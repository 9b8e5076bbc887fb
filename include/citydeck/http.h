/* HTTP over libcurl's multi_socket API driven by the libuv loop (c-plumbing §1). Every
 * callback here runs on the loop thread. */
#ifndef CITYDECK_HTTP_H
#define CITYDECK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct http;

struct http_request {
    const char *url;
    const char *etag;           /* sent as If-None-Match when set */
    const char *bearer_token;   /* sent as Authorization: Bearer; never logged */
    const char *const *headers; /* extra "Name: value" lines, NULL-terminated, may be NULL */
    const char *post_body;      /* POST with Content-Type: application/json when set */
    long timeout_ms;            /* whole transfer; 0 = 15 s */
    long connect_timeout_ms;    /* 0 = 5 s */
    size_t max_bytes;           /* decoded body cap, enforced in the write callback; 0 = 8 MiB */
    bool allow_http;            /* permit plain http:// (loopback or configured) */
};

struct http_response {
    long status;     /* HTTP status, 0 when no HTTP response arrived */
    int curl_code;   /* CURLcode */
    char error[256]; /* transport failure in words ("connection refused"); empty when an
                        HTTP response arrived, whatever its status */
    char *body;      /* NUL-terminated; owned by the response */
    size_t len;
    char *etag;             /* NULL if absent */
    int64_t retry_after_ms; /* from Retry-After (seconds or HTTP date), -1 if absent */
    int64_t date_ms;        /* from the Date header, TIME_NONE-like -1 if absent */
    int64_t duration_ms;
    bool too_large; /* aborted at max_bytes */
};

typedef void (*http_done_fn)(struct http_response *resp, void *arg);

/* curl runs with CURLOPT_NOSIGNAL: the program must ignore SIGPIPE (main does). NULL if
 * curl cannot be initialised. */
struct http *http_new(uv_loop_t *loop);
/* Starts a GET (or POST). done is called exactly once, later, from the loop, unless the
 * request is cancelled. Returns a request id > 0, or -1 (done is then not called). */
int64_t http_start(struct http *h, const struct http_request *req, http_done_fn done, void *arg);
/* Cancels a request in flight; done is not called for it. */
void http_cancel(struct http *h, int64_t id);
/* Cancels everything and releases curl; the handles close on the loop's next run, so the
 * owner runs the loop once more before uv_loop_close(). May be called from a done callback. */
void http_free(struct http *h);
/* Frees what a response holds (the done callback may steal body by setting it to NULL). */
void http_response_clear(struct http_response *r);

#endif
