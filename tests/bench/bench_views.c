/* Recalc + draw of every view with a heavy store: 100,000 complaints and 50,000 dossiers over
 * the province's communes and wards, 2,000 sensors with a day of readings. Reports, per view
 * at 200x50, the recalc + draw time right after a merge that changed one complaint, one
 * dossier and one sensor (the merge itself not counted), and the draw alone (a clock tick or
 * a key), median and worst of 21 frames. Target (the console issue): under 2 ms. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citydeck/clock.h"
#include "citydeck/screen.h"
#include "citydeck/store.h"
#include "citydeck/theme.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"
#include "citydeck/wiring.h"

#define NOW 1772413200 /* 2026-03-02T08:00:00+07:00 */
#define COMPLAINTS 100000
#define DOSSIERS 50000
#define SENSORS 2000
#define FRAMES 21

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *unit_code(const struct store *s, size_t i)
{
    const struct unit *leaves[4096];
    static size_t n;
    static const char *codes[4096];
    if (!n) {
        n = unit_table_leaves(s->units, leaves, 4096);
        for (size_t k = 0; k < n; k++)
            codes[k] = leaves[k]->code;
    }
    return codes[i % n];
}

static void fill(struct store *s)
{
    static const char *const cats[] = {"Vệ sinh môi trường", "Giao thông", "Đất đai",
                                       "Trật tự đô thị", "Điện chiếu sáng"};
    struct complaint_batch *cb = complaint_batch_new();
    for (int i = 0; i < COMPLAINTS; i++) {
        struct complaint *c = complaint_batch_push(cb);
        c->id = xasprintf("PA-%06d", i);
        c->category = xstrdup(cats[i % 5]);
        c->unit_code = xstrdup(unit_code(s, (size_t)i));
        c->description = xstrdup("Người dân phản ánh rác thải tập kết không đúng nơi quy định");
        c->status = i % 4 ? CST_RESOLVED : CST_IN_PROGRESS;
        c->open = i % 4 == 0; /* a quarter still open, as in a live queue */
        c->urgency = i % 50 == 0 ? CURG_URGENT : CURG_NORMAL;
        c->requested = NOW - 600 * (i % 5000);
        c->expected = NOW + 3600 * (i % 200) - 86400 * 3;
    }
    store_merge_complaints(s, cb);
    struct dossier_batch *db = dossier_batch_new();
    for (int i = 0; i < DOSSIERS; i++) {
        struct dossier *d = dossier_batch_push(db);
        d->id = xasprintf("HS-%06d", i);
        d->procedure = xstrdup("Cấp giấy chứng nhận quyền sử dụng đất");
        d->field = xstrdup("Đất đai");
        d->unit_code = xstrdup(unit_code(s, (size_t)i * 7));
        d->channel = i % 2 ? DCH_ONLINE : DCH_DIRECT;
        d->status = i % 3 ? 4 : 10;
        d->legal_days = 10;
        d->received = d->submitted = NOW - 3600 * (i % 600);
        d->due = d->received + 14 * 86400 - 86400 * (i % 20);
        if (d->status == 10)
            d->finished = d->returned = d->received + 86400 * (i % 12);
        d->updated = d->received;
    }
    store_merge_dossiers(s, db, NOW);
    struct sensor_batch *sb = sensor_batch_new();
    for (int i = 0; i < SENSORS; i++) {
        struct sensor_update *u = sensor_batch_push(sb);
        u->meta = true;
        u->s.id = xasprintf("sta:%d", i);
        u->s.remote_id = xasprintf("%d", i);
        u->s.name = xasprintf("Trạm %d PM2.5", i);
        u->s.station = xasprintf("Trạm quan trắc %d", i);
        u->s.property = xstrdup("PM2.5");
        u->s.unit = xstrdup("µg/m³");
        u->s.unit_code = xstrdup(unit_code(s, (size_t)i * 3));
        u->s.kind = SK_AIR_QUALITY;
        u->s.pollutant = AQI_POL_PM25;
        for (int k = 0; k < 288; k++)
            sensor_update_add_obs(u, (int64_t)(NOW - (288 - k) * 300) * 1000,
                                  20 + (i * 7 + k) % 90);
    }
    store_merge_sensors(s, sb);
}

/* One record of each kind changes, as a poll that brought news does: every view recalculates
 * for real (a bare generation bump would let views that check their own table skip it). */
static void touch(struct store *s, int f)
{
    struct complaint_batch *cb = complaint_batch_new();
    struct complaint *c = complaint_batch_push(cb);
    c->id = xasprintf("PA-%06d", 4 * f);
    c->category = xstrdup("Giao thông");
    c->unit_code = xstrdup(unit_code(s, (size_t)f));
    c->status = f % 2 ? CST_ACCEPTED : CST_IN_PROGRESS;
    c->open = true;
    c->requested = NOW - 600;
    c->expected = NOW + 3600 * f;
    store_merge_complaints(s, cb);
    struct dossier_batch *db = dossier_batch_new();
    struct dossier *d = dossier_batch_push(db);
    d->id = xasprintf("HS-%06d", 3 * f + 1);
    d->unit_code = xstrdup(unit_code(s, (size_t)f * 7));
    d->status = 4;
    d->legal_days = 10;
    d->received = d->submitted = NOW - 3600 * f;
    d->due = NOW + 86400 * (f % 5) - 86400;
    d->updated = NOW + f;
    store_merge_dossiers(s, db, NOW + f); /* each poll moves the hub's clock */
    struct sensor_batch *sb = sensor_batch_new();
    struct sensor_update *u = sensor_batch_push(sb);
    u->s.id = xasprintf("sta:%d", f);
    sensor_update_add_obs(u, (int64_t)(NOW + f) * 1000, 150);
    store_merge_sensors(s, sb);
    struct store_changes ch = {0};
    store_changes_take(s, &ch); /* what the loop does after a merge */
    store_changes_clear(&ch);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    char err[256];
    struct store *s = store_new();
    if (wiring_load_units(s, "51", err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    fill(s);
    struct screen scr;
    if (screen_open_virtual(&scr, 200, 50, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    theme_init(false);
    struct view_ctx ctx = {.store = s, .now = NOW, .tz_offset_s = CLOCK_VN_OFFSET};
    int over = 0;
    const struct view_ops *v;
    for (size_t i = 0; (v = view_at(i)); i++) {
        struct ui *u = ui_new(v->name);
        double full[FRAMES], draw[FRAMES];
        for (int f = 0; f < FRAMES; f++) {
            touch(s, (int)i * FRAMES + f); /* never the same news twice */
            double t = now_ms();
            ui_render(u, &ctx);
            full[f] = now_ms() - t;
            ui_mark_draw(u);
            t = now_ms();
            ui_render(u, &ctx);
            draw[f] = now_ms() - t;
        }
        qsort(full, FRAMES, sizeof full[0], cmp);
        qsort(draw, FRAMES, sizeof draw[0], cmp);
        printf("%-11s recalc+draw median %6.2f ms, worst %6.2f ms; draw alone median %5.2f ms, "
               "worst %5.2f ms\n",
               v->name, full[FRAMES / 2], full[FRAMES - 1], draw[FRAMES / 2], draw[FRAMES - 1]);
        over += full[FRAMES / 2] >= 2.0;
        ui_free(u);
    }
    printf("%d complaints, %d dossiers, %d sensors x 288 readings; target: under 2 ms per "
           "frame\n",
           COMPLAINTS, DOSSIERS, SENSORS);
    screen_close(&scr);
    store_free(s);
    return over ? 1 : 0;
}
