/* The generic table: column layout and selection movement. */
#include <criterion/criterion.h>

#include "citydeck/table.h"

static const struct table_column cols[] = {
    {"A", 10, 0, false, 0, false},
    {"B", 6, 1, true, 0, false},
    {"C", 8, 3, false, 100, false},
};

static struct table make(size_t nrows)
{
    struct table t = {0};
    t.cols = cols;
    t.ncols = 3;
    t.nrows = nrows;
    t.page = 10;
    return t;
}

Test(table, layout_fills_width_with_flex_columns)
{
    struct table t = make(0);
    int w[3];
    table_layout(&t, 120, w);
    /* 120 - 2 separators = 118; fixed 24, spare 94 split 1:3 → 23 + 71 (remainder last). */
    cr_assert_eq(w[0], 10);
    cr_assert_eq(w[1], 6 + 23);
    cr_assert_eq(w[2], 8 + 71);
    cr_assert_eq(w[0] + w[1] + w[2] + 2, 120);
}

Test(table, layout_hides_columns_below_their_minimum)
{
    struct table t = make(0);
    int w[3];
    table_layout(&t, 80, w);
    cr_assert_eq(w[2], 0, "column C hides under 100 columns");
    cr_assert_eq(w[0] + w[1] + 1, 80);
}

Test(table, layout_shrinks_from_the_right_when_too_narrow)
{
    struct table t = make(0);
    int w[3];
    table_layout(&t, 12, w);
    cr_assert_eq(w[2], 0);
    cr_assert_eq(w[0], 10);
    cr_assert_eq(w[1], 1, "B keeps what is left: 12 - 10 - 1 separator");
}

Test(table, navigation_stays_in_range)
{
    struct table t = make(25);
    cr_assert(table_on_action(&t, ACT_DOWN));
    cr_assert_eq(t.selected, 1);
    table_on_action(&t, ACT_PAGE_DOWN);
    cr_assert_eq(t.selected, 10, "a page is page - 1 rows");
    table_on_action(&t, ACT_END);
    cr_assert_eq(t.selected, 24);
    table_on_action(&t, ACT_DOWN);
    cr_assert_eq(t.selected, 24);
    table_on_action(&t, ACT_PAGE_DOWN);
    cr_assert_eq(t.selected, 24);
    table_on_action(&t, ACT_HOME);
    cr_assert_eq(t.selected, 0);
    table_on_action(&t, ACT_UP);
    cr_assert_eq(t.selected, 0);
    cr_assert_not(table_on_action(&t, ACT_QUIT), "other actions are not the table's");
}

Test(table, clamp_after_rows_disappear)
{
    struct table t = make(25);
    t.selected = 20;
    t.nrows = 5;
    table_clamp(&t);
    cr_assert_eq(t.selected, 4);
    t.nrows = 0;
    table_clamp(&t);
    cr_assert_eq(t.selected, 0);
}
