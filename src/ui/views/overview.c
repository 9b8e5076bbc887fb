/* Tổng quan: the picture leaders ask for first (domain-vn §6.2), for the province or the
 * commune/ward in scope, as tiles in a grid: dossiers today, complaints, sensors, alerts and
 * indicators. Each tile is a titled panel with its feed's data age; tiles fold by priority on
 * small terminals and grow a few lines on big ones. Arrows move a tile selection; Enter opens
 * the tile's list in the same scope, narrowed to what needs attention when there is any
 * (dossiers:overdue, complaints:overdue, sensors:alarm, indicators:not_met; alerts), else
 * the whole list rather than an empty one.
 *
 * recalc derives every number (the aggregates for counts, one pass over dossiers and
 * complaints for "today" and the 14-day sparklines, one over the sensors for the worst gauge
 * and flood point); draw only formats them. Alerts move without the store (the clock ends
 * silences, escalates events), so draw refreshes their summary when the alerts' generation
 * moved. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/alerts.h"
#include "citydeck/bar.h"
#include "citydeck/clock.h"
#include "citydeck/fmt.h"
#include "citydeck/panel.h"
#include "citydeck/period.h"
#include "citydeck/sensor_words.h"
#include "citydeck/spark.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

enum tile { T_DOSSIERS, T_COMPLAINTS, T_SENSORS, T_ALERTS, T_INDICATORS, T_COUNT };

struct tile_info {
    const char *title;
    const char *feed;       /* for the data age; NULL = none */
    int priority;           /* higher stays longer on small terminals */
    int min_h, want_h;      /* rows with the title; want 0 = all that is left */
    const char *view, *arg; /* what Enter opens */
};

static const struct tile_info tiles[T_COUNT] = {
    [T_DOSSIERS] = {"Hồ sơ", "dossiers", 50, 4, 7, "dossiers", "overdue"},
    [T_COMPLAINTS] = {"Phản ánh", "complaints", 40, 4, 6, "complaints", "overdue"},
    [T_SENSORS] = {"Cảm biến", "sensors", 30, 3, 7, "sensors", "alarm"},
    [T_ALERTS] = {"Cảnh báo", NULL, 35, 3, 0, "alerts", NULL},
    [T_INDICATORS] = {"Chỉ tiêu", "indicators", 20, 2, 4, "indicators", "not_met"},
};

#define DAYS 14
#define AQI_POINTS 64
#define TOP_ALERTS 40
#define TOP_CATEGORIES 3
#define TILE_MIN_W 60

struct alert_line {
    enum alert_severity severity;
    bool acked;
    int64_t start;
    char unit[96];
    char message[200];
};

struct overview_view {
    struct view base;
    int sel;   /* the selected tile */
    int ncols; /* tile columns in the last draw */
    bool shown[T_COUNT];
    /* the place */
    char place[128];
    size_t nunits;
    int64_t population; /* -1 unknown */
    /* dossiers */
    bool d_any;
    size_t d_recv_today, d_fin_today, d_open, d_overdue, d_due_soon, d_paused;
    size_t d_finished, d_early, d_on_time, d_late;
    double d_on_time_rate, d_online_rate;
    double d_days[DAYS];
    /* complaints */
    bool c_any;
    size_t c_new_today, c_open, c_overdue, c_due_soon, c_urgent_unaccepted, c_rated;
    double c_satisfaction;
    double c_days[DAYS];
    struct {
        char name[64];
        size_t n;
    } c_top[TOP_CATEGORIES];
    size_t c_ntop;
    /* sensors */
    bool s_any;
    int aqi; /* -1 none */
    char aqi_station[96];
    const char *aqi_pollutant; /* static strings */
    double aqi_series[AQI_POINTS];
    size_t aqi_n;
    size_t gauges, gauges_over[3], gauges_no_levels;
    char gauge_name[96], gauge_unit[16];
    double gauge_value;
    enum flood_level gauge_level;
    size_t depths, depth_over[3];
    char depth_name[96];
    double depth_cm; /* NaN = none */
    size_t cameras, cameras_offline;
    /* indicators */
    char period[32];
    struct indicator_tally tally;
    /* alerts */
    bool alerts_on;
    uint64_t alerts_gen;
    bool alerts_fresh;
    size_t a_active, a_critical, a_unacked;
    struct alert_line top[TOP_ALERTS];
    size_t ntop;
};

/* ---- formatting ------------------------------------------------------------------------- */

/* A line drawn in segments of different roles, clipped at its end column. */
struct line {
    WINDOW *w;
    int y, x, end;
};

static void seg(struct line *l, const char *s, enum theme_role role)
{
    char buf[512];
    int room = l->end - l->x;
    if (room <= 0 || !s || !*s)
        return;
    int used = text_fit(s, room, buf, sizeof buf);
    wattrset(l->w, theme_attr(role));
    mvwaddstr(l->w, l->y, l->x, buf);
    wattrset(l->w, A_NORMAL);
    l->x += used;
}

/* "label N" with N in role when it is not zero. */
static void seg_count(struct line *l, const char *label, size_t v, enum theme_role role)
{
    char num[32], t[160];
    fmt_count(v, num, sizeof num);
    snprintf(t, sizeof t, "%s ", label);
    seg(l, t, TH_NORMAL);
    seg(l, num, v ? role : TH_NORMAL);
}

static enum theme_role band_role(enum aqi_band b)
{
    switch (b) {
    case AQI_BAND_GOOD:
        return TH_OK;
    case AQI_BAND_MODERATE:
        return TH_NORMAL;
    case AQI_BAND_POOR:
        return TH_WARN;
    case AQI_BAND_BAD:
        return TH_BAD;
    case AQI_BAND_VERY_BAD:
    case AQI_BAND_HAZARDOUS:
        return TH_CRIT;
    default:
        return TH_DIM;
    }
}

static enum theme_role level_role(enum flood_level l)
{
    return l >= FLOOD_III ? TH_CRIT : l == FLOOD_II ? TH_BAD : l == FLOOD_I ? TH_WARN : TH_OK;
}

/* ---- recalc ----------------------------------------------------------------------------- */

static int64_t local_day(int64_t t, int tz)
{
    int64_t s = t + tz;
    return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

static void recalc_place(struct overview_view *v, const struct view_ctx *ctx)
{
    const struct unit_table *units = ctx->store->units;
    v->population = -1;
    v->nunits = 0;
    if (ctx->scope) {
        const struct unit *u = unit_table_find(units, ctx->scope);
        fmt_text(unit_table_name(units, ctx->scope), v->place, sizeof v->place);
        if (u)
            v->population = u->population;
        return;
    }
    const char *p = unit_table_province_name(units);
    fmt_text(p ? p : "Toàn tỉnh", v->place, sizeof v->place);
    v->nunits = unit_table_leaves(units, NULL, 0);
    int64_t pop = 0;
    bool known = v->nunits > 0;
    for (size_t i = 0; i < unit_table_count(units); i++) {
        const struct unit *u = unit_table_at(units, i);
        if (u->type == UNIT_PROVINCE || u->type == UNIT_DISTRICT)
            continue;
        if (u->population < 0)
            known = false;
        else
            pop += u->population;
    }
    v->population = known ? pop : -1;
}

static void recalc_dossiers(struct overview_view *v, const struct view_ctx *ctx)
{
    const struct dossier_table *t = ctx->store->dossiers;
    const struct dossier_stats *st =
        ctx->scope ? dossier_table_unit_stats(t, ctx->scope) : dossier_table_total(t);
    v->d_any = st && st->dossiers > 0;
    v->d_recv_today = v->d_fin_today = 0;
    memset(v->d_days, 0, sizeof v->d_days);
    if (!v->d_any) {
        v->d_open = v->d_overdue = v->d_due_soon = v->d_paused = 0;
        v->d_finished = v->d_early = v->d_on_time = v->d_late = 0;
        v->d_on_time_rate = v->d_online_rate = -1;
        return;
    }
    v->d_open = st->open;
    v->d_overdue = st->overdue;
    v->d_due_soon = st->due_soon;
    v->d_paused = st->by_status[DST_SUPPLEMENT] + st->by_status[DST_FEE];
    v->d_finished = st->finished;
    v->d_early = st->early;
    v->d_on_time = st->on_time;
    v->d_late = st->late;
    v->d_on_time_rate = dossier_stats_on_time_rate(st);
    v->d_online_rate = dossier_stats_online_rate(st);
    int64_t today = local_day(ctx->now, ctx->tz_offset_s);
    size_t n = dossier_table_count(t);
    for (size_t i = 0; i < n; i++) {
        const struct dossier *d = dossier_table_at(t, i);
        if (ctx->scope && !str_eq(d->unit_code, ctx->scope))
            continue;
        if (d->received != TIME_NONE) {
            int64_t age = today - local_day(d->received, ctx->tz_offset_s);
            if (age >= 0 && age < DAYS)
                v->d_days[DAYS - 1 - age]++;
            v->d_recv_today += age == 0;
        }
        if (d->finished != TIME_NONE && local_day(d->finished, ctx->tz_offset_s) == today)
            v->d_fin_today++;
    }
}

static void recalc_complaints(struct overview_view *v, const struct view_ctx *ctx)
{
    const struct complaint_table *t = ctx->store->complaints;
    const struct complaint_stats *st =
        ctx->scope ? complaint_table_unit_stats(t, ctx->scope) : complaint_table_total(t);
    v->c_any = st && st->complaints > 0;
    v->c_new_today = 0;
    v->c_ntop = 0;
    memset(v->c_days, 0, sizeof v->c_days);
    if (!v->c_any) {
        v->c_open = v->c_overdue = v->c_due_soon = v->c_urgent_unaccepted = v->c_rated = 0;
        v->c_satisfaction = -1;
        return;
    }
    v->c_open = st->open;
    v->c_overdue = st->overdue;
    v->c_due_soon = st->due_soon;
    v->c_urgent_unaccepted = st->urgent_unaccepted;
    v->c_rated = st->satisfied + st->not_satisfied;
    v->c_satisfaction = complaint_stats_satisfaction_rate(st);
    /* The three categories with the most open complaints. */
    size_t ncat = complaint_table_category_count(t);
    for (size_t k = 0; k < ncat && k < COMPLAINT_CATEGORY_MAX; k++) {
        size_t cnt = st->open_by_category[k];
        if (!cnt)
            continue;
        size_t pos = v->c_ntop;
        while (pos > 0 && v->c_top[pos - 1].n < cnt)
            pos--;
        if (pos >= TOP_CATEGORIES)
            continue;
        size_t last = v->c_ntop < TOP_CATEGORIES ? v->c_ntop : TOP_CATEGORIES - 1;
        memmove(&v->c_top[pos + 1], &v->c_top[pos], (last - pos) * sizeof v->c_top[0]);
        const char *name = complaint_table_category_name(t, k);
        fmt_text(name ? name : "Khác", v->c_top[pos].name, sizeof v->c_top[pos].name);
        v->c_top[pos].n = cnt;
        if (v->c_ntop < TOP_CATEGORIES)
            v->c_ntop++;
    }
    int64_t today = local_day(ctx->now, ctx->tz_offset_s);
    size_t n = complaint_table_count(t);
    for (size_t i = 0; i < n; i++) {
        const struct complaint *c = complaint_table_at(t, i);
        if (c->requested == TIME_NONE || (ctx->scope && !str_eq(c->unit_code, ctx->scope)))
            continue;
        int64_t age = today - local_day(c->requested, ctx->tz_offset_s);
        if (age >= 0 && age < DAYS)
            v->c_days[DAYS - 1 - age]++;
        v->c_new_today += age == 0;
    }
}

static void recalc_sensors(struct overview_view *v, const struct view_ctx *ctx)
{
    const struct sensor_table *t = ctx->store->sensors;
    const struct sensor_stats *st =
        ctx->scope ? sensor_table_unit(t, ctx->scope) : sensor_table_totals(t);
    v->s_any = st && st->n > 0;
    v->aqi = -1;
    v->aqi_n = 0;
    v->aqi_station[0] = v->gauge_name[0] = v->gauge_unit[0] = v->depth_name[0] = '\0';
    v->aqi_pollutant = "";
    v->gauge_level = FLOOD_UNKNOWN;
    v->gauge_value = NAN;
    v->depth_cm = NAN;
    v->gauges = v->gauges_no_levels = v->depths = v->cameras = v->cameras_offline = 0;
    memset(v->gauges_over, 0, sizeof v->gauges_over);
    memset(v->depth_over, 0, sizeof v->depth_over);
    if (!v->s_any)
        return;
    v->gauges = st->by_kind[SK_WATER_LEVEL];
    v->gauges_no_levels = st->gauges_no_levels;
    memcpy(v->gauges_over, st->gauges_over, sizeof v->gauges_over);
    v->depths = st->by_kind[SK_FLOOD_DEPTH];
    memcpy(v->depth_over, st->depth_over, sizeof v->depth_over);
    v->cameras = st->by_kind[SK_CAMERA];
    v->cameras_offline = st->cameras_offline;
    if (st->worst_aqi >= 0 && st->worst_aqi_sensor < sensor_table_count(t)) {
        const struct sensor *s = sensor_table_at(t, st->worst_aqi_sensor);
        v->aqi = st->worst_aqi;
        fmt_text(sensor_words_station(s), v->aqi_station, sizeof v->aqi_station);
        v->aqi_pollutant = aqi_pollutant_name(s->pollutant);
        /* The trend as indexes, not concentrations: the tile speaks VN_AQI. */
        struct series_point pts[AQI_POINTS];
        size_t n = s->series ? series_copy(s->series, pts, AQI_POINTS) : 0;
        for (size_t i = 0; i < n; i++) {
            int a = aqi_sub_index_unit(s->pollutant, pts[i].v, s->unit);
            v->aqi_series[i] = a >= 0 ? (double)a : NAN;
        }
        v->aqi_n = n;
    }
    /* The highest gauge (level, then value) and the deepest flood point. */
    size_t n = sensor_table_count(t);
    for (size_t i = 0; i < n; i++) {
        const struct sensor *s = sensor_table_at(t, i);
        if (ctx->scope && !str_eq(s->unit_code, ctx->scope))
            continue;
        if (s->kind == SK_WATER_LEVEL && isfinite(s->value) &&
            (s->level > v->gauge_level ||
             (s->level == v->gauge_level && !(s->value <= v->gauge_value)))) {
            v->gauge_level = s->level;
            v->gauge_value = s->value;
            fmt_text(sensor_words_station(s), v->gauge_name, sizeof v->gauge_name);
            fmt_text(s->unit ? s->unit : "", v->gauge_unit, sizeof v->gauge_unit);
        } else if (s->kind == SK_FLOOD_DEPTH) {
            double cm = flood_depth_cm(s->value, s->unit);
            if (isfinite(cm) && !(cm <= v->depth_cm)) {
                v->depth_cm = cm;
                fmt_text(sensor_words_station(s), v->depth_name, sizeof v->depth_name);
            }
        }
    }
}

static void recalc_indicators(struct overview_view *v, const struct view_ctx *ctx)
{
    const struct indicator_store *s = ctx->store->indicators;
    const char *period = period_latest(s);
    memset(&v->tally, 0, sizeof v->tally);
    fmt_text(period ? period : "", v->period, sizeof v->period);
    if (!period)
        return;
    if (ctx->scope) {
        indicator_store_tally(s, ctx->scope, period, &v->tally);
        return;
    }
    /* The province: every commune's cells, not the province's own row (no double count). */
    const char *province = unit_table_province_code(ctx->store->units);
    for (size_t i = 0; i < indicator_store_unit_count(s); i++) {
        const char *unit = indicator_store_unit_at(s, i);
        struct indicator_tally t;
        if (str_eq(unit, province) || !indicator_store_tally(s, unit, period, &t))
            continue;
        v->tally.met += t.met;
        v->tally.not_met += t.not_met;
        v->tally.no_plan += t.no_plan;
        v->tally.not_reported += t.not_reported;
    }
}

/* Active events (not silenced) of the scope, most severe first as the engine orders them. */
static void refresh_alerts(struct overview_view *v, const struct view_ctx *ctx)
{
    v->alerts_on = ctx->alerts != NULL;
    v->a_active = v->a_critical = v->a_unacked = v->ntop = 0;
    v->alerts_fresh = true;
    if (!ctx->alerts)
        return;
    v->alerts_gen = alerts_generation(ctx->alerts);
    size_t n = alerts_count(ctx->alerts);
    for (size_t i = 0; i < n; i++) {
        const struct alert_event *e = alerts_at(ctx->alerts, i);
        if (!e || e->end != TIME_NONE || e->silenced)
            continue;
        if (ctx->scope && !str_eq(e->unit_code, ctx->scope))
            continue;
        v->a_active++;
        v->a_critical += e->severity == ALERT_CRITICAL;
        v->a_unacked += e->severity == ALERT_CRITICAL && !e->acked;
        if (v->ntop == TOP_ALERTS)
            continue;
        struct alert_line *l = &v->top[v->ntop++];
        l->severity = e->severity;
        l->acked = e->acked;
        l->start = e->start;
        fmt_text(e->unit_name ? e->unit_name : e->unit_code, l->unit, sizeof l->unit);
        fmt_text(e->message, l->message, sizeof l->message);
    }
}

static void overview_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct overview_view *v = (struct overview_view *)base;
    recalc_place(v, ctx);
    recalc_dossiers(v, ctx);
    recalc_complaints(v, ctx);
    recalc_sensors(v, ctx);
    recalc_indicators(v, ctx);
    refresh_alerts(v, ctx);
}

/* ---- draw ------------------------------------------------------------------------------- */

static struct line line_at(WINDOW *w, struct rect r, int i)
{
    return (struct line){w, r.y + i, r.x + 1, r.x + r.w - 1};
}

static void no_data(WINDOW *w, struct rect r, const char *what)
{
    if (r.h > 0)
        panel_text(w, r.y, r.x + 1, r.w - 2, what, TH_DIM);
}

static void draw_days(struct line *l, const char *label, const double *days, bool ascii)
{
    double sum = 0;
    for (int i = 0; i < DAYS; i++)
        sum += days[i];
    seg(l, label, TH_NORMAL);
    if (l->end - l->x >= DAYS) {
        spark_draw(l->w, l->y, l->x, days, DAYS, DAYS, ascii, TH_TITLE);
        l->x += DAYS + 1;
    }
    char t[64], num[32];
    fmt_decimal(sum / DAYS, sum / DAYS < 10 ? 1 : 0, num, sizeof num);
    snprintf(t, sizeof t, "tb %s/ngày", num);
    seg(l, t, TH_DIM);
}

static void draw_dossiers(struct overview_view *v, WINDOW *w, struct rect r, bool ascii)
{
    if (!v->d_any) {
        no_data(w, r, "Chưa có dữ liệu hồ sơ.");
        return;
    }
    char a[32], b[32];
    for (int i = 0; i < r.h; i++) {
        struct line l = line_at(w, r, i);
        switch (i) {
        case 0:
            seg(&l, "Hôm nay: ", TH_DIM);
            seg_count(&l, "tiếp nhận", v->d_recv_today, TH_NORMAL);
            seg_count(&l, " · giải quyết", v->d_fin_today, TH_NORMAL);
            break;
        case 1:
            seg_count(&l, "Đang giải quyết", v->d_open, TH_NORMAL);
            seg_count(&l, " · quá hạn", v->d_overdue, TH_BAD);
            seg_count(&l, " · sắp đến hạn", v->d_due_soon, TH_WARN);
            break;
        case 2:
            fmt_pct(v->d_on_time_rate, a, sizeof a);
            fmt_pct(v->d_online_rate, b, sizeof b);
            seg(&l, "Đúng hạn ", TH_NORMAL);
            seg(&l, a,
                v->d_on_time_rate < 0       ? TH_DIM
                : v->d_on_time_rate >= 0.98 ? TH_OK
                : v->d_on_time_rate >= 0.95 ? TH_WARN
                                            : TH_BAD);
            seg(&l, " · trực tuyến ", TH_NORMAL);
            seg(&l, b, v->d_online_rate < 0 ? TH_DIM : TH_NORMAL);
            break;
        case 3:
            draw_days(&l, "Tiếp nhận 14 ngày ", v->d_days, ascii);
            break;
        case 4:
            seg_count(&l, "Đã xong", v->d_finished, TH_NORMAL);
            seg_count(&l, ": trước hạn", v->d_early, TH_NORMAL);
            seg_count(&l, " · đúng hạn", v->d_on_time, TH_NORMAL);
            seg_count(&l, " · trễ hạn", v->d_late, TH_BAD);
            break;
        case 5:
            seg_count(&l, "Tạm dừng (bổ sung, nghĩa vụ tài chính)", v->d_paused, TH_NORMAL);
            break;
        default:
            return;
        }
    }
}

static void draw_complaints(struct overview_view *v, WINDOW *w, struct rect r, bool ascii)
{
    if (!v->c_any) {
        no_data(w, r, "Chưa có dữ liệu phản ánh.");
        return;
    }
    char a[32], t[160];
    for (int i = 0; i < r.h; i++) {
        struct line l = line_at(w, r, i);
        switch (i) {
        case 0:
            seg(&l, "Hôm nay: ", TH_DIM);
            seg_count(&l, "mới", v->c_new_today, TH_NORMAL);
            seg_count(&l, " · đang mở", v->c_open, TH_NORMAL);
            break;
        case 1:
            seg_count(&l, "Quá hạn", v->c_overdue, TH_BAD);
            seg_count(&l, " · khẩn chưa tiếp nhận", v->c_urgent_unaccepted, TH_CRIT);
            seg_count(&l, " · sắp đến hạn", v->c_due_soon, TH_WARN);
            break;
        case 2:
            fmt_pct(v->c_satisfaction, a, sizeof a);
            seg(&l, "Hài lòng ", TH_NORMAL);
            seg(&l, a, v->c_satisfaction < 0 ? TH_DIM : TH_NORMAL);
            fmt_count(v->c_rated, a, sizeof a);
            snprintf(t, sizeof t, " (%s đánh giá)", a);
            seg(&l, t, TH_DIM);
            break;
        case 3:
            draw_days(&l, "Mới 14 ngày ", v->c_days, ascii);
            break;
        case 4:
            if (!v->c_ntop)
                break;
            seg(&l, "Nhiều nhất: ", TH_DIM);
            for (size_t k = 0; k < v->c_ntop; k++) {
                fmt_count(v->c_top[k].n, a, sizeof a);
                snprintf(t, sizeof t, "%s%s %s", k ? " · " : "", v->c_top[k].name, a);
                seg(&l, t, TH_NORMAL);
            }
            break;
        default:
            return;
        }
    }
}

static void draw_sensors(struct overview_view *v, WINDOW *w, struct rect r, bool ascii)
{
    if (!v->s_any) {
        no_data(w, r, "Chưa có dữ liệu cảm biến.");
        return;
    }
    char a[64], t[320];
    for (int i = 0; i < r.h; i++) {
        struct line l = line_at(w, r, i);
        switch (i) {
        case 0: {
            if (v->aqi < 0) {
                seg(&l, "AQI: chưa có trạm đo", TH_DIM);
                break;
            }
            enum aqi_band band = aqi_band(v->aqi);
            /* The trend on the right when the line has room for it. */
            int spark_w = v->aqi_n > 1 && l.end - l.x >= 50 ? 16 : 0;
            if (spark_w) {
                spark_draw(w, l.y, l.end - spark_w, v->aqi_series, v->aqi_n, spark_w, ascii,
                           band_role(band));
                l.end -= spark_w + 1;
            }
            seg(&l, "AQI cao nhất ", TH_NORMAL);
            snprintf(t, sizeof t, "%d %s", v->aqi, aqi_band_label(band));
            seg(&l, t, band_role(band));
            snprintf(t, sizeof t, " · %s", v->aqi_station);
            seg(&l, t, TH_NORMAL);
            break;
        }
        case 1:
            seg_count(&l, "Sông: trạm", v->gauges, TH_NORMAL);
            seg_count(&l, " · BĐ I", v->gauges_over[0], TH_WARN);
            seg_count(&l, " · BĐ II", v->gauges_over[1], TH_BAD);
            seg_count(&l, " · BĐ III", v->gauges_over[2], TH_CRIT);
            break;
        case 2:
            seg_count(&l, "Ngập: điểm", v->depths, TH_NORMAL);
            seg_count(&l, ascii ? " · >=10 cm" : " · ≥10 cm", v->depth_over[0], TH_WARN);
            seg_count(&l, ascii ? " · >=20" : " · ≥20", v->depth_over[1], TH_BAD);
            seg_count(&l, ascii ? " · >=30" : " · ≥30", v->depth_over[2], TH_CRIT);
            break;
        case 3:
            fmt_count(v->cameras_offline, a, sizeof a);
            seg(&l, "Camera mất tín hiệu ", TH_NORMAL);
            seg(&l, a, v->cameras_offline ? TH_WARN : TH_NORMAL);
            fmt_count(v->cameras, a, sizeof a);
            snprintf(t, sizeof t, "/%s", a);
            seg(&l, t, TH_NORMAL);
            break;
        case 4:
            if (v->gauge_level == FLOOD_UNKNOWN && !v->gauge_name[0])
                break;
            fmt_decimal(v->gauge_value, 2, a, sizeof a);
            snprintf(t, sizeof t, "Mực nước cao nhất: %s %s %s ", v->gauge_name, a, v->gauge_unit);
            seg(&l, t, TH_NORMAL);
            seg(&l,
                v->gauge_level == FLOOD_UNKNOWN ? "(chưa có mức BĐ)"
                                                : flood_level_label(v->gauge_level),
                level_role(v->gauge_level));
            break;
        case 5:
            if (isnan(v->depth_cm))
                break;
            fmt_decimal(v->depth_cm, 0, a, sizeof a);
            snprintf(t, sizeof t, "Ngập sâu nhất: %s %s cm", v->depth_name, a);
            seg(&l, t, v->depth_cm >= 30 ? TH_CRIT : v->depth_cm >= 10 ? TH_WARN : TH_NORMAL);
            break;
        default:
            return;
        }
    }
}

static void draw_alerts(struct overview_view *v, const struct view_ctx *ctx, WINDOW *w,
                        struct rect r)
{
    if (!v->alerts_on) {
        no_data(w, r, "Cảnh báo đang tắt (chưa bật bộ cảnh báo).");
        return;
    }
    if (r.h <= 0)
        return;
    struct line l = line_at(w, r, 0);
    seg_count(&l, "Đang có", v->a_active, v->a_critical ? TH_CRIT : TH_WARN);
    seg_count(&l, " · nghiêm trọng", v->a_critical, TH_CRIT);
    seg_count(&l, " · chưa xác nhận", v->a_unacked, TH_CRIT);
    if (!v->ntop && r.h > 1) {
        panel_text(w, r.y + 1, r.x + 1, r.w - 2, "Không có cảnh báo đang hoạt động.", TH_OK);
        return;
    }
    char age[32], t[400];
    for (size_t i = 0; i < v->ntop && (int)i + 1 < r.h; i++) {
        const struct alert_line *a = &v->top[i];
        l = line_at(w, r, (int)i + 1);
        bool crit = a->severity == ALERT_CRITICAL;
        seg(&l, crit ? "Nghiêm trọng " : "Cảnh báo ", crit ? TH_CRIT : TH_WARN);
        clock_format_age(ctx->now - a->start, age, sizeof age);
        /* The rules' messages usually name the unit already. */
        if (ctx->scope || !a->unit[0] || strstr(a->message, a->unit))
            snprintf(t, sizeof t, "%s %s", age, a->message);
        else
            snprintf(t, sizeof t, "%s %s: %s", age, a->unit, a->message);
        seg(&l, t, TH_NORMAL);
    }
}

static void draw_indicators(struct overview_view *v, WINDOW *w, struct rect r, bool ascii)
{
    const struct indicator_tally *t = &v->tally;
    size_t planned = t->met + t->not_met + t->not_reported;
    if (!v->period[0] || planned + t->no_plan == 0) {
        no_data(w, r, "Chưa có chỉ tiêu được báo cáo.");
        return;
    }
    char a[64];
    for (int i = 0; i < r.h; i++) {
        struct line l = line_at(w, r, i);
        switch (i) {
        case 0:
            snprintf(a, sizeof a, "Kỳ %s: ", v->period);
            seg(&l, a, TH_DIM);
            seg_count(&l, "đạt", t->met, TH_OK);
            seg_count(&l, " · chưa đạt", t->not_met, TH_BAD);
            seg_count(&l, " · chưa báo cáo", t->not_reported, TH_WARN);
            break;
        case 1: {
            double f = planned ? (double)t->met / (double)planned : 0;
            int bw = l.end - l.x - 12;
            if (bw > 40)
                bw = 40;
            if (bw < 4)
                break;
            seg(&l, "[", TH_DIM);
            bar_draw(w, l.y, l.x, f, bw, ascii, TH_OK);
            l.x += bw;
            fmt_pct(planned ? f : -1, a, sizeof a);
            seg(&l, "] ", TH_DIM);
            seg(&l, a, TH_NORMAL);
            seg(&l, " đạt", TH_NORMAL);
            break;
        }
        case 2:
            if (t->no_plan)
                seg_count(&l, "Có số liệu nhưng chưa giao kế hoạch", t->no_plan, TH_NORMAL);
            break;
        default:
            return;
        }
    }
}

static void draw_tile(struct overview_view *v, const struct view_ctx *ctx, WINDOW *w, struct rect r,
                      enum tile k)
{
    char title[64];
    bool sel = v->sel == (int)k;
    bool ascii = text_ascii() != 0;
    snprintf(title, sizeof title, "%s%s", sel ? (ascii ? "> " : "▶ ") : "", tiles[k].title);
    struct rect body = panel_draw_title(w, r, title, ctx, tiles[k].feed);
    if (sel) { /* the selection is the marker and the highlight, never the colour alone */
        char t[80];
        snprintf(t, sizeof t, " %s ", title);
        panel_text(w, r.y, r.x + 1, r.w - 2, t, TH_SELECTED);
    }
    switch (k) {
    case T_DOSSIERS:
        draw_dossiers(v, w, body, ascii);
        break;
    case T_COMPLAINTS:
        draw_complaints(v, w, body, ascii);
        break;
    case T_SENSORS:
        draw_sensors(v, w, body, ascii);
        break;
    case T_ALERTS:
        draw_alerts(v, ctx, w, body);
        break;
    case T_INDICATORS:
        draw_indicators(v, w, body, ascii);
        break;
    case T_COUNT:
        break;
    }
}

static void draw_header(struct overview_view *v, const struct view_ctx *ctx, WINDOW *w,
                        struct rect r)
{
    char num[32], t[256];
    struct line l = {w, r.y, r.x + 1, r.x + r.w - 1};
    const char *hint = text_ascii() ? "phím mũi tên chọn ô · Enter mở danh sách"
                                    : "←↑↓→ chọn ô · Enter mở danh sách";
    int hw = text_width(hint);
    seg(&l, v->place, TH_TITLE);
    if (!ctx->scope && v->nunits) {
        fmt_count(v->nunits, num, sizeof num);
        snprintf(t, sizeof t, " · %s xã/phường", num);
        seg(&l, t, TH_NORMAL);
    }
    if (ctx->scope) {
        snprintf(t, sizeof t, " · mã %s", ctx->scope);
        seg(&l, t, TH_DIM);
    }
    if (v->population >= 0) {
        fmt_count((size_t)v->population, num, sizeof num);
        snprintf(t, sizeof t, " · %s dân", num);
        seg(&l, t, TH_NORMAL);
    }
    if (l.end - l.x > hw + 2)
        panel_text(w, r.y, l.end - hw, hw, hint, TH_DIM);
}

/* Tiles in display order, row by row; each grid row is one panel for layout_stack, so the
 * least important rows fold first on a short terminal. */
static const enum tile order[T_COUNT] = {T_DOSSIERS, T_COMPLAINTS, T_SENSORS, T_ALERTS,
                                         T_INDICATORS};

/* A tile's wish; "alerts are off" is one line and the first thing to fold. */
static struct panel_req tile_req(const struct view_ctx *ctx, enum tile k)
{
    const struct tile_info *ti = &tiles[k];
    if (k == T_ALERTS && !ctx->alerts)
        return (struct panel_req){2, 0, 2, 5};
    return (struct panel_req){ti->min_h, 0, ti->want_h, ti->priority};
}

static void overview_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct overview_view *v = (struct overview_view *)base;
    if (r.h <= 0 || r.w <= 0)
        return;
    if (ctx->alerts && (!v->alerts_fresh || alerts_generation(ctx->alerts) != v->alerts_gen))
        refresh_alerts(v, ctx);
    draw_header(v, ctx, w, r);
    struct rect area = {r.y + 1, r.x, r.h - 1, r.w};
    int ncols = layout_columns(r.w, TILE_MIN_W, 3);
    int nrows = (T_COUNT + ncols - 1) / ncols;
    struct panel_req req[T_COUNT];
    struct rect out[T_COUNT];
    for (int row = 0; row < nrows; row++) {
        bool rest = false; /* a tile of the row wants all that is left */
        req[row] = (struct panel_req){0, 0, 0, 0};
        for (int c = 0; c < ncols && row * ncols + c < T_COUNT; c++) {
            struct panel_req t = tile_req(ctx, order[row * ncols + c]);
            req[row].min_h = t.min_h > req[row].min_h ? t.min_h : req[row].min_h;
            req[row].want_h = t.want_h > req[row].want_h ? t.want_h : req[row].want_h;
            req[row].priority = t.priority > req[row].priority ? t.priority : req[row].priority;
            rest |= t.want_h == 0;
        }
        if (rest)
            req[row].want_h = 0;
    }
    layout_stack(req, (size_t)nrows, area, out);
    int tw = (r.w - (ncols - 1)) / ncols;
    v->ncols = ncols;
    for (int i = 0; i < T_COUNT; i++)
        v->shown[order[i]] = out[i / ncols].h > 0;
    /* A selected tile that folded away hands the selection to the first one shown. */
    for (int i = 0; i < T_COUNT && !v->shown[v->sel]; i++)
        if (v->shown[order[i]])
            v->sel = (int)order[i];
    for (int row = 0; row < nrows; row++) {
        if (out[row].h <= 0)
            continue;
        for (int c = 0; c < ncols && row * ncols + c < T_COUNT; c++) {
            struct rect tr = {out[row].y, r.x + c * (tw + 1), out[row].h, tw};
            if (c == ncols - 1)
                tr.w = r.x + r.w - tr.x;
            draw_tile(v, ctx, w, tr, order[row * ncols + c]);
        }
    }
}

/* ---- actions ---------------------------------------------------------------------------- */

static int position_of(enum tile k)
{
    for (int i = 0; i < T_COUNT; i++)
        if (order[i] == k)
            return i;
    return 0;
}

/* Moves the selection by step positions in display order, onto a shown tile. */
static bool move_selection(struct overview_view *v, int step)
{
    int pos = position_of((enum tile)v->sel) + step;
    if (pos < 0 || pos >= T_COUNT)
        return true; /* at the edge: handled, nothing moves */
    if (!v->shown[order[pos]]) {
        bool any = false;
        for (int i = 0; i < T_COUNT; i++)
            any |= v->shown[i];
        if (any)
            return true;
    }
    v->sel = (int)order[pos];
    return true;
}

/* Whether the tile's list preset (overdue, alarms, not met) would show anything: if not,
 * Enter opens the whole list rather than an empty one. */
static bool tile_has_problem(const struct overview_view *v, enum tile k)
{
    switch (k) {
    case T_DOSSIERS:
        return v->d_overdue > 0;
    case T_COMPLAINTS:
        return v->c_overdue > 0;
    case T_SENSORS:
        return aqi_band(v->aqi) >= AQI_BAND_POOR || v->gauges_over[0] || v->depth_over[0] ||
               v->cameras_offline;
    case T_INDICATORS:
        return v->tally.not_met > 0;
    default:
        return true;
    }
}

static bool overview_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                               struct nav_request *req)
{
    struct overview_view *v = (struct overview_view *)base;
    int cols = v->ncols > 0 ? v->ncols : 1;
    (void)ctx;
    switch (a) {
    case ACT_LEFT:
        return move_selection(v, -1);
    case ACT_RIGHT:
        return move_selection(v, 1);
    case ACT_UP:
        return move_selection(v, -cols);
    case ACT_DOWN:
        return move_selection(v, cols);
    case ACT_HOME:
        v->sel = order[0];
        return true;
    case ACT_ENTER: {
        const struct tile_info *ti = &tiles[v->sel];
        str_copy(req->view, ti->view, sizeof req->view);
        if (ti->arg && tile_has_problem(v, (enum tile)v->sel))
            str_copy(req->arg, ti->arg, sizeof req->arg);
        return true;
    }
    default:
        return false;
    }
}

static struct view *overview_create(void)
{
    struct overview_view *v = xcalloc(1, sizeof *v);
    v->sel = T_DOSSIERS;
    v->ncols = 1;
    v->aqi = -1;
    return &v->base;
}

static void overview_destroy(struct view *base)
{
    free(base);
}

/* section \t key \t value, one fact a line, plain numbers (rates in percent with a dot, ""
 * for none): what a cron job greps. */
static void put_kv(FILE *out, const char *section, const char *key, const char *value)
{
    fprintf(out, "%s\t%s\t%s\n", section, key, value ? value : "");
}

static void put_num(FILE *out, const char *section, const char *key, size_t v)
{
    fprintf(out, "%s\t%s\t%zu\n", section, key, v);
}

static void put_rate(FILE *out, const char *section, const char *key, double rate)
{
    char pct[32];
    fmt_pct_plain(rate, pct, sizeof pct);
    put_kv(out, section, key, pct);
}

static void overview_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct overview_view *v = (struct overview_view *)base;
    if (ctx->alerts && alerts_generation(ctx->alerts) != v->alerts_gen)
        refresh_alerts(v, ctx);
    put_kv(out, "scope", "code", ctx->scope ? ctx->scope : "");
    put_kv(out, "scope", "name", v->place);
    put_num(out, "dossiers", "received_today", v->d_recv_today);
    put_num(out, "dossiers", "finished_today", v->d_fin_today);
    put_num(out, "dossiers", "open", v->d_open);
    put_num(out, "dossiers", "overdue", v->d_overdue);
    put_num(out, "dossiers", "due_soon", v->d_due_soon);
    put_rate(out, "dossiers", "on_time_pct", v->d_on_time_rate);
    put_rate(out, "dossiers", "online_pct", v->d_online_rate);
    put_num(out, "complaints", "new_today", v->c_new_today);
    put_num(out, "complaints", "open", v->c_open);
    put_num(out, "complaints", "overdue", v->c_overdue);
    put_num(out, "complaints", "urgent_unaccepted", v->c_urgent_unaccepted);
    put_rate(out, "complaints", "satisfaction_pct", v->c_satisfaction);
    if (v->aqi >= 0) {
        fprintf(out, "sensors\tworst_aqi\t%d\n", v->aqi);
        put_kv(out, "sensors", "worst_aqi_band", aqi_band_label(aqi_band(v->aqi)));
        put_kv(out, "sensors", "worst_aqi_station", v->aqi_station);
    } else {
        put_kv(out, "sensors", "worst_aqi", "");
    }
    put_num(out, "sensors", "gauges", v->gauges);
    put_num(out, "sensors", "gauges_bd1", v->gauges_over[0]);
    put_num(out, "sensors", "gauges_bd2", v->gauges_over[1]);
    put_num(out, "sensors", "gauges_bd3", v->gauges_over[2]);
    put_num(out, "sensors", "flood_points", v->depths);
    put_num(out, "sensors", "flood_10cm", v->depth_over[0]);
    put_num(out, "sensors", "flood_20cm", v->depth_over[1]);
    put_num(out, "sensors", "flood_30cm", v->depth_over[2]);
    put_num(out, "sensors", "cameras", v->cameras);
    put_num(out, "sensors", "cameras_offline", v->cameras_offline);
    put_kv(out, "indicators", "period", v->period);
    put_num(out, "indicators", "met", v->tally.met);
    put_num(out, "indicators", "not_met", v->tally.not_met);
    put_num(out, "indicators", "not_reported", v->tally.not_reported);
    put_num(out, "indicators", "no_plan", v->tally.no_plan);
    if (!v->alerts_on) {
        put_kv(out, "alerts", "active", "");
        return;
    }
    put_num(out, "alerts", "active", v->a_active);
    put_num(out, "alerts", "critical", v->a_critical);
    for (size_t i = 0; i < v->ntop; i++)
        fprintf(out, "alert\t%s\t%s\t%s\n", alert_severity_code(v->top[i].severity), v->top[i].unit,
                v->top[i].message);
}

const struct view_ops overview_view_ops = {
    .name = "overview",
    .title = "Tổng quan",
    .feed = NULL,
    .presets = NULL,
    .create = overview_create,
    .destroy = overview_destroy,
    .recalc = overview_recalc,
    .draw = overview_draw,
    .on_action = overview_on_action,
    .export = overview_export,
};
