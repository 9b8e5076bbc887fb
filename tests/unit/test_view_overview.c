/* The overview (Tổng quan) rendered on a virtual screen from a crafted province: the numbers
 * of every tile equal what was put in, the scope narrows them, tiles fold by priority on small
 * terminals and sit side by side on big ones, arrows move the tile selection and Enter opens
 * the tile's list in the same scope, export lines. */
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
const struct view_ops *const test_views[] = {&overview_view_ops,   &dossiers_view_ops,
                                             &complaints_view_ops, &sensors_view_ops,
                                             &indicators_view_ops, &alerts_view_ops};

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

static void init(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    unsetenv("COLUMNS");
    unsetenv("LINES");
    text_set_ascii(0);
}

TestSuite(overview, .init = init);

/* Runs a ":" command line as typed. */
static void command(struct term *t, const char *line)
{
    ui_on_key(t->u, ':', false, &t->ctx);
    for (const char *p = line; *p; p++)
        ui_on_key(t->u, *p, false, &t->ctx);
    ui_on_key(t->u, '\n', false, &t->ctx);
    term_render(t);
}

Test(overview, province_numbers_equal_the_records)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "overview", 120, 40);
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Tổng quan");
    cr_assert(on_screen(&t, "Tỉnh Quảng Ngãi · 4 xã/phường"), "%s", t.text);
    /* Dossiers: 2 received and 1 finished today; 6 open, 3 overdue, 1 due soon; on time
     * 1 - (3 overdue + 1 late) / 10 = 60 %; 6 of 10 online. */
    cr_assert(on_screen(&t, "Hôm nay: tiếp nhận 2 · giải quyết 1"), "%s", t.text);
    cr_assert(on_screen(&t, "Đang giải quyết 6 · quá hạn 3 · sắp đến hạn 1"), "%s", t.text);
    cr_assert(on_screen(&t, "Đúng hạn 60% · trực tuyến 60%"), "%s", t.text);
    cr_assert(on_screen(&t, "Đã xong 4: trước hạn 1 · đúng hạn 2 · trễ hạn 1"), "%s", t.text);
    /* Complaints: 3 sent today, 6 open, 3 overdue, 1 urgent waiting, 1 of 2 rated satisfied. */
    cr_assert(on_screen(&t, "Hôm nay: mới 3 · đang mở 6"), "%s", t.text);
    cr_assert(on_screen(&t, "Quá hạn 3 · khẩn chưa tiếp nhận 1 · sắp đến hạn 1"), "%s", t.text);
    cr_assert(on_screen(&t, "Hài lòng 50% (2 đánh giá)"), "%s", t.text);
    cr_assert(on_screen(&t, "Nhiều nhất: Trật tự đô thị 2"), "%s", t.text);
    /* Sensors: the worst station with its index and band word, gauges, flooding, cameras. */
    char aqi[96];
    snprintf(aqi, sizeof aqi, "AQI cao nhất %d Xấu · Trạm Cẩm Thành",
             aqi_sub_index(AQI_POL_PM25, 100));
    cr_assert(on_screen(&t, aqi), "%s\n%s", aqi, t.text);
    cr_assert(on_screen(&t, "Sông: trạm 1 · BĐ I 1 · BĐ II 0 · BĐ III 0"), "%s", t.text);
    cr_assert(on_screen(&t, "Ngập: điểm 1 · ≥10 cm 1 · ≥20 1 · ≥30 0"), "%s", t.text);
    cr_assert(on_screen(&t, "Camera mất tín hiệu 1/2"), "%s", t.text);
    cr_assert(on_screen(&t, "Mực nước cao nhất: Cầu Trà Khúc 10,00 m BĐ I"), "%s", t.text);
    /* Indicators of the latest period (2025, not 2024) over every commune. */
    cr_assert(on_screen(&t, "Kỳ 2025: đạt 3 · chưa đạt 2 · chưa báo cáo 1"), "%s", t.text);
    cr_assert(on_screen(&t, "Cảnh báo đang tắt"), "%s", t.text);
    term_close(&t);
    store_free(s);
}

Test(overview, scope_narrows_every_tile)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "overview", 120, 40);
    command(&t, "unit 21100");
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_not_null(strstr(b, "Xã Nghĩa Lộ › Tổng quan"), "%s", b);
    cr_assert(on_screen(&t, "Xã Nghĩa Lộ · mã 21100 · 18.000 dân"), "%s", t.text);
    cr_assert(on_screen(&t, "Hôm nay: tiếp nhận 0 · giải quyết 0"), "%s", t.text);
    cr_assert(on_screen(&t, "Đang giải quyết 1 · quá hạn 1 · sắp đến hạn 0"), "%s", t.text);
    cr_assert(on_screen(&t, "Đúng hạn 33,3% · trực tuyến 33,3%"), "%s", t.text);
    cr_assert(on_screen(&t, "Hôm nay: mới 0 · đang mở 2"), "%s", t.text);
    cr_assert(on_screen(&t, "Quá hạn 2 · khẩn chưa tiếp nhận 0"), "%s", t.text);
    cr_assert(on_screen(&t, "Hài lòng 0% (1 đánh giá)"), "%s", t.text);
    cr_assert(on_screen(&t, "AQI: chưa có trạm đo"), "no air station here: %s", t.text);
    cr_assert(on_screen(&t, "Camera mất tín hiệu 1/1"), "%s", t.text);
    cr_assert(on_screen(&t, "Kỳ 2025: đạt 1 · chưa đạt 1 · chưa báo cáo 0"), "%s", t.text);
    /* Another unit, another picture. */
    command(&t, "unit 21200");
    cr_assert(on_screen(&t, "Đang giải quyết 1 · quá hạn 0 · sắp đến hạn 0"), "%s", t.text);
    cr_assert(on_screen(&t, "Đúng hạn 100%"), "%s", t.text);
    cr_assert(on_screen(&t, "AQI cao nhất 40 Tốt · Trạm Lý Sơn"), "%s", t.text);
    /* A unit without any data says so in every tile. */
    command(&t, "unit 21300");
    cr_assert(on_screen(&t, "Chưa có dữ liệu hồ sơ."), "%s", t.text);
    cr_assert(on_screen(&t, "Chưa có dữ liệu phản ánh."), "%s", t.text);
    cr_assert(on_screen(&t, "Chưa có dữ liệu cảm biến."), "%s", t.text);
    cr_assert(on_screen(&t, "Chưa có chỉ tiêu được báo cáo."), "%s", t.text);
    term_close(&t);
    store_free(s);
}

/* Display column where needle starts in the row. */
static int column_of(const char *line, const char *needle)
{
    const char *p = strstr(line, needle);
    cr_assert_not_null(p, "'%s' not in '%s'", needle, line);
    char *prefix = xstrndup(line, (size_t)(p - line));
    int w = text_width(prefix);
    free(prefix);
    return w;
}

Test(overview, tiles_stack_on_a_phone_and_spread_on_a_wall)
{
    struct store *s = province();
    struct term t;
    static const char *const titles[] = {" Hồ sơ ", " Phản ánh ", " Cảm biến ", " Cảnh báo ",
                                         " Chỉ tiêu "};
    /* 80x24: one column, every tile, in priority order top to bottom. */
    term_open(&t, s, "overview", 80, 24);
    int prev = 0;
    for (size_t i = 0; i < 5; i++) {
        int row = row_of(&t, titles[i]);
        cr_assert_gt(row, prev, "%s at %d after %d:\n%s", titles[i], row, prev, t.text);
        prev = row;
    }
    for (int i = 0; i < t.nlines; i++)
        cr_assert_leq(text_width(t.lines[i]), 80, "row %d: %s", i, t.lines[i]);
    /* The dossier tile has room for its trend; the sensor tile keeps its first lines. */
    cr_assert(on_screen(&t, "Tiếp nhận 14 ngày"), "%s", t.text);
    cr_assert(on_screen(&t, "Ngập: điểm 1"), "%s", t.text);
    cr_assert(!on_screen(&t, "Ngập sâu nhất"), "%s", t.text);
    term_close(&t);

    /* 80x14: the lowest priorities fold away; what is left is whole lines. */
    term_open(&t, s, "overview", 80, 14);
    cr_assert(on_screen(&t, " Hồ sơ "), "%s", t.text);
    cr_assert(on_screen(&t, " Phản ánh "), "%s", t.text);
    cr_assert(on_screen(&t, "Đang giải quyết 6 · quá hạn 3"), "%s", t.text);
    cr_assert(!on_screen(&t, " Chỉ tiêu "), "%s", t.text);
    cr_assert(!on_screen(&t, " Cảnh báo "), "%s", t.text);
    term_close(&t);

    /* 200x50: three tiles side by side, all lines shown. */
    term_open(&t, s, "overview", 200, 50);
    int row = row_of(&t, " Hồ sơ ");
    cr_assert_geq(row, 0);
    cr_assert_not_null(strstr(t.lines[row], " Phản ánh "), "%s", t.lines[row]);
    cr_assert_not_null(strstr(t.lines[row], " Cảm biến "), "%s", t.lines[row]);
    cr_assert_lt(column_of(t.lines[row], " Hồ sơ "), column_of(t.lines[row], " Phản ánh "));
    cr_assert(on_screen(&t, "Ngập sâu nhất: Ngã tư Nghĩa Lộ 25 cm"), "%s", t.text);
    cr_assert(on_screen(&t, "50% đạt"), "the indicator bar: %s", t.text);
    int second = row_of(&t, " Cảnh báo ");
    cr_assert_gt(second, row);
    cr_assert_not_null(strstr(t.lines[second], " Chỉ tiêu "), "%s", t.lines[second]);
    term_close(&t);
    store_free(s);
}

Test(overview, arrows_select_a_tile_and_enter_opens_its_list)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "overview", 120, 40);
    cr_assert(on_screen(&t, "▶ Hồ sơ"), "the dossier tile starts selected: %s", t.text);
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "dossiers");
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Tổng quan › Hồ sơ › quá hạn");
    act(&t, ACT_BACK);
    cr_assert_str_eq(ui_view_name(t.u), "overview");
    /* Two columns at 120: → to complaints, ↓ to the row below (alerts), ← to sensors. */
    act(&t, ACT_RIGHT);
    cr_assert(on_screen(&t, "▶ Phản ánh"), "%s", t.text);
    cr_assert(!on_screen(&t, "▶ Hồ sơ"));
    act(&t, ACT_DOWN);
    cr_assert(on_screen(&t, "▶ Cảnh báo"), "%s", t.text);
    act(&t, ACT_LEFT);
    cr_assert(on_screen(&t, "▶ Cảm biến"), "%s", t.text);
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "sensors");
    crumb(&t, b, sizeof b);
    cr_assert_not_null(strstr(b, "Cảm biến › đang báo động"), "alarms first: %s", b);
    act(&t, ACT_BACK);
    act(&t, ACT_DOWN);
    cr_assert(on_screen(&t, "▶ Chỉ tiêu"), "%s", t.text);
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "indicators");
    term_close(&t);
    store_free(s);
}

Test(overview, enter_keeps_the_scope)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "overview", 80, 24);
    command(&t, "unit 21100");
    act(&t, ACT_DOWN); /* one column: down is the next tile */
    cr_assert(on_screen(&t, "▶ Phản ánh"), "%s", t.text);
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "complaints");
    char b[512];
    crumb(&t, b, sizeof b);
    cr_assert_not_null(strstr(b, "Xã Nghĩa Lộ › Tổng quan › Phản ánh › quá hạn"), "%s", b);
    cr_assert(on_screen(&t, "PA-NL-1"), "%s", t.text);
    cr_assert(!on_screen(&t, "PA-CT-1"), "scoped: %s", t.text);
    term_close(&t);

    /* Nothing overdue in Lý Sơn: Enter opens the whole list, not an empty preset. */
    term_open(&t, s, "overview", 80, 24);
    command(&t, "unit 21200");
    act(&t, ACT_ENTER);
    cr_assert_str_eq(ui_view_name(t.u), "dossiers");
    crumb(&t, b, sizeof b);
    cr_assert_null(strstr(b, "quá hạn"), "%s", b);
    term_close(&t);
    store_free(s);
}

Test(overview, alerts_tile_counts_and_lists_the_active_events)
{
    struct store *s = province();
    struct alerts *a = alerts_new();
    alerts_evaluate(a, s, NULL, NOW);
    size_t active = alerts_active_count(a);
    cr_assert_gt(active, 0, "the gauge at BĐ I fires at once");
    const struct alert_event *first = alerts_at(a, 0);
    struct term t;
    term_open(&t, s, "overview", 200, 50);
    t.ctx.alerts = a;
    term_render(&t);
    char line[128];
    snprintf(line, sizeof line, "Đang có %zu · nghiêm trọng %zu", active,
             alerts_active_critical(a));
    cr_assert(on_screen(&t, line), "%s\n%s", line, t.text);
    char start[40];
    text_fit(first->message, 25, start, sizeof start);
    start[strlen(start) - strlen("…")] = '\0';
    cr_assert(on_screen(&t, start), "'%s'\n%s", start, t.text);
    cr_assert(!on_screen(&t, "Cảnh báo đang tắt"));
    /* Scoped: only the unit's events. */
    command(&t, "unit 21300");
    cr_assert(on_screen(&t, "Đang có 0"), "%s", t.text);
    cr_assert(on_screen(&t, "Không có cảnh báo đang hoạt động."), "%s", t.text);
    term_close(&t);
    alerts_free(a);
    store_free(s);
}

Test(overview, export_lines)
{
    struct store *s = province();
    struct term t;
    term_open(&t, s, "overview", 120, 40);
    char *out = export_text(&t);
    static const char *const want[] = {
        "scope\tcode\t\n",
        "scope\tname\tTỉnh Quảng Ngãi\n",
        "dossiers\treceived_today\t2\n",
        "dossiers\tfinished_today\t1\n",
        "dossiers\topen\t6\n",
        "dossiers\toverdue\t3\n",
        "dossiers\tdue_soon\t1\n",
        "dossiers\ton_time_pct\t60.0\n",
        "dossiers\tonline_pct\t60.0\n",
        "complaints\tnew_today\t3\n",
        "complaints\topen\t6\n",
        "complaints\toverdue\t3\n",
        "complaints\turgent_unaccepted\t1\n",
        "complaints\tsatisfaction_pct\t50.0\n",
        "sensors\tworst_aqi_band\tXấu\n",
        "sensors\tworst_aqi_station\tTrạm Cẩm Thành\n",
        "sensors\tgauges_bd1\t1\n",
        "sensors\tflood_20cm\t1\n",
        "sensors\tcameras_offline\t1\n",
        "indicators\tperiod\t2025\n",
        "indicators\tmet\t3\n",
        "indicators\tnot_met\t2\n",
        "indicators\tnot_reported\t1\n",
        "alerts\tactive\t\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_not_null(strstr(out, want[i]), "missing '%s' in\n%s", want[i], out);
    for (const char *p = out; *p; p++)
        cr_assert(*p != ' ' || p == out || p[-1] != '\t', "a value starts with a blank");
    free(out);
    command(&t, "unit 21100");
    out = export_text(&t);
    cr_assert_not_null(strstr(out, "scope\tcode\t21100\n"), "%s", out);
    cr_assert_not_null(strstr(out, "dossiers\ton_time_pct\t33.3\n"), "%s", out);
    cr_assert_not_null(strstr(out, "sensors\tworst_aqi\t\n"), "%s", out);
    free(out);
    term_close(&t);
    store_free(s);
}

Test(overview, empty_store_says_so)
{
    struct store *s = store_new();
    struct term t;
    term_open(&t, s, "overview", 120, 40);
    cr_assert(on_screen(&t, "Toàn tỉnh"), "%s", t.text);
    cr_assert(on_screen(&t, "Chưa có dữ liệu hồ sơ."), "%s", t.text);
    cr_assert(on_screen(&t, "Chưa có dữ liệu phản ánh."), "%s", t.text);
    cr_assert(on_screen(&t, "Chưa có dữ liệu cảm biến."), "%s", t.text);
    term_close(&t);
    store_free(s);
}

Test(overview, ascii_mode_has_no_unicode_glyphs_of_its_own)
{
    struct store *s = province();
    text_set_ascii(1);
    struct term t;
    term_open(&t, s, "overview", 200, 50);
    cr_assert(on_screen(&t, "> Hồ sơ"), "%s", t.text);
    cr_assert_null(strstr(t.text, "▶"));
    cr_assert_null(strstr(t.text, "▁"), "sparklines in ASCII: %s", t.text);
    cr_assert_null(strstr(t.text, "█"));
    term_close(&t);
    text_set_ascii(0);
    store_free(s);
}
