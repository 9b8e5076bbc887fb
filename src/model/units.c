/* The unit table: a dense array indexed by code through a strmap. */
#include "citydeck/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "citydeck/strmap.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

struct unit_table {
    struct unit *items;
    size_t n, cap;
    struct strmap by_code;
    char *province_code;
    char *province_name;
};

enum unit_type unit_type_parse(const char *s)
{
    static const struct {
        const char *word;
        enum unit_type type;
    } words[] = {
        {"phuong", UNIT_WARD},       {"ward", UNIT_WARD},        {"xa", UNIT_COMMUNE},
        {"commune", UNIT_COMMUNE},   {"dac khu", UNIT_SPECIAL},  {"special", UNIT_SPECIAL},
        {"huyen", UNIT_DISTRICT},    {"quan", UNIT_DISTRICT},    {"thi xa", UNIT_DISTRICT},
        {"district", UNIT_DISTRICT}, {"tinh", UNIT_PROVINCE},    {"thanh pho", UNIT_PROVINCE},
        {"province", UNIT_PROVINCE}, {"thi tran", UNIT_COMMUNE},
    };
    if (!s)
        return UNIT_OTHER;
    /* Compare folded text, so "Phường", "phuong" and "PHƯỜNG" are one word. */
    char *f = text_fold(s);
    enum unit_type t = UNIT_OTHER;
    for (size_t i = 0; i < ARRAY_LEN(words) && t == UNIT_OTHER; i++)
        if (strcmp(f, words[i].word) == 0)
            t = words[i].type;
    free(f);
    return t;
}

const char *unit_type_label(enum unit_type t)
{
    switch (t) {
    case UNIT_PROVINCE:
        return "Tỉnh";
    case UNIT_DISTRICT:
        return "Huyện";
    case UNIT_WARD:
        return "Phường";
    case UNIT_COMMUNE:
        return "Xã";
    case UNIT_SPECIAL:
        return "Đặc khu";
    case UNIT_OTHER:
        break;
    }
    return "";
}

static void unit_clear(struct unit *u)
{
    free(u->code);
    free(u->name);
    free(u->full_name);
    free(u->parent);
    free(u->fold);
    memset(u, 0, sizeof *u);
}

struct unit_batch *unit_batch_new(void)
{
    return xcalloc(1, sizeof(struct unit_batch));
}

struct unit *unit_batch_push(struct unit_batch *b)
{
    b->items = xgrow(b->items, &b->cap, b->n + 1, sizeof *b->items);
    struct unit *u = &b->items[b->n++];
    memset(u, 0, sizeof *u);
    u->population = -1;
    u->lat = u->lon = NAN;
    return u;
}

void unit_batch_free(struct unit_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        unit_clear(&b->items[i]);
    free(b->items);
    free(b->province_code);
    free(b->province_name);
    free(b);
}

struct unit_table *unit_table_new(void)
{
    return xcalloc(1, sizeof(struct unit_table));
}

void unit_table_free(struct unit_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        unit_clear(&t->items[i]);
    free(t->items);
    strmap_free(&t->by_code);
    free(t->province_code);
    free(t->province_name);
    free(t);
}

static bool unit_same(const struct unit *a, const struct unit *b)
{
    return a->type == b->type && a->population == b->population && str_eq(a->name, b->name) &&
           str_eq(a->full_name, b->full_name) && str_eq(a->parent, b->parent) &&
           a->has_location == b->has_location &&
           (!a->has_location || (a->lat == b->lat && a->lon == b->lon));
}

/* Moves a batch string into the table, NULL-ing it in the batch. */
static char *take(char **s)
{
    char *v = *s;
    *s = NULL;
    return v;
}

size_t unit_table_merge(struct unit_table *t, struct unit_batch *b)
{
    size_t changed = 0;
    if (b->province_name && !str_eq(b->province_name, t->province_name)) {
        free(t->province_name);
        t->province_name = take(&b->province_name);
        changed++;
    }
    if (b->province_code && !str_eq(b->province_code, t->province_code)) {
        free(t->province_code);
        t->province_code = take(&b->province_code);
        changed++;
    }
    for (size_t i = 0; i < b->n; i++) {
        struct unit *in = &b->items[i];
        if (!in->code || !*in->code)
            continue;
        if (!in->full_name && in->name)
            in->full_name = xstrdup(in->name);
        if (!in->fold)
            in->fold = text_fold(in->full_name ? in->full_name : in->code);
        size_t at = strmap_get(&t->by_code, in->code);
        if (at != STRMAP_NONE) {
            if (unit_same(&t->items[at], in))
                continue;
            /* The map borrows the code string: point it at the new one before the old one
             * is freed (the lookup compares against the key it holds). */
            strmap_put(&t->by_code, in->code, at);
            unit_clear(&t->items[at]);
            t->items[at] = *in;
            memset(in, 0, sizeof *in);
        } else {
            t->items = xgrow(t->items, &t->cap, t->n + 1, sizeof *t->items);
            t->items[t->n] = *in;
            memset(in, 0, sizeof *in);
            strmap_put(&t->by_code, t->items[t->n].code, t->n);
            t->n++;
        }
        changed++;
    }
    return changed;
}

size_t unit_table_count(const struct unit_table *t)
{
    return t->n;
}

const struct unit *unit_table_at(const struct unit_table *t, size_t i)
{
    return i < t->n ? &t->items[i] : NULL;
}

const struct unit *unit_table_find(const struct unit_table *t, const char *code)
{
    size_t at = strmap_get(&t->by_code, code);
    return at == STRMAP_NONE ? NULL : &t->items[at];
}

const char *unit_table_name(const struct unit_table *t, const char *code)
{
    const struct unit *u = code ? unit_table_find(t, code) : NULL;
    return u && u->full_name ? u->full_name : code;
}

const char *unit_table_province_name(const struct unit_table *t)
{
    return t->province_name;
}

const char *unit_table_province_code(const struct unit_table *t)
{
    return t->province_code;
}

size_t unit_table_leaves(const struct unit_table *t, const struct unit **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        enum unit_type ty = t->items[i].type;
        if (ty == UNIT_PROVINCE || ty == UNIT_DISTRICT)
            continue;
        if (n < max)
            out[n] = &t->items[i];
        n++;
    }
    return n;
}
