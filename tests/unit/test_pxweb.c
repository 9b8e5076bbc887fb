/* The pure pieces behind the feed options: PX-Web query bodies from select lines and query
 * files (against the captured rOpenGov/pxweb bodies), the Open311 incremental URL, and the
 * JSON-stat collection page a feed follows. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citydeck/clock.h"
#include "citydeck/complaints.h"
#include "citydeck/config.h"
#include "citydeck/jsonstat.h"
#include "citydeck/open311.h"
#include "citydeck/pxweb.h"
#include "citydeck/util.h"
#include "citydeck/wiring.h"
#include "harness.h"

static char tmpdir[64];
static struct config cfg;

static void setup(void)
{
    harness_tmpdir(tmpdir, sizeof tmpdir, "pxweb");
    config_init(&cfg);
}

static void teardown(void)
{
    config_free(&cfg);
    harness_rm_rf(tmpdir);
}

TestSuite(pxweb, .init = setup, .fini = teardown);

static char *write_tmp(const char *name, const char *content)
{
    char *p = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs(content, f);
    fclose(f);
    return p;
}

/* Loads content as a config file and returns its feed "px". */
static const struct feed_config *load_px(const char *content)
{
    char *p = write_tmp("px.ini", content);
    char err[512] = "";
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), 0, "%s", err);
    free(p);
    const struct feed_config *f = config_feed(&cfg, "px");
    cr_assert_not_null(f);
    return f;
}

static cJSON *fixture_json(const char *name)
{
    size_t len;
    char *text = harness_fixture_read("jsonstat", name, &len);
    cJSON *j = cJSON_ParseWithLength(text, len);
    cr_assert_not_null(j, "%s is not JSON", name);
    free(text);
    return j;
}

/* ---- select lines ------------------------------------------------------------------- */

Test(pxweb, select_lines_build_the_captured_body)
{
    const struct feed_config *f = load_px("[feed.px]\n"
                                          "kind = jsonstat\n"
                                          "url = https://px.example/api/v1/sv/ssd/BE0101N.px\n"
                                          "select.ContentsCode = BE0101N1, BE0101N2\n"
                                          "select.Tid = item:2010,2011,2012\n"
                                          "response_format = json-stat\n");
    cr_assert_eq(f->nselects, 2);
    cr_assert_str_eq(f->selects[0].code, "ContentsCode");
    cr_assert_str_eq(f->selects[0].filter, "item");
    cr_assert_str_eq(f->selects[0].values[1], "BE0101N2", "spaces around a value are trimmed");
    char err[256];
    char *body = wiring_post_body(f, err, sizeof err);
    cr_assert_not_null(body, "%s", err);
    cJSON *got = cJSON_Parse(body);
    cJSON *want = fixture_json("pxweb-v1-post-query-body-jsonstat.json");
    cr_assert(cJSON_Compare(got, want, true), "body %s", body);
    cJSON_Delete(got);
    cJSON_Delete(want);
    free(body);
}

Test(pxweb, agg_filters_with_names_and_odd_values)
{
    const struct feed_config *f = load_px("[feed.px]\n"
                                          "kind = jsonstat\n"
                                          "url = https://px.example/api/v1/sv/ssd/Bef.px\n"
                                          "select.Region = agg:RegionA-region_2:A-04\n"
                                          "select.Alder = agg:Ålder5år:-4,5-9,10-14,15-19\n"
                                          "select.Kon = 1,2\n"
                                          "select.Tid = 2015,2016\n");
    char err[256];
    char *body = wiring_post_body(f, err, sizeof err);
    cr_assert_not_null(body, "%s", err);
    cJSON *got = cJSON_Parse(body);
    cJSON *want = fixture_json("pxweb-v1-post-query-body-agg-filter.json");
    /* The captured body asks for "px"; the console reads JSON-stat, json-stat2 by default. */
    cr_assert(
        cJSON_Compare(cJSON_GetObjectItem(got, "query"), cJSON_GetObjectItem(want, "query"), true),
        "body %s", body);
    const cJSON *fmt = cJSON_GetObjectItem(cJSON_GetObjectItem(got, "response"), "format");
    cr_assert_str_eq(cJSON_GetStringValue(fmt), "json-stat2");
    cJSON_Delete(got);
    cJSON_Delete(want);
    free(body);
}

Test(pxweb, top_all_and_a_colon_inside_a_value)
{
    const struct feed_config *f = load_px("[feed.px]\n"
                                          "kind = jsonstat\n"
                                          "url = https://px.example/t.px\n"
                                          "select.Tid = top:3\n"
                                          "select.Region = all:*\n"
                                          "select.Quy = 2025:Q1,2025:Q2\n"
                                          "select.Kon = vs:Kon2:1\n");
    char err[256];
    char *body = wiring_post_body(f, err, sizeof err);
    cr_assert_not_null(body, "%s", err);
    cr_assert_str_eq(body,
                     "{\"query\":["
                     "{\"code\":\"Tid\",\"selection\":{\"filter\":\"top\",\"values\":[\"3\"]}},"
                     "{\"code\":\"Region\",\"selection\":{\"filter\":\"all\",\"values\":[\"*\"]}},"
                     "{\"code\":\"Quy\",\"selection\":{\"filter\":\"item\",\"values\":"
                     "[\"2025:Q1\",\"2025:Q2\"]}},"
                     "{\"code\":\"Kon\",\"selection\":{\"filter\":\"vs:Kon2\",\"values\":[\"1\"]}}"
                     "],\"response\":{\"format\":\"json-stat2\"}}");
    free(body);
}

Test(pxweb, a_later_line_replaces_and_an_empty_one_drops)
{
    const struct feed_config *f = load_px("[feed.px]\n"
                                          "kind = jsonstat\n"
                                          "url = https://px.example/t.px\n"
                                          "select.Tid = top:3\n"
                                          "select.Region = 01\n"
                                          "select.Tid = top:5\n"
                                          "select.Region =\n");
    cr_assert_eq(f->nselects, 1);
    cr_assert_str_eq(f->selects[0].code, "Tid");
    cr_assert_str_eq(f->selects[0].values[0], "5");
}

Test(pxweb, no_query_means_get)
{
    char err[64] = "x";
    cr_assert_null(wiring_post_body(config_feed(&cfg, "indicators"), err, sizeof err));
    cr_assert_str_eq(err, "");
}

/* ---- query files -------------------------------------------------------------------- */

Test(pxweb, query_file_is_sent_as_written_and_relative_to_the_config)
{
    const char *q = "{\"query\":[{\"code\":\"Tid\",\"selection\":{\"filter\":\"top\","
                    "\"values\":[\"2\"]}}],\"response\":{\"format\":\"json-stat2\"}}\n";
    free(write_tmp("q.json", q));
    const struct feed_config *f =
        load_px("[feed.px]\nkind = jsonstat\nurl = https://px.example/t.px\nquery_file = q.json\n");
    char *want_path = xasprintf("%s/q.json", tmpdir);
    cr_assert_str_eq(f->query_file, want_path);
    free(want_path);
    char err[256];
    char *body = wiring_post_body(f, err, sizeof err);
    cr_assert_not_null(body, "%s", err);
    cr_assert_str_eq(body, q);
    free(body);
}

Test(pxweb, query_file_must_be_json_stat_json)
{
    free(write_tmp("q.json", "{\"query\":[],\"response\":{\"format\":\"json-stat2\"}}"));
    const struct feed_config *f =
        load_px("[feed.px]\nkind = jsonstat\nurl = https://px.example/t.px\nquery_file = q.json\n");
    char *path = xstrdup(f->query_file);
    char err[256];
    /* Changed after the config was read: wiring reads it again and says what is wrong. */
    free(write_tmp("q.json", "{\"query\": [}"));
    cr_assert_null(wiring_post_body(f, err, sizeof err));
    char *want = xasprintf("query_file %s: invalid JSON near byte 11", path);
    cr_assert_str_eq(err, want);
    free(want);
    free(write_tmp("q.json", "{\"query\":[],\"response\":{\"format\":\"px\"}}"));
    cr_assert_null(wiring_post_body(f, err, sizeof err));
    want =
        xasprintf("query_file %s: response.format must be \"json-stat2\" or \"json-stat\"", path);
    cr_assert_str_eq(err, want);
    free(want);
    free(write_tmp("q.json", "[1]"));
    cr_assert_null(wiring_post_body(f, err, sizeof err));
    cr_assert(strstr(err, "expected an object, got array"), "%s", err);
    free(path);
}

/* ---- Open311 incremental polling ---------------------------------------------------- */

Test(pxweb, open311_incremental_url)
{
    int64_t t = clock_parse_iso("2026-03-02T08:05:00+07:00", 0, NULL);
    char *u = open311_incremental_url(
        "https://h/open311/v2/requests.json?extensions=true&status=open&page_size=1000", t);
    cr_assert_str_eq(u, "https://h/open311/v2/requests.json?extensions=true&page_size=1000"
                        "&updated_after=2026-03-02T01:04:00Z");
    free(u);
    /* An earlier cursor and paging are replaced, not repeated. */
    u = open311_incremental_url("https://h/r.json?status=open&updated_after=x&page=3", t);
    cr_assert_str_eq(u, "https://h/r.json?updated_after=2026-03-02T01:04:00Z");
    free(u);
    u = open311_incremental_url("https://h/r.json", t + 3600);
    cr_assert_str_eq(u, "https://h/r.json?updated_after=2026-03-02T02:04:00Z");
    free(u);
}

Test(pxweb, open311_page_size_and_latest_update)
{
    cr_assert_eq(open311_page_size("https://h/r.json?status=open&page_size=50"), 50);
    cr_assert_eq(open311_page_size("https://h/r.json?page_size=50&x=1"), 50);
    cr_assert_eq(open311_page_size("https://h/r.json?xpage_size=50"), 0);
    cr_assert_eq(open311_page_size("https://h/r.json?page_size=5x"), 0);
    cr_assert_eq(open311_page_size("https://h/r.json"), 0);

    struct complaint_batch *b = complaint_batch_new();
    cr_assert_eq(open311_latest_update(b, 2000), TIME_NONE);
    complaint_batch_push(b)->updated = 1000;
    complaint_batch_push(b)->updated = TIME_NONE;
    complaint_batch_push(b)->updated = 1500;
    complaint_batch_push(b)->updated = 9000; /* a hub clock error */
    cr_assert_eq(open311_latest_update(b, 2000), 1500);
    cr_assert_eq(open311_latest_update(b, 9000), 9000);
    complaint_batch_free(b);
}

/* ---- JSON-stat collections ---------------------------------------------------------- */

Test(pxweb, collection_gives_the_item_hrefs)
{
    size_t len;
    char *body = harness_fixture_read("jsonstat", "jsonstat-org-collection.json", &len);
    char err[256] = "";
    struct jsonstat_feed_page *pg = jsonstat_parse_feed(body, len, NULL, err, sizeof err);
    cr_assert_not_null(pg, "%s", err);
    cr_assert(pg->collection);
    cr_assert_eq(pg->nhrefs, 8);
    cr_assert_str_eq(pg->hrefs[0], "http://json-stat.org/samples/oecd.json");
    cr_assert_str_eq(pg->hrefs[7], "http://json-stat.org/samples/hierarchy.json");
    cr_assert_eq(pg->skipped, 0);
    cr_assert_eq(pg->batch->n, 0);
    jsonstat_feed_page_free(pg);
    free(body);
}

Test(pxweb, collection_embedded_nested_and_dimension_items)
{
    const char *body =
        "{\"version\":\"2.0\",\"class\":\"collection\",\"link\":{\"item\":["
        "{\"class\":\"dataset\",\"href\":\"a.json\"},"
        "{\"class\":\"collection\",\"href\":\"more/\"},"
        "{\"class\":\"dimension\",\"href\":\"dim.json\"},"
        "{\"class\":\"dataset\",\"label\":\"no href\"},"
        "{\"href\":\"b.json\"},"
        "{\"class\":\"dataset\",\"id\":[\"xa\",\"nam\",\"chi_tieu\"],\"size\":[2,1,1],"
        "\"dimension\":{\"xa\":{\"category\":{\"index\":[\"51001\",\"51002\"]}},"
        "\"nam\":{\"category\":{\"index\":[\"2025\"]}},"
        "\"chi_tieu\":{\"category\":{\"index\":[\"dan_so\"]}}},\"value\":[10,20]}"
        "]}}";
    char err[256] = "";
    struct jsonstat_feed_page *pg = jsonstat_parse_feed(body, strlen(body), NULL, err, sizeof err);
    cr_assert_not_null(pg, "%s", err);
    cr_assert_eq(pg->nhrefs, 2);
    cr_assert_str_eq(pg->hrefs[0], "a.json");
    cr_assert_str_eq(pg->hrefs[1], "b.json", "an item without a class is a dataset");
    cr_assert_eq(pg->skipped, 3, "nested collection, dimension, no href");
    cr_assert_eq(pg->batch->n, 2, "the embedded dataset's cells come at once");
    jsonstat_feed_page_free(pg);
}

Test(pxweb, collection_items_are_bounded)
{
    struct buf b = {0};
    buf_appendf(&b, "{\"class\":\"collection\",\"link\":{\"item\":[");
    for (int i = 0; i < JSONSTAT_MAX_ITEMS + 5; i++)
        buf_appendf(&b, "%s{\"class\":\"dataset\",\"href\":\"d%d.json\"}", i ? "," : "", i);
    buf_appendf(&b, "]}}");
    char err[256] = "";
    struct jsonstat_feed_page *pg = jsonstat_parse_feed(b.data, b.len, NULL, err, sizeof err);
    cr_assert_not_null(pg, "%s", err);
    cr_assert_eq(pg->nhrefs, JSONSTAT_MAX_ITEMS);
    cr_assert_eq(pg->skipped, 5);
    jsonstat_feed_page_free(pg);
    buf_free(&b);
}

Test(pxweb, a_dataset_page_has_no_hrefs_and_errors_stay_errors)
{
    const char *ds = "{\"version\":\"2.0\",\"class\":\"dataset\",\"id\":[\"xa\",\"nam\"],"
                     "\"size\":[1,1],\"dimension\":{\"xa\":{\"category\":{\"index\":[\"1\"]}},"
                     "\"nam\":{\"category\":{\"index\":[\"2025\"]}}},\"value\":[1]}";
    char err[256] = "";
    struct jsonstat_options opt = {.default_indicator = "x"};
    struct jsonstat_feed_page *pg = jsonstat_parse_feed(ds, strlen(ds), &opt, err, sizeof err);
    cr_assert_not_null(pg, "%s", err);
    cr_assert_not(pg->collection);
    cr_assert_eq(pg->nhrefs, 0);
    cr_assert_eq(pg->batch->n, 1);
    jsonstat_feed_page_free(pg);
    /* Without the default the dataset cannot be mapped: an error, as before. */
    cr_assert_null(jsonstat_parse_feed(ds, strlen(ds), NULL, err, sizeof err));
    cr_assert(strstr(err, "no indicator dimension"), "%s", err);
    const char *dim =
        "{\"version\":\"2.0\",\"class\":\"dimension\",\"category\":{\"index\":[\"a\"]}}";
    cr_assert_null(jsonstat_parse_feed(dim, strlen(dim), NULL, err, sizeof err));
    cr_assert_str_eq(err, "dimension: a lone dimension has no values");
}

Test(pxweb, wiring_refuses_a_bad_query_file_before_polling)
{
    free(write_tmp("q.json", "{\"query\":[]}"));
    load_px("[feed.px]\nkind = jsonstat\nurl = https://px.example/t.px\nquery_file = q.json\n");
    free(write_tmp("q.json", "<html>"));
    char err[256] = "";
    cr_assert_null(wiring_new(&cfg, NULL, NULL, NULL, err, sizeof err));
    char *want = xasprintf("feed px: query_file %s/q.json: not JSON: <html>", tmpdir);
    cr_assert_str_eq(err, want);
    free(want);
}
