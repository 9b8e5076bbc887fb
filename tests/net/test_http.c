/* http.c against real sockets: a scripted libmicrohttpd server and a raw TCP server on the
 * test's own loop (for hangs, truncation and resets), both on 127.0.0.1 only. Every test
 * owns a private loop and ends with uv_loop_close() == 0, which catches leaked handles. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>
#include <uv.h>

#include "citydeck/http.h"

/* ---- loop + watchdog ---------------------------------------------------------------- */

static uv_loop_t loop;
static uv_timer_t watchdog;

static void on_watchdog(uv_timer_t *t)
{
    (void)t;
    cr_assert_fail("watchdog: the test did not finish in time");
}

static void loop_setup(void)
{
    signal(SIGPIPE, SIG_IGN); /* curl runs with NOSIGNAL; the program ignores SIGPIPE */
    cr_assert_eq(uv_loop_init(&loop), 0);
    uv_timer_init(&loop, &watchdog);
    uv_timer_start(&watchdog, on_watchdog, 3000, 0);
}

/* Runs the loop until *counter reaches target; the watchdog bounds the wait. Whatever bumps
 * a counter calls uv_stop, or UV_RUN_ONCE would sleep in poll until the next timer. */
static void run_until(const int *counter, int target)
{
    while (*counter < target)
        uv_run(&loop, UV_RUN_ONCE);
}

static void on_nap(uv_timer_t *t)
{
    *(int *)t->data = 1;
    uv_stop(&loop);
}

/* Lets the loop run for ms, e.g. to show that something does not happen. */
static void run_for_ms(uint64_t ms)
{
    int done = 0;
    uv_timer_t t;
    uv_timer_init(&loop, &t);
    t.data = &done;
    uv_timer_start(&t, on_nap, ms, 0);
    run_until(&done, 1);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
}

static void walk_print(uv_handle_t *h, void *arg)
{
    (void)arg;
    fprintf(stderr, "open handle: %s%s\n", uv_handle_type_name(h->type),
            uv_is_closing(h) ? " (closing)" : "");
}

/* Runs the close callbacks and checks nothing was left behind. The watchdog stays armed but
 * unreferenced: the run ends once everything else closed, or the watchdog fails the test. */
static void loop_teardown(void)
{
    uv_unref((uv_handle_t *)&watchdog);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&watchdog, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
    int rc = uv_loop_close(&loop);
    if (rc != 0)
        uv_walk(&loop, walk_print, NULL);
    cr_assert_eq(rc, 0, "uv_loop_close: %s", uv_strerror(rc));
}

/* ---- scripted libmicrohttpd server -------------------------------------------------- */

struct step {
    int status;
    const char *body;
    size_t body_len; /* 0 = strlen(body) */
    const char *etag;
    const char *retry_after;
    const char *location;
    const char *content_encoding;
    bool inm_304;         /* 304 when If-None-Match equals etag */
    bool chunked_forever; /* an endless chunked body, no Content-Length */
};

#define MAX_SEEN 32

struct seen {
    char method[8];
    char path[64];
    char inm[128];
    char auth[128];
    char ua[64];
    char accept[64];
    char ctype[64];
    char extra[64];
    char body[256];
};

struct srv {
    struct MHD_Daemon *d;
    uint16_t port;
    pthread_mutex_t mu;
    const struct step *steps;
    size_t nsteps;
    int requests;
    struct seen seen[MAX_SEEN];
};

struct upload {
    char data[256];
    size_t len;
};

static void copy_hdr(struct MHD_Connection *c, const char *name, char *out, size_t n)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    snprintf(out, n, "%s", v ? v : "");
}

static ssize_t read_forever(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    if (pos > ((uint64_t)64 << 20))
        return MHD_CONTENT_READER_END_OF_STREAM;
    memset(buf, 'x', max);
    return (ssize_t)max;
}

static enum MHD_Result srv_handler(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version, const char *upload,
                                   size_t *upload_size, void **con_cls)
{
    struct srv *s = cls;
    struct upload *u = *con_cls;
    (void)version;
    if (!u) {
        *con_cls = calloc(1, sizeof(struct upload));
        return MHD_YES;
    }
    if (*upload_size) {
        size_t room = sizeof u->data - 1 - u->len;
        size_t k = *upload_size < room ? *upload_size : room;
        memcpy(u->data + u->len, upload, k);
        u->len += k;
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->mu);
    int n = s->requests++;
    struct seen *sn = &s->seen[n < MAX_SEEN ? n : MAX_SEEN - 1];
    snprintf(sn->method, sizeof sn->method, "%s", method);
    snprintf(sn->path, sizeof sn->path, "%s", url);
    copy_hdr(c, "If-None-Match", sn->inm, sizeof sn->inm);
    copy_hdr(c, "Authorization", sn->auth, sizeof sn->auth);
    copy_hdr(c, "User-Agent", sn->ua, sizeof sn->ua);
    copy_hdr(c, "Accept", sn->accept, sizeof sn->accept);
    copy_hdr(c, "Content-Type", sn->ctype, sizeof sn->ctype);
    copy_hdr(c, "X-Citydeck-Test", sn->extra, sizeof sn->extra);
    snprintf(sn->body, sizeof sn->body, "%.*s", (int)u->len, u->data);
    const struct step *st = &s->steps[(size_t)n < s->nsteps ? (size_t)n : s->nsteps - 1];
    bool not_modified = st->inm_304 && st->etag && strcmp(sn->inm, st->etag) == 0;
    pthread_mutex_unlock(&s->mu);

    struct MHD_Response *r;
    int status = st->status;
    if (not_modified) {
        status = 304;
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    } else if (st->chunked_forever) {
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, read_forever, NULL, NULL);
    } else {
        const char *b = st->body ? st->body : "";
        size_t len = st->body_len ? st->body_len : strlen(b);
        r = MHD_create_response_from_buffer(len, (void *)b, MHD_RESPMEM_MUST_COPY);
    }
    if (st->etag)
        MHD_add_response_header(r, "ETag", st->etag);
    if (st->retry_after)
        MHD_add_response_header(r, "Retry-After", st->retry_after);
    if (st->location)
        MHD_add_response_header(r, "Location", st->location);
    if (st->content_encoding)
        MHD_add_response_header(r, "Content-Encoding", st->content_encoding);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static void srv_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

static void srv_start(struct srv *s, const struct step *steps, size_t nsteps)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->steps = steps;
    s->nsteps = nsteps;
    struct sockaddr_in sin = {0};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                            srv_handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
                            MHD_OPTION_NOTIFY_COMPLETED, srv_completed, NULL, MHD_OPTION_END);
    cr_assert_not_null(s->d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    cr_assert_not_null(info);
    s->port = info->port;
}

static void srv_stop(struct srv *s)
{
    MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->mu);
}

static int srv_requests(struct srv *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static void srv_url(const struct srv *s, const char *path, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%u%s", (unsigned)s->port, path);
}

/* ---- raw TCP server on the test loop ------------------------------------------------ */

enum raw_after { RAW_HANG, RAW_CLOSE, RAW_RESET };

struct raw;

struct raw_client {
    uv_tcp_t tcp;
    struct raw *r;
    uv_write_t wr;
    bool replied;
    bool closed;
    char rbuf[4096];
};

struct raw {
    uv_tcp_t server;
    uint16_t port;
    const char *reply; /* written once the request arrived; NULL = say nothing */
    enum raw_after after;
    int requests;
    void (*on_request)(struct raw *r);
    struct raw_client *clients[8];
    int nclients;
};

static void raw_client_closed(uv_handle_t *h)
{
    (void)h; /* clients live in raw->clients until raw_close frees them */
}

static void raw_client_close(struct raw_client *c, bool reset)
{
    if (c->closed)
        return;
    c->closed = true;
    if (reset)
        uv_tcp_close_reset(&c->tcp, raw_client_closed);
    else
        uv_close((uv_handle_t *)&c->tcp, raw_client_closed);
}

static void raw_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct raw_client *c = h->data;
    (void)suggested;
    *buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void raw_written(uv_write_t *req, int status)
{
    struct raw_client *c = req->data;
    (void)status;
    if (c->r->after != RAW_HANG)
        raw_client_close(c, c->r->after == RAW_RESET);
}

static void raw_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct raw_client *c = s->data;
    (void)buf;
    if (nread < 0) {
        raw_client_close(c, false);
        return;
    }
    if (nread == 0 || c->replied)
        return;
    c->replied = true; /* requests are tiny: the first read carries the whole head */
    c->r->requests++;
    uv_stop(&loop);
    if (c->r->on_request)
        c->r->on_request(c->r);
    if (c->closed)
        return;
    if (c->r->reply) {
        uv_buf_t b = uv_buf_init((char *)c->r->reply, (unsigned)strlen(c->r->reply));
        c->wr.data = c;
        uv_write(&c->wr, s, &b, 1, raw_written);
    } else if (c->r->after == RAW_RESET) {
        raw_client_close(c, true);
    }
}

static void raw_on_connection(uv_stream_t *server, int status)
{
    struct raw *r = server->data;
    if (status < 0 || r->nclients == (int)(sizeof r->clients / sizeof r->clients[0]))
        return;
    struct raw_client *c = calloc(1, sizeof *c);
    c->r = r;
    uv_tcp_init(server->loop, &c->tcp);
    c->tcp.data = c;
    r->clients[r->nclients++] = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) == 0)
        uv_read_start((uv_stream_t *)&c->tcp, raw_alloc, raw_read);
    else
        raw_client_close(c, false);
}

static void raw_start(struct raw *r, const char *reply, enum raw_after after)
{
    memset(r, 0, sizeof *r);
    r->reply = reply;
    r->after = after;
    struct sockaddr_in sin;
    uv_ip4_addr("127.0.0.1", 0, &sin);
    uv_tcp_init(&loop, &r->server);
    r->server.data = r;
    cr_assert_eq(uv_tcp_bind(&r->server, (const struct sockaddr *)&sin, 0), 0);
    cr_assert_eq(uv_listen((uv_stream_t *)&r->server, 8, raw_on_connection), 0);
    struct sockaddr_storage ss;
    int len = sizeof ss;
    uv_tcp_getsockname(&r->server, (struct sockaddr *)&ss, &len);
    r->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Closes everything and runs the close callbacks, so the clients can be freed. */
static void raw_close(struct raw *r)
{
    for (int i = 0; i < r->nclients; i++)
        raw_client_close(r->clients[i], false);
    if (!uv_is_closing((uv_handle_t *)&r->server))
        uv_close((uv_handle_t *)&r->server, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
    for (int i = 0; i < r->nclients; i++)
        free(r->clients[i]);
    r->nclients = 0;
}

static void raw_url(const struct raw *r, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%u/raw", (unsigned)r->port);
}

/* A port that refuses: bound, never listening, held for the whole test. */
static int refused_port(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {0};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    socklen_t len = sizeof sin;
    getsockname(fd, (struct sockaddr *)&sin, &len);
    *port = ntohs(sin.sin_port);
    return fd;
}

/* ---- response capture --------------------------------------------------------------- */

#define MAX_RESP 32

struct got {
    int n;
    struct http_response r[MAX_RESP];
    void *args[MAX_RESP];
};

static struct got got;

static void on_done(struct http_response *resp, void *arg)
{
    cr_assert_lt(got.n, MAX_RESP);
    got.args[got.n] = arg;
    got.r[got.n] = *resp;
    /* steal what the response owns */
    resp->body = NULL;
    resp->etag = NULL;
    got.n++;
    uv_stop(&loop);
}

static void got_clear(void)
{
    for (int i = 0; i < got.n; i++)
        http_response_clear(&got.r[i]);
    got.n = 0;
}

static struct http_request req_for(const char *url)
{
    struct http_request q = {.url = url, .allow_http = true, .timeout_ms = 2000};
    return q;
}

/* One request, run to completion; returns the response (owned by `got`). */
static struct http_response *fetch(struct http *h, const struct http_request *q)
{
    int before = got.n;
    cr_assert_gt(http_start(h, q, on_done, NULL), 0);
    run_until(&got.n, before + 1);
    return &got.r[before];
}

static void finish(struct http *h)
{
    http_free(h);
    got_clear();
}

/* ---- tests -------------------------------------------------------------------------- */

Test(http, get_200_fills_response)
{
    static const struct step steps[] = {{.status = 200, .body = "{\"v\":1}", .etag = "\"v1\""}};
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/data", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    int64_t now = (int64_t)time(NULL) * 1000;
    struct http_response *r = fetch(h, &q);

    cr_assert_eq(r->status, 200);
    cr_assert_eq(r->curl_code, CURLE_OK);
    cr_assert_str_empty(r->error);
    cr_assert_str_eq(r->body, "{\"v\":1}");
    cr_assert_eq(r->len, 7);
    cr_assert_str_eq(r->etag, "\"v1\"");
    cr_assert_eq(r->retry_after_ms, -1);
    cr_assert(r->date_ms > now - 5000 && r->date_ms < now + 5000, "date_ms %lld",
              (long long)r->date_ms);
    cr_assert_geq(r->duration_ms, 0);
    cr_assert_not(r->too_large);

    cr_assert_str_eq(s.seen[0].method, "GET");
    cr_assert_str_eq(s.seen[0].path, "/data");
    cr_assert_str_eq(s.seen[0].accept, "application/json");
    cr_assert_eq(strncmp(s.seen[0].ua, "citydeck", 8), 0, "User-Agent %s", s.seen[0].ua);
    cr_assert_str_empty(s.seen[0].auth);
    cr_assert_str_empty(s.seen[0].inm);
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, etag_sent_and_304)
{
    static const struct step steps[] = {
        {.status = 200, .body = "{}", .etag = "W/\"abc\"", .inm_304 = true}};
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    q.etag = "W/\"abc\"";
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 304);
    cr_assert_eq(r->curl_code, CURLE_OK);
    cr_assert_eq(r->len, 0);
    cr_assert_not_null(r->body);
    cr_assert_str_eq(r->etag, "W/\"abc\"");
    cr_assert_str_eq(s.seen[0].inm, "W/\"abc\"");
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, bearer_token_and_extra_headers)
{
    static const struct step steps[] = {{.status = 200, .body = "{}"}};
    static const char *const extra[] = {"X-Citydeck-Test: yes", "X-Bad: a\r\nX-Injected: 1", NULL};
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    q.bearer_token = "s3cr3t-token";
    q.headers = extra;
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(s.seen[0].auth, "Bearer s3cr3t-token");
    cr_assert_str_eq(s.seen[0].extra, "yes");
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, token_with_line_break_refused)
{
    loop_setup();
    struct http *h = http_new(&loop);
    struct http_request q = req_for("http://127.0.0.1:1/");
    q.bearer_token = "tok\r\nX-Evil: 1";
    cr_assert_eq(http_start(h, &q, on_done, NULL), -1);
    finish(h);
    loop_teardown();
    cr_assert_eq(got.n, 0);
}

Test(http, post_json_body)
{
    static const struct step steps[] = {{.status = 201, .body = "{\"ok\":true}"}};
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/requests.json", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    q.post_body = "{\"service_code\":\"001\"}";
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 201);
    cr_assert_str_eq(s.seen[0].method, "POST");
    cr_assert_str_eq(s.seen[0].ctype, "application/json");
    cr_assert_str_eq(s.seen[0].body, "{\"service_code\":\"001\"}");
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, retry_after_seconds)
{
    static const struct step steps[] = {{.status = 503, .body = "busy", .retry_after = "7"}};
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 503);
    cr_assert_eq(r->curl_code, CURLE_OK);
    cr_assert_str_empty(r->error, "an HTTP status is not a transport error");
    cr_assert_eq(r->retry_after_ms, 7000);
    cr_assert_str_eq(r->body, "busy");
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, retry_after_http_date)
{
    static char when[64];
    static struct step steps[] = {{.status = 429, .body = "slow down", .retry_after = when}};
    time_t t = time(NULL) + 30;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 429);
    cr_assert(r->retry_after_ms > 25000 && r->retry_after_ms <= 31000, "retry_after_ms %lld",
              (long long)r->retry_after_ms);
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

/* P1 regression: file:// fails inside the timer-driven socket_action with no socket and no
 * running transfer; the failure must still reach done. */
Test(http, file_url_rejected_and_reported)
{
    loop_setup();
    struct http *h = http_new(&loop);
    struct http_request q = req_for("file:///etc/hostname");
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_UNSUPPORTED_PROTOCOL);
    cr_assert_eq(r->status, 0);
    cr_assert_str_eq(r->error, "protocol not allowed: file");
    cr_assert_eq(r->len, 0);
    finish(h);
    loop_teardown();
}

Test(http, plain_http_needs_allow_http)
{
    static const struct step steps[] = {{.status = 200, .body = "{}"}};
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    q.allow_http = false;
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_UNSUPPORTED_PROTOCOL);
    cr_assert_str_eq(r->error, "protocol not allowed: http");
    cr_assert_eq(srv_requests(&s), 0);
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, redirect_followed_but_not_to_file)
{
    static const struct step steps[] = {
        {.status = 302, .location = "/moved"},
        {.status = 200, .body = "{\"moved\":1}"},
        {.status = 302, .location = "file:///etc/hostname"},
    };
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 3);
    srv_url(&s, "/", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(r->body, "{\"moved\":1}");
    cr_assert_str_eq(s.seen[1].path, "/moved");
    r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_UNSUPPORTED_PROTOCOL);
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, connection_refused)
{
    uint16_t port;
    int fd = refused_port(&port);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", (unsigned)port);
    loop_setup();
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_COULDNT_CONNECT);
    cr_assert_eq(r->status, 0);
    cr_assert_str_eq(r->error, "connection refused");
    finish(h);
    loop_teardown();
    close(fd);
}

Test(http, timeout_when_server_is_silent)
{
    struct raw rs;
    char url[128];
    loop_setup();
    raw_start(&rs, NULL, RAW_HANG);
    raw_url(&rs, url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    q.timeout_ms = 300;
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_OPERATION_TIMEDOUT);
    cr_assert_eq(r->status, 0);
    cr_assert_str_eq(r->error, "timed out after 300 ms");
    cr_assert_geq(r->duration_ms, 250);
    finish(h);
    raw_close(&rs);
    loop_teardown();
}

Test(http, chunked_body_over_cap)
{
    static const struct step steps[] = {{.status = 200, .chunked_forever = true}};
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/big", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    q.max_bytes = 64 * 1024;
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_WRITE_ERROR);
    cr_assert(r->too_large);
    cr_assert_str_eq(r->error, "response larger than 64 KiB");
    cr_assert_leq(r->len, 64 * 1024);
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, content_length_over_cap)
{
    static char big[2000];
    static struct step steps[] = {{.status = 200, .body = big, .body_len = sizeof big}};
    memset(big, 'y', sizeof big);
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    q.max_bytes = 1000;
    struct http_response *r = fetch(h, &q);
    cr_assert(r->too_large);
    cr_assert_str_eq(r->error, "response larger than 1000 bytes");
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, gzip_body_is_decoded)
{
    static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                                       0x03, 0xab, 0x56, 0xca, 0x48, 0xcd, 0xc9, 0xc9, 0x57,
                                       0xb2, 0x52, 0x4a, 0xaf, 0xca, 0x2c, 0x50, 0xaa, 0x05,
                                       0x00, 0xf6, 0x4f, 0x05, 0x6f, 0x10, 0x00, 0x00, 0x00};
    static const struct step steps[] = {{.status = 200,
                                         .body = (const char *)gz,
                                         .body_len = sizeof gz,
                                         .content_encoding = "gzip"}};
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(r->body, "{\"hello\":\"gzip\"}");
    finish(h);
    loop_teardown();
    srv_stop(&s);
}

Test(http, truncated_body)
{
    struct raw rs;
    char url[128];
    loop_setup();
    raw_start(&rs, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789", RAW_CLOSE);
    raw_url(&rs, url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_PARTIAL_FILE);
    cr_assert_eq(r->status, 200);
    cr_assert_eq(strncmp(r->error, "truncated response: ", 20), 0, "error: %s", r->error);
    cr_assert_eq(r->len, 10);
    finish(h);
    raw_close(&rs);
    loop_teardown();
}

Test(http, connection_reset)
{
    struct raw rs;
    char url[128];
    loop_setup();
    raw_start(&rs, NULL, RAW_RESET);
    raw_url(&rs, url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_neq(r->curl_code, CURLE_OK);
    cr_assert_eq(r->status, 0);
    cr_assert_str_eq(r->error, "connection reset by peer");
    finish(h);
    raw_close(&rs);
    loop_teardown();
}

static struct http *cancel_h;
static int64_t cancel_id;

static void cancel_on_request(struct raw *r)
{
    (void)r;
    http_cancel(cancel_h, cancel_id);
}

Test(http, cancel_skips_done)
{
    struct raw rs;
    char url[128];
    loop_setup();
    raw_start(&rs, NULL, RAW_HANG);
    rs.on_request = cancel_on_request;
    raw_url(&rs, url, sizeof url);
    cancel_h = http_new(&loop);
    struct http_request q = req_for(url);
    cancel_id = http_start(cancel_h, &q, on_done, NULL);
    cr_assert_gt(cancel_id, 0);
    run_until(&rs.requests, 1);
    run_for_ms(50);
    cr_assert_eq(got.n, 0);
    http_cancel(cancel_h, cancel_id); /* unknown by now: a no-op */
    finish(cancel_h);
    raw_close(&rs);
    loop_teardown();
}

static struct http *shut_h;

static void shutdown_on_request(struct raw *r)
{
    (void)r;
    http_free(shut_h);
}

Test(http, shutdown_mid_transfer_closes_loop)
{
    struct raw rs;
    char url[128];
    loop_setup();
    raw_start(&rs, NULL, RAW_HANG);
    rs.on_request = shutdown_on_request;
    raw_url(&rs, url, sizeof url);
    shut_h = http_new(&loop);
    struct http_request q = req_for(url);
    /* PIPEWAIT holds the other two back until the first connection answers: one transfer
     * is on the wire and two are queued when http_free cuts them all. */
    for (int i = 0; i < 3; i++)
        cr_assert_gt(http_start(shut_h, &q, on_done, NULL), 0);
    run_until(&rs.requests, 1);
    raw_close(&rs);
    loop_teardown();
    cr_assert_eq(got.n, 0, "done must not run for transfers cut by http_free");
}

static struct http *chain_h;
static char chain_url[128];

static void on_done_chain(struct http_response *resp, void *arg)
{
    on_done(resp, arg);
    if (got.n == 1) {
        struct http_request q = req_for(chain_url);
        cr_assert_gt(http_start(chain_h, &q, on_done_chain, (void *)2), 0);
    }
}

Test(http, start_from_done)
{
    static const struct step steps[] = {{.status = 200, .body = "a"}, {.status = 200, .body = "b"}};
    struct srv s;
    loop_setup();
    srv_start(&s, steps, 2);
    srv_url(&s, "/", chain_url, sizeof chain_url);
    chain_h = http_new(&loop);
    struct http_request q = req_for(chain_url);
    cr_assert_gt(http_start(chain_h, &q, on_done_chain, (void *)1), 0);
    run_until(&got.n, 2);
    cr_assert_str_eq(got.r[0].body, "a");
    cr_assert_str_eq(got.r[1].body, "b");
    cr_assert_eq(got.args[1], (void *)2);
    finish(chain_h);
    loop_teardown();
    srv_stop(&s);
}

static struct http *free_h;

static void on_done_free(struct http_response *resp, void *arg)
{
    on_done(resp, arg);
    http_free(free_h); /* the other transfer is still hanging */
}

Test(http, free_from_done)
{
    static const struct step steps[] = {{.status = 200, .body = "x"}};
    struct srv s;
    struct raw rs;
    char url[128], hang[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    raw_start(&rs, NULL, RAW_HANG);
    raw_url(&rs, hang, sizeof hang);
    free_h = http_new(&loop);
    struct http_request q1 = req_for(hang);
    cr_assert_gt(http_start(free_h, &q1, on_done_free, NULL), 0);
    run_until(&rs.requests, 1);
    struct http_request q2 = req_for(url);
    cr_assert_gt(http_start(free_h, &q2, on_done_free, NULL), 0);
    run_until(&got.n, 1);
    run_for_ms(50);
    cr_assert_eq(got.n, 1);
    got_clear();
    raw_close(&rs);
    loop_teardown();
    srv_stop(&s);
}

Test(http, many_parallel_requests)
{
    static const struct step steps[] = {{.status = 200, .body = "{\"n\":1}"}};
    struct srv s;
    char url[128];
    loop_setup();
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    struct http *h = http_new(&loop);
    struct http_request q = req_for(url);
    int64_t last = 0;
    for (int i = 0; i < 20; i++) {
        int64_t id = http_start(h, &q, on_done, (void *)(intptr_t)i);
        cr_assert_gt(id, last);
        last = id;
    }
    run_until(&got.n, 20);
    for (int i = 0; i < 20; i++)
        cr_assert_eq(got.r[i].status, 200);
    finish(h);
    loop_teardown();
    srv_stop(&s);
}
