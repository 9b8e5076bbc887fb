/* The one generic drill-down list (tmux's mode-tree idea): a table whose rows are item
 * indexes into a store table, with the filter, the sort column and a selection that stays on
 * its record while the data moves. Views say which items belong (scope, preset) and how to
 * compare, show and search them; the list does the rest the same way everywhere.
 *
 * Items are stable table indexes, never pointers, so a list built before a merge still
 * draws the current values afterwards (the frame holds re-sorting while the user moves). */
#ifndef CITYDECK_LIST_H
#define CITYDECK_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/table.h"
#include "citydeck/util.h"

/* The / filter: a folded needle, optionally inverted with a leading '!'. */
struct filter {
    char text[128]; /* as typed */
    char *folded;   /* text_fold of the needle (without '!'); NULL = no filter */
    bool invert;
};

/* Sets the filter from typed text ("" clears it). */
void filter_set(struct filter *f, const char *text);
void filter_clear(struct filter *f);
bool filter_active(const struct filter *f);
/* Whether text (any case, any marks) passes the filter. */
bool filter_pass(const struct filter *f, const char *text);

struct list_ops {
    /* The item's stable key (record id) for keeping the selection. */
    const char *(*key)(void *ctx, size_t item, char *buf, size_t n);
    /* Appends what the filter searches (the visible text of the row is a good choice). */
    void (*text)(void *ctx, size_t item, struct buf *out);
    /* Orders two items by a column (ascending); col -1 is the view's default order, which
     * must be total (end with the key) so the order never flickers. */
    int (*compare)(void *ctx, size_t a, size_t b, int col);
    /* Optional fast path for big lists: an unsigned key that orders items by col (-1 = the
     * default order) ascending, or false when the column has none. Ties keep the order the
     * items were added in (table order), so the order stays total. Sorting by keys is a
     * radix sort: no comparison callbacks for 25,000 open complaints. */
    bool (*sort_key)(void *ctx, size_t item, int col, uint64_t *key);
};

struct list {
    struct table table; /* cols, ncols, cell, ctx: set by the view; nrows by the list */
    const struct list_ops *ops;
    void *ctx;
    size_t *items;
    size_t n, cap;
    size_t total; /* items offered before the filter */
    struct list_keyed *keyed, *scratch; /* radix sort buffers, reused */
    size_t keyed_cap;
    char selected_key[128];
};

/* cols/ncols and cell: as for a table; the cell callback gets row numbers (list_item maps
 * them to items). */
void list_init(struct list *l, const struct table_column *cols, int ncols, table_cell_fn cell,
               const struct list_ops *ops, void *ctx);
void list_free(struct list *l);
/* Rebuilding: begin, add every item in scope, end (filter, sort, selection restored). */
void list_begin(struct list *l);
void list_add(struct list *l, size_t item);
void list_end(struct list *l, const struct filter *f);
size_t list_count(const struct list *l);
size_t list_item(const struct list *l, size_t row);
/* The selected item, or (size_t)-1 when the list is empty. */
size_t list_selected(const struct list *l);
/* Moves the selection (table keys); remembers the selected key. */
bool list_on_action(struct list *l, enum action a);
/* s: the next sortable shown column (after the last, back to the default order); S: reverse.
 * width: the table's last drawn width decides which columns are shown. */
void list_sort_next(struct list *l, int width);
void list_sort_reverse(struct list *l);
/* Selects the row at screen row y (mouse); true if there was one. */
bool list_click(struct list *l, int y);

#endif
