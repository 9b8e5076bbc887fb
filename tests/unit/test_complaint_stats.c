/* Complaint aggregates per unit and in total: each count at its boundary, deadline states
 * moving with the table's clock, the category slots, the observer, and the incremental counts
 * against a full recount after random merges, closings and clock moves. */
#include "harness.h"

#include "citydeck/clock.h"
#include "citydeck/complaints.h"
#include "citydeck/store.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1772416800 /* 2026-03-02T09:00:00+07:00, a Monday */
#define HOUR 3600
#define DAY 86400

static struct complaint *add(struct complaint_batch *b, const char *id, const char *unit,
                             const char *code, enum complaint_status st)
{
    struct complaint *c = complaint_batch_push(b);
    c->id = xstrdup(id);
    c->unit_code = unit ? xstrdup(unit) : NULL;
    c->service_code = code ? xstrdup(code) : NULL;
    c->category = code ? xasprintf("Lĩnh vực %s", code) : NULL;
    c->status = st;
    c->open = st != CST_RESOLVED && st != CST_PUBLISHED && st != CST_REJECTED;
    c->requested = T0 - DAY;
    return c;
}

static void check_recount(const struct complaint_table *t)
{
    struct complaint_stats want;
    complaint_table_recount(t, true, NULL, &want);
    cr_assert(memcmp(&want, complaint_table_total(t), sizeof want) == 0, "total differs");
    for (size_t u = 0; u < complaint_table_unit_count(t); u++) {
        const char *code = complaint_table_unit_code(t, u);
        complaint_table_recount(t, false, code, &want);
        cr_assert(memcmp(&want, complaint_table_unit_stats_at(t, u), sizeof want) == 0,
                  "unit %s differs", code);
        cr_assert_eq(complaint_table_unit_stats(t, code), complaint_table_unit_stats_at(t, u));
    }
}

Test(complaint_stats, counts_each_field)
{
    struct complaint_table *t = complaint_table_new();
    struct complaint_batch *b = complaint_batch_new();
    struct complaint *c = add(b, "1", "21025", "MT", CST_NEW);
    c->urgency = CURG_URGENT;
    c->expected = T0 + 2 * DAY; /* ok */
    c = add(b, "2", "21025", "MT", CST_VERIFYING);
    c->urgency = CURG_URGENT;
    c->expected = T0 + HOUR; /* due soon */
    c = add(b, "3", "21025", "GT", CST_IN_PROGRESS);
    c->urgency = CURG_URGENT; /* accepted: urgent, not "unaccepted" */
    c->expected = T0 - HOUR;  /* overdue */
    c = add(b, "4", "21028", "GT", CST_RESOLVED);
    c->satisfaction = 1;
    c = add(b, "5", "21028", "GT", CST_PUBLISHED);
    c->satisfaction = 0;
    c = add(b, "6", NULL, NULL, CST_NEW); /* no unit, no category */
    complaint_table_merge(t, b);
    complaint_batch_free(b);

    /* Before a clock is set nothing has a deadline state. */
    const struct complaint_stats *tot = complaint_table_total(t);
    cr_assert_eq(tot->complaints, 6);
    cr_assert_eq(tot->open, 4);
    cr_assert_eq(tot->ok + tot->due_soon + tot->overdue, 0);
    complaint_table_set_now(t, T0);
    cr_assert_eq(tot->ok, 1);
    cr_assert_eq(tot->due_soon, 1);
    cr_assert_eq(tot->overdue, 1);
    cr_assert_eq(tot->urgent_open, 3);
    cr_assert_eq(tot->urgent_unaccepted, 2);
    cr_assert_eq(tot->satisfied, 1);
    cr_assert_eq(tot->not_satisfied, 1);
    cr_assert_float_eq(complaint_stats_satisfaction_rate(tot), 0.5, 1e-9);
    cr_assert_eq(tot->open_by_status[CST_NEW], 2);

    const struct complaint_stats *u = complaint_table_unit_stats(t, "21025");
    cr_assert_not_null(u);
    cr_assert_eq(u->open, 3);
    cr_assert_eq(u->overdue, 1);
    cr_assert_float_eq(complaint_stats_overdue_rate(u), 1.0 / 3, 1e-9);
    cr_assert_eq(complaint_stats_satisfaction_rate(u), -1);
    size_t mt = complaint_table_category_at(t, 0), gt = complaint_table_category_at(t, 2);
    cr_assert_str_eq(complaint_table_category_code(t, mt), "MT");
    cr_assert_str_eq(complaint_table_category_name(t, gt), "Lĩnh vực GT");
    cr_assert_eq(u->open_by_category[mt], 2);
    cr_assert_eq(u->open_by_category[gt], 1);
    cr_assert_eq(tot->open_by_category[COMPLAINT_CATEGORY_OTHER], 1);
    cr_assert_str_eq(complaint_table_category_name(t, COMPLAINT_CATEGORY_OTHER), "Khác");
    cr_assert_eq(complaint_table_category_count(t), 2);
    cr_assert_null(complaint_table_unit_stats(t, "99999"));
    cr_assert_eq(complaint_table_unattributed(t), 1);
    check_recount(t);
    complaint_table_free(t);
}

Test(complaint_stats, deadline_moves_with_the_clock)
{
    struct complaint_table *t = complaint_table_new();
    struct complaint_batch *b = complaint_batch_new();
    add(b, "a", "21025", "MT", CST_ASSIGNED)->expected = T0 + 3 * DAY;
    complaint_table_merge(t, b);
    complaint_batch_free(b);
    const struct complaint_stats *u = complaint_table_unit_stats(t, "21025");
    complaint_table_set_now(t, T0);
    cr_assert_eq(u->ok, 1);
    /* Due soon strictly inside the last 24 h; overdue strictly after expected. */
    complaint_table_set_now(t, T0 + 2 * DAY);
    cr_assert_eq(u->ok, 1);
    complaint_table_set_now(t, T0 + 2 * DAY + 1);
    cr_assert_eq(u->due_soon, 1);
    cr_assert_eq(complaint_table_deadline_at(t, 0), DL_DUE_SOON);
    complaint_table_set_now(t, T0 + 3 * DAY);
    cr_assert_eq(u->due_soon, 1);
    complaint_table_set_now(t, T0 + 3 * DAY + 1);
    cr_assert_eq(u->overdue, 1);
    cr_assert_eq(u->due_soon, 0);
    /* Back in time: everything recounted. */
    complaint_table_set_now(t, T0);
    cr_assert_eq(u->ok, 1);
    cr_assert_eq(u->overdue, 0);
    check_recount(t);
    complaint_table_free(t);
}

Test(complaint_stats, category_slots_overflow_into_other)
{
    struct complaint_table *t = complaint_table_new();
    struct complaint_batch *b = complaint_batch_new();
    char id[16], code[16];
    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof id, "c%d", i);
        snprintf(code, sizeof code, "K%02d", i);
        add(b, id, "21025", code, CST_NEW);
    }
    complaint_table_merge(t, b);
    complaint_batch_free(b);
    const struct complaint_stats *tot = complaint_table_total(t);
    for (int i = 0; i < COMPLAINT_CATEGORY_OTHER; i++)
        cr_assert_eq(tot->open_by_category[i], 1, "slot %d", i);
    cr_assert_eq(tot->open_by_category[COMPLAINT_CATEGORY_OTHER], 40 - COMPLAINT_CATEGORY_OTHER);
    cr_assert_null(complaint_table_category_code(t, COMPLAINT_CATEGORY_OTHER));
    cr_assert_eq(complaint_table_category_count(t), COMPLAINT_CATEGORY_OTHER);
    check_recount(t);
    complaint_table_free(t);
}

struct seen {
    size_t idx[64];
    char old[64][16];
    size_t n;
};

static void observe(void *arg, size_t idx, const char *old_unit)
{
    struct seen *s = arg;
    if (s->n < 64) {
        s->idx[s->n] = idx;
        str_copy(s->old[s->n], old_unit ? old_unit : "-", sizeof s->old[0]);
        s->n++;
    }
}

Test(complaint_stats, observer_sees_changes_with_the_old_unit)
{
    struct complaint_table *t = complaint_table_new();
    struct seen seen = {0};
    complaint_table_set_observer(t, observe, &seen);
    struct complaint_batch *b = complaint_batch_new();
    add(b, "a", "21025", "MT", CST_NEW);
    add(b, "b", "21025", "MT", CST_NEW);
    complaint_table_merge(t, b);
    complaint_batch_free(b);
    cr_assert_eq(seen.n, 2);
    cr_assert_str_eq(seen.old[0], "-");

    /* Same content: nothing; moved to another unit: the old unit is reported. */
    seen.n = 0;
    b = complaint_batch_new();
    add(b, "a", "21025", "MT", CST_NEW);
    add(b, "b", "21028", "MT", CST_NEW);
    complaint_table_merge(t, b);
    complaint_batch_free(b);
    cr_assert_eq(seen.n, 1);
    cr_assert_eq(seen.idx[0], 1);
    cr_assert_str_eq(seen.old[0], "21025");
    cr_assert_eq(complaint_table_unit_stats(t, "21025")->open, 1);
    cr_assert_eq(complaint_table_unit_stats(t, "21028")->open, 1);

    /* A full listing without "a" closes it. */
    seen.n = 0;
    b = complaint_batch_new();
    b->full_listing = true;
    add(b, "b", "21028", "MT", CST_NEW);
    complaint_table_merge(t, b);
    complaint_batch_free(b);
    cr_assert_eq(seen.n, 1);
    cr_assert_eq(seen.idx[0], 0);
    cr_assert_eq(complaint_table_unit_stats(t, "21025")->open, 0);
    check_recount(t);
    complaint_table_free(t);
}

Test(complaint_stats, random_merges_match_a_recount)
{
    uint64_t rng = 0x5eed;
    struct complaint_table *t = complaint_table_new();
    static const char *const units[] = {"21025", "21028", "21040", "21109", NULL};
    static const char *const codes[] = {"MT", "GT", "HCC", "TTDT", "ANTT", NULL};
    int64_t now = T0;
    for (int round = 0; round < 300; round++) {
        struct complaint_batch *b = complaint_batch_new();
        b->full_listing = harness_rng(&rng) % 20 == 0;
        size_t n = 1 + harness_rng(&rng) % 40;
        for (size_t k = 0; k < n; k++) {
            char id[16];
            snprintf(id, sizeof id, "r%u", (unsigned)(harness_rng(&rng) % 400));
            struct complaint *c = add(b, id, units[harness_rng(&rng) % ARRAY_LEN(units)],
                                      codes[harness_rng(&rng) % ARRAY_LEN(codes)],
                                      (enum complaint_status)(harness_rng(&rng) % CST_COUNT));
            c->urgency = (enum complaint_urgency)(harness_rng(&rng) % 3);
            c->satisfaction = (int)(harness_rng(&rng) % 3) - 1;
            c->expected = harness_rng(&rng) % 5 == 0
                              ? TIME_NONE
                              : now + (int64_t)(harness_rng(&rng) % (6 * DAY)) - 2 * DAY;
        }
        complaint_table_merge(t, b);
        complaint_batch_free(b);
        /* The clock mostly moves on, now and then back. */
        uint64_t r = harness_rng(&rng) % 10;
        now += r == 0 ? -(int64_t)(harness_rng(&rng) % DAY)
                      : (int64_t)(harness_rng(&rng) % (6 * HOUR));
        complaint_table_set_now(t, now);
        if (round % 10 == 0)
            check_recount(t);
    }
    check_recount(t);
    struct complaint_stats tot;
    complaint_table_recount(t, true, NULL, &tot);
    cr_assert_gt(tot.overdue, 0);
    cr_assert_gt(tot.due_soon + tot.ok, 0);
    cr_assert_gt(tot.urgent_unaccepted, 0);
    complaint_table_free(t);
}

Test(complaint_stats, store_set_now_bumps_only_on_a_change)
{
    struct store *s = store_new();
    struct complaint_batch *b = complaint_batch_new();
    add(b, "a", "21025", "MT", CST_NEW)->expected = T0 + 3 * DAY;
    store_merge_complaints(s, b);
    struct store_changes ch = {0};
    store_changes_take(s, &ch);
    uint64_t g = s->generation;
    store_set_now(s, T0); /* the first clock gives the record a state */
    cr_assert_eq(s->generation, g + 1);
    store_changes_take(s, &ch);
    cr_assert_eq(ch.complaints.n, 1);
    store_set_now(s, T0 + HOUR); /* still còn hạn */
    cr_assert_eq(s->generation, g + 1);
    store_changes_take(s, &ch);
    cr_assert(store_changes_empty(&ch));
    store_set_now(s, T0 + 2 * DAY + HOUR); /* sắp đến hạn */
    cr_assert_eq(s->generation, g + 2);
    store_changes_take(s, &ch);
    cr_assert_eq(ch.complaints.n, 1);
    cr_assert(store_code_set_contains(&ch.complaint_units, "21025"));
    store_changes_clear(&ch);
    store_free(s);
}
