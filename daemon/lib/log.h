/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.h - logging in the manner of OpenBSD's log.c: syslog (facility
 * daemon) when detached, stderr in the foreground.  Until a daemon has
 * detached, messages go to both, so a failed start is seen where it was
 * typed.
 */
#ifndef COOPVMM_LOG_H
#define COOPVMM_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* `foreground`: stderr instead of syslog.  `level`: a LOG_* priority. */
void log_init(bool foreground, int level);
/* After daemonising: stop copying messages to stderr. */
void log_detached(void);
void log_setlevel(int level);
int log_getlevel(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif /* COOPVMM_LOG_H */
