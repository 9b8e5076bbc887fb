#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/poller.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

static const struct view_ops *const top_views[] = {
    &overview_view_ops,   &units_view_ops,   &dossiers_view_ops, &complaints_view_ops,
    &indicators_view_ops, &sensors_view_ops, &alerts_view_ops,
};

static const struct view_ops *const detail_views[] = {
    &dossier_view_ops,
    &complaint_view_ops,
    &sensor_view_ops,
    &unit_view_ops,
};

const struct view_ops *view_at(size_t i)
{
    return i < ARRAY_LEN(top_views) ? top_views[i] : NULL;
}

size_t view_count(void)
{
    return ARRAY_LEN(top_views);
}

const struct view_ops *view_any(size_t i)
{
    if (i < ARRAY_LEN(top_views))
        return top_views[i];
    i -= ARRAY_LEN(top_views);
    return i < ARRAY_LEN(detail_views) ? detail_views[i] : NULL;
}

const struct view_ops *view_find(const char *name)
{
    const struct view_ops *v;
    for (size_t i = 0; (v = view_any(i)); i++)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}

const char *view_names(void)
{
    /* Built once from the table, so a new view is named in --help and errors by itself. */
    static char names[256];
    const struct view_ops *v;
    if (!names[0])
        for (size_t i = 0; (v = view_at(i)); i++) {
            size_t len = strlen(names);
            snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", v->name);
        }
    return names;
}

bool view_feed_age(const struct view_ctx *ctx, const char *feed, char *buf, size_t n, bool *stale)
{
    *stale = false;
    buf[0] = '\0';
    if (!ctx->poller || !feed)
        return false;
    for (size_t i = 0; i < poller_count(ctx->poller); i++) {
        struct feed *f = poller_feed(ctx->poller, i);
        if (strcmp(feed_name(f), feed) != 0)
            continue;
        const struct feed_health *h = feed_health(f);
        char age[32] = "";
        if (h->last_ok_ms)
            clock_format_age((clock_wall_ms() - h->last_ok_ms) / 1000, age, sizeof age);
        snprintf(buf, n, "dữ liệu %s", age[0] ? age : "chưa có");
        *stale = h->state == FEED_STALE || h->state == FEED_FAILING;
        return true;
    }
    return false;
}
