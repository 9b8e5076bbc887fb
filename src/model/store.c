/* The store: owned by the loop thread; merges are the only writers. */
#include "citydeck/store.h"

#include "citydeck/clock.h"
#include "citydeck/util.h"

#include <stdlib.h>

/* Points of history kept per sensor: 24 h at a 5-minute cadence. */
#define SENSOR_SERIES_POINTS 288

struct store *store_new(void)
{
    struct store *s = xcalloc(1, sizeof *s);
    s->complaints = complaint_table_new();
    s->dossiers = dossier_table_new(CLOCK_VN_OFFSET);
    s->sensors = sensor_table_new(SENSOR_SERIES_POINTS);
    s->indicators = indicator_store_new();
    s->units = unit_table_new();
    return s;
}

void store_free(struct store *s)
{
    if (!s)
        return;
    complaint_table_free(s->complaints);
    dossier_table_free(s->dossiers);
    sensor_table_free(s->sensors);
    indicator_store_free(s->indicators);
    unit_table_free(s->units);
    free(s);
}

/* An unchanged poll (the common case) must not bump the generation: views redraw on a
 * generation change, and an idle console should send nothing to the terminal. */
static void store_changed(struct store *s, size_t changed)
{
    if (changed > 0)
        s->generation++;
}

void store_merge_complaints(struct store *s, struct complaint_batch *b)
{
    if (!b)
        return;
    if (s)
        store_changed(s, complaint_table_merge(s->complaints, b));
    complaint_batch_free(b);
}

void store_merge_sensors(struct store *s, struct sensor_batch *b)
{
    if (!b)
        return;
    if (s)
        store_changed(s, sensor_table_merge(s->sensors, b));
    sensor_batch_free(b);
}

void store_merge_indicators(struct store *s, struct indicator_batch *b)
{
    if (!b)
        return;
    if (s)
        store_changed(s, indicator_store_merge(s->indicators, b));
    indicator_batch_free(b);
}

void store_merge_units(struct store *s, struct unit_batch *b)
{
    if (!b)
        return;
    if (s)
        store_changed(s, unit_table_merge(s->units, b));
    unit_batch_free(b);
}

void store_merge_dossiers(struct store *s, struct dossier_batch *b, int64_t now)
{
    if (!b)
        return;
    if (s)
        store_changed(s, dossier_table_merge(s->dossiers, b, now));
    dossier_batch_free(b);
}
