/* Shared by the net tests (tests/meson.build links harness.c into each of them): a private uv
 * loop with a watchdog, a scripted libmicrohttpd server and a raw TCP server on that loop (for
 * hangs, truncation and resets), all on 127.0.0.1 only. Every name here is harness_*, so a
 * test's own helpers never clash with it. Failures inside these helpers fail the calling test. */
#ifndef CITYDECK_TESTS_NET_HARNESS_H
#define CITYDECK_TESTS_NET_HARNESS_H

#include <pthread.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <uv.h>

/* ---- loop + watchdog ---------------------------------------------------------------- */

/* The test's loop; harness_loop_setup() initialises it, harness_loop_teardown() closes it. */
extern uv_loop_t harness_loop;

/* Inits harness_loop and arms a 3 s watchdog that fails the test. Ignores SIGPIPE. */
void harness_loop_setup(void);

/* Runs the loop until *counter reaches target; the watchdog bounds the wait. Whatever bumps
 * a counter calls uv_stop, or UV_RUN_ONCE would sleep in poll until the next timer. */
void harness_run_until(const int *counter, int target);

/* Lets the loop run for ms, e.g. to show that something does not happen. */
void harness_run_for_ms(uint64_t ms);

/* Runs the close callbacks and asserts uv_loop_close() == 0 (no leaked handles; the open ones
 * are printed). The watchdog stays armed but unreferenced until everything else closed. */
void harness_loop_teardown(void);

struct feed;

/* A poller event callback: counts into harness_events and stops harness_loop. */
extern int harness_events;
void harness_count_event(struct feed *f, void *arg);

/* ---- scripted libmicrohttpd server -------------------------------------------------- */

/* The answer to one request; request n gets steps[n], the last step repeats. */
struct harness_step {
    int status;
    const char *body;
    size_t body_len; /* 0 = strlen(body) */
    const char *etag;
    const char *retry_after;
    const char *location;
    const char *content_encoding;
    bool inm_304;         /* 304 when If-None-Match equals etag */
    bool chunked_forever; /* an endless chunked body, no Content-Length */
};

#define HARNESS_MAX_SEEN 32

/* What request n carried (the last slot is reused past HARNESS_MAX_SEEN). */
struct harness_seen {
    char method[8];
    char path[64];
    char inm[128];
    char auth[128];
    char ua[64];
    char accept[64];
    char ctype[64];
    char extra[64]; /* X-Citydeck-Test */
    char body[1024];
    char tenant[64]; /* X-Scope-OrgID */
    char query[256]; /* the query arguments, decoded, as "k=v&k=v" in the order sent */
};

struct harness_srv {
    struct MHD_Daemon *d;
    uint16_t port;
    pthread_mutex_t mu;
    const struct harness_step *steps;
    size_t nsteps;
    int requests;
    struct harness_seen seen[HARNESS_MAX_SEEN];
};

/* Starts the server on 127.0.0.1:0 (its own thread); s->port is the port it got. */
void harness_srv_start(struct harness_srv *s, const struct harness_step *steps, size_t nsteps);
void harness_srv_stop(struct harness_srv *s);
/* How many requests it answered so far (read under its lock). */
int harness_srv_requests(struct harness_srv *s);
/* http://127.0.0.1:PORT/path into out. */
void harness_srv_url(const struct harness_srv *s, const char *path, char *out, size_t n);

/* ---- raw TCP server on the test loop ------------------------------------------------ */

/* What the raw server does once its reply (if any) is written. */
enum harness_raw_after { HARNESS_RAW_HANG, HARNESS_RAW_CLOSE, HARNESS_RAW_RESET };

struct harness_raw_client;

struct harness_raw {
    uv_tcp_t server;
    uint16_t port;
    const char *reply; /* written once the request arrived; NULL = say nothing */
    enum harness_raw_after after;
    int requests; /* bumped (with uv_stop) when a request arrives */
    void (*on_request)(struct harness_raw *r);
    struct harness_raw_client *clients[8];
    int nclients;
};

/* Listens on 127.0.0.1:0 on harness_loop; r->port is the port it got. */
void harness_raw_start(struct harness_raw *r, const char *reply, enum harness_raw_after after);
/* Closes everything and runs the close callbacks, so the clients can be freed. */
void harness_raw_close(struct harness_raw *r);
/* http://127.0.0.1:PORT/raw into out. */
void harness_raw_url(const struct harness_raw *r, char *out, size_t n);

/* A port that refuses: bound, never listening. Returns the socket; close it at the end. */
int harness_refused_port(uint16_t *port);

/* ---- the real simulator as a child process ------------------------------------------- */

/* A citydeck-sim started by a test; stopped by its PID in harness_sim_stop. */
struct harness_sim {
    pid_t pid;
    int port;
    char url[64]; /* "http://127.0.0.1:PORT" */
};

/* Starts $CITYDECK_SIM (or the build's) with --port 0 and args (NULL-terminated), reads its
 * "listening on" line; the child dies with the test process. Fails the test if it cannot. */
void harness_sim_start(struct harness_sim *s, const char *const *args);
/* $CITYDECK_SIM, or the build's citydeck-sim. */
const char *harness_sim_path(void);
/* SIGTERM, then SIGKILL after 5 s; returns the wait status, or -1 if it was not running. */
int harness_sim_stop(struct harness_sim *s);

/* Several simulators per test, in slots: harness_sims_start() takes the next one. */
#define HARNESS_MAX_SIMS 8
extern struct harness_sim harness_sims[HARNESS_MAX_SIMS];
extern int harness_nsims;

/* Starts a frozen simulator (--speed 0 --seed seed --start start, then extra, NULL-terminated
 * or NULL) in the next slot and returns the slot. */
int harness_sims_start(const char *seed, const char *start, const char *const *extra);
/* harness_sim_stop() of one slot; returns the wait status, or -1. */
int harness_sims_stop(int slot);
/* Stops every simulator harness_sims_start() started, each by its PID. */
void harness_sims_stop_all(void);
/* Runs the simulator (--port 0 and args) to completion with its output discarded: for
 * arguments it must refuse before listening. Its exit code, or -1 (killed after 10 s). */
int harness_sim_run(const char *const *args);

/* ---- blocking HTTP with libcurl ------------------------------------------------------ */

/* How to ask; all zero = a plain GET that must complete (timeout 30 s). */
struct harness_req {
    const char *method;          /* CURLOPT_CUSTOMREQUEST, or NULL */
    const char *post;            /* CURLOPT_POSTFIELDS, or NULL */
    const char *headers[4];      /* extra header lines, up to a NULL */
    const char *accept_encoding; /* CURLOPT_ACCEPT_ENCODING (libcurl decodes), or NULL */
    bool head;                   /* CURLOPT_NOBODY */
    bool may_fail;               /* return transfer errors in rc instead of failing the test */
    long timeout_ms;             /* 0 = 30 s; -1 = none */
};

/* What came back. The body is NUL-terminated; free it with harness_resp_free. */
struct harness_resp {
    CURLcode rc;
    char errbuf[CURL_ERROR_SIZE];
    long status;
    char *body;
    size_t len;
    double seconds;
    long long content_length; /* from the header; -1 if none */
    char etag[80], date[80], ctype[128], cache[80], vary[80], cenc[80], retry_after[40];
};

/* One request to url (q may be NULL). Fails the test on a transfer error unless q->may_fail. */
struct harness_resp harness_http(const char *url, const struct harness_req *q);
/* The same to a path on the simulator in slot; an absolute "http://" path is used as it is. */
struct harness_resp harness_sim_http(int slot, const char *path, const struct harness_req *q);
/* A plain GET of a path on the simulator in slot. */
struct harness_resp harness_sim_get(int slot, const char *path);
void harness_resp_free(struct harness_resp *r);

/* For curl multi: an easy handle that fills r (CURLOPT_PRIVATE = r); after the transfer,
 * harness_easy_done() records status and time and makes sure there is a body. */
CURL *harness_easy(const char *url, struct harness_resp *r, struct curl_slist *hdrs,
                   const struct harness_req *q);
void harness_easy_done(CURL *c, struct harness_resp *r);

/* The body as JSON: must parse completely (trailing whitespace only); NULL if it does not. */
cJSON *harness_json_whole(const struct harness_resp *r);

#endif
