/* Open311 GeoReport v2 (JSON) for the simulated hub: query parameters in, response bodies
 * out. Knows nothing about HTTP plumbing: the server hands it a parameter lookup. */
#ifndef CITYDECK_SIM_OPEN311_H
#define CITYDECK_SIM_OPEN311_H

#include <stdint.h>

#include "complaints.h"
#include "route.h"

/* Looks up a (decoded) query parameter; NULL when absent. */
typedef const char *(*open311_param_fn)(void *ctx, const char *key);

/* Largest and default page: the spec's "first 1000 requests". */
#define OPEN311_MAX_PAGE_SIZE 1000
/* Without date filters, requests.json covers this many days back (the spec's default). */
#define OPEN311_DEFAULT_DAYS 90

/* Each returns an HTTP status and sets *body to a new NUL-terminated JSON string (an
 * Open311 error list [{"code","description"}] when the status is not 200). */
int open311_discovery(const struct complaints *c, const char *endpoint_url, char **body);
int open311_services(char **body);
/* services/{code}.json: {"service_code", "attributes":[...]}; 404 for an unknown code. */
int open311_service_definition(const char *code, char **body);
int open311_requests(const struct complaints *c, int64_t now, open311_param_fn get, void *ctx,
                     char **body);
/* requests/{id}.json: an array of one, as the spec has it; 404 for an unknown id. */
int open311_request(const struct complaints *c, int64_t now, const char *id, open311_param_fn get,
                    void *ctx, char **body);

/* The complaints as a server domain: /open311/v2/discovery.json, services.json,
 * services/{code}.json, requests.json and requests/{id}.json. jurisdiction_id, when given,
 * must be the province code. */
struct sim_domain open311_domain(struct complaints *c);

/* [{"code":code,"description":...}] as a new string. */
char *open311_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
