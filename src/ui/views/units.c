/* Xếp hạng xã/phường: every commune, ward and special zone of the province in one table, worst
 * first, with the "đứng đầu / đứng cuối bảng" names leaders ask for above it (domain-vn §6.2).
 *
 * Every number comes from the per-unit aggregates the model keeps (dossier, complaint and
 * sensor stats, the indicator tally), looked up once per unit in recalc: 3,321 units times a
 * scan of 100,000 records would not fit a frame. The one pass here is over the sensors, to
 * count air-quality stations at Kém or worse (the stats keep only the worst index). */
#include <stdlib.h>
#include <string.h>

#include "citydeck/fmt.h"
#include "citydeck/indicators.h"
#include "citydeck/list.h"
#include "citydeck/listview.h"
#include "citydeck/panel.h"
#include "citydeck/period.h"
#include "citydeck/store.h"
#include "citydeck/strmap.h"
#include "citydeck/text.h"
#include "citydeck/unit_rank.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

enum col {
    C_NAME,
    C_CODE,
    C_DOS_OVERDUE,
    C_ON_TIME,
    C_ONLINE,
    C_CPL_OPEN,
    C_CPL_OVERDUE,
    C_ALARMS,
    C_IND,
    C_COUNT
};

static const struct table_column columns[] = {
    [C_NAME] = {"Xã/phường", 18, 1, false, 0, false},
    [C_CODE] = {"Mã", 5, 0, false, 130, false},
    [C_DOS_OVERDUE] = {"HS quá hạn", 11, 0, true, 0, false},
    [C_ON_TIME] = {"Đúng hạn", 9, 0, true, 0, false},
    [C_ONLINE] = {"Trực tuyến", 11, 0, true, 0, false},
    [C_CPL_OPEN] = {"PA mở", 6, 0, true, 0, false},
    [C_CPL_OVERDUE] = {"PA quá hạn", 11, 0, true, 0, false},
    [C_ALARMS] = {"Báo động", 9, 0, true, 96, false},
    [C_IND] = {"Chỉ tiêu", 9, 0, true, 108, false},
};

/* Machine names of the columns for export (scripts read these, not the Vietnamese titles). */
static const char *const export_names[] = {
    [C_NAME] = "name",
    [C_CODE] = "code",
    [C_DOS_OVERDUE] = "dossiers_overdue",
    [C_ON_TIME] = "on_time_pct",
    [C_ONLINE] = "online_pct",
    [C_CPL_OPEN] = "complaints_open",
    [C_CPL_OVERDUE] = "complaints_overdue",
    [C_ALARMS] = "sensor_alarms",
    [C_IND] = "indicators_met",
};

static const char *const presets[] = {"worst", "wards", "communes", NULL};
static const char *const preset_words[] = {"có quá hạn", "phường", "xã"};

#define NAME_MAX_BYTES 96
#define SUMMARY_N 3

struct unit_row {
    char code[64];
    char name[NAME_MAX_BYTES];
    char sort_key[NAME_MAX_BYTES]; /* the name without its type word, folded: "cam thanh" */
    enum unit_type type;
    bool has_dossiers, has_complaints, has_sensors;
    size_t d_overdue;
    double on_time, online; /* [0, 1], -1 = nothing counted */
    size_t c_open, c_overdue;
    size_t alarms;
    size_t ind_met, ind_planned; /* ind_planned 0 = no indicator in the latest period */
    size_t rank;                 /* 1 = worst of the province */
};

struct units_view {
    struct view base;
    struct list list;
    struct unit_row *rows;
    size_t nrows, cap;
    char period[32]; /* the latest indicator period, "" = none */
    size_t with_d_overdue, with_c_overdue, with_alarms;
    size_t worst[SUMMARY_N], best[SUMMARY_N]; /* rows by on-time rate */
    size_t nworst, nbest;
    size_t scoped; /* the scope's row, (size_t)-1 when not scoped or unknown */
};

/* ---- rows -------------------------------------------------------------------------------- */

static struct unit_row *push_row(struct units_view *v, const char *code)
{
    v->rows = xgrow(v->rows, &v->cap, v->nrows + 1, sizeof *v->rows);
    struct unit_row *r = &v->rows[v->nrows++];
    memset(r, 0, sizeof *r);
    fmt_text(code, r->code, sizeof r->code);
    r->on_time = r->online = -1;
    return r;
}

static void add_code_once(struct units_view *v, struct strmap *seen, const char *code)
{
    if (!code || strmap_get(seen, code) != STRMAP_NONE)
        return;
    strmap_put(seen, code, 0); /* keys borrowed from the store for this recalc only */
    push_row(v, code);
}

/* The communes and wards of the unit list; without one yet, the codes the records name. */
static void collect_units(struct units_view *v, const struct store *s)
{
    v->nrows = 0;
    size_t n = unit_table_leaves(s->units, NULL, 0);
    if (n > 0) {
        const struct unit **leaves = xmalloc(n * sizeof *leaves);
        unit_table_leaves(s->units, leaves, n);
        for (size_t i = 0; i < n; i++) {
            struct unit_row *r = push_row(v, leaves[i]->code);
            r->type = leaves[i]->type;
            const struct unit *u = leaves[i];
            char *f = text_fold(u->name ? u->name : u->full_name ? u->full_name : u->code);
            fmt_text(f, r->sort_key, sizeof r->sort_key);
            free(f);
            if (u->full_name) {
                fmt_text(u->full_name, r->name, sizeof r->name);
            } else {
                char *full =
                    xasprintf("%s %s", unit_type_label(r->type), u->name ? u->name : u->code);
                fmt_text(full, r->name, sizeof r->name);
                free(full);
            }
        }
        free(leaves);
        return;
    }
    struct strmap seen = {0};
    for (size_t i = 0; i < dossier_table_unit_count(s->dossiers); i++)
        add_code_once(v, &seen, dossier_table_unit_code(s->dossiers, i));
    for (size_t i = 0; i < complaint_table_unit_count(s->complaints); i++)
        add_code_once(v, &seen, complaint_table_unit_code(s->complaints, i));
    for (size_t i = 0; i < sensor_table_unit_count(s->sensors); i++)
        add_code_once(v, &seen, sensor_table_unit_code(s->sensors, i));
    strmap_free(&seen);
    for (size_t i = 0; i < v->nrows; i++) {
        struct unit_row *r = &v->rows[i];
        fmt_text(unit_table_name(s->units, r->code), r->name, sizeof r->name);
        char *f = text_fold(r->name);
        fmt_text(f, r->sort_key, sizeof r->sort_key);
        free(f);
    }
}

/* Air-quality stations at Kém (AQI 101) or worse, once per station, added to each unit's
 * alarms: one pass over the sensors. */
static void count_air_alarms(struct units_view *v, const struct sensor_table *t,
                             const struct strmap *by_code)
{
    struct strmap stations = {0};
    size_t n = sensor_table_count(t);
    for (size_t i = 0; i < n; i++) {
        const struct sensor *s = sensor_table_at(t, i);
        if (s->kind != SK_AIR_QUALITY || aqi_band(s->aqi) < AQI_BAND_POOR || !s->unit_code)
            continue;
        size_t row = strmap_get(by_code, s->unit_code);
        if (row == STRMAP_NONE)
            continue;
        const char *station = s->station && *s->station ? s->station : s->id;
        if (strmap_get(&stations, station) != STRMAP_NONE)
            continue;
        strmap_put(&stations, station, row);
        v->rows[row].alarms++;
    }
    strmap_free(&stations);
}

static void fill_row(struct unit_row *r, const struct store *s, const char *period)
{
    const struct dossier_stats *ds = dossier_table_unit_stats(s->dossiers, r->code);
    if (ds && ds->dossiers > 0) {
        r->has_dossiers = true;
        r->d_overdue = ds->overdue;
        r->on_time = dossier_stats_on_time_rate(ds);
        r->online = dossier_stats_online_rate(ds);
    }
    const struct complaint_stats *cs = complaint_table_unit_stats(s->complaints, r->code);
    if (cs && cs->complaints > 0) {
        r->has_complaints = true;
        r->c_open = cs->open;
        r->c_overdue = cs->overdue;
    }
    const struct sensor_stats *ss = sensor_table_unit(s->sensors, r->code);
    if (ss && ss->n > 0) {
        r->has_sensors = true;
        r->alarms += ss->gauges_over[0] + ss->depth_over[0] + ss->cameras_offline;
    }
    struct indicator_tally t;
    if (period && indicator_store_tally(s->indicators, r->code, period, &t)) {
        r->ind_met = t.met;
        r->ind_planned = t.met + t.not_met + t.not_reported;
    }
}

/* Worst first, as unit_rank_cmp orders units. */
static int worst_first(const struct unit_row *x, const struct unit_row *y)
{
    struct unit_rank kx = {x->code, x->d_overdue, x->c_overdue, x->on_time};
    struct unit_rank ky = {y->code, y->d_overdue, y->c_overdue, y->on_time};
    return unit_rank_cmp(&kx, &ky);
}

/* qsort has no context argument: the rows being ranked are set around the call (loop
 * thread only), as the list does. */
static const struct unit_row *ranking;

static int cmp_worst(const void *a, const void *b)
{
    return worst_first(&ranking[*(const size_t *)a], &ranking[*(const size_t *)b]);
}

static int cmp_on_time(const void *a, const void *b)
{
    const struct unit_row *x = &ranking[*(const size_t *)a], *y = &ranking[*(const size_t *)b];
    if (x->on_time != y->on_time)
        return x->on_time < y->on_time ? -1 : 1;
    return strcmp(x->code, y->code);
}

/* Ranks every row and picks the three lowest and highest on-time rates. */
static void rank_rows(struct units_view *v)
{
    size_t *order = xmalloc((v->nrows ? v->nrows : 1) * sizeof *order);
    for (size_t i = 0; i < v->nrows; i++)
        order[i] = i;
    ranking = v->rows;
    qsort(order, v->nrows, sizeof *order, cmp_worst);
    for (size_t i = 0; i < v->nrows; i++)
        v->rows[order[i]].rank = i + 1;
    size_t rated = 0;
    for (size_t i = 0; i < v->nrows; i++)
        if (v->rows[i].on_time >= 0)
            order[rated++] = i;
    qsort(order, rated, sizeof *order, cmp_on_time);
    ranking = NULL;
    /* With few rated units they split, so no name is both among the worst and the best. */
    v->nworst = (rated + 1) / 2 < SUMMARY_N ? (rated + 1) / 2 : SUMMARY_N;
    v->nbest = rated - v->nworst < SUMMARY_N ? rated - v->nworst : SUMMARY_N;
    for (size_t i = 0; i < v->nworst; i++)
        v->worst[i] = order[i];
    for (size_t i = 0; i < v->nbest; i++)
        v->best[i] = order[rated - 1 - i];
    free(order);
}

/* ---- the list ---------------------------------------------------------------------------- */

static enum theme_role rate_role(double rate, double good, double warn, double bad)
{
    if (rate < 0)
        return TH_DIM;
    return rate >= good ? TH_OK : rate >= warn ? TH_NORMAL : rate >= bad ? TH_WARN : TH_BAD;
}

static enum theme_role cell_text(const struct unit_row *r, int col, char *buf, size_t n)
{
    buf[0] = '\0';
    switch ((enum col)col) {
    case C_NAME:
        str_copy(buf, r->name, n);
        return TH_NORMAL;
    case C_CODE:
        str_copy(buf, r->code, n);
        return TH_DIM;
    case C_DOS_OVERDUE:
        if (!r->has_dossiers) {
            str_copy(buf, "–", n);
            return TH_DIM;
        }
        fmt_count(r->d_overdue, buf, n);
        return r->d_overdue ? TH_BAD : TH_NORMAL;
    case C_ON_TIME:
        fmt_pct(r->on_time, buf, n);
        /* 766 snapshots: target ≥ 98 %; provinces report 97-99.5 %. */
        return rate_role(r->on_time, 0.98, 0.95, 0.90);
    case C_ONLINE:
        fmt_pct(r->online, buf, n);
        /* 766 indicator 3.3: full points from 50 % online. */
        return rate_role(r->online, 0.5, 0.3, 0.15);
    case C_CPL_OPEN:
        if (!r->has_complaints) {
            str_copy(buf, "–", n);
            return TH_DIM;
        }
        fmt_count(r->c_open, buf, n);
        return TH_NORMAL;
    case C_CPL_OVERDUE:
        if (!r->has_complaints) {
            str_copy(buf, "–", n);
            return TH_DIM;
        }
        fmt_count(r->c_overdue, buf, n);
        return r->c_overdue ? TH_BAD : TH_NORMAL;
    case C_ALARMS:
        if (!r->has_sensors && r->alarms == 0) {
            str_copy(buf, "–", n);
            return TH_DIM;
        }
        fmt_count(r->alarms, buf, n);
        return r->alarms ? TH_WARN : TH_NORMAL;
    case C_IND:
        if (r->ind_planned == 0) {
            str_copy(buf, "–", n);
            return TH_DIM;
        }
        snprintf(buf, n, "%zu/%zu", r->ind_met, r->ind_planned);
        return rate_role((double)r->ind_met / (double)r->ind_planned, 0.9, 0.7, 0.5);
    case C_COUNT:
        break;
    }
    return TH_NORMAL;
}

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, enum theme_role *role)
{
    struct units_view *v = ctx;
    size_t item = list_item(&v->list, row);
    if (item < v->nrows)
        *role = cell_text(&v->rows[item], col, buf, n);
}

static const char *item_key(void *ctx, size_t item, char *buf, size_t n)
{
    struct units_view *v = ctx;
    str_copy(buf, v->rows[item].code, n);
    return buf;
}

static void item_text(void *ctx, size_t item, struct buf *out)
{
    struct units_view *v = ctx;
    buf_appendf(out, "%s %s", v->rows[item].name, v->rows[item].code);
}

static int cmp_size(size_t a, size_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_double(double a, double b)
{
    return a < b ? -1 : a > b;
}

/* No data sorts below every value, so it ends up last in the descending first sort. */
static int item_compare(void *ctx, size_t a, size_t b, int col)
{
    struct units_view *v = ctx;
    const struct unit_row *x = &v->rows[a], *y = &v->rows[b];
    switch (col) {
    case -1:
        return worst_first(x, y);
    case C_NAME: {
        /* By the name itself ("Cẩm Thành" before "Lý Sơn"), folded so Đ sorts with D. */
        int c = strcmp(x->sort_key, y->sort_key);
        return c ? c : strcmp(x->code, y->code);
    }
    case C_CODE:
        return strcmp(x->code, y->code);
    case C_DOS_OVERDUE:
        if (x->has_dossiers != y->has_dossiers)
            return x->has_dossiers ? 1 : -1;
        return cmp_size(x->d_overdue, y->d_overdue);
    case C_ON_TIME:
        return cmp_double(x->on_time, y->on_time);
    case C_ONLINE:
        return cmp_double(x->online, y->online);
    case C_CPL_OPEN:
    case C_CPL_OVERDUE:
        if (x->has_complaints != y->has_complaints)
            return x->has_complaints ? 1 : -1;
        return col == C_CPL_OPEN ? cmp_size(x->c_open, y->c_open)
                                 : cmp_size(x->c_overdue, y->c_overdue);
    case C_ALARMS:
        if ((x->has_sensors || x->alarms) != (y->has_sensors || y->alarms))
            return x->has_sensors || x->alarms ? 1 : -1;
        return cmp_size(x->alarms, y->alarms);
    case C_IND: {
        double rx = x->ind_planned ? (double)x->ind_met / (double)x->ind_planned : -1;
        double ry = y->ind_planned ? (double)y->ind_met / (double)y->ind_planned : -1;
        return cmp_double(rx, ry);
    }
    default:
        return 0;
    }
}

static const struct list_ops ops = {.key = item_key, .text = item_text, .compare = item_compare};

/* ---- the view ---------------------------------------------------------------------------- */

static struct view *units_create(void)
{
    struct units_view *v = xcalloc(1, sizeof *v);
    list_init(&v->list, columns, (int)ARRAY_LEN(columns), cell, &ops, v);
    v->scoped = (size_t)-1;
    return &v->base;
}

static void units_destroy(struct view *base)
{
    struct units_view *v = (struct units_view *)base;
    list_free(&v->list);
    free(v->rows);
    free(v);
}

static bool preset_pass(const char *preset, const struct unit_row *r)
{
    if (!preset)
        return true;
    if (strcmp(preset, "worst") == 0)
        return r->d_overdue > 0 || r->c_overdue > 0;
    if (strcmp(preset, "wards") == 0)
        return r->type == UNIT_WARD;
    if (strcmp(preset, "communes") == 0)
        return r->type == UNIT_COMMUNE;
    return true;
}

static void units_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct units_view *v = (struct units_view *)base;
    const struct store *s = ctx->store;
    collect_units(v, s);
    const char *period = period_latest(s->indicators);
    fmt_text(period, v->period, sizeof v->period);

    struct strmap by_code = {0};
    for (size_t i = 0; i < v->nrows; i++)
        if (strmap_get(&by_code, v->rows[i].code) == STRMAP_NONE)
            strmap_put(&by_code, v->rows[i].code, i);
    count_air_alarms(v, s->sensors, &by_code);
    v->scoped = ctx->scope ? strmap_get(&by_code, ctx->scope) : (size_t)-1;
    strmap_free(&by_code);

    v->with_d_overdue = v->with_c_overdue = v->with_alarms = 0;
    for (size_t i = 0; i < v->nrows; i++) {
        struct unit_row *r = &v->rows[i];
        fill_row(r, s, period);
        v->with_d_overdue += r->d_overdue > 0;
        v->with_c_overdue += r->c_overdue > 0;
        v->with_alarms += r->alarms > 0;
    }
    rank_rows(v);

    list_begin(&v->list);
    for (size_t i = 0; i < v->nrows; i++) {
        if (ctx->scope && !str_eq(v->rows[i].code, ctx->scope))
            continue;
        if (preset_pass(ctx->arg, &v->rows[i]))
            list_add(&v->list, i);
    }
    list_end(&v->list, ctx->filter);
}

/* "Xã A 91,2% · Phường B 93%" for the rows in idx. */
static void names_with_rates(const struct units_view *v, const size_t *idx, size_t n, struct buf *b)
{
    char pct[16];
    for (size_t i = 0; i < n; i++) {
        fmt_pct(v->rows[idx[i]].on_time, pct, sizeof pct);
        buf_appendf(b, "%s%s %s", i ? " · " : "", v->rows[idx[i]].name, pct);
    }
}

static int draw_summary(struct units_view *v, const struct view_ctx *ctx, WINDOW *w,
                        struct rect body)
{
    int y = body.y;
    char n1[16], n2[16];
    struct buf b = {0};
    fmt_count(v->nrows, n1, sizeof n1);
    if (ctx->scope && v->scoped != (size_t)-1) {
        fmt_count(v->rows[v->scoped].rank, n2, sizeof n2);
        buf_appendf(&b, "Xếp thứ %s/%s (1 = nhiều quá hạn nhất)", n2, n1);
    } else {
        buf_appendf(&b, "%s xã/phường · %zu có hồ sơ quá hạn · %zu có phản ánh quá hạn", n1,
                    v->with_d_overdue, v->with_c_overdue);
        if (v->with_alarms)
            buf_appendf(&b, " · %zu có cảm biến báo động", v->with_alarms);
    }
    if (v->period[0])
        buf_appendf(&b, " · chỉ tiêu kỳ %s", v->period);
    if (filter_active(ctx->filter))
        buf_appendf(&b, " · lọc \"%s\": %zu/%zu", ctx->filter->text, list_count(&v->list),
                    v->list.total);
    panel_text(w, y++, body.x, body.w, b.data, TH_TITLE);
    if (ctx->scope || body.h < 6)
        goto done;

    /* The top and bottom of the table by on-time rate, on one line when it fits. */
    struct buf lo = {0}, hi = {0};
    bool ascii = text_ascii() != 0;
    if (v->nworst) {
        buf_appendf(&lo, "%s Đúng hạn thấp nhất: ", ascii ? "v" : "▼");
        names_with_rates(v, v->worst, v->nworst, &lo);
    } else {
        buf_appendf(&lo, "Chưa có số liệu hồ sơ để xếp hạng đúng hạn");
    }
    if (v->nbest) {
        buf_appendf(&hi, "%s Cao nhất: ", ascii ? "^" : "▲");
        names_with_rates(v, v->best, v->nbest, &hi);
    }
    if (hi.data && text_width(lo.data) + 3 + text_width(hi.data) <= body.w) {
        buf_appendf(&lo, "   %s", hi.data);
        panel_text(w, y++, body.x, body.w, lo.data, TH_NORMAL);
    } else {
        panel_text(w, y++, body.x, body.w, lo.data, TH_NORMAL);
        if (hi.data)
            panel_text(w, y++, body.x, body.w, hi.data, TH_NORMAL);
    }
    buf_free(&lo);
    buf_free(&hi);
done:
    buf_free(&b);
    return y;
}

static void units_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct units_view *v = (struct units_view *)base;
    struct rect body = panel_draw_title(w, r, "Xếp hạng xã/phường", ctx, "dossiers");
    if (body.h <= 0)
        return;
    int y = draw_summary(v, ctx, w, body);
    int h = body.y + body.h - y;
    if (list_count(&v->list) == 0) {
        table_draw(&v->list.table, w, y, body.x, 1, body.w);
        const char *msg = filter_active(ctx->filter) ? "Không có xã/phường khớp bộ lọc."
                          : v->nrows == 0 ? "Chưa có danh sách xã/phường (nguồn units)."
                                          : "Không có xã/phường nào trong nhóm này.";
        panel_text(w, y + 2, body.x + 2, body.w - 4, msg, TH_DIM);
        return;
    }
    table_draw(&v->list.table, w, y, body.x, h, body.w);
}

static bool units_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                            struct nav_request *req)
{
    struct units_view *v = (struct units_view *)base;
    (void)ctx;
    if (a != ACT_ENTER)
        return false;
    size_t item = list_selected(&v->list);
    if (item == (size_t)-1 || item >= v->nrows)
        return true;
    str_copy(req->view, "unit", sizeof req->view);
    str_copy(req->scope, v->rows[item].code, sizeof req->scope);
    return true;
}

static struct list *units_list(struct view *base)
{
    return &((struct units_view *)base)->list;
}

static void units_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    (void)base;
    listview_crumb(presets, preset_words, ctx->arg, buf, n);
}

/* One line per unit in the list's order; rates in percent with a dot, "" for no data. */
static void units_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct units_view *v = (struct units_view *)base;
    (void)ctx;
    fprintf(out, "rank\tcode\tname\ttype");
    for (int c = C_DOS_OVERDUE; c < C_COUNT; c++)
        fprintf(out, "\t%s", export_names[c]);
    fprintf(out, "\tindicators_planned\n");
    for (size_t i = 0; i < list_count(&v->list); i++) {
        const struct unit_row *r = &v->rows[list_item(&v->list, i)];
        char on_time[16], online[16];
        fmt_pct_plain(r->on_time, on_time, sizeof on_time);
        fmt_pct_plain(r->online, online, sizeof online);
        fprintf(out, "%zu\t%s\t%s\t%s\t", r->rank, r->code, r->name, unit_type_label(r->type));
        if (r->has_dossiers)
            fprintf(out, "%zu", r->d_overdue);
        fprintf(out, "\t%s\t%s\t", on_time, online);
        if (r->has_complaints)
            fprintf(out, "%zu\t%zu", r->c_open, r->c_overdue);
        else
            fputc('\t', out);
        fputc('\t', out);
        if (r->has_sensors || r->alarms)
            fprintf(out, "%zu", r->alarms);
        fputc('\t', out);
        if (r->ind_planned)
            fprintf(out, "%zu\t%zu", r->ind_met, r->ind_planned);
        else
            fputc('\t', out);
        fputc('\n', out);
    }
}

const struct view_ops units_view_ops = {
    .name = "units",
    .title = "Xếp hạng xã/phường",
    .feed = "dossiers",
    .presets = presets,
    .create = units_create,
    .destroy = units_destroy,
    .recalc = units_recalc,
    .draw = units_draw,
    .on_action = units_on_action,
    .list = units_list,
    .crumb = units_crumb,
    .export = units_export,
};
