#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *r, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    /* Chain the keys through splitmix so (1,2) and (2,1) give unrelated streams. */
    uint64_t x = 0x243f6a8885a308d3u;
    const uint64_t keys[4] = {a, b, c, d};
    for (int i = 0; i < 4; i++) {
        x ^= keys[i];
        x = splitmix64(&x);
    }
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_uniform(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

double rng_range(struct rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_uniform(r);
}

int rng_int(struct rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    int v = lo + (int)(rng_uniform(r) * ((double)hi - lo + 1));
    return v > hi ? hi : v;
}

bool rng_chance(struct rng *r, double p)
{
    return rng_uniform(r) < p;
}

/* exp(-x) for 0 <= x <= 30 from + and * alone: libm's exp may differ in the last bit
 * between CPUs (FMA or not) and under valgrind, and one bit can flip a Poisson draw. */
static double exp_neg(double x)
{
    int halvings = 0;
    while (x > 0.125) {
        x /= 2;
        halvings++;
    }
    double term = 1.0, sum = 1.0;
    for (int k = 1; k < 20; k++) {
        term *= -x / k;
        sum += term;
    }
    while (halvings-- > 0)
        sum *= sum;
    return sum;
}

int rng_poisson(struct rng *r, double mean)
{
    if (!(mean > 0))
        return 0;
    /* Split large means so exp(-mean) stays representable. */
    int n = 0;
    while (mean > 30) {
        n += rng_poisson(r, 30);
        mean -= 30;
    }
    double limit = exp_neg(mean), p = 1.0;
    for (;;) {
        p *= rng_uniform(r);
        if (p <= limit)
            return n;
        n++;
    }
}

size_t rng_pick(struct rng *r, const double *w, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    double x = rng_uniform(r) * total;
    for (size_t i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

size_t rng_pick_cumulative(struct rng *r, const double *cum, size_t n)
{
    double x = rng_uniform(r) * cum[n - 1];
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x < cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

uint64_t rng_hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3u;
    }
    return h;
}
