#include <criterion/criterion.h>
#include <math.h>

#include "citydeck/clock.h"
#include "citydeck/workdays.h"

#define VN CLOCK_VN_OFFSET

static int64_t at(const char *iso)
{
    int64_t t = clock_parse_iso(iso, VN, NULL);
    cr_assert_neq(t, TIME_NONE, "bad test time %s", iso);
    return t;
}

static void assert_time(int64_t got, const char *want)
{
    char buf[40];
    clock_format_iso(got, VN, buf, sizeof buf);
    cr_assert_str_eq(buf, want);
}

Test(workdays, fixed_holidays)
{
    cr_assert(workdays_is_holiday(2026, 1, 1));
    cr_assert(workdays_is_holiday(2026, 4, 30));
    cr_assert(workdays_is_holiday(2026, 5, 1));
    cr_assert(workdays_is_holiday(2026, 9, 2));
    cr_assert_not(workdays_is_holiday(2026, 3, 2));
    cr_assert_not(workdays_is_holiday(2026, 12, 25));
}

Test(workdays, national_day_adjacent_day)
{
    /* 2025: 2/9 a Tuesday, 1/9 a Monday goes with it. */
    cr_assert(workdays_is_holiday(2025, 9, 1));
    cr_assert_not(workdays_is_holiday(2025, 9, 3));
    /* 2024: 1/9 a Sunday, so 3/9 (Tuesday) is the extra day, as announced. */
    cr_assert(workdays_is_holiday(2024, 9, 3));
    cr_assert(workdays_is_holiday(2024, 9, 2));
}

Test(workdays, lunar_holidays)
{
    /* Tết Bính Ngọ 2026: mùng 1 is Tuesday 17/2; eve and mùng 1-4 are off. */
    for (int d = 16; d <= 20; d++)
        cr_assert(workdays_is_holiday(2026, 2, d), "2026-02-%d", d);
    cr_assert_not(workdays_is_holiday(2026, 2, 13));
    cr_assert(workdays_is_workday(2026, 2, 23));
    /* Giỗ Tổ 2025 on Monday 7/4. */
    cr_assert(workdays_is_holiday(2025, 4, 7));
    /* Vietnam's 2030 Tết is 2/2 (China's is 3/2). */
    cr_assert(workdays_is_holiday(2030, 2, 1));
    cr_assert(workdays_is_holiday(2030, 2, 2));
}

Test(workdays, compensation_days)
{
    /* Giỗ Tổ 2026 falls on Sunday 26/4: Monday 27/4 is off. */
    cr_assert(workdays_is_holiday(2026, 4, 27));
    cr_assert_not(workdays_is_workday(2026, 4, 27));
    /* 1/5/2027 is a Saturday: Monday 3/5 is off. */
    cr_assert(workdays_is_holiday(2027, 5, 3));
    /* Tết 2024: mùng 1-2 on the weekend push two days after mùng 4 (Tue 13/2). */
    cr_assert(workdays_is_holiday(2024, 2, 14));
    cr_assert(workdays_is_holiday(2024, 2, 15));
    cr_assert(workdays_is_workday(2024, 2, 16));
}

Test(workdays, weekends_are_not_workdays)
{
    cr_assert(workdays_is_workday(2026, 3, 2));     /* Monday */
    cr_assert_not(workdays_is_workday(2026, 3, 7)); /* Saturday */
    cr_assert_not(workdays_is_workday(2026, 3, 8)); /* Sunday */
    cr_assert_not(workdays_is_holiday(2026, 3, 7)); /* a weekend is not a holiday */
}

Test(workdays, friday_afternoon_plus_one_day_is_monday)
{
    assert_time(workdays_add(at("2026-03-06T16:00:00+07:00"), 1.0, VN),
                "2026-03-09T16:00:00+07:00");
}

Test(workdays, lunch_break_is_skipped)
{
    assert_time(workdays_add(at("2026-03-02T11:00:00+07:00"), 0.25, VN),
                "2026-03-02T14:00:00+07:00");
}

Test(workdays, counting_starts_at_next_working_period)
{
    assert_time(workdays_add(at("2026-03-02T06:00:00+07:00"), 0.5, VN),
                "2026-03-02T12:00:00+07:00");
    assert_time(workdays_add(at("2026-03-02T18:00:00+07:00"), 0.125, VN),
                "2026-03-03T09:00:00+07:00");
    assert_time(workdays_add(at("2026-03-07T10:00:00+07:00"), 0.125, VN),
                "2026-03-09T09:00:00+07:00");
}

Test(workdays, five_days_from_monday_morning_end_friday_evening)
{
    assert_time(workdays_add(at("2026-03-02T08:00:00+07:00"), 5.0, VN),
                "2026-03-06T17:00:00+07:00");
}

Test(workdays, tet_is_skipped)
{
    /* Friday 13/2/2026 16:00: weekend, then Tết 16-20/2, back on Monday 23/2. */
    assert_time(workdays_add(at("2026-02-13T16:00:00+07:00"), 1.0, VN),
                "2026-02-23T16:00:00+07:00");
    cr_assert_float_eq(
        workdays_between(at("2026-02-13T08:00:00+07:00"), at("2026-02-24T08:00:00+07:00"), VN), 2.0,
        1e-9);
}

Test(workdays, fifteen_days_cross_a_holiday)
{
    /* 15 working days from Thursday 16/4/2026 08:00: 27/4 (Giỗ Tổ compensation), 30/4 and
     * 1/5 are off. */
    assert_time(workdays_add(at("2026-04-16T08:00:00+07:00"), 15.0, VN),
                "2026-05-11T17:00:00+07:00");
}

Test(workdays, negative_goes_back)
{
    /* One hour on Monday morning, one on Friday afternoon. */
    assert_time(workdays_add(at("2026-03-09T09:00:00+07:00"), -0.25, VN),
                "2026-03-06T16:00:00+07:00");
    assert_time(workdays_add(at("2026-03-09T16:00:00+07:00"), -1.0, VN),
                "2026-03-06T16:00:00+07:00");
}

Test(workdays, zero_and_nonfinite_leave_time_alone)
{
    int64_t t = at("2026-03-07T22:00:00+07:00");
    cr_assert_eq(workdays_add(t, 0.0, VN), t);
    cr_assert_eq(workdays_add(t, NAN, VN), t);
    cr_assert_eq(workdays_add(t, INFINITY, VN), t);
}

Test(workdays, between_counts_only_working_time)
{
    cr_assert_float_eq(
        workdays_between(at("2026-03-06T16:00:00+07:00"), at("2026-03-09T09:00:00+07:00"), VN),
        0.25, 1e-9);
    cr_assert_float_eq(
        workdays_between(at("2026-03-07T00:00:00+07:00"), at("2026-03-08T23:00:00+07:00"), VN), 0.0,
        1e-9);
    cr_assert_float_eq(
        workdays_between(at("2026-03-02T12:00:00+07:00"), at("2026-03-02T13:00:00+07:00"), VN), 0.0,
        1e-9);
}

Test(workdays, between_is_antisymmetric)
{
    int64_t a = at("2026-03-03T10:30:00+07:00"), b = at("2026-03-12T14:15:00+07:00");
    double ab = workdays_between(a, b, VN);
    cr_assert_gt(ab, 0.0);
    cr_assert_float_eq(workdays_between(b, a, VN), -ab, 1e-12);
}

Test(workdays, between_inverts_add)
{
    static const char *starts[] = {
        "2026-03-02T08:00:00+07:00", "2026-03-06T16:30:00+07:00", "2026-02-12T12:30:00+07:00",
        "2026-04-24T03:00:00+07:00", "2025-12-31T16:59:00+07:00", "2024-02-08T09:10:11+07:00",
    };
    static const double amounts[] = {0.01, 0.125, 0.5, 1.0, 2.75, 5.0, 15.0, 40.0};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        int64_t t = at(starts[i]);
        for (size_t j = 0; j < sizeof amounts / sizeof amounts[0]; j++) {
            int64_t u = workdays_add(t, amounts[j], VN);
            cr_assert_gt(u, t);
            cr_assert_float_eq(workdays_between(t, u, VN), amounts[j], 1.0 / 28800, "%s + %g",
                               starts[i], amounts[j]);
            /* ... and back again from inside working time. */
            int64_t back = workdays_add(u, -amounts[j], VN);
            cr_assert_float_eq(workdays_between(back, u, VN), amounts[j], 1.0 / 28800);
        }
    }
}

Test(workdays, add_lands_inside_working_time)
{
    int64_t t = at("2026-01-02T07:00:00+07:00");
    for (int k = 1; k <= 200; k++) {
        int64_t u = workdays_add(t, k * 0.07, VN);
        int64_t sod = ((u + VN) % 86400 + 86400) % 86400;
        cr_assert((sod >= 8 * 3600 && sod <= 12 * 3600) || (sod >= 13 * 3600 && sod <= 17 * 3600),
                  "step %d landed at second %lld of the day", k, (long long)sod);
    }
}
