/* A string -> index map for the tables that find records by id.
 *
 * Open addressing with linear probing, grown to keep the load under 70 %, so an empty slot
 * always ends a probe; nothing is ever removed (no table deletes records), so there are no
 * tombstones. Keys are borrowed, not copied: every user already keeps its id strings next to
 * the records the values index, and a second copy would double the memory for nothing. A key
 * must therefore stay valid and unchanged while it is in the map; when its owner replaces the
 * string, it puts the new pointer under the same key. */
#ifndef CITYDECK_STRMAP_H
#define CITYDECK_STRMAP_H

#include <stddef.h>

#define STRMAP_NONE ((size_t)-1)

struct strmap_slot {
    const char *key; /* NULL = empty */
    size_t value;
};

/* Zero-initialised = empty; the slots are allocated by the first put. */
struct strmap {
    struct strmap_slot *slots;
    size_t nslots; /* power of two, or 0 before the first put */
    size_t n;
};

/* The value of key, or STRMAP_NONE when it is absent (or key is NULL). */
size_t strmap_get(const struct strmap *m, const char *key);

/* Sets key (not NULL) to value, taking the key pointer as given; returns the value it had, or
 * STRMAP_NONE when the key is new. */
size_t strmap_put(struct strmap *m, const char *key, size_t value);

/* Frees the slots (not the keys) and leaves the map empty. */
void strmap_free(struct strmap *m);

#endif
