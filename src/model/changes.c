/* The sets a store_changes record is made of, and taking the record from the store.
 *
 * Both sets deduplicate on insertion (a mark per index, a map per code), so a record that
 * several merges touch before anyone takes the changes is listed once, and a set never grows
 * past the size of its table however long nobody takes it. */
#include "citydeck/store.h"

#include "citydeck/util.h"

#include <stdlib.h>
#include <string.h>

void store_index_set_add(struct store_index_set *s, size_t idx)
{
    if (idx == (size_t)-1)
        return;
    if (idx >= s->mark_cap) {
        size_t old = s->mark_cap;
        size_t cap = old ? old : 256;
        while (cap <= idx)
            cap *= 2;
        s->mark = xrealloc(s->mark, cap);
        memset(s->mark + old, 0, cap - old);
        s->mark_cap = cap;
    }
    if (s->mark[idx])
        return;
    s->mark[idx] = 1;
    s->idx = xgrow(s->idx, &s->cap, s->n + 1, sizeof *s->idx);
    s->idx[s->n++] = idx;
}

bool store_index_set_contains(const struct store_index_set *s, size_t idx)
{
    return idx < s->mark_cap && s->mark[idx];
}

void store_index_set_clear(struct store_index_set *s)
{
    free(s->idx);
    free(s->mark);
    memset(s, 0, sizeof *s);
}

void store_code_set_add(struct store_code_set *s, const char *code)
{
    if (!code || strmap_get(&s->map, code) != STRMAP_NONE)
        return;
    s->codes = xgrow(s->codes, &s->cap, s->n + 1, sizeof *s->codes);
    char *copy = xstrdup(code);
    s->codes[s->n] = copy;
    strmap_put(&s->map, copy, s->n++);
}

bool store_code_set_contains(const struct store_code_set *s, const char *code)
{
    return code && strmap_get(&s->map, code) != STRMAP_NONE;
}

void store_code_set_clear(struct store_code_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->codes[i]);
    free(s->codes);
    strmap_free(&s->map);
    memset(s, 0, sizeof *s);
}

void store_changes_clear(struct store_changes *c)
{
    if (!c)
        return;
    store_index_set_clear(&c->sensors);
    store_index_set_clear(&c->complaints);
    store_index_set_clear(&c->dossiers);
    store_code_set_clear(&c->sensor_units);
    store_code_set_clear(&c->complaint_units);
    store_code_set_clear(&c->dossier_units);
    store_code_set_clear(&c->indicator_units);
    store_code_set_clear(&c->units);
    memset(c, 0, sizeof *c);
}

bool store_changes_empty(const struct store_changes *c)
{
    return !c->all && !c->indicators_all && c->sensors.n == 0 && c->complaints.n == 0 &&
           c->dossiers.n == 0 && c->sensor_units.n == 0 && c->complaint_units.n == 0 &&
           c->dossier_units.n == 0 && c->indicator_units.n == 0 && c->units.n == 0;
}

void store_changes_take(struct store *s, struct store_changes *out)
{
    if (!out)
        return;
    store_changes_clear(out);
    if (!s)
        return;
    *out = s->changes;
    out->generation = s->generation;
    memset(&s->changes, 0, sizeof s->changes);
}
