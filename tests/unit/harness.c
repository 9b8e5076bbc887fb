/* The unit tests' shared helpers; see harness.h. No Criterion tests and no main() here: this
 * file is linked into every unit test binary. */
#include "harness.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "citydeck/clock.h"
#include "citydeck/keys.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/util.h"

void harness_tmpdir(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/citydeck-test-%s-XXXXXX", name);
    cr_assert_not_null(mkdtemp(buf), "mkdtemp %s", buf);
}

void harness_rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            harness_rm_rf(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

char *harness_fixture_read(const char *dir, const char *name, size_t *len)
{
    const char *root = getenv("CITYDECK_FIXTURES");
    cr_assert(root, "CITYDECK_FIXTURES is not set (meson test sets it)");
    char *path = xasprintf("%s/%s/%s", root, dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    free(path);
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_take(&b);
}

uint64_t harness_rng(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ull;
}

/* ---- crafted records ------------------------------------------------------------------- */

int64_t harness_at(const char *iso)
{
    int64_t t = clock_parse_iso(iso, CLOCK_VN_OFFSET, NULL);
    cr_assert_neq(t, TIME_NONE, "%s", iso);
    return t;
}

struct unit_batch *harness_unit_batch(void)
{
    struct unit_batch *b = unit_batch_new();
    b->province_code = xstrdup("51");
    b->province_name = xstrdup("Tỉnh Quảng Ngãi");
    harness_unit(b, "51", "Quảng Ngãi", "Tỉnh Quảng Ngãi", UNIT_PROVINCE);
    return b;
}

struct unit *harness_unit(struct unit_batch *b, const char *code, const char *name,
                          const char *full, enum unit_type type)
{
    struct unit *u = unit_batch_push(b);
    u->code = xstrdup(code);
    u->name = xstrdup(name);
    u->full_name = full ? xstrdup(full) : xasprintf("%s %s", unit_type_label(type), name);
    u->parent = type == UNIT_PROVINCE ? NULL : xstrdup("51");
    u->type = type;
    return u;
}

struct dossier *harness_dossier(struct dossier_batch *b, const char *id, const char *unit,
                                int64_t received, int64_t due, int64_t finished, bool online,
                                const char *procedure)
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
    return d;
}

struct complaint *harness_complaint(struct complaint_batch *b, const char *id, const char *unit,
                                    bool open, enum complaint_urgency urgency,
                                    enum complaint_status status, int64_t requested,
                                    int64_t expected, int satisfaction, const char *category,
                                    const char *text)
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
    return c;
}

struct sensor_update *harness_sensor(struct sensor_batch *b, const char *id, const char *station,
                                     const char *name, enum sensor_kind kind, const char *ward)
{
    struct sensor_update *u = sensor_batch_push(b);
    u->meta = true;
    u->s.id = xstrdup(id);
    u->s.remote_id = xstrdup(id);
    u->s.name = xstrdup(name);
    u->s.station = xstrdup(station);
    u->s.kind = kind;
    u->s.unit_code = ward ? xstrdup(ward) : NULL;
    return u;
}

/* A station of the crafted province, named by its station, read a minute before now. */
static struct sensor_update *province_sensor(struct sensor_batch *b, const char *id,
                                             const char *station, enum sensor_kind kind,
                                             const char *ward, double value)
{
    struct sensor_update *u = harness_sensor(b, id, station, station, kind, ward);
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
    sensor_update_add_obs(u, (int64_t)HARNESS_NOW * 1000 - 60000, value);
    return u;
}

static void province_indicator(struct indicator_batch *b, const char *unit, const char *id,
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

struct store *harness_province(void)
{
    enum { NOW = HARNESS_NOW, HOUR = 3600, DAY = 86400 };
    struct store *s = store_new();

    struct unit_batch *ub = harness_unit_batch();
    harness_unit(ub, "21025", "Cẩm Thành", NULL, UNIT_WARD)->population = 30500;
    harness_unit(ub, "21100", "Nghĩa Lộ", NULL, UNIT_COMMUNE)->population = 18000;
    harness_unit(ub, "21200", "Lý Sơn", NULL, UNIT_SPECIAL)->population = 22000;
    harness_unit(ub, "21300", "Trà Bồng", NULL, UNIT_COMMUNE);
    store_merge_units(s, ub);

    int64_t last_week = harness_at("2026-02-23T09:00:00+07:00");
    struct dossier_batch *db = dossier_batch_new();
    harness_dossier(db, "HS-CT-1", "21025", last_week, harness_at("2026-02-26T17:00:00+07:00"),
                    TIME_NONE, true, "Cấp giấy phép xây dựng");
    harness_dossier(db, "HS-CT-2", "21025", last_week, harness_at("2026-02-27T17:00:00+07:00"),
                    TIME_NONE, false, "Đăng ký hộ kinh doanh");
    harness_dossier(db, "HS-CT-3", "21025", NOW - HOUR, harness_at("2026-03-02T16:00:00+07:00"),
                    TIME_NONE, true, "Chứng thực bản sao");
    harness_dossier(db, "HS-CT-4", "21025", NOW - HOUR, harness_at("2026-03-06T17:00:00+07:00"),
                    TIME_NONE, false, "Đăng ký khai sinh");
    harness_dossier(db, "HS-CT-5", "21025", last_week, harness_at("2026-03-02T17:00:00+07:00"),
                    NOW - 600, true, "Đăng ký kết hôn");
    harness_dossier(db, "HS-NL-1", "21100", last_week, harness_at("2026-02-25T17:00:00+07:00"),
                    TIME_NONE, false, "Cấp sổ đỏ");
    harness_dossier(db, "HS-NL-2", "21100", last_week, harness_at("2026-02-25T10:00:00+07:00"),
                    harness_at("2026-02-27T10:00:00+07:00"), false, "Chuyển mục đích sử dụng đất");
    harness_dossier(db, "HS-NL-3", "21100", last_week, harness_at("2026-02-26T10:00:00+07:00"),
                    harness_at("2026-02-26T09:00:00+07:00"), true, "Đăng ký khai tử");
    harness_dossier(db, "HS-LS-1", "21200", last_week, harness_at("2026-03-09T17:00:00+07:00"),
                    TIME_NONE, true, "Cấp phép đánh bắt");
    harness_dossier(db, "HS-LS-2", "21200", last_week, harness_at("2026-03-05T17:00:00+07:00"),
                    harness_at("2026-02-27T10:00:00+07:00"), true, "Đăng ký tàu cá");
    store_merge_dossiers(s, db, NOW);

    struct complaint_batch *cb = complaint_batch_new();
    harness_complaint(cb, "PA-CT-1", "21025", true, CURG_NORMAL, CST_IN_PROGRESS, NOW - 5 * DAY,
                      NOW - 2 * HOUR, -1, "Vệ sinh môi trường", "Rác thải ùn ứ");
    harness_complaint(cb, "PA-CT-2", "21025", true, CURG_URGENT, CST_NEW, NOW - HOUR,
                      NOW + 3 * HOUR, -1, "Hạ tầng đô thị", "Cây đổ chắn đường");
    harness_complaint(cb, "PA-CT-3", "21025", true, CURG_NORMAL, CST_ACCEPTED, NOW - 2 * HOUR,
                      NOW + 5 * DAY, -1, "Giao thông", "Đèn tín hiệu hỏng");
    harness_complaint(cb, "PA-CT-4", "21025", false, CURG_NORMAL, CST_PUBLISHED, NOW - 9 * DAY,
                      NOW - 4 * DAY, 1, "Giao thông", "Ổ gà");
    harness_complaint(cb, "PA-NL-1", "21100", true, CURG_NORMAL, CST_IN_PROGRESS, NOW - 9 * DAY,
                      NOW - 3 * DAY, -1, "Trật tự đô thị", "Lấn chiếm vỉa hè");
    harness_complaint(cb, "PA-NL-2", "21100", true, CURG_NORMAL, CST_IN_PROGRESS, NOW - 8 * DAY,
                      NOW - DAY, -1, "Trật tự đô thị", "Xây dựng trái phép");
    harness_complaint(cb, "PA-NL-3", "21100", false, CURG_NORMAL, CST_PUBLISHED, NOW - 10 * DAY,
                      NOW - 6 * DAY, 0, "Tiếng ồn", "Karaoke");
    harness_complaint(cb, "PA-LS-1", "21200", true, CURG_NORMAL, CST_ACCEPTED, NOW - HOUR,
                      NOW + 4 * DAY, -1, "Môi trường biển", "Rác trôi dạt");
    store_merge_complaints(s, cb);

    struct sensor_batch *sb = sensor_batch_new();
    struct sensor_update *aq = province_sensor(sb, "aq-ct", "Trạm Cẩm Thành", SK_AIR_QUALITY,
                                               "21025", 100); /* AQI 164, Xấu */
    for (int i = 1; i <= 6; i++)
        sensor_update_add_obs(aq, (int64_t)NOW * 1000 - 60000 - i * 300000, 40.0 + i * 5);
    province_sensor(sb, "wl-nl", "Cầu Trà Khúc", SK_WATER_LEVEL, "21100", 10.0); /* BĐ I */
    province_sensor(sb, "fd-nl", "Ngã tư Nghĩa Lộ", SK_FLOOD_DEPTH, "21100", 25);
    province_sensor(sb, "cam-nl", "Camera chợ Nghĩa Lộ", SK_CAMERA, "21100", 0);
    province_sensor(sb, "aq-ls", "Trạm Lý Sơn", SK_AIR_QUALITY, "21200", 20); /* Tốt */
    province_sensor(sb, "cam-ls", "Camera cảng Lý Sơn", SK_CAMERA, "21200", 1);
    store_merge_sensors(s, sb);

    struct indicator_batch *ib = indicator_batch_new();
    province_indicator(ib, "21025", "thu_nhap", "Thu nhập bình quân", "2025", 70, 75,
                       IND_HIGHER_BETTER);
    province_indicator(ib, "21025", "ho_ngheo", "Tỷ lệ hộ nghèo", "2025", 1.0, 1.2,
                       IND_LOWER_BETTER);
    province_indicator(ib, "21025", "bhyt", "Bao phủ BHYT", "2025", 95, NAN, IND_HIGHER_BETTER);
    province_indicator(ib, "21025", "thu_nhap", "Thu nhập bình quân", "2024", 65, 60,
                       IND_HIGHER_BETTER);
    province_indicator(ib, "21100", "thu_nhap", "Thu nhập bình quân", "2025", 60, 55,
                       IND_HIGHER_BETTER);
    province_indicator(ib, "21100", "bhyt", "Bao phủ BHYT", "2025", 90, 92, IND_HIGHER_BETTER);
    province_indicator(ib, "21200", "thu_nhap", "Thu nhập bình quân", "2025", 50, 52,
                       IND_HIGHER_BETTER);
    store_merge_indicators(s, ib);

    store_set_now(s, NOW);
    return s;
}

/* ---- a console on a virtual screen ----------------------------------------------------- */

void harness_console_init(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    unsetenv("COLUMNS");
    unsetenv("LINES");
    text_set_ascii(0);
    keys_reset();
}

static void open_screen(struct harness_term *t, int cols, int rows)
{
    char err[128];
    cr_assert_eq(screen_open_virtual(&t->scr, cols, rows, err, sizeof err), 0, "%s", err);
    theme_init(false);
}

static void forget_frame(struct harness_term *t)
{
    if (t->lines)
        harness_free_lines(t->lines);
    free(t->text);
    t->lines = NULL;
    t->text = NULL;
    t->nlines = 0;
}

void harness_term_open(struct harness_term *t, struct store *s, const char *spec, int cols,
                       int rows, int64_t now)
{
    memset(t, 0, sizeof *t);
    open_screen(t, cols, rows);
    t->u = ui_new(spec);
    cr_assert_not_null(t->u, "no view for %s", spec);
    t->ctx = (struct view_ctx){.store = s, .now = now, .tz_offset_s = CLOCK_VN_OFFSET};
}

char **harness_term_show(struct harness_term *t, struct store *s, const char *spec, int cols,
                         int rows, int64_t now)
{
    harness_term_open(t, s, spec, cols, rows, now);
    return harness_term_frame(t);
}

char **harness_term_frame(struct harness_term *t)
{
    forget_frame(t);
    ui_render(t->u, &t->ctx);
    size_t len = 0;
    FILE *mem = open_memstream(&t->text, &len);
    cr_assert_not_null(mem);
    screen_dump(&t->scr, mem);
    fclose(mem);
    t->lines = xcalloc((size_t)t->scr.rows + 1, sizeof *t->lines);
    for (const char *p = t->text; *p && t->nlines < t->scr.rows;) {
        size_t n = strcspn(p, "\n");
        t->lines[t->nlines++] = xstrndup(p, n);
        p += n + (p[n] == '\n');
    }
    if (getenv("DUMP_VIEWS")) /* run a test binary with DUMP_VIEWS=1 to see its frames */
        fprintf(stderr, "---- %s %dx%d\n%s", ui_view_name(t->u), t->scr.cols, t->scr.rows, t->text);
    return t->lines;
}

void harness_term_resize(struct harness_term *t, int cols, int rows)
{
    forget_frame(t);
    screen_close(&t->scr);
    open_screen(t, cols, rows);
}

void harness_term_act(struct harness_term *t, enum action a)
{
    ui_on_action(t->u, a, &t->ctx);
    harness_term_frame(t);
}

void harness_term_keys(struct harness_term *t, const char *keys)
{
    wchar_t wc;
    mbstate_t st = {0};
    for (size_t n; *keys && (n = mbrtowc(&wc, keys, strlen(keys), &st)) > 0; keys += n) {
        cr_assert_lt(n, (size_t)-2, "not UTF-8: %s", keys);
        ui_on_key(t->u, (int)wc, false, &t->ctx);
    }
}

void harness_term_command(struct harness_term *t, const char *line)
{
    ui_on_key(t->u, ':', false, &t->ctx);
    harness_term_keys(t, line);
    ui_on_key(t->u, '\r', false, &t->ctx);
    harness_term_frame(t);
}

const char *harness_term_crumb(struct harness_term *t)
{
    ui_breadcrumb(t->u, &t->ctx, t->crumb, sizeof t->crumb);
    return t->crumb;
}

char *harness_term_export(struct harness_term *t)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    cr_assert_not_null(mem);
    ui_export(t->u, &t->ctx, mem);
    fclose(mem);
    return out;
}

void harness_term_close(struct harness_term *t)
{
    forget_frame(t);
    ui_free(t->u);
    t->u = NULL;
    screen_close(&t->scr);
}

void harness_term_close_with_store(struct harness_term *t)
{
    harness_term_close(t);
    store_free(t->ctx.store);
    t->ctx.store = NULL;
}

char **harness_render(struct store *s, const char *spec, int cols, int rows, int64_t now)
{
    struct harness_term t;
    harness_term_open(&t, s, spec, cols, rows, now);
    char **lines = harness_term_frame(&t);
    t.lines = NULL; /* the caller's now */
    harness_term_close(&t);
    return lines;
}

void harness_free_lines(char **lines)
{
    for (int i = 0; lines[i]; i++)
        free(lines[i]);
    free(lines);
}

/* ---- reading a frame ------------------------------------------------------------------- */

int harness_find_row_after(char *const *lines, int from, const char *needle)
{
    for (int i = from + 1; lines[i]; i++)
        if (strstr(lines[i], needle))
            return i;
    return -1;
}

int harness_find_row(char *const *lines, const char *needle)
{
    return harness_find_row_after(lines, -1, needle);
}

bool harness_shows(char *const *lines, const char *needle)
{
    return harness_find_row(lines, needle) >= 0;
}

int harness_count_rows(char *const *lines, const char *needle)
{
    int n = 0;
    for (int i = 0; lines[i]; i++)
        n += strstr(lines[i], needle) != NULL;
    return n;
}

int harness_column_of(const char *line, const char *needle)
{
    const char *p = strstr(line, needle);
    cr_assert_not_null(p, "'%s' not in '%s'", needle, line);
    char *prefix = xstrndup(line, (size_t)(p - line));
    int w = text_width(prefix);
    free(prefix);
    return w;
}

bool harness_ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}
