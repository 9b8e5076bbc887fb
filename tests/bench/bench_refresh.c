/* Bytes written to the terminal per refresh, measured through a real pty: first paint, an
 * identical frame, one value changed, the clock ticking, the table scrolled by one row. */
#include <curses.h>
#include <fcntl.h>
#include <locale.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "citydeck/clock.h"
#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/ui.h"
#include "citydeck/util.h"

#define NOW 1772413200

static int master = -1;

static size_t drain(void)
{
    char buf[65536];
    size_t total = 0;
    ssize_t n;
    while ((n = read(master, buf, sizeof buf)) > 0) {
        total += (size_t)n;
        if (getenv("BENCH_DUMP")) /* the raw bytes, to see what a frame costs */
            fwrite(buf, 1, (size_t)n, stderr);
    }
    return total;
}

static size_t frame(struct ui *u, struct view_ctx *ctx)
{
    ui_mark_draw(u);
    ui_render(u, ctx);
    wnoutrefresh(stdscr);
    doupdate();
    return drain();
}

static struct complaint_batch *batch(int n, int changed)
{
    static const char *const units[] = {"Phường Cẩm Thành", "Xã Nghĩa Lộ", "Đặc khu Lý Sơn",
                                        "Phường Trương Quang Trọng", "Xã Ba Tơ"};
    struct complaint_batch *b = complaint_batch_new();
    b->full_listing = true;
    for (int i = 0; i < n; i++) {
        struct complaint *c = complaint_batch_push(b);
        c->id = xasprintf("PA-51-%06d", i);
        c->category = xstrdup(i % 3 ? "Hạ tầng đô thị" : "Vệ sinh môi trường");
        c->unit_code = xasprintf("%05d", 21000 + i % 5);
        c->unit_name = xstrdup(units[i % 5]);
        c->agency = xasprintf("UBND %s", units[i % 5]);
        c->description = xstrdup("Người dân phản ánh rác thải tập kết không đúng nơi quy định");
        c->status = i == changed ? CST_RESOLVED : CST_IN_PROGRESS;
        c->open = true;
        c->requested = NOW - 3600 * (i + 1);
        c->expected = NOW + 3600 * (i * 7 % 200) + 37 * i - 7200;
    }
    return b;
}

static void measure(int cols, int rows)
{
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    int slave;
    if (openpty(&master, &slave, NULL, NULL, &ws) != 0) {
        perror("openpty");
        exit(1);
    }
    fcntl(master, F_SETFL, O_NONBLOCK);
    FILE *out = fdopen(slave, "w"), *in = fdopen(dup(slave), "r");
    SCREEN *sp = newterm("xterm-256color", out, in);
    resizeterm(rows, cols);
    theme_init(true);
    struct store *s = store_new();
    store_merge_complaints(s, batch(400, -1));
    struct ui *u = ui_new("complaints");
    struct view_ctx ctx = {.store = s, .now = NOW, .tz_offset_s = CLOCK_VN_OFFSET};

    size_t first = frame(u, &ctx);
    size_t same = frame(u, &ctx);
    store_merge_complaints(s, batch(400, 0)); /* the top row */
    ui_mark_data(u);
    size_t one = frame(u, &ctx);
    ctx.now += 1;
    size_t tick = frame(u, &ctx);
    for (int i = 0; i < rows; i++) /* walk the selection to the bottom edge */
        ui_on_action(u, ACT_DOWN, &ctx);
    frame(u, &ctx);
    ui_on_action(u, ACT_DOWN, &ctx);
    size_t scroll = frame(u, &ctx);
    printf("%dx%d: first paint %zu B, identical frame %zu B, one value changed %zu B, "
           "clock tick %zu B, scroll one row %zu B\n",
           cols, rows, first, same, one, tick, scroll);
    ui_free(u);
    store_free(s);
    endwin();
    delscreen(sp);
    fclose(out);
    fclose(in);
    close(master);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    measure(120, 40);
    measure(200, 50);
    measure(80, 24);
    return 0;
}
