/* Panels: a titled box inside a view with its data age and a STALE badge, and the layout
 * that gives panels room by priority, folding the least important away on small terminals. */
#ifndef CITYDECK_PANEL_H
#define CITYDECK_PANEL_H

#include <stddef.h>

#include "citydeck/theme.h"
#include "citydeck/view.h"

/* One panel's wish. Heights are rows including the title line. */
struct panel_req {
    int min_h, min_w; /* below this the panel is not shown at all */
    int want_h;       /* the height it would like; 0 = all that is left */
    int priority;     /* higher stays longer */
};

/* Stacks panels top to bottom in area, in the order given: the highest-priority panels get
 * their minimum first, the rest fold away (out[i].h = 0), then spare rows go to those that
 * want more, in priority order. Returns how many are shown. */
size_t layout_stack(const struct panel_req *req, size_t n, struct rect area, struct rect *out);
/* Columns of at least min_w cells (and at most max) that fit in width. */
int layout_columns(int width, int min_w, int max);

/* Draws a panel's title line in row r.y: "── Title ────── dữ liệu 4s ──", with a STALE
 * badge when the feed (NULL = none) is stale or failing. Returns the rectangle below it. */
struct rect panel_draw_title(WINDOW *w, struct rect r, const char *title,
                             const struct view_ctx *ctx, const char *feed);
/* A line of text fitted into r's width at row y (relative to the window). */
void panel_text(WINDOW *w, int y, int x, int width, const char *s, int role);

#endif
