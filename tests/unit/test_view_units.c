/* The units ranking (Xếp hạng xã/phường) and the unit detail view rendered on a virtual
 * screen from a crafted province: order, sorting, "–" for no data, presets, scope, Enter into
 * the unit and from the unit into its lists and records, folding, export. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/alerts.h"
#include "citydeck/clock.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"
#include "harness.h"

/* The numbers below are those of harness_province() (harness.h). */
#define NOW HARNESS_NOW
#define HOUR 3600
#define DAY 86400

/* Table rows of the four unit names (below the header: the summary lines name units too). */
static void unit_rows(const struct harness_term *t, int rows[4])
{
    int header = harness_find_row(t->lines, "HS quá hạn");
    cr_assert_gt(header, 0, "%s", t->text);
    rows[0] = harness_find_row_after(t->lines, header, "Phường Cẩm Thành");
    rows[1] = harness_find_row_after(t->lines, header, "Xã Nghĩa Lộ");
    rows[2] = harness_find_row_after(t->lines, header, "Đặc khu Lý Sơn");
    rows[3] = harness_find_row_after(t->lines, header, "Xã Trà Bồng");
    for (int i = 0; i < 4; i++)
        cr_assert_geq(rows[i], 0, "unit %d not on screen:\n%s", i, t->text);
}

TestSuite(units, .init = harness_console_init);

/* ---- the ranking ------------------------------------------------------------------------- */

Test(units, worst_first_with_values_and_dashes)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "units", 120, 40, NOW);
    const char *b = harness_term_crumb(&t);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Xếp hạng xã/phường");
    int r[4];
    unit_rows(&t, r);
    /* Overdue dossiers 2, 1, 0, then no data. */
    cr_assert(r[0] < r[1] && r[1] < r[2] && r[2] < r[3], "order %d %d %d %d\n%s", r[0], r[1], r[2],
              r[3], t.text);
    /* Cẩm Thành: 2 overdue, 60 % on time, 60 % online, 3 open, 1 overdue complaint, 1 sensor
     * alarm (AQI Xấu), 1 of 3 indicators met. */
    const char *ct = t.lines[r[0]];
    cr_assert_not_null(strstr(ct, "60%"), "%s", ct);
    cr_assert_not_null(strstr(ct, "1/3"), "%s", ct);
    char *cells = xstrdup(ct);
    int n = 0;
    const char *want[] = {"2", "60%", "60%", "3", "1", "1", "1/3"};
    for (char *save = NULL, *tok = strtok_r(cells + strlen("Phường Cẩm Thành"), " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        cr_assert_lt(n, 7, "too many cells in '%s'", ct);
        cr_assert_str_eq(tok, want[n], "cell %d of '%s'", n, ct);
        n++;
    }
    cr_assert_eq(n, 7, "'%s'", ct);
    free(cells);
    /* Nghĩa Lộ: 33,3 % on time, 3 alarms (gauge BĐ I, 25 cm flood, camera offline). */
    cr_assert_not_null(strstr(t.lines[r[1]], "33,3%"), "%s", t.lines[r[1]]);
    cr_assert_not_null(strstr(t.lines[r[1]], " 3 "), "%s", t.lines[r[1]]);
    cr_assert_not_null(strstr(t.lines[r[2]], "100%"), "%s", t.lines[r[2]]);
    /* Trà Bồng has no data: dashes, never 0 %. */
    const char *tb = t.lines[r[3]];
    cr_assert_null(strstr(tb, "0%"), "%s", tb);
    int dashes = 0;
    for (const char *p = tb; (p = strstr(p, "–")); p += strlen("–"))
        dashes++;
    cr_assert_eq(dashes, 7, "every value a dash: '%s'", tb);
    harness_term_close(&t);
    store_free(s);
}

Test(units, summary_names_worst_and_best_by_on_time)
{
    struct harness_term t;
    harness_term_show(&t, harness_province(), "units", 200, 50, NOW);
    int lo =
        harness_find_row(t.lines, "Đúng hạn thấp nhất: Xã Nghĩa Lộ 33,3% · Phường Cẩm Thành 60%");
    cr_assert_geq(lo, 0, "%s", t.text);
    cr_assert_not_null(strstr(t.lines[lo], "Cao nhất: Đặc khu Lý Sơn 100%"), "%s", t.lines[lo]);
    cr_assert(harness_shows(t.lines, "4 xã/phường · 2 có hồ sơ quá hạn · 2 có phản ánh quá hạn"),
              "%s", t.text);
    cr_assert(harness_shows(t.lines, "chỉ tiêu kỳ 2025"), "latest period, not 2024: %s", t.text);
    harness_term_close_with_store(&t);
}

Test(units, sort_by_column_and_reverse)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "units", 200, 50, NOW);
    int r[4];
    harness_term_act(
        &t, ACT_SORT); /* name, A to Z by the name itself: Cẩm Thành, Lý Sơn, Nghĩa Lộ, Trà Bồng */
    cr_assert(harness_shows(t.lines, "Xã/phường▲"), "%s", t.text);
    unit_rows(&t, r);
    cr_assert(r[0] < r[2] && r[2] < r[1] && r[1] < r[3], "by name %d %d %d %d\n%s", r[0], r[2],
              r[1], r[3], t.text);
    harness_term_act(&t, ACT_SORT_REVERSE);
    cr_assert(harness_shows(t.lines, "Xã/phường▼"));
    unit_rows(&t, r);
    cr_assert(r[3] < r[1] && r[1] < r[2] && r[2] < r[0], "reversed %d %d %d %d", r[3], r[1], r[2],
              r[0]);
    /* s moves on: code (shown at 200 columns), then online rate, largest first. */
    harness_term_act(&t, ACT_SORT);
    cr_assert(harness_shows(t.lines, "Mã▲"), "%s", t.text);
    harness_term_act(&t, ACT_SORT); /* HS quá hạn, largest first */
    harness_term_act(
        &t, ACT_SORT); /* Đúng hạn, largest first: Lý Sơn 100, Cẩm Thành 60, Nghĩa Lộ 33, none */
    cr_assert(harness_shows(t.lines, "Đúng hạn▼"), "%s", t.text);
    unit_rows(&t, r);
    cr_assert(r[2] < r[0] && r[0] < r[1] && r[1] < r[3], "on-time desc %d %d %d %d\n%s", r[2], r[0],
              r[1], r[3], t.text);
    harness_term_close(&t);
    store_free(s);
}

Test(units, presets_and_scope)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "units:worst", 120, 40, NOW);
    const char *b = harness_term_crumb(&t);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Xếp hạng xã/phường › có quá hạn");
    int header = harness_find_row(t.lines, "HS quá hạn");
    bool ls = false, tb = false;
    for (int k = header + 1; k < t.nlines; k++) {
        ls |= strstr(t.lines[k], "Lý Sơn") != NULL;
        tb |= strstr(t.lines[k], "Trà Bồng") != NULL;
    }
    cr_assert(!ls && !tb, "only units with something overdue:\n%s", t.text);
    cr_assert_gt(harness_find_row_after(t.lines, header, "Phường Cẩm Thành"), header);
    harness_term_close(&t);

    harness_term_show(&t, s, "units:communes", 120, 40, NOW);
    header = harness_find_row(t.lines, "HS quá hạn");
    for (int k = header + 1; k < t.nlines; k++)
        cr_assert_null(strstr(t.lines[k], "Phường"), "a ward among communes: %s", t.lines[k]);
    cr_assert_gt(harness_find_row_after(t.lines, header, "Xã Trà Bồng"), header);
    harness_term_close(&t);

    harness_term_show(&t, s, "units:wards", 120, 40, NOW);
    header = harness_find_row(t.lines, "HS quá hạn");
    cr_assert_eq(harness_find_row_after(t.lines, header, "Phường Cẩm Thành"), header + 1, "%s",
                 t.text);
    cr_assert_null(t.lines[header + 2] && strstr(t.lines[header + 2], "Xã ") ? "x" : NULL);
    harness_term_close(&t);
    store_free(s);
}

Test(units, scoped_to_one_unit_with_its_rank)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "units", 120, 40, NOW);
    /* ":unit 21100" is what the command line does: the same view, scoped. */
    cr_assert_eq(ui_on_key(t.u, ':', false, &t.ctx), 0);
    harness_term_keys(&t, "unit 21100\n");
    harness_term_frame(&t);
    const char *b = harness_term_crumb(&t);
    cr_assert_not_null(strstr(b, "Xã Nghĩa Lộ › Xếp hạng xã/phường"), "%s", b);
    cr_assert(harness_shows(t.lines, "Xếp thứ 2/4"), "%s", t.text);
    int header = harness_find_row(t.lines, "HS quá hạn");
    cr_assert_eq(harness_find_row_after(t.lines, header, "Xã Nghĩa Lộ"), header + 1);
    cr_assert_eq(t.lines[header + 2] ? (int)strlen(t.lines[header + 2]) : 0, 0,
                 "one row only: '%s'", t.lines[header + 2]);
    harness_term_close(&t);
    store_free(s);
}

Test(units, enter_opens_the_unit_detail_scoped)
{
    struct harness_term t;
    harness_term_show(&t, harness_province(), "units", 120, 40, NOW);
    harness_term_act(&t, ACT_DOWN); /* the second worst: Nghĩa Lộ */
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "unit");
    const char *b = harness_term_crumb(&t);
    /* The unit page is named by its scope. */
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Xếp hạng xã/phường › Xã Nghĩa Lộ");
    cr_assert(harness_shows(t.lines, "Xã Nghĩa Lộ · mã 21100 · 18.000 dân"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Xếp hạng 2/4"), "%s", t.text);
    harness_term_act(&t, ACT_BACK);
    cr_assert_str_eq(ui_view_name(t.u), "units");
    harness_term_close_with_store(&t);
}

Test(units, columns_fold_at_80x24)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "units", 80, 24, NOW);
    int header = harness_find_row(t.lines, "HS quá hạn");
    cr_assert_geq(header, 0, "%s", t.text);
    cr_assert_null(strstr(t.lines[header], "Chỉ tiêu"), "%s", t.lines[header]);
    cr_assert_null(strstr(t.lines[header], "Báo động"));
    cr_assert_null(strstr(t.lines[header], "Mã"));
    cr_assert_not_null(strstr(t.lines[header], "PA quá hạn"));
    cr_assert(harness_shows(t.lines, "Đúng hạn thấp nhất"), "summary still there: %s", t.text);
    for (int i = 0; i < t.nlines; i++)
        cr_assert_leq(text_width(t.lines[i]), 80, "row %d too wide: %s", i, t.lines[i]);
    harness_term_close(&t);

    harness_term_show(&t, s, "units", 200, 50, NOW);
    header = harness_find_row(t.lines, "HS quá hạn");
    cr_assert_not_null(strstr(t.lines[header], "Chỉ tiêu"), "%s", t.lines[header]);
    cr_assert_not_null(strstr(t.lines[header], "Báo động"));
    cr_assert_not_null(strstr(t.lines[header], "Mã"));
    harness_term_close(&t);
    store_free(s);
}

Test(units, filter_narrows_by_folded_name)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "units", 120, 40, NOW);
    harness_term_keys(&t, "/ly son\n");
    harness_term_frame(&t);
    int header = harness_find_row(t.lines, "HS quá hạn");
    cr_assert_eq(harness_find_row_after(t.lines, header, "Đặc khu Lý Sơn"), header + 1, "%s",
                 t.text);
    cr_assert(harness_shows(t.lines, "lọc \"ly son\": 1/4"), "%s", t.text);
    harness_term_close(&t);
    store_free(s);
}

Test(units, export_is_tab_separated_in_list_order)
{
    struct harness_term t;
    harness_term_show(&t, harness_province(), "units", 120, 40, NOW);
    char *out = harness_term_export(&t);
    char *save = NULL;
    char *line = strtok_r(out, "\n", &save);
    cr_assert_str_eq(line, "rank\tcode\tname\ttype\tdossiers_overdue\ton_time_pct\tonline_pct\t"
                           "complaints_open\tcomplaints_overdue\tsensor_alarms\tindicators_met\t"
                           "indicators_planned");
    cr_assert_str_eq(strtok_r(NULL, "\n", &save),
                     "1\t21025\tPhường Cẩm Thành\tPhường\t2\t60.0\t60.0\t3\t1\t1\t1\t3");
    cr_assert_str_eq(strtok_r(NULL, "\n", &save),
                     "2\t21100\tXã Nghĩa Lộ\tXã\t1\t33.3\t33.3\t2\t2\t3\t1\t2");
    cr_assert_str_eq(strtok_r(NULL, "\n", &save),
                     "3\t21200\tĐặc khu Lý Sơn\tĐặc khu\t0\t100.0\t100.0\t1\t0\t0\t1\t1");
    cr_assert_str_eq(strtok_r(NULL, "\n", &save), "4\t21300\tXã Trà Bồng\tXã\t\t\t\t\t\t\t\t",
                     "no data is empty, not 0");
    cr_assert_null(strtok_r(NULL, "\n", &save));
    free(out);
    harness_term_close_with_store(&t);
}

Test(units, without_a_unit_list_the_records_name_the_units)
{
    struct store *s = store_new();
    struct dossier_batch *db = dossier_batch_new();
    harness_dossier(db, "HS-1", "99001", NOW - DAY, NOW - HOUR, TIME_NONE, true, "Thủ tục");
    store_merge_dossiers(s, db, NOW);
    struct harness_term t;
    harness_term_show(&t, s, "units", 120, 30, NOW);
    int header = harness_find_row(t.lines, "HS quá hạn");
    cr_assert_eq(harness_find_row_after(t.lines, header, "99001"), header + 1, "%s", t.text);
    harness_term_close(&t);
    store_free(s);
}

/* ---- the unit detail --------------------------------------------------------------------- */

TestSuite(unit, .init = harness_console_init);

Test(unit, one_commune_on_one_screen)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "unit:21025", 120, 50, NOW);
    const char *b = harness_term_crumb(&t);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Chi tiết xã/phường › Phường Cẩm Thành",
                     "an arg without scope names the unit in the crumb");
    cr_assert(harness_shows(t.lines, "Phường Cẩm Thành · mã 21025 · 30.500 dân"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Xếp hạng 1/4"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Đang giải quyết 4: còn hạn 1 · sắp đến hạn 1 · quá hạn 2"),
              "%s", t.text);
    cr_assert(harness_shows(t.lines, "Đã giải quyết 1: trước hạn 0 · đúng hạn 1 · trễ hạn 0"), "%s",
              t.text);
    /* The most overdue first, then the one due soon; the running one is not listed. */
    int d1 = harness_find_row(t.lines, "HS-CT-1"), d2 = harness_find_row(t.lines, "HS-CT-2"),
        d3 = harness_find_row(t.lines, "HS-CT-3");
    cr_assert(d1 > 0 && d1 < d2 && d2 < d3, "%d %d %d\n%s", d1, d2, d3, t.text);
    cr_assert_null(strstr(t.text, "HS-CT-4"));
    cr_assert_not_null(strstr(t.lines[d1], "quá"), "%s", t.lines[d1]);
    cr_assert_not_null(strstr(t.lines[d3], "sắp"), "%s", t.lines[d3]);
    /* Complaints: overdue first, then urgent; categories of the open ones. */
    cr_assert(harness_shows(t.lines, "Đang mở 3 · quá hạn 1"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "khẩn chưa tiếp nhận 1 · hài lòng 100%"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Theo lĩnh vực:"), "%s", t.text);
    int c1 = harness_find_row(t.lines, "PA-CT-1"), c2 = harness_find_row(t.lines, "PA-CT-2");
    cr_assert(c1 > 0 && c1 < c2, "%d %d", c1, c2);
    cr_assert_not_null(strstr(t.lines[c2], "[khẩn]"), "%s", t.lines[c2]);
    /* Sensors with band words; indicators not met first with a bar. */
    char aqi[32];
    snprintf(aqi, sizeof aqi, "AQI %d Xấu", aqi_sub_index(AQI_POL_PM25, 100));
    cr_assert(harness_shows(t.lines, aqi), "%s\n%s", aqi, t.text);
    int not_met = harness_find_row(t.lines, "Tỷ lệ hộ nghèo"),
        met = harness_find_row(t.lines, "Thu nhập bình quân");
    cr_assert(not_met > 0 && not_met < met, "%d %d\n%s", not_met, met, t.text);
    cr_assert_not_null(strstr(t.lines[not_met], "Chưa đạt"), "%s", t.lines[not_met]);
    cr_assert_not_null(strstr(t.lines[met], "Đạt"), "%s", t.lines[met]);
    cr_assert_not_null(strstr(t.lines[met], "75 / 70"), "%s", t.lines[met]);
    cr_assert(harness_shows(t.lines, "Kỳ 2025: đạt 1 · chưa đạt 1 · chưa báo cáo 1"), "%s", t.text);
    cr_assert(!harness_shows(t.lines, "Cảnh báo đang tắt."), "only on wide screens: %s", t.text);
    /* Nothing of another unit. */
    cr_assert_null(strstr(t.text, "HS-NL"));
    cr_assert_null(strstr(t.text, "PA-NL"));
    harness_term_close(&t);
    store_free(s);
}

Test(unit, without_scope_or_arg_shows_the_worst_unit)
{
    struct harness_term t;
    harness_term_show(&t, harness_province(), "unit", 120, 40, NOW);
    const char *b = harness_term_crumb(&t);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Chi tiết xã/phường › xếp cuối: Phường Cẩm Thành");
    cr_assert(harness_shows(t.lines, "xếp cuối bảng"), "%s", t.text);
    harness_term_close_with_store(&t);
}

Test(unit, enter_drills_into_lists_and_records)
{
    struct harness_term t;
    harness_term_show(&t, harness_province(), "units", 120, 40, NOW);
    harness_term_act(&t, ACT_ENTER); /* the worst: Cẩm Thành */
    cr_assert_str_eq(ui_view_name(t.u), "unit");
    /* The first line is selected: the dossier counts → the overdue list of the unit. */
    cr_assert(harness_shows(t.lines, "▶ Đang giải quyết 4"), "%s", t.text);
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "dossiers");
    const char *b = harness_term_crumb(&t);
    cr_assert_str_eq(b,
                     "Tỉnh Quảng Ngãi › Xếp hạng xã/phường › Phường Cẩm Thành › Hồ sơ › quá hạn");
    harness_term_act(&t, ACT_BACK);
    cr_assert_str_eq(ui_view_name(t.u), "unit");
    harness_term_act(&t, ACT_DOWN);
    harness_term_act(&t, ACT_DOWN); /* the first dossier: the most overdue */
    cr_assert_not_null(strstr(t.lines[harness_find_row(t.lines, "HS-CT-1")], "▶"), "%s", t.text);
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "dossier");
    b = harness_term_crumb(&t);
    cr_assert_not_null(strstr(b, "Phường Cẩm Thành"), "%s", b);
    cr_assert_not_null(strstr(b, "HS-CT-1"), "%s", b);
    harness_term_act(&t, ACT_BACK);
    /* Down to the first complaint → that complaint. */
    for (int i = 0; i < 10 && !strstr(t.lines[harness_find_row(t.lines, "PA-CT-1")], "▶"); i++)
        harness_term_act(&t, ACT_DOWN);
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "complaint");
    harness_term_close_with_store(&t);
}

Test(unit, panels_fold_on_a_phone_and_spread_on_a_wall)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "unit:21025", 80, 24, NOW);
    for (int i = 0; i < t.nlines; i++)
        cr_assert_leq(text_width(t.lines[i]), 80, "row %d: %s", i, t.lines[i]);
    /* Everything of this small unit fits a phone in one column; "alerts off" is left out. */
    cr_assert(harness_shows(t.lines, "Bao phủ BHYT"), "%s", t.text);
    cr_assert(!harness_shows(t.lines, "Cảnh báo đang tắt."), "%s", t.text);
    int dossiers = harness_find_row(t.lines, " Hồ sơ "),
        complaints = harness_find_row(t.lines, " Phản ánh ");
    cr_assert(dossiers > 0 && complaints > dossiers, "one column: %d %d", dossiers, complaints);
    harness_term_close(&t);

    /* Shorter: the dossiers keep their lines, the lower panels keep their first line only. */
    harness_term_show(&t, s, "unit:21025", 80, 16, NOW);
    cr_assert(harness_shows(t.lines, "HS-CT-3"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Đang mở 3"), "%s", t.text);
    cr_assert(!harness_shows(t.lines, "PA-CT-1"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Kỳ 2025: đạt 1"), "%s", t.text);
    cr_assert(!harness_shows(t.lines, "Tỷ lệ hộ nghèo"), "%s", t.text);
    harness_term_close(&t);

    harness_term_show(&t, s, "unit:21025", 200, 50, NOW);
    cr_assert(harness_shows(t.lines, "Bao phủ BHYT"), "%s", t.text);
    cr_assert(harness_shows(t.lines, "Cảnh báo đang tắt."), "%s", t.text);
    /* Two columns: dossiers on the left, sensors on the right, their titles side by side
     * near the top. */
    int row = harness_find_row(t.lines, " Hồ sơ ");
    cr_assert_geq(row, 0);
    cr_assert_not_null(strstr(t.lines[row], " Cảnh báo "), "%s", t.lines[row]);
    harness_term_close(&t);

    harness_term_show(&t, s, "unit:21025", 80, 10, NOW);
    cr_assert(harness_shows(t.lines, " Hồ sơ "), "%s", t.text);
    cr_assert(!harness_shows(t.lines, " Chỉ tiêu"), "the lowest folds away: %s", t.text);
    harness_term_close(&t);
    store_free(s);
}

Test(unit, unknown_code_says_so)
{
    struct harness_term t;
    harness_term_show(&t, harness_province(), "unit:77777", 120, 30, NOW);
    cr_assert(harness_shows(t.lines, "Không tìm thấy xã/phường mã 77777."), "%s", t.text);
    harness_term_close_with_store(&t);
}

Test(unit, active_alerts_of_the_unit)
{
    struct store *s = harness_province();
    struct alerts *a = alerts_new();
    alerts_evaluate(a, s, NULL, NOW);
    size_t mine = 0;
    const char *first = NULL;
    for (size_t i = 0; i < alerts_count(a); i++) {
        const struct alert_event *e = alerts_at(a, i);
        if (e->end == TIME_NONE && !e->silenced && str_eq(e->unit_code, "21100")) {
            mine++;
            if (!first)
                first = e->message;
        }
    }
    cr_assert_gt(mine, 0, "the gauge at BĐ I raises an alert at once");
    struct harness_term t;
    harness_term_show(&t, s, "unit:21100", 120, 50, NOW);
    t.ctx.alerts = a;
    harness_term_frame(&t);
    char line[128];
    snprintf(line, sizeof line, "Đang có %zu cảnh báo", mine);
    cr_assert(harness_shows(t.lines, line), "%s\n%s", line, t.text);
    char start[40];
    text_fit(first, 30, start, sizeof start);
    start[strlen(start) - strlen("…")] = '\0';
    cr_assert(harness_shows(t.lines, start), "'%s'\n%s", start, t.text);
    /* The alerts sit above the dossiers: ↑ from the first dossier line goes to them, in
     * screen order, and Enter opens the alerts of the unit. */
    int sel = harness_find_row(t.lines, "▶");
    cr_assert_not_null(strstr(t.lines[sel], "Đang giải quyết 1"), "%s", t.lines[sel]);
    harness_term_act(&t, ACT_UP);
    int up = harness_find_row(t.lines, "▶");
    cr_assert_eq(up, sel - 2, "the line just above the dossier panel's title:\n%s", t.text);
    harness_term_act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "alerts");
    const char *b = harness_term_crumb(&t);
    cr_assert_not_null(strstr(b, "Xã Nghĩa Lộ"), "%s", b);
    harness_term_close(&t);
    alerts_free(a);
    store_free(s);
}

Test(unit, export_lines)
{
    struct store *s = harness_province();
    struct harness_term t;
    harness_term_show(&t, s, "unit:21025", 120, 40, NOW);
    char *out = harness_term_export(&t);
    cr_assert_not_null(strstr(out, "unit\tcode\t21025\n"), "%s", out);
    cr_assert_not_null(strstr(out, "unit\tname\tPhường Cẩm Thành\n"));
    cr_assert_not_null(strstr(out, "unit\tpopulation\t30500\n"));
    cr_assert_not_null(strstr(out, "unit\trank\t1/4\n"));
    cr_assert_not_null(strstr(out, "dossiers\toverdue\t2\n"));
    cr_assert_not_null(strstr(out, "dossiers\ton_time_pct\t60.0\n"));
    cr_assert_not_null(strstr(out, "complaints\toverdue\t1\n"));
    cr_assert_not_null(strstr(out, "dossier\tHS-CT-1\toverdue\tCấp giấy phép xây dựng\n"), "%s",
                       out);
    cr_assert_not_null(strstr(out, "complaint\tPA-CT-1\toverdue\tVệ sinh môi trường\n"));
    cr_assert_not_null(strstr(out, "indicator\tho_ngheo\t1\t1.2\tnot_met\n"), "%s", out);
    cr_assert_not_null(strstr(out, "indicators\tperiod\t2025\n"));
    cr_assert_null(strstr(out, "HS-NL"));
    free(out);
    harness_term_close(&t);
    store_free(s);
}

/* ---- budget ------------------------------------------------------------------------------ */

/* A province at the national scale of one store: 3,321 units, 100,000 complaints and 50,000
 * dossiers. A recalc reads each unit's aggregates once (no scan of the records per unit) and
 * a frame without new data only draws: both stay far under a frame's time. The bounds are
 * loose (sanitizer builds, busy machines) but an O(units × records) slip takes seconds. */
static struct store *big_province(void)
{
    struct store *s = store_new();
    struct unit_batch *ub = unit_batch_new();
    ub->province_code = xstrdup("51");
    ub->province_name = xstrdup("Tỉnh Lớn");
    char code[16], name[32];
    for (int i = 0; i < 3321; i++) {
        snprintf(code, sizeof code, "%05d", 10000 + i);
        snprintf(name, sizeof name, "Số %d", i);
        harness_unit(ub, code, name, NULL, i % 3 ? UNIT_COMMUNE : UNIT_WARD)->population =
            10000 + i;
    }
    store_merge_units(s, ub);
    struct dossier_batch *db = dossier_batch_new();
    char id[32];
    for (int i = 0; i < 50000; i++) {
        snprintf(id, sizeof id, "HS-%06d", i);
        snprintf(code, sizeof code, "%05d", 10000 + (i * 7) % 3321);
        harness_dossier(db, id, code, NOW - (i % 20) * DAY, NOW + ((i % 11) - 3) * DAY,
                        i % 4 == 0 ? NOW - (i % 5) * HOUR : TIME_NONE, i % 2, "Thủ tục");
    }
    store_merge_dossiers(s, db, NOW);
    struct complaint_batch *cb = complaint_batch_new();
    for (int i = 0; i < 100000; i++) {
        snprintf(id, sizeof id, "PA-%06d", i);
        snprintf(code, sizeof code, "%05d", 10000 + (i * 13) % 3321);
        harness_complaint(cb, id, code, i % 3 != 0, i % 17 ? CURG_NORMAL : CURG_URGENT,
                          i % 5 ? CST_IN_PROGRESS : CST_NEW, NOW - (i % 30) * DAY,
                          NOW + ((i % 9) - 4) * DAY, i % 7 ? -1 : i % 2, "Giao thông", "Ổ gà");
    }
    store_merge_complaints(s, cb);
    store_set_now(s, NOW);
    return s;
}

static double ms_since(int64_t t0)
{
    return (double)(clock_mono_ms() - t0);
}

Test(units, budget_at_national_scale, .timeout = 60)
{
    struct store *s = big_province();
    static const char *const specs[] = {"units", "unit:10007", "overview"};
    for (size_t k = 0; k < 3; k++) {
        struct harness_term t;
        harness_term_show(&t, s, specs[k], 200, 50, NOW);
        /* Data changed: recalc and draw. */
        int64_t t0 = clock_mono_ms();
        for (int i = 0; i < 5; i++) {
            ui_mark_data(t.u);
            ui_render(t.u, &t.ctx);
        }
        double recalc = ms_since(t0) / 5;
        /* Nothing changed: draw only. */
        t0 = clock_mono_ms();
        for (int i = 0; i < 50; i++) {
            ui_mark_draw(t.u);
            ui_render(t.u, &t.ctx);
        }
        double draw = ms_since(t0) / 50;
        cr_log_info("%s: recalc+draw %.2f ms, draw %.3f ms", specs[k], recalc, draw);
        cr_assert_lt(recalc, 250, "%s: recalc %.1f ms", specs[k], recalc);
        cr_assert_lt(draw, 20, "%s: draw %.2f ms", specs[k], draw);
        harness_term_close(&t);
    }
    store_free(s);
}
