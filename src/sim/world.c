#include "world.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/util.h"
#include "reply.h"
#include "rng.h"

/* Keys that separate the geography streams from everything else. */
enum { KEY_POPULATION = 0x706f70, KEY_POSITION = 0x706f73 };

/* Approximate centres of the 34 provinces of 2025 (their seats, pulled inland where a merged
 * province stretches far). Only the boxes matter: units are scattered inside them. Quảng
 * Ngãi, the default, gets its real extent (with Kon Tum). */
static const struct {
    const char *code;
    double lat, lon;
} centres[] = {
    {"01", 21.03, 105.85}, {"04", 22.67, 106.26}, {"08", 21.82, 105.21}, {"11", 21.39, 103.02},
    {"12", 22.40, 103.46}, {"14", 21.33, 103.91}, {"15", 22.10, 104.40}, {"19", 21.59, 105.85},
    {"20", 21.85, 106.76}, {"22", 21.00, 107.30}, {"24", 21.27, 106.20}, {"25", 21.32, 105.40},
    {"31", 20.86, 106.68}, {"33", 20.65, 106.05}, {"37", 20.25, 105.97}, {"38", 19.81, 105.60},
    {"40", 18.90, 105.20}, {"42", 18.34, 105.90}, {"44", 17.20, 106.60}, {"46", 16.46, 107.59},
    {"48", 15.80, 108.10}, {"52", 13.90, 108.60}, {"56", 12.00, 109.00}, {"66", 12.90, 108.60},
    {"68", 11.60, 108.00}, {"75", 11.30, 106.90}, {"79", 10.75, 106.75}, {"80", 10.90, 106.20},
    {"82", 10.45, 106.00}, {"86", 10.00, 106.20}, {"91", 10.30, 105.10}, {"92", 9.80, 105.80},
    {"96", 9.20, 105.40},
};

struct box {
    double lat0, lat1, lon0, lon1;
};

static struct box province_box(const char *code)
{
    if (strcmp(code, "51") == 0)
        return (struct box){14.5, 15.4, 107.6, 109.1};
    for (size_t i = 0; i < ARRAY_LEN(centres); i++)
        if (strcmp(centres[i].code, code) == 0)
            return (struct box){centres[i].lat - 0.35, centres[i].lat + 0.35, centres[i].lon - 0.45,
                                centres[i].lon + 0.45};
    /* An unknown code still gets a fixed box, somewhere over the country. */
    struct rng r;
    rng_seed(&r, rng_hash(code, strlen(code)), KEY_POSITION, 0, 0);
    double lat = rng_range(&r, 10, 21), lon = rng_range(&r, 105, 108);
    return (struct box){lat - 0.35, lat + 0.35, lon - 0.45, lon + 0.45};
}

static double round6(double x)
{
    return round(x * 1e6) / 1e6;
}

/* Splits one CSV line in place (RFC 4180 quoting; the bundled file has none, a user's file
 * may). Returns the number of fields. */
static int csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return n;
        char *out = p;
        fields[n++] = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else if (*p == '\0') {
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                *out++ = *p++;
        }
        char sep = *p;
        *out = '\0';
        if (sep != ',')
            return n;
        p++;
    }
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* "51" matches "51"; all-digit codes also match by value, so "5" finds "05". */
static int code_matches(const char *want, const char *have)
{
    if (strcmp(want, have) == 0)
        return 1;
    char *e1, *e2;
    long a = strtol(want, &e1, 10), b = strtol(have, &e2, 10);
    return *want && *have && !*e1 && !*e2 && a == b;
}

/* "Tỉnh Quảng Ngãi" -> "tỉnh Quảng Ngãi"; "Thành phố Huế" -> "thành phố Huế". Vietnamese
 * writes the kind of unit in lower case inside a sentence. */
static char *lower_kind(const char *full)
{
    static const struct {
        const char *upper, *lower;
    } kinds[] = {
        {"Tỉnh ", "tỉnh "}, {"Thành phố ", "thành phố "}, {"Phường ", "phường "},
        {"Xã ", "xã "},     {"Đặc khu ", "đặc khu "},     {"Thị trấn ", "thị trấn "},
    };
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
        if (str_starts_with(full, kinds[i].upper))
            return xasprintf("%s%s", kinds[i].lower, full + strlen(kinds[i].upper));
    return xstrdup(full);
}

static char *strip_kind(const char *full)
{
    static const char *const kinds[] = {"Tỉnh ", "Thành phố "};
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
        if (str_starts_with(full, kinds[i]))
            return xstrdup(full + strlen(kinds[i]));
    return xstrdup(full);
}

static void unit_synthesize(struct unit *u, const struct box *b)
{
    struct rng r;
    uint64_t key = rng_hash(u->code, strlen(u->code));
    rng_seed(&r, key, KEY_POPULATION, 0, 0);
    int lo = 5000, hi = 20000;
    if (u->kind == UNIT_PHUONG) {
        lo = 20000;
        hi = 60000;
    } else if (u->kind == UNIT_DAC_KHU) {
        lo = 3000;
        hi = 10000;
    }
    u->population = rng_int(&r, lo / 10, hi / 10) * 10;
    rng_seed(&r, key, KEY_POSITION, 0, 0);
    u->lat = round6(rng_range(&r, b->lat0, b->lat1));
    u->lon = round6(rng_range(&r, b->lon0, b->lon1));
}

static enum unit_kind kind_of(const char *type)
{
    if (strcmp(type, "Phường") == 0)
        return UNIT_PHUONG;
    if (strcmp(type, "Đặc khu") == 0)
        return UNIT_DAC_KHU;
    return UNIT_XA;
}

enum { COL_PCODE, COL_PNAME, COL_UCODE, COL_UTYPE, COL_UNAME, COL_UFULL, NCOLS };

static const char *const column_names[NCOLS] = {
    "province_code", "province_name", "unit_code", "unit_type", "unit_name", "unit_full_name",
};

struct world *world_load(const char *path, const char *province, char *err, size_t errsz)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct world *w = xcalloc(1, sizeof *w);
    size_t cap = 0;
    struct buf known = {0};
    char last[16] = "";
    char *line = NULL, *fields[16];
    size_t linecap = 0;
    int col[NCOLS], lineno = 0, bad = 0;
    for (int i = 0; i < NCOLS; i++)
        col[i] = -1;
    while (getline(&line, &linecap, f) > 0) {
        lineno++;
        chomp(line);
        char *text = line;
        /* Spreadsheets save CSV with a byte order mark. */
        if (lineno == 1 && str_starts_with(text, "\xEF\xBB\xBF"))
            text += 3;
        if (!*text)
            continue;
        int n = csv_split(text, fields, (int)ARRAY_LEN(fields));
        if (lineno == 1) {
            for (int i = 0; i < n; i++)
                for (int c = 0; c < NCOLS; c++)
                    if (strcmp(fields[i], column_names[c]) == 0)
                        col[c] = i;
            for (int c = 0; c < NCOLS; c++)
                if (col[c] < 0) {
                    snprintf(err, errsz, "%s: no column %s in the header", path, column_names[c]);
                    bad = 1;
                }
            if (bad)
                break;
            continue;
        }
        int need = 0;
        for (int c = 0; c < NCOLS; c++)
            if (col[c] > need)
                need = col[c];
        if (n <= need)
            continue;
        const char *pcode = fields[col[COL_PCODE]];
        if (!code_matches(province, pcode)) {
            /* The list is grouped by province: note each one once, for the error message. */
            if (strcmp(last, pcode) != 0) {
                str_copy(last, pcode, sizeof last);
                buf_appendf(&known, " %s", pcode);
            }
            continue;
        }
        if (!w->province_code) {
            w->province_code = xstrdup(pcode);
            w->province_name = xstrdup(fields[col[COL_PNAME]]);
        }
        w->units = xgrow(w->units, &cap, w->nunits + 1, sizeof *w->units);
        struct unit *u = &w->units[w->nunits++];
        u->code = xstrdup(fields[col[COL_UCODE]]);
        u->name = xstrdup(fields[col[COL_UNAME]]);
        u->full_name = xstrdup(fields[col[COL_UFULL]]);
        u->type = xstrdup(fields[col[COL_UTYPE]]);
        u->kind = kind_of(u->type);
        u->lower_full = lower_kind(u->full_name);
    }
    free(line);
    fclose(f);
    if (!bad && w->nunits == 0) {
        snprintf(err, errsz, "unknown province '%s' in %s (known:%s)", province, path,
                 known.data ? known.data : " none");
        bad = 1;
    }
    buf_free(&known);
    if (bad) {
        world_free(w);
        return NULL;
    }
    struct box b = province_box(w->province_code);
    w->province_short = strip_kind(w->province_name);
    w->province_lower = lower_kind(w->province_name);
    w->cum_population = xmalloc(w->nunits * sizeof *w->cum_population);
    double sum = 0;
    for (size_t i = 0; i < w->nunits; i++) {
        unit_synthesize(&w->units[i], &b);
        w->population += w->units[i].population;
        sum += w->units[i].population;
        w->cum_population[i] = sum;
    }
    return w;
}

void world_free(struct world *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->nunits; i++) {
        struct unit *u = &w->units[i];
        free(u->code);
        free(u->name);
        free(u->full_name);
        free(u->type);
        free(u->lower_full);
    }
    free(w->units);
    free(w->cum_population);
    free(w->province_code);
    free(w->province_name);
    free(w->province_short);
    free(w->province_lower);
    free(w);
}

char *world_to_json(const struct world *w)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *prov = cJSON_AddObjectToObject(root, "province");
    cJSON_AddStringToObject(prov, "code", w->province_code);
    cJSON_AddStringToObject(prov, "name", w->province_name);
    cJSON *units = cJSON_AddArrayToObject(root, "units");
    for (size_t i = 0; i < w->nunits; i++) {
        const struct unit *u = &w->units[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", u->code);
        cJSON_AddStringToObject(o, "name", u->name);
        cJSON_AddStringToObject(o, "full_name", u->full_name);
        cJSON_AddStringToObject(o, "type", u->type);
        cJSON_AddNumberToObject(o, "population", u->population);
        cJSON_AddNumberToObject(o, "lat", u->lat);
        cJSON_AddNumberToObject(o, "lon", u->lon);
        cJSON_AddItemToArray(units, o);
    }
    return sim_print_and_free(root);
}

static bool domain_route(void *state, const struct sim_request *rq, struct sim_response *rs)
{
    if (strcmp(rq->path, "/units.json") != 0)
        return false;
    rs->status = 200;
    rs->body = world_to_json(state);
    return true;
}

struct sim_domain world_domain(const struct world *w)
{
    return (struct sim_domain){.name = "units", .state = (void *)w, .route = domain_route};
}
