/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * logcap.h - the daemon's log messages, kept for a test to look at.
 *
 * The test binary is linked with --wrap=log_warn,log_warnx,... (see the
 * Makefile's TEST_LDFLAGS_NAME), so every call from the code under test
 * lands here: the message (with ": strerror" for log_warn and log_err,
 * as log.c writes it) is appended to logcap_msgs[].  logcap_count(s)
 * counts the messages that contain s.  Include it in exactly one file.
 */
#ifndef COOPVMM_TEST_LOGCAP_H
#define COOPVMM_TEST_LOGCAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define LOGCAP_MAX  256

static char logcap_msgs[LOGCAP_MAX][512];
static unsigned int logcap_n;
static int logcap_verbose;      /* also print each message (debugging) */

static inline void logcap_reset(void)
{
    logcap_n = 0;
}

static inline unsigned int logcap_count(const char *s)
{
    unsigned int i, n = 0;

    for ( i = 0; i < logcap_n && i < LOGCAP_MAX; i++ )
        n += strstr(logcap_msgs[i], s) != NULL;
    return n;
}

static void logcap_add(bool with_errno, const char *fmt, va_list ap)
{
    int saved = errno;
    char *m = logcap_msgs[logcap_n % LOGCAP_MAX];
    size_t len;

    vsnprintf(m, sizeof(logcap_msgs[0]), fmt, ap);
    if ( with_errno )
    {
        len = strlen(m);
        snprintf(m + len, sizeof(logcap_msgs[0]) - len, ": %s",
                 strerror(saved));
    }
    if ( logcap_verbose )
        fprintf(stderr, "log: %s\n", m);
    logcap_n++;
    errno = saved;
}

#define LOGCAP_FN(name, with_errno)                                 \
    void __wrap_##name(const char *fmt, ...);                       \
    void __wrap_##name(const char *fmt, ...)                        \
    {                                                               \
        va_list ap;                                                 \
                                                                    \
        va_start(ap, fmt);                                          \
        logcap_add(with_errno, fmt, ap);                            \
        va_end(ap);                                                 \
    }

LOGCAP_FN(log_warn, true)
LOGCAP_FN(log_warnx, false)
LOGCAP_FN(log_err, true)
LOGCAP_FN(log_notice, false)
LOGCAP_FN(log_info, false)
LOGCAP_FN(log_debug, false)

#endif /* COOPVMM_TEST_LOGCAP_H */
