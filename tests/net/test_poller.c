/* poller.c against real sockets: schedules, ETag/304, failures of every kind with the last
 * good data kept, Retry-After, backoff, off-thread parse and on-loop merge, and shutdown.
 * The servers (scripted libmicrohttpd + a raw TCP server on the test loop) are harness.c's.
 * Every test ends with uv_loop_close() == 0. */
#include <criterion/criterion.h>

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "citydeck/http.h"
#include "citydeck/poller.h"

#include "harness.h"

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
    uv_stop(&harness_loop);
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
    harness_loop_setup();
    fx.h = http_new(&harness_loop);
    cr_assert_not_null(fx.h);
    fx.p = poller_new(&harness_loop, fx.h, on_event, NULL);
}

static void fx_teardown(void)
{
    poller_free(fx.p);
    http_free(fx.h);
    harness_loop_teardown();
}

/* The start most tests share: the scripted server, the url of path on it, then the fixture. */
static void fx_setup_srv(struct harness_srv *s, const struct harness_step *steps, size_t nsteps,
                         const char *path, char *url, size_t n)
{
    harness_srv_start(s, steps, nsteps);
    harness_srv_url(s, path, url, n);
    fx_setup();
}

/* ...and its end. */
static void fx_teardown_srv(struct harness_srv *s)
{
    fx_teardown();
    harness_srv_stop(s);
}

/* The first poll: a 200 "v=1" that every failure test later has to keep. */
static void expect_first_ok(void)
{
    poller_start(fx.p);
    harness_run_until(&fx.events, 1);
    cr_assert_eq(fx.snap[0].state, FEED_OK, "first poll: %s", fx.snap[0].last_error);
    cr_assert_eq(fx.value, 1);
    cr_assert_eq(fx.merges, 1);
}

/* Polls again (at once) and returns the health after that attempt. */
static const struct feed_health *poll_again(void)
{
    int n = fx.events;
    poller_refresh(fx.p);
    harness_run_until(&fx.events, n + 1);
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
    static const struct harness_step steps[] = {{.status = 200, .body = "v=42", .etag = "\"e1\""}};
    struct harness_srv s;
    char url[128];
    fx_setup_srv(&s, steps, 1, "/v", url, sizeof url);
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    cr_assert_eq(feed_health(fx.f)->state, FEED_PENDING);
    cr_assert_not(poller_all_first_done(fx.p));
    poller_start(fx.p);
    harness_run_until(&fx.events, 1);

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
    fx_teardown_srv(&s);
}

Test(poller, etag_304_keeps_data)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "v=1", .etag = "\"e1\"", .inm_304 = true}};
    struct harness_srv s;
    char url[128];
    fx_setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    const struct feed_health *hl = poll_again();
    cr_assert_eq(harness_srv_requests(&s), 2);
    cr_assert_str_eq(s.seen[1].inm, "\"e1\"", "the second request carries If-None-Match");
    cr_assert_eq(hl->state, FEED_OK);
    cr_assert_eq(hl->last_status, 304);
    cr_assert_eq(hl->not_modified, 1);
    cr_assert_eq(hl->polls, 2);
    cr_assert_eq(hl->last_bytes, 0);
    cr_assert_eq(fx.merges, 1, "no merge for a 304");
    cr_assert_eq(atomic_load(&fx.parses), 1, "no parse for a 304");
    cr_assert_eq(fx.value, 1);
    fx_teardown_srv(&s);
}

Test(poller, http_500_fails_and_keeps_data_and_etag)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "v=1", .etag = "\"e1\""},
        {.status = 500, .body = "oops"},
        {.status = 200, .body = "v=3", .etag = "\"e1\"", .inm_304 = true},
    };
    struct harness_srv s;
    char url[128];
    fx_setup_srv(&s, steps, 3, "/", url, sizeof url);
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
    fx_teardown_srv(&s);
}

Test(poller, http_503_retry_after_sets_the_delay)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "v=1"},
        {.status = 503, .body = "busy", .retry_after = "2"},
    };
    struct harness_srv s;
    char url[128];
    fx_setup_srv(&s, steps, 2, "/", url, sizeof url);
    struct feed_spec spec = spec_for(url);
    spec.interval_ms = 100; /* backoff alone would retry after ~100 ms */
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "HTTP 503 (retry after 2 s)");
    cr_assert_eq(hl->last_status, 503);
    cr_assert_geq(fx.next_poll[1], 2000, "next poll in %lld ms", (long long)fx.next_poll[1]);
    cr_assert_leq(fx.next_poll[1], 2000 * 12 / 10);
    fx_teardown_srv(&s);
}

Test(poller, timeout_fails_and_keeps_data)
{
    static const struct harness_step steps[] = {{.status = 200, .body = "v=1"}};
    struct harness_srv s;
    struct harness_raw rs;
    char url[128], hang[128];
    fx_setup_srv(&s, steps, 1, "/", url, sizeof url);
    /* accepts, reads, never answers: a sleeping server */
    harness_raw_start(&rs, NULL, HARNESS_RAW_HANG);
    harness_raw_url(&rs, hang, sizeof hang);
    struct feed_spec spec = spec_for(url);
    spec.timeout_ms = 300;
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    feed_set_url(fx.f, hang);
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "timed out after 300 ms");
    cr_assert_eq(hl->last_status, 0);
    cr_assert_geq(hl->last_duration_ms, 250);
    harness_raw_close(&rs);
    fx_teardown_srv(&s);
}

Test(poller, body_over_cap_fails_and_keeps_data)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "v=1"},
        {.status = 200, .chunked_forever = true}, /* no Content-Length: only the cap stops it */
    };
    struct harness_srv s;
    char url[128];
    fx_setup_srv(&s, steps, 2, "/", url, sizeof url);
    struct feed_spec spec = spec_for(url);
    spec.max_bytes = 64 * 1024;
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "response larger than 64 KiB");
    cr_assert_eq(hl->last_status, 200);
    cr_assert_leq(hl->last_bytes, 64 * 1024);
    cr_assert_eq(atomic_load(&fx.parses), 1, "an oversized body is never parsed");
    fx_teardown_srv(&s);
}

Test(poller, connection_refused_fails_and_keeps_data)
{
    static const struct harness_step steps[] = {{.status = 200, .body = "v=1"}};
    struct harness_srv s;
    char url[128], closed[128];
    uint16_t port;
    int fd = harness_refused_port(&port);
    snprintf(closed, sizeof closed, "http://127.0.0.1:%u/", (unsigned)port);
    fx_setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    feed_set_url(fx.f, closed);
    const struct feed_health *hl = poll_again();
    expect_failing_kept(hl, "connection refused");
    cr_assert_eq(hl->last_status, 0);
    cr_assert_eq(hl->last_bytes, 0);
    fx_teardown_srv(&s);
    close(fd);
}

Test(poller, truncated_body_fails_and_keeps_data)
{
    static const struct harness_step steps[] = {{.status = 200, .body = "v=1"}};
    struct harness_srv s;
    struct harness_raw rs;
    char url[128], trunc[128];
    fx_setup_srv(&s, steps, 1, "/", url, sizeof url);
    harness_raw_start(&rs, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nv=12345678",
                      HARNESS_RAW_CLOSE);
    harness_raw_url(&rs, trunc, sizeof trunc);
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
    harness_raw_close(&rs);
    fx_teardown_srv(&s);
}

Test(poller, parse_error_fails_and_keeps_data_and_old_etag)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "v=1", .etag = "\"e1\""},
        {.status = 200, .body = "garbage", .etag = "\"e2\""},
        {.status = 200, .body = "v=3", .etag = "\"e1\"", .inm_304 = true},
    };
    struct harness_srv s;
    char url[128];
    fx_setup_srv(&s, steps, 3, "/", url, sizeof url);
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
    fx_teardown_srv(&s);
}

/* P1 regression at the poller level: a file:// feed must finish its attempt, not hang. */
Test(poller, file_url_rejected_and_reported)
{
    fx_setup();
    struct feed_spec spec = spec_for("file:///etc/hostname");
    fx.f = poller_add(fx.p, &spec);
    poller_start(fx.p);
    harness_run_until(&fx.events, 1);
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
    static const struct harness_step steps[] = {{.status = 200, .body = "v=1"}};
    struct harness_srv s;
    char url[128];
    char token[32] = "tok-123";
    fx_setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct feed_spec spec = spec_for(url);
    spec.bearer_token = token;
    fx.f = poller_add(fx.p, &spec);
    memset(token, 'X', sizeof token - 1); /* the poller copied it */
    expect_first_ok();
    cr_assert_str_eq(s.seen[0].auth, "Bearer tok-123");
    cr_assert_str_eq(s.seen[0].accept, "application/json");
    fx_teardown_srv(&s);
}

Test(poller, stale_after_quiet_period)
{
    static const struct harness_step steps[] = {{.status = 200, .body = "v=1"}};
    struct harness_srv s;
    char url[128];
    fx_setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct feed_spec spec = spec_for(url);
    spec.stale_after_ms = 50;
    fx.f = poller_add(fx.p, &spec);
    expect_first_ok();
    harness_run_for_ms(120);
    const struct feed_health *hl = feed_health(fx.f);
    cr_assert_eq(hl->state, FEED_STALE);
    cr_assert_str_eq(feed_state_name(hl->state), "stale");
    cr_assert_eq(fx.value, 1);
    fx_teardown_srv(&s);
}

Test(poller, backoff_grows_with_failures)
{
    static const struct harness_step steps[] = {{.status = 500, .body = "down"}};
    struct harness_srv s;
    char url[128];
    fx_setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct feed_spec spec = spec_for(url);
    spec.interval_ms = 50;
    spec.max_backoff_ms = 200;
    fx.f = poller_add(fx.p, &spec);
    poller_start(fx.p);
    harness_run_until(&fx.events, 4); /* the schedule alone retries: ~50 + 100 + 200 ms */
    static const int64_t base[] = {50, 100, 200, 200};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(fx.snap[i].failures, i + 1);
        cr_assert(fx.next_poll[i] >= base[i] * 8 / 10 && fx.next_poll[i] < base[i] * 12 / 10,
                  "failure %d: next poll in %lld ms", i + 1, (long long)fx.next_poll[i]);
    }
    cr_assert_eq(fx.snap[3].state, FEED_FAILING);
    fx_teardown_srv(&s);
}

static int refresh_requests_seen;

Test(poller, no_second_request_while_in_flight)
{
    struct harness_raw rs;
    char hang[128];
    fx_setup();
    harness_raw_start(&rs, NULL, HARNESS_RAW_HANG);
    harness_raw_url(&rs, hang, sizeof hang);
    struct feed_spec spec = spec_for(hang);
    fx.f = poller_add(fx.p, &spec);
    poller_start(fx.p);
    harness_run_until(&rs.requests, 1);
    cr_assert_eq(feed_next_poll_ms(fx.f), -1, "in flight: nothing scheduled");
    for (int i = 0; i < 3; i++)
        poller_refresh(fx.p);
    harness_run_for_ms(100);
    refresh_requests_seen = rs.requests;
    cr_assert_eq(refresh_requests_seen, 1);
    cr_assert_eq(rs.nclients, 1);
    cr_assert_eq(fx.events, 0);
    cr_assert_eq(feed_health(fx.f)->state, FEED_PENDING);
    harness_raw_close(&rs);
    fx_teardown(); /* cancels the request in flight */
}

Test(poller, all_first_done_waits_for_every_feed)
{
    static const struct harness_step steps[] = {{.status = 200, .body = "v=1"}};
    struct harness_srv s;
    struct harness_raw rs;
    char url[128], hang[128];
    fx_setup_srv(&s, steps, 1, "/", url, sizeof url);
    harness_raw_start(&rs, NULL, HARNESS_RAW_HANG);
    harness_raw_url(&rs, hang, sizeof hang);
    struct feed_spec a = spec_for(url);
    struct feed_spec b = spec_for(hang);
    b.name = "slow";
    b.timeout_ms = 300;
    fx.f = poller_add(fx.p, &a);
    struct feed *slow = poller_add(fx.p, &b);
    poller_start(fx.p);
    harness_run_until(&fx.events, 1);
    cr_assert_not(poller_all_first_done(fx.p));
    cr_assert_eq(feed_health(slow)->state, FEED_PENDING);
    fx.f = slow; /* on_event checks which feed it gets */
    harness_run_until(&fx.events, 2);
    cr_assert(poller_all_first_done(fx.p));
    cr_assert_eq(poller_count(fx.p), 2);
    cr_assert_eq(poller_feed(fx.p, 1), slow);
    cr_assert_str_eq(feed_name(slow), "slow");
    cr_assert_eq(feed_health(slow)->state, FEED_FAILING);
    harness_raw_close(&rs);
    fx_teardown_srv(&s);
}

static void shutdown_on_request(struct harness_raw *r)
{
    (void)r;
    poller_free(fx.p);
    http_free(fx.h);
}

Test(poller, shutdown_mid_transfer_closes_loop)
{
    struct harness_raw rs;
    char hang[128];
    fx_setup();
    harness_raw_start(&rs, NULL, HARNESS_RAW_HANG);
    rs.on_request = shutdown_on_request;
    harness_raw_url(&rs, hang, sizeof hang);
    struct feed_spec spec = spec_for(hang);
    fx.f = poller_add(fx.p, &spec);
    poller_start(fx.p);
    harness_run_until(&rs.requests, 1);
    harness_raw_close(&rs);
    harness_loop_teardown();
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
    static const struct harness_step steps[] = {{.status = 200, .body = "v=7"}};
    struct harness_srv s;
    char url[128];
    fx_setup_srv(&s, steps, 1, "/", url, sizeof url);
    fx.parse_sleep_ms = 300;
    struct feed_spec spec = spec_for(url);
    fx.f = poller_add(fx.p, &spec);
    uv_timer_t check;
    uv_timer_init(&harness_loop, &check);
    uv_timer_start(&check, on_parse_check, 5, 5);
    poller_start(fx.p);
    while (uv_is_active((uv_handle_t *)&check))
        uv_run(&harness_loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&check, NULL);
    harness_loop_teardown(); /* waits for the parse; its after_work must not merge */
    cr_assert_eq(atomic_load(&fx.parses), 1);
    cr_assert_eq(fx.merges, 0);
    cr_assert_eq(atomic_load(&fx.frees), 1, "the orphaned batch is freed with free_batch");
    cr_assert_eq(fx.events, 0);
    harness_srv_stop(&s);
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
