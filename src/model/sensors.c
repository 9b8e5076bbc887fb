/* Sensor records, batches and the table the views read.
 *
 * Like the complaint table: a dense array (an index never changes, so views keep cursors as
 * plain indexes) plus two strmaps, one from sensor id to index and one from unit code to its
 * aggregate bucket. Nothing is ever removed.
 *
 * Aggregates are kept by contribution: before a sensor changes, what it added to its unit,
 * to the totals and (when unattributed) to the unattributed bucket is taken back out; after,
 * the new contribution is put in. Counts are thus exact at every step; only the worst-AQI
 * maximum needs the occasional rescan described in sensors.h. */
#include "citydeck/sensors.h"

#include "citydeck/clock.h"
#include "citydeck/strmap.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE ((size_t)-1)

struct unit_bucket {
    char *code;
    struct sensor_stats st;
    bool dirty; /* worst AQI holder left or fell: rescan at the end of the merge */
};

struct sensor_table {
    struct sensor *recs;
    size_t *rec_unit; /* bucket of recs[i]: index into units, NONE = unattributed */
    size_t n, cap, unit_cap;
    struct strmap by_id; /* keys: recs[i].id */
    struct unit_bucket *units;
    size_t nunits, ucap;
    struct strmap by_unit;                   /* keys: units[u].code */
    struct unit_bucket totals, unattributed; /* code NULL */
    size_t series_cap;
};

/* ---- kinds --------------------------------------------------------------------------------- */

static const char *const kind_codes[SK_COUNT] = {
    [SK_OTHER] = "other",
    [SK_AIR_QUALITY] = "air_quality",
    [SK_WATER_LEVEL] = "water_level",
    [SK_FLOOD_DEPTH] = "flood_depth",
    [SK_TRAFFIC_COUNT] = "traffic_count",
    [SK_CAMERA] = "camera",
};

static const char *const kind_labels[SK_COUNT] = {
    [SK_OTHER] = "Khác",
    [SK_AIR_QUALITY] = "Không khí",
    [SK_WATER_LEVEL] = "Mực nước",
    [SK_FLOOD_DEPTH] = "Độ ngập",
    [SK_TRAFFIC_COUNT] = "Lưu lượng xe",
    [SK_CAMERA] = "Camera",
};

const char *sensor_kind_code(enum sensor_kind k)
{
    return (unsigned)k < SK_COUNT ? kind_codes[k] : kind_codes[SK_OTHER];
}

const char *sensor_kind_label(enum sensor_kind k)
{
    return (unsigned)k < SK_COUNT ? kind_labels[k] : kind_labels[SK_OTHER];
}

bool sensor_kind_parse(const char *code, enum sensor_kind *out)
{
    if (!code)
        return false;
    static const struct {
        const char *code;
        enum sensor_kind k;
    } aliases[] = {
        {"other", SK_OTHER},
        {"air_quality", SK_AIR_QUALITY},
        {"airquality", SK_AIR_QUALITY},
        {"air", SK_AIR_QUALITY},
        {"aqi", SK_AIR_QUALITY},
        {"khong_khi", SK_AIR_QUALITY},
        {"water_level", SK_WATER_LEVEL},
        {"waterlevel", SK_WATER_LEVEL},
        {"water", SK_WATER_LEVEL},
        {"river", SK_WATER_LEVEL},
        {"muc_nuoc", SK_WATER_LEVEL},
        {"flood_depth", SK_FLOOD_DEPTH},
        {"flood", SK_FLOOD_DEPTH},
        {"ngap", SK_FLOOD_DEPTH},
        {"do_ngap", SK_FLOOD_DEPTH},
        {"traffic_count", SK_TRAFFIC_COUNT},
        {"traffic", SK_TRAFFIC_COUNT},
        {"giao_thong", SK_TRAFFIC_COUNT},
        {"camera", SK_CAMERA},
        {"cctv", SK_CAMERA},
    };
    while (*code == ' ')
        code++;
    for (size_t i = 0; i < ARRAY_LEN(aliases); i++) {
        if (strcasecmp(code, aliases[i].code) == 0) {
            *out = aliases[i].k;
            return true;
        }
    }
    return false;
}

/* ---- inference ----------------------------------------------------------------------------- */

static bool has_token(const char *s, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = strstr(s, tok); p; p = strstr(p + 1, tok)) {
        bool left = p == s || !isalnum((unsigned char)p[-1]);
        bool right = !isalnum((unsigned char)p[n]);
        if (left && right)
            return true;
    }
    return false;
}

static bool has_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s, words[i]))
            return true;
    return false;
}

/* Compact form: letters and digits only, so "PM2.5", "pm2_5" and "PM 2.5" all read "pm25". */
static char *compact(const char *folded)
{
    char *out = xmalloc(strlen(folded) + 1);
    size_t o = 0;
    for (const char *p = folded; *p; p++)
        if (isalnum((unsigned char)*p))
            out[o++] = *p;
    out[o] = '\0';
    return out;
}

static enum aqi_pollutant infer_pollutant(const char *folded, const char *packed, bool conc_unit)
{
    if (strstr(packed, "pm25"))
        return AQI_POL_PM25;
    if (strstr(packed, "pm10"))
        return AQI_POL_PM10;
    if (has_token(folded, "no2") || strstr(folded, "nitrogen dioxide"))
        return AQI_POL_NO2;
    if (has_token(folded, "so2") || strstr(folded, "sulfur dioxide") ||
        strstr(folded, "sulphur dioxide"))
        return AQI_POL_SO2;
    if (has_token(folded, "o3") || strstr(folded, "ozone"))
        return AQI_POL_O3;
    /* "co" is also the folded Vietnamese "có": only with a concentration unit or spelled out. */
    if (strstr(folded, "carbon monoxide") || (has_token(folded, "co") && conc_unit))
        return AQI_POL_CO;
    if (has_token(folded, "aqi") || strstr(packed, "vnaqi") || strstr(folded, "air quality index"))
        return AQI_POL_INDEX;
    return AQI_POL_NONE;
}

void sensor_infer(const char *const *texts, size_t n, const char *unit, enum sensor_kind *kind,
                  enum aqi_pollutant *pollutant)
{
    struct buf all = {0};
    for (size_t i = 0; i < n; i++) {
        if (!texts || !texts[i] || !*texts[i])
            continue;
        char *f = text_fold(texts[i]);
        buf_appendf(&all, " %s", f);
        free(f);
    }
    char *folded = buf_take(&all);
    /* Metric and label names write words with separators: river_level_m, flood-depth. */
    for (char *p = folded; *p; p++)
        if (*p == '_' || *p == '-')
            *p = ' ';
    char *packed = compact(folded);
    char *ufold = text_fold(unit ? unit : "");
    /* text_fold is NFKD: µ becomes μ (U+03BC) and ³ becomes 3. */
    bool conc_unit = strstr(ufold, "g/m3") || has_token(ufold, "ppm") || has_token(ufold, "ppb");

    static const char *const depth_words[] = {"flood depth", "do ngap", "ngap", "inundation",
                                              "water depth"};
    static const char *const water_words[] = {"water level", "waterlevel",  "muc nuoc",
                                              "river level", "river stage", "gauge height"};
    static const char *const traffic_words[] = {"traffic", "vehicle", "luu luong",
                                                "dem xe",  "so xe",   "phuong tien"};
    static const char *const camera_words[] = {"camera", "cctv"};
    static const char *const air_words[] = {"air quality", "chat luong khong khi", "bui min",
                                            "particulate"};

    enum aqi_pollutant p = infer_pollutant(folded, packed, conc_unit);
    enum sensor_kind k = SK_OTHER;
    if (p != AQI_POL_NONE || has_any(folded, air_words, ARRAY_LEN(air_words)))
        k = SK_AIR_QUALITY;
    else if (has_any(folded, depth_words, ARRAY_LEN(depth_words)))
        k = SK_FLOOD_DEPTH;
    else if (has_any(folded, water_words, ARRAY_LEN(water_words)))
        k = SK_WATER_LEVEL;
    else if (has_any(folded, camera_words, ARRAY_LEN(camera_words)))
        k = SK_CAMERA;
    else if (has_any(folded, traffic_words, ARRAY_LEN(traffic_words)) || has_token(ufold, "veh") ||
             strstr(ufold, "xe/"))
        k = SK_TRAFFIC_COUNT;
    else if (conc_unit)
        k = SK_AIR_QUALITY; /* a mass concentration with no pollutant named */
    if (kind)
        *kind = k;
    if (pollutant)
        *pollutant = p;
    free(folded);
    free(packed);
    free(ufold);
}

void sensor_derive(struct sensor *s)
{
    s->aqi = s->kind == SK_AIR_QUALITY ? aqi_sub_index_unit(s->pollutant, s->value, s->unit) : -1;
    s->level = s->kind == SK_WATER_LEVEL ? flood_level_of(s->value, s->alarm) : FLOOD_UNKNOWN;
    s->depth_class =
        s->kind == SK_FLOOD_DEPTH ? flood_depth_class(flood_depth_cm(s->value, s->unit)) : -1;
    /* NaN > 0 is false: a camera that sent null, or nothing yet, counts as offline. */
    s->offline = s->kind == SK_CAMERA && !(s->value > 0);
}

bool sensor_silent(const struct sensor *s, int64_t now_ms, int64_t max_age_ms)
{
    if (!s || s->kind != SK_CAMERA)
        return false;
    if (s->time_ms == TIME_NONE)
        return true;
    return now_ms - s->time_ms > max_age_ms;
}

/* ---- records and batches ------------------------------------------------------------------- */

static void sensor_init(struct sensor *s)
{
    memset(s, 0, sizeof *s);
    s->alarm[0] = s->alarm[1] = s->alarm[2] = NAN;
    s->value = NAN;
    s->time_ms = TIME_NONE;
    s->aqi = -1;
    s->level = FLOOD_UNKNOWN;
    s->depth_class = -1;
}

static void meta_free(struct sensor *s)
{
    free(s->remote_id);
    free(s->name);
    free(s->station);
    free(s->property);
    free(s->unit);
    free(s->unit_code);
}

void sensor_clear(struct sensor *s)
{
    if (!s)
        return;
    free(s->id);
    meta_free(s);
    series_free(s->series);
    sensor_init(s);
}

struct sensor_batch *sensor_batch_new(void)
{
    struct sensor_batch *b = xcalloc(1, sizeof *b);
    b->total_count = -1;
    b->scalar = NAN;
    b->scalar_t_ms = TIME_NONE;
    return b;
}

struct sensor_update *sensor_batch_push(struct sensor_batch *b)
{
    b->items = xgrow(b->items, &b->cap, b->n + 1, sizeof *b->items);
    struct sensor_update *u = &b->items[b->n++];
    memset(u, 0, sizeof *u);
    sensor_init(&u->s);
    return u;
}

void sensor_update_add_obs(struct sensor_update *u, int64_t t_ms, double v)
{
    u->obs = xgrow(u->obs, &u->cap_obs, u->n_obs + 1, sizeof *u->obs);
    u->obs[u->n_obs++] = (struct sensor_obs){t_ms, v};
}

static void str_list_add(char ***list, size_t *n, char *s)
{
    /* Exact-size growth: these lists hold a handful of entries. */
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = s;
}

void sensor_batch_add_warning(struct sensor_batch *b, char *text)
{
    str_list_add(&b->warnings, &b->n_warnings, text);
}

void sensor_batch_add_link(struct sensor_batch *b, char *link)
{
    str_list_add(&b->more_links, &b->n_more_links, link);
}

void sensor_batch_free(struct sensor_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        sensor_clear(&b->items[i].s);
        free(b->items[i].obs);
    }
    free(b->items);
    free(b->next_link);
    for (size_t i = 0; i < b->n_more_links; i++)
        free(b->more_links[i]);
    free(b->more_links);
    for (size_t i = 0; i < b->n_warnings; i++)
        free(b->warnings[i]);
    free(b->warnings);
    free(b);
}

/* ---- aggregates ---------------------------------------------------------------------------- */

static void stats_init(struct sensor_stats *st)
{
    memset(st, 0, sizeof *st);
    st->worst_aqi = -1;
    st->worst_aqi_sensor = NONE;
}

static bool any_alarm(const struct sensor *s)
{
    return isfinite(s->alarm[0]) || isfinite(s->alarm[1]) || isfinite(s->alarm[2]);
}

/* The counts a sensor adds (sign +1) or takes back (-1); size_t wraps back exactly. */
static void stats_count(struct sensor_stats *st, const struct sensor *s, int sign)
{
    size_t d = (size_t)sign;
    st->n += d;
    st->by_kind[(unsigned)s->kind < SK_COUNT ? s->kind : SK_OTHER] += d;
    if (s->time_ms == TIME_NONE || isnan(s->value))
        st->no_value += d;
    if (s->kind == SK_WATER_LEVEL) {
        if (!any_alarm(s))
            st->gauges_no_levels += d;
        for (int i = 0; i < (int)s->level && i < 3; i++)
            st->gauges_over[i] += d;
    }
    for (int i = 0; i < s->depth_class && i < 3; i++)
        st->depth_over[i] += d;
    if (s->offline)
        st->cameras_offline += d;
}

/* Is (aqi, idx) worse than the bucket's current worst? Higher AQI, ties to the lower index;
 * idx == holder counts, so a holder that comes back no better than before is still it. */
static bool aqi_beats(const struct sensor_stats *st, int aqi, size_t idx)
{
    return aqi >= 0 &&
           (aqi > st->worst_aqi || (aqi == st->worst_aqi && idx <= st->worst_aqi_sensor));
}

static void bucket_remove(struct unit_bucket *b, const struct sensor *s, size_t idx)
{
    stats_count(&b->st, s, -1);
    if (b->st.worst_aqi_sensor == idx)
        b->dirty = true; /* keep the stale maximum: it still bounds every other sensor */
}

static void bucket_add(struct unit_bucket *b, const struct sensor *s, size_t idx)
{
    stats_count(&b->st, s, +1);
    if (aqi_beats(&b->st, s->aqi, idx)) {
        /* Beating the stale maximum beats everything else too, so the bucket is exact. */
        b->st.worst_aqi = s->aqi;
        b->st.worst_aqi_sensor = idx;
        b->dirty = false;
    }
}

static struct unit_bucket *bucket_of(struct sensor_table *t, size_t idx)
{
    size_t u = t->rec_unit[idx];
    return u == NONE ? &t->unattributed : &t->units[u];
}

static void contribution(struct sensor_table *t, size_t idx, int sign)
{
    const struct sensor *s = &t->recs[idx];
    struct unit_bucket *buckets[] = {&t->totals, bucket_of(t, idx)};
    for (size_t i = 0; i < ARRAY_LEN(buckets); i++) {
        if (sign > 0)
            bucket_add(buckets[i], s, idx);
        else
            bucket_remove(buckets[i], s, idx);
    }
}

static size_t unit_bucket_for(struct sensor_table *t, const char *code)
{
    if (!code)
        return NONE;
    size_t u = strmap_get(&t->by_unit, code);
    if (u != STRMAP_NONE)
        return u;
    t->units = xgrow(t->units, &t->ucap, t->nunits + 1, sizeof *t->units);
    u = t->nunits++;
    t->units[u].code = xstrdup(code);
    stats_init(&t->units[u].st);
    t->units[u].dirty = false;
    strmap_put(&t->by_unit, t->units[u].code, u);
    return u;
}

static void bucket_reset_worst(struct unit_bucket *b)
{
    if (b->dirty) {
        b->st.worst_aqi = -1;
        b->st.worst_aqi_sensor = NONE;
    }
}

/* One pass settles every dirty bucket's maximum. */
static void rescan_worst(struct sensor_table *t)
{
    bool any = t->totals.dirty || t->unattributed.dirty;
    for (size_t u = 0; u < t->nunits && !any; u++)
        any = t->units[u].dirty;
    if (any) {
        bucket_reset_worst(&t->totals);
        bucket_reset_worst(&t->unattributed);
        for (size_t u = 0; u < t->nunits; u++)
            bucket_reset_worst(&t->units[u]);
        for (size_t i = 0; i < t->n; i++) {
            const struct sensor *s = &t->recs[i];
            struct unit_bucket *buckets[] = {&t->totals, bucket_of(t, i)};
            for (size_t k = 0; k < ARRAY_LEN(buckets); k++) {
                struct sensor_stats *st = &buckets[k]->st;
                if (buckets[k]->dirty && aqi_beats(st, s->aqi, i)) {
                    st->worst_aqi = s->aqi;
                    st->worst_aqi_sensor = i;
                }
            }
        }
        t->totals.dirty = t->unattributed.dirty = false;
        for (size_t u = 0; u < t->nunits; u++)
            t->units[u].dirty = false;
    }
    t->totals.st.worst_band = aqi_band(t->totals.st.worst_aqi);
    t->unattributed.st.worst_band = aqi_band(t->unattributed.st.worst_aqi);
    for (size_t u = 0; u < t->nunits; u++)
        t->units[u].st.worst_band = aqi_band(t->units[u].st.worst_aqi);
}

/* ---- the table ----------------------------------------------------------------------------- */

struct sensor_table *sensor_table_new(size_t series_cap)
{
    struct sensor_table *t = xcalloc(1, sizeof *t);
    t->series_cap = series_cap ? series_cap : SERIES_DEFAULT_CAP;
    stats_init(&t->totals.st);
    stats_init(&t->unattributed.st);
    return t;
}

void sensor_table_free(struct sensor_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        sensor_clear(&t->recs[i]);
    free(t->recs);
    free(t->rec_unit);
    for (size_t u = 0; u < t->nunits; u++)
        free(t->units[u].code);
    free(t->units);
    strmap_free(&t->by_id);
    strmap_free(&t->by_unit);
    free(t);
}

static bool num_same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

static bool meta_same(const struct sensor *a, const struct sensor *b)
{
    return a->kind == b->kind && a->pollutant == b->pollutant &&
           a->remote_id_is_string == b->remote_id_is_string && a->has_location == b->has_location &&
           (!a->has_location || (a->lat == b->lat && a->lon == b->lon)) &&
           num_same(a->alarm[0], b->alarm[0]) && num_same(a->alarm[1], b->alarm[1]) &&
           num_same(a->alarm[2], b->alarm[2]) && str_eq(a->remote_id, b->remote_id) &&
           str_eq(a->name, b->name) && str_eq(a->station, b->station) &&
           str_eq(a->property, b->property) && str_eq(a->unit, b->unit) &&
           str_eq(a->unit_code, b->unit_code);
}

/* Moves the metadata strings of src into dst, leaving src's NULL. */
static void meta_take(struct sensor *dst, struct sensor *src)
{
    meta_free(dst);
    dst->remote_id = src->remote_id;
    dst->remote_id_is_string = src->remote_id_is_string;
    dst->name = src->name;
    dst->station = src->station;
    dst->property = src->property;
    dst->unit = src->unit;
    dst->unit_code = src->unit_code;
    src->remote_id = src->name = src->station = src->property = src->unit = src->unit_code = NULL;
    dst->kind = src->kind;
    dst->pollutant = src->pollutant;
    dst->lat = src->lat;
    dst->lon = src->lon;
    dst->has_location = src->has_location;
    memcpy(dst->alarm, src->alarm, sizeof dst->alarm);
}

static int obs_cmp(const void *a, const void *b)
{
    int64_t x = ((const struct sensor_obs *)a)->t_ms, y = ((const struct sensor_obs *)b)->t_ms;
    return (x > y) - (x < y);
}

/* Oldest first. Pages usually come sorted one way or the other ($orderby=phenomenonTime desc
 * for the latest value; Prometheus matrices ascending): check before paying for a sort. */
static void obs_sort(struct sensor_obs *o, size_t n)
{
    bool asc = true, desc = true;
    for (size_t i = 1; i < n && (asc || desc); i++) {
        asc = asc && o[i - 1].t_ms <= o[i].t_ms;
        desc = desc && o[i - 1].t_ms >= o[i].t_ms;
    }
    if (asc)
        return;
    if (desc) {
        for (size_t i = 0, j = n - 1; i < j; i++, j--) {
            struct sensor_obs tmp = o[i];
            o[i] = o[j];
            o[j] = tmp;
        }
        return;
    }
    qsort(o, n, sizeof *o, obs_cmp);
}

static size_t table_add(struct sensor_table *t, struct sensor_update *u)
{
    t->recs = xgrow(t->recs, &t->cap, t->n + 1, sizeof *t->recs);
    t->rec_unit = xgrow(t->rec_unit, &t->unit_cap, t->n + 1, sizeof *t->rec_unit);
    size_t idx = t->n++;
    struct sensor *s = &t->recs[idx];
    sensor_init(s);
    s->id = u->s.id;
    u->s.id = NULL;
    if (u->meta) {
        meta_take(s, &u->s);
    } else { /* only readings: at least keep how the hub names it, for URLs */
        s->remote_id = u->s.remote_id;
        s->remote_id_is_string = u->s.remote_id_is_string;
        u->s.remote_id = NULL;
    }
    s->series = series_new(t->series_cap);
    strmap_put(&t->by_id, s->id, idx);
    return idx;
}

size_t sensor_table_merge(struct sensor_table *t, struct sensor_batch *b)
{
    if (!t || !b)
        return 0;
    size_t changed = 0;
    for (size_t k = 0; k < b->n; k++) {
        struct sensor_update *u = &b->items[k];
        if (!u->s.id)
            continue; /* cannot be addressed; freed with the batch */
        size_t idx = strmap_get(&t->by_id, u->s.id);
        bool differs;
        if (idx == STRMAP_NONE) {
            idx = table_add(t, u);
            differs = true;
        } else {
            contribution(t, idx, -1);
            struct sensor *s = &t->recs[idx];
            differs = u->meta && !meta_same(s, &u->s);
            if (differs)
                meta_take(s, &u->s);
        }
        struct sensor *s = &t->recs[idx];
        if (u->n_obs)
            obs_sort(u->obs, u->n_obs);
        for (size_t i = 0; i < u->n_obs; i++) {
            if (series_append(s->series, u->obs[i].t_ms, u->obs[i].v)) {
                s->time_ms = u->obs[i].t_ms;
                s->value = u->obs[i].v;
                differs = true;
            }
        }
        sensor_derive(s);
        t->rec_unit[idx] = unit_bucket_for(t, s->unit_code);
        contribution(t, idx, +1);
        changed += differs;
    }
    rescan_worst(t);
    return changed;
}

size_t sensor_table_count(const struct sensor_table *t)
{
    return t ? t->n : 0;
}

const struct sensor *sensor_table_at(const struct sensor_table *t, size_t i)
{
    return t && i < t->n ? &t->recs[i] : NULL;
}

const struct sensor *sensor_table_find(const struct sensor_table *t, const char *id)
{
    if (!t)
        return NULL;
    size_t idx = strmap_get(&t->by_id, id);
    return idx == STRMAP_NONE ? NULL : &t->recs[idx];
}

size_t sensor_table_unattributed(const struct sensor_table *t)
{
    return t ? t->unattributed.st.n : 0;
}

const struct sensor_stats *sensor_table_totals(const struct sensor_table *t)
{
    return t ? &t->totals.st : NULL;
}

const struct sensor_stats *sensor_table_unit(const struct sensor_table *t, const char *unit_code)
{
    if (!t)
        return NULL;
    if (!unit_code)
        return &t->unattributed.st;
    size_t u = strmap_get(&t->by_unit, unit_code);
    return u == STRMAP_NONE ? NULL : &t->units[u].st;
}

size_t sensor_table_unit_count(const struct sensor_table *t)
{
    return t ? t->nunits : 0;
}

const char *sensor_table_unit_code(const struct sensor_table *t, size_t i)
{
    return t && i < t->nunits ? t->units[i].code : NULL;
}

const struct sensor_stats *sensor_table_unit_at(const struct sensor_table *t, size_t i)
{
    return t && i < t->nunits ? &t->units[i].st : NULL;
}

void sensor_table_recount(const struct sensor_table *t, bool all, const char *unit_code,
                          struct sensor_stats *out)
{
    stats_init(out);
    for (size_t i = 0; t && i < t->n; i++) {
        const struct sensor *s = &t->recs[i];
        if (!all && !str_eq(s->unit_code, unit_code))
            continue;
        stats_count(out, s, +1);
        if (aqi_beats(out, s->aqi, i)) {
            out->worst_aqi = s->aqi;
            out->worst_aqi_sensor = i;
        }
    }
    out->worst_band = aqi_band(out->worst_aqi);
}

size_t sensor_table_cameras_silent(const struct sensor_table *t, int64_t now_ms, int64_t max_age_ms)
{
    size_t n = 0;
    for (size_t i = 0; t && i < t->n; i++)
        n += sensor_silent(&t->recs[i], now_ms, max_age_ms);
    return n;
}
