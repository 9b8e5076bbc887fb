/* Open311 GeoReport v2 adapter: bytes -> complaint batch. Pure C: no curses, no libuv. */
#ifndef CITYDECK_OPEN311_H
#define CITYDECK_OPEN311_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/complaints.h"

struct open311_options {
    const char *unit_attribute; /* extended attribute naming the unit code; NULL = "ward_code" */
    int default_offset_s;       /* applied to datetimes without a zone */
    bool full_listing;          /* the query lists every open request */
};

/* Parses a requests.json body (array, wrapped object or FixMyStreet shape). Returns NULL and
 * fills err ("requests: item 3: ...", or the server's error description) on failure.
 * err texts: "server error 403: <description>" (spec error list; "server error: <message>" for
 * other error objects), "not JSON: <first ~80 bytes, cleaned>", "invalid JSON near byte N",
 * "empty body". Requests without an id and non-object items are skipped and counted in the
 * batch (skipped_no_id, skipped_invalid). opt may be NULL: then it reads as all zeros (UTC for
 * zone-less datetimes, "ward_code"). Thread-safe: meant for the worker pool. */
struct complaint_batch *open311_parse_requests(const char *body, size_t len,
                                               const struct open311_options *opt, char *err,
                                               size_t errsz);

/* Incremental polling: the URL of a poll for what changed after a full listing, and how far
 * the last changes reached. */

/* Seconds the next updated_after reaches back before the latest update seen: a request
 * updated in the same second as that one, or committed a little later with an earlier
 * timestamp, still comes. Fetching a minute of changes twice costs nothing: merges replace by
 * id. */
#define OPEN311_INCREMENTAL_OVERLAP_S 60

/* list_url without status, page, updated_after and updated_before, plus
 * updated_after=T (T = after - OPEN311_INCREMENTAL_OVERLAP_S, as UTC "2026-03-02T01:04:00Z",
 * no fraction: some servers refuse milliseconds), so closed requests come back with their
 * new status. A new string. */
char *open311_incremental_url(const char *list_url, int64_t after);

/* The latest updated time in the batch (TIME_NONE if none), ignoring times later than
 * not_after (a hub's clock error must not move the cursor past changes to come). */
int64_t open311_latest_update(const struct complaint_batch *b, int64_t not_after);

/* The page_size parameter of a URL, or 0 when it has none (or an unreadable one). */
long open311_page_size(const char *url);

#endif
