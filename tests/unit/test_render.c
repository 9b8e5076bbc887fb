/* The complaint queue rendered on a virtual screen and read back as text: order, alignment
 * of Vietnamese text, folding on narrow terminals, the too-small message, hostile text. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/util.h"
#include "harness.h"

#define NOW HARNESS_NOW

static void add(struct complaint_batch *b, const char *id, const char *unit, int urgency,
                int64_t expected, const char *text)
{
    struct complaint *c = complaint_batch_push(b);
    c->id = xstrdup(id);
    c->category = xstrdup("Vệ sinh môi trường");
    c->unit_code = xstrdup("21025");
    c->unit_name = text_clean(unit, (size_t)-1, 0);
    c->agency = xstrdup("UBND phường");
    c->description = text_clean(text, (size_t)-1, 0);
    c->status = CST_IN_PROGRESS;
    c->urgency = (enum complaint_urgency)urgency;
    c->open = true;
    c->requested = NOW - 3600;
    c->updated = NOW - 60;
    c->expected = expected;
}

static struct store *sample_store(void)
{
    struct store *s = store_new();
    struct complaint_batch *b = complaint_batch_new();
    add(b, "PA-1", "Phường Cẩm Thành", CURG_NORMAL, NOW + 5 * 86400, "Rác thải ùn ứ");
    add(b, "PA-2", "Xã Nghĩa Lộ", CURG_NORMAL, NOW - 7200, "Đèn đường hỏng");
    add(b, "PA-3", "Đặc khu Lý Sơn", CURG_URGENT, NOW + 3 * 86400, "Cây đổ chắn đường");
    add(b, "PA-4", "Phường Trương Quang Trọng", CURG_NORMAL, NOW + 3600,
        "Tiếng ồn \x1b[2J\x1b]0;pwn\x07 karaoke \xe2\x80\xae đêm");
    store_merge_complaints(s, b);
    store_merge_units(s, harness_unit_batch());
    return s;
}

TestSuite(render, .init = harness_console_init);

Test(render, queue_is_ordered_by_urgency_and_aligned)
{
    struct store *s = sample_store();
    char **l = harness_render(s, "complaints", 120, 40, NOW);
    cr_assert_not_null(strstr(l[0], "Tỉnh Quảng Ngãi › Phản ánh"), "top bar: %s", l[0]);
    cr_assert_not_null(strstr(l[0], "02/03/2026 08:00:00"), "hub clock: %s", l[0]);
    cr_assert_geq(harness_find_row(l, "Đang mở 4 · quá hạn 1 · sắp đến hạn 1 · khẩn 1"), 0, "%s",
                  l[2]);
    int overdue = harness_find_row(l, "PA-2"), urgent = harness_find_row(l, "PA-3");
    int soon = harness_find_row(l, "PA-4"), ok = harness_find_row(l, "PA-1");
    cr_assert(overdue > 0 && overdue < urgent && urgent < soon && soon < ok, "order %d %d %d %d",
              overdue, urgent, soon, ok);
    cr_assert_not_null(strstr(l[overdue], "quá 2h00"), "%s", l[overdue]);
    /* The ward column starts at the same display column on every row. */
    int header = harness_find_row(l, "Xã/phường");
    int col = harness_column_of(l[header], "Xã/phường");
    cr_assert_eq(harness_column_of(l[ok], "Phường Cẩm Thành"), col);
    cr_assert_eq(harness_column_of(l[overdue], "Xã Nghĩa Lộ"), col);
    cr_assert_eq(harness_column_of(l[urgent], "Đặc khu Lý Sơn"), col);
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 120, "row %d too wide", i);
    harness_free_lines(l);
    store_free(s);
}

Test(render, hostile_text_is_inert)
{
    struct store *s = sample_store();
    char **l = harness_render(s, "complaints", 200, 40, NOW);
    int row = harness_find_row(l, "PA-4");
    cr_assert_geq(row, 0);
    cr_assert_null(strchr(l[row], '\x1b'));
    cr_assert_null(strstr(l[row], "\xe2\x80\xae"), "bidi override reached the screen");
    cr_assert_not_null(strstr(l[row], "karaoke"), "%s", l[row]);
    harness_free_lines(l);
    store_free(s);
}

Test(render, narrow_terminal_folds_columns)
{
    struct store *s = sample_store();
    char **l = harness_render(s, "complaints", 80, 24, NOW);
    int header = harness_find_row(l, "Xã/phường");
    cr_assert_geq(header, 0);
    cr_assert_null(strstr(l[header], "Nội dung"), "description folds away at 80 columns");
    cr_assert_null(strstr(l[header], "Đơn vị xử lý"));
    cr_assert_geq(harness_find_row(l, "Xã Nghĩa Lộ"), 0);
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 80);
    harness_free_lines(l);
    store_free(s);
}

Test(render, too_small_shows_one_line)
{
    struct store *s = sample_store();
    char **l = harness_render(s, "complaints", 30, 5, NOW);
    cr_assert_not_null(strstr(l[0], "Cửa sổ quá nhỏ"), "%s", l[0]);
    for (int i = 1; l[i]; i++)
        cr_assert_str_empty(l[i], "nothing else is drawn: row %d", i);
    harness_free_lines(l);
    store_free(s);
}

Test(render, empty_queue_says_so)
{
    struct store *s = store_new();
    char **l = harness_render(s, "complaints", 120, 40, NOW);
    cr_assert_geq(harness_find_row(l, "Không có phản ánh đang mở."), 0);
    harness_free_lines(l);
    store_free(s);
}
