/* The complaint generator (phản ánh, kiến nghị).
 *
 * Determinism: arrivals of simulated hour h come from a stream keyed by (seed, province, h);
 * the k-th arrival of that hour draws its whole life (status steps with their times, handling
 * unit, urgency, channel, outcome, satisfaction, wording) at creation from a stream keyed by
 * (seed, province, h, k). Its state at instant T is read off that plan: the last step at or
 * before T. So the hub at T is a pure function of (seed, province, start, T), however often
 * and whenever clients ask. Ids count arrivals from the first simulated hour, 30 days
 * before start. */
#ifndef CITYDECK_SIM_COMPLAINTS_H
#define CITYDECK_SIM_COMPLAINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route.h"
#include "world.h"

/* Detailed workflow (domain-vn §2.3); the codes match the console's complaint_status. */
enum pakn_status {
    PS_NEW,
    PS_VERIFYING,
    PS_ACCEPTED,
    PS_ASSIGNED,
    PS_IN_PROGRESS,
    PS_NEED_INFO,
    PS_RESOLVED,
    PS_PUBLISHED,
    PS_REJECTED,
    PS_REOPENED,
};

enum pakn_urgency { URG_NORMAL, URG_URGENT, URG_COMPLEX };
enum pakn_channel { CH_1022, CH_APP, CH_ZALO, CH_WEB };
enum pakn_satisfaction { SAT_NONE, SAT_SATISFIED, SAT_UNSATISFIED };

#define PAKN_MAX_STEPS 16
#define PAKN_MAX_DEADLINES 4
#define PAKN_BACKLOG_DAYS 30

struct pakn_step {
    int64_t at;
    enum pakn_status status;
};

/* One complaint with its whole planned life. */
struct pakn {
    char id[24]; /* "PA-51-000123" */
    uint32_t seq;
    int unit;    /* index into world->units */
    int service; /* index into the service catalogue */
    enum pakn_urgency urgency;
    enum pakn_channel channel;
    enum pakn_satisfaction satisfaction;
    int64_t requested;
    int64_t satisfaction_at; /* when the rating becomes visible */
    int nsteps;
    struct pakn_step steps[PAKN_MAX_STEPS];
    int ndeadlines;
    struct {
        int64_t from, due; /* the deadline in force from 'from' on */
    } deadlines[PAKN_MAX_DEADLINES];
    bool has_location;
    double lat, lon;
    char *description;
    char *address;
    char *agency; /* the handling unit once assigned; NULL if never assigned */
    /* The answer when resolved, the reason when rejected: a phrase table entry, not owned
     * (at --scale 100 a copy per complaint would cost tens of megabytes). */
    const char *outcome;
};

struct complaints;

/* Volume at --scale 1: about 0.75 complaints per 1,000 residents per month. */
struct complaints *complaints_new(const struct world *w, uint64_t seed, int64_t start);
/* The same from the command line's options: opt->scale multiplies the arrival rate (and so
 * the backlog and every later hour); opt->province is not read (w is the province). At
 * scale 1 the complaints are exactly those of complaints_new. */
struct complaints *complaints_new_opts(const struct world *w, const struct sim_options *opt);
void complaints_free(struct complaints *c);

/* Generates every hour up to the one holding now. Complaints of the current hour that arrive
 * after now exist already (their ids are fixed) but are not visible yet. */
void complaints_advance(struct complaints *c, int64_t now);

/* All generated complaints in arrival order (which is id order). */
size_t complaints_count(const struct complaints *c);
const struct pakn *complaints_at(const struct complaints *c, size_t i);
/* The complaint with this id, or NULL. */
const struct pakn *complaints_find(const struct complaints *c, const char *id);
/* The receiving centre, named as the handler before a unit is assigned. */
const char *complaints_ioc_name(const struct complaints *c);
const struct world *complaints_world(const struct complaints *c);
/* Visible complaints and open ones among them at t. */
void complaints_tally(const struct complaints *c, int64_t t, size_t *visible, size_t *open);

/* State of one complaint at instant t (t >= requested). */
int pakn_step_index(const struct pakn *p, int64_t t);
enum pakn_status pakn_status_at(const struct pakn *p, int64_t t);
bool pakn_open_at(const struct pakn *p, int64_t t);
int64_t pakn_updated_at(const struct pakn *p, int64_t t);
/* The deadline in force at t; false if none yet (before acceptance, or rejected). */
bool pakn_due_at(const struct pakn *p, int64_t t, int64_t *due);
enum pakn_satisfaction pakn_satisfaction_at(const struct pakn *p, int64_t t);
/* The handling unit at t: the assigned unit, or the receiving centre before that. */
const char *pakn_agency_at(const struct pakn *p, int64_t t, const struct complaints *c);

const char *pakn_status_code(enum pakn_status s);
const char *pakn_status_label(enum pakn_status s);
bool pakn_status_closed(enum pakn_status s);
const char *pakn_urgency_code(enum pakn_urgency u);
const char *pakn_urgency_label(enum pakn_urgency u);
const char *pakn_channel_code(enum pakn_channel ch);
const char *pakn_channel_label(enum pakn_channel ch);
const char *pakn_satisfaction_code(enum pakn_satisfaction s); /* NULL for SAT_NONE */

#endif
