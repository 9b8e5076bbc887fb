/* A view: one file, a small vtable. recalc derives what the view shows from the store (only
 * when the store changed); draw paints it (every frame that needs it). */
#ifndef CITYDECK_VIEW_H
#define CITYDECK_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "citydeck/keys.h"

struct store;
struct poller;

/* What every view may read. */
struct view_ctx {
    struct store *store;
    struct poller *poller;
    int64_t now; /* hub time, epoch seconds */
    int tz_offset_s;
    bool read_only;
};

struct rect {
    int y, x, h, w;
};

struct view;

struct view_ops {
    const char *name;  /* for --snapshot and the command line */
    const char *title; /* Vietnamese, for the top bar */
    /* Which feed this view's data comes from (for age and STALE), NULL = none. */
    const char *feed;
    struct view *(*create)(void);
    void (*destroy)(struct view *v);
    void (*recalc)(struct view *v, const struct view_ctx *ctx);
    void (*draw)(struct view *v, const struct view_ctx *ctx, WINDOW *w, struct rect r);
    /* Returns true if the view handled the action. */
    bool (*on_action)(struct view *v, enum action a);
    /* Writes the view's data as plain text lines (cron, scripts). */
    void (*export)(struct view *v, const struct view_ctx *ctx, FILE *out);
};

struct view {
    const struct view_ops *ops;
};

extern const struct view_ops complaints_view_ops;

/* Looks a view up by name; NULL if none. */
const struct view_ops *view_find(const char *name);
/* Names of all views, comma-separated, for messages. */
const char *view_names(void);

#endif
