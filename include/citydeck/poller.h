/* One polling schedule per feed: interval, timeout, size cap, ETag, backoff with jitter,
 * Retry-After, bearer token, and the feed's health. Bodies are parsed on the libuv thread
 * pool; the resulting batch is merged back on the loop thread. */
#ifndef CITYDECK_POLLER_H
#define CITYDECK_POLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "citydeck/http.h"

enum feed_state {
    FEED_PENDING, /* no poll has finished yet */
    FEED_OK,      /* the last poll succeeded and the data is fresh */
    FEED_STALE,   /* no success for longer than stale_after_ms */
    FEED_FAILING, /* the last poll failed; the last good data is kept */
};

struct feed_health {
    enum feed_state state;
    int64_t last_ok_ms;      /* wall clock of the last success (200 or 304); 0 = never */
    int64_t last_attempt_ms; /* wall clock of the last finished attempt */
    char last_error[256];    /* empty when the last attempt succeeded */
    int failures;            /* consecutive */
    size_t last_bytes;       /* body bytes of the last fetch */
    int64_t last_duration_ms;
    long last_status; /* HTTP status of the last fetch, 0 if none */
    bool first_done;  /* the first poll finished, success or failure */
    uint64_t polls;   /* attempts finished */
    uint64_t not_modified;
};

struct feed;

/* Worker thread: bytes -> a self-contained batch, or NULL with err filled. Must not touch
 * anything shared with the loop thread. */
typedef void *(*feed_parse_fn)(const char *body, size_t len, void *ctx, char *err, size_t errsz);
/* Loop thread: takes ownership of the batch. */
typedef void (*feed_merge_fn)(void *batch, void *ctx);
typedef void (*feed_free_fn)(void *batch);
/* Paged listings (SensorThings @iot.nextLink, cases hub pages, a JSON-stat collection's
 * items): loop thread, before merge. Returns the URL of the page after this batch (a new
 * string; relative links resolved against page_url by the callee) or NULL on the last page.
 * With spec.page_etags it is also called after a 304, with a NULL batch. */
typedef char *(*feed_next_fn)(void *batch, const char *page_url, void *ctx);
/* Loop thread, at the start of every poll, before its first request: the place to change the
 * URL of this poll with feed_set_url (an incremental query after a full listing). It must not
 * free the poller. */
typedef void (*feed_prepare_fn)(struct feed *f, void *ctx);

/* Zero means the default: interval 60 s, timeout 15 s, max_bytes 8 MiB. */
struct feed_spec {
    const char *name;
    const char *url;
    int interval_ms;
    int timeout_ms;
    size_t max_bytes;
    int stale_after_ms;       /* 0 = 3 × interval */
    int max_backoff_ms;       /* 0 = 10 minutes */
    const char *bearer_token; /* copied; never logged */
    const char *header;       /* one extra "Name: value" line (a tenant id), copied; or NULL */
    bool allow_http;
    feed_parse_fn parse;
    feed_merge_fn merge;
    feed_free_fn free_batch;
    feed_next_fn next_page; /* NULL = one page per poll */
    int max_pages;          /* pages followed in one poll; 0 = 100 */
    /* Every page is a conditional request with its own ETag (up to 64 pages remembered),
     * and a 304 on any page, the first included, goes on to the next one: next_page is then
     * called with a NULL batch. For documents that list other documents (a JSON-stat
     * collection), whose own ETag says nothing about the items. Otherwise only the first
     * page is conditional and its 304 ends the poll: the listing is unchanged. */
    bool page_etags;
    /* The first page of a poll is a POST of this body (Content-Type: application/json),
     * copied; NULL = GET. Later pages are GETs. If-None-Match goes with the POST too, and a
     * 412 to it (RFC 9110 13.1.2: the ETag matched, for a method other than GET) counts as
     * a 304. */
    const char *post_body;
    feed_prepare_fn prepare; /* NULL = every poll fetches url */
    void *ctx;
};

struct poller;
struct feed;

/* Called on the loop thread after every finished attempt (its health changed and/or data was
 * merged). It may call any poller function, poller_free included. */
typedef void (*poller_event_fn)(struct feed *f, void *arg);

struct poller *poller_new(uv_loop_t *loop, struct http *http, poller_event_fn on_event, void *arg);
/* Copies the spec (strings included). */
struct feed *poller_add(struct poller *p, const struct feed_spec *spec);
/* Starts every feed's schedule; the first poll of each goes out at once. */
void poller_start(struct poller *p);
/* Polls every feed now, unless one is already in flight ('r'). */
void poller_refresh(struct poller *p);
/* Stops timers and cancels requests; handles close on the loop's next run. Call it before
 * http_free (it cancels through the http). A parse already running on the thread pool
 * finishes; its batch is then freed with spec->free_batch, never merged. */
void poller_free(struct poller *p);

size_t poller_count(const struct poller *p);
struct feed *poller_feed(const struct poller *p, size_t i);
/* True once every feed has finished its first poll (success or failure). */
bool poller_all_first_done(const struct poller *p);
/* Hub clock minus local clock, from the last Date header seen (0 if none). */
int64_t poller_hub_offset_ms(const struct poller *p);
/* The hub's time now (epoch ms): the wall clock moved by the offset, or the hub's Date itself
 * when the hub's clock stands still (the same Date for two seconds or more). p may be NULL. */
int64_t poller_hub_now_ms(const struct poller *p);

const char *feed_name(const struct feed *f);
const char *feed_url(const struct feed *f);
/* Recomputes the state for now (stale is a function of time) and returns the health. */
const struct feed_health *feed_health(struct feed *f);
/* Changes the URL of the next polls (e.g. a different filter) and forgets the ETags; the
 * next poll goes out on schedule (call poller_refresh to fetch now). From a prepare callback
 * it changes the poll about to start. */
void feed_set_url(struct feed *f, const char *url);
/* Milliseconds until the next scheduled poll, or -1 while one is in flight or parsing. */
int64_t feed_next_poll_ms(const struct feed *f);
const char *feed_state_name(enum feed_state s);

/* Exposed for tests: the delay before the next attempt after `failures` consecutive failures,
 * with jitter drawn from rnd in [0,1):
 *   interval = interval_ms, or 60 s when <= 0
 *   cap      = max_backoff_ms, or 10 min when <= 0; never below interval
 *   base     = min(cap, interval * 2^(failures-1))
 *   delay    = base * (0.8 + 0.4 * rnd), rounded down, at least 1  -> [0.8, 1.2) x base
 * failures <= 0 gives interval exactly; rnd outside [0,1) is clamped. After a 429/503 with
 * Retry-After the poller waits max(delay, min(retry_after, 1 h)). */
int64_t poller_backoff_ms(int interval_ms, int max_backoff_ms, int failures, double rnd);

#endif
