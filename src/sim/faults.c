#include "faults.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/util.h"
#include "open311.h"
#include "reply.h"
#include "rng.h"

/* Keys the fault draws apart from every other stream of the simulator. */
#define FAULT_STREAM 0xfa175eedu
#define MAX_PREFIX 200

struct fault {
    enum fault_kind kind;
    long arg, arg2; /* meaning per kind; arg2 = -1 when not given */
    uint64_t size;  /* reset/truncate bytes, oversize target; UINT64_MAX = default */
    char prefix[MAX_PREFIX];
    double prob;
    uint64_t matched; /* requests whose path matched, drawn or not */
};

struct faults {
    uint64_t seed;
    struct fault items[FAULTS_MAX];
    size_t n;
    uint64_t serial;
};

static const struct {
    const char *name;
    enum fault_kind kind;
} kinds[] = {
    {"latency", FAULT_LATENCY},       {"slow", FAULT_SLOW},
    {"status", FAULT_STATUS},         {"reset", FAULT_RESET},
    {"truncate", FAULT_TRUNCATE},     {"malformed", FAULT_MALFORMED},
    {"wrongtypes", FAULT_WRONGTYPES}, {"oversize", FAULT_OVERSIZE},
    {"badutf8", FAULT_BADUTF8},       {"hostile", FAULT_HOSTILE},
    {"etag-churn", FAULT_ETAG_CHURN}, {"html", FAULT_HTML},
};

struct faults *faults_new(uint64_t seed)
{
    struct faults *f = xcalloc(1, sizeof *f);
    f->seed = seed;
    return f;
}

void faults_free(struct faults *f)
{
    free(f);
}

size_t faults_count(const struct faults *f)
{
    return f ? f->n : 0;
}

int faults_parse_size(const char *s, uint64_t *out)
{
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (*end || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

/* Splits "a:b:c" in place; returns the count of parts (at most max). */
static int split_args(char *s, char **parts, int max)
{
    int n = 0;
    parts[n++] = s;
    for (char *p = s; *p && n <= max; p++) {
        if (*p == ':') {
            *p = '\0';
            if (n == max)
                return max + 1;
            parts[n++] = p + 1;
        }
    }
    return n;
}

static int fail(char *err, size_t errsz, const char *spec, const char *why)
{
    snprintf(err, errsz, "bad --fault '%s': %s", spec, why);
    return -1;
}

/* KIND[:ARG[:ARG2]] into ft. */
static int parse_kind(struct fault *ft, char *head, const char *spec, char *err, size_t errsz)
{
    char *parts[3];
    int nparts = split_args(head, parts, 3);
    if (nparts > 3)
        return fail(err, errsz, spec, "too many ':' arguments");
    size_t k = 0;
    while (k < ARRAY_LEN(kinds) && strcmp(kinds[k].name, parts[0]) != 0)
        k++;
    if (k == ARRAY_LEN(kinds))
        return fail(err, errsz, spec,
                    "unknown kind (latency, slow, status, reset, truncate, malformed, "
                    "wrongtypes, oversize, badutf8, hostile, etag-churn, html)");
    ft->kind = kinds[k].kind;
    ft->arg = 0;
    ft->arg2 = -1;
    ft->size = UINT64_MAX;
    const char *a = nparts > 1 ? parts[1] : NULL, *b = nparts > 2 ? parts[2] : NULL;
    switch (ft->kind) {
    case FAULT_LATENCY: {
        if (!a || b)
            return fail(err, errsz, spec, "latency takes MS or MIN-MAX (milliseconds)");
        char *dash = strchr(a, '-');
        if (dash)
            *dash = '\0';
        if (sim_parse_long(a, 0, 600000, &ft->arg) < 0 ||
            (dash && sim_parse_long(dash + 1, ft->arg, 600000, &ft->arg2) < 0))
            return fail(err, errsz, spec, "latency is 0-600000 ms, or MIN-MAX with MIN <= MAX");
        if (!dash)
            ft->arg2 = ft->arg;
        return 0;
    }
    case FAULT_SLOW: {
        uint64_t bps;
        if (!a || b || faults_parse_size(a, &bps) < 0 || bps == 0 || bps > (1u << 30))
            return fail(err, errsz, spec, "slow takes bytes per second, e.g. slow:2000 or 64K");
        ft->arg = (long)bps;
        return 0;
    }
    case FAULT_STATUS:
        if (!a || sim_parse_long(a, 400, 599, &ft->arg) < 0)
            return fail(err, errsz, spec, "status takes a code 400-599, e.g. status:503:30");
        if (b && sim_parse_long(b, 0, 86400 * 7, &ft->arg2) < 0)
            return fail(err, errsz, spec, "Retry-After is 0-604800 seconds");
        return 0;
    case FAULT_RESET:
    case FAULT_TRUNCATE:
        if (b || (a && faults_parse_size(a, &ft->size) < 0))
            return fail(err, errsz, spec, "takes an optional byte count, e.g. truncate:1000");
        if (ft->kind == FAULT_RESET && !a)
            ft->size = 0;
        return 0;
    case FAULT_OVERSIZE:
        if (!a || b || faults_parse_size(a, &ft->size) < 0 || ft->size == 0 ||
            ft->size > FAULTS_MAX_OVERSIZE)
            return fail(err, errsz, spec, "oversize takes a size up to 1G, e.g. oversize:20M");
        return 0;
    default:
        if (a)
            return fail(err, errsz, spec, "takes no argument");
        return 0;
    }
}

/* Cuts a trailing "%PROB" off s into *prob; 0 when there is none, -1 when it is out of
 * range. A '%' not followed by a number to the end (a URL escape in a prefix) stays. */
static int take_prob(char *s, double *prob)
{
    char *pct = strrchr(s, '%');
    if (!pct || !pct[1])
        return 0;
    char *end;
    errno = 0;
    double p = strtod(pct + 1, &end);
    if (*end || errno)
        return 0;
    if (!(p > 0 && p <= 1))
        return -1;
    *prob = p;
    *pct = '\0';
    return 0;
}

int faults_add(struct faults *f, const char *spec, char *err, size_t errsz)
{
    if (f->n == FAULTS_MAX)
        return fail(err, errsz, spec, "too many faults");
    struct fault ft = {.prob = 1.0};
    char *copy = xstrdup(spec);
    /* KIND[:ARG][@PREFIX][%PROB]; KIND[:ARG][%PROB][@PREFIX] is read the same way. */
    char *at = strchr(copy, '@');
    if (at)
        *at = '\0';
    if (take_prob(copy, &ft.prob) < 0 || (at && take_prob(at + 1, &ft.prob) < 0)) {
        free(copy);
        return fail(err, errsz, spec, "the probability after % is in (0, 1]");
    }
    if (at) {
        if (at[1] != '/' || strlen(at + 1) >= MAX_PREFIX) {
            free(copy);
            return fail(err, errsz, spec, "the prefix after @ is a path starting with /");
        }
        str_copy(ft.prefix, at + 1, sizeof ft.prefix);
    }
    int rc = parse_kind(&ft, copy, spec, err, errsz);
    free(copy);
    if (rc < 0)
        return -1;
    f->items[f->n++] = ft;
    return 0;
}

void faults_describe(const struct faults *f, size_t i, char *out, size_t n)
{
    const struct fault *ft = &f->items[i];
    char arg[64] = "";
    switch (ft->kind) {
    case FAULT_LATENCY:
        if (ft->arg2 != ft->arg)
            snprintf(arg, sizeof arg, " %ld-%ld ms", ft->arg, ft->arg2);
        else
            snprintf(arg, sizeof arg, " %ld ms", ft->arg);
        break;
    case FAULT_SLOW:
        snprintf(arg, sizeof arg, " %ld B/s", ft->arg);
        break;
    case FAULT_STATUS:
        snprintf(arg, sizeof arg, ft->arg2 >= 0 ? " %ld, Retry-After %ld" : " %ld", ft->arg,
                 ft->arg2);
        break;
    case FAULT_RESET:
    case FAULT_TRUNCATE:
    case FAULT_OVERSIZE:
        if (ft->kind == FAULT_OVERSIZE)
            snprintf(arg, sizeof arg, " to %llu bytes", (unsigned long long)ft->size);
        else if (ft->kind == FAULT_RESET && ft->size == 0)
            snprintf(arg, sizeof arg, " before the response");
        else if (ft->size == UINT64_MAX)
            snprintf(arg, sizeof arg, " at half the body");
        else
            snprintf(arg, sizeof arg, " after %llu bytes", (unsigned long long)ft->size);
        break;
    default:
        break;
    }
    size_t k = 0;
    while (kinds[k].kind != ft->kind)
        k++;
    snprintf(out, n, "%s%s on %s%s, probability %g", kinds[k].name, arg,
             ft->prefix[0] ? ft->prefix : "every path", ft->prefix[0] ? "*" : "", ft->prob);
}

void faults_plan(struct faults *f, const char *path, struct fault_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->retry_after = -1;
    if (!f)
        return;
    plan->serial = ++f->serial;
    /* One flag per kind: the first listed fault of a kind that matches and draws wins. */
    bool taken[FAULT_KINDS] = {0};
    for (size_t i = 0; i < f->n; i++) {
        struct fault *ft = &f->items[i];
        if (!str_starts_with(path, ft->prefix))
            continue;
        uint64_t k = ++ft->matched;
        struct rng r;
        rng_seed(&r, f->seed, FAULT_STREAM, i, k);
        if (taken[ft->kind] || !(rng_uniform(&r) < ft->prob))
            continue;
        taken[ft->kind] = true;
        switch (ft->kind) {
        case FAULT_LATENCY:
            plan->latency_ms =
                ft->arg + (long)floor(rng_uniform(&r) * (double)(ft->arg2 - ft->arg + 1));
            break;
        case FAULT_SLOW:
            plan->slow_bps = ft->arg;
            break;
        case FAULT_STATUS:
            plan->status = (int)ft->arg;
            plan->retry_after = ft->arg2;
            break;
        case FAULT_RESET:
            plan->reset = true;
            plan->reset_after = ft->size;
            break;
        case FAULT_TRUNCATE:
            plan->truncate = true;
            plan->truncate_after = ft->size;
            break;
        case FAULT_MALFORMED:
            plan->malformed = true;
            plan->variant = (unsigned)((k - 1) % 3);
            break;
        case FAULT_WRONGTYPES:
            plan->wrongtypes = true;
            break;
        case FAULT_OVERSIZE:
            plan->oversize = ft->size;
            break;
        case FAULT_BADUTF8:
            plan->badutf8 = true;
            break;
        case FAULT_HOSTILE:
            plan->hostile = true;
            break;
        case FAULT_ETAG_CHURN:
            plan->etag_churn = true;
            break;
        case FAULT_HTML:
            plan->html = true;
            break;
        case FAULT_KINDS:
            break;
        }
    }
}

/* ---- body rewrites ---- */

/* Human text (names, descriptions, addresses), as opposed to ids, codes and dates: breaking
 * those would make a client drop the record before the hostile text ever reaches a screen. */
static bool is_text(const char *s)
{
    for (; *s; s++)
        if (*s == ' ' || (unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* Where to splice into a text string: after its first space, so the payload sits inside the
 * text a client shows; the end when there is none. */
static size_t splice_point(const char *s)
{
    const char *sp = strchr(s, ' ');
    return sp ? (size_t)(sp - s + 1) : strlen(s);
}

static char *splice(const char *s, const char *payload)
{
    size_t at = splice_point(s);
    return xasprintf("%.*s%s%s", (int)at, s, payload, s + at);
}

/* Sequences no UTF-8 decoder may accept. */
static const char *const bad_utf8[] = {
    "\xC3\x28",             /* lead byte followed by ASCII */
    "\xFF",                 /* never valid */
    "\xC0\xAF",             /* overlong '/' */
    "\x80\x80",             /* lone continuation bytes */
    "\xE1\xBA",             /* a Vietnamese letter cut short */
    "\xED\xA0\x80",         /* UTF-16 surrogate D800 */
    "\xF4\x90\x80\x80",     /* above U+10FFFF */
    "\xF8\x88\x80\x80\x80", /* 5-byte form */
    "\xFE\xFE",             /* UTF-16 BOM bytes */
};

/* What a terminal must never receive from remote text: each would repaint, retitle, write the
 * clipboard, answer back, or reorder what is shown. */
static const char *const hostile[] = {
    "\x1b[2J\x1b[H",              /* clear screen, cursor home */
    "\x1b[31;1;5m",               /* red, bold, blinking, never reset */
    "\x1b]0;citydeck pwned\x07",  /* OSC 0: window title */
    "\x1b]52;c;cm0gLXJmIH4K\x07", /* OSC 52: write the clipboard */
    "\xe2\x80\xae"
    "fdp.exe", /* U+202E RIGHT-TO-LEFT OVERRIDE */
    "\xe2\x81\xa6"
    "isolated", /* U+2066 LEFT-TO-RIGHT ISOLATE, never closed */
    "\xc2\x9b"
    "7m",                                   /* U+009B, the C1 CSI: reverse video */
    "\xe2\x80\x8b\xe2\x80\x8d\xef\xbb\xbf", /* zero-width space and joiner, BOM */
    "\r\x1b[K",                             /* carriage return, erase line */
    "\b\b\b\b",                             /* backspaces */
    "\x1bP+q544e\x1b\\",                    /* DCS: a terminfo query the terminal answers */
    "\x1b[6n",                              /* device status report: the terminal types back */
    "\x1b]8;;http://evil.invalid/\x1b\\link\x1b]8;;\x1b\\", /* OSC 8 hyperlink */
    "\x1b[?1049h",                                          /* switch to the alternate screen */
    "\xe2\x80\x8f\xe2\x80\x8e\xe2\x81\xa8",                 /* RLM, LRM, FSI */
};

struct walk {
    const struct fault_plan *plan;
    unsigned count; /* text strings or scalars seen, picks the payload in turn */
};

static cJSON *retyped(cJSON *item, struct walk *w)
{
    if (cJSON_IsString(item)) {
        const char *s = item->valuestring;
        char *end;
        double d = strtod(s, &end);
        if (*s && !*end && isfinite(d) && !isspace((unsigned char)*s))
            return cJSON_CreateNumber(d); /* "0123" ids lose their zero, as in the wild */
        switch (w->count++ % 3) {
        case 0: { /* a scalar wrapped in a one-element array (old FixMyStreet) */
            cJSON *arr = cJSON_CreateArray();
            cJSON_AddItemToArray(arr, cJSON_CreateString(s));
            return arr;
        }
        case 1:
            return cJSON_CreateNull();
        default:
            return cJSON_CreateNumber((double)strlen(s));
        }
    }
    if (cJSON_IsNumber(item)) {
        char num[40];
        double v = item->valuedouble;
        /* Shortest form that reads back the same, as cJSON prints numbers. */
        snprintf(num, sizeof num, "%.15g", v);
        if (strtod(num, NULL) != v)
            snprintf(num, sizeof num, "%.17g", v);
        return cJSON_CreateString(num);
    }
    if (cJSON_IsBool(item))
        return cJSON_CreateString(cJSON_IsTrue(item) ? "true" : "false");
    if (cJSON_IsNull(item))
        return cJSON_CreateString("");
    return NULL;
}

static void rewrite_tree(cJSON *node, struct walk *w)
{
    cJSON *child = node->child;
    while (child) {
        cJSON *next = child->next;
        cJSON *repl = NULL;
        if (cJSON_IsObject(child) || cJSON_IsArray(child)) {
            rewrite_tree(child, w);
        } else if (w->plan->wrongtypes) {
            repl = retyped(child, w);
        } else if (cJSON_IsString(child) && is_text(child->valuestring)) {
            const char *payload = w->plan->badutf8 ? bad_utf8[w->count % ARRAY_LEN(bad_utf8)]
                                                   : hostile[w->count % ARRAY_LEN(hostile)];
            w->count++;
            char *s = splice(child->valuestring, payload);
            if (w->plan->badutf8 && w->plan->hostile) {
                char *both = splice(s, hostile[w->count % ARRAY_LEN(hostile)]);
                free(s);
                s = both;
            }
            repl = cJSON_CreateString(s);
            free(s);
        }
        if (repl) {
            /* ReplaceItemViaPointer keeps the replacement's (absent) key: hand over ours. */
            repl->string = child->string;
            repl->type |= child->type & cJSON_StringIsConst;
            child->string = NULL;
            cJSON_ReplaceItemViaPointer(node, child, repl);
        }
        child = next;
    }
}

static char *rewrite_json(const struct fault_plan *plan, char *body, size_t *len)
{
    cJSON *root = cJSON_ParseWithLength(body, *len);
    if (!root)
        return body;
    struct walk w = {.plan = plan};
    if (cJSON_IsObject(root) || cJSON_IsArray(root)) {
        rewrite_tree(root, &w);
    } else if (plan->wrongtypes) {
        cJSON *repl = retyped(root, &w);
        if (repl) {
            cJSON_Delete(root);
            root = repl;
        }
    }
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!out)
        return body;
    free(body);
    *len = strlen(out);
    return out;
}

/* Step back to the start of a UTF-8 sequence, so a cut leaves no broken character. */
static size_t utf8_floor(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

static char *malformed(unsigned variant, char *body, size_t *len)
{
    char *out;
    switch (variant % 3) {
    case 0: /* the document cut in half, though the transfer is complete */
        *len = utf8_floor(body, *len / 2);
        body[*len] = '\0';
        return body;
    case 1: { /* a trailing comma before the closing bracket */
        size_t end = *len;
        while (end > 0 && isspace((unsigned char)body[end - 1]))
            end--;
        size_t at = end > 0 && (body[end - 1] == ']' || body[end - 1] == '}') ? end - 1 : end;
        out = xasprintf("%.*s,%s", (int)at, body, body + at);
        break;
    }
    default: /* the anti-XSSI prefix some APIs put before JSON */
        out = xasprintf(")]}'\n%s", body);
        break;
    }
    free(body);
    *len = strlen(out);
    return out;
}

static const char html_page[] =
    "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
    "<title>Hệ thống đang bảo trì</title></head>\n<body><h1>Hệ thống đang bảo trì</h1>"
    "<p>Cổng dữ liệu tạm thời gián đoạn. Vui lòng thử lại sau.</p>"
    "<p><small>citydeck-sim fault: html</small></p></body></html>\n";

char *faults_rewrite(const struct fault_plan *plan, char *body, size_t *len, int *status,
                     const char **content_type)
{
    if (plan->status) {
        free(body);
        *status = plan->status;
        *content_type = NULL;
        body = open311_error(plan->status, "simulated fault: HTTP %d%s", plan->status,
                             plan->retry_after >= 0 ? ", retry later" : "");
        *len = strlen(body);
    }
    if (plan->html) {
        free(body);
        body = xstrdup(html_page);
        *len = strlen(body);
        *content_type = "text/html; charset=utf-8";
        return body; /* the JSON faults below have nothing to work on */
    }
    if (plan->wrongtypes || plan->badutf8 || plan->hostile)
        body = rewrite_json(plan, body, len);
    if (plan->malformed)
        body = malformed(plan->variant, body, len);
    return body;
}

size_t faults_pad_offset(const char *body, size_t len)
{
    return len > 0 && (body[0] == '[' || body[0] == '{') ? 1 : len;
}
