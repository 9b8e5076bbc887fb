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

#define V2 "/open311/v2"

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
    int64_t now;
};

static const char *query_param(void *ctx, const char *key)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, key);
}

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
                                "application/json; charset=utf-8");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (s->hub.verbose)
        log_info("%s %s -> %d (%zu bytes)", method, url, status, len);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* "/open311/v2/requests/PA-51-000123.json" -> "PA-51-000123" in id; false if not that shape. */
static bool request_id_of(const char *url, char *id, size_t n)
{
    static const char prefix[] = V2 "/requests/", suffix[] = ".json";
    if (!str_starts_with(url, prefix))
        return false;
    const char *start = url + strlen(prefix);
    size_t len = strlen(start);
    if (len <= strlen(suffix) || strcmp(start + len - strlen(suffix), suffix) != 0)
        return false;
    len -= strlen(suffix);
    if (len >= n || memchr(start, '/', len))
        return false;
    memcpy(id, start, len);
    id[len] = '\0';
    return true;
}

static void route(struct server *s, struct MHD_Connection *conn, const char *url, struct reply *r)
{
    char id[64];
    struct complaints *c = s->hub.complaints;
    if (!strcmp(url, "/units.json")) {
        r->body = world_to_json(s->hub.world);
        r->status = 200;
    } else if (!strcmp(url, V2 "/discovery.json")) {
        char *endpoint = xasprintf("%s" V2, s->base_url);
        r->status = open311_discovery(c, endpoint, &r->body);
        free(endpoint);
    } else if (!strcmp(url, V2 "/services.json")) {
        r->status = open311_services(&r->body);
    } else if (!strcmp(url, V2 "/requests.json")) {
        r->status = open311_requests(c, r->now, query_param, conn, &r->body);
    } else if (request_id_of(url, id, sizeof id)) {
        r->status = open311_request(c, r->now, id, query_param, conn, &r->body);
    } else {
        r->status = 404;
        r->body = open311_error(404, "no such resource: %s", url);
    }
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    struct server *s = cls;
    bool readonly = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
    /* Answering on the first call (headers only) makes MHD close the connection; GETs wait
     * for the second call so keep-alive works. Anything else is refused at once. */
    if (readonly && !*con_cls) {
        *con_cls = s; /* any non-NULL marker */
        return MHD_YES;
    }
    if (readonly && *upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct reply r = {0};
    pthread_mutex_lock(&s->lock);
    r.now = simclock_now(s->hub.clock);
    if (!readonly) {
        *upload_data_size = 0;
        r.status = MHD_HTTP_METHOD_NOT_ALLOWED;
        r.body = open311_error(405, "method %s not allowed: this hub is read-only", method);
    } else {
        complaints_advance(s->hub.complaints, r.now);
        route(s, conn, url, &r);
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
                                 30u, MHD_OPTION_CONNECTION_LIMIT, 128u, MHD_OPTION_END);
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
