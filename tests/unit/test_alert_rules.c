/* Alert rules: the built-in defaults, [rule.NAME] overrides and new rules, every key's
 * parsing, and "FILE:LINE: [rule.NAME] key: reason" errors that leave the rules untouched. */
#include "citydeck/alerts.h"
#include "citydeck/config.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cfg {
    struct config_entry e[32];
    size_t n;
};

static void add(struct cfg *c, const char *section, const char *key, const char *value)
{
    c->e[c->n] = (struct config_entry){(char *)section, (char *)key, (char *)value,
                                       (char *)"/etc/citydeck.ini", 10 + (int)c->n};
    c->n++;
}

static int apply(struct alerts *a, struct cfg *c, char *err, size_t n)
{
    return alerts_configure(a, c->e, c->n, err, n);
}

Test(alert_rules, builtin_defaults)
{
    struct alerts *a = alerts_new();
    cr_assert_eq(alerts_rule_count(a), AK_COUNT);
    for (int k = 0; k < AK_COUNT; k++) {
        const struct alert_rule *r = alerts_rule_find(a, alert_kind_code((enum alert_kind)k));
        cr_assert_not_null(r, "%s", alert_kind_code((enum alert_kind)k));
        cr_assert_eq(r->kind, (enum alert_kind)k);
        cr_assert(r->builtin && r->enabled);
        cr_assert_null(r->scope);
        cr_assert_null(r->message);
    }
    const struct alert_rule *r = alerts_rule_find(a, "aqi_band");
    cr_assert_float_eq(r->warn, 101, 1e-9);     /* Kém */
    cr_assert_float_eq(r->critical, 151, 1e-9); /* Xấu */
    cr_assert_eq(r->min_duration, 600);
    r = alerts_rule_find(a, "camera_offline");
    cr_assert_float_eq(r->warn, 900, 1e-9);
    cr_assert_float_eq(r->critical, 3600, 1e-9);
    r = alerts_rule_find(a, "complaint_urgent");
    cr_assert_float_eq(r->critical, 4, 1e-9); /* working hours */
    r = alerts_rule_find(a, "dossier_due_soon");
    cr_assert(isnan(r->critical));
    cr_assert_eq(r->severity, ALERT_WARN);
    cr_assert_null(alerts_rule_find(a, "nope"));
    alerts_free(a);
}

Test(alert_rules, kinds_and_durations_parse)
{
    enum alert_kind k;
    cr_assert(alert_kind_parse("WATER_LEVEL", &k));
    cr_assert_eq(k, AK_WATER_LEVEL);
    cr_assert_not(alert_kind_parse("flood", &k));
    cr_assert_str_eq(alert_target_code(ATT_STATION), "station");
    cr_assert_str_eq(alert_severity_label(ALERT_CRITICAL), "Nghiêm trọng");
    int64_t s;
    cr_assert(alert_parse_duration("15m", &s));
    cr_assert_eq(s, 900);
    cr_assert(alert_parse_duration("1h30m", &s));
    cr_assert_eq(s, 5400);
    cr_assert(alert_parse_duration("45", &s));
    cr_assert_eq(s, 45);
    cr_assert(alert_parse_duration("2d", &s));
    cr_assert_eq(s, 172800);
    cr_assert(alert_parse_duration("0", &s));
    cr_assert_eq(s, 0);
    cr_assert_not(alert_parse_duration("1h30", &s));
    cr_assert_not(alert_parse_duration("-5m", &s));
    cr_assert_not(alert_parse_duration("5 minutes", &s));
    cr_assert_not(alert_parse_duration("", &s));
    cr_assert_not(alert_parse_duration("99999999999999d", &s));
}

Test(alert_rules, override_a_builtin)
{
    struct alerts *a = alerts_new();
    struct cfg c = {0};
    add(&c, "rule.aqi_band", "warn", "xau");
    add(&c, "rule.aqi_band", "critical", "Rất xấu");
    add(&c, "rule.aqi_band", "min_duration", "1h");
    add(&c, "rule.aqi_band", "merge_interval", "90s");
    add(&c, "rule.aqi_band", "message", "AQI {value} tại {name}");
    add(&c, "rule.aqi_band", "scope", "21025");
    add(&c, "rule.camera_offline", "warn", "30m");
    add(&c, "rule.satisfaction", "warn", "80%");
    add(&c, "rule.satisfaction", "critical", "60");
    add(&c, "rule.satisfaction", "min_count", "25");
    add(&c, "rule.complaint_urgent", "warn", "90m");
    add(&c, "rule.water_level", "warn", "II");
    add(&c, "rule.water_level", "critical", "iii");
    add(&c, "rule.station_silent", "warn", "4x");
    add(&c, "rule.station_silent", "interval", "10m");
    add(&c, "rule.pm10", "enabled", "no");
    add(&c, "rule.dossier_due_soon", "severity", "critical");
    add(&c, "keys", "quit", "q"); /* other sections are not ours */
    char err[256];
    cr_assert_eq(apply(a, &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(alerts_rule_count(a), AK_COUNT, "overrides add nothing");
    const struct alert_rule *r = alerts_rule_find(a, "aqi_band");
    cr_assert_float_eq(r->warn, 151, 1e-9);
    cr_assert_float_eq(r->critical, 201, 1e-9);
    cr_assert_eq(r->min_duration, 3600);
    cr_assert_eq(r->merge_interval, 90);
    cr_assert_str_eq(r->message, "AQI {value} tại {name}");
    cr_assert_str_eq(r->scope, "21025");
    cr_assert_float_eq(alerts_rule_find(a, "camera_offline")->warn, 1800, 1e-9);
    r = alerts_rule_find(a, "satisfaction");
    cr_assert_float_eq(r->warn, 80, 1e-9);
    cr_assert_float_eq(r->critical, 60, 1e-9);
    cr_assert_float_eq(r->min_count, 25, 1e-9);
    cr_assert_float_eq(alerts_rule_find(a, "complaint_urgent")->warn, 1.5, 1e-9);
    cr_assert_float_eq(alerts_rule_find(a, "water_level")->warn, 2, 1e-9);
    cr_assert_float_eq(alerts_rule_find(a, "station_silent")->warn, 4, 1e-9);
    cr_assert_float_eq(alerts_rule_find(a, "station_silent")->interval_s, 600, 1e-9);
    cr_assert_not(alerts_rule_find(a, "pm10")->enabled);
    cr_assert_eq(alerts_rule_find(a, "dossier_due_soon")->severity, ALERT_CRITICAL);

    /* A second configure goes on from there; scope all clears the scope. */
    struct cfg c2 = {0};
    add(&c2, "rule.aqi_band", "scope", "all");
    cr_assert_eq(apply(a, &c2, err, sizeof err), 0, "%s", err);
    cr_assert_null(alerts_rule_find(a, "aqi_band")->scope);
    cr_assert_float_eq(alerts_rule_find(a, "aqi_band")->warn, 151, 1e-9);
    alerts_free(a);
}

Test(alert_rules, new_rules_extend)
{
    struct alerts *a = alerts_new();
    struct cfg c = {0};
    /* Keys before kind: the kind's defaults must not overwrite them. */
    add(&c, "rule.ngap_trung_tam", "warn", "10");
    add(&c, "rule.ngap_trung_tam", "kind", "flood_depth");
    add(&c, "rule.ngap_trung_tam", "scope", "21025");
    add(&c, "rule.ho_so_ty_le", "kind", "dossier_overdue");
    add(&c, "rule.ho_so_ty_le", "warn", "2%");
    add(&c, "rule.ho_so_ty_le", "critical", "5%");
    add(&c, "rule.ho_so_ty_le", "min_count", "50");
    char err[256];
    cr_assert_eq(apply(a, &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(alerts_rule_count(a), AK_COUNT + 2);
    const struct alert_rule *r = alerts_rule_find(a, "ngap_trung_tam");
    cr_assert_eq(r->kind, AK_FLOOD_DEPTH);
    cr_assert_float_eq(r->warn, 10, 1e-9);
    cr_assert_float_eq(r->critical, 30, 1e-9, "the kind's default");
    cr_assert_not(r->builtin);
    r = alerts_rule_find(a, "ho_so_ty_le");
    cr_assert(r->warn_rate && r->critical_rate);
    cr_assert_float_eq(r->critical, 5, 1e-9);
    alerts_free(a);
}

static void expect_error(const char *section, const char *key, const char *value, const char *want)
{
    struct alerts *a = alerts_new();
    struct cfg c = {0};
    add(&c, "rule.water_level", "warn", "II"); /* line 10: valid, must not stick */
    add(&c, section, key, value);              /* line 11 */
    char err[512];
    cr_assert_eq(apply(a, &c, err, sizeof err), -1, "[%s] %s = %s accepted", section, key, value);
    cr_assert(strstr(err, want), "got '%s', want '%s'", err, want);
    cr_assert_float_eq(alerts_rule_find(a, "water_level")->warn, 1, 1e-9, "all or nothing");
    cr_assert_eq(alerts_rule_count(a), AK_COUNT);
    alerts_free(a);
}

Test(alert_rules, errors_name_file_line_section_key)
{
    expect_error("rule.aqi_band", "warn", "tệ lắm",
                 "/etc/citydeck.ini:11: [rule.aqi_band] warn: expected a VN_AQI value");
    expect_error("rule.aqi_band", "warn", "501", "[rule.aqi_band] warn:");
    expect_error("rule.aqi_band", "colour", "red", ":11: [rule.aqi_band] colour: unknown key");
    expect_error("rule.aqi_band", "kind", "pm25",
                 ":11: [rule.aqi_band] kind: a built-in rule keeps its kind");
    expect_error("rule.moi", "warn", "5", ":11: [rule.moi] kind: missing");
    expect_error("rule.moi", "kind", "tsunami", ":11: [rule.moi] kind: unknown kind");
    expect_error("rule.bad name", "kind", "feed", "bad rule name");
    expect_error("rule.pm25", "min_duration", "soon", ":11: [rule.pm25] min_duration:");
    expect_error("rule.pm25", "merge_interval", "1h30", "[rule.pm25] merge_interval:");
    expect_error("rule.pm25", "severity", "loud", "[rule.pm25] severity: expected warn");
    expect_error("rule.pm25", "enabled", "maybe", "[rule.pm25] enabled: expected true");
    expect_error("rule.pm25", "message", "{unit} {colour}", "unknown placeholder");
    expect_error("rule.pm25", "message", "{unit", "without its }");
    expect_error("rule.pm25", "message", "a } b", "lone }");
    expect_error("rule.pm25", "warn", "-3", "[rule.pm25] warn: expected a concentration");
    expect_error("rule.pm25", "critical", "40",
                 "[rule.pm25] critical: critical must be at or "
                 "above warn");
    expect_error("rule.dossier_supplements", "warn", "off", "warn and critical are both off");
    expect_error("rule.satisfaction", "critical", "90%", "critical must be at or below warn");
    expect_error("rule.water_level", "critical", "IV", "expected an alarm level");
    expect_error("rule.camera_offline", "warn", "often", "expected a duration");
    expect_error("rule.dossier_overdue", "warn", "150%", "[rule.dossier_overdue] warn:");
    expect_error("rule.dossier_due_soon", "warn", "3", "use severity");
    expect_error("rule.indicator_missing", "critical", "1", "use severity");
    expect_error("rule.pm25", "interval", "5m", "only for kind station_silent");
    expect_error("rule.pm25", "scope", "21025; rm -rf", "expected a unit code");
    expect_error("rule.feed", "warn", "slow", "expected stale or failing");
}

Test(alert_rules, errors_from_a_real_config_file)
{
    char path[] = "/tmp/citydeck-rules-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *fp = fdopen(fd, "w");
    fprintf(fp, "[rule.water_level]\nwarn = II\n\n[rule.ngap]\nkind = flood_depth\n"
                "critical = sâu lắm\n");
    fclose(fp);
    struct config cfg;
    config_init(&cfg);
    char err[512];
    int rc = config_load(&cfg, path, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
    struct alerts *a = alerts_new();
    cr_assert_eq(alerts_configure(a, cfg.entries, cfg.nentries, err, sizeof err), -1);
    char want[600];
    snprintf(want, sizeof want, "%s:6: [rule.ngap] critical: expected a depth in cm", path);
    cr_assert_str_eq(err, want);
    alerts_free(a);
    config_free(&cfg);
    unlink(path);
}
