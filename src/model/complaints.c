/* Complaint records, batches and the table the views read.
 *
 * The table is a dense array (a record's index never changes, so views can keep cursors and
 * sort permutations as plain indexes) plus a strmap from id to index. Records are never
 * removed: a complaint that leaves the hub's open listing is marked closed, which is what the
 * operators want to see anyway. */
#include "citydeck/complaints.h"

#include "citydeck/clock.h"
#include "citydeck/strmap.h"
#include "citydeck/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DAY_S 86400

struct complaint_table {
    struct complaint *recs;
    size_t n, cap;
    struct strmap by_id; /* keys: the records' own id strings */
    size_t open, unattributed;
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

struct complaint_table *complaint_table_new(void)
{
    return xcalloc(1, sizeof(struct complaint_table));
}

void complaint_table_free(struct complaint_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        complaint_clear(&t->recs[i]);
    free(t->recs);
    strmap_free(&t->by_id);
    free(t);
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

static void table_count(struct complaint_table *t, const struct complaint *c, int sign)
{
    if (c->open)
        t->open += (size_t)sign;
    if (!c->unit_code)
        t->unattributed += (size_t)sign;
}

/* Moves the record's strings into dst and leaves src blank, so the batch's later free does
 * not touch what the table now owns. */
static void complaint_take(struct complaint *dst, struct complaint *src)
{
    *dst = *src;
    complaint_init(src);
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
            if (!complaint_same(dst, src))
                changed++;
            /* The map borrows the id string: point it at the copy dst is about to take before
             * the old one is freed. */
            strmap_put(&t->by_id, src->id, idx);
            table_count(t, dst, -1);
            complaint_clear(dst);
            complaint_take(dst, src);
            table_count(t, dst, +1);
        } else {
            t->recs = xgrow(t->recs, &t->cap, t->n + 1, sizeof *t->recs);
            idx = t->n++;
            complaint_take(&t->recs[idx], src);
            strmap_put(&t->by_id, t->recs[idx].id, idx);
            table_count(t, &t->recs[idx], +1);
            changed++;
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
                t->open--;
                changed++;
            }
        }
        free(seen);
    }
    return changed;
}

size_t complaint_table_count(const struct complaint_table *t)
{
    return t ? t->n : 0;
}

size_t complaint_table_open_count(const struct complaint_table *t)
{
    return t ? t->open : 0;
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
