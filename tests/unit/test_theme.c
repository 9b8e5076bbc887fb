/* Theme files: the shipped themes load; a bad line names file, line and key; a loaded theme
 * changes what theme_init gives the roles. */
#include <criterion/criterion.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citydeck/screen.h"
#include "citydeck/theme.h"
#include "citydeck/util.h"
#include "harness.h"

static char dir[64];

static void setup(void)
{
    harness_tmpdir(dir, sizeof dir, "theme");
}

static void teardown(void)
{
    harness_rm_rf(dir);
}

static char *write_theme(const char *text)
{
    char *path = xasprintf("%s/t.theme", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void expect_error(const char *text, const char *line_and_reason)
{
    char err[256] = "";
    char *path = write_theme(text);
    cr_assert_eq(theme_load(path, err, sizeof err), -1, "accepted: %s", text);
    char *want = xasprintf("%s:%s", path, line_and_reason);
    cr_assert_str_eq(err, want);
    free(want);
    free(path);
}

TestSuite(theme, .init = setup, .fini = teardown);

Test(theme, shipped_themes_load)
{
    char err[256] = "";
    cr_assert_eq(theme_load("default", err, sizeof err), 0, "%s", err);
    cr_assert_eq(theme_load("night", err, sizeof err), 0, "%s", err);
    cr_assert_eq(theme_load("no-such-theme", err, sizeof err), -1);
    cr_assert_not_null(strstr(err, "theme 'no-such-theme' not found"), "%s", err);
}

Test(theme, bad_lines_name_file_line_and_key)
{
    expect_error("[colors]\ntopbar = black cyan\nkey = purple cyan\n",
                 "3: [colors] key: 'purple' is not a colour");
    expect_error("[colors]\nselected = black\n",
                 "2: [colors] selected: give a foreground and a background colour");
    expect_error("[colors]\ntopbar = black cyan blink\n",
                 "2: [colors] topbar: 'blink' is not an attribute");
    expect_error("\n[colours]\ntopbar = black cyan\n",
                 "3: [colours]: unknown section (use [colors], [mono])");
    expect_error("[mono]\ntitlebar = bold\n", "2: [mono] titlebar: unknown role");
    expect_error("[colors]\nthis line has no equals sign\n", "2: syntax error");
}

Test(theme, loaded_theme_changes_the_roles)
{
    char err[256] = "";
    char *path = write_theme("[colors]\ntopbar = red 250 bold\n[mono]\ntopbar = underline\n");
    cr_assert_eq(theme_load(path, err, sizeof err), 0, "%s", err);
    free(path);
    struct screen s;
    cr_assert_eq(screen_open_virtual(&s, 80, 24, err, sizeof err), 0, "%s", err);
    theme_init(false);
    cr_assert_eq(theme_attr(TH_TOPBAR), A_UNDERLINE, "monochrome uses [mono]");
    theme_init(true);
    short fg, bg;
    unsigned long a = theme_attr(TH_TOPBAR);
    cr_assert(a & A_BOLD);
    pair_content((short)PAIR_NUMBER(a), &fg, &bg);
    cr_assert_eq(fg, COLOR_RED);
    cr_assert_eq(bg, 250);
    screen_close(&s);
}
