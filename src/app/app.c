#include "citydeck/app.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "citydeck/alerts.h"
#include "citydeck/clock.h"
#include "citydeck/demo.h"
#include "citydeck/http.h"
#include "citydeck/log.h"
#include "citydeck/poller.h"
#include "citydeck/screen.h"
#include "citydeck/store.h"
#include "citydeck/theme.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"
#include "citydeck/wiring.h"

#define FRAME_MIN_MS 33       /* at most ~30 frames a second */
#define RECALC_EVERY_TICKS 30 /* deadline states move with time, not only with data */
#define SNAPSHOT_LIMIT_MS 120000
#define HANGUP_WAKEUPS 200 /* readable tty with nothing to read: the terminal went away */

struct app {
    uv_loop_t loop;
    struct config *cfg;
    struct store *store;
    struct http *http;
    struct poller *poller;
    struct wiring *wiring;
    struct demo *demo;
    struct ui *ui;
    struct alerts *alerts;
    char *alerts_path; /* the state file (acks, silences, active events) */
    uint64_t seen_critical;
    struct screen screen;
    bool snapshot;
    bool first_done; /* every feed has answered once */
    uv_poll_t input;
    uv_signal_t signals[4];
    int nsignals;
    uv_check_t frame_check;
    uv_timer_t frame_timer;
    uv_timer_t tick;
    int ticks;
    int empty_wakeups;
    int64_t last_frame_ms;
    bool key_pending; /* a key arrived since the last frame: answer it without waiting */
    bool handles_open;
    bool quitting;
    int exit_code;
    char error[512];
};

static struct view_ctx app_view_ctx(struct app *a)
{
    return (struct view_ctx){
        .store = a->store,
        .poller = a->poller,
        .now = poller_hub_now_ms(a->poller) / 1000,
        .tz_offset_s = CLOCK_VN_OFFSET,
        .read_only = a->cfg->read_only,
        .alerts = a->alerts,
    };
}

static void close_quietly(uv_handle_t *h)
{
    if (h->loop && !uv_is_closing(h))
        uv_close(h, NULL);
}

/* Starts the orderly shutdown: everything stops, the terminal is restored at once, and the
 * loop ends when the last handle has closed. */
static void app_quit(struct app *a, int code, const char *error)
{
    if (a->quitting)
        return;
    a->quitting = true;
    a->exit_code = code;
    if (error)
        str_copy(a->error, error, sizeof a->error);
    if (a->poller)
        poller_free(a->poller);
    a->poller = NULL;
    if (a->http)
        http_free(a->http);
    a->http = NULL;
    demo_stop(a->demo);
    a->demo = NULL;
    for (int i = 0; i < a->nsignals; i++)
        close_quietly((uv_handle_t *)&a->signals[i]);
    if (a->handles_open) {
        close_quietly((uv_handle_t *)&a->frame_check);
        close_quietly((uv_handle_t *)&a->frame_timer);
        close_quietly((uv_handle_t *)&a->tick);
        if (a->screen.tty_fd >= 0)
            close_quietly((uv_handle_t *)&a->input);
    }
    if (a->screen.sp) {
        screen_close(&a->screen);
        log_restore_stderr();
    }
}

static void render(struct app *a)
{
    struct view_ctx ctx = app_view_ctx(a);
    ui_render(a->ui, &ctx);
    screen_flush(&a->screen);
    a->last_frame_ms = clock_mono_ms();
    a->key_pending = false;
}

static void on_frame_timer(uv_timer_t *t)
{
    struct app *a = t->data;
    if (!a->quitting && ui_needs_frame(a->ui))
        render(a);
}

/* Once per loop iteration: one frame if anything is dirty, but never more than ~30/s for
 * data; keys do not wait. */
static void on_check(uv_check_t *c)
{
    struct app *a = c->data;
    if (a->quitting || !a->screen.sp || !ui_needs_frame(a->ui))
        return;
    /* The cap is for data: a key is answered in this iteration, whatever came before it. */
    int64_t since = clock_mono_ms() - a->last_frame_ms;
    if (since >= FRAME_MIN_MS || a->key_pending)
        render(a);
    else if (!uv_is_active((uv_handle_t *)&a->frame_timer))
        uv_timer_start(&a->frame_timer, on_frame_timer, (uint64_t)(FRAME_MIN_MS - since), 0);
}

static int feed_alert_state(enum feed_state s)
{
    return s == FEED_FAILING ? 2 : s == FEED_STALE ? 1 : 0;
}

/* Writes acks, silences and active events when they changed (temp file + rename, 0600). */
static void save_alerts(struct app *a)
{
    char err[512];
    /* A snapshot (cron, scripts) only reads the state. */
    if (!a->alerts || !a->alerts_path || a->cfg->read_only || a->snapshot ||
        !alerts_state_dirty(a->alerts))
        return;
    if (alerts_state_save(a->alerts, a->alerts_path, err, sizeof err) != 0)
        log_warn("alerts: %s", err);
}

/* A new critical event rings the bell (or flashes) when the config asks for it. */
static void notice_critical(struct app *a)
{
    uint64_t seq = alerts_critical_seq(a->alerts);
    if (seq != a->seen_critical && a->cfg->bell && a->screen.sp)
        screen_bell(&a->screen);
    a->seen_critical = seq;
}

/* Time alone moves deadlines, silences and sensor ages: once a second. */
static void tick_alerts(struct app *a)
{
    if (!a->alerts)
        return;
    struct view_ctx ctx = app_view_ctx(a);
    store_set_now(a->store, ctx.now);
    struct store_changes ch = {0};
    store_changes_take(a->store, &ch);
    if (!store_changes_empty(&ch))
        alerts_evaluate(a->alerts, a->store, &ch, ctx.now);
    store_changes_clear(&ch);
    alerts_tick(a->alerts, a->store, ctx.now);
    for (size_t i = 0; a->poller && i < poller_count(a->poller); i++) {
        struct feed *f = poller_feed(a->poller, i);
        const struct feed_health *h = feed_health(f);
        alerts_feed_state(a->alerts, feed_name(f), feed_alert_state(h->state),
                          h->last_error[0] ? h->last_error : NULL, ctx.now);
    }
    notice_critical(a);
    save_alerts(a);
}

static void on_tick(uv_timer_t *t)
{
    struct app *a = t->data;
    tick_alerts(a);
    if (++a->ticks % RECALC_EVERY_TICKS == 0)
        ui_mark_data(a->ui);
    else
        ui_mark_draw(a->ui);
}

/* What the frame asked the loop to do after an input. */
static void app_effects(struct app *a, int effects)
{
    if (effects & UI_REFRESH && a->poller)
        poller_refresh(a->poller);
    if (effects & UI_REPAINT)
        screen_repaint(&a->screen);
    if (effects & UI_QUIT)
        app_quit(a, 0, NULL);
}

static void on_mouse(struct app *a)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return;
    struct view_ctx ctx = app_view_ctx(a);
    app_effects(a, ui_on_mouse(a->ui, ev.y, ev.x, (unsigned long)ev.bstate, &ctx));
}

static void on_input(uv_poll_t *h, int status, int events)
{
    struct app *a = h->data;
    (void)events;
    if (status < 0) {
        app_quit(a, 0, NULL);
        return;
    }
    wint_t wc;
    int r, got = 0;
    while (!a->quitting && (r = get_wch(&wc)) != ERR) {
        got++;
        if (r == KEY_CODE_YES && wc == KEY_RESIZE)
            continue; /* resizes come from SIGWINCH */
        if (r == KEY_CODE_YES && wc == KEY_MOUSE) {
            on_mouse(a);
            continue;
        }
        struct view_ctx ctx = app_view_ctx(a);
        app_effects(a, ui_on_key(a->ui, (int)wc, r == KEY_CODE_YES, &ctx));
        a->key_pending = true;
    }
    a->empty_wakeups = got ? 0 : a->empty_wakeups + 1;
    if (a->empty_wakeups > HANGUP_WAKEUPS)
        app_quit(a, 0, NULL);
}

static void on_signal(uv_signal_t *s, int signum)
{
    struct app *a = s->data;
    if (signum == SIGWINCH) {
        if (a->screen.sp && screen_resize(&a->screen))
            ui_mark_draw(a->ui);
        return;
    }
    log_info("signal %d: exiting", signum);
    app_quit(a, 0, NULL);
}

static void take_snapshot(struct app *a)
{
    char err[256];
    if (screen_open_virtual(&a->screen, a->cfg->snap_cols, a->cfg->snap_rows, err, sizeof err) !=
        0) {
        app_quit(a, 1, err);
        return;
    }
    theme_init(false);
    tick_alerts(a);
    struct view_ctx ctx = app_view_ctx(a);
    ui_render(a->ui, &ctx);
    screen_dump(&a->screen, stdout);
    fflush(stdout);
    screen_close(&a->screen);
    app_quit(a, 0, NULL);
}

static void on_feed_event(struct feed *f, void *arg)
{
    struct app *a = arg;
    (void)f;
    if (a->quitting)
        return;
    if (!a->first_done && poller_all_first_done(a->poller)) {
        a->first_done = true;
        log_info("every feed has answered once");
    }
    if (a->snapshot) {
        if (a->first_done)
            take_snapshot(a);
        return;
    }
    ui_mark_draw(a->ui);
}

/* After every merge: the alerts look at what the batch touched, never on the draw path. */
static void on_merged(void *arg)
{
    struct app *a = arg;
    if (a->alerts) {
        struct view_ctx ctx = app_view_ctx(a);
        struct store_changes ch = {0};
        store_changes_take(a->store, &ch);
        alerts_evaluate(a->alerts, a->store, &ch, ctx.now);
        store_changes_clear(&ch);
        notice_critical(a);
    }
    ui_mark_data(a->ui);
}

static void start_feeds(struct app *a, const char *hub_url)
{
    char err[512];
    if (wiring_attach(a->wiring, a->poller, hub_url, err, sizeof err) != 0) {
        app_quit(a, 2, err);
        return;
    }
    if (poller_count(a->poller) == 0) {
        app_quit(a, 2, "no feed is enabled in the configuration");
        return;
    }
    poller_start(a->poller);
}

static void on_demo_ready(const char *url, const char *error, void *arg)
{
    struct app *a = arg;
    if (!url) {
        app_quit(a, 1, error);
        return;
    }
    start_feeds(a, url);
}

static void watch_signal(struct app *a, int signum)
{
    uv_signal_t *s = &a->signals[a->nsignals++];
    uv_signal_init(&a->loop, s);
    s->data = a;
    uv_signal_start(s, on_signal, signum);
}

static int start_terminal(struct app *a)
{
    char err[256];
    if (screen_open(&a->screen, a->cfg->mouse, err, sizeof err) != 0) {
        fprintf(stderr, "citydeck: %s\n", err);
        return -1;
    }
    /* Library chatter on stderr would scribble over the screen: send it to the log. */
    log_redirect_stderr();
    theme_init(true);
    uv_poll_init(&a->loop, &a->input, a->screen.tty_fd);
    a->input.data = a;
    uv_poll_start(&a->input, UV_READABLE, on_input);
    uv_check_init(&a->loop, &a->frame_check);
    a->frame_check.data = a;
    uv_check_start(&a->frame_check, on_check);
    uv_timer_init(&a->loop, &a->frame_timer);
    a->frame_timer.data = a;
    uv_timer_init(&a->loop, &a->tick);
    a->tick.data = a;
    uv_timer_start(&a->tick, on_tick, 1000, 1000);
    a->handles_open = true;
    render(a);
    return 0;
}

static void on_snapshot_limit(uv_timer_t *t)
{
    struct app *a = t->data;
    app_quit(a, 1, "snapshot: the feeds did not finish their first poll in time");
}

/* Rules from the config (a bad [rule.NAME] line stops the start with FILE:LINE), then the
 * state a previous run left: acknowledgements, silences and the events still active. */
static int start_alerts(struct app *a)
{
    char err[512];
    a->alerts = alerts_new();
    if (alerts_configure(a->alerts, a->cfg->entries, a->cfg->nentries, err, sizeof err) != 0) {
        fprintf(stderr, "citydeck: %s\n", err);
        a->exit_code = 2;
        return -1;
    }
    alerts_set_read_only(a->alerts, a->cfg->read_only);
    a->alerts_path = alerts_state_path();
    if (a->alerts_path && access(a->alerts_path, F_OK) == 0 &&
        alerts_state_load(a->alerts, a->alerts_path, err, sizeof err) != 0)
        log_warn("alerts: %s (starting without the saved state)", err);
    a->seen_critical = alerts_critical_seq(a->alerts);
    return 0;
}

static void ensure_utf8_locale(void)
{
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    if (!cs || strcmp(cs, "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8"); /* cron and bare SSH sessions often run in "C" */
}

int app_run(struct config *cfg)
{
    struct app *a = xcalloc(1, sizeof *a);
    char err[512] = "";
    a->cfg = cfg;
    a->snapshot = cfg->snapshot_view != NULL;
    a->screen.tty_fd = -1;
    ensure_utf8_locale();
    uv_loop_init(&a->loop);
    a->store = store_new();
    const char *first = cfg->snapshot_view ? cfg->snapshot_view : cfg->start_view;
    a->ui = ui_new(first);
    if (!a->ui) {
        fprintf(stderr, "citydeck: no view '%s' (views: %s)\n", first, view_names());
        a->exit_code = 2;
        goto out;
    }
    a->wiring = wiring_new(cfg, a->store, on_merged, a, err, sizeof err);
    if (!a->wiring) {
        fprintf(stderr, "citydeck: %s\n", err);
        a->exit_code = 2;
        goto out;
    }
    if (cfg->demo && wiring_load_units(a->store, cfg->demo_province, err, sizeof err) != 0)
        log_warn("%s", err);
    if (start_alerts(a) != 0)
        goto out;

    a->http = http_new(&a->loop);
    a->poller = poller_new(&a->loop, a->http, on_feed_event, a);
    watch_signal(a, SIGINT);
    watch_signal(a, SIGTERM);
    watch_signal(a, SIGHUP);
    uv_timer_t snapshot_limit;
    uv_timer_init(&a->loop, &snapshot_limit);
    snapshot_limit.data = a;
    if (a->snapshot) {
        uv_timer_start(&snapshot_limit, on_snapshot_limit, SNAPSHOT_LIMIT_MS, 0);
        uv_unref((uv_handle_t *)&snapshot_limit);
    } else {
        watch_signal(a, SIGWINCH);
        if (start_terminal(a) != 0) {
            app_quit(a, 1, NULL);
            goto run;
        }
    }
    if (cfg->demo) {
        int log_fd = -1;
        FILE *lf = NULL;
        if (cfg->log_path && (lf = fopen(cfg->log_path, "a")))
            log_fd = fileno(lf);
        a->demo = demo_start(&a->loop, cfg, log_fd, on_demo_ready, a, err, sizeof err);
        if (lf)
            fclose(lf); /* the child has its own copy now */
        if (!a->demo)
            app_quit(a, 1, err);
    } else {
        start_feeds(a, cfg->hub_url);
    }
run:
    uv_run(&a->loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&snapshot_limit, NULL);
    uv_run(&a->loop, UV_RUN_DEFAULT);
out:
    app_quit(a, a->exit_code, NULL);
    uv_run(&a->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&a->loop) != 0)
        log_warn("event loop closed with handles still open");
    if (a->error[0])
        fprintf(stderr, "citydeck: %s\n", a->error);
    int code = a->exit_code;
    save_alerts(a);
    alerts_free(a->alerts);
    free(a->alerts_path);
    wiring_free(a->wiring);
    ui_free(a->ui);
    store_free(a->store);
    free(a);
    return code;
}
