/* citydeck-sim --fault: each fault checked where it matters, on the wire, with a plain
 * libcurl client against the real binary on 127.0.0.1. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "citydeck-config.h"

#define START "2026-03-02T08:00:00+07:00"
#define V2 "/open311/v2"
#define REQS V2 "/requests.json"
#define MAX_SIMS 4
#define MAX_ARGS 32

static struct {
    pid_t pid;
    int port;
} sims[MAX_SIMS];
static int nsims;

static const char *sim_path(void)
{
    const char *p = getenv("CITYDECK_SIM");
    return p && *p ? p : CITYDECK_BUILD_DIR "/citydeck-sim";
}

static int read_line(int fd, char *buf, size_t n, int timeout_ms)
{
    size_t len = 0;
    while (len + 1 < n) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, timeout_ms) <= 0)
            return -1;
        if (read(fd, buf + len, 1) <= 0)
            return -1;
        if (buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
    return 0;
}

/* Starts a frozen simulator with the seed and the extra arguments (NULL-terminated). */
static int sim_start(const char *seed, const char *const *extra)
{
    cr_assert_lt(nsims, MAX_SIMS);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        const char *argv[MAX_ARGS] = {sim_path(), "--port", "0",       "--seed", seed,
                                      "--start",  START,    "--speed", "0"};
        int argc = 9;
        for (int i = 0; extra && extra[i] && argc + 1 < MAX_ARGS; i++)
            argv[argc++] = extra[i];
        argv[argc] = NULL;
        execv(sim_path(), (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", sim_path(), strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    int slot = nsims++;
    sims[slot].pid = pid;
    char line[128];
    int rc = read_line(fds[0], line, sizeof line, 10000);
    close(fds[0]);
    cr_assert_eq(rc, 0, "no first line from %s", sim_path());
    cr_assert_eq(sscanf(line, "listening on http://127.0.0.1:%d", &sims[slot].port), 1,
                 "unexpected first line: %s", line);
    return slot;
}

static int sim_stop(int slot)
{
    if (sims[slot].pid <= 0)
        return -1;
    kill(sims[slot].pid, SIGTERM);
    int status = -1;
    for (int i = 0; i < 500; i++) {
        pid_t r = waitpid(sims[slot].pid, &status, WNOHANG);
        if (r == sims[slot].pid || r < 0)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (i == 499) {
            kill(sims[slot].pid, SIGKILL);
            waitpid(sims[slot].pid, &status, 0);
        }
    }
    sims[slot].pid = 0;
    return status;
}

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void teardown(void)
{
    for (int i = 0; i < nsims; i++)
        sim_stop(i);
    curl_global_cleanup();
}

TestSuite(faults, .init = setup, .fini = teardown, .timeout = 60);

/* ---- a plain libcurl client ---- */

struct resp {
    CURLcode rc;
    char errbuf[CURL_ERROR_SIZE];
    long status;
    char *body;
    size_t len;
    double seconds;
    long long content_length; /* from the header; -1 if none */
    char etag[80], ctype[80], cenc[80], retry_after[40];
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct resp *r = arg;
    size_t add = size * n;
    r->body = realloc(r->body, r->len + add + 1);
    memcpy(r->body + r->len, p, add);
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1, *end = line + len;
    while (v < end && *v == ' ')
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    snprintf(out, n, "%.*s", (int)(end - v), v);
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct resp *r = arg;
    size_t len = size * n;
    char cl[40] = "";
    header_value(p, len, "ETag", r->etag, sizeof r->etag);
    header_value(p, len, "Content-Type", r->ctype, sizeof r->ctype);
    header_value(p, len, "Content-Encoding", r->cenc, sizeof r->cenc);
    header_value(p, len, "Retry-After", r->retry_after, sizeof r->retry_after);
    header_value(p, len, "Content-Length", cl, sizeof cl);
    if (cl[0])
        r->content_length = atoll(cl);
    return len;
}

static CURL *easy_new(int slot, const char *path, struct resp *r, struct curl_slist *hdrs)
{
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", sims[slot].port, path);
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    r->content_length = -1;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_PRIVATE, r);
    return c;
}

static void easy_done(CURL *c, struct resp *r)
{
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r->seconds);
    if (!r->body)
        r->body = calloc(1, 1);
}

/* One GET; transfer errors are returned in rc, not asserted. */
static struct resp get_hdr(int slot, const char *path, const char *header)
{
    struct resp r = {0};
    struct curl_slist *hdrs = header ? curl_slist_append(NULL, header) : NULL;
    CURL *c = easy_new(slot, path, &r, hdrs);
    r.rc = curl_easy_perform(c);
    easy_done(c, &r);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    return r;
}

static struct resp get(int slot, const char *path)
{
    return get_hdr(slot, path, NULL);
}

static void resp_free(struct resp *r)
{
    free(r->body);
    r->body = NULL;
}

/* Several GETs at once over separate connections (curl multi), each timed. */
static void get_parallel(int slot, const char *const *paths, struct resp *out, int n)
{
    CURLM *m = curl_multi_init();
    CURL *easy[16];
    cr_assert_leq(n, 16);
    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        easy[i] = easy_new(slot, paths[i], &out[i], NULL);
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
                struct resp *r;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
                r->rc = msg->data.result;
            }
        if (running)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    for (int i = 0; i < n; i++) {
        easy_done(easy[i], &out[i]);
        curl_multi_remove_handle(m, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(m);
}

/* JSON that parses completely: no trailing bytes either (cJSON stops at the first value). */
static cJSON *parse_whole(const struct resp *r)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(r->body, r->len, &end, false);
    if (j) {
        while (end < r->body + r->len && strchr(" \t\r\n", *end))
            end++;
        if (end != r->body + r->len) {
            cJSON_Delete(j);
            j = NULL;
        }
    }
    return j;
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
    int s = sim_start("7", ARGS("--fault", "latency:1000@" V2 "/services.json"));
    /* More delayed requests than the server has threads, and one undelayed: if a delay held
     * a thread, they would queue and the total would pass two seconds. */
    const char *paths[] = {V2 "/services.json", V2 "/services.json", V2 "/services.json",
                           V2 "/services.json", V2 "/services.json", V2 "/services.json",
                           V2 "/services.json", V2 "/services.json", "/units.json"};
    struct resp r[9];
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
        resp_free(&r[i]);

    int j = sim_start("7", ARGS("--fault", "latency:200-400"));
    for (int i = 0; i < 5; i++) {
        struct resp x = get(j, "/units.json");
        cr_assert(x.seconds >= 0.19 && x.seconds < 0.7, "jittered latency %.3f s", x.seconds);
        resp_free(&x);
    }
}

Test(faults, slow_body_holds_its_rate_and_blocks_nobody)
{
    int s = sim_start("7", ARGS("--fault", "slow:50000@" REQS));
    const char *paths[] = {REQS "?page_size=200", "/units.json", V2 "/services.json"};
    struct resp r[3];
    get_parallel(s, paths, r, 3);
    cr_assert_eq(r[0].rc, CURLE_OK, "%s", r[0].errbuf);
    cr_assert_eq(r[0].status, 200);
    cr_assert_eq((long long)r[0].len, r[0].content_length, "the whole body arrives");
    cJSON *j = parse_whole(&r[0]);
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
        resp_free(&r[i]);
}

Test(faults, status_codes_with_retry_after)
{
    int s =
        sim_start("7", ARGS("--fault", "status:503:30@" REQS, "--fault", "status:429:5@/units.json",
                            "--fault", "status:500@" V2 "/services"));
    struct {
        const char *path;
        long status;
        const char *retry_after;
    } cases[] = {{REQS, 503, "30"}, {"/units.json", 429, "5"}, {V2 "/services.json", 500, ""}};
    for (size_t i = 0; i < 3; i++) {
        struct resp r = get(s, cases[i].path);
        cr_assert_eq(r.rc, CURLE_OK);
        cr_assert_eq(r.status, cases[i].status);
        cr_assert_str_eq(r.retry_after, cases[i].retry_after);
        cr_assert_str_eq(r.ctype, "application/json; charset=utf-8");
        cr_assert_str_eq(r.etag, "", "no validator on an error");
        cJSON *j = parse_whole(&r);
        cr_assert(cJSON_IsArray(j), "an Open311 error list: %s", r.body);
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(j, 0), "code");
        cr_assert(cJSON_IsNumber(code) && code->valueint == cases[i].status);
        cJSON_Delete(j);
        resp_free(&r);
    }
    struct resp ok = get(s, V2 "/discovery.json");
    cr_assert_eq(ok.status, 200, "other paths are untouched");
    resp_free(&ok);
}

Test(faults, reset_before_and_during_the_body)
{
    int s = sim_start("7", ARGS("--fault", "reset@/units.json", "--fault", "reset:1000@" REQS));
    struct resp a = get(s, "/units.json");
    cr_assert_eq(a.rc, CURLE_RECV_ERROR, "curl %d: %s", a.rc, a.errbuf);
    cr_assert(strstr(a.errbuf, "reset"), "a TCP reset: %s", a.errbuf);
    cr_assert_eq(a.status, 0, "no response at all");
    cr_assert_eq(a.len, 0);
    struct resp b = get(s, REQS);
    cr_assert_eq(b.rc, CURLE_RECV_ERROR, "curl %d: %s", b.rc, b.errbuf);
    cr_assert_eq(b.status, 200, "headers went out first");
    cr_assert_gt(b.content_length, 100000);
    cr_assert_leq(b.len, 1000);
    struct resp c = get(s, V2 "/services.json");
    cr_assert_eq(c.rc, CURLE_OK, "the server lives on");
    resp_free(&a);
    resp_free(&b);
    resp_free(&c);
}

Test(faults, truncate_closes_short_of_content_length)
{
    int s =
        sim_start("7", ARGS("--fault", "truncate@/units.json", "--fault", "truncate:1000@" REQS));
    struct resp a = get(s, "/units.json");
    cr_assert_eq(a.rc, CURLE_PARTIAL_FILE, "curl %d: %s", a.rc, a.errbuf);
    cr_assert_eq(a.status, 200);
    cr_assert_eq((long long)a.len, a.content_length / 2, "%zu of %lld", a.len, a.content_length);
    struct resp b = get(s, REQS);
    cr_assert_eq(b.rc, CURLE_PARTIAL_FILE);
    cr_assert_eq(b.len, 1000);
    /* With gzip the cut is in the compressed bytes. */
    struct resp z = get_hdr(s, "/units.json", "Accept-Encoding: gzip");
    cr_assert_eq(z.rc, CURLE_PARTIAL_FILE);
    cr_assert_str_eq(z.cenc, "gzip");
    cr_assert_eq((long long)z.len, z.content_length / 2);
    resp_free(&a);
    resp_free(&b);
    resp_free(&z);
}

Test(faults, malformed_json_in_three_shapes)
{
    int s = sim_start("7", ARGS("--fault", "malformed@" REQS));
    bool seen_prefix = false, seen_comma = false, seen_cut = false;
    for (int i = 0; i < 3; i++) {
        struct resp r = get(s, REQS "?page_size=5");
        cr_assert_eq(r.rc, CURLE_OK, "the transfer itself is complete");
        cr_assert_eq(r.status, 200);
        cr_assert_str_eq(r.ctype, "application/json; charset=utf-8");
        cr_assert_null(parse_whole(&r), "variant %d parsed: %.80s", i, r.body);
        seen_prefix |= !strncmp(r.body, ")]}'", 4);
        seen_comma |= r.len > 2 && !strcmp(r.body + r.len - 2, ",]");
        seen_cut |= r.body[r.len - 1] != ']';
        resp_free(&r);
    }
    cr_assert(seen_prefix && seen_comma && seen_cut);
}

Test(faults, wrong_types_everywhere)
{
    int s = sim_start("7", ARGS("--fault", "wrongtypes@" REQS));
    struct resp r = get(s, REQS "?page_size=20&extensions=true");
    cJSON *j = parse_whole(&r);
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
    resp_free(&r);
}

Test(faults, oversize_body_is_valid_json)
{
    int s = sim_start("7", ARGS("--fault", "oversize:20M@" V2 "/services.json"));
    struct resp r = get_hdr(s, V2 "/services.json", "Accept-Encoding: gzip");
    cr_assert_eq(r.rc, CURLE_OK, "%s", r.errbuf);
    cr_assert_eq(r.len, 20u << 20);
    cr_assert_eq(r.content_length, 20LL << 20);
    cr_assert_str_eq(r.cenc, "", "padding is sent as it is, never compressed");
    cJSON *j = parse_whole(&r);
    cr_assert(cJSON_IsArray(j) && cJSON_GetArraySize(j) >= 10, "padding keeps the document");
    cJSON_Delete(j);
    resp_free(&r);
}

Test(faults, invalid_utf8_in_text_only)
{
    int s = sim_start("7", ARGS("--fault", "badutf8@" REQS));
    struct resp r = get(s, REQS "?page_size=50&extensions=true");
    cr_assert_eq(r.status, 200);
    cr_assert_not(utf8_valid((const unsigned char *)r.body, r.len), "invalid UTF-8 on the wire");
    int bad = 0;
    for (size_t i = 0; i + 1 < r.len; i++)
        bad += (unsigned char)r.body[i] == 0xFF || (unsigned char)r.body[i] == 0xC0 ||
               ((unsigned char)r.body[i] == 0xED && (unsigned char)r.body[i + 1] == 0xA0);
    cr_assert_gt(bad, 3, "several kinds of bad sequence");
    cJSON *j = parse_whole(&r);
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
    resp_free(&r);
}

Test(faults, hostile_text_stays_valid_json)
{
    int s = sim_start("7", ARGS("--fault", "hostile@" V2));
    struct resp r = get(s, REQS "?page_size=50&extensions=true");
    cr_assert(utf8_valid((const unsigned char *)r.body, r.len), "hostile is valid UTF-8");
    cJSON *j = parse_whole(&r);
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
    resp_free(&r);
    /* Dates and codes are left alone, so a client keeps the records. */
    struct resp d = get(s, V2 "/discovery.json");
    cJSON *dj = parse_whole(&d);
    cr_assert_str_eq(str_of(dj, "changeset"), "2026-01-01T00:00:00+07:00");
    cJSON_Delete(dj);
    resp_free(&d);
}

Test(faults, etag_churn)
{
    int s = sim_start("7", ARGS("--fault", "etag-churn@/units.json"));
    struct resp a = get(s, "/units.json");
    char inm[120];
    snprintf(inm, sizeof inm, "If-None-Match: %s", a.etag);
    struct resp b = get_hdr(s, "/units.json", inm);
    cr_assert_eq(b.status, 200, "a churned ETag never validates");
    cr_assert_str_neq(a.etag, b.etag);
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.body, b.body, a.len), 0, "the body does not change");
    /* Unaffected paths keep stable validators. */
    struct resp c = get(s, V2 "/services.json");
    snprintf(inm, sizeof inm, "If-None-Match: %s", c.etag);
    struct resp d = get_hdr(s, V2 "/services.json", inm);
    cr_assert_eq(d.status, 304);
    resp_free(&a);
    resp_free(&b);
    resp_free(&c);
    resp_free(&d);
}

Test(faults, html_instead_of_json)
{
    int s = sim_start("7", ARGS("--fault", "html@" V2, "--fault", "status:502@" V2 "/services"));
    struct resp a = get(s, REQS);
    cr_assert_eq(a.status, 200);
    cr_assert_str_eq(a.ctype, "text/html; charset=utf-8");
    cr_assert(!strncmp(a.body, "<!DOCTYPE html>", 15));
    struct resp b = get(s, V2 "/services.json");
    cr_assert_eq(b.status, 502, "html with a status: a proxy's error page");
    cr_assert(!strncmp(b.body, "<!DOCTYPE html>", 15));
    resp_free(&a);
    resp_free(&b);
}

Test(faults, global_fault_hits_every_path)
{
    int s = sim_start("7", ARGS("--fault", "status:503:7"));
    const char *paths[] = {"/units.json", REQS, V2 "/discovery.json", "/no/such/thing"};
    for (size_t i = 0; i < 4; i++) {
        struct resp r = get(s, paths[i]);
        cr_assert_eq(r.status, 503, "%s", paths[i]);
        cr_assert_str_eq(r.retry_after, "7");
        resp_free(&r);
    }
}

/* The k-th request matching a fault draws from (seed, fault, k): two servers with one seed
 * agree request by request; another seed disagrees. */
static void truncation_pattern(int slot, char *out, int n)
{
    for (int i = 0; i < n; i++) {
        struct resp r = get(slot, "/units.json");
        cr_assert(r.rc == CURLE_OK || r.rc == CURLE_PARTIAL_FILE, "%s", r.errbuf);
        out[i] = r.rc == CURLE_OK ? '.' : 'T';
        resp_free(&r);
        /* Requests elsewhere do not move the fault's count. */
        struct resp other = get(slot, V2 "/services.json");
        cr_assert_eq(other.rc, CURLE_OK);
        resp_free(&other);
    }
    out[n] = '\0';
}

Test(faults, probability_draws_are_deterministic)
{
    const char *const *args = ARGS("--fault", "truncate@/units.json%0.5");
    int a = sim_start("7", args), b = sim_start("7", args), c = sim_start("8", args);
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
    int clean = sim_start("7", NULL);
    int faulty = sim_start("7", ARGS("--fault", "hostile@/units.json", "--fault",
                                     "latency:100@/units.json", "--fault", "truncate%0.5@/x"));
    struct resp a = get(clean, REQS "?extensions=true");
    struct resp b = get(faulty, REQS "?extensions=true");
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.body, b.body, a.len), 0);
    cr_assert_str_eq(a.etag, b.etag);
    resp_free(&a);
    resp_free(&b);
}

/* MHD aborts when stopped with suspended connections: a SIGTERM in the middle of a latency or
 * a slow body must still exit 0. */
Test(faults, stop_while_connections_are_parked)
{
    int s =
        sim_start("7", ARGS("--fault", "latency:20000@/units.json", "--fault", "slow:1000@" REQS));
    pid_t client = fork();
    cr_assert_geq(client, 0);
    if (client == 0) {
        const char *paths[] = {"/units.json", "/units.json", REQS, REQS};
        struct resp r[4];
        get_parallel(s, paths, r, 4);
        _exit(0);
    }
    struct timespec ts = {0, 500 * 1000 * 1000};
    nanosleep(&ts, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status = sim_stop(s);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    cr_assert_lt(t1.tv_sec - t0.tv_sec, 4, "stopping waited for the parked connections");
    kill(client, SIGKILL);
    waitpid(client, NULL, 0);
}
