/* The alert engine's events: conditions (entries) turning into events after min_duration,
 * following the condition while active, ending, continuing within merge_interval, then kept
 * in a bounded history; the display order, counts and operator actions on top.
 *
 * Ownership: an entry owns its current event; when the event leaves the entry (its merge
 * window passed, or the entry starts a new one) it moves to the history, which owns it from
 * then on. Views only ever get const pointers. */
#include "alert_internal.h"

#include "citydeck/clock.h"
#include "citydeck/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the entry map ----------------------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static struct alert_entry *map_get(const struct alert_map *m, const char *key)
{
    if (!m->nslots)
        return NULL;
    size_t mask = m->nslots - 1;
    /* The load stays under 70 %, so an empty slot always ends the probe. */
    for (size_t i = hash_str(key) & mask;; i = (i + 1) & mask) {
        struct alert_entry *e = m->slots[i];
        if (!e || strcmp(e->key, key) == 0)
            return e;
    }
}

static void map_insert(struct alert_map *m, struct alert_entry *e)
{
    size_t mask = m->nslots - 1;
    size_t i = hash_str(e->key) & mask;
    while (m->slots[i])
        i = (i + 1) & mask;
    m->slots[i] = e;
}

static void map_put(struct alert_map *m, struct alert_entry *e)
{
    if ((m->n + 1) * 10 >= m->nslots * 7) {
        struct alert_entry **old = m->slots;
        size_t oldn = m->nslots;
        m->nslots = oldn ? oldn * 2 : 64;
        m->slots = xcalloc(m->nslots, sizeof *m->slots);
        for (size_t i = 0; i < oldn; i++)
            if (old[i])
                map_insert(m, old[i]);
        free(old);
    }
    map_insert(m, e);
    m->n++;
}

/* Backward-shift deletion: no tombstones, probes stay short however many come and go. */
static void map_del(struct alert_map *m, const struct alert_entry *e)
{
    size_t mask = m->nslots - 1;
    size_t i = hash_str(e->key) & mask;
    while (m->slots[i] != e) {
        if (!m->slots[i])
            return;
        i = (i + 1) & mask;
    }
    m->slots[i] = NULL;
    m->n--;
    for (size_t j = (i + 1) & mask; m->slots[j]; j = (j + 1) & mask) {
        size_t home = hash_str(m->slots[j]->key) & mask;
        /* Move j back into the hole at i unless its home lies cyclically in (i, j]. */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            m->slots[i] = m->slots[j];
            m->slots[j] = NULL;
            i = j;
        }
    }
}

/* ---- events and entries ---------------------------------------------------------------- */

struct alert_event *alerts_event_new(void)
{
    struct alert_event *ev = xcalloc(1, sizeof *ev);
    ev->value = ev->threshold = ev->peak = NAN;
    ev->start = ev->end = ev->last_change = ev->ack_time = TIME_NONE;
    ev->value_unit = "";
    return ev;
}

void alerts_event_free(struct alert_event *e)
{
    if (!e)
        return;
    free(e->key);
    free(e->rule);
    free(e->target_id);
    free(e->unit_code);
    free(e->unit_name);
    free(e->message);
    free(e->ack_note);
    free(e);
}

void alerts_changed(struct alerts *a)
{
    a->generation++;
    a->order_dirty = true;
}

char *alerts_key(const struct alerts *a, size_t rule, const char *target_id, const char *unit_code,
                 char *buf, size_t n)
{
    const struct alert_rule *r = &a->rules[rule];
    enum alert_target t = alert_kind_info(r->kind)->target;
    const char *tc = alert_target_code(t);
    int len;
    /* Station names and indicator ids repeat across units: the unit is part of the key. */
    if (t == ATT_STATION || t == ATT_INDICATOR)
        len = snprintf(buf, n, "%s|%s:%s/%s", r->name, tc, unit_code ? unit_code : "", target_id);
    else
        len = snprintf(buf, n, "%s|%s:%s", r->name, tc, target_id);
    if (len >= 0 && (size_t)len < n)
        return buf;
    if (t == ATT_STATION || t == ATT_INDICATOR)
        return xasprintf("%s|%s:%s/%s", r->name, tc, unit_code ? unit_code : "", target_id);
    return xasprintf("%s|%s:%s", r->name, tc, target_id);
}

struct alert_entry *alerts_entry_find(const struct alerts *a, const char *key)
{
    return key ? map_get(&a->map, key) : NULL;
}

static struct alert_entry *entry_new(struct alerts *a, size_t rule, const char *key,
                                     const char *target_id, const char *unit_code)
{
    struct alert_entry *e = xcalloc(1, sizeof *e);
    e->key = xstrdup(key);
    e->rule = rule;
    e->target = alert_kind_info(a->rules[rule].kind)->target;
    e->target_id = xstrdup(target_id);
    e->unit_code = unit_code ? xstrdup(unit_code) : NULL;
    e->since = e->restored_at = TIME_NONE;
    e->value = e->threshold = NAN;
    e->epoch = a->epoch;
    a->entries = xgrow(a->entries, &a->ecap, a->nentries + 1, sizeof *a->entries);
    e->pos = a->nentries;
    a->entries[a->nentries++] = e;
    map_put(&a->map, e);
    a->rule_entries[rule]++;
    return e;
}

void alerts_entry_free(struct alerts *a, struct alert_entry *e)
{
    map_del(&a->map, e);
    a->entries[e->pos] = a->entries[--a->nentries];
    a->entries[e->pos]->pos = e->pos;
    a->rule_entries[e->rule]--;
    alerts_event_free(e->ev);
    free(e->key);
    free(e->target_id);
    free(e->unit_code);
    free(e->name);
    free(e->level);
    free(e->period);
    free(e->error);
    free(e);
}

static void history_prune(struct alerts *a, int64_t now)
{
    size_t drop = 0;
    while (drop < a->nhist && (a->nhist - drop > ALERTS_KEEP_ENDED ||
                               (now != TIME_NONE && a->hist[drop]->end != TIME_NONE &&
                                a->hist[drop]->end < now - ALERTS_KEEP_ENDED_S)))
        alerts_event_free(a->hist[drop++]);
    if (drop) {
        memmove(a->hist, a->hist + drop, (a->nhist - drop) * sizeof *a->hist);
        a->nhist -= drop;
        alerts_changed(a);
        a->state_dirty = true;
    }
}

void alerts_hist_push(struct alerts *a, struct alert_event *e)
{
    a->hist = xgrow(a->hist, &a->hcap, a->nhist + 1, sizeof *a->hist);
    a->hist[a->nhist++] = e;
    alerts_changed(a);
    history_prune(a, TIME_NONE);
}

/* The entry's ended event leaves it for the history. */
static void entry_retire_event(struct alerts *a, struct alert_entry *e)
{
    if (!e->ev)
        return;
    alerts_hist_push(a, e->ev);
    e->ev = NULL;
}

bool alerts_silenced(const struct alerts *a, const char *rule, const char *unit_code, int64_t now)
{
    for (size_t i = 0; i < a->nsilences; i++) {
        const struct alert_silence *s = &a->silences[i];
        if ((now == TIME_NONE || s->until > now) && (!s->rule || str_eq(s->rule, rule)) &&
            (!s->unit_code || str_eq(s->unit_code, unit_code)))
            return true;
    }
    return false;
}

static void set_str(char **dst, const char *src)
{
    if (str_eq(*dst, src))
        return;
    free(*dst);
    *dst = src ? xstrdup(src) : NULL;
}

static bool worse(const struct alert_event *ev, double v, double than)
{
    if (isnan(than))
        return !isnan(v);
    if (isnan(v))
        return false;
    return ev->lower_is_worse ? v < than : v > than;
}

/* Brings an active event in line with its entry: severity (escalation), value, peak,
 * message. */
static void event_sync(struct alerts *a, const struct store *s, struct alert_entry *e, int64_t now,
                       bool fresh)
{
    struct alert_event *ev = e->ev;
    const struct alert_rule *r = &a->rules[e->rule];
    bool changed = fresh, lifecycle = fresh;
    bool silenced = alerts_silenced(a, r->name, e->unit_code, now);
    if (ev->silenced != silenced) {
        ev->silenced = silenced;
        changed = lifecycle = true;
    }
    if (e->sev != ev->severity) {
        bool up = e->sev > ev->severity;
        ev->severity = e->sev;
        changed = lifecycle = true;
        if (up && e->sev == ALERT_CRITICAL && !silenced) {
            a->critical_seq++;
            a->last_critical = now;
        }
        if (ev->acked && e->sev > ev->ack_severity)
            ev->acked = false; /* worse than what the operator saw */
    }
    if (e->sev > ev->peak_severity)
        ev->peak_severity = e->sev;
    bool value_moved =
        !(ev->value == e->value || (isnan(ev->value) && isnan(e->value))) ||
        !(ev->threshold == e->threshold || (isnan(ev->threshold) && isnan(e->threshold)));
    if (value_moved) {
        ev->value = e->value;
        ev->threshold = e->threshold;
        changed = true;
    }
    if (worse(ev, e->value, ev->peak))
        ev->peak = e->value;
    if (e->value_unit)
        ev->value_unit = e->value_unit;
    if (changed || !ev->message) {
        char *msg = alerts_render(a, s, e);
        if (!str_eq(msg, ev->message)) {
            free(ev->message);
            ev->message = msg;
            changed = true;
        } else {
            free(msg);
        }
        if (s && e->unit_code)
            set_str(&ev->unit_name, unit_table_name(s->units, e->unit_code));
    }
    if (changed) {
        ev->last_change = now;
        alerts_changed(a);
    }
    if (lifecycle)
        a->state_dirty = true;
}

static void event_fire(struct alerts *a, const struct store *s, struct alert_entry *e, int64_t now)
{
    const struct alert_rule *r = &a->rules[e->rule];
    struct alert_event *ev = alerts_event_new();
    ev->key = xstrdup(e->key);
    ev->rule = xstrdup(r->name);
    ev->kind = r->kind;
    ev->target = e->target;
    ev->target_id = xstrdup(e->target_id);
    ev->unit_code = e->unit_code ? xstrdup(e->unit_code) : NULL;
    ev->lower_is_worse = alert_kind_info(r->kind)->lower_is_worse;
    ev->value_unit = e->value_unit ? e->value_unit : alert_kind_info(r->kind)->value_unit;
    ev->start = e->since;
    ev->count = 1;
    ev->severity = ALERT_NONE; /* event_sync raises it, counting a critical start */
    e->ev = ev;
    event_sync(a, s, e, now, true);
}

/* The condition holds (its fields are current): fire, continue or update the event. */
static void entry_step(struct alerts *a, const struct store *s, struct alert_entry *e, int64_t now)
{
    const struct alert_rule *r = &a->rules[e->rule];
    if (e->ev && e->ev->end != TIME_NONE) {
        if (now - e->ev->end <= r->merge_interval) {
            /* Back within the merge interval: the same event goes on. */
            e->ev->end = TIME_NONE;
            e->ev->count++;
            e->ev->last_change = now;
            alerts_changed(a);
            a->state_dirty = true;
            event_sync(a, s, e, now, false);
            return;
        }
        entry_retire_event(a, e);
    }
    if (e->ev) {
        event_sync(a, s, e, now, false);
        return;
    }
    if (now - e->since >= r->min_duration && !alerts_silenced(a, r->name, e->unit_code, now))
        event_fire(a, s, e, now);
}

/* The condition no longer holds. */
static void entry_release(struct alerts *a, struct alert_entry *e, int64_t now)
{
    e->holding = false;
    e->sev = ALERT_NONE;
    e->since = TIME_NONE;
    if (e->ev && e->ev->end == TIME_NONE) {
        e->ev->end = now;
        e->ev->last_change = now;
        alerts_changed(a);
        a->state_dirty = true;
    }
    if (!e->ev)
        alerts_entry_free(a, e);
}

void alerts_observe(struct alerts *a, const struct store *s, size_t rule, const char *target_id,
                    const char *unit_code, const struct alert_obs *o, int64_t now)
{
    /* The common case: nothing holds and nothing is on record for this rule. */
    if (o->sev == ALERT_NONE && a->rule_entries[rule] == 0)
        return;
    char kb[256];
    char *key = alerts_key(a, rule, target_id, unit_code, kb, sizeof kb);
    struct alert_entry *e = map_get(&a->map, key);
    if (!e && o->sev != ALERT_NONE)
        e = entry_new(a, rule, key, target_id, unit_code);
    if (e) {
        e->epoch = a->epoch;
        e->restored = false;
        if (o->sev == ALERT_NONE) {
            if (e->holding || (e->ev && e->ev->end == TIME_NONE))
                entry_release(a, e, now);
        } else {
            if (!e->holding) {
                e->holding = true;
                e->since = now;
            }
            e->sev = o->sev;
            e->value = o->value;
            e->threshold = o->threshold;
            e->value_unit = o->value_unit;
            set_str(&e->name, o->name);
            set_str(&e->level, o->level);
            set_str(&e->period, o->period);
            set_str(&e->error, o->error);
            set_str(&e->unit_code, unit_code);
            entry_step(a, s, e, now);
        }
    }
    if (key != kb)
        free(key);
}

struct alert_entry *alerts_entry_restore(struct alerts *a, struct alert_event *ev)
{
    const struct alert_rule *r = alerts_rule_find(a, ev->rule);
    size_t ri = r ? (size_t)(r - a->rules) : 0;
    bool usable = r && r->kind == ev->kind && ev->end == TIME_NONE && ev->target_id &&
                  !map_get(&a->map, ev->key);
    if (!usable) {
        if (ev->end == TIME_NONE)
            ev->end = ev->last_change != TIME_NONE ? ev->last_change : ev->start;
        alerts_hist_push(a, ev);
        return NULL;
    }
    struct alert_entry *e = entry_new(a, ri, ev->key, ev->target_id, ev->unit_code);
    e->holding = true;
    e->since = ev->start;
    e->sev = ev->severity;
    e->value = ev->value;
    e->threshold = ev->threshold;
    e->value_unit = ev->value_unit;
    e->restored = true;
    e->ev = ev;
    alerts_changed(a);
    return e;
}

/* ---- life cycle ------------------------------------------------------------------------ */

struct alerts *alerts_new(void)
{
    struct alerts *a = xcalloc(1, sizeof *a);
    alerts_rules_defaults(a);
    a->eval = alert_eval_new();
    a->last_critical = TIME_NONE;
    a->offset = CLOCK_VN_OFFSET;
    a->last_now = TIME_NONE;
    a->need_full = true;
    a->order_dirty = true;
    return a;
}

void alerts_free(struct alerts *a)
{
    if (!a)
        return;
    while (a->nentries > 0)
        alerts_entry_free(a, a->entries[a->nentries - 1]);
    free(a->entries);
    free(a->map.slots);
    for (size_t i = 0; i < a->nhist; i++)
        alerts_event_free(a->hist[i]);
    free(a->hist);
    free(a->order);
    for (size_t i = 0; i < a->nsilences; i++) {
        free(a->silences[i].rule);
        free(a->silences[i].unit_code);
    }
    free(a->silences);
    for (size_t i = 0; i < a->nrules; i++)
        alert_rule_free(&a->rules[i]);
    free(a->rules);
    free(a->rule_entries);
    for (int k = 0; k < AK_COUNT; k++)
        store_code_set_clear(&a->scoped[k]);
    alert_eval_free(a->eval);
    free(a);
}

/* Entries a full evaluation did not see no longer have a target or a rule that applies. */
static void sweep(struct alerts *a, int64_t now)
{
    for (size_t i = a->nentries; i-- > 0;) {
        struct alert_entry *e = a->entries[i];
        if (e->epoch == a->epoch || e->restored || e->target == ATT_FEED)
            continue;
        if (e->holding || (e->ev && e->ev->end == TIME_NONE))
            entry_release(a, e, now);
    }
}

static void evaluate_all(struct alerts *a, const struct store *s, int64_t now)
{
    a->need_full = false;
    a->epoch++;
    alert_eval_all(a, s, now);
    sweep(a, now);
}

void alerts_evaluate(struct alerts *a, const struct store *s, const struct store_changes *ch,
                     int64_t now)
{
    if (!a || !s)
        return;
    a->last_now = now;
    if (!ch || ch->all || a->need_full)
        evaluate_all(a, s, now);
    else
        alert_eval_changes(a, s, ch, now);
}

void alerts_tick(struct alerts *a, const struct store *s, int64_t now)
{
    if (!a)
        return;
    a->last_now = now;
    if (a->need_full && s)
        evaluate_all(a, s, now);
    /* Silences that ran out: their events count again, their conditions may fire. */
    bool lifted = false;
    for (size_t i = a->nsilences; i-- > 0;) {
        if (a->silences[i].until > now)
            continue;
        free(a->silences[i].rule);
        free(a->silences[i].unit_code);
        a->silences[i] = a->silences[--a->nsilences];
        lifted = true;
    }
    if (lifted) {
        alerts_changed(a);
        a->state_dirty = true;
    }
    if (s)
        alert_eval_timers(a, s, now);
    for (size_t i = a->nentries; i-- > 0;) {
        struct alert_entry *e = a->entries[i];
        const struct alert_rule *r = &a->rules[e->rule];
        if (e->restored) {
            /* Restored from the state file and never seen since: the target is gone. */
            if (e->restored_at == TIME_NONE)
                e->restored_at = now;
            else if (now - e->restored_at >= ALERTS_RESTORE_GRACE_S) {
                e->restored = false;
                entry_release(a, e, now);
            }
            continue;
        }
        if (e->holding) {
            if (!e->ev || lifted || e->ev->silenced)
                entry_step(a, s, e, now); /* min_duration elapsing, a silence lifted */
        } else if (e->ev && e->ev->end != TIME_NONE && now - e->ev->end > r->merge_interval) {
            entry_retire_event(a, e);
            alerts_entry_free(a, e);
        }
    }
    history_prune(a, now);
}

/* ---- queries --------------------------------------------------------------------------- */

static int group_of(const struct alert_event *e)
{
    if (e->end != TIME_NONE)
        return 2;
    return e->silenced ? 1 : 0;
}

static int event_cmp(const void *pa, const void *pb)
{
    const struct alert_event *x = *(const struct alert_event *const *)pa;
    const struct alert_event *y = *(const struct alert_event *const *)pb;
    int gx = group_of(x), gy = group_of(y);
    if (gx != gy)
        return gx - gy;
    if (gx < 2) {
        if (x->severity != y->severity)
            return (int)y->severity - (int)x->severity;
        if (x->start != y->start)
            return x->start < y->start ? 1 : -1;
    } else if (x->end != y->end) {
        return x->end < y->end ? 1 : -1;
    }
    return strcmp(x->key, y->key);
}

/* The view asks through const pointers; the order is a cache of the events, rebuilt when
 * something changed since the last question. */
static void refresh(const struct alerts *ca)
{
    struct alerts *a = (struct alerts *)ca;
    if (!a->order_dirty)
        return;
    a->norder = 0;
    a->active = a->active_critical = a->unacked_critical = 0;
    size_t need = a->nentries + a->nhist;
    a->order = xgrow(a->order, &a->ocap, need + 1, sizeof *a->order);
    for (size_t i = 0; i < a->nentries; i++) {
        struct alert_event *ev = a->entries[i]->ev;
        if (!ev)
            continue;
        a->order[a->norder++] = ev;
        if (ev->end == TIME_NONE && !ev->silenced) {
            a->active++;
            if (ev->severity == ALERT_CRITICAL) {
                a->active_critical++;
                if (!ev->acked)
                    a->unacked_critical++;
            }
        }
    }
    for (size_t i = 0; i < a->nhist; i++)
        a->order[a->norder++] = a->hist[i];
    qsort(a->order, a->norder, sizeof *a->order, event_cmp);
    a->order_dirty = false;
}

size_t alerts_count(const struct alerts *a)
{
    if (!a)
        return 0;
    refresh(a);
    return a->norder;
}

const struct alert_event *alerts_at(const struct alerts *a, size_t i)
{
    if (!a)
        return NULL;
    refresh(a);
    return i < a->norder ? a->order[i] : NULL;
}

static struct alert_event *find_event(const struct alerts *a, const char *key)
{
    if (!a || !key)
        return NULL;
    struct alert_entry *e = map_get(&a->map, key);
    if (e && e->ev)
        return e->ev;
    for (size_t i = a->nhist; i-- > 0;)
        if (strcmp(a->hist[i]->key, key) == 0)
            return a->hist[i];
    return NULL;
}

const struct alert_event *alerts_find(const struct alerts *a, const char *key)
{
    return find_event(a, key);
}

size_t alerts_active_count(const struct alerts *a)
{
    if (!a)
        return 0;
    refresh(a);
    return a->active;
}

size_t alerts_active_critical(const struct alerts *a)
{
    if (!a)
        return 0;
    refresh(a);
    return a->active_critical;
}

size_t alerts_unacked_critical(const struct alerts *a)
{
    if (!a)
        return 0;
    refresh(a);
    return a->unacked_critical;
}

uint64_t alerts_generation(const struct alerts *a)
{
    return a ? a->generation : 0;
}

uint64_t alerts_critical_seq(const struct alerts *a)
{
    return a ? a->critical_seq : 0;
}

int64_t alerts_last_critical(const struct alerts *a)
{
    return a ? a->last_critical : TIME_NONE;
}

/* ---- operator actions ------------------------------------------------------------------ */

int alerts_ack(struct alerts *a, const char *key, const char *note, int64_t now)
{
    if (!a || a->read_only)
        return -1;
    struct alert_event *ev = find_event(a, key);
    if (!ev)
        return -1;
    ev->acked = true;
    ev->ack_time = now;
    ev->ack_severity = ev->severity;
    free(ev->ack_note);
    ev->ack_note = note && *note ? xstrdup(note) : NULL;
    alerts_changed(a);
    a->state_dirty = true;
    return 0;
}

static const char *any_or(const char *s)
{
    return s && *s && strcmp(s, "*") != 0 ? s : NULL;
}

int alerts_silence(struct alerts *a, const char *rule, const char *unit_code, int64_t until)
{
    if (!a || a->read_only)
        return -1;
    rule = any_or(rule);
    unit_code = any_or(unit_code);
    size_t i = 0;
    while (i < a->nsilences &&
           !(str_eq(a->silences[i].rule, rule) && str_eq(a->silences[i].unit_code, unit_code)))
        i++;
    if (i == a->nsilences) {
        a->silences = xgrow(a->silences, &a->scap, a->nsilences + 1, sizeof *a->silences);
        a->silences[i] = (struct alert_silence){rule ? xstrdup(rule) : NULL,
                                                unit_code ? xstrdup(unit_code) : NULL, until};
        a->nsilences++;
    }
    a->silences[i].until = until;
    /* Flags follow at once; a silence that ran out is removed at the next tick. */
    for (size_t k = 0; k < a->nentries; k++) {
        struct alert_event *ev = a->entries[k]->ev;
        if (ev && ev->end == TIME_NONE)
            ev->silenced = alerts_silenced(a, ev->rule, ev->unit_code, a->last_now);
    }
    alerts_changed(a);
    a->state_dirty = true;
    return 0;
}

size_t alerts_silence_count(const struct alerts *a)
{
    return a ? a->nsilences : 0;
}

const struct alert_silence *alerts_silence_at(const struct alerts *a, size_t i)
{
    return a && i < a->nsilences ? &a->silences[i] : NULL;
}

void alerts_set_read_only(struct alerts *a, bool read_only)
{
    if (a)
        a->read_only = read_only;
}

bool alerts_state_dirty(const struct alerts *a)
{
    return a && a->state_dirty;
}

/* ---- export ------------------------------------------------------------------------------ */

void alerts_export(const struct alerts *a, FILE *out, int64_t now)
{
    size_t n = alerts_count(a), shown = 0;
    for (size_t i = 0; i < n; i++) {
        const struct alert_event *e = alerts_at(a, i);
        if (e->end != TIME_NONE)
            continue;
        char age[32], val[64], thr[64];
        clock_format_age(now != TIME_NONE && e->start != TIME_NONE ? now - e->start : 0, age,
                         sizeof age);
        alerts_format_value(e->value, e->value_unit, val, sizeof val);
        alerts_format_value(e->threshold, e->value_unit, thr, sizeof thr);
        const char *unit =
            e->value_unit && *e->value_unit && strcmp(e->value_unit, "%") != 0 ? e->value_unit : "";
        fprintf(out, "%-8s %6s  %-8s %s", alert_severity_code(e->severity), age,
                e->unit_code ? e->unit_code : "-", e->message ? e->message : e->key);
        if (!isnan(e->value) && !isnan(e->threshold))
            fprintf(out, "  [%s%s%s %s %s%s%s]", val, *unit ? " " : "", unit,
                    e->lower_is_worse ? "<" : "≥", thr, *unit ? " " : "", unit);
        if (e->count > 1)
            fprintf(out, "  ×%u", e->count);
        if (e->silenced)
            fprintf(out, "  (tạm tắt)");
        else if (e->acked)
            fprintf(out, "  (đã xác nhận%s%s)", e->ack_note ? ": " : "",
                    e->ack_note ? e->ack_note : "");
        fputc('\n', out);
        shown++;
    }
    if (shown == 0)
        fprintf(out, "Không có cảnh báo đang hoạt động.\n");
}
