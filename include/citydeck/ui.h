/* The frame around the views: top bar (scope, view, clock), the current view, the bottom bar
 * (key hints, feed health, data age), and overlays (help). */
#ifndef CITYDECK_UI_H
#define CITYDECK_UI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "citydeck/keys.h"
#include "citydeck/view.h"

struct ui;

struct ui *ui_new(const char *view_name);
void ui_free(struct ui *u);
/* The scope shown first in the breadcrumb (e.g. "Tỉnh Quảng Ngãi"). */
void ui_set_scope(struct ui *u, const char *scope);
/* The store changed: views recalc on the next frame. */
void ui_mark_data(struct ui *u);
/* Something visible changed (clock, health, selection). */
void ui_mark_draw(struct ui *u);
bool ui_needs_frame(const struct ui *u);
/* Recalcs what is dirty and draws the whole frame into stdscr (no output yet). */
void ui_render(struct ui *u, const struct view_ctx *ctx);
/* Handles an action; returns true if the screen must be redrawn. Sets *quit for ACT_QUIT. */
bool ui_on_action(struct ui *u, enum action a, bool *quit);
/* A one-line message for the bottom bar (e.g. "refreshing"), shown for a few seconds. */
void ui_flash(struct ui *u, const char *msg, int64_t until_ms);
/* The current view's export. */
void ui_export(struct ui *u, const struct view_ctx *ctx, FILE *out);
bool ui_help_visible(const struct ui *u);

#endif
