/* OGC SensorThings API adapter: Things/Datastreams/Observations bodies -> a sensor batch.
 *
 * Runs on a worker thread (uv_queue_work), so it touches no global state, and neither does
 * the shared feedjson_* reading it uses (feedjson.h).
 *
 * The rules follow reference/standards.md §2.7 (robust SensorThings client):
 * - ids are opaque strings whatever their JSON type; whether the hub sent a string is kept,
 *   because URLs differ: Datastreams(5) against Datastreams('5');
 * - a Datastream is a sensor: a Thing (a station) with PM2.5 and PM10 streams gives two;
 * - result may be any JSON type (the checklist's point 4, narrowed to what a numeric panel
 *   can show); phenomenonTime may be an interval, and the reading is dated at its end, when
 *   the value became known;
 * - unknown keys are ignored; the spec erratum "values" is read as "value";
 * - every stored string passes text_clean (DESIGN §4). */
#include "citydeck/sensorthings.h"

#include "citydeck/clock.h"
#include "citydeck/feedjson.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ERRTEXT_BYTES 300 /* FROST cuts its messages at 200 characters */
#define ID_BYTES 512      /* an id longer than this is not an id */
#define LINK_BYTES 65536  /* nextLinks carry every query option; FROST's can be long */

/* ---- JSON members -------------------------------------------------------------------------- */

static const cJSON *member(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNull(v) ? NULL : v;
}

static const cJSON *object_member(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsObject(v) ? v : NULL;
}

static const cJSON *array_member(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsArray(v) ? v : NULL;
}

/* Cleaned text of a string or integral number; NULL when missing, null, empty or other. */
static char *text_of(const cJSON *v, size_t max)
{
    char num[64];
    const char *raw = feedjson_scalar_text(v, true, num, sizeof num);
    return raw ? feedjson_clean(raw, (size_t)-1, max) : NULL;
}

static char *text_field(const cJSON *obj, const char *key)
{
    return text_of(member(obj, key), 0);
}

/* FROST: {"type":"error","code":404,"message":"..."}; others {"error":{"code":..,"message":..}}
 * or {"message": ...}. Only objects that are not entities or collections qualify. */
static bool is_error_body(const cJSON *root)
{
    if (!cJSON_IsObject(root) || cJSON_HasObjectItem(root, "@iot.id") ||
        cJSON_HasObjectItem(root, "value"))
        return false;
    const cJSON *type = member(root, "type");
    if (cJSON_IsString(type) && strcasecmp(type->valuestring, "error") == 0)
        return true;
    return cJSON_HasObjectItem(root, "error") || cJSON_HasObjectItem(root, "message");
}

static void server_error(const cJSON *root, char *err, size_t errsz)
{
    const cJSON *src = root;
    const cJSON *inner = object_member(root, "error");
    if (inner)
        src = inner;
    const cJSON *msg = member(src, "message");
    if (!cJSON_IsString(msg))
        msg = member(src, "error");
    if (!cJSON_IsString(msg))
        msg = member(src, "description");
    char *text =
        cJSON_IsString(msg) ? text_clean(msg->valuestring, (size_t)-1, ERRTEXT_BYTES) : xstrdup("");
    char *code = text_of(member(src, "code"), 32);
    if (code && *text)
        feedjson_set_err(err, errsz, "server error %s: %s", code, text);
    else if (code)
        feedjson_set_err(err, errsz, "server error %s", code);
    else if (*text)
        feedjson_set_err(err, errsz, "server error: %s", text);
    else
        feedjson_set_err(err, errsz, "server error (no message)");
    free(code);
    free(text);
}

/* A Things, Datastreams or Observations body: an object, and not the server's error. */
static cJSON *parse_collection(const char *body, size_t len, const char *what, char *err,
                               size_t errsz)
{
    cJSON *root = feedjson_parse_object(body, len, what, err, errsz);
    if (root && is_error_body(root)) {
        server_error(root, err, errsz);
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* ---- entity types -------------------------------------------------------------------------- */

enum entity {
    E_UNKNOWN,
    E_THING,
    E_LOCATION,
    E_HISTORICAL_LOCATION,
    E_DATASTREAM,
    E_MULTI_DATASTREAM,
    E_SENSOR,
    E_OBSERVED_PROPERTY,
    E_OBSERVATION,
    E_FEATURE_OF_INTEREST,
    E_ROOT_ENTRY, /* {"name", "url"} of a service root document */
    E_COUNT
};

static const struct {
    const char *set, *name;
} entities[E_COUNT] = {
    [E_UNKNOWN] = {"", "unknown entity"},
    [E_THING] = {"Things", "Thing"},
    [E_LOCATION] = {"Locations", "Location"},
    [E_HISTORICAL_LOCATION] = {"HistoricalLocations", "HistoricalLocation"},
    [E_DATASTREAM] = {"Datastreams", "Datastream"},
    [E_MULTI_DATASTREAM] = {"MultiDatastreams", "MultiDatastream"},
    [E_SENSOR] = {"Sensors", "Sensor"},
    [E_OBSERVED_PROPERTY] = {"ObservedProperties", "ObservedProperty"},
    [E_OBSERVATION] = {"Observations", "Observation"},
    [E_FEATURE_OF_INTEREST] = {"FeaturesOfInterest", "FeatureOfInterest"},
    [E_ROOT_ENTRY] = {"", "service root entry"},
};

/* The entity set named by the last path segment of a selfLink: ".../Things(19)" -> Thing. */
static enum entity entity_of_link(const char *link)
{
    const char *paren = strrchr(link, '(');
    if (!paren)
        return E_UNKNOWN;
    const char *start = paren;
    while (start > link && start[-1] != '/')
        start--;
    size_t n = (size_t)(paren - start);
    for (int e = E_THING; e < E_ROOT_ENTRY; e++)
        if (strlen(entities[e].set) == n && strncmp(start, entities[e].set, n) == 0)
            return (enum entity)e;
    return E_UNKNOWN;
}

/* selfLink when there is one (FROST always sends it unless $select drops it), else the
 * members only one entity type has. */
static enum entity entity_of(const cJSON *o)
{
    if (!cJSON_IsObject(o))
        return E_UNKNOWN;
    const cJSON *self = member(o, "@iot.selfLink");
    if (cJSON_IsString(self)) {
        enum entity e = entity_of_link(self->valuestring);
        if (e != E_UNKNOWN)
            return e;
    }
    static const struct {
        const char *key;
        enum entity e;
    } keys[] = {
        {"unitOfMeasurements", E_MULTI_DATASTREAM},
        {"unitOfMeasurement", E_DATASTREAM},
        {"result", E_OBSERVATION},
        {"phenomenonTime", E_OBSERVATION}, /* after the Datastreams, which also have one */
        {"feature", E_FEATURE_OF_INTEREST},
        {"location", E_LOCATION},
        {"time", E_HISTORICAL_LOCATION},
        {"metadata", E_SENSOR},
        {"definition", E_OBSERVED_PROPERTY},
        {"Datastreams", E_THING},
        {"Locations", E_THING},
        {"properties", E_THING},
    };
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if (cJSON_HasObjectItem(o, keys[i].key))
            return keys[i].e;
    if (cJSON_HasObjectItem(o, "url") && !cJSON_HasObjectItem(o, "@iot.id"))
        return E_ROOT_ENTRY;
    return E_UNKNOWN;
}

/* ---- times --------------------------------------------------------------------------------- */

/* One ISO instant of n bytes, with its milliseconds (clock_parse_iso stops at seconds). */
static bool instant_ms(const char *s, size_t n, int off, int64_t *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    bool zone;
    int64_t t = clock_parse_iso(tmp, off, &zone);
    if (t == TIME_NONE)
        return false;
    int ms = 0;
    const char *frac = strpbrk(tmp + (n > 10 ? 10 : n), ".,");
    if (frac) {
        int scale = 100;
        for (const char *p = frac + 1; isdigit((unsigned char)*p) && scale; p++, scale /= 10)
            ms += (*p - '0') * scale;
    }
    *out = t * 1000 + ms;
    return true;
}

bool sensorthings_parse_time(const char *s, int default_offset_s, int64_t *start_ms,
                             int64_t *end_ms)
{
    if (!s)
        return false;
    const char *slash = strchr(s, '/');
    int64_t a, b;
    if (slash) {
        if (!instant_ms(s, (size_t)(slash - s), default_offset_s, &a) ||
            !instant_ms(slash + 1, strlen(slash + 1), default_offset_s, &b))
            return false;
    } else {
        if (!instant_ms(s, strlen(s), default_offset_s, &a))
            return false;
        b = a;
    }
    if (start_ms)
        *start_ms = a;
    if (end_ms)
        *end_ms = b;
    return true;
}

/* ---- geometry ------------------------------------------------------------------------------ */

static bool coord(const cJSON *v, double lim, double *out)
{
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > lim)
        return false;
    *out = v->valuedouble;
    return true;
}

/* A GeoJSON Point, bare or wrapped in a Feature; writes the geometry type it found. */
static bool geojson_point(const cJSON *g, double *lat, double *lon, const char **got)
{
    *got = "nothing";
    for (int depth = 0; depth < 2 && cJSON_IsObject(g); depth++) {
        const cJSON *type = member(g, "type");
        if (!cJSON_IsString(type)) {
            *got = "an object without a type";
            return false;
        }
        *got = type->valuestring;
        if (strcmp(type->valuestring, "Feature") == 0) {
            g = member(g, "geometry");
            continue;
        }
        if (strcmp(type->valuestring, "Point") != 0)
            return false;
        const cJSON *c = array_member(g, "coordinates");
        double x, y;
        if (!c || !coord(cJSON_GetArrayItem(c, 0), 180, &x) ||
            !coord(cJSON_GetArrayItem(c, 1), 90, &y)) {
            *got = "a Point without valid coordinates";
            return false;
        }
        *lon = x;
        *lat = y;
        return true;
    }
    return false;
}

bool sensorthings_parse_point(const char *body, size_t len, double *lat, double *lon, char *err,
                              size_t errsz)
{
    feedjson_set_err(err, errsz, "%s", "");
    cJSON *root = feedjson_parse(body, len, err, errsz);
    if (!root)
        return false;
    bool ok = false;
    if (is_error_body(root)) {
        server_error(root, err, errsz);
    } else {
        const cJSON *g = member(root, "location");
        if (!g)
            g = member(root, "feature");
        if (!g)
            g = root;
        const char *got;
        double y = 0, x = 0;
        ok = geojson_point(g, &y, &x, &got);
        if (ok) {
            *lat = y;
            *lon = x;
        } else {
            char *clean = text_clean(got, (size_t)-1, 64);
            feedjson_set_err(err, errsz, "point: no GeoJSON Point (got %s)", clean);
            free(clean);
        }
    }
    cJSON_Delete(root);
    return ok;
}

/* ---- results ------------------------------------------------------------------------------- */

/* A scalar's number: JSON number, bool, numeric string, or a camera's status word. */
static bool scalar_value(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return true;
    }
    if (cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v) ? 1 : 0;
        return true;
    }
    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    const char *s = v->valuestring;
    if (feedjson_parse_number(s, out))
        return true;
    if (feedjson_word_is(s, "online") || feedjson_word_is(s, "true")) {
        *out = 1;
        return true;
    }
    if (feedjson_word_is(s, "offline") || feedjson_word_is(s, "false")) {
        *out = 0;
        return true;
    }
    return false;
}

static double result_value(const cJSON *r, const char *key)
{
    double v;
    if (scalar_value(r, &v))
        return v;
    if (cJSON_IsObject(r) && key) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(r, key);
        return m && scalar_value(m, &v) && !cJSON_IsBool(m) ? v : NAN;
    }
    /* Object members in order, or array elements (a MultiDatastream's [25, 65, "clear"]):
     * the first that is a number or a numeric string. Booleans are flags, not measurements. */
    if (cJSON_IsObject(r) || cJSON_IsArray(r)) {
        for (const cJSON *m = r->child; m; m = m->next) {
            if (feedjson_number(m, &v))
                return v;
        }
    }
    return NAN;
}

/* ---- parse context ------------------------------------------------------------------------- */

struct parse_ctx {
    const struct sensorthings_options *opt;
    const char *unit_prop, *kind_prop, *result_key, *prefix;
    int off;
    struct sensor_batch *batch;
    size_t index, usable;
    enum entity first_bad;
    size_t first_bad_index;
    const char *first_bad_json; /* non-objects */
};

static void ctx_init(struct parse_ctx *cx, const struct sensorthings_options *opt)
{
    memset(cx, 0, sizeof *cx);
    cx->opt = opt;
    cx->unit_prop =
        opt && opt->unit_property && *opt->unit_property ? opt->unit_property : "unit_code";
    cx->kind_prop = opt && opt->kind_property && *opt->kind_property ? opt->kind_property : "kind";
    cx->result_key = opt && opt->result_key && *opt->result_key ? opt->result_key : NULL;
    cx->prefix = opt && opt->id_prefix ? opt->id_prefix : "";
    cx->off = opt ? opt->default_offset_s : 0;
    cx->batch = sensor_batch_new();
}

static void note_bad(struct parse_ctx *cx, const cJSON *item, enum entity e)
{
    cx->batch->skipped_invalid++;
    if (!cx->first_bad_index) {
        cx->first_bad_index = cx->index;
        cx->first_bad = e;
        cx->first_bad_json = cJSON_IsObject(item) ? NULL : feedjson_type_name(item);
    }
}

static const char *article(const char *noun)
{
    return strchr("AEIOUaeiou", noun[0]) ? "an" : "a";
}

/* Fails the parse when nothing was usable and something was of the wrong kind: a list of
 * HistoricalLocations is not an empty list of Things. */
static bool ctx_check(struct parse_ctx *cx, const char *what, const char *wanted, char *err,
                      size_t errsz)
{
    if (cx->usable || !cx->first_bad_index || cx->batch->skipped_no_id)
        return true;
    if (cx->first_bad_json)
        feedjson_set_err(err, errsz, "%s: item %zu: expected an object, got %s", what,
                         cx->first_bad_index, cx->first_bad_json);
    else
        feedjson_set_err(err, errsz, "%s: item %zu is %s %s, not %s", what, cx->first_bad_index,
                         article(entities[cx->first_bad].name), entities[cx->first_bad].name,
                         wanted);
    return false;
}

/* A single entity where a collection was asked for: an unknown object, or the wrong entity
 * type. Returns false, for the caller's ok. */
static bool not_collection(enum entity e, const char *what, const char *wanted, char *err,
                           size_t errsz)
{
    if (e == E_UNKNOWN)
        feedjson_set_err(err, errsz,
                         "%s: object without a value list (not a SensorThings collection)", what);
    else
        feedjson_set_err(err, errsz, "%s: body is %s %s, not %s", what, article(entities[e].name),
                         entities[e].name, wanted);
    return false;
}

/* Ends a parse: the tree goes, and the batch too when the body was not usable. */
static struct sensor_batch *ctx_finish(struct parse_ctx *cx, cJSON *root, bool ok)
{
    cJSON_Delete(root);
    if (!ok) {
        sensor_batch_free(cx->batch);
        return NULL;
    }
    return cx->batch;
}

static char *clean_link(const struct parse_ctx *cx, const cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring)
        return NULL;
    char *raw = text_clean(v->valuestring, (size_t)-1, LINK_BYTES);
    const char *base = cx->opt ? cx->opt->request_url : NULL;
    if (base && *raw) {
        char *abs = sensorthings_resolve_link(base, raw);
        if (abs) {
            free(raw);
            return abs;
        }
    }
    if (!*raw) {
        free(raw);
        return NULL;
    }
    return raw;
}

/* Collection control: @iot.count, @iot.nextLink; returns the list ("value" or "values"). */
static const cJSON *collection(struct parse_ctx *cx, const cJSON *root)
{
    const cJSON *list = array_member(root, "value");
    if (!list)
        list = array_member(root, "values"); /* OGC 15-078r6 example erratum */
    if (!list)
        return NULL;
    const cJSON *count = member(root, "@iot.count");
    if (cJSON_IsNumber(count) && count->valuedouble >= 0 && count->valuedouble < 9e18)
        cx->batch->total_count = (long long)count->valuedouble;
    cx->batch->next_link = clean_link(cx, member(root, "@iot.nextLink"));
    return list;
}

/* An entity id as text; *is_string tells how the hub typed it. */
static char *id_of(const cJSON *o, bool *is_string)
{
    const cJSON *v = member(o, "@iot.id");
    if (!v)
        v = member(o, "id"); /* v1.1 $select=id */
    *is_string = cJSON_IsString(v);
    return text_of(v, ID_BYTES);
}

static struct sensor_update *push_sensor(struct parse_ctx *cx, char *remote_id, bool is_string)
{
    struct sensor_update *u = sensor_batch_push(cx->batch);
    u->s.remote_id = remote_id;
    u->s.remote_id_is_string = is_string;
    u->s.id = xasprintf("%s%s", cx->prefix, remote_id);
    return u;
}

/* One reading from its three members (an Observation object or a dataArray row). */
static void read_reading(struct parse_ctx *cx, const cJSON *pt, const cJSON *rt,
                         const cJSON *result, struct sensor_update *u)
{
    int64_t t;
    bool ok = cJSON_IsString(pt) && sensorthings_parse_time(pt->valuestring, cx->off, NULL, &t);
    if (!ok)
        ok = cJSON_IsString(rt) && sensorthings_parse_time(rt->valuestring, cx->off, NULL, &t);
    if (!ok) {
        cx->batch->obs_no_time++; /* an undated value cannot be ordered or aged */
        return;
    }
    double v = result_value(cJSON_IsNull(result) ? NULL : result, cx->result_key);
    cx->batch->obs_total++;
    if (isnan(v))
        cx->batch->obs_no_value++;
    sensor_update_add_obs(u, t, v);
}

static void read_observation(struct parse_ctx *cx, const cJSON *o, struct sensor_update *u)
{
    read_reading(cx, member(o, "phenomenonTime"), member(o, "resultTime"), member(o, "result"), u);
}

/* ---- Things and Datastreams ---------------------------------------------------------------- */

struct thing_ctx {
    char *station, *unit_code, *kind;
    double alarm[3];
    double lat, lon;
    bool has_location;
};

/* A property as text: strings, and numbers (a unit code sent as 26734). */
static char *prop_text(const cJSON *props, const char *key)
{
    return props ? text_of(member(props, key), 0) : NULL;
}

static bool alarm_value(const cJSON *v, double *out)
{
    double d;
    if (!feedjson_number(v, &d) || !isfinite(d))
        return false;
    *out = d;
    return true;
}

/* "alarm_levels": [I, II, III] or "bd1".."bd3"; returns whether any level was given. */
static bool read_alarms(const cJSON *props, double alarm[3])
{
    if (!cJSON_IsObject(props))
        return false;
    double a[3] = {NAN, NAN, NAN};
    bool any = false;
    const cJSON *list = array_member(props, "alarm_levels");
    if (list) {
        int i = 0;
        for (const cJSON *e = list->child; e && i < 3; e = e->next, i++)
            any |= alarm_value(e, &a[i]);
    } else {
        static const char *const keys[] = {"bd1", "bd2", "bd3"};
        for (int i = 0; i < 3; i++)
            any |= alarm_value(cJSON_GetObjectItem(props, keys[i]), &a[i]); /* any case */
    }
    if (any)
        memcpy(alarm, a, sizeof a);
    return any;
}

static void thing_ctx_read(struct parse_ctx *cx, const cJSON *thing, struct thing_ctx *tc)
{
    memset(tc, 0, sizeof *tc);
    tc->alarm[0] = tc->alarm[1] = tc->alarm[2] = NAN;
    tc->station = text_field(thing, "name");
    const cJSON *props = object_member(thing, "properties");
    tc->unit_code = prop_text(props, cx->unit_prop);
    tc->kind = prop_text(props, cx->kind_prop);
    read_alarms(props, tc->alarm);
    const cJSON *locs = array_member(thing, "Locations");
    for (const cJSON *l = locs ? locs->child : NULL; l && !tc->has_location; l = l->next) {
        const char *got;
        double lat, lon;
        /* 0,0 is in the Gulf of Guinea: a default, not a place (as in the Open311 adapter). */
        if (geojson_point(member(l, "location"), &lat, &lon, &got) && (lat != 0 || lon != 0)) {
            tc->lat = lat;
            tc->lon = lon;
            tc->has_location = true;
        }
    }
}

static void thing_ctx_free(struct thing_ctx *tc)
{
    free(tc->station);
    free(tc->unit_code);
    free(tc->kind);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void read_datastream(struct parse_ctx *cx, const cJSON *ds, const struct thing_ctx *thing)
{
    bool is_string;
    char *rid = id_of(ds, &is_string);
    if (!rid) {
        cx->batch->skipped_no_id++;
        return;
    }
    cx->usable++;
    struct thing_ctx own;
    bool own_thing = false;
    const cJSON *expanded = object_member(ds, "Thing");
    if (!thing && expanded) { /* Datastreams?$expand=Thing($expand=Locations) */
        thing_ctx_read(cx, expanded, &own);
        thing = &own;
        own_thing = true;
    }

    struct sensor_update *u = push_sensor(cx, rid, is_string);
    struct sensor *s = &u->s;
    u->meta = true;
    s->name = text_field(ds, "name");
    s->unit = text_field(object_member(ds, "unitOfMeasurement"), "symbol");
    s->property = text_field(object_member(ds, "ObservedProperty"), "name");
    const cJSON *props = object_member(ds, "properties");
    s->unit_code = prop_text(props, cx->unit_prop);
    char *kind = prop_text(props, cx->kind_prop);
    if (thing) {
        s->station = dup_or_null(thing->station);
        if (!s->unit_code)
            s->unit_code = dup_or_null(thing->unit_code);
        if (!kind)
            kind = dup_or_null(thing->kind);
        memcpy(s->alarm, thing->alarm, sizeof s->alarm);
        s->lat = thing->lat;
        s->lon = thing->lon;
        s->has_location = thing->has_location;
    }
    read_alarms(props, s->alarm); /* the stream's own levels win over the station's */

    const char *texts[] = {s->property, s->name};
    sensor_infer(texts, ARRAY_LEN(texts), s->unit, &s->kind, &s->pollutant);
    enum sensor_kind k;
    if (sensor_kind_parse(kind, &k))
        s->kind = k;
    free(kind);
    if (!s->unit_code)
        cx->batch->unattributed++;

    const cJSON *obs = array_member(ds, "Observations");
    for (const cJSON *o = obs ? obs->child : NULL; o; o = o->next)
        if (cJSON_IsObject(o))
            read_observation(cx, o, u);
    if (own_thing)
        thing_ctx_free(&own);
}

static void read_thing(struct parse_ctx *cx, const cJSON *thing)
{
    cx->batch->things++;
    cx->usable++;
    struct thing_ctx tc;
    thing_ctx_read(cx, thing, &tc);
    const cJSON *list = array_member(thing, "Datastreams");
    size_t listed = 0;
    for (const cJSON *ds = list ? list->child : NULL; ds; ds = ds->next) {
        listed++;
        if (cJSON_IsObject(ds))
            read_datastream(cx, ds, &tc);
        else
            cx->batch->skipped_invalid++;
    }
    const cJSON *count = member(thing, "Datastreams@iot.count");
    char *more = clean_link(cx, member(thing, "Datastreams@iot.nextLink"));
    bool short_count = cJSON_IsNumber(count) && count->valuedouble > (double)listed;
    if (more || short_count)
        cx->batch->things_truncated++;
    if (more)
        sensor_batch_add_link(cx->batch, more);
    thing_ctx_free(&tc);
}

static void read_sensor_item(struct parse_ctx *cx, const cJSON *item)
{
    cx->index++;
    enum entity e = entity_of(item);
    if (!cJSON_IsObject(item))
        note_bad(cx, item, E_UNKNOWN);
    else if (e == E_DATASTREAM)
        read_datastream(cx, item, NULL);
    else if (e == E_THING || (e == E_UNKNOWN && cJSON_HasObjectItem(item, "@iot.id")))
        read_thing(cx, item); /* $select can leave a Thing with nothing but its id */
    else
        note_bad(cx, item, e);
}

struct sensor_batch *sensorthings_parse_sensors(const char *body, size_t len,
                                                const struct sensorthings_options *opt, char *err,
                                                size_t errsz)
{
    feedjson_set_err(err, errsz, "%s", "");
    cJSON *root = parse_collection(body, len, "sensors", err, errsz);
    if (!root)
        return NULL;
    struct parse_ctx cx;
    ctx_init(&cx, opt);
    const cJSON *list = collection(&cx, root);
    bool ok = true;
    if (list) {
        for (const cJSON *item = list->child; item; item = item->next)
            read_sensor_item(&cx, item);
        ok = ctx_check(&cx, "sensors", "a Thing or Datastream", err, errsz);
    } else {
        enum entity e = entity_of(root);
        if (e == E_THING) {
            read_thing(&cx, root);
        } else if (e == E_DATASTREAM) {
            read_datastream(&cx, root, NULL);
        } else {
            ok = not_collection(e, "sensors", "a Things or Datastreams collection", err, errsz);
        }
    }
    return ctx_finish(&cx, root, ok);
}

/* ---- Observations -------------------------------------------------------------------------- */

/* The key inside "Datastreams(...)" of a link: 5, or 'abc' with '' for a quote. */
static char *key_of_link(const char *link, const char *set, bool *is_string)
{
    char pat[40];
    snprintf(pat, sizeof pat, "%s(", set);
    const char *p = link ? strstr(link, pat) : NULL;
    if (!p)
        return NULL;
    p += strlen(pat);
    struct buf b = {0};
    *is_string = *p == '\'';
    if (*is_string) {
        for (p++; *p; p++) {
            if (*p == '\'' && p[1] == '\'') {
                buf_append(&b, "'", 1);
                p++;
            } else if (*p == '\'') {
                break;
            } else {
                buf_append(&b, p, 1);
            }
        }
        if (*p != '\'') {
            buf_free(&b);
            return NULL;
        }
    } else {
        const char *close = strchr(p, ')');
        if (!close || close == p)
            return NULL;
        buf_append(&b, p, (size_t)(close - p));
    }
    char *id = b.len ? feedjson_clean(b.data, b.len, ID_BYTES) : NULL;
    buf_free(&b);
    return id;
}

/* The batch's update for a Datastream id, added on first use. Pages hold one Datastream or
 * a few, and readings of one come together: the last hit is checked first. */
static struct sensor_update *update_for(struct parse_ctx *cx, char *rid, bool is_string)
{
    struct sensor_batch *b = cx->batch;
    for (size_t i = b->n; i-- > 0;) {
        if (strcmp(b->items[i].s.remote_id, rid) == 0) {
            free(rid);
            return &b->items[i];
        }
    }
    return push_sensor(cx, rid, is_string);
}

static void read_obs_item(struct parse_ctx *cx, const cJSON *o, const char *ds_id,
                          bool ds_is_string)
{
    cx->index++;
    enum entity e = entity_of(o);
    if (!cJSON_IsObject(o) || (e != E_OBSERVATION && e != E_UNKNOWN)) {
        note_bad(cx, o, e);
        return;
    }
    char *rid = NULL;
    bool is_string = ds_is_string;
    if (ds_id)
        rid = text_clean(ds_id, (size_t)-1, ID_BYTES);
    else
        rid = id_of(object_member(o, "Datastream"), &is_string);
    if (!rid || !*rid) {
        free(rid);
        cx->batch->skipped_no_id++;
        return;
    }
    cx->usable++;
    read_observation(cx, o, update_for(cx, rid, is_string));
}

static int component_index(const cJSON *components, const char *name)
{
    int i = 0;
    for (const cJSON *c = components->child; c; c = c->next, i++)
        if (cJSON_IsString(c) && strcmp(c->valuestring, name) == 0)
            return i;
    return -1;
}

/* One group of $resultFormat=dataArray: components name the columns of each row. */
static void read_data_array(struct parse_ctx *cx, const cJSON *group, const char *ds_id,
                            bool ds_is_string)
{
    cx->index++;
    const cJSON *components = array_member(group, "components");
    const cJSON *rows = array_member(group, "dataArray");
    int ipt = components ? component_index(components, "phenomenonTime") : -1;
    int irt = components ? component_index(components, "resultTime") : -1;
    int ires = components ? component_index(components, "result") : -1;
    if (!rows || ires < 0 || (ipt < 0 && irt < 0)) {
        note_bad(cx, group, E_UNKNOWN);
        return;
    }
    bool is_string = ds_is_string;
    char *rid = ds_id ? text_clean(ds_id, (size_t)-1, ID_BYTES) : NULL;
    if (!rid) {
        const cJSON *link = member(group, "Datastream@iot.navigationLink");
        rid =
            cJSON_IsString(link) ? key_of_link(link->valuestring, "Datastreams", &is_string) : NULL;
    }
    if (!rid || !*rid) {
        free(rid);
        cx->batch->skipped_no_id++;
        return;
    }
    cx->usable++;
    struct sensor_update *u = update_for(cx, rid, is_string);
    for (const cJSON *row = rows->child; row; row = row->next) {
        if (!cJSON_IsArray(row)) {
            cx->batch->skipped_invalid++;
            continue;
        }
        read_reading(cx, ipt >= 0 ? cJSON_GetArrayItem(row, ipt) : NULL,
                     irt >= 0 ? cJSON_GetArrayItem(row, irt) : NULL, cJSON_GetArrayItem(row, ires),
                     u);
    }
}

struct sensor_batch *sensorthings_parse_observations(const char *body, size_t len,
                                                     const char *datastream_id, bool id_is_string,
                                                     const struct sensorthings_options *opt,
                                                     char *err, size_t errsz)
{
    feedjson_set_err(err, errsz, "%s", "");
    if (datastream_id && !*datastream_id)
        datastream_id = NULL;
    cJSON *root = parse_collection(body, len, "observations", err, errsz);
    if (!root)
        return NULL;
    struct parse_ctx cx;
    ctx_init(&cx, opt);
    const cJSON *list = collection(&cx, root);
    bool ok = true;
    if (list) {
        for (const cJSON *item = list->child; item; item = item->next) {
            if (cJSON_IsObject(item) &&
                (cJSON_HasObjectItem(item, "dataArray") || cJSON_HasObjectItem(item, "components")))
                read_data_array(&cx, item, datastream_id, id_is_string);
            else
                read_obs_item(&cx, item, datastream_id, id_is_string);
        }
        ok = ctx_check(&cx, "observations", "an Observation", err, errsz);
    } else {
        enum entity e = entity_of(root);
        if (e == E_OBSERVATION) {
            read_obs_item(&cx, root, datastream_id, id_is_string);
            if (!cx.usable) {
                ok = false;
                feedjson_set_err(err, errsz,
                                 "observations: no Datastream id (pass one, or "
                                 "$expand=Datastream)");
            }
        } else {
            ok = not_collection(e, "observations", "Observations", err, errsz);
        }
    }
    return ctx_finish(&cx, root, ok);
}

/* ---- the service root ---------------------------------------------------------------------- */

void sensorthings_root_free(struct sensorthings_root *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->names[i]);
        free(r->urls[i]);
    }
    free(r->names);
    free(r->urls);
    free(r);
}

const char *sensorthings_root_url(const struct sensorthings_root *r, const char *name)
{
    for (size_t i = 0; r && name && i < r->n; i++)
        if (strcmp(r->names[i], name) == 0)
            return r->urls[i];
    return NULL;
}

static int version_of_url(const char *url)
{
    const char *p = strstr(url, "/v1.");
    if (!p || (p[4] != '0' && p[4] != '1') || (p[5] && p[5] != '/'))
        return 0;
    return p[4] == '1' ? 11 : 10;
}

struct sensorthings_root *sensorthings_parse_root(const char *body, size_t len, char *err,
                                                  size_t errsz)
{
    feedjson_set_err(err, errsz, "%s", "");
    cJSON *root = feedjson_parse(body, len, err, errsz);
    if (!root)
        return NULL;
    if (is_error_body(root)) {
        server_error(root, err, errsz);
        cJSON_Delete(root);
        return NULL;
    }
    const cJSON *list = array_member(root, "value");
    struct sensorthings_root *r = xcalloc(1, sizeof *r);
    size_t cap = 0;
    for (const cJSON *e = list ? list->child : NULL; e; e = e->next) {
        char *name = text_field(e, "name");
        char *url = text_of(member(e, "url"), LINK_BYTES);
        if (!name || !url) {
            free(name);
            free(url);
            continue;
        }
        size_t c2 = cap;
        r->names = xgrow(r->names, &cap, r->n + 1, sizeof *r->names);
        r->urls = xgrow(r->urls, &c2, r->n + 1, sizeof *r->urls);
        r->names[r->n] = name;
        r->urls[r->n] = url;
        r->n++;
        if (!r->version)
            r->version = version_of_url(url);
        if (strcmp(name, "MultiDatastreams") == 0)
            r->has_multidatastream = true;
    }
    const cJSON *settings = object_member(root, "serverSettings");
    if (settings) {
        r->version = 11; /* serverSettings is new in 1.1 */
        const cJSON *conf = array_member(settings, "conformance");
        for (const cJSON *c = conf ? conf->child : NULL; c; c = c->next) {
            r->n_conformance++;
            if (cJSON_IsString(c) && strstr(c->valuestring, "multi-datastream"))
                r->has_multidatastream = true;
        }
    }
    cJSON_Delete(root);
    if (r->n == 0) {
        feedjson_set_err(err, errsz, "root: no entity sets (not a SensorThings service root)");
        sensorthings_root_free(r);
        return NULL;
    }
    return r;
}

/* ---- URLs ---------------------------------------------------------------------------------- */

/* scheme ":" when s starts with one (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )). */
static size_t scheme_len(const char *s)
{
    if (!isalpha((unsigned char)*s))
        return 0;
    size_t i = 1;
    while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
        i++;
    return s[i] == ':' ? i + 1 : 0;
}

/* RFC 3986 §5.2.4 on a path of n bytes, appended to out. */
static void remove_dots(struct buf *out, const char *path, size_t n)
{
    struct buf in = {0};
    buf_append(&in, path, n);
    buf_append(&in, "", 0);
    char *p = in.data ? in.data : "";
    size_t start = out->len;
    while (*p) {
        if (strncmp(p, "../", 3) == 0) {
            p += 3;
        } else if (strncmp(p, "./", 2) == 0) {
            p += 2;
        } else if (strncmp(p, "/./", 3) == 0) {
            p += 2;
        } else if (strcmp(p, "/.") == 0) {
            p[1] = '\0'; /* "/" */
        } else if (strncmp(p, "/../", 4) == 0 || strcmp(p, "/..") == 0) {
            p += 3;
            if (!*p) {
                p--; /* "/.." -> "/" */
                *p = '/';
            }
            while (out->len > start && out->data[out->len - 1] != '/')
                out->len--;
            if (out->len > start)
                out->len--;
            out->data[out->len] = '\0';
        } else if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
            break;
        } else {
            size_t k = *p == '/' ? 1 : 0;
            while (p[k] && p[k] != '/')
                k++;
            buf_append(out, p, k);
            p += k;
        }
    }
    buf_free(&in);
}

char *sensorthings_resolve_link(const char *base_url, const char *link)
{
    if (!link)
        return NULL;
    if (scheme_len(link))
        return xstrdup(link);
    if (!base_url)
        return NULL;
    size_t sl = scheme_len(base_url);
    if (!sl || strncmp(base_url + sl, "//", 2) != 0)
        return NULL;
    /* base = scheme "//" authority path [?query] [#fragment] */
    const char *auth = base_url + sl + 2;
    const char *path = auth + strcspn(auth, "/?#");
    const char *path_end = path + strcspn(path, "?#");
    const char *frag = path + strcspn(path, "#");

    struct buf b = {0};
    if (strncmp(link, "//", 2) == 0) {
        buf_append(&b, base_url, sl);
        buf_appendf(&b, "%s", link);
        return buf_take(&b);
    }
    buf_append(&b, base_url, (size_t)(path - base_url)); /* scheme://authority */
    size_t lpath = strcspn(link, "?#");
    if (*link == '\0') {
        buf_append(&b, path, (size_t)(frag - path));
    } else if (*link == '#') {
        buf_append(&b, path, (size_t)(frag - path));
        buf_appendf(&b, "%s", link);
    } else if (*link == '?') {
        buf_append(&b, path, (size_t)(path_end - path));
        buf_appendf(&b, "%s", link);
    } else if (*link == '/') {
        remove_dots(&b, link, lpath);
        buf_appendf(&b, "%s", link + lpath);
    } else {
        /* Merge: the base path up to its last '/', then the link. */
        struct buf merged = {0};
        const char *slash = NULL;
        for (const char *p = path; p < path_end; p++)
            if (*p == '/')
                slash = p;
        if (slash)
            buf_append(&merged, path, (size_t)(slash - path) + 1);
        else
            buf_append(&merged, "/", 1);
        buf_append(&merged, link, lpath);
        remove_dots(&b, merged.data, merged.len);
        buf_free(&merged);
        buf_appendf(&b, "%s", link + lpath);
    }
    return buf_take(&b);
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static void put_root(struct buf *b, const char *root)
{
    size_t n = strlen(root);
    while (n && root[n - 1] == '/')
        n--;
    buf_append(b, root, n);
}

static void put_entity(struct buf *b, const char *root, const char *set, const char *id,
                       bool id_is_string)
{
    put_root(b, root);
    buf_appendf(b, "/%s(", set);
    /* An id the hub typed as a number but that is not digits cannot go bare either. */
    if (!id_is_string && all_digits(id)) {
        buf_appendf(b, "%s", id);
    } else {
        struct buf q = {0};
        for (const char *p = id; *p; p++) {
            if (*p == '\'')
                buf_append(&q, "''", 2); /* OData: a quote inside a key is doubled */
            else
                buf_append(&q, p, 1);
        }
        buf_append(b, "'", 1);
        url_encode(b, q.data ? q.data : "", "!$&'()*+,;=:@");
        buf_append(b, "'", 1);
        buf_free(&q);
    }
    buf_append(b, ")", 1);
}

char *sensorthings_entity_url(const char *service_root, const char *set, const char *id,
                              bool id_is_string)
{
    if (!service_root || !set || !id)
        return NULL;
    struct buf b = {0};
    put_entity(&b, service_root, set, id, id_is_string);
    return buf_take(&b);
}

char *sensorthings_things_url(const char *service_root, int top)
{
    if (!service_root)
        return NULL;
    struct buf b = {0};
    put_root(&b, service_root);
    buf_appendf(&b, "/Things?");
    if (top > 0)
        buf_appendf(&b, "$top=%d&", top);
    buf_appendf(&b, "$expand=");
    url_encode(&b,
               "Locations,Datastreams($expand=ObservedProperty,"
               "Observations($top=1;$orderby=phenomenonTime desc))",
               NULL);
    return buf_take(&b);
}

char *sensorthings_observations_url(const char *service_root, const char *datastream_id,
                                    bool id_is_string, int64_t since_ms, int top)
{
    if (!service_root || !datastream_id)
        return NULL;
    struct buf b = {0};
    put_entity(&b, service_root, "Datastreams", datastream_id, id_is_string);
    buf_appendf(&b, "/Observations?$orderby=");
    url_encode(&b, "phenomenonTime asc", NULL);
    if (since_ms != TIME_NONE) {
        int64_t sec = since_ms / 1000, ms = since_ms % 1000;
        if (ms < 0) {
            ms += 1000;
            sec--;
        }
        char iso[40], filter[80];
        clock_format_iso(sec, 0, iso, sizeof iso);
        /* clock_format_iso gives "...T08:00:00+00:00": keep the seconds, add the millis. */
        snprintf(filter, sizeof filter, "phenomenonTime gt %.19s.%03dZ", iso, (int)ms);
        buf_appendf(&b, "&$filter=");
        url_encode(&b, filter, NULL);
    }
    if (top > 0)
        buf_appendf(&b, "&$top=%d", top);
    return buf_take(&b);
}
