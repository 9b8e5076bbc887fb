/* The simulator's HTTP side (libmicrohttpd): routing, the simulated Date header, ETag and
 * If-None-Match, gzip, fault injection on the wire, and the lock that keeps the lazily
 * advancing world consistent. */
#ifndef CITYDECK_SIM_SERVER_H
#define CITYDECK_SIM_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "faults.h"
#include "route.h"
#include "simclock.h"

struct server;

/* What the server serves; owned by the caller, which must outlive the server. Once the
 * server runs, the domains' state is only touched under its lock. */
struct server_hub {
    struct sim_domain domains[SIM_MAX_DOMAINS]; /* asked in order; the first match answers */
    size_t ndomains;
    const struct simclock *clock;
    bool verbose; /* log every request on stderr */
    /* Fault injection (--fault), applied to every domain's answers after the domain made
     * them; NULL = none. The server draws from it under its lock. */
    struct faults *faults;
};

/* Binds addr (port 0 = any free port) and starts serving on internal threads. Returns NULL
 * with a message in err on failure. */
struct server *server_start(const struct sockaddr *addr, socklen_t addrlen,
                            const struct server_hub *hub, char *err, size_t errsz);
uint16_t server_port(const struct server *s);
/* Stops the threads, closes the socket, frees s. */
void server_stop(struct server *s);

#endif
