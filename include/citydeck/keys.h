/* Keys are a table of named actions; the help overlay and the bottom key bar are generated
 * from the same table, and [keys] in the config rebinds any action. */
#ifndef CITYDECK_KEYS_H
#define CITYDECK_KEYS_H

#include <stdbool.h>
#include <stddef.h>

struct config_entry;

enum action {
    ACT_NONE,
    ACT_QUIT,
    ACT_HELP,
    ACT_REFRESH,
    ACT_REPAINT,
    ACT_UP,
    ACT_DOWN,
    ACT_PAGE_UP,
    ACT_PAGE_DOWN,
    ACT_HOME,
    ACT_END,
    ACT_LEFT,  /* previous period, previous tab inside a view */
    ACT_RIGHT, /* next period */
    ACT_ENTER, /* drill down */
    ACT_BACK,  /* close the overlay, go back one level */
    ACT_NEXT_VIEW,
    ACT_PREV_VIEW,
    ACT_VIEW_1,
    ACT_VIEW_2,
    ACT_VIEW_3,
    ACT_VIEW_4,
    ACT_VIEW_5,
    ACT_VIEW_6,
    ACT_VIEW_7,
    ACT_FILTER,
    ACT_COMMAND,
    ACT_SORT,
    ACT_SORT_REVERSE,
    ACT_GROUP,
    ACT_PAUSE,
    ACT_ACK,
    ACT_SILENCE,
    ACT_COUNT
};

struct action_info {
    enum action action;
    const char *name;  /* config name, e.g. "quit" */
    const char *label; /* short label for the key bar, NULL = not shown there */
    const char *help;  /* one line for the help overlay */
};

struct key_binding {
    int key; /* curses key code or character */
    enum action action;
};

const struct action_info *keys_action_info(enum action a);
/* By config name ("sort_reverse"); ACT_NONE if unknown. */
enum action keys_action_parse(const char *name);
/* The action bound to key (ACT_NONE = none). */
enum action keys_lookup(int key);
/* Readable name of a key: "q", "Enter", "PgDn", "Ctrl-L". */
const char *keys_name(int key, char *buf, size_t n);
/* The reverse: "q", "Q", "Ctrl-L", "F5", "Enter", "Esc", "Tab", "S-Tab", "Space",
 * "Backspace", "Up", "PgDn", "Home"... (case-insensitive names); 0 if unknown. */
int keys_parse_name(const char *name);
/* The bindings, in display order, terminated by {0, ACT_NONE}. */
const struct key_binding *keys_bindings(void);
/* The first key bound to an action, or 0. */
int keys_first(enum action a);
/* Applies [keys] lines: "ACTION = KEY[, KEY...]" replaces the action's keys (a key taken from
 * another action leaves it). Returns 0, or -1 with "FILE:LINE: [keys] ACTION: reason". */
int keys_configure(const struct config_entry *e, size_t n, char *err, size_t errsz);
/* Back to the built-in bindings (tests). */
void keys_reset(void);

#endif
