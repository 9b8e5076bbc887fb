/* PX-Web API v1: the JSON body of a data query (POST {base}/api/v1/{lang}/{db}/.../{table}.px),
 * as the national statistics office's PX-Web (pxweb.gso.gov.vn) and SCB/SSB serve it. Pure C. */
#ifndef CITYDECK_PXWEB_H
#define CITYDECK_PXWEB_H

#include <stddef.h>

/* One variable of the query. Variables left out are eliminated (summed) by the server when
 * their metadata allows it, else the server answers 400. */
struct pxweb_selection {
    const char *code;   /* variable code: "Tid", "ContentsCode", "Địa phương" */
    const char *filter; /* "item" (NULL), "all" (values are patterns: "*"), "top" (one value,
                           a count: "3"), "agg:<aggregation>" or "vs:<valueset>" */
    const char *const *values;
    size_t nvalues;
};

struct pxweb_query {
    const struct pxweb_selection *selections;
    size_t nselections;
    const char *format; /* NULL = "json-stat2"; also "json-stat", "json", "csv", "px" */
};

/* Returns the body {"query":[{"code":...,"selection":{"filter":...,"values":[...]}}],
 * "response":{"format":...}} as a new compact string (free() it), or NULL with err filled:
 * "pxweb: selection 2 (Tid): top needs one positive count, got 2 values". Strings are escaped
 * by cJSON; they must be valid UTF-8 (they come from configuration, not from the wire). */
char *pxweb_query_body(const struct pxweb_query *q, char *err, size_t errsz);

#endif
