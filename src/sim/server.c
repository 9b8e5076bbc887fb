#include "server.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/log.h"
#include "citydeck/util.h"
#include "open311.h"

struct server {
    struct MHD_Daemon *daemon;
    struct server_hub hub;
    /* Requests run on several MHD threads; advancing the complaints appends to them. */
    pthread_mutex_t lock;
    uint16_t port;
    char base_url[80];
};

struct reply {
    int status;
    char *body;
    const char *content_type;
    int64_t now;
};

/* Strong validator: the body's FNV-1a 64 hash. Bodies are a pure function of the simulated
 * state, so an unchanged queue keeps its ETag across requests and restarts. */
static void etag_of(const char *body, size_t len, char *out, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)body[i];
        h *= 0x100000001b3u;
    }
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

static enum MHD_Result send_reply(struct server *s, struct MHD_Connection *conn, const char *method,
                                  const char *url, struct reply *r)
{
    char date[40], etag[24];
    simclock_http_date(r->now, date, sizeof date);
    size_t len = r->body ? strlen(r->body) : 0;
    int status = r->status;
    struct MHD_Response *resp;
    if (status == MHD_HTTP_OK) {
        etag_of(r->body, len, etag, sizeof etag);
        const char *inm =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
        if (inm && etag_matches(inm, etag)) {
            status = MHD_HTTP_NOT_MODIFIED;
            free(r->body);
            r->body = NULL;
            len = 0;
        }
    }
    if (r->body)
        resp = MHD_create_response_from_buffer(len, r->body, MHD_RESPMEM_MUST_FREE);
    else
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    r->body = NULL;
    if (!resp)
        return MHD_NO;
    /* The hub's clock is the simulated one: the console reads hub time from Date. */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_DATE, date);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    if (status == MHD_HTTP_OK || status == MHD_HTTP_NOT_MODIFIED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    if (status != MHD_HTTP_NOT_MODIFIED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                r->content_type ? r->content_type
                                                : "application/json; charset=utf-8");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, POST");
    if (s->hub.verbose)
        log_info("%s %s -> %d (%zu bytes)", method, url, status, len);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Per connection: the POST body as it arrives. */
struct conn_state {
    struct buf body;
    bool too_large;
};

#define MAX_POST_BYTES (1 << 20)

const char *sim_request_param(const struct sim_request *rq, const char *key)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

static void route(struct server *s, const struct sim_request *rq, struct reply *r)
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

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct conn_state *cs = *con_cls;
    if (cs) {
        buf_free(&cs->body);
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
    bool get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
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
    struct reply r = {0};
    pthread_mutex_lock(&s->lock);
    r.now = simclock_now(s->hub.clock);
    if (!get && !post) {
        r.status = MHD_HTTP_METHOD_NOT_ALLOWED;
        r.body = open311_error(405, "method %s not allowed: this hub is read-only", method);
    } else if (cs->too_large) {
        r.status = MHD_HTTP_CONTENT_TOO_LARGE;
        r.body = open311_error(413, "request body larger than %d bytes", MAX_POST_BYTES);
    } else {
        struct sim_request rq = {
            .method = method,
            .path = url,
            .body = post ? (cs->body.data ? cs->body.data : "") : NULL,
            .body_len = cs->body.len,
            .now = r.now,
            .base_url = s->base_url,
            .conn = conn,
        };
        for (size_t i = 0; i < s->hub.ndomains; i++)
            if (s->hub.domains[i].advance)
                s->hub.domains[i].advance(s->hub.domains[i].state, r.now);
        route(s, &rq, &r);
    }
    pthread_mutex_unlock(&s->lock);
    return send_reply(s, conn, method, url, &r);
}

struct server *server_start(const struct sockaddr *addr, socklen_t addrlen,
                            const struct server_hub *hub, char *err, size_t errsz)
{
    (void)addrlen;
    struct server *s = xcalloc(1, sizeof *s);
    s->hub = *hub;
    pthread_mutex_init(&s->lock, NULL);
    /* MHD_USE_SUPPRESS_DATE_NO_CLOCK: MHD must not add its own (real-time) Date. */
    unsigned flags =
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_SUPPRESS_DATE_NO_CLOCK;
    uint16_t port;
    if (addr->sa_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
        port = ntohs(((const struct sockaddr_in6 *)(const void *)addr)->sin6_port);
    } else {
        port = ntohs(((const struct sockaddr_in *)(const void *)addr)->sin_port);
    }
    s->daemon = MHD_start_daemon(flags, port, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, addr,
                                 MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_CONNECTION_TIMEOUT,
                                 30u, MHD_OPTION_CONNECTION_LIMIT, 128u,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errsz, "cannot listen on port %u (in use, or not permitted)", (unsigned)port);
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
    MHD_stop_daemon(s->daemon);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
