/* PX-Web API v1 query bodies.
 *
 * Built with cJSON rather than printf so that codes and values with quotes, backslashes or
 * Swedish/Vietnamese letters ("Ålder5år", "Địa phương") come out as valid JSON. The checks
 * catch what the server would reject anyway with a bare 400, where the operator learns less. */
#include "citydeck/pxweb.h"

#include "citydeck/feedjson.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <utf8proc.h>

/* cJSON copies bytes through, so invalid UTF-8 would produce a body the server cannot read. */
static bool valid_utf8(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0)
            return false;
        p += n;
        left -= n;
    }
    return true;
}

static bool filter_ok(const char *f)
{
    if (strcmp(f, "item") == 0 || strcmp(f, "all") == 0 || strcmp(f, "top") == 0)
        return true;
    /* agg:<file> and vs:<valueset> name server-side groupings; the name must be there. */
    return (strncmp(f, "agg:", 4) == 0 && f[4]) || (strncmp(f, "vs:", 3) == 0 && f[3]);
}

static bool positive_count(const char *s)
{
    if (!*s || *s == '0')
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static bool check(const struct pxweb_selection *sel, size_t k, char *err, size_t errsz)
{
    if (!sel->code || !*sel->code || !valid_utf8(sel->code)) {
        feedjson_set_err(err, errsz, "pxweb: selection %zu: %s code", k + 1,
                         sel->code && *sel->code ? "invalid UTF-8 in" : "no");
        return false;
    }
    const char *f = sel->filter ? sel->filter : "item";
    if (!filter_ok(f) || !valid_utf8(f)) {
        feedjson_set_err(err, errsz, "pxweb: selection %zu (%s): unknown filter \"%.40s\"", k + 1,
                         sel->code, f);
        return false;
    }
    if (!sel->nvalues || !sel->values) {
        feedjson_set_err(err, errsz, "pxweb: selection %zu (%s): no values", k + 1, sel->code);
        return false;
    }
    if (strcmp(f, "top") == 0 &&
        (sel->nvalues != 1 || !sel->values[0] || !positive_count(sel->values[0]))) {
        feedjson_set_err(
            err, errsz, "pxweb: selection %zu (%s): top needs one positive count, got %zu %s",
            k + 1, sel->code, sel->nvalues, sel->nvalues == 1 ? "other value" : "values");
        return false;
    }
    for (size_t v = 0; v < sel->nvalues; v++) {
        if (!sel->values[v] || !*sel->values[v] || !valid_utf8(sel->values[v])) {
            feedjson_set_err(err, errsz, "pxweb: selection %zu (%s): value %zu is %s", k + 1,
                             sel->code, v + 1,
                             sel->values[v] && *sel->values[v] ? "not valid UTF-8" : "empty");
            return false;
        }
    }
    return true;
}

char *pxweb_query_body(const struct pxweb_query *q, char *err, size_t errsz)
{
    feedjson_set_err(err, errsz, "%s", "");
    if (!q || (q->nselections && !q->selections)) {
        feedjson_set_err(err, errsz, "pxweb: no query");
        return NULL;
    }
    const char *format = q->format && *q->format ? q->format : "json-stat2";
    if (!valid_utf8(format)) {
        feedjson_set_err(err, errsz, "pxweb: invalid UTF-8 in the response format");
        return NULL;
    }
    for (size_t k = 0; k < q->nselections; k++)
        if (!check(&q->selections[k], k, err, errsz))
            return NULL;

    /* Unlike xmalloc, cJSON returns NULL on out-of-memory; the Add functions then fail and the
     * print returns NULL, reported below. Items orphaned on that path leak, which is moot in a
     * program that aborts on out-of-memory everywhere else. cJSON allocates with malloc (no
     * hooks are installed), so the caller frees the body with free(). */
    cJSON *root = cJSON_CreateObject();
    cJSON *query = cJSON_AddArrayToObject(root, "query");
    for (size_t k = 0; k < q->nselections; k++) {
        const struct pxweb_selection *sel = &q->selections[k];
        cJSON *item = cJSON_CreateObject();
        cJSON_AddItemToArray(query, item);
        cJSON_AddStringToObject(item, "code", sel->code);
        cJSON *s = cJSON_AddObjectToObject(item, "selection");
        cJSON_AddStringToObject(s, "filter", sel->filter ? sel->filter : "item");
        cJSON *values = cJSON_AddArrayToObject(s, "values");
        for (size_t v = 0; v < sel->nvalues; v++)
            cJSON_AddItemToArray(values, cJSON_CreateString(sel->values[v]));
    }
    cJSON *response = cJSON_AddObjectToObject(root, "response");
    cJSON_AddStringToObject(response, "format", format);
    char *body = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!body)
        feedjson_set_err(err, errsz, "pxweb: out of memory");
    return body;
}
