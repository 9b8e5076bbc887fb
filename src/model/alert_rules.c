/* Alert rules as data: what each kind watches, the built-in rules, [rule.NAME] entries from
 * the config on top of them, and the message templates. docs/alerts.md is the user's side of
 * this file: keep the table there in step with builtins[] here. */
#include "alert_internal.h"

#include "citydeck/aqi.h"
#include "citydeck/clock.h"
#include "citydeck/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MIN_S 60
#define HOUR_S 3600
#define MESSAGE_MAX 400

static const struct alert_kind_info kinds[AK_COUNT] = {
    [AK_AQI_BAND] = {"aqi_band", ATT_STATION, "", false, true,
                     "Chất lượng không khí {level} tại {name} ({unit}): VN_AQI {value}"},
    [AK_PM25] = {"pm25", ATT_SENSOR, "µg/m³", false, true,
                 "PM2.5 {value} µg/m³ tại {name} ({unit}), ngưỡng {threshold}"},
    [AK_PM10] = {"pm10", ATT_SENSOR, "µg/m³", false, true,
                 "PM10 {value} µg/m³ tại {name} ({unit}), ngưỡng {threshold}"},
    [AK_WATER_LEVEL] = {"water_level", ATT_SENSOR, "m", false, true,
                        "Mực nước {name} {value} m, {level} ({unit})"},
    [AK_FLOOD_DEPTH] = {"flood_depth", ATT_SENSOR, "cm", false, true,
                        "Ngập {value} cm tại {name} ({unit}): {level}"},
    [AK_STATION_SILENT] = {"station_silent", ATT_STATION, "phút", false, true,
                           "Trạm {name} ({unit}) không gửi số liệu {value} phút"},
    [AK_CAMERA_OFFLINE] = {"camera_offline", ATT_SENSOR, "phút", false, true,
                           "Camera {name} ({unit}) mất kết nối {value} phút"},
    [AK_DOSSIER_OVERDUE] = {"dossier_overdue", ATT_UNIT, "hồ sơ", false, true,
                            "{unit}: {value} hồ sơ quá hạn (ngưỡng {threshold})"},
    [AK_DOSSIER_DUE_SOON] = {"dossier_due_soon", ATT_DOSSIER, "giờ", false, false,
                             "Hồ sơ {id} {level} ({unit}): {name}"},
    [AK_DOSSIER_SUPPLEMENTS] = {"dossier_supplements", ATT_DOSSIER, "lần", false, true,
                                "Hồ sơ {id} ({unit}) yêu cầu bổ sung {value} lần: {name}"},
    [AK_COMPLAINT_URGENT] = {"complaint_urgent", ATT_COMPLAINT, "giờ", false, true,
                             "Phản ánh khẩn {id} ({unit}) chưa được tiếp nhận sau {value} giờ "
                             "làm việc: {name}"},
    [AK_COMPLAINT_OVERDUE] = {"complaint_overdue", ATT_UNIT, "phản ánh", false, true,
                              "{unit}: {value} phản ánh quá hạn (ngưỡng {threshold})"},
    [AK_SATISFACTION] = {"satisfaction", ATT_UNIT, "%", true, true,
                         "{unit}: tỷ lệ hài lòng {value}, dưới ngưỡng {threshold}"},
    [AK_INDICATOR_BEHIND] = {"indicator_behind", ATT_INDICATOR, "điểm", false, true,
                             "{unit}: chỉ tiêu {name} kỳ {period} chậm {value} điểm so với "
                             "kế hoạch"},
    [AK_INDICATOR_MISSING] = {"indicator_missing", ATT_INDICATOR, "", false, false,
                              "{unit}: chỉ tiêu {name} kỳ {period} chưa báo cáo"},
    [AK_FEED] = {"feed", ATT_FEED, "", false, true, "Nguồn dữ liệu {name} {level}: {error}"},
};

/* The built-in rules: one per kind, named as the kind. */
static const struct {
    enum alert_kind kind;
    double warn, critical, min_count;
    int64_t min_duration, merge_interval;
} builtins[] = {
    {AK_AQI_BAND, 101, 151, 0, 10 * MIN_S, 30 * MIN_S},
    {AK_PM25, 50, 80, 0, 15 * MIN_S, 30 * MIN_S},
    {AK_PM10, 150, 250, 0, 15 * MIN_S, 30 * MIN_S},
    {AK_WATER_LEVEL, 1, 2, 0, 0, HOUR_S},
    {AK_FLOOD_DEPTH, 20, 30, 0, 5 * MIN_S, 30 * MIN_S},
    {AK_STATION_SILENT, 3, 12, 0, 0, 10 * MIN_S},
    {AK_CAMERA_OFFLINE, 15 * MIN_S, HOUR_S, 0, 0, 10 * MIN_S},
    {AK_DOSSIER_OVERDUE, 5, 20, 10, 5 * MIN_S, 30 * MIN_S},
    {AK_DOSSIER_DUE_SOON, NAN, NAN, 0, 0, 10 * MIN_S},
    {AK_DOSSIER_SUPPLEMENTS, 2, NAN, 0, 0, 10 * MIN_S},
    {AK_COMPLAINT_URGENT, 2, 4, 0, 0, 10 * MIN_S},
    {AK_COMPLAINT_OVERDUE, 5, 15, 10, 5 * MIN_S, 30 * MIN_S},
    {AK_SATISFACTION, 70, 50, 10, 0, HOUR_S},
    {AK_INDICATOR_BEHIND, 25, NAN, 0, 0, HOUR_S}, /* a planning matter: never critical by default */
    {AK_INDICATOR_MISSING, NAN, NAN, 0, 0, HOUR_S},
    {AK_FEED, 1, 2, 0, 0, 10 * MIN_S},
};

static const char *const target_codes[ATT_COUNT] = {
    [ATT_UNIT] = "unit",       [ATT_STATION] = "station",     [ATT_SENSOR] = "sensor",
    [ATT_DOSSIER] = "dossier", [ATT_COMPLAINT] = "complaint", [ATT_INDICATOR] = "indicator",
    [ATT_FEED] = "feed",
};

static const char *const placeholders[] = {"unit",  "unit_code", "value",    "threshold",
                                           "name",  "id",        "level",    "period",
                                           "error", "rule",      "severity", "count"};

const struct alert_kind_info *alert_kind_info(enum alert_kind k)
{
    return (unsigned)k < AK_COUNT ? &kinds[k] : &kinds[AK_FEED];
}

const char *alert_kind_code(enum alert_kind k)
{
    return (unsigned)k < AK_COUNT ? kinds[k].code : "";
}

bool alert_kind_parse(const char *code, enum alert_kind *out)
{
    for (int k = 0; code && k < AK_COUNT; k++) {
        if (strcasecmp(code, kinds[k].code) == 0) {
            *out = (enum alert_kind)k;
            return true;
        }
    }
    return false;
}

const char *alert_target_code(enum alert_target t)
{
    return (unsigned)t < ATT_COUNT ? target_codes[t] : "";
}

const char *alert_severity_code(enum alert_severity s)
{
    return s == ALERT_CRITICAL ? "critical" : s == ALERT_WARN ? "warn" : "";
}

const char *alert_severity_label(enum alert_severity s)
{
    return s == ALERT_CRITICAL ? "Nghiêm trọng" : s == ALERT_WARN ? "Cảnh báo" : "";
}

bool alert_parse_duration(const char *s, int64_t *out)
{
    if (!s)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    int64_t total = 0;
    bool any = false;
    while (*s) {
        if (!isdigit((unsigned char)*s))
            return false;
        errno = 0;
        char *end;
        long long n = strtoll(s, &end, 10);
        if (errno || n < 0 || n > 100LL * 365 * 86400)
            return false;
        int64_t mult = 1;
        switch (*end) {
        case 's':
            end++;
            break;
        case 'm':
            mult = MIN_S;
            end++;
            break;
        case 'h':
            mult = HOUR_S;
            end++;
            break;
        case 'd':
            mult = 86400;
            end++;
            break;
        case '\0':
        case ' ':
            if (any)
                return false; /* "1h30" is ambiguous: say 1h30m */
            break;
        default:
            return false;
        }
        total += (int64_t)n * mult;
        any = true;
        s = end;
        while (isspace((unsigned char)*s))
            s++;
    }
    if (total > 100LL * 365 * 86400)
        return false;
    *out = total;
    return true;
}

/* ---- rules ------------------------------------------------------------------------------ */

void alert_rule_free(struct alert_rule *r)
{
    free(r->scope);
    free(r->message);
    r->scope = r->message = NULL;
}

static void rule_defaults(struct alert_rule *r, enum alert_kind k)
{
    r->kind = k;
    r->warn = r->critical = NAN;
    r->warn_rate = r->critical_rate = false;
    r->min_count = 0;
    r->interval_s = 0;
    r->min_duration = 0;
    r->merge_interval = 10 * MIN_S;
    r->severity = ALERT_WARN;
    r->enabled = true;
    for (size_t i = 0; i < ARRAY_LEN(builtins); i++) {
        if (builtins[i].kind != k)
            continue;
        r->warn = builtins[i].warn;
        r->critical = builtins[i].critical;
        r->min_count = builtins[i].min_count;
        r->min_duration = builtins[i].min_duration;
        r->merge_interval = builtins[i].merge_interval;
    }
}

void alerts_rules_defaults(struct alerts *a)
{
    for (size_t i = 0; i < ARRAY_LEN(builtins); i++) {
        a->rules = xgrow(a->rules, &a->rcap, a->nrules + 1, sizeof *a->rules);
        struct alert_rule *r = &a->rules[a->nrules++];
        memset(r, 0, sizeof *r);
        str_copy(r->name, kinds[builtins[i].kind].code, sizeof r->name);
        rule_defaults(r, builtins[i].kind);
        r->builtin = true;
    }
    a->rule_entries = xcalloc(a->rcap, sizeof *a->rule_entries);
    alerts_rules_index(a);
}

void alerts_rules_index(struct alerts *a)
{
    for (int k = 0; k < AK_COUNT; k++)
        store_code_set_clear(&a->scoped[k]);
    for (size_t i = 0; i < a->nrules; i++) {
        const struct alert_rule *r = &a->rules[i];
        if (r->enabled && r->scope)
            store_code_set_add(&a->scoped[r->kind], r->scope);
    }
}

bool alerts_rule_applies(const struct alerts *a, size_t ri, const char *unit_code)
{
    const struct alert_rule *r = &a->rules[ri];
    if (!r->enabled)
        return false;
    if (r->scope)
        return str_eq(r->scope, unit_code);
    /* The most specific scope wins: a rule for this very unit replaces the general one. */
    return !store_code_set_contains(&a->scoped[r->kind], unit_code);
}

size_t alerts_rule_count(const struct alerts *a)
{
    return a ? a->nrules : 0;
}

const struct alert_rule *alerts_rule_at(const struct alerts *a, size_t i)
{
    return a && i < a->nrules ? &a->rules[i] : NULL;
}

const struct alert_rule *alerts_rule_find(const struct alerts *a, const char *name)
{
    for (size_t i = 0; a && name && i < a->nrules; i++)
        if (strcmp(a->rules[i].name, name) == 0)
            return &a->rules[i];
    return NULL;
}

/* ---- parsing values ------------------------------------------------------------------ */

static bool parse_number(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || *end || end == s || !isfinite(v) || v < 0)
        return false;
    *out = v;
    return true;
}

static bool is_off(const char *v)
{
    return strcasecmp(v, "off") == 0 || strcasecmp(v, "none") == 0 || strcasecmp(v, "no") == 0 ||
           strcasecmp(v, "false") == 0;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_aqi(const char *v, double *out)
{
    static const struct {
        const char *name;
        double from;
    } bands[] = {
        {"trung_binh", 51}, {"trung bình", 51}, {"moderate", 51},   {"kem", 101},
        {"kém", 101},       {"poor", 101},      {"xau", 151},       {"xấu", 151},
        {"bad", 151},       {"rat_xau", 201},   {"rất xấu", 201},   {"very_bad", 201},
        {"nguy_hai", 301},  {"nguy hại", 301},  {"hazardous", 301},
    };
    for (size_t i = 0; i < ARRAY_LEN(bands); i++) {
        if (strcasecmp(v, bands[i].name) == 0) {
            *out = bands[i].from;
            return true;
        }
    }
    /* Capitalised Vietnamese ("Kém", "Xấu"): strcasecmp folds only ASCII. */
    static const struct {
        const char *name;
        double from;
    } caps[] = {
        {"Trung bình", 51}, {"Kém", 101}, {"Xấu", 151}, {"Rất xấu", 201}, {"Nguy hại", 301}};
    for (size_t i = 0; i < ARRAY_LEN(caps); i++) {
        if (strcmp(v, caps[i].name) == 0) {
            *out = caps[i].from;
            return true;
        }
    }
    return parse_number(v, out) && *out <= AQI_MAX;
}

/* One threshold of kind k. why says what was expected. */
static bool parse_threshold(enum alert_kind k, bool critical, const char *v, double *out,
                            bool *rate, const char **why)
{
    *rate = false;
    if (is_off(v)) {
        *out = NAN;
        return true;
    }
    int64_t secs;
    size_t len = strlen(v);
    switch (k) {
    case AK_AQI_BAND:
        *why = "expected a VN_AQI value (0-500) or a band: trung_binh, kem, xau, rat_xau, "
               "nguy_hai";
        return parse_aqi(v, out);
    case AK_WATER_LEVEL:
        *why = "expected an alarm level: I, II, III (or 1, 2, 3)";
        if (strcasecmp(v, "I") == 0 || strcmp(v, "1") == 0)
            *out = 1;
        else if (strcasecmp(v, "II") == 0 || strcmp(v, "2") == 0)
            *out = 2;
        else if (strcasecmp(v, "III") == 0 || strcmp(v, "3") == 0)
            *out = 3;
        else
            return false;
        return true;
    case AK_CAMERA_OFFLINE:
        *why = "expected a duration such as 15m or 1h";
        if (!alert_parse_duration(v, &secs) || secs <= 0)
            return false;
        *out = (double)secs;
        return true;
    case AK_COMPLAINT_URGENT:
        *why = "expected working hours, such as 4 or 4h or 90m";
        if (parse_number(v, out))
            return *out > 0;
        if (!alert_parse_duration(v, &secs) || secs <= 0)
            return false;
        *out = (double)secs / HOUR_S;
        return true;
    case AK_STATION_SILENT: {
        *why = "expected a multiple of the station's interval, such as 3 or 3x";
        char tmp[32];
        if (len == 0 || len >= sizeof tmp)
            return false;
        memcpy(tmp, v, len + 1);
        if (tmp[len - 1] == 'x' || tmp[len - 1] == 'X')
            tmp[len - 1] = '\0';
        return parse_number(tmp, out) && *out > 0;
    }
    case AK_FEED:
        *why = "expected stale or failing (or 1, 2)";
        if (strcasecmp(v, "stale") == 0 || strcmp(v, "1") == 0)
            *out = 1;
        else if (strcasecmp(v, "failing") == 0 || strcmp(v, "2") == 0)
            *out = 2;
        else
            return false;
        return true;
    case AK_DOSSIER_DUE_SOON:
        if (critical) {
            *why = "expected overdue (raise overdue dossiers as critical) or off";
            if (strcasecmp(v, "overdue") == 0 || strcasecmp(v, "on") == 0) {
                *out = 0;
                return true;
            }
            return false;
        }
        *why = "not used by kind dossier_due_soon (use severity)";
        return false;
    case AK_INDICATOR_MISSING:
        *why = "not used by kind indicator_missing (use severity)";
        return false;
    case AK_DOSSIER_OVERDUE:
    case AK_COMPLAINT_OVERDUE:
        *why = "expected a count (5) or a share of the unit's open records (2%)";
        if (len > 1 && v[len - 1] == '%') {
            char tmp[32];
            if (len >= sizeof tmp)
                return false;
            memcpy(tmp, v, len - 1);
            tmp[len - 1] = '\0';
            *rate = true;
            return parse_number(tmp, out) && *out <= 100;
        }
        return parse_number(v, out);
    case AK_SATISFACTION: {
        *why = "expected a percentage, such as 70%";
        char tmp[32];
        if (len == 0 || len >= sizeof tmp)
            return false;
        memcpy(tmp, v, len + 1);
        if (tmp[len - 1] == '%')
            tmp[len - 1] = '\0';
        return parse_number(tmp, out) && *out <= 100;
    }
    case AK_PM25:
    case AK_PM10:
        *why = "expected a concentration in µg/m³";
        return parse_number(v, out);
    case AK_FLOOD_DEPTH:
        *why = "expected a depth in cm";
        return parse_number(v, out);
    case AK_INDICATOR_BEHIND:
        *why = "expected points behind plan";
        return parse_number(v, out);
    case AK_DOSSIER_SUPPLEMENTS:
        *why = "expected a number of supplement requests";
        return parse_number(v, out);
    case AK_COUNT:
        break;
    }
    *why = "unexpected";
    return false;
}

static bool parse_severity(const char *v, enum alert_severity *out)
{
    if (strcasecmp(v, "warn") == 0 || strcasecmp(v, "warning") == 0) {
        *out = ALERT_WARN;
        return true;
    }
    if (strcasecmp(v, "critical") == 0 || strcasecmp(v, "crit") == 0) {
        *out = ALERT_CRITICAL;
        return true;
    }
    return false;
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= ALERT_RULE_NAME_MAX)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return false;
    return true;
}

static bool valid_scope(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
            return false;
    return true;
}

/* Checks a template's placeholders; NULL or the reason. */
static const char *check_template(const char *t)
{
    if (strlen(t) > MESSAGE_MAX)
        return "too long (at most 400 bytes)";
    for (const char *p = t; *p; p++) {
        if (*p == '{' && p[1] == '{') {
            p++;
            continue;
        }
        if (*p == '}' && p[1] == '}') {
            p++;
            continue;
        }
        if (*p == '}')
            return "a lone } (write }} for a brace)";
        if (*p != '{')
            continue;
        const char *end = strchr(p, '}');
        if (!end)
            return "a { without its } (write {{ for a brace)";
        size_t n = (size_t)(end - p - 1);
        bool known = false;
        for (size_t i = 0; i < ARRAY_LEN(placeholders) && !known; i++)
            known = strlen(placeholders[i]) == n && strncmp(p + 1, placeholders[i], n) == 0;
        if (!known)
            return "unknown placeholder (known: {unit} {unit_code} {value} {threshold} {name} "
                   "{id} {level} {period} {error} {rule} {severity} {count})";
        p = end;
    }
    return NULL;
}

/* ---- configure ----------------------------------------------------------------------- */

static void fail(char *err, size_t errsz, const struct config_entry *e, const char *key,
                 const char *reason)
{
    if (err && errsz)
        snprintf(err, errsz, "%s:%d: [%s] %s: %s", e->file ? e->file : "(config)", e->line,
                 e->section, key, reason);
}

static bool is_rule_section(const struct config_entry *e)
{
    return e->section && strncmp(e->section, "rule.", 5) == 0;
}

static struct alert_rule *find_rule(struct alert_rule *rules, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rules[i].name, name) == 0)
            return &rules[i];
    return NULL;
}

static int apply_key(struct alert_rule *r, const struct config_entry *e, char *err, size_t errsz)
{
    const char *k = e->key ? e->key : "", *v = e->value ? e->value : "";
    const char *why = NULL;
    if (strcmp(k, "kind") == 0)
        return 0; /* the first pass took it */
    if (strcmp(k, "scope") == 0) {
        free(r->scope);
        r->scope = NULL;
        if (strcasecmp(v, "all") == 0 || strcmp(v, "*") == 0)
            return 0;
        if (!valid_scope(v)) {
            fail(err, errsz, e, k, "expected a unit code (or a feed name), or all");
            return -1;
        }
        r->scope = xstrdup(v);
        return 0;
    }
    if (strcmp(k, "warn") == 0 || strcmp(k, "critical") == 0) {
        bool crit = k[0] == 'c';
        double x;
        bool rate;
        if (!parse_threshold(r->kind, crit, v, &x, &rate, &why)) {
            fail(err, errsz, e, k, why);
            return -1;
        }
        if (crit) {
            r->critical = x;
            r->critical_rate = rate;
        } else {
            r->warn = x;
            r->warn_rate = rate;
        }
        return 0;
    }
    if (strcmp(k, "min_duration") == 0 || strcmp(k, "merge_interval") == 0) {
        int64_t s;
        if (!alert_parse_duration(v, &s)) {
            fail(err, errsz, e, k, "expected a duration: seconds, or 90s, 15m, 1h, 2d, 1h30m");
            return -1;
        }
        if (k[1] == 'i')
            r->min_duration = s;
        else
            r->merge_interval = s;
        return 0;
    }
    if (strcmp(k, "severity") == 0) {
        if (!parse_severity(v, &r->severity)) {
            fail(err, errsz, e, k, "expected warn or critical");
            return -1;
        }
        return 0;
    }
    if (strcmp(k, "message") == 0) {
        const char *bad = check_template(v);
        if (!*v)
            bad = "empty (leave it out for the default)";
        if (bad) {
            fail(err, errsz, e, k, bad);
            return -1;
        }
        free(r->message);
        r->message = xstrdup(v);
        return 0;
    }
    if (strcmp(k, "enabled") == 0) {
        if (!parse_bool(v, &r->enabled)) {
            fail(err, errsz, e, k, "expected true or false");
            return -1;
        }
        return 0;
    }
    if (strcmp(k, "min_count") == 0) {
        if (!parse_number(v, &r->min_count)) {
            fail(err, errsz, e, k, "expected a count of records, 0 or more");
            return -1;
        }
        return 0;
    }
    if (strcmp(k, "interval") == 0) {
        int64_t s;
        if (r->kind != AK_STATION_SILENT) {
            fail(err, errsz, e, k, "only for kind station_silent");
            return -1;
        }
        if (!alert_parse_duration(v, &s) || s <= 0) {
            fail(err, errsz, e, k, "expected a duration such as 5m");
            return -1;
        }
        r->interval_s = (double)s;
        return 0;
    }
    fail(err, errsz, e, k,
         "unknown key (kind, scope, warn, critical, min_duration, merge_interval, severity, "
         "message, enabled, min_count, interval)");
    return -1;
}

/* Thresholds must make sense together: a rule that can never fire, or a warn past its
 * critical, is a mistake worth stopping for. */
static const char *check_rule(const struct alert_rule *r)
{
    const struct alert_kind_info *ki = &kinds[r->kind];
    if (!ki->numeric)
        return NULL;
    if (isnan(r->warn) && isnan(r->critical))
        return "warn and critical are both off (set enabled = false instead)";
    if (isnan(r->warn) || isnan(r->critical) || r->warn_rate != r->critical_rate)
        return NULL;
    if (ki->lower_is_worse ? r->critical > r->warn : r->critical < r->warn)
        return ki->lower_is_worse ? "critical must be at or below warn"
                                  : "critical must be at or above warn";
    return NULL;
}

int alerts_configure(struct alerts *a, const struct config_entry *e, size_t n, char *err,
                     size_t errsz)
{
    if (err && errsz)
        err[0] = '\0';
    if (!a)
        return -1;
    /* Work on a copy: all or nothing. */
    size_t nr = a->nrules, cap = a->nrules + n + 1;
    struct alert_rule *rules = xcalloc(cap, sizeof *rules);
    const struct config_entry **first = xcalloc(cap, sizeof *first);
    bool *has_kind = xcalloc(cap, sizeof *has_kind);
    for (size_t i = 0; i < nr; i++) {
        rules[i] = a->rules[i];
        rules[i].scope = a->rules[i].scope ? xstrdup(a->rules[i].scope) : NULL;
        rules[i].message = a->rules[i].message ? xstrdup(a->rules[i].message) : NULL;
        has_kind[i] = true;
    }
    int rc = 0;
    /* Pass 1: sections and kinds, so a new rule starts from its kind's defaults whatever
     * order its keys come in. */
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!is_rule_section(&e[i]))
            continue;
        const char *name = e[i].section + 5;
        if (!valid_name(name)) {
            fail(err, errsz, &e[i], e[i].key ? e[i].key : "",
                 "bad rule name (letters, digits, _ and -, up to 47)");
            rc = -1;
            break;
        }
        struct alert_rule *r = find_rule(rules, nr, name);
        if (!r) {
            r = &rules[nr];
            memset(r, 0, sizeof *r);
            str_copy(r->name, name, sizeof r->name);
            first[nr] = &e[i];
            nr++;
        }
        size_t ri = (size_t)(r - rules);
        if (!e[i].key || strcmp(e[i].key, "kind") != 0)
            continue;
        enum alert_kind k;
        if (!alert_kind_parse(e[i].value, &k)) {
            fail(err, errsz, &e[i], "kind",
                 "unknown kind (aqi_band, pm25, pm10, water_level, flood_depth, station_silent, "
                 "camera_offline, dossier_overdue, dossier_due_soon, dossier_supplements, "
                 "complaint_urgent, complaint_overdue, satisfaction, indicator_behind, "
                 "indicator_missing, feed)");
            rc = -1;
        } else if (has_kind[ri] && r->kind != k) {
            fail(err, errsz, &e[i], "kind",
                 r->builtin ? "a built-in rule keeps its kind (name a new rule instead)"
                            : "given twice with different kinds");
            rc = -1;
        } else if (!has_kind[ri]) {
            rule_defaults(r, k);
            has_kind[ri] = true;
        }
    }
    for (size_t i = a->nrules; i < nr && rc == 0; i++) {
        if (!has_kind[i]) {
            fail(err, errsz, first[i], "kind", "missing: a new rule needs kind = ...");
            rc = -1;
        }
    }
    /* Pass 2: everything else, in file order (a later line wins). */
    /* The last warn/critical line of each rule, to point at when they disagree. */
    const struct config_entry **last = xcalloc(cap, sizeof *last);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!is_rule_section(&e[i]))
            continue;
        struct alert_rule *r = find_rule(rules, nr, e[i].section + 5);
        rc = apply_key(r, &e[i], err, errsz);
        if (e[i].key && (strcmp(e[i].key, "warn") == 0 || strcmp(e[i].key, "critical") == 0))
            last[r - rules] = &e[i];
    }
    for (size_t i = 0; i < nr && rc == 0; i++) {
        const char *bad = check_rule(&rules[i]);
        const struct config_entry *where = last[i] ? last[i] : first[i];
        if (bad && where) { /* untouched built-ins are fine by construction */
            fail(err, errsz, where, last[i] ? last[i]->key : "kind", bad);
            rc = -1;
        }
    }
    free(last);
    if (rc != 0) {
        for (size_t i = 0; i < nr; i++)
            alert_rule_free(&rules[i]);
        free(rules);
        free(first);
        free(has_kind);
        return -1;
    }
    for (size_t i = 0; i < a->nrules; i++)
        alert_rule_free(&a->rules[i]);
    free(a->rules);
    a->rules = rules;
    a->rcap = cap;
    size_t *counts = xcalloc(cap, sizeof *counts);
    memcpy(counts, a->rule_entries, a->nrules * sizeof *counts);
    free(a->rule_entries);
    a->rule_entries = counts;
    a->nrules = nr;
    free(first);
    free(has_kind);
    alerts_rules_index(a);
    a->need_full = true;
    return 0;
}

/* ---- templates ----------------------------------------------------------------------- */

void alerts_format_value(double v, const char *unit, char *buf, size_t n)
{
    if (isnan(v)) {
        str_copy(buf, "?", n);
        return;
    }
    bool pct = unit && strcmp(unit, "%") == 0;
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, n, "%.0f%s", v, pct ? "%" : "");
    else if (pct || fabs(v) >= 100)
        snprintf(buf, n, "%.1f%s", v, pct ? "%" : "");
    else {
        snprintf(buf, n, "%.2f", v);
        /* 1.50 -> 1.5 */
        size_t len = strlen(buf);
        while (len > 0 && buf[len - 1] == '0')
            buf[--len] = '\0';
        if (len > 0 && buf[len - 1] == '.')
            buf[--len] = '\0';
    }
}

char *alerts_render(const struct alerts *a, const struct store *s, const struct alert_entry *e)
{
    const struct alert_rule *r = &a->rules[e->rule];
    const char *t = r->message ? r->message : kinds[r->kind].message;
    const char *unit_name = e->unit_code && s ? unit_table_name(s->units, e->unit_code) : NULL;
    struct buf b = {0};
    char num[64];
    for (const char *p = t; *p; p++) {
        if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
            buf_append(&b, p, 1);
            p++;
            continue;
        }
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        if (!end) {
            buf_append(&b, p, 1);
            continue;
        }
        size_t n = (size_t)(end - p - 1);
        const char *name = p + 1, *out = NULL;
#define IS(lit) (n == sizeof(lit) - 1 && strncmp(name, lit, n) == 0)
        if (IS("unit"))
            out = unit_name ? unit_name : e->unit_code ? e->unit_code : "";
        else if (IS("unit_code"))
            out = e->unit_code ? e->unit_code : "";
        else if (IS("value") || IS("threshold")) {
            alerts_format_value(IS("value") ? e->value : e->threshold, e->value_unit, num,
                                sizeof num);
            out = num;
        } else if (IS("name"))
            out = e->name ? e->name : e->target_id;
        else if (IS("id"))
            out = e->target_id;
        else if (IS("level"))
            out = e->level ? e->level : "";
        else if (IS("period"))
            out = e->period ? e->period : "";
        else if (IS("error"))
            out = e->error ? e->error : "";
        else if (IS("rule"))
            out = r->name;
        else if (IS("severity"))
            out = alert_severity_label(e->sev != ALERT_NONE ? e->sev
                                       : e->ev              ? e->ev->severity
                                                            : ALERT_NONE);
        else if (IS("count")) {
            snprintf(num, sizeof num, "%u", e->ev ? e->ev->count : 1u);
            out = num;
        }
#undef IS
        if (out) {
            buf_append(&b, out, strlen(out));
            p = end;
        } else {
            buf_append(&b, p, 1);
        }
    }
    return buf_take(&b);
}
