/* Complaint model: labels, deadlines, the table's merge rules and counts, the store. */
#include "citydeck/clock.h"
#include "citydeck/complaints.h"
#include "citydeck/store.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct complaint *push(struct complaint_batch *b, const char *id, bool open,
                              const char *unit)
{
    struct complaint *c = complaint_batch_push(b);
    c->id = id ? xstrdup(id) : NULL;
    c->open = open;
    c->status = open ? CST_IN_PROGRESS : CST_RESOLVED;
    c->status_raw = xstrdup(open ? "open" : "closed");
    c->unit_code = unit ? xstrdup(unit) : NULL;
    return c;
}

/* Counts recomputed from the records, to check the table's running counters. */
static void assert_counts(const struct complaint_table *t)
{
    size_t open = 0, unattributed = 0;
    for (size_t i = 0; i < complaint_table_count(t); i++) {
        const struct complaint *c = complaint_table_at(t, i);
        cr_assert(c && c->id);
        open += c->open;
        unattributed += c->unit_code == NULL;
        cr_assert_eq(complaint_table_find(t, c->id), c, "find(at(%zu)->id)", i);
    }
    cr_assert_eq(complaint_table_open_count(t), open);
    cr_assert_eq(complaint_table_unattributed(t), unattributed);
}

Test(complaints, status_codes_round_trip)
{
    for (int s = CST_NEW; s < CST_COUNT; s++) {
        const char *code = complaint_status_code((enum complaint_status)s);
        cr_assert_eq((int)complaint_status_parse(code), s, "%s", code);
        cr_assert(complaint_status_label((enum complaint_status)s)[0]);
    }
    cr_assert_eq(complaint_status_parse("IN_PROGRESS"), CST_IN_PROGRESS);
    cr_assert_eq(complaint_status_parse("bogus"), CST_UNKNOWN);
    cr_assert_eq(complaint_status_parse(""), CST_UNKNOWN);
    cr_assert_eq(complaint_status_parse(NULL), CST_UNKNOWN);
    cr_assert_eq(complaint_status_parse("unknown"), CST_UNKNOWN);
    cr_assert_str_eq(complaint_status_label(CST_NEW), "Mới gửi");
    cr_assert_str_eq(complaint_status_label(CST_IN_PROGRESS), "Đang xử lý");
    cr_assert_str_eq(complaint_status_label(CST_REOPENED), "Phản ánh lại");
    cr_assert_str_eq(complaint_status_label(CST_COUNT), complaint_status_label(CST_UNKNOWN));
}

Test(complaints, urgency_and_deadline_labels)
{
    cr_assert_eq(complaint_urgency_parse("khan"), CURG_URGENT);
    cr_assert_eq(complaint_urgency_parse("phuc_tap"), CURG_COMPLEX);
    cr_assert_eq(complaint_urgency_parse("binh_thuong"), CURG_NORMAL);
    cr_assert_eq(complaint_urgency_parse(NULL), CURG_NORMAL);
    cr_assert_eq(complaint_urgency_parse("??"), CURG_NORMAL);
    cr_assert_str_eq(complaint_urgency_label(CURG_URGENT), "khẩn");
    cr_assert_str_eq(complaint_urgency_label(CURG_NORMAL), "bình thường");
    cr_assert_str_eq(complaint_urgency_label(CURG_COMPLEX), "phức tạp");
    for (int u = CURG_NORMAL; u <= CURG_URGENT; u++)
        cr_assert_eq(
            (int)complaint_urgency_parse(complaint_urgency_code((enum complaint_urgency)u)), u);
    cr_assert_str_eq(deadline_state_label(DL_OK), "còn hạn");
    cr_assert_str_eq(deadline_state_label(DL_DUE_SOON), "sắp đến hạn");
    cr_assert_str_eq(deadline_state_label(DL_OVERDUE), "quá hạn");
    cr_assert_str_eq(deadline_state_label(DL_NONE), "");
}

Test(complaints, deadline_boundaries)
{
    struct complaint c = {.open = true, .expected = 1000000};
    int64_t e = c.expected;
    cr_assert_eq(complaint_deadline(&c, e - 86400 - 1), DL_OK);
    cr_assert_eq(complaint_deadline(&c, e - 86400), DL_OK, "exactly 24 h left is not due soon");
    cr_assert_eq(complaint_deadline(&c, e - 86399), DL_DUE_SOON);
    cr_assert_eq(complaint_deadline(&c, e), DL_DUE_SOON, "at the deadline: not yet overdue");
    cr_assert_eq(complaint_deadline(&c, e + 1), DL_OVERDUE);
    c.open = false;
    cr_assert_eq(complaint_deadline(&c, e + 1), DL_NONE, "closed complaints have no deadline");
    c.open = true;
    c.expected = TIME_NONE;
    cr_assert_eq(complaint_deadline(&c, 0), DL_NONE);
    cr_assert_eq(complaint_deadline(NULL, 0), DL_NONE);
}

Test(complaints, batch_push_is_blank)
{
    struct complaint_batch *b = complaint_batch_new();
    for (int i = 0; i < 100; i++) {
        struct complaint *c = complaint_batch_push(b);
        cr_assert_null(c->id);
        cr_assert_eq(c->requested, TIME_NONE);
        cr_assert_eq(c->updated, TIME_NONE);
        cr_assert_eq(c->expected, TIME_NONE);
        cr_assert_eq(c->satisfaction, -1);
        cr_assert(!c->open && !c->has_location);
    }
    cr_assert_eq(b->n, 100);
    b->items[5].description = xstrdup("freed by batch_free");
    complaint_clear(&b->items[5]);
    cr_assert_null(b->items[5].description);
    cr_assert_eq(b->items[5].expected, TIME_NONE);
    complaint_batch_free(b);
    complaint_batch_free(NULL);
}

Test(complaints, merge_add_replace_and_take)
{
    struct complaint_table *t = complaint_table_new();
    struct complaint_batch *b = complaint_batch_new();
    push(b, "A", true, "00004");
    push(b, "B", true, NULL);
    push(b, NULL, true, "00008"); /* no id: left in the batch */
    cr_assert_eq(complaint_table_merge(t, b), 2);
    cr_assert_null(b->items[0].id, "taken strings are cleared in the batch");
    cr_assert_null(b->items[0].unit_code);
    cr_assert_str_eq(b->items[2].unit_code, "00008");
    complaint_batch_free(b);
    cr_assert_eq(complaint_table_count(t), 2);
    cr_assert_eq(complaint_table_open_count(t), 2);
    cr_assert_eq(complaint_table_unattributed(t), 1);
    const struct complaint *a = complaint_table_find(t, "A");
    cr_assert(a && a == complaint_table_at(t, 0));
    cr_assert_str_eq(a->unit_code, "00004");

    /* Same content again: nothing changed. */
    b = complaint_batch_new();
    push(b, "A", true, "00004");
    cr_assert_eq(complaint_table_merge(t, b), 0);
    complaint_batch_free(b);

    /* A replaced in place (same index), B untouched, C added. */
    b = complaint_batch_new();
    struct complaint *c = push(b, "A", false, NULL);
    c->description = xstrdup("đã xử lý");
    c->updated = 1700000000;
    push(b, "C", true, "00025");
    cr_assert_eq(complaint_table_merge(t, b), 2);
    complaint_batch_free(b);
    a = complaint_table_at(t, 0);
    cr_assert_str_eq(a->id, "A");
    cr_assert(!a->open);
    cr_assert_eq(a->status, CST_RESOLVED);
    cr_assert_str_eq(a->description, "đã xử lý");
    cr_assert_eq(a->updated, 1700000000);
    cr_assert_null(a->unit_code);
    cr_assert_str_eq(complaint_table_at(t, 2)->id, "C");
    cr_assert_null(complaint_table_at(t, 3));
    cr_assert_null(complaint_table_find(t, "nope"));
    cr_assert_null(complaint_table_find(t, NULL));
    cr_assert_eq(complaint_table_count(t), 3);
    cr_assert_eq(complaint_table_open_count(t), 2);
    cr_assert_eq(complaint_table_unattributed(t), 2);
    assert_counts(t);

    /* One field a view shows (expected) is enough to count as changed. */
    b = complaint_batch_new();
    c = push(b, "C", true, "00025");
    c->expected = 42;
    cr_assert_eq(complaint_table_merge(t, b), 1);
    complaint_batch_free(b);
    complaint_table_free(t);
}

Test(complaints, duplicate_ids_in_one_batch)
{
    struct complaint_table *t = complaint_table_new();
    struct complaint_batch *b = complaint_batch_new();
    push(b, "X", true, NULL);
    push(b, "X", false, "1");
    complaint_table_merge(t, b);
    complaint_batch_free(b);
    cr_assert_eq(complaint_table_count(t), 1);
    cr_assert(!complaint_table_find(t, "X")->open, "the later item wins");
    assert_counts(t);
    complaint_table_free(t);
}

Test(complaints, full_listing_closes_the_absent)
{
    struct complaint_table *t = complaint_table_new();
    struct complaint_batch *b = complaint_batch_new();
    push(b, "1", true, NULL);
    push(b, "2", true, NULL);
    push(b, "3", true, NULL);
    push(b, "4", false, NULL);
    complaint_table_merge(t, b);
    complaint_batch_free(b);
    cr_assert_eq(complaint_table_open_count(t), 3);

    b = complaint_batch_new();
    b->full_listing = true;
    push(b, "2", true, NULL);
    push(b, "5", true, NULL);
    /* 1 and 3 closed by absence, 5 added; 4 was closed already. */
    cr_assert_eq(complaint_table_merge(t, b), 3);
    complaint_batch_free(b);
    const struct complaint *one = complaint_table_find(t, "1");
    cr_assert(!one->open);
    cr_assert_eq(one->status, CST_IN_PROGRESS, "status kept: closed by absence");
    cr_assert(complaint_table_find(t, "2")->open);
    cr_assert(!complaint_table_find(t, "3")->open);
    cr_assert_eq(complaint_table_open_count(t), 2);
    cr_assert_eq(complaint_table_count(t), 5);
    assert_counts(t);

    /* A repeat of the same full listing changes nothing. */
    b = complaint_batch_new();
    b->full_listing = true;
    push(b, "2", true, NULL);
    push(b, "5", true, NULL);
    cr_assert_eq(complaint_table_merge(t, b), 0);
    complaint_batch_free(b);

    /* An empty full listing closes everything; a closed record may come back. */
    b = complaint_batch_new();
    b->full_listing = true;
    cr_assert_eq(complaint_table_merge(t, b), 2);
    complaint_batch_free(b);
    cr_assert_eq(complaint_table_open_count(t), 0);
    b = complaint_batch_new();
    push(b, "1", true, NULL);
    cr_assert_eq(complaint_table_merge(t, b), 1);
    complaint_batch_free(b);
    cr_assert(complaint_table_find(t, "1")->open, "reappearing reopens");
    assert_counts(t);
    complaint_table_free(t);
}

static uint32_t rnd(uint32_t *s)
{
    /* xorshift32: deterministic, so a failure replays. */
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

Test(complaints, counts_match_recount_after_random_merges)
{
    struct complaint_table *t = complaint_table_new();
    uint32_t seed = 0xC17D3C4u;
    char id[16], unit[16];
    for (int round = 0; round < 400; round++) {
        struct complaint_batch *b = complaint_batch_new();
        b->full_listing = rnd(&seed) % 5 == 0;
        size_t n = rnd(&seed) % 40;
        for (size_t i = 0; i < n; i++) {
            snprintf(id, sizeof id, "id-%u", rnd(&seed) % 300);
            snprintf(unit, sizeof unit, "%05u", rnd(&seed) % 7);
            bool open = b->full_listing || rnd(&seed) % 3 != 0;
            struct complaint *c = push(b, id, open, rnd(&seed) % 4 ? unit : NULL);
            c->expected = rnd(&seed) % 2 ? TIME_NONE : (int64_t)(rnd(&seed) % 1000);
        }
        size_t before = complaint_table_count(t);
        size_t changed = complaint_table_merge(t, b);
        cr_assert_geq(changed, complaint_table_count(t) - before, "added ones count as changed");
        complaint_batch_free(b);
        assert_counts(t);
    }
    cr_assert_gt(complaint_table_count(t), 250, "the pool was mostly covered");
    complaint_table_free(t);
}

Test(complaints, hash_growth_50k_ids)
{
    struct complaint_table *t = complaint_table_new();
    char id[32];
    const size_t total = 50000;
    for (size_t start = 0; start < total; start += 5000) {
        struct complaint_batch *b = complaint_batch_new();
        for (size_t i = start; i < start + 5000; i++) {
            snprintf(id, sizeof id, "HCM-2026-%07zu", i * 7919 % 1000003);
            push(b, id, i % 2 == 0, i % 3 ? "00004" : NULL);
        }
        cr_assert_eq(complaint_table_merge(t, b), 5000);
        complaint_batch_free(b);
    }
    cr_assert_eq(complaint_table_count(t), total);
    cr_assert_eq(complaint_table_open_count(t), total / 2);
    for (size_t i = 0; i < total; i++) {
        snprintf(id, sizeof id, "HCM-2026-%07zu", i * 7919 % 1000003);
        const struct complaint *c = complaint_table_find(t, id);
        cr_assert(c, "lost %s", id);
        cr_assert_eq(c, complaint_table_at(t, i), "index of %s is stable", id);
    }
    cr_assert_null(complaint_table_find(t, "HCM-2026-9999999"));
    assert_counts(t);
    complaint_table_free(t);
}

Test(complaints, store_generation)
{
    struct store *s = store_new();
    cr_assert_eq(s->generation, 0);
    struct complaint_batch *b = complaint_batch_new();
    push(b, "1", true, NULL);
    store_merge_complaints(s, b); /* takes and frees the batch */
    cr_assert_eq(s->generation, 1);
    cr_assert_eq(complaint_table_count(s->complaints), 1);
    b = complaint_batch_new();
    push(b, "1", true, NULL);
    store_merge_complaints(s, b);
    cr_assert_eq(s->generation, 1, "an unchanged poll does not bump the generation");
    store_merge_complaints(s, complaint_batch_new());
    cr_assert_eq(s->generation, 1);
    store_merge_complaints(s, NULL);
    b = complaint_batch_new();
    b->full_listing = true;
    store_merge_complaints(s, b);
    cr_assert_eq(s->generation, 2, "closing by absence is a change");
    store_free(s);
    store_free(NULL);
}
