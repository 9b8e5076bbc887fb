/* The indicators as a statistics office serves them: JSON-stat 2.0 datasets under /stats/
 * and a PX-Web API v1 database under /stats/api/v1/vi/kt-xh/ (table metadata on GET, data
 * queries on POST answered in json-stat2 or json-stat), with PX-Web's error statuses. */
#ifndef CITYDECK_SIM_STATS_H
#define CITYDECK_SIM_STATS_H

#include "indicators.h"
#include "route.h"

/* PX-Web installations cap the cells of one query; past it they answer 403. */
#define STATS_PX_MAX_CELLS 150000

/* The /stats domain over ind (borrowed: it must outlive the server). */
struct sim_domain stats_domain(struct indicators *ind);

#endif
