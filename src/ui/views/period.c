#include "citydeck/period.h"

#include <stddef.h>

#include "citydeck/indicators.h"

const char *period_latest(const struct indicator_store *s)
{
    const char *best = NULL;
    size_t n = indicator_store_indicator_count(s);
    for (size_t i = 0; i < n; i++) {
        const struct indicator_meta *m = indicator_store_indicator_at(s, i);
        const char *p = m ? indicator_store_latest_period(s, m->id) : NULL;
        if (p && (!best || indicator_period_cmp(p, best) > 0))
            best = p;
    }
    return best;
}
