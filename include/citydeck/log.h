/* The log file. While curses owns the terminal, stderr is redirected here. */
#ifndef CITYDECK_LOG_H
#define CITYDECK_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Opens (appends to) path; NULL keeps logging on stderr. Returns 0 or -errno. */
int log_open(const char *path);
void log_set_level(enum log_level min);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Points fd 2 at the log file (or /dev/null without one) until log_restore_stderr. */
void log_redirect_stderr(void);
void log_restore_stderr(void);
void log_close(void);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
