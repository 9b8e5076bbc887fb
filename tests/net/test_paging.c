/* Paged feeds: the poller follows next-page links within one poll, merges every page, counts
 * the poll once, sends If-None-Match only with the first page, and stops at max_pages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/http.h"
#include "citydeck/poller.h"
#include "citydeck/util.h"
#include "harness.h"

/* A page body is "VALUE|NEXT-PATH" ("3|" on the last page). */
struct page {
    int value;
    char *next;
};

struct pager {
    struct harness_srv *srv;
    int merged[8];
    int nmerged;
    int events;
};

static void *parse_page(const char *body, size_t len, void *ctx, char *err, size_t errsz)
{
    (void)ctx;
    const char *bar = memchr(body, '|', len);
    if (!bar) {
        snprintf(err, errsz, "no '|'");
        return NULL;
    }
    struct page *p = xcalloc(1, sizeof *p);
    p->value = atoi(body);
    if (bar + 1 < body + len)
        p->next = xstrndup(bar + 1, (size_t)(body + len - bar - 1));
    return p;
}

static char *next_page(void *batch, const char *page_url, void *ctx)
{
    struct page *p = batch;
    struct pager *g = ctx;
    cr_assert_not_null(page_url);
    if (!p->next)
        return NULL;
    char url[128];
    harness_srv_url(g->srv, p->next, url, sizeof url);
    return xstrdup(url);
}

static void free_page(void *batch)
{
    struct page *p = batch;
    free(p->next);
    free(p);
}

static void merge_page(void *batch, void *ctx)
{
    struct pager *g = ctx;
    struct page *p = batch;
    if (g->nmerged < 8)
        g->merged[g->nmerged++] = p->value;
    free_page(p);
}

static void on_event(struct feed *f, void *arg)
{
    struct pager *g = arg;
    (void)f;
    g->events++;
    uv_stop(&harness_loop);
}

static const struct harness_step pages[] = {
    {.status = 200, .body = "1|/p2", .etag = "\"e1\"", .inm_304 = true},
    {.status = 200, .body = "2|/p3"},
    {.status = 200, .body = "3|"},
    {.status = 200, .body = "1|/p2", .etag = "\"e1\"", .inm_304 = true},
};

static struct feed *start(struct pager *g, struct harness_srv *srv, struct http **http,
                          struct poller **p, int max_pages)
{
    char url[128];
    harness_loop_setup();
    harness_srv_start(srv, pages, ARRAY_LEN(pages));
    g->srv = srv;
    harness_srv_url(srv, "/p1", url, sizeof url);
    *http = http_new(&harness_loop);
    *p = poller_new(&harness_loop, *http, on_event, g);
    struct feed_spec spec = {
        .name = "paged",
        .url = url,
        .interval_ms = 60000,
        .timeout_ms = 2000,
        .allow_http = true,
        .parse = parse_page,
        .merge = merge_page,
        .free_batch = free_page,
        .next_page = next_page,
        .max_pages = max_pages,
        .ctx = g,
    };
    struct feed *f = poller_add(*p, &spec);
    poller_start(*p);
    return f;
}

static void stop(struct harness_srv *srv, struct http *http, struct poller *p)
{
    poller_free(p);
    http_free(http);
    harness_srv_stop(srv);
    harness_loop_teardown();
}

Test(paging, follows_every_page_in_one_poll)
{
    struct pager g = {0};
    struct harness_srv srv;
    struct http *http;
    struct poller *p;
    struct feed *f = start(&g, &srv, &http, &p, 0);
    harness_run_until(&g.events, 1);
    cr_assert_eq(g.nmerged, 3, "pages merged: %d", g.nmerged);
    cr_assert_eq(g.merged[0], 1);
    cr_assert_eq(g.merged[1], 2);
    cr_assert_eq(g.merged[2], 3);
    const struct feed_health *h = feed_health(f);
    cr_assert_eq(h->polls, 1, "three pages are one poll");
    cr_assert_eq(h->last_bytes, strlen("1|/p2") + strlen("2|/p3") + strlen("3|"));
    cr_assert_eq(h->state, FEED_OK);
    cr_assert_eq(harness_srv_requests(&srv), 3);
    cr_assert_str_eq(srv.seen[1].path, "/p2");
    cr_assert_str_eq(srv.seen[2].path, "/p3");
    cr_assert_str_eq(srv.seen[1].inm, "", "later pages are not conditional");

    /* The next poll starts at the first page again, conditionally: unchanged means 304. */
    poller_refresh(p);
    harness_run_until(&g.events, 2);
    cr_assert_eq(harness_srv_requests(&srv), 4, "requests: %d", harness_srv_requests(&srv));
    cr_assert_str_eq(srv.seen[3].path, "/p1");
    cr_assert_str_eq(srv.seen[3].inm, "\"e1\"");
    cr_assert_eq(feed_health(f)->not_modified, 1);
    cr_assert_eq(g.nmerged, 3, "a 304 merges nothing");
    stop(&srv, http, p);
}

Test(paging, stops_at_max_pages)
{
    struct pager g = {0};
    struct harness_srv srv;
    struct http *http;
    struct poller *p;
    struct feed *f = start(&g, &srv, &http, &p, 2);
    harness_run_until(&g.events, 1);
    cr_assert_eq(g.nmerged, 2, "max_pages = 2 merges two pages, got %d", g.nmerged);
    cr_assert_eq(harness_srv_requests(&srv), 2);
    cr_assert_eq(feed_health(f)->polls, 1);
    stop(&srv, http, p);
}
