/* Unit lists: a hub's JSON or the bundled CSV, into a unit batch. */
#include "citydeck/unitlist.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck-config.h"
#include "citydeck/feedjson.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

#define BUNDLED_FILE "vn-units-2025-new.csv"
#define BUNDLED_MAX_BYTES (4u << 20)

static char *member_text(const cJSON *obj, const char *key)
{
    char buf[64];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    const char *s = feedjson_scalar_text(v, true, buf, sizeof buf);
    return s && *s ? feedjson_clean(s, strlen(s), 256) : NULL;
}

static bool read_unit(const cJSON *j, const char *parent, struct unit_batch *b, size_t index,
                      char *err, size_t errsz)
{
    if (!cJSON_IsObject(j)) {
        feedjson_set_err(err, errsz, "units: item %zu: expected an object, got %s", index + 1,
                         feedjson_type_name(j));
        return false;
    }
    char *code = member_text(j, "code");
    if (!code) {
        feedjson_set_err(err, errsz, "units: item %zu: no code", index + 1);
        return false;
    }
    struct unit *u = unit_batch_push(b);
    u->code = code;
    u->name = feedjson_string_member(j, "name", 256);
    u->full_name = feedjson_string_member(j, "full_name", 256);
    char *type = feedjson_string_member(j, "type", 64);
    u->type = unit_type_parse(type);
    free(type);
    char *own_parent = member_text(j, "parent");
    u->parent = own_parent ? own_parent : parent ? xstrdup(parent) : NULL;
    double d;
    if (feedjson_number(cJSON_GetObjectItemCaseSensitive(j, "population"), &d) && d >= 0)
        u->population = (int64_t)d;
    double lat, lon;
    if (feedjson_number(cJSON_GetObjectItemCaseSensitive(j, "lat"), &lat) &&
        feedjson_number(cJSON_GetObjectItemCaseSensitive(j, "lon"), &lon) && fabs(lat) <= 90 &&
        fabs(lon) <= 180 && !(lat == 0 && lon == 0)) {
        u->lat = lat;
        u->lon = lon;
        u->has_location = true;
    }
    return true;
}

static bool read_units(const cJSON *arr, const char *parent, struct unit_batch *b, char *err,
                       size_t errsz)
{
    size_t i = 0;
    const cJSON *j;
    cJSON_ArrayForEach(j, arr)
    {
        if (!read_unit(j, parent, b, i++, err, errsz))
            return false;
    }
    return true;
}

struct unit_batch *unitlist_parse_json(const char *body, size_t len, char *err, size_t errsz)
{
    cJSON *root = feedjson_parse(body, len, err, errsz);
    if (!root)
        return NULL;
    struct unit_batch *b = unit_batch_new();
    bool ok = true;
    if (cJSON_IsArray(root)) {
        ok = read_units(root, NULL, b, err, errsz);
    } else if (cJSON_IsObject(root)) {
        const cJSON *prov = cJSON_GetObjectItemCaseSensitive(root, "province");
        if (cJSON_IsObject(prov)) {
            b->province_code = member_text(prov, "code");
            b->province_name = feedjson_string_member(prov, "name", 256);
        }
        const cJSON *units = cJSON_GetObjectItemCaseSensitive(root, "units");
        const cJSON *districts = cJSON_GetObjectItemCaseSensitive(root, "districts");
        if (cJSON_IsArray(units)) {
            ok = read_units(units, b->province_code, b, err, errsz);
        } else if (cJSON_IsArray(districts)) {
            /* A pre-2025 tree: districts become units of their own, parents of theirs. */
            size_t i = 0;
            const cJSON *d;
            cJSON_ArrayForEach(d, districts)
            {
                if (!(ok = read_unit(d, b->province_code, b, i++, err, errsz)))
                    break;
                struct unit *du = &b->items[b->n - 1];
                if (du->type == UNIT_OTHER)
                    du->type = UNIT_DISTRICT;
                char *dcode = xstrdup(du->code);
                ok = read_units(cJSON_GetObjectItemCaseSensitive(d, "units"), dcode, b, err, errsz);
                free(dcode);
                if (!ok)
                    break;
            }
        } else {
            feedjson_set_err(err, errsz, "units: no \"units\" or \"districts\" list");
            ok = false;
        }
    } else {
        feedjson_set_err(err, errsz, "units: expected an array or object, got %s",
                         feedjson_type_name(root));
        ok = false;
    }
    cJSON_Delete(root);
    if (!ok) {
        unit_batch_free(b);
        return NULL;
    }
    return b;
}

/* Splits one CSV line on commas (the bundled file has no quoted fields) into at most n
 * fields; returns how many. */
static size_t csv_fields(char *line, char **f, size_t n)
{
    size_t k = 0;
    for (char *p = line; k < n;) {
        f[k++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return k;
}

static bool same_province(const char *a, const char *b)
{
    /* "5" and "05" are the same province code. */
    return strtol(a, NULL, 10) == strtol(b, NULL, 10) && *a && *b;
}

struct unit_batch *unitlist_parse_csv(const char *text, size_t len, const char *province, char *err,
                                      size_t errsz)
{
    struct unit_batch *b = unit_batch_new();
    char *copy = xstrndup(text, len);
    size_t lineno = 0;
    for (char *save = NULL, *line = strtok_r(copy, "\r\n", &save); line;
         line = strtok_r(NULL, "\r\n", &save)) {
        if (lineno++ == 0)
            continue; /* the header */
        char *f[7];
        if (csv_fields(line, f, 7) < 6)
            continue;
        if (!same_province(f[0], province))
            continue;
        if (!b->province_code) {
            b->province_code = text_clean(f[0], (size_t)-1, 16);
            b->province_name = text_clean(f[1], (size_t)-1, 256);
        }
        struct unit *u = unit_batch_push(b);
        u->code = text_clean(f[2], (size_t)-1, 16);
        u->type = unit_type_parse(f[3]);
        u->name = text_clean(f[4], (size_t)-1, 256);
        u->full_name = text_clean(f[5], (size_t)-1, 256);
        u->parent = xstrdup(b->province_code);
    }
    free(copy);
    if (b->n == 0) {
        feedjson_set_err(err, errsz, "units: province '%s' is not in the list", province);
        unit_batch_free(b);
        return NULL;
    }
    return b;
}

struct unit_batch *unitlist_load_bundled(const char *province, char *err, size_t errsz)
{
    static const char *const dirs[] = {CITYDECK_DATADIR "/units",
                                       CITYDECK_SOURCE_DIR "/src/data/units"};
    for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
        char *path = xasprintf("%s/%s", dirs[i], BUNDLED_FILE);
        FILE *fp = fopen(path, "re");
        free(path);
        if (!fp)
            continue;
        struct buf text = {0};
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && text.len < BUNDLED_MAX_BYTES)
            buf_append(&text, chunk, n);
        fclose(fp);
        struct unit_batch *b =
            unitlist_parse_csv(text.data ? text.data : "", text.len, province, err, errsz);
        buf_free(&text);
        return b;
    }
    feedjson_set_err(err, errsz, "units: %s not found in %s/units or the source tree", BUNDLED_FILE,
                     CITYDECK_DATADIR);
    return NULL;
}
