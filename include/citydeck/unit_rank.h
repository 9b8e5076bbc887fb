/* The ranking of communes and wards, worst first, that the Xếp hạng view (units.c) shows and
 * the unit detail (unit_detail.c) quotes ("xếp thứ 3/96") and picks its default unit by. */
#ifndef CITYDECK_UNIT_RANK_H
#define CITYDECK_UNIT_RANK_H

#include <stddef.h>

struct store;

/* What a unit is ranked by. */
struct unit_rank {
    const char *code; /* borrowed */
    size_t d_overdue, c_overdue;
    double on_time; /* [0, 1], < 0 = nothing counted */
};

/* The unit's ranking key from the store's per-unit aggregates. */
struct unit_rank unit_rank_of(const struct store *s, const char *code);

/* < 0 when x is worse than y: more overdue dossiers, then more overdue complaints, then the
 * lower on-time rate (none counts as best), then the code; a total order. */
int unit_rank_cmp(const struct unit_rank *x, const struct unit_rank *y);

#endif
