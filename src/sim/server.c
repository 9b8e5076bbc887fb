#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "citydeck/clock.h"
#include "citydeck/log.h"
#include "citydeck/util.h"
#include "gzip.h"
#include "open311.h"

/* MHD worker threads. Domains answer under one lock, but gzip, fault rewrites and sending
 * run outside it, and suspended connections (latency, slow bodies) hold no thread. */
#define THREADS 4u
#define STREAM_BLOCK (16u * 1024u)

/* Connections parked by a latency or slow-body fault, each resumed by one timer thread when
 * its time comes. MHD forbids stopping a daemon with suspended connections, so stopping
 * resumes them all and refuses new ones. */
struct wake {
    int64_t due_ms; /* monotonic */
    struct MHD_Connection *conn;
};

struct waker {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct wake *items;
    size_t n, cap;
    bool stopping;
    bool started;
    pthread_t thread;
};

struct server {
    struct MHD_Daemon *daemon;
    struct server_hub hub;
    /* Requests run on several MHD threads; advancing the complaints appends to them. */
    pthread_mutex_t lock;
    uint16_t port;
    char base_url[80];
    struct waker waker;
};

/* One answer, ready to go on the wire once any latency has passed. */
struct prepared {
    int status;
    char *body; /* the bytes to send: compressed when gzipped */
    size_t len;
    const char *content_type;
    char etag[40]; /* empty = none */
    bool gzipped;
    int64_t now;
    struct fault_plan plan;
};

/* Per request: the POST body as it arrives, then the prepared answer. */
struct conn_state {
    struct buf body;
    bool too_large;
    struct prepared *ready;
};

#define MAX_POST_BYTES (1 << 20)

static int64_t mono_ms(void)
{
    return clock_mono_ms();
}

/* ---- timer thread ---- */

static void *waker_main(void *arg)
{
    struct waker *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stopping) {
        if (w->n == 0) {
            pthread_cond_wait(&w->cv, &w->mu);
            continue;
        }
        size_t first = 0;
        for (size_t i = 1; i < w->n; i++)
            if (w->items[i].due_ms < w->items[first].due_ms)
                first = i;
        int64_t due = w->items[first].due_ms;
        if (due <= mono_ms()) {
            struct MHD_Connection *conn = w->items[first].conn;
            w->items[first] = w->items[--w->n];
            MHD_resume_connection(conn);
            continue;
        }
        struct timespec ts = {.tv_sec = (time_t)(due / 1000),
                              .tv_nsec = (long)(due % 1000) * 1000000};
        pthread_cond_timedwait(&w->cv, &w->mu, &ts);
    }
    for (size_t i = 0; i < w->n; i++)
        MHD_resume_connection(w->items[i].conn);
    w->n = 0;
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static int waker_init(struct waker *w)
{
    memset(w, 0, sizeof *w);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    /* Due times are monotonic: a wall-clock step must not stretch a fault's delay. */
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&w->mu, NULL);
    if (pthread_create(&w->thread, NULL, waker_main, w) != 0)
        return -1;
    w->started = true;
    return 0;
}

/* Resumes every parked connection and refuses new ones; MHD threads may still call
 * waker_suspend until the daemon stops, so the lock outlives this. */
static void waker_halt(struct waker *w)
{
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        w->stopping = true;
        pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
        w->started = false;
    }
}

static void waker_free(struct waker *w)
{
    waker_halt(w);
    free(w->items);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
}

/* Suspends conn until due_ms; false when the server is stopping (then nobody waits). Must be
 * called from MHD's access handler or content reader, as MHD requires. Suspending under the
 * waker's lock means a stop cannot slip between the check and the suspension. */
static bool waker_suspend(struct waker *w, struct MHD_Connection *conn, int64_t due_ms)
{
    pthread_mutex_lock(&w->mu);
    if (w->stopping) {
        pthread_mutex_unlock(&w->mu);
        return false;
    }
    MHD_suspend_connection(conn);
    w->items = xgrow(w->items, &w->cap, w->n + 1, sizeof *w->items);
    w->items[w->n].due_ms = due_ms;
    w->items[w->n].conn = conn;
    w->n++;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return true;
}

/* ---- validators ---- */

/* Strong validator: a 64-bit hash of the uncompressed body, eight bytes a step (a page of
 * complaints is most of a megabyte; byte-wise FNV cost as much as rendering it). Bodies are
 * a pure function of the simulated state, so an unchanged queue keeps its ETag across
 * requests and restarts, and the gzip and identity forms share it. Words are read
 * little-endian whatever the host, so the value is the same everywhere. churn (the
 * etag-churn fault) mixes in the request number. */
static void etag_of(const char *body, size_t len, uint64_t churn, char *out, size_t n)
{
    const unsigned char *p = (const unsigned char *)body;
    uint64_t h = 0xcbf29ce484222325u ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w = 0;
        for (int k = 7; k >= 0; k--)
            w = (w << 8) | p[i + (size_t)k];
        h = (h ^ w) * 0x9e3779b97f4a7c15u;
        h ^= h >> 29;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    h ^= churn * 0xbf58476d1ce4e5b9u;
    /* splitmix64's finaliser, so every input bit reaches every output bit. */
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
    h ^= h >> 31;
    snprintf(out, n, "\"%016" PRIx64 "\"", h);
}

/* If-None-Match uses the weak comparison (RFC 7232 §3.2): W/ prefixes are ignored. */
static bool etag_matches(const char *header, const char *etag)
{
    const char *p = header;
    size_t elen = strlen(etag);
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (!strncmp(p, "W/", 2))
            p += 2;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        const char *last = end;
        while (last > p && (last[-1] == ' ' || last[-1] == '\t'))
            last--;
        if ((size_t)(last - p) == elen && !strncmp(p, etag, elen))
            return true;
        p = end;
    }
    return false;
}

/* ---- delivery faults ---- */

/* A TCP reset, as a crashed proxy or a conntrack drop gives. connect(AF_UNSPEC) dissolves the
 * association and makes Linux send RST at once (tcp_disconnect), where close() with
 * SO_LINGER 0 would come after MHD's own shutdown(SHUT_WR) and show the client a clean EOF
 * first. MHD then closes the dead descriptor itself. */
static void connection_reset(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return;
    int fd = ci->connect_fd;
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    struct sockaddr sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_family = AF_UNSPEC;
    if (connect(fd, &sa, sizeof sa) != 0)
        log_debug("reset fault: connect(AF_UNSPEC): %s", strerror(errno));
}

/* A body sent by a content reader: at a limited rate, padded to a size, or cut short. The
 * bytes on the wire are body[0, pad_at) + pad spaces + body[pad_at, len). */
struct stream {
    struct server *s;
    struct MHD_Connection *conn;
    char *body;
    size_t len, pad_at;
    uint64_t pad, total;
    uint64_t stop_at; /* UINT64_MAX = send all */
    bool reset_at_stop;
    long bps;
    bool started;
    int64_t t0_ms;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *st = cls;
    if (pos >= st->stop_at) {
        if (st->reset_at_stop)
            connection_reset(st->conn);
        /* MHD closes the connection short of the announced Content-Length. */
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    uint64_t n = max;
    if (n > st->total - pos)
        n = st->total - pos;
    if (n > st->stop_at - pos)
        n = st->stop_at - pos;
    if (st->bps > 0) {
        int64_t now = mono_ms();
        if (!st->started) {
            st->started = true;
            st->t0_ms = now;
        }
        /* A tenth of a second's worth at a time, so the rate holds at every scale. */
        uint64_t chunk = st->bps >= 10 ? (uint64_t)st->bps / 10 : 1;
        uint64_t allowed = (uint64_t)(now - st->t0_ms) * (uint64_t)st->bps / 1000 + chunk;
        if (pos >= allowed) {
            uint64_t need = pos + 1 - chunk;
            int64_t due =
                st->t0_ms + (int64_t)((need * 1000 + (uint64_t)st->bps - 1) / (uint64_t)st->bps);
            if (waker_suspend(&st->s->waker, st->conn, due))
                return 0;
        } else if (n > allowed - pos) {
            n = allowed - pos;
        }
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t at = pos + i;
        if (at < st->pad_at)
            buf[i] = st->body[at];
        else if (at < st->pad_at + st->pad)
            buf[i] = ' ';
        else
            buf[i] = st->body[at - st->pad];
    }
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *st = cls;
    free(st->body);
    free(st);
}

static void prepared_free(struct prepared *p)
{
    if (p) {
        free(p->body);
        free(p);
    }
}

/* ---- request handling ---- */

const char *sim_request_param(const struct sim_request *rq, const char *key)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

static void route(struct server *s, const struct sim_request *rq, struct prepared *r)
{
    struct sim_response rs = {0};
    for (size_t i = 0; i < s->hub.ndomains; i++) {
        const struct sim_domain *d = &s->hub.domains[i];
        if (d->route(d->state, rq, &rs)) {
            r->status = rs.status;
            r->body = rs.body;
            r->content_type = rs.content_type;
            return;
        }
    }
    r->status = 404;
    r->body = open311_error(404, "no such resource: %s", rq->path);
}

/* Asks the domains (under the lock), then applies the body faults, the ETag with
 * If-None-Match, and gzip (outside it). */
static struct prepared *prepare(struct server *s, struct MHD_Connection *conn, const char *url,
                                const char *method, struct conn_state *cs)
{
    bool get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
    bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
    struct prepared *r = xcalloc(1, sizeof *r);
    pthread_mutex_lock(&s->lock);
    r->now = simclock_now(s->hub.clock);
    faults_plan(s->hub.faults, url, &r->plan);
    if (r->plan.status || (r->plan.reset && r->plan.reset_after == 0)) {
        /* The answer is replaced or never sent: the domains need not work for it. */
    } else if (!get && !post) {
        r->status = MHD_HTTP_METHOD_NOT_ALLOWED;
        r->body = open311_error(405, "method %s not allowed: this hub is read-only", method);
    } else if (cs->too_large) {
        r->status = MHD_HTTP_CONTENT_TOO_LARGE;
        r->body = open311_error(413, "request body larger than %d bytes", MAX_POST_BYTES);
    } else {
        struct sim_request rq = {
            .method = method,
            .path = url,
            .body = post ? (cs->body.data ? cs->body.data : "") : NULL,
            .body_len = cs->body.len,
            .now = r->now,
            .base_url = s->base_url,
            .conn = conn,
        };
        for (size_t i = 0; i < s->hub.ndomains; i++)
            if (s->hub.domains[i].advance)
                s->hub.domains[i].advance(s->hub.domains[i].state, r->now);
        route(s, &rq, r);
    }
    pthread_mutex_unlock(&s->lock);

    if (!r->body)
        r->body = xstrdup("");
    r->len = strlen(r->body);
    r->body = faults_rewrite(&r->plan, r->body, &r->len, &r->status, &r->content_type);
    if (r->status == MHD_HTTP_OK) {
        etag_of(r->body, r->len, r->plan.etag_churn ? r->plan.serial : 0, r->etag, sizeof r->etag);
        const char *inm =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
        if (inm && etag_matches(inm, r->etag)) {
            r->status = MHD_HTTP_NOT_MODIFIED;
            r->body[0] = '\0';
            r->len = 0;
        }
    }
    /* Oversized bodies stay identity: the padding is produced as it is sent. */
    const char *ae =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    if (r->len >= GZIP_MIN_BYTES && !r->plan.oversize && gzip_accepted(ae)) {
        size_t zlen;
        char *z = gzip_compress(r->body, r->len, &zlen);
        if (z && zlen < r->len) {
            free(r->body);
            r->body = z;
            r->len = zlen;
            r->gzipped = true;
        } else {
            free(z);
        }
    }
    return r;
}

static void describe_plan(const struct fault_plan *p, char *out, size_t n)
{
    struct buf b = {0};
    if (p->latency_ms)
        buf_appendf(&b, " latency=%ldms", p->latency_ms);
    if (p->slow_bps)
        buf_appendf(&b, " slow=%ldB/s", p->slow_bps);
    if (p->status)
        buf_appendf(&b, " status=%d", p->status);
    if (p->reset)
        buf_appendf(&b, " reset@%" PRIu64, p->reset_after);
    if (p->truncate)
        buf_appendf(&b, " truncate");
    if (p->oversize)
        buf_appendf(&b, " oversize=%" PRIu64, p->oversize);
    if (p->malformed)
        buf_appendf(&b, " malformed");
    if (p->wrongtypes)
        buf_appendf(&b, " wrongtypes");
    if (p->badutf8)
        buf_appendf(&b, " badutf8");
    if (p->hostile)
        buf_appendf(&b, " hostile");
    if (p->etag_churn)
        buf_appendf(&b, " etag-churn");
    if (p->html)
        buf_appendf(&b, " html");
    str_copy(out, b.data ? b.data : "", n);
    buf_free(&b);
}

static enum MHD_Result send_prepared(struct server *s, struct MHD_Connection *conn,
                                     const char *method, const char *url, struct prepared *r)
{
    const struct fault_plan *plan = &r->plan;
    char faults[160];
    describe_plan(plan, faults, sizeof faults);
    if (plan->reset && plan->reset_after == 0) {
        if (s->hub.verbose)
            log_info("%s %s -> reset [fault:%s]", method, url, faults);
        prepared_free(r);
        connection_reset(conn);
        return MHD_NO;
    }
    uint64_t pad = 0;
    if (plan->oversize > r->len && r->status != MHD_HTTP_NOT_MODIFIED)
        pad = plan->oversize - r->len;
    uint64_t total = r->len + pad;
    uint64_t stop_at = UINT64_MAX;
    if (plan->truncate)
        stop_at = plan->truncate_after == UINT64_MAX ? total / 2 : plan->truncate_after;
    if (plan->reset && plan->reset_after < stop_at)
        stop_at = plan->reset_after;
    bool streamed = plan->slow_bps > 0 || pad > 0 || stop_at < total;

    struct MHD_Response *resp;
    if (streamed) {
        struct stream *st = xcalloc(1, sizeof *st);
        st->s = s;
        st->conn = conn;
        st->body = r->body;
        st->len = r->len;
        st->pad_at = faults_pad_offset(r->body, r->len);
        st->pad = pad;
        st->total = total;
        st->stop_at = stop_at;
        st->reset_at_stop = plan->reset && plan->reset_after == stop_at;
        st->bps = plan->slow_bps;
        r->body = NULL;
        resp = MHD_create_response_from_callback(total, STREAM_BLOCK, stream_read, st, stream_free);
        if (!resp)
            stream_free(st);
    } else {
        resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->body = NULL;
    }
    if (!resp) {
        prepared_free(r);
        return MHD_NO;
    }
    int status = r->status;
    char date[40];
    simclock_http_date(r->now, date, sizeof date);
    /* The hub's clock is the simulated one: the console reads hub time from Date. */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_DATE, date);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    /* The body depends on Accept-Encoding, so caches must key on it. */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    if (r->etag[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
    if (r->gzipped)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    if (status != MHD_HTTP_NOT_MODIFIED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                r->content_type ? r->content_type
                                                : "application/json; charset=utf-8");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, POST");
    if (plan->status && plan->retry_after >= 0) {
        char ra[24];
        snprintf(ra, sizeof ra, "%ld", plan->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (s->hub.verbose)
        log_info("%s %s -> %d (%" PRIu64 " bytes%s)%s%s%s", method, url, status, total,
                 r->gzipped ? ", gzip" : "", faults[0] ? " [fault:" : "", faults,
                 faults[0] ? "]" : "");
    prepared_free(r);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct conn_state *cs = *con_cls;
    if (cs) {
        buf_free(&cs->body);
        prepared_free(cs->ready);
        free(cs);
    }
    *con_cls = NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct server *s = cls;
    bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
    /* Answering on the first call (headers only) makes MHD close the connection; requests
     * wait for a later call so keep-alive works and POST bodies arrive. */
    if (!*con_cls) {
        *con_cls = xcalloc(1, sizeof(struct conn_state));
        return MHD_YES;
    }
    struct conn_state *cs = *con_cls;
    if (*upload_data_size) {
        if (post && cs->body.len + *upload_data_size <= MAX_POST_BYTES)
            buf_append(&cs->body, upload_data, *upload_data_size);
        else
            cs->too_large = post;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!cs->ready) {
        cs->ready = prepare(s, conn, url, method, cs);
        /* Latency holds no thread: the connection sleeps until the timer resumes it, and
         * MHD then calls this handler again with the answer ready. */
        if (cs->ready->plan.latency_ms > 0 &&
            waker_suspend(&s->waker, conn, mono_ms() + cs->ready->plan.latency_ms))
            return MHD_YES;
    }
    struct prepared *r = cs->ready;
    cs->ready = NULL;
    return send_prepared(s, conn, method, url, r);
}

/* MHD's own messages, through our log. With faults configured, "application reported an
 * error" and friends are the faults working, not news: they drop to debug. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    const struct server *s = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_msg(faults_count(s->hub.faults) ? LOG_DEBUG : LOG_WARN, "libmicrohttpd: %s", msg);
}

struct server *server_start(const struct sockaddr *addr, socklen_t addrlen,
                            const struct server_hub *hub, char *err, size_t errsz)
{
    (void)addrlen;
    struct server *s = xcalloc(1, sizeof *s);
    s->hub = *hub;
    pthread_mutex_init(&s->lock, NULL);
    if (waker_init(&s->waker) < 0) {
        snprintf(err, errsz, "cannot start the timer thread");
        waker_free(&s->waker);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    /* MHD_USE_SUPPRESS_DATE_NO_CLOCK: MHD must not add its own (real-time) Date. */
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
                     MHD_USE_SUPPRESS_DATE_NO_CLOCK | MHD_ALLOW_SUSPEND_RESUME;
    uint16_t port;
    if (addr->sa_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
        port = ntohs(((const struct sockaddr_in6 *)(const void *)addr)->sin6_port);
    } else {
        port = ntohs(((const struct sockaddr_in *)(const void *)addr)->sin_port);
    }
    /* The logger goes first, or MHD reports the options before it through its own. */
    s->daemon =
        MHD_start_daemon(flags, port, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                         MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_THREAD_POOL_SIZE, THREADS,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 256u,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errsz, "cannot listen on port %u (in use, or not permitted)", (unsigned)port);
        waker_free(&s->waker);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    char host[INET6_ADDRSTRLEN] = "127.0.0.1";
    if (addr->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)addr)->sin6_addr, host,
                  sizeof host);
        snprintf(s->base_url, sizeof s->base_url, "http://[%s]:%u", host, (unsigned)s->port);
    } else {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)addr)->sin_addr, host,
                  sizeof host);
        snprintf(s->base_url, sizeof s->base_url, "http://%s:%u", host, (unsigned)s->port);
    }
    return s;
}

uint16_t server_port(const struct server *s)
{
    return s->port;
}

void server_stop(struct server *s)
{
    if (!s)
        return;
    /* Resume every parked connection first: MHD aborts on a stop with suspended ones. */
    waker_halt(&s->waker);
    MHD_stop_daemon(s->daemon);
    waker_free(&s->waker);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
