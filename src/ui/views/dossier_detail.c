/* Chi tiết hồ sơ: one dossier — what it is, where its deadline stands (working time used
 * against the time allowed, pauses, supplement requests, timeliness once finished) and its
 * step timeline, oldest first, with the paused intervals marked; ↑/↓ scroll the timeline.
 * Opened without an id it shows the most pressing open dossier of the scope and says so. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/bar.h"
#include "citydeck/clock.h"
#include "citydeck/deadline.h"
#include "citydeck/dossier_clock.h"
#include "citydeck/dossiers.h"
#include "citydeck/fmt.h"
#include "citydeck/panel.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/view.h"
#include "citydeck/workdays.h"

#define NONE ((size_t)-1)
#define DEADLINE_BAR 20
#define LABEL_W 12 /* "Thủ tục     ": the labels of the header and deadline lines */

/* A line of the timeline: a step, its note, or a pause (ended before step, or still on). */
enum row_kind { ROW_STEP, ROW_NOTE, ROW_PAUSE, ROW_PAUSING };

struct row {
    enum row_kind kind;
    size_t step;
    int64_t from, to; /* the pause */
};

struct dossier_detail {
    struct view base;
    const struct dossier_table *t;
    const struct unit_table *units;
    size_t idx;  /* the record's table index, NONE = none */
    bool picked; /* chosen as the most pressing (no id given) */
    char id[128];
    struct row *rows;
    size_t nrows, cap;
    size_t nsteps; /* the steps the rows were built from */
    int top;       /* first timeline row shown */
    int page;      /* timeline rows shown in the last draw */
};

static const struct dossier *record(const struct dossier_detail *v)
{
    if (v->idx == NONE || !v->t || v->idx >= dossier_table_count(v->t))
        return NULL;
    return dossier_table_at(v->t, v->idx);
}

/* ---- formatting --------------------------------------------------------------------- */

/* A number of working days as the law writes it: "10", "1,5". */
static void fmt_number(double x, char *buf, size_t n)
{
    long tenths = lround(x * 10);
    if (tenths % 10)
        snprintf(buf, n, "%ld,%ld", tenths / 10, labs(tenths % 10));
    else
        snprintf(buf, n, "%ld", tenths / 10);
}

static const char *role_word(const char *role)
{
    if (!role)
        return "";
    if (strcmp(role, "cong_dan") == 0)
        return "Công dân";
    if (strcmp(role, "mot_cua") == 0)
        return "Một cửa";
    if (strcmp(role, "chuyen_vien") == 0)
        return "Chuyên viên";
    if (strcmp(role, "lanh_dao") == 0)
        return "Lãnh đạo";
    return role;
}

/* "Một cửa · Huỳnh Thanh Cường · Công chức bộ phận một cửa, UBND phường Cẩm Thành"; the
 * citizen has no name, and a title equal to the role word is not said twice. */
static void fmt_actor(const struct dossier_step *s, bool with_title, char *buf, size_t n)
{
    const char *role = role_word(s->actor_role);
    int len = snprintf(buf, n, "%s", role);
    if (s->actor && *s->actor)
        len += snprintf(buf + len, n - (size_t)len, "%s%s", len ? " · " : "", s->actor);
    if ((size_t)len >= n)
        return;
    if ((with_title || !len) && s->actor_title && *s->actor_title &&
        strcmp(s->actor_title, role) != 0)
        snprintf(buf + len, n - (size_t)len, "%s%s", len ? " · " : "", s->actor_title);
}

static bool pausing_status(int status)
{
    return status == DST_SUPPLEMENT || status == DST_FEE;
}

/* ---- the deadline ------------------------------------------------------------------- */

/* The state word and its role: deadline state while open, timeliness once finished. */
static const char *state_word(const struct dossier *d, int64_t now, int tz, enum theme_role *role)
{
    *role = TH_DIM;
    if (dossier_is_open(d)) {
        enum deadline_state s = dossier_deadline(d, now, tz);
        *role = deadline_role(s);
        return s == DL_NONE ? "chưa có hạn" : deadline_state_label(s);
    }
    if (d->absent)
        return "đã đóng (không còn trong danh sách của hub)";
    if (d->finished != TIME_NONE) {
        enum dossier_timeliness t = dossier_timeliness(d, tz);
        *role = dossier_clock_timeliness_role(t);
        return t == DTL_NONE ? "đã xong" : dossier_timeliness_label(t);
    }
    if (d->status == DST_SUBMITTED)
        return "chờ tiếp nhận";
    if (d->status == DST_REFUSED)
        return "không được tiếp nhận";
    return "";
}

/* ---- picking and rows --------------------------------------------------------------- */

static int open_rank(enum deadline_state s)
{
    return s == DL_OVERDUE ? 0 : s == DL_DUE_SOON ? 1 : s == DL_OK ? 2 : 3;
}

/* The most pressing open dossier of the scope: overdue before due soon before the rest, then
 * the furthest past (or nearest to) its deadline, then by id so the pick is stable. */
static size_t pick(const struct dossier_table *t, const char *scope, int64_t now)
{
    size_t best = NONE, n = dossier_table_count(t);
    int best_rank = 4;
    int64_t best_margin = 0;
    for (size_t i = 0; i < n; i++) {
        const struct dossier *d = dossier_table_at(t, i);
        if (!dossier_is_open(d) || (scope && !str_eq(d->unit_code, scope)))
            continue;
        int r = open_rank(dossier_table_deadline_at(t, i));
        int64_t margin = d->due == TIME_NONE ? INT64_MAX : d->due - dossier_clock_ref(d, now);
        if (best == NONE || r < best_rank || (r == best_rank && margin < best_margin) ||
            (r == best_rank && margin == best_margin &&
             strcmp(d->id, dossier_table_at(t, best)->id) < 0)) {
            best = i;
            best_rank = r;
            best_margin = margin;
        }
    }
    return best;
}

static void push_row(struct dossier_detail *v, enum row_kind kind, size_t step, int64_t from,
                     int64_t to)
{
    v->rows = xgrow(v->rows, &v->cap, v->nrows + 1, sizeof *v->rows);
    v->rows[v->nrows++] = (struct row){kind, step, from, to};
}

/* Steps in order with their notes; a pause (status 5 or 6 until a step leaves it) gets a
 * line before the step that ended it, or after the last step while it lasts. */
static void build_rows(struct dossier_detail *v, const struct dossier *d)
{
    v->nrows = 0;
    v->nsteps = d ? d->nsteps : 0;
    if (!d || !d->has_steps)
        return;
    int64_t pause_from = TIME_NONE;
    for (size_t i = 0; i < d->nsteps; i++) {
        const struct dossier_step *s = &d->steps[i];
        bool pausing = pausing_status(s->status);
        if (pause_from != TIME_NONE && !pausing) {
            push_row(v, ROW_PAUSE, i, pause_from, s->at);
            pause_from = TIME_NONE;
        }
        push_row(v, ROW_STEP, i, TIME_NONE, TIME_NONE);
        if (s->note && *s->note)
            push_row(v, ROW_NOTE, i, TIME_NONE, TIME_NONE);
        if (pausing && pause_from == TIME_NONE)
            pause_from = s->at;
    }
    if (pause_from != TIME_NONE || d->paused_since != TIME_NONE)
        push_row(v, ROW_PAUSING, d->nsteps,
                 d->paused_since != TIME_NONE ? d->paused_since : pause_from, TIME_NONE);
}

static struct view *dossier_create(void)
{
    struct dossier_detail *v = xcalloc(1, sizeof *v);
    v->idx = NONE;
    return &v->base;
}

static void dossier_destroy(struct view *base)
{
    struct dossier_detail *v = (struct dossier_detail *)base;
    free(v->rows);
    free(v);
}

static void dossier_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct dossier_detail *v = (struct dossier_detail *)base;
    size_t before = v->idx;
    v->t = ctx->store->dossiers;
    v->units = ctx->store->units;
    v->idx = NONE;
    v->picked = false;
    if (ctx->arg) {
        str_copy(v->id, ctx->arg, sizeof v->id);
        const struct dossier *d = dossier_table_find(v->t, ctx->arg);
        if (d)
            v->idx = (size_t)(d - dossier_table_at(v->t, 0));
    } else {
        v->idx = pick(v->t, ctx->scope, ctx->now);
        v->picked = v->idx != NONE;
        str_copy(v->id, v->picked ? dossier_table_at(v->t, v->idx)->id : "", sizeof v->id);
    }
    if (v->idx != before)
        v->top = 0; /* another record (a new pick): its timeline from the start */
    build_rows(v, record(v));
}

/* ---- drawing ------------------------------------------------------------------------ */

static void draw_info(const struct dossier_detail *v, const struct dossier *d, WINDOW *w,
                      struct rect r)
{
    char line[1024];
    int y = r.y, end = r.y + r.h;
    if (y < end) {
        snprintf(line, sizeof line, "Thủ tục     %s%s%s",
                 d->procedure_code ? d->procedure_code : "",
                 d->procedure_code && d->procedure ? " · " : "", d->procedure ? d->procedure : "");
        panel_text(w, y++, r.x + 1, r.w - 2, line, TH_NORMAL);
    }
    if (y < end) {
        snprintf(line, sizeof line, "Lĩnh vực    %s · mức độ: %s · kênh: %s",
                 d->field ? d->field : "–", dossier_level_label(d->level),
                 dossier_channel_label(d->channel));
        panel_text(w, y++, r.x + 1, r.w - 2, line, TH_NORMAL);
    }
    if (y < end) {
        const char *unit = d->unit_code ? unit_table_name(v->units, d->unit_code) : NULL;
        if (unit && strcmp(unit, d->unit_code) == 0 && d->unit_name && *d->unit_name)
            unit = d->unit_name;
        if (!unit)
            unit = d->unit_name && *d->unit_name ? d->unit_name : "(chưa rõ xã/phường)";
        snprintf(line, sizeof line, "Xã/phường   %s · trạng thái: %s", unit,
                 dossier_status_label(d->status));
        panel_text(w, y++, r.x + 1, r.w - 2, line, TH_NORMAL);
    }
}

/* The deadline block's lines, in order; the layout decides how many are shown. */
static int deadline_lines(const struct dossier *d)
{
    int n = 2; /* dates; working time */
    if (d->paused_since != TIME_NONE || d->paused_s > 0)
        n++;
    if (d->supplements > 0)
        n++;
    if (d->finished != TIME_NONE || d->returned != TIME_NONE)
        n++;
    return n;
}

static void draw_deadline(const struct dossier *d, const struct view_ctx *ctx, WINDOW *w,
                          struct rect r)
{
    char line[1024], a[48], b[48], c[64], e[48];
    int tz = ctx->tz_offset_s, y = r.y, end = r.y + r.h, x = r.x + 1, width = r.w - 2;
    if (y < end) {
        fmt_time(d->submitted, tz, true, "–", a, sizeof a);
        fmt_time(d->received, tz, true, "–", b, sizeof b);
        fmt_time(d->due, tz, true, "–", c, sizeof c);
        /* The due date first: it is what a narrow terminal must keep. */
        int len = snprintf(line, sizeof line, "Hẹn trả     %s", c);
        if (d->legal_days > 0) {
            fmt_number(d->legal_days, e, sizeof e);
            len +=
                snprintf(line + len, sizeof line - (size_t)len, " (quy định %s ngày làm việc)", e);
        }
        snprintf(line + len, sizeof line - (size_t)len, " · tiếp nhận %s · nộp %s", b, a);
        panel_text(w, y++, x, width, line, TH_NORMAL);
    }
    if (y < end) {
        enum theme_role role;
        const char *state = state_word(d, ctx->now, tz, &role);
        double allowed = dossier_clock_allowed(d, tz);
        if (allowed > 0 && d->due != TIME_NONE && d->received != TIME_NONE) {
            double left = dossier_clock_left(d, ctx->now, tz);
            double used = allowed - left;
            if (used < 0)
                used = 0;
            panel_text(w, y, x, LABEL_W, "Đã dùng", TH_NORMAL);
            int bw = width >= 70 ? DEADLINE_BAR : width >= 50 ? 10 : 0;
            if (bw) {
                bar_draw_over(w, y, x + LABEL_W, used / allowed, bw, text_ascii() != 0, role,
                              TH_CRIT);
                bw++;
            }
            bw += LABEL_W;
            fmt_workdays(used, a, sizeof a);
            fmt_number(allowed, b, sizeof b);
            dossier_clock_words(left, dossier_is_open(d), c, sizeof c);
            snprintf(line, sizeof line, "%s / %s ngày (%ld%%) · %s · %s", a, b,
                     lround(used / allowed * 100), c, state);
            panel_text(w, y++, x + bw, width - bw, line, role);
        } else {
            snprintf(line, sizeof line,
                     "Đã dùng     chưa tính được (chưa tiếp nhận hoặc chưa có hạn)%s%s",
                     *state ? " · " : "", state);
            panel_text(w, y++, x, width, line, role);
        }
    }
    if (y < end && (d->paused_since != TIME_NONE || d->paused_s > 0)) {
        fmt_workdays((double)d->paused_s / WORKDAYS_DAY_SECONDS, b, sizeof b);
        if (d->paused_since != TIME_NONE) {
            fmt_time(d->paused_since, tz, true, "–", a, sizeof a);
            fmt_workdays(workdays_between(d->paused_since, ctx->now, tz), c, sizeof c);
            int len =
                snprintf(line, sizeof line, "Tạm dừng    tạm dừng từ %s (%s, %s) · đồng hồ đứng", a,
                         c, d->status == DST_FEE ? "chờ nghĩa vụ tài chính" : "chờ bổ sung");
            if (d->paused_s > 0)
                snprintf(line + len, sizeof line - (size_t)len, " · các lần trước %s", b);
        } else {
            snprintf(line, sizeof line, "Tạm dừng    đã tạm dừng %s (hẹn trả đã dời theo)", b);
        }
        panel_text(w, y++, x, width, line, d->paused_since != TIME_NONE ? TH_WARN : TH_NORMAL);
    }
    if (y < end && d->supplements > 0) {
        snprintf(line, sizeof line, "Bổ sung     yêu cầu bổ sung %d lần%s", d->supplements,
                 d->supplements >= 2 ? " · yêu cầu bổ sung ≥ 2 lần: tính trễ hạn (766)" : "");
        panel_text(w, y++, x, width, line, d->supplements >= 2 ? TH_BAD : TH_NORMAL);
    }
    if (y < end && (d->finished != TIME_NONE || d->returned != TIME_NONE)) {
        enum theme_role role;
        const char *state = state_word(d, ctx->now, tz, &role);
        fmt_time(d->finished, tz, true, "–", a, sizeof a);
        fmt_time(d->returned, tz, true, "–", b, sizeof b);
        snprintf(line, sizeof line, "Kết quả     xử lý xong %s · %s · trả kết quả %s", a, state, b);
        panel_text(w, y++, x, width, line, role);
    }
}

/* Timeline columns for a width: time, status, action, actor. */
struct tl_cols {
    int time, status, action, actor;
    bool titles;
};

static struct tl_cols tl_layout(int width)
{
    struct tl_cols c = {11, width >= 100 ? 22 : 16, 0, 0, width >= 100};
    int rest = width - 2 - c.time - 1 - c.status - 1 - 1;
    if (rest < 20) {
        c.status = 0;
        rest = width - 2 - c.time - 1 - 1;
    }
    c.action = rest * 2 / 5;
    c.actor = rest - c.action;
    return c;
}

static void draw_row(const struct dossier_detail *v, const struct dossier *d, const struct row *rw,
                     const struct view_ctx *ctx, WINDOW *w, int y, int x, int width,
                     struct tl_cols c)
{
    char text[1024], cellbuf[1024], a[48], b[48];
    const char *gutter = text_ascii() ? "|" : "‖";
    int tz = ctx->tz_offset_s;
    (void)v;
    if (rw->kind == ROW_PAUSE || rw->kind == ROW_PAUSING) {
        fmt_time(rw->from, tz, false, "–", a, sizeof a);
        if (rw->kind == ROW_PAUSE) {
            fmt_time(rw->to, tz, false, "–", b, sizeof b);
            char days[48];
            fmt_workdays(workdays_between(rw->from, rw->to, tz), days, sizeof days);
            snprintf(text, sizeof text, "%s tạm dừng %s làm việc (%s → %s): hẹn trả dời theo",
                     gutter, days, a, b);
        } else {
            char days[48];
            fmt_workdays(workdays_between(rw->from, ctx->now, tz), days, sizeof days);
            snprintf(text, sizeof text, "%s đang tạm dừng từ %s (%s làm việc): đồng hồ đứng",
                     gutter, a, days);
        }
        panel_text(w, y, x, width, text, TH_WARN);
        return;
    }
    if (rw->step >= d->nsteps)
        return; /* the record lost its steps since the rows were built */
    const struct dossier_step *s = &d->steps[rw->step];
    bool in_pause = false;
    /* A step taken while the clock stood (5 → 5, 6 → 6) keeps the pause mark. */
    if (rw->step > 0 && pausing_status(d->steps[rw->step - 1].status) && pausing_status(s->status))
        in_pause = true;
    if (rw->kind == ROW_NOTE) {
        snprintf(text, sizeof text, "ghi chú: %s", s->note);
        panel_text(w, y, x + 2 + c.time + 1, width - 2 - c.time - 1, text, TH_DIM);
        return;
    }
    int cx = x;
    panel_text(w, y, cx, 2, in_pause ? gutter : " ", TH_WARN);
    cx += 2;
    fmt_time(s->at, tz, false, "–", a, sizeof a);
    text_pad(a, c.time, 0, cellbuf, sizeof cellbuf);
    panel_text(w, y, cx, c.time, cellbuf, TH_DIM);
    cx += c.time + 1;
    if (c.status) {
        text_pad(dossier_status_label(s->status), c.status, 0, cellbuf, sizeof cellbuf);
        panel_text(w, y, cx, c.status, cellbuf, pausing_status(s->status) ? TH_WARN : TH_NORMAL);
        cx += c.status + 1;
    }
    text_pad(s->action ? s->action : "", c.action, 0, cellbuf, sizeof cellbuf);
    panel_text(w, y, cx, c.action, cellbuf, TH_NORMAL);
    cx += c.action + 1;
    fmt_actor(s, c.titles, text, sizeof text);
    panel_text(w, y, cx, x + width - cx, text, TH_DIM);
}

static void draw_timeline(struct dossier_detail *v, const struct dossier *d,
                          const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    char title[160];
    int page = r.h - 1;
    v->page = page > 0 ? page : 1;
    int max_top = (int)v->nrows - v->page;
    if (v->top > max_top)
        v->top = max_top;
    if (v->top < 0)
        v->top = 0;
    int len = snprintf(title, sizeof title, "Quá trình xử lý");
    if (d->has_steps)
        len += snprintf(title + len, sizeof title - (size_t)len, " (%zu bước)", d->nsteps);
    if ((int)v->nrows > v->page)
        snprintf(title + len, sizeof title - (size_t)len, " · ↑↓ %d–%d/%zu", v->top + 1,
                 v->top + v->page < (int)v->nrows ? v->top + v->page : (int)v->nrows, v->nrows);
    struct rect body = panel_draw_title(w, r, title, ctx, NULL);
    if (body.h <= 0)
        return;
    if (!d->has_steps) {
        panel_text(w, body.y, body.x + 2, body.w - 4,
                   "chưa tải lịch sử xử lý (danh sách chỉ có trạng thái hiện tại)", TH_DIM);
        return;
    }
    if (v->nrows == 0) {
        panel_text(w, body.y, body.x + 2, body.w - 4, "Chưa có bước xử lý nào.", TH_DIM);
        return;
    }
    struct tl_cols c = tl_layout(body.w - 1);
    for (int i = 0; i < body.h && v->top + i < (int)v->nrows; i++)
        draw_row(v, d, &v->rows[v->top + i], ctx, w, body.y + i, body.x + 1, body.w - 1, c);
}

static void dossier_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct dossier_detail *v = (struct dossier_detail *)base;
    const struct dossier *d = record(v);
    char title[256];
    if (!d) {
        struct rect body = panel_draw_title(w, r, "Chi tiết hồ sơ", ctx, "dossiers");
        if (ctx->arg)
            snprintf(title, sizeof title,
                     "Không tìm thấy hồ sơ %s (chưa tải về, hoặc hub không còn giữ).", v->id);
        else
            str_copy(title, "Không có hồ sơ đang giải quyết trong phạm vi này.", sizeof title);
        panel_text(w, body.y + 1, body.x + 2, body.w - 4, title, TH_DIM);
        return;
    }
    if (d->nsteps != v->nsteps)
        build_rows(v, d); /* the steps changed under a paused or held screen */
    int dl = deadline_lines(d);
    struct panel_req req[] = {
        {4, 20, 4, 3},      /* header: title + 3 lines */
        {3, 20, 1 + dl, 2}, /* deadline: title + lines */
        {4, 20, 0, 1},      /* timeline: the rest */
    };
    struct rect out[3];
    layout_stack(req, 3, r, out);
    if (out[0].h > 0) {
        snprintf(title, sizeof title, "Hồ sơ %s%s", d->id, v->picked ? " · tự chọn: gấp nhất" : "");
        struct rect body = panel_draw_title(w, out[0], title, ctx, "dossiers");
        draw_info(v, d, w, body);
    }
    if (out[1].h > 0) {
        struct rect body = panel_draw_title(w, out[1], "Thời hạn", ctx, NULL);
        draw_deadline(d, ctx, w, body);
    }
    if (out[2].h > 0)
        draw_timeline(v, d, ctx, w, out[2]);
}

static bool dossier_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                              struct nav_request *req)
{
    struct dossier_detail *v = (struct dossier_detail *)base;
    (void)ctx;
    (void)req;
    int page = v->page > 1 ? v->page - 1 : 1;
    switch (a) {
    case ACT_UP:
        v->top--;
        break;
    case ACT_DOWN:
        v->top++;
        break;
    case ACT_PAGE_UP:
        v->top -= page;
        break;
    case ACT_PAGE_DOWN:
        v->top += page;
        break;
    case ACT_HOME:
        v->top = 0;
        break;
    case ACT_END:
        v->top = (int)v->nrows;
        break;
    default:
        return false;
    }
    /* draw clamps the bottom (it knows the page); the top is clamped here. */
    int max_top = (int)v->nrows - (v->page > 0 ? v->page : 1);
    if (v->top > max_top)
        v->top = max_top;
    if (v->top < 0)
        v->top = 0;
    return true;
}

static void dossier_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    struct dossier_detail *v = (struct dossier_detail *)base;
    (void)ctx;
    if (!v->picked) {
        str_copy(buf, v->id, n);
        return;
    }
    const struct dossier *d = record(v);
    enum deadline_state s = d ? dossier_table_deadline_at(v->t, v->idx) : DL_NONE;
    snprintf(buf, n, "%s (%s)", v->id,
             s == DL_OVERDUE    ? "quá hạn nhất"
             : s == DL_DUE_SOON ? "sắp đến hạn nhất"
                                : "hạn gần nhất");
}

static void export_kv(FILE *out, const char *key, const char *value)
{
    fprintf(out, "%s\t%s\n", key, value ? value : "");
}

static void dossier_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct dossier_detail *v = (struct dossier_detail *)base;
    const struct dossier *d = record(v);
    char buf[1024], a[64], b[64];
    int tz = ctx->tz_offset_s;
    if (!d) {
        export_kv(out, "Mã hồ sơ", v->id);
        export_kv(out, "Lỗi", "không tìm thấy hồ sơ");
        return;
    }
    export_kv(out, "Mã hồ sơ", d->id);
    export_kv(out, "Mã thủ tục", d->procedure_code);
    export_kv(out, "Thủ tục", d->procedure);
    export_kv(out, "Lĩnh vực", d->field);
    export_kv(out, "Mức độ", dossier_level_label(d->level));
    export_kv(out, "Kênh", dossier_channel_label(d->channel));
    export_kv(out, "Mã xã/phường", d->unit_code);
    export_kv(out, "Xã/phường",
              d->unit_code ? unit_table_name(v->units, d->unit_code) : d->unit_name);
    snprintf(buf, sizeof buf, "%d %s", d->status, dossier_status_label(d->status));
    export_kv(out, "Trạng thái", buf);
    const struct {
        const char *key;
        int64_t t;
    } times[] = {{"Nộp", d->submitted},        {"Tiếp nhận", d->received},
                 {"Hẹn trả", d->due},          {"Xử lý xong", d->finished},
                 {"Trả kết quả", d->returned}, {"Tạm dừng từ", d->paused_since}};
    for (size_t i = 0; i < ARRAY_LEN(times); i++) {
        if (times[i].t == TIME_NONE)
            buf[0] = '\0';
        else
            clock_format_iso(times[i].t, tz, buf, sizeof buf);
        export_kv(out, times[i].key, buf);
    }
    fmt_number(d->legal_days, buf, sizeof buf);
    export_kv(out, "Số ngày làm việc theo quy định", d->legal_days > 0 ? buf : "");
    double allowed = dossier_clock_allowed(d, tz);
    if (allowed > 0 && d->due != TIME_NONE && d->received != TIME_NONE) {
        double left = dossier_clock_left(d, ctx->now, tz);
        double used = allowed - left < 0 ? 0 : allowed - left;
        fmt_number(used, a, sizeof a);
        fmt_number(allowed, b, sizeof b);
        snprintf(buf, sizeof buf, "%s/%s ngày (%ld%%)", a, b, lround(used / allowed * 100));
        export_kv(out, "Đã dùng", buf);
        dossier_clock_words(left, dossier_is_open(d), buf, sizeof buf);
        export_kv(out, "Còn lại", buf);
    }
    enum theme_role role;
    export_kv(out, "Tình trạng", state_word(d, ctx->now, tz, &role));
    fmt_number((double)d->paused_s / WORKDAYS_DAY_SECONDS, buf, sizeof buf);
    export_kv(out, "Đã tạm dừng (ngày làm việc)", buf);
    snprintf(buf, sizeof buf, "%d%s", d->supplements,
             d->supplements >= 2 ? " (yêu cầu bổ sung ≥ 2 lần: tính trễ hạn)" : "");
    export_kv(out, "Yêu cầu bổ sung", buf);
    fputc('\n', out);
    if (!d->has_steps) {
        export_kv(out, "Quá trình xử lý", "chưa tải lịch sử xử lý");
        return;
    }
    fprintf(out,
            "Bước\tThời điểm\tTrạng thái\tThao tác\tVai trò\tNgười xử lý\tChức danh\tGhi chú\n");
    for (size_t i = 0; i < d->nsteps; i++) {
        const struct dossier_step *s = &d->steps[i];
        if (s->at == TIME_NONE)
            a[0] = '\0';
        else
            clock_format_iso(s->at, tz, a, sizeof a);
        fprintf(out, "%zu\t%s\t%d %s\t%s\t%s\t%s\t%s\t%s\n", i + 1, a, s->status,
                dossier_status_label(s->status), s->action ? s->action : "",
                role_word(s->actor_role), s->actor ? s->actor : "",
                s->actor_title ? s->actor_title : "", s->note ? s->note : "");
    }
}

const struct view_ops dossier_view_ops = {
    .name = "dossier",
    .title = "Chi tiết hồ sơ",
    .feed = "dossiers",
    .detail = true,
    .create = dossier_create,
    .destroy = dossier_destroy,
    .recalc = dossier_recalc,
    .draw = dossier_draw,
    .on_action = dossier_on_action,
    .crumb = dossier_crumb,
    .export = dossier_export,
};
