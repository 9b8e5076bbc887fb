/* Open311 GeoReport v2 adapter: a requests.json body -> a complaint batch.
 *
 * Runs on a worker thread (uv_queue_work), so it touches no global state, and neither does
 * the shared feedjson_* reading it uses (feedjson.h).
 *
 * Real servers deviate from the spec in many ways (reference/standards.md §1.4); the rules
 * below follow the robust-client checklist of §1.5:
 * - top level: array, {"service_requests"|"requests": ...}, FixMyStreet's
 *   {"requests":[{"request":[...]}]}, or one bare request object;
 * - one-element arrays around scalars are unwrapped (FixMyStreet before 2017: "status":["open"]);
 * - ids and codes are strings whatever the JSON type; numbers are printed back exactly
 *   (1318459 -> "1318459"). cJSON reads the spec's invalid "006" as the number 6, so such a
 *   code becomes "6": lossy, but that is what the bytes can give;
 * - missing, null and "" are the same (NULL); lat/long both 0, null or out of range = no location;
 * - requests without service_request_id are skipped and counted (Chicago: not yet processed);
 * - items that are not objects are skipped and counted, unless no item is usable at all;
 * - every stored string passes text_clean (DESIGN §4).
 *
 * Status mapping. GeoReport only says open/closed (case-insensitive; status_raw keeps the
 * original). With extensions=true, extended_attributes.detailed_status gives the workflow state.
 * Without it: "closed" -> CST_RESOLVED (the usual way a request closes), "open" -> CST_UNKNOWN
 * with open = true (claiming "in progress" would invent a fact the hub did not send). A status
 * that is neither open nor closed takes its open flag from a known detailed_status, else it
 * counts as open: an unreadable record stays visible in the queue instead of silently
 * vanishing from it. */
#include "citydeck/open311.h"

#include "citydeck/clock.h"
#include "citydeck/feedjson.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ERRTEXT_BYTES 300
#define MAX_JOINED 16 /* elements of an array joined into one text field */

struct parse_ctx {
    const struct open311_options *opt;
    const char *unit_attr;
    struct complaint_batch *batch;
    size_t index; /* 1-based count of items read, for messages */
    size_t usable;
    const char *first_bad_type;
    size_t first_bad_index;
};

/* A member by exact key, with FixMyStreet's one-element arrays around scalars unwrapped; null
 * and empty arrays read as missing. */
static const cJSON *field(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    /* Bounded: a legitimate server wraps once; deeper nesting is garbage either way. */
    for (int depth = 0; depth < 4 && cJSON_IsArray(v); depth++) {
        const cJSON *first = v->child;
        if (!first)
            return NULL;
        if (first->next || cJSON_IsObject(first))
            break; /* a real list, or a wrapped object: the caller decides */
        v = first;
    }
    return cJSON_IsNull(v) ? NULL : v;
}

/* Cleaned text or NULL when missing, null, empty (also after cleaning) or of a type that has
 * no text (bool, object). Arrays of scalars are joined with ", " (FixMyStreet recipients). */
static char *text_of(const cJSON *v)
{
    char num[64];
    const char *raw = feedjson_scalar_text(v, false, num, sizeof num);
    char *out = NULL;
    if (raw) {
        out = feedjson_clean(raw, (size_t)-1, 0);
    } else if (cJSON_IsArray(v)) {
        struct buf b = {0};
        int k = 0;
        for (const cJSON *e = v->child; e && k < MAX_JOINED; e = e->next, k++) {
            const char *s = feedjson_scalar_text(e, false, num, sizeof num);
            if (!s || !*s)
                continue;
            if (b.len)
                buf_append(&b, ", ", 2);
            buf_append(&b, s, strlen(s));
        }
        if (b.len)
            out = feedjson_clean(b.data, b.len, 0);
        buf_free(&b);
    }
    return out;
}

static char *text_field(const cJSON *obj, const char *key)
{
    return text_of(field(obj, key));
}

static int64_t time_field(const cJSON *obj, const char *key, int offset_s)
{
    const cJSON *v = field(obj, key);
    if (!cJSON_IsString(v) || !v->valuestring)
        return TIME_NONE;
    bool had_zone;
    /* The spec requires a zone; zone-less values are read at the configured hub offset. */
    return clock_parse_iso(v->valuestring, offset_s, &had_zone);
}

/* Coordinates come as numbers, sometimes as numeric strings. */
static bool coord_field(const cJSON *obj, const char *key, double lim, double *out)
{
    const cJSON *v = field(obj, key);
    double d;
    /* A number or a numeric string, read the same whatever the user's locale. */
    if (!feedjson_number(v, &d))
        return false;
    if (!isfinite(d) || d < -lim || d > lim)
        return false;
    *out = d;
    return true;
}

static bool status_is_final(enum complaint_status s)
{
    return s == CST_RESOLVED || s == CST_PUBLISHED || s == CST_REJECTED;
}

static const cJSON *object_member(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsArray(v) && v->child && !v->child->next)
        v = v->child; /* FixMyStreet-style wrapping of an object */
    return cJSON_IsObject(v) ? v : NULL;
}

/* Returns whether a detailed_status was sent (known or not). */
static bool read_extensions(const struct parse_ctx *cx, const cJSON *ext, struct complaint *c)
{
    char *detailed = text_field(ext, "detailed_status");
    bool sent = detailed != NULL;
    c->status = complaint_status_parse(detailed); /* unknown codes give CST_UNKNOWN */
    free(detailed);
    char *urg = text_field(ext, "urgency");
    c->urgency = complaint_urgency_parse(urg);
    free(urg);
    c->channel = text_field(ext, "channel");
    const cJSON *sat = field(ext, "satisfaction");
    if (cJSON_IsBool(sat)) {
        c->satisfaction = cJSON_IsTrue(sat) ? 1 : 0;
    } else if (cJSON_IsString(sat) && sat->valuestring) {
        if (strcasecmp(sat->valuestring, "hai_long") == 0)
            c->satisfaction = 1;
        else if (strcasecmp(sat->valuestring, "khong_hai_long") == 0)
            c->satisfaction = 0;
    }
    c->unit_name = text_field(ext, "ward");
    c->unit_code = text_field(ext, cx->unit_attr);
    return sent;
}

static void read_request(struct parse_ctx *cx, const cJSON *item)
{
    char *id = text_field(item, "service_request_id");
    if (!id) {
        cx->batch->skipped_no_id++;
        return;
    }
    cx->usable++;
    int off = cx->opt ? cx->opt->default_offset_s : 0;
    struct complaint *c = complaint_batch_push(cx->batch);
    c->id = id;
    c->service_code = text_field(item, "service_code");
    c->category = text_field(item, "service_name");
    c->description = text_field(item, "description");
    const cJSON *agency = object_member(item, "agency_responsible");
    /* FixMyStreet: "agency_responsible": {"recipient": [...]} */
    c->agency = agency ? text_field(agency, "recipient") : text_field(item, "agency_responsible");
    c->address = text_field(item, "address");
    c->status_notes = text_field(item, "status_notes");
    c->media_url = text_field(item, "media_url");
    c->requested = time_field(item, "requested_datetime", off);
    c->updated = time_field(item, "updated_datetime", off);
    c->expected = time_field(item, "expected_datetime", off);

    double lat = 0, lon = 0;
    bool ok_lat = coord_field(item, "lat", 90, &lat);
    bool ok_lon = coord_field(item, "long", 180, &lon);
    /* 0,0 is in the Gulf of Guinea: servers send it for "unknown" (Bloomington). */
    if (ok_lat && ok_lon && !(lat == 0 && lon == 0)) {
        c->lat = lat;
        c->lon = lon;
        c->has_location = true;
    }

    c->status_raw = text_field(item, "status");
    bool is_open = feedjson_word_is(c->status_raw, "open");
    bool is_closed = feedjson_word_is(c->status_raw, "closed");

    const cJSON *ext = object_member(item, "extended_attributes");
    bool detailed = ext && read_extensions(cx, ext, c);
    if (!c->unit_code)
        cx->batch->unattributed++; /* kept: an unattributed complaint still needs handling */

    if (!detailed)
        c->status = is_closed ? CST_RESOLVED : CST_UNKNOWN;
    if (is_open || is_closed)
        c->open = is_open;
    else
        c->open = !status_is_final(c->status);
}

static void read_item(struct parse_ctx *cx, const cJSON *item)
{
    cx->index++;
    if (!cJSON_IsObject(item)) {
        cx->batch->skipped_invalid++;
        if (!cx->first_bad_type) {
            cx->first_bad_type = feedjson_type_name(item);
            cx->first_bad_index = cx->index;
        }
        return;
    }
    read_request(cx, item);
}

/* One list element: a request, or FixMyStreet's {"request": [...]} group of requests. */
static void read_entry(struct parse_ctx *cx, const cJSON *entry)
{
    const cJSON *group = cJSON_IsObject(entry) && !cJSON_HasObjectItem(entry, "service_request_id")
                             ? cJSON_GetObjectItemCaseSensitive(entry, "request")
                             : NULL;
    if (cJSON_IsArray(group)) {
        for (const cJSON *e = group->child; e; e = e->next)
            read_item(cx, e);
    } else if (cJSON_IsObject(group)) {
        read_item(cx, group);
    } else {
        read_item(cx, entry);
    }
}

/* Appends the text of one error value: a string, an object with a code and a description or
 * message, or a list of those, separated by "; ". depth bounds the walk over hostile nesting. */
static void error_text(struct buf *b, const cJSON *v, int depth)
{
    if (!v || depth > 3 || b->len > ERRTEXT_BYTES)
        return;
    char num[64];
    const char *s = feedjson_scalar_text(v, false, num, sizeof num);
    if (cJSON_IsArray(v)) {
        for (const cJSON *e = v->child; e; e = e->next)
            error_text(b, e, depth + 1);
        return;
    }
    struct buf text = {0};
    const char *code = NULL;
    if (s) {
        buf_append(&text, s, strnlen(s, ERRTEXT_BYTES)); /* text_clean repairs a cut code point */
    } else if (cJSON_IsObject(v)) {
        static const char *const keys[] = {"description", "message", "error",
                                           "errors",      "detail",  "title"};
        for (size_t i = 0; i < ARRAY_LEN(keys) && !text.len; i++)
            error_text(&text, cJSON_GetObjectItemCaseSensitive(v, keys[i]), depth + 1);
        code = feedjson_scalar_text(field(v, "code"), false, num, sizeof num);
        /* Rails-style {"errors": {"field": ["message"]}}: name the fields. */
        for (const cJSON *m = v->child; m && !text.len && !code && m->string; m = m->next) {
            struct buf one = {0};
            error_text(&one, m, depth + 1);
            if (one.len)
                buf_appendf(&text, "%s: %s", m->string, one.data);
            buf_free(&one);
        }
    }
    if (code && !*code)
        code = NULL;
    if (text.len || code) {
        if (b->len)
            buf_append(b, "; ", 2);
        if (code && text.len)
            buf_appendf(b, "%s: %s", code, text.data);
        else
            buf_appendf(b, "%s", code ? code : text.data);
    }
    buf_free(&text);
}

/* Writes "server error <text>" (text = "403: description" or just the message). */
static void server_error(char *err, size_t errsz, const cJSON *v)
{
    struct buf b = {0};
    error_text(&b, v, 0);
    char *clean = text_clean(b.data, b.len, ERRTEXT_BYTES);
    buf_free(&b);
    if (*clean && isdigit((unsigned char)clean[0]))
        feedjson_set_err(err, errsz, "server error %s", clean);
    else if (*clean)
        feedjson_set_err(err, errsz, "server error: %s", clean);
    else
        feedjson_set_err(err, errsz, "server error (no description)");
    free(clean);
}

/* The spec's [{"code":403,"description":"..."}]: error-shaped and not a request. */
static bool is_error_item(const cJSON *v)
{
    return cJSON_IsObject(v) && cJSON_HasObjectItem(v, "description") &&
           cJSON_HasObjectItem(v, "code") && !cJSON_HasObjectItem(v, "service_request_id") &&
           !cJSON_HasObjectItem(v, "status") && !cJSON_HasObjectItem(v, "requested_datetime");
}

/* Finds the list of requests in root, or reports why there is none. *single is set when root
 * is itself one request (a bare object, as some servers answer requests/{id}.json). */
static const cJSON *find_list(const cJSON *root, bool *single, char *err, size_t errsz)
{
    *single = false;
    if (cJSON_IsArray(root)) {
        if (is_error_item(root->child)) {
            server_error(err, errsz, root);
            return NULL;
        }
        return root;
    }
    if (!cJSON_IsObject(root)) {
        feedjson_set_err(err, errsz, "requests: expected an array or object, got %s",
                         feedjson_type_name(root));
        return NULL;
    }
    static const char *const wrappers[] = {"service_requests", "requests"};
    for (size_t i = 0; i < ARRAY_LEN(wrappers); i++) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, wrappers[i]);
        if (cJSON_IsArray(w)) {
            if (is_error_item(w->child)) {
                server_error(err, errsz, w);
                return NULL;
            }
            return w;
        }
        if (cJSON_IsObject(w)) {
            *single = true; /* {"service_requests": {"request": [...]}} */
            return w;
        }
    }
    if (cJSON_HasObjectItem(root, "service_request_id")) {
        *single = true;
        return root;
    }
    static const char *const error_keys[] = {"errors", "error", "message", "description"};
    for (size_t i = 0; i < ARRAY_LEN(error_keys); i++) {
        if (cJSON_HasObjectItem(root, error_keys[i])) {
            server_error(err, errsz, root); /* the whole object: it may carry a "code" too */
            return NULL;
        }
    }
    feedjson_set_err(err, errsz, "requests: object without service_requests or requests");
    return NULL;
}

struct complaint_batch *open311_parse_requests(const char *body, size_t len,
                                               const struct open311_options *opt, char *err,
                                               size_t errsz)
{
    feedjson_set_err(err, errsz, "%s", "");
    cJSON *root = feedjson_parse(body, len, err, errsz);
    if (!root)
        return NULL;
    bool single;
    const cJSON *list = find_list(root, &single, err, errsz);
    if (!list) {
        cJSON_Delete(root);
        return NULL;
    }

    struct parse_ctx cx = {
        .opt = opt,
        .unit_attr =
            opt && opt->unit_attribute && *opt->unit_attribute ? opt->unit_attribute : "ward_code",
        .batch = complaint_batch_new(),
    };
    cx.batch->full_listing = opt && opt->full_listing;
    if (single) {
        read_entry(&cx, list);
    } else {
        for (const cJSON *e = list->child; e; e = e->next)
            read_entry(&cx, e);
    }
    cJSON_Delete(root);

    /* A few odd items are tolerated; a list of nothing but non-objects is not a requests list
     * at all, and saying so beats showing an empty queue. */
    if (cx.first_bad_type && cx.usable == 0 && cx.batch->skipped_no_id == 0) {
        feedjson_set_err(err, errsz, "requests: item %zu: expected an object, got %s",
                         cx.first_bad_index, cx.first_bad_type);
        complaint_batch_free(cx.batch);
        return NULL;
    }
    return cx.batch;
}

/* ---- incremental polling --------------------------------------------------------------- */

char *open311_incremental_url(const char *list_url, int64_t after)
{
    char *url = xstrdup(list_url);
    /* A fragment would swallow the parameter appended below. */
    char *hash = strchr(url, '#');
    if (hash)
        *hash = '\0';
    static const char *const keys[] = {"status", "page", "updated_after", "updated_before"};
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        url_drop_param(url, keys[i]);
    char when[40];
    clock_format_iso(after - OPEN311_INCREMENTAL_OVERLAP_S, 0, when, sizeof when);
    size_t n = strlen(when);
    if (n > 6 && strcmp(when + n - 6, "+00:00") == 0)
        strcpy(when + n - 6, "Z");
    char *out = xasprintf("%s%cupdated_after=%s", url, strchr(url, '?') ? '&' : '?', when);
    free(url);
    return out;
}

int64_t open311_latest_update(const struct complaint_batch *b, int64_t not_after)
{
    int64_t latest = TIME_NONE;
    for (size_t i = 0; b && i < b->n; i++) {
        int64_t t = b->items[i].updated;
        if (t != TIME_NONE && t <= not_after && t > latest)
            latest = t;
    }
    return latest;
}

long open311_page_size(const char *url)
{
    const char *q = url ? strchr(url, '?') : NULL;
    for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
        if (strncmp(p + 1, "page_size=", 10) != 0)
            continue;
        char *end;
        long v = strtol(p + 11, &end, 10);
        return v > 0 && (*end == '\0' || *end == '&' || *end == '#') ? v : 0;
    }
    return 0;
}
