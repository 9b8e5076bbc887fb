/* Cảm biến: every sensor in scope with its latest reading, the band or alarm level it is in
 * (VN_AQI, báo động I/II/III, flood depth class, camera status), the age of the reading and
 * a sparkline of its kept series; the worst first. Enter opens the sensor. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "citydeck/clock.h"
#include "citydeck/fmt.h"
#include "citydeck/list.h"
#include "citydeck/listview.h"
#include "citydeck/panel.h"
#include "citydeck/sensor_words.h"
#include "citydeck/sensors.h"
#include "citydeck/spark.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

/* ---- the list ----------------------------------------------------------------------------- */

enum col { C_STATION, C_KIND, C_PROP, C_VALUE, C_LEVEL, C_AGE, C_UNIT, C_TREND };

static const struct table_column columns[] = {
    [C_STATION] = {"Trạm", 15, 4, false, 0, false},
    [C_KIND] = {"Loại", 11, 0, false, 100, false},
    [C_PROP] = {"Đại lượng", 9, 1, false, 0, false},
    [C_VALUE] = {"Giá trị", 11, 0, true, 0, false},
    [C_LEVEL] = {"Mức", 18, 0, false, 0, false}, /* "AQI 100 Trung bình" */
    [C_AGE] = {"Tuổi", 8, 0, true, 0, false},
    [C_UNIT] = {"Xã/phường", 16, 1, false, 0, false},
    [C_TREND] = {"Diễn biến", 12, 2, false, 100, false},
};

static const char *const presets[] = {"air", "water", "flood", "traffic", "camera", "alarm", NULL};
static const char *const preset_words[] = {"không khí",    "mực nước", "độ ngập",
                                           "lưu lượng xe", "camera",   "đang báo động"};
static const enum sensor_kind preset_kinds[] = {SK_AIR_QUALITY, SK_WATER_LEVEL, SK_FLOOD_DEPTH,
                                                SK_TRAFFIC_COUNT, SK_CAMERA};

/* Points a sparkline draws at most (one per cell). */
#define TREND_CELLS 60

struct sensors_view {
    struct view base;
    struct list list;
    const struct sensor_table *t;
    const struct unit_table *units;
    int64_t now_ms;
    size_t n, by_kind[SK_COUNT], alarm, unattributed;
    int w_station, w_unit, w_trend; /* column widths of the last draw */
    struct series_point pts[TREND_CELLS];
    double vals[TREND_CELLS];
};

static const struct sensor *rec(const struct sensors_view *v, size_t item)
{
    return sensor_table_at(v->t, item);
}

/* Station names share long heads ("Trạm quan trắc không khí …", "Camera an ninh …") and
 * differ at the end, so a name too long for its column keeps its head and its tail with
 * the ellipsis in the middle. Cuts fall before a character of non-zero width, so a
 * combining mark stays with its letter. */
static void fit_middle(const char *s, int cols, char *out, size_t n)
{
    if (text_width(s) <= cols || cols < 8) {
        text_fit(s, cols, out, n);
        return;
    }
    int dots = text_ascii() ? 3 : 1;
    int tail_w = (cols - dots) * 2 / 3; /* the tail tells stations apart: it gets more */
    /* The tail: walk back from the end a character at a time (UTF-8 continuation bytes are
     * 10xxxxxx) while it fits in tail_w. */
    size_t len = strlen(s), start = len;
    int used = 0;
    for (size_t i = len; i > 0;) {
        size_t j = i - 1;
        while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
            j--;
        wchar_t wc;
        mbstate_t st;
        memset(&st, 0, sizeof st);
        if (mbrtowc(&wc, s + j, i - j, &st) != i - j) {
            text_fit(s, cols, out, n); /* not clean UTF-8: cut at the end as usual */
            return;
        }
        int w = wcwidth(wc);
        if (w > 0 && used + w > tail_w)
            break;
        if (w > 0) {
            used += w;
            start = j;
        }
        i = j;
    }
    /* Start the tail at a word when one starts inside it, leaving the room to the head. */
    if (start > 0 && s[start - 1] != ' ') {
        const char *sp = strchr(s + start, ' ');
        if (sp && text_width(sp + 1) >= 3) {
            used = text_width(sp + 1);
            start = (size_t)(sp + 1 - s);
        }
    }
    while (s[start] == ' ')
        start++;
    int head_w = cols - dots - used;
    char head[256];
    /* text_fit ends a cut prefix in the ellipsis itself: ask for head_w + the ellipsis. */
    text_fit(s, head_w + dots, head, sizeof head);
    snprintf(out, n, "%s%s", head, s + start);
}

static const char *unit_label(const struct sensors_view *v, const struct sensor *s)
{
    return s->unit_code ? unit_table_name(v->units, s->unit_code) : "(chưa rõ xã/phường)";
}

/* The full name ("Phường Cẩm Thành") when it fits the column, else the bare name. */
static const char *unit_label_fit(const struct sensors_view *v, const struct sensor *s)
{
    const char *full = unit_label(v, s);
    if (!s->unit_code || v->w_unit <= 0 || text_width(full) <= v->w_unit)
        return full;
    const struct unit *u = unit_table_find(v->units, s->unit_code);
    return u && u->name && *u->name ? u->name : full;
}

static void trend_cell(struct sensors_view *v, const struct sensor *s, char *buf, size_t n)
{
    int w = v->w_trend > TREND_CELLS ? TREND_CELLS : v->w_trend;
    size_t got = s->series && w > 0 ? series_copy(s->series, v->pts, (size_t)w) : 0;
    for (size_t i = 0; i < got; i++)
        v->vals[i] = v->pts[i].v;
    spark_render(v->vals, got, w, text_ascii() != 0, buf, n);
}

static enum theme_role cell_text(struct sensors_view *v, const struct sensor *s, int col, char *buf,
                                 size_t n)
{
    char num[64];
    buf[0] = '\0';
    switch ((enum col)col) {
    case C_STATION:
        fit_middle(sensor_words_station(s), v->w_station > 0 ? v->w_station : (int)n, buf, n);
        break;
    case C_KIND:
        str_copy(buf, sensor_kind_label(s->kind), n);
        break;
    case C_PROP:
        str_copy(buf, sensor_words_property(s), n);
        break;
    case C_VALUE:
        if (s->kind == SK_CAMERA || !sensor_words_has_reading(s))
            break;
        sensor_words_value(s, s->value, num, sizeof num);
        snprintf(buf, n, "%s%s%s", num, s->unit && *s->unit ? " " : "", s->unit ? s->unit : "");
        break;
    case C_LEVEL:
        return sensor_words_level(s, v->now_ms, buf, n);
    case C_AGE:
        if (s->time_ms == TIME_NONE) {
            str_copy(buf, fmt_dash(), n);
            return TH_DIM;
        }
        clock_format_age((v->now_ms - s->time_ms) / 1000, num, sizeof num);
        if (sensor_words_reading_old(s, v->now_ms)) {
            snprintf(buf, n, "%s cũ", num);
            return TH_STALE;
        }
        str_copy(buf, num, n);
        return TH_DIM;
    case C_UNIT:
        str_copy(buf, unit_label_fit(v, s), n);
        return s->unit_code ? TH_NORMAL : TH_DIM;
    case C_TREND:
        trend_cell(v, s, buf, n);
        return sensor_words_severity_role(sensor_words_severity(s, v->now_ms));
    }
    return TH_NORMAL;
}

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, enum theme_role *role)
{
    struct sensors_view *v = ctx;
    const struct sensor *s = rec(v, list_item(&v->list, row));
    if (s)
        *role = cell_text(v, s, col, buf, n);
}

static const char *item_key(void *ctx, size_t item, char *buf, size_t n)
{
    str_copy(buf, rec(ctx, item)->id, n);
    return buf;
}

static void item_text(void *ctx, size_t item, struct buf *out)
{
    struct sensors_view *v = ctx;
    const struct sensor *s = rec(v, item);
    char level[96];
    sensor_words_level(s, v->now_ms, level, sizeof level);
    buf_appendf(out, "%s %s %s %s %s %s", s->id, sensor_words_station(s),
                sensor_kind_label(s->kind), sensor_words_property(s), level, unit_label(v, s));
}

/* How far the latest reading moved from the oldest kept one, relative to it (the sparkline
 * column's order); O(1) on the ring buffer. */
static double series_change(const struct sensor *s)
{
    struct series_point first, last;
    if (!s->series || !series_at(s->series, 0, &first) || !series_last(s->series, &last) ||
        !isfinite(first.v) || !isfinite(last.v))
        return NAN;
    return (last.v - first.v) / (fabs(first.v) > 0 ? fabs(first.v) : 1);
}

static int item_compare(void *ctx, size_t a, size_t b, int col)
{
    struct sensors_view *v = ctx;
    const struct sensor *x = rec(v, a), *y = rec(v, b);
    char bx[256], by[256];
    switch (col) {
    case -1: {
        int sx = sensor_words_severity(x, v->now_ms), sy = sensor_words_severity(y, v->now_ms);
        if (sx != sy)
            return sx > sy ? -1 : 1;
        int r = strcoll(sensor_words_station(x), sensor_words_station(y));
        return r ? r : strcmp(x->id, y->id);
    }
    case C_VALUE:
        return listview_cmp_col(&v->list, x->value, y->value);
    case C_LEVEL:
        return sensor_words_severity(x, v->now_ms) - sensor_words_severity(y, v->now_ms);
    case C_AGE: /* older = larger age; never heard of = oldest */
        return x->time_ms == y->time_ms ? 0 : x->time_ms < y->time_ms ? 1 : -1;
    case C_KIND:
        return (int)x->kind - (int)y->kind;
    case C_STATION:
        return strcoll(sensor_words_station(x), sensor_words_station(y));
    case C_UNIT:
        return strcoll(unit_label(v, x), unit_label(v, y));
    case C_TREND:
        return listview_cmp_col(&v->list, series_change(x), series_change(y));
    default:
        cell_text(v, x, col, bx, sizeof bx);
        cell_text(v, y, col, by, sizeof by);
        return strcoll(bx, by);
    }
}

static const struct list_ops ops = {.key = item_key, .text = item_text, .compare = item_compare};

static struct view *sensors_create(void)
{
    struct sensors_view *v = xcalloc(1, sizeof *v);
    list_init(&v->list, columns, (int)ARRAY_LEN(columns), cell, &ops, v);
    return &v->base;
}

static void sensors_destroy(struct view *base)
{
    struct sensors_view *v = (struct sensors_view *)base;
    list_free(&v->list);
    free(v);
}

static bool preset_pass(int preset, const struct sensor *s, int sev)
{
    if (preset < 0)
        return true;
    if ((size_t)preset < ARRAY_LEN(preset_kinds))
        return s->kind == preset_kinds[preset];
    return sev >= SENSOR_SEV_WARN; /* "alarm" */
}

static void sensors_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct sensors_view *v = (struct sensors_view *)base;
    v->t = ctx->store->sensors;
    v->units = ctx->store->units;
    v->now_ms = ctx->now * 1000;
    v->n = v->alarm = v->unattributed = 0;
    memset(v->by_kind, 0, sizeof v->by_kind);
    int preset = listview_preset(presets, ctx->arg);
    size_t total = sensor_table_count(v->t);
    list_begin(&v->list);
    for (size_t i = 0; i < total; i++) {
        const struct sensor *s = sensor_table_at(v->t, i);
        if (ctx->scope && !str_eq(s->unit_code, ctx->scope))
            continue;
        int sev = sensor_words_severity(s, v->now_ms);
        v->n++;
        v->by_kind[(unsigned)s->kind < SK_COUNT ? s->kind : SK_OTHER]++;
        v->alarm += sev >= SENSOR_SEV_WARN;
        v->unattributed += s->unit_code == NULL;
        if (preset_pass(preset, s, sev))
            list_add(&v->list, i);
    }
    list_end(&v->list, ctx->filter);
}

static void sensors_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct sensors_view *v = (struct sensors_view *)base;
    v->now_ms = ctx->now * 1000;
    struct rect body = panel_draw_title(w, r, "Cảm biến", ctx, "sensors");
    if (body.h <= 0)
        return;
    /* The alarm count first: on a phone the end of the line is cut. */
    char line[512];
    int len = snprintf(line, sizeof line, "Cảm biến %zu · báo động %zu", v->n, v->alarm);
    for (int k = SK_AIR_QUALITY; k < SK_COUNT && len > 0 && (size_t)len < sizeof line; k++)
        if (v->by_kind[k])
            len += snprintf(line + len, sizeof line - (size_t)len, " · %s %zu",
                            sensor_kind_label((enum sensor_kind)k), v->by_kind[k]);
    if (v->by_kind[SK_OTHER] && len > 0 && (size_t)len < sizeof line)
        len += snprintf(line + len, sizeof line - (size_t)len, " · khác %zu", v->by_kind[SK_OTHER]);
    if (v->unattributed && len > 0 && (size_t)len < sizeof line)
        len += snprintf(line + len, sizeof line - (size_t)len, " · chưa rõ xã/phường %zu",
                        v->unattributed);
    if (filter_active(ctx->filter) && len > 0 && (size_t)len < sizeof line)
        snprintf(line + len, sizeof line - (size_t)len, " · lọc \"%s\": %zu/%zu", ctx->filter->text,
                 list_count(&v->list), v->list.total);
    panel_text(w, body.y, body.x, body.w, line, v->alarm ? TH_WARN : TH_TITLE);

    int widths[ARRAY_LEN(columns)];
    table_layout(&v->list.table, body.w, widths);
    v->w_station = widths[C_STATION];
    v->w_unit = widths[C_UNIT];
    v->w_trend = widths[C_TREND];

    int y = body.y + 1, h = body.y + body.h - y;
    if (list_count(&v->list) == 0) {
        table_draw(&v->list.table, w, y, body.x, h < 1 ? h : 1, body.w);
        if (h > 2)
            panel_text(w, y + 2, body.x + 2, body.w - 4,
                       filter_active(ctx->filter) ? "Không có cảm biến khớp bộ lọc."
                       : v->n ? "Không có cảm biến nào thuộc nhóm này."
                              : "Chưa có cảm biến nào.",
                       TH_DIM);
        return;
    }
    table_draw(&v->list.table, w, y, body.x, h, body.w);
}

static bool sensors_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                              struct nav_request *req)
{
    (void)ctx;
    return listview_open(&((struct sensors_view *)base)->list, a, "sensor", req);
}

static struct list *sensors_list(struct view *base)
{
    return &((struct sensors_view *)base)->list;
}

static void sensors_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    (void)base;
    listview_crumb(presets, preset_words, ctx->arg, buf, n);
}

static void sensors_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct sensors_view *v = (struct sensors_view *)base;
    v->now_ms = ctx->now * 1000;
    fputs("Mã\tTrạm\tLoại\tĐại lượng\tGiá trị\tĐơn vị\tMức\tThời điểm\tMã xã/phường\tXã/phường\n",
          out);
    for (size_t r = 0; r < list_count(&v->list); r++) {
        const struct sensor *s = rec(v, list_item(&v->list, r));
        char value[64] = "", level[96], when[40] = "";
        if (sensor_words_has_reading(s))
            sensor_words_value(s, s->value, value, sizeof value);
        sensor_words_level(s, v->now_ms, level, sizeof level);
        if (s->time_ms != TIME_NONE)
            clock_format_iso(s->time_ms / 1000, ctx->tz_offset_s, when, sizeof when);
        fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s->id, sensor_words_station(s),
                sensor_kind_label(s->kind), sensor_words_property(s), value, s->unit ? s->unit : "",
                level, when, s->unit_code ? s->unit_code : "", unit_label(v, s));
    }
}

const struct view_ops sensors_view_ops = {
    .name = "sensors",
    .title = "Cảm biến",
    .feed = "sensors",
    .presets = presets,
    .create = sensors_create,
    .destroy = sensors_destroy,
    .recalc = sensors_recalc,
    .draw = sensors_draw,
    .on_action = sensors_on_action,
    .list = sensors_list,
    .crumb = sensors_crumb,
    .export = sensors_export,
};
