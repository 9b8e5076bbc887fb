/* Configuration: built-in defaults, then INI files (inih), then command-line flags on top.
 * The file is the operator's, but its mistakes must be caught at startup with a message that
 * names the file, line, section and key; a console that starts with a half-understood config
 * shows wrong data for hours before anyone notices. */
#include "citydeck/config.h"

#include "citydeck/clock.h"
#include "citydeck/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define KIB ((size_t)1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

/* Feed adapters that exist; config_load refuses any other kind with this list. */
static const char *const known_kinds[] = {"open311",  "sensorthings", "prometheus",
                                          "jsonstat", "cases",        "units"};

/* "open311, ..." for error messages. */
static void known_kinds_list(char *out, size_t n)
{
    out[0] = '\0';
    for (size_t i = 0; i < ARRAY_LEN(known_kinds); i++) {
        if (i)
            strncat(out, ", ", n - strlen(out) - 1);
        strncat(out, known_kinds[i], n - strlen(out) - 1);
    }
}

static const char default_feed_path[] =
    "/open311/v2/requests.json?extensions=true&status=open&page_size=1000";

static void feed_defaults(struct feed_config *f, const char *name)
{
    memset(f, 0, sizeof *f);
    str_copy(f->name, name, sizeof f->name);
    f->interval_ms = 5000;
    f->timeout_ms = 10000;
    f->max_bytes = 8 * MIB;
    f->enabled = true;
    f->incremental = true;
}

static void select_clear(struct feed_select *s)
{
    free(s->code);
    free(s->filter);
    for (size_t i = 0; i < s->nvalues; i++)
        free(s->values[i]);
    free(s->values);
    memset(s, 0, sizeof *s);
}

static void feed_free(struct feed_config *f)
{
    free(f->kind);
    free(f->url);
    free(f->path);
    free(f->token_env);
    free(f->token_file);
    free(f->unit_attribute);
    free(f->query);
    free(f->tenant);
    char **ids[] = {&f->unit_dimension,    &f->indicator_dimension, &f->period_dimension,
                    &f->measure_dimension, &f->plan_category,       &f->actual_category,
                    &f->default_unit,      &f->default_indicator,   &f->default_period,
                    &f->query_file,        &f->response_format};
    for (size_t i = 0; i < ARRAY_LEN(ids); i++)
        free(*ids[i]);
    for (size_t i = 0; i < f->nselects; i++)
        select_clear(&f->selects[i]);
}

void config_init(struct config *c)
{
    memset(c, 0, sizeof *c);
    c->mouse = true;
    c->snap_cols = 120;
    c->snap_rows = 40;
    c->demo_speed = 60;
    c->demo_seed = 1;
    c->demo_province = xstrdup("51");

    /* The hub's standard paths (docs/hub-api.md); a hub without one of them shows that feed
     * as failing until its section says enabled = false or gives another path. */
    static const struct {
        const char *name, *kind, *path;
        int interval_ms;
    } defaults[] = {
        {"complaints", "open311", default_feed_path, 5000},
        {"sensors", "sensorthings",
         "/sta/v1.1/Things?$top=500&$expand=Locations,Datastreams($expand=Observations("
         "$top=1;$orderby=phenomenonTime%20desc))",
         10000},
        {"dossiers", "cases", "/cases/v1/dossiers?status=open&page_size=1000", 10000},
        {"indicators", "jsonstat", "/stats/chi-tieu-xa.json", 60000},
        {"units", "units", "/units.json", 600000},
    };
    for (size_t i = 0; i < ARRAY_LEN(defaults); i++) {
        struct feed_config *f = &c->feeds[c->nfeeds++];
        feed_defaults(f, defaults[i].name);
        f->kind = xstrdup(defaults[i].kind);
        f->path = xstrdup(defaults[i].path);
        f->interval_ms = defaults[i].interval_ms;
    }
}

void config_free(struct config *c)
{
    free(c->path);
    free(c->hub_url);
    free(c->log_path);
    free(c->theme);
    free(c->snapshot_view);
    free(c->start_view);
    free(c->sim_path);
    free(c->demo_province);
    free(c->demo_start);
    free(c->demo_episode);
    for (int i = 0; i < c->nfeeds; i++)
        feed_free(&c->feeds[i]);
    for (size_t i = 0; i < c->nentries; i++) {
        free(c->entries[i].section);
        free(c->entries[i].key);
        free(c->entries[i].value);
        free(c->entries[i].file);
    }
    free(c->entries);
    /* Zeroed so a second config_free (or a stray read) is harmless. */
    memset(c, 0, sizeof *c);
}

struct feed_config *config_feed(struct config *c, const char *name)
{
    for (int i = 0; i < c->nfeeds; i++)
        if (strcmp(c->feeds[i].name, name) == 0)
            return &c->feeds[i];
    return NULL;
}

/* --- value parsers (locale-independent: setlocale(LC_ALL, "") runs before config loads and
 * a vi_VN LC_NUMERIC would make strtod expect "0,5") ----------------------------------------- */

/* Parses "12", "0.5", "86400.25" (optional leading '-') into *out. */
static int parse_decimal(const char *s, double *out)
{
    const char *p = s;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    double v = 0;
    int digits = 0;
    while (isdigit((unsigned char)*p) && digits < 16) {
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    if (*p == '.') {
        p++;
        double scale = 0.1;
        int frac = 0;
        while (isdigit((unsigned char)*p) && frac < 9) {
            v += (*p++ - '0') * scale;
            scale /= 10;
            frac++;
        }
        digits += frac;
    }
    if (digits == 0 || *p)
        return -1;
    *out = neg ? -v : v;
    return 0;
}

/* Parses a non-negative decimal integer without sign or junk; -1 on overflow past max. */
static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!isdigit((unsigned char)*s))
        return -1;
    unsigned long long v = 0;
    for (; isdigit((unsigned char)*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (*s)
        return -1;
    *out = v;
    return 0;
}

int config_parse_size(const char *s, int *cols, int *rows)
{
    if (!s)
        return -1;
    const char *x = strpbrk(s, "xX");
    if (!x || x == s)
        return -1;
    char left[16];
    size_t n = (size_t)(x - s);
    if (n >= sizeof left)
        return -1;
    memcpy(left, s, n);
    left[n] = '\0';
    unsigned long long c, r;
    if (parse_uint(left, 10000, &c) || parse_uint(x + 1, 10000, &r) || c == 0 || r == 0)
        return -1;
    *cols = (int)c;
    *rows = (int)r;
    return 0;
}

int config_parse_bytes(const char *s, size_t *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    size_t mult = 1;
    switch (*end) {
    case 'k':
    case 'K':
        mult = KIB;
        end++;
        break;
    case 'm':
    case 'M':
        mult = MIB;
        end++;
        break;
    case 'g':
    case 'G':
        mult = GIB;
        end++;
        break;
    default:
        break;
    }
    /* "8M", "8MB" and "8MiB" all mean 8 × 2^20; a bare "100B" is bytes. */
    if (mult != 1 && (end[0] == 'i' || end[0] == 'I') && (end[1] == 'b' || end[1] == 'B'))
        end += 2;
    else if (*end == 'b' || *end == 'B')
        end++;
    if (*end || v > SIZE_MAX / mult)
        return -1;
    *out = (size_t)v * mult;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* http(s)://host[...] with a non-empty host and nothing that could split a request line. */
static bool is_http_url(const char *s)
{
    const char *rest;
    if (strncasecmp(s, "https://", 8) == 0)
        rest = s + 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        rest = s + 7;
    else
        return false;
    if (*rest == '\0' || *rest == '/' || *rest == '?' || *rest == '#' || *rest == ':')
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return false;
    return true;
}

static bool is_env_name(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

/* Feed names become part of log lines, cache file names and [feed.NAME] sections. */
static bool is_feed_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= CONFIG_NAME_MAX)
        return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
            return false;
    return true;
}

static bool has_space_or_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* --- the INI reader and handler ----------------------------------------------------------- */

enum section_kind { SEC_NONE, SEC_CONSOLE, SEC_DEMO, SEC_FEED, SEC_RULE, SEC_KEYS };

struct load_ctx {
    struct config *c;
    const char *file;
    FILE *fp;
    char *line; /* getline buffer */
    size_t line_cap;
    int lineno;                      /* of the line last handed to inih */
    int feed_line[CONFIG_MAX_FEEDS]; /* where this file introduced each new feed, else 0 */
    bool failed;
    char *err;
    size_t errsz;
};

static void fail(struct load_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first error as "FILE:LINE: ..." and makes the reader stop feeding inih, so
 * nothing after a bad line is applied and inih's own error (if any) cannot overwrite it. */
static void fail(struct load_ctx *x, const char *fmt, ...)
{
    if (x->failed)
        return;
    x->failed = true;
    if (!x->err || x->errsz == 0)
        return;
    int n = snprintf(x->err, x->errsz, "%s:%d: ", x->file, x->lineno);
    if (n < 0 || (size_t)n >= x->errsz)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err + n, x->errsz - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Values are echoed in messages; keep them short and free of control bytes. */
static const char *shown(const char *v, char *tmp, size_t n)
{
    size_t i = 0;
    for (; v[i] && i + 1 < n; i++)
        tmp[i] = ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) ? '?' : v[i];
    tmp[i] = '\0';
    if (v[i] && n > 4)
        memcpy(tmp + n - 4, "...", 4);
    return tmp;
}

/* "console" / "demo" / "feed.NAME"; for feeds *name points at NAME. */
static enum section_kind section_parse(const char *sec, const char **name)
{
    *name = NULL;
    if (strcmp(sec, "console") == 0)
        return SEC_CONSOLE;
    if (strcmp(sec, "demo") == 0)
        return SEC_DEMO;
    if (strncmp(sec, "feed.", 5) == 0) {
        *name = sec + 5;
        return SEC_FEED;
    }
    if (strncmp(sec, "rule.", 5) == 0 && sec[5]) {
        *name = sec + 5;
        return SEC_RULE;
    }
    if (strcmp(sec, "keys") == 0)
        return SEC_KEYS;
    return SEC_NONE;
}

/* Validates a section header when the reader sees it (inih only reports sections through the
 * keys inside them, so an empty misspelt section would otherwise pass silently) and creates
 * the feed a new [feed.NAME] introduces. */
static void section_begin(struct load_ctx *x, const char *sec)
{
    const char *name;
    switch (section_parse(sec, &name)) {
    case SEC_CONSOLE:
    case SEC_DEMO:
    case SEC_KEYS:
        return;
    case SEC_RULE:
        if (!is_feed_name(name)) {
            char t[48];
            fail(x, "bad rule name '%s' in [rule.NAME] (use a-z, 0-9, '_' and '-', 1 to %d "
                 "characters)", shown(name, t, sizeof t), CONFIG_NAME_MAX - 1);
        }
        return;
    case SEC_FEED:
        if (!is_feed_name(name)) {
            char t[48];
            fail(x,
                 "bad feed name '%s' in [feed.NAME] (use a-z, 0-9, '_' and '-', 1 to %d "
                 "characters)",
                 shown(name, t, sizeof t), CONFIG_NAME_MAX - 1);
            return;
        }
        if (config_feed(x->c, name))
            return;
        if (x->c->nfeeds >= CONFIG_MAX_FEEDS) {
            fail(x, "[%s]: too many feeds (at most %d)", sec, CONFIG_MAX_FEEDS);
            return;
        }
        x->feed_line[x->c->nfeeds] = x->lineno;
        feed_defaults(&x->c->feeds[x->c->nfeeds++], name);
        return;
    case SEC_NONE:
        break;
    }
    char t[48];
    fail(x, "unknown section [%s] (known: [console], [demo], [feed.NAME], [rule.NAME], [keys])",
         shown(sec, t, sizeof t));
}

/* Mirrors inih's own line classification just enough to find section headers: leading
 * whitespace skipped, ';'/'#' comments ignored, "[name]" up to ']' or an inline " ;". */
static void reader_inspect(struct load_ctx *x, const char *start)
{
    if (*start == '\0' || *start == ';' || *start == '#')
        return;
    if (*start != '[') {
        /* inih would report this line too, but only after applying everything below it. */
        bool was_space = false;
        const char *p = start;
        while (*p && *p != '=' && *p != ':' && !(was_space && *p == ';')) {
            was_space = isspace((unsigned char)*p);
            p++;
        }
        if (*p != '=' && *p != ':')
            fail(x, "syntax error (expected [section], key = value or a comment)");
        return;
    }
    const char *p = start + 1;
    bool was_space = false;
    while (*p && *p != ']' && !(was_space && *p == ';')) {
        was_space = isspace((unsigned char)*p);
        p++;
    }
    if (*p != ']') {
        fail(x, "syntax error: '[' without ']'");
        return;
    }
    char sec[64];
    size_t n = (size_t)(p - start - 1);
    if (n >= sizeof sec) {
        fail(x, "section name too long");
        return;
    }
    memcpy(sec, start + 1, n);
    sec[n] = '\0';
    section_begin(x, sec);
}

/* inih's fgets-style reader. Reading lines ourselves gives the handler the line number (this
 * libinih is built without INI_HANDLER_LINENO), stops the parse at the first error (inih
 * would go on and apply later lines), and strips leading whitespace so an indented key is a
 * key rather than inih's multi-line continuation of the previous value. */
static char *reader(char *str, int num, void *stream)
{
    struct load_ctx *x = stream;
    if (x->failed)
        return NULL;
    ssize_t len = getline(&x->line, &x->line_cap, x->fp);
    if (len < 0)
        return NULL;
    x->lineno++;
    if (memchr(x->line, '\0', (size_t)len)) {
        /* inih would silently drop the rest of the line after it. */
        fail(x, "syntax error: NUL byte in line");
        return NULL;
    }
    char *start = x->line;
    if (x->lineno == 1 && (unsigned char)start[0] == 0xEF && (unsigned char)start[1] == 0xBB &&
        (unsigned char)start[2] == 0xBF)
        start += 3;
    while (*start && isspace((unsigned char)*start))
        start++;
    char *end = start + strlen(start);
    while (end > start && isspace((unsigned char)end[-1]))
        *--end = '\0';
    size_t n = (size_t)(end - start);
    /* inih's line buffer is fixed (ini_max_line, 200 here); a longer line would be split and
     * its tail misparsed as a line of its own. Leave room for '\n' and '\0'. */
    if (num < 3 || n > (size_t)num - 2) {
        fail(x, "line too long (at most %d bytes)", num - 2);
        return NULL;
    }
    reader_inspect(x, start);
    if (x->failed)
        return NULL;
    memcpy(str, start, n);
    str[n] = '\n';
    str[n + 1] = '\0';
    return str;
}

/* Replaces *dst with a copy of v; an empty value unsets an optional string. */
static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = *v ? xstrdup(v) : NULL;
}

/* Paths may start with "~/": operators write them that way in every other tool's config. */
static void set_path(char **dst, const char *v)
{
    const char *home = getenv("HOME");
    if (v[0] == '~' && v[1] == '/' && home && *home) {
        free(*dst);
        *dst = xasprintf("%s%s", home, v + 1);
    } else {
        set_str(dst, v);
    }
}

/* Parses seconds (decimals allowed) into milliseconds within [lo, hi] seconds. */
static int set_seconds(struct load_ctx *x, const char *pre, const char *v, double lo, double hi,
                       int *out_ms)
{
    char t[64];
    double s;
    if (parse_decimal(v, &s) < 0) {
        fail(x, "%s'%s' is not a number of seconds", pre, shown(v, t, sizeof t));
        return 0;
    }
    if (s < lo || s > hi) {
        fail(x, "%s'%s' is out of range (%g to %g seconds)", pre, shown(v, t, sizeof t), lo, hi);
        return 0;
    }
    *out_ms = (int)(s * 1000 + 0.5);
    return 1;
}

static int set_bool(struct load_ctx *x, const char *pre, const char *v, bool *out)
{
    char t[64];
    if (parse_bool(v, out) < 0) {
        fail(x, "%s'%s' is not a boolean (use true/false, yes/no, on/off or 1/0)", pre,
             shown(v, t, sizeof t));
        return 0;
    }
    return 1;
}

static int set_url(struct load_ctx *x, const char *pre, const char *v, char **out)
{
    char t[64];
    if (*v && !is_http_url(v)) {
        fail(x, "%s'%s' is not an absolute http:// or https:// URL", pre, shown(v, t, sizeof t));
        return 0;
    }
    set_str(out, v);
    return 1;
}

static int handle_console(struct load_ctx *x, const char *pre, const char *key, const char *v)
{
    struct config *c = x->c;
    if (strcmp(key, "hub") == 0)
        return set_url(x, pre, v, &c->hub_url);
    if (strcmp(key, "read_only") == 0)
        return set_bool(x, pre, v, &c->read_only);
    if (strcmp(key, "mouse") == 0)
        return set_bool(x, pre, v, &c->mouse);
    if (strcmp(key, "ascii") == 0)
        return set_bool(x, pre, v, &c->ascii);
    if (strcmp(key, "allow_http") == 0)
        return set_bool(x, pre, v, &c->allow_http);
    if (strcmp(key, "log") == 0) {
        set_path(&c->log_path, v);
        return 1;
    }
    if (strcmp(key, "theme") == 0) {
        set_path(&c->theme, v);
        return 1;
    }
    if (strcmp(key, "bell") == 0)
        return set_bool(x, pre, v, &c->bell);
    if (strcmp(key, "view") == 0) {
        set_str(&c->start_view, v);
        return 1;
    }
    return -1;
}

static int handle_demo(struct load_ctx *x, const char *pre, const char *key, const char *v)
{
    struct config *c = x->c;
    char t[64];
    if (strcmp(key, "sim") == 0) {
        set_path(&c->sim_path, v);
        return 1;
    }
    if (strcmp(key, "speed") == 0) {
        double s;
        if (parse_decimal(v, &s) < 0) {
            fail(x, "%s'%s' is not a number", pre, shown(v, t, sizeof t));
            return 0;
        }
        if (s < 0 || s > 1e6) {
            fail(x, "%s'%s' is out of range (0 to 1000000)", pre, shown(v, t, sizeof t));
            return 0;
        }
        c->demo_speed = s;
        return 1;
    }
    if (strcmp(key, "seed") == 0) {
        unsigned long long u;
        if (parse_uint(v, UINT_MAX, &u) < 0) {
            fail(x, "%s'%s' is not an unsigned number (0 to %u)", pre, shown(v, t, sizeof t),
                 UINT_MAX);
            return 0;
        }
        c->demo_seed = (unsigned)u;
        return 1;
    }
    if (strcmp(key, "province") == 0) {
        if (!(isdigit((unsigned char)v[0]) && isdigit((unsigned char)v[1]) && v[2] == '\0')) {
            fail(x, "%s'%s' is not a 2-digit province code", pre, shown(v, t, sizeof t));
            return 0;
        }
        set_str(&c->demo_province, v);
        return 1;
    }
    if (strcmp(key, "start") == 0) {
        if (*v && clock_parse_iso(v, CLOCK_VN_OFFSET, NULL) == TIME_NONE) {
            fail(x, "%s'%s' is not an ISO 8601 date-time (like 2026-03-02T08:00:00+07:00)", pre,
                 shown(v, t, sizeof t));
            return 0;
        }
        set_str(&c->demo_start, v);
        return 1;
    }
    if (strcmp(key, "episode") == 0) {
        /* KIND@TIME[:UNIT]; the simulator checks the kind, the time and the unit. */
        if (!strchr(v, '@')) {
            fail(x, "%s'%s' is not KIND@TIME[:UNIT] (like flood@2026-03-02T09:00:00+07:00)", pre,
                 shown(v, t, sizeof t));
            return 0;
        }
        set_str(&c->demo_episode, v);
        return 1;
    }
    return -1;
}

/* PX-Web queries and dimension overrides are read by the JSON-stat adapter only. */
static int need_jsonstat(struct load_ctx *x, const struct feed_config *f, const char *pre)
{
    if (f->kind && strcmp(f->kind, "jsonstat") != 0) {
        fail(x, "%sonly for kind jsonstat (this feed is %s)", pre, f->kind);
        return 0;
    }
    return 1;
}

/* Dimension and category ids may hold spaces ("County and Region"), not control bytes. */
static int set_id(struct load_ctx *x, const char *pre, const char *v, char **out)
{
    for (const char *p = v; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            fail(x, "%scontrol character in the id", pre);
            return 0;
        }
    }
    set_str(out, v);
    return 1;
}

/* "select.CODE = [FILTER:]V1,V2,...": FILTER is item (the default), all, top, agg:NAME or
 * vs:NAME; an empty value drops the line of an earlier file. */
static int set_select(struct load_ctx *x, struct feed_config *f, const char *pre, const char *code,
                      const char *v)
{
    char t[64];
    if (!*code) {
        fail(x, "%sno variable code after 'select.'", pre);
        return 0;
    }
    if (!need_jsonstat(x, f, pre))
        return 0;
    if (f->query_file) {
        fail(x, "%sselect lines and query_file exclude each other", pre);
        return 0;
    }
    size_t at = 0;
    while (at < f->nselects && strcmp(f->selects[at].code, code) != 0)
        at++;
    if (!*v) {
        if (at < f->nselects) {
            select_clear(&f->selects[at]);
            memmove(&f->selects[at], &f->selects[at + 1],
                    (f->nselects - at - 1) * sizeof *f->selects);
            memset(&f->selects[--f->nselects], 0, sizeof *f->selects);
        }
        return 1;
    }
    if (at == f->nselects && f->nselects >= CONFIG_MAX_SELECTS) {
        fail(x, "%stoo many select lines (at most %d)", pre, CONFIG_MAX_SELECTS);
        return 0;
    }
    struct feed_select sel = {0};
    const char *rest = v;
    const char *colon = strchr(v, ':');
    size_t n = colon ? (size_t)(colon - v) : 0;
    if (colon && ((n == 4 && !strncmp(v, "item", 4)) || (n == 3 && !strncmp(v, "all", 3)) ||
                  (n == 3 && !strncmp(v, "top", 3)))) {
        sel.filter = xstrndup(v, n);
        rest = colon + 1;
    } else if (colon && ((n == 3 && !strncmp(v, "agg", 3)) || (n == 2 && !strncmp(v, "vs", 2)))) {
        const char *end = strchr(colon + 1, ':');
        if (!end || end == colon + 1) {
            fail(x, "%s'%s': %.*s needs a name, then values: %.*s:NAME:V1,V2", pre,
                 shown(v, t, sizeof t), (int)n, v, (int)n, v);
            return 0;
        }
        sel.filter = xstrndup(v, (size_t)(end - v));
        rest = end + 1;
    } else {
        sel.filter = xstrdup("item"); /* a value may hold ':' ("2025:Q1") */
    }
    for (const char *p = rest;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) {
            p++;
            len--;
        }
        while (len && isspace((unsigned char)p[len - 1]))
            len--;
        if (!len) {
            fail(x, "%svalue %zu is empty (values are separated by commas)", pre, sel.nvalues + 1);
            select_clear(&sel);
            return 0;
        }
        sel.values = xrealloc(sel.values, (sel.nvalues + 1) * sizeof *sel.values);
        sel.values[sel.nvalues++] = xstrndup(p, len);
        if (!comma)
            break;
        p = comma + 1;
    }
    if (strcmp(sel.filter, "top") == 0) {
        unsigned long long count;
        if (sel.nvalues != 1 || parse_uint(sel.values[0], 1000000, &count) < 0 || count == 0) {
            fail(x, "%s'%s': top takes one positive count, like top:3", pre, shown(v, t, sizeof t));
            select_clear(&sel);
            return 0;
        }
    }
    sel.code = xstrdup(code);
    if (at < f->nselects)
        select_clear(&f->selects[at]);
    else
        f->nselects++;
    f->selects[at] = sel;
    return 1;
}

#define QUERY_FILE_MAX (64 * KIB)

/* The body of a PX-Web query: checked here so that a wrong path is reported with its line;
 * read (and checked to be JSON) when the feeds are wired. */
static int set_query_file(struct load_ctx *x, struct feed_config *f, const char *pre, const char *v)
{
    char t[64];
    if (!*v) {
        set_str(&f->query_file, v);
        return 1;
    }
    if (!need_jsonstat(x, f, pre))
        return 0;
    if (f->nselects) {
        fail(x, "%sselect lines and query_file exclude each other", pre);
        return 0;
    }
    char *path = NULL;
    set_path(&path, v);
    if (path[0] != '/') {
        /* Relative to the file that names it, so a config and its queries move together. */
        const char *slash = strrchr(x->file, '/');
        char *abs =
            slash ? xasprintf("%.*s/%s", (int)(slash - x->file), x->file, path) : xstrdup(path);
        free(path);
        path = abs;
    }
    struct stat st;
    const char *why = NULL;
    if (stat(path, &st) != 0 || access(path, R_OK) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file";
    else if (st.st_size == 0)
        why = "empty";
    else if ((size_t)st.st_size > QUERY_FILE_MAX)
        why = "larger than 64K";
    if (why) {
        fail(x, "%scannot use '%s': %s", pre, shown(v, t, sizeof t), why);
        free(path);
        return 0;
    }
    free(f->query_file);
    f->query_file = path;
    return 1;
}

/* Keys of jsonstat feeds that name a dimension or a category. */
static char **jsonstat_id_key(struct feed_config *f, const char *key)
{
    const struct {
        const char *key;
        char **field;
    } keys[] = {
        {"unit_dimension", &f->unit_dimension},
        {"indicator_dimension", &f->indicator_dimension},
        {"period_dimension", &f->period_dimension},
        {"measure_dimension", &f->measure_dimension},
        {"plan_category", &f->plan_category},
        {"actual_category", &f->actual_category},
        {"default_unit", &f->default_unit},
        {"default_indicator", &f->default_indicator},
        {"default_period", &f->default_period},
    };
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if (strcmp(key, keys[i].key) == 0)
            return keys[i].field;
    return NULL;
}

static int handle_feed(struct load_ctx *x, struct feed_config *f, const char *pre, const char *key,
                       const char *v)
{
    char t[64];
    char **id = jsonstat_id_key(f, key);
    if (id)
        return need_jsonstat(x, f, pre) && set_id(x, pre, v, id);
    if (strncmp(key, "select.", 7) == 0)
        return set_select(x, f, pre, key + 7, v);
    if (strcmp(key, "query_file") == 0)
        return set_query_file(x, f, pre, v);
    if (strcmp(key, "response_format") == 0) {
        if (!need_jsonstat(x, f, pre))
            return 0;
        if (*v && strcmp(v, "json-stat2") != 0 && strcmp(v, "json-stat") != 0) {
            fail(x, "%s'%s' is not json-stat2 or json-stat (the formats the adapter reads)", pre,
                 shown(v, t, sizeof t));
            return 0;
        }
        set_str(&f->response_format, v);
        return 1;
    }
    if (strcmp(key, "incremental") == 0)
        return set_bool(x, pre, v, &f->incremental);
    if (strcmp(key, "full_every") == 0) {
        unsigned long long n;
        if (parse_uint(v, 1000, &n) < 0 || n == 0) {
            fail(x, "%s'%s' is not a number of polls (1 to 1000)", pre, shown(v, t, sizeof t));
            return 0;
        }
        f->full_every = (int)n;
        return 1;
    }
    if (strcmp(key, "kind") == 0) {
        for (size_t i = 0; i < ARRAY_LEN(known_kinds); i++) {
            if (strcmp(v, known_kinds[i]) == 0) {
                set_str(&f->kind, v);
                return 1;
            }
        }
        char known[128];
        known_kinds_list(known, sizeof known);
        fail(x, "%sunknown kind '%s' (known: %s)", pre, shown(v, t, sizeof t), known);
        return 0;
    }
    if (strcmp(key, "url") == 0)
        return set_url(x, pre, v, &f->url);
    if (strcmp(key, "path") == 0) {
        if (v[0] != '/' || has_space_or_control(v)) {
            fail(x, "%s'%s' must start with / and contain no spaces", pre, shown(v, t, sizeof t));
            return 0;
        }
        set_str(&f->path, v);
        return 1;
    }
    if (strcmp(key, "interval") == 0)
        return set_seconds(x, pre, v, 0.5, 86400, &f->interval_ms);
    if (strcmp(key, "timeout") == 0)
        return set_seconds(x, pre, v, 0.1, 600, &f->timeout_ms);
    if (strcmp(key, "max_bytes") == 0) {
        size_t b;
        if (config_parse_bytes(v, &b) < 0) {
            fail(x, "%s'%s' is not a size (like 512K, 8M, 1G)", pre, shown(v, t, sizeof t));
            return 0;
        }
        if (b < KIB || b > GIB) {
            fail(x, "%s'%s' is out of range (1K to 1G)", pre, shown(v, t, sizeof t));
            return 0;
        }
        f->max_bytes = b;
        return 1;
    }
    if (strcmp(key, "token_env") == 0) {
        if (*v && !is_env_name(v)) {
            fail(x, "%s'%s' is not an environment variable name", pre, shown(v, t, sizeof t));
            return 0;
        }
        set_str(&f->token_env, v);
        return 1;
    }
    if (strcmp(key, "token_file") == 0) {
        set_path(&f->token_file, v);
        return 1;
    }
    if (strcmp(key, "unit_attribute") == 0) {
        if (has_space_or_control(v)) {
            fail(x, "%s'%s' is not an attribute name (no spaces)", pre, shown(v, t, sizeof t));
            return 0;
        }
        set_str(&f->unit_attribute, v);
        return 1;
    }
    if (strcmp(key, "enabled") == 0)
        return set_bool(x, pre, v, &f->enabled);
    if (strcmp(key, "tenant") == 0) {
        if (has_space_or_control(v)) {
            fail(x, "%s'%s' is not a tenant id (no spaces)", pre, shown(v, t, sizeof t));
            return 0;
        }
        set_str(&f->tenant, v);
        return 1;
    }
    if (strcmp(key, "query") == 0) {
        if (!*v) {
            fail(x, "%sthe query is empty", pre);
            return 0;
        }
        set_str(&f->query, v);
        return 1;
    }
    return -1;
}

void config_entry_add(struct config *c, const char *section, const char *key, const char *value,
                      const char *file, int line)
{
    c->entries = xgrow(c->entries, &c->entries_cap, c->nentries + 1, sizeof *c->entries);
    struct config_entry *e = &c->entries[c->nentries++];
    e->section = xstrdup(section);
    e->key = xstrdup(key);
    e->value = xstrdup(value);
    e->file = xstrdup(file);
    e->line = line;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
    struct load_ctx *x = user;
    if (x->failed)
        return 0;
    char t[64];
    if (!*section) {
        fail(x, "%s: key outside any section (put it under [console], [demo] or [feed.NAME])",
             shown(key, t, sizeof t));
        return 0;
    }
    char pre[128];
    snprintf(pre, sizeof pre, "[%s] %s: ", section, shown(key, t, sizeof t));
    const char *name;
    int r = -1;
    switch (section_parse(section, &name)) {
    case SEC_CONSOLE:
        r = handle_console(x, pre, key, value);
        break;
    case SEC_DEMO:
        r = handle_demo(x, pre, key, value);
        break;
    case SEC_FEED: {
        /* section_begin created it when the reader passed the header. */
        struct feed_config *f = config_feed(x->c, name);
        if (f)
            r = handle_feed(x, f, pre, key, value);
        break;
    }
    case SEC_RULE:
    case SEC_KEYS:
        /* Checked by their owners (alerts, keys) once the whole file is read. */
        config_entry_add(x->c, section, key, value, x->file, x->lineno);
        r = 1;
        break;
    case SEC_NONE:
        break;
    }
    if (r < 0)
        fail(x, "%sunknown key '%s'", pre, shown(key, t, sizeof t));
    return r > 0;
}

/* A feed section that appeared without saying what to fetch is a mistake worth refusing;
 * the message points at the section header that introduced it. */
static void check_feeds(struct load_ctx *x)
{
    for (int i = 0; i < x->c->nfeeds && !x->failed; i++) {
        struct feed_config *f = &x->c->feeds[i];
        char what[160];
        if (!f->kind) {
            char known[128];
            known_kinds_list(known, sizeof known);
            snprintf(what, sizeof what, "no kind given (known: %s)", known);
        } else if (!f->url && !f->path) {
            snprintf(what, sizeof what, "give a url or a path");
        } else {
            continue;
        }
        x->lineno = x->feed_line[i];
        if (x->lineno > 0) {
            fail(x, "[feed.%s]: %s", f->name, what);
        } else {
            x->failed = true;
            if (x->errsz)
                snprintf(x->err, x->errsz, "%s: [feed.%s]: %s", x->file, f->name, what);
        }
    }
}

int config_load(struct config *c, const char *path, char *err, size_t errsz)
{
    if (err && errsz)
        err[0] = '\0';
    struct load_ctx x = {.c = c, .file = path, .err = err, .errsz = err ? errsz : 0};
    x.fp = fopen(path, "re");
    if (!x.fp) {
        if (err && errsz)
            snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int r = ini_parse_stream(reader, &x, handler, &x);
    bool read_error = ferror(x.fp);
    int saved_errno = errno;
    fclose(x.fp);
    free(x.line);

    if (r > 0 && (!x.failed || r < x.lineno)) {
        /* inih found a line it could not parse before any error of ours (e.g. no '='). */
        x.failed = false;
        x.lineno = r;
        fail(&x, "syntax error (expected [section], key = value or a comment)");
    } else if (r < 0 && !x.failed) {
        fail(&x, "out of memory");
    } else if (read_error && !x.failed) {
        if (err && errsz)
            snprintf(err, errsz, "%s: read error: %s", path, strerror(saved_errno));
        x.failed = true;
    }
    if (!x.failed)
        check_feeds(&x);
    if (x.failed)
        return -1;
    free(c->path);
    c->path = xstrdup(path);
    return 0;
}

char *config_default_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char *p;
    /* The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored. */
    if (xdg && xdg[0] == '/')
        p = xasprintf("%s/citydeck/config.ini", xdg);
    else if (home && *home)
        p = xasprintf("%s/.config/citydeck/config.ini", home);
    else
        return NULL;
    if (access(p, F_OK) == 0)
        return p;
    free(p);
    return NULL;
}

/* --- tokens ----------------------------------------------------------------------------------- */

/* A bearer token goes into an HTTP header; CR/LF or spaces in it would split or corrupt the
 * request, so only the visible ASCII that RFC 6750 token68 allows (and a bit more) passes. */
static bool token_ok(const char *t)
{
    for (; *t; t++)
        if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
            return false;
    return true;
}

static void rstrip(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

static char *token_from_file(const struct feed_config *f, char *err, size_t errsz)
{
    const char *path = f->token_file;
    /* O_NOFOLLOW|fstat: check and read the same file, not a symlink swapped in between. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errsz, "feed %s: token file %s: cannot open: %s", f->name, path,
                 strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errsz, "feed %s: token file %s is not a regular file", f->name, path);
        close(fd);
        return NULL;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        snprintf(err, errsz,
                 "feed %s: token file %s must not be readable by others (mode %04o); chmod 600 it",
                 f->name, path, (unsigned)(st.st_mode & 07777));
        close(fd);
        return NULL;
    }
    enum { TOKEN_MAX = 16 * 1024 };
    char *buf = xmalloc(TOKEN_MAX + 1);
    size_t n = 0;
    for (;;) {
        ssize_t k = read(fd, buf + n, TOKEN_MAX + 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            snprintf(err, errsz, "feed %s: token file %s: read error: %s", f->name, path,
                     strerror(errno));
            close(fd);
            free(buf);
            return NULL;
        }
        if (k == 0 || (n += (size_t)k) > TOKEN_MAX)
            break;
    }
    close(fd);
    if (n > TOKEN_MAX) {
        snprintf(err, errsz, "feed %s: token file %s is too large (over %d bytes)", f->name, path,
                 TOKEN_MAX);
        free(buf);
        return NULL;
    }
    /* A NUL would hide the rest of the file from token_ok; no token contains one. */
    bool has_nul = memchr(buf, '\0', n) != NULL;
    buf[n] = '\0';
    rstrip(buf);
    if (!*buf && !has_nul) {
        snprintf(err, errsz, "feed %s: token file %s is empty", f->name, path);
        free(buf);
        return NULL;
    }
    if (has_nul || !token_ok(buf)) {
        snprintf(err, errsz,
                 "feed %s: token file %s holds characters not allowed in a bearer token", f->name,
                 path);
        free(buf);
        return NULL;
    }
    return buf;
}

char *config_read_token(const struct feed_config *f, char *err, size_t errsz)
{
    char dummy[1];
    if (!err || errsz == 0) {
        err = dummy;
        errsz = sizeof dummy;
    }
    err[0] = '\0';
    if (f->token_env) {
        const char *v = getenv(f->token_env);
        if (v && *v) {
            char *t = xstrdup(v);
            rstrip(t);
            if (*t && token_ok(t))
                return t;
            free(t);
            snprintf(err, errsz, "feed %s: $%s holds characters not allowed in a bearer token",
                     f->name, f->token_env);
            return NULL;
        }
    }
    if (f->token_file)
        return token_from_file(f, err, errsz);
    if (f->token_env)
        snprintf(err, errsz, "feed %s: environment variable %s is not set", f->name, f->token_env);
    return NULL;
}
