/* The store: owned by the loop thread; merges are the only writers.
 *
 * Besides merging, each store_merge_* records what the batch touched in s->changes. The
 * tables' merge functions keep their simple signatures (the adapters' tests call them
 * directly), so the store learns what they touched from outside: it resolves the batch's ids
 * to indexes before the merge (records keep their index for a table's lifetime, and new ones
 * are appended), and compares what alerts read of each record before and after. Complaints
 * report themselves through the table's observer. Dossiers also change state with the hub's
 * clock, without being in any batch: the store keeps its own queue of their coming
 * transitions (due - 1 working day, due) and reports the records whose moment passed. */
#include "citydeck/store.h"

#include "citydeck/clock.h"
#include "citydeck/timeheap.h"
#include "citydeck/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Points of history kept per sensor: 24 h at a 5-minute cadence. */
#define SENSOR_SERIES_POINTS 288
#define NONE ((size_t)-1)

struct store_watch {
    struct timeheap heap; /* when each dossier's deadline state can move next */
    uint32_t *version;    /* per dossier index */
    size_t nversion, vcap;
    size_t complaint_touches; /* observer calls, so store_set_now knows to bump */
};

static void on_complaint(void *arg, size_t idx, const char *old_unit)
{
    struct store *s = arg;
    const struct complaint *c = complaint_table_at(s->complaints, idx);
    store_index_set_add(&s->changes.complaints, idx);
    store_code_set_add(&s->changes.complaint_units, old_unit);
    if (c)
        store_code_set_add(&s->changes.complaint_units, c->unit_code);
    s->watch->complaint_touches++;
}

struct store *store_new(void)
{
    struct store *s = xcalloc(1, sizeof *s);
    s->complaints = complaint_table_new();
    s->dossiers = dossier_table_new(CLOCK_VN_OFFSET);
    s->sensors = sensor_table_new(SENSOR_SERIES_POINTS);
    s->indicators = indicator_store_new();
    s->units = unit_table_new();
    s->watch = xcalloc(1, sizeof *s->watch);
    s->changes.all = true; /* whoever takes first has not seen anything yet */
    complaint_table_set_observer(s->complaints, on_complaint, s);
    return s;
}

void store_free(struct store *s)
{
    if (!s)
        return;
    complaint_table_free(s->complaints);
    dossier_table_free(s->dossiers);
    sensor_table_free(s->sensors);
    indicator_store_free(s->indicators);
    unit_table_free(s->units);
    store_changes_clear(&s->changes);
    timeheap_free(&s->watch->heap);
    free(s->watch->version);
    free(s->watch);
    free(s);
}

/* An unchanged poll (the common case) must not bump the generation: views redraw on a
 * generation change, and an idle console should send nothing to the terminal. */
static void store_changed(struct store *s, size_t changed)
{
    if (changed > 0)
        s->generation++;
}

void store_merge_complaints(struct store *s, struct complaint_batch *b)
{
    if (!b)
        return;
    if (s)
        store_changed(s, complaint_table_merge(s->complaints, b));
    complaint_batch_free(b);
}

void store_set_now(struct store *s, int64_t now)
{
    if (!s)
        return;
    size_t before = s->watch->complaint_touches;
    complaint_table_set_now(s->complaints, now);
    store_changed(s, s->watch->complaint_touches - before);
}

/* ---- sensors ------------------------------------------------------------------------- */

/* What the alerts read of a sensor; strings are offsets into an arena (the table frees the
 * old ones as the merge replaces them). */
struct sensor_snap {
    size_t idx;
    int64_t time_ms;
    double value, alarm[3];
    enum sensor_kind kind;
    enum aqi_pollutant pollutant;
    int aqi, depth_class;
    enum flood_level level;
    bool offline;
    size_t unit, station; /* arena offsets, NONE for NULL */
};

static size_t arena_put(struct buf *a, const char *s)
{
    if (!s)
        return NONE;
    size_t off = a->len;
    buf_append(a, s, strlen(s) + 1);
    return off;
}

static const char *arena_get(const struct buf *a, size_t off)
{
    return off == NONE ? NULL : a->data + off;
}

static bool num_same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Records keep their index for a table's lifetime and live in one array, so a record's index
 * is its distance from record 0. */
static size_t sensor_index(const struct sensor_table *t, const char *id)
{
    const struct sensor *s = id ? sensor_table_find(t, id) : NULL;
    return s ? (size_t)(s - sensor_table_at(t, 0)) : NONE;
}

static bool sensor_differs(const struct sensor *s, const struct sensor_snap *p,
                           const struct buf *arena)
{
    return s->time_ms != p->time_ms || !num_same(s->value, p->value) || s->kind != p->kind ||
           s->pollutant != p->pollutant || s->aqi != p->aqi || s->level != p->level ||
           s->depth_class != p->depth_class || s->offline != p->offline ||
           !num_same(s->alarm[0], p->alarm[0]) || !num_same(s->alarm[1], p->alarm[1]) ||
           !num_same(s->alarm[2], p->alarm[2]) ||
           !str_eq(s->unit_code, arena_get(arena, p->unit)) ||
           !str_eq(s->station, arena_get(arena, p->station));
}

void store_merge_sensors(struct store *s, struct sensor_batch *b)
{
    if (!b)
        return;
    if (!s) {
        sensor_batch_free(b);
        return;
    }
    struct sensor_table *t = s->sensors;
    size_t n0 = sensor_table_count(t);
    struct sensor_snap *snap = xcalloc(b->n + 1, sizeof *snap);
    struct buf arena = {0};
    size_t nsnap = 0;
    for (size_t k = 0; k < b->n; k++) {
        size_t idx = sensor_index(t, b->items[k].s.id);
        if (idx == NONE)
            continue;
        const struct sensor *r = sensor_table_at(t, idx);
        struct sensor_snap *p = &snap[nsnap++];
        *p = (struct sensor_snap){.idx = idx,
                                  .time_ms = r->time_ms,
                                  .value = r->value,
                                  .kind = r->kind,
                                  .pollutant = r->pollutant,
                                  .aqi = r->aqi,
                                  .depth_class = r->depth_class,
                                  .level = r->level,
                                  .offline = r->offline};
        memcpy(p->alarm, r->alarm, sizeof p->alarm);
        p->unit = arena_put(&arena, r->unit_code);
        p->station = arena_put(&arena, r->station);
    }

    store_changed(s, sensor_table_merge(t, b));

    struct store_changes *c = &s->changes;
    for (size_t k = 0; k < nsnap; k++) {
        const struct sensor *r = sensor_table_at(t, snap[k].idx);
        if (!sensor_differs(r, &snap[k], &arena))
            continue;
        store_index_set_add(&c->sensors, snap[k].idx);
        store_code_set_add(&c->sensor_units, arena_get(&arena, snap[k].unit));
        store_code_set_add(&c->sensor_units, r->unit_code);
    }
    for (size_t i = n0; i < sensor_table_count(t); i++) {
        store_index_set_add(&c->sensors, i);
        store_code_set_add(&c->sensor_units, sensor_table_at(t, i)->unit_code);
    }
    buf_free(&arena);
    free(snap);
    sensor_batch_free(b);
}

/* ---- indicators ---------------------------------------------------------------------- */

void store_merge_indicators(struct store *s, struct indicator_batch *b)
{
    if (!b)
        return;
    if (!s) {
        indicator_batch_free(b);
        return;
    }
    struct indicator_store *is = s->indicators;
    /* An indicator's latest period decides what every unit is judged on: if one moves (a
     * new period, or a first actual in a later one), every unit may differ. */
    size_t nind = indicator_store_indicator_count(is);
    const char **latest = xcalloc(nind + 1, sizeof *latest);
    for (size_t i = 0; i < nind; i++)
        latest[i] = indicator_store_latest_period(is, indicator_store_indicator_at(is, i)->id);

    store_changed(s, indicator_store_merge(is, b));

    struct store_changes *c = &s->changes;
    if (indicator_store_indicator_count(is) != nind)
        c->indicators_all = true;
    for (size_t i = 0; i < nind && !c->indicators_all; i++) {
        const char *now =
            indicator_store_latest_period(is, indicator_store_indicator_at(is, i)->id);
        if (!str_eq(now, latest[i]))
            c->indicators_all = true;
    }
    for (size_t k = 0; k < b->n; k++)
        store_code_set_add(&c->indicator_units, indicator_batch_unit(b, b->cells[k].unit));
    free(latest);
    indicator_batch_free(b);
}

/* ---- units --------------------------------------------------------------------------- */

void store_merge_units(struct store *s, struct unit_batch *b)
{
    if (!b)
        return;
    if (s) {
        for (size_t k = 0; k < b->n; k++)
            store_code_set_add(&s->changes.units, b->items[k].code);
        store_changed(s, unit_table_merge(s->units, b));
    }
    unit_batch_free(b);
}

/* ---- dossiers ------------------------------------------------------------------------ */

/* Queues dossier idx's next possible transition after a merge or a transition touched it. */
static void watch_schedule(struct store *s, size_t idx)
{
    struct store_watch *w = s->watch;
    if (idx >= w->nversion) {
        w->version = xgrow(w->version, &w->vcap, idx + 1, sizeof *w->version);
        memset(w->version + w->nversion, 0, (idx + 1 - w->nversion) * sizeof *w->version);
        w->nversion = idx + 1;
    }
    w->version[idx]++;
    const struct dossier *d = dossier_table_at(s->dossiers, idx);
    enum deadline_state st = dossier_table_deadline_at(s->dossiers, idx);
    /* As the table's own queue: a paused dossier is judged where its clock stopped, and one
     * supplemented twice is late already; time alone moves neither. */
    if (!d || d->due == TIME_NONE || (st != DL_OK && st != DL_DUE_SOON) ||
        d->paused_since != TIME_NONE || d->supplements >= 2)
        return;
    int64_t when = st == DL_OK ? dossier_due_soon_from(d->due, CLOCK_VN_OFFSET) : d->due;
    /* An instant the clock already passed without a change would pop forever. */
    int64_t now = dossier_table_now(s->dossiers);
    if (when != TIME_NONE && (now == TIME_NONE || when >= now))
        timeheap_push(&w->heap, when, idx, w->version[idx]);
}

static void dossier_touched(struct store *s, size_t idx, const char *old_unit)
{
    const struct dossier *d = dossier_table_at(s->dossiers, idx);
    store_index_set_add(&s->changes.dossiers, idx);
    store_code_set_add(&s->changes.dossier_units, old_unit);
    if (d)
        store_code_set_add(&s->changes.dossier_units, d->unit_code);
}

static size_t dossier_index(const struct dossier_table *t, const char *id)
{
    const struct dossier *d = id ? dossier_table_find(t, id) : NULL;
    return d ? (size_t)(d - dossier_table_at(t, 0)) : NONE;
}

static bool watch_live(const struct timeheap_entry *e, void *ctx)
{
    const struct store_watch *w = ctx;
    return e->idx < w->nversion && e->version == w->version[e->idx];
}

/* Stale entries pile up as records merge; past a bound, drop them and re-heapify in place:
 * O(entries), no deadline recomputed (each costs a walk over working days). */
static void watch_compact(struct store *s)
{
    struct store_watch *w = s->watch;
    size_t n = dossier_table_count(s->dossiers);
    if (w->heap.n <= 2 * n + 1024)
        return;
    timeheap_filter(&w->heap, watch_live, w);
}

void store_merge_dossiers(struct store *s, struct dossier_batch *b, int64_t now)
{
    if (!b)
        return;
    if (!s) {
        dossier_batch_free(b);
        return;
    }
    struct dossier_table *t = s->dossiers;
    size_t n0 = dossier_table_count(t);
    int64_t clock0 = dossier_table_now(t);
    /* Batch records already known, with their unit before the merge. */
    size_t *known = xcalloc(b->n + 1, sizeof *known);
    size_t *old_unit = xcalloc(b->n + 1, sizeof *old_unit);
    struct buf arena = {0};
    size_t nknown = 0;
    for (size_t k = 0; k < b->n; k++) {
        size_t idx = dossier_index(t, b->items[k].id);
        if (idx == NONE)
            continue;
        known[nknown] = idx;
        old_unit[nknown++] = arena_put(&arena, dossier_table_at(t, idx)->unit_code);
    }
    /* A full listing closes the records it leaves out, wherever they are. */
    unsigned char *was_absent = NULL;
    if (b->full_listing) {
        was_absent = xcalloc(n0 + 1, 1);
        for (size_t i = 0; i < n0; i++)
            was_absent[i] = dossier_table_at(t, i)->absent;
    }

    store_changed(s, dossier_table_merge(t, b, now));

    /* A first clock, or one going back, makes the table recount everything, so everything
     * is touched (and rescheduled once: the queue starts over). */
    size_t n1 = dossier_table_count(t);
    int64_t clock1 = dossier_table_now(t);
    bool everything = clock1 != TIME_NONE && (clock0 == TIME_NONE || clock1 < clock0);
    for (size_t k = 0; k < nknown; k++) {
        dossier_touched(s, known[k], arena_get(&arena, old_unit[k]));
        if (!everything)
            watch_schedule(s, known[k]);
    }
    for (size_t i = n0; i < n1 && !everything; i++) {
        dossier_touched(s, i, NULL);
        watch_schedule(s, i);
    }
    for (size_t i = 0; was_absent && i < n0 && !everything; i++) {
        if (!was_absent[i] && dossier_table_at(t, i)->absent) {
            dossier_touched(s, i, NULL);
            watch_schedule(s, i);
        }
    }
    /* The clock moved: report the records whose transition passed. */
    if (everything) {
        s->watch->heap.n = 0;
        for (size_t i = 0; i < n1; i++) {
            dossier_touched(s, i, NULL);
            watch_schedule(s, i);
        }
    } else if (clock1 != TIME_NONE) {
        struct store_watch *w = s->watch;
        while (w->heap.n > 0 && w->heap.v[0].when < clock1) {
            struct timeheap_entry e = timeheap_pop(&w->heap);
            if (e.idx < n1 && e.version == w->version[e.idx]) {
                dossier_touched(s, e.idx, NULL);
                watch_schedule(s, e.idx);
            }
        }
    }
    watch_compact(s);
    free(was_absent);
    free(known);
    free(old_unit);
    buf_free(&arena);
    dossier_batch_free(b);
}
