/* The alerts engine against the bundled simulator: forced episodes (an AQI spike, a river
 * crest) in one ward, read through the console's SensorThings adapter into a store, and
 * evaluated the way the console does after each merge. The simulator's clock is frozen after
 * both episodes; the test walks through them by asking for the latest reading "as of" each
 * step (a $filter on phenomenonTime inside the expanded Observations, which the simulator
 * answers from its 7-day history), so the run is exact and takes seconds, not days.
 *
 * Expected, in order: the station's VN_AQI event starts as a warning (Kém) and escalates
 * to critical (Xấu or worse) within the same event, then ends after the spike; the river
 * gauge warns at báo động I, escalates at II, ends when the water goes down; the street
 * flood sensors raise critical events that end as the streets drain. Flapping around a
 * threshold never makes a second event. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "citydeck/alerts.h"
#include "citydeck/clock.h"
#include "citydeck/sensorthings.h"
#include "citydeck/store.h"

/* Phường Trương Quang Trọng (Quảng Ngãi) has an air station, a river gauge (báo động
 * 8.2/9.0/9.9 m) and street flood sensors; the layout depends on the unit codes only. */
#define UNIT "21172"
#define START "2026-03-05T08:00:00+07:00"
#define AQI_AT "2026-03-03T10:00:00+07:00"
#define FLOOD_AT "2026-02-27T08:00:00+07:00"
#define MAX_STEPS 400

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    static const char *const extra[] = {
        "--episode-rate",           "0", "--episode", "aqi@" AQI_AT ":" UNIT, "--episode",
        "flood@" FLOOD_AT ":" UNIT, NULL};
    harness_sims_start("3", START, extra);
}

static void teardown(void)
{
    harness_sims_stop_all();
    curl_global_cleanup();
}

TestSuite(alerts_live, .init = setup, .fini = teardown, .timeout = 110);

static int64_t at(const char *iso)
{
    int64_t t = clock_parse_iso(iso, CLOCK_VN_OFFSET, NULL);
    cr_assert_neq(t, TIME_NONE, "%s", iso);
    return t;
}

/* The ward's sensors with their latest reading at or before t, into the store. */
static void poll_as_of(struct store *s, int64_t t)
{
    char iso[40], path[600];
    clock_format_iso(t, 0, iso, sizeof iso); /* ...+00:00: a + needs encoding */
    char *plus = strchr(iso + 10, '+');
    if (plus)
        strcpy(plus, "Z");
    snprintf(path, sizeof path,
             "/sta/v1.1/Things?$top=500&$filter=properties/unit_code%%20eq%%20%%27" UNIT "%%27"
             "&$expand=Locations,Datastreams($expand=Observations($top=1;"
             "$orderby=phenomenonTime%%20desc;$filter=phenomenonTime%%20le%%20%s))",
             iso);
    struct harness_resp r = harness_sim_get(0, path);
    cr_assert_eq(r.status, 200, "GET %s: %ld %s", path, r.status, r.body);
    char err[300];
    struct sensor_batch *b = sensorthings_parse_sensors(r.body, r.len, NULL, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_gt(b->n, 5);
    harness_resp_free(&r);
    store_merge_sensors(s, b);
}

/* What one rule's events did over the walk. */
struct track {
    const char *rule;
    size_t events; /* distinct keys seen */
    char keys[8][160];
    int64_t first_warn[8]; /* when each key was first seen at warn, TIME_NONE if never */
    int64_t first_crit[8];
    bool ended[8];
    double peak[8]; /* the event's peak when last seen (ended events leave the history
                       24 h after their end) */
    char message[8][300];
};

static void observe(struct track *tr, const struct alerts *a, int64_t now)
{
    for (size_t i = 0; i < alerts_count(a); i++) {
        const struct alert_event *e = alerts_at(a, i);
        if (strcmp(e->rule, tr->rule) != 0)
            continue;
        size_t k = 0;
        while (k < tr->events && strcmp(tr->keys[k], e->key) != 0)
            k++;
        if (k == tr->events) {
            cr_assert_lt(k, 8, "too many %s events", tr->rule);
            snprintf(tr->keys[k], sizeof tr->keys[k], "%s", e->key);
            tr->first_warn[k] = tr->first_crit[k] = TIME_NONE;
            tr->events++;
        }
        if (e->end == TIME_NONE && e->severity == ALERT_WARN && tr->first_warn[k] == TIME_NONE)
            tr->first_warn[k] = now;
        if (e->end == TIME_NONE && e->severity == ALERT_CRITICAL && tr->first_crit[k] == TIME_NONE)
            tr->first_crit[k] = now;
        tr->ended[k] = e->end != TIME_NONE;
        tr->peak[k] = e->peak;
        snprintf(tr->message[k], sizeof tr->message[k], "%s", e->message);
    }
}

/* Steps from..to every step seconds: poll, evaluate the changes, tick. */
static void walk(struct store *s, struct alerts *a, int64_t from, int64_t to, int64_t step,
                 struct track *tracks, size_t ntracks)
{
    int steps = 0;
    for (int64_t t = from; t <= to; t += step) {
        cr_assert_lt(steps++, MAX_STEPS);
        poll_as_of(s, t);
        struct store_changes ch = {0};
        store_changes_take(s, &ch);
        alerts_evaluate(a, s, &ch, t);
        store_changes_clear(&ch);
        alerts_tick(a, s, t);
        for (size_t k = 0; k < ntracks; k++)
            observe(&tracks[k], a, t);
    }
}

Test(alerts_live, aqi_spike_warns_escalates_and_ends)
{
    struct store *s = store_new();
    struct alerts *a = alerts_new();
    struct track aqi = {.rule = "aqi_band"};
    int64_t start = at(AQI_AT);
    /* An hour before; the spike lasts at most 17 h (rise 2-4, hold 2-5, fall 4-8). */
    walk(s, a, start - 3600, start + 20 * 3600, 15 * 60, &aqi, 1);
    cr_assert_eq(aqi.events, 1, "one event for the station, however it wobbled");
    cr_assert(strstr(aqi.keys[0], UNIT), "%s", aqi.keys[0]);
    cr_assert_neq(aqi.first_warn[0], TIME_NONE, "Kém came first");
    cr_assert_neq(aqi.first_crit[0], TIME_NONE, "then Xấu or worse");
    cr_assert_lt(aqi.first_warn[0], aqi.first_crit[0]);
    cr_assert_gt(aqi.first_warn[0], start, "nothing before the episode");
    cr_assert(aqi.ended[0], "over when the spike is");
    const struct alert_event *e = alerts_find(a, aqi.keys[0]);
    cr_assert_eq(e->peak_severity, ALERT_CRITICAL);
    cr_assert_geq(e->peak, 151);
    cr_assert_gt(e->end, e->start);
    cr_assert_lt(e->end, start + 18 * 3600);
    cr_assert_str_eq(e->unit_code, UNIT);
    /* The station's PM2.5 went over its threshold during the spike too. */
    bool pm25 = false;
    for (size_t i = 0; i < alerts_count(a); i++)
        pm25 |= strcmp(alerts_at(a, i)->rule, "pm25") == 0;
    cr_assert(pm25);
    alerts_free(a);
    store_free(s);
}

Test(alerts_live, river_crest_and_street_flooding)
{
    struct store *s = store_new();
    struct alerts *a = alerts_new();
    struct track tracks[] = {{.rule = "water_level"}, {.rule = "flood_depth"}};
    int64_t start = at(FLOOD_AT);
    /* The crest rises for 12-24 h, stays 2-6 h and recedes over 24-48 h: 78 h at most. */
    walk(s, a, start - 3600, start + 80 * 3600, 30 * 60, tracks, 2);

    struct track *w = &tracks[0], *f = &tracks[1];
    cr_assert_eq(w->events, 1, "one event for the gauge");
    cr_assert_neq(w->first_warn[0], TIME_NONE, "báo động I first");
    cr_assert_neq(w->first_crit[0], TIME_NONE, "then II");
    cr_assert_lt(w->first_warn[0], w->first_crit[0]);
    cr_assert(w->ended[0], "the river went down");
    cr_assert_geq(w->peak[0], 9.0, "at least level II");
    cr_assert(strstr(w->message[0], "BĐ"), "%s", w->message[0]);

    cr_assert_geq(f->events, 1, "the streets flooded");
    for (size_t k = 0; k < f->events; k++) {
        cr_assert_neq(f->first_crit[k], TIME_NONE, "%s reached 30 cm", f->keys[k]);
        cr_assert(f->ended[k], "%s drained", f->keys[k]);
        /* Streets flood with the rain, before the river crests past level II. */
        cr_assert_lt(f->first_crit[k], w->first_crit[0], "%s", f->keys[k]);
    }
    cr_assert_eq(alerts_active_critical(a), 0, "all over at the end");
    alerts_free(a);
    store_free(s);
}
