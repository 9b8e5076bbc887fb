/* How the simulator's domains (complaints, sensors, indicators, dossiers, ...) plug into the
 * HTTP server: each is a small vtable the server calls under its lock. */
#ifndef CITYDECK_SIM_ROUTE_H
#define CITYDECK_SIM_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_request {
    const char *method; /* "GET", "HEAD" or "POST" */
    const char *path;   /* the URL path, without the query string */
    const char *body;   /* POST body (NUL-terminated), NULL for GET */
    size_t body_len;
    int64_t now;          /* simulated time, epoch seconds */
    const char *base_url; /* "http://127.0.0.1:PORT", for absolute links */
    void *conn;           /* the server's connection; only for param() */
};

/* A query parameter (already URL-decoded), or NULL. */
const char *sim_request_param(const struct sim_request *rq, const char *key);

struct sim_response {
    int status;               /* HTTP status */
    char *body;               /* malloc'ed, freed by the server */
    const char *content_type; /* NULL = "application/json; charset=utf-8" */
};

struct sim_domain {
    const char *name; /* "open311", "units", "sta", "metrics", "stats", "cases" */
    void *state;
    /* Brings the domain's world up to the simulated time now (called before route). */
    void (*advance)(void *state, int64_t now);
    /* Answers the request if the path is the domain's; returns false otherwise. */
    bool (*route)(void *state, const struct sim_request *rq, struct sim_response *rs);
};

#define SIM_MAX_DOMAINS 8

/* What every domain is built from, filled once by main from the command line and read-only
 * after that. A domain's output must be a pure function of these and the simulated time. */
struct sim_options {
    uint64_t seed;        /* --seed */
    int64_t start;        /* --start, simulated epoch seconds */
    const char *province; /* --province as given ("51"); world_load resolves it */
    /* --scale: multiplies record volumes (arrival rates, counts of things and series, rows
     * per day), never the geography. 1 = a realistic province, the default; 100 = a stress
     * test with hundreds of thousands of records. Between SIM_SCALE_MIN and SIM_SCALE_MAX.
     * At exactly 1 a domain must produce the same bytes as before --scale existed. */
    double scale;
};

#define SIM_SCALE_MIN 0.01
#define SIM_SCALE_MAX 1000.0

#endif
