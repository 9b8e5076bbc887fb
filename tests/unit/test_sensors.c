/* Sensor model: the bounded series, VN_AQI and flood thresholds (domain-vn §5), kind
 * inference, and the table's merge and aggregates. */
#include "citydeck/aqi.h"
#include "citydeck/clock.h"
#include "citydeck/sensors.h"
#include "citydeck/series.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* ---- series -------------------------------------------------------------------------------- */

Test(series, wraps_keeping_the_last_n_in_order)
{
    struct series *s = series_new(5);
    size_t bytes = series_bytes(s);
    cr_assert_eq(series_capacity(s), 5);
    cr_assert_eq(series_len(s), 0);
    struct series_point p;
    cr_assert_not(series_last(s, &p));
    for (int i = 1; i <= 23; i++) {
        series_push(s, i * 1000, i * 1.5);
        cr_assert_eq(series_bytes(s), bytes, "memory must not grow");
        cr_assert_eq(series_len(s), i < 5 ? (size_t)i : 5);
    }
    for (size_t i = 0; i < 5; i++) {
        cr_assert(series_at(s, i, &p));
        cr_assert_eq(p.t_ms, (int64_t)(19 + i) * 1000, "point %zu", i);
        cr_assert_float_eq(p.v, (double)(19 + i) * 1.5, 1e-12);
    }
    cr_assert_not(series_at(s, 5, &p));
    cr_assert(series_last(s, &p));
    cr_assert_eq(p.t_ms, 23000);
    struct series_point out[8];
    cr_assert_eq(series_copy(s, out, 3), 3);
    cr_assert_eq(out[0].t_ms, 21000);
    cr_assert_eq(out[2].t_ms, 23000);
    cr_assert_eq(series_copy(s, out, 8), 5);
    cr_assert_eq(out[0].t_ms, 19000);
    series_clear(s);
    cr_assert_eq(series_len(s), 0);
    series_free(s);
}

Test(series, default_capacity_and_long_run)
{
    struct series *s = series_new(0);
    cr_assert_eq(series_capacity(s), SERIES_DEFAULT_CAP);
    size_t bytes = series_bytes(s);
    /* A year of 5-minute readings: the same memory as the first day. */
    for (int64_t i = 0; i < 365 * 288; i++)
        cr_assert(series_append(s, i * 300000, (double)(i % 97)));
    cr_assert_eq(series_bytes(s), bytes);
    cr_assert_eq(series_len(s), SERIES_DEFAULT_CAP);
    struct series_point first, last;
    series_at(s, 0, &first);
    series_last(s, &last);
    cr_assert_eq(last.t_ms, (int64_t)(365 * 288 - 1) * 300000);
    cr_assert_eq(first.t_ms, (int64_t)(365 * 288 - SERIES_DEFAULT_CAP) * 300000);
    series_free(s);
}

Test(series, append_drops_duplicates_and_late_points)
{
    struct series *s = series_new(4);
    cr_assert(series_append(s, 100, 1));
    cr_assert_not(series_append(s, 100, 2), "same time");
    cr_assert_not(series_append(s, 50, 3), "older");
    cr_assert(series_append(s, 101, NAN), "NaN is a reading");
    cr_assert_eq(series_len(s), 2);
    double lo, hi;
    cr_assert(series_range(s, &lo, &hi));
    cr_assert_float_eq(lo, 1, 0);
    cr_assert_float_eq(hi, 1, 0);
    series_clear(s);
    series_push(s, 1, NAN);
    cr_assert_not(series_range(s, &lo, &hi), "only NaN: no range");
    series_free(s);
}

/* ---- VN_AQI -------------------------------------------------------------------------------- */

Test(aqi, pm25_breakpoints)
{
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 0), 0);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 25), 50);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 50), 100);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 80), 150);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 150), 200);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 250), 300);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 350), 400);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 500), 500);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 37.5), 75);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 12.5), 25);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 65), 125);  /* 100 + 50/30 * 15 */
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 115), 175); /* 150 + 50/70 * 35 */
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 25.2), 50); /* 50.4 rounds down */
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 25.3), 51); /* 50.6: Trung bình */
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, 900), AQI_MAX, "past the table: end of scale");
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, NAN), -1);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, INFINITY), -1);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM25, -1), -1);
    cr_assert_eq(aqi_sub_index(AQI_POL_NONE, 10), -1);
}

Test(aqi, other_pollutants)
{
    cr_assert_eq(aqi_sub_index(AQI_POL_PM10, 50), 50);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM10, 100), 75);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM10, 150), 100);
    cr_assert_eq(aqi_sub_index(AQI_POL_PM10, 420), 300);
    cr_assert_eq(aqi_sub_index(AQI_POL_NO2, 200), 100);
    cr_assert_eq(aqi_sub_index(AQI_POL_NO2, 450), 125);
    cr_assert_eq(aqi_sub_index(AQI_POL_SO2, 350), 100);
    cr_assert_eq(aqi_sub_index(AQI_POL_CO, 10000), 50);
    cr_assert_eq(aqi_sub_index(AQI_POL_CO, 45000), 150);
    cr_assert_eq(aqi_sub_index(AQI_POL_O3, 160), 50);
    cr_assert_eq(aqi_sub_index(AQI_POL_O3, 180), 75);
    cr_assert_eq(aqi_sub_index(AQI_POL_O3, 1000), 400);
    cr_assert_eq(aqi_sub_index(AQI_POL_INDEX, 87.4), 87);
    cr_assert_eq(aqi_sub_index(AQI_POL_INDEX, 612), 500);
}

Test(aqi, units)
{
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_PM25, 37.5, "µg/m³"), 75);
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_PM25, 37.5, "ug/m3"), 75);
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_PM25, 37.5, "μg/m3"), 75); /* Greek mu */
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_PM25, 37.5, NULL), 75);
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_CO, 10, "mg/m³"), 50);
    /* 106.3 ppb NO2 * 46.0055 / 24.45 = 200.0 µg/m³ -> 100 */
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_NO2, 106.3, "ppb"), 100);
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_CO, 8.73, "ppm"), 50); /* 10.0 mg/m³ */
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_PM25, 10, "ppb"), -1, "ppb of dust is nonsense");
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_PM25, 10, "°C"), -1);
    cr_assert_eq(aqi_sub_index_unit(AQI_POL_INDEX, 42, "AQI"), 42);
}

Test(aqi, bands_labels_colours_at_each_boundary)
{
    const struct {
        int aqi;
        enum aqi_band band;
        const char *label, *hex;
    } cases[] = {
        {0, AQI_BAND_GOOD, "Tốt", "#00E400"},
        {50, AQI_BAND_GOOD, "Tốt", "#00E400"},
        {51, AQI_BAND_MODERATE, "Trung bình", "#FFFF00"},
        {100, AQI_BAND_MODERATE, "Trung bình", "#FFFF00"},
        {101, AQI_BAND_POOR, "Kém", "#FF7E00"},
        {150, AQI_BAND_POOR, "Kém", "#FF7E00"},
        {151, AQI_BAND_BAD, "Xấu", "#FF0000"},
        {200, AQI_BAND_BAD, "Xấu", "#FF0000"},
        {201, AQI_BAND_VERY_BAD, "Rất xấu", "#8F3F97"},
        {300, AQI_BAND_VERY_BAD, "Rất xấu", "#8F3F97"},
        {301, AQI_BAND_HAZARDOUS, "Nguy hại", "#7E0023"},
        {500, AQI_BAND_HAZARDOUS, "Nguy hại", "#7E0023"},
        {-1, AQI_BAND_NONE, "", ""},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        enum aqi_band b = aqi_band(cases[i].aqi);
        cr_assert_eq(b, cases[i].band, "AQI %d", cases[i].aqi);
        cr_assert_str_eq(aqi_band_label(b), cases[i].label);
        cr_assert_str_eq(aqi_band_color(b), cases[i].hex);
    }
    cr_assert_eq(aqi_band_rgb(AQI_BAND_VERY_BAD), 0x8F3F97);
    cr_assert_eq(aqi_band_rgb(AQI_BAND_MODERATE), 0xFFFF00);
}

Test(aqi, pollutant_names)
{
    cr_assert_eq(aqi_pollutant_parse("PM2.5"), AQI_POL_PM25);
    cr_assert_eq(aqi_pollutant_parse("pm2_5"), AQI_POL_PM25);
    cr_assert_eq(aqi_pollutant_parse("PM 10"), AQI_POL_PM10);
    cr_assert_eq(aqi_pollutant_parse("no2"), AQI_POL_NO2);
    cr_assert_eq(aqi_pollutant_parse("VN_AQI"), AQI_POL_INDEX);
    cr_assert_eq(aqi_pollutant_parse("temperature"), AQI_POL_NONE);
    cr_assert_eq(aqi_pollutant_parse(NULL), AQI_POL_NONE);
    cr_assert_str_eq(aqi_pollutant_name(AQI_POL_PM25), "PM2.5");
}

Test(aqi, nowcast)
{
    double steady[12];
    for (int i = 0; i < 12; i++)
        steady[i] = 40;
    cr_assert_float_eq(aqi_nowcast(steady, 12), 40, 1e-9);
    /* Rising fast: w = 10/80 < 0.5 -> 0.5; the latest hours dominate. */
    double rising[] = {80, 40, 20, 10};
    double nc = aqi_nowcast(rising, 4);
    cr_assert_float_eq(nc, (80 + 0.5 * 40 + 0.25 * 20 + 0.125 * 10) / 1.875, 1e-9);
    double gaps[] = {NAN, NAN, 30, 30};
    cr_assert(isnan(aqi_nowcast(gaps, 4)), "needs 2 of the 3 latest hours");
    double two[] = {NAN, 30, 30};
    cr_assert_float_eq(aqi_nowcast(two, 3), 30, 1e-9);
}

/* ---- flood thresholds ---------------------------------------------------------------------- */

Test(flood, water_level_against_alarm_levels)
{
    const double hanoi[3] = {9.5, 10.5, 11.5}; /* sông Hồng tại Hà Nội */
    cr_assert_eq(flood_level_of(9.49, hanoi), FLOOD_BELOW);
    cr_assert_eq(flood_level_of(9.5, hanoi), FLOOD_I);
    cr_assert_eq(flood_level_of(10.49, hanoi), FLOOD_I);
    cr_assert_eq(flood_level_of(10.5, hanoi), FLOOD_II);
    cr_assert_eq(flood_level_of(11.49, hanoi), FLOOD_II);
    cr_assert_eq(flood_level_of(11.5, hanoi), FLOOD_III);
    cr_assert_eq(flood_level_of(13, hanoi), FLOOD_III);
    cr_assert_eq(flood_level_of(NAN, hanoi), FLOOD_UNKNOWN);
    /* Vu Gia – Hội Khách: II unpublished. 16.79 on 30/10/2025 is over III. */
    const double hoi_khach[3] = {14.5, NAN, 16.5};
    cr_assert_eq(flood_level_of(15.6, hoi_khach), FLOOD_I);
    cr_assert_eq(flood_level_of(16.79, hoi_khach), FLOOD_III);
    const double none[3] = {NAN, NAN, NAN};
    cr_assert_eq(flood_level_of(5, none), FLOOD_UNKNOWN);
    cr_assert_str_eq(flood_level_label(FLOOD_II), "BĐ II");
    cr_assert_str_eq(flood_level_label(FLOOD_BELOW), "Dưới BĐ I");
}

Test(flood, depth_classes)
{
    cr_assert_eq(flood_depth_class(0), 0);
    cr_assert_eq(flood_depth_class(9.9), 0);
    cr_assert_eq(flood_depth_class(10), 1);
    cr_assert_eq(flood_depth_class(19.9), 1);
    cr_assert_eq(flood_depth_class(20), 2);
    cr_assert_eq(flood_depth_class(30), 3);
    cr_assert_eq(flood_depth_class(75), 3);
    cr_assert_eq(flood_depth_class(NAN), -1);
    cr_assert_eq(flood_depth_class(-3), -1);
    cr_assert_float_eq(flood_depth_cm(0.25, "m"), 25, 1e-9);
    cr_assert_float_eq(flood_depth_cm(250, "mm"), 25, 1e-9);
    cr_assert_float_eq(flood_depth_cm(25, "cm"), 25, 1e-9);
    cr_assert(isnan(flood_depth_cm(25, "ft")));
}

/* ---- kinds --------------------------------------------------------------------------------- */

static void infer2(const char *a, const char *b, const char *unit, enum sensor_kind *k,
                   enum aqi_pollutant *p)
{
    const char *texts[] = {a, b};
    sensor_infer(texts, 2, unit, k, p);
}

Test(kinds, inference_from_names_and_units)
{
    enum sensor_kind k;
    enum aqi_pollutant p;
    infer2("PM2.5", "Bụi mịn trạm Nguyễn Văn Cừ", "µg/m³", &k, &p);
    cr_assert(k == SK_AIR_QUALITY && p == AQI_POL_PM25);
    infer2("pm10_concentration", NULL, NULL, &k, &p);
    cr_assert(k == SK_AIR_QUALITY && p == AQI_POL_PM10);
    infer2("CO", NULL, "mg/m3", &k, &p);
    cr_assert(k == SK_AIR_QUALITY && p == AQI_POL_CO);
    infer2("Camera có tín hiệu", NULL, NULL, &k, &p); /* folded "co" is not carbon monoxide */
    cr_assert(k == SK_CAMERA && p == AQI_POL_NONE);
    infer2("Mực nước", "Trạm Ái Nghĩa", "m", &k, &p);
    cr_assert_eq(k, SK_WATER_LEVEL);
    infer2("water level", NULL, "m", &k, &p);
    cr_assert_eq(k, SK_WATER_LEVEL);
    infer2("Độ ngập", "Điểm ngập Nguyễn Hữu Thọ", "cm", &k, &p);
    cr_assert_eq(k, SK_FLOOD_DEPTH);
    infer2("Vehicle count", NULL, NULL, &k, &p);
    cr_assert_eq(k, SK_TRAFFIC_COUNT);
    infer2("Lưu lượng xe", NULL, "xe/15 phút", &k, &p);
    cr_assert_eq(k, SK_TRAFFIC_COUNT);
    infer2("VN_AQI", NULL, NULL, &k, &p);
    cr_assert(k == SK_AIR_QUALITY && p == AQI_POL_INDEX);
    infer2("Air Temperature Recoaro 1000", NULL, "°C", &k, &p);
    cr_assert(k == SK_OTHER && p == AQI_POL_NONE, "air temperature is not air quality");
    infer2(NULL, NULL, "µg/m³", &k, &p);
    cr_assert(k == SK_AIR_QUALITY && p == AQI_POL_NONE);
}

Test(kinds, codes)
{
    enum sensor_kind k = SK_OTHER;
    cr_assert(sensor_kind_parse("water_level", &k) && k == SK_WATER_LEVEL);
    cr_assert(sensor_kind_parse("CAMERA", &k) && k == SK_CAMERA);
    cr_assert(sensor_kind_parse("muc_nuoc", &k) && k == SK_WATER_LEVEL);
    cr_assert_not(sensor_kind_parse("thermometer", &k));
    cr_assert_not(sensor_kind_parse(NULL, &k));
    for (int i = 0; i < SK_COUNT; i++) {
        cr_assert(sensor_kind_parse(sensor_kind_code((enum sensor_kind)i), &k));
        cr_assert_eq(k, (enum sensor_kind)i);
    }
    cr_assert_str_eq(sensor_kind_label(SK_WATER_LEVEL), "Mực nước");
}

/* ---- the table ----------------------------------------------------------------------------- */

static struct sensor_update *add(struct sensor_batch *b, const char *id, enum sensor_kind kind,
                                 const char *unit_code)
{
    struct sensor_update *u = sensor_batch_push(b);
    u->meta = true;
    u->s.id = xstrdup(id);
    u->s.remote_id = xstrdup(id);
    u->s.kind = kind;
    u->s.unit_code = unit_code ? xstrdup(unit_code) : NULL;
    if (kind == SK_AIR_QUALITY) {
        u->s.pollutant = AQI_POL_PM25;
        u->s.unit = xstrdup("µg/m³");
    }
    if (kind == SK_WATER_LEVEL) {
        u->s.alarm[0] = 9.5;
        u->s.alarm[1] = 10.5;
        u->s.alarm[2] = 11.5;
        u->s.unit = xstrdup("m");
    }
    if (kind == SK_FLOOD_DEPTH)
        u->s.unit = xstrdup("cm");
    return u;
}

/* A small district: two wards (Hoàn Kiếm 00070, Ba Đình 00004) and an unattributed gauge. */
static struct sensor_batch *district(int64_t t0)
{
    struct sensor_batch *b = sensor_batch_new();
    struct sensor_update *u;
    u = add(b, "aq-1", SK_AIR_QUALITY, "00070");
    sensor_update_add_obs(u, t0, 37.5); /* AQI 75 */
    sensor_update_add_obs(u, t0 - 60000, 20);
    u = add(b, "aq-2", SK_AIR_QUALITY, "00070");
    sensor_update_add_obs(u, t0, 80); /* AQI 150 */
    u = add(b, "aq-3", SK_AIR_QUALITY, "00004");
    sensor_update_add_obs(u, t0, 150); /* AQI 200 */
    u = add(b, "wl-1", SK_WATER_LEVEL, "00004");
    sensor_update_add_obs(u, t0, 10.6); /* BĐ II */
    u = add(b, "wl-2", SK_WATER_LEVEL, NULL);
    sensor_update_add_obs(u, t0, 9.0);
    u = add(b, "fd-1", SK_FLOOD_DEPTH, "00070");
    sensor_update_add_obs(u, t0, 22); /* >= 20 cm */
    u = add(b, "cam-1", SK_CAMERA, "00070");
    sensor_update_add_obs(u, t0, 0);
    u = add(b, "cam-2", SK_CAMERA, "00070");
    sensor_update_add_obs(u, t0 - 7200000, 1);
    add(b, "cam-3", SK_CAMERA, "00004"); /* never reported */
    return b;
}

static void assert_stats_eq(const struct sensor_stats *a, const struct sensor_stats *b,
                            const char *what)
{
    cr_assert_eq(a->n, b->n, "%s: n %zu vs %zu", what, a->n, b->n);
    for (int k = 0; k < SK_COUNT; k++)
        cr_assert_eq(a->by_kind[k], b->by_kind[k], "%s: kind %d", what, k);
    cr_assert_eq(a->no_value, b->no_value, "%s: no_value", what);
    cr_assert_eq(a->worst_aqi, b->worst_aqi, "%s: worst %d vs %d", what, a->worst_aqi,
                 b->worst_aqi);
    cr_assert_eq(a->worst_aqi_sensor, b->worst_aqi_sensor, "%s: worst sensor", what);
    cr_assert_eq(a->worst_band, b->worst_band, "%s: band", what);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(a->gauges_over[i], b->gauges_over[i], "%s: gauges_over[%d]", what, i);
        cr_assert_eq(a->depth_over[i], b->depth_over[i], "%s: depth_over[%d]", what, i);
    }
    cr_assert_eq(a->gauges_no_levels, b->gauges_no_levels, "%s: no levels", what);
    cr_assert_eq(a->cameras_offline, b->cameras_offline, "%s: cameras", what);
}

static void assert_consistent(const struct sensor_table *t)
{
    struct sensor_stats full;
    sensor_table_recount(t, true, NULL, &full);
    assert_stats_eq(sensor_table_totals(t), &full, "totals");
    sensor_table_recount(t, false, NULL, &full);
    assert_stats_eq(sensor_table_unit(t, NULL), &full, "unattributed");
    for (size_t u = 0; u < sensor_table_unit_count(t); u++) {
        sensor_table_recount(t, false, sensor_table_unit_code(t, u), &full);
        assert_stats_eq(sensor_table_unit_at(t, u), &full, sensor_table_unit_code(t, u));
    }
}

Test(table, aggregates_of_a_district)
{
    int64_t t0 = 1762819200000; /* 2025-11-11T00:00:00Z */
    struct sensor_table *t = sensor_table_new(16);
    struct sensor_batch *b = district(t0);
    cr_assert_eq(sensor_table_merge(t, b), 9);
    sensor_batch_free(b);
    cr_assert_eq(sensor_table_count(t), 9);
    cr_assert_eq(sensor_table_unattributed(t), 1);

    const struct sensor *aq1 = sensor_table_find(t, "aq-1");
    cr_assert_eq(series_len(aq1->series), 2, "sorted oldest first and both kept");
    cr_assert_float_eq(aq1->value, 37.5, 0);
    cr_assert_eq(aq1->time_ms, t0);
    cr_assert_eq(aq1->aqi, 75);

    const struct sensor_stats *all = sensor_table_totals(t);
    cr_assert_eq(all->n, 9);
    cr_assert_eq(all->by_kind[SK_AIR_QUALITY], 3);
    cr_assert_eq(all->by_kind[SK_CAMERA], 3);
    cr_assert_eq(all->worst_aqi, 200);
    cr_assert_eq(all->worst_band, AQI_BAND_BAD);
    cr_assert_str_eq(sensor_table_at(t, all->worst_aqi_sensor)->id, "aq-3");
    cr_assert_eq(all->gauges_over[0], 1);
    cr_assert_eq(all->gauges_over[1], 1);
    cr_assert_eq(all->gauges_over[2], 0);
    cr_assert_eq(all->depth_over[1], 1);
    cr_assert_eq(all->depth_over[2], 0);
    cr_assert_eq(all->cameras_offline, 2, "status 0 and never heard from");
    cr_assert_eq(all->no_value, 1);

    const struct sensor_stats *hk = sensor_table_unit(t, "00070");
    cr_assert(hk);
    cr_assert_eq(hk->n, 5);
    cr_assert_eq(hk->worst_aqi, 150);
    cr_assert_str_eq(aqi_band_label(hk->worst_band), "Kém");
    cr_assert_str_eq(sensor_table_at(t, hk->worst_aqi_sensor)->id, "aq-2");
    cr_assert_eq(hk->cameras_offline, 1);
    const struct sensor_stats *bd = sensor_table_unit(t, "00004");
    cr_assert_eq(bd->gauges_over[1], 1);
    cr_assert_eq(sensor_table_unit(t, NULL)->n, 1);
    cr_assert_null(sensor_table_unit(t, "99999"));

    /* Silence is a function of the clock: cam-2 last spoke 2 h ago, cam-3 never. */
    cr_assert_eq(sensor_table_cameras_silent(t, t0, 15 * 60000), 2);
    cr_assert_eq(sensor_table_cameras_silent(t, t0, 3 * 3600000), 1);
    assert_consistent(t);

    /* The worst station improves: Ba Đình's maximum must be found again. */
    b = sensor_batch_new();
    struct sensor_update *u = sensor_batch_push(b);
    u->s.id = xstrdup("aq-3");
    sensor_update_add_obs(u, t0 + 300000, 12.5); /* AQI 25 */
    cr_assert_eq(sensor_table_merge(t, b), 1);
    sensor_batch_free(b);
    cr_assert_eq(all->worst_aqi, 150);
    cr_assert_str_eq(sensor_table_at(t, all->worst_aqi_sensor)->id, "aq-2");
    cr_assert_eq(sensor_table_unit(t, "00004")->worst_aqi, 25);
    cr_assert_eq(sensor_table_find(t, "aq-3")->kind, SK_AIR_QUALITY, "meta kept");
    assert_consistent(t);
    sensor_table_free(t);
}

Test(table, merge_is_idempotent)
{
    int64_t t0 = 1762819200000;
    struct sensor_table *t = sensor_table_new(8);
    struct sensor_batch *b = district(t0);
    cr_assert_eq(sensor_table_merge(t, b), 9);
    sensor_batch_free(b);
    struct sensor_stats before = *sensor_table_totals(t);
    b = district(t0);
    cr_assert_eq(sensor_table_merge(t, b), 0, "the same data again changes nothing");
    sensor_batch_free(b);
    assert_stats_eq(sensor_table_totals(t), &before, "after re-merge");
    cr_assert_eq(series_len(sensor_table_find(t, "aq-1")->series), 2);
    cr_assert_eq(sensor_table_count(t), 9);

    /* Older readings and duplicates are ignored; a newer one is appended. */
    b = sensor_batch_new();
    struct sensor_update *u = sensor_batch_push(b);
    u->s.id = xstrdup("wl-1");
    sensor_update_add_obs(u, t0 - 1, 12);
    sensor_update_add_obs(u, t0, 12);
    sensor_update_add_obs(u, t0 + 1000, 11.6);
    cr_assert_eq(sensor_table_merge(t, b), 1);
    sensor_batch_free(b);
    const struct sensor *wl = sensor_table_find(t, "wl-1");
    cr_assert_eq(series_len(wl->series), 2);
    cr_assert_eq(wl->level, FLOOD_III);
    cr_assert_eq(sensor_table_totals(t)->gauges_over[2], 1);
    assert_consistent(t);
    sensor_table_free(t);
}

Test(table, metadata_replaces_and_moves_units)
{
    struct sensor_table *t = sensor_table_new(0);
    struct sensor_batch *b = sensor_batch_new();
    struct sensor_update *u = add(b, "s1", SK_AIR_QUALITY, "00070");
    sensor_update_add_obs(u, 1000, 150);
    sensor_table_merge(t, b);
    sensor_batch_free(b);
    cr_assert_eq(series_capacity(sensor_table_find(t, "s1")->series), SERIES_DEFAULT_CAP);

    b = sensor_batch_new();
    u = add(b, "s1", SK_AIR_QUALITY, "00004");
    cr_assert_eq(sensor_table_merge(t, b), 1);
    cr_assert_null(u->s.unit_code, "the table took the string");
    sensor_batch_free(b);
    cr_assert_eq(sensor_table_unit(t, "00070")->n, 0);
    cr_assert_eq(sensor_table_unit(t, "00070")->worst_aqi, -1);
    cr_assert_eq(sensor_table_unit(t, "00004")->worst_aqi, 200);
    cr_assert_eq(sensor_table_find(t, "s1")->aqi, 200, "value kept across metadata change");

    b = sensor_batch_new();
    u = add(b, "s1", SK_AIR_QUALITY, NULL);
    sensor_table_merge(t, b);
    sensor_batch_free(b);
    cr_assert_eq(sensor_table_unattributed(t), 1);
    cr_assert_eq(sensor_table_unit(t, NULL)->worst_aqi, 200);
    assert_consistent(t);

    b = sensor_batch_new();
    sensor_batch_push(b); /* no id: left alone */
    cr_assert_eq(sensor_table_merge(t, b), 0);
    sensor_batch_free(b);
    sensor_table_free(t);
}

/* xorshift64*: a seeded PRNG, so a failure replays exactly. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    return harness_rng(&rng_state);
}

static double rnd_value(enum sensor_kind k)
{
    if (rng() % 10 == 0)
        return NAN;
    switch (k) {
    case SK_AIR_QUALITY:
        return (double)(rng() % 4000) / 10; /* 0..400 µg/m³ */
    case SK_WATER_LEVEL:
        return 8 + (double)(rng() % 500) / 100; /* 8..13 m */
    case SK_FLOOD_DEPTH:
        return (double)(rng() % 45);
    case SK_CAMERA:
        return (double)(rng() % 2);
    default:
        return (double)(rng() % 1000);
    }
}

Test(table, aggregates_equal_a_full_recount_after_random_merges)
{
    static const char *const units[] = {"00004", "00070", "00256", "20194", NULL};
    for (uint64_t seed = 1; seed <= 5; seed++) {
        rng_state = 0x9E3779B97F4A7C15ull * seed;
        struct sensor_table *t = sensor_table_new(12);
        int64_t now = 1762819200000;
        for (int round = 0; round < 60; round++) {
            struct sensor_batch *b = sensor_batch_new();
            int n = 1 + (int)(rng() % 25);
            for (int i = 0; i < n; i++) {
                char id[16];
                snprintf(id, sizeof id, "s%d", (int)(rng() % 80));
                enum sensor_kind k = (enum sensor_kind)(rng() % SK_COUNT);
                struct sensor_update *u;
                if (rng() % 4 == 0) { /* readings only */
                    u = sensor_batch_push(b);
                    u->s.id = xstrdup(id);
                    k = SK_OTHER;
                } else {
                    u = add(b, id, k, units[rng() % ARRAY_LEN(units)]);
                    if (k == SK_WATER_LEVEL && rng() % 3 == 0)
                        u->s.alarm[0] = u->s.alarm[1] = u->s.alarm[2] = NAN;
                }
                if (k == SK_AIR_QUALITY)
                    u->s.pollutant = (enum aqi_pollutant)(rng() % AQI_POL_COUNT);
                int nobs = (int)(rng() % 4);
                for (int j = 0; j < nobs; j++)
                    sensor_update_add_obs(u, now - (int64_t)(rng() % 600000), rnd_value(k));
            }
            sensor_table_merge(t, b);
            sensor_batch_free(b);
            now += 300000;
            assert_consistent(t);
        }
        for (size_t i = 0; i < sensor_table_count(t); i++)
            cr_assert_leq(series_len(sensor_table_at(t, i)->series), 12);
        sensor_table_free(t);
    }
}
