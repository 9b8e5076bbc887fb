/* citydeck: argument parsing and wiring; nothing else. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck-config.h"
#include "citydeck/app.h"
#include "citydeck/config.h"
#include "citydeck/keys.h"
#include "citydeck/log.h"
#include "citydeck/text.h"
#include "citydeck/theme.h"
#include "citydeck/util.h"
#include "citydeck/view.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: citydeck [OPTION]...\n"
            "The terminal console of a province's operations centre (IOC): dossiers,\n"
            "citizen complaints, indicators and sensors, live from the hub APIs.\n"
            "\n"
            "  --demo               start the bundled simulator (citydeck-sim) and use it\n"
            "  --hub URL            base URL of the hub; every feed at its default path\n"
            "  -c, --config FILE    configuration file (default:\n"
            "                       $XDG_CONFIG_HOME/citydeck/config.ini)\n"
            "  --read-only          view only: every action that changes state is off\n"
            "  --log FILE           write the log (and stderr while the screen is up) to FILE\n"
            "  --view VIEW[:ARG]    start in VIEW; ARG: a preset (dossiers:overdue) or a record\n"
            "                       (unit:21025)\n"
            "  --snapshot VIEW[:ARG] print one frame of VIEW as text after the first poll and\n"
            "                       exit\n"
            "  --size COLSxROWS     size of the --snapshot frame (default 120x40)\n"
            "  --theme NAME         colour theme: a name from the themes folder, or a path\n"
            "  --no-mouse           do not capture the mouse\n"
            "  --ascii              use \"...\" instead of \"…\" when text is cut\n"
            "  -h, --help           show this help and exit\n"
            "  -V, --version        show the version and exit\n"
            "\n"
            "Views: %s;\n"
            "one record: dossier, complaint, sensor, unit.\n"
            "Keys: 1-7 views, Enter drill down, Esc back, / filter, : commands, s sort,\n"
            "p pause, a acknowledge, r refresh now, ? help, q quit.\n"
            "See citydeck(1) and citydeck.conf(5).\n",
            view_names());
}

enum {
    OPT_DEMO = 256,
    OPT_HUB,
    OPT_READ_ONLY,
    OPT_LOG,
    OPT_SNAPSHOT,
    OPT_SIZE,
    OPT_NO_MOUSE,
    OPT_ASCII,
    OPT_THEME,
    OPT_VIEW
};

/* "dossiers:overdue" names the view "dossiers". */
static bool view_spec_ok(const char *spec)
{
    char name[64];
    size_t n = strcspn(spec, ":");
    str_copy(name, spec, n + 1 < sizeof name ? n + 1 : sizeof name);
    return view_find(name) != NULL;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"demo", no_argument, NULL, OPT_DEMO},
        {"hub", required_argument, NULL, OPT_HUB},
        {"config", required_argument, NULL, 'c'},
        {"read-only", no_argument, NULL, OPT_READ_ONLY},
        {"log", required_argument, NULL, OPT_LOG},
        {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
        {"size", required_argument, NULL, OPT_SIZE},
        {"no-mouse", no_argument, NULL, OPT_NO_MOUSE},
        {"ascii", no_argument, NULL, OPT_ASCII},
        {"theme", required_argument, NULL, OPT_THEME},
        {"view", required_argument, NULL, OPT_VIEW},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    /* Flags are collected first and applied over the configuration file. */
    struct {
        bool demo, read_only, no_mouse, ascii;
        const char *hub, *config, *log, *snapshot, *size, *theme, *view;
    } flags = {0};
    int c;
    while ((c = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DEMO:
            flags.demo = true;
            break;
        case OPT_HUB:
            flags.hub = optarg;
            break;
        case 'c':
            flags.config = optarg;
            break;
        case OPT_READ_ONLY:
            flags.read_only = true;
            break;
        case OPT_LOG:
            flags.log = optarg;
            break;
        case OPT_SNAPSHOT:
            flags.snapshot = optarg;
            break;
        case OPT_SIZE:
            flags.size = optarg;
            break;
        case OPT_NO_MOUSE:
            flags.no_mouse = true;
            break;
        case OPT_ASCII:
            flags.ascii = true;
            break;
        case OPT_THEME:
            flags.theme = optarg;
            break;
        case OPT_VIEW:
            flags.view = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("citydeck %s\n", CITYDECK_VERSION);
            return 0;
        default:
            fprintf(stderr, "Try 'citydeck --help'.\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "citydeck: unexpected argument '%s'\nTry 'citydeck --help'.\n",
                argv[optind]);
        return 2;
    }

    struct config cfg;
    char err[512];
    config_init(&cfg);
    char *path = flags.config ? xstrdup(flags.config) : config_default_path();
    if (path && config_load(&cfg, path, err, sizeof err) != 0) {
        fprintf(stderr, "citydeck: %s\n", err);
        free(path);
        config_free(&cfg);
        return 2;
    }
    free(path);
    if (flags.demo)
        cfg.demo = true;
    if (flags.hub) {
        free(cfg.hub_url);
        cfg.hub_url = xstrdup(flags.hub);
    }
    if (flags.read_only)
        cfg.read_only = true;
    if (flags.no_mouse)
        cfg.mouse = false;
    if (flags.ascii)
        cfg.ascii = true;
    if (flags.log) {
        free(cfg.log_path);
        cfg.log_path = xstrdup(flags.log);
    }
    if (flags.view) {
        free(cfg.start_view);
        cfg.start_view = xstrdup(flags.view);
    }
    if (cfg.start_view && !view_spec_ok(cfg.start_view)) {
        fprintf(stderr, "citydeck: %s: unknown view '%s' (views: %s)\n",
                flags.view ? "--view" : "[console] view", cfg.start_view, view_names());
        config_free(&cfg);
        return 2;
    }
    if (flags.snapshot) {
        if (!view_spec_ok(flags.snapshot)) {
            fprintf(stderr, "citydeck: --snapshot: unknown view '%s' (views: %s)\n", flags.snapshot,
                    view_names());
            config_free(&cfg);
            return 2;
        }
        cfg.snapshot_view = xstrdup(flags.snapshot);
    }
    if (flags.size && config_parse_size(flags.size, &cfg.snap_cols, &cfg.snap_rows) != 0) {
        fprintf(stderr, "citydeck: --size: '%s' is not COLSxROWS (e.g. 120x40)\n", flags.size);
        config_free(&cfg);
        return 2;
    }
    if (!cfg.demo && !cfg.hub_url) {
        bool any_url = false;
        for (int i = 0; i < cfg.nfeeds; i++)
            any_url |= cfg.feeds[i].enabled && cfg.feeds[i].url;
        if (!any_url) {
            fprintf(stderr, "citydeck: no hub: use --demo, --hub URL, or a config file "
                            "(see citydeck.conf(5))\n");
            config_free(&cfg);
            return 2;
        }
    }
    if (flags.theme) {
        free(cfg.theme);
        cfg.theme = xstrdup(flags.theme);
    }
    if (cfg.theme && theme_load(cfg.theme, err, sizeof err) != 0) {
        fprintf(stderr, "citydeck: %s\n", err);
        config_free(&cfg);
        return 2;
    }
    if (keys_configure(cfg.entries, cfg.nentries, err, sizeof err) != 0) {
        fprintf(stderr, "citydeck: %s\n", err);
        config_free(&cfg);
        return 2;
    }
    text_set_ascii(cfg.ascii);
    /* A snapshot for cron keeps stderr for what went wrong, not for progress. */
    if (cfg.snapshot_view && !cfg.log_path)
        log_set_level(LOG_WARN);
    if (cfg.log_path && log_open(cfg.log_path) != 0) {
        fprintf(stderr, "citydeck: --log: cannot open %s\n", cfg.log_path);
        config_free(&cfg);
        return 2;
    }
    /* curl runs with NOSIGNAL: a peer closing a socket must not kill the console. */
    signal(SIGPIPE, SIG_IGN);
    int code = app_run(&cfg);
    log_close();
    config_free(&cfg);
    return code;
}
