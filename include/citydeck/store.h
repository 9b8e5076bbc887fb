/* The store: everything the console knows, owned by the loop thread. Views read it; feeds
 * merge batches into it. */
#ifndef CITYDECK_STORE_H
#define CITYDECK_STORE_H

#include <stdint.h>

#include "citydeck/complaints.h"

struct store {
    struct complaint_table *complaints;
    uint64_t generation; /* bumped by every merge that changed something */
};

struct store *store_new(void);
void store_free(struct store *s);
/* Takes ownership of the batch. */
void store_merge_complaints(struct store *s, struct complaint_batch *b);

#endif
