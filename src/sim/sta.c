/* SensorThings API 1.1 for the simulated hub.
 *
 * Ids: Things and Locations share theirs (one Location per Thing); Datastreams count from 1
 * in Thing order; Sensors are one per sensor kind, ObservedProperties one per measured
 * quantity; an Observation's id is slot * SENSORS_ID_STRIDE + Datastream id, so it names its
 * Datastream and its 5-minute slot and nothing has to be stored to answer Observations(id).
 *
 * Small entity sets (Things ... ObservedProperties) are answered by listing the candidates,
 * rendering each, filtering and sorting the rendered objects: general, and cheap at a few
 * thousand entities. Observations (hundreds of thousands in the 7-day window) are an
 * arithmetic grid of slots x Datastreams: time and id conditions narrow the grid, paging
 * indexes into it, and only conditions on the result make it scan.
 *
 * Conventions follow FROST-Server: absolute links, times in UTC with milliseconds, "id asc"
 * appended to every ordering so $skip paging is stable, defaultTop 100 (also inside
 * $expand), errors as {"code","type":"error","message"}. */
#include "sta.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/util.h"
#include "reply.h"

#define MAX_CONDS 16
#define MAX_ORDER 4
#define MAX_SELECT 24
#define MAX_EXPAND 8
#define MAX_DEPTH 5
#define MAX_FIELD 96
#define MAX_SKIP 1000000000L
#define ERRSZ 300
#define SLOT_MS ((int64_t)SENSORS_INTERVAL * 1000)
#define VN CLOCK_VN_OFFSET

enum ent { E_THING, E_LOCATION, E_DATASTREAM, E_SENSOR, E_OBSPROP, E_OBSERVATION, E_N };

static const char *const set_names[E_N] = {
    [E_THING] = "Things",   [E_LOCATION] = "Locations",         [E_DATASTREAM] = "Datastreams",
    [E_SENSOR] = "Sensors", [E_OBSPROP] = "ObservedProperties", [E_OBSERVATION] = "Observations",
};

static const char *const entity_names[E_N] = {
    [E_THING] = "Thing",   [E_LOCATION] = "Location",        [E_DATASTREAM] = "Datastream",
    [E_SENSOR] = "Sensor", [E_OBSPROP] = "ObservedProperty", [E_OBSERVATION] = "Observation",
};

/* Properties by entity, in the order they are written. */
static const char *const fields_of[E_N][8] = {
    [E_THING] = {"name", "description", "properties"},
    [E_LOCATION] = {"name", "description", "encodingType", "location", "properties"},
    [E_DATASTREAM] = {"name", "description", "observationType", "unitOfMeasurement",
                      "phenomenonTime", "resultTime", "properties"},
    [E_SENSOR] = {"name", "description", "encodingType", "metadata", "properties"},
    [E_OBSPROP] = {"name", "definition", "description", "properties"},
    [E_OBSERVATION] = {"phenomenonTime", "resultTime", "result"},
};

struct nav {
    enum ent from;
    const char *name;
    enum ent to;
    bool many;
};

/* Navigation properties; HistoricalLocations and FeaturesOfInterest are not served, so no
 * links point at them. */
static const struct nav navs[] = {
    {E_THING, "Locations", E_LOCATION, true},
    {E_THING, "Datastreams", E_DATASTREAM, true},
    {E_LOCATION, "Things", E_THING, true},
    {E_DATASTREAM, "Thing", E_THING, false},
    {E_DATASTREAM, "Sensor", E_SENSOR, false},
    {E_DATASTREAM, "ObservedProperty", E_OBSPROP, false},
    {E_DATASTREAM, "Observations", E_OBSERVATION, true},
    {E_SENSOR, "Datastreams", E_DATASTREAM, true},
    {E_OBSPROP, "Datastreams", E_DATASTREAM, true},
    {E_OBSERVATION, "Datastream", E_DATASTREAM, false},
};

static const struct nav *nav_find(enum ent from, const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_LEN(navs); i++)
        if (navs[i].from == from && strlen(navs[i].name) == len &&
            strncmp(navs[i].name, name, len) == 0)
            return &navs[i];
    return NULL;
}

/* ---- errors -------------------------------------------------------------------------------- */

char *sta_error(int code, const char *fmt, ...)
{
    struct buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vappendf(&b, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "code", code);
    cJSON_AddStringToObject(o, "type", "error");
    /* FROST cuts its messages at 200 characters; ours stay short enough not to need it. */
    cJSON_AddStringToObject(o, "message", b.data ? b.data : "");
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    buf_free(&b);
    return s;
}

static void set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_err(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, ERRSZ, fmt, ap);
    va_end(ap);
}

/* ---- query options ------------------------------------------------------------------------- */

enum op { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE };
static const char *const op_names[] = {"eq", "ne", "gt", "ge", "lt", "le"};

enum lit { L_NUM, L_STR, L_TIME, L_BOOL, L_NULL };

struct cond {
    char field[MAX_FIELD];
    enum op op;
    enum lit lt;
    double num;
    char *str;
    int64_t ms;
};

struct order {
    char field[MAX_FIELD];
    bool desc;
};

struct expand;

struct query {
    enum ent type;
    long top; /* -1: the default */
    long skip;
    bool count;
    struct order order[MAX_ORDER];
    int norder;
    struct cond conds[MAX_CONDS];
    int nconds;
    bool select_set;
    char *select[MAX_SELECT];
    int nselect;
    struct expand *expand; /* MAX_EXPAND slots, allocated on first use */
    int nexpand;
    bool data_array;
    /* As given, re-sent in next links. */
    char *raw_orderby, *raw_filter, *raw_select, *raw_expand;
};

struct expand {
    const struct nav *nav;
    struct query q;
    bool has_options;
};

static void query_init(struct query *q, enum ent type)
{
    memset(q, 0, sizeof *q);
    q->type = type;
    q->top = -1;
}

static void query_free(struct query *q)
{
    for (int i = 0; i < q->nconds; i++)
        free(q->conds[i].str);
    for (int i = 0; i < q->nselect; i++)
        free(q->select[i]);
    for (int i = 0; i < q->nexpand; i++)
        query_free(&q->expand[i].q);
    free(q->expand);
    free(q->raw_orderby);
    free(q->raw_filter);
    free(q->raw_select);
    free(q->raw_expand);
}

static long query_top(const struct query *q)
{
    return q->top < 0 ? STA_DEFAULT_TOP : q->top;
}

static char *trim_dup(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

static bool parse_count_of(const char *v, long *out)
{
    char *t = trim_dup(v, strlen(v));
    char *end;
    long n = strtol(t, &end, 10);
    bool ok = *t && !*end && isdigit((unsigned char)*t) && n >= 0 && n <= MAX_SKIP;
    free(t);
    if (ok)
        *out = n;
    return ok;
}

/* A property path valid on type: id, a property, a path into properties or
 * unitOfMeasurement, or a single navigation property followed by a path on its target. */
static bool field_valid(enum ent type, const char *f)
{
    if (!strcmp(f, "id") || !strcmp(f, "@iot.id"))
        return true;
    const char *slash = strchr(f, '/');
    size_t head = slash ? (size_t)(slash - f) : strlen(f);
    if (slash) {
        const struct nav *n = nav_find(type, f, head);
        if (n && !n->many)
            return field_valid(n->to, slash + 1);
        if ((type != E_OBSERVATION && head == 10 && !strncmp(f, "properties", 10)) ||
            (type == E_DATASTREAM && head == 17 && !strncmp(f, "unitOfMeasurement", 17)))
            return slash[1] != '\0';
        return false;
    }
    for (int i = 0; i < 8 && fields_of[type][i]; i++)
        if (!strcmp(fields_of[type][i], f))
            return true;
    return false;
}

static bool is_time_field(enum ent type, const char *f)
{
    return type == E_OBSERVATION && (!strcmp(f, "phenomenonTime") || !strcmp(f, "resultTime"));
}

/* An ISO 8601 instant with its milliseconds; without a zone +07:00 is assumed, as the hub's
 * other endpoints do. */
static bool parse_time_ms(const char *s, int64_t *ms)
{
    bool zone;
    int64_t t = clock_parse_iso(s, VN, &zone);
    if (t == TIME_NONE || strlen(s) < 11)
        return false;
    int frac = 0;
    const char *dot = strpbrk(s + 10, ".,");
    if (dot) {
        int scale = 100;
        for (const char *p = dot + 1; isdigit((unsigned char)*p) && scale; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    *ms = t * 1000 + frac;
    return true;
}

/* ---- $filter: comparisons joined by "and" ----------------------------------------------- */

enum tok { T_END, T_LP, T_RP, T_WORD, T_STR, T_ERR };

struct lexer {
    const char *p;
    enum tok t;
    char text[256];
};

static bool looks_like_zoneless_time(const char *w)
{
    size_t n = strlen(w);
    if (n < 16 || w[4] != '-' || w[7] != '-' || w[10] != 'T')
        return false;
    return !strpbrk(w + 10, "Z+-");
}

static void lex(struct lexer *lx)
{
    const char *p = lx->p;
    while (isspace((unsigned char)*p))
        p++;
    size_t n = 0;
    if (!*p) {
        lx->t = T_END;
    } else if (*p == '(' || *p == ')') {
        lx->t = *p == '(' ? T_LP : T_RP;
        p++;
    } else if (*p == '\'') {
        lx->t = T_ERR;
        for (p++; *p; p++) {
            if (*p == '\'' && p[1] == '\'') {
                p++;
            } else if (*p == '\'') {
                p++;
                lx->t = T_STR;
                break;
            }
            if (n + 1 < sizeof lx->text)
                lx->text[n++] = *p;
        }
    } else {
        while (*p && !isspace((unsigned char)*p) && *p != '(' && *p != ')' && *p != '\'' &&
               n + 1 < sizeof lx->text)
            lx->text[n++] = *p++;
        lx->text[n] = '\0';
        /* An unencoded '+' of an offset arrives as a space: "08:00:00 07:00". */
        if (looks_like_zoneless_time(lx->text) && p[0] == ' ' && isdigit((unsigned char)p[1]) &&
            isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
            isdigit((unsigned char)p[5]) &&
            (!p[6] || isspace((unsigned char)p[6]) || p[6] == ')') && n + 7 < sizeof lx->text) {
            lx->text[n++] = '+';
            memcpy(lx->text + n, p + 1, 5);
            n += 5;
            p += 6;
        }
        lx->t = T_WORD;
    }
    lx->text[n] = '\0';
    lx->p = p;
}

static const char *const filter_help =
    "supported: comparisons (eq ne gt ge lt le) of id, phenomenonTime, resultTime, result, name, "
    "properties/..., Datastream/id, Thing/id ... joined by 'and'";

static bool parse_literal(struct lexer *lx, struct cond *c, enum ent type, char *err)
{
    if (lx->t == T_STR) {
        c->lt = L_STR;
        c->str = xstrdup(lx->text);
        if (is_time_field(type, c->field)) {
            if (!parse_time_ms(lx->text, &c->ms)) {
                set_err(err, "Invalid $filter: %s needs a date-time, got '%s'", c->field, lx->text);
                return false;
            }
            c->lt = L_TIME;
        }
        return true;
    }
    if (lx->t != T_WORD) {
        set_err(err, "Invalid $filter: a value must follow %s %s", c->field, op_names[c->op]);
        return false;
    }
    const char *w = lx->text;
    char *end;
    if (!strcmp(w, "true") || !strcmp(w, "false")) {
        c->lt = L_BOOL;
        c->num = w[0] == 't';
    } else if (!strcmp(w, "null")) {
        c->lt = L_NULL;
    } else if (parse_time_ms(w, &c->ms)) {
        c->lt = L_TIME;
    } else if ((c->num = strtod(w, &end)), *end == '\0' && end != w && isfinite(c->num)) {
        c->lt = L_NUM;
    } else {
        set_err(err,
                "Invalid $filter: cannot read the value '%s' (numbers, 'strings', "
                "true/false, null, ISO 8601 date-times)",
                w);
        return false;
    }
    if (is_time_field(type, c->field) && c->lt != L_TIME && c->lt != L_NULL) {
        set_err(err, "Invalid $filter: %s needs a date-time, got '%s'", c->field, w);
        return false;
    }
    return true;
}

static bool parse_and(struct lexer *lx, struct query *q, int depth, char *err);

static bool parse_primary(struct lexer *lx, struct query *q, int depth, char *err)
{
    if (lx->t == T_LP) {
        if (depth > 8) {
            set_err(err, "Invalid $filter: too deeply nested");
            return false;
        }
        lex(lx);
        if (!parse_and(lx, q, depth + 1, err))
            return false;
        if (lx->t != T_RP) {
            set_err(err, "Invalid $filter: missing ')'");
            return false;
        }
        lex(lx);
        return true;
    }
    if (lx->t != T_WORD) {
        set_err(err, "Invalid $filter: expected a property name (%s)", filter_help);
        return false;
    }
    if (*lx->p == '(' || !strcmp(lx->text, "not")) {
        set_err(err, "Unsupported $filter function or operator '%s' (%s)", lx->text, filter_help);
        return false;
    }
    if (q->nconds == MAX_CONDS) {
        set_err(err, "Invalid $filter: more than %d comparisons", MAX_CONDS);
        return false;
    }
    struct cond *c = &q->conds[q->nconds];
    memset(c, 0, sizeof *c);
    if (strlen(lx->text) >= sizeof c->field || !field_valid(q->type, lx->text)) {
        set_err(err, "Invalid $filter: %s has no property '%s'", entity_names[q->type], lx->text);
        return false;
    }
    str_copy(c->field, lx->text, sizeof c->field);
    lex(lx);
    int op = -1;
    for (int i = 0; i < (int)ARRAY_LEN(op_names); i++)
        if (lx->t == T_WORD && !strcmp(lx->text, op_names[i]))
            op = i;
    if (op < 0) {
        set_err(err, "Unsupported $filter operator '%s' after %s (%s)",
                lx->t == T_WORD ? lx->text : "", c->field, filter_help);
        return false;
    }
    c->op = (enum op)op;
    lex(lx);
    if (!parse_literal(lx, c, q->type, err)) {
        free(c->str);
        c->str = NULL;
        return false;
    }
    q->nconds++;
    lex(lx);
    return true;
}

static bool parse_and(struct lexer *lx, struct query *q, int depth, char *err)
{
    for (;;) {
        if (!parse_primary(lx, q, depth, err))
            return false;
        if (lx->t == T_WORD && !strcmp(lx->text, "and")) {
            lex(lx);
            continue;
        }
        if (lx->t == T_END || lx->t == T_RP)
            return true;
        set_err(err, "Unsupported $filter: '%s' (%s)", lx->t == T_WORD ? lx->text : "?",
                filter_help);
        return false;
    }
}

static bool parse_filter(struct query *q, const char *text, char *err)
{
    struct lexer lx = {.p = text};
    lex(&lx);
    if (lx.t == T_END) {
        set_err(err, "Invalid $filter: empty");
        return false;
    }
    if (!parse_and(&lx, q, 0, err))
        return false;
    if (lx.t != T_END) {
        set_err(err, "Invalid $filter: unbalanced ')'");
        return false;
    }
    return true;
}

/* ---- $orderby, $select --------------------------------------------------------------------- */

/* Splits at sep outside parentheses; calls fn on each trimmed piece. */
static bool split_top(const char *text, char sep,
                      bool (*fn)(struct query *, const char *, int, char *), struct query *q,
                      int depth, char *err)
{
    int level = 0;
    bool quoted = false;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p == '\'')
            quoted = !quoted;
        else if (!quoted && *p == '(')
            level++;
        else if (!quoted && *p == ')')
            level--;
        if (level < 0) {
            set_err(err, "Unbalanced ')' in '%s'", text);
            return false;
        }
        if (*p == '\0' || (*p == sep && level == 0 && !quoted)) {
            if (level != 0) {
                set_err(err, "Unbalanced '(' in '%s'", text);
                return false;
            }
            char *piece = trim_dup(start, (size_t)(p - start));
            bool ok = fn(q, piece, depth, err);
            free(piece);
            if (!ok)
                return false;
            if (*p == '\0')
                return true;
            start = p + 1;
        }
    }
}

static bool orderby_item(struct query *q, const char *item, int depth, char *err)
{
    (void)depth;
    if (!*item) {
        set_err(err, "Invalid $orderby: empty item");
        return false;
    }
    if (q->norder == MAX_ORDER) {
        set_err(err, "Invalid $orderby: more than %d keys", MAX_ORDER);
        return false;
    }
    struct order *o = &q->order[q->norder];
    const char *sp = item + strcspn(item, " \t");
    size_t n = (size_t)(sp - item);
    while (isspace((unsigned char)*sp))
        sp++;
    o->desc = false;
    if (!strcmp(sp, "desc"))
        o->desc = true;
    else if (*sp && strcmp(sp, "asc") != 0) {
        set_err(err, "Invalid $orderby: '%s' (PROPERTY [asc|desc])", item);
        return false;
    }
    if (n >= sizeof o->field) {
        set_err(err, "Invalid $orderby: '%s'", item);
        return false;
    }
    memcpy(o->field, item, n);
    o->field[n] = '\0';
    if (!field_valid(q->type, o->field)) {
        set_err(err, "Invalid $orderby: %s has no property '%s'", entity_names[q->type], o->field);
        return false;
    }
    if (q->type == E_OBSERVATION) {
        static const char *const ok[] = {"phenomenonTime", "resultTime",    "id",
                                         "@iot.id",        "Datastream/id", "Datastream/@iot.id"};
        bool found = false;
        for (size_t i = 0; i < ARRAY_LEN(ok); i++)
            found |= !strcmp(o->field, ok[i]);
        if (!found) {
            set_err(err,
                    "Unsupported $orderby for Observations: '%s' (phenomenonTime, resultTime, "
                    "id, Datastream/id)",
                    o->field);
            return false;
        }
    }
    q->norder++;
    return true;
}

static bool select_item(struct query *q, const char *item, int depth, char *err)
{
    (void)depth;
    bool ok = !strcmp(item, "id") || !strcmp(item, "@iot.id") || !strcmp(item, "@iot.selfLink") ||
              !strcmp(item, "selfLink");
    for (int i = 0; !ok && i < 8 && fields_of[q->type][i]; i++)
        ok = !strcmp(fields_of[q->type][i], item);
    ok = ok || nav_find(q->type, item, strlen(item));
    if (!ok) {
        set_err(err, "Invalid $select: %s has no property '%s'", entity_names[q->type], item);
        return false;
    }
    if (q->nselect == MAX_SELECT) {
        set_err(err, "Invalid $select: more than %d properties", MAX_SELECT);
        return false;
    }
    q->select[q->nselect++] = xstrdup(item);
    return true;
}

/* ---- $expand --------------------------------------------------------------------------- */

static bool apply_option(struct query *q, const char *key, const char *value, int depth, char *err);

static void raw_append(char **raw, const char *text)
{
    char *s = *raw ? xasprintf("%s,%s", *raw, text) : xstrdup(text);
    free(*raw);
    *raw = s;
}

static bool option_item(struct query *q, const char *item, int depth, char *err)
{
    const char *eq = strchr(item, '=');
    if (!eq) {
        set_err(err, "Invalid option '%s' in $expand (KEY=VALUE separated by ';')", item);
        return false;
    }
    char *key = trim_dup(item, (size_t)(eq - item));
    bool ok = apply_option(q, key, eq + 1, depth, err);
    free(key);
    return ok;
}

static bool expand_item(struct query *q, const char *item, int depth, char *err)
{
    if (depth >= MAX_DEPTH) {
        set_err(err, "Invalid $expand: nested deeper than %d", MAX_DEPTH);
        return false;
    }
    size_t pathlen = strcspn(item, "(");
    const char *opts = item[pathlen] ? item + pathlen + 1 : NULL;
    size_t optlen = 0;
    if (opts) {
        size_t n = strlen(opts);
        if (n == 0 || opts[n - 1] != ')') {
            set_err(err, "Invalid $expand item '%s'", item);
            return false;
        }
        optlen = n - 1;
    }
    size_t head = strcspn(item, "/(");
    const struct nav *nav = nav_find(q->type, item, head);
    if (!nav) {
        set_err(err, "Invalid $expand: %s has no navigation property '%.*s'", entity_names[q->type],
                (int)head, item);
        return false;
    }
    struct expand *ex = NULL;
    for (int i = 0; i < q->nexpand; i++)
        if (q->expand[i].nav == nav)
            ex = &q->expand[i];
    if (!ex) {
        if (q->nexpand == MAX_EXPAND) {
            set_err(err, "Invalid $expand: more than %d items", MAX_EXPAND);
            return false;
        }
        if (!q->expand)
            q->expand = xcalloc(MAX_EXPAND, sizeof *q->expand);
        ex = &q->expand[q->nexpand++];
        ex->nav = nav;
        query_init(&ex->q, nav->to);
    }
    if (head < pathlen) {
        /* Datastreams/Observations($top=1): Observations expanded inside each Datastream. */
        char *sub = xstrdup(item + head + 1);
        bool ok = expand_item(&ex->q, sub, depth + 1, err);
        if (ok)
            raw_append(&ex->q.raw_expand, sub);
        free(sub);
        return ok;
    }
    if (opts) {
        if (ex->has_options) {
            set_err(err, "Invalid $expand: options for %s given twice", nav->name);
            return false;
        }
        ex->has_options = true;
        char *inner = xstrndup(opts, optlen);
        bool ok = split_top(inner, ';', option_item, &ex->q, depth + 1, err);
        free(inner);
        return ok;
    }
    return true;
}

static bool apply_option(struct query *q, const char *key, const char *value, int depth, char *err)
{
    if (!strcmp(key, "$top")) {
        if (!parse_count_of(value, &q->top)) {
            set_err(err, "Invalid $top '%s' (a whole number from 0)", value);
            return false;
        }
        if (q->top > STA_MAX_TOP)
            q->top = STA_MAX_TOP; /* as FROST's maxTop: clamped, not refused */
    } else if (!strcmp(key, "$skip")) {
        if (!parse_count_of(value, &q->skip)) {
            set_err(err, "Invalid $skip '%s' (a whole number from 0)", value);
            return false;
        }
    } else if (!strcmp(key, "$count")) {
        char *v = trim_dup(value, strlen(value));
        bool t = !strcmp(v, "true"), f = !strcmp(v, "false");
        free(v);
        if (!t && !f) {
            set_err(err, "Invalid $count '%s' (true or false)", value);
            return false;
        }
        q->count = t;
    } else if (!strcmp(key, "$orderby")) {
        q->norder = 0;
        if (!split_top(value, ',', orderby_item, q, depth, err))
            return false;
        free(q->raw_orderby);
        q->raw_orderby = xstrdup(value);
    } else if (!strcmp(key, "$filter")) {
        if (!parse_filter(q, value, err))
            return false;
        free(q->raw_filter);
        q->raw_filter = xstrdup(value);
    } else if (!strcmp(key, "$select")) {
        q->select_set = true;
        if (!split_top(value, ',', select_item, q, depth, err))
            return false;
        free(q->raw_select);
        q->raw_select = xstrdup(value);
    } else if (!strcmp(key, "$expand")) {
        if (!split_top(value, ',', expand_item, q, depth, err))
            return false;
        raw_append(&q->raw_expand, value);
    } else if (!strcmp(key, "$resultFormat")) {
        if (strcmp(value, "dataArray") != 0 && strcmp(value, "default") != 0) {
            set_err(err, "Unsupported $resultFormat '%s' (dataArray)", value);
            return false;
        }
        q->data_array = !strcmp(value, "dataArray");
    } else {
        set_err(err, "Unknown query option '%s'", key);
        return false;
    }
    return true;
}

/* ---- the request context ------------------------------------------------------------------- */

struct rctx {
    const struct sensors *s;
    int64_t slot_now, slot_first; /* the history window, inclusive */
    char root[160];               /* base_url + STA_PREFIX */
};

struct ref {
    enum ent type;
    int64_t id;
};

static size_t set_size(const struct rctx *c, enum ent type)
{
    switch (type) {
    case E_THING:
    case E_LOCATION:
        return sensors_thing_count(c->s);
    case E_DATASTREAM:
        return sensors_stream_count(c->s);
    case E_SENSOR:
        return SENS_NKINDS;
    case E_OBSPROP:
        return PROP_N;
    case E_OBSERVATION:
    case E_N:
        break;
    }
    return 0;
}

static bool ref_exists(const struct rctx *c, struct ref r)
{
    if (r.type == E_OBSERVATION) {
        int64_t slot = r.id / SENSORS_ID_STRIDE, ds = r.id % SENSORS_ID_STRIDE;
        return r.id > 0 && slot >= c->slot_first && slot <= c->slot_now &&
               sensors_stream(c->s, (int)ds) != NULL;
    }
    return r.id >= 1 && (uint64_t)r.id <= set_size(c, r.type);
}

/* The target of a single-valued navigation property. */
static struct ref nav_single(const struct rctx *c, struct ref from, const struct nav *n)
{
    struct ref to = {n->to, 0};
    if (from.type == E_OBSERVATION) {
        to.id = from.id % SENSORS_ID_STRIDE;
    } else if (from.type == E_DATASTREAM) {
        const struct sens_stream *ds = sensors_stream(c->s, (int)from.id);
        if (n->to == E_THING)
            to.id = ds->thing;
        else if (n->to == E_SENSOR)
            to.id = sensors_thing(c->s, ds->thing)->kind + 1;
        else
            to.id = ds->prop + 1;
    }
    return to;
}

/* Ids of a set (parent NULL) or of the entities related to parent through n, ascending. */
static size_t related_ids(const struct rctx *c, enum ent type, const struct ref *parent,
                          const struct nav *n, int64_t **out)
{
    size_t cap = 0, len = 0;
    int64_t *ids = NULL;
    size_t total = set_size(c, type);
    if (!parent) {
        ids = xmalloc((total + 1) * sizeof *ids);
        for (size_t i = 0; i < total; i++)
            ids[len++] = (int64_t)i + 1;
    } else if (parent->type == E_THING && n->to == E_LOCATION) {
        ids = xmalloc(sizeof *ids);
        ids[len++] = parent->id;
    } else if (parent->type == E_LOCATION && n->to == E_THING) {
        ids = xmalloc(sizeof *ids);
        ids[len++] = parent->id;
    } else if (parent->type == E_THING && n->to == E_DATASTREAM) {
        const struct sens_thing *t = sensors_thing(c->s, (int)parent->id);
        ids = xmalloc(((size_t)t->nds + 1) * sizeof *ids);
        for (int i = 0; i < t->nds; i++)
            ids[len++] = t->first_ds + i;
    } else if (n->to == E_DATASTREAM) { /* from a Sensor or an ObservedProperty */
        for (size_t i = 1; i <= sensors_stream_count(c->s); i++) {
            const struct sens_stream *ds = sensors_stream(c->s, (int)i);
            bool match = parent->type == E_SENSOR
                             ? (int64_t)sensors_thing(c->s, ds->thing)->kind + 1 == parent->id
                             : (int64_t)ds->prop + 1 == parent->id;
            if (match) {
                ids = xgrow(ids, &cap, len + 1, sizeof *ids);
                ids[len++] = (int64_t)i;
            }
        }
    }
    *out = ids;
    return len;
}

static void format_time(int64_t t, char *buf, size_t n)
{
    char iso[40];
    clock_format_iso(t, 0, iso, sizeof iso);
    /* "2026-03-02T01:00:00+00:00" -> FROST's "2026-03-02T01:00:00.000Z". */
    snprintf(buf, n, "%.19s.000Z", iso);
}

/* ---- rendering ----------------------------------------------------------------------------- */

static void put_link(const struct rctx *c, cJSON *o, const char *key, struct ref r, const char *nav)
{
    char *url = nav ? xasprintf("%s/%s(%lld)/%s", c->root, set_names[r.type], (long long)r.id, nav)
                    : xasprintf("%s/%s(%lld)", c->root, set_names[r.type], (long long)r.id);
    cJSON_AddStringToObject(o, key, url);
    free(url);
}

static void put_string_or_null(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *thing_properties(const struct rctx *c, const struct sens_thing *t)
{
    const struct unit *u = &sensors_world(c->s)->units[t->unit];
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "unit_code", u->code);
    cJSON_AddStringToObject(p, "unit_name", u->full_name);
    cJSON_AddStringToObject(p, "kind", sensors_kind_info(t->kind)->code);
    return p;
}

static void put_result(cJSON *o, enum sens_prop p, double v)
{
    if (sensors_prop_info(p)->result == RES_BOOLEAN)
        cJSON_AddBoolToObject(o, "result", v > 0);
    else
        cJSON_AddNumberToObject(o, "result", v);
}

/* The entity's own members: control information, properties, navigation links. */
static cJSON *render_plain(const struct rctx *c, struct ref r)
{
    cJSON *o = cJSON_CreateObject();
    put_link(c, o, "@iot.selfLink", r, NULL);
    cJSON_AddNumberToObject(o, "@iot.id", (double)r.id);
    char when[40], when2[40];
    switch (r.type) {
    case E_THING: {
        const struct sens_thing *t = sensors_thing(c->s, (int)r.id);
        cJSON_AddStringToObject(o, "name", t->name);
        cJSON_AddStringToObject(o, "description", t->description);
        cJSON_AddItemToObject(o, "properties", thing_properties(c, t));
        break;
    }
    case E_LOCATION: {
        const struct sens_thing *t = sensors_thing(c->s, (int)r.id);
        const struct world *w = sensors_world(c->s);
        const struct unit *u = &w->units[t->unit];
        char *name = xasprintf("Vị trí %s", t->name);
        char *desc = xasprintf("%s, %s", u->full_name, w->province_name);
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddStringToObject(o, "description", desc);
        free(name);
        free(desc);
        cJSON_AddStringToObject(o, "encodingType", "application/geo+json");
        cJSON *loc = cJSON_AddObjectToObject(o, "location");
        cJSON_AddStringToObject(loc, "type", "Point");
        cJSON *xy = cJSON_AddArrayToObject(loc, "coordinates");
        cJSON_AddItemToArray(xy, cJSON_CreateNumber(t->lon));
        cJSON_AddItemToArray(xy, cJSON_CreateNumber(t->lat));
        cJSON *p = cJSON_AddObjectToObject(o, "properties");
        cJSON_AddStringToObject(p, "unit_code", u->code);
        break;
    }
    case E_DATASTREAM: {
        const struct sens_stream *ds = sensors_stream(c->s, (int)r.id);
        const struct sens_thing *t = sensors_thing(c->s, ds->thing);
        const struct sens_prop_info *pi = sensors_prop_info(ds->prop);
        cJSON_AddStringToObject(o, "name", ds->name);
        cJSON_AddStringToObject(o, "description", ds->description);
        cJSON_AddStringToObject(o, "observationType", pi->observation_type);
        cJSON *uom = cJSON_AddObjectToObject(o, "unitOfMeasurement");
        put_string_or_null(uom, "name", pi->uom_name);
        put_string_or_null(uom, "symbol", pi->uom_symbol);
        put_string_or_null(uom, "definition", pi->uom_definition);
        format_time(c->slot_first * SENSORS_INTERVAL, when, sizeof when);
        format_time(c->slot_now * SENSORS_INTERVAL, when2, sizeof when2);
        char *interval = xasprintf("%s/%s", when, when2);
        cJSON_AddStringToObject(o, "phenomenonTime", interval);
        cJSON_AddStringToObject(o, "resultTime", interval);
        free(interval);
        cJSON *p = thing_properties(c, t);
        cJSON_AddNumberToObject(p, "interval_s", SENSORS_INTERVAL);
        if (ds->prop == PROP_WATER) {
            /* The console reads "alarm_levels": [I, II, III] (or bd1..bd3). */
            cJSON *a = cJSON_AddArrayToObject(p, "alarm_levels");
            for (int i = 0; i < 3; i++)
                cJSON_AddItemToArray(a, cJSON_CreateNumber(t->alarm[i]));
            cJSON_AddStringToObject(p, "alarm_basis", "QĐ 05/2020/QĐ-TTg");
        } else if (ds->prop == PROP_DEPTH) {
            cJSON *a = cJSON_AddArrayToObject(p, "depth_classes_cm");
            for (int i = 1; i <= 3; i++)
                cJSON_AddItemToArray(a, cJSON_CreateNumber(10 * i));
        } else if (ds->prop == PROP_AQI) {
            cJSON_AddStringToObject(p, "method",
                                    "QĐ 1459/QĐ-TCMT: max of the PM2.5 and PM10 sub-indices of "
                                    "the same 5-minute readings (no NowCast)");
        }
        cJSON_AddItemToObject(o, "properties", p);
        break;
    }
    case E_SENSOR: {
        const struct sens_kind_info *k = sensors_kind_info((enum sens_kind)(r.id - 1));
        cJSON_AddStringToObject(o, "name", k->sensor);
        cJSON_AddStringToObject(o, "description", k->sensor_description);
        cJSON_AddStringToObject(o, "encodingType", "text/html");
        cJSON_AddStringToObject(o, "metadata", k->sensor_metadata);
        cJSON *p = cJSON_AddObjectToObject(o, "properties");
        cJSON_AddStringToObject(p, "kind", k->code);
        break;
    }
    case E_OBSPROP: {
        const struct sens_prop_info *pi = sensors_prop_info((enum sens_prop)(r.id - 1));
        cJSON_AddStringToObject(o, "name", pi->name);
        cJSON_AddStringToObject(o, "definition", pi->definition);
        cJSON_AddStringToObject(o, "description", pi->description);
        cJSON *p = cJSON_AddObjectToObject(o, "properties");
        cJSON_AddStringToObject(p, "kind", sensors_kind_info(pi->kind)->code);
        break;
    }
    case E_OBSERVATION: {
        int64_t slot = r.id / SENSORS_ID_STRIDE;
        const struct sens_stream *ds = sensors_stream(c->s, (int)(r.id % SENSORS_ID_STRIDE));
        format_time(slot * SENSORS_INTERVAL, when, sizeof when);
        cJSON_AddStringToObject(o, "phenomenonTime", when);
        cJSON_AddStringToObject(o, "resultTime", when);
        put_result(o, ds->prop, sensors_value(c->s, ds, slot));
        break;
    }
    case E_N:
        break;
    }
    for (size_t i = 0; i < ARRAY_LEN(navs); i++) {
        if (navs[i].from != r.type)
            continue;
        char *key = xasprintf("%s@iot.navigationLink", navs[i].name);
        put_link(c, o, key, r, navs[i].name);
        free(key);
    }
    return o;
}

/* ---- reading fields for $filter and $orderby ---------------------------------------------- */

enum vtype { V_NONE, V_NUM, V_STR, V_BOOL };

struct val {
    enum vtype t;
    double num;
    char *str;
};

static struct val val_of_json(const cJSON *j)
{
    struct val v = {V_NONE, 0, NULL};
    if (cJSON_IsNumber(j)) {
        v.t = V_NUM;
        v.num = j->valuedouble;
    } else if (cJSON_IsString(j)) {
        v.t = V_STR;
        v.str = xstrdup(j->valuestring);
    } else if (cJSON_IsBool(j)) {
        v.t = V_BOOL;
        v.num = cJSON_IsTrue(j);
    }
    return v;
}

static struct val field_value(const struct rctx *c, struct ref r, const char *field,
                              const cJSON *rendered);

/* Walks field through the rendered object, or through a single navigation property. */
static struct val field_value(const struct rctx *c, struct ref r, const char *field,
                              const cJSON *rendered)
{
    if (!strcmp(field, "id") || !strcmp(field, "@iot.id"))
        return (struct val){V_NUM, (double)r.id, NULL};
    const char *slash = strchr(field, '/');
    if (slash) {
        const struct nav *n = nav_find(r.type, field, (size_t)(slash - field));
        if (n && !n->many) {
            struct ref to = nav_single(c, r, n);
            cJSON *o = render_plain(c, to);
            struct val v = field_value(c, to, slash + 1, o);
            cJSON_Delete(o);
            return v;
        }
    }
    cJSON *own = rendered ? NULL : render_plain(c, r);
    const cJSON *j = rendered ? rendered : own;
    char part[MAX_FIELD];
    for (const char *p = field; j && *p;) {
        size_t n = strcspn(p, "/");
        snprintf(part, sizeof part, "%.*s", (int)n, p);
        j = cJSON_GetObjectItemCaseSensitive(j, part);
        p += n;
        if (*p == '/')
            p++;
    }
    struct val v = val_of_json(j);
    cJSON_Delete(own);
    return v;
}

static int cmp_num(double a, double b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

static bool op_holds(enum op op, int cmp)
{
    switch (op) {
    case OP_EQ:
        return cmp == 0;
    case OP_NE:
        return cmp != 0;
    case OP_GT:
        return cmp > 0;
    case OP_GE:
        return cmp >= 0;
    case OP_LT:
        return cmp < 0;
    case OP_LE:
        return cmp <= 0;
    }
    return false;
}

/* OData comparison of a value with a literal; a missing value only equals null (and is "ne"
 * everything else), and values of another type never compare. */
static bool cond_holds(const struct cond *k, const struct val *v)
{
    if (k->lt == L_NULL)
        return k->op == OP_EQ ? v->t == V_NONE : k->op == OP_NE ? v->t != V_NONE : false;
    if (v->t == V_NONE)
        return k->op == OP_NE;
    int cmp;
    char *end;
    switch (k->lt) {
    case L_NUM:
    case L_BOOL:
        if (v->t == V_NUM || v->t == V_BOOL) {
            cmp = cmp_num(v->num, k->num);
        } else {
            double d = strtod(v->str, &end);
            if (*end || end == v->str)
                return k->op == OP_NE;
            cmp = cmp_num(d, k->num);
        }
        break;
    case L_STR:
        if (v->t == V_STR) {
            cmp = strcmp(v->str, k->str);
        } else {
            double d = strtod(k->str, &end);
            if (*end || end == k->str)
                return k->op == OP_NE;
            cmp = cmp_num(v->num, d);
        }
        break;
    case L_TIME: {
        int64_t ms;
        if (v->t != V_STR || !parse_time_ms(v->str, &ms))
            return k->op == OP_NE;
        cmp = ms < k->ms ? -1 : ms > k->ms ? 1 : 0;
        break;
    }
    case L_NULL:
    default:
        return false;
    }
    return op_holds(k->op, cmp);
}

static bool matches(const struct rctx *c, struct ref r, const struct query *q,
                    const cJSON *rendered)
{
    for (int i = 0; i < q->nconds; i++) {
        struct val v = field_value(c, r, q->conds[i].field, rendered);
        bool ok = cond_holds(&q->conds[i], &v);
        free(v.str);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- $select ------------------------------------------------------------------------------- */

static bool selected(const struct query *q, const char *name)
{
    for (int i = 0; i < q->nselect; i++)
        if (!strcmp(q->select[i], name))
            return true;
    return false;
}

static bool expanded(const struct query *q, const char *key)
{
    for (int i = 0; i < q->nexpand; i++) {
        const char *n = q->expand[i].nav->name;
        size_t len = strlen(n);
        if (!strncmp(key, n, len) &&
            (!key[len] || !strcmp(key + len, "@iot.count") || !strcmp(key + len, "@iot.nextLink")))
            return true;
    }
    return false;
}

/* Keeps what $select asked for; expanded members stay, as in FROST. */
static void apply_select(cJSON *o, const struct query *q)
{
    if (!q || !q->select_set)
        return;
    cJSON *next;
    for (cJSON *m = o->child; m; m = next) {
        next = m->next;
        const char *k = m->string;
        bool keep;
        if (!strcmp(k, "@iot.id"))
            keep = selected(q, "id") || selected(q, "@iot.id");
        else if (!strcmp(k, "@iot.selfLink"))
            keep = selected(q, "@iot.selfLink") || selected(q, "selfLink");
        else if (expanded(q, k))
            keep = true;
        else if (strstr(k, "@iot.navigationLink")) {
            char nav[64];
            snprintf(nav, sizeof nav, "%.*s", (int)(strstr(k, "@iot.") - k), k);
            keep = selected(q, nav);
        } else
            keep = selected(q, k);
        if (!keep)
            cJSON_DeleteItemFromObjectCaseSensitive(o, k);
    }
}

/* ---- collections --------------------------------------------------------------------------- */

static cJSON *render(const struct rctx *c, struct ref r, const struct query *q);

static void url_put(struct buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
            buf_append(b, p, 1);
        else
            buf_appendf(b, "%%%02X", *p);
    }
}

/* FROST's shape: $top and $skip first, then every other option, values percent-encoded. */
static char *next_link(const char *url, const struct query *q, long top, long skip)
{
    struct buf b = {0};
    buf_appendf(&b, "%s?$top=%ld&$skip=%ld", url, top, skip);
    if (q->count)
        buf_appendf(&b, "&$count=true");
    const struct {
        const char *key, *value;
    } opts[] = {
        {"$orderby", q->raw_orderby},
        {"$filter", q->raw_filter},
        {"$select", q->raw_select},
        {"$expand", q->raw_expand},
        {"$resultFormat", q->data_array ? "dataArray" : NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(opts); i++) {
        if (!opts[i].value)
            continue;
        buf_appendf(&b, "&%s=", opts[i].key);
        url_put(&b, opts[i].value);
    }
    return buf_take(&b);
}

/* Where a page goes: the top-level {"@iot.count","@iot.nextLink","value"}, or an expanded
 * collection's "Nav@iot.count", "Nav", "Nav@iot.nextLink" members in its parent. */
struct page_out {
    cJSON *obj;
    const char *nav; /* NULL at the top level */
    const char *url; /* the collection's URL, for nextLink */
};

static void page_emit(const struct page_out *po, const struct query *q, long long total,
                      cJSON *items, bool more, long next_skip)
{
    char *key;
    if (q->count) {
        key = po->nav ? xasprintf("%s@iot.count", po->nav) : xstrdup("@iot.count");
        cJSON_AddNumberToObject(po->obj, key, (double)total);
        free(key);
    }
    char *link = more ? next_link(po->url, q, query_top(q), next_skip) : NULL;
    if (!po->nav && link)
        cJSON_AddStringToObject(po->obj, "@iot.nextLink", link);
    cJSON_AddItemToObject(po->obj, po->nav ? po->nav : "value", items);
    if (po->nav && link) {
        key = xasprintf("%s@iot.nextLink", po->nav);
        cJSON_AddStringToObject(po->obj, key, link);
        free(key);
    }
    free(link);
}

struct sortable {
    int64_t id;
    struct val keys[MAX_ORDER];
    const struct query *q; /* qsort has no context argument: each row carries it */
};

static int cmp_val(const struct val *a, const struct val *b)
{
    /* Missing values first, as nulls sort in FROST (PostgreSQL, ascending). */
    if (a->t == V_NONE || b->t == V_NONE)
        return (a->t != V_NONE) - (b->t != V_NONE);
    if (a->t == V_STR && b->t == V_STR)
        return strcmp(a->str, b->str);
    if (a->t == V_STR || b->t == V_STR)
        return a->t == V_STR ? 1 : -1;
    return cmp_num(a->num, b->num);
}

static int cmp_sortable(const void *pa, const void *pb)
{
    const struct sortable *a = pa, *b = pb;
    for (int i = 0; i < a->q->norder; i++) {
        int r = cmp_val(&a->keys[i], &b->keys[i]);
        if (r)
            return a->q->order[i].desc ? -r : r;
    }
    return a->id < b->id ? -1 : a->id > b->id;
}

static void generic_collection(const struct rctx *c, enum ent type, const struct ref *parent,
                               const struct nav *n, const struct query *q,
                               const struct page_out *po)
{
    int64_t *ids;
    size_t nids = related_ids(c, type, parent, n, &ids);
    struct sortable *rows = xcalloc(nids + 1, sizeof *rows);
    size_t nrows = 0;
    for (size_t i = 0; i < nids; i++) {
        struct ref r = {type, ids[i]};
        cJSON *o = q->nconds || q->norder ? render_plain(c, r) : NULL;
        if (!q->nconds || matches(c, r, q, o)) {
            rows[nrows].id = ids[i];
            rows[nrows].q = q;
            for (int k = 0; k < q->norder; k++)
                rows[nrows].keys[k] = field_value(c, r, q->order[k].field, o);
            nrows++;
        }
        cJSON_Delete(o);
    }
    free(ids);
    if (q->norder) {
        qsort(rows, nrows, sizeof *rows, cmp_sortable);
    }
    cJSON *items = cJSON_CreateArray();
    long top = query_top(q);
    size_t from = (size_t)q->skip < nrows ? (size_t)q->skip : nrows;
    size_t to = from + (size_t)top < nrows ? from + (size_t)top : nrows;
    for (size_t i = from; i < to; i++)
        cJSON_AddItemToArray(items, render(c, (struct ref){type, rows[i].id}, q));
    page_emit(po, q, (long long)nrows, items, top > 0 && to < nrows, (long)to);
    for (size_t i = 0; i < nrows; i++)
        for (int k = 0; k < q->norder; k++)
            free(rows[i].keys[k].str);
    free(rows);
}

/* ---- Observations: a grid of slots x Datastreams ----------------------------------------- */

struct obs_plan {
    int64_t k0, k1; /* slots, inclusive */
    int64_t *ds;    /* candidate Datastreams, ascending */
    size_t nds;
    bool ds_major; /* Datastream first (ordered by Datastream/id), else time first */
    bool slot_desc, ds_desc;
    const struct cond *resid[MAX_CONDS];
    int nresid;
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void keep_ds(struct obs_plan *p, int64_t id)
{
    size_t k = 0;
    for (size_t i = 0; i < p->nds; i++)
        if (p->ds[i] == id)
            p->ds[k++] = id;
    p->nds = k;
}

static bool is_ds_id(const char *f)
{
    return !strcmp(f, "Datastream/id") || !strcmp(f, "Datastream/@iot.id");
}

static bool is_id(const char *f)
{
    return !strcmp(f, "id") || !strcmp(f, "@iot.id");
}

static void obs_plan_make(const struct rctx *c, const struct ref *parent, const struct query *q,
                          struct obs_plan *p)
{
    memset(p, 0, sizeof *p);
    p->k0 = c->slot_first;
    p->k1 = c->slot_now;
    if (parent) {
        p->ds = xmalloc(sizeof *p->ds);
        p->ds[p->nds++] = parent->id;
    } else {
        size_t n = sensors_stream_count(c->s);
        p->ds = xmalloc((n + 1) * sizeof *p->ds);
        for (size_t i = 1; i <= n; i++)
            p->ds[p->nds++] = (int64_t)i;
    }
    for (int i = 0; i < q->nconds; i++) {
        const struct cond *k = &q->conds[i];
        bool used = false;
        if (is_time_field(E_OBSERVATION, k->field) && k->lt == L_TIME && k->op != OP_NE) {
            int64_t lo = floor_div(k->ms, SLOT_MS), hi = lo; /* slots at or before / after */
            bool exact = lo * SLOT_MS == k->ms;
            if (!exact)
                hi = lo + 1;
            switch (k->op) {
            case OP_GE:
                p->k0 = p->k0 > hi ? p->k0 : hi;
                break;
            case OP_GT:
                p->k0 = p->k0 > lo + 1 ? p->k0 : lo + 1;
                break;
            case OP_LE:
                p->k1 = p->k1 < lo ? p->k1 : lo;
                break;
            case OP_LT:
                p->k1 = p->k1 < hi - 1 ? p->k1 : hi - 1;
                break;
            case OP_EQ:
                if (!exact)
                    p->k1 = p->k0 - 1; /* between two slots: nothing */
                p->k0 = p->k0 > lo ? p->k0 : lo;
                p->k1 = p->k1 < lo ? p->k1 : lo;
                break;
            case OP_NE:
                break;
            }
            used = true;
        } else if (is_id(k->field) && k->op == OP_EQ && (k->lt == L_NUM || k->lt == L_STR)) {
            double d = k->lt == L_NUM ? k->num : strtod(k->str, NULL);
            int64_t id = d == floor(d) && d > 0 && d < 9e15 ? (int64_t)d : 0;
            int64_t slot = id / SENSORS_ID_STRIDE;
            if (id == 0)
                p->k1 = p->k0 - 1;
            p->k0 = p->k0 > slot ? p->k0 : slot;
            p->k1 = p->k1 < slot ? p->k1 : slot;
            keep_ds(p, id % SENSORS_ID_STRIDE);
            used = true;
        } else if (is_ds_id(k->field) && k->op == OP_EQ && k->lt == L_NUM) {
            keep_ds(p, k->num == floor(k->num) ? (int64_t)k->num : -1);
            used = true;
        }
        if (!used)
            p->resid[p->nresid++] = k;
    }
    if (p->k1 < p->k0)
        p->nds = 0;
    /* Ordering: the first key picks the major axis; "id asc" breaks ties, as in FROST. */
    bool set_minor = false;
    for (int i = 0; i < q->norder; i++) {
        const struct order *o = &q->order[i];
        if (i == 0) {
            if (is_ds_id(o->field)) {
                p->ds_major = true;
                p->ds_desc = o->desc;
            } else if (is_id(o->field)) {
                p->slot_desc = p->ds_desc = o->desc;
                set_minor = true;
            } else {
                p->slot_desc = o->desc;
            }
        } else if (!set_minor) {
            if (p->ds_major && !is_ds_id(o->field))
                p->slot_desc = o->desc;
            else if (!p->ds_major && (is_id(o->field) || is_ds_id(o->field)))
                p->ds_desc = o->desc;
            set_minor = true;
        }
    }
}

static size_t obs_plan_size(const struct obs_plan *p)
{
    return p->nds && p->k1 >= p->k0 ? (size_t)(p->k1 - p->k0 + 1) * p->nds : 0;
}

static void obs_plan_at(const struct obs_plan *p, size_t i, int64_t *slot, int64_t *ds)
{
    size_t nk = (size_t)(p->k1 - p->k0 + 1);
    size_t ki, di;
    if (p->ds_major) {
        di = i / nk;
        ki = i % nk;
    } else {
        ki = i / p->nds;
        di = i % p->nds;
    }
    *slot = p->slot_desc ? p->k1 - (int64_t)ki : p->k0 + (int64_t)ki;
    *ds = p->ds[p->ds_desc ? p->nds - 1 - di : di];
}

/* The conditions the grid could not absorb, read straight off the slot where they can be. */
static bool obs_resid_ok(const struct rctx *c, const struct obs_plan *p, int64_t slot, int64_t ds,
                         double value)
{
    struct ref r = {E_OBSERVATION, slot * SENSORS_ID_STRIDE + ds};
    for (int i = 0; i < p->nresid; i++) {
        const struct cond *k = p->resid[i];
        struct val v = {V_NONE, 0, NULL};
        if (is_id(k->field)) {
            v = (struct val){V_NUM, (double)r.id, NULL};
        } else if (is_ds_id(k->field)) {
            v = (struct val){V_NUM, (double)ds, NULL};
        } else if (!strcmp(k->field, "result")) {
            v = (struct val){V_NUM, value, NULL};
        } else if (is_time_field(E_OBSERVATION, k->field)) {
            char when[40];
            format_time(slot * SENSORS_INTERVAL, when, sizeof when);
            v = (struct val){V_STR, 0, xstrdup(when)};
        } else {
            v = field_value(c, r, k->field, NULL);
        }
        bool ok = cond_holds(k, &v);
        free(v.str);
        if (!ok)
            return false;
    }
    return true;
}

static cJSON *render_obs(const struct rctx *c, int64_t slot, int64_t ds, const struct query *q)
{
    return render(c, (struct ref){E_OBSERVATION, slot * SENSORS_ID_STRIDE + ds}, q);
}

/* $resultFormat=dataArray: one group per Datastream, in order of first appearance. */
static cJSON *data_array(const struct rctx *c, const int64_t *slots, const int64_t *dss, size_t n,
                         const struct query *q)
{
    static const char *const all[] = {"id", "phenomenonTime", "resultTime", "result"};
    const char *comp[4];
    size_t ncomp = 0;
    for (size_t i = 0; i < ARRAY_LEN(all); i++)
        if (!q->select_set || selected(q, all[i]) || (i == 0 && selected(q, "@iot.id")))
            comp[ncomp++] = all[i];
    cJSON *groups = cJSON_CreateArray();
    bool *done = xcalloc(n + 1, sizeof *done);
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        cJSON *g = cJSON_CreateObject();
        put_link(c, g, "Datastream@iot.navigationLink", (struct ref){E_DATASTREAM, dss[i]}, NULL);
        cJSON *cs = cJSON_AddArrayToObject(g, "components");
        for (size_t k = 0; k < ncomp; k++)
            cJSON_AddItemToArray(cs, cJSON_CreateString(comp[k]));
        cJSON *rows = cJSON_CreateArray();
        size_t count = 0;
        const struct sens_stream *st = sensors_stream(c->s, (int)dss[i]);
        for (size_t j = i; j < n; j++) {
            if (done[j] || dss[j] != dss[i])
                continue;
            done[j] = true;
            count++;
            cJSON *row = cJSON_CreateArray();
            char when[40];
            format_time(slots[j] * SENSORS_INTERVAL, when, sizeof when);
            for (size_t k = 0; k < ncomp; k++) {
                if (!strcmp(comp[k], "id"))
                    cJSON_AddItemToArray(
                        row, cJSON_CreateNumber((double)(slots[j] * SENSORS_ID_STRIDE + dss[j])));
                else if (!strcmp(comp[k], "result")) {
                    double v = sensors_value(c->s, st, slots[j]);
                    cJSON_AddItemToArray(row, sensors_prop_info(st->prop)->result == RES_BOOLEAN
                                                  ? cJSON_CreateBool(v > 0)
                                                  : cJSON_CreateNumber(v));
                } else
                    cJSON_AddItemToArray(row, cJSON_CreateString(when));
            }
            cJSON_AddItemToArray(rows, row);
        }
        cJSON_AddNumberToObject(g, "dataArray@iot.count", (double)count);
        cJSON_AddItemToObject(g, "dataArray", rows);
        cJSON_AddItemToArray(groups, g);
    }
    free(done);
    return groups;
}

static void obs_collection(const struct rctx *c, const struct ref *parent, const struct query *q,
                           const struct page_out *po)
{
    struct obs_plan p;
    obs_plan_make(c, parent, q, &p);
    size_t size = obs_plan_size(&p);
    long top = query_top(q);
    size_t skip = (size_t)q->skip;
    size_t cap = (size_t)top;
    int64_t *slots = xmalloc((cap + 1) * sizeof *slots), *dss = xmalloc((cap + 1) * sizeof *dss);
    size_t got = 0;
    long long total;
    bool more;
    if (p.nresid == 0) {
        /* Pure grid: index straight into it. */
        total = (long long)size;
        for (size_t i = skip; i < size && got < cap; i++, got++)
            obs_plan_at(&p, i, &slots[got], &dss[got]);
        more = skip + got < size;
    } else {
        /* Conditions on values: walk the grid; count to the end only when asked to. */
        size_t matched = 0;
        more = false;
        for (size_t i = 0; i < size; i++) {
            int64_t slot, ds;
            obs_plan_at(&p, i, &slot, &ds);
            const struct sens_stream *st = sensors_stream(c->s, (int)ds);
            if (!obs_resid_ok(c, &p, slot, ds, sensors_value(c->s, st, slot)))
                continue;
            if (matched >= skip && got < cap) {
                slots[got] = slot;
                dss[got++] = ds;
            } else if (matched >= skip + cap) {
                more = true;
                if (!q->count)
                    break; /* one past the page is enough to know there is more */
            }
            matched++;
        }
        total = (long long)matched;
    }
    cJSON *items;
    if (q->data_array && !po->nav) {
        items = data_array(c, slots, dss, got, q);
    } else {
        items = cJSON_CreateArray();
        for (size_t i = 0; i < got; i++)
            cJSON_AddItemToArray(items, render_obs(c, slots[i], dss[i], q));
    }
    page_emit(po, q, total, items, top > 0 && more, (long)(skip + got));
    free(slots);
    free(dss);
    free(p.ds);
}

static void collection(const struct rctx *c, enum ent type, const struct ref *parent,
                       const struct nav *n, const struct query *q, const struct page_out *po)
{
    if (type == E_OBSERVATION)
        obs_collection(c, parent, q, po);
    else
        generic_collection(c, type, parent, n, q, po);
}

/* An entity with its expansions, trimmed by $select. */
static cJSON *render(const struct rctx *c, struct ref r, const struct query *q)
{
    cJSON *o = render_plain(c, r);
    for (int i = 0; q && i < q->nexpand; i++) {
        const struct expand *ex = &q->expand[i];
        const struct nav *n = ex->nav;
        if (!n->many) {
            cJSON *sub = render(c, nav_single(c, r, n), &ex->q);
            cJSON_AddItemToObject(o, n->name, sub);
            continue;
        }
        char *url =
            xasprintf("%s/%s(%lld)/%s", c->root, set_names[r.type], (long long)r.id, n->name);
        struct page_out po = {o, n->name, url};
        collection(c, n->to, &r, n, &ex->q, &po);
        free(url);
    }
    apply_select(o, q);
    return o;
}

/* ---- paths --------------------------------------------------------------------------------- */

struct segment {
    char name[64];
    bool has_key;
    int64_t key;
};

/* "Things(12)" or "Things"; false for anything else (string keys included: ids here are
 * numbers, as FROST's default Long ids). */
static bool segment_parse(const char *s, size_t n, struct segment *seg, char *err)
{
    size_t name = 0;
    while (name < n && s[name] != '(')
        name++;
    if (name == 0 || name >= sizeof seg->name) {
        set_err(err, "Invalid path segment '%.*s'", (int)n, s);
        return false;
    }
    memcpy(seg->name, s, name);
    seg->name[name] = '\0';
    seg->has_key = name < n;
    if (!seg->has_key)
        return true;
    if (s[n - 1] != ')' || n - name < 3) {
        set_err(err, "Invalid path segment '%.*s'", (int)n, s);
        return false;
    }
    seg->key = 0;
    for (size_t i = name + 1; i < n - 1; i++) {
        if (!isdigit((unsigned char)s[i]) || seg->key > 100000000000000000LL) {
            set_err(err, "Invalid id in '%.*s': ids are whole numbers, e.g. %s(1)", (int)n, s,
                    seg->name);
            return false;
        }
        seg->key = seg->key * 10 + (s[i] - '0');
    }
    return true;
}

enum target_kind { TG_COLLECTION, TG_ENTITY, TG_PROPERTY, TG_VALUE };

struct target {
    enum target_kind kind;
    enum ent type;
    struct ref entity; /* TG_ENTITY; the parent for a related collection */
    bool has_parent;
    const struct nav *nav; /* a related collection */
    char property[64];
};

/* Resolves the path after the service root; returns an HTTP status (200 when found). */
static int resolve(const struct rctx *c, const char *path, struct target *tg, char *err)
{
    memset(tg, 0, sizeof *tg);
    const char *p = path;
    bool first = true;
    while (*p) {
        size_t n = strcspn(p, "/");
        struct segment seg;
        if (n == 0) {
            p++;
            continue;
        }
        if (tg->kind == TG_PROPERTY) {
            if (n == 6 && !strncmp(p, "$value", 6)) {
                tg->kind = TG_VALUE;
                p += n;
                continue;
            }
            set_err(err, "Nothing found at '%.*s' after a property", (int)n, p);
            return 404;
        }
        if (tg->kind == TG_VALUE || (!first && tg->kind == TG_COLLECTION)) {
            set_err(err, "Nothing found at '%.*s'", (int)n, p);
            return 404;
        }
        if (!segment_parse(p, n, &seg, err))
            return 400;
        if (first) {
            int type = -1;
            for (int e = 0; e < E_N; e++)
                if (!strcmp(seg.name, set_names[e]))
                    type = e;
            if (type < 0) {
                set_err(err,
                        "No entity set '%s' (Things, Locations, Datastreams, Sensors, "
                        "ObservedProperties, Observations)",
                        seg.name);
                return 404;
            }
            tg->type = (enum ent)type;
            if (seg.has_key) {
                tg->kind = TG_ENTITY;
                tg->entity = (struct ref){tg->type, seg.key};
                if (!ref_exists(c, tg->entity)) {
                    set_err(err, "Nothing found: %s(%lld)", seg.name, (long long)seg.key);
                    return 404;
                }
            } else {
                tg->kind = TG_COLLECTION;
            }
            first = false;
            p += n;
            continue;
        }
        /* After an entity: a navigation property or a property. */
        const struct nav *nav = nav_find(tg->entity.type, seg.name, strlen(seg.name));
        if (nav) {
            if (!nav->many) {
                if (seg.has_key) {
                    set_err(err, "%s is a single entity: no id after it", nav->name);
                    return 400;
                }
                tg->entity = nav_single(c, tg->entity, nav);
                tg->type = nav->to;
            } else if (seg.has_key) {
                struct ref want = {nav->to, seg.key};
                bool related = false;
                if (nav->to == E_OBSERVATION) {
                    related = ref_exists(c, want) && seg.key % SENSORS_ID_STRIDE == tg->entity.id;
                } else if (ref_exists(c, want)) {
                    int64_t *ids;
                    size_t k = related_ids(c, nav->to, &tg->entity, nav, &ids);
                    for (size_t i = 0; i < k; i++)
                        related |= ids[i] == seg.key;
                    free(ids);
                }
                if (!related) {
                    set_err(err, "Nothing found: %s(%lld) of %s(%lld)", nav->name,
                            (long long)seg.key, set_names[tg->entity.type],
                            (long long)tg->entity.id);
                    return 404;
                }
                tg->entity = want;
                tg->type = nav->to;
            } else {
                tg->kind = TG_COLLECTION;
                tg->has_parent = true;
                tg->nav = nav;
                tg->type = nav->to;
            }
            p += n;
            continue;
        }
        bool is_prop = !seg.has_key && (!strcmp(seg.name, "id") || !strcmp(seg.name, "@iot.id"));
        for (int i = 0; !is_prop && i < 8 && fields_of[tg->entity.type][i]; i++)
            is_prop = !seg.has_key && !strcmp(fields_of[tg->entity.type][i], seg.name);
        if (!is_prop) {
            set_err(err, "%s has no property or navigation property '%s'",
                    entity_names[tg->entity.type], seg.name);
            return 404;
        }
        tg->kind = TG_PROPERTY;
        str_copy(tg->property, seg.name, sizeof tg->property);
        p += n;
    }
    if (first) {
        set_err(err, "empty path");
        return 404;
    }
    return 200;
}

/* ---- the service root ---------------------------------------------------------------------- */

static char *root_document(const struct rctx *c)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "value");
    for (int e = 0; e < E_N; e++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", set_names[e]);
        char *url = xasprintf("%s/%s", c->root, set_names[e]);
        cJSON_AddStringToObject(o, "url", url);
        free(url);
        cJSON_AddItemToArray(list, o);
    }
    cJSON *settings = cJSON_AddObjectToObject(root, "serverSettings");
    cJSON *conf = cJSON_AddArrayToObject(settings, "conformance");
    static const char *const classes[] = {
        "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
        "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
        "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
    };
    for (size_t i = 0; i < ARRAY_LEN(classes); i++)
        cJSON_AddItemToArray(conf, cJSON_CreateString(classes[i]));
    return sim_print_and_free(root);
}

/* ---- the domain ---------------------------------------------------------------------------- */

static const char *const option_keys[] = {"$expand", "$select", "$filter", "$orderby",
                                          "$top",    "$skip",   "$count",  "$resultFormat"};

static int answer(const struct rctx *c, const struct sim_request *rq, const char *rest,
                  struct sim_response *rs)
{
    char err[ERRSZ] = "";
    struct target tg;
    int status = resolve(c, rest, &tg, err);
    if (status != 200) {
        rs->body = sta_error(status, "%s", err);
        return status;
    }
    struct query q;
    query_init(&q, tg.type);
    for (size_t i = 0; i < ARRAY_LEN(option_keys); i++) {
        const char *v = sim_request_param(rq, option_keys[i]);
        if (v && !apply_option(&q, option_keys[i], v, 0, err)) {
            query_free(&q);
            rs->body = sta_error(400, "%s", err);
            return 400;
        }
    }
    if (q.data_array && (tg.kind != TG_COLLECTION || tg.type != E_OBSERVATION)) {
        query_free(&q);
        rs->body = sta_error(400, "$resultFormat=dataArray applies to Observations collections");
        return 400;
    }
    cJSON *out = NULL;
    if (tg.kind == TG_COLLECTION) {
        out = cJSON_CreateObject();
        char *url = tg.has_parent ? xasprintf("%s/%s(%lld)/%s", c->root, set_names[tg.entity.type],
                                              (long long)tg.entity.id, tg.nav->name)
                                  : xasprintf("%s/%s", c->root, set_names[tg.type]);
        struct page_out po = {out, NULL, url};
        collection(c, tg.type, tg.has_parent ? &tg.entity : NULL, tg.nav, &q, &po);
        free(url);
    } else if (tg.kind == TG_ENTITY) {
        out = render(c, tg.entity, &q);
    } else {
        cJSON *full = render_plain(c, tg.entity);
        const char *key = !strcmp(tg.property, "id") ? "@iot.id" : tg.property;
        cJSON *m = cJSON_DetachItemFromObjectCaseSensitive(full, key);
        cJSON_Delete(full);
        if (tg.kind == TG_VALUE) {
            if (cJSON_IsString(m)) {
                rs->body = xstrdup(m->valuestring);
            } else {
                rs->body = cJSON_PrintUnformatted(m);
            }
            cJSON_Delete(m);
            rs->content_type = "text/plain; charset=utf-8";
            query_free(&q);
            return 200;
        }
        out = cJSON_CreateObject();
        cJSON_AddItemToObject(out, tg.property, m);
    }
    query_free(&q);
    rs->body = cJSON_PrintUnformatted(out);
    cJSON_Delete(out);
    return 200;
}

static void sta_advance(void *state, int64_t now)
{
    sensors_advance(state, now);
}

static bool sta_route(void *state, const struct sim_request *rq, struct sim_response *rs)
{
    const struct sensors *sensors = state;
    const char *p = rq->path;
    if (strncmp(p, "/sta", 4) != 0 || (p[4] && p[4] != '/'))
        return false;
    size_t plen = strlen(STA_PREFIX);
    if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
        rs->status = 405;
        rs->body =
            sta_error(405, "%s not allowed: this SensorThings service is read-only", rq->method);
        return true;
    }
    if (strncmp(p, STA_PREFIX, plen) != 0 || (p[plen] && p[plen] != '/')) {
        rs->status = 404;
        rs->body =
            sta_error(404, "No service at %s: the SensorThings API 1.1 root is %s", p, STA_PREFIX);
        return true;
    }
    struct rctx c = {.s = sensors};
    c.slot_now = sensors_slot(rq->now);
    c.slot_first = c.slot_now - SENSORS_HISTORY_SLOTS + 1;
    snprintf(c.root, sizeof c.root, "%s%s", rq->base_url, STA_PREFIX);
    const char *rest = p + plen;
    while (*rest == '/')
        rest++;
    if (!*rest) {
        rs->status = 200;
        rs->body = root_document(&c);
        return true;
    }
    rs->status = answer(&c, rq, rest, rs);
    return true;
}

struct sim_domain sta_domain(struct sensors *s)
{
    return (struct sim_domain){
        .name = "sta", .state = s, .advance = sta_advance, .route = sta_route};
}
