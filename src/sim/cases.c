#include "cases.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/util.h"
#include "reply.h"

#define VN CLOCK_VN_OFFSET
#define V1 "/cases/v1"
#define NSTATUS 10

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if there is none. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = (p[0] & 0xE0) == 0xC0   ? 2
               : (p[0] & 0xF0) == 0xE0 ? 3
               : (p[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
    if (n == 0 || (n == 2 && p[0] < 0xC2) || (n == 4 && p[0] > 0xF4))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Messages echo what the client sent (a path, a parameter): keep them valid UTF-8 without
 * controls and short, so the error body is as clean as every other body. */
static void clean_message(struct buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p && out->len < 300) {
        size_t n = utf8_len(p);
        if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
            buf_append(out, "?", 1);
            p++;
        } else {
            buf_append(out, p, n);
            p += n;
        }
    }
}

char *cases_error(int code, const char *fmt, ...)
{
    struct buf raw = {0}, b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vappendf(&raw, fmt, ap);
    va_end(ap);
    clean_message(&b, raw.data ? raw.data : "");
    buf_free(&raw);
    cJSON *root = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", b.data ? b.data : "");
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    buf_free(&b);
    return s;
}

static void fail(struct sim_response *rs, int code, char *body)
{
    rs->status = code;
    rs->body = body;
}

static void add_time(cJSON *o, const char *key, int64_t t)
{
    if (t == TIME_NONE) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char buf[40];
    clock_format_iso(t, VN, buf, sizeof buf);
    cJSON_AddStringToObject(o, key, buf);
}

static void add_code(cJSON *o, const char *key, const char *code)
{
    if (code)
        cJSON_AddStringToObject(o, key, code);
    else
        cJSON_AddNullToObject(o, key);
}

/* Rates go out rounded to 4 decimals (0.9812 = 98.12 %, the 766 rule's two decimals of a
 * percentage); null when nothing is counted (766: denominator 0 means N/A). */
static void add_rate(cJSON *o, const char *key, size_t num, size_t den)
{
    if (den == 0) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    cJSON_AddNumberToObject(o, key, round((double)num / (double)den * 10000) / 10000);
}

/* ---- query parameters ---------------------------------------------------------------- */

struct query {
    int unit; /* -1 = all */
    bool status[NSTATUS + 1];
    bool any_status;
    int64_t updated_since, as_of, from; /* TIME_NONE when absent */
    long page, page_size;
};

static int find_unit(const struct world *w, const char *code)
{
    for (size_t i = 0; i < w->nunits; i++)
        if (!strcmp(w->units[i].code, code))
            return (int)i;
    return -1;
}

/* status=4 / status=2,4,5 / status=open / status=closed. */
static int parse_status(const char *v, struct query *q)
{
    char *copy = xstrdup(v);
    int rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long code;
        if (!strcmp(tok, "open")) {
            static const int open_codes[] = {HS_SUBMITTED,  HS_RECEIVED, HS_PROCESSING,
                                             HS_SUPPLEMENT, HS_FEE,      HS_WITHDRAW};
            for (size_t i = 0; i < ARRAY_LEN(open_codes); i++)
                q->status[open_codes[i]] = true;
        } else if (!strcmp(tok, "closed")) {
            q->status[HS_REFUSED] = q->status[HS_STOPPED] = true;
            q->status[HS_DONE] = q->status[HS_RETURNED] = true;
        } else if (sim_parse_long(tok, 1, NSTATUS, &code) == 0) {
            q->status[code] = true;
        } else {
            rc = -1;
            break;
        }
        q->any_status = true;
    }
    free(copy);
    return rc == 0 && q->any_status ? 0 : -1;
}

/* Parses the parameters every endpoint shares; returns 0 or fills rs with a 400. */
static int parse_query(const struct dossiers *d, const struct sim_request *rq, struct query *q,
                       struct sim_response *rs)
{
    memset(q, 0, sizeof *q);
    q->unit = -1;
    q->updated_since = q->as_of = q->from = TIME_NONE;
    q->page = 1;
    q->page_size = CASES_DEFAULT_PAGE_SIZE;
    const char *v;
    if ((v = sim_request_param(rq, "unit"))) {
        q->unit = find_unit(dossiers_world(d), v);
        if (q->unit < 0) {
            fail(rs, 400, cases_error(400, "unknown unit '%s' (see /units.json)", v));
            return -1;
        }
    }
    if ((v = sim_request_param(rq, "status")) && parse_status(v, q) < 0) {
        fail(rs, 400,
             cases_error(400,
                         "status must be a comma-separated list of codes 1-10, open or "
                         "closed, not '%s'",
                         v));
        return -1;
    }
    static const struct {
        const char *name;
        size_t off;
    } times[] = {
        {"updated_since", offsetof(struct query, updated_since)},
        {"as_of", offsetof(struct query, as_of)},
        {"from", offsetof(struct query, from)},
    };
    for (size_t i = 0; i < ARRAY_LEN(times); i++) {
        if (!(v = sim_request_param(rq, times[i].name)))
            continue;
        int64_t t = sim_parse_time(v);
        if (t == TIME_NONE) {
            fail(rs, 400,
                 cases_error(400,
                             "%s must be an ISO 8601 date-time such as "
                             "2026-03-02T08:00:00+07:00, not '%s'",
                             times[i].name, v));
            return -1;
        }
        *(int64_t *)(void *)((char *)q + times[i].off) = t;
    }
    if (q->as_of == TIME_NONE) {
        q->as_of = rq->now;
    } else if (q->as_of > rq->now) {
        char now[40];
        clock_format_iso(rq->now, VN, now, sizeof now);
        fail(rs, 400, cases_error(400, "as_of is after the hub's current time %s", now));
        return -1;
    }
    if ((v = sim_request_param(rq, "page")) && sim_parse_long(v, 1, 1000000, &q->page) < 0) {
        fail(rs, 400, cases_error(400, "page must be a whole number from 1, not '%s'", v));
        return -1;
    }
    if ((v = sim_request_param(rq, "page_size")) &&
        sim_parse_long(v, 1, CASES_MAX_PAGE_SIZE, &q->page_size) < 0) {
        fail(rs, 400,
             cases_error(400, "page_size must be a whole number from 1 to %d, not '%s'",
                         CASES_MAX_PAGE_SIZE, v));
        return -1;
    }
    return 0;
}

/* ---- rendering --------------------------------------------------------------------- */

static cJSON *render_dossier(const struct dossiers *d, const struct hoso *h,
                             const struct hoso_view *v, bool with_steps)
{
    const struct procedure *pr = procedures_at(h->procedure);
    const struct unit *u = &dossiers_world(d)->units[h->unit];
    cJSON *o = cJSON_CreateObject();
    char id[HOSO_ID_MAX];
    dossiers_id(d, h, id, sizeof id);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "procedure_code", pr->code);
    cJSON_AddStringToObject(o, "procedure_name", pr->name);
    cJSON_AddStringToObject(o, "field_code", pr->field_code);
    cJSON_AddStringToObject(o, "field", pr->field);
    cJSON_AddNumberToObject(o, "legal_days", pr->days);
    cJSON_AddStringToObject(o, "online_level", hoso_level_code(pr->level));
    cJSON_AddStringToObject(o, "unit_code", u->code);
    cJSON_AddStringToObject(o, "unit_name", u->full_name);
    cJSON_AddNumberToObject(o, "channel", h->channel);
    cJSON_AddStringToObject(o, "channel_label", hoso_channel_label(h->channel));
    cJSON_AddNumberToObject(o, "status", v->status);
    cJSON_AddStringToObject(o, "status_label", hoso_status_label(v->status));
    add_time(o, "submitted_at", h->submitted);
    add_time(o, "received_at", v->received);
    add_time(o, "due_at", v->due);
    add_time(o, "finished_at", v->finished);
    add_time(o, "returned_at", v->returned);
    add_time(o, "paused_since", v->paused_since);
    cJSON_AddNumberToObject(o, "paused_working_seconds", v->paused_s);
    cJSON_AddNumberToObject(o, "supplements", v->supplements);
    add_code(o, "timeliness", hoso_timeliness_code(v->timeliness));
    add_code(o, "deadline_state", hoso_deadline_code(v->deadline));
    add_time(o, "updated_at", v->updated);
    if (!with_steps)
        return o;
    cJSON *steps = cJSON_AddArrayToObject(o, "steps");
    for (int i = 0; i <= v->step; i++) {
        const struct hoso_step *s = &h->steps[i];
        cJSON *so = cJSON_CreateObject();
        cJSON_AddNumberToObject(so, "seq", i + 1);
        add_time(so, "at", hoso_step_at(h, i));
        cJSON_AddNumberToObject(so, "status", s->status);
        cJSON_AddStringToObject(so, "status_label", hoso_status_label(s->status));
        cJSON_AddStringToObject(so, "action", hoso_step_action(s));
        cJSON *actor = cJSON_AddObjectToObject(so, "actor");
        cJSON_AddStringToObject(actor, "role", hoso_role_code(s->role));
        add_code(actor, "name", dossiers_actor_name(d, h, s));
        char *title = dossiers_actor_title(d, h, s);
        cJSON_AddStringToObject(actor, "title", title);
        free(title);
        add_code(so, "note", hoso_step_note(h, s));
        cJSON_AddItemToArray(steps, so);
    }
    return o;
}

/* One key=value of a query string; ':' and ',' stay readable (a server reads them
 * literally in a query), '+' must not (it would arrive as a space). */
static void url_append(struct buf *b, const char *key, const char *value)
{
    buf_appendf(b, "%s%s=", b->len && b->data[b->len - 1] != '?' ? "&" : "", key);
    url_encode(b, value, ":,");
}

static void url_append_time(struct buf *b, const char *key, int64_t t)
{
    char s[40];
    clock_format_iso(t, VN, s, sizeof s);
    url_append(b, key, s);
}

/* The link to page `page` of the same query, pinned at its as_of so pages form a snapshot. */
static char *page_link(const struct sim_request *rq, const struct dossiers *d,
                       const struct query *q, long page)
{
    struct buf b = {0};
    buf_appendf(&b, "%s" V1 "/dossiers?", rq->base_url);
    if (q->unit >= 0)
        url_append(&b, "unit", dossiers_world(d)->units[q->unit].code);
    if (q->any_status) {
        struct buf s = {0};
        for (int c = 1; c <= NSTATUS; c++)
            if (q->status[c])
                buf_appendf(&s, "%s%d", s.len ? "," : "", c);
        url_append(&b, "status", s.data);
        buf_free(&s);
    }
    if (q->updated_since != TIME_NONE)
        url_append_time(&b, "updated_since", q->updated_since);
    url_append_time(&b, "as_of", q->as_of);
    char num[24];
    snprintf(num, sizeof num, "%ld", q->page_size);
    url_append(&b, "page_size", num);
    snprintf(num, sizeof num, "%ld", page);
    url_append(&b, "page", num);
    return buf_take(&b);
}

static bool matches(const struct query *q, const struct hoso *h, const struct hoso_view *v)
{
    if (q->unit >= 0 && h->unit != q->unit)
        return false;
    if (q->any_status && !q->status[v->status])
        return false;
    if (q->updated_since != TIME_NONE && v->updated <= q->updated_since)
        return false;
    return true;
}

static void list_dossiers(const struct dossiers *d, const struct sim_request *rq,
                          struct sim_response *rs)
{
    struct query q;
    if (parse_query(d, rq, &q, rs) < 0)
        return;
    cJSON *root = cJSON_CreateObject();
    add_time(root, "as_of", q.as_of);
    cJSON *items = cJSON_CreateArray();
    long skip = (q.page - 1) * q.page_size, total = 0;
    for (size_t i = 0; i < dossiers_count(d); i++) {
        const struct hoso *h = dossiers_at(d, i);
        if (h->submitted > q.as_of)
            break; /* submission order: nothing later is visible either */
        if (q.unit >= 0 && h->unit != q.unit)
            continue;
        struct hoso_view v;
        hoso_view_at(h, q.as_of, &v);
        if (!matches(&q, h, &v))
            continue;
        if (total >= skip && total < skip + q.page_size)
            cJSON_AddItemToArray(items, render_dossier(d, h, &v, false));
        total++;
    }
    long pages = (total + q.page_size - 1) / q.page_size;
    cJSON_AddNumberToObject(root, "total", (double)total);
    cJSON_AddNumberToObject(root, "page", (double)q.page);
    cJSON_AddNumberToObject(root, "page_size", (double)q.page_size);
    cJSON_AddNumberToObject(root, "pages", (double)pages);
    char *self = page_link(rq, d, &q, q.page);
    cJSON_AddStringToObject(root, "self", self);
    free(self);
    if (q.page < pages) {
        char *next = page_link(rq, d, &q, q.page + 1);
        cJSON_AddStringToObject(root, "next", next);
        free(next);
    } else {
        cJSON_AddNullToObject(root, "next");
    }
    cJSON_AddItemToObject(root, "dossiers", items);
    rs->status = 200;
    rs->body = sim_print_and_free(root);
}

static void one_dossier(const struct dossiers *d, const struct sim_request *rq, const char *id,
                        struct sim_response *rs)
{
    struct query q;
    if (parse_query(d, rq, &q, rs) < 0)
        return;
    const struct hoso *h = dossiers_find(d, id);
    if (!h || h->submitted > q.as_of) {
        fail(rs, 404, cases_error(404, "dossier '%s' not found", id));
        return;
    }
    struct hoso_view v;
    hoso_view_at(h, q.as_of, &v);
    cJSON *o = render_dossier(d, h, &v, true);
    cJSON *root = cJSON_CreateObject();
    add_time(root, "as_of", q.as_of);
    cJSON_AddItemToObject(root, "dossier", o);
    rs->status = 200;
    rs->body = sim_print_and_free(root);
}

/* Counts of one unit (or the province). */
struct tally {
    size_t dossiers, carried_over, by_status[NSTATUS + 1], received, online;
    size_t open, ok, soon, overdue;
    size_t finished, early, on_time, late;
};

static void tally_add(struct tally *t, const struct hoso *h, const struct hoso_view *v,
                      bool carried)
{
    t->dossiers++;
    t->carried_over += carried;
    t->by_status[v->status]++;
    if (v->received != TIME_NONE) {
        t->received++;
        t->online += h->channel == HC_ONLINE;
    }
    if (v->open) {
        t->open++;
        t->ok += v->deadline == HD_OK;
        t->soon += v->deadline == HD_DUE_SOON;
        t->overdue += v->deadline == HD_OVERDUE;
    } else if (v->finished != TIME_NONE && v->received != TIME_NONE) {
        t->finished++;
        t->early += v->timeliness == HT_EARLY;
        t->on_time += v->timeliness == HT_ON_TIME;
        t->late += v->timeliness == HT_LATE;
    }
}

static void tally_render(cJSON *o, const struct tally *t)
{
    cJSON_AddNumberToObject(o, "dossiers", (double)t->dossiers);
    cJSON_AddNumberToObject(o, "carried_over", (double)t->carried_over);
    cJSON *bs = cJSON_AddObjectToObject(o, "by_status");
    for (int c = 1; c <= NSTATUS; c++) {
        char key[4];
        snprintf(key, sizeof key, "%d", c);
        cJSON_AddNumberToObject(bs, key, (double)t->by_status[c]);
    }
    cJSON_AddNumberToObject(o, "received", (double)t->received);
    cJSON_AddNumberToObject(o, "online", (double)t->online);
    cJSON_AddNumberToObject(o, "open", (double)t->open);
    cJSON *os = cJSON_AddObjectToObject(o, "open_states");
    cJSON_AddNumberToObject(os, "con_han", (double)t->ok);
    cJSON_AddNumberToObject(os, "sap_den_han", (double)t->soon);
    cJSON_AddNumberToObject(os, "qua_han", (double)t->overdue);
    cJSON_AddNumberToObject(o, "finished", (double)t->finished);
    cJSON *fs = cJSON_AddObjectToObject(o, "finished_states");
    cJSON_AddNumberToObject(fs, "truoc_han", (double)t->early);
    cJSON_AddNumberToObject(fs, "dung_han", (double)t->on_time);
    cJSON_AddNumberToObject(fs, "tre_han", (double)t->late);
    /* 766 indicator 2.1 as Gia Lai computes it: on time = 1 - (late finished + overdue
     * open) / (finished + open). */
    add_rate(o, "on_time_rate", t->finished + t->open - t->late - t->overdue,
             t->finished + t->open);
    add_rate(o, "online_rate", t->online, t->received);
}

static void summary(const struct dossiers *d, const struct sim_request *rq, struct sim_response *rs)
{
    struct query q;
    if (parse_query(d, rq, &q, rs) < 0)
        return;
    const struct world *w = dossiers_world(d);
    int64_t from = q.from != TIME_NONE ? q.from : dossiers_history_start(d);
    if (from > q.as_of) {
        fail(rs, 400, cases_error(400, "from is after as_of"));
        return;
    }
    struct tally *units = xcalloc(w->nunits, sizeof *units);
    struct tally total = {0};
    for (size_t i = 0; i < dossiers_count(d); i++) {
        const struct hoso *h = dossiers_at(d, i);
        if (h->submitted > q.as_of)
            break;
        if (q.unit >= 0 && h->unit != q.unit)
            continue;
        struct hoso_view v;
        if (h->submitted < from) {
            /* Gia Lai's "cần xử lý": received in the period plus what was still open (or
             * waiting for acceptance) when it began. */
            hoso_view_at(h, from, &v);
            if (v.finished != TIME_NONE || v.status == HS_REFUSED)
                continue;
        }
        hoso_view_at(h, q.as_of, &v);
        tally_add(&units[h->unit], h, &v, h->submitted < from);
        tally_add(&total, h, &v, h->submitted < from);
    }
    cJSON *root = cJSON_CreateObject();
    add_time(root, "as_of", q.as_of);
    add_time(root, "from", from);
    cJSON *arr = cJSON_AddArrayToObject(root, "units");
    for (size_t i = 0; i < w->nunits; i++) {
        if (q.unit >= 0 && (int)i != q.unit)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "unit_code", w->units[i].code);
        cJSON_AddStringToObject(o, "unit_name", w->units[i].full_name);
        tally_render(o, &units[i]);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON *t = cJSON_AddObjectToObject(root, "total");
    cJSON_AddStringToObject(t, "unit_code", q.unit >= 0 ? w->units[q.unit].code : w->province_code);
    cJSON_AddStringToObject(t, "unit_name",
                            q.unit >= 0 ? w->units[q.unit].full_name : w->province_name);
    tally_render(t, &total);
    free(units);
    rs->status = 200;
    rs->body = sim_print_and_free(root);
}

static void procedures(struct sim_response *rs)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "procedures");
    for (size_t i = 0; i < procedures_count(); i++) {
        const struct procedure *p = procedures_at(i);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", p->code);
        cJSON_AddStringToObject(o, "name", p->name);
        cJSON_AddStringToObject(o, "field_code", p->field_code);
        cJSON_AddStringToObject(o, "field", p->field);
        cJSON_AddNumberToObject(o, "legal_days", p->days);
        cJSON_AddStringToObject(o, "online_level", hoso_level_code(p->level));
        cJSON_AddStringToObject(o, "online_level_label", hoso_level_label(p->level));
        cJSON_AddItemToArray(arr, o);
    }
    rs->status = 200;
    rs->body = sim_print_and_free(root);
}

static void domain_advance(void *state, int64_t now)
{
    dossiers_advance(state, now);
}

static bool domain_route(void *state, const struct sim_request *rq, struct sim_response *rs)
{
    const struct dossiers *d = state;
    static const char item_prefix[] = V1 "/dossiers/";
    if (strcmp(rq->path, V1) != 0 && !str_starts_with(rq->path, V1 "/"))
        return false;
    if (rq->body) {
        fail(rs, 405, cases_error(405, "%s is not supported: this hub is read-only", rq->method));
    } else if (!strcmp(rq->path, V1 "/summary")) {
        summary(d, rq, rs);
    } else if (!strcmp(rq->path, V1 "/dossiers")) {
        list_dossiers(d, rq, rs);
    } else if (!strcmp(rq->path, V1 "/procedures")) {
        procedures(rs);
    } else if (str_starts_with(rq->path, item_prefix) && rq->path[strlen(item_prefix)] &&
               !strchr(rq->path + strlen(item_prefix), '/')) {
        one_dossier(d, rq, rq->path + strlen(item_prefix), rs);
    } else {
        fail(rs, 404,
             cases_error(404,
                         "no such resource: %s (try " V1 "/summary, " V1 "/dossiers, " V1
                         "/dossiers/{id}, " V1 "/procedures)",
                         rq->path));
    }
    return true;
}

struct sim_domain cases_domain(struct dossiers *d)
{
    return (struct sim_domain){
        .name = "cases", .state = d, .advance = domain_advance, .route = domain_route};
}
