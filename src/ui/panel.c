#include "citydeck/panel.h"

#include <string.h>

#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/util.h"

size_t layout_stack(const struct panel_req *req, size_t n, struct rect area, struct rect *out)
{
    enum { MAX = 32 };
    size_t order[MAX];
    int h[MAX] = {0};
    n = n < MAX ? n : MAX;
    /* Indexes by priority, highest first; equal priorities keep their order. */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && req[order[j - 1]].priority < req[i].priority; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    int left = area.h;
    size_t shown = 0;
    for (size_t k = 0; k < n; k++) {
        const struct panel_req *p = &req[order[k]];
        if (p->min_h <= left && p->min_w <= area.w) {
            h[order[k]] = p->min_h;
            left -= p->min_h;
            shown++;
        }
    }
    /* Spare rows: up to what each wants, by priority; the rest to the first that takes all. */
    for (size_t k = 0; k < n && left > 0; k++) {
        size_t i = order[k];
        int more = req[i].want_h - h[i];
        if (h[i] > 0 && req[i].want_h > 0 && more > 0) {
            more = more < left ? more : left;
            h[i] += more;
            left -= more;
        }
    }
    for (size_t k = 0; k < n && left > 0; k++)
        if (h[order[k]] > 0 && req[order[k]].want_h == 0) {
            h[order[k]] += left;
            left = 0;
        }
    int y = area.y;
    for (size_t i = 0; i < n; i++) {
        out[i] = (struct rect){y, area.x, h[i], h[i] > 0 ? area.w : 0};
        y += h[i];
    }
    return shown;
}

int layout_columns(int width, int min_w, int max)
{
    int c = min_w > 0 ? width / min_w : 1;
    if (c < 1)
        c = 1;
    return c > max ? max : c;
}

void panel_text(WINDOW *w, int y, int x, int width, const char *s, int role)
{
    char buf[1024];
    if (width <= 0)
        return;
    text_fit(s, width, buf, sizeof buf);
    wattrset(w, theme_attr((enum theme_role)role));
    mvwaddstr(w, y, x, buf);
    wattrset(w, A_NORMAL);
}

struct rect panel_draw_title(WINDOW *w, struct rect r, const char *title,
                             const struct view_ctx *ctx, const char *feed)
{
    if (r.h <= 0 || r.w <= 0)
        return r;
    wattrset(w, theme_attr(TH_DIM));
    mvwhline(w, r.y, r.x, text_ascii() ? '-' : ACS_HLINE, r.w);
    char t[256];
    snprintf(t, sizeof t, " %s ", title);
    int used = text_width(t);
    panel_text(w, r.y, r.x + 1, r.w - 2, t, TH_TITLE);
    char age[64];
    bool stale;
    if (view_feed_age(ctx, feed, age, sizeof age, &stale)) {
        char tail[96];
        snprintf(tail, sizeof tail, " %s ", age);
        int tw = text_width(tail), bw = stale ? 7 : 0;
        int x = r.x + r.w - 1 - tw - bw;
        if (x > r.x + 1 + used) {
            if (stale)
                panel_text(w, r.y, x, bw, " STALE ", TH_STALE);
            panel_text(w, r.y, x + bw, tw, tail, stale ? TH_WARN : TH_DIM);
        }
    }
    return (struct rect){r.y + 1, r.x, r.h - 1, r.w};
}
