/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon_types.h - the running daemon's state, as the poll, the actuator,
 * the metrics and the control socket see it.
 *
 * Types only, no functions: the layers below daemon.c read and fill this
 * struct without depending on daemon.c, which calls them.  The control
 * socket reads it to answer status and metrics, and changes it only
 * through the daemon_* calls of daemon.h, so that every state change
 * goes through the same checks as a signal would.
 */
#ifndef COOPVMM_DAEMON_TYPES_H
#define COOPVMM_DAEMON_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "conf_types.h"
#include "policy.h"

struct state;
struct recorder;

struct daemon_stats {
    uint64_t polls;
    uint64_t decisions;         /* class changes adopted */
    uint64_t sets;              /* scheduler changes applied */
    uint64_t failed_calls;      /* failed hypercalls / backend calls */
    uint64_t last_poll_ns;      /* monotonic stamp of the last poll */
    uint64_t last_poll_dur_ns;  /* how long it took */
    uint64_t last_poll_late_ns; /* how long after its time it started */
    uint64_t start_ns;
    uint64_t effects_helped;    /* effect checks: changes kept */
    uint64_t effects_undone;    /* ... and undone */
};

/* A domain's last effect verdict (effects.c), for display. */
struct daemon_verdict {
    uint32_t domid;
    uint8_t uuid[16];
    int cls;                    /* the class that was judged */
    enum policy_effect effect;  /* HELPED or UNDONE */
    enum policy_effect_measure measure;
    uint32_t waiter;            /* measure WAITER_WAIT: its domid */
    double before, after;       /* % */
    unsigned int polls;
    uint64_t at_ns;             /* sample time of the verdict */
};

/* A runtime pin (coopctl pin): it belongs to the guest, not the domid. */
struct daemon_pin {
    uint8_t uuid[16];
    char cls[POLICY_CLASS_MAX];
};

#define DAEMON_PINS_MAX 256

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
    /* The metrics file: NULL follows the configuration's metrics-file
     * (a live daemon, over reloads); else this path, "" for none (a
     * replay, unless --metrics-file names one). */
    const char *metrics_file;
    int verbose;                /* -v count */
    bool paused;
    struct daemon_pin *pins;    /* coopctl pin, by guest */
    unsigned int npins;

    /*
     * The last poll: ndoms domains, their samples and decisions side by
     * side, in arrays of ndoms_max entries (grown when there are more).
     */
    unsigned int ndoms, ndoms_max;
    struct policy_sample *samples;
    struct policy_decision *decisions;
    uint32_t sample_signals;    /* POLICY_HAS_* of any sample last poll */

    struct daemon_verdict *verdicts;    /* effects.c */
    unsigned int nverdicts, verdicts_max;

    struct daemon_stats stats;
    /*
     * Bumped by every change a status or metrics reply shows (a poll,
     * reload, pause, resume, pin): replies of one generation are the
     * same for every client.
     */
    uint64_t gen;
};

#endif /* COOPVMM_DAEMON_TYPES_H */
