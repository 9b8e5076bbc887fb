/* The units ranking (Xếp hạng xã/phường) and the unit detail view rendered on a virtual
 * screen from a crafted province: order, sorting, "–" for no data, presets, scope, Enter into
 * the unit and from the unit into its lists and records, folding, export. */
#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/alerts.h"
#include "citydeck/clock.h"
#include "citydeck/screen.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"

/* The registry refers to views weakly (they join as they are written) and static archives
 * only give up an object for a strong reference: these pull the views the tests drive. */
const struct view_ops *const test_views[] = {&units_view_ops,      &unit_view_ops,
                                             &dossiers_view_ops,   &dossier_view_ops,
                                             &complaints_view_ops, &alerts_view_ops};

#define NOW 1772413200 /* Monday 2026-03-02 08:00:00 +07:00 */
#define HOUR 3600
#define DAY 86400

static int64_t at(const char *iso)
{
    int64_t t = clock_parse_iso(iso, CLOCK_VN_OFFSET, NULL);
    cr_assert_neq(t, TIME_NONE, "%s", iso);
    return t;
}

/* ---- a crafted province ------------------------------------------------------------------ */

static void add_unit(struct unit_batch *b, const char *code, const char *name, enum unit_type t,
                     int64_t population)
{
    struct unit *u = unit_batch_push(b);
    u->code = xstrdup(code);
    u->name = xstrdup(name);
    u->full_name = xasprintf("%s %s", unit_type_label(t), name);
    u->parent = xstrdup("51");
    u->type = t;
    u->population = population;
}

static void add_dossier(struct dossier_batch *b, const char *id, const char *unit, int64_t received,
                        int64_t due, int64_t finished, bool online, const char *procedure)
{
    struct dossier *d = dossier_batch_push(b);
    d->id = xstrdup(id);
    d->unit_code = xstrdup(unit);
    d->procedure = xstrdup(procedure);
    d->status = finished != TIME_NONE ? DST_RETURNED : DST_PROCESSING;
    d->channel = online ? DCH_ONLINE : DCH_DIRECT;
    d->submitted = d->received = received;
    d->due = due;
    d->finished = finished;
    d->updated = received;
}

static void add_complaint(struct complaint_batch *b, const char *id, const char *unit, bool open,
                          enum complaint_urgency urgency, enum complaint_status status,
                          int64_t requested, int64_t expected, int satisfaction,
                          const char *category, const char *text)
{
    struct complaint *c = complaint_batch_push(b);
    c->id = xstrdup(id);
    c->unit_code = xstrdup(unit);
    c->category = xstrdup(category);
    c->service_code = xstrdup(category);
    c->description = xstrdup(text);
    c->open = open;
    c->urgency = urgency;
    c->status = status;
    c->requested = requested;
    c->updated = requested;
    c->expected = expected;
    c->satisfaction = satisfaction;
}

static struct sensor_update *add_sensor(struct sensor_batch *b, const char *id, const char *station,
                                        enum sensor_kind kind, const char *unit_code, double value)
{
    struct sensor_update *u = sensor_batch_push(b);
    u->meta = true;
    u->s.id = xstrdup(id);
    u->s.remote_id = xstrdup(id);
    u->s.name = xstrdup(station);
    u->s.station = xstrdup(station);
    u->s.kind = kind;
    u->s.unit_code = xstrdup(unit_code);
    u->s.alarm[0] = u->s.alarm[1] = u->s.alarm[2] = NAN;
    if (kind == SK_AIR_QUALITY) {
        u->s.pollutant = AQI_POL_PM25;
        u->s.unit = xstrdup("µg/m³");
    } else if (kind == SK_WATER_LEVEL) {
        u->s.alarm[0] = 9.5;
        u->s.alarm[1] = 10.5;
        u->s.alarm[2] = 11.5;
        u->s.unit = xstrdup("m");
    } else if (kind == SK_FLOOD_DEPTH) {
        u->s.unit = xstrdup("cm");
    }
    sensor_update_add_obs(u, (int64_t)NOW * 1000 - 60000, value);
    return u;
}

static void add_indicator(struct indicator_batch *b, const char *unit, const char *id,
                          const char *label, const char *period, double plan, double actual,
                          enum indicator_direction dir)
{
    struct indicator_cell *c = indicator_batch_push(b, unit, id, period);
    c->plan = plan;
    c->actual = actual;
    struct indicator_meta *m = indicator_batch_meta(b, id);
    m->direction = dir;
    if (!m->label)
        m->label = xstrdup(label);
}

/* Four units:
 * - Phường Cẩm Thành 21025: 2 overdue dossiers, 1 due soon, 1 running, 1 finished on time
 *   (on-time 60 %, online 60 %); 3 open complaints (1 overdue, 1 urgent not accepted);
 *   an air station at AQI Xấu; indicators 1 met of 3;
 * - Xã Nghĩa Lộ 21100: 1 overdue dossier, 2 finished (1 late): on-time 33,3 %; 2 overdue
 *   complaints; a river gauge at BĐ I, a flood point at 25 cm, a camera offline;
 * - Đặc khu Lý Sơn 21200: nothing overdue, on-time 100 %; a clean air station, a camera;
 * - Xã Trà Bồng 21300: no data at all. */
static struct store *province(void)
{
    struct store *s = store_new();

    struct unit_batch *ub = unit_batch_new();
    ub->province_code = xstrdup("51");
    ub->province_name = xstrdup("Tỉnh Quảng Ngãi");
    struct unit *p = unit_batch_push(ub);
    p->code = xstrdup("51");
    p->name = xstrdup("Quảng Ngãi");
    p->full_name = xstrdup("Tỉnh Quảng Ngãi");
    p->type = UNIT_PROVINCE;
    add_unit(ub, "21025", "Cẩm Thành", UNIT_WARD, 30500);
    add_unit(ub, "21100", "Nghĩa Lộ", UNIT_COMMUNE, 18000);
    add_unit(ub, "21200", "Lý Sơn", UNIT_SPECIAL, 22000);
    add_unit(ub, "21300", "Trà Bồng", UNIT_COMMUNE, -1);
    store_merge_units(s, ub);

    int64_t last_week = at("2026-02-23T09:00:00+07:00");
    struct dossier_batch *db = dossier_batch_new();
    add_dossier(db, "HS-CT-1", "21025", last_week, at("2026-02-26T17:00:00+07:00"), TIME_NONE, true,
                "Cấp giấy phép xây dựng");
    add_dossier(db, "HS-CT-2", "21025", last_week, at("2026-02-27T17:00:00+07:00"), TIME_NONE,
                false, "Đăng ký hộ kinh doanh");
    add_dossier(db, "HS-CT-3", "21025", NOW - HOUR, at("2026-03-02T16:00:00+07:00"), TIME_NONE,
                true, "Chứng thực bản sao");
    add_dossier(db, "HS-CT-4", "21025", NOW - HOUR, at("2026-03-06T17:00:00+07:00"), TIME_NONE,
                false, "Đăng ký khai sinh");
    add_dossier(db, "HS-CT-5", "21025", last_week, at("2026-03-02T17:00:00+07:00"), NOW - 600, true,
                "Đăng ký kết hôn");
    add_dossier(db, "HS-NL-1", "21100", last_week, at("2026-02-25T17:00:00+07:00"), TIME_NONE,
                false, "Cấp sổ đỏ");
    add_dossier(db, "HS-NL-2", "21100", last_week, at("2026-02-25T10:00:00+07:00"),
                at("2026-02-27T10:00:00+07:00"), false, "Chuyển mục đích sử dụng đất");
    add_dossier(db, "HS-NL-3", "21100", last_week, at("2026-02-26T10:00:00+07:00"),
                at("2026-02-26T09:00:00+07:00"), true, "Đăng ký khai tử");
    add_dossier(db, "HS-LS-1", "21200", last_week, at("2026-03-09T17:00:00+07:00"), TIME_NONE, true,
                "Cấp phép đánh bắt");
    add_dossier(db, "HS-LS-2", "21200", last_week, at("2026-03-05T17:00:00+07:00"),
                at("2026-02-27T10:00:00+07:00"), true, "Đăng ký tàu cá");
    store_merge_dossiers(s, db, NOW);

    struct complaint_batch *cb = complaint_batch_new();
    add_complaint(cb, "PA-CT-1", "21025", true, CURG_NORMAL, CST_IN_PROGRESS, NOW - 5 * DAY,
                  NOW - 2 * HOUR, -1, "Vệ sinh môi trường", "Rác thải ùn ứ");
    add_complaint(cb, "PA-CT-2", "21025", true, CURG_URGENT, CST_NEW, NOW - HOUR, NOW + 3 * HOUR,
                  -1, "Hạ tầng đô thị", "Cây đổ chắn đường");
    add_complaint(cb, "PA-CT-3", "21025", true, CURG_NORMAL, CST_ACCEPTED, NOW - 2 * HOUR,
                  NOW + 5 * DAY, -1, "Giao thông", "Đèn tín hiệu hỏng");
    add_complaint(cb, "PA-CT-4", "21025", false, CURG_NORMAL, CST_PUBLISHED, NOW - 9 * DAY,
                  NOW - 4 * DAY, 1, "Giao thông", "Ổ gà");
    add_complaint(cb, "PA-NL-1", "21100", true, CURG_NORMAL, CST_IN_PROGRESS, NOW - 9 * DAY,
                  NOW - 3 * DAY, -1, "Trật tự đô thị", "Lấn chiếm vỉa hè");
    add_complaint(cb, "PA-NL-2", "21100", true, CURG_NORMAL, CST_IN_PROGRESS, NOW - 8 * DAY,
                  NOW - DAY, -1, "Trật tự đô thị", "Xây dựng trái phép");
    add_complaint(cb, "PA-NL-3", "21100", false, CURG_NORMAL, CST_PUBLISHED, NOW - 10 * DAY,
                  NOW - 6 * DAY, 0, "Tiếng ồn", "Karaoke");
    add_complaint(cb, "PA-LS-1", "21200", true, CURG_NORMAL, CST_ACCEPTED, NOW - HOUR,
                  NOW + 4 * DAY, -1, "Môi trường biển", "Rác trôi dạt");
    store_merge_complaints(s, cb);

    struct sensor_batch *sb = sensor_batch_new();
    struct sensor_update *aq =
        add_sensor(sb, "aq-ct", "Trạm Cẩm Thành", SK_AIR_QUALITY, "21025", 100); /* AQI 164, Xấu */
    for (int i = 1; i <= 6; i++)
        sensor_update_add_obs(aq, (int64_t)NOW * 1000 - 60000 - i * 300000, 40.0 + i * 5);
    add_sensor(sb, "wl-nl", "Cầu Trà Khúc", SK_WATER_LEVEL, "21100", 10.0); /* BĐ I */
    add_sensor(sb, "fd-nl", "Ngã tư Nghĩa Lộ", SK_FLOOD_DEPTH, "21100", 25);
    add_sensor(sb, "cam-nl", "Camera chợ Nghĩa Lộ", SK_CAMERA, "21100", 0);
    add_sensor(sb, "aq-ls", "Trạm Lý Sơn", SK_AIR_QUALITY, "21200", 20); /* Tốt */
    add_sensor(sb, "cam-ls", "Camera cảng Lý Sơn", SK_CAMERA, "21200", 1);
    store_merge_sensors(s, sb);

    struct indicator_batch *ib = indicator_batch_new();
    add_indicator(ib, "21025", "thu_nhap", "Thu nhập bình quân", "2025", 70, 75, IND_HIGHER_BETTER);
    add_indicator(ib, "21025", "ho_ngheo", "Tỷ lệ hộ nghèo", "2025", 1.0, 1.2, IND_LOWER_BETTER);
    add_indicator(ib, "21025", "bhyt", "Bao phủ BHYT", "2025", 95, NAN, IND_HIGHER_BETTER);
    add_indicator(ib, "21025", "thu_nhap", "Thu nhập bình quân", "2024", 65, 60, IND_HIGHER_BETTER);
    add_indicator(ib, "21100", "thu_nhap", "Thu nhập bình quân", "2025", 60, 55, IND_HIGHER_BETTER);
    add_indicator(ib, "21100", "bhyt", "Bao phủ BHYT", "2025", 90, 92, IND_HIGHER_BETTER);
    add_indicator(ib, "21200", "thu_nhap", "Thu nhập bình quân", "2025", 50, 52, IND_HIGHER_BETTER);
    store_merge_indicators(s, ib);

    store_set_now(s, NOW);
    return s;
}

/* ---- a terminal -------------------------------------------------------------------------- */

struct term {
    struct screen scr;
    struct ui *u;
    struct view_ctx ctx;
    char *text;
    char **lines;
    int nlines;
};

static void term_free_text(struct term *t)
{
    for (int i = 0; i < t->nlines; i++)
        free(t->lines[i]);
    free(t->lines);
    free(t->text);
    t->lines = NULL;
    t->text = NULL;
    t->nlines = 0;
}

/* Renders a frame and keeps it as text and lines. */
static void term_render(struct term *t)
{
    term_free_text(t);
    ui_render(t->u, &t->ctx);
    size_t len = 0;
    FILE *mem = open_memstream(&t->text, &len);
    screen_dump(&t->scr, mem);
    fclose(mem);
    t->lines = xcalloc((size_t)t->scr.rows + 1, sizeof *t->lines);
    const char *p = t->text;
    while (*p && t->nlines < t->scr.rows) {
        size_t n = strcspn(p, "\n");
        t->lines[t->nlines++] = xstrndup(p, n);
        p += n + (p[n] == '\n');
    }
}

static void term_open(struct term *t, struct store *s, const char *spec, int cols, int rows)
{
    memset(t, 0, sizeof *t);
    char err[128];
    cr_assert_eq(screen_open_virtual(&t->scr, cols, rows, err, sizeof err), 0, "%s", err);
    theme_init(false);
    t->u = ui_new(spec);
    cr_assert_not_null(t->u, "no view for %s", spec);
    t->ctx = (struct view_ctx){.store = s, .now = NOW, .tz_offset_s = CLOCK_VN_OFFSET};
    term_render(t);
}

static void term_close(struct term *t)
{
    term_free_text(t);
    ui_free(t->u);
    screen_close(&t->scr);
}

static void act(struct term *t, enum action a)
{
    ui_on_action(t->u, a, &t->ctx);
    term_render(t);
}

static int row_of(const struct term *t, const char *needle)
{
    for (int i = 0; i < t->nlines; i++)
        if (strstr(t->lines[i], needle))
            return i;
    return -1;
}

/* The first row below row from that holds needle (the table under the summary lines). */
static int row_after(const struct term *t, int from, const char *needle)
{
    for (int i = from + 1; i < t->nlines; i++)
        if (strstr(t->lines[i], needle))
            return i;
    return -1;
}

static bool on_screen(const struct term *t, const char *needle)
{
    return row_of(t, needle) >= 0;
}

static void crumb(struct term *t, char *buf, size_t n)
{
    ui_breadcrumb(t->u, &t->ctx, buf, n);
}

static char *export_text(struct term *t)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    ui_export(t->u, &t->ctx, mem);
    fclose(mem);
    return out;
}

/* Table rows of the four unit names (below the header: the summary lines name units too). */
static void unit_rows(const struct term *t, int rows[4])
{
    int header = row_of(t, "HS quá hạn");
    cr_assert_gt(header, 0, "%s", t->text);
    rows[0] = row_after(t, header, "Phường Cẩm Thành");
    rows[1] = row_after(t, header, "Xã Nghĩa Lộ");
    rows[2] = row_after(t, header, "Đặc khu Lý Sơn");
    rows[3] = row_after(t, header, "Xã Trà Bồng");
    for (int i = 0; i < 4; i++)
        cr_assert_geq(rows[i], 0, "unit %d not on screen:\n%s", i, t->text);
}

static void init(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    unsetenv("COLUMNS");
    unsetenv("LINES");
    text_set_ascii(0);
}

TestSuite(units, .init = init);

/* ---- the ranking ------------------------------------------------------------------------- */

Test(units, worst_first_with_values_and_dashes)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units", 120, 40);
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Xếp hạng xã/phường");
    int r[4];
    unit_rows(&t, r);
    /* Overdue dossiers 2, 1, 0, then no data. */
    cr_assert(r[0] < r[1] && r[1] < r[2] && r[2] < r[3], "order %d %d %d %d\n%s", r[0], r[1], r[2],
              r[3], t.text);
    /* Cẩm Thành: 2 overdue, 60 % on time, 60 % online, 3 open, 1 overdue complaint, 1 sensor
     * alarm (AQI Xấu), 1 of 3 indicators met. */
    const char *ct = t.lines[r[0]];
    cr_assert_not_null(strstr(ct, "60%"), "%s", ct);
    cr_assert_not_null(strstr(ct, "1/3"), "%s", ct);
    char *cells = xstrdup(ct);
    int n = 0;
    const char *want[] = {"2", "60%", "60%", "3", "1", "1", "1/3"};
    for (char *save = NULL, *tok = strtok_r(cells + strlen("Phường Cẩm Thành"), " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        cr_assert_lt(n, 7, "too many cells in '%s'", ct);
        cr_assert_str_eq(tok, want[n], "cell %d of '%s'", n, ct);
        n++;
    }
    cr_assert_eq(n, 7, "'%s'", ct);
    free(cells);
    /* Nghĩa Lộ: 33,3 % on time, 3 alarms (gauge BĐ I, 25 cm flood, camera offline). */
    cr_assert_not_null(strstr(t.lines[r[1]], "33,3%"), "%s", t.lines[r[1]]);
    cr_assert_not_null(strstr(t.lines[r[1]], " 3 "), "%s", t.lines[r[1]]);
    cr_assert_not_null(strstr(t.lines[r[2]], "100%"), "%s", t.lines[r[2]]);
    /* Trà Bồng has no data: dashes, never 0 %. */
    const char *tb = t.lines[r[3]];
    cr_assert_null(strstr(tb, "0%"), "%s", tb);
    int dashes = 0;
    for (const char *p = tb; (p = strstr(p, "–")); p += strlen("–"))
        dashes++;
    cr_assert_eq(dashes, 7, "every value a dash: '%s'", tb);
    term_close(&t);
    store_free(s);
}

Test(units, summary_names_worst_and_best_by_on_time)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units", 200, 50);
    int lo = row_of(&t, "Đúng hạn thấp nhất: Xã Nghĩa Lộ 33,3% · Phường Cẩm Thành 60%");
    cr_assert_geq(lo, 0, "%s", t.text);
    cr_assert_not_null(strstr(t.lines[lo], "Cao nhất: Đặc khu Lý Sơn 100%"), "%s", t.lines[lo]);
    cr_assert(on_screen(&t, "4 xã/phường · 2 có hồ sơ quá hạn · 2 có phản ánh quá hạn"), "%s",
              t.text);
    cr_assert(on_screen(&t, "chỉ tiêu kỳ 2025"), "latest period, not 2024: %s", t.text);
    term_close(&t);
    store_free(s);
}

Test(units, sort_by_column_and_reverse)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units", 200, 50);
    int r[4];
    act(&t, ACT_SORT); /* name, A to Z by the name itself: Cẩm Thành, Lý Sơn, Nghĩa Lộ, Trà Bồng */
    cr_assert(on_screen(&t, "Xã/phường▲"), "%s", t.text);
    unit_rows(&t, r);
    cr_assert(r[0] < r[2] && r[2] < r[1] && r[1] < r[3], "by name %d %d %d %d\n%s", r[0], r[2],
              r[1], r[3], t.text);
    act(&t, ACT_SORT_REVERSE);
    cr_assert(on_screen(&t, "Xã/phường▼"));
    unit_rows(&t, r);
    cr_assert(r[3] < r[1] && r[1] < r[2] && r[2] < r[0], "reversed %d %d %d %d", r[3], r[1], r[2],
              r[0]);
    /* s moves on: code (shown at 200 columns), then online rate, largest first. */
    act(&t, ACT_SORT);
    cr_assert(on_screen(&t, "Mã▲"), "%s", t.text);
    act(&t, ACT_SORT); /* HS quá hạn, largest first */
    act(&t, ACT_SORT); /* Đúng hạn, largest first: Lý Sơn 100, Cẩm Thành 60, Nghĩa Lộ 33, none */
    cr_assert(on_screen(&t, "Đúng hạn▼"), "%s", t.text);
    unit_rows(&t, r);
    cr_assert(r[2] < r[0] && r[0] < r[1] && r[1] < r[3], "on-time desc %d %d %d %d\n%s", r[2], r[0],
              r[1], r[3], t.text);
    term_close(&t);
    store_free(s);
}

Test(units, presets_and_scope)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units:worst", 120, 40);
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Xếp hạng xã/phường › có quá hạn");
    int header = row_of(&t, "HS quá hạn");
    bool ls = false, tb = false;
    for (int k = header + 1; k < t.nlines; k++) {
        ls |= strstr(t.lines[k], "Lý Sơn") != NULL;
        tb |= strstr(t.lines[k], "Trà Bồng") != NULL;
    }
    cr_assert(!ls && !tb, "only units with something overdue:\n%s", t.text);
    cr_assert_gt(row_after(&t, header, "Phường Cẩm Thành"), header);
    term_close(&t);

    term_open(&t, s, "units:communes", 120, 40);
    header = row_of(&t, "HS quá hạn");
    for (int k = header + 1; k < t.nlines; k++)
        cr_assert_null(strstr(t.lines[k], "Phường"), "a ward among communes: %s", t.lines[k]);
    cr_assert_gt(row_after(&t, header, "Xã Trà Bồng"), header);
    term_close(&t);

    term_open(&t, s, "units:wards", 120, 40);
    header = row_of(&t, "HS quá hạn");
    cr_assert_eq(row_after(&t, header, "Phường Cẩm Thành"), header + 1, "%s", t.text);
    cr_assert_null(t.lines[header + 2] && strstr(t.lines[header + 2], "Xã ") ? "x" : NULL);
    term_close(&t);
    store_free(s);
}

Test(units, scoped_to_one_unit_with_its_rank)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units", 120, 40);
    /* ":unit 21100" is what the command line does: the same view, scoped. */
    cr_assert_eq(ui_on_key(t.u, ':', false, &t.ctx), 0);
    for (const char *p = "unit 21100"; *p; p++)
        ui_on_key(t.u, *p, false, &t.ctx);
    ui_on_key(t.u, '\n', false, &t.ctx);
    term_render(&t);
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_not_null(strstr(b, "Xã Nghĩa Lộ › Xếp hạng xã/phường"), "%s", b);
    cr_assert(on_screen(&t, "Xếp thứ 2/4"), "%s", t.text);
    int header = row_of(&t, "HS quá hạn");
    cr_assert_eq(row_after(&t, header, "Xã Nghĩa Lộ"), header + 1);
    cr_assert_eq(t.lines[header + 2] ? (int)strlen(t.lines[header + 2]) : 0, 0,
                 "one row only: '%s'", t.lines[header + 2]);
    term_close(&t);
    store_free(s);
}

Test(units, enter_opens_the_unit_detail_scoped)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units", 120, 40);
    act(&t, ACT_DOWN); /* the second worst: Nghĩa Lộ */
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "unit");
    char b[512];
    crumb(&t, b, sizeof b);
    /* The unit page is named by its scope. */
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Xếp hạng xã/phường › Xã Nghĩa Lộ");
    cr_assert(on_screen(&t, "Xã Nghĩa Lộ · mã 21100 · 18.000 dân"), "%s", t.text);
    cr_assert(on_screen(&t, "Xếp hạng 2/4"), "%s", t.text);
    act(&t, ACT_BACK);
    cr_assert_str_eq(ui_view_name(t.u), "units");
    term_close(&t);
    store_free(s);
}

Test(units, columns_fold_at_80x24)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units", 80, 24);
    int header = row_of(&t, "HS quá hạn");
    cr_assert_geq(header, 0, "%s", t.text);
    cr_assert_null(strstr(t.lines[header], "Chỉ tiêu"), "%s", t.lines[header]);
    cr_assert_null(strstr(t.lines[header], "Báo động"));
    cr_assert_null(strstr(t.lines[header], "Mã"));
    cr_assert_not_null(strstr(t.lines[header], "PA quá hạn"));
    cr_assert(on_screen(&t, "Đúng hạn thấp nhất"), "summary still there: %s", t.text);
    for (int i = 0; i < t.nlines; i++)
        cr_assert_leq(text_width(t.lines[i]), 80, "row %d too wide: %s", i, t.lines[i]);
    term_close(&t);

    term_open(&t, s, "units", 200, 50);
    header = row_of(&t, "HS quá hạn");
    cr_assert_not_null(strstr(t.lines[header], "Chỉ tiêu"), "%s", t.lines[header]);
    cr_assert_not_null(strstr(t.lines[header], "Báo động"));
    cr_assert_not_null(strstr(t.lines[header], "Mã"));
    term_close(&t);
    store_free(s);
}

Test(units, filter_narrows_by_folded_name)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units", 120, 40);
    ui_on_key(t.u, '/', false, &t.ctx);
    for (const char *p = "ly son"; *p; p++)
        ui_on_key(t.u, *p, false, &t.ctx);
    ui_on_key(t.u, '\n', false, &t.ctx);
    term_render(&t);
    int header = row_of(&t, "HS quá hạn");
    cr_assert_eq(row_after(&t, header, "Đặc khu Lý Sơn"), header + 1, "%s", t.text);
    cr_assert(on_screen(&t, "lọc \"ly son\": 1/4"), "%s", t.text);
    term_close(&t);
    store_free(s);
}

Test(units, export_is_tab_separated_in_list_order)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units", 120, 40);
    char *out = export_text(&t);
    char *save = NULL;
    char *line = strtok_r(out, "\n", &save);
    cr_assert_str_eq(line, "rank\tcode\tname\ttype\tdossiers_overdue\ton_time_pct\tonline_pct\t"
                           "complaints_open\tcomplaints_overdue\tsensor_alarms\tindicators_met\t"
                           "indicators_planned");
    cr_assert_str_eq(strtok_r(NULL, "\n", &save),
                     "1\t21025\tPhường Cẩm Thành\tPhường\t2\t60.0\t60.0\t3\t1\t1\t1\t3");
    cr_assert_str_eq(strtok_r(NULL, "\n", &save),
                     "2\t21100\tXã Nghĩa Lộ\tXã\t1\t33.3\t33.3\t2\t2\t3\t1\t2");
    cr_assert_str_eq(strtok_r(NULL, "\n", &save),
                     "3\t21200\tĐặc khu Lý Sơn\tĐặc khu\t0\t100.0\t100.0\t1\t0\t0\t1\t1");
    cr_assert_str_eq(strtok_r(NULL, "\n", &save), "4\t21300\tXã Trà Bồng\tXã\t\t\t\t\t\t\t\t",
                     "no data is empty, not 0");
    cr_assert_null(strtok_r(NULL, "\n", &save));
    free(out);
    term_close(&t);
    store_free(s);
}

Test(units, without_a_unit_list_the_records_name_the_units)
{
    struct store *s = store_new();
    struct dossier_batch *db = dossier_batch_new();
    add_dossier(db, "HS-1", "99001", NOW - DAY, NOW - HOUR, TIME_NONE, true, "Thủ tục");
    store_merge_dossiers(s, db, NOW);
    struct term t;
    term_open(&t, s, "units", 120, 30);
    int header = row_of(&t, "HS quá hạn");
    cr_assert_eq(row_after(&t, header, "99001"), header + 1, "%s", t.text);
    term_close(&t);
    store_free(s);
}

/* ---- the unit detail --------------------------------------------------------------------- */

TestSuite(unit, .init = init);

Test(unit, one_commune_on_one_screen)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "unit:21025", 120, 50);
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Chi tiết xã/phường › Phường Cẩm Thành",
                     "an arg without scope names the unit in the crumb");
    cr_assert(on_screen(&t, "Phường Cẩm Thành · mã 21025 · 30.500 dân"), "%s", t.text);
    cr_assert(on_screen(&t, "Xếp hạng 1/4"), "%s", t.text);
    cr_assert(on_screen(&t, "Đang giải quyết 4: còn hạn 1 · sắp đến hạn 1 · quá hạn 2"), "%s",
              t.text);
    cr_assert(on_screen(&t, "Đã giải quyết 1: trước hạn 0 · đúng hạn 1 · trễ hạn 0"), "%s", t.text);
    /* The most overdue first, then the one due soon; the running one is not listed. */
    int d1 = row_of(&t, "HS-CT-1"), d2 = row_of(&t, "HS-CT-2"), d3 = row_of(&t, "HS-CT-3");
    cr_assert(d1 > 0 && d1 < d2 && d2 < d3, "%d %d %d\n%s", d1, d2, d3, t.text);
    cr_assert_null(strstr(t.text, "HS-CT-4"));
    cr_assert_not_null(strstr(t.lines[d1], "quá"), "%s", t.lines[d1]);
    cr_assert_not_null(strstr(t.lines[d3], "sắp"), "%s", t.lines[d3]);
    /* Complaints: overdue first, then urgent; categories of the open ones. */
    cr_assert(on_screen(&t, "Đang mở 3 · quá hạn 1"), "%s", t.text);
    cr_assert(on_screen(&t, "khẩn chưa tiếp nhận 1 · hài lòng 100%"), "%s", t.text);
    cr_assert(on_screen(&t, "Theo lĩnh vực:"), "%s", t.text);
    int c1 = row_of(&t, "PA-CT-1"), c2 = row_of(&t, "PA-CT-2");
    cr_assert(c1 > 0 && c1 < c2, "%d %d", c1, c2);
    cr_assert_not_null(strstr(t.lines[c2], "[khẩn]"), "%s", t.lines[c2]);
    /* Sensors with band words; indicators not met first with a bar. */
    char aqi[32];
    snprintf(aqi, sizeof aqi, "AQI %d Xấu", aqi_sub_index(AQI_POL_PM25, 100));
    cr_assert(on_screen(&t, aqi), "%s\n%s", aqi, t.text);
    int not_met = row_of(&t, "Tỷ lệ hộ nghèo"), met = row_of(&t, "Thu nhập bình quân");
    cr_assert(not_met > 0 && not_met < met, "%d %d\n%s", not_met, met, t.text);
    cr_assert_not_null(strstr(t.lines[not_met], "Chưa đạt"), "%s", t.lines[not_met]);
    cr_assert_not_null(strstr(t.lines[met], "Đạt"), "%s", t.lines[met]);
    cr_assert_not_null(strstr(t.lines[met], "75 / 70"), "%s", t.lines[met]);
    cr_assert(on_screen(&t, "Kỳ 2025: đạt 1 · chưa đạt 1 · chưa báo cáo 1"), "%s", t.text);
    cr_assert(!on_screen(&t, "Cảnh báo đang tắt."), "only on wide screens: %s", t.text);
    /* Nothing of another unit. */
    cr_assert_null(strstr(t.text, "HS-NL"));
    cr_assert_null(strstr(t.text, "PA-NL"));
    term_close(&t);
    store_free(s);
}

Test(unit, without_scope_or_arg_shows_the_worst_unit)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "unit", 120, 40);
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Chi tiết xã/phường › xếp cuối: Phường Cẩm Thành");
    cr_assert(on_screen(&t, "xếp cuối bảng"), "%s", t.text);
    term_close(&t);
    store_free(s);
}

Test(unit, enter_drills_into_lists_and_records)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "units", 120, 40);
    act(&t, ACT_ENTER); /* the worst: Cẩm Thành */
    cr_assert_str_eq(ui_view_name(t.u), "unit");
    /* The first line is selected: the dossier counts → the overdue list of the unit. */
    cr_assert(on_screen(&t, "▶ Đang giải quyết 4"), "%s", t.text);
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "dossiers");
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_str_eq(b,
                     "Tỉnh Quảng Ngãi › Xếp hạng xã/phường › Phường Cẩm Thành › Hồ sơ › quá hạn");
    act(&t, ACT_BACK);
    cr_assert_str_eq(ui_view_name(t.u), "unit");
    act(&t, ACT_DOWN);
    act(&t, ACT_DOWN); /* the first dossier: the most overdue */
    cr_assert_not_null(strstr(t.lines[row_of(&t, "HS-CT-1")], "▶"), "%s", t.text);
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "dossier");
    crumb(&t, b, sizeof b);
    cr_assert_not_null(strstr(b, "Phường Cẩm Thành"), "%s", b);
    cr_assert_not_null(strstr(b, "HS-CT-1"), "%s", b);
    act(&t, ACT_BACK);
    /* Down to the first complaint → that complaint. */
    for (int i = 0; i < 10 && !strstr(t.lines[row_of(&t, "PA-CT-1")], "▶"); i++)
        act(&t, ACT_DOWN);
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "complaint");
    term_close(&t);
    store_free(s);
}

Test(unit, panels_fold_on_a_phone_and_spread_on_a_wall)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "unit:21025", 80, 24);
    for (int i = 0; i < t.nlines; i++)
        cr_assert_leq(text_width(t.lines[i]), 80, "row %d: %s", i, t.lines[i]);
    /* Everything of this small unit fits a phone in one column; "alerts off" is left out. */
    cr_assert(on_screen(&t, "Bao phủ BHYT"), "%s", t.text);
    cr_assert(!on_screen(&t, "Cảnh báo đang tắt."), "%s", t.text);
    int dossiers = row_of(&t, " Hồ sơ "), complaints = row_of(&t, " Phản ánh ");
    cr_assert(dossiers > 0 && complaints > dossiers, "one column: %d %d", dossiers, complaints);
    term_close(&t);

    /* Shorter: the dossiers keep their lines, the lower panels keep their first line only. */
    term_open(&t, s, "unit:21025", 80, 16);
    cr_assert(on_screen(&t, "HS-CT-3"), "%s", t.text);
    cr_assert(on_screen(&t, "Đang mở 3"), "%s", t.text);
    cr_assert(!on_screen(&t, "PA-CT-1"), "%s", t.text);
    cr_assert(on_screen(&t, "Kỳ 2025: đạt 1"), "%s", t.text);
    cr_assert(!on_screen(&t, "Tỷ lệ hộ nghèo"), "%s", t.text);
    term_close(&t);

    term_open(&t, s, "unit:21025", 200, 50);
    cr_assert(on_screen(&t, "Bao phủ BHYT"), "%s", t.text);
    cr_assert(on_screen(&t, "Cảnh báo đang tắt."), "%s", t.text);
    /* Two columns: dossiers on the left, sensors on the right, their titles side by side
     * near the top. */
    int row = row_of(&t, " Hồ sơ ");
    cr_assert_geq(row, 0);
    cr_assert_not_null(strstr(t.lines[row], " Cảnh báo "), "%s", t.lines[row]);
    term_close(&t);

    term_open(&t, s, "unit:21025", 80, 10);
    cr_assert(on_screen(&t, " Hồ sơ "), "%s", t.text);
    cr_assert(!on_screen(&t, " Chỉ tiêu"), "the lowest folds away: %s", t.text);
    term_close(&t);
    store_free(s);
}

Test(unit, unknown_code_says_so)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "unit:77777", 120, 30);
    cr_assert(on_screen(&t, "Không tìm thấy xã/phường mã 77777."), "%s", t.text);
    term_close(&t);
    store_free(s);
}

Test(unit, active_alerts_of_the_unit)
{
    struct store *s = province();
    struct alerts *a = alerts_new();
    alerts_evaluate(a, s, NULL, NOW);
    size_t mine = 0;
    const char *first = NULL;
    for (size_t i = 0; i < alerts_count(a); i++) {
        const struct alert_event *e = alerts_at(a, i);
        if (e->end == TIME_NONE && !e->silenced && str_eq(e->unit_code, "21100")) {
            mine++;
            if (!first)
                first = e->message;
        }
    }
    cr_assert_gt(mine, 0, "the gauge at BĐ I raises an alert at once");
    struct term t;
    term_open(&t, s, "unit:21100", 120, 50);
    t.ctx.alerts = a;
    term_render(&t);
    char line[128];
    snprintf(line, sizeof line, "Đang có %zu cảnh báo", mine);
    cr_assert(on_screen(&t, line), "%s\n%s", line, t.text);
    char start[40];
    text_fit(first, 30, start, sizeof start);
    start[strlen(start) - strlen("…")] = '\0';
    cr_assert(on_screen(&t, start), "'%s'\n%s", start, t.text);
    /* The alerts sit above the dossiers: ↑ from the first dossier line goes to them, in
     * screen order, and Enter opens the alerts of the unit. */
    int sel = row_of(&t, "▶");
    cr_assert_not_null(strstr(t.lines[sel], "Đang giải quyết 1"), "%s", t.lines[sel]);
    act(&t, ACT_UP);
    int up = row_of(&t, "▶");
    cr_assert_eq(up, sel - 2, "the line just above the dossier panel's title:\n%s", t.text);
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "alerts");
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_not_null(strstr(b, "Xã Nghĩa Lộ"), "%s", b);
    term_close(&t);
    alerts_free(a);
    store_free(s);
}

Test(unit, export_lines)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "unit:21025", 120, 40);
    char *out = export_text(&t);
    cr_assert_not_null(strstr(out, "unit\tcode\t21025\n"), "%s", out);
    cr_assert_not_null(strstr(out, "unit\tname\tPhường Cẩm Thành\n"));
    cr_assert_not_null(strstr(out, "unit\tpopulation\t30500\n"));
    cr_assert_not_null(strstr(out, "unit\trank\t1/4\n"));
    cr_assert_not_null(strstr(out, "dossiers\toverdue\t2\n"));
    cr_assert_not_null(strstr(out, "dossiers\ton_time_pct\t60.0\n"));
    cr_assert_not_null(strstr(out, "complaints\toverdue\t1\n"));
    cr_assert_not_null(strstr(out, "dossier\tHS-CT-1\toverdue\tCấp giấy phép xây dựng\n"), "%s",
                       out);
    cr_assert_not_null(strstr(out, "complaint\tPA-CT-1\toverdue\tVệ sinh môi trường\n"));
    cr_assert_not_null(strstr(out, "indicator\tho_ngheo\t1\t1.2\tnot_met\n"), "%s", out);
    cr_assert_not_null(strstr(out, "indicators\tperiod\t2025\n"));
    cr_assert_null(strstr(out, "HS-NL"));
    free(out);
    term_close(&t);
    store_free(s);
}

/* ---- budget ------------------------------------------------------------------------------ */

/* A province at the national scale of one store: 3,321 units, 100,000 complaints and 50,000
 * dossiers. A recalc reads each unit's aggregates once (no scan of the records per unit) and
 * a frame without new data only draws: both stay far under a frame's time. The bounds are
 * loose (sanitizer builds, busy machines) but an O(units × records) slip takes seconds. */
static struct store *big_province(void)
{
    struct store *s = store_new();
    struct unit_batch *ub = unit_batch_new();
    ub->province_code = xstrdup("51");
    ub->province_name = xstrdup("Tỉnh Lớn");
    char code[16], name[32];
    for (int i = 0; i < 3321; i++) {
        snprintf(code, sizeof code, "%05d", 10000 + i);
        snprintf(name, sizeof name, "Số %d", i);
        add_unit(ub, code, name, i % 3 ? UNIT_COMMUNE : UNIT_WARD, 10000 + i);
    }
    store_merge_units(s, ub);
    struct dossier_batch *db = dossier_batch_new();
    char id[32];
    for (int i = 0; i < 50000; i++) {
        snprintf(id, sizeof id, "HS-%06d", i);
        snprintf(code, sizeof code, "%05d", 10000 + (i * 7) % 3321);
        add_dossier(db, id, code, NOW - (i % 20) * DAY, NOW + ((i % 11) - 3) * DAY,
                    i % 4 == 0 ? NOW - (i % 5) * HOUR : TIME_NONE, i % 2, "Thủ tục");
    }
    store_merge_dossiers(s, db, NOW);
    struct complaint_batch *cb = complaint_batch_new();
    for (int i = 0; i < 100000; i++) {
        snprintf(id, sizeof id, "PA-%06d", i);
        snprintf(code, sizeof code, "%05d", 10000 + (i * 13) % 3321);
        add_complaint(cb, id, code, i % 3 != 0, i % 17 ? CURG_NORMAL : CURG_URGENT,
                      i % 5 ? CST_IN_PROGRESS : CST_NEW, NOW - (i % 30) * DAY,
                      NOW + ((i % 9) - 4) * DAY, i % 7 ? -1 : i % 2, "Giao thông", "Ổ gà");
    }
    store_merge_complaints(s, cb);
    store_set_now(s, NOW);
    return s;
}

static double ms_since(int64_t t0)
{
    return (double)(clock_mono_ms() - t0);
}

Test(units, budget_at_national_scale, .timeout = 60)
{
    struct store *s = big_province();
    static const char *const specs[] = {"units", "unit:10007", "overview"};
    for (size_t k = 0; k < 3; k++) {
        struct term t;
        term_open(&t, s, specs[k], 200, 50);
        /* Data changed: recalc and draw. */
        int64_t t0 = clock_mono_ms();
        for (int i = 0; i < 5; i++) {
            ui_mark_data(t.u);
            ui_render(t.u, &t.ctx);
        }
        double recalc = ms_since(t0) / 5;
        /* Nothing changed: draw only. */
        t0 = clock_mono_ms();
        for (int i = 0; i < 50; i++) {
            ui_mark_draw(t.u);
            ui_render(t.u, &t.ctx);
        }
        double draw = ms_since(t0) / 50;
        cr_log_info("%s: recalc+draw %.2f ms, draw %.3f ms", specs[k], recalc, draw);
        cr_assert_lt(recalc, 250, "%s: recalc %.1f ms", specs[k], recalc);
        cr_assert_lt(draw, 20, "%s: draw %.2f ms", specs[k], draw);
        term_close(&t);
    }
    store_free(s);
}
