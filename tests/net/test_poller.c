/* poller.c against real sockets: schedules, ETag/304, failures of every kind with the last
 * good data kept, Retry-After, backoff, off-thread parse and on-loop merge, and shutdown.
 * The server harness (scripted libmicrohttpd + a raw TCP server on the test loop) is the
 * one of test_http.c. Every test ends with uv_loop_close() == 0. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>
#include <uv.h>

#include "citydeck/http.h"
#include "citydeck/poller.h"

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

/* ---- feed fixture ------------------------------------------------------------------- */

/* What the adapter callbacks saw. parse runs on a worker thread, hence the atomics. */
struct fx {
    pthread_t test_thread;
    atomic_int parses;
    atomic_bool parse_on_test_thread;
    atomic_int parse_started;
    atomic_int frees;
    int parse_sleep_ms;
    int merges;
    bool merge_off_test_thread;
    int value; /* the last merged value: "the last good data" */
    int events;
    struct feed_health snap[8]; /* health after each event */
    int64_t next_poll[8];       /* feed_next_poll_ms after each event */
    struct http *h;
    struct poller *p;
    struct feed *f;
};

static struct fx fx;

static void *parse_v(const char *body, size_t len, void *ctx, char *err, size_t errsz)
{
    (void)ctx;
    atomic_store(&fx.parse_started, 1);
    if (pthread_equal(pthread_self(), fx.test_thread))
        atomic_store(&fx.parse_on_test_thread, true);
    atomic_fetch_add(&fx.parses, 1);
    if (fx.parse_sleep_ms)
        usleep((useconds_t)fx.parse_sleep_ms * 1000);
    int v;
    char tail;
    if (len > 32 || sscanf(body, "v=%d%c", &v, &tail) != 1) {
        snprintf(err, errsz, "expected v=<number>");
        return NULL;
    }
    int *b = malloc(sizeof *b);
    *b = v;
    return b;
}

static void merge_v(void *batch, void *ctx)
{
    (void)ctx;
    if (!pthread_equal(pthread_self(), fx.test_thread))
        fx.merge_off_test_thread = true;
    fx.value = *(int *)batch;
    fx.merges++;
    free(batch);
}

static void free_v(void *batch)
{
    free(batch);
    atomic_fetch_add(&fx.frees, 1);
}

static void on_event(struct feed *f, void *arg)
{
    (void)arg;
    cr_assert_eq(f, fx.f);
    if (fx.events < 8) {
        fx.snap[fx.events] = *feed_health(f);
        fx.next_poll[fx.events] = feed_next_poll_ms(f);
    }
    fx.events++;
    uv_stop(&loop);
}

static struct feed_spec spec_for(const char *url)
{
    struct feed_spec s = {
        .name = "test",
        .url = url,
        .interval_ms = 60000, /* only poller_refresh drives the second poll */
        .timeout_ms = 2000,
        .allow_http = true,
        .parse = parse_v,
        .merge = merge_v,
        .free_batch = free_v,
    };
    return s;
}

static void fx_setup(void)
{
    memset(&fx, 0, sizeof fx);
    fx.test_thread = pthread_self();
    loop_setup();
    fx.h = http_new(&loop);
    cr_assert_not_null(fx.h);
    fx.p = poller_new(&loop, fx.h, on_event, NULL);
}

static void fx_teardown(void)
{
    poller_free(fx.p);
    http_free(fx.h);
    loop_teardown();
}

/* The first poll: a 200 "v=1" that every failure test later has to keep. */
static void expect_first_ok(void)
{
    poller_start(fx.p);
    run_until(&fx.events, 1);
    cr_assert_eq(fx.snap[0].state, FEED_OK, "first poll: %s", fx.snap[0].last_error);
    cr_assert_eq(fx.value, 1);
    cr_assert_eq(fx.merges, 1);
}

/* Polls again (at once) and returns the health after that attempt. */
static const struct feed_health *poll_again(void)
{
    int n = fx.events;
    poller_refresh(fx.p);
    run_until(&fx.events, n + 1);
    return &fx.snap[n];
}

static void expect_failing_kept(const struct feed_health *hl, const char *error)
{
    cr_assert_eq(hl->state, FEED_FAILING);
    cr_assert_eq(hl->failures, 1);
    cr_assert_str_eq(hl->last_error, error);
    cr_assert_gt(hl->last_ok_ms, 0);
    cr_assert_eq(fx.value, 1, "the last good data is kept");
    cr_assert_eq(fx.merges, 1, "merge is not called for a failure");
}

/* ---- tests -------------------------------------------------------------------------- */

Test(poller, ok_200_parses_off_loop_and_merges_on_loop)
{
    static const struct step steps[] = {{.status = 200, .body = "v=42", .etag = "\"e1\""}};
    struct srv s;
    char url[128];
    srv_start(&s, steps, 1);
    srv_url(&s, "/v", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    cr_assert_eq(feed_health(fx.f)->state, FEED_PENDING);
    cr_assert_not(poller_all_first_done(fx.p));
    poller_start(fx.p);
    run_until(&fx.events, 1);

    const struct feed_health *hl = &fx.snap[0];
    cr_assert_eq(hl->state, FEED_OK);
    cr_assert_eq(hl->failures, 0);
    cr_assert_str_empty(hl->last_error);
    cr_assert_eq(hl->last_status, 200);
    cr_assert_eq(hl->last_bytes, 4);
    cr_assert_eq(hl->polls, 1);
    cr_assert(hl->first_done);
    cr_assert_gt(hl->last_ok_ms, 0);
    cr_assert_eq(hl->last_ok_ms, hl->last_attempt_ms);
    cr_assert_eq(fx.value, 42);
    cr_assert_eq(fx.merges, 1);
    cr_assert_eq(atomic_load(&fx.parses), 1);
    cr_assert_not(fx.merge_off_test_thread, "merge must run on the loop thread");
    cr_assert_not(atomic_load(&fx.parse_on_test_thread), "parse must run off the loop thread");
    cr_assert(poller_all_first_done(fx.p));
    cr_assert(fx.next_poll[0] > 59000 && fx.next_poll[0] <= 60000, "next poll in %lld",
              (long long)fx.next_poll[0]);
    int64_t off = poller_hub_offset_ms(fx.p);
    cr_assert(off > -3000 && off < 3000, "hub offset %lld", (long long)off);
    cr_assert_str_eq(feed_name(fx.f), "test");
    cr_assert_str_eq(feed_url(fx.f), url);
    cr_assert_str_eq(feed_state_name(hl->state), "ok");
    cr_assert_eq(poller_count(fx.p), 1);
    cr_assert_eq(poller_feed(fx.p, 0), fx.f);
    fx_teardown();
    srv_stop(&s);
}

Test(poller, etag_304_keeps_data)
{
    static const struct step steps[] = {
        {.status = 200, .body = "v=1", .etag = "\"e1\"", .inm_304 = true}};
    struct srv s;
    char url[128];
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    const struct feed_health *hl = poll_again();
    cr_assert_eq(srv_requests(&s), 2);
    cr_assert_str_eq(s.seen[1].inm, "\"e1\"", "the second request carries If-None-Match");
    cr_assert_eq(hl->state, FEED_OK);
    cr_assert_eq(hl->last_status, 304);
    cr_assert_eq(hl->not_modified, 1);
    cr_assert_eq(hl->polls, 2);
    cr_assert_eq(hl->last_bytes, 0);
    cr_assert_eq(fx.merges, 1, "no merge for a 304");
    cr_assert_eq(atomic_load(&fx.parses), 1, "no parse for a 304");
    cr_assert_eq(fx.value, 1);
    fx_teardown();
    srv_stop(&s);
}

Test(poller, http_500_fails_and_keeps_data_and_etag)
{
    static const struct step steps[] = {
        {.status = 200, .body = "v=1", .etag = "\"e1\""},
        {.status = 500, .body = "oops"},
        {.status = 200, .body = "v=3", .etag = "\"e1\"", .inm_304 = true},
    };
    struct srv s;
    char url[128];
    srv_start(&s, steps, 3);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "HTTP 500");
    cr_assert_eq(hl->last_status, 500);
    cr_assert_eq(hl->last_bytes, 4);
    cr_assert_str_eq(feed_state_name(hl->state), "failing");

    hl = poll_again(); /* the ETag survived the failure, so this is a 304 */
    cr_assert_str_eq(s.seen[2].inm, "\"e1\"");
    cr_assert_eq(hl->state, FEED_OK);
    cr_assert_eq(hl->failures, 0);
    cr_assert_str_empty(hl->last_error);
    cr_assert_eq(hl->last_status, 304);
    cr_assert_eq(fx.value, 1);
    fx_teardown();
    srv_stop(&s);
}

Test(poller, http_503_retry_after_sets_the_delay)
{
    static const struct step steps[] = {
        {.status = 200, .body = "v=1"},
        {.status = 503, .body = "busy", .retry_after = "2"},
    };
    struct srv s;
    char url[128];
    srv_start(&s, steps, 2);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    spec.interval_ms = 100; /* backoff alone would retry after ~100 ms */
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "HTTP 503 (retry after 2 s)");
    cr_assert_eq(hl->last_status, 503);
    cr_assert_geq(fx.next_poll[1], 2000, "next poll in %lld ms", (long long)fx.next_poll[1]);
    cr_assert_leq(fx.next_poll[1], 2000 * 12 / 10);
    fx_teardown();
    srv_stop(&s);
}

Test(poller, timeout_fails_and_keeps_data)
{
    static const struct step steps[] = {{.status = 200, .body = "v=1"}};
    struct srv s;
    struct raw rs;
    char url[128], hang[128];
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    raw_start(&rs, NULL, RAW_HANG); /* accepts, reads, never answers: a sleeping server */
    raw_url(&rs, hang, sizeof hang);
    struct feed_spec spec = spec_for(url);
    spec.timeout_ms = 300;
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    feed_set_url(fx.f, hang);
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "timed out after 300 ms");
    cr_assert_eq(hl->last_status, 0);
    cr_assert_geq(hl->last_duration_ms, 250);
    raw_close(&rs);
    fx_teardown();
    srv_stop(&s);
}

Test(poller, body_over_cap_fails_and_keeps_data)
{
    static const struct step steps[] = {
        {.status = 200, .body = "v=1"},
        {.status = 200, .chunked_forever = true}, /* no Content-Length: only the cap stops it */
    };
    struct srv s;
    char url[128];
    srv_start(&s, steps, 2);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    spec.max_bytes = 64 * 1024;
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "response larger than 64 KiB");
    cr_assert_eq(hl->last_status, 200);
    cr_assert_leq(hl->last_bytes, 64 * 1024);
    cr_assert_eq(atomic_load(&fx.parses), 1, "an oversized body is never parsed");
    fx_teardown();
    srv_stop(&s);
}

Test(poller, connection_refused_fails_and_keeps_data)
{
    static const struct step steps[] = {{.status = 200, .body = "v=1"}};
    struct srv s;
    char url[128], closed[128];
    uint16_t port;
    int fd = refused_port(&port);
    snprintf(closed, sizeof closed, "http://127.0.0.1:%u/", (unsigned)port);
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    feed_set_url(fx.f, closed);
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "connection refused");
    cr_assert_eq(hl->last_status, 0);
    cr_assert_eq(hl->last_bytes, 0);
    fx_teardown();
    srv_stop(&s);
    close(fd);
}

Test(poller, truncated_body_fails_and_keeps_data)
{
    static const struct step steps[] = {{.status = 200, .body = "v=1"}};
    struct srv s;
    struct raw rs;
    char url[128], trunc[128];
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    raw_start(&rs, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nv=12345678", RAW_CLOSE);
    raw_url(&rs, trunc, sizeof trunc);
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    feed_set_url(fx.f, trunc);
    const struct feed_health *hl = poll_again();
    cr_assert_eq(strncmp(hl->last_error, "truncated response: ", 20), 0, "error: %s",
                 hl->last_error);
    cr_assert_eq(hl->state, FEED_FAILING);
    cr_assert_eq(hl->failures, 1);
    cr_assert_eq(hl->last_status, 200);
    cr_assert_eq(hl->last_bytes, 10);
    cr_assert_eq(fx.value, 1, "a truncated body is never parsed or merged");
    cr_assert_eq(atomic_load(&fx.parses), 1);
    raw_close(&rs);
    fx_teardown();
    srv_stop(&s);
}

Test(poller, parse_error_fails_and_keeps_data_and_old_etag)
{
    static const struct step steps[] = {
        {.status = 200, .body = "v=1", .etag = "\"e1\""},
        {.status = 200, .body = "garbage", .etag = "\"e2\""},
        {.status = 200, .body = "v=3", .etag = "\"e1\"", .inm_304 = true},
    };
    struct srv s;
    char url[128];
    srv_start(&s, steps, 3);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "parse: expected v=<number>");
    cr_assert_eq(hl->last_status, 200);
    cr_assert_eq(hl->last_bytes, 7);
    hl = poll_again();
    cr_assert_str_eq(s.seen[2].inm, "\"e1\"", "the ETag of an unparsable body is not stored");
    cr_assert_eq(hl->state, FEED_OK);
    cr_assert_eq(hl->last_status, 304);
    fx_teardown();
    srv_stop(&s);
}

/* P1 regression at the poller level: a file:// feed must finish its attempt, not hang. */
Test(poller, file_url_rejected_and_reported)
{
    fx_setup();
    struct feed_spec spec = spec_for("file:///etc/hostname");
    fx.f = poller_add(fx.p, &spec);
    poller_start(fx.p);
    run_until(&fx.events, 1);
    const struct feed_health *hl = &fx.snap[0];
    cr_assert_eq(hl->state, FEED_FAILING);
    cr_assert_str_eq(hl->last_error, "protocol not allowed: file");
    cr_assert(hl->first_done);
    cr_assert_eq(hl->polls, 1);
    cr_assert_eq(hl->last_ok_ms, 0);
    cr_assert_eq(hl->last_status, 0);
    cr_assert_eq(fx.merges, 0);
    cr_assert(poller_all_first_done(fx.p));
    fx_teardown();
}

Test(poller, bearer_token_sent_as_authorization)
{
    static const struct step steps[] = {{.status = 200, .body = "v=1"}};
    struct srv s;
    char url[128];
    char token[32] = "tok-123";
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    spec.bearer_token = token;
    fx.f = poller_add(fx.p, &spec);
    memset(token, 'X', sizeof token - 1); /* the poller copied it */
    expect_first_ok();
    cr_assert_str_eq(s.seen[0].auth, "Bearer tok-123");
    cr_assert_str_eq(s.seen[0].accept, "application/json");
    fx_teardown();
    srv_stop(&s);
}

Test(poller, stale_after_quiet_period)
{
    static const struct step steps[] = {{.status = 200, .body = "v=1"}};
    struct srv s;
    char url[128];
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    spec.stale_after_ms = 50;
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    run_for_ms(120);
    const struct feed_health *hl = feed_health(fx.f);
    cr_assert_eq(hl->state, FEED_STALE);
    cr_assert_str_eq(feed_state_name(hl->state), "stale");
    cr_assert_eq(fx.value, 1);
    fx_teardown();
    srv_stop(&s);
}

Test(poller, backoff_grows_with_failures)
{
    static const struct step steps[] = {{.status = 500, .body = "down"}};
    struct srv s;
    char url[128];
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    struct feed_spec spec = spec_for(url);
    spec.interval_ms = 50;
    spec.max_backoff_ms = 200;
    fx.f = poller_add(fx.p, &spec);
    poller_start(fx.p);
    run_until(&fx.events, 4); /* the schedule alone retries: ~50 + 100 + 200 ms */
    static const int64_t base[] = {50, 100, 200, 200};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(fx.snap[i].failures, i + 1);
        cr_assert(fx.next_poll[i] >= base[i] * 8 / 10 && fx.next_poll[i] < base[i] * 12 / 10,
                  "failure %d: next poll in %lld ms", i + 1, (long long)fx.next_poll[i]);
    }
    cr_assert_eq(fx.snap[3].state, FEED_FAILING);
    fx_teardown();
    srv_stop(&s);
}

static int refresh_requests_seen;

Test(poller, no_second_request_while_in_flight)
{
    struct raw rs;
    char hang[128];
    fx_setup();
    raw_start(&rs, NULL, RAW_HANG);
    raw_url(&rs, hang, sizeof hang);
    struct feed_spec spec = spec_for(hang);
    fx.f = poller_add(fx.p, &spec);
    poller_start(fx.p);
    run_until(&rs.requests, 1);
    cr_assert_eq(feed_next_poll_ms(fx.f), -1, "in flight: nothing scheduled");
    for (int i = 0; i < 3; i++)
        poller_refresh(fx.p);
    run_for_ms(100);
    refresh_requests_seen = rs.requests;
    cr_assert_eq(refresh_requests_seen, 1);
    cr_assert_eq(rs.nclients, 1);
    cr_assert_eq(fx.events, 0);
    cr_assert_eq(feed_health(fx.f)->state, FEED_PENDING);
    raw_close(&rs);
    fx_teardown(); /* cancels the request in flight */
}

Test(poller, all_first_done_waits_for_every_feed)
{
    static const struct step steps[] = {{.status = 200, .body = "v=1"}};
    struct srv s;
    struct raw rs;
    char url[128], hang[128];
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    raw_start(&rs, NULL, RAW_HANG);
    raw_url(&rs, hang, sizeof hang);
    struct feed_spec a = spec_for(url);
    struct feed_spec b = spec_for(hang);
    b.name = "slow";
    b.timeout_ms = 300;
    fx.f = poller_add(fx.p, &a);
    struct feed *slow = poller_add(fx.p, &b);
    poller_start(fx.p);
    run_until(&fx.events, 1);
    cr_assert_not(poller_all_first_done(fx.p));
    cr_assert_eq(feed_health(slow)->state, FEED_PENDING);
    fx.f = slow; /* on_event checks which feed it gets */
    run_until(&fx.events, 2);
    cr_assert(poller_all_first_done(fx.p));
    cr_assert_eq(poller_count(fx.p), 2);
    cr_assert_eq(poller_feed(fx.p, 1), slow);
    cr_assert_str_eq(feed_name(slow), "slow");
    cr_assert_eq(feed_health(slow)->state, FEED_FAILING);
    raw_close(&rs);
    fx_teardown();
    srv_stop(&s);
}

static void shutdown_on_request(struct raw *r)
{
    (void)r;
    poller_free(fx.p);
    http_free(fx.h);
}

Test(poller, shutdown_mid_transfer_closes_loop)
{
    struct raw rs;
    char hang[128];
    fx_setup();
    raw_start(&rs, NULL, RAW_HANG);
    rs.on_request = shutdown_on_request;
    raw_url(&rs, hang, sizeof hang);
    struct feed_spec spec = spec_for(hang);
    fx.f = poller_add(fx.p, &spec);
    poller_start(fx.p);
    run_until(&rs.requests, 1);
    raw_close(&rs);
    loop_teardown();
    cr_assert_eq(fx.events, 0);
    cr_assert_eq(fx.merges, 0);
}

static void on_parse_check(uv_timer_t *t)
{
    if (!atomic_load(&fx.parse_started))
        return;
    uv_timer_stop(t);
    poller_free(fx.p); /* the parse is running on the thread pool right now */
    http_free(fx.h);
}

Test(poller, shutdown_during_parse_frees_the_batch)
{
    static const struct step steps[] = {{.status = 200, .body = "v=7"}};
    struct srv s;
    char url[128];
    srv_start(&s, steps, 1);
    srv_url(&s, "/", url, sizeof url);
    fx_setup();
    fx.parse_sleep_ms = 300;
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    uv_timer_t check;
    uv_timer_init(&loop, &check);
    uv_timer_start(&check, on_parse_check, 5, 5);
    poller_start(fx.p);
    while (uv_is_active((uv_handle_t *)&check))
        uv_run(&loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&check, NULL);
    loop_teardown(); /* waits for the parse; its after_work must not merge */
    cr_assert_eq(atomic_load(&fx.parses), 1);
    cr_assert_eq(fx.merges, 0);
    cr_assert_eq(atomic_load(&fx.frees), 1, "the orphaned batch is freed with free_batch");
    cr_assert_eq(fx.events, 0);
    srv_stop(&s);
}

Test(poller, backoff_formula_bounds)
{
    /* no failure: the plain interval */
    cr_assert_eq(poller_backoff_ms(30000, 600000, 0, 0.5), 30000);
    /* jitter bounds at the first failure */
    cr_assert_eq(poller_backoff_ms(1000, 600000, 1, 0.0), 800);
    cr_assert_eq(poller_backoff_ms(1000, 600000, 1, 0.5), 1000);
    cr_assert_lt(poller_backoff_ms(1000, 600000, 1, 0.999999), 1200);
    /* doubling */
    cr_assert_eq(poller_backoff_ms(1000, 600000, 2, 0.5), 2000);
    cr_assert_eq(poller_backoff_ms(1000, 600000, 4, 0.5), 8000);
    /* the cap, also for absurd failure counts (no overflow) */
    cr_assert_eq(poller_backoff_ms(1000, 60000, 7, 0.5), 60000);
    cr_assert_eq(poller_backoff_ms(1000, 60000, 1000000, 0.5), 60000);
    cr_assert_eq(poller_backoff_ms(1000, 60000, 1000000, 0.0), 48000);
    /* defaults: max 10 min; a cap below the interval never shortens the interval */
    cr_assert_eq(poller_backoff_ms(60000, 0, 50, 0.5), 600000);
    cr_assert_eq(poller_backoff_ms(60000, 1000, 3, 0.5), 60000);
    /* rnd outside [0,1) is clamped */
    cr_assert_eq(poller_backoff_ms(1000, 600000, 1, -3.0), 800);
    cr_assert_lt(poller_backoff_ms(1000, 600000, 1, 7.0), 1200);
    cr_assert_eq(poller_backoff_ms(1000, 600000, 1, 0.0 / 0.0), 800);
    for (int f = 1; f < 64; f++) {
        for (double r = 0.0; r < 1.0; r += 0.0625) {
            double base = 1500.0 * pow(2.0, f - 1);
            if (base > 300000.0)
                base = 300000.0;
            int64_t d = poller_backoff_ms(1500, 300000, f, r);
            cr_assert(d >= (int64_t)(base * 0.8) && d < (int64_t)(base * 1.2) + 1,
                      "f=%d r=%g d=%lld", f, r, (long long)d);
        }
    }
}
