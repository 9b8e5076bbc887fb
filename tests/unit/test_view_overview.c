/* The overview (Tổng quan) rendered on a virtual screen from a crafted province: the numbers
 * of every tile equal what was put in, the scope narrows them, tiles fold by priority on small
 * terminals and sit side by side on big ones, arrows move the tile selection and Enter opens
 * the tile's list in the same scope, export lines. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/alerts.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/ui.h"
#include "harness.h"

/* The numbers below are those of harness_province() (harness.h). */
#define NOW HARNESS_NOW

TestSuite(overview, .init = harness_console_init);

Test(overview, province_numbers_equal_the_records)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "overview", 120, 40, NOW);
    const char *b = harness_term_crumb(&t);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Tổng quan");
    cr_assert(harness_shows(t.lines, "Tỉnh Quảng Ngãi · 4 xã/phường"), "%s", t.text);
    /* Dossiers: 2 received and 1 finished today; 6 open, 3 overdue, 1 due soon; on time
     * 1 - (3 overdue + 1 late) / 10 = 60 %; 6 of 10 online. */
    cr_assert(harness_shows(t.lines, "Hôm nay: tiếp nhận 2 · giải quyết 1"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Đang giải quyết 6 · quá hạn 3 · sắp đến hạn 1"), "%s",
              t.text);
    cr_assert(harness_shows(t.lines, "Đúng hạn 60% · trực tuyến 60%"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Đã xong 4: trước hạn 1 · đúng hạn 2 · trễ hạn 1"), "%s",
              t.text);
    /* Complaints: 3 sent today, 6 open, 3 overdue, 1 urgent waiting, 1 of 2 rated satisfied. */
    cr_assert(harness_shows(t.lines, "Hôm nay: mới 3 · đang mở 6"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Quá hạn 3 · khẩn chưa tiếp nhận 1 · sắp đến hạn 1"), "%s",
              t.text);
    cr_assert(harness_shows(t.lines, "Hài lòng 50% (2 đánh giá)"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Nhiều nhất: Trật tự đô thị 2"), "%s", t.text);
    /* Sensors: the worst station with its index and band word, gauges, flooding, cameras. */
    char aqi[96];
    snprintf(aqi, sizeof aqi, "AQI cao nhất %d Xấu · Trạm Cẩm Thành",
             aqi_sub_index(AQI_POL_PM25, 100));
    cr_assert(harness_shows(t.lines, aqi), "%s\n%s", aqi, t.text);
    cr_assert(harness_shows(t.lines, "Sông: trạm 1 · BĐ I 1 · BĐ II 0 · BĐ III 0"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Ngập: điểm 1 · ≥10 cm 1 · ≥20 1 · ≥30 0"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Camera mất tín hiệu 1/2"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Mực nước cao nhất: Cầu Trà Khúc 10,00 m BĐ I"), "%s", t.text);
    /* Indicators of the latest period (2025, not 2024) over every commune. */
    cr_assert(harness_shows(t.lines, "Kỳ 2025: đạt 3 · chưa đạt 2 · chưa báo cáo 1"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Cảnh báo đang tắt"), "%s", t.text);
    harness_term_close(&t);
    store_free(s);
}

Test(overview, scope_narrows_every_tile)
{
    struct harness_term t;
    harness_term_show(&t, harness_province(), "overview", 120, 40, NOW);
    harness_term_command(&t, "unit 21100");
    const char *b = harness_term_crumb(&t);
    cr_assert_not_null(strstr(b, "Xã Nghĩa Lộ › Tổng quan"), "%s", b);
    cr_assert(harness_shows(t.lines, "Xã Nghĩa Lộ · mã 21100 · 18.000 dân"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Hôm nay: tiếp nhận 0 · giải quyết 0"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Đang giải quyết 1 · quá hạn 1 · sắp đến hạn 0"), "%s",
              t.text);
    cr_assert(harness_shows(t.lines, "Đúng hạn 33,3% · trực tuyến 33,3%"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Hôm nay: mới 0 · đang mở 2"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Quá hạn 2 · khẩn chưa tiếp nhận 0"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Hài lòng 0% (1 đánh giá)"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "AQI: chưa có trạm đo"), "no air station here: %s", t.text);
    cr_assert(harness_shows(t.lines, "Camera mất tín hiệu 1/1"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Kỳ 2025: đạt 1 · chưa đạt 1 · chưa báo cáo 0"), "%s", t.text);
    /* Another unit, another picture. */
    harness_term_command(&t, "unit 21200");
    cr_assert(harness_shows(t.lines, "Đang giải quyết 1 · quá hạn 0 · sắp đến hạn 0"), "%s",
              t.text);
    cr_assert(harness_shows(t.lines, "Đúng hạn 100%"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "AQI cao nhất 40 Tốt · Trạm Lý Sơn"), "%s", t.text);
    /* A unit without any data says so in every tile. */
    harness_term_command(&t, "unit 21300");
    cr_assert(harness_shows(t.lines, "Chưa có dữ liệu hồ sơ."), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Chưa có dữ liệu phản ánh."), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Chưa có dữ liệu cảm biến."), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Chưa có chỉ tiêu được báo cáo."), "%s", t.text);
    harness_term_close_with_store(&t);
}

Test(overview, tiles_stack_on_a_phone_and_spread_on_a_wall)
{
    struct store *s = harness_province();
    struct harness_term t;
    static const char *const titles[] = {" Hồ sơ ", " Phản ánh ", " Cảm biến ", " Cảnh báo ",
                                         " Chỉ tiêu "};
    /* 80x24: one column, every tile, in priority order top to bottom. */
    harness_term_show(&t, s, "overview", 80, 24, NOW);
    int prev = 0;
    for (size_t i = 0; i < 5; i++) {
        int row = harness_find_row(t.lines, titles[i]);
        cr_assert_gt(row, prev, "%s at %d after %d:\n%s", titles[i], row, prev, t.text);
        prev = row;
    }
    for (int i = 0; i < t.nlines; i++)
        cr_assert_leq(text_width(t.lines[i]), 80, "row %d: %s", i, t.lines[i]);
    /* The dossier tile has room for its trend; the sensor tile keeps its first lines. */
    cr_assert(harness_shows(t.lines, "Tiếp nhận 14 ngày"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Ngập: điểm 1"), "%s", t.text);
    cr_assert(!harness_shows(t.lines, "Ngập sâu nhất"), "%s", t.text);
    harness_term_close(&t);

    /* 80x14: the lowest priorities fold away; what is left is whole lines. */
    harness_term_show(&t, s, "overview", 80, 14, NOW);
    cr_assert(harness_shows(t.lines, " Hồ sơ "), "%s", t.text);
    cr_assert(harness_shows(t.lines, " Phản ánh "), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Đang giải quyết 6 · quá hạn 3"), "%s", t.text);
    cr_assert(!harness_shows(t.lines, " Chỉ tiêu "), "%s", t.text);
    cr_assert(!harness_shows(t.lines, " Cảnh báo "), "%s", t.text);
    harness_term_close(&t);

    /* 200x50: three tiles side by side, all lines shown. */
    harness_term_show(&t, s, "overview", 200, 50, NOW);
    int row = harness_find_row(t.lines, " Hồ sơ ");
    cr_assert_geq(row, 0);
    cr_assert_not_null(strstr(t.lines[row], " Phản ánh "), "%s", t.lines[row]);
    cr_assert_not_null(strstr(t.lines[row], " Cảm biến "), "%s", t.lines[row]);
    cr_assert_lt(harness_column_of(t.lines[row], " Hồ sơ "),
                 harness_column_of(t.lines[row], " Phản ánh "));
    cr_assert(harness_shows(t.lines, "Ngập sâu nhất: Ngã tư Nghĩa Lộ 25 cm"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "50% đạt"), "the indicator bar: %s", t.text);
    int second = harness_find_row(t.lines, " Cảnh báo ");
    cr_assert_gt(second, row);
    cr_assert_not_null(strstr(t.lines[second], " Chỉ tiêu "), "%s", t.lines[second]);
    harness_term_close(&t);
    store_free(s);
}

Test(overview, arrows_select_a_tile_and_enter_opens_its_list)
{
    struct harness_term t;
    harness_term_show(&t, harness_province(), "overview", 120, 40, NOW);
    cr_assert(harness_shows(t.lines, "▶ Hồ sơ"), "the dossier tile starts selected: %s", t.text);
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "dossiers");
    const char *b = harness_term_crumb(&t);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Tổng quan › Hồ sơ › quá hạn");
    harness_term_act(&t, ACT_BACK);
    cr_assert_str_eq(ui_view_name(t.u), "overview");
    /* Two columns at 120: → to complaints, ↓ to the row below (alerts), ← to sensors. */
    harness_term_act(&t, ACT_RIGHT);
    cr_assert(harness_shows(t.lines, "▶ Phản ánh"), "%s", t.text);
    cr_assert(!harness_shows(t.lines, "▶ Hồ sơ"));
    harness_term_act(&t, ACT_DOWN);
    cr_assert(harness_shows(t.lines, "▶ Cảnh báo"), "%s", t.text);
    harness_term_act(&t, ACT_LEFT);
    cr_assert(harness_shows(t.lines, "▶ Cảm biến"), "%s", t.text);
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "sensors");
    b = harness_term_crumb(&t);
    cr_assert_not_null(strstr(b, "Cảm biến › đang báo động"), "alarms first: %s", b);
    harness_term_act(&t, ACT_BACK);
    harness_term_act(&t, ACT_DOWN);
    cr_assert(harness_shows(t.lines, "▶ Chỉ tiêu"), "%s", t.text);
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "indicators");
    harness_term_close_with_store(&t);
}

Test(overview, enter_keeps_the_scope)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "overview", 80, 24, NOW);
    harness_term_command(&t, "unit 21100");
    harness_term_act(&t, ACT_DOWN); /* one column: down is the next tile */
    cr_assert(harness_shows(t.lines, "▶ Phản ánh"), "%s", t.text);
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "complaints");
    const char *b = harness_term_crumb(&t);
    cr_assert_not_null(strstr(b, "Xã Nghĩa Lộ › Tổng quan › Phản ánh › quá hạn"), "%s", b);
    cr_assert(harness_shows(t.lines, "PA-NL-1"), "%s", t.text);
    cr_assert(!harness_shows(t.lines, "PA-CT-1"), "scoped: %s", t.text);
    harness_term_close(&t);

    /* Nothing overdue in Lý Sơn: Enter opens the whole list, not an empty preset. */
    harness_term_show(&t, s, "overview", 80, 24, NOW);
    harness_term_command(&t, "unit 21200");
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "dossiers");
    b = harness_term_crumb(&t);
    cr_assert_null(strstr(b, "quá hạn"), "%s", b);
    harness_term_close(&t);
    store_free(s);
}

Test(overview, alerts_tile_counts_and_lists_the_active_events)
{
    struct store *s = harness_province();
    struct alerts *a = alerts_new();
    alerts_evaluate(a, s, NULL, NOW);
    size_t active = alerts_active_count(a);
    cr_assert_gt(active, 0, "the gauge at BĐ I fires at once");
    const struct alert_event *first = alerts_at(a, 0);
    struct harness_term t;
    harness_term_show(&t, s, "overview", 200, 50, NOW);
    t.ctx.alerts = a;
    harness_term_frame(&t);
    char line[128];
    snprintf(line, sizeof line, "Đang có %zu · nghiêm trọng %zu", active,
             alerts_active_critical(a));
    cr_assert(harness_shows(t.lines, line), "%s\n%s", line, t.text);
    char start[40];
    text_fit(first->message, 25, start, sizeof start);
    start[strlen(start) - strlen("…")] = '\0';
    cr_assert(harness_shows(t.lines, start), "'%s'\n%s", start, t.text);
    cr_assert(!harness_shows(t.lines, "Cảnh báo đang tắt"));
    /* Scoped: only the unit's events. */
    harness_term_command(&t, "unit 21300");
    cr_assert(harness_shows(t.lines, "Đang có 0"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Không có cảnh báo đang hoạt động."), "%s", t.text);
    harness_term_close(&t);
    alerts_free(a);
    store_free(s);
}

Test(overview, export_lines)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "overview", 120, 40, NOW);
    char *out = harness_term_export(&t);
    static const char *const want[] = {
        "scope\tcode\t\n",
        "scope\tname\tTỉnh Quảng Ngãi\n",
        "dossiers\treceived_today\t2\n",
        "dossiers\tfinished_today\t1\n",
        "dossiers\topen\t6\n",
        "dossiers\toverdue\t3\n",
        "dossiers\tdue_soon\t1\n",
        "dossiers\ton_time_pct\t60.0\n",
        "dossiers\tonline_pct\t60.0\n",
        "complaints\tnew_today\t3\n",
        "complaints\topen\t6\n",
        "complaints\toverdue\t3\n",
        "complaints\turgent_unaccepted\t1\n",
        "complaints\tsatisfaction_pct\t50.0\n",
        "sensors\tworst_aqi_band\tXấu\n",
        "sensors\tworst_aqi_station\tTrạm Cẩm Thành\n",
        "sensors\tgauges_bd1\t1\n",
        "sensors\tflood_20cm\t1\n",
        "sensors\tcameras_offline\t1\n",
        "indicators\tperiod\t2025\n",
        "indicators\tmet\t3\n",
        "indicators\tnot_met\t2\n",
        "indicators\tnot_reported\t1\n",
        "alerts\tactive\t\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_not_null(strstr(out, want[i]), "missing '%s' in\n%s", want[i], out);
    for (const char *p = out; *p; p++)
        cr_assert(*p != ' ' || p == out || p[-1] != '\t', "a value starts with a blank");
    free(out);
    harness_term_command(&t, "unit 21100");
    out = harness_term_export(&t);
    cr_assert_not_null(strstr(out, "scope\tcode\t21100\n"), "%s", out);
    cr_assert_not_null(strstr(out, "dossiers\ton_time_pct\t33.3\n"), "%s", out);
    cr_assert_not_null(strstr(out, "sensors\tworst_aqi\t\n"), "%s", out);
    free(out);
    harness_term_close(&t);
    store_free(s);
}

Test(overview, empty_store_says_so)
{
    struct harness_term t;
    harness_term_show(&t, store_new(), "overview", 120, 40, NOW);
    cr_assert(harness_shows(t.lines, "Toàn tỉnh"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Chưa có dữ liệu hồ sơ."), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Chưa có dữ liệu phản ánh."), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Chưa có dữ liệu cảm biến."), "%s", t.text);
    harness_term_close_with_store(&t);
}

Test(overview, ascii_mode_has_no_unicode_glyphs_of_its_own)
{
    struct store *s = harness_province();
    text_set_ascii(1);
    struct harness_term t;
    harness_term_show(&t, s, "overview", 200, 50, NOW);
    cr_assert(harness_shows(t.lines, "> Hồ sơ"), "%s", t.text);
    cr_assert_null(strstr(t.text, "▶"));
    cr_assert_null(strstr(t.text, "▁"), "sparklines in ASCII: %s", t.text);
    cr_assert_null(strstr(t.text, "█"));
    harness_term_close(&t);
    text_set_ascii(0);
    store_free(s);
}
