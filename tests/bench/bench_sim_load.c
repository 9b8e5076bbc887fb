/* Bounded load test of citydeck-sim on 127.0.0.1: starts the simulator (frozen clock), keeps
 * C keep-alive connections busy with GETs of one path until N requests are done or S seconds
 * have passed, whichever comes first, and prints requests per second, throughput, latency
 * percentiles and the simulator's memory (VmRSS, VmHWM) after start-up and after the load.
 *
 *   bench_sim_load [--scale X] [--path P] [--connections C] [--requests N] [--seconds S]
 *                  [--gzip] [--province CODE]
 *
 * Every run is bounded in count and time; the simulator is stopped by its PID. */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "citydeck-config.h"

#define MAX_CONNECTIONS 64
#define MAX_REQUESTS 1000000
#define MAX_SECONDS 120

struct bench {
    const char *scale, *path, *province;
    int connections;
    long requests;
    double seconds;
    bool gzip;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *sim_path(void)
{
    const char *p = getenv("CITYDECK_SIM");
    return p && *p ? p : CITYDECK_BUILD_DIR "/citydeck-sim";
}

/* VmRSS and VmHWM of pid in KiB. */
static void memory_of(pid_t pid, long *rss, long *hwm)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    *rss = *hwm = -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "VmRSS: %ld kB", rss);
        sscanf(line, "VmHWM: %ld kB", hwm);
    }
    fclose(f);
}

static pid_t sim_start(const struct bench *b, int *port, double *startup_s)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(sim_path(), sim_path(), "--port", "0", "--seed", "7", "--start",
              "2026-03-02T08:00:00+07:00", "--speed", "0", "--scale", b->scale, "--province",
              b->province, (char *)NULL);
        fprintf(stderr, "exec %s: %s\n", sim_path(), strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    char line[128];
    size_t len = 0;
    while (len + 1 < sizeof line) {
        struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
        if (poll(&pfd, 1, 120000) <= 0 || read(fds[0], line + len, 1) <= 0)
            break;
        if (line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    close(fds[0]);
    *startup_s = now_s() - t0;
    if (sscanf(line, "listening on http://127.0.0.1:%d", port) != 1) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    *(size_t *)arg += size * n;
    return size * n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run(const struct bench *b)
{
    int port;
    double startup;
    pid_t pid = sim_start(b, &port, &startup);
    if (pid < 0) {
        fprintf(stderr, "bench_sim_load: cannot start %s\n", sim_path());
        return 1;
    }
    long rss0, hwm0;
    memory_of(pid, &rss0, &hwm0);

    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, b->path);
    CURLM *m = curl_multi_init();
    CURL *easy[MAX_CONNECTIONS];
    size_t bytes = 0;
    long started = 0, done = 0, failed = 0;
    double *lat = calloc((size_t)b->requests, sizeof *lat);
    double begin[MAX_CONNECTIONS];
    for (int i = 0; i < b->connections; i++) {
        easy[i] = curl_easy_init();
        curl_easy_setopt(easy[i], CURLOPT_URL, url);
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, &bytes);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(easy[i], CURLOPT_PRIVATE, (char *)(intptr_t)i);
        if (b->gzip)
            curl_easy_setopt(easy[i], CURLOPT_ACCEPT_ENCODING, "gzip");
    }
    double t0 = now_s(), deadline = t0 + b->seconds;
    for (int i = 0; i < b->connections && started < b->requests; i++, started++) {
        begin[i] = now_s();
        curl_multi_add_handle(m, easy[i]);
    }
    int running = 1;
    while (done < started) {
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *e = msg->easy_handle;
            intptr_t i;
            curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&i);
            long status = 0;
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
            if (msg->data.result != CURLE_OK || status != 200)
                failed++;
            lat[done++] = now_s() - begin[i];
            curl_multi_remove_handle(m, e);
            /* The same handle reuses its connection: keep-alive, as a poller would. */
            if (started < b->requests && now_s() < deadline) {
                begin[i] = now_s();
                curl_multi_add_handle(m, e);
                started++;
            }
        }
        if (done < started)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    double elapsed = now_s() - t0;
    long rss1, hwm1;
    memory_of(pid, &rss1, &hwm1);
    for (int i = 0; i < b->connections; i++)
        curl_easy_cleanup(easy[i]);
    curl_multi_cleanup(m);
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);

    qsort(lat, (size_t)done, sizeof *lat, cmp_double);
    double p50 = done ? lat[done / 2] : 0, p99 = done ? lat[(size_t)((double)done * 0.99)] : 0;
    printf("citydeck-sim load: province %s, scale %s, GET %s%s, %d connections\n", b->province,
           b->scale, b->path, b->gzip ? " (gzip)" : "", b->connections);
    printf("  start-up %.2f s; memory after start-up: VmRSS %ld KiB, VmHWM %ld KiB\n", startup,
           rss0, hwm0);
    printf("  %ld requests (%ld failed) in %.2f s: %.0f requests/s, %.1f MB/s, %.1f KB each\n",
           done, failed, elapsed, (double)done / elapsed, (double)bytes / elapsed / 1e6,
           done ? (double)bytes / (double)done / 1e3 : 0.0);
    printf("  latency p50 %.2f ms, p99 %.2f ms\n", p50 * 1e3, p99 * 1e3);
    printf("  memory after the load: VmRSS %ld KiB, VmHWM %ld KiB; exit %d\n", rss1, hwm1,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    free(lat);
    return failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

int main(int argc, char **argv)
{
    struct bench b = {.scale = "1",
                      .path = "/open311/v2/requests.json?page_size=100",
                      .province = "51",
                      .connections = 8,
                      .requests = 5000,
                      .seconds = 10};
    static const struct option longopts[] = {
        {"scale", required_argument, NULL, 's'},       {"path", required_argument, NULL, 'p'},
        {"connections", required_argument, NULL, 'c'}, {"requests", required_argument, NULL, 'n'},
        {"seconds", required_argument, NULL, 't'},     {"gzip", no_argument, NULL, 'z'},
        {"province", required_argument, NULL, 'P'},    {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 's':
            b.scale = optarg;
            break;
        case 'p':
            b.path = optarg;
            break;
        case 'P':
            b.province = optarg;
            break;
        case 'c':
            b.connections = atoi(optarg);
            break;
        case 'n':
            b.requests = atol(optarg);
            break;
        case 't':
            b.seconds = atof(optarg);
            break;
        case 'z':
            b.gzip = true;
            break;
        default:
            return 2;
        }
    }
    /* Bounded whatever is asked. */
    if (b.connections < 1 || b.connections > MAX_CONNECTIONS || b.requests < 1 ||
        b.requests > MAX_REQUESTS || !(b.seconds > 0) || b.seconds > MAX_SECONDS) {
        fprintf(stderr, "bench_sim_load: connections 1-%d, requests 1-%d, seconds up to %d\n",
                MAX_CONNECTIONS, MAX_REQUESTS, MAX_SECONDS);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = run(&b);
    curl_global_cleanup();
    return rc;
}
