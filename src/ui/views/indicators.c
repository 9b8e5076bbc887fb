/* Chỉ tiêu KT-XH: every (commune/ward, indicator) pair of one period, plan against actual,
 * the unmet targets first. ←/→ step through the periods the hub has sent; the period shows
 * in the summary line and the breadcrumb. Enter opens the unit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/bar.h"
#include "citydeck/fmt.h"
#include "citydeck/indicators.h"
#include "citydeck/list.h"
#include "citydeck/listview.h"
#include "citydeck/panel.h"
#include "citydeck/spark.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

enum col { C_UNIT, C_IND, C_ACTUAL, C_PLAN, C_DONE, C_OUTCOME, C_FLAGS, C_TREND };

static const struct table_column columns[] = {
    [C_UNIT] = {"Xã/phường", 13, 1, false, 0, false},
    [C_IND] = {"Chỉ tiêu", 14, 2, false, 0, false},
    [C_ACTUAL] = {"Thực hiện", 9, 0, true, 0, false},
    [C_PLAN] = {"Kế hoạch", 9, 0, true, 0, false},
    [C_DONE] = {"Hoàn thành", 11, 0, false, 0, false},
    [C_OUTCOME] = {"Kết quả", 12, 1, false, 0, false},
    [C_FLAGS] = {"Số liệu", 13, 0, false, 130, false},
    [C_TREND] = {"Xu hướng", 12, 2, false, 100, false},
};

static const char *const presets[] = {"not_met", "not_reported", "met", NULL};
static const char *const preset_words[] = {"chưa đạt", "chưa báo cáo", "đạt"};

/* Cells of the trend drawn at most (the table's cell buffer holds 3 bytes a cell). */
#define TREND_CELLS 60

/* What the order and the cells need per row, computed once per recalc (indexed by cell). */
struct row_cache {
    double completion;
    double change; /* actual against the previous period's, relative; NaN = unknown */
    uint8_t outcome;
};

struct indicators_view {
    struct view base;
    struct list list;
    const struct indicator_store *s;
    const struct unit_table *units;
    struct row_cache *cache;
    size_t cache_cap;
    char period[128]; /* the period shown; "" = none (no data) */
    bool user_period; /* chosen with ←/→ (or the arg): kept across merges */
    size_t rank, nperiods;
    struct indicator_tally tally;
    size_t rows_in_period;                  /* before the preset and the filter */
    int w_unit, w_done, w_outcome, w_trend; /* column widths of the last draw */
    /* One row's series for its sparkline, sized to the period count by recalc. */
    struct indicator_point *trend;
    double *trend_v;
    size_t trend_cap;
};

/* ---- words and numbers ---------------------------------------------------------------- */

/* "2025M10" → "tháng 10/2025", "2025Q3" → "quý 3/2025", "2025" → "năm 2025"; else as is. */
static void period_words(const char *p, char *buf, size_t n)
{
    int y, k;
    char sep, tail;
    if (!p || !*p) {
        str_copy(buf, "", n);
        return;
    }
    if (sscanf(p, "%4d%c%d%c", &y, &sep, &k, &tail) == 3 && y > 1900) {
        if ((sep == 'M' || sep == 'm' || sep == '-') && k >= 1 && k <= 12) {
            snprintf(buf, n, "tháng %d/%d", k, y);
            return;
        }
        if ((sep == 'Q' || sep == 'q') && k >= 1 && k <= 4) {
            snprintf(buf, n, "quý %d/%d", k, y);
            return;
        }
        if ((sep == 'H' || sep == 'h' || sep == 'S') && k >= 1 && k <= 2) {
            snprintf(buf, n, "%s năm %d", k == 1 ? "6 tháng đầu" : "6 tháng cuối", y);
            return;
        }
    }
    if (strlen(p) == 4 && sscanf(p, "%4d%c", &y, &tail) == 1) {
        snprintf(buf, n, "năm %d", y);
        return;
    }
    str_copy(buf, p, n);
}

/* A value with the indicator's decimals; without them, whole numbers stay whole and the rest
 * get two decimals below 10 and one above (a rate of 0.88 %, an income of 54.1 million). */
static void format_value(double v, int decimals, char *buf, size_t n)
{
    if (!isfinite(v)) {
        str_copy(buf, isnan(v) ? fmt_dash() : v > 0 ? "∞" : "-∞", n);
        return;
    }
    int d = decimals;
    if (d == IND_NO_DECIMALS)
        d = fabs(v) < 1e15 && v == floor(v) ? 0 : fabs(v) < 10 ? 2 : 1;
    d = d < 0 ? 0 : d > 6 ? 6 : d;
    if (fabs(v) < 0.5 * pow(10, -d))
        v = 0; /* no "-0.0" */
    snprintf(buf, n, "%.*f", d, v);
}

static const char *outcome_word(enum indicator_outcome o)
{
    switch (o) {
    case IND_MET:
        return "đạt";
    case IND_NOT_MET:
        return "chưa đạt";
    case IND_NO_PLAN:
        return "chưa có kế hoạch";
    case IND_NOT_REPORTED:
        break;
    }
    return "chưa báo cáo";
}

/* The words of the outcome; short ones when the column is narrow. */
static const char *outcome_word_fit(enum indicator_outcome o, int width)
{
    if (o == IND_NO_PLAN && width > 0 && width < 16)
        return "chưa có KH";
    return outcome_word(o);
}

static enum theme_role outcome_role(enum indicator_outcome o)
{
    return o == IND_MET ? TH_OK : o == IND_NOT_MET ? TH_BAD : TH_DIM;
}

/* Default order: not met (worst completion first), not reported, no plan, met. */
static int outcome_rank(enum indicator_outcome o)
{
    switch (o) {
    case IND_NOT_MET:
        return 0;
    case IND_NOT_REPORTED:
        return 1;
    case IND_NO_PLAN:
        return 2;
    case IND_MET:
        break;
    }
    return 3;
}

/* Appends the words of a status to buf (fixed buffer: this runs in draw). */
static void flag_words(uint8_t st, const char *prefix, char *buf, size_t n)
{
    static const struct {
        uint8_t bit;
        const char *word;
    } words[] = {{IND_STATUS_ESTIMATED, "ước tính"},
                 {IND_STATUS_PROVISIONAL, "sơ bộ"},
                 {IND_STATUS_OTHER, "ghi chú"}};
    for (size_t i = 0; i < ARRAY_LEN(words); i++) {
        if (!(st & words[i].bit))
            continue;
        size_t len = strlen(buf);
        if (len + 1 < n)
            snprintf(buf + len, n - len, "%s%s%s", len ? ", " : "", prefix, words[i].word);
    }
}

/* The short mark after a value: "e" estimated, "p" provisional (JSON-stat's own symbols). */
static const char *flag_mark(uint8_t st)
{
    return st & IND_STATUS_ESTIMATED ? " e" : st & IND_STATUS_PROVISIONAL ? " p" : "";
}

/* ---- rows ------------------------------------------------------------------------------- */

static bool row_value(const struct indicators_view *v, size_t item, struct indicator_value *out)
{
    return indicator_store_at(v->s, item, out);
}

static const struct indicator_meta *row_meta(const struct indicators_view *v,
                                             const struct indicator_value *x)
{
    return indicator_store_meta(v->s, x->indicator);
}

static const char *unit_label(const struct indicators_view *v, const char *code)
{
    return unit_table_name(v->units, code);
}

/* The full name ("Phường Cẩm Thành") when it fits the column, else the bare name. */
static const char *unit_label_fit(const struct indicators_view *v, const char *code)
{
    const char *full = unit_label(v, code);
    if (v->w_unit <= 0 || text_width(full) <= v->w_unit)
        return full;
    const struct unit *u = unit_table_find(v->units, code);
    return u && u->name && *u->name ? u->name : full;
}

static void indicator_label(const struct indicator_meta *m, const char *id, char *buf, size_t n)
{
    const char *label = m && m->label && *m->label ? m->label : id;
    if (m && m->unit && *m->unit)
        snprintf(buf, n, "%s (%s)", label, m->unit);
    else
        str_copy(buf, label, n);
}

static int meta_decimals(const struct indicator_meta *m)
{
    return m ? m->decimals : IND_NO_DECIMALS;
}

/* "█████ 103%": the bar up to the plan (the overflow mark past it), the percentage after. */
static void completion_cell(double c, int width, char *buf, size_t n)
{
    char pct[16];
    if (isnan(c)) {
        str_copy(buf, fmt_dash(), n);
        return;
    }
    if (isinf(c))
        str_copy(pct, "vượt", sizeof pct);
    else if (c * 100 >= 1000)
        str_copy(pct, ">999%", sizeof pct);
    else /* floor: 99.6 % reads as 99 %, never as a 100 % that is not met */
        snprintf(pct, sizeof pct, "%d%%", (int)floor(c * 100 + 1e-9));
    int bar_w = width - 6;
    if (bar_w < 1) {
        str_copy(buf, pct, n);
        return;
    }
    char bar[BAR_BUFSZ(32)];
    bar_render_over(c, bar_w > 32 ? 32 : bar_w, text_ascii() != 0, bar, sizeof bar);
    snprintf(buf, n, "%s %5s", bar, pct);
}

/* The trend: the actual of every period up to the one shown, oldest first. */
static void trend_cell(struct indicators_view *v, const struct indicator_value *x, char *buf,
                       size_t n)
{
    size_t got = indicator_store_series(v->s, x->unit, x->indicator, v->trend, v->trend_cap);
    if (got > v->trend_cap)
        got = v->trend_cap;
    size_t k = 0;
    for (size_t i = 0; i < got; i++)
        if (indicator_period_cmp(v->trend[i].period, v->period) <= 0)
            v->trend_v[k++] = v->trend[i].actual;
    int w = v->w_trend > TREND_CELLS ? TREND_CELLS : v->w_trend;
    spark_render(v->trend_v, k, w, text_ascii() != 0, buf, n);
}

static enum theme_role cell_text(struct indicators_view *v, size_t item, int col, char *buf,
                                 size_t n)
{
    struct indicator_value x;
    buf[0] = '\0';
    if (!row_value(v, item, &x))
        return TH_NORMAL;
    const struct indicator_meta *m = row_meta(v, &x);
    const struct row_cache *rc = &v->cache[item];
    char num[64];
    switch ((enum col)col) {
    case C_UNIT:
        str_copy(buf, unit_label_fit(v, x.unit), n);
        break;
    case C_IND:
        indicator_label(m, x.indicator, buf, n);
        break;
    case C_ACTUAL:
        format_value(x.actual, meta_decimals(m), num, sizeof num);
        snprintf(buf, n, "%s%s", num, isnan(x.actual) ? "" : flag_mark(x.actual_status));
        return isnan(x.actual) ? TH_DIM : TH_NORMAL;
    case C_PLAN:
        format_value(x.plan, meta_decimals(m), num, sizeof num);
        snprintf(buf, n, "%s%s", num, isnan(x.plan) ? "" : flag_mark(x.plan_status));
        return isnan(x.plan) ? TH_DIM : TH_NORMAL;
    case C_DONE:
        completion_cell(rc->completion, v->w_done > 0 ? v->w_done : columns[C_DONE].width, buf, n);
        return outcome_role((enum indicator_outcome)rc->outcome);
    case C_OUTCOME:
        str_copy(buf, outcome_word_fit((enum indicator_outcome)rc->outcome, v->w_outcome), n);
        return outcome_role((enum indicator_outcome)rc->outcome);
    case C_FLAGS:
        flag_words(x.actual_status, "", buf, n);
        flag_words(x.plan_status, "KH ", buf, n);
        return TH_DIM;
    case C_TREND:
        trend_cell(v, &x, buf, n);
        return TH_DIM;
    }
    return TH_NORMAL;
}

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, enum theme_role *role)
{
    struct indicators_view *v = ctx;
    size_t item = list_item(&v->list, row);
    if (item != (size_t)-1)
        *role = cell_text(v, item, col, buf, n);
}

/* The key is the pair, not the cell: the selection stays on the row when the period moves. */
static const char *item_key(void *ctx, size_t item, char *buf, size_t n)
{
    struct indicator_value x;
    if (row_value(ctx, item, &x))
        snprintf(buf, n, "%s\t%s", x.unit, x.indicator);
    else
        str_copy(buf, "", n);
    return buf;
}

static void item_text(void *ctx, size_t item, struct buf *out)
{
    struct indicators_view *v = ctx;
    struct indicator_value x;
    char label[512];
    if (!row_value(v, item, &x))
        return;
    indicator_label(row_meta(v, &x), x.indicator, label, sizeof label);
    buf_appendf(out, "%s %s %s %s %s", x.unit, unit_label(v, x.unit), x.indicator, label,
                outcome_word((enum indicator_outcome)v->cache[item].outcome));
}

static int item_compare(void *ctx, size_t a, size_t b, int col)
{
    struct indicators_view *v = ctx;
    const struct row_cache *ra = &v->cache[a], *rb = &v->cache[b];
    struct indicator_value x, y;
    char bx[512], by[512];
    if (!row_value(v, a, &x) || !row_value(v, b, &y))
        return 0;
    switch (col) {
    case -1: {
        int ka = outcome_rank((enum indicator_outcome)ra->outcome);
        int kb = outcome_rank((enum indicator_outcome)rb->outcome);
        if (ka != kb)
            return ka < kb ? -1 : 1;
        int r = listview_cmp_num(ra->completion, rb->completion);
        if (r)
            return r;
        r = strcoll(unit_label(v, x.unit), unit_label(v, y.unit));
        if (r)
            return r;
        r = strcmp(x.unit, y.unit);
        return r ? r : strcmp(x.indicator, y.indicator);
    }
    case C_UNIT: /* by the full name, whatever the column shows */
        return strcoll(unit_label(v, x.unit), unit_label(v, y.unit));
    case C_ACTUAL:
        return listview_cmp_col(&v->list, x.actual, y.actual);
    case C_PLAN:
        return listview_cmp_col(&v->list, x.plan, y.plan);
    case C_DONE:
        return listview_cmp_col(&v->list, ra->completion, rb->completion);
    case C_TREND:
        return listview_cmp_col(&v->list, ra->change, rb->change);
    case C_OUTCOME:
        return outcome_rank((enum indicator_outcome)ra->outcome) -
               outcome_rank((enum indicator_outcome)rb->outcome);
    case C_FLAGS:
        return (int)(x.actual_status | x.plan_status << 4) -
               (int)(y.actual_status | y.plan_status << 4);
    default:
        cell_text(v, a, col, bx, sizeof bx);
        cell_text(v, b, col, by, sizeof by);
        return strcoll(bx, by);
    }
}

static const struct list_ops ops = {.key = item_key, .text = item_text, .compare = item_compare};

static struct view *indicators_create(void)
{
    struct indicators_view *v = xcalloc(1, sizeof *v);
    list_init(&v->list, columns, (int)ARRAY_LEN(columns), cell, &ops, v);
    return &v->base;
}

static void indicators_destroy(struct view *base)
{
    struct indicators_view *v = (struct indicators_view *)base;
    list_free(&v->list);
    free(v->cache);
    free(v->trend);
    free(v->trend_v);
    free(v);
}

static bool preset_pass(int preset, enum indicator_outcome o)
{
    switch (preset) {
    case 0:
        return o == IND_NOT_MET;
    case 1:
        return o == IND_NOT_REPORTED;
    case 2:
        return o == IND_MET;
    default:
        return true;
    }
}

static bool in_scope(const struct view_ctx *ctx, const char *unit)
{
    return !ctx->scope || strcmp(ctx->scope, unit) == 0;
}

/* The rank of a period in the store's order; nperiods when it is not there. */
static size_t period_rank(const struct indicator_store *s, const char *p)
{
    size_t n = indicator_store_period_count(s);
    for (size_t r = 0; r < n; r++)
        if (strcmp(indicator_store_period_at(s, r), p) == 0)
            return r;
    return n;
}

/* The latest period in which a unit in scope reported an actual; the latest period of all
 * when none did (so an empty scope still names a period). */
static void pick_period(struct indicators_view *v, const struct view_ctx *ctx)
{
    const char *best = NULL;
    struct indicator_value x;
    size_t n = indicator_store_count(v->s);
    for (size_t i = 0; i < n; i++) {
        if (!indicator_store_at(v->s, i, &x) || isnan(x.actual) || !in_scope(ctx, x.unit))
            continue;
        if (!best || (x.period != best && indicator_period_cmp(x.period, best) > 0))
            best = x.period;
    }
    if (!best && v->nperiods)
        best = indicator_store_period_at(v->s, v->nperiods - 1);
    str_copy(v->period, best ? best : "", sizeof v->period);
}

/* How the actual moved since the previous period, relative to it (the trend column's order):
 * one lookup per row, so sorting by trend costs no series walk. */
static double change_since(const struct indicator_store *s, const struct indicator_value *x,
                           const char *prev)
{
    struct indicator_value p;
    if (!prev || isnan(x->actual) || !indicator_store_get(s, x->unit, x->indicator, prev, &p) ||
        !isfinite(p.actual))
        return NAN;
    double base = fabs(p.actual) > 0 ? fabs(p.actual) : 1;
    return (x->actual - p.actual) / base;
}

static void tally_add(struct indicator_tally *sum, const struct indicator_tally *t)
{
    sum->met += t->met;
    sum->not_met += t->not_met;
    sum->no_plan += t->no_plan;
    sum->not_reported += t->not_reported;
}

static void indicators_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct indicators_view *v = (struct indicators_view *)base;
    v->s = ctx->store->indicators;
    v->units = ctx->store->units;
    v->nperiods = indicator_store_period_count(v->s);
    if (v->nperiods > v->trend_cap) {
        v->trend_cap = v->nperiods;
        v->trend = xrealloc(v->trend, v->trend_cap * sizeof *v->trend);
        v->trend_v = xrealloc(v->trend_v, v->trend_cap * sizeof *v->trend_v);
    }
    if (!v->user_period && ctx->arg && listview_preset(presets, ctx->arg) < 0 &&
        period_rank(v->s, ctx->arg) < v->nperiods) {
        str_copy(v->period, ctx->arg, sizeof v->period); /* ":indicators 2025M10" */
        v->user_period = true;
    }
    if (!v->user_period || period_rank(v->s, v->period) >= v->nperiods)
        pick_period(v, ctx);
    v->rank = period_rank(v->s, v->period);

    size_t n = indicator_store_count(v->s);
    v->cache = xgrow(v->cache, &v->cache_cap, n ? n : 1, sizeof *v->cache);
    int preset = listview_preset(presets, ctx->arg);
    const char *period = v->rank < v->nperiods ? indicator_store_period_at(v->s, v->rank) : NULL;
    const char *prev = period && v->rank > 0 ? indicator_store_period_at(v->s, v->rank - 1) : NULL;
    v->rows_in_period = 0;
    list_begin(&v->list);
    for (size_t i = 0; period && i < n; i++) {
        struct indicator_value x;
        if (!indicator_store_at(v->s, i, &x))
            continue;
        if ((x.period != period && strcmp(x.period, period) != 0) || !in_scope(ctx, x.unit))
            continue;
        const struct indicator_meta *m = indicator_store_meta(v->s, x.indicator);
        enum indicator_direction d = m ? m->direction : IND_HIGHER_BETTER;
        enum indicator_outcome o = indicator_outcome(d, x.plan, x.actual);
        v->cache[i] = (struct row_cache){indicator_completion(d, x.plan, x.actual),
                                         change_since(v->s, &x, prev), (uint8_t)o};
        v->rows_in_period++;
        if (preset_pass(preset, o))
            list_add(&v->list, i);
    }
    list_end(&v->list, ctx->filter);

    memset(&v->tally, 0, sizeof v->tally);
    struct indicator_tally t;
    if (period && ctx->scope) {
        indicator_store_tally(v->s, ctx->scope, period, &t);
        tally_add(&v->tally, &t);
    } else if (period) {
        for (size_t u = 0; u < indicator_store_unit_count(v->s); u++)
            if (indicator_store_tally(v->s, indicator_store_unit_at(v->s, u), period, &t))
                tally_add(&v->tally, &t);
    }
}

static void indicators_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct indicators_view *v = (struct indicators_view *)base;
    struct rect body = panel_draw_title(w, r, "Chỉ tiêu kinh tế - xã hội", ctx, "indicators");
    if (body.h <= 0)
        return;
    char pw[64];
    period_words(v->period, pw, sizeof pw);
    struct buf b = {0};
    if (v->period[0])
        buf_appendf(&b, "Kỳ %s (%zu/%zu, ←/→ đổi kỳ) · ", pw, v->rank + 1, v->nperiods);
    buf_appendf(&b, "đạt %zu · chưa đạt %zu · chưa báo cáo %zu", v->tally.met, v->tally.not_met,
                v->tally.not_reported);
    if (v->tally.no_plan)
        buf_appendf(&b, " · chưa có kế hoạch %zu", v->tally.no_plan);
    if (filter_active(ctx->filter))
        buf_appendf(&b, " · lọc \"%s\": %zu/%zu", ctx->filter->text, list_count(&v->list),
                    v->list.total);
    panel_text(w, body.y, body.x, body.w, b.data, TH_TITLE);
    buf_free(&b);

    int widths[ARRAY_LEN(columns)];
    table_layout(&v->list.table, body.w, widths);
    v->w_unit = widths[C_UNIT];
    v->w_done = widths[C_DONE];
    v->w_outcome = widths[C_OUTCOME];
    v->w_trend = widths[C_TREND];

    int y = body.y + 1, h = body.y + body.h - y;
    if (list_count(&v->list) == 0) {
        table_draw(&v->list.table, w, y, body.x, h < 1 ? h : 1, body.w);
        const char *msg = !v->period[0]                ? "Chưa có số liệu chỉ tiêu."
                          : filter_active(ctx->filter) ? "Không có chỉ tiêu khớp bộ lọc."
                          : v->rows_in_period ? "Không có chỉ tiêu nào thuộc nhóm này."
                                              : "Kỳ này chưa có số liệu.";
        if (h > 2)
            panel_text(w, y + 2, body.x + 2, body.w - 4, msg, TH_DIM);
        return;
    }
    table_draw(&v->list.table, w, y, body.x, h, body.w);
}

static void step_period(struct indicators_view *v, const struct view_ctx *ctx, int step,
                        struct nav_request *req)
{
    size_t n = indicator_store_period_count(ctx->store->indicators);
    if (n == 0) {
        str_copy(req->message, "Chưa có kỳ số liệu nào", sizeof req->message);
        return;
    }
    size_t rank = period_rank(ctx->store->indicators, v->period);
    if (rank >= n)
        rank = n - 1;
    if ((step < 0 && rank == 0) || (step > 0 && rank + 1 >= n)) {
        str_copy(req->message, step < 0 ? "Đã là kỳ sớm nhất" : "Đã là kỳ mới nhất",
                 sizeof req->message);
        return;
    }
    rank = step < 0 ? rank - 1 : rank + 1;
    str_copy(v->period, indicator_store_period_at(ctx->store->indicators, rank), sizeof v->period);
    v->user_period = true;
    /* The frame recalculates on data changes only; a new period is this view's own change. */
    indicators_recalc(&v->base, ctx);
}

static bool indicators_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                                 struct nav_request *req)
{
    struct indicators_view *v = (struct indicators_view *)base;
    if (a == ACT_LEFT || a == ACT_RIGHT) {
        step_period(v, ctx, a == ACT_LEFT ? -1 : 1, req);
        return true;
    }
    if (a == ACT_ENTER) {
        size_t item = list_selected(&v->list);
        struct indicator_value x;
        if (item == (size_t)-1 || !row_value(v, item, &x))
            return true;
        const char *province = unit_table_province_code(ctx->store->units);
        if (province && strcmp(province, x.unit) == 0) {
            str_copy(req->message, "Chỉ tiêu cấp tỉnh: không có xã/phường để mở",
                     sizeof req->message);
            return true;
        }
        str_copy(req->view, "unit", sizeof req->view);
        str_copy(req->scope, x.unit, sizeof req->scope);
        return true;
    }
    return false;
}

static struct list *indicators_list(struct view *base)
{
    return &((struct indicators_view *)base)->list;
}

static void indicators_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    struct indicators_view *v = (struct indicators_view *)base;
    char pw[64];
    period_words(v->period, pw, sizeof pw);
    int preset = listview_preset(presets, ctx->arg);
    snprintf(buf, n, "%s%s%s", pw, pw[0] && preset >= 0 ? " · " : "",
             preset >= 0 ? preset_words[preset] : "");
}

/* Plain numbers (no bar, no marks) so a spreadsheet can read them. */
static void indicators_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct indicators_view *v = (struct indicators_view *)base;
    (void)ctx;
    fputs("Kỳ\tMã xã/phường\tXã/phường\tMã chỉ tiêu\tChỉ tiêu\tĐơn vị tính\tThực hiện\tKế "
          "hoạch\tHoàn thành %\tKết quả\tSố liệu\n",
          out);
    for (size_t r = 0; r < list_count(&v->list); r++) {
        size_t item = list_item(&v->list, r);
        struct indicator_value x;
        if (!row_value(v, item, &x))
            continue;
        const struct indicator_meta *m = row_meta(v, &x);
        char actual[64], plan[64], done[32] = "", flags[128];
        format_value(x.actual, meta_decimals(m), actual, sizeof actual);
        format_value(x.plan, meta_decimals(m), plan, sizeof plan);
        double c = v->cache[item].completion;
        if (isfinite(c))
            snprintf(done, sizeof done, "%.1f", c * 100);
        else if (isinf(c))
            str_copy(done, "vượt", sizeof done);
        cell_text(v, item, C_FLAGS, flags, sizeof flags);
        fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.period, x.unit,
                unit_label(v, x.unit), x.indicator,
                m && m->label && *m->label ? m->label : x.indicator, m && m->unit ? m->unit : "",
                isnan(x.actual) ? "" : actual, isnan(x.plan) ? "" : plan, done,
                outcome_word((enum indicator_outcome)v->cache[item].outcome), flags);
    }
}

const struct view_ops indicators_view_ops = {
    .name = "indicators",
    .title = "Chỉ tiêu KT-XH",
    .feed = "indicators",
    .presets = presets,
    .create = indicators_create,
    .destroy = indicators_destroy,
    .recalc = indicators_recalc,
    .draw = indicators_draw,
    .on_action = indicators_on_action,
    .list = indicators_list,
    .crumb = indicators_crumb,
    .export = indicators_export,
};
