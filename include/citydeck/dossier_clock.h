/* A dossier's clock as the dossier views (the list, dossiers.c, and the detail,
 * dossier_detail.c) read it: the working time allowed, the time left or over, in words. The
 * clock stops while the dossier waits for a supplement or a fee and at its end. */
#ifndef CITYDECK_DOSSIER_CLOCK_H
#define CITYDECK_DOSSIER_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/dossiers.h"
#include "citydeck/theme.h"

/* The instant the clock is read at: where it stopped while paused, its end once finished, now
 * otherwise. */
int64_t dossier_clock_ref(const struct dossier *d, int64_t now);

/* Working days allowed: the legal time, or what the dates say when the hub did not send it
 * (less the pauses so far); 0 when neither is known. */
double dossier_clock_allowed(const struct dossier *d, int tz);

/* Working days from the clock's instant to the due date (negative: past it). The dossier must
 * have a due date. */
double dossier_clock_left(const struct dossier *d, int64_t now, int tz);

/* The time left in words: "còn 2,5 ngày" / "quá 1 ngày 3h" while open, "sớm 1,5 ngày" /
 * "trễ 3h" once finished. */
void dossier_clock_words(double left, bool open, char *buf, size_t n);

/* The colour of a finished dossier's timeliness: late bad, unknown dim, else ok. */
enum theme_role dossier_clock_timeliness_role(enum dossier_timeliness t);

#endif
