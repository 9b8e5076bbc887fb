/* The text pipeline (DESIGN §4): every remote string passes text_clean before it is stored;
 * every string drawn is measured and cut here, with the same wcwidth() ncurses uses. */
#ifndef CITYDECK_TEXT_H
#define CITYDECK_TEXT_H

#include <stddef.h>

/* Longest field kept after cleaning, in bytes; longer text is cut on a code point boundary. */
#define TEXT_MAX_FIELD 4096

/* Returns a new NFC string: invalid UTF-8 replaced by U+FFFD, C0/C1 controls, ESC, bidi
 * overrides and isolates, zero-width and format characters, BOM removed; newlines and tabs
 * become single spaces; cut at max_bytes (0 = TEXT_MAX_FIELD). len may be (size_t)-1 for a
 * NUL-terminated s. s == NULL gives "". Never returns NULL. */
char *text_clean(const char *s, size_t len, size_t max_bytes);

/* Display width in columns of clean UTF-8 text. */
int text_width(const char *s);

/* Writes into out (size outsz) the longest prefix of s that fits in cols columns, cut on
 * grapheme boundaries; when s does not fit (in cols or in outsz), the kept part ends in "…"
 * (or "..." with text_set_ascii), spaces before it dropped. A wide character that would
 * straddle the edge is left out, so the result may be a column short: text_pad fills it.
 * Returns the columns used (<= cols); cols <= 0 gives "" and 0. */
int text_fit(const char *s, int cols, char *out, size_t outsz);

/* Pads (left-aligned, or right-aligned when right) or fits s to exactly cols columns. */
int text_pad(const char *s, int cols, int right, char *out, size_t outsz);

/* Word wrap: writes into out the first line of s that fits cols columns (broken after a
 * space when a word would run over, mid-word only when one word is wider than the line) and
 * returns where the next line starts, or NULL after the last. Leading spaces are skipped. */
const char *text_wrap(const char *s, int cols, char *out, size_t outsz);

/* The search key: case-folded, marks stripped, đ/Đ → d, so "cam thanh" finds "Cẩm Thành". */
char *text_fold(const char *s);

/* Case- and diacritics-insensitive substring test (needle already folded). */
int text_match(const char *haystack, const char *folded_needle);

/* Use "..." instead of "…" (terminals with ambiguous-width trouble, --ascii). */
void text_set_ascii(int ascii);
/* Whether text_set_ascii is on: widgets pick ASCII glyphs then. */
int text_ascii(void);

#endif
