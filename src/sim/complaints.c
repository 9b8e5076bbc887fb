#include "complaints.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/util.h"
#include "citydeck/workdays.h"
#include "phrases.h"
#include "rng.h"
#include "services.h"

/* domain-vn §2.4: 0.5-1 complaints per 1,000 residents per month. */
#define MONTHLY_RATE_PER_RESIDENT 0.75e-3

/* Lifecycle odds (domain-vn §2.1, §2.4: iHanoi early, Hue-S mature). */
#define P_REJECT 0.065     /* turned down at verification: 5-8% */
#define P_LATE_ACCEPT 0.05 /* accepted after more than 8 working hours */
#define P_ON_TIME 0.955    /* 93-98% answered within the deadline */
#define P_NEED_INFO 0.08   /* the handler asks the citizen for more */
#define P_PUBLISHED 0.85   /* answers made public */
#define P_RATED 0.55       /* citizens who rate the answer */
#define P_SATISFIED 0.78   /* 65-90% among the rated */
#define P_REOPEN 0.30      /* unsatisfied citizens who complain again */
#define VN CLOCK_VN_OFFSET

struct complaints {
    const struct world *world;
    uint64_t seed, province_key;
    int64_t next_hour; /* first hour not generated yet (hours since the epoch) */
    double hourly_base;
    struct pakn *items;
    size_t n, cap;
    char *ioc_name;
};

static const struct {
    const char *code, *label;
    bool closed;
} statuses[] = {
    [PS_NEW] = {"new", "Mới gửi", false},
    [PS_VERIFYING] = {"verifying", "Chờ xác minh", false},
    [PS_ACCEPTED] = {"accepted", "Đã tiếp nhận", false},
    [PS_ASSIGNED] = {"assigned", "Đã chuyển xử lý", false},
    [PS_IN_PROGRESS] = {"in_progress", "Đang xử lý", false},
    [PS_NEED_INFO] = {"need_info", "Yêu cầu bổ sung", false},
    [PS_RESOLVED] = {"resolved", "Đã xử lý", true},
    [PS_PUBLISHED] = {"published", "Đã công khai", true},
    [PS_REJECTED] = {"rejected", "Từ chối", true},
    [PS_REOPENED] = {"reopened", "Phản ánh lại", false},
};

static const struct {
    const char *code, *label;
    double days; /* deadline in working days from acceptance */
} urgencies[] = {
    [URG_NORMAL] = {"binh_thuong", "Bình thường", 5},
    [URG_URGENT] = {"khan", "Khẩn", 1},
    [URG_COMPLEX] = {"phuc_tap", "Phức tạp", 15},
};

static const struct {
    const char *code, *label;
    double weight;
} channels[] = {
    [CH_1022] = {"1022", "Tổng đài 1022", 0.35},
    [CH_APP] = {"app", "ứng dụng di động", 0.30},
    [CH_ZALO] = {"zalo", "Zalo", 0.20},
    [CH_WEB] = {"web", "Cổng thông tin điện tử", 0.15},
};

const char *pakn_status_code(enum pakn_status s)
{
    return statuses[s].code;
}

const char *pakn_status_label(enum pakn_status s)
{
    return statuses[s].label;
}

bool pakn_status_closed(enum pakn_status s)
{
    return statuses[s].closed;
}

const char *pakn_urgency_code(enum pakn_urgency u)
{
    return urgencies[u].code;
}

const char *pakn_urgency_label(enum pakn_urgency u)
{
    return urgencies[u].label;
}

const char *pakn_channel_code(enum pakn_channel ch)
{
    return channels[ch].code;
}

const char *pakn_channel_label(enum pakn_channel ch)
{
    return channels[ch].label;
}

const char *pakn_satisfaction_code(enum pakn_satisfaction s)
{
    switch (s) {
    case SAT_SATISFIED:
        return "hai_long";
    case SAT_UNSATISFIED:
        return "khong_hai_long";
    case SAT_NONE:
        break;
    }
    return NULL;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct complaints *complaints_new_opts(const struct world *w, const struct sim_options *opt)
{
    struct complaints *c = xcalloc(1, sizeof *c);
    c->world = w;
    c->seed = opt->seed;
    c->province_key = rng_hash(w->province_code, strlen(w->province_code));
    c->next_hour = floor_div(opt->start - (int64_t)PAKN_BACKLOG_DAYS * 86400, 3600);
    c->hourly_base = MONTHLY_RATE_PER_RESIDENT * (double)w->population / (30.0 * 24.0);
    /* Multiplying by exactly 1.0 leaves every Poisson mean, and so every draw, unchanged. */
    c->hourly_base *= opt->scale > 0 ? opt->scale : 1.0;
    c->ioc_name = phrases_ioc_name(w);
    return c;
}

struct complaints *complaints_new(const struct world *w, uint64_t seed, int64_t start)
{
    struct sim_options opt = {.seed = seed, .start = start, .scale = 1.0};
    return complaints_new_opts(w, &opt);
}

void complaints_free(struct complaints *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].description);
        free(c->items[i].address);
        free(c->items[i].agency);
    }
    free(c->items);
    free(c->ioc_name);
    free(c);
}

/* Working-time arithmetic in Vietnam time. */
static int64_t wadd(int64_t t, double days)
{
    return workdays_add(t, days, VN);
}

static void step(struct pakn *p, enum pakn_status s, int64_t at)
{
    assert(p->nsteps < PAKN_MAX_STEPS);
    assert(p->nsteps == 0 || at >= p->steps[p->nsteps - 1].at);
    p->steps[p->nsteps].at = at;
    p->steps[p->nsteps].status = s;
    p->nsteps++;
}

static void deadline(struct pakn *p, int64_t from, int64_t due)
{
    assert(p->ndeadlines < PAKN_MAX_DEADLINES);
    p->deadlines[p->ndeadlines].from = from;
    p->deadlines[p->ndeadlines].due = due;
    p->ndeadlines++;
}

static enum pakn_urgency draw_urgency(struct rng *r, const struct service *s)
{
    double u = rng_uniform(r);
    if (u < s->p_urgent)
        return URG_URGENT;
    if (u < s->p_urgent + s->p_complex)
        return URG_COMPLEX;
    return URG_NORMAL;
}

static enum pakn_channel draw_channel(struct rng *r)
{
    double w[ARRAY_LEN(channels)];
    for (size_t i = 0; i < ARRAY_LEN(channels); i++)
        w[i] = channels[i].weight;
    return (enum pakn_channel)rng_pick(r, w, ARRAY_LEN(w));
}

static double round6(double x)
{
    return round(x * 1e6) / 1e6;
}

/* Plans the whole life of one complaint. The order of the draws is part of the output:
 * changing it changes every generated complaint. */
static void pakn_plan(struct complaints *c, struct pakn *p, struct rng *r)
{
    const struct world *w = c->world;
    const struct service *svc = services_at((size_t)p->service);
    const struct unit *u = &w->units[p->unit];

    p->urgency = draw_urgency(r, svc);
    p->channel = draw_channel(r);
    struct place place;
    phrases_place(r, w, u, &place);
    enum agency_kind specialist;
    p->description = phrases_description(r, svc, &place, &specialist);
    p->address = phrases_address(&place);
    p->has_location = !rng_chance(r, 0.03);
    /* Within about 3 km of the centroid. */
    double dlat = (rng_uniform(r) + rng_uniform(r) - 1) * 0.03;
    double dlon = (rng_uniform(r) + rng_uniform(r) - 1) * 0.03;
    p->lat = round6(u->lat + dlat);
    p->lon = round6(u->lon + dlon);

    int64_t t = p->requested;
    step(p, PS_NEW, t);
    t += rng_int(r, 120, 2700);
    step(p, PS_VERIFYING, t);
    if (rng_chance(r, P_REJECT)) {
        /* 766 rule: a rejection within 2 working days. */
        step(p, PS_REJECTED, wadd(t, rng_range(r, 0.05, 1.5)));
        p->outcome = phrases_reject_reason(r);
        return;
    }

    /* Acceptance within 8 working hours, urgent ones within 4 (iHanoi's rules). */
    double accept_delay = p->urgency == URG_URGENT       ? rng_range(r, 0.02, 0.3)
                          : rng_chance(r, P_LATE_ACCEPT) ? rng_range(r, 1.0, 1.6)
                                                         : rng_range(r, 0.05, 0.9);
    int64_t accepted = wadd(t, accept_delay);
    step(p, PS_ACCEPTED, accepted);
    double days = urgencies[p->urgency].days;
    int64_t due = wadd(accepted, days);
    deadline(p, accepted, due);
    p->agency = phrases_agency(r, specialist, &place);

    /* Working time from acceptance to the answer, as a share of the allowed time. */
    double work =
        days * (rng_chance(r, P_ON_TIME) ? rng_range(r, 0.15, 0.97) : rng_range(r, 1.03, 1.8));
    step(p, PS_ASSIGNED, wadd(accepted, work * rng_range(r, 0.03, 0.12)));
    step(p, PS_IN_PROGRESS, wadd(accepted, work * rng_range(r, 0.15, 0.3)));
    int64_t resolved;
    if (p->urgency != URG_URGENT && rng_chance(r, P_NEED_INFO)) {
        /* The clock stops while the citizen answers (766, indicator 2.1): the deadline moves
         * by the working time spent waiting. */
        double done = rng_range(r, 0.35, 0.55);
        int64_t asked = wadd(accepted, work * done);
        int64_t resumed = asked + rng_int(r, 86400, 6 * 86400);
        step(p, PS_NEED_INFO, asked);
        step(p, PS_IN_PROGRESS, resumed);
        deadline(p, resumed, wadd(due, workdays_between(asked, resumed, VN)));
        resolved = wadd(resumed, work * (1 - done));
    } else {
        resolved = wadd(accepted, work);
    }
    step(p, PS_RESOLVED, resolved);
    p->outcome = svc->resolutions[rng_int(r, 0, (int)svc->nresolutions - 1)];

    int64_t closed = resolved;
    bool published = rng_chance(r, P_PUBLISHED);
    if (published) {
        /* 766 rule: published within 2 working days of the answer. */
        closed = wadd(resolved, rng_range(r, 0.05, 1.8));
        step(p, PS_PUBLISHED, closed);
    }
    /* The rating shows with the closing step, so polling by updated_after sees it. */
    if (rng_chance(r, P_RATED)) {
        p->satisfaction = rng_chance(r, P_SATISFIED) ? SAT_SATISFIED : SAT_UNSATISFIED;
        p->satisfaction_at = closed;
    }
    if (p->satisfaction == SAT_UNSATISFIED && rng_chance(r, P_REOPEN)) {
        int64_t reopened = closed + rng_int(r, 12 * 3600, 4 * 86400);
        step(p, PS_REOPENED, reopened);
        deadline(p, reopened, wadd(reopened, days));
        step(p, PS_IN_PROGRESS, wadd(reopened, rng_range(r, 0.1, 0.6)));
        int64_t again = wadd(reopened, days * rng_range(r, 0.7, 0.95));
        step(p, PS_RESOLVED, again);
        if (published)
            step(p, PS_PUBLISHED, wadd(again, rng_range(r, 0.05, 1.0)));
    }
}

struct arrival {
    int64_t at;
    int service, unit, order;
};

static int arrival_cmp(const void *a, const void *b)
{
    const struct arrival *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->order - y->order;
}

static void generate_hour(struct complaints *c, int64_t hour)
{
    const struct world *w = c->world;
    struct rng r;
    rng_seed(&r, c->seed, c->province_key, (uint64_t)hour, 0);
    int64_t local = hour * 3600 + VN;
    int local_hour = (int)(floor_div(local, 3600) % 24);
    int weekday = (int)((floor_div(local, 86400) % 7 + 7 + 4) % 7);

    struct arrival *arr = NULL;
    size_t n = 0, cap = 0;
    for (size_t s = 0; s < services_count(); s++) {
        const struct service *svc = services_at(s);
        double mean = c->hourly_base * svc->share * services_rate_factor(svc, local_hour, weekday);
        int k = rng_poisson(&r, mean);
        for (int i = 0; i < k; i++) {
            arr = xgrow(arr, &cap, n + 1, sizeof *arr);
            arr[n].at = hour * 3600 + rng_int(&r, 0, 3599);
            arr[n].service = (int)s;
            arr[n].unit = (int)rng_pick_cumulative(&r, w->cum_population, w->nunits);
            arr[n].order = (int)n;
            n++;
        }
    }
    if (n)
        qsort(arr, n, sizeof *arr, arrival_cmp);
    for (size_t k = 0; k < n; k++) {
        c->items = xgrow(c->items, &c->cap, c->n + 1, sizeof *c->items);
        struct pakn *p = &c->items[c->n];
        memset(p, 0, sizeof *p);
        p->seq = (uint32_t)(c->n + 1);
        snprintf(p->id, sizeof p->id, "PA-%s-%06u", w->province_code, (unsigned)p->seq);
        p->requested = arr[k].at;
        p->service = arr[k].service;
        p->unit = arr[k].unit;
        struct rng cr;
        rng_seed(&cr, c->seed, c->province_key, (uint64_t)hour, 1 + k);
        pakn_plan(c, p, &cr);
        c->n++;
    }
    free(arr);
}

void complaints_advance(struct complaints *c, int64_t now)
{
    int64_t last = floor_div(now, 3600);
    while (c->next_hour <= last)
        generate_hour(c, c->next_hour++);
}

size_t complaints_count(const struct complaints *c)
{
    return c->n;
}

const struct pakn *complaints_at(const struct complaints *c, size_t i)
{
    return i < c->n ? &c->items[i] : NULL;
}

const struct pakn *complaints_find(const struct complaints *c, const char *id)
{
    /* Ids are "PA-<province>-<sequence>" and the sequence is the position, so no index. */
    const char *code = c->world->province_code;
    size_t cl = strlen(code);
    if (strncmp(id, "PA-", 3) != 0 || strncmp(id + 3, code, cl) != 0 || id[3 + cl] != '-')
        return NULL;
    const char *digits = id + 4 + cl;
    char *end;
    if (*digits < '0' || *digits > '9')
        return NULL;
    unsigned long seq = strtoul(digits, &end, 10);
    if (*end || seq == 0 || seq > c->n)
        return NULL;
    const struct pakn *p = &c->items[seq - 1];
    return strcmp(p->id, id) == 0 ? p : NULL;
}

const char *complaints_ioc_name(const struct complaints *c)
{
    return c->ioc_name;
}

const struct world *complaints_world(const struct complaints *c)
{
    return c->world;
}

void complaints_tally(const struct complaints *c, int64_t t, size_t *visible, size_t *open)
{
    size_t v = 0, o = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->items[i].requested > t)
            break;
        v++;
        o += pakn_open_at(&c->items[i], t);
    }
    *visible = v;
    *open = o;
}

int pakn_step_index(const struct pakn *p, int64_t t)
{
    int idx = -1;
    for (int i = 0; i < p->nsteps && p->steps[i].at <= t; i++)
        idx = i;
    return idx;
}

enum pakn_status pakn_status_at(const struct pakn *p, int64_t t)
{
    int i = pakn_step_index(p, t);
    return p->steps[i < 0 ? 0 : i].status;
}

bool pakn_open_at(const struct pakn *p, int64_t t)
{
    return !pakn_status_closed(pakn_status_at(p, t));
}

int64_t pakn_updated_at(const struct pakn *p, int64_t t)
{
    int i = pakn_step_index(p, t);
    return p->steps[i < 0 ? 0 : i].at;
}

bool pakn_due_at(const struct pakn *p, int64_t t, int64_t *due)
{
    bool found = false;
    for (int i = 0; i < p->ndeadlines && p->deadlines[i].from <= t; i++) {
        *due = p->deadlines[i].due;
        found = true;
    }
    return found;
}

enum pakn_satisfaction pakn_satisfaction_at(const struct pakn *p, int64_t t)
{
    return p->satisfaction != SAT_NONE && p->satisfaction_at <= t ? p->satisfaction : SAT_NONE;
}

const char *pakn_agency_at(const struct pakn *p, int64_t t, const struct complaints *c)
{
    for (int i = 0; i < p->nsteps && p->steps[i].at <= t; i++)
        if (p->steps[i].status == PS_ASSIGNED)
            return p->agency;
    return c->ioc_name;
}
