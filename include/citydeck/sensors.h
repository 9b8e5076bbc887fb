/* Sensors (air quality, river levels, street flooding, traffic, cameras): the normalized
 * record, a batch from an adapter (SensorThings, Prometheus), and the table the views read,
 * with per-unit and per-kind aggregates kept up to date by the merge. */
#ifndef CITYDECK_SENSORS_H
#define CITYDECK_SENSORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/aqi.h"
#include "citydeck/series.h"

enum sensor_kind {
    SK_OTHER,
    SK_AIR_QUALITY,   /* a pollutant concentration or an AQI */
    SK_WATER_LEVEL,   /* river gauge, compared with alarm levels I/II/III */
    SK_FLOOD_DEPTH,   /* street flooding depth, classed at 10/20/30 cm */
    SK_TRAFFIC_COUNT, /* vehicles per interval */
    SK_CAMERA,        /* status: 1 online, 0 offline */
    SK_COUNT
};

struct sensor {
    char *id;                 /* the table key: id prefix of the feed + remote_id */
    char *remote_id;          /* as the hub knows it (Datastream @iot.id, Prometheus label) */
    bool remote_id_is_string; /* SensorThings sent a JSON string: URLs must quote it */
    char *name;               /* Datastream name, Prometheus name label */
    char *station;            /* Thing name */
    char *property;           /* ObservedProperty name, Prometheus __name__ */
    char *unit;               /* unit of measurement symbol ("µg/m³", "m", "cm") */
    char *unit_code;          /* commune/ward code; NULL = unattributed */
    enum sensor_kind kind;
    enum aqi_pollutant pollutant; /* for SK_AIR_QUALITY */
    double lat, lon;
    bool has_location;
    double alarm[3]; /* báo động I, II, III in the value's unit; NaN = not set */
    /* Latest observation (the series' last point): NaN / TIME_NONE until one arrives. */
    double value;
    int64_t time_ms;
    /* Derived from the latest value by the merge (sensor_derive). */
    int aqi;                /* VN_AQI sub-index; -1 none */
    enum flood_level level; /* water level gauges */
    int depth_class;        /* flood depth: 0..3, -1 none */
    bool offline;           /* cameras: latest status not > 0 (or none yet) */
    struct series *series;  /* NULL in a batch */
};

/* One reading. */
struct sensor_obs {
    int64_t t_ms;
    double v; /* NaN: the hub sent null or a non-numeric result */
};

/* A sensor as a feed reported it: its metadata (if meta) and new readings in any order. */
struct sensor_update {
    struct sensor s; /* s.series is NULL; the latest/derived fields are not used */
    bool meta;       /* s carries metadata; false: only s.id and observations (a page of
                        Observations of one Datastream), so the table keeps what it has */
    struct sensor_obs *obs;
    size_t n_obs, cap_obs;
};

struct sensor_batch {
    struct sensor_update *items;
    size_t n, cap;
    char *next_link;   /* SensorThings @iot.nextLink (resolved if the request URL was
                          given); NULL on the last page. Following it is the caller's job. */
    char **more_links; /* nested Datastreams@iot.nextLink of Things cut short */
    size_t n_more_links;
    long long total_count; /* @iot.count, -1 if absent (FROST may estimate it) */
    size_t things;         /* Things read (with or without Datastreams) */
    size_t things_truncated;
    size_t unattributed;    /* items with metadata but no unit code */
    size_t skipped_no_id;   /* Datastreams/series without an id, observations without one */
    size_t skipped_invalid; /* entities of another type, non-objects, histogram samples */
    size_t obs_total;       /* readings kept (NaN included) */
    size_t obs_no_value;    /* of which NaN: null, non-numeric or "NaN" */
    size_t obs_no_time;     /* readings dropped: no usable phenomenonTime/resultTime */
    char **warnings;        /* Prometheus warnings and infos, cleaned */
    size_t n_warnings;
    bool has_scalar; /* a Prometheus scalar result: no sensors, this value */
    int64_t scalar_t_ms;
    double scalar;
};

/* Per-unit (or whole-table) aggregates. Kept incrementally by the merge: each sensor's
 * contribution is removed before it changes and added after, so reading them is O(1). The
 * worst AQI is a maximum, which cannot be "removed" from: when the sensor holding it falls
 * or moves away, its unit is rescanned in one pass over the table at the end of that merge.
 * Ties go to the lowest table index, so the result equals a full recount. */
struct sensor_stats {
    size_t n;
    size_t by_kind[SK_COUNT];
    size_t no_value;          /* latest reading absent or NaN */
    int worst_aqi;            /* -1 when no air-quality sensor has an index */
    size_t worst_aqi_sensor;  /* table index, (size_t)-1 with worst_aqi -1 */
    enum aqi_band worst_band; /* aqi_band(worst_aqi) */
    size_t gauges_over[3];    /* water level gauges at or over level I, II, III */
    size_t gauges_no_levels;  /* water level gauges without any known alarm level */
    size_t depth_over[3];     /* flood depth sensors at or over 10, 20, 30 cm */
    size_t cameras_offline;   /* by reported status; see sensor_table_cameras_silent */
};

/* Codes "air_quality", "water_level", "flood_depth", "traffic_count", "camera", "other" and
 * their Vietnamese labels. sensor_kind_parse also reads aliases ("aqi", "water", "muc_nuoc",
 * "ngap", "traffic", "giao_thong", "cctv"; ASCII case ignored); false if none matches. */
const char *sensor_kind_code(enum sensor_kind k);
const char *sensor_kind_label(enum sensor_kind k);
bool sensor_kind_parse(const char *code, enum sensor_kind *out);

/* Infers kind and pollutant from free text (ObservedProperty and Datastream names, metric
 * names; English or Vietnamese, diacritics ignored) and the unit symbol: "PM2.5" -> air
 * quality/PM2.5, "Mực nước" or "water level" -> water level, "độ ngập" or "flood depth" ->
 * flood depth, "vehicle count" -> traffic, "camera" -> camera; µg/m³ alone -> air quality.
 * texts may contain NULLs. */
void sensor_infer(const char *const *texts, size_t n, const char *unit, enum sensor_kind *kind,
                  enum aqi_pollutant *pollutant);

/* Recomputes aqi, level, depth_class and offline from value, unit and alarm levels. */
void sensor_derive(struct sensor *s);

/* Camera silent for longer than max_age_ms at now_ms (domain-vn §5.3: > 15 min amber, > 1 h
 * red), or never heard from. False for other kinds. */
bool sensor_silent(const struct sensor *s, int64_t now_ms, int64_t max_age_ms);

/* Frees the record's strings and series and resets it to blank (NaN, TIME_NONE, -1). */
void sensor_clear(struct sensor *s);

struct sensor_batch *sensor_batch_new(void);
/* Appends a blank update (meta false, no readings); valid until the next push. */
struct sensor_update *sensor_batch_push(struct sensor_batch *b);
void sensor_update_add_obs(struct sensor_update *u, int64_t t_ms, double v);
/* Takes ownership of a cleaned string. */
void sensor_batch_add_warning(struct sensor_batch *b, char *text);
void sensor_batch_add_link(struct sensor_batch *b, char *link);
void sensor_batch_free(struct sensor_batch *b);

struct sensor_table;

/* series_cap: points kept per sensor, 0 = SERIES_DEFAULT_CAP. */
struct sensor_table *sensor_table_new(size_t series_cap);
void sensor_table_free(struct sensor_table *t);
/* Upserts by id. Metadata (updates with meta) replaces the record's, taking the batch's
 * strings (those items are left blank). Readings are sorted by time and appended when newer
 * than the latest; duplicates and older ones are dropped, so merging a batch twice changes
 * nothing. Updates without an id are left alone. Returns the number of sensors added or
 * changed (metadata differing, or a reading appended). */
size_t sensor_table_merge(struct sensor_table *t, struct sensor_batch *b);
size_t sensor_table_count(const struct sensor_table *t);
/* A record keeps its index for the table's lifetime; the pointer is valid until the next
 * merge. */
const struct sensor *sensor_table_at(const struct sensor_table *t, size_t i);
const struct sensor *sensor_table_find(const struct sensor_table *t, const char *id);
/* Sensors without a unit code. */
size_t sensor_table_unattributed(const struct sensor_table *t);

/* Aggregates, O(1): the whole table, one unit (unit_code NULL = the unattributed ones; NULL
 * if the unit never had a sensor), and the units by index in order of first appearance. */
const struct sensor_stats *sensor_table_totals(const struct sensor_table *t);
const struct sensor_stats *sensor_table_unit(const struct sensor_table *t, const char *unit_code);
size_t sensor_table_unit_count(const struct sensor_table *t);
const char *sensor_table_unit_code(const struct sensor_table *t, size_t i);
const struct sensor_stats *sensor_table_unit_at(const struct sensor_table *t, size_t i);

/* Full recounts, O(n): what the aggregates must equal (tests, consistency checks). all: every
 * sensor; else those of unit_code (NULL = unattributed). */
void sensor_table_recount(const struct sensor_table *t, bool all, const char *unit_code,
                          struct sensor_stats *out);
/* Cameras silent at now_ms (sensor_silent), O(n): age changes with the clock, not with
 * merges, so it cannot be kept by the merge. */
size_t sensor_table_cameras_silent(const struct sensor_table *t, int64_t now_ms,
                                   int64_t max_age_ms);

#endif
