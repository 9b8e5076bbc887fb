#include "reply.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/util.h"

char *sim_print_and_free(cJSON *root)
{
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

int sim_parse_long(const char *v, long lo, long hi, long *out)
{
    if (!isdigit((unsigned char)*v))
        return -1;
    errno = 0;
    char *end;
    long x = strtol(v, &end, 10);
    if (errno || *end || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

int64_t sim_parse_time(const char *v)
{
    char fixed[64];
    if (str_copy(fixed, v, sizeof fixed) >= sizeof fixed)
        return TIME_NONE;
    size_t n = strlen(fixed);
    if (n > 6 && fixed[n - 6] == ' ' && fixed[n - 3] == ':')
        fixed[n - 6] = '+';
    return clock_parse_iso(fixed, CLOCK_VN_OFFSET, NULL);
}
