/* Alerts: rules (data, with built-in defaults and [rule.NAME] overrides from the config), an
 * incremental evaluator over the store, events with a life cycle, operator actions, and the
 * state file that keeps acks, silences and events across restarts.
 *
 * Model of an event (glances events, k9s thresholds; docs/alerts.md):
 * - a rule watches targets (a station, a sensor, a dossier, a complaint, a unit's counts, a
 *   unit's indicator, a feed) and says, per target, whether its condition holds and at which
 *   severity (warn or critical), with a value and the threshold it crossed;
 * - a condition must hold for the rule's min_duration before an event fires; the event's
 *   start is when the condition began;
 * - while active, the event follows the condition: severity up (escalation) and down, value,
 *   peak; when the condition clears, the event ends;
 * - when the condition comes back within merge_interval of the end, the same event goes on
 *   (count + 1, end cleared) at once: flapping never creates new events;
 * - ended events are kept for a while (ALERTS_KEEP_ENDED events, ALERTS_KEEP_ENDED_S).
 *
 * Calls, all on the loop thread and never from the draw path:
 * - after a merge: store_changes_take(store, &ch); alerts_evaluate(a, store, &ch, now);
 * - once a second: store_set_now(store, now); then alerts_tick(a, store, now) for the
 *   conditions time alone moves (min_duration, silences ending, station and camera ages,
 *   urgent complaints waiting, restored events never confirmed);
 * - after each poll of a feed: alerts_feed_state(...).
 * now is epoch seconds, on the hub's clock where the app knows it. */
#ifndef CITYDECK_ALERTS_H
#define CITYDECK_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "citydeck/config.h"
#include "citydeck/store.h"

#define ALERTS_KEEP_ENDED 200           /* ended events kept, newest first */
#define ALERTS_KEEP_ENDED_S (24 * 3600) /* ... and for at most this long after their end */
#define ALERT_RULE_NAME_MAX 48

enum alert_severity { ALERT_NONE, ALERT_WARN, ALERT_CRITICAL };

enum alert_kind {
    AK_AQI_BAND,            /* a station's VN_AQI (max over its streams) in a worse band */
    AK_PM25,                /* PM2.5 concentration over a threshold (µg/m³) */
    AK_PM10,                /* PM10 concentration over a threshold (µg/m³) */
    AK_WATER_LEVEL,         /* a river gauge at báo động I/II/III (its alarm levels) */
    AK_FLOOD_DEPTH,         /* street flooding deeper than a threshold (cm) */
    AK_STATION_SILENT,      /* no reading for N× the station's interval */
    AK_CAMERA_OFFLINE,      /* a camera offline (or silent) for longer than a time */
    AK_DOSSIER_OVERDUE,     /* a unit's overdue dossiers: a count, or "N%" of its open ones */
    AK_DOSSIER_DUE_SOON,    /* a dossier with less than one working day left (then overdue) */
    AK_DOSSIER_SUPPLEMENTS, /* an open dossier asked for a supplement N times or more */
    AK_COMPLAINT_URGENT,    /* an urgent complaint not accepted after N working hours */
    AK_COMPLAINT_OVERDUE,   /* a unit's overdue complaints: a count, or "N%" of its open */
    AK_SATISFACTION,        /* a unit's satisfaction rate under a threshold (%) */
    AK_INDICATOR_BEHIND,    /* an indicator behind plan by more than N points, latest period */
    AK_INDICATOR_MISSING,   /* a unit's cell of the latest period without an actual */
    AK_FEED,                /* a feed stale (1) or failing (2) */
    AK_COUNT
};

enum alert_target {
    ATT_UNIT,
    ATT_STATION,   /* a SensorThings Thing (a station); id: its name */
    ATT_SENSOR,    /* id: the sensor's table id */
    ATT_DOSSIER,   /* id: the dossier id */
    ATT_COMPLAINT, /* id: the complaint id */
    ATT_INDICATOR, /* id: the indicator id, with the unit in unit_code */
    ATT_FEED,      /* id: the feed's name */
    ATT_COUNT
};

/* A rule: built-in defaults (alerts_new) overridden or extended by [rule.NAME] entries. */
struct alert_rule {
    char name[ALERT_RULE_NAME_MAX];
    enum alert_kind kind;
    char *scope;                   /* a unit code; NULL = all units */
    double warn, critical;         /* NaN = that severity is off; see docs/alerts.md per kind */
    bool warn_rate, critical_rate; /* given as "N%": a rate of the unit's open records */
    double min_count;              /* unit rates: judged only with at least this many records */
    double interval_s;             /* AK_STATION_SILENT: fixed interval (0 = from the readings) */
    int64_t min_duration;          /* seconds the condition must hold before an event fires */
    int64_t merge_interval;        /* seconds after an end within which a return continues it */
    enum alert_severity severity;  /* kinds with a yes/no condition: the severity they raise */
    char *message;                 /* template; NULL = the kind's Vietnamese default */
    bool enabled;
    bool builtin;
};

/* One event. Strings are owned by the alerts object; pointers stay valid until the next call
 * that changes the alerts (evaluate, tick, feed_state, ack, silence, load, configure). */
struct alert_event {
    char *key;  /* rule name + target: stable across restarts */
    char *rule; /* the rule's name */
    enum alert_kind kind;
    enum alert_target target;
    char *target_id;
    char *unit_code; /* NULL when the target has none */
    char *unit_name; /* the unit's full name when the event last changed; NULL if unknown */
    enum alert_severity severity, peak_severity;
    char *message;          /* rendered from the rule's template */
    const char *value_unit; /* "µg/m³", "m", "cm", "%", "phút", "giờ", "" ... (static) */
    double value, threshold, peak; /* NaN when the kind has none */
    bool lower_is_worse;           /* the value fires under the threshold (satisfaction) */
    int64_t start;                 /* when the condition began */
    int64_t end;                   /* TIME_NONE while active */
    int64_t last_change;           /* severity, value, start or end last moved */
    unsigned count;                /* occurrences merged into this event (1 = just the first) */
    bool acked;
    char *ack_note;                   /* NULL if none */
    int64_t ack_time;                 /* TIME_NONE unless acked */
    enum alert_severity ack_severity; /* acked at this severity; a higher one clears the ack */
    bool silenced;                    /* a silence matches it: shown, but not counted as active */
};

struct alert_silence {
    char *rule;      /* NULL = every rule */
    char *unit_code; /* NULL = every unit */
    int64_t until;
};

struct alerts;

/* A new engine with the built-in rules. */
struct alerts *alerts_new(void);
void alerts_free(struct alerts *a);

/* Applies [rule.NAME] entries (others are ignored) on top of the current rules, all or
 * nothing: on error returns -1, leaves the rules as they were and writes
 * "FILE:LINE: [rule.NAME] key: reason" into err. Keys: kind, scope, warn, critical,
 * min_duration, merge_interval, severity, message, enabled, min_count, interval. A built-in's
 * name overrides it; a new name adds a rule (kind required). Everything is judged afresh at
 * the next evaluate or tick. */
int alerts_configure(struct alerts *a, const struct config_entry *e, size_t n, char *err,
                     size_t errsz);
size_t alerts_rule_count(const struct alerts *a);
const struct alert_rule *alerts_rule_at(const struct alerts *a, size_t i);
const struct alert_rule *alerts_rule_find(const struct alerts *a, const char *name);
/* "aqi_band", "pm25", ... and back; false if the code is unknown. */
const char *alert_kind_code(enum alert_kind k);
bool alert_kind_parse(const char *code, enum alert_kind *out);
const char *alert_target_code(enum alert_target t);      /* "unit", "station", ... */
const char *alert_severity_code(enum alert_severity s);  /* "warn", "critical", "" */
const char *alert_severity_label(enum alert_severity s); /* "Cảnh báo", "Nghiêm trọng" */
/* "15m", "1h30m", "90s", "2d", "45" (seconds) -> seconds; false if not a duration. */
bool alert_parse_duration(const char *s, int64_t *out);

/* Looks at what changes lists (everything when changes is NULL, has all set, or the rules
 * changed since the last look). */
void alerts_evaluate(struct alerts *a, const struct store *s, const struct store_changes *ch,
                     int64_t now);
/* The time-driven part; cheap when nothing is due (a heap and a short pending list). */
void alerts_tick(struct alerts *a, const struct store *s, int64_t now);
/* A feed's health: state 0 ok, 1 stale, 2 failing; error may be NULL. */
void alerts_feed_state(struct alerts *a, const char *feed, int state, const char *error,
                       int64_t now);

/* Events in display order: active first (critical before warn, then newest start first),
 * silenced active ones after them, then ended ones (newest end first). */
size_t alerts_count(const struct alerts *a);
const struct alert_event *alerts_at(const struct alerts *a, size_t i);
const struct alert_event *alerts_find(const struct alerts *a, const char *key);
/* Active, not silenced; of those, critical; critical and not acked. */
size_t alerts_active_count(const struct alerts *a);
size_t alerts_active_critical(const struct alerts *a);
size_t alerts_unacked_critical(const struct alerts *a);
/* Bumped by any change a view could show. */
uint64_t alerts_generation(const struct alerts *a);
/* Bumped each time an event becomes critical (fires critical or escalates to it) while not
 * silenced: a top bar or a bell compares it with the value it last saw. */
uint64_t alerts_critical_seq(const struct alerts *a);
/* When that last happened (TIME_NONE never). */
int64_t alerts_last_critical(const struct alerts *a);

/* Operator actions; -1 when read-only or the key is unknown. An ack holds until the event's
 * severity rises above the acked one. alerts_silence: rule and unit_code NULL (or "*") for
 * any; until <= now lifts a silence. */
int alerts_ack(struct alerts *a, const char *key, const char *note, int64_t now);
int alerts_silence(struct alerts *a, const char *rule, const char *unit_code, int64_t until);
size_t alerts_silence_count(const struct alerts *a);
const struct alert_silence *alerts_silence_at(const struct alerts *a, size_t i);

/* State file. alerts_state_path: $XDG_STATE_HOME/citydeck/alerts.state, else
 * ~/.local/state/citydeck/alerts.state (a new string; NULL without HOME). Save writes a
 * temporary file (mode 0600) in the same directory (created 0700), fsyncs and renames it
 * over the old one; load restores acks, silences and events (active ones stay as they were
 * until the data confirms or clears them). 0 or -1 with err. A missing file loads as empty. */
char *alerts_state_path(void);
void alerts_set_read_only(struct alerts *a, bool read_only);
int alerts_state_save(struct alerts *a, const char *path, char *err, size_t errsz);
int alerts_state_load(struct alerts *a, const char *path, char *err, size_t errsz);
/* True when acks, silences or events changed since the last save or load. */
bool alerts_state_dirty(const struct alerts *a);

/* Plain text, one line per active event (severity, age, unit, message, value vs threshold),
 * for --snapshot alerts. */
void alerts_export(const struct alerts *a, FILE *out, int64_t now);

#endif
