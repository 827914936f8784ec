/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.c - one place that decides where messages go and which are shown.
 *
 * log_warn and log_err append strerror(errno); the x variants do not.
 * Repeating failures are bounded here too (struct log_repeat, log.h).
 * Nothing here may allocate: it is called on failure paths.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "clock.h"
#include "log.h"

static bool log_fg = true;
static bool log_stderr_too;     /* until the daemon detaches */
static int log_level = LOG_NOTICE;
static uint64_t repeat_ns = LOG_REPEAT_NS;
static void (*capture)(int pri, const char *msg);

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
    if ( capture )
        capture(pri, msg);
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
LOGFN(log_errx, LOG_ERR, false)
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

void log_capture(void (*fn)(int pri, const char *msg))
{
    capture = fn;
}

/* ------------------------------------------------- repeating failures */

void log_repeat_interval(uint64_t ns)
{
    repeat_ns = ns;
}

/* "12s", "5m", "3h": how long, to the unit that reads best. */
static void span(char *buf, size_t len, uint64_t ns)
{
    uint64_t s = ns / 1000000000ull;

    if ( s < 120 )
        snprintf(buf, len, "%llus", (unsigned long long)s);
    else if ( s < 2 * 3600 )
        snprintf(buf, len, "%llum", (unsigned long long)(s / 60));
    else
        snprintf(buf, len, "%lluh", (unsigned long long)(s / 3600));
}

static void __attribute__((format(printf, 2, 3)))
log_line(int pri, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(pri, false, fmt, ap);
    va_end(ap);
}

bool log_fail(struct log_repeat *r, int pri, int err, const char *fmt, ...)
{
    uint64_t now = clock_mono_ns();
    char msg[900], tail[160] = "", d[32];
    int saved = errno;
    va_list ap;

    if ( !r->failing )
        *r = (struct log_repeat){ .failing = true, .since_ns = now };
    r->count++;
    r->total++;
    if ( r->total > 1 && err == r->err && now - r->line_ns < repeat_ns )
        return false;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if ( err )
        snprintf(tail, sizeof(tail), ": %s", strerror(err));
    if ( r->total > 1 )
    {
        span(d, sizeof(d), now - r->since_ns);
        snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail),
                 " (still failing: %lu times in %s)", r->total, d);
    }
    r->err = err;
    r->count = 0;
    r->line_ns = now;
    log_line(pri, "%s%s", msg, tail);
    errno = saved;
    return true;
}

bool log_ok(struct log_repeat *r, const char *fmt, ...)
{
    char msg[900], d[32];
    va_list ap;
    unsigned long total = r->total;

    if ( !r->failing )
        return false;
    span(d, sizeof(d), clock_mono_ns() - r->since_ns);
    *r = (struct log_repeat){ 0 };
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_notice("%s: works again after %lu failure%s in %s", msg, total,
               total == 1 ? "" : "s", d);
    return true;
}

static struct {
    uint64_t key;
    uint64_t used_ns;
    bool used;
    struct log_repeat r;
} keyed[LOG_REPEAT_KEYS];

static int slot_of(uint64_t key)
{
    unsigned int i;

    for ( i = 0; i < LOG_REPEAT_KEYS; i++ )
        if ( keyed[i].used && keyed[i].key == key )
            return (int)i;
    return -1;
}

struct log_repeat *log_repeat_find(uint64_t key)
{
    int i = slot_of(key);

    return i < 0 ? NULL : &keyed[i].r;
}

struct log_repeat *log_repeat_get(uint64_t key)
{
    int k = slot_of(key);
    unsigned int i, best = 0;

    if ( k < 0 )
    {
        /* A free slot; else one that stopped failing; else the oldest. */
        for ( i = 0; i < LOG_REPEAT_KEYS; i++ )
        {
            if ( !keyed[i].used )
            {
                best = i;
                break;
            }
            if ( keyed[i].r.failing != keyed[best].r.failing )
            {
                if ( !keyed[i].r.failing )
                    best = i;
            }
            else if ( keyed[i].used_ns < keyed[best].used_ns )
                best = i;
        }
        k = (int)best;
        keyed[k].key = key;
        keyed[k].used = true;
        keyed[k].r = (struct log_repeat){ 0 };
    }
    keyed[k].used_ns = clock_mono_ns();
    return &keyed[k].r;
}
