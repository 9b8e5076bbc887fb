/* The simulated province: its communes and wards from the bundled unit list, each with a
 * synthetic population and centroid. Read-only once loaded. */
#ifndef CITYDECK_SIM_WORLD_H
#define CITYDECK_SIM_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "route.h"

enum unit_kind { UNIT_PHUONG, UNIT_XA, UNIT_DAC_KHU };

struct unit {
    char *code;       /* "21025" */
    char *name;       /* "Cẩm Thành" */
    char *full_name;  /* "Phường Cẩm Thành" */
    char *type;       /* "Phường", "Xã", "Đặc khu" as in the list */
    char *lower_full; /* "phường Cẩm Thành", for use inside a sentence */
    enum unit_kind kind;
    int population;
    double lat, lon;
};

struct world {
    char *province_code;  /* "51" */
    char *province_name;  /* "Tỉnh Quảng Ngãi" */
    char *province_short; /* "Quảng Ngãi" */
    char *province_lower; /* "tỉnh Quảng Ngãi" */
    struct unit *units;
    size_t nunits;
    int64_t population;
    double *cum_population; /* running sum, for picking a unit by population */
};

/* Reads the unit list (CSV with the columns province_code, province_name, unit_code,
 * unit_type, unit_name, unit_full_name) and keeps the units of province (a code such as
 * "51"; "5" also matches "05"). Returns NULL with a message in err when the file cannot be
 * read or the province is not in it. Populations and centroids are a pure function of the
 * unit codes, so every run and every seed sees the same geography. */
struct world *world_load(const char *path, const char *province, char *err, size_t errsz);
void world_free(struct world *w);

/* GET /units.json: {"province":{"code","name"},"units":[...]}. Returns a malloc'd string. */
char *world_to_json(const struct world *w);
/* The unit list as a server domain (/units.json). */
struct sim_domain world_domain(const struct world *w);

#endif
