/* Prometheus HTTP API adapter: query responses -> a sensor batch, and query URLs.
 *
 * Runs on a worker thread (uv_queue_work), so it touches no global state, and neither does
 * the shared feedjson_* reading it uses (feedjson.h).
 *
 * The rules follow reference/standards.md §3.5: status first; sample values are strings
 * because of NaN and ±Inf, never JSON numbers; timestamps are float or integer seconds and
 * keep their milliseconds; unknown keys (stats, isPartial, histogram) are ignored or counted;
 * result [] and metric {} are fine. A series is a sensor only when it carries the id label:
 * the rest of a PromQL answer (job, instance, ...) does not name anything an operator
 * knows. Every stored string passes text_clean (DESIGN §4). */
#include "citydeck/prometheus.h"

#include "citydeck/clock.h"
#include "citydeck/feedjson.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ERRTEXT_BYTES 300 /* of the server's error text */
#define ID_BYTES 512
#define MAX_POINTS 11000 /* Prometheus refuses range queries with more per series */

/* A sample value: "1", "0.5", "NaN", "+Inf", "-Inf" (Go's strconv.FormatFloat), also "Inf";
 * numbers accepted though Prometheus never sends them. */
static bool sample_value(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return true;
    }
    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    const char *s = v->valuestring;
    if (strcasecmp(s, "NaN") == 0) {
        *out = NAN;
        return true;
    }
    const char *inf = s + (*s == '+' || *s == '-');
    if (strcasecmp(inf, "Inf") == 0 || strcasecmp(inf, "Infinity") == 0) {
        *out = *s == '-' ? -INFINITY : INFINITY;
        return true;
    }
    return feedjson_parse_number(s, out);
}

/* Seconds (float or integer, number or numeric string) -> epoch milliseconds. */
static bool sample_time(const cJSON *v, int64_t *out)
{
    double d;
    if (!feedjson_number(v, &d))
        return false;
    if (!isfinite(d) || fabs(d) > 9e12) /* past year 285,000: not a timestamp */
        return false;
    *out = llround(d * 1000);
    return true;
}

/* [ts, "v"] -> reading; false for any other shape. */
static bool sample_pair(const cJSON *pair, int64_t *t, double *v)
{
    if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2)
        return false;
    return sample_time(cJSON_GetArrayItem(pair, 0), t) &&
           sample_value(cJSON_GetArrayItem(pair, 1), v);
}

struct labels {
    const char *id, *kind, *unit, *name, *station, *symbol, *alarm[3], *prefix;
};

static void labels_init(struct labels *l, const struct prometheus_options *opt)
{
#define PICK(field, def) (opt && opt->field && *opt->field ? opt->field : def)
    l->id = PICK(id_label, "sensor_id");
    l->kind = PICK(kind_label, "kind");
    l->unit = PICK(unit_label, "unit_code");
    l->name = PICK(name_label, "name");
    l->station = PICK(station_label, "station");
    l->symbol = PICK(symbol_label, "unit");
    l->alarm[0] = PICK(alarm_labels[0], "bd1");
    l->alarm[1] = PICK(alarm_labels[1], "bd2");
    l->alarm[2] = PICK(alarm_labels[2], "bd3");
    l->prefix = PICK(id_prefix, "");
#undef PICK
}

static void count_reading(struct sensor_batch *b, struct sensor_update *u, int64_t t, double v)
{
    b->obs_total++;
    if (isnan(v))
        b->obs_no_value++;
    sensor_update_add_obs(u, t, v);
}

/* One series' labels -> an update with metadata, or NULL (skipped, counted) without an id. */
static struct sensor_update *read_metric(struct sensor_batch *b, const struct labels *l,
                                         const cJSON *metric)
{
    char *rid = feedjson_string_member(metric, l->id, ID_BYTES); /* NULL for a non-object too */
    if (!rid) {
        b->skipped_no_id++;
        return NULL;
    }
    struct sensor_update *u = sensor_batch_push(b);
    struct sensor *s = &u->s;
    u->meta = true;
    s->remote_id = rid;
    s->remote_id_is_string = true; /* label values are strings */
    s->id = xasprintf("%s%s", l->prefix, rid);
    s->name = feedjson_string_member(metric, l->name, 0);
    s->station = feedjson_string_member(metric, l->station, 0);
    s->property = feedjson_string_member(metric, "__name__", 0);
    s->unit = feedjson_string_member(metric, l->symbol, 0);
    s->unit_code = feedjson_string_member(metric, l->unit, 0);
    for (int i = 0; i < 3; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(metric, l->alarm[i]);
        double d;
        if (cJSON_IsString(v) && v->valuestring && feedjson_parse_number(v->valuestring, &d) &&
            isfinite(d))
            s->alarm[i] = d;
    }
    const char *texts[] = {s->property, s->name};
    sensor_infer(texts, ARRAY_LEN(texts), s->unit, &s->kind, &s->pollutant);
    char *kind = feedjson_string_member(metric, l->kind, 64);
    enum sensor_kind k;
    if (sensor_kind_parse(kind, &k))
        s->kind = k;
    free(kind);
    if (!s->unit_code)
        b->unattributed++;
    return u;
}

static void read_vector_item(struct sensor_batch *b, const struct labels *l, const cJSON *item)
{
    if (!cJSON_IsObject(item)) {
        b->skipped_invalid++;
        return;
    }
    struct sensor_update *u = read_metric(b, l, cJSON_GetObjectItemCaseSensitive(item, "metric"));
    if (!u)
        return;
    int64_t t;
    double v;
    if (sample_pair(cJSON_GetObjectItemCaseSensitive(item, "value"), &t, &v))
        count_reading(b, u, t, v);
    else
        b->skipped_invalid++; /* a native histogram, or a broken pair */
}

static void read_matrix_item(struct sensor_batch *b, const struct labels *l, const cJSON *item)
{
    if (!cJSON_IsObject(item)) {
        b->skipped_invalid++;
        return;
    }
    struct sensor_update *u = read_metric(b, l, cJSON_GetObjectItemCaseSensitive(item, "metric"));
    if (!u)
        return;
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(item, "values");
    const cJSON *hist = cJSON_GetObjectItemCaseSensitive(item, "histograms");
    if (!cJSON_IsArray(values)) {
        b->skipped_invalid += cJSON_IsArray(hist) ? (size_t)cJSON_GetArraySize(hist) : 1;
        return;
    }
    for (const cJSON *p = values->child; p; p = p->next) {
        int64_t t;
        double v;
        if (sample_pair(p, &t, &v))
            count_reading(b, u, t, v);
        else
            b->skipped_invalid++;
    }
}

static void read_notes(struct sensor_batch *b, const cJSON *root, const char *key,
                       const char *prefix)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!cJSON_IsArray(list))
        return;
    for (const cJSON *w = list->child; w; w = w->next) {
        if (!cJSON_IsString(w) || !w->valuestring)
            continue;
        char *raw = xasprintf("%s%s", prefix, w->valuestring);
        char *clean = text_clean(raw, (size_t)-1, ERRTEXT_BYTES);
        free(raw);
        if (*clean)
            sensor_batch_add_warning(b, clean);
        else
            free(clean);
    }
}

static char *clean_field(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) && v->valuestring
               ? text_clean(v->valuestring, (size_t)-1, ERRTEXT_BYTES)
               : xstrdup("");
}

/* Fills err from {"status":"error",...}; returns false when root is not an API envelope. */
static bool read_status(const cJSON *root, bool *success, char *err, size_t errsz)
{
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (!cJSON_IsString(status) || !status->valuestring) {
        feedjson_set_err(err, errsz, "prometheus: no status (not a Prometheus API response)");
        return false;
    }
    *success = strcmp(status->valuestring, "success") == 0;
    if (!*success) {
        char *type = clean_field(root, "errorType");
        char *text = clean_field(root, "error");
        feedjson_set_err(err, errsz, "%s: %s", *type ? type : "error",
                         *text ? text : "(no error text)");
        free(type);
        free(text);
    }
    return true;
}

static bool read_data(struct sensor_batch *b, const struct labels *l, const cJSON *data, char *err,
                      size_t errsz)
{
    if (cJSON_IsArray(data)) { /* /api/v1/series: label sets, no samples */
        for (const cJSON *e = data->child; e; e = e->next) {
            if (cJSON_IsObject(e))
                read_metric(b, l, e);
            else
                b->skipped_invalid++;
        }
        return true;
    }
    if (!cJSON_IsObject(data)) {
        feedjson_set_err(err, errsz, "prometheus: data is %s, not an object",
                         feedjson_type_name(data));
        return false;
    }
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(data, "resultType");
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(data, "result");
    const char *type = cJSON_IsString(rt) && rt->valuestring ? rt->valuestring : "";
    if (strcmp(type, "vector") == 0 || strcmp(type, "matrix") == 0) {
        if (!cJSON_IsArray(result)) {
            feedjson_set_err(err, errsz, "prometheus: %s result is %s, not an array", type,
                             feedjson_type_name(result));
            return false;
        }
        bool matrix = type[0] == 'm';
        for (const cJSON *item = result->child; item; item = item->next) {
            if (matrix)
                read_matrix_item(b, l, item);
            else
                read_vector_item(b, l, item);
        }
        return true;
    }
    if (strcmp(type, "scalar") == 0) {
        int64_t t;
        double v;
        if (!sample_pair(result, &t, &v)) {
            feedjson_set_err(err, errsz, "prometheus: scalar result is not [time, \"value\"]");
            return false;
        }
        b->has_scalar = true;
        b->scalar_t_ms = t;
        b->scalar = v;
        return true;
    }
    if (strcmp(type, "string") == 0) {
        const cJSON *s = cJSON_IsArray(result) ? cJSON_GetArrayItem(result, 1) : NULL;
        char *text = text_clean(cJSON_IsString(s) ? s->valuestring : "", (size_t)-1, 80);
        feedjson_set_err(err, errsz,
                         "prometheus: result type string is not a sensor reading (\"%s\")", text);
        free(text);
        return false;
    }
    char *clean = text_clean(type, (size_t)-1, 40);
    feedjson_set_err(err, errsz, "prometheus: unknown result type \"%s\"", clean);
    free(clean);
    return false;
}

struct sensor_batch *prometheus_parse(const char *body, size_t len,
                                      const struct prometheus_options *opt, char *err, size_t errsz)
{
    feedjson_set_err(err, errsz, "%s", "");
    cJSON *root = feedjson_parse_object(body, len, "prometheus", err, errsz);
    if (!root)
        return NULL;
    bool success = false;
    if (!read_status(root, &success, err, errsz) || !success) {
        cJSON_Delete(root);
        return NULL;
    }
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (!data) {
        feedjson_set_err(err, errsz, "prometheus: success without data");
        cJSON_Delete(root);
        return NULL;
    }
    struct labels l;
    labels_init(&l, opt);
    struct sensor_batch *b = sensor_batch_new();
    read_notes(b, root, "warnings", "");
    read_notes(b, root, "infos", "info: ");
    bool ok = read_data(b, &l, data, err, errsz);
    cJSON_Delete(root);
    if (!ok) {
        sensor_batch_free(b);
        return NULL;
    }
    return b;
}

/* ---- URLs ---------------------------------------------------------------------------------- */

static void put_base(struct buf *b, const char *base, const char *endpoint, const char *query)
{
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    buf_append(b, base, n);
    buf_appendf(b, "/api/v1/%s?query=", endpoint);
    /* Everything but unreserved bytes is encoded, so PromQL's {}, ", =~, [], +, & and spaces
     * reach the server intact. */
    url_encode(b, query, NULL);
}

/* Epoch seconds with milliseconds, "1435781451.781", printed from integers because %f would
 * write the locale's decimal comma. */
static void put_time(struct buf *b, const char *key, int64_t ms)
{
    unsigned long long a = ms < 0 ? 0ULL - (unsigned long long)ms : (unsigned long long)ms;
    buf_appendf(b, "&%s=%s%llu.%03llu", key, ms < 0 ? "-" : "", a / 1000, a % 1000);
}

char *prometheus_query_url(const char *base, const char *query, int64_t time_ms)
{
    if (!base || !query)
        return NULL;
    struct buf b = {0};
    put_base(&b, base, "query", query);
    if (time_ms != TIME_NONE)
        put_time(&b, "time", time_ms);
    return buf_take(&b);
}

char *prometheus_range_url(const char *base, const char *query, int64_t start_ms, int64_t end_ms,
                           double step_s)
{
    if (!base || !query || start_ms == TIME_NONE || end_ms == TIME_NONE || end_ms < start_ms)
        return NULL;
    double span = (double)(end_ms - start_ms) / 1000;
    if (!isfinite(step_s) || step_s < 1)
        step_s = 1;
    if (step_s > 1e9) /* 30 years: keeps the millisecond arithmetic below in range */
        step_s = 1e9;
    if (span / step_s > MAX_POINTS)
        step_s = ceil(span / MAX_POINTS);
    struct buf b = {0};
    put_base(&b, base, "query_range", query);
    put_time(&b, "start", start_ms);
    put_time(&b, "end", end_ms);
    /* Integral steps as integers ("60"), else to the millisecond, which is all PromQL uses;
     * printed from integers because %f would write the locale's decimal comma. */
    long long step_ms = llround(step_s * 1000);
    if (step_ms % 1000 == 0)
        buf_appendf(&b, "&step=%lld", step_ms / 1000);
    else
        buf_appendf(&b, "&step=%lld.%03lld", step_ms / 1000, step_ms % 1000);
    return buf_take(&b);
}
