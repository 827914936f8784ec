/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.c - one place that decides where messages go and which are shown.
 *
 * log_warn and log_err append strerror(errno); the x variants do not.
 * Nothing here may allocate: it is called on failure paths.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static bool log_fg = true;
static bool log_stderr_too;     /* until the daemon detaches */
static int log_level = LOG_NOTICE;

void log_init(bool foreground, int level)
{
    log_fg = foreground;
    log_stderr_too = !foreground;
    log_level = level;
    if ( !foreground )
        openlog("coopvmmd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_detached(void)
{
    log_stderr_too = false;
}

void log_setlevel(int level)
{
    log_level = level;
}

int log_getlevel(void)
{
    return log_level;
}

static void vlog(int pri, bool with_errno, const char *fmt, va_list ap)
{
    char msg[1024];
    int saved = errno;
    size_t len;

    if ( pri > log_level )
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if ( with_errno )
    {
        len = strlen(msg);
        snprintf(msg + len, sizeof(msg) - len, ": %s", strerror(saved));
    }
    if ( log_fg || log_stderr_too )
    {
        fprintf(stderr, "%s%s\n", log_fg ? "" : "coopvmmd: ", msg);
        fflush(stderr);
    }
    if ( !log_fg )
        syslog(pri, "%s", msg);
    errno = saved;
}

#define LOGFN(fn, pri, with_errno)              \
    void fn(const char *fmt, ...)               \
    {                                           \
        va_list ap;                             \
                                                \
        va_start(ap, fmt);                      \
        vlog(pri, with_errno, fmt, ap);         \
        va_end(ap);                             \
    }

LOGFN(log_warn, LOG_WARNING, true)
LOGFN(log_warnx, LOG_WARNING, false)
LOGFN(log_err, LOG_ERR, true)
LOGFN(log_notice, LOG_NOTICE, false)
LOGFN(log_info, LOG_INFO, false)
LOGFN(log_debug, LOG_DEBUG, false)

void fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_CRIT, true, fmt, ap);
    va_end(ap);
    exit(1);
}

void fatalx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_CRIT, false, fmt, ap);
    va_end(ap);
    exit(1);
}
