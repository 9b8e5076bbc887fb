/* Key press to screen, measured from outside: the real console in a pty against the bundled
 * simulator at a large scale, so big responses are parsed and merged all along. A view key
 * is written to the pty every 50 ms; the time until the console's first output byte after
 * it is the latency. Bounded: 30 s of keys at most; both processes are stopped by PID.
 * Target (the console issue): p99 under 16 ms. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEYS 600
#define GAP_MS 50

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Starts the simulator and reads its address from the first line it prints. */
static pid_t start_sim(const char *scale, char *url, size_t n)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(getenv("CITYDECK_SIM"), "citydeck-sim", "--port", "0", "--seed", "7", "--scale",
              scale, "--speed", "60", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[256] = "";
    if (!f || !fgets(line, sizeof line, f) || strncmp(line, "listening on ", 13) != 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return -1;
    }
    line[strcspn(line, "\n")] = '\0';
    snprintf(url, n, "%s", line + 13);
    return pid; /* the pipe stays open: the simulator never blocks writing to it */
}

static size_t drain(int fd, int timeout_ms)
{
    char buf[65536];
    size_t total = 0;
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, timeout_ms) > 0) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0)
            break;
        total += (size_t)r;
        timeout_ms = 0;
    }
    return total;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *scale = argc > 1 ? argv[1] : "20";
    /* Keys pressed in turn: "jk" moves the selection (the common case), "34" switches views
     * (each switch builds the new view's list). */
    const char *keys = argc > 2 ? argv[2] : "jk";
    if (!getenv("CITYDECK_SIM") || !getenv("CITYDECK_BIN")) {
        fprintf(stderr, "run through meson (CITYDECK_SIM, CITYDECK_BIN)\n");
        return 2;
    }
    char url[300];
    pid_t sim = start_sim(scale, url, sizeof url);
    if (sim < 0) {
        fprintf(stderr, "simulator did not start\n");
        return 1;
    }
    struct winsize ws = {.ws_row = 50, .ws_col = 200};
    int master;
    pid_t console = forkpty(&master, NULL, NULL, &ws);
    if (console == 0) {
        setenv("TERM", "xterm-256color", 1);
        execl(getenv("CITYDECK_BIN"), "citydeck", "--hub", url, "--log", "/dev/null", (char *)NULL);
        _exit(127);
    }
    /* The first polls: wait until the screen is quiet for a second (at most 60 s). */
    double t0 = now_ms();
    while (drain(master, 1000) > 0 && now_ms() - t0 < 60000)
        ;
    double lat[KEYS];
    size_t n = 0;
    size_t nkeys = strlen(keys);
    if (keys[0] == 'j' && write(master, "4", 1) != 1) /* movement in the complaint queue */
        return 1;
    drain(master, 500);
    double end = now_ms() + 30000;
    for (int i = 0; i < KEYS && now_ms() < end; i++) {
        drain(master, 0); /* output of data updates is not an answer to the key */
        char k = keys[(size_t)i % nkeys];
        double sent = now_ms();
        if (write(master, &k, 1) != 1)
            break;
        struct pollfd p = {master, POLLIN, 0};
        if (poll(&p, 1, 1000) <= 0) {
            lat[n++] = 1000;
            continue;
        }
        lat[n++] = now_ms() - sent;
        drain(master, 0);
        usleep(GAP_MS * 1000);
    }
    (void)write(master, "q", 1);
    for (int i = 0; i < 50 && waitpid(console, NULL, WNOHANG) == 0; i++)
        usleep(100000);
    kill(console, SIGTERM);
    waitpid(console, NULL, 0);
    kill(sim, SIGTERM);
    waitpid(sim, NULL, 0);
    if (n == 0) {
        fprintf(stderr, "no key measured\n");
        return 1;
    }
    qsort(lat, n, sizeof lat[0], cmp);
    double p50 = lat[n / 2], p99 = lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
    printf("key to screen, simulator scale %s, 200x50, keys \"%s\" x %zu: p50 %.2f ms, p99 %.2f "
           "ms, max %.2f ms (target p99 < 16 ms)\n",
           scale, keys, n, p50, p99, lat[n - 1]);
    return p99 < 16.0 ? 0 : 1;
}
