#include "sensors.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/log.h"
#include "citydeck/util.h"
#include "rng.h"

/* Keys of the random streams: each decision has its own, so adding one never shifts another. */
enum {
    KEY_LAYOUT = 0x6c6179,
    KEY_PARAMS = 0x706172,
    KEY_NAMES = 0x6e616d,
    KEY_WEATHER = 0x77656174,
    KEY_SLOW = 0x736c6f77,
    KEY_JITTER = 0x6a6974,
    KEY_JITTER2 = 0x6a697432,
    KEY_OUTAGE = 0x6f757461,
    KEY_EPISODES = 0x657069,
    KEY_FORCED = 0x666f7263,
    KEY_EPISODE_SENSOR = 0x65707365,
};

#define HOUR 3600
#define DAY 86400
#define WEEK (7 * DAY)
#define VN CLOCK_VN_OFFSET
#define MAX_CACHED_WEEKS 4

/* Expected sensors per unit at scale 1: phường, xã, đặc khu. Cities watch their streets;
 * rural communes get a gauge where a river runs and a camera at the commune centre. */
static const double per_unit[SENS_NKINDS][3] = {
    [SENS_AIR] = {1.0, 0.08, 0.5},   [SENS_WATER] = {0.25, 0.2, 0.0},
    [SENS_FLOOD] = {2.0, 0.05, 0.5}, [SENS_TRAFFIC] = {2.0, 0.15, 0.5},
    [SENS_CAMERA] = {5.0, 0.6, 2.0},
};

static const struct sens_kind_info kinds[SENS_NKINDS] = {
    [SENS_AIR] = {"air_quality", "Máy quan trắc bụi PM2.5/PM10 (tán xạ quang học)",
                  "Thiết bị quan trắc không khí tự động, liên tục; VN_AQI tính theo QĐ "
                  "1459/QĐ-TCMT",
                  "https://cem.gov.vn/"},
    [SENS_WATER] = {"water_level", "Máy đo mực nước radar",
                    "Trạm đo mực nước tự động, cao độ quốc gia (m)", "https://www.kttv.gov.vn/"},
    [SENS_FLOOD] = {"flood_depth", "Cảm biến độ ngập siêu âm",
                    "Đo độ sâu ngập úng mặt đường (cm); ngưỡng 10/20/30 cm", ""},
    [SENS_TRAFFIC] = {"traffic_count", "Bộ đếm phương tiện (camera AI)",
                      "Đếm phương tiện qua mặt cắt, mọi làn, mỗi 5 phút", ""},
    [SENS_CAMERA] = {"camera", "Giám sát trạng thái camera (VMS)",
                     "Hệ thống quản lý video báo trạng thái trực tuyến của camera", ""},
};

#define OT "http://www.opengis.net/def/observationType/OGC-OM/2.0/"

static const struct sens_prop_info props[PROP_N] = {
    [PROP_PM25] = {"PM2.5", "https://dd.eionet.europa.eu/vocabulary/aq/pollutant/6001",
                   "Nồng độ bụi mịn PM2.5 trung bình 5 phút", "microgram per cubic metre", "µg/m³",
                   "http://unitsofmeasure.org/ucum.html#ug/m3", OT "OM_Measurement",
                   "citydeck_air_pm25_ug_m3", "PM2.5 concentration in micrograms per cubic metre.",
                   SENS_AIR, RES_DECIMAL1},
    [PROP_PM10] = {"PM10", "https://dd.eionet.europa.eu/vocabulary/aq/pollutant/5",
                   "Nồng độ bụi PM10 trung bình 5 phút", "microgram per cubic metre", "µg/m³",
                   "http://unitsofmeasure.org/ucum.html#ug/m3", OT "OM_Measurement",
                   "citydeck_air_pm10_ug_m3", "PM10 concentration in micrograms per cubic metre.",
                   SENS_AIR, RES_DECIMAL1},
    [PROP_AQI] = {"VN_AQI", "https://cem.gov.vn/vn-aqi",
                  "Chỉ số chất lượng không khí Việt Nam (QĐ 1459/QĐ-TCMT), lớn nhất của chỉ số "
                  "PM2.5 và PM10 cùng thời điểm",
                  "VN_AQI", "VN_AQI", "https://cem.gov.vn/vn-aqi", OT "OM_Measurement",
                  "citydeck_air_vn_aqi", "VN_AQI (QD 1459/QD-TCMT) of the same PM readings.",
                  SENS_AIR, RES_INTEGER},
    [PROP_WATER] = {"Mực nước", "http://vocab.nerc.ac.uk/collection/P01/current/ASLVZZ01/",
                    "Mực nước sông tại trạm, so với các cấp báo động I/II/III", "metre", "m",
                    "http://unitsofmeasure.org/ucum.html#m", OT "OM_Measurement",
                    "citydeck_water_level_meters",
                    "River water level in metres; alarm levels I/II/III in the bd labels.",
                    SENS_WATER, RES_DECIMAL2},
    [PROP_DEPTH] = {"Độ ngập", "https://citydeck.invalid/def/flood-depth",
                    "Độ sâu ngập úng mặt đường", "centimetre", "cm",
                    "http://unitsofmeasure.org/ucum.html#cm", OT "OM_Measurement",
                    "citydeck_flood_depth_centimeters", "Street flooding depth in centimetres.",
                    SENS_FLOOD, RES_DECIMAL1},
    [PROP_TRAFFIC] = {"Lưu lượng xe", "https://citydeck.invalid/def/vehicle-count",
                      "Số phương tiện qua điểm đếm trong 5 phút", "vehicles per 5 minutes",
                      "xe/5 phút", "http://unitsofmeasure.org/ucum.html#{vehicle}",
                      OT "OM_CountObservation", "citydeck_traffic_vehicles",
                      "Vehicles counted in the last 5-minute interval.", SENS_TRAFFIC, RES_INTEGER},
    [PROP_CAMERA] = {"Trạng thái camera", "https://citydeck.invalid/def/camera-online",
                     "Camera trực tuyến (true) hay mất kết nối (false)", NULL, NULL, NULL,
                     OT "OM_TruthObservation", "citydeck_camera_up",
                     "Camera status: 1 online, 0 offline.", SENS_CAMERA, RES_BOOLEAN},
};

static const char *const streets[] = {
    "Hùng Vương",    "Lê Lợi",          "Quang Trung",    "Trần Hưng Đạo",
    "Nguyễn Huệ",    "Phan Đình Phùng", "Lý Thường Kiệt", "Hai Bà Trưng",
    "Nguyễn Trãi",   "Bà Triệu",        "Trường Chinh",   "Phạm Văn Đồng",
    "Nguyễn Nghiêm", "Lê Trung Đình",   "Võ Nguyên Giáp", "Điện Biên Phủ",
};

static const char *const roads[] = {
    "Quốc lộ 1",      "Quốc lộ 14",     "Quốc lộ 24",     "Quốc lộ 24B",
    "Đường tỉnh 622", "Đường tỉnh 623", "Đường tỉnh 624", "Đường tỉnh 627B",
};

/* Quảng Ngãi (with Kon Tum since 2025) gets its own rivers; elsewhere a national list. */
static const char *const rivers_51[] = {"Trà Khúc", "Vệ",    "Trà Bồng", "Trà Câu",
                                        "Đăk Bla",  "Pô Kô", "Đăk Psi",  "Rinh"};
static const char *const rivers_vn[] = {"Hồng", "Đà",  "Thu Bồn",   "Vu Gia", "Hương", "Mã",
                                        "Cả",   "Lam", "Đồng Nai",  "Tiền",   "Hậu",   "Ba",
                                        "Kôn",  "Chu", "Thái Bình", "Gianh"};

struct week_cache {
    int64_t week;
    struct episode *items;
    size_t n;
};

struct sensors {
    const struct world *world;
    uint64_t seed, province_key;
    double scale;
    double episode_rate;
    struct sens_thing *things;
    size_t nthings;
    struct sens_stream *streams;
    size_t nstreams;
    size_t by_kind[SENS_NKINDS];
    /* Per unit: how many sensors of each kind, for picking episode units. */
    int (*unit_counts)[SENS_NKINDS];
    struct episode *forced;
    size_t nforced, cap_forced;
    struct week_cache cache[MAX_CACHED_WEEKS];
};

/* ---- small helpers ------------------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static double round_to(double x, double unit)
{
    return round(x / unit) * unit;
}

/* Round to 1 or 2 decimals through the decimal text, so the double is the one that prints
 * back as that text (x * 10 / 10 can be off by an ulp and print as 23.400000000000002). */
static double round_dec(double x, int decimals)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, x);
    double v = strtod(buf, NULL);
    return v == 0 ? 0.0 : v; /* no "-0" */
}

static double smoothstep(double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    return x * x * (3 - 2 * x);
}

/* A bump of half-width w around hour mu on the 24-hour circle: (1 - (d/w)^2)^2. Polynomial,
 * so the values do not depend on the libm at hand. */
static double bump(double h, double mu, double w)
{
    double d = fabs(h - mu);
    if (d > 12)
        d = 24 - d;
    if (d >= w)
        return 0;
    double x = d / w;
    return (1 - x * x) * (1 - x * x);
}

static double local_hour(int64_t t)
{
    int64_t s = (t + VN) % DAY;
    if (s < 0)
        s += DAY;
    return (double)s / HOUR;
}

/* 0 = Sunday; 1970-01-01 was a Thursday. */
static int local_weekday(int64_t t)
{
    int64_t d = floor_div(t + VN, DAY);
    int w = (int)((d + 4) % 7);
    return w < 0 ? w + 7 : w;
}

static double uniform_at(uint64_t seed, uint64_t key, int64_t i, uint64_t tag)
{
    struct rng r;
    rng_seed(&r, seed, key, (uint64_t)i, tag);
    return rng_uniform(&r);
}

/* Value noise in [-1, 1]: random knots every period seconds, eased between them, so
 * readings wander smoothly instead of jumping from one slot to the next. */
static double smooth_noise(uint64_t seed, uint64_t key, int64_t t, int64_t period, uint64_t tag)
{
    int64_t i = floor_div(t, period);
    double f = (double)(t - i * period) / (double)period;
    double a = uniform_at(seed, key, i, tag) * 2 - 1;
    double b = uniform_at(seed, key, i + 1, tag) * 2 - 1;
    return a + (b - a) * smoothstep(f);
}

static uint64_t mix(uint64_t a, uint64_t b)
{
    struct rng r;
    rng_seed(&r, a, b, 0, 0);
    return rng_next(&r);
}

/* ---- VN_AQI (QĐ 1459/QĐ-TCMT) ------------------------------------------------------------- */

static const double aqi_bp[8] = {0, 50, 100, 150, 200, 300, 400, 500};
static const double pm25_bp[8] = {0, 25, 50, 80, 150, 250, 350, 500};
static const double pm10_bp[8] = {0, 50, 150, 250, 350, 420, 500, 600};

/* Linear interpolation between the breakpoints, rounded as the guideline publishes it. The
 * simulator links only the core layer, so the console's model/aqi.c is not at hand; the tests
 * check the two agree. */
static int sub_index(const double *bp, double c)
{
    if (!(c >= 0))
        return -1;
    if (c >= bp[7])
        return 500;
    int i = 0;
    while (c > bp[i + 1])
        i++;
    double v = aqi_bp[i] + (aqi_bp[i + 1] - aqi_bp[i]) / (bp[i + 1] - bp[i]) * (c - bp[i]);
    return v >= 500 ? 500 : (int)floor(v + 0.5);
}

int sensors_aqi_pm25(double c)
{
    return sub_index(pm25_bp, c);
}

int sensors_aqi_pm10(double c)
{
    return sub_index(pm10_bp, c);
}

/* ---- layout -------------------------------------------------------------------------------- */

static int unit_class(const struct unit *u)
{
    return u->kind == UNIT_PHUONG ? 0 : u->kind == UNIT_XA ? 1 : 2;
}

static uint64_t unit_key(const struct unit *u)
{
    return rng_hash(u->code, strlen(u->code));
}

static const char *pick(struct rng *r, const char *const *list, size_t n)
{
    return list[rng_int(r, 0, (int)n - 1)];
}

static char *numbered(char *name, int local)
{
    if (local == 0)
        return name;
    char *out = xasprintf("%s số %d", name, local + 1);
    free(name);
    return out;
}

static void thing_describe(const struct sensors *s, struct sens_thing *t)
{
    const struct world *w = s->world;
    const struct unit *u = &w->units[t->unit];
    struct rng r;
    rng_seed(&r, t->key, KEY_NAMES, 0, 0);
    bool urban = u->kind == UNIT_PHUONG;
    bool qn = strcmp(w->province_code, "51") == 0;
    switch (t->kind) {
    case SENS_AIR:
        t->name = numbered(xasprintf("Trạm quan trắc không khí %s", u->name), t->local);
        t->description = xasprintf("Trạm quan trắc chất lượng không khí tự động (PM2.5, PM10, "
                                   "VN_AQI), %s, %s",
                                   u->full_name, w->province_name);
        break;
    case SENS_WATER: {
        const char *river = qn ? pick(&r, rivers_51, ARRAY_LEN(rivers_51))
                               : pick(&r, rivers_vn, ARRAY_LEN(rivers_vn));
        t->name = numbered(xasprintf("Trạm thủy văn sông %s - %s", river, u->name), t->local);
        t->description = xasprintf("Trạm đo mực nước tự động trên sông %s, %s; cấp báo động "
                                   "I/II/III theo QĐ 05/2020/QĐ-TTg",
                                   river, u->full_name);
        break;
    }
    case SENS_FLOOD: {
        const char *street = pick(&r, streets, ARRAY_LEN(streets));
        t->name = numbered(xasprintf("Cảm biến ngập đường %s - %s", street, u->name), t->local);
        t->description =
            xasprintf("Cảm biến đo độ sâu ngập úng trên đường %s, %s", street, u->full_name);
        break;
    }
    case SENS_TRAFFIC: {
        const char *road =
            urban ? pick(&r, streets, ARRAY_LEN(streets)) : pick(&r, roads, ARRAY_LEN(roads));
        t->name = numbered(xasprintf("Điểm đếm xe %s%s - %s", urban ? "đường " : "", road, u->name),
                           t->local);
        t->description = xasprintf("Đếm lưu lượng phương tiện hai chiều trên %s%s, %s",
                                   urban ? "đường " : "", road, u->full_name);
        break;
    }
    case SENS_CAMERA:
        if (urban) {
            /* Two different streets: a corner of a street with itself is no corner. */
            int n = (int)ARRAY_LEN(streets);
            int ia = rng_int(&r, 0, n - 1), ib = (ia + rng_int(&r, 1, n - 1)) % n;
            const char *a = streets[ia], *b = streets[ib];
            t->name =
                numbered(xasprintf("Camera giao thông nút %s - %s (%s)", a, b, u->name), t->local);
            t->description =
                xasprintf("Camera an toàn giao thông tại nút %s - %s, %s", a, b, u->full_name);
        } else {
            t->name = numbered(xasprintf("Camera an ninh %s", u->name), t->local);
            t->description = xasprintf("Camera an ninh trật tự khu trung tâm %s", u->lower_full);
        }
        break;
    case SENS_NKINDS:
        break;
    }
}

static void thing_params(struct sens_thing *t, const struct unit *u)
{
    struct rng r;
    rng_seed(&r, t->key, KEY_PARAMS, 0, 0);
    int cls = unit_class(u);
    /* Scattered about 1 km around the unit's centroid. */
    t->lat = round_to(u->lat + rng_range(&r, -0.012, 0.012), 1e-6);
    t->lon = round_to(u->lon + rng_range(&r, -0.012, 0.012), 1e-6);
    t->alarm[0] = t->alarm[1] = t->alarm[2] = NAN;
    switch (t->kind) {
    case SENS_AIR: {
        /* Quảng Ngãi's yearly PM2.5 is moderate; towns above villages and islands. */
        static const double lo[3] = {15, 9, 7}, hi[3] = {30, 20, 14};
        t->base = round_dec(rng_range(&r, lo[cls], hi[cls]), 1);
        t->ratio = round_dec(rng_range(&r, 1.45, 1.9), 2);
        break;
    }
    case SENS_WATER: {
        /* Central-coast stations publish levels of about 1.5 to 15 m with 1 m between alarm
         * levels (domain-vn §5.2); the dry-season level sits 1.2 to 3 m under level I. */
        double i1 = round_dec(rng_range(&r, 1.5, 9.0), 1);
        double i2 = round_dec(i1 + rng_range(&r, 0.8, 1.5), 1);
        double i3 = round_dec(i2 + rng_range(&r, 0.8, 1.5), 1);
        t->alarm[0] = i1;
        t->alarm[1] = i2;
        t->alarm[2] = i3;
        t->base = round_dec(i1 - rng_range(&r, 1.2, 3.0), 2);
        break;
    }
    case SENS_TRAFFIC: {
        static const double lo[3] = {110, 35, 25}, hi[3] = {320, 140, 70};
        t->base = round_dec(rng_range(&r, lo[cls], hi[cls]), 0);
        break;
    }
    case SENS_FLOOD:
    case SENS_CAMERA:
    case SENS_NKINDS:
        break;
    }
}

static const enum sens_prop kind_streams[SENS_NKINDS][3] = {
    [SENS_AIR] = {PROP_PM25, PROP_PM10, PROP_AQI},
    [SENS_WATER] = {PROP_WATER},
    [SENS_FLOOD] = {PROP_DEPTH},
    [SENS_TRAFFIC] = {PROP_TRAFFIC},
    [SENS_CAMERA] = {PROP_CAMERA},
};
static const int kind_nstreams[SENS_NKINDS] = {3, 1, 1, 1, 1};

static int count_for(const struct unit *u, enum sens_kind k, double scale)
{
    struct rng r;
    rng_seed(&r, unit_key(u), KEY_LAYOUT, (uint64_t)k, 0);
    double expect = per_unit[k][unit_class(u)] * scale;
    return (int)floor(expect + rng_uniform(&r));
}

static void add_thing(struct sensors *s, size_t *cap_t, size_t *cap_s, size_t unit,
                      enum sens_kind k, int local)
{
    const struct unit *u = &s->world->units[unit];
    s->things = xgrow(s->things, cap_t, s->nthings + 1, sizeof *s->things);
    struct sens_thing *t = &s->things[s->nthings++];
    memset(t, 0, sizeof *t);
    t->id = (int)s->nthings;
    t->unit = unit;
    t->kind = k;
    t->local = local;
    t->key = mix(unit_key(u), ((uint64_t)k << 32) | (uint64_t)local);
    thing_params(t, u);
    thing_describe(s, t);
    t->first_ds = (int)s->nstreams + 1;
    t->nds = kind_nstreams[k];
    for (int i = 0; i < t->nds; i++) {
        s->streams = xgrow(s->streams, cap_s, s->nstreams + 1, sizeof *s->streams);
        struct sens_stream *ds = &s->streams[s->nstreams++];
        ds->id = (int)s->nstreams;
        ds->thing = t->id;
        ds->prop = kind_streams[k][i];
        ds->name = xasprintf("%s - %s", props[ds->prop].name, t->name);
        ds->description = xasprintf("%s tại %s", props[ds->prop].description, t->name);
    }
    s->by_kind[k]++;
    s->unit_counts[unit][k]++;
}

struct sensors *sensors_new(const struct world *w, const struct sim_options *o, double episode_rate)
{
    struct sensors *s = xcalloc(1, sizeof *s);
    s->world = w;
    s->seed = o->seed;
    s->province_key = rng_hash(w->province_code, strlen(w->province_code));
    s->scale = !(o->scale > 0) ? 1 : o->scale > SENSORS_MAX_SCALE ? SENSORS_MAX_SCALE : o->scale;
    s->episode_rate = episode_rate < 0                          ? 0
                      : episode_rate > SENSORS_MAX_EPISODE_RATE ? SENSORS_MAX_EPISODE_RATE
                                                                : episode_rate;
    s->unit_counts = xcalloc(w->nunits ? w->nunits : 1, sizeof *s->unit_counts);
    for (int i = 0; i < MAX_CACHED_WEEKS; i++)
        s->cache[i].week = INT64_MIN;

    /* Every kind somewhere: a province of villages still gets one station of each, in its
     * most populous unit. */
    int counts_total[SENS_NKINDS] = {0};
    int *counts = xcalloc(w->nunits * SENS_NKINDS + 1, sizeof *counts);
    for (size_t i = 0; i < w->nunits; i++)
        for (int k = 0; k < SENS_NKINDS; k++) {
            counts[i * SENS_NKINDS + (size_t)k] = count_for(&w->units[i], k, s->scale);
            counts_total[k] += counts[i * SENS_NKINDS + (size_t)k];
        }
    size_t biggest = 0;
    for (size_t i = 1; i < w->nunits; i++)
        if (w->units[i].population > w->units[biggest].population)
            biggest = i;
    for (int k = 0; k < SENS_NKINDS; k++)
        if (counts_total[k] == 0 && w->nunits)
            counts[biggest * SENS_NKINDS + (size_t)k] = 1;

    size_t cap_t = 0, cap_s = 0;
    for (size_t i = 0; i < w->nunits; i++)
        for (int k = 0; k < SENS_NKINDS; k++)
            for (int j = 0; j < counts[i * SENS_NKINDS + (size_t)k]; j++)
                add_thing(s, &cap_t, &cap_s, i, k, j);
    free(counts);
    return s;
}

void sensors_free(struct sensors *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nthings; i++) {
        free(s->things[i].name);
        free(s->things[i].description);
    }
    for (size_t i = 0; i < s->nstreams; i++) {
        free(s->streams[i].name);
        free(s->streams[i].description);
    }
    for (int i = 0; i < MAX_CACHED_WEEKS; i++)
        free(s->cache[i].items);
    free(s->things);
    free(s->streams);
    free(s->unit_counts);
    free(s->forced);
    free(s);
}

/* ---- accessors ----------------------------------------------------------------------------- */

const struct world *sensors_world(const struct sensors *s)
{
    return s->world;
}

uint64_t sensors_seed(const struct sensors *s)
{
    return s->seed;
}

double sensors_scale(const struct sensors *s)
{
    return s->scale;
}

double sensors_episode_rate(const struct sensors *s)
{
    return s->episode_rate;
}

size_t sensors_thing_count(const struct sensors *s)
{
    return s->nthings;
}

size_t sensors_stream_count(const struct sensors *s)
{
    return s->nstreams;
}

const struct sens_thing *sensors_thing(const struct sensors *s, int id)
{
    return id >= 1 && (size_t)id <= s->nthings ? &s->things[id - 1] : NULL;
}

const struct sens_stream *sensors_stream(const struct sensors *s, int id)
{
    return id >= 1 && (size_t)id <= s->nstreams ? &s->streams[id - 1] : NULL;
}

size_t sensors_kind_count(const struct sensors *s, enum sens_kind k)
{
    return (unsigned)k < SENS_NKINDS ? s->by_kind[k] : 0;
}

const struct sens_prop_info *sensors_prop_info(enum sens_prop p)
{
    return &props[p];
}

const struct sens_kind_info *sensors_kind_info(enum sens_kind k)
{
    return &kinds[k];
}

int64_t sensors_slot(int64_t t)
{
    return floor_div(t, SENSORS_INTERVAL);
}

const char *episode_kind_code(enum episode_kind k)
{
    return k == EPISODE_AQI ? "aqi" : "flood";
}

int64_t episode_end(const struct episode *e)
{
    return e->start + e->rise + e->hold + e->fall;
}

/* ---- episodes ------------------------------------------------------------------------------ */

static bool unit_eligible(const struct sensors *s, size_t unit, enum episode_kind k)
{
    const int *c = s->unit_counts[unit];
    return k == EPISODE_AQI ? c[SENS_AIR] > 0 : c[SENS_WATER] > 0 || c[SENS_FLOOD] > 0;
}

/* A unit for an episode, by population among those with the sensors it shows on; a flood
 * prefers units with a river gauge. SIZE_MAX when none qualifies. */
static size_t pick_unit(const struct sensors *s, struct rng *r, enum episode_kind k)
{
    const struct world *w = s->world;
    double *weights = xcalloc(w->nunits + 1, sizeof *weights);
    double total = 0;
    for (int pass = 0; pass < 2 && total == 0; pass++) {
        for (size_t i = 0; i < w->nunits; i++) {
            bool ok = pass == 0 && k == EPISODE_FLOOD ? s->unit_counts[i][SENS_WATER] > 0
                                                      : unit_eligible(s, i, k);
            weights[i] = ok ? w->units[i].population : 0;
            total += weights[i];
        }
    }
    size_t pick = total > 0 ? rng_pick(r, weights, w->nunits) : SIZE_MAX;
    free(weights);
    return pick;
}

/* Durations of an episode's phases, in whole slots: smog builds over hours and clears in a
 * night; a river rises for a day or so and takes two to recede. */
static void draw_shape(struct episode *e, struct rng *r)
{
    if (e->kind == EPISODE_AQI) {
        e->rise = rng_int(r, 2 * 12, 4 * 12) * (int64_t)SENSORS_INTERVAL;
        e->hold = rng_int(r, 2 * 12, 5 * 12) * (int64_t)SENSORS_INTERVAL;
        e->fall = rng_int(r, 4 * 12, 8 * 12) * (int64_t)SENSORS_INTERVAL;
    } else {
        e->rise = rng_int(r, 12 * 12, 24 * 12) * (int64_t)SENSORS_INTERVAL;
        e->hold = rng_int(r, 2 * 12, 6 * 12) * (int64_t)SENSORS_INTERVAL;
        e->fall = rng_int(r, 24 * 12, 48 * 12) * (int64_t)SENSORS_INTERVAL;
    }
}

/* The random episodes starting in simulated week w (epoch-aligned weeks). */
static size_t week_episodes(const struct sensors *s, int64_t w, struct episode **out)
{
    *out = NULL;
    if (s->episode_rate <= 0)
        return 0;
    struct rng r;
    rng_seed(&r, s->seed, s->province_key, KEY_EPISODES, (uint64_t)w);
    int n = rng_poisson(&r, s->episode_rate);
    if (n <= 0)
        return 0;
    struct episode *list = xcalloc((size_t)n, sizeof *list);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        struct rng er;
        rng_seed(&er, s->seed, s->province_key, (uint64_t)w, (uint64_t)i + 1);
        struct episode e = {0};
        e.kind = rng_chance(&er, 0.6) ? EPISODE_AQI : EPISODE_FLOOD;
        e.start =
            w * WEEK + rng_int(&er, 0, WEEK / SENSORS_INTERVAL - 1) * (int64_t)SENSORS_INTERVAL;
        draw_shape(&e, &er);
        e.strength = rng_uniform(&er);
        e.key = rng_next(&er);
        e.unit = pick_unit(s, &er, e.kind);
        if (e.unit != SIZE_MAX)
            list[k++] = e;
    }
    *out = list;
    return k;
}

void sensors_advance(struct sensors *s, int64_t now)
{
    /* The history window reaches 7 days back, and an episode started up to a week before
     * that may still be running: 3 weeks cover every reading served at now. */
    int64_t last = floor_div(now, WEEK);
    for (int64_t w = last - 2; w <= last; w++) {
        bool have = false;
        for (int i = 0; i < MAX_CACHED_WEEKS; i++)
            have |= s->cache[i].week == w;
        if (have)
            continue;
        /* Evict the oldest week. */
        int slot = 0;
        for (int i = 1; i < MAX_CACHED_WEEKS; i++)
            if (s->cache[i].week < s->cache[slot].week)
                slot = i;
        free(s->cache[slot].items);
        s->cache[slot].week = w;
        s->cache[slot].n = week_episodes(s, w, &s->cache[slot].items);
    }
}

/* Episodes in effect at one instant, copied: a week computed on the fly (outside the cache)
 * is freed before the caller reads them. */
struct active {
    struct episode e[16];
    size_t n;
};

static void collect(const struct episode *list, size_t n, int64_t t, size_t unit, bool any_unit,
                    enum episode_kind k, struct active *a)
{
    for (size_t i = 0; i < n && a->n < ARRAY_LEN(a->e); i++) {
        const struct episode *e = &list[i];
        if (e->kind == k && (any_unit || e->unit == unit) && t >= e->start && t < episode_end(e))
            a->e[a->n++] = *e;
    }
}

/* Forced episodes, then the random ones of this week and the last (none lasts a week). The
 * random lists come from the cache when sensors_advance saw their week. */
static void active_at(const struct sensors *s, int64_t t, size_t unit, bool any_unit,
                      enum episode_kind k, struct active *a)
{
    a->n = 0;
    collect(s->forced, s->nforced, t, unit, any_unit, k, a);
    int64_t w = floor_div(t, WEEK);
    for (int64_t wk = w - 1; wk <= w; wk++) {
        const struct week_cache *c = NULL;
        for (int i = 0; i < MAX_CACHED_WEEKS; i++)
            if (s->cache[i].week == wk)
                c = &s->cache[i];
        if (c) {
            collect(c->items, c->n, t, unit, any_unit, k, a);
        } else {
            struct episode *list;
            size_t n = week_episodes(s, wk, &list);
            collect(list, n, t, unit, any_unit, k, a);
            free(list);
        }
    }
}

size_t sensors_active_episodes(const struct sensors *s, int64_t t, enum episode_kind k)
{
    struct active a;
    active_at(s, t, 0, true, k, &a);
    return a.n;
}

/* 0 before and after, easing up over rise, 1 through hold, easing down over fall. */
static double shape_of(int64_t t, int64_t start, int64_t rise, int64_t hold, int64_t fall)
{
    int64_t d = t - start;
    if (d < 0 || d >= rise + hold + fall)
        return 0;
    if (d < rise)
        return smoothstep((double)d / (double)rise);
    if (d < rise + hold)
        return 1;
    return 1 - smoothstep((double)(d - rise - hold) / (double)fall);
}

static double episode_shape(const struct episode *e, int64_t t)
{
    return shape_of(t, e->start, e->rise, e->hold, e->fall);
}

/* Streets flood with the rain, hours before the river crests, and drain faster. */
static double urban_shape(const struct episode *e, int64_t t)
{
    int64_t rise = e->rise / 6, fall = e->fall / 4;
    return shape_of(t, e->start, rise < HOUR ? HOUR : rise, e->hold, fall < HOUR ? HOUR : fall);
}

/* A per-sensor draw in [0, 1) for an episode. */
static double episode_draw(const struct sensors *s, const struct episode *e,
                           const struct sens_thing *t, uint64_t what)
{
    struct rng r;
    rng_seed(&r, s->seed, e->key, t->key, KEY_EPISODE_SENSOR + what);
    return rng_uniform(&r);
}

bool sensors_force_episode(struct sensors *s, const char *spec, char *err, size_t errsz)
{
    const struct world *w = s->world;
    const char *at = strchr(spec, '@');
    enum episode_kind kind;
    if (at && (size_t)(at - spec) == 3 && strncmp(spec, "aqi", 3) == 0)
        kind = EPISODE_AQI;
    else if (at && (size_t)(at - spec) == 5 && strncmp(spec, "flood", 5) == 0)
        kind = EPISODE_FLOOD;
    else {
        snprintf(err, errsz, "bad --episode '%s' (aqi@TIME[:UNIT] or flood@TIME[:UNIT])", spec);
        return false;
    }
    /* The time has colons of its own: take the whole rest as a time first, else split the
     * unit code off at the last colon. */
    const char *rest = at + 1;
    bool zone = false;
    int64_t start = clock_parse_iso(rest, VN, &zone);
    char unit_code[32] = "";
    if (start == TIME_NONE || !zone) {
        const char *colon = strrchr(rest, ':');
        char *time_text = colon ? xstrndup(rest, (size_t)(colon - rest)) : NULL;
        start = time_text ? clock_parse_iso(time_text, VN, &zone) : TIME_NONE;
        free(time_text);
        if (start == TIME_NONE || !zone || !colon[1] || strlen(colon + 1) >= sizeof unit_code) {
            snprintf(err, errsz,
                     "bad --episode '%s': the time must be ISO 8601 with its offset, e.g. "
                     "%s@2026-03-02T10:00:00+07:00[:UNIT]",
                     spec, episode_kind_code(kind));
            return false;
        }
        str_copy(unit_code, colon + 1, sizeof unit_code);
    }
    struct episode e = {0};
    e.kind = kind;
    e.forced = true;
    /* Forced episodes line up with the readings: a slot boundary at or before T. */
    e.start = sensors_slot(start) * SENSORS_INTERVAL;
    struct rng r;
    rng_seed(&r, s->seed, s->province_key, KEY_FORCED, (uint64_t)s->nforced);
    draw_shape(&e, &r);
    /* Forced episodes are meant to be seen: always past the next band / level II. */
    e.strength = rng_range(&r, 0.5, 1.0);
    e.key = rng_next(&r);
    if (*unit_code) {
        size_t u = SIZE_MAX;
        for (size_t i = 0; i < w->nunits; i++)
            if (strcmp(w->units[i].code, unit_code) == 0)
                u = i;
        if (u == SIZE_MAX) {
            snprintf(err, errsz, "bad --episode '%s': no unit %s in %s", spec, unit_code,
                     w->province_name);
            return false;
        }
        if (!unit_eligible(s, u, kind)) {
            struct buf b = {0};
            size_t listed = 0;
            for (size_t i = 0; i < w->nunits && listed < 12; i++)
                if (unit_eligible(s, i, kind)) {
                    buf_appendf(&b, "%s%s", listed ? ", " : "", w->units[i].code);
                    listed++;
                }
            snprintf(err, errsz, "bad --episode '%s': %s (%s) has no %s; units with one: %s%s",
                     spec, w->units[u].full_name, unit_code,
                     kind == EPISODE_AQI ? "air-quality station"
                                         : "water-level gauge or flood sensor",
                     b.data ? b.data : "none", listed == 12 ? ", ..." : "");
            buf_free(&b);
            return false;
        }
        e.unit = u;
    } else {
        e.unit = pick_unit(s, &r, kind);
        if (e.unit == SIZE_MAX) {
            snprintf(err, errsz, "bad --episode '%s': no unit has the sensors it needs", spec);
            return false;
        }
    }
    s->forced = xgrow(s->forced, &s->cap_forced, s->nforced + 1, sizeof *s->forced);
    s->forced[s->nforced++] = e;
    return true;
}

size_t sensors_forced_count(const struct sensors *s)
{
    return s->nforced;
}

const struct episode *sensors_forced_at(const struct sensors *s, size_t i)
{
    return i < s->nforced ? &s->forced[i] : NULL;
}

void sensors_log(const struct sensors *s)
{
    log_info("citydeck-sim: sensors: %zu stations, %zu datastreams (air quality %zu, water level "
             "%zu, flood depth %zu, traffic %zu, cameras %zu); %g random episodes a week",
             s->nthings, s->nstreams, s->by_kind[SENS_AIR], s->by_kind[SENS_WATER],
             s->by_kind[SENS_FLOOD], s->by_kind[SENS_TRAFFIC], s->by_kind[SENS_CAMERA],
             s->episode_rate);
    for (size_t i = 0; i < s->nforced; i++) {
        const struct episode *e = &s->forced[i];
        const struct unit *u = &s->world->units[e->unit];
        char from[40], peak[40], end[40];
        clock_format_iso(e->start, VN, from, sizeof from);
        clock_format_iso(e->start + e->rise, VN, peak, sizeof peak);
        clock_format_iso(episode_end(e), VN, end, sizeof end);
        log_info("citydeck-sim: episode %zu: %s in %s (%s) from %s, peak from %s, over by %s",
                 i + 1, episode_kind_code(e->kind), u->full_name, u->code, from, peak, end);
    }
}

/* ---- readings ------------------------------------------------------------------------------ */

/* PM2.5 in µg/m³ before rounding, and the PM10 ratio at t. Traffic peaks at 07:30 and 19:30
 * fill the air; the afternoon's mixing thins it. */
static void air_at(const struct sensors *s, const struct sens_thing *t, int64_t time, int64_t slot,
                   const struct active *aqi, double *pm25, double *pm10)
{
    double h = local_hour(time);
    double diurnal =
        1 + 0.45 * bump(h, 7.5, 3) + 0.55 * bump(h, 19.5, 3.5) - 0.25 * bump(h, 14, 3.5);
    double weather = 1 + 0.28 * smooth_noise(s->seed, t->key, time, 6 * HOUR, KEY_WEATHER);
    double jitter = 1 + 0.08 * (uniform_at(s->seed, t->key, slot, KEY_JITTER) * 2 - 1);
    double pm = t->base * diurnal * weather * jitter;
    double ratio = t->ratio;
    for (size_t i = 0; i < aqi->n; i++) {
        const struct episode *e = &aqi->e[i];
        double sh = episode_shape(e, time);
        /* Forced: 135-200 µg/m³ at the peak (VN_AQI 180-250, Xấu or worse); random ones
         * from 70 (Kém). Each station a little under its neighbours' peak or at it. */
        double target = e->forced ? 135 + 65 * (e->strength - 0.5) * 2 : 70 + 130 * e->strength;
        target *= (0.9 + 0.1 * episode_draw(s, e, t, 1)) * (1 + 0.5 * (jitter - 1));
        if (target > pm)
            pm += (target - pm) * sh;
        /* Smoke is mostly fine particles: PM10 follows at a lower ratio. */
        ratio += (1.25 - ratio) * sh;
    }
    *pm25 = pm;
    double j2 = 1 + 0.05 * (uniform_at(s->seed, t->key, slot, KEY_JITTER2) * 2 - 1);
    *pm10 = pm * ratio * j2;
}

static double water_at(const struct sensors *s, const struct sens_thing *t, int64_t time,
                       int64_t slot, const struct active *flood)
{
    double level = t->base + 0.12 * smooth_noise(s->seed, t->key, time, 12 * HOUR, KEY_WEATHER) +
                   0.06 * smooth_noise(s->seed, t->key, time, 3 * DAY, KEY_SLOW);
    for (size_t i = 0; i < flood->n; i++) {
        const struct episode *e = &flood->e[i];
        double q = e->strength * (0.85 + 0.15 * episode_draw(s, e, t, 1));
        /* Forced: the crest passes level II (and may pass III); random: at least level I. */
        double lo = e->forced ? t->alarm[1] + 0.2 : t->alarm[0] + 0.1;
        double hi = t->alarm[2] + 0.4;
        double crest = e->forced ? lo + (hi - lo) * (q - 0.425) / 0.575 : lo + (hi - lo) * q;
        if (crest < lo)
            crest = lo;
        double sh = episode_shape(e, time);
        if (crest > level)
            level += (crest - level) * sh;
    }
    /* The gauge's own centimetre of noise, at the crest too. */
    return level + 0.01 * (uniform_at(s->seed, t->key, slot, KEY_JITTER) * 2 - 1);
}

static double depth_at(const struct sensors *s, const struct sens_thing *t, int64_t time,
                       int64_t slot, const struct active *flood)
{
    /* Dry road: the ultrasonic reading sits at 0 with the odd centimetre of puddle. */
    double u = uniform_at(s->seed, t->key, slot, KEY_JITTER);
    double depth = u > 0.85 ? (u - 0.85) * 8 : 0;
    for (size_t i = 0; i < flood->n; i++) {
        const struct episode *e = &flood->e[i];
        double q = e->strength * (0.8 + 0.2 * episode_draw(s, e, t, 2));
        double peak = e->forced ? 25 + 30 * q : 8 + 40 * q;
        depth += peak * urban_shape(e, time);
    }
    return depth;
}

static const double traffic_profile[25] = {
    0.10, 0.07, 0.05, 0.05, 0.08, 0.25, 0.60, 0.95, 1.00, 0.75, 0.65, 0.68, 0.62,
    0.60, 0.65, 0.72, 0.85, 1.00, 0.90, 0.70, 0.55, 0.42, 0.30, 0.18, 0.10,
};

static double traffic_at(const struct sensors *s, const struct sens_thing *t, int64_t time,
                         int64_t slot, const struct active *flood)
{
    double h = local_hour(time);
    int hi = (int)h;
    double f = traffic_profile[hi] + (traffic_profile[hi + 1] - traffic_profile[hi]) * (h - hi);
    int wd = local_weekday(time);
    double week = wd == 0 ? 0.75 : wd == 6 ? 0.85 : 1.0;
    double noise = 1 + 0.12 * smooth_noise(s->seed, t->key, time, 2 * HOUR, KEY_WEATHER);
    double jitter = 0.92 + 0.16 * uniform_at(s->seed, t->key, slot, KEY_JITTER);
    double v = t->base * f * week * noise * jitter;
    /* Flooded streets empty. */
    for (size_t i = 0; i < flood->n; i++)
        v *= 1 - 0.7 * urban_shape(&flood->e[i], time);
    return v < 0 ? 0 : v;
}

/* Cameras drop out now and then: on about one day in twenty, an outage of 10 minutes to 8
 * hours (mostly short: a network hiccup more often than a dead power supply). */
static bool camera_online(const struct sensors *s, const struct sens_thing *t, int64_t time)
{
    int64_t day = floor_div(time + VN, DAY);
    for (int64_t d = day - 1; d <= day; d++) {
        struct rng r;
        rng_seed(&r, s->seed, t->key, (uint64_t)d, KEY_OUTAGE);
        if (!rng_chance(&r, 0.05))
            continue;
        int64_t from = d * DAY - VN + rng_int(&r, 0, DAY / SENSORS_INTERVAL - 1) * SENSORS_INTERVAL;
        double u = rng_uniform(&r);
        int64_t len = 600 + (int64_t)(u * u * 27000);
        if (time >= from && time < from + len)
            return false;
    }
    return true;
}

double sensors_value(const struct sensors *s, const struct sens_stream *ds, int64_t slot)
{
    const struct sens_thing *t = &s->things[ds->thing - 1];
    int64_t time = slot * SENSORS_INTERVAL;
    struct active aqi = {.n = 0}, flood = {.n = 0};
    double v = 0;
    switch (ds->prop) {
    case PROP_PM25:
    case PROP_PM10:
    case PROP_AQI: {
        active_at(s, time, t->unit, false, EPISODE_AQI, &aqi);
        double pm25, pm10;
        air_at(s, t, time, slot, &aqi, &pm25, &pm10);
        pm25 = round_dec(pm25, 1);
        pm10 = round_dec(pm10, 1);
        if (ds->prop == PROP_PM25)
            v = pm25;
        else if (ds->prop == PROP_PM10)
            v = pm10;
        else {
            /* From the served (rounded) concentrations, so a client can recompute it. */
            int a = sensors_aqi_pm25(pm25), b = sensors_aqi_pm10(pm10);
            v = a > b ? a : b;
        }
        break;
    }
    case PROP_WATER:
        active_at(s, time, t->unit, false, EPISODE_FLOOD, &flood);
        v = round_dec(water_at(s, t, time, slot, &flood), 2);
        break;
    case PROP_DEPTH:
        active_at(s, time, t->unit, false, EPISODE_FLOOD, &flood);
        v = round_dec(depth_at(s, t, time, slot, &flood), 1);
        break;
    case PROP_TRAFFIC:
        active_at(s, time, t->unit, false, EPISODE_FLOOD, &flood);
        v = round_dec(traffic_at(s, t, time, slot, &flood), 0);
        break;
    case PROP_CAMERA:
        v = camera_online(s, t, time) ? 1 : 0;
        break;
    case PROP_N:
        break;
    }
    return v;
}
