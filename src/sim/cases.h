/* The cases hub API (docs/hub-api.md) over the simulated dossiers: /cases/v1/summary,
 * /cases/v1/dossiers, /cases/v1/dossiers/{id} and /cases/v1/procedures. Knows nothing about
 * HTTP plumbing: the server hands it the request through struct sim_request. */
#ifndef CITYDECK_SIM_CASES_H
#define CITYDECK_SIM_CASES_H

#include "dossiers.h"
#include "route.h"

#define CASES_DEFAULT_PAGE_SIZE 100
#define CASES_MAX_PAGE_SIZE 1000

/* The dossiers as a server domain. */
struct sim_domain cases_domain(struct dossiers *d);

/* {"error":{"code":code,"message":...}} as a new string. */
char *cases_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
