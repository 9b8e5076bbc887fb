/* Dossier records, batches and the table the views read.
 *
 * Like the complaint table: a dense array (stable indexes for cursors and sort permutations)
 * and a strmap from id to index; records are never removed. On top of it the table keeps the
 * aggregates per unit and for the whole hub, so a view of 100 units x 10 statuses never
 * scans 100,000 records:
 * - every record remembers what it currently adds to the counts (its "contribution"); a
 *   merge subtracts the old contribution and adds the new one;
 * - an open dossier's deadline state also changes with time alone. Each running, dated open
 *   dossier has its next transition (to "sắp đến hạn" at due - 1 working day, to "quá hạn"
 *   at due) in a min-heap; moving the clock pops the transitions that passed and recounts
 *   only those records. Entries carry the record's version, so an entry made stale by a
 *   later merge is recognised and dropped when it comes up (no decrease-key needed). */
#include "citydeck/dossiers.h"

#include "citydeck/clock.h"
#include "citydeck/strmap.h"
#include "citydeck/timeheap.h"
#include "citydeck/util.h"
#include "citydeck/workdays.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DAY_S 86400

/* What one record adds to the counts. */
struct contrib {
    long unit; /* slot, -1 = none */
    int status;
    bool absent, received, online, open, finished;
    enum deadline_state deadline;
    enum dossier_timeliness timeliness;
};

struct meta {
    struct contrib c;
    uint32_t version;
};

struct unit_slot {
    char *code;
    struct dossier_stats stats;
};

struct dossier_table {
    int offset;
    int64_t now;
    struct dossier *recs;
    struct meta *meta;
    size_t n, cap, meta_cap;
    struct strmap by_id; /* keys: the records' own id strings */
    struct unit_slot *units;
    size_t nunits, ucap;
    struct strmap by_unit; /* keys: the slots' code strings */
    struct dossier_stats total;
    struct timeheap heap; /* coming deadline transitions */
};

/* ---- labels and the per-record rules --------------------------------------------------- */

static const char *const status_labels[DST_COUNT] = {
    [DST_UNKNOWN] = "Không rõ",
    [DST_SUBMITTED] = "Mới đăng ký",
    [DST_RECEIVED] = "Được tiếp nhận",
    [DST_REFUSED] = "Không được tiếp nhận",
    [DST_PROCESSING] = "Đang xử lý",
    [DST_SUPPLEMENT] = "Yêu cầu bổ sung giấy tờ",
    [DST_FEE] = "Yêu cầu thực hiện nghĩa vụ tài chính",
    [DST_WITHDRAW] = "Công dân yêu cầu rút hồ sơ",
    [DST_STOPPED] = "Dừng xử lý",
    [DST_DONE] = "Đã xử lý xong",
    [DST_RETURNED] = "Đã trả kết quả",
};

const char *dossier_status_label(int status)
{
    return status > 0 && status < DST_COUNT ? status_labels[status] : status_labels[0];
}

const char *dossier_channel_label(enum dossier_channel c)
{
    switch (c) {
    case DCH_DIRECT:
        return "Trực tiếp";
    case DCH_ONLINE:
        return "Trực tuyến";
    case DCH_POST:
        return "Bưu chính công ích";
    case DCH_UNKNOWN:
    case DCH_COUNT:
        break;
    }
    return "Không rõ";
}

const char *dossier_level_label(enum dossier_level l)
{
    switch (l) {
    case DLV_FULL:
        return "Toàn trình";
    case DLV_PARTIAL:
        return "Một phần";
    case DLV_UNKNOWN:
        break;
    }
    return "Không rõ";
}

const char *dossier_timeliness_label(enum dossier_timeliness t)
{
    switch (t) {
    case DTL_EARLY:
        return "trước hạn";
    case DTL_ON_TIME:
        return "đúng hạn";
    case DTL_LATE:
        return "trễ hạn";
    case DTL_NONE:
        break;
    }
    return "";
}

enum dossier_level dossier_level_parse(const char *code)
{
    if (code && strcasecmp(code, "toan_trinh") == 0)
        return DLV_FULL;
    if (code && strcasecmp(code, "mot_phan") == 0)
        return DLV_PARTIAL;
    return DLV_UNKNOWN;
}

static bool ended(const struct dossier *d)
{
    return d->absent || d->finished != TIME_NONE || d->status == DST_REFUSED ||
           d->status == DST_STOPPED || d->status == DST_DONE || d->status == DST_RETURNED;
}

bool dossier_is_open(const struct dossier *d)
{
    return d && d->received != TIME_NONE && !ended(d);
}

int64_t dossier_due_soon_from(int64_t due, int offset_s)
{
    return workdays_add(due, -1.0, offset_s);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Guards the arithmetic below against hostile times near the int64 limits. */
static bool sane_time(int64_t t)
{
    return t != TIME_NONE && t > -(INT64_C(1) << 40) && t < (INT64_C(1) << 40);
}

enum deadline_state dossier_deadline(const struct dossier *d, int64_t now, int offset_s)
{
    if (!dossier_is_open(d) || !sane_time(d->due))
        return DL_NONE;
    /* 766, indicator 2.1: asked for a supplement more than once counts as late. */
    if (d->supplements >= 2)
        return DL_OVERDUE;
    /* While the clock stands still the dossier is judged where it stopped. */
    int64_t at = sane_time(d->paused_since) ? d->paused_since : now;
    if (!sane_time(at))
        return DL_NONE;
    if (at > d->due)
        return DL_OVERDUE;
    if (at > dossier_due_soon_from(d->due, offset_s))
        return DL_DUE_SOON;
    return DL_OK;
}

enum dossier_timeliness dossier_timeliness(const struct dossier *d, int offset_s)
{
    if (!d || d->absent || !sane_time(d->finished) || !sane_time(d->due))
        return DTL_NONE;
    if (d->supplements >= 2 || d->finished > d->due)
        return DTL_LATE;
    /* Before the appointment day (ngày hẹn trả) is early; on it, on time. */
    if (floor_div(d->finished + offset_s, DAY_S) < floor_div(d->due + offset_s, DAY_S))
        return DTL_EARLY;
    return DTL_ON_TIME;
}

double dossier_stats_on_time_rate(const struct dossier_stats *s)
{
    if (!s)
        return -1;
    size_t den = s->early + s->on_time + s->late + s->ok + s->due_soon + s->overdue;
    return den ? 1.0 - (double)(s->late + s->overdue) / (double)den : -1;
}

double dossier_stats_online_rate(const struct dossier_stats *s)
{
    if (!s || !s->received)
        return -1;
    return (double)s->online / (double)s->received;
}

/* ---- records and batches ------------------------------------------------------------ */

static void dossier_init(struct dossier *d)
{
    memset(d, 0, sizeof *d);
    d->submitted = d->received = d->due = d->finished = d->returned = d->updated = TIME_NONE;
    d->paused_since = TIME_NONE;
}

static void step_clear(struct dossier_step *s)
{
    free(s->action);
    free(s->actor_role);
    free(s->actor);
    free(s->actor_title);
    free(s->note);
}

static void steps_free(struct dossier_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        step_clear(&steps[i]);
    free(steps);
}

void dossier_clear(struct dossier *d)
{
    if (!d)
        return;
    free(d->id);
    free(d->procedure_code);
    free(d->procedure);
    free(d->field);
    free(d->unit_code);
    free(d->unit_name);
    steps_free(d->steps, d->nsteps);
    dossier_init(d);
}

struct dossier_step *dossier_push_step(struct dossier *d)
{
    /* nsteps doubles as the capacity's lower bound: grow in powers of two. */
    size_t cap = d->nsteps;
    if ((d->nsteps & (d->nsteps - 1)) == 0) /* 0, 1, 2, 4...: full */
        d->steps = xrealloc(d->steps, (cap ? cap * 2 : 1) * sizeof *d->steps);
    struct dossier_step *s = &d->steps[d->nsteps++];
    memset(s, 0, sizeof *s);
    s->at = TIME_NONE;
    d->has_steps = true;
    return s;
}

struct dossier_batch *dossier_batch_new(void)
{
    struct dossier_batch *b = xcalloc(1, sizeof *b);
    b->as_of = TIME_NONE;
    return b;
}

struct dossier *dossier_batch_push(struct dossier_batch *b)
{
    b->items = xgrow(b->items, &b->cap, b->n + 1, sizeof *b->items);
    struct dossier *d = &b->items[b->n++];
    dossier_init(d);
    return d;
}

void dossier_batch_take(struct dossier_batch *dst, struct dossier_batch *src)
{
    if (!dst || !src || dst == src)
        return;
    dst->items = xgrow(dst->items, &dst->cap, dst->n + src->n, sizeof *dst->items);
    memcpy(dst->items + dst->n, src->items, src->n * sizeof *src->items);
    dst->n += src->n;
    dst->skipped_no_id += src->skipped_no_id;
    dst->skipped_invalid += src->skipped_invalid;
    src->n = 0;
    src->skipped_no_id = src->skipped_invalid = 0;
}

void dossier_batch_free(struct dossier_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        dossier_clear(&b->items[i]);
    free(b->items);
    free(b->scope_unit);
    free(b);
}

/* ---- the transition heap ----------------------------------------------------------- */

/* Queues the record's next deadline transition, if time alone can change its state. */
static void schedule(struct dossier_table *t, size_t idx)
{
    const struct dossier *d = &t->recs[idx];
    enum deadline_state s = t->meta[idx].c.deadline;
    if (s == DL_NONE || s == DL_OVERDUE || sane_time(d->paused_since) || d->supplements >= 2)
        return;
    int64_t when = s == DL_OK ? dossier_due_soon_from(d->due, t->offset) : d->due;
    /* Cannot happen with the rules above; guards set_now against popping forever. */
    if (t->now != TIME_NONE && when < t->now)
        return;
    timeheap_push(&t->heap, when, idx, t->meta[idx].version);
}

/* ---- contributions ------------------------------------------------------------------ */

static long unit_slot(struct dossier_table *t, const char *code)
{
    if (!code)
        return -1;
    size_t i = strmap_get(&t->by_unit, code);
    if (i != STRMAP_NONE)
        return (long)i;
    t->units = xgrow(t->units, &t->ucap, t->nunits + 1, sizeof *t->units);
    struct unit_slot *u = &t->units[t->nunits];
    memset(u, 0, sizeof *u);
    u->code = xstrdup(code);
    strmap_put(&t->by_unit, u->code, t->nunits);
    return (long)t->nunits++;
}

static struct contrib contrib_of(struct dossier_table *t, const struct dossier *d)
{
    struct contrib c = {.unit = unit_slot(t, d->unit_code)};
    c.absent = d->absent;
    c.status = d->status > 0 && d->status < DST_COUNT ? d->status : DST_UNKNOWN;
    c.received = d->received != TIME_NONE;
    c.online = c.received && d->channel == DCH_ONLINE;
    c.open = dossier_is_open(d);
    /* Before the table knows the time only paused and twice-supplemented ones have one. */
    c.deadline = c.open ? dossier_deadline(d, t->now, t->offset) : DL_NONE;
    c.finished = !c.open && !d->absent && d->finished != TIME_NONE;
    c.timeliness = c.finished ? dossier_timeliness(d, t->offset) : DTL_NONE;
    return c;
}

static void stats_apply(struct dossier_stats *s, const struct contrib *c, int sign)
{
    /* size_t arithmetic wraps, so adding (size_t)-1 subtracts one. */
    size_t k = (size_t)(long)sign;
    s->dossiers += k;
    if (c->absent)
        s->absent += k;
    else
        s->by_status[c->status] += k;
    if (c->received) {
        s->received += k;
        if (c->online)
            s->online += k;
    }
    if (c->open) {
        s->open += k;
        if (c->deadline == DL_OK)
            s->ok += k;
        else if (c->deadline == DL_DUE_SOON)
            s->due_soon += k;
        else if (c->deadline == DL_OVERDUE)
            s->overdue += k;
    }
    if (c->finished) {
        s->finished += k;
        if (c->timeliness == DTL_EARLY)
            s->early += k;
        else if (c->timeliness == DTL_ON_TIME)
            s->on_time += k;
        else if (c->timeliness == DTL_LATE)
            s->late += k;
    }
}

static void apply(struct dossier_table *t, const struct contrib *c, int sign)
{
    stats_apply(&t->total, c, sign);
    if (c->unit >= 0)
        stats_apply(&t->units[c->unit].stats, c, sign);
}

/* Counts record idx afresh (after a merge or a transition) and queues its next transition. */
static void recount(struct dossier_table *t, size_t idx, bool counted)
{
    struct meta *m = &t->meta[idx];
    if (counted)
        apply(t, &m->c, -1);
    m->c = contrib_of(t, &t->recs[idx]);
    m->version++;
    apply(t, &m->c, +1);
    schedule(t, idx);
}

static void recount_all(struct dossier_table *t)
{
    memset(&t->total, 0, sizeof t->total);
    for (size_t i = 0; i < t->nunits; i++)
        memset(&t->units[i].stats, 0, sizeof t->units[i].stats);
    t->heap.n = 0;
    for (size_t i = 0; i < t->n; i++)
        recount(t, i, false);
}

/* Stale entries pile up when records merge often; past a bound, rebuild from the live ones. */
static void heap_compact(struct dossier_table *t)
{
    if (t->heap.n <= 2 * t->n + 1024)
        return;
    t->heap.n = 0;
    for (size_t i = 0; i < t->n; i++)
        schedule(t, i);
}

/* ---- the table ---------------------------------------------------------------------- */

struct dossier_table *dossier_table_new(int offset_s)
{
    struct dossier_table *t = xcalloc(1, sizeof *t);
    t->offset = offset_s;
    t->now = TIME_NONE;
    return t;
}

void dossier_table_free(struct dossier_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        dossier_clear(&t->recs[i]);
    free(t->recs);
    free(t->meta);
    strmap_free(&t->by_id);
    for (size_t i = 0; i < t->nunits; i++)
        free(t->units[i].code);
    free(t->units);
    strmap_free(&t->by_unit);
    timeheap_free(&t->heap);
    free(t);
}

void dossier_table_set_now(struct dossier_table *t, int64_t now)
{
    if (!t || !sane_time(now) || now == t->now)
        return;
    if (t->now == TIME_NONE || now < t->now) {
        t->now = now;
        recount_all(t);
        return;
    }
    t->now = now;
    while (t->heap.n > 0 && t->heap.v[0].when < now) {
        struct timeheap_entry e = timeheap_pop(&t->heap);
        if (e.idx < t->n && t->meta[e.idx].version == e.version)
            recount(t, e.idx, true);
    }
    heap_compact(t);
}

int64_t dossier_table_now(const struct dossier_table *t)
{
    return t ? t->now : TIME_NONE;
}

static bool str_same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool steps_same(const struct dossier *a, const struct dossier *b)
{
    if (a->has_steps != b->has_steps || a->nsteps != b->nsteps)
        return false;
    for (size_t i = 0; i < a->nsteps; i++) {
        const struct dossier_step *x = &a->steps[i], *y = &b->steps[i];
        if (x->at != y->at || x->status != y->status || !str_same(x->action, y->action) ||
            !str_same(x->actor_role, y->actor_role) || !str_same(x->actor, y->actor) ||
            !str_same(x->actor_title, y->actor_title) || !str_same(x->note, y->note))
            return false;
    }
    return true;
}

/* Every field a view can show counts, so "changed" means "a redraw could differ". */
static bool dossier_same(const struct dossier *a, const struct dossier *b)
{
    return a->channel == b->channel && a->level == b->level && a->status == b->status &&
           a->legal_days == b->legal_days && a->submitted == b->submitted &&
           a->received == b->received && a->due == b->due && a->finished == b->finished &&
           a->returned == b->returned && a->updated == b->updated &&
           a->paused_since == b->paused_since && a->paused_s == b->paused_s &&
           a->supplements == b->supplements && a->absent == b->absent &&
           str_same(a->procedure_code, b->procedure_code) && str_same(a->procedure, b->procedure) &&
           str_same(a->field, b->field) && str_same(a->unit_code, b->unit_code) &&
           str_same(a->unit_name, b->unit_name) && (!b->has_steps || steps_same(a, b));
}

static void grow(struct dossier_table *t)
{
    t->recs = xgrow(t->recs, &t->cap, t->n + 1, sizeof *t->recs);
    t->meta = xgrow(t->meta, &t->meta_cap, t->n + 1, sizeof *t->meta);
}

/* Takes src's fields into dst; src is left blank. */
static void dossier_take(struct dossier *dst, struct dossier *src)
{
    *dst = *src;
    dossier_init(src);
}

static bool in_scope(const struct dossier *d, const char *scope_unit)
{
    return !scope_unit || str_same(d->unit_code, scope_unit);
}

size_t dossier_table_merge(struct dossier_table *t, struct dossier_batch *b, int64_t now)
{
    if (!t || !b)
        return 0;
    dossier_table_set_now(t, now);
    size_t changed = 0;
    bool *seen = b->full_listing ? xcalloc(t->n + b->n, sizeof *seen) : NULL;
    for (size_t k = 0; k < b->n; k++) {
        struct dossier *src = &b->items[k];
        if (!src->id)
            continue;        /* cannot be addressed; stays in the batch and is freed with it */
        src->absent = false; /* listed, so present */
        size_t idx = strmap_get(&t->by_id, src->id);
        if (idx != STRMAP_NONE) {
            struct dossier *dst = &t->recs[idx];
            if (!dossier_same(dst, src))
                changed++;
            /* A list item carries no history: keep the one we have while it is current. */
            if (!src->has_steps && dst->has_steps && dst->updated == src->updated) {
                src->steps = dst->steps;
                src->nsteps = dst->nsteps;
                src->has_steps = true;
                dst->steps = NULL;
                dst->nsteps = 0;
            }
            /* The map borrows the id string: point it at the copy dst is about to take
             * before the old one is freed. */
            strmap_put(&t->by_id, src->id, idx);
            apply(t, &t->meta[idx].c, -1);
            dossier_clear(dst);
            dossier_take(dst, src);
            recount(t, idx, false);
        } else {
            grow(t);
            idx = t->n++;
            dossier_take(&t->recs[idx], src);
            memset(&t->meta[idx], 0, sizeof t->meta[idx]);
            strmap_put(&t->by_id, t->recs[idx].id, idx);
            recount(t, idx, false);
            changed++;
        }
        if (seen)
            seen[idx] = true;
    }
    if (seen) {
        for (size_t i = 0; i < t->n; i++) {
            struct dossier *d = &t->recs[i];
            bool pending = d->status == DST_SUBMITTED && !ended(d);
            if (seen[i] || d->absent || !in_scope(d, b->scope_unit) ||
                !(dossier_is_open(d) || pending))
                continue;
            /* Ended while we were not looking: how is unknown, so it leaves the open and
             * status counts without claiming a timeliness. */
            d->absent = true;
            recount(t, i, true);
            changed++;
        }
        free(seen);
    }
    heap_compact(t);
    return changed;
}

size_t dossier_table_count(const struct dossier_table *t)
{
    return t ? t->n : 0;
}

const struct dossier *dossier_table_at(const struct dossier_table *t, size_t i)
{
    return t && i < t->n ? &t->recs[i] : NULL;
}

const struct dossier *dossier_table_find(const struct dossier_table *t, const char *id)
{
    if (!t)
        return NULL;
    size_t idx = strmap_get(&t->by_id, id);
    return idx == STRMAP_NONE ? NULL : &t->recs[idx];
}

enum deadline_state dossier_table_deadline_at(const struct dossier_table *t, size_t i)
{
    return t && i < t->n ? t->meta[i].c.deadline : DL_NONE;
}

const struct dossier_stats *dossier_table_total(const struct dossier_table *t)
{
    return t ? &t->total : NULL;
}

size_t dossier_table_unit_count(const struct dossier_table *t)
{
    return t ? t->nunits : 0;
}

const char *dossier_table_unit_code(const struct dossier_table *t, size_t i)
{
    return t && i < t->nunits ? t->units[i].code : NULL;
}

const struct dossier_stats *dossier_table_unit_stats_at(const struct dossier_table *t, size_t i)
{
    return t && i < t->nunits ? &t->units[i].stats : NULL;
}

const struct dossier_stats *dossier_table_unit_stats(const struct dossier_table *t,
                                                     const char *unit_code)
{
    if (!t || !unit_code)
        return NULL;
    size_t i = strmap_get(&t->by_unit, unit_code);
    return i == STRMAP_NONE ? NULL : &t->units[i].stats;
}
