/* The Prometheus text exposition of the simulated sensors.
 *
 * One gauge family per measured quantity (PM2.5, PM10, VN_AQI, water level, flood depth,
 * vehicle count, camera up), one sample per Datastream: sensor_id is the Datastream's
 * SensorThings @iot.id, so a client can join the two APIs. Samples carry no timestamp: the
 * simulated clock may run far from real time, and Prometheus refuses samples outside its
 * head block; the scrape time stands for the reading's time, as for any live exporter.
 * Numbers are written as cJSON writes them in the SensorThings bodies, so both APIs show
 * the same text for the same reading. */
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck-config.h"
#include "citydeck/util.h"

/* As cJSON's print_number: integers as such, else the shortest of %.15g / %.17g that reads
 * back to the same double. */
static void put_number(struct buf *b, double d)
{
    if (isnan(d)) {
        buf_appendf(b, "NaN");
        return;
    }
    if (isinf(d)) {
        buf_appendf(b, d > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (d == floor(d) && fabs(d) < 1e15) {
        buf_appendf(b, "%.0f", d == 0 ? 0.0 : d);
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%1.15g", d);
    if (strtod(tmp, NULL) != d)
        snprintf(tmp, sizeof tmp, "%1.17g", d);
    buf_appendf(b, "%s", tmp);
}

/* Label values escape backslash, double quote and newline (exposition format 0.0.4). */
static void put_label(struct buf *b, bool *first, const char *name, const char *value)
{
    if (!value)
        return;
    buf_appendf(b, "%s%s=\"", *first ? "" : ",", name);
    *first = false;
    for (const char *p = value; *p; p++) {
        if (*p == '\\')
            buf_appendf(b, "\\\\");
        else if (*p == '"')
            buf_appendf(b, "\\\"");
        else if (*p == '\n')
            buf_appendf(b, "\\n");
        else
            buf_append(b, p, 1);
    }
    buf_append(b, "\"", 1);
}

static void put_family(struct buf *b, const char *name, const char *help)
{
    buf_appendf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

char *metrics_render(const struct sensors *s, int64_t now)
{
    const struct world *w = sensors_world(s);
    int64_t slot = sensors_slot(now);
    struct buf b = {0};
    for (int p = 0; p < PROP_N; p++) {
        const struct sens_prop_info *pi = sensors_prop_info((enum sens_prop)p);
        bool any = false;
        for (size_t i = 1; i <= sensors_stream_count(s); i++) {
            const struct sens_stream *ds = sensors_stream(s, (int)i);
            if (ds->prop != (enum sens_prop)p)
                continue;
            if (!any)
                put_family(&b, pi->metric, pi->metric_help);
            any = true;
            const struct sens_thing *t = sensors_thing(s, ds->thing);
            char id[24], lv[3][24];
            snprintf(id, sizeof id, "%d", ds->id);
            bool first = true;
            buf_appendf(&b, "%s{", pi->metric);
            put_label(&b, &first, "sensor_id", id);
            put_label(&b, &first, "kind", sensors_kind_info(t->kind)->code);
            put_label(&b, &first, "unit_code", w->units[t->unit].code);
            put_label(&b, &first, "name", ds->name);
            put_label(&b, &first, "station", t->name);
            put_label(&b, &first, "unit", pi->uom_symbol);
            if (ds->prop == PROP_WATER) {
                /* The console's Prometheus adapter reads the alarm levels from these. */
                static const char *const keys[3] = {"bd1", "bd2", "bd3"};
                for (int k = 0; k < 3; k++) {
                    struct buf v = {0};
                    put_number(&v, t->alarm[k]);
                    str_copy(lv[k], v.data, sizeof lv[k]);
                    buf_free(&v);
                    put_label(&b, &first, keys[k], lv[k]);
                }
            }
            buf_appendf(&b, "} ");
            put_number(&b, sensors_value(s, ds, slot));
            buf_appendf(&b, "\n");
        }
    }

    put_family(&b, "citydeck_sim_info", "Simulator version and run parameters.");
    char seed[32], scale[16];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)sensors_seed(s));
    snprintf(scale, sizeof scale, "%g", sensors_scale(s));
    bool first = true;
    buf_appendf(&b, "citydeck_sim_info{");
    put_label(&b, &first, "version", CITYDECK_VERSION);
    put_label(&b, &first, "province", w->province_code);
    put_label(&b, &first, "seed", seed);
    put_label(&b, &first, "scale", scale);
    buf_appendf(&b, "} 1\n");

    put_family(&b, "citydeck_sim_time_seconds", "Simulated time of this response, Unix seconds.");
    buf_appendf(&b, "citydeck_sim_time_seconds %lld\n", (long long)now);
    put_family(&b, "citydeck_sim_observation_time_seconds",
               "Time of the readings above (the latest 5-minute slot), Unix seconds.");
    buf_appendf(&b, "citydeck_sim_observation_time_seconds %lld\n",
                (long long)(slot * SENSORS_INTERVAL));
    put_family(&b, "citydeck_sim_observation_interval_seconds",
               "Simulated seconds between two readings of a sensor.");
    buf_appendf(&b, "citydeck_sim_observation_interval_seconds %d\n", SENSORS_INTERVAL);
    put_family(&b, "citydeck_sim_sensors", "Stations (SensorThings Things) per sensor kind.");
    for (int k = 0; k < SENS_NKINDS; k++)
        buf_appendf(&b, "citydeck_sim_sensors{kind=\"%s\"} %zu\n",
                    sensors_kind_info((enum sens_kind)k)->code,
                    sensors_kind_count(s, (enum sens_kind)k));
    put_family(&b, "citydeck_sim_datastreams", "Series served (SensorThings Datastreams).");
    buf_appendf(&b, "citydeck_sim_datastreams %zu\n", sensors_stream_count(s));
    put_family(&b, "citydeck_sim_episodes_active",
               "Episodes (AQI spike, flood crest) in effect now, forced or random.");
    for (int k = 0; k < EPISODE_NKINDS; k++)
        buf_appendf(&b, "citydeck_sim_episodes_active{kind=\"%s\"} %zu\n",
                    episode_kind_code((enum episode_kind)k),
                    sensors_active_episodes(s, now, (enum episode_kind)k));
    put_family(&b, "citydeck_sim_episode_rate_per_week",
               "Random episodes per simulated week (--episode-rate).");
    buf_appendf(&b, "citydeck_sim_episode_rate_per_week ");
    put_number(&b, sensors_episode_rate(s));
    buf_appendf(&b, "\n");
    return buf_take(&b);
}

static void metrics_advance(void *state, int64_t now)
{
    sensors_advance(state, now);
}

static bool metrics_route(void *state, const struct sim_request *rq, struct sim_response *rs)
{
    if (strcmp(rq->path, "/metrics") != 0)
        return false;
    if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
        rs->status = 405;
        rs->body = xasprintf("%s not allowed on /metrics\n", rq->method);
        rs->content_type = "text/plain; charset=utf-8";
        return true;
    }
    rs->status = 200;
    rs->body = metrics_render(state, rq->now);
    rs->content_type = METRICS_CONTENT_TYPE;
    return true;
}

struct sim_domain metrics_domain(struct sensors *s)
{
    return (struct sim_domain){
        .name = "metrics", .state = s, .advance = metrics_advance, .route = metrics_route};
}
