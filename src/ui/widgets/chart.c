#include "citydeck/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <utf8proc.h>

#include "citydeck/clock.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

#define MAX_TICKS 5
#define LABEL_BYTES 64
#define TH_LABEL_COLS 20 /* a longer threshold label is cut with an ellipsis */
#define X_LABEL_COLS 5   /* "HH:MM" or "dd/mm" */
#define X_LABEL_GAP 2

#define AXIS_LINE 0x2502u /* │ */
#define AXIS_TICK 0x2524u /* ┤ */

/* Braille bit of the dot in column c (0-1), row r (0-3) of a cell (Unicode 2800 block). */
static const uint8_t dot_bit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};

struct ticks {
    int n;
    double v[MAX_TICKS + 1];
    char label[MAX_TICKS + 1][LABEL_BYTES];
    int width; /* widest label, columns */
};

static struct chart_cell *cell_at(struct chart_grid *g, int x, int y)
{
    return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

static void set_cell(struct chart_grid *g, int x, int y, uint32_t cp, int role, int kind)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return;
    struct chart_cell *c = cell_at(g, x, y);
    c->cp = cp;
    c->role = (uint8_t)role;
    c->kind = (uint8_t)kind;
}

/* Writes s from (x, y), at most cols columns (cut with an ellipsis); returns columns used. */
static int put_text(struct chart_grid *g, int x, int y, int cols, const char *s, int role)
{
    char fit[LABEL_BYTES * 2];
    if (cols <= 0 || !s)
        return 0;
    text_fit(s, cols, fit, sizeof fit);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)fit;
    utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(fit);
    int used = 0;
    for (utf8proc_ssize_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, len - i, &cp);
        if (k <= 0) {
            cp = 0xFFFD;
            k = 1;
        }
        i += k;
        int w = wcwidth((wchar_t)cp);
        if (w <= 0) /* combining marks cannot share a cell here; labels are NFC anyway */
            continue;
        if (used + w > cols)
            break;
        set_cell(g, x + used, y, (uint32_t)cp, role, CHART_TEXT);
        if (w == 2)
            set_cell(g, x + used + 1, y, 0, role, CHART_TEXT);
        used += w;
    }
    return used;
}

static void format_value(double v, int decimals, const char *unit, char *out, size_t n)
{
    if (fabs(v) < 0.5 * pow(10, -decimals))
        v = 0; /* no "-0.0" */
    snprintf(out, n, "%.*f%s", decimals, v, unit ? unit : "");
}

/* The smallest 1, 2 or 5 × 10^k not below x (x > 0). */
static double nice_up(double x)
{
    double p = pow(10, floor(log10(x)));
    double m = x / p;
    if (m <= 1 + 1e-9)
        return p;
    if (m <= 2 + 1e-9)
        return 2 * p;
    if (m <= 5 + 1e-9)
        return 5 * p;
    return 10 * p;
}

/* The 1-2-5 step after step. */
static double nice_next(double step)
{
    double p = pow(10, floor(log10(step) + 1e-9));
    double m = step / p;
    return m < 1.5 ? 2 * p : m < 3.5 ? 5 * p : 10 * p;
}

static bool in_window(const struct chart_spec *s, int64_t t)
{
    return t >= s->t0_ms && t <= s->t1_ms;
}

/* Data inside the time window and every threshold, never an empty span. */
static void value_range(const struct chart_spec *s, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    const struct chart_series *se = &s->series;
    for (size_t i = 0; se->v && se->t_ms && i < se->n; i++) {
        double v = se->v[i];
        if (!isfinite(v) || !in_window(s, se->t_ms[i]))
            continue;
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
    for (int i = 0; i < s->nth && i < CHART_MAX_THRESHOLDS; i++) {
        double v = s->th[i].value;
        if (!isfinite(v))
            continue;
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
    if (*lo > *hi) {
        *lo = 0;
        *hi = 1;
    } else if (*lo == 0 && *hi == 0) {
        *hi = 1; /* an all-zero series (no complaints) reads best on 0..1, not -1..1 */
    } else if (*lo == *hi) {
        double d = fabs(*lo) * 0.1;
        *lo -= d;
        *hi += d;
    }
    if (!isfinite(*hi - *lo)) { /* readings near ±DBL_MAX: keep the arithmetic finite */
        *lo = -1e300;
        *hi = 1e300;
    }
}

/* Widens [lo, hi] to whole steps with at most max_ticks ticks, steps no finer than the
 * labels' last decimal, and fills in the tick labels. */
static void make_ticks(double lo, double hi, int max_ticks, int decimals, const char *unit,
                       struct ticks *tk, double *a, double *b, double *step)
{
    double min_step = pow(10, -decimals);
    double raw = (hi - lo) / (max_ticks - 1);
    double st = nice_up(raw > min_step ? raw : min_step);
    double ka = 0, kb = 0;
    for (int guard = 0; guard < 64; guard++) {
        ka = floor(lo / st + 1e-9);
        kb = ceil(hi / st - 1e-9);
        if (kb <= ka)
            kb = ka + 1;
        /* A range across zero needs three ticks even where two were asked for. */
        if (kb - ka + 1 <= max_ticks || kb - ka <= 2)
            break;
        st = nice_next(st);
    }
    *a = ka * st;
    *b = kb * st;
    *step = st;
    tk->n = (int)(kb - ka) + 1;
    if (tk->n > MAX_TICKS)
        tk->n = MAX_TICKS;
    tk->width = 0;
    for (int i = 0; i < tk->n; i++) {
        tk->v[i] = (ka + i) * st;
        format_value(tk->v[i], decimals, unit, tk->label[i], sizeof tk->label[i]);
        int w = text_width(tk->label[i]);
        if (w > tk->width)
            tk->width = w;
    }
}

/* Continuous dot coordinates: x from time, y from value (0 = top). */
static double dot_x(const struct chart_grid *g, const struct chart_spec *s, int64_t t)
{
    double span = s->t1_ms > s->t0_ms ? (double)(s->t1_ms - s->t0_ms) : 1.0;
    return (double)(t - s->t0_ms) / span * (2.0 * g->plot_w - 1);
}

static double dot_y(const struct chart_grid *g, double v)
{
    return (g->y_hi - v) / (g->y_hi - g->y_lo) * (4.0 * g->plot_h - 1);
}

static void plot_dot(struct chart_grid *g, int dx, int dy, int kind, int role)
{
    if (dx < 0 || dy < 0 || dx >= 2 * g->plot_w || dy >= 4 * g->plot_h)
        return;
    struct chart_cell *c = cell_at(g, g->plot_x + dx / 2, g->plot_y + dy / 4);
    uint8_t bit = dot_bit[dx & 1][dy & 3];
    if (kind == CHART_THRESHOLD && c->kind == CHART_DATA)
        return; /* the reading is what the operator must see */
    if (c->kind == kind)
        c->cp |= bit;
    else
        c->cp = CHART_BRAILLE | bit;
    c->kind = (uint8_t)kind;
    c->role = (uint8_t)role;
}

/* Liang-Barsky: clips the segment to [0, xmax] × [0, ymax]; false if nothing is left. */
static bool clip(double *x0, double *y0, double *x1, double *y1, double xmax, double ymax)
{
    double dx = *x1 - *x0, dy = *y1 - *y0;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {*x0, xmax - *x0, *y0, ymax - *y0};
    double u0 = 0, u1 = 1;
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0) {
            if (q[k] < 0)
                return false;
            continue;
        }
        double r = q[k] / p[k];
        if (p[k] < 0) {
            if (r > u1)
                return false;
            if (r > u0)
                u0 = r;
        } else {
            if (r < u0)
                return false;
            if (r < u1)
                u1 = r;
        }
    }
    double sx = *x0, sy = *y0;
    *x0 = sx + u0 * dx;
    *y0 = sy + u0 * dy;
    *x1 = sx + u1 * dx;
    *y1 = sy + u1 * dy;
    return true;
}

static void plot_segment(struct chart_grid *g, double x0, double y0, double x1, double y1, int role)
{
    if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1))
        return;
    if (!clip(&x0, &y0, &x1, &y1, 2.0 * g->plot_w - 1, 4.0 * g->plot_h - 1))
        return;
    int ax = (int)lround(x0), ay = (int)lround(y0);
    int bx = (int)lround(x1), by = (int)lround(y1);
    int sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1;
    int ex = abs(bx - ax), ey = -abs(by - ay);
    int err = ex + ey;
    for (;;) {
        plot_dot(g, ax, ay, CHART_DATA, role);
        if (ax == bx && ay == by)
            break;
        int e2 = 2 * err;
        if (e2 >= ey) {
            err += ey;
            ax += sx;
        }
        if (e2 <= ex) {
            err += ex;
            ay += sy;
        }
    }
}

static void raster_series(struct chart_grid *g, const struct chart_spec *s)
{
    const struct chart_series *se = &s->series;
    if (!se->v || !se->t_ms)
        return;
    bool have_prev = false;
    double px = 0, py = 0;
    int64_t pt = 0;
    for (size_t i = 0; i < se->n; i++) {
        double v = se->v[i];
        if (!isfinite(v)) {
            have_prev = false;
            continue;
        }
        int64_t t = se->t_ms[i];
        double x = dot_x(g, s, t), y = dot_y(g, v);
        if (have_prev && (s->gap_ms <= 0 || t - pt <= s->gap_ms))
            plot_segment(g, px, py, x, y, s->line_role);
        else
            plot_segment(g, x, y, x, y, s->line_role); /* a lone reading is one dot */
        px = x;
        py = y;
        pt = t;
        have_prev = true;
    }
}

/* Dashed: two cells of dots, one cell gap, on the threshold's own dot row. */
static void raster_threshold(struct chart_grid *g, const struct chart_threshold *th)
{
    int dy = (int)lround(dot_y(g, th->value));
    for (int dx = 0; dx < 2 * g->plot_w; dx++)
        if ((dx / 2) % 3 != 2)
            plot_dot(g, dx, dy, CHART_THRESHOLD, th->role);
}

static void raster_threshold_labels(struct chart_grid *g, const struct chart_spec *s, int x,
                                    int cols)
{
    int used_rows[CHART_MAX_THRESHOLDS];
    int nused = 0;
    for (int i = 0; i < s->nth && i < CHART_MAX_THRESHOLDS; i++) {
        const struct chart_threshold *th = &s->th[i];
        if (!isfinite(th->value) || !th->label || !th->label[0])
            continue;
        int row = (int)lround(dot_y(g, th->value)) / 4;
        /* Close thresholds share a row: the later label moves one row away if it can. */
        const int tries[3] = {row, row - 1, row + 1};
        for (int k = 0; k < 3; k++) {
            int r = tries[k];
            bool taken = r < 0 || r >= g->plot_h;
            for (int j = 0; j < nused && !taken; j++)
                taken = used_rows[j] == r;
            if (taken)
                continue;
            put_text(g, x, g->plot_y + r, cols, th->label, th->role);
            used_rows[nused++] = r;
            break;
        }
    }
}

static void raster_y_axis(struct chart_grid *g, const struct ticks *tk, bool ascii)
{
    int ax = g->plot_x - 1;
    for (int r = 0; r < g->plot_h; r++)
        set_cell(g, ax, g->plot_y + r, ascii ? '|' : AXIS_LINE, TH_DIM, CHART_AXIS);
    int last_row = -1;
    for (int i = tk->n - 1; i >= 0; i--) { /* top (largest) first */
        int row = (int)lround(dot_y(g, tk->v[i])) / 4;
        set_cell(g, ax, g->plot_y + row, ascii ? '+' : AXIS_TICK, TH_DIM, CHART_AXIS);
        if (row == last_row)
            continue;
        int w = text_width(tk->label[i]);
        put_text(g, ax - w, g->plot_y + row, w, tk->label[i], TH_DIM);
        last_row = row;
    }
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void format_time(int64_t t_ms, int offset_s, bool days, char *out, size_t n)
{
    int64_t secs = floor_div(t_ms, 1000) + offset_s;
    int64_t day = floor_div(secs, 86400);
    int64_t sod = secs - day * 86400;
    if (days) {
        int y, m, d;
        clock_civil_from_days(day, &y, &m, &d);
        snprintf(out, n, "%02d/%02d", d, m);
    } else {
        snprintf(out, n, "%02d:%02d", (int)(sod / 3600), (int)(sod % 3600 / 60));
    }
}

static void raster_x_labels(struct chart_grid *g, const struct chart_spec *s, int row)
{
    static const int64_t steps_min[] = {1,   2,   5,   10,  15,   30,   60,
                                        120, 180, 360, 720, 1440, 2880, 10080};
    int pw = g->plot_w;
    if (pw < X_LABEL_COLS || s->t1_ms <= s->t0_ms)
        return;
    const int64_t minute = 60000, week = 10080 * minute;
    int64_t span = s->t1_ms - s->t0_ms;
    /* Labels at least X_LABEL_COLS + X_LABEL_GAP columns apart. */
    double need = (double)span * (X_LABEL_COLS + X_LABEL_GAP) / pw;
    int64_t step = 0;
    for (size_t i = 0; i < ARRAY_LEN(steps_min) && !step; i++)
        if ((double)(steps_min[i] * minute) >= need)
            step = steps_min[i] * minute;
    if (!step)
        step = ((int64_t)ceil(need / (double)week)) * week;
    bool days = step >= 1440 * minute;
    int64_t off_ms = (int64_t)s->tz_offset_s * 1000;
    /* Ticks fall on whole steps of local time (midnight, the hour, ...). */
    int64_t t = (floor_div(s->t0_ms + off_ms - 1, step) + 1) * step - off_ms;
    int next_free = 0;
    for (; t <= s->t1_ms; t += step) {
        int col = (int)lround(dot_x(g, s, t)) / 2;
        int start = col - X_LABEL_COLS / 2;
        if (start > pw - X_LABEL_COLS)
            start = pw - X_LABEL_COLS;
        if (start < 0)
            start = 0;
        if (start < next_free)
            continue;
        char label[16];
        format_time(t, s->tz_offset_s, days, label, sizeof label);
        put_text(g, g->plot_x + start, row, X_LABEL_COLS, label, TH_DIM);
        next_free = start + X_LABEL_COLS + 1;
    }
}

static int threshold_label_width(const struct chart_spec *s)
{
    int w = 0;
    for (int i = 0; i < s->nth && i < CHART_MAX_THRESHOLDS; i++) {
        if (!isfinite(s->th[i].value) || !s->th[i].label)
            continue;
        int lw = text_width(s->th[i].label);
        if (lw > w)
            w = lw;
    }
    return w > TH_LABEL_COLS ? TH_LABEL_COLS : w;
}

void chart_raster(const struct chart_spec *s, int width, int height, struct chart_grid *g)
{
    g->w = width > 0 && height > 0 ? width : 0;
    g->h = width > 0 && height > 0 ? height : 0;
    g->plot_x = g->plot_y = g->plot_w = g->plot_h = 0;
    if (!g->w)
        return;
    g->cells = xgrow(g->cells, &g->cap, (size_t)g->w * (size_t)g->h, sizeof *g->cells);
    for (size_t i = 0; i < (size_t)g->w * (size_t)g->h; i++)
        g->cells[i] = (struct chart_cell){' ', TH_NORMAL, CHART_EMPTY};

    bool has_x = height >= 3;
    int ph = height - (has_x ? 1 : 0);
    int decimals = s->decimals < 0 ? 0 : s->decimals > 6 ? 6 : s->decimals;
    int max_ticks = (ph + 1) / 2;
    max_ticks = max_ticks < 2 ? 2 : max_ticks > MAX_TICKS ? MAX_TICKS : max_ticks;

    double lo, hi;
    value_range(s, &lo, &hi);
    struct ticks tk;
    make_ticks(lo, hi, max_ticks, decimals, s->unit, &tk, &g->y_lo, &g->y_hi, &g->y_step);

    int left = tk.width + 1;
    int tw = threshold_label_width(s);
    int right = tw > 0 ? tw + 1 : 0;
    if (width - left - right < 10)
        right = 0;
    if (width - left - right < 4)
        left = 0;
    g->plot_x = left;
    g->plot_y = 0;
    g->plot_w = width - left - right;
    g->plot_h = ph;

    raster_series(g, s);
    for (int i = 0; i < s->nth && i < CHART_MAX_THRESHOLDS; i++)
        if (isfinite(s->th[i].value))
            raster_threshold(g, &s->th[i]);
    if (s->ascii) {
        for (int r = 0; r < ph; r++)
            for (int c = 0; c < g->plot_w; c++) {
                struct chart_cell *cell = cell_at(g, g->plot_x + c, r);
                if (cell->kind == CHART_DATA)
                    cell->cp = '*';
                else if (cell->kind == CHART_THRESHOLD)
                    cell->cp = '-';
            }
    }
    if (right)
        raster_threshold_labels(g, s, g->plot_x + g->plot_w + 1, right - 1);
    if (left)
        raster_y_axis(g, &tk, s->ascii);
    if (has_x)
        raster_x_labels(g, s, height - 1);
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

void chart_draw(WINDOW *w, int y, int x, const struct chart_grid *g)
{
    char run[1024];
    for (int r = 0; r < g->h; r++) {
        const struct chart_cell *row = g->cells + (size_t)r * (size_t)g->w;
        int c = 0;
        while (c < g->w) {
            /* One waddstr per run of cells in the same role. */
            int start = c;
            uint8_t role = row[c].role;
            size_t len = 0;
            while (c < g->w && row[c].role == role && len + 4 < sizeof run) {
                if (row[c].cp)
                    len += put_utf8(run + len, row[c].cp);
                c++;
            }
            run[len] = '\0';
            wattrset(w, (attr_t)theme_attr((enum theme_role)role));
            mvwaddstr(w, y + r, x + start, run);
        }
    }
    wattrset(w, A_NORMAL);
}

void chart_grid_free(struct chart_grid *g)
{
    free(g->cells);
    *g = (struct chart_grid){0};
}
