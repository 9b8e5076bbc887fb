/* The simulated clock: sim_now = start + real elapsed time * speed. Speed 0 freezes the hub
 * at its start, which is what makes test runs byte-for-byte repeatable. */
#ifndef CITYDECK_SIM_SIMCLOCK_H
#define CITYDECK_SIM_SIMCLOCK_H

#include <stddef.h>
#include <stdint.h>

struct simclock {
    int64_t start;    /* simulated epoch seconds at mono0 */
    double speed;     /* simulated seconds per real second */
    int64_t mono0_ms; /* monotonic clock when the hub started */
};

void simclock_init(struct simclock *c, int64_t start, double speed);
/* Simulated epoch seconds now. */
int64_t simclock_now(const struct simclock *c);

/* Formats t as an RFC 7231 IMF-fixdate ("Mon, 02 Mar 2026 01:00:00 GMT"). */
void simclock_http_date(int64_t t, char *buf, size_t n);

#endif
