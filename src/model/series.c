/* Ring buffer of (time, value). head is the slot the next point goes to; the oldest point is
 * head - len (mod cap). Nothing is allocated after series_new: a console left running for
 * months holds the same memory as on its first minute. */
#include "citydeck/series.h"

#include "citydeck/util.h"

#include <math.h>
#include <stdlib.h>

struct series {
    size_t cap, len, head;
    struct series_point pts[]; /* one allocation with the header */
};

struct series *series_new(size_t capacity)
{
    if (capacity == 0)
        capacity = SERIES_DEFAULT_CAP;
    struct series *s = xmalloc(sizeof *s + capacity * sizeof s->pts[0]);
    s->cap = capacity;
    s->len = s->head = 0;
    return s;
}

void series_free(struct series *s)
{
    free(s);
}

void series_push(struct series *s, int64_t t_ms, double v)
{
    if (!s)
        return;
    s->pts[s->head] = (struct series_point){t_ms, v};
    s->head = (s->head + 1) % s->cap;
    if (s->len < s->cap)
        s->len++;
}

bool series_append(struct series *s, int64_t t_ms, double v)
{
    struct series_point last;
    if (!s || (series_last(s, &last) && t_ms <= last.t_ms))
        return false;
    series_push(s, t_ms, v);
    return true;
}

void series_clear(struct series *s)
{
    if (s)
        s->len = s->head = 0;
}

size_t series_len(const struct series *s)
{
    return s ? s->len : 0;
}

size_t series_capacity(const struct series *s)
{
    return s ? s->cap : 0;
}

size_t series_bytes(const struct series *s)
{
    return s ? sizeof *s + s->cap * sizeof s->pts[0] : 0;
}

bool series_at(const struct series *s, size_t i, struct series_point *out)
{
    if (!s || i >= s->len)
        return false;
    /* head + cap - len + i cannot wrap size_t: all three are at most cap. */
    *out = s->pts[(s->head + s->cap - s->len + i) % s->cap];
    return true;
}

bool series_last(const struct series *s, struct series_point *out)
{
    return s && s->len && series_at(s, s->len - 1, out);
}

size_t series_copy(const struct series *s, struct series_point *out, size_t max)
{
    size_t n = series_len(s);
    if (!out || max == 0 || n == 0)
        return 0;
    size_t k = n < max ? n : max;
    for (size_t i = 0; i < k; i++)
        series_at(s, n - k + i, &out[i]);
    return k;
}

bool series_range(const struct series *s, double *min, double *max)
{
    bool any = false;
    double lo = 0, hi = 0;
    struct series_point p;
    for (size_t i = 0; series_at(s, i, &p); i++) {
        if (!isfinite(p.v))
            continue;
        if (!any || p.v < lo)
            lo = p.v;
        if (!any || p.v > hi)
            hi = p.v;
        any = true;
    }
    if (any) {
        if (min)
            *min = lo;
        if (max)
            *max = hi;
    }
    return any;
}
