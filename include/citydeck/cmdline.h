/* The prompt on the bottom line: the / filter (applied as it is typed), the : command line
 * with Tab completion (views and their presets, units, themes, commands), and the answers
 * views ask for (an acknowledgement note). */
#ifndef CITYDECK_CMDLINE_H
#define CITYDECK_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "citydeck/view.h"

struct unit;
struct unit_table;

enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_COMMAND, PROMPT_VIEW };

struct prompt {
    enum prompt_kind kind;
    char label[64];
    char text[256];
    size_t len;
    /* Tab cycles through the candidates for the word being completed. */
    char stem[256];
    int cycle;
    bool cycling;
};

enum prompt_result { PROMPT_EDITING, PROMPT_CHANGED, PROMPT_DONE, PROMPT_CANCEL };

void prompt_open(struct prompt *p, enum prompt_kind kind, const char *label, const char *initial);
void prompt_close(struct prompt *p);
/* One key from get_wch (is_code: a KEY_* code). Tab completes command lines. */
enum prompt_result prompt_key(struct prompt *p, int key, bool is_code, const struct view_ctx *ctx);

enum command_kind {
    CMD_NONE,
    CMD_QUIT,
    CMD_VIEW,     /* view (+ arg) */
    CMD_UNIT,     /* scope to unit */
    CMD_PROVINCE, /* leave the scope */
    CMD_THEME,
    CMD_FILTER,
    CMD_PAUSE,
    CMD_REFRESH,
    CMD_HELP,
};

struct command {
    enum command_kind kind;
    const struct view_ops *view;
    char arg[192]; /* preset, unit code, theme name, filter text */
};

/* Parses a command line. Returns 0, or -1 with a message for the bottom bar. */
int command_parse(const char *line, const struct view_ctx *ctx, struct command *out, char *err,
                  size_t errsz);
/* The commune or ward a query names: its code, a name with or without its type and marks
 * ("nghia lo", "Phường Nghĩa Lộ"); exact matches first, then prefixes, then substrings.
 * *matches: how many units matched at that best level. */
const struct unit *command_find_unit(const struct unit_table *units, const char *query,
                                     size_t *matches);

#endif
