/* Phản ánh: the live queue of open citizen complaints, most urgent first; scoped to a
 * commune or ward, narrowed by a preset (":complaints overdue"), filtered with /, sorted by
 * any column, and grouped (o) by the sort column with a count per group. */
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/complaints.h"
#include "citydeck/deadline.h"
#include "citydeck/list.h"
#include "citydeck/listview.h"
#include "citydeck/panel.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

enum col { C_ID, C_AGE, C_DEADLINE, C_URGENCY, C_CATEGORY, C_UNIT, C_AGENCY, C_STATUS, C_TEXT };

static const struct table_column columns[] = {
    [C_ID] = {"Mã", 12, 0, false, 0, false},
    [C_AGE] = {"Tuổi", 6, 0, true, 0, false},
    [C_DEADLINE] = {"Hạn xử lý", 14, 0, false, 0, false},
    [C_URGENCY] = {"Mức", 8, 0, false, 100, false},
    [C_CATEGORY] = {"Lĩnh vực", 14, 1, false, 90, false},
    [C_UNIT] = {"Xã/phường", 16, 2, false, 0, false},
    [C_AGENCY] = {"Đơn vị xử lý", 16, 1, false, 150, false},
    [C_STATUS] = {"Trạng thái", 14, 0, false, 0, false},
    [C_TEXT] = {"Nội dung", 12, 3, false, 110, true},
};

/* Presets: ":complaints overdue" and the drill-downs of other views. */
static const char *const presets[] = {"overdue",      "due_soon",      "urgent", "unaccepted",
                                      "unattributed", "not_satisfied", "all",    NULL};
static const char *const preset_words[] = {"quá hạn",        "sắp đến hạn",       "khẩn",
                                           "chưa tiếp nhận", "chưa rõ xã/phường", "không hài lòng",
                                           "tất cả"};

#define MAX_GROUPS 8

struct complaints_view {
    struct view base;
    struct list list;
    const struct complaint_table *t;
    const struct unit_table *units;
    int64_t now;
    size_t overdue, due_soon, urgent, unattributed;
    bool grouped;
    int group_col;
    struct {
        char name[64];
        size_t n;
    } groups[MAX_GROUPS];
    size_t ngroups, other_groups;
};

static const struct complaint *rec(const struct complaints_view *v, size_t item)
{
    return complaint_table_at(v->t, item);
}

/* Most urgent first: overdue, then khẩn, then due soon, then the rest by deadline. */
static int rank(const struct complaint *c, int64_t now)
{
    return deadline_rank(complaint_deadline(c, now), c->urgency == CURG_URGENT);
}

static const char *unit_label(const struct complaints_view *v, const struct complaint *c)
{
    if (c->unit_name && *c->unit_name)
        return c->unit_name;
    return c->unit_code ? unit_table_name(v->units, c->unit_code) : "(chưa rõ xã/phường)";
}

static const char *urgency_word(const struct complaint *c)
{
    /* Short words so the column stays narrow: "bình thường" would be cut. */
    return c->urgency == CURG_URGENT ? "khẩn" : c->urgency == CURG_COMPLEX ? "phức tạp" : "thường";
}

static const char *status_word(const struct complaint *c)
{
    return c->status != CST_UNKNOWN ? complaint_status_label(c->status)
           : c->status_raw          ? c->status_raw
                                    : "";
}

/* The plain text of a cell (also what grouping and the filter see). */
static enum theme_role cell_text(struct complaints_view *v, const struct complaint *c, int col,
                                 char *buf, size_t n)
{
    enum theme_role role = TH_NORMAL;
    buf[0] = '\0';
    switch ((enum col)col) {
    case C_ID:
        str_copy(buf, c->id, n);
        break;
    case C_AGE:
        if (c->requested != TIME_NONE)
            clock_format_age(v->now - c->requested, buf, n);
        break;
    case C_DEADLINE: {
        enum deadline_state d = complaint_deadline(c, v->now);
        deadline_text(d, c->expected, v->now, buf, n);
        return deadline_role(d);
    }
    case C_URGENCY:
        str_copy(buf, urgency_word(c), n);
        return c->urgency == CURG_URGENT ? TH_BAD : TH_NORMAL;
    case C_CATEGORY:
        str_copy(buf, c->category ? c->category : c->service_code ? c->service_code : "", n);
        break;
    case C_UNIT:
        str_copy(buf, unit_label(v, c), n);
        return c->unit_code ? TH_NORMAL : TH_DIM;
    case C_AGENCY:
        str_copy(buf, c->agency ? c->agency : "", n);
        break;
    case C_STATUS:
        str_copy(buf, status_word(c), n);
        break;
    case C_TEXT:
        str_copy(buf, c->description ? c->description : "", n);
        break;
    }
    return role;
}

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, enum theme_role *role)
{
    struct complaints_view *v = ctx;
    const struct complaint *c = rec(v, list_item(&v->list, row));
    if (c)
        *role = cell_text(v, c, col, buf, n);
}

static const char *item_key(void *ctx, size_t item, char *buf, size_t n)
{
    str_copy(buf, rec(ctx, item)->id, n);
    return buf;
}

static void item_text(void *ctx, size_t item, struct buf *out)
{
    struct complaints_view *v = ctx;
    const struct complaint *c = rec(v, item);
    buf_appendf(out, "%s %s %s %s %s %s %s %s", c->id, c->category ? c->category : "",
                unit_label(v, c), c->agency ? c->agency : "", status_word(c), urgency_word(c),
                deadline_state_label(complaint_deadline(c, v->now)),
                c->description ? c->description : "");
}

static int cmp_time(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int item_compare(void *ctx, size_t a, size_t b, int col)
{
    struct complaints_view *v = ctx;
    const struct complaint *x = rec(v, a), *y = rec(v, b);
    char bx[256], by[256];
    switch (col) {
    case -1: {
        int rx = rank(x, v->now), ry = rank(y, v->now);
        if (rx != ry)
            return rx < ry ? -1 : 1;
        if (x->expected != y->expected)
            return cmp_time(x->expected, y->expected);
        if (x->requested != y->requested)
            return cmp_time(x->requested, y->requested);
        return strcmp(x->id, y->id);
    }
    case C_AGE:
        return cmp_time(y->requested, x->requested); /* older = larger age */
    case C_DEADLINE:
        return cmp_time(x->expected, y->expected);
    case C_URGENCY:
        return (int)x->urgency - (int)y->urgency;
    case C_STATUS:
        return (int)x->status - (int)y->status;
    default:
        cell_text(v, x, col, bx, sizeof bx);
        cell_text(v, y, col, by, sizeof by);
        return strcoll(bx, by);
    }
}

/* Times as unsigned keys in 40 bits (TIME_NONE and anything before 1970 first, after year 36812
 * last): enough beside the 3 bits of the rank. */
static uint64_t time_key(int64_t t)
{
    const int64_t max = ((int64_t)1 << 40) - 1;
    return t == TIME_NONE || t < 0 ? 0 : (uint64_t)(t < max ? t : max);
}

/* The radix path of the list: the default order and the numeric columns (the same order as
 * item_compare, ties by table order). */
static bool item_sort_key(void *ctx, size_t item, int col, uint64_t *key)
{
    struct complaints_view *v = ctx;
    const struct complaint *c = rec(v, item);
    switch (col) {
    case -1:
        /* Without a deadline, the longest waiting first (item_compare's next key). */
        *key = (uint64_t)rank(c, v->now) << 40 |
               time_key(c->expected != TIME_NONE ? c->expected : c->requested);
        return true;
    case C_AGE:
        *key = ~time_key(c->requested);
        return true;
    case C_DEADLINE:
        *key = time_key(c->expected);
        return true;
    case C_URGENCY:
        *key = (uint64_t)c->urgency;
        return true;
    case C_STATUS:
        *key = (uint64_t)c->status;
        return true;
    default:
        return false;
    }
}

static const struct list_ops ops = {
    .key = item_key, .text = item_text, .compare = item_compare, .sort_key = item_sort_key};

static struct view *complaints_create(void)
{
    struct complaints_view *v = xcalloc(1, sizeof *v);
    list_init(&v->list, columns, (int)ARRAY_LEN(columns), cell, &ops, v);
    return &v->base;
}

static void complaints_destroy(struct view *base)
{
    struct complaints_view *v = (struct complaints_view *)base;
    list_free(&v->list);
    free(v);
}

static bool preset_pass(const char *preset, const struct complaint *c, int64_t now)
{
    if (!preset || strcmp(preset, "all") == 0)
        return true;
    enum deadline_state d = complaint_deadline(c, now);
    if (strcmp(preset, "overdue") == 0)
        return d == DL_OVERDUE;
    if (strcmp(preset, "due_soon") == 0)
        return d == DL_DUE_SOON;
    if (strcmp(preset, "urgent") == 0)
        return c->urgency == CURG_URGENT;
    if (strcmp(preset, "unaccepted") == 0)
        return c->status == CST_NEW || c->status == CST_VERIFYING;
    if (strcmp(preset, "unattributed") == 0)
        return !c->unit_code;
    if (strcmp(preset, "not_satisfied") == 0)
        return c->satisfaction == 0;
    return true;
}

static void count_groups(struct complaints_view *v)
{
    v->ngroups = v->other_groups = 0;
    if (!v->grouped)
        return;
    char name[256];
    for (size_t r = 0; r < list_count(&v->list); r++) {
        cell_text(v, rec(v, list_item(&v->list, r)), v->group_col, name, sizeof name);
        size_t g = 0;
        while (g < v->ngroups && strcmp(v->groups[g].name, name) != 0)
            g++;
        if (g == v->ngroups) {
            if (v->ngroups == MAX_GROUPS) {
                v->other_groups++;
                continue;
            }
            str_copy(v->groups[g].name, name, sizeof v->groups[g].name);
            v->groups[g].n = 0;
            v->ngroups++;
        }
        v->groups[g].n++;
    }
}

static void complaints_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct complaints_view *v = (struct complaints_view *)base;
    v->t = ctx->store->complaints;
    v->units = ctx->store->units;
    v->now = ctx->now;
    /* Closed complaints only with a preset that asks for them. */
    bool closed_too = ctx->arg && strcmp(ctx->arg, "not_satisfied") == 0;
    size_t total = complaint_table_count(v->t);
    v->overdue = v->due_soon = v->urgent = v->unattributed = 0;
    list_begin(&v->list);
    for (size_t i = 0; i < total; i++) {
        const struct complaint *c = complaint_table_at(v->t, i);
        if ((!c->open && !closed_too) || (ctx->scope && !str_eq(c->unit_code, ctx->scope)))
            continue;
        if (!preset_pass(ctx->arg, c, ctx->now))
            continue;
        list_add(&v->list, i);
        enum deadline_state d = complaint_deadline(c, ctx->now);
        v->overdue += d == DL_OVERDUE;
        v->due_soon += d == DL_DUE_SOON;
        v->urgent += c->urgency == CURG_URGENT;
        v->unattributed += c->unit_code == NULL;
    }
    list_end(&v->list, ctx->filter);
    v->group_col = v->list.table.sort_col >= 0 ? v->list.table.sort_col : C_CATEGORY;
    count_groups(v);
}

static void complaints_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct complaints_view *v = (struct complaints_view *)base;
    v->now = ctx->now;
    struct rect body = panel_draw_title(w, r, "Phản ánh, kiến nghị", ctx, "complaints");
    struct buf b = {0};
    buf_appendf(&b, "%s %zu · quá hạn %zu · sắp đến hạn %zu · khẩn %zu",
                ctx->arg ? "Danh sách" : "Đang mở", list_count(&v->list), v->overdue, v->due_soon,
                v->urgent);
    if (v->unattributed)
        buf_appendf(&b, " · chưa rõ xã/phường %zu", v->unattributed);
    if (filter_active(ctx->filter))
        buf_appendf(&b, " · lọc \"%s\": %zu/%zu", ctx->filter->text, list_count(&v->list),
                    v->list.total);
    panel_text(w, body.y, body.x, body.w, b.data, TH_TITLE);
    int y = body.y + 1;
    if (v->grouped && v->ngroups) {
        buf_reset(&b);
        buf_appendf(&b, "Nhóm theo %s: ", columns[v->group_col].title);
        for (size_t g = 0; g < v->ngroups; g++)
            buf_appendf(&b, "%s%s %zu", g ? " · " : "",
                        v->groups[g].name[0] ? v->groups[g].name : "(trống)", v->groups[g].n);
        if (v->other_groups)
            buf_appendf(&b, " · khác %zu", v->other_groups);
        panel_text(w, y++, body.x, body.w, b.data, TH_DIM);
    }
    buf_free(&b);
    int h = body.y + body.h - y;
    if (list_count(&v->list) == 0) {
        table_draw(&v->list.table, w, y, body.x, 1, body.w);
        panel_text(w, y + 2, body.x + 2, body.w - 4,
                   filter_active(ctx->filter) ? "Không có phản ánh khớp bộ lọc."
                                              : "Không có phản ánh đang mở.",
                   TH_DIM);
        return;
    }
    table_draw(&v->list.table, w, y, body.x, h, body.w);
}

static bool complaints_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                                 struct nav_request *req)
{
    struct complaints_view *v = (struct complaints_view *)base;
    if (a == ACT_GROUP) {
        v->grouped = !v->grouped;
        v->group_col = v->list.table.sort_col >= 0 ? v->list.table.sort_col : C_CATEGORY;
        count_groups(v);
        snprintf(req->message, sizeof req->message,
                 v->grouped ? "Nhóm theo %s (s đổi cột)" : "Bỏ nhóm%s",
                 v->grouped ? columns[v->group_col].title : "");
        return true;
    }
    (void)ctx;
    return listview_open(&v->list, a, "complaint", req);
}

static struct list *complaints_list(struct view *base)
{
    return &((struct complaints_view *)base)->list;
}

static void complaints_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    (void)base;
    listview_crumb(presets, preset_words, ctx->arg, buf, n);
}

static void complaints_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct complaints_view *v = (struct complaints_view *)base;
    char buf[1024];
    v->now = ctx->now;
    for (size_t c = 0; c < ARRAY_LEN(columns); c++)
        fprintf(out, "%s%s", c ? "\t" : "", columns[c].title);
    fputc('\n', out);
    for (size_t r = 0; r < list_count(&v->list); r++) {
        const struct complaint *c = rec(v, list_item(&v->list, r));
        for (int col = 0; col < (int)ARRAY_LEN(columns); col++) {
            cell_text(v, c, col, buf, sizeof buf);
            fprintf(out, "%s%s", col ? "\t" : "", buf);
        }
        fputc('\n', out);
    }
}

const struct view_ops complaints_view_ops = {
    .name = "complaints",
    .title = "Phản ánh",
    .feed = "complaints",
    .presets = presets,
    .create = complaints_create,
    .destroy = complaints_destroy,
    .recalc = complaints_recalc,
    .draw = complaints_draw,
    .on_action = complaints_on_action,
    .list = complaints_list,
    .crumb = complaints_crumb,
    .export = complaints_export,
};
