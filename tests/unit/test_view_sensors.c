/* The Cảm biến list and the sensor detail rendered on a virtual screen: worst first, the
 * VN_AQI band word and number of a known PM2.5 reading, the BĐ level of a gauge, presets by
 * kind and "alarm", scope, folding at 80×24 against 200×50, Enter, export; the detail's
 * braille chart with its threshold labels, its figures, the worst sensor without an id. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/sensors.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"
#include "citydeck/view.h"
#include "harness.h"

#define NOW HARNESS_NOW
#define NOW_MS ((int64_t)NOW * 1000)
#define HOUR_MS (3600 * 1000LL)

/* A sensor named by its property, with its unit of measure (NULL = none). */
static struct sensor_update *sensor(struct sensor_batch *b, const char *id, const char *station,
                                    const char *property, const char *unit, const char *ward,
                                    enum sensor_kind kind)
{
    struct sensor_update *u = harness_sensor(b, id, station, property, kind, ward);
    u->s.property = xstrdup(property);
    u->s.unit = unit ? xstrdup(unit) : NULL;
    return u;
}

/* hours readings, one an hour, ending at end_ms, rising linearly from a to b. */
static void ramp(struct sensor_update *u, int hours, int64_t end_ms, double a, double b)
{
    for (int i = 0; i < hours; i++)
        sensor_update_add_obs(u, end_ms - (int64_t)(hours - 1 - i) * HOUR_MS,
                              a + (b - a) * i / (hours > 1 ? hours - 1 : 1));
}

/* Seven sensors:
 *   pm-cam   PM2.5 55.0 µg/m³ at Cẩm Thành: VN_AQI 108, Kém (warning)
 *   pm-nl    PM2.5 10.0 µg/m³ at Nghĩa Lộ: VN_AQI 20, Tốt
 *   wl-tk    Trà Khúc gauge 3.40 m with BĐ 2.0/3.0/4.0 m: BĐ II
 *   fd-qt    street flooding 35 cm: ≥ 30 cm
 *   cam-off  camera reporting 0: offline
 *   cam-on   camera reporting 1 a minute ago: online
 *   tr-1     vehicle count 120, read three hours ago (an old reading) */
static struct store *sample_store(void)
{
    struct store *s = store_new();
    struct unit_batch *ub = harness_unit_batch();
    harness_unit(ub, "21025", "Cẩm Thành", "Phường Cẩm Thành", UNIT_WARD);
    harness_unit(ub, "21100", "Nghĩa Lộ", "Xã Nghĩa Lộ", UNIT_COMMUNE);
    store_merge_units(s, ub);

    struct sensor_batch *b = sensor_batch_new();
    struct sensor_update *u =
        sensor(b, "pm-cam", "Trạm Cẩm Thành", "PM2.5", "µg/m³", "21025", SK_AIR_QUALITY);
    u->s.pollutant = AQI_POL_PM25;
    u->s.lat = 15.12;
    u->s.lon = 108.8;
    u->s.has_location = true;
    ramp(u, 24, NOW_MS - 5 * 60000, 20, 55);
    u = sensor(b, "pm-nl", "Trạm Nghĩa Lộ", "PM2.5", "µg/m³", "21100", SK_AIR_QUALITY);
    u->s.pollutant = AQI_POL_PM25;
    ramp(u, 6, NOW_MS - 5 * 60000, 12, 10);
    u = sensor(b, "wl-tk", "Trà Khúc", "Mực nước", "m", "21025", SK_WATER_LEVEL);
    u->s.alarm[0] = 2.0;
    u->s.alarm[1] = 3.0;
    u->s.alarm[2] = 4.0;
    ramp(u, 24, NOW_MS - 10 * 60000, 1.5, 3.4);
    u = sensor(b, "fd-qt", "Ngã tư Quang Trung", "Độ ngập", "cm", "21025", SK_FLOOD_DEPTH);
    ramp(u, 4, NOW_MS - 5 * 60000, 5, 35);
    u = sensor(b, "cam-off", "Camera cầu Trà Khúc", "Trạng thái camera", NULL, "21025", SK_CAMERA);
    sensor_update_add_obs(u, NOW_MS - 2 * 60000, 0);
    u = sensor(b, "cam-on", "Camera chợ Nghĩa Lộ", "Trạng thái camera", NULL, "21100", SK_CAMERA);
    sensor_update_add_obs(u, NOW_MS - 60000, 1);
    u = sensor(b, "tr-1", "Bộ đếm Hùng Vương", "Lưu lượng xe", "xe/15 phút", "21025",
               SK_TRAFFIC_COUNT);
    sensor_update_add_obs(u, NOW_MS - 3 * HOUR_MS, 120);
    store_merge_sensors(s, b);
    return s;
}

/* Cells holding braille dots (U+2801..U+28FF: E2 A0 81 .. E2 A3 BF). */
static int braille_cells(char **lines)
{
    int n = 0;
    for (int i = 0; lines[i]; i++)
        for (const unsigned char *p = (const unsigned char *)lines[i]; *p; p++)
            if (p[0] == 0xE2 && p[1] >= 0xA0 && p[1] <= 0xA3 && p[2] &&
                !(p[1] == 0xA0 && p[2] == 0x80))
                n++;
    return n;
}

/* The number after "key\t" in text; NaN when the key is not there. */
static double field_number(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtod(p + strlen(key), NULL) : NAN;
}

TestSuite(view_sensors, .init = harness_console_init);

Test(view_sensors, are_registered)
{
    cr_assert_eq(view_find("sensors"), &sensors_view_ops);
    cr_assert_eq(view_find("sensor"), &sensor_view_ops);
    cr_assert(sensor_view_ops.detail);
    cr_assert_not(sensors_view_ops.detail);
}

Test(view_sensors, worst_first_with_band_and_level_words)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "sensors", 120, 40, NOW);
    int sum = harness_find_row(l, "Cảm biến 7 · báo động 4 · ");
    cr_assert_geq(sum, 0);
    cr_assert_not_null(strstr(l[sum], "Không khí 2 · Mực nước 1 · Độ ngập 1 · Lưu lượng xe 1 · "
                                      "Camera 2"),
                       "%s", l[sum]);

    int cam_off = harness_find_row(l, "Camera cầu Trà Khúc"),
        flood = harness_find_row(l, "Ngã tư Quang Trung");
    int gauge = harness_find_row(l, "3.40 m"), pm = harness_find_row(l, "Trạm Cẩm Thành");
    int cam_on = harness_find_row(l, "Camera chợ Nghĩa Lộ"),
        pm_ok = harness_find_row(l, "Trạm Nghĩa Lộ");
    int traffic = harness_find_row(l, "Bộ đếm Hùng Vương");
    /* Offline camera and impassable flooding (top, by station), BĐ II, AQI Kém, then the
     * quiet ones by station. */
    cr_assert(sum < cam_off && cam_off < flood && flood < gauge && gauge < pm && pm < traffic &&
                  traffic < cam_on && cam_on < pm_ok,
              "order %d %d %d %d %d %d %d", cam_off, flood, gauge, pm, traffic, cam_on, pm_ok);

    /* PM2.5 55 µg/m³: between the 50 (AQI 100) and 80 (AQI 150) breakpoints, VN_AQI 108. */
    cr_assert_not_null(strstr(l[pm], "55.0 µg/m³"), "%s", l[pm]);
    cr_assert_not_null(strstr(l[pm], "AQI 108 Kém"), "%s", l[pm]);
    cr_assert_not_null(strstr(l[pm_ok], "AQI 20 Tốt"), "%s", l[pm_ok]);
    cr_assert_not_null(strstr(l[gauge], "3.40 m"), "%s", l[gauge]);
    cr_assert_not_null(strstr(l[gauge], "BĐ II "), "%s", l[gauge]);
    cr_assert_null(strstr(l[gauge], "BĐ III"), "%s", l[gauge]);
    cr_assert_not_null(strstr(l[flood], "35 cm"), "%s", l[flood]);
    cr_assert_not_null(strstr(l[flood], "ngập ≥ 30 cm"), "%s", l[flood]);
    cr_assert_not_null(strstr(l[cam_off], "ngoại tuyến"), "%s", l[cam_off]);
    cr_assert_not_null(strstr(l[cam_on], "trực tuyến"), "%s", l[cam_on]);
    /* Ages, and the old reading marked as such. */
    cr_assert_not_null(strstr(l[pm], "5m"), "%s", l[pm]);
    cr_assert_not_null(strstr(l[traffic], "3h00 cũ"), "%s", l[traffic]);
    cr_assert_null(strstr(l[pm], "cũ"), "%s", l[pm]);
    cr_assert_not_null(strstr(l[pm], "Phường Cẩm Thành"), "%s", l[pm]);
    harness_term_close_with_store(&t);
}

Test(view_sensors, presets_by_kind_and_alarm)
{
    static const struct {
        const char *spec, *word;
        int rows;
        const char *must, *mustnt;
    } cases[] = {
        {"sensors:air", "không khí", 2, "AQI 108", "BĐ II"},
        {"sensors:water", "mực nước", 1, "BĐ II", "AQI"},
        {"sensors:flood", "độ ngập", 1, "ngập ≥ 30 cm", "AQI"},
        {"sensors:traffic", "lưu lượng xe", 1, "Bộ đếm", "AQI"},
        {"sensors:camera", "camera", 2, "ngoại tuyến", "AQI"},
        {"sensors:alarm", "đang báo động", 4, "AQI 108", "trực tuyến"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct harness_term t;
        char **l = harness_term_show(&t, sample_store(), cases[i].spec, 120, 40, NOW);
        int n = harness_count_rows(l, "Phường Cẩm Thành") + harness_count_rows(l, "Xã Nghĩa Lộ");
        cr_assert_eq(n, cases[i].rows, "%s: %d rows", cases[i].spec, n);
        cr_assert_geq(harness_find_row(l, cases[i].must), 0, "%s", cases[i].spec);
        cr_assert_eq(harness_find_row(l, cases[i].mustnt), -1, "%s", cases[i].spec);
        char want[128];
        const char *c = harness_term_crumb(&t);
        snprintf(want, sizeof want, "Tỉnh Quảng Ngãi › Cảm biến › %s", cases[i].word);
        cr_assert_str_eq(c, want);
        /* The summary counts the whole scope whatever the preset. */
        cr_assert_geq(harness_find_row(l, "Cảm biến 7 · "), 0);
        harness_term_close_with_store(&t);
    }
}

Test(view_sensors, scope_narrows_to_the_ward)
{
    struct harness_term t;
    harness_term_show(&t, sample_store(), "sensors", 120, 40, NOW);
    harness_term_command(&t, "unit 21100");
    char **l = t.lines;
    const char *c = harness_term_crumb(&t);
    cr_assert(harness_ends_with(c, "› Xã Nghĩa Lộ › Cảm biến"), "%s", c);
    cr_assert_geq(harness_find_row(l, "Cảm biến 2 · báo động 0 · Không khí 1 · Camera 1"), 0);
    cr_assert_geq(harness_find_row(l, "Trạm Nghĩa Lộ"), 0);
    cr_assert_geq(harness_find_row(l, "Camera chợ Nghĩa Lộ"), 0);
    cr_assert_eq(harness_find_row(l, "Trà Khúc"), -1);
    cr_assert_eq(harness_find_row(l, "Phường Cẩm Thành"), -1);
    harness_term_close_with_store(&t);
}

Test(view_sensors, enter_opens_the_sensor)
{
    struct harness_term t;
    harness_term_show(&t, sample_store(), "sensors:water", 120, 40, NOW);
    ui_on_action(t.u, ACT_ENTER, &t.ctx);
    cr_assert_str_eq(ui_view_name(t.u), "sensor");
    char **l = harness_term_frame(&t);
    const char *c = harness_term_crumb(&t);
    cr_assert(harness_ends_with(c, "› Cảm biến › Trà Khúc"), "%s", c);
    cr_assert_geq(harness_find_row(l, "mã wl-tk"), 0);
    /* Esc comes back to the list. */
    ui_on_action(t.u, ACT_BACK, &t.ctx);
    cr_assert_str_eq(ui_view_name(t.u), "sensors");
    harness_term_close_with_store(&t);
}

Test(view_sensors, folds_at_80x24_and_unfolds_at_200x50)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "sensors", 80, 24, NOW);
    int head = harness_find_row(l, "Giá trị");
    cr_assert_geq(head, 0);
    cr_assert_null(strstr(l[head], "Diễn biến"), "%s", l[head]);
    cr_assert_null(strstr(l[head], "Loại"), "%s", l[head]);
    cr_assert_not_null(strstr(l[head], "Mức"), "%s", l[head]);
    int gauge = harness_find_row(l, "3.40 m");
    cr_assert_geq(gauge, 0);
    /* A long station name keeps its distinguishing end. */
    cr_assert_geq(harness_find_row(l, "Camera…Trà Khúc "), 0);
    cr_assert_not_null(strstr(l[gauge], "BĐ II"), "%s", l[gauge]);
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 80, "row %d: %s", i, l[i]);

    harness_term_resize(&t, 200, 50);
    l = harness_term_frame(&t);
    head = harness_find_row(l, "Giá trị");
    cr_assert_not_null(strstr(l[head], "Diễn biến"), "%s", l[head]);
    cr_assert_not_null(strstr(l[head], "Loại"), "%s", l[head]);
    gauge = harness_find_row(l, "3.40 m");
    cr_assert_not_null(strstr(l[gauge], "Mực nước"), "%s", l[gauge]);
    /* The rising gauge ends its sparkline on a full block after lower ones. */
    cr_assert_not_null(strstr(l[gauge], "▁"), "%s", l[gauge]);
    cr_assert_not_null(strstr(l[gauge], "█"), "%s", l[gauge]);
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 200);
    harness_term_close_with_store(&t);
}

Test(view_sensors, export_lists_the_rows_in_order)
{
    struct harness_term t;
    harness_term_open(&t, sample_store(), "sensors", 120, 40, NOW);
    char *text = harness_term_export(&t);
    cr_assert(str_starts_with(text, "Mã\tTrạm\tLoại\tĐại lượng\tGiá trị\tĐơn vị\tMức\t"), "%s",
              text);
    cr_assert_not_null(strstr(text, "wl-tk\tTrà Khúc\tMực nước\tMực nước\t3.40\tm\tBĐ "
                                    "II\t2026-03-02T07:50:00+07:00\t21025\tPhường Cẩm Thành\n"),
                       "%s", text);
    cr_assert_not_null(strstr(text, "pm-cam\tTrạm Cẩm Thành\tKhông khí\tPM2.5\t55.0\tµg/m³\tAQI "
                                    "108 Kém\t"),
                       "%s", text);
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 8);
    cr_assert_lt(strstr(text, "cam-off\t"), strstr(text, "wl-tk\t"));
    free(text);
    harness_term_close_with_store(&t);
}

/* ---- the detail --------------------------------------------------------------------------- */

Test(view_sensors, detail_gauge_chart_has_alarm_lines)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "sensor:wl-tk", 120, 40, NOW);
    const char *c = harness_term_crumb(&t);
    cr_assert_str_eq(c, "Tỉnh Quảng Ngãi › Cảm biến › Trà Khúc");
    cr_assert_geq(harness_find_row(l, "Trà Khúc · mã wl-tk · Mực nước · Mực nước (m)"), 0);
    cr_assert_geq(harness_find_row(l, "Xã/phường: Phường Cẩm Thành"), 0);
    int latest = harness_find_row(l, "Mới nhất: 3.40 m lúc 07:50 02/03 (10m trước) · BĐ II");
    cr_assert_geq(latest, 0);
    cr_assert_geq(harness_find_row(l, "Mức báo động: BĐ I 2.00 m · BĐ II 3.00 m · BĐ III 4.00 m"),
                  0);
    /* The chart: braille dots, the three alarm labels at the right edge, below the metadata. */
    cr_assert_gt(braille_cells(l), 40, "a braille chart fills the space");
    int b1 = harness_find_row(l, "BĐ I "), b3 = harness_find_row(l, "BĐ III");
    int b2 = -1;
    for (int i = latest + 1; l[i]; i++)
        if (strstr(l[i], "BĐ II") && !strstr(l[i], "BĐ III") && !strstr(l[i], "báo động"))
            b2 = i;
    cr_assert(b3 > latest && b3 < b2, "BĐ III above BĐ II: %d %d", b3, b2);
    cr_assert_gt(b1, 0);
    int fig = harness_find_row(l, "Thấp nhất 1.50 m · cao nhất 3.40 m · mới nhất 3.40 m · 24 điểm");
    cr_assert_gt(fig, b2, "figures below the chart");
    harness_term_close_with_store(&t);
}

Test(view_sensors, detail_pm25_chart_has_aqi_band_edges)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "sensor:pm-cam", 120, 40, NOW);
    cr_assert_geq(harness_find_row(l, "Mới nhất: 55.0 µg/m³"), 0);
    cr_assert_geq(harness_find_row(l, "AQI 108 Kém"), 0);
    cr_assert_geq(harness_find_row(l, "VN_AQI 108"), 0);
    /* Readings from 20 to 55 µg/m³: the edges of Trung bình, Kém and the next one up (Xấu). */
    cr_assert_geq(harness_find_row(l, "Trung bình ≥51"), 0);
    cr_assert_geq(harness_find_row(l, "Kém ≥101"), 0);
    cr_assert_geq(harness_find_row(l, "Xấu ≥151"), 0);
    cr_assert_eq(harness_find_row(l, "Rất xấu ≥201"), -1, "far above the readings");
    cr_assert_gt(braille_cells(l), 40);

    /* The threshold values in the export: the concentrations where the bands begin (the
     * index is published rounded, so AQI 101 starts at 100.5: 50 + 0.5 × 30/50 µg/m³). */
    char *text = harness_term_export(&t);
    cr_assert_float_eq(field_number(text, "Ngưỡng Trung bình ≥51\t"), 25.25, 0.051, "%s", text);
    cr_assert_float_eq(field_number(text, "Ngưỡng Kém ≥101\t"), 50.3, 0.051, "%s", text);
    free(text);
    harness_term_close_with_store(&t);
}

Test(view_sensors, detail_in_ascii)
{
    text_set_ascii(1);
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "sensor:pm-cam", 120, 40, NOW);
    cr_assert_geq(harness_find_row(l, "Kém >=101"), 0);
    cr_assert_eq(braille_cells(l), 0, "no braille with --ascii");
    int stars = 0;
    for (int i = 0; l[i]; i++)
        for (const char *p = l[i]; *p; p++)
            stars += *p == '*';
    cr_assert_gt(stars, 20, "the line is drawn in '*'");
    cr_assert_geq(harness_find_row(l, "-> 07:55 02/03"), 0);
    harness_term_close_with_store(&t);
    text_set_ascii(0);
}

Test(view_sensors, detail_flood_depth_lines)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "sensor:fd-qt", 120, 40, NOW);
    cr_assert_geq(harness_find_row(l, "Độ ngập ≥ 30 cm: không thể đi qua"), 0);
    cr_assert_geq(harness_find_row(l, "10 cm"), 0);
    cr_assert_geq(harness_find_row(l, "20 cm"), 0);
    cr_assert_geq(harness_find_row(l, "30 cm"), 0);
    harness_term_close_with_store(&t);
}

Test(view_sensors, detail_still_charts_at_80x24)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "sensor:wl-tk", 80, 24, NOW);
    cr_assert_gt(braille_cells(l), 20);
    cr_assert_geq(harness_find_row(l, "BĐ III"), 0);
    cr_assert_geq(harness_find_row(l, "Thấp nhất 1.50 m"), 0);
    cr_assert_geq(harness_find_row(l, "Mới nhất: 3.40 m"), 0);
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 80, "row %d: %s", i, l[i]);

    /* A taller terminal gives the chart the rows. */
    harness_term_resize(&t, 200, 50);
    l = harness_term_frame(&t);
    cr_assert_gt(braille_cells(l), 200);
    harness_term_close_with_store(&t);
}

Test(view_sensors, detail_without_id_shows_the_worst)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "sensor", 120, 40, NOW);
    const char *c = harness_term_crumb(&t);
    /* The list's first row: the offline camera (top severity, first by station). */
    cr_assert_str_eq(c, "Tỉnh Quảng Ngãi › Cảm biến › Camera cầu Trà Khúc (xấu nhất)");
    cr_assert_geq(harness_find_row(l, "ngoại tuyến"), 0);
    harness_term_close_with_store(&t);

    /* Scoped to Nghĩa Lộ, nothing is in alarm: the moderate one is as bad as it gets. */
    harness_term_open(&t, sample_store(), "sensor", 120, 40, NOW);
    harness_term_command(&t, "unit 21100");
    c = harness_term_crumb(&t);
    cr_assert(harness_ends_with(c, "› Xã Nghĩa Lộ › Cảm biến › Camera chợ Nghĩa Lộ (xấu nhất)"),
              "%s", c);
    harness_term_close_with_store(&t);
}

Test(view_sensors, detail_unknown_id_says_so)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "sensor:nope", 120, 40, NOW);
    cr_assert_geq(harness_find_row(l, "Không tìm thấy cảm biến nope."), 0);
    harness_term_close_with_store(&t);
}

Test(view_sensors, detail_export_has_metadata_and_points)
{
    struct harness_term t;
    harness_term_open(&t, sample_store(), "sensor:wl-tk", 120, 40, NOW);
    char *text = harness_term_export(&t);
    cr_assert(str_starts_with(text, "Mã\twl-tk\nTrạm\tTrà Khúc\n"), "%s", text);
    cr_assert_not_null(strstr(text, "Loại\tMực nước\n"), "%s", text);
    cr_assert_not_null(strstr(text, "Đơn vị\tm\n"), "%s", text);
    cr_assert_not_null(strstr(text, "Mã xã/phường\t21025\nXã/phường\tPhường Cẩm Thành\n"), "%s",
                       text);
    cr_assert_not_null(strstr(text, "Mức\tBĐ II\n"), "%s", text);
    cr_assert_not_null(strstr(text, "Ngưỡng BĐ III\t4.00\n"), "%s", text);
    const char *pts = strstr(text, "\nThời điểm\tGiá trị\n");
    cr_assert_not_null(pts, "%s", text);
    cr_assert_not_null(strstr(pts, "\n2026-03-01T08:50:00+07:00\t1.5\n"), "%s", pts);
    cr_assert_not_null(strstr(pts, "\n2026-03-02T07:50:00+07:00\t3.4\n"), "%s", pts);
    int lines = 0;
    for (const char *p = pts + 1; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 1 + 24, "a header and 24 points");
    free(text);
    harness_term_close_with_store(&t);
}
