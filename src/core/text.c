/* The text pipeline (DESIGN §4, c-plumbing §2.3 and §5): clean once at ingest, then measure and
 * cut with the same wcwidth() ncurses uses, so what we compute is what the terminal shows. */
#include "citydeck/text.h"

#include "citydeck/util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <wchar.h>

/* Process-wide by contract (text_set_ascii): the terminal's capability, not per-view state. */
static int ascii_ellipsis;

static const char ELLIPSIS_UTF8[] = "\xe2\x80\xa6"; /* U+2026, width 1 in glibc */
static const char ELLIPSIS_ASCII[] = "...";

/* Cleaning can only shrink text by removing code points, so input beyond this many times the
 * output cap is dropped before any work: a hostile 8 MiB field then costs no more than 16 KiB. */
#define TEXT_INPUT_FACTOR 4

/* utf8proc_map on repaired input can only fail for lack of memory; like xmalloc, abort so
 * callers never see a NULL. */
static utf8proc_ssize_t map_or_die(const struct buf *in, utf8proc_uint8_t **out,
                                   utf8proc_option_t opts)
{
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)in->data, (utf8proc_ssize_t)in->len, out, opts);
    if (n < 0) {
        fprintf(stderr, "citydeck: text: %s\n", utf8proc_errmsg(n));
        abort();
    }
    return n;
}

int text_ascii(void)
{
    return ascii_ellipsis;
}

void text_set_ascii(int ascii)
{
    ascii_ellipsis = ascii != 0;
}

static void buf_put_cp(struct buf *b, utf8proc_int32_t cp)
{
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
    buf_append(b, tmp, (size_t)n);
}

/* utf8proc_map refuses invalid UTF-8 as a whole, so repair first: every byte that does not
 * start a valid sequence becomes U+FFFD. utf8proc_iterate already rejects overlong forms,
 * surrogates and code points above U+10FFFF. */
static void utf8_repair(struct buf *b, const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            size_t j = i;
            while (j < len && p[j] < 0x80)
                j++;
            buf_append(b, p + i, j - i);
            i = j;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n < 0) {
            buf_put_cp(b, 0xFFFD);
            i++;
        } else {
            buf_append(b, p + i, (size_t)n);
            i += (size_t)n;
        }
    }
}

/* Code points that reorder, hide or join text without showing themselves. utf8proc's IGNORE
 * (Default_Ignorable) and STRIPCC cover most; this list is the explicit guarantee the tests pin
 * down, so a utf8proc upgrade cannot silently let a bidi override through. */
static bool cp_is_invisible(utf8proc_int32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) ||               /* LRE RLE PDF LRO RLO */
           (cp >= 0x2066 && cp <= 0x2069) ||               /* LRI RLI FSI PDI */
           cp == 0x200E || cp == 0x200F || cp == 0x061C || /* LRM RLM ALM */
           (cp >= 0x200B && cp <= 0x200D) ||               /* ZWSP ZWNJ ZWJ */
           (cp >= 0x2060 && cp <= 0x2064) ||               /* word joiner, invisible ops */
           cp == 0xFEFF || cp == 0x00AD ||                 /* BOM, soft hyphen */
           (cp >= 0xFFF9 && cp <= 0xFFFB) ||               /* interlinear annotation */
           (cp >= 0xE0000 && cp <= 0xE007F) ||             /* tag characters */
           cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);        /* C0, DEL, C1 */
}

/* Line and paragraph separators survive STRIPCC but break a table row like \n would. */
static bool cp_is_line_break(utf8proc_int32_t cp)
{
    return cp == 0x2028 || cp == 0x2029;
}

/* True when s is already what the pipeline would make of it: well-formed UTF-8 made only of
 * printable ASCII and precomposed Latin letters (U+00C0-U+024F, U+1E00-U+1EFF: every
 * Vietnamese letter), single spaces, no space at either end. Such text is NFC, has no
 * controls, bidi or invisible characters, so copying it is the same as cleaning it, and most
 * hub text (names, statuses, Vietnamese descriptions) takes this path instead of utf8proc. */
static bool text_already_clean(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    if (len == 0 || *p == ' ' || end[-1] == ' ')
        return false;
    bool space = false;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F || (c == ' ' && space))
                return false;
            space = c == ' ';
            p++;
            continue;
        }
        unsigned cp;
        if ((c & 0xE0) == 0xC0 && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
            cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            p += 2;
        } else if ((c & 0xF0) == 0xE0 && end - p >= 3 && (p[1] & 0xC0) == 0x80 &&
                   (p[2] & 0xC0) == 0x80) {
            cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            p += 3;
        } else {
            return false;
        }
        if (!((cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF)))
            return false;
        space = false;
    }
    return true;
}

char *text_clean(const char *s, size_t len, size_t max_bytes)
{
    if (!s)
        return xstrdup("");
    if (max_bytes == 0)
        max_bytes = TEXT_MAX_FIELD;
    if (len == (size_t)-1)
        len = strlen(s);
    if (len <= max_bytes && text_already_clean(s, len))
        return xstrndup(s, len);
    if (len / TEXT_INPUT_FACTOR > max_bytes) {
        len = max_bytes * TEXT_INPUT_FACTOR;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }

    struct buf rep = {0};
    utf8_repair(&rep, s, len);
    if (rep.len == 0) {
        buf_free(&rep);
        return xstrdup("");
    }

    /* STRIPCC turns \n, \t, CRLF, FF into a space and drops the other controls; IGNORE drops
     * Default_Ignorable code points; COMPOSE makes NFD Vietnamese one code point per letter. */
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = map_or_die(
        &rep, &mapped, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_IGNORE | UTF8PROC_STRIPCC);
    buf_free(&rep);

    /* Final pass: explicit removals, space collapsing and trimming, the byte cap. */
    char *out = xmalloc((size_t)n + 1);
    size_t o = 0;
    bool pending_space = false;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(mapped + i, n - i, &cp);
        if (k <= 0) /* cannot happen after utf8proc_map; be defensive anyway */
            break;
        const utf8proc_uint8_t *src = mapped + i;
        i += k;
        if (cp == ' ' || cp_is_line_break(cp)) {
            pending_space = o > 0;
            continue;
        }
        if (cp_is_invisible(cp))
            continue;
        size_t need = (size_t)k + (pending_space ? 1 : 0);
        if (o + need > max_bytes)
            break;
        if (pending_space)
            out[o++] = ' ';
        pending_space = false;
        memcpy(out + o, src, (size_t)k);
        o += (size_t)k;
    }
    out[o] = '\0';
    free(mapped);
    return out;
}

/* wcwidth is what ncurses uses; anything it calls non-printable occupies no cell once clean. */
static int cp_width(utf8proc_int32_t cp)
{
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 0 : w;
}

/* Decodes one code point; invalid bytes (not expected in clean text) count as one byte of
 * width 1 so measuring never loops or reads past the end. */
static size_t next_cp(const char *s, size_t len, utf8proc_int32_t *cp)
{
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, cp);
    if (k <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)k;
}

int text_width(const char *s)
{
    if (!s)
        return 0;
    size_t len = strlen(s);
    int w = 0;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        i += next_cp(s + i, len - i, &cp);
        w += cp_width(cp);
    }
    return w;
}

/* One grapheme cluster starting at s[0]: its length in bytes and its width in columns. */
struct cluster {
    size_t bytes;
    int width;
};

static struct cluster next_cluster(const char *s, size_t len)
{
    struct cluster c = {0, 0};
    utf8proc_int32_t state = 0, prev, cp;
    size_t k = next_cp(s, len, &prev);
    c.bytes = k;
    c.width = cp_width(prev);
    while (c.bytes < len) {
        k = next_cp(s + c.bytes, len - c.bytes, &cp);
        if (utf8proc_grapheme_break_stateful(prev, cp, &state))
            break;
        c.bytes += k;
        c.width += cp_width(cp);
        prev = cp;
    }
    return c;
}

int text_fit(const char *s, int cols, char *out, size_t outsz)
{
    if (!out || outsz == 0)
        return 0;
    out[0] = '\0';
    if (!s || cols <= 0)
        return 0;

    size_t len = strlen(s);
    int total = text_width(s);
    if (total <= cols && len < outsz) {
        memcpy(out, s, len + 1);
        return total;
    }

    /* The ellipsis must fit in both the columns and the buffer; in ASCII mode a column budget
     * below 3 gets fewer dots rather than none. */
    const char *ell = ascii_ellipsis ? ELLIPSIS_ASCII : ELLIPSIS_UTF8;
    size_t ell_bytes = strlen(ell);
    int ell_w = ascii_ellipsis ? 3 : 1;
    if (ascii_ellipsis && cols < 3) {
        ell_w = cols;
        ell_bytes = (size_t)cols;
    }
    if (ell_bytes + 1 > outsz) {
        ell_bytes = 0;
        ell_w = 0;
    }

    int budget = cols - ell_w;
    size_t room = outsz - 1 - ell_bytes;
    size_t used_b = 0;
    int used_w = 0;
    while (used_b < len) {
        struct cluster c = next_cluster(s + used_b, len - used_b);
        if (used_w + c.width > budget || used_b + c.bytes > room)
            break;
        used_b += c.bytes;
        used_w += c.width;
    }
    /* "Phường …" reads worse than "Phường…" and wastes a column. */
    while (used_b > 0 && s[used_b - 1] == ' ') {
        used_b--;
        used_w--;
    }
    memcpy(out, s, used_b);
    memcpy(out + used_b, ell, ell_bytes);
    out[used_b + ell_bytes] = '\0';
    return used_w + ell_w;
}

int text_pad(const char *s, int cols, int right, char *out, size_t outsz)
{
    int w = text_fit(s, cols, out, outsz);
    if (!out || outsz == 0 || cols <= 0)
        return w;
    size_t len = strlen(out);
    size_t pad = (size_t)(cols - w);
    if (len + pad + 1 > outsz) /* a too-small buffer gets as much padding as fits */
        pad = outsz - 1 - len;
    if (right) {
        memmove(out + pad, out, len + 1);
        memset(out, ' ', pad);
    } else {
        memset(out + len, ' ', pad);
        out[len + pad] = '\0';
    }
    return w + (int)pad;
}

const char *text_wrap(const char *s, int cols, char *out, size_t outsz)
{
    size_t len = strlen(s), i = 0, brk = 0;
    int w = 0;
    while (i < len && s[i] == ' ')
        i++;
    size_t start = i;
    while (i < len) {
        struct cluster c = next_cluster(s + i, len - i);
        if (w + c.width > cols || i - start + c.bytes >= outsz)
            break;
        w += c.width;
        i += c.bytes;
        if (s[i - 1] == ' ')
            brk = i;
    }
    /* Break after the last space when the line is full and a word runs on. */
    size_t end = i < len && brk > start ? brk : i;
    if (end == start && i < len) /* one cluster wider than cols: take it anyway */
        end = start + next_cluster(s + start, len - start).bytes;
    size_t n = end - start < outsz ? end - start : outsz - 1;
    memcpy(out, s + start, n);
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return end < len ? s + end : NULL;
}

char *text_fold(const char *s)
{
    if (!s || !*s)
        return xstrdup("");
    struct buf rep = {0};
    utf8_repair(&rep, s, strlen(s));

    /* COMPAT+DECOMPOSE is NFKD (fullwidth letters and ligatures become ASCII), STRIPMARK then
     * drops the tone and vowel marks, CASEFOLD lowercases, LUMP unifies dashes and spaces. */
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n =
        map_or_die(&rep, &mapped,
                   UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD |
                       UTF8PROC_LUMP | UTF8PROC_IGNORE | UTF8PROC_STRIPCC);
    buf_free(&rep);

    /* đ (U+0111) has no decomposition, but every Vietnamese reader types it as d. CASEFOLD has
     * already turned Đ into đ; both are handled so the rule does not hinge on flag order. */
    char *out = xmalloc((size_t)n + 1);
    size_t o = 0;
    for (utf8proc_ssize_t i = 0; i < n;) {
        if (mapped[i] == 0xC4 && i + 1 < n && (mapped[i + 1] == 0x90 || mapped[i + 1] == 0x91)) {
            out[o++] = 'd';
            i += 2;
        } else {
            out[o++] = (char)mapped[i++];
        }
    }
    out[o] = '\0';
    free(mapped);
    return out;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* Substring test with ASCII case folding; enough when the haystack is plain ASCII, which is
 * the common case for codes and many names, and it avoids an allocation per row. */
static bool ascii_find(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < nl && hay[i] && tolower((unsigned char)hay[i]) == (unsigned char)needle[i])
            i++;
        if (i == nl)
            return true;
    }
    return false;
}

int text_match(const char *haystack, const char *folded_needle)
{
    if (!folded_needle || !*folded_needle)
        return 1;
    if (!haystack || !*haystack)
        return 0;
    if (is_ascii(haystack))
        return ascii_find(haystack, folded_needle);
    char *key = text_fold(haystack);
    int found = strstr(key, folded_needle) != NULL;
    free(key);
    return found;
}
