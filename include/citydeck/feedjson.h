/* What the feed adapters (Open311, SensorThings, Prometheus, JSON-stat, PX-Web) share when
 * they read a hub's answer: parsing a body with its error messages, numbers that may come as
 * strings, ids that may come as numbers, and the error buffer they all fill.
 *
 * The adapters run on worker threads (uv_queue_work), so nothing here touches global state:
 * the cJSON error position comes from cJSON_ParseWithLengthOpts' return_parse_end, never
 * cJSON_GetErrorPtr(), which is one process-wide variable for all threads. Stored strings
 * still pass text_clean (DESIGN §4); the functions that return text say whether it is cleaned. */
#ifndef CITYDECK_FEEDJSON_H
#define CITYDECK_FEEDJSON_H

#include <stdbool.h>
#include <stddef.h>

/* <cjson/cJSON.h> declares it; only the adapters need its members. */
struct cJSON;

/* printf into err (size errsz); does nothing when err is NULL or errsz 0. */
void feedjson_set_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "string", "number", "boolean", "null", "array", "object"; "nothing" for NULL. */
const char *feedjson_type_name(const struct cJSON *v);

/* Parses a body of len bytes (a BOM and surrounding white space allowed), or fills err and
 * returns NULL: "empty body"; "not JSON: <first bytes>" when it does not start like an array
 * or object (HTML error pages, a proxy's text, JSONP say more than a byte offset); "invalid
 * JSON near byte N", with " (data after the end)" for trailing bytes. */
struct cJSON *feedjson_parse(const char *body, size_t len, char *err, size_t errsz);

/* feedjson_parse, and "<what>: expected an object, got <type>" unless the root is one. */
struct cJSON *feedjson_parse_object(const char *body, size_t len, const char *what, char *err,
                                    size_t errsz);

/* A whole string as a decimal number: optional sign, digits, fraction, exponent, surrounding
 * spaces. strtod alone would also take "0x1A", "inf" and "12abc", and it reads the decimal
 * point of LC_NUMERIC, which app_run sets from the user's locale (vi_VN: ','), so the syntax
 * is checked here and '.' swapped for the locale's point. Overflow gives ±inf. */
bool feedjson_parse_number(const char *s, double *out);

/* A JSON number, or a string feedjson_parse_number reads (CSO sizes, PX-Web values). */
bool feedjson_number(const struct cJSON *v, double *out);

/* Decimal text that reads back as the same double, with no exponent or fraction for the
 * integers ids are made of (1318459 -> "1318459"). Integers past 2^53 were already rounded by
 * cJSON. False for NaN and ±inf (cJSON gives inf for 1e400). */
bool feedjson_number_text(double d, char *out, size_t n);

/* Raw (uncleaned) text of a scalar: a string as it is, a number printed back into buf (size
 * n); NULL for anything else. integral_only: only integers below 1e18 count, for ids, where a
 * fraction means the value is not an id. */
const char *feedjson_scalar_text(const struct cJSON *v, bool integral_only, char *buf, size_t n);

/* text_clean (cut at max bytes, 0 = the default) of len bytes of raw ((size_t)-1: up to the
 * NUL), or NULL when that leaves nothing: the adapters store missing, null and "" alike. */
char *feedjson_clean(const char *raw, size_t len, size_t max);

/* Cleaned text of obj's string member key, or NULL when obj is not an object, the member is
 * absent or not a string, or the text is empty. */
char *feedjson_string_member(const struct cJSON *obj, const char *key, size_t max);

/* s equals word ignoring ASCII case and surrounding spaces ("Open ", " CLOSED"); false for
 * NULL. Status words come in every capitalisation hubs can think of. */
bool feedjson_word_is(const char *s, const char *word);

#endif
