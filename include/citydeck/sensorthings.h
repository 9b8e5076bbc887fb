/* OGC SensorThings API 1.0/1.1 adapter (FROST-Server and others): bytes -> sensor batch, plus
 * the URL helpers the poller needs. Pure C: no curses, no libuv. Every parse function is
 * thread-safe (meant for the worker pool) and reports failures in err as "what: detail":
 * "server error 404: <message>" (FROST {"type":"error","code":...,"message":...}), "server
 * error: <message>" (other JSON errors), "not JSON: <first ~80 bytes, cleaned>", "invalid
 * JSON near byte N", "empty body", or "<what>: body is a FeatureOfInterest, not ...". */
#ifndef CITYDECK_SENSORTHINGS_H
#define CITYDECK_SENSORTHINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/sensors.h"

struct sensorthings_options {
    const char *unit_property; /* Thing/Datastream property with the commune/ward code;
                                  NULL = "unit_code" */
    const char *kind_property; /* property naming the sensor kind (sensor_kind_parse); NULL =
                                  "kind" */
    const char *result_key;    /* member read from object results; NULL = the first numeric */
    const char *id_prefix;     /* prepended to ids in the table (several hubs); NULL = none */
    const char *request_url;   /* the URL fetched: relative nextLinks are resolved against it;
                                  NULL = kept as sent */
    int default_offset_s;      /* applied to times without a zone */
};

/* A Things collection with $expand=Locations,Datastreams($expand=ObservedProperty,
 * Observations($top=1;$orderby=phenomenonTime desc)) (see sensorthings_things_url), a
 * Datastreams collection (optionally with an expanded Thing), or one Thing or Datastream.
 * Each Datastream becomes a sensor update with metadata:
 * - id: the Datastream @iot.id (number or string, kept as text); name: its name; station:
 *   the Thing's name; property: the ObservedProperty's name; unit: unitOfMeasurement.symbol;
 * - unit code, kind and alarm levels from the Datastream's properties, else the Thing's;
 *   alarm levels are accepted as "alarm_levels": [I, II, III] (numbers or numeric strings,
 *   null for an unknown level) or as "bd1", "bd2", "bd3" (any ASCII case);
 * - kind from the kind property, else inferred (sensor_infer) from the ObservedProperty and
 *   Datastream names and the unit;
 * - location: the Thing's first Location that is a GeoJSON Point (bare or in a Feature);
 * - readings: the expanded Observations.
 * The key "values" (an erratum in the 1.0 spec's examples) is read like "value". Things whose
 * Datastreams list is cut (Datastreams@iot.nextLink, or fewer than Datastreams@iot.count)
 * are counted in things_truncated, their links listed in more_links. */
struct sensor_batch *sensorthings_parse_sensors(const char *body, size_t len,
                                                const struct sensorthings_options *opt, char *err,
                                                size_t errsz);

/* An Observations collection, one Observation, or the $resultFormat=dataArray form. Readings
 * go to the Datastream datastream_id (its JSON type given by id_is_string); with
 * datastream_id NULL, each Observation's expanded Datastream, or each dataArray group's
 * Datastream@iot.navigationLink, names it, and readings without one are skipped and counted.
 * Updates carry no metadata (meta false). result: a number; a numeric string; true/false and
 * "online"/"offline" as 1/0; an object's result_key member or first numeric member; an
 * array's first numeric element; null or anything else as NaN (kept and counted). Time:
 * phenomenonTime (an interval's end), else resultTime; readings with neither are dropped and
 * counted. */
struct sensor_batch *sensorthings_parse_observations(const char *body, size_t len,
                                                     const char *datastream_id, bool id_is_string,
                                                     const struct sensorthings_options *opt,
                                                     char *err, size_t errsz);

/* The service root document: its entity sets and version. */
struct sensorthings_root {
    size_t n;
    char **names; /* "Things", "Datastreams", ... */
    char **urls;
    int version;              /* 10 or 11 (from the URLs or serverSettings); 0 unknown */
    size_t n_conformance;     /* serverSettings.conformance entries (v1.1) */
    bool has_multidatastream; /* MultiDatastreams listed */
};
struct sensorthings_root *sensorthings_parse_root(const char *body, size_t len, char *err,
                                                  size_t errsz);
/* URL of an entity set by name, NULL if not listed. */
const char *sensorthings_root_url(const struct sensorthings_root *r, const char *name);
void sensorthings_root_free(struct sensorthings_root *r);

/* The point of a Location or FeatureOfInterest entity (its location/feature member) or of a
 * bare GeoJSON Point or Feature: GeoJSON order [lon, lat]. False with err if none. */
bool sensorthings_parse_point(const char *body, size_t len, double *lat, double *lon, char *err,
                              size_t errsz);

/* An ISO 8601 instant, or an interval "start/end", into epoch milliseconds (start == end for
 * an instant); zone-less times at default_offset_s. False if either part does not parse. */
bool sensorthings_parse_time(const char *s, int default_offset_s, int64_t *start_ms,
                             int64_t *end_ms);

/* ---- URLs (all return new strings) --------------------------------------------------------- */

/* RFC 3986 reference resolution: link as sent (absolute, "/path", "../Things(5)", "?$skip=2",
 * "Things(1)/Locations") against the URL of the page it came in. NULL when link is relative
 * and base is not an absolute URL. */
char *sensorthings_resolve_link(const char *base_url, const char *link);

/* service_root + "/" + set + key: Things(5) for numeric ids, Things('abc') for string ids
 * (a quote doubled: 'O''Brien'; bytes outside the URL-safe set percent-encoded). */
char *sensorthings_entity_url(const char *service_root, const char *set, const char *id,
                              bool id_is_string);

/* The Things poll: $top=top (0: server default) and the $expand described above, percent-
 * encoded as FROST itself encodes nextLinks. */
char *sensorthings_things_url(const char *service_root, int top);

/* Observations of one Datastream, oldest first, newer than since_ms (TIME_NONE: all). */
char *sensorthings_observations_url(const char *service_root, const char *datastream_id,
                                    bool id_is_string, int64_t since_ms, int top);

#endif
