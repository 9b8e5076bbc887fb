/* The alerts engine against crafted store states, rule kind by rule kind: fires at the
 * threshold and not below, waits for min_duration, merges flaps within merge_interval, ends
 * when the condition clears, escalates; then silences, acks, the display order, the bounded
 * history, the export, and incremental evaluation against a full one after random changes. */
#include "harness.h"

#include "citydeck/alerts.h"
#include "citydeck/clock.h"
#include "citydeck/store.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1772416800 /* 2026-03-02T09:00:00+07:00, a Monday */
#define MIN 60
#define HOUR 3600
#define DAY 86400

struct fx {
    struct store *s;
    struct alerts *a;
};

static struct fx fx_new(void)
{
    struct fx f = {store_new(), alerts_new()};
    return f;
}

static void fx_free(struct fx *f)
{
    alerts_free(f->a);
    store_free(f->s);
}

/* After a merge: what the loop does. */
static void eval(struct fx *f, int64_t now)
{
    struct store_changes ch = {0};
    store_changes_take(f->s, &ch);
    alerts_evaluate(f->a, f->s, &ch, now);
    store_changes_clear(&ch);
}

/* Once a second. */
static void tick(struct fx *f, int64_t now)
{
    store_set_now(f->s, now);
    eval(f, now);
    alerts_tick(f->a, f->s, now);
}

struct cfg {
    struct config_entry e[32];
    size_t n;
};

static void cfg_add(struct cfg *c, const char *section, const char *key, const char *value)
{
    c->e[c->n++] = (struct config_entry){(char *)section, (char *)key, (char *)value,
                                         (char *)"test.ini", (int)c->n + 1};
}

static void configure(struct alerts *a, struct cfg *c)
{
    char err[256];
    int rc = alerts_configure(a, c->e, c->n, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
}

static void sensor_full(struct store *s, const char *id, enum sensor_kind kind,
                        enum aqi_pollutant pol, const char *unit, const char *station,
                        const char *unit_code, const double alarm[3], int64_t t, double v)
{
    struct sensor_batch *b = sensor_batch_new();
    struct sensor_update *u = sensor_batch_push(b);
    u->s.id = xstrdup(id);
    u->meta = true;
    u->s.kind = kind;
    u->s.pollutant = pol;
    u->s.unit = unit ? xstrdup(unit) : NULL;
    u->s.name = xasprintf("%s (%s)", station, id);
    u->s.station = xstrdup(station);
    u->s.unit_code = xstrdup(unit_code);
    for (int i = 0; i < 3; i++)
        u->s.alarm[i] = alarm ? alarm[i] : NAN;
    sensor_update_add_obs(u, t * 1000, v);
    store_merge_sensors(s, b);
}

static void aqi_reading(struct fx *f, const char *station, int64_t t, double aqi)
{
    sensor_full(f->s, station, SK_AIR_QUALITY, AQI_POL_INDEX, "VN_AQI", station, "21025", NULL, t,
                aqi);
}

/* The one event of a rule (active or not); NULL if none. */
static const struct alert_event *event_of(const struct alerts *a, const char *rule)
{
    const struct alert_event *found = NULL;
    for (size_t i = 0; i < alerts_count(a); i++) {
        const struct alert_event *e = alerts_at(a, i);
        if (strcmp(e->rule, rule) == 0) {
            cr_assert_null(found, "two events of %s", rule);
            found = e;
        }
    }
    return found;
}

static size_t events_of(const struct alerts *a, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < alerts_count(a); i++)
        n += strcmp(alerts_at(a, i)->rule, rule) == 0;
    return n;
}

/* ---- sensors --------------------------------------------------------------------------- */

Test(alerts, aqi_band_fires_after_min_duration_escalates_and_ends)
{
    struct fx f = fx_new();
    aqi_reading(&f, "Trạm A", T0, 100);
    eval(&f, T0);
    cr_assert_null(event_of(f.a, "aqi_band"), "100 is Trung bình");

    aqi_reading(&f, "Trạm A", T0 + 5 * MIN, 101);
    eval(&f, T0 + 5 * MIN);
    cr_assert_null(event_of(f.a, "aqi_band"), "min_duration 10m not yet");
    tick(&f, T0 + 15 * MIN - 1);
    cr_assert_null(event_of(f.a, "aqi_band"));
    tick(&f, T0 + 15 * MIN);
    const struct alert_event *e = event_of(f.a, "aqi_band");
    cr_assert_not_null(e);
    cr_assert_eq(e->severity, ALERT_WARN);
    cr_assert_eq(e->start, T0 + 5 * MIN, "start is when the condition began");
    cr_assert_eq(e->end, TIME_NONE);
    cr_assert_eq(e->target, ATT_STATION);
    cr_assert_str_eq(e->unit_code, "21025");
    cr_assert_float_eq(e->threshold, 101, 1e-9);
    cr_assert(strstr(e->message, "Kém"), "%s", e->message);
    cr_assert_eq(alerts_critical_seq(f.a), 0);

    uint64_t gen = alerts_generation(f.a);
    aqi_reading(&f, "Trạm A", T0 + 20 * MIN, 180);
    eval(&f, T0 + 20 * MIN);
    e = event_of(f.a, "aqi_band");
    cr_assert_eq(e->severity, ALERT_CRITICAL, "escalated within the event");
    cr_assert_eq(e->peak_severity, ALERT_CRITICAL);
    cr_assert_float_eq(e->peak, 180, 1e-9);
    cr_assert(strstr(e->message, "Xấu"), "%s", e->message);
    cr_assert_eq(alerts_critical_seq(f.a), 1);
    cr_assert_eq(alerts_last_critical(f.a), T0 + 20 * MIN);
    cr_assert_gt(alerts_generation(f.a), gen);
    cr_assert_eq(alerts_active_critical(f.a), 1);

    aqi_reading(&f, "Trạm A", T0 + 25 * MIN, 120);
    eval(&f, T0 + 25 * MIN);
    e = event_of(f.a, "aqi_band");
    cr_assert_eq(e->severity, ALERT_WARN);
    cr_assert_eq(e->peak_severity, ALERT_CRITICAL);
    cr_assert_float_eq(e->peak, 180, 1e-9);

    aqi_reading(&f, "Trạm A", T0 + 30 * MIN, 60);
    eval(&f, T0 + 30 * MIN);
    e = event_of(f.a, "aqi_band");
    cr_assert_eq(e->end, T0 + 30 * MIN);
    cr_assert_eq(alerts_active_count(f.a), 0);
    fx_free(&f);
}

Test(alerts, aqi_station_takes_its_worst_stream)
{
    struct fx f = fx_new();
    /* PM2.5 45 µg/m³ -> AQI 90; PM10 300 µg/m³ -> AQI 175: the station is Xấu. */
    sensor_full(f.s, "s1", SK_AIR_QUALITY, AQI_POL_PM25, "µg/m³", "Trạm B", "21028", NULL, T0, 45);
    sensor_full(f.s, "s2", SK_AIR_QUALITY, AQI_POL_PM10, "µg/m³", "Trạm B", "21028", NULL, T0, 300);
    eval(&f, T0);
    tick(&f, T0 + 10 * MIN);
    const struct alert_event *e = event_of(f.a, "aqi_band");
    cr_assert_not_null(e);
    cr_assert_eq(e->severity, ALERT_CRITICAL);
    cr_assert_str_eq(e->target_id, "Trạm B");
    fx_free(&f);
}

Test(alerts, pm25_threshold_and_min_duration)
{
    struct fx f = fx_new();
    sensor_full(f.s, "pm", SK_AIR_QUALITY, AQI_POL_PM25, "µg/m³", "Trạm C", "21025", NULL, T0,
                49.9);
    tick(&f, T0);
    tick(&f, T0 + HOUR);
    cr_assert_null(event_of(f.a, "pm25"));
    sensor_full(f.s, "pm", SK_AIR_QUALITY, AQI_POL_PM25, "µg/m³", "Trạm C", "21025", NULL,
                T0 + HOUR, 50);
    tick(&f, T0 + HOUR);
    tick(&f, T0 + HOUR + 14 * MIN);
    cr_assert_null(event_of(f.a, "pm25"));
    /* Cleared before min_duration: never fires. */
    sensor_full(f.s, "pm", SK_AIR_QUALITY, AQI_POL_PM25, "µg/m³", "Trạm C", "21025", NULL,
                T0 + HOUR + 14 * MIN, 30);
    tick(&f, T0 + HOUR + 14 * MIN);
    tick(&f, T0 + 2 * HOUR);
    cr_assert_null(event_of(f.a, "pm25"));
    /* mg/m³ converts: 0.085 mg/m³ = 85 µg/m³, critical, once it has lasted. */
    sensor_full(f.s, "pm", SK_AIR_QUALITY, AQI_POL_PM25, "mg/m³", "Trạm C", "21025", NULL,
                T0 + 2 * HOUR, 0.085);
    tick(&f, T0 + 2 * HOUR);
    tick(&f, T0 + 2 * HOUR + 15 * MIN);
    const struct alert_event *e = event_of(f.a, "pm25");
    cr_assert_not_null(e);
    cr_assert_eq(e->severity, ALERT_CRITICAL);
    cr_assert_float_eq(e->value, 85, 1e-6);
    cr_assert_str_eq(e->value_unit, "µg/m³");
    fx_free(&f);
}

static const double alarm[3] = {5.0, 6.0, 7.0};

static void gauge(struct fx *f, int64_t t, double v)
{
    sensor_full(f->s, "g1", SK_WATER_LEVEL, AQI_POL_NONE, "m", "Trạm thủy văn X", "21040", alarm, t,
                v);
}

Test(alerts, water_level_alarm_levels)
{
    struct fx f = fx_new();
    gauge(&f, T0, 4.99);
    eval(&f, T0);
    cr_assert_null(event_of(f.a, "water_level"));
    gauge(&f, T0 + 300, 5.0);
    eval(&f, T0 + 300);
    const struct alert_event *e = event_of(f.a, "water_level");
    cr_assert_not_null(e, "level I, no min_duration");
    cr_assert_eq(e->severity, ALERT_WARN);
    cr_assert_float_eq(e->threshold, 5.0, 1e-9);
    cr_assert(strstr(e->message, "BĐ I"), "%s", e->message);
    gauge(&f, T0 + 600, 6.2);
    eval(&f, T0 + 600);
    e = event_of(f.a, "water_level");
    cr_assert_eq(e->severity, ALERT_CRITICAL);
    cr_assert_float_eq(e->threshold, 6.0, 1e-9);
    gauge(&f, T0 + 900, 7.3);
    eval(&f, T0 + 900);
    e = event_of(f.a, "water_level");
    cr_assert(strstr(e->message, "BĐ III"), "%s", e->message);
    cr_assert_float_eq(e->peak, 7.3, 1e-9);
    gauge(&f, T0 + 1200, 4.0);
    eval(&f, T0 + 1200);
    cr_assert_eq(event_of(f.a, "water_level")->end, T0 + 1200);
    fx_free(&f);
}

Test(alerts, flaps_within_merge_interval_continue_one_event)
{
    struct fx f = fx_new();
    int64_t t = T0;
    /* Around level I every 5 minutes for an hour (merge_interval 1h). */
    for (int i = 0; i < 12; i++, t += 300) {
        gauge(&f, t, i % 2 ? 4.9 : 5.1);
        eval(&f, t);
        alerts_tick(f.a, f.s, t);
    }
    cr_assert_eq(events_of(f.a, "water_level"), 1, "flapping never creates new events");
    const struct alert_event *e = event_of(f.a, "water_level");
    cr_assert_eq(e->count, 6);
    cr_assert_eq(e->start, T0);
    /* Cleared for longer than merge_interval: the next crossing is a new event. */
    tick(&f, t + HOUR + 1);
    gauge(&f, t + HOUR + 300, 5.5);
    eval(&f, t + HOUR + 300);
    cr_assert_eq(events_of(f.a, "water_level"), 2);
    const struct alert_event *first = alerts_at(f.a, 0);
    cr_assert_eq(first->end, TIME_NONE, "the active one first");
    cr_assert_eq(first->count, 1);
    cr_assert_neq(alerts_at(f.a, 1)->end, TIME_NONE);
    fx_free(&f);
}

Test(alerts, flood_depth_classes)
{
    struct fx f = fx_new();
    sensor_full(f.s, "fd", SK_FLOOD_DEPTH, AQI_POL_NONE, "cm", "Đường Lê Lợi", "21025", NULL, T0,
                19.9);
    tick(&f, T0);
    tick(&f, T0 + 10 * MIN);
    cr_assert_null(event_of(f.a, "flood_depth"));
    sensor_full(f.s, "fd", SK_FLOOD_DEPTH, AQI_POL_NONE, "m", "Đường Lê Lợi", "21025", NULL,
                T0 + 10 * MIN, 0.31);
    tick(&f, T0 + 10 * MIN);
    tick(&f, T0 + 15 * MIN);
    const struct alert_event *e = event_of(f.a, "flood_depth");
    cr_assert_not_null(e);
    cr_assert_eq(e->severity, ALERT_CRITICAL);
    cr_assert_float_eq(e->value, 31, 1e-6);
    fx_free(&f);
}

/* Station B stops; station A goes on, so the sensor clock moves. */
Test(alerts, station_silent_against_the_sensor_clock)
{
    struct fx f = fx_new();
    for (int i = 0; i <= 2; i++) {
        int64_t t = T0 + i * 300;
        sensor_full(f.s, "a", SK_TRAFFIC_COUNT, AQI_POL_NONE, "xe", "A", "21025", NULL, t, 10);
        sensor_full(f.s, "b", SK_TRAFFIC_COUNT, AQI_POL_NONE, "xe", "B", "21025", NULL, t, 10);
        tick(&f, t);
    }
    int64_t last_b = T0 + 600;
    for (int i = 3; i <= 20; i++) {
        int64_t t = T0 + i * 300;
        sensor_full(f.s, "a", SK_TRAFFIC_COUNT, AQI_POL_NONE, "xe", "A", "21025", NULL, t, 10);
        tick(&f, t);
        const struct alert_event *e = event_of(f.a, "station_silent");
        if (t - last_b <= 3 * 300)
            cr_assert_null(e, "at %d s silent", (int)(t - last_b));
        else {
            cr_assert_not_null(e, "at %d s silent", (int)(t - last_b));
            cr_assert_str_eq(e->target_id, "B");
            cr_assert_eq(e->severity, t - last_b <= 12 * 300 ? ALERT_WARN : ALERT_CRITICAL,
                         "at %d s silent", (int)(t - last_b));
        }
    }
    /* The hub as a whole stopping does not make every station silent. */
    tick(&f, T0 + 6 * HOUR);
    cr_assert_eq(events_of(f.a, "station_silent"), 1);
    /* B reports again: the event ends. */
    sensor_full(f.s, "b", SK_TRAFFIC_COUNT, AQI_POL_NONE, "xe", "B", "21025", NULL, T0 + 21 * 300,
                10);
    tick(&f, T0 + 6 * HOUR);
    cr_assert_neq(event_of(f.a, "station_silent")->end, TIME_NONE);
    fx_free(&f);
}

Test(alerts, camera_offline_15m_then_1h)
{
    struct fx f = fx_new();
    sensor_full(f.s, "cam", SK_CAMERA, AQI_POL_NONE, NULL, "Camera nút X", "21025", NULL, T0, 1);
    sensor_full(f.s, "ref", SK_TRAFFIC_COUNT, AQI_POL_NONE, "xe", "Đếm xe", "21025", NULL, T0, 1);
    tick(&f, T0);
    /* Offline from T0 + 5m, reported every 5 minutes; the reference sensor keeps the clock. */
    for (int64_t t = T0 + 300; t <= T0 + 90 * MIN; t += 300) {
        sensor_full(f.s, "cam", SK_CAMERA, AQI_POL_NONE, NULL, "Camera nút X", "21025", NULL, t, 0);
        sensor_full(f.s, "ref", SK_TRAFFIC_COUNT, AQI_POL_NONE, "xe", "Đếm xe", "21025", NULL, t,
                    1);
        tick(&f, t);
        const struct alert_event *e = event_of(f.a, "camera_offline");
        int64_t down = t - (T0 + 300);
        if (down < 15 * MIN)
            cr_assert_null(e, "down %d s", (int)down);
        else if (down < HOUR)
            cr_assert_eq(e->severity, ALERT_WARN, "down %d s", (int)down);
        else
            cr_assert_eq(e->severity, ALERT_CRITICAL, "down %d s", (int)down);
    }
    sensor_full(f.s, "cam", SK_CAMERA, AQI_POL_NONE, NULL, "Camera nút X", "21025", NULL,
                T0 + 95 * MIN, 1);
    tick(&f, T0 + 95 * MIN);
    cr_assert_eq(event_of(f.a, "camera_offline")->end, T0 + 95 * MIN);
    fx_free(&f);
}

/* ---- dossiers ---------------------------------------------------------------------------- */

static struct dossier *dossier(struct dossier_batch *b, const char *id, const char *unit,
                               int64_t due)
{
    struct dossier *d = dossier_batch_push(b);
    d->id = xstrdup(id);
    d->unit_code = xstrdup(unit);
    d->procedure = xstrdup("Cấp giấy phép xây dựng");
    d->status = DST_PROCESSING;
    d->received = T0 - 10 * DAY;
    d->due = due;
    return d;
}

Test(alerts, dossier_due_soon_then_overdue)
{
    struct fx f = fx_new();
    struct dossier_batch *b = dossier_batch_new();
    dossier(b, "HS-1", "21025", T0 + 2 * DAY); /* Wednesday 09:00 */
    store_merge_dossiers(f.s, b, T0);
    eval(&f, T0);
    cr_assert_null(event_of(f.a, "dossier_due_soon"));
    /* Tuesday 09:00 is exactly one working day before: not yet. 09:01 is. */
    store_merge_dossiers(f.s, dossier_batch_new(), T0 + DAY);
    eval(&f, T0 + DAY);
    cr_assert_null(event_of(f.a, "dossier_due_soon"));
    store_merge_dossiers(f.s, dossier_batch_new(), T0 + DAY + 60);
    eval(&f, T0 + DAY + 60);
    const struct alert_event *e = event_of(f.a, "dossier_due_soon");
    cr_assert_not_null(e);
    cr_assert_eq(e->severity, ALERT_WARN);
    cr_assert_str_eq(e->target_id, "HS-1");
    cr_assert(strstr(e->message, "sắp đến hạn"), "%s", e->message);
    /* Overdue: by default it stays a warning (the per-unit rule counts overdue ones). */
    store_merge_dossiers(f.s, dossier_batch_new(), T0 + 2 * DAY + 60);
    eval(&f, T0 + 2 * DAY + 60);
    e = event_of(f.a, "dossier_due_soon");
    cr_assert_eq(e->severity, ALERT_WARN);
    cr_assert(strstr(e->message, "quá hạn"), "%s", e->message);
    cr_assert_lt(e->value, 0, "%g", e->value);
    /* With critical = overdue it escalates. */
    struct cfg c = {0};
    cfg_add(&c, "rule.dossier_due_soon", "critical", "overdue");
    configure(f.a, &c);
    tick(&f, T0 + 2 * DAY + 120);
    cr_assert_eq(event_of(f.a, "dossier_due_soon")->severity, ALERT_CRITICAL);
    /* Finished: it ends. */
    b = dossier_batch_new();
    dossier(b, "HS-1", "21025", T0 + 2 * DAY)->status = DST_DONE;
    b->items[0].finished = T0 + 2 * DAY + 200;
    store_merge_dossiers(f.s, b, T0 + 2 * DAY + 300);
    eval(&f, T0 + 2 * DAY + 300);
    cr_assert_eq(event_of(f.a, "dossier_due_soon")->end, T0 + 2 * DAY + 300);
    fx_free(&f);
}

Test(alerts, dossier_supplements_and_unit_overdue)
{
    struct fx f = fx_new();
    struct dossier_batch *b = dossier_batch_new();
    dossier(b, "S1", "21025", T0 + 30 * DAY)->supplements = 1;
    for (int i = 0; i < 4; i++) {
        char id[16];
        snprintf(id, sizeof id, "O%d", i);
        dossier(b, id, "21028", T0 - DAY);
    }
    for (int i = 0; i < 20; i++) {
        char id[16];
        snprintf(id, sizeof id, "K%d", i);
        dossier(b, id, "21028", T0 + 30 * DAY);
    }
    store_merge_dossiers(f.s, b, T0);
    tick(&f, T0);
    tick(&f, T0 + HOUR);
    cr_assert_null(event_of(f.a, "dossier_supplements"));
    cr_assert_null(event_of(f.a, "dossier_overdue"), "4 overdue: under 5");

    b = dossier_batch_new();
    dossier(b, "S1", "21025", T0 + 30 * DAY)->supplements = 2;
    dossier(b, "O4", "21028", T0 - DAY);
    store_merge_dossiers(f.s, b, T0 + HOUR);
    tick(&f, T0 + HOUR);
    const struct alert_event *e = event_of(f.a, "dossier_supplements");
    cr_assert_not_null(e);
    cr_assert_float_eq(e->value, 2, 1e-9);
    /* Twice supplemented counts as overdue (766): S1 is overdue in 21025 too. */
    cr_assert_null(event_of(f.a, "dossier_overdue"), "min_duration 5m");
    tick(&f, T0 + HOUR + 5 * MIN);
    e = event_of(f.a, "dossier_overdue");
    cr_assert_not_null(e);
    cr_assert_str_eq(e->target_id, "21028");
    cr_assert_float_eq(e->value, 5, 1e-9);
    cr_assert_eq(e->severity, ALERT_WARN);

    /* As a rate: 5 of 25 open = 20 %. */
    struct cfg c = {0};
    cfg_add(&c, "rule.dossier_overdue", "warn", "10%");
    cfg_add(&c, "rule.dossier_overdue", "critical", "20%");
    configure(f.a, &c);
    tick(&f, T0 + HOUR + 6 * MIN);
    e = event_of(f.a, "dossier_overdue");
    cr_assert_eq(e->severity, ALERT_CRITICAL);
    cr_assert_float_eq(e->value, 20, 1e-9);
    cr_assert_str_eq(e->value_unit, "%");
    fx_free(&f);
}

/* ---- complaints ----------------------------------------------------------------------- */

static struct complaint *complaint(struct complaint_batch *b, const char *id, const char *unit)
{
    struct complaint *c = complaint_batch_push(b);
    c->id = xstrdup(id);
    c->unit_code = xstrdup(unit);
    c->category = xstrdup("Hạ tầng đô thị");
    c->status = CST_NEW;
    c->open = true;
    c->requested = T0;
    return c;
}

Test(alerts, urgent_complaint_working_hours)
{
    struct fx f = fx_new();
    struct complaint_batch *b = complaint_batch_new();
    complaint(b, "PA-1", "21025")->urgency = CURG_URGENT;
    complaint(b, "PA-2", "21025"); /* not urgent */
    store_merge_complaints(f.s, b);
    tick(&f, T0);
    /* 2 working hours from 09:00 is 11:00; 4 working hours is 14:00 (lunch 12-13). */
    tick(&f, T0 + 2 * HOUR - 1);
    cr_assert_null(event_of(f.a, "complaint_urgent"));
    tick(&f, T0 + 2 * HOUR);
    const struct alert_event *e = event_of(f.a, "complaint_urgent");
    cr_assert_not_null(e);
    cr_assert_eq(e->severity, ALERT_WARN);
    cr_assert_str_eq(e->target_id, "PA-1");
    tick(&f, T0 + 5 * HOUR - 1);
    cr_assert_eq(event_of(f.a, "complaint_urgent")->severity, ALERT_WARN);
    tick(&f, T0 + 5 * HOUR);
    e = event_of(f.a, "complaint_urgent");
    cr_assert_eq(e->severity, ALERT_CRITICAL);
    cr_assert_float_eq(e->value, 4, 1e-9);
    /* Accepted: it ends. */
    b = complaint_batch_new();
    struct complaint *c = complaint(b, "PA-1", "21025");
    c->urgency = CURG_URGENT;
    c->status = CST_ACCEPTED;
    store_merge_complaints(f.s, b);
    eval(&f, T0 + 5 * HOUR + 10);
    cr_assert_eq(event_of(f.a, "complaint_urgent")->end, T0 + 5 * HOUR + 10);
    fx_free(&f);
}

Test(alerts, complaint_overdue_and_satisfaction_per_unit)
{
    struct fx f = fx_new();
    struct complaint_batch *b = complaint_batch_new();
    for (int i = 0; i < 20; i++) {
        char id[16];
        snprintf(id, sizeof id, "C%d", i);
        struct complaint *c = complaint(b, id, "21025");
        c->expected = T0 + (i < 5 ? HOUR : 5 * DAY);
        if (i < 10) {
            c->open = false;
            c->status = CST_PUBLISHED;
            c->satisfaction = i < 7; /* 7 of 10: 70 %, not under 70 */
        }
    }
    store_merge_complaints(f.s, b);
    tick(&f, T0);
    cr_assert_null(event_of(f.a, "satisfaction"));
    cr_assert_null(event_of(f.a, "complaint_overdue"));
    /* The clock passes expected of the open ones among C0-C4? Those are closed; make five
     * open ones overdue instead. */
    b = complaint_batch_new();
    for (int i = 10; i < 15; i++) {
        char id[16];
        snprintf(id, sizeof id, "C%d", i);
        complaint(b, id, "21025")->expected = T0 + HOUR;
    }
    struct complaint *c = complaint(b, "C6", "21025"); /* 6 of 10 satisfied: 60 % */
    c->open = false;
    c->status = CST_PUBLISHED;
    c->satisfaction = 0;
    c->expected = T0 + HOUR;
    store_merge_complaints(f.s, b);
    tick(&f, T0 + 10);
    const struct alert_event *e = event_of(f.a, "satisfaction");
    cr_assert_not_null(e);
    cr_assert_eq(e->severity, ALERT_WARN);
    cr_assert_float_eq(e->value, 60, 1e-9);
    cr_assert(e->lower_is_worse);
    tick(&f, T0 + HOUR + 1); /* five open ones turn overdue */
    cr_assert_null(event_of(f.a, "complaint_overdue"), "min_duration 5m");
    tick(&f, T0 + HOUR + 5 * MIN + 1);
    e = event_of(f.a, "complaint_overdue");
    cr_assert_not_null(e);
    cr_assert_float_eq(e->value, 5, 1e-9);
    fx_free(&f);
}

Test(alerts, satisfaction_needs_min_count)
{
    struct fx f = fx_new();
    struct complaint_batch *b = complaint_batch_new();
    for (int i = 0; i < 9; i++) {
        char id[16];
        snprintf(id, sizeof id, "C%d", i);
        struct complaint *c = complaint(b, id, "21025");
        c->open = false;
        c->satisfaction = 0;
    }
    store_merge_complaints(f.s, b);
    tick(&f, T0);
    cr_assert_null(event_of(f.a, "satisfaction"), "9 ratings: under min_count 10");
    fx_free(&f);
}

/* ---- indicators and feeds ---------------------------------------------------------------- */

Test(alerts, indicator_behind_and_missing)
{
    struct fx f = fx_new();
    struct indicator_batch *b = indicator_batch_new();
    struct indicator_cell *c = indicator_batch_push(b, "21025", "ty_le_dung_han", "2025");
    c->plan = 98;
    c->actual = 73.5; /* 24.5 points: under 25 */
    c = indicator_batch_push(b, "21028", "ty_le_dung_han", "2025");
    c->plan = 98;
    c->actual = 73; /* 25 points: warn */
    c = indicator_batch_push(b, "21040", "ty_le_dung_han", "2025");
    c->plan = 98; /* not reported */
    indicator_batch_meta(b, "ty_le_dung_han")->unit = xstrdup("%");
    indicator_batch_meta(b, "ty_le_dung_han")->label = xstrdup("Tỷ lệ hồ sơ đúng hạn");
    store_merge_indicators(f.s, b);
    tick(&f, T0);
    cr_assert_eq(events_of(f.a, "indicator_behind"), 1);
    const struct alert_event *e = event_of(f.a, "indicator_behind");
    cr_assert_str_eq(e->unit_code, "21028");
    cr_assert_float_eq(e->value, 25, 1e-9);
    cr_assert_eq(e->severity, ALERT_WARN, "a planning matter is never critical by default");
    cr_assert(strstr(e->message, "Tỷ lệ hồ sơ đúng hạn"), "%s", e->message);
    cr_assert(strstr(e->message, "2025"), "%s", e->message);
    e = event_of(f.a, "indicator_missing");
    cr_assert_not_null(e);
    cr_assert_str_eq(e->unit_code, "21040");
    cr_assert_eq(e->target, ATT_INDICATOR);
    /* A later period where 21028 meets its plan: its event ends. */
    b = indicator_batch_new();
    c = indicator_batch_push(b, "21028", "ty_le_dung_han", "2026");
    c->plan = 98;
    c->actual = 99;
    store_merge_indicators(f.s, b);
    tick(&f, T0 + 10);
    cr_assert_neq(event_of(f.a, "indicator_behind")->end, TIME_NONE);
    fx_free(&f);
}

Test(alerts, feed_stale_failing)
{
    struct fx f = fx_new();
    alerts_feed_state(f.a, "sensors", 0, NULL, T0);
    cr_assert_eq(alerts_count(f.a), 0);
    alerts_feed_state(f.a, "sensors", 1, NULL, T0 + 10);
    const struct alert_event *e = event_of(f.a, "feed");
    cr_assert_eq(e->severity, ALERT_WARN);
    cr_assert_eq(e->target, ATT_FEED);
    cr_assert_null(e->unit_code);
    alerts_feed_state(f.a, "sensors", 2, "connection refused", T0 + 20);
    e = event_of(f.a, "feed");
    cr_assert_eq(e->severity, ALERT_CRITICAL);
    cr_assert(strstr(e->message, "connection refused"), "%s", e->message);
    /* A full evaluation does not end feed events (the app reports them). */
    tick(&f, T0 + 30);
    cr_assert_eq(event_of(f.a, "feed")->end, TIME_NONE);
    alerts_feed_state(f.a, "sensors", 0, NULL, T0 + 40);
    cr_assert_eq(event_of(f.a, "feed")->end, T0 + 40);
    fx_free(&f);
}

/* ---- actions, order, history --------------------------------------------------------------- */

Test(alerts, silence_holds_then_lifts)
{
    struct fx f = fx_new();
    cr_assert_eq(alerts_silence(f.a, "water_level", "21040", T0 + HOUR), 0);
    gauge(&f, T0, 6.5);
    tick(&f, T0);
    cr_assert_null(event_of(f.a, "water_level"), "silenced: does not fire");
    tick(&f, T0 + HOUR);
    const struct alert_event *e = event_of(f.a, "water_level");
    cr_assert_not_null(e, "fires when the silence ends");
    cr_assert_eq(e->start, T0);
    cr_assert_eq(alerts_critical_seq(f.a), 1);
    /* Silencing an active event: shown, not counted. */
    alerts_silence(f.a, "*", "21040", T0 + 2 * HOUR);
    cr_assert(event_of(f.a, "water_level")->silenced);
    cr_assert_eq(alerts_active_count(f.a), 0);
    cr_assert_eq(alerts_count(f.a), 1);
    cr_assert_eq(alerts_silence_count(f.a), 1);
    cr_assert_null(alerts_silence_at(f.a, 0)->rule);
    tick(&f, T0 + 2 * HOUR);
    cr_assert_not(event_of(f.a, "water_level")->silenced);
    cr_assert_eq(alerts_active_count(f.a), 1);
    cr_assert_eq(alerts_silence_count(f.a), 0);
    fx_free(&f);
}

Test(alerts, ack_holds_until_escalation)
{
    struct fx f = fx_new();
    gauge(&f, T0, 5.5);
    eval(&f, T0);
    const struct alert_event *e = event_of(f.a, "water_level");
    cr_assert_eq(alerts_ack(f.a, e->key, "đã báo PCTT", T0 + 60), 0);
    e = event_of(f.a, "water_level");
    cr_assert(e->acked);
    cr_assert_str_eq(e->ack_note, "đã báo PCTT");
    cr_assert_eq(e->ack_time, T0 + 60);
    cr_assert_eq(alerts_ack(f.a, "no such key", NULL, T0), -1);
    gauge(&f, T0 + 300, 5.7); /* still level I */
    eval(&f, T0 + 300);
    cr_assert(event_of(f.a, "water_level")->acked);
    gauge(&f, T0 + 600, 6.5); /* level II: worse than acked */
    eval(&f, T0 + 600);
    cr_assert_not(event_of(f.a, "water_level")->acked);
    cr_assert_eq(alerts_unacked_critical(f.a), 1);
    alerts_set_read_only(f.a, true);
    cr_assert_eq(alerts_ack(f.a, event_of(f.a, "water_level")->key, NULL, T0 + 700), -1);
    cr_assert_eq(alerts_silence(f.a, NULL, NULL, T0 + DAY), -1);
    fx_free(&f);
}

Test(alerts, display_order)
{
    struct fx f = fx_new();
    alerts_feed_state(f.a, "a", 1, NULL, T0);      /* warn, older */
    alerts_feed_state(f.a, "b", 1, NULL, T0 + 10); /* warn, newer */
    alerts_feed_state(f.a, "c", 2, NULL, T0 + 5);  /* critical */
    alerts_feed_state(f.a, "d", 2, NULL, T0 + 1);
    alerts_feed_state(f.a, "d", 0, NULL, T0 + 20); /* ended */
    static const char *const want[] = {"feed|feed:c", "feed|feed:b", "feed|feed:a", "feed|feed:d"};
    cr_assert_eq(alerts_count(f.a), 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(alerts_at(f.a, i)->key, want[i]);
    cr_assert_not_null(alerts_find(f.a, "feed|feed:d"));
    cr_assert_null(alerts_find(f.a, "feed|feed:zz"));
    cr_assert_eq(alerts_active_count(f.a), 3);
    cr_assert_eq(alerts_active_critical(f.a), 1);
    fx_free(&f);
}

Test(alerts, history_is_bounded)
{
    struct fx f = fx_new();
    struct cfg c = {0};
    cfg_add(&c, "rule.feed", "merge_interval", "0");
    configure(f.a, &c);
    for (int i = 0; i < 300; i++) {
        alerts_feed_state(f.a, "x", 2, NULL, T0 + 2 * i);
        alerts_feed_state(f.a, "x", 0, NULL, T0 + 2 * i + 1);
        alerts_tick(f.a, NULL, T0 + 2 * i + 1);
    }
    cr_assert_leq(alerts_count(f.a), ALERTS_KEEP_ENDED + 1);
    cr_assert_geq(alerts_count(f.a), ALERTS_KEEP_ENDED);
    alerts_tick(f.a, NULL, T0 + 2 * DAY);
    cr_assert_eq(alerts_count(f.a), 0, "gone after 24 h");
    fx_free(&f);
}

Test(alerts, scoped_rule_replaces_the_general_one_for_its_unit)
{
    struct fx f = fx_new();
    struct cfg c = {0};
    cfg_add(&c, "rule.lu_21040", "kind", "water_level");
    cfg_add(&c, "rule.lu_21040", "scope", "21040");
    cfg_add(&c, "rule.lu_21040", "warn", "II");
    cfg_add(&c, "rule.lu_21040", "critical", "III");
    configure(f.a, &c);
    gauge(&f, T0, 5.5); /* level I: the general rule would warn */
    eval(&f, T0);
    cr_assert_eq(alerts_count(f.a), 0);
    gauge(&f, T0 + 300, 6.5);
    eval(&f, T0 + 300);
    const struct alert_event *e = event_of(f.a, "lu_21040");
    cr_assert_not_null(e);
    cr_assert_eq(e->severity, ALERT_WARN);
    cr_assert_null(event_of(f.a, "water_level"));
    fx_free(&f);
}

Test(alerts, disabled_rule_ends_its_events)
{
    struct fx f = fx_new();
    gauge(&f, T0, 5.5);
    eval(&f, T0);
    cr_assert_not_null(event_of(f.a, "water_level"));
    struct cfg c = {0};
    cfg_add(&c, "rule.water_level", "enabled", "false");
    configure(f.a, &c);
    tick(&f, T0 + 10);
    cr_assert_eq(event_of(f.a, "water_level")->end, T0 + 10);
    fx_free(&f);
}

Test(alerts, message_template_and_export)
{
    struct fx f = fx_new();
    struct unit_batch *ub = unit_batch_new();
    struct unit *u = unit_batch_push(ub);
    u->code = xstrdup("21040");
    u->name = xstrdup("Bình Sơn");
    u->full_name = xstrdup("Xã Bình Sơn");
    store_merge_units(f.s, ub);
    struct cfg c = {0};
    cfg_add(&c, "rule.water_level", "message",
            "{{{severity}}} {unit} ({unit_code}): {value} m ≥ "
            "{threshold} m, {level} [{rule}] lần {count}");
    configure(f.a, &c);
    gauge(&f, T0, 6.25);
    eval(&f, T0);
    const struct alert_event *e = event_of(f.a, "water_level");
    cr_assert_str_eq(e->message, "{Nghiêm trọng} Xã Bình Sơn (21040): 6.25 m ≥ 6 m, BĐ II "
                                 "[water_level] lần 1");
    cr_assert_str_eq(e->unit_name, "Xã Bình Sơn");

    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    alerts_export(f.a, out, T0 + 2 * HOUR + 5 * MIN);
    fclose(out);
    cr_assert(strstr(text, "critical"), "%s", text);
    cr_assert(strstr(text, "2h05"), "%s", text);
    cr_assert(strstr(text, "21040"), "%s", text);
    cr_assert(strstr(text, "[6.25 m ≥ 6 m]"), "%s", text);
    free(text);

    alerts_free(f.a);
    f.a = alerts_new();
    out = open_memstream(&text, &len);
    alerts_export(f.a, out, T0);
    fclose(out);
    cr_assert(strstr(text, "Không có cảnh báo"), "%s", text);
    free(text);
    fx_free(&f);
}

/* ---- incremental = full -----------------------------------------------------------------------
 */

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void active_set(const struct alerts *a, char *out, size_t n)
{
    struct buf b = {0};
    char **keys = xcalloc(alerts_count(a) + 1, sizeof *keys);
    size_t k = 0;
    for (size_t i = 0; i < alerts_count(a); i++) {
        const struct alert_event *e = alerts_at(a, i);
        if (e->end == TIME_NONE)
            keys[k++] = xasprintf("%s=%s", e->key, alert_severity_code(e->severity));
    }
    qsort(keys, k, sizeof *keys, cmp_str);
    for (size_t i = 0; i < k; i++) {
        buf_appendf(&b, "%s\n", keys[i]);
        free(keys[i]);
    }
    free(keys);
    str_copy(out, b.data ? b.data : "", n);
    buf_free(&b);
}

Test(alerts, incremental_equals_full_after_random_changes)
{
    uint64_t rng = 42;
    struct fx f = fx_new();
    struct cfg c = {0};
    static const char *const rules[] = {
        "aqi_band", "pm25", "flood_depth", "dossier_overdue", "complaint_overdue", "satisfaction"};
    for (size_t i = 0; i < ARRAY_LEN(rules); i++) {
        char *sec = xasprintf("rule.%s", rules[i]);
        cfg_add(&c, sec, "min_duration", "0");
    }
    configure(f.a, &c);
    static const char *const units[] = {"21025", "21028", "21040", "21109"};
    int64_t now = T0;
    for (int round = 0; round < 120; round++) {
        now += 60 + (int64_t)(harness_rng(&rng) % 600);
        /* A few sensors, all reporting (never-heard sensors would differ in first-seen). */
        struct sensor_batch *sb = sensor_batch_new();
        for (int k = 0; k < 6; k++) {
            char id[16];
            snprintf(id, sizeof id, "s%d", k);
            struct sensor_update *u = sensor_batch_push(sb);
            u->s.id = xstrdup(id);
            u->meta = true;
            u->s.unit_code = xstrdup(units[k % 4]);
            u->s.station = xasprintf("st%d", k / 2);
            if (k < 2) {
                u->s.kind = SK_AIR_QUALITY;
                u->s.pollutant = AQI_POL_PM25;
                u->s.unit = xstrdup("µg/m³");
            } else if (k < 4) {
                u->s.kind = SK_FLOOD_DEPTH;
                u->s.unit = xstrdup("cm");
            } else {
                u->s.kind = SK_WATER_LEVEL;
                u->s.unit = xstrdup("m");
                for (int l = 0; l < 3; l++)
                    u->s.alarm[l] = alarm[l];
            }
            if (round == 0 || harness_rng(&rng) % 3)
                sensor_update_add_obs(u, now * 1000,
                                      (double)(harness_rng(&rng) % 100) / 10 * (k < 4 ? 10 : 1));
        }
        store_merge_sensors(f.s, sb);
        struct complaint_batch *cb = complaint_batch_new();
        for (int k = 0; k < 5; k++) {
            char id[16];
            snprintf(id, sizeof id, "p%u", (unsigned)(harness_rng(&rng) % 60));
            struct complaint *p = complaint(cb, id, units[harness_rng(&rng) % 4]);
            p->urgency = harness_rng(&rng) % 3 ? CURG_NORMAL : CURG_URGENT;
            p->status = harness_rng(&rng) % 2 ? CST_NEW : CST_IN_PROGRESS;
            p->open = harness_rng(&rng) % 5 != 0;
            p->satisfaction = (int)(harness_rng(&rng) % 3) - 1;
            p->requested = now - (int64_t)(harness_rng(&rng) % (2 * DAY));
            p->expected = now + (int64_t)(harness_rng(&rng) % (3 * DAY)) - DAY;
        }
        store_merge_complaints(f.s, cb);
        struct dossier_batch *db = dossier_batch_new();
        for (int k = 0; k < 5; k++) {
            char id[16];
            snprintf(id, sizeof id, "d%u", (unsigned)(harness_rng(&rng) % 80));
            struct dossier *d = dossier(db, id, units[harness_rng(&rng) % 4],
                                        now + (int64_t)(harness_rng(&rng) % (4 * DAY)) - DAY);
            d->supplements = (int)(harness_rng(&rng) % 3);
        }
        store_merge_dossiers(f.s, db, now);
        tick(&f, now);

        struct alerts *full = alerts_new();
        configure(full, &c);
        alerts_evaluate(full, f.s, NULL, now);
        static char got[1 << 16], want[1 << 16];
        active_set(f.a, got, sizeof got);
        active_set(full, want, sizeof want);
        cr_assert_str_eq(got, want, "round %d:\n%s\nvs full:\n%s", round, got, want);
        alerts_free(full);
    }
    cr_assert_gt(alerts_count(f.a), 5);
    for (size_t i = 0; i < c.n; i++)
        free(c.e[i].section);
    fx_free(&f);
}
