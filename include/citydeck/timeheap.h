/* A min-heap of timed entries: "record idx may change state once the clock passes when".
 * The tables queue their coming deadline transitions here; an entry carries the record's
 * version when queued, so one made stale by a later merge is recognised and skipped. */
#ifndef CITYDECK_TIMEHEAP_H
#define CITYDECK_TIMEHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct timeheap_entry {
    int64_t when;
    size_t idx;
    uint32_t version;
};

struct timeheap {
    struct timeheap_entry *v; /* v[0] is the earliest */
    size_t n, cap;
};

void timeheap_push(struct timeheap *h, int64_t when, size_t idx, uint32_t version);
/* Removes and returns the earliest entry; the heap must not be empty. */
struct timeheap_entry timeheap_pop(struct timeheap *h);
/* Keeps the entries keep() accepts and restores the heap order, in O(n). */
void timeheap_filter(struct timeheap *h, bool (*keep)(const struct timeheap_entry *e, void *ctx),
                     void *ctx);
void timeheap_free(struct timeheap *h);

#endif
