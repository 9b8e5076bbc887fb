/* The store: everything the console knows, owned by the loop thread. Views read it; feeds
 * merge batches into it. */
#ifndef CITYDECK_STORE_H
#define CITYDECK_STORE_H

#include <stdint.h>

#include "citydeck/complaints.h"
#include "citydeck/dossiers.h"
#include "citydeck/indicators.h"
#include "citydeck/sensors.h"
#include "citydeck/units.h"

struct store {
    struct complaint_table *complaints;
    struct dossier_table *dossiers;
    struct sensor_table *sensors;
    struct indicator_store *indicators;
    struct unit_table *units;
    uint64_t generation; /* bumped by every merge that changed something */
};

struct store *store_new(void);
void store_free(struct store *s);
/* Each takes ownership of the batch. */
void store_merge_complaints(struct store *s, struct complaint_batch *b);
void store_merge_sensors(struct store *s, struct sensor_batch *b);
void store_merge_indicators(struct store *s, struct indicator_batch *b);
void store_merge_units(struct store *s, struct unit_batch *b);
/* now: the hub time deadline states are judged at (epoch seconds). */
void store_merge_dossiers(struct store *s, struct dossier_batch *b, int64_t now);

#endif
