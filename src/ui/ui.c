#include "citydeck/ui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/alerts.h"
#include "citydeck/clock.h"
#include "citydeck/cmdline.h"
#include "citydeck/list.h"
#include "citydeck/nav.h"
#include "citydeck/poller.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/util.h"

/* Below this the frame cannot show a table; a one-line message says so. */
#define MIN_COLS 40
#define MIN_ROWS 8
/* While the user moves through a list, re-sorting waits this long (as htop does), so the
 * selection does not jump away under the cursor. */
#define HOLD_MS 1500

struct ui {
    struct nav nav;
    struct prompt prompt;
    bool data_dirty;
    bool draw_dirty;
    bool help;
    int help_top;
    bool paused;
    int64_t hold_until_ms;
    uint64_t seen_generation; /* the store generation the view last recalculated from */
    int body_w;
    char flash[256];
    int64_t flash_until_ms;
};

static const struct view_ops *default_view(void)
{
    const struct view_ops *v = view_find("overview");
    return v ? v : view_at(0);
}

struct ui *ui_new(const char *spec)
{
    char name[64] = "";
    const char *arg = NULL;
    if (spec) {
        size_t n = strcspn(spec, ":");
        str_copy(name, spec, n + 1 < sizeof name ? n + 1 : sizeof name);
        arg = spec[n] == ':' ? spec + n + 1 : NULL;
    }
    const struct view_ops *ops = spec ? view_find(name) : default_view();
    if (!ops)
        return NULL;
    struct ui *u = xcalloc(1, sizeof *u);
    nav_push(&u->nav, ops, NULL, arg);
    u->data_dirty = u->draw_dirty = true;
    return u;
}

void ui_free(struct ui *u)
{
    if (!u)
        return;
    nav_free(&u->nav);
    free(u);
}

void ui_mark_data(struct ui *u)
{
    u->data_dirty = true;
}

void ui_mark_draw(struct ui *u)
{
    if (!u->paused)
        u->draw_dirty = true;
}

static bool held(const struct ui *u)
{
    return clock_mono_ms() < u->hold_until_ms;
}

bool ui_needs_frame(const struct ui *u)
{
    return u->draw_dirty || (u->data_dirty && !u->paused && !held(u));
}

bool ui_help_visible(const struct ui *u)
{
    return u->help;
}

bool ui_paused(const struct ui *u)
{
    return u->paused;
}

const char *ui_view_name(const struct ui *u)
{
    return u->nav.frames[u->nav.depth - 1].ops->name;
}

void ui_flash(struct ui *u, const char *msg, int64_t until_ms)
{
    str_copy(u->flash, msg, sizeof u->flash);
    u->flash_until_ms = until_ms;
    u->draw_dirty = true;
}

static void say(struct ui *u, const char *msg)
{
    ui_flash(u, msg, clock_mono_ms() + 4000);
}

void ui_breadcrumb(struct ui *u, const struct view_ctx *ctx, char *buf, size_t n)
{
    nav_breadcrumb(&u->nav, ctx, buf, n);
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
    char crumb[512], left[600], right[160], stamp[40];
    attrset(theme_attr(TH_TOPBAR));
    mvhline(0, 0, ' ', cols);
    nav_breadcrumb(&u->nav, ctx, crumb, sizeof crumb);
    snprintf(left, sizeof left, " citydeck │ %s", crumb);
    clock_format_iso(ctx->now, ctx->tz_offset_s, stamp, sizeof stamp);
    /* "2026-03-02T08:15:07+07:00" → "02/03/2026 08:15:07" */
    snprintf(right, sizeof right, "%s%s%.2s/%.2s/%.4s %.8s ", u->paused ? "TẠM DỪNG │ " : "",
             ctx->read_only ? "CHỈ XEM │ " : "", stamp + 8, stamp + 5, stamp, stamp + 11);
    /* Critical alerts show on every view, with a word, not only a colour. */
    char badge[64] = "";
    size_t crit = ctx->alerts ? alerts_active_critical(ctx->alerts) : 0;
    if (crit)
        snprintf(badge, sizeof badge, " %s %zu NGHIÊM TRỌNG%s ", text_ascii() ? "!" : "⚠", crit,
                 alerts_unacked_critical(ctx->alerts) ? "" : " ✔");
    int bw = text_width(badge);
    int rw = text_width(right), used = rw;
    if (bw && cols - rw - bw > 30) {
        put(0, cols - rw - bw - 1, bw, badge,
            alerts_unacked_critical(ctx->alerts) ? TH_CRIT : TH_WARN);
        used += bw + 1;
    }
    put(0, 0, cols - used - 1, left, TH_TOPBAR);
    if (cols > rw)
        put(0, cols - rw, rw, right, u->paused ? TH_WARN : TH_TOPBAR);
}

/* The feed health summary, right-aligned: "complaints OK 3s", or a failing feed's error. */
static void draw_health(const struct view_ctx *ctx, int y, int x, int cols)
{
    if (!ctx->poller)
        return;
    struct buf b = {0};
    enum theme_role role = TH_BOTTOMBAR;
    for (size_t i = 0; i < poller_count(ctx->poller); i++) {
        struct feed *f = poller_feed(ctx->poller, i);
        const struct feed_health *h = feed_health(f);
        char age[64];
        bool stale;
        view_feed_age(ctx, feed_name(f), age, sizeof age, &stale);
        buf_appendf(&b, "%s%s %s", i ? " · " : "", feed_name(f), feed_state_name(h->state));
        if (h->last_ok_ms)
            buf_appendf(&b, " %s", age + strlen("dữ liệu "));
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

static void draw_bottombar(struct ui *u, const struct view_ctx *ctx, int y, int cols)
{
    char keyname[32], seg[300];
    attrset(theme_attr(TH_BOTTOMBAR));
    mvhline(y, 0, ' ', cols);
    if (u->prompt.kind != PROMPT_NONE) {
        int x = put(y, 0, cols, u->prompt.label, TH_KEY);
        put(y, x, cols - x - 1, u->prompt.text, TH_BOTTOMBAR);
        return;
    }
    int x = 0;
    static const enum action shown[] = {ACT_HELP,  ACT_FILTER,  ACT_COMMAND, ACT_SORT,
                                        ACT_PAUSE, ACT_REFRESH, ACT_QUIT};
    for (size_t i = 0; i < ARRAY_LEN(shown) && x < cols; i++) {
        int key = keys_first(shown[i]);
        if (!key)
            continue;
        keys_name(key, keyname, sizeof keyname);
        x += put(y, x, cols - x, keyname, TH_KEY);
        snprintf(seg, sizeof seg, " %s  ", keys_action_info(shown[i])->label);
        x += put(y, x, cols - x, seg, TH_BOTTOMBAR);
    }
    if (u->flash[0] && clock_mono_ms() < u->flash_until_ms) {
        snprintf(seg, sizeof seg, "%s  ", u->flash);
        x += put(y, x, cols - x, seg, TH_WARN);
    }
    draw_health(ctx, y, x, cols);
}

/* One help line per action with every key bound to it; the row of view digits and the
 * movement keys are one line each. Returns the number of lines (all, not only the shown). */
static int help_lines(char (*out)[2][160], int max)
{
    int n = 0;
    for (int a = ACT_NONE + 1; a < ACT_COUNT && n < max; a++) {
        if ((a > ACT_VIEW_1 && a <= ACT_VIEW_7) || (a > ACT_UP && a <= ACT_RIGHT))
            continue;
        char keys[128] = "", name[32];
        int first = a == ACT_VIEW_1 ? ACT_VIEW_1 : a == ACT_UP ? ACT_UP : a;
        int last = a == ACT_VIEW_1 ? ACT_VIEW_7 : a == ACT_UP ? ACT_RIGHT : a;
        for (int k = first; k <= last; k++)
            for (const struct key_binding *b = keys_bindings(); b->key; b++) {
                if (b->action != (enum action)k)
                    continue;
                /* Two codes for one key (Enter, Backspace) are named once. */
                keys_name(b->key, name, sizeof name);
                size_t len = strlen(keys), nl = strlen(name);
                bool seen = false;
                for (const char *p = keys; (p = strstr(p, name)) && !seen; p += nl)
                    seen = (p == keys || p[-1] == ' ') && (p[nl] == ' ' || p[nl] == '\0');
                if (!seen)
                    snprintf(keys + len, sizeof keys - len, "%s%s", len ? " " : "", name);
            }
        if (!keys[0])
            continue;
        str_copy(out[n][0], keys, sizeof out[n][0]);
        if (a == ACT_VIEW_1) {
            struct buf b = {0};
            const struct view_ops *v;
            for (size_t i = 0; (v = view_at(i)); i++)
                buf_appendf(&b, "%s%zu %s", i ? ", " : "", i + 1, v->title);
            str_copy(out[n][1], b.data ? b.data : "", sizeof out[n][1]);
            buf_free(&b);
        } else if (a == ACT_UP) {
            str_copy(out[n][1], "di chuyển trong bảng; ← → đổi kỳ", sizeof out[n][1]);
        } else {
            str_copy(out[n][1], keys_action_info((enum action)a)->help, sizeof out[n][1]);
        }
        n++;
    }
    return n;
}

static void draw_help(struct ui *u, int rows, int cols)
{
    int w = cols - 4 < 100 ? cols - 4 : 100;
    int h = rows - 2;
    if (w < 30 || h < 6)
        return;
    int y0 = 1, x0 = (cols - w) / 2;
    attrset(theme_attr(TH_NORMAL));
    for (int y = y0; y < y0 + h; y++)
        mvhline(y, x0, ' ', w);
    attrset(theme_attr(TH_TITLE));
    bool ascii = text_ascii();
    mvhline(y0, x0, ascii ? '-' : ACS_HLINE, w);
    mvhline(y0 + h - 1, x0, ascii ? '-' : ACS_HLINE, w);
    mvvline(y0, x0, ascii ? '|' : ACS_VLINE, h);
    mvvline(y0, x0 + w - 1, ascii ? '|' : ACS_VLINE, h);
    mvaddch(y0, x0, ascii ? '+' : ACS_ULCORNER);
    mvaddch(y0, x0 + w - 1, ascii ? '+' : ACS_URCORNER);
    mvaddch(y0 + h - 1, x0, ascii ? '+' : ACS_LLCORNER);
    mvaddch(y0 + h - 1, x0 + w - 1, ascii ? '+' : ACS_LRCORNER);
    put(y0, x0 + 2, w - 4, " Trợ giúp — phím (có thể đổi trong [keys] của cấu hình) ", TH_TITLE);
    char lines[ACT_COUNT][2][160];
    int n = help_lines(lines, ACT_COUNT);
    int room = h - 3;
    if (u->help_top > n - room)
        u->help_top = n - room > 0 ? n - room : 0;
    int keyw = w > 70 ? 24 : 16;
    for (int i = 0; i < room && u->help_top + i < n; i++) {
        put(y0 + 1 + i, x0 + 2, keyw - 1, lines[u->help_top + i][0], TH_KEY);
        put(y0 + 1 + i, x0 + 2 + keyw, w - keyw - 4, lines[u->help_top + i][1], TH_NORMAL);
    }
    put(y0 + h - 2, x0 + 2, w - 4,
        n > room ? "↑↓ cuộn · Esc hoặc ? để đóng · man citydeck"
                 : "Esc hoặc ? để đóng · man citydeck",
        TH_DIM);
}

/* Both only grow, so their sum changes whenever either does. */
static uint64_t data_generation(const struct view_ctx *ctx)
{
    return ctx->store->generation + (ctx->alerts ? alerts_generation(ctx->alerts) : 0);
}

/* Views keep indexes into the store; a merge since the last recalc changes what they show,
 * but not while the user is moving through the list (held) or the screen is paused. */
static void recalc_if_needed(struct ui *u, const struct view_ctx *base, bool force)
{
    struct nav_frame *f = nav_top(&u->nav);
    if (data_generation(base) != u->seen_generation)
        u->data_dirty = true;
    if (!force && !f->fresh && (!u->data_dirty || u->paused || held(u)))
        return;
    struct view_ctx ctx = nav_ctx(&u->nav, base);
    if (f->ops->recalc)
        f->ops->recalc(f->view, &ctx);
    u->seen_generation = data_generation(base);
    u->data_dirty = false;
    f->fresh = false;
}

void ui_render(struct ui *u, const struct view_ctx *ctx)
{
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    recalc_if_needed(u, ctx, false);
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
    struct nav_frame *f = nav_top(&u->nav);
    struct view_ctx fctx = nav_ctx(&u->nav, ctx);
    struct rect body = {1, 0, rows - 2, cols};
    u->body_w = cols;
    f->ops->draw(f->view, &fctx, stdscr, body);
    draw_bottombar(u, ctx, rows - 1, cols);
    if (u->help)
        draw_help(u, rows, cols);
    attrset(A_NORMAL);
    /* The cursor sits at the end of an open prompt and is hidden otherwise. */
    if (u->prompt.kind != PROMPT_NONE) {
        int x = text_width(u->prompt.label) + text_width(u->prompt.text);
        move(rows - 1, x < cols ? x : cols - 1);
    }
    curs_set(u->prompt.kind != PROMPT_NONE ? 1 : 0);
}

/* ---- actions ---------------------------------------------------------------------------- */

static void apply_request(struct ui *u, const struct nav_request *req)
{
    struct nav_frame *f = nav_top(&u->nav);
    if (req->view[0]) {
        const struct view_ops *ops = view_find(req->view);
        if (ops)
            nav_push(&u->nav, ops, req->scope[0] ? req->scope : f->scope, req->arg);
    }
    if (req->prompt[0])
        prompt_open(&u->prompt, PROMPT_VIEW, req->prompt, NULL);
    if (req->message[0])
        say(u, req->message);
    u->draw_dirty = true;
}

static void switch_view(struct ui *u, const struct view_ops *ops)
{
    if (ops && ops != nav_top(&u->nav)->ops)
        nav_switch(&u->nav, ops, NULL);
    u->draw_dirty = true;
}

static void cycle_view(struct ui *u, int step)
{
    size_t n = view_count(), cur = 0;
    for (size_t i = 0; i < n; i++)
        if (view_at(i) == nav_top(&u->nav)->ops)
            cur = i;
    switch_view(u, view_at((cur + n + (size_t)(step > 0 ? 1 : n - 1)) % n));
}

static struct list *frame_list(struct ui *u)
{
    struct nav_frame *f = nav_top(&u->nav);
    return f->ops->list ? f->ops->list(f->view) : NULL;
}

static int on_help_action(struct ui *u, enum action a)
{
    if (a == ACT_BACK || a == ACT_HELP)
        u->help = false;
    else if (a == ACT_DOWN || a == ACT_PAGE_DOWN)
        u->help_top += a == ACT_DOWN ? 1 : 10;
    else if ((a == ACT_UP || a == ACT_PAGE_UP) && u->help_top > 0)
        u->help_top -= a == ACT_UP || u->help_top < 10 ? (a == ACT_UP ? 1 : u->help_top) : 10;
    else if (a == ACT_QUIT)
        return UI_QUIT;
    u->draw_dirty = true;
    return UI_NONE;
}

int ui_on_action(struct ui *u, enum action a, const struct view_ctx *ctx)
{
    if (u->help)
        return on_help_action(u, a);
    struct nav_frame *f = nav_top(&u->nav);
    struct list *l = frame_list(u);
    switch (a) {
    case ACT_NONE:
        return UI_NONE;
    case ACT_QUIT:
        return UI_QUIT;
    case ACT_HELP:
        u->help = true;
        u->help_top = 0;
        u->draw_dirty = true;
        return UI_NONE;
    case ACT_REFRESH:
        say(u, "Đang làm mới…");
        return UI_REFRESH;
    case ACT_REPAINT:
        u->draw_dirty = true;
        return UI_REPAINT;
    case ACT_PAUSE:
        u->paused = !u->paused;
        u->draw_dirty = true;
        say(u, u->paused ? "Tạm dừng cập nhật màn hình (dữ liệu vẫn về); p để tiếp tục"
                         : "Tiếp tục cập nhật");
        return UI_NONE;
    case ACT_FILTER:
        if (!l) {
            say(u, "Màn hình này không có bảng để lọc");
            return UI_NONE;
        }
        prompt_open(&u->prompt, PROMPT_FILTER, "/", f->filter.text);
        u->draw_dirty = true;
        return UI_NONE;
    case ACT_COMMAND:
        prompt_open(&u->prompt, PROMPT_COMMAND, ":", NULL);
        u->draw_dirty = true;
        return UI_NONE;
    case ACT_VIEW_1:
    case ACT_VIEW_2:
    case ACT_VIEW_3:
    case ACT_VIEW_4:
    case ACT_VIEW_5:
    case ACT_VIEW_6:
    case ACT_VIEW_7:
        switch_view(u, view_at((size_t)(a - ACT_VIEW_1)));
        return UI_NONE;
    case ACT_NEXT_VIEW:
    case ACT_PREV_VIEW:
        cycle_view(u, a == ACT_NEXT_VIEW ? 1 : -1);
        return UI_NONE;
    case ACT_SORT:
    case ACT_SORT_REVERSE:
        if (!l)
            return UI_NONE;
        if (a == ACT_SORT)
            list_sort_next(l, u->body_w);
        else
            list_sort_reverse(l);
        recalc_if_needed(u, ctx, true);
        u->draw_dirty = true;
        return UI_NONE;
    default:
        break;
    }
    struct nav_request req = {0};
    struct view_ctx fctx = nav_ctx(&u->nav, ctx);
    bool handled = f->ops->on_action && f->ops->on_action(f->view, a, &fctx, &req);
    if (!handled && l)
        handled = list_on_action(l, a);
    if (handled) {
        if (a >= ACT_UP && a <= ACT_END)
            u->hold_until_ms = clock_mono_ms() + HOLD_MS;
        apply_request(u, &req);
        return UI_NONE;
    }
    if (a == ACT_BACK) {
        if (filter_active(&f->filter)) {
            filter_clear(&f->filter);
            f->fresh = true;
        } else if (!nav_pop(&u->nav)) {
            say(u, "Đang ở cấp trên cùng (q để thoát)");
        }
        u->draw_dirty = true;
    }
    return UI_NONE;
}

static int run_command(struct ui *u, const char *line, const struct view_ctx *ctx)
{
    struct command c;
    char err[200];
    if (command_parse(line, ctx, &c, err, sizeof err) != 0) {
        say(u, err);
        return UI_NONE;
    }
    struct nav_frame *f = nav_top(&u->nav);
    switch (c.kind) {
    case CMD_QUIT:
        return UI_QUIT;
    case CMD_VIEW:
        nav_push(&u->nav, c.view, f->scope, c.arg);
        break;
    case CMD_UNIT:
        nav_push(&u->nav, f->ops, c.arg, f->arg);
        break;
    case CMD_PROVINCE:
        if (f->scope)
            nav_push(&u->nav, f->ops, NULL, f->arg);
        break;
    case CMD_THEME:
        if (theme_load(c.arg, err, sizeof err) != 0) {
            say(u, err);
            return UI_NONE;
        }
        theme_init(true);
        return UI_REPAINT;
    case CMD_FILTER:
        filter_set(&f->filter, c.arg);
        f->fresh = true;
        break;
    case CMD_PAUSE:
        return ui_on_action(u, ACT_PAUSE, ctx);
    case CMD_REFRESH:
        return ui_on_action(u, ACT_REFRESH, ctx);
    case CMD_HELP:
        return ui_on_action(u, ACT_HELP, ctx);
    case CMD_NONE:
        break;
    }
    return UI_NONE;
}

int ui_on_key(struct ui *u, int key, bool is_code, const struct view_ctx *ctx)
{
    if (u->prompt.kind == PROMPT_NONE)
        return ui_on_action(u, keys_lookup(key), ctx);
    struct nav_frame *f = nav_top(&u->nav);
    enum prompt_kind kind = u->prompt.kind;
    enum prompt_result r = prompt_key(&u->prompt, key, is_code, ctx);
    u->draw_dirty = true;
    if (kind == PROMPT_FILTER && (r == PROMPT_CHANGED || r == PROMPT_CANCEL)) {
        /* Incremental: the table follows every keystroke; Esc drops the filter. */
        filter_set(&f->filter, r == PROMPT_CANCEL ? "" : u->prompt.text);
        f->fresh = true;
    }
    if (r != PROMPT_DONE && r != PROMPT_CANCEL)
        return UI_NONE;
    char text[sizeof u->prompt.text];
    str_copy(text, u->prompt.text, sizeof text);
    prompt_close(&u->prompt);
    if (kind == PROMPT_COMMAND && r == PROMPT_DONE)
        return run_command(u, text, ctx);
    if (kind == PROMPT_VIEW && f->ops->on_prompt) {
        struct nav_request req = {0};
        struct view_ctx fctx = nav_ctx(&u->nav, ctx);
        f->ops->on_prompt(f->view, &fctx, r == PROMPT_DONE ? text : NULL, &req);
        apply_request(u, &req);
    }
    return UI_NONE;
}

int ui_on_mouse(struct ui *u, int y, int x, unsigned long bstate, const struct view_ctx *ctx)
{
    (void)x;
    if (bstate & BUTTON4_PRESSED || bstate & BUTTON5_PRESSED) {
        enum action a = bstate & BUTTON4_PRESSED ? ACT_UP : ACT_DOWN;
        for (int i = 0; i < 3; i++)
            ui_on_action(u, a, ctx);
        return UI_NONE;
    }
    struct list *l = u->help ? NULL : frame_list(u);
    if (!l || !(bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)))
        return UI_NONE;
    if (!list_click(l, y))
        return UI_NONE;
    u->hold_until_ms = clock_mono_ms() + HOLD_MS;
    u->draw_dirty = true;
    return bstate & BUTTON1_DOUBLE_CLICKED ? ui_on_action(u, ACT_ENTER, ctx) : UI_NONE;
}

void ui_export(struct ui *u, const struct view_ctx *ctx, FILE *out)
{
    recalc_if_needed(u, ctx, true);
    struct nav_frame *f = nav_top(&u->nav);
    struct view_ctx fctx = nav_ctx(&u->nav, ctx);
    f->ops->export(f->view, &fctx, out);
}
