/* Time: wall clock, monotonic clock, ISO 8601 parsing and formatting, hub clock offset. */
#ifndef CITYDECK_CLOCK_H
#define CITYDECK_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the epoch / since an arbitrary point (monotonic). */
int64_t clock_wall_ms(void);
int64_t clock_mono_ms(void);

#define TIME_NONE INT64_MIN

/* Parses the W3C/ISO 8601 forms hubs send: date, date-time with or without seconds,
 * fractions, 'Z', ±HH:MM, ±HHMM, or no zone (then default_offset_s is applied and *had_zone
 * is false). Returns seconds since the epoch or TIME_NONE. */
int64_t clock_parse_iso(const char *s, int default_offset_s, bool *had_zone);

/* Formats t (epoch seconds) at UTC offset offset_s as "2026-03-02T08:00:00+07:00". */
void clock_format_iso(int64_t t, int offset_s, char *buf, size_t n);

/* Parses an HTTP date (RFC 7231 IMF-fixdate); TIME_NONE if not one. */
int64_t clock_parse_http_date(const char *s);

/* "3m", "2h05", "4d" style short durations for table cells (negative gives "-3m"). */
void clock_format_age(int64_t seconds, char *buf, size_t n);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's
 * days_from_civil / civil_from_days). No range check: 2026-02-30 counts on into March, so
 * callers reading untrusted dates validate them first. */
int64_t clock_days_from_civil(int64_t y, int m, int d);
void clock_civil_from_days(int64_t days, int *y, int *m, int *d);

/* Vietnam's offset: hubs and operators work in ICT (UTC+7). */
#define CLOCK_VN_OFFSET (7 * 3600)

#endif
