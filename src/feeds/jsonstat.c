/* JSON-stat adapter: a body -> datasets (2.0 and 1.x) -> indicator cells.
 *
 * Runs on a worker thread (uv_queue_work), so it touches no global state, and neither does
 * the shared feedjson_* reading it uses (feedjson.h).
 *
 * Real servers deviate from the spec in the ways listed in reference/standards.md §4.5; the
 * rules below follow the robust-client checklist of §4.6:
 * - layout: "class":"collection" / "dimension" / "error", a dataset (a "dimension" object at
 *   the top, ids and sizes at the top (2.0) or inside "dimension" (1.x)), or a 1.x bundle whose
 *   members are datasets;
 * - size: numbers or numeric strings (CSO); the product must equal a value array's length;
 * - category index: array, object (id -> position) or absent (label key order);
 * - value: array (null = missing) or object keyed by decimal position; numbers may come as
 *   strings (PX-Web "json"); other strings are kept as text (order.json spells "A1B1C1");
 * - status: string or one-element array = every cell, array = per cell, object = sparse, and
 *   old Eurostat's {"value":[...],"category":{"label":{...}}};
 * - a missing value is NaN with a flag, never 0: 0 is a value a commune can report.
 * Every stored string passes text_clean (DESIGN §4). */
#include "citydeck/jsonstat.h"

#include "citydeck/clock.h"
#include "citydeck/feedjson.h"
#include "citydeck/strmap.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ERRTEXT_BYTES 300
#define ID_BYTES 256 /* category and dimension ids: codes, not prose */
#define STATUS_BYTES 32

/* ---- errors and small helpers ----------------------------------------------------------- */

/* dimension_decode passes a strmap miss on as "no such category". */
_Static_assert(STRMAP_NONE == JSONSTAT_NONE, "a strmap miss must read as JSONSTAT_NONE");

/* Decoding context: where an error happened ("dataset oecd: dimension area"), and the
 * caller's buffer for it. */
struct dec {
    char *err;
    size_t errsz;
    char where[192];
};

static bool fail(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct dec *d, const char *fmt, ...)
{
    if (!d->err || !d->errsz)
        return false;
    int n = snprintf(d->err, d->errsz, "%s: ", d->where);
    if (n >= 0 && (size_t)n < d->errsz) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->err + n, d->errsz - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

static const cJSON *member(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const cJSON *object_member(const cJSON *o, const char *key)
{
    const cJSON *v = member(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}

static size_t count_items(const cJSON *v)
{
    size_t n = 0;
    for (const cJSON *e = v ? v->child : NULL; e; e = e->next)
        n++;
    return n;
}

/* A non-negative decimal integer key ("18") below limit: sparse value and status keys. */
static bool parse_pos(const char *s, size_t limit, size_t *out)
{
    if (!s || !*s)
        return false;
    size_t v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        size_t dgt = (size_t)(*p - '0');
        if (v > (limit - dgt) / 10)
            return false; /* >= limit, and no overflow on the way */
        v = v * 10 + dgt;
    }
    if (v >= limit)
        return false;
    *out = v;
    return true;
}

/* size[i]: a number or a numeric string (CSO), a positive integer. */
static bool parse_size(const cJSON *v, size_t *out)
{
    double d;
    if (!feedjson_number(v, &d))
        return false;
    if (!isfinite(d) || d < 1 || d != floor(d) || d > 1e15)
        return false;
    *out = (size_t)d;
    return true;
}

/* ---- freeing ------------------------------------------------------------------------------ */

static void unit_free(struct jsonstat_unit *u)
{
    if (!u)
        return;
    free(u->label);
    free(u->symbol);
    free(u->base);
    free(u);
}

static void dimension_clear(struct jsonstat_dimension *dm)
{
    if (!dm)
        return;
    for (size_t k = 0; dm->cats && k < dm->size; k++) {
        free(dm->cats[k].id);
        free(dm->cats[k].label);
        unit_free(dm->cats[k].unit);
    }
    free(dm->cats);
    free(dm->id);
    free(dm->label);
    memset(dm, 0, sizeof *dm);
}

static void dataset_free(struct jsonstat_dataset *ds)
{
    if (!ds)
        return;
    for (size_t k = 0; ds->dims && k < ds->ndims; k++)
        dimension_clear(&ds->dims[k]);
    free(ds->dims);
    if (ds->texts)
        for (size_t k = 0; k < ds->ncells; k++)
            free(ds->texts[k]);
    free(ds->texts);
    for (size_t k = 0; k < ds->nstatuses; k++) {
        free(ds->statuses[k]);
        free(ds->status_labels[k]);
    }
    free(ds->statuses);
    free(ds->status_labels);
    free(ds->status);
    free(ds->values);
    free(ds->flags);
    free(ds->name);
    free(ds->label);
    free(ds->source);
    free(ds->updated);
    free(ds->href);
    free(ds);
}

void jsonstat_doc_free(struct jsonstat_doc *d)
{
    if (!d)
        return;
    for (size_t k = 0; k < d->ndatasets; k++)
        dataset_free(d->datasets[k]);
    free(d->datasets);
    for (size_t k = 0; k < d->nitems; k++) {
        free(d->items[k].cls);
        free(d->items[k].href);
        free(d->items[k].label);
    }
    free(d->items);
    if (d->dimension) {
        dimension_clear(d->dimension);
        free(d->dimension);
    }
    free(d->label);
    free(d);
}

/* ---- dimensions --------------------------------------------------------------------------- */

static struct jsonstat_unit *unit_decode(const cJSON *u)
{
    struct jsonstat_unit *out = xcalloc(1, sizeof *out);
    out->label = feedjson_string_member(u, "label", 0);
    out->symbol = feedjson_string_member(u, "symbol", 0);
    out->base = feedjson_string_member(u, "base", 0);
    out->decimals = JSONSTAT_NO_DECIMALS;
    const cJSON *dec = member(u, "decimals");
    /* Bounded: printf precision past 15 digits of a double only prints noise. */
    if (cJSON_IsNumber(dec) && dec->valuedouble >= 0 && dec->valuedouble <= 15)
        out->decimals = (int)dec->valuedouble;
    const cJSON *mul = member(u, "multiplier");
    if (cJSON_IsNumber(mul) && fabs(mul->valuedouble) <= 30)
        out->multiplier = (int)mul->valuedouble;
    const cJSON *pos = member(u, "position");
    out->symbol_first =
        cJSON_IsString(pos) && pos->valuestring && strcmp(pos->valuestring, "start") == 0;
    return out;
}

/* Reads category ids in index order into *raw (strings owned by the tree). */
static bool category_ids(struct dec *d, const cJSON *cat, const char ***raw, size_t *n)
{
    const cJSON *index = member(cat, "index");
    const cJSON *labels = object_member(cat, "label");
    *raw = NULL;
    *n = 0;
    if (cJSON_IsArray(index)) {
        size_t cnt = count_items(index);
        const char **ids = xcalloc(cnt + 1, sizeof *ids);
        size_t k = 0;
        for (const cJSON *e = index->child; e; e = e->next, k++) {
            if (!cJSON_IsString(e) || !e->valuestring) {
                free(ids);
                return fail(d, "category index %zu: expected a string, got %s", k,
                            feedjson_type_name(e));
            }
            ids[k] = e->valuestring;
        }
        *raw = ids;
        *n = cnt;
        return true;
    }
    if (cJSON_IsObject(index)) {
        size_t cnt = count_items(index);
        const char **ids = xcalloc(cnt + 1, sizeof *ids);
        for (const cJSON *e = index->child; e; e = e->next) {
            size_t pos;
            bool ok = cJSON_IsNumber(e) && e->valuedouble >= 0 &&
                      e->valuedouble == floor(e->valuedouble) && e->valuedouble < (double)cnt;
            pos = ok ? (size_t)e->valuedouble : 0;
            if (!ok || ids[pos]) {
                char *id = text_clean(e->string, (size_t)-1, ID_BYTES);
                fail(d, "category index \"%s\": %s position", id, ok ? "duplicate" : "invalid");
                free(id);
                free(ids);
                return false;
            }
            ids[pos] = e->string;
        }
        *raw = ids; /* cnt distinct positions below cnt: every slot is filled */
        *n = cnt;
        return true;
    }
    if (index && !cJSON_IsNull(index))
        return fail(d, "category index: expected an array or object, got %s",
                    feedjson_type_name(index));
    /* No index: allowed for one category, and label order is the only order left. */
    if (labels && labels->child) {
        size_t cnt = count_items(labels);
        const char **ids = xcalloc(cnt + 1, sizeof *ids);
        size_t k = 0;
        for (const cJSON *e = labels->child; e; e = e->next)
            ids[k++] = e->string;
        *raw = ids;
        *n = cnt;
        return true;
    }
    return fail(d, "category has neither index nor label");
}

/* Decodes dimension object dj into dm. size is the declared size or JSONSTAT_NONE. */
static bool dimension_decode(struct dec *d, const cJSON *dj, const char *raw_id, size_t size,
                             struct jsonstat_dimension *dm)
{
    dm->id = text_clean(raw_id, (size_t)-1, ID_BYTES);
    size_t wlen = strlen(d->where);
    snprintf(d->where + wlen, sizeof d->where - wlen, ": dimension %s", dm->id);
    bool ok = false;
    const char **raw = NULL;
    /* Raw (uncleaned) category id -> position, for the label, unit and child objects, which
     * are keyed by the ids as sent; the keys belong to the cJSON tree. Thousands of communes
     * would make a linear search quadratic. */
    struct strmap map = {0};
    const cJSON *cat = object_member(dj, "category");
    size_t n = 0;
    if (!cat) {
        fail(d, "no category object");
        goto out;
    }
    if (!category_ids(d, cat, &raw, &n))
        goto out;
    if (size != JSONSTAT_NONE && n != size) {
        fail(d, "category index has %zu entries, size says %zu", n, size);
        goto out;
    }
    if (n == 0) {
        fail(d, "no categories");
        goto out;
    }
    for (size_t k = 0; k < n; k++) {
        if (strmap_put(&map, raw[k], k) != STRMAP_NONE) {
            char *id = text_clean(raw[k], (size_t)-1, ID_BYTES);
            fail(d, "category \"%s\" listed twice", id);
            free(id);
            goto out;
        }
    }
    dm->size = n;
    dm->cats = xcalloc(n, sizeof *dm->cats);
    for (size_t k = 0; k < n; k++) {
        dm->cats[k].id = text_clean(raw[k], (size_t)-1, ID_BYTES);
        dm->cats[k].parent = JSONSTAT_NONE;
    }
    dm->label = feedjson_string_member(dj, "label", 0);
    if (!dm->label)
        dm->label = xstrdup(dm->id);

    const cJSON *labels = object_member(cat, "label");
    for (const cJSON *e = labels ? labels->child : NULL; e; e = e->next) {
        size_t k = strmap_get(&map, e->string);
        if (k != JSONSTAT_NONE && !dm->cats[k].label && cJSON_IsString(e) && e->valuestring)
            dm->cats[k].label = text_clean(e->valuestring, (size_t)-1, 0);
    }
    for (size_t k = 0; k < n; k++)
        if (!dm->cats[k].label || !*dm->cats[k].label) {
            free(dm->cats[k].label);
            dm->cats[k].label = xstrdup(dm->cats[k].id);
        }

    const cJSON *units = object_member(cat, "unit");
    for (const cJSON *e = units ? units->child : NULL; e; e = e->next) {
        size_t k = strmap_get(&map, e->string);
        if (k != JSONSTAT_NONE && !dm->cats[k].unit && cJSON_IsObject(e))
            dm->cats[k].unit = unit_decode(e);
    }

    const cJSON *child = object_member(cat, "child");
    for (const cJSON *e = child ? child->child : NULL; e; e = e->next) {
        size_t parent = strmap_get(&map, e->string);
        if (parent == JSONSTAT_NONE || !cJSON_IsArray(e))
            continue;
        for (const cJSON *c = e->child; c; c = c->next) {
            size_t k = cJSON_IsString(c) ? strmap_get(&map, c->valuestring) : JSONSTAT_NONE;
            if (k != JSONSTAT_NONE && k != parent)
                dm->cats[k].parent = parent;
        }
    }
    ok = true;
out:
    free(raw);
    strmap_free(&map);
    d->where[wlen] = '\0';
    return ok;
}

/* ---- values and statuses ---------------------------------------------------------------- */

static void value_set(struct jsonstat_dataset *ds, size_t pos, const cJSON *v)
{
    double x;
    if (ds->texts && ds->texts[pos]) {
        free(ds->texts[pos]); /* a duplicate key in a sparse object: the last one wins */
        ds->texts[pos] = NULL;
    }
    ds->flags[pos] = JSONSTAT_CELL_MISSING;
    ds->values[pos] = NAN;
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        ds->values[pos] = v->valuedouble;
        ds->flags[pos] = 0;
    } else if (cJSON_IsString(v) && v->valuestring) {
        /* "1e400" overflows to inf: kept as text, like any string that is not a value. */
        if (feedjson_parse_number(v->valuestring, &x) && isfinite(x)) {
            ds->values[pos] = x;
            ds->flags[pos] = 0;
        } else {
            if (!ds->texts)
                ds->texts = xcalloc(ds->ncells, sizeof *ds->texts);
            ds->texts[pos] = text_clean(v->valuestring, (size_t)-1, 0);
            ds->flags[pos] |= JSONSTAT_CELL_TEXT;
        }
    }
    /* null, booleans, objects: missing. */
}

static bool values_decode(struct dec *d, const cJSON *value, struct jsonstat_dataset *ds)
{
    if (cJSON_IsArray(value)) {
        size_t n = count_items(value);
        if (n != ds->ncells)
            return fail(d, "value has %zu entries, size product is %zu", n, ds->ncells);
    } else if (cJSON_IsObject(value)) {
        if (ds->ncells > JSONSTAT_MAX_SPARSE_CELLS)
            return fail(d, "%zu cells in sparse form, more than the %zu allowed", ds->ncells,
                        JSONSTAT_MAX_SPARSE_CELLS);
    } else {
        return fail(d, "value: expected an array or object, got %s", feedjson_type_name(value));
    }
    ds->values = xmalloc(ds->ncells * sizeof *ds->values);
    ds->flags = xmalloc(ds->ncells);
    for (size_t k = 0; k < ds->ncells; k++)
        ds->values[k] = NAN;
    memset(ds->flags, JSONSTAT_CELL_MISSING, ds->ncells);
    if (cJSON_IsArray(value)) {
        size_t k = 0;
        for (const cJSON *e = value->child; e; e = e->next)
            value_set(ds, k++, e);
    } else {
        for (const cJSON *e = value->child; e; e = e->next) {
            size_t pos;
            if (!parse_pos(e->string, ds->ncells, &pos)) {
                char *key = text_clean(e->string, (size_t)-1, ID_BYTES);
                fail(d, "value key \"%s\" is not a cell position below %zu", key, ds->ncells);
                free(key);
                return false;
            }
            value_set(ds, pos, e);
        }
    }
    for (size_t k = 0; k < ds->ncells; k++)
        ds->nmissing += ds->flags[k] & JSONSTAT_CELL_MISSING;
    return true;
}

/* Distinct symbols as sent, so each is cleaned once however many cells carry it. */
struct status_tab {
    const char *raw[JSONSTAT_MAX_STATUSES];
};

/* Returns 1 + the symbol's index, 0 for no status (null, ""), -1 when there are too many. */
static int status_intern(struct status_tab *t, struct jsonstat_dataset *ds, const cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring)
        return 0;
    for (size_t k = 0; k < ds->nstatuses; k++)
        if (strcmp(t->raw[k], v->valuestring) == 0)
            return (int)k + 1;
    if (ds->nstatuses >= JSONSTAT_MAX_STATUSES)
        return -1;
    if (!ds->statuses) {
        ds->statuses = xcalloc(JSONSTAT_MAX_STATUSES, sizeof *ds->statuses);
        ds->status_labels = xcalloc(JSONSTAT_MAX_STATUSES, sizeof *ds->status_labels);
    }
    t->raw[ds->nstatuses] = v->valuestring;
    ds->statuses[ds->nstatuses] = text_clean(v->valuestring, (size_t)-1, STATUS_BYTES);
    return (int)++ds->nstatuses;
}

static bool status_put(struct dec *d, struct status_tab *t, struct jsonstat_dataset *ds, size_t pos,
                       const cJSON *v)
{
    int s = status_intern(t, ds, v);
    if (s < 0)
        return fail(d, "status: more than %d distinct symbols", JSONSTAT_MAX_STATUSES);
    ds->status[pos] = (uint8_t)s;
    return true;
}

static bool status_all(struct dec *d, struct status_tab *t, struct jsonstat_dataset *ds,
                       const cJSON *v)
{
    if (!status_put(d, t, ds, 0, v))
        return false;
    memset(ds->status, ds->status[0], ds->ncells);
    return true;
}

static bool status_decode(struct dec *d, const cJSON *st, const cJSON *labels,
                          struct jsonstat_dataset *ds)
{
    if (!st || cJSON_IsNull(st))
        return true;
    /* Old Eurostat: {"value": [...], "category": {"label": {":": "not available"}}}. */
    if (cJSON_IsObject(st) &&
        (cJSON_IsArray(member(st, "value")) || cJSON_IsString(member(st, "value")))) {
        labels = object_member(object_member(st, "category"), "label");
        st = member(st, "value");
    }
    struct status_tab t = {{0}};
    ds->status = xcalloc(ds->ncells, 1);
    bool ok = true;
    if (cJSON_IsString(st)) {
        ok = status_all(d, &t, ds, st);
    } else if (cJSON_IsArray(st)) {
        size_t n = count_items(st);
        if (n == 1) {
            ok = status_all(d, &t, ds, st->child);
        } else if (n == ds->ncells) {
            size_t k = 0;
            for (const cJSON *e = st->child; e && ok; e = e->next)
                ok = status_put(d, &t, ds, k++, e);
        } else {
            return fail(d, "status has %zu entries, expected 1 or %zu", n, ds->ncells);
        }
    } else if (cJSON_IsObject(st)) {
        for (const cJSON *e = st->child; e && ok; e = e->next) {
            size_t pos;
            if (!parse_pos(e->string, ds->ncells, &pos)) {
                char *key = text_clean(e->string, (size_t)-1, ID_BYTES);
                fail(d, "status key \"%s\" is not a cell position below %zu", key, ds->ncells);
                free(key);
                return false;
            }
            ok = status_put(d, &t, ds, pos, e);
        }
    } else {
        return fail(d, "status: expected a string, array or object, got %s",
                    feedjson_type_name(st));
    }
    for (size_t k = 0; ok && labels && k < ds->nstatuses; k++) {
        const cJSON *l = member(labels, t.raw[k]);
        if (cJSON_IsString(l) && l->valuestring)
            ds->status_labels[k] = text_clean(l->valuestring, (size_t)-1, 0);
    }
    return ok;
}

/* ---- datasets ----------------------------------------------------------------------------- */

static void roles_decode(const cJSON *roles, struct jsonstat_dataset *ds, const char **raw_ids)
{
    static const struct {
        const char *key;
        enum jsonstat_role role;
    } names[] = {
        {"time", JSONSTAT_ROLE_TIME}, {"geo", JSONSTAT_ROLE_GEO}, {"metric", JSONSTAT_ROLE_METRIC}};
    for (size_t r = 0; r < ARRAY_LEN(names); r++) {
        const cJSON *list = member(roles, names[r].key);
        /* A bare string instead of a one-element list is read the same way. */
        const cJSON *first = cJSON_IsArray(list) ? list->child : list;
        unsigned rank = 0;
        for (const cJSON *e = first; e; e = cJSON_IsArray(list) ? e->next : NULL) {
            if (!cJSON_IsString(e) || !e->valuestring)
                continue;
            for (size_t k = 0; k < ds->ndims; k++) {
                if (ds->dims[k].role == JSONSTAT_ROLE_NONE &&
                    strcmp(raw_ids[k], e->valuestring) == 0) {
                    ds->dims[k].role = names[r].role;
                    ds->dims[k].role_rank = rank++;
                }
            }
        }
    }
}

static void meta_decode(const cJSON *o, struct jsonstat_dataset *ds)
{
    ds->label = feedjson_string_member(o, "label", 0);
    if (!ds->label)
        ds->label = feedjson_string_member(o, "title", 0); /* old Eurostat */
    ds->source = feedjson_string_member(o, "source", 0);
    ds->href = feedjson_string_member(o, "href", 0);
    ds->updated = feedjson_string_member(o, "updated", 64);
    const cJSON *ms = member(o, "lastUpdateDate"); /* old Eurostat: epoch milliseconds */
    if (!ds->updated && cJSON_IsNumber(ms) && isfinite(ms->valuedouble) &&
        fabs(ms->valuedouble) < 1e15) {
        char buf[40];
        clock_format_iso((int64_t)(ms->valuedouble / 1000), 0, buf, sizeof buf);
        ds->updated = xstrdup(buf);
    }
    const cJSON *version = member(o, "version");
    ds->version =
        cJSON_IsString(version) && version->valuestring && version->valuestring[0] >= '2' ? 2 : 1;
}

static struct jsonstat_dataset *dataset_decode(struct dec *d, const cJSON *o, const char *name)
{
    struct jsonstat_dataset *ds = xcalloc(1, sizeof *ds);
    if (name)
        ds->name = text_clean(name, (size_t)-1, ID_BYTES);
    const cJSON *dimobj = object_member(o, "dimension");
    const cJSON *ids = member(o, "id");
    const cJSON *sizes = member(o, "size");
    const cJSON *roles = object_member(o, "role");
    /* 1.x keeps id, size and role inside "dimension". */
    if (!ids)
        ids = member(dimobj, "id");
    if (!sizes)
        sizes = member(dimobj, "size");
    if (!roles)
        roles = object_member(dimobj, "role");
    const char *raw_ids[JSONSTAT_MAX_DIMS];
    size_t declared[JSONSTAT_MAX_DIMS];

    if (!dimobj) {
        fail(d, "no dimension object");
        goto bad;
    }
    if (!cJSON_IsArray(ids) || !ids->child) {
        fail(d, "id: expected a list of dimension ids, got %s", feedjson_type_name(ids));
        goto bad;
    }
    ds->ndims = count_items(ids);
    if (ds->ndims > JSONSTAT_MAX_DIMS) {
        fail(d, "%zu dimensions, more than the %d allowed", ds->ndims, JSONSTAT_MAX_DIMS);
        goto bad;
    }
    size_t k = 0;
    for (const cJSON *e = ids->child; e; e = e->next, k++) {
        if (!cJSON_IsString(e) || !e->valuestring) {
            fail(d, "id %zu: expected a string, got %s", k, feedjson_type_name(e));
            goto bad;
        }
        raw_ids[k] = e->valuestring;
        for (size_t j = 0; j < k; j++)
            if (strcmp(raw_ids[j], raw_ids[k]) == 0) {
                char *id = text_clean(raw_ids[k], (size_t)-1, ID_BYTES);
                fail(d, "dimension %s listed twice in id", id);
                free(id);
                goto bad;
            }
        declared[k] = JSONSTAT_NONE;
    }
    if (sizes) {
        if (!cJSON_IsArray(sizes) || count_items(sizes) != ds->ndims) {
            fail(d, "size: expected %zu sizes, got %s of %zu", ds->ndims, feedjson_type_name(sizes),
                 count_items(sizes));
            goto bad;
        }
        k = 0;
        for (const cJSON *e = sizes->child; e; e = e->next, k++) {
            if (!parse_size(e, &declared[k])) {
                fail(d, "size %zu: expected a positive integer, got %s", k, feedjson_type_name(e));
                goto bad;
            }
        }
    } /* no size at all: taken from the categories, which are checked against each other */

    ds->dims = xcalloc(ds->ndims, sizeof *ds->dims);
    ds->ncells = 1;
    for (k = 0; k < ds->ndims; k++) {
        const cJSON *dj = object_member(dimobj, raw_ids[k]);
        if (!dj) {
            char *id = text_clean(raw_ids[k], (size_t)-1, ID_BYTES);
            fail(d, "dimension %s: missing from the dimension object", id);
            free(id);
            goto bad;
        }
        if (!dimension_decode(d, dj, raw_ids[k], declared[k], &ds->dims[k]))
            goto bad;
        /* SIZE_MAX / 16: room for the 8-byte values and the flags without overflow. */
        if (ds->ncells > (SIZE_MAX / 16) / ds->dims[k].size) {
            fail(d, "size product overflows");
            goto bad;
        }
        ds->ncells *= ds->dims[k].size;
    }
    roles_decode(roles, ds, raw_ids);
    meta_decode(o, ds);

    const cJSON *value = member(o, "value");
    if (!value) {
        fail(d, "no value");
        goto bad;
    }
    if (!values_decode(d, value, ds))
        goto bad;
    const cJSON *ext_labels =
        object_member(object_member(object_member(o, "extension"), "status"), "label");
    if (!status_decode(d, member(o, "status"), ext_labels, ds))
        goto bad;
    return ds;
bad:
    dataset_free(ds);
    return NULL;
}

static void where_dataset(struct dec *d, const char *name)
{
    if (!name || strcmp(name, "dataset") == 0) {
        snprintf(d->where, sizeof d->where, "dataset");
    } else {
        char *clean = text_clean(name, (size_t)-1, 64);
        snprintf(d->where, sizeof d->where, "dataset %s", clean);
        free(clean);
    }
}

static void doc_add(struct jsonstat_doc *doc, struct jsonstat_dataset *ds, size_t *cap)
{
    doc->datasets = xgrow(doc->datasets, cap, doc->ndatasets + 1, sizeof *doc->datasets);
    doc->datasets[doc->ndatasets++] = ds;
}

/* ---- top level ---------------------------------------------------------------------------- */

/* JSON-stat 2.0 "error": [{"status","id","label"}], or class "error" with a label. */
static void server_error(const cJSON *root, char *err, size_t errsz)
{
    struct buf b = {0};
    const cJSON *list = member(root, "error");
    const cJSON *first = cJSON_IsArray(list) ? list->child : list;
    int n = 0;
    for (const cJSON *e = first; e && n < 4; e = cJSON_IsArray(list) ? e->next : NULL, n++) {
        const cJSON *st = member(e, "status");
        const cJSON *label = member(e, "label");
        if (!cJSON_IsString(label))
            label = member(e, "id");
        if (b.len)
            buf_append(&b, "; ", 2);
        if (cJSON_IsNumber(st))
            buf_appendf(&b, "%.0f: ", st->valuedouble);
        else if (cJSON_IsString(st) && st->valuestring)
            buf_appendf(&b, "%.16s: ", st->valuestring);
        if (cJSON_IsString(label) && label->valuestring)
            buf_appendf(&b, "%.*s", ERRTEXT_BYTES, label->valuestring);
        else if (cJSON_IsString(e) && e->valuestring)
            buf_appendf(&b, "%.*s", ERRTEXT_BYTES, e->valuestring);
    }
    if (!b.len) {
        const cJSON *label = member(root, "label");
        if (cJSON_IsString(label) && label->valuestring)
            buf_appendf(&b, "%.*s", ERRTEXT_BYTES, label->valuestring);
    }
    char *clean = text_clean(b.data, b.len, ERRTEXT_BYTES);
    buf_free(&b);
    feedjson_set_err(err, errsz, "server error: %s", *clean ? clean : "(no description)");
    free(clean);
}

static bool collection_decode(struct dec *d, const cJSON *root, struct jsonstat_doc *doc)
{
    doc->cls = JSONSTAT_COLLECTION;
    const cJSON *items = member(object_member(root, "link"), "item");
    if (!cJSON_IsArray(items))
        return fail(d, "no link.item list");
    size_t cap = 0;
    doc->items = xcalloc(count_items(items) + 1, sizeof *doc->items);
    size_t k = 0;
    for (const cJSON *e = items->child; e; e = e->next, k++) {
        struct jsonstat_link *l = &doc->items[doc->nitems++];
        l->cls = feedjson_string_member(e, "class", 32);
        l->href = feedjson_string_member(e, "href", 0);
        l->label = feedjson_string_member(e, "label", 0);
        if (object_member(e, "dimension")) {
            snprintf(d->where, sizeof d->where, "collection item %zu", k);
            struct jsonstat_dataset *ds = dataset_decode(d, e, NULL);
            if (!ds)
                return false;
            doc_add(doc, ds, &cap);
            l->dataset = ds;
        }
    }
    return true;
}

struct jsonstat_doc *jsonstat_parse(const char *body, size_t len, char *err, size_t errsz)
{
    feedjson_set_err(err, errsz, "%s", "");
    cJSON *root = feedjson_parse_object(body, len, "jsonstat", err, errsz);
    if (!root)
        return NULL;
    struct dec d = {.err = err, .errsz = errsz};
    snprintf(d.where, sizeof d.where, "jsonstat");
    struct jsonstat_doc *doc = xcalloc(1, sizeof *doc);
    bool ok = false;
    size_t cap = 0;
    const cJSON *cls = member(root, "class");
    const char *c = cJSON_IsString(cls) ? cls->valuestring : NULL;

    if ((c && strcmp(c, "error") == 0) || member(root, "error")) {
        server_error(root, err, errsz);
    } else if (c && strcmp(c, "collection") == 0) {
        doc->label = feedjson_string_member(root, "label", 0);
        ok = collection_decode(&d, root, doc);
    } else if (c && strcmp(c, "dimension") == 0) {
        doc->cls = JSONSTAT_DIMENSION;
        doc->label = feedjson_string_member(root, "label", 0);
        doc->dimension = xcalloc(1, sizeof *doc->dimension);
        const cJSON *id = member(root, "id");
        snprintf(d.where, sizeof d.where, "dimension document");
        ok =
            dimension_decode(&d, root, cJSON_IsString(id) && id->valuestring ? id->valuestring : "",
                             JSONSTAT_NONE, doc->dimension);
    } else if (object_member(root, "dimension")) {
        doc->cls = JSONSTAT_DATASET;
        snprintf(d.where, sizeof d.where, "dataset");
        struct jsonstat_dataset *ds = dataset_decode(&d, root, NULL);
        if (ds) {
            doc_add(doc, ds, &cap);
            ok = true;
        }
    } else {
        /* 1.x bundle: every member holding a "dimension" object is a dataset. */
        doc->cls = JSONSTAT_BUNDLE;
        ok = true;
        for (const cJSON *e = root->child; e && ok; e = e->next) {
            if (!object_member(e, "dimension"))
                continue;
            where_dataset(&d, e->string);
            struct jsonstat_dataset *ds = dataset_decode(&d, e, e->string);
            if (ds)
                doc_add(doc, ds, &cap);
            else
                ok = false;
        }
        if (ok && !doc->ndatasets) {
            snprintf(d.where, sizeof d.where, "jsonstat");
            ok = fail(&d, "no dataset, collection or dimension in the document");
        }
    }
    cJSON_Delete(root);
    if (!ok) {
        jsonstat_doc_free(doc);
        return NULL;
    }
    return doc;
}

/* ---- access ----------------------------------------------------------------------------- */

size_t jsonstat_pos(const struct jsonstat_dataset *ds, const size_t *idx)
{
    if (!ds || !idx)
        return JSONSTAT_NONE;
    /* Row-major, last dimension fastest: pos = sum idx_i * prod_{j>i} size_j (Horner). */
    size_t pos = 0;
    for (size_t k = 0; k < ds->ndims; k++) {
        if (idx[k] >= ds->dims[k].size)
            return JSONSTAT_NONE;
        pos = pos * ds->dims[k].size + idx[k];
    }
    return pos;
}

void jsonstat_unravel(const struct jsonstat_dataset *ds, size_t pos, size_t *idx)
{
    for (size_t k = ds->ndims; k-- > 0;) {
        idx[k] = pos % ds->dims[k].size;
        pos /= ds->dims[k].size;
    }
}

size_t jsonstat_category_find(const struct jsonstat_dimension *d, const char *id)
{
    if (!d || !id)
        return JSONSTAT_NONE;
    for (size_t k = 0; k < d->size; k++)
        if (strcmp(d->cats[k].id, id) == 0)
            return k;
    return JSONSTAT_NONE;
}

size_t jsonstat_dim_index(const struct jsonstat_dataset *ds, const char *id)
{
    if (!ds || !id)
        return JSONSTAT_NONE;
    for (size_t k = 0; k < ds->ndims; k++)
        if (strcmp(ds->dims[k].id, id) == 0)
            return k;
    return JSONSTAT_NONE;
}

const struct jsonstat_dimension *jsonstat_dim_find(const struct jsonstat_dataset *ds,
                                                   const char *id)
{
    size_t k = jsonstat_dim_index(ds, id);
    return k == JSONSTAT_NONE ? NULL : &ds->dims[k];
}

size_t jsonstat_pos_by_ids(const struct jsonstat_dataset *ds, const char *const *ids)
{
    if (!ds || !ids)
        return JSONSTAT_NONE;
    size_t idx[JSONSTAT_MAX_DIMS];
    for (size_t k = 0; k < ds->ndims; k++) {
        idx[k] = ids[k] ? jsonstat_category_find(&ds->dims[k], ids[k]) : 0;
        if (idx[k] == JSONSTAT_NONE)
            return JSONSTAT_NONE;
    }
    return jsonstat_pos(ds, idx);
}

bool jsonstat_cell_at(const struct jsonstat_dataset *ds, size_t pos, struct jsonstat_cell *out)
{
    if (!ds || pos >= ds->ncells)
        return false;
    out->value = ds->values[pos];
    out->missing = ds->flags[pos] & JSONSTAT_CELL_MISSING;
    out->status = ds->status && ds->status[pos] ? ds->statuses[ds->status[pos] - 1] : NULL;
    out->text = ds->texts ? ds->texts[pos] : NULL;
    return true;
}

const char *jsonstat_status_label(const struct jsonstat_dataset *ds, const char *symbol)
{
    if (!ds || !symbol)
        return NULL;
    for (size_t k = 0; k < ds->nstatuses; k++)
        if (strcmp(ds->statuses[k], symbol) == 0)
            return ds->status_labels[k];
    return NULL;
}

/* ---- dataset -> indicator cells --------------------------------------------------------- */

/* Ids statistics offices and Vietnamese hubs use when they send no role, compared folded
 * (lower case, no marks, spaces and dashes as '_'). Eurostat's "unit" is a unit of measure,
 * not a place, so it is not among the geo names. */
static const char *const time_ids[] = {"time",       "tid",       "year",    "years", "period",
                                       "date",       "month",     "quarter", "nam",   "ky",
                                       "ky_bao_cao", "thoi_gian", "thoi_ky"};
static const char *const geo_ids[] = {
    "geo",    "region",     "area", "county", "country", "province", "commune", "ward",
    "don_vi", "dia_phuong", "xa",   "phuong", "ma_xa",   "dvhc",     "tinh",    "dia_ban"};
static const char *const metric_ids[] = {"contentscode", "concept",  "statistic", "indicator",
                                         "indic_na",     "indic",    "metric",    "chi_tieu",
                                         "ma_chi_tieu",  "tieu_chi", "variable"};
static const char *const plan_ids[] = {"plan", "ke_hoach", "kehoach", "target",
                                       "chi_tieu_ke_hoach"};
static const char *const actual_ids[] = {"actual", "thuc_hien", "thuchien", "result"};

static char *id_key(const char *s)
{
    char *f = text_fold(s);
    for (char *p = f; *p; p++)
        if (*p == ' ' || *p == '-')
            *p = '_';
    return f;
}

static bool id_in(const char *id, const char *const *list, size_t n)
{
    char *key = id_key(id);
    bool found = false;
    for (size_t k = 0; k < n && !found; k++)
        found = strcmp(key, list[k]) == 0;
    free(key);
    return found;
}

struct mapping {
    size_t unit, period, indicator, measure; /* dimension indexes or JSONSTAT_NONE */
    size_t plan_cat, actual_cat;
    bool taken[JSONSTAT_MAX_DIMS];
};

/* A configured id, else the first free dimension with the role, else with a known id. */
static bool pick(struct dec *d, const struct jsonstat_dataset *ds, struct mapping *m, size_t *slot,
                 const char *configured, enum jsonstat_role role, const char *const *names,
                 size_t nnames, const char *what)
{
    if (configured && *configured) {
        size_t k = jsonstat_dim_index(ds, configured);
        if (k == JSONSTAT_NONE || m->taken[k])
            return fail(d, "%s dimension \"%s\" is not in the dataset (or used twice)", what,
                        configured);
        *slot = k;
        m->taken[k] = true;
        return true;
    }
    if (*slot != JSONSTAT_NONE)
        return true;
    /* By role, in the order the role lists them; then by a well-known id. */
    for (size_t k = 0; k < ds->ndims && role != JSONSTAT_ROLE_NONE; k++) {
        if (!m->taken[k] && ds->dims[k].role == role &&
            (*slot == JSONSTAT_NONE || ds->dims[k].role_rank < ds->dims[*slot].role_rank))
            *slot = k;
    }
    for (size_t k = 0; k < ds->ndims && *slot == JSONSTAT_NONE && nnames; k++) {
        if (!m->taken[k] && id_in(ds->dims[k].id, names, nnames))
            *slot = k;
    }
    if (*slot != JSONSTAT_NONE)
        m->taken[*slot] = true;
    return true;
}

static size_t find_measure_cat(const struct jsonstat_dimension *dm, const char *configured,
                               const char *const *names, size_t nnames)
{
    for (size_t k = 0; k < dm->size; k++) {
        if (configured ? strcasecmp(dm->cats[k].id, configured) == 0
                       : id_in(dm->cats[k].id, names, nnames))
            return k;
    }
    return JSONSTAT_NONE;
}

static bool map_dims(struct dec *d, const struct jsonstat_dataset *ds,
                     const struct jsonstat_options *opt, struct mapping *m)
{
    *m = (struct mapping){.unit = JSONSTAT_NONE,
                          .period = JSONSTAT_NONE,
                          .indicator = JSONSTAT_NONE,
                          .measure = JSONSTAT_NONE,
                          .plan_cat = JSONSTAT_NONE,
                          .actual_cat = JSONSTAT_NONE};
    const char *plan = opt->plan_id && *opt->plan_id ? opt->plan_id : NULL;
    const char *actual = opt->actual_id && *opt->actual_id ? opt->actual_id : NULL;
    /* Configured ids first, so a role or a name cannot claim a dimension the user named. */
    if (opt->measure_dim && *opt->measure_dim) {
        size_t k = jsonstat_dim_index(ds, opt->measure_dim);
        if (k == JSONSTAT_NONE)
            return fail(d, "measure dimension \"%s\" is not in the dataset", opt->measure_dim);
        m->measure = k;
        m->taken[k] = true;
    }
    if (!pick(d, ds, m, &m->unit, opt->unit_dim, JSONSTAT_ROLE_NONE, NULL, 0, "unit") ||
        !pick(d, ds, m, &m->period, opt->period_dim, JSONSTAT_ROLE_NONE, NULL, 0, "period") ||
        !pick(d, ds, m, &m->indicator, opt->indicator_dim, JSONSTAT_ROLE_NONE, NULL, 0,
              "indicator"))
        return false;
    if (m->measure == JSONSTAT_NONE) {
        for (size_t k = 0; k < ds->ndims && m->measure == JSONSTAT_NONE; k++) {
            if (m->taken[k] || ds->dims[k].role != JSONSTAT_ROLE_NONE)
                continue;
            if (find_measure_cat(&ds->dims[k], plan, plan_ids, ARRAY_LEN(plan_ids)) !=
                    JSONSTAT_NONE ||
                find_measure_cat(&ds->dims[k], actual, actual_ids, ARRAY_LEN(actual_ids)) !=
                    JSONSTAT_NONE) {
                m->measure = k;
                m->taken[k] = true;
            }
        }
    }
    if (!pick(d, ds, m, &m->unit, NULL, JSONSTAT_ROLE_GEO, geo_ids, ARRAY_LEN(geo_ids), "unit") ||
        !pick(d, ds, m, &m->period, NULL, JSONSTAT_ROLE_TIME, time_ids, ARRAY_LEN(time_ids),
              "period") ||
        !pick(d, ds, m, &m->indicator, NULL, JSONSTAT_ROLE_METRIC, metric_ids,
              ARRAY_LEN(metric_ids), "indicator"))
        return false;
    if (m->measure != JSONSTAT_NONE) {
        const struct jsonstat_dimension *dm = &ds->dims[m->measure];
        m->plan_cat = find_measure_cat(dm, plan, plan_ids, ARRAY_LEN(plan_ids));
        m->actual_cat = find_measure_cat(dm, actual, actual_ids, ARRAY_LEN(actual_ids));
        if (m->plan_cat == JSONSTAT_NONE && m->actual_cat == JSONSTAT_NONE)
            return fail(d, "measure dimension %s has neither a plan nor an actual category",
                        dm->id);
    }
    if (m->unit == JSONSTAT_NONE && !(opt->default_unit && *opt->default_unit))
        return fail(d, "no unit dimension (no geo role, no known id): set unit_dim or "
                       "default_unit");
    if (m->period == JSONSTAT_NONE && !(opt->default_period && *opt->default_period))
        return fail(d, "no period dimension (no time role, no known id): set period_dim or "
                       "default_period");
    if (m->indicator == JSONSTAT_NONE && !(opt->default_indicator && *opt->default_indicator))
        return fail(d, "no indicator dimension (no metric role, no known id): set "
                       "indicator_dim or default_indicator");
    return true;
}

/* Per distinct status symbol, computed once per dataset. */
static uint8_t status_flags(const char *s)
{
    if (!s || !*s)
        return 0;
    char *key = id_key(s);
    uint8_t f = 0;
    static const char *const est[] = {"estimated", "estimate", "uoc_tinh", "uoc"};
    static const char *const prov[] = {"provisional", "preliminary", "so_bo"};
    for (size_t k = 0; k < ARRAY_LEN(est); k++)
        if (strcmp(key, est[k]) == 0)
            f = IND_STATUS_ESTIMATED;
    for (size_t k = 0; k < ARRAY_LEN(prov); k++)
        if (strcmp(key, prov[k]) == 0)
            f = IND_STATUS_PROVISIONAL;
    /* Eurostat combines letter flags ("ep" = estimated and provisional). */
    size_t n = strlen(key);
    if (!f && n <= 3) {
        for (size_t k = 0; k < n; k++) {
            if (key[k] == 'e')
                f |= IND_STATUS_ESTIMATED;
            else if (key[k] == 'p')
                f |= IND_STATUS_PROVISIONAL;
            else
                f |= IND_STATUS_OTHER;
        }
    }
    free(key);
    return f ? f : IND_STATUS_OTHER;
}

static void read_cell(const struct jsonstat_dataset *ds, const uint8_t *sflags, size_t pos,
                      double *value, uint8_t *status)
{
    *value = ds->values[pos];
    *status = ds->status && ds->status[pos] ? sflags[ds->status[pos] - 1] : 0;
}

static void fill_meta(const struct jsonstat_dataset *ds, const struct jsonstat_options *opt,
                      const struct mapping *m, const size_t *idx, struct indicator_meta *meta)
{
    const struct jsonstat_category *cat =
        m->indicator != JSONSTAT_NONE ? &ds->dims[m->indicator].cats[idx[m->indicator]] : NULL;
    struct buf label = {0};
    const char *base = cat ? cat->label : ds->label ? ds->label : opt->default_indicator;
    buf_appendf(&label, "%s", base);
    const char *sep = " — ";
    for (size_t k = 0; k < ds->ndims; k++) {
        if (m->taken[k] || ds->dims[k].size < 2)
            continue;
        buf_appendf(&label, "%s%s", sep, ds->dims[k].cats[idx[k]].label);
        sep = ", ";
    }
    free(meta->label);
    meta->label = buf_take(&label);
    if (cat && cat->unit) {
        const struct jsonstat_unit *u = cat->unit;
        const char *name = u->label ? u->label : u->symbol ? u->symbol : u->base;
        free(meta->unit);
        meta->unit = name ? xstrdup(name) : NULL;
        meta->decimals = u->decimals;
    }
    const char *base_id = cat ? cat->id : opt->default_indicator;
    for (size_t k = 0; k < opt->ndirections; k++) {
        const char *want = opt->directions[k].indicator;
        if (want && (strcmp(want, meta->id) == 0 || strcmp(want, base_id) == 0)) {
            meta->direction = opt->directions[k].direction;
            return;
        }
    }
    meta->direction = indicator_direction_guess(base_id, cat ? cat->label : meta->label);
}

bool jsonstat_to_indicators(const struct jsonstat_dataset *ds, const struct jsonstat_options *opt,
                            struct indicator_batch *out, char *err, size_t errsz)
{
    static const struct jsonstat_options no_options;
    if (!opt)
        opt = &no_options;
    struct dec d = {.err = err, .errsz = errsz};
    where_dataset(&d, ds ? ds->name : NULL);
    if (!ds || !out)
        return fail(&d, "nothing to map");
    struct mapping m;
    if (!map_dims(&d, ds, opt, &m))
        return false;
    uint8_t sflags[JSONSTAT_MAX_STATUSES];
    for (size_t k = 0; k < ds->nstatuses; k++)
        sflags[k] = status_flags(ds->statuses[k]);

    size_t idx[JSONSTAT_MAX_DIMS] = {0};
    struct buf id = {0};
    /* An odometer over every dimension but the measure, last dimension fastest. */
    for (;;) {
        const char *unit =
            m.unit != JSONSTAT_NONE ? ds->dims[m.unit].cats[idx[m.unit]].id : opt->default_unit;
        const char *period = m.period != JSONSTAT_NONE ? ds->dims[m.period].cats[idx[m.period]].id
                                                       : opt->default_period;
        buf_reset(&id);
        buf_appendf(&id, "%s",
                    m.indicator != JSONSTAT_NONE ? ds->dims[m.indicator].cats[idx[m.indicator]].id
                                                 : opt->default_indicator);
        for (size_t k = 0; k < ds->ndims; k++)
            if (!m.taken[k] && ds->dims[k].size > 1)
                buf_appendf(&id, "|%s", ds->dims[k].cats[idx[k]].id);

        size_t nmeta = out->nmeta;
        struct indicator_cell *c = indicator_batch_push(out, unit, id.data, period);
        if (out->nmeta > nmeta)
            fill_meta(ds, opt, &m, idx, &out->meta[out->nmeta - 1]);
        if (m.measure == JSONSTAT_NONE) {
            read_cell(ds, sflags, jsonstat_pos(ds, idx), &c->actual, &c->actual_status);
        } else {
            if (m.plan_cat != JSONSTAT_NONE) {
                idx[m.measure] = m.plan_cat;
                read_cell(ds, sflags, jsonstat_pos(ds, idx), &c->plan, &c->plan_status);
            }
            if (m.actual_cat != JSONSTAT_NONE) {
                idx[m.measure] = m.actual_cat;
                read_cell(ds, sflags, jsonstat_pos(ds, idx), &c->actual, &c->actual_status);
            }
            idx[m.measure] = 0;
        }

        size_t k = ds->ndims;
        while (k-- > 0) {
            if (k == m.measure)
                continue;
            if (++idx[k] < ds->dims[k].size)
                break;
            idx[k] = 0;
        }
        if (k == (size_t)-1)
            break;
    }
    buf_free(&id);
    return true;
}

struct indicator_batch *jsonstat_parse_indicators(const char *body, size_t len,
                                                  const struct jsonstat_options *opt, char *err,
                                                  size_t errsz)
{
    struct jsonstat_doc *doc = jsonstat_parse(body, len, err, errsz);
    if (!doc)
        return NULL;
    struct indicator_batch *b = NULL;
    if (doc->cls == JSONSTAT_DIMENSION) {
        feedjson_set_err(err, errsz, "dimension: a lone dimension has no values");
    } else if (!doc->ndatasets) {
        feedjson_set_err(err, errsz,
                         "collection: %zu links and no embedded dataset: fetch the item hrefs",
                         doc->nitems);
    } else {
        b = indicator_batch_new();
        for (size_t k = 0; k < doc->ndatasets; k++) {
            if (!jsonstat_to_indicators(doc->datasets[k], opt, b, err, errsz)) {
                indicator_batch_free(b);
                b = NULL;
                break;
            }
        }
    }
    jsonstat_doc_free(doc);
    return b;
}

struct jsonstat_feed_page *jsonstat_parse_feed(const char *body, size_t len,
                                               const struct jsonstat_options *opt, char *err,
                                               size_t errsz)
{
    struct jsonstat_doc *doc = jsonstat_parse(body, len, err, errsz);
    if (!doc)
        return NULL;
    if (doc->cls == JSONSTAT_DIMENSION) {
        feedjson_set_err(err, errsz, "dimension: a lone dimension has no values");
        jsonstat_doc_free(doc);
        return NULL;
    }
    struct jsonstat_feed_page *p = xcalloc(1, sizeof *p);
    p->batch = indicator_batch_new();
    p->collection = doc->cls == JSONSTAT_COLLECTION;
    for (size_t k = 0; k < doc->ndatasets; k++) {
        if (!jsonstat_to_indicators(doc->datasets[k], opt, p->batch, err, errsz)) {
            jsonstat_feed_page_free(p);
            jsonstat_doc_free(doc);
            return NULL;
        }
    }
    if (doc->nitems)
        p->hrefs = xcalloc(doc->nitems, sizeof *p->hrefs);
    for (size_t k = 0; k < doc->nitems; k++) {
        const struct jsonstat_link *l = &doc->items[k];
        if (l->dataset)
            continue; /* embedded: already cells */
        /* A nested collection would make one poll a crawl; a dimension has no values. */
        bool followable = l->href && (!l->cls || strcmp(l->cls, "dataset") == 0);
        if (!followable || p->nhrefs >= JSONSTAT_MAX_ITEMS) {
            p->skipped++;
            continue;
        }
        p->hrefs[p->nhrefs++] = xstrdup(l->href);
    }
    jsonstat_doc_free(doc);
    return p;
}

void jsonstat_feed_page_free(struct jsonstat_feed_page *p)
{
    if (!p)
        return;
    indicator_batch_free(p->batch);
    for (size_t k = 0; k < p->nhrefs; k++)
        free(p->hrefs[k]);
    free(p->hrefs);
    free(p);
}
