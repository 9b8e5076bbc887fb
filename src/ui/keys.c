#include "citydeck/keys.h"

#include <curses.h>
#include <stdio.h>

#include "citydeck/util.h"

#define CTRL(c) ((c)&0x1f)

static const struct action_info actions[ACT_COUNT] = {
    [ACT_NONE] = {ACT_NONE, "none", NULL, NULL},
    [ACT_QUIT] = {ACT_QUIT, "quit", "Thoát", "quit citydeck"},
    [ACT_HELP] = {ACT_HELP, "help", "Trợ giúp", "show or hide this help"},
    [ACT_REFRESH] = {ACT_REFRESH, "refresh", "Làm mới", "poll every feed now"},
    [ACT_REPAINT] = {ACT_REPAINT, "repaint", NULL, "repaint the whole screen"},
    [ACT_UP] = {ACT_UP, "up", NULL, "move up one row"},
    [ACT_DOWN] = {ACT_DOWN, "down", NULL, "move down one row"},
    [ACT_PAGE_UP] = {ACT_PAGE_UP, "page_up", NULL, "move up one page"},
    [ACT_PAGE_DOWN] = {ACT_PAGE_DOWN, "page_down", NULL, "move down one page"},
    [ACT_HOME] = {ACT_HOME, "home", NULL, "go to the first row"},
    [ACT_END] = {ACT_END, "end", NULL, "go to the last row"},
    [ACT_BACK] = {ACT_BACK, "back", NULL, "close the overlay / go back"},
};

/* Default bindings in the order the help overlay lists them. Ctrl-A and Ctrl-B are left to
 * tmux and screen. */
static const struct key_binding bindings[] = {
    {'?', ACT_HELP},          {KEY_F(1), ACT_HELP},       {'q', ACT_QUIT},
    {'r', ACT_REFRESH},       {CTRL('l'), ACT_REPAINT},   {KEY_UP, ACT_UP},
    {'k', ACT_UP},            {KEY_DOWN, ACT_DOWN},       {'j', ACT_DOWN},
    {KEY_PPAGE, ACT_PAGE_UP}, {KEY_NPAGE, ACT_PAGE_DOWN}, {KEY_HOME, ACT_HOME},
    {'g', ACT_HOME},          {KEY_END, ACT_END},         {'G', ACT_END},
    {27, ACT_BACK},           {KEY_BACKSPACE, ACT_BACK},  {0, ACT_NONE},
};

const struct action_info *keys_action_info(enum action a)
{
    return a < ACT_COUNT ? &actions[a] : &actions[ACT_NONE];
}

enum action keys_lookup(int key)
{
    for (const struct key_binding *b = bindings; b->key; b++)
        if (b->key == key)
            return b->action;
    return ACT_NONE;
}

const struct key_binding *keys_bindings(void)
{
    return bindings;
}

int keys_first(enum action a)
{
    for (const struct key_binding *b = bindings; b->key; b++)
        if (b->action == a)
            return b->key;
    return 0;
}

const char *keys_name(int key, char *buf, size_t n)
{
    static const struct {
        int key;
        const char *name;
    } names[] = {
        {KEY_UP, "↑"},        {KEY_DOWN, "↓"},      {KEY_LEFT, "←"},         {KEY_RIGHT, "→"},
        {KEY_PPAGE, "PgUp"},  {KEY_NPAGE, "PgDn"},  {KEY_HOME, "Home"},      {KEY_END, "End"},
        {27, "Esc"},          {KEY_BACKSPACE, "Backspace"}, {'\r', "Enter"}, {'\t', "Tab"},
        {' ', "Space"},       {KEY_ENTER, "Enter"},
    };
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (names[i].key == key) {
            str_copy(buf, names[i].name, n);
            return buf;
        }
    if (key >= KEY_F(1) && key <= KEY_F(12))
        snprintf(buf, n, "F%d", key - KEY_F(0));
    else if (key > 0 && key < 32)
        snprintf(buf, n, "Ctrl-%c", key + 'A' - 1);
    else if (key >= 32 && key < 127)
        snprintf(buf, n, "%c", key);
    else
        snprintf(buf, n, "#%d", key);
    return buf;
}
