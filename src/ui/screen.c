#include "citydeck/screen.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "citydeck/util.h"

/* What a fatal-signal handler needs to give the terminal back. It must be reachable from
 * a signal handler, so it is file-scope state, written only while no handler can run. */
static struct {
    int fd;
    struct termios saved;
    bool have_saved;
    char reset[256];
    size_t reset_len;
} crash = {.fd = -1};

static void crash_append(const char *cap)
{
    if (!cap || cap == (char *)-1)
        return;
    size_t n = strlen(cap);
    if (crash.reset_len + n < sizeof crash.reset) {
        memcpy(crash.reset + crash.reset_len, cap, n);
        crash.reset_len += n;
    }
}

#if !defined(__SANITIZE_ADDRESS__)
static void crash_handler(int sig)
{
    /* Async-signal-safe only: write() and tcsetattr(), then die by the same signal. */
    if (crash.fd >= 0) {
        if (crash.reset_len)
            (void)!write(crash.fd, crash.reset, crash.reset_len);
        if (crash.have_saved)
            tcsetattr(crash.fd, TCSANOW, &crash.saved);
    }
    raise(sig);
}
#endif

static void crash_install(int fd)
{
    crash.fd = fd;
    crash.have_saved = tcgetattr(fd, &crash.saved) == 0;
    crash.reset_len = 0;
    crash_append("\033[?1000l\033[?1006l"); /* mouse reporting off */
    crash_append(tigetstr("sgr0"));
    crash_append(tigetstr("cnorm"));
    crash_append(tigetstr("rmcup"));
#if defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer owns SIGSEGV and friends and prints the report we want. */
    return;
#else
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = crash_handler;
    sa.sa_flags = (int)SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
        sigaction(sigs[i], &sa, NULL);
#endif
}

static void crash_uninstall(void)
{
#if !defined(__SANITIZE_ADDRESS__)
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
        signal(sigs[i], SIG_DFL);
#endif
    crash.fd = -1;
}

static void screen_modes(struct screen *s)
{
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    curs_set(0);
    /* A lone Esc must not stall the loop for ncurses' default second. */
    if (!getenv("ESCDELAY"))
        set_escdelay(25);
    if (s->mouse) {
        mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
        mouseinterval(0);
    }
    getmaxyx(stdscr, s->rows, s->cols);
}

int screen_open(struct screen *s, bool mouse, char *err, size_t errsz)
{
    memset(s, 0, sizeof *s);
    s->tty_fd = -1;
    s->mouse = mouse;
    /* Keys come from their own open file description of the terminal: libuv makes a polled
     * fd non-blocking, and a non-blocking stdout loses parts of big frames. */
    int in_fd = open("/dev/tty", O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (in_fd < 0) {
        snprintf(err, errsz, "cannot open the terminal /dev/tty: %s", strerror(errno));
        return -1;
    }
    if (isatty(STDOUT_FILENO)) {
        s->out = stdout;
    } else {
        int out_fd = open("/dev/tty", O_WRONLY | O_CLOEXEC | O_NOCTTY);
        s->out = out_fd >= 0 ? fdopen(out_fd, "w") : NULL;
        if (!s->out) {
            snprintf(err, errsz, "cannot write to the terminal: %s", strerror(errno));
            if (out_fd >= 0)
                close(out_fd);
            close(in_fd);
            return -1;
        }
    }
    s->in = fdopen(in_fd, "r");
    if (!s->in) {
        snprintf(err, errsz, "cannot read the terminal: %s", strerror(errno));
        close(in_fd);
        return -1;
    }
    SCREEN *sp = newterm(NULL, s->out, s->in);
    if (!sp) {
        const char *term = getenv("TERM");
        snprintf(err, errsz, "cannot use the terminal type '%s'", term ? term : "(unset)");
        fclose(s->in);
        return -1;
    }
    s->sp = sp;
    s->tty_fd = in_fd;
    screen_modes(s);
    crash_install(fileno(s->out));
    return 0;
}

int screen_open_virtual(struct screen *s, int cols, int rows, char *err, size_t errsz)
{
    static const char *const terms[] = {"xterm-256color", "xterm", "vt100"};
    memset(s, 0, sizeof *s);
    s->tty_fd = -1;
    s->virtual_screen = true;
    s->out = fopen("/dev/null", "w");
    s->in = fopen("/dev/null", "r");
    if (!s->out || !s->in) {
        snprintf(err, errsz, "cannot open /dev/null: %s", strerror(errno));
        if (s->out)
            fclose(s->out);
        if (s->in)
            fclose(s->in);
        return -1;
    }
    for (size_t i = 0; i < ARRAY_LEN(terms) && !s->sp; i++)
        s->sp = newterm(terms[i], s->out, s->in);
    if (!s->sp) {
        snprintf(err, errsz, "no usable terminfo entry for a virtual screen");
        fclose(s->out);
        fclose(s->in);
        return -1;
    }
    resizeterm(rows, cols);
    screen_modes(s);
    return 0;
}

void screen_close(struct screen *s)
{
    if (!s->sp)
        return;
    if (s->mouse && !s->virtual_screen)
        mousemask(0, NULL);
    endwin();
    delscreen(s->sp);
    s->sp = NULL;
    if (!s->virtual_screen)
        crash_uninstall();
    if (s->in)
        fclose(s->in);
    if (s->out && s->out != stdout)
        fclose(s->out);
    else if (s->out)
        fflush(s->out);
    s->in = s->out = NULL;
    s->tty_fd = -1;
}

bool screen_resize(struct screen *s)
{
    struct winsize ws;
    int fd = s->out ? fileno(s->out) : -1;
    if (s->virtual_screen || fd < 0 || ioctl(fd, TIOCGWINSZ, &ws) != 0 || !ws.ws_row || !ws.ws_col)
        return false;
    if (ws.ws_row == s->rows && ws.ws_col == s->cols)
        return false;
    resizeterm(ws.ws_row, ws.ws_col);
    getmaxyx(stdscr, s->rows, s->cols);
    return true;
}

void screen_flush(struct screen *s)
{
    (void)s;
    wnoutrefresh(stdscr);
    doupdate();
}

void screen_repaint(struct screen *s)
{
    (void)s;
    clearok(curscr, TRUE);
}

void screen_bell(struct screen *s)
{
    (void)s;
    beep();
}

/* Line-drawing characters are stored as VT100 alternate-charset letters ("q" for a
 * horizontal line); a text dump shows what the terminal shows. */
static wchar_t acs_unicode(wchar_t c)
{
    static const char from[] = "qxlkmjtuvwn~a";
    static const wchar_t to[] = L"─│┌┐└┘├┤┴┬┼·▒";
    const char *p = c < 128 ? strchr(from, (int)c) : NULL;
    return p && *p ? to[p - from] : c;
}

void screen_dump(struct screen *s, FILE *out)
{
    char line[8192];
    for (int y = 0; y < s->rows; y++) {
        size_t len = 0, keep = 0;
        for (int x = 0; x < s->cols; x++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1] = {0};
            attr_t attrs;
            short pair;
            if (mvwin_wch(stdscr, y, x, &cc) == ERR)
                break;
            getcchar(&cc, wch, &attrs, &pair, NULL);
            if (wch[0] == 0)
                wch[0] = L' ';
            if (attrs & A_ALTCHARSET)
                wch[0] = acs_unicode(wch[0]);
            for (int k = 0; k < CCHARW_MAX && wch[k]; k++) {
                char mb[MB_LEN_MAX];
                mbstate_t st;
                memset(&st, 0, sizeof st);
                size_t n = wcrtomb(mb, wch[k], &st);
                if (n == (size_t)-1 || len + n >= sizeof line)
                    continue;
                memcpy(line + len, mb, n);
                len += n;
            }
            if (wch[0] != L' ')
                keep = len;
            /* A wide character fills two cells; skip its continuation. */
            int w = wcwidth(wch[0]);
            if (w > 1)
                x += w - 1;
        }
        fwrite(line, 1, keep, out);
        fputc('\n', out);
    }
}
