/* The terminal: curses on /dev/tty (input on its own fd, c-plumbing §2.1), or a virtual
 * screen of a fixed size for --snapshot. Restoring the terminal is this module's job, also
 * when the process dies on a fatal signal. */
#ifndef CITYDECK_SCREEN_H
#define CITYDECK_SCREEN_H

#include <stdbool.h>
#include <stdio.h>

struct screen {
    void *sp; /* SCREEN * */
    FILE *out;
    FILE *in;
    int tty_fd; /* polled for keys; -1 for a virtual screen */
    int rows, cols;
    bool virtual_screen;
    bool mouse;
};

/* Opens the controlling terminal. Returns 0, or -1 with err filled. */
int screen_open(struct screen *s, bool mouse, char *err, size_t errsz);
/* A screen of cols × rows that writes nowhere, for rendering a snapshot. */
int screen_open_virtual(struct screen *s, int cols, int rows, char *err, size_t errsz);
void screen_close(struct screen *s);
/* After SIGWINCH: reads the tty size and resizes curses. Returns true if the size changed. */
bool screen_resize(struct screen *s);
/* Writes the visible cells as UTF-8 text, one line per row, trailing spaces trimmed. */
void screen_dump(struct screen *s, FILE *out);
/* Sends the next frame: only the changed cells (ncurses diff). */
void screen_flush(struct screen *s);
/* Forces a full repaint on the next flush (Ctrl-L). */
void screen_repaint(struct screen *s);
void screen_bell(struct screen *s);

#endif
