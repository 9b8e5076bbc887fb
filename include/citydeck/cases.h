/* The cases hub API adapter (docs/hub-api.md): response bodies -> dossier batches and unit
 * summaries. Pure C: no curses, no libuv, no global state; meant for the worker pool.
 *
 * Every function takes the body and its length (it need not be NUL-terminated) and returns
 * NULL with a message in err on failure:
 *   "empty body", "not JSON: <first bytes>", "invalid JSON near byte N",
 *   "server error 404: <message>" (the API's {"error":{"code","message"}}),
 *   "<what>: expected an object, got array", "dossiers: missing the \"dossiers\" array",
 *   "summary: units: item 3: open: expected a whole number, got string",
 *   "next link leaves the hub: <link>".
 * Records are read leniently (one odd dossier must not blank a queue): a status outside
 * 1-10 reads as 0, a channel outside 1-3 as 0, an unreadable time as absent; dossiers
 * without an id and list items that are not objects are skipped and counted in the batch.
 * Every stored string passes text_clean. */
#ifndef CITYDECK_CASES_H
#define CITYDECK_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "citydeck/dossiers.h"

struct cases_options {
    int default_offset_s; /* for times sent without a zone (the API always sends one) */
    /* "http://127.0.0.1:8311": the hub the body came from. A next link must stay on it (a
     * relative one is made absolute against it); NULL accepts any http(s) link. */
    const char *origin;
};

/* The paging part of a list response. */
struct cases_page {
    size_t total, page, page_size, pages;
    int64_t as_of; /* the hub time the page describes: the next updated_since */
    char *next;    /* absolute URL of the next page; NULL on the last page */
};

/* GET /cases/v1/dossiers: a batch of list items (no steps) and the paging fields. page may
 * be NULL; otherwise it is filled (and must be released with cases_page_clear) on success
 * and left zeroed on failure. The batch's as_of is the page's. */
struct dossier_batch *cases_parse_list(const char *body, size_t len,
                                       const struct cases_options *opt, struct cases_page *page,
                                       char *err, size_t errsz);
void cases_page_clear(struct cases_page *p);

/* The list URL for the next incremental poll: list_url without status, as_of, page and
 * updated_since, plus updated_since=as_of, so closed dossiers come back with their new
 * state. A new string. */
char *cases_incremental_url(const char *list_url, int64_t as_of, int offset_s);

/* GET /cases/v1/dossiers/{id}: a batch of one dossier with its steps (has_steps true). */
struct dossier_batch *cases_parse_dossier(const char *body, size_t len,
                                          const struct cases_options *opt, char *err, size_t errsz);

struct cases_unit_summary {
    char *unit_code; /* the province's code for the total */
    char *unit_name;
    struct dossier_stats stats;       /* as the hub counted them (absent stays 0) */
    size_t carried_over;              /* of stats.dossiers, still open when the period began */
    double on_time_rate, online_rate; /* as sent; -1 for null or missing */
};

struct cases_summary {
    int64_t as_of, from;
    struct cases_unit_summary *units;
    size_t n;
    struct cases_unit_summary total;
    size_t skipped; /* units without a unit_code */
};

/* GET /cases/v1/summary. Counts must be whole numbers (a summary is nothing but counts). */
struct cases_summary *cases_parse_summary(const char *body, size_t len,
                                          const struct cases_options *opt, char *err, size_t errsz);
void cases_summary_free(struct cases_summary *s);

#endif
