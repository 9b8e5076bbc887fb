/* Phản ánh: the live queue of open citizen complaints, most urgent first. */
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/complaints.h"
#include "citydeck/store.h"
#include "citydeck/table.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

enum col { C_ID, C_AGE, C_DEADLINE, C_URGENCY, C_CATEGORY, C_UNIT, C_AGENCY, C_STATUS, C_TEXT };

static const struct table_column columns[] = {
    [C_ID] = {"Mã", 12, 0, false, 0},
    [C_AGE] = {"Tuổi", 6, 0, true, 0},
    [C_DEADLINE] = {"Hạn xử lý", 14, 0, false, 0},
    [C_URGENCY] = {"Mức", 8, 0, false, 100},
    [C_CATEGORY] = {"Lĩnh vực", 14, 1, false, 90},
    [C_UNIT] = {"Xã/phường", 16, 2, false, 0},
    [C_AGENCY] = {"Đơn vị xử lý", 16, 1, false, 150},
    [C_STATUS] = {"Trạng thái", 14, 0, false, 0},
    [C_TEXT] = {"Nội dung", 12, 3, false, 110},
};

struct queue_row {
    const struct complaint *c;
    int rank;
};

struct complaints_view {
    struct view base;
    struct table table;
    struct queue_row *rows;
    size_t cap;
    char *selected_id;
    size_t overdue, due_soon, urgent, unattributed;
    int64_t now;
    const struct unit_table *units;
};

/* Most urgent first: overdue, then khẩn, then due soon, then the rest by deadline. */
static int rank(const struct complaint *c, int64_t now)
{
    enum deadline_state d = complaint_deadline(c, now);
    if (d == DL_OVERDUE)
        return 0;
    if (c->urgency == CURG_URGENT)
        return 1;
    if (d == DL_DUE_SOON)
        return 2;
    return d == DL_NONE ? 4 : 3;
}

static int compare_rows(const void *a, const void *b)
{
    const struct queue_row *ra = a, *rb = b;
    const struct complaint *x = ra->c, *y = rb->c;
    if (ra->rank != rb->rank)
        return ra->rank < rb->rank ? -1 : 1;
    if (x->expected != y->expected)
        return x->expected < y->expected ? -1 : 1;
    if (x->requested != y->requested)
        return x->requested < y->requested ? -1 : 1;
    return strcmp(x->id, y->id);
}

static const char *unit_label(const struct complaint *c, const struct unit_table *units)
{
    if (c->unit_name && *c->unit_name)
        return c->unit_name;
    return c->unit_code ? unit_table_name(units, c->unit_code) : "(chưa rõ xã/phường)";
}

static void cell(void *ctx, size_t row, int col, char *buf, size_t n, enum theme_role *role)
{
    struct complaints_view *v = ctx;
    const struct complaint *c = v->table.nrows > row ? v->rows[row].c : NULL;
    char age[32];
    if (!c)
        return;
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
        if (d == DL_NONE) {
            str_copy(buf, "chưa có hạn", n);
            *role = TH_DIM;
            break;
        }
        clock_format_age(d == DL_OVERDUE ? v->now - c->expected : c->expected - v->now, age,
                         sizeof age);
        snprintf(buf, n, "%s %s", d == DL_OVERDUE ? "quá" : d == DL_DUE_SOON ? "sắp" : "còn", age);
        *role = d == DL_OVERDUE ? TH_BAD : d == DL_DUE_SOON ? TH_WARN : TH_OK;
        break;
    }
    case C_URGENCY:
        /* Short words so the column stays narrow: "bình thường" would be cut. */
        str_copy(buf,
                 c->urgency == CURG_URGENT    ? "khẩn"
                 : c->urgency == CURG_COMPLEX ? "phức tạp"
                                              : "thường",
                 n);
        if (c->urgency == CURG_URGENT)
            *role = TH_BAD;
        break;
    case C_CATEGORY:
        str_copy(buf, c->category ? c->category : c->service_code ? c->service_code : "", n);
        break;
    case C_UNIT:
        str_copy(buf, unit_label(c, v->units), n);
        if (!c->unit_code)
            *role = TH_DIM;
        break;
    case C_AGENCY:
        str_copy(buf, c->agency ? c->agency : "", n);
        break;
    case C_STATUS:
        str_copy(buf,
                 c->status != CST_UNKNOWN ? complaint_status_label(c->status)
                 : c->status_raw          ? c->status_raw
                                          : "",
                 n);
        break;
    case C_TEXT:
        str_copy(buf, c->description ? c->description : "", n);
        break;
    }
}

static struct view *complaints_create(void)
{
    struct complaints_view *v = xcalloc(1, sizeof *v);
    v->table.cols = columns;
    v->table.ncols = (int)ARRAY_LEN(columns);
    v->table.cell = cell;
    v->table.ctx = v;
    return &v->base;
}

static void complaints_destroy(struct view *base)
{
    struct complaints_view *v = (struct complaints_view *)base;
    free(v->rows);
    free(v->selected_id);
    free(v);
}

static void remember_selection(struct complaints_view *v)
{
    free(v->selected_id);
    v->selected_id = NULL;
    if (v->table.selected < v->table.nrows)
        v->selected_id = xstrdup(v->rows[v->table.selected].c->id);
}

static void complaints_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct complaints_view *v = (struct complaints_view *)base;
    const struct complaint_table *t = ctx->store->complaints;
    size_t total = complaint_table_count(t), n = 0;
    v->rows = xgrow(v->rows, &v->cap, total, sizeof *v->rows);
    v->overdue = v->due_soon = v->urgent = v->unattributed = 0;
    for (size_t i = 0; i < total; i++) {
        const struct complaint *c = complaint_table_at(t, i);
        if (!c->open)
            continue;
        v->rows[n].c = c;
        v->rows[n++].rank = rank(c, ctx->now);
        enum deadline_state d = complaint_deadline(c, ctx->now);
        v->overdue += d == DL_OVERDUE;
        v->due_soon += d == DL_DUE_SOON;
        v->urgent += c->urgency == CURG_URGENT;
        v->unattributed += c->unit_code == NULL;
    }
    if (n)
        qsort(v->rows, n, sizeof *v->rows, compare_rows);
    v->table.nrows = n;
    /* The selection follows its record, not its row number, while the data moves. */
    if (v->selected_id)
        for (size_t i = 0; i < n; i++)
            if (strcmp(v->rows[i].c->id, v->selected_id) == 0) {
                v->table.selected = i;
                break;
            }
    table_clamp(&v->table);
    remember_selection(v);
}

static void complaints_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct complaints_view *v = (struct complaints_view *)base;
    v->now = ctx->now;
    v->units = ctx->store->units;
    char line[512];
    snprintf(line, sizeof line, "Đang mở %zu · quá hạn %zu · sắp đến hạn %zu · khẩn %zu",
             v->table.nrows, v->overdue, v->due_soon, v->urgent);
    if (v->unattributed) {
        size_t len = strlen(line);
        snprintf(line + len, sizeof line - len, " · chưa rõ xã/phường %zu", v->unattributed);
    }
    char fitted[512];
    text_fit(line, r.w, fitted, sizeof fitted);
    wattrset(w, theme_attr(TH_TITLE));
    mvwaddstr(w, r.y, r.x, fitted);
    wattrset(w, A_NORMAL);
    if (v->table.nrows == 0) {
        table_draw(&v->table, w, r.y + 1, r.x, 1, r.w);
        wattrset(w, theme_attr(TH_DIM));
        mvwaddstr(w, r.y + 3, r.x + 2, "Không có phản ánh đang mở.");
        wattrset(w, A_NORMAL);
        return;
    }
    table_draw(&v->table, w, r.y + 1, r.x, r.h - 1, r.w);
}

static bool complaints_on_action(struct view *base, enum action a)
{
    struct complaints_view *v = (struct complaints_view *)base;
    if (!table_on_action(&v->table, a))
        return false;
    remember_selection(v);
    return true;
}

static void complaints_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct complaints_view *v = (struct complaints_view *)base;
    char buf[1024];
    v->now = ctx->now;
    v->units = ctx->store->units;
    for (int c = 0; c < v->table.ncols; c++)
        fprintf(out, "%s%s", c ? "\t" : "", columns[c].title);
    fputc('\n', out);
    for (size_t r = 0; r < v->table.nrows; r++) {
        for (int c = 0; c < v->table.ncols; c++) {
            enum theme_role role;
            buf[0] = '\0';
            cell(v, r, c, buf, sizeof buf, &role);
            fprintf(out, "%s%s", c ? "\t" : "", buf);
        }
        fputc('\n', out);
    }
}

const struct view_ops complaints_view_ops = {
    .name = "complaints",
    .title = "Phản ánh",
    .feed = "complaints",
    .create = complaints_create,
    .destroy = complaints_destroy,
    .recalc = complaints_recalc,
    .draw = complaints_draw,
    .on_action = complaints_on_action,
    .export = complaints_export,
};
