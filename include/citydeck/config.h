/* Configuration: defaults, the INI file (inih), then command-line flags on top. */
#ifndef CITYDECK_CONFIG_H
#define CITYDECK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_FEEDS 16
#define CONFIG_NAME_MAX 32
#define CONFIG_MAX_SELECTS 16

/* One "select.CODE = [FILTER:]V1,V2" line of a PX-Web v1 query (see citydeck.conf(5)). */
struct feed_select {
    char *code;    /* the variable code after "select." */
    char *filter;  /* "item", "all", "top", "agg:NAME" or "vs:NAME" */
    char **values; /* nvalues strings, spaces around them trimmed */
    size_t nvalues;
};

struct feed_config {
    char name[CONFIG_NAME_MAX]; /* from [feed.NAME] */
    char *kind;                 /* adapter: open311, sensorthings, prometheus, jsonstat */
    char *url;                  /* absolute URL; NULL = hub URL + path */
    char *path;                 /* path below the hub URL */
    int interval_ms;            /* time between polls */
    int timeout_ms;             /* whole request */
    size_t max_bytes;           /* response cap (decoded bytes) */
    char *token_env;            /* bearer token from this environment variable */
    char *token_file;           /* ... or from this file (must be mode 0600) */
    char *unit_attribute;       /* attribute, property or label naming the commune/ward code */
    char *query;                /* prometheus: the PromQL instant query */
    char *tenant;               /* sent as X-Scope-OrgID (Mimir, Cortex, Thanos gateways) */
    bool enabled;
    /* jsonstat: dimension ids and categories for datasets without roles (jsonstat_options) */
    char *unit_dimension, *indicator_dimension, *period_dimension, *measure_dimension;
    char *plan_category, *actual_category;
    char *default_unit, *default_indicator, *default_period;
    /* jsonstat: a PX-Web v1 query POSTed instead of a GET: select lines or a body file */
    struct feed_select selects[CONFIG_MAX_SELECTS];
    size_t nselects;
    char *query_file;      /* absolute, or made absolute against the config file's folder */
    char *response_format; /* of the select query: NULL = json-stat2 */
    /* open311: poll with updated_after after a full listing; a full one every full_every */
    bool incremental;
    int full_every;
};

/* A line of a section another module checks: [rule.NAME] (alerts), [keys] (key table). */
struct config_entry {
    char *section; /* "rule.aqi_band", "keys" */
    char *key;
    char *value;
    char *file; /* for "FILE:LINE: [section] key: reason" messages */
    int line;
};

struct config {
    char *path; /* the file that was loaded, NULL if none */
    char *hub_url;
    bool demo;
    bool read_only;
    bool mouse;
    bool ascii;
    bool allow_http; /* plain http to non-loopback hosts */
    char *log_path;
    bool bell;   /* ring the terminal bell (or flash) on a new critical alert */
    char *theme; /* a theme name (themes/NAME.theme) or a path; NULL = built-in */
    char *start_view; /* the first view ("units", "dossiers:overdue"); NULL = the overview */
    char *snapshot_view;
    int snap_cols, snap_rows;
    /* --demo: the bundled simulator */
    char *sim_path;
    double demo_speed;
    unsigned demo_seed;
    char *demo_province;
    char *demo_start;
    char *demo_episode; /* a forced sensor episode, KIND@TIME[:UNIT] (citydeck-sim --episode) */
    struct feed_config feeds[CONFIG_MAX_FEEDS];
    int nfeeds;
    struct config_entry *entries; /* [rule.NAME] and [keys] lines, in file order */
    size_t nentries, entries_cap;
};

/* Fills c with the built-in defaults, including the default feeds. */
void config_init(struct config *c);
void config_free(struct config *c);

/* Loads an INI file over the current values. On a bad line returns -1 and writes
 * "FILE:LINE: [section] key: reason" into err; parsing stops there, but the lines before it
 * were applied, so treat c as unusable after an error. The keys are listed in
 * citydeck.conf(5). */
int config_load(struct config *c, const char *path, char *err, size_t errsz);

/* The default file: $XDG_CONFIG_HOME/citydeck/config.ini (or ~/.config/...). Returns a new
 * string, or NULL when no such file exists. */
char *config_default_path(void);

/* Appends a raw entry (copies the strings). */
void config_entry_add(struct config *c, const char *section, const char *key, const char *value,
                      const char *file, int line);

struct feed_config *config_feed(struct config *c, const char *name);

/* Parses "120x40" into cols/rows; returns 0 or -1. */
int config_parse_size(const char *s, int *cols, int *rows);

/* Parses sizes such as "8M", "512K", "1048576" into bytes; returns 0 or -1. */
int config_parse_bytes(const char *s, size_t *out);

/* Reads a bearer token for a feed: from token_env, else token_file (refused unless the file is
 * private to its owner). Returns a new string, NULL when none is configured (err is then ""),
 * and on error NULL with err filled. Tokens with spaces or control characters are refused
 * (they would corrupt the Authorization header). The token is never logged. */
char *config_read_token(const struct feed_config *f, char *err, size_t errsz);

#endif
