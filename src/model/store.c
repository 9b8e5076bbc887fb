/* The store: owned by the loop thread; merges are the only writers. */
#include "citydeck/store.h"

#include "citydeck/util.h"

#include <stdlib.h>

struct store *store_new(void)
{
    struct store *s = xcalloc(1, sizeof *s);
    s->complaints = complaint_table_new();
    return s;
}

void store_free(struct store *s)
{
    if (!s)
        return;
    complaint_table_free(s->complaints);
    free(s);
}

void store_merge_complaints(struct store *s, struct complaint_batch *b)
{
    if (!b)
        return;
    /* An unchanged poll (the common case) must not bump the generation: views redraw on a
     * generation change, and an idle console should send nothing to the terminal. */
    if (s && complaint_table_merge(s->complaints, b) > 0)
        s->generation++;
    complaint_batch_free(b);
}
