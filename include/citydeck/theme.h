/* Colours and attributes by role. Colour is never the only carrier of meaning: every role that
 * has a colour also has a word or glyph where it is used. Honours NO_COLOR. */
#ifndef CITYDECK_THEME_H
#define CITYDECK_THEME_H

#include <stdbool.h>

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

/* Call after curses started; colors=false gives attribute-only monochrome. */
void theme_init(bool colors);
/* Attributes (including the colour pair) for a role. */
unsigned long theme_attr(enum theme_role r);

#endif
