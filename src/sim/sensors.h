/* The simulated sensor network: air-quality stations, river water-level gauges, urban flood
 * depth sensors, traffic counters and cameras, placed in the province's communes and wards.
 *
 * Determinism: where sensors stand, their names and their alarm levels depend on the unit
 * codes and --scale only (the geography, like world.c); readings are a pure function of
 * (seed, province, sensor, time slot), with episodes (an AQI spike, a flood crest) drawn per
 * simulated week from a stream keyed by (seed, province, week) or forced on the command
 * line. Nothing is stored but the layout, so any slot in the history window can be asked for
 * in any order and the answer is the same. */
#ifndef CITYDECK_SIM_SENSORS_H
#define CITYDECK_SIM_SENSORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route.h"
#include "world.h"

/* One observation per Datastream every 5 simulated minutes, on the clock (xx:00, xx:05...). */
#define SENSORS_INTERVAL 300
/* Observations are served for the last 7 simulated days. */
#define SENSORS_HISTORY_SLOTS (7 * 86400 / SENSORS_INTERVAL)
/* Sensor counts stop growing past --scale 100: it keeps Datastream ids below
 * SENSORS_ID_STRIDE in the largest province, and memory in tens of megabytes. */
#define SENSORS_MAX_SCALE 100.0
/* Observation id = slot * SENSORS_ID_STRIDE + Datastream id (slot = epoch seconds / 300), so
 * ids grow with time as a real hub's would, and an id names its Datastream and time. */
#define SENSORS_ID_STRIDE 1000000
#define SENSORS_MAX_EPISODE_RATE 100.0
/* Default --episode-rate: random episodes per simulated week. */
#define SENSORS_DEFAULT_EPISODE_RATE 2.0
/* --episode options accepted. */
#define SENSORS_MAX_FORCED 32

enum sens_kind { SENS_AIR, SENS_WATER, SENS_FLOOD, SENS_TRAFFIC, SENS_CAMERA, SENS_NKINDS };

/* What a Datastream measures: one ObservedProperty each (ids are index + 1). */
enum sens_prop {
    PROP_PM25,
    PROP_PM10,
    PROP_AQI,
    PROP_WATER,
    PROP_DEPTH,
    PROP_TRAFFIC,
    PROP_CAMERA,
    PROP_N
};

/* How a result is written: a number with one or two decimals, an integer, a boolean. */
enum sens_result { RES_DECIMAL1, RES_DECIMAL2, RES_INTEGER, RES_BOOLEAN };

struct sens_prop_info {
    const char *name;       /* ObservedProperty name: "PM2.5", "Mực nước" */
    const char *definition; /* ObservedProperty definition URI */
    const char *description;
    const char *uom_name, *uom_symbol, *uom_definition; /* NULL members are JSON null */
    const char *observation_type;                       /* the OM_* URI */
    const char *metric;                                 /* Prometheus metric name */
    const char *metric_help;
    enum sens_kind kind;
    enum sens_result result;
};

struct sens_kind_info {
    const char *code;   /* "air_quality": the console's sensor_kind_parse codes */
    const char *sensor; /* Sensor entity name (ids are kind + 1) */
    const char *sensor_description;
    const char *sensor_metadata;
};

struct sens_thing {
    int id; /* Thing and Location @iot.id, from 1 */
    size_t unit;
    enum sens_kind kind;
    int local;    /* index among the unit's sensors of this kind */
    uint64_t key; /* stream key: unit code, kind, local index */
    char *name;
    char *description;
    double lat, lon;
    int first_ds, nds; /* Datastream ids first_ds .. first_ds + nds - 1 */
    /* Model parameters, fixed by the geography. */
    double base;     /* PM2.5 µg/m³ / water level m / vehicles per 5 min at the peak */
    double ratio;    /* PM10 / PM2.5 */
    double alarm[3]; /* water gauges: báo động I, II, III in m */
};

struct sens_stream {
    int id; /* Datastream @iot.id, from 1 */
    int thing;
    enum sens_prop prop;
    char *name;
    char *description;
};

enum episode_kind { EPISODE_AQI, EPISODE_FLOOD, EPISODE_NKINDS };

struct episode {
    enum episode_kind kind;
    size_t unit;
    int64_t start;            /* epoch seconds */
    int64_t rise, hold, fall; /* seconds: ramp up, at the peak, back down */
    double strength;          /* 0..1: how high the peak goes within its kind's range */
    uint64_t key;             /* stream key of the per-sensor details */
    bool forced;
};

struct sensors;

/* Places the sensors of every unit of w: o->scale multiplies their number (up to
 * SENSORS_MAX_SCALE); episode_rate is random episodes per simulated week (0 = none, at most
 * SENSORS_MAX_EPISODE_RATE). */
struct sensors *sensors_new(const struct world *w, const struct sim_options *o,
                            double episode_rate);
void sensors_free(struct sensors *s);

/* A forced episode "aqi@T[:UNIT]" or "flood@T[:UNIT]", T an ISO 8601 date-time with its
 * offset. Without a unit, one is chosen (by population, among units with the right sensors)
 * from the seed. Returns false with a message in err for a bad spec, an unknown unit, or a
 * unit without an air-quality station (aqi) / water gauge or flood sensor (flood). */
bool sensors_force_episode(struct sensors *s, const char *spec, char *err, size_t errsz);
size_t sensors_forced_count(const struct sensors *s);
const struct episode *sensors_forced_at(const struct sensors *s, size_t i);
/* Instant the episode's effect is over (start + rise + hold + fall). */
int64_t episode_end(const struct episode *e);
const char *episode_kind_code(enum episode_kind k);

/* Logs the counts per kind and each forced episode (unit, start, peak, end) at startup. */
void sensors_log(const struct sensors *s);

/* Caches the random episodes of the weeks the history window at now touches. Values do not
 * depend on it: it only saves recomputing them per reading. Not thread-safe (the server
 * calls it under its lock). */
void sensors_advance(struct sensors *s, int64_t now);

const struct world *sensors_world(const struct sensors *s);
uint64_t sensors_seed(const struct sensors *s);
/* The scale the sensors were placed at (--scale, capped at SENSORS_MAX_SCALE). */
double sensors_scale(const struct sensors *s);
double sensors_episode_rate(const struct sensors *s);
size_t sensors_thing_count(const struct sensors *s);
size_t sensors_stream_count(const struct sensors *s);
/* By @iot.id (from 1); NULL when out of range. */
const struct sens_thing *sensors_thing(const struct sensors *s, int id);
const struct sens_stream *sensors_stream(const struct sensors *s, int id);
size_t sensors_kind_count(const struct sensors *s, enum sens_kind k);

const struct sens_prop_info *sensors_prop_info(enum sens_prop p);
const struct sens_kind_info *sensors_kind_info(enum sens_kind k);

/* Slot of instant t (floor(t / SENSORS_INTERVAL)); the newest slot with a reading at now. */
int64_t sensors_slot(int64_t t);
/* Reading of Datastream ds at slot: µg/m³, VN_AQI, m, cm, vehicles per 5 minutes, or 1/0
 * (camera online/offline), already rounded as it is served. */
double sensors_value(const struct sensors *s, const struct sens_stream *ds, int64_t slot);
/* Episodes of a kind in effect at t (forced and random). */
size_t sensors_active_episodes(const struct sensors *s, int64_t t, enum episode_kind k);

/* VN_AQI sub-index of PM2.5 / PM10 in µg/m³ (QĐ 1459/QĐ-TCMT breakpoints, rounded). */
int sensors_aqi_pm25(double c);
int sensors_aqi_pm10(double c);

#endif
