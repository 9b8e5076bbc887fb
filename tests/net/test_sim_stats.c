/* citydeck-sim's indicators end to end: JSON-stat datasets and PX-Web queries from the real
 * binary, read with the console's own decoder (jsonstat_parse, jsonstat_to_indicators) and
 * query builder (pxweb_query_body), so simulator and console are held to the same format. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "citydeck/indicators.h"
#include "citydeck/jsonstat.h"
#include "citydeck/pxweb.h"

#define START "2026-03-02T08:00:00+07:00"
#define MONTH_LATER "2026-04-02T08:00:00+07:00"
#define XA "/stats/chi-tieu-xa.json"
#define TINH "/stats/chi-tieu-tinh.json"
#define PX "/stats/api/v1/vi/kt-xh"

/* ---- the simulator as a fixture ------------------------------------------------------------ */

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    harness_sims_start("7", START, NULL);
}

static void teardown(void)
{
    harness_sims_stop_all();
    curl_global_cleanup();
}

TestSuite(sim_stats, .init = setup, .fini = teardown, .timeout = 90);

/* ---- HTTP ------------------------------------------------------------------------------- */

/* GET (body NULL) or POST (a JSON body) to the sim in slot. */
static struct harness_resp http(int slot, const char *path, const char *body)
{
    struct harness_req q = {.post = body};
    if (body)
        q.headers[0] = "Content-Type: application/json";
    return harness_sim_http(slot, path, &q);
}

/* A 200 body decoded by the console's decoder; *raw (if asked) is the same body as cJSON. */
static struct jsonstat_doc *fetch(int slot, const char *path, const char *post, cJSON **raw)
{
    struct harness_resp r = http(slot, path, post);
    cr_assert_eq(r.status, 200, "%s -> %ld: %.300s", path, r.status, r.body);
    char err[256] = "";
    struct jsonstat_doc *doc = jsonstat_parse(r.body, r.len, err, sizeof err);
    cr_assert_not_null(doc, "%s: the decoder says: %s", path, err);
    if (raw) {
        *raw = cJSON_ParseWithLength(r.body, r.len);
        cr_assert_not_null(*raw);
    }
    free(r.body);
    return doc;
}

static const struct jsonstat_dataset *only_dataset(const struct jsonstat_doc *doc)
{
    cr_assert_eq(doc->cls, JSONSTAT_DATASET);
    cr_assert_eq(doc->ndatasets, 1);
    return doc->datasets[0];
}

/* ---- cells ------------------------------------------------------------------------------- */

static struct jsonstat_cell cell(const struct jsonstat_dataset *ds, const char *unit,
                                 const char *ind, const char *period, const char *measure)
{
    const char *ids[4] = {unit, ind, period, measure};
    size_t pos = jsonstat_pos_by_ids(ds, ids);
    cr_assert_neq(pos, JSONSTAT_NONE, "no cell %s/%s/%s/%s", unit, ind, period, measure);
    struct jsonstat_cell c;
    cr_assert(jsonstat_cell_at(ds, pos, &c));
    return c;
}

static const struct jsonstat_dimension *dim(const struct jsonstat_dataset *ds, const char *id)
{
    const struct jsonstat_dimension *d = jsonstat_dim_find(ds, id);
    cr_assert_not_null(d, "no dimension %s", id);
    return d;
}

/* Unit code -> type ("Phường", "Xã", "Đặc khu") from /units.json. */
static cJSON *units_of(int slot)
{
    struct harness_resp r = http(slot, "/units.json", NULL);
    cr_assert_eq(r.status, 200);
    cJSON *j = cJSON_Parse(r.body);
    free(r.body);
    cJSON *units = cJSON_DetachItemFromObjectCaseSensitive(j, "units");
    cJSON_Delete(j);
    cr_assert(cJSON_IsArray(units));
    return units;
}

static const char *unit_type(const cJSON *units, const char *code)
{
    const cJSON *u;
    cJSON_ArrayForEach(u, units)
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(u, "code");
        if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0)
            return cJSON_GetObjectItemCaseSensitive(u, "type")->valuestring;
    }
    cr_assert_fail("unit %s not in /units.json", code);
    return NULL;
}

/* ---- the collection and the datasets ----------------------------------------------------- */

Test(sim_stats, collection_lists_datasets_whose_hrefs_decode)
{
    struct jsonstat_doc *col = fetch(0, "/stats/", NULL, NULL);
    cr_assert_eq(col->cls, JSONSTAT_COLLECTION);
    cr_assert_eq(col->nitems, 2);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", harness_sims[0].port);
    for (size_t i = 0; i < col->nitems; i++) {
        const struct jsonstat_link *it = &col->items[i];
        cr_assert_str_eq(it->cls, "dataset");
        cr_assert_not_null(it->label);
        cr_assert(strncmp(it->href, base, strlen(base)) == 0, "href %s", it->href);
        struct jsonstat_doc *doc = fetch(0, it->href + strlen(base), NULL, NULL);
        const struct jsonstat_dataset *ds = only_dataset(doc);
        cr_assert_eq(ds->version, 2);
        cr_assert_not_null(ds->updated);
        cr_assert_str_eq(ds->href, it->href);
        jsonstat_doc_free(doc);
    }
    jsonstat_doc_free(col);
}

Test(sim_stats, datasets_are_dense_with_roles_and_plan_actual)
{
    const char *paths[] = {XA, TINH};
    for (size_t p = 0; p < 2; p++) {
        cJSON *raw;
        struct jsonstat_doc *doc = fetch(0, paths[p], NULL, &raw);
        const struct jsonstat_dataset *ds = only_dataset(doc);
        size_t product = 1;
        const cJSON *sz;
        cJSON_ArrayForEach(sz, cJSON_GetObjectItemCaseSensitive(raw, "size"))
        {
            product *= (size_t)sz->valuedouble;
        }
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(raw, "value");
        cr_assert(cJSON_IsArray(value), "value must be the dense array form");
        cr_assert_eq((size_t)cJSON_GetArraySize(value), product);
        cr_assert_eq(ds->ncells, product);
        cr_assert(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(raw, "status")));

        cr_assert_eq(dim(ds, "don_vi")->role, JSONSTAT_ROLE_GEO);
        cr_assert_eq(dim(ds, "chi_tieu")->role, JSONSTAT_ROLE_METRIC);
        cr_assert_eq(dim(ds, "ky")->role, JSONSTAT_ROLE_TIME);
        const struct jsonstat_dimension *m = dim(ds, "measure");
        cr_assert_eq(m->size, 2);
        cr_assert_neq(jsonstat_category_find(m, "plan"), JSONSTAT_NONE);
        cr_assert_neq(jsonstat_category_find(m, "actual"), JSONSTAT_NONE);
        /* Months of the previous and the current year. */
        const struct jsonstat_dimension *ky = dim(ds, "ky");
        cr_assert_eq(ky->size, 24);
        cr_assert_str_eq(ky->cats[0].id, "2025M01");
        cr_assert_str_eq(ky->cats[23].id, "2026M12");
        /* Every indicator carries its unit and decimals. */
        const struct jsonstat_dimension *ind = dim(ds, "chi_tieu");
        cr_assert_eq(ind->size, 11);
        for (size_t k = 0; k < ind->size; k++) {
            cr_assert_not_null(ind->cats[k].unit, "%s has no unit", ind->cats[k].id);
            cr_assert_not_null(ind->cats[k].unit->label);
            cr_assert_geq(ind->cats[k].unit->decimals, 0);
        }
        jsonstat_doc_free(doc);
        cJSON_Delete(raw);
    }
}

Test(sim_stats, every_unit_of_the_province_is_present)
{
    cJSON *units = units_of(0);
    struct jsonstat_doc *doc = fetch(0, XA, NULL, NULL);
    const struct jsonstat_dimension *geo = dim(only_dataset(doc), "don_vi");
    cr_assert_eq(geo->size, (size_t)cJSON_GetArraySize(units));
    const cJSON *u;
    cJSON_ArrayForEach(u, units)
    {
        const char *code = cJSON_GetObjectItemCaseSensitive(u, "code")->valuestring;
        size_t k = jsonstat_category_find(geo, code);
        cr_assert_neq(k, JSONSTAT_NONE, "unit %s missing", code);
        cr_assert_str_eq(geo->cats[k].label,
                         cJSON_GetObjectItemCaseSensitive(u, "full_name")->valuestring);
    }
    jsonstat_doc_free(doc);
    cJSON_Delete(units);
}

Test(sim_stats, console_maps_plan_actual_units_and_directions)
{
    struct harness_resp r = http(0, XA, NULL);
    cr_assert_eq(r.status, 200);
    char err[256] = "";
    struct indicator_batch *b = jsonstat_parse_indicators(r.body, r.len, NULL, err, sizeof err);
    free(r.body);
    cr_assert_not_null(b, "%s", err);
    size_t both = 0, plan_only = 0;
    for (size_t i = 0; i < b->n; i++) {
        both += !isnan(b->cells[i].plan) && !isnan(b->cells[i].actual);
        plan_only += !isnan(b->cells[i].plan) && isnan(b->cells[i].actual);
    }
    cr_assert_gt(both, 1000);
    cr_assert_gt(plan_only, 1000, "the months still ahead have plans");
    const struct indicator_meta *m = indicator_batch_meta(b, "ty_le_ho_ngheo");
    cr_assert_not_null(m);
    cr_assert_eq(m->direction, IND_LOWER_BETTER);
    cr_assert_eq(m->decimals, 2);
    cr_assert_str_eq(m->unit, "%");
    m = indicator_batch_meta(b, "thu_nhap_binh_quan");
    cr_assert_eq(m->direction, IND_HIGHER_BETTER);
    cr_assert_str_eq(m->unit, "triệu đồng/người/năm");
    cr_assert_eq(m->decimals, 1);
    indicator_batch_free(b);
}

/* ---- reporting: nulls, estimates, the next month ------------------------------------------ */

Test(sim_stats, unreported_units_are_null_not_zero)
{
    cJSON *raw;
    struct jsonstat_doc *doc = fetch(0, XA, NULL, &raw);
    const struct jsonstat_dataset *ds = only_dataset(doc);
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(raw, "value");
    const struct jsonstat_dimension *geo = dim(ds, "don_vi");
    size_t missing = 0;
    for (size_t u = 0; u < geo->size; u++) {
        const char *ids[4] = {geo->cats[u].id, "dan_so", "2026M01", "actual"};
        size_t pos = jsonstat_pos_by_ids(ds, ids);
        struct jsonstat_cell c;
        jsonstat_cell_at(ds, pos, &c);
        if (c.missing) {
            missing++;
            cr_assert(cJSON_IsNull(cJSON_GetArrayItem(value, (int)pos)), "null, not 0");
            cr_assert(!cell(ds, geo->cats[u].id, "dan_so", "2026M01", "plan").missing,
                      "the plan of a late unit is still there");
        } else {
            cr_assert_gt(c.value, 0);
        }
        /* At 2 March nobody has reported February yet: the lag is at least three days. */
        cr_assert(cell(ds, geo->cats[u].id, "dan_so", "2026M02", "actual").missing);
    }
    cr_assert_gt(missing, 0, "some units are late with January");
    cr_assert_lt(missing, geo->size / 4, "most units reported January");
    jsonstat_doc_free(doc);
    cJSON_Delete(raw);
}

Test(sim_stats, latest_reported_month_is_estimated)
{
    struct jsonstat_doc *doc = fetch(0, XA, NULL, NULL);
    const struct jsonstat_dataset *ds = only_dataset(doc);
    const struct jsonstat_dimension *geo = dim(ds, "don_vi");
    const struct jsonstat_dimension *ind = dim(ds, "chi_tieu");
    size_t estimated = 0;
    for (size_t u = 0; u < geo->size; u++) {
        for (size_t k = 0; k < ind->size; k++) {
            const char *unit = geo->cats[u].id, *id = ind->cats[k].id;
            struct jsonstat_cell c = cell(ds, unit, id, "2026M01", "actual");
            if (!c.missing) {
                cr_assert_not_null(c.status, "%s/%s 2026M01 must be flagged", unit, id);
                cr_assert_str_eq(c.status, "e");
                estimated++;
            }
            c = cell(ds, unit, id, "2025M06", "actual");
            cr_assert_null(c.status, "months long reported are final");
            cr_assert_null(cell(ds, unit, id, "2026M01", "plan").status);
        }
    }
    cr_assert_gt(estimated, 0);
    jsonstat_doc_free(doc);
}

Test(sim_stats, a_month_later_february_appears)
{
    int later = harness_sims_start("7", MONTH_LATER, NULL);
    struct jsonstat_doc *now_doc = fetch(0, XA, NULL, NULL);
    struct jsonstat_doc *later_doc = fetch(later, XA, NULL, NULL);
    const struct jsonstat_dataset *a = only_dataset(now_doc), *b = only_dataset(later_doc);
    const struct jsonstat_dimension *geo = dim(b, "don_vi");
    size_t feb = 0, revised = 0;
    for (size_t u = 0; u < geo->size; u++) {
        const char *unit = geo->cats[u].id;
        struct jsonstat_cell c = cell(b, unit, "thu_nhap_binh_quan", "2026M02", "actual");
        cr_assert(cell(a, unit, "thu_nhap_binh_quan", "2026M02", "actual").missing);
        if (!c.missing) {
            feb++;
            cr_assert_str_eq(c.status, "e", "February is the new estimate");
            struct jsonstat_cell jan = cell(b, unit, "thu_nhap_binh_quan", "2026M01", "actual");
            cr_assert(!jan.missing);
            cr_assert_null(jan.status, "January turned final once February came in");
            struct jsonstat_cell est = cell(a, unit, "thu_nhap_binh_quan", "2026M01", "actual");
            revised += !est.missing && est.value != jan.value;
        }
        /* What was final stays what it was. */
        struct jsonstat_cell old_a = cell(a, unit, "ty_le_ho_ngheo", "2025M06", "actual");
        struct jsonstat_cell old_b = cell(b, unit, "ty_le_ho_ngheo", "2025M06", "actual");
        cr_assert_eq(old_a.missing, old_b.missing);
        if (!old_a.missing)
            cr_assert_eq(old_a.value, old_b.value);
    }
    cr_assert_gt(feb, geo->size * 3 / 4, "most units reported February by 2 April");
    cr_assert_gt(revised, 0, "estimates get revised");
    jsonstat_doc_free(now_doc);
    jsonstat_doc_free(later_doc);
}

/* ---- ranges (domain-vn §3.1) --------------------------------------------------------------- */

Test(sim_stats, values_are_in_domain_ranges)
{
    cJSON *units = units_of(0);
    struct jsonstat_doc *doc = fetch(0, XA, NULL, NULL);
    const struct jsonstat_dataset *ds = only_dataset(doc);
    const struct jsonstat_dimension *geo = dim(ds, "don_vi"), *ky = dim(ds, "ky");
    double poor_ward = 0, poor_xa = 0;
    size_t n_ward = 0, n_xa = 0;
    for (size_t u = 0; u < geo->size; u++) {
        const char *unit = geo->cats[u].id;
        const char *type = unit_type(units, unit);
        bool xa = strcmp(type, "Xã") == 0, ward = strcmp(type, "Phường") == 0;
        for (size_t p = 0; p < ky->size; p++) {
            const char *period = ky->cats[p].id;
            struct jsonstat_cell c = cell(ds, unit, "ty_le_ho_ngheo", period, "actual");
            if (!c.missing) {
                cr_assert(c.value > 0 && c.value <= 20, "poverty %g%%", c.value);
                if (ward) {
                    cr_assert_leq(c.value, 2.5, "urban poverty %g%%", c.value);
                    poor_ward += c.value;
                    n_ward++;
                } else if (xa) {
                    poor_xa += c.value;
                    n_xa++;
                }
            }
            c = cell(ds, unit, "thu_nhap_binh_quan", period, "actual");
            if (!c.missing)
                cr_assert(c.value >= 35 && c.value <= 100, "income %g M/yr", c.value);
            const char *pct[] = {"ho_so_truc_tuyen", "tai_khoan_vneid", "ho_cap_quang",
                                 "thanh_toan_khong_tien_mat", "giai_ngan_dau_tu_cong"};
            for (size_t k = 0; k < 5; k++) {
                c = cell(ds, unit, pct[k], period, "actual");
                if (!c.missing)
                    cr_assert(c.value >= 0 && c.value <= 100, "%s %g", pct[k], c.value);
            }
            for (int m = 0; m < 2; m++) {
                c = cell(ds, unit, "tieu_chi_ntm", period, m ? "actual" : "plan");
                if (!xa) {
                    cr_assert(c.missing, "new-rural criteria are for xã only (%s)", unit);
                } else if (!c.missing) {
                    cr_assert(c.value >= 12 && c.value <= 19 && c.value == floor(c.value), "NTM %g",
                              c.value);
                }
            }
        }
        /* Lower is better: this year's poverty plan is below last year's result. */
        struct jsonstat_cell last = cell(ds, unit, "ty_le_ho_ngheo", "2025M12", "actual");
        struct jsonstat_cell plan = cell(ds, unit, "ty_le_ho_ngheo", "2026M12", "plan");
        cr_assert(!plan.missing);
        if (!last.missing && !last.status)
            cr_assert_lt(plan.value, last.value, "%s: plan %g, last year %g", unit, plan.value,
                         last.value);
    }
    cr_assert_gt(n_ward, 0);
    cr_assert_gt(n_xa, 0);
    cr_assert_gt(poor_xa / n_xa, poor_ward / n_ward, "rural poverty above urban");
    jsonstat_doc_free(doc);
    cJSON_Delete(units);
}

Test(sim_stats, disbursement_follows_the_s_curve)
{
    struct jsonstat_doc *doc = fetch(0, TINH, NULL, NULL);
    const struct jsonstat_dataset *ds = only_dataset(doc);
    const char *unit = dim(ds, "don_vi")->cats[0].id;
    double prev = 0;
    for (int m = 1; m <= 12; m++) {
        char period[8];
        snprintf(period, sizeof period, "2025M%02d", m);
        struct jsonstat_cell c = cell(ds, unit, "giai_ngan_dau_tu_cong", period, "actual");
        cr_assert(!c.missing, "%s", period);
        cr_assert_geq(c.value, prev, "cumulative: %s %g after %g", period, c.value, prev);
        prev = c.value;
    }
    double mar = cell(ds, unit, "giai_ngan_dau_tu_cong", "2025M03", "actual").value;
    double sep = cell(ds, unit, "giai_ngan_dau_tu_cong", "2025M09", "actual").value;
    double dec = cell(ds, unit, "giai_ngan_dau_tu_cong", "2025M12", "actual").value;
    cr_assert(mar >= 8 && mar <= 25, "end of March %g%%", mar);
    cr_assert(sep >= 35 && sep <= 65, "end of September %g%%", sep);
    cr_assert(dec >= 85 && dec <= 100, "December %g%%", dec);
    cr_assert_eq(cell(ds, unit, "giai_ngan_dau_tu_cong", "2026M12", "plan").value, 100);
    jsonstat_doc_free(doc);
}

/* ---- slices and PX-Web ------------------------------------------------------------------- */

Test(sim_stats, get_slices_by_unit_and_period)
{
    struct jsonstat_doc *full = fetch(0, XA, NULL, NULL);
    const struct jsonstat_dataset *f = only_dataset(full);
    const char *unit = dim(f, "don_vi")->cats[3].id;
    char path[256];
    snprintf(path, sizeof path, XA "?unit=%s&period=2026M01,2025M12", unit);
    struct jsonstat_doc *doc = fetch(0, path, NULL, NULL);
    const struct jsonstat_dataset *ds = only_dataset(doc);
    cr_assert_eq(ds->ncells, 1 * 11 * 2 * 2);
    const struct jsonstat_dimension *ind = dim(ds, "chi_tieu");
    for (size_t k = 0; k < ind->size; k++) {
        struct jsonstat_cell a = cell(ds, unit, ind->cats[k].id, "2026M01", "actual");
        struct jsonstat_cell b = cell(f, unit, ind->cats[k].id, "2026M01", "actual");
        cr_assert_eq(a.missing, b.missing);
        if (!a.missing)
            cr_assert_eq(a.value, b.value);
    }
    struct harness_resp r = http(0, XA "?period=2031M01", NULL);
    cr_assert_eq(r.status, 400);
    char err[256] = "";
    cr_assert_null(jsonstat_parse(r.body, r.len, err, sizeof err));
    cr_assert(strstr(err, "server error") && strstr(err, "2031M01"), "%s", err);
    free(r.body);
    r = http(0, "/stats/no-such.json", NULL);
    cr_assert_eq(r.status, 404);
    free(r.body);
    jsonstat_doc_free(doc);
    jsonstat_doc_free(full);
}

Test(sim_stats, pxweb_metadata_lists_variables)
{
    struct harness_resp r = http(0, PX "/chi-tieu-xa.px", NULL);
    cr_assert_eq(r.status, 200);
    cJSON *meta = cJSON_Parse(r.body);
    free(r.body);
    cr_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(meta, "title")));
    const cJSON *vars = cJSON_GetObjectItemCaseSensitive(meta, "variables");
    cr_assert_eq(cJSON_GetArraySize(vars), 4);
    const char *codes[] = {"don_vi", "chi_tieu", "ky", "measure"};
    for (int i = 0; i < 4; i++) {
        const cJSON *v = cJSON_GetArrayItem(vars, i);
        cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(v, "code")->valuestring, codes[i]);
        cr_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "text")));
        int nv = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(v, "values"));
        cr_assert_gt(nv, 0);
        cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(v, "valueTexts")), nv);
        cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "time")), i == 2);
    }
    cJSON_Delete(meta);
    /* The navigation above the table. */
    r = http(0, PX, NULL);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "\"chi-tieu-xa.px\"") && strstr(r.body, "\"type\":\"t\""));
    free(r.body);
}

Test(sim_stats, pxweb_post_returns_exactly_the_selected_cells)
{
    struct jsonstat_doc *full = fetch(0, XA, NULL, NULL);
    const struct jsonstat_dataset *f = only_dataset(full);
    const struct jsonstat_dimension *geo = dim(f, "don_vi");
    const char *units[] = {geo->cats[5].id, geo->cats[1].id};
    const char *inds[] = {"ty_le_ho_ngheo", "dan_so"};
    const char *periods[] = {"2025M12", "2026M01", "2026M02"};
    const char *all[] = {"*"};
    const struct pxweb_selection sel[] = {
        {"don_vi", "item", units, 2},
        {"chi_tieu", "item", inds, 2},
        {"ky", "item", periods, 3},
        {"measure", "all", all, 1},
    };
    const struct pxweb_query q = {sel, 4, "json-stat2"};
    char err[256] = "";
    char *body = pxweb_query_body(&q, err, sizeof err);
    cr_assert_not_null(body, "%s", err);
    struct jsonstat_doc *doc = fetch(0, PX "/chi-tieu-xa.px", body, NULL);
    free(body);
    const struct jsonstat_dataset *ds = only_dataset(doc);
    cr_assert_eq(ds->ncells, 2 * 2 * 3 * 2);
    cr_assert_eq(dim(ds, "don_vi")->size, 2);
    cr_assert_eq(dim(ds, "chi_tieu")->size, 2);
    cr_assert_eq(dim(ds, "ky")->size, 3);
    cr_assert_eq(dim(ds, "measure")->size, 2);
    size_t present = 0;
    for (int u = 0; u < 2; u++)
        for (int k = 0; k < 2; k++)
            for (int p = 0; p < 3; p++)
                for (int m = 0; m < 2; m++) {
                    const char *meas = m ? "actual" : "plan";
                    struct jsonstat_cell a = cell(ds, units[u], inds[k], periods[p], meas);
                    struct jsonstat_cell b = cell(f, units[u], inds[k], periods[p], meas);
                    cr_assert_eq(a.missing, b.missing);
                    if (!a.missing) {
                        cr_assert_eq(a.value, b.value);
                        present++;
                    }
                    cr_assert_eq(!a.status, !b.status);
                }
    cr_assert_gt(present, 0);
    jsonstat_doc_free(doc);
    jsonstat_doc_free(full);
}

Test(sim_stats, pxweb_top_and_json_stat_1)
{
    const char *top[] = {"3"}, *one[] = {"dan_so"}, *all[] = {"*"};
    const struct pxweb_selection sel[] = {
        {"don_vi", "all", all, 1},
        {"chi_tieu", "item", one, 1},
        {"ky", "top", top, 1},
        {"measure", "all", all, 1},
    };
    const struct pxweb_query q = {sel, 4, "json-stat"};
    char err[256] = "";
    char *body = pxweb_query_body(&q, err, sizeof err);
    cr_assert_not_null(body, "%s", err);
    struct jsonstat_doc *doc = fetch(0, PX "/chi-tieu-tinh.px", body, NULL);
    free(body);
    /* PX-Web's "json-stat" is a 1.x bundle: {"dataset":{...}}. */
    cr_assert_eq(doc->cls, JSONSTAT_BUNDLE);
    cr_assert_eq(doc->ndatasets, 1);
    const struct jsonstat_dataset *ds = doc->datasets[0];
    cr_assert_eq(ds->version, 1);
    cr_assert_str_eq(ds->name, "dataset");
    const struct jsonstat_dimension *ky = dim(ds, "ky");
    cr_assert_eq(ky->size, 3);
    cr_assert_str_eq(ky->cats[2].id, "2026M12", "top takes the latest periods");
    cr_assert_eq(dim(ds, "don_vi")->size, 1);
    jsonstat_doc_free(doc);
}

static void expect_px_error(const char *path, const char *body, long status, const char *word)
{
    struct harness_resp r = http(0, path, body);
    cr_assert_eq(r.status, status, "%s -> %ld: %s", body, r.status, r.body);
    cJSON *j = cJSON_Parse(r.body);
    cr_assert_not_null(j, "the error is JSON: %s", r.body);
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(j, "title");
    const cJSON *detail = cJSON_GetObjectItemCaseSensitive(j, "detail");
    cr_assert(cJSON_IsString(title) && cJSON_IsString(detail));
    cr_assert(strstr(detail->valuestring, word) || strstr(title->valuestring, word),
              "'%s' not in %s", word, r.body);
    cJSON_Delete(j);
    free(r.body);
}

Test(sim_stats, pxweb_errors_are_400_with_a_json_message)
{
    const char *t = PX "/chi-tieu-xa.px";
    expect_px_error(t,
                    "{\"query\":[{\"code\":\"ky\",\"selection\":{\"filter\":\"item\","
                    "\"values\":[\"2019M01\"]}}],\"response\":{\"format\":\"json-stat2\"}}",
                    400, "2019M01");
    expect_px_error(t,
                    "{\"query\":[{\"code\":\"Tid\",\"selection\":{\"filter\":\"item\","
                    "\"values\":[\"2026M01\"]}}]}",
                    400, "Tid");
    expect_px_error(t,
                    "{\"query\":[{\"code\":\"ky\",\"selection\":{\"filter\":\"item\","
                    "\"values\":[\"2026M01\"]}}]}",
                    400, "don_vi");
    expect_px_error(t,
                    "{\"query\":[{\"code\":\"don_vi\",\"selection\":{\"filter\":"
                    "\"agg:huyen\",\"values\":[\"x\"]}}]}",
                    400, "agg:huyen");
    expect_px_error(t, "{\"query\":[],\"response\":{\"format\":\"xlsx\"}}", 400, "format");
    expect_px_error(t, "not json", 400, "query");
    expect_px_error(PX "/no-such.px", "{\"query\":[]}", 404, "no-such");
}

/* ---- determinism ------------------------------------------------------------------------- */

/* The body with the sim's own address written as HOST, since hrefs carry the port. */
static char *body_without_port(int slot, const char *path)
{
    struct harness_resp r = http(slot, path, NULL);
    cr_assert_eq(r.status, 200, "%s -> %ld", path, r.status);
    char host[40];
    snprintf(host, sizeof host, "127.0.0.1:%d", harness_sims[slot].port);
    size_t hl = strlen(host);
    char *out = malloc(r.len + 1), *o = out;
    for (const char *p = r.body; *p;) {
        if (strncmp(p, host, hl) == 0) {
            memcpy(o, "HOST", 4);
            o += 4;
            p += hl;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    free(r.body);
    return out;
}

Test(sim_stats, same_seed_same_bytes_other_seed_differs)
{
    int again = harness_sims_start("7", START, NULL);
    int other = harness_sims_start("8", START, NULL);
    const char *paths[] = {"/stats/", XA, TINH, PX "/chi-tieu-xa.px", XA "?period=2026M01"};
    for (size_t i = 0; i < 5; i++) {
        char *a = body_without_port(0, paths[i]);
        char *b = body_without_port(again, paths[i]);
        char *c = body_without_port(other, paths[i]);
        cr_assert_str_eq(a, b, "%s differs for the same seed and time", paths[i]);
        if (i == 1 || i == 2 || i == 4)
            cr_assert_str_neq(a, c, "%s: another seed, other figures", paths[i]);
        free(a);
        free(b);
        free(c);
    }
    /* Without hrefs, the bytes and so the ETag are the same too. */
    struct harness_resp a = http(0, PX "/chi-tieu-tinh.px", NULL);
    struct harness_resp b = http(again, PX "/chi-tieu-tinh.px", NULL);
    cr_assert_str_eq(a.etag, b.etag);
    cr_assert_neq(a.etag[0], '\0');
    free(a.body);
    free(b.body);
}
