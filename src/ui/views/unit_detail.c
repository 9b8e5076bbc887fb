/* One commune or ward on one screen: who it is (name, type, code, population, its place in
 * the ranking), its dossiers (by deadline state, rates, the most overdue), its complaints
 * (open by category, the most urgent), its sensors (latest value with band or alarm level),
 * its indicators for the latest period (completion bars) and its active alerts.
 *
 * The unit is the frame's scope (the ranking's Enter), else ctx->arg as a code, else the worst
 * unit of the ranking. Every line is an entry; ↑/↓ select among the entries shown and Enter
 * opens what the line stands for (the overdue list, a dossier, a complaint, a sensor, the
 * indicators, the alerts), scoped to the unit. Panels fold by priority on small terminals and
 * sit in two columns on wide ones.
 *
 * recalc builds the entries (one pass over the dossiers, complaints and sensors filtered by
 * unit); draw only lays them out. Alert entries come last so a change of the alerts alone
 * rebuilds just them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/alerts.h"
#include "citydeck/bar.h"
#include "citydeck/clock.h"
#include "citydeck/deadline.h"
#include "citydeck/fmt.h"
#include "citydeck/panel.h"
#include "citydeck/period.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/unit_rank.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

enum panel { P_ALERTS, P_DOSSIERS, P_COMPLAINTS, P_SENSORS, P_INDICATORS, P_COUNT };

enum entry_kind {
    E_NONE, /* information only: not selectable */
    E_DOSSIERS,
    E_DOSSIER,
    E_COMPLAINTS,
    E_COMPLAINT,
    E_SENSORS,
    E_SENSOR,
    E_INDICATORS,
    E_ALERTS,
};

struct panel_info {
    const char *title;
    const char *feed;
    int priority;
};

static const struct panel_info panels[P_COUNT] = {
    [P_ALERTS] = {"Cảnh báo", NULL, 35},
    [P_DOSSIERS] = {"Hồ sơ", "dossiers", 50},
    [P_COMPLAINTS] = {"Phản ánh", "complaints", 40},
    [P_SENSORS] = {"Cảm biến", "sensors", 30},
    [P_INDICATORS] = {"Chỉ tiêu", "indicators", 20},
};

#define TOP_N 5
#define MAX_SENSORS 40
#define MAX_ALERTS 20
#define WIDE 150      /* two columns of panels from this width */
#define ALERT_LINES 6 /* at most this many lines of the alerts panel (the count and 5 events) */

/* A line: either one text (wide) or an id, a state and a text in columns; indicators add a
 * completion bar before the last cell. */
struct entry {
    enum entry_kind kind;
    enum panel panel;
    char id[128];
    char col1[48]; /* shown instead of the id when set (a sensor's kind) */
    char state[160];
    char text[320];
    char word[40]; /* indicators: Đạt / Chưa đạt ... after the bar */
    int order;     /* indicators: not met, not reported, no plan, met */
    enum theme_role state_role, text_role, word_role;
    bool wide;
    bool has_bar;
    double bar; /* completion, > 1 overflows */
    char tsv[512];
};

struct unit_view {
    struct view base;
    char code[32];
    bool pressing; /* no scope, no arg: the worst unit was picked */
    bool known;    /* in the unit list or named by a record */
    char name[128];
    enum unit_type type;
    int64_t population;
    size_t rank, nunits;
    char period[32];
    struct entry *entries;
    size_t n, cap;
    size_t alerts_from; /* the first alert entry */
    bool alerts_on;
    uint64_t alerts_gen;
    size_t a_active, a_critical;
    size_t sel;
    /* The entries in the order the last frame drew them (screen order: the alerts panel sits
     * on top, columns read left then right); arrows follow it. norder 0 before a draw. */
    size_t *order;
    size_t norder, order_cap;
    /* numbers for export */
    struct dossier_stats ds;
    bool has_ds;
    struct complaint_stats cs;
    bool has_cs;
    struct indicator_tally tally;
};

/* ---- formatting ------------------------------------------------------------------------- */

/* An id padded to cols, or its tail after "…" when it does not fit: hub ids share their
 * prefix ("H51.23293-261120-0107"), the end is what tells them apart. */
static void fit_tail(const char *id, int cols, char *out, size_t n)
{
    int w = text_width(id);
    if (w <= cols || cols < 4) {
        text_pad(id, cols, 0, out, n);
        return;
    }
    const char *p = id;
    while (*p && text_width(p) > cols - 1) {
        p++;
        while ((*p & 0xC0) == 0x80)
            p++;
    }
    char tail[256];
    snprintf(tail, sizeof tail, "%s%s", text_ascii() ? "." : "…", p);
    text_pad(tail, cols, 0, out, n);
}

/* ---- ranking: the same order as the Xếp hạng view (worst first) -------------------------- */

/* The unit codes to rank: the unit list's communes and wards, else the codes the dossiers
 * name. Returns how many; *out is allocated. */
static size_t unit_codes(const struct store *s, const char ***out)
{
    size_t n = unit_table_leaves(s->units, NULL, 0);
    if (n > 0) {
        const struct unit **leaves = xmalloc(n * sizeof *leaves);
        unit_table_leaves(s->units, leaves, n);
        const char **codes = xmalloc(n * sizeof *codes);
        for (size_t i = 0; i < n; i++)
            codes[i] = leaves[i]->code;
        free(leaves);
        *out = codes;
        return n;
    }
    n = dossier_table_unit_count(s->dossiers);
    const char **codes = xmalloc((n ? n : 1) * sizeof *codes);
    for (size_t i = 0; i < n; i++)
        codes[i] = dossier_table_unit_code(s->dossiers, i);
    *out = codes;
    return n;
}

/* The worst unit's code (NULL if there is none) and, for code, its rank (1 = worst). */
static const char *rank_units(const struct store *s, const char *code, size_t *rank, size_t *total)
{
    const char **codes;
    size_t n = unit_codes(s, &codes);
    const char *worst = NULL;
    struct unit_rank wk = {0}, mine = {0};
    if (code)
        mine = unit_rank_of(s, code);
    *rank = 0;
    *total = n;
    size_t worse = 0;
    bool listed = false;
    for (size_t i = 0; i < n; i++) {
        struct unit_rank k = unit_rank_of(s, codes[i]);
        if (!worst || unit_rank_cmp(&k, &wk) < 0) {
            worst = codes[i];
            wk = k;
        }
        if (code && str_eq(codes[i], code))
            listed = true;
        else if (code && unit_rank_cmp(&k, &mine) < 0)
            worse++;
    }
    if (listed)
        *rank = worse + 1;
    free(codes);
    return worst;
}

/* ---- entries ---------------------------------------------------------------------------- */

static struct entry *add(struct unit_view *v, enum panel p, enum entry_kind kind)
{
    v->entries = xgrow(v->entries, &v->cap, v->n + 1, sizeof *v->entries);
    struct entry *e = &v->entries[v->n++];
    memset(e, 0, sizeof *e);
    e->panel = p;
    e->kind = kind;
    e->state_role = e->text_role = e->word_role = TH_NORMAL;
    return e;
}

static struct entry *add_text(struct unit_view *v, enum panel p, enum entry_kind kind,
                              enum theme_role role, const char *text)
{
    struct entry *e = add(v, p, kind);
    e->wide = true;
    e->text_role = role;
    fmt_text(text, e->text, sizeof e->text);
    return e;
}

/* Puts item at pos of a best-first list of at most TOP_N, the last one dropping out when it is
 * full; nothing when pos is past the end. */
static void top_insert(size_t *top, size_t *ntop, size_t pos, size_t item)
{
    if (pos >= TOP_N)
        return;
    size_t last = *ntop < TOP_N ? *ntop : TOP_N - 1;
    memmove(&top[pos + 1], &top[pos], (last - pos) * sizeof top[0]);
    top[pos] = item;
    if (*ntop < TOP_N)
        (*ntop)++;
}

/* Overdue before due soon, then the earlier due date, then the id. */
static bool dossier_before(const struct dossier_table *t, size_t i, size_t j)
{
    const struct dossier *d = dossier_table_at(t, i), *o = dossier_table_at(t, j);
    enum deadline_state ds = dossier_table_deadline_at(t, i);
    enum deadline_state os = dossier_table_deadline_at(t, j);
    if (ds != os)
        return ds == DL_OVERDUE;
    return d->due != o->due ? d->due < o->due : strcmp(d->id, o->id) < 0;
}

static void build_dossiers(struct unit_view *v, const struct view_ctx *ctx)
{
    const struct dossier_table *t = ctx->store->dossiers;
    const struct dossier_stats *st = dossier_table_unit_stats(t, v->code);
    char a[32], b[32], c[32], line[240];
    v->has_ds = st && st->dossiers > 0;
    if (!v->has_ds) {
        add_text(v, P_DOSSIERS, E_NONE, TH_DIM, "Chưa có hồ sơ của xã/phường này.");
        return;
    }
    v->ds = *st;
    fmt_count(st->open, a, sizeof a);
    snprintf(line, sizeof line, "Đang giải quyết %s: còn hạn %zu · sắp đến hạn %zu · quá hạn %zu",
             a, st->ok, st->due_soon, st->overdue);
    add_text(v, P_DOSSIERS, E_DOSSIERS, st->overdue ? TH_BAD : TH_NORMAL, line);
    fmt_count(st->finished, a, sizeof a);
    fmt_pct(dossier_stats_on_time_rate(st), b, sizeof b);
    fmt_pct(dossier_stats_online_rate(st), c, sizeof c);
    snprintf(line, sizeof line,
             "Đã giải quyết %s: trước hạn %zu · đúng hạn %zu · trễ hạn %zu %s đúng hạn %s · "
             "trực tuyến %s",
             a, st->early, st->on_time, st->late, text_ascii() ? "|" : "│", b, c);
    add_text(v, P_DOSSIERS, E_DOSSIERS, TH_NORMAL, line);

    /* The most pressing open dossiers: overdue (longest first), then due soon. */
    size_t top[TOP_N], ntop = 0;
    size_t n = dossier_table_count(t);
    for (size_t i = 0; i < n; i++) {
        const struct dossier *d = dossier_table_at(t, i);
        if (!str_eq(d->unit_code, v->code))
            continue;
        enum deadline_state ds = dossier_table_deadline_at(t, i);
        if (ds != DL_OVERDUE && ds != DL_DUE_SOON)
            continue;
        size_t pos = ntop;
        while (pos > 0 && dossier_before(t, i, top[pos - 1]))
            pos--;
        top_insert(top, &ntop, pos, i);
    }
    if (ntop == 0) {
        add_text(v, P_DOSSIERS, E_NONE, TH_OK, "Không có hồ sơ quá hạn hay sắp đến hạn.");
        return;
    }
    for (size_t k = 0; k < ntop; k++) {
        const struct dossier *d = dossier_table_at(t, top[k]);
        enum deadline_state ds = dossier_table_deadline_at(t, top[k]);
        struct entry *e = add(v, P_DOSSIERS, E_DOSSIER);
        char proc[200];
        fmt_text(d->procedure, proc, sizeof proc);
        str_copy(e->id, d->id, sizeof e->id);
        deadline_text(ds, d->due, ctx->now, e->state, sizeof e->state);
        e->state_role = deadline_role(ds);
        snprintf(e->text, sizeof e->text, "%s · %s", proc, dossier_status_label(d->status));
        snprintf(e->tsv, sizeof e->tsv, "dossier\t%s\t%s\t%s", e->id,
                 ds == DL_OVERDUE ? "overdue" : "due_soon", proc);
    }
}

/* Most urgent first, as the complaint queue orders them. */
static bool complaint_before(const struct complaint *x, const struct complaint *y, int64_t now)
{
    int rx = deadline_rank(complaint_deadline(x, now), x->urgency == CURG_URGENT);
    int ry = deadline_rank(complaint_deadline(y, now), y->urgency == CURG_URGENT);
    if (rx != ry)
        return rx < ry;
    if (x->expected != y->expected)
        return x->expected < y->expected;
    return strcmp(x->id, y->id) < 0;
}

static void build_complaints(struct unit_view *v, const struct view_ctx *ctx)
{
    const struct complaint_table *t = ctx->store->complaints;
    const struct complaint_stats *st = complaint_table_unit_stats(t, v->code);
    char a[32], b[32], line[240];
    v->has_cs = st && st->complaints > 0;
    if (!v->has_cs) {
        add_text(v, P_COMPLAINTS, E_NONE, TH_DIM, "Chưa có phản ánh của xã/phường này.");
        return;
    }
    v->cs = *st;
    fmt_count(st->open, a, sizeof a);
    fmt_pct(complaint_stats_satisfaction_rate(st), b, sizeof b);
    snprintf(line, sizeof line,
             "Đang mở %s · quá hạn %zu · sắp đến hạn %zu · khẩn chưa tiếp nhận %zu · hài lòng %s",
             a, st->overdue, st->due_soon, st->urgent_unaccepted, b);
    add_text(v, P_COMPLAINTS, E_COMPLAINTS, st->overdue ? TH_BAD : TH_NORMAL, line);

    /* Open ones by category, largest first. */
    struct buf cats = {0};
    bool used[COMPLAINT_CATEGORY_MAX] = {0};
    size_t ncat = complaint_table_category_count(t);
    for (int round = 0; round < 6; round++) {
        size_t best = (size_t)-1;
        for (size_t k = 0; k < ncat && k < COMPLAINT_CATEGORY_MAX; k++)
            if (!used[k] && st->open_by_category[k] &&
                (best == (size_t)-1 || st->open_by_category[k] > st->open_by_category[best]))
                best = k;
        if (best == (size_t)-1)
            break;
        used[best] = true;
        const char *name = complaint_table_category_name(t, best);
        buf_appendf(&cats, "%s%s %zu", cats.len ? " · " : "Theo lĩnh vực: ", name ? name : "Khác",
                    st->open_by_category[best]);
    }
    if (cats.len)
        add_text(v, P_COMPLAINTS, E_COMPLAINTS, TH_NORMAL, cats.data);
    buf_free(&cats);

    size_t top[TOP_N], ntop = 0;
    size_t n = complaint_table_count(t);
    for (size_t i = 0; i < n; i++) {
        const struct complaint *c = complaint_table_at(t, i);
        if (!c->open || !str_eq(c->unit_code, v->code))
            continue;
        size_t pos = ntop;
        while (pos > 0 && complaint_before(c, complaint_table_at(t, top[pos - 1]), ctx->now))
            pos--;
        top_insert(top, &ntop, pos, i);
    }
    for (size_t k = 0; k < ntop; k++) {
        const struct complaint *c = complaint_table_at(t, top[k]);
        enum deadline_state d = complaint_deadline(c, ctx->now);
        struct entry *e = add(v, P_COMPLAINTS, E_COMPLAINT);
        char cat[80], desc[200];
        fmt_text(c->category ? c->category : c->service_code, cat, sizeof cat);
        fmt_text(c->description, desc, sizeof desc);
        str_copy(e->id, c->id, sizeof e->id);
        deadline_text(d, c->expected, ctx->now, e->state, sizeof e->state);
        e->state_role = deadline_role(d);
        snprintf(e->text, sizeof e->text, "%s%s: %s", c->urgency == CURG_URGENT ? "[khẩn] " : "",
                 cat, desc);
        e->text_role = c->urgency == CURG_URGENT ? TH_BAD : TH_NORMAL;
        snprintf(e->tsv, sizeof e->tsv, "complaint\t%s\t%s\t%s", e->id,
                 d == DL_OVERDUE    ? "overdue"
                 : d == DL_DUE_SOON ? "due_soon"
                 : d == DL_OK       ? "ok"
                                    : "",
                 cat);
    }
}

/* 0 normal, 1-3 worse: AQI bands from Kém, alarm levels, depth classes, a camera offline. */
static int sensor_severity(const struct sensor *s)
{
    switch (s->kind) {
    case SK_AIR_QUALITY: {
        enum aqi_band b = aqi_band(s->aqi);
        return b >= AQI_BAND_VERY_BAD ? 3 : b == AQI_BAND_BAD ? 2 : b == AQI_BAND_POOR ? 1 : 0;
    }
    case SK_WATER_LEVEL:
        return s->level > 0 ? (int)s->level : 0;
    case SK_FLOOD_DEPTH:
        return s->depth_class > 0 ? s->depth_class : 0;
    case SK_CAMERA:
        return s->offline ? 1 : 0;
    default:
        return 0;
    }
}

static const enum theme_role severity_roles[] = {TH_OK, TH_WARN, TH_BAD, TH_CRIT};

static void sensor_entry(struct entry *e, const struct sensor *s)
{
    static const char *const depth_words[] = {"< 10 cm", "≥ 10 cm", "≥ 20 cm", "≥ 30 cm"};
    static const char *const depth_ascii[] = {"< 10 cm", ">= 10 cm", ">= 20 cm", ">= 30 cm"};
    char val[48], label[120], unit[24];
    const char *name = s->station && *s->station ? s->station : s->name ? s->name : s->id;
    fmt_text(name, label, sizeof label);
    fmt_text(s->unit, unit, sizeof unit);
    int sev = sensor_severity(s);
    str_copy(e->id, s->id, sizeof e->id);
    str_copy(e->col1, sensor_kind_label(s->kind), sizeof e->col1);
    fmt_decimal(s->value, s->kind == SK_WATER_LEVEL ? 2 : -1, val, sizeof val);
    /* The state column carries the verdict in words (band, alarm level, depth class). */
    switch (s->kind) {
    case SK_AIR_QUALITY:
        if (s->aqi >= 0)
            snprintf(e->state, sizeof e->state, "AQI %d %s", s->aqi,
                     aqi_band_label(aqi_band(s->aqi)));
        if (s->pollutant == AQI_POL_INDEX) /* the reading is the index itself */
            snprintf(e->text, sizeof e->text, "%s · chỉ số VN_AQI", label);
        else
            snprintf(e->text, sizeof e->text, "%s · %s %s %s", label,
                     aqi_pollutant_name(s->pollutant), val, unit);
        break;
    case SK_WATER_LEVEL:
        str_copy(e->state,
                 s->level == FLOOD_UNKNOWN ? "chưa có mức BĐ" : flood_level_label(s->level),
                 sizeof e->state);
        snprintf(e->text, sizeof e->text, "%s · %s %s", label, val, unit);
        break;
    case SK_FLOOD_DEPTH:
        if (s->depth_class >= 0 && s->depth_class <= 3)
            str_copy(e->state, (text_ascii() ? depth_ascii : depth_words)[s->depth_class],
                     sizeof e->state);
        snprintf(e->text, sizeof e->text, "%s · %s %s", label, val, unit);
        break;
    case SK_CAMERA:
        str_copy(e->state, s->offline ? "mất tín hiệu" : "trực tuyến", sizeof e->state);
        snprintf(e->text, sizeof e->text, "%s", label);
        break;
    default:
        snprintf(e->text, sizeof e->text, "%s · %s %s", label, val, unit);
        break;
    }
    e->state_role = severity_roles[sev];
    snprintf(e->tsv, sizeof e->tsv, "sensor\t%s\t%s\t%s\t%s\t%d", e->id, sensor_kind_code(s->kind),
             val, unit, sev);
}

static void build_sensors(struct unit_view *v, const struct view_ctx *ctx)
{
    const struct sensor_table *t = ctx->store->sensors;
    const struct sensor_stats *st = sensor_table_unit(t, v->code);
    if (!st || st->n == 0) {
        add_text(v, P_SENSORS, E_NONE, TH_DIM, "Không có cảm biến ở xã/phường này.");
        return;
    }
    /* Worst first; cameras that are online only count in the summary. */
    size_t idx[MAX_SENSORS];
    int sev[MAX_SENSORS];
    size_t n = 0, alarms = 0, listed_over = 0;
    for (size_t i = 0; i < sensor_table_count(t); i++) {
        const struct sensor *s = sensor_table_at(t, i);
        if (!str_eq(s->unit_code, v->code))
            continue;
        int sv = sensor_severity(s);
        alarms += sv > 0;
        if (s->kind == SK_CAMERA && sv == 0)
            continue;
        size_t pos = n;
        while (pos > 0 && sev[pos - 1] < sv)
            pos--;
        if (pos >= MAX_SENSORS) {
            listed_over++;
            continue;
        }
        size_t last = n < MAX_SENSORS ? n : MAX_SENSORS - 1;
        if (n == MAX_SENSORS)
            listed_over++;
        memmove(&idx[pos + 1], &idx[pos], (last - pos) * sizeof idx[0]);
        memmove(&sev[pos + 1], &sev[pos], (last - pos) * sizeof sev[0]);
        idx[pos] = i;
        sev[pos] = sv;
        if (n < MAX_SENSORS)
            n++;
    }
    char line[240];
    snprintf(line, sizeof line, "%zu cảm biến · báo động %zu · camera mất tín hiệu %zu/%zu", st->n,
             alarms, st->cameras_offline, st->by_kind[SK_CAMERA]);
    add_text(v, P_SENSORS, E_SENSORS, alarms ? TH_WARN : TH_NORMAL, line);
    for (size_t k = 0; k < n; k++)
        sensor_entry(add(v, P_SENSORS, E_SENSOR), sensor_table_at(t, idx[k]));
    if (listed_over) {
        snprintf(line, sizeof line, "… và %zu cảm biến khác (Enter ở dòng đầu để xem hết)",
                 listed_over);
        add_text(v, P_SENSORS, E_NONE, TH_DIM, line);
    }
}

static int outcome_order(enum indicator_outcome o)
{
    return o == IND_NOT_MET ? 0 : o == IND_NOT_REPORTED ? 1 : o == IND_NO_PLAN ? 2 : 3;
}

static void build_indicators(struct unit_view *v, const struct view_ctx *ctx)
{
    const struct indicator_store *s = ctx->store->indicators;
    const char *period = period_latest(s);
    memset(&v->tally, 0, sizeof v->tally);
    str_copy(v->period, period ? period : "", sizeof v->period);
    if (!period || !indicator_store_tally(s, v->code, period, &v->tally)) {
        add_text(v, P_INDICATORS, E_NONE, TH_DIM, "Chưa có chỉ tiêu được báo cáo.");
        return;
    }
    char line[240];
    snprintf(line, sizeof line, "Kỳ %s: đạt %zu · chưa đạt %zu · chưa báo cáo %zu", period,
             v->tally.met, v->tally.not_met, v->tally.not_reported);
    add_text(v, P_INDICATORS, E_INDICATORS, v->tally.not_met ? TH_WARN : TH_OK, line);
    size_t first = v->n;
    size_t n = indicator_store_indicator_count(s);
    for (size_t i = 0; i < n; i++) {
        const struct indicator_meta *m = indicator_store_indicator_at(s, i);
        struct indicator_value val;
        if (!m || !indicator_store_get(s, v->code, m->id, period, &val))
            continue;
        enum indicator_outcome o = indicator_outcome(m->direction, val.plan, val.actual);
        double c = indicator_completion(m->direction, val.plan, val.actual);
        struct entry *e = add(v, P_INDICATORS, E_INDICATORS);
        char pa[32], pp[32], unit[64];
        fmt_decimal(val.actual, m->decimals, pa, sizeof pa);
        fmt_decimal(val.plan, m->decimals, pp, sizeof pp);
        fmt_text(m->unit, unit, sizeof unit);
        fmt_text(m->id, e->id, sizeof e->id);
        fmt_text(m->label ? m->label : m->id, e->state, sizeof e->state);
        snprintf(e->text, sizeof e->text, "%s / %s %s", pa, pp, unit);
        e->order = outcome_order(o);
        e->has_bar = true;
        e->bar = isfinite(c) ? c : isinf(c) ? 2.0 : NAN;
        str_copy(e->word,
                 o == IND_MET       ? "Đạt"
                 : o == IND_NOT_MET ? "Chưa đạt"
                 : o == IND_NO_PLAN ? "Chưa có KH"
                                    : "Chưa báo cáo",
                 sizeof e->word);
        e->word_role = o == IND_MET ? TH_OK : o == IND_NOT_MET ? TH_BAD : TH_WARN;
        e->state_role = TH_NORMAL;
        char rp[32] = "", ra[32] = ""; /* plain numbers for scripts */
        if (isfinite(val.plan))
            snprintf(rp, sizeof rp, "%g", val.plan);
        if (isfinite(val.actual))
            snprintf(ra, sizeof ra, "%g", val.actual);
        snprintf(e->tsv, sizeof e->tsv, "indicator\t%s\t%s\t%s\t%s", e->id, rp, ra,
                 o == IND_MET       ? "met"
                 : o == IND_NOT_MET ? "not_met"
                 : o == IND_NO_PLAN ? "no_plan"
                                    : "not_reported");
        /* Not met first, then not reported, no plan, met; lowest completion first within. */
        size_t pos = v->n - 1;
        struct entry tmp = *e;
        while (pos > first) {
            const struct entry *p = &v->entries[pos - 1];
            if (p->order < tmp.order || (p->order == tmp.order && !(p->bar > tmp.bar)))
                break;
            v->entries[pos] = *p;
            pos--;
        }
        v->entries[pos] = tmp;
    }
}

static void build_alerts(struct unit_view *v, const struct view_ctx *ctx)
{
    v->n = v->alerts_from;
    v->a_active = v->a_critical = 0;
    v->alerts_on = ctx->alerts != NULL;
    if (!ctx->alerts) {
        add_text(v, P_ALERTS, E_NONE, TH_DIM, "Cảnh báo đang tắt.");
        return;
    }
    v->alerts_gen = alerts_generation(ctx->alerts);
    size_t head = v->n;
    add_text(v, P_ALERTS, E_ALERTS, TH_NORMAL, "");
    size_t n = alerts_count(ctx->alerts);
    for (size_t i = 0; i < n; i++) {
        const struct alert_event *ev = alerts_at(ctx->alerts, i);
        if (!ev || ev->end != TIME_NONE || ev->silenced || !str_eq(ev->unit_code, v->code))
            continue;
        v->a_active++;
        v->a_critical += ev->severity == ALERT_CRITICAL;
        if (v->a_active > MAX_ALERTS)
            continue;
        struct entry *e = add(v, P_ALERTS, E_ALERTS);
        bool crit = ev->severity == ALERT_CRITICAL;
        char age[32], msg[200];
        fmt_text(ev->key, e->id, sizeof e->id);
        fmt_text(ev->message, msg, sizeof msg);
        /* Severity in words first (not only colour), then how long it has lasted. */
        str_copy(e->col1, crit ? "Nghiêm trọng" : "Cảnh báo", sizeof e->col1);
        clock_format_age(ctx->now - ev->start, age, sizeof age);
        str_copy(e->state, age, sizeof e->state);
        e->state_role = crit ? TH_CRIT : TH_WARN;
        snprintf(e->text, sizeof e->text, "%s%s", msg, ev->acked ? " (đã xác nhận)" : "");
        snprintf(e->tsv, sizeof e->tsv, "alert\t%s\t%s\t%s", alert_severity_code(ev->severity),
                 e->id, msg);
    }
    struct entry *h = &v->entries[head];
    if (v->a_active == 0) {
        str_copy(h->text, "Không có cảnh báo đang hoạt động.", sizeof h->text);
        h->text_role = TH_OK;
    } else {
        snprintf(h->text, sizeof h->text, "Đang có %zu cảnh báo · nghiêm trọng %zu%s", v->a_active,
                 v->a_critical, v->a_active > ALERT_LINES - 1 ? " · Enter: xem tất cả" : "");
        h->text_role = v->a_critical ? TH_CRIT : TH_WARN;
    }
}

static void unit_recalc(struct view *base, const struct view_ctx *ctx)
{
    struct unit_view *v = (struct unit_view *)base;
    const struct store *s = ctx->store;
    char selected_id[sizeof v->entries[0].id] = "";
    enum entry_kind selected_kind = E_NONE;
    if (v->sel < v->n) {
        str_copy(selected_id, v->entries[v->sel].id, sizeof selected_id);
        selected_kind = v->entries[v->sel].kind;
    }
    const char *want = ctx->scope ? ctx->scope : ctx->arg;
    v->pressing = !want;
    size_t rank = 0, total = 0;
    const char *worst = rank_units(s, want, &rank, &total);
    const char *code = want ? want : worst;
    v->n = 0;
    v->alerts_from = 0;
    v->code[0] = '\0';
    v->known = false;
    v->rank = v->nunits = 0;
    if (!code)
        return;
    if (!want)
        rank_units(s, code, &rank, &total);
    str_copy(v->code, code, sizeof v->code);
    v->rank = rank;
    v->nunits = total;
    const struct unit *u = unit_table_find(s->units, code);
    v->known = u || dossier_table_unit_stats(s->dossiers, code) ||
               complaint_table_unit_stats(s->complaints, code) ||
               sensor_table_unit(s->sensors, code);
    fmt_text(unit_table_name(s->units, code), v->name, sizeof v->name);
    v->type = u ? u->type : UNIT_OTHER;
    v->population = u ? u->population : -1;
    if (!v->known)
        return;
    build_dossiers(v, ctx);
    build_complaints(v, ctx);
    build_sensors(v, ctx);
    build_indicators(v, ctx);
    v->alerts_from = v->n;
    build_alerts(v, ctx);
    /* The selection stays on its line when the data moves. */
    v->sel = (size_t)-1;
    for (size_t i = 0; i < v->n && selected_id[0]; i++)
        if (v->entries[i].kind == selected_kind && strcmp(v->entries[i].id, selected_id) == 0)
            v->sel = i;
    if (v->sel == (size_t)-1)
        for (size_t i = 0; i < v->n; i++)
            if (v->entries[i].kind != E_NONE) {
                v->sel = i;
                break;
            }
}

/* ---- draw ------------------------------------------------------------------------------- */

static int panel_lines(const struct unit_view *v, enum panel p)
{
    int n = 0;
    for (size_t i = 0; i < v->n; i++)
        n += v->entries[i].panel == p;
    return n;
}

static void draw_entry(struct unit_view *v, size_t i, WINDOW *w, int y, int x, int width)
{
    struct entry *e = &v->entries[i];
    bool sel = i == v->sel;
    bool ascii = text_ascii() != 0;
    char buf[512];
    if (v->norder < v->order_cap)
        v->order[v->norder++] = i;
    if (sel) {
        wattrset(w, theme_attr(TH_SELECTED));
        mvwhline(w, y, x, ' ', width);
    }
    /* The marker says "selected" without colour. */
    panel_text(w, y, x, 2, sel ? (ascii ? ">" : "▶") : " ", sel ? TH_SELECTED : TH_NORMAL);
    x += 2;
    width -= 2;
    if (width <= 0)
        return;
#define ROLE(r) (sel ? TH_SELECTED : (r))
    if (e->wide) {
        panel_text(w, y, x, width, e->text, ROLE(e->text_role));
        return;
    }
    if (e->has_bar) {
        /* label · value / plan · [bar] · word */
        int word_w = 12, bar_w = width >= 90 ? 20 : 10, val_w = width >= 90 ? 24 : 16;
        int label_w = width - word_w - bar_w - val_w - 5;
        if (label_w < 8) {
            bar_w = 0;
            label_w = width - word_w - val_w - 2;
        }
        text_pad(e->state, label_w, 0, buf, sizeof buf);
        panel_text(w, y, x, label_w, buf, ROLE(e->state_role));
        int cx = x + label_w + 1;
        text_pad(e->text, val_w, 1, buf, sizeof buf);
        panel_text(w, y, cx, val_w, buf, ROLE(TH_NORMAL));
        cx += val_w + 1;
        if (bar_w > 0) {
            panel_text(w, y, cx, 1, "[", ROLE(TH_DIM));
            if (!isnan(e->bar))
                bar_draw_over(w, y, cx + 1, e->bar, bar_w, ascii, ROLE(e->word_role), ROLE(TH_OK));
            panel_text(w, y, cx + 1 + bar_w, 1, "]", ROLE(TH_DIM));
            cx += bar_w + 3;
        }
        panel_text(w, y, cx, x + width - cx, e->word, ROLE(e->word_role));
        return;
    }
    int id_w = width >= 100 ? 22 : width >= 60 ? 16 : 12, st_w = e->kind == E_SENSOR ? 16 : 12;
    if (e->col1[0])
        text_pad(e->col1, id_w, 0, buf, sizeof buf);
    else
        fit_tail(e->id, id_w, buf, sizeof buf);
    panel_text(w, y, x, id_w, buf,
               ROLE(e->kind == E_ALERTS ? e->state_role
                    : e->col1[0]        ? TH_DIM
                                        : TH_NORMAL));
    text_pad(e->state, st_w, 0, buf, sizeof buf);
    panel_text(w, y, x + id_w + 1, st_w, buf, ROLE(e->state_role));
    int tx = x + id_w + 1 + st_w + 1;
    panel_text(w, y, tx, x + width - tx, e->text, ROLE(e->text_role));
#undef ROLE
}

static void draw_panel(struct unit_view *v, const struct view_ctx *ctx, WINDOW *w, struct rect r,
                       enum panel p)
{
    if (r.h <= 0)
        return;
    char title[96];
    if (p == P_INDICATORS && v->period[0])
        snprintf(title, sizeof title, "%s · kỳ %s", panels[p].title, v->period);
    else
        str_copy(title, panels[p].title, sizeof title);
    struct rect body = panel_draw_title(w, r, title, ctx, panels[p].feed);
    int row = 0;
    for (size_t i = 0; i < v->n && row < body.h; i++)
        if (v->entries[i].panel == p)
            draw_entry(v, i, w, body.y + row++, body.x, body.w);
}

static void draw_head(struct unit_view *v, WINDOW *w, struct rect r)
{
    char num[32], t[320];
    struct buf b = {0};
    buf_appendf(&b, "%s", v->name);
    if (v->type != UNIT_OTHER && !str_starts_with(v->name, unit_type_label(v->type)))
        buf_appendf(&b, " (%s)", unit_type_label(v->type));
    buf_appendf(&b, " · mã %s", v->code);
    if (v->population >= 0) {
        fmt_count((size_t)v->population, num, sizeof num);
        buf_appendf(&b, " · %s dân", num);
    }
    if (v->pressing)
        buf_appendf(&b, " · xếp cuối bảng (chưa chọn xã/phường)");
    panel_text(w, r.y, r.x + 1, r.w - 2, b.data, TH_TITLE);
    buf_free(&b);
    if (r.h < 2)
        return;
    const char *hint = text_ascii() ? "Lên/Xuống chọn dòng · Enter mở" : "↑↓ chọn dòng · Enter mở";
    if (v->rank) {
        snprintf(t, sizeof t, "Xếp hạng %zu/%zu (1 = nhiều quá hạn nhất) · %s", v->rank, v->nunits,
                 hint);
        panel_text(w, r.y + 1, r.x + 1, r.w - 2, t, TH_DIM);
    } else {
        panel_text(w, r.y + 1, r.x + 1, r.w - 2, hint, TH_DIM);
    }
}

/* Stacks the panels of one column in area; returns nothing, marks what it drew. */
static void draw_column(struct unit_view *v, const struct view_ctx *ctx, WINDOW *w,
                        struct rect area, const enum panel *ps, size_t np, bool wide)
{
    struct panel_req req[P_COUNT];
    struct rect out[P_COUNT];
    for (size_t i = 0; i < np; i++) {
        int lines = panel_lines(v, ps[i]);
        int prio = panels[ps[i]].priority;
        if (ps[i] == P_ALERTS)
            prio = v->a_active ? 60 : 10; /* nothing active: the first to fold */
        /* The alerts list has its own view: a few lines here leave room for the rest. */
        if (ps[i] == P_ALERTS && lines > ALERT_LINES)
            lines = ALERT_LINES;
        req[i] = (struct panel_req){lines > 0 ? 2 : 0, 0, 1 + lines, prio};
        /* "Alerts are off" is worth a line on a wall, not on a phone. */
        if (lines == 0 || (ps[i] == P_ALERTS && !v->alerts_on && !wide))
            req[i].min_h = area.h + 1; /* never shown */
    }
    layout_stack(req, np, area, out);
    for (size_t i = 0; i < np; i++)
        if (out[i].h > 0)
            draw_panel(v, ctx, w, out[i], ps[i]);
}

static void unit_draw(struct view *base, const struct view_ctx *ctx, WINDOW *w, struct rect r)
{
    struct unit_view *v = (struct unit_view *)base;
    if (r.h <= 0 || r.w <= 0)
        return;
    if (!v->code[0]) {
        panel_text(w, r.y + 1, r.x + 2, r.w - 4, "Chưa có dữ liệu xã/phường.", TH_DIM);
        return;
    }
    if (!v->known) {
        char t[160];
        snprintf(t, sizeof t, "Không tìm thấy xã/phường mã %s.", v->code);
        panel_text(w, r.y + 1, r.x + 2, r.w - 4, t, TH_WARN);
        return;
    }
    if (ctx->alerts && alerts_generation(ctx->alerts) != v->alerts_gen) {
        /* The alerts moved without the store: rebuild their entries alone. */
        char key[sizeof v->entries[0].id] = "";
        bool on_alert = v->sel < v->n && v->sel >= v->alerts_from;
        if (on_alert)
            str_copy(key, v->entries[v->sel].id, sizeof key);
        build_alerts(v, ctx);
        if (on_alert) {
            v->sel = v->alerts_from;
            for (size_t i = v->alerts_from; i < v->n; i++)
                if (strcmp(v->entries[i].id, key) == 0)
                    v->sel = i;
        }
    }
    /* Allocates only when the entries outgrew the last frame's (recalc, new alerts). */
    v->order = xgrow(v->order, &v->order_cap, v->n, sizeof *v->order);
    v->norder = 0;
    int head_h = r.h >= 12 ? 2 : 1;
    draw_head(v, w, (struct rect){r.y, r.x, head_h, r.w});
    struct rect area = {r.y + head_h, r.x, r.h - head_h, r.w};
    if (r.w >= WIDE) {
        static const enum panel left[] = {P_DOSSIERS, P_COMPLAINTS};
        static const enum panel right[] = {P_ALERTS, P_SENSORS, P_INDICATORS};
        int lw = (r.w - 1) / 2;
        draw_column(v, ctx, w, (struct rect){area.y, area.x, area.h, lw}, left, ARRAY_LEN(left),
                    true);
        draw_column(v, ctx, w, (struct rect){area.y, area.x + lw + 1, area.h, r.w - lw - 1}, right,
                    ARRAY_LEN(right), true);
    } else {
        static const enum panel all[] = {P_ALERTS, P_DOSSIERS, P_COMPLAINTS, P_SENSORS,
                                         P_INDICATORS};
        draw_column(v, ctx, w, area, all, ARRAY_LEN(all), false);
    }
}

/* ---- actions ---------------------------------------------------------------------------- */

/* Moves the selection by step selectable lines in screen order (entry order before the
 * first frame); lines folded away are skipped. */
static void move_sel(struct unit_view *v, int step)
{
    size_t n = v->norder ? v->norder : v->n;
#define AT(k) (v->norder ? v->order[k] : (k))
    size_t pos = 0;
    for (size_t k = 0; k < n; k++)
        if (AT(k) == v->sel)
            pos = k;
    int dir = step < 0 ? -1 : 1;
    for (int left = step < 0 ? -step : step; left > 0; left--) {
        size_t k = pos;
        bool found = false;
        while (dir < 0 ? k > 0 : k + 1 < n) {
            k = dir < 0 ? k - 1 : k + 1;
            if (v->entries[AT(k)].kind != E_NONE) {
                found = true;
                break;
            }
        }
        if (!found)
            break;
        pos = k;
    }
    if (n > 0 && v->entries[AT(pos)].kind != E_NONE)
        v->sel = AT(pos);
#undef AT
}

static bool unit_on_action(struct view *base, enum action a, const struct view_ctx *ctx,
                           struct nav_request *req)
{
    struct unit_view *v = (struct unit_view *)base;
    (void)ctx;
    switch (a) {
    case ACT_UP:
        move_sel(v, -1);
        return true;
    case ACT_DOWN:
        move_sel(v, 1);
        return true;
    case ACT_PAGE_UP:
        move_sel(v, -5);
        return true;
    case ACT_PAGE_DOWN:
        move_sel(v, 5);
        return true;
    case ACT_HOME:
        move_sel(v, -(int)v->n);
        return true;
    case ACT_END:
        move_sel(v, (int)v->n);
        return true;
    case ACT_ENTER:
        break;
    default:
        return false;
    }
    if (v->sel >= v->n)
        return true;
    const struct entry *e = &v->entries[v->sel];
    const char *view = NULL, *arg = NULL;
    switch (e->kind) {
    case E_DOSSIERS:
        view = "dossiers";
        arg = "overdue";
        break;
    case E_DOSSIER:
        view = "dossier";
        arg = e->id;
        break;
    case E_COMPLAINTS:
        view = "complaints";
        break;
    case E_COMPLAINT:
        view = "complaint";
        arg = e->id;
        break;
    case E_SENSORS:
        view = "sensors";
        break;
    case E_SENSOR:
        view = "sensor";
        arg = e->id;
        break;
    case E_INDICATORS:
        view = "indicators";
        break;
    case E_ALERTS:
        view = "alerts";
        break;
    case E_NONE:
        return true;
    }
    str_copy(req->view, view, sizeof req->view);
    str_copy(req->scope, v->code, sizeof req->scope);
    if (arg)
        str_copy(req->arg, arg, sizeof req->arg);
    return true;
}

static struct view *unit_create(void)
{
    struct unit_view *v = xcalloc(1, sizeof *v);
    v->population = -1;
    v->sel = (size_t)-1;
    return &v->base;
}

static void unit_destroy(struct view *base)
{
    struct unit_view *v = (struct unit_view *)base;
    free(v->entries);
    free(v->order);
    free(v);
}

/* The breadcrumb names the unit through the scope; without one, say which unit this is. */
static void unit_crumb(struct view *base, const struct view_ctx *ctx, char *buf, size_t n)
{
    struct unit_view *v = (struct unit_view *)base;
    if (ctx->scope || !v->code[0])
        return;
    if (v->pressing)
        snprintf(buf, n, "xếp cuối: %s", v->name);
    else
        str_copy(buf, v->name, n);
}

static void unit_export(struct view *base, const struct view_ctx *ctx, FILE *out)
{
    struct unit_view *v = (struct unit_view *)base;
    if (ctx->alerts && alerts_generation(ctx->alerts) != v->alerts_gen && v->known)
        build_alerts(v, ctx);
    fprintf(out, "unit\tcode\t%s\nunit\tname\t%s\nunit\ttype\t%s\n", v->code, v->name,
            unit_type_label(v->type));
    if (v->population >= 0)
        fprintf(out, "unit\tpopulation\t%lld\n", (long long)v->population);
    if (v->rank)
        fprintf(out, "unit\trank\t%zu/%zu\n", v->rank, v->nunits);
    if (v->has_ds) {
        const struct dossier_stats *s = &v->ds;
        fprintf(out,
                "dossiers\topen\t%zu\ndossiers\tok\t%zu\ndossiers\tdue_soon\t%zu\n"
                "dossiers\toverdue\t%zu\ndossiers\tfinished\t%zu\ndossiers\tearly\t%zu\n"
                "dossiers\ton_time\t%zu\ndossiers\tlate\t%zu\n",
                s->open, s->ok, s->due_soon, s->overdue, s->finished, s->early, s->on_time,
                s->late);
        double r = dossier_stats_on_time_rate(s), o = dossier_stats_online_rate(s);
        if (r >= 0)
            fprintf(out, "dossiers\ton_time_pct\t%.1f\n", r * 100.0);
        if (o >= 0)
            fprintf(out, "dossiers\tonline_pct\t%.1f\n", o * 100.0);
    }
    if (v->has_cs) {
        const struct complaint_stats *s = &v->cs;
        fprintf(out,
                "complaints\topen\t%zu\ncomplaints\toverdue\t%zu\ncomplaints\tdue_soon\t%zu\n"
                "complaints\turgent_unaccepted\t%zu\n",
                s->open, s->overdue, s->due_soon, s->urgent_unaccepted);
        double r = complaint_stats_satisfaction_rate(s);
        if (r >= 0)
            fprintf(out, "complaints\tsatisfaction_pct\t%.1f\n", r * 100.0);
    }
    if (v->period[0])
        fprintf(out,
                "indicators\tperiod\t%s\nindicators\tmet\t%zu\nindicators\tnot_met\t%zu\n"
                "indicators\tnot_reported\t%zu\n",
                v->period, v->tally.met, v->tally.not_met, v->tally.not_reported);
    if (v->alerts_on)
        fprintf(out, "alerts\tactive\t%zu\nalerts\tcritical\t%zu\n", v->a_active, v->a_critical);
    for (size_t i = 0; i < v->n; i++)
        if (v->entries[i].tsv[0])
            fprintf(out, "%s\n", v->entries[i].tsv);
}

const struct view_ops unit_view_ops = {
    .name = "unit",
    .title = "Chi tiết xã/phường",
    .feed = NULL,
    .detail = true,
    .create = unit_create,
    .destroy = unit_destroy,
    .recalc = unit_recalc,
    .draw = unit_draw,
    .on_action = unit_on_action,
    .crumb = unit_crumb,
    .export = unit_export,
};
