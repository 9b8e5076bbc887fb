/* The navigation grammar on a virtual screen: drill down and back with the breadcrumb, the
 * incremental / filter (folded, inverted), the : command line with completion, scoping that
 * follows view switches, sorting, pause, and the mouse. */
#include <criterion/criterion.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/cmdline.h"
#include "citydeck/keys.h"
#include "citydeck/screen.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"

#define NOW 1772413200 /* 2026-03-02T08:00:00+07:00 */

static void unit(struct unit_batch *b, const char *code, const char *name, const char *full,
                 enum unit_type type)
{
    struct unit *u = unit_batch_push(b);
    u->code = xstrdup(code);
    u->name = xstrdup(name);
    u->full_name = xstrdup(full);
    u->fold = text_fold(full);
    u->parent = type == UNIT_PROVINCE ? NULL : xstrdup("51");
    u->type = type;
}

static void complaint(struct complaint_batch *b, const char *id, const char *code,
                      const char *category, int64_t expected)
{
    struct complaint *c = complaint_batch_push(b);
    c->id = xstrdup(id);
    c->category = xstrdup(category);
    c->unit_code = xstrdup(code);
    c->description = xstrdup("Nội dung phản ánh");
    c->status = CST_IN_PROGRESS;
    c->open = true;
    c->requested = NOW - 3600;
    c->expected = expected;
}

static struct store *store;
static struct screen scr;
static struct ui *u;
static struct view_ctx ctx;

static void setup(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    unsetenv("COLUMNS");
    unsetenv("LINES");
    keys_reset();
    store = store_new();
    struct unit_batch *ub = unit_batch_new();
    ub->province_code = xstrdup("51");
    ub->province_name = xstrdup("Tỉnh Quảng Ngãi");
    unit(ub, "51", "Quảng Ngãi", "Tỉnh Quảng Ngãi", UNIT_PROVINCE);
    unit(ub, "21025", "Cẩm Thành", "Phường Cẩm Thành", UNIT_WARD);
    unit(ub, "21100", "Nghĩa Lộ", "Phường Nghĩa Lộ", UNIT_WARD);
    unit(ub, "21200", "Nghĩa Hành", "Xã Nghĩa Hành", UNIT_COMMUNE);
    unit(ub, "21300", "Đức Phổ", "Phường Đức Phổ", UNIT_WARD);
    store_merge_units(store, ub);
    struct complaint_batch *cb = complaint_batch_new();
    complaint(cb, "PA-1", "21025", "Vệ sinh môi trường", NOW - 7200);
    complaint(cb, "PA-2", "21100", "Giao thông", NOW + 3 * 86400);
    complaint(cb, "PA-3", "21300", "Đất đai", NOW + 86400 * 5);
    complaint(cb, "PA-4", "21025", "Điện chiếu sáng", NOW + 3600);
    store_merge_complaints(store, cb);
    char err[128];
    cr_assert_eq(screen_open_virtual(&scr, 120, 30, err, sizeof err), 0, "%s", err);
    theme_init(false);
    ctx = (struct view_ctx){.store = store, .now = NOW, .tz_offset_s = CLOCK_VN_OFFSET};
    u = ui_new("complaints");
    cr_assert_not_null(u);
}

static void teardown(void)
{
    ui_free(u);
    screen_close(&scr);
    store_free(store);
}

/* The screen as text after a frame. */
static char *frame(void)
{
    ui_render(u, &ctx);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    screen_dump(&scr, mem);
    fclose(mem);
    return text;
}

static bool shows(const char *needle)
{
    char *t = frame();
    bool found = strstr(t, needle) != NULL;
    free(t);
    return found;
}

static void type(const char *s)
{
    wchar_t wc;
    mbstate_t st = {0};
    for (size_t n; *s && (n = mbrtowc(&wc, s, strlen(s), &st)) > 0; s += n)
        ui_on_key(u, (int)wc, false, &ctx);
}

static void crumb(char *buf, size_t n)
{
    free(frame()); /* the breadcrumb names what the view resolved */
    ui_breadcrumb(u, &ctx, buf, n);
}

TestSuite(nav, .init = setup, .fini = teardown);

Test(nav, enter_drills_down_and_esc_comes_back)
{
    char b[512];
    free(frame());
    cr_assert_eq(ui_on_action(u, ACT_ENTER, &ctx), UI_NONE);
    cr_assert_str_eq(ui_view_name(u), "complaint");
    crumb(b, sizeof b);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Phản ánh › Chi tiết phản ánh › PA-1");
    cr_assert(shows("Hạn xử lý"));
    /* From the complaint to its ward: the scope joins the breadcrumb. */
    ui_on_action(u, ACT_ENTER, &ctx);
    cr_assert_str_eq(ui_view_name(u), "unit");
    crumb(b, sizeof b);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Phản ánh › Chi tiết phản ánh › PA-1 › Phường Cẩm Thành");
    ui_on_action(u, ACT_BACK, &ctx);
    ui_on_action(u, ACT_BACK, &ctx);
    cr_assert_str_eq(ui_view_name(u), "complaints");
    cr_assert(shows("PA-3"));
}

Test(nav, filter_is_incremental_folded_and_invertible)
{
    ui_on_key(u, '/', false, &ctx);
    type("cam thanh");
    char *t = frame();
    cr_assert(strstr(t, "PA-1") && strstr(t, "PA-4"), "%s", t);
    cr_assert_null(strstr(t, "PA-2"));
    cr_assert(strstr(t, "/cam thanh"), "the prompt shows what was typed");
    free(t);
    ui_on_key(u, '\r', false, &ctx);
    /* đ folds to d: "dat dai" finds "Đất đai". */
    ui_on_key(u, '/', false, &ctx);
    ui_on_key(u, 0x15, false, &ctx); /* Ctrl-U clears the line */
    type("dat dai");
    ui_on_key(u, '\r', false, &ctx);
    t = frame();
    cr_assert(strstr(t, "PA-3") && !strstr(t, "PA-1"), "%s", t);
    free(t);
    ui_on_key(u, '/', false, &ctx);
    ui_on_key(u, 0x15, false, &ctx);
    type("!nghia");
    ui_on_key(u, '\r', false, &ctx);
    t = frame();
    cr_assert(strstr(t, "PA-1") && strstr(t, "PA-3") && !strstr(t, "PA-2"), "%s", t);
    free(t);
    /* Esc clears the filter before it goes back. */
    ui_on_action(u, ACT_BACK, &ctx);
    cr_assert(shows("PA-2"));
    cr_assert_str_eq(ui_view_name(u), "complaints");
}

Test(nav, command_line_scopes_and_scope_follows_view_switches)
{
    ui_on_key(u, ':', false, &ctx);
    type("unit nghia lo");
    ui_on_key(u, '\r', false, &ctx);
    char b[512];
    crumb(b, sizeof b);
    cr_assert(strstr(b, "Phường Nghĩa Lộ › Phản ánh"), "%s", b);
    char *t = frame();
    cr_assert(strstr(t, "PA-2") && !strstr(t, "PA-1"), "%s", t);
    free(t);
    /* Tab to another view and back: still scoped. */
    ui_on_action(u, ACT_NEXT_VIEW, &ctx);
    ui_on_action(u, ACT_PREV_VIEW, &ctx);
    crumb(b, sizeof b);
    cr_assert(strstr(b, "Phường Nghĩa Lộ"), "%s", b);
    /* Esc leaves the scope. */
    ui_on_action(u, ACT_BACK, &ctx);
    crumb(b, sizeof b);
    cr_assert_null(strstr(b, "Nghĩa Lộ"), "%s", b);
}

Test(nav, command_errors_and_presets)
{
    ui_on_key(u, ':', false, &ctx);
    type("unit xyz");
    ui_on_key(u, '\r', false, &ctx);
    cr_assert(shows("không tìm thấy xã/phường 'xyz'"));
    ui_on_key(u, ':', false, &ctx);
    type("complaints overdue");
    ui_on_key(u, '\r', false, &ctx);
    char *t = frame();
    cr_assert(strstr(t, "Phản ánh › quá hạn"), "%s", t);
    cr_assert(strstr(t, "PA-1") && !strstr(t, "PA-2"), "%s", t);
    free(t);
    ui_on_key(u, ':', false, &ctx);
    type("complaints sometimes");
    ui_on_key(u, '\r', false, &ctx);
    cr_assert(shows("không có bộ lọc 'sometimes'"));
    ui_on_key(u, ':', false, &ctx);
    type("q");
    cr_assert_eq(ui_on_key(u, '\r', false, &ctx), UI_QUIT);
}

Test(nav, tab_completes_commands_and_units)
{
    struct prompt p;
    prompt_open(&p, PROMPT_COMMAND, ":", "compl");
    prompt_key(&p, '\t', false, &ctx);
    cr_assert(strcmp(p.text, "complaint") == 0 || strcmp(p.text, "complaints") == 0, "%s", p.text);
    prompt_key(&p, '\t', false, &ctx);
    cr_assert(strcmp(p.text, "complaints") == 0 || strcmp(p.text, "complaint") == 0, "%s", p.text);
    prompt_open(&p, PROMPT_COMMAND, ":", "unit ngh");
    prompt_key(&p, '\t', false, &ctx);
    cr_assert_str_eq(p.text, "unit Nghĩa Hành");
    prompt_key(&p, '\t', false, &ctx);
    cr_assert_str_eq(p.text, "unit Nghĩa Lộ");
    prompt_key(&p, '\t', false, &ctx);
    cr_assert_str_eq(p.text, "unit Nghĩa Hành", "the cycle wraps");
    prompt_open(&p, PROMPT_COMMAND, ":", "complaints ov");
    prompt_key(&p, '\t', false, &ctx);
    cr_assert_str_eq(p.text, "complaints overdue");
}

Test(nav, find_unit_prefers_exact_then_prefix)
{
    size_t n;
    const struct unit *x = command_find_unit(store->units, "nghia", &n);
    cr_assert_not_null(x);
    cr_assert_eq(n, 2, "two units start with nghia");
    x = command_find_unit(store->units, "Phường Nghĩa Lộ", &n);
    cr_assert_str_eq(x->code, "21100");
    cr_assert_eq(n, 1);
    x = command_find_unit(store->units, "21300", &n);
    cr_assert_str_eq(x->name, "Đức Phổ");
    cr_assert_null(command_find_unit(store->units, "ha noi", &n));
}

Test(nav, sort_marks_the_column_and_reverses)
{
    free(frame());
    ui_on_action(u, ACT_SORT, &ctx); /* first sortable column: Mã */
    char *t = frame();
    cr_assert(strstr(t, "Mã▲"), "%s", t);
    char *a = strstr(t, "PA-1"), *d = strstr(t, "PA-4");
    cr_assert(a && d && a < d);
    free(t);
    ui_on_action(u, ACT_SORT_REVERSE, &ctx);
    t = frame();
    cr_assert(strstr(t, "Mã▼"), "%s", t);
    a = strstr(t, "PA-1");
    d = strstr(t, "PA-4");
    cr_assert(a && d && d < a);
    free(t);
}

Test(nav, pause_freezes_and_says_so)
{
    free(frame());
    ui_on_action(u, ACT_PAUSE, &ctx);
    cr_assert(ui_paused(u));
    cr_assert(shows("TẠM DỪNG"));
    struct complaint_batch *cb = complaint_batch_new();
    complaint(cb, "PA-9", "21025", "Cây xanh", NOW - 60);
    store_merge_complaints(store, cb);
    ui_mark_data(u);
    cr_assert_not(ui_needs_frame(u), "a paused screen does not redraw for data");
    cr_assert_not(shows("PA-9"));
    ui_on_action(u, ACT_PAUSE, &ctx);
    cr_assert(shows("PA-9"));
}

Test(nav, digits_switch_views_and_unknown_stays)
{
    free(frame());
    ui_on_action(u, ACT_VIEW_4, &ctx);
    cr_assert_str_eq(ui_view_name(u), "complaints", "4 is the complaint queue");
    ui_on_action(u, ACT_HELP, &ctx);
    cr_assert(ui_help_visible(u));
    cr_assert(shows("Trợ giúp"));
    cr_assert(shows("lọc bảng"));
    ui_on_action(u, ACT_BACK, &ctx);
    cr_assert_not(ui_help_visible(u));
}

Test(nav, mouse_click_selects_a_row)
{
    char *t = frame();
    /* Find the screen row of PA-3 and click it; Enter then opens PA-3. */
    int row = 0;
    for (size_t i = 0; t[i] && strncmp(t + i, "PA-3", 4) != 0; i++)
        row += t[i] == '\n';
    free(t);
    ui_on_mouse(u, row, 5, BUTTON1_CLICKED, &ctx);
    ui_on_action(u, ACT_ENTER, &ctx);
    char b[512];
    crumb(b, sizeof b);
    cr_assert(strstr(b, "PA-3"), "%s", b);
}
