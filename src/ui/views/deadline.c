#include "citydeck/deadline.h"

#include <stdio.h>

#include "citydeck/clock.h"
#include "citydeck/util.h"

enum theme_role deadline_role(enum deadline_state s)
{
    return s == DL_OVERDUE ? TH_BAD : s == DL_DUE_SOON ? TH_WARN : s == DL_OK ? TH_OK : TH_DIM;
}

void deadline_text(enum deadline_state s, int64_t due, int64_t now, char *buf, size_t n)
{
    char age[32];
    if (s == DL_NONE || due == TIME_NONE) {
        str_copy(buf, "chưa có hạn", n);
        return;
    }
    if (s == DL_OVERDUE && due > now) {
        str_copy(buf, "quá hạn", n);
        return;
    }
    clock_format_age(s == DL_OVERDUE ? now - due : due - now, age, sizeof age);
    snprintf(buf, n, "%s %s", s == DL_OVERDUE ? "quá" : s == DL_DUE_SOON ? "sắp" : "còn", age);
}

int deadline_rank(enum deadline_state s, bool urgent)
{
    if (s == DL_OVERDUE)
        return 0;
    if (urgent)
        return 1;
    if (s == DL_DUE_SOON)
        return 2;
    return s == DL_NONE ? 4 : 3;
}
