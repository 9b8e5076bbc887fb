#include "citydeck/timeheap.h"

#include <stdlib.h>

#include "citydeck/util.h"

static void swap(struct timeheap_entry *a, struct timeheap_entry *b)
{
    struct timeheap_entry x = *a;
    *a = *b;
    *b = x;
}

static void sift_down(struct timeheap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && h->v[l].when < h->v[m].when)
            m = l;
        if (r < h->n && h->v[r].when < h->v[m].when)
            m = r;
        if (m == i)
            return;
        swap(&h->v[i], &h->v[m]);
        i = m;
    }
}

void timeheap_push(struct timeheap *h, int64_t when, size_t idx, uint32_t version)
{
    h->v = xgrow(h->v, &h->cap, h->n + 1, sizeof *h->v);
    size_t i = h->n++;
    h->v[i] = (struct timeheap_entry){when, idx, version};
    while (i > 0 && h->v[(i - 1) / 2].when > h->v[i].when) {
        swap(&h->v[(i - 1) / 2], &h->v[i]);
        i = (i - 1) / 2;
    }
}

struct timeheap_entry timeheap_pop(struct timeheap *h)
{
    struct timeheap_entry top = h->v[0];
    h->v[0] = h->v[--h->n];
    sift_down(h, 0);
    return top;
}

void timeheap_filter(struct timeheap *h, bool (*keep)(const struct timeheap_entry *e, void *ctx),
                     void *ctx)
{
    size_t k = 0;
    for (size_t i = 0; i < h->n; i++)
        if (keep(&h->v[i], ctx))
            h->v[k++] = h->v[i];
    h->n = k;
    for (size_t i = k / 2; i-- > 0;)
        sift_down(h, i);
}

void timeheap_free(struct timeheap *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}
