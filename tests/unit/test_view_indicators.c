/* The Chỉ tiêu KT-XH view rendered on a virtual screen: the latest period by default, ←/→
 * stepping through periods (values and breadcrumb follow), completion and outcome words,
 * the unmet-first order, presets, scope, folding at 80×24 against 200×50, Enter and export. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/indicators.h"
#include "citydeck/list.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"
#include "citydeck/view.h"
#include "harness.h"

#define NOW HARNESS_NOW

static struct indicator_cell *put(struct indicator_batch *b, const char *unit, const char *ind,
                                  const char *period, double plan, double actual)
{
    struct indicator_cell *c = indicator_batch_push(b, unit, ind, period);
    c->plan = plan;
    c->actual = actual;
    return c;
}

static void describe(struct indicator_batch *b, const char *id, const char *label, const char *unit,
                     int decimals, enum indicator_direction d)
{
    struct indicator_meta *m = indicator_batch_meta(b, id);
    cr_assert_not_null(m);
    free(m->label);
    free(m->unit);
    m->label = xstrdup(label);
    m->unit = xstrdup(unit);
    m->decimals = decimals;
    m->direction = d;
}

/* Two wards, three indicators, two months:
 *   2025M12  Cẩm Thành: income 72.0/80 (90 %, not met), poverty 1.00/0.80 (80 %, not met),
 *                       online 65.5e/60 (109 %, met, estimated)
 *            Nghĩa Lộ:  income 30.0/60 (50 %, not met), poverty not reported,
 *                       online 41.0/40 (102 %, met)
 *   2025M11  Cẩm Thành: income 81.0/80 (101 %, met); Nghĩa Lộ: income 58.0/60 (96 %). */
static struct store *sample_store(void)
{
    struct store *s = store_new();
    struct unit_batch *ub = harness_unit_batch();
    harness_unit(ub, "21025", "Cẩm Thành", "Phường Cẩm Thành", UNIT_WARD);
    harness_unit(ub, "21100", "Nghĩa Lộ", "Xã Nghĩa Lộ", UNIT_COMMUNE);
    store_merge_units(s, ub);

    struct indicator_batch *b = indicator_batch_new();
    put(b, "21025", "thu_nhap", "2025M11", 80, 81);
    put(b, "21100", "thu_nhap", "2025M11", 60, 58);
    put(b, "21025", "thu_nhap", "2025M12", 80, 72);
    put(b, "21025", "ho_ngheo", "2025M12", 0.8, 1.0);
    put(b, "21025", "ho_so_tt", "2025M12", 60, 65.5)->actual_status = IND_STATUS_ESTIMATED;
    put(b, "21100", "thu_nhap", "2025M12", 60, 30);
    put(b, "21100", "ho_ngheo", "2025M12", 5, NAN);
    put(b, "21100", "ho_so_tt", "2025M12", 40, 41);
    describe(b, "thu_nhap", "Thu nhập bình quân", "triệu đồng", 1, IND_HIGHER_BETTER);
    describe(b, "ho_ngheo", "Hộ nghèo", "%", 2, IND_LOWER_BETTER);
    describe(b, "ho_so_tt", "Hồ sơ trực tuyến", "%", 1, IND_HIGHER_BETTER);
    store_merge_indicators(s, b);
    return s;
}

static int find_row2(char **lines, const char *a, const char *b)
{
    for (int i = 0; lines[i]; i++)
        if (strstr(lines[i], a) && strstr(lines[i], b))
            return i;
    return -1;
}

TestSuite(view_indicators, .init = harness_console_init);

Test(view_indicators, is_registered)
{
    cr_assert_eq(view_find("indicators"), &indicators_view_ops);
    cr_assert_str_eq(indicators_view_ops.name, "indicators");
}

Test(view_indicators, latest_period_unmet_first_with_completion_and_words)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "indicators", 120, 40, NOW);
    cr_assert_str_eq(harness_term_crumb(&t), "Tỉnh Quảng Ngãi › Chỉ tiêu KT-XH › tháng 12/2025");
    int sum = harness_find_row(l, "Kỳ tháng 12/2025 (2/2");
    cr_assert_geq(sum, 0, "summary line missing");
    cr_assert_not_null(strstr(l[sum], "đạt 2 · chưa đạt 3 · chưa báo cáo 1"), "%s", l[sum]);

    /* Not met by completion ascending (50 %, 80 %, 90 %), then not reported, then met (also
     * the closest to its plan first: 102 % before 109 %). */
    int r50 = find_row2(l, "Xã Nghĩa Lộ", "Thu nhập");
    int r80 = find_row2(l, "Phường Cẩm Thành", "Hộ nghèo");
    int r90 = find_row2(l, "Phường Cẩm Thành", "Thu nhập");
    int rnr = find_row2(l, "Xã Nghĩa Lộ", "Hộ nghèo");
    int rm1 = find_row2(l, "Phường Cẩm Thành", "Hồ sơ");
    int rm2 = find_row2(l, "Xã Nghĩa Lộ", "Hồ sơ");
    cr_assert(r50 > sum && r50 < r80 && r80 < r90 && r90 < rnr && rnr < rm2 && rm2 < rm1,
              "order %d %d %d %d %d %d", r50, r80, r90, rnr, rm1, rm2);

    cr_assert_not_null(strstr(l[r50], "30.0"), "%s", l[r50]);
    cr_assert_not_null(strstr(l[r50], "60.0"), "%s", l[r50]);
    cr_assert_not_null(strstr(l[r50], " 50%"), "%s", l[r50]);
    cr_assert_not_null(strstr(l[r50], "chưa đạt"), "%s", l[r50]);
    /* Lower is better: 0.80 planned, 1.00 reached is 80 %, with two decimals. */
    cr_assert_not_null(strstr(l[r80], "1.00"), "%s", l[r80]);
    cr_assert_not_null(strstr(l[r80], "0.80"), "%s", l[r80]);
    cr_assert_not_null(strstr(l[r80], " 80%"), "%s", l[r80]);
    cr_assert_not_null(strstr(l[r90], " 90%"), "%s", l[r90]);
    cr_assert_not_null(strstr(l[rnr], "chưa báo cáo"), "%s", l[rnr]);
    /* Estimated actuals carry their mark; the met row is past 100 %. */
    cr_assert_not_null(strstr(l[rm1], "65.5 e"), "%s", l[rm1]);
    cr_assert_not_null(strstr(l[rm1], "109%"), "%s", l[rm1]);
    cr_assert_not_null(strstr(l[rm1], "đạt"), "%s", l[rm1]);
    cr_assert_null(strstr(l[rm1], "chưa đạt"), "%s", l[rm1]);
    cr_assert_not_null(strstr(l[rm2], "102%"), "%s", l[rm2]);
    /* The unit of measure rides with the label. */
    cr_assert_not_null(strstr(l[r80], "Hộ nghèo (%)"), "%s", l[r80]);
    harness_term_close_with_store(&t);
}

Test(view_indicators, left_and_right_step_through_periods)
{
    struct harness_term t;
    harness_term_show(&t, sample_store(), "indicators", 120, 40, NOW);

    harness_term_act(&t, ACT_LEFT);
    char **l = t.lines;
    const char *c = harness_term_crumb(&t);
    cr_assert_str_eq(c, "Tỉnh Quảng Ngãi › Chỉ tiêu KT-XH › tháng 11/2025");
    int sum = harness_find_row(l, "Kỳ tháng 11/2025 (1/2");
    cr_assert_geq(sum, 0);
    cr_assert_not_null(strstr(l[sum], "đạt 1 · chưa đạt 1 · chưa báo cáo 0"), "%s", l[sum]);
    int cam = find_row2(l, "Phường Cẩm Thành", "Thu nhập");
    cr_assert_geq(cam, 0);
    cr_assert_not_null(strstr(l[cam], "81.0"), "%s", l[cam]);
    cr_assert_not_null(strstr(l[cam], "101%"), "%s", l[cam]);
    cr_assert_eq(harness_find_row(l, "Hộ nghèo"), -1, "no poverty cells in November");
    /* The unmet row comes first in November too. */
    cr_assert_lt(find_row2(l, "Xã Nghĩa Lộ", "96%"), cam);

    /* Already at the first period: nothing moves. */
    ui_on_action(t.u, ACT_LEFT, &t.ctx);
    c = harness_term_crumb(&t);
    cr_assert_not_null(strstr(c, "tháng 11/2025"), "%s", c);

    harness_term_act(&t, ACT_RIGHT);
    l = t.lines;
    c = harness_term_crumb(&t);
    cr_assert_not_null(strstr(c, "tháng 12/2025"), "%s", c);
    cam = find_row2(l, "Phường Cẩm Thành", "Thu nhập");
    cr_assert_not_null(strstr(l[cam], "72.0"), "%s", l[cam]);
    harness_term_close_with_store(&t);
}

Test(view_indicators, period_from_the_argument)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "indicators:2025M11", 120, 40, NOW);
    cr_assert_geq(harness_find_row(l, "Kỳ tháng 11/2025"), 0);
    cr_assert_geq(harness_find_row(l, "81.0"), 0);
    harness_term_close_with_store(&t);
}

Test(view_indicators, presets_narrow_the_rows)
{
    static const struct {
        const char *spec, *word;
        int rows;
    } cases[] = {
        {"indicators:not_met", "chưa đạt", 3},
        {"indicators:not_reported", "chưa báo cáo", 1},
        {"indicators:met", "đạt", 2},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct harness_term t;
        char **l = harness_term_show(&t, sample_store(), cases[i].spec, 120, 40, NOW);
        int n = harness_count_rows(l, "Phường Cẩm Thành") + harness_count_rows(l, "Xã Nghĩa Lộ");
        cr_assert_eq(n, cases[i].rows, "%s: %d rows", cases[i].spec, n);
        char want[128];
        const char *c = harness_term_crumb(&t);
        snprintf(want, sizeof want, "› tháng 12/2025 · %s", cases[i].word);
        cr_assert_not_null(strstr(c, want), "%s: %s", cases[i].spec, c);
        /* The summary still counts the whole period. */
        cr_assert_geq(harness_find_row(l, "đạt 2 · chưa đạt 3 · chưa báo cáo 1"), 0);
        harness_term_close_with_store(&t);
    }
}

Test(view_indicators, scope_narrows_to_one_unit)
{
    struct harness_term t;
    harness_term_show(&t, sample_store(), "indicators", 120, 40, NOW);
    harness_term_command(&t, "unit 21100");
    char **l = t.lines;
    const char *c = harness_term_crumb(&t);
    cr_assert_not_null(strstr(c, "Xã Nghĩa Lộ › Chỉ tiêu KT-XH › tháng 12/2025"), "%s", c);
    cr_assert_eq(harness_find_row(l, "Phường Cẩm Thành"), -1);
    cr_assert_eq(harness_count_rows(l, "Xã Nghĩa Lộ"), 3 + 1, "three rows and the top bar");
    cr_assert_geq(harness_find_row(l, "đạt 1 · chưa đạt 1 · chưa báo cáo 1"), 0);
    harness_term_close_with_store(&t);
}

Test(view_indicators, enter_opens_the_unit)
{
    struct harness_term t;
    harness_term_show(&t, sample_store(), "indicators", 120, 40, NOW);
    /* The first row is Nghĩa Lộ's income (50 %); the second Cẩm Thành's poverty rate. */
    struct view *v = indicators_view_ops.create();
    v->ops = &indicators_view_ops;
    indicators_view_ops.recalc(v, &t.ctx);
    struct nav_request req = {0};
    cr_assert(indicators_view_ops.on_action(v, ACT_ENTER, &t.ctx, &req));
    cr_assert_str_eq(req.view, "unit");
    cr_assert_str_eq(req.scope, "21100");
    memset(&req, 0, sizeof req);
    indicators_view_ops.list(v)->table.selected = 1;
    cr_assert(indicators_view_ops.on_action(v, ACT_ENTER, &t.ctx, &req));
    cr_assert_str_eq(req.scope, "21025");
    indicators_view_ops.destroy(v);

    /* Through the frame: the unit view when it is built in, scoped to the ward. */
    ui_on_action(t.u, ACT_ENTER, &t.ctx);
    if (view_find("unit")) {
        cr_assert_str_eq(ui_view_name(t.u), "unit");
        const char *c = harness_term_crumb(&t);
        cr_assert_not_null(strstr(c, "Xã Nghĩa Lộ"), "%s", c);
    }
    harness_term_close_with_store(&t);
}

Test(view_indicators, folds_at_80x24_and_unfolds_at_200x50)
{
    struct harness_term t;
    char **l = harness_term_show(&t, sample_store(), "indicators", 80, 24, NOW);
    int head = harness_find_row(l, "Hoàn thành");
    cr_assert_geq(head, 0);
    cr_assert_null(strstr(l[head], "Xu hướng"), "trend folds at 80: %s", l[head]);
    cr_assert_null(strstr(l[head], "Số liệu"), "flags fold at 80: %s", l[head]);
    cr_assert_not_null(strstr(l[head], "Kết quả"), "%s", l[head]);
    cr_assert_geq(find_row2(l, "50%", "chưa đạt"), 0, "the essentials stay at 80 columns");
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 80, "row %d too wide: %s", i, l[i]);

    harness_term_resize(&t, 200, 50);
    l = harness_term_frame(&t);
    head = harness_find_row(l, "Hoàn thành");
    cr_assert_not_null(strstr(l[head], "Xu hướng"), "%s", l[head]);
    cr_assert_not_null(strstr(l[head], "Số liệu"), "%s", l[head]);
    int est = harness_find_row(l, "65.5 e");
    cr_assert_not_null(strstr(l[est], "ước tính"), "%s", l[est]);
    /* Cẩm Thành's income has two months: the trend draws two block cells. */
    int inc = find_row2(l, "Phường Cẩm Thành", "Thu nhập");
    cr_assert(strstr(l[inc], "▁") && strstr(l[inc], "█"), "trend sparkline: %s", l[inc]);
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 200);
    harness_term_close_with_store(&t);
}

Test(view_indicators, sorts_by_completion_and_by_trend)
{
    struct store *s = sample_store();
    struct harness_term t;
    harness_term_show(&t, s, "indicators", 120, 40, NOW);
    /* s steps through the shown columns: unit, indicator, actual, plan, completion. */
    for (int i = 0; i < 5; i++)
        ui_on_action(t.u, ACT_SORT, &t.ctx);
    harness_term_act(&t, ACT_SORT_REVERSE);
    char **l = t.lines;
    int head = harness_find_row(l, "Hoàn thành▼");
    cr_assert_geq(head, 0, "the header marks the sort column");
    cr_assert_not_null(strstr(l[head + 1], "109%"), "%s", l[head + 1]);
    cr_assert_not_null(strstr(l[head + 2], "102%"), "%s", l[head + 2]);
    cr_assert_not_null(strstr(l[head + 6], "chưa báo cáo"), "no completion sorts last: %s",
                       l[head + 6]);

    /* The trend column sorts by the change since the previous period: Nghĩa Lộ's income fell
     * by half (58 → 30), Cẩm Thành's by 11 % (81 → 72); rows without November come last. */
    struct view *v = indicators_view_ops.create();
    v->ops = &indicators_view_ops;
    struct list *list = indicators_view_ops.list(v);
    list->table.sort_col = 7;
    indicators_view_ops.recalc(v, &t.ctx);
    struct indicator_value a, b;
    cr_assert(indicator_store_at(s->indicators, list_item(list, 0), &a));
    cr_assert(indicator_store_at(s->indicators, list_item(list, 1), &b));
    cr_assert_str_eq(a.unit, "21100");
    cr_assert_str_eq(a.indicator, "thu_nhap");
    cr_assert_str_eq(b.unit, "21025");
    cr_assert_str_eq(b.indicator, "thu_nhap");
    indicators_view_ops.destroy(v);
    harness_term_close(&t);
    store_free(s);
}

Test(view_indicators, export_writes_plain_numbers)
{
    struct harness_term t;
    harness_term_open(&t, sample_store(), "indicators", 120, 40, NOW);
    char *text = harness_term_export(&t);
    cr_assert(str_starts_with(text, "Kỳ\tMã xã/phường\tXã/phường\tMã chỉ tiêu"), "%s", text);
    cr_assert_not_null(strstr(text, "2025M12\t21100\tXã Nghĩa Lộ\tthu_nhap\tThu nhập bình "
                                    "quân\ttriệu đồng\t30.0\t60.0\t50.0\tchưa đạt\t\n"),
                       "%s", text);
    cr_assert_not_null(strstr(text, "\tho_ngheo\tHộ nghèo\t%\t\t5.00\t\tchưa báo cáo\t\n"), "%s",
                       text);
    cr_assert_not_null(strstr(text, "\t65.5\t60.0\t109.2\tđạt\tước tính\n"), "%s", text);
    /* One header and six rows, in the view's order. */
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 7, "%s", text);
    cr_assert_lt(strstr(text, "\t30.0\t"), strstr(text, "\t72.0\t"));
    free(text);
    harness_term_close_with_store(&t);
}

Test(view_indicators, default_decimals_labels_and_no_plan)
{
    struct store *s = store_new();
    struct indicator_batch *b = indicator_batch_new();
    /* No meta from the source: the id stands for the label, decimals are guessed. */
    put(b, "21025", "dan_so", "2025", NAN, 45123);
    put(b, "21025", "ty_le_x", "2025", 0.5, 0.88);
    put(b, "21025", "thu_y", "2025", 50, 12.345);
    store_merge_indicators(s, b);
    char **l = harness_render(s, "indicators", 120, 40, NOW);
    cr_assert_geq(harness_find_row(l, "Kỳ năm 2025"), 0);
    int pop = harness_find_row(l, "dan_so");
    cr_assert_geq(pop, 0);
    cr_assert_not_null(strstr(l[pop], " 45123 "), "whole numbers stay whole: %s", l[pop]);
    cr_assert_not_null(strstr(l[pop], "chưa có kế hoạch"), "%s", l[pop]);
    cr_assert_not_null(strstr(l[harness_find_row(l, "ty_le_x")], " 0.88 "),
                       "two decimals below 10");
    cr_assert_not_null(strstr(l[harness_find_row(l, "thu_y")], " 12.3 "), "one decimal above");
    /* No plan sorts after the unmet one and before the met one. */
    cr_assert_lt(harness_find_row(l, "thu_y"), pop);
    cr_assert_lt(pop, harness_find_row(l, "ty_le_x"));
    harness_free_lines(l);
    store_free(s);
}

Test(view_indicators, empty_store_says_so)
{
    struct store *s = store_new();
    char **l = harness_render(s, "indicators", 80, 24, NOW);
    cr_assert_geq(harness_find_row(l, "Chưa có số liệu chỉ tiêu."), 0);
    harness_free_lines(l);
    store_free(s);
}
