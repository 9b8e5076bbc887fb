#include "citydeck/wiring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck-config.h"
#include "citydeck/clock.h"
#include "citydeck/open311.h"
#include "citydeck/util.h"

struct wired_feed {
    struct wiring *owner;
    const struct feed_config *cfg;
    char *token;
    struct open311_options open311;
};

struct wiring {
    struct store *store;
    wiring_merged_fn merged;
    void *arg;
    struct wired_feed feeds[CONFIG_MAX_FEEDS];
    int nfeeds;
};

/* Worker thread. */
static void *parse_open311(const char *body, size_t len, void *ctx, char *err, size_t errsz)
{
    struct wired_feed *f = ctx;
    return open311_parse_requests(body, len, &f->open311, err, errsz);
}

/* Loop thread. */
static void merge_open311(void *batch, void *ctx)
{
    struct wired_feed *f = ctx;
    store_merge_complaints(f->owner->store, batch);
    if (f->owner->merged)
        f->owner->merged(f->owner->arg);
}

static void free_open311(void *batch)
{
    complaint_batch_free(batch);
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
        if (strcmp(fc->kind, "open311") != 0) {
            snprintf(err, errsz, "feed %s: kind '%s' is not supported yet", fc->name, fc->kind);
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

int wiring_attach(struct wiring *w, struct poller *p, const char *hub_url, char *err,
                  size_t errsz)
{
    for (int i = 0; i < w->nfeeds; i++) {
        struct wired_feed *f = &w->feeds[i];
        char *url;
        if (f->cfg->url) {
            url = xstrdup(f->cfg->url);
        } else if (hub_url) {
            size_t n = strlen(hub_url);
            url = xasprintf("%.*s%s", (int)(n && hub_url[n - 1] == '/' ? n - 1 : n), hub_url,
                            f->cfg->path ? f->cfg->path : "");
        } else {
            snprintf(err, errsz,
                     "feed %s has no URL: give --hub URL, --demo, or url in [feed.%s]",
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
            .allow_http = is_loopback_url(url),
            .parse = parse_open311,
            .merge = merge_open311,
            .free_batch = free_open311,
            .ctx = f,
        };
        poller_add(p, &spec);
        free(url);
    }
    return 0;
}

void wiring_free(struct wiring *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->nfeeds; i++)
        free(w->feeds[i].token);
    free(w);
}

char *wiring_province_name(const char *code)
{
    static const char *const dirs[] = {CITYDECK_DATADIR "/units", CITYDECK_SOURCE_DIR "/src/data/units"};
    if (!code)
        return NULL;
    for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/vn-units-2025-new.csv", dirs[i]);
        FILE *fp = fopen(path, "r");
        if (!fp)
            continue;
        char line[1024];
        char *name = NULL;
        while (!name && fgets(line, sizeof line, fp)) {
            char *comma = strchr(line, ',');
            if (!comma || (size_t)(comma - line) != strlen(code) ||
                strncmp(line, code, strlen(code)) != 0)
                continue;
            char *end = strchr(comma + 1, ',');
            if (end)
                name = xstrndup(comma + 1, (size_t)(end - comma - 1));
        }
        fclose(fp);
        if (name)
            return name;
    }
    return NULL;
}
