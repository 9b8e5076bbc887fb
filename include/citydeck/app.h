/* The application: wires config, feeds, store, terminal and the libuv loop, and runs it. */
#ifndef CITYDECK_APP_H
#define CITYDECK_APP_H

#include "citydeck/config.h"

/* Runs the console (or one --snapshot) until quit or a signal; returns the exit status.
 * The caller has validated the configuration. */
int app_run(struct config *cfg);

#endif
