/* A seeded PRNG (xoshiro256**, seeded through splitmix64). Every random choice in the
 * simulator comes from a stream keyed by what it decides, never from a shared stream, so the
 * hub's state at a simulated instant does not depend on the order of requests. */
#ifndef CITYDECK_SIM_RNG_H
#define CITYDECK_SIM_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Seeds a stream from a tuple of keys (e.g. seed, province, hour, index). */
void rng_seed(struct rng *r, uint64_t a, uint64_t b, uint64_t c, uint64_t d);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, 1). */
double rng_uniform(struct rng *r);
/* Uniform in [lo, hi). */
double rng_range(struct rng *r, double lo, double hi);
/* Uniform integer in [lo, hi]. */
int rng_int(struct rng *r, int lo, int hi);
bool rng_chance(struct rng *r, double p);
/* Poisson-distributed count (Knuth's method: fine for the small means used here). */
int rng_poisson(struct rng *r, double mean);
/* Index i with probability w[i] / sum(w). */
size_t rng_pick(struct rng *r, const double *w, size_t n);
/* Index into a cumulative weight table (cum[n-1] is the total), by binary search. */
size_t rng_pick_cumulative(struct rng *r, const double *cum, size_t n);
/* A uniformly chosen element of a string table. */
#define RNG_ITEM(r, table) ((table)[rng_int((r), 0, (int)(sizeof(table) / sizeof((table)[0])) - 1)])

/* FNV-1a, for keying streams by a string such as a unit code. */
uint64_t rng_hash(const void *data, size_t len);

#endif
