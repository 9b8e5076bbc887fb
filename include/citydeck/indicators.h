/* Socio-economic indicators (chỉ tiêu kinh tế - xã hội): plan against actual per commune or
 * ward and period, the batch an adapter fills, and the store the views read. Pure C. */
#ifndef CITYDECK_INDICATORS_H
#define CITYDECK_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether a larger actual is an achievement (income, trained labour) or a failure (poverty
 * rate, unemployment): completion and met/not-met depend on it. */
enum indicator_direction { IND_HIGHER_BETTER, IND_LOWER_BETTER };

/* Status flags of one value (JSON-stat status symbols): estimated "e" (ước tính), provisional
 * "p" (sơ bộ), or any other symbol (".", ":", "a"...). Not reported is a NaN value, not a flag. */
enum {
    IND_STATUS_ESTIMATED = 1,
    IND_STATUS_PROVISIONAL = 2,
    IND_STATUS_OTHER = 4,
};

#define IND_NO_DECIMALS (-1)

struct indicator_meta {
    char *id;
    char *label;  /* NULL = show the id */
    char *unit;   /* "%", "triệu đồng/người/năm"; NULL = none sent */
    int decimals; /* IND_NO_DECIMALS when the source did not say */
    enum indicator_direction direction;
};

/* Keys are indexes into the batch's unit, indicator (= meta) and period tables. */
struct indicator_cell {
    uint32_t unit, indicator, period;
    double plan, actual; /* NaN = not reported */
    uint8_t plan_status, actual_status;
};

struct indicator_keys; /* private string tables */

struct indicator_batch {
    struct indicator_cell *cells;
    size_t n, cap;
    struct indicator_meta *meta; /* meta[k] describes indicator key k */
    size_t nmeta, cap_meta;
    struct indicator_keys *keys;
};

struct indicator_batch *indicator_batch_new(void);
void indicator_batch_free(struct indicator_batch *b);
/* Appends a cell (plan and actual NaN, no status) for strings the caller has already cleaned;
 * they are copied and interned. A new indicator id gets a meta record: no label, no unit,
 * IND_NO_DECIMALS, direction from indicator_direction_guess(id, NULL). The pointer is valid
 * until the next push. A later cell with the same key replaces an earlier one on merge. */
struct indicator_cell *indicator_batch_push(struct indicator_batch *b, const char *unit,
                                            const char *indicator, const char *period);
/* The meta record of an indicator already pushed, or NULL. */
struct indicator_meta *indicator_batch_meta(struct indicator_batch *b, const char *indicator);
const char *indicator_batch_unit(const struct indicator_batch *b, uint32_t k);
const char *indicator_batch_period(const struct indicator_batch *b, uint32_t k);

/* Default direction by id and label (either may be NULL), compared folded (no case, no
 * marks): poverty (nghèo), unemployment (thất nghiệp), mortality, malnutrition, accidents,
 * overdue dossiers, pollution, inflation... are lower-is-better; "thoát nghèo" and "giảm
 * nghèo" (households leaving poverty, reduction achieved) stay higher-is-better. */
enum indicator_direction indicator_direction_guess(const char *id, const char *label);
/* "higher"/"lower" (also "cao"/"thap", "up"/"down"); false for anything else. */
bool indicator_direction_parse(const char *s, enum indicator_direction *out);

enum indicator_outcome {
    IND_NOT_REPORTED, /* no actual */
    IND_NO_PLAN,      /* an actual but no plan to judge it by */
    IND_MET,
    IND_NOT_MET,
};

/* actual/plan, or plan/actual for lower-is-better, so 1.0 = exactly on plan and more is
 * better either way. NaN when either is missing or the ratio means nothing (negative
 * plan, a lower-is-better actual below zero); +INFINITY when the denominator is 0 and the
 * target is beaten (plan 0, actual 5; or poverty plan 1 %, actual 0); 1.0 for 0 against 0. */
double indicator_completion(enum indicator_direction d, double plan, double actual);
/* Met compares the values (actual >= plan, or <= for lower-is-better), so it is defined even
 * where the completion ratio is not (a growth target of 7 % against -2 %). */
enum indicator_outcome indicator_outcome(enum indicator_direction d, double plan, double actual);

/* Period order: digit runs compare as numbers, so "2025M2" < "2025M10" and "2024" < "2025";
 * otherwise bytes. */
int indicator_period_cmp(const char *a, const char *b);

/* ---- the store (loop thread) ---------------------------------------------------------- */

struct indicator_store;

struct indicator_value {
    const char *unit, *indicator, *period; /* owned by the store */
    double plan, actual;
    uint8_t plan_status, actual_status;
};

struct indicator_point {
    const char *period;
    double plan, actual;
    uint8_t plan_status, actual_status;
};

/* Counts over the indicators a (unit, period) has cells for. */
struct indicator_tally {
    size_t met, not_met, no_plan, not_reported;
};

struct indicator_store *indicator_store_new(void);
void indicator_store_free(struct indicator_store *s);
/* Replaces or adds cells by (unit, indicator, period) and meta records by id; the batch is
 * left as it was (the caller frees it). Returns the number of cells and meta records added or
 * changed (NaN equals NaN here: a cell still not reported is not a change). */
size_t indicator_store_merge(struct indicator_store *s, const struct indicator_batch *b);
size_t indicator_store_count(const struct indicator_store *s);
/* Cells stay at a stable index for the store's lifetime. */
bool indicator_store_at(const struct indicator_store *s, size_t i, struct indicator_value *out);
bool indicator_store_get(const struct indicator_store *s, const char *unit, const char *indicator,
                         const char *period, struct indicator_value *out);

size_t indicator_store_indicator_count(const struct indicator_store *s);
const struct indicator_meta *indicator_store_indicator_at(const struct indicator_store *s,
                                                          size_t i);
const struct indicator_meta *indicator_store_meta(const struct indicator_store *s,
                                                  const char *indicator);
size_t indicator_store_unit_count(const struct indicator_store *s);
const char *indicator_store_unit_at(const struct indicator_store *s, size_t i);
/* Periods in indicator_period_cmp order (rank 0 = earliest). */
size_t indicator_store_period_count(const struct indicator_store *s);
const char *indicator_store_period_at(const struct indicator_store *s, size_t rank);

/* Met/not-met/not-reported counts of a unit in a period, kept up to date by every merge.
 * Unknown unit or period: all zeros and false. */
bool indicator_store_tally(const struct indicator_store *s, const char *unit, const char *period,
                           struct indicator_tally *out);
/* The latest period in which any unit reported an actual for the indicator; NULL if none. */
const char *indicator_store_latest_period(const struct indicator_store *s, const char *indicator);
/* Writes up to max points of (unit, indicator), earliest period first, for the periods that
 * have a cell; returns how many there are (may exceed max, as snprintf does). */
size_t indicator_store_series(const struct indicator_store *s, const char *unit,
                              const char *indicator, struct indicator_point *out, size_t max);

#endif
