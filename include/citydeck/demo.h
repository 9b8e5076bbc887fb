/* --demo: the bundled simulator as a child process on an ephemeral loopback port. */
#ifndef CITYDECK_DEMO_H
#define CITYDECK_DEMO_H

#include <stddef.h>
#include <uv.h>

#include "citydeck/config.h"

struct demo;

/* Called once: with the hub URL when the simulator listens, or with NULL and a message. */
typedef void (*demo_ready_fn)(const char *url, const char *error, void *arg);

/* Spawns citydeck-sim; its stderr goes to log_fd (or nowhere when -1). */
struct demo *demo_start(uv_loop_t *loop, const struct config *cfg, int log_fd,
                        demo_ready_fn ready, void *arg, char *err, size_t errsz);
/* Stops the simulator by its PID (SIGTERM, then SIGKILL after 2 s); handles close and the
 * struct is freed on the loop's next runs. */
void demo_stop(struct demo *d);

/* The simulator executable: the configured path, the one beside this program, or PATH. */
char *demo_sim_path(const struct config *cfg);

#endif
