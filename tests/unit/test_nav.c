/* The navigation grammar on a virtual screen: drill down and back with the breadcrumb, the
 * incremental / filter (folded, inverted), the : command line with completion, scoping that
 * follows view switches, sorting, pause, and the mouse. */
#include <criterion/criterion.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/cmdline.h"
#include "citydeck/store.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"
#include "harness.h"

#define NOW HARNESS_NOW

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

static struct harness_term term;

static void setup(void)
{
    harness_console_init();
    struct store *store = store_new();
    struct unit_batch *ub = harness_unit_batch();
    harness_unit(ub, "21025", "Cẩm Thành", "Phường Cẩm Thành", UNIT_WARD);
    harness_unit(ub, "21100", "Nghĩa Lộ", "Phường Nghĩa Lộ", UNIT_WARD);
    harness_unit(ub, "21200", "Nghĩa Hành", "Xã Nghĩa Hành", UNIT_COMMUNE);
    harness_unit(ub, "21300", "Đức Phổ", "Phường Đức Phổ", UNIT_WARD);
    store_merge_units(store, ub);
    struct complaint_batch *cb = complaint_batch_new();
    complaint(cb, "PA-1", "21025", "Vệ sinh môi trường", NOW - 7200);
    complaint(cb, "PA-2", "21100", "Giao thông", NOW + 3 * 86400);
    complaint(cb, "PA-3", "21300", "Đất đai", NOW + 86400 * 5);
    complaint(cb, "PA-4", "21025", "Điện chiếu sáng", NOW + 3600);
    store_merge_complaints(store, cb);
    harness_term_open(&term, store, "complaints", 120, 30, NOW);
}

static void teardown(void)
{
    harness_term_close_with_store(&term);
}

/* The screen as text after a frame. */
static char *frame(void)
{
    harness_term_frame(&term);
    return term.text;
}

static bool shows(const char *needle)
{
    return strstr(frame(), needle) != NULL;
}

/* The breadcrumb once a frame has resolved what the view shows. */
static const char *crumb(void)
{
    frame();
    return harness_term_crumb(&term);
}

TestSuite(nav, .init = setup, .fini = teardown);

Test(nav, enter_drills_down_and_esc_comes_back)
{
    frame();
    cr_assert_eq(ui_on_action(term.u, ACT_ENTER, &term.ctx), UI_NONE);
    cr_assert_str_eq(ui_view_name(term.u), "complaint");
    const char *b = crumb();
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Phản ánh › Chi tiết phản ánh › PA-1");
    cr_assert(shows("Hạn xử lý"));
    /* From the complaint to its ward: the scope joins the breadcrumb. */
    ui_on_action(term.u, ACT_ENTER, &term.ctx);
    cr_assert_str_eq(ui_view_name(term.u), "unit");
    b = crumb();
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Phản ánh › Chi tiết phản ánh › PA-1 › Phường Cẩm Thành");
    ui_on_action(term.u, ACT_BACK, &term.ctx);
    ui_on_action(term.u, ACT_BACK, &term.ctx);
    cr_assert_str_eq(ui_view_name(term.u), "complaints");
    cr_assert(shows("PA-3"));
}

Test(nav, filter_is_incremental_folded_and_invertible)
{
    ui_on_key(term.u, '/', false, &term.ctx);
    harness_term_keys(&term, "cam thanh");
    const char *t = frame();
    cr_assert(strstr(t, "PA-1") && strstr(t, "PA-4"), "%s", t);
    cr_assert_null(strstr(t, "PA-2"));
    cr_assert(strstr(t, "/cam thanh"), "the prompt shows what was typed");
    ui_on_key(term.u, '\r', false, &term.ctx);
    /* đ folds to d: "dat dai" finds "Đất đai". */
    ui_on_key(term.u, '/', false, &term.ctx);
    ui_on_key(term.u, 0x15, false, &term.ctx); /* Ctrl-U clears the line */
    harness_term_keys(&term, "dat dai");
    ui_on_key(term.u, '\r', false, &term.ctx);
    t = frame();
    cr_assert(strstr(t, "PA-3") && !strstr(t, "PA-1"), "%s", t);
    ui_on_key(term.u, '/', false, &term.ctx);
    ui_on_key(term.u, 0x15, false, &term.ctx);
    harness_term_keys(&term, "!nghia");
    ui_on_key(term.u, '\r', false, &term.ctx);
    t = frame();
    cr_assert(strstr(t, "PA-1") && strstr(t, "PA-3") && !strstr(t, "PA-2"), "%s", t);
    /* Esc clears the filter before it goes back. */
    ui_on_action(term.u, ACT_BACK, &term.ctx);
    cr_assert(shows("PA-2"));
    cr_assert_str_eq(ui_view_name(term.u), "complaints");
}

Test(nav, command_line_scopes_and_scope_follows_view_switches)
{
    harness_term_command(&term, "unit nghia lo");
    const char *b = crumb();
    cr_assert(strstr(b, "Phường Nghĩa Lộ › Phản ánh"), "%s", b);
    const char *t = frame();
    cr_assert(strstr(t, "PA-2") && !strstr(t, "PA-1"), "%s", t);
    /* Tab to another view and back: still scoped. */
    ui_on_action(term.u, ACT_NEXT_VIEW, &term.ctx);
    ui_on_action(term.u, ACT_PREV_VIEW, &term.ctx);
    b = crumb();
    cr_assert(strstr(b, "Phường Nghĩa Lộ"), "%s", b);
    /* Esc leaves the scope. */
    ui_on_action(term.u, ACT_BACK, &term.ctx);
    b = crumb();
    cr_assert_null(strstr(b, "Nghĩa Lộ"), "%s", b);
}

Test(nav, command_errors_and_presets)
{
    harness_term_command(&term, "unit xyz");
    cr_assert(shows("không tìm thấy xã/phường 'xyz'"));
    harness_term_command(&term, "complaints overdue");
    const char *t = frame();
    cr_assert(strstr(t, "Phản ánh › quá hạn"), "%s", t);
    cr_assert(strstr(t, "PA-1") && !strstr(t, "PA-2"), "%s", t);
    harness_term_command(&term, "complaints sometimes");
    cr_assert(shows("không có bộ lọc 'sometimes'"));
    harness_term_keys(&term, ":q");
    cr_assert_eq(ui_on_key(term.u, '\r', false, &term.ctx), UI_QUIT);
}

Test(nav, tab_completes_commands_and_units)
{
    struct prompt p;
    prompt_open(&p, PROMPT_COMMAND, ":", "compl");
    prompt_key(&p, '\t', false, &term.ctx);
    cr_assert(strcmp(p.text, "complaint") == 0 || strcmp(p.text, "complaints") == 0, "%s", p.text);
    prompt_key(&p, '\t', false, &term.ctx);
    cr_assert(strcmp(p.text, "complaints") == 0 || strcmp(p.text, "complaint") == 0, "%s", p.text);
    prompt_open(&p, PROMPT_COMMAND, ":", "unit ngh");
    prompt_key(&p, '\t', false, &term.ctx);
    cr_assert_str_eq(p.text, "unit Nghĩa Hành");
    prompt_key(&p, '\t', false, &term.ctx);
    cr_assert_str_eq(p.text, "unit Nghĩa Lộ");
    prompt_key(&p, '\t', false, &term.ctx);
    cr_assert_str_eq(p.text, "unit Nghĩa Hành", "the cycle wraps");
    prompt_open(&p, PROMPT_COMMAND, ":", "complaints ov");
    prompt_key(&p, '\t', false, &term.ctx);
    cr_assert_str_eq(p.text, "complaints overdue");
}

Test(nav, find_unit_prefers_exact_then_prefix)
{
    size_t n;
    const struct unit *x = command_find_unit(term.ctx.store->units, "nghia", &n);
    cr_assert_not_null(x);
    cr_assert_eq(n, 2, "two units start with nghia");
    x = command_find_unit(term.ctx.store->units, "Phường Nghĩa Lộ", &n);
    cr_assert_str_eq(x->code, "21100");
    cr_assert_eq(n, 1);
    x = command_find_unit(term.ctx.store->units, "21300", &n);
    cr_assert_str_eq(x->name, "Đức Phổ");
    cr_assert_null(command_find_unit(term.ctx.store->units, "ha noi", &n));
}

Test(nav, sort_marks_the_column_and_reverses)
{
    frame();
    ui_on_action(term.u, ACT_SORT, &term.ctx); /* first sortable column: Mã */
    const char *t = frame();
    cr_assert(strstr(t, "Mã▲"), "%s", t);
    char *a = strstr(t, "PA-1"), *d = strstr(t, "PA-4");
    cr_assert(a && d && a < d);
    ui_on_action(term.u, ACT_SORT_REVERSE, &term.ctx);
    t = frame();
    cr_assert(strstr(t, "Mã▼"), "%s", t);
    a = strstr(t, "PA-1");
    d = strstr(t, "PA-4");
    cr_assert(a && d && d < a);
}

Test(nav, pause_freezes_and_says_so)
{
    frame();
    ui_on_action(term.u, ACT_PAUSE, &term.ctx);
    cr_assert(ui_paused(term.u));
    cr_assert(shows("TẠM DỪNG"));
    struct complaint_batch *cb = complaint_batch_new();
    complaint(cb, "PA-9", "21025", "Cây xanh", NOW - 60);
    store_merge_complaints(term.ctx.store, cb);
    ui_mark_data(term.u);
    cr_assert_not(ui_needs_frame(term.u), "a paused screen does not redraw for data");
    cr_assert_not(shows("PA-9"));
    ui_on_action(term.u, ACT_PAUSE, &term.ctx);
    cr_assert(shows("PA-9"));
}

Test(nav, digits_switch_views_and_unknown_stays)
{
    frame();
    ui_on_action(term.u, ACT_VIEW_4, &term.ctx);
    cr_assert_str_eq(ui_view_name(term.u), "complaints", "4 is the complaint queue");
    ui_on_action(term.u, ACT_HELP, &term.ctx);
    cr_assert(ui_help_visible(term.u));
    cr_assert(shows("Trợ giúp"));
    cr_assert(shows("lọc bảng"));
    ui_on_action(term.u, ACT_BACK, &term.ctx);
    cr_assert_not(ui_help_visible(term.u));
}

Test(nav, mouse_click_selects_a_row)
{
    frame();
    /* Find the screen row of PA-3 and click it; Enter then opens PA-3. */
    int row = harness_find_row(term.lines, "PA-3");
    cr_assert_geq(row, 0, "%s", term.text);
    ui_on_mouse(term.u, row, 5, BUTTON1_CLICKED, &term.ctx);
    ui_on_action(term.u, ACT_ENTER, &term.ctx);
    const char *b = crumb();
    cr_assert(strstr(b, "PA-3"), "%s", b);
}
