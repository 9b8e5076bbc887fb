/* Socio-economic indicators of the simulated province (domain-vn §3.1): per commune or ward,
 * indicator and month a plan and an actual. A month's actual exists once the unit's report for
 * it has arrived (the month's end plus a lag of days, weeks for late units, never for a few
 * reports); a unit's latest reported month stays an estimate until its next report is due.
 *
 * Every figure is a pure function of (seed, province, unit code, indicator, year, month), and
 * what is visible of it a pure function of the simulated time: no state accumulates, so any
 * client at any time sees what any other client would see then. */
#ifndef CITYDECK_SIM_INDICATORS_H
#define CITYDECK_SIM_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "world.h"

enum ind_kind {
    IND_DAN_SO,           /* population, người */
    IND_SO_HO,            /* households, hộ */
    IND_HO_NGHEO,         /* multidimensional poverty rate, % (lower is better) */
    IND_THU_NHAP,         /* income per head, triệu đồng/người/năm */
    IND_THU_NGAN_SACH,    /* state budget revenue, cumulative since January, tỷ đồng */
    IND_GIAI_NGAN,        /* public-investment disbursement, cumulative, % of the year's plan */
    IND_HO_SO_TRUC_TUYEN, /* administrative dossiers filed fully online, % of the month's */
    IND_VNEID,            /* adults with a level-2 VNeID account, % */
    IND_CAP_QUANG,        /* households on fibre (FTTH), % */
    IND_KHONG_TIEN_MAT,   /* adults paying cashless, % */
    IND_NTM,              /* new-rural criteria met, of 19: xã only; province: xã meeting all */
    IND_COUNT
};

struct ind_def {
    const char *id;    /* category id: "ty_le_ho_ngheo" */
    const char *label; /* "Tỷ lệ hộ nghèo đa chiều" */
    const char *unit;  /* "%", "triệu đồng/người/năm" */
    int decimals;
    bool lower_better;
};

/* The definition of indicator k for a unit (province false) or for the province totals,
 * which differ only in the new-rural indicator (a count of xã there). */
const struct ind_def *indicators_def(enum ind_kind k, bool province);

/* One cell: plan and actual, NaN where there is none (not reported yet, not applicable). */
struct ind_cell {
    double plan, actual;
    bool estimated; /* the actual is the unit's latest report, an estimate ("e") */
};

struct indicators;

/* years_back: how many whole years before the current one are served (at least 1). */
struct indicators *indicators_new(const struct world *w, uint64_t seed, int years_back);
/* What --scale means here: a province has as many communes and indicators as it has, so scale
 * buys history instead, round(scale) years before the current one (1 below 1.5, at most
 * INDICATORS_MAX_YEARS_BACK): each year adds as many cells as the default serves in total/2. */
int indicators_years_for_scale(double scale);
#define INDICATORS_MAX_YEARS_BACK 20
/* indicators_new from the command line: --seed, and --scale as above. */
struct indicators *indicators_new_opts(const struct world *w, const struct sim_options *o);
void indicators_free(struct indicators *ind);

const struct world *indicators_world(const struct indicators *ind);

/* The months served at time now: from January of (current year - years_back) through
 * December of the current year (Vietnamese local time). */
void indicators_periods(const struct indicators *ind, int64_t now, int *first_year, int *nmonths);

/* Unit u's cell for indicator k in month (year, month 1-12), as known at now. */
void indicators_cell(const struct indicators *ind, size_t u, enum ind_kind k, int year, int month,
                     int64_t now, struct ind_cell *out);
/* The province's cell: sums or weighted means over the units; a unit not reported yet counts
 * with its plan and makes the cell an estimate; NaN until half the units have reported. */
void indicators_province_cell(const struct indicators *ind, enum ind_kind k, int year, int month,
                              int64_t now, struct ind_cell *out);

/* When the last report visible at now arrived (a stable "updated" stamp, so bodies and ETags
 * change only when data does); now itself when none has. */
int64_t indicators_updated(const struct indicators *ind, int64_t now);

#endif
