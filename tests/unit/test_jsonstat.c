/* JSON-stat adapter and PX-Web query builder: every real response in tests/fixtures/jsonstat
 * (see SOURCES.md there) with concrete values, and crafted bodies for the deviations of
 * reference/standards.md §4.5. Expected numbers were computed from the files with an
 * independent script, not with this decoder. */
#include "citydeck/indicators.h"
#include "citydeck/jsonstat.h"
#include "citydeck/pxweb.h"
#include "citydeck/util.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char err[256];

static struct jsonstat_doc *parse_fixture(const char *name)
{
    size_t len;
    char *body = harness_fixture_read("jsonstat", name, &len);
    struct jsonstat_doc *d = jsonstat_parse(body, len, err, sizeof err);
    free(body);
    return d;
}

static struct jsonstat_doc *parse_str(const char *body)
{
    return jsonstat_parse(body, strlen(body), err, sizeof err);
}

static struct indicator_batch *indicators_fixture(const char *name,
                                                  const struct jsonstat_options *opt)
{
    size_t len;
    char *body = harness_fixture_read("jsonstat", name, &len);
    struct indicator_batch *b = jsonstat_parse_indicators(body, len, opt, err, sizeof err);
    free(body);
    return b;
}

static const struct jsonstat_dataset *only_dataset(const struct jsonstat_doc *d)
{
    cr_assert(d, "parse failed: %s", err);
    cr_assert_eq(d->ndatasets, 1);
    return d->datasets[0];
}

static struct jsonstat_cell cell_by_ids(const struct jsonstat_dataset *ds, const char *const *ids)
{
    size_t pos = jsonstat_pos_by_ids(ds, ids);
    cr_assert_neq(pos, JSONSTAT_NONE, "cell not found");
    struct jsonstat_cell c;
    cr_assert(jsonstat_cell_at(ds, pos, &c));
    return c;
}

static double sum_values(const struct jsonstat_dataset *ds, size_t *missing)
{
    double s = 0;
    *missing = 0;
    for (size_t k = 0; k < ds->ncells; k++) {
        if (ds->flags[k] & JSONSTAT_CELL_MISSING)
            (*missing)++;
        else
            s += ds->values[k];
    }
    return s;
}

static size_t count_status(const struct jsonstat_dataset *ds, const char *sym)
{
    size_t n = 0;
    struct jsonstat_cell c;
    for (size_t k = 0; k < ds->ncells; k++)
        if (jsonstat_cell_at(ds, k, &c) && c.status && strcmp(c.status, sym) == 0)
            n++;
    return n;
}

/* The batch cell for (unit, indicator, period), or NULL. */
static const struct indicator_cell *batch_cell(const struct indicator_batch *b, const char *unit,
                                               const char *ind, const char *period)
{
    for (size_t k = 0; k < b->n; k++) {
        const struct indicator_cell *c = &b->cells[k];
        if (strcmp(indicator_batch_unit(b, c->unit), unit) == 0 &&
            strcmp(b->meta[c->indicator].id, ind) == 0 &&
            strcmp(indicator_batch_period(b, c->period), period) == 0)
            return c;
    }
    return NULL;
}

static size_t batch_not_reported(const struct indicator_batch *b)
{
    size_t n = 0;
    for (size_t k = 0; k < b->n; k++)
        n += isnan(b->cells[k].actual);
    return n;
}

/* ---- real responses ------------------------------------------------------------------------ */

Test(jsonstat, order_proves_row_major)
{
    struct jsonstat_doc *d = parse_fixture("jsonstat-org-order.json");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_eq(ds->ndims, 3);
    cr_assert_eq(ds->ncells, 24);
    size_t idx[3] = {1, 0, 2}; /* A="2", B="1", C="3" */
    size_t pos = jsonstat_pos(ds, idx);
    cr_assert_eq(pos, 10);
    struct jsonstat_cell c;
    cr_assert(jsonstat_cell_at(ds, pos, &c));
    cr_assert_str_eq(c.text, "A2B1C3");
    cr_assert(c.missing, "a text value is not a number");
    cr_assert(isnan(c.value));
    /* Every value spells its own coordinates, except position 11, which the published sample
     * itself gets wrong ("A1B1C4" where "A2B1C4" belongs): exactly one mismatch proves the
     * order and that the decoder does not "fix" data. */
    size_t mismatches = 0;
    for (size_t p = 0; p < ds->ncells; p++) {
        size_t ix[3];
        jsonstat_unravel(ds, p, ix);
        cr_assert_eq(jsonstat_pos(ds, ix), p);
        char want[16];
        snprintf(want, sizeof want, "A%sB%sC%s", ds->dims[0].cats[ix[0]].id,
                 ds->dims[1].cats[ix[1]].id, ds->dims[2].cats[ix[2]].id);
        cr_assert(jsonstat_cell_at(ds, p, &c));
        if (strcmp(c.text, want) != 0) {
            mismatches++;
            cr_assert_eq(p, 11);
            cr_assert_str_eq(c.text, "A1B1C4");
        }
    }
    cr_assert_eq(mismatches, 1);
    size_t out_of_range[3] = {3, 0, 0};
    cr_assert_eq(jsonstat_pos(ds, out_of_range), JSONSTAT_NONE);
    jsonstat_doc_free(d);
}

Test(jsonstat, oecd_status_object_roles_units)
{
    struct jsonstat_doc *d = parse_fixture("jsonstat-org-oecd-status-object-roles.json");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_eq(d->cls, JSONSTAT_DATASET);
    cr_assert_eq(ds->version, 2);
    cr_assert_eq(ds->ncells, 432);
    size_t missing;
    cr_assert_float_eq(sum_values(ds, &missing), 3323.825332, 1e-5);
    cr_assert_eq(missing, 0);
    cr_assert_eq(ds->nmissing, 0);
    struct jsonstat_cell c = cell_by_ids(ds, (const char *const[]){"UNR", "ES", "2012"});
    cr_assert_float_eq(c.value, 25.04773498, 1e-9);
    cr_assert_null(c.status);
    c = cell_by_ids(ds, (const char *const[]){"UNR", "US", "2014"});
    cr_assert_float_eq(c.value, 7.514930043, 1e-9);
    cr_assert_str_eq(c.status, "e");
    cr_assert_eq(count_status(ds, "e"), 72);
    cr_assert_eq(jsonstat_dim_find(ds, "year")->role, JSONSTAT_ROLE_TIME);
    cr_assert_eq(jsonstat_dim_find(ds, "area")->role, JSONSTAT_ROLE_GEO);
    cr_assert_eq(jsonstat_dim_find(ds, "concept")->role, JSONSTAT_ROLE_METRIC);
    /* concept has no index: its single category comes from the label. */
    const struct jsonstat_dimension *concept = jsonstat_dim_find(ds, "concept");
    cr_assert_eq(concept->size, 1);
    cr_assert_str_eq(concept->cats[0].id, "UNR");
    cr_assert_str_eq(concept->cats[0].label, "unemployment rate");
    cr_assert_not_null(concept->cats[0].unit);
    cr_assert_eq(concept->cats[0].unit->decimals, 9);
    cr_assert_str_eq(concept->cats[0].unit->label, "%");
    /* area: index object, child hierarchy (EU15 under OECD, ES under EU15). */
    const struct jsonstat_dimension *area = jsonstat_dim_find(ds, "area");
    cr_assert_eq(area->size, 36);
    cr_assert_str_eq(area->cats[0].id, "AU");
    size_t es = jsonstat_category_find(area, "ES");
    size_t eu15 = jsonstat_category_find(area, "EU15");
    cr_assert_eq(area->cats[es].parent, eu15);
    cr_assert_eq(area->cats[eu15].parent, jsonstat_category_find(area, "OECD"));
    cr_assert_eq(area->cats[jsonstat_category_find(area, "OECD")].parent, JSONSTAT_NONE);
    jsonstat_doc_free(d);
}

Test(jsonstat, canada_status_array_len1_and_missing_index)
{
    struct jsonstat_doc *d = parse_fixture("jsonstat-org-canada-status-array-len1.json");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_eq(ds->ncells, 120);
    size_t missing;
    cr_assert_float_eq(sum_values(ds, &missing), 140121.4, 1e-6);
    cr_assert_eq(missing, 0);
    struct jsonstat_cell c = cell_by_ids(ds, (const char *const[]){"CA", "2012", "T", "POP", "T"});
    cr_assert_float_eq(c.value, 34880.5, 1e-9);
    cr_assert_eq(jsonstat_pos_by_ids(ds, (const char *const[]){"CA", "2012", "T", "POP", "T"}), 0);
    c = cell_by_ids(ds, (const char *const[]){"CA", "2012", "T", "PERCENT", "F"});
    cr_assert_float_eq(c.value, 100.0, 1e-9);
    cr_assert_eq(count_status(ds, "a"), 120, "a one-element status array applies to all");
    const struct jsonstat_dimension *country = jsonstat_dim_find(ds, "country");
    cr_assert_eq(country->size, 1);
    cr_assert_str_eq(country->cats[0].id, "CA");
    cr_assert_str_eq(country->cats[0].label, "Canada");
    const struct jsonstat_dimension *concept = jsonstat_dim_find(ds, "concept");
    const struct jsonstat_unit *u = concept->cats[0].unit;
    cr_assert_str_eq(u->label, "thousands of persons");
    cr_assert_eq(u->decimals, 1);
    cr_assert_eq(u->multiplier, 3);
    cr_assert_str_eq(jsonstat_dim_find(ds, "age")->cats[1].id, "4");
    jsonstat_doc_free(d);
}

Test(jsonstat, galicia_large_nulls_two_geo_roles)
{
    struct jsonstat_doc *d = parse_fixture("jsonstat-org-galicia-large-3960.json");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_eq(ds->ncells, 3960);
    cr_assert_eq(ds->nmissing, 4);
    size_t nulls[] = {3278, 3288, 3298, 3947};
    for (size_t k = 0; k < ARRAY_LEN(nulls); k++) {
        cr_assert(ds->flags[nulls[k]] & JSONSTAT_CELL_MISSING);
        cr_assert(isnan(ds->values[nulls[k]]), "null is NaN, not 0");
    }
    struct jsonstat_cell c =
        cell_by_ids(ds, (const char *const[]){"T", "T", "T", "2011", "T", "pop"});
    cr_assert_float_eq(c.value, 2772928, 1e-9);
    c = cell_by_ids(ds, (const char *const[]){"T", "T", "T", "2001", "T", "pop"});
    cr_assert_float_eq(c.value, 2695880, 1e-9);
    cr_assert_eq(jsonstat_dim_find(ds, "residence")->role, JSONSTAT_ROLE_GEO);
    cr_assert_eq(jsonstat_dim_find(ds, "birth")->role, JSONSTAT_ROLE_GEO);
    cr_assert_eq(jsonstat_dim_find(ds, "residence")->role_rank, 0);
    cr_assert_eq(jsonstat_dim_find(ds, "birth")->role_rank, 1);
    cr_assert_str_eq(jsonstat_dim_find(ds, "concept")->cats[0].id, "pop");
    cr_assert_eq(jsonstat_dim_find(ds, "concept")->cats[0].unit->decimals, 0);
    jsonstat_doc_free(d);
}

Test(jsonstat, hierarchy_value_object_child)
{
    struct jsonstat_doc *d = parse_fixture("jsonstat-org-hierarchy-value-object-child.json");
    const struct jsonstat_dataset *ds = only_dataset(d);
    const struct jsonstat_dimension *dm = &ds->dims[0];
    cr_assert_eq(dm->size, 132);
    cr_assert_eq(ds->ncells, 132);
    cr_assert_eq(ds->nmissing, 132, "one explicit null, the rest absent from the object");
    cr_assert_str_eq(dm->cats[0].id, "T");
    cr_assert_str_eq(dm->cats[0].label, "Total");
    size_t children_of_t = 0, with_parent = 0;
    for (size_t k = 0; k < dm->size; k++) {
        children_of_t += dm->cats[k].parent == 0;
        with_parent += dm->cats[k].parent != JSONSTAT_NONE;
    }
    cr_assert_eq(children_of_t, 11);
    cr_assert_eq(with_parent, 131);
    size_t bread = jsonstat_category_find(dm, "1.1.1");
    cr_assert_str_eq(dm->cats[bread].label, "Bread");
    cr_assert_str_eq(dm->cats[dm->cats[bread].parent].id, "1.1");
    jsonstat_doc_free(d);
}

Test(jsonstat, collection_links)
{
    struct jsonstat_doc *d = parse_fixture("jsonstat-org-collection.json");
    cr_assert(d, "%s", err);
    cr_assert_eq(d->cls, JSONSTAT_COLLECTION);
    cr_assert_eq(d->nitems, 8);
    cr_assert_eq(d->ndatasets, 0);
    cr_assert_str_eq(d->items[0].href, "http://json-stat.org/samples/oecd.json");
    cr_assert_str_eq(d->items[0].cls, "dataset");
    cr_assert_str_eq(d->items[7].label, "Demo of hierarchical dimension");
    cr_assert_null(d->items[0].dataset);
    cr_assert_str_eq(d->label, "JSON-stat Dataset Sample Collection");
    jsonstat_doc_free(d);

    struct indicator_batch *b = indicators_fixture("jsonstat-org-collection.json", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "collection: 8 links and no embedded dataset: fetch the item hrefs");
}

Test(jsonstat, v1_bundle_two_datasets)
{
    struct jsonstat_doc *d = parse_fixture("jsonstat-org-oecd-canada-v1-bundle.json");
    cr_assert(d, "%s", err);
    cr_assert_eq(d->cls, JSONSTAT_BUNDLE);
    cr_assert_eq(d->ndatasets, 2);
    const struct jsonstat_dataset *oecd = d->datasets[0], *canada = d->datasets[1];
    cr_assert_str_eq(oecd->name, "oecd");
    cr_assert_str_eq(canada->name, "canada");
    cr_assert_eq(oecd->version, 1);
    cr_assert_eq(oecd->ncells, 432);
    cr_assert_eq(canada->ncells, 120);
    /* id, size and role live inside "dimension" in 1.x. */
    cr_assert_eq(jsonstat_dim_find(oecd, "area")->role, JSONSTAT_ROLE_GEO);
    struct jsonstat_cell c = cell_by_ids(oecd, (const char *const[]){"UNR", "US", "2014"});
    cr_assert_float_eq(c.value, 7.514930043, 1e-9);
    cr_assert_str_eq(c.status, "e");
    size_t missing;
    cr_assert_float_eq(sum_values(canada, &missing), 140121.4, 1e-6);
    jsonstat_doc_free(d);
}

Test(jsonstat, us_gsp_units)
{
    struct jsonstat_doc *d = parse_fixture("jsonstat-org-us-gsp.json");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_eq(ds->ncells, 204);
    cr_assert_eq(ds->nmissing, 0);
    const struct jsonstat_dimension *state = jsonstat_dim_find(ds, "state");
    cr_assert_eq(state->size, 51);
    cr_assert_str_eq(state->cats[4].label, "California");
    cr_assert_float_eq(cell_by_ids(ds, (const char *const[]){"2013", "01", "gsp"}).value, 174400,
                       1e-9);
    cr_assert_float_eq(cell_by_ids(ds, (const char *const[]){"2013", "02", "capita"}).value, 65143,
                       1e-9);
    cr_assert_float_eq(cell_by_ids(ds, (const char *const[]){"2013", "56", "perc"}).value, 0.26,
                       1e-12);
    double gsp = 0;
    for (size_t s = 0; s < 51; s++)
        gsp += ds->values[s * 4];
    cr_assert_float_eq(gsp, 15002200, 1e-6);
    const struct jsonstat_dimension *concept = jsonstat_dim_find(ds, "concept");
    const struct jsonstat_unit *u = concept->cats[0].unit;
    cr_assert_str_eq(u->symbol, "$");
    cr_assert(u->symbol_first);
    cr_assert_eq(u->multiplier, 6);
    cr_assert_eq(concept->cats[1].unit->decimals, 2);
    cr_assert_not(concept->cats[1].unit->symbol_first);
    jsonstat_doc_free(d);
}

Test(jsonstat, ssb_large_status_object)
{
    struct jsonstat_doc *d = parse_fixture("ssb-no-29843-v1-dataset-large-status-object.json");
    cr_assert(d, "%s", err);
    cr_assert_eq(d->cls, JSONSTAT_BUNDLE);
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_str_eq(ds->name, "dataset");
    cr_assert_eq(ds->ncells, 37440);
    cr_assert_eq(ds->dims[0].size * ds->dims[1].size * ds->dims[2].size, 20 * 6 * 312);
    size_t missing;
    cr_assert_float_eq(sum_values(ds, &missing), 2901152.0, 1e-3);
    cr_assert_eq(missing, 7200);
    cr_assert_eq(count_status(ds, "."), 7200);
    for (size_t k = 0; k < ds->ncells; k++) {
        struct jsonstat_cell c;
        jsonstat_cell_at(ds, k, &c);
        cr_assert_eq(c.missing, c.status != NULL, "every null carries \".\" and only nulls");
    }
    struct jsonstat_cell c =
        cell_by_ids(ds, (const char *const[]){"P1021", "PeriodeRa", "2015M12"});
    cr_assert_float_eq(c.value, 56.2, 1e-12);
    cr_assert_null(c.status);
    c = cell_by_ids(ds, (const char *const[]){"P1021", "PeriodeRa", "1990M01"});
    cr_assert(c.missing);
    cr_assert(isnan(c.value));
    cr_assert_str_eq(c.status, ".");
    cr_assert_str_eq(ds->updated, "2016-02-13T14:00:25Z");
    cr_assert_eq(jsonstat_dim_find(ds, "Tid")->role, JSONSTAT_ROLE_TIME);
    cr_assert_eq(jsonstat_dim_find(ds, "PKoder")->role, JSONSTAT_ROLE_NONE);
    jsonstat_doc_free(d);
}

Test(jsonstat, cso_size_as_strings)
{
    struct jsonstat_doc *d = parse_fixture("cso-ie-CIA01-v1-size-as-strings.json");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_eq(ds->ncells, 8325);
    cr_assert_eq(ds->dims[0].size, 37);
    cr_assert_eq(ds->dims[1].size, 15);
    cr_assert_eq(ds->dims[2].size, 15);
    cr_assert_float_eq(ds->values[0], 41692, 1e-9);
    cr_assert_eq(ds->nmissing, 0);
    const struct jsonstat_dimension *county = jsonstat_dim_find(ds, "County and Region");
    cr_assert_str_eq(county->cats[0].id, "-");
    cr_assert_str_eq(county->cats[0].label, "State");
    cr_assert_float_eq(cell_by_ids(ds, (const char *const[]){"-", "2014", "CIA01C01"}).value, 70535,
                       1e-9);
    cr_assert_str_eq(jsonstat_dim_find(ds, "Statistic")->cats[0].unit->base, "Euro Million");
    jsonstat_doc_free(d);
}

Test(jsonstat, eurostat_nonstandard_status)
{
    struct jsonstat_doc *d = parse_fixture("eurostat-nama_gdp_c-geo_IT-v1-status-nonstandard.json");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_str_eq(ds->name, "nama_gdp_c");
    cr_assert_eq(ds->ncells, 69);
    cr_assert_eq(ds->nmissing, 45);
    struct jsonstat_cell c =
        cell_by_ids(ds, (const char *const[]){"EUR_HAB", "B1GM", "IT", "2012"});
    cr_assert_float_eq(c.value, 25700, 1e-9);
    cr_assert_null(c.status);
    c = cell_by_ids(ds, (const char *const[]){NULL, NULL, NULL, "1946"});
    cr_assert(c.missing);
    cr_assert_str_eq(c.status, ":");
    cr_assert_str_eq(jsonstat_status_label(ds, ":"), "not available");
    cr_assert_eq(count_status(ds, ":"), 45);
    cr_assert_str_eq(ds->label, "GDP and main components - Current prices");
    /* lastUpdateDate 1446764400000 ms. */
    cr_assert_str_eq(ds->updated, "2015-11-05T23:00:00+00:00");
    jsonstat_doc_free(d);
}

Test(jsonstat, v2_three_dim_size_as_string)
{
    struct jsonstat_doc *d = parse_fixture("v2-three-dim-size-as-string.json");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_eq(ds->ncells, 24);
    cr_assert_float_eq(cell_by_ids(ds, (const char *const[]){"one_2", "two_3", "three_4"}).value,
                       234, 1e-9);
    cr_assert_float_eq(cell_by_ids(ds, (const char *const[]){"one_1", "two_1", "three_1"}).value,
                       111, 1e-9);
    /* The sample has 120 where 121 would spell the coordinates: kept as sent. */
    cr_assert_float_eq(cell_by_ids(ds, (const char *const[]){"one_1", "two_2", "three_1"}).value,
                       120, 1e-9);
    size_t missing;
    cr_assert_float_eq(sum_values(ds, &missing), 4139, 1e-9);
    jsonstat_doc_free(d);
}

/* The two PX-Web files are request bodies, not responses: decoding one is a clear error. */
Test(jsonstat, pxweb_body_is_not_a_dataset)
{
    cr_assert_null(parse_fixture("pxweb-v1-post-query-body-jsonstat.json"));
    cr_assert_str_eq(err, "jsonstat: no dataset, collection or dimension in the document");
    cr_assert_null(parse_fixture("pxweb-v1-post-query-body-agg-filter.json"));
    cr_assert_str_eq(err, "jsonstat: no dataset, collection or dimension in the document");
}

/* ---- crafted: forms and deviations ------------------------------------------------------- */

#define DIMS_2x3                                                                                   \
    "\"id\":[\"a\",\"b\"],\"size\":[2,3],\"dimension\":{"                                          \
    "\"a\":{\"category\":{\"index\":[\"a1\",\"a2\"]}},"                                            \
    "\"b\":{\"category\":{\"index\":{\"b1\":0,\"b2\":1,\"b3\":2}}}}"

Test(jsonstat, sparse_value_object)
{
    struct jsonstat_doc *d = parse_str("{\"version\":\"2.0\",\"class\":\"dataset\"," DIMS_2x3
                                       ",\"value\":{\"0\":1,\"5\":6.5,\"3\":null,\"4\":0}}");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_eq(ds->ncells, 6);
    cr_assert_eq(ds->nmissing, 3); /* 1 and 2 absent, 3 null */
    cr_assert_float_eq(ds->values[0], 1, 1e-12);
    cr_assert_float_eq(ds->values[5], 6.5, 1e-12);
    cr_assert(isnan(ds->values[1]) && isnan(ds->values[3]));
    cr_assert_eq(ds->values[4], 0, "zero is a value");
    cr_assert_not(ds->flags[4] & JSONSTAT_CELL_MISSING);
    jsonstat_doc_free(d);

    cr_assert_null(parse_str("{\"version\":\"2.0\"," DIMS_2x3 ",\"value\":{\"6\":1}}"));
    cr_assert_str_eq(err, "dataset: value key \"6\" is not a cell position below 6");
    cr_assert_null(parse_str("{\"version\":\"2.0\"," DIMS_2x3 ",\"value\":{\"-1\":1}}"));
    cr_assert_null(parse_str("{\"version\":\"2.0\"," DIMS_2x3 ",\"value\":{\"x\":1}}"));
    cr_assert_str_eq(err, "dataset: value key \"x\" is not a cell position below 6");
    cr_assert_null(
        parse_str("{\"version\":\"2.0\"," DIMS_2x3 ",\"value\":{\"99999999999999999999999\":1}}"));
}

Test(jsonstat, status_forms)
{
    const struct jsonstat_dataset *ds;
    struct jsonstat_doc *d =
        parse_str("{\"version\":\"2.0\"," DIMS_2x3 ",\"value\":[1,2,3,4,5,6],\"status\":\"p\"}");
    ds = only_dataset(d);
    cr_assert_eq(count_status(ds, "p"), 6, "a string applies to every cell");
    jsonstat_doc_free(d);

    d = parse_str("{\"version\":\"2.0\"," DIMS_2x3
                  ",\"value\":[1,2,3,4,5,6],\"status\":[\"e\",null,\"p\",\"e\",\"\",\"x\"]}");
    ds = only_dataset(d);
    cr_assert_eq(count_status(ds, "e"), 2);
    cr_assert_eq(count_status(ds, "p"), 1);
    cr_assert_eq(count_status(ds, "x"), 1);
    cr_assert_eq(ds->nstatuses, 3);
    struct jsonstat_cell c;
    jsonstat_cell_at(ds, 1, &c);
    cr_assert_null(c.status);
    jsonstat_cell_at(ds, 2, &c);
    cr_assert_str_eq(c.status, "p");
    jsonstat_doc_free(d);

    d = parse_str("{\"version\":\"2.0\"," DIMS_2x3
                  ",\"value\":[1,2,3,4,5,6],\"status\":{\"5\":\"e\",\"0\":\"p\"},"
                  "\"extension\":{\"status\":{\"label\":{\"e\":\"estimated\"}}}}");
    ds = only_dataset(d);
    jsonstat_cell_at(ds, 5, &c);
    cr_assert_str_eq(c.status, "e");
    jsonstat_cell_at(ds, 0, &c);
    cr_assert_str_eq(c.status, "p");
    jsonstat_cell_at(ds, 3, &c);
    cr_assert_null(c.status);
    cr_assert_str_eq(jsonstat_status_label(ds, "e"), "estimated");
    cr_assert_null(jsonstat_status_label(ds, "p"));
    jsonstat_doc_free(d);

    cr_assert_null(parse_str("{\"version\":\"2.0\"," DIMS_2x3
                             ",\"value\":[1,2,3,4,5,6],\"status\":[\"e\",\"e\"]}"));
    cr_assert_str_eq(err, "dataset: status has 2 entries, expected 1 or 6");
    cr_assert_null(parse_str("{\"version\":\"2.0\"," DIMS_2x3
                             ",\"value\":[1,2,3,4,5,6],\"status\":{\"7\":\"e\"}}"));
    cr_assert_str_eq(err, "dataset: status key \"7\" is not a cell position below 6");
    cr_assert_null(
        parse_str("{\"version\":\"2.0\"," DIMS_2x3 ",\"value\":[1,2,3,4,5,6],\"status\":5}"));
    cr_assert_str_eq(err, "dataset: status: expected a string, array or object, got number");
}

Test(jsonstat, index_absent_label_order)
{
    struct jsonstat_doc *d =
        parse_str("{\"version\":\"2.0\",\"id\":[\"geo\",\"t\"],\"size\":[1,2],\"dimension\":{"
                  "\"geo\":{\"category\":{\"label\":{\"26881\":\"Phường Tân Hòa\"}}},"
                  "\"t\":{\"category\":{\"label\":{\"2025\":\"Năm 2025\",\"2024\":\"Năm 2024\"}}}},"
                  "\"value\":[10,20]}");
    const struct jsonstat_dataset *ds = only_dataset(d);
    cr_assert_str_eq(ds->dims[0].cats[0].id, "26881");
    cr_assert_str_eq(ds->dims[0].cats[0].label, "Phường Tân Hòa");
    /* Without an index, label key order is the order. */
    cr_assert_str_eq(ds->dims[1].cats[0].id, "2025");
    cr_assert_str_eq(ds->dims[1].cats[1].label, "Năm 2024");
    cr_assert_float_eq(cell_by_ids(ds, (const char *const[]){NULL, "2024"}).value, 20, 1e-12);
    jsonstat_doc_free(d);

    cr_assert_null(parse_str("{\"version\":\"2.0\",\"id\":[\"a\"],\"size\":[1],\"dimension\":{"
                             "\"a\":{\"category\":{}}},\"value\":[1]}"));
    cr_assert_str_eq(err, "dataset: dimension a: category has neither index nor label");
    cr_assert_null(parse_str("{\"version\":\"2.0\",\"id\":[\"a\"],\"size\":[1],\"dimension\":{"
                             "\"a\":{\"label\":\"A\"}},\"value\":[1]}"));
    cr_assert_str_eq(err, "dataset: dimension a: no category object");
}

Test(jsonstat, size_as_strings_and_bad_sizes)
{
    struct jsonstat_doc *d = parse_str(
        "{\"version\":\"2.0\",\"id\":[\"a\",\"b\"],\"size\":[\"2\",\" 3 \"],\"dimension\":{"
        "\"a\":{\"category\":{\"index\":[\"a1\",\"a2\"]}},"
        "\"b\":{\"category\":{\"index\":[\"b1\",\"b2\",\"b3\"]}}},\"value\":[1,2,3,4,5,6]}");
    cr_assert_eq(only_dataset(d)->ncells, 6);
    jsonstat_doc_free(d);

    static const char *const bad[] = {"\"x\"", "0", "-2", "2.5", "true", "\"2e400\""};
    for (size_t k = 0; k < ARRAY_LEN(bad); k++) {
        char *body = xasprintf("{\"version\":\"2.0\",\"id\":[\"a\",\"b\"],\"size\":[2,%s],"
                               "\"dimension\":{\"a\":{\"category\":{\"index\":[\"x\",\"y\"]}},"
                               "\"b\":{\"category\":{\"index\":[\"z\"]}}},\"value\":[1,2]}",
                               bad[k]);
        cr_assert_null(parse_str(body), "size %s accepted", bad[k]);
        cr_assert(strstr(err, "dataset: size 1: expected a positive integer"), "%s", err);
        free(body);
    }
    cr_assert_null(parse_str("{\"version\":\"2.0\",\"id\":[\"a\",\"b\"],\"size\":[2],"
                             "\"dimension\":{},\"value\":[1,2]}"));
    cr_assert_str_eq(err, "dataset: size: expected 2 sizes, got array of 1");
}

Test(jsonstat, size_product_value_mismatch)
{
    cr_assert_null(parse_str("{\"version\":\"2.0\"," DIMS_2x3 ",\"value\":[1,2,3,4,5]}"));
    cr_assert_str_eq(err, "dataset: value has 5 entries, size product is 6");
    cr_assert_null(parse_str("{\"version\":\"2.0\",\"id\":[\"a\"],\"size\":[3],\"dimension\":{"
                             "\"a\":{\"category\":{\"index\":[\"x\",\"y\"]}}},\"value\":[1,2,3]}"));
    cr_assert_str_eq(err, "dataset: dimension a: category index has 2 entries, size says 3");
    /* In a bundle, the message names the dataset. */
    cr_assert_null(parse_str("{\"ok\":{\"dimension\":{\"id\":[\"a\"],\"size\":[1],\"a\":{"
                             "\"category\":{\"index\":[\"x\"]}}},\"value\":[1]},"
                             "\"bad\":{\"dimension\":{\"id\":[\"a\"],\"size\":[2],\"a\":{"
                             "\"category\":{\"index\":[\"x\",\"y\"]}}},\"value\":[1]}}"));
    cr_assert_str_eq(err, "dataset bad: value has 1 entries, size product is 2");
    /* 23 two-category dimensions and an empty value object would expand to 8 M cells. */
    struct buf b = {0};
    buf_appendf(&b, "{\"version\":\"2.0\",\"id\":[");
    for (int k = 0; k < 23; k++)
        buf_appendf(&b, "%s\"d%d\"", k ? "," : "", k);
    buf_appendf(&b, "],\"dimension\":{");
    for (int k = 0; k < 23; k++)
        buf_appendf(&b, "%s\"d%d\":{\"category\":{\"index\":[\"x\",\"y\"]}}", k ? "," : "", k);
    buf_appendf(&b, "},\"value\":{}}");
    cr_assert_null(parse_str(b.data));
    cr_assert_str_eq(err, "dataset: 8388608 cells in sparse form, more than the 4194304 allowed");
    buf_free(&b);
}

Test(jsonstat, index_errors)
{
    cr_assert_null(
        parse_str("{\"version\":\"2.0\",\"id\":[\"a\"],\"size\":[2],\"dimension\":{"
                  "\"a\":{\"category\":{\"index\":{\"x\":0,\"y\":0}}}},\"value\":[1,2]}"));
    cr_assert_str_eq(err, "dataset: dimension a: category index \"y\": duplicate position");
    cr_assert_null(
        parse_str("{\"version\":\"2.0\",\"id\":[\"a\"],\"size\":[2],\"dimension\":{"
                  "\"a\":{\"category\":{\"index\":{\"x\":0,\"y\":5}}}},\"value\":[1,2]}"));
    cr_assert_str_eq(err, "dataset: dimension a: category index \"y\": invalid position");
    cr_assert_null(parse_str("{\"version\":\"2.0\",\"id\":[\"a\"],\"size\":[2],\"dimension\":{"
                             "\"a\":{\"category\":{\"index\":[\"x\",\"x\"]}}},\"value\":[1,2]}"));
    cr_assert_str_eq(err, "dataset: dimension a: category \"x\" listed twice");
    cr_assert_null(parse_str("{\"version\":\"2.0\",\"id\":[\"a\",\"zz\"],\"size\":[1,1],"
                             "\"dimension\":{\"a\":{\"category\":{\"index\":[\"x\"]}}},"
                             "\"value\":[1]}"));
    cr_assert_str_eq(err, "dataset: dimension zz: missing from the dimension object");
    cr_assert_null(parse_str("{\"version\":\"2.0\",\"id\":[\"a\",\"a\"],\"size\":[1,1],"
                             "\"dimension\":{\"a\":{\"category\":{\"index\":[\"x\"]}}},"
                             "\"value\":[1]}"));
    cr_assert_str_eq(err, "dataset: dimension a listed twice in id");
}

Test(jsonstat, nulls_and_numeric_strings)
{
    struct jsonstat_doc *d = parse_str(
        "{\"version\":\"2.0\",\"id\":[\"a\"],\"size\":[7],\"dimension\":{\"a\":{\"category\":{"
        "\"index\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\"]}}},"
        "\"value\":[null,0,\"56.2\",\"..\",true,\" -1e3 \",\"0x10\"]}");
    const struct jsonstat_dataset *ds = only_dataset(d);
    struct jsonstat_cell c;
    jsonstat_cell_at(ds, 0, &c);
    cr_assert(c.missing && isnan(c.value) && !c.text);
    jsonstat_cell_at(ds, 1, &c);
    cr_assert(!c.missing && c.value == 0);
    jsonstat_cell_at(ds, 2, &c);
    cr_assert(!c.missing);
    cr_assert_float_eq(c.value, 56.2, 1e-12);
    jsonstat_cell_at(ds, 3, &c);
    cr_assert(c.missing);
    cr_assert_str_eq(c.text, "..");
    jsonstat_cell_at(ds, 4, &c);
    cr_assert(c.missing, "a boolean is not a value");
    jsonstat_cell_at(ds, 5, &c);
    cr_assert_float_eq(c.value, -1000, 1e-12);
    jsonstat_cell_at(ds, 6, &c);
    cr_assert(c.missing, "hexadecimal is not a statistic");
    cr_assert_eq(ds->nmissing, 4);
    jsonstat_doc_free(d);
}

Test(jsonstat, numeric_strings_ignore_locale)
{
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "vi_VN.UTF-8"))
        cr_skip_test("no locale with a decimal comma installed");
    struct jsonstat_doc *d = parse_str("{\"version\":\"2.0\",\"id\":[\"a\"],\"size\":[1],"
                                       "\"dimension\":{\"a\":{\"category\":{\"index\":[\"x\"]}}},"
                                       "\"value\":[\"56.2\"]}");
    setlocale(LC_NUMERIC, "C");
    cr_assert_float_eq(only_dataset(d)->values[0], 56.2, 1e-12);
    jsonstat_doc_free(d);
}

Test(jsonstat, hostile_labels_cleaned)
{
    struct jsonstat_doc *d = parse_str(
        "{\"version\":\"2.0\",\"label\":\"X\\u001b[2J\\u202eY\",\"id\":[\"a\"],\"size\":[1],"
        "\"dimension\":{\"a\":{\"label\":\"dim\\u202e\",\"category\":{\"index\":[\"c\\u001b1\"],"
        "\"label\":{\"c\\u001b1\":\"Ph\\u01b0\\u1eddng \\u001b[31mA\\u202e\\u200bB\"},"
        "\"unit\":{\"c\\u001b1\":{\"label\":\"%\\u0007\",\"decimals\":99}}}}},"
        "\"value\":[\"\\u001b]0;pwn\\u0007\"],\"status\":\"e\\u001b\"}");
    const struct jsonstat_dataset *ds = only_dataset(d);
    const struct jsonstat_category *cat = &ds->dims[0].cats[0];
    const char *texts[] = {ds->label,        ds->dims[0].label, cat->id,        cat->label,
                           cat->unit->label, ds->texts[0],      ds->statuses[0]};
    for (size_t k = 0; k < ARRAY_LEN(texts); k++) {
        cr_assert_null(strchr(texts[k], 0x1b), "ESC kept in \"%s\"", texts[k]);
        cr_assert_null(strchr(texts[k], 0x07), "BEL kept in \"%s\"", texts[k]);
        cr_assert_null(strstr(texts[k], "\xE2\x80\xAE"), "RLO kept in \"%s\"", texts[k]);
        cr_assert_null(strstr(texts[k], "\xE2\x80\x8B"), "ZWSP kept in \"%s\"", texts[k]);
    }
    cr_assert_str_eq(cat->label, "Phường [31mAB");
    cr_assert_str_eq(cat->unit->label, "%");
    cr_assert_eq(cat->unit->decimals, JSONSTAT_NO_DECIMALS, "99 decimals is not a format");
    jsonstat_doc_free(d);
}

Test(jsonstat, not_json_truncated_empty)
{
    cr_assert_null(jsonstat_parse("", 0, err, sizeof err));
    cr_assert_str_eq(err, "empty body");
    cr_assert_null(jsonstat_parse(NULL, 0, err, sizeof err));
    cr_assert_str_eq(err, "empty body");
    cr_assert_null(parse_str(" \n "));
    cr_assert_str_eq(err, "empty body");
    cr_assert_null(parse_str("<html><body>502 Bad Gateway</body></html>"));
    cr_assert_str_eq(err, "not JSON: <html><body>502 Bad Gateway</body></html>");
    size_t len;
    char *body =
        harness_fixture_read("jsonstat", "jsonstat-org-oecd-status-object-roles.json", &len);
    cr_assert_null(jsonstat_parse(body, len / 2, err, sizeof err));
    cr_assert(strncmp(err, "invalid JSON near byte ", 23) == 0, "%s", err);
    free(body);
    cr_assert_null(parse_str("{\"version\":\"2.0\"} trailing"));
    cr_assert(strstr(err, "data after the end"), "%s", err);
    cr_assert_null(parse_str("[1,2,3]"));
    cr_assert_str_eq(err, "jsonstat: expected an object, got array");
}

Test(jsonstat, deep_nesting)
{
    size_t depth = 100000;
    char *body = xmalloc(depth * 2 + 64);
    size_t n = (size_t)sprintf(body, "{\"version\":\"2.0\",\"dimension\":");
    for (size_t k = 0; k < depth; k++)
        body[n++] = '[';
    for (size_t k = 0; k < depth; k++)
        body[n++] = ']';
    body[n++] = '}';
    cr_assert_null(jsonstat_parse(body, n, err, sizeof err));
    cr_assert(strncmp(err, "invalid JSON near byte", 22) == 0, "%s", err);
    free(body);
    /* Within cJSON's nesting limit: parsed, then rejected as no dataset. */
    char *shallow = xasprintf("{\"x\":%s1%s}", "[[[[[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]]]]]");
    cr_assert_null(parse_str(shallow));
    cr_assert_str_eq(err, "jsonstat: no dataset, collection or dimension in the document");
    free(shallow);
}

Test(jsonstat, server_error_document)
{
    cr_assert_null(parse_str("{\"version\":\"2.0\",\"class\":\"error\",\"error\":[{\"status\":"
                             "\"400\",\"id\":\"E1\",\"label\":\"Too many cells selected\"}]}"));
    cr_assert_str_eq(err, "server error: 400: Too many cells selected");
    cr_assert_null(parse_str("{\"class\":\"error\",\"label\":\"Dataset not found\\u001b\"}"));
    cr_assert_str_eq(err, "server error: Dataset not found");
    cr_assert_null(parse_str("{\"error\":[{\"status\":404,\"label\":\"No data\"}]}"));
    cr_assert_str_eq(err, "server error: 404: No data");
}

Test(jsonstat, class_dimension_reported)
{
    const char *body = "{\"version\":\"2.0\",\"class\":\"dimension\",\"label\":\"Xã/phường\","
                       "\"category\":{\"index\":[\"26881\",\"26882\"],\"label\":{"
                       "\"26881\":\"Phường Tân Hòa\",\"26882\":\"Xã Thượng Ninh\"}}}";
    struct jsonstat_doc *d = parse_str(body);
    cr_assert(d, "%s", err);
    cr_assert_eq(d->cls, JSONSTAT_DIMENSION);
    cr_assert_eq(d->ndatasets, 0);
    cr_assert_eq(d->dimension->size, 2);
    cr_assert_str_eq(d->dimension->cats[1].label, "Xã Thượng Ninh");
    cr_assert_str_eq(d->label, "Xã/phường");
    jsonstat_doc_free(d);
    cr_assert_null(jsonstat_parse_indicators(body, strlen(body), NULL, err, sizeof err));
    cr_assert_str_eq(err, "dimension: a lone dimension has no values");
}

Test(jsonstat, collection_embedded_dataset)
{
    struct jsonstat_doc *d =
        parse_str("{\"version\":\"2.0\",\"class\":\"collection\",\"link\":{\"item\":["
                  "{\"class\":\"dataset\",\"href\":\"https://hub/a.json\",\"label\":\"A\"},"
                  "{\"class\":\"dataset\",\"label\":\"B\",\"id\":[\"geo\",\"time\"],\"size\":[1,2],"
                  "\"role\":{\"geo\":[\"geo\"],\"time\":[\"time\"]},\"dimension\":{"
                  "\"geo\":{\"category\":{\"index\":[\"26881\"]}},"
                  "\"time\":{\"category\":{\"index\":[\"2024\",\"2025\"]}}},\"value\":[7,8]}]}}");
    cr_assert(d, "%s", err);
    cr_assert_eq(d->nitems, 2);
    cr_assert_eq(d->ndatasets, 1);
    cr_assert_null(d->items[0].dataset);
    cr_assert_eq(d->items[1].dataset, d->datasets[0]);
    cr_assert_float_eq(d->datasets[0]->values[1], 8, 1e-12);
    cr_assert_str_eq(d->items[0].href, "https://hub/a.json");
    jsonstat_doc_free(d);
}

/* ---- indicators from real datasets -------------------------------------------------------- */

Test(jsonstat_indicators, oecd_roles)
{
    struct indicator_batch *b =
        indicators_fixture("jsonstat-org-oecd-status-object-roles.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 432);
    cr_assert_eq(b->nmeta, 1);
    const struct indicator_meta *m = &b->meta[0];
    cr_assert_str_eq(m->id, "UNR");
    cr_assert_str_eq(m->label, "unemployment rate");
    cr_assert_str_eq(m->unit, "%");
    cr_assert_eq(m->decimals, 9);
    cr_assert_eq(m->direction, IND_LOWER_BETTER, "unemployment: lower is better");
    const struct indicator_cell *c = batch_cell(b, "ES", "UNR", "2012");
    cr_assert_not_null(c);
    cr_assert_float_eq(c->actual, 25.04773498, 1e-9);
    cr_assert(isnan(c->plan), "no measure dimension: no plan");
    cr_assert_eq(c->actual_status, 0);
    c = batch_cell(b, "US", "UNR", "2014");
    cr_assert_eq(c->actual_status, IND_STATUS_ESTIMATED);
    indicator_batch_free(b);
}

Test(jsonstat_indicators, v1_bundle_both_datasets_composite_ids)
{
    struct indicator_batch *b = indicators_fixture("jsonstat-org-oecd-canada-v1-bundle.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 432 + 120);
    /* canada: sex and age have no role and several categories, so they join the id. */
    const struct indicator_cell *c = batch_cell(b, "CA", "POP|T|T", "2012");
    cr_assert_not_null(c);
    cr_assert_float_eq(c->actual, 34880.5, 1e-9);
    cr_assert_eq(c->actual_status, IND_STATUS_OTHER, "status \"a\"");
    struct indicator_meta *m = indicator_batch_meta(b, "POP|T|T");
    cr_assert_str_eq(m->label, "population — total, total");
    cr_assert_str_eq(m->unit, "thousands of persons");
    cr_assert_eq(m->decimals, 1);
    cr_assert_eq(b->nmeta, 1 + 2 * 20 * 3);
    indicator_batch_free(b);
}

Test(jsonstat_indicators, galicia_first_listed_geo_role)
{
    struct indicator_batch *b = indicators_fixture("jsonstat-org-galicia-large-3960.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 3960);
    cr_assert_eq(batch_not_reported(b), 4);
    /* residence is listed first in role.geo; birth becomes part of the indicator id. */
    const struct indicator_cell *c = batch_cell(b, "T", "pop|T|T|T", "2011");
    cr_assert_not_null(c);
    cr_assert_float_eq(c->actual, 2772928, 1e-9);
    cr_assert_not_null(batch_cell(b, "15", "pop|G|T|T", "2001"));
    indicator_batch_free(b);
}

Test(jsonstat_indicators, us_gsp_units_and_directions)
{
    struct jsonstat_direction dirs[] = {{"perc", IND_LOWER_BETTER}};
    struct jsonstat_options opt = {.directions = dirs, .ndirections = 1};
    struct indicator_batch *b = indicators_fixture("jsonstat-org-us-gsp.json", &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 204);
    cr_assert_eq(b->nmeta, 4);
    struct indicator_meta *gsp = indicator_batch_meta(b, "gsp");
    cr_assert_str_eq(gsp->unit, "million");
    cr_assert_eq(gsp->decimals, 0);
    cr_assert_eq(gsp->direction, IND_HIGHER_BETTER);
    struct indicator_meta *perc = indicator_batch_meta(b, "perc");
    cr_assert_str_eq(perc->unit, "%", "no label: the symbol");
    cr_assert_eq(perc->direction, IND_LOWER_BETTER, "configured");
    cr_assert_float_eq(batch_cell(b, "01", "gsp", "2013")->actual, 174400, 1e-9);
    indicator_batch_free(b);
}

Test(jsonstat_indicators, ssb_needs_a_unit)
{
    cr_assert_null(indicators_fixture("ssb-no-29843-v1-dataset-large-status-object.json", NULL));
    cr_assert_str_eq(err, "dataset: no unit dimension (no geo role, no known id): set unit_dim "
                          "or default_unit");
    struct jsonstat_options opt = {.default_unit = "NO"};
    struct indicator_batch *b =
        indicators_fixture("ssb-no-29843-v1-dataset-large-status-object.json", &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 37440);
    cr_assert_eq(batch_not_reported(b), 7200);
    const struct indicator_cell *c = batch_cell(b, "NO", "PeriodeRa|P1021", "2015M12");
    cr_assert_float_eq(c->actual, 56.2, 1e-12);
    c = batch_cell(b, "NO", "PeriodeRa|P1021", "1990M01");
    cr_assert(isnan(c->actual));
    cr_assert_eq(c->actual_status, IND_STATUS_OTHER, "\".\"");
    indicator_batch_free(b);
}

Test(jsonstat_indicators, cso_unit_by_config)
{
    cr_assert_null(indicators_fixture("cso-ie-CIA01-v1-size-as-strings.json", NULL));
    struct jsonstat_options opt = {.unit_dim = "County and Region"};
    struct indicator_batch *b = indicators_fixture("cso-ie-CIA01-v1-size-as-strings.json", &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 8325);
    cr_assert_float_eq(batch_cell(b, "-", "CIA01C01", "2014")->actual, 70535, 1e-9);
    cr_assert_str_eq(indicator_batch_meta(b, "CIA01C01")->unit, "Euro Million");
    indicator_batch_free(b);
    opt.unit_dim = "Nope";
    cr_assert_null(indicators_fixture("cso-ie-CIA01-v1-size-as-strings.json", &opt));
    cr_assert_str_eq(err, "dataset: unit dimension \"Nope\" is not in the dataset (or used twice)");
}

Test(jsonstat_indicators, eurostat_without_roles_by_known_ids)
{
    struct indicator_batch *b =
        indicators_fixture("eurostat-nama_gdp_c-geo_IT-v1-status-nonstandard.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 69);
    cr_assert_eq(batch_not_reported(b), 45);
    const struct indicator_cell *c = batch_cell(b, "IT", "B1GM", "2012");
    cr_assert_not_null(c, "geo, time and indic_na found by id; unit (size 1) left out");
    cr_assert_float_eq(c->actual, 25700, 1e-9);
    cr_assert_eq(batch_cell(b, "IT", "B1GM", "1946")->actual_status, IND_STATUS_OTHER);
    indicator_batch_free(b);
}

Test(jsonstat_indicators, three_dim_by_config)
{
    cr_assert_null(indicators_fixture("v2-three-dim-size-as-string.json", NULL));
    struct jsonstat_options opt = {
        .unit_dim = "one", .period_dim = "two", .indicator_dim = "three"};
    struct indicator_batch *b = indicators_fixture("v2-three-dim-size-as-string.json", &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 24);
    cr_assert_float_eq(batch_cell(b, "one_2", "three_4", "two_3")->actual, 234, 1e-9);
    indicator_batch_free(b);
}

Test(jsonstat_indicators, other_samples_map_or_say_why)
{
    struct jsonstat_options opt = {.unit_dim = "A", .period_dim = "B", .indicator_dim = "C"};
    struct indicator_batch *b = indicators_fixture("jsonstat-org-order.json", &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 24);
    cr_assert_eq(batch_not_reported(b), 24, "text values are not numbers");
    indicator_batch_free(b);
    b = indicators_fixture("jsonstat-org-hierarchy-value-object-child.json", NULL);
    cr_assert_null(b);
    cr_assert_str_eq(err, "dataset: no unit dimension (no geo role, no known id): set unit_dim "
                          "or default_unit");
    b = indicators_fixture("jsonstat-org-canada-status-array-len1.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 120);
    indicator_batch_free(b);
}

/* ---- plan and actual ------------------------------------------------------------------- */

/* Two communes, two indicators, two years, plan/actual; 2025 poverty actual estimated at
 * 26881, provisional at 26882; 26881's 2025 income not reported. */
static const char *const vn_dataset =
    "{\"version\":\"2.0\",\"class\":\"dataset\",\"label\":\"Chỉ tiêu KT-XH cấp xã\","
    "\"id\":[\"xa\",\"chi_tieu\",\"nam\",\"loai\"],\"size\":[2,2,2,2],"
    "\"role\":{\"geo\":[\"xa\"],\"metric\":[\"chi_tieu\"],\"time\":[\"nam\"]},"
    "\"dimension\":{"
    "\"xa\":{\"label\":\"Xã/phường\",\"category\":{\"index\":[\"26881\",\"26882\"],"
    "\"label\":{\"26881\":\"Phường Tân Hòa\",\"26882\":\"Xã Thượng Ninh\"}}},"
    "\"chi_tieu\":{\"category\":{\"index\":[\"ty_le_ho_ngheo\",\"thu_nhap_bq\"],"
    "\"label\":{\"ty_le_ho_ngheo\":\"Tỷ lệ hộ nghèo đa chiều\","
    "\"thu_nhap_bq\":\"Thu nhập bình quân đầu người\"},"
    "\"unit\":{\"ty_le_ho_ngheo\":{\"label\":\"%\",\"decimals\":2},"
    "\"thu_nhap_bq\":{\"label\":\"triệu đồng/người/năm\",\"decimals\":1}}}},"
    "\"nam\":{\"category\":{\"index\":[\"2024\",\"2025\"]}},"
    "\"loai\":{\"category\":{\"index\":[\"ke_hoach\",\"thuc_hien\"]}}},"
    "\"value\":[1.0,0.95, 0.8,0.88, 70,72.5, 78,null,"
    "5.0,4.69, 4.5,4.2, 52,54.1, 56,55.0],"
    "\"status\":{\"3\":\"e\",\"11\":\"p\"}}";

Test(jsonstat_indicators, plan_actual_vietnamese)
{
    struct indicator_batch *b =
        jsonstat_parse_indicators(vn_dataset, strlen(vn_dataset), NULL, err, sizeof err);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 8);
    const struct indicator_cell *c = batch_cell(b, "26881", "ty_le_ho_ngheo", "2025");
    cr_assert_float_eq(c->plan, 0.8, 1e-12);
    cr_assert_float_eq(c->actual, 0.88, 1e-12);
    cr_assert_eq(c->actual_status, IND_STATUS_ESTIMATED);
    cr_assert_eq(c->plan_status, 0);
    c = batch_cell(b, "26882", "ty_le_ho_ngheo", "2025");
    cr_assert_eq(c->actual_status, IND_STATUS_PROVISIONAL);
    c = batch_cell(b, "26881", "thu_nhap_bq", "2025");
    cr_assert_float_eq(c->plan, 78, 1e-12);
    cr_assert(isnan(c->actual), "not reported is NaN, not 0");
    struct indicator_meta *m = indicator_batch_meta(b, "ty_le_ho_ngheo");
    cr_assert_eq(m->direction, IND_LOWER_BETTER);
    cr_assert_str_eq(m->label, "Tỷ lệ hộ nghèo đa chiều");
    cr_assert_eq(m->decimals, 2);
    m = indicator_batch_meta(b, "thu_nhap_bq");
    cr_assert_eq(m->direction, IND_HIGHER_BETTER);
    cr_assert_str_eq(m->unit, "triệu đồng/người/năm");

    struct indicator_store *s = indicator_store_new();
    cr_assert_eq(indicator_store_merge(s, b), 8 + 2);
    struct indicator_tally t;
    cr_assert(indicator_store_tally(s, "26881", "2024", &t));
    cr_assert_eq(t.met, 2);
    cr_assert(indicator_store_tally(s, "26881", "2025", &t));
    cr_assert_eq(t.met, 0);
    cr_assert_eq(t.not_met, 1);
    cr_assert_eq(t.not_reported, 1);
    cr_assert(indicator_store_tally(s, "26882", "2025", &t));
    cr_assert_eq(t.met, 1);
    cr_assert_eq(t.not_met, 1);
    struct indicator_value v;
    cr_assert(indicator_store_get(s, "26881", "ty_le_ho_ngheo", "2025", &v));
    cr_assert_float_eq(indicator_completion(IND_LOWER_BETTER, v.plan, v.actual), 0.8 / 0.88, 1e-12);
    cr_assert_str_eq(indicator_store_latest_period(s, "thu_nhap_bq"), "2025");
    indicator_store_free(s);
    indicator_batch_free(b);
}

Test(jsonstat_indicators, configured_measure_ids)
{
    const char *body =
        "{\"version\":\"2.0\",\"id\":[\"don_vi\",\"ky\",\"chi_tieu\",\"m\"],\"size\":[1,1,1,3],"
        "\"dimension\":{\"don_vi\":{\"category\":{\"index\":[\"26881\"]}},"
        "\"ky\":{\"category\":{\"index\":[\"2025\"]}},"
        "\"chi_tieu\":{\"category\":{\"index\":[\"bhyt\"]}},"
        "\"m\":{\"category\":{\"index\":[\"KH\",\"TH\",\"ratio\"]}}},\"value\":[95,96.5,1.01]}";
    /* Without configuration "m" is just one more dimension: three indicators, no plan. */
    struct indicator_batch *b =
        jsonstat_parse_indicators(body, strlen(body), NULL, err, sizeof err);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 3);
    cr_assert_not_null(batch_cell(b, "26881", "bhyt|KH", "2025"));
    indicator_batch_free(b);

    struct jsonstat_options opt = {.measure_dim = "m", .plan_id = "KH", .actual_id = "th"};
    b = jsonstat_parse_indicators(body, strlen(body), &opt, err, sizeof err);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    const struct indicator_cell *c = batch_cell(b, "26881", "bhyt", "2025");
    cr_assert_float_eq(c->plan, 95, 1e-12);
    cr_assert_float_eq(c->actual, 96.5, 1e-12);
    indicator_batch_free(b);

    opt = (struct jsonstat_options){.measure_dim = "m", .plan_id = "x", .actual_id = "y"};
    cr_assert_null(jsonstat_parse_indicators(body, strlen(body), &opt, err, sizeof err));
    cr_assert_str_eq(err, "dataset: measure dimension m has neither a plan nor an actual category");
}

Test(jsonstat_indicators, defaults_for_missing_dimensions)
{
    const char *body = "{\"version\":\"2.0\",\"label\":\"GRDP\",\"id\":[\"Tid\"],\"size\":[2],"
                       "\"dimension\":{\"Tid\":{\"category\":{\"index\":[\"2023\",\"2024\"]}}},"
                       "\"value\":[250657,280307]}";
    cr_assert_null(jsonstat_parse_indicators(body, strlen(body), NULL, err, sizeof err));
    struct jsonstat_options opt = {.default_unit = "48", .default_indicator = "grdp"};
    struct indicator_batch *b =
        jsonstat_parse_indicators(body, strlen(body), &opt, err, sizeof err);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 2);
    cr_assert_float_eq(batch_cell(b, "48", "grdp", "2024")->actual, 280307, 1e-9);
    cr_assert_str_eq(indicator_batch_meta(b, "grdp")->label, "GRDP");
    indicator_batch_free(b);
}

/* ---- PX-Web query bodies ---------------------------------------------------------------- */

static void assert_json_equal(const char *built, const char *fixture)
{
    size_t len;
    char *want = harness_fixture_read("jsonstat", fixture, &len);
    cJSON *a = cJSON_Parse(built);
    cJSON *b = cJSON_ParseWithLength(want, len);
    cr_assert(a && b);
    cr_assert(cJSON_Compare(a, b, true), "built %s\nwant %s", built, want);
    cJSON_Delete(a);
    cJSON_Delete(b);
    free(want);
}

Test(pxweb, matches_jsonstat_sample)
{
    const char *contents[] = {"BE0101N1", "BE0101N2"};
    const char *years[] = {"2010", "2011", "2012"};
    struct pxweb_selection sel[] = {
        {.code = "ContentsCode", .values = contents, .nvalues = 2},
        {.code = "Tid", .filter = "item", .values = years, .nvalues = 3},
    };
    struct pxweb_query q = {.selections = sel, .nselections = 2, .format = "json-stat"};
    char *body = pxweb_query_body(&q, err, sizeof err);
    cr_assert(body, "%s", err);
    assert_json_equal(body, "pxweb-v1-post-query-body-jsonstat.json");
    free(body);
}

Test(pxweb, matches_agg_sample)
{
    const char *region[] = {"A-04"};
    const char *age[] = {"-4", "5-9", "10-14", "15-19"};
    const char *sex[] = {"1", "2"};
    const char *years[] = {"2015", "2016"};
    struct pxweb_selection sel[] = {
        {.code = "Region", .filter = "agg:RegionA-region_2", .values = region, .nvalues = 1},
        {.code = "Alder", .filter = "agg:Ålder5år", .values = age, .nvalues = 4},
        {.code = "Kon", .values = sex, .nvalues = 2},
        {.code = "Tid", .values = years, .nvalues = 2},
    };
    struct pxweb_query q = {.selections = sel, .nselections = 4, .format = "px"};
    char *body = pxweb_query_body(&q, err, sizeof err);
    cr_assert(body, "%s", err);
    assert_json_equal(body, "pxweb-v1-post-query-body-agg-filter.json");
    free(body);
}

Test(pxweb, default_format_all_top_and_escaping)
{
    const char *all[] = {"*"};
    const char *top[] = {"3"};
    const char *odd[] = {"Đà Nẵng \"48\"\\", "line\nbreak"};
    struct pxweb_selection sel[] = {
        {.code = "Địa phương", .filter = "all", .values = all, .nvalues = 1},
        {.code = "Năm", .filter = "top", .values = top, .nvalues = 1},
        {.code = "Chỉ \"tiêu\"", .values = odd, .nvalues = 2},
    };
    struct pxweb_query q = {.selections = sel, .nselections = 3};
    char *body = pxweb_query_body(&q, err, sizeof err);
    cr_assert(body, "%s", err);
    cr_assert_str_eq(body,
                     "{\"query\":[{\"code\":\"Địa phương\",\"selection\":{\"filter\":"
                     "\"all\",\"values\":[\"*\"]}},{\"code\":\"Năm\",\"selection\":{"
                     "\"filter\":\"top\",\"values\":[\"3\"]}},{\"code\":\"Chỉ \\\"tiêu\\\"\","
                     "\"selection\":{\"filter\":\"item\",\"values\":[\"Đà Nẵng \\\"48\\\"\\\\\","
                     "\"line\\nbreak\"]}}],\"response\":{\"format\":\"json-stat2\"}}");
    cJSON *parsed = cJSON_Parse(body);
    cr_assert_not_null(parsed);
    const cJSON *v = cJSON_GetArrayItem(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(parsed, "query"), 2),
                                "selection"),
            "values"),
        0);
    cr_assert_str_eq(v->valuestring, odd[0], "round trip");
    cJSON_Delete(parsed);
    free(body);
}

Test(pxweb, rejects_what_the_server_would)
{
    const char *two[] = {"3", "4"};
    const char *zero[] = {"0"};
    const char *bad_utf8[] = {"\xff\xfe"};
    const char *empty[] = {""};
    const char *ok[] = {"2025"};
    struct {
        struct pxweb_selection sel;
        const char *msg;
    } cases[] = {
        {{.code = "Tid", .filter = "top", .values = two, .nvalues = 2},
         "pxweb: selection 1 (Tid): top needs one positive count, got 2 values"},
        {{.code = "Tid", .filter = "top", .values = zero, .nvalues = 1},
         "pxweb: selection 1 (Tid): top needs one positive count, got 1 other value"},
        {{.code = "Tid", .filter = "agg:", .values = ok, .nvalues = 1},
         "pxweb: selection 1 (Tid): unknown filter \"agg:\""},
        {{.code = "Tid", .filter = "sum", .values = ok, .nvalues = 1},
         "pxweb: selection 1 (Tid): unknown filter \"sum\""},
        {{.code = "Tid", .values = NULL, .nvalues = 0}, "pxweb: selection 1 (Tid): no values"},
        {{.code = "Tid", .values = bad_utf8, .nvalues = 1},
         "pxweb: selection 1 (Tid): value 1 is not valid UTF-8"},
        {{.code = "Tid", .values = empty, .nvalues = 1},
         "pxweb: selection 1 (Tid): value 1 is empty"},
        {{.code = NULL, .values = ok, .nvalues = 1}, "pxweb: selection 1: no code"},
    };
    for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
        struct pxweb_query q = {.selections = &cases[k].sel, .nselections = 1};
        cr_assert_null(pxweb_query_body(&q, err, sizeof err), "case %zu accepted", k);
        cr_assert_str_eq(err, cases[k].msg);
    }
    cr_assert_null(pxweb_query_body(NULL, err, sizeof err));
    cr_assert_str_eq(err, "pxweb: no query");
}
