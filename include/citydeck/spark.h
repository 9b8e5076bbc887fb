/* Sparkline: a series in one row of cells, eight heights per cell (▁▂▃▄▅▆▇█), for table cells
 * and tiles. Fixed buffers only: it runs for hundreds of rows a frame. */
#ifndef CITYDECK_SPARK_H
#define CITYDECK_SPARK_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "citydeck/theme.h"

/* Widest sparkline spark_draw renders; wider requests are cut to this many cells. */
#define SPARK_MAX_CELLS 512
/* Bytes a rendering of width cells needs, terminating NUL included. */
#define SPARK_BUFSZ(width) ((size_t)(width)*3 + 1)

/* Writes width cells of UTF-8 into out: v[n-1] (the latest) in the rightmost cell, older
 * points to its left. When n > width only the last width points are drawn (no averaging,
 * so the newest cell is always a real reading); when n < width the left is padded with
 * blanks. Heights scale from the minimum to the maximum of the finite values drawn; a flat
 * series sits at mid-height (▄). NaN and infinite values are blank cells. ascii uses
 * "_.:-=+*#" low to high: '_' rather than ' ' for the lowest step so a blank always means
 * "no reading". When out (outsz bytes) cannot hold width cells, fewer (the newest) are
 * drawn. Returns the cells written; width <= 0 gives "" and 0. */
int spark_render(const double *v, size_t n, int width, bool ascii, char *out, size_t outsz);

/* spark_render into window w at (y, x) in the colours of role. */
void spark_draw(WINDOW *w, int y, int x, const double *v, size_t n, int width, bool ascii,
                enum theme_role role);

#endif
