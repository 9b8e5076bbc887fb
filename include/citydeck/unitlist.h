/* Unit list adapters: a hub's /units.json, or the bundled national CSV. Pure C. */
#ifndef CITYDECK_UNITLIST_H
#define CITYDECK_UNITLIST_H

#include <stddef.h>

#include "citydeck/units.h"

/* {"province":{"code","name"},"units":[{"code","name","full_name","type","population","lat",
 * "lon"[,"parent"]}]}, a bare array of such units, or an older tree
 * {"province":..,"districts":[{"code","name","units":[...]}]}. NULL with err on failure. */
struct unit_batch *unitlist_parse_json(const char *body, size_t len, char *err, size_t errsz);

/* The bundled CSV (province_code, province_name, unit_code, unit_type, unit_name,
 * unit_full_name, ...): the units of one province ("51"; "5" matches "05"). */
struct unit_batch *unitlist_parse_csv(const char *text, size_t len, const char *province, char *err,
                                      size_t errsz);

/* Reads the bundled list from the installed or source data folder for one province. */
struct unit_batch *unitlist_load_bundled(const char *province, char *err, size_t errsz);

#endif
