/* The one generic table/list (tmux's mode-tree idea): columns, a row callback, selection and
 * scrolling. Views supply cells; the table lays out, clips and draws. */
#ifndef CITYDECK_TABLE_H
#define CITYDECK_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "citydeck/keys.h"
#include "citydeck/theme.h"

struct table_column {
    const char *title;
    int width;    /* fixed width, or the minimum when flex > 0 */
    int flex;     /* share of the remaining width */
    bool right;   /* right-aligned (numbers) */
    int min_cols; /* hide this column when the table is narrower than this (0 = never) */
    bool nosort;  /* s skips this column */
};

/* Writes the text of one cell and optionally its role (default TH_NORMAL). */
typedef void (*table_cell_fn)(void *ctx, size_t row, int col, char *buf, size_t n,
                              enum theme_role *role);

struct table {
    const struct table_column *cols;
    int ncols;
    size_t nrows;
    size_t selected;
    size_t top;
    table_cell_fn cell;
    void *ctx;
    int page;     /* rows visible in the last draw */
    int sort_col; /* marked in the header with ▲/▼; -1 = none */
    bool sort_desc;
    int drawn_y; /* screen row of the first data row in the last draw (mouse) */
};

/* Computes column widths for a total width; hidden columns get 0. widths has ncols slots. */
void table_layout(const struct table *t, int total, int *widths);
/* Draws the header and rows in the rectangle (curses window w). */
void table_draw(struct table *t, WINDOW *w, int y, int x, int height, int width);
/* Moves the selection; returns true if the action was handled. */
bool table_on_action(struct table *t, enum action a);
/* The row at screen row y of the last draw, or (size_t)-1. */
size_t table_row_at(const struct table *t, int y);
/* Keeps the selection in range after nrows changed. */
void table_clamp(struct table *t);

#endif
