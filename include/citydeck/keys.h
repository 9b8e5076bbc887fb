/* Keys are a table of named actions; the help overlay and the bottom key bar are generated
 * from the same table. */
#ifndef CITYDECK_KEYS_H
#define CITYDECK_KEYS_H

#include <stddef.h>

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
    ACT_BACK,
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
/* The action bound to key (0 = none). */
enum action keys_lookup(int key);
/* Readable name of a key: "q", "Enter", "PgDn", "Ctrl-L". */
const char *keys_name(int key, char *buf, size_t n);
/* The bindings, in display order, terminated by {0, ACT_NONE}. */
const struct key_binding *keys_bindings(void);
/* The first key bound to an action, or 0. */
int keys_first(enum action a);

#endif
