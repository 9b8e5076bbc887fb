/* Vietnamese wording of the simulated complaints: where they happen, what citizens write,
 * who handles them, why some are turned down. */
#ifndef CITYDECK_SIM_PHRASES_H
#define CITYDECK_SIM_PHRASES_H

#include "rng.h"
#include "services.h"
#include "world.h"

/* Where one complaint happens. */
struct place {
    const struct world *world;
    const struct unit *unit;
    int area_no;      /* thôn N (communes) or tổ dân phố N (wards) */
    char street[96];  /* "đường Hùng Vương", or a rural road */
    const char *spot; /* "tại khu vực chợ": a prepositional phrase */
};

void phrases_place(struct rng *r, const struct world *w, const struct unit *u, struct place *p);

/* Expands a template's placeholders (see struct phrase). Returns a new string. */
char *phrases_expand(struct rng *r, const char *tmpl, const struct place *p);

/* One to three sentences: the issue, maybe a detail, maybe a request. *agency receives the
 * specialist the issue belongs to. Returns a new string. */
char *phrases_description(struct rng *r, const struct service *s, const struct place *p,
                          enum agency_kind *agency);

/* "Tổ dân phố 3, Phường Cẩm Thành, Tỉnh Quảng Ngãi". Returns a new string. */
char *phrases_address(const struct place *p);

/* The handling unit: mostly the commune's People's Committee, otherwise the specialist.
 * Returns a new string. */
char *phrases_agency(struct rng *r, enum agency_kind specialist, const struct place *p);

/* The centre that receives and routes complaints before a unit is assigned. */
char *phrases_ioc_name(const struct world *w);

const char *phrases_reject_reason(struct rng *r);

#endif
