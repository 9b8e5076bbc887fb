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
    char body[256];
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
/* SIGTERM, then SIGKILL after 5 s; returns the wait status, or -1 if it was not running. */
int harness_sim_stop(struct harness_sim *s);

#endif
