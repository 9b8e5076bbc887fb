/* OGC SensorThings API 1.1 (read-only, as FROST-Server serves it) over the simulated sensor
 * network, at /sta/v1.1: Things, Locations, Datastreams, Sensors, ObservedProperties and
 * Observations with $top, $skip, $count, $orderby, $filter (comparisons joined by "and"),
 * $select, $expand (nested, with options) and @iot.nextLink paging. */
#ifndef CITYDECK_SIM_STA_H
#define CITYDECK_SIM_STA_H

#include "route.h"
#include "sensors.h"

#define STA_PREFIX "/sta/v1.1"
#define STA_DEFAULT_TOP 100
#define STA_MAX_TOP 1000

/* FROST's error body {"code":N,"type":"error","message":"..."} as a new string. */
char *sta_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The SensorThings service as a server domain; advance caches the episodes at now. */
struct sim_domain sta_domain(struct sensors *s);

#endif
