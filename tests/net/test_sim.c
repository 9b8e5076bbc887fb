/* citydeck-sim end to end: the real binary, a free port on 127.0.0.1, plain libcurl. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
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
#define START_HTTP_DATE "Mon, 02 Mar 2026 01:00:00 GMT"
#define V2 "/open311/v2"
#define MAX_SIMS 4

/* The children this test process started; Criterion runs each test in its own process. */
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

/* Reads the first stdout line of the child, waiting at most timeout_ms. */
static int read_line(int fd, char *buf, size_t n, int timeout_ms)
{
    size_t len = 0;
    while (len + 1 < n) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int r = poll(&pfd, 1, timeout_ms);
        if (r <= 0)
            return -1;
        ssize_t got = read(fd, buf + len, 1);
        if (got <= 0)
            return -1;
        if (buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
    return 0;
}

/* Starts citydeck-sim with a seed, frozen at START; returns the slot. */
static int sim_start(const char *seed)
{
    cr_assert_lt(nsims, MAX_SIMS);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        /* Dies with the test process even if the test crashes before its fixture runs. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(sim_path(), sim_path(), "--port", "0", "--seed", seed, "--start", START, "--speed",
              "0", (char *)NULL);
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
    cr_assert_gt(sims[slot].port, 0);
    return slot;
}

/* SIGTERM, then wait up to 5 s; returns the wait status (or -1). */
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
    sim_start("7");
}

static void teardown(void)
{
    for (int i = 0; i < nsims; i++)
        sim_stop(i);
    curl_global_cleanup();
}

TestSuite(sim, .init = setup, .fini = teardown, .timeout = 60);

struct resp {
    long status;
    char *body;
    size_t len;
    char etag[80], date[80], ctype[80], cache[80];
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
    const char *v = line + nl + 1;
    const char *end = line + len;
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
    header_value(p, len, "ETag", r->etag, sizeof r->etag);
    header_value(p, len, "Date", r->date, sizeof r->date);
    header_value(p, len, "Content-Type", r->ctype, sizeof r->ctype);
    header_value(p, len, "Cache-Control", r->cache, sizeof r->cache);
    return len;
}

static struct resp http_get(int slot, const char *path, const char *if_none_match)
{
    struct resp r = {0};
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", sims[slot].port, path);
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    struct curl_slist *hdrs = NULL;
    char inm[128];
    if (if_none_match) {
        snprintf(inm, sizeof inm, "If-None-Match: %s", if_none_match);
        hdrs = curl_slist_append(hdrs, inm);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "GET %s: %s", url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    if (!r.body)
        r.body = calloc(1, 1);
    return r;
}

static void resp_free(struct resp *r)
{
    free(r->body);
    r->body = NULL;
}

/* GET that must answer 200 with a JSON array. */
static cJSON *get_array(int slot, const char *path)
{
    struct resp r = http_get(slot, path, NULL);
    cr_assert_eq(r.status, 200, "GET %s -> %ld: %s", path, r.status, r.body);
    cJSON *j = cJSON_ParseWithLength(r.body, r.len);
    cr_assert_not_null(j, "GET %s: not JSON", path);
    cr_assert(cJSON_IsArray(j), "GET %s: not an array", path);
    resp_free(&r);
    return j;
}

static bool is_string(const cJSON *o, const char *key)
{
    return cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, key));
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Every listed request, following pages until a short one. */
static int count_all(int slot, const char *filter)
{
    int total = 0;
    for (int page = 1; page < 100; page++) {
        char path[256];
        snprintf(path, sizeof path, V2 "/requests.json?page_size=1000&page=%d%s", page, filter);
        cJSON *arr = get_array(slot, path);
        int n = cJSON_GetArraySize(arr);
        cJSON_Delete(arr);
        total += n;
        if (n < 1000)
            break;
    }
    return total;
}

Test(sim, first_line_and_simulated_date_header)
{
    struct resp r = http_get(0, V2 "/services.json", NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.date, START_HTTP_DATE, "Date must carry the frozen simulated time");
    cr_assert_str_eq(r.ctype, "application/json; charset=utf-8");
    cr_assert_str_eq(r.cache, "no-cache");
    resp_free(&r);
}

Test(sim, services_are_objects_with_string_codes)
{
    cJSON *arr = get_array(0, V2 "/services.json");
    cr_assert_geq(cJSON_GetArraySize(arr), 10);
    cr_assert_leq(cJSON_GetArraySize(arr), 14);
    bool admin = false;
    const cJSON *s;
    cJSON_ArrayForEach(s, arr)
    {
        cr_assert(cJSON_IsObject(s));
        cr_assert(is_string(s, "service_code"));
        cr_assert(is_string(s, "service_name"));
        cr_assert(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(s, "metadata")));
        if (!strcmp(str_of(s, "service_name"), "Hành chính công"))
            admin = true;
    }
    cr_assert(admin, "the Vietnamese category names are served");
    cJSON_Delete(arr);
}

static void check_request(const cJSON *it, bool extensions)
{
    static const char *const strings[] = {
        "service_request_id", "status",      "status_notes",       "service_name",
        "service_code",       "description", "agency_responsible", "requested_datetime",
        "updated_datetime",   "address",
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        cr_assert(is_string(it, strings[i]), "%s is not a string", strings[i]);
    const char *status = str_of(it, "status");
    cr_assert(!strcmp(status, "open") || !strcmp(status, "closed"), "status %s", status);
    cr_assert(!strncmp(str_of(it, "service_request_id"), "PA-51-", 6));
    const cJSON *lat = cJSON_GetObjectItemCaseSensitive(it, "lat");
    const cJSON *lon = cJSON_GetObjectItemCaseSensitive(it, "long");
    cr_assert_eq(lat == NULL, lon == NULL, "lat and long come together");
    if (lat) {
        cr_assert(cJSON_IsNumber(lat) && cJSON_IsNumber(lon));
        cr_assert(lat->valuedouble > 14.4 && lat->valuedouble < 15.5);
        cr_assert(lon->valuedouble > 107.5 && lon->valuedouble < 109.2);
    }
    const cJSON *due = cJSON_GetObjectItemCaseSensitive(it, "expected_datetime");
    cr_assert(!due || cJSON_IsString(due));
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(it, "extended_attributes");
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(it, "notes");
    if (!extensions) {
        cr_assert_null(ext, "extended_attributes only with extensions=true");
        cr_assert_null(notes, "notes only with extensions=true");
        return;
    }
    cr_assert(cJSON_IsObject(ext));
    static const char *const ext_strings[] = {
        "ward", "ward_code", "channel", "urgency", "detailed_status", "detailed_status_label"};
    for (size_t i = 0; i < sizeof ext_strings / sizeof ext_strings[0]; i++)
        cr_assert(is_string(ext, ext_strings[i]), "extended_attributes.%s", ext_strings[i]);
    const cJSON *sat = cJSON_GetObjectItemCaseSensitive(ext, "satisfaction");
    cr_assert(cJSON_IsNull(sat) || cJSON_IsString(sat));
    const char *ds = str_of(ext, "detailed_status");
    bool closed = !strcmp(ds, "resolved") || !strcmp(ds, "published") || !strcmp(ds, "rejected");
    cr_assert_eq(closed, !strcmp(status, "closed"), "%s vs %s", ds, status);
    cr_assert(cJSON_IsArray(notes));
    cr_assert_geq(cJSON_GetArraySize(notes), 1);
    const cJSON *n;
    cJSON_ArrayForEach(n, notes)
    {
        cr_assert(is_string(n, "datetime") && is_string(n, "summary") &&
                  is_string(n, "description"));
        cr_assert_str_eq(str_of(n, "type"), "status_change");
    }
    const cJSON *last = cJSON_GetArrayItem(notes, cJSON_GetArraySize(notes) - 1);
    cr_assert_str_eq(str_of(last, "datetime"), str_of(it, "updated_datetime"));
}

Test(sim, requests_have_open311_fields)
{
    cJSON *arr = get_array(0, V2 "/requests.json?extensions=true");
    cr_assert_gt(cJSON_GetArraySize(arr), 100);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        cr_assert(cJSON_IsObject(it));
        check_request(it, true);
    }
    cJSON_Delete(arr);
}

Test(sim, no_extensions_unless_asked)
{
    cJSON *arr = get_array(0, V2 "/requests.json?page_size=50");
    cr_assert_eq(cJSON_GetArraySize(arr), 50);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) check_request(it, false);
    cJSON_Delete(arr);
}

Test(sim, status_filter)
{
    static const char *const wanted[] = {"closed", "open"};
    for (int k = 0; k < 2; k++) {
        char path[128];
        snprintf(path, sizeof path, V2 "/requests.json?status=%s", wanted[k]);
        cJSON *arr = get_array(0, path);
        cr_assert_gt(cJSON_GetArraySize(arr), 0);
        const cJSON *it;
        cJSON_ArrayForEach(it, arr) cr_assert_str_eq(str_of(it, "status"), wanted[k]);
        cJSON_Delete(arr);
    }
}

Test(sim, paging_ends_with_a_short_page)
{
    cJSON *all = get_array(0, V2 "/requests.json?status=closed");
    int total = cJSON_GetArraySize(all);
    const int size = 70;
    cr_assert_gt(total, size, "need more than one page");
    cr_assert_neq(total % size, 0, "pick another page size for a short last page");
    int seen = 0, page = 1;
    for (;; page++) {
        char path[128];
        snprintf(path, sizeof path, V2 "/requests.json?status=closed&page_size=%d&page=%d", size,
                 page);
        cJSON *arr = get_array(0, path);
        int n = cJSON_GetArraySize(arr);
        for (int i = 0; i < n; i++)
            cr_assert_str_eq(str_of(cJSON_GetArrayItem(arr, i), "service_request_id"),
                             str_of(cJSON_GetArrayItem(all, seen + i), "service_request_id"),
                             "page %d item %d", page, i);
        seen += n;
        cJSON_Delete(arr);
        if (n < size) {
            cr_assert_eq(n, total % size);
            break;
        }
    }
    cr_assert_eq(seen, total);
    cr_assert_eq(page, total / size + 1);
    cJSON_Delete(all);
}

Test(sim, single_request_is_an_array_of_one)
{
    cJSON *arr = get_array(0, V2 "/requests.json?page_size=5");
    const char *id = str_of(cJSON_GetArrayItem(arr, 3), "service_request_id");
    cr_assert_not_null(id);
    char path[128];
    snprintf(path, sizeof path, V2 "/requests/%s.json?extensions=true", id);
    cJSON *one = get_array(0, path);
    cr_assert_eq(cJSON_GetArraySize(one), 1);
    cr_assert_str_eq(str_of(cJSON_GetArrayItem(one, 0), "service_request_id"), id);
    check_request(cJSON_GetArrayItem(one, 0), true);
    cJSON_Delete(one);
    cJSON_Delete(arr);
}

static void assert_error(int slot, const char *path, long code)
{
    struct resp r = http_get(slot, path, NULL);
    cr_assert_eq(r.status, code, "GET %s -> %ld", path, r.status);
    cr_assert_str_eq(r.ctype, "application/json; charset=utf-8");
    cJSON *j = cJSON_ParseWithLength(r.body, r.len);
    cr_assert(cJSON_IsArray(j) && cJSON_GetArraySize(j) >= 1, "GET %s: %s", path, r.body);
    const cJSON *e = cJSON_GetArrayItem(j, 0);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
    cr_assert(cJSON_IsNumber(c) && c->valueint == code);
    cr_assert(is_string(e, "description"));
    cJSON_Delete(j);
    resp_free(&r);
}

Test(sim, bad_parameters_give_400)
{
    assert_error(0, V2 "/requests.json?status=pending", 400);
    assert_error(0, V2 "/requests.json?page_size=0", 400);
    assert_error(0, V2 "/requests.json?page_size=5000", 400);
    assert_error(0, V2 "/requests.json?page=abc", 400);
    assert_error(0, V2 "/requests.json?start_date=yesterday", 400);
    assert_error(0, V2 "/requests.json?service_code=NOPE", 400);
}

Test(sim, unknown_ids_and_paths_give_404)
{
    assert_error(0, V2 "/requests/PA-51-999999.json", 404);
    assert_error(0, V2 "/requests/nonsense.json", 404);
    assert_error(0, "/no/such/thing", 404);
}

Test(sim, etag_round_trip)
{
    const char *path = V2 "/requests.json?status=open&extensions=true";
    struct resp a = http_get(0, path, NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_gt(strlen(a.etag), 2);
    cr_assert_eq(a.etag[0], '"', "a strong, quoted ETag");
    struct resp b = http_get(0, path, a.etag);
    cr_assert_eq(b.status, 304);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(b.etag, a.etag);
    cr_assert_str_eq(b.date, START_HTTP_DATE);
    struct resp c = http_get(0, path, "\"something-else\"");
    cr_assert_eq(c.status, 200);
    cr_assert_eq(c.len, a.len);
    resp_free(&a);
    resp_free(&b);
    resp_free(&c);
}

Test(sim, same_seed_same_bodies_other_seed_differs)
{
    int twin = sim_start("7");
    int other = sim_start("8");
    static const char *const paths[] = {V2 "/requests.json?extensions=true",
                                        V2 "/requests.json?status=open&page=2&page_size=100",
                                        V2 "/requests/PA-51-000100.json?extensions=true"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        /* Ask the twin twice first: how often it is asked must not matter. */
        struct resp warm = http_get(twin, paths[i], NULL);
        resp_free(&warm);
        struct resp a = http_get(0, paths[i], NULL);
        struct resp b = http_get(twin, paths[i], NULL);
        struct resp c = http_get(other, paths[i], NULL);
        cr_assert_eq(a.status, 200);
        cr_assert_eq(a.len, b.len, "%s", paths[i]);
        cr_assert_eq(memcmp(a.body, b.body, a.len), 0, "%s differs for the same seed", paths[i]);
        cr_assert_str_eq(a.etag, b.etag);
        cr_assert(a.len != c.len || memcmp(a.body, c.body, a.len) != 0,
                  "%s is the same for seeds 7 and 8", paths[i]);
        resp_free(&a);
        resp_free(&b);
        resp_free(&c);
    }
    /* The geography does not depend on the seed. */
    struct resp u7 = http_get(0, "/units.json", NULL), u8 = http_get(other, "/units.json", NULL);
    cr_assert_eq(u7.len, u8.len);
    cr_assert_eq(memcmp(u7.body, u8.body, u7.len), 0);
    resp_free(&u7);
    resp_free(&u8);
}

Test(sim, backlog_is_realistic)
{
    int open = count_all(0, "&status=open");
    int all = count_all(0, "");
    cr_assert_geq(open, 30, "open backlog %d", open);
    cr_assert_leq(open, 2000, "open backlog %d", open);
    cr_assert_gt(all, open);
}

Test(sim, vietnamese_text)
{
    cJSON *arr = get_array(0, V2 "/requests.json?page_size=200");
    int with_province = 0, with_marks = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (strstr(str_of(it, "address"), "Tỉnh Quảng Ngãi"))
            with_province++;
        const char *d = str_of(it, "description");
        if (strstr(d, "ư") || strstr(d, "ơ") || strstr(d, "đ") || strstr(d, "ả") || strstr(d, "ộ"))
            with_marks++;
    }
    cr_assert_eq(with_province, cJSON_GetArraySize(arr));
    cr_assert_gt(with_marks, cJSON_GetArraySize(arr) / 2);
    cJSON_Delete(arr);
}

Test(sim, units_json)
{
    struct resp r = http_get(0, "/units.json", NULL);
    cr_assert_eq(r.status, 200);
    cJSON *j = cJSON_ParseWithLength(r.body, r.len);
    cr_assert(cJSON_IsObject(j));
    const cJSON *prov = cJSON_GetObjectItemCaseSensitive(j, "province");
    cr_assert_str_eq(str_of(prov, "code"), "51");
    cr_assert_str_eq(str_of(prov, "name"), "Tỉnh Quảng Ngãi");
    const cJSON *units = cJSON_GetObjectItemCaseSensitive(j, "units");
    cr_assert_eq(cJSON_GetArraySize(units), 96);
    const cJSON *u;
    cJSON_ArrayForEach(u, units)
    {
        cr_assert(is_string(u, "code") && is_string(u, "name") && is_string(u, "full_name") &&
                  is_string(u, "type"));
        const cJSON *pop = cJSON_GetObjectItemCaseSensitive(u, "population");
        cr_assert(cJSON_IsNumber(pop) && pop->valueint >= 3000 && pop->valueint <= 60000);
        cr_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(u, "lat")));
        cr_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(u, "lon")));
    }
    cJSON_Delete(j);
    resp_free(&r);
}

Test(sim, sigterm_exits_zero)
{
    int status = sim_stop(0);
    cr_assert(WIFEXITED(status), "did not exit normally (status %d)", status);
    cr_assert_eq(WEXITSTATUS(status), 0);
}
