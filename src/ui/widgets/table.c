#include "citydeck/table.h"

#include <string.h>

#include "citydeck/text.h"
#include "citydeck/util.h"

#define CELL_MAX 1024

void table_layout(const struct table *t, int total, int *widths)
{
    int fixed = 0, flex = 0, shown = 0;
    for (int i = 0; i < t->ncols; i++) {
        const struct table_column *c = &t->cols[i];
        widths[i] = 0;
        if (c->min_cols && total < c->min_cols)
            continue;
        widths[i] = c->width;
        fixed += c->width;
        flex += c->flex;
        shown++;
    }
    int spare = total - fixed - (shown > 0 ? shown - 1 : 0);
    if (spare <= 0 || flex == 0) {
        /* Narrower than the minimum: the last shown columns give up their width. */
        for (int i = t->ncols - 1; i >= 0 && spare < 0; i--) {
            int give = widths[i] < -spare ? widths[i] : -spare;
            widths[i] -= give;
            spare += give;
        }
        return;
    }
    int left = spare;
    int last_flex = -1;
    for (int i = 0; i < t->ncols; i++) {
        if (widths[i] == 0 && t->cols[i].width > 0)
            continue;
        if (t->cols[i].flex > 0) {
            int add = spare * t->cols[i].flex / flex;
            widths[i] += add;
            left -= add;
            last_flex = i;
        }
    }
    if (last_flex >= 0)
        widths[last_flex] += left;
}

static void draw_cells(struct table *t, WINDOW *w, int y, int x, const int *widths, size_t row,
                       bool header, bool selected)
{
    char raw[CELL_MAX], cell[CELL_MAX];
    int col_x = x;
    for (int i = 0; i < t->ncols; i++) {
        if (widths[i] <= 0)
            continue;
        enum theme_role role = TH_NORMAL;
        if (header && i == t->sort_col && t->sort_col >= 0)
            snprintf(raw, sizeof raw, "%s%s", t->cols[i].title,
                     t->sort_desc ? (text_ascii() ? "v" : "▼") : (text_ascii() ? "^" : "▲"));
        else if (header)
            str_copy(raw, t->cols[i].title, sizeof raw);
        else {
            raw[0] = '\0';
            t->cell(t->ctx, row, i, raw, sizeof raw, &role);
        }
        text_pad(raw, widths[i], t->cols[i].right, cell, sizeof cell);
        attr_t a = header     ? theme_attr(TH_COLHEAD)
                   : selected ? theme_attr(TH_SELECTED)
                              : theme_attr(role);
        wattrset(w, a);
        mvwaddstr(w, y, col_x, cell);
        col_x += widths[i] + 1;
    }
}

void table_draw(struct table *t, WINDOW *w, int y, int x, int height, int width)
{
    if (height <= 0 || width <= 0)
        return;
    int widths[64];
    int ncols = t->ncols < 64 ? t->ncols : 64;
    struct table tl = *t;
    tl.ncols = ncols;
    table_layout(&tl, width, widths);

    wattrset(w, theme_attr(TH_COLHEAD));
    mvwhline(w, y, x, ' ', width);
    draw_cells(&tl, w, y, x, widths, 0, true, false);

    int rows = height - 1;
    t->page = rows > 0 ? rows : 1;
    t->drawn_y = y + 1;
    table_clamp(t);
    if (t->selected < t->top)
        t->top = t->selected;
    if (rows > 0 && t->selected >= t->top + (size_t)rows)
        t->top = t->selected - (size_t)rows + 1;
    if (t->nrows <= (size_t)rows)
        t->top = 0;
    else if (t->top + (size_t)rows > t->nrows)
        t->top = t->nrows - (size_t)rows;

    for (int r = 0; r < rows; r++) {
        size_t row = t->top + (size_t)r;
        if (row >= t->nrows)
            break;
        bool sel = row == t->selected;
        if (sel) {
            wattrset(w, theme_attr(TH_SELECTED));
            mvwhline(w, y + 1 + r, x, ' ', width);
        }
        draw_cells(&tl, w, y + 1 + r, x, widths, row, false, sel);
    }
    wattrset(w, A_NORMAL);
}

size_t table_row_at(const struct table *t, int y)
{
    if (y < t->drawn_y || y >= t->drawn_y + t->page)
        return (size_t)-1;
    size_t row = t->top + (size_t)(y - t->drawn_y);
    return row < t->nrows ? row : (size_t)-1;
}

void table_clamp(struct table *t)
{
    if (t->nrows == 0)
        t->selected = t->top = 0;
    else if (t->selected >= t->nrows)
        t->selected = t->nrows - 1;
}

bool table_on_action(struct table *t, enum action a)
{
    size_t page = t->page > 1 ? (size_t)t->page - 1 : 1;
    size_t last = t->nrows ? t->nrows - 1 : 0;
    switch (a) {
    case ACT_UP:
        if (t->selected > 0)
            t->selected--;
        break;
    case ACT_DOWN:
        if (t->selected < last)
            t->selected++;
        break;
    case ACT_PAGE_UP:
        t->selected = t->selected > page ? t->selected - page : 0;
        break;
    case ACT_PAGE_DOWN:
        t->selected = t->selected + page < last ? t->selected + page : last;
        break;
    case ACT_HOME:
        t->selected = 0;
        break;
    case ACT_END:
        t->selected = last;
        break;
    default:
        return false;
    }
    return true;
}
