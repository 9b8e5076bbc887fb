/* citydeck-sim --fault: each fault checked where it matters, on the wire, with a plain
 * libcurl client against the real binary on 127.0.0.1. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define START "2026-03-02T08:00:00+07:00"
#define V2 "/open311/v2"
#define REQS V2 "/requests.json"

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void teardown(void)
{
    harness_sims_stop_all();
    curl_global_cleanup();
}

TestSuite(faults, .init = setup, .fini = teardown, .timeout = 60);

/* ---- a plain libcurl client ---- */

/* One GET; transfer errors are returned in rc, not asserted. */
static struct harness_resp get_hdr(int slot, const char *path, const char *header)
{
    struct harness_req q = {.headers = {header}, .may_fail = true};
    return harness_sim_http(slot, path, &q);
}

static struct harness_resp get(int slot, const char *path)
{
    return get_hdr(slot, path, NULL);
}

/* Several GETs at once over separate connections (curl multi), each timed. */
static void get_parallel(int slot, const char *const *paths, struct harness_resp *out, int n)
{
    CURLM *m = curl_multi_init();
    CURL *easy[16];
    cr_assert_leq(n, 16);
    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        char url[512];
        snprintf(url, sizeof url, "%s%s", harness_sims[slot].url, paths[i]);
        easy[i] = harness_easy(url, &out[i], NULL, NULL);
        curl_easy_setopt(easy[i], CURLOPT_FORBID_REUSE, 1L);
        curl_multi_add_handle(m, easy[i]);
    }
    int running = n;
    while (running) {
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)))
            if (msg->msg == CURLMSG_DONE) {
                struct harness_resp *r;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
                r->rc = msg->data.result;
            }
        if (running)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    for (int i = 0; i < n; i++) {
        harness_easy_done(easy[i], &out[i]);
        curl_multi_remove_handle(m, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(m);
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- the faults ---- */

Test(faults, latency_delays_without_blocking_other_connections)
{
    int s = harness_sims_start("7", START, ARGS("--fault", "latency:1000@" V2 "/services.json"));
    /* More delayed requests than the server has threads, and one undelayed: if a delay held
     * a thread, they would queue and the total would pass two seconds. */
    const char *paths[] = {V2 "/services.json", V2 "/services.json", V2 "/services.json",
                           V2 "/services.json", V2 "/services.json", V2 "/services.json",
                           V2 "/services.json", V2 "/services.json", "/units.json"};
    struct harness_resp r[9];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    get_parallel(s, paths, r, 9);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(r[i].rc, CURLE_OK, "%s", r[i].errbuf);
        cr_assert_eq(r[i].status, 200);
        cr_assert_geq(r[i].seconds, 0.95, "request %d took %.3f s", i, r[i].seconds);
    }
    cr_assert_eq(r[8].status, 200);
    cr_assert_lt(r[8].seconds, 0.5, "the undelayed request waited %.3f s", r[8].seconds);
    cr_assert_lt(wall, 1.9, "delays were serialised: %.3f s", wall);
    for (int i = 0; i < 9; i++)
        harness_resp_free(&r[i]);

    int j = harness_sims_start("7", START, ARGS("--fault", "latency:200-400"));
    for (int i = 0; i < 5; i++) {
        struct harness_resp x = get(j, "/units.json");
        cr_assert(x.seconds >= 0.19 && x.seconds < 0.7, "jittered latency %.3f s", x.seconds);
        harness_resp_free(&x);
    }
}

Test(faults, slow_body_holds_its_rate_and_blocks_nobody)
{
    int s = harness_sims_start("7", START, ARGS("--fault", "slow:50000@" REQS));
    const char *paths[] = {REQS "?page_size=200", "/units.json", V2 "/services.json"};
    struct harness_resp r[3];
    get_parallel(s, paths, r, 3);
    cr_assert_eq(r[0].rc, CURLE_OK, "%s", r[0].errbuf);
    cr_assert_eq(r[0].status, 200);
    cr_assert_eq((long long)r[0].len, r[0].content_length, "the whole body arrives");
    cJSON *j = harness_json_whole(&r[0]);
    cr_assert_not_null(j, "a slow body is still a good body");
    cJSON_Delete(j);
    double rate = (double)r[0].len / r[0].seconds;
    cr_assert_gt(r[0].len, 100000u);
    /* One tenth of a second's worth goes at once, the rest at the rate. */
    double floor_s = (double)(r[0].len - 5000) / 50000.0;
    cr_assert_geq(r[0].seconds, floor_s * 0.95, "%zu bytes in %.2f s", r[0].len, r[0].seconds);
    cr_assert_lt(rate, 50000 * 1.25, "rate %.0f B/s", rate);
    for (int i = 1; i < 3; i++) {
        cr_assert_eq(r[i].status, 200);
        cr_assert_lt(r[i].seconds, 0.5, "request %d waited %.3f s behind a slow body", i,
                     r[i].seconds);
    }
    for (int i = 0; i < 3; i++)
        harness_resp_free(&r[i]);
}

Test(faults, status_codes_with_retry_after)
{
    int s = harness_sims_start("7", START,
                               ARGS("--fault", "status:503:30@" REQS, "--fault",
                                    "status:429:5@/units.json", "--fault",
                                    "status:500@" V2 "/services"));
    struct {
        const char *path;
        long status;
        const char *retry_after;
    } cases[] = {{REQS, 503, "30"}, {"/units.json", 429, "5"}, {V2 "/services.json", 500, ""}};
    for (size_t i = 0; i < 3; i++) {
        struct harness_resp r = get(s, cases[i].path);
        cr_assert_eq(r.rc, CURLE_OK);
        cr_assert_eq(r.status, cases[i].status);
        cr_assert_str_eq(r.retry_after, cases[i].retry_after);
        cr_assert_str_eq(r.ctype, "application/json; charset=utf-8");
        cr_assert_str_eq(r.etag, "", "no validator on an error");
        cJSON *j = harness_json_whole(&r);
        cr_assert(cJSON_IsArray(j), "an Open311 error list: %s", r.body);
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(j, 0), "code");
        cr_assert(cJSON_IsNumber(code) && code->valueint == cases[i].status);
        cJSON_Delete(j);
        harness_resp_free(&r);
    }
    struct harness_resp ok = get(s, V2 "/discovery.json");
    cr_assert_eq(ok.status, 200, "other paths are untouched");
    harness_resp_free(&ok);
}

Test(faults, reset_before_and_during_the_body)
{
    int s = harness_sims_start("7", START,
                               ARGS("--fault", "reset@/units.json", "--fault", "reset:1000@" REQS));
    struct harness_resp a = get(s, "/units.json");
    cr_assert_eq(a.rc, CURLE_RECV_ERROR, "curl %d: %s", a.rc, a.errbuf);
    cr_assert(strstr(a.errbuf, "reset"), "a TCP reset: %s", a.errbuf);
    cr_assert_eq(a.status, 0, "no response at all");
    cr_assert_eq(a.len, 0);
    struct harness_resp b = get(s, REQS);
    cr_assert_eq(b.rc, CURLE_RECV_ERROR, "curl %d: %s", b.rc, b.errbuf);
    cr_assert_eq(b.status, 200, "headers went out first");
    cr_assert_gt(b.content_length, 100000);
    cr_assert_leq(b.len, 1000);
    struct harness_resp c = get(s, V2 "/services.json");
    cr_assert_eq(c.rc, CURLE_OK, "the server lives on");
    harness_resp_free(&a);
    harness_resp_free(&b);
    harness_resp_free(&c);
}

Test(faults, truncate_closes_short_of_content_length)
{
    int s = harness_sims_start(
        "7", START, ARGS("--fault", "truncate@/units.json", "--fault", "truncate:1000@" REQS));
    struct harness_resp a = get(s, "/units.json");
    cr_assert_eq(a.rc, CURLE_PARTIAL_FILE, "curl %d: %s", a.rc, a.errbuf);
    cr_assert_eq(a.status, 200);
    cr_assert_eq((long long)a.len, a.content_length / 2, "%zu of %lld", a.len, a.content_length);
    struct harness_resp b = get(s, REQS);
    cr_assert_eq(b.rc, CURLE_PARTIAL_FILE);
    cr_assert_eq(b.len, 1000);
    /* With gzip the cut is in the compressed bytes. */
    struct harness_resp z = get_hdr(s, "/units.json", "Accept-Encoding: gzip");
    cr_assert_eq(z.rc, CURLE_PARTIAL_FILE);
    cr_assert_str_eq(z.cenc, "gzip");
    cr_assert_eq((long long)z.len, z.content_length / 2);
    harness_resp_free(&a);
    harness_resp_free(&b);
    harness_resp_free(&z);
}

Test(faults, malformed_json_in_three_shapes)
{
    int s = harness_sims_start("7", START, ARGS("--fault", "malformed@" REQS));
    bool seen_prefix = false, seen_comma = false, seen_cut = false;
    for (int i = 0; i < 3; i++) {
        struct harness_resp r = get(s, REQS "?page_size=5");
        cr_assert_eq(r.rc, CURLE_OK, "the transfer itself is complete");
        cr_assert_eq(r.status, 200);
        cr_assert_str_eq(r.ctype, "application/json; charset=utf-8");
        cr_assert_null(harness_json_whole(&r), "variant %d parsed: %.80s", i, r.body);
        seen_prefix |= !strncmp(r.body, ")]}'", 4);
        seen_comma |= r.len > 2 && !strcmp(r.body + r.len - 2, ",]");
        seen_cut |= r.body[r.len - 1] != ']';
        harness_resp_free(&r);
    }
    cr_assert(seen_prefix && seen_comma && seen_cut);
}

Test(faults, wrong_types_everywhere)
{
    int s = harness_sims_start("7", START, ARGS("--fault", "wrongtypes@" REQS));
    struct harness_resp r = get(s, REQS "?page_size=20&extensions=true");
    cJSON *j = harness_json_whole(&r);
    cr_assert(cJSON_IsArray(j), "still JSON, same shape at the top");
    cr_assert_eq(cJSON_GetArraySize(j), 20);
    int strings = 0, numbers_as_strings = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, j)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "service_request_id");
        cr_assert_not_null(id);
        strings += cJSON_IsString(id);
        const cJSON *lat = cJSON_GetObjectItemCaseSensitive(it, "lat");
        if (lat) {
            cr_assert(cJSON_IsString(lat), "lat becomes a string");
            cr_assert_gt(strtod(lat->valuestring, NULL), 14.0);
            numbers_as_strings++;
        }
    }
    cr_assert_eq(strings, 0, "no id is a string any more");
    cr_assert_gt(numbers_as_strings, 10);
    cJSON_Delete(j);
    harness_resp_free(&r);
}

Test(faults, oversize_body_is_valid_json)
{
    int s = harness_sims_start("7", START, ARGS("--fault", "oversize:20M@" V2 "/services.json"));
    struct harness_resp r = get_hdr(s, V2 "/services.json", "Accept-Encoding: gzip");
    cr_assert_eq(r.rc, CURLE_OK, "%s", r.errbuf);
    cr_assert_eq(r.len, 20u << 20);
    cr_assert_eq(r.content_length, 20LL << 20);
    cr_assert_str_eq(r.cenc, "", "padding is sent as it is, never compressed");
    cJSON *j = harness_json_whole(&r);
    cr_assert(cJSON_IsArray(j) && cJSON_GetArraySize(j) >= 10, "padding keeps the document");
    cJSON_Delete(j);
    harness_resp_free(&r);
}

Test(faults, invalid_utf8_in_text_only)
{
    int s = harness_sims_start("7", START, ARGS("--fault", "badutf8@" REQS));
    struct harness_resp r = get(s, REQS "?page_size=50&extensions=true");
    cr_assert_eq(r.status, 200);
    cr_assert_not(utf8_valid((const unsigned char *)r.body, r.len), "invalid UTF-8 on the wire");
    int bad = 0;
    for (size_t i = 0; i + 1 < r.len; i++)
        bad += (unsigned char)r.body[i] == 0xFF || (unsigned char)r.body[i] == 0xC0 ||
               ((unsigned char)r.body[i] == 0xED && (unsigned char)r.body[i + 1] == 0xA0);
    cr_assert_gt(bad, 3, "several kinds of bad sequence");
    cJSON *j = harness_json_whole(&r);
    cr_assert(cJSON_IsArray(j), "the JSON structure survives");
    const cJSON *it;
    cJSON_ArrayForEach(it, j)
    {
        const char *id = str_of(it, "service_request_id");
        cr_assert(id && !strncmp(id, "PA-51-", 6), "ids stay intact");
        cr_assert_not(utf8_valid((const unsigned char *)str_of(it, "description"),
                                 strlen(str_of(it, "description"))));
    }
    cJSON_Delete(j);
    harness_resp_free(&r);
}

Test(faults, hostile_text_stays_valid_json)
{
    int s = harness_sims_start("7", START, ARGS("--fault", "hostile@" V2));
    struct harness_resp r = get(s, REQS "?page_size=50&extensions=true");
    cr_assert(utf8_valid((const unsigned char *)r.body, r.len), "hostile is valid UTF-8");
    cJSON *j = harness_json_whole(&r);
    cr_assert(cJSON_IsArray(j), "hostile text keeps JSON valid");
    bool esc = false, osc = false, rlo = false, c1 = false, csi_clear = false;
    const cJSON *it;
    cJSON_ArrayForEach(it, j)
    {
        cr_assert(!strncmp(str_of(it, "service_request_id"), "PA-51-", 6));
        const char *fields[] = {"description", "address", "agency_responsible", "status_notes",
                                "service_name"};
        for (size_t k = 0; k < 5; k++) {
            const char *v = str_of(it, fields[k]);
            cr_assert_not_null(v);
            esc |= strchr(v, 0x1b) != NULL;
            osc |= strstr(v, "\x1b]") != NULL;
            csi_clear |= strstr(v, "\x1b[2J") != NULL;
            rlo |= strstr(v, "\xe2\x80\xae") != NULL;
            c1 |= strstr(v, "\xc2\x9b") != NULL;
        }
    }
    cr_assert(esc && osc && csi_clear && rlo && c1);
    cJSON_Delete(j);
    harness_resp_free(&r);
    /* Dates and codes are left alone, so a client keeps the records. */
    struct harness_resp d = get(s, V2 "/discovery.json");
    cJSON *dj = harness_json_whole(&d);
    cr_assert_str_eq(str_of(dj, "changeset"), "2026-01-01T00:00:00+07:00");
    cJSON_Delete(dj);
    harness_resp_free(&d);
}

Test(faults, etag_churn)
{
    int s = harness_sims_start("7", START, ARGS("--fault", "etag-churn@/units.json"));
    struct harness_resp a = get(s, "/units.json");
    char inm[120];
    snprintf(inm, sizeof inm, "If-None-Match: %s", a.etag);
    struct harness_resp b = get_hdr(s, "/units.json", inm);
    cr_assert_eq(b.status, 200, "a churned ETag never validates");
    cr_assert_str_neq(a.etag, b.etag);
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.body, b.body, a.len), 0, "the body does not change");
    /* Unaffected paths keep stable validators. */
    struct harness_resp c = get(s, V2 "/services.json");
    snprintf(inm, sizeof inm, "If-None-Match: %s", c.etag);
    struct harness_resp d = get_hdr(s, V2 "/services.json", inm);
    cr_assert_eq(d.status, 304);
    harness_resp_free(&a);
    harness_resp_free(&b);
    harness_resp_free(&c);
    harness_resp_free(&d);
}

Test(faults, html_instead_of_json)
{
    int s = harness_sims_start(
        "7", START, ARGS("--fault", "html@" V2, "--fault", "status:502@" V2 "/services"));
    struct harness_resp a = get(s, REQS);
    cr_assert_eq(a.status, 200);
    cr_assert_str_eq(a.ctype, "text/html; charset=utf-8");
    cr_assert(!strncmp(a.body, "<!DOCTYPE html>", 15));
    struct harness_resp b = get(s, V2 "/services.json");
    cr_assert_eq(b.status, 502, "html with a status: a proxy's error page");
    cr_assert(!strncmp(b.body, "<!DOCTYPE html>", 15));
    harness_resp_free(&a);
    harness_resp_free(&b);
}

Test(faults, global_fault_hits_every_path)
{
    int s = harness_sims_start("7", START, ARGS("--fault", "status:503:7"));
    const char *paths[] = {"/units.json", REQS, V2 "/discovery.json", "/no/such/thing"};
    for (size_t i = 0; i < 4; i++) {
        struct harness_resp r = get(s, paths[i]);
        cr_assert_eq(r.status, 503, "%s", paths[i]);
        cr_assert_str_eq(r.retry_after, "7");
        harness_resp_free(&r);
    }
}

/* The k-th request matching a fault draws from (seed, fault, k): two servers with one seed
 * agree request by request; another seed disagrees. */
static void truncation_pattern(int slot, char *out, int n)
{
    for (int i = 0; i < n; i++) {
        struct harness_resp r = get(slot, "/units.json");
        cr_assert(r.rc == CURLE_OK || r.rc == CURLE_PARTIAL_FILE, "%s", r.errbuf);
        out[i] = r.rc == CURLE_OK ? '.' : 'T';
        harness_resp_free(&r);
        /* Requests elsewhere do not move the fault's count. */
        struct harness_resp other = get(slot, V2 "/services.json");
        cr_assert_eq(other.rc, CURLE_OK);
        harness_resp_free(&other);
    }
    out[n] = '\0';
}

Test(faults, probability_draws_are_deterministic)
{
    const char *const *args = ARGS("--fault", "truncate@/units.json%0.5");
    int a = harness_sims_start("7", START, args), b = harness_sims_start("7", START, args),
        c = harness_sims_start("8", START, args);
    char pa[41], pb[41], pc[41];
    truncation_pattern(a, pa, 40);
    truncation_pattern(b, pb, 40);
    truncation_pattern(c, pc, 40);
    cr_assert_str_eq(pa, pb, "same seed, same faults");
    cr_assert_str_neq(pa, pc, "another seed, other faults");
    int t = 0;
    for (int i = 0; i < 40; i++)
        t += pa[i] == 'T';
    cr_assert(t >= 10 && t <= 30, "about half truncated: %s", pa);
}

/* Faults change nothing else: with them configured, unaffected answers are byte-identical to
 * a clean server's. */
Test(faults, unaffected_paths_stay_identical)
{
    int clean = harness_sims_start("7", START, NULL);
    int faulty = harness_sims_start("7", START,
                                    ARGS("--fault", "hostile@/units.json", "--fault",
                                         "latency:100@/units.json", "--fault", "truncate%0.5@/x"));
    struct harness_resp a = get(clean, REQS "?extensions=true");
    struct harness_resp b = get(faulty, REQS "?extensions=true");
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.body, b.body, a.len), 0);
    cr_assert_str_eq(a.etag, b.etag);
    harness_resp_free(&a);
    harness_resp_free(&b);
}

/* MHD aborts when stopped with suspended connections: a SIGTERM in the middle of a latency or
 * a slow body must still exit 0. */
Test(faults, stop_while_connections_are_parked)
{
    int s = harness_sims_start(
        "7", START, ARGS("--fault", "latency:20000@/units.json", "--fault", "slow:1000@" REQS));
    pid_t client = fork();
    cr_assert_geq(client, 0);
    if (client == 0) {
        const char *paths[] = {"/units.json", "/units.json", REQS, REQS};
        struct harness_resp r[4];
        get_parallel(s, paths, r, 4);
        _exit(0);
    }
    struct timespec ts = {0, 500 * 1000 * 1000};
    nanosleep(&ts, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status = harness_sims_stop(s);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    cr_assert_lt(t1.tv_sec - t0.tv_sec, 4, "stopping waited for the parked connections");
    kill(client, SIGKILL);
    waitpid(client, NULL, 0);
}
