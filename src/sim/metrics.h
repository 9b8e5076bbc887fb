/* GET /metrics: the sensors' latest readings in the Prometheus text exposition format
 * (version 0.0.4), so a real Prometheus (or VictoriaMetrics) can scrape the simulator, plus
 * citydeck_sim_* gauges about the simulator itself. */
#ifndef CITYDECK_SIM_METRICS_H
#define CITYDECK_SIM_METRICS_H

#include "route.h"
#include "sensors.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The exposition at simulated time now, as a new string. */
char *metrics_render(const struct sensors *s, int64_t now);

/* /metrics as a server domain. */
struct sim_domain metrics_domain(struct sensors *s);

#endif
