/* citydeck-sim's sensors end to end: SensorThings API 1.1 at /sta/v1.1 and the Prometheus text
 * exposition at /metrics, read with the console's own SensorThings adapter and VN_AQI model,
 * so the simulator is checked against what the client accepts, not against itself. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "citydeck/aqi.h"
#include "citydeck/clock.h"
#include "citydeck/sensors.h"
#include "citydeck/sensorthings.h"

#define START "2026-03-02T08:00:00+07:00"
#define ROOT "/sta/v1.1"
#define MAX_PAGES 200
#define SLOT_MS 300000LL
#define HISTORY_SLOTS 2016 /* 7 days of 5-minute readings */

/* ---- the simulator as a child process ------------------------------------------------------ */

/* Runs the simulator to completion (it must fail before listening); returns its exit code. */
static int sim_run_failing(const char *const *extra)
{
    const char *args[32] = {"--speed", "0", "--seed", "7", "--start", START};
    for (int i = 0; extra[i] && i + 7 < 32; i++)
        args[6 + i] = extra[i];
    return harness_sim_run(args);
}

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

TestSuite(sim_sta, .init = setup, .fini = teardown, .timeout = 90);

/* ---- HTTP ---------------------------------------------------------------------------------- */

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    cr_assert_geq(n, 0);
    char *s = malloc((size_t)n + 1);
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

static char *base_of(int slot)
{
    return fmt("http://127.0.0.1:%d", harness_sims[slot].port);
}

static char *root_of(int slot)
{
    return fmt("http://127.0.0.1:%d" ROOT, harness_sims[slot].port);
}

static cJSON *get_json(int slot, const char *path, long want_status)
{
    struct harness_resp r = harness_sim_get(slot, path);
    cr_assert_eq(r.status, want_status, "GET %s: %ld (%s)", path, r.status, r.body);
    cJSON *j = cJSON_Parse(r.body);
    cr_assert_not_null(j, "GET %s: not JSON: %.200s", path, r.body);
    free(r.body);
    return j;
}

static const struct sensorthings_options *opts_for(const char *url)
{
    static struct sensorthings_options o;
    memset(&o, 0, sizeof o);
    o.request_url = url;
    return &o;
}

/* ---- fetching through the adapter ---------------------------------------------------------- */

struct fleet {
    struct sensor_batch *pages[MAX_PAGES];
    int npages;
    size_t things, datastreams;
    long long count; /* @iot.count of the first page */
};

/* The console's Things poll, every nextLink followed to the end. */
static void fleet_fetch(int slot, int top, struct fleet *f)
{
    memset(f, 0, sizeof *f);
    char *root = root_of(slot);
    char *url = sensorthings_things_url(root, top);
    char *with_count = fmt("%s&$count=true", url);
    free(url);
    url = with_count;
    f->count = -1;
    while (url) {
        cr_assert_lt(f->npages, MAX_PAGES, "nextLink never ends");
        struct harness_resp r = harness_http(url, NULL);
        cr_assert_eq(r.status, 200, "GET %s: %ld %s", url, r.status, r.body);
        char err[300];
        struct sensor_batch *b =
            sensorthings_parse_sensors(r.body, r.len, opts_for(url), err, sizeof err);
        cr_assert_not_null(b, "page %d: %s", f->npages, err);
        cr_assert_eq(b->things_truncated, 0);
        cr_assert_eq(b->unattributed, 0, "every Datastream has a unit code");
        if (f->npages == 0)
            f->count = b->total_count;
        f->things += b->things;
        f->datastreams += b->n;
        f->pages[f->npages++] = b;
        free(r.body);
        free(url);
        url = b->next_link ? strdup(b->next_link) : NULL;
    }
    free(root);
}

static void fleet_free(struct fleet *f)
{
    for (int i = 0; i < f->npages; i++)
        sensor_batch_free(f->pages[i]);
}

#define FLEET_EACH(f, u)                                                                           \
    for (int pg_ = 0; pg_ < (f)->npages; pg_++)                                                    \
        for (size_t it_ = 0; it_ < (f)->pages[pg_]->n && ((u) = &(f)->pages[pg_]->items[it_]);     \
             it_++)

static const struct sensor_update *fleet_find(const struct fleet *f, const char *id)
{
    const struct sensor_update *u;
    FLEET_EACH(f, u)
    if (!strcmp(u->s.id, id))
        return u;
    return NULL;
}

/* Observations of one Datastream through the adapter, every page. */
static size_t observations_fetch(int slot, const char *path, const char *ds,
                                 struct sensor_obs **out, long long *count)
{
    char *base = base_of(slot);
    char *url = fmt("%s%s", base, path);
    free(base);
    size_t n = 0, cap = 0;
    struct sensor_obs *all = NULL;
    int pages = 0;
    if (count)
        *count = -1;
    while (url) {
        cr_assert_lt(pages++, MAX_PAGES);
        struct harness_resp r = harness_http(url, NULL);
        cr_assert_eq(r.status, 200, "GET %s: %ld %s", url, r.status, r.body);
        char err[300];
        struct sensor_batch *b = sensorthings_parse_observations(r.body, r.len, ds, false,
                                                                 opts_for(url), err, sizeof err);
        cr_assert_not_null(b, "%s: %s", url, err);
        if (count && pages == 1)
            *count = b->total_count;
        for (size_t i = 0; i < b->n; i++) {
            const struct sensor_update *u = &b->items[i];
            for (size_t k = 0; k < u->n_obs; k++) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 256;
                    all = realloc(all, cap * sizeof *all);
                }
                all[n++] = u->obs[k];
            }
        }
        free(r.body);
        free(url);
        url = b->next_link ? strdup(b->next_link) : NULL;
        sensor_batch_free(b);
    }
    *out = all;
    return n;
}

static int64_t iso_ms(const char *s)
{
    int64_t a, b;
    cr_assert(sensorthings_parse_time(s, 0, &a, &b), "time %s", s);
    return b;
}

/* Datastream id of the first Thing of a kind (and its unit code). */
static int first_of_kind(int slot, const char *kind, char *unit_code, size_t n)
{
    char path[256];
    snprintf(path, sizeof path,
             ROOT "/Things?$top=1&$filter=properties/kind%%20eq%%20%%27%s%%27&$expand=Datastreams",
             kind);
    cJSON *j = get_json(slot, path, 200);
    cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "value"), 0);
    cr_assert_not_null(t, "no Thing of kind %s", kind);
    cJSON *props = cJSON_GetObjectItem(t, "properties");
    snprintf(unit_code, n, "%s", cJSON_GetObjectItem(props, "unit_code")->valuestring);
    cJSON *ds = cJSON_GetArrayItem(cJSON_GetObjectItem(t, "Datastreams"), 0);
    int id = cJSON_GetObjectItem(ds, "@iot.id")->valueint;
    cJSON_Delete(j);
    return id;
}

/* ---- the tests ----------------------------------------------------------------------------- */

Test(sim_sta, service_root_is_v1_1)
{
    struct harness_resp r = harness_sim_get(0, ROOT);
    cr_assert_eq(r.status, 200);
    char err[300];
    struct sensorthings_root *root = sensorthings_parse_root(r.body, r.len, err, sizeof err);
    cr_assert_not_null(root, "%s", err);
    cr_assert_eq(root->version, 11);
    cr_assert_geq(root->n_conformance, 1);
    static const char *const sets[] = {"Things",  "Locations",          "Datastreams",
                                       "Sensors", "ObservedProperties", "Observations"};
    for (size_t i = 0; i < 6; i++) {
        const char *u = sensorthings_root_url(root, sets[i]);
        cr_assert_not_null(u, "%s listed", sets[i]);
        struct harness_resp e = harness_http(u, NULL);
        cr_assert_eq(e.status, 200, "%s: %ld", u, e.status);
        free(e.body);
    }
    sensorthings_root_free(root);
    free(r.body);
}

Test(sim_sta, things_with_latest_observations_parse_and_page_to_the_end)
{
    struct fleet f;
    fleet_fetch(0, 0, &f);
    cr_assert_geq(f.npages, 2, "181 Things need two pages of the default 100");
    cr_assert_eq((long long)f.things, f.count, "Things read %zu, @iot.count %lld", f.things,
                 f.count);
    cJSON *ds = get_json(0, ROOT "/Datastreams?$top=0&$count=true", 200);
    cr_assert_eq((long long)f.datastreams,
                 (long long)cJSON_GetObjectItem(ds, "@iot.count")->valuedouble);
    cJSON_Delete(ds);
    int64_t now_ms = clock_parse_iso(START, 0, NULL) * 1000;
    const struct sensor_update *u;
    FLEET_EACH(&f, u)
    {
        cr_assert(u->meta);
        cr_assert(u->s.has_location, "%s has a location", u->s.id);
        cr_assert_not_null(u->s.station);
        cr_assert_not_null(u->s.unit_code);
        cr_assert_eq(strlen(u->s.unit_code), 5, "unit code %s", u->s.unit_code);
        cr_assert_eq(u->n_obs, 1, "%s: latest observation expanded", u->s.id);
        cr_assert_eq(u->obs[0].t_ms, now_ms, "%s: the 08:00 reading", u->s.id);
        cr_assert(!isnan(u->obs[0].v), "%s: a value", u->s.id);
    }
    fleet_free(&f);
}

Test(sim_sta, things_paging_with_small_pages_counts_match)
{
    struct fleet f;
    fleet_fetch(0, 7, &f);
    cr_assert_eq((long long)f.things, f.count);
    cr_assert_eq(f.npages, (int)((f.count + 6) / 7));
    /* Every Thing once: ids are distinct across pages. */
    cJSON *all = get_json(0, ROOT "/Things?$top=1000&$select=id", 200);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(all, "value")), (int)f.count);
    cr_assert_null(cJSON_GetObjectItem(all, "@iot.nextLink"));
    cJSON_Delete(all);
    fleet_free(&f);
}

Test(sim_sta, every_sensor_kind_is_present)
{
    struct fleet f;
    fleet_fetch(0, 0, &f);
    size_t by_kind[SK_COUNT] = {0}, pm25 = 0, pm10 = 0, index = 0;
    const struct sensor_update *u;
    FLEET_EACH(&f, u)
    {
        by_kind[u->s.kind]++;
        pm25 += u->s.pollutant == AQI_POL_PM25;
        pm10 += u->s.pollutant == AQI_POL_PM10;
        index += u->s.pollutant == AQI_POL_INDEX;
        if (u->s.kind == SK_CAMERA)
            cr_assert(u->obs[0].v == 0 || u->obs[0].v == 1, "camera status is 1/0");
        if (u->s.kind == SK_TRAFFIC_COUNT)
            cr_assert_eq(u->obs[0].v, floor(u->obs[0].v), "a vehicle count is whole");
    }
    cr_assert_eq(by_kind[SK_OTHER], 0);
    for (int k = SK_AIR_QUALITY; k < SK_COUNT; k++)
        cr_assert_gt(by_kind[k], 0, "kind %s present", sensor_kind_code((enum sensor_kind)k));
    cr_assert_gt(pm25, 0);
    cr_assert_eq(pm25, pm10, "each station has PM2.5 and PM10");
    cr_assert_eq(pm25, index, "and a VN_AQI");
    fleet_free(&f);
}

Test(sim_sta, water_gauges_carry_alarm_levels_the_adapter_reads)
{
    struct fleet f;
    fleet_fetch(0, 0, &f);
    size_t gauges = 0, below = 0;
    const struct sensor_update *u;
    FLEET_EACH(&f, u)
    {
        if (u->s.kind != SK_WATER_LEVEL)
            continue;
        gauges++;
        below += flood_level_of(u->obs[0].v, u->s.alarm) == FLOOD_BELOW;
        for (int i = 0; i < 3; i++)
            cr_assert(isfinite(u->s.alarm[i]), "%s: level %d", u->s.id, i + 1);
        cr_assert_lt(u->s.alarm[0], u->s.alarm[1]);
        cr_assert_lt(u->s.alarm[1], u->s.alarm[2]);
        cr_assert_str_eq(u->s.unit, "m");
    }
    cr_assert_gt(gauges, 0);
    /* Dry season: below level I, but for a random flood somewhere (2 episodes a week). */
    cr_assert_geq(below * 5, gauges * 4, "%zu of %zu gauges below level I", below, gauges);
    fleet_free(&f);
}

/* The station's AQI Datastream at each reading equals QĐ 1459 of its PM2.5 and PM10, as the
 * console's model computes it. */
static void check_aqi_window(int slot, int pm25_ds, size_t want)
{
    char path[256];
    struct sensor_obs *pm25, *pm10, *aqi;
    char id[16];
    snprintf(path, sizeof path, ROOT "/Datastreams(%d)/Observations?$top=1000", pm25_ds);
    snprintf(id, sizeof id, "%d", pm25_ds);
    size_t n1 = observations_fetch(slot, path, id, &pm25, NULL);
    snprintf(path, sizeof path, ROOT "/Datastreams(%d)/Observations?$top=1000", pm25_ds + 1);
    size_t n2 = observations_fetch(slot, path, id, &pm10, NULL);
    snprintf(path, sizeof path, ROOT "/Datastreams(%d)/Observations?$top=1000", pm25_ds + 2);
    size_t n3 = observations_fetch(slot, path, id, &aqi, NULL);
    cr_assert_eq(n1, want);
    cr_assert_eq(n2, want);
    cr_assert_eq(n3, want);
    for (size_t i = 0; i < n1; i++) {
        cr_assert_eq(pm25[i].t_ms, aqi[i].t_ms);
        cr_assert_eq(pm10[i].t_ms, aqi[i].t_ms);
        int a = aqi_sub_index(AQI_POL_PM25, pm25[i].v), b = aqi_sub_index(AQI_POL_PM10, pm10[i].v);
        int want_aqi = a > b ? a : b;
        cr_assert_eq((int)aqi[i].v, want_aqi, "slot %zu: PM2.5 %g PM10 %g -> %d, served %g", i,
                     pm25[i].v, pm10[i].v, want_aqi, aqi[i].v);
    }
    free(pm25);
    free(pm10);
    free(aqi);
}

Test(sim_sta, vn_aqi_follows_qd_1459_from_the_pm_readings)
{
    struct fleet f;
    fleet_fetch(0, 0, &f);
    size_t stations = 0;
    const struct sensor_update *u;
    FLEET_EACH(&f, u)
    {
        if (u->s.pollutant != AQI_POL_PM25)
            continue;
        stations++;
        char id[24];
        snprintf(id, sizeof id, "%d", atoi(u->s.id) + 1);
        const struct sensor_update *pm10 = fleet_find(&f, id);
        snprintf(id, sizeof id, "%d", atoi(u->s.id) + 2);
        const struct sensor_update *aqi = fleet_find(&f, id);
        cr_assert(pm10 && pm10->s.pollutant == AQI_POL_PM10);
        cr_assert(aqi && aqi->s.pollutant == AQI_POL_INDEX);
        cr_assert_str_eq(u->s.station, aqi->s.station);
        int a = aqi_sub_index_unit(AQI_POL_PM25, u->obs[0].v, u->s.unit);
        int b = aqi_sub_index_unit(AQI_POL_PM10, pm10->obs[0].v, pm10->s.unit);
        cr_assert_eq((int)aqi->obs[0].v, a > b ? a : b, "station %s", u->s.station);
    }
    cr_assert_gt(stations, 0);
    /* And over the first station's whole 7-day history (a band change or two included). */
    FLEET_EACH(&f, u)
    {
        if (u->s.pollutant == AQI_POL_PM25) {
            check_aqi_window(0, atoi(u->s.id), HISTORY_SLOTS);
            break;
        }
    }
    fleet_free(&f);
}

Test(sim_sta, observations_page_to_the_end_and_count_matches)
{
    struct sensor_obs *obs;
    long long count;
    size_t n = observations_fetch(0, ROOT "/Datastreams(1)/Observations?$top=300&$count=true", "1",
                                  &obs, &count);
    cr_assert_eq(count, HISTORY_SLOTS);
    cr_assert_eq((long long)n, count);
    for (size_t i = 1; i < n; i++)
        cr_assert_eq(obs[i].t_ms - obs[i - 1].t_ms, SLOT_MS, "every 5 minutes, no gaps");
    free(obs);
    /* The whole set: count only, then a page. */
    cJSON *j = get_json(0, ROOT "/Observations?$top=0&$count=true", 200);
    cJSON *ds = get_json(0, ROOT "/Datastreams?$top=0&$count=true", 200);
    cr_assert_eq(cJSON_GetObjectItem(j, "@iot.count")->valuedouble,
                 cJSON_GetObjectItem(ds, "@iot.count")->valuedouble * HISTORY_SLOTS);
    cr_assert_null(cJSON_GetObjectItem(j, "@iot.nextLink"), "no next page after $top=0");
    cJSON_Delete(j);
    cJSON_Delete(ds);
}

Test(sim_sta, observations_ordered_as_asked)
{
    cJSON *desc = get_json(
        0, ROOT "/Datastreams(4)/Observations?$orderby=phenomenonTime%20desc&$top=50", 200);
    cJSON *asc =
        get_json(0, ROOT "/Datastreams(4)/Observations?$orderby=phenomenonTime%20asc&$top=50", 200);
    int64_t prev = INT64_MAX;
    cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(desc, "value"))
    {
        int64_t t = iso_ms(cJSON_GetObjectItem(o, "phenomenonTime")->valuestring);
        cr_assert_lt(t, prev);
        prev = t;
    }
    cr_assert_eq(prev + 49 * SLOT_MS, clock_parse_iso(START, 0, NULL) * 1000,
                 "desc starts at the latest reading");
    prev = INT64_MIN;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(asc, "value"))
    {
        int64_t t = iso_ms(cJSON_GetObjectItem(o, "phenomenonTime")->valuestring);
        cr_assert_gt(t, prev);
        prev = t;
    }
    cJSON_Delete(desc);
    cJSON_Delete(asc);
    /* Across Datastreams: time first, then id. */
    cJSON *all = get_json(0, ROOT "/Observations?$orderby=phenomenonTime%20desc&$top=400", 200);
    prev = INT64_MAX;
    double prev_id = 0;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(all, "value"))
    {
        int64_t t = iso_ms(cJSON_GetObjectItem(o, "phenomenonTime")->valuestring);
        double id = cJSON_GetObjectItem(o, "@iot.id")->valuedouble;
        cr_assert_leq(t, prev);
        if (t == prev)
            cr_assert_gt(id, prev_id, "ties by id ascending");
        prev = t;
        prev_id = id;
    }
    cJSON_Delete(all);
}

Test(sim_sta, filter_by_time_range_returns_only_that_range)
{
    /* 07:00 to 07:30 +07:00, inclusive bounds: 7 readings. */
    struct sensor_obs *obs;
    long long count;
    size_t n = observations_fetch(
        0,
        ROOT "/Datastreams(2)/Observations?$count=true&$filter=phenomenonTime%20ge%20"
             "2026-03-02T00:00:00.000Z%20and%20phenomenonTime%20le%202026-03-02T07:30:00%2B07:00",
        "2", &obs, &count);
    cr_assert_eq(n, 7);
    cr_assert_eq(count, 7);
    int64_t lo = clock_parse_iso("2026-03-02T07:00:00+07:00", 0, NULL) * 1000;
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(obs[i].t_ms, lo + (int64_t)i * SLOT_MS);
    free(obs);
    /* An unencoded '+' arrives as a space, as with any form-decoded query. */
    n = observations_fetch(0,
                           ROOT "/Datastreams(2)/Observations?$filter=phenomenonTime%20gt%20"
                                "2026-03-02T07:30:00+07:00",
                           "2", &obs, NULL);
    cr_assert_eq(n, 6, "07:35 to 08:00");
    free(obs);
    /* The console's own incremental poll: newer than a time, oldest first. */
    char *root = root_of(0);
    int64_t since = clock_parse_iso("2026-03-02T06:00:00+07:00", 0, NULL) * 1000 + 500;
    char *url = sensorthings_observations_url(root, "3", false, since, 0);
    struct harness_resp r = harness_http(url, NULL);
    cr_assert_eq(r.status, 200, "%s: %s", url, r.body);
    char err[300];
    struct sensor_batch *b =
        sensorthings_parse_observations(r.body, r.len, "3", false, opts_for(url), err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_eq(b->n, 1);
    cr_assert_eq(b->items[0].n_obs, 24, "06:05 to 08:00");
    for (size_t i = 0; i < b->items[0].n_obs; i++)
        cr_assert_gt(b->items[0].obs[i].t_ms, since);
    sensor_batch_free(b);
    free(r.body);
    free(url);
    free(root);
    /* All Observations of a time, every Datastream. */
    cJSON *j = get_json(0,
                        ROOT "/Observations?$count=true&$top=1000&$filter=phenomenonTime%20eq%20"
                             "2026-03-02T01:00:00Z",
                        200);
    cJSON *ds = get_json(0, ROOT "/Datastreams?$top=0&$count=true", 200);
    cr_assert_eq(cJSON_GetObjectItem(j, "@iot.count")->valuedouble,
                 cJSON_GetObjectItem(ds, "@iot.count")->valuedouble);
    cJSON_Delete(j);
    cJSON_Delete(ds);
}

Test(sim_sta, filter_by_id_and_by_property)
{
    cJSON *one = get_json(0, ROOT "/Things?$filter=id%20eq%205", 200);
    cJSON *v = cJSON_GetObjectItem(one, "value");
    cr_assert_eq(cJSON_GetArraySize(v), 1);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 0), "@iot.id")->valueint, 5);
    cJSON_Delete(one);
    one = get_json(0, ROOT "/Datastreams?$filter=@iot.id%20eq%203", 200);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(one, "value")), 1);
    cJSON_Delete(one);
    /* An Observation by its id, from a listing. */
    cJSON *latest =
        get_json(0, ROOT "/Datastreams(7)/Observations?$top=1&$orderby=phenomenonTime%20desc", 200);
    cJSON *o = cJSON_GetArrayItem(cJSON_GetObjectItem(latest, "value"), 0);
    char path[256];
    snprintf(path, sizeof path, ROOT "/Observations?$filter=id%%20eq%%20%.0f",
             cJSON_GetObjectItem(o, "@iot.id")->valuedouble);
    cJSON *byid = get_json(0, path, 200);
    cJSON *o2 = cJSON_GetArrayItem(cJSON_GetObjectItem(byid, "value"), 0);
    cr_assert_not_null(o2);
    cr_assert_eq(cJSON_GetObjectItem(o2, "result")->valuedouble,
                 cJSON_GetObjectItem(o, "result")->valuedouble);
    cJSON_Delete(byid);
    cJSON_Delete(latest);
    /* Things of a commune, of a kind. */
    char unit[16];
    first_of_kind(0, "water_level", unit, sizeof unit);
    snprintf(path, sizeof path,
             ROOT "/Things?$filter=properties/unit_code%%20eq%%20%%27%s%%27%%20and%%20"
                  "properties/kind%%20eq%%20%%27water_level%%27",
             unit);
    cJSON *things = get_json(0, path, 200);
    cr_assert_geq(cJSON_GetArraySize(cJSON_GetObjectItem(things, "value")), 1);
    cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(things, "value"))
    {
        cJSON *p = cJSON_GetObjectItem(t, "properties");
        cr_assert_str_eq(cJSON_GetObjectItem(p, "unit_code")->valuestring, unit);
        cr_assert_str_eq(cJSON_GetObjectItem(p, "kind")->valuestring, "water_level");
    }
    cJSON_Delete(things);
}

static void assert_frost_error(int slot, const char *path, long code)
{
    struct harness_resp r = harness_sim_get(slot, path);
    cr_assert_eq(r.status, code, "%s: %ld %s", path, r.status, r.body);
    cJSON *j = cJSON_Parse(r.body);
    cr_assert_not_null(j, "%s: error body is JSON", path);
    cr_assert_str_eq(cJSON_GetObjectItem(j, "type")->valuestring, "error");
    cr_assert_eq(cJSON_GetObjectItem(j, "code")->valueint, code);
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(j, "message")));
    cJSON_Delete(j);
    /* And the console reports it as the hub's error. */
    char err[300];
    struct sensor_batch *b = sensorthings_parse_sensors(r.body, r.len, NULL, err, sizeof err);
    cr_assert_null(b);
    char want[40];
    snprintf(want, sizeof want, "server error %ld: ", code);
    cr_assert(strstr(err, want), "adapter says: %s", err);
    free(r.body);
}

Test(sim_sta, unsupported_queries_get_frost_errors)
{
    assert_frost_error(0, ROOT "/Things?$filter=name%20eq%20%27x%27%20or%20id%20eq%201", 400);
    assert_frost_error(0, ROOT "/Things?$filter=substringof(%27a%27,name)", 400);
    assert_frost_error(0, ROOT "/Things?$filter=nosuch%20eq%201", 400);
    assert_frost_error(0, ROOT "/Observations?$filter=phenomenonTime%20ge%205", 400);
    assert_frost_error(0, ROOT "/Things?$top=-1", 400);
    assert_frost_error(0, ROOT "/Things?$orderby=name%20sideways", 400);
    assert_frost_error(0, ROOT "/Things?$expand=Nothing", 400);
    assert_frost_error(0, ROOT "/Things?$select=colour", 400);
    assert_frost_error(0, ROOT "/Observations?$orderby=result", 400);
    assert_frost_error(0, ROOT "/Things(999999)", 404);
    assert_frost_error(0, ROOT "/Things(1)/Datastreams(99999)", 404);
    assert_frost_error(0, ROOT "/Observations(1)", 404);
    assert_frost_error(0, ROOT "/Gadgets", 404);
    assert_frost_error(0, "/sta/v1.0/Things", 404);
}

Test(sim_sta, single_entities_and_navigation)
{
    cJSON *t = get_json(0, ROOT "/Things(1)", 200);
    cr_assert_eq(cJSON_GetObjectItem(t, "@iot.id")->valueint, 1);
    char *root = root_of(0);
    char *self = sensorthings_entity_url(root, "Things", "1", false);
    cr_assert_str_eq(cJSON_GetObjectItem(t, "@iot.selfLink")->valuestring, self);
    /* Navigation links resolve, and lead back. */
    const char *dsl = cJSON_GetObjectItem(t, "Datastreams@iot.navigationLink")->valuestring;
    struct harness_resp r = harness_http(dsl, NULL);
    cr_assert_eq(r.status, 200);
    char err[300];
    struct sensor_batch *b = sensorthings_parse_sensors(r.body, r.len, NULL, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_geq(b->n, 1);
    char path[256];
    snprintf(path, sizeof path, ROOT "/Datastreams(%s)/Thing", b->items[0].s.remote_id);
    cJSON *back = get_json(0, path, 200);
    cr_assert_eq(cJSON_GetObjectItem(back, "@iot.id")->valueint, 1);
    snprintf(path, sizeof path, ROOT "/Things(1)/Datastreams(%s)", b->items[0].s.remote_id);
    cJSON *ds = get_json(0, path, 200);
    cr_assert_str_eq(cJSON_GetObjectItem(ds, "name")->valuestring, b->items[0].s.name);
    sensor_batch_free(b);
    free(r.body);
    /* The Location is a GeoJSON Point the adapter reads. */
    r = harness_sim_get(0, ROOT "/Things(1)/Locations(1)");
    cr_assert_eq(r.status, 200);
    double lat, lon;
    cr_assert(sensorthings_parse_point(r.body, r.len, &lat, &lon, err, sizeof err), "%s", err);
    cr_assert(lat > 14 && lat < 16 && lon > 107 && lon < 110, "in Quảng Ngãi: %g %g", lat, lon);
    free(r.body);
    /* Sensor, ObservedProperty, an Observation and its Datastream; property and $value. */
    cJSON *s = get_json(0, ROOT "/Datastreams(1)/Sensor", 200);
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(s, "encodingType")));
    cJSON *op = get_json(0, ROOT "/Datastreams(1)/ObservedProperty", 200);
    cr_assert_str_eq(cJSON_GetObjectItem(op, "name")->valuestring, "PM2.5");
    cJSON *sensors = get_json(0, ROOT "/Sensors?$count=true", 200);
    cr_assert_eq(cJSON_GetObjectItem(sensors, "@iot.count")->valueint, 5);
    cJSON *props = get_json(0, ROOT "/ObservedProperties(3)/Datastreams?$top=1", 200);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(props, "value")), 1);
    cJSON *latest = get_json(0, ROOT "/Datastreams(1)/Observations?$top=1", 200);
    cJSON *o = cJSON_GetArrayItem(cJSON_GetObjectItem(latest, "value"), 0);
    r = harness_http(cJSON_GetObjectItem(o, "@iot.selfLink")->valuestring, NULL);
    cr_assert_eq(r.status, 200);
    b = sensorthings_parse_observations(r.body, r.len, "1", false, NULL, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_eq(b->items[0].n_obs, 1);
    sensor_batch_free(b);
    free(r.body);
    r = harness_http(cJSON_GetObjectItem(o, "Datastream@iot.navigationLink")->valuestring, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "\"@iot.id\":1,"));
    free(r.body);
    r = harness_sim_get(0, ROOT "/Things(1)/name/$value");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body, cJSON_GetObjectItem(t, "name")->valuestring);
    free(r.body);
    cJSON *name = get_json(0, ROOT "/Things(1)/name", 200);
    cr_assert_str_eq(cJSON_GetObjectItem(name, "name")->valuestring,
                     cJSON_GetObjectItem(t, "name")->valuestring);
    cJSON_Delete(name);
    cJSON_Delete(latest);
    cJSON_Delete(props);
    cJSON_Delete(sensors);
    cJSON_Delete(op);
    cJSON_Delete(s);
    cJSON_Delete(ds);
    cJSON_Delete(back);
    cJSON_Delete(t);
    free(self);
    free(root);
}

Test(sim_sta, select_and_nested_expand_options)
{
    cJSON *j = get_json(0,
                        ROOT "/Things?$top=3&$select=id,name&$expand=Datastreams($select=id;"
                             "$top=1;$count=true;$orderby=id%20desc)",
                        200);
    cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(j, "value"))
    {
        cr_assert_not_null(cJSON_GetObjectItem(t, "@iot.id"));
        cr_assert_not_null(cJSON_GetObjectItem(t, "name"));
        cr_assert_null(cJSON_GetObjectItem(t, "description"), "not selected");
        cr_assert_null(cJSON_GetObjectItem(t, "properties"));
        cJSON *ds = cJSON_GetObjectItem(t, "Datastreams");
        cr_assert_eq(cJSON_GetArraySize(ds), 1);
        int count = cJSON_GetObjectItem(t, "Datastreams@iot.count")->valueint;
        cr_assert_geq(count, 1);
        cJSON *d0 = cJSON_GetArrayItem(ds, 0);
        cr_assert_null(cJSON_GetObjectItem(d0, "name"));
        if (count > 1) {
            /* The last Datastream first, and a link to the rest. */
            cr_assert_not_null(cJSON_GetObjectItem(t, "Datastreams@iot.nextLink"));
            struct harness_resp r =
                harness_http(cJSON_GetObjectItem(t, "Datastreams@iot.nextLink")->valuestring, NULL);
            cJSON *rest = cJSON_Parse(r.body);
            cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(rest, "value")), 1);
            cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(rest, "value"), 0);
            cr_assert_lt(cJSON_GetObjectItem(r0, "@iot.id")->valuedouble,
                         cJSON_GetObjectItem(d0, "@iot.id")->valuedouble);
            cJSON_Delete(rest);
            free(r.body);
        }
    }
    cJSON_Delete(j);
    /* Path form: Datastreams/Observations. */
    j = get_json(0, ROOT "/Things(1)?$expand=Datastreams/Observations($top=2)", 200);
    cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItem(j, "Datastreams"))
        cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "Observations")), 2);
    cJSON_Delete(j);
}

Test(sim_sta, data_array_result_format)
{
    char err[300];
    struct harness_resp r = harness_sim_get(
        0, ROOT "/Datastreams(1)/Observations?$top=12&$resultFormat=dataArray&$count=true");
    cr_assert_eq(r.status, 200);
    struct sensor_batch *b =
        sensorthings_parse_observations(r.body, r.len, NULL, false, NULL, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_eq(b->n, 1);
    cr_assert_str_eq(b->items[0].s.remote_id, "1");
    cr_assert_eq(b->items[0].n_obs, 12);
    sensor_batch_free(b);
    free(r.body);
}

/* Prometheus text format 0.0.4: "# HELP", "# TYPE", samples "name{labels} value". */
struct sample {
    char name[96];
    char sensor_id[24];
    char kind[32];
    char unit_code[16];
    double value;
};

static const char *label_value(const char *labels, const char *key, char *out, size_t n)
{
    char pat[48];
    snprintf(pat, sizeof pat, "%s=\"", key);
    const char *p = labels;
    while ((p = strstr(p, pat))) {
        if (p == labels || p[-1] == ',' || p[-1] == '{')
            break;
        p++;
    }
    if (!p)
        return NULL;
    p += strlen(pat);
    size_t k = 0;
    for (; *p && *p != '"' && k + 1 < n; p++) {
        if (*p == '\\' && p[1])
            p++;
        out[k++] = *p;
    }
    out[k] = '\0';
    return out;
}

static size_t metrics_parse(const char *body, struct sample **out)
{
    size_t n = 0, cap = 0;
    struct sample *s = NULL;
    char typed[64][96];
    size_t ntyped = 0;
    const char *line = body;
    while (*line) {
        const char *end = strchr(line, '\n');
        cr_assert_not_null(end, "every line ends in \\n");
        size_t len = (size_t)(end - line);
        char *l = strndup(line, len);
        if (!strncmp(l, "# HELP ", 7)) {
            /* fine */
        } else if (!strncmp(l, "# TYPE ", 7)) {
            char name[96], type[32];
            cr_assert_eq(sscanf(l, "# TYPE %95s %31s", name, type), 2, "%s", l);
            cr_assert_str_eq(type, "gauge");
            cr_assert_lt(ntyped, 64);
            snprintf(typed[ntyped++], 96, "%s", name);
        } else {
            cr_assert_neq(l[0], '#', "unknown comment: %s", l);
            size_t nl =
                strspn(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");
            cr_assert_gt(nl, 0, "metric name: %s", l);
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                s = realloc(s, cap * sizeof *s);
            }
            struct sample *x = &s[n++];
            memset(x, 0, sizeof *x);
            snprintf(x->name, sizeof x->name, "%.*s", (int)nl, l);
            bool known = false;
            for (size_t i = 0; i < ntyped; i++)
                known |= !strcmp(typed[i], x->name);
            cr_assert(known, "%s has a # TYPE line before it", x->name);
            const char *rest = l + nl;
            if (*rest == '{') {
                const char *close = strstr(rest, "} ");
                cr_assert_not_null(close, "labels close: %s", l);
                char *labels = strndup(rest, (size_t)(close - rest) + 1);
                label_value(labels, "sensor_id", x->sensor_id, sizeof x->sensor_id);
                label_value(labels, "kind", x->kind, sizeof x->kind);
                label_value(labels, "unit_code", x->unit_code, sizeof x->unit_code);
                free(labels);
                rest = close + 1;
            }
            cr_assert_eq(*rest, ' ', "a space before the value: %s", l);
            char *vend;
            x->value = strtod(rest + 1, &vend);
            cr_assert(vend != rest + 1 && *vend == '\0', "value then end of line: %s", l);
        }
        free(l);
        line = end + 1;
    }
    *out = s;
    return n;
}

Test(sim_sta, metrics_text_format_equals_latest_observations)
{
    struct harness_resp r = harness_sim_get(0, "/metrics");
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.ctype, "text/plain") && strstr(r.ctype, "version=0.0.4"), "%s", r.ctype);
    struct sample *s;
    size_t n = metrics_parse(r.body, &s);
    struct fleet f;
    fleet_fetch(0, 0, &f);
    size_t matched = 0;
    for (size_t i = 0; i < n; i++) {
        if (!*s[i].sensor_id)
            continue;
        const struct sensor_update *u = fleet_find(&f, s[i].sensor_id);
        cr_assert_not_null(u, "sensor %s of /metrics is a Datastream", s[i].sensor_id);
        cr_assert_str_eq(s[i].kind, sensor_kind_code(u->s.kind));
        cr_assert_str_eq(s[i].unit_code, u->s.unit_code);
        cr_assert_eq(s[i].value, u->obs[0].v, "%s %s: /metrics %g, STA %g", s[i].name,
                     s[i].sensor_id, s[i].value, u->obs[0].v);
        matched++;
    }
    cr_assert_eq(matched, f.datastreams, "one sample per Datastream");
    bool info = false;
    for (size_t i = 0; i < n; i++)
        info |= !strcmp(s[i].name, "citydeck_sim_info");
    cr_assert(info);
    fleet_free(&f);
    free(s);
    free(r.body);
}

/* Bodies with the port (which differs between runs) taken out of the links. */
static char *body_without_port(int slot, const char *path)
{
    struct harness_resp r = harness_sim_get(slot, path);
    cr_assert_eq(r.status, 200, "%s", path);
    char port[16];
    snprintf(port, sizeof port, ":%d/", harness_sims[slot].port);
    size_t pl = strlen(port);
    char *out = malloc(r.len + 1), *o = out;
    for (const char *p = r.body; *p;) {
        if (!strncmp(p, port, pl)) {
            memcpy(o, ":PORT/", 6);
            o += 6;
            p += pl;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    free(r.body);
    return out;
}

Test(sim_sta, same_seed_same_bytes_other_seed_differs)
{
    int same = harness_sims_start("7", START, NULL);
    int other = harness_sims_start("8", START, NULL);
    static const char *const paths[] = {
        ROOT "/Things?$expand=Locations,Datastreams($expand=Observations($top=1;$orderby="
             "phenomenonTime%20desc))",
        ROOT "/Observations?$top=500&$skip=1000&$count=true",
        ROOT "/Datastreams(5)/Observations?$orderby=phenomenonTime%20desc&$top=1000",
        "/metrics",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char *a = body_without_port(0, paths[i]);
        char *b = body_without_port(same, paths[i]);
        char *c = body_without_port(other, paths[i]);
        cr_assert_str_eq(a, b, "%s: same seed, same bytes", paths[i]);
        cr_assert_str_neq(a, c, "%s: another seed, other readings", paths[i]);
        free(a);
        free(b);
        free(c);
    }
    /* The layout is geography: the same Things whatever the seed. */
    char *a = body_without_port(0, ROOT "/Things?$top=1000&$select=id,name,properties");
    char *c = body_without_port(other, ROOT "/Things?$top=1000&$select=id,name,properties");
    cr_assert_str_eq(a, c);
    free(a);
    free(c);
}

/* Readings of one Datastream between two instants (inclusive), oldest first. */
static size_t readings(int slot, int ds, const char *from, const char *to, struct sensor_obs **out)
{
    char path[512], id[16];
    snprintf(path, sizeof path,
             ROOT "/Datastreams(%d)/Observations?$top=1000&$orderby=phenomenonTime%%20asc&"
                  "$filter=phenomenonTime%%20ge%%20%s%%20and%%20phenomenonTime%%20le%%20%s",
             ds, from, to);
    snprintf(id, sizeof id, "%d", ds);
    return observations_fetch(slot, path, id, out, NULL);
}

Test(sim_sta, forced_aqi_episode_crosses_into_a_worse_band_and_ends)
{
    char unit[16];
    int pm25 = first_of_kind(0, "air_quality", unit, sizeof unit);
    char spec[96];
    snprintf(spec, sizeof spec, "aqi@2026-03-02T10:00:00+07:00:%s", unit);
    const char *extra[] = {"--episode-rate", "0", "--episode", spec, NULL};
    int s = harness_sims_start("7", "2026-03-05T08:00:00+07:00", extra);
    struct sensor_obs *obs;
    size_t n = readings(s, pm25 + 2, "2026-03-02T01:00:00Z", "2026-03-03T09:00:00Z", &obs);
    cr_assert_eq(n, 32 * 12 + 1);
    int64_t start = clock_parse_iso("2026-03-02T10:00:00+07:00", 0, NULL) * 1000;
    enum aqi_band before = AQI_BAND_NONE, peak = AQI_BAND_NONE, after = AQI_BAND_NONE;
    int64_t peak_at = 0;
    for (size_t i = 0; i < n; i++) {
        enum aqi_band band = aqi_band((int)obs[i].v);
        if (obs[i].t_ms < start) {
            if (band > before)
                before = band;
        } else if (obs[i].t_ms < start + 18 * 3600 * 1000LL) {
            if (band > peak) {
                peak = band;
                peak_at = obs[i].t_ms;
            }
        } else if (band > after) {
            after = band;
        }
    }
    cr_assert_geq(peak, AQI_BAND_BAD, "the spike reaches Xấu (151-200) or worse: %d", peak);
    cr_assert_gt(peak, before, "worse than the morning before it");
    cr_assert_gt(peak_at, start, "after the episode starts");
    cr_assert_lt(after, peak, "and it is over within 18 hours");
    cr_assert_leq(after, AQI_BAND_POOR);
    free(obs);
    /* The episode is the unit's own: a station elsewhere stays calm. */
    struct fleet f;
    fleet_fetch(0, 0, &f);
    const struct sensor_update *u;
    int other = 0;
    FLEET_EACH(&f, u)
    {
        if (u->s.pollutant == AQI_POL_INDEX && strcmp(u->s.unit_code, unit) != 0) {
            other = atoi(u->s.id);
            break;
        }
    }
    fleet_free(&f);
    cr_assert_gt(other, 0);
    n = readings(s, other, "2026-03-02T01:00:00Z", "2026-03-03T09:00:00Z", &obs);
    for (size_t i = 0; i < n; i++)
        cr_assert_leq(aqi_band((int)obs[i].v), AQI_BAND_POOR);
    free(obs);
}

Test(sim_sta, forced_flood_crosses_level_one_then_two_and_recedes)
{
    char unit[16];
    int gauge = first_of_kind(0, "water_level", unit, sizeof unit);
    char spec[96];
    snprintf(spec, sizeof spec, "flood@2026-03-01T00:00:00+07:00:%s", unit);
    const char *extra[] = {"--episode-rate", "0", "--episode", spec, NULL};
    int s = harness_sims_start("7", "2026-03-06T08:00:00+07:00", extra);
    /* The alarm levels as the console reads them. */
    char path[128];
    snprintf(path, sizeof path, ROOT "/Datastreams(%d)", gauge);
    struct harness_resp r = harness_sim_get(s, path);
    char err[300];
    struct sensor_batch *b = sensorthings_parse_sensors(r.body, r.len, NULL, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    double alarm[3];
    memcpy(alarm, b->items[0].s.alarm, sizeof alarm);
    sensor_batch_free(b);
    free(r.body);

    struct sensor_obs *obs;
    size_t n = readings(s, gauge, "2026-02-28T12:00:00Z", "2026-03-06T01:00:00Z", &obs);
    cr_assert_gt(n, 1000);
    int64_t start = clock_parse_iso("2026-03-01T00:00:00+07:00", 0, NULL) * 1000;
    int64_t first_i = 0, first_ii = 0, back_below = 0;
    enum flood_level top = FLOOD_BELOW;
    for (size_t i = 0; i < n; i++) {
        enum flood_level l = flood_level_of(obs[i].v, alarm);
        if (obs[i].t_ms < start)
            cr_assert_eq(l, FLOOD_BELOW, "before the episode");
        if (l >= FLOOD_I && !first_i)
            first_i = obs[i].t_ms;
        if (l >= FLOOD_II && !first_ii)
            first_ii = obs[i].t_ms;
        if (l > top)
            top = l;
        if (first_ii && l == FLOOD_BELOW && !back_below)
            back_below = obs[i].t_ms;
    }
    cr_assert_geq(top, FLOOD_II, "the crest passes level II");
    cr_assert(first_i && first_ii);
    cr_assert_lt(first_i, first_ii, "level I first, then II");
    cr_assert_gt(back_below, first_ii, "the river falls back below level I");
    cr_assert_lt(back_below, start + 4 * 86400 * 1000LL, "within four days");
    cr_assert_eq(flood_level_of(obs[n - 1].v, alarm), FLOOD_BELOW);
    free(obs);
    /* /metrics at the start of a flood run shows the episode. */
    snprintf(spec, sizeof spec, "flood@2026-03-02T00:00:00+07:00:%s", unit);
    const char *extra2[] = {"--episode-rate", "0", "--episode", spec, NULL};
    int s2 = harness_sims_start("7", "2026-03-02T20:00:00+07:00", extra2);
    r = harness_sim_get(s2, "/metrics");
    cr_assert(strstr(r.body, "citydeck_sim_episodes_active{kind=\"flood\"} 1\n"), "%s",
              strstr(r.body, "citydeck_sim_episodes_active"));
    free(r.body);
}

Test(sim_sta, bad_episode_options_exit_2)
{
    const char *bad_kind[] = {"--episode", "smog@2026-03-02T10:00:00+07:00", NULL};
    cr_assert_eq(sim_run_failing(bad_kind), 2);
    const char *no_zone[] = {"--episode", "aqi@2026-03-02T10:00:00", NULL};
    cr_assert_eq(sim_run_failing(no_zone), 2);
    const char *no_unit[] = {"--episode", "aqi@2026-03-02T10:00:00+07:00:99999", NULL};
    cr_assert_eq(sim_run_failing(no_unit), 2);
    const char *rate[] = {"--episode-rate", "-1", NULL};
    cr_assert_eq(sim_run_failing(rate), 2);
    /* Without a unit one is chosen: the simulator starts. */
    const char *any[] = {"--episode", "flood@2026-03-02T10:00:00+07:00", NULL};
    int s = harness_sims_start("7", START, any);
    cr_assert_gt(harness_sims[s].port, 0);
}
