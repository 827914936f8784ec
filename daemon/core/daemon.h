/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon.h - what the daemon does, whoever asks: one poll, and the state
 * changes a signal or a control client may ask for.
 *
 * coopvmmd.c's loop calls daemon_poll() on time and daemon_reload() on
 * SIGHUP; the control socket calls the rest.  None of them blocks or
 * exits.
 */
#ifndef COOPVMM_DAEMON_H
#define COOPVMM_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon_types.h"

/*
 * One poll: sample every domain, record, base values, policy, act, and
 * write the metrics file.  Returns 0, or -errno when the run must end:
 * -ENODATA at the end of a finite backend's data (a recording), another
 * -errno when that data cannot be read further (reported).  A live
 * host's failed sample is counted and returns 0: the next poll retries.
 */
int daemon_poll(struct daemon *d);

/* The syslog priority mask for a configuration and -v count. */
int daemon_log_level(const struct conf *c, int verbose);

/*
 * Reload the configuration from d->conf_path.  On success the new one is
 * in force; on failure the old one stays and *errors (if not NULL) gets a
 * malloc'd "file:line: message" text.  Returns 0 or -errno.
 */
int daemon_reload(struct daemon *d, char **errors);

/*
 * Pause: put every base value back and stop acting; keep observing.
 * Resume: act again.  Each returns 0, or 1 if the daemon already was in
 * that state (nothing done).
 */
int daemon_pause(struct daemon *d);
int daemon_resume(struct daemon *d);

/*
 * Pin a domain (name or domid, as text) to a class, or unpin it
 * (cls == NULL).  A pin belongs to the guest (its UUID): a new domain of
 * the guest (reboot, restore, migration back) is pinned too, from its
 * second poll.  Pins survive reload (one whose class is gone is dropped,
 * with a log line), not restart; at most DAEMON_PINS_MAX guests.  On
 * failure returns -errno and writes a message to err.
 */
int daemon_pin(struct daemon *d, const char *domain, const char *cls,
               char *err, size_t errlen);

/* Index of a domain in d->samples by name or domid text, or -1. */
int daemon_find_domain(const struct daemon *d, const char *domain);

/*
 * The host's cpupools with their scheduler parameters, into out[0..max):
 * how many there are (only max filled), or -EOPNOTSUPP when the backend
 * does not know them (a recording).
 */
int daemon_cpupools(const struct daemon *d, struct backend_cpupool *out,
                    unsigned int max);

/* Whether the backend can trace a domain's requests (coopctl iotrace). */
bool daemon_has_iotrace(const struct daemon *d);

/*
 * Switch the trace of domain `domid` on or off, or read up to `max` of
 * its records into out[] (*overruns: requests dropped).  The backend's
 * result: 0 or a count, or -errno; -EOPNOTSUPP without trace support.
 */
int daemon_iotrace(struct daemon *d, uint32_t domid,
                   enum backend_trace_op op, struct backend_trace_rec *out,
                   unsigned int max, uint64_t *overruns);

#endif /* COOPVMM_DAEMON_H */
