#include "stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "citydeck/clock.h"
#include "citydeck/util.h"
#include "reply.h"

#define STATS_ROOT "/stats"
#define PX_ROOT "/api/v1/vi" /* under STATS_ROOT */
#define PX_DB "kt-xh"

/* The four dimensions, in the order of "id" (measure last, so a cell's plan and actual sit
 * side by side in "value"). */
enum dim { D_UNIT, D_IND, D_PERIOD, D_MEASURE, D_COUNT };

static const char *const dim_ids[D_COUNT] = {"don_vi", "chi_tieu", "ky", "measure"};
static const char *const measure_ids[2] = {"plan", "actual"};
static const char *const measure_labels[2] = {"Kế hoạch", "Thực hiện"};

static const struct dataset_def {
    const char *id, *label;
    bool province; /* one geo category: the province, aggregated from its units */
} datasets[] = {
    {"chi-tieu-xa", "Chỉ tiêu kinh tế - xã hội chủ yếu theo xã, phường, đặc khu và tháng", false},
    {"chi-tieu-tinh", "Chỉ tiêu kinh tế - xã hội chủ yếu toàn tỉnh theo tháng (tổng hợp)", true},
};

/* What one response shows: the dataset and, per dimension, the selected category positions
 * in metadata order. */
struct cube {
    const struct dataset_def *ds;
    const struct indicators *ind;
    int64_t now;
    int first_year, nmonths;
    size_t full[D_COUNT];
    size_t *sel[D_COUNT];
    size_t n[D_COUNT];
};

static void cube_init(struct cube *c, const struct dataset_def *ds, const struct indicators *ind,
                      int64_t now)
{
    memset(c, 0, sizeof *c);
    c->ds = ds;
    c->ind = ind;
    c->now = now;
    indicators_periods(ind, now, &c->first_year, &c->nmonths);
    c->full[D_UNIT] = ds->province ? 1 : indicators_world(ind)->nunits;
    c->full[D_IND] = IND_COUNT;
    c->full[D_PERIOD] = (size_t)c->nmonths;
    c->full[D_MEASURE] = 2;
}

static void cube_free(struct cube *c)
{
    for (int d = 0; d < D_COUNT; d++)
        free(c->sel[d]);
}

/* Every category of the dimensions not selected otherwise. */
static void cube_fill(struct cube *c)
{
    for (int d = 0; d < D_COUNT; d++) {
        if (c->sel[d])
            continue;
        c->sel[d] = xmalloc(c->full[d] * sizeof(size_t));
        for (size_t i = 0; i < c->full[d]; i++)
            c->sel[d][i] = i;
        c->n[d] = c->full[d];
    }
}

static size_t cube_cells(const struct cube *c)
{
    size_t n = 1;
    for (int d = 0; d < D_COUNT; d++)
        n *= c->n[d];
    return n;
}

static void period_of(const struct cube *c, size_t i, int *y, int *m)
{
    *y = c->first_year + (int)(i / 12);
    *m = (int)(i % 12) + 1;
}

/* The id (or with label, the label) of category i of dimension d; periods are written into
 * buf. */
static const char *cat_text(const struct cube *c, int d, size_t i, bool label, char *buf, size_t n)
{
    const struct world *w = indicators_world(c->ind);
    int y, m;
    switch (d) {
    case D_UNIT:
        if (c->ds->province)
            return label ? w->province_name : w->province_code;
        return label ? w->units[i].full_name : w->units[i].code;
    case D_IND:
        return label ? indicators_def((enum ind_kind)i, c->ds->province)->label
                     : indicators_def((enum ind_kind)i, c->ds->province)->id;
    case D_PERIOD:
        period_of(c, i, &y, &m);
        if (label)
            snprintf(buf, n, "Tháng %d/%04d", m, y);
        else
            snprintf(buf, n, "%04dM%02d", y, m);
        return buf;
    default:
        return label ? measure_labels[i] : measure_ids[i];
    }
}

static const char *dim_label(const struct cube *c, int d)
{
    static const char *const labels[D_COUNT] = {"Xã, phường, đặc khu", "Chỉ tiêu",
                                                "Kỳ báo cáo (tháng)", "Kế hoạch / thực hiện"};
    return d == D_UNIT && c->ds->province ? "Tỉnh, thành phố" : labels[d];
}

static size_t cat_find(const struct cube *c, int d, const char *id)
{
    char buf[16];
    for (size_t i = 0; i < c->full[d]; i++)
        if (strcmp(cat_text(c, d, i, false, buf, sizeof buf), id) == 0)
            return i;
    return (size_t)-1;
}

static void select_marked(struct cube *c, int d, const bool *mark)
{
    free(c->sel[d]);
    c->sel[d] = xmalloc((c->full[d] ? c->full[d] : 1) * sizeof(size_t));
    c->n[d] = 0;
    for (size_t i = 0; i < c->full[d]; i++)
        if (mark[i])
            c->sel[d][c->n[d]++] = i;
}

/* ---- JSON-stat output ---------------------------------------------------------------------- */

static void iso_time(int64_t t, char *buf, size_t n)
{
    clock_format_iso(t, CLOCK_VN_OFFSET, buf, n);
}

static cJSON *dimension_json(const struct cube *c, int d, int version)
{
    cJSON *dim = cJSON_CreateObject();
    cJSON_AddStringToObject(dim, "label", dim_label(c, d));
    cJSON *cat = cJSON_AddObjectToObject(dim, "category");
    /* 1.x clients may only know the object form of index; 2.0 allows the array form. */
    cJSON *index =
        version == 2 ? cJSON_AddArrayToObject(cat, "index") : cJSON_AddObjectToObject(cat, "index");
    cJSON *label = cJSON_AddObjectToObject(cat, "label");
    cJSON *unit = d == D_IND ? cJSON_AddObjectToObject(cat, "unit") : NULL;
    char buf[32], lbuf[32];
    for (size_t j = 0; j < c->n[d]; j++) {
        size_t i = c->sel[d][j];
        const char *id = cat_text(c, d, i, false, buf, sizeof buf);
        if (version == 2)
            cJSON_AddItemToArray(index, cJSON_CreateString(id));
        else
            cJSON_AddNumberToObject(index, id, (double)j);
        cJSON_AddStringToObject(label, id, cat_text(c, d, i, true, lbuf, sizeof lbuf));
        if (unit) {
            const struct ind_def *def = indicators_def((enum ind_kind)i, c->ds->province);
            cJSON *u = cJSON_AddObjectToObject(unit, id);
            cJSON_AddStringToObject(u, "label", def->unit);
            cJSON_AddNumberToObject(u, "decimals", def->decimals);
            if (strcmp(def->unit, "%") == 0) {
                cJSON_AddStringToObject(u, "symbol", "%");
                cJSON_AddStringToObject(u, "position", "end");
            }
        }
    }
    return dim;
}

/* The values (dense, null where there is no figure) and the sparse status object. */
static void values_json(const struct cube *c, cJSON *value, cJSON *status)
{
    size_t pos = 0;
    char key[24];
    for (size_t a = 0; a < c->n[D_UNIT]; a++) {
        for (size_t b = 0; b < c->n[D_IND]; b++) {
            enum ind_kind k = (enum ind_kind)c->sel[D_IND][b];
            for (size_t p = 0; p < c->n[D_PERIOD]; p++) {
                int y, m;
                period_of(c, c->sel[D_PERIOD][p], &y, &m);
                struct ind_cell cell;
                if (c->ds->province)
                    indicators_province_cell(c->ind, k, y, m, c->now, &cell);
                else
                    indicators_cell(c->ind, c->sel[D_UNIT][a], k, y, m, c->now, &cell);
                for (size_t q = 0; q < c->n[D_MEASURE]; q++, pos++) {
                    bool actual = c->sel[D_MEASURE][q] == 1;
                    double v = actual ? cell.actual : cell.plan;
                    /* Not reported is null, never 0: 0 is a figure a commune can send. */
                    cJSON_AddItemToArray(value,
                                         isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v));
                    if (actual && cell.estimated && !isnan(v)) {
                        snprintf(key, sizeof key, "%zu", pos);
                        cJSON_AddStringToObject(status, key, "e");
                    }
                }
            }
        }
    }
}

static void href_of(const struct sim_request *rq, const struct dataset_def *ds, char *buf, size_t n)
{
    snprintf(buf, n, "%s" STATS_ROOT "/%s.json", rq->base_url, ds->id);
}

static char *dataset_label(const struct cube *c)
{
    return xasprintf("%s — %s", c->ds->label, indicators_world(c->ind)->province_name);
}

/* The cube as a JSON-stat document: 2.0 (one dataset object) or 1.x (a bundle of one, the
 * layout PX-Web's "json-stat" format and older clients use). */
static char *cube_json(const struct cube *c, const struct sim_request *rq, int version)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *ds = root;
    if (version == 1)
        ds = cJSON_AddObjectToObject(root, "dataset");
    char buf[256];
    if (version == 2) {
        cJSON_AddStringToObject(ds, "version", "2.0");
        cJSON_AddStringToObject(ds, "class", "dataset");
        href_of(rq, c->ds, buf, sizeof buf);
        cJSON_AddStringToObject(ds, "href", buf);
    }
    char *label = dataset_label(c);
    cJSON_AddStringToObject(ds, "label", label);
    free(label);
    snprintf(buf, sizeof buf, "Báo cáo của UBND các xã, phường, đặc khu; %s (mô phỏng)",
             indicators_world(c->ind)->province_name);
    cJSON_AddStringToObject(ds, "source", buf);
    iso_time(indicators_updated(c->ind, c->now), buf, sizeof buf);
    cJSON_AddStringToObject(ds, "updated", buf);
    cJSON *note = cJSON_AddArrayToObject(ds, "note");
    cJSON_AddItemToArray(note, cJSON_CreateString("Số liệu tháng báo cáo gần nhất của mỗi đơn vị "
                                                  "là số ước tính (e) đến kỳ báo cáo sau."));
    cJSON_AddItemToArray(note, cJSON_CreateString("Ô trống (null): đơn vị chưa báo cáo, hoặc chỉ "
                                                  "tiêu không áp dụng (nông thôn mới ở phường)."));

    cJSON *holder = version == 2 ? ds : cJSON_AddObjectToObject(ds, "dimension");
    cJSON *id = cJSON_AddArrayToObject(holder, "id");
    cJSON *size = cJSON_AddArrayToObject(holder, "size");
    for (int d = 0; d < D_COUNT; d++) {
        cJSON_AddItemToArray(id, cJSON_CreateString(dim_ids[d]));
        cJSON_AddItemToArray(size, cJSON_CreateNumber((double)c->n[d]));
    }
    cJSON *role = cJSON_AddObjectToObject(holder, "role");
    cJSON_AddItemToObject(role, "geo", cJSON_CreateStringArray(&dim_ids[D_UNIT], 1));
    cJSON_AddItemToObject(role, "metric", cJSON_CreateStringArray(&dim_ids[D_IND], 1));
    cJSON_AddItemToObject(role, "time", cJSON_CreateStringArray(&dim_ids[D_PERIOD], 1));
    cJSON *dims = version == 2 ? cJSON_AddObjectToObject(ds, "dimension") : holder;
    for (int d = 0; d < D_COUNT; d++)
        cJSON_AddItemToObject(dims, dim_ids[d], dimension_json(c, d, version));

    cJSON *value = cJSON_AddArrayToObject(ds, "value");
    cJSON *status = cJSON_CreateObject();
    values_json(c, value, status);
    if (status->child)
        cJSON_AddItemToObject(ds, "status", status);
    else
        cJSON_Delete(status);

    /* Which way is good, for clients that do not guess it from the wording. */
    cJSON *ext = cJSON_AddObjectToObject(ds, "extension");
    cJSON *dir = cJSON_AddObjectToObject(ext, "direction");
    for (size_t b = 0; b < c->n[D_IND]; b++) {
        const struct ind_def *def =
            indicators_def((enum ind_kind)c->sel[D_IND][b], c->ds->province);
        cJSON_AddStringToObject(dir, def->id, def->lower_better ? "lower" : "higher");
    }
    return sim_print_and_free(root);
}

/* ---- errors ------------------------------------------------------------------------------ */

/* JSON-stat's error response: what a JSON-stat client reports as a server error. */
static bool jsonstat_error(struct sim_response *rs, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool jsonstat_error(struct sim_response *rs, int status, const char *fmt, ...)
{
    struct buf msg = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vappendf(&msg, fmt, ap);
    va_end(ap);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "version", "2.0");
    cJSON_AddStringToObject(root, "class", "error");
    cJSON_AddStringToObject(root, "label", msg.data);
    cJSON *list = cJSON_AddArrayToObject(root, "error");
    cJSON *e = cJSON_CreateObject();
    char code[8];
    snprintf(code, sizeof code, "%d", status);
    cJSON_AddStringToObject(e, "status", code);
    cJSON_AddStringToObject(e, "label", msg.data);
    cJSON_AddItemToArray(list, e);
    rs->status = status;
    rs->body = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    buf_free(&msg);
    return true;
}

/* PX-Web's: a title naming the kind of error, as PxWebApi words them ("Parameter error:
 * Non-existent value"), and the detail a person needs to fix the query. */
static bool px_error(struct sim_response *rs, int status, const char *title, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool px_error(struct sim_response *rs, int status, const char *title, const char *fmt, ...)
{
    struct buf msg = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vappendf(&msg, fmt, ap);
    va_end(ap);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "title", title);
    cJSON_AddNumberToObject(root, "status", status);
    cJSON_AddStringToObject(root, "detail", msg.data);
    rs->status = status;
    rs->body = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    buf_free(&msg);
    return true;
}

/* ---- GET /stats/ and /stats/{dataset}.json ---------------------------------------------- */

static const struct dataset_def *dataset_find(const char *id, size_t len)
{
    for (size_t i = 0; i < ARRAY_LEN(datasets); i++)
        if (strlen(datasets[i].id) == len && strncmp(datasets[i].id, id, len) == 0)
            return &datasets[i];
    return NULL;
}

static char *collection_json(const struct indicators *ind, const struct sim_request *rq)
{
    cJSON *root = cJSON_CreateObject();
    char buf[256];
    cJSON_AddStringToObject(root, "version", "2.0");
    cJSON_AddStringToObject(root, "class", "collection");
    snprintf(buf, sizeof buf, "%s" STATS_ROOT "/", rq->base_url);
    cJSON_AddStringToObject(root, "href", buf);
    snprintf(buf, sizeof buf, "Chỉ tiêu kinh tế - xã hội — %s",
             indicators_world(ind)->province_name);
    cJSON_AddStringToObject(root, "label", buf);
    iso_time(indicators_updated(ind, rq->now), buf, sizeof buf);
    cJSON_AddStringToObject(root, "updated", buf);
    cJSON *items = cJSON_AddArrayToObject(cJSON_AddObjectToObject(root, "link"), "item");
    for (size_t i = 0; i < ARRAY_LEN(datasets); i++) {
        struct cube c;
        cube_init(&c, &datasets[i], ind, rq->now);
        cJSON *it = cJSON_CreateObject();
        cJSON_AddStringToObject(it, "class", "dataset");
        href_of(rq, &datasets[i], buf, sizeof buf);
        cJSON_AddStringToObject(it, "href", buf);
        char *label = dataset_label(&c);
        cJSON_AddStringToObject(it, "label", label);
        free(label);
        cJSON_AddItemToArray(items, it);
    }
    return sim_print_and_free(root);
}

/* ?unit=CODE,CODE (or don_vi=), indicator= (chi_tieu=), period= (ky=), measure=: a slice.
 * Returns false with the unknown id in bad. */
static bool slice_by_params(struct cube *c, const struct sim_request *rq, char *bad, size_t badsz)
{
    static const char *const alias[D_COUNT] = {"unit", "indicator", "period", "measure"};
    for (int d = 0; d < D_COUNT; d++) {
        const char *v = sim_request_param(rq, alias[d]);
        if (!v)
            v = sim_request_param(rq, dim_ids[d]);
        if (!v)
            continue;
        bool *mark = xcalloc(c->full[d] + 1, sizeof *mark);
        char *list = xstrdup(v), *save = NULL;
        bool ok = true;
        for (char *tok = strtok_r(list, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
            size_t i = cat_find(c, d, tok);
            if (i == (size_t)-1) {
                snprintf(bad, badsz, "%s: no category '%s'", dim_ids[d], tok);
                ok = false;
            } else {
                mark[i] = true;
            }
        }
        if (ok)
            select_marked(c, d, mark);
        free(list);
        free(mark);
        if (!ok)
            return false;
        if (c->n[d] == 0) {
            snprintf(bad, badsz, "%s: empty selection", dim_ids[d]);
            return false;
        }
    }
    return true;
}

static bool dataset_get(struct indicators *ind, const struct dataset_def *ds,
                        const struct sim_request *rq, struct sim_response *rs)
{
    struct cube c;
    cube_init(&c, ds, ind, rq->now);
    char bad[160];
    if (!slice_by_params(&c, rq, bad, sizeof bad)) {
        cube_free(&c);
        return jsonstat_error(rs, 400, "dataset %s: %s", ds->id, bad);
    }
    cube_fill(&c);
    rs->status = 200;
    rs->body = cube_json(&c, rq, 2);
    cube_free(&c);
    return true;
}

/* ---- PX-Web API v1 ----------------------------------------------------------------------- */

static char *px_databases(const struct indicators *ind)
{
    cJSON *root = cJSON_CreateArray();
    cJSON *db = cJSON_CreateObject();
    cJSON_AddStringToObject(db, "dbid", PX_DB);
    char buf[200];
    snprintf(buf, sizeof buf, "Kinh tế - xã hội cấp xã — %s", indicators_world(ind)->province_name);
    cJSON_AddStringToObject(db, "text", buf);
    cJSON_AddItemToArray(root, db);
    return sim_print_and_free(root);
}

static char *px_tables(const struct indicators *ind, int64_t now)
{
    cJSON *root = cJSON_CreateArray();
    char buf[64];
    iso_time(indicators_updated(ind, now), buf, sizeof buf);
    for (size_t i = 0; i < ARRAY_LEN(datasets); i++) {
        cJSON *t = cJSON_CreateObject();
        char id[80];
        snprintf(id, sizeof id, "%s.px", datasets[i].id);
        cJSON_AddStringToObject(t, "id", id);
        cJSON_AddStringToObject(t, "type", "t");
        cJSON_AddStringToObject(t, "text", datasets[i].label);
        cJSON_AddStringToObject(t, "updated", buf);
        cJSON_AddItemToArray(root, t);
    }
    return sim_print_and_free(root);
}

static char *px_metadata(const struct cube *c)
{
    cJSON *root = cJSON_CreateObject();
    char *title = dataset_label(c);
    cJSON_AddStringToObject(root, "title", title);
    free(title);
    cJSON *vars = cJSON_AddArrayToObject(root, "variables");
    char buf[32], lbuf[320];
    for (int d = 0; d < D_COUNT; d++) {
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "code", dim_ids[d]);
        cJSON_AddStringToObject(v, "text", dim_label(c, d));
        cJSON *values = cJSON_AddArrayToObject(v, "values");
        cJSON *texts = cJSON_AddArrayToObject(v, "valueTexts");
        for (size_t i = 0; i < c->full[d]; i++) {
            cJSON_AddItemToArray(values,
                                 cJSON_CreateString(cat_text(c, d, i, false, buf, sizeof buf)));
            const char *text = cat_text(c, d, i, true, lbuf, sizeof lbuf);
            if (d == D_IND) {
                /* PX-Web puts the unit into the value text: "Dân số trung bình (người)". */
                const struct ind_def *def = indicators_def((enum ind_kind)i, c->ds->province);
                snprintf(lbuf, sizeof lbuf, "%s (%s)", def->label, def->unit);
                text = lbuf;
            }
            cJSON_AddItemToArray(texts, cJSON_CreateString(text));
        }
        /* Summing rates or plans with actuals means nothing: every variable is mandatory. */
        cJSON_AddBoolToObject(v, "elimination", false);
        cJSON_AddBoolToObject(v, "time", d == D_PERIOD);
        cJSON_AddItemToArray(vars, v);
    }
    return sim_print_and_free(root);
}

/* PX-Web's "all" filter: '*' matches any run of bytes, '?' one byte. */
static bool glob_match(const char *pat, const char *s)
{
    if (*pat == '\0')
        return *s == '\0';
    if (*pat == '*')
        return glob_match(pat + 1, s) || (*s && glob_match(pat, s + 1));
    if (*s && (*pat == '?' || *pat == *s))
        return glob_match(pat + 1, s + 1);
    return false;
}

/* Applies one query entry to the cube; on failure fills rs and returns false. */
static bool px_apply(struct cube *c, int d, const char *filter, const cJSON *values,
                     struct sim_response *rs)
{
    const char *code = dim_ids[d];
    bool *mark = xcalloc(c->full[d] + 1, sizeof *mark);
    bool ok = true;
    char buf[32];
    const cJSON *v;
    if (strcmp(filter, "item") == 0 || strcmp(filter, "all") == 0) {
        bool all = filter[0] == 'a';
        cJSON_ArrayForEach(v, values)
        {
            if (!cJSON_IsString(v)) {
                ok = !px_error(rs, 400, "Parameter error: Bad request",
                               "%s: values must be strings", code);
                break;
            }
            bool found = false;
            for (size_t i = 0; i < c->full[d]; i++) {
                const char *id = cat_text(c, d, i, false, buf, sizeof buf);
                if (all ? glob_match(v->valuestring, id) : strcmp(id, v->valuestring) == 0) {
                    mark[i] = true;
                    found = true;
                }
            }
            if (!found && !all) {
                ok = !px_error(rs, 400, "Parameter error: Non-existent value",
                               "%s: no value '%.80s'", code, v->valuestring);
                break;
            }
        }
    } else if (strcmp(filter, "top") == 0) {
        const cJSON *first = cJSON_GetArrayItem(values, 0);
        long n = cJSON_IsString(first) ? strtol(first->valuestring, NULL, 10) : 0;
        if (cJSON_GetArraySize(values) != 1 || n <= 0) {
            ok = !px_error(rs, 400, "Parameter error: Bad request",
                           "%s: top takes one positive count", code);
        } else {
            /* The latest periods for time (the point of "top"); the first values otherwise. */
            size_t take = (size_t)n < c->full[d] ? (size_t)n : c->full[d];
            for (size_t i = 0; i < take; i++)
                mark[d == D_PERIOD ? c->full[d] - 1 - i : i] = true;
        }
    } else {
        ok = !px_error(rs, 400, "Parameter error: Unsupported filter",
                       "%s: filter '%.40s' is not supported here (item, all, top)", code, filter);
    }
    if (ok) {
        select_marked(c, d, mark);
        if (c->n[d] == 0)
            ok = !px_error(rs, 400, "Parameter error: Non-existent value",
                           "%s: the selection matches no value", code);
    }
    free(mark);
    return ok;
}

static bool px_query(struct indicators *ind, const struct dataset_def *ds,
                     const struct sim_request *rq, struct sim_response *rs)
{
    cJSON *root = cJSON_ParseWithLength(rq->body, rq->body_len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return px_error(rs, 400, "Parameter error: Bad request",
                        "the body must be a JSON query: {\"query\":[...],\"response\":"
                        "{\"format\":\"json-stat2\"}}");
    }
    struct cube c;
    cube_init(&c, ds, ind, rq->now);
    bool ok = true;
    int version = 2;
    const cJSON *resp = cJSON_GetObjectItemCaseSensitive(root, "response");
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(resp, "format");
    if (cJSON_IsString(fmt) && strcasecmp(fmt->valuestring, "json-stat") == 0)
        version = 1;
    else if (fmt && !(cJSON_IsString(fmt) && strcasecmp(fmt->valuestring, "json-stat2") == 0))
        ok = !px_error(rs, 400, "Parameter error: Unsupported format",
                       "response.format must be \"json-stat2\" or \"json-stat\"");
    const cJSON *query = cJSON_GetObjectItemCaseSensitive(root, "query");
    if (ok && !cJSON_IsArray(query))
        ok = !px_error(rs, 400, "Parameter error: Bad request", "the body has no \"query\" list");
    const cJSON *q;
    if (ok) {
        cJSON_ArrayForEach(q, query)
        {
            const cJSON *code = cJSON_GetObjectItemCaseSensitive(q, "code");
            const cJSON *sel = cJSON_GetObjectItemCaseSensitive(q, "selection");
            const cJSON *filter = cJSON_GetObjectItemCaseSensitive(sel, "filter");
            const cJSON *values = cJSON_GetObjectItemCaseSensitive(sel, "values");
            if (!cJSON_IsString(code) || !cJSON_IsString(filter) || !cJSON_IsArray(values)) {
                ok = !px_error(rs, 400, "Parameter error: Bad request",
                               "each query entry needs code, selection.filter and "
                               "selection.values");
                break;
            }
            int d = 0;
            while (d < D_COUNT && strcmp(dim_ids[d], code->valuestring) != 0)
                d++;
            if (d == D_COUNT) {
                ok = !px_error(rs, 400, "Parameter error: Non-existent variable",
                               "no variable '%.80s' (don_vi, chi_tieu, ky, measure)",
                               code->valuestring);
                break;
            }
            if (c.sel[d]) {
                ok = !px_error(rs, 400, "Parameter error: Bad request",
                               "variable %s is selected twice", dim_ids[d]);
                break;
            }
            if (!(ok = px_apply(&c, d, filter->valuestring, values, rs)))
                break;
        }
    }
    for (int d = 0; ok && d < D_COUNT; d++)
        if (!c.sel[d])
            ok = !px_error(rs, 400, "Parameter error: Missing mandatory variable",
                           "variable %s must be selected (it cannot be eliminated)", dim_ids[d]);
    if (ok && cube_cells(&c) > STATS_PX_MAX_CELLS)
        ok = !px_error(rs, 403, "Too many values selected",
                       "%zu cells selected; the limit is %d per query", cube_cells(&c),
                       STATS_PX_MAX_CELLS);
    if (ok) {
        rs->status = 200;
        rs->body = cube_json(&c, rq, version);
    }
    cube_free(&c);
    cJSON_Delete(root);
    return true;
}

/* /stats/api/v1/vi[/kt-xh[/{table}.px]] */
static bool px_route(struct indicators *ind, const char *rest, const struct sim_request *rq,
                     struct sim_response *rs)
{
    bool post = strcmp(rq->method, "POST") == 0;
    size_t len = strlen(rest);
    while (len && rest[len - 1] == '/')
        len--;
    if (len == 0) {
        if (post)
            return px_error(rs, 405, "Method not allowed", "POST goes to a table (.px)");
        rs->status = 200;
        rs->body = px_databases(ind);
        return true;
    }
    const char *db = "/" PX_DB;
    size_t dblen = strlen(db);
    if (len < dblen || strncmp(rest, db, dblen) != 0 || (len > dblen && rest[dblen] != '/'))
        return px_error(rs, 404, "Not found", "no database '%.*s'", (int)len, rest);
    const char *table = rest + dblen;
    size_t tlen = len - dblen;
    if (tlen <= 1) {
        if (post)
            return px_error(rs, 405, "Method not allowed", "POST goes to a table (.px)");
        rs->status = 200;
        rs->body = px_tables(ind, rq->now);
        return true;
    }
    table++;
    tlen--;
    const struct dataset_def *ds =
        tlen > 3 && strncmp(table + tlen - 3, ".px", 3) == 0 ? dataset_find(table, tlen - 3) : NULL;
    if (!ds)
        return px_error(rs, 404, "Not found", "no table '%.*s'", (int)tlen, table);
    if (post)
        return px_query(ind, ds, rq, rs);
    struct cube c;
    cube_init(&c, ds, ind, rq->now);
    rs->status = 200;
    rs->body = px_metadata(&c);
    return true;
}

static bool stats_route(void *state, const struct sim_request *rq, struct sim_response *rs)
{
    struct indicators *ind = state;
    const char *path = rq->path;
    size_t root = strlen(STATS_ROOT);
    if (strncmp(path, STATS_ROOT, root) != 0 || (path[root] && path[root] != '/'))
        return false;
    const char *rest = path + root;
    if (str_starts_with(rest, PX_ROOT) &&
        (rest[strlen(PX_ROOT)] == '\0' || rest[strlen(PX_ROOT)] == '/'))
        return px_route(ind, rest + strlen(PX_ROOT), rq, rs);
    if (strcmp(rq->method, "POST") == 0)
        return jsonstat_error(rs, 405,
                              "POST is for PX-Web tables (" STATS_ROOT PX_ROOT "/" PX_DB
                              "/TABLE.px); datasets answer GET");
    if (strcmp(rest, "") == 0 || strcmp(rest, "/") == 0) {
        rs->status = 200;
        rs->body = collection_json(ind, rq);
        return true;
    }
    size_t len = strlen(rest);
    const struct dataset_def *ds =
        len > 6 && strcmp(rest + len - 5, ".json") == 0 ? dataset_find(rest + 1, len - 6) : NULL;
    if (!ds)
        return jsonstat_error(rs, 404, "no dataset %s (the collection is at " STATS_ROOT "/)",
                              path);
    return dataset_get(ind, ds, rq, rs);
}

struct sim_domain stats_domain(struct indicators *ind)
{
    return (struct sim_domain){.name = "stats", .state = ind, .route = stats_route};
}
