/* The alerts state file: acks, silences and events, so a restarted console shows the same
 * events, still acked, with their start, peak and count.
 *
 * Text, one record per line, fields separated by tabs (docs/alerts.md):
 *   citydeck-alerts	1
 *   silence	RULE	UNIT	UNTIL
 *   event	KEY	RULE	KIND	TARGET	TARGET_ID	UNIT	UNIT_NAME	SEV
 * PEAK_SEV	MESSAGE VALUE_UNIT	VALUE	THRESHOLD	PEAK	LOWER START	END	LAST
 * COUNT	ACKED	ACK_NOTE ACK_TIME	ACK_SEV	SILENCED Strings escape backslash, tab,
 * newline and carriage return as \\ \t \n \r; \N is NULL. Times are epoch seconds, "-" for none.
 * Written atomically (htop's settings: a temporary file in the same directory, fsync, rename), mode
 * 0600 in a 0700 directory. */
#include "alert_internal.h"

#include "citydeck/clock.h"
#include "citydeck/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_MAGIC "citydeck-alerts"
#define STATE_VERSION 1
#define STATE_MAX_BYTES (16u << 20)
#define EVENT_FIELDS 25

/* The value units kinds use (alert_event.value_unit points at static strings). */
static const char *const value_units[] = {"",    "µg/m³", "m", "cm",       "phút", "hồ sơ",
                                          "giờ", "lần",   "%", "phản ánh", "điểm"};

char *alerts_state_path(void)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    /* The XDG spec: a relative path is invalid and must be ignored. */
    if (xdg && xdg[0] == '/')
        return xasprintf("%s/citydeck/alerts.state", xdg);
    const char *home = getenv("HOME");
    if (home && *home)
        return xasprintf("%s/.local/state/citydeck/alerts.state", home);
    return NULL;
}

/* ---- writing ------------------------------------------------------------------------------ */

static void put_str(struct buf *b, const char *s)
{
    buf_append(b, "\t", 1);
    if (!s) {
        buf_append(b, "\\N", 2);
        return;
    }
    for (; *s; s++) {
        switch (*s) {
        case '\\':
            buf_append(b, "\\\\", 2);
            break;
        case '\t':
            buf_append(b, "\\t", 2);
            break;
        case '\n':
            buf_append(b, "\\n", 2);
            break;
        case '\r':
            buf_append(b, "\\r", 2);
            break;
        default:
            buf_append(b, s, 1);
        }
    }
}

static void put_time(struct buf *b, int64_t t)
{
    if (t == TIME_NONE)
        buf_append(b, "\t-", 2);
    else
        buf_appendf(b, "\t%" PRId64, t);
}

static void put_num(struct buf *b, double v)
{
    if (isnan(v))
        buf_append(b, "\tnan", 4);
    else
        buf_appendf(b, "\t%.17g", v);
}

static void put_event(struct buf *b, const struct alert_event *e)
{
    buf_append(b, "event", 5);
    put_str(b, e->key);
    put_str(b, e->rule);
    put_str(b, alert_kind_code(e->kind));
    put_str(b, alert_target_code(e->target));
    put_str(b, e->target_id);
    put_str(b, e->unit_code);
    put_str(b, e->unit_name);
    put_str(b, alert_severity_code(e->severity));
    put_str(b, alert_severity_code(e->peak_severity));
    put_str(b, e->message);
    put_str(b, e->value_unit);
    put_num(b, e->value);
    put_num(b, e->threshold);
    put_num(b, e->peak);
    buf_appendf(b, "\t%d", e->lower_is_worse);
    put_time(b, e->start);
    put_time(b, e->end);
    put_time(b, e->last_change);
    buf_appendf(b, "\t%u\t%d", e->count, e->acked);
    put_str(b, e->ack_note);
    put_time(b, e->ack_time);
    put_str(b, alert_severity_code(e->ack_severity));
    buf_appendf(b, "\t%d\n", e->silenced);
}

/* mkdir -p, creating what is missing with mode 0700 (existing directories keep theirs). */
static int make_dirs(const char *dir, char *err, size_t errsz)
{
    char *p = xstrdup(dir);
    for (char *q = p + 1;; q++) {
        if (*q != '/' && *q != '\0')
            continue;
        char c = *q;
        *q = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errsz, "%s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *q = c;
        if (!c)
            break;
    }
    free(p);
    return 0;
}

int alerts_state_save(struct alerts *a, const char *path, char *err, size_t errsz)
{
    char dummy[8];
    if (!err || !errsz) {
        err = dummy;
        errsz = sizeof dummy;
    }
    err[0] = '\0';
    if (!a || !path || !*path) {
        snprintf(err, errsz, "alerts state: no file to save to");
        return -1;
    }
    if (a->read_only) {
        snprintf(err, errsz, "%s: read-only: the alerts state is not saved", path);
        return -1;
    }
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    if (make_dirs(dir, err, errsz) != 0) {
        free(dir);
        return -1;
    }

    struct buf b = {0};
    buf_appendf(&b, "%s\t%d\n", STATE_MAGIC, STATE_VERSION);
    for (size_t i = 0; i < a->nsilences; i++) {
        buf_append(&b, "silence", 7);
        put_str(&b, a->silences[i].rule ? a->silences[i].rule : "*");
        put_str(&b, a->silences[i].unit_code ? a->silences[i].unit_code : "*");
        put_time(&b, a->silences[i].until);
        buf_append(&b, "\n", 1);
    }
    for (size_t i = 0; i < a->nhist; i++)
        put_event(&b, a->hist[i]);
    for (size_t i = 0; i < a->nentries; i++)
        if (a->entries[i]->ev)
            put_event(&b, a->entries[i]->ev);

    char *tmp = xasprintf("%s/.alerts.state.XXXXXX", dir);
    int rc = -1;
    int fd = mkstemp(tmp); /* 0600 already; fchmod makes sure whatever the umask did */
    if (fd < 0) {
        snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) != 0) {
        snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = write(fd, b.data + off, b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(err, errsz, "%s: %s", tmp, w < 0 ? strerror(errno) : "short write");
            close(fd);
            unlink(tmp);
            goto out;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    /* The rename itself is durable once the directory is synced. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    a->state_dirty = false;
    rc = 0;
out:
    free(tmp);
    free(dir);
    buf_free(&b);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* Splits a line at tabs in place, unescaping each field; NULL fields for \N. */
static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        char *start = p, *w = p;
        bool null = false;
        for (; *p && *p != '\t'; p++) {
            if (*p == '\\' && p[1]) {
                p++;
                switch (*p) {
                case 't':
                    *w++ = '\t';
                    break;
                case 'n':
                    *w++ = '\n';
                    break;
                case 'r':
                    *w++ = '\r';
                    break;
                case 'N':
                    null = true;
                    break;
                default:
                    *w++ = *p;
                }
            } else {
                *w++ = *p;
            }
        }
        bool more = *p == '\t';
        *w = '\0';
        fields[n++] = null ? NULL : start;
        if (!more)
            break;
        p++;
    }
    return n;
}

static bool get_time(const char *s, int64_t *out)
{
    if (!s)
        return false;
    if (strcmp(s, "-") == 0) {
        *out = TIME_NONE;
        return true;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s)
        return false;
    *out = v;
    return true;
}

static bool get_num(const char *s, double *out)
{
    if (!s)
        return false;
    if (strcmp(s, "nan") == 0) {
        *out = NAN;
        return true;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || end == s || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool get_sev(const char *s, enum alert_severity *out)
{
    if (!s)
        return false;
    if (strcmp(s, "critical") == 0)
        *out = ALERT_CRITICAL;
    else if (strcmp(s, "warn") == 0)
        *out = ALERT_WARN;
    else if (*s == '\0')
        *out = ALERT_NONE;
    else
        return false;
    return true;
}

static bool get_flag(const char *s, bool *out)
{
    if (!s || (strcmp(s, "0") != 0 && strcmp(s, "1") != 0))
        return false;
    *out = s[0] == '1';
    return true;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static const char *parse_event(char **f, struct alert_event **out)
{
    struct alert_event *e = alerts_event_new();
    *out = e;
    long long count;
    char *end;
    const char *unit = f[11];
    e->value_unit = "";
    for (size_t i = 0; unit && i < ARRAY_LEN(value_units); i++)
        if (strcmp(unit, value_units[i]) == 0)
            e->value_unit = value_units[i];
    bool targeted = false;
    for (int t = 0; t < ATT_COUNT && f[4]; t++) {
        if (strcmp(f[4], alert_target_code((enum alert_target)t)) == 0) {
            e->target = (enum alert_target)t;
            targeted = true;
        }
    }
    if (!f[1] || !*f[1] || !f[2] || !f[5])
        return "an event without its key, rule or target";
    if (!alert_kind_parse(f[3], &e->kind))
        return "unknown kind";
    if (!targeted)
        return "unknown target type";
    if (!get_sev(f[8], &e->severity) || !get_sev(f[9], &e->peak_severity) ||
        !get_sev(f[23], &e->ack_severity))
        return "bad severity";
    if (!get_num(f[12], &e->value) || !get_num(f[13], &e->threshold) || !get_num(f[14], &e->peak))
        return "bad number";
    if (!get_flag(f[15], &e->lower_is_worse) || !get_flag(f[20], &e->acked) ||
        !get_flag(f[24], &e->silenced))
        return "bad flag";
    if (!get_time(f[16], &e->start) || !get_time(f[17], &e->end) ||
        !get_time(f[18], &e->last_change) || !get_time(f[22], &e->ack_time))
        return "bad time";
    errno = 0;
    count = f[19] ? strtoll(f[19], &end, 10) : -1;
    if (!f[19] || errno || *end || count < 1 || count > UINT32_MAX)
        return "bad count";
    if (e->severity == ALERT_NONE)
        return "an event without a severity";
    e->count = (unsigned)count;
    e->key = xstrdup(f[1]);
    e->rule = xstrdup(f[2]);
    e->target_id = xstrdup(f[5]);
    e->unit_code = dup_or_null(f[6]);
    e->unit_name = dup_or_null(f[7]);
    e->message = dup_or_null(f[10]);
    e->ack_note = dup_or_null(f[21]);
    return NULL;
}

static void clear_all(struct alerts *a)
{
    /* Entries own their events; dropping them all is the way to start over. */
    while (a->nentries > 0)
        alerts_entry_free(a, a->entries[a->nentries - 1]);
    free(a->map.slots);
    memset(&a->map, 0, sizeof a->map);
    for (size_t i = 0; i < a->nhist; i++)
        alerts_event_free(a->hist[i]);
    a->nhist = 0;
    for (size_t i = 0; i < a->nsilences; i++) {
        free(a->silences[i].rule);
        free(a->silences[i].unit_code);
    }
    a->nsilences = 0;
}

int alerts_state_load(struct alerts *a, const char *path, char *err, size_t errsz)
{
    char dummy[8];
    if (!err || !errsz) {
        err = dummy;
        errsz = sizeof dummy;
    }
    err[0] = '\0';
    if (!a || !path)
        return -1;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        if (errno == ENOENT)
            return 0; /* first run */
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct buf b = {0};
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.len <= STATE_MAX_BYTES)
        buf_append(&b, chunk, got);
    bool rerr = ferror(fp);
    fclose(fp);
    if (rerr || b.len > STATE_MAX_BYTES) {
        snprintf(err, errsz, "%s: %s", path, rerr ? "read error" : "larger than 16 MB");
        buf_free(&b);
        return -1;
    }

    struct alert_event **events = NULL;
    size_t nev = 0, evcap = 0;
    struct alert_silence *sil = NULL;
    size_t nsil = 0, silcap = 0;
    const char *bad = NULL;
    int lineno = 0;
    char *p = b.data ? b.data : "";
    while (*p && !bad) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        char *f[EVENT_FIELDS + 1];
        size_t n = split(p, f, ARRAY_LEN(f));
        if (lineno == 1) {
            if (n != 2 || !f[0] || strcmp(f[0], STATE_MAGIC) != 0 || !f[1])
                bad = "not a citydeck alerts state file";
            else if (strcmp(f[1], "1") != 0)
                bad = "a state file version this program does not know";
        } else if (n == 0 || !f[0] || !*f[0] || f[0][0] == '#') {
            /* blank line or comment */
        } else if (strcmp(f[0], "silence") == 0) {
            int64_t until;
            if (n != 4 || !f[1] || !f[2] || !get_time(f[3], &until) || until == TIME_NONE) {
                bad = "bad silence record";
            } else {
                sil = xgrow(sil, &silcap, nsil + 1, sizeof *sil);
                sil[nsil++] =
                    (struct alert_silence){strcmp(f[1], "*") == 0 ? NULL : xstrdup(f[1]),
                                           strcmp(f[2], "*") == 0 ? NULL : xstrdup(f[2]), until};
            }
        } else if (strcmp(f[0], "event") == 0) {
            struct alert_event *e = NULL;
            bad = n == EVENT_FIELDS ? parse_event(f, &e) : "an event with the wrong field count";
            if (bad) {
                alerts_event_free(e);
            } else {
                events = xgrow(events, &evcap, nev + 1, sizeof *events);
                events[nev++] = e;
            }
        } /* other record types: from a newer version, skipped */
        p = nl ? nl + 1 : p + strlen(p);
    }
    buf_free(&b);
    if (bad) {
        snprintf(err, errsz, "%s:%d: %s", path, lineno, bad);
        for (size_t i = 0; i < nev; i++)
            alerts_event_free(events[i]);
        for (size_t i = 0; i < nsil; i++) {
            free(sil[i].rule);
            free(sil[i].unit_code);
        }
        free(events);
        free(sil);
        return -1;
    }

    clear_all(a);
    free(a->silences);
    a->silences = sil;
    a->nsilences = nsil;
    a->scap = silcap;
    for (size_t i = 0; i < nev; i++)
        alerts_entry_restore(a, events[i]);
    free(events);
    a->need_full = true;
    a->loaded = true;
    a->state_dirty = false;
    alerts_changed(a);
    return 0;
}
