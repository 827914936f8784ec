/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.h - logging in the manner of OpenBSD's log.c: syslog (facility
 * daemon) when detached, stderr in the foreground.  Until a daemon has
 * detached, messages go to both, so a failed start is seen where it was
 * typed.
 *
 * A failure that repeats (a state file that cannot be written, a
 * hypercall that fails for one domain on every poll) goes through a
 * struct log_repeat: logged once with its errno, then at most one line
 * per LOG_REPEAT_NS with the number of failures since, and one line when
 * it stops.  A day of a failure that lasts costs 24 lines, not one per
 * poll.
 */
#ifndef COOPVMM_LOG_H
#define COOPVMM_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/* `foreground`: stderr instead of syslog.  `level`: a LOG_* priority. */
void log_init(bool foreground, int level);
/* After daemonising: stop copying messages to stderr. */
void log_detached(void);
void log_setlevel(int level);
int log_getlevel(void);

/* log_warn, log_err, fatal: the message, ": ", strerror(errno). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* ------------------------------------------------- repeating failures */

/* One line per hour at most for a failure that goes on. */
#define LOG_REPEAT_NS   (3600ull * 1000000000ull)

/*
 * The state of one kind of failure (one file, one call for one domain).
 * Zero-initialised: not failing.
 */
struct log_repeat {
    bool failing;
    int err;                    /* errno of the last line, 0: none */
    uint64_t line_ns;           /* the last line (CLOCK_MONOTONIC) */
    uint64_t since_ns;          /* when the failure started */
    unsigned long count;        /* failures since the last line */
    unsigned long total;        /* failures since it started */
};

/*
 * It failed again, with errno `err` (0: none to show).  The first failure
 * is logged at priority `pri` as "MESSAGE: strerror(err)"; the next ones
 * only once LOG_REPEAT_NS has passed since the last line, as
 * "MESSAGE: strerror(err) (still failing: N times in 2h)" (N since the
 * first), or at once if the errno changed.  Returns true if a line went
 * out.
 */
bool log_fail(struct log_repeat *r, int pri, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * It worked.  If it was failing, one NOTICE line: "MESSAGE: works again
 * after N failures in Xs"; then `r` is clear.  Returns true if a line
 * went out.
 */
bool log_ok(struct log_repeat *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The log_repeat of `key` (e.g. a call kind and a domid) in a small
 * table of LOG_REPEAT_KEYS, for failures of many things of one kind.
 * log_repeat_get() takes the least recently failing slot when `key` has
 * none (forgetting a failure that had stopped, or failed longest ago);
 * log_repeat_find() returns NULL then.  Never allocates.
 */
#define LOG_REPEAT_KEYS 64
struct log_repeat *log_repeat_get(uint64_t key);
struct log_repeat *log_repeat_find(uint64_t key);

/* Tests: the repeat interval, and every line handed to `fn` as well. */
void log_repeat_interval(uint64_t ns);
void log_capture(void (*fn)(int pri, const char *msg));

#endif /* COOPVMM_LOG_H */
