#include "citydeck/strmap.h"

#include "citydeck/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MIN_SLOTS 16

/* FNV-1a: ids are short strings; this is plenty and has no seed to manage. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static struct strmap_slot *slot_for(const struct strmap *m, const char *key)
{
    size_t mask = m->nslots - 1;
    size_t i = (size_t)hash_str(key) & mask;
    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & mask;
    return &m->slots[i];
}

static void rehash(struct strmap *m, size_t nslots)
{
    struct strmap old = *m;
    m->slots = xcalloc(nslots, sizeof *m->slots);
    m->nslots = nslots;
    for (size_t i = 0; i < old.nslots; i++)
        if (old.slots[i].key)
            *slot_for(m, old.slots[i].key) = old.slots[i];
    free(old.slots);
}

size_t strmap_get(const struct strmap *m, const char *key)
{
    if (!key || !m->nslots)
        return STRMAP_NONE;
    const struct strmap_slot *s = slot_for(m, key);
    return s->key ? s->value : STRMAP_NONE;
}

size_t strmap_put(struct strmap *m, const char *key, size_t value)
{
    if (!m->nslots)
        rehash(m, MIN_SLOTS);
    struct strmap_slot *s = slot_for(m, key);
    if (s->key) {
        size_t old = s->value;
        *s = (struct strmap_slot){key, value};
        return old;
    }
    /* Only a new key can push the load past 70 %; the empty slot found above moves then. */
    if ((m->n + 1) * 10 > m->nslots * 7) {
        rehash(m, m->nslots * 2);
        s = slot_for(m, key);
    }
    *s = (struct strmap_slot){key, value};
    m->n++;
    return STRMAP_NONE;
}

void strmap_free(struct strmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}
