/* Dossier model: labels, the deadline and timeliness rules at their boundaries, the table's
 * merge rules, and aggregates against a full recount after random merges and clock moves. */
#include "citydeck/clock.h"
#include "citydeck/dossiers.h"
#include "citydeck/util.h"
#include "citydeck/workdays.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VN CLOCK_VN_OFFSET

static int64_t at(const char *iso)
{
    int64_t t = clock_parse_iso(iso, VN, NULL);
    cr_assert_neq(t, TIME_NONE, "%s", iso);
    return t;
}

static struct dossier blank(void)
{
    struct dossier d;
    memset(&d, 0, sizeof d);
    d.submitted = d.received = d.due = d.finished = d.returned = d.updated = TIME_NONE;
    d.paused_since = TIME_NONE;
    return d;
}

Test(dossiers, labels)
{
    cr_assert_str_eq(dossier_status_label(1), "Mới đăng ký");
    cr_assert_str_eq(dossier_status_label(4), "Đang xử lý");
    cr_assert_str_eq(dossier_status_label(5), "Yêu cầu bổ sung giấy tờ");
    cr_assert_str_eq(dossier_status_label(10), "Đã trả kết quả");
    cr_assert_str_eq(dossier_status_label(0), "Không rõ");
    cr_assert_str_eq(dossier_status_label(11), "Không rõ");
    cr_assert_str_eq(dossier_status_label(-3), "Không rõ");
    cr_assert_str_eq(dossier_channel_label(DCH_ONLINE), "Trực tuyến");
    cr_assert_str_eq(dossier_channel_label(DCH_POST), "Bưu chính công ích");
    cr_assert_str_eq(dossier_level_label(DLV_FULL), "Toàn trình");
    cr_assert_str_eq(dossier_level_label(DLV_PARTIAL), "Một phần");
    cr_assert_eq(dossier_level_parse("toan_trinh"), DLV_FULL);
    cr_assert_eq(dossier_level_parse("MOT_PHAN"), DLV_PARTIAL);
    cr_assert_eq(dossier_level_parse("muc_do_4"), DLV_UNKNOWN);
    cr_assert_eq(dossier_level_parse(NULL), DLV_UNKNOWN);
    cr_assert_str_eq(dossier_timeliness_label(DTL_EARLY), "trước hạn");
    cr_assert_str_eq(dossier_timeliness_label(DTL_ON_TIME), "đúng hạn");
    cr_assert_str_eq(dossier_timeliness_label(DTL_LATE), "trễ hạn");
    cr_assert_str_eq(dossier_timeliness_label(DTL_NONE), "");
}

Test(dossiers, deadline_boundaries)
{
    struct dossier d = blank();
    d.status = DST_PROCESSING;
    d.received = at("2026-03-02T09:00:00+07:00");
    d.due = at("2026-03-04T10:00:00+07:00"); /* Wednesday */
    int64_t soon = dossier_due_soon_from(d.due, VN);
    /* One working day back from Wednesday 10:00 is Tuesday 10:00. */
    cr_assert_eq(soon, at("2026-03-03T10:00:00+07:00"));
    cr_assert(dossier_is_open(&d));
    cr_assert_eq(dossier_deadline(&d, soon - 3600, VN), DL_OK);
    cr_assert_eq(dossier_deadline(&d, soon, VN), DL_OK, "exactly one working day left");
    cr_assert_eq(dossier_deadline(&d, soon + 1, VN), DL_DUE_SOON);
    cr_assert_eq(dossier_deadline(&d, d.due, VN), DL_DUE_SOON);
    cr_assert_eq(dossier_deadline(&d, d.due + 1, VN), DL_OVERDUE);
    cr_assert_eq(dossier_deadline(&d, TIME_NONE, VN), DL_NONE, "no clock, no state");

    /* Friday 16:00 due: less than a day left from Thursday 16:00 on; a weekend in between
     * does not count as working time. */
    d.due = at("2026-03-09T09:00:00+07:00"); /* Monday */
    cr_assert_eq(dossier_due_soon_from(d.due, VN), at("2026-03-06T09:00:00+07:00"));
    cr_assert_eq(dossier_deadline(&d, at("2026-03-07T12:00:00+07:00"), VN), DL_DUE_SOON);

    /* The clock stands still while waiting for a supplement: judged where it stopped. */
    d.due = at("2026-03-04T10:00:00+07:00");
    d.status = DST_SUPPLEMENT;
    d.paused_since = at("2026-03-02T15:00:00+07:00");
    cr_assert_eq(dossier_deadline(&d, at("2026-03-20T10:00:00+07:00"), VN), DL_OK);
    cr_assert_eq(dossier_deadline(&d, TIME_NONE, VN), DL_OK);
    d.paused_since = at("2026-03-03T16:00:00+07:00");
    cr_assert_eq(dossier_deadline(&d, at("2026-03-20T10:00:00+07:00"), VN), DL_DUE_SOON);

    /* Asked for a supplement twice: late whatever the dates. */
    d.supplements = 2;
    cr_assert_eq(dossier_deadline(&d, at("2026-03-02T10:00:00+07:00"), VN), DL_OVERDUE);

    /* Not open: no state. */
    d.supplements = 0;
    d.paused_since = TIME_NONE;
    d.status = DST_DONE;
    cr_assert_eq(dossier_deadline(&d, d.due + 1, VN), DL_NONE);
    d.status = DST_PROCESSING;
    d.received = TIME_NONE;
    cr_assert_eq(dossier_deadline(&d, d.due + 1, VN), DL_NONE, "not received yet");
    d.received = at("2026-03-02T09:00:00+07:00");
    d.due = TIME_NONE;
    cr_assert_eq(dossier_deadline(&d, d.received, VN), DL_NONE, "no deadline sent");
    d.due = INT64_MAX;
    cr_assert_eq(dossier_deadline(&d, d.received, VN), DL_NONE, "absurd deadline");
}

Test(dossiers, timeliness_boundaries)
{
    struct dossier d = blank();
    d.status = DST_DONE;
    d.received = at("2026-03-02T09:00:00+07:00");
    d.due = at("2026-03-04T10:00:00+07:00");
    d.finished = at("2026-03-03T16:59:59+07:00");
    cr_assert_eq(dossier_timeliness(&d, VN), DTL_EARLY, "before the appointment day");
    d.finished = at("2026-03-04T00:00:00+07:00");
    cr_assert_eq(dossier_timeliness(&d, VN), DTL_ON_TIME, "on the appointment day");
    d.finished = d.due;
    cr_assert_eq(dossier_timeliness(&d, VN), DTL_ON_TIME);
    d.finished = d.due + 1;
    cr_assert_eq(dossier_timeliness(&d, VN), DTL_LATE);
    /* Days are local days: 17:30 UTC on the 3rd is 00:30 on the 4th in Vietnam. */
    d.finished = at("2026-03-03T17:30:00Z");
    cr_assert_eq(dossier_timeliness(&d, VN), DTL_ON_TIME);
    cr_assert_eq(dossier_timeliness(&d, 0), DTL_EARLY, "at UTC it is still the 3rd");
    d.finished = at("2026-03-02T10:00:00+07:00");
    d.supplements = 2;
    cr_assert_eq(dossier_timeliness(&d, VN), DTL_LATE, "supplemented twice counts late");
    d.supplements = 0;
    d.due = TIME_NONE;
    cr_assert_eq(dossier_timeliness(&d, VN), DTL_NONE);
    d.due = at("2026-03-04T10:00:00+07:00");
    d.finished = TIME_NONE;
    cr_assert_eq(dossier_timeliness(&d, VN), DTL_NONE);
}

Test(dossiers, rates)
{
    struct dossier_stats s;
    memset(&s, 0, sizeof s);
    cr_assert_eq(dossier_stats_on_time_rate(&s), -1);
    cr_assert_eq(dossier_stats_online_rate(&s), -1);
    cr_assert_eq(dossier_stats_on_time_rate(NULL), -1);
    s.early = 50;
    s.on_time = 40;
    s.late = 2;
    s.ok = 5;
    s.due_soon = 2;
    s.overdue = 1;
    s.received = 200;
    s.online = 120;
    cr_assert_float_eq(dossier_stats_on_time_rate(&s), 0.97, 1e-12);
    cr_assert_float_eq(dossier_stats_online_rate(&s), 0.6, 1e-12);
}

static struct dossier *push(struct dossier_batch *b, const char *id, const char *unit, int status)
{
    struct dossier *d = dossier_batch_push(b);
    d->id = id ? xstrdup(id) : NULL;
    d->unit_code = unit ? xstrdup(unit) : NULL;
    d->status = status;
    d->channel = DCH_ONLINE;
    d->submitted = d->received = at("2026-03-02T09:00:00+07:00");
    d->due = at("2026-03-04T10:00:00+07:00");
    d->updated = d->received;
    if (status == DST_SUBMITTED)
        d->received = TIME_NONE;
    if (status >= DST_STOPPED)
        d->finished = at("2026-03-03T10:00:00+07:00");
    return d;
}

Test(dossiers, merge_replace_steps_and_absence)
{
    struct dossier_table *t = dossier_table_new(VN);
    int64_t now = at("2026-03-02T10:00:00+07:00");
    struct dossier_batch *b = dossier_batch_new();
    push(b, "A", "00001", DST_PROCESSING);
    push(b, "B", "00001", DST_RECEIVED);
    push(b, "C", "00002", DST_PROCESSING);
    push(b, NULL, "00002", DST_PROCESSING);
    push(b, "D", "00001", DST_SUBMITTED);
    push(b, "E", "00001", DST_RETURNED);
    struct dossier *a = push(b, "A", "00001", DST_PROCESSING); /* the later one wins */
    struct dossier_step *s = dossier_push_step(a);
    s->at = a->received;
    s->status = 2;
    s->action = xstrdup("Tiếp nhận");
    /* Five added, and A changed again by its second item (now with a history). */
    cr_assert_eq(dossier_table_merge(t, b, now), 6);
    cr_assert_eq(dossier_table_count(t), 5);
    cr_assert_not_null(b->items[3].unit_code, "the record without id stays in the batch");
    dossier_batch_free(b);

    const struct dossier_stats *tot = dossier_table_total(t);
    cr_assert_eq(tot->dossiers, 5);
    cr_assert_eq(tot->open, 3);
    cr_assert_eq(tot->ok, 3);
    cr_assert_eq(tot->finished, 1);
    cr_assert_eq(tot->early, 1);
    cr_assert_eq(tot->by_status[DST_SUBMITTED], 1);
    cr_assert_eq(tot->received, 4);
    cr_assert_eq(dossier_table_unit_count(t), 2);
    cr_assert_eq(dossier_table_unit_stats(t, "00001")->dossiers, 4);
    cr_assert_eq(dossier_table_unit_stats(t, "00002")->open, 1);
    cr_assert_null(dossier_table_unit_stats(t, "99999"));
    const struct dossier *ra = dossier_table_find(t, "A");
    cr_assert(ra->has_steps);
    cr_assert_eq(ra->nsteps, 1);

    /* A list item with the same updated time keeps the history; unchanged = not counted. */
    b = dossier_batch_new();
    push(b, "A", "00001", DST_PROCESSING);
    cr_assert_eq(dossier_table_merge(t, b, now), 0);
    dossier_batch_free(b);
    ra = dossier_table_find(t, "A");
    cr_assert_eq(ra->nsteps, 1);
    cr_assert_str_eq(ra->steps[0].action, "Tiếp nhận");

    /* A newer list item drops the stale history. */
    b = dossier_batch_new();
    struct dossier *n = push(b, "A", "00001", DST_SUPPLEMENT);
    n->updated = n->paused_since = at("2026-03-02T11:00:00+07:00");
    n->supplements = 1;
    cr_assert_eq(dossier_table_merge(t, b, now), 1);
    dossier_batch_free(b);
    ra = dossier_table_find(t, "A");
    cr_assert(!ra->has_steps);
    cr_assert_eq(ra->nsteps, 0);
    cr_assert_eq(ra->status, DST_SUPPLEMENT);

    /* A full listing of unit 00001's open dossiers that leaves out B and D closes them,
     * and leaves C (another unit) and E (finished) alone. */
    b = dossier_batch_new();
    b->full_listing = true;
    b->scope_unit = xstrdup("00001");
    n = push(b, "A", "00001", DST_SUPPLEMENT);
    n->updated = n->paused_since = at("2026-03-02T11:00:00+07:00");
    n->supplements = 1;
    cr_assert_eq(dossier_table_merge(t, b, now), 2);
    dossier_batch_free(b);
    cr_assert(dossier_table_find(t, "B")->absent);
    cr_assert(dossier_table_find(t, "D")->absent);
    cr_assert(!dossier_table_find(t, "C")->absent);
    cr_assert(!dossier_table_find(t, "E")->absent);
    cr_assert_eq(tot->absent, 2);
    cr_assert_eq(tot->open, 2);
    cr_assert_eq(tot->by_status[DST_RECEIVED], 0);
    cr_assert_eq(tot->by_status[DST_SUBMITTED], 0);

    /* Listed again, a closed record is back. */
    b = dossier_batch_new();
    push(b, "B", "00001", DST_PROCESSING);
    cr_assert_eq(dossier_table_merge(t, b, now), 1);
    dossier_batch_free(b);
    cr_assert(!dossier_table_find(t, "B")->absent);
    cr_assert_eq(tot->absent, 1);

    /* Time alone moves states: A is paused (stays còn hạn), B and C turn due soon, then
     * overdue. */
    dossier_table_set_now(t, at("2026-03-03T10:00:01+07:00"));
    cr_assert_eq(tot->due_soon, 2);
    cr_assert_eq(tot->ok, 1);
    dossier_table_set_now(t, at("2026-03-04T10:00:01+07:00"));
    cr_assert_eq(tot->overdue, 2);
    cr_assert_eq(dossier_table_unit_stats(t, "00002")->overdue, 1);
    cr_assert_eq(dossier_table_deadline_at(t, 0), DL_OK);
    /* And back (a restarted hub): recounted. */
    dossier_table_set_now(t, now);
    cr_assert_eq(tot->overdue, 0);
    cr_assert_eq(tot->ok, 3);
    cr_assert_eq(dossier_table_now(t), now);
    dossier_table_free(t);
}

Test(dossiers, batch_take_and_null_safety)
{
    struct dossier_batch *a = dossier_batch_new(), *b = dossier_batch_new();
    push(a, "1", "u", DST_PROCESSING);
    push(b, "2", "u", DST_PROCESSING);
    push(b, "3", "u", DST_PROCESSING);
    b->skipped_no_id = 2;
    dossier_batch_take(a, b);
    cr_assert_eq(a->n, 3);
    cr_assert_eq(b->n, 0);
    cr_assert_eq(a->skipped_no_id, 2);
    cr_assert_str_eq(a->items[2].id, "3");
    dossier_batch_free(a);
    dossier_batch_free(b);
    dossier_batch_free(NULL);
    dossier_table_free(NULL);
    dossier_clear(NULL);
    cr_assert_eq(dossier_table_merge(NULL, NULL, 0), 0);
    cr_assert_null(dossier_table_total(NULL));
    cr_assert_null(dossier_table_find(NULL, "x"));
    cr_assert_eq(dossier_table_count(NULL), 0);
}

/* ---- random merges against a recount ----------------------------------------------- */

static uint64_t rnd_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
    uint64_t x = rnd_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rnd_state = x;
}

static int rnd_int(int lo, int hi)
{
    return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

static const char *const units[] = {"00001", "00002", "00003", "00004", NULL};

static void random_dossier(struct dossier_batch *b, int64_t base)
{
    struct dossier *d = dossier_batch_push(b);
    char id[16];
    snprintf(id, sizeof id, "D%03d", rnd_int(0, 299));
    d->id = xstrdup(id);
    const char *u = units[rnd_int(0, 4)];
    d->unit_code = u ? xstrdup(u) : NULL;
    d->status = rnd_int(0, 11); /* 0 and 11: out of range */
    d->channel = (enum dossier_channel)rnd_int(0, 3);
    d->submitted = base + rnd_int(-20, 5) * 3600 * 8;
    if (d->status != DST_SUBMITTED && d->status != DST_REFUSED && rnd_int(0, 9))
        d->received = d->submitted + rnd_int(0, 7200);
    if (rnd_int(0, 9))
        d->due = workdays_add(d->received != TIME_NONE ? d->received : d->submitted,
                              rnd_int(1, 30) / 4.0, VN);
    if (d->status >= DST_STOPPED || !rnd_int(0, 20))
        d->finished = d->submitted + rnd_int(1, 20) * 3600 * 5;
    if ((d->status == DST_SUPPLEMENT || d->status == DST_FEE) && rnd_int(0, 5))
        d->paused_since = d->submitted + rnd_int(1, 20) * 3600 * 6;
    d->supplements = rnd_int(0, 12) == 0 ? 2 : rnd_int(0, 1);
    d->updated = d->submitted + rnd_int(0, 3);
    if (!rnd_int(0, 3)) {
        struct dossier_step *s = dossier_push_step(d);
        s->at = d->submitted;
        s->status = 1;
        s->note = xstrdup("ghi chú");
    }
}

static void add(struct dossier_stats *s, const struct dossier *d, int64_t now)
{
    s->dossiers++;
    if (d->absent)
        s->absent++;
    else
        s->by_status[d->status > 0 && d->status < DST_COUNT ? d->status : 0]++;
    if (d->received != TIME_NONE) {
        s->received++;
        s->online += d->channel == DCH_ONLINE;
    }
    if (dossier_is_open(d)) {
        s->open++;
        enum deadline_state st = dossier_deadline(d, now, VN);
        s->ok += st == DL_OK;
        s->due_soon += st == DL_DUE_SOON;
        s->overdue += st == DL_OVERDUE;
    } else if (!d->absent && d->finished != TIME_NONE) {
        s->finished++;
        enum dossier_timeliness tl = dossier_timeliness(d, VN);
        s->early += tl == DTL_EARLY;
        s->on_time += tl == DTL_ON_TIME;
        s->late += tl == DTL_LATE;
    }
}

static void assert_stats_eq(const struct dossier_stats *a, const struct dossier_stats *b,
                            const char *what, int round)
{
    cr_assert_eq(memcmp(a, b, sizeof *a), 0,
                 "%s, round %d: dossiers %zu/%zu open %zu/%zu ok %zu/%zu soon %zu/%zu "
                 "overdue %zu/%zu finished %zu/%zu late %zu/%zu absent %zu/%zu",
                 what, round, a->dossiers, b->dossiers, a->open, b->open, a->ok, b->ok, a->due_soon,
                 b->due_soon, a->overdue, b->overdue, a->finished, b->finished, a->late, b->late,
                 a->absent, b->absent);
}

static void check_recount(const struct dossier_table *t, int round)
{
    struct dossier_stats total, per[4];
    memset(&total, 0, sizeof total);
    memset(per, 0, sizeof per);
    int64_t now = dossier_table_now(t);
    for (size_t i = 0; i < dossier_table_count(t); i++) {
        const struct dossier *d = dossier_table_at(t, i);
        cr_assert_eq(dossier_table_find(t, d->id), d);
        add(&total, d, now);
        for (int u = 0; u < 4; u++)
            if (d->unit_code && !strcmp(d->unit_code, units[u]))
                add(&per[u], d, now);
        cr_assert_eq(dossier_table_deadline_at(t, i),
                     dossier_is_open(d) ? dossier_deadline(d, now, VN) : DL_NONE);
    }
    assert_stats_eq(dossier_table_total(t), &total, "total", round);
    for (int u = 0; u < 4; u++) {
        const struct dossier_stats *s = dossier_table_unit_stats(t, units[u]);
        if (s)
            assert_stats_eq(s, &per[u], units[u], round);
        else
            cr_assert_eq(per[u].dossiers, 0);
    }
}

Test(dossiers, aggregates_match_recount_after_random_merges)
{
    struct dossier_table *t = dossier_table_new(VN);
    int64_t base = at("2026-03-02T08:00:00+07:00"), now = base;
    for (int round = 0; round < 400; round++) {
        struct dossier_batch *b = dossier_batch_new();
        int n = rnd_int(0, 25);
        for (int i = 0; i < n; i++)
            random_dossier(b, base);
        if (!rnd_int(0, 9)) {
            b->full_listing = true;
            const char *u = units[rnd_int(0, 4)];
            b->scope_unit = u ? xstrdup(u) : NULL;
        }
        /* Mostly forward in steps of minutes to days, sometimes back, sometimes unknown. */
        int move = rnd_int(0, 19);
        if (move == 0)
            now -= rnd_int(1, 50) * 3600;
        else if (move != 1)
            now += rnd_int(0, 600) * 60;
        dossier_table_merge(t, b, move == 1 ? TIME_NONE : now);
        dossier_batch_free(b);
        check_recount(t, round);
        if (rnd_int(0, 2) == 0) {
            now += rnd_int(0, 3000) * 60;
            dossier_table_set_now(t, now);
            check_recount(t, round);
        }
    }
    dossier_table_free(t);
}
