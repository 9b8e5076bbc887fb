#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "citydeck/util.h"
#include "citydeck/view.h"

static const struct view_ops *const all_views[] = {
    &complaints_view_ops,
};

const struct view_ops *view_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(all_views); i++)
        if (strcmp(all_views[i]->name, name) == 0)
            return all_views[i];
    return NULL;
}

const char *view_names(void)
{
    /* Built once from the table, so a new view is named in --help and errors by itself. */
    static char names[256];
    if (!names[0])
        for (size_t i = 0; i < ARRAY_LEN(all_views); i++) {
            size_t len = strlen(names);
            snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", all_views[i]->name);
        }
    return names;
}
