/* The key table: names both ways, and [keys] rebinding with its error messages. */
#include <criterion/criterion.h>
#include <curses.h>
#include <string.h>

#include "citydeck/config.h"
#include "citydeck/keys.h"

static struct config_entry entry(const char *key, const char *value, int line)
{
    return (struct config_entry){(char *)"keys", (char *)key, (char *)value, (char *)"my.ini",
                                 line};
}

TestSuite(keys, .init = keys_reset, .fini = keys_reset);

Test(keys, names_round_trip)
{
    char buf[32];
    static const int keys[] = {'q', 'S', '/', KEY_F(5), KEY_NPAGE, 27, '\r', '\t', 0x0c};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        keys_name(keys[i], buf, sizeof buf);
        cr_assert_eq(keys_parse_name(buf), keys[i], "%s", buf);
    }
    cr_assert_eq(keys_parse_name("pagedown"), KEY_NPAGE);
    cr_assert_eq(keys_parse_name("ctrl-r"), 0x12);
    cr_assert_eq(keys_parse_name("Ctrl-A"), 0, "Ctrl-A belongs to tmux/screen");
    cr_assert_eq(keys_parse_name("F13"), 0);
    cr_assert_eq(keys_parse_name("nonsense"), 0);
}

Test(keys, defaults_cover_the_grammar)
{
    cr_assert_eq(keys_lookup('/'), ACT_FILTER);
    cr_assert_eq(keys_lookup(':'), ACT_COMMAND);
    cr_assert_eq(keys_lookup('s'), ACT_SORT);
    cr_assert_eq(keys_lookup('S'), ACT_SORT_REVERSE);
    cr_assert_eq(keys_lookup('p'), ACT_PAUSE);
    cr_assert_eq(keys_lookup('\r'), ACT_ENTER);
    cr_assert_eq(keys_lookup(27), ACT_BACK);
    cr_assert_eq(keys_lookup('3'), ACT_VIEW_3);
    cr_assert_eq(keys_lookup('\t'), ACT_NEXT_VIEW);
    cr_assert_eq(keys_lookup(0x0c), ACT_REPAINT);
    /* Nothing is bound to Ctrl-A or Ctrl-B (tmux and screen prefixes). */
    cr_assert_eq(keys_lookup(0x01), ACT_NONE);
    cr_assert_eq(keys_lookup(0x02), ACT_NONE);
}

Test(keys, rebinding_replaces_and_steals)
{
    struct config_entry e[] = {entry("quit", "Q, F10", 3), entry("sort", "q", 4)};
    char err[256] = "";
    cr_assert_eq(keys_configure(e, 2, err, sizeof err), 0, "%s", err);
    cr_assert_eq(keys_lookup('Q'), ACT_QUIT);
    cr_assert_eq(keys_lookup(KEY_F(10)), ACT_QUIT);
    cr_assert_eq(keys_lookup('q'), ACT_SORT, "q moved to sort");
    cr_assert_eq(keys_lookup('s'), ACT_NONE, "sort's old key is free");
    cr_assert_eq(keys_first(ACT_QUIT), 'Q');
}

Test(keys, bad_lines_name_file_line_and_key)
{
    char err[256] = "";
    struct config_entry bad_action = entry("jump", "J", 7);
    cr_assert_eq(keys_configure(&bad_action, 1, err, sizeof err), -1);
    cr_assert(strstr(err, "my.ini:7: [keys] jump: unknown action"), "%s", err);
    struct config_entry bad_key = entry("quit", "Ctrl-B", 9);
    cr_assert_eq(keys_configure(&bad_key, 1, err, sizeof err), -1);
    cr_assert(strstr(err, "my.ini:9: [keys] quit: unknown key 'Ctrl-B'"), "%s", err);
    cr_assert_eq(keys_lookup('q'), ACT_QUIT, "a refused line changes nothing");
}
