#include "open311.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "citydeck/clock.h"
#include "citydeck/util.h"
#include "reply.h"
#include "services.h"

#define VN CLOCK_VN_OFFSET
#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"
/* When the service list last changed: it is compiled in. */
#define CHANGESET "2026-01-01T00:00:00+07:00"
#define MAX_IDS 1000

char *open311_error(int code, const char *fmt, ...)
{
    struct buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vappendf(&b, fmt, ap);
    va_end(ap);
    cJSON *arr = cJSON_CreateArray();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "code", code);
    cJSON_AddStringToObject(o, "description", b.data ? b.data : "");
    cJSON_AddItemToArray(arr, o);
    char *s = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    buf_free(&b);
    return s;
}

int open311_discovery(const struct complaints *c, const char *endpoint_url, char **body)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "changeset", CHANGESET);
    char *contact = xasprintf("%s (citydeck-sim, dữ liệu mô phỏng)", complaints_ioc_name(c));
    cJSON_AddStringToObject(root, "contact", contact);
    free(contact);
    cJSON_AddStringToObject(root, "key_service",
                            "Không cần khóa API: máy chủ mô phỏng chỉ cho phép đọc.");
    cJSON *eps = cJSON_AddArrayToObject(root, "endpoints");
    cJSON *ep = cJSON_CreateObject();
    cJSON_AddStringToObject(ep, "specification", SPEC_URL);
    cJSON_AddStringToObject(ep, "url", endpoint_url);
    cJSON_AddStringToObject(ep, "changeset", CHANGESET);
    cJSON_AddStringToObject(ep, "type", "test");
    cJSON *formats = cJSON_AddArrayToObject(ep, "formats");
    cJSON_AddItemToArray(formats, cJSON_CreateString("application/json"));
    cJSON_AddItemToArray(eps, ep);
    *body = sim_print_and_free(root);
    return 200;
}

int open311_services(char **body)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < services_count(); i++) {
        const struct service *s = services_at(i);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "service_code", s->code);
        cJSON_AddStringToObject(o, "service_name", s->name);
        cJSON_AddStringToObject(o, "description", s->description);
        /* Every category has a form (services/{code}.json), as the spec's metadata means. */
        cJSON_AddBoolToObject(o, "metadata", true);
        cJSON_AddStringToObject(o, "type", "realtime");
        cJSON_AddStringToObject(o, "keywords", s->keywords);
        cJSON_AddStringToObject(o, "group", s->group);
        cJSON_AddItemToArray(arr, o);
    }
    *body = sim_print_and_free(arr);
    return 200;
}

static void add_attribute(cJSON *arr, const struct service_attribute *a, int order)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "variable", a->variable);
    cJSON_AddStringToObject(o, "code", a->code);
    cJSON_AddStringToObject(o, "datatype", a->datatype);
    cJSON_AddBoolToObject(o, "required", a->required);
    if (a->datatype_description)
        cJSON_AddStringToObject(o, "datatype_description", a->datatype_description);
    else
        cJSON_AddNullToObject(o, "datatype_description");
    cJSON_AddNumberToObject(o, "order", order);
    cJSON_AddStringToObject(o, "description", a->description);
    if (a->nvalues) {
        cJSON *values = cJSON_AddArrayToObject(o, "values");
        for (size_t i = 0; i < a->nvalues; i++) {
            cJSON *v = cJSON_CreateObject();
            cJSON_AddStringToObject(v, "key", a->values[i].key);
            cJSON_AddStringToObject(v, "name", a->values[i].name);
            cJSON_AddItemToArray(values, v);
        }
    }
    cJSON_AddItemToArray(arr, o);
}

int open311_service_definition(const char *code, char **body)
{
    int idx = services_find(code);
    if (idx < 0) {
        *body = open311_error(404, "service_code '%s' not found", code);
        return 404;
    }
    const struct service *svc = services_at((size_t)idx);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "service_code", svc->code);
    cJSON *attrs = cJSON_AddArrayToObject(root, "attributes");
    size_t ncommon;
    const struct service_attribute *common = services_common_attributes(&ncommon);
    int order = 1;
    for (size_t i = 0; i < ncommon; i++)
        add_attribute(attrs, &common[i], order++);
    for (size_t i = 0; i < svc->nattributes; i++)
        add_attribute(attrs, &svc->attributes[i], order++);
    *body = sim_print_and_free(root);
    return 200;
}

/* What a status step says in the request's history. */
static char *note_text(const struct pakn *p, int i, const struct complaints *c)
{
    const struct service *svc = services_at((size_t)p->service);
    enum pakn_status prev = i > 0 ? p->steps[i - 1].status : PS_NEW;
    switch (p->steps[i].status) {
    case PS_NEW:
        return xasprintf("Tiếp nhận phản ánh qua %s.", pakn_channel_label(p->channel));
    case PS_VERIFYING:
        return xstrdup("Trung tâm đang xác minh nội dung phản ánh.");
    case PS_ACCEPTED:
        return xasprintf("Đã tiếp nhận, phân loại lĩnh vực %s, mức độ %s.", svc->name,
                         pakn_urgency_label(p->urgency));
    case PS_ASSIGNED:
        return xasprintf("Chuyển %s xử lý.", p->agency ? p->agency : complaints_ioc_name(c));
    case PS_IN_PROGRESS:
        if (prev == PS_NEED_INFO)
            return xstrdup("Công dân đã bổ sung thông tin; tiếp tục xử lý.");
        if (prev == PS_REOPENED)
            return xstrdup("Tiếp tục xử lý nội dung phản ánh lại.");
        return xasprintf("%s đang xử lý.", p->agency ? p->agency : complaints_ioc_name(c));
    case PS_NEED_INFO:
        return xstrdup("Đề nghị công dân bổ sung thông tin, hình ảnh hiện trường.");
    case PS_RESOLVED:
    case PS_REJECTED:
        return xstrdup(p->outcome ? p->outcome : "");
    case PS_PUBLISHED:
        return xstrdup("Kết quả xử lý đã được công khai.");
    case PS_REOPENED:
        return xstrdup("Công dân phản ánh lại: chưa hài lòng với kết quả xử lý.");
    }
    return xstrdup("");
}

/* The request lists are the hot path (a page of 1,000 complaints would be a cJSON tree of
 * some 20,000 nodes, then a second pass to print it), so they are written straight into a
 * buffer, byte for byte as cJSON_PrintUnformatted writes them: the same escapes, the same
 * number forms. Bodies and ETags do not depend on which path made them. */
static void jw_str(struct buf *b, const char *s)
{
    buf_append(b, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch > 31 && ch != '"' && ch != '\\')
            continue;
        buf_append(b, run, (size_t)(s - run));
        char esc[8];
        switch (ch) {
        case '"':
            buf_append(b, "\\\"", 2);
            break;
        case '\\':
            buf_append(b, "\\\\", 2);
            break;
        case '\b':
            buf_append(b, "\\b", 2);
            break;
        case '\f':
            buf_append(b, "\\f", 2);
            break;
        case '\n':
            buf_append(b, "\\n", 2);
            break;
        case '\r':
            buf_append(b, "\\r", 2);
            break;
        case '\t':
            buf_append(b, "\\t", 2);
            break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", ch);
            buf_append(b, esc, 6);
            break;
        }
        run = s + 1;
    }
    buf_append(b, run, (size_t)(s - run));
    buf_append(b, "\"", 1);
}

/* cJSON's print_number: integers as %d, else 15 significant digits when they read back,
 * else 17. */
static void jw_num(struct buf *b, double d)
{
    char num[32];
    int as_int = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ? INT_MIN : (int)d;
    if (isnan(d) || isinf(d)) {
        str_copy(num, "null", sizeof num);
    } else if (d == (double)as_int) {
        snprintf(num, sizeof num, "%d", as_int);
    } else {
        snprintf(num, sizeof num, "%1.15g", d);
        double back = strtod(num, NULL);
        double max = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
        if (!(fabs(back - d) <= max * DBL_EPSILON))
            snprintf(num, sizeof num, "%1.17g", d);
    }
    buf_append(b, num, strlen(num));
}

/* ,"key": -- keys are ASCII literals, never escaped. */
static void jw_key(struct buf *b, const char *key)
{
    buf_append(b, ",\"", 2);
    buf_append(b, key, strlen(key));
    buf_append(b, "\":", 2);
}

static void jw_kstr(struct buf *b, const char *key, const char *value)
{
    jw_key(b, key);
    jw_str(b, value);
}

static void jw_ktime(struct buf *b, const char *key, int64_t t)
{
    char when[40];
    clock_format_iso(t, VN, when, sizeof when);
    jw_kstr(b, key, when);
}

static void render_request(struct buf *b, const struct pakn *p, int64_t now, bool extensions,
                           const struct complaints *c)
{
    const struct service *svc = services_at((size_t)p->service);
    const struct world *w = complaints_world(c);
    const struct unit *u = &w->units[p->unit];
    int last = pakn_step_index(p, now);
    if (last < 0) /* not arrived yet: callers filter these out; show it as new anyway */
        last = 0;
    enum pakn_status st = p->steps[last].status;
    buf_append(b, "{\"service_request_id\":", 22);
    jw_str(b, p->id);
    jw_kstr(b, "status", pakn_status_closed(st) ? "closed" : "open");
    if (st == PS_RESOLVED || st == PS_PUBLISHED || st == PS_REJECTED) {
        char *notes = xasprintf("%s: %s", pakn_status_label(st), p->outcome);
        jw_kstr(b, "status_notes", notes);
        free(notes);
    } else {
        jw_kstr(b, "status_notes", pakn_status_label(st));
    }
    jw_kstr(b, "service_name", svc->name);
    jw_kstr(b, "service_code", svc->code);
    jw_kstr(b, "description", p->description);
    jw_kstr(b, "agency_responsible", pakn_agency_at(p, now, c));
    jw_ktime(b, "requested_datetime", p->requested);
    jw_ktime(b, "updated_datetime", p->steps[last].at);
    int64_t due;
    if (pakn_due_at(p, now, &due))
        jw_ktime(b, "expected_datetime", due);
    jw_kstr(b, "address", p->address);
    if (p->has_location) {
        jw_key(b, "lat");
        jw_num(b, p->lat);
        jw_key(b, "long");
        jw_num(b, p->lon);
    }
    if (!extensions) {
        buf_append(b, "}", 1);
        return;
    }
    buf_append(b, ",\"extended_attributes\":{\"ward\":", 31);
    jw_str(b, u->full_name);
    jw_kstr(b, "ward_code", u->code);
    jw_kstr(b, "channel", pakn_channel_code(p->channel));
    jw_kstr(b, "urgency", pakn_urgency_code(p->urgency));
    jw_kstr(b, "detailed_status", pakn_status_code(st));
    jw_kstr(b, "detailed_status_label", pakn_status_label(st));
    const char *sat = pakn_satisfaction_code(pakn_satisfaction_at(p, now));
    jw_key(b, "satisfaction");
    if (sat)
        jw_str(b, sat);
    else
        buf_append(b, "null", 4);
    buf_append(b, "},\"notes\":[", 11);
    for (int i = 0; i <= last; i++) {
        char when[40];
        clock_format_iso(p->steps[i].at, VN, when, sizeof when);
        buf_append(b, i ? ",{\"datetime\":" : "{\"datetime\":", i ? 13 : 12);
        jw_str(b, when);
        jw_kstr(b, "summary", pakn_status_label(p->steps[i].status));
        char *text = note_text(p, i, c);
        jw_kstr(b, "description", text);
        free(text);
        buf_append(b, ",\"type\":\"status_change\"}", 24);
    }
    buf_append(b, "]}", 2);
}

/* A JSON array of the rendered requests, as a string. */
struct jlist {
    struct buf b;
    size_t n;
};

static void jlist_add(struct jlist *l, const struct pakn *p, int64_t now, bool extensions,
                      const struct complaints *c)
{
    buf_append(&l->b, l->n++ ? "," : "[", 1);
    render_request(&l->b, p, now, extensions, c);
}

static char *jlist_take(struct jlist *l)
{
    buf_append(&l->b, l->n ? "]" : "[]", l->n ? 1 : 2);
    return buf_take(&l->b);
}

/* The parsed query of requests.json. */
struct query {
    bool extensions;
    bool want_open, want_closed;
    bool services[SERVICES_MAX];
    bool any_service;
    int64_t start, end, updated_after, updated_before; /* TIME_NONE when absent */
    long page, page_size;
};

static int parse_bool(const char *v, bool *out)
{
    if (!strcasecmp(v, "true") || !strcmp(v, "1")) {
        *out = true;
        return 0;
    }
    if (!strcasecmp(v, "false") || !strcmp(v, "0")) {
        *out = false;
        return 0;
    }
    return -1;
}

/* Splits a comma list in place into at most max tokens; returns the count or -1 if an item
 * is empty. */
static int split_list(char *s, char **items, int max)
{
    int n = 0;
    for (char *tok = s;; n++) {
        char *comma = strchr(tok, ',');
        if (comma)
            *comma = '\0';
        while (*tok == ' ')
            tok++;
        if (!*tok || n == max)
            return -1;
        items[n] = tok;
        if (!comma)
            return n + 1;
        tok = comma + 1;
    }
}

static int parse_query(struct query *q, open311_param_fn get, void *ctx, char **err)
{
    memset(q, 0, sizeof *q);
    q->start = q->end = q->updated_after = q->updated_before = TIME_NONE;
    q->page = 1;
    q->page_size = OPEN311_MAX_PAGE_SIZE;
    q->want_open = q->want_closed = true;
    const char *v;
    if ((v = get(ctx, "extensions")) && parse_bool(v, &q->extensions) < 0) {
        *err = open311_error(400, "extensions must be true or false, not '%s'", v);
        return -1;
    }
    if ((v = get(ctx, "status"))) {
        char *copy = xstrdup(v), *items[8];
        int n = split_list(copy, items, 8);
        q->want_open = q->want_closed = false;
        for (int i = 0; i < n; i++) {
            if (!strcmp(items[i], "open"))
                q->want_open = true;
            else if (!strcmp(items[i], "closed"))
                q->want_closed = true;
            else
                n = -1;
        }
        free(copy);
        if (n < 0) {
            *err = open311_error(400, "status must be open, closed or open,closed, not '%s'", v);
            return -1;
        }
    }
    if ((v = get(ctx, "service_code"))) {
        char *copy = xstrdup(v), *items[SERVICES_MAX];
        int n = split_list(copy, items, SERVICES_MAX);
        for (int i = 0; i < n; i++) {
            int s = services_find(items[i]);
            if (s < 0) {
                *err = open311_error(400, "unknown service_code '%s'", items[i]);
                free(copy);
                return -1;
            }
            q->services[s] = true;
        }
        free(copy);
        if (n < 0) {
            *err = open311_error(400, "service_code must be a comma-separated list of codes");
            return -1;
        }
        q->any_service = true;
    }
    static const struct {
        const char *name;
        size_t off;
    } dates[] = {
        {"start_date", offsetof(struct query, start)},
        {"end_date", offsetof(struct query, end)},
        {"updated_after", offsetof(struct query, updated_after)},
        {"updated_before", offsetof(struct query, updated_before)},
    };
    for (size_t i = 0; i < ARRAY_LEN(dates); i++) {
        if (!(v = get(ctx, dates[i].name)))
            continue;
        int64_t t = sim_parse_time(v);
        if (t == TIME_NONE) {
            *err = open311_error(400,
                                 "%s must be a W3C date-time such as "
                                 "2026-03-02T08:00:00+07:00, not '%s'",
                                 dates[i].name, v);
            return -1;
        }
        *(int64_t *)((char *)q + dates[i].off) = t;
    }
    if (q->start != TIME_NONE && q->end != TIME_NONE && q->end < q->start) {
        *err = open311_error(400, "end_date is before start_date");
        return -1;
    }
    if ((v = get(ctx, "page")) && sim_parse_long(v, 1, 1000000, &q->page) < 0) {
        *err = open311_error(400, "page must be a whole number from 1, not '%s'", v);
        return -1;
    }
    if ((v = get(ctx, "page_size")) &&
        sim_parse_long(v, 1, OPEN311_MAX_PAGE_SIZE, &q->page_size) < 0) {
        *err = open311_error(400, "page_size must be a whole number from 1 to %d, not '%s'",
                             OPEN311_MAX_PAGE_SIZE, v);
        return -1;
    }
    return 0;
}

static bool query_matches(const struct query *q, const struct pakn *p, int64_t now)
{
    if (q->any_service && !q->services[p->service])
        return false;
    bool open = pakn_open_at(p, now);
    if (open ? !q->want_open : !q->want_closed)
        return false;
    if (q->start != TIME_NONE && p->requested < q->start)
        return false;
    if (q->end != TIME_NONE && p->requested > q->end)
        return false;
    if (q->updated_after != TIME_NONE || q->updated_before != TIME_NONE) {
        int64_t up = pakn_updated_at(p, now);
        if (q->updated_after != TIME_NONE && up <= q->updated_after)
            return false;
        if (q->updated_before != TIME_NONE && up >= q->updated_before)
            return false;
    }
    if (q->start == TIME_NONE && q->end == TIME_NONE && q->updated_after == TIME_NONE &&
        q->updated_before == TIME_NONE &&
        p->requested < now - (int64_t)OPEN311_DEFAULT_DAYS * 86400)
        return false;
    return true;
}

/* service_request_id overrides every other parameter (the spec); extensions still apply. */
static int requests_by_id(const struct complaints *c, int64_t now, const char *ids, bool extensions,
                          char **body)
{
    char *copy = xstrdup(ids), *items[MAX_IDS];
    int n = split_list(copy, items, MAX_IDS);
    if (n < 0) {
        free(copy);
        *body = open311_error(400,
                              "service_request_id must be a comma-separated list of at "
                              "most %d ids",
                              MAX_IDS);
        return 400;
    }
    struct jlist list = {0};
    for (int i = 0; i < n; i++) {
        const struct pakn *p = complaints_find(c, items[i]);
        if (p && p->requested <= now)
            jlist_add(&list, p, now, extensions, c);
    }
    free(copy);
    *body = jlist_take(&list);
    return 200;
}

int open311_requests(const struct complaints *c, int64_t now, open311_param_fn get, void *ctx,
                     char **body)
{
    /* service_request_id overrides every other parameter, bad ones included. */
    const char *ids = get(ctx, "service_request_id");
    if (ids) {
        bool extensions = false;
        const char *v = get(ctx, "extensions");
        if (v && parse_bool(v, &extensions) < 0) {
            *body = open311_error(400, "extensions must be true or false, not '%s'", v);
            return 400;
        }
        return requests_by_id(c, now, ids, extensions, body);
    }
    struct query q;
    if (parse_query(&q, get, ctx, body) < 0)
        return 400;

    /* Newest first; a page is a slice of the matches in that order. */
    long skip = (q.page - 1) * q.page_size, taken = 0;
    struct jlist list = {0};
    for (size_t i = complaints_count(c); i-- > 0 && taken < q.page_size;) {
        const struct pakn *p = complaints_at(c, i);
        if (p->requested > now || !query_matches(&q, p, now))
            continue;
        if (skip > 0) {
            skip--;
            continue;
        }
        jlist_add(&list, p, now, q.extensions, c);
        taken++;
    }
    *body = jlist_take(&list);
    return 200;
}

int open311_request(const struct complaints *c, int64_t now, const char *id, open311_param_fn get,
                    void *ctx, char **body)
{
    bool extensions = false;
    const char *v = get(ctx, "extensions");
    if (v && parse_bool(v, &extensions) < 0) {
        *body = open311_error(400, "extensions must be true or false, not '%s'", v);
        return 400;
    }
    const struct pakn *p = complaints_find(c, id);
    if (!p || p->requested > now) {
        *body = open311_error(404, "service_request_id '%s' not found", id);
        return 404;
    }
    struct jlist list = {0};
    jlist_add(&list, p, now, extensions, c);
    *body = jlist_take(&list);
    return 200;
}

#define V2 "/open311/v2"

static const char *domain_param(void *ctx, const char *key)
{
    return sim_request_param(ctx, key);
}

/* "/open311/v2/requests/PA-51-000123.json" with prefix V2 "/requests/" -> "PA-51-000123" in
 * id; false if not that shape. */
static bool id_of(const char *url, const char *prefix, char *id, size_t n)
{
    static const char suffix[] = ".json";
    if (!str_starts_with(url, prefix))
        return false;
    const char *start = url + strlen(prefix);
    size_t len = strlen(start);
    if (len <= strlen(suffix) || strcmp(start + len - strlen(suffix), suffix) != 0)
        return false;
    len -= strlen(suffix);
    if (len >= n || memchr(start, '/', len))
        return false;
    memcpy(id, start, len);
    id[len] = '\0';
    return true;
}

static void domain_advance(void *state, int64_t now)
{
    complaints_advance(state, now);
}

static bool domain_route(void *state, const struct sim_request *rq, struct sim_response *rs)
{
    struct complaints *c = state;
    char id[64];
    if (!str_starts_with(rq->path, V2 "/"))
        return false;
    /* One jurisdiction per endpoint: the province. The spec makes jurisdiction_id optional
     * then, and an unknown one a 404. */
    const char *jur = sim_request_param(rq, "jurisdiction_id");
    const char *province = complaints_world(c)->province_code;
    if (rq->body) {
        rs->status = 405;
        rs->body = open311_error(405, "POST is not supported: this hub is read-only");
    } else if (jur && strcmp(jur, province) != 0) {
        rs->status = 404;
        rs->body = open311_error(404, "jurisdiction_id '%s' not found (this endpoint serves %s)",
                                 jur, province);
    } else if (!strcmp(rq->path, V2 "/discovery.json")) {
        char *endpoint = xasprintf("%s" V2, rq->base_url);
        rs->status = open311_discovery(c, endpoint, &rs->body);
        free(endpoint);
    } else if (!strcmp(rq->path, V2 "/services.json")) {
        rs->status = open311_services(&rs->body);
    } else if (!strcmp(rq->path, V2 "/requests.json")) {
        rs->status = open311_requests(c, rq->now, domain_param, (void *)rq, &rs->body);
    } else if (id_of(rq->path, V2 "/services/", id, sizeof id)) {
        rs->status = open311_service_definition(id, &rs->body);
    } else if (id_of(rq->path, V2 "/requests/", id, sizeof id)) {
        rs->status = open311_request(c, rq->now, id, domain_param, (void *)rq, &rs->body);
    } else {
        rs->status = 404;
        rs->body = open311_error(404, "no such resource: %s", rq->path);
    }
    return true;
}

struct sim_domain open311_domain(struct complaints *c)
{
    return (struct sim_domain){
        .name = "open311", .state = c, .advance = domain_advance, .route = domain_route};
}
