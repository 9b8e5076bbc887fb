/* Complaint records, batches and the table the views read.
 *
 * The table is a dense array (a record's index never changes, so views can keep cursors and
 * sort permutations as plain indexes) plus a strmap from id to index. Records are never
 * removed: a complaint that leaves the hub's open listing is marked closed, which is what the
 * operators want to see anyway. */
#include "citydeck/complaints.h"

#include "citydeck/clock.h"
#include "citydeck/strmap.h"
#include "citydeck/timeheap.h"
#include "citydeck/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DAY_S 86400

/* What one record adds to the aggregates, remembered so a merge can take it back. */
struct contrib {
    long unit; /* slot, -1 = none */
    unsigned category;
    enum complaint_status status;
    enum deadline_state deadline;
    int satisfaction;
    bool open, urgent, unaccepted;
};

struct meta {
    struct contrib c;
    uint32_t version; /* bumped by every recount: older queue entries are stale */
};

struct unit_slot {
    char *code;
    struct complaint_stats stats;
};

struct category_slot {
    char *code; /* service_code, or the name for name-only categories */
    char *name;
};

struct complaint_table {
    struct complaint *recs;
    struct meta *meta;
    size_t n, cap, meta_cap;
    struct strmap by_id; /* keys: the records' own id strings */
    size_t unattributed;
    int64_t now;
    struct complaint_stats total;
    struct unit_slot *units;
    size_t nunits, ucap;
    struct strmap by_unit; /* keys: the slots' code strings */
    struct category_slot cats[COMPLAINT_CATEGORY_MAX];
    size_t ncats;         /* named slots in use, below COMPLAINT_CATEGORY_OTHER */
    bool other_used;      /* a record has counted in the shared slot */
    struct strmap by_cat; /* keys: the slots' code strings */
    struct timeheap heap; /* coming deadline transitions */
    complaint_observer_fn observer;
    void *observer_arg;
};

static const char *const status_codes[CST_COUNT] = {
    [CST_UNKNOWN] = "unknown",     [CST_NEW] = "new",           [CST_VERIFYING] = "verifying",
    [CST_ACCEPTED] = "accepted",   [CST_ASSIGNED] = "assigned", [CST_IN_PROGRESS] = "in_progress",
    [CST_NEED_INFO] = "need_info", [CST_RESOLVED] = "resolved", [CST_PUBLISHED] = "published",
    [CST_REJECTED] = "rejected",   [CST_REOPENED] = "reopened",
};

static const char *const status_labels[CST_COUNT] = {
    [CST_UNKNOWN] = "Không rõ",          [CST_NEW] = "Mới gửi",
    [CST_VERIFYING] = "Chờ xác minh",    [CST_ACCEPTED] = "Đã tiếp nhận",
    [CST_ASSIGNED] = "Đã chuyển xử lý",  [CST_IN_PROGRESS] = "Đang xử lý",
    [CST_NEED_INFO] = "Yêu cầu bổ sung", [CST_RESOLVED] = "Đã xử lý",
    [CST_PUBLISHED] = "Đã công khai",    [CST_REJECTED] = "Từ chối",
    [CST_REOPENED] = "Phản ánh lại",
};

enum complaint_status complaint_status_parse(const char *code)
{
    if (!code)
        return CST_UNKNOWN;
    for (int s = CST_NEW; s < CST_COUNT; s++)
        if (strcasecmp(code, status_codes[s]) == 0)
            return (enum complaint_status)s;
    return CST_UNKNOWN;
}

const char *complaint_status_code(enum complaint_status s)
{
    return (unsigned)s < CST_COUNT ? status_codes[s] : status_codes[CST_UNKNOWN];
}

const char *complaint_status_label(enum complaint_status s)
{
    return (unsigned)s < CST_COUNT ? status_labels[s] : status_labels[CST_UNKNOWN];
}

enum complaint_urgency complaint_urgency_parse(const char *code)
{
    if (!code)
        return CURG_NORMAL;
    if (strcasecmp(code, "khan") == 0)
        return CURG_URGENT;
    if (strcasecmp(code, "phuc_tap") == 0)
        return CURG_COMPLEX;
    /* "binh_thuong" and anything unknown: an unrecognised level must not raise an alarm. */
    return CURG_NORMAL;
}

const char *complaint_urgency_code(enum complaint_urgency u)
{
    switch (u) {
    case CURG_URGENT:
        return "khan";
    case CURG_COMPLEX:
        return "phuc_tap";
    case CURG_NORMAL:
        break;
    }
    return "binh_thuong";
}

const char *complaint_urgency_label(enum complaint_urgency u)
{
    switch (u) {
    case CURG_URGENT:
        return "khẩn";
    case CURG_COMPLEX:
        return "phức tạp";
    case CURG_NORMAL:
        break;
    }
    return "bình thường";
}

const char *deadline_state_label(enum deadline_state d)
{
    switch (d) {
    case DL_OK:
        return "còn hạn";
    case DL_DUE_SOON:
        return "sắp đến hạn";
    case DL_OVERDUE:
        return "quá hạn";
    case DL_NONE:
        break;
    }
    return "";
}

enum deadline_state complaint_deadline(const struct complaint *c, int64_t now)
{
    if (!c || !c->open || c->expected == TIME_NONE || now == TIME_NONE)
        return DL_NONE;
    if (now > c->expected)
        return DL_OVERDUE;
    /* now <= expected here, so the difference cannot overflow for sane epoch values. */
    if (c->expected - now < DAY_S)
        return DL_DUE_SOON;
    return DL_OK;
}

static void complaint_init(struct complaint *c)
{
    memset(c, 0, sizeof *c);
    c->requested = c->updated = c->expected = TIME_NONE;
    c->satisfaction = -1;
}

void complaint_clear(struct complaint *c)
{
    if (!c)
        return;
    free(c->id);
    free(c->service_code);
    free(c->category);
    free(c->description);
    free(c->agency);
    free(c->unit_code);
    free(c->unit_name);
    free(c->address);
    free(c->status_raw);
    free(c->channel);
    free(c->status_notes);
    free(c->media_url);
    complaint_init(c);
}

struct complaint_batch *complaint_batch_new(void)
{
    return xcalloc(1, sizeof(struct complaint_batch));
}

struct complaint *complaint_batch_push(struct complaint_batch *b)
{
    b->items = xgrow(b->items, &b->cap, b->n + 1, sizeof *b->items);
    struct complaint *c = &b->items[b->n++];
    complaint_init(c);
    return c;
}

void complaint_batch_free(struct complaint_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        complaint_clear(&b->items[i]);
    free(b->items);
    free(b);
}

/* ---- aggregates ------------------------------------------------------------------------ */

static const char other_name[] = "Khác";

bool complaint_is_urgent_unaccepted(const struct complaint *c)
{
    return c && c->open && c->urgency == CURG_URGENT &&
           (c->status == CST_NEW || c->status == CST_VERIFYING);
}

double complaint_stats_satisfaction_rate(const struct complaint_stats *s)
{
    size_t rated = s ? s->satisfied + s->not_satisfied : 0;
    return rated ? (double)s->satisfied / (double)rated : -1;
}

double complaint_stats_overdue_rate(const struct complaint_stats *s)
{
    return s && s->open ? (double)s->overdue / (double)s->open : -1;
}

static const char *category_key(const struct complaint *c)
{
    return c->service_code ? c->service_code : c->category;
}

/* The slot of a record's category, taking a new one while there is room. */
static unsigned category_slot(struct complaint_table *t, const struct complaint *c)
{
    const char *key = category_key(c);
    if (!key)
        return COMPLAINT_CATEGORY_OTHER;
    size_t i = strmap_get(&t->by_cat, key);
    if (i != STRMAP_NONE) {
        if (!t->cats[i].name && c->category)
            t->cats[i].name = xstrdup(c->category);
        return (unsigned)i;
    }
    if (t->ncats >= COMPLAINT_CATEGORY_OTHER)
        return COMPLAINT_CATEGORY_OTHER;
    struct category_slot *cs = &t->cats[t->ncats];
    cs->code = xstrdup(key);
    cs->name = c->category ? xstrdup(c->category) : NULL;
    strmap_put(&t->by_cat, cs->code, t->ncats);
    return (unsigned)t->ncats++;
}

static unsigned category_find(const struct complaint_table *t, const struct complaint *c)
{
    const char *key = category_key(c);
    size_t i = key ? strmap_get(&t->by_cat, key) : STRMAP_NONE;
    return i == STRMAP_NONE ? COMPLAINT_CATEGORY_OTHER : (unsigned)i;
}

static long unit_slot(struct complaint_table *t, const char *code)
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

static struct contrib contrib_from(const struct complaint *c, long unit, unsigned category,
                                   int64_t now)
{
    struct contrib k = {.unit = unit, .category = category};
    k.status = (unsigned)c->status < CST_COUNT ? c->status : CST_UNKNOWN;
    k.open = c->open;
    k.deadline = complaint_deadline(c, now);
    k.satisfaction = c->satisfaction == 0 || c->satisfaction == 1 ? c->satisfaction : -1;
    k.urgent = c->open && c->urgency == CURG_URGENT;
    k.unaccepted = complaint_is_urgent_unaccepted(c);
    return k;
}

static void stats_apply(struct complaint_stats *s, const struct contrib *c, int sign)
{
    size_t k = (size_t)(long)sign; /* size_t wraps: adding (size_t)-1 subtracts one */
    s->complaints += k;
    if (c->open) {
        s->open += k;
        s->open_by_status[c->status] += k;
        s->open_by_category[c->category] += k;
        if (c->deadline == DL_OK)
            s->ok += k;
        else if (c->deadline == DL_DUE_SOON)
            s->due_soon += k;
        else if (c->deadline == DL_OVERDUE)
            s->overdue += k;
        if (c->urgent)
            s->urgent_open += k;
        if (c->unaccepted)
            s->urgent_unaccepted += k;
    }
    /* The rate is of answered complaints (766): a rating on an open one is a citizen
     * reopening it, not a verdict on a finished case. */
    if (!c->open && c->satisfaction == 1)
        s->satisfied += k;
    else if (!c->open && c->satisfaction == 0)
        s->not_satisfied += k;
}

static void apply(struct complaint_table *t, const struct contrib *c, int sign)
{
    stats_apply(&t->total, c, sign);
    if (c->unit >= 0)
        stats_apply(&t->units[c->unit].stats, c, sign);
}

/* ---- the transition queue ----------------------------------------------------------------- */

/* Queues the record's next deadline transition, if time alone can change its state. */
static void schedule(struct complaint_table *t, size_t idx)
{
    const struct complaint *c = &t->recs[idx];
    enum deadline_state s = t->meta[idx].c.deadline;
    if (s != DL_OK && s != DL_DUE_SOON)
        return;
    /* DL_OK implies expected - now >= DAY_S, so expected - DAY_S cannot overflow. */
    int64_t when = s == DL_OK ? c->expected - DAY_S : c->expected;
    timeheap_push(&t->heap, when, idx, t->meta[idx].version);
}

static void notify(struct complaint_table *t, size_t idx, const char *old_unit)
{
    if (t->observer)
        t->observer(t->observer_arg, idx, old_unit);
}

/* Counts record idx afresh and queues its next transition; returns whether its deadline
 * state moved. */
static bool recount(struct complaint_table *t, size_t idx, bool counted)
{
    struct meta *m = &t->meta[idx];
    enum deadline_state before = counted ? m->c.deadline : DL_NONE;
    if (counted)
        apply(t, &m->c, -1);
    const struct complaint *c = &t->recs[idx];
    m->c = contrib_from(c, unit_slot(t, c->unit_code), category_slot(t, c), t->now);
    m->version++;
    apply(t, &m->c, +1);
    schedule(t, idx);
    return m->c.deadline != before;
}

static void recount_all(struct complaint_table *t)
{
    memset(&t->total, 0, sizeof t->total);
    for (size_t i = 0; i < t->nunits; i++)
        memset(&t->units[i].stats, 0, sizeof t->units[i].stats);
    t->heap.n = 0;
    for (size_t i = 0; i < t->n; i++) {
        enum deadline_state before = t->meta[i].c.deadline;
        recount(t, i, false);
        if (t->meta[i].c.deadline != before)
            notify(t, i, t->recs[i].unit_code);
    }
}

/* Stale entries pile up when records merge often; past a bound, rebuild from the live ones. */
static void heap_compact(struct complaint_table *t)
{
    if (t->heap.n <= 2 * t->n + 1024)
        return;
    t->heap.n = 0;
    for (size_t i = 0; i < t->n; i++)
        schedule(t, i);
}

/* ---- the table ------------------------------------------------------------------------- */

struct complaint_table *complaint_table_new(void)
{
    struct complaint_table *t = xcalloc(1, sizeof(struct complaint_table));
    t->now = TIME_NONE;
    return t;
}

void complaint_table_free(struct complaint_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        complaint_clear(&t->recs[i]);
    free(t->recs);
    free(t->meta);
    strmap_free(&t->by_id);
    for (size_t i = 0; i < t->nunits; i++)
        free(t->units[i].code);
    free(t->units);
    strmap_free(&t->by_unit);
    for (size_t i = 0; i < COMPLAINT_CATEGORY_MAX; i++) {
        free(t->cats[i].code);
        free(t->cats[i].name);
    }
    strmap_free(&t->by_cat);
    timeheap_free(&t->heap);
    free(t);
}

void complaint_table_set_observer(struct complaint_table *t, complaint_observer_fn fn, void *arg)
{
    if (!t)
        return;
    t->observer = fn;
    t->observer_arg = arg;
}

void complaint_table_set_now(struct complaint_table *t, int64_t now)
{
    if (!t || now == TIME_NONE || now == t->now)
        return;
    if (t->now == TIME_NONE || now < t->now) {
        t->now = now;
        recount_all(t);
        return;
    }
    t->now = now;
    while (t->heap.n > 0 && t->heap.v[0].when < now) {
        struct timeheap_entry e = timeheap_pop(&t->heap);
        if (e.idx < t->n && t->meta[e.idx].version == e.version && recount(t, e.idx, true))
            notify(t, e.idx, t->recs[e.idx].unit_code);
    }
    heap_compact(t);
}

int64_t complaint_table_now(const struct complaint_table *t)
{
    return t ? t->now : TIME_NONE;
}

/* Every field a view can show counts, so "changed" means "a redraw could differ". */
static bool complaint_same(const struct complaint *a, const struct complaint *b)
{
    return a->status == b->status && a->open == b->open && a->urgency == b->urgency &&
           a->satisfaction == b->satisfaction && a->requested == b->requested &&
           a->updated == b->updated && a->expected == b->expected &&
           a->has_location == b->has_location &&
           (!a->has_location || (a->lat == b->lat && a->lon == b->lon)) &&
           str_eq(a->status_raw, b->status_raw) && str_eq(a->unit_code, b->unit_code) &&
           str_eq(a->unit_name, b->unit_name) && str_eq(a->service_code, b->service_code) &&
           str_eq(a->category, b->category) && str_eq(a->description, b->description) &&
           str_eq(a->agency, b->agency) && str_eq(a->address, b->address) &&
           str_eq(a->channel, b->channel) && str_eq(a->status_notes, b->status_notes) &&
           str_eq(a->media_url, b->media_url);
}

/* Moves the record's strings into dst and leaves src blank, so the batch's later free does
 * not touch what the table now owns. */
static void complaint_take(struct complaint *dst, struct complaint *src)
{
    *dst = *src;
    complaint_init(src);
}

static void grow(struct complaint_table *t)
{
    t->recs = xgrow(t->recs, &t->cap, t->n + 1, sizeof *t->recs);
    t->meta = xgrow(t->meta, &t->meta_cap, t->n + 1, sizeof *t->meta);
}

size_t complaint_table_merge(struct complaint_table *t, struct complaint_batch *b)
{
    if (!t || !b)
        return 0;
    size_t changed = 0;
    /* Marks which existing records the batch listed; only a full listing needs it. */
    bool *seen = b->full_listing ? xcalloc(t->n + b->n, sizeof *seen) : NULL;

    for (size_t k = 0; k < b->n; k++) {
        struct complaint *src = &b->items[k];
        if (!src->id)
            continue; /* cannot be addressed; stays in the batch and is freed with it */
        size_t idx = strmap_get(&t->by_id, src->id);
        if (idx != STRMAP_NONE) {
            struct complaint *dst = &t->recs[idx];
            bool differs = !complaint_same(dst, src);
            /* The map borrows the id string: point it at the copy dst is about to take before
             * the old one is freed. The old record lives until the observer saw its unit. */
            strmap_put(&t->by_id, src->id, idx);
            struct complaint old = *dst;
            apply(t, &t->meta[idx].c, -1);
            *dst = *src;
            complaint_init(src);
            t->unattributed += (size_t)!dst->unit_code - (size_t)!old.unit_code;
            recount(t, idx, false);
            if (differs) {
                changed++;
                notify(t, idx, old.unit_code);
            }
            complaint_clear(&old);
        } else {
            grow(t);
            idx = t->n++;
            complaint_take(&t->recs[idx], src);
            memset(&t->meta[idx], 0, sizeof t->meta[idx]);
            strmap_put(&t->by_id, t->recs[idx].id, idx);
            t->unattributed += !t->recs[idx].unit_code;
            recount(t, idx, false);
            changed++;
            notify(t, idx, NULL);
        }
        if (seen)
            seen[idx] = true;
    }

    if (seen) {
        for (size_t i = 0; i < t->n; i++) {
            struct complaint *c = &t->recs[i];
            if (c->open && !seen[i]) {
                /* Closed by absence: the status stays what the hub last said, since we do
                 * not know how it ended. */
                c->open = false;
                recount(t, i, true);
                changed++;
                notify(t, i, c->unit_code);
            }
        }
        free(seen);
    }
    heap_compact(t);
    return changed;
}

size_t complaint_table_count(const struct complaint_table *t)
{
    return t ? t->n : 0;
}

size_t complaint_table_open_count(const struct complaint_table *t)
{
    return t ? t->total.open : 0;
}

const struct complaint *complaint_table_at(const struct complaint_table *t, size_t i)
{
    return t && i < t->n ? &t->recs[i] : NULL;
}

const struct complaint *complaint_table_find(const struct complaint_table *t, const char *id)
{
    if (!t)
        return NULL;
    size_t idx = strmap_get(&t->by_id, id);
    return idx == STRMAP_NONE ? NULL : &t->recs[idx];
}

size_t complaint_table_unattributed(const struct complaint_table *t)
{
    return t ? t->unattributed : 0;
}

size_t complaint_table_index(const struct complaint_table *t, const char *id)
{
    return t && id ? strmap_get(&t->by_id, id) : STRMAP_NONE;
}

enum deadline_state complaint_table_deadline_at(const struct complaint_table *t, size_t i)
{
    return t && i < t->n ? t->meta[i].c.deadline : DL_NONE;
}

const struct complaint_stats *complaint_table_total(const struct complaint_table *t)
{
    return t ? &t->total : NULL;
}

size_t complaint_table_unit_count(const struct complaint_table *t)
{
    return t ? t->nunits : 0;
}

const char *complaint_table_unit_code(const struct complaint_table *t, size_t i)
{
    return t && i < t->nunits ? t->units[i].code : NULL;
}

const struct complaint_stats *complaint_table_unit_stats_at(const struct complaint_table *t,
                                                            size_t i)
{
    return t && i < t->nunits ? &t->units[i].stats : NULL;
}

const struct complaint_stats *complaint_table_unit_stats(const struct complaint_table *t,
                                                         const char *unit_code)
{
    if (!t || !unit_code)
        return NULL;
    size_t i = strmap_get(&t->by_unit, unit_code);
    return i == STRMAP_NONE ? NULL : &t->units[i].stats;
}

size_t complaint_table_category_count(const struct complaint_table *t)
{
    return t ? t->ncats : 0;
}

const char *complaint_table_category_code(const struct complaint_table *t, size_t slot)
{
    return t && slot < t->ncats ? t->cats[slot].code : NULL;
}

const char *complaint_table_category_name(const struct complaint_table *t, size_t slot)
{
    if (!t || slot >= COMPLAINT_CATEGORY_MAX)
        return NULL;
    if (slot == COMPLAINT_CATEGORY_OTHER)
        return other_name;
    if (slot >= t->ncats)
        return NULL;
    return t->cats[slot].name ? t->cats[slot].name : t->cats[slot].code;
}

size_t complaint_table_category_at(const struct complaint_table *t, size_t i)
{
    return t && i < t->n ? t->meta[i].c.category : COMPLAINT_CATEGORY_OTHER;
}

void complaint_table_recount(const struct complaint_table *t, bool all, const char *unit_code,
                             struct complaint_stats *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; t && i < t->n; i++) {
        const struct complaint *c = &t->recs[i];
        if (!all && !str_eq(c->unit_code, unit_code))
            continue;
        struct contrib k = contrib_from(c, -1, category_find(t, c), t->now);
        stats_apply(out, &k, +1);
    }
}
