/* http.c against real sockets: the scripted libmicrohttpd server and the raw TCP server of
 * harness.c (for hangs, truncation and resets), both on 127.0.0.1 only. Every test owns a
 * private loop and ends with uv_loop_close() == 0, which catches leaked handles. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <uv.h>

#include "citydeck/http.h"

#include "harness.h"

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
    uv_stop(&harness_loop);
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
    harness_run_until(&got.n, before + 1);
    return &got.r[before];
}

static void finish(struct http *h)
{
    http_free(h);
    got_clear();
}

/* The start most tests share: the test's loop, the scripted server on it, the url of path
 * on that server, and a client on the loop. */
static struct http *setup_srv(struct harness_srv *s, const struct harness_step *steps,
                              size_t nsteps, const char *path, char *url, size_t n)
{
    harness_loop_setup();
    harness_srv_start(s, steps, nsteps);
    harness_srv_url(s, path, url, n);
    return http_new(&harness_loop);
}

/* ...and its end: the client and the responses freed, the loop closed clean, the server
 * stopped. */
static void teardown_srv(struct http *h, struct harness_srv *s)
{
    finish(h);
    harness_loop_teardown();
    harness_srv_stop(s);
}

/* The same with the raw server instead. */
static struct http *setup_raw(struct harness_raw *rs, const char *reply,
                              enum harness_raw_after after, char *url, size_t n)
{
    harness_loop_setup();
    harness_raw_start(rs, reply, after);
    harness_raw_url(rs, url, n);
    return http_new(&harness_loop);
}

static void teardown_raw(struct http *h, struct harness_raw *rs)
{
    finish(h);
    harness_raw_close(rs);
    harness_loop_teardown();
}

/* ---- tests -------------------------------------------------------------------------- */

Test(http, get_200_fills_response)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "{\"v\":1}", .etag = "\"v1\""}};
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/data", url, sizeof url);
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
    teardown_srv(h, &s);
}

Test(http, etag_sent_and_304)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "{}", .etag = "W/\"abc\"", .inm_304 = true}};
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct http_request q = req_for(url);
    q.etag = "W/\"abc\"";
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 304);
    cr_assert_eq(r->curl_code, CURLE_OK);
    cr_assert_eq(r->len, 0);
    cr_assert_not_null(r->body);
    cr_assert_str_eq(r->etag, "W/\"abc\"");
    cr_assert_str_eq(s.seen[0].inm, "W/\"abc\"");
    teardown_srv(h, &s);
}

Test(http, bearer_token_and_extra_headers)
{
    static const struct harness_step steps[] = {{.status = 200, .body = "{}"}};
    static const char *const extra[] = {"X-Citydeck-Test: yes", "X-Bad: a\r\nX-Injected: 1", NULL};
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct http_request q = req_for(url);
    q.bearer_token = "s3cr3t-token";
    q.headers = extra;
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(s.seen[0].auth, "Bearer s3cr3t-token");
    cr_assert_str_eq(s.seen[0].extra, "yes");
    teardown_srv(h, &s);
}

Test(http, token_with_line_break_refused)
{
    harness_loop_setup();
    struct http *h = http_new(&harness_loop);
    struct http_request q = req_for("http://127.0.0.1:1/");
    q.bearer_token = "tok\r\nX-Evil: 1";
    cr_assert_eq(http_start(h, &q, on_done, NULL), -1);
    finish(h);
    harness_loop_teardown();
    cr_assert_eq(got.n, 0);
}

Test(http, post_json_body)
{
    static const struct harness_step steps[] = {{.status = 201, .body = "{\"ok\":true}"}};
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/requests.json", url, sizeof url);
    struct http_request q = req_for(url);
    q.post_body = "{\"service_code\":\"001\"}";
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 201);
    cr_assert_str_eq(s.seen[0].method, "POST");
    cr_assert_str_eq(s.seen[0].ctype, "application/json");
    cr_assert_str_eq(s.seen[0].body, "{\"service_code\":\"001\"}");
    teardown_srv(h, &s);
}

Test(http, retry_after_seconds)
{
    static const struct harness_step steps[] = {
        {.status = 503, .body = "busy", .retry_after = "7"}};
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 503);
    cr_assert_eq(r->curl_code, CURLE_OK);
    cr_assert_str_empty(r->error, "an HTTP status is not a transport error");
    cr_assert_eq(r->retry_after_ms, 7000);
    cr_assert_str_eq(r->body, "busy");
    teardown_srv(h, &s);
}

Test(http, retry_after_http_date)
{
    static char when[64];
    static struct harness_step steps[] = {
        {.status = 429, .body = "slow down", .retry_after = when}};
    time_t t = time(NULL) + 30;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 429);
    cr_assert(r->retry_after_ms > 25000 && r->retry_after_ms <= 31000, "retry_after_ms %lld",
              (long long)r->retry_after_ms);
    teardown_srv(h, &s);
}

/* P1 regression: file:// fails inside the timer-driven socket_action with no socket and no
 * running transfer; the failure must still reach done. */
Test(http, file_url_rejected_and_reported)
{
    harness_loop_setup();
    struct http *h = http_new(&harness_loop);
    struct http_request q = req_for("file:///etc/hostname");
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_UNSUPPORTED_PROTOCOL);
    cr_assert_eq(r->status, 0);
    cr_assert_str_eq(r->error, "protocol not allowed: file");
    cr_assert_eq(r->len, 0);
    finish(h);
    harness_loop_teardown();
}

Test(http, plain_http_needs_allow_http)
{
    static const struct harness_step steps[] = {{.status = 200, .body = "{}"}};
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct http_request q = req_for(url);
    q.allow_http = false;
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_UNSUPPORTED_PROTOCOL);
    cr_assert_str_eq(r->error, "protocol not allowed: http");
    cr_assert_eq(harness_srv_requests(&s), 0);
    teardown_srv(h, &s);
}

Test(http, redirect_followed_but_not_to_file)
{
    static const struct harness_step steps[] = {
        {.status = 302, .location = "/moved"},
        {.status = 200, .body = "{\"moved\":1}"},
        {.status = 302, .location = "file:///etc/hostname"},
    };
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 3, "/", url, sizeof url);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(r->body, "{\"moved\":1}");
    cr_assert_str_eq(s.seen[1].path, "/moved");
    r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_UNSUPPORTED_PROTOCOL);
    teardown_srv(h, &s);
}

Test(http, connection_refused)
{
    uint16_t port;
    int fd = harness_refused_port(&port);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", (unsigned)port);
    harness_loop_setup();
    struct http *h = http_new(&harness_loop);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_COULDNT_CONNECT);
    cr_assert_eq(r->status, 0);
    cr_assert_str_eq(r->error, "connection refused");
    finish(h);
    harness_loop_teardown();
    close(fd);
}

Test(http, timeout_when_server_is_silent)
{
    struct harness_raw rs;
    char url[128];
    struct http *h = setup_raw(&rs, NULL, HARNESS_RAW_HANG, url, sizeof url);
    struct http_request q = req_for(url);
    q.timeout_ms = 300;
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_OPERATION_TIMEDOUT);
    cr_assert_eq(r->status, 0);
    cr_assert_str_eq(r->error, "timed out after 300 ms");
    cr_assert_geq(r->duration_ms, 250);
    teardown_raw(h, &rs);
}

Test(http, chunked_body_over_cap)
{
    static const struct harness_step steps[] = {{.status = 200, .chunked_forever = true}};
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/big", url, sizeof url);
    struct http_request q = req_for(url);
    q.max_bytes = 64 * 1024;
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_WRITE_ERROR);
    cr_assert(r->too_large);
    cr_assert_str_eq(r->error, "response larger than 64 KiB");
    cr_assert_leq(r->len, 64 * 1024);
    teardown_srv(h, &s);
}

Test(http, content_length_over_cap)
{
    static char big[2000];
    static struct harness_step steps[] = {{.status = 200, .body = big, .body_len = sizeof big}};
    memset(big, 'y', sizeof big);
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct http_request q = req_for(url);
    q.max_bytes = 1000;
    struct http_response *r = fetch(h, &q);
    cr_assert(r->too_large);
    cr_assert_str_eq(r->error, "response larger than 1000 bytes");
    teardown_srv(h, &s);
}

Test(http, gzip_body_is_decoded)
{
    static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                                       0x03, 0xab, 0x56, 0xca, 0x48, 0xcd, 0xc9, 0xc9, 0x57,
                                       0xb2, 0x52, 0x4a, 0xaf, 0xca, 0x2c, 0x50, 0xaa, 0x05,
                                       0x00, 0xf6, 0x4f, 0x05, 0x6f, 0x10, 0x00, 0x00, 0x00};
    static const struct harness_step steps[] = {{.status = 200,
                                                 .body = (const char *)gz,
                                                 .body_len = sizeof gz,
                                                 .content_encoding = "gzip"}};
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(r->body, "{\"hello\":\"gzip\"}");
    teardown_srv(h, &s);
}

Test(http, truncated_body)
{
    struct harness_raw rs;
    char url[128];
    struct http *h = setup_raw(&rs, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789",
                               HARNESS_RAW_CLOSE, url, sizeof url);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_eq(r->curl_code, CURLE_PARTIAL_FILE);
    cr_assert_eq(r->status, 200);
    cr_assert_eq(strncmp(r->error, "truncated response: ", 20), 0, "error: %s", r->error);
    cr_assert_eq(r->len, 10);
    teardown_raw(h, &rs);
}

Test(http, connection_reset)
{
    struct harness_raw rs;
    char url[128];
    struct http *h = setup_raw(&rs, NULL, HARNESS_RAW_RESET, url, sizeof url);
    struct http_request q = req_for(url);
    struct http_response *r = fetch(h, &q);
    cr_assert_neq(r->curl_code, CURLE_OK);
    cr_assert_eq(r->status, 0);
    cr_assert_str_eq(r->error, "connection reset by peer");
    teardown_raw(h, &rs);
}

static struct http *cancel_h;
static int64_t cancel_id;

static void cancel_on_request(struct harness_raw *r)
{
    (void)r;
    http_cancel(cancel_h, cancel_id);
}

Test(http, cancel_skips_done)
{
    struct harness_raw rs;
    char url[128];
    cancel_h = setup_raw(&rs, NULL, HARNESS_RAW_HANG, url, sizeof url);
    rs.on_request = cancel_on_request;
    struct http_request q = req_for(url);
    cancel_id = http_start(cancel_h, &q, on_done, NULL);
    cr_assert_gt(cancel_id, 0);
    harness_run_until(&rs.requests, 1);
    harness_run_for_ms(50);
    cr_assert_eq(got.n, 0);
    http_cancel(cancel_h, cancel_id); /* unknown by now: a no-op */
    teardown_raw(cancel_h, &rs);
}

static struct http *shut_h;

static void shutdown_on_request(struct harness_raw *r)
{
    (void)r;
    http_free(shut_h);
}

Test(http, shutdown_mid_transfer_closes_loop)
{
    struct harness_raw rs;
    char url[128];
    shut_h = setup_raw(&rs, NULL, HARNESS_RAW_HANG, url, sizeof url);
    rs.on_request = shutdown_on_request;
    struct http_request q = req_for(url);
    /* PIPEWAIT holds the other two back until the first connection answers: one transfer
     * is on the wire and two are queued when http_free cuts them all. */
    for (int i = 0; i < 3; i++)
        cr_assert_gt(http_start(shut_h, &q, on_done, NULL), 0);
    harness_run_until(&rs.requests, 1);
    harness_raw_close(&rs);
    harness_loop_teardown();
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
    static const struct harness_step steps[] = {{.status = 200, .body = "a"},
                                                {.status = 200, .body = "b"}};
    struct harness_srv s;
    chain_h = setup_srv(&s, steps, 2, "/", chain_url, sizeof chain_url);
    struct http_request q = req_for(chain_url);
    cr_assert_gt(http_start(chain_h, &q, on_done_chain, (void *)1), 0);
    harness_run_until(&got.n, 2);
    cr_assert_str_eq(got.r[0].body, "a");
    cr_assert_str_eq(got.r[1].body, "b");
    cr_assert_eq(got.args[1], (void *)2);
    teardown_srv(chain_h, &s);
}

static struct http *free_h;

static void on_done_free(struct http_response *resp, void *arg)
{
    on_done(resp, arg);
    http_free(free_h); /* the other transfer is still hanging */
}

Test(http, free_from_done)
{
    static const struct harness_step steps[] = {{.status = 200, .body = "x"}};
    struct harness_srv s;
    struct harness_raw rs;
    char url[128], hang[128];
    harness_loop_setup();
    harness_srv_start(&s, steps, 1);
    harness_srv_url(&s, "/", url, sizeof url);
    harness_raw_start(&rs, NULL, HARNESS_RAW_HANG);
    harness_raw_url(&rs, hang, sizeof hang);
    free_h = http_new(&harness_loop);
    struct http_request q1 = req_for(hang);
    cr_assert_gt(http_start(free_h, &q1, on_done_free, NULL), 0);
    harness_run_until(&rs.requests, 1);
    struct http_request q2 = req_for(url);
    cr_assert_gt(http_start(free_h, &q2, on_done_free, NULL), 0);
    harness_run_until(&got.n, 1);
    harness_run_for_ms(50);
    cr_assert_eq(got.n, 1);
    got_clear();
    harness_raw_close(&rs);
    harness_loop_teardown();
    harness_srv_stop(&s);
}

Test(http, many_parallel_requests)
{
    static const struct harness_step steps[] = {{.status = 200, .body = "{\"n\":1}"}};
    struct harness_srv s;
    char url[128];
    struct http *h = setup_srv(&s, steps, 1, "/", url, sizeof url);
    struct http_request q = req_for(url);
    int64_t last = 0;
    for (int i = 0; i < 20; i++) {
        int64_t id = http_start(h, &q, on_done, (void *)(intptr_t)i);
        cr_assert_gt(id, last);
        last = id;
    }
    harness_run_until(&got.n, 20);
    for (int i = 0; i < 20; i++)
        cr_assert_eq(got.r[i].status, 200);
    teardown_srv(h, &s);
}
