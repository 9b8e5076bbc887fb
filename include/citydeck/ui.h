/* The frame around the views: the top bar (breadcrumb, alerts, PAUSED, clock), the current
 * view of the navigation stack, the bottom bar (key hints from the key table, the prompt,
 * feed health) and the help overlay. Keys, mouse and commands come in here; what the loop
 * must do about them (quit, poll now, repaint) goes back as effects. */
#ifndef CITYDECK_UI_H
#define CITYDECK_UI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "citydeck/keys.h"
#include "citydeck/view.h"

struct ui;

/* What the loop does after an input. */
enum ui_effect {
    UI_NONE = 0,
    UI_QUIT = 1,
    UI_REFRESH = 2, /* poll every feed now */
    UI_REPAINT = 4, /* resend the whole screen */
};

/* spec: "VIEW" or "VIEW:ARG" ("dossiers:overdue", "unit:21025"); NULL = the overview.
 * NULL when there is no such view. */
struct ui *ui_new(const char *spec);
void ui_free(struct ui *u);
/* The store changed: views recalc on the next frame (not while paused or held). */
void ui_mark_data(struct ui *u);
/* Something visible changed (clock, health). Ignored while paused: the screen stays frozen. */
void ui_mark_draw(struct ui *u);
bool ui_needs_frame(const struct ui *u);
/* Recalcs what is dirty and draws the whole frame into stdscr (no output yet). */
void ui_render(struct ui *u, const struct view_ctx *ctx);
/* A key from get_wch (is_code: a KEY_* code): the prompt's when one is open, else the key
 * table's action. Returns enum ui_effect bits. */
int ui_on_key(struct ui *u, int key, bool is_code, const struct view_ctx *ctx);
int ui_on_action(struct ui *u, enum action a, const struct view_ctx *ctx);
/* A mouse event at screen (y, x): click selects, double click drills down, wheel scrolls. */
int ui_on_mouse(struct ui *u, int y, int x, unsigned long bstate, const struct view_ctx *ctx);
/* A one-line message for the bottom bar, shown until until_ms (monotonic). */
void ui_flash(struct ui *u, const char *msg, int64_t until_ms);
/* The current view's export. */
void ui_export(struct ui *u, const struct view_ctx *ctx, FILE *out);
bool ui_help_visible(const struct ui *u);
bool ui_paused(const struct ui *u);
/* The current view's name and the breadcrumb (tests, the terminal title). */
const char *ui_view_name(const struct ui *u);
void ui_breadcrumb(struct ui *u, const struct view_ctx *ctx, char *buf, size_t n);

#endif
