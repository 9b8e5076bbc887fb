/* What the list views (dossiers, complaints, indicators, sensors, units, alerts) do alike
 * around their list: presets named on the command line, numeric columns that sort with the
 * missing values last, and Enter on a record opening its detail view. */
#ifndef CITYDECK_LISTVIEW_H
#define CITYDECK_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "citydeck/keys.h"

struct list;
struct nav_request;

/* The index of arg in a NULL-ended list of presets; -1 when arg is NULL or not one of them. */
int listview_preset(const char *const *presets, const char *arg);

/* The breadcrumb of a preset: words[i] for presets[i] == arg; buf untouched otherwise. */
void listview_crumb(const char *const *presets, const char *const *words, const char *arg,
                    char *buf, size_t n);

/* Numbers ascending with the missing ones (NaN) last. */
int listview_cmp_num(double a, double b);

/* listview_cmp_num for a sort column of l: the list negates a descending comparison, so the
 * sign for the missing ones is flipped back and they stay last either way. */
int listview_cmp_col(const struct list *l, double a, double b);

/* Enter on a list of records: asks for view with the selected item's key (its record id) as
 * the argument. Returns whether a was handled (Enter, even on an empty list). */
bool listview_open(const struct list *l, enum action a, const char *view, struct nav_request *req);

#endif
