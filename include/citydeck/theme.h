/* Colours and attributes by role. Colour is never the only carrier of meaning: every role that
 * has a colour also has a word or glyph where it is used. Honours NO_COLOR. */
#ifndef CITYDECK_THEME_H
#define CITYDECK_THEME_H

#include <stdbool.h>
#include <stddef.h>

enum theme_role {
    TH_NORMAL,
    TH_TOPBAR,
    TH_BOTTOMBAR,
    TH_KEY,      /* key name in the bottom bar */
    TH_COLHEAD,  /* table header */
    TH_SELECTED, /* selected row */
    TH_DIM,
    TH_OK,
    TH_WARN,
    TH_BAD,
    TH_CRIT,
    TH_STALE,
    TH_TITLE,
    TH_COUNT
};

/* Loads a theme file over the built-in theme: a name (NAME.theme in the installed or source
 * themes folder) or a path. INI: [colors] ROLE = FOREGROUND BACKGROUND [ATTRIBUTE...], with
 * the colours black red green yellow blue magenta cyan white default (or 0-255) and the
 * attributes bold dim underline reverse; [mono] ROLE = ATTRIBUTE... for terminals without
 * colour. Returns 0, or -1 with "FILE:LINE: [section] key: reason" in err. Call before
 * curses starts, so a bad file is reported on a clean terminal. */
int theme_load(const char *name, char *err, size_t errsz);
/* The file a theme name resolves to (new string), or NULL if there is none. */
char *theme_path(const char *name);

/* Names of the installed and source themes (for completion); returns how many. */
size_t theme_names(char (*out)[32], size_t max);

/* Call after curses started; colors=false gives attribute-only monochrome. */
void theme_init(bool colors);
/* Attributes (including the colour pair) for a role. */
unsigned long theme_attr(enum theme_role r);

#endif
