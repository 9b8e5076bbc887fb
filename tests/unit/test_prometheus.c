/* Prometheus adapter: every file of tests/fixtures/prometheus (see SOURCES.md there) and
 * crafted bodies for reference/standards.md §3.5. */
#include "citydeck/clock.h"
#include "citydeck/prometheus.h"
#include "citydeck/sensors.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char err[256];

static struct sensor_batch *parse_fixture(const char *name, const struct prometheus_options *opt)
{
    size_t len;
    char *body = harness_fixture_read("prometheus", name, &len);
    struct sensor_batch *b = prometheus_parse(body, len, opt, err, sizeof err);
    free(body);
    return b;
}

static struct sensor_batch *parse_str(const char *body, const struct prometheus_options *opt)
{
    return prometheus_parse(body, strlen(body), opt, err, sizeof err);
}

static const struct sensor_update *by_id(const struct sensor_batch *b, const char *id)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].s.id && strcmp(b->items[i].s.id, id) == 0)
            return &b->items[i];
    return NULL;
}

/* ---- real responses ---------------------------------------------------------------------- */

Test(prometheus, docs_instant_vector)
{
    struct sensor_batch *b = parse_fixture("docs-instant-query-vector-up.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 0, "no sensor_id label: not sensors");
    cr_assert_eq(b->skipped_no_id, 2);
    sensor_batch_free(b);

    struct prometheus_options opt = {.id_label = "instance", .station_label = "job"};
    b = parse_fixture("docs-instant-query-vector-up.json", &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 2);
    cr_assert_eq(b->skipped_no_id, 0);
    const struct sensor_update *p = by_id(b, "localhost:9090"), *n = by_id(b, "localhost:9100");
    cr_assert(p && n);
    cr_assert_eq(p->n_obs, 1);
    cr_assert_float_eq(p->obs[0].v, 1, 0);
    cr_assert_float_eq(n->obs[0].v, 0, 0);
    cr_assert_eq(p->obs[0].t_ms, 1435781451781, "float seconds keep the milliseconds");
    cr_assert_str_eq(p->s.property, "up");
    cr_assert_str_eq(p->s.station, "prometheus");
    cr_assert_str_eq(n->s.station, "node");
    cr_assert(p->meta && p->s.remote_id_is_string);
    cr_assert_eq(b->unattributed, 2);
    cr_assert_eq(b->obs_total, 2);
    cr_assert_eq(b->n_warnings, 0);
    sensor_batch_free(b);
}

Test(prometheus, docs_range_matrix)
{
    struct prometheus_options opt = {.id_label = "job"};
    struct sensor_batch *b = parse_fixture("docs-range-query-matrix-up.json", &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 2);
    cr_assert_eq(b->obs_total, 6);
    const struct sensor_update *node = by_id(b, "node");
    cr_assert(node);
    cr_assert_eq(node->n_obs, 3);
    double want[] = {0, 0, 1};
    int64_t t[] = {1435781430781, 1435781445781, 1435781460781};
    for (int i = 0; i < 3; i++) {
        cr_assert_float_eq(node->obs[i].v, want[i], 0);
        cr_assert_eq(node->obs[i].t_ms, t[i]);
    }
    /* Merged twice: the second range adds nothing. */
    struct sensor_table *tab = sensor_table_new(0);
    cr_assert_eq(sensor_table_merge(tab, b), 2);
    sensor_batch_free(b);
    b = parse_fixture("docs-range-query-matrix-up.json", &opt);
    cr_assert_eq(sensor_table_merge(tab, b), 0);
    sensor_batch_free(b);
    const struct sensor *s = sensor_table_find(tab, "node");
    cr_assert_eq(series_len(s->series), 3);
    cr_assert_float_eq(s->value, 1, 0);
    sensor_table_free(tab);
}

Test(prometheus, docs_series_label_sets)
{
    struct prometheus_options opt = {.id_label = "instance", .id_prefix = "prom:"};
    struct sensor_batch *b = parse_fixture("docs-series-match.json", &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 3, "three label sets");
    cr_assert_eq(b->obs_total, 0);
    cr_assert_str_eq(b->items[2].s.property, "process_start_time_seconds");
    cr_assert_str_eq(b->items[0].s.id, "prom:localhost:9090");
    cr_assert_str_eq(b->items[0].s.remote_id, "localhost:9090");
    struct sensor_table *t = sensor_table_new(0);
    sensor_table_merge(t, b);
    sensor_batch_free(b);
    cr_assert_eq(sensor_table_count(t), 2, "localhost:9090 twice is one sensor");
    cr_assert_str_eq(sensor_table_find(t, "prom:localhost:9090")->property,
                     "process_start_time_seconds", "the later label set wins");
    sensor_table_free(t);
}

Test(prometheus, error_bad_data)
{
    struct sensor_batch *b = parse_fixture("error-bad-data-parse-error-400.json", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "bad_data: 1:8: parse error: unexpected right bracket ']'");
}

/* Every prefix of every fixture: errors, never a crash or a leak (see valgrind). */
Test(prometheus, truncated_fixtures)
{
    const char *files[] = {"docs-instant-query-vector-up.json", "docs-range-query-matrix-up.json",
                           "docs-series-match.json", "error-bad-data-parse-error-400.json"};
    struct prometheus_options opt = {.id_label = "instance"};
    for (size_t f = 0; f < ARRAY_LEN(files); f++) {
        size_t len;
        char *body = harness_fixture_read("prometheus", files[f], &len);
        for (size_t k = 0; k < len; k++) {
            char *cut = xstrndup(body, k);
            struct sensor_batch *b = prometheus_parse(cut, k, &opt, err, sizeof err);
            cr_assert(b == NULL || k > len - 3, "%s cut at %zu parsed", files[f], k);
            cr_assert(b || *err, "an error says why");
            sensor_batch_free(b);
            free(cut);
        }
        free(body);
    }
}

/* ---- crafted ------------------------------------------------------------------------------ */

Test(prometheus, special_values_and_integer_timestamps)
{
    const char *body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                       "{\"metric\":{\"sensor_id\":\"s1\"},\"values\":["
                       "[1700000000,\"NaN\"],[1700000060,\"+Inf\"],[1700000120,\"-Inf\"],"
                       "[1700000180,\"1e3\"],[1700000240,\"-0.25\"],[\"1700000300.5\",\"7\"],"
                       "[1700000360,\"x\"],[1700000420],\"junk\",[1700000480,\"Inf\"]]}]}}";
    struct sensor_batch *b = parse_str(body, NULL);
    cr_assert(b, "%s", err);
    const struct sensor_update *u = &b->items[0];
    cr_assert_eq(u->n_obs, 7);
    cr_assert(isnan(u->obs[0].v));
    cr_assert(isinf(u->obs[1].v) && u->obs[1].v > 0);
    cr_assert(isinf(u->obs[2].v) && u->obs[2].v < 0);
    cr_assert_float_eq(u->obs[3].v, 1000, 0);
    cr_assert_float_eq(u->obs[4].v, -0.25, 0);
    cr_assert_eq(u->obs[0].t_ms, 1700000000000);
    cr_assert_eq(u->obs[5].t_ms, 1700000300500, "a timestamp as a numeric string");
    cr_assert(isinf(u->obs[6].v));
    cr_assert_eq(b->obs_no_value, 1);
    cr_assert_eq(b->skipped_invalid, 3, "\"x\", a short pair, a non-pair");
    cr_assert_eq(b->unattributed, 1);
    sensor_batch_free(b);
}

Test(prometheus, label_mapping_into_the_table)
{
    const char *body =
        "{\"status\":\"success\",\"warnings\":[\"partial response: store 2 down\"],"
        "\"infos\":[\"PromQL info: metric might not be a counter\"],"
        "\"data\":{\"resultType\":\"vector\",\"result\":["
        "{\"metric\":{\"__name__\":\"river_level_m\",\"sensor_id\":\"hk-01\","
        "  \"name\":\"Vu Gia – Hội Khách\",\"ma_xa\":\"20314\",\"unit\":\"m\","
        "  \"bd1\":\"14.5\",\"bd3\":\"16.5\"},\"value\":[1761782400,\"16.79\"]},"
        "{\"metric\":{\"__name__\":\"pm25\",\"sensor_id\":\"aq-01\",\"ma_xa\":\"20314\","
        "  \"unit\":\"µg/m³\"},\"value\":[1761782400,\"80\"]},"
        "{\"metric\":{\"__name__\":\"cam_up\",\"sensor_id\":\"cam-01\",\"loai\":\"camera\"},"
        "  \"value\":[1761782400,\"0\"]},"
        "{\"metric\":{\"__name__\":\"up\"},\"value\":[1761782400,\"1\"]},"
        "{\"metric\":{},\"value\":[1761782400,\"1\"]},"
        "{\"metric\":{\"sensor_id\":\"h-01\"},\"histogram\":[1761782400,{\"count\":\"3\"}]}"
        "]}}";
    struct prometheus_options opt = {.unit_label = "ma_xa", .kind_label = "loai"};
    struct sensor_batch *b = parse_str(body, &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 4);
    cr_assert_eq(b->skipped_no_id, 2, "a series without sensor_id and metric {}");
    cr_assert_eq(b->skipped_invalid, 1, "the native histogram sample");
    cr_assert_eq(b->n_warnings, 2);
    cr_assert_str_eq(b->warnings[0], "partial response: store 2 down");
    cr_assert_str_eq(b->warnings[1], "info: PromQL info: metric might not be a counter");
    cr_assert_eq(b->unattributed, 2, "cam-01 and h-01");

    const struct sensor_update *hk = by_id(b, "hk-01");
    cr_assert_eq(hk->s.kind, SK_WATER_LEVEL, "inferred from river_level_m");
    cr_assert_str_eq(hk->s.name, "Vu Gia – Hội Khách");
    cr_assert_str_eq(hk->s.unit, "m");
    cr_assert_float_eq(hk->s.alarm[0], 14.5, 0);
    cr_assert(isnan(hk->s.alarm[1]));
    cr_assert_float_eq(hk->s.alarm[2], 16.5, 0);
    cr_assert_eq(by_id(b, "aq-01")->s.pollutant, AQI_POL_PM25);
    cr_assert_eq(by_id(b, "cam-01")->s.kind, SK_CAMERA, "kind label");

    struct sensor_table *t = sensor_table_new(0);
    cr_assert_eq(sensor_table_merge(t, b), 4);
    sensor_batch_free(b);
    const struct sensor_stats *u = sensor_table_unit(t, "20314");
    cr_assert_eq(u->n, 2);
    cr_assert_eq(u->gauges_over[2], 1, "16.79 m is over BĐ III (16.5)");
    cr_assert_eq(u->worst_aqi, 150);
    cr_assert_str_eq(aqi_band_color(u->worst_band), "#FF7E00");
    cr_assert_eq(sensor_table_totals(t)->cameras_offline, 1);
    cr_assert_eq(sensor_table_find(t, "h-01")->time_ms, TIME_NONE);
    sensor_table_free(t);
}

Test(prometheus, scalar_string_and_empty)
{
    struct sensor_batch *b =
        parse_str("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
                  "\"result\":[1435781451.781,\"42.5\"]}}",
                  NULL);
    cr_assert(b, "%s", err);
    cr_assert(b->has_scalar);
    cr_assert_float_eq(b->scalar, 42.5, 0);
    cr_assert_eq(b->scalar_t_ms, 1435781451781);
    cr_assert_eq(b->n, 0);
    sensor_batch_free(b);

    b = parse_str("{\"status\":\"success\",\"data\":{\"resultType\":\"string\","
                  "\"result\":[1435781451.781,\"hello\\u001b[0m\"]}}",
                  NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "prometheus: result type string is not a sensor reading (\"hello[0m\")");

    b = parse_str("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]},"
                  "\"stats\":{\"seriesFetched\":\"0\"},\"isPartial\":false}",
                  NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 0, "no data is not an error");
    cr_assert_not(b->has_scalar);
    sensor_batch_free(b);
}

Test(prometheus, errors)
{
    const struct {
        const char *body, *want;
    } cases[] = {
        {"{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query timed out\"}",
         "execution: query timed out"},
        {"{\"status\":\"error\",\"error\":\"no type\"}", "error: no type"},
        {"{\"status\":\"error\",\"errorType\":\"timeout\"}", "timeout: (no error text)"},
        {"{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"exceeded maximum "
         "resolution of 11,000 points per timeseries\\u202e\"}",
         "bad_data: exceeded maximum resolution of 11,000 points per timeseries"},
        {"{\"data\":[]}", "prometheus: no status (not a Prometheus API response)"},
        {"{\"status\":\"success\"}", "prometheus: success without data"},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"histogram\",\"result\":[]}}",
         "prometheus: unknown result type \"histogram\""},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":{}}}",
         "prometheus: vector result is object, not an array"},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1]}}",
         "prometheus: scalar result is not [time, \"value\"]"},
        {"{\"status\":\"success\",\"data\":\"x\"}", "prometheus: data is string, not an object"},
        {"[]", "prometheus: expected an object, got array"},
        {"<html><head><title>401 Authorization Required</title></head></html>",
         "not JSON: <html><head><title>401 Authorization Required</title></head></html>"},
        {"upstream connect error or disconnect/reset before headers",
         "not JSON: upstream connect error or disconnect/reset before headers"},
        {"  \n", "empty body"},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[NaN]}}",
         "invalid JSON near byte 60"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct sensor_batch *b = parse_str(cases[i].body, NULL);
        cr_assert_null(b, "case %zu parsed", i);
        cr_assert_str_eq(err, cases[i].want, "case %zu", i);
    }
    cr_assert_null(prometheus_parse(NULL, 0, NULL, err, sizeof err));
    cr_assert_str_eq(err, "empty body");
}

Test(prometheus, hostile_labels)
{
    struct sensor_batch *b = parse_str(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        "{\"metric\":{\"sensor_id\":\"a\\u001b[2J\",\"name\":\"\\u202eTr\\u1ea1m\\u0000x\"},"
        "\"value\":[1,\"1\"]},"
        "{\"metric\":{\"sensor_id\":\"\\u200b\"},\"value\":[1,\"1\"]}]}}",
        NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    cr_assert_eq(b->skipped_no_id, 1, "an id that cleans to nothing is no id");
    cr_assert_str_eq(b->items[0].s.id, "a[2J");
    cr_assert_str_eq(b->items[0].s.name, "Trạm", "cJSON stops the string at \\u0000");
    sensor_batch_free(b);
}

Test(prometheus, numbers_ignore_the_locale)
{
    if (!setlocale(LC_NUMERIC, "vi_VN.UTF-8") && !setlocale(LC_NUMERIC, "de_DE.UTF-8"))
        cr_skip_test("no locale with a decimal comma installed");
    struct sensor_batch *b =
        parse_str("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                  "{\"metric\":{\"sensor_id\":\"s\"},\"value\":[1435781451.781,\"0.15\"]}]}}",
                  NULL);
    char *url = prometheus_range_url("http://p", "up", 0, 60000, 1.5);
    setlocale(LC_NUMERIC, "C");
    cr_assert(b, "%s", err);
    cr_assert_float_eq(b->items[0].obs[0].v, 0.15, 1e-15);
    cr_assert_str_eq(url, "http://p/api/v1/query_range?query=up&start=0.000&end=60.000"
                          "&step=1.500");
    free(url);
    sensor_batch_free(b);
}

Test(prometheus, query_urls)
{
    char *u = prometheus_query_url("http://prom:9090/", "up{job=\"node\"}[5m]", TIME_NONE);
    cr_assert_str_eq(u, "http://prom:9090/api/v1/query?query=up%7Bjob%3D%22node%22%7D%5B5m%5D");
    free(u);
    u = prometheus_query_url("https://vm.example.vn/select/0/prometheus",
                             "avg by (ma_xa) (pm25{ma_xa=~\"20.*\"}) + 0", 1435781451781);
    cr_assert_str_eq(u, "https://vm.example.vn/select/0/prometheus/api/v1/query?query=avg%20by%20"
                        "%28ma_xa%29%20%28pm25%7Bma_xa%3D~%2220.%2A%22%7D%29%20%2B%200"
                        "&time=1435781451.781");
    free(u);
    u = prometheus_range_url("http://p", "up", 1435781430781, 1435781460781, 15);
    cr_assert_str_eq(u, "http://p/api/v1/query_range?query=up&start=1435781430.781"
                        "&end=1435781460.781&step=15");
    free(u);
    /* 30 days at 15 s would be 172,800 points: the step grows to stay under 11,000. */
    u = prometheus_range_url("http://p", "up", 0, 30LL * 86400 * 1000, 15);
    cr_assert_str_eq(u, "http://p/api/v1/query_range?query=up&start=0.000&end=2592000.000"
                        "&step=236");
    free(u);
    u = prometheus_range_url("http://p", "up", 0, 1000, 0.1);
    cr_assert_str_eq(u, "http://p/api/v1/query_range?query=up&start=0.000&end=1.000&step=1",
                     "at least 1 s");
    free(u);
    u = prometheus_range_url("http://p", "up", -1500, 0, 60);
    cr_assert_str_eq(u, "http://p/api/v1/query_range?query=up&start=-1.500&end=0.000&step=60",
                     "a sign, not a floor");
    free(u);
    cr_assert_null(prometheus_range_url("http://p", "up", 2000, 1000, 15));
    cr_assert_null(prometheus_query_url(NULL, "up", TIME_NONE));
}
