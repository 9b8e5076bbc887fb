#include "citydeck/unit_rank.h"

#include <string.h>

#include "citydeck/store.h"

struct unit_rank unit_rank_of(const struct store *s, const char *code)
{
    struct unit_rank k = {code, 0, 0, -1};
    const struct dossier_stats *ds = dossier_table_unit_stats(s->dossiers, code);
    if (ds) {
        k.d_overdue = ds->overdue;
        k.on_time = dossier_stats_on_time_rate(ds);
    }
    const struct complaint_stats *cs = complaint_table_unit_stats(s->complaints, code);
    if (cs)
        k.c_overdue = cs->overdue;
    return k;
}

int unit_rank_cmp(const struct unit_rank *x, const struct unit_rank *y)
{
    if (x->d_overdue != y->d_overdue)
        return x->d_overdue > y->d_overdue ? -1 : 1;
    if (x->c_overdue != y->c_overdue)
        return x->c_overdue > y->c_overdue ? -1 : 1;
    double ox = x->on_time < 0 ? 2.0 : x->on_time, oy = y->on_time < 0 ? 2.0 : y->on_time;
    if (ox != oy)
        return ox < oy ? -1 : 1;
    return strcmp(x->code, y->code);
}
