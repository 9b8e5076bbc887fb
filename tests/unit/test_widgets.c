/* The drawing widgets: sparkline and bar strings cell by cell, and the braille chart's
 * raster decoded back into dots (which dot is lit in which cell), thresholds, labels, gaps. */
#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/bar.h"
#include "citydeck/chart.h"
#include "citydeck/screen.h"
#include "citydeck/spark.h"
#include "citydeck/theme.h"

static void utf8_locale(void)
{
    /* wcwidth() of "Đ" and the braille block needs a UTF-8 LC_CTYPE, as in the app. */
    cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
}

TestSuite(spark, .init = utf8_locale);
TestSuite(bar, .init = utf8_locale);
TestSuite(chart, .init = utf8_locale);

/* --- sparkline -------------------------------------------------------------------------- */

Test(spark, rising_series_uses_every_height)
{
    const double v[] = {0, 1, 2, 3, 4, 5, 6, 7};
    char out[SPARK_BUFSZ(8)];
    cr_assert_eq(spark_render(v, 8, 8, false, out, sizeof out), 8);
    cr_assert_str_eq(out, "▁▂▃▄▅▆▇█");
}

Test(spark, short_series_is_right_aligned)
{
    const double v[] = {1, 2, 3};
    char out[64];
    cr_assert_eq(spark_render(v, 3, 5, false, out, sizeof out), 5);
    /* 2 is half-way: 3.5 of 7 steps rounds up to the fifth glyph. */
    cr_assert_str_eq(out, "  ▁▅█");
}

Test(spark, flat_series_sits_at_mid_height)
{
    const double v[] = {5, 5, 5, 5};
    char out[64];
    spark_render(v, 4, 4, false, out, sizeof out);
    cr_assert_str_eq(out, "▄▄▄▄");
    spark_render(v, 4, 4, true, out, sizeof out);
    cr_assert_str_eq(out, "----");
}

Test(spark, nan_and_infinity_are_blank_cells)
{
    const double v[] = {0, NAN, 7, INFINITY, 3.5};
    char out[64];
    cr_assert_eq(spark_render(v, 5, 5, false, out, sizeof out), 5);
    cr_assert_str_eq(out, "▁ █ ▅");
    spark_render(v, 5, 5, true, out, sizeof out);
    cr_assert_str_eq(out, "_ # =");
}

Test(spark, all_nan_is_all_blank)
{
    const double v[] = {NAN, NAN};
    char out[64];
    cr_assert_eq(spark_render(v, 2, 4, false, out, sizeof out), 4);
    cr_assert_str_eq(out, "    ");
    cr_assert_eq(spark_render(NULL, 0, 3, false, out, sizeof out), 3);
    cr_assert_str_eq(out, "   ");
}

Test(spark, long_series_keeps_the_last_points_and_their_scale)
{
    /* The old spike (1000) is not drawn and must not flatten the drawn part. */
    const double v[] = {1000, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    char out[64];
    cr_assert_eq(spark_render(v, 11, 4, false, out, sizeof out), 4);
    /* 6..9: 0, 7/3, 14/3, 7 steps → 0, 2, 5, 7 after rounding. */
    cr_assert_str_eq(out, "▁▃▆█");
}

Test(spark, ascii_ramp)
{
    const double v[] = {0, 1, 2, 3, 4, 5, 6, 7};
    char out[64];
    cr_assert_eq(spark_render(v, 8, 8, true, out, sizeof out), 8);
    cr_assert_str_eq(out, "_.:-=+*#");
}

Test(spark, small_buffer_keeps_the_newest_cells)
{
    const double v[] = {0, 1, 2, 3, 4};
    char out[7]; /* two UTF-8 cells and the NUL */
    cr_assert_eq(spark_render(v, 5, 5, false, out, sizeof out), 2);
    cr_assert_str_eq(out, "▁█");
    cr_assert_eq(spark_render(v, 5, 0, false, out, sizeof out), 0);
    cr_assert_str_eq(out, "");
}

/* --- bar -------------------------------------------------------------------------------- */

Test(bar, empty_half_and_full)
{
    char out[BAR_BUFSZ(10)];
    cr_assert_eq(bar_render(0, 10, false, out, sizeof out), 10);
    cr_assert_str_eq(out, "          ");
    cr_assert_eq(bar_render(0.5, 10, false, out, sizeof out), 10);
    cr_assert_str_eq(out, "█████     ");
    bar_render(1, 10, false, out, sizeof out);
    cr_assert_str_eq(out, "██████████");
}

Test(bar, sixteenth_steps_at_two_cells_are_eighths_of_a_cell)
{
    static const char *const want[17] = {
        "  ", "▏ ", "▎ ", "▍ ", "▌ ", "▋ ", "▊ ", "▉ ", "█ ",
        "█▏", "█▎", "█▍", "█▌", "█▋", "█▊", "█▉", "██",
    };
    char out[BAR_BUFSZ(2)];
    for (int k = 0; k <= 16; k++) {
        cr_assert_eq(bar_render(k / 16.0, 2, false, out, sizeof out), 2);
        cr_assert_str_eq(out, want[k], "fraction %d/16", k);
    }
}

Test(bar, clamps_and_nan)
{
    char out[BAR_BUFSZ(10)];
    bar_render(1.7, 10, false, out, sizeof out);
    cr_assert_str_eq(out, "██████████", "above 1 is full, with no mark");
    bar_render(-0.3, 10, false, out, sizeof out);
    cr_assert_str_eq(out, "          ");
    cr_assert_eq(bar_render(NAN, 10, false, out, sizeof out), 10);
    cr_assert_str_eq(out, "          ");
    bar_render(NAN, 4, true, out, sizeof out);
    cr_assert_str_eq(out, "    ");
}

Test(bar, never_empty_above_zero_nor_full_below_one)
{
    char out[BAR_BUFSZ(10)];
    bar_render(0.001, 10, false, out, sizeof out);
    cr_assert_str_eq(out, "▏         ");
    bar_render(0.999, 10, false, out, sizeof out);
    cr_assert_str_eq(out, "█████████▉");
    bar_render(0.01, 10, true, out, sizeof out);
    cr_assert_str_eq(out, "#         ");
    bar_render(0.99, 10, true, out, sizeof out);
    cr_assert_str_eq(out, "######### ");
}

Test(bar, ascii_rounds_to_whole_cells)
{
    char out[BAR_BUFSZ(10)];
    cr_assert_eq(bar_render(0.5, 10, true, out, sizeof out), 10);
    cr_assert_str_eq(out, "#####     ");
    bar_render(0.26, 10, true, out, sizeof out);
    cr_assert_str_eq(out, "###       ");
}

Test(bar, over_marks_the_overflow)
{
    char out[BAR_BUFSZ(10)];
    cr_assert_eq(bar_render_over(1.5, 10, false, out, sizeof out), 10);
    cr_assert_str_eq(out, "█████████▶");
    bar_render_over(1.0, 10, false, out, sizeof out);
    cr_assert_str_eq(out, "██████████", "exactly at the limit is not over it");
    bar_render_over(0.5, 10, false, out, sizeof out);
    cr_assert_str_eq(out, "█████     ");
    bar_render_over(1.2, 5, true, out, sizeof out);
    cr_assert_str_eq(out, "####!");
    bar_render_over(NAN, 5, true, out, sizeof out);
    cr_assert_str_eq(out, "     ");
}

Test(bar, small_buffer_narrows_the_bar)
{
    char out[4];
    cr_assert_eq(bar_render(1, 10, false, out, sizeof out), 1);
    cr_assert_str_eq(out, "█");
    cr_assert_eq(bar_render(1, 10, true, out, sizeof out), 3);
    cr_assert_str_eq(out, "###");
}

/* --- chart ------------------------------------------------------------------------------ */

#define T0 1772413200000LL /* 2026-03-02T08:00:00+07:00 */
#define MIN 60000LL

static const struct chart_cell *cell(const struct chart_grid *g, int x, int y)
{
    cr_assert(x >= 0 && x < g->w && y >= 0 && y < g->h, "cell (%d, %d) outside the grid", x, y);
    return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

/* Whether the braille dot (dx, dy) of the plot is lit (dot numbering as in chart.h). */
static bool dot_lit(const struct chart_grid *g, int dx, int dy)
{
    static const unsigned bits[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};
    const struct chart_cell *c = cell(g, g->plot_x + dx / 2, g->plot_y + dy / 4);
    if (c->cp < CHART_BRAILLE || c->cp > CHART_BRAILLE + 0xFF)
        return false;
    return (c->cp - CHART_BRAILLE) & bits[dx & 1][dy & 3];
}

/* Row y as UTF-8 text, continuation cells skipped. */
static void row_text(const struct chart_grid *g, int y, char *out, size_t n)
{
    size_t o = 0;
    for (int x = 0; x < g->w; x++) {
        uint32_t cp = cell(g, x, y)->cp;
        if (!cp)
            continue;
        char tmp[8];
        int k = snprintf(tmp, sizeof tmp, "%lc", (wint_t)cp);
        cr_assert(k > 0 && o + (size_t)k < n);
        memcpy(out + o, tmp, (size_t)k);
        o += (size_t)k;
    }
    out[o] = '\0';
}

/* The series of chart_a: minutes from T0 = dot column, values chosen to land on whole dot
 * rows of a 0..10 axis over 16 dot rows (dy = 1.5 × (10 - v)). */
static const int64_t a_t[] = {T0,           T0 + 1 * MIN,  T0 + 4 * MIN,
                              T0 + 8 * MIN, T0 + 11 * MIN, T0 + 17 * MIN};
static const double a_v[] = {10, 10, NAN, 4, 4, 0};

static struct chart_spec chart_a(bool ascii)
{
    struct chart_spec s = {0};
    s.series = (struct chart_series){a_t, a_v, 6};
    s.t0_ms = T0;
    s.t1_ms = T0 + 17 * MIN;
    s.decimals = 0;
    s.tz_offset_s = 7 * 3600;
    s.ascii = ascii;
    s.line_role = TH_OK;
    return s;
}

Test(chart, layout_and_axis_of_a_small_chart)
{
    struct chart_spec s = chart_a(false);
    struct chart_grid g = {0};
    chart_raster(&s, 12, 5, &g);
    cr_assert_eq(g.w, 12);
    cr_assert_eq(g.h, 5);
    /* Ticks "10" and "0" need two columns, plus the axis: the plot starts at column 3 and
     * takes the 4 rows above the time row. */
    cr_assert_eq(g.plot_x, 3);
    cr_assert_eq(g.plot_y, 0);
    cr_assert_eq(g.plot_w, 9);
    cr_assert_eq(g.plot_h, 4);
    cr_assert_float_eq(g.y_lo, 0, 1e-12);
    cr_assert_float_eq(g.y_hi, 10, 1e-12);

    char row[256];
    row_text(&g, 0, row, sizeof row);
    cr_assert(strncmp(row, "10┤", strlen("10┤")) == 0, "row 0: %s", row);
    row_text(&g, 1, row, sizeof row);
    cr_assert(strncmp(row, "  │", strlen("  │")) == 0, "row 1: %s", row);
    row_text(&g, 3, row, sizeof row);
    cr_assert(strncmp(row, " 0┤", strlen(" 0┤")) == 0, "row 3: %s", row);
    cr_assert_eq(cell(&g, 2, 0)->kind, CHART_AXIS);
    cr_assert_eq(cell(&g, 0, 0)->kind, CHART_TEXT);
    cr_assert_eq(cell(&g, 0, 0)->role, TH_DIM);

    /* 17 minutes over 9 columns: a label every 15 minutes would overlap, so only 08:00,
     * in UTC+7, under the left edge of the plot. */
    row_text(&g, 4, row, sizeof row);
    cr_assert_str_eq(row, "   08:00    ");
    chart_grid_free(&g);
    cr_assert_null(g.cells);
}

Test(chart, braille_dots_follow_the_series)
{
    struct chart_spec s = chart_a(false);
    struct chart_grid g = {0};
    chart_raster(&s, 12, 5, &g);

    /* 10 at minutes 0 and 1: the two top dots of the first cell. */
    cr_assert_eq(cell(&g, 3, 0)->cp, 0x2809u, "got U+%04X", cell(&g, 3, 0)->cp);
    cr_assert_eq(cell(&g, 3, 0)->kind, CHART_DATA);
    cr_assert_eq(cell(&g, 3, 0)->role, TH_OK);
    /* 4 from minute 8 to 11: dot row 9 = cell row 2, sub-row 1, both columns. */
    cr_assert_eq(cell(&g, 3 + 4, 2)->cp, 0x2812u);
    /* then the diagonal down to 0 at minute 17: (11,9) (12,10) (13,11) ... (17,15). */
    cr_assert_eq(cell(&g, 3 + 5, 2)->cp, 0x2812u, "(10,9) (11,9)");
    cr_assert_eq(cell(&g, 3 + 6, 2)->cp, 0x2884u, "(12,10) (13,11)");
    cr_assert_eq(cell(&g, 3 + 7, 3)->cp, 0x2811u, "(14,12) (15,13)");
    cr_assert_eq(cell(&g, 3 + 8, 3)->cp, 0x2884u, "(16,14) (17,15)");

    /* The same through the decoder, and nothing else lit in those columns. */
    for (int dx = 8; dx <= 17; dx++) {
        int want = dx <= 11 ? 9 : dx - 2;
        for (int dy = 0; dy < 16; dy++)
            cr_assert_eq(dot_lit(&g, dx, dy), dy == want, "dot (%d,%d)", dx, dy);
    }
    chart_grid_free(&g);
}

Test(chart, nan_breaks_the_line)
{
    struct chart_spec s = chart_a(false);
    struct chart_grid g = {0};
    chart_raster(&s, 12, 5, &g);
    /* Without the NaN at minute 4 the line from (1,0) to (8,9) would cross columns 1-3. */
    for (int c = 1; c <= 3; c++)
        for (int r = 0; r < 4; r++) {
            cr_assert_eq(cell(&g, 3 + c, r)->kind, CHART_EMPTY, "cell (%d,%d)", c, r);
            cr_assert_eq(cell(&g, 3 + c, r)->cp, ' ');
        }

    /* Control: the same series with the NaN replaced is joined across the gap. */
    const double joined[] = {10, 10, 6, 4, 4, 0};
    s.series.v = joined;
    chart_raster(&s, 12, 5, &g);
    cr_assert_eq(cell(&g, 3 + 2, 1)->kind, CHART_DATA, "minute 4, value 6: dot row 6");
    chart_grid_free(&g);
}

Test(chart, time_gap_breaks_the_line)
{
    const int64_t t[] = {T0, T0 + 17 * MIN};
    const double v[] = {10, 0};
    struct chart_spec s = chart_a(false);
    s.series = (struct chart_series){t, v, 2};
    s.gap_ms = 5 * MIN;
    struct chart_grid g = {0};
    chart_raster(&s, 12, 5, &g);
    cr_assert(dot_lit(&g, 0, 0));
    cr_assert(dot_lit(&g, 17, 15));
    int lit = 0;
    for (int dx = 0; dx < 18; dx++)
        for (int dy = 0; dy < 16; dy++)
            lit += dot_lit(&g, dx, dy);
    cr_assert_eq(lit, 2, "two lone readings, no line between them");

    s.gap_ms = 0;
    chart_raster(&s, 12, 5, &g);
    cr_assert(dot_lit(&g, 9, 8) || dot_lit(&g, 9, 7), "joined when gaps are allowed");
    chart_grid_free(&g);
}

Test(chart, ascii_uses_stars_and_plain_axis)
{
    struct chart_spec s = chart_a(true);
    struct chart_grid g = {0};
    chart_raster(&s, 12, 5, &g);
    for (int y = 0; y < g.h; y++)
        for (int x = 0; x < g.w; x++)
            cr_assert_lt(cell(&g, x, y)->cp, 0x80u, "cell (%d,%d) not ASCII", x, y);
    char row[256];
    row_text(&g, 0, row, sizeof row);
    cr_assert_str_eq(row, "10+*        ");
    row_text(&g, 2, row, sizeof row);
    cr_assert_str_eq(row, "  |    ***  ");
    row_text(&g, 3, row, sizeof row);
    cr_assert_str_eq(row, " 0+       **");
    chart_grid_free(&g);
}

/* Water level against a flood alarm level: 1-3 m, BĐ II at 3.5 m. */
static const int64_t w_t[] = {T0, T0 + 30 * MIN, T0 + 60 * MIN, T0 + 90 * MIN, T0 + 120 * MIN};
static const double w_v[] = {1, 1.5, 2, 2.5, 3};

static struct chart_spec chart_w(void)
{
    struct chart_spec s = {0};
    s.series = (struct chart_series){w_t, w_v, 5};
    s.t0_ms = T0;
    s.t1_ms = T0 + 120 * MIN;
    s.th[0] = (struct chart_threshold){3.5, "BĐ II", TH_WARN};
    s.nth = 1;
    s.decimals = 1;
    s.unit = " m";
    s.tz_offset_s = 7 * 3600;
    s.line_role = TH_NORMAL;
    return s;
}

Test(chart, threshold_is_a_dashed_line_on_its_row_with_its_label)
{
    struct chart_spec s = chart_w();
    struct chart_grid g = {0};
    chart_raster(&s, 30, 10, &g);
    /* Range 1..3.5 widened to whole steps of 1: 1.0 .. 4.0; "1.0 m" is 5 columns wide, the
     * label "BĐ II" takes 5 columns and a space on the right. */
    cr_assert_float_eq(g.y_lo, 1.0, 1e-9);
    cr_assert_float_eq(g.y_hi, 4.0, 1e-9);
    cr_assert_eq(g.plot_x, 6);
    cr_assert_eq(g.plot_w, 18);
    cr_assert_eq(g.plot_h, 9);
    /* 3.5 → dot row (4 - 3.5) / 3 × 35 = 5.83 → 6: cell row 1, sub-row 2 (bits 0x04|0x20). */
    for (int c = 0; c < g.plot_w; c++) {
        const struct chart_cell *k = cell(&g, g.plot_x + c, 1);
        if (c % 3 == 2) {
            cr_assert_eq(k->kind, CHART_EMPTY, "gap of the dash at %d", c);
        } else {
            cr_assert_eq(k->kind, CHART_THRESHOLD, "dash at %d", c);
            cr_assert_eq(k->cp, 0x2824u, "dash at %d: U+%04X", c, k->cp);
            cr_assert_eq(k->role, TH_WARN);
        }
    }
    for (int r = 0; r < g.plot_h; r++)
        if (r != 1)
            for (int c = 0; c < g.plot_w; c++)
                cr_assert_neq(cell(&g, g.plot_x + c, r)->kind, CHART_THRESHOLD);

    char row[256];
    row_text(&g, 1, row, sizeof row);
    cr_assert(strstr(row, " BĐ II"), "row 1: %s", row);
    cr_assert_eq(cell(&g, 25, 1)->cp, 'B');
    cr_assert_eq(cell(&g, 26, 1)->cp, 0x0110u, "Đ");
    cr_assert_eq(cell(&g, 25, 1)->role, TH_WARN);
    cr_assert_eq(cell(&g, 29, 1)->cp, 'I');

    /* Ticks 1.0 .. 4.0 with the unit on the left. */
    row_text(&g, 0, row, sizeof row);
    cr_assert(strncmp(row, "4.0 m┤", strlen("4.0 m┤")) == 0, "row 0: %s", row);
    row_text(&g, 8, row, sizeof row);
    cr_assert(strncmp(row, "1.0 m┤", strlen("1.0 m┤")) == 0, "row 8: %s", row);
    int ticks = 0;
    for (int r = 0; r < g.plot_h; r++)
        ticks += cell(&g, g.plot_x - 1, r)->cp == 0x2524u;
    cr_assert(ticks >= 3 && ticks <= 5, "%d ticks", ticks);
    chart_grid_free(&g);
}

Test(chart, the_reading_wins_over_the_threshold_line)
{
    struct chart_spec s = chart_w();
    s.th[0].value = 2.0; /* the reading at minute 60 sits on the line */
    struct chart_grid g = {0};
    chart_raster(&s, 30, 10, &g);
    int dy = (int)lround((g.y_hi - 2.0) / (g.y_hi - g.y_lo) * (4 * g.plot_h - 1));
    int dx = (int)lround(60.0 / 120.0 * (2 * g.plot_w - 1));
    const struct chart_cell *k = cell(&g, g.plot_x + dx / 2, dy / 4);
    cr_assert_eq(k->kind, CHART_DATA);
    cr_assert_eq(k->role, TH_NORMAL);
    cr_assert(dot_lit(&g, dx, dy));
    chart_grid_free(&g);
}

Test(chart, thresholds_set_the_range_and_close_labels_move_apart)
{
    struct chart_spec s = chart_w();
    s.th[0] = (struct chart_threshold){150, "Kém (101)", TH_BAD};
    s.th[1] = (struct chart_threshold){148, "BĐ II", TH_WARN};
    s.nth = 2;
    s.decimals = 0;
    s.unit = NULL;
    struct chart_grid g = {0};
    chart_raster(&s, 40, 10, &g);
    cr_assert_geq(g.y_hi, 150.0, "the range reaches the highest threshold");
    cr_assert_leq(g.y_lo, 1.0);
    char all[4096] = "";
    int rows_with[2] = {-1, -1};
    for (int r = 0; r < g.plot_h; r++) {
        char row[256];
        row_text(&g, r, row, sizeof row);
        if (strstr(row, "Kém (101)"))
            rows_with[0] = r;
        if (strstr(row, "BĐ II"))
            rows_with[1] = r;
        strcat(all, row);
    }
    cr_assert_geq(rows_with[0], 0, "%s", all);
    cr_assert_geq(rows_with[1], 0, "%s", all);
    cr_assert_neq(rows_with[0], rows_with[1]);
    chart_grid_free(&g);
}

Test(chart, readings_outside_the_window_only_enter_clipped)
{
    const int64_t t[] = {T0 - 60 * MIN, T0 + 17 * MIN};
    const double v[] = {1000, 0};
    struct chart_spec s = chart_a(false);
    s.series = (struct chart_series){t, v, 2};
    struct chart_grid g = {0};
    chart_raster(&s, 12, 5, &g);
    cr_assert_float_eq(g.y_lo, 0.0, 1e-9);
    cr_assert_float_eq(g.y_hi, 1.0, 1e-9, "the range ignores readings before t0");
    int last_dx = 2 * g.plot_w - 1, last_dy = 4 * g.plot_h - 1;
    cr_assert(dot_lit(&g, last_dx, last_dy), "the reading inside the window");
    /* The steep line from 1000 comes in through the top edge, just left of that reading. */
    bool top = false;
    for (int dx = 0; dx < 2 * g.plot_w; dx++)
        top |= dot_lit(&g, dx, 0);
    cr_assert(top);
    cr_assert_eq(cell(&g, g.plot_x, 0)->kind, CHART_EMPTY);

    /* A level line from before t0 comes in through the left edge. */
    const double flat[] = {0, 0};
    s.series.v = flat;
    chart_raster(&s, 12, 5, &g);
    for (int dx = 0; dx <= last_dx; dx++)
        cr_assert(dot_lit(&g, dx, last_dy), "dot %d of the level line", dx);
    chart_grid_free(&g);
}

Test(chart, hourly_time_labels_across_the_bottom)
{
    struct chart_spec s = {0};
    s.t0_ms = T0;
    s.t1_ms = T0 + 360 * MIN;
    s.tz_offset_s = 7 * 3600;
    struct chart_grid g = {0};
    chart_raster(&s, 64, 6, &g);
    char row[256];
    row_text(&g, 5, row, sizeof row);
    const char *p = row;
    char want[8];
    for (int h = 8; h <= 14; h++) {
        snprintf(want, sizeof want, "%02d:00", h);
        const char *q = strstr(p, want);
        cr_assert_not_null(q, "%s missing or out of order in \"%s\"", want, row);
        p = q + 5;
    }
    cr_assert_eq(strlen(row), 64u);
    cr_assert_str_eq(row + 59, "14:00", "the last label ends at the right edge");
    /* No data: no dots at all. */
    for (size_t i = 0; i < (size_t)g.w * (size_t)g.h; i++)
        cr_assert_neq(g.cells[i].kind, CHART_DATA);

    s.tz_offset_s = 0;
    chart_raster(&s, 64, 6, &g);
    row_text(&g, 5, row, sizeof row);
    cr_assert(strstr(row, "01:00") && strstr(row, "07:00"), "UTC: %s", row);
    chart_grid_free(&g);
}

Test(chart, degenerate_sizes_do_not_crash)
{
    struct chart_spec s = chart_w();
    struct chart_grid g = {0};
    chart_raster(&s, 0, 5, &g);
    cr_assert_eq(g.w, 0);
    chart_raster(&s, 3, 1, &g);
    cr_assert_eq(g.plot_h, 1, "one row: no time labels");
    cr_assert_eq(g.plot_x, 0, "too narrow for y labels");
    bool any = false;
    for (int x = 0; x < 3; x++)
        any |= cell(&g, x, 0)->kind == CHART_DATA;
    cr_assert(any);
    chart_grid_free(&g);
}

Test(chart, draw_puts_the_grid_on_screen)
{
    struct screen scr;
    char err[128];
    cr_assert_eq(screen_open_virtual(&scr, 20, 6, err, sizeof err), 0, "%s", err);
    theme_init(false);
    struct chart_spec s = chart_a(false);
    struct chart_grid g = {0};
    chart_raster(&s, 12, 5, &g);
    chart_draw(stdscr, 1, 2, &g);
    wnoutrefresh(stdscr);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    screen_dump(&scr, mem);
    fclose(mem);
    screen_close(&scr);
    chart_grid_free(&g);
    cr_assert(strstr(text, "\n  10┤⠉"), "%s", text);
    cr_assert(strstr(text, "\n     08:00"), "%s", text);
    free(text);
}
