#include "simclock.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include "citydeck/clock.h"

void simclock_init(struct simclock *c, int64_t start, double speed)
{
    c->start = start;
    c->speed = speed;
    c->mono0_ms = clock_mono_ms();
}

int64_t simclock_now(const struct simclock *c)
{
    if (c->speed == 0)
        return c->start;
    double elapsed = (double)(clock_mono_ms() - c->mono0_ms) / 1000.0;
    return c->start + (int64_t)floor(elapsed * c->speed);
}

void simclock_http_date(int64_t t, char *buf, size_t n)
{
    /* Spelled out rather than strftime("%a"), which follows the locale. */
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
