#include "citydeck/theme.h"

#include <curses.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "citydeck-config.h"
#include "citydeck/util.h"

struct role_style {
    short fg, bg;
    attr_t color_attr; /* with colours */
    attr_t mono_attr;  /* without (NO_COLOR, vt100) */
};

/* The built-in default theme; -1 is the terminal's own foreground/background. A theme file
 * changes these before curses starts; curses is process-wide, and so is this table. */
static struct role_style styles[TH_COUNT] = {
    [TH_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [TH_TOPBAR] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [TH_BOTTOMBAR] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE},
    [TH_KEY] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_BOLD},
    [TH_COLHEAD] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_BOLD | A_UNDERLINE},
    [TH_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [TH_DIM] = {-1, -1, A_DIM, A_DIM},
    [TH_OK] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [TH_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [TH_BAD] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [TH_CRIT] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [TH_STALE] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
    [TH_TITLE] = {-1, -1, A_BOLD, A_BOLD},
};

/* Resolved attributes, after theme_init. */
static attr_t resolved[TH_COUNT];

static const char *const role_names[TH_COUNT] = {
    [TH_NORMAL] = "normal", [TH_TOPBAR] = "topbar",   [TH_BOTTOMBAR] = "bottombar",
    [TH_KEY] = "key",       [TH_COLHEAD] = "colhead", [TH_SELECTED] = "selected",
    [TH_DIM] = "dim",       [TH_OK] = "ok",           [TH_WARN] = "warn",
    [TH_BAD] = "bad",       [TH_CRIT] = "crit",       [TH_STALE] = "stale",
    [TH_TITLE] = "title",
};

static const char *const color_names[] = {"black", "red",     "green", "yellow",
                                          "blue",  "magenta", "cyan",  "white"};

static int parse_color(const char *w, short *out)
{
    if (strcasecmp(w, "default") == 0) {
        *out = -1;
        return 0;
    }
    for (size_t i = 0; i < ARRAY_LEN(color_names); i++)
        if (strcasecmp(w, color_names[i]) == 0) {
            *out = (short)i;
            return 0;
        }
    char *end;
    long n = strtol(w, &end, 10);
    if (*w && !*end && n >= 0 && n <= 255) {
        *out = (short)n;
        return 0;
    }
    return -1;
}

static int parse_attr(const char *w, attr_t *out)
{
    static const struct {
        const char *name;
        attr_t attr;
    } attrs[] = {{"bold", A_BOLD},
                 {"dim", A_DIM},
                 {"underline", A_UNDERLINE},
                 {"reverse", A_REVERSE},
                 {"normal", A_NORMAL}};
    for (size_t i = 0; i < ARRAY_LEN(attrs); i++)
        if (strcasecmp(w, attrs[i].name) == 0) {
            *out |= attrs[i].attr;
            return 0;
        }
    return -1;
}

struct theme_load_ctx {
    struct role_style styles[TH_COUNT];
    char reason[160];
};

/* inih handler: returning 0 stops the parse and makes ini_parse report this line. */
static int theme_handler(void *user, const char *section, const char *key, const char *value)
{
    struct theme_load_ctx *x = user;
    bool colors = strcmp(section, "colors") == 0;
    if (!colors && strcmp(section, "mono") != 0) {
        snprintf(x->reason, sizeof x->reason, "[%.40s]: unknown section (use [colors], [mono])",
                 section);
        return 0;
    }
    int role = -1;
    for (int r = 0; r < TH_COUNT; r++)
        if (strcmp(key, role_names[r]) == 0)
            role = r;
    if (role < 0) {
        snprintf(x->reason, sizeof x->reason, "[%s] %.40s: unknown role", section, key);
        return 0;
    }
    char words[256];
    str_copy(words, value, sizeof words);
    struct role_style st = x->styles[role];
    attr_t attrs = A_NORMAL;
    int n = 0;
    for (char *save = NULL, *w = strtok_r(words, " \t,", &save); w;
         w = strtok_r(NULL, " \t,", &save), n++) {
        bool ok = colors && n == 0   ? parse_color(w, &st.fg) == 0
                  : colors && n == 1 ? parse_color(w, &st.bg) == 0
                                     : parse_attr(w, &attrs) == 0;
        if (!ok) {
            snprintf(x->reason, sizeof x->reason, "[%s] %s: '%.40s' is not %s", section, key, w,
                     colors && n < 2 ? "a colour" : "an attribute");
            return 0;
        }
    }
    if (colors && n < 2) {
        snprintf(x->reason, sizeof x->reason,
                 "[colors] %s: give a foreground and a background colour", key);
        return 0;
    }
    if (colors)
        st.color_attr = attrs;
    else
        st.mono_attr = attrs;
    x->styles[role] = st;
    return 1;
}

char *theme_path(const char *name)
{
    if (strchr(name, '/'))
        return access(name, R_OK) == 0 ? xstrdup(name) : NULL;
    static const char *const dirs[] = {CITYDECK_DATADIR "/themes", CITYDECK_SOURCE_DIR "/themes"};
    for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
        char *p = xasprintf("%s/%s.theme", dirs[i], name);
        if (access(p, R_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

size_t theme_names(char (*out)[32], size_t max)
{
    static const char *const dirs[] = {CITYDECK_DATADIR "/themes", CITYDECK_SOURCE_DIR "/themes"};
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len <= 6 || len - 6 >= 32 || strcmp(e->d_name + len - 6, ".theme") != 0)
                continue;
            char name[32];
            memcpy(name, e->d_name, len - 6);
            name[len - 6] = '\0';
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++)
                dup = strcmp(out[k], name) == 0;
            if (!dup && n < max)
                memcpy(out[n++], name, sizeof name);
        }
        if (d)
            closedir(d);
    }
    return n;
}

int theme_load(const char *name, char *err, size_t errsz)
{
    char *path = theme_path(name);
    if (!path) {
        snprintf(err, errsz, "theme '%s' not found (a name from the themes folder, or a path)",
                 name);
        return -1;
    }
    struct theme_load_ctx x;
    memcpy(x.styles, styles, sizeof styles);
    x.reason[0] = '\0';
    int line = ini_parse(path, theme_handler, &x);
    if (line < 0)
        snprintf(err, errsz, "%s: cannot open", path);
    else if (line > 0)
        snprintf(err, errsz, "%s:%d: %s", path, line, x.reason[0] ? x.reason : "syntax error");
    else
        memcpy(styles, x.styles, sizeof styles);
    free(path);
    return line == 0 ? 0 : -1;
}

void theme_init(bool colors)
{
    bool use = colors && has_colors() && !getenv("NO_COLOR");
    if (use) {
        start_color();
        use_default_colors();
    }
    for (int r = 0; r < TH_COUNT; r++) {
        if (!use) {
            resolved[r] = styles[r].mono_attr;
            continue;
        }
        /* A 256-colour theme on a 16- or 8-colour terminal: that role falls back to its
         * monochrome attributes rather than to a wrong colour. */
        if (styles[r].fg >= COLORS || styles[r].bg >= COLORS) {
            resolved[r] = styles[r].mono_attr;
            continue;
        }
        if (styles[r].fg == -1 && styles[r].bg == -1) {
            resolved[r] = styles[r].color_attr;
            continue;
        }
        init_pair((short)r, styles[r].fg, styles[r].bg);
        resolved[r] = styles[r].color_attr | COLOR_PAIR(r);
    }
}

unsigned long theme_attr(enum theme_role r)
{
    return r < TH_COUNT ? resolved[r] : A_NORMAL;
}
