/* Dossiers (hồ sơ thủ tục hành chính): the normalized record, a batch from an adapter, and
 * the table the views read, with per-unit aggregates kept current as records merge and as
 * the hub's clock moves on (an open dossier turns "sắp đến hạn", then "quá hạn", without any
 * update from the hub).
 *
 * Status codes, channels and the formulas follow domain-vn §1.3-1.5 and docs/hub-api.md:
 * - open = received and not ended (no finished time, status not 8/9/10, not closed by
 *   absence); its deadline state is judged at the table's "now", or at paused_since while
 *   the clock is stopped: quá hạn past due, sắp đến hạn with less than one working day left
 *   (now > workdays_add(due, -1)), còn hạn otherwise;
 * - finished = ended with a finished time: trễ hạn after due, trước hạn on a local calendar
 *   day before the due day (before the appointment day), đúng hạn otherwise;
 * - a dossier asked for a supplement twice or more counts late (quá hạn / trễ hạn) whatever
 *   its dates (766, indicator 2.1);
 * - on-time rate = 1 - (trễ hạn + quá hạn) / (finished and open dossiers with a known
 *   state) (Gia Lai's "tỉ lệ đúng hạn = 100 % - trễ hạn"); online rate = received dossiers
 *   filed online (channel 2) / received dossiers (766, indicator 3.3). */
#ifndef CITYDECK_DOSSIERS_H
#define CITYDECK_DOSSIERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/complaints.h" /* enum deadline_state: còn hạn / sắp đến hạn / quá hạn */

/* TrangThaiHoSo 1-10 (domain-vn §1.4); 0 = missing or outside 1-10. */
enum dossier_status {
    DST_UNKNOWN,
    DST_SUBMITTED,  /* 1 Mới đăng ký */
    DST_RECEIVED,   /* 2 Được tiếp nhận */
    DST_REFUSED,    /* 3 Không được tiếp nhận */
    DST_PROCESSING, /* 4 Đang xử lý */
    DST_SUPPLEMENT, /* 5 Yêu cầu bổ sung giấy tờ (clock paused) */
    DST_FEE,        /* 6 Yêu cầu thực hiện nghĩa vụ tài chính */
    DST_WITHDRAW,   /* 7 Công dân yêu cầu rút hồ sơ */
    DST_STOPPED,    /* 8 Dừng xử lý */
    DST_DONE,       /* 9 Đã xử lý xong */
    DST_RETURNED,   /* 10 Đã trả kết quả */
    DST_COUNT
};

/* KenhThucHien 1-3; 0 = unknown. */
enum dossier_channel { DCH_UNKNOWN, DCH_DIRECT, DCH_ONLINE, DCH_POST, DCH_COUNT };

/* NĐ 42/2022 levels of the procedure. */
enum dossier_level { DLV_UNKNOWN, DLV_FULL /* toàn trình */, DLV_PARTIAL /* một phần */ };

/* Timeliness of a finished dossier. */
enum dossier_timeliness { DTL_NONE, DTL_EARLY, DTL_ON_TIME, DTL_LATE };

struct dossier_step {
    int64_t at; /* TIME_NONE if absent */
    int status; /* 1-10, 0 unknown */
    char *action;
    char *actor_role; /* "mot_cua", "chuyen_vien", "lanh_dao", "cong_dan", ... as sent */
    char *actor;      /* a person's name; NULL for the citizen */
    char *actor_title;
    char *note;
};

struct dossier {
    char *id;
    char *procedure_code;
    char *procedure; /* name */
    char *field;     /* lĩnh vực */
    char *unit_code; /* NULL = unattributed */
    char *unit_name;
    enum dossier_channel channel;
    enum dossier_level level;
    int status;        /* 1-10, 0 unknown (enum dossier_status) */
    double legal_days; /* 0 unknown */
    int64_t submitted, received, due, finished, returned, updated; /* TIME_NONE if absent */
    int64_t paused_since; /* the clock is stopped since then; TIME_NONE when running */
    int64_t paused_s;     /* working seconds of completed pauses (8 h = 1 working day) */
    int supplements;
    struct dossier_step *steps; /* the history, oldest first; only from a detail */
    size_t nsteps;
    bool has_steps; /* steps were sent (a list item has none; a detail may have 0) */
    bool absent;    /* closed by absence from a full listing: ended, outcome unknown */
};

struct dossier_batch {
    struct dossier *items;
    size_t n, cap;
    /* Every open dossier (and every one waiting for acceptance) of scope_unit, or of the hub
     * when scope_unit is NULL, is listed: such records that are absent have ended. */
    bool full_listing;
    char *scope_unit;
    int64_t as_of; /* the hub time the records describe; TIME_NONE if unknown */
    size_t skipped_no_id, skipped_invalid;
};

/* Counts the views read; all of them are kept up to date incrementally. */
struct dossier_stats {
    size_t dossiers;                       /* records */
    size_t by_status[DST_COUNT];           /* by code; absent records are not in here */
    size_t absent;                         /* closed by absence */
    size_t received, online;               /* with a reception time; of those, channel 2 */
    size_t open, ok, due_soon, overdue;    /* open; by deadline state (undated in none) */
    size_t finished, early, on_time, late; /* ended with a finished time; by timeliness */
};

struct dossier_table;

const char *dossier_status_label(int status); /* "Đang xử lý"; "Không rõ" outside 1-10 */
const char *dossier_channel_label(enum dossier_channel c);
const char *dossier_level_label(enum dossier_level l);
const char *dossier_timeliness_label(enum dossier_timeliness t); /* "" for DTL_NONE */
/* "toan_trinh", "mot_phan" (any ASCII case) -> the level; anything else DLV_UNKNOWN. */
enum dossier_level dossier_level_parse(const char *code);

/* The rules above for one record; offset_s is the hub's local time (Vietnam: +7 h), which
 * decides working hours and calendar days. */
bool dossier_is_open(const struct dossier *d);
enum deadline_state dossier_deadline(const struct dossier *d, int64_t now, int offset_s);
enum dossier_timeliness dossier_timeliness(const struct dossier *d, int offset_s);
/* The instant after which less than one working day is left before due. */
int64_t dossier_due_soon_from(int64_t due, int offset_s);

/* Rates in [0, 1] from the counts, or -1 when nothing is counted (766: N/A). */
double dossier_stats_on_time_rate(const struct dossier_stats *s);
double dossier_stats_online_rate(const struct dossier_stats *s);

/* Frees the record's strings and steps and resets it to a blank record. */
void dossier_clear(struct dossier *d);
struct dossier_batch *dossier_batch_new(void);
/* Appends a blank record (times TIME_NONE, the rest 0/NULL) and returns it; the pointer is
 * valid until the next push. */
struct dossier *dossier_batch_push(struct dossier_batch *b);
/* Appends a blank step to d and returns it (at TIME_NONE). */
struct dossier_step *dossier_push_step(struct dossier *d);
/* Moves every item of src to the end of dst (pages of one listing into one batch); src is
 * left empty. */
void dossier_batch_take(struct dossier_batch *dst, struct dossier_batch *src);
void dossier_batch_free(struct dossier_batch *b);

/* offset_s: the hub's local time, as above. */
struct dossier_table *dossier_table_new(int offset_s);
void dossier_table_free(struct dossier_table *t);
/* Moves the table's clock to now (hub time) and brings deadline states and aggregates along:
 * only the records whose state changes are touched (a queue of coming transitions). A clock
 * going back (a hub restarted earlier) recounts everything. TIME_NONE is ignored. */
void dossier_table_set_now(struct dossier_table *t, int64_t now);
int64_t dossier_table_now(const struct dossier_table *t);
/* Sets the clock to now (as set_now), then replaces or adds records by id, taking the
 * batch's strings (the items taken are left blank; records without an id stay in the batch).
 * A list item (has_steps false) keeps the steps the record had if its updated time is the
 * same, and drops them as stale otherwise. A full listing closes the absent open records in
 * its scope (absent = true). Returns the number of records added or changed. */
size_t dossier_table_merge(struct dossier_table *t, struct dossier_batch *b, int64_t now);
size_t dossier_table_count(const struct dossier_table *t);
/* Records stay at a stable index for the table's lifetime. */
const struct dossier *dossier_table_at(const struct dossier_table *t, size_t i);
const struct dossier *dossier_table_find(const struct dossier_table *t, const char *id);
/* The deadline state of record i as counted in the aggregates (at the table's now). */
enum deadline_state dossier_table_deadline_at(const struct dossier_table *t, size_t i);

/* Aggregates of every record, and per unit code (units appear as records name them, at
 * stable indexes; records without a unit count in the total only). */
const struct dossier_stats *dossier_table_total(const struct dossier_table *t);
size_t dossier_table_unit_count(const struct dossier_table *t);
const char *dossier_table_unit_code(const struct dossier_table *t, size_t i);
const struct dossier_stats *dossier_table_unit_stats_at(const struct dossier_table *t, size_t i);
/* NULL for a unit no record names. */
const struct dossier_stats *dossier_table_unit_stats(const struct dossier_table *t,
                                                     const char *unit_code);

#endif
