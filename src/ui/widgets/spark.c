#include "citydeck/spark.h"

#include <math.h>
#include <string.h>

/* U+2581..U+2588, three UTF-8 bytes each. */
static const char *const blocks[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const char ascii_ramp[8] = {'_', '.', ':', '-', '=', '+', '*', '#'};

int spark_render(const double *v, size_t n, int width, bool ascii, char *out, size_t outsz)
{
    if (!out || outsz == 0)
        return 0;
    out[0] = '\0';
    if (width <= 0)
        return 0;
    size_t per_cell = ascii ? 1 : 3;
    size_t fits = (outsz - 1) / per_cell;
    size_t cells = (size_t)width < fits ? (size_t)width : fits;
    if (!v)
        n = 0;

    size_t shown = n < cells ? n : cells;
    const double *p = v ? v + (n - shown) : NULL;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < shown; i++) {
        if (!isfinite(p[i]))
            continue;
        if (p[i] < lo)
            lo = p[i];
        if (p[i] > hi)
            hi = p[i];
    }
    double span = hi - lo;
    /* A span that overflows (±DBL_MAX values) would make every ratio NaN: draw those flat. */
    bool flat = !(span > 0) || !isfinite(span);

    size_t o = 0;
    for (size_t c = 0; c < cells; c++) {
        size_t pad = cells - shown;
        int level = -1;
        if (c >= pad) {
            double x = p[c - pad];
            if (isfinite(x))
                level = flat ? 3 : (int)((x - lo) / span * 7.0 + 0.5);
        }
        if (level < 0) {
            out[o++] = ' ';
        } else if (ascii) {
            out[o++] = ascii_ramp[level > 7 ? 7 : level];
        } else {
            memcpy(out + o, blocks[level > 7 ? 7 : level], 3);
            o += 3;
        }
    }
    out[o] = '\0';
    return (int)cells;
}

void spark_draw(WINDOW *w, int y, int x, const double *v, size_t n, int width, bool ascii,
                enum theme_role role)
{
    char buf[SPARK_BUFSZ(SPARK_MAX_CELLS)];
    if (width > SPARK_MAX_CELLS)
        width = SPARK_MAX_CELLS;
    if (spark_render(v, n, width, ascii, buf, sizeof buf) <= 0)
        return;
    wattrset(w, (attr_t)theme_attr(role));
    mvwaddstr(w, y, x, buf);
    wattrset(w, A_NORMAL);
}
