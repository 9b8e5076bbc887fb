/* The store: everything the console knows, owned by the loop thread. Views read it; feeds
 * merge batches into it.
 *
 * Every merge also records what it touched (struct store_changes), so the alerts engine can
 * look at a batch's records alone instead of the whole store: the loop takes the changes
 * after each merge (store_changes_take) and hands them to alerts_evaluate. */
#ifndef CITYDECK_STORE_H
#define CITYDECK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/complaints.h"
#include "citydeck/dossiers.h"
#include "citydeck/indicators.h"
#include "citydeck/sensors.h"
#include "citydeck/strmap.h"
#include "citydeck/units.h"

/* A set of table indexes, each listed once, in the order first touched. */
struct store_index_set {
    size_t *idx;
    size_t n, cap;
    unsigned char *mark; /* mark[i]: i is listed */
    size_t mark_cap;
};

/* A set of unit codes (owned copies), each listed once. */
struct store_code_set {
    char **codes;
    size_t n, cap;
    struct strmap map; /* keys: the copies in codes */
};

/* What merges touched since the last take. Indexes are table indexes (stable for a table's
 * lifetime). A record that moved to another unit puts both units in the set. */
struct store_changes {
    bool all;                          /* anything may differ: look at everything */
    struct store_index_set sensors;    /* added, new reading, metadata or unit changed */
    struct store_index_set complaints; /* added, changed, closed, deadline state moved */
    struct store_index_set dossiers;   /* added, changed, closed, deadline state moved */
    struct store_code_set sensor_units, complaint_units, dossier_units;
    struct store_code_set indicator_units; /* units with a cell in a merged batch */
    bool indicators_all;         /* an indicator's latest period moved: every unit may differ */
    struct store_code_set units; /* codes of the unit list that were merged */
    uint64_t generation;         /* the store's generation when taken */
};

struct store {
    struct complaint_table *complaints;
    struct dossier_table *dossiers;
    struct sensor_table *sensors;
    struct indicator_store *indicators;
    struct unit_table *units;
    uint64_t generation;          /* bumped by every merge that changed something */
    struct store_changes changes; /* accumulated since the last store_changes_take */
    /* The dossier deadline transitions to come (hub time), so records whose state moves with
     * the clock are reported as touched. Private to store.c. */
    struct store_watch *watch;
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
/* Moves the complaint table's clock (complaint_table_set_now): call it once a second with
 * the hub's time. Records whose deadline state moved are recorded as changes and bump the
 * generation. */
void store_set_now(struct store *s, int64_t now);

/* Moves the changes recorded since the last take into out (whose previous contents are
 * freed) and starts a new, empty record. A new store's first take has all set. */
void store_changes_take(struct store *s, struct store_changes *out);
/* Frees what c holds and leaves it empty (all false). */
void store_changes_clear(struct store_changes *c);
/* True when c lists nothing and all is false. */
bool store_changes_empty(const struct store_changes *c);

/* The set helpers (changes.c), for tests and for the engine's own bookkeeping. Adding is
 * O(1) amortized; contains is O(1). */
void store_index_set_add(struct store_index_set *s, size_t idx);
bool store_index_set_contains(const struct store_index_set *s, size_t idx);
void store_index_set_clear(struct store_index_set *s);
void store_code_set_add(struct store_code_set *s, const char *code); /* NULL is ignored */
bool store_code_set_contains(const struct store_code_set *s, const char *code);
void store_code_set_clear(struct store_code_set *s);

#endif
