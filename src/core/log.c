#include "citydeck/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The log is process-wide by nature (stderr is); this is its only state. */
static struct {
    FILE *file;
    enum log_level min;
    int saved_stderr;
} logger = {NULL, LOG_INFO, -1};

int log_open(const char *path)
{
    if (!path)
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    FILE *f = fdopen(fd, "a");
    if (!f) {
        int e = errno;
        close(fd);
        return -e;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    if (logger.file)
        fclose(logger.file);
    logger.file = f;
    return 0;
}

void log_set_level(enum log_level min)
{
    logger.min = min;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (level < logger.min || !fmt)
        return;
    FILE *out = logger.file ? logger.file : stderr;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(out, "%s %s: ", stamp, names[level]);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

void log_redirect_stderr(void)
{
    if (logger.saved_stderr >= 0)
        return;
    fflush(stderr);
    logger.saved_stderr = dup(STDERR_FILENO);
    int fd = logger.file ? fileno(logger.file) : open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        dup2(fd, STDERR_FILENO);
        if (!logger.file)
            close(fd);
    }
}

void log_restore_stderr(void)
{
    if (logger.saved_stderr < 0)
        return;
    fflush(stderr);
    dup2(logger.saved_stderr, STDERR_FILENO);
    close(logger.saved_stderr);
    logger.saved_stderr = -1;
}

void log_close(void)
{
    log_restore_stderr();
    if (logger.file)
        fclose(logger.file);
    logger.file = NULL;
}
