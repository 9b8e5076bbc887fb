/* Bars and gauges: a fraction as a filled run of cells with eighth-of-a-cell precision
 * (▏▎▍▌▋▊▉█), and a progress bar that shows when it ran past 100 % (time used against the
 * time allowed). Fixed buffers only: these run for hundreds of rows a frame. */
#ifndef CITYDECK_BAR_H
#define CITYDECK_BAR_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "citydeck/theme.h"

/* Widest bar the draw helpers render; wider requests are cut to this many cells. */
#define BAR_MAX_CELLS 512
/* Bytes a rendering of width cells needs, terminating NUL included. */
#define BAR_BUFSZ(width) ((size_t)(width)*3 + 1)

/* Writes width cells of UTF-8 into out: fraction (clamped to [0, 1]) of the width filled,
 * rounded to the nearest eighth of a cell (ascii: to the nearest cell, '#'), the rest spaces.
 * Two exceptions to the rounding keep the bar honest: a fraction above 0 shows at least the
 * smallest step and one below 1 never shows full. NaN gives width spaces. When out (outsz
 * bytes) cannot hold width cells the bar is that much narrower. Returns the cells written;
 * width <= 0 gives "" and 0. */
int bar_render(double fraction, int width, bool ascii, char *out, size_t outsz);

/* As bar_render for fraction <= 1. Above 1 the bar is full and its last cell is the overflow
 * mark '▶' (ascii '!'), so "at the limit" and "past it" never look alike. */
int bar_render_over(double fraction, int width, bool ascii, char *out, size_t outsz);

/* bar_render into window w at (y, x) in the colours of role. */
void bar_draw(WINDOW *w, int y, int x, double fraction, int width, bool ascii,
              enum theme_role role);
/* bar_render_over into w; the overflow mark, when there is one, in over_role. */
void bar_draw_over(WINDOW *w, int y, int x, double fraction, int width, bool ascii,
                   enum theme_role role, enum theme_role over_role);

#endif
