/* The indicator period the summary views (overview, units, unit detail) report on when the
 * operator has not picked one. */
#ifndef CITYDECK_PERIOD_H
#define CITYDECK_PERIOD_H

struct indicator_store;

/* The latest period (indicator_period_cmp order) in which any indicator has an actual; NULL
 * when none has. The string is the store's: valid until its next merge. */
const char *period_latest(const struct indicator_store *s);

#endif
