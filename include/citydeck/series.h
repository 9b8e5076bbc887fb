/* A bounded time series: a ring buffer of (time, value) with a fixed capacity, so a sensor's
 * memory does not grow with uptime. Values may be NaN (a reading without a value). */
#ifndef CITYDECK_SERIES_H
#define CITYDECK_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 288 points = one day at the 5-minute cadence of most IOC sensor hubs. */
#define SERIES_DEFAULT_CAP 288

struct series_point {
    int64_t t_ms; /* epoch milliseconds */
    double v;
};

struct series;

/* capacity 0 gives SERIES_DEFAULT_CAP. All memory is allocated here, once. */
struct series *series_new(size_t capacity);
void series_free(struct series *s);

/* Adds a point, overwriting the oldest when full, whatever its time. */
void series_push(struct series *s, int64_t t_ms, double v);
/* Adds a point only if it is newer than the last one (duplicates and late points are
 * dropped, so the series stays strictly ordered); returns whether it was added. */
bool series_append(struct series *s, int64_t t_ms, double v);
void series_clear(struct series *s);

size_t series_len(const struct series *s);
size_t series_capacity(const struct series *s);
/* Bytes the series holds; constant for its lifetime. */
size_t series_bytes(const struct series *s);

/* Point i, 0 = oldest kept; false when i >= len. */
bool series_at(const struct series *s, size_t i, struct series_point *out);
bool series_last(const struct series *s, struct series_point *out);
/* Copies the latest min(max, len) points, oldest first; returns how many. */
size_t series_copy(const struct series *s, struct series_point *out, size_t max);
/* Smallest and largest finite value; false when there is none (empty, all NaN). */
bool series_range(const struct series *s, double *min, double *max);

#endif
