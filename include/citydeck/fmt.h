/* Numbers, rates, times and spans as the views write them, the Vietnamese way: "1.234" with a
 * dot between thousands, "97,3%" and "2,5 ngày" with a decimal comma, "02/03 08:00" day first.
 * Every function writes into the caller's buffer (always NUL-terminated, cut at n bytes) and
 * allocates nothing: they run for hundreds of cells a frame. */
#ifndef CITYDECK_FMT_H
#define CITYDECK_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "1.234.567": a count with the Vietnamese thousands separator. */
void fmt_count(size_t v, char *buf, size_t n);

/* A rate in [0, 1] as a percentage: "97,3%", "98%" (",0" dropped); "–" when there is no rate
 * (negative or NaN). A shortfall never rounds up to a clean 100 %: 0.9996 gives "99,9%". */
void fmt_pct(double rate, char *buf, size_t n);

/* As fmt_pct, always with one decimal ("98,0%") and rounded half away from zero, as the
 * 766 reports print it; "–" when there is no rate. */
void fmt_pct_fixed(double rate, char *buf, size_t n);

/* A rate as a plain number for scripts: "97.3" (percent, decimal point, one decimal); "" when
 * there is no rate. */
void fmt_pct_plain(double rate, char *buf, size_t n);

/* v with decimals digits after a decimal comma ("3,25"); decimals < 0: up to two, trailing
 * zeros dropped ("3,2", "3"). "–" when v is not finite. */
void fmt_decimal(double v, int decimals, char *buf, size_t n);

/* The mark of a missing value in a table cell: "—", or "-" in ASCII mode (text_set_ascii). */
const char *fmt_dash(void);

/* Copies remote text (NULL = "") into buf, cut on a grapheme boundary with an ellipsis, never
 * in the middle of a UTF-8 sequence: for text kept in fixed buffers. */
void fmt_text(const char *src, char *buf, size_t n);

/* t (epoch seconds) in local time at UTC offset tz: "02/03 08:00", with year
 * "02/03/2026 08:00"; none (for instance "" or "–") when t is TIME_NONE. */
void fmt_time(int64_t t, int tz, bool year, const char *none, char *buf, size_t n);

/* Working days at the precision one plans with: "2,5 ngày" from one working day up (one
 * decimal, ",0" dropped), "3h20" / "3h" / "45 phút" below. */
void fmt_workdays(double days, char *buf, size_t n);

/* Working days to the hour, for how late something is: "1 ngày 3h", "2 ngày", "5h20",
 * "40 phút". */
void fmt_workdays_hours(double days, char *buf, size_t n);

#endif
