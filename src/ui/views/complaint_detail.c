/* Chi tiết phản ánh: one complaint on one screen — where, what, who handles it, the deadline,
 * the citizen's full text and the handling unit's answer. Enter opens its commune or ward. */
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/complaints.h"
#include "citydeck/deadline.h"
#include "citydeck/fmt.h"
#include "citydeck/panel.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

struct complaint_detail {
    struct view base;
    size_t item; /* table index, (size_t)-1 = none */
    bool picked; /* no id was given: the most pressing open complaint */
    int top;     /* first line shown when the text is longer than the screen */
    int lines;   /* lines in the last draw, for scrolling */
};

static struct view *complaint_create(void)
{
    struct complaint_detail *v = xcalloc(1, sizeof *v);
    v->item = (size_t)-1;
    return &v->base;
}

static void complaint_destroy(struct view *base)
{
    free(base);
}

/* The open complaint an operator should look at first: overdue longest, else due soonest. */
static size_t most_pressing(const struct complaint_table *t, const char *scope, int64_t now)
{
    size_t best = (size_t)-1;
    int64_t best_due = 0;
    for (size_t i = 0; i < complaint_table_count(t); i++) {
        const struct complaint *c = complaint_table_at(t, i);
        if (!c->open || c->expected == TIME_NONE || (scope && !str_eq(c->unit_code, scope)))
            continue;
        if (best == (size_t)-1 || c->expected < best_due) {
            best = i;
            best_due = c->expected;
        }
    }
    (void)now;
    return best;
}

static void complaint_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct complaint_detail *v = (struct complaint_detail *)base;
    const struct complaint_table *t = ctx->store->complaints;
    v->picked = !ctx->arg;
    v->item = (size_t)-1;
    if (ctx->arg) {
        /* Records live in one array: the index is the offset from the first. */
        const struct complaint *c = complaint_table_find(t, ctx->arg);
        if (c)
            v->item = (size_t)(c - complaint_table_at(t, 0));
    } else {
        v->item = most_pressing(t, ctx->scope, ctx->now);
    }
}

struct writer {
    WINDOW *w;
    struct rect r;
    int line; /* logical line, before scrolling */
    int top;
};

static void emit(struct writer *o, const char *label, const char *value, enum theme_role role)
{
    int y = o->r.y + o->line - o->top;
    o->line++;
    if (y < o->r.y || y >= o->r.y + o->r.h)
        return;
    int lw = label ? 16 : 0;
    if (label)
        panel_text(o->w, y, o->r.x + 1, lw, label, TH_DIM);
    panel_text(o->w, y, o->r.x + 1 + lw, o->r.w - 2 - lw, value, role);
}

static void emit_wrapped(struct writer *o, const char *label, const char *text)
{
    char line[1024];
    int cols = o->r.w - 2 - 16;
    if (cols < 10)
        cols = 10;
    const char *p = text && *text ? text : NULL;
    if (!p) {
        emit(o, label, "(không có)", TH_DIM);
        return;
    }
    for (bool first = true; p; first = false) {
        p = text_wrap(p, cols, line, sizeof line);
        emit(o, first ? label : "", line, TH_NORMAL);
    }
}

static void complaint_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct complaint_detail *v = (struct complaint_detail *)base;
    const struct complaint *c = complaint_table_at(ctx->store->complaints, v->item);
    struct rect body = panel_draw_title(w, r, "Chi tiết phản ánh", ctx, "complaints");
    if (!c) {
        panel_text(w, body.y + 1, body.x + 2, body.w - 4,
                   ctx->arg ? "Không tìm thấy phản ánh này (có thể đã bị xoá khỏi nguồn)."
                            : "Không có phản ánh đang mở.",
                   TH_DIM);
        return;
    }
    struct writer o = {w, body, 0, v->top};
    char buf[512], t1[40], age[32];
    snprintf(buf, sizeof buf, "%s — %s", c->id, c->category ? c->category : "(chưa rõ lĩnh vực)");
    emit(&o, NULL, buf, TH_TITLE);
    if (v->picked)
        emit(&o, NULL, "(phản ánh cần xử lý gấp nhất trong phạm vi)", TH_DIM);
    snprintf(buf, sizeof buf, "%s%s%s%s · %s", c->open ? "" : "[đã đóng] ",
             c->status != CST_UNKNOWN ? complaint_status_label(c->status) : "",
             c->status_raw ? " / " : "", c->status_raw ? c->status_raw : "",
             complaint_urgency_label(c->urgency));
    emit(&o, "Trạng thái", buf, c->urgency == CURG_URGENT ? TH_BAD : TH_NORMAL);
    enum deadline_state d = complaint_deadline(c, ctx->now);
    fmt_time(c->expected, ctx->tz_offset_s, true, "—", t1, sizeof t1);
    if (d == DL_NONE) {
        snprintf(buf, sizeof buf, "%s", c->expected == TIME_NONE ? "chưa có hạn" : t1);
    } else {
        clock_format_age(d == DL_OVERDUE ? ctx->now - c->expected : c->expected - ctx->now, age,
                         sizeof age);
        snprintf(buf, sizeof buf, "%s — %s (%s %s)", t1, deadline_state_label(d),
                 d == DL_OVERDUE ? "quá" : "còn", age);
    }
    emit(&o, "Hạn xử lý", buf, deadline_role(d));
    fmt_time(c->requested, ctx->tz_offset_s, true, "—", t1, sizeof t1);
    age[0] = '\0';
    if (c->requested != TIME_NONE)
        clock_format_age(ctx->now - c->requested, age, sizeof age);
    snprintf(buf, sizeof buf, "%s%s%s%s", t1, age[0] ? " (" : "", age, age[0] ? " trước)" : "");
    emit(&o, "Gửi lúc", buf, TH_NORMAL);
    fmt_time(c->updated, ctx->tz_offset_s, true, "—", t1, sizeof t1);
    emit(&o, "Cập nhật", t1, TH_NORMAL);
    emit(&o, "Kênh", c->channel ? c->channel : "—", TH_NORMAL);
    if (c->unit_code)
        snprintf(buf, sizeof buf, "%s (%s)",
                 c->unit_name ? c->unit_name : unit_table_name(ctx->store->units, c->unit_code),
                 c->unit_code);
    else
        str_copy(buf, "chưa rõ xã/phường", sizeof buf);
    emit(&o, "Xã/phường", buf, c->unit_code ? TH_NORMAL : TH_DIM);
    emit(&o, "Địa chỉ", c->address ? c->address : "—", TH_NORMAL);
    if (c->has_location)
        snprintf(buf, sizeof buf, "%.5f, %.5f", c->lat, c->lon);
    else
        str_copy(buf, "không có toạ độ", sizeof buf);
    emit(&o, "Vị trí", buf, c->has_location ? TH_NORMAL : TH_DIM);
    emit(&o, "Đơn vị xử lý", c->agency ? c->agency : "—", TH_NORMAL);
    emit(&o, "Đánh giá",
         c->satisfaction == 1   ? "hài lòng"
         : c->satisfaction == 0 ? "không hài lòng"
                                : "chưa đánh giá",
         c->satisfaction == 0   ? TH_BAD
         : c->satisfaction == 1 ? TH_OK
                                : TH_DIM);
    if (c->media_url)
        emit(&o, "Ảnh", c->media_url, TH_NORMAL);
    emit(&o, NULL, "", TH_NORMAL);
    emit_wrapped(&o, "Nội dung", c->description);
    emit(&o, NULL, "", TH_NORMAL);
    emit_wrapped(&o, "Trả lời/ghi chú", c->status_notes);
    v->lines = o.line;
    if (v->lines > body.h)
        panel_text(w, body.y + body.h - 1, body.x + body.w - 18, 17, "↑↓ cuộn thêm", TH_DIM);
}

static bool complaint_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                                struct nav_request *req)
{
    struct complaint_detail *v = (struct complaint_detail *)base;
    const struct complaint *c = complaint_table_at(ctx->store->complaints, v->item);
    switch (a) {
    case ACT_UP:
        if (v->top > 0)
            v->top--;
        return true;
    case ACT_DOWN:
        if (v->top + 1 < v->lines)
            v->top++;
        return true;
    case ACT_HOME:
        v->top = 0;
        return true;
    case ACT_ENTER:
        if (c && c->unit_code) {
            str_copy(req->view, "unit", sizeof req->view);
            str_copy(req->scope, c->unit_code, sizeof req->scope);
        } else {
            str_copy(req->message, "Phản ánh này chưa rõ xã/phường", sizeof req->message);
        }
        return true;
    default:
        return false;
    }
}

static void complaint_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    struct complaint_detail *v = (struct complaint_detail *)base;
    const struct complaint *c = complaint_table_at(ctx->store->complaints, v->item);
    if (c)
        snprintf(buf, n, "%s%s", c->id, v->picked ? " (gấp nhất)" : "");
    else if (ctx->arg)
        str_copy(buf, ctx->arg, n);
}

static void complaint_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct complaint_detail *v = (struct complaint_detail *)base;
    const struct complaint *c = complaint_table_at(ctx->store->complaints, v->item);
    char t[40];
    if (!c)
        return;
    fprintf(out, "id\t%s\ncategory\t%s\nstatus\t%s\nurgency\t%s\nopen\t%s\n", c->id,
            c->category ? c->category : "", complaint_status_code(c->status),
            complaint_urgency_code(c->urgency), c->open ? "yes" : "no");
    fprintf(out, "deadline_state\t%s\n", deadline_state_label(complaint_deadline(c, ctx->now)));
    clock_format_iso(c->requested, ctx->tz_offset_s, t, sizeof t);
    fprintf(out, "requested\t%s\n", c->requested != TIME_NONE ? t : "");
    clock_format_iso(c->expected, ctx->tz_offset_s, t, sizeof t);
    fprintf(out, "expected\t%s\n", c->expected != TIME_NONE ? t : "");
    fprintf(out, "unit\t%s\nagency\t%s\nchannel\t%s\ndescription\t%s\nnotes\t%s\n",
            c->unit_code ? c->unit_code : "", c->agency ? c->agency : "",
            c->channel ? c->channel : "", c->description ? c->description : "",
            c->status_notes ? c->status_notes : "");
}

const struct view_ops complaint_view_ops = {
    .name = "complaint",
    .title = "Chi tiết phản ánh",
    .feed = "complaints",
    .detail = true,
    .create = complaint_create,
    .destroy = complaint_destroy,
    .recalc = complaint_recalc,
    .draw = complaint_draw,
    .on_action = complaint_on_action,
    .crumb = complaint_crumb,
    .export = complaint_export,
};
