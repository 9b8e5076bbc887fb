#include "citydeck/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "citydeck/workdays.h"

static bool no_rate(double rate)
{
    return rate < 0 || isnan(rate);
}

void fmt_count(size_t v, char *buf, size_t n)
{
    char raw[32];
    int len = snprintf(raw, sizeof raw, "%zu", v);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = '.';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
}

void fmt_pct(double rate, char *buf, size_t n)
{
    if (no_rate(rate)) {
        str_copy(buf, "–", n);
        return;
    }
    double p = rate * 100.0;
    if (p >= 99.95 && rate < 1.0)
        p = 99.9; /* never round a shortfall up to a clean 100 % */
    int tenths = (int)(p * 10.0 + 0.5);
    if (tenths % 10 == 0)
        snprintf(buf, n, "%d%%", tenths / 10);
    else
        snprintf(buf, n, "%d,%d%%", tenths / 10, tenths % 10);
}

void fmt_pct_fixed(double rate, char *buf, size_t n)
{
    if (no_rate(rate)) {
        str_copy(buf, "–", n);
        return;
    }
    long tenths = lround(rate * 1000);
    snprintf(buf, n, "%ld,%ld%%", tenths / 10, tenths % 10);
}

void fmt_pct_plain(double rate, char *buf, size_t n)
{
    if (no_rate(rate))
        str_copy(buf, "", n);
    else
        snprintf(buf, n, "%.1f", rate * 100.0);
}

void fmt_decimal(double v, int decimals, char *buf, size_t n)
{
    if (!isfinite(v)) {
        str_copy(buf, "–", n);
        return;
    }
    snprintf(buf, n, "%.*f", decimals >= 0 ? decimals : 2, v);
    char *dot = strchr(buf, '.');
    if (dot && decimals < 0) {
        char *end = buf + strlen(buf) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    dot = strchr(buf, '.');
    if (dot)
        *dot = ',';
}

const char *fmt_dash(void)
{
    return text_ascii() ? "-" : "—";
}

void fmt_text(const char *src, char *buf, size_t n)
{
    text_fit(src ? src : "", 1 << 20, buf, n);
}

void fmt_time(int64_t t, int tz, bool year, const char *none, char *buf, size_t n)
{
    if (t == TIME_NONE) {
        str_copy(buf, none, n);
        return;
    }
    int64_t local = t + tz;
    int64_t days = local / 86400 - (local % 86400 < 0);
    int64_t sod = local - days * 86400;
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    if (year)
        snprintf(buf, n, "%02d/%02d/%04d %02d:%02d", d, m, y, (int)(sod / 3600),
                 (int)(sod % 3600 / 60));
    else
        snprintf(buf, n, "%02d/%02d %02d:%02d", d, m, (int)(sod / 3600), (int)(sod % 3600 / 60));
}

/* "3h20", "3h", "45 phút": minutes under a working day. */
static void fmt_minutes(long min, char *buf, size_t n)
{
    if (min >= 60)
        snprintf(buf, n, min % 60 ? "%ldh%02ld" : "%ldh", min / 60, min % 60);
    else
        snprintf(buf, n, "%ld phút", min);
}

void fmt_workdays(double days, char *buf, size_t n)
{
    long tenths = lround(days * 10);
    if (tenths >= 10) {
        if (tenths % 10)
            snprintf(buf, n, "%ld,%ld ngày", tenths / 10, tenths % 10);
        else
            snprintf(buf, n, "%ld ngày", tenths / 10);
        return;
    }
    fmt_minutes(lround(days * WORKDAYS_DAY_SECONDS / 60), buf, n);
}

void fmt_workdays_hours(double days, char *buf, size_t n)
{
    long per_day = WORKDAYS_DAY_SECONDS / 60;
    long min = lround(days * WORKDAYS_DAY_SECONDS / 60);
    long d = min / per_day, rest = min % per_day;
    if (d > 0 && rest / 60 > 0)
        snprintf(buf, n, "%ld ngày %ldh", d, rest / 60);
    else if (d > 0)
        snprintf(buf, n, "%ld ngày", d);
    else
        fmt_minutes(rest, buf, n);
}
