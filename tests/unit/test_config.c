/* Configuration: defaults, the INI file, precise error messages, tokens. */
#include "citydeck/config.h"

#include "citydeck/util.h"
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];
static struct config cfg;

static void setup(void)
{
    harness_tmpdir(tmpdir, sizeof tmpdir, "config");
    config_init(&cfg);
}

static void teardown(void)
{
    config_free(&cfg);
    harness_rm_rf(tmpdir);
}

TestSuite(config, .init = setup, .fini = teardown);

/* Writes content to tmpdir/name with the given mode; returns the path (caller frees). */
static char *write_file(const char *name, const char *content, mode_t mode)
{
    char *p = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs(content, f);
    fclose(f);
    cr_assert_eq(chmod(p, mode), 0);
    return p;
}

static char *fixture(const char *name)
{
    const char *dir = getenv("CITYDECK_FIXTURES");
    return xasprintf("%s/config/%s", dir ? dir : "tests/fixtures", name);
}

/* --- defaults --------------------------------------------------------------------------- */

Test(config, defaults)
{
    cr_assert_null(cfg.path);
    cr_assert_null(cfg.hub_url);
    cr_assert_not(cfg.demo);
    cr_assert_not(cfg.read_only);
    cr_assert(cfg.mouse);
    cr_assert_not(cfg.ascii);
    cr_assert_not(cfg.allow_http);
    cr_assert_null(cfg.log_path);
    cr_assert_null(cfg.snapshot_view);
    cr_assert_eq(cfg.snap_cols, 120);
    cr_assert_eq(cfg.snap_rows, 40);
    cr_assert_null(cfg.sim_path);
    cr_assert_float_eq(cfg.demo_speed, 60.0, 1e-9);
    cr_assert_eq(cfg.demo_seed, 1u);
    cr_assert_str_eq(cfg.demo_province, "51");
    cr_assert_null(cfg.demo_start);

    cr_assert_eq(cfg.nfeeds, 5, "complaints, sensors, dossiers, indicators, units by default");
    struct feed_config *ds = config_feed(&cfg, "dossiers");
    cr_assert_not_null(ds);
    cr_assert_str_eq(ds->kind, "cases");
    cr_assert_str_eq(ds->path, "/cases/v1/dossiers?status=open&page_size=1000");
    struct feed_config *un = config_feed(&cfg, "units");
    cr_assert_not_null(un);
    cr_assert_str_eq(un->kind, "units");
    cr_assert_str_eq(un->path, "/units.json");
    struct feed_config *s = config_feed(&cfg, "sensors");
    cr_assert_not_null(s);
    cr_assert_str_eq(s->kind, "sensorthings");
    cr_assert(str_starts_with(s->path, "/sta/v1.1/Things?"), "%s", s->path);
    struct feed_config *ind = config_feed(&cfg, "indicators");
    cr_assert_not_null(ind);
    cr_assert_str_eq(ind->kind, "jsonstat");
    cr_assert_str_eq(ind->path, "/stats/chi-tieu-xa.json");
    struct feed_config *f = config_feed(&cfg, "complaints");
    cr_assert_not_null(f);
    cr_assert_eq(f, &cfg.feeds[0]);
    cr_assert_str_eq(f->name, "complaints");
    cr_assert_str_eq(f->kind, "open311");
    cr_assert_str_eq(f->path,
                     "/open311/v2/requests.json?extensions=true&status=open&page_size=1000");
    cr_assert_null(f->url);
    cr_assert_eq(f->interval_ms, 5000);
    cr_assert_eq(f->timeout_ms, 10000);
    cr_assert_eq(f->max_bytes, (size_t)8 << 20);
    cr_assert_null(f->token_env);
    cr_assert_null(f->token_file);
    cr_assert_null(f->unit_attribute);
    cr_assert(f->enabled);
    cr_assert_null(config_feed(&cfg, "nope"));
}

Test(config, free_twice_is_harmless)
{
    config_free(&cfg);
    config_free(&cfg);
    config_init(&cfg);
}

/* --- a good file --------------------------------------------------------------------------- */

Test(config, good_file_sets_every_key)
{
    char *path = fixture("good.ini");
    char err[256] = "untouched";
    cr_assert_eq(config_load(&cfg, path, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(err, "");
    cr_assert_str_eq(cfg.path, path);

    cr_assert_str_eq(cfg.hub_url, "https://ioc.example.vn/api");
    cr_assert(cfg.read_only);
    cr_assert_not(cfg.mouse);
    cr_assert(cfg.ascii);
    cr_assert(cfg.allow_http);
    cr_assert_str_eq(cfg.log_path, "/tmp/citydeck-test.log");

    cr_assert_str_eq(cfg.sim_path, "/usr/local/bin/citydeck-sim");
    cr_assert_float_eq(cfg.demo_speed, 2.5, 1e-9);
    cr_assert_eq(cfg.demo_seed, 4294967295u);
    cr_assert_str_eq(cfg.demo_province, "22");
    cr_assert_str_eq(cfg.demo_start, "2026-03-02T08:00:00+07:00");

    cr_assert_eq(cfg.nfeeds, 6, "the five defaults and the file's new feed");
    struct feed_config *f = config_feed(&cfg, "complaints");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->kind, "open311");
    cr_assert_eq(f->interval_ms, 2500);
    cr_assert_eq(f->timeout_ms, 100);
    cr_assert_eq(f->max_bytes, (size_t)512 * 1024);
    cr_assert_str_eq(f->token_env, "CITYDECK_TOKEN");
    cr_assert_str_eq(f->token_file, "/etc/citydeck/token");
    cr_assert_str_eq(f->unit_attribute, "ward_code");
    cr_assert_not(f->enabled);

    struct feed_config *g = config_feed(&cfg, "qn-1022_b");
    cr_assert_not_null(g);
    cr_assert_eq(g, &cfg.feeds[5], "a new feed comes after the five defaults");
    cr_assert_str_eq(g->kind, "open311");
    cr_assert_str_eq(g->url, "http://127.0.0.1:8080/open311/v2/requests.json");
    cr_assert_str_eq(g->path, "/open311/v2/requests.json?status=closed");
    cr_assert_eq(g->interval_ms, 86400 * 1000);
    cr_assert_eq(g->timeout_ms, 600 * 1000);
    cr_assert_eq(g->max_bytes, (size_t)1 << 30);
    cr_assert(g->enabled);
    cr_assert_null(g->token_env);
    free(path);
}

Test(config, later_file_overrides_earlier)
{
    char *good = fixture("good.ini"), *over = fixture("override.ini");
    char err[256];
    cr_assert_eq(config_load(&cfg, good, err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_load(&cfg, over, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(cfg.path, over);

    cr_assert_str_eq(cfg.hub_url, "https://other.example.vn");
    cr_assert_not(cfg.read_only);
    cr_assert_null(cfg.log_path, "an empty value unsets an optional string");
    cr_assert(cfg.ascii, "keys the later file does not mention keep their values");
    cr_assert_str_eq(cfg.demo_province, "22");

    cr_assert_eq(cfg.nfeeds, 6, "an existing feed is updated, not added again");
    struct feed_config *f = config_feed(&cfg, "complaints");
    cr_assert_eq(f->interval_ms, 60000);
    cr_assert_eq(f->max_bytes, (size_t)8 << 20);
    cr_assert_eq(f->timeout_ms, 100);
    cr_assert_str_eq(f->unit_attribute, "ward_code");
    cr_assert_not(config_feed(&cfg, "qn-1022_b")->enabled);
    free(good);
    free(over);
}

Test(config, bool_spellings)
{
    static const struct {
        const char *v;
        bool want;
    } cases[] = {{"true", true}, {"false", false}, {"yes", true}, {"no", false}, {"on", true},
                 {"off", false}, {"1", true},      {"0", false},  {"Yes", true}, {"OFF", false}};
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *content = xasprintf("[console]\nmouse = %s\n", cases[i].v);
        char *p = write_file("b.ini", content, 0600);
        char err[256];
        cfg.mouse = !cases[i].want;
        cr_assert_eq(config_load(&cfg, p, err, sizeof err), 0, "%s", err);
        cr_assert_eq(cfg.mouse, cases[i].want, "mouse = %s", cases[i].v);
        free(p);
        free(content);
    }
}

Test(config, tilde_paths_expand)
{
    setenv("HOME", "/home/op", 1);
    char *p = write_file("t.ini", "[console]\nlog = ~/citydeck.log\n", 0600);
    char err[256];
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(cfg.log_path, "/home/op/citydeck.log");
    free(p);
}

Test(config, new_feed_gets_defaults)
{
    char *p = write_file("n.ini", "[feed.aqi]\nkind = open311\npath = /x\n", 0600);
    char err[256];
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), 0, "%s", err);
    struct feed_config *f = config_feed(&cfg, "aqi");
    cr_assert_not_null(f);
    cr_assert_eq(f->interval_ms, 5000);
    cr_assert_eq(f->timeout_ms, 10000);
    cr_assert_eq(f->max_bytes, (size_t)8 << 20);
    cr_assert(f->enabled);
    free(p);
}

Test(config, empty_file_is_fine)
{
    char *p = write_file("e.ini", "", 0600);
    char err[256];
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), 0, "%s", err);
    free(p);
}

/* --- bad files ------------------------------------------------------------------------------- */

/* Loads content, expects -1 and an error starting "FILE:LINE: " that contains every piece. */
static void expect_bad(const char *content, int line, const char *piece1, const char *piece2)
{
    char *p = write_file("bad.ini", content, 0600);
    char err[512] = "";
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), -1, "loaded: %s", content);
    char *prefix = xasprintf("%s:%d: ", p, line);
    cr_assert(str_starts_with(err, prefix), "error '%s' should start with '%s'", err, prefix);
    if (piece1)
        cr_assert_not_null(strstr(err, piece1), "error '%s' lacks '%s'", err, piece1);
    if (piece2)
        cr_assert_not_null(strstr(err, piece2), "error '%s' lacks '%s'", err, piece2);
    free(prefix);
    free(p);
}

Test(config, bad_unknown_section)
{
    expect_bad("[console]\nmouse = on\n[consol]\nhub = https://x\n", 3, "unknown section [consol]",
               NULL);
}

Test(config, bad_unknown_section_without_keys)
{
    expect_bad("# nothing in it\n[demoo]\n", 2, "unknown section [demoo]", NULL);
}

Test(config, bad_unknown_key)
{
    expect_bad("[feed.complaints]\n\ninterval = 5\nintervall = 5\n", 4,
               "[feed.complaints] intervall: ", "unknown key 'intervall'");
}

Test(config, bad_number)
{
    expect_bad("[console]\n[feed.complaints]\n; c\n\n\n\ninterval = abc\n", 7,
               "[feed.complaints] interval: ", "'abc' is not a number of seconds");
    expect_bad("[feed.complaints]\ntimeout = 1e3\n", 2,
               "[feed.complaints] timeout: ", "'1e3' is not a number of seconds");
    expect_bad("[demo]\nspeed = fast\n", 2, "[demo] speed: ", "'fast' is not a number");
    expect_bad("[demo]\nseed = -1\n", 2, "[demo] seed: ", "'-1' is not an unsigned number");
    expect_bad("[demo]\nseed = 4294967296\n", 2, "[demo] seed: ", "not an unsigned number");
}

Test(config, bad_out_of_range)
{
    expect_bad("[feed.complaints]\ninterval = 0.4\n", 2,
               "[feed.complaints] interval: ", "'0.4' is out of range (0.5 to 86400 seconds)");
    expect_bad("[feed.complaints]\ninterval = 86401\n", 2, "interval: ", "out of range");
    expect_bad("[feed.complaints]\ntimeout = 601\n", 2,
               "[feed.complaints] timeout: ", "'601' is out of range (0.1 to 600 seconds)");
    expect_bad("[feed.complaints]\nmax_bytes = 1023\n", 2,
               "[feed.complaints] max_bytes: ", "'1023' is out of range (1K to 1G)");
    expect_bad("[feed.complaints]\nmax_bytes = 2G\n", 2, "max_bytes: ", "out of range");
    expect_bad("[demo]\nspeed = -1\n", 2, "[demo] speed: ", "'-1' is out of range");
}

Test(config, bad_bool)
{
    expect_bad("[console]\nread_only = maybe\n", 2,
               "[console] read_only: ", "'maybe' is not a boolean");
    expect_bad("[feed.complaints]\nenabled = 2\n", 2,
               "[feed.complaints] enabled: ", "'2' is not a boolean");
}

Test(config, bad_url)
{
    expect_bad("[console]\nhub = ftp://ioc.example.vn\n", 2, "[console] hub: ",
               "'ftp://ioc.example.vn' is not an absolute http:// or https:// URL");
    expect_bad("[feed.complaints]\nurl = /relative\n", 2,
               "[feed.complaints] url: ", "is not an absolute http");
    expect_bad("[console]\nhub = https://\n", 2, "[console] hub: ", "not an absolute");
    expect_bad("[console]\nhub = https://a b\n", 2, "[console] hub: ", "not an absolute");
}

Test(config, bad_path)
{
    expect_bad("[feed.complaints]\npath = requests.json\n", 2,
               "[feed.complaints] path: ", "'requests.json' must start with /");
}

Test(config, bad_size)
{
    expect_bad("[feed.complaints]\nmax_bytes = 8Q\n", 2,
               "[feed.complaints] max_bytes: ", "'8Q' is not a size");
    expect_bad("[feed.complaints]\nmax_bytes = -1M\n", 2, "max_bytes: ", "is not a size");
}

Test(config, bad_kind)
{
    expect_bad(
        "[feed.sensors]\nkind = mqtt\n", 2, "[feed.sensors] kind: ",
        "unknown kind 'mqtt' (known: open311, sensorthings, prometheus, jsonstat, cases, units)");
}

Test(config, bad_feed_name)
{
    expect_bad("[feed.Bad Name]\nkind = open311\n", 1, "bad feed name 'Bad Name'", NULL);
    expect_bad("[feed.]\n", 1, "bad feed name ''", NULL);
    expect_bad("[feed.abcdefghijklmnopqrstuvwxyz012345]\n", 1, "bad feed name", NULL);
}

Test(config, bad_syntax)
{
    expect_bad("[console]\nmouse = on\nthis line has no equals sign\n", 3, "syntax error", NULL);
    expect_bad("[console\nmouse = on\n", 1, "syntax error", NULL);
}

Test(config, bad_other_values)
{
    expect_bad("[demo]\nprovince = 5\n", 2, "[demo] province: ", "'5' is not a 2-digit");
    expect_bad("[demo]\nstart = yesterday\n", 2, "[demo] start: ", "not an ISO 8601 date-time");
    expect_bad("[feed.complaints]\ntoken_env = 1TOKEN\n", 2,
               "[feed.complaints] token_env: ", "not an environment variable name");
    expect_bad("[feed.complaints]\nunit_attribute = ward code\n", 2,
               "[feed.complaints] unit_attribute: ", "no spaces");
}

Test(config, bad_key_outside_section)
{
    expect_bad("; top\nhub = https://x\n", 2, "hub: key outside any section", NULL);
}

Test(config, bad_line_too_long)
{
    char *content = xmalloc(400);
    strcpy(content, "[console]\nhub = https://x/");
    size_t n = strlen(content);
    memset(content + n, 'a', 300);
    strcpy(content + n + 300, "\n");
    expect_bad(content, 2, "line too long", NULL);
    free(content);
}

Test(config, bad_feed_without_kind)
{
    expect_bad("[console]\nmouse = on\n[feed.aqi]\npath = /x\n", 3, "[feed.aqi]: no kind given",
               NULL);
}

Test(config, bad_too_many_feeds)
{
    struct buf b = {0};
    for (int i = 0; i < CONFIG_MAX_FEEDS; i++)
        buf_appendf(&b, "[feed.f%d]\nkind = open311\npath = /x\n", i);
    /* Five default feeds plus 16 more: the 12th new one is number 17. */
    expect_bad(b.data, 3 * (CONFIG_MAX_FEEDS - 5) + 1, "too many feeds (at most 16)", NULL);
    buf_free(&b);
}

Test(config, error_stops_at_first_bad_line)
{
    char *p =
        write_file("s.ini", "[console]\nmouse = banana\nread_only = yes\nascii = nope\n", 0600);
    char err[256];
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), -1);
    cr_assert_not_null(strstr(err, ":2: [console] mouse: 'banana'"), "%s", err);
    cr_assert_not(cfg.read_only, "lines after the error are not applied");
    cr_assert_null(cfg.path);
    free(p);
}

Test(config, error_value_is_sanitized)
{
    char *p = write_file("c.ini", "[console]\nmouse = \x1b[31mred\n", 0600);
    char err[256];
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), -1);
    cr_assert_null(strchr(err, '\x1b'), "%s", err);
    cr_assert_not_null(strstr(err, "'?[31mred' is not a boolean"), "%s", err);
    free(p);
}

Test(config, missing_file)
{
    char *p = xasprintf("%s/absent.ini", tmpdir);
    char err[256];
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), -1);
    char *want = xasprintf("%s: cannot open: No such file or directory", p);
    cr_assert_str_eq(err, want);
    free(want);
    free(p);
}

Test(config, tiny_error_buffer)
{
    char *p = write_file("x.ini", "[nope]\n", 0600);
    char err[8];
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), -1);
    cr_assert_eq(strlen(err), 7);
    cr_assert_eq(config_load(&cfg, p, NULL, 0), -1);
    free(p);
}

/* --- default path ---------------------------------------------------------------------------- */

Test(config, default_path_xdg_then_home)
{
    char *dir = xasprintf("%s/citydeck", tmpdir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    char *file = xasprintf("%s/config.ini", dir);

    setenv("XDG_CONFIG_HOME", tmpdir, 1);
    cr_assert_null(config_default_path(), "no file yet");
    FILE *f = fopen(file, "w");
    fclose(f);
    char *got = config_default_path();
    cr_assert_str_eq(got, file);
    free(got);

    /* A relative XDG_CONFIG_HOME is ignored (XDG spec); $HOME/.config is used instead. */
    setenv("XDG_CONFIG_HOME", "relative", 1);
    setenv("HOME", "/nonexistent-home", 1);
    cr_assert_null(config_default_path());
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("HOME");
    cr_assert_null(config_default_path());

    unlink(file);
    rmdir(dir);
    free(file);
    free(dir);
}

/* --- small parsers -----------------------------------------------------------------------------
 */

Test(config, parse_size)
{
    int c = 0, r = 0;
    cr_assert_eq(config_parse_size("120x40", &c, &r), 0);
    cr_assert_eq(c, 120);
    cr_assert_eq(r, 40);
    cr_assert_eq(config_parse_size("80X24", &c, &r), 0);
    cr_assert_eq(c, 80);
    cr_assert_eq(r, 24);
    const char *bad[] = {"",      "x",     "120",     "120x",    "x40",      "0x40",
                         "120x0", "-1x40", "12 0x40", "120x40x", "99999x40", NULL};
    for (int i = 0; bad[i]; i++)
        cr_assert_eq(config_parse_size(bad[i], &c, &r), -1, "'%s'", bad[i]);
    cr_assert_eq(config_parse_size(NULL, &c, &r), -1);
}

Test(config, parse_bytes)
{
    static const struct {
        const char *s;
        size_t v;
    } ok[] = {
        {"1048576", 1048576}, {"0", 0},          {"512K", 512 * 1024}, {"512k", 512 * 1024},
        {"8M", 8u << 20},     {"8MB", 8u << 20}, {"8MiB", 8u << 20},   {"1G", (size_t)1 << 30},
        {"100B", 100}};
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        size_t v = 1;
        cr_assert_eq(config_parse_bytes(ok[i].s, &v), 0, "'%s'", ok[i].s);
        cr_assert_eq(v, ok[i].v, "'%s'", ok[i].s);
    }
    const char *bad[] = {"",
                         "M",
                         "8Q",
                         "-1",
                         " 8M",
                         "8 M",
                         "8M ",
                         "1.5M",
                         "8MiBB",
                         "8iB",
                         "99999999999999999999",
                         "99999999999999G",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        size_t v;
        cr_assert_eq(config_parse_bytes(bad[i], &v), -1, "'%s'", bad[i]);
    }
    size_t v;
    cr_assert_eq(config_parse_bytes(NULL, &v), -1);
}

/* --- tokens ------------------------------------------------------------------------------------
 */

Test(config, token_from_env_first)
{
    struct feed_config *f = &cfg.feeds[0];
    f->token_env = xstrdup("CITYDECK_TEST_TOKEN");
    f->token_file = write_file("token", "from-file\n", 0600);
    setenv("CITYDECK_TEST_TOKEN", "env-secret-123", 1);
    char err[256];
    char *t = config_read_token(f, err, sizeof err);
    cr_assert_str_eq(t, "env-secret-123");
    free(t);

    /* An empty variable falls through to the file. */
    setenv("CITYDECK_TEST_TOKEN", "", 1);
    t = config_read_token(f, err, sizeof err);
    cr_assert_str_eq(t, "from-file");
    free(t);
}

Test(config, token_from_private_file)
{
    struct feed_config *f = &cfg.feeds[0];
    f->token_file = write_file("token", "abc.DEF-123_~+/=\r\n\n  ", 0600);
    char err[256] = "x";
    char *t = config_read_token(f, err, sizeof err);
    cr_assert_str_eq(t, "abc.DEF-123_~+/=");
    cr_assert_str_eq(err, "");
    free(t);
}

Test(config, token_file_readable_by_others_refused)
{
    struct feed_config *f = &cfg.feeds[0];
    f->token_file = write_file("token", "secret\n", 0644);
    char err[512];
    cr_assert_null(config_read_token(f, err, sizeof err));
    char *want = xasprintf("token file %s must not be readable by others (mode 0644); chmod 600 it",
                           f->token_file);
    cr_assert_not_null(strstr(err, want), "%s", err);
    cr_assert_null(strstr(err, "secret"), "the token never appears in messages");
    free(want);

    cr_assert_eq(chmod(f->token_file, 0640), 0);
    cr_assert_null(config_read_token(f, err, sizeof err));
    cr_assert_not_null(strstr(err, "(mode 0640)"), "%s", err);
}

Test(config, token_file_problems)
{
    struct feed_config *f = &cfg.feeds[0];
    char err[512];

    f->token_file = write_file("empty", " \n\n", 0600);
    cr_assert_null(config_read_token(f, err, sizeof err));
    cr_assert_not_null(strstr(err, "is empty"), "%s", err);

    /* A newline inside would split the Authorization header into two. */
    free(f->token_file);
    f->token_file = write_file("split", "abc\nX-Evil: 1\n", 0600);
    cr_assert_null(config_read_token(f, err, sizeof err));
    cr_assert_not_null(strstr(err, "not allowed in a bearer token"), "%s", err);
    cr_assert_null(strstr(err, "Evil"));

    free(f->token_file);
    f->token_file = xasprintf("%s/absent", tmpdir);
    cr_assert_null(config_read_token(f, err, sizeof err));
    cr_assert_not_null(strstr(err, "cannot open"), "%s", err);

    free(f->token_file);
    f->token_file = xstrdup(tmpdir);
    cr_assert_null(config_read_token(f, err, sizeof err));
    cr_assert_not_null(strstr(err, "not a regular file"), "%s", err);
}

Test(config, token_none_configured)
{
    char err[64] = "x";
    cr_assert_null(config_read_token(&cfg.feeds[0], err, sizeof err));
    cr_assert_str_eq(err, "", "no token configured is not an error");
}

Test(config, token_env_unset_without_file)
{
    struct feed_config *f = &cfg.feeds[0];
    f->token_env = xstrdup("CITYDECK_TEST_UNSET");
    unsetenv("CITYDECK_TEST_UNSET");
    char err[256];
    cr_assert_null(config_read_token(f, err, sizeof err));
    cr_assert_not_null(strstr(err, "CITYDECK_TEST_UNSET is not set"), "%s", err);

    setenv("CITYDECK_TEST_UNSET", "has space", 1);
    cr_assert_null(config_read_token(f, err, sizeof err));
    cr_assert_not_null(strstr(err, "not allowed"), "%s", err);
}

Test(config, prometheus_feed_with_query_and_tenant)
{
    char *p = write_file("prom.ini",
                         "[feed.vm]\nkind = prometheus\nurl = http://127.0.0.1:8428\n"
                         "query = citydeck_air_vn_aqi{kind=\"air_quality\"}\ntenant = ioc-51\n",
                         0600);
    char err[256] = "";
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), 0, "%s", err);
    struct feed_config *f = config_feed(&cfg, "vm");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->kind, "prometheus");
    cr_assert_str_eq(f->query, "citydeck_air_vn_aqi{kind=\"air_quality\"}");
    cr_assert_str_eq(f->tenant, "ioc-51");
    free(p);
    expect_bad("[feed.vm]\nkind = prometheus\nurl = http://127.0.0.1:8428\ntenant = a b\n", 4,
               "[feed.vm] tenant: ", "'a b' is not a tenant id (no spaces)");
}

/* --- feed options: PX-Web queries, JSON-stat dimensions, Open311 incremental polling ------ */

/* The whole message, not pieces of it: "FILE:LINE: [feed.NAME] key: reason". */
static void expect_exact(const char *content, int line, const char *msg)
{
    /* A failed load applied the lines before the bad one: start each case afresh. */
    config_free(&cfg);
    config_init(&cfg);
    char *p = write_file("bad.ini", content, 0600);
    char err[512] = "";
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), -1, "loaded: %s", content);
    char *want = xasprintf("%s:%d: %s", p, line, msg);
    cr_assert_str_eq(err, want);
    free(want);
    free(p);
}

Test(config, feed_options_defaults_and_values)
{
    struct feed_config *c = config_feed(&cfg, "complaints");
    cr_assert(c->incremental, "incremental polling is on by default");
    cr_assert_eq(c->full_every, 0, "0 = the built-in default");
    cr_assert_eq(c->nselects, 0);
    char *q = write_file("q.json", "{\"query\":[]}", 0600);
    char *p = write_file("opt.ini",
                         "[feed.complaints]\nincremental = no\nfull_every = 5\n"
                         "[feed.indicators]\nunit_dimension = County and Region\n"
                         "indicator_dimension = Statistic\nperiod_dimension = Year\n"
                         "measure_dimension = loai\nplan_category = KH\nactual_category = TH\n"
                         "default_unit = 51\ndefault_indicator = gdp\ndefault_period = 2025\n"
                         "query_file = q.json\n",
                         0600);
    char err[256] = "";
    cr_assert_eq(config_load(&cfg, p, err, sizeof err), 0, "%s", err);
    cr_assert_not(c->incremental);
    cr_assert_eq(c->full_every, 5);
    struct feed_config *ind = config_feed(&cfg, "indicators");
    cr_assert_str_eq(ind->unit_dimension, "County and Region");
    cr_assert_str_eq(ind->indicator_dimension, "Statistic");
    cr_assert_str_eq(ind->period_dimension, "Year");
    cr_assert_str_eq(ind->measure_dimension, "loai");
    cr_assert_str_eq(ind->plan_category, "KH");
    cr_assert_str_eq(ind->actual_category, "TH");
    cr_assert_str_eq(ind->default_unit, "51");
    cr_assert_str_eq(ind->default_indicator, "gdp");
    cr_assert_str_eq(ind->default_period, "2025");
    cr_assert_str_eq(ind->query_file, q, "relative to the config file's folder");
    free(p);
    free(q);
}

Test(config, bad_select_lines)
{
    expect_exact("[feed.indicators]\nselect.Tid = top:0\n", 2,
                 "[feed.indicators] select.Tid: 'top:0': top takes one positive count, like top:3");
    expect_exact("[feed.indicators]\nselect.Tid = top:3,4\n", 2,
                 "[feed.indicators] select.Tid: 'top:3,4': top takes one positive count, like "
                 "top:3");
    expect_exact("[feed.indicators]\nselect.Region = agg:A-04\n", 2,
                 "[feed.indicators] select.Region: 'agg:A-04': agg needs a name, then values: "
                 "agg:NAME:V1,V2");
    expect_exact("[feed.indicators]\nselect.Kon = vs::1\n", 2,
                 "[feed.indicators] select.Kon: 'vs::1': vs needs a name, then values: "
                 "vs:NAME:V1,V2");
    expect_exact("[feed.indicators]\nselect.Tid = 2015,,2016\n", 2,
                 "[feed.indicators] select.Tid: value 2 is empty (values are separated by "
                 "commas)");
    expect_exact("[feed.indicators]\nselect.Tid = item:\n", 2,
                 "[feed.indicators] select.Tid: value 1 is empty (values are separated by "
                 "commas)");
    expect_exact("[feed.indicators]\nselect. = 1\n", 2,
                 "[feed.indicators] select.: no variable code after 'select.'");
    expect_exact("[feed.complaints]\nselect.Tid = 2015\n", 2,
                 "[feed.complaints] select.Tid: only for kind jsonstat (this feed is open311)");
    struct buf b = {0};
    buf_appendf(&b, "[feed.indicators]\n");
    for (int i = 0; i <= CONFIG_MAX_SELECTS; i++)
        buf_appendf(&b, "select.v%d = 1\n", i);
    expect_exact(b.data, CONFIG_MAX_SELECTS + 2,
                 "[feed.indicators] select.v16: too many select lines (at most 16)");
    buf_free(&b);
}

Test(config, bad_query_file_and_format)
{
    expect_exact("[feed.indicators]\nquery_file = nope.json\n", 2,
                 "[feed.indicators] query_file: cannot use 'nope.json': No such file or "
                 "directory");
    free(write_file("empty.json", "", 0600));
    expect_exact("[feed.indicators]\nquery_file = empty.json\n", 2,
                 "[feed.indicators] query_file: cannot use 'empty.json': empty");
    char *dir = xasprintf("%s/sub", tmpdir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    expect_exact("[feed.indicators]\nquery_file = sub\n", 2,
                 "[feed.indicators] query_file: cannot use 'sub': not a regular file");
    rmdir(dir);
    free(dir);
    free(write_file("q.json", "{}", 0600));
    expect_exact("[feed.indicators]\nselect.Tid = 2015\nquery_file = q.json\n", 3,
                 "[feed.indicators] query_file: select lines and query_file exclude each other");
    expect_exact("[feed.indicators]\nquery_file = q.json\nselect.Tid = 2015\n", 3,
                 "[feed.indicators] select.Tid: select lines and query_file exclude each other");
    expect_exact("[feed.indicators]\nresponse_format = px\n", 2,
                 "[feed.indicators] response_format: 'px' is not json-stat2 or json-stat (the "
                 "formats the adapter reads)");
    expect_exact("[feed.sensors]\nquery_file = q.json\n", 2,
                 "[feed.sensors] query_file: only for kind jsonstat (this feed is sensorthings)");
}

Test(config, bad_dimension_and_incremental_values)
{
    expect_exact("[feed.complaints]\nunit_dimension = xa\n", 2,
                 "[feed.complaints] unit_dimension: only for kind jsonstat (this feed is "
                 "open311)");
    expect_exact("[feed.indicators]\nplan_category = a\x01"
                 "b\n",
                 2, "[feed.indicators] plan_category: control character in the id");
    expect_exact("[feed.complaints]\nfull_every = 0\n", 2,
                 "[feed.complaints] full_every: '0' is not a number of polls (1 to 1000)");
    expect_exact("[feed.complaints]\nfull_every = 1001\n", 2,
                 "[feed.complaints] full_every: '1001' is not a number of polls (1 to 1000)");
    expect_exact("[feed.complaints]\nincremental = sometimes\n", 2,
                 "[feed.complaints] incremental: 'sometimes' is not a boolean (use true/false, "
                 "yes/no, on/off or 1/0)");
}
