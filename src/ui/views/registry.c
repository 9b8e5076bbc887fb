#include <stddef.h>
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
    return "complaints";
}
