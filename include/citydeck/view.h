/* A view: one file, a small vtable. recalc derives what the view shows from the store (only
 * when the store changed, and not while the frame holds the order); draw paints it (every
 * frame that needs it). Views keep table indexes, never pointers into the store. */
#ifndef CITYDECK_VIEW_H
#define CITYDECK_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "citydeck/keys.h"

struct store;
struct poller;
struct alerts;
struct list;
struct filter;

/* What every view may read. */
struct view_ctx {
    struct store *store;
    struct poller *poller; /* NULL in tests */
    struct alerts *alerts; /* NULL when alerts are off */
    int64_t now;           /* hub time, epoch seconds */
    int tz_offset_s;
    bool read_only;
    const char *scope; /* the commune/ward code the frame is scoped to; NULL = the province */
    const char *arg;   /* a list's preset ("overdue"), a detail view's record id; NULL = none */
    const struct filter *filter; /* the / filter of this frame; NULL = none */
};

struct rect {
    int y, x, h, w;
};

/* What a view asks the frame to do after an action (every field optional). */
struct nav_request {
    char view[32];     /* open this view on top (drill down) */
    char scope[32];    /* ... scoped to this unit code */
    char arg[128];     /* ... with this preset or record id */
    char prompt[64];   /* ask for a line of text with this label; the answer goes to on_prompt */
    char message[160]; /* a line for the bottom bar */
};

struct view;

struct view_ops {
    const char *name;  /* for --snapshot and the command line */
    const char *title; /* Vietnamese, for the breadcrumb */
    /* Which feed this view's data comes from (for age and STALE), NULL = none. */
    const char *feed;
    /* Presets the command line offers after the name (":dossiers overdue"), NULL-ended. */
    const char *const *presets;
    bool detail; /* shows one record (arg = its id); not in the Tab cycle */
    struct view *(*create)(void);
    void (*destroy)(struct view *v);
    void (*recalc)(struct view *v, const struct view_ctx *ctx);
    void (*draw)(struct view *v, const struct view_ctx *ctx, WINDOW *w, struct rect r);
    /* Returns true if the view handled the action; may fill req. */
    bool (*on_action)(struct view *v, enum action a, const struct view_ctx *ctx,
                      struct nav_request *req);
    /* The answer to a prompt the view asked for (req.prompt); NULL text = cancelled. */
    void (*on_prompt)(struct view *v, const struct view_ctx *ctx, const char *text,
                      struct nav_request *req);
    /* The view's list, for the / filter, s/S sorting and the mouse; NULL = none. */
    struct list *(*list)(struct view *v);
    /* The breadcrumb's last part: the preset's words or the record ("HS-000123"). */
    void (*crumb)(struct view *v, const struct view_ctx *ctx, char *buf, size_t n);
    /* Writes the view's data as plain text lines (cron, scripts). */
    void (*export)(struct view *v, const struct view_ctx *ctx, FILE *out);
};

struct view {
    const struct view_ops *ops;
};

extern const struct view_ops overview_view_ops;
extern const struct view_ops units_view_ops;
extern const struct view_ops dossiers_view_ops;
extern const struct view_ops complaints_view_ops;
extern const struct view_ops indicators_view_ops;
extern const struct view_ops sensors_view_ops;
extern const struct view_ops alerts_view_ops;
extern const struct view_ops dossier_view_ops;
extern const struct view_ops complaint_view_ops;
extern const struct view_ops sensor_view_ops;
extern const struct view_ops unit_view_ops;

/* Looks a view up by name; NULL if none. */
const struct view_ops *view_find(const char *name);
/* Names of all views, comma-separated, for messages. */
const char *view_names(void);
/* The top-level views in Tab and digit order (1 = the first); NULL past the end. */
const struct view_ops *view_at(size_t i);
size_t view_count(void);
/* All views, detail ones included, for completion; NULL past the end. */
const struct view_ops *view_any(size_t i);

/* The data age and STALE badge of a feed for panel headers: " dữ liệu 4s " and whether the
 * feed is stale or failing. false when there is no such feed. */
bool view_feed_age(const struct view_ctx *ctx, const char *feed, char *buf, size_t n, bool *stale);

#endif
