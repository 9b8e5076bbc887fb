/* Indicator batches and the indicator store.
 *
 * A province has ~100 communes and wards (3,321 nationally), 12-24 indicators each and a few
 * dozen periods, so the store can hold hundreds of thousands of cells. Unit codes, indicator
 * ids and periods are interned once (a string table with a strmap each), and
 * a cell is three small integers and two doubles, found by a hash on the triple. Cells are
 * never removed: a merge replaces values by key, which is all a statistics feed does.
 *
 * What the views ask for most (met / not met per unit and period) is kept up to date by the
 * merge instead of being recounted on every draw; latest periods and period order likewise.
 * None of it is shared with the worker threads: the store belongs to the loop thread. */
#include "citydeck/indicators.h"

#include "citydeck/strmap.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE UINT32_MAX

/* ---- interned strings ----------------------------------------------------------------- */

struct strtab {
    char **s;
    size_t n, cap;
    struct strmap keys; /* s[k] -> k */
};

static uint32_t strtab_find(const struct strtab *t, const char *s)
{
    size_t k = strmap_get(&t->keys, s);
    return k == STRMAP_NONE ? NONE : (uint32_t)k;
}

/* Returns the key of s, adding a copy when new; *added tells which. */
static uint32_t strtab_intern(struct strtab *t, const char *s, bool *added)
{
    uint32_t k = strtab_find(t, s);
    if (added)
        *added = k == NONE;
    if (k != NONE)
        return k;
    t->s = xgrow(t->s, &t->cap, t->n + 1, sizeof *t->s);
    k = (uint32_t)t->n;
    t->s[t->n++] = xstrdup(s);
    strmap_put(&t->keys, t->s[k], k);
    return k;
}

static void strtab_free(struct strtab *t)
{
    for (size_t k = 0; k < t->n; k++)
        free(t->s[k]);
    free(t->s);
    strmap_free(&t->keys);
    memset(t, 0, sizeof *t);
}

/* ---- batch ---------------------------------------------------------------------------- */

struct indicator_keys {
    struct strtab units, indicators, periods;
};

struct indicator_batch *indicator_batch_new(void)
{
    struct indicator_batch *b = xcalloc(1, sizeof *b);
    b->keys = xcalloc(1, sizeof *b->keys);
    return b;
}

static void meta_clear(struct indicator_meta *m)
{
    free(m->id);
    free(m->label);
    free(m->unit);
    memset(m, 0, sizeof *m);
}

void indicator_batch_free(struct indicator_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nmeta; i++)
        meta_clear(&b->meta[i]);
    free(b->meta);
    free(b->cells);
    strtab_free(&b->keys->units);
    strtab_free(&b->keys->indicators);
    strtab_free(&b->keys->periods);
    free(b->keys);
    free(b);
}

struct indicator_cell *indicator_batch_push(struct indicator_batch *b, const char *unit,
                                            const char *indicator, const char *period)
{
    bool added;
    uint32_t ind = strtab_intern(&b->keys->indicators, indicator ? indicator : "", &added);
    if (added) {
        b->meta = xgrow(b->meta, &b->cap_meta, b->nmeta + 1, sizeof *b->meta);
        struct indicator_meta *m = &b->meta[b->nmeta++];
        memset(m, 0, sizeof *m);
        m->id = xstrdup(b->keys->indicators.s[ind]);
        m->decimals = IND_NO_DECIMALS;
        m->direction = indicator_direction_guess(m->id, NULL);
    }
    b->cells = xgrow(b->cells, &b->cap, b->n + 1, sizeof *b->cells);
    struct indicator_cell *c = &b->cells[b->n++];
    c->unit = strtab_intern(&b->keys->units, unit ? unit : "", NULL);
    c->indicator = ind;
    c->period = strtab_intern(&b->keys->periods, period ? period : "", NULL);
    c->plan = c->actual = NAN;
    c->plan_status = c->actual_status = 0;
    return c;
}

struct indicator_meta *indicator_batch_meta(struct indicator_batch *b, const char *indicator)
{
    uint32_t k = strtab_find(&b->keys->indicators, indicator);
    return k == NONE ? NULL : &b->meta[k];
}

const char *indicator_batch_unit(const struct indicator_batch *b, uint32_t k)
{
    return k < b->keys->units.n ? b->keys->units.s[k] : NULL;
}

const char *indicator_batch_period(const struct indicator_batch *b, uint32_t k)
{
    return k < b->keys->periods.n ? b->keys->periods.s[k] : NULL;
}

/* ---- direction, completion, outcome ----------------------------------------------------- */

/* Folded words, matched at word starts. A trailing '*' matches any word ending ("unemploy*"
 * matches "unemployment"); otherwise the match must end at a word end, so "unr" (OECD's
 * unemployment rate) does not catch "unrest". */
static const char *const lower_words[] = {
    "ngheo",          "poverty",      "poor",                  /* poverty rates */
    "that nghiep",    "unemploy*",    "unr",       "jobless",  /* unemployment */
    "tu vong",        "mortality",    "death*",                /* mortality */
    "suy dinh duong", "malnutrition", "stunting",              /* child malnutrition */
    "tai nan",        "accident*",    "toi pham",  "crime*",   /* accidents, crime */
    "qua han",        "tre han",      "overdue",               /* late dossiers */
    "o nhiem",        "pollution",    "aqi",                   /* environment */
    "lam phat",       "inflation",    "no xau",    "bad debt", /* economy */
    "bo hoc",         "dropout*",     "con thu 3", "vi pham",  "violation*", /* social */
};
/* Checked first: reducing poverty or leaving it is an achievement. */
static const char *const higher_words[] = {
    "thoat ngheo", "giam ngheo", "out of poverty", "poverty reduction", "reduction in*",
};

/* Folded, with every run of non-alphanumeric bytes turned into one space and a space at both
 * ends, so word matching is a plain strstr for " word". */
static char *word_key(const char *s)
{
    char *f = text_fold(s);
    size_t n = strlen(f);
    char *out = xmalloc(n + 3);
    size_t o = 0;
    out[o++] = ' ';
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)f[i];
        if (isalnum(ch) || ch >= 0x80)
            out[o++] = (char)ch;
        else if (out[o - 1] != ' ')
            out[o++] = ' ';
    }
    if (out[o - 1] != ' ')
        out[o++] = ' ';
    out[o] = '\0';
    free(f);
    return out;
}

static bool has_word(const char *key, const char *word)
{
    char pat[64];
    size_t n = strlen(word);
    bool prefix = n > 0 && word[n - 1] == '*';
    /* " word " for a whole word, " word" for a prefix. */
    snprintf(pat, sizeof pat, " %.*s%s", (int)(prefix ? n - 1 : n), word, prefix ? "" : " ");
    return strstr(key, pat) != NULL;
}

static bool matches_any(const char *key, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has_word(key, words[i]))
            return true;
    return false;
}

enum indicator_direction indicator_direction_guess(const char *id, const char *label)
{
    enum indicator_direction d = IND_HIGHER_BETTER;
    const char *texts[] = {id, label};
    bool decided = false;
    for (size_t t = 0; t < ARRAY_LEN(texts) && !decided; t++) {
        if (!texts[t] || !*texts[t])
            continue;
        char *key = word_key(texts[t]);
        if (matches_any(key, higher_words, ARRAY_LEN(higher_words))) {
            decided = true;
        } else if (matches_any(key, lower_words, ARRAY_LEN(lower_words))) {
            d = IND_LOWER_BETTER;
            decided = true;
        }
        free(key);
    }
    return d;
}

bool indicator_direction_parse(const char *s, enum indicator_direction *out)
{
    static const char *const higher[] = {"higher", "high", "cao", "up", "tang"};
    static const char *const lower[] = {"lower", "low", "thap", "down", "giam"};
    if (!s)
        return false;
    for (size_t i = 0; i < ARRAY_LEN(higher); i++) {
        if (strcasecmp(s, higher[i]) == 0) {
            *out = IND_HIGHER_BETTER;
            return true;
        }
        if (strcasecmp(s, lower[i]) == 0) {
            *out = IND_LOWER_BETTER;
            return true;
        }
    }
    return false;
}

double indicator_completion(enum indicator_direction d, double plan, double actual)
{
    if (isnan(plan) || isnan(actual) || isinf(plan) || isinf(actual))
        return NAN;
    /* Lower-is-better swaps the roles: the plan is what the actual must stay under. */
    double num = d == IND_LOWER_BETTER ? plan : actual;
    double den = d == IND_LOWER_BETTER ? actual : plan;
    if (den < 0 || num < 0)
        return NAN; /* a ratio of negative targets or results reads backwards */
    if (den == 0)
        return num == 0 ? 1.0 : INFINITY;
    return num / den;
}

enum indicator_outcome indicator_outcome(enum indicator_direction d, double plan, double actual)
{
    if (isnan(actual))
        return IND_NOT_REPORTED;
    if (isnan(plan))
        return IND_NO_PLAN;
    bool met = d == IND_LOWER_BETTER ? actual <= plan : actual >= plan;
    return met ? IND_MET : IND_NOT_MET;
}

int indicator_period_cmp(const char *a, const char *b)
{
    const char *a0 = a, *b0 = b;
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0' && isdigit((unsigned char)a[1]))
                a++;
            while (*b == '0' && isdigit((unsigned char)b[1]))
                b++;
            size_t na = 0, nb = 0;
            while (isdigit((unsigned char)a[na]))
                na++;
            while (isdigit((unsigned char)b[nb]))
                nb++;
            if (na != nb)
                return na < nb ? -1 : 1;
            int c = memcmp(a, b, na);
            if (c)
                return c;
            a += na;
            b += nb;
        } else if (*a != *b) {
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        } else {
            a++;
            b++;
        }
    }
    if (*a || *b)
        return *a ? 1 : -1;
    /* "2025M01" and "2025M1" are the same period in value; strcmp keeps the order total. */
    return strcmp(a0, b0);
}

/* ---- store ---------------------------------------------------------------------------- */

struct scell {
    uint32_t u, i, p;
    double plan, actual;
    uint8_t plan_status, actual_status;
};

struct tally_rec {
    uint32_t u, p;
    struct indicator_tally t;
};

struct indicator_store {
    struct strtab units, inds, periods;
    struct indicator_meta *meta; /* parallel to inds */
    uint32_t *latest;            /* per indicator: period key, NONE when nothing reported */
    size_t cap_meta, cap_latest;
    uint32_t *order; /* period keys by rank */
    uint32_t *rank;  /* rank by period key */
    size_t cap_order, cap_rank;

    struct scell *cells;
    size_t n, cap;
    uint32_t *cslots; /* cell index + 1 */
    size_t ncslots;

    struct tally_rec *tallies;
    size_t ntallies, cap_tallies;
    uint32_t *tslots;
    size_t ntslots;
};

static uint64_t mix(uint64_t h)
{
    /* The splitmix64 finalizer: the triples are small dense integers and need spreading. */
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

static uint64_t cell_hash(uint32_t u, uint32_t i, uint32_t p)
{
    return mix(((uint64_t)u << 32 | i) ^ mix(p));
}

static uint64_t tally_hash(uint32_t u, uint32_t p)
{
    return mix((uint64_t)u << 32 | p);
}

static void cells_rehash(struct indicator_store *s, size_t nslots)
{
    free(s->cslots);
    s->cslots = xcalloc(nslots, sizeof *s->cslots);
    s->ncslots = nslots;
    size_t mask = nslots - 1;
    for (size_t k = 0; k < s->n; k++) {
        const struct scell *c = &s->cells[k];
        size_t i = (size_t)cell_hash(c->u, c->i, c->p) & mask;
        while (s->cslots[i])
            i = (i + 1) & mask;
        s->cslots[i] = (uint32_t)k + 1;
    }
}

static struct scell *cell_find(const struct indicator_store *s, uint32_t u, uint32_t i, uint32_t p)
{
    if (!s->ncslots || u == NONE || i == NONE || p == NONE)
        return NULL;
    size_t mask = s->ncslots - 1;
    for (size_t k = (size_t)cell_hash(u, i, p) & mask; s->cslots[k]; k = (k + 1) & mask) {
        struct scell *c = &s->cells[s->cslots[k] - 1];
        if (c->u == u && c->i == i && c->p == p)
            return c;
    }
    return NULL;
}

static struct scell *cell_add(struct indicator_store *s, uint32_t u, uint32_t i, uint32_t p)
{
    if ((s->n + 1) * 10 > s->ncslots * 7)
        cells_rehash(s, s->ncslots ? s->ncslots * 2 : 1024);
    s->cells = xgrow(s->cells, &s->cap, s->n + 1, sizeof *s->cells);
    struct scell *c = &s->cells[s->n];
    *c = (struct scell){.u = u, .i = i, .p = p, .plan = NAN, .actual = NAN};
    size_t mask = s->ncslots - 1;
    size_t k = (size_t)cell_hash(u, i, p) & mask;
    while (s->cslots[k])
        k = (k + 1) & mask;
    s->cslots[k] = (uint32_t)s->n + 1;
    s->n++;
    return c;
}

static void tallies_rehash(struct indicator_store *s, size_t nslots)
{
    free(s->tslots);
    s->tslots = xcalloc(nslots, sizeof *s->tslots);
    s->ntslots = nslots;
    size_t mask = nslots - 1;
    for (size_t k = 0; k < s->ntallies; k++) {
        size_t i = (size_t)tally_hash(s->tallies[k].u, s->tallies[k].p) & mask;
        while (s->tslots[i])
            i = (i + 1) & mask;
        s->tslots[i] = (uint32_t)k + 1;
    }
}

static struct tally_rec *tally_find(const struct indicator_store *s, uint32_t u, uint32_t p)
{
    if (!s->ntslots || u == NONE || p == NONE)
        return NULL;
    size_t mask = s->ntslots - 1;
    for (size_t k = (size_t)tally_hash(u, p) & mask; s->tslots[k]; k = (k + 1) & mask) {
        struct tally_rec *t = &s->tallies[s->tslots[k] - 1];
        if (t->u == u && t->p == p)
            return t;
    }
    return NULL;
}

static struct tally_rec *tally_get(struct indicator_store *s, uint32_t u, uint32_t p)
{
    struct tally_rec *t = tally_find(s, u, p);
    if (t)
        return t;
    if ((s->ntallies + 1) * 10 > s->ntslots * 7)
        tallies_rehash(s, s->ntslots ? s->ntslots * 2 : 256);
    s->tallies = xgrow(s->tallies, &s->cap_tallies, s->ntallies + 1, sizeof *s->tallies);
    t = &s->tallies[s->ntallies];
    *t = (struct tally_rec){.u = u, .p = p};
    size_t mask = s->ntslots - 1;
    size_t k = (size_t)tally_hash(u, p) & mask;
    while (s->tslots[k])
        k = (k + 1) & mask;
    s->tslots[k] = (uint32_t)s->ntallies + 1;
    s->ntallies++;
    return t;
}

static size_t *tally_slot(struct indicator_tally *t, enum indicator_outcome o)
{
    switch (o) {
    case IND_MET:
        return &t->met;
    case IND_NOT_MET:
        return &t->not_met;
    case IND_NO_PLAN:
        return &t->no_plan;
    case IND_NOT_REPORTED:
        break;
    }
    return &t->not_reported;
}

static enum indicator_outcome cell_outcome(const struct indicator_store *s, const struct scell *c)
{
    return indicator_outcome(s->meta[c->i].direction, c->plan, c->actual);
}

/* A direction change re-judges every cell of the indicator; recounting everything is simpler
 * than finding them and happens only when a feed's configuration changes. */
static void tallies_rebuild(struct indicator_store *s)
{
    for (size_t k = 0; k < s->ntallies; k++)
        memset(&s->tallies[k].t, 0, sizeof s->tallies[k].t);
    for (size_t k = 0; k < s->n; k++) {
        const struct scell *c = &s->cells[k];
        (*tally_slot(&tally_get(s, c->u, c->p)->t, cell_outcome(s, c)))++;
    }
}

struct period_key {
    const char *s;
    uint32_t k;
};

static int period_key_cmp(const void *a, const void *b)
{
    return indicator_period_cmp(((const struct period_key *)a)->s,
                                ((const struct period_key *)b)->s);
}

/* Sorts (string, key) pairs: qsort has no context argument in C11, and a file-level pointer
 * to the table would be global mutable state. */
static void periods_reorder(struct indicator_store *s)
{
    size_t n = s->periods.n;
    s->order = xgrow(s->order, &s->cap_order, n, sizeof *s->order);
    s->rank = xgrow(s->rank, &s->cap_rank, n, sizeof *s->rank);
    struct period_key *keys = xmalloc((n ? n : 1) * sizeof *keys);
    for (size_t k = 0; k < n; k++)
        keys[k] = (struct period_key){s->periods.s[k], (uint32_t)k};
    qsort(keys, n, sizeof *keys, period_key_cmp);
    for (size_t r = 0; r < n; r++) {
        s->order[r] = keys[r].k;
        s->rank[keys[r].k] = (uint32_t)r;
    }
    free(keys);
}

struct indicator_store *indicator_store_new(void)
{
    return xcalloc(1, sizeof(struct indicator_store));
}

void indicator_store_free(struct indicator_store *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->inds.n; k++)
        meta_clear(&s->meta[k]);
    free(s->meta);
    free(s->latest);
    free(s->order);
    free(s->rank);
    free(s->cells);
    free(s->cslots);
    free(s->tallies);
    free(s->tslots);
    strtab_free(&s->units);
    strtab_free(&s->inds);
    strtab_free(&s->periods);
    free(s);
}

static bool str_same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool num_same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Adds or replaces the store's meta record; returns its key and sets *changed and, when the
 * direction moved, *rejudge. */
static uint32_t meta_merge(struct indicator_store *s, const struct indicator_meta *m, bool *changed,
                           bool *rejudge)
{
    bool added;
    uint32_t k = strtab_intern(&s->inds, m->id, &added);
    if (added) {
        s->meta = xgrow(s->meta, &s->cap_meta, s->inds.n, sizeof *s->meta);
        s->latest = xgrow(s->latest, &s->cap_latest, s->inds.n, sizeof *s->latest);
        memset(&s->meta[k], 0, sizeof s->meta[k]);
        s->meta[k].id = xstrdup(m->id);
        s->latest[k] = NONE;
    } else if (str_same(s->meta[k].label, m->label) && str_same(s->meta[k].unit, m->unit) &&
               s->meta[k].decimals == m->decimals && s->meta[k].direction == m->direction) {
        *changed = false;
        return k;
    }
    struct indicator_meta *dst = &s->meta[k];
    if (!added && dst->direction != m->direction)
        *rejudge = true;
    free(dst->label);
    free(dst->unit);
    dst->label = dup_or_null(m->label);
    dst->unit = dup_or_null(m->unit);
    dst->decimals = m->decimals;
    dst->direction = m->direction;
    *changed = true;
    return k;
}

static bool reported(double v)
{
    return !isnan(v);
}

/* Recomputes the latest period of the flagged indicators from the cells. */
static void latest_recompute(struct indicator_store *s, const bool *stale)
{
    for (size_t k = 0; k < s->inds.n; k++)
        if (stale[k])
            s->latest[k] = NONE;
    for (size_t k = 0; k < s->n; k++) {
        const struct scell *c = &s->cells[k];
        if (!stale[c->i] || !reported(c->actual))
            continue;
        if (s->latest[c->i] == NONE || s->rank[c->p] > s->rank[s->latest[c->i]])
            s->latest[c->i] = c->p;
    }
}

size_t indicator_store_merge(struct indicator_store *s, const struct indicator_batch *b)
{
    if (!s || !b)
        return 0;
    size_t changed = 0;
    bool rejudge = false;

    /* Batch keys -> store keys, all interned before any cell so ranks and metas are ready. */
    uint32_t *imap = xcalloc(b->nmeta + 1, sizeof *imap);
    for (size_t k = 0; k < b->nmeta; k++) {
        bool ch = false;
        imap[k] = meta_merge(s, &b->meta[k], &ch, &rejudge);
        changed += ch;
    }
    const struct indicator_keys *bk = b->keys;
    uint32_t *umap = xcalloc(bk->units.n + 1, sizeof *umap);
    for (size_t k = 0; k < bk->units.n; k++)
        umap[k] = strtab_intern(&s->units, bk->units.s[k], NULL);
    uint32_t *pmap = xcalloc(bk->periods.n + 1, sizeof *pmap);
    size_t nperiods = s->periods.n;
    for (size_t k = 0; k < bk->periods.n; k++)
        pmap[k] = strtab_intern(&s->periods, bk->periods.s[k], NULL);
    if (s->periods.n != nperiods)
        periods_reorder(s);

    bool *stale = xcalloc(s->inds.n + 1, sizeof *stale);
    bool any_stale = false;
    for (size_t k = 0; k < b->n; k++) {
        const struct indicator_cell *bc = &b->cells[k];
        if (bc->unit >= bk->units.n || bc->indicator >= b->nmeta || bc->period >= bk->periods.n)
            continue; /* not made by indicator_batch_push */
        uint32_t u = umap[bc->unit], i = imap[bc->indicator], p = pmap[bc->period];
        struct scell *c = cell_find(s, u, i, p);
        struct tally_rec *t = tally_get(s, u, p);
        if (c) {
            if (num_same(c->plan, bc->plan) && num_same(c->actual, bc->actual) &&
                c->plan_status == bc->plan_status && c->actual_status == bc->actual_status)
                continue;
            (*tally_slot(&t->t, cell_outcome(s, c)))--;
            if (reported(c->actual) && !reported(bc->actual) && s->latest[i] == p) {
                stale[i] = true;
                any_stale = true;
            }
        } else {
            c = cell_add(s, u, i, p);
        }
        c->plan = bc->plan;
        c->actual = bc->actual;
        c->plan_status = bc->plan_status;
        c->actual_status = bc->actual_status;
        (*tally_slot(&t->t, cell_outcome(s, c)))++;
        if (reported(c->actual) && (s->latest[i] == NONE || s->rank[p] > s->rank[s->latest[i]]))
            s->latest[i] = p;
        changed++;
    }
    if (rejudge)
        tallies_rebuild(s);
    if (any_stale)
        latest_recompute(s, stale);
    free(stale);
    free(imap);
    free(umap);
    free(pmap);
    return changed;
}

size_t indicator_store_count(const struct indicator_store *s)
{
    return s ? s->n : 0;
}

static void value_fill(const struct indicator_store *s, const struct scell *c,
                       struct indicator_value *out)
{
    out->unit = s->units.s[c->u];
    out->indicator = s->inds.s[c->i];
    out->period = s->periods.s[c->p];
    out->plan = c->plan;
    out->actual = c->actual;
    out->plan_status = c->plan_status;
    out->actual_status = c->actual_status;
}

bool indicator_store_at(const struct indicator_store *s, size_t i, struct indicator_value *out)
{
    if (!s || i >= s->n)
        return false;
    value_fill(s, &s->cells[i], out);
    return true;
}

bool indicator_store_get(const struct indicator_store *s, const char *unit, const char *indicator,
                         const char *period, struct indicator_value *out)
{
    if (!s)
        return false;
    const struct scell *c =
        cell_find(s, strtab_find(&s->units, unit), strtab_find(&s->inds, indicator),
                  strtab_find(&s->periods, period));
    if (!c)
        return false;
    value_fill(s, c, out);
    return true;
}

size_t indicator_store_indicator_count(const struct indicator_store *s)
{
    return s ? s->inds.n : 0;
}

const struct indicator_meta *indicator_store_indicator_at(const struct indicator_store *s, size_t i)
{
    return s && i < s->inds.n ? &s->meta[i] : NULL;
}

const struct indicator_meta *indicator_store_meta(const struct indicator_store *s,
                                                  const char *indicator)
{
    if (!s)
        return NULL;
    uint32_t k = strtab_find(&s->inds, indicator);
    return k == NONE ? NULL : &s->meta[k];
}

size_t indicator_store_unit_count(const struct indicator_store *s)
{
    return s ? s->units.n : 0;
}

const char *indicator_store_unit_at(const struct indicator_store *s, size_t i)
{
    return s && i < s->units.n ? s->units.s[i] : NULL;
}

size_t indicator_store_period_count(const struct indicator_store *s)
{
    return s ? s->periods.n : 0;
}

const char *indicator_store_period_at(const struct indicator_store *s, size_t rank)
{
    return s && rank < s->periods.n ? s->periods.s[s->order[rank]] : NULL;
}

bool indicator_store_tally(const struct indicator_store *s, const char *unit, const char *period,
                           struct indicator_tally *out)
{
    memset(out, 0, sizeof *out);
    if (!s)
        return false;
    const struct tally_rec *t =
        tally_find(s, strtab_find(&s->units, unit), strtab_find(&s->periods, period));
    if (!t)
        return false;
    *out = t->t;
    return true;
}

const char *indicator_store_latest_period(const struct indicator_store *s, const char *indicator)
{
    if (!s)
        return NULL;
    uint32_t k = strtab_find(&s->inds, indicator);
    if (k == NONE || s->latest[k] == NONE)
        return NULL;
    return s->periods.s[s->latest[k]];
}

size_t indicator_store_series(const struct indicator_store *s, const char *unit,
                              const char *indicator, struct indicator_point *out, size_t max)
{
    if (!s)
        return 0;
    uint32_t u = strtab_find(&s->units, unit);
    uint32_t i = strtab_find(&s->inds, indicator);
    if (u == NONE || i == NONE)
        return 0;
    /* Periods are few (tens), so a lookup per period beats keeping per-series lists. */
    size_t count = 0;
    for (size_t r = 0; r < s->periods.n; r++) {
        const struct scell *c = cell_find(s, u, i, s->order[r]);
        if (!c)
            continue;
        if (out && count < max)
            out[count] = (struct indicator_point){
                .period = s->periods.s[c->p],
                .plan = c->plan,
                .actual = c->actual,
                .plan_status = c->plan_status,
                .actual_status = c->actual_status,
            };
        count++;
    }
    return count;
}
