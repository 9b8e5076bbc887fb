/* The net tests' shared harness; see harness.h. No Criterion tests and no main() here: this
 * file is linked into every net test binary. */
#include "harness.h"

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "citydeck-config.h"

/* ---- loop + watchdog ---------------------------------------------------------------- */

uv_loop_t harness_loop;
static uv_timer_t watchdog;

static void on_watchdog(uv_timer_t *t)
{
    (void)t;
    cr_assert_fail("watchdog: the test did not finish in time");
}

void harness_loop_setup(void)
{
    signal(SIGPIPE, SIG_IGN); /* curl runs with NOSIGNAL; the program ignores SIGPIPE */
    cr_assert_eq(uv_loop_init(&harness_loop), 0);
    uv_timer_init(&harness_loop, &watchdog);
    uv_timer_start(&watchdog, on_watchdog, 3000, 0);
}

/* Runs the loop until *counter reaches target; the watchdog bounds the wait. Whatever bumps
 * a counter calls uv_stop, or UV_RUN_ONCE would sleep in poll until the next timer. */
void harness_run_until(const int *counter, int target)
{
    while (*counter < target)
        uv_run(&harness_loop, UV_RUN_ONCE);
}

static void on_nap(uv_timer_t *t)
{
    *(int *)t->data = 1;
    uv_stop(&harness_loop);
}

/* Lets the loop run for ms, e.g. to show that something does not happen. */
void harness_run_for_ms(uint64_t ms)
{
    int done = 0;
    uv_timer_t t;
    uv_timer_init(&harness_loop, &t);
    t.data = &done;
    uv_timer_start(&t, on_nap, ms, 0);
    harness_run_until(&done, 1);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&harness_loop, UV_RUN_NOWAIT);
}

static void walk_print(uv_handle_t *h, void *arg)
{
    (void)arg;
    fprintf(stderr, "open handle: %s%s\n", uv_handle_type_name(h->type),
            uv_is_closing(h) ? " (closing)" : "");
}

/* Runs the close callbacks and checks nothing was left behind. The watchdog stays armed but
 * unreferenced: the run ends once everything else closed, or the watchdog fails the test. */
void harness_loop_teardown(void)
{
    uv_unref((uv_handle_t *)&watchdog);
    uv_run(&harness_loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&watchdog, NULL);
    uv_run(&harness_loop, UV_RUN_NOWAIT);
    int rc = uv_loop_close(&harness_loop);
    if (rc != 0)
        uv_walk(&harness_loop, walk_print, NULL);
    cr_assert_eq(rc, 0, "uv_loop_close: %s", uv_strerror(rc));
}

int harness_events;

void harness_count_event(struct feed *f, void *arg)
{
    (void)f;
    (void)arg;
    harness_events++;
    uv_stop(&harness_loop);
}

/* ---- scripted libmicrohttpd server -------------------------------------------------- */

struct upload {
    char data[1024];
    size_t len;
};

/* Appends "key=value" (or "key") to the query string being rebuilt in cls. */
static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    char *q = cls;
    size_t n = strlen(q);
    snprintf(q + n, sizeof((struct harness_seen *)0)->query - n, "%s%s%s%s", n ? "&" : "", key,
             value ? "=" : "", value ? value : "");
    return MHD_YES;
}

static void copy_hdr(struct MHD_Connection *c, const char *name, char *out, size_t n)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    snprintf(out, n, "%s", v ? v : "");
}

static ssize_t read_forever(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    if (pos > ((uint64_t)64 << 20))
        return MHD_CONTENT_READER_END_OF_STREAM;
    memset(buf, 'x', max);
    return (ssize_t)max;
}

static enum MHD_Result srv_handler(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version, const char *upload,
                                   size_t *upload_size, void **con_cls)
{
    struct harness_srv *s = cls;
    struct upload *u = *con_cls;
    (void)version;
    if (!u) {
        *con_cls = calloc(1, sizeof(struct upload));
        return MHD_YES;
    }
    if (*upload_size) {
        size_t room = sizeof u->data - 1 - u->len;
        size_t k = *upload_size < room ? *upload_size : room;
        memcpy(u->data + u->len, upload, k);
        u->len += k;
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->mu);
    int n = s->requests++;
    struct harness_seen *sn = &s->seen[n < HARNESS_MAX_SEEN ? n : HARNESS_MAX_SEEN - 1];
    snprintf(sn->method, sizeof sn->method, "%s", method);
    snprintf(sn->path, sizeof sn->path, "%s", url);
    copy_hdr(c, "If-None-Match", sn->inm, sizeof sn->inm);
    copy_hdr(c, "Authorization", sn->auth, sizeof sn->auth);
    copy_hdr(c, "User-Agent", sn->ua, sizeof sn->ua);
    copy_hdr(c, "Accept", sn->accept, sizeof sn->accept);
    copy_hdr(c, "Content-Type", sn->ctype, sizeof sn->ctype);
    copy_hdr(c, "X-Citydeck-Test", sn->extra, sizeof sn->extra);
    copy_hdr(c, "X-Scope-OrgID", sn->tenant, sizeof sn->tenant);
    sn->query[0] = '\0';
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, sn->query);
    snprintf(sn->body, sizeof sn->body, "%.*s", (int)u->len, u->data);
    const struct harness_step *st = &s->steps[(size_t)n < s->nsteps ? (size_t)n : s->nsteps - 1];
    bool not_modified = st->inm_304 && st->etag && strcmp(sn->inm, st->etag) == 0;
    pthread_mutex_unlock(&s->mu);

    struct MHD_Response *r;
    int status = st->status;
    if (not_modified) {
        status = 304;
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    } else if (st->chunked_forever) {
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, read_forever, NULL, NULL);
    } else {
        const char *b = st->body ? st->body : "";
        size_t len = st->body_len ? st->body_len : strlen(b);
        r = MHD_create_response_from_buffer(len, (void *)b, MHD_RESPMEM_MUST_COPY);
    }
    if (st->etag)
        MHD_add_response_header(r, "ETag", st->etag);
    if (st->retry_after)
        MHD_add_response_header(r, "Retry-After", st->retry_after);
    if (st->location)
        MHD_add_response_header(r, "Location", st->location);
    if (st->content_encoding)
        MHD_add_response_header(r, "Content-Encoding", st->content_encoding);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static void srv_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

void harness_srv_start(struct harness_srv *s, const struct harness_step *steps, size_t nsteps)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->steps = steps;
    s->nsteps = nsteps;
    struct sockaddr_in sin = {0};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                            srv_handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
                            MHD_OPTION_NOTIFY_COMPLETED, srv_completed, NULL, MHD_OPTION_END);
    cr_assert_not_null(s->d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    cr_assert_not_null(info);
    s->port = info->port;
}

void harness_srv_stop(struct harness_srv *s)
{
    MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->mu);
}

int harness_srv_requests(struct harness_srv *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void harness_srv_url(const struct harness_srv *s, const char *path, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%u%s", (unsigned)s->port, path);
}

/* ---- raw TCP server on the test loop ------------------------------------------------ */

struct harness_raw_client {
    uv_tcp_t tcp;
    struct harness_raw *r;
    uv_write_t wr;
    bool replied;
    bool closed;
    char rbuf[4096];
};

static void raw_client_closed(uv_handle_t *h)
{
    (void)h; /* clients live in raw->clients until harness_raw_close frees them */
}

static void raw_client_close(struct harness_raw_client *c, bool reset)
{
    if (c->closed)
        return;
    c->closed = true;
    if (reset)
        uv_tcp_close_reset(&c->tcp, raw_client_closed);
    else
        uv_close((uv_handle_t *)&c->tcp, raw_client_closed);
}

static void raw_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct harness_raw_client *c = h->data;
    (void)suggested;
    *buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void raw_written(uv_write_t *req, int status)
{
    struct harness_raw_client *c = req->data;
    (void)status;
    if (c->r->after != HARNESS_RAW_HANG)
        raw_client_close(c, c->r->after == HARNESS_RAW_RESET);
}

static void raw_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct harness_raw_client *c = s->data;
    (void)buf;
    if (nread < 0) {
        raw_client_close(c, false);
        return;
    }
    if (nread == 0 || c->replied)
        return;
    c->replied = true; /* requests are tiny: the first read carries the whole head */
    c->r->requests++;
    uv_stop(&harness_loop);
    if (c->r->on_request)
        c->r->on_request(c->r);
    if (c->closed)
        return;
    if (c->r->reply) {
        uv_buf_t b = uv_buf_init((char *)c->r->reply, (unsigned)strlen(c->r->reply));
        c->wr.data = c;
        uv_write(&c->wr, s, &b, 1, raw_written);
    } else if (c->r->after == HARNESS_RAW_RESET) {
        raw_client_close(c, true);
    }
}

static void raw_on_connection(uv_stream_t *server, int status)
{
    struct harness_raw *r = server->data;
    if (status < 0 || r->nclients == (int)(sizeof r->clients / sizeof r->clients[0]))
        return;
    struct harness_raw_client *c = calloc(1, sizeof *c);
    c->r = r;
    uv_tcp_init(server->loop, &c->tcp);
    c->tcp.data = c;
    r->clients[r->nclients++] = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) == 0)
        uv_read_start((uv_stream_t *)&c->tcp, raw_alloc, raw_read);
    else
        raw_client_close(c, false);
}

void harness_raw_start(struct harness_raw *r, const char *reply, enum harness_raw_after after)
{
    memset(r, 0, sizeof *r);
    r->reply = reply;
    r->after = after;
    struct sockaddr_in sin;
    uv_ip4_addr("127.0.0.1", 0, &sin);
    uv_tcp_init(&harness_loop, &r->server);
    r->server.data = r;
    cr_assert_eq(uv_tcp_bind(&r->server, (const struct sockaddr *)&sin, 0), 0);
    cr_assert_eq(uv_listen((uv_stream_t *)&r->server, 8, raw_on_connection), 0);
    struct sockaddr_storage ss;
    int len = sizeof ss;
    uv_tcp_getsockname(&r->server, (struct sockaddr *)&ss, &len);
    r->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Closes everything and runs the close callbacks, so the clients can be freed. */
void harness_raw_close(struct harness_raw *r)
{
    for (int i = 0; i < r->nclients; i++)
        raw_client_close(r->clients[i], false);
    if (!uv_is_closing((uv_handle_t *)&r->server))
        uv_close((uv_handle_t *)&r->server, NULL);
    uv_run(&harness_loop, UV_RUN_NOWAIT);
    for (int i = 0; i < r->nclients; i++)
        free(r->clients[i]);
    r->nclients = 0;
}

void harness_raw_url(const struct harness_raw *r, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%u/raw", (unsigned)r->port);
}

/* A port that refuses: bound, never listening, held for the whole test. */
int harness_refused_port(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {0};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    socklen_t len = sizeof sin;
    getsockname(fd, (struct sockaddr *)&sin, &len);
    *port = ntohs(sin.sin_port);
    return fd;
}

/* ---- the real simulator ------------------------------------------------------------- */

#define HARNESS_SIM_ARGS 32

const char *harness_sim_path(void)
{
    const char *p = getenv("CITYDECK_SIM");
    return p && *p ? p : CITYDECK_BUILD_DIR "/citydeck-sim";
}

/* The child's first stdout line, waiting at most timeout_ms for each byte. */
static int harness_read_line(int fd, char *buf, size_t n, int timeout_ms)
{
    size_t len = 0;
    while (len + 1 < n) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, timeout_ms) <= 0 || read(fd, buf + len, 1) <= 0)
            return -1;
        if (buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
    return 0;
}

void harness_sim_start(struct harness_sim *s, const char *const *args)
{
    memset(s, 0, sizeof *s);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        /* Dies with the test process even if the test crashes before its cleanup. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        const char *argv[HARNESS_SIM_ARGS] = {harness_sim_path(), "--port", "0"};
        int argc = 3;
        for (int i = 0; args && args[i] && argc + 1 < HARNESS_SIM_ARGS; i++)
            argv[argc++] = args[i];
        argv[argc] = NULL;
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    s->pid = pid;
    char line[128];
    int rc = harness_read_line(fds[0], line, sizeof line, 30000);
    close(fds[0]);
    cr_assert_eq(rc, 0, "no first line from %s", harness_sim_path());
    cr_assert_eq(sscanf(line, "listening on http://127.0.0.1:%d", &s->port), 1,
                 "unexpected first line: %s", line);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
}

int harness_sim_stop(struct harness_sim *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    int status = -1;
    for (int i = 0; i < 500; i++) {
        if (waitpid(s->pid, &status, WNOHANG) != 0)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (i == 499) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
        }
    }
    s->pid = 0;
    return status;
}

struct harness_sim harness_sims[HARNESS_MAX_SIMS];
int harness_nsims;

int harness_sims_start(const char *seed, const char *start, const char *const *extra)
{
    cr_assert_lt(harness_nsims, HARNESS_MAX_SIMS);
    const char *args[HARNESS_SIM_ARGS] = {"--speed", "0", "--seed", seed, "--start", start};
    int argc = 6;
    for (int i = 0; extra && extra[i] && argc + 4 < HARNESS_SIM_ARGS; i++)
        args[argc++] = extra[i];
    args[argc] = NULL;
    int slot = harness_nsims++;
    harness_sim_start(&harness_sims[slot], args);
    cr_assert_gt(harness_sims[slot].port, 0);
    return slot;
}

int harness_sims_stop(int slot)
{
    return harness_sim_stop(&harness_sims[slot]);
}

void harness_sims_stop_all(void)
{
    for (int i = 0; i < harness_nsims; i++)
        harness_sim_stop(&harness_sims[i]);
}

int harness_sim_run(const char *const *args)
{
    const char *argv[HARNESS_SIM_ARGS] = {harness_sim_path(), "--port", "0"};
    int argc = 3;
    for (int i = 0; args && args[i] && argc + 1 < HARNESS_SIM_ARGS; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    for (int i = 0; i < 1000; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

/* ---- blocking HTTP with libcurl ------------------------------------------------------ */

static size_t harness_on_body(char *p, size_t size, size_t n, void *arg)
{
    struct harness_resp *r = arg;
    size_t add = size * n;
    r->body = realloc(r->body, r->len + add + 1);
    memcpy(r->body + r->len, p, add);
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static void harness_header_value(const char *line, size_t len, const char *name, char *out,
                                 size_t n)
{
    size_t nl = strlen(name);
    if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1, *end = line + len;
    while (v < end && *v == ' ')
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    snprintf(out, n, "%.*s", (int)(end - v), v);
}

static size_t harness_on_header(char *p, size_t size, size_t n, void *arg)
{
    struct harness_resp *r = arg;
    size_t len = size * n;
    char cl[40] = "";
    harness_header_value(p, len, "ETag", r->etag, sizeof r->etag);
    harness_header_value(p, len, "Date", r->date, sizeof r->date);
    harness_header_value(p, len, "Content-Type", r->ctype, sizeof r->ctype);
    harness_header_value(p, len, "Cache-Control", r->cache, sizeof r->cache);
    harness_header_value(p, len, "Vary", r->vary, sizeof r->vary);
    harness_header_value(p, len, "Content-Encoding", r->cenc, sizeof r->cenc);
    harness_header_value(p, len, "Retry-After", r->retry_after, sizeof r->retry_after);
    harness_header_value(p, len, "Content-Length", cl, sizeof cl);
    if (cl[0])
        r->content_length = atoll(cl);
    return len;
}

CURL *harness_easy(const char *url, struct harness_resp *r, struct curl_slist *hdrs,
                   const struct harness_req *q)
{
    static const struct harness_req plain;
    if (!q)
        q = &plain;
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    r->content_length = -1;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    if (q->method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
    if (q->post)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->post);
    if (q->accept_encoding)
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, q->accept_encoding);
    if (q->head)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, harness_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, harness_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->errbuf);
    if (q->timeout_ms >= 0)
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, q->timeout_ms ? q->timeout_ms : 30000L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_PRIVATE, r);
    return c;
}

void harness_easy_done(CURL *c, struct harness_resp *r)
{
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r->seconds);
    if (!r->body)
        r->body = calloc(1, 1);
}

struct harness_resp harness_http(const char *url, const struct harness_req *q)
{
    struct harness_resp r;
    memset(&r, 0, sizeof r);
    struct curl_slist *hdrs = NULL;
    for (size_t i = 0; q && i < sizeof q->headers / sizeof q->headers[0] && q->headers[i]; i++)
        hdrs = curl_slist_append(hdrs, q->headers[i]);
    CURL *c = harness_easy(url, &r, hdrs, q);
    r.rc = curl_easy_perform(c);
    if (!(q && q->may_fail))
        cr_assert_eq(r.rc, CURLE_OK, "%s %s: %s", q && q->method ? q->method : "GET", url,
                     curl_easy_strerror(r.rc));
    harness_easy_done(c, &r);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    return r;
}

struct harness_resp harness_sim_http(int slot, const char *path, const struct harness_req *q)
{
    if (!strncmp(path, "http://", 7))
        return harness_http(path, q);
    size_t n = strlen(harness_sims[slot].url) + strlen(path) + 1;
    char *url = malloc(n);
    snprintf(url, n, "%s%s", harness_sims[slot].url, path);
    struct harness_resp r = harness_http(url, q);
    free(url);
    return r;
}

struct harness_resp harness_sim_get(int slot, const char *path)
{
    return harness_sim_http(slot, path, NULL);
}

void harness_resp_free(struct harness_resp *r)
{
    free(r->body);
    r->body = NULL;
}

cJSON *harness_json_whole(const struct harness_resp *r)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(r->body, r->len, &end, false);
    if (j) {
        while (end < r->body + r->len && strchr(" \t\r\n", *end))
            end++;
        if (end != r->body + r->len) {
            cJSON_Delete(j);
            j = NULL;
        }
    }
    return j;
}
