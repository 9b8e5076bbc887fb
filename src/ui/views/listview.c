#include "citydeck/listview.h"

#include <math.h>
#include <string.h>

#include "citydeck/list.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

int listview_preset(const char *const *presets, const char *arg)
{
    for (int i = 0; arg && presets[i]; i++)
        if (strcmp(presets[i], arg) == 0)
            return i;
    return -1;
}

void listview_crumb(const char *const *presets, const char *const *words, const char *arg,
                    char *buf, size_t n)
{
    int i = listview_preset(presets, arg);
    if (i >= 0)
        str_copy(buf, words[i], n);
}

int listview_cmp_num(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return a < b ? -1 : a > b;
}

int listview_cmp_col(const struct list *l, double a, double b)
{
    if (isnan(a) || isnan(b))
        return listview_cmp_num(a, b) * (l->table.sort_desc ? -1 : 1);
    return listview_cmp_num(a, b);
}

bool listview_open(const struct list *l, enum action a, const char *view, struct nav_request *req)
{
    if (a != ACT_ENTER)
        return false;
    size_t item = list_selected(l);
    if (item == (size_t)-1)
        return true;
    str_copy(req->view, view, sizeof req->view);
    const char *key = l->ops->key(l->ctx, item, req->arg, sizeof req->arg);
    if (key != req->arg)
        str_copy(req->arg, key, sizeof req->arg);
    return true;
}
