/* The alerts state file: the path from XDG_STATE_HOME, a save/load round trip (acks with
 * their note and time, silences, events with start, peak and count), file and directory
 * modes, the atomic replace, a "restart" (a new alerts object loading the file and the data
 * confirming the event), restored events that never come back, read-only refusing, and
 * corrupt files refused whole. Every file lives in a temporary XDG_STATE_HOME. */
#include "citydeck/alerts.h"
#include "citydeck/clock.h"
#include "citydeck/store.h"
#include "citydeck/util.h"
#include "harness.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define T0 1772416800 /* 2026-03-02T09:00:00+07:00 */

static char tmpdir[64];

static void setup(void)
{
    harness_tmpdir(tmpdir, sizeof tmpdir, "state");
    setenv("XDG_STATE_HOME", tmpdir, 1);
}

static void teardown(void)
{
    harness_rm_rf(tmpdir);
}

TestSuite(alert_state, .init = setup, .fini = teardown);

static void gauge(struct store *s, int64_t t, double v)
{
    struct sensor_batch *b = sensor_batch_new();
    struct sensor_update *u = sensor_batch_push(b);
    u->s.id = xstrdup("g1");
    u->meta = true;
    u->s.kind = SK_WATER_LEVEL;
    u->s.unit = xstrdup("m");
    u->s.station = xstrdup("Trạm thủy văn Câu Lâu");
    u->s.unit_code = xstrdup("21040");
    u->s.alarm[0] = 2.0;
    u->s.alarm[1] = 3.0;
    u->s.alarm[2] = 4.0;
    sensor_update_add_obs(u, t * 1000, v);
    store_merge_sensors(s, b);
}

static void eval(struct alerts *a, struct store *s, int64_t now)
{
    struct store_changes ch = {0};
    store_changes_take(s, &ch);
    alerts_evaluate(a, s, &ch, now);
    store_changes_clear(&ch);
}

static const struct alert_event *by_rule(const struct alerts *a, const char *rule)
{
    for (size_t i = 0; i < alerts_count(a); i++)
        if (strcmp(alerts_at(a, i)->rule, rule) == 0)
            return alerts_at(a, i);
    return NULL;
}

Test(alert_state, path_follows_xdg)
{
    char *p = alerts_state_path();
    char want[128];
    snprintf(want, sizeof want, "%s/citydeck/alerts.state", tmpdir);
    cr_assert_str_eq(p, want);
    free(p);
    setenv("XDG_STATE_HOME", "relative/dir", 1); /* invalid per the spec: ignored */
    setenv("HOME", "/home/op", 1);
    p = alerts_state_path();
    cr_assert_str_eq(p, "/home/op/.local/state/citydeck/alerts.state");
    free(p);
}

Test(alert_state, round_trip_modes_and_restart)
{
    struct store *s = store_new();
    struct alerts *a = alerts_new();
    gauge(s, T0, 2.5);
    eval(a, s, T0);
    gauge(s, T0 + 300, 1.9); /* clears ... */
    eval(a, s, T0 + 300);
    gauge(s, T0 + 600, 3.2); /* ... and comes back worse: same event, count 2 */
    eval(a, s, T0 + 600);
    alerts_feed_state(a, "complaints", 2, "HTTP 503\tService Unavailable", T0 + 700);
    alerts_feed_state(a, "old", 1, NULL, T0 + 10);
    alerts_feed_state(a, "old", 0, NULL, T0 + 20); /* an ended one */
    const struct alert_event *e = by_rule(a, "water_level");
    cr_assert_eq(e->count, 2);
    char *key = xstrdup(e->key);
    cr_assert_eq(alerts_ack(a, key, "Đã báo\tPCTT\nxã \\ Bình Sơn", T0 + 800), 0);
    cr_assert_eq(alerts_silence(a, "feed", NULL, T0 + 3600), 0);
    cr_assert(alerts_state_dirty(a));

    char *path = alerts_state_path();
    char err[256];
    cr_assert_eq(alerts_state_save(a, path, err, sizeof err), 0, "%s", err);
    cr_assert_not(alerts_state_dirty(a));
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    char *dir = xasprintf("%s/citydeck", tmpdir);
    cr_assert_eq(stat(dir, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0700);

    /* A restart: a new engine loads the file before any data arrived. */
    struct alerts *b = alerts_new();
    cr_assert_eq(alerts_state_load(b, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(alerts_count(b), alerts_count(a));
    const struct alert_event *r = alerts_find(b, key);
    cr_assert_not_null(r);
    cr_assert_eq(r->end, TIME_NONE);
    cr_assert_eq(r->start, T0);
    cr_assert_eq(r->count, 2);
    cr_assert_eq(r->severity, ALERT_CRITICAL);
    cr_assert_eq(r->peak_severity, ALERT_CRITICAL);
    cr_assert_float_eq(r->peak, 3.2, 1e-12);
    cr_assert(r->acked);
    cr_assert_str_eq(r->ack_note, "Đã báo\tPCTT\nxã \\ Bình Sơn");
    cr_assert_eq(r->ack_time, T0 + 800);
    cr_assert_str_eq(r->message, e->message);
    cr_assert_str_eq(r->value_unit, "m");
    cr_assert_eq(alerts_silence_count(b), 1);
    cr_assert_str_eq(alerts_silence_at(b, 0)->rule, "feed");
    cr_assert_null(alerts_silence_at(b, 0)->unit_code);
    const struct alert_event *f = alerts_find(b, "feed|feed:complaints");
    cr_assert_str_eq(f->message, alerts_find(a, "feed|feed:complaints")->message);
    cr_assert(f->silenced);
    cr_assert_neq(alerts_find(b, "feed|feed:old")->end, TIME_NONE);

    /* The data comes back and confirms the condition: the same event, still acked. */
    struct store *s2 = store_new();
    gauge(s2, T0 + 900, 3.1);
    eval(b, s2, T0 + 900);
    alerts_tick(b, s2, T0 + 901);
    r = alerts_find(b, key);
    cr_assert_eq(r->end, TIME_NONE);
    cr_assert_eq(r->start, T0);
    cr_assert_eq(r->count, 2);
    cr_assert(r->acked);
    cr_assert_float_eq(r->value, 3.1, 1e-12);
    size_t n = 0;
    for (size_t i = 0; i < alerts_count(b); i++)
        n += strcmp(alerts_at(b, i)->rule, "water_level") == 0;
    cr_assert_eq(n, 1, "no second event");
    /* The app reports the feed still failing: the same event goes on. A restored event
     * nobody confirms ("old" was ended anyway) would end after the grace period. */
    alerts_feed_state(b, "complaints", 2, "HTTP 503", T0 + 950);
    alerts_tick(b, s2, T0 + 900 + 16 * 60);
    f = alerts_find(b, "feed|feed:complaints");
    cr_assert_eq(f->end, TIME_NONE);
    cr_assert_eq(f->start, T0 + 700);

    alerts_free(b);
    alerts_free(a);
    store_free(s);
    store_free(s2);
    free(key);
    free(dir);
    free(path);
}

Test(alert_state, restored_event_that_never_returns_ends_after_grace)
{
    struct store *s = store_new();
    struct alerts *a = alerts_new();
    gauge(s, T0, 2.5);
    eval(a, s, T0);
    char *path = alerts_state_path();
    char err[256];
    cr_assert_eq(alerts_state_save(a, path, err, sizeof err), 0, "%s", err);

    struct alerts *b = alerts_new();
    struct store *empty = store_new();
    cr_assert_eq(alerts_state_load(b, path, err, sizeof err), 0, "%s", err);
    alerts_tick(b, empty, T0 + 100);
    eval(b, empty, T0 + 100); /* the store knows nothing of the gauge yet */
    cr_assert_eq(by_rule(b, "water_level")->end, TIME_NONE, "waits for the data");
    alerts_tick(b, empty, T0 + 100 + 15 * 60);
    cr_assert_eq(by_rule(b, "water_level")->end, T0 + 100 + 15 * 60);
    alerts_free(b);
    alerts_free(a);
    store_free(s);
    store_free(empty);
    free(path);
}

Test(alert_state, save_replaces_atomically)
{
    struct alerts *a = alerts_new();
    char *path = alerts_state_path();
    char err[256];
    alerts_feed_state(a, "one", 2, NULL, T0);
    cr_assert_eq(alerts_state_save(a, path, err, sizeof err), 0, "%s", err);
    /* A reader holding the old file keeps reading the old, whole file. */
    FILE *old = fopen(path, "r");
    cr_assert_not_null(old);
    struct stat st1, st2;
    cr_assert_eq(stat(path, &st1), 0);
    alerts_feed_state(a, "two", 2, NULL, T0 + 1);
    cr_assert_eq(alerts_state_save(a, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(stat(path, &st2), 0);
    cr_assert_neq(st1.st_ino, st2.st_ino, "a new file renamed over the old one");
    char line[4096];
    size_t events = 0;
    while (fgets(line, sizeof line, old))
        events += strncmp(line, "event\t", 6) == 0;
    fclose(old);
    cr_assert_eq(events, 1);
    /* No temporary file left behind. */
    char *dir = xasprintf("%s/citydeck", tmpdir);
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d)))
        files += e->d_name[0] != '.' || strncmp(e->d_name, ".alerts", 7) == 0;
    closedir(d);
    cr_assert_eq(files, 1);
    struct alerts *b = alerts_new();
    cr_assert_eq(alerts_state_load(b, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(alerts_count(b), 2);
    alerts_free(b);
    alerts_free(a);
    free(dir);
    free(path);
}

Test(alert_state, read_only_refuses)
{
    struct alerts *a = alerts_new();
    char *path = alerts_state_path();
    char err[256];
    alerts_set_read_only(a, true);
    cr_assert_eq(alerts_state_save(a, path, err, sizeof err), -1);
    cr_assert(strstr(err, "read-only"), "%s", err);
    struct stat st;
    cr_assert_neq(stat(path, &st), 0, "nothing written");
    alerts_set_read_only(a, false);
    cr_assert_eq(alerts_state_save(a, path, err, sizeof err), 0, "%s", err);
    alerts_free(a);
    free(path);
}

Test(alert_state, missing_and_corrupt_files)
{
    struct alerts *a = alerts_new();
    char err[512];
    char *path = xasprintf("%s/none/alerts.state", tmpdir);
    cr_assert_eq(alerts_state_load(a, path, err, sizeof err), 0, "a first run");
    free(path);

    path = xasprintf("%s/bad.state", tmpdir);
    static const struct {
        const char *body, *want;
    } cases[] = {
        {"hello\n", ":1: not a citydeck alerts state file"},
        {"citydeck-alerts\t9\n", ":1: a state file version"},
        {"citydeck-alerts\t1\nsilence\tfeed\t*\tsoon\n", ":2: bad silence record"},
        {"citydeck-alerts\t1\n# ok\nevent\tk\tfeed\n", ":3: an event with the wrong field count"},
        {"citydeck-alerts\t1\nevent\tk\tfeed\tfeed\tfeed\tx\t\\N\t\\N\tloud\t\t\\N\t\tnan\tnan"
         "\tnan\t0\t1\t-\t1\t1\t0\t\\N\t-\t\t0\n",
         ":2: bad severity"},
    };
    alerts_feed_state(a, "keep", 2, NULL, T0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *fp = fopen(path, "w");
        fputs(cases[i].body, fp);
        fclose(fp);
        cr_assert_eq(alerts_state_load(a, path, err, sizeof err), -1, "case %zu", i);
        cr_assert(strstr(err, cases[i].want), "case %zu: %s", i, err);
        cr_assert_not_null(alerts_find(a, "feed|feed:keep"), "nothing replaced");
    }
    /* Unknown record types (a newer version's) are skipped. */
    FILE *fp = fopen(path, "w");
    fputs("citydeck-alerts\t1\nfuture\tthing\n", fp);
    fclose(fp);
    cr_assert_eq(alerts_state_load(a, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(alerts_count(a), 0);
    alerts_free(a);
    free(path);
}
