/* citydeck-sim end to end: the real binary, a free port on 127.0.0.1, plain libcurl. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define START "2026-03-02T08:00:00+07:00"
#define START_HTTP_DATE "Mon, 02 Mar 2026 01:00:00 GMT"
#define V2 "/open311/v2"

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    harness_sims_start("7", START, NULL);
}

static void teardown(void)
{
    harness_sims_stop_all();
    curl_global_cleanup();
}

TestSuite(sim, .init = setup, .fini = teardown, .timeout = 60);

/* How to ask: all zero = a plain GET. */
struct req {
    const char *if_none_match;
    const char *accept_encoding; /* sent verbatim; NULL = no header */
    bool decode;                 /* let libcurl undo Content-Encoding */
    bool head;
};

static struct harness_resp http_req(int slot, const char *path, const struct req *q)
{
    struct harness_req h = {.head = q->head, .timeout_ms = 20000};
    char inm[128], ae[128];
    int n = 0;
    if (q->if_none_match) {
        snprintf(inm, sizeof inm, "If-None-Match: %s", q->if_none_match);
        h.headers[n++] = inm;
    }
    if (q->accept_encoding && !q->decode) {
        snprintf(ae, sizeof ae, "Accept-Encoding: %s", q->accept_encoding);
        h.headers[n++] = ae;
    }
    if (q->decode)
        h.accept_encoding = q->accept_encoding;
    return harness_sim_http(slot, path, &h);
}

static struct harness_resp http_get(int slot, const char *path, const char *if_none_match)
{
    struct req q = {.if_none_match = if_none_match};
    return http_req(slot, path, &q);
}

/* GET that must answer 200 with a JSON array. */
static cJSON *get_array(int slot, const char *path)
{
    struct harness_resp r = http_get(slot, path, NULL);
    cr_assert_eq(r.status, 200, "GET %s -> %ld: %s", path, r.status, r.body);
    cJSON *j = cJSON_ParseWithLength(r.body, r.len);
    cr_assert_not_null(j, "GET %s: not JSON", path);
    cr_assert(cJSON_IsArray(j), "GET %s: not an array", path);
    harness_resp_free(&r);
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
    struct harness_resp r = http_get(0, V2 "/services.json", NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.date, START_HTTP_DATE, "Date must carry the frozen simulated time");
    cr_assert_str_eq(r.ctype, "application/json; charset=utf-8");
    cr_assert_str_eq(r.cache, "no-cache");
    harness_resp_free(&r);
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

/* A W3C date-time with its offset, as the spec requires: 2026-03-02T08:00:00+07:00. */
static bool is_w3c_datetime(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    size_t n = strlen(shape);
    if (!s || strlen(s) < n + 1)
        return false;
    for (size_t i = 0; i < n; i++)
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
            return false;
    const char *z = s + n;
    return !strcmp(z, "Z") || ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && z[3] == ':');
}

/* One service request as GeoReport v2 has it, from the given province. */
static void check_request_in(const cJSON *it, bool extensions, const char *province)
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
    char prefix[16];
    snprintf(prefix, sizeof prefix, "PA-%s-", province);
    cr_assert(!strncmp(str_of(it, "service_request_id"), prefix, strlen(prefix)), "%s",
              str_of(it, "service_request_id"));
    const cJSON *lat = cJSON_GetObjectItemCaseSensitive(it, "lat");
    const cJSON *lon = cJSON_GetObjectItemCaseSensitive(it, "long");
    cr_assert_eq(lat == NULL, lon == NULL, "lat and long come together");
    if (lat) {
        cr_assert(cJSON_IsNumber(lat) && cJSON_IsNumber(lon));
        if (!strcmp(province, "51")) {
            cr_assert(lat->valuedouble > 14.4 && lat->valuedouble < 15.5);
            cr_assert(lon->valuedouble > 107.5 && lon->valuedouble < 109.2);
        } else { /* somewhere in Viet Nam (WGS84) */
            cr_assert(lat->valuedouble > 8.0 && lat->valuedouble < 23.5);
            cr_assert(lon->valuedouble > 102.0 && lon->valuedouble < 110.0);
        }
    }
    cr_assert(is_w3c_datetime(str_of(it, "requested_datetime")));
    cr_assert(is_w3c_datetime(str_of(it, "updated_datetime")));
    cr_assert(strcmp(str_of(it, "updated_datetime"), str_of(it, "requested_datetime")) >= 0,
              "updated before requested");
    const cJSON *due = cJSON_GetObjectItemCaseSensitive(it, "expected_datetime");
    cr_assert(!due || (cJSON_IsString(due) && is_w3c_datetime(due->valuestring)));
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
        cr_assert(is_w3c_datetime(str_of(n, "datetime")));
        cr_assert_str_eq(str_of(n, "type"), "status_change");
    }
    const cJSON *last = cJSON_GetArrayItem(notes, cJSON_GetArraySize(notes) - 1);
    cr_assert_str_eq(str_of(last, "datetime"), str_of(it, "updated_datetime"));
    static const char *const channels[] = {"1022", "app", "zalo", "web"};
    bool known = false;
    for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
        known |= !strcmp(str_of(ext, "channel"), channels[i]);
    cr_assert(known, "channel %s", str_of(ext, "channel"));
}

static void check_request(const cJSON *it, bool extensions)
{
    check_request_in(it, extensions, "51");
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
    struct harness_resp r = http_get(slot, path, NULL);
    cr_assert_eq(r.status, code, "GET %s -> %ld", path, r.status);
    cr_assert_str_eq(r.ctype, "application/json; charset=utf-8");
    cJSON *j = cJSON_ParseWithLength(r.body, r.len);
    cr_assert(cJSON_IsArray(j) && cJSON_GetArraySize(j) >= 1, "GET %s: %s", path, r.body);
    const cJSON *e = cJSON_GetArrayItem(j, 0);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
    cr_assert(cJSON_IsNumber(c) && c->valueint == code);
    cr_assert(is_string(e, "description"));
    cJSON_Delete(j);
    harness_resp_free(&r);
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
    struct harness_resp a = http_get(0, path, NULL);
    cr_assert_eq(a.status, 200);
    cr_assert_gt(strlen(a.etag), 2);
    cr_assert_eq(a.etag[0], '"', "a strong, quoted ETag");
    struct harness_resp b = http_get(0, path, a.etag);
    cr_assert_eq(b.status, 304);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(b.etag, a.etag);
    cr_assert_str_eq(b.date, START_HTTP_DATE);
    struct harness_resp c = http_get(0, path, "\"something-else\"");
    cr_assert_eq(c.status, 200);
    cr_assert_eq(c.len, a.len);
    harness_resp_free(&a);
    harness_resp_free(&b);
    harness_resp_free(&c);
}

Test(sim, same_seed_same_bodies_other_seed_differs)
{
    int twin = harness_sims_start("7", START, NULL);
    int other = harness_sims_start("8", START, NULL);
    static const char *const paths[] = {V2 "/requests.json?extensions=true",
                                        V2 "/requests.json?status=open&page=2&page_size=100",
                                        V2 "/requests/PA-51-000100.json?extensions=true"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        /* Ask the twin twice first: how often it is asked must not matter. */
        struct harness_resp warm = http_get(twin, paths[i], NULL);
        harness_resp_free(&warm);
        struct harness_resp a = http_get(0, paths[i], NULL);
        struct harness_resp b = http_get(twin, paths[i], NULL);
        struct harness_resp c = http_get(other, paths[i], NULL);
        cr_assert_eq(a.status, 200);
        cr_assert_eq(a.len, b.len, "%s", paths[i]);
        cr_assert_eq(memcmp(a.body, b.body, a.len), 0, "%s differs for the same seed", paths[i]);
        cr_assert_str_eq(a.etag, b.etag);
        cr_assert(a.len != c.len || memcmp(a.body, c.body, a.len) != 0,
                  "%s is the same for seeds 7 and 8", paths[i]);
        harness_resp_free(&a);
        harness_resp_free(&b);
        harness_resp_free(&c);
    }
    /* The geography does not depend on the seed. */
    struct harness_resp u7 = http_get(0, "/units.json", NULL),
                        u8 = http_get(other, "/units.json", NULL);
    cr_assert_eq(u7.len, u8.len);
    cr_assert_eq(memcmp(u7.body, u8.body, u7.len), 0);
    harness_resp_free(&u7);
    harness_resp_free(&u8);
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
    struct harness_resp r = http_get(0, "/units.json", NULL);
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
    harness_resp_free(&r);
}

Test(sim, discovery_json)
{
    struct harness_resp r = http_get(0, V2 "/discovery.json", NULL);
    cr_assert_eq(r.status, 200);
    cJSON *j = cJSON_ParseWithLength(r.body, r.len);
    cr_assert(cJSON_IsObject(j));
    cr_assert(is_string(j, "changeset") && is_string(j, "contact") && is_string(j, "key_service"));
    const cJSON *eps = cJSON_GetObjectItemCaseSensitive(j, "endpoints");
    cr_assert(cJSON_IsArray(eps) && cJSON_GetArraySize(eps) >= 1);
    const cJSON *ep = cJSON_GetArrayItem(eps, 0);
    cr_assert(is_string(ep, "specification") && is_string(ep, "changeset"));
    const char *type = str_of(ep, "type");
    cr_assert(type && (!strcmp(type, "production") || !strcmp(type, "test")));
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d" V2, harness_sims[0].port);
    cr_assert_str_eq(str_of(ep, "url"), url);
    const cJSON *formats = cJSON_GetObjectItemCaseSensitive(ep, "formats");
    cr_assert(cJSON_IsArray(formats));
    cr_assert_str_eq(cJSON_GetArrayItem(formats, 0)->valuestring, "application/json");
    cJSON_Delete(j);
    harness_resp_free(&r);
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

/* services/{code}.json for every listed service, checked against the spec's definition. */
Test(sim, service_definitions)
{
    static const char *const datatypes[] = {"string", "number",          "datetime",
                                            "text",   "singlevaluelist", "multivaluelist"};
    cJSON *list = get_array(0, V2 "/services.json");
    int total_required = 0;
    const cJSON *svc;
    cJSON_ArrayForEach(svc, list)
    {
        cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(svc, "metadata")),
                  "metadata true: every service has a definition");
        cr_assert(is_string(svc, "type") && is_string(svc, "keywords") && is_string(svc, "group"));
        char path[128];
        snprintf(path, sizeof path, V2 "/services/%s.json", str_of(svc, "service_code"));
        struct harness_resp r = http_get(0, path, NULL);
        cr_assert_eq(r.status, 200, "%s -> %ld", path, r.status);
        cJSON *def = cJSON_ParseWithLength(r.body, r.len);
        cr_assert(cJSON_IsObject(def), "%s: an object", path);
        cr_assert_str_eq(str_of(def, "service_code"), str_of(svc, "service_code"));
        const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(def, "attributes");
        cr_assert(cJSON_IsArray(attrs) && cJSON_GetArraySize(attrs) >= 1);
        int last_order = 0, required = 0;
        const cJSON *a;
        cJSON_ArrayForEach(a, attrs)
        {
            cr_assert(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(a, "variable")));
            cr_assert(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(a, "required")));
            cr_assert(is_string(a, "code") && is_string(a, "description"));
            const char *dt = str_of(a, "datatype");
            cr_assert(dt && in_list(dt, datatypes, 6), "datatype %s", dt);
            const cJSON *dd = cJSON_GetObjectItemCaseSensitive(a, "datatype_description");
            cr_assert(cJSON_IsNull(dd) || cJSON_IsString(dd));
            const cJSON *order = cJSON_GetObjectItemCaseSensitive(a, "order");
            cr_assert(cJSON_IsNumber(order) && order->valueint > last_order);
            last_order = order->valueint;
            required += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "required"));
            const cJSON *values = cJSON_GetObjectItemCaseSensitive(a, "values");
            if (strstr(dt, "valuelist")) {
                cr_assert(cJSON_IsArray(values) && cJSON_GetArraySize(values) >= 2);
                const cJSON *v;
                cJSON_ArrayForEach(v, values)
                    cr_assert(is_string(v, "key") && is_string(v, "name"));
            } else {
                cr_assert_null(values, "values only for list datatypes");
            }
        }
        total_required += required;
        cJSON_Delete(def);
        harness_resp_free(&r);
    }
    cJSON_Delete(list);
    cr_assert_geq(total_required, 10, "most forms have a required field");
    assert_error(0, V2 "/services/NOPE.json", 404);
}

/* Every item of path passes pred. */
static int check_all(const char *path, bool (*pred)(const cJSON *, const void *), const void *arg)
{
    cJSON *arr = get_array(0, path);
    int n = cJSON_GetArraySize(arr);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
        cr_assert(pred(it, arg), "%s: %s fails", path, str_of(it, "service_request_id"));
    cJSON_Delete(arr);
    return n;
}

static bool code_in(const cJSON *it, const void *arg)
{
    const char *c = str_of(it, "service_code");
    return !strcmp(c, "GT") || !strcmp(c, arg);
}

static bool requested_between(const cJSON *it, const void *arg)
{
    const char *const *b = arg;
    const char *t = str_of(it, "requested_datetime");
    return strcmp(t, b[0]) >= 0 && strcmp(t, b[1]) <= 0;
}

static bool updated_after(const cJSON *it, const void *arg)
{
    return strcmp(str_of(it, "updated_datetime"), arg) > 0;
}

Test(sim, query_filters)
{
    cr_assert_gt(check_all(V2 "/requests.json?service_code=GT,MT", code_in, "MT"), 0);
    /* All times are printed at +07:00, so strings compare as instants. */
    static const char *const week[] = {"2026-02-20T00:00:00+07:00", "2026-02-27T00:00:00+07:00"};
    int n = check_all(V2 "/requests.json?start_date=2026-02-20T00:00:00%2B07:00"
                         "&end_date=2026-02-27T00:00:00%2B07:00",
                      requested_between, week);
    cr_assert_gt(n, 50);
    /* The same instant in UTC selects the same requests. */
    int m = check_all(V2 "/requests.json?start_date=2026-02-19T17:00:00Z"
                         "&end_date=2026-02-26T17:00:00Z",
                      requested_between, week);
    cr_assert_eq(n, m);
    int changed = check_all(V2 "/requests.json?updated_after=2026-03-01T08:00:00%2B07:00",
                            updated_after, "2026-03-01T08:00:00+07:00");
    cr_assert_gt(changed, 0);

    cJSON *two = get_array(0, V2 "/requests.json?service_request_id=PA-51-000010,PA-51-000020"
                                 "&status=closed&service_code=NOPE");
    cr_assert_eq(cJSON_GetArraySize(two), 2, "service_request_id overrides the other filters");
    cr_assert_str_eq(str_of(cJSON_GetArrayItem(two, 0), "service_request_id"), "PA-51-000010");
    cJSON_Delete(two);

    cJSON *same = get_array(0, V2 "/requests.json?page_size=3&jurisdiction_id=51");
    cr_assert_eq(cJSON_GetArraySize(same), 3);
    cJSON_Delete(same);
    assert_error(0, V2 "/requests.json?jurisdiction_id=79", 404);
    assert_error(0, V2 "/requests.json?end_date=2026-01-01&start_date=2026-02-01", 400);
    assert_error(0, V2 "/requests.json?extensions=maybe", 400);
}

static bool is_gzip(const struct harness_resp *r)
{
    return r->len >= 10 && (unsigned char)r->body[0] == 0x1f && (unsigned char)r->body[1] == 0x8b;
}

Test(sim, gzip_when_asked_and_only_then)
{
    const char *path = V2 "/requests.json?extensions=true&page_size=200";
    struct harness_resp plain = http_get(0, path, NULL);
    cr_assert_eq(plain.status, 200);
    cr_assert_str_eq(plain.cenc, "", "no gzip unless asked");
    cr_assert_str_eq(plain.vary, "Accept-Encoding");

    struct req raw = {.accept_encoding = "gzip, deflate, br"};
    struct harness_resp z = http_req(0, path, &raw);
    cr_assert_eq(z.status, 200);
    cr_assert_str_eq(z.cenc, "gzip");
    cr_assert_str_eq(z.vary, "Accept-Encoding");
    cr_assert(is_gzip(&z), "gzip magic on the wire");
    cr_assert_lt(z.len * 4, plain.len, "JSON compresses at least fourfold");
    cr_assert_str_eq(z.etag, plain.etag, "the ETag is of the uncompressed body");

    struct req dec = {.accept_encoding = "gzip", .decode = true};
    struct harness_resp d = http_req(0, path, &dec);
    cr_assert_str_eq(d.cenc, "gzip");
    cr_assert_eq(d.len, plain.len);
    cr_assert_eq(memcmp(d.body, plain.body, plain.len), 0, "decoded gzip = identity body");

    struct req refused = {.accept_encoding = "gzip;q=0, identity"};
    struct harness_resp id = http_req(0, path, &refused);
    cr_assert_str_eq(id.cenc, "");
    cr_assert_eq(id.len, plain.len);
    struct req star = {.accept_encoding = "*"};
    struct harness_resp st = http_req(0, path, &star);
    cr_assert_str_eq(st.cenc, "gzip");

    struct req cond = {.accept_encoding = "gzip", .if_none_match = plain.etag};
    struct harness_resp nm = http_req(0, path, &cond);
    cr_assert_eq(nm.status, 304, "If-None-Match matches whatever the encoding");
    cr_assert_eq(nm.len, 0);

    /* Tiny bodies are not worth the framing. */
    struct harness_resp small = http_req(0, V2 "/requests.json?service_request_id=NONE", &raw);
    cr_assert_str_eq(small.body, "[]");
    cr_assert_str_eq(small.cenc, "");
    harness_resp_free(&plain);
    harness_resp_free(&z);
    harness_resp_free(&d);
    harness_resp_free(&id);
    harness_resp_free(&st);
    harness_resp_free(&nm);
    harness_resp_free(&small);
}

Test(sim, head_has_headers_and_no_body)
{
    struct req q = {.head = true};
    struct harness_resp h = http_req(0, V2 "/services.json", &q);
    struct harness_resp g = http_get(0, V2 "/services.json", NULL);
    cr_assert_eq(h.status, 200);
    cr_assert_eq(h.len, 0);
    cr_assert_str_eq(h.etag, g.etag);
    cr_assert_str_eq(h.ctype, g.ctype);
    harness_resp_free(&h);
    harness_resp_free(&g);
}

/* Other provinces: ids, geography and wording follow the --province. */
Test(sim, other_provinces)
{
    static const struct {
        const char *code, *name;
    } provinces[] = {
        {"01", "Thành phố Hà Nội"}, {"48", "Thành phố Đà Nẵng"}, {"79", "Thành phố Hồ Chí Minh"}};
    for (size_t k = 0; k < sizeof provinces / sizeof provinces[0]; k++) {
        const char *args[] = {"--province", provinces[k].code, NULL};
        int slot = harness_sims_start("7", START, args);
        struct harness_resp u = http_get(slot, "/units.json", NULL);
        cr_assert_eq(u.status, 200);
        cJSON *j = cJSON_ParseWithLength(u.body, u.len);
        const cJSON *prov = cJSON_GetObjectItemCaseSensitive(j, "province");
        cr_assert_str_eq(str_of(prov, "code"), provinces[k].code);
        cr_assert_str_eq(str_of(prov, "name"), provinces[k].name);
        cr_assert_gt(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "units")), 20);
        cJSON_Delete(j);
        harness_resp_free(&u);

        cJSON *arr = get_array(slot, V2 "/requests.json?extensions=true&page_size=300");
        cr_assert_eq(cJSON_GetArraySize(arr), 300, "province %s has a backlog", provinces[k].code);
        const cJSON *it;
        cJSON_ArrayForEach(it, arr)
        {
            check_request_in(it, true, provinces[k].code);
            cr_assert(strstr(str_of(it, "address"), provinces[k].name), "%s",
                      str_of(it, "address"));
        }
        const char *id = str_of(cJSON_GetArrayItem(arr, 0), "service_request_id");
        char path[96];
        snprintf(path, sizeof path, V2 "/requests/%s.json", id);
        cJSON *one = get_array(slot, path);
        cr_assert_eq(cJSON_GetArraySize(one), 1);
        cJSON_Delete(one);
        cJSON_Delete(arr);
        harness_sims_stop(slot);
    }
}

/* --scale multiplies the complaint volume; --scale 1 is the default, byte for byte. */
Test(sim, scale_multiplies_volume, .timeout = 120)
{
    const char *one[] = {"--scale", "1", NULL};
    int unit = harness_sims_start("7", START, one);
    struct harness_resp a = http_get(0, V2 "/requests.json?extensions=true", NULL);
    struct harness_resp b = http_get(unit, V2 "/requests.json?extensions=true", NULL);
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.body, b.body, a.len), 0, "--scale 1 changes nothing");
    harness_resp_free(&a);
    harness_resp_free(&b);
    harness_sims_stop(unit);

    const char *ten[] = {"--scale", "10", NULL};
    int big = harness_sims_start("7", START, ten);
    int base_open = count_all(0, "&status=open"), big_open = count_all(big, "&status=open");
    double ratio = (double)big_open / base_open;
    cr_assert(ratio > 7 && ratio < 13, "open %d vs %d at scale 10", big_open, base_open);
    cJSON *arr = get_array(big, V2 "/requests.json?extensions=true&page_size=500");
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) check_request(it, true);
    cJSON_Delete(arr);
    int twin = harness_sims_start("7", START, ten);
    struct harness_resp c = http_get(big, V2 "/requests.json?status=open&page=3", NULL);
    struct harness_resp d = http_get(twin, V2 "/requests.json?status=open&page=3", NULL);
    cr_assert_eq(c.len, d.len);
    cr_assert_eq(memcmp(c.body, d.body, c.len), 0, "deterministic at scale 10 too");
    harness_resp_free(&c);
    harness_resp_free(&d);
}

Test(sim, bad_flags_exit_2)
{
    static const char *const bad[][4] = {
        {"--scale", "0", NULL},
        {"--scale", "abc", NULL},
        {"--fault", "nonsense", NULL},
        {"--fault", "status:200", NULL},
        {"--fault", "latency", NULL},
        {"--fault", "truncate%2", NULL},
        {"--fault", "reset@nopath", NULL},
        {"--fault", "oversize:2G", NULL},
        {"--province", "99", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, STDOUT_FILENO);
            dup2(devnull, STDERR_FILENO);
            execl(harness_sim_path(), harness_sim_path(), "--port", "0", bad[i][0], bad[i][1],
                  (char *)NULL);
            _exit(127);
        }
        int status;
        waitpid(pid, &status, 0);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "%s %s: status %d", bad[i][0],
                  bad[i][1], status);
    }
}

Test(sim, gzip_bytes_are_deterministic)
{
    int twin = harness_sims_start("7", START, NULL);
    struct req raw = {.accept_encoding = "gzip"};
    struct harness_resp a = http_req(0, V2 "/requests.json?extensions=true", &raw);
    struct harness_resp b = http_req(twin, V2 "/requests.json?extensions=true", &raw);
    cr_assert_str_eq(a.cenc, "gzip");
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.body, b.body, a.len), 0, "same seed, same gzip bytes");
    harness_resp_free(&a);
    harness_resp_free(&b);
}

Test(sim, sigterm_exits_zero)
{
    int status = harness_sims_stop(0);
    cr_assert(WIFEXITED(status), "did not exit normally (status %d)", status);
    cr_assert_eq(WEXITSTATUS(status), 0);
}
