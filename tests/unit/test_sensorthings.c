/* SensorThings adapter: every file of tests/fixtures/sensorthings (see SOURCES.md there) and
 * crafted bodies for the deviations of reference/standards.md §2.6. */
#include "citydeck/clock.h"
#include "citydeck/sensors.h"
#include "citydeck/sensorthings.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char err[256];

static struct sensor_batch *sensors_fixture(const char *name,
                                            const struct sensorthings_options *opt)
{
    size_t len;
    char *body = harness_fixture_read("sensorthings", name, &len);
    struct sensor_batch *b = sensorthings_parse_sensors(body, len, opt, err, sizeof err);
    free(body);
    return b;
}

static struct sensor_batch *obs_fixture(const char *name, const char *ds, bool is_string,
                                        const struct sensorthings_options *opt)
{
    size_t len;
    char *body = harness_fixture_read("sensorthings", name, &len);
    struct sensor_batch *b =
        sensorthings_parse_observations(body, len, ds, is_string, opt, err, sizeof err);
    free(body);
    return b;
}

static struct sensor_batch *sensors_str(const char *body, const struct sensorthings_options *opt)
{
    return sensorthings_parse_sensors(body, strlen(body), opt, err, sizeof err);
}

static struct sensor_batch *obs_str(const char *body, const char *ds,
                                    const struct sensorthings_options *opt)
{
    return sensorthings_parse_observations(body, strlen(body), ds, false, opt, err, sizeof err);
}

static const struct sensor_update *by_id(const struct sensor_batch *b, const char *id)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].s.id && strcmp(b->items[i].s.id, id) == 0)
            return &b->items[i];
    return NULL;
}

static int64_t iso_ms(const char *s)
{
    bool z;
    int64_t t = clock_parse_iso(s, 0, &z);
    cr_assert_neq(t, TIME_NONE, "test date %s does not parse", s);
    return t * 1000;
}

/* ---- real responses ---------------------------------------------------------------------- */

Test(sensorthings, frost_things_expand_nextlink)
{
    struct sensor_batch *b = sensors_fixture("frost-things-expand-datastreams-nextlink.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->things, 2);
    cr_assert_eq(b->n, 2, "Thing 19 lists 2 Datastreams, Thing 20 none");
    cr_assert_eq(b->total_count, -1, "no $count=true");
    cr_assert_str_eq(b->next_link,
                     "https://server.de/SensorThingsService/v1.0/Things?$top=2&$skip=14&$expand="
                     "Datastreams%28%24top%3D2%3B%24count%3Dtrue%29");
    cr_assert_eq(b->things_truncated, 2, "both have 6 Datastreams and a nested nextLink");
    cr_assert_eq(b->n_more_links, 2);
    cr_assert_str_eq(b->more_links[0], "https://server.de/SensorThingsService/v1.0/Things(19)/"
                                       "Datastreams?$top=2&$skip=2&$count=true");

    const struct sensor_update *t66 = by_id(b, "66"), *t130 = by_id(b, "130");
    cr_assert(t66 && t130);
    cr_assert(t66->meta && !t66->s.remote_id_is_string);
    cr_assert_str_eq(t66->s.unit, "°C");
    cr_assert_str_eq(t66->s.name, "Air Temperature Recoaro 1000");
    cr_assert_str_eq(t66->s.station, "Recoaro 1000");
    cr_assert_eq(t66->s.kind, SK_OTHER);
    cr_assert_str_eq(t130->s.unit, "mm/h");
    cr_assert_str_eq(t130->s.station, "Recoaro 1000");
    /* Datastream 66's one Observation is {"result": 0.0}: no time, so it cannot be placed. */
    cr_assert_eq(t66->n_obs, 0);
    cr_assert_eq(b->obs_no_time, 1);
    cr_assert_eq(b->obs_total, 0);
    cr_assert_eq(b->unattributed, 2);

    char *url = sensorthings_entity_url("https://server.de/SensorThingsService/v1.0", "Datastreams",
                                        t66->s.remote_id, false);
    cr_assert_str_eq(url, "https://server.de/SensorThingsService/v1.0/Datastreams(66)",
                     "the selfLink FROST sent");
    free(url);
    sensor_batch_free(b);
}

Test(sensorthings, frost_observation_single)
{
    struct sensor_batch *b = obs_fixture("frost-observation-single.json", "7", false, NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    cr_assert_str_eq(b->items[0].s.id, "7");
    cr_assert_not(b->items[0].meta, "readings only: the table keeps the metadata");
    cr_assert_eq(b->items[0].n_obs, 1);
    cr_assert_float_eq(b->items[0].obs[0].v, 0.15, 1e-12);
    cr_assert_eq(b->items[0].obs[0].t_ms, iso_ms("2016-01-07T02:00:00Z"));
    sensor_batch_free(b);

    b = obs_fixture("frost-observation-single.json", NULL, false, NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "observations: no Datastream id (pass one, or $expand=Datastream)");
}

Test(sensorthings, psnc_object_results_zoneless_times)
{
    const char *ds = "2e92962c0b6996add9517e4242ea9bdcd2511e0ff7ac61981c6051a52b51f05c";
    struct sensorthings_options opt = {.default_offset_s = CLOCK_VN_OFFSET};
    struct sensor_batch *b =
        obs_fixture("psnc-observations-count-object-result.json", ds, true, &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->total_count, 3);
    cr_assert_null(b->next_link);
    cr_assert_eq(b->n, 1);
    const struct sensor_update *u = &b->items[0];
    cr_assert(u->s.remote_id_is_string);
    cr_assert_eq(u->n_obs, 3);
    /* Objects: the first numeric member is "stingByJellyFish" ("1", "0", "0"); the strings
     * before it (a URL, a label, a hex identifier, "6-50") are not numbers. */
    cr_assert_float_eq(u->obs[0].v, 1, 0);
    cr_assert_float_eq(u->obs[1].v, 0, 0);
    cr_assert_float_eq(u->obs[2].v, 0, 0);
    /* "2024-03-30T11:35:00" has no zone: read at the configured UTC+7. */
    cr_assert_eq(u->obs[0].t_ms, iso_ms("2024-03-30T11:35:00+07:00"));
    cr_assert_eq(u->obs[1].t_ms, iso_ms("2024-03-30T04:17:00Z"));
    cr_assert_eq(b->obs_no_value, 0);
    sensor_batch_free(b);

    /* A configured key: "scientificName" is text ("Rhopilema nomadica"), so no value. */
    opt.result_key = "scientificName";
    b = obs_fixture("psnc-observations-count-object-result.json", ds, true, &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->obs_total, 3);
    cr_assert_eq(b->obs_no_value, 3);
    cr_assert(isnan(b->items[0].obs[0].v));

    /* Into the table: 11:17 twice is a duplicate, so two points remain, newest 11:35. */
    opt.result_key = "stingByJellyFish";
    sensor_batch_free(b);
    b = obs_fixture("psnc-observations-count-object-result.json", ds, true, &opt);
    struct sensor_table *t = sensor_table_new(0);
    cr_assert_eq(sensor_table_merge(t, b), 1);
    const struct sensor *s = sensor_table_find(t, ds);
    cr_assert(s);
    cr_assert_eq(series_len(s->series), 2);
    cr_assert_float_eq(s->value, 1, 0);
    cr_assert_eq(s->time_ms, iso_ms("2024-03-30T04:35:00Z"));
    sensor_table_free(t);
    sensor_batch_free(b);
}

Test(sensorthings, spec_dataarray)
{
    struct sensor_batch *b =
        obs_fixture("spec-v1.0-observations-dataarray.json", NULL, false, NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    const struct sensor_update *u = &b->items[0];
    cr_assert_str_eq(u->s.id, "1", "from Datastream@iot.navigationLink \"Datastreams(1)\"");
    cr_assert_not(u->s.remote_id_is_string);
    cr_assert_eq(u->n_obs, 3);
    double sum = 0;
    for (size_t i = 0; i < u->n_obs; i++)
        sum += u->obs[i].v;
    cr_assert_float_eq(sum, 50, 0);
    cr_assert_eq(u->obs[0].t_ms, iso_ms("2005-08-05T12:21:13Z"));
    cr_assert_eq(u->obs[1].t_ms, iso_ms("2005-08-05T12:22:08Z"));
    cr_assert_eq(u->obs[2].t_ms, iso_ms("2005-08-05T12:22:54Z"));
    sensor_batch_free(b);
}

Test(sensorthings, spec_multidatastream_array_result)
{
    struct sensor_batch *b =
        obs_fixture("spec-v1.0-multidatastream-observation-array-result.json", "1", false, NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->items[0].n_obs, 1);
    cr_assert_float_eq(b->items[0].obs[0].v, 25, 0, "[25, 65, \"clear\"]: the first numeric");
    /* "2014-12-31T11:59:59.00+08:00": a 2-digit fraction and an offset. */
    cr_assert_eq(b->items[0].obs[0].t_ms, iso_ms("2014-12-31T03:59:59Z"));
    sensor_batch_free(b);
}

Test(sensorthings, spec_observation)
{
    struct sensor_batch *b = obs_fixture("spec-v1.0-observation.json", "1", false, NULL);
    cr_assert(b, "%s", err);
    cr_assert_float_eq(b->items[0].obs[0].v, 70.4, 1e-12);
    cr_assert_eq(b->items[0].obs[0].t_ms, iso_ms("2014-12-31T03:59:59Z"));
    sensor_batch_free(b);
}

Test(sensorthings, spec_datastream_unit_and_interval)
{
    struct sensor_batch *b = sensors_fixture("spec-v1.0-datastream-unitofmeasurement.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    cr_assert_eq(b->things, 0);
    cr_assert_str_eq(b->items[0].s.id, "1");
    cr_assert_str_eq(b->items[0].s.unit, "°C");
    cr_assert_str_eq(b->items[0].s.name, "oven temperature");
    cr_assert_null(b->items[0].s.station);
    sensor_batch_free(b);

    int64_t a, z;
    cr_assert(sensorthings_parse_time("2014-03-01T13:00:00Z/2015-05-11T15:30:00Z", 0, &a, &z));
    cr_assert_eq(a, iso_ms("2014-03-01T13:00:00Z"));
    cr_assert_eq(z, iso_ms("2015-05-11T15:30:00Z"));
}

Test(sensorthings, spec_things_values_typo)
{
    struct sensor_batch *b =
        sensors_fixture("spec-v1.0-things-expand-datastreams-values-typo.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->things, 1);
    cr_assert_eq(b->n, 1);
    cr_assert_str_eq(b->items[0].s.id, "1");
    cr_assert_str_eq(b->items[0].s.station, "Oven");
    cr_assert_str_eq(b->items[0].s.unit, "°C");
    cr_assert_eq(b->things_truncated, 0, "Datastreams@iot.count 1 and 1 listed");
    sensor_batch_free(b);
}

Test(sensorthings, psnc_datastream_string_id)
{
    struct sensor_batch *b = sensors_fixture("psnc-datastream-string-id.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    const struct sensor *s = &b->items[0].s;
    cr_assert_str_eq(s->id, "2e92962c0b6996add9517e4242ea9bdcd2511e0ff7ac61981c6051a52b51f05c");
    cr_assert_eq(strlen(s->id), 64);
    cr_assert(s->remote_id_is_string);
    cr_assert_null(s->unit, "unitOfMeasurement without symbol");
    char *url = sensorthings_entity_url(
        "https://sensor-things-api-sensor-things-api.apps.dcw1.paas.psnc.pl/jf2024/api/v1.0",
        "Datastreams", s->remote_id, s->remote_id_is_string);
    cr_assert_str_eq(url, "https://sensor-things-api-sensor-things-api.apps.dcw1.paas.psnc.pl/"
                          "jf2024/api/v1.0/Datastreams('2e92962c0b6996add9517e4242ea9bdcd2511e0f"
                          "f7ac61981c6051a52b51f05c')");
    free(url);
    sensor_batch_free(b);
}

Test(sensorthings, spec_thing_without_datastreams)
{
    struct sensor_batch *b = sensors_fixture("spec-v1.0-thing.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->things, 1);
    cr_assert_eq(b->n, 0);
    sensor_batch_free(b);
}

Test(sensorthings, spec_landing_page)
{
    size_t len;
    char *body = harness_fixture_read("sensorthings", "spec-v1.0-landing-page.json", &len);
    struct sensorthings_root *r = sensorthings_parse_root(body, len, err, sizeof err);
    free(body);
    cr_assert(r, "%s", err);
    cr_assert_eq(r->n, 7);
    cr_assert_eq(r->version, 10);
    cr_assert_eq(r->n_conformance, 0);
    cr_assert_not(r->has_multidatastream);
    cr_assert_str_eq(r->names[0], "Things");
    cr_assert_str_eq(sensorthings_root_url(r, "Things"), "http://example.org/v1.0/Things");
    cr_assert_str_eq(sensorthings_root_url(r, "FeaturesOfInterest"),
                     "http://example.org/v1.0/FeaturesOfInterest");
    cr_assert_null(sensorthings_root_url(r, "MultiDatastreams"));
    sensorthings_root_free(r);

    /* The landing page is not a collection of Things. */
    struct sensor_batch *b = sensors_fixture("spec-v1.0-landing-page.json", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "sensors: item 1 is a service root entry, not a Thing or Datastream");
}

Test(sensorthings, points_of_location_and_features)
{
    const char *files[] = {"spec-v1.0-location-geojson-feature.json",
                           "spec-v1.0-featureofinterest.json",
                           "bblocks-v1.1-featureofinterest-geojson-feature.json"};
    const char *types[] = {"Location", "FeatureOfInterest", "FeatureOfInterest"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        size_t len;
        char *body = harness_fixture_read("sensorthings", files[i], &len);
        double lat = 0, lon = 0;
        cr_assert(sensorthings_parse_point(body, len, &lat, &lon, err, sizeof err), "%s: %s",
                  files[i], err);
        cr_assert_float_eq(lat, 51.05, 1e-12);
        cr_assert_float_eq(lon, -114.06, 1e-12);
        struct sensor_batch *b = sensorthings_parse_sensors(body, len, NULL, err, sizeof err);
        free(body);
        cr_assert_null(b);
        char want[128];
        snprintf(want, sizeof want, "sensors: body is a %s, not a Things or Datastreams collection",
                 types[i]);
        cr_assert_str_eq(err, want);
    }
}

Test(sensorthings, other_entity_types_are_clear_errors)
{
    struct sensor_batch *b = sensors_fixture("spec-v1.0-historicallocations-collection.json", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "sensors: item 1 is a HistoricalLocation, not a Thing or Datastream");
    b = obs_fixture("spec-v1.0-historicallocations-collection.json", "1", false, NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "observations: item 1 is a HistoricalLocation, not an Observation");
    b = sensors_fixture("spec-v1.0-multidatastream.json", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err,
                     "sensors: body is a MultiDatastream, not a Things or Datastreams collection");
    b = obs_fixture("spec-v1.0-datastream-unitofmeasurement.json", "1", false, NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "observations: body is a Datastream, not Observations");
    size_t len;
    char *body = harness_fixture_read("sensorthings", "spec-v1.0-thing.json", &len);
    double lat, lon;
    cr_assert_not(sensorthings_parse_point(body, len, &lat, &lon, err, sizeof err));
    cr_assert_str_eq(err, "point: no GeoJSON Point (got an object without a type)");
    free(body);
}

/* Every prefix of every fixture: a truncated body must give an error, never a crash or a
 * leak (run under valgrind: Criterion does not fail on leaks). */
Test(sensorthings, truncated_fixtures)
{
    const char *files[] = {"frost-things-expand-datastreams-nextlink.json",
                           "psnc-observations-count-object-result.json",
                           "spec-v1.0-observations-dataarray.json", "spec-v1.0-landing-page.json",
                           "spec-v1.0-location-geojson-feature.json"};
    for (size_t f = 0; f < ARRAY_LEN(files); f++) {
        size_t len;
        char *body = harness_fixture_read("sensorthings", files[f], &len);
        size_t step = len > 1500 ? 7 : 1;
        for (size_t k = 0; k < len; k += step) {
            char *cut = xstrndup(body, k);
            struct sensor_batch *b = sensorthings_parse_sensors(cut, k, NULL, err, sizeof err);
            cr_assert(b == NULL || k > len - 3, "%s cut at %zu parsed", files[f], k);
            sensor_batch_free(b);
            b = sensorthings_parse_observations(cut, k, "1", false, NULL, err, sizeof err);
            sensor_batch_free(b);
            struct sensorthings_root *r = sensorthings_parse_root(cut, k, err, sizeof err);
            sensorthings_root_free(r);
            double lat, lon;
            sensorthings_parse_point(cut, k, &lat, &lon, err, sizeof err);
            free(cut);
        }
        free(body);
    }
}

/* ---- crafted: a city hub ----------------------------------------------------------------- */

static const char *hub_things =
    "{\"@iot.count\": 3, \"@iot.nextLink\": \"/FROST-Server/v1.1/Things?$top=2&$skip=2\","
    " \"value\": ["
    "{\"@iot.id\": \"tram-nguyen-van-cu\", \"name\": \"Trạm Nguyễn Văn Cừ\","
    " \"properties\": {\"unit_code\": \"00118\"},"
    " \"Locations\": [{\"@iot.id\": 1, \"location\": {\"type\": \"Point\","
    "   \"coordinates\": [105.8762, 21.0490]}}],"
    " \"Datastreams\": ["
    "  {\"@iot.id\": 101, \"name\": \"PM2.5 Nguyễn Văn Cừ\","
    "   \"unitOfMeasurement\": {\"symbol\": \"\\u00b5g/m\\u00b3\"},"
    "   \"ObservedProperty\": {\"name\": \"PM2.5\"},"
    "   \"Observations\": [{\"phenomenonTime\": \"2025-11-11T08:00:00+07:00\", \"result\": 37.5},"
    "                     {\"phenomenonTime\": \"2025-11-11T07:00:00+07:00\", \"result\": 25}]},"
    "  {\"@iot.id\": 102, \"name\": \"PM10 Nguyễn Văn Cừ\","
    "   \"unitOfMeasurement\": {\"symbol\": \"µg/m³\"},"
    "   \"ObservedProperty\": {\"name\": \"PM10\"},"
    "   \"Observations\": [{\"phenomenonTime\": \"2025-11-11T07:00:00Z/2025-11-11T08:00:00Z\","
    "                       \"result\": \"95\"}]}"
    " ]},"
    "{\"@iot.id\": 7, \"name\": \"Sông Hồng – Long Biên\","
    " \"properties\": {\"unit_code\": \"00004\", \"alarm_levels\": [9.5, \"10.5\", 11.5]},"
    " \"Locations\": [{\"location\": {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\","
    "   \"coordinates\": [105.8614, 21.0435]}}}],"
    " \"Datastreams\": ["
    "  {\"@iot.id\": 201, \"name\": \"Mực nước Long Biên\","
    "   \"unitOfMeasurement\": {\"symbol\": \"m\"},"
    "   \"Observations\": [{\"phenomenonTime\": \"2025-11-11T08:00:00\", \"result\": 10.62}]},"
    "  {\"@iot.id\": 202, \"name\": \"Camera cầu Long Biên\","
    "   \"properties\": {\"kind\": \"camera\", \"BD1\": 1},"
    "   \"Observations\": [{\"phenomenonTime\": \"2025-11-11T08:00:00Z\", \"result\": false}]}"
    " ]}"
    "]}";

Test(sensorthings, hub_things_into_the_table)
{
    struct sensorthings_options opt = {
        .default_offset_s = CLOCK_VN_OFFSET,
        .request_url = "https://iot.example.vn/FROST-Server/v1.1/Things?$expand=Datastreams",
        .id_prefix = "sta:",
    };
    struct sensor_batch *b = sensors_str(hub_things, &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->total_count, 3);
    cr_assert_str_eq(b->next_link, "https://iot.example.vn/FROST-Server/v1.1/Things?$top=2&$skip=2",
                     "relative nextLink resolved against the request URL");
    cr_assert_eq(b->n, 4);
    cr_assert_eq(b->unattributed, 0);

    const struct sensor_update *pm25 = by_id(b, "sta:101");
    cr_assert(pm25);
    cr_assert_str_eq(pm25->s.remote_id, "101");
    cr_assert_str_eq(pm25->s.station, "Trạm Nguyễn Văn Cừ");
    cr_assert_str_eq(pm25->s.unit, "µg/m³", "\\u00b5 and \\u00b3 decoded and NFC");
    cr_assert_str_eq(pm25->s.unit_code, "00118");
    cr_assert_eq(pm25->s.kind, SK_AIR_QUALITY);
    cr_assert_eq(pm25->s.pollutant, AQI_POL_PM25);
    cr_assert(pm25->s.has_location);
    cr_assert_float_eq(pm25->s.lat, 21.0490, 1e-9);
    cr_assert_float_eq(pm25->s.lon, 105.8762, 1e-9);
    const struct sensor_update *pm10 = by_id(b, "sta:102");
    cr_assert_eq(pm10->s.pollutant, AQI_POL_PM10);
    cr_assert_eq(pm10->obs[0].t_ms, iso_ms("2025-11-11T08:00:00Z"), "interval: its end");
    const struct sensor_update *wl = by_id(b, "sta:201");
    cr_assert_eq(wl->s.kind, SK_WATER_LEVEL);
    cr_assert_float_eq(wl->s.alarm[1], 10.5, 0, "numeric string level");
    cr_assert_eq(wl->obs[0].t_ms, iso_ms("2025-11-11T01:00:00Z"), "zone-less: UTC+7");
    cr_assert_float_eq(wl->s.lat, 21.0435, 1e-9, "a Location given as a Feature");
    const struct sensor_update *cam = by_id(b, "sta:202");
    cr_assert_eq(cam->s.kind, SK_CAMERA, "kind property");
    cr_assert_float_eq(cam->s.alarm[0], 1, 0, "the stream's own BD1 (any case) wins");
    cr_assert(isnan(cam->s.alarm[1]), "not mixed with the station's");

    struct sensor_table *t = sensor_table_new(0);
    cr_assert_eq(sensor_table_merge(t, b), 4);
    sensor_batch_free(b);
    const struct sensor *s = sensor_table_find(t, "sta:101");
    cr_assert_eq(series_len(s->series), 2, "newest-first page stored oldest first");
    cr_assert_eq(s->aqi, 75);
    cr_assert_eq(sensor_table_find(t, "sta:102")->aqi, 73); /* 50 + 50/100 * 45 = 72.5 */
    const struct sensor_stats *u = sensor_table_unit(t, "00118");
    cr_assert_eq(u->worst_aqi, 75);
    cr_assert_str_eq(aqi_band_label(u->worst_band), "Trung bình");
    cr_assert_str_eq(sensor_table_at(t, u->worst_aqi_sensor)->station, "Trạm Nguyễn Văn Cừ");
    const struct sensor_stats *lb = sensor_table_unit(t, "00004");
    cr_assert_eq(lb->gauges_over[0], 1);
    cr_assert_eq(lb->gauges_over[1], 1, "10.62 m is over BĐ II (10.5)");
    cr_assert_eq(lb->gauges_over[2], 0);
    cr_assert_eq(lb->cameras_offline, 1, "result false");

    /* Polling the same page again changes nothing. */
    b = sensors_str(hub_things, &opt);
    cr_assert_eq(sensor_table_merge(t, b), 0);
    sensor_batch_free(b);
    sensor_table_free(t);
}

Test(sensorthings, datastreams_collection_with_expanded_thing)
{
    const char *body =
        "{\"value\": [{\"@iot.id\": \"ngap-01\", \"name\": \"Độ ngập Nguyễn Hữu Thọ\","
        " \"unitOfMeasurement\": {\"symbol\": \"cm\"},"
        " \"Thing\": {\"name\": \"Điểm ngập 01\", \"properties\": {\"ma_xa\": \"20194\"},"
        "   \"Locations\": [{\"location\": {\"type\": \"Point\", \"coordinates\": [0, 0]}}]},"
        " \"Observations\": [{\"resultTime\": \"2025-10-30T06:00:00+07:00\", \"result\": 24}]}]}";
    struct sensorthings_options opt = {.unit_property = "ma_xa"};
    struct sensor_batch *b = sensors_str(body, &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    const struct sensor *s = &b->items[0].s;
    cr_assert(b->items[0].s.remote_id_is_string);
    cr_assert_str_eq(s->station, "Điểm ngập 01");
    cr_assert_str_eq(s->unit_code, "20194", "configured property name");
    cr_assert_eq(s->kind, SK_FLOOD_DEPTH);
    cr_assert_not(s->has_location, "0,0 is not a place");
    cr_assert_eq(b->items[0].obs[0].t_ms, iso_ms("2025-10-29T23:00:00Z"), "resultTime fallback");
    sensor_batch_free(b);
}

/* ---- crafted: paging --------------------------------------------------------------------- */

Test(sensorthings, empty_and_short_pages_keep_the_nextlink)
{
    struct sensor_batch *b = obs_str(
        "{\"@iot.count\": 40, \"@iot.nextLink\": \"http://h/v1.1/Datastreams(1)/Observations?"
        "$skip=20\", \"value\": []}",
        "1", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 0);
    cr_assert_eq(b->total_count, 40);
    cr_assert_str_eq(b->next_link, "http://h/v1.1/Datastreams(1)/Observations?$skip=20");
    sensor_batch_free(b);

    b = obs_str("{\"@iot.nextLink\": \"Observations?$top=100&$skip=1\", \"value\": ["
                "{\"phenomenonTime\": \"2025-01-01T00:00:00Z\", \"result\": 1}]}",
                "1", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->items[0].n_obs, 1, "a page shorter than $top");
    cr_assert_str_eq(b->next_link, "Observations?$top=100&$skip=1", "no request URL: as sent");
    sensor_batch_free(b);

    b = sensors_str("{\"value\": []}", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 0);
    cr_assert_null(b->next_link, "the last page");
    sensor_batch_free(b);
}

Test(sensorthings, resolve_links)
{
    const char *base = "https://h.vn/FROST-Server/v1.1/Things?$top=2&$expand=Datastreams#x";
    const struct {
        const char *link, *want;
    } cases[] = {
        {"https://other.vn/v1.1/Things?$skip=2", "https://other.vn/v1.1/Things?$skip=2"},
        {"/FROST-Server/v1.1/Observations?$top=4&$skip=4",
         "https://h.vn/FROST-Server/v1.1/Observations?$top=4&$skip=4"},
        {"Things(1)/Locations", "https://h.vn/FROST-Server/v1.1/Things(1)/Locations"},
        {"../v1.0/Things(5)/Locations", "https://h.vn/FROST-Server/v1.0/Things(5)/Locations"},
        {"./Things?$skip=2", "https://h.vn/FROST-Server/v1.1/Things?$skip=2"},
        {"?$skip=2", "https://h.vn/FROST-Server/v1.1/Things?$skip=2"},
        {"//cdn.h.vn/v1.1/Things", "https://cdn.h.vn/v1.1/Things"},
        {"/a/b/../../../c", "https://h.vn/c"},
        {"", "https://h.vn/FROST-Server/v1.1/Things?$top=2&$expand=Datastreams"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *got = sensorthings_resolve_link(base, cases[i].link);
        cr_assert(got, "%s", cases[i].link);
        cr_assert_str_eq(got, cases[i].want, "link %s", cases[i].link);
        free(got);
    }
    /* RFC 3986 §5.4.1 examples against http://a/b/c/d;p?q */
    const char *rfc[][2] = {{"g", "http://a/b/c/g"},
                            {"../g", "http://a/b/g"},
                            {"../../g", "http://a/g"},
                            {"g/./h", "http://a/b/c/g/h"},
                            {"g;x?y#s", "http://a/b/c/g;x?y#s"},
                            {"..", "http://a/b/"},
                            {".", "http://a/b/c/"},
                            {"#s", "http://a/b/c/d;p?q#s"}};
    for (size_t i = 0; i < ARRAY_LEN(rfc); i++) {
        char *got = sensorthings_resolve_link("http://a/b/c/d;p?q", rfc[i][0]);
        cr_assert_str_eq(got, rfc[i][1], "RFC example %s", rfc[i][0]);
        free(got);
    }
    char *got = sensorthings_resolve_link("http://a", "Things");
    cr_assert_str_eq(got, "http://a/Things", "empty base path");
    free(got);
    cr_assert_null(sensorthings_resolve_link("not a url", "Things(1)"));
    cr_assert_null(sensorthings_resolve_link(NULL, "Things(1)"));
    got = sensorthings_resolve_link(NULL, "http://x/y");
    cr_assert_str_eq(got, "http://x/y");
    free(got);
}

Test(sensorthings, entity_and_query_urls)
{
    const char *root = "https://h.vn/v1.1/";
    char *u = sensorthings_entity_url(root, "Things", "5", false);
    cr_assert_str_eq(u, "https://h.vn/v1.1/Things(5)");
    free(u);
    u = sensorthings_entity_url(root, "Things", "5", true);
    cr_assert_str_eq(u, "https://h.vn/v1.1/Things('5')", "a string id is quoted even if digits");
    free(u);
    u = sensorthings_entity_url(root, "Things", "O'Brien's", true);
    cr_assert_str_eq(u, "https://h.vn/v1.1/Things('O''Brien''s')");
    free(u);
    u = sensorthings_entity_url(root, "Things", "trạm 1/a", true);
    cr_assert_str_eq(u, "https://h.vn/v1.1/Things('tr%E1%BA%A1m%201%2Fa')");
    free(u);
    u = sensorthings_entity_url(root, "Things", "abc", false);
    cr_assert_str_eq(u, "https://h.vn/v1.1/Things('abc')", "non-digits cannot go bare");
    free(u);

    u = sensorthings_things_url(root, 100);
    cr_assert_str_eq(u, "https://h.vn/v1.1/Things?$top=100&$expand=Locations%2CDatastreams%28%24"
                        "expand%3DObservedProperty%2CObservations%28%24top%3D1%3B%24orderby%3D"
                        "phenomenonTime%20desc%29%29");
    free(u);
    u = sensorthings_observations_url(root, "a'b", true, iso_ms("2025-11-11T01:00:00Z") + 250, 500);
    cr_assert_str_eq(u, "https://h.vn/v1.1/Datastreams('a''b')/Observations?$orderby="
                        "phenomenonTime%20asc&$filter=phenomenonTime%20gt%202025-11-11T01%3A00"
                        "%3A00.250Z&$top=500");
    free(u);
    u = sensorthings_observations_url(root, "12", false, TIME_NONE, 0);
    cr_assert_str_eq(u, "https://h.vn/v1.1/Datastreams(12)/Observations?$orderby="
                        "phenomenonTime%20asc");
    free(u);

    /* Quoted ids come back out of links: Datastreams('a''b') is a'b. */
    struct sensor_batch *b = obs_str(
        "{\"value\": [{\"Datastream@iot.navigationLink\": \"http://h/v1.1/Datastreams('a''b')\","
        " \"components\": [\"phenomenonTime\", \"result\"],"
        " \"dataArray\": [[\"2025-01-01T00:00:00Z\", 3], \"junk\"]}]}",
        NULL, NULL);
    cr_assert(b, "%s", err);
    cr_assert_str_eq(b->items[0].s.id, "a'b");
    cr_assert(b->items[0].s.remote_id_is_string);
    cr_assert_eq(b->items[0].n_obs, 1);
    cr_assert_eq(b->skipped_invalid, 1);
    sensor_batch_free(b);
}

/* ---- crafted: values and times ----------------------------------------------------------- */

Test(sensorthings, result_shapes)
{
    const char *body =
        "{\"value\": ["
        "{\"phenomenonTime\": \"2025-01-01T00:00:01Z\", \"result\": 12.5},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:02Z\", \"result\": \"7\"},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:03Z\", \"result\": \" -1.5e2 \"},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:04Z\", \"result\": \"clear\"},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:05Z\", \"result\": true},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:06Z\", \"result\": {\"pm25\": 40, \"v\": 3}},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:07Z\", \"result\": {\"label\": \"x\", \"n\": "
        "\"9\"}},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:08Z\", \"result\": [\"clear\", 25, 65]},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:09Z\", \"result\": null},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:10Z\"},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:11Z\", \"result\": \"offline\"},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:12Z\", \"result\": \"0x1A\"},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:13Z\", \"result\": \"inf\"},"
        "{\"phenomenonTime\": \"2025-01-01T00:00:14Z\", \"result\": {}},"
        "{\"phenomenonTime\": \"not a time\", \"result\": 1},"
        "{\"result\": 1}"
        "]}";
    struct sensor_batch *b = obs_str(body, "9", NULL);
    cr_assert(b, "%s", err);
    const struct sensor_update *u = &b->items[0];
    double want[] = {12.5, 7, -150, NAN, 1, 40, 9, 25, NAN, NAN, 0, NAN, NAN, NAN};
    cr_assert_eq(u->n_obs, ARRAY_LEN(want));
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        if (isnan(want[i]))
            cr_assert(isnan(u->obs[i].v), "reading %zu: want NaN, got %g", i, u->obs[i].v);
        else
            cr_assert_float_eq(u->obs[i].v, want[i], 1e-12, "reading %zu", i);
        cr_assert_eq(u->obs[i].t_ms, iso_ms("2025-01-01T00:00:00Z") + (int64_t)(i + 1) * 1000);
    }
    cr_assert_eq(b->obs_total, ARRAY_LEN(want));
    cr_assert_eq(b->obs_no_value, 6);
    cr_assert_eq(b->obs_no_time, 2);
    sensor_batch_free(b);

    struct sensorthings_options opt = {.result_key = "v"};
    b = obs_str("{\"value\": [{\"phenomenonTime\": \"2025-01-01T00:00:00Z\","
                " \"result\": {\"pm25\": 40, \"v\": 3}}]}",
                "9", &opt);
    cr_assert_float_eq(b->items[0].obs[0].v, 3, 0, "configured key");
    sensor_batch_free(b);
}

Test(sensorthings, times)
{
    int64_t a, z;
    cr_assert(sensorthings_parse_time("2024-03-30T11:35:00", 0, &a, &z));
    cr_assert_eq(a, iso_ms("2024-03-30T11:35:00Z"));
    cr_assert(sensorthings_parse_time("2024-03-30T11:35:00", CLOCK_VN_OFFSET, &a, &z));
    cr_assert_eq(a, iso_ms("2024-03-30T04:35:00Z"));
    cr_assert_eq(a, z);
    cr_assert(sensorthings_parse_time("2016-01-07T02:00:00.123Z", 0, &a, NULL));
    cr_assert_eq(a, iso_ms("2016-01-07T02:00:00Z") + 123);
    cr_assert(sensorthings_parse_time("2016-01-07T02:00:00.5+07:00", 0, &a, NULL));
    cr_assert_eq(a, iso_ms("2016-01-06T19:00:00Z") + 500);
    cr_assert_not(sensorthings_parse_time("2016-01-07T02:00:00Z/", 0, &a, &z));
    cr_assert_not(sensorthings_parse_time("yesterday", 0, &a, &z));
    cr_assert_not(sensorthings_parse_time(NULL, 0, &a, &z));
}

Test(sensorthings, numbers_ignore_the_locale)
{
    if (!setlocale(LC_NUMERIC, "vi_VN.UTF-8") && !setlocale(LC_NUMERIC, "de_DE.UTF-8"))
        cr_skip_test("no locale with a decimal comma installed");
    struct sensor_batch *b = obs_str(
        "{\"value\": [{\"phenomenonTime\": \"2025-01-01T00:00:00Z\", \"result\": \"0.15\"}]}", "1",
        NULL);
    setlocale(LC_NUMERIC, "C");
    cr_assert(b, "%s", err);
    cr_assert_float_eq(b->items[0].obs[0].v, 0.15, 1e-15);
    sensor_batch_free(b);
}

/* ---- crafted: hostile and broken bodies --------------------------------------------------- */

Test(sensorthings, hostile_strings_are_cleaned)
{
    const char *body =
        "{\"value\": [{\"@iot.id\": \"x\\u001b[2Jy\", \"name\": \"Tr\\u1ea1m \\u001b[31mA\\u202e"
        "gnal\\u200b\", \"properties\": {\"unit_code\": \"\\u202e00070\"},"
        " \"Datastreams\": [{\"@iot.id\": 1, \"name\": \"PM2.5\\r\\nline\","
        "   \"unitOfMeasurement\": {\"symbol\": \"\\u00b5g\\u0007/m\\u00b3\"}}]}],"
        " \"@iot.nextLink\": \"http://h/v1.1/Things?$skip=1\\u001b]0;pwned\\u0007\"}";
    struct sensor_batch *b = sensors_str(body, NULL);
    cr_assert(b, "%s", err);
    const struct sensor *s = &b->items[0].s;
    cr_assert_str_eq(s->station, "Trạm [31mAgnal");
    cr_assert_str_eq(s->unit_code, "00070");
    cr_assert_str_eq(s->name, "PM2.5 line");
    cr_assert_str_eq(s->unit, "µg/m³");
    cr_assert_null(strchr(b->next_link, '\x1b'));
    cr_assert_null(strchr(b->next_link, '\a'));
    sensor_batch_free(b);
}

Test(sensorthings, broken_bodies)
{
    struct sensor_batch *b = sensors_str("", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "empty body");
    b = sensorthings_parse_sensors(NULL, 0, NULL, err, sizeof err);
    cr_assert_null(b);
    cr_assert_str_eq(err, "empty body");
    b = sensors_str("<html><body><h1>502 Bad Gateway</h1></body></html>", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "not JSON: <html><body><h1>502 Bad Gateway</h1></body></html>");
    b = sensors_str("{\"value\": [{\"@iot.id\": 1, \"name\": \"Oven\"", NULL);
    cr_assert_null(b);
    cr_assert(strncmp(err, "invalid JSON near byte", 22) == 0, "%s", err);
    b = sensors_str("{\"value\": []} {}", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "invalid JSON near byte 14 (data after the end)");
    b = sensors_str("[1, 2]", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "sensors: expected an object, got array");
    b = sensors_str("{\"value\": [1, \"two\"]}", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "sensors: item 1: expected an object, got number");
    b = sensors_str("{\"value\": {\"a\": 1}}", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "sensors: object without a value list (not a SensorThings collection)");
    b = obs_str("{\"value\": [{\"phenomenonTime\": \"2025-01-01T00:00:00Z\", \"result\": NaN}]}",
                "1", NULL);
    cr_assert_null(b, "NaN is not JSON");
    cr_assert(strncmp(err, "invalid JSON near byte", 22) == 0, "%s", err);

    /* FROST's error body (Service.java) and other servers' shapes. */
    b = sensors_str("{\"type\":\"error\",\"code\":404,\"message\":\"Nothing found.\"}", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "server error 404: Nothing found.");
    b = obs_str("{\"code\": 400, \"type\": \"error\", \"message\": \"Not a valid path: "
                "Datastreams(x\\u001b)\"}",
                "1", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "server error 400: Not a valid path: Datastreams(x)");
    b = sensors_str("{\"error\": {\"code\": \"Unauthorized\", \"message\": \"token expired\"}}",
                    NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "server error Unauthorized: token expired");
    struct sensorthings_root *r = sensorthings_parse_root("{\"value\": []}", 13, err, sizeof err);
    cr_assert_null(r);
    cr_assert_str_eq(err, "root: no entity sets (not a SensorThings service root)");

    /* Deep nesting: cJSON refuses past its limit; either way, no crash. */
    struct buf deep = {0};
    buf_appendf(&deep, "{\"value\": [{\"Datastreams\": [{\"@iot.id\": 1, \"Observations\": ");
    for (int i = 0; i < 5000; i++)
        buf_append(&deep, "[", 1);
    b = sensorthings_parse_sensors(deep.data, deep.len, NULL, err, sizeof err);
    cr_assert_null(b);
    buf_free(&deep);

    /* Items without an id are skipped and counted, not fatal. */
    b = sensors_str("{\"value\": [{\"name\": \"T\", \"Datastreams\": [{\"name\": \"no id\"},"
                    " {\"@iot.id\": null}, {\"@iot.id\": 3.5}, {\"@iot.id\": 4}, 7]}]}",
                    NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    cr_assert_eq(b->skipped_no_id, 3, "missing, null, and 3.5 (not an id)");
    cr_assert_eq(b->skipped_invalid, 1);
    sensor_batch_free(b);
}

Test(sensorthings, landing_page_v11)
{
    const char *body =
        "{\"serverSettings\": {\"conformance\": ["
        "\"http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel\","
        "\"http://www.opengis.net/spec/iot_sensing/1.1/req/multi-datastream\"]},"
        " \"value\": [{\"name\": \"Things\", \"url\": \"https://h/FROST-Server/v1.1/Things\"},"
        " {\"name\": \"Broken\"}, {\"name\": \"MultiDatastreams\","
        " \"url\": \"https://h/FROST-Server/v1.1/MultiDatastreams\"}]}";
    struct sensorthings_root *r = sensorthings_parse_root(body, strlen(body), err, sizeof err);
    cr_assert(r, "%s", err);
    cr_assert_eq(r->n, 2, "an entry without url is skipped");
    cr_assert_eq(r->version, 11);
    cr_assert_eq(r->n_conformance, 2);
    cr_assert(r->has_multidatastream);
    sensorthings_root_free(r);
}
