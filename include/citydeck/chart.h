/* Line chart of one time series in a rectangle: braille dots (2 × 4 per cell, U+2800-U+28FF)
 * like btop's graphs, dashed threshold lines with their labels at the right edge, a y axis
 * with 3-5 ticks on the left and HH:MM times along the bottom. chart_raster is the pure part
 * (spec → grid of cells, testable without a terminal); chart_draw copies a grid into a
 * window. The grid keeps its cells between frames, so a redraw allocates nothing. */
#ifndef CITYDECK_CHART_H
#define CITYDECK_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "citydeck/theme.h"

#define CHART_MAX_THRESHOLDS 4
#define CHART_BRAILLE 0x2800u

struct chart_series {
    const int64_t *t_ms; /* ascending */
    const double *v;     /* NaN = no reading: the line breaks there */
    size_t n;
};

struct chart_threshold {
    double value;         /* NaN: not drawn */
    const char *label;    /* "BĐ II", "Kém (101)"; NULL for none */
    enum theme_role role; /* TH_WARN, TH_BAD, ... */
};

struct chart_spec {
    struct chart_series series;
    int64_t t0_ms, t1_ms; /* time at the left and right edge of the plot (t1 > t0) */
    int64_t gap_ms;       /* consecutive readings further apart than this are not joined
                             (0: only NaN breaks the line) */
    struct chart_threshold th[CHART_MAX_THRESHOLDS];
    int nth;
    int decimals;     /* y labels, 0-6; ticks are never closer than one unit of it */
    const char *unit; /* appended to y labels as is ("m", " µg/m³"); NULL for none */
    int tz_offset_s;  /* x labels in this UTC offset (CLOCK_VN_OFFSET) */
    bool ascii;       /* '*' per cell with data, '-' for thresholds, '|' '+' for the axis */
    enum theme_role line_role;
};

/* What a cell holds, for colouring and for tests. */
enum chart_kind {
    CHART_EMPTY,     /* a space */
    CHART_DATA,      /* braille dots (or '*') of the series */
    CHART_THRESHOLD, /* braille dots (or '-') of a threshold line */
    CHART_AXIS,      /* the y axis line and its tick marks */
    CHART_TEXT,      /* a label */
};

struct chart_cell {
    uint32_t cp;  /* code point; 0 = right half of the wide character to its left */
    uint8_t role; /* enum theme_role */
    uint8_t kind; /* enum chart_kind */
};

/* The rasterised chart. Zero-initialise, reuse across frames, chart_grid_free at the end. */
struct chart_grid {
    struct chart_cell *cells; /* row-major, w × h */
    size_t cap;
    int w, h;
    /* Where the plot went and what it spans: the dot at (dx, dy), 0 <= dx < 2 * plot_w,
     * 0 <= dy < 4 * plot_h, is cell (plot_x + dx / 2, plot_y + dy / 4); dy = 0 is y_hi,
     * dy = 4 * plot_h - 1 is y_lo; dx = 0 is t0_ms, dx = 2 * plot_w - 1 is t1_ms. */
    int plot_x, plot_y, plot_w, plot_h;
    double y_lo, y_hi, y_step;
};

/* Lays the chart out in width × height cells and rasterises it into g (grown if needed).
 * The y range spans the finite readings inside [t0_ms, t1_ms] and every threshold, widened
 * to whole tick steps (1, 2 or 5 × 10^k). What does not fit is dropped in this order:
 * threshold labels (plot narrower than 10), y labels (narrower than 4), x labels (fewer
 * than 3 rows). */
void chart_raster(const struct chart_spec *s, int width, int height, struct chart_grid *g);

/* Copies g into window w with its top-left corner at (y, x). */
void chart_draw(WINDOW *w, int y, int x, const struct chart_grid *g);

void chart_grid_free(struct chart_grid *g);

#endif
