/* Change tracking: what each store_merge_* records as touched (indexes and units), what it
 * leaves out (an unchanged poll), records the dossier clock moves without a batch, the sets'
 * deduplication, and taking. */
#include "citydeck/clock.h"
#include "citydeck/store.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define T0 1772416800 /* 2026-03-02T09:00:00+07:00, a Monday */
#define DAY 86400

static void sensor(struct sensor_batch *b, const char *id, const char *unit, int64_t t_ms, double v)
{
    struct sensor_update *u = sensor_batch_push(b);
    u->s.id = xstrdup(id);
    u->meta = true;
    u->s.kind = SK_FLOOD_DEPTH;
    u->s.unit = xstrdup("cm");
    u->s.station = xasprintf("Trạm %s", id);
    u->s.unit_code = unit ? xstrdup(unit) : NULL;
    sensor_update_add_obs(u, t_ms, v);
}

static struct store_changes take(struct store *s)
{
    struct store_changes ch = {0};
    store_changes_take(s, &ch);
    return ch;
}

Test(changes, sets_deduplicate)
{
    struct store_index_set is = {0};
    for (int i = 0; i < 3; i++) {
        store_index_set_add(&is, 5);
        store_index_set_add(&is, 70000);
    }
    store_index_set_add(&is, 0);
    cr_assert_eq(is.n, 3);
    cr_assert_eq(is.idx[0], 5);
    cr_assert(store_index_set_contains(&is, 70000));
    cr_assert_not(store_index_set_contains(&is, 6));
    cr_assert_not(store_index_set_contains(&is, 1u << 30));
    store_index_set_clear(&is);
    cr_assert_eq(is.n, 0);

    struct store_code_set cs = {0};
    store_code_set_add(&cs, "21025");
    store_code_set_add(&cs, "21025");
    store_code_set_add(&cs, NULL);
    store_code_set_add(&cs, "21028");
    cr_assert_eq(cs.n, 2);
    cr_assert(store_code_set_contains(&cs, "21028"));
    cr_assert_not(store_code_set_contains(&cs, NULL));
    store_code_set_clear(&cs);
}

Test(changes, first_take_is_everything_then_nothing)
{
    struct store *s = store_new();
    struct store_changes ch = take(s);
    cr_assert(ch.all);
    store_changes_clear(&ch);
    ch = take(s);
    cr_assert(store_changes_empty(&ch));
    store_changes_clear(&ch);
    store_free(s);
}

Test(changes, sensors_new_changed_and_moved)
{
    struct store *s = store_new();
    struct store_changes ch = take(s);
    store_changes_clear(&ch);

    struct sensor_batch *b = sensor_batch_new();
    sensor(b, "a", "21025", T0 * 1000LL, 5);
    sensor(b, "b", "21025", T0 * 1000LL, 5);
    sensor(b, "c", "21028", T0 * 1000LL, 5);
    store_merge_sensors(s, b);
    ch = take(s);
    cr_assert_eq(ch.sensors.n, 3);
    cr_assert_eq(ch.sensor_units.n, 2);
    cr_assert_eq(ch.generation, s->generation);
    store_changes_clear(&ch);

    /* The same poll again: nothing. */
    b = sensor_batch_new();
    sensor(b, "a", "21025", T0 * 1000LL, 5);
    sensor(b, "b", "21025", T0 * 1000LL, 5);
    sensor(b, "c", "21028", T0 * 1000LL, 5);
    store_merge_sensors(s, b);
    ch = take(s);
    cr_assert(store_changes_empty(&ch));
    store_changes_clear(&ch);

    /* A new reading for b; c moves to another unit. */
    b = sensor_batch_new();
    sensor(b, "a", "21025", T0 * 1000LL, 5);
    sensor(b, "b", "21025", (T0 + 300) * 1000LL, 25);
    sensor(b, "c", "21040", T0 * 1000LL, 5);
    store_merge_sensors(s, b);
    ch = take(s);
    cr_assert_eq(ch.sensors.n, 2);
    cr_assert(store_index_set_contains(&ch.sensors, 1));
    cr_assert(store_index_set_contains(&ch.sensors, 2));
    cr_assert(store_code_set_contains(&ch.sensor_units, "21025"));
    cr_assert(store_code_set_contains(&ch.sensor_units, "21028"));
    cr_assert(store_code_set_contains(&ch.sensor_units, "21040"));
    store_changes_clear(&ch);
    store_free(s);
}

static struct dossier *dossier(struct dossier_batch *b, const char *id, const char *unit,
                               int64_t due)
{
    struct dossier *d = dossier_batch_push(b);
    d->id = xstrdup(id);
    d->unit_code = xstrdup(unit);
    d->status = DST_PROCESSING;
    d->received = T0 - 5 * DAY;
    d->due = due;
    return d;
}

Test(changes, dossiers_batch_closures_and_clock)
{
    struct store *s = store_new();
    struct store_changes ch = take(s);
    store_changes_clear(&ch);

    struct dossier_batch *b = dossier_batch_new();
    dossier(b, "d1", "21025", T0 + 10 * DAY);
    dossier(b, "d2", "21028", T0 + 3 * DAY); /* Thursday 09:00 */
    dossier(b, "d3", "21040", T0 + 10 * DAY);
    store_merge_dossiers(s, b, T0);
    ch = take(s);
    cr_assert_eq(ch.dossiers.n, 3);
    cr_assert_eq(ch.dossier_units.n, 3);
    store_changes_clear(&ch);

    /* An incremental batch with d1 only, at a time when d2 has turned "sắp đến hạn" (less
     * than one working day left): d2 is reported although the batch did not list it. */
    b = dossier_batch_new();
    dossier(b, "d1", "21025", T0 + 10 * DAY)->supplements = 1;
    store_merge_dossiers(s, b, T0 + 2 * DAY + 3600);
    ch = take(s);
    cr_assert_eq(ch.dossiers.n, 2);
    cr_assert(store_index_set_contains(&ch.dossiers, 0));
    cr_assert(store_index_set_contains(&ch.dossiers, 1));
    cr_assert_eq(dossier_table_deadline_at(s->dossiers, 1), DL_DUE_SOON);
    store_changes_clear(&ch);

    /* Nothing new at the same time: nothing. */
    b = dossier_batch_new();
    store_merge_dossiers(s, b, T0 + 2 * DAY + 3600);
    ch = take(s);
    cr_assert(store_changes_empty(&ch));
    store_changes_clear(&ch);

    /* A full listing without d3 closes it. */
    b = dossier_batch_new();
    b->full_listing = true;
    dossier(b, "d1", "21025", T0 + 10 * DAY)->supplements = 1;
    dossier(b, "d2", "21028", T0 + 3 * DAY);
    store_merge_dossiers(s, b, T0 + 2 * DAY + 3600);
    ch = take(s);
    cr_assert(store_index_set_contains(&ch.dossiers, 2));
    cr_assert(store_code_set_contains(&ch.dossier_units, "21040"));
    cr_assert(dossier_table_at(s->dossiers, 2)->absent);
    store_changes_clear(&ch);

    /* The clock going back: everything. */
    b = dossier_batch_new();
    store_merge_dossiers(s, b, T0);
    ch = take(s);
    cr_assert_eq(ch.dossiers.n, 3);
    store_changes_clear(&ch);
    store_free(s);
}

/* A paused dossier past its due stays "còn hạn" (judged where its clock stopped): the clock
 * moving on must neither report it again and again nor loop. */
Test(changes, paused_dossiers_do_not_move_with_the_clock, .timeout = 10)
{
    struct store *s = store_new();
    struct store_changes ch = take(s);
    store_changes_clear(&ch);
    struct dossier_batch *b = dossier_batch_new();
    struct dossier *d = dossier(b, "p1", "21025", T0 - 3 * DAY);
    d->status = DST_SUPPLEMENT;
    d->paused_since = T0 - 10 * DAY;
    dossier(b, "p2", "21025", T0 + 5 * DAY)->supplements = 2;
    store_merge_dossiers(s, b, T0);
    ch = take(s);
    cr_assert_eq(ch.dossiers.n, 2);
    store_changes_clear(&ch);
    for (int i = 1; i <= 5; i++) {
        store_merge_dossiers(s, dossier_batch_new(), T0 + i * DAY);
        ch = take(s);
        cr_assert(store_changes_empty(&ch), "day %d", i);
        store_changes_clear(&ch);
    }
    cr_assert_eq(dossier_table_deadline_at(s->dossiers, 0), DL_OK);
    store_free(s);
}

Test(changes, complaints_indicators_units)
{
    struct store *s = store_new();
    struct store_changes ch = take(s);
    store_changes_clear(&ch);

    struct complaint_batch *cb = complaint_batch_new();
    struct complaint *c = complaint_batch_push(cb);
    c->id = xstrdup("p1");
    c->unit_code = xstrdup("21025");
    c->open = true;
    store_merge_complaints(s, cb);
    struct indicator_batch *ib = indicator_batch_new();
    struct indicator_cell *cell = indicator_batch_push(ib, "21025", "ho_ngheo", "2025");
    cell->plan = 3;
    cell->actual = 4;
    store_merge_indicators(s, ib);
    struct unit_batch *ub = unit_batch_new();
    struct unit *u = unit_batch_push(ub);
    u->code = xstrdup("21025");
    u->name = xstrdup("Cẩm Thành");
    store_merge_units(s, ub);

    ch = take(s);
    cr_assert_eq(ch.complaints.n, 1);
    cr_assert(store_code_set_contains(&ch.complaint_units, "21025"));
    cr_assert(store_code_set_contains(&ch.indicator_units, "21025"));
    cr_assert(ch.indicators_all); /* a new indicator */
    cr_assert(store_code_set_contains(&ch.units, "21025"));
    store_changes_clear(&ch);

    /* Another unit, same indicator and period: that unit only. */
    ib = indicator_batch_new();
    cell = indicator_batch_push(ib, "21028", "ho_ngheo", "2025");
    cell->plan = 3;
    store_merge_indicators(s, ib);
    ch = take(s);
    cr_assert_not(ch.indicators_all);
    cr_assert_eq(ch.indicator_units.n, 1);
    cr_assert(store_code_set_contains(&ch.indicator_units, "21028"));
    store_changes_clear(&ch);

    /* A later period with an actual moves the latest period: every unit. */
    ib = indicator_batch_new();
    cell = indicator_batch_push(ib, "21028", "ho_ngheo", "2026");
    cell->actual = 2;
    store_merge_indicators(s, ib);
    ch = take(s);
    cr_assert(ch.indicators_all);
    store_changes_clear(&ch);
    store_free(s);
}

Test(changes, accumulate_until_taken)
{
    struct store *s = store_new();
    struct store_changes ch = take(s);
    store_changes_clear(&ch);
    for (int round = 0; round < 5; round++) {
        struct sensor_batch *b = sensor_batch_new();
        sensor(b, "a", "21025", (T0 + round * 300) * 1000LL, round);
        store_merge_sensors(s, b);
    }
    ch = take(s);
    cr_assert_eq(ch.sensors.n, 1); /* listed once */
    store_changes_clear(&ch);
    store_free(s);
}
