#include "citydeck/keys.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "citydeck/config.h"
#include "citydeck/util.h"

#define CTRL(c) ((c)&0x1f)
#define MAX_BINDINGS 96

static const struct action_info actions[ACT_COUNT] = {
    [ACT_NONE] = {ACT_NONE, "none", NULL, NULL},
    [ACT_QUIT] = {ACT_QUIT, "quit", "Thoát", "thoát citydeck"},
    [ACT_HELP] = {ACT_HELP, "help", "Trợ giúp", "hiện/ẩn trợ giúp này"},
    [ACT_REFRESH] = {ACT_REFRESH, "refresh", "Làm mới", "hỏi lại mọi nguồn dữ liệu ngay"},
    [ACT_REPAINT] = {ACT_REPAINT, "repaint", NULL, "vẽ lại toàn màn hình"},
    [ACT_UP] = {ACT_UP, "up", NULL, "lên một dòng"},
    [ACT_DOWN] = {ACT_DOWN, "down", NULL, "xuống một dòng"},
    [ACT_PAGE_UP] = {ACT_PAGE_UP, "page_up", NULL, "lên một trang"},
    [ACT_PAGE_DOWN] = {ACT_PAGE_DOWN, "page_down", NULL, "xuống một trang"},
    [ACT_HOME] = {ACT_HOME, "home", NULL, "về dòng đầu"},
    [ACT_END] = {ACT_END, "end", NULL, "đến dòng cuối"},
    [ACT_LEFT] = {ACT_LEFT, "left", NULL, "kỳ trước / mục bên trái"},
    [ACT_RIGHT] = {ACT_RIGHT, "right", NULL, "kỳ sau / mục bên phải"},
    [ACT_ENTER] = {ACT_ENTER, "enter", "Chi tiết", "đi sâu: tỉnh → xã/phường → danh sách → hồ sơ"},
    [ACT_BACK] = {ACT_BACK, "back", "Quay lại", "đóng lớp phủ / quay lại một cấp"},
    [ACT_NEXT_VIEW] = {ACT_NEXT_VIEW, "next_view", NULL, "màn hình tiếp theo"},
    [ACT_PREV_VIEW] = {ACT_PREV_VIEW, "prev_view", NULL, "màn hình trước"},
    [ACT_VIEW_1] = {ACT_VIEW_1, "view_1", NULL, "Tổng quan"},
    [ACT_VIEW_2] = {ACT_VIEW_2, "view_2", NULL, "Xếp hạng xã/phường"},
    [ACT_VIEW_3] = {ACT_VIEW_3, "view_3", NULL, "Hồ sơ"},
    [ACT_VIEW_4] = {ACT_VIEW_4, "view_4", NULL, "Phản ánh"},
    [ACT_VIEW_5] = {ACT_VIEW_5, "view_5", NULL, "Chỉ tiêu KT-XH"},
    [ACT_VIEW_6] = {ACT_VIEW_6, "view_6", NULL, "Cảm biến"},
    [ACT_VIEW_7] = {ACT_VIEW_7, "view_7", NULL, "Cảnh báo"},
    [ACT_FILTER] = {ACT_FILTER, "filter", "Lọc", "lọc bảng (không dấu được; ! để đảo)"},
    [ACT_COMMAND] = {ACT_COMMAND, "command", "Lệnh", "dòng lệnh (:unit, :dossiers overdue, :q)"},
    [ACT_SORT] = {ACT_SORT, "sort", "Sắp xếp", "sắp xếp theo cột tiếp theo"},
    [ACT_SORT_REVERSE] = {ACT_SORT_REVERSE, "sort_reverse", NULL, "đảo chiều sắp xếp"},
    [ACT_GROUP] = {ACT_GROUP, "group", NULL, "nhóm theo cột đang sắp xếp"},
    [ACT_PAUSE] = {ACT_PAUSE, "pause", "Tạm dừng", "tạm dừng / tiếp tục cập nhật màn hình"},
    [ACT_ACK] = {ACT_ACK, "ack", NULL, "xác nhận cảnh báo (kèm ghi chú)"},
    [ACT_SILENCE] = {ACT_SILENCE, "silence", NULL, "tắt tiếng quy tắc cho xã/phường này"},
};

/* Default bindings in the order the help overlay lists them. Ctrl-A and Ctrl-B are left to
 * tmux and screen. */
static const struct key_binding defaults[] = {
    {'?', ACT_HELP},
    {KEY_F(1), ACT_HELP},
    {'q', ACT_QUIT},
    {'r', ACT_REFRESH},
    {CTRL('l'), ACT_REPAINT},
    {'p', ACT_PAUSE},
    {'\r', ACT_ENTER},
    {KEY_ENTER, ACT_ENTER},
    {27, ACT_BACK},
    {KEY_BACKSPACE, ACT_BACK},
    {127, ACT_BACK},
    {'1', ACT_VIEW_1},
    {'2', ACT_VIEW_2},
    {'3', ACT_VIEW_3},
    {'4', ACT_VIEW_4},
    {'5', ACT_VIEW_5},
    {'6', ACT_VIEW_6},
    {'7', ACT_VIEW_7},
    {'\t', ACT_NEXT_VIEW},
    {KEY_BTAB, ACT_PREV_VIEW},
    {'/', ACT_FILTER},
    {':', ACT_COMMAND},
    {'s', ACT_SORT},
    {'S', ACT_SORT_REVERSE},
    {'o', ACT_GROUP},
    {'a', ACT_ACK},
    {'x', ACT_SILENCE},
    {KEY_UP, ACT_UP},
    {'k', ACT_UP},
    {KEY_DOWN, ACT_DOWN},
    {'j', ACT_DOWN},
    {KEY_LEFT, ACT_LEFT},
    {'h', ACT_LEFT},
    {KEY_RIGHT, ACT_RIGHT},
    {'l', ACT_RIGHT},
    {KEY_PPAGE, ACT_PAGE_UP},
    {KEY_NPAGE, ACT_PAGE_DOWN},
    {KEY_HOME, ACT_HOME},
    {'g', ACT_HOME},
    {KEY_END, ACT_END},
    {'G', ACT_END},
    {0, ACT_NONE},
};

static struct key_binding bindings[MAX_BINDINGS];
static bool bindings_ready;

void keys_reset(void)
{
    memcpy(bindings, defaults, sizeof defaults);
    bindings_ready = true;
}

static struct key_binding *table(void)
{
    if (!bindings_ready)
        keys_reset();
    return bindings;
}

const struct action_info *keys_action_info(enum action a)
{
    return a < ACT_COUNT ? &actions[a] : &actions[ACT_NONE];
}

enum action keys_action_parse(const char *name)
{
    for (int a = ACT_NONE + 1; a < ACT_COUNT; a++)
        if (strcmp(actions[a].name, name) == 0)
            return (enum action)a;
    return ACT_NONE;
}

enum action keys_lookup(int key)
{
    for (const struct key_binding *b = table(); b->key; b++)
        if (b->key == key)
            return b->action;
    return ACT_NONE;
}

const struct key_binding *keys_bindings(void)
{
    return table();
}

int keys_first(enum action a)
{
    for (const struct key_binding *b = table(); b->key; b++)
        if (b->action == a)
            return b->key;
    return 0;
}

static const struct {
    int key;
    const char *name;
} key_names[] = {
    {KEY_UP, "↑"},        {KEY_DOWN, "↓"},
    {KEY_LEFT, "←"},      {KEY_RIGHT, "→"},
    {KEY_PPAGE, "PgUp"},  {KEY_NPAGE, "PgDn"},
    {KEY_HOME, "Home"},   {KEY_END, "End"},
    {27, "Esc"},          {KEY_BACKSPACE, "Backspace"},
    {127, "Backspace"},   {'\r', "Enter"},
    {KEY_ENTER, "Enter"}, {'\t', "Tab"},
    {KEY_BTAB, "S-Tab"},  {' ', "Space"},
};

/* Extra spellings accepted in the config. */
static const struct {
    int key;
    const char *name;
} key_aliases[] = {
    {KEY_UP, "Up"},       {KEY_DOWN, "Down"},    {KEY_LEFT, "Left"},
    {KEY_RIGHT, "Right"}, {KEY_PPAGE, "PageUp"}, {KEY_NPAGE, "PageDown"},
    {27, "Escape"},       {'\r', "Return"},      {KEY_DC, "Delete"},
};

const char *keys_name(int key, char *buf, size_t n)
{
    for (size_t i = 0; i < ARRAY_LEN(key_names); i++)
        if (key_names[i].key == key) {
            str_copy(buf, key_names[i].name, n);
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

int keys_parse_name(const char *s)
{
    if (!s || !*s)
        return 0;
    if (s[1] == '\0' && (unsigned char)s[0] > 32 && (unsigned char)s[0] < 127)
        return s[0];
    for (size_t i = 0; i < ARRAY_LEN(key_names); i++)
        if (strcasecmp(key_names[i].name, s) == 0)
            return key_names[i].key;
    for (size_t i = 0; i < ARRAY_LEN(key_aliases); i++)
        if (strcasecmp(key_aliases[i].name, s) == 0)
            return key_aliases[i].key;
    if ((s[0] == 'F' || s[0] == 'f') && s[1]) {
        char *end;
        long f = strtol(s + 1, &end, 10);
        if (*end == '\0' && f >= 1 && f <= 12)
            return KEY_F((int)f);
    }
    if (strncasecmp(s, "Ctrl-", 5) == 0 && s[5] && !s[6]) {
        int c = s[5] | 0x20;
        /* Ctrl-A and Ctrl-B belong to tmux and screen; Ctrl-C, Z, S, Q to the terminal. */
        if (c >= 'a' && c <= 'z' && !strchr("abcqsz", c))
            return CTRL(c);
    }
    return 0;
}

static void unbind_key(int key)
{
    struct key_binding *b = table();
    size_t n = 0;
    for (size_t i = 0; b[i].key; i++)
        if (b[i].key != key)
            b[n++] = b[i];
    b[n] = (struct key_binding){0, ACT_NONE};
}

static void unbind_action(enum action a)
{
    struct key_binding *b = table();
    size_t n = 0;
    for (size_t i = 0; b[i].key; i++)
        if (b[i].action != a)
            b[n++] = b[i];
    b[n] = (struct key_binding){0, ACT_NONE};
}

static size_t binding_count(void)
{
    size_t n = 0;
    while (table()[n].key)
        n++;
    return n;
}

static int fail(const struct config_entry *e, char *err, size_t errsz, const char *what)
{
    snprintf(err, errsz, "%s:%d: [keys] %s: %s", e->file, e->line, e->key, what);
    return -1;
}

int keys_configure(const struct config_entry *e, size_t n, char *err, size_t errsz)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].section, "keys") != 0)
            continue;
        enum action a = keys_action_parse(e[i].key);
        if (a == ACT_NONE)
            return fail(&e[i], err, errsz,
                        "unknown action (see the KEYS section of citydeck.conf(5))");
        int keys[8], nkeys = 0;
        char *list = xstrdup(e[i].value), *save = NULL;
        for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            for (char *end = tok + strlen(tok); end > tok && end[-1] == ' ';)
                *--end = '\0';
            int k = keys_parse_name(tok);
            if (!k || nkeys == 8) {
                char msg[96];
                snprintf(msg, sizeof msg, k ? "at most 8 keys" : "unknown key '%.40s'", tok);
                free(list);
                return fail(&e[i], err, errsz, msg);
            }
            keys[nkeys++] = k;
        }
        free(list);
        if (nkeys == 0)
            return fail(&e[i], err, errsz, "no key given");
        unbind_action(a);
        for (int k = 0; k < nkeys; k++) {
            unbind_key(keys[k]);
            size_t at = binding_count();
            if (at + 1 >= MAX_BINDINGS)
                return fail(&e[i], err, errsz, "too many bindings");
            table()[at] = (struct key_binding){keys[k], a};
            table()[at + 1] = (struct key_binding){0, ACT_NONE};
        }
    }
    return 0;
}
