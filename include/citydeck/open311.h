/* Open311 GeoReport v2 adapter: bytes -> complaint batch. Pure C: no curses, no libuv. */
#ifndef CITYDECK_OPEN311_H
#define CITYDECK_OPEN311_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
