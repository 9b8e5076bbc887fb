/* Shared by the unit tests (tests/meson.build links harness.c into each of them). Every name
 * here is harness_*, so a test's own helpers never clash with it. */
#ifndef CITYDECK_TESTS_UNIT_HARNESS_H
#define CITYDECK_TESTS_UNIT_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Reads $CITYDECK_FIXTURES/dir/name whole (meson test sets the variable); fails the test when
 * the variable is unset or the file cannot be opened. Returns a NUL-terminated buffer the
 * caller frees, its length in *len. */
char *harness_fixture_read(const char *dir, const char *name, size_t *len);

/* xorshift64*: a seeded PRNG, so a failure replays exactly. Advances *state. */
uint64_t harness_rng(uint64_t *state);

#endif
