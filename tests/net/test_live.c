/* The whole console data path against the live simulator over loopback: the default feeds
 * from the configuration, the poller, every adapter on the thread pool, the store. After the
 * first poll of every feed the store holds what the hub serves, and every aggregate equals a
 * full recount. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/config.h"
#include "citydeck/http.h"
#include "citydeck/poller.h"
#include "citydeck/store.h"
#include "citydeck/util.h"
#include "citydeck/wiring.h"
#include "harness.h"

#define START "2026-03-02T08:00:00+07:00"

static struct harness_sim sim;

/* A blocking GET of the hub (fine in a test), parsed as JSON. */
static cJSON *fetch(const char *path)
{
    char *url = xasprintf("%s%s", sim.url, path);
    struct harness_req q = {.timeout_ms = -1};
    struct harness_resp r = harness_http(url, &q);
    cJSON *j = cJSON_ParseWithLength(r.body, r.len);
    cr_assert_not_null(j, "%s is not JSON", url);
    harness_resp_free(&r);
    free(url);
    return j;
}

static double number(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    cr_assert(cJSON_IsNumber(v), "no number %s", key);
    return v->valuedouble;
}

Test(live, a_full_poll_of_every_feed_fills_the_store)
{
    static const char *const args[] = {"--seed", "7", "--start", START, "--speed", "0", NULL};
    harness_sim_start(&sim, args);
    harness_loop_setup();
    struct config cfg;
    config_init(&cfg);
    char err[256];
    struct store *store = store_new();
    struct wiring *w = wiring_new(&cfg, store, NULL, NULL, err, sizeof err);
    cr_assert_not_null(w, "%s", err);
    struct http *http = http_new(&harness_loop);
    struct poller *p = poller_new(&harness_loop, http, harness_count_event, NULL);
    cr_assert_eq(wiring_attach(w, p, sim.url, err, sizeof err), 0, "%s", err);
    cr_assert_eq(poller_count(p), 5, "the five default feeds");
    poller_start(p);
    while (!poller_all_first_done(p))
        harness_run_until(&harness_events, harness_events + 1);
    for (size_t i = 0; i < poller_count(p); i++) {
        struct feed *f = poller_feed(p, i);
        const struct feed_health *h = feed_health(f);
        cr_assert_eq(h->state, FEED_OK, "feed %s: %s", feed_name(f), h->last_error);
    }

    /* Complaints: every open request the hub lists, and the open count equals a recount. */
    cJSON *requests = fetch("/open311/v2/requests.json?status=open&page_size=1000");
    size_t hub_open = (size_t)cJSON_GetArraySize(requests);
    cJSON_Delete(requests);
    cr_assert_gt(hub_open, 30);
    cr_assert_eq(complaint_table_open_count(store->complaints), hub_open);
    size_t recount = 0;
    for (size_t i = 0; i < complaint_table_count(store->complaints); i++)
        recount += complaint_table_at(store->complaints, i)->open;
    cr_assert_eq(recount, hub_open);

    /* Sensors: one per Datastream of the hub; aggregates equal a full recount. */
    cJSON *ds = fetch("/sta/v1.1/Datastreams?$count=true&$top=1");
    size_t hub_streams = (size_t)number(ds, "@iot.count");
    cJSON_Delete(ds);
    cr_assert_eq(sensor_table_count(store->sensors), hub_streams);
    struct sensor_stats all;
    sensor_table_recount(store->sensors, true, NULL, &all);
    const struct sensor_stats *kept = sensor_table_totals(store->sensors);
    cr_assert_eq(kept->n, all.n);
    cr_assert_eq(kept->worst_aqi, all.worst_aqi);
    cr_assert_eq(memcmp(kept->by_kind, all.by_kind, sizeof all.by_kind), 0);
    cr_assert_eq(memcmp(kept->gauges_over, all.gauges_over, sizeof all.gauges_over), 0);
    for (size_t i = 0; i < sensor_table_unit_count(store->sensors); i++) {
        struct sensor_stats u;
        const char *code = sensor_table_unit_code(store->sensors, i);
        sensor_table_recount(store->sensors, false, code, &u);
        cr_assert_eq(sensor_table_unit_at(store->sensors, i)->n, u.n, "unit %s", code);
        cr_assert_eq(sensor_table_unit_at(store->sensors, i)->worst_aqi, u.worst_aqi);
    }

    /* Dossiers: every page of the open listing; the counts equal a recount and the hub. */
    cJSON *list = fetch("/cases/v1/dossiers?status=open&page_size=1");
    size_t hub_dossiers = (size_t)number(list, "total");
    cJSON_Delete(list);
    cr_assert_gt(hub_dossiers, 1000, "more than one page of 1000");
    cr_assert_eq(dossier_table_count(store->dossiers), hub_dossiers);
    const struct dossier_stats *dt = dossier_table_total(store->dossiers);
    size_t open = 0, overdue = 0, soon = 0;
    for (size_t i = 0; i < dossier_table_count(store->dossiers); i++) {
        open += dossier_is_open(dossier_table_at(store->dossiers, i));
        enum deadline_state d = dossier_table_deadline_at(store->dossiers, i);
        overdue += d == DL_OVERDUE;
        soon += d == DL_DUE_SOON;
    }
    cr_assert_eq(dt->open, open);
    cr_assert_eq(dt->overdue, overdue);
    cr_assert_eq(dt->due_soon, soon);
    cJSON *sum = fetch("/cases/v1/summary");
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(sum, "total");
    cr_assert_not_null(total, "summary without a total");
    const cJSON *states = cJSON_GetObjectItemCaseSensitive(total, "open_states");
    cr_assert(cJSON_IsObject(states), "summary total without open_states");
    cr_assert_eq(overdue, (size_t)number(states, "qua_han"), "overdue: console %zu", overdue);
    cr_assert_eq(soon, (size_t)number(states, "sap_den_han"), "due soon: console %zu", soon);
    cJSON_Delete(sum);

    /* Indicators and units. */
    cr_assert_gt(indicator_store_count(store->indicators), 1000);
    cr_assert_eq(indicator_store_unit_count(store->indicators), 96);
    cr_assert_eq(unit_table_count(store->units), 96);
    cr_assert_str_eq(unit_table_province_name(store->units), "Tỉnh Quảng Ngãi");
    cr_assert_gt(store->generation, 0);

    poller_free(p);
    http_free(http);
    harness_loop_teardown();
    wiring_free(w);
    store_free(store);
    config_free(&cfg);
    cr_assert_eq(harness_sim_stop(&sim), 0, "the simulator exits 0 on SIGTERM");
}
