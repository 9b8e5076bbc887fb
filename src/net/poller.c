/* Feed schedules: one uv_timer per feed drives http_start; 200 bodies are parsed on the
 * libuv thread pool and merged back here, on the loop thread.
 *
 * Lifetime: poller_free only starts the shutdown. A feed is freed once its timer's close
 * callback ran and no parse job of it is queued (a job on the thread pool cannot be
 * stopped; its after_work frees the batch). The poller goes with its last feed. */
#include "citydeck/poller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/log.h"
#include "citydeck/util.h"

#define POLLER_DEFAULT_INTERVAL_MS 60000
#define POLLER_DEFAULT_TIMEOUT_MS 15000
#define POLLER_DEFAULT_MAX_BYTES ((size_t)8 << 20)
#define POLLER_DEFAULT_MAX_BACKOFF_MS (10 * 60 * 1000)
#define POLLER_MAX_RETRY_AFTER_MS ((int64_t)3600 * 1000)
#define POLLER_DEFAULT_MAX_PAGES 100
#define POLLER_MAX_PAGE_ETAGS 64

struct page_etag {
    char *url, *etag;
};

struct parse_job;

struct feed {
    struct poller *p;
    struct feed_spec spec; /* strings owned */
    char *etag;
    uv_timer_t timer;
    struct feed_health health;
    int64_t req_id;
    unsigned url_gen; /* bumped by feed_set_url: an older response's ETag is not ours */
    unsigned req_gen; /* url_gen when the request in flight started */
    struct parse_job *job;
    /* One poll of a paged feed: the page being fetched and what the earlier pages cost. */
    char *page_url; /* NULL on the first page (spec.url) */
    int page;
    size_t poll_bytes;
    int64_t poll_duration_ms;
    /* spec.page_etags: the validators of pages after the first, by URL. */
    struct page_etag etags_by_url[POLLER_MAX_PAGE_ETAGS];
    size_t netags_by_url, etags_by_url_next;
    bool req_conditional_post; /* the request in flight is a POST with If-None-Match */
    bool in_flight;
    bool parsing;
    bool closing;
    bool timer_closed;
};

struct parse_job {
    uv_work_t work;
    struct feed *f;
    feed_parse_fn parse;
    void *ctx;
    char *body;
    size_t len;
    void *batch;
    char *etag;
    unsigned url_gen;
    long status;
    int64_t duration_ms;
    char err[200];
};

struct poller {
    uv_loop_t *loop;
    struct http *http;
    poller_event_fn on_event;
    void *arg;
    struct feed **feeds;
    size_t n, cap;
    size_t live; /* feeds not yet freed */
    int64_t hub_offset_ms;
    /* A hub whose clock stands still (a replayed scenario, a demo at speed 0) sends the same
     * Date for seconds on end; its time is then that Date, not extrapolated. */
    int64_t last_date_ms, last_date_wall_ms;
    bool hub_frozen;
    uint64_t rng;
    bool started;
    bool closing;
};

/* ---- backoff ------------------------------------------------------------------------ */

int64_t poller_backoff_ms(int interval_ms, int max_backoff_ms, int failures, double rnd)
{
    int64_t interval = interval_ms > 0 ? interval_ms : POLLER_DEFAULT_INTERVAL_MS;
    if (failures <= 0)
        return interval;
    int64_t cap = max_backoff_ms > 0 ? max_backoff_ms : POLLER_DEFAULT_MAX_BACKOFF_MS;
    if (cap < interval)
        cap = interval;
    int64_t base = interval;
    for (int i = 1; i < failures && base < cap; i++)
        base *= 2; /* stops at cap, so no overflow whatever failures is */
    if (base > cap)
        base = cap;
    if (!(rnd >= 0.0)) /* also NaN */
        rnd = 0.0;
    /* Integer steps of 2^-20: in doubles, 0.8 + 0.4 * nextafter(1, 0) rounds up to 1.2. */
    int64_t j = rnd < 1.0 ? (int64_t)(rnd * 1048576.0) : 1048575;
    int64_t d = base * 8 / 10 + base * 4 * j / (10 * 1048576);
    return d > 0 ? d : 1;
}

/* xorshift64*: jitter only needs to spread feeds apart, not to be unpredictable. */
static double poller_random(struct poller *p)
{
    uint64_t x = p->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    p->rng = x;
    return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

/* ---- lifetime ----------------------------------------------------------------------- */

static void page_etags_clear(struct feed *f)
{
    for (size_t i = 0; i < f->netags_by_url; i++) {
        free(f->etags_by_url[i].url);
        free(f->etags_by_url[i].etag);
    }
    f->netags_by_url = 0;
    f->etags_by_url_next = 0;
}

static struct page_etag *page_etag_find(struct feed *f, const char *url)
{
    for (size_t i = 0; i < f->netags_by_url; i++)
        if (strcmp(f->etags_by_url[i].url, url) == 0)
            return &f->etags_by_url[i];
    return NULL;
}

/* Takes etag (NULL forgets the URL's validator). Past the bound the oldest entry goes. */
static void page_etag_set(struct feed *f, const char *url, char *etag)
{
    struct page_etag *e = page_etag_find(f, url);
    if (!e && !etag)
        return;
    if (!e) {
        if (f->netags_by_url < POLLER_MAX_PAGE_ETAGS) {
            e = &f->etags_by_url[f->netags_by_url++];
        } else {
            e = &f->etags_by_url[f->etags_by_url_next];
            f->etags_by_url_next = (f->etags_by_url_next + 1) % POLLER_MAX_PAGE_ETAGS;
            free(e->url);
            free(e->etag);
        }
        e->url = xstrdup(url);
        e->etag = NULL;
    }
    free(e->etag);
    e->etag = etag;
}

static void poller_destroy(struct poller *p)
{
    free(p->feeds);
    free(p);
}

static void feed_maybe_free(struct feed *f)
{
    if (!f->timer_closed || f->parsing)
        return;
    struct poller *p = f->p;
    free((char *)f->spec.name);
    free((char *)f->spec.url);
    if (f->spec.bearer_token) {
        memset((char *)f->spec.bearer_token, 0, strlen(f->spec.bearer_token));
        free((char *)f->spec.bearer_token);
    }
    free(f->etag);
    free(f->page_url);
    free((char *)f->spec.header);
    free((char *)f->spec.post_body);
    page_etags_clear(f);
    free(f);
    if (--p->live == 0 && p->closing)
        poller_destroy(p);
}

static void feed_on_timer_closed(uv_handle_t *handle)
{
    struct feed *f = handle->data;
    f->timer_closed = true;
    feed_maybe_free(f);
}

/* ---- attempts ----------------------------------------------------------------------- */

static void feed_on_timer(uv_timer_t *timer);

static void feed_schedule(struct feed *f, int64_t delay_ms)
{
    if (f->closing)
        return;
    uv_timer_start(&f->timer, feed_on_timer, (uint64_t)(delay_ms > 0 ? delay_ms : 0), 0);
}

/* Records a finished attempt, schedules the next one and tells the owner. retry_after_ms
 * (or -1) only stretches the delay of a failure. */
static void feed_finish(struct feed *f, bool ok, long status, size_t bytes, int64_t duration_ms,
                        const char *error, int64_t retry_after_ms)
{
    struct poller *p = f->p;
    struct feed_health *hl = &f->health;
    hl->polls++;
    hl->first_done = true;
    hl->last_attempt_ms = clock_wall_ms();
    hl->last_status = status;
    hl->last_bytes = bytes;
    hl->last_duration_ms = duration_ms;
    int64_t delay;
    if (ok) {
        if (hl->failures > 0)
            log_info("feed %s: recovered after %d failures", f->spec.name, hl->failures);
        hl->failures = 0;
        hl->last_ok_ms = hl->last_attempt_ms;
        hl->last_error[0] = '\0';
        delay = f->spec.interval_ms;
    } else {
        /* Log when the failure starts or changes, not on every retry of the same one. */
        if (hl->failures == 0 || strcmp(hl->last_error, error) != 0)
            log_warn("feed %s: %s", f->spec.name, error);
        hl->failures++;
        str_copy(hl->last_error, error, sizeof hl->last_error);
        delay = poller_backoff_ms(f->spec.interval_ms, f->spec.max_backoff_ms, hl->failures,
                                  poller_random(p));
        if (retry_after_ms >= 0) {
            int64_t ra = retry_after_ms < POLLER_MAX_RETRY_AFTER_MS ? retry_after_ms
                                                                    : POLLER_MAX_RETRY_AFTER_MS;
            if (ra > delay)
                delay = ra;
        }
    }
    feed_health(f);
    if (f->closing)
        return;
    feed_schedule(f, delay);
    if (p->on_event)
        p->on_event(f, p->arg);
}

static void feed_request(struct feed *f);

/* A page of the poll is done (merged, or unchanged): on to next (taken), or the poll ends
 * with this page's status. */
static void feed_next(struct feed *f, char *next, long status, size_t bytes, int64_t duration_ms)
{
    f->poll_bytes += bytes;
    f->poll_duration_ms += duration_ms;
    if (next) {
        /* The next page belongs to the same poll: health is settled after the last one. */
        free(f->page_url);
        f->page_url = next;
        f->page++;
        feed_request(f);
        return;
    }
    feed_finish(f, true, status, f->poll_bytes, f->poll_duration_ms, NULL, -1);
}

static void job_on_work(uv_work_t *work)
{
    struct parse_job *job = work->data;
    job->batch = job->parse(job->body, job->len, job->ctx, job->err, sizeof job->err);
}

static void job_free(struct parse_job *job)
{
    free(job->body);
    free(job->etag);
    free(job);
}

static void job_after_work(uv_work_t *work, int status)
{
    struct parse_job *job = work->data;
    struct feed *f = job->f;
    f->parsing = false;
    f->job = NULL;
    if (f->closing || status < 0) {
        /* Shut down meanwhile (or dropped before a worker took it): nobody wants the batch.
         * Only poller_free cancels jobs, so status < 0 implies closing. */
        if (job->batch && f->spec.free_batch)
            f->spec.free_batch(job->batch);
        job_free(job);
        feed_maybe_free(f);
        return;
    }
    size_t bytes = job->len;
    long st = job->status;
    int64_t dur = job->duration_ms;
    if (!job->batch) {
        char err[256];
        snprintf(err, sizeof err, "parse: %s", job->err[0] ? job->err : "failed");
        job_free(job);
        feed_finish(f, false, st, bytes, dur, err, -1); /* the new ETag is not stored */
        return;
    }
    /* Unless every page keeps its own, only the first page's ETag stands for the listing:
     * later pages are not conditional. */
    if (job->url_gen == f->url_gen && f->page == 0) {
        free(f->etag);
        f->etag = job->etag; /* NULL when the hub stopped sending one */
        job->etag = NULL;
    } else if (job->url_gen == f->url_gen && f->spec.page_etags && f->page_url) {
        page_etag_set(f, f->page_url, job->etag);
        job->etag = NULL;
    }
    void *batch = job->batch;
    job_free(job);
    char *next = NULL;
    if (f->spec.next_page && f->page + 1 < f->spec.max_pages)
        next = f->spec.next_page(batch, f->page_url ? f->page_url : f->spec.url, f->spec.ctx);
    if (f->spec.merge)
        f->spec.merge(batch, f->spec.ctx); /* ownership passes */
    else if (f->spec.free_batch)
        f->spec.free_batch(batch);
    feed_next(f, next, st, bytes, dur);
}

static void feed_on_http_done(struct http_response *resp, void *arg)
{
    struct feed *f = arg;
    struct poller *p = f->p;
    f->in_flight = false;
    f->req_id = 0;
    if (resp->date_ms >= 0) {
        int64_t wall = clock_wall_ms();
        p->hub_offset_ms = resp->date_ms - wall;
        if (resp->date_ms != p->last_date_ms) {
            p->last_date_ms = resp->date_ms;
            p->last_date_wall_ms = wall;
            p->hub_frozen = false;
        } else if (wall - p->last_date_wall_ms >= 2000) {
            p->hub_frozen = true;
        }
    }

    if (resp->curl_code != 0) {
        feed_finish(f, false, resp->status, resp->len, resp->duration_ms,
                    resp->error[0] ? resp->error : "transfer failed", -1);
        return;
    }
    bool conditional_post = f->req_conditional_post;
    f->req_conditional_post = false;
    if (resp->status == 304 || (resp->status == 412 && conditional_post)) {
        f->health.not_modified++;
        if (resp->etag && f->req_gen == f->url_gen) {
            if (f->page == 0) {
                free(f->etag);
                f->etag = resp->etag;
            } else if (f->spec.page_etags && f->page_url) {
                page_etag_set(f, f->page_url, resp->etag);
            } else {
                free(resp->etag);
            }
            resp->etag = NULL;
        }
        char *next = NULL;
        if (f->spec.page_etags && f->spec.next_page && f->page + 1 < f->spec.max_pages)
            next = f->spec.next_page(NULL, f->page_url ? f->page_url : f->spec.url, f->spec.ctx);
        feed_next(f, next, 304, 0, resp->duration_ms);
        return;
    }
    if (resp->status < 200 || resp->status > 299) {
        char err[64];
        bool honour = resp->status == 429 || resp->status == 503;
        int64_t ra = honour ? resp->retry_after_ms : -1;
        if (ra >= 0)
            snprintf(err, sizeof err, "HTTP %ld (retry after %lld s)", resp->status,
                     (long long)((ra + 999) / 1000));
        else
            snprintf(err, sizeof err, "HTTP %ld", resp->status);
        feed_finish(f, false, resp->status, resp->len, resp->duration_ms, err, ra);
        return;
    }
    if (!f->spec.parse) {
        feed_finish(f, true, resp->status, resp->len, resp->duration_ms, NULL, -1);
        return;
    }
    struct parse_job *job = xcalloc(1, sizeof *job);
    job->work.data = job;
    job->f = f;
    job->parse = f->spec.parse;
    job->ctx = f->spec.ctx;
    job->body = resp->body; /* stolen: the worker reads it */
    job->len = resp->len;
    resp->body = NULL;
    job->etag = resp->etag;
    resp->etag = NULL;
    job->url_gen = f->req_gen;
    job->status = resp->status;
    job->duration_ms = resp->duration_ms;
    int rc = uv_queue_work(p->loop, &job->work, job_on_work, job_after_work);
    if (rc < 0) {
        size_t len = job->len;
        job_free(job);
        feed_finish(f, false, resp->status, len, resp->duration_ms, "cannot queue the parse", -1);
        return;
    }
    f->job = job;
    f->parsing = true;
}

/* Starts the request for the current page; only the first page is conditional, because
 * an unchanged first page means the hub's listing is unchanged. */
static void feed_request(struct feed *f)
{
    const char *headers[] = {f->spec.header, NULL};
    const char *etag = f->etag;
    if (f->page_url) {
        const struct page_etag *e = f->spec.page_etags ? page_etag_find(f, f->page_url) : NULL;
        etag = e ? e->etag : NULL;
    }
    const char *post = f->page_url ? NULL : f->spec.post_body;
    struct http_request req = {
        .url = f->page_url ? f->page_url : f->spec.url,
        .etag = etag,
        .bearer_token = f->spec.bearer_token,
        .headers = f->spec.header ? headers : NULL,
        .post_body = post,
        .timeout_ms = f->spec.timeout_ms,
        .max_bytes = f->spec.max_bytes,
        .allow_http = f->spec.allow_http,
    };
    int64_t id = http_start(f->p->http, &req, feed_on_http_done, f);
    if (id < 0) {
        feed_finish(f, false, 0, 0, 0, "cannot start the request", -1);
        return;
    }
    f->req_id = id;
    f->req_gen = f->url_gen;
    f->req_conditional_post = post && etag && *etag;
    f->in_flight = true;
}

static void feed_poll(struct feed *f)
{
    if (f->closing || f->in_flight || f->parsing)
        return;
    free(f->page_url);
    f->page_url = NULL;
    f->page = 0;
    f->poll_bytes = 0;
    f->poll_duration_ms = 0;
    if (f->spec.prepare)
        f->spec.prepare(f, f->spec.ctx);
    if (f->closing)
        return;
    feed_request(f);
}

static void feed_on_timer(uv_timer_t *timer)
{
    feed_poll(timer->data);
}

/* ---- public ------------------------------------------------------------------------- */

struct poller *poller_new(uv_loop_t *loop, struct http *http, poller_event_fn on_event, void *arg)
{
    struct poller *p = xcalloc(1, sizeof *p);
    p->loop = loop;
    p->http = http;
    p->on_event = on_event;
    p->arg = arg;
    p->rng = uv_hrtime() ^ (uint64_t)(uintptr_t)p;
    if (!p->rng)
        p->rng = 0x9E3779B97F4A7C15ULL;
    return p;
}

struct feed *poller_add(struct poller *p, const struct feed_spec *spec)
{
    if (!p || p->closing || !spec || !spec->url)
        return NULL;
    struct feed *f = xcalloc(1, sizeof *f);
    f->p = p;
    f->spec = *spec;
    f->spec.name = xstrdup(spec->name ? spec->name : spec->url);
    f->spec.url = xstrdup(spec->url);
    f->spec.bearer_token = spec->bearer_token ? xstrdup(spec->bearer_token) : NULL;
    f->spec.header = spec->header ? xstrdup(spec->header) : NULL;
    f->spec.post_body = spec->post_body ? xstrdup(spec->post_body) : NULL;
    if (f->spec.interval_ms <= 0)
        f->spec.interval_ms = POLLER_DEFAULT_INTERVAL_MS;
    if (f->spec.timeout_ms <= 0)
        f->spec.timeout_ms = POLLER_DEFAULT_TIMEOUT_MS;
    if (f->spec.max_bytes == 0)
        f->spec.max_bytes = POLLER_DEFAULT_MAX_BYTES;
    if (f->spec.max_backoff_ms <= 0)
        f->spec.max_backoff_ms = POLLER_DEFAULT_MAX_BACKOFF_MS;
    if (f->spec.max_pages <= 0)
        f->spec.max_pages = POLLER_DEFAULT_MAX_PAGES;
    if (f->spec.stale_after_ms <= 0)
        f->spec.stale_after_ms =
            f->spec.interval_ms > INT32_MAX / 3 ? INT32_MAX : 3 * f->spec.interval_ms;
    f->health.state = FEED_PENDING;
    uv_timer_init(p->loop, &f->timer);
    f->timer.data = f;
    p->feeds = xgrow(p->feeds, &p->cap, p->n + 1, sizeof *p->feeds);
    p->feeds[p->n++] = f;
    p->live++;
    if (p->started)
        feed_schedule(f, 0);
    return f;
}

void poller_start(struct poller *p)
{
    if (!p || p->closing)
        return;
    p->started = true;
    /* Through the timer, so the first requests go out from the loop, not from our caller. */
    for (size_t i = 0; i < p->n; i++)
        feed_schedule(p->feeds[i], 0);
}

void poller_refresh(struct poller *p)
{
    if (!p || p->closing)
        return;
    for (size_t i = 0; i < p->n; i++) {
        struct feed *f = p->feeds[i];
        if (!f->in_flight && !f->parsing)
            feed_schedule(f, 0);
    }
}

void poller_free(struct poller *p)
{
    if (!p || p->closing)
        return;
    p->closing = true;
    if (p->n == 0) {
        poller_destroy(p);
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        struct feed *f = p->feeds[i];
        f->closing = true;
        if (f->in_flight) {
            http_cancel(p->http, f->req_id);
            f->in_flight = false;
        }
        /* A job not yet picked by a worker can be dropped; its after_work still runs. */
        if (f->parsing && f->job)
            uv_cancel((uv_req_t *)&f->job->work);
        uv_timer_stop(&f->timer);
        uv_close((uv_handle_t *)&f->timer, feed_on_timer_closed);
    }
}

size_t poller_count(const struct poller *p)
{
    return p ? p->n : 0;
}

struct feed *poller_feed(const struct poller *p, size_t i)
{
    return p && i < p->n ? p->feeds[i] : NULL;
}

bool poller_all_first_done(const struct poller *p)
{
    for (size_t i = 0; p && i < p->n; i++)
        if (!p->feeds[i]->health.first_done)
            return false;
    return true;
}

int64_t poller_hub_offset_ms(const struct poller *p)
{
    return p ? p->hub_offset_ms : 0;
}

int64_t poller_hub_now_ms(const struct poller *p)
{
    if (p && p->hub_frozen)
        return p->last_date_ms;
    return clock_wall_ms() + poller_hub_offset_ms(p);
}

const char *feed_name(const struct feed *f)
{
    return f->spec.name;
}

const char *feed_url(const struct feed *f)
{
    return f->spec.url;
}

const struct feed_health *feed_health(struct feed *f)
{
    struct feed_health *hl = &f->health;
    if (!hl->first_done)
        hl->state = FEED_PENDING;
    else if (hl->failures > 0)
        hl->state = FEED_FAILING;
    else if (clock_wall_ms() - hl->last_ok_ms > f->spec.stale_after_ms)
        hl->state = FEED_STALE;
    else
        hl->state = FEED_OK;
    return hl;
}

void feed_set_url(struct feed *f, const char *url)
{
    if (!f || !url || str_eq(f->spec.url, url))
        return;
    free((char *)f->spec.url);
    f->spec.url = xstrdup(url);
    /* A validator of the old resource means nothing for the new one. */
    free(f->etag);
    f->etag = NULL;
    page_etags_clear(f);
    f->url_gen++;
}

int64_t feed_next_poll_ms(const struct feed *f)
{
    if (!f || f->closing || f->in_flight || f->parsing || !uv_is_active((uv_handle_t *)&f->timer))
        return -1;
    return (int64_t)uv_timer_get_due_in(&f->timer);
}

const char *feed_state_name(enum feed_state s)
{
    switch (s) {
    case FEED_PENDING:
        return "pending";
    case FEED_OK:
        return "ok";
    case FEED_STALE:
        return "stale";
    case FEED_FAILING:
        return "failing";
    }
    return "?";
}
