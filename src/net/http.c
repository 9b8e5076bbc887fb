/* HTTP over libcurl's multi_socket API driven by libuv (c-plumbing §1.1, with corrections
 * P1-P3, P8, P9 and the shutdown order of §1.4).
 *
 * The rules that shape this file:
 * - curl callbacks (socket, timer, write) only record or schedule; every curl_multi_* call
 *   happens from a libuv callback or from the public functions (P9).
 * - After every curl_multi_socket_action we drain curl_multi_info_read, even when no
 *   transfer is running any more: file:// style failures finish inside the timer action (P1).
 * - A zero timeout from curl becomes 1 ms (P2, libuv 1.44 timer starvation).
 * - uv_poll errors are passed to curl as CURL_CSELECT_ERR so curl removes the socket (P3).
 * - struct http lives until its timer's close callback: curl_multi_cleanup may still call
 *   the socket and timer callbacks (P15). */
#include "citydeck/http.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "citydeck/clock.h"
#include "citydeck/log.h"
#include "citydeck/util.h"

#if defined(__has_include)
#if __has_include("citydeck-config.h")
#include "citydeck-config.h"
#endif
#endif
#ifdef CITYDECK_VERSION
#define HTTP_USER_AGENT "citydeck/" CITYDECK_VERSION
#else
#define HTTP_USER_AGENT "citydeck"
#endif

#define HTTP_DEFAULT_TIMEOUT_MS 15000L
#define HTTP_DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define HTTP_DEFAULT_MAX_BYTES ((size_t)8 << 20)
/* A stall detector independent of the total timeout (P12): under 1 byte/s for 10 s. */
#define HTTP_LOW_SPEED_LIMIT 1L
#define HTTP_LOW_SPEED_TIME 10L
/* ETags are echoed back in a request header; anything longer is not a real validator. */
#define HTTP_MAX_ETAG 256

/* One per socket curl asks us to watch; a socket can carry several transfers (HTTP/2). */
struct http_sock {
    uv_poll_t poll;
    curl_socket_t fd;
    struct http *h;
    struct http_sock *prev, *next;
};

struct http_xfer {
    struct http *h;
    struct http_xfer *prev, *next;
    int64_t id;
    CURL *easy;
    struct curl_slist *headers;
    struct buf body;
    size_t max_bytes;
    long timeout_ms;
    long connect_timeout_ms;
    bool too_large;
    int64_t start_mono_ms;
    http_done_fn done;
    void *arg;
    char errbuf[CURL_ERROR_SIZE];
    char scheme[16];
};

struct http {
    uv_timer_t timer; /* first member: the close callback frees the whole struct */
    uv_loop_t *loop;
    CURLM *multi;
    struct http_xfer *xfers;
    struct http_sock *socks;
    int64_t next_id;
    int poll_errno;    /* SO_ERROR of a socket uv_poll reported broken, for the message */
    int draining;      /* depth of http_drain: done callbacks may call http_free */
    bool free_pending; /* http_free was called from a done callback */
    bool destroying;   /* inside http_destroy: ignore new sockets curl reports */
};

static void http_destroy(struct http *h);

/* ---- socket contexts ---------------------------------------------------------------- */

static void sock_on_closed(uv_handle_t *handle)
{
    free(handle->data);
}

static void sock_close(struct http_sock *s)
{
    struct http *h = s->h;
    if (s->prev)
        s->prev->next = s->next;
    else
        h->socks = s->next;
    if (s->next)
        s->next->prev = s->prev;
    /* Stopping before curl closes the fd keeps epoll from seeing a dead fd (P4). */
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, sock_on_closed);
}

/* Everything that can follow a socket_action: completions (P1) and a deferred free. */
static void http_after_action(struct http *h);

static void sock_on_poll(uv_poll_t *poll, int status, int events)
{
    struct http_sock *s = poll->data;
    struct http *h = s->h;
    int flags = 0;
    if (status < 0) {
        flags = CURL_CSELECT_ERR; /* P3: libuv stops polling; curl must drop the socket */
        /* curl only says "select/poll returned error"; the socket knows why (a reset). */
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err)
            h->poll_errno = err;
    } else {
        if (events & UV_READABLE)
            flags |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE)
            flags |= CURL_CSELECT_OUT;
    }
    int running = 0;
    /* s may be closed by the REMOVE this action triggers; only h is used afterwards. */
    curl_multi_socket_action(h->multi, s->fd, flags, &running);
    http_after_action(h);
}

static int http_on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    struct http *h = userp;
    struct http_sock *s = socketp;
    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (s) { /* P5: a REMOVE for a socket never watched is a no-op */
            sock_close(s);
            curl_multi_assign(h->multi, fd, NULL);
        }
        return 0;
    }
    if (h->destroying)
        return 0; /* cached connections shutting down in curl_multi_cleanup (P15) */
    if (!s) {
        s = xcalloc(1, sizeof *s);
        s->fd = fd;
        s->h = h;
        int rc = uv_poll_init_socket(h->loop, &s->poll, fd);
        if (rc < 0) {
            /* Nothing sensible can watch this fd; -1 makes curl fail the transfers (P10). */
            log_error("http: cannot watch socket %d: %s", (int)fd, uv_strerror(rc));
            free(s);
            return -1;
        }
        s->poll.data = s;
        s->next = h->socks;
        if (h->socks)
            h->socks->prev = s;
        h->socks = s;
        curl_multi_assign(h->multi, fd, s);
    }
    int events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        events |= UV_READABLE;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        events |= UV_WRITABLE;
    /* Restarting an active poll only changes its event mask. */
    uv_poll_start(&s->poll, events, sock_on_poll);
    return 0;
}

/* ---- timer -------------------------------------------------------------------------- */

static void http_on_uv_timer(uv_timer_t *timer)
{
    struct http *h = (struct http *)timer;
    int running = 0;
    curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    http_after_action(h); /* unconditionally, whatever running says (P1) */
}

static int http_on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct http *h = userp;
    (void)multi;
    if (timeout_ms < 0) {
        uv_timer_stop(&h->timer);
        return 0;
    }
    /* Never act from here (P9); never a 0 ms libuv timer on 1.44 (P2). */
    uint64_t ms = timeout_ms > 0 ? (uint64_t)timeout_ms : 1;
    uv_timer_start(&h->timer, http_on_uv_timer, ms, 0);
    return 0;
}

/* ---- transfers ---------------------------------------------------------------------- */

static size_t xfer_on_write(char *data, size_t size, size_t nmemb, void *userp)
{
    struct http_xfer *x = userp;
    size_t n = size * nmemb;
    /* curl hands us decoded bytes, so this also stops compression bombs. */
    if (n > x->max_bytes - x->body.len) {
        x->too_large = true;
        return CURL_WRITEFUNC_ERROR;
    }
    buf_append(&x->body, data, n);
    return n;
}

static void xfer_unlink(struct http_xfer *x)
{
    struct http *h = x->h;
    if (x->prev)
        x->prev->next = x->next;
    else
        h->xfers = x->next;
    if (x->next)
        x->next->prev = x->prev;
    x->prev = x->next = NULL;
}

/* Removes the easy from the multi and frees the transfer; the caller unlinked it. */
static void xfer_free(struct http_xfer *x)
{
    if (x->easy) {
        curl_multi_remove_handle(x->h->multi, x->easy);
        curl_easy_cleanup(x->easy);
    }
    curl_slist_free_all(x->headers);
    buf_free(&x->body);
    free(x);
}

static bool has_crlf(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

/* The scheme of url (for the "protocol not allowed" message), or "" when there is none. */
static void url_scheme(const char *url, char *out, size_t n)
{
    size_t i = 0;
    while (url[i] && i + 1 < n && (isalnum((unsigned char)url[i]) || strchr("+-.", url[i])))
        i++;
    if (i > 0 && strncmp(url + i, "://", 3) == 0) {
        memcpy(out, url, i);
        out[i] = '\0';
    } else {
        out[0] = '\0';
    }
}

static void fmt_ms(long ms, char *out, size_t n)
{
    if (ms >= 1000 && ms % 1000 == 0)
        snprintf(out, n, "%ld s", ms / 1000);
    else
        snprintf(out, n, "%ld ms", ms);
}

static void fmt_bytes(size_t b, char *out, size_t n)
{
    if (b >= ((size_t)1 << 20) && b % ((size_t)1 << 20) == 0)
        snprintf(out, n, "%zu MiB", b >> 20);
    else if (b >= 1024 && b % 1024 == 0)
        snprintf(out, n, "%zu KiB", b >> 10);
    else
        snprintf(out, n, "%zu bytes", b);
}

/* A header of the last response in a redirect chain, or NULL. The value is curl's: valid
 * until the next curl_easy_header call. */
static const char *xfer_header(struct http_xfer *x, const char *name)
{
    struct curl_header *hdr = NULL;
    if (curl_easy_header(x->easy, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || !hdr)
        return NULL;
    return hdr->value;
}

/* Epoch seconds of an HTTP date in any of the three RFC 7231 forms, or TIME_NONE. */
static int64_t parse_http_date(const char *s)
{
    int64_t t = clock_parse_http_date(s);
    if (t == TIME_NONE) {
        time_t g = curl_getdate(s, NULL); /* the obsolete RFC 850 and asctime forms */
        if (g != (time_t)-1)
            t = (int64_t)g;
    }
    return t;
}

static int64_t parse_retry_after(const char *v, int64_t now_ms)
{
    while (*v == ' ' || *v == '\t')
        v++;
    if (isdigit((unsigned char)*v)) {
        char *end;
        errno = 0;
        long long s = strtoll(v, &end, 10);
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end)
            return -1;
        /* A day is far beyond any sensible wait and keeps the product from overflowing. */
        if (errno == ERANGE || s > 86400)
            s = 86400;
        return (int64_t)s * 1000;
    }
    int64_t t = parse_http_date(v);
    if (t == TIME_NONE)
        return -1;
    int64_t d = t * 1000 - now_ms;
    return d > 0 ? d : 0;
}

/* out = prefix + detail, cut to n; curl's detail texts can be as long as the whole buffer. */
static void error_join(char *out, size_t n, const char *prefix, const char *detail)
{
    size_t k = str_copy(out, prefix, n);
    if (k + 1 < n)
        str_copy(out + k, detail, n - k);
}

/* The human text for a transport failure; HTTP statuses are the caller's to describe. */
static void xfer_describe_error(struct http_xfer *x, CURLcode rc, char *out, size_t n)
{
    char tmp[48];
    long os_errno = 0;
    curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os_errno);
    if (!os_errno)
        os_errno = x->h->poll_errno;
    const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (x->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
            x->too_large = true;
            fmt_bytes(x->max_bytes, tmp, sizeof tmp);
            error_join(out, n, "response larger than ", tmp);
        } else {
            error_join(out, n, "write error: ", detail);
        }
        break;
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED)
            error_join(out, n, "connection refused", "");
        else
            error_join(out, n, "could not connect: ", os_errno ? strerror((int)os_errno) : detail);
        break;
    case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t connect_us = 0;
        curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
        if (connect_us == 0) {
            long ms = x->connect_timeout_ms < x->timeout_ms ? x->connect_timeout_ms : x->timeout_ms;
            fmt_ms(ms, tmp, sizeof tmp);
            error_join(out, n, "connect timed out after ", tmp);
        } else if (strstr(x->errbuf, "too slow")) {
            snprintf(tmp, sizeof tmp, "under %ld byte/s for %ld s", HTTP_LOW_SPEED_LIMIT,
                     HTTP_LOW_SPEED_TIME);
            error_join(out, n, "stalled: ", tmp);
        } else {
            fmt_ms(x->timeout_ms, tmp, sizeof tmp);
            error_join(out, n, "timed out after ", tmp);
        }
        break;
    }
    case CURLE_PARTIAL_FILE:
        error_join(out, n, "truncated response: ", detail);
        break;
    case CURLE_GOT_NOTHING:
        error_join(out, n, "empty reply from server", "");
        break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        if (os_errno == ECONNRESET)
            error_join(out, n, "connection reset by peer", "");
        else if (os_errno)
            error_join(out, n, rc == CURLE_RECV_ERROR ? "receive error: " : "send error: ",
                       strerror((int)os_errno));
        else
            error_join(out, n, rc == CURLE_RECV_ERROR ? "receive error: " : "send error: ", detail);
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
        error_join(out, n, x->scheme[0] ? "protocol not allowed: " : "protocol not allowed",
                   x->scheme);
        break;
    case CURLE_URL_MALFORMAT:
        error_join(out, n, "malformed URL", "");
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
        error_join(out, n, "DNS: ", detail);
        break;
    case CURLE_TOO_MANY_REDIRECTS:
        error_join(out, n, "too many redirects", "");
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        error_join(out, n, "TLS certificate rejected: ", detail);
        break;
    case CURLE_SSL_CONNECT_ERROR:
        error_join(out, n, "TLS handshake failed: ", detail);
        break;
    default:
        error_join(out, n, "", detail);
        break;
    }
}

static void xfer_fill_response(struct http_xfer *x, CURLcode rc, struct http_response *r)
{
    int64_t now = clock_wall_ms();
    memset(r, 0, sizeof *r);
    r->curl_code = (int)rc;
    r->retry_after_ms = -1;
    r->date_ms = -1;
    r->duration_ms = clock_mono_ms() - x->start_mono_ms;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
    if (rc != CURLE_OK)
        xfer_describe_error(x, rc, r->error, sizeof r->error);
    r->too_large = x->too_large;
    r->len = x->body.len;
    r->body = buf_take(&x->body);

    const char *v = xfer_header(x, "ETag");
    /* Sent back verbatim in If-None-Match, so only a sane token is kept. */
    if (v && *v && strlen(v) <= HTTP_MAX_ETAG && !has_crlf(v))
        r->etag = xstrdup(v);
    v = xfer_header(x, "Retry-After");
    if (v)
        r->retry_after_ms = parse_retry_after(v, now);
    v = xfer_header(x, "Date");
    if (v) {
        int64_t t = parse_http_date(v);
        if (t != TIME_NONE && t > 0)
            r->date_ms = t * 1000;
    }
}

/* Runs done callbacks for every finished transfer. Called after each socket_action (P1). */
static void http_drain(struct http *h)
{
    CURLMsg *m;
    int left;
    h->draining++;
    while (!h->free_pending && (m = curl_multi_info_read(h->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        /* m is invalid once the easy is removed: copy what we need first. */
        CURL *easy = m->easy_handle;
        CURLcode rc = m->data.result;
        char *priv = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
        struct http_xfer *x = (struct http_xfer *)priv;
        struct http_response resp;
        xfer_fill_response(x, rc, &resp);
        xfer_unlink(x);
        http_done_fn done = x->done;
        void *arg = x->arg;
        xfer_free(x);
        /* The transfer is gone: done may start, cancel or free anything. */
        done(&resp, arg);
        http_response_clear(&resp);
    }
    h->draining--;
}

static void http_after_action(struct http *h)
{
    http_drain(h);
    h->poll_errno = 0;
    if (h->free_pending && !h->draining)
        http_destroy(h);
}

/* ---- public ------------------------------------------------------------------------- */

struct http *http_new(uv_loop_t *loop)
{
    /* Reference counted by curl; paired with curl_global_cleanup in http_destroy. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    struct http *h = xcalloc(1, sizeof *h);
    h->loop = loop;
    h->next_id = 1;
    h->multi = curl_multi_init();
    if (!h->multi) {
        free(h);
        curl_global_cleanup();
        return NULL;
    }
    uv_timer_init(loop, &h->timer);
    h->timer.data = h;
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_on_socket);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_on_curl_timer);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);
    curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 16L);
    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, 16L);
    return h;
}

static struct curl_slist *slist_add(struct curl_slist *l, const char *line, bool *ok)
{
    struct curl_slist *n = curl_slist_append(l, line);
    if (!n) {
        *ok = false;
        return l;
    }
    return n;
}

static struct curl_slist *xfer_build_headers(const struct http_request *req, bool *ok)
{
    struct curl_slist *l = NULL;
    *ok = true;
    l = slist_add(l, "Accept: application/json", ok);
    if (req->etag && *req->etag) {
        char *line = xasprintf("If-None-Match: %s", req->etag);
        l = slist_add(l, line, ok);
        free(line);
    }
    if (req->bearer_token && *req->bearer_token) {
        char *line = xasprintf("Authorization: Bearer %s", req->bearer_token);
        l = slist_add(l, line, ok);
        memset(line, 0, strlen(line)); /* the token should not linger in freed heap */
        free(line);
    }
    if (req->post_body)
        l = slist_add(l, "Content-Type: application/json", ok);
    for (const char *const *p = req->headers; p && *p; p++) {
        if (has_crlf(*p)) {
            log_warn("http: dropping an extra header with a line break");
            continue;
        }
        l = slist_add(l, *p, ok);
    }
    return l;
}

int64_t http_start(struct http *h, const struct http_request *req, http_done_fn done, void *arg)
{
    if (!h || h->free_pending || !req || !req->url || !done)
        return -1;
    /* A line break would let a config value inject headers. */
    if ((req->etag && has_crlf(req->etag)) || (req->bearer_token && has_crlf(req->bearer_token))) {
        log_warn("http: refusing a request with a line break in ETag or token");
        return -1;
    }
    CURL *e = curl_easy_init();
    if (!e)
        return -1;
    struct http_xfer *x = xcalloc(1, sizeof *x);
    x->h = h;
    x->easy = e;
    x->done = done;
    x->arg = arg;
    x->max_bytes = req->max_bytes ? req->max_bytes : HTTP_DEFAULT_MAX_BYTES;
    x->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : HTTP_DEFAULT_TIMEOUT_MS;
    x->connect_timeout_ms =
        req->connect_timeout_ms > 0 ? req->connect_timeout_ms : HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
    url_scheme(req->url, x->scheme, sizeof x->scheme);

    bool ok;
    x->headers = xfer_build_headers(req, &ok);
    const char *protocols = req->allow_http ? "http,https" : "https";
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (rc == CURLE_OK)                                                                        \
            rc = curl_easy_setopt(e, opt, val);                                                    \
    } while (0)
    SET(CURLOPT_URL, req->url);
    SET(CURLOPT_PROTOCOLS_STR, protocols);
    SET(CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    SET(CURLOPT_FOLLOWLOCATION, 1L);
    SET(CURLOPT_MAXREDIRS, 3L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_QUICK_EXIT, 1L); /* P8: never join a hung resolver thread on the loop */
    SET(CURLOPT_CONNECTTIMEOUT_MS, x->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, x->timeout_ms);
    SET(CURLOPT_LOW_SPEED_LIMIT, HTTP_LOW_SPEED_LIMIT);
    SET(CURLOPT_LOW_SPEED_TIME, HTTP_LOW_SPEED_TIME);
    SET(CURLOPT_ACCEPT_ENCODING, "");
    /* Only a declared Content-Length is checked by 7.88; the write callback does the rest. */
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_bytes);
    SET(CURLOPT_HTTPHEADER, x->headers);
    SET(CURLOPT_USERAGENT, HTTP_USER_AGENT);
    SET(CURLOPT_WRITEFUNCTION, xfer_on_write);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_ERRORBUFFER, x->errbuf);
    SET(CURLOPT_PRIVATE, x);
    SET(CURLOPT_PIPEWAIT, 1L);
    if (req->post_body)
        SET(CURLOPT_COPYPOSTFIELDS, req->post_body);
#undef SET
    if (!ok || rc != CURLE_OK) {
        log_warn("http: cannot set up a request: %s",
                 ok ? curl_easy_strerror(rc) : "out of memory");
        xfer_free(x);
        return -1;
    }
    /* Kick-starts through our timer callback; the transfer proceeds from the loop. */
    CURLMcode mc = curl_multi_add_handle(h->multi, e);
    if (mc != CURLM_OK) {
        log_warn("http: cannot add a request: %s", curl_multi_strerror(mc));
        curl_easy_cleanup(e);
        x->easy = NULL;
        xfer_free(x);
        return -1;
    }
    x->start_mono_ms = clock_mono_ms();
    x->id = h->next_id++;
    x->next = h->xfers;
    if (h->xfers)
        h->xfers->prev = x;
    h->xfers = x;
    return x->id;
}

void http_cancel(struct http *h, int64_t id)
{
    if (!h)
        return;
    for (struct http_xfer *x = h->xfers; x; x = x->next) {
        if (x->id == id) {
            xfer_unlink(x);
            xfer_free(x);
            return;
        }
    }
}

static void http_on_timer_closed(uv_handle_t *handle)
{
    free(handle->data);
}

static void http_destroy(struct http *h)
{
    h->destroying = true;
    while (h->xfers) {
        struct http_xfer *x = h->xfers;
        xfer_unlink(x);
        xfer_free(x);
    }
    /* May still call http_on_socket (REMOVE) and http_on_curl_timer (-1): h stays valid. */
    curl_multi_cleanup(h->multi);
    h->multi = NULL;
    while (h->socks)
        sock_close(h->socks);
    uv_timer_stop(&h->timer);
    uv_close((uv_handle_t *)&h->timer, http_on_timer_closed);
    curl_global_cleanup();
}

void http_free(struct http *h)
{
    if (!h || h->free_pending)
        return;
    h->free_pending = true;
    if (h->draining)
        return; /* called from a done callback: http_after_action finishes the job */
    http_destroy(h);
}

void http_response_clear(struct http_response *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->etag);
    r->body = NULL;
    r->etag = NULL;
    r->len = 0;
}
