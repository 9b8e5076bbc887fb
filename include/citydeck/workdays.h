/* Vietnamese working days: public holidays and working-time arithmetic for deadlines.
 *
 * Deadlines for dossiers and complaints count working time: Monday to Friday, 08:00-12:00
 * and 13:00-17:00 local time (8 working hours = 1 working day), minus public holidays and
 * the compensatory days off when a holiday falls on a weekend (Labour Code 2019, Art. 111-112).
 * Pure C: no I/O, no global state. */
#ifndef CITYDECK_WORKDAYS_H
#define CITYDECK_WORKDAYS_H

#include <stdbool.h>
#include <stdint.h>

/* Working seconds in one working day. */
#define WORKDAYS_DAY_SECONDS (8 * 3600)

/* True for a public holiday or a compensatory day off (nghỉ bù). Tết and Giỗ Tổ Hùng Vương
 * follow the lunar calendar and are known for 2024-2030 only; other years get the solar
 * holidays alone. */
bool workdays_is_holiday(int y, int m, int d);

/* True for a working day: Monday-Friday and not a holiday. */
bool workdays_is_workday(int y, int m, int d);

/* The instant reached after adding working_days of working time (negative goes back) to t
 * (epoch seconds), with local time at UTC offset offset_s. From outside working hours the
 * count starts at the next working period. Exhausting the time exactly at the end of a
 * period gives that end (17:00, not 08:00 the next working day). */
int64_t workdays_add(int64_t t, double working_days, int offset_s);

/* Working days between a and b (negative if b < a). */
double workdays_between(int64_t a, int64_t b, int offset_s);

#endif
