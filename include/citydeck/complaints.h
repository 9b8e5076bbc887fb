/* Complaints (phản ánh, kiến nghị): the normalized record, a batch from an adapter, and the
 * table the views read. */
#ifndef CITYDECK_COMPLAINTS_H
#define CITYDECK_COMPLAINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Detailed workflow status (domain-vn §2.3). Open311 itself only says open/closed. */
enum complaint_status {
    CST_UNKNOWN,
    CST_NEW,         /* Mới gửi */
    CST_VERIFYING,   /* Chờ xác minh */
    CST_ACCEPTED,    /* Đã tiếp nhận */
    CST_ASSIGNED,    /* Đã chuyển xử lý */
    CST_IN_PROGRESS, /* Đang xử lý */
    CST_NEED_INFO,   /* Yêu cầu bổ sung */
    CST_RESOLVED,    /* Đã xử lý */
    CST_PUBLISHED,   /* Đã công khai */
    CST_REJECTED,    /* Từ chối */
    CST_REOPENED,    /* Phản ánh lại */
    CST_COUNT
};

enum complaint_urgency { CURG_NORMAL, CURG_COMPLEX, CURG_URGENT };

/* Deadline state of an open complaint. */
enum deadline_state { DL_NONE, DL_OK, DL_DUE_SOON, DL_OVERDUE };

struct complaint {
    char *id;
    char *service_code;
    char *category; /* service_name */
    char *description;
    char *agency;    /* agency_responsible */
    char *unit_code; /* commune/ward code; NULL = unattributed */
    char *unit_name;
    char *address;
    char *status_raw; /* as sent */
    char *channel;    /* 1022, app, zalo, web, ... */
    enum complaint_status status;
    enum complaint_urgency urgency;
    bool open;
    int satisfaction;  /* -1 unknown, 0 not satisfied, 1 satisfied */
    int64_t requested; /* epoch seconds, TIME_NONE if absent */
    int64_t updated;
    int64_t expected; /* deadline */
    double lat, lon;
    bool has_location;
    /* Added after the first contract; kept last so positional initializers still work. */
    char *status_notes; /* the handling unit's answer or note (Open311 status_notes) */
    char *media_url;    /* first photo, as sent (cleaned); NULL if none */
};

struct complaint_batch {
    struct complaint *items;
    size_t n, cap;
    bool full_listing; /* every open record is listed: open ones absent are closed */
    size_t unattributed;
    /* Items the adapter left out, so a feed's health line can say why a count looks short. */
    size_t skipped_no_id;   /* no service_request_id yet (Chicago: still being processed) */
    size_t skipped_invalid; /* not an object (a string, a number...) */
};

/* Categories get a slot each in order of first appearance (service_code, else the category
 * name); past COMPLAINT_CATEGORY_MAX - 1 distinct ones, and for records with neither, they
 * share the last slot, COMPLAINT_CATEGORY_OTHER ("Khác"). */
#define COMPLAINT_CATEGORY_MAX 32
#define COMPLAINT_CATEGORY_OTHER (COMPLAINT_CATEGORY_MAX - 1)

/* Counts per unit and for the whole table, kept up to date incrementally by merges and by
 * the clock (complaint_table_set_now), like dossier_stats. */
struct complaint_stats {
    size_t complaints;                               /* records, open and closed */
    size_t open;                                     /* open records */
    size_t open_by_status[CST_COUNT];                /* open, by workflow status */
    size_t open_by_category[COMPLAINT_CATEGORY_MAX]; /* open, by category slot */
    size_t ok, due_soon, overdue;                    /* open, by deadline state (undated in none) */
    size_t urgent_open;                              /* open and khẩn */
    size_t urgent_unaccepted;        /* of those, still Mới gửi / Chờ xác minh */
    size_t satisfied, not_satisfied; /* rated closed records (a rated open one was reopened) */
};

struct complaint_table;

/* Status code strings shared with the hub ("in_progress" ...) and their labels. */
enum complaint_status complaint_status_parse(const char *code);
const char *complaint_status_code(enum complaint_status s);
const char *complaint_status_label(enum complaint_status s); /* Vietnamese */
/* NULL or unknown codes give CST_UNKNOWN / CURG_NORMAL; matching ignores ASCII case. */
enum complaint_urgency complaint_urgency_parse(const char *code);
/* "binh_thuong", "phuc_tap", "khan": the codes complaint_urgency_parse reads. */
const char *complaint_urgency_code(enum complaint_urgency u);
const char *complaint_urgency_label(enum complaint_urgency u);
/* "" for DL_NONE, so a cell stays empty for closed or undated complaints. */
const char *deadline_state_label(enum deadline_state d);

/* Deadline state at now (epoch seconds): overdue past expected, due soon within 24 h. */
enum deadline_state complaint_deadline(const struct complaint *c, int64_t now);

/* Frees the record's strings and resets it to a blank record (see complaint_batch_push). */
void complaint_clear(struct complaint *c);
struct complaint_batch *complaint_batch_new(void);
/* Appends a blank record and returns it: strings NULL, numbers 0, but requested, updated and
 * expected TIME_NONE and satisfaction -1, since 0 would read as a 1970 deadline and as "not
 * satisfied". The pointer is valid until the next push. */
struct complaint *complaint_batch_push(struct complaint_batch *b);
void complaint_batch_free(struct complaint_batch *b);

struct complaint_table *complaint_table_new(void);
void complaint_table_free(struct complaint_table *t);
/* Replaces or adds records by id (taking ownership of the batch's strings: the items taken
 * are left blank, records without an id are left alone); with a full listing, open records
 * that are absent are marked closed (open = false, status kept). Returns the number of
 * records added or changed (any field differing counts). */
size_t complaint_table_merge(struct complaint_table *t, struct complaint_batch *b);
size_t complaint_table_count(const struct complaint_table *t);
size_t complaint_table_open_count(const struct complaint_table *t);
/* Records stay at a stable index for the table's lifetime. */
const struct complaint *complaint_table_at(const struct complaint_table *t, size_t i);
const struct complaint *complaint_table_find(const struct complaint_table *t, const char *id);
/* Records (open and closed) without a unit code. */
size_t complaint_table_unattributed(const struct complaint_table *t);

/* satisfied / (satisfied + not satisfied) in [0, 1], or -1 when nothing is rated. */
double complaint_stats_satisfaction_rate(const struct complaint_stats *s);
/* overdue / open in [0, 1], or -1 with nothing open. */
double complaint_stats_overdue_rate(const struct complaint_stats *s);
/* Urgent and not yet accepted: khẩn, open, status Mới gửi or Chờ xác minh. */
bool complaint_is_urgent_unaccepted(const struct complaint *c);

/* Moves the table's clock to now (epoch seconds) and brings deadline states and aggregates
 * along, touching only the records whose state changes (a queue of coming transitions, as
 * dossier_table_set_now). Until a clock is set no record has a deadline state. A clock going
 * back recounts everything; TIME_NONE is ignored. */
void complaint_table_set_now(struct complaint_table *t, int64_t now);
int64_t complaint_table_now(const struct complaint_table *t);
/* The deadline state of record i as counted in the aggregates (at the table's now). */
enum deadline_state complaint_table_deadline_at(const struct complaint_table *t, size_t i);
/* The index of a record by id, or (size_t)-1. */
size_t complaint_table_index(const struct complaint_table *t, const char *id);

/* Aggregates of every record and per unit code (units at stable indexes in order of first
 * appearance; records without a unit count in the total only). NULL for a unit no record
 * names. */
const struct complaint_stats *complaint_table_total(const struct complaint_table *t);
size_t complaint_table_unit_count(const struct complaint_table *t);
const char *complaint_table_unit_code(const struct complaint_table *t, size_t i);
const struct complaint_stats *complaint_table_unit_stats_at(const struct complaint_table *t,
                                                            size_t i);
const struct complaint_stats *complaint_table_unit_stats(const struct complaint_table *t,
                                                         const char *unit_code);
/* Named category slots in use: 0..count-1 (at most COMPLAINT_CATEGORY_OTHER), each with
 * its service_code (or the name, for a name-only category) and name (the first service_name
 * seen, else the code); the shared slot COMPLAINT_CATEGORY_OTHER comes on top ("Khác", code
 * NULL), its count in open_by_category[COMPLAINT_CATEGORY_OTHER]. category_at: the slot
 * record i counts in. */
size_t complaint_table_category_count(const struct complaint_table *t);
const char *complaint_table_category_code(const struct complaint_table *t, size_t slot);
const char *complaint_table_category_name(const struct complaint_table *t, size_t slot);
size_t complaint_table_category_at(const struct complaint_table *t, size_t i);
/* A full recount, O(n), of every record (all) or of unit_code's (NULL = unattributed) at the
 * table's now: what the aggregates must equal (tests, consistency checks). */
void complaint_table_recount(const struct complaint_table *t, bool all, const char *unit_code,
                             struct complaint_stats *out);

/* Change tracking: fn is called for every record a merge adds or changes (closing by absence
 * included) and every record whose deadline state the clock moves, with the record's unit
 * code before the change (NULL if none or new; valid during the call only). One observer;
 * NULL removes it. The store uses it to know what a batch touched. */
typedef void (*complaint_observer_fn)(void *arg, size_t idx, const char *old_unit_code);
void complaint_table_set_observer(struct complaint_table *t, complaint_observer_fn fn, void *arg);

#endif
