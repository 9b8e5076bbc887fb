/* Feed options end to end over loopback: a config file with the option, wiring, the poller,
 * the adapter, the store; the scripted server records what arrived on the wire.
 * - PX-Web v1: select lines become a POST body; its JSON-stat answer fills indicator cells;
 *   the second poll is a conditional POST answered 304.
 * - JSON-stat collections: every item is fetched and merged; a 304 for the collection still
 *   visits its items, each with its own ETag; other hosts are not followed.
 * - JSON-stat dimension overrides on a sample without roles.
 * - Open311 incremental polling: updated_after after a full listing, a periodic full listing
 *   closes a vanished complaint, incremental = false, a full page, a hub that refuses.
 * - The tenant header (X-Scope-OrgID) is sent. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citydeck/config.h"
#include "citydeck/http.h"
#include "citydeck/jsonstat.h"
#include "citydeck/poller.h"
#include "citydeck/store.h"
#include "citydeck/util.h"
#include "citydeck/wiring.h"
#include "harness.h"

/* ---- rig: config file -> wiring -> poller -> store ---------------------------------- */

struct rig {
    char dir[64];
    struct config cfg;
    struct store *store;
    struct wiring *w;
    struct http *http;
    struct poller *p;
};

static const char *const builtin_feeds[] = {"complaints", "sensors", "dossiers", "indicators",
                                            "units"};

/* Loads ini (the built-in feeds switched off) and wires it to a poller on the test loop. */
static void rig_start(struct rig *r, const char *ini, const char *hub_url)
{
    memset(r, 0, sizeof *r);
    strcpy(r->dir, "/tmp/citydeck-test-feedopt-XXXXXX");
    cr_assert_not_null(mkdtemp(r->dir));
    char *path = xasprintf("%s/config.ini", r->dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(ini, fp);
    fclose(fp);
    config_init(&r->cfg);
    char err[512] = "";
    cr_assert_eq(config_load(&r->cfg, path, err, sizeof err), 0, "%s", err);
    unlink(path);
    free(path);
    rmdir(r->dir); /* now, so that a failing test leaves nothing behind */
    for (int i = 0; i < r->cfg.nfeeds; i++)
        for (size_t k = 0; k < ARRAY_LEN(builtin_feeds); k++)
            if (strcmp(r->cfg.feeds[i].name, builtin_feeds[k]) == 0)
                r->cfg.feeds[i].enabled = false;
    r->store = store_new();
    r->w = wiring_new(&r->cfg, r->store, NULL, NULL, err, sizeof err);
    cr_assert_not_null(r->w, "%s", err);
    harness_loop_setup();
    r->http = http_new(&harness_loop);
    r->p = poller_new(&harness_loop, r->http, harness_count_event, NULL);
    cr_assert_eq(wiring_attach(r->w, r->p, hub_url, err, sizeof err), 0, "%s", err);
    cr_assert_eq(poller_count(r->p), 1, "one feed under test");
}

static void rig_stop(struct rig *r)
{
    poller_free(r->p);
    http_free(r->http);
    harness_loop_teardown();
    wiring_free(r->w);
    store_free(r->store);
    config_free(&r->cfg);
}

static struct feed *rig_feed(struct rig *r)
{
    return poller_feed(r->p, 0);
}

/* Runs one poll (the first through poller_start, later ones through poller_refresh) and
 * returns the health after it. */
static const struct feed_health *rig_poll(struct rig *r)
{
    int n = harness_events;
    if (n == 0)
        poller_start(r->p);
    else
        poller_refresh(r->p);
    harness_run_until(&harness_events, n + 1);
    return feed_health(rig_feed(r));
}

static void expect_ok(struct rig *r, const struct feed_health *h)
{
    cr_assert_eq(h->state, FEED_OK, "feed %s: %s", feed_name(rig_feed(r)), h->last_error);
}

static struct indicator_value cell(struct rig *r, const char *unit, const char *ind,
                                   const char *period)
{
    struct indicator_value v;
    cr_assert(indicator_store_get(r->store->indicators, unit, ind, period, &v),
              "no cell (%s, %s, %s)", unit, ind, period);
    return v;
}

static char *read_sample(const char *dir, const char *name)
{
    const char *root = getenv("CITYDECK_SAMPLES");
    cr_assert_not_null(root, "CITYDECK_SAMPLES is set by meson test");
    char *path = xasprintf("%s/%s/%s", root, dir, name);
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "cannot open %s", path);
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_append(&b, chunk, n);
    fclose(fp);
    free(path);
    buf_append(&b, "", 1);
    return buf_take(&b);
}

/* ---- PX-Web v1 POST ----------------------------------------------------------------- */

static const char px_answer[] =
    "{\"version\":\"2.0\",\"class\":\"dataset\",\"label\":\"Chỉ tiêu\","
    "\"id\":[\"don_vi\",\"chi_tieu\",\"ky\",\"measure\"],\"size\":[2,1,1,2],"
    "\"role\":{\"geo\":[\"don_vi\"],\"time\":[\"ky\"],\"metric\":[\"chi_tieu\"]},"
    "\"dimension\":{\"don_vi\":{\"category\":{\"index\":[\"51001\",\"51004\"]}},"
    "\"chi_tieu\":{\"category\":{\"index\":[\"dan_so\"]}},"
    "\"ky\":{\"category\":{\"index\":[\"2026M02\"]}},"
    "\"measure\":{\"category\":{\"index\":[\"plan\",\"actual\"]}}},"
    "\"value\":[100,98,200,205]}";

Test(feed_options, pxweb_select_lines_post_the_query_and_fill_cells)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = px_answer, .etag = "\"px1\"", .inm_304 = true},
    };
    struct harness_srv srv;
    harness_srv_start(&srv, steps, ARRAY_LEN(steps));
    char url[128];
    harness_srv_url(&srv, "/api/v1/vi/kt-xh/chi-tieu-xa.px", url, sizeof url);
    char *ini = xasprintf("[feed.px]\nkind = jsonstat\nurl = %s\ninterval = 3600\n"
                          "select.don_vi = 51001, 51004\nselect.chi_tieu = dan_so\n"
                          "select.ky = top:1\nselect.measure = all:*\n",
                          url);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);

    expect_ok(&r, rig_poll(&r));
    cr_assert_eq(harness_srv_requests(&srv), 1);
    const struct harness_seen *s = &srv.seen[0];
    cr_assert_str_eq(s->method, "POST");
    cr_assert_str_eq(s->path, "/api/v1/vi/kt-xh/chi-tieu-xa.px");
    cr_assert_str_eq(s->ctype, "application/json");
    cr_assert_str_eq(s->inm, "", "the first poll has no validator yet");
    cr_assert_str_eq(
        s->body,
        "{\"query\":["
        "{\"code\":\"don_vi\",\"selection\":{\"filter\":\"item\",\"values\":[\"51001\",\"51004\"]}}"
        ","
        "{\"code\":\"chi_tieu\",\"selection\":{\"filter\":\"item\",\"values\":[\"dan_so\"]}},"
        "{\"code\":\"ky\",\"selection\":{\"filter\":\"top\",\"values\":[\"1\"]}},"
        "{\"code\":\"measure\",\"selection\":{\"filter\":\"all\",\"values\":[\"*\"]}}],"
        "\"response\":{\"format\":\"json-stat2\"}}");
    cr_assert_eq(indicator_store_count(r.store->indicators), 2);
    struct indicator_value v = cell(&r, "51001", "dan_so", "2026M02");
    cr_assert_eq(v.plan, 100);
    cr_assert_eq(v.actual, 98);
    v = cell(&r, "51004", "dan_so", "2026M02");
    cr_assert_eq(v.plan, 200);
    cr_assert_eq(v.actual, 205);

    /* The second poll is the same POST, conditional; the 304 keeps the cells. */
    const struct feed_health *h = rig_poll(&r);
    expect_ok(&r, h);
    cr_assert_eq(h->not_modified, 1);
    cr_assert_eq(h->last_status, 304);
    cr_assert_str_eq(srv.seen[1].method, "POST");
    cr_assert_str_eq(srv.seen[1].inm, "\"px1\"");
    cr_assert_str_eq(srv.seen[1].body, srv.seen[0].body);
    cr_assert_eq(indicator_store_count(r.store->indicators), 2);
    rig_stop(&r);
    harness_srv_stop(&srv);
}

Test(feed_options, pxweb_412_to_a_conditional_post_is_not_modified)
{
    /* RFC 9110 13.1.2: a matching If-None-Match on a POST gives 412, not 304. */
    static const struct harness_step steps[] = {
        {.status = 200, .body = px_answer, .etag = "\"px1\""},
        {.status = 412, .body = ""},
    };
    struct harness_srv srv;
    harness_srv_start(&srv, steps, ARRAY_LEN(steps));
    char url[128];
    harness_srv_url(&srv, "/t.px", url, sizeof url);
    char *ini = xasprintf("[feed.px]\nkind = jsonstat\nurl = %s\ninterval = 3600\n"
                          "select.ky = top:1\n",
                          url);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    expect_ok(&r, rig_poll(&r));
    const struct feed_health *h = rig_poll(&r);
    expect_ok(&r, h);
    cr_assert_str_eq(srv.seen[1].inm, "\"px1\"");
    cr_assert_eq(h->not_modified, 1);
    cr_assert_eq(indicator_store_count(r.store->indicators), 2, "the cells are kept");
    rig_stop(&r);
    harness_srv_stop(&srv);
}

Test(feed_options, pxweb_query_file_is_posted_as_written)
{
    static const struct harness_step steps[] = {{.status = 200, .body = px_answer}};
    struct harness_srv srv;
    harness_srv_start(&srv, steps, ARRAY_LEN(steps));
    char url[128];
    harness_srv_url(&srv, "/t.px", url, sizeof url);
    char qpath[] = "/tmp/citydeck-test-query-XXXXXX";
    int fd = mkstemp(qpath);
    cr_assert_geq(fd, 0);
    static const char q[] = "{\"query\":[{\"code\":\"ky\",\"selection\":{\"filter\":\"top\","
                            "\"values\":[\"1\"]}}],\"response\":{\"format\":\"json-stat2\"}}";
    cr_assert_eq(write(fd, q, strlen(q)), (ssize_t)strlen(q));
    close(fd);
    char *ini = xasprintf(
        "[feed.px]\nkind = jsonstat\nurl = %s\ninterval = 3600\nquery_file = %s\n", url, qpath);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    unlink(qpath); /* read once, when the feeds were wired */
    expect_ok(&r, rig_poll(&r));
    cr_assert_str_eq(srv.seen[0].method, "POST");
    cr_assert_str_eq(srv.seen[0].body, q);
    cr_assert_eq(cell(&r, "51004", "dan_so", "2026M02").actual, 205);
    rig_stop(&r);
    harness_srv_stop(&srv);
}

Test(feed_options, pxweb_post_to_the_simulator)
{
    static const char *const args[] = {"--seed",  "7", "--start", "2026-03-02T08:00:00+07:00",
                                       "--speed", "0", NULL};
    struct harness_sim sim;
    harness_sim_start(&sim, args);
    char *ini = xasprintf("[feed.px]\nkind = jsonstat\nurl = %s/stats/api/v1/vi/kt-xh/"
                          "chi-tieu-xa.px\ninterval = 3600\nselect.don_vi = all:*\n"
                          "select.chi_tieu = item:dan_so\nselect.ky = top:2\n"
                          "select.measure = all:*\n",
                          sim.url);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    expect_ok(&r, rig_poll(&r));
    /* Every commune and ward, one indicator, the two latest months. */
    cr_assert_eq(indicator_store_unit_count(r.store->indicators), 96);
    cr_assert_eq(indicator_store_indicator_count(r.store->indicators), 1);
    cr_assert_eq(indicator_store_period_count(r.store->indicators), 2);
    cr_assert_eq(indicator_store_count(r.store->indicators), 96 * 2);
    cr_assert_str_eq(indicator_store_indicator_at(r.store->indicators, 0)->id, "dan_so");
    /* The frozen hub answers the same POST with If-None-Match by a 304. */
    const struct feed_health *h = rig_poll(&r);
    expect_ok(&r, h);
    cr_assert_eq(h->not_modified, 1);
    rig_stop(&r);
    cr_assert_eq(harness_sim_stop(&sim), 0);
}

/* ---- JSON-stat collections ---------------------------------------------------------- */

/* A one-cell dataset: unit xa, indicator chi_tieu, period 2025. */
static char *one_cell(const char *unit, const char *ind, int value)
{
    return xasprintf("{\"version\":\"2.0\",\"class\":\"dataset\",\"id\":[\"xa\",\"nam\","
                     "\"chi_tieu\"],\"size\":[1,1,1],\"dimension\":{"
                     "\"xa\":{\"category\":{\"index\":[\"%s\"]}},"
                     "\"nam\":{\"category\":{\"index\":[\"2025\"]}},"
                     "\"chi_tieu\":{\"category\":{\"index\":[\"%s\"]}}},\"value\":[%d]}",
                     unit, ind, value);
}

Test(feed_options, collection_items_are_fetched_and_merged)
{
    struct harness_srv srv;
    /* The steps name the server's own port: start it, then fill them in. */
    static struct harness_step steps[6];
    harness_srv_start(&srv, steps, ARRAY_LEN(steps));
    char *embedded = one_cell("51003", "e", 3);
    char *coll = xasprintf("{\"version\":\"2.0\",\"class\":\"collection\",\"link\":{\"item\":["
                           "{\"class\":\"dataset\",\"href\":\"a.json\"},"
                           "{\"class\":\"dataset\",\"href\":\"http://127.0.0.1:%u/b.json\"},"
                           "{\"class\":\"dataset\",\"href\":\"http://localhost:%u/c.json\"},"
                           "{\"class\":\"collection\",\"href\":\"more/\"},"
                           "%s]}}",
                           (unsigned)srv.port, (unsigned)srv.port, embedded);
    char *a = one_cell("51001", "a", 1);
    char *b = one_cell("51002", "b", 2);
    const char *bodies[3] = {coll, a, b};
    const char *etags[3] = {"\"c1\"", "\"a1\"", "\"b1\""};
    pthread_mutex_lock(&srv.mu);
    for (int i = 0; i < 6; i++)
        steps[i] = (struct harness_step){
            .status = 200, .body = bodies[i % 3], .etag = etags[i % 3], .inm_304 = true};
    pthread_mutex_unlock(&srv.mu);
    char url[128];
    harness_srv_url(&srv, "/stats/", url, sizeof url);
    char *ini = xasprintf("[feed.coll]\nkind = jsonstat\nurl = %s\ninterval = 3600\n", url);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);

    const struct feed_health *h = rig_poll(&r);
    expect_ok(&r, h);
    /* The collection, then its two items on this host; not the one on another origin
     * (localhost is another host name, though the same server) nor the nested collection. */
    cr_assert_eq(harness_srv_requests(&srv), 3);
    cr_assert_str_eq(srv.seen[0].path, "/stats/");
    cr_assert_str_eq(srv.seen[1].path, "/stats/a.json", "relative to the collection");
    cr_assert_str_eq(srv.seen[2].path, "/b.json");
    cr_assert_str_eq(srv.seen[1].method, "GET");
    cr_assert_eq(indicator_store_count(r.store->indicators), 3);
    cr_assert_eq(cell(&r, "51001", "a", "2025").actual, 1);
    cr_assert_eq(cell(&r, "51002", "b", "2025").actual, 2);
    cr_assert_eq(cell(&r, "51003", "e", "2025").actual, 3, "the embedded dataset");
    cr_assert_eq(h->polls, 1, "one poll for the collection and its items");

    /* Unchanged: a 304 for the collection, and each item asked with its own ETag. */
    h = rig_poll(&r);
    expect_ok(&r, h);
    cr_assert_eq(harness_srv_requests(&srv), 6);
    cr_assert_str_eq(srv.seen[3].inm, "\"c1\"");
    cr_assert_str_eq(srv.seen[4].path, "/stats/a.json");
    cr_assert_str_eq(srv.seen[4].inm, "\"a1\"");
    cr_assert_str_eq(srv.seen[5].path, "/b.json");
    cr_assert_str_eq(srv.seen[5].inm, "\"b1\"");
    cr_assert_eq(h->not_modified, 3);
    cr_assert_eq(indicator_store_count(r.store->indicators), 3);
    rig_stop(&r);
    harness_srv_stop(&srv);
    free(coll);
    free(embedded);
    free(a);
    free(b);
}

Test(feed_options, collection_of_the_simulator_merges_both_datasets)
{
    static const char *const args[] = {"--seed",  "7", "--start", "2026-03-02T08:00:00+07:00",
                                       "--speed", "0", NULL};
    struct harness_sim sim;
    harness_sim_start(&sim, args);
    /* What each dataset alone gives. */
    size_t expect = 0;
    static const char *const datasets[] = {"/stats/chi-tieu-xa.json", "/stats/chi-tieu-tinh.json"};
    for (size_t i = 0; i < ARRAY_LEN(datasets); i++) {
        char *u = xasprintf("%s%s", sim.url, datasets[i]);
        struct harness_resp resp = harness_http(u, NULL);
        free(u);
        cr_assert_eq(resp.status, 200);
        char err[256];
        struct indicator_batch *b =
            jsonstat_parse_indicators(resp.body, resp.len, NULL, err, sizeof err);
        cr_assert_not_null(b, "%s", err);
        cr_assert_gt(b->n, 0);
        expect += b->n;
        indicator_batch_free(b);
        harness_resp_free(&resp);
    }
    char *ini = xasprintf("[feed.coll]\nkind = jsonstat\npath = /stats/\ninterval = 3600\n");
    struct rig r;
    rig_start(&r, ini, sim.url);
    free(ini);
    expect_ok(&r, rig_poll(&r));
    cr_assert_eq(indicator_store_count(r.store->indicators), expect, "the cells of both datasets");
    cr_assert_eq(indicator_store_unit_count(r.store->indicators), 97,
                 "96 communes and wards, and the province");
    rig_stop(&r);
    cr_assert_eq(harness_sim_stop(&sim), 0);
}

/* ---- JSON-stat dimensions named in the config ---------------------------------------- */

/* v2-three-dim-size-as-string.json: dimensions one (2), two (3), three (4), no roles, no
 * well-known ids; value(one_i, two_j, three_k) = 100i + 10j + k (one cell reads 120). */
static void serve_three_dim(struct harness_srv *srv, char **body, char *url, size_t n)
{
    *body = read_sample("jsonstat", "v2-three-dim-size-as-string.json");
    static struct harness_step step;
    step = (struct harness_step){.status = 200, .body = *body};
    harness_srv_start(srv, &step, 1);
    harness_srv_url(srv, "/three.json", url, n);
}

Test(feed_options, dimension_overrides_map_a_dataset_without_roles)
{
    struct harness_srv srv;
    char *body, url[128];
    serve_three_dim(&srv, &body, url, sizeof url);
    char *ini = xasprintf("[feed.dims]\nkind = jsonstat\nurl = %s\ninterval = 3600\n"
                          "unit_dimension = two\nindicator_dimension = three\n"
                          "period_dimension = one\n",
                          url);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    expect_ok(&r, rig_poll(&r));
    cr_assert_eq(indicator_store_count(r.store->indicators), 24);
    cr_assert_eq(indicator_store_unit_count(r.store->indicators), 3);
    cr_assert_eq(indicator_store_indicator_count(r.store->indicators), 4);
    cr_assert_eq(indicator_store_period_count(r.store->indicators), 2);
    cr_assert_eq(cell(&r, "two_1", "three_3", "one_2").actual, 213);
    cr_assert_eq(cell(&r, "two_3", "three_4", "one_1").actual, 134);
    cr_assert_eq(cell(&r, "two_2", "three_1", "one_1").actual, 120);
    cr_assert(isnan(cell(&r, "two_2", "three_1", "one_1").plan), "no measure: no plan");
    rig_stop(&r);
    harness_srv_stop(&srv);
    free(body);
}

Test(feed_options, measure_dimension_gives_plan_and_actual)
{
    struct harness_srv srv;
    char *body, url[128];
    serve_three_dim(&srv, &body, url, sizeof url);
    char *ini = xasprintf("[feed.dims]\nkind = jsonstat\nurl = %s\ninterval = 3600\n"
                          "unit_dimension = two\nindicator_dimension = three\n"
                          "measure_dimension = one\nplan_category = one_1\n"
                          "actual_category = one_2\ndefault_period = 2025\n",
                          url);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    expect_ok(&r, rig_poll(&r));
    cr_assert_eq(indicator_store_count(r.store->indicators), 12);
    struct indicator_value v = cell(&r, "two_1", "three_3", "2025");
    cr_assert_eq(v.plan, 113);
    cr_assert_eq(v.actual, 213);
    v = cell(&r, "two_3", "three_2", "2025");
    cr_assert_eq(v.plan, 132);
    cr_assert_eq(v.actual, 232);
    rig_stop(&r);
    harness_srv_stop(&srv);
    free(body);
}

Test(feed_options, without_overrides_the_dataset_is_refused)
{
    struct harness_srv srv;
    char *body, url[128];
    serve_three_dim(&srv, &body, url, sizeof url);
    char *ini = xasprintf("[feed.dims]\nkind = jsonstat\nurl = %s\ninterval = 3600\n", url);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    const struct feed_health *h = rig_poll(&r);
    cr_assert_eq(h->state, FEED_FAILING);
    cr_assert(strstr(h->last_error, "no unit dimension"), "%s", h->last_error);
    cr_assert_eq(indicator_store_count(r.store->indicators), 0);
    rig_stop(&r);
    harness_srv_stop(&srv);
    free(body);
}

/* ---- Open311 incremental polling ------------------------------------------------------ */

#define REQ(id, status, updated)                                                                   \
    "{\"service_request_id\":\"" id "\",\"status\":\"" status "\",\"service_code\":\"rac\","       \
    "\"requested_datetime\":\"2026-03-02T07:00:00+07:00\",\"updated_datetime\":\"" updated "\"}"

static const char listing_query[] = "extensions=true&status=open&page_size=50";

static char *open311_ini(const struct harness_srv *srv, const char *extra)
{
    char url[160];
    harness_srv_url(srv, "/open311/v2/requests.json?extensions=true&status=open&page_size=50", url,
                    sizeof url);
    return xasprintf("[feed.pakn]\nkind = open311\nurl = %s\ninterval = 3600\n%s", url, extra);
}

static bool is_open(struct rig *r, const char *id)
{
    const struct complaint *c = complaint_table_find(r->store->complaints, id);
    cr_assert_not_null(c, "no complaint %s", id);
    return c->open;
}

Test(feed_options, open311_incremental_then_a_full_listing_closes_the_vanished)
{
    static const struct harness_step steps[] = {
        /* 1: the full listing */
        {.status = 200,
         .body = "[" REQ("A", "open", "2026-03-02T08:00:00+07:00") "," REQ(
             "B", "open", "2026-03-02T08:05:00+07:00") "]"},
        /* 2: what changed: A was closed */
        {.status = 200, .body = "[" REQ("A", "closed", "2026-03-02T08:10:00+07:00") "]"},
        /* 3: nothing changed, as far as updates tell: B was deleted, which updates nothing */
        {.status = 200, .body = "[]"},
        /* 4: the full listing again (full_every = 3): B is not there */
        {.status = 200, .body = "[]"},
    };
    struct harness_srv srv;
    harness_srv_start(&srv, steps, ARRAY_LEN(steps));
    char *ini = open311_ini(&srv, "full_every = 3\n");
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);

    expect_ok(&r, rig_poll(&r));
    cr_assert_str_eq(srv.seen[0].query, listing_query);
    cr_assert(is_open(&r, "A") && is_open(&r, "B"));

    expect_ok(&r, rig_poll(&r));
    /* The latest update seen (08:05+07) less a minute of overlap, in UTC; no status filter,
     * so closed requests come too. */
    cr_assert_str_eq(srv.seen[1].query,
                     "extensions=true&page_size=50&updated_after=2026-03-02T01:04:00Z");
    cr_assert_not(is_open(&r, "A"), "closed by the update");
    cr_assert(is_open(&r, "B"));

    expect_ok(&r, rig_poll(&r));
    cr_assert_str_eq(srv.seen[2].query,
                     "extensions=true&page_size=50&updated_after=2026-03-02T01:09:00Z");
    cr_assert(is_open(&r, "B"), "absent from a list of changes is not closed");

    expect_ok(&r, rig_poll(&r));
    cr_assert_str_eq(srv.seen[3].query, listing_query);
    cr_assert_not(is_open(&r, "B"), "absent from the full listing: closed");
    cr_assert_eq(complaint_table_open_count(r.store->complaints), 0);
    rig_stop(&r);
    harness_srv_stop(&srv);
}

Test(feed_options, open311_incremental_off_lists_everything_every_time)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "[" REQ("A", "open", "2026-03-02T08:00:00+07:00") "]"},
    };
    struct harness_srv srv;
    harness_srv_start(&srv, steps, ARRAY_LEN(steps));
    char *ini = open311_ini(&srv, "incremental = false\n");
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    for (int i = 0; i < 3; i++) {
        expect_ok(&r, rig_poll(&r));
        cr_assert_str_eq(srv.seen[i].query, listing_query, "poll %d", i + 1);
    }
    rig_stop(&r);
    harness_srv_stop(&srv);
}

Test(feed_options, open311_a_full_page_of_changes_brings_a_full_listing)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "[" REQ("A", "open", "2026-03-02T08:00:00+07:00") "]"},
        {.status = 200,
         .body = "[" REQ("B", "open", "2026-03-02T08:20:00+07:00") "," REQ(
             "C", "open", "2026-03-02T08:10:00+07:00") "]"},
        {.status = 200, .body = "[]"},
    };
    struct harness_srv srv;
    harness_srv_start(&srv, steps, ARRAY_LEN(steps));
    char url[160];
    harness_srv_url(&srv, "/r.json?status=open&page_size=2", url, sizeof url);
    char *ini = xasprintf("[feed.pakn]\nkind = open311\nurl = %s\ninterval = 3600\n", url);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    expect_ok(&r, rig_poll(&r));
    expect_ok(&r, rig_poll(&r));
    cr_assert_str_eq(srv.seen[1].query, "page_size=2&updated_after=2026-03-02T00:59:00Z");
    /* Two changes on a page of two: older ones may have been cut off. */
    expect_ok(&r, rig_poll(&r));
    cr_assert_str_eq(srv.seen[2].query, "status=open&page_size=2");
    rig_stop(&r);
    harness_srv_stop(&srv);
}

Test(feed_options, open311_a_hub_refusing_updated_after_gets_full_listings)
{
    static const struct harness_step steps[] = {
        {.status = 200, .body = "[" REQ("A", "open", "2026-03-02T08:00:00+07:00") "]"},
        {.status = 400, .body = "[{\"code\":400,\"description\":\"unknown updated_after\"}]"},
        {.status = 200, .body = "[" REQ("A", "open", "2026-03-02T08:00:00+07:00") "]"},
    };
    struct harness_srv srv;
    harness_srv_start(&srv, steps, ARRAY_LEN(steps));
    char *ini = open311_ini(&srv, "");
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    expect_ok(&r, rig_poll(&r));
    const struct feed_health *h = rig_poll(&r);
    cr_assert_eq(h->state, FEED_FAILING);
    cr_assert(strstr(srv.seen[1].query, "updated_after="), "%s", srv.seen[1].query);
    expect_ok(&r, rig_poll(&r));
    expect_ok(&r, rig_poll(&r));
    cr_assert_str_eq(srv.seen[2].query, listing_query);
    cr_assert_str_eq(srv.seen[3].query, listing_query, "and it stays that way");
    rig_stop(&r);
    harness_srv_stop(&srv);
}

Test(feed_options, open311_incremental_against_the_simulator)
{
    static const char *const args[] = {"--seed",  "7", "--start", "2026-03-02T08:00:00+07:00",
                                       "--speed", "0", NULL};
    struct harness_sim sim;
    harness_sim_start(&sim, args);
    struct rig r;
    rig_start(&r,
              "[feed.pakn]\nkind = open311\ninterval = 3600\n"
              "path = /open311/v2/requests.json?extensions=true&status=open&page_size=1000\n",
              sim.url);
    const struct feed_health *h = rig_poll(&r);
    expect_ok(&r, h);
    size_t full_bytes = h->last_bytes;
    size_t open = complaint_table_open_count(r.store->complaints);
    cr_assert_gt(open, 30);
    cr_assert_null(strstr(feed_url(rig_feed(&r)), "updated_after"));
    /* The frozen hub accepts the cursor and reports the last minute's changes only. */
    h = rig_poll(&r);
    expect_ok(&r, h);
    cr_assert(strstr(feed_url(rig_feed(&r)), "&updated_after="), "%s", feed_url(rig_feed(&r)));
    cr_assert_lt(h->last_bytes, full_bytes / 4, "only what changed, not the listing (%zu)",
                 full_bytes);
    cr_assert_eq(complaint_table_open_count(r.store->complaints), open);
    rig_stop(&r);
    cr_assert_eq(harness_sim_stop(&sim), 0);
}

/* ---- the tenant header ---------------------------------------------------------------- */

static const char vector_body[] =
    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
    "{\"metric\":{\"__name__\":\"citydeck_air_vn_aqi\",\"sensor_id\":\"aq-1\","
    "\"kind\":\"air_quality\",\"unit_code\":\"51001\"},\"value\":[1772413200,\"42\"]}]}}";

static void prometheus_feed(const char *extra, char *tenant, size_t n)
{
    static const struct harness_step steps[] = {{.status = 200, .body = vector_body}};
    struct harness_srv srv;
    harness_srv_start(&srv, steps, ARRAY_LEN(steps));
    char url[128];
    harness_srv_url(&srv, "", url, sizeof url);
    char *ini = xasprintf("[feed.vm]\nkind = prometheus\nurl = %s\ninterval = 3600\n"
                          "query = citydeck_air_vn_aqi\n%s",
                          url, extra);
    struct rig r;
    rig_start(&r, ini, NULL);
    free(ini);
    expect_ok(&r, rig_poll(&r));
    cr_assert_eq(sensor_table_count(r.store->sensors), 1);
    cr_assert_str_eq(srv.seen[0].path, "/api/v1/query");
    cr_assert_str_eq(srv.seen[0].query, "query=citydeck_air_vn_aqi");
    snprintf(tenant, n, "%s", srv.seen[0].tenant);
    rig_stop(&r);
    harness_srv_stop(&srv);
}

Test(feed_options, tenant_is_sent_as_x_scope_orgid)
{
    char tenant[64];
    prometheus_feed("tenant = ioc-51\n", tenant, sizeof tenant);
    cr_assert_str_eq(tenant, "ioc-51");
}

Test(feed_options, no_tenant_no_header)
{
    char tenant[64];
    prometheus_feed("", tenant, sizeof tenant);
    cr_assert_str_eq(tenant, "");
}
