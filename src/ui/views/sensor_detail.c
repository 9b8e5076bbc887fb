/* One sensor: what and where it is, its latest reading and band or alarm level, and a braille
 * chart of the kept series with the thresholds that matter for it (VN_AQI band edges, the
 * gauge's báo động I/II/III, flood depth 10/20/30 cm). Opened without an id it shows the worst
 * sensor in scope, the one the sensor list puts first. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/chart.h"
#include "citydeck/clock.h"
#include "citydeck/panel.h"
#include "citydeck/sensor_words.h"
#include "citydeck/sensors.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

#define NONE ((size_t)-1)
#define CHART_MIN_H 5
#define LABEL_BYTES 48

struct sensor_detail_view {
    struct view base;
    const struct sensor_table *t;
    const struct unit_table *units;
    size_t idx;  /* table index of the sensor shown; NONE = not found */
    bool picked; /* no id was given: the worst in scope */
    char id[128];
    /* The series as of the last recalc, and the chart made of it. */
    struct series_point *pts;
    int64_t *t_ms, *gaps;
    double *v;
    size_t n, cap;
    struct chart_spec spec;
    char th_label[CHART_MAX_THRESHOLDS][LABEL_BYTES];
    char unit[16];
    struct chart_grid grid;
    int grid_w, grid_h;
    bool grid_stale;
};

static const struct sensor *current(const struct sensor_detail_view *v)
{
    return v->idx == NONE ? NULL : sensor_table_at(v->t, v->idx);
}

static struct view *sensor_create(void)
{
    struct sensor_detail_view *v = xcalloc(1, sizeof *v);
    v->idx = NONE;
    return &v->base;
}

static void sensor_destroy(struct view *base)
{
    struct sensor_detail_view *v = (struct sensor_detail_view *)base;
    free(v->pts);
    free(v->t_ms);
    free(v->gaps);
    free(v->v);
    chart_grid_free(&v->grid);
    free(v);
}

/* The worst sensor in scope, in the sensor list's default order (severity, then station). */
static size_t pick_worst(const struct sensor_table *t, const struct view_ctx *ctx)
{
    size_t best = NONE;
    int best_sev = -1;
    int64_t now_ms = ctx->now * 1000;
    for (size_t i = 0; i < sensor_table_count(t); i++) {
        const struct sensor *s = sensor_table_at(t, i);
        if (ctx->scope && !str_eq(s->unit_code, ctx->scope))
            continue;
        int sev = sensor_words_severity(s, now_ms);
        if (best != NONE && sev == best_sev) {
            const struct sensor *b = sensor_table_at(t, best);
            int r = strcoll(sensor_words_station(s), sensor_words_station(b));
            if (r > 0 || (r == 0 && strcmp(s->id, b->id) >= 0))
                continue;
        } else if (sev < best_sev) {
            continue;
        }
        best = i;
        best_sev = sev;
    }
    return best;
}

static size_t find_index(const struct sensor_table *t, const char *id)
{
    const struct sensor *s = sensor_table_find(t, id);
    for (size_t i = 0; s && i < sensor_table_count(t); i++)
        if (sensor_table_at(t, i) == s)
            return i;
    return NONE;
}

/* The smallest concentration (in the sensor's unit) whose VN_AQI sub-index reaches edge;
 * NaN when the unit cannot be converted. The index is monotonic in the concentration, so a
 * bisection finds it without the breakpoint table. */
static double aqi_edge_value(const struct sensor *s, int edge)
{
    if (s->pollutant == AQI_POL_INDEX)
        return edge;
    double lo = 0, hi = 1;
    while (aqi_sub_index_unit(s->pollutant, hi, s->unit) < edge && hi < 1e9)
        hi *= 2;
    if (aqi_sub_index_unit(s->pollutant, hi, s->unit) < edge)
        return NAN;
    for (int i = 0; i < 60; i++) {
        double mid = (lo + hi) / 2;
        if (aqi_sub_index_unit(s->pollutant, mid, s->unit) >= edge)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

static void add_threshold(struct sensor_detail_view *v, double value, const char *label,
                          enum theme_role role)
{
    if (!isfinite(value) || v->spec.nth >= CHART_MAX_THRESHOLDS)
        return;
    int k = v->spec.nth++;
    str_copy(v->th_label[k], label, sizeof v->th_label[k]);
    v->spec.th[k] = (struct chart_threshold){value, v->th_label[k], role};
}

/* VN_AQI band edges up to the first one above the highest reading, at most four (the chart's
 * limit), keeping the highest: those are the ones the readings are near. */
static void aqi_thresholds(struct sensor_detail_view *v, const struct sensor *s, double hi)
{
    static const struct {
        int edge;
        enum aqi_band band;
        enum theme_role role;
    } edges[] = {{51, AQI_BAND_MODERATE, TH_NORMAL},
                 {101, AQI_BAND_POOR, TH_WARN},
                 {151, AQI_BAND_BAD, TH_BAD},
                 {201, AQI_BAND_VERY_BAD, TH_CRIT},
                 {301, AQI_BAND_HAZARDOUS, TH_CRIT}};
    double value[ARRAY_LEN(edges)];
    size_t last = 0;
    for (size_t i = 0; i < ARRAY_LEN(edges); i++) {
        value[i] = aqi_edge_value(s, edges[i].edge);
        if (!isfinite(value[i]))
            return;
        last = i;
        if (!(value[i] <= hi))
            break; /* the first edge above the readings (or NaN hi: only the first) */
    }
    size_t first = last + 1 > CHART_MAX_THRESHOLDS ? last + 1 - CHART_MAX_THRESHOLDS : 0;
    for (size_t i = first; i <= last; i++) {
        char label[LABEL_BYTES];
        snprintf(label, sizeof label, "%s %s%d", aqi_band_label(edges[i].band),
                 text_ascii() ? ">=" : "≥", edges[i].edge);
        add_threshold(v, value[i], label, edges[i].role);
    }
}

static void level_thresholds(struct sensor_detail_view *v, const struct sensor *s)
{
    static const enum theme_role roles[3] = {TH_WARN, TH_BAD, TH_CRIT};
    if (s->kind == SK_WATER_LEVEL) {
        for (int i = 0; i < 3; i++)
            add_threshold(v, s->alarm[i], flood_level_label((enum flood_level)(i + 1)), roles[i]);
    } else if (s->kind == SK_FLOOD_DEPTH) {
        double cm_per_unit = flood_depth_cm(1, s->unit);
        for (int i = 0; i < 3 && isfinite(cm_per_unit) && cm_per_unit > 0; i++) {
            char label[16];
            snprintf(label, sizeof label, "%d cm", 10 * (i + 1));
            add_threshold(v, 10.0 * (i + 1) / cm_per_unit, label, roles[i]);
        }
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Readings further apart than three usual intervals are a gap in the line, not a slope. */
static int64_t gap_of(const int64_t *t, size_t n, int64_t *scratch)
{
    if (n < 3)
        return 0;
    for (size_t i = 1; i < n; i++)
        scratch[i - 1] = t[i] - t[i - 1];
    qsort(scratch, n - 1, sizeof *scratch, cmp_i64);
    return scratch[(n - 1) / 2] * 3;
}

static int chart_decimals(const struct sensor *s, double hi)
{
    bool metres = s->unit && strcmp(s->unit, "m") == 0;
    if (s->kind == SK_WATER_LEVEL || metres)
        return 2;
    if (s->kind == SK_TRAFFIC_COUNT || s->kind == SK_CAMERA || s->kind == SK_FLOOD_DEPTH ||
        (s->kind == SK_AIR_QUALITY && s->pollutant == AQI_POL_INDEX))
        return 0;
    return isfinite(hi) && fabs(hi) >= 100 ? 0 : 1;
}

static void sensor_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct sensor_detail_view *v = (struct sensor_detail_view *)base;
    v->t = ctx->store->sensors;
    v->units = ctx->store->units;
    v->picked = !ctx->arg;
    v->idx = ctx->arg ? find_index(v->t, ctx->arg) : pick_worst(v->t, ctx);
    str_copy(v->id, ctx->arg ? ctx->arg : "", sizeof v->id);
    v->n = 0;
    v->spec = (struct chart_spec){0};
    v->grid_stale = true;
    const struct sensor *s = current(v);
    if (!s)
        return;
    str_copy(v->id, s->id, sizeof v->id);

    size_t len = s->series ? series_len(s->series) : 0;
    if (len > v->cap) {
        v->cap = len;
        v->pts = xrealloc(v->pts, len * sizeof *v->pts);
        v->t_ms = xrealloc(v->t_ms, len * sizeof *v->t_ms);
        v->gaps = xrealloc(v->gaps, len * sizeof *v->gaps);
        v->v = xrealloc(v->v, len * sizeof *v->v);
    }
    v->n = len ? series_copy(s->series, v->pts, len) : 0;
    double hi = -INFINITY;
    for (size_t i = 0; i < v->n; i++) {
        v->t_ms[i] = v->pts[i].t_ms;
        v->v[i] = v->pts[i].v;
        if (isfinite(v->v[i]) && v->v[i] > hi)
            hi = v->v[i];
    }
    if (!isfinite(hi))
        hi = NAN;

    struct chart_spec *sp = &v->spec;
    sp->series = (struct chart_series){v->t_ms, v->v, v->n};
    int64_t now_ms = ctx->now * 1000;
    sp->t1_ms = v->n ? v->t_ms[v->n - 1] : now_ms;
    sp->t0_ms = v->n > 1 ? v->t_ms[0] : sp->t1_ms - 3600 * 1000LL;
    if (sp->t1_ms <= sp->t0_ms)
        sp->t0_ms = sp->t1_ms - 3600 * 1000LL;
    sp->gap_ms = gap_of(v->t_ms, v->n, v->gaps);
    sp->decimals = chart_decimals(s, hi);
    /* Short units ride on the axis labels; long ones ("µg/m³") stay in the figures below. */
    v->unit[0] = '\0';
    if (s->unit && *s->unit && text_width(s->unit) <= 2)
        str_copy(v->unit, s->unit, sizeof v->unit);
    sp->unit = v->unit[0] ? v->unit : NULL;
    sp->tz_offset_s = ctx->tz_offset_s;
    sp->ascii = text_ascii() != 0;
    sp->line_role = sensor_words_severity_role(sensor_words_severity(s, now_ms));
    if (sp->line_role == TH_OK)
        sp->line_role = TH_NORMAL;
    if (s->kind == SK_AIR_QUALITY && s->pollutant != AQI_POL_NONE)
        aqi_thresholds(v, s, hi);
    else
        level_thresholds(v, s);
}

/* "08:15 02/03" in the hub's zone. */
static void short_time(int64_t t_ms, int tz, char *buf, size_t n)
{
    char iso[40];
    clock_format_iso(t_ms / 1000, tz, iso, sizeof iso);
    snprintf(buf, n, "%.5s %.2s/%.2s", iso + 11, iso + 8, iso + 5);
}

static void value_with_unit(const struct sensor *s, double x, char *buf, size_t n)
{
    char num[64];
    sensor_words_value(s, x, num, sizeof num);
    snprintf(buf, n, "%s%s%s", num, isfinite(x) && s->unit && *s->unit ? " " : "",
             isfinite(x) && s->unit ? s->unit : "");
}

/* The metadata lines; returns how many were written (at most max). */
static int draw_meta(struct sensor_detail_view *v, const struct view_ctx *ctx, WINDOW *w,
                     struct rect r, const struct sensor *s)
{
    char line[768], a[128], b[128], c[64];
    int64_t now_ms = ctx->now * 1000;
    int y = r.y, end = r.y + r.h;
    if (y >= end)
        return 0;
    snprintf(line, sizeof line, "%s · mã %s · %s · %s%s%s%s", sensor_words_station(s), s->id,
             sensor_kind_label(s->kind), sensor_words_property(s), s->unit && *s->unit ? " (" : "",
             s->unit ? s->unit : "", s->unit && *s->unit ? ")" : "");
    panel_text(w, y++, r.x, r.w, line, TH_TITLE);
    if (y >= end)
        return y - r.y;
    if (s->has_location)
        snprintf(a, sizeof a, " · vị trí %.5f, %.5f", s->lat, s->lon);
    else
        str_copy(a, " · chưa có vị trí", sizeof a);
    /* The Datastream's own name when it says more than the station and the property. */
    bool name = s->name && *s->name && strcmp(s->name, sensor_words_station(s)) != 0 &&
                strcmp(s->name, sensor_words_property(s)) != 0;
    snprintf(line, sizeof line, "Xã/phường: %s%s%s%s",
             s->unit_code ? unit_table_name(v->units, s->unit_code) : "(chưa rõ)", a,
             name ? " · " : "", name ? s->name : "");
    panel_text(w, y++, r.x, r.w, line, TH_NORMAL);
    if (y >= end)
        return y - r.y;
    enum theme_role role = sensor_words_level(s, now_ms, b, sizeof b);
    if (s->time_ms == TIME_NONE) {
        snprintf(line, sizeof line, "Mới nhất: chưa có số liệu");
    } else {
        value_with_unit(s, s->value, a, sizeof a);
        short_time(s->time_ms, ctx->tz_offset_s, c, sizeof c);
        char age[32];
        clock_format_age((now_ms - s->time_ms) / 1000, age, sizeof age);
        snprintf(line, sizeof line, "Mới nhất: %s lúc %s (%s trước%s)%s%s",
                 s->kind == SK_CAMERA ? (s->value > 0 ? "trạng thái 1" : "trạng thái 0") : a, c,
                 age, sensor_words_reading_old(s, now_ms) ? ", số liệu cũ" : "", b[0] ? " · " : "",
                 b);
    }
    panel_text(w, y++, r.x, r.w, line, role == TH_OK || role == TH_DIM ? TH_NORMAL : role);
    if (y >= end)
        return y - r.y;
    line[0] = '\0';
    if (s->kind == SK_WATER_LEVEL) {
        int len = snprintf(line, sizeof line, "Mức báo động:");
        for (int i = 0; i < 3 && len > 0 && (size_t)len < sizeof line; i++) {
            value_with_unit(s, s->alarm[i], a, sizeof a);
            len += snprintf(line + len, sizeof line - (size_t)len, "%s %s %s", i ? " ·" : "",
                            flood_level_label((enum flood_level)(i + 1)),
                            isfinite(s->alarm[i]) ? a : "chưa công bố");
        }
    } else if (s->kind == SK_FLOOD_DEPTH && s->depth_class >= 0) {
        snprintf(line, sizeof line, "Độ ngập %s", flood_depth_label(s->depth_class));
    } else if (s->kind == SK_AIR_QUALITY && s->aqi >= 0) {
        snprintf(line, sizeof line, "VN_AQI %d (QĐ 1459/QĐ-TCMT) · %s", s->aqi,
                 aqi_band_label(aqi_band(s->aqi)));
    }
    if (line[0])
        panel_text(w, y++, r.x, r.w, line, TH_DIM);
    return y - r.y;
}

static void draw_figures(struct sensor_detail_view *v, const struct view_ctx *ctx, WINDOW *w,
                         struct rect r, const struct sensor *s)
{
    char line[512], lo_s[64], hi_s[64], last_s[64], t0[32], t1[32];
    double lo = INFINITY, hi = -INFINITY, last = NAN;
    for (size_t i = 0; i < v->n; i++) {
        if (!isfinite(v->v[i]))
            continue;
        lo = fmin(lo, v->v[i]);
        hi = fmax(hi, v->v[i]);
        last = v->v[i];
    }
    if (v->n == 0 || !isfinite(lo)) {
        panel_text(w, r.y, r.x, r.w, "Chưa có chuỗi số liệu để vẽ.", TH_DIM);
        return;
    }
    value_with_unit(s, lo, lo_s, sizeof lo_s);
    value_with_unit(s, hi, hi_s, sizeof hi_s);
    value_with_unit(s, last, last_s, sizeof last_s);
    short_time(v->t_ms[0], ctx->tz_offset_s, t0, sizeof t0);
    short_time(v->t_ms[v->n - 1], ctx->tz_offset_s, t1, sizeof t1);
    snprintf(line, sizeof line, "Thấp nhất %s · cao nhất %s · mới nhất %s · %zu điểm, %s %s %s",
             lo_s, hi_s, last_s, v->n, t0, text_ascii() ? "->" : "→", t1);
    if (text_width(line) > r.w) /* a phone: the chart's own axis shows the times */
        snprintf(line, sizeof line, "Thấp nhất %s · cao nhất %s · mới nhất %s · %zu điểm", lo_s,
                 hi_s, last_s, v->n);
    panel_text(w, r.y, r.x, r.w, line, TH_NORMAL);
}

static void sensor_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct sensor_detail_view *v = (struct sensor_detail_view *)base;
    const struct sensor *s = current(v);
    char title[256];
    snprintf(title, sizeof title, "Cảm biến%s%s", s ? " " : "", s ? sensor_words_station(s) : "");
    struct rect body = panel_draw_title(w, r, title, ctx, "sensors");
    if (body.h <= 0)
        return;
    if (!s) {
        char msg[256];
        if (v->picked)
            str_copy(msg, "Chưa có cảm biến nào trong phạm vi này.", sizeof msg);
        else
            snprintf(msg, sizeof msg, "Không tìm thấy cảm biến %s.", v->id);
        panel_text(w, body.y + 1, body.x + 2, body.w - 4, msg, TH_DIM);
        return;
    }
    /* meta, chart, figures: the figures and the first meta lines stay longest, the chart
     * takes what is left (it still shows at 80×24). */
    const struct panel_req req[] = {
        {3, 20, 4, 3},
        {CHART_MIN_H, 30, 0, 2},
        {1, 20, 1, 4},
    };
    struct rect out[3];
    layout_stack(req, 3, body, out);
    if (out[0].h > 0)
        draw_meta(v, ctx, w, out[0], s);
    if (out[1].h > 0) {
        /* One blank row above the chart keeps its top label off the metadata. */
        struct rect c = {out[1].y + 1, out[1].x, out[1].h - 1, out[1].w};
        if (v->grid_stale || c.w != v->grid_w || c.h != v->grid_h) {
            chart_raster(&v->spec, c.w, c.h, &v->grid);
            v->grid_w = c.w;
            v->grid_h = c.h;
            v->grid_stale = false;
        }
        chart_draw(w, c.y, c.x, &v->grid);
    }
    if (out[2].h > 0)
        draw_figures(v, ctx, w, out[2], s);
}

static void sensor_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    struct sensor_detail_view *v = (struct sensor_detail_view *)base;
    const struct sensor *s = current(v);
    if (!s) {
        str_copy(buf, ctx->arg ? ctx->arg : "", n);
        return;
    }
    snprintf(buf, n, "%s%s", sensor_words_station(s), v->picked ? " (xấu nhất)" : "");
}

static void sensor_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct sensor_detail_view *v = (struct sensor_detail_view *)base;
    const struct sensor *s = current(v);
    char buf[256], when[40];
    if (!s) {
        fprintf(out, "Mã\t%s\nTrạng thái\tkhông tìm thấy\n", v->id);
        return;
    }
    fprintf(out, "Mã\t%s\nTrạm\t%s\nTên\t%s\nLoại\t%s\nĐại lượng\t%s\nĐơn vị\t%s\n", s->id,
            sensor_words_station(s), s->name ? s->name : "", sensor_kind_label(s->kind),
            sensor_words_property(s), s->unit ? s->unit : "");
    fprintf(out, "Mã xã/phường\t%s\nXã/phường\t%s\n", s->unit_code ? s->unit_code : "",
            s->unit_code ? unit_table_name(v->units, s->unit_code) : "");
    if (s->has_location)
        fprintf(out, "Vị trí\t%.6f, %.6f\n", s->lat, s->lon);
    if (s->time_ms != TIME_NONE) {
        sensor_words_value(s, s->value, buf, sizeof buf);
        clock_format_iso(s->time_ms / 1000, ctx->tz_offset_s, when, sizeof when);
        fprintf(out, "Giá trị mới nhất\t%s\nThời điểm\t%s\n", buf, when);
    }
    sensor_words_level(s, ctx->now * 1000, buf, sizeof buf);
    fprintf(out, "Mức\t%s\n", buf);
    for (int i = 0; i < v->spec.nth; i++) {
        char num[64];
        sensor_words_value(s, v->spec.th[i].value, num, sizeof num);
        fprintf(out, "Ngưỡng %s\t%s\n", v->spec.th[i].label, num);
    }
    fputs("\nThời điểm\tGiá trị\n", out);
    for (size_t i = 0; i < v->n; i++) {
        clock_format_iso(v->t_ms[i] / 1000, ctx->tz_offset_s, when, sizeof when);
        if (isfinite(v->v[i]))
            fprintf(out, "%s\t%.10g\n", when, v->v[i]);
        else
            fprintf(out, "%s\t\n", when);
    }
}

const struct view_ops sensor_view_ops = {
    .name = "sensor",
    .title = "Cảm biến",
    .feed = "sensors",
    .detail = true,
    .create = sensor_create,
    .destroy = sensor_destroy,
    .recalc = sensor_recalc,
    .draw = sensor_draw,
    .crumb = sensor_crumb,
    .export = sensor_export,
};
