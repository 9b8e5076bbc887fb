/* Feeds from the configuration: each [feed.NAME] becomes a poller schedule whose adapter
 * parses off the loop and whose batches merge into the store. */
#ifndef CITYDECK_WIRING_H
#define CITYDECK_WIRING_H

#include <stddef.h>

#include "citydeck/config.h"
#include "citydeck/poller.h"
#include "citydeck/store.h"

struct wiring;

/* Called on the loop thread after a batch was merged into the store. */
typedef void (*wiring_merged_fn)(void *arg);

/* Reads tokens and checks every enabled feed; on error returns NULL with err filled (before
 * the terminal is touched). */
struct wiring *wiring_new(const struct config *cfg, struct store *store, wiring_merged_fn merged,
                          void *arg, char *err, size_t errsz);
/* Adds every feed to the poller with URLs below hub_url (or their own url). */
int wiring_attach(struct wiring *w, struct poller *p, const char *hub_url, char *err, size_t errsz);
void wiring_free(struct wiring *w);

/* The body a jsonstat feed POSTs (a PX-Web v1 query): built from its select lines, or read
 * from its query_file (a JSON object; a response.format other than json-stat2/json-stat is
 * refused). NULL with err "" when the feed has neither (it GETs), NULL with err filled on an
 * error ("query_file /etc/q.json: invalid JSON near byte 12"). A new string. */
char *wiring_post_body(const struct feed_config *fc, char *err, size_t errsz);

/* Fills the store's units from the bundled national list for a province ("51"), so names
 * are there before the hub's unit list arrives. Returns 0, or -1 with err filled. */
int wiring_load_units(struct store *store, const char *province, char *err, size_t errsz);

#endif
