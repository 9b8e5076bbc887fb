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

#endif
