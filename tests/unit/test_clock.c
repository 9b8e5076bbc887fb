/* Time: the ISO 8601 and HTTP-date forms hubs send, formatting, short ages. */
#include "citydeck/clock.h"

#include <criterion/criterion.h>
#include <string.h>

/* 2026-03-02T08:00:00+07:00 == 2026-03-02T01:00:00Z */
#define T0 INT64_C(1772413200)
#define VN CLOCK_VN_OFFSET

static int64_t parse(const char *s, int def, bool *zone)
{
    return clock_parse_iso(s, def, zone);
}

/* --- clock_parse_iso ---------------------------------------------------------------------- */

Test(clock, iso_with_offset_colon)
{
    bool zone = false;
    cr_assert_eq(parse("2026-03-02T08:00:00+07:00", 0, &zone), T0);
    cr_assert(zone);
}

Test(clock, iso_zulu)
{
    bool zone = false;
    cr_assert_eq(parse("2026-03-02T01:00:00Z", VN, &zone), T0);
    cr_assert(zone);
    cr_assert_eq(parse("2026-03-02t01:00:00z", VN, NULL), T0);
}

Test(clock, iso_offset_without_colon_and_hours_only)
{
    bool zone = false;
    cr_assert_eq(parse("2026-03-02T08:00:00+0700", 0, &zone), T0);
    cr_assert(zone);
    cr_assert_eq(parse("2026-03-02T08:00:00+07", 0, NULL), T0);
    cr_assert_eq(parse("2026-03-01T20:30:00-0430", 0, NULL), T0);
    cr_assert_eq(parse("2026-03-01T20:30:00-04:30", 0, NULL), T0);
    cr_assert_eq(parse("2026-03-02T01:00:00+00:00", VN, NULL), T0);
}

Test(clock, iso_without_zone_uses_default)
{
    bool zone = true;
    cr_assert_eq(parse("2026-03-02T08:00:00", VN, &zone), T0);
    cr_assert_not(zone);
    cr_assert_eq(parse("2026-03-02T01:00:00", 0, &zone), T0);
    cr_assert_not(zone);
    cr_assert_eq(parse("2026-03-02 08:00:00", VN, NULL), T0, "a space for T, as SQL dumps do");
}

Test(clock, iso_without_seconds)
{
    cr_assert_eq(parse("2026-03-02T08:00", VN, NULL), T0);
    cr_assert_eq(parse("2026-03-02T08:00+07:00", 0, NULL), T0);
}

Test(clock, iso_fractions_are_truncated)
{
    cr_assert_eq(parse("2026-03-02T08:00:00.999+07:00", 0, NULL), T0);
    cr_assert_eq(parse("2026-03-02T08:00:00,5Z", 0, NULL), T0 + 7 * 3600);
    cr_assert_eq(parse("2026-03-02T08:00:00.123456789", VN, NULL), T0);
}

Test(clock, iso_date_only)
{
    bool zone = true;
    /* Midnight local time: 2026-03-02T00:00+07:00 is 2026-03-01T17:00Z. */
    cr_assert_eq(parse("2026-03-02", VN, &zone), INT64_C(1772384400));
    cr_assert_not(zone);
    cr_assert_eq(parse("2026-03-02", 0, NULL), INT64_C(1772409600));
}

Test(clock, iso_whitespace_around)
{
    cr_assert_eq(parse("  2026-03-02T08:00:00+07:00 \n", 0, NULL), T0);
}

Test(clock, iso_leap_day_and_epoch_edges)
{
    cr_assert_eq(parse("2024-02-29T12:00:00Z", 0, NULL), INT64_C(1709208000));
    cr_assert_eq(parse("1970-01-01T00:00:00Z", VN, NULL), 0);
    cr_assert_eq(parse("1969-12-31T23:59:59Z", VN, NULL), -1);
    cr_assert_eq(parse("2026-03-02T24:00:00Z", 0, NULL), INT64_C(1772496000),
                 "24:00 is the end of the day");
}

Test(clock, iso_garbage_is_none)
{
    const char *bad[] = {
        "",
        "   ",
        "garbage",
        "2026",
        "2026-03",
        "26-03-02",
        "2026/03/02",
        "2026-3-2",
        "2026-13-01",
        "2026-00-10",
        "2026-03-00",
        "2026-03-32",
        "2026-02-30", /* no such day */
        "2025-02-29", /* not a leap year */
        "2026-04-31",
        "2026-03-02T",
        "2026-03-02T8:00",
        "2026-03-02T25:00:00Z",
        "2026-03-02T24:30:00Z", /* only 24:00:00 is allowed */
        "2026-03-02T08:60:00Z",
        "2026-03-02T08:00:61Z",
        "2026-03-02T08:00:00.",
        "2026-03-02T08:00:00.Z",
        "2026-03-02T08:00:00+7",
        "2026-03-02T08:00:00+070",
        "2026-03-02T08:00:00+07:",
        "2026-03-02T08:00:00+15:00",
        "2026-03-02T08:00:00+07:60",
        "2026-03-02T08:00:00 +07:00",
        "2026-03-02T08:00:00Zjunk",
        "2026-03-02T08:00:00+07:00x",
        "2026-03-02T08:00:00GMT",
        NULL,
    };
    for (int i = 0; bad[i]; i++) {
        bool zone = true;
        cr_assert_eq(parse(bad[i], VN, &zone), TIME_NONE, "'%s' should not parse", bad[i]);
    }
    bool zone = true;
    cr_assert_eq(parse(NULL, VN, &zone), TIME_NONE);
    cr_assert_not(zone);
}

/* --- clock_format_iso ------------------------------------------------------------------- */

Test(clock, format_iso)
{
    char buf[40];
    clock_format_iso(T0, VN, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-03-02T08:00:00+07:00");
    clock_format_iso(T0, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-03-02T01:00:00+00:00");
    clock_format_iso(T0, -(4 * 3600 + 30 * 60), buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-03-01T20:30:00-04:30");
    clock_format_iso(-1, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "1969-12-31T23:59:59+00:00");
    clock_format_iso(0, VN, buf, sizeof buf);
    cr_assert_str_eq(buf, "1970-01-01T07:00:00+07:00");
}

Test(clock, format_iso_truncates_safely)
{
    char buf[11];
    clock_format_iso(T0, VN, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-03-02");
}

Test(clock, format_parse_round_trip)
{
    const int offsets[] = {0, VN, -5 * 3600, 5 * 3600 + 45 * 60, -(9 * 3600 + 30 * 60)};
    const int64_t times[] = {
        0, T0, -86400 * 365 + 17, INT64_C(4102444799), 951782400, 1709208000 + 3599};
    for (size_t o = 0; o < sizeof offsets / sizeof *offsets; o++) {
        for (size_t t = 0; t < sizeof times / sizeof *times; t++) {
            char buf[40];
            clock_format_iso(times[t], offsets[o], buf, sizeof buf);
            bool zone = false;
            cr_assert_eq(clock_parse_iso(buf, 12345, &zone), times[t], "%s", buf);
            cr_assert(zone);
        }
    }
}

/* --- clock_parse_http_date --------------------------------------------------------------- */

Test(clock, http_date)
{
    cr_assert_eq(clock_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), INT64_C(784111777));
    cr_assert_eq(clock_parse_http_date("Mon, 02 Mar 2026 01:00:00 GMT"), T0);
    cr_assert_eq(clock_parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"), INT64_C(1709208000));
}

Test(clock, http_date_garbage_is_none)
{
    const char *bad[] = {
        "",
        "yesterday",
        "Sun, 06 Nov 1994 08:49:37",     /* no zone */
        "Sun, 06 Nov 1994 08:49:37 PST", /* HTTP dates are always GMT */
        "Sun, 06 Nov 1994 08:49:37 GMTx",
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
        "Sun, 06 nov 1994 08:49:37 GMT", /* month names are case-sensitive */
        "Sun, 06 Nox 1994 08:49:37 GMT",
        "Sun, 06 ovN 1994 08:49:37 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT", /* November has 30 days */
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 -1:49:37 GMT",
        "Sun, 06 Nov 1994 08:-4:37 GMT",
        "Sun, 06 Nov 1994 08:49:-7 GMT",
        "Sun, 06 Nov 1994 08:60:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT", /* RFC 850: obsolete, not accepted */
        "2026-03-02T08:00:00Z",
        NULL,
    };
    for (int i = 0; bad[i]; i++)
        cr_assert_eq(clock_parse_http_date(bad[i]), TIME_NONE, "'%s' should not parse", bad[i]);
    cr_assert_eq(clock_parse_http_date(NULL), TIME_NONE);
}

/* --- clock_format_age ------------------------------------------------------------------- */

static void expect_age(int64_t s, const char *want)
{
    char buf[32];
    clock_format_age(s, buf, sizeof buf);
    cr_assert_str_eq(buf, want, "age(%lld)", (long long)s);
}

Test(clock, format_age)
{
    expect_age(0, "0s");
    expect_age(59, "59s");
    expect_age(60, "1m");
    expect_age(3599, "59m");
    expect_age(3600, "1h00");
    expect_age(2 * 3600 + 5 * 60 + 59, "2h05");
    expect_age(86399, "23h59");
    expect_age(86400, "1d00h");
    expect_age(4 * 86400 + 3 * 3600, "4d03h");
    expect_age(-180, "-3m");
    expect_age(-59, "-59s");
    expect_age(-(2 * 3600 + 5 * 60), "-2h05");
}

Test(clock, format_age_extremes)
{
    char buf[32];
    /* TIME_NONE must not overflow on negation (UB) and still give a short cell. */
    clock_format_age(TIME_NONE, buf, sizeof buf);
    cr_assert_str_eq(buf, "?");
    clock_format_age(INT64_MAX, buf, sizeof buf);
    cr_assert_lt(strlen(buf), sizeof buf);
    char small[3];
    clock_format_age(4 * 86400, small, sizeof small);
    cr_assert_str_eq(small, "4d");
}

/* --- clocks ------------------------------------------------------------------------------ */

Test(clock, wall_and_mono)
{
    int64_t w = clock_wall_ms();
    cr_assert_gt(w, INT64_C(1704067200000), "after 2024-01-01");
    int64_t a = clock_mono_ms(), b = clock_mono_ms();
    cr_assert_geq(b, a);
}
