/* Small pieces the simulator's JSON endpoints share: printing a reply and reading query
 * parameters the same way everywhere. */
#ifndef CITYDECK_SIM_REPLY_H
#define CITYDECK_SIM_REPLY_H

#include <cjson/cJSON.h>
#include <stdint.h>

/* cJSON_PrintUnformatted of root, which is deleted. */
char *sim_print_and_free(cJSON *root);

/* A whole decimal number in [lo, hi] into *out; -1 (and *out untouched) if v is not one. */
int sim_parse_long(const char *v, long lo, long hi, long *out);

/* An ISO 8601 date-time (+07:00 when it has no zone), or TIME_NONE. A '+' in an unencoded
 * query string arrives as a space: "08:00:00 07:00" means +07:00. */
int64_t sim_parse_time(const char *v);

#endif
