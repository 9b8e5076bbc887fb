/* What the store says, per rule kind: the evaluators behind alerts_evaluate and alerts_tick.
 *
 * A merge's changes name the records it touched; each evaluator judges those records (and
 * the units and stations they belong to) and nothing else. Conditions that time alone moves
 * have a timer: a station's silence, a camera's time offline, an urgent complaint waiting.
 * Each target keeps the time of its one live timer (next), and a heap entry whose time no
 * longer matches is stale and skipped, so the heaps hold about one entry per target.
 *
 * Sensor ages are measured against the newest reading any sensor sent (at most
 * SENSOR_CLOCK_SLACK_MS behind now), not the wall clock: a hub that stops altogether raises
 * one feed alert, not one alert per station and camera, and ages follow the hub's time. */
#include "alert_internal.h"

#include "citydeck/aqi.h"
#include "citydeck/clock.h"
#include "citydeck/util.h"
#include "citydeck/workdays.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)
#define SENSOR_CLOCK_SLACK_MS (10 * 60 * 1000)
#define DEFAULT_INTERVAL_MS (300 * 1000)
#define MIN_MS 60000.0

struct timer {
    int64_t when;
    size_t idx;
};

struct theap {
    struct timer *h;
    size_t n, cap;
};

struct station {
    char *key; /* unit code + '\x1f' + station name (or the sensor id) */
    char *name;
    char *unit; /* NULL = unattributed */
    size_t *members;
    size_t n, cap;
    int64_t next;     /* its timer (ms, sensor clock), TIME_NONE if none */
    int64_t first_ms; /* when it was first seen (sensor clock) */
};

struct alert_eval {
    struct station *st;
    size_t nst, stcap;
    struct strmap by_key;       /* keys: the stations' own key strings */
    size_t *sensor_station;     /* per sensor index: its station, NONE for none (cameras) */
    int64_t *sensor_next;       /* per sensor index: camera timer (ms) */
    int64_t *sensor_first;      /* per sensor index: first seen (ms) */
    unsigned char *sensor_kind; /* per sensor index: the kind it was last judged as */
    size_t nsensors, scap1, scap2, scap3, scap4;
    int64_t *complaint_next; /* per complaint index (s) */
    size_t ncomplaints, ccap;
    struct theap station_timers, camera_timers, complaint_timers;
    int64_t newest_ms; /* the newest reading seen, TIME_NONE before any */
};

/* ---- the heaps ----------------------------------------------------------------------- */

static void theap_push(struct theap *q, int64_t when, size_t idx)
{
    q->h = xgrow(q->h, &q->cap, q->n + 1, sizeof *q->h);
    size_t i = q->n++;
    q->h[i] = (struct timer){when, idx};
    while (i > 0 && q->h[(i - 1) / 2].when > q->h[i].when) {
        struct timer t = q->h[i];
        q->h[i] = q->h[(i - 1) / 2];
        q->h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static struct timer theap_pop(struct theap *q)
{
    struct timer top = q->h[0];
    q->h[0] = q->h[--q->n];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->n && q->h[l].when < q->h[m].when)
            m = l;
        if (r < q->n && q->h[r].when < q->h[m].when)
            m = r;
        if (m == i)
            break;
        struct timer t = q->h[i];
        q->h[i] = q->h[m];
        q->h[m] = t;
        i = m;
    }
    return top;
}

/* Arms a target's timer at when unless an earlier one is already armed (that one fires
 * first and re-arms). */
static void arm(struct theap *q, int64_t *next, int64_t when, size_t idx)
{
    if (when == TIME_NONE || (*next != TIME_NONE && *next <= when))
        return;
    *next = when;
    theap_push(q, when, idx);
}

/* ---- state ----------------------------------------------------------------------------- */

struct alert_eval *alert_eval_new(void)
{
    struct alert_eval *ev = xcalloc(1, sizeof *ev);
    ev->newest_ms = TIME_NONE;
    return ev;
}

void alert_eval_free(struct alert_eval *ev)
{
    if (!ev)
        return;
    for (size_t i = 0; i < ev->nst; i++) {
        free(ev->st[i].key);
        free(ev->st[i].name);
        free(ev->st[i].unit);
        free(ev->st[i].members);
    }
    free(ev->st);
    strmap_free(&ev->by_key);
    free(ev->sensor_station);
    free(ev->sensor_next);
    free(ev->sensor_first);
    free(ev->sensor_kind);
    free(ev->complaint_next);
    free(ev->station_timers.h);
    free(ev->camera_timers.h);
    free(ev->complaint_timers.h);
    free(ev);
}

static int64_t sensor_clock(const struct alert_eval *ev, int64_t now)
{
    if (ev->newest_ms == TIME_NONE)
        return TIME_NONE;
    int64_t now_ms = now * 1000;
    int64_t cap = ev->newest_ms + SENSOR_CLOCK_SLACK_MS;
    return now_ms < cap ? now_ms : cap;
}

static void sensors_grow(struct alert_eval *ev, size_t n, int64_t clock_ms)
{
    if (n <= ev->nsensors)
        return;
    ev->sensor_station = xgrow(ev->sensor_station, &ev->scap1, n, sizeof *ev->sensor_station);
    ev->sensor_next = xgrow(ev->sensor_next, &ev->scap2, n, sizeof *ev->sensor_next);
    ev->sensor_first = xgrow(ev->sensor_first, &ev->scap3, n, sizeof *ev->sensor_first);
    ev->sensor_kind = xgrow(ev->sensor_kind, &ev->scap4, n, sizeof *ev->sensor_kind);
    for (size_t i = ev->nsensors; i < n; i++) {
        ev->sensor_station[i] = NONE;
        ev->sensor_next[i] = TIME_NONE;
        ev->sensor_first[i] = clock_ms;
        ev->sensor_kind[i] = SK_COUNT; /* never judged */
    }
    ev->nsensors = n;
}

static void complaints_grow(struct alert_eval *ev, size_t n)
{
    if (n <= ev->ncomplaints)
        return;
    ev->complaint_next = xgrow(ev->complaint_next, &ev->ccap, n, sizeof *ev->complaint_next);
    for (size_t i = ev->ncomplaints; i < n; i++)
        ev->complaint_next[i] = TIME_NONE;
    ev->ncomplaints = n;
}

/* ---- shared judging ---------------------------------------------------------------------- */

static enum alert_severity judge(const struct alert_rule *r, double v, bool lower, double *thr)
{
    if (isnan(v))
        return ALERT_NONE;
    if (!isnan(r->critical) && (lower ? v < r->critical : v >= r->critical)) {
        *thr = r->critical;
        return ALERT_CRITICAL;
    }
    if (!isnan(r->warn) && (lower ? v < r->warn : v >= r->warn)) {
        *thr = r->warn;
        return ALERT_WARN;
    }
    return ALERT_NONE;
}

/* Every rule of kind k, as it applies to a target in unit (scope, enabled). */
#define FOR_RULES(a, k, ri)                                                                        \
    for (size_t ri = 0; ri < (a)->nrules; ri++)                                                    \
        if ((a)->rules[ri].kind == (k))

static void observe(struct alerts *a, const struct store *s, size_t ri, const char *id,
                    const char *unit, struct alert_obs *o, int64_t now)
{
    if (o->sev != ALERT_NONE && !alerts_rule_applies(a, ri, unit))
        o->sev = ALERT_NONE;
    alerts_observe(a, s, ri, id, unit, o, now);
}

static struct alert_obs obs_none(void)
{
    return (struct alert_obs){.sev = ALERT_NONE, .value = NAN, .threshold = NAN};
}

/* ---- sensors ------------------------------------------------------------------------------ */

/* Sensor interval from its last two readings, clamped to a sane range. */
static int64_t sensor_interval_ms(const struct sensor *s)
{
    size_t n = s->series ? series_len(s->series) : 0;
    struct series_point p, q;
    if (n < 2 || !series_at(s->series, n - 2, &p) || !series_at(s->series, n - 1, &q))
        return DEFAULT_INTERVAL_MS;
    int64_t d = q.t_ms - p.t_ms;
    if (d < 60000)
        return 60000;
    if (d > 86400000)
        return 86400000;
    return d;
}

/* µg/m³ from a concentration as the feed sent it; NaN for units we cannot convert. */
static double conc_ugm3(double v, const char *unit)
{
    if (!unit || !*unit)
        return v;
    if (strstr(unit, "mg/m"))
        return v * 1000;
    if (strstr(unit, "g/m")) /* µg/m³, μg/m³, ug/m3 */
        return v;
    return NAN;
}

static void eval_sensor_value(struct alerts *a, const struct store *s, size_t idx, int64_t now)
{
    const struct sensor *x = sensor_table_at(s->sensors, idx);
    enum alert_kind kinds[2];
    size_t nk = 0;
    if (x->kind == SK_AIR_QUALITY)
        kinds[nk++] = x->pollutant == AQI_POL_PM10 ? AK_PM10 : AK_PM25;
    else if (x->kind == SK_WATER_LEVEL)
        kinds[nk++] = AK_WATER_LEVEL;
    else if (x->kind == SK_FLOOD_DEPTH)
        kinds[nk++] = AK_FLOOD_DEPTH;
    /* A sensor that changed kind (or pollutant) must let go of what its old kind raised;
     * otherwise only its own kind needs a look. */
    unsigned char was = a->eval->sensor_kind[idx];
    unsigned char is =
        (unsigned char)(x->kind == SK_AIR_QUALITY && x->pollutant == AQI_POL_PM10 ? SK_COUNT + 1
                                                                                  : x->kind);
    bool changed = was != is;
    a->eval->sensor_kind[idx] = is;
    static const enum alert_kind all[] = {AK_PM25, AK_PM10, AK_WATER_LEVEL, AK_FLOOD_DEPTH};
    for (size_t k = 0; k < ARRAY_LEN(all); k++) {
        bool mine = nk && kinds[0] == all[k];
        if (!mine && !changed)
            continue;
        FOR_RULES(a, all[k], ri)
        {
            const struct alert_rule *r = &a->rules[ri];
            struct alert_obs o = obs_none();
            o.name = x->name ? x->name : x->station;
            if (mine && all[k] == AK_WATER_LEVEL) {
                if (x->level != FLOOD_UNKNOWN) {
                    double thr = NAN;
                    o.sev = judge(r, (double)x->level, false, &thr);
                    int lvl = (int)thr;
                    o.value = x->value;
                    o.threshold = lvl >= 1 && lvl <= 3 ? x->alarm[lvl - 1] : NAN;
                    o.level = flood_level_label(x->level);
                    o.name = x->station ? x->station : x->name;
                }
            } else if (mine && all[k] == AK_FLOOD_DEPTH) {
                double cm = flood_depth_cm(x->value, x->unit);
                o.sev = judge(r, cm, false, &o.threshold);
                o.value = cm;
                o.level = flood_depth_label(flood_depth_class(cm));
                o.name = x->station ? x->station : x->name;
            } else if (mine) { /* PM2.5 / PM10 */
                bool pm = x->pollutant == AQI_POL_PM25 || x->pollutant == AQI_POL_PM10;
                double c = pm ? conc_ugm3(x->value, x->unit) : NAN;
                o.sev = judge(r, c, false, &o.threshold);
                o.value = c;
                o.level = aqi_band_label(aqi_band(x->aqi));
                o.name = x->station ? x->station : x->name;
            }
            observe(a, s, ri, x->id, x->unit_code, &o, now);
        }
    }
}

/* When the camera was last known online: the start of its trailing run of offline
 * readings, its last reading if online, or when it was first seen if it never reported. */
static int64_t camera_down_since(const struct alert_eval *ev, const struct sensor *x, size_t idx)
{
    if (x->time_ms == TIME_NONE)
        return ev->sensor_first[idx];
    if (!x->offline)
        return x->time_ms;
    int64_t since = x->time_ms;
    size_t n = x->series ? series_len(x->series) : 0;
    struct series_point p;
    for (size_t i = n; i-- > 0 && series_at(x->series, i, &p);) {
        if (p.v > 0)
            break;
        since = p.t_ms;
    }
    return since;
}

static void eval_camera(struct alerts *a, const struct store *s, size_t idx, int64_t now,
                        bool was_camera)
{
    struct alert_eval *ev = a->eval;
    const struct sensor *x = sensor_table_at(s->sensors, idx);
    if (x->kind != SK_CAMERA && !was_camera)
        return;
    int64_t clock = sensor_clock(ev, now);
    bool camera = x->kind == SK_CAMERA && clock != TIME_NONE;
    int64_t since = camera ? camera_down_since(ev, x, idx) : TIME_NONE;
    FOR_RULES(a, AK_CAMERA_OFFLINE, ri)
    {
        const struct alert_rule *r = &a->rules[ri];
        struct alert_obs o = obs_none();
        o.name = x->station ? x->station : x->name;
        if (camera && since != TIME_NONE) {
            double down_s = (double)(clock - since) / 1000.0;
            double thr = NAN;
            o.sev = judge(r, down_s, false, &thr);
            o.value = floor(down_s / 60);
            o.threshold = thr / 60;
            o.level = x->offline ? "mất kết nối" : "không gửi trạng thái";
            /* Wake up when the next threshold is crossed. */
            double next = o.sev == ALERT_NONE   ? (isnan(r->warn) ? r->critical : r->warn)
                          : o.sev == ALERT_WARN ? r->critical
                                                : NAN;
            if (!isnan(next) && alerts_rule_applies(a, ri, x->unit_code))
                arm(&ev->camera_timers, &ev->sensor_next[idx], since + (int64_t)(next * 1000) + 1,
                    idx);
        }
        observe(a, s, ri, x->id, x->unit_code, &o, now);
    }
}

static size_t station_for(struct alert_eval *ev, const struct sensor *x, int64_t clock)
{
    char buf[512];
    const char *name = x->station ? x->station : x->id;
    int len = snprintf(buf, sizeof buf, "%s\x1f%s", x->unit_code ? x->unit_code : "", name);
    char *key = len >= 0 && (size_t)len < sizeof buf
                    ? buf
                    : xasprintf("%s\x1f%s", x->unit_code ? x->unit_code : "", name);
    size_t i = strmap_get(&ev->by_key, key);
    if (i == STRMAP_NONE) {
        ev->st = xgrow(ev->st, &ev->stcap, ev->nst + 1, sizeof *ev->st);
        struct station *st = &ev->st[ev->nst];
        memset(st, 0, sizeof *st);
        st->key = xstrdup(key);
        st->name = xstrdup(name);
        st->unit = x->unit_code ? xstrdup(x->unit_code) : NULL;
        st->next = TIME_NONE;
        st->first_ms = clock;
        strmap_put(&ev->by_key, st->key, ev->nst);
        i = ev->nst++;
    }
    if (key != buf)
        free(key);
    return i;
}

static void station_remove(struct station *st, size_t idx)
{
    for (size_t k = 0; k < st->n; k++) {
        if (st->members[k] == idx) {
            st->members[k] = st->members[--st->n];
            return;
        }
    }
}

/* Files a touched sensor under its station; marks the stations to judge again. */
static void sensor_place(struct alert_eval *ev, const struct sensor *x, size_t idx, int64_t clock,
                         struct store_index_set *todo)
{
    size_t want = x->kind == SK_CAMERA ? NONE : station_for(ev, x, clock);
    size_t have = ev->sensor_station[idx];
    if (have != want) {
        if (have != NONE) {
            station_remove(&ev->st[have], idx);
            store_index_set_add(todo, have);
        }
        if (want != NONE) {
            struct station *st = &ev->st[want];
            st->members = xgrow(st->members, &st->cap, st->n + 1, sizeof *st->members);
            st->members[st->n++] = idx;
        }
        ev->sensor_station[idx] = want;
    }
    if (want != NONE)
        store_index_set_add(todo, want);
}

static void eval_station(struct alerts *a, const struct store *s, size_t si, int64_t now)
{
    struct alert_eval *ev = a->eval;
    struct station *st = &ev->st[si];
    int worst = -1;
    bool any_air = false, any = st->n > 0;
    int64_t newest = TIME_NONE, interval = INT64_MAX;
    for (size_t k = 0; k < st->n; k++) {
        const struct sensor *x = sensor_table_at(s->sensors, st->members[k]);
        if (x->kind == SK_AIR_QUALITY) {
            any_air = true;
            if (x->aqi > worst)
                worst = x->aqi;
        }
        if (x->time_ms != TIME_NONE && (newest == TIME_NONE || x->time_ms > newest))
            newest = x->time_ms;
        int64_t iv = sensor_interval_ms(x);
        if (iv < interval)
            interval = iv;
    }
    FOR_RULES(a, AK_AQI_BAND, ri)
    {
        struct alert_obs o = obs_none();
        o.name = st->name;
        if (any_air && worst >= 0) {
            o.sev = judge(&a->rules[ri], (double)worst, false, &o.threshold);
            o.value = worst;
            o.level = aqi_band_label(aqi_band(worst));
        }
        observe(a, s, ri, st->name, st->unit, &o, now);
    }
    int64_t clock = sensor_clock(ev, now);
    int64_t last = newest != TIME_NONE ? newest : st->first_ms;
    FOR_RULES(a, AK_STATION_SILENT, ri)
    {
        const struct alert_rule *r = &a->rules[ri];
        struct alert_obs o = obs_none();
        o.name = st->name;
        if (any && clock != TIME_NONE && last != TIME_NONE) {
            int64_t iv = r->interval_s > 0 ? (int64_t)(r->interval_s * 1000) : interval;
            double age = (double)(clock - last);
            double thr = NAN;
            struct alert_rule scaled = *r;
            scaled.warn = r->warn * (double)iv;
            scaled.critical = r->critical * (double)iv;
            /* Silent means past the threshold, not at it: a reading exactly on time is on
             * time. */
            o.sev = judge(&scaled, age > 0 ? age - 1 : age, false, &thr);
            o.value = floor(age / MIN_MS);
            o.threshold = thr / MIN_MS;
            double next = o.sev == ALERT_NONE ? (isnan(scaled.warn) ? scaled.critical : scaled.warn)
                          : o.sev == ALERT_WARN ? scaled.critical
                                                : NAN;
            if (!isnan(next) && alerts_rule_applies(a, ri, st->unit))
                arm(&ev->station_timers, &st->next, last + (int64_t)next + 1, si);
        }
        observe(a, s, ri, st->name, st->unit, &o, now);
    }
}

static void note_reading(struct alert_eval *ev, const struct sensor *x, int64_t now)
{
    /* A reading from the future (a hub's clock ahead, a bad timestamp) must not pull the
     * sensor clock along. */
    if (x->time_ms != TIME_NONE && x->time_ms <= now * 1000 + SENSOR_CLOCK_SLACK_MS &&
        (ev->newest_ms == TIME_NONE || x->time_ms > ev->newest_ms))
        ev->newest_ms = x->time_ms;
}

/* ---- dossiers -------------------------------------------------------------------------- */

/* Working hours from a to b (negative when b is before a); far apart, a calendar estimate
 * (5 working days a week) keeps the cost bounded. */
static double working_hours(int64_t a, int64_t b, int offset)
{
    int64_t d = b - a;
    if (d > 90 * 86400 || d < -90 * 86400)
        return (double)d / 86400.0 * 8.0 * 5.0 / 7.0;
    return workdays_between(a, b, offset) * 8.0;
}

static void eval_dossier(struct alerts *a, const struct store *s, size_t idx, int64_t now)
{
    const struct dossier *d = dossier_table_at(s->dossiers, idx);
    if (!d || !d->id)
        return;
    bool open = dossier_is_open(d);
    enum deadline_state st = dossier_table_deadline_at(s->dossiers, idx);
    int64_t hub = dossier_table_now(s->dossiers);
    FOR_RULES(a, AK_DOSSIER_DUE_SOON, ri)
    {
        const struct alert_rule *r = &a->rules[ri];
        struct alert_obs o = obs_none();
        o.name = d->procedure ? d->procedure : d->procedure_code;
        if (open && (st == DL_DUE_SOON || st == DL_OVERDUE)) {
            o.sev = st == DL_OVERDUE && !isnan(r->critical) ? ALERT_CRITICAL : r->severity;
            o.value = hub != TIME_NONE && d->due != TIME_NONE
                          ? round(working_hours(hub, d->due, a->offset) * 100) / 100
                          : NAN;
            o.threshold = st == DL_OVERDUE ? 0 : 8;
            o.level = deadline_state_label(st);
        }
        observe(a, s, ri, d->id, d->unit_code, &o, now);
    }
    FOR_RULES(a, AK_DOSSIER_SUPPLEMENTS, ri)
    {
        struct alert_obs o = obs_none();
        o.name = d->procedure ? d->procedure : d->procedure_code;
        if (open) {
            o.sev = judge(&a->rules[ri], (double)d->supplements, false, &o.threshold);
            o.value = d->supplements;
        }
        observe(a, s, ri, d->id, d->unit_code, &o, now);
    }
}

/* A unit's count of overdue records against a count or a rate threshold. */
static struct alert_obs judge_overdue(const struct alert_rule *r, size_t overdue, size_t open,
                                      const char *count_unit)
{
    struct alert_obs o = obs_none();
    double count = (double)overdue;
    double rate = open > 0 && (double)open >= r->min_count ? 100.0 * count / (double)open : NAN;
    if (!isnan(r->critical) && (r->critical_rate ? rate : count) >= r->critical) {
        o.sev = ALERT_CRITICAL;
        o.threshold = r->critical;
        o.value = r->critical_rate ? rate : count;
        o.value_unit = r->critical_rate ? "%" : count_unit;
    } else if (!isnan(r->warn) && (r->warn_rate ? rate : count) >= r->warn) {
        o.sev = ALERT_WARN;
        o.threshold = r->warn;
        o.value = r->warn_rate ? rate : count;
        o.value_unit = r->warn_rate ? "%" : count_unit;
    }
    if (o.value_unit && strcmp(o.value_unit, "%") == 0)
        o.value = round(o.value * 10) / 10;
    return o;
}

static void eval_dossier_unit(struct alerts *a, const struct store *s, const char *code,
                              int64_t now)
{
    const struct dossier_stats *st = dossier_table_unit_stats(s->dossiers, code);
    FOR_RULES(a, AK_DOSSIER_OVERDUE, ri)
    {
        struct alert_obs o =
            st ? judge_overdue(&a->rules[ri], st->overdue, st->open, "hồ sơ") : obs_none();
        observe(a, s, ri, code, code, &o, now);
    }
}

/* ---- complaints ------------------------------------------------------------------------ */

static void eval_complaint(struct alerts *a, const struct store *s, size_t idx, int64_t now)
{
    struct alert_eval *ev = a->eval;
    const struct complaint *c = complaint_table_at(s->complaints, idx);
    if (!c || !c->id)
        return;
    complaints_grow(ev, idx + 1);
    bool waiting = complaint_is_urgent_unaccepted(c) && c->requested != TIME_NONE;
    FOR_RULES(a, AK_COMPLAINT_URGENT, ri)
    {
        const struct alert_rule *r = &a->rules[ri];
        struct alert_obs o = obs_none();
        o.name = c->category ? c->category : c->service_code;
        if (waiting) {
            /* Deadlines in working time from the request; a request older than a year is
             * past any of them (and would make the working-day walk long). */
            bool ancient = now - c->requested > 365 * 86400;
            int64_t warn_at = isnan(r->warn) ? TIME_NONE
                              : ancient      ? c->requested
                                             : workdays_add(c->requested, r->warn / 8.0, a->offset);
            int64_t crit_at = isnan(r->critical) ? TIME_NONE
                              : ancient          ? c->requested
                                        : workdays_add(c->requested, r->critical / 8.0, a->offset);
            if (crit_at != TIME_NONE && now >= crit_at) {
                o.sev = ALERT_CRITICAL;
                o.threshold = r->critical;
            } else if (warn_at != TIME_NONE && now >= warn_at) {
                o.sev = ALERT_WARN;
                o.threshold = r->warn;
            }
            if (o.sev != ALERT_NONE)
                o.value = round(working_hours(c->requested, now, a->offset) * 10) / 10;
            o.level = complaint_status_label(c->status);
            int64_t next = o.sev == ALERT_NONE && warn_at != TIME_NONE ? warn_at
                           : o.sev != ALERT_CRITICAL                   ? crit_at
                                                                       : TIME_NONE;
            if (next != TIME_NONE && alerts_rule_applies(a, ri, c->unit_code))
                arm(&ev->complaint_timers, &ev->complaint_next[idx], next, idx);
        }
        observe(a, s, ri, c->id, c->unit_code, &o, now);
    }
}

static void eval_complaint_unit(struct alerts *a, const struct store *s, const char *code,
                                int64_t now)
{
    const struct complaint_stats *st = complaint_table_unit_stats(s->complaints, code);
    FOR_RULES(a, AK_COMPLAINT_OVERDUE, ri)
    {
        struct alert_obs o =
            st ? judge_overdue(&a->rules[ri], st->overdue, st->open, "phản ánh") : obs_none();
        observe(a, s, ri, code, code, &o, now);
    }
    FOR_RULES(a, AK_SATISFACTION, ri)
    {
        const struct alert_rule *r = &a->rules[ri];
        struct alert_obs o = obs_none();
        size_t rated = st ? st->satisfied + st->not_satisfied : 0;
        if (rated > 0 && (double)rated >= r->min_count) {
            double rate = round(1000.0 * (double)st->satisfied / (double)rated) / 10;
            o.sev = judge(r, rate, true, &o.threshold);
            o.value = rate;
        }
        observe(a, s, ri, code, code, &o, now);
    }
}

/* ---- indicators ------------------------------------------------------------------------- */

/* Points behind plan: percentage points for "%" indicators, else percent of the plan. */
static double points_behind(const struct indicator_meta *m, double plan, double actual)
{
    if (isnan(plan) || isnan(actual))
        return NAN;
    if (m->unit && strcmp(m->unit, "%") == 0)
        return m->direction == IND_LOWER_BETTER ? actual - plan : plan - actual;
    double c = indicator_completion(m->direction, plan, actual);
    if (isinf(c) && c > 0)
        return 0;
    return isfinite(c) ? (1 - c) * 100 : NAN;
}

static void eval_indicator_unit(struct alerts *a, const struct store *s, const char *unit,
                                int64_t now)
{
    const struct indicator_store *is = s->indicators;
    size_t n = indicator_store_indicator_count(is);
    for (size_t i = 0; i < n; i++) {
        const struct indicator_meta *m = indicator_store_indicator_at(is, i);
        const char *period = indicator_store_latest_period(is, m->id);
        struct indicator_value v;
        bool have = period && indicator_store_get(is, unit, m->id, period, &v);
        const char *name = m->label ? m->label : m->id;
        FOR_RULES(a, AK_INDICATOR_BEHIND, ri)
        {
            struct alert_obs o = obs_none();
            o.name = name;
            o.period = period;
            if (have) {
                double gap = points_behind(m, v.plan, v.actual);
                if (!isnan(gap))
                    gap = round(gap * 10) / 10;
                o.sev = judge(&a->rules[ri], gap, false, &o.threshold);
                o.value = gap;
            }
            observe(a, s, ri, m->id, unit, &o, now);
        }
        FOR_RULES(a, AK_INDICATOR_MISSING, ri)
        {
            struct alert_obs o = obs_none();
            o.name = name;
            o.period = period;
            if (have && isnan(v.actual))
                o.sev = a->rules[ri].severity;
            observe(a, s, ri, m->id, unit, &o, now);
        }
    }
}

/* ---- entry points ------------------------------------------------------------------------ */

static void sensor_timers(struct alerts *a, const struct store *s, int64_t now)
{
    struct alert_eval *ev = a->eval;
    int64_t clock = sensor_clock(ev, now);
    if (clock == TIME_NONE)
        return;
    while (ev->station_timers.n > 0 && ev->station_timers.h[0].when <= clock) {
        struct timer t = theap_pop(&ev->station_timers);
        if (t.idx >= ev->nst || ev->st[t.idx].next != t.when)
            continue; /* stale */
        ev->st[t.idx].next = TIME_NONE;
        eval_station(a, s, t.idx, now);
    }
    size_t nsens = sensor_table_count(s->sensors);
    while (ev->camera_timers.n > 0 && ev->camera_timers.h[0].when <= clock) {
        struct timer t = theap_pop(&ev->camera_timers);
        if (t.idx >= ev->nsensors || t.idx >= nsens || ev->sensor_next[t.idx] != t.when)
            continue;
        ev->sensor_next[t.idx] = TIME_NONE;
        eval_camera(a, s, t.idx, now, true);
    }
}

void alert_eval_timers(struct alerts *a, const struct store *s, int64_t now)
{
    struct alert_eval *ev = a->eval;
    sensor_timers(a, s, now);
    size_t ncomp = complaint_table_count(s->complaints);
    while (ev->complaint_timers.n > 0 && ev->complaint_timers.h[0].when <= now) {
        struct timer t = theap_pop(&ev->complaint_timers);
        if (t.idx >= ev->ncomplaints || t.idx >= ncomp || ev->complaint_next[t.idx] != t.when)
            continue;
        ev->complaint_next[t.idx] = TIME_NONE;
        eval_complaint(a, s, t.idx, now);
    }
}

static void eval_sensors(struct alerts *a, const struct store *s, const size_t *idx, size_t n,
                         bool all, int64_t now)
{
    struct alert_eval *ev = a->eval;
    size_t count = sensor_table_count(s->sensors);
    for (size_t k = 0; k < (all ? count : n); k++) {
        size_t i = all ? k : idx[k];
        if (i < count)
            note_reading(ev, sensor_table_at(s->sensors, i), now);
    }
    int64_t clock = sensor_clock(ev, now);
    sensors_grow(ev, count, clock);
    struct store_index_set todo = {0};
    for (size_t k = 0; k < (all ? count : n); k++) {
        size_t i = all ? k : idx[k];
        if (i >= count)
            continue;
        const struct sensor *x = sensor_table_at(s->sensors, i);
        if (ev->sensor_first[i] == TIME_NONE)
            ev->sensor_first[i] = clock;
        sensor_place(ev, x, i, clock, &todo);
        bool was_camera = ev->sensor_kind[i] == SK_CAMERA;
        eval_sensor_value(a, s, i, now);
        eval_camera(a, s, i, now, was_camera);
    }
    if (all) {
        for (size_t si = 0; si < ev->nst; si++)
            store_index_set_add(&todo, si);
    }
    for (size_t k = 0; k < todo.n; k++) {
        if (ev->st[todo.idx[k]].first_ms == TIME_NONE)
            ev->st[todo.idx[k]].first_ms = clock;
        eval_station(a, s, todo.idx[k], now);
    }
    store_index_set_clear(&todo);
    /* The sensor clock moved with the new readings: ages elsewhere may have passed a
     * threshold. */
    sensor_timers(a, s, now);
}

void alert_eval_all(struct alerts *a, const struct store *s, int64_t now)
{
    eval_sensors(a, s, NULL, 0, true, now);
    size_t nd = dossier_table_count(s->dossiers);
    for (size_t i = 0; i < nd; i++)
        eval_dossier(a, s, i, now);
    size_t nc = complaint_table_count(s->complaints);
    complaints_grow(a->eval, nc);
    for (size_t i = 0; i < nc; i++)
        eval_complaint(a, s, i, now);
    size_t ndu = dossier_table_unit_count(s->dossiers);
    for (size_t i = 0; i < ndu; i++)
        eval_dossier_unit(a, s, dossier_table_unit_code(s->dossiers, i), now);
    size_t ncu = complaint_table_unit_count(s->complaints);
    for (size_t i = 0; i < ncu; i++)
        eval_complaint_unit(a, s, complaint_table_unit_code(s->complaints, i), now);
    size_t niu = indicator_store_unit_count(s->indicators);
    for (size_t i = 0; i < niu; i++)
        eval_indicator_unit(a, s, indicator_store_unit_at(s->indicators, i), now);
}

void alert_eval_changes(struct alerts *a, const struct store *s, const struct store_changes *ch,
                        int64_t now)
{
    if (ch->sensors.n)
        eval_sensors(a, s, ch->sensors.idx, ch->sensors.n, false, now);
    size_t nd = dossier_table_count(s->dossiers);
    for (size_t k = 0; k < ch->dossiers.n; k++)
        if (ch->dossiers.idx[k] < nd)
            eval_dossier(a, s, ch->dossiers.idx[k], now);
    size_t nc = complaint_table_count(s->complaints);
    for (size_t k = 0; k < ch->complaints.n; k++)
        if (ch->complaints.idx[k] < nc)
            eval_complaint(a, s, ch->complaints.idx[k], now);
    for (size_t k = 0; k < ch->dossier_units.n; k++)
        eval_dossier_unit(a, s, ch->dossier_units.codes[k], now);
    for (size_t k = 0; k < ch->complaint_units.n; k++)
        eval_complaint_unit(a, s, ch->complaint_units.codes[k], now);
    if (ch->indicators_all) {
        size_t niu = indicator_store_unit_count(s->indicators);
        for (size_t i = 0; i < niu; i++)
            eval_indicator_unit(a, s, indicator_store_unit_at(s->indicators, i), now);
    } else {
        for (size_t k = 0; k < ch->indicator_units.n; k++)
            eval_indicator_unit(a, s, ch->indicator_units.codes[k], now);
    }
}

/* ---- feeds -------------------------------------------------------------------------------- */

void alerts_feed_state(struct alerts *a, const char *feed, int state, const char *error,
                       int64_t now)
{
    if (!a || !feed)
        return;
    a->last_now = now;
    FOR_RULES(a, AK_FEED, ri)
    {
        struct alert_obs o = obs_none();
        o.name = feed;
        o.error = error && *error ? error : state == 1 ? "không có số liệu mới" : "";
        if (state > 0) {
            o.sev = judge(&a->rules[ri], (double)state, false, &o.threshold);
            o.value = state;
            o.level = state >= 2 ? "lỗi kết nối" : "chậm cập nhật";
        }
        /* For feeds, a rule's scope names the feed; the event has no unit. */
        if (o.sev != ALERT_NONE && !alerts_rule_applies(a, ri, feed))
            o.sev = ALERT_NONE;
        alerts_observe(a, NULL, ri, feed, NULL, &o, now);
    }
}
