/* Cảnh báo: active events first (severity, age, unit, message, value against threshold),
 * then recently ended ones. Enter jumps to the cause; a acknowledges with a note; x silences
 * the rule for the event's commune or ward for a while. Both refuse in read-only mode. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/alerts.h"
#include "citydeck/clock.h"
#include "citydeck/list.h"
#include "citydeck/listview.h"
#include "citydeck/panel.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

enum col { C_SEV, C_AGE, C_UNIT, C_MSG, C_VALUE, C_PEAK, C_COUNT, C_ACK };

static const struct table_column columns[] = {
    [C_SEV] = {"Mức", 13, 0, false, 0, false},
    [C_AGE] = {"Từ/kết thúc", 12, 0, false, 0, false},
    [C_UNIT] = {"Xã/phường", 16, 1, false, 100, false},
    [C_MSG] = {"Nội dung", 24, 4, false, 0, false},
    [C_VALUE] = {"Giá trị/ngưỡng", 16, 0, true, 90, false},
    [C_PEAK] = {"Đỉnh", 8, 0, true, 140, false},
    [C_COUNT] = {"Lần", 4, 0, true, 120, false},
    [C_ACK] = {"Xác nhận", 14, 1, false, 160, false},
};

static const char *const presets[] = {"active", "critical", "unacked", "ended", NULL};
static const char *const preset_words[] = {"đang diễn ra", "nghiêm trọng", "chưa xác nhận",
                                           "đã kết thúc"};

/* A copy of what the list shows: events live in the alerts object and move when it changes. */
struct row {
    char *key, *rule, *target_id, *unit_code, *unit_name, *message, *ack_note;
    enum alert_target target;
    enum alert_severity severity;
    const char *value_unit;
    double value, threshold, peak;
    bool acked, silenced, active;
    int64_t start, end;
    unsigned count;
    size_t order; /* position in the alerts' display order */
};

struct alerts_view {
    struct view base;
    struct list list;
    struct row *rows;
    size_t n, cap;
    size_t active, critical, unacked;
    int64_t now;
    bool enabled;
    char pending_key[256]; /* the event a prompt is about */
    char pending_rule[64], pending_unit[32];
    enum { PENDING_NONE, PENDING_ACK, PENDING_SILENCE } pending;
};

static void row_free(struct row *r)
{
    free(r->key);
    free(r->rule);
    free(r->target_id);
    free(r->unit_code);
    free(r->unit_name);
    free(r->message);
    free(r->ack_note);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* "37.3 điểm", "82%": a word unit gets a space, a symbol does not. */
static void format_value(double v, const char *unit, char *buf, size_t n)
{
    const char *sep = unit && *unit && *unit != '%' ? " " : "";
    if (isnan(v))
        buf[0] = '\0';
    else
        snprintf(buf, n, fabs(v - round(v)) < 1e-9 ? "%.0f%s%s" : "%.1f%s%s", v, sep,
                 unit ? unit : "");
}

static void cell_text(struct alerts_view *v, const struct row *r, int col, char *buf, size_t n,
                      enum theme_role *role)
{
    char a[48], b[48], age[32];
    buf[0] = '\0';
    switch ((enum col)col) {
    case C_SEV:
        snprintf(buf, n, "%s%s%s", r->active ? "" : "✓ ", alert_severity_label(r->severity),
                 r->silenced ? " (im)"
                 : r->acked  ? " ✔"
                             : "");
        *role = !r->active || r->silenced       ? TH_DIM
                : r->severity == ALERT_CRITICAL ? TH_CRIT
                                                : TH_WARN;
        break;
    case C_AGE:
        /* A hub clock that went back (another hub, a restarted demo) must not show "-3h". */
        if (r->active) {
            clock_format_age(v->now > r->start ? v->now - r->start : 0, age, sizeof age);
            snprintf(buf, n, "%s", age);
        } else {
            clock_format_age(v->now > r->end ? v->now - r->end : 0, age, sizeof age);
            snprintf(buf, n, "hết %s trước", age);
        }
        break;
    case C_UNIT:
        str_copy(buf, r->unit_name ? r->unit_name : r->unit_code ? r->unit_code : "—", n);
        break;
    case C_MSG:
        str_copy(buf, r->message ? r->message : r->rule, n);
        break;
    case C_VALUE:
        format_value(r->value, r->value_unit, a, sizeof a);
        format_value(r->threshold, r->value_unit, b, sizeof b);
        if (a[0] && b[0])
            /* The sign says how the value stands, whichever way the rule fires. */
            snprintf(buf, n, "%s %s %s", a, r->value >= r->threshold ? "≥" : "<", b);
        else
            str_copy(buf, a[0] ? a : b, n);
        break;
    case C_PEAK:
        format_value(r->peak, r->value_unit, buf, n);
        break;
    case C_COUNT:
        snprintf(buf, n, "%u", r->count);
        break;
    case C_ACK:
        str_copy(buf, r->acked ? (r->ack_note && *r->ack_note ? r->ack_note : "đã xác nhận") : "",
                 n);
        break;
    }
}

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, enum theme_role *role)
{
    struct alerts_view *v = ctx;
    size_t item = list_item(&v->list, row);
    if (item < v->n)
        cell_text(v, &v->rows[item], col, buf, n, role);
}

static const char *item_key(void *ctx, size_t item, char *buf, size_t n)
{
    struct alerts_view *v = ctx;
    str_copy(buf, v->rows[item].key, n);
    return buf;
}

static void item_text(void *ctx, size_t item, struct buf *out)
{
    struct alerts_view *v = ctx;
    const struct row *r = &v->rows[item];
    buf_appendf(out, "%s %s %s %s %s", alert_severity_label(r->severity), r->rule,
                r->unit_name ? r->unit_name : "", r->message ? r->message : "",
                r->ack_note ? r->ack_note : "");
}

static int item_compare(void *ctx, size_t a, size_t b, int col)
{
    struct alerts_view *v = ctx;
    const struct row *x = &v->rows[a], *y = &v->rows[b];
    char bx[256], by[256];
    enum theme_role role;
    switch (col) {
    case -1:
        return x->order < y->order ? -1 : x->order > y->order;
    case C_SEV:
        return (int)y->severity - (int)x->severity;
    case C_AGE:
        return x->start < y->start ? -1 : x->start > y->start;
    case C_VALUE:
    case C_PEAK: {
        double p = col == C_VALUE ? x->value : x->peak, q = col == C_VALUE ? y->value : y->peak;
        return isnan(p) ? (isnan(q) ? 0 : 1) : isnan(q) ? -1 : (p > q) - (p < q);
    }
    case C_COUNT:
        return (x->count > y->count) - (x->count < y->count);
    default:
        cell_text(v, x, col, bx, sizeof bx, &role);
        cell_text(v, y, col, by, sizeof by, &role);
        return strcoll(bx, by);
    }
}

static const struct list_ops ops = {.key = item_key, .text = item_text, .compare = item_compare};

static struct view *alerts_create(void)
{
    struct alerts_view *v = xcalloc(1, sizeof *v);
    list_init(&v->list, columns, (int)ARRAY_LEN(columns), cell, &ops, v);
    return &v->base;
}

static void clear_rows(struct alerts_view *v)
{
    for (size_t i = 0; i < v->n; i++)
        row_free(&v->rows[i]);
    v->n = 0;
}

static void alerts_destroy(struct view *base)
{
    struct alerts_view *v = (struct alerts_view *)base;
    clear_rows(v);
    free(v->rows);
    list_free(&v->list);
    free(v);
}

static bool preset_pass(const char *preset, const struct alert_event *e)
{
    bool active = e->end == TIME_NONE;
    if (!preset)
        return true;
    if (strcmp(preset, "active") == 0)
        return active && !e->silenced;
    if (strcmp(preset, "critical") == 0)
        return active && e->severity == ALERT_CRITICAL;
    if (strcmp(preset, "unacked") == 0)
        return active && !e->acked && !e->silenced;
    if (strcmp(preset, "ended") == 0)
        return !active;
    return true;
}

static void alerts_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct alerts_view *v = (struct alerts_view *)base;
    clear_rows(v);
    v->now = ctx->now;
    v->enabled = ctx->alerts != NULL;
    v->active = v->critical = v->unacked = 0;
    list_begin(&v->list);
    for (size_t i = 0; ctx->alerts && i < alerts_count(ctx->alerts); i++) {
        const struct alert_event *e = alerts_at(ctx->alerts, i);
        if (ctx->scope && !str_eq(e->unit_code, ctx->scope))
            continue;
        if (!preset_pass(ctx->arg, e))
            continue;
        v->rows = xgrow(v->rows, &v->cap, v->n + 1, sizeof *v->rows);
        struct row *r = &v->rows[v->n];
        *r = (struct row){
            .key = xstrdup(e->key),
            .rule = xstrdup(e->rule),
            .target_id = dup_or_null(e->target_id),
            .unit_code = dup_or_null(e->unit_code),
            .unit_name = dup_or_null(e->unit_name),
            .message = dup_or_null(e->message),
            .ack_note = dup_or_null(e->ack_note),
            .target = e->target,
            .severity = e->severity,
            .value_unit = e->value_unit,
            .value = e->value,
            .threshold = e->threshold,
            .peak = e->peak,
            .acked = e->acked,
            .silenced = e->silenced,
            .active = e->end == TIME_NONE,
            .start = e->start,
            .end = e->end,
            .count = e->count,
            .order = i,
        };
        if (r->active && !r->silenced) {
            v->active++;
            v->critical += r->severity == ALERT_CRITICAL;
            v->unacked += !r->acked;
        }
        list_add(&v->list, v->n++);
    }
    list_end(&v->list, ctx->filter);
}

static void alerts_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct alerts_view *v = (struct alerts_view *)base;
    v->now = ctx->now;
    struct rect body = panel_draw_title(w, r, "Cảnh báo", ctx, NULL);
    char line[256];
    if (!v->enabled) {
        panel_text(w, body.y + 1, body.x + 2, body.w - 4, "Cảnh báo đang tắt.", TH_DIM);
        return;
    }
    snprintf(line, sizeof line,
             "Đang diễn ra %zu · nghiêm trọng %zu · chưa xác nhận %zu · a xác nhận · x tắt "
             "tiếng%s",
             v->active, v->critical, v->unacked,
             ctx->read_only ? " (chỉ xem: không dùng được)" : "");
    panel_text(w, body.y, body.x, body.w, line, v->critical ? TH_BAD : TH_TITLE);
    if (list_count(&v->list) == 0) {
        table_draw(&v->list.table, w, body.y + 1, body.x, 1, body.w);
        panel_text(w, body.y + 3, body.x + 2, body.w - 4, "Không có cảnh báo.", TH_DIM);
        return;
    }
    table_draw(&v->list.table, w, body.y + 1, body.x, body.h - 1, body.w);
}

static const struct row *selected(struct alerts_view *v)
{
    size_t item = list_selected(&v->list);
    return item < v->n ? &v->rows[item] : NULL;
}

/* Enter: the event's cause — the record, the sensor, or the commune/ward. */
static void jump(const struct row *r, struct nav_request *req)
{
    switch (r->target) {
    case ATT_DOSSIER:
    case ATT_COMPLAINT:
    case ATT_SENSOR: /* the record's own view */
        str_copy(req->view,
                 r->target == ATT_DOSSIER     ? "dossier"
                 : r->target == ATT_COMPLAINT ? "complaint"
                                              : "sensor",
                 sizeof req->view);
        str_copy(req->arg, r->target_id, sizeof req->arg);
        break;
    case ATT_STATION:
        str_copy(req->view, "sensors", sizeof req->view);
        break;
    case ATT_INDICATOR:
        str_copy(req->view, "indicators", sizeof req->view);
        break;
    case ATT_FEED:
        snprintf(req->message, sizeof req->message, "Nguồn %s: %s", r->target_id,
                 r->message ? r->message : "");
        return;
    case ATT_UNIT:
    case ATT_COUNT:
        str_copy(req->view, "unit", sizeof req->view);
        break;
    }
    if (r->unit_code)
        str_copy(req->scope, r->unit_code, sizeof req->scope);
}

static bool alerts_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                             struct nav_request *req)
{
    struct alerts_view *v = (struct alerts_view *)base;
    const struct row *r = selected(v);
    if (a != ACT_ENTER && a != ACT_ACK && a != ACT_SILENCE)
        return false;
    if (!r)
        return true;
    if (a == ACT_ENTER) {
        jump(r, req);
        return true;
    }
    if (ctx->read_only || !ctx->alerts) {
        str_copy(req->message, "Chế độ chỉ xem: không xác nhận hay tắt tiếng được",
                 sizeof req->message);
        return true;
    }
    str_copy(v->pending_key, r->key, sizeof v->pending_key);
    str_copy(v->pending_rule, r->rule, sizeof v->pending_rule);
    str_copy(v->pending_unit, r->unit_code ? r->unit_code : "", sizeof v->pending_unit);
    if (a == ACT_ACK) {
        v->pending = PENDING_ACK;
        str_copy(req->prompt, "Ghi chú xác nhận (Enter = không ghi chú): ", sizeof req->prompt);
    } else {
        v->pending = PENDING_SILENCE;
        str_copy(req->prompt, "Tắt tiếng bao lâu (vd 30m, 2h, 1d): ", sizeof req->prompt);
    }
    return true;
}

static void alerts_on_prompt(struct view *base, const struct view_ctx *ctx, const char *text,
                             struct nav_request *req)
{
    struct alerts_view *v = (struct alerts_view *)base;
    int pending = v->pending;
    v->pending = PENDING_NONE;
    if (!text || !ctx->alerts)
        return;
    if (pending == PENDING_ACK) {
        if (alerts_ack(ctx->alerts, v->pending_key, text, ctx->now) == 0)
            str_copy(req->message, "Đã xác nhận; lưu lại cho lần chạy sau", sizeof req->message);
        else
            str_copy(req->message, "Không xác nhận được (cảnh báo đã thay đổi?)",
                     sizeof req->message);
    } else if (pending == PENDING_SILENCE) {
        int64_t d;
        if (!alert_parse_duration(text, &d) || d <= 0) {
            snprintf(req->message, sizeof req->message, "Thời lượng không hợp lệ: '%.40s'", text);
            return;
        }
        const char *unit = v->pending_unit[0] ? v->pending_unit : NULL;
        if (alerts_silence(ctx->alerts, v->pending_rule, unit, ctx->now + d) == 0)
            snprintf(req->message, sizeof req->message, "Đã tắt tiếng %s cho %s trong %s",
                     v->pending_rule, unit ? unit : "mọi xã/phường", text);
    }
}

static struct list *alerts_list(struct view *base)
{
    return &((struct alerts_view *)base)->list;
}

static void alerts_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    (void)base;
    listview_crumb(presets, preset_words, ctx->arg, buf, n);
}

static void view_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    (void)base;
    if (ctx->alerts)
        alerts_export(ctx->alerts, out, ctx->now);
}

const struct view_ops alerts_view_ops = {
    .name = "alerts",
    .title = "Cảnh báo",
    .presets = presets,
    .create = alerts_create,
    .destroy = alerts_destroy,
    .recalc = alerts_recalc,
    .draw = alerts_draw,
    .on_action = alerts_on_action,
    .on_prompt = alerts_on_prompt,
    .list = alerts_list,
    .crumb = alerts_crumb,
    .export = view_export,
};
