/* Indicator model: completion and outcome rules, direction defaults, period order, and the
 * store's merge, tallies, latest periods and series, checked against a shadow model after
 * many seeded random merges. */
#include "citydeck/indicators.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct indicator_cell *put(struct indicator_batch *b, const char *unit, const char *ind,
                                  const char *period, double plan, double actual)
{
    struct indicator_cell *c = indicator_batch_push(b, unit, ind, period);
    c->plan = plan;
    c->actual = actual;
    return c;
}

/* ---- rules ------------------------------------------------------------------------------ */

Test(indicators, completion_higher_and_lower_is_better)
{
    /* Phường Tân Hòa 2025: budget revenue 681.8 % of plan; trained labour 100.3 %. */
    cr_assert_float_eq(indicator_completion(IND_HIGHER_BETTER, 10, 68.18), 6.818, 1e-12);
    cr_assert_float_eq(indicator_completion(IND_HIGHER_BETTER, 78, 78.2), 78.2 / 78, 1e-12);
    /* Poverty: plan 0.8 %, actual 0.88 % is 90.9 % of plan; 0.7 % beats it. */
    cr_assert_float_eq(indicator_completion(IND_LOWER_BETTER, 0.8, 0.88), 0.8 / 0.88, 1e-12);
    cr_assert_float_eq(indicator_completion(IND_LOWER_BETTER, 0.8, 0.7), 0.8 / 0.7, 1e-12);
    cr_assert(indicator_completion(IND_LOWER_BETTER, 0.8, 0.7) > 1);
    cr_assert(indicator_completion(IND_LOWER_BETTER, 0.8, 0.88) < 1);
    /* Edges. */
    cr_assert_float_eq(indicator_completion(IND_HIGHER_BETTER, 0, 0), 1.0, 1e-12);
    cr_assert(isinf(indicator_completion(IND_HIGHER_BETTER, 0, 5)));
    cr_assert(isinf(indicator_completion(IND_LOWER_BETTER, 1, 0)), "poverty eliminated");
    cr_assert(isnan(indicator_completion(IND_HIGHER_BETTER, NAN, 5)));
    cr_assert(isnan(indicator_completion(IND_HIGHER_BETTER, 5, NAN)));
    cr_assert(isnan(indicator_completion(IND_HIGHER_BETTER, 7, -2)), "growth target vs -2 %%");
    cr_assert(isnan(indicator_completion(IND_LOWER_BETTER, -1, 3)));
    cr_assert(isnan(indicator_completion(IND_HIGHER_BETTER, INFINITY, 3)));
}

Test(indicators, outcome)
{
    cr_assert_eq(indicator_outcome(IND_HIGHER_BETTER, 70, 72.5), IND_MET);
    cr_assert_eq(indicator_outcome(IND_HIGHER_BETTER, 70, 70), IND_MET, "on plan is met");
    cr_assert_eq(indicator_outcome(IND_HIGHER_BETTER, 56, 55), IND_NOT_MET);
    cr_assert_eq(indicator_outcome(IND_LOWER_BETTER, 0.8, 0.88), IND_NOT_MET);
    cr_assert_eq(indicator_outcome(IND_LOWER_BETTER, 4.5, 4.2), IND_MET);
    cr_assert_eq(indicator_outcome(IND_LOWER_BETTER, 4.5, 4.5), IND_MET);
    cr_assert_eq(indicator_outcome(IND_HIGHER_BETTER, 7, -2), IND_NOT_MET,
                 "defined where the ratio is not");
    cr_assert_eq(indicator_outcome(IND_HIGHER_BETTER, NAN, 3), IND_NO_PLAN);
    cr_assert_eq(indicator_outcome(IND_HIGHER_BETTER, 3, NAN), IND_NOT_REPORTED);
    cr_assert_eq(indicator_outcome(IND_LOWER_BETTER, NAN, NAN), IND_NOT_REPORTED);
}

Test(indicators, direction_defaults)
{
    static const struct {
        const char *id, *label;
        enum indicator_direction want;
    } cases[] = {
        {"ty_le_ho_ngheo", NULL, IND_LOWER_BETTER},
        {"x1", "Tỷ lệ hộ nghèo đa chiều", IND_LOWER_BETTER},
        {"x2", "Tỷ lệ hộ cận nghèo", IND_LOWER_BETTER},
        {"poverty_rate", NULL, IND_LOWER_BETTER},
        {"UNR", "unemployment rate", IND_LOWER_BETTER},
        {"x3", "Tỷ lệ thất nghiệp khu vực thành thị", IND_LOWER_BETTER},
        {"x4", "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng", IND_LOWER_BETTER},
        {"ho_so_qua_han", NULL, IND_LOWER_BETTER},
        {"TAI-NAN-GIAO-THONG", NULL, IND_LOWER_BETTER},
        {"x5", "Số hộ thoát nghèo", IND_HIGHER_BETTER},
        {"x6", "Tỷ lệ giảm nghèo", IND_HIGHER_BETTER},
        {"thu_nhap_bq", "Thu nhập bình quân đầu người", IND_HIGHER_BETTER},
        {"bhyt", "Tỷ lệ bao phủ BHYT", IND_HIGHER_BETTER},
        {"POP", "population", IND_HIGHER_BETTER},
        {"unrest_index", NULL, IND_HIGHER_BETTER}, /* "unr" is a whole word only */
        {NULL, NULL, IND_HIGHER_BETTER},
        {"", "", IND_HIGHER_BETTER},
    };
    for (size_t k = 0; k < ARRAY_LEN(cases); k++)
        cr_assert_eq(indicator_direction_guess(cases[k].id, cases[k].label), cases[k].want,
                     "%s / %s", cases[k].id, cases[k].label);

    enum indicator_direction d = IND_HIGHER_BETTER;
    cr_assert(indicator_direction_parse("lower", &d));
    cr_assert_eq(d, IND_LOWER_BETTER);
    cr_assert(indicator_direction_parse("Cao", &d));
    cr_assert_eq(d, IND_HIGHER_BETTER);
    cr_assert(indicator_direction_parse("thap", &d));
    cr_assert_eq(d, IND_LOWER_BETTER);
    cr_assert_not(indicator_direction_parse("sideways", &d));
    cr_assert_not(indicator_direction_parse(NULL, &d));
}

Test(indicators, period_order)
{
    cr_assert(indicator_period_cmp("2025M2", "2025M10") < 0);
    cr_assert(indicator_period_cmp("2024", "2025") < 0);
    cr_assert(indicator_period_cmp("2025", "2025M01") < 0);
    cr_assert(indicator_period_cmp("2025Q4", "2025Q1") > 0);
    cr_assert(indicator_period_cmp("1990M01", "2015M12") < 0);
    cr_assert_eq(indicator_period_cmp("2025", "2025"), 0);
    cr_assert_neq(indicator_period_cmp("2025M1", "2025M01"), 0, "a total order");
}

/* ---- batch ------------------------------------------------------------------------------ */

Test(indicators, batch_interning_and_meta)
{
    struct indicator_batch *b = indicator_batch_new();
    put(b, "26881", "ty_le_ho_ngheo", "2025", 0.8, 0.88);
    put(b, "26882", "ty_le_ho_ngheo", "2025", 4.5, 4.2);
    put(b, "26881", "thu_nhap_bq", "2025", 78, NAN);
    cr_assert_eq(b->n, 3);
    cr_assert_eq(b->nmeta, 2);
    cr_assert_eq(b->cells[0].indicator, b->cells[1].indicator);
    cr_assert_eq(b->cells[0].period, b->cells[2].period);
    cr_assert_str_eq(indicator_batch_unit(b, b->cells[1].unit), "26882");
    cr_assert_str_eq(indicator_batch_period(b, b->cells[2].period), "2025");
    cr_assert_null(indicator_batch_unit(b, 99));
    struct indicator_meta *m = indicator_batch_meta(b, "ty_le_ho_ngheo");
    cr_assert_not_null(m);
    cr_assert_eq(m->direction, IND_LOWER_BETTER, "guessed from the id");
    cr_assert_eq(m->decimals, IND_NO_DECIMALS);
    cr_assert_null(m->label);
    cr_assert_null(indicator_batch_meta(b, "nope"));
    indicator_batch_free(b);
    indicator_batch_free(NULL);
}

/* ---- store ------------------------------------------------------------------------------ */

Test(indicators, merge_replaces_by_key)
{
    struct indicator_store *s = indicator_store_new();
    struct indicator_batch *b = indicator_batch_new();
    put(b, "26881", "thu_nhap_bq", "2024", 70, 72.5);
    put(b, "26881", "thu_nhap_bq", "2025", 78, NAN);
    cr_assert_eq(indicator_store_merge(s, b), 2 + 1); /* two cells, one meta */
    indicator_batch_free(b);
    cr_assert_eq(indicator_store_count(s), 2);

    /* The same values again: nothing changed, NaN equal to NaN included. */
    b = indicator_batch_new();
    put(b, "26881", "thu_nhap_bq", "2024", 70, 72.5);
    put(b, "26881", "thu_nhap_bq", "2025", 78, NAN);
    cr_assert_eq(indicator_store_merge(s, b), 0);
    indicator_batch_free(b);

    /* The 2025 actual arrives, estimated. */
    b = indicator_batch_new();
    put(b, "26881", "thu_nhap_bq", "2025", 78, 79.1)->actual_status = IND_STATUS_ESTIMATED;
    cr_assert_eq(indicator_store_merge(s, b), 1);
    indicator_batch_free(b);
    cr_assert_eq(indicator_store_count(s), 2);
    struct indicator_value v;
    cr_assert(indicator_store_get(s, "26881", "thu_nhap_bq", "2025", &v));
    cr_assert_float_eq(v.actual, 79.1, 1e-12);
    cr_assert_eq(v.actual_status, IND_STATUS_ESTIMATED);
    cr_assert_str_eq(v.unit, "26881");
    /* Indexes are stable: cell 0 is still 2024. */
    cr_assert(indicator_store_at(s, 0, &v));
    cr_assert_str_eq(v.period, "2024");
    cr_assert_not(indicator_store_at(s, 2, &v));
    cr_assert_not(indicator_store_get(s, "26881", "thu_nhap_bq", "2023", &v));
    cr_assert_not(indicator_store_get(s, "99999", "thu_nhap_bq", "2025", &v));
    cr_assert_eq(indicator_store_merge(s, NULL), 0);
    indicator_store_free(s);
    indicator_store_free(NULL);
}

Test(indicators, tallies_and_direction_change)
{
    struct indicator_store *s = indicator_store_new();
    struct indicator_batch *b = indicator_batch_new();
    put(b, "26881", "ty_le_ho_ngheo", "2025", 0.8, 0.88); /* lower: not met */
    put(b, "26881", "thu_nhap_bq", "2025", 78, 79);       /* met */
    put(b, "26881", "bhyt", "2025", 95, NAN);             /* not reported */
    put(b, "26881", "doanh_nghiep", "2025", NAN, 12);     /* no plan */
    indicator_store_merge(s, b);
    indicator_batch_free(b);
    struct indicator_tally t;
    cr_assert(indicator_store_tally(s, "26881", "2025", &t));
    cr_assert_eq(t.met, 1);
    cr_assert_eq(t.not_met, 1);
    cr_assert_eq(t.not_reported, 1);
    cr_assert_eq(t.no_plan, 1);
    cr_assert_not(indicator_store_tally(s, "26881", "2024", &t));
    cr_assert_eq(t.met + t.not_met + t.not_reported + t.no_plan, 0);

    /* Configuration says poverty is higher-is-better (wrongly): every cell is re-judged. */
    b = indicator_batch_new();
    indicator_batch_push(b, "26881", "ty_le_ho_ngheo", "2025")->plan = 0.8;
    b->cells[0].actual = 0.88;
    indicator_batch_meta(b, "ty_le_ho_ngheo")->direction = IND_HIGHER_BETTER;
    cr_assert_eq(indicator_store_merge(s, b), 1, "only the meta changed");
    indicator_batch_free(b);
    cr_assert(indicator_store_tally(s, "26881", "2025", &t));
    cr_assert_eq(t.met, 2);
    cr_assert_eq(t.not_met, 0);
    cr_assert_eq(indicator_store_meta(s, "ty_le_ho_ngheo")->direction, IND_HIGHER_BETTER);
    indicator_store_free(s);
}

Test(indicators, meta_replaced)
{
    struct indicator_store *s = indicator_store_new();
    struct indicator_batch *b = indicator_batch_new();
    put(b, "26881", "thu_nhap_bq", "2025", 78, 79);
    struct indicator_meta *m = indicator_batch_meta(b, "thu_nhap_bq");
    m->label = xstrdup("Thu nhập bình quân đầu người");
    m->unit = xstrdup("triệu đồng/người/năm");
    m->decimals = 1;
    indicator_store_merge(s, b);
    indicator_batch_free(b);
    const struct indicator_meta *sm = indicator_store_meta(s, "thu_nhap_bq");
    cr_assert_str_eq(sm->label, "Thu nhập bình quân đầu người");
    cr_assert_str_eq(sm->unit, "triệu đồng/người/năm");
    cr_assert_eq(sm->decimals, 1);
    cr_assert_eq(indicator_store_indicator_count(s), 1);
    cr_assert_eq(indicator_store_indicator_at(s, 0), sm);
    cr_assert_null(indicator_store_indicator_at(s, 1));
    cr_assert_null(indicator_store_meta(s, "nope"));
    indicator_store_free(s);
}

Test(indicators, latest_period_and_series)
{
    struct indicator_store *s = indicator_store_new();
    struct indicator_batch *b = indicator_batch_new();
    /* Periods arrive out of order, and monthly ones after yearly ones. */
    put(b, "26881", "giai_ngan", "2025M10", 100, 52);
    put(b, "26881", "giai_ngan", "2025M3", 100, 13.67);
    put(b, "26882", "giai_ngan", "2025M11", 100, NAN);
    put(b, "26881", "giai_ngan", "2025M9", 100, 47.29);
    indicator_store_merge(s, b);
    indicator_batch_free(b);
    cr_assert_eq(indicator_store_period_count(s), 4);
    cr_assert_str_eq(indicator_store_period_at(s, 0), "2025M3");
    cr_assert_str_eq(indicator_store_period_at(s, 3), "2025M11");
    cr_assert_null(indicator_store_period_at(s, 4));
    cr_assert_eq(indicator_store_unit_count(s), 2);
    cr_assert_str_eq(indicator_store_unit_at(s, 1), "26882");
    /* 2025M11 has a cell but no actual: the latest reported is M10. */
    cr_assert_str_eq(indicator_store_latest_period(s, "giai_ngan"), "2025M10");

    struct indicator_point pts[8];
    size_t n = indicator_store_series(s, "26881", "giai_ngan", pts, 8);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(pts[0].period, "2025M3");
    cr_assert_float_eq(pts[0].actual, 13.67, 1e-12);
    cr_assert_str_eq(pts[1].period, "2025M9");
    cr_assert_str_eq(pts[2].period, "2025M10");
    cr_assert_eq(indicator_store_series(s, "26881", "giai_ngan", pts, 1), 3, "like snprintf");
    cr_assert_str_eq(pts[0].period, "2025M3");
    cr_assert_eq(indicator_store_series(s, "26881", "giai_ngan", NULL, 0), 3);
    cr_assert_eq(indicator_store_series(s, "00000", "giai_ngan", pts, 8), 0);
    cr_assert_eq(indicator_store_series(s, "26881", "nope", pts, 8), 0);

    /* M11 reported: latest moves on. Then M11 and M10 withdrawn: it moves back. */
    b = indicator_batch_new();
    put(b, "26882", "giai_ngan", "2025M11", 100, 60);
    indicator_store_merge(s, b);
    indicator_batch_free(b);
    cr_assert_str_eq(indicator_store_latest_period(s, "giai_ngan"), "2025M11");
    b = indicator_batch_new();
    put(b, "26882", "giai_ngan", "2025M11", 100, NAN);
    put(b, "26881", "giai_ngan", "2025M10", 100, NAN);
    indicator_store_merge(s, b);
    indicator_batch_free(b);
    cr_assert_str_eq(indicator_store_latest_period(s, "giai_ngan"), "2025M9");
    /* A period added later sorts into place. */
    b = indicator_batch_new();
    put(b, "26881", "giai_ngan", "2025M12", 100, 96);
    put(b, "26881", "giai_ngan", "2024M12", 100, 95);
    indicator_store_merge(s, b);
    indicator_batch_free(b);
    cr_assert_str_eq(indicator_store_period_at(s, 0), "2024M12");
    cr_assert_str_eq(indicator_store_latest_period(s, "giai_ngan"), "2025M12");
    n = indicator_store_series(s, "26881", "giai_ngan", pts, 8);
    cr_assert_eq(n, 5);
    cr_assert_str_eq(pts[0].period, "2024M12");
    cr_assert_str_eq(pts[4].period, "2025M12");
    cr_assert_null(indicator_store_latest_period(s, "nope"));
    indicator_store_free(s);
}

/* ---- random merges against a shadow model ----------------------------------------------- */

#define NU 12
#define NI 5
#define NP 7

/* xorshift64*: seeded, so a failure replays exactly. */
static uint64_t rng_state;

static uint64_t rng(void)
{
    return harness_rng(&rng_state);
}

static size_t rnd(size_t n)
{
    return (size_t)(rng() >> 33) % n;
}

struct shadow {
    bool exists[NU][NI][NP];
    double plan[NU][NI][NP], actual[NU][NI][NP];
    uint8_t ps[NU][NI][NP], as[NU][NI][NP];
    bool known[NI];
    enum indicator_direction dir[NI];
};

static double rnd_value(void)
{
    /* Small integers, so plan == actual happens often and the ">=" edge is exercised. */
    return rnd(4) == 0 ? NAN : (double)rnd(10);
}

static bool same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void name(char *buf, size_t n, const char *prefix, size_t k)
{
    snprintf(buf, n, "%s%zu", prefix, k);
}

static void tally_bump(struct indicator_tally *t, enum indicator_outcome o)
{
    switch (o) {
    case IND_MET:
        t->met++;
        break;
    case IND_NOT_MET:
        t->not_met++;
        break;
    case IND_NO_PLAN:
        t->no_plan++;
        break;
    case IND_NOT_REPORTED:
        t->not_reported++;
        break;
    }
}

static void check_against_shadow(const struct indicator_store *s, const struct shadow *sh)
{
    size_t cells = 0;
    for (size_t u = 0; u < NU; u++)
        for (size_t i = 0; i < NI; i++)
            for (size_t p = 0; p < NP; p++)
                cells += sh->exists[u][i][p];
    cr_assert_eq(indicator_store_count(s), cells);

    /* Recount from the store's own cells, and from the shadow: both must equal the tallies
     * the merges kept up to date. */
    struct indicator_tally recount[NU][NP], shadow_count[NU][NP];
    memset(recount, 0, sizeof recount);
    memset(shadow_count, 0, sizeof shadow_count);
    for (size_t k = 0; k < indicator_store_count(s); k++) {
        struct indicator_value v;
        cr_assert(indicator_store_at(s, k, &v));
        size_t u = (size_t)atoi(v.unit + 1), p = (size_t)atoi(v.period + 5);
        enum indicator_outcome o =
            indicator_outcome(indicator_store_meta(s, v.indicator)->direction, v.plan, v.actual);
        tally_bump(&recount[u][p], o);
    }
    for (size_t u = 0; u < NU; u++)
        for (size_t i = 0; i < NI; i++)
            for (size_t p = 0; p < NP; p++) {
                if (!sh->exists[u][i][p])
                    continue;
                enum indicator_outcome o =
                    indicator_outcome(sh->dir[i], sh->plan[u][i][p], sh->actual[u][i][p]);
                tally_bump(&shadow_count[u][p], o);
            }
    for (size_t u = 0; u < NU; u++)
        for (size_t p = 0; p < NP; p++) {
            char un[32], pn[32];
            name(un, sizeof un, "u", u);
            name(pn, sizeof pn, "2025M", p);
            struct indicator_tally t;
            indicator_store_tally(s, un, pn, &t);
            cr_assert(memcmp(&t, &recount[u][p], sizeof t) == 0 &&
                          memcmp(&t, &shadow_count[u][p], sizeof t) == 0,
                      "tally %s %s: met %zu/%zu/%zu not_met %zu/%zu/%zu", un, pn, t.met,
                      recount[u][p].met, shadow_count[u][p].met, t.not_met, recount[u][p].not_met,
                      shadow_count[u][p].not_met);
        }
    for (size_t i = 0; i < NI; i++) {
        char in[32];
        name(in, sizeof in, "ind", i);
        long latest = -1;
        for (size_t u = 0; u < NU; u++)
            for (size_t p = 0; p < NP; p++)
                if (sh->exists[u][i][p] && !isnan(sh->actual[u][i][p]) && (long)p > latest)
                    latest = (long)p;
        const char *got = indicator_store_latest_period(s, in);
        if (latest < 0) {
            cr_assert_null(got, "%s latest %s", in, got);
        } else {
            char pn[32];
            name(pn, sizeof pn, "2025M", (size_t)latest);
            cr_assert_str_eq(got, pn, "%s latest", in);
        }
    }
}

Test(indicators, random_merges_match_recount)
{
    rng_state = 0x1022c17d3c4ull; /* fixed seed */
    struct indicator_store *s = indicator_store_new();
    struct shadow *sh = xcalloc(1, sizeof *sh);
    for (int round = 0; round < 300; round++) {
        struct indicator_batch *b = indicator_batch_new();
        size_t expect = 0;
        size_t ncells = 1 + rnd(40);
        bool flip[NI] = {false};
        for (size_t i = 0; i < NI; i++)
            flip[i] = rnd(10) == 0;
        /* Metas are merged before cells, so the shadow applies them first too. */
        size_t us[40], is[40], ps[40];
        for (size_t k = 0; k < ncells; k++) {
            us[k] = rnd(NU);
            is[k] = rnd(NI);
            ps[k] = rnd(NP);
        }
        bool in_batch[NI] = {false};
        for (size_t k = 0; k < ncells; k++) {
            char un[32], in[32], pn[32];
            name(un, sizeof un, "u", us[k]);
            name(in, sizeof in, "ind", is[k]);
            name(pn, sizeof pn, "2025M", ps[k]);
            struct indicator_cell *c = indicator_batch_push(b, un, in, pn);
            c->plan = rnd_value();
            c->actual = rnd_value();
            c->plan_status = (uint8_t)rnd(2);
            c->actual_status = (uint8_t)rnd(3);
            in_batch[is[k]] = true;
        }
        for (size_t i = 0; i < NI; i++) {
            if (!in_batch[i])
                continue;
            char in[32];
            name(in, sizeof in, "ind", i);
            enum indicator_direction d = sh->dir[i];
            if (flip[i])
                d = d == IND_HIGHER_BETTER ? IND_LOWER_BETTER : IND_HIGHER_BETTER;
            indicator_batch_meta(b, in)->direction = d;
            expect += !sh->known[i] || d != sh->dir[i];
            sh->known[i] = true;
            sh->dir[i] = d;
        }
        for (size_t k = 0; k < ncells; k++) {
            const struct indicator_cell *c = &b->cells[k];
            size_t u = us[k], i = is[k], p = ps[k];
            bool differs = !sh->exists[u][i][p] || !same(sh->plan[u][i][p], c->plan) ||
                           !same(sh->actual[u][i][p], c->actual) ||
                           sh->ps[u][i][p] != c->plan_status || sh->as[u][i][p] != c->actual_status;
            expect += differs;
            sh->exists[u][i][p] = true;
            sh->plan[u][i][p] = c->plan;
            sh->actual[u][i][p] = c->actual;
            sh->ps[u][i][p] = c->plan_status;
            sh->as[u][i][p] = c->actual_status;
        }
        cr_assert_eq(indicator_store_merge(s, b), expect, "round %d", round);
        indicator_batch_free(b);
        check_against_shadow(s, sh);
    }
    /* Every cell eventually exists: 12 x 5 x 7. */
    cr_assert_eq(indicator_store_count(s), NU * NI * NP);
    free(sh);
    indicator_store_free(s);
}

Test(indicators, many_cells_rehash)
{
    /* A province's worth: 150 communes x 20 indicators x 12 months, past several rehashes. */
    struct indicator_store *s = indicator_store_new();
    struct indicator_batch *b = indicator_batch_new();
    char un[32], in[32], pn[32];
    for (size_t u = 0; u < 150; u++)
        for (size_t i = 0; i < 20; i++)
            for (size_t p = 1; p <= 12; p++) {
                snprintf(un, sizeof un, "%05zu", 20000 + u);
                snprintf(in, sizeof in, "ct%02zu", i);
                snprintf(pn, sizeof pn, "2025M%zu", p);
                put(b, un, in, pn, 100, (double)(u + i + p));
            }
    cr_assert_eq(indicator_store_merge(s, b), 36000 + 20);
    indicator_batch_free(b);
    cr_assert_eq(indicator_store_count(s), 36000);
    struct indicator_value v;
    cr_assert(indicator_store_get(s, "20149", "ct19", "2025M12", &v));
    cr_assert_float_eq(v.actual, 149 + 19 + 12, 1e-12);
    struct indicator_tally t;
    cr_assert(indicator_store_tally(s, "20149", "2025M12", &t));
    cr_assert_eq(t.met, 20, "149 + i + 12 >= 100 for every i");
    cr_assert(indicator_store_tally(s, "20000", "2025M1", &t));
    cr_assert_eq(t.met + t.not_met, 20);
    cr_assert_eq(t.met, 0);
    cr_assert_str_eq(indicator_store_period_at(s, 11), "2025M12");
    indicator_store_free(s);
}
