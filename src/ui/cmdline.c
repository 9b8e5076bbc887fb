#include "citydeck/cmdline.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "citydeck/store.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/util.h"

#define CTRL(c) ((c)&0x1f)

static const char *const commands[] = {"q",      "quit",  "unit",    "province", "theme",
                                       "filter", "pause", "refresh", "help"};

void prompt_open(struct prompt *p, enum prompt_kind kind, const char *label, const char *initial)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    str_copy(p->label, label, sizeof p->label);
    p->len = str_copy(p->text, initial ? initial : "", sizeof p->text);
}

void prompt_close(struct prompt *p)
{
    p->kind = PROMPT_NONE;
}

static void drop_last_char(struct prompt *p)
{
    while (p->len > 0 && ((unsigned char)p->text[p->len - 1] & 0xC0) == 0x80)
        p->len--;
    if (p->len > 0)
        p->len--;
    p->text[p->len] = '\0';
}

static void append(struct prompt *p, const char *s)
{
    size_t n = strlen(s);
    if (p->len + n + 1 > sizeof p->text)
        return;
    memcpy(p->text + p->len, s, n + 1);
    p->len += n;
}

/* ---- completion ------------------------------------------------------------------------ */

struct candidates {
    const char *word; /* the partial word as typed */
    char *folded;     /* its fold */
    char (*names)[96];
    size_t n, cap;
};

static void offer(struct candidates *c, const char *name)
{
    char *f = text_fold(name);
    bool ok = strncmp(f, c->folded, strlen(c->folded)) == 0;
    free(f);
    if (!ok)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->names[i], name) == 0)
            return;
    c->names = xgrow(c->names, &c->cap, c->n + 1, sizeof *c->names);
    str_copy(c->names[c->n++], name, sizeof c->names[0]);
}

/* Candidates for the last word of line (words before it decide the kind). */
static void collect(const char *line, const struct view_ctx *ctx, struct candidates *c)
{
    char first[64] = "";
    const char *space = strchr(line, ' ');
    if (space) {
        size_t n = (size_t)(space - line) < sizeof first - 1 ? (size_t)(space - line) : 0;
        memcpy(first, line, n);
        first[n] = '\0';
    }
    const char *last = strrchr(line, ' ');
    c->word = space ? (strcmp(first, "unit") == 0 ? space + 1 : last + 1) : line;
    c->folded = text_fold(c->word);
    if (!space) {
        for (size_t i = 0; i < ARRAY_LEN(commands); i++)
            offer(c, commands[i]);
        const struct view_ops *v;
        for (size_t i = 0; (v = view_any(i)); i++)
            offer(c, v->name);
        return;
    }
    if (strcmp(first, "unit") == 0 && ctx && ctx->store) {
        const struct unit_table *t = ctx->store->units;
        for (size_t i = 0; i < unit_table_count(t); i++) {
            const struct unit *u = unit_table_at(t, i);
            if (u->type != UNIT_PROVINCE && u->type != UNIT_DISTRICT && u->name)
                offer(c, u->name);
        }
        return;
    }
    if (strcmp(first, "theme") == 0) {
        char names[32][32];
        size_t n = theme_names(names, 32);
        for (size_t i = 0; i < n; i++)
            offer(c, names[i]);
        return;
    }
    const struct view_ops *v = view_find(first);
    if (v && v->presets && last == space)
        for (const char *const *p = v->presets; *p; p++)
            offer(c, *p);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void complete(struct prompt *p, const struct view_ctx *ctx)
{
    if (!p->cycling) {
        str_copy(p->stem, p->text, sizeof p->stem);
        p->cycle = 0;
    }
    struct candidates c = {0};
    collect(p->stem, ctx, &c);
    if (c.n) {
        qsort(c.names, c.n, sizeof c.names[0], by_name);
        size_t keep = (size_t)(c.word - p->stem);
        p->len = keep;
        p->text[keep] = '\0';
        memcpy(p->text, p->stem, keep);
        append(p, c.names[(size_t)p->cycle % c.n]);
        p->cycle++;
        p->cycling = true;
    }
    free(c.folded);
    free(c.names);
}

enum prompt_result prompt_key(struct prompt *p, int key, bool is_code, const struct view_ctx *ctx)
{
    if (is_code) {
        if (key == KEY_BACKSPACE || key == KEY_DC) {
            p->cycling = false;
            if (p->len == 0)
                return PROMPT_CANCEL;
            drop_last_char(p);
            return PROMPT_CHANGED;
        }
        if (key == KEY_ENTER)
            return PROMPT_DONE;
        return PROMPT_EDITING;
    }
    switch (key) {
    case '\r':
    case '\n':
        return PROMPT_DONE;
    case 27:
        return PROMPT_CANCEL;
    case '\t':
        if (p->kind != PROMPT_COMMAND)
            return PROMPT_EDITING;
        complete(p, ctx);
        return PROMPT_CHANGED;
    case 127:
    case CTRL('h'):
        p->cycling = false;
        if (p->len == 0)
            return PROMPT_CANCEL;
        drop_last_char(p);
        return PROMPT_CHANGED;
    case CTRL('u'):
        p->cycling = false;
        p->len = 0;
        p->text[0] = '\0';
        return PROMPT_CHANGED;
    case CTRL('w'):
        p->cycling = false;
        while (p->len > 0 && p->text[p->len - 1] == ' ')
            p->len--;
        while (p->len > 0 && p->text[p->len - 1] != ' ')
            p->len--;
        p->text[p->len] = '\0';
        return PROMPT_CHANGED;
    default:
        break;
    }
    if (key < 32 || key == 0x7f || (key >= 0x80 && key < 0xa0))
        return PROMPT_EDITING; /* controls never enter the line */
    char mb[MB_LEN_MAX + 1];
    mbstate_t st = {0};
    size_t n = wcrtomb(mb, (wchar_t)key, &st);
    if (n == (size_t)-1)
        return PROMPT_EDITING;
    mb[n] = '\0';
    p->cycling = false;
    append(p, mb);
    return PROMPT_CHANGED;
}

/* ---- commands -------------------------------------------------------------------------- */

const struct unit *command_find_unit(const struct unit_table *units, const char *query,
                                     size_t *matches)
{
    *matches = 0;
    char *q = text_fold(query);
    const struct unit *best = NULL;
    int best_level = 4; /* 0 code or exact name, 1 exact full name, 2 prefix, 3 substring */
    for (size_t i = 0; i < unit_table_count(units) && *q; i++) {
        const struct unit *u = unit_table_at(units, i);
        if (u->type == UNIT_PROVINCE || u->type == UNIT_DISTRICT)
            continue;
        char *name = text_fold(u->name ? u->name : "");
        const char *full = u->fold ? u->fold : "";
        int level = strcmp(u->code, query) == 0 || strcmp(name, q) == 0 ? 0
                    : strcmp(full, q) == 0                              ? 1
                    : strncmp(name, q, strlen(q)) == 0                  ? 2
                    : strstr(full, q)                                   ? 3
                                                                        : 4;
        free(name);
        if (level < best_level) {
            best_level = level;
            best = u;
            *matches = 1;
        } else if (level == best_level && level < 4) {
            (*matches)++;
        }
    }
    free(q);
    return best;
}

static int fail(char *err, size_t errsz, const char *fmt, const char *arg)
{
    snprintf(err, errsz, fmt, arg);
    return -1;
}

int command_parse(const char *line, const struct view_ctx *ctx, struct command *out, char *err,
                  size_t errsz)
{
    memset(out, 0, sizeof *out);
    while (*line == ' ' || *line == ':')
        line++;
    char word[64];
    size_t n = strcspn(line, " ");
    if (n == 0)
        return fail(err, errsz, "%s", "lệnh trống");
    str_copy(word, line, n + 1 < sizeof word ? n + 1 : sizeof word);
    const char *rest = line + n;
    while (*rest == ' ')
        rest++;
    str_copy(out->arg, rest, sizeof out->arg);
    for (size_t len = strlen(out->arg); len > 0 && out->arg[len - 1] == ' ';)
        out->arg[--len] = '\0';

    if (strcmp(word, "q") == 0 || strcmp(word, "quit") == 0)
        out->kind = CMD_QUIT;
    else if (strcmp(word, "province") == 0 || strcmp(word, "tinh") == 0)
        out->kind = CMD_PROVINCE;
    else if (strcmp(word, "pause") == 0)
        out->kind = CMD_PAUSE;
    else if (strcmp(word, "refresh") == 0)
        out->kind = CMD_REFRESH;
    else if (strcmp(word, "help") == 0)
        out->kind = CMD_HELP;
    else if (strcmp(word, "filter") == 0)
        out->kind = CMD_FILTER;
    else if (strcmp(word, "theme") == 0) {
        if (!out->arg[0])
            return fail(err, errsz, "%s", ":theme TÊN (Tab để gợi ý)");
        out->kind = CMD_THEME;
    } else if (strcmp(word, "unit") == 0) {
        if (!out->arg[0]) {
            out->kind = CMD_PROVINCE;
            return 0;
        }
        size_t matches;
        const struct unit *u = command_find_unit(ctx->store->units, out->arg, &matches);
        if (!u)
            return fail(err, errsz, "không tìm thấy xã/phường '%s'", out->arg);
        str_copy(out->arg, u->code, sizeof out->arg);
        out->kind = CMD_UNIT;
    } else if ((out->view = view_find(word))) {
        out->kind = CMD_VIEW;
        if (out->arg[0] && out->view->presets) {
            bool known = false;
            for (const char *const *p = out->view->presets; *p && !known; p++)
                known = strcmp(*p, out->arg) == 0;
            if (!known)
                return fail(err, errsz, "không có bộ lọc '%s' (Tab để gợi ý)", out->arg);
        }
    } else {
        return fail(err, errsz, "lệnh không rõ ':%s' (Tab để gợi ý, ? trợ giúp)", word);
    }
    return 0;
}
