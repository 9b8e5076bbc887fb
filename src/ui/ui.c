#include "citydeck/ui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/poller.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/util.h"

/* Below this the frame cannot show a table; a one-line message says so. */
#define MIN_COLS 40
#define MIN_ROWS 8

struct ui {
    struct view *view;
    char *scope;
    bool data_dirty;
    bool draw_dirty;
    bool help;
    uint64_t seen_generation; /* the store generation the view last recalculated from */
    char flash[256];
    int64_t flash_until_ms;
};

struct ui *ui_new(const char *view_name)
{
    const struct view_ops *ops = view_find(view_name ? view_name : "complaints");
    if (!ops)
        return NULL;
    struct ui *u = xcalloc(1, sizeof *u);
    u->view = ops->create();
    u->view->ops = ops;
    u->data_dirty = u->draw_dirty = true;
    return u;
}

void ui_free(struct ui *u)
{
    if (!u)
        return;
    u->view->ops->destroy(u->view);
    free(u->scope);
    free(u);
}

void ui_set_scope(struct ui *u, const char *scope)
{
    free(u->scope);
    u->scope = scope ? xstrdup(scope) : NULL;
    u->draw_dirty = true;
}

void ui_mark_data(struct ui *u)
{
    u->data_dirty = u->draw_dirty = true;
}

void ui_mark_draw(struct ui *u)
{
    u->draw_dirty = true;
}

bool ui_needs_frame(const struct ui *u)
{
    return u->data_dirty || u->draw_dirty;
}

bool ui_help_visible(const struct ui *u)
{
    return u->help;
}

void ui_flash(struct ui *u, const char *msg, int64_t until_ms)
{
    str_copy(u->flash, msg, sizeof u->flash);
    u->flash_until_ms = until_ms;
    u->draw_dirty = true;
}

/* Draws s at (y, x) fitted into at most cols columns; returns the columns used. */
static int put(int y, int x, int cols, const char *s, enum theme_role role)
{
    char buf[1024];
    if (cols <= 0)
        return 0;
    int used = text_fit(s, cols, buf, sizeof buf);
    attrset(theme_attr(role));
    mvaddstr(y, x, buf);
    return used;
}

static void draw_topbar(struct ui *u, const struct view_ctx *ctx, int cols)
{
    char left[512], clock[64], stamp[40];
    attrset(theme_attr(TH_TOPBAR));
    mvhline(0, 0, ' ', cols);
    const char *province = unit_table_province_name(ctx->store->units);
    const char *scope = u->scope ? u->scope : province ? province : "Toàn tỉnh";
    snprintf(left, sizeof left, " citydeck │ %s › %s", scope, u->view->ops->title);
    clock_format_iso(ctx->now, ctx->tz_offset_s, stamp, sizeof stamp);
    /* "2026-03-02T08:15:07+07:00" → "02/03/2026 08:15:07" */
    snprintf(clock, sizeof clock, "%.2s/%.2s/%.4s %.8s ", stamp + 8, stamp + 5, stamp, stamp + 11);
    if (ctx->read_only) {
        char tmp[80];
        snprintf(tmp, sizeof tmp, "CHỈ XEM │ %s", clock);
        str_copy(clock, tmp, sizeof clock);
    }
    int cw = text_width(clock);
    put(0, 0, cols - cw - 1, left, TH_TOPBAR);
    if (cols > cw)
        put(0, cols - cw, cw, clock, TH_TOPBAR);
}

static struct feed *view_feed(const struct ui *u, const struct view_ctx *ctx)
{
    if (!ctx->poller || !u->view->ops->feed)
        return NULL;
    for (size_t i = 0; i < poller_count(ctx->poller); i++) {
        struct feed *f = poller_feed(ctx->poller, i);
        if (strcmp(feed_name(f), u->view->ops->feed) == 0)
            return f;
    }
    return NULL;
}

/* The age of a feed's last good data ("4s"), or "" before its first success. */
static void feed_age(const struct feed_health *h, char *buf, size_t n)
{
    buf[0] = '\0';
    if (h->last_ok_ms)
        clock_format_age((clock_wall_ms() - h->last_ok_ms) / 1000, buf, n);
}

/* "dữ liệu 4s" and, when the feed is not healthy, a STALE badge, at the right of row y. */
static void draw_data_age(struct ui *u, const struct view_ctx *ctx, int y, int cols)
{
    struct feed *f = view_feed(u, ctx);
    if (!f)
        return;
    const struct feed_health *h = feed_health(f);
    char age[32], text[96];
    feed_age(h, age, sizeof age);
    snprintf(text, sizeof text, " dữ liệu %s ", age[0] ? age : "chưa có");
    int w = text_width(text);
    bool bad = h->state == FEED_STALE || h->state == FEED_FAILING;
    int badge = bad ? 7 : 0; /* " STALE " */
    if (w + badge >= cols)
        return;
    attrset(A_NORMAL);
    mvhline(y, cols - w - badge, ' ', w + badge);
    if (bad)
        put(y, cols - w - badge, badge, " STALE ", TH_STALE);
    put(y, cols - w, w, text, bad ? TH_WARN : TH_DIM);
}

static void draw_bottombar(struct ui *u, const struct view_ctx *ctx, int y, int cols)
{
    char keyname[32], seg[300];
    attrset(theme_attr(TH_BOTTOMBAR));
    mvhline(y, 0, ' ', cols);
    int x = 0;
    static const enum action shown[] = {ACT_HELP, ACT_REFRESH, ACT_QUIT};
    for (size_t i = 0; i < ARRAY_LEN(shown) && x < cols; i++) {
        const struct action_info *ai = keys_action_info(shown[i]);
        keys_name(keys_first(shown[i]), keyname, sizeof keyname);
        x += put(y, x, cols - x, keyname, TH_KEY);
        snprintf(seg, sizeof seg, " %s  ", ai->label);
        x += put(y, x, cols - x, seg, TH_BOTTOMBAR);
    }
    if (u->flash[0] && clock_mono_ms() < u->flash_until_ms) {
        snprintf(seg, sizeof seg, "%s  ", u->flash);
        x += put(y, x, cols - x, seg, TH_BOTTOMBAR);
    }
    /* Feed health, right-aligned: "complaints OK 3s", or the error of a failing feed. */
    if (!ctx->poller)
        return;
    struct buf b = {0};
    enum theme_role role = TH_BOTTOMBAR;
    for (size_t i = 0; i < poller_count(ctx->poller); i++) {
        struct feed *f = poller_feed(ctx->poller, i);
        const struct feed_health *h = feed_health(f);
        char age[32];
        feed_age(h, age, sizeof age);
        buf_appendf(&b, "%s%s %s", i ? " · " : "", feed_name(f), feed_state_name(h->state));
        if (age[0])
            buf_appendf(&b, " %s", age);
        if (h->state == FEED_FAILING) {
            buf_appendf(&b, " (%d×): %s", h->failures, h->last_error);
            role = TH_CRIT;
        } else if (h->state == FEED_STALE && role != TH_CRIT) {
            role = TH_STALE;
        }
    }
    buf_append(&b, " ", 1);
    int room = cols - x - 1;
    int w = text_width(b.data);
    if (room > 8)
        put(y, w < room ? cols - w : x + 1, room, b.data, role);
    buf_free(&b);
}

static void draw_help(int rows, int cols)
{
    int w = cols - 8 < 72 ? cols - 8 : 72;
    int h = rows - 4;
    if (w < 30 || h < 6)
        return;
    int y0 = 2, x0 = (cols - w) / 2;
    attrset(theme_attr(TH_NORMAL));
    for (int y = y0; y < y0 + h; y++)
        mvhline(y, x0, ' ', w);
    attrset(theme_attr(TH_TITLE));
    mvhline(y0, x0, ACS_HLINE, w);
    mvhline(y0 + h - 1, x0, ACS_HLINE, w);
    mvvline(y0, x0, ACS_VLINE, h);
    mvvline(y0, x0 + w - 1, ACS_VLINE, h);
    mvaddch(y0, x0, ACS_ULCORNER);
    mvaddch(y0, x0 + w - 1, ACS_URCORNER);
    mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
    mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
    put(y0, x0 + 2, w - 4, " Trợ giúp — phím ", TH_TITLE);
    int y = y0 + 1;
    /* One line per action, with every key bound to it: the same table as the key bar. */
    for (int a = ACT_NONE + 1; a < ACT_COUNT && y < y0 + h - 2; a++) {
        char keys[96] = "", name[32];
        for (const struct key_binding *b = keys_bindings(); b->key; b++) {
            if (b->action != (enum action)a)
                continue;
            size_t len = strlen(keys);
            snprintf(keys + len, sizeof keys - len, "%s%s", len ? ", " : "",
                     keys_name(b->key, name, sizeof name));
        }
        if (!keys[0])
            continue;
        const struct action_info *ai = keys_action_info((enum action)a);
        put(y, x0 + 2, 22, keys, TH_KEY);
        put(y, x0 + 25, w - 27, ai->help, TH_NORMAL);
        y++;
    }
    put(y0 + h - 2, x0 + 2, w - 4, "Esc hoặc ? để đóng · man citydeck", TH_DIM);
}

/* Views keep pointers into the store; any merge since the last recalc invalidates them. */
static void recalc_if_needed(struct ui *u, const struct view_ctx *ctx)
{
    if (ctx->store->generation != u->seen_generation)
        u->data_dirty = true;
    if (u->data_dirty && u->view->ops->recalc)
        u->view->ops->recalc(u->view, ctx);
    u->seen_generation = ctx->store->generation;
    u->data_dirty = false;
}

void ui_render(struct ui *u, const struct view_ctx *ctx)
{
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    recalc_if_needed(u, ctx);
    u->draw_dirty = false;
    erase();
    if (rows < MIN_ROWS || cols < MIN_COLS) {
        char msg[96];
        snprintf(msg, sizeof msg, "Cửa sổ quá nhỏ (%d×%d, cần ≥ %d×%d)", cols, rows, MIN_COLS,
                 MIN_ROWS);
        put(0, 0, cols, msg, TH_WARN);
        return;
    }
    draw_topbar(u, ctx, cols);
    struct rect body = {1, 0, rows - 2, cols};
    u->view->ops->draw(u->view, ctx, stdscr, body);
    draw_data_age(u, ctx, 1, cols);
    draw_bottombar(u, ctx, rows - 1, cols);
    if (u->help)
        draw_help(rows, cols);
    attrset(A_NORMAL);
}

bool ui_on_action(struct ui *u, enum action a, bool *quit)
{
    *quit = false;
    if (a == ACT_QUIT) {
        *quit = true;
        return false;
    }
    if (a == ACT_HELP) {
        u->help = !u->help;
        u->draw_dirty = true;
        return true;
    }
    if (u->help) {
        if (a == ACT_BACK)
            u->help = false;
        u->draw_dirty = true;
        return true;
    }
    if (u->view->ops->on_action && u->view->ops->on_action(u->view, a)) {
        u->draw_dirty = true;
        return true;
    }
    return false;
}

void ui_export(struct ui *u, const struct view_ctx *ctx, FILE *out)
{
    recalc_if_needed(u, ctx);
    u->view->ops->export(u->view, ctx, out);
}
