#include "citydeck/theme.h"

#include <curses.h>
#include <stdlib.h>

#include "citydeck/util.h"

struct role_style {
    short fg, bg;
    attr_t color_attr; /* with colours */
    attr_t mono_attr;  /* without (NO_COLOR, vt100) */
};

/* The built-in default theme; -1 is the terminal's own foreground/background. */
static const struct role_style styles[TH_COUNT] = {
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

/* Resolved attributes; curses itself is process-wide, so is this table. */
static attr_t resolved[TH_COUNT];

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
