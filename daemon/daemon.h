/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon.h - the running daemon's state, as the main loop, the actuator
 * and the control socket see it.
 *
 * One struct, owned by coopvmmd.c.  The control socket reads it to answer
 * status/metrics and changes it only through the daemon_* calls below, so
 * that every state change goes through the same checks as a signal would.
 */
#ifndef COOPVMM_DAEMON_H
#define COOPVMM_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "conf.h"
#include "policy.h"

struct state;
struct recorder;
struct control;

struct daemon_stats {
    uint64_t polls;
    uint64_t decisions;         /* class changes adopted */
    uint64_t sets;              /* scheduler changes applied */
    uint64_t failed_calls;      /* failed hypercalls / backend calls */
    uint64_t last_poll_ns;      /* monotonic stamp of the last poll */
    uint64_t last_poll_dur_ns;  /* how long it took */
    uint64_t start_ns;
};

struct daemon {
    const char *conf_path;
    struct conf *conf;
    const struct backend_ops *ops;
    struct backend *be;
    struct backend_info info;
    struct policy_engine *pe;
    struct state *state;
    struct recorder *rec;       /* --record, or NULL */
    bool dry_run;               /* --dry-run or dry-run = true */
    bool dry_run_forced;        /* --dry-run: survives reloads */
    int verbose;                /* -v count */
    bool paused;

    /* Last poll: n domains, samples and decisions side by side. */
    unsigned int n, cap;
    struct policy_sample *s;
    struct policy_decision *d;

    struct daemon_stats stats;
};

/* Version string, e.g. "0.1.0". */
extern const char daemon_version[];

/*
 * Reload the configuration from d->conf_path.  On success the new one is
 * in force; on failure the old one stays and *errors (if not NULL) gets a
 * malloc'd "file:line: message" text.  Returns 0 or -errno.
 */
int daemon_reload(struct daemon *d, char **errors);

/* Pause: put every base value back and stop acting; keep observing. */
int daemon_pause(struct daemon *d);
int daemon_resume(struct daemon *d);

/*
 * Pin a domain (name or domid, as text) to a class, or unpin it
 * (cls == NULL).  Pins survive reload, not restart.  On failure returns
 * -errno and writes a message to err.
 */
int daemon_pin(struct daemon *d, const char *domain, const char *cls,
               char *err, size_t errlen);

/* Index of a domain in d->s by name or domid text, or -1. */
int daemon_find_domain(const struct daemon *d, const char *domain);

#endif /* COOPVMM_DAEMON_H */
