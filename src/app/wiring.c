#include "citydeck/wiring.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "citydeck-config.h"
#include "citydeck/cases.h"
#include "citydeck/clock.h"
#include "citydeck/feedjson.h"
#include "citydeck/jsonstat.h"
#include "citydeck/log.h"
#include "citydeck/open311.h"
#include "citydeck/prometheus.h"
#include "citydeck/pxweb.h"
#include "citydeck/sensorthings.h"
#include "citydeck/unitlist.h"
#include "citydeck/util.h"

/* Open311 incremental polling: a full listing every this many polls unless configured. */
#define OPEN311_FULL_EVERY 10
/* Update times this far past the hub's clock still move the cursor; later ones are errors. */
#define OPEN311_CLOCK_SLACK_S 300
/* The largest PX-Web query file read (config.c checks the same bound). */
#define QUERY_FILE_MAX ((size_t)64 << 10)

struct adapter;

struct wired_feed {
    struct wiring *owner;
    const struct feed_config *cfg;
    const struct adapter *adapter;
    char *token;
    struct open311_options open311;
    struct sensorthings_options sta;
    struct prometheus_options prom;
    struct jsonstat_options jsonstat;
    struct cases_options cases;
    struct feed *feed; /* in the poller, for URL changes */
    char *list_url;    /* cases, open311: the configured listing, the base of incremental polls */
    char *header;      /* "X-Scope-OrgID: tenant" */
    char *post_body;   /* jsonstat: the PX-Web query POSTed instead of a GET */
    /* jsonstat collections: the items of the last collection fetched, followed one per page;
     * kept across polls, since a 304 for the collection says nothing about its items. */
    char **items;
    size_t nitems, next_item, items_dropped;
    int js_page; /* pages of the current poll so far */
    /* open311: updated_after polls between full listings. */
    bool incremental;
    bool need_full; /* the next poll lists everything (set until a full listing merged) */
    bool poll_full; /* the poll under way is a full listing */
    int full_every, since_full;
    int64_t cursor; /* the latest update time seen, TIME_NONE before the first */
    long page_size; /* of the listing; 0 = unknown */
};

/* A page of the cases hub: the dossiers and where the listing goes on. */
struct cases_result {
    struct dossier_batch *batch;
    char *next;
    int64_t as_of;
    bool last;
};

/* What a kind of feed needs from the poller: parse on a worker, merge on the loop. */
struct adapter {
    const char *kind;
    feed_parse_fn parse;
    feed_merge_fn merge;
    feed_free_fn free_batch;
    feed_next_fn next_page;
    feed_prepare_fn prepare;
    bool page_etags;
    int max_pages; /* 0 = the poller's default */
};

struct wiring {
    struct store *store;
    struct poller *poller;
    wiring_merged_fn merged;
    void *arg;
    struct wired_feed feeds[CONFIG_MAX_FEEDS];
    int nfeeds;
};

/* Worker threads: bytes to a batch. */
static void *parse_open311(const char *body, size_t len, void *ctx, char *err, size_t errsz)
{
    struct wired_feed *f = ctx;
    return open311_parse_requests(body, len, &f->open311, err, errsz);
}

static void *parse_sta(const char *body, size_t len, void *ctx, char *err, size_t errsz)
{
    struct wired_feed *f = ctx;
    return sensorthings_parse_sensors(body, len, &f->sta, err, errsz);
}

static void *parse_prometheus(const char *body, size_t len, void *ctx, char *err, size_t errsz)
{
    struct wired_feed *f = ctx;
    return prometheus_parse(body, len, &f->prom, err, errsz);
}

static void *parse_jsonstat(const char *body, size_t len, void *ctx, char *err, size_t errsz)
{
    struct wired_feed *f = ctx;
    struct jsonstat_feed_page *pg = jsonstat_parse_feed(body, len, &f->jsonstat, err, errsz);
    if (pg && pg->collection && !pg->nhrefs && !pg->batch->n) {
        /* An empty answer would look like a hub without indicators. */
        snprintf(err, errsz,
                 "collection: no dataset to follow (%zu items are nested collections, "
                 "dimensions or have no href)",
                 pg->skipped);
        jsonstat_feed_page_free(pg);
        return NULL;
    }
    return pg;
}

static void *parse_units(const char *body, size_t len, void *ctx, char *err, size_t errsz)
{
    (void)ctx;
    return unitlist_parse_json(body, len, err, errsz);
}

static void *parse_cases(const char *body, size_t len, void *ctx, char *err, size_t errsz)
{
    struct wired_feed *f = ctx;
    struct cases_page page;
    struct dossier_batch *b = cases_parse_list(body, len, &f->cases, &page, err, errsz);
    if (!b)
        return NULL;
    struct cases_result *r = xcalloc(1, sizeof *r);
    r->batch = b;
    r->next = page.next;
    page.next = NULL;
    r->last = r->next == NULL;
    r->as_of = page.as_of;
    cases_page_clear(&page);
    return r;
}

/* Loop thread: the batch goes into the store, and the console hears of it. */
static void merged(struct wired_feed *f)
{
    if (f->owner->merged)
        f->owner->merged(f->owner->arg);
}

static void merge_open311(void *batch, void *ctx)
{
    struct wired_feed *f = ctx;
    struct complaint_batch *b = batch;
    if (f->incremental) {
        if (f->poll_full)
            f->need_full = false;
        else
            b->full_listing = false; /* only the changes: an absent request is unchanged */
        int64_t hub_now = poller_hub_now_ms(f->owner->poller) / 1000;
        int64_t latest = open311_latest_update(b, hub_now + OPEN311_CLOCK_SLACK_S);
        if (latest != TIME_NONE && (f->cursor == TIME_NONE || latest > f->cursor))
            f->cursor = latest;
        /* A full page of changes may have left older ones out: list everything next. */
        size_t listed = b->n + b->skipped_no_id + b->skipped_invalid;
        if (!f->poll_full && f->page_size > 0 && listed >= (size_t)f->page_size)
            f->need_full = true;
    }
    store_merge_complaints(f->owner->store, b);
    merged(f);
}

/* Chooses this poll's query: the full listing first, after a page of changes that may have
 * been cut, and every full_every polls (it closes the requests that vanished: deleted or
 * merged ones never show up as updated); otherwise only what changed since the cursor. */
static void prepare_open311(struct feed *feed, void *ctx)
{
    struct wired_feed *f = ctx;
    if (!f->incremental || !f->list_url)
        return;
    const struct feed_health *h = feed_health(feed);
    if (!f->poll_full && h->failures > 0 && h->last_status == 400) {
        /* A server that refuses the parameter says so with a 400: stop asking. */
        log_warn("feed %s: the hub refused updated_after (HTTP 400); polling full listings",
                 f->cfg->name);
        f->incremental = false;
        feed_set_url(feed, f->list_url);
        return;
    }
    bool full = f->need_full || f->cursor == TIME_NONE || f->since_full + 1 >= f->full_every;
    if (full) {
        feed_set_url(feed, f->list_url);
        f->since_full = 0;
        f->need_full = true;
    } else {
        char *url = open311_incremental_url(f->list_url, f->cursor);
        feed_set_url(feed, url);
        free(url);
        f->since_full++;
    }
    f->poll_full = full;
}

static void merge_sensors(void *batch, void *ctx)
{
    struct wired_feed *f = ctx;
    store_merge_sensors(f->owner->store, batch);
    merged(f);
}

static void merge_jsonstat(void *batch, void *ctx)
{
    struct wired_feed *f = ctx;
    struct jsonstat_feed_page *pg = batch;
    store_merge_indicators(f->owner->store, pg->batch);
    pg->batch = NULL;
    jsonstat_feed_page_free(pg);
    merged(f);
}

static void free_jsonstat(void *batch)
{
    jsonstat_feed_page_free(batch);
}

static void items_clear(struct wired_feed *f)
{
    for (size_t i = 0; i < f->nitems; i++)
        free(f->items[i]);
    free(f->items);
    f->items = NULL;
    f->nitems = f->next_item = 0;
}

/* "scheme://authority" of a URL; 0 when it has none. */
static size_t origin_len(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return 0;
    p += 3;
    return (size_t)(p - url) + strcspn(p, "/?#");
}

/* The token and the tenant header go with every page of a poll: a collection may only send
 * the poller to the host it came from. */
static bool same_origin(const char *a, const char *b)
{
    size_t n = origin_len(a);
    return n && n == origin_len(b) && strncasecmp(a, b, n) == 0;
}

/* Rebuilds the item list from the collection on the first page of a poll. */
static void items_from(struct wired_feed *f, const struct jsonstat_feed_page *pg,
                       const char *page_url)
{
    items_clear(f);
    size_t dropped = pg->skipped;
    f->items = xcalloc(pg->nhrefs + 1, sizeof *f->items);
    for (size_t k = 0; k < pg->nhrefs; k++) {
        char *abs = sensorthings_resolve_link(page_url, pg->hrefs[k]);
        bool ok = abs && same_origin(abs, page_url) && strcmp(abs, page_url) != 0;
        for (size_t i = 0; ok && i < f->nitems; i++)
            ok = strcmp(f->items[i], abs) != 0;
        if (!ok) {
            free(abs);
            dropped++;
            continue;
        }
        f->items[f->nitems++] = abs;
    }
    if (dropped && dropped != f->items_dropped)
        log_warn("feed %s: collection: %zu items not followed (nested collections, "
                 "dimensions, other hosts, repeats, or past %d)",
                 f->cfg->name, dropped, JSONSTAT_MAX_ITEMS);
    f->items_dropped = dropped;
}

/* A collection's items are the pages after it. A 304 for the collection (batch NULL) keeps
 * the items of the last one; a dataset in its place ends the following. Collections met on
 * later pages are not followed (their embedded datasets still count). */
static char *next_jsonstat(void *batch, const char *page_url, void *ctx)
{
    struct wired_feed *f = ctx;
    const struct jsonstat_feed_page *pg = batch;
    if (f->js_page++ == 0 && pg) {
        if (pg->collection)
            items_from(f, pg, page_url);
        else
            items_clear(f);
    }
    return f->next_item < f->nitems ? xstrdup(f->items[f->next_item++]) : NULL;
}

static void prepare_jsonstat(struct feed *feed, void *ctx)
{
    struct wired_feed *f = ctx;
    (void)feed;
    f->js_page = 0;
    f->next_item = 0;
}

static void merge_units(void *batch, void *ctx)
{
    struct wired_feed *f = ctx;
    store_merge_units(f->owner->store, batch);
    merged(f);
}

static void free_units(void *batch)
{
    unit_batch_free(batch);
}

static void free_cases(void *batch)
{
    struct cases_result *r = batch;
    dossier_batch_free(r->batch);
    free(r->next);
    free(r);
}

static char *next_cases(void *batch, const char *page_url, void *ctx)
{
    struct cases_result *r = batch;
    (void)page_url;
    (void)ctx;
    char *next = r->next;
    r->next = NULL;
    return next;
}

static void merge_cases(void *batch, void *ctx)
{
    struct wired_feed *f = ctx;
    struct cases_result *r = batch;
    int64_t now = r->as_of != TIME_NONE ? r->as_of : clock_wall_ms() / 1000;
    store_merge_dossiers(f->owner->store, r->batch, now);
    r->batch = NULL;
    /* After a whole listing, ask only for what changed since the hub's as_of. */
    if (r->last && r->as_of != TIME_NONE && f->feed && f->list_url) {
        char *url = cases_incremental_url(f->list_url, r->as_of, CLOCK_VN_OFFSET);
        feed_set_url(f->feed, url);
        free(url);
    }
    free_cases(r);
    merged(f);
}

static void free_complaints(void *batch)
{
    complaint_batch_free(batch);
}

static void free_sensors(void *batch)
{
    sensor_batch_free(batch);
}

static char *next_sta(void *batch, const char *page_url, void *ctx)
{
    struct sensor_batch *b = batch;
    (void)ctx;
    return b->next_link ? sensorthings_resolve_link(page_url, b->next_link) : NULL;
}

static const struct adapter adapters[] = {
    {"open311", parse_open311, merge_open311, free_complaints, NULL, prepare_open311, false, 0},
    {"sensorthings", parse_sta, merge_sensors, free_sensors, next_sta, NULL, false, 0},
    {"prometheus", parse_prometheus, merge_sensors, free_sensors, NULL, NULL, false, 0},
    {"jsonstat", parse_jsonstat, merge_jsonstat, free_jsonstat, next_jsonstat, prepare_jsonstat,
     true, 1 + JSONSTAT_MAX_ITEMS},
    {"units", parse_units, merge_units, free_units, NULL, NULL, false, 0},
    {"cases", parse_cases, merge_cases, free_cases, next_cases, NULL, false, 0},
};

static const struct adapter *adapter_find(const char *kind)
{
    for (size_t i = 0; i < ARRAY_LEN(adapters); i++)
        if (strcmp(adapters[i].kind, kind) == 0)
            return &adapters[i];
    return NULL;
}

struct wiring *wiring_new(const struct config *cfg, struct store *store, wiring_merged_fn merged,
                          void *arg, char *err, size_t errsz)
{
    struct wiring *w = xcalloc(1, sizeof *w);
    w->store = store;
    w->merged = merged;
    w->arg = arg;
    for (int i = 0; i < cfg->nfeeds; i++) {
        const struct feed_config *fc = &cfg->feeds[i];
        if (!fc->enabled)
            continue;
        struct wired_feed *f = &w->feeds[w->nfeeds];
        f->owner = w;
        f->cfg = fc;
        f->adapter = adapter_find(fc->kind);
        if (!f->adapter) {
            snprintf(err, errsz, "feed %s: kind '%s' is not supported", fc->name, fc->kind);
            wiring_free(w);
            return NULL;
        }
        if (strcmp(fc->kind, "prometheus") == 0 && !fc->query && !fc->url && !fc->path) {
            snprintf(err, errsz, "feed %s: a prometheus feed needs a query", fc->name);
            wiring_free(w);
            return NULL;
        }
        char terr[256] = "";
        f->token = config_read_token(fc, terr, sizeof terr);
        if (!f->token && terr[0]) {
            snprintf(err, errsz, "feed %s: %s", fc->name, terr);
            wiring_free(w);
            return NULL;
        }
        f->open311.unit_attribute = fc->unit_attribute;
        f->open311.default_offset_s = CLOCK_VN_OFFSET;
        f->sta.unit_property = fc->unit_attribute;
        f->sta.default_offset_s = CLOCK_VN_OFFSET;
        f->prom.unit_label = fc->unit_attribute;
        f->cases.default_offset_s = CLOCK_VN_OFFSET;
        if (fc->tenant)
            f->header = xasprintf("X-Scope-OrgID: %s", fc->tenant);
        f->jsonstat = (struct jsonstat_options){
            .unit_dim = fc->unit_dimension,
            .period_dim = fc->period_dimension,
            .indicator_dim = fc->indicator_dimension,
            .measure_dim = fc->measure_dimension,
            .plan_id = fc->plan_category,
            .actual_id = fc->actual_category,
            .default_unit = fc->default_unit,
            .default_period = fc->default_period,
            .default_indicator = fc->default_indicator,
        };
        if ((fc->nselects || fc->query_file) && strcmp(fc->kind, "jsonstat") != 0)
            snprintf(terr, sizeof terr, "select and query_file are for jsonstat feeds");
        else
            f->post_body = wiring_post_body(fc, terr, sizeof terr);
        if (!f->post_body && terr[0]) {
            snprintf(err, errsz, "feed %s: %s", fc->name, terr);
            w->nfeeds++; /* so that its token and header are freed too */
            wiring_free(w);
            return NULL;
        }
        f->incremental = fc->incremental && strcmp(fc->kind, "open311") == 0;
        f->full_every = fc->full_every > 0 ? fc->full_every : OPEN311_FULL_EVERY;
        f->cursor = TIME_NONE;
        f->need_full = true;
        /* A query for every open request lets the store close those that disappear. */
        const char *where = fc->url ? fc->url : fc->path ? fc->path : "";
        f->open311.full_listing = strstr(where, "status=open") != NULL;
        w->nfeeds++;
    }
    return w;
}

/* Reads a query file whole (it was checked by config_load; it may have changed since). */
static char *read_query_file(const char *path, size_t *len, char *err, size_t errsz)
{
    FILE *fp = fopen(path, "re");
    if (!fp) {
        snprintf(err, errsz, "query_file %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = xmalloc(QUERY_FILE_MAX + 1);
    *len = fread(buf, 1, QUERY_FILE_MAX + 1, fp);
    bool bad = ferror(fp);
    fclose(fp);
    if (bad || *len == 0 || *len > QUERY_FILE_MAX) {
        snprintf(err, errsz, "query_file %s: %s", path,
                 bad    ? "read error"
                 : *len ? "larger than 64K"
                        : "empty");
        free(buf);
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

/* A query file's body, as written: it must be a JSON object, and a response format it names
 * must be one the adapter reads. */
static char *query_file_body(const char *path, char *err, size_t errsz)
{
    size_t len;
    char *body = read_query_file(path, &len, err, errsz);
    if (!body)
        return NULL;
    char jerr[160];
    cJSON *root = feedjson_parse_object(body, len, "query", jerr, sizeof jerr);
    if (!root) {
        snprintf(err, errsz, "query_file %s: %s", path, jerr);
        free(body);
        return NULL;
    }
    const cJSON *resp = cJSON_GetObjectItemCaseSensitive(root, "response");
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(resp, "format");
    if (fmt && !(cJSON_IsString(fmt) && (strcasecmp(fmt->valuestring, "json-stat2") == 0 ||
                                         strcasecmp(fmt->valuestring, "json-stat") == 0))) {
        snprintf(err, errsz,
                 "query_file %s: response.format must be \"json-stat2\" or \"json-stat\"", path);
        free(body);
        body = NULL;
    }
    cJSON_Delete(root);
    return body;
}

char *wiring_post_body(const struct feed_config *fc, char *err, size_t errsz)
{
    if (errsz)
        err[0] = '\0';
    if (fc->query_file)
        return query_file_body(fc->query_file, err, errsz);
    if (!fc->nselects)
        return NULL;
    struct pxweb_selection sel[CONFIG_MAX_SELECTS];
    for (size_t i = 0; i < fc->nselects; i++) {
        sel[i] = (struct pxweb_selection){
            .code = fc->selects[i].code,
            .filter = fc->selects[i].filter,
            .values = (const char *const *)fc->selects[i].values,
            .nvalues = fc->selects[i].nvalues,
        };
    }
    struct pxweb_query q = {sel, fc->nselects, fc->response_format};
    return pxweb_query_body(&q, err, errsz);
}

static bool is_loopback_url(const char *url)
{
    static const char *const prefixes[] = {"http://127.", "http://localhost:", "http://localhost/",
                                           "http://[::1]"};
    for (size_t i = 0; i < ARRAY_LEN(prefixes); i++)
        if (str_starts_with(url, prefixes[i]))
            return true;
    return false;
}

int wiring_attach(struct wiring *w, struct poller *p, const char *hub_url, char *err, size_t errsz)
{
    for (int i = 0; i < w->nfeeds; i++) {
        struct wired_feed *f = &w->feeds[i];
        char *url;
        const char *base = f->cfg->url ? f->cfg->url : hub_url;
        if (f->cfg->query && base && !f->cfg->path) {
            /* A Prometheus-compatible server: the query goes below its base URL. */
            url = prometheus_query_url(base, f->cfg->query, TIME_NONE);
        } else if (f->cfg->url) {
            url = xstrdup(f->cfg->url);
        } else if (hub_url) {
            size_t n = strlen(hub_url);
            url = xasprintf("%.*s%s", (int)(n && hub_url[n - 1] == '/' ? n - 1 : n), hub_url,
                            f->cfg->path ? f->cfg->path : "");
        } else {
            snprintf(err, errsz, "feed %s has no URL: give --hub URL, --demo, or url in [feed.%s]",
                     f->cfg->name, f->cfg->name);
            return -1;
        }
        struct feed_spec spec = {
            .name = f->cfg->name,
            .url = url,
            .interval_ms = f->cfg->interval_ms,
            .timeout_ms = f->cfg->timeout_ms,
            .max_bytes = f->cfg->max_bytes,
            .bearer_token = f->token,
            .header = f->header,
            .allow_http = is_loopback_url(url),
            .parse = f->adapter->parse,
            .merge = f->adapter->merge,
            .free_batch = f->adapter->free_batch,
            .next_page = f->adapter->next_page,
            .max_pages = f->adapter->max_pages,
            .page_etags = f->adapter->page_etags,
            .post_body = f->post_body,
            .prepare = f->adapter->prepare,
            .ctx = f,
        };
        f->feed = poller_add(p, &spec);
        free(f->list_url);
        f->list_url = url;
        f->page_size = open311_page_size(url);
    }
    w->poller = p;
    return 0;
}

void wiring_free(struct wiring *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->nfeeds; i++) {
        free(w->feeds[i].token);
        free(w->feeds[i].list_url);
        free(w->feeds[i].header);
        free(w->feeds[i].post_body);
        items_clear(&w->feeds[i]);
    }
    free(w);
}

int wiring_load_units(struct store *store, const char *province, char *err, size_t errsz)
{
    struct unit_batch *b = unitlist_load_bundled(province, err, errsz);
    if (!b)
        return -1;
    store_merge_units(store, b);
    return 0;
}
