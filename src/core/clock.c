#include "citydeck/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int64_t clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void clock_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* clock_days_from_civil would quietly turn 2026-02-30 into March 2nd; a hub sending that is broken
 * and its timestamp must not be trusted. */
static bool valid_date(int64_t y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

static int read_digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

int64_t clock_parse_iso(const char *s, int default_offset_s, bool *had_zone)
{
    if (had_zone)
        *had_zone = false;
    if (!s)
        return TIME_NONE;
    while (isspace((unsigned char)*s))
        s++;
    const char *p = s;
    int y = read_digits(&p, 4);
    if (y < 0 || *p++ != '-')
        return TIME_NONE;
    int mo = read_digits(&p, 2);
    if (mo < 1 || mo > 12 || *p++ != '-')
        return TIME_NONE;
    int d = read_digits(&p, 2);
    if (!valid_date(y, mo, d))
        return TIME_NONE;
    int h = 0, mi = 0, sec = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        h = read_digits(&p, 2);
        if (h < 0 || h > 24 || *p++ != ':')
            return TIME_NONE;
        mi = read_digits(&p, 2);
        if (mi < 0 || mi > 59)
            return TIME_NONE;
        if (*p == ':') {
            p++;
            sec = read_digits(&p, 2);
            if (sec < 0 || sec > 60)
                return TIME_NONE;
            if (*p == '.' || *p == ',') {
                p++;
                if (!isdigit((unsigned char)*p))
                    return TIME_NONE;
                while (isdigit((unsigned char)*p))
                    p++;
            }
        }
        /* ISO 8601 allows 24:00:00 (end of day) but no other time in hour 24. */
        if (h == 24 && (mi || sec))
            return TIME_NONE;
    }
    int offset = default_offset_s;
    if (*p == 'Z' || *p == 'z') {
        offset = 0;
        p++;
        if (had_zone)
            *had_zone = true;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        int oh = read_digits(&p, 2);
        if (oh < 0 || oh > 14)
            return TIME_NONE;
        bool colon = *p == ':';
        if (colon)
            p++;
        int om = 0;
        if (colon || isdigit((unsigned char)*p)) { /* "+07:" is not an offset */
            om = read_digits(&p, 2);
            if (om < 0 || om > 59)
                return TIME_NONE;
        }
        offset = sign * (oh * 3600 + om * 60);
        if (had_zone)
            *had_zone = true;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p)
        return TIME_NONE;
    return clock_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
}

void clock_format_iso(int64_t t, int offset_s, char *buf, size_t n)
{
    int64_t local = t + offset_s;
    int64_t days = local / 86400, rem = local % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    int off = offset_s < 0 ? -offset_s : offset_s;
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60), offset_s < 0 ? '-' : '+', off / 3600,
             off / 60 % 60);
}

int64_t clock_parse_http_date(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char wd[4], mon[4];
    int d, y, h, mi, sec, end = -1;
    /* sscanf counts conversions only: without %n a missing or different zone ("PST") and any
     * trailing junk would still match, and %d would take signs. */
    if (!s ||
        sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d GMT%n", wd, &d, mon, &y, &h, &mi, &sec, &end) !=
            7 ||
        end < 0)
        return TIME_NONE;
    while (isspace((unsigned char)s[end]))
        end++;
    if (s[end] || strchr(s, '-') || strchr(s, '+'))
        return TIME_NONE;
    const char *m = strstr(months, mon);
    if (!m || strlen(mon) != 3 || (m - months) % 3)
        return TIME_NONE;
    int mo = (int)(m - months) / 3 + 1;
    if (!valid_date(y, mo, d) || h > 23 || mi > 59 || sec > 60)
        return TIME_NONE;
    return clock_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
}

void clock_format_age(int64_t seconds, char *buf, size_t n)
{
    /* Negating INT64_MIN (TIME_NONE) overflows; an unknown age is shown as such. */
    if (seconds == TIME_NONE) {
        snprintf(buf, n, "?");
        return;
    }
    const char *sign = seconds < 0 ? "-" : "";
    int64_t s = seconds < 0 ? -seconds : seconds;
    if (s < 60)
        snprintf(buf, n, "%s%llds", sign, (long long)s);
    else if (s < 3600)
        snprintf(buf, n, "%s%lldm", sign, (long long)(s / 60));
    else if (s < 86400)
        snprintf(buf, n, "%s%lldh%02lld", sign, (long long)(s / 3600), (long long)(s / 60 % 60));
    else
        snprintf(buf, n, "%s%lldd%02lldh", sign, (long long)(s / 86400),
                 (long long)(s / 3600 % 24));
}
