/* JSON-stat adapter: bytes -> decoded datasets (2.0 and 1.x), and a dataset -> indicator
 * batch. Pure C: no curses, no libuv; thread-safe, meant for the worker pool. */
#ifndef CITYDECK_JSONSTAT_H
#define CITYDECK_JSONSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/indicators.h"

#define JSONSTAT_NONE ((size_t)-1)
#define JSONSTAT_MAX_DIMS 32
/* A value object (sparse form) or a missing value array expands to a dense cell array; this
 * bounds what a hostile "size" can make us allocate. A dense value array needs no bound: its
 * length is checked against the size product and is itself bounded by the body. */
#define JSONSTAT_MAX_SPARSE_CELLS ((size_t)1 << 22)
/* Distinct status symbols per dataset (symbols are "e", ".", ":"...; a per-cell byte). */
#define JSONSTAT_MAX_STATUSES 255

enum jsonstat_class {
    JSONSTAT_DATASET,    /* one dataset (2.0, or 1.x with "dimension" at the top) */
    JSONSTAT_BUNDLE,     /* 1.x: top-level members are datasets */
    JSONSTAT_COLLECTION, /* link.item[]: hrefs to follow, maybe embedded datasets */
    JSONSTAT_DIMENSION,  /* a lone dimension: categories, no values */
};

enum jsonstat_role {
    JSONSTAT_ROLE_NONE,
    JSONSTAT_ROLE_TIME,
    JSONSTAT_ROLE_GEO,
    JSONSTAT_ROLE_METRIC
};

#define JSONSTAT_NO_DECIMALS (-1)

struct jsonstat_unit {
    char *label, *symbol, *base; /* NULL when absent */
    int decimals;                /* JSONSTAT_NO_DECIMALS when absent */
    int multiplier;              /* power of ten; 0 when absent */
    bool symbol_first;           /* "position":"start" */
};

struct jsonstat_category {
    char *id;
    char *label;                /* the id when no label was sent */
    struct jsonstat_unit *unit; /* NULL when the category has none */
    size_t parent;              /* from category.child; JSONSTAT_NONE for a root */
};

struct jsonstat_dimension {
    char *id;
    char *label; /* the id when no label was sent */
    enum jsonstat_role role;
    unsigned role_rank; /* place in the role's list: galicia names residence before birth */
    size_t size;
    struct jsonstat_category *cats; /* in index order */
};

/* Cell flags. */
enum { JSONSTAT_CELL_MISSING = 1, JSONSTAT_CELL_TEXT = 2 };

struct jsonstat_dataset {
    char *name;    /* the bundle key (1.x), else NULL */
    char *label;   /* NULL when absent */
    char *source;  /* NULL when absent */
    char *updated; /* as sent; epoch milliseconds (old Eurostat) become ISO 8601 UTC */
    char *href;
    int version; /* 2 with "version":"2.0", else 1 */
    size_t ndims;
    struct jsonstat_dimension *dims;
    size_t ncells;        /* product of the sizes */
    size_t nmissing;      /* cells with no number (null, absent from a sparse value, text) */
    double *values;       /* NaN where missing */
    uint8_t *flags;       /* JSONSTAT_CELL_* */
    uint8_t *status;      /* per cell: 1 + index into statuses, 0 = none; NULL when no status */
    char **statuses;      /* distinct symbols, cleaned */
    char **status_labels; /* parallel to statuses, NULL entries when unlabelled */
    size_t nstatuses;
    char **texts; /* per cell, a non-numeric string value ("A1B1C1"), cleaned; NULL if none */
};

struct jsonstat_link {
    char *cls, *href, *label;               /* NULL when absent */
    const struct jsonstat_dataset *dataset; /* an embedded dataset, decoded; else NULL */
};

struct jsonstat_doc {
    enum jsonstat_class cls;
    char *label;
    struct jsonstat_dataset **datasets;
    size_t ndatasets;
    struct jsonstat_link *items; /* collection */
    size_t nitems;
    struct jsonstat_dimension *dimension; /* class "dimension" */
};

/* Decodes a JSON-stat body. Returns NULL and fills err on failure:
 * "empty body", "not JSON: <first ~80 bytes, cleaned>", "invalid JSON near byte N",
 * "server error: <label>" (class "error" or an "error" list),
 * "dataset oecd: value has 431 entries, size product is 432",
 * "dataset: dimension area: category index has 35 entries, size says 36", ...
 * A failing dataset fails the whole document: half a bundle would look like data that is not
 * there. Every stored string has passed text_clean. */
struct jsonstat_doc *jsonstat_parse(const char *body, size_t len, char *err, size_t errsz);
void jsonstat_doc_free(struct jsonstat_doc *d);

/* Row-major position (last dimension fastest) of one category index per dimension;
 * JSONSTAT_NONE when an index is out of range. */
size_t jsonstat_pos(const struct jsonstat_dataset *ds, const size_t *idx);
/* The inverse: writes ds->ndims indexes. */
void jsonstat_unravel(const struct jsonstat_dataset *ds, size_t pos, size_t *idx);
/* Position from one category id per dimension (NULL = the first category, for the
 * single-category dimensions a caller does not care about); JSONSTAT_NONE if one is unknown. */
size_t jsonstat_pos_by_ids(const struct jsonstat_dataset *ds, const char *const *ids);

struct jsonstat_cell {
    double value; /* NaN when missing */
    bool missing;
    const char *status; /* NULL when none */
    const char *text;   /* a non-numeric string value, else NULL */
};

/* false when pos is out of range. */
bool jsonstat_cell_at(const struct jsonstat_dataset *ds, size_t pos, struct jsonstat_cell *out);
/* Label of a status symbol when the source sent one (Eurostat: ":" -> "not available"). */
const char *jsonstat_status_label(const struct jsonstat_dataset *ds, const char *symbol);
/* Linear lookups: fine for a dimension's categories, not meant for a per-cell loop. */
const struct jsonstat_dimension *jsonstat_dim_find(const struct jsonstat_dataset *ds,
                                                   const char *id);
size_t jsonstat_dim_index(const struct jsonstat_dataset *ds, const char *id);
size_t jsonstat_category_find(const struct jsonstat_dimension *d, const char *id);

/* ---- indicators ------------------------------------------------------------------------ */

struct jsonstat_direction {
    const char *indicator;
    enum indicator_direction direction;
};

/* How a dataset maps onto (unit, indicator, period, plan/actual). All fields may be NULL/0. */
struct jsonstat_options {
    /* Dimension ids. When set they win over roles (the dimension must exist); otherwise
     * roles geo/time/metric, then well-known ids (Tid/time/year, geo/Region/area,
     * ContentsCode/concept/Statistic/indic_na, and Vietnamese xa/nam/chi_tieu...). */
    const char *unit_dim, *period_dim, *indicator_dim;
    /* Plan/actual dimension: this id, or a dimension with a plan or actual category. */
    const char *measure_dim;
    const char *plan_id, *actual_id; /* NULL: "plan"/"actual", also "ke_hoach"/"thuc_hien" */
    /* For datasets without such a dimension (a province-level table): the key to use. */
    const char *default_unit, *default_period, *default_indicator;
    /* Direction per indicator id; indicators not listed get indicator_direction_guess(). */
    const struct jsonstat_direction *directions;
    size_t ndirections;
};

/* Appends the dataset's cells to out: one cell per combination of the non-measure dimensions,
 * plan and actual from the measure dimension (without one, every value is an actual).
 * Dimensions that are neither unit, period, indicator nor measure and have more than one
 * category become part of the indicator id ("POP|T|20-24", label "Population — Total,
 * 20 to 24") so no value overwrites another. Statuses "e"/"p" set IND_STATUS_ESTIMATED /
 * IND_STATUS_PROVISIONAL (also the words "estimated", "provisional", "ước tính", "sơ bộ");
 * others set IND_STATUS_OTHER. Returns false with err filled when the dataset cannot be
 * mapped ("dataset: no unit dimension (no geo role, no known id): set unit_dim"). */
bool jsonstat_to_indicators(const struct jsonstat_dataset *ds, const struct jsonstat_options *opt,
                            struct indicator_batch *out, char *err, size_t errsz);

/* jsonstat_parse + jsonstat_to_indicators for every dataset of the document (a bundle's, or
 * a collection's embedded ones). A collection of links only gives
 * "collection: N links and no embedded dataset: fetch the item hrefs"; a lone dimension gives
 * "dimension: a lone dimension has no values". */
struct indicator_batch *jsonstat_parse_indicators(const char *body, size_t len,
                                                  const struct jsonstat_options *opt, char *err,
                                                  size_t errsz);

/* Items of a collection a feed follows in one poll. */
#define JSONSTAT_MAX_ITEMS 64

/* One polled JSON-stat document: the cells of every dataset in it and, for a collection, the
 * items it links to without embedding them, to be fetched next. */
struct jsonstat_feed_page {
    struct indicator_batch *batch; /* never NULL; no cells for a collection of links only */
    bool collection;
    char **hrefs; /* the items' hrefs as sent (cleaned, maybe relative), in document order */
    size_t nhrefs;
    /* Items not listed in hrefs: nested collections and dimensions (their class says so),
     * items without an href, and those past JSONSTAT_MAX_ITEMS. */
    size_t skipped;
};

/* jsonstat_parse_indicators, except that a collection is not an error: its embedded datasets
 * become cells and the other items' hrefs are returned. Errors as there (a lone dimension,
 * a dataset that cannot be mapped). */
struct jsonstat_feed_page *jsonstat_parse_feed(const char *body, size_t len,
                                               const struct jsonstat_options *opt, char *err,
                                               size_t errsz);
void jsonstat_feed_page_free(struct jsonstat_feed_page *p);

#endif
