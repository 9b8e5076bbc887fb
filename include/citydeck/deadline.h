/* How the views order, word and colour a deadline state (complaints and dossiers alike): the
 * complaint queue, the dossier list and the unit detail agree on all three. */
#ifndef CITYDECK_DEADLINE_H
#define CITYDECK_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/complaints.h"
#include "citydeck/theme.h"

/* The colour of a deadline state: overdue bad, due soon warn, in time ok, none dim. */
enum theme_role deadline_role(enum deadline_state s);

/* The time to or past due as a table cell: "quá 2d03", "sắp 5h00", "còn 3d" (clock_format_age);
 * "chưa có hạn" for DL_NONE or no due; "quá hạn" when late by rule before the date (a second
 * supplement request counts late, 766 §2.1). */
void deadline_text(enum deadline_state s, int64_t due, int64_t now, char *buf, size_t n);

/* The queue order, most urgent first: overdue 0, then urgent (khẩn) 1, due soon 2, in time 3,
 * no deadline 4. */
int deadline_rank(enum deadline_state s, bool urgent);

#endif
