#include "citydeck/workdays.h"

#include "citydeck/clock.h"

#include <math.h>
#include <stddef.h>

/*
 * Public holidays, Bộ luật Lao động 2019 (45/2019/QH14), Điều 112, khoản 1:
 *   Tết Dương lịch 1/1; Tết Âm lịch 5 ngày; Chiến thắng 30/4; Quốc tế lao động 1/5;
 *   Quốc khánh 2/9 and one adjacent day (1/9 or 3/9); Giỗ Tổ Hùng Vương 10/3 âm lịch.
 * Điều 111, khoản 3: a holiday on the weekly rest day is compensated on the next working day.
 *
 * Which five days make Tết and which of 1/9 or 3/9 goes with Quốc khánh are fixed each year
 * by the Prime Minister; civil servants often also swap a working day to build a longer
 * block. Those announcements are not modelled. This table takes the statutory reading:
 * Tết = the last day of the lunar year and mùng 1-4; Quốc khánh takes 1/9 unless 1/9 is a
 * weekend, then 3/9 (as announced for 2024 and 2025).
 *
 * Lunar dates (solar calendar, Vietnam time UTC+7) were computed with Hồ Ngọc Đức's
 * published algorithm for the Vietnamese calendar (convertLunar2Solar, time zone 7) and
 * checked against the announced dates of 2024 (Tết 10/2, Giỗ Tổ 18/4), 2025 (29/1, 7/4) and
 * 2026 (17/2, 26/4). 2030's Tết is 2/2 in Vietnam (3/2 in China: the new moon falls before
 * midnight at UTC+7 only).
 */
static const struct {
    int year;
    int tet_m, tet_d;   /* mùng 1 Tết */
    int hung_m, hung_d; /* 10/3 âm lịch */
} lunar_table[] = {
    {2024, 2, 10, 4, 18}, {2025, 1, 29, 4, 7},  {2026, 2, 17, 4, 26}, {2027, 2, 6, 4, 16},
    {2028, 1, 26, 4, 4},  {2029, 2, 13, 4, 23}, {2030, 2, 2, 4, 12},
};

#define DAY 86400
#define MORNING_START (8 * 3600)
#define MORNING_END (12 * 3600)
#define AFTERNOON_START (13 * 3600)
#define AFTERNOON_END (17 * 3600)

static const int periods[2][2] = {{MORNING_START, MORNING_END}, {AFTERNOON_START, AFTERNOON_END}};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_weekend(int64_t dn)
{
    int64_t wd = (dn % 7 + 7 + 4) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
    return wd == 0 || wd == 6;
}

/* The days off of one year (holidays and compensation), as day numbers. Cheap enough to
 * rebuild per call; callers walking many days keep one in a local cache. */
struct year_off {
    int year;
    int n;
    int64_t days[24];
};

static bool in_list(const int64_t *days, int n, int64_t dn)
{
    for (int i = 0; i < n; i++)
        if (days[i] == dn)
            return true;
    return false;
}

static void year_off_build(struct year_off *yo, int y)
{
    int64_t hol[16];
    int n = 0;
    hol[n++] = clock_days_from_civil(y, 1, 1);
    hol[n++] = clock_days_from_civil(y, 4, 30);
    hol[n++] = clock_days_from_civil(y, 5, 1);
    int64_t qk = clock_days_from_civil(y, 9, 2);
    hol[n++] = qk;
    hol[n++] = is_weekend(qk - 1) ? qk + 1 : qk - 1;
    for (size_t i = 0; i < sizeof lunar_table / sizeof lunar_table[0]; i++) {
        if (lunar_table[i].year != y)
            continue;
        int64_t tet = clock_days_from_civil(y, lunar_table[i].tet_m, lunar_table[i].tet_d);
        for (int k = -1; k <= 3; k++)
            hol[n++] = tet + k;
        hol[n++] = clock_days_from_civil(y, lunar_table[i].hung_m, lunar_table[i].hung_d);
    }
    /* Sort so compensation days are handed out in calendar order. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && hol[j - 1] > hol[j]; j--) {
            int64_t t = hol[j];
            hol[j] = hol[j - 1];
            hol[j - 1] = t;
        }
    yo->year = y;
    yo->n = 0;
    for (int i = 0; i < n; i++)
        yo->days[yo->n++] = hol[i];
    for (int i = 0; i < n; i++) {
        if (!is_weekend(hol[i]))
            continue;
        int64_t c = hol[i] + 1;
        while (is_weekend(c) || in_list(yo->days, yo->n, c))
            c++;
        yo->days[yo->n++] = c;
    }
}

static bool day_off(struct year_off *cache, int64_t dn)
{
    int y, m, d;
    clock_civil_from_days(dn, &y, &m, &d);
    if (cache->year != y)
        year_off_build(cache, y);
    return in_list(cache->days, cache->n, dn);
}

static bool workday(struct year_off *cache, int64_t dn)
{
    return !is_weekend(dn) && !day_off(cache, dn);
}

bool workdays_is_holiday(int y, int m, int d)
{
    struct year_off yo = {.year = 0};
    return day_off(&yo, clock_days_from_civil(y, m, d));
}

bool workdays_is_workday(int y, int m, int d)
{
    struct year_off yo = {.year = 0};
    return workday(&yo, clock_days_from_civil(y, m, d));
}

int64_t workdays_add(int64_t t, double working_days, int offset_s)
{
    if (!isfinite(working_days))
        return t;
    int64_t left = (int64_t)llround(working_days * WORKDAYS_DAY_SECONDS);
    if (left == 0)
        return t;
    struct year_off cache = {.year = 0};
    int64_t local = t + offset_s;
    int64_t dn = floor_div(local, DAY);
    int64_t sod = local - dn * DAY;
    /* Bounds the walk: a working day in every 3 calendar days is a generous minimum. */
    int64_t budget = (left < 0 ? -left : left) / WORKDAYS_DAY_SECONDS * 3 + 400;
    if (left > 0) {
        for (; budget-- > 0; dn++, sod = 0) {
            if (!workday(&cache, dn))
                continue;
            for (int p = 0; p < 2; p++) {
                if (sod >= periods[p][1])
                    continue;
                int64_t from = sod > periods[p][0] ? sod : periods[p][0];
                int64_t avail = periods[p][1] - from;
                if (left <= avail)
                    return dn * DAY + from + left - offset_s;
                left -= avail;
                sod = periods[p][1];
            }
        }
    } else {
        left = -left;
        for (; budget-- > 0; dn--, sod = DAY) {
            if (!workday(&cache, dn))
                continue;
            for (int p = 1; p >= 0; p--) {
                if (sod <= periods[p][0])
                    continue;
                int64_t to = sod < periods[p][1] ? sod : periods[p][1];
                int64_t avail = to - periods[p][0];
                if (left <= avail)
                    return dn * DAY + to - left - offset_s;
                left -= avail;
                sod = periods[p][0];
            }
        }
    }
    return t;
}

double workdays_between(int64_t a, int64_t b, int offset_s)
{
    if (b < a)
        return -workdays_between(b, a, offset_s);
    struct year_off cache = {.year = 0};
    int64_t la = a + offset_s, lb = b + offset_s;
    int64_t secs = 0;
    for (int64_t dn = floor_div(la, DAY); dn * DAY < lb; dn++) {
        if (!workday(&cache, dn))
            continue;
        for (int p = 0; p < 2; p++) {
            int64_t from = dn * DAY + periods[p][0], to = dn * DAY + periods[p][1];
            if (from < la)
                from = la;
            if (to > lb)
                to = lb;
            if (to > from)
                secs += to - from;
        }
    }
    return (double)secs / WORKDAYS_DAY_SECONDS;
}
