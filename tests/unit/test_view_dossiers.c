/* The dossier list and the dossier detail on a virtual screen, from a crafted batch whose
 * working-time arithmetic is worked out by hand (Monday 2 March 2026, 08:00, the start of a
 * working day; Tết closes 16-20 February): order, presets, scope, the time-left words and
 * the progress bar glyphs, folding at 80x24 against 200x50, Enter into the detail, the
 * detail's deadline block and timeline with its pauses, scrolling, and both exports. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"
#include "harness.h"

#define ID_OVER "H51.21025-260223-0001"  /* quá hạn by 1 ngày 3h */
#define ID_SOON "H51.21025-260226-0002"  /* sắp đến hạn: 5h left */
#define ID_HALF "H51.21100-260225-0003"  /* còn hạn: 2,5 of 5 days left, online */
#define ID_PAUSE "H51.21025-260223-0004" /* waiting for a supplement, 5 of 10 days left */
#define ID_SUPP2 "H51.21200-260220-0005" /* asked twice: late whatever the dates */
#define ID_LATE "H51.21025-260209-0006"  /* finished 6h after due, with a pause of 1 day */
#define ID_EARLY "H51.21100-260224-0007" /* finished before the appointment day, online */
#define ID_WAIT "H51.21025-260302-0008"  /* submitted online, not yet received */
#define ID_LONG "H51.21300-260226-0009"  /* in Đức Phổ: 30 steps */

#define NOW_ISO "2026-03-02T08:00:00+07:00"

static struct dossier *dossier(struct dossier_batch *b, const char *id, const char *unit,
                               int status, double legal_days, const char *received, const char *due)
{
    struct dossier *d = dossier_batch_push(b);
    d->id = xstrdup(id);
    d->procedure_code = xstrdup("HT01");
    d->procedure = xstrdup("Đăng ký khai sinh");
    d->field = xstrdup("Hộ tịch");
    d->unit_code = xstrdup(unit);
    d->channel = DCH_DIRECT;
    d->level = DLV_FULL;
    d->status = status;
    d->legal_days = legal_days;
    d->received = received ? harness_at(received) : TIME_NONE;
    d->submitted = d->received != TIME_NONE ? d->received : harness_at("2026-03-02T07:30:00+07:00");
    d->due = due ? harness_at(due) : TIME_NONE;
    d->updated = d->submitted;
    return d;
}

static void step(struct dossier *d, const char *when, int status, const char *action,
                 const char *role, const char *actor, const char *title, const char *note)
{
    struct dossier_step *s = dossier_push_step(d);
    s->at = harness_at(when);
    s->status = status;
    s->action = xstrdup(action);
    s->actor_role = xstrdup(role);
    s->actor = actor ? xstrdup(actor) : NULL;
    s->actor_title = xstrdup(title);
    s->note = note ? xstrdup(note) : NULL;
    d->has_steps = true;
}

static struct store *sample_store(bool with_long)
{
    struct store *s = store_new();
    struct unit_batch *ub = harness_unit_batch();
    harness_unit(ub, "21025", "Cẩm Thành", "Phường Cẩm Thành", UNIT_WARD);
    harness_unit(ub, "21100", "Nghĩa Lộ", "Phường Nghĩa Lộ", UNIT_WARD);
    harness_unit(ub, "21200", "Nghĩa Hành", "Xã Nghĩa Hành", UNIT_COMMUNE);
    harness_unit(ub, "21300", "Đức Phổ", "Phường Đức Phổ", UNIT_WARD);
    store_merge_units(s, ub);

    struct dossier_batch *b = dossier_batch_new();
    struct dossier *d;
    /* 3 days from Mon 23/02 14:00 end Thu 26/02 14:00; by Mon 02/03 08:00 that is 3h of
     * Thursday and 8h of Friday over: 1 day 3h, used 4,375 of 3 days. */
    dossier(b, ID_OVER, "21025", DST_PROCESSING, 3, "2026-02-23T14:00:00+07:00",
            "2026-02-26T14:00:00+07:00");
    /* 5h left (08-12, 13-14): under one working day. */
    dossier(b, ID_SOON, "21025", DST_PROCESSING, 2, "2026-02-26T14:00:00+07:00",
            "2026-03-02T14:00:00+07:00");
    /* Due Wed 04/03 12:00: Monday, Tuesday and Wednesday morning left, half of 5 days. */
    d = dossier(b, ID_HALF, "21100", DST_PROCESSING, 5, "2026-02-25T13:00:00+07:00",
                "2026-03-04T12:00:00+07:00");
    d->channel = DCH_ONLINE;
    free(d->procedure_code);
    d->procedure_code = xstrdup("DD01");
    free(d->procedure);
    d->procedure = xstrdup("Đăng ký biến động quyền sử dụng đất");
    free(d->field);
    d->field = xstrdup("Đất đai");
    /* Paused on Fri 27/02 10:00, five working days before due: frozen there. */
    d = dossier(b, ID_PAUSE, "21025", DST_SUPPLEMENT, 10, "2026-02-23T10:00:00+07:00",
                "2026-03-06T10:00:00+07:00");
    d->paused_since = harness_at("2026-02-27T10:00:00+07:00");
    d->supplements = 1;
    d->submitted = harness_at("2026-02-23T09:00:00+07:00");
    step(d, "2026-02-23T09:00:00+07:00", DST_SUBMITTED, "Nộp hồ sơ trực tuyến", "cong_dan", NULL,
         "Công dân", NULL);
    step(d, "2026-02-23T10:00:00+07:00", DST_RECEIVED, "Tiếp nhận hồ sơ", "mot_cua",
         "Huỳnh Thanh Cường", "Công chức bộ phận một cửa, UBND phường Cẩm Thành", NULL);
    step(d, "2026-02-24T09:00:00+07:00", DST_PROCESSING, "Thụ lý, thẩm định hồ sơ", "chuyen_vien",
         "Lê Thị Hoa", "Chuyên viên Phòng Kinh tế", NULL);
    step(d, "2026-02-27T10:00:00+07:00", DST_SUPPLEMENT, "Yêu cầu bổ sung giấy tờ", "chuyen_vien",
         "Lê Thị Hoa", "Chuyên viên Phòng Kinh tế", "Bổ sung bản sao giấy chứng sinh");
    /* Asked twice: quá hạn although due is far. No steps: a list item. */
    d = dossier(b, ID_SUPP2, "21200", DST_PROCESSING, 10, "2026-02-23T08:00:00+07:00",
                "2026-03-13T17:00:00+07:00");
    d->supplements = 2;
    /* Received Mon 09/02 08:00, 5 days plus a pause of 1 day skip Tết: due Mon 23/02 17:00;
     * finished Tue 24/02 15:00, 6 working hours late. */
    d = dossier(b, ID_LATE, "21025", DST_RETURNED, 5, "2026-02-09T08:00:00+07:00",
                "2026-02-23T17:00:00+07:00");
    d->finished = harness_at("2026-02-24T15:00:00+07:00");
    d->returned = harness_at("2026-02-25T09:00:00+07:00");
    d->paused_s = 8 * 3600;
    step(d, "2026-02-09T08:00:00+07:00", DST_RECEIVED, "Tiếp nhận hồ sơ trực tiếp", "mot_cua",
         "Huỳnh Thanh Cường", "Công chức bộ phận một cửa", NULL);
    step(d, "2026-02-09T09:00:00+07:00", DST_PROCESSING, "Thụ lý, thẩm định hồ sơ", "chuyen_vien",
         "Lê Thị Hoa", "Chuyên viên", NULL);
    step(d, "2026-02-10T08:00:00+07:00", DST_SUPPLEMENT, "Yêu cầu bổ sung giấy tờ", "chuyen_vien",
         "Lê Thị Hoa", "Chuyên viên", "Thiếu bản sao CCCD");
    step(d, "2026-02-11T08:00:00+07:00", DST_PROCESSING, "Hoàn thành bổ sung", "cong_dan", NULL,
         "Công dân", NULL);
    step(d, "2026-02-24T15:00:00+07:00", DST_DONE, "Ký duyệt", "lanh_dao", "Trương Minh Trung",
         "Phó Chủ tịch UBND phường Cẩm Thành", NULL);
    step(d, "2026-02-25T09:00:00+07:00", DST_RETURNED, "Trả kết quả tại bộ phận một cửa", "mot_cua",
         "Huỳnh Thanh Cường", "Công chức bộ phận một cửa", NULL);
    d = dossier(b, ID_EARLY, "21100", DST_RETURNED, 5, "2026-02-23T08:00:00+07:00",
                "2026-02-27T17:00:00+07:00");
    d->finished = harness_at("2026-02-25T09:00:00+07:00");
    d->channel = DCH_ONLINE;
    d = dossier(b, ID_WAIT, "21025", DST_SUBMITTED, 1, NULL, NULL);
    d->channel = DCH_ONLINE;
    if (with_long) {
        d = dossier(b, ID_LONG, "21300", DST_PROCESSING, 10, "2026-02-26T08:00:00+07:00",
                    "2026-03-12T08:00:00+07:00");
        char when[64], action[64];
        for (int i = 0; i < 30; i++) {
            snprintf(when, sizeof when, "2026-02-26T%02d:%02d:00+07:00", 8 + i / 6, i % 6 * 10);
            snprintf(action, sizeof action, "Bước thứ %02d", i + 1);
            step(d, when, DST_PROCESSING, action, "chuyen_vien", "Lê Thị Hoa", "Chuyên viên", NULL);
        }
    }
    store_merge_dossiers(s, b, harness_at(NOW_ISO));
    return s;
}

/* ---- a console on a virtual screen ---------------------------------------------------- */

static struct harness_term t;

static void open_ui(const char *spec, int cols, int rows, bool with_long)
{
    harness_term_open(&t, sample_store(with_long), spec, cols, rows, harness_at(NOW_ISO));
}

static void close_ui(void)
{
    harness_term_close_with_store(&t);
}

/* The breadcrumb once a frame has resolved what the view shows. */
static const char *crumb(void)
{
    harness_term_frame(&t);
    return harness_term_crumb(&t);
}

TestSuite(view_dossiers, .init = harness_console_init, .fini = close_ui);

/* ---- the list ------------------------------------------------------------------------- */

Test(view_dossiers, open_ones_most_overdue_first_with_summary)
{
    open_ui("dossiers", 120, 40, false);
    char **l = harness_term_frame(&t);
    cr_assert(strstr(l[0], "Tỉnh Quảng Ngãi › Hồ sơ"), "%s", l[0]);
    cr_assert(harness_shows(l,
                            "Đang mở 5 │ quá hạn 2 · sắp đến hạn 1 · còn hạn 2 │ đúng hạn 57,1% · "
                            "trực tuyến 28,6%"),
              "summary: %s", l[2]);
    cr_assert(harness_shows(
        l, "Đã giải quyết 2: trước hạn 1 · đúng hạn 0 · trễ hạn 1 │ chờ tiếp nhận 1"));
    int over = harness_find_row(l, ID_OVER), supp2 = harness_find_row(l, ID_SUPP2),
        soon = harness_find_row(l, ID_SOON);
    int half = harness_find_row(l, ID_HALF), pause = harness_find_row(l, ID_PAUSE);
    cr_assert(over > 0 && over < supp2 && supp2 < soon && soon < half && half < pause,
              "order %d %d %d %d %d", over, supp2, soon, half, pause);
    /* Finished and waiting dossiers are not in the default list. */
    cr_assert(!harness_shows(l, ID_LATE) && !harness_shows(l, ID_EARLY) &&
              !harness_shows(l, ID_WAIT));
    /* The time-left words, in working time, with the state word beside them. */
    cr_assert(strstr(l[over], "quá hạn") && strstr(l[over], "quá 1 ngày 3h"), "%s", l[over]);
    cr_assert(strstr(l[soon], "sắp đến hạn") && strstr(l[soon], "còn 5h"), "%s", l[soon]);
    cr_assert(strstr(l[half], "còn hạn") && strstr(l[half], "còn 2,5 ngày"), "%s", l[half]);
    cr_assert(strstr(l[pause], "dừng, còn 5 ngày"), "%s", l[pause]);
    cr_assert(strstr(l[supp2], "quá hạn") && strstr(l[supp2], "bổ sung 2 lần"), "%s", l[supp2]);
    /* Units by name from the unit list; due dates as dd/mm HH:MM. */
    cr_assert(strstr(l[over], "Phường Cẩm Thành") && strstr(l[over], "26/02 14:00"), "%s", l[over]);
    cr_assert(strstr(l[supp2], "Xã Nghĩa Hành"), "%s", l[supp2]);
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 120, "row %d too wide", i);
}

Test(view_dossiers, progress_bar_glyphs_at_known_fractions)
{
    open_ui("dossiers", 120, 40, false);
    char **l = harness_term_frame(&t);
    /* The bar is the last column (8 cells) and the dump trims the blanks after it. Half of
     * 5 days used: 4 of 8 cells full. */
    int half = harness_find_row(l, ID_HALF);
    cr_assert(harness_ends_with(l[half], " ████") && !strstr(l[half], "█████"), "%s", l[half]);
    /* 1,375 of 2 days: 44 of 64 eighths, five full cells and a half. */
    cr_assert(harness_ends_with(l[harness_find_row(l, ID_SOON)], " █████▌"), "%s",
              l[harness_find_row(l, ID_SOON)]);
    /* Past the allowed time: full, the last cell the overflow mark. */
    cr_assert(harness_ends_with(l[harness_find_row(l, ID_OVER)], " ███████▶"), "%s",
              l[harness_find_row(l, ID_OVER)]);
    /* Not yet overdue by the dates, so no mark: the supplement rule alone makes it late. */
    cr_assert_null(strstr(l[harness_find_row(l, ID_SUPP2)], "▶"), "%s",
                   l[harness_find_row(l, ID_SUPP2)]);
    close_ui();
    /* ASCII terminals: '#' and '!'. */
    text_set_ascii(1);
    open_ui("dossiers", 120, 40, false);
    l = harness_term_frame(&t);
    cr_assert(harness_ends_with(l[harness_find_row(l, ID_HALF)], " ####"), "%s",
              l[harness_find_row(l, ID_HALF)]);
    cr_assert(harness_ends_with(l[harness_find_row(l, ID_OVER)], " #######!"), "%s",
              l[harness_find_row(l, ID_OVER)]);
    text_set_ascii(0);
}

static void assert_ids(const char *spec, const char *const *in, const char *const *out,
                       const char *crumb_end)
{
    open_ui(spec, 200, 50, false);
    char **l = harness_term_frame(&t);
    for (size_t i = 0; in[i]; i++)
        cr_assert(harness_shows(l, in[i]), "%s: %s missing", spec, in[i]);
    for (size_t i = 0; out[i]; i++)
        cr_assert(!harness_shows(l, out[i]), "%s: %s shown", spec, out[i]);
    const char *b = harness_term_crumb(&t);
    cr_assert_str_eq(b, crumb_end, "%s", spec);
    close_ui();
}

Test(view_dossiers, presets_narrow_and_name_themselves)
{
    assert_ids("dossiers:overdue", (const char *[]){ID_OVER, ID_SUPP2, NULL},
               (const char *[]){ID_SOON, ID_HALF, ID_PAUSE, ID_LATE, NULL},
               "Tỉnh Quảng Ngãi › Hồ sơ › quá hạn");
    assert_ids("dossiers:due_soon", (const char *[]){ID_SOON, NULL},
               (const char *[]){ID_OVER, ID_HALF, NULL}, "Tỉnh Quảng Ngãi › Hồ sơ › sắp đến hạn");
    assert_ids("dossiers:finished", (const char *[]){ID_LATE, ID_EARLY, NULL},
               (const char *[]){ID_OVER, ID_WAIT, NULL}, "Tỉnh Quảng Ngãi › Hồ sơ › đã giải quyết");
    assert_ids("dossiers:late", (const char *[]){ID_LATE, NULL},
               (const char *[]){ID_EARLY, ID_OVER, NULL}, "Tỉnh Quảng Ngãi › Hồ sơ › trễ hạn");
    assert_ids("dossiers:supplement", (const char *[]){ID_PAUSE, ID_SUPP2, NULL},
               (const char *[]){ID_OVER, ID_LATE, NULL},
               "Tỉnh Quảng Ngãi › Hồ sơ › yêu cầu bổ sung");
    assert_ids("dossiers:online", (const char *[]){ID_HALF, ID_EARLY, NULL},
               (const char *[]){ID_OVER, ID_WAIT, NULL}, "Tỉnh Quảng Ngãi › Hồ sơ › trực tuyến");
    assert_ids("dossiers:all",
               (const char *[]){ID_OVER, ID_SOON, ID_HALF, ID_PAUSE, ID_SUPP2, ID_LATE, ID_EARLY,
                                ID_WAIT, NULL},
               (const char *[]){NULL}, "Tỉnh Quảng Ngãi › Hồ sơ › tất cả");
    assert_ids("dossiers:open", (const char *[]){ID_OVER, ID_PAUSE, NULL},
               (const char *[]){ID_LATE, ID_WAIT, NULL},
               "Tỉnh Quảng Ngãi › Hồ sơ › đang giải quyết");
}

Test(view_dossiers, finished_rows_say_early_or_late)
{
    open_ui("dossiers:all", 200, 50, false);
    char **l = harness_term_frame(&t);
    int late = harness_find_row(l, ID_LATE), early = harness_find_row(l, ID_EARLY),
        wait = harness_find_row(l, ID_WAIT);
    cr_assert(strstr(l[late], "trễ hạn") && strstr(l[late], "trễ 6h"), "%s", l[late]);
    cr_assert(strstr(l[early], "trước hạn") && strstr(l[early], "sớm 2,9 ngày"), "%s", l[early]);
    cr_assert(strstr(l[wait], "chờ tiếp nhận"), "%s", l[wait]);
    /* Open ones first, then the one waiting for the desk, then the finished, late first. */
    cr_assert(harness_find_row(l, ID_PAUSE) < wait && wait < late && late < early, "%d %d %d", wait,
              late, early);
    cr_assert(harness_shows(l, "Danh sách 8"));
}

Test(view_dossiers, scope_narrows_rows_and_summary)
{
    open_ui("dossiers", 120, 40, false);
    harness_term_command(&t, "unit 21025");
    const char *b = crumb();
    /* The breadcrumb follows the stack: the province's list, then the ward's. */
    cr_assert(harness_ends_with(b, "Hồ sơ › Phường Cẩm Thành › Hồ sơ"), "%s", b);
    char **l = harness_term_frame(&t);
    cr_assert(harness_shows(l, ID_OVER) && harness_shows(l, ID_SOON) && harness_shows(l, ID_PAUSE));
    cr_assert(!harness_shows(l, ID_HALF) && !harness_shows(l, ID_SUPP2));
    cr_assert(harness_shows(l,
                            "Đang mở 3 │ quá hạn 1 · sắp đến hạn 1 · còn hạn 1 │ đúng hạn 50,0% · "
                            "trực tuyến 0,0%"),
              "%s", l[2]);
}

Test(view_dossiers, filter_matches_folded_names_and_state_words)
{
    open_ui("dossiers", 120, 40, false);
    harness_term_frame(&t);
    ui_on_action(t.u, ACT_FILTER, &t.ctx);
    harness_term_keys(&t, "nghia hanh");
    char **l = harness_term_frame(&t);
    cr_assert(harness_shows(l, ID_SUPP2) && !harness_shows(l, ID_OVER) &&
              !harness_shows(l, ID_HALF));
    cr_assert(harness_shows(l, "Đang mở 1 (lọc \"nghia hanh\": 1/5)"), "%s", l[2]);
    ui_on_key(t.u, 27, false, &t.ctx); /* Esc drops the filter */
    ui_on_action(t.u, ACT_FILTER, &t.ctx);
    harness_term_keys(&t, "sap den han");
    l = harness_term_frame(&t);
    cr_assert(harness_shows(l, ID_SOON) && !harness_shows(l, ID_OVER) &&
              !harness_shows(l, ID_PAUSE));
}

Test(view_dossiers, sorting_by_time_left_and_back)
{
    open_ui("dossiers", 200, 50, false);
    harness_term_frame(&t);
    /* s walks the shown sortable columns: the 10th is Còn lại (the bar is not sortable). */
    for (int i = 0; i < 10; i++)
        ui_on_action(t.u, ACT_SORT, &t.ctx);
    char **l = harness_term_frame(&t);
    int header = harness_find_row(l, "Mã hồ sơ");
    cr_assert(strstr(l[header], "Còn lại▲"), "%s", l[header]);
    /* Least left first: the overdue one, then 5h, then 2,5 days, the paused one (frozen with
     * 5 days, pushed on by its pause), the one asked twice (due in two weeks). */
    int over = harness_find_row(l, ID_OVER), soon = harness_find_row(l, ID_SOON),
        half = harness_find_row(l, ID_HALF);
    int pause = harness_find_row(l, ID_PAUSE), supp2 = harness_find_row(l, ID_SUPP2);
    cr_assert(over < soon && soon < half && half < pause && pause < supp2, "%d %d %d %d %d", over,
              soon, half, pause, supp2);
    ui_on_action(t.u, ACT_SORT, &t.ctx); /* past the last: the default order again */
    l = harness_term_frame(&t);
    cr_assert(harness_find_row(l, ID_SUPP2) < harness_find_row(l, ID_SOON));
}

Test(view_dossiers, a_merge_moves_rows_and_counts)
{
    open_ui("dossiers", 120, 40, false);
    char **l = harness_term_frame(&t);
    cr_assert(harness_find_row(l, ID_HALF) > harness_find_row(l, ID_SOON));
    /* The hub moves the half-used dossier's deadline back past now, at the same poll time. */
    struct dossier_batch *b = dossier_batch_new();
    struct dossier *d = dossier(b, ID_HALF, "21100", DST_PROCESSING, 5, "2026-02-20T13:00:00+07:00",
                                "2026-02-25T12:00:00+07:00");
    d->channel = DCH_ONLINE;
    store_merge_dossiers(t.ctx.store, b, harness_at(NOW_ISO));
    /* A complaint merge alone changes nothing here. */
    store_merge_complaints(t.ctx.store, complaint_batch_new());
    l = harness_term_frame(&t);
    cr_assert(harness_find_row(l, ID_HALF) < harness_find_row(l, ID_SOON), "%d %d",
              harness_find_row(l, ID_HALF), harness_find_row(l, ID_SOON));
    cr_assert(harness_shows(l, "Đang mở 5 │ quá hạn 3 · sắp đến hạn 1 · còn hạn 1 │"), "%s", l[2]);
}

Test(view_dossiers, narrow_terminal_keeps_id_state_unit_time_left)
{
    open_ui("dossiers", 80, 24, false);
    char **l = harness_term_frame(&t);
    int header = harness_find_row(l, "Mã hồ sơ");
    cr_assert_geq(header, 0);
    const char *kept[] = {"Xã/phường", "Tình trạng", "Còn lại", "Tiến độ"};
    for (size_t i = 0; i < ARRAY_LEN(kept); i++)
        cr_assert(strstr(l[header], kept[i]), "%s folded: %s", kept[i], l[header]);
    const char *folded[] = {"Thủ tục", "Lĩnh vực", "Kênh", "Tiếp nhận", "Hẹn trả", "Trạng thái"};
    for (size_t i = 0; i < ARRAY_LEN(folded); i++)
        cr_assert_null(strstr(l[header], folded[i]), "%s shown at 80: %s", folded[i], l[header]);
    /* The summary drops the còn hạn count to keep both rates on a phone. */
    cr_assert(harness_shows(
        l, "Đang mở 5 │ quá hạn 2 · sắp đến hạn 1 │ đúng hạn 57,1% · trực tuyến 28,6%"));
    int over = harness_find_row(l, ID_OVER);
    cr_assert(strstr(l[over], "quá hạn") && strstr(l[over], "quá 1 ngày 3h") &&
                  strstr(l[over], "Phường Cẩm Thành"),
              "%s", l[over]);
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 80, "row %d too wide: %s", i, l[i]);
    close_ui();

    open_ui("dossiers", 200, 50, false);
    l = harness_term_frame(&t);
    header = harness_find_row(l, "Mã hồ sơ");
    const char *all[] = {"Trạng thái", "Thủ tục", "Lĩnh vực",   "Xã/phường", "Kênh",
                         "Tiếp nhận",  "Hẹn trả", "Tình trạng", "Còn lại",   "Tiến độ"};
    for (size_t i = 0; i < ARRAY_LEN(all); i++)
        cr_assert(strstr(l[header], all[i]), "%s missing at 200: %s", all[i], l[header]);
    int half = harness_find_row(l, ID_HALF);
    cr_assert(strstr(l[half], "Đăng ký biến động quyền sử dụng đất") &&
                  strstr(l[half], "Đất đai") && strstr(l[half], "Trực tuyến") &&
                  strstr(l[half], "25/02 13:00") && strstr(l[half], "04/03 12:00"),
              "%s", l[half]);
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 200);
}

Test(view_dossiers, enter_opens_the_selected_dossier)
{
    open_ui("dossiers", 120, 40, false);
    harness_term_frame(&t);
    ui_on_action(t.u, ACT_DOWN, &t.ctx); /* the second row: the one asked twice */
    ui_on_action(t.u, ACT_ENTER, &t.ctx);
    cr_assert_str_eq(ui_view_name(t.u), "dossier");
    const char *b = crumb();
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Hồ sơ › Chi tiết hồ sơ › " ID_SUPP2);
    char **l = harness_term_frame(&t);
    cr_assert(harness_shows(l, "Hồ sơ " ID_SUPP2));
    cr_assert(harness_shows(l, "yêu cầu bổ sung 2 lần · yêu cầu bổ sung ≥ 2 lần: tính trễ hạn"));
    cr_assert(harness_shows(l, "chưa tải lịch sử xử lý"), "a list item has no steps");
    /* Esc comes back to the list, the selection where it was. */
    ui_on_action(t.u, ACT_BACK, &t.ctx);
    cr_assert_str_eq(ui_view_name(t.u), "dossiers");
    ui_on_action(t.u, ACT_ENTER, &t.ctx);
    b = crumb();
    cr_assert(strstr(b, ID_SUPP2), "%s", b);
}

Test(view_dossiers, enter_keeps_the_scope)
{
    open_ui("dossiers:overdue", 120, 40, false);
    harness_term_command(&t, "unit 21025");
    harness_term_frame(&t);
    ui_on_action(t.u, ACT_ENTER, &t.ctx);
    const char *b = crumb();
    cr_assert(
        harness_ends_with(b, "Phường Cẩm Thành › Hồ sơ › quá hạn › Chi tiết hồ sơ › " ID_OVER),
        "%s", b);
}

Test(view_dossiers, list_export_is_tsv_with_every_column)
{
    open_ui("dossiers", 80, 24, false);
    harness_term_frame(&t);
    char *text = harness_term_export(&t);
    cr_assert(str_starts_with(text, "Mã hồ sơ\tTrạng thái\tThủ tục\tLĩnh vực\tXã/phường\tKênh\t"
                                    "Tiếp nhận\tHẹn trả\tTình trạng\tCòn lại\tTiến độ\n"),
              "%s", text);
    cr_assert(strstr(text,
                     ID_OVER "\tĐang xử lý\tĐăng ký khai sinh\tHộ tịch\tPhường Cẩm Thành\t"
                             "Trực tiếp\t23/02 14:00\t26/02 14:00\tquá hạn\tquá 1 ngày 3h\t146%\n"),
              "%s", text);
    cr_assert(strstr(text, ID_HALF "\t") && strstr(text, "\tcòn hạn\tcòn 2,5 ngày\t50%\n"), "%s",
              text);
    /* Export follows the list: five open dossiers and the header. */
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 6, "%s", text);
    free(text);
}

/* ---- the detail ----------------------------------------------------------------------- */

Test(view_dossiers, detail_of_a_paused_dossier)
{
    open_ui("dossier:" ID_PAUSE, 120, 40, false);
    char **l = harness_term_frame(&t);
    cr_assert(strstr(l[0], "Tỉnh Quảng Ngãi › Chi tiết hồ sơ › " ID_PAUSE), "%s", l[0]);
    cr_assert(harness_shows(l, "Hồ sơ " ID_PAUSE));
    cr_assert(harness_shows(l, "Thủ tục     HT01 · Đăng ký khai sinh"));
    cr_assert(harness_shows(l, "Hộ tịch · mức độ: Toàn trình · kênh: Trực tiếp"));
    cr_assert(harness_shows(l, "Phường Cẩm Thành · trạng thái: Yêu cầu bổ sung giấy tờ"));
    cr_assert(harness_shows(l,
                            "Hẹn trả     06/03/2026 10:00 (quy định 10 ngày làm việc) · tiếp nhận "
                            "23/02/2026 10:00 · nộp 23/02/2026 09:00"));
    cr_assert(
        harness_shows(
            l, "Đã dùng     ██████████           5 ngày / 10 ngày (50%) · còn 5 ngày · còn hạn"),
        "%s", l[harness_find_row(l, "Đã dùng")]);
    /* Paused since Friday 10:00: Friday's 6h and Monday's 0h of working time so far. */
    cr_assert(harness_shows(l, "tạm dừng từ 27/02/2026 10:00 (6h, chờ bổ sung)"), "pause line");
    cr_assert(harness_shows(l, "yêu cầu bổ sung 1 lần"));
    cr_assert(!harness_shows(l, "tính trễ hạn"), "one request is not late");
    /* The timeline, oldest first, with the actors and the note; the pause is still on. */
    int s1 = harness_find_row(l, "23/02 09:00"), s2 = harness_find_row(l, "23/02 10:00");
    int s4 = harness_find_row(l, "27/02 10:00 Yêu cầu bổ sung");
    cr_assert(s1 > 0 && s1 < s2 && s2 < s4, "%d %d %d", s1, s2, s4);
    cr_assert(strstr(l[s1], "Mới đăng ký") && strstr(l[s1], "Nộp hồ sơ trực tuyến") &&
                  strstr(l[s1], "Công dân"),
              "%s", l[s1]);
    cr_assert(strstr(l[s2], "Tiếp nhận hồ sơ") &&
                  strstr(l[s2], "Một cửa · Huỳnh Thanh Cường · Công"),
              "%s", l[s2]);
    cr_assert(strstr(l[s4 + 1], "ghi chú: Bổ sung bản sao giấy chứng sinh"), "%s", l[s4 + 1]);
    cr_assert(strstr(l[s4 + 2], "‖ đang tạm dừng từ 27/02 10:00 (6h làm việc)"), "%s", l[s4 + 2]);
    cr_assert(harness_shows(l, "Quá trình xử lý (4 bước)"));
}

Test(view_dossiers, detail_of_a_finished_dossier_marks_its_pause)
{
    open_ui("dossier:" ID_LATE, 120, 40, false);
    char **l = harness_term_frame(&t);
    cr_assert(harness_shows(l, "███████████████████▶ 5,8 ngày / 5 ngày (115%) · trễ 6h · trễ hạn"));
    cr_assert(harness_shows(l, "Kết quả     xử lý xong 24/02/2026 15:00 · trễ hạn · trả kết quả "
                               "25/02/2026 09:00"));
    cr_assert(harness_shows(l, "đã tạm dừng 1 ngày (hẹn trả đã dời theo)"));
    int req = harness_find_row(l, "10/02 08:00 Yêu cầu bổ sung"),
        back = harness_find_row(l, "11/02 08:00 Đang xử lý");
    cr_assert(req > 0 && back > req, "%d %d", req, back);
    cr_assert(strstr(l[req + 1], "ghi chú: Thiếu bản sao CCCD"), "%s", l[req + 1]);
    /* The pause sits between the request and the step that ended it. */
    cr_assert_eq(back, req + 3);
    cr_assert(strstr(l[req + 2], "‖ tạm dừng 1 ngày làm việc (10/02 08:00 → 11/02 08:00)"), "%s",
              l[req + 2]);
    cr_assert(strstr(l[back], "Hoàn thành bổ sung"), "%s", l[back]);
}

Test(view_dossiers, detail_without_id_shows_the_most_overdue)
{
    open_ui("dossier", 120, 40, false);
    const char *b = crumb();
    cr_assert_str_eq(b, "Tỉnh Quảng Ngãi › Chi tiết hồ sơ › " ID_OVER " (quá hạn nhất)");
    char **l = harness_term_frame(&t);
    cr_assert(harness_shows(l, "Hồ sơ " ID_OVER " · tự chọn: gấp nhất"));
    cr_assert(harness_shows(l, "quá 1 ngày 3h · quá hạn"));
    /* Scoped to Nghĩa Lộ: its only open dossier, which is not overdue. */
    harness_term_command(&t, "unit 21100");
    b = crumb();
    cr_assert(
        harness_ends_with(b, "› Phường Nghĩa Lộ › Chi tiết hồ sơ › " ID_HALF " (hạn gần nhất)"),
        "%s", b);
}

Test(view_dossiers, detail_of_an_unknown_id_says_so)
{
    open_ui("dossier:H51.00000-000000-0000", 120, 40, false);
    char **l = harness_term_frame(&t);
    cr_assert(harness_shows(l, "Không tìm thấy hồ sơ H51.00000-000000-0000"));
}

Test(view_dossiers, timeline_scrolls_on_a_small_terminal)
{
    open_ui("dossier:" ID_LONG, 80, 24, true);
    char **l = harness_term_frame(&t);
    cr_assert(harness_shows(l, "Bước thứ 01"));
    cr_assert(!harness_shows(l, "Bước thứ 30"));
    cr_assert(harness_shows(l, "Quá trình xử lý (30 bước) · ↑↓ 1–"), "scroll position shown");
    for (int i = 0; l[i]; i++)
        cr_assert_leq(text_width(l[i]), 80, "row %d too wide: %s", i, l[i]);
    ui_on_action(t.u, ACT_DOWN, &t.ctx);
    l = harness_term_frame(&t);
    cr_assert(!harness_shows(l, "Bước thứ 01") && harness_shows(l, "Bước thứ 02"));
    ui_on_action(t.u, ACT_END, &t.ctx);
    l = harness_term_frame(&t);
    cr_assert(harness_shows(l, "Bước thứ 30") && !harness_shows(l, "Bước thứ 02"));
    cr_assert(harness_shows(l, "/30"));
    ui_on_action(t.u, ACT_HOME, &t.ctx);
    l = harness_term_frame(&t);
    cr_assert(harness_shows(l, "Bước thứ 01"));
}

Test(view_dossiers, detail_export_lists_keys_then_steps)
{
    open_ui("dossier:" ID_LATE, 120, 40, false);
    harness_term_frame(&t);
    char *text = harness_term_export(&t);
    cr_assert(str_starts_with(text, "Mã hồ sơ\t" ID_LATE "\n"), "%s", text);
    cr_assert(strstr(text, "\nXã/phường\tPhường Cẩm Thành\n"), "%s", text);
    cr_assert(strstr(text, "\nTrạng thái\t10 Đã trả kết quả\n"), "%s", text);
    cr_assert(strstr(text, "\nHẹn trả\t2026-02-23T17:00:00+07:00\n"), "%s", text);
    cr_assert(strstr(text, "\nTình trạng\ttrễ hạn\n"), "%s", text);
    cr_assert(strstr(text, "\nCòn lại\ttrễ 6h\n"), "%s", text);
    cr_assert(strstr(text, "\nBước\tThời điểm\tTrạng thái\tThao tác\tVai trò\tNgười xử lý\t"
                           "Chức danh\tGhi chú\n"),
              "%s", text);
    cr_assert(strstr(text, "\n3\t2026-02-10T08:00:00+07:00\t5 Yêu cầu bổ sung giấy tờ\t"
                           "Yêu cầu bổ sung giấy tờ\tChuyên viên\tLê Thị Hoa\tChuyên viên\t"
                           "Thiếu bản sao CCCD\n"),
              "%s", text);
    cr_assert(strstr(text, "\n6\t2026-02-25T09:00:00+07:00\t10 Đã trả kết quả\t"), "%s", text);
    free(text);
}
