/* The text pipeline: hostile input in, exact bytes out (c-plumbing §5.3 item 6). */
#include "citydeck/text.h"

#include <criterion/criterion.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
    /* Widths come from wcwidth(), which needs a UTF-8 locale; C.UTF-8 is the one Debian
     * images always have. */
    cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
    text_set_ascii(0);
}

TestSuite(text, .init = setup);

/* Cleans s and compares with the expected bytes, freeing the result. */
static void expect_clean(const char *in, const char *want)
{
    char *got = text_clean(in, (size_t)-1, 0);
    cr_assert_str_eq(got, want, "text_clean(\"%s\")", in);
    free(got);
}

static void expect_clean_len(const char *in, size_t len, const char *want)
{
    char *got = text_clean(in, len, 0);
    cr_assert_str_eq(got, want);
    free(got);
}

#define FFFD "\xef\xbf\xbd"

/* --- text_clean: terminal escapes ------------------------------------------------------ */

Test(text, clean_csi_sgr)
{
    expect_clean("A\x1b[31mB\x1b[0m", "A[31mB[0m");
}

Test(text, clean_osc_title_bel)
{
    expect_clean("x\x1b]0;pwn\x07y", "x]0;pwny");
}

Test(text, clean_osc52_clipboard_st)
{
    expect_clean("a\x1b]52;c;cm0gLXJmIH4=\x1b\\b", "a]52;c;cm0gLXJmIH4=\\b");
}

Test(text, clean_osc8_link)
{
    expect_clean("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "]8;;http://evil\\click]8;;\\");
}

Test(text, clean_c1_csi_and_osc)
{
    /* 8-bit CSI U+009B and OSC U+009D / ST U+009C, the spellings ESC-only filters miss. */
    expect_clean("A\xc2\x9b"
                 "31mB",
                 "A31mB");
    expect_clean("A\xc2\x9d"
                 "0;t\xc2\x9c"
                 "B",
                 "A0;tB");
    expect_clean("\xc2\x80\xc2\x85\xc2\x9f", "");
}

Test(text, clean_bel_del_nul)
{
    expect_clean("ding\x07\x07 dong\x7f", "ding dong");
    expect_clean_len("ab\0cd", 5, "abcd");
}

Test(text, clean_lone_esc_at_end)
{
    expect_clean("tail\x1b", "tail");
}

Test(text, clean_cr_overwrite_and_backspace)
{
    /* "\r" would return to column 0 and let the tail overwrite the head; "\b" moves left. */
    expect_clean("Status: OPEN\rStatus: DONE", "Status: OPEN Status: DONE");
    expect_clean("abc\b\b\bXYZ", "abcXYZ");
}

Test(text, clean_newlines_tabs_become_one_space)
{
    expect_clean("line1\nline2\r\nline3\tend", "line1 line2 line3 end");
    expect_clean("a\n\n\t \r\n b", "a b");
    expect_clean("form\x0c"
                 "feed\x0bvt",
                 "form feed vt");
    expect_clean("ls\xe2\x80\xa8ps\xe2\x80\xa9"
                 "end",
                 "ls ps end");
}

Test(text, clean_collapses_and_trims_spaces)
{
    expect_clean("   Phường   Cẩm    Thành  ", "Phường Cẩm Thành");
    expect_clean(" \t\n ", "");
    expect_clean("", "");
}

/* --- text_clean: bidi and invisible characters ----------------------------------------- */

Test(text, clean_bidi_overrides_removed)
{
    /* Trojan Source: RLO would show "Đã xử lý" reversed or swap a phone number's digits. */
    expect_clean("a\xe2\x80\xae"
                 "cba\xe2\x80\xac"
                 "d",
                 "acbad");
    expect_clean("\xe2\x80\xaa"
                 "1\xe2\x80\xab"
                 "2\xe2\x80\xac"
                 "3\xe2\x80\xad"
                 "4\xe2\x80\xae"
                 "5",
                 "12345");
}

Test(text, clean_bidi_isolates_removed)
{
    expect_clean("a\xe2\x81\xa6"
                 "b\xe2\x81\xa7"
                 "c\xe2\x81\xa8"
                 "d\xe2\x81\xa9"
                 "e",
                 "abcde");
}

Test(text, clean_bidi_marks_removed)
{
    expect_clean("a\xe2\x80\x8e"
                 "b\xe2\x80\x8f"
                 "c\xd8\x9c"
                 "d",
                 "abcd");
}

Test(text, clean_zero_width_and_format_removed)
{
    expect_clean("Z\xe2\x80\x8bW\xe2\x80\x8cN\xe2\x80\x8dJ", "ZWNJ");
    expect_clean("word\xe2\x81\xa0joiner", "wordjoiner");
    expect_clean("\xef\xbb\xbf"
                 "BOM",
                 "BOM");
    expect_clean("mid\xef\xbb\xbf"
                 "dle",
                 "middle");
    expect_clean("soft\xc2\xadhyphen", "softhyphen");
    expect_clean("ann\xef\xbf\xb9ot", "annot");
    expect_clean("tag\xf3\xa0\x80\x81s", "tags");
}

Test(text, clean_invisible_between_spaces_leaves_one_space)
{
    expect_clean("a \xe2\x80\x8b b", "a b");
}

/* --- text_clean: UTF-8 repair ----------------------------------------------------------- */

Test(text, clean_lone_ff)
{
    expect_clean("a\xff"
                 "b",
                 "a" FFFD "b");
}

Test(text, clean_truncated_three_byte)
{
    /* "ệ" is E1 BB 87; without its last byte each leftover byte becomes one U+FFFD. */
    expect_clean("Vi\xe1\xbb", "Vi" FFFD FFFD);
    expect_clean("Vi\xe1\xbbt", "Vi" FFFD FFFD "t");
}

Test(text, clean_overlong)
{
    /* C0 AF is an overlong '/', the classic path traversal smuggler. */
    expect_clean("a\xc0\xaf"
                 "b",
                 "a" FFFD FFFD "b");
    expect_clean("\xe0\x80\xaf", FFFD FFFD FFFD);
}

Test(text, clean_encoded_surrogate)
{
    expect_clean("\xed\xa0\x80", FFFD FFFD FFFD);
}

Test(text, clean_beyond_unicode)
{
    expect_clean("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
}

Test(text, clean_valid_multibyte_kept)
{
    expect_clean("漢字 😀 Đắk Lắk", "漢字 😀 Đắk Lắk");
}

/* --- text_clean: normalization, caps, NULL ---------------------------------------------- */

Test(text, clean_nfd_to_nfc)
{
    /* "Vie\u0323\u0302t" (8 bytes, as macOS sends it) must become precomposed "Việt". */
    char *got = text_clean("Vie\xcc\xa3\xcc\x82t", (size_t)-1, 0);
    cr_assert_str_eq(got, "Vi\xe1\xbb\x87t");
    cr_assert_eq(strlen(got), 6);
    free(got);
}

Test(text, clean_null_is_empty)
{
    char *got = text_clean(NULL, 10, 0);
    cr_assert_str_eq(got, "");
    free(got);
}

Test(text, clean_respects_len)
{
    expect_clean_len("abcdef", 3, "abc");
}

Test(text, clean_cap_on_code_point_boundary)
{
    /* 3000 × "ệ" (3 bytes each) = 9000 bytes; the cap 4096 is not a multiple of 3, so the
     * last whole letter ends at 4095. */
    size_t n = 3000;
    char *in = malloc(n * 3 + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(in + i * 3, "\xe1\xbb\x87", 3);
    in[n * 3] = '\0';
    char *got = text_clean(in, (size_t)-1, 0);
    cr_assert_eq(strlen(got), 4095);
    cr_assert_eq(memcmp(got + 4092, "\xe1\xbb\x87", 3), 0);
    free(got);

    got = text_clean(in, (size_t)-1, 10);
    cr_assert_str_eq(got, "\xe1\xbb\x87\xe1\xbb\x87\xe1\xbb\x87");
    free(got);
    free(in);
}

Test(text, clean_huge_input_bounded)
{
    /* 1 MiB of 'x' with a hostile tail: the work is bounded and the result capped. */
    size_t n = 1 << 20;
    char *in = malloc(n + 1);
    memset(in, 'x', n);
    in[n] = '\0';
    char *got = text_clean(in, n, 100);
    cr_assert_eq(strlen(got), 100);
    free(got);
    free(in);
}

Test(text, clean_cap_does_not_leave_trailing_space)
{
    char *got = text_clean("abcd efgh", (size_t)-1, 5);
    cr_assert_str_eq(got, "abcd");
    free(got);
}

/* --- text_width ------------------------------------------------------------------------- */

Test(text, width_vietnamese)
{
    cr_assert_eq(text_width("Phường Cẩm Thành"), 16);
    cr_assert_eq(text_width("Đắk Lắk"), 7);
}

Test(text, width_cjk_and_mixed)
{
    cr_assert_eq(text_width("漢字"), 4);
    cr_assert_eq(text_width("Hà Nội 漢字!"), 12);
    cr_assert_eq(text_width("…"), 1);
    cr_assert_eq(text_width(""), 0);
    cr_assert_eq(text_width(NULL), 0);
}

Test(text, width_combining_counts_zero)
{
    /* Uncleaned NFD: the marks take no column. */
    cr_assert_eq(text_width("Vie\xcc\xa3\xcc\x82t"), 4);
}

/* --- text_fit / text_pad ---------------------------------------------------------------- */

Test(text, fit_exact_width_copies)
{
    char out[64];
    cr_assert_eq(text_fit("Phường", 6, out, sizeof out), 6);
    cr_assert_str_eq(out, "Phường");
}

Test(text, fit_one_over_gets_ellipsis)
{
    char out[64];
    cr_assert_eq(text_fit("Phường Cẩm Thành", 15, out, sizeof out), 15);
    cr_assert_str_eq(out, "Phường Cẩm Thà…");
    cr_assert_eq(text_width(out), 15);
}

Test(text, fit_wide_char_at_cut)
{
    char out[64];
    /* Budget 4 - 1 = 3 columns: "漢" (2) fits, "字" would make 4 > 3, so it goes whole. */
    cr_assert_eq(text_fit("漢字漢字", 4, out, sizeof out), 3);
    cr_assert_str_eq(out, "漢…");
    cr_assert_eq(text_fit("a漢字", 3, out, sizeof out), 2);
    cr_assert_str_eq(out, "a…");
    cr_assert_eq(text_fit("a漢字", 4, out, sizeof out), 4);
    cr_assert_str_eq(out, "a漢…");
}

Test(text, fit_keeps_grapheme_whole)
{
    char out[64];
    /* NFD "ệ" is one cluster of width 1 spread over three code points: never split. */
    cr_assert_eq(text_fit("Vie\xcc\xa3\xcc\x82tnam", 4, out, sizeof out), 4);
    cr_assert_str_eq(out, "Vie\xcc\xa3\xcc\x82…");
}

Test(text, fit_zero_and_negative_cols)
{
    char out[8] = "junk";
    cr_assert_eq(text_fit("abc", 0, out, sizeof out), 0);
    cr_assert_str_eq(out, "");
    strcpy(out, "junk");
    cr_assert_eq(text_fit("abc", -5, out, sizeof out), 0);
    cr_assert_str_eq(out, "");
}

Test(text, fit_one_column)
{
    char out[16];
    cr_assert_eq(text_fit("abc", 1, out, sizeof out), 1);
    cr_assert_str_eq(out, "…");
    cr_assert_eq(text_fit("漢字", 1, out, sizeof out), 1);
    cr_assert_str_eq(out, "…");
}

Test(text, fit_ascii_mode)
{
    char out[32];
    text_set_ascii(1);
    /* The space before the cut is dropped rather than shown in front of the dots. */
    cr_assert_eq(text_fit("Phường Cẩm Thành", 10, out, sizeof out), 9);
    cr_assert_str_eq(out, "Phường...");
    cr_assert_eq(text_fit("Phường Cẩm Thành", 12, out, sizeof out), 12);
    cr_assert_str_eq(out, "Phường Cẩ...");
    cr_assert_eq(text_fit("abcdef", 2, out, sizeof out), 2);
    cr_assert_str_eq(out, "..");
    cr_assert_eq(text_fit("abc", 3, out, sizeof out), 3);
    cr_assert_str_eq(out, "abc");
    text_set_ascii(0);
}

Test(text, fit_small_buffer_cuts_earlier)
{
    char out[8];
    /* Fits in columns but not in 8 bytes: "Phường" alone is 8 bytes. */
    int w = text_fit("Phường", 20, out, sizeof out);
    cr_assert_str_eq(out, "Phư…");
    cr_assert_eq(w, 4);
    cr_assert_lt(strlen(out), sizeof out);

    char tiny[3];
    w = text_fit("abcdef", 10, tiny, sizeof tiny);
    cr_assert_str_eq(tiny, "ab");
    cr_assert_eq(w, 2);

    char one[1];
    cr_assert_eq(text_fit("abc", 10, one, sizeof one), 0);
    cr_assert_str_eq(one, "");
}

Test(text, fit_never_overflows)
{
    /* Every buffer size from 1 to 40 with a canary after it. */
    for (size_t sz = 1; sz <= 40; sz++) {
        char buf[64];
        memset(buf, 'Z', sizeof buf);
        int w = text_fit("Đắk Lắk 漢字 Phường", 15, buf, sz);
        cr_assert_lt(strlen(buf), sz);
        cr_assert_eq(buf[sz], 'Z');
        cr_assert_leq(w, 15);
        cr_assert_eq(text_width(buf), w);
    }
}

Test(text, pad_left_and_right)
{
    char out[64];
    cr_assert_eq(text_pad("Huế", 6, 0, out, sizeof out), 6);
    cr_assert_str_eq(out, "Huế   ");
    cr_assert_eq(text_pad("Huế", 6, 1, out, sizeof out), 6);
    cr_assert_str_eq(out, "   Huế");
    cr_assert_eq(text_pad("", 3, 0, out, sizeof out), 3);
    cr_assert_str_eq(out, "   ");
}

Test(text, pad_fills_wide_char_gap)
{
    char out[64];
    cr_assert_eq(text_pad("漢字漢字", 4, 0, out, sizeof out), 4);
    cr_assert_str_eq(out, "漢… ");
    cr_assert_eq(text_pad("漢字漢字", 4, 1, out, sizeof out), 4);
    cr_assert_str_eq(out, " 漢…");
}

Test(text, pad_truncates_long)
{
    char out[64];
    cr_assert_eq(text_pad("1234567", 5, 1, out, sizeof out), 5);
    cr_assert_str_eq(out, "1234…");
}

Test(text, pad_small_buffer)
{
    char out[4];
    text_pad("a", 10, 0, out, sizeof out);
    cr_assert_str_eq(out, "a  ");
    text_pad("a", 10, 1, out, sizeof out);
    cr_assert_str_eq(out, "  a");
}

/* --- text_fold / text_match ------------------------------------------------------------- */

static void expect_fold(const char *in, const char *want)
{
    char *got = text_fold(in);
    cr_assert_str_eq(got, want, "text_fold(\"%s\")", in);
    free(got);
}

Test(text, fold_vietnamese)
{
    expect_fold("Phường Cẩm Thành", "phuong cam thanh");
    expect_fold("Đắk Lắk", "dak lak");
    expect_fold("ĐƯỜNG ĐIỆN BIÊN PHỦ", "duong dien bien phu");
    expect_fold("cẩm thành", "cam thanh");
}

Test(text, fold_nfd_and_compat)
{
    expect_fold("Vie\xcc\xa3\xcc\x82t", "viet");
    expect_fold("ＨＵＥ", "hue"); /* fullwidth */
    expect_fold("", "");
    expect_fold(NULL, "");
}

Test(text, match_basic)
{
    cr_assert(text_match("Xã Nghĩa Lộ", "nghia lo"));
    cr_assert(text_match("đường", "d"));
    cr_assert(text_match("Phường Cẩm Thành", "cam thanh"));
    cr_assert(text_match("ĐẮK LẮK", "dak"));
    cr_assert_not(text_match("Xã Nghĩa Lộ", "nghia lo x"));
    cr_assert_not(text_match("Hà Nội", "hue"));
}

Test(text, match_ascii_haystack)
{
    cr_assert(text_match("HCM-Q1-0042", "q1-00"));
    cr_assert_not(text_match("HCM-Q1-0042", "q2"));
}

Test(text, match_empty)
{
    cr_assert(text_match("anything", ""));
    cr_assert(text_match("", ""));
    cr_assert(text_match(NULL, NULL));
    cr_assert_not(text_match("", "a"));
    cr_assert_not(text_match(NULL, "a"));
}

Test(text, match_with_folded_needle_roundtrip)
{
    char *needle = text_fold("THÀNH");
    cr_assert(text_match("Phường Cẩm Thành", needle));
    free(needle);
}
