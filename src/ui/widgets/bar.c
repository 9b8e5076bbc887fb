#include "citydeck/bar.h"

#include <math.h>
#include <string.h>

/* Index k holds the glyph for k eighths of a cell (U+258F..U+2588, three bytes each). */
static const char *const eighths[9] = {" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"};
#define OVER_MARK "▶"
#define OVER_MARK_ASCII '!'

/* Cells that fit in outsz bytes at the worst case of three bytes a cell. */
static int fit_cells(int width, bool ascii, size_t outsz)
{
    size_t fits = (outsz - 1) / (ascii ? 1 : 3);
    return (size_t)width < fits ? width : (int)fits;
}

/* Filled steps out of total for fraction, rounded, never 0 above 0 nor total below 1. */
static long fill_steps(double fraction, long total)
{
    if (!(fraction > 0))
        return 0; /* also NaN */
    if (fraction >= 1)
        return total;
    long steps = (long)(fraction * (double)total + 0.5);
    if (steps < 1)
        steps = 1;
    if (steps >= total && total > 1)
        steps = total - 1;
    return steps;
}

static int render_cells(double fraction, int cells, bool ascii, char *out)
{
    size_t o = 0;
    if (ascii) {
        long filled = fill_steps(fraction, cells);
        for (int c = 0; c < cells; c++)
            out[o++] = c < filled ? '#' : ' ';
    } else {
        long steps = fill_steps(fraction, (long)cells * 8);
        for (int c = 0; c < cells; c++) {
            long k = steps - (long)c * 8;
            const char *g = eighths[k <= 0 ? 0 : k >= 8 ? 8 : k];
            size_t len = strlen(g);
            memcpy(out + o, g, len);
            o += len;
        }
    }
    out[o] = '\0';
    return cells;
}

int bar_render(double fraction, int width, bool ascii, char *out, size_t outsz)
{
    if (!out || outsz == 0)
        return 0;
    out[0] = '\0';
    if (width <= 0)
        return 0;
    return render_cells(fraction, fit_cells(width, ascii, outsz), ascii, out);
}

int bar_render_over(double fraction, int width, bool ascii, char *out, size_t outsz)
{
    int cells = bar_render(fraction, width, ascii, out, outsz);
    if (cells <= 0 || !(fraction > 1))
        return cells;
    /* The last cell is a full block (or '#'): swap it for the mark, same byte count in
     * ascii, three bytes for three bytes in UTF-8. */
    if (ascii) {
        out[cells - 1] = OVER_MARK_ASCII;
    } else {
        size_t len = strlen(out);
        memcpy(out + len - 3, OVER_MARK, 3);
    }
    return cells;
}

static void draw(WINDOW *w, int y, int x, const char *s, enum theme_role role)
{
    wattrset(w, (attr_t)theme_attr(role));
    mvwaddstr(w, y, x, s);
    wattrset(w, A_NORMAL);
}

void bar_draw(WINDOW *w, int y, int x, double fraction, int width, bool ascii, enum theme_role role)
{
    char buf[BAR_BUFSZ(BAR_MAX_CELLS)];
    if (width > BAR_MAX_CELLS)
        width = BAR_MAX_CELLS;
    if (bar_render(fraction, width, ascii, buf, sizeof buf) > 0)
        draw(w, y, x, buf, role);
}

void bar_draw_over(WINDOW *w, int y, int x, double fraction, int width, bool ascii,
                   enum theme_role role, enum theme_role over_role)
{
    char buf[BAR_BUFSZ(BAR_MAX_CELLS)];
    if (width > BAR_MAX_CELLS)
        width = BAR_MAX_CELLS;
    int cells = bar_render_over(fraction, width, ascii, buf, sizeof buf);
    if (cells <= 0)
        return;
    if (!(fraction > 1)) {
        draw(w, y, x, buf, role);
        return;
    }
    /* Split before the mark: everything but the last cell in role, the mark in over_role. */
    size_t mark = strlen(buf) - (ascii ? 1 : 3);
    draw(w, y, x + cells - 1, buf + mark, over_role);
    buf[mark] = '\0';
    draw(w, y, x, buf, role);
}
