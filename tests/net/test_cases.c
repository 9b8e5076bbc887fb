/* The cases adapter (feeds/cases.c) against the live simulator and crafted bad inputs:
 * list pages followed to the end into the dossier table, whose aggregates must equal the
 * hub's own summary (both sides apply the same deadline rules); details with steps;
 * incremental polling with updated_since; and every failure the adapter promises to report
 * clearly, without crashing or leaking, on hostile bodies. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "citydeck/cases.h"
#include "citydeck/clock.h"
#include "citydeck/dossiers.h"

#define START "2026-03-02T08:00:00+07:00"
#define DAY_LATER "2026-03-03T10:30:00+07:00"
#define V1 "/cases/v1"
#define VN CLOCK_VN_OFFSET

/* ---- the simulator as a fixture ------------------------------------------------------ */

static void live_setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    harness_sims_start("7", START, NULL);
}

static void live_teardown(void)
{
    harness_sims_stop_all();
    curl_global_cleanup();
}

TestSuite(cases_live, .init = live_setup, .fini = live_teardown, .timeout = 120);
TestSuite(cases_bad, .timeout = 60);

/* GET of a path on sim slot, or of an absolute URL; must answer 200. */
static struct harness_resp fetch(int slot, const char *path)
{
    struct harness_req q = {.timeout_ms = 60000};
    struct harness_resp r = harness_sim_http(slot, path, &q);
    cr_assert_eq(r.status, 200, "GET %s -> %ld: %s", path, r.status, r.body);
    return r;
}

/* Follows next links from path to the end; one batch with every item. */
static struct dossier_batch *fetch_all(int slot, const char *path, int64_t *as_of)
{
    struct cases_options opt = {.default_offset_s = VN, .origin = harness_sims[slot].url};
    struct dossier_batch *all = dossier_batch_new();
    char *url = strdup(path);
    size_t total = 0, pages = 0;
    while (url) {
        struct harness_resp b = fetch(slot, url);
        free(url);
        url = NULL;
        char err[256];
        struct cases_page page;
        struct dossier_batch *one = cases_parse_list(b.body, b.len, &opt, &page, err, sizeof err);
        cr_assert_not_null(one, "%s", err);
        cr_assert_str_eq(err, "");
        if (pages++ == 0) {
            total = page.total;
            *as_of = page.as_of;
        }
        cr_assert_eq(page.total, total);
        cr_assert_eq(page.page, pages);
        cr_assert_eq(one->as_of, *as_of);
        dossier_batch_take(all, one);
        dossier_batch_free(one);
        if (page.next)
            url = strdup(page.next);
        cases_page_clear(&page);
        free(b.body);
    }
    cr_assert_eq(all->n, total, "pages followed to the end hold total items");
    cr_assert_eq(all->skipped_no_id + all->skipped_invalid, 0);
    return all;
}

static struct cases_summary *fetch_summary(int slot, const char *path)
{
    struct harness_resp b = fetch(slot, path);
    char err[256];
    struct cases_options opt = {.default_offset_s = VN};
    struct cases_summary *s = cases_parse_summary(b.body, b.len, &opt, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    free(b.body);
    return s;
}

static void assert_same_stats(const struct dossier_stats *mine, const struct dossier_stats *hub,
                              const char *what)
{
    cr_assert_eq(mine->dossiers, hub->dossiers, "%s dossiers", what);
    for (int c = 1; c < DST_COUNT; c++)
        cr_assert_eq(mine->by_status[c], hub->by_status[c], "%s status %d", what, c);
    cr_assert_eq(mine->received, hub->received, "%s received", what);
    cr_assert_eq(mine->online, hub->online, "%s online", what);
    cr_assert_eq(mine->open, hub->open, "%s open", what);
    cr_assert_eq(mine->ok, hub->ok, "%s còn hạn", what);
    cr_assert_eq(mine->due_soon, hub->due_soon, "%s sắp đến hạn", what);
    cr_assert_eq(mine->overdue, hub->overdue, "%s quá hạn", what);
    cr_assert_eq(mine->finished, hub->finished, "%s finished", what);
    cr_assert_eq(mine->early, hub->early, "%s trước hạn", what);
    cr_assert_eq(mine->on_time, hub->on_time, "%s đúng hạn", what);
    cr_assert_eq(mine->late, hub->late, "%s trễ hạn", what);
}

/* The unit with the most dossiers of the summary that are in states worth checking. */
static char *busy_unit(const struct cases_summary *s)
{
    const struct cases_unit_summary *best = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (!best || s->units[i].stats.dossiers > best->stats.dossiers)
            best = &s->units[i];
    cr_assert_not_null(best);
    return strdup(best->unit_code);
}

/* ---- live ------------------------------------------------------------------------- */

Test(cases_live, summary_parses_whole)
{
    struct cases_summary *s = fetch_summary(0, V1 "/summary");
    cr_assert_eq(s->n, 96);
    cr_assert_eq(s->skipped, 0);
    cr_assert_eq(s->as_of, clock_parse_iso(START, 0, NULL));
    cr_assert_eq(s->from, clock_parse_iso("2026-01-31T00:00:00+07:00", 0, NULL));
    cr_assert_str_eq(s->total.unit_code, "51");
    cr_assert_str_eq(s->total.unit_name, "Tỉnh Quảng Ngãi");
    size_t sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        cr_assert_not_null(s->units[i].unit_code);
        cr_assert_not_null(s->units[i].unit_name);
        sum += s->units[i].stats.dossiers;
    }
    cr_assert_eq(s->total.stats.dossiers, sum);
    /* The console computes the rates from the counts the same way the hub does. */
    cr_assert(fabs(dossier_stats_on_time_rate(&s->total.stats) - s->total.on_time_rate) < 6e-5);
    cr_assert(fabs(dossier_stats_online_rate(&s->total.stats) - s->total.online_rate) < 6e-5);
    cases_summary_free(s);
}

Test(cases_live, pages_into_table_match_the_hub_summary)
{
    struct cases_summary *s = fetch_summary(0, V1 "/summary");
    char *unit = busy_unit(s);
    cases_summary_free(s);
    char path[256];
    snprintf(path, sizeof path, V1 "/summary?unit=%s", unit);
    s = fetch_summary(0, path);
    cr_assert_eq(s->n, 1);

    snprintf(path, sizeof path, V1 "/dossiers?unit=%s&page_size=500", unit);
    int64_t as_of;
    struct dossier_batch *b = fetch_all(0, path, &as_of);
    cr_assert_eq(as_of, s->as_of);
    struct dossier_table *t = dossier_table_new(VN);
    cr_assert_eq(dossier_table_merge(t, b, as_of), b->n);
    dossier_batch_free(b);
    /* Every count the hub makes, the table makes from the records alone. */
    assert_same_stats(dossier_table_unit_stats(t, unit), &s->units[0].stats, unit);
    assert_same_stats(dossier_table_total(t), &s->total.stats, "total");
    cr_assert_eq(dossier_table_unit_count(t), 1);
    cr_assert(fabs(dossier_stats_on_time_rate(dossier_table_total(t)) - s->total.on_time_rate) <
              6e-5);

    const struct dossier *d = dossier_table_at(t, 0);
    cr_assert_not_null(d->procedure);
    cr_assert_not_null(d->field);
    cr_assert_not_null(d->unit_name);
    cr_assert_neq(d->level, DLV_UNKNOWN);
    cr_assert_neq(d->channel, DCH_UNKNOWN);
    cr_assert_gt(d->legal_days, 0);
    cr_assert(!d->has_steps);
    free(unit);
    cases_summary_free(s);
    dossier_table_free(t);
}

Test(cases_live, detail_with_steps_and_list_keeps_them)
{
    struct cases_options opt = {.default_offset_s = VN, .origin = harness_sims[0].url};
    struct harness_resp lb = fetch(0, V1 "/dossiers?status=5&page_size=5");
    char err[256];
    struct cases_page page;
    struct dossier_batch *list = cases_parse_list(lb.body, lb.len, &opt, &page, err, sizeof err);
    cr_assert_not_null(list, "%s", err);
    cr_assert_eq(list->n, 5);
    cr_assert_not_null(page.next);
    cr_assert(!strncmp(page.next, harness_sims[0].url, strlen(harness_sims[0].url)));
    char path[128];
    snprintf(path, sizeof path, V1 "/dossiers/%s", list->items[0].id);
    struct harness_resp db = fetch(0, path);
    struct dossier_batch *one = cases_parse_dossier(db.body, db.len, &opt, err, sizeof err);
    cr_assert_not_null(one, "%s", err);
    cr_assert_eq(one->n, 1);
    const struct dossier *d = &one->items[0];
    cr_assert(d->has_steps);
    cr_assert_geq(d->nsteps, 3);
    cr_assert_eq(d->status, DST_SUPPLEMENT);
    cr_assert_neq(d->paused_since, TIME_NONE);
    cr_assert_geq(d->supplements, 1);
    const struct dossier_step *last = &d->steps[d->nsteps - 1];
    cr_assert_eq(last->status, DST_SUPPLEMENT);
    cr_assert_eq(last->at, d->updated);
    cr_assert_str_eq(last->actor_role, "chuyen_vien");
    cr_assert_not_null(last->actor);
    cr_assert_not_null(last->actor_title);
    cr_assert_not_null(last->note, "a supplement request says what is missing");
    cr_assert_str_eq(d->steps[0].action, d->channel == DCH_ONLINE ? "Nộp hồ sơ trực tuyến"
                                         : d->channel == DCH_POST
                                             ? "Tiếp nhận hồ sơ qua bưu chính công ích"
                                             : "Tiếp nhận hồ sơ trực tiếp");

    size_t nsteps = d->nsteps;
    struct dossier_table *t = dossier_table_new(VN);
    dossier_table_merge(t, one, page.as_of);
    /* The same dossier as a list item (same updated_at) keeps its history. */
    struct dossier_batch *again = cases_parse_list(lb.body, lb.len, &opt, NULL, err, sizeof err);
    dossier_table_merge(t, again, page.as_of);
    const struct dossier *kept = dossier_table_find(t, list->items[0].id);
    cr_assert(kept->has_steps);
    cr_assert_eq(kept->nsteps, nsteps);
    cr_assert_eq(dossier_table_deadline_at(t, 0), dossier_deadline(kept, dossier_table_now(t), VN));
    dossier_batch_free(again);
    dossier_batch_free(one);
    dossier_batch_free(list);
    dossier_table_free(t);
    cases_page_clear(&page);
    free(lb.body);
    free(db.body);
}

Test(cases_live, incremental_polling_catches_every_change)
{
    /* Full listing of a unit at START, then a hub a day later: polling it with
     * updated_since = the first as_of must bring the table to what the later hub says. */
    struct cases_summary *s = fetch_summary(0, V1 "/summary");
    char *unit = busy_unit(s);
    cases_summary_free(s);
    char path[256];
    snprintf(path, sizeof path, V1 "/dossiers?unit=%s&page_size=1000", unit);
    int64_t as_of;
    struct dossier_batch *b = fetch_all(0, path, &as_of);
    struct dossier_table *t = dossier_table_new(VN);
    dossier_table_merge(t, b, as_of);
    dossier_batch_free(b);

    int later = harness_sims_start("7", DAY_LATER, NULL);
    char since[40];
    clock_format_iso(as_of, VN, since, sizeof since);
    since[19] = '\0'; /* "+07:00" travels unencoded as a space otherwise: send it as %2B */
    snprintf(path, sizeof path, V1 "/dossiers?unit=%s&page_size=200&updated_since=%s%%2B07:00",
             unit, since);
    int64_t as_of2;
    b = fetch_all(later, path, &as_of2);
    cr_assert_gt(b->n, 50, "a day brings changes");
    size_t changed = dossier_table_merge(t, b, as_of2);
    cr_assert_eq(changed, b->n, "everything listed as updated did change or is new");
    dossier_batch_free(b);

    snprintf(path, sizeof path, V1 "/dossiers?unit=%s&page_size=1000", unit);
    int64_t as_of3;
    struct dossier_batch *truth = fetch_all(later, path, &as_of3);
    cr_assert_eq(as_of3, as_of2);
    for (size_t i = 0; i < truth->n; i++) {
        const struct dossier *want = &truth->items[i];
        const struct dossier *have = dossier_table_find(t, want->id);
        cr_assert_not_null(have, "%s missing after the poll", want->id);
        cr_assert_eq(have->status, want->status, "%s", want->id);
        cr_assert_eq(have->updated, want->updated, "%s", want->id);
        cr_assert_eq(have->due, want->due, "%s", want->id);
        cr_assert_eq(have->finished, want->finished, "%s", want->id);
        cr_assert_eq(have->supplements, want->supplements, "%s", want->id);
    }
    dossier_batch_free(truth);
    free(unit);
    dossier_table_free(t);
}

/* ---- crafted bad inputs ---------------------------------------------------------------- */

static const struct cases_options bad_opt = {.default_offset_s = VN,
                                             .origin = "http://127.0.0.1:8311"};

/* A list body that must fail with an error starting with want. */
static void list_fails(const char *body, const char *want)
{
    char err[256] = "unset";
    struct cases_page page;
    struct dossier_batch *b =
        cases_parse_list(body, strlen(body), &bad_opt, &page, err, sizeof err);
    cr_assert_null(b, "accepted: %s", body);
    cr_assert(!strncmp(err, want, strlen(want)), "error \"%s\", want \"%s...\"", err, want);
    cr_assert_null(page.next);
}

static struct dossier_batch *list_ok(const char *body, struct cases_page *page)
{
    char err[256];
    struct dossier_batch *b = cases_parse_list(body, strlen(body), &bad_opt, page, err, sizeof err);
    cr_assert_not_null(b, "%s: %s", err, body);
    return b;
}

Test(cases_bad, list_shapes_and_errors)
{
    list_fails("", "empty body");
    list_fails("   \n", "empty body");
    list_fails("<html><body>502 Bad Gateway</body></html>", "not JSON: <html>");
    list_fails("{\"dossiers\": [", "invalid JSON near byte");
    list_fails("{\"dossiers\": []} trailing", "invalid JSON near byte");
    list_fails("[]", "dossiers: expected an object, got array");
    list_fails("{\"error\":{\"code\":400,\"message\":\"page_size must be 1-1000\"}}",
               "server error 400: page_size must be 1-1000");
    list_fails("{\"error\":\"maintenance\"}", "server error: maintenance");
    list_fails("{\"error\":{\"code\":503}}", "server error 503");
    list_fails("{\"error\":{}}", "server error (no message)");
    list_fails("{\"total\":3}", "dossiers: missing the \"dossiers\" array");
    list_fails("{\"dossiers\":{}}", "dossiers: \"dossiers\" is object, not an array");
    list_fails("{\"dossiers\":[1,\"x\",null]}", "dossiers: item 1: expected an object, got number");
    list_fails("{\"dossiers\":[],\"next\":\"http://evil.example/cases/v1/dossiers?page=2\"}",
               "next link leaves the hub: http://evil.example");
    list_fails("{\"dossiers\":[],\"next\":\"http://127.0.0.1:83110/x\"}",
               "next link leaves the hub");
    list_fails("{\"dossiers\":[],\"next\":\"http://127.0.0.1:8311@evil.example/x\"}",
               "next link leaves the hub");
    list_fails("{\"dossiers\":[],\"next\":\"file:///etc/passwd\"}", "next link leaves the hub");
    list_fails("{\"dossiers\":[],\"next\":\"//evil.example/x\"}", "next link leaves the hub");
    list_fails("{\"dossiers\":[],\"next\":\"http://127.0.0.1:8311/a b\"}",
               "next link leaves the hub");
    list_fails("{\"dossiers\":[],\"next\":\"http://127.0.0.1:8311/\\u001b[2J\"}",
               "next link leaves the hub");
    list_fails("{\"dossiers\":[],\"next\":42}", "dossiers: next: expected a string or null");

    struct cases_page page;
    struct dossier_batch *b = list_ok("{\"dossiers\":[],\"next\":\"/cases/v1/dossiers?page=2\","
                                      "\"total\":150,\"page\":1,\"page_size\":100,\"pages\":2,"
                                      "\"as_of\":\"2026-03-02T08:00:00+07:00\"}",
                                      &page);
    cr_assert_str_eq(page.next, "http://127.0.0.1:8311/cases/v1/dossiers?page=2",
                     "a relative link is made absolute on the origin");
    cr_assert_eq(page.total, 150);
    cr_assert_eq(page.pages, 2);
    cr_assert_eq(page.as_of, clock_parse_iso(START, 0, NULL));
    cases_page_clear(&page);
    dossier_batch_free(b);

    /* null and "" mean the last page; wrong paging types read as 0. */
    b = list_ok("{\"dossiers\":[],\"next\":null,\"total\":\"many\",\"page\":-1}", &page);
    cr_assert_null(page.next);
    cr_assert_eq(page.total, 0);
    cr_assert_eq(page.page, 0);
    cr_assert_eq(page.as_of, TIME_NONE);
    dossier_batch_free(b);
    cases_page_clear(&page);

    /* Without an origin any http(s) link is taken as it is. */
    char err[128];
    const char *any = "{\"dossiers\":[],\"next\":\"https://hub.example/p2\"}";
    b = cases_parse_list(any, strlen(any), NULL, &page, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_str_eq(page.next, "https://hub.example/p2");
    dossier_batch_free(b);
    cases_page_clear(&page);
    const char *rel = "{\"dossiers\":[],\"next\":\"/p2\"}";
    cr_assert_null(cases_parse_list(rel, strlen(rel), NULL, &page, err, sizeof err));
    cr_assert_str_eq(err, "next link is relative and the hub's origin unknown");
    b = cases_parse_list(NULL, 0, NULL, NULL, err, sizeof err);
    cr_assert_null(b);
    cr_assert_str_eq(err, "empty body");
    b = cases_parse_list("{}", 2, NULL, NULL, NULL, 0); /* no err buffer: still safe */
    cr_assert_null(b);
}

Test(cases_bad, lenient_records_and_text_clean)
{
    struct cases_page page;
    struct dossier_batch *b = list_ok(
        "{\"dossiers\":["
        "{\"id\":12345,\"status\":\"4\",\"channel\":2,\"unit_code\":21025,"
        "\"procedure_name\":\"Chứng\\u202e thực\\u0007 bản sao\\u200b\","
        "\"unit_name\":\"Phu\\u031bo\\u031b\\u0300ng Ca\\u0302\\u0309m Tha\\u0300nh\","
        "\"online_level\":\"TOAN_TRINH\",\"legal_days\":\"3\",\"supplements\":2,"
        "\"received_at\":\"2026-03-02T08:00:00+07:00\",\"due_at\":\"2026-03-05\","
        "\"updated_at\":\"2026-03-02 09:00\",\"paused_working_seconds\":-5},"
        "{\"id\":\"B\",\"status\":11,\"channel\":7,\"legal_days\":1e308,\"due_at\":\"soon\","
        "\"submitted_at\":20260302,\"supplements\":1.5,\"online_level\":4,\"steps\":\"none\"},"
        "{\"id\":1.5,\"status\":4},"
        "{\"status\":4},"
        "{\"id\":\"\",\"status\":4},"
        "\"stray\","
        "{\"id\":\"C\",\"status\":null,\"channel\":[2],\"unit_code\":{\"x\":1},"
        "\"steps\":[1,{\"at\":\"2026-03-02T08:00:00+07:00\",\"status\":2,\"actor\":\"Bộ phận "
        "\\u001b[31mmột cửa\"},{\"status\":99,\"actor\":{\"role\":\"lanh_dao\",\"name\":\"An\","
        "\"title\":null}}]}"
        "]}",
        &page);
    cr_assert_eq(b->n, 3);
    cr_assert_eq(b->skipped_no_id, 3, "no id, an empty id, a fractional id");
    cr_assert_eq(b->skipped_invalid, 1);
    const struct dossier *a = &b->items[0];
    cr_assert_str_eq(a->id, "12345");
    cr_assert_str_eq(a->unit_code, "21025");
    cr_assert_eq(a->status, 4);
    cr_assert_eq(a->channel, DCH_ONLINE);
    cr_assert_eq(a->level, DLV_FULL);
    cr_assert_eq(a->legal_days, 3);
    cr_assert_eq(a->supplements, 2);
    cr_assert_eq(a->paused_s, 0);
    cr_assert_str_eq(a->procedure, "Chứng thực bản sao", "controls, bidi and ZW removed");
    cr_assert_str_eq(a->unit_name, "Phường Cẩm Thành", "NFC composed");
    cr_assert_eq(a->due, clock_parse_iso("2026-03-05T00:00:00+07:00", 0, NULL));
    cr_assert_eq(a->updated, clock_parse_iso("2026-03-02T09:00:00+07:00", 0, NULL),
                 "zone-less times at the default offset");
    cr_assert(!a->has_steps);
    const struct dossier *x = &b->items[1];
    cr_assert_eq(x->status, 0);
    cr_assert_eq(x->channel, DCH_UNKNOWN);
    cr_assert_eq(x->level, DLV_UNKNOWN);
    cr_assert_eq(x->legal_days, 0);
    cr_assert_eq(x->due, TIME_NONE);
    cr_assert_eq(x->submitted, TIME_NONE);
    cr_assert_eq(x->supplements, 0);
    cr_assert(!x->has_steps);
    const struct dossier *c = &b->items[2];
    cr_assert_eq(c->status, 0);
    cr_assert_eq(c->channel, DCH_UNKNOWN);
    cr_assert_null(c->unit_code);
    cr_assert(c->has_steps);
    cr_assert_eq(c->nsteps, 2);
    cr_assert_str_eq(c->steps[0].actor_title, "Bộ phận [31mmột cửa");
    cr_assert_null(c->steps[0].actor);
    cr_assert_eq(c->steps[1].status, 0);
    cr_assert_eq(c->steps[1].at, TIME_NONE);
    cr_assert_str_eq(c->steps[1].actor_role, "lanh_dao");
    cr_assert_null(c->steps[1].actor_title);

    /* Merged into a table, the odd records count where their fields put them. */
    struct dossier_table *t = dossier_table_new(VN);
    cr_assert_eq(dossier_table_merge(t, b, clock_parse_iso(START, 0, NULL)), 3);
    const struct dossier_stats *tot = dossier_table_total(t);
    cr_assert_eq(tot->dossiers, 3);
    cr_assert_eq(tot->by_status[0], 2);
    cr_assert_eq(tot->overdue, 1, "supplemented twice: quá hạn");
    dossier_table_free(t);
    dossier_batch_free(b);
    cases_page_clear(&page);
}

static void dossier_fails(const char *body, const char *want)
{
    char err[256];
    struct dossier_batch *b = cases_parse_dossier(body, strlen(body), &bad_opt, err, sizeof err);
    cr_assert_null(b, "accepted: %s", body);
    cr_assert(!strncmp(err, want, strlen(want)), "error \"%s\", want \"%s...\"", err, want);
}

Test(cases_bad, dossier_shapes)
{
    dossier_fails("{\"error\":{\"code\":404,\"message\":\"dossier 'x' not found\"}}",
                  "server error 404: dossier 'x' not found");
    dossier_fails("{\"as_of\":\"2026-03-02T08:00:00+07:00\"}",
                  "dossier: missing the \"dossier\" object");
    dossier_fails("{\"dossier\":[]}", "dossier: \"dossier\" is array, not an object");
    dossier_fails("{\"dossier\":{\"status\":4}}", "dossier: no id");
    dossier_fails("[{\"id\":\"x\"}]", "dossier: expected an object, got array");
    dossier_fails("not json", "not JSON: not json");

    char err[256];
    const char *bare = "{\"id\":\"H51.1\",\"status\":2,\"steps\":[]}";
    struct dossier_batch *b = cases_parse_dossier(bare, strlen(bare), &bad_opt, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert(b->items[0].has_steps, "an empty history is still a history");
    cr_assert_eq(b->items[0].nsteps, 0);
    dossier_batch_free(b);
    const char *nosteps = "{\"dossier\":{\"id\":\"H51.1\"}}";
    b = cases_parse_dossier(nosteps, strlen(nosteps), &bad_opt, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert(b->items[0].has_steps);
    dossier_batch_free(b);
}

Test(cases_bad, long_histories_are_capped)
{
    /* 5,000 steps: kept up to the cap, without quadratic time or a crash. */
    size_t cap = 64 + 5000 * 40;
    char *body = malloc(cap), *p = body;
    p += sprintf(p, "{\"dossier\":{\"id\":\"X\",\"steps\":[");
    for (int i = 0; i < 5000; i++)
        p += sprintf(p, "%s{\"status\":4,\"action\":\"a%d\"}", i ? "," : "", i);
    p += sprintf(p, "]}}");
    char err[128];
    struct dossier_batch *b =
        cases_parse_dossier(body, (size_t)(p - body), &bad_opt, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_eq(b->items[0].nsteps, 1000);
    cr_assert_str_eq(b->items[0].steps[999].action, "a999");
    dossier_batch_free(b);
    free(body);
}

static void summary_fails(const char *body, const char *want)
{
    char err[256];
    struct cases_summary *s = cases_parse_summary(body, strlen(body), &bad_opt, err, sizeof err);
    cr_assert_null(s, "accepted: %s", body);
    cr_assert(!strncmp(err, want, strlen(want)), "error \"%s\", want \"%s...\"", err, want);
}

Test(cases_bad, summary_shapes)
{
    summary_fails("{}", "summary: missing the \"units\" array");
    summary_fails("{\"units\":{}}", "summary: \"units\" is object, not an array");
    summary_fails("{\"units\":[7]}", "summary: units: item 1: expected an object, got number");
    summary_fails("{\"units\":[{\"unit_code\":\"1\"},{\"unit_code\":\"2\",\"open\":\"3\"}]}",
                  "summary: units: item 2: open: expected a whole number, got string");
    summary_fails("{\"units\":[{\"unit_code\":\"1\",\"open\":-1}]}",
                  "summary: units: item 1: open: expected a whole number, got another number");
    summary_fails("{\"units\":[{\"unit_code\":\"1\",\"dossiers\":1.5}]}",
                  "summary: units: item 1: dossiers: expected a whole number");
    summary_fails("{\"units\":[{\"unit_code\":\"1\",\"by_status\":[1,2]}]}",
                  "summary: units: item 1: by_status: expected an object, got array");
    summary_fails("{\"units\":[{\"unit_code\":\"1\",\"by_status\":{\"4\":true}}]}",
                  "summary: units: item 1: by_status.4: expected a whole number, got boolean");
    summary_fails("{\"units\":[{\"unit_code\":\"1\",\"open_states\":{\"qua_han\":1e300}}]}",
                  "summary: units: item 1: open_states.qua_han: expected a whole number");
    summary_fails("{\"units\":[],\"total\":[]}", "summary: total: expected an object, got array");
    summary_fails("{\"units\":[],\"total\":{\"finished_states\":{\"tre_han\":\"x\"}}}",
                  "summary: total: finished_states.tre_han: expected a whole number");
    summary_fails("{\"error\":{\"code\":400,\"message\":\"unknown unit '9'\"}}",
                  "server error 400: unknown unit '9'");

    const char *ok = "{\"as_of\":\"2026-03-02T08:00:00+07:00\",\"units\":["
                     "{\"unit_name\":\"no code\",\"dossiers\":3},"
                     "{\"unit_code\":\"21025\",\"unit_name\":\"Phường\\u0000X\",\"dossiers\":10,"
                     "\"carried_over\":2,\"by_status\":{\"4\":6,\"10\":4,\"11\":9},"
                     "\"open\":6,\"open_states\":{\"con_han\":5,\"qua_han\":1},"
                     "\"finished\":4,\"finished_states\":{\"truoc_han\":4},"
                     "\"on_time_rate\":0.9,\"online_rate\":null}]}";
    char err[128];
    struct cases_summary *s = cases_parse_summary(ok, strlen(ok), &bad_opt, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    cr_assert_eq(s->n, 1);
    cr_assert_eq(s->skipped, 1);
    const struct cases_unit_summary *u = &s->units[0];
    cr_assert_str_eq(u->unit_code, "21025");
    cr_assert_eq(u->stats.dossiers, 10);
    cr_assert_eq(u->carried_over, 2);
    cr_assert_eq(u->stats.by_status[4], 6);
    cr_assert_eq(u->stats.by_status[10], 4);
    cr_assert_eq(u->stats.overdue, 1);
    cr_assert_eq(u->stats.early, 4);
    cr_assert_float_eq(u->on_time_rate, 0.9, 1e-12);
    cr_assert_eq(u->online_rate, -1);
    cr_assert_eq(s->total.on_time_rate, -1, "no total sent");
    cr_assert_null(s->total.unit_code);
    cr_assert_eq(s->from, TIME_NONE);
    cases_summary_free(s);
    cases_summary_free(NULL);
    cases_page_clear(NULL);
}

/* Every prefix and many one-byte corruptions of real bodies: never a crash, never a leak
 * (run under valgrind), and a NULL result always comes with a message. */
static void mangle(const char *body, int kind)
{
    size_t len = strlen(body);
    char *copy = malloc(len + 1);
    char err[256];
    /* Any origin: the live hub's links stay followable, so the whole body gets read. */
    const struct cases_options any = {.default_offset_s = VN};
    for (size_t cut = 0; cut <= len; cut += 1 + cut / 16) {
        for (int flip = 0; flip < 3; flip++) {
            memcpy(copy, body, len + 1);
            if (flip && cut < len)
                copy[cut] = flip == 1 ? '"' : (char)0xC3; /* a quote, a broken UTF-8 lead */
            size_t n = flip ? len : cut;
            err[0] = '\0';
            if (kind == 0) {
                struct cases_page page;
                struct dossier_batch *b = cases_parse_list(copy, n, &any, &page, err, sizeof err);
                cr_assert(b || err[0]);
                dossier_batch_free(b);
                cases_page_clear(&page);
            } else if (kind == 1) {
                struct dossier_batch *b = cases_parse_dossier(copy, n, &any, err, sizeof err);
                cr_assert(b || err[0]);
                dossier_batch_free(b);
            } else {
                struct cases_summary *s = cases_parse_summary(copy, n, &any, err, sizeof err);
                cr_assert(s || err[0]);
                cases_summary_free(s);
            }
        }
    }
    free(copy);
}

Test(cases_live, truncated_and_corrupted_real_bodies)
{
    struct harness_resp list = fetch(0, V1 "/dossiers?status=5,6&page_size=3");
    struct harness_resp sum = fetch(0, V1 "/summary?unit=21025");
    struct cases_options opt = {.default_offset_s = VN, .origin = harness_sims[0].url};
    char err[256];
    struct dossier_batch *b = cases_parse_list(list.body, list.len, &opt, NULL, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    char path[128];
    snprintf(path, sizeof path, V1 "/dossiers/%s", b->items[0].id);
    dossier_batch_free(b);
    struct harness_resp one = fetch(0, path);
    mangle(list.body, 0);
    mangle(one.body, 1);
    mangle(sum.body, 2);
    free(list.body);
    free(one.body);
    free(sum.body);
}
