/* The navigation stack: each frame is a view with its scope (a commune or ward, or the whole
 * province), its argument (a preset or a record id) and its filter. Enter pushes, Esc pops,
 * digits and Tab switch the view of the top frame and keep its scope. */
#ifndef CITYDECK_NAV_H
#define CITYDECK_NAV_H

#include <stdbool.h>
#include <stddef.h>

#include "citydeck/list.h"
#include "citydeck/view.h"

#define NAV_MAX 16

struct nav_frame {
    const struct view_ops *ops;
    struct view *view;
    char *scope; /* unit code, NULL = the province */
    char *arg;
    struct filter filter;
    bool fresh; /* created and not yet recalculated */
};

struct nav {
    struct nav_frame frames[NAV_MAX];
    int depth;
};

/* Pushes a new frame (the deepest one is replaced when the stack is full). */
void nav_push(struct nav *n, const struct view_ops *ops, const char *scope, const char *arg);
/* Pops the top frame; false (nothing done) at the root. */
bool nav_pop(struct nav *n);
/* Replaces the top frame's view, keeping its scope; arg and filter start empty. */
void nav_switch(struct nav *n, const struct view_ops *ops, const char *arg);
/* Sets the scope of the top frame (NULL = the province). */
void nav_set_scope(struct nav *n, const char *scope);
struct nav_frame *nav_top(struct nav *n);
void nav_free(struct nav *n);
/* The view context of the top frame: base with scope, arg and filter filled in. */
struct view_ctx nav_ctx(struct nav *n, const struct view_ctx *base);
/* "Tỉnh Quảng Ngãi › Phường Cẩm Thành › Hồ sơ › quá hạn". */
void nav_breadcrumb(struct nav *n, const struct view_ctx *base, char *buf, size_t size);

#endif
