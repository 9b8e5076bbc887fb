/* The dossier generator (hồ sơ thủ tục hành chính): a catalogue of commune-level procedures,
 * arrivals at every commune's one-stop desk, and each dossier's whole life.
 *
 * Determinism, as for the complaints: arrivals of simulated hour h come from a stream keyed
 * by (seed, province, h); the k-th arrival of that hour draws its whole life (steps with
 * their times and actors, pauses, outcome) at creation from a stream keyed by
 * (seed, province, h, k). Its state at instant T is the last step at or before T. History
 * starts at local midnight 30 days before --start, and ids number dossiers per unit and
 * local day, so a dossier's id and life do not depend on --start: two hubs started a week
 * apart agree on every dossier they both hold. */
#ifndef CITYDECK_SIM_DOSSIERS_H
#define CITYDECK_SIM_DOSSIERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route.h"
#include "world.h"

#define HOSO_BACKLOG_DAYS 30
#define HOSO_MAX_STEPS 14
#define HOSO_MAX_DUES 4

/* TrangThaiHoSo, the national sync codes (domain-vn §1.4). */
enum hoso_status {
    HS_SUBMITTED = 1, /* Mới đăng ký */
    HS_RECEIVED = 2,  /* Được tiếp nhận */
    HS_REFUSED = 3,   /* Không được tiếp nhận */
    HS_PROCESSING = 4,
    HS_SUPPLEMENT = 5, /* clock paused */
    HS_FEE = 6,        /* clock paused */
    HS_WITHDRAW = 7,
    HS_STOPPED = 8,
    HS_DONE = 9,
    HS_RETURNED = 10,
};

/* KenhThucHien. */
enum hoso_channel { HC_DIRECT = 1, HC_ONLINE = 2, HC_POST = 3 };

enum hoso_level { HL_FULL, HL_PARTIAL }; /* toàn trình, một phần */

enum hoso_role { HR_CITIZEN, HR_DESK, HR_SPECIALIST, HR_LEADER };

/* Deadline states, shared by finished (timeliness) and open dossiers. */
enum hoso_timeliness { HT_NONE, HT_EARLY, HT_ON_TIME, HT_LATE };
enum hoso_deadline { HD_NONE, HD_OK, HD_DUE_SOON, HD_OVERDUE };

struct procedure {
    const char *code; /* "HT01": simulated codes, not the national database's */
    const char *name;
    const char *field_code;
    const char *field; /* lĩnh vực */
    double days;       /* legal processing time in working days */
    enum hoso_level level;
    double weight;   /* share of the arrivals */
    double p_online; /* chance a dossier is filed online */
    double p_late, p_supplement;
    bool fee;    /* financial obligation (land): a status 6 pause */
    bool police; /* handled by the commune police, not the People's Committee */
};

size_t procedures_count(void);
const struct procedure *procedures_at(size_t i);

/* Times are kept relative to the submission in 32 bits: at --scale 100 millions of dossiers
 * are held, and a full int64 per step would double the memory. */
struct hoso_step {
    int32_t dt;     /* seconds after submission */
    uint8_t status; /* enum hoso_status */
    uint8_t role;   /* enum hoso_role */
    uint8_t actor;  /* index into the unit's staff of that role */
    uint8_t action; /* what happened, see hoso_step_action() */
};

/* One dossier with its whole planned life. Its id is not stored but derived (dossiers_id):
 * province, unit, local date of submission and the daily number. */
struct hoso {
    int64_t submitted;
    uint32_t seq;      /* daily number at the unit, from 1 */
    uint16_t unit;     /* index into world->units */
    uint8_t procedure; /* index into the catalogue */
    uint8_t channel;   /* enum hoso_channel */
    uint8_t nsteps;
    uint8_t ndues;
    struct hoso_step steps[HOSO_MAX_STEPS];
    /* The deadline in force from step from_step on, and the working seconds paused before. */
    struct {
        int32_t due_dt; /* seconds after submission */
        int32_t paused_s;
        uint8_t from_step;
    } dues[HOSO_MAX_DUES];
};

#define HOSO_ID_MAX 48

/* What a dossier looks like at an instant: the last step at or before it. */
struct hoso_view {
    int step; /* index of that step; -1 before submission */
    enum hoso_status status;
    int64_t updated;
    int64_t received;     /* TIME_NONE until accepted (and for refused dossiers) */
    int64_t due;          /* TIME_NONE without a deadline */
    int64_t finished;     /* the first of 9 or 8: the end the 766 rules time; TIME_NONE */
    int64_t returned;     /* status 10; TIME_NONE */
    int64_t paused_since; /* start of the current pause (5 or 6); TIME_NONE */
    int32_t paused_s;     /* working seconds of the completed pauses */
    int supplements;      /* status 5 steps so far */
    bool open;            /* received and not ended */
    enum hoso_timeliness timeliness; /* finished ones */
    enum hoso_deadline deadline;     /* open ones */
};

struct dossiers;

/* scale multiplies every arrival rate (--scale). */
struct dossiers *dossiers_new(const struct world *w, uint64_t seed, int64_t start, double scale);
/* The same from the command line's options (seed, start, scale). */
struct dossiers *dossiers_new_opts(const struct world *w, const struct sim_options *opt);
void dossiers_free(struct dossiers *d);
/* Generates every hour up to the one holding now (dossiers of that hour submitted after now
 * exist already but are not visible yet). */
void dossiers_advance(struct dossiers *d, int64_t now);

/* All generated dossiers in submission order. */
size_t dossiers_count(const struct dossiers *d);
const struct hoso *dossiers_at(const struct dossiers *d, size_t i);
/* The dossier with this id, or NULL. */
const struct hoso *dossiers_find(const struct dossiers *d, const char *id);
/* "H51.21025-260302-0012" into buf (HOSO_ID_MAX bytes). */
void dossiers_id(const struct dossiers *d, const struct hoso *h, char *buf, size_t n);
int64_t hoso_step_at(const struct hoso *h, int i);
const struct world *dossiers_world(const struct dossiers *d);
/* Local midnight 30 days before start: the first instant the hub has dossiers for. */
int64_t dossiers_history_start(const struct dossiers *d);

/* The dossier's state at t. */
void hoso_view_at(const struct hoso *h, int64_t t, struct hoso_view *v);

/* Staff names of a unit, by role (HR_CITIZEN has none: returns NULL). */
const char *dossiers_actor_name(const struct dossiers *d, const struct hoso *h,
                                const struct hoso_step *s);
/* "Cán bộ một cửa", "Chuyên viên", "Phó Chủ tịch UBND xã An Phú", "Công dân". Returns a new
 * string. */
char *dossiers_actor_title(const struct dossiers *d, const struct hoso *h,
                           const struct hoso_step *s);
/* What the step did ("Tiếp nhận hồ sơ", "Yêu cầu bổ sung giấy tờ"...). */
const char *hoso_step_action(const struct hoso_step *s);
/* A longer note on the step, or NULL. */
const char *hoso_step_note(const struct hoso *h, const struct hoso_step *s);

const char *hoso_status_label(int status);
const char *hoso_channel_label(int channel);
const char *hoso_role_code(int role);
const char *hoso_level_code(enum hoso_level l);
const char *hoso_level_label(enum hoso_level l);
const char *hoso_timeliness_code(enum hoso_timeliness t); /* NULL for HT_NONE */
const char *hoso_deadline_code(enum hoso_deadline d);     /* NULL for HD_NONE */

/* Less than one working day left: the instant after which an open dossier due at due is
 * "sắp đến hạn". */
int64_t hoso_due_soon_from(int64_t due);

#endif
