#include "citydeck/demo.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citydeck/log.h"
#include "citydeck/util.h"

#define READY_TIMEOUT_MS 15000
#define KILL_GRACE_MS 2000

struct demo {
    uv_process_t proc;
    uv_pipe_t out;
    uv_timer_t timer;
    demo_ready_fn ready;
    void *arg;
    struct buf line;
    bool announced;
    bool exited;
    bool stopping;
    int open_handles;
    char scratch[4096];
};

static void on_close(uv_handle_t *h)
{
    struct demo *d = h->data;
    if (--d->open_handles == 0) {
        buf_free(&d->line);
        free(d);
    }
}

static void close_handle(uv_handle_t *h)
{
    if (!uv_is_closing(h))
        uv_close(h, on_close);
}

/* The struct is freed once the last of the three has closed. */
static void close_all(struct demo *d)
{
    uv_timer_stop(&d->timer);
    close_handle((uv_handle_t *)&d->timer);
    close_handle((uv_handle_t *)&d->out);
    close_handle((uv_handle_t *)&d->proc);
}

static void announce(struct demo *d, const char *url, const char *error)
{
    if (d->announced)
        return;
    d->announced = true;
    uv_timer_stop(&d->timer);
    d->ready(url, error, d->arg);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
    struct demo *d = h->data;
    (void)suggested;
    b->base = d->scratch;
    b->len = sizeof d->scratch;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct demo *d = s->data;
    if (n < 0) {
        uv_read_stop(s);
        if (!d->announced)
            announce(d, NULL, "citydeck-sim closed its output before it was ready");
        return;
    }
    if (d->announced || n == 0)
        return; /* later output is drained and dropped so the child never blocks on it */
    buf_append(&d->line, b->base, (size_t)n);
    char *nl = memchr(d->line.data, '\n', d->line.len);
    if (!nl)
        return;
    *nl = '\0';
    const char *prefix = "listening on ";
    if (!str_starts_with(d->line.data, prefix)) {
        char msg[300];
        snprintf(msg, sizeof msg, "citydeck-sim said '%.200s' instead of its address",
                 d->line.data);
        announce(d, NULL, msg);
        return;
    }
    log_info("demo hub at %s (pid %d)", d->line.data + strlen(prefix), d->proc.pid);
    announce(d, d->line.data + strlen(prefix), NULL);
}

static void on_exit_cb(uv_process_t *p, int64_t status, int sig)
{
    struct demo *d = p->data;
    d->exited = true;
    if (!d->stopping)
        log_warn("citydeck-sim exited (status %lld, signal %d)", (long long)status, sig);
    if (!d->announced) {
        char msg[128];
        snprintf(msg, sizeof msg, "citydeck-sim exited with status %lld before it was ready",
                 (long long)status);
        announce(d, NULL, msg);
    }
    if (d->stopping) {
        close_all(d);
    }
}

static void on_timer(uv_timer_t *t)
{
    struct demo *d = t->data;
    if (d->stopping) {
        log_warn("citydeck-sim did not stop on SIGTERM; sending SIGKILL");
        uv_process_kill(&d->proc, SIGKILL);
        return;
    }
    announce(d, NULL, "citydeck-sim did not report its address in time");
}

char *demo_sim_path(const struct config *cfg)
{
    if (cfg->sim_path)
        return xstrdup(cfg->sim_path);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            char *beside = xasprintf("%s/citydeck-sim", self);
            if (access(beside, X_OK) == 0)
                return beside;
            free(beside);
        }
    }
    return xstrdup("citydeck-sim");
}

struct demo *demo_start(uv_loop_t *loop, const struct config *cfg, int log_fd, demo_ready_fn ready,
                        void *arg, char *err, size_t errsz)
{
    struct demo *d = xcalloc(1, sizeof *d);
    d->ready = ready;
    d->arg = arg;
    char *path = demo_sim_path(cfg);
    char seed[32], speed[32];
    snprintf(seed, sizeof seed, "%u", cfg->demo_seed);
    snprintf(speed, sizeof speed, "%g", cfg->demo_speed);
    char *args[16];
    int n = 0;
    args[n++] = path;
    args[n++] = "--port";
    args[n++] = "0";
    args[n++] = "--seed";
    args[n++] = seed;
    args[n++] = "--speed";
    args[n++] = speed;
    args[n++] = "--province";
    args[n++] = cfg->demo_province;
    if (cfg->demo_start) {
        args[n++] = "--start";
        args[n++] = cfg->demo_start;
    }
    if (cfg->demo_episode) {
        args[n++] = "--episode";
        args[n++] = cfg->demo_episode;
    }
    args[n] = NULL;

    uv_pipe_init(loop, &d->out, 0);
    uv_timer_init(loop, &d->timer);
    d->out.data = d->timer.data = d->proc.data = d;
    d->open_handles = 2;

    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[1].data.stream = (uv_stream_t *)&d->out;
    if (log_fd >= 0) {
        stdio[2].flags = UV_INHERIT_FD;
        stdio[2].data.fd = log_fd;
    } else {
        stdio[2].flags = UV_IGNORE;
    }
    uv_process_options_t opt;
    memset(&opt, 0, sizeof opt);
    opt.file = path;
    opt.args = args;
    opt.exit_cb = on_exit_cb;
    opt.stdio = stdio;
    opt.stdio_count = 3;
    int rc = uv_spawn(loop, &d->proc, &opt);
    if (rc != 0) {
        snprintf(err, errsz, "cannot start the demo hub %s: %s", path, uv_strerror(rc));
        free(path);
        d->stopping = true;
        /* uv_spawn failed: the process handle still has to be closed. */
        d->open_handles++;
        close_all(d);
        return NULL;
    }
    d->open_handles++;
    log_info("started %s (pid %d)", path, d->proc.pid);
    free(path);
    uv_read_start((uv_stream_t *)&d->out, on_alloc, on_read);
    uv_timer_start(&d->timer, on_timer, READY_TIMEOUT_MS, 0);
    return d;
}

void demo_stop(struct demo *d)
{
    if (!d || d->stopping)
        return;
    d->stopping = true;
    d->announced = true;
    if (d->exited) {
        close_all(d);
        return;
    }
    uv_process_kill(&d->proc, SIGTERM);
    uv_timer_start(&d->timer, on_timer, KILL_GRACE_MS, 0);
}
