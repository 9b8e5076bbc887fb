#include "citydeck/list.h"

#include <stdlib.h>
#include <string.h>

#include "citydeck/text.h"

void filter_set(struct filter *f, const char *text)
{
    filter_clear(f);
    str_copy(f->text, text ? text : "", sizeof f->text);
    const char *needle = f->text;
    f->invert = needle[0] == '!';
    if (f->invert)
        needle++;
    if (*needle || f->invert)
        f->folded = text_fold(needle);
}

void filter_clear(struct filter *f)
{
    free(f->folded);
    f->folded = NULL;
    f->text[0] = '\0';
    f->invert = false;
}

bool filter_active(const struct filter *f)
{
    return f && f->folded;
}

bool filter_pass(const struct filter *f, const char *text)
{
    if (!filter_active(f))
        return true;
    bool found = text_match(text, f->folded) != 0;
    return found != f->invert;
}

void list_init(struct list *l, const struct table_column *cols, int ncols, table_cell_fn cell,
               const struct list_ops *ops, void *ctx)
{
    memset(l, 0, sizeof *l);
    l->table.cols = cols;
    l->table.ncols = ncols;
    l->table.cell = cell;
    l->table.ctx = ctx;
    l->table.sort_col = -1;
    l->ops = ops;
    l->ctx = ctx;
}

struct list_keyed {
    uint64_t key;
    size_t item;
};

void list_free(struct list *l)
{
    free(l->items);
    free(l->keyed);
    free(l->scratch);
    l->items = NULL;
    l->keyed = l->scratch = NULL;
    l->n = l->cap = l->keyed_cap = 0;
}

void list_begin(struct list *l)
{
    l->n = 0;
    l->total = 0;
}

void list_add(struct list *l, size_t item)
{
    l->items = xgrow(l->items, &l->cap, l->n + 1, sizeof *l->items);
    l->items[l->n++] = item;
    l->total++;
}

/* qsort has no context argument; the list being sorted is set around the call (the loop
 * thread is the only one that draws). */
static const struct list *sorting;

static int compare_items(const void *a, const void *b)
{
    const struct list *l = sorting;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int col = l->table.sort_col;
    int r = col >= 0 ? l->ops->compare(l->ctx, x, y, col) : 0;
    if (col >= 0 && l->table.sort_desc)
        r = -r;
    if (r == 0)
        r = l->ops->compare(l->ctx, x, y, -1);
    if (r == 0)
        r = x < y ? -1 : x > y;
    return r;
}

/* LSD radix sort on the keys, a byte at a time, skipping bytes where every key agrees; stable,
 * so equal keys keep the order the items were added in. Returns false (nothing done) when the
 * view has no key for the column. */
static bool sort_by_keys(struct list *l)
{
    int col = l->table.sort_col;
    if (!l->ops->sort_key)
        return false;
    if (l->n > l->keyed_cap) {
        l->keyed_cap = l->n;
        l->keyed = xrealloc(l->keyed, l->keyed_cap * sizeof *l->keyed);
        l->scratch = xrealloc(l->scratch, l->keyed_cap * sizeof *l->scratch);
    }
    uint64_t all_or = 0, all_and = UINT64_MAX;
    for (size_t i = 0; i < l->n; i++) {
        uint64_t k;
        if (!l->ops->sort_key(l->ctx, l->items[i], col, &k))
            return false;
        if (col >= 0 && l->table.sort_desc)
            k = ~k;
        l->keyed[i] = (struct list_keyed){k, l->items[i]};
        all_or |= k;
        all_and &= k;
    }
    struct list_keyed *src = l->keyed, *dst = l->scratch;
    for (int shift = 0; shift < 64; shift += 8) {
        if (((all_or ^ all_and) >> shift & 0xff) == 0)
            continue; /* every key has the same byte here */
        size_t count[257] = {0};
        for (size_t i = 0; i < l->n; i++)
            count[(src[i].key >> shift & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < l->n; i++)
            dst[count[src[i].key >> shift & 0xff]++] = src[i];
        struct list_keyed *t = src;
        src = dst;
        dst = t;
    }
    for (size_t i = 0; i < l->n; i++)
        l->items[i] = src[i].item;
    return true;
}

static void remember(struct list *l)
{
    l->selected_key[0] = '\0';
    size_t item = list_selected(l);
    if (item != (size_t)-1)
        l->ops->key(l->ctx, item, l->selected_key, sizeof l->selected_key);
}

void list_end(struct list *l, const struct filter *f)
{
    if (filter_active(f) && l->ops->text) {
        struct buf b = {0};
        size_t kept = 0;
        for (size_t i = 0; i < l->n; i++) {
            buf_reset(&b);
            l->ops->text(l->ctx, l->items[i], &b);
            if (filter_pass(f, b.data ? b.data : ""))
                l->items[kept++] = l->items[i];
        }
        buf_free(&b);
        l->n = kept;
    }
    if (l->n > 1 && !sort_by_keys(l) && l->ops->compare) {
        sorting = l;
        qsort(l->items, l->n, sizeof *l->items, compare_items);
        sorting = NULL;
    }
    l->table.nrows = l->n;
    if (l->selected_key[0]) {
        char key[128];
        for (size_t i = 0; i < l->n; i++)
            if (strcmp(l->ops->key(l->ctx, l->items[i], key, sizeof key), l->selected_key) == 0) {
                l->table.selected = i;
                break;
            }
    }
    table_clamp(&l->table);
    remember(l);
}

size_t list_count(const struct list *l)
{
    return l->n;
}

size_t list_item(const struct list *l, size_t row)
{
    return row < l->n ? l->items[row] : (size_t)-1;
}

size_t list_selected(const struct list *l)
{
    return list_item(l, l->table.selected);
}

bool list_on_action(struct list *l, enum action a)
{
    if (!table_on_action(&l->table, a))
        return false;
    remember(l);
    return true;
}

void list_sort_next(struct list *l, int width)
{
    int widths[64];
    int ncols = l->table.ncols < 64 ? l->table.ncols : 64;
    struct table t = l->table;
    t.ncols = ncols;
    table_layout(&t, width, widths);
    for (int c = l->table.sort_col + 1; c < ncols; c++)
        if (widths[c] > 0 && !l->table.cols[c].nosort) {
            l->table.sort_col = c;
            /* Numbers read best largest first, words A to Z. */
            l->table.sort_desc = l->table.cols[c].right;
            return;
        }
    l->table.sort_col = -1;
    l->table.sort_desc = false;
}

void list_sort_reverse(struct list *l)
{
    if (l->table.sort_col < 0)
        list_sort_next(l, 1000);
    else
        l->table.sort_desc = !l->table.sort_desc;
}

bool list_click(struct list *l, int y)
{
    size_t row = table_row_at(&l->table, y);
    if (row == (size_t)-1)
        return false;
    l->table.selected = row;
    remember(l);
    return true;
}
