#include "citydeck/nav.h"

#include <stdlib.h>
#include <string.h>

#include "citydeck/store.h"
#include "citydeck/util.h"

static void frame_free(struct nav_frame *f)
{
    if (f->view)
        f->ops->destroy(f->view);
    free(f->scope);
    free(f->arg);
    filter_clear(&f->filter);
    memset(f, 0, sizeof *f);
}

static void frame_init(struct nav_frame *f, const struct view_ops *ops, const char *scope,
                       const char *arg)
{
    f->ops = ops;
    f->view = ops->create();
    f->view->ops = ops;
    f->scope = scope && *scope ? xstrdup(scope) : NULL;
    f->arg = arg && *arg ? xstrdup(arg) : NULL;
    f->fresh = true;
}

void nav_push(struct nav *n, const struct view_ops *ops, const char *scope, const char *arg)
{
    if (n->depth == NAV_MAX) {
        frame_free(&n->frames[0]);
        memmove(&n->frames[0], &n->frames[1], (NAV_MAX - 1) * sizeof n->frames[0]);
        memset(&n->frames[NAV_MAX - 1], 0, sizeof n->frames[0]);
        n->depth--;
    }
    frame_init(&n->frames[n->depth++], ops, scope, arg);
}

bool nav_pop(struct nav *n)
{
    if (n->depth <= 1)
        return false;
    frame_free(&n->frames[--n->depth]);
    n->frames[n->depth - 1].fresh = true; /* the data moved on while it was hidden */
    return true;
}

void nav_switch(struct nav *n, const struct view_ops *ops, const char *arg)
{
    struct nav_frame *f = nav_top(n);
    char *scope = f->scope ? xstrdup(f->scope) : NULL;
    frame_free(f);
    frame_init(f, ops, scope, arg);
    free(scope);
}

void nav_set_scope(struct nav *n, const char *scope)
{
    struct nav_frame *f = nav_top(n);
    free(f->scope);
    f->scope = scope && *scope ? xstrdup(scope) : NULL;
    f->fresh = true;
}

struct nav_frame *nav_top(struct nav *n)
{
    return n->depth ? &n->frames[n->depth - 1] : NULL;
}

void nav_free(struct nav *n)
{
    while (n->depth)
        frame_free(&n->frames[--n->depth]);
}

/* base with one frame's scope, argument and filter. */
static struct view_ctx frame_ctx(const struct nav_frame *f, const struct view_ctx *base)
{
    struct view_ctx c = *base;
    c.scope = f->scope;
    c.arg = f->arg;
    c.filter = filter_active(&f->filter) ? &f->filter : NULL;
    return c;
}

struct view_ctx nav_ctx(struct nav *n, const struct view_ctx *base)
{
    return frame_ctx(nav_top(n), base);
}

/* The path of the stack: the province, then each frame's view (and its unit where the scope
 * changes): "Tỉnh Quảng Ngãi › Xếp hạng xã/phường › Phường Cẩm Thành › Hồ sơ › quá hạn".
 * A deep stack keeps the province and the last frames. */
void nav_breadcrumb(struct nav *n, const struct view_ctx *base, char *buf, size_t size)
{
    enum { SHOWN = 4 };
    const struct unit_table *units = base->store->units;
    const char *province = unit_table_province_name(units);
    struct buf b = {0};
    buf_appendf(&b, "%s", province ? province : "Toàn tỉnh");
    int first = n->depth > SHOWN ? n->depth - SHOWN : 0;
    if (first > 0)
        buf_appendf(&b, " › …");
    const char *scope = first > 0 ? n->frames[first - 1].scope : NULL;
    for (int i = first; i < n->depth; i++) {
        struct nav_frame *f = &n->frames[i];
        if (f->scope && !str_eq(f->scope, scope))
            buf_appendf(&b, " › %s", unit_table_name(units, f->scope));
        else if (!f->scope && scope)
            buf_appendf(&b, " › %s", "toàn tỉnh");
        scope = f->scope;
        /* A unit's own page is named by its scope already. */
        if (!(f->ops->detail && f->scope && strcmp(f->ops->name, "unit") == 0))
            buf_appendf(&b, " › %s", f->ops->title);
        if (f->ops->crumb) {
            char crumb[160] = "";
            struct view_ctx c = frame_ctx(f, base);
            f->ops->crumb(f->view, &c, crumb, sizeof crumb);
            if (crumb[0])
                buf_appendf(&b, " › %s", crumb);
        }
        if (filter_active(&f->filter))
            buf_appendf(&b, " [/%s]", f->filter.text);
    }
    str_copy(buf, b.data, size);
    buf_free(&b);
}
