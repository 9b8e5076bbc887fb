/* Shared by alerts.c (events), alert_rules.c (rules, config, templates), alert_eval.c (what
 * the store says) and alert_state.c (the state file). Not a public header. */
#ifndef CITYDECK_ALERT_INTERNAL_H
#define CITYDECK_ALERT_INTERNAL_H

#include "citydeck/alerts.h"

/* What a kind is about: the target it watches, the unit of its value, its default rule. */
struct alert_kind_info {
    const char *code;
    enum alert_target target;
    const char *value_unit;
    bool lower_is_worse; /* fires under the threshold */
    bool numeric;        /* warn/critical are thresholds; else a yes/no at rule.severity */
    const char *message; /* default template (Vietnamese) */
};
const struct alert_kind_info *alert_kind_info(enum alert_kind k);

/* What an evaluator says about one (rule, target). */
struct alert_obs {
    enum alert_severity sev; /* ALERT_NONE: the condition does not hold */
    double value, threshold; /* NaN when none */
    const char *value_unit;  /* NULL = the kind's */
    const char *name;        /* {name}: station, sensor, procedure, indicator, feed */
    const char *level;       /* {level}: band, alarm level, deadline state... */
    const char *period;      /* {period} */
    const char *error;       /* {error} */
};

/* A (rule, target) whose condition holds, or that has an event (active, or ended within its
 * merge interval); freed when neither. */
struct alert_entry {
    char *key;
    size_t rule;
    enum alert_target target;
    char *target_id, *unit_code;
    bool holding;
    int64_t since; /* the condition began (while holding) */
    enum alert_severity sev;
    double value, threshold;
    const char *value_unit;
    char *name, *level, *period, *error; /* for the template */
    struct alert_event *ev;
    bool restored;       /* loaded from the state file, not yet seen in the data */
    int64_t restored_at; /* the first tick after the load */
    uint32_t epoch;      /* the last full evaluation that observed it */
    size_t pos;          /* index in alerts.entries */
};

/* Open addressing with backward-shift deletion: entries come and go all the time. */
struct alert_map {
    struct alert_entry **slots;
    size_t nslots, n;
};

struct alert_eval; /* alert_eval.c: stations, timers */

struct alerts {
    struct alert_rule *rules;
    size_t nrules, rcap;
    size_t *rule_entries;                   /* live entries per rule */
    struct store_code_set scoped[AK_COUNT]; /* units with an enabled scoped rule of a kind */

    struct alert_entry **entries;
    size_t nentries, ecap;
    struct alert_map map;

    struct alert_event **hist; /* ended, no longer tied to a condition; newest last */
    size_t nhist, hcap;

    /* Display order and counts, rebuilt lazily after a change. */
    struct alert_event **order;
    size_t norder, ocap;
    bool order_dirty;
    size_t active, active_critical, unacked_critical;

    uint64_t generation, critical_seq;
    int64_t last_critical;

    struct alert_silence *silences;
    size_t nsilences, scap;

    bool read_only;
    bool state_dirty;
    bool need_full; /* rules changed or state loaded: judge everything at the next look */
    bool loaded;    /* restored entries wait for their grace period */
    uint32_t epoch;
    int offset;       /* the hub's UTC offset, for working hours */
    int64_t last_now; /* the latest now any call brought; TIME_NONE before */
    struct alert_eval *eval;
};

/* Seconds a restored event waits for its target to show up in the data before it ends. */
#define ALERTS_RESTORE_GRACE_S (15 * 60)

/* alert_rules.c */
void alerts_rules_defaults(struct alerts *a);
void alert_rule_free(struct alert_rule *r);
void alerts_rules_index(struct alerts *a); /* rebuilds scoped[] */
/* Does rule r apply to a target in unit_code (scope, enabled, most specific scope wins)? */
bool alerts_rule_applies(const struct alerts *a, size_t r, const char *unit_code);
/* Renders the rule's template for entry e; a new string. */
char *alerts_render(const struct alerts *a, const struct store *s, const struct alert_entry *e);
/* Formats a value as the templates and the export show it. */
void alerts_format_value(double v, const char *unit, char *buf, size_t n);

/* alerts.c */
void alerts_observe(struct alerts *a, const struct store *s, size_t rule, const char *target_id,
                    const char *unit_code, const struct alert_obs *o, int64_t now);
struct alert_entry *alerts_entry_find(const struct alerts *a, const char *key);
void alerts_changed(struct alerts *a);
struct alert_event *alerts_event_new(void);
void alerts_event_free(struct alert_event *e);
/* Drops an entry, its event and its place in the map and the entry list. */
void alerts_entry_free(struct alerts *a, struct alert_entry *e);
void alerts_hist_push(struct alerts *a, struct alert_event *e);
/* The entry of a restored event; the event is taken. */
struct alert_entry *alerts_entry_restore(struct alerts *a, struct alert_event *e);
bool alerts_silenced(const struct alerts *a, const char *rule, const char *unit_code, int64_t now);
/* Builds a key into buf (a new string when it does not fit; free it if != buf). */
char *alerts_key(const struct alerts *a, size_t rule, const char *target_id, const char *unit_code,
                 char *buf, size_t n);

/* alert_eval.c */
struct alert_eval *alert_eval_new(void);
void alert_eval_free(struct alert_eval *ev);
void alert_eval_all(struct alerts *a, const struct store *s, int64_t now);
void alert_eval_changes(struct alerts *a, const struct store *s, const struct store_changes *ch,
                        int64_t now);
void alert_eval_timers(struct alerts *a, const struct store *s, int64_t now);

#endif
