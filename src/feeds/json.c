/* The JSON reading the feed adapters share (feedjson.h). */
#include "citydeck/feedjson.h"

#include "citydeck/text.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SNIPPET_BYTES 80 /* of a non-JSON body shown in the error */
#define NUMTEXT_BYTES 64 /* longest numeric string read as a number */

void feedjson_set_err(char *err, size_t errsz, const char *fmt, ...)
{
    if (!err || !errsz)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

const char *feedjson_type_name(const cJSON *v)
{
    if (!v)
        return "nothing";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsObject(v))
        return "object";
    return "invalid value";
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

static void not_json(char *err, size_t errsz, const char *p, const char *end)
{
    size_t k = (size_t)(end - p);
    if (k > SNIPPET_BYTES) {
        k = SNIPPET_BYTES;
        while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
            k--; /* cut on a code point, not in the middle of one */
    }
    char *clean = text_clean(p, k, 0);
    feedjson_set_err(err, errsz, "not JSON: %s", clean);
    free(clean);
}

cJSON *feedjson_parse(const char *body, size_t len, char *err, size_t errsz)
{
    if (!body) {
        feedjson_set_err(err, errsz, "empty body");
        return NULL;
    }
    const char *end = body + len;
    const char *p = body;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* cJSON skips a BOM too */
    p = skip_space(p, end);
    if (p == end) {
        feedjson_set_err(err, errsz, "empty body");
        return NULL;
    }
    /* Only a body that starts like a list or an object gets "invalid JSON": anything else is
     * an HTML error page (uReport, old FixMyStreet, reverse proxies, auth gateways), a proxy's
     * plain text or JSONP, and the operator learns more from its first bytes than from a byte
     * offset. */
    bool structured = *p == '[' || *p == '{';
    const char *stop = NULL;
    /* require_null_terminated stays 0: with an explicit length it rejects every body; the
     * trailing bytes are checked below instead. */
    cJSON *root = cJSON_ParseWithLengthOpts(body, len, &stop, 0);
    bool in_body = stop && stop >= body && stop <= end;
    const char *rest = root && in_body ? skip_space(stop, end) : end;
    bool trailing = root && rest < end && *rest != '\0';
    if (root && !trailing)
        return root;
    cJSON_Delete(root);
    if (!structured)
        not_json(err, errsz, p, end);
    else if (trailing)
        feedjson_set_err(err, errsz, "invalid JSON near byte %zu (data after the end)",
                         (size_t)(rest - body));
    else
        feedjson_set_err(err, errsz, "invalid JSON near byte %zu",
                         in_body ? (size_t)(stop - body) : 0);
    return NULL;
}

cJSON *feedjson_parse_object(const char *body, size_t len, const char *what, char *err,
                             size_t errsz)
{
    cJSON *root = feedjson_parse(body, len, err, errsz);
    if (root && !cJSON_IsObject(root)) {
        feedjson_set_err(err, errsz, "%s: expected an object, got %s", what,
                         feedjson_type_name(root));
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

bool feedjson_parse_number(const char *s, double *out)
{
    while (*s == ' ')
        s++;
    char tmp[NUMTEXT_BYTES];
    size_t o = 0, digits = 0;
    const char *p = s;
    if (*p == '+' || *p == '-')
        tmp[o++] = *p++;
    const char *dp = localeconv()->decimal_point;
    size_t dpl = dp && *dp ? strlen(dp) : 0;
    for (; *p; p++) {
        if (o + 4 + dpl >= sizeof tmp)
            return false;
        if (isdigit((unsigned char)*p)) {
            tmp[o++] = *p;
            digits++;
        } else if (*p == '.' && dpl) {
            memcpy(tmp + o, dp, dpl);
            o += dpl;
        } else {
            break;
        }
    }
    if (!digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        tmp[o++] = *p++;
        if (*p == '+' || *p == '-')
            tmp[o++] = *p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p) && o + 1 < sizeof tmp)
            tmp[o++] = *p++;
    }
    while (*p == ' ')
        p++;
    if (*p)
        return false;
    tmp[o] = '\0';
    char *end;
    double d = strtod(tmp, &end);
    if (*end)
        return false;
    *out = d;
    return true;
}

bool feedjson_number(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return true;
    }
    return cJSON_IsString(v) && v->valuestring && feedjson_parse_number(v->valuestring, out);
}

bool feedjson_number_text(double d, char *out, size_t n)
{
    if (!isfinite(d))
        return false;
    if (d == floor(d) && fabs(d) < 1e18) {
        snprintf(out, n, "%.0f", d == 0 ? 0.0 : d); /* 0.0: no "-0" */
        return true;
    }
    snprintf(out, n, "%.15g", d);
    if (strtod(out, NULL) != d)
        snprintf(out, n, "%.17g", d);
    return true;
}

const char *feedjson_scalar_text(const cJSON *v, bool integral_only, char *buf, size_t n)
{
    if (cJSON_IsString(v) && v->valuestring)
        return v->valuestring;
    if (!cJSON_IsNumber(v))
        return NULL;
    double d = v->valuedouble;
    if (integral_only && !(d == floor(d) && fabs(d) < 1e18))
        return NULL;
    return feedjson_number_text(d, buf, n) ? buf : NULL;
}

char *feedjson_clean(const char *raw, size_t len, size_t max)
{
    char *out = text_clean(raw, len, max);
    if (!*out) {
        free(out);
        return NULL;
    }
    return out;
}

char *feedjson_string_member(const cJSON *obj, const char *key, size_t max)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!cJSON_IsString(v) || !v->valuestring)
        return NULL;
    return feedjson_clean(v->valuestring, (size_t)-1, max);
}

bool feedjson_word_is(const char *s, const char *word)
{
    if (!s)
        return false;
    while (*s == ' ')
        s++;
    size_t n = strlen(word);
    if (strncasecmp(s, word, n) != 0)
        return false;
    for (s += n; *s == ' '; s++)
        ;
    return *s == '\0';
}
