#include "indicators.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/util.h"
#include "rng.h"

/* Unit profiles describe the end of BASE_YEAR - 1; every level is stated in months since then
 * (month 1 = January of BASE_YEAR), so a month's figure does not depend on the year it is
 * asked from. */
#define BASE_YEAR 2025
/* The world's populations (units.json) are the population at the end of January 2026. */
#define WORLD_POP_MONTH 13

/* Reporting (domain-vn §3.1: communes report monthly; some are late). */
#define P_CHRONIC_LATE 0.10 /* units that are often late */
#define P_LATE_CHRONIC 0.50 /* ... late on half their reports */
#define P_LATE 0.06         /* everyone else, now and then */
#define P_NEVER 0.01        /* a report that never comes: a permanent gap */
#define LAG_MIN 3           /* days after the month's end */
#define LAG_MAX 8
#define LATE_MIN 25
#define LATE_MAX 45
#define EST_SPREAD 0.015 /* an estimate is within 1.5% of the final figure */

/* Public-investment disbursement, cumulative % of the year's plan at each month's end:
 * the national 2024 curve (13.67% end-March, 47.29% end-September, ~52% October, >= 95% at
 * year end; domain-vn §3.1) and the plan the province sets against it. */
static const double disb_curve[12] = {3, 7, 14, 20, 27, 35, 40, 44, 48, 53, 68, 95};
static const double disb_plan[12] = {5, 10, 20, 28, 36, 50, 57, 64, 70, 78, 88, 100};

static const struct ind_def defs[IND_COUNT] = {
    [IND_DAN_SO] = {"dan_so", "Dân số trung bình", "người", 0, false},
    [IND_SO_HO] = {"so_ho", "Số hộ dân cư", "hộ", 0, false},
    [IND_HO_NGHEO] = {"ty_le_ho_ngheo", "Tỷ lệ hộ nghèo đa chiều", "%", 2, true},
    [IND_THU_NHAP] = {"thu_nhap_binh_quan", "Thu nhập bình quân đầu người", "triệu đồng/người/năm",
                      1, false},
    [IND_THU_NGAN_SACH] = {"thu_ngan_sach", "Thu ngân sách nhà nước trên địa bàn (lũy kế năm)",
                           "tỷ đồng", 2, false},
    [IND_GIAI_NGAN] = {"giai_ngan_dau_tu_cong", "Giải ngân vốn đầu tư công (lũy kế năm)",
                       "% kế hoạch vốn", 1, false},
    [IND_HO_SO_TRUC_TUYEN] = {"ho_so_truc_tuyen", "Hồ sơ thủ tục hành chính trực tuyến toàn trình",
                              "%", 1, false},
    [IND_VNEID] = {"tai_khoan_vneid", "Người trưởng thành có tài khoản định danh điện tử mức 2",
                   "%", 1, false},
    [IND_CAP_QUANG] = {"ho_cap_quang", "Hộ gia đình có cáp quang (FTTH)", "%", 1, false},
    [IND_KHONG_TIEN_MAT] = {"thanh_toan_khong_tien_mat",
                            "Người trưởng thành thanh toán không dùng tiền mặt", "%", 1, false},
    [IND_NTM] = {"tieu_chi_ntm", "Số tiêu chí nông thôn mới đạt (trên 19)", "tiêu chí", 0, false},
};
static const struct ind_def province_ntm = {
    "so_xa_dat_chuan_ntm", "Số xã đạt chuẩn nông thôn mới (19/19 tiêu chí)", "xã", 0, false};

const struct ind_def *indicators_def(enum ind_kind k, bool province)
{
    return province && k == IND_NTM ? &province_ntm : &defs[k];
}

/* What a unit is like, drawn once from its own stream. Rates are per month so levels can be
 * computed with + and * alone: libm's pow and exp may differ in the last bit between CPUs,
 * and a bit can flip a rounded figure, which would break byte-identical bodies. */
struct profile {
    uint64_t key;
    double remote; /* 0 a central ward .. 1 a remote mountain commune */
    double pop_growth, hh_size;
    double poor0, poor_decline;
    double income0, income_growth;
    double budget0, budget_growth;
    double online0, online_gain;
    double vneid0, vneid_rate;
    double fibre0, fibre_rate;
    double cash0, cash_rate;
    int ntm0;
    bool chronic_late;
};

struct indicators {
    const struct world *world;
    uint64_t seed, province_key;
    int years_back;
    struct profile *prof;
};

/* Stream tags: each decision has its own stream, so adding one never shifts another. */
enum { TAG_PROFILE = 1, TAG_MONTH, TAG_YEAR, TAG_PLAN, TAG_REPORT, TAG_ESTIMATE };

static void stream(const struct indicators *ind, struct rng *r, size_t u, unsigned tag, unsigned k,
                   int year, int month)
{
    uint64_t when = (uint64_t)(uint32_t)(year * 16 + month);
    rng_seed(r, ind->seed, ind->province_key ^ ((uint64_t)tag << 56), ind->prof[u].key,
             ((uint64_t)k << 32) | when);
}

static double mix(double a, double b, double x)
{
    return a + (b - a) * x;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* b^n by multiplication (n may be negative): see struct profile. */
static double powi(double b, int n)
{
    double r = 1.0;
    for (int i = 0; i < (n < 0 ? -n : n); i++)
        r *= b;
    return n < 0 ? 1.0 / r : r;
}

static double round_to(double x, int decimals)
{
    double f = powi(10.0, decimals);
    return round(x * f) / f;
}

/* Months since the end of BASE_YEAR - 1 at the end of (year, month). */
static int month_no(int year, int month)
{
    return (year - BASE_YEAR) * 12 + month;
}

/* Epoch seconds of 00:00 +07:00 on the first of (year, month); month may be 13. */
static int64_t month_start(int year, int month)
{
    while (month > 12) {
        month -= 12;
        year++;
    }
    return clock_days_from_civil(year, month, 1) * 86400 - CLOCK_VN_OFFSET;
}

static int local_year(int64_t t)
{
    int64_t days = t + CLOCK_VN_OFFSET;
    days = days >= 0 ? days / 86400 : -((-days + 86399) / 86400);
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    return y;
}

static void profile_draw(const struct indicators *ind, size_t u)
{
    const struct unit *un = &ind->world->units[u];
    struct profile *p = &ind->prof[u];
    struct rng r;
    stream(ind, &r, u, TAG_PROFILE, 0, 0, 0);
    /* Small communes are the mountain ones (domain-vn §3.1: 5-15k there). */
    double small = clamp(1.0 - (un->population - 5000) / 15000.0, 0, 1);
    double yearly;
    switch (un->kind) {
    case UNIT_PHUONG:
    case UNIT_DAC_KHU: {
        /* lo, hi pairs for a phường and for a đặc khu, drawn in the order of out. */
        static const double ranges[2][20] = {
            {0,  0.2, 0.008, 0.018, 3.3, 3.6, 0.3, 2.0, 58, 80,
             15, 120, 45,    75,    68,  85,  80,  93,  60, 80},
            {0.5, 0.8, 0.0, 0.01, 3.5, 3.9, 2.0, 6.0, 48, 65,
             8,   30,  30,  50,   60,  75,  60,  78,  40, 60},
        };
        double *out[10] = {&p->remote,  &yearly,     &p->hh_size, &p->poor0,  &p->income0,
                           &p->budget0, &p->online0, &p->vneid0,  &p->fibre0, &p->cash0};
        const double *k = ranges[un->kind == UNIT_DAC_KHU];
        for (size_t i = 0; i < 10; i++)
            *out[i] = rng_range(&r, k[2 * i], k[2 * i + 1]);
        break;
    }
    case UNIT_XA:
    default:
        p->remote = clamp(0.7 * small + rng_range(&r, 0, 0.3), 0, 1);
        yearly = rng_range(&r, 0.002, 0.012);
        p->hh_size = rng_range(&r, 3.5, 3.9);
        p->poor0 = mix(2.5, 15, p->remote) * rng_range(&r, 0.8, 1.2);
        p->income0 = mix(68, 40, p->remote) * rng_range(&r, 0.92, 1.08);
        p->budget0 = mix(40, 4, p->remote) * rng_range(&r, 0.7, 1.3);
        p->online0 = mix(55, 20, p->remote) + rng_range(&r, -5, 5);
        p->vneid0 = mix(75, 52, p->remote) + rng_range(&r, -3, 3);
        p->fibre0 = mix(82, 50, p->remote) + rng_range(&r, -3, 3);
        p->cash0 = mix(60, 30, p->remote) + rng_range(&r, -4, 4);
        break;
    }
    p->pop_growth = yearly / 12;
    p->poor_decline = rng_range(&r, 0.06, 0.22) / 12;
    p->income_growth = rng_range(&r, 0.05, 0.09) / 12;
    p->budget_growth = rng_range(&r, 0.03, 0.10);
    p->online_gain = rng_range(&r, 5, 12) / 12;
    p->vneid_rate = rng_range(&r, 0.25, 0.5) / 12;
    p->fibre_rate = rng_range(&r, 0.15, 0.35) / 12;
    p->cash_rate = rng_range(&r, 0.2, 0.4) / 12;
    p->ntm0 = 0;
    if (un->kind == UNIT_XA) {
        int n = 12 + (int)round(7 * (1 - p->remote) * rng_range(&r, 0.6, 1.05));
        p->ntm0 = n > 19 ? 19 : n;
    }
    p->chronic_late = rng_chance(&r, P_CHRONIC_LATE);
}

struct indicators *indicators_new(const struct world *w, uint64_t seed, int years_back)
{
    struct indicators *ind = xcalloc(1, sizeof *ind);
    ind->world = w;
    ind->seed = seed;
    ind->province_key = rng_hash(w->province_code, strlen(w->province_code));
    ind->years_back = years_back < 1                           ? 1
                      : years_back > INDICATORS_MAX_YEARS_BACK ? INDICATORS_MAX_YEARS_BACK
                                                               : years_back;
    ind->prof = xcalloc(w->nunits ? w->nunits : 1, sizeof *ind->prof);
    for (size_t u = 0; u < w->nunits; u++) {
        ind->prof[u].key = rng_hash(w->units[u].code, strlen(w->units[u].code));
        profile_draw(ind, u);
    }
    return ind;
}

int indicators_years_for_scale(double scale)
{
    if (!(scale >= 1.5))
        return 1;
    if (scale >= INDICATORS_MAX_YEARS_BACK)
        return INDICATORS_MAX_YEARS_BACK;
    return (int)round(scale);
}

struct indicators *indicators_new_opts(const struct world *w, const struct sim_options *o)
{
    return indicators_new(w, o->seed, indicators_years_for_scale(o->scale));
}

void indicators_free(struct indicators *ind)
{
    if (!ind)
        return;
    free(ind->prof);
    free(ind);
}

const struct world *indicators_world(const struct indicators *ind)
{
    return ind->world;
}

void indicators_periods(const struct indicators *ind, int64_t now, int *first_year, int *nmonths)
{
    *first_year = local_year(now) - ind->years_back;
    *nmonths = 12 * (ind->years_back + 1);
}

/* ---- the figures ------------------------------------------------------------------------- */

static double jitter(const struct indicators *ind, size_t u, enum ind_kind k, int y, int m,
                     double spread)
{
    struct rng r;
    stream(ind, &r, u, TAG_MONTH, k, y, m);
    return rng_range(&r, -spread, spread);
}

/* Cap minus a gap that shrinks by rate per month: coverage rates approach saturation. */
static double saturate(double cap, double base, double rate, int n)
{
    return cap - (cap - base) * powi(1 - rate, n);
}

static double population(const struct indicators *ind, size_t u, int n)
{
    return ind->world->units[u].population * powi(1 + ind->prof[u].pop_growth, n - WORLD_POP_MONTH);
}

static double household_size(const struct profile *p, int n)
{
    return p->hh_size - 0.0025 * n; /* households keep getting smaller, ~0.03 a year */
}

/* The year's budget estimate (dự toán), what the unit collects against it by December and the
 * cumulative share of that collected by each month's end: steady taxes plus the lumps of
 * land-use fees after auctions, which is why communes end at 100-700% of the estimate. */
static void revenue_year(const struct indicators *ind, size_t u, int y, double *budget,
                         double *ratio, double cum[12])
{
    const struct profile *p = &ind->prof[u];
    struct rng r;
    stream(ind, &r, u, TAG_YEAR, IND_THU_NGAN_SACH, y, 0);
    *budget = p->budget0 * powi(1 + p->budget_growth, y - BASE_YEAR) * rng_range(&r, 0.95, 1.05);
    double x = rng_uniform(&r);
    *ratio = x < 0.10   ? rng_range(&r, 0.6, 0.95)
             : x < 0.75 ? rng_range(&r, 0.95, 1.8)
             : x < 0.95 ? rng_range(&r, 1.8, 3.5)
                        : rng_range(&r, 3.5, 7.0);
    double total = 0;
    for (int i = 0; i < 12; i++) {
        double w = rng_range(&r, 0.6, 1.4);
        if (rng_chance(&r, 0.12))
            w += rng_range(&r, 1, 4);
        total += w;
        cum[i] = total;
    }
    for (int i = 0; i < 12; i++)
        cum[i] /= total;
}

/* Cumulative disbursement through month m: the national curve, paced per unit and year, never
 * going back, ending at the unit's final share (most at 90-100%, a few far behind). */
static double disbursement(const struct indicators *ind, size_t u, int y, int m)
{
    struct rng r;
    stream(ind, &r, u, TAG_YEAR, IND_GIAI_NGAN, y, 0);
    double x = rng_uniform(&r);
    double final = x < 0.85   ? rng_range(&r, 90, 100)
                   : x < 0.95 ? rng_range(&r, 75, 90)
                              : rng_range(&r, 45, 75);
    double pace = rng_range(&r, 0.8, 1.2);
    double cum = 0;
    for (int i = 0; i < m; i++) {
        double v = final * disb_curve[i] / disb_curve[11];
        v = i == 11 ? final : v * pace * rng_range(&r, 0.95, 1.05);
        if (v > final)
            v = final;
        if (v > cum)
            cum = v;
    }
    return cum;
}

/* New-rural criteria met at the end of (y, m): a gain of 0-2 criteria a year, recognised in a
 * month of that year; planned gains are the year's target. */
static int ntm_at(const struct indicators *ind, size_t u, int y, int m, int *plan)
{
    int have = ind->prof[u].ntm0;
    *plan = have;
    for (int yy = BASE_YEAR; yy <= y; yy++) {
        struct rng r;
        stream(ind, &r, u, TAG_YEAR, IND_NTM, yy, 0);
        double x = rng_uniform(&r);
        int gain = x < 0.35 ? 0 : x < 0.80 ? 1 : 2;
        int month = rng_int(&r, 3, 12);
        int want = rng_chance(&r, 0.3) ? 2 : 1;
        int start = have;
        if (yy == y) {
            *plan = start + want > 19 ? 19 : start + want;
            if (m < month)
                gain = 0;
        }
        have = start + gain > 19 ? 19 : start + gain;
    }
    return have;
}

/* The final (official) actual of unit u, indicator k, month (y, m). */
static double actual_final(const struct indicators *ind, size_t u, enum ind_kind k, int y, int m)
{
    const struct profile *p = &ind->prof[u];
    int n = month_no(y, m);
    int dec = defs[k].decimals;
    double v = NAN;
    switch (k) {
    case IND_DAN_SO:
        v = population(ind, u, n);
        break;
    case IND_SO_HO:
        v = population(ind, u, n) / household_size(p, n);
        break;
    case IND_HO_NGHEO:
        v = p->poor0 * powi(1 - p->poor_decline, n) * (1 + jitter(ind, u, k, y, m, 0.02));
        v = v < 0.05 ? 0.05 : v;
        break;
    case IND_THU_NHAP:
        v = p->income0 * powi(1 + p->income_growth, n) * (1 + jitter(ind, u, k, y, m, 0.01));
        break;
    case IND_THU_NGAN_SACH: {
        double budget, ratio, cum[12];
        revenue_year(ind, u, y, &budget, &ratio, cum);
        v = budget * ratio * cum[m - 1];
        break;
    }
    case IND_GIAI_NGAN:
        v = disbursement(ind, u, y, m);
        break;
    case IND_HO_SO_TRUC_TUYEN:
        v = clamp(p->online0 + p->online_gain * n + jitter(ind, u, k, y, m, 3), 3, 99);
        break;
    case IND_VNEID:
        v = clamp(saturate(97, p->vneid0, p->vneid_rate, n) + jitter(ind, u, k, y, m, 0.4), 1,
                  99.5);
        break;
    case IND_CAP_QUANG:
        v = clamp(saturate(98, p->fibre0, p->fibre_rate, n) + jitter(ind, u, k, y, m, 0.3), 1,
                  99.5);
        break;
    case IND_KHONG_TIEN_MAT:
        v = clamp(saturate(95, p->cash0, p->cash_rate, n) + jitter(ind, u, k, y, m, 0.8), 1, 99);
        break;
    case IND_NTM: {
        int plan;
        v = ind->world->units[u].kind == UNIT_XA ? ntm_at(ind, u, y, m, &plan) : NAN;
        break;
    }
    case IND_COUNT:
        break;
    }
    return round_to(v, dec);
}

/* Population planned for the end of (y, m): last December's, growing at the planned rate. */
static double population_plan(const struct indicators *ind, size_t u, int y, int m)
{
    struct rng r;
    stream(ind, &r, u, TAG_PLAN, IND_DAN_SO, y, 0);
    double yearly = ind->prof[u].pop_growth * 12 + rng_range(&r, -0.002, 0.002);
    return actual_final(ind, u, IND_DAN_SO, y - 1, 12) * (1 + yearly * m / 12.0);
}

/* The plan for (y, m), set in December of y - 1 from where the unit stood then. Levels ramp
 * linearly from last December to the year's target; lower-is-better targets sit below last
 * year; cumulative ones follow the year's schedule. */
static double plan_of(const struct indicators *ind, size_t u, enum ind_kind k, int y, int m)
{
    const struct profile *p = &ind->prof[u];
    struct rng r;
    stream(ind, &r, u, TAG_PLAN, k, y, 0);
    bool level = k != IND_DAN_SO && k != IND_SO_HO && k != IND_THU_NGAN_SACH &&
                 k != IND_GIAI_NGAN && k != IND_NTM;
    double prev = !level ? NAN : actual_final(ind, u, k, y - 1, 12);
    double target, v = NAN;
    double f = m / 12.0;
    switch (k) {
    case IND_DAN_SO:
        v = population_plan(ind, u, y, m);
        break;
    case IND_SO_HO:
        v = population_plan(ind, u, y, m) / household_size(p, month_no(y, m));
        break;
    case IND_HO_NGHEO:
        target = prev * (1 - rng_range(&r, 0.08, 0.20));
        if (target > prev - 0.01) /* a plan that rounds to last year's is no reduction */
            target = prev - 0.01;
        v = clamp(mix(prev, target, f), 0, 100);
        break;
    case IND_THU_NHAP:
        v = mix(prev, prev * (1 + rng_range(&r, 0.06, 0.10)), f);
        break;
    case IND_THU_NGAN_SACH: {
        double budget, ratio, cum[12];
        revenue_year(ind, u, y, &budget, &ratio, cum);
        v = budget * f;
        break;
    }
    case IND_GIAI_NGAN:
        v = disb_plan[m - 1];
        break;
    case IND_HO_SO_TRUC_TUYEN:
        /* A rate per month: the whole year has one target, in whole percent. */
        v = round(clamp(prev + rng_range(&r, 4, 10), 0, 95));
        break;
    case IND_VNEID:
        v = mix(prev, clamp(prev + rng_range(&r, 3, 9), 0, 98), f);
        break;
    case IND_CAP_QUANG:
        v = mix(prev, clamp(prev + rng_range(&r, 2, 6), 0, 99), f);
        break;
    case IND_KHONG_TIEN_MAT:
        v = mix(prev, clamp(prev + rng_range(&r, 4, 9), 0, 97), f);
        break;
    case IND_NTM:
        if (ind->world->units[u].kind == UNIT_XA) {
            int plan;
            ntm_at(ind, u, y, m, &plan);
            v = plan;
        }
        break;
    case IND_COUNT:
        break;
    }
    return round_to(v, defs[k].decimals);
}

/* When unit u's report for (y, m) arrives: after the month's end, during office hours. */
static int64_t report_time(const struct indicators *ind, size_t u, int y, int m, bool *never)
{
    struct rng r;
    stream(ind, &r, u, TAG_REPORT, 0, y, m);
    bool late = rng_chance(&r, ind->prof[u].chronic_late ? P_LATE_CHRONIC : P_LATE);
    int lag = late ? rng_int(&r, LATE_MIN, LATE_MAX) : rng_int(&r, LAG_MIN, LAG_MAX);
    int64_t t =
        month_start(y, m + 1) + (int64_t)lag * 86400 + 8 * 3600 + rng_int(&r, 0, 9 * 3600 - 1);
    if (never)
        *never = rng_chance(&r, P_NEVER);
    return t;
}

/* The first report for (y, m) an estimate: off the final figure by up to EST_SPREAD; counts
 * (population, households, criteria) come from registers and are not estimated. */
static double estimate_of(const struct indicators *ind, size_t u, enum ind_kind k, int y, int m,
                          double final)
{
    if (k == IND_DAN_SO || k == IND_SO_HO || k == IND_NTM)
        return final;
    struct rng r;
    stream(ind, &r, u, TAG_ESTIMATE, k, y, m);
    double v = final * (1 + rng_range(&r, -EST_SPREAD, EST_SPREAD));
    if (strcmp(defs[k].unit, "%") == 0 || k == IND_GIAI_NGAN)
        v = clamp(v, 0, 100);
    return round_to(v, defs[k].decimals);
}

void indicators_cell(const struct indicators *ind, size_t u, enum ind_kind k, int year, int month,
                     int64_t now, struct ind_cell *out)
{
    out->plan = plan_of(ind, u, k, year, month);
    out->actual = NAN;
    out->estimated = false;
    if (k == IND_NTM && ind->world->units[u].kind != UNIT_XA)
        return;
    bool never;
    if (now < report_time(ind, u, year, month, &never) || never)
        return;
    double final = actual_final(ind, u, k, year, month);
    /* The figure turns final when the next month's report is due, sent or not. */
    int ny = month == 12 ? year + 1 : year, nm = month == 12 ? 1 : month + 1;
    if (now < report_time(ind, u, ny, nm, NULL)) {
        out->estimated = true;
        out->actual = estimate_of(ind, u, k, year, month, final);
    } else {
        out->actual = final;
    }
}

void indicators_province_cell(const struct indicators *ind, enum ind_kind k, int year, int month,
                              int64_t now, struct ind_cell *out)
{
    const struct world *w = ind->world;
    bool sum = k == IND_DAN_SO || k == IND_SO_HO || k == IND_THU_NGAN_SACH || k == IND_NTM;
    double plan = 0, actual = 0, weight = 0;
    size_t eligible = 0, reported = 0;
    bool estimated = false;
    for (size_t u = 0; u < w->nunits; u++) {
        if (k == IND_NTM && w->units[u].kind != UNIT_XA)
            continue;
        struct ind_cell c;
        indicators_cell(ind, u, k, year, month, now, &c);
        eligible++;
        double a = c.actual;
        if (isnan(a)) {
            a = c.plan; /* the statistics office's estimate for a missing report */
            estimated = true;
        } else {
            reported++;
            estimated |= c.estimated;
        }
        if (k == IND_NTM) {
            plan += c.plan >= 19;
            actual += a >= 19;
        } else {
            /* Means are weighted by population: a share of people, not of communes. */
            double wt = sum ? 1 : w->units[u].population;
            plan += wt * c.plan;
            actual += wt * a;
            weight += wt;
        }
    }
    if (!sum && weight > 0) {
        plan /= weight;
        actual /= weight;
    }
    const struct ind_def *d = indicators_def(k, true);
    out->plan = eligible ? round_to(plan, d->decimals) : NAN;
    out->actual =
        eligible && reported * 2 >= eligible && reported > 0 ? round_to(actual, d->decimals) : NAN;
    out->estimated = !isnan(out->actual) && estimated;
}

int64_t indicators_updated(const struct indicators *ind, int64_t now)
{
    int first, n;
    indicators_periods(ind, now, &first, &n);
    int64_t latest = TIME_NONE;
    /* Months from the one before the window: December's report is due in January. */
    for (size_t u = 0; u < ind->world->nunits; u++) {
        for (int i = -1; i < n; i++) {
            int y = first + (i < 0 ? -1 : i / 12), m = i < 0 ? 12 : i % 12 + 1;
            int64_t t = report_time(ind, u, y, m, NULL);
            if (t <= now && t > latest)
                latest = t;
        }
    }
    return latest == TIME_NONE ? now : latest;
}
