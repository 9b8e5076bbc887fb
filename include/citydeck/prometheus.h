/* Prometheus HTTP API adapter (also VictoriaMetrics, Thanos, Mimir): query responses -> sensor
 * batch, and the query URLs. Pure C: no curses, no libuv. */
#ifndef CITYDECK_PROMETHEUS_H
#define CITYDECK_PROMETHEUS_H

#include <stddef.h>
#include <stdint.h>

#include "citydeck/sensors.h"

/* Which label carries which field. NULL members take the defaults in brackets; a label that
 * is absent from a series leaves the field empty. */
struct prometheus_options {
    const char *id_label;        /* ["sensor_id"] series without it are skipped and counted */
    const char *kind_label;      /* ["kind"] read by sensor_kind_parse, else inferred */
    const char *unit_label;      /* ["unit_code"] commune/ward code */
    const char *name_label;      /* ["name"] */
    const char *station_label;   /* ["station"] */
    const char *symbol_label;    /* ["unit"] unit of measurement symbol */
    const char *alarm_labels[3]; /* ["bd1", "bd2", "bd3"] alarm levels I, II, III */
    const char *id_prefix;       /* prepended to ids in the table; NULL = none */
};

/* Parses a /api/v1/query (vector), /api/v1/query_range (matrix) or /api/v1/series (label sets,
 * no readings) response. Every series with the id label becomes a sensor update with metadata
 * (kind inferred from __name__ and the name label when the kind label is absent); samples are
 * strings ("NaN", "+Inf", "-Inf" included; NaN is kept and counted) at float or integer
 * second timestamps, kept to the millisecond. A scalar result sets has_scalar with no
 * sensors. warnings and infos are kept in the batch ("info: " before infos).
 * err texts: "<errorType>: <error>" for {"status":"error"}, "prometheus: result type string
 * is not a sensor reading (\"...\")", "not JSON: <first ~80 bytes, cleaned>", "invalid JSON
 * near byte N", "empty body", "prometheus: ..." for other shapes. opt may be NULL (defaults).
 * Thread-safe: meant for the worker pool. */
struct sensor_batch *prometheus_parse(const char *body, size_t len,
                                      const struct prometheus_options *opt, char *err,
                                      size_t errsz);

/* base + "/api/v1/query?query=<encoded>[&time=<seconds.millis>]"; time_ms TIME_NONE leaves
 * the time to the server. The query is percent-encoded here ({}, ", =~, [], spaces). */
char *prometheus_query_url(const char *base, const char *query, int64_t time_ms);

/* base + "/api/v1/query_range?query=...&start=...&end=...&step=<s>". step_s is raised when
 * needed so that (end - start) / step stays within the server's 11,000 points per series, and
 * to at least 1 s. NULL if end < start. */
char *prometheus_range_url(const char *base, const char *query, int64_t start_ms, int64_t end_ms,
                           double step_s);

#endif
