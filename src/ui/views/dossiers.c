/* Hồ sơ: the administrative-procedure dossiers of the scope, most overdue first, with the
 * working time left or over and a progress bar of the working time used against the time
 * allowed; narrowed by a preset (":dossiers overdue"), filtered with /, sorted by any column.
 *
 * Which records belong and their order come from the table's deadline states (the same the
 * summary counts); the cells are judged at the frame's clock, so a row turns "quá hạn" on
 * time even between two polls. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/bar.h"
#include "citydeck/clock.h"
#include "citydeck/deadline.h"
#include "citydeck/dossier_clock.h"
#include "citydeck/dossiers.h"
#include "citydeck/fmt.h"
#include "citydeck/list.h"
#include "citydeck/listview.h"
#include "citydeck/panel.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

enum col {
    C_ID,
    C_STATUS,
    C_PROC,
    C_FIELD,
    C_UNIT,
    C_CHANNEL,
    C_RECEIVED,
    C_DUE,
    C_STATE,
    C_LEFT,
    C_BAR
};

#define BAR_CELLS 8

/* At 80 columns: id, unit, deadline state, time left and the bar (78 cells with the gaps);
 * the rest join as the terminal widens, the most asked-for first. */
static const struct table_column columns[] = {
    [C_ID] = {"Mã hồ sơ", 21, 0, false, 0, false},
    [C_STATUS] = {"Trạng thái", 14, 1, false, 125, false},
    [C_PROC] = {"Thủ tục", 18, 3, false, 110, false},
    [C_FIELD] = {"Lĩnh vực", 12, 1, false, 155, false},
    [C_UNIT] = {"Xã/phường", 14, 2, false, 0, false},
    [C_CHANNEL] = {"Kênh", 10, 0, false, 170, false},
    [C_RECEIVED] = {"Tiếp nhận", 11, 0, false, 140, false},
    [C_DUE] = {"Hẹn trả", 11, 0, false, 90, false},
    [C_STATE] = {"Tình trạng", 13, 0, false, 0, false},
    [C_LEFT] = {"Còn lại", 18, 0, false, 0, false},
    [C_BAR] = {"Tiến độ", BAR_CELLS, 0, false, 0, true}, /* "Còn lại" sorts by the same */
};

/* Presets: ":dossiers overdue" and the drill-downs of other views. */
static const char *const presets[] = {"overdue",    "due_soon", "open", "finished", "late",
                                      "supplement", "online",   "all",  NULL};
static const char *const preset_words[] = {"quá hạn",       "sắp đến hạn", "đang giải quyết",
                                           "đã giải quyết", "trễ hạn",     "yêu cầu bổ sung",
                                           "trực tuyến",    "tất cả"};

enum preset {
    P_DEFAULT = -1,
    P_OVERDUE,
    P_DUE_SOON,
    P_OPEN,
    P_FINISHED,
    P_LATE,
    P_SUPPLEMENT,
    P_ONLINE,
    P_ALL
};

struct dossiers_view {
    struct view base;
    struct list list;
    const struct dossier_table *t;
    const struct unit_table *units;
    int64_t now;
    int tz;
    enum preset preset;
    struct dossier_stats stats; /* of the scope, copied at recalc */
    /* The default order's key of every listed item, by table index, filled at recalc: the
     * sort compares two array slots instead of re-deriving states (tens of thousands of open
     * dossiers at the province level). */
    struct sort_key {
        int64_t t;
        int rank;
    } * keys;
    size_t keys_cap;
    /* What the list was last built from. A merge of another feed (complaints, sensors) bumps
     * the store's generation without touching a dossier: then the scan and the sort of tens
     * of thousands of rows are skipped. Every dossier merge moves the table's clock. */
    struct built_from {
        const struct dossier_table *t;
        size_t count, units;
        int64_t table_now;
        struct dossier_stats total;
        char scope[64], filter[128];
        enum preset preset;
        int sort_col;
        bool sort_desc, valid;
    } built;
};

static const struct dossier *rec(const struct dossiers_view *v, size_t item)
{
    return dossier_table_at(v->t, item);
}

static enum preset preset_of(const char *arg)
{
    return (enum preset)listview_preset(presets, arg); /* -1 = P_DEFAULT */
}

/* ---- working time ------------------------------------------------------------------- */

/* Used / allowed working time, or NAN when unknown. */
static double used_fraction(const struct dossier *d, int64_t now, int tz)
{
    double allowed = dossier_clock_allowed(d, tz);
    if (!(allowed > 0) || d->due == TIME_NONE || d->received == TIME_NONE)
        return NAN;
    double left = dossier_clock_left(d, now, tz);
    double used = allowed - left;
    return used < 0 ? 0 : used / allowed;
}

/* The state word: deadline state while open, timeliness once finished, else what it waits
 * for. */
static const char *state_word(const struct dossier *d, int64_t now, int tz, enum theme_role *role)
{
    enum theme_role r = TH_DIM;
    const char *w = "";
    if (dossier_is_open(d)) {
        enum deadline_state s = dossier_deadline(d, now, tz);
        w = s == DL_NONE ? "chưa có hạn" : deadline_state_label(s);
        r = deadline_role(s);
    } else if (d->finished != TIME_NONE && !d->absent) {
        enum dossier_timeliness t = dossier_timeliness(d, tz);
        w = t == DTL_NONE ? "đã xong" : dossier_timeliness_label(t);
        r = dossier_clock_timeliness_role(t);
    } else if (d->absent) {
        w = "đã đóng";
    } else if (d->status == DST_SUBMITTED) {
        w = "chờ tiếp nhận";
    } else if (d->status == DST_REFUSED) {
        w = "từ chối";
    }
    if (role)
        *role = r;
    return w;
}

/* "còn 2,5 ngày", "quá 1 ngày 3h", "dừng, còn 2 ngày"; finished: "sớm 1,5 ngày" or "trễ 3h".
 * A second supplement request makes a dossier late whatever its dates: the cell says so. */
static void left_text(const struct dossier *d, int64_t now, int tz, char *buf, size_t n)
{
    char words[64];
    buf[0] = '\0';
    if (d->due == TIME_NONE || d->received == TIME_NONE)
        return;
    double left = dossier_clock_left(d, now, tz);
    bool open = dossier_is_open(d);
    if (!open && (d->finished == TIME_NONE || d->absent))
        return;
    if (d->supplements >= 2 && left >= 0) {
        snprintf(buf, n, "bổ sung %d lần", d->supplements);
        return;
    }
    dossier_clock_words(left, open, words, sizeof words);
    snprintf(buf, n, "%s%s", open && d->paused_since != TIME_NONE ? "dừng, " : "", words);
}

static const char *unit_label(const struct dossiers_view *v, const struct dossier *d)
{
    if (!d->unit_code)
        return d->unit_name && *d->unit_name ? d->unit_name : "(chưa rõ xã/phường)";
    const char *name = unit_table_name(v->units, d->unit_code);
    /* The unit list may not know the code yet: the record's own name beats a bare code. */
    if (strcmp(name, d->unit_code) == 0 && d->unit_name && *d->unit_name)
        return d->unit_name;
    return name;
}

/* The plain text of a cell and its role (also what export and sorting by text see). */
static enum theme_role cell_text(const struct dossiers_view *v, const struct dossier *d, int col,
                                 char *buf, size_t n)
{
    enum theme_role role = TH_NORMAL;
    buf[0] = '\0';
    switch ((enum col)col) {
    case C_ID:
        str_copy(buf, d->id, n);
        break;
    case C_STATUS:
        str_copy(buf, dossier_status_label(d->status), n);
        return d->status == DST_SUPPLEMENT || d->status == DST_FEE ? TH_WARN : TH_NORMAL;
    case C_PROC:
        str_copy(buf, d->procedure ? d->procedure : d->procedure_code ? d->procedure_code : "", n);
        break;
    case C_FIELD:
        str_copy(buf, d->field ? d->field : "", n);
        break;
    case C_UNIT:
        str_copy(buf, unit_label(v, d), n);
        return d->unit_code ? TH_NORMAL : TH_DIM;
    case C_CHANNEL:
        str_copy(buf, d->channel ? dossier_channel_label(d->channel) : "", n);
        break;
    case C_RECEIVED:
        fmt_time(d->received, v->tz, false, "", buf, n);
        break;
    case C_DUE:
        fmt_time(d->due, v->tz, false, "", buf, n);
        break;
    case C_STATE:
        str_copy(buf, state_word(d, v->now, v->tz, &role), n);
        break;
    case C_LEFT:
        left_text(d, v->now, v->tz, buf, n);
        state_word(d, v->now, v->tz, &role);
        break;
    case C_BAR: {
        double f = used_fraction(d, v->now, v->tz);
        if (isnan(f))
            break;
        char bar[BAR_BUFSZ(BAR_CELLS)];
        bar_render_over(f, BAR_CELLS, text_ascii() != 0, bar, sizeof bar);
        str_copy(buf, bar, n);
        state_word(d, v->now, v->tz, &role);
        break;
    }
    }
    return role;
}

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, enum theme_role *role)
{
    struct dossiers_view *v = ctx;
    const struct dossier *d = rec(v, list_item(&v->list, row));
    if (d)
        *role = cell_text(v, d, col, buf, n);
}

static const char *item_key(void *ctx, size_t item, char *buf, size_t n)
{
    str_copy(buf, rec(ctx, item)->id, n);
    return buf;
}

static void item_text(void *ctx, size_t item, struct buf *out)
{
    struct dossiers_view *v = ctx;
    const struct dossier *d = rec(v, item);
    const char *state = dossier_is_open(d)
                            ? deadline_state_label(dossier_table_deadline_at(v->t, item))
                            : dossier_timeliness_label(dossier_timeliness(d, v->tz));
    buf_appendf(out, "%s %s %s %s %s %s %s %s", d->id, dossier_status_label(d->status),
                d->procedure_code ? d->procedure_code : "", d->procedure ? d->procedure : "",
                d->field ? d->field : "", unit_label(v, d),
                d->channel ? dossier_channel_label(d->channel) : "", state);
}

/* Open ones first, most overdue, then due soonest; then those waiting for the desk; then the
 * finished, late ones first. */
static int rank(const struct dossiers_view *v, size_t item, const struct dossier *d)
{
    if (dossier_is_open(d)) {
        switch (dossier_table_deadline_at(v->t, item)) {
        case DL_OVERDUE:
            return 0;
        case DL_DUE_SOON:
            return 1;
        case DL_OK:
            return 2;
        case DL_NONE:
            return 3;
        }
    }
    if (d->received == TIME_NONE && !d->absent && d->status != DST_REFUSED)
        return 4;
    switch (d->finished != TIME_NONE ? dossier_timeliness(d, v->tz) : DTL_NONE) {
    case DTL_LATE:
        return 5;
    case DTL_ON_TIME:
        return 6;
    case DTL_EARLY:
        return 7;
    case DTL_NONE:
        break;
    }
    return 8;
}

/* Within a rank: open ones by due, the one waiting by submission, finished ones the latest
 * first. */
static struct sort_key sort_key(const struct dossiers_view *v, size_t item, const struct dossier *d)
{
    struct sort_key k = {0, rank(v, item, d)};
    if (k.rank <= 3)
        k.t = d->due;
    else if (k.rank == 4)
        k.t = d->submitted;
    else
        k.t = d->finished == TIME_NONE ? INT64_MAX : -d->finished;
    return k;
}

static int cmp_time(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

/* The deadline as it stands: a paused clock pushes it on by the pause so far (in calendar
 * time: close enough to order by, and cheap). */
static int64_t effective_due(const struct dossier *d, int64_t now)
{
    if (d->due == TIME_NONE)
        return INT64_MAX;
    if (d->paused_since != TIME_NONE && d->finished == TIME_NONE && now > d->paused_since)
        return d->due + (now - d->paused_since);
    return d->due;
}

static int item_compare(void *ctx, size_t a, size_t b, int col)
{
    struct dossiers_view *v = ctx;
    if (col == -1) {
        const struct sort_key *kx = &v->keys[a], *ky = &v->keys[b];
        if (kx->rank != ky->rank)
            return kx->rank < ky->rank ? -1 : 1;
        int c = cmp_time(kx->t, ky->t);
        return c ? c : strcmp(rec(v, a)->id, rec(v, b)->id);
    }
    const struct dossier *x = rec(v, a), *y = rec(v, b);
    char bx[256], by[256];
    switch (col) {
    case C_STATUS:
        return x->status - y->status;
    case C_CHANNEL:
        return (int)x->channel - (int)y->channel;
    case C_RECEIVED:
        return cmp_time(x->received, y->received);
    case C_DUE:
        return cmp_time(x->due, y->due);
    case C_STATE:
        return v->keys[a].rank < v->keys[b].rank ? -1 : v->keys[a].rank > v->keys[b].rank;
    case C_LEFT:
        /* Least left first. */
        return cmp_time(effective_due(x, v->now), effective_due(y, v->now));
    default:
        cell_text(v, x, col, bx, sizeof bx);
        cell_text(v, y, col, by, sizeof by);
        return strcoll(bx, by);
    }
}

/* Epoch seconds in 40 bits (to year 36812), order kept; TIME_NONE and earlier first. */
static uint64_t time40(int64_t t)
{
    const int64_t max = ((int64_t)1 << 40) - 1;
    return t <= 0 ? 0 : (uint64_t)(t < max ? t : max);
}

/* The radix path of the list for the default order and the time columns: the same order as
 * item_compare, ties in table order instead of by id. */
static bool item_sort_key(void *ctx, size_t item, int col, uint64_t *key)
{
    struct dossiers_view *v = ctx;
    const struct dossier *d = rec(v, item);
    const uint64_t top = ((uint64_t)1 << 40) - 1;
    switch (col) {
    case -1: {
        const struct sort_key *k = &v->keys[item];
        uint64_t t = k->rank <= 4               ? time40(k->t)
                     : d->finished == TIME_NONE ? top
                                                : top - 1 - time40(d->finished);
        *key = (uint64_t)k->rank << 41 | t;
        return true;
    }
    case C_RECEIVED:
        *key = time40(d->received);
        return true;
    case C_DUE:
        *key = time40(d->due);
        return true;
    case C_STATE:
        *key = (uint64_t)v->keys[item].rank;
        return true;
    case C_LEFT: {
        int64_t due = effective_due(d, v->now);
        *key = due == INT64_MAX ? top : time40(due);
        return true;
    }
    default:
        return false;
    }
}

static const struct list_ops ops = {
    .key = item_key, .text = item_text, .compare = item_compare, .sort_key = item_sort_key};

static struct view *dossiers_create(void)
{
    struct dossiers_view *v = xcalloc(1, sizeof *v);
    list_init(&v->list, columns, (int)ARRAY_LEN(columns), cell, &ops, v);
    v->preset = P_DEFAULT;
    return &v->base;
}

static void dossiers_destroy(struct view *base)
{
    struct dossiers_view *v = (struct dossiers_view *)base;
    list_free(&v->list);
    free(v->keys);
    free(v);
}

static bool preset_pass(const struct dossiers_view *v, size_t i, const struct dossier *d)
{
    switch (v->preset) {
    case P_DEFAULT:
    case P_OPEN:
        return dossier_is_open(d);
    case P_OVERDUE:
        return dossier_is_open(d) && dossier_table_deadline_at(v->t, i) == DL_OVERDUE;
    case P_DUE_SOON:
        return dossier_is_open(d) && dossier_table_deadline_at(v->t, i) == DL_DUE_SOON;
    case P_FINISHED:
        return d->finished != TIME_NONE && !d->absent;
    case P_LATE:
        return d->finished != TIME_NONE && dossier_timeliness(d, v->tz) == DTL_LATE;
    case P_SUPPLEMENT:
        return d->status == DST_SUPPLEMENT || d->supplements >= 2;
    case P_ONLINE:
        return d->channel == DCH_ONLINE && d->received != TIME_NONE;
    case P_ALL:
        break;
    }
    return true;
}

static void dossiers_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct dossiers_view *v = (struct dossiers_view *)base;
    v->t = ctx->store->dossiers;
    v->units = ctx->store->units;
    v->now = ctx->now;
    v->tz = ctx->tz_offset_s;
    v->preset = preset_of(ctx->arg);
    const struct dossier_stats *s =
        ctx->scope ? dossier_table_unit_stats(v->t, ctx->scope) : dossier_table_total(v->t);
    if (s)
        v->stats = *s;
    else
        memset(&v->stats, 0, sizeof v->stats);
    struct built_from now;
    memset(&now, 0, sizeof now);
    now.t = v->t;
    now.count = dossier_table_count(v->t);
    now.units = unit_table_count(v->units);
    now.table_now = dossier_table_now(v->t);
    now.total = *dossier_table_total(v->t);
    str_copy(now.scope, ctx->scope ? ctx->scope : "", sizeof now.scope);
    str_copy(now.filter, filter_active(ctx->filter) ? ctx->filter->text : "", sizeof now.filter);
    now.preset = v->preset;
    now.sort_col = v->list.table.sort_col;
    now.sort_desc = v->list.table.sort_desc;
    now.valid = true;
    if (memcmp(&now, &v->built, sizeof now) == 0)
        return;
    memcpy(&v->built, &now, sizeof now);
    size_t total = dossier_table_count(v->t);
    v->keys = xgrow(v->keys, &v->keys_cap, total ? total : 1, sizeof *v->keys);
    list_begin(&v->list);
    for (size_t i = 0; i < total; i++) {
        const struct dossier *d = dossier_table_at(v->t, i);
        if (ctx->scope && !str_eq(d->unit_code, ctx->scope))
            continue;
        if (preset_pass(v, i, d)) {
            v->keys[i] = sort_key(v, i, d);
            list_add(&v->list, i);
        }
    }
    list_end(&v->list, ctx->filter);
}

static void dossiers_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct dossiers_view *v = (struct dossiers_view *)base;
    v->now = ctx->now;
    v->tz = ctx->tz_offset_s;
    struct rect body = panel_draw_title(w, r, "Hồ sơ thủ tục hành chính", ctx, "dossiers");
    if (body.h <= 0)
        return;
    const struct dossier_stats *s = &v->stats;
    char line[512], ontime[32], online[32];
    int len = snprintf(line, sizeof line, "%s %zu",
                       v->preset == P_DEFAULT ? "Đang mở" : "Danh sách", list_count(&v->list));
    if (filter_active(ctx->filter))
        len += snprintf(line + len, sizeof line - (size_t)len, " (lọc \"%s\": %zu/%zu)",
                        ctx->filter->text, list_count(&v->list), v->list.total);
    fmt_pct_fixed(dossier_stats_on_time_rate(s), ontime, sizeof ontime);
    fmt_pct_fixed(dossier_stats_online_rate(s), online, sizeof online);
    snprintf(line + len, sizeof line - (size_t)len,
             " │ quá hạn %zu · sắp đến hạn %zu · còn hạn %zu │ đúng hạn %s · trực tuyến %s",
             s->overdue, s->due_soon, s->ok, ontime, online);
    /* On a phone the rates matter more than the count of those with time to spare. */
    if (text_width(line) > body.w)
        snprintf(line + len, sizeof line - (size_t)len,
                 " │ quá hạn %zu · sắp đến hạn %zu │ đúng hạn %s · trực tuyến %s", s->overdue,
                 s->due_soon, ontime, online);
    panel_text(w, body.y, body.x, body.w, line, TH_TITLE);
    int y = body.y + 1;
    /* The finished breakdown is the first thing to go on a short terminal. */
    if (body.h >= 12) {
        snprintf(line, sizeof line,
                 "Đã giải quyết %zu: trước hạn %zu · đúng hạn %zu · trễ hạn %zu │ chờ tiếp nhận "
                 "%zu · đang tạm dừng %zu",
                 s->finished, s->early, s->on_time, s->late, s->by_status[DST_SUBMITTED],
                 s->by_status[DST_SUPPLEMENT] + s->by_status[DST_FEE]);
        panel_text(w, y++, body.x, body.w, line, TH_DIM);
    }
    int h = body.y + body.h - y;
    if (list_count(&v->list) == 0) {
        table_draw(&v->list.table, w, y, body.x, 1, body.w);
        panel_text(w, y + 2, body.x + 2, body.w - 4,
                   filter_active(ctx->filter) ? "Không có hồ sơ khớp bộ lọc."
                   : v->preset == P_DEFAULT   ? "Không có hồ sơ đang giải quyết."
                                              : "Không có hồ sơ trong danh sách này.",
                   TH_DIM);
        return;
    }
    table_draw(&v->list.table, w, y, body.x, h, body.w);
}

static bool dossiers_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                               struct nav_request *req)
{
    (void)ctx;
    return listview_open(&((struct dossiers_view *)base)->list, a, "dossier", req);
}

static struct list *dossiers_list(struct view *base)
{
    return &((struct dossiers_view *)base)->list;
}

static void dossiers_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    (void)base;
    enum preset p = preset_of(ctx->arg);
    if (p != P_DEFAULT)
        str_copy(buf, preset_words[p], n);
}

static void dossiers_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct dossiers_view *v = (struct dossiers_view *)base;
    char buf[1024];
    v->now = ctx->now;
    v->tz = ctx->tz_offset_s;
    for (size_t c = 0; c < ARRAY_LEN(columns); c++)
        fprintf(out, "%s%s", c ? "\t" : "", columns[c].title);
    fputc('\n', out);
    for (size_t r = 0; r < list_count(&v->list); r++) {
        const struct dossier *d = rec(v, list_item(&v->list, r));
        for (int col = 0; col < (int)ARRAY_LEN(columns); col++) {
            if (col == C_BAR) {
                /* Scripts get the number the bar draws. */
                double f = used_fraction(d, v->now, v->tz);
                if (isnan(f))
                    buf[0] = '\0';
                else
                    snprintf(buf, sizeof buf, "%ld%%", lround(f * 100));
            } else {
                cell_text(v, d, col, buf, sizeof buf);
            }
            fprintf(out, "%s%s", col ? "\t" : "", buf);
        }
        fputc('\n', out);
    }
}

const struct view_ops dossiers_view_ops = {
    .name = "dossiers",
    .title = "Hồ sơ",
    .feed = "dossiers",
    .presets = presets,
    .create = dossiers_create,
    .destroy = dossiers_destroy,
    .recalc = dossiers_recalc,
    .draw = dossiers_draw,
    .on_action = dossiers_on_action,
    .list = dossiers_list,
    .crumb = dossiers_crumb,
    .export = dossiers_export,
};
