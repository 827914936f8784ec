/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * backend.h - where samples come from and where scheduler changes go.
 *
 * A backend is a small table of functions.  "xen" talks to the real
 * hypervisor through libxenctrl and libxenstore and reads dom0's /proc and
 * sysfs; "replay" plays a recording back and applies changes to its model
 * of the host.  Neither
 * knows about policy: they fill struct policy_sample and apply weight/cap.
 * Each backend's header (xen.h, replay.h) names its table.
 */
#ifndef COOPVMM_BACKEND_H
#define COOPVMM_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

struct backend;

struct backend_args {
    const char *replay_path;    /* replay: recording to play */
    const char *replay_host;    /* replay: host file (replay_host.h), or NULL */
    double speed;               /* replay: 1 = recorded pace, 0 = max */
    unsigned int max_domains;   /* sizing hint */
};

struct backend_info {
    uint32_t signals;           /* POLICY_HAS_* that are live */
    char scheds[64];            /* e.g. "credit,credit2", for the banner */
    char detail[256];           /* e.g. "ioreq counters: missing (ENOSYS)" */
};

/*
 * A cpupool as the hypervisor runs it, with its scheduler's own
 * parameters (read, never set by coopvmm).
 */
struct backend_cpupool {
    uint32_t id;
    char sched[16];             /* "credit", "credit2", "rtds", ... */
    uint32_t ncpus;
    char cpus[64];              /* its pCPUs as a list: "0,2-3" */
    int32_t tslice_ms;          /* credit's time slice; -1: none, unknown */
    int32_t ratelimit_us;       /* credit/credit2 rate limit; -1: ditto */
};

/* Trace records, as coopctl iotrace shows them. */
struct backend_trace_rec {
    uint64_t ts_ns;
    uint32_t vcpu;
    bool mmio, write, data_is_ptr;
    uint64_t addr;              /* port or guest physical address */
    uint32_t size, count;
    uint64_t data;
    uint64_t rip;
    const char *handler;        /* "xen", "dm", "buffered", "none" */
};

enum backend_trace_op { TRACE_ON, TRACE_OFF, TRACE_READ };

/*
 * Every backend fills open, sample, get, set, info and close; the ops
 * marked optional may be NULL, and their callers check.
 */
struct backend_ops {
    const char *name;
    /*
     * What the end of the samples means.  false: a live host, which never
     * ends; a failed sample is counted and the next poll tries again.
     * true: a recording; sample's -ENODATA is its normal end, and any
     * other failure ends the run, since nothing past a damaged line can
     * be trusted (sample reports where).
     */
    bool finite;
    /* Returns 0 or -errno; on failure logs why. */
    int (*open)(struct backend **out, const struct backend_args *args);
    /*
     * Sample every domain into s[0..max).  Returns the number of domains,
     * -ENOSPC if there are more than `max` (call again with more room),
     * -ENODATA at the end of a finite backend's data, or another -errno.
     * *now_ns gets the sample's monotonic time (the recorded one on
     * replay).
     */
    int (*sample)(struct backend *b, struct policy_sample *s,
                  unsigned int max, uint64_t *now_ns);
    /*
     * Read the weight and cap in force on the sampled domain now, from
     * the host itself, not a cache: the actuator's check right before a
     * set, since a sample may be older than an administrator's change.
     * 0 or -errno (-ESRCH: the domid is another domain now); not
     * logged.
     */
    int (*get)(struct backend *b, const struct policy_sample *s,
               uint32_t *weight, uint32_t *cap);
    /*
     * Set weight and/or cap (POLICY_SET_* in `mask`) of the sampled
     * domain through its cpupool's scheduler; the other field is left
     * as it is.  s->weight and s->cap are the values in force, as get
     * has just read them (credit2 has no "unchanged" cap: its cap is
     * written back).  0 or -errno; it logs nothing on failure: the
     * caller says it once, with the domain and the errno.
     */
    int (*set)(struct backend *b, const struct policy_sample *s,
               unsigned int mask, uint32_t weight, uint32_t cap);
    void (*info)(struct backend *b, struct backend_info *out);
    /*
     * Optional: nanoseconds to wait before the next sample, or -1 for
     * "the configured interval" (also when NULL: live hosts).  Replay
     * paces itself.
     */
    int64_t (*next_delay)(struct backend *b);
    /*
     * Optional: an fd that becomes readable on domain churn, or -1; and
     * its drain.
     */
    int (*watch_fd)(struct backend *b);
    void (*watch_drain)(struct backend *b);
    /*
     * Optional: how far a finite backend has read, and how much there is,
     * in the same unit (replay: bytes of the file as stored), for a
     * progress line.  0, or -errno if it cannot tell.
     */
    int (*progress)(struct backend *b, uint64_t *done, uint64_t *total);
    /*
     * Optional: the cpupools into out[0..max).  Returns how many there
     * are (may be more than max: only max are filled), or -errno.
     */
    int (*cpupools)(struct backend *b, struct backend_cpupool *out,
                    unsigned int max);
    /* Optional: per-request trace (see coopctl iotrace). */
    int (*trace)(struct backend *b, uint32_t domid, enum backend_trace_op op,
                 struct backend_trace_rec *out, unsigned int max,
                 uint64_t *overruns);
    void (*close)(struct backend *b);
};

#endif /* COOPVMM_BACKEND_H */
