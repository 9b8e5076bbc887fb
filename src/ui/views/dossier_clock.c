#include "citydeck/dossier_clock.h"

#include <stdio.h>

#include "citydeck/clock.h"
#include "citydeck/fmt.h"
#include "citydeck/workdays.h"

int64_t dossier_clock_ref(const struct dossier *d, int64_t now)
{
    if (d->finished != TIME_NONE)
        return d->finished;
    return d->paused_since != TIME_NONE ? d->paused_since : now;
}

double dossier_clock_allowed(const struct dossier *d, int tz)
{
    if (d->legal_days > 0)
        return d->legal_days;
    if (d->received == TIME_NONE || d->due == TIME_NONE)
        return 0;
    return workdays_between(d->received, d->due, tz) - (double)d->paused_s / WORKDAYS_DAY_SECONDS;
}

double dossier_clock_left(const struct dossier *d, int64_t now, int tz)
{
    return workdays_between(dossier_clock_ref(d, now), d->due, tz);
}

void dossier_clock_words(double left, bool open, char *buf, size_t n)
{
    char span[48];
    if (left >= 0)
        fmt_workdays(left, span, sizeof span);
    else
        fmt_workdays_hours(-left, span, sizeof span);
    snprintf(buf, n, "%s %s", open ? (left >= 0 ? "còn" : "quá") : (left >= 0 ? "sớm" : "trễ"),
             span);
}

enum theme_role dossier_clock_timeliness_role(enum dossier_timeliness t)
{
    return t == DTL_LATE ? TH_BAD : t == DTL_NONE ? TH_DIM : TH_OK;
}
