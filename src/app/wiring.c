#include "citydeck/wiring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck-config.h"
#include "citydeck/cases.h"
#include "citydeck/clock.h"
#include "citydeck/jsonstat.h"
#include "citydeck/open311.h"
#include "citydeck/prometheus.h"
#include "citydeck/sensorthings.h"
#include "citydeck/unitlist.h"
#include "citydeck/util.h"

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
    char *list_url;    /* cases: the configured listing, the base of incremental polls */
    char *header;      /* "X-Scope-OrgID: tenant" */
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
};

struct wiring {
    struct store *store;
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
    return jsonstat_parse_indicators(body, len, &f->jsonstat, err, errsz);
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
    store_merge_complaints(f->owner->store, batch);
    merged(f);
}

static void merge_sensors(void *batch, void *ctx)
{
    struct wired_feed *f = ctx;
    store_merge_sensors(f->owner->store, batch);
    merged(f);
}

static void merge_indicators(void *batch, void *ctx)
{
    struct wired_feed *f = ctx;
    store_merge_indicators(f->owner->store, batch);
    merged(f);
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

static void free_indicators(void *batch)
{
    indicator_batch_free(batch);
}

static char *next_sta(void *batch, const char *page_url, void *ctx)
{
    struct sensor_batch *b = batch;
    (void)ctx;
    return b->next_link ? sensorthings_resolve_link(page_url, b->next_link) : NULL;
}

static const struct adapter adapters[] = {
    {"open311", parse_open311, merge_open311, free_complaints, NULL},
    {"sensorthings", parse_sta, merge_sensors, free_sensors, next_sta},
    {"prometheus", parse_prometheus, merge_sensors, free_sensors, NULL},
    {"jsonstat", parse_jsonstat, merge_indicators, free_indicators, NULL},
    {"units", parse_units, merge_units, free_units, NULL},
    {"cases", parse_cases, merge_cases, free_cases, next_cases},
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
        /* A query for every open request lets the store close those that disappear. */
        const char *where = fc->url ? fc->url : fc->path ? fc->path : "";
        f->open311.full_listing = strstr(where, "status=open") != NULL;
        w->nfeeds++;
    }
    return w;
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
            .ctx = f,
        };
        f->feed = poller_add(p, &spec);
        free(f->list_url);
        f->list_url = url;
    }
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
