/* Shared by the unit tests (tests/meson.build links harness.c into each of them). Every name
 * here is harness_*, so a test's own helpers never clash with it. */
#ifndef CITYDECK_TESTS_UNIT_HARNESS_H
#define CITYDECK_TESTS_UNIT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/screen.h"
#include "citydeck/store.h"
#include "citydeck/ui.h"
#include "citydeck/view.h"

/* Reads $CITYDECK_FIXTURES/dir/name whole (meson test sets the variable); fails the test when
 * the variable is unset or the file cannot be opened. Returns a NUL-terminated buffer the
 * caller frees, its length in *len. */
char *harness_fixture_read(const char *dir, const char *name, size_t *len);

/* A fresh directory /tmp/citydeck-test-NAME-XXXXXX written into buf (at least 64 bytes);
 * fails the test when it cannot be made. */
void harness_tmpdir(char *buf, size_t n, const char *name);
/* Removes dir and everything below it (symbolic links are removed, not followed). */
void harness_rm_rf(const char *dir);

/* xorshift64*: a seeded PRNG, so a failure replays exactly. Advances *state. */
uint64_t harness_rng(uint64_t *state);

/* ---- crafted records ------------------------------------------------------------------- */

/* The hub time of the crafted stores: Monday 2 March 2026, 08:00:00 +07:00, the start of a
 * working day. */
#define HARNESS_NOW 1772413200

/* iso ("2026-02-26T17:00:00+07:00") as epoch seconds, read in Vietnam time; fails the test
 * when it does not parse. */
int64_t harness_at(const char *iso);

/* A new unit batch for Tỉnh Quảng Ngãi (province code 51) that already holds the province's
 * own unit; push the communes with harness_unit and merge it into a store. */
struct unit_batch *harness_unit_batch(void);

/* Pushes a commune, ward or special zone of province 51 (the province itself when type is
 * UNIT_PROVINCE: no parent). full NULL names it "<type label> <name>" ("Phường Cẩm Thành").
 * The population stays unknown (-1): set it on the returned unit. */
struct unit *harness_unit(struct unit_batch *b, const char *code, const char *name,
                          const char *full, enum unit_type type);

/* Pushes a dossier of unit received at received and due at due, returned (DST_RETURNED) at
 * finished or still processing (finished TIME_NONE), online or at the desk. */
struct dossier *harness_dossier(struct dossier_batch *b, const char *id, const char *unit,
                                int64_t received, int64_t due, int64_t finished, bool online,
                                const char *procedure);

/* Pushes a complaint about unit in category (also its service code) with description text,
 * requested (and last updated) at requested, expected done by expected; satisfaction -1 when
 * not rated. */
struct complaint *harness_complaint(struct complaint_batch *b, const char *id, const char *unit,
                                    bool open, enum complaint_urgency urgency,
                                    enum complaint_status status, int64_t requested,
                                    int64_t expected, int satisfaction, const char *category,
                                    const char *text);

/* Pushes the metadata of sensor id (also its remote id) named name at station, of kind,
 * in unit ward (NULL = none); no readings, no alarm levels, no unit of measure. */
struct sensor_update *harness_sensor(struct sensor_batch *b, const char *id, const char *station,
                                     const char *name, enum sensor_kind kind, const char *ward);

/* A crafted Tỉnh Quảng Ngãi at HARNESS_NOW (the caller frees it with store_free):
 * - Phường Cẩm Thành 21025 (30.500 dân): 2 overdue dossiers, 1 due soon, 1 running, 1
 *   finished on time (on-time 60 %, online 60 %); 3 open complaints (1 overdue, 1 urgent not
 *   accepted), a closed one rated satisfied; an air station at PM2.5 100 (AQI Xấu); indicators
 *   of 2025 1 met of 3 (one not reported), and 2024;
 * - Xã Nghĩa Lộ 21100 (18.000 dân): 1 overdue dossier, 2 finished (1 late): on-time 33,3 %;
 *   2 overdue complaints, a closed one rated unsatisfied; a river gauge at BĐ I (Cầu Trà
 *   Khúc 10,00 m), a flood point at 25 cm, a camera offline; indicators 1 met of 2;
 * - Đặc khu Lý Sơn 21200 (22.000 dân): nothing overdue, on-time 100 %; a clean air station
 *   (AQI 40 Tốt), a camera online; indicators 1 met of 1;
 * - Xã Trà Bồng 21300 (population unknown): no data at all. */
struct store *harness_province(void);

/* ---- a console on a virtual screen ----------------------------------------------------- */

/* The frame (the ui) of one view spec over a store, drawn on a virtual screen. */
struct harness_term {
    struct screen scr;
    struct ui *u;
    struct view_ctx ctx; /* .store, .now and Vietnam time; set .alerts and others freely */
    char *text;          /* the last frame as harness_term_frame dumped it: every row + '\n' */
    char **lines;        /* the same rows without '\n', NULL-terminated */
    int nlines;
    char crumb[512]; /* the last harness_term_crumb */
};

/* For TestSuite(.init): C.UTF-8, no COLUMNS or LINES from the caller's terminal, Unicode
 * glyphs (not --ascii) and the built-in key bindings. */
void harness_console_init(void);

/* Opens a virtual screen of cols × rows and the ui of spec ("units", "unit:21025"; fails the
 * test when there is no such view) over s at now. Draws nothing yet. s stays the caller's. */
void harness_term_open(struct harness_term *t, struct store *s, const char *spec, int cols,
                       int rows, int64_t now);
/* harness_term_open, then the first frame: returns its lines (see harness_term_frame). */
char **harness_term_show(struct harness_term *t, struct store *s, const char *spec, int cols,
                         int rows, int64_t now);
/* Renders a frame and keeps it in t->text and t->lines, which it returns (valid until the
 * next frame or close). DUMP_VIEWS=1 in the environment prints every frame on stderr. */
char **harness_term_frame(struct harness_term *t);
/* Swaps the screen for a new one of cols × rows (the ui keeps its state). Draws nothing. */
void harness_term_resize(struct harness_term *t, int cols, int rows);
/* ui_on_action, then a frame. */
void harness_term_act(struct harness_term *t, enum action a);
/* Sends every character of keys (UTF-8) to ui_on_key as typed. Draws nothing. */
void harness_term_keys(struct harness_term *t, const char *keys);
/* Runs the ":" command line as typed (':', line, Enter), then a frame. */
void harness_term_command(struct harness_term *t, const char *line);
/* The breadcrumb of the ui as it stands (no frame drawn first), kept in t->crumb. */
const char *harness_term_crumb(struct harness_term *t);
/* What ui_export writes, as a string the caller frees. */
char *harness_term_export(struct harness_term *t);
/* Frees the ui, the screen and the frame; leaves t->ctx.store to its owner. Closing twice is
 * harmless. */
void harness_term_close(struct harness_term *t);
/* harness_term_close, and store_free(t->ctx.store) for a term opened over a store built for
 * it alone (harness_term_show(&t, harness_province(), ...)). Closing twice is harmless. */
void harness_term_close_with_store(struct harness_term *t);

/* One frame of spec over s at cols × rows and now, on a screen of its own: the rows,
 * NULL-terminated, which the caller frees with harness_free_lines. */
char **harness_render(struct store *s, const char *spec, int cols, int rows, int64_t now);
void harness_free_lines(char **lines);

/* ---- reading a frame ------------------------------------------------------------------- */

/* The first row of lines (NULL-terminated) that holds needle, or -1. */
int harness_find_row(char *const *lines, const char *needle);
/* The first row below row from that holds needle, or -1 (from -1 searches from the top). */
int harness_find_row_after(char *const *lines, int from, const char *needle);
/* Whether any row holds needle. */
bool harness_shows(char *const *lines, const char *needle);
/* How many rows hold needle. */
int harness_count_rows(char *const *lines, const char *needle);
/* The display column (text_width of what comes before) where needle starts in line; fails
 * the test when it is not there. */
int harness_column_of(const char *line, const char *needle);
/* Whether s ends with tail. */
bool harness_ends_with(const char *s, const char *tail);

#endif
