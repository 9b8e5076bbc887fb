/* The unit tests' shared helpers; see harness.h. No Criterion tests and no main() here: this
 * file is linked into every unit test binary. */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "citydeck/util.h"

char *harness_fixture_read(const char *dir, const char *name, size_t *len)
{
    const char *root = getenv("CITYDECK_FIXTURES");
    cr_assert(root, "CITYDECK_FIXTURES is not set (meson test sets it)");
    char *path = xasprintf("%s/%s/%s", root, dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    free(path);
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_take(&b);
}

uint64_t harness_rng(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ull;
}
