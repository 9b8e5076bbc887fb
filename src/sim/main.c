/* citydeck-sim: the bundled hub simulator. Flags and wiring only. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citydeck-config.h"
#include "citydeck/clock.h"
#include "citydeck/log.h"
#include "citydeck/util.h"
#include "cases.h"
#include "complaints.h"
#include "dossiers.h"
#include "faults.h"
#include "metrics.h"
#include "open311.h"
#include "server.h"
#include "sensors.h"
#include "simclock.h"
#include "sta.h"
#include "stats.h"
#include "world.h"

#define UNITS_FILE "vn-units-2025-new.csv"
#define EXIT_USAGE 2
#define MAX_SPEED 1e6

struct options {
    long port;
    const char *bind;
    bool allow_remote;
    const char *province;
    uint64_t seed;
    double speed;
    const char *start;
    const char *units;
    bool verbose;
    double scale;                        /* --scale, read by every domain */
    const char *fault_specs[FAULTS_MAX]; /* --fault, parsed once the seed is known */
    int nfaults;
    const char *episode_specs[SENSORS_MAX_FORCED]; /* --episode, checked against the units */
    int nepisodes;
    double episode_rate; /* --episode-rate */
};

/* Long-only options, numbered past any short option letter. */
enum { OPT_SCALE = 0x200, OPT_FAULT, OPT_EPISODE, OPT_EPISODE_RATE };

static void usage(FILE *out)
{
    fprintf(out, "Usage: citydeck-sim [OPTION]...\n"
                 "Serve a simulated province hub (Open311 complaints, units) over HTTP.\n"
                 "\n"
                 "  -p, --port N         port to listen on; 0 picks a free one (default 0)\n"
                 "  -b, --bind ADDR      address to bind (default 127.0.0.1)\n"
                 "      --allow-remote   allow a non-loopback --bind address\n"
                 "  -P, --province CODE  province code (default 51, Quảng Ngãi)\n"
                 "  -s, --seed N         random seed (default 1)\n"
                 "  -x, --speed X        simulated seconds per real second; 0 freezes the clock\n"
                 "                       (default 1)\n"
                 "  -t, --start T        simulated start: 2026-03-02T08:00:00+07:00, or a date\n"
                 "                       (08:00 +07:00 that day); default now\n"
                 "  -u, --units FILE     unit list CSV (default: the installed " UNITS_FILE ")\n"
                 "      --scale N        multiply record volumes by N (0.01-1000; default 1,\n"
                 "                       a realistic province; 100 = a stress test)\n"
                 "      --fault SPEC     inject a fault, repeatable; SPEC is\n"
                 "                       KIND[:ARG[:ARG2]][@PATHPREFIX][%%PROB], KIND one of\n"
                 "                       latency:MS[-MAX] slow:BPS status:CODE[:RETRY_AFTER]\n"
                 "                       reset[:BYTES] truncate[:BYTES] malformed wrongtypes\n"
                 "                       oversize:SIZE badutf8 hostile etag-churn html\n"
                 "      --episode KIND@T[:UNIT]  force a sensor episode at T (ISO 8601 with\n"
                 "                       offset), repeatable; KIND aqi (an AQI spike past\n"
                 "                       the next band) or flood (a crest past alarm level II)\n"
                 "      --episode-rate N random episodes per simulated week (0-100; default 2)\n"
                 "  -v, --verbose        log every request on stderr\n"
                 "  -h, --help           show this help and exit\n"
                 "  -V, --version        show the version and exit\n"
                 "\n"
                 "The first line on stdout is \"listening on http://ADDR:PORT\".\n");
}

static int fail_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "citydeck-sim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'citydeck-sim --help'.\n");
    return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'b'},
        {"allow-remote", no_argument, NULL, 'R'},
        {"province", required_argument, NULL, 'P'},
        {"seed", required_argument, NULL, 's'},
        {"speed", required_argument, NULL, 'x'},
        {"start", required_argument, NULL, 't'},
        {"units", required_argument, NULL, 'u'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"scale", required_argument, NULL, OPT_SCALE},
        {"fault", required_argument, NULL, OPT_FAULT},
        {"episode", required_argument, NULL, OPT_EPISODE},
        {"episode-rate", required_argument, NULL, OPT_EPISODE_RATE},
        {NULL, 0, NULL, 0},
    };
    int ch;
    char *end;
    while ((ch = getopt_long(argc, argv, "p:b:P:s:x:t:u:vhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'p':
            errno = 0;
            o->port = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || o->port < 0 || o->port > 65535)
                return fail_usage("bad --port '%s' (0-65535)", optarg);
            break;
        case 'b':
            o->bind = optarg;
            break;
        case 'R':
            o->allow_remote = true;
            break;
        case 'P':
            o->province = optarg;
            break;
        case 's':
            errno = 0;
            o->seed = strtoull(optarg, &end, 10);
            if (errno || *end || end == optarg || *optarg == '-')
                return fail_usage("bad --seed '%s' (a whole number)", optarg);
            break;
        case 'x':
            errno = 0;
            o->speed = strtod(optarg, &end);
            /* The cap keeps start + elapsed * speed far from int64 overflow. */
            if (errno || *end || end == optarg || !isfinite(o->speed) || o->speed < 0 ||
                o->speed > MAX_SPEED)
                return fail_usage("bad --speed '%s' (a number from 0 to 1000000)", optarg);
            break;
        case 't':
            o->start = optarg;
            break;
        case 'u':
            o->units = optarg;
            break;
        case 'v':
            o->verbose = true;
            break;
        case OPT_SCALE:
            errno = 0;
            o->scale = strtod(optarg, &end);
            if (errno || *end || end == optarg || !isfinite(o->scale) || o->scale < SIM_SCALE_MIN ||
                o->scale > SIM_SCALE_MAX)
                return fail_usage("bad --scale '%s' (a number from 0.01 to 1000)", optarg);
            break;
        case OPT_FAULT:
            if (o->nfaults == FAULTS_MAX)
                return fail_usage("too many --fault options at '%s'", optarg);
            o->fault_specs[o->nfaults++] = optarg;
            break;
        case OPT_EPISODE:
            if (o->nepisodes == SENSORS_MAX_FORCED)
                return fail_usage("too many --episode options at '%s'", optarg);
            o->episode_specs[o->nepisodes++] = optarg;
            break;
        case OPT_EPISODE_RATE:
            errno = 0;
            o->episode_rate = strtod(optarg, &end);
            if (errno || *end || end == optarg || !isfinite(o->episode_rate) ||
                o->episode_rate < 0 || o->episode_rate > SENSORS_MAX_EPISODE_RATE)
                return fail_usage("bad --episode-rate '%s' (episodes per simulated week, 0-100)",
                                  optarg);
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case 'V':
            printf("citydeck-sim %s\n", CITYDECK_VERSION);
            exit(0);
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return fail_usage("unexpected argument '%s'", argv[optind]);
    return 0;
}

/* A date alone means the start of a working day there: 08:00 +07:00. */
static int64_t parse_start(const char *s)
{
    if (strlen(s) == 10) {
        char *full = xasprintf("%sT08:00:00+07:00", s);
        int64_t t = clock_parse_iso(full, CLOCK_VN_OFFSET, NULL);
        free(full);
        return t;
    }
    bool had_zone;
    int64_t t = clock_parse_iso(s, CLOCK_VN_OFFSET, &had_zone);
    return had_zone ? t : TIME_NONE;
}

static char *find_units(void)
{
    static const char *const dirs[] = {CITYDECK_DATADIR "/units/",
                                       CITYDECK_SOURCE_DIR "/src/data/units/"};
    for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
        char *path = xasprintf("%s%s", dirs[i], UNITS_FILE);
        if (access(path, R_OK) == 0)
            return path;
        free(path);
    }
    return NULL;
}

/* Fills addr from --bind; returns 0, or -1 when the address is not an IP literal. */
static int parse_bind(const char *s, long port, struct sockaddr_storage *addr, socklen_t *len,
                      bool *loopback)
{
    memset(addr, 0, sizeof *addr);
    struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, s, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *len = sizeof *in4;
        *loopback = (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
        return 0;
    }
    if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *len = sizeof *in6;
        *loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
        return 0;
    }
    return -1;
}

int main(int argc, char **argv)
{
    struct options o = {.port = 0,
                        .bind = "127.0.0.1",
                        .province = "51",
                        .seed = 1,
                        .speed = 1.0,
                        .scale = 1.0,
                        .episode_rate = SENSORS_DEFAULT_EPISODE_RATE};
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc;
    log_open(NULL);

    struct sockaddr_storage addr;
    socklen_t addrlen;
    bool loopback;
    if (parse_bind(o.bind, o.port, &addr, &addrlen, &loopback) < 0)
        return fail_usage("bad --bind '%s' (an IPv4 or IPv6 address)", o.bind);
    /* The simulator has no authentication; a remote listener needs a deliberate choice. */
    if (!loopback && !o.allow_remote)
        return fail_usage("refusing to bind non-loopback address '%s' without --allow-remote",
                          o.bind);

    int64_t start = o.start ? parse_start(o.start) : clock_wall_ms() / 1000;
    if (start == TIME_NONE)
        return fail_usage("bad --start '%s' (e.g. 2026-03-02T08:00:00+07:00 or 2026-03-02)",
                          o.start);
    /* What every domain is built from (route.h). */
    struct sim_options sim = {
        .seed = o.seed, .start = start, .province = o.province, .scale = o.scale};
    struct faults *faults = faults_new(o.seed);
    for (int i = 0; i < o.nfaults; i++) {
        char ferr[300];
        if (faults_add(faults, o.fault_specs[i], ferr, sizeof ferr) < 0) {
            faults_free(faults);
            return fail_usage("%s", ferr);
        }
    }

    char *units = o.units ? xstrdup(o.units) : find_units();
    if (!units) {
        fprintf(stderr,
                "citydeck-sim: cannot find %s in %s/units/ or %s/src/data/units/; "
                "use --units FILE\n",
                UNITS_FILE, CITYDECK_DATADIR, CITYDECK_SOURCE_DIR);
        return EXIT_USAGE;
    }
    char err[512];
    struct world *world = world_load(units, o.province, err, sizeof err);
    free(units);
    if (!world) {
        fprintf(stderr, "citydeck-sim: %s\n", err);
        faults_free(faults);
        return EXIT_USAGE;
    }

    struct simclock clock;
    simclock_init(&clock, start, o.speed);
    struct complaints *complaints = complaints_new_opts(world, &sim);
    /* The 30-day backlog is built before the port opens, so the first request is fast. */
    complaints_advance(complaints, start);
    /* Dossiers likewise: 30 days of history, so open ones exist at the start. */
    struct dossiers *dossiers = dossiers_new_opts(world, &sim);
    dossiers_advance(dossiers, start);
    /* Indicators are computed on request from (seed, time): nothing to build ahead. */
    struct indicators *indicators = indicators_new_opts(world, &sim);
    /* Sensors: readings are computed on request; forced episodes need the units to check. */
    struct sensors *sensors = sensors_new(world, &sim, o.episode_rate);
    for (int i = 0; i < o.nepisodes; i++) {
        if (!sensors_force_episode(sensors, o.episode_specs[i], err, sizeof err)) {
            sensors_free(sensors);
            complaints_free(complaints);
            dossiers_free(dossiers);
            indicators_free(indicators);
            world_free(world);
            faults_free(faults);
            return fail_usage("%s", err);
        }
    }

    /* Signals go to sigwait() below: block them before MHD's threads inherit the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct server_hub hub = {.clock = &clock, .verbose = o.verbose, .faults = faults};
    hub.domains[hub.ndomains++] = world_domain(world);
    hub.domains[hub.ndomains++] = open311_domain(complaints);
    hub.domains[hub.ndomains++] = cases_domain(dossiers);
    hub.domains[hub.ndomains++] = stats_domain(indicators);
    hub.domains[hub.ndomains++] = sta_domain(sensors);
    hub.domains[hub.ndomains++] = metrics_domain(sensors);
    struct server *srv = server_start((struct sockaddr *)&addr, addrlen, &hub, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "citydeck-sim: %s\n", err);
        sensors_free(sensors);
        complaints_free(complaints);
        dossiers_free(dossiers);
        indicators_free(indicators);
        world_free(world);
        faults_free(faults);
        return 1;
    }
    char host[64];
    if (addr.ss_family == AF_INET6)
        snprintf(host, sizeof host, "[%s]", o.bind);
    else
        str_copy(host, o.bind, sizeof host);
    printf("listening on http://%s:%u\n", host, (unsigned)server_port(srv));
    fflush(stdout);

    char when[40];
    clock_format_iso(start, CLOCK_VN_OFFSET, when, sizeof when);
    size_t visible, open;
    complaints_tally(complaints, start, &visible, &open);
    log_info("citydeck-sim %s: %s (%s), %zu units, %lld residents; seed %llu, start %s, "
             "speed %g; backlog %zu complaints, %zu open",
             CITYDECK_VERSION, world->province_name, world->province_code, world->nunits,
             (long long)world->population, (unsigned long long)o.seed, when, o.speed, visible,
             open);
    if (sim.scale != 1.0)
        log_info("citydeck-sim: --scale %g", sim.scale);
    for (size_t i = 0; i < faults_count(faults); i++) {
        char what[300];
        faults_describe(faults, i, what, sizeof what);
        log_info("citydeck-sim: fault %zu: %s", i + 1, what);
    }
    sensors_log(sensors);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    log_info("citydeck-sim: %s, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server_stop(srv);
    sensors_free(sensors);
    complaints_free(complaints);
    dossiers_free(dossiers);
    indicators_free(indicators);
    world_free(world);
    faults_free(faults);
    log_close();
    return 0;
}
