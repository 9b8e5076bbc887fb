/* A real Prometheus (Debian's prometheus package) started by the test on loopback, scraping
 * the simulator's /metrics; citydeck polls Prometheus' HTTP API through a prometheus feed.
 * The sensor values in citydeck's store must equal the simulator's own. Skipped (with a
 * message) when the prometheus binary is not installed. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "citydeck/config.h"
#include "citydeck/http.h"
#include "citydeck/poller.h"
#include "citydeck/store.h"
#include "citydeck/util.h"
#include "citydeck/wiring.h"
#include "harness.h"

#define PROMETHEUS "/usr/bin/prometheus"
#define QUERY "{__name__=~\"citydeck_air_pm25_ug_m3|citydeck_water_level_meters\",sensor_id!=\"\"}"

static struct harness_sim sim;
static pid_t prom_pid;
static char dir[] = "/tmp/citydeck-prom-XXXXXX";

static char *get(const char *url)
{
    struct harness_req q = {.may_fail = true, .timeout_ms = 2000};
    struct harness_resp r = harness_http(url, &q);
    if (r.rc != CURLE_OK) {
        harness_resp_free(&r);
        return NULL;
    }
    return r.body;
}

/* A port nobody listens on right now (Prometheus cannot report the one it picked). */
static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    close(s);
    return ntohs(a.sin_port);
}

static void stop_all(void)
{
    if (prom_pid > 0) {
        kill(prom_pid, SIGTERM);
        int st;
        for (int i = 0; i < 500 && waitpid(prom_pid, &st, WNOHANG) == 0; i++) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
            if (i == 499) {
                kill(prom_pid, SIGKILL);
                waitpid(prom_pid, &st, 0);
            }
        }
        prom_pid = 0;
    }
    harness_sim_stop(&sim);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* The simulator's value of a series with this sensor_id, from its /metrics text. */
static bool sim_value(const char *metrics, const char *metric, const char *id, double *out)
{
    char *needle = xasprintf("%s{sensor_id=\"%s\",", metric, id);
    const char *line = strstr(metrics, needle);
    free(needle);
    if (!line)
        return false;
    const char *eol = strchr(line, '\n');
    const char *sp = eol ? eol : line + strlen(line);
    while (sp > line && sp[-1] != ' ')
        sp--;
    *out = strtod(sp, NULL);
    return true;
}

Test(prometheus_live, values_through_a_real_prometheus_equal_the_simulators, .fini = stop_all,
     .timeout = 90)
{
    if (access(PROMETHEUS, X_OK) != 0)
        cr_skip_test("%s is not installed (Debian package prometheus)", PROMETHEUS);
    static const char *const args[] = {"--seed",  "7", "--start", "2026-03-02T08:00:00+07:00",
                                       "--speed", "0", NULL};
    harness_sim_start(&sim, args);
    cr_assert_not_null(mkdtemp(dir));
    char *yml = xasprintf("%s/prometheus.yml", dir);
    FILE *f = fopen(yml, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "scrape_configs:\n  - job_name: citydeck-sim\n    static_configs:\n"
            "      - targets: ['127.0.0.1:%d']\n",
            sim.port);
    fclose(f);
    int port = free_port();
    char listen[64], data[128], config[128];
    snprintf(listen, sizeof listen, "--web.listen-address=127.0.0.1:%d", port);
    snprintf(data, sizeof data, "--storage.tsdb.path=%s/data", dir);
    snprintf(config, sizeof config, "--config.file=%s", yml);
    prom_pid = fork();
    cr_assert_geq(prom_pid, 0);
    if (prom_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execl(PROMETHEUS, PROMETHEUS, config, data, listen, "--log.level=warn", (char *)NULL);
        _exit(127);
    }
    free(yml);

    /* Wait (bounded) until Prometheus has scraped the simulator at least once. */
    char *up_url = xasprintf("http://127.0.0.1:%d/api/v1/query?query=up", port);
    bool scraped = false;
    for (int i = 0; i < 300 && !scraped; i++) {
        char *body = get(up_url);
        scraped = body && strstr(body, "\"citydeck-sim\"") && strstr(body, ",\"1\"]");
        free(body);
        if (!scraped) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    free(up_url);
    cr_assert(scraped, "Prometheus did not scrape the simulator within 30 s");

    /* citydeck with one feed: the PromQL query against Prometheus. */
    struct config cfg;
    config_init(&cfg);
    for (int i = 0; i < cfg.nfeeds; i++)
        cfg.feeds[i].enabled = false;
    struct feed_config *fc = &cfg.feeds[cfg.nfeeds++];
    memset(fc, 0, sizeof *fc);
    str_copy(fc->name, "prometheus", sizeof fc->name);
    fc->kind = xstrdup("prometheus");
    fc->url = xasprintf("http://127.0.0.1:%d", port);
    fc->query = xstrdup(QUERY);
    fc->interval_ms = 60000;
    fc->timeout_ms = 5000;
    fc->enabled = true;
    char err[256];
    struct store *store = store_new();
    harness_loop_setup();
    struct wiring *w = wiring_new(&cfg, store, NULL, NULL, err, sizeof err);
    cr_assert_not_null(w, "%s", err);
    struct http *http = http_new(&harness_loop);
    struct poller *p = poller_new(&harness_loop, http, harness_count_event, NULL);
    cr_assert_eq(wiring_attach(w, p, NULL, err, sizeof err), 0, "%s", err);
    poller_start(p);
    harness_run_until(&harness_events, 1);
    struct feed *feed = poller_feed(p, 0);
    cr_assert_eq(feed_health(feed)->state, FEED_OK, "%s", feed_health(feed)->last_error);

    char *metrics_url = xasprintf("%s/metrics", sim.url);
    char *metrics = get(metrics_url);
    free(metrics_url);
    cr_assert_not_null(metrics);
    size_t gauges = 0, pm = 0;
    for (size_t i = 0; i < sensor_table_count(store->sensors); i++) {
        const struct sensor *s = sensor_table_at(store->sensors, i);
        double want;
        cr_assert(sim_value(metrics, s->property, s->remote_id, &want),
                  "sensor %s (%s) is not in the simulator's /metrics", s->remote_id, s->property);
        cr_assert_float_eq(s->value, want, 1e-9, "sensor %s: citydeck %g, simulator %g",
                           s->remote_id, s->value, want);
        cr_assert_not_null(s->unit_code, "the unit_code label names the commune/ward");
        gauges += s->kind == SK_WATER_LEVEL;
        pm += s->kind == SK_AIR_QUALITY;
    }
    cr_assert_eq(gauges, 16, "water level gauges through Prometheus: %zu", gauges);
    cr_assert_eq(pm, 17, "PM2.5 series through Prometheus: %zu", pm);
    free(metrics);

    poller_free(p);
    http_free(http);
    harness_loop_teardown();
    wiring_free(w);
    store_free(store);
    config_free(&cfg);
}
