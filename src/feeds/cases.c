/* The cases hub API adapter (docs/hub-api.md): list pages, one dossier, unit summaries.
 *
 * Runs on a worker thread, so it keeps no state and uses the shared feedjson_* reading
 * (thread-safe error positions, numbers that may come as strings). The rules:
 * - dossier fields are read leniently: a wrong type or a value out of range reads as
 *   "unknown" (status 0, channel 0, time absent) rather than dropping the record, because
 *   one odd dossier must not blank an operator's queue;
 * - ids and unit codes may come as numbers (printed back exactly); a dossier without an id
 *   cannot be merged and is skipped and counted, as are list items that are not objects;
 * - a summary is nothing but counts, so a count that is not a whole number fails the parse
 *   with its path in the message instead of showing a made-up zero;
 * - the next link is the one thing the console follows blindly, so it must be an http(s)
 *   URL on the hub's own origin, without spaces or controls;
 * - every stored string passes text_clean (DESIGN §4). */
#include "citydeck/cases.h"

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

#define ERRTEXT_BYTES 300
#define MAX_STEPS 1000      /* a longer history is hostile; the rest is dropped */
#define MAX_LINK_BYTES 2048 /* of a next link */
#define MAX_COUNT 1e15      /* counts past this are not counts */
#define MAX_LEGAL_DAYS 3650.0
#define MAX_PAUSED_S 1e12

static const cJSON *member(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsNull(v) ? NULL : v;
}

/* Cleaned text of a string (or number) member; NULL when missing, null, empty or another
 * type. */
static char *text_member(const cJSON *obj, const char *key)
{
    char num[64];
    const char *raw = feedjson_scalar_text(member(obj, key), false, num, sizeof num);
    return raw ? feedjson_clean(raw, (size_t)-1, 0) : NULL;
}

static int64_t time_member(const cJSON *obj, const char *key, int offset_s)
{
    const cJSON *v = member(obj, key);
    if (!cJSON_IsString(v) || !v->valuestring)
        return TIME_NONE;
    return clock_parse_iso(v->valuestring, offset_s, NULL);
}

/* A whole number in [lo, hi] (a JSON number or a numeric string), else false. */
static bool int_member(const cJSON *obj, const char *key, double lo, double hi, double *out)
{
    double d;
    if (!feedjson_number(member(obj, key), &d) || !isfinite(d) || d != floor(d) || d < lo || d > hi)
        return false;
    *out = d;
    return true;
}

static const char *opt_origin(const struct cases_options *opt)
{
    return opt && opt->origin && *opt->origin ? opt->origin : NULL;
}

static int opt_offset(const struct cases_options *opt)
{
    return opt ? opt->default_offset_s : 0;
}

/* ---- errors ---------------------------------------------------------------------- */

/* {"error":{"code":404,"message":"..."}} or {"error":"..."}: "server error 404: ...". */
static bool server_error(const cJSON *root, char *err, size_t errsz)
{
    const cJSON *e = member(root, "error");
    if (!e)
        return false;
    char num[64];
    const char *code = NULL, *msg = NULL;
    if (cJSON_IsObject(e)) {
        code = feedjson_scalar_text(member(e, "code"), true, num, sizeof num);
        const cJSON *m = member(e, "message");
        msg = cJSON_IsString(m) ? m->valuestring : NULL;
    } else if (cJSON_IsString(e)) {
        msg = e->valuestring;
    }
    char *clean = text_clean(msg ? msg : "", (size_t)-1, ERRTEXT_BYTES);
    char *ccode = code ? text_clean(code, (size_t)-1, 32) : NULL;
    if (ccode && *ccode && *clean)
        feedjson_set_err(err, errsz, "server error %s: %s", ccode, clean);
    else if (ccode && *ccode)
        feedjson_set_err(err, errsz, "server error %s", ccode);
    else if (*clean)
        feedjson_set_err(err, errsz, "server error: %s", clean);
    else
        feedjson_set_err(err, errsz, "server error (no message)");
    free(ccode);
    free(clean);
    return true;
}

/* Parses an object body, reporting the API's error object as such. */
static cJSON *parse_root(const char *body, size_t len, const char *what, char *err, size_t errsz)
{
    feedjson_set_err(err, errsz, "%s", "");
    cJSON *root = feedjson_parse_object(body, len, what, err, errsz);
    if (root && server_error(root, err, errsz)) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* ---- dossiers ------------------------------------------------------------------- */

static void read_step(const cJSON *o, int offset, struct dossier *d)
{
    struct dossier_step *s = dossier_push_step(d);
    s->at = time_member(o, "at", offset);
    double st;
    s->status = int_member(o, "status", 1, 10, &st) ? (int)st : 0;
    s->action = text_member(o, "action");
    s->note = text_member(o, "note");
    const cJSON *actor = member(o, "actor");
    if (cJSON_IsObject(actor)) {
        s->actor_role = text_member(actor, "role");
        s->actor = text_member(actor, "name");
        s->actor_title = text_member(actor, "title");
    } else {
        s->actor_title = text_member(o, "actor"); /* a plain string: take it as the title */
    }
}

/* Reads one dossier object into a new batch item; false (and a count) without an id. */
static bool read_dossier(const cJSON *o, int offset, struct dossier_batch *b)
{
    char num[64];
    const char *raw_id = feedjson_scalar_text(member(o, "id"), true, num, sizeof num);
    char *id = raw_id ? feedjson_clean(raw_id, (size_t)-1, 0) : NULL;
    if (!id) {
        b->skipped_no_id++;
        return false;
    }
    struct dossier *d = dossier_batch_push(b);
    d->id = id;
    d->procedure_code = text_member(o, "procedure_code");
    d->procedure = text_member(o, "procedure_name");
    d->field = text_member(o, "field");
    d->unit_code = text_member(o, "unit_code");
    d->unit_name = text_member(o, "unit_name");
    char *level = text_member(o, "online_level");
    d->level = dossier_level_parse(level);
    free(level);
    double x;
    d->channel = int_member(o, "channel", 1, 3, &x) ? (enum dossier_channel)x : DCH_UNKNOWN;
    d->status = int_member(o, "status", 1, 10, &x) ? (int)x : DST_UNKNOWN;
    if (feedjson_number(member(o, "legal_days"), &x) && isfinite(x) && x > 0 && x <= MAX_LEGAL_DAYS)
        d->legal_days = x;
    d->submitted = time_member(o, "submitted_at", offset);
    d->received = time_member(o, "received_at", offset);
    d->due = time_member(o, "due_at", offset);
    d->finished = time_member(o, "finished_at", offset);
    d->returned = time_member(o, "returned_at", offset);
    d->paused_since = time_member(o, "paused_since", offset);
    d->updated = time_member(o, "updated_at", offset);
    if (int_member(o, "paused_working_seconds", 0, MAX_PAUSED_S, &x))
        d->paused_s = (int64_t)x;
    if (int_member(o, "supplements", 0, 1000, &x))
        d->supplements = (int)x;
    const cJSON *steps = member(o, "steps");
    if (cJSON_IsArray(steps)) {
        d->has_steps = true;
        size_t k = 0;
        for (const cJSON *s = steps->child; s && k < MAX_STEPS; s = s->next)
            if (cJSON_IsObject(s)) {
                read_step(s, offset, d);
                k++;
            }
    }
    return true;
}

/* ---- the next link ---------------------------------------------------------------- */

static bool link_chars_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
            return false;
    return true;
}

/* Sets *out to the absolute next link, or NULL for none; false (with err) for a bad one. */
static bool read_next(const cJSON *root, const struct cases_options *opt, char **out, char *err,
                      size_t errsz)
{
    *out = NULL;
    const cJSON *v = member(root, "next");
    if (!v)
        return true;
    if (!cJSON_IsString(v) || !v->valuestring) {
        feedjson_set_err(err, errsz, "dossiers: next: expected a string or null, got %s",
                         feedjson_type_name(v));
        return false;
    }
    const char *s = v->valuestring;
    if (!*s)
        return true;
    const char *origin = opt_origin(opt);
    char *link = NULL;
    if (strlen(s) > MAX_LINK_BYTES || !link_chars_ok(s)) {
        link = NULL;
    } else if (s[0] == '/' && s[1] != '/') {
        if (!origin) {
            feedjson_set_err(err, errsz, "next link is relative and the hub's origin unknown");
            return false;
        }
        link = xasprintf("%s%s", origin, s);
    } else if (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8)) {
        size_t ol = origin ? strlen(origin) : 0;
        /* The origin must end where the path starts: ":8311" must not match ":83110". */
        if (!origin ||
            (!strncasecmp(s, origin, ol) && (s[ol] == '/' || s[ol] == '?' || s[ol] == '\0')))
            link = xstrdup(s);
    }
    if (!link) {
        char *clean = text_clean(s, (size_t)-1, 120);
        feedjson_set_err(err, errsz, "next link leaves the hub: %s", clean);
        free(clean);
        return false;
    }
    *out = link;
    return true;
}

/* ---- public parsers -------------------------------------------------------------- */

void cases_page_clear(struct cases_page *p)
{
    if (!p)
        return;
    free(p->next);
    memset(p, 0, sizeof *p);
    p->as_of = TIME_NONE;
}

struct dossier_batch *cases_parse_list(const char *body, size_t len,
                                       const struct cases_options *opt, struct cases_page *page,
                                       char *err, size_t errsz)
{
    if (page) {
        memset(page, 0, sizeof *page);
        page->as_of = TIME_NONE;
    }
    cJSON *root = parse_root(body, len, "dossiers", err, errsz);
    if (!root)
        return NULL;
    const cJSON *list = member(root, "dossiers");
    if (!cJSON_IsArray(list)) {
        if (list)
            feedjson_set_err(err, errsz, "dossiers: \"dossiers\" is %s, not an array",
                             feedjson_type_name(list));
        else
            feedjson_set_err(err, errsz, "dossiers: missing the \"dossiers\" array");
        cJSON_Delete(root);
        return NULL;
    }
    char *next = NULL;
    if (!read_next(root, opt, &next, err, errsz)) {
        cJSON_Delete(root);
        return NULL;
    }
    int offset = opt_offset(opt);
    struct dossier_batch *b = dossier_batch_new();
    b->as_of = time_member(root, "as_of", offset);
    size_t index = 0, usable = 0, first_bad = 0;
    const char *bad_type = NULL;
    for (const cJSON *e = list->child; e; e = e->next) {
        index++;
        if (!cJSON_IsObject(e)) {
            b->skipped_invalid++;
            if (!bad_type) {
                bad_type = feedjson_type_name(e);
                first_bad = index;
            }
            continue;
        }
        usable += read_dossier(e, offset, b);
    }
    /* A few odd items are tolerated; a list of nothing but non-objects is not a list. */
    if (bad_type && usable == 0 && b->skipped_no_id == 0) {
        feedjson_set_err(err, errsz, "dossiers: item %zu: expected an object, got %s", first_bad,
                         bad_type);
        dossier_batch_free(b);
        free(next);
        cJSON_Delete(root);
        return NULL;
    }
    if (page) {
        double x;
        if (int_member(root, "total", 0, MAX_COUNT, &x))
            page->total = (size_t)x;
        if (int_member(root, "page", 0, MAX_COUNT, &x))
            page->page = (size_t)x;
        if (int_member(root, "page_size", 0, MAX_COUNT, &x))
            page->page_size = (size_t)x;
        if (int_member(root, "pages", 0, MAX_COUNT, &x))
            page->pages = (size_t)x;
        page->as_of = b->as_of;
        page->next = next;
        next = NULL;
    }
    free(next);
    cJSON_Delete(root);
    return b;
}

struct dossier_batch *cases_parse_dossier(const char *body, size_t len,
                                          const struct cases_options *opt, char *err, size_t errsz)
{
    cJSON *root = parse_root(body, len, "dossier", err, errsz);
    if (!root)
        return NULL;
    const cJSON *o = member(root, "dossier");
    if (!o && member(root, "id"))
        o = root; /* a bare dossier object */
    if (!cJSON_IsObject(o)) {
        if (o)
            feedjson_set_err(err, errsz, "dossier: \"dossier\" is %s, not an object",
                             feedjson_type_name(o));
        else
            feedjson_set_err(err, errsz, "dossier: missing the \"dossier\" object");
        cJSON_Delete(root);
        return NULL;
    }
    int offset = opt_offset(opt);
    struct dossier_batch *b = dossier_batch_new();
    b->as_of = time_member(root, "as_of", offset);
    if (!read_dossier(o, offset, b)) {
        feedjson_set_err(err, errsz, "dossier: no id");
        dossier_batch_free(b);
        cJSON_Delete(root);
        return NULL;
    }
    /* A detail always carries its history, even an empty one. */
    b->items[0].has_steps = true;
    cJSON_Delete(root);
    return b;
}

/* ---- summary -------------------------------------------------------------------- */

/* Reads count key of obj into *out (missing = 0); false with err for anything else. */
static bool count(const cJSON *obj, const char *key, size_t *out, const char *path, char *err,
                  size_t errsz)
{
    const cJSON *v = member(obj, key);
    double d;
    if (!v) {
        *out = 0;
        return true;
    }
    if (!cJSON_IsNumber(v) || !feedjson_number(v, &d) || !isfinite(d) || d != floor(d) || d < 0 ||
        d > MAX_COUNT) {
        feedjson_set_err(err, errsz, "%s%s: expected a whole number, got %s", path, key,
                         cJSON_IsNumber(v) ? "another number" : feedjson_type_name(v));
        return false;
    }
    *out = (size_t)d;
    return true;
}

static double rate(const cJSON *obj, const char *key)
{
    double d;
    const cJSON *v = member(obj, key);
    if (cJSON_IsNumber(v) && feedjson_number(v, &d) && isfinite(d) && d >= 0 && d <= 1)
        return d;
    return -1;
}

/* Fills s from one unit object; path prefixes error messages ("summary: units: item 3: "). */
static bool read_unit(const cJSON *o, struct cases_unit_summary *s, const char *path, char *err,
                      size_t errsz)
{
    struct dossier_stats *st = &s->stats;
    s->unit_code = text_member(o, "unit_code");
    s->unit_name = text_member(o, "unit_name");
    s->on_time_rate = rate(o, "on_time_rate");
    s->online_rate = rate(o, "online_rate");
    char sub[160];
    if (!count(o, "dossiers", &st->dossiers, path, err, errsz) ||
        !count(o, "carried_over", &s->carried_over, path, err, errsz) ||
        !count(o, "received", &st->received, path, err, errsz) ||
        !count(o, "online", &st->online, path, err, errsz) ||
        !count(o, "open", &st->open, path, err, errsz) ||
        !count(o, "finished", &st->finished, path, err, errsz))
        return false;
    const cJSON *bs = member(o, "by_status");
    if (bs && !cJSON_IsObject(bs)) {
        feedjson_set_err(err, errsz, "%sby_status: expected an object, got %s", path,
                         feedjson_type_name(bs));
        return false;
    }
    snprintf(sub, sizeof sub, "%sby_status.", path);
    for (int c = 1; c < DST_COUNT; c++) {
        char key[4];
        snprintf(key, sizeof key, "%d", c);
        if (!count(bs, key, &st->by_status[c], sub, err, errsz))
            return false;
    }
    const cJSON *os = member(o, "open_states"), *fs = member(o, "finished_states");
    snprintf(sub, sizeof sub, "%sopen_states.", path);
    if (!count(os, "con_han", &st->ok, sub, err, errsz) ||
        !count(os, "sap_den_han", &st->due_soon, sub, err, errsz) ||
        !count(os, "qua_han", &st->overdue, sub, err, errsz))
        return false;
    snprintf(sub, sizeof sub, "%sfinished_states.", path);
    if (!count(fs, "truoc_han", &st->early, sub, err, errsz) ||
        !count(fs, "dung_han", &st->on_time, sub, err, errsz) ||
        !count(fs, "tre_han", &st->late, sub, err, errsz))
        return false;
    return true;
}

static void unit_clear(struct cases_unit_summary *s)
{
    free(s->unit_code);
    free(s->unit_name);
    memset(s, 0, sizeof *s);
}

void cases_summary_free(struct cases_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        unit_clear(&s->units[i]);
    free(s->units);
    unit_clear(&s->total);
    free(s);
}

struct cases_summary *cases_parse_summary(const char *body, size_t len,
                                          const struct cases_options *opt, char *err, size_t errsz)
{
    cJSON *root = parse_root(body, len, "summary", err, errsz);
    if (!root)
        return NULL;
    const cJSON *units = member(root, "units");
    if (!cJSON_IsArray(units)) {
        if (units)
            feedjson_set_err(err, errsz, "summary: \"units\" is %s, not an array",
                             feedjson_type_name(units));
        else
            feedjson_set_err(err, errsz, "summary: missing the \"units\" array");
        cJSON_Delete(root);
        return NULL;
    }
    int offset = opt_offset(opt);
    struct cases_summary *s = xcalloc(1, sizeof *s);
    s->as_of = time_member(root, "as_of", offset);
    s->from = time_member(root, "from", offset);
    s->total.on_time_rate = s->total.online_rate = -1;
    size_t cap = 0, index = 0;
    bool ok = true;
    for (const cJSON *e = units->child; e && ok; e = e->next) {
        char path[64];
        snprintf(path, sizeof path, "summary: units: item %zu: ", ++index);
        if (!cJSON_IsObject(e)) {
            feedjson_set_err(err, errsz, "%sexpected an object, got %s", path,
                             feedjson_type_name(e));
            ok = false;
            break;
        }
        struct cases_unit_summary u = {0};
        ok = read_unit(e, &u, path, err, errsz);
        if (ok && !u.unit_code) {
            s->skipped++;
            unit_clear(&u);
            continue;
        }
        if (!ok) {
            unit_clear(&u);
            break;
        }
        s->units = xgrow(s->units, &cap, s->n + 1, sizeof *s->units);
        s->units[s->n++] = u;
    }
    const cJSON *total = member(root, "total");
    if (ok && total) {
        if (!cJSON_IsObject(total)) {
            feedjson_set_err(err, errsz, "summary: total: expected an object, got %s",
                             feedjson_type_name(total));
            ok = false;
        } else {
            ok = read_unit(total, &s->total, "summary: total: ", err, errsz);
        }
    }
    cJSON_Delete(root);
    if (!ok) {
        cases_summary_free(s);
        return NULL;
    }
    return s;
}

char *cases_incremental_url(const char *list_url, int64_t as_of, int offset_s)
{
    char *url = xstrdup(list_url);
    static const char *const keys[] = {"status", "as_of", "page", "updated_since"};
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        url_drop_param(url, keys[i]);
    char when[40];
    clock_format_iso(as_of, offset_s, when, sizeof when);
    struct buf b = {0};
    buf_appendf(&b, "%s%cupdated_since=", url, strchr(url, '?') ? '&' : '?');
    url_encode(&b, when, NULL);
    free(url);
    return buf_take(&b);
}
